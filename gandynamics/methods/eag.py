r"""The extra-anchored gradient method with constant step, EAG-C (Yoon & Ryu 2021, eq. (5)):
``z_{k+1/2} = z_k + (z_0 - z_k)/(k + 2) - h F(z_k)``, ``z_{k+1} = z_k + (z_0 - z_k)/(k + 2) - h F(z_{k+1/2})``
for ``k = 0, 1, ...`` (Halpern anchoring towards the start ``z_0`` with vanishing weight, plus an
extragradient step).  For F monotone and L-Lipschitz and ``h <= 1/(8L)`` their Theorem 2 gives the
last-iterate bound ``|F(z_k)|^2 <= 4 |z_0 - z*|^2 / (h^2 (k + 1)^2)``, i.e. ``|F(z_k)| = O(1/k)``
(docs/math/methods.md §4).  Time-varying: no iteration matrix (the map changes with k); the measured
sublinear order is :func:`gandynamics.analysis.rates.sublinear_order`."""

from __future__ import annotations

import math

from ..kernels.stubs import _gk_project, field_block
from .base import Method, Rule
from .eg import extrapolated_points as _eg_points


def kernel_init(z, a1, n, NW):
    for i in range(n):
        for b in range(NW):
            a1[i, b] = z[i, b]


def kernel_step(z, f, a1, a2, hs, pb, k, n, zero, nrt, USE_BOX, BOX, NW):
    wk = 1.0 / (k + 1.0)
    field_block(z, pb, f, NW)
    for i in range(n):
        for b in range(NW):
            a2[i, b] = z[i, b] + wk * (a1[i, b] - z[i, b]) - hs[i, b] * f[i, b]
    if USE_BOX:
        _gk_project(a2, BOX, zero, nrt, NW)
    field_block(a2, pb, f, NW)
    for i in range(n):
        for b in range(NW):
            z[i, b] = z[i, b] + wk * (a1[i, b] - z[i, b]) - hs[i, b] * f[i, b]
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)


def order_bound(h: float, L: float, r0: float, k):
    """Yoon & Ryu 2021, Theorem 2 (EAG-C): ``|F(z_k)| <= 2 r0 / (h (k + 1))`` for ``h <= 1/(8L)``,
    ``r0 = |z_0 - z*|``; None when the step is outside the condition."""
    if not (h > 0 and L > 0 and h <= 1 / (8 * L) * (1 + 1e-12)):
        return None
    return 2.0 * r0 / (h * (k + 1.0))


METHOD = Method(
    name="eag", summary="extra-anchored gradient, constant step (EAG-C; O(1/k) on |F| for monotone F)",
    formula="z_{k+1/2} = z_k + (z_0 - z_k)/(k+2) - h F(z_k); z_{k+1} = z_k + (z_0 - z_k)/(k+2) - h F(z_{k+1/2})",
    reference="Yoon & Ryu 2021, Accelerated algorithms for smooth convex-concave minimax problems with O(1/k^2) "
              "rate on squared gradient norm, ICML (EAG-C, Theorem 2)",
    rules=(Rule("eag", "adaptive", kernel_step, kernel_init),), evaluations=lambda o: 2,
    no_matrix="its update changes with the step count k through the anchor weight 1/(k+2), so no one linear map "
              "describes it: its guarantee is the O(1/k) bound of Theorem 2 on |F(z_k)|, whose order simulate measures",
    # (a run stands still only at its start z_0, where the anchor term vanishes and the update is extragradient's: its
    # fixed points there are eg's, spurious ones included -- an adversarial review started eag at one)
    extrapolated_points=lambda F, z, hs, **opts: _eg_points(F, z, hs),
    extra={"order_bound": order_bound, "theory_order": -1.0})

del math
