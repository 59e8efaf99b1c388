"""Extrapolation from the past: ``w_k = z_k - h F(w_{k-1})``, ``z_{k+1} = z_k - h F(w_k)``, ``w_{-1} = z_0``
(Popov 1980; Gidel et al. 2019; docs/mathematics.md §4.6, §5.3).  One new evaluation of F per step."""

from __future__ import annotations

import math

import numpy as np

from ..kernels.stubs import _gk_project, field_block, field_step_past
from ._common import quadratic_roots
from .base import Method, Rule


def kernel_init(z, a1, pb, NW):
    field_block(z, pb, a1, NW)


def kernel_step(z, a1, a2, hs, pb, n, zero, nrt, USE_BOX, BOX, BP, la_k, nout, NW):
    if not USE_BOX:  # w = z - hs a1; a1 = F(w); z = z - hs a1, in one vectorized loop
        c_ = field_step_past(z, a1, pb, hs, BP, NW)
        if la_k == 0:  # the flag is the divergence test (see gd.kernel_step)
            nout = c_
    else:
        for i in range(n):
            for b in range(NW):
                a2[i, b] = z[i, b] - hs[i, b] * a1[i, b]
        _gk_project(a2, BOX, zero, nrt, NW)
        field_block(a2, pb, a1, NW)
        for i in range(n):
            for b in range(NW):
                z[i, b] -= hs[i, b] * a1[i, b]
        _gk_project(z, BOX, zero, nrt, NW)


def iteration_matrix(A, h, n_theta=None, **opts):
    """On ``(z_k, w_{k-1})``: ``[[I - h A, h^2 A^2], [I, -h A]]``."""
    I = np.eye(A.shape[0])
    return np.block([[I - h * A, h * h * (A @ A)], [I, -h * A]])


def multipliers(lam, h, **opts):
    """The roots of ``m^2 - (1 - 2 h lam) m - h lam`` (same as OGDA)."""
    return quadratic_roots(1 - 2 * h * lam, -h * lam)


def method_map(F, D, h, n, **opts):
    """On ``(z_k, w_{k-1})``: ``w_k = z_k - h F(w_{k-1})``, ``z_{k+1} = z_k - h F(w_k)``."""
    I = np.eye(n)

    def G(x):
        z, wp = x[:n], x[n:]
        w = z - h * F(wp)
        return np.concatenate([z - h * F(w), w])

    def DG(x):
        z, wp = x[:n], x[n:]
        Dw, Dwp = D(z - h * F(wp)), D(wp)
        return np.block([[I - h * Dw, h * h * Dw @ Dwp], [I, -h * Dwp]])
    return G, DG, 2 * n


def potential_factor(h: float, mu: float, L: float) -> float:
    """The per-step factor ``(1 + t h mu)^(-1/2)``, ``t = min(1, (1 - 3hL) / (2 h mu (1 + hL)))``, derived from EFTP's
    potential in docs/math/basin-and-pep.md §1.4 (for ``0 < h``, ``h L < 1/3``): 1.0 where ``h mu`` underflows to 0
    (``t = 1``; the factor rounds to 1 there: a ball whose mu is 1e-302 against L = 3e150 divided by zero)."""
    den = 2 * h * mu * (1 + h * L)
    t = 1.0 if den == 0 else min(1.0, (1 - 3 * h * L) / den)
    return 1 / math.sqrt(1 + t * h * mu)


def bound(h, mu, L, proved_for: str = "", **opts):
    """The recalled theorem's squared factor ``1 - h mu`` for ``h <= 1/(4L)`` (docs/mathematics.md §5.3), with a
    note giving the factor derived in docs/math/basin-and-pep.md §1.4 from its potential,
    ``(1 + t h mu)^(-1/2)``, ``t = min(1, (1 - 3hL) / (2 h mu (1 + hL)))``: weaker, proved there with the
    invariance :func:`gandynamics.analysis.basin.basin` certifies.  ``proved_for``: how the proof reaches another
    method's iterates (OGDA's: :func:`gandynamics.methods.ogda.bound`); empty for EFTP's own."""
    cond = f"h <= 1/(4L) = {1 / (4 * L):z.6g}"
    if h > 1 / (4 * L) * (1 + 1e-12):
        return None, cond, "step outside the theorem's condition"
    proved = potential_factor(h, mu, L)
    whose = f" {proved_for}" if proved_for else ""
    certified = "" if proved_for else "; gandynamics basin certifies it"
    return 1 - h * mu, cond, (f"bound: the recalled theorem's factor sqrt(1 - h mu) (docs/mathematics.md §5.3); the "
                              f"factor derived from a potential, (1 + t h mu)^(-1/2) = {proved:z.6g}, is weaker and "
                              f"proved{whose} (docs/math/basin-and-pep.md §1.4{certified})")


METHOD = Method(
    name="eftp", summary="extrapolation from the past (Popov)",
    formula="w_k = z_k - h F(w_{k-1}); z_{k+1} = z_k - h F(w_k)",
    reference="extrapolation from the past, Popov 1980; Gidel et al. 2019",
    rules=(Rule("eftp", "discrete", kernel_step, kernel_init),), evaluations=lambda o: 1,
    iteration_matrix=iteration_matrix, multipliers=multipliers, map=method_map, bound=bound,
    bound_reference="docs/mathematics.md §4.6, §5.3 (Gidel et al. 2019; Mokhtari et al. 2020): 1 - mu/(4L) at "
                    "h = 1/(4L); 1 - h mu for h <= 1/(4L)",
    theory_step=lambda mu, L: 1 / (4 * L))
