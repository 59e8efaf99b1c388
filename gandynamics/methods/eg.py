"""Extragradient: ``w = z - h F(z)``, ``z <- z - h F(w)`` (Korpelevich 1976; docs/mathematics.md §5.2)."""

from __future__ import annotations

import numpy as np

from ..kernels.stubs import _gk_project, field_step_at, field_step_to
from .base import Method, Rule


def kernel_step(z, f, a1, hs, pb, n, zero, nrt, USE_BOX, BOX, BP, la_k, nout, NW):
    field_step_to(z, pb, hs, a1, NW)  # a1 = z - hs F(z), one vectorized loop (gandynamics.codegen)
    if USE_BOX:
        _gk_project(a1, BOX, zero, nrt, NW)
    c_ = field_step_at(a1, z, pb, hs, BP, NW)  # z = z - hs F(a1); 1 if some column may have left the bound
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)
    elif la_k == 0:  # the flag is the divergence test (see gd.kernel_step)
        nout = c_


def iteration_matrix(A, h, n_theta=None, **opts):
    return np.eye(A.shape[0]) - h * A + h * h * (A @ A)


def multipliers(lam, h, **opts):
    return 1 - h * lam + (h * lam) ** 2


def method_map(F, D, h, n, **opts):
    I = np.eye(n)

    def G(x):
        return x - h * F(x - h * F(x))

    def DG(x):
        return I - h * D(x - h * F(x)) @ (I - h * D(x))
    return G, DG, n


def extrapolated_points(F, z, hs, **opts):
    """The extrapolated point ``w = z - H F(z)``, ``H = diag(hs)``: a fixed point ``z`` of the update
    ``z - H F(w)`` has ``F(w) = 0`` (``H`` invertible), so one with ``F(z) != 0`` is a spurious fixed point whose
    extrapolated point is a zero of F (docs/math/bifurcations.md §1)."""
    z = np.asarray(z, dtype=float)
    return (("extrapolated point z - H F(z)", z - np.asarray(hs, dtype=float) * np.asarray(F(z), dtype=float)),)


def bound(h, mu, L, **opts):
    cond = "1 - h^2 L^2 - 2 h mu >= 0"
    if 1 - h * h * L * L - 2 * h * mu < 0:
        return None, cond, "step outside the theorem's condition"
    return 1 - h * mu, cond, ""


METHOD = Method(
    name="eg", summary="extragradient", formula="w = z - h F(z); z <- z - h F(w)",
    reference="extragradient, Korpelevich 1976; Gidel et al. 2019",
    rules=(Rule("eg", "discrete", kernel_step),), evaluations=lambda o: 2,
    iteration_matrix=iteration_matrix, multipliers=multipliers, map=method_map, bound=bound,
    extrapolated_points=extrapolated_points,
    bound_reference="docs/mathematics.md §5.2 (Korpelevich 1976; Tseng 1995): 1 - h mu when 1 - h^2 L^2 - 2 h mu >= 0",
    theory_step=lambda mu, L: 1 / (4 * L))
