r"""The integration methods: names, options, update rules and their sources.

All rules are written with the operator ``F`` (``v = -F``; docs/mathematics.md §0.1, §0.4) and a step size that
may differ per player: ``h`` below is the diagonal matrix with ``h_G`` on the generator's coordinates and
``h_D`` on the discriminator's (two-timescale).  Each rule is compiled once per field from the templates
of :mod:`gandynamics.kernels`.

=========  ======================================================================  ==========================
name       update (``k`` = iteration)                                              source
=========  ======================================================================  ==========================
gd         ``z_{k+1} = z_k - h F(z_k)``                                            docs/mathematics.md §0.4 (GDA)
altgd      ``theta <- theta - h_G F_theta(theta, psi)`` ``n_g`` times, then        M18 §2.2; GAN_stability
           ``psi <- psi - h_D F_psi(theta, psi)`` ``n_d`` times (each sub-step     ``trajectory_altgd``
           sees the latest values); ``order="discriminator-first"`` swaps them
eg         ``w_k = z_k - h F(z_k)``, ``z_{k+1} = z_k - h F(w_k)``                  Korpelevich 1976; VI-GAN
eftp       ``w_k = z_k - h F(w_{k-1})``, ``z_{k+1} = z_k - h F(w_k)``,             Popov 1980; VI-GAN (one
           ``w_{-1} = z_0``                                                        new evaluation per step)
ogda       ``z_{k+1} = z_k - 2h F(z_k) + h F(z_{k-1})``, ``z_{-1} = z_0``          Daskalakis et al. 2018
momentum   ``z_{k+1} = z_k - h F(z_k) + beta (z_k - z_{k-1})``, ``z_{-1} = z_0``;  Polyak 1964; Gidel et al.
           ``alternating=True``: ``theta`` first, then ``psi`` with the new theta  2019 (NegMom)
flow       ``z' = v(z) = -F(z)``: ``scheme="rk4"`` (classical RK4, time step h) or  Hairer–Nørsett–Wanner I
           ``scheme="dopri5"`` (Dormand–Prince 5(4), adaptive, ``rtol``/``atol``,  §II.1, §II.4–5
           output every h)
=========  ======================================================================  ==========================

EFTP and OGDA are the same dynamics: the ``w``-sequence of EFTP is an OGDA sequence, ``w_{k+1} = w_k -
2h F(w_k) + h F(w_{k-1})`` (docs/mathematics.md §5.3).  With the starts above (``w_{-1} = z_0``, ``u_{-1} = u_0 = z_0``)
``w_k = u_{k+1}``, so ``z^{EFTP}_k = u_{k+1} + h F(u_k)`` where ``u`` is OGDA from the same ``z_0`` (tested).

Projection (``box``): each (sub-)update is followed by the projection onto the box ``lo <= z <= hi``
(PEPit's projected EFTP, docs/mathematics.md §4.6; weight clipping ``psi <- clip(psi, -c, c)`` of WGAN,
docs/mathematics.md §1.3, is a box on psi).  For EG/EFTP both the extrapolated point and the update are projected.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import GandynamicsError

__all__ = ["Method", "METHODS", "get_method", "ORDERS", "SCHEMES"]

ORDERS = ("generator-first", "discriminator-first")
SCHEMES = ("rk4", "dopri5")


@dataclass(frozen=True)
class Method:
    """One integration method.

    Attributes
    ----------
    name : str
    kernel : str           the compiled kernel ``run_<kernel>`` (for ``flow`` chosen by ``scheme``)
    formula : str          the update rule
    source : str           where it comes from
    options : tuple        accepted keyword options (besides ``box``)
    evaluations : str      evaluations of F per step
    """

    name: str
    kernel: str
    formula: str
    source: str
    options: tuple = ()
    evaluations: str = "1"

    def kernel_for(self, scheme: str | None = None) -> str:
        if self.name == "flow":
            return scheme or "rk4"
        return self.kernel


METHODS: dict[str, Method] = {m.name: m for m in [
    Method("gd", "gd", "z <- z - h F(z)", "simultaneous gradient descent(-ascent); docs/mathematics.md §0.4"),
    Method("altgd", "altgd", "theta <- theta - h_G F_theta (n_g times), then psi <- psi - h_D F_psi (n_d times)",
           "alternating GD, generator first as in Mescheder et al. 2018 (GAN_stability trajectory_altgd)",
           ("n_g", "n_d", "order"), "n_g + n_d"),
    Method("eg", "eg", "w = z - h F(z); z <- z - h F(w)", "extragradient, Korpelevich 1976; Gidel et al. 2019",
           (), "2"),
    Method("eftp", "eftp", "w_k = z_k - h F(w_{k-1}); z_{k+1} = z_k - h F(w_k)",
           "extrapolation from the past, Popov 1980; Gidel et al. 2019", (), "1"),
    Method("ogda", "ogda", "z_{k+1} = z_k - 2h F(z_k) + h F(z_{k-1})",
           "optimistic GDA, Daskalakis et al. 2018", (), "1"),
    Method("momentum", "momentum", "z_{k+1} = z_k - h F(z_k) + beta (z_k - z_{k-1})",
           "heavy ball, Polyak 1964; negative momentum, Gidel et al. 2019 (alternating)",
           ("beta", "alternating", "order"), "1 (2 half-evaluations when alternating)"),
    Method("flow", "rk4", "z' = -F(z)", "continuous flow: RK4 or Dormand-Prince 5(4) (Hairer, Norsett & Wanner I)",
           ("scheme", "rtol", "atol"), "4 (rk4) / adaptive (dopri5)"),
]}


def get_method(name) -> Method:
    """The method called ``name`` or a one-line error listing the accepted names."""
    if isinstance(name, Method):
        return name
    if not isinstance(name, str) or name not in METHODS:
        raise GandynamicsError(f"unknown method {name!r}; accepted: {', '.join(METHODS)}")
    return METHODS[name]
