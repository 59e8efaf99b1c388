"""Simultaneous gradient descent(-ascent): ``z_{k+1} = z_k - h F(z_k)`` (docs/mathematics.md §0.4, §5.1)."""

from __future__ import annotations

import math

import numpy as np

from ..kernels.stubs import _gk_project, field_step_gd
from .base import Method, Rule


def kernel_step(z, f, hs, pb, n, zero, nrt, USE_BOX, BOX, BP, la_k, nout, NW):
    # z = z - hs F(z) in one vectorized loop that also tells whether some column may have left the bound
    # (gandynamics.codegen); that flag stands for the driver's divergence test unless a projection or a
    # lookahead step changes z afterwards
    c_ = field_step_gd(z, pb, hs, BP, NW)
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)
    elif la_k == 0:
        nout = c_


def iteration_matrix(A, h, n_theta=None, **opts):
    return np.eye(A.shape[0]) - h * A


def multipliers(lam, h, **opts):
    return 1 - h * lam


def method_map(F, D, h, n, **opts):
    I = np.eye(n)
    return (lambda x: x - h * F(x)), (lambda x: I - h * D(x)), n


def bound(h, mu, L, **opts):
    cond = f"0 < h < 2 mu/L^2 = {2 * mu / (L * L):z.6g}"
    if not h < 2 * mu / (L * L):
        return None, cond, "step outside the theorem's condition"
    return 1 - 2 * h * mu + h * h * L * L, cond, ""


METHOD = Method(
    name="gd", summary="simultaneous gradient descent(-ascent)", formula="z <- z - h F(z)",
    reference="simultaneous gradient descent(-ascent); docs/mathematics.md §0.4",
    rules=(Rule("gd", "discrete", kernel_step, formula="z <- z - h F(z)", own_loop=True),),
    evaluations=lambda o: 1, iteration_matrix=iteration_matrix, multipliers=multipliers, map=method_map, bound=bound,
    bound_reference="docs/mathematics.md §5.1 (Facchinei & Pang 2003): 1 - 2 h mu + h^2 L^2 for 0 < h < 2 mu/L^2",
    theory_step=lambda mu, L: mu / (L * L))

del math
