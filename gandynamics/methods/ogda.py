"""Optimistic gradient descent-ascent: ``z_{k+1} = z_k - 2h F(z_k) + h F(z_{k-1})``, ``z_{-1} = z_0``
(Daskalakis et al. 2018; docs/mathematics.md §5.3)."""

from __future__ import annotations

import numpy as np

from ..kernels.stubs import _gk_project, field_block
from . import eftp
from .base import Method, Rule


def kernel_init(z, a1, pb, NW):
    field_block(z, pb, a1, NW)


def kernel_step(z, f, a1, hs, pb, n, zero, nrt, USE_BOX, BOX, NW):
    field_block(z, pb, f, NW)
    for i in range(n):
        for b in range(NW):
            z[i, b] = z[i, b] - 2.0 * hs[i, b] * f[i, b] + hs[i, b] * a1[i, b]
            a1[i, b] = f[i, b]
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)


def iteration_matrix(A, h, n_theta=None, **opts):
    """On ``(z_k, z_{k-1})``: ``[[I - 2h A, h A], [I, 0]]``."""
    n = A.shape[0]
    I = np.eye(n)
    return np.block([[I - 2 * h * A, h * A], [I, np.zeros((n, n))]])


def method_map(F, D, h, n, **opts):
    """On ``(z_k, z_{k-1})``: ``z_{k+1} = z_k - 2 h F(z_k) + h F(z_{k-1})``."""
    I = np.eye(n)

    def G(x):
        z, zp = x[:n], x[n:]
        return np.concatenate([z - 2 * h * F(z) + h * F(zp), z])

    def DG(x):
        z, zp = x[:n], x[n:]
        return np.block([[I - 2 * h * D(z), h * D(zp)], [I, np.zeros((n, n))]])
    return G, DG, 2 * n


def bound(h, mu, L, **opts):
    """EFTP's bound (:func:`gandynamics.methods.eftp.bound`): OGDA's iterates are EFTP's extrapolated points
    ``w_k``, which converge at the rate of its ``z_k`` (``|w_k - z*| <= |z_k - z*| + h L |w_{k-1} - z*|``)."""
    return eftp.bound(h, mu, L, proved_for="for EFTP's z_k, whose extrapolated points w_k are OGDA's iterates (the "
                                           "same rate)", **opts)


METHOD = Method(
    name="ogda", summary="optimistic gradient descent-ascent", formula="z_{k+1} = z_k - 2h F(z_k) + h F(z_{k-1})",
    reference="optimistic GDA, Daskalakis et al. 2018", rules=(Rule("ogda", "discrete", kernel_step, kernel_init),),
    evaluations=lambda o: 1, iteration_matrix=iteration_matrix, multipliers=eftp.multipliers, map=method_map, bound=bound,
    bound_reference="docs/mathematics.md §5.3 (Mokhtari et al. 2020; same spectra as EFTP): 1 - h mu for h <= 1/(4L)",
    theory_step=lambda mu, L: 1 / (4 * L))
