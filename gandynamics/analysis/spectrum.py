r"""Spectral analysis of the field at a point (the equilibrium by default).

For ``J = Dv(z*)`` (docs/mathematics.md §0.1, §0.5):

* spectral abscissa ``alpha(J) = max Re lambda`` — the flow is locally exponentially stable iff
  ``alpha < 0`` and unstable if ``alpha > 0``; at ``alpha = 0`` the linearisation decides nothing (Hartman–Grobman / Lyapunov linearisation; M18 §2.1, NK17 §2);
* phase factor ``xi(J) = max_i |Im lambda_i| / |Re lambda_i|`` (Nie & Patel 2019's "Phase Factor",
  formalised in docs/mathematics.md §3.3; infinite when an eigenvalue is purely imaginary);
* conditioning factor ``kappa(J) = max |lambda| / min |lambda|`` (their "Conditioning Factor"), and the
  singular-value condition number ``sigma_max / sigma_min`` beside it.
"""

from __future__ import annotations

import math
from dataclasses import field

import numpy as np

from ..equilibrium import find_equilibrium, norm, why_not_zero, zero_test  # noqa: F401  (find_equilibrium: moved there; re-exported)
from ..errors import GandynamicsError, choice_refusal
from ..eigbounds import REAL_TOL, flow_reading  # noqa: F401  (REAL_TOL re-exported: continuation's tolerances)
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["SpectralReport", "find_equilibrium", "spectrum", "spectral_abscissa", "phase_factor",
           "conditioning_factor", "analysis_point"]


def real_part_tol(eigs) -> float:
    """The tolerance below which ``|Re lambda|`` is zero to rounding when only the eigenvalues are known (the
    ``k`` leading eigenvalues of a large game, a continuation's spectra): :data:`REAL_TOL` times ``max |lambda|`` (the
    verdicts of ``J`` and of ``s J`` are the same for every ``s > 0``; 0 for a zero spectrum).  Where the matrix is
    known its eigenvalues' own radii decide (:func:`gandynamics.eigbounds.flow_reading`): a nilpotent
    Jacobian's eigenvalues compute as -3e-17, far below this tolerance, yet they are 0."""
    e = np.asarray(eigs, dtype=complex)
    return REAL_TOL * (float(np.max(np.abs(e))) if e.size else 0.0)


def spectral_abscissa(eigs) -> float:
    """``max Re lambda``."""
    return float(np.max(np.real(eigs))) + 0.0  # (+ 0.0: -0.0 printed as -0.0 in JSON)


def phase_factor(eigs, tol: float = REAL_TOL) -> float:
    """``max |Im lambda| / |Re lambda|``; ``inf`` when some eigenvalue with ``Im != 0`` has ``Re = 0`` (to ``tol``
    relative to ``max(|lambda|, 1e-4 max |lambda'|)``: scale-free, so ``J`` and ``s J`` have the same factor)."""
    out = 0.0
    eigs = np.asarray(eigs, dtype=complex)
    big = float(np.max(np.abs(eigs))) if eigs.size else 0.0
    for lam in eigs:
        scale = max(abs(lam), 1e-4 * big)
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
    note: str = ""                  # how the point was chosen, when not as given (analysis_point)

    @property
    def stable(self) -> bool | None:
        """True for a locally asymptotically stable equilibrium, False for an unstable or marginal one; None where
        no verdict exists (not differentiable here, not an equilibrium)."""
        if not self.differentiable or self.verdict.startswith("not an equilibrium"):
            return None
        return self.verdict == "locally asymptotically stable"

    def to_dict(self) -> dict:
        """The report as built-in Python values (eigenvalues as ``[re, im]`` pairs; :mod:`gandynamics.jsonio`), as
        ``gandynamics analyze --json`` writes it after the game's description."""
        from ..jsonio import pairs, plain
        out = {"point": plain(self.point), "residual": plain(self.residual), "differentiable": bool(self.differentiable),
               "jacobian": plain(self.jacobian),
               "eigenvalues": None if self.eigenvalues is None else pairs(self.eigenvalues),
               "spectral_abscissa": plain(self.spectral_abscissa), "phase_factor": plain(self.phase_factor),
               "conditioning_factor": plain(self.conditioning_factor),
               "singular_value_condition": plain(self.singular_condition), "stable": self.stable,
               "verdict": self.verdict}
        if self.note:
            out["note"] = self.note
        if not self.differentiable:
            out["nonsmooth"] = plain(self.nonsmooth)
        return out

    def __repr__(self) -> str:
        from .._display import spectral_text
        return spectral_text(self)

    def _repr_html_(self) -> str:
        from .._display import spectral_html
        return spectral_html(self)


#: a point given with ``at`` whose residual is not below the tolerance is taken as the zero of F that Newton's method
#: finds from it when that zero lies within this distance, relative to ``1 + |at|`` (a zero printed to 6 digits and
#: pasted back, ``--at -0.994987,-0.0994987``, has |F| ~ 1e-6: "not stationary")
AT_SNAP = 1e-5


def analysis_point(fld, params=None, at=None, tol: float = 1e-10, note: list | None = None):
    """The point to analyse: ``at`` as given, else the (verified or searched) equilibrium; returns ``(z, |F(z)|)``
    (the norm without underflow: :func:`gandynamics.equilibrium.norm`).  A point ``at`` that is no zero of F to
    ``tol`` but lies within :data:`AT_SNAP` (relative) of the zero Newton's method finds from it is replaced by that
    zero (a zero's rounded digits), which ``note`` (a list, if given) is told of.  Whether ``at`` is an equilibrium
    is :func:`is_equilibrium`'s to say.

    Raises
    ------
    GandynamicsError
        ``at`` where F is not finite (outside the domain of a function of the losses: log(u) at u <= 0)."""
    from ..validate import field
    fld = field(fld, "the analysis")
    if at is not None:
        z = fld.point(at)
        res = norm(fld.eval_F(z, params))
        if not math.isfinite(res):  # (the Jacobian there may be finite: log(x) y at x < 0 printed eigenvalues +-i)
            raise GandynamicsError(f"F is not finite at ({', '.join(f'{v:zg}' for v in z)}) (|F| = {res:zg}): "
                                   f"{fld.why_not_finite(z, params)}; give a point where F is defined and finite")
        if tol < math.inf and not res < tol:
            try:
                zr, rr = find_equilibrium(fld, params, start=z, tol=tol)
            except GandynamicsError:
                return z, res
            gap = float(np.linalg.norm(zr - z))
            if gap <= AT_SNAP * (1.0 + float(np.linalg.norm(z))):
                if note is not None:
                    note.append(f"the point given (|F| = {res:z.3g}) is taken as the zero of F within {gap:z.2g} of it, "
                                f"({', '.join(f'{v:z.17g}' for v in zr)}) (|F| = {rr:z.2g})")
                return zr, rr
        return z, res
    from ..validate import positive
    return find_equilibrium(fld, params, tol=positive(tol, "tol", allow_inf=True))  # inf: any point


def is_equilibrium(fld, z, params, res: float, tol: float) -> bool:
    """Whether the analysis point ``z`` (its residual ``res`` from :func:`analysis_point`) is a zero of F:
    ``res < tol`` and Newton's correction there small (:func:`gandynamics.equilibrium.zero_test`: where F is only
    flat, as on the saturated region of the Dirac-GAN, it is not)."""
    if tol == math.inf:
        return True
    if not res < tol:
        return False
    return zero_test(fld, z, fld._p(params), tol)[1]


#: ``which`` values of :func:`spectrum` with ``k`` (ARPACK's names)
WHICH = {"LR": "largest real part", "LM": "largest modulus", "SR": "smallest real part", "SM": "smallest modulus",
         "LI": "largest imaginary part"}


def which_refusal(which) -> str:
    """The refusal of a ``which`` not in :data:`WHICH`, in the form of every refusal of a name
    (:func:`gandynamics.errors.choice_refusal`), each accepted one's meaning after it."""
    return choice_refusal(which, "which", WHICH) + "; " + ", ".join(f"{a}: {b}" for a, b in WHICH.items())


#: where Arnoldi iteration does not converge, a game of at most this many parameters has J formed from its Jacobian-vector
#: products and solved densely (3000: 72 MB and a few seconds)
DENSE_FALLBACK_MAX = 3000


def _leading(fld, z, params, k: int, which: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The ``k`` eigenvalues of ``J = -DF(z)`` selected by ``which``, by implicitly restarted Arnoldi
    (ARPACK through :func:`scipy.sparse.linalg.eigs`) on Jacobian-vector products
    (:meth:`gandynamics.VectorField.jacobian_operator`); small problems are solved densely, and so is one of at most
    :data:`DENSE_FALLBACK_MAX` parameters where ARPACK does not converge (a GandynamicsError above).  Returns
    ``(eigenvalues (k,), J (n, n) where it was formed densely, else None)``."""
    from scipy.sparse.linalg import LinearOperator, eigs
    n = fld.n
    if which not in WHICH:
        raise GandynamicsError(which_refusal(which))
    if not (isinstance(k, (int, np.integer)) and 1 <= k <= n):
        raise GandynamicsError(f"k must be a whole number from 1 to the number of parameters ({n}), got {k!r}")
    J = None
    if k >= n - 1 or n <= 64:
        J = -fld.eval_DF(z, params)
        eigs_all = np.linalg.eigvals(J)
    else:
        from scipy.sparse.linalg import ArpackNoConvergence
        op = fld.jacobian_operator(z, params)
        Jop = LinearOperator((n, n), matvec=lambda v: -op.matvec(v), dtype=float)
        try:
            eigs_all = eigs(Jop, k=k, which=which, tol=1e-12, ncv=min(n, max(2 * k + 1, 40)),
                            v0=np.random.default_rng(0).standard_normal(n), return_eigenvectors=False)
        except ArpackNoConvergence as exc:
            # a cluster ARPACK cannot separate (300 eigenvalues of one real part, which="LR": a new user's game
            # raised scipy's exception): J formed from n products and solved densely, up to DENSE_FALLBACK_MAX
            if n > DENSE_FALLBACK_MAX:
                got = np.size(exc.eigenvalues) if getattr(exc, "eigenvalues", None) is not None else 0
                raise GandynamicsError(
                    f"Arnoldi iteration (ARPACK) did not converge for the {k} eigenvalues of J with which={which!r} "
                    f"({got} of {k} converged): their selection is probably a cluster (many eigenvalues of nearly "
                    f"one {'real part' if which in ('LR', 'SR') else 'size'}); try which='LM', another k, or a game "
                    f"of at most {DENSE_FALLBACK_MAX} parameters (solved densely)") from None
            J = -np.column_stack([np.asarray(op.matvec(e), float) for e in np.eye(n)])
            eigs_all = np.linalg.eigvals(J)
    key = {"LR": -eigs_all.real, "LM": -np.abs(eigs_all), "SR": eigs_all.real, "SM": np.abs(eigs_all),
           "LI": -eigs_all.imag}[which]
    return eigs_all[np.argsort(key, kind="stable")][:k], J


def _real_double_eigenvalues(J: np.ndarray, eigs: np.ndarray) -> np.ndarray:
    """``eigs`` (the eigenvalues of the real matrix ``J``) with each pair that rounding split off a defective real
    eigenvalue put back together: a Jordan block of size 2 at a real ``mu`` comes out of LAPACK as ``mu +- i delta``
    or ``mu +- delta`` with ``delta ~ sqrt(eps |J|)`` (lq-wgan with the Nagarajan--Kolter term printed
    ``-2 +- 5.2e-08i``).  A pair closer than ``1e3 sqrt(eps) |J|`` (conjugate, or both real) is replaced by its
    mean ``mu`` twice when ``mu`` itself is an eigenvalue to rounding, ``sigma_min(J - mu I) <= 1e3 eps |J|``: for a
    genuine pair ``mu +- i delta`` or ``mu +- delta`` that singular value is about ``delta``, far above it unless
    ``delta`` is itself at rounding level.  Shape (n,) in, (n,) out."""
    eigs = np.array(eigs, dtype=complex)
    n = J.shape[0]
    scale = float(np.linalg.norm(J, 2))  # (relative: a pair (0.5 +- i) 1e-12 is no rounding split of a double root)
    eps = np.finfo(float).eps
    near = 1e3 * math.sqrt(eps) * scale
    real = np.abs(eigs.imag) <= 1e-14 * scale
    done = np.zeros(n, dtype=bool)
    close = np.triu(np.abs(eigs[:, None] - eigs[None, :]) <= 2 * near, 1)  # (candidates: few, usually none)
    for i, j in zip(*np.nonzero(close)):
        if done[i] or done[j]:
            continue
        pair = (real[i] and real[j] and abs(eigs[i] - eigs[j]) <= near) or \
            (not real[i] and abs(eigs[i].imag) <= near and abs(eigs[j] - np.conj(eigs[i])) <= 1e-12 * scale)
        if not pair:
            continue
        mu = 0.5 * eigs[i].real + 0.5 * eigs[j].real  # (halved first: -1e308 twice summed to -inf)
        if not (math.isfinite(mu) and math.isfinite(scale)):
            continue
        if np.linalg.svd(J - mu * np.eye(n), compute_uv=False)[-1] <= 1e3 * eps * scale:
            eigs[i] = eigs[j] = mu
            done[i] = done[j] = True
    return eigs


_READING = {"stable": "locally asymptotically stable", "unstable": "unstable",
            "marginal": "marginal (eigenvalues on the imaginary axis: no conclusion from the linearisation)"}


def _verdict(alpha: float, tol: float) -> str:
    return _READING["stable" if alpha < -tol else ("unstable" if alpha > tol else "marginal")]


def spectrum(fld, params=None, at=None, tol: float = 1e-10, k: int | None = None, which: str = "LR") -> SpectralReport:
    """Jacobian of v, eigenvalues, spectral abscissa, phase and conditioning factors, and a verdict at
    ``at`` (default: the equilibrium).  Where F is not differentiable at the point (e.g. WGAN-GP on the
    Dirac-GAN, docs/mathematics.md §1.4) the report says so and carries no linearisation.

    Parameters
    ----------
    fld : VectorField
    params : mapping or (n_p,) array, optional    hyperparameters (defaults of the field otherwise)
    at : (n,) array, optional     the point (default: the equilibrium, verified or searched)
    tol : float                   residual ``|F|`` below which a point counts as an equilibrium
    k : int, optional             only the ``k`` leading eigenvalues of J (by ``which``), computed by Arnoldi
        iterations on Jacobian-vector products (Berard et al. 2020 did the same for full GANs): for games of
        thousands of parameters.  The report then has no Jacobian matrix, phase or conditioning factor; its
        spectral abscissa and verdict are those of the computed eigenvalues, exact for ``which="LR"``, their
        tolerance :func:`real_part_tol` (without the matrix, the eigenvalues' conditioning is unknown: a defective
        leading eigenvalue is read as computed).  Without ``k`` the verdict takes each eigenvalue's radius
        (:func:`gandynamics.eigbounds.flow_reading`: ``||J||`` and the eigenvalue's condition number), so a
        nilpotent or nearly defective Jacobian reads marginal where its eigenvalues are zero to rounding.
    which : str                   ``"LR"`` (largest real part, default), ``"LM"``, ``"SR"``, ``"SM"``, ``"LI"``

    Returns
    -------
    SpectralReport

    Raises
    ------
    GandynamicsError
        for bad arguments, a Jacobian that is not finite at the point, and where LAPACK gives up on the Jacobian
        (numpy.linalg.LinAlgError: entries too large or too small for double precision).
    """
    try:
        return _spectrum(fld, params, at, tol, k, which)
    except np.linalg.LinAlgError as exc:
        raise GandynamicsError(f"the linear algebra of the Jacobian failed ({exc}): its entries at these values are too "
                               "large or too small to compute with in double precision") from None


def _spectrum(fld, params, at, tol, k, which) -> SpectralReport:
    from ..validate import field
    fld = field(fld, "spectrum")
    if not isinstance(which, str) or which not in WHICH:
        raise GandynamicsError(which_refusal(which))
    if which != "LR" and k is None:  # it was ignored: every eigenvalue is computed without k
        raise GandynamicsError(f"which={which!r} selects the k leading eigenvalues; give k too, or leave out which")
    if isinstance(k, (bool, np.bool_)):
        raise GandynamicsError(f"k must be a whole number from 1 to the number of parameters ({fld.n}), got {k!r}")
    snapped = []
    z, res = analysis_point(fld, params, at, tol, snapped)
    at = None if snapped else at  # (taken as the zero Newton's method found: a zero by its test)
    # (a point found by find_equilibrium is a zero by its test; only a point given with `at` is tested here)
    zero = at is None or is_equilibrium(fld, z, params, res, tol)
    bad = fld.nonsmooth_at(z, params)
    if bad:
        from .nonsmooth import jump_at, not_differentiable
        j_ = jump_at(fld, z, params)
        jump = ("" if j_ is None else f"; F itself jumps here (by {j_[1]:z.2g} across the point along {j_[0]}): its value "
                f"there, |F| = {res:z.2g}, is a convention's (the sign of 0 taken as 0), not a limit of F")
        return SpectralReport(point=z, residual=res, differentiable=False, nonsmooth=bad,
                              verdict=f"{not_differentiable(bad)}{jump}: no linearisation exists", note="; ".join(snapped))
    if k is not None:
        pv = fld.param_vector(params) if not isinstance(params, np.ndarray) else params
        eigs, J = _leading(fld, z, pv, k, which)
        if not np.all(np.isfinite(eigs)):
            raise GandynamicsError(f"the Jacobian is not finite at the point: {fld.why_not_finite(z, pv, jacobian=True)}")
        alpha = spectral_abscissa(eigs)
        if which != "LR":
            verdict = f"no verdict from the {k} eigenvalues of {WHICH[which]} (use which='LR')"
        elif J is not None:  # solved densely (_leading): the matrix and its eigenvalues' radii decide
            verdict = _READING[flow_reading(J)[0]]
        else:
            verdict = _verdict(alpha, real_part_tol(eigs))
        if not zero:
            verdict = f"not an equilibrium ({why_not_zero(fld, z, params, res, tol)}): no stability verdict"
        return SpectralReport(point=z, residual=res, differentiable=True, eigenvalues=eigs,
                              spectral_abscissa=alpha if which == "LR" else None, verdict=verdict,
                              note="; ".join(snapped))
    J = fld.eval_J(z, params)
    if not np.all(np.isfinite(J)):
        raise GandynamicsError(f"the Jacobian is not finite at {z.tolist()}: "
                               f"{fld.why_not_finite(z, params, jacobian=True)}")
    eigs = _real_double_eigenvalues(J, np.linalg.eigvals(J))
    order = np.lexsort((-eigs.imag, -eigs.real))
    eigs = eigs[order]
    alpha = spectral_abscissa(eigs)
    # the verdict from each eigenvalue's radius (its conditioning and ||J||: eigbounds), not from max |lambda|
    verdict = _READING[flow_reading(J)[0]]
    if not zero:  # a point given with `at` that is not a zero of F: its
        # linearisation says nothing on stability
        verdict = (f"not an equilibrium ({why_not_zero(fld, z, params, res, tol)}): no stability verdict; the "
                   "eigenvalues are those of the linearisation at this point")
    sv = np.linalg.svd(J, compute_uv=False)
    svc = math.inf if sv[-1] <= 1e-14 * max(1.0, sv[0]) else float(sv[0] / sv[-1])
    return SpectralReport(point=z, residual=res, differentiable=True, jacobian=J, eigenvalues=eigs,
                          spectral_abscissa=alpha, phase_factor=phase_factor(eigs),
                          conditioning_factor=conditioning_factor(eigs), singular_condition=svc, verdict=verdict,
                          note="; ".join(snapped))
