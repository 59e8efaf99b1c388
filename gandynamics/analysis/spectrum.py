r"""Spectral analysis of the field at a point (the equilibrium by default).

For ``J = Dv(z*)`` (docs/mathematics.md §0.1, §0.5):

* spectral abscissa ``alpha(J) = max Re lambda`` — the flow is locally asymptotically stable iff
  ``alpha < 0`` (Hartman–Grobman / Lyapunov linearisation; M18 §2.1, NK17 §2);
* phase factor ``xi(J) = max_i |Im lambda_i| / |Re lambda_i|`` (Nie & Patel 2019's "Phase Factor",
  formalised in docs/mathematics.md §3.3; infinite when an eigenvalue is purely imaginary);
* conditioning factor ``kappa(J) = max |lambda| / min |lambda|`` (their "Conditioning Factor"), and the
  singular-value condition number ``sigma_max / sigma_min`` beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..equilibrium import find_equilibrium  # noqa: F401  (moved there; re-exported)
from ..errors import GandynamicsError

__all__ = ["SpectralReport", "find_equilibrium", "spectrum", "spectral_abscissa", "phase_factor",
           "conditioning_factor", "analysis_point"]

#: eigenvalues with |Re| below this (relative to |lambda|, absolute below 1) count as purely imaginary
REAL_TOL = 1e-9


def spectral_abscissa(eigs) -> float:
    """``max Re lambda``."""
    return float(np.max(np.real(eigs)))


def phase_factor(eigs, tol: float = REAL_TOL) -> float:
    """``max |Im lambda| / |Re lambda|``; ``inf`` when some eigenvalue with ``Im != 0`` has ``Re = 0``."""
    out = 0.0
    for lam in np.asarray(eigs, dtype=complex):
        scale = max(1.0, abs(lam))
        if abs(lam.imag) <= tol * scale:
            continue
        if abs(lam.real) <= tol * scale:
            return math.inf
        out = max(out, abs(lam.imag) / abs(lam.real))
    return out


def conditioning_factor(eigs, tol: float = 1e-12) -> float:
    """``max |lambda| / min |lambda|`` (``inf`` for a zero eigenvalue)."""
    mags = np.abs(np.asarray(eigs, dtype=complex))
    lo = float(mags.min())
    if lo <= tol * max(1.0, float(mags.max())):
        return math.inf
    return float(mags.max()) / lo


@dataclass
class SpectralReport:
    """What :func:`spectrum` finds at a point."""

    point: np.ndarray
    residual: float                 # ||F(point)||
    differentiable: bool
    nonsmooth: list = field(default_factory=list)
    jacobian: np.ndarray | None = None   # J = Dv = -DF
    eigenvalues: np.ndarray | None = None
    spectral_abscissa: float | None = None
    phase_factor: float | None = None
    conditioning_factor: float | None = None
    singular_condition: float | None = None
    verdict: str = ""

    @property
    def stable(self) -> bool | None:
        if not self.differentiable:
            return None
        return self.verdict == "locally asymptotically stable"


def analysis_point(fld, params=None, at=None, tol: float = 1e-10):
    """The point to analyse: ``at`` as given, else the (verified or searched) equilibrium."""
    if at is not None:
        z = fld.point(at)
        return z, float(np.linalg.norm(fld.eval_F(z, params)))
    return find_equilibrium(fld, params, tol=tol)


def spectrum(fld, params=None, at=None, tol: float = 1e-10) -> SpectralReport:
    """Jacobian of v, eigenvalues, spectral abscissa, phase and conditioning factors, and a verdict at
    ``at`` (default: the equilibrium).  Where F is not differentiable at the point (e.g. WGAN-GP on the
    Dirac-GAN, docs/mathematics.md §1.4) the report says so and carries no linearisation."""
    z, res = analysis_point(fld, params, at, tol)
    bad = fld.nonsmooth_at(z, params)
    if bad:
        return SpectralReport(point=z, residual=res, differentiable=False, nonsmooth=bad,
                              verdict="not differentiable here: " + ", ".join(bad) + " (no linearisation exists)")
    J = fld.eval_J(z, params)
    if not np.all(np.isfinite(J)):
        raise GandynamicsError(f"the Jacobian is not finite at {z.tolist()}")
    eigs = np.linalg.eigvals(J)
    order = np.lexsort((-eigs.imag, -eigs.real))
    eigs = eigs[order]
    alpha = spectral_abscissa(eigs)
    scale = max(1.0, float(np.max(np.abs(eigs))))
    if alpha < -REAL_TOL * scale:
        verdict = "locally asymptotically stable"
    elif alpha > REAL_TOL * scale:
        verdict = "unstable"
    else:
        verdict = "marginal (eigenvalues on the imaginary axis: no conclusion from the linearisation)"
    sv = np.linalg.svd(J, compute_uv=False)
    svc = math.inf if sv[-1] <= 1e-14 * max(1.0, sv[0]) else float(sv[0] / sv[-1])
    return SpectralReport(point=z, residual=res, differentiable=True, jacobian=J, eigenvalues=eigs,
                          spectral_abscissa=alpha, phase_factor=phase_factor(eigs),
                          conditioning_factor=conditioning_factor(eigs), singular_condition=svc, verdict=verdict)
