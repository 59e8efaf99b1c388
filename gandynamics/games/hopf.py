r"""A two-player game whose flow is (linearly conjugate to) the Hopf normal form.

In the complex coordinate ``w = w1 + i w2`` the normal form (Kuznetsov 2004, Elements of Applied
Bifurcation Theory, §3.4–3.5) is

.. math:: \dot w = (\beta + i\omega) w + (\sigma + i b) w |w|^2 ,

i.e. ``r' = beta r + sigma r^3``, ``phi' = omega + b r^2``.  For ``sigma < 0`` a stable limit cycle of
radius ``sqrt(-beta / sigma)`` and period ``P = 2 pi / (omega - b beta / sigma)`` exists for ``beta > 0``
(supercritical Hopf at ``beta = 0``); for ``sigma > 0`` an unstable one exists for ``beta < 0``
(subcritical).  Its non-trivial Floquet multiplier is ``exp(-2 beta P)`` (the radial equation linearised
at the cycle, ``d/dr (beta r + sigma r^3) = -2 beta``).

The state is ``z = (theta, psi) = T w`` with ``T = [[1, shear], [0, 1]]`` (a shear, so that the game is not
the normal form itself).  Every planar field ``v`` is a game: ``L_G = -int v_1 d theta``,
``L_D = -int v_2 d psi`` (each player's own gradient is then ``F = -v``); the game is general-sum.
The first Lyapunov coefficient in Kuznetsov's normalisation ``<q, q> = 1`` is exactly
``2 sigma / omega`` for ``shear = 0`` (docs/math/bifurcations.md §2.3); a shear keeps its sign and changes
its value (l1 depends on the normalisation of q, the cycle it predicts does not).  ``beta`` is a hyperparameter, so the Hopf point is crossed by continuation in it.
"""

from __future__ import annotations

import sympy as sp

from ..game import Game
from ..validate import finite, positive

__all__ = ["hopf", "hopf_normal_form"]


def hopf_normal_form(omega: float = 1.0, sigma: float = -1.0, twist: float = 0.0, shear: float = 0.0,
                     beta: float = 0.25) -> Game:
    """The Hopf normal form as a general-sum game (module docstring).

    Parameters
    ----------
    omega : float
        Frequency at the bifurcation (finite, > 0: at ``omega = 0`` the eigenvalues at ``beta = 0`` are a double
        zero, a Bogdanov–Takens point and no Hopf point; a negative frequency is this game with ``psi`` mirrored).
    sigma : float
        Real part of the cubic coefficient: < 0 supercritical, > 0 subcritical (0: degenerate, the first Lyapunov
        coefficient vanishes and no cycle is born).
    twist : float
        ``b``, the amplitude dependence of the frequency.
    shear : float
        Off-diagonal entry of ``T`` in ``z = T w``.
    beta : float
        Default of the hyperparameter ``beta`` (the real part of the eigenvalues of J at 0).

    Returns
    -------
    Game
        State ``(theta, psi)``, equilibrium ``(0, 0)``, hyperparameter ``beta``.

    Raises
    ------
    GandynamicsError
        ``omega`` not a finite number > 0, or ``sigma``, ``twist``, ``shear``, ``beta`` not finite numbers.
    """
    omega = positive(omega, "hopf: omega")
    sigma, twist, shear, beta = (finite(v, f"hopf: {k}") for k, v in (("sigma", sigma), ("twist", twist),
                                                                      ("shear", shear), ("beta", beta)))
    th, ps = sp.symbols("theta psi", real=True)
    be = sp.Symbol("beta", real=True)
    om, sg, tw, sh = (sp.nsimplify(v) for v in (omega, sigma, twist, shear))
    # w = T^{-1} z
    w1, w2 = th - sh * ps, ps
    r2 = w1**2 + w2**2
    u1 = be * w1 - om * w2 + (sg * w1 - tw * w2) * r2
    u2 = om * w1 + be * w2 + (sg * w2 + tw * w1) * r2
    v1, v2 = sp.expand(u1 + sh * u2), sp.expand(u2)     # v = T u
    lg = -sp.integrate(v1, th)
    ld = -sp.integrate(v2, ps)
    return Game([th], [ps], lg, ld, hyper={be: beta}, equilibrium=(0, 0), name="hopf")


#: the factory under the game's registered name (``gandynamics.games.hopf``, as ``games.dirac`` is dirac's)
hopf = hopf_normal_form
