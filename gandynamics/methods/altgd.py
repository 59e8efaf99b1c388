"""Alternating gradient descent: ``n_g`` generator steps, then ``n_d`` discriminator steps (each sub-step
sees the latest values); Mescheder et al. 2018 §2.2 (GAN_stability ``trajectory_altgd``)."""

from __future__ import annotations

import numpy as np

from ..kernels.stubs import _gk_project, field_block
from ._common import ORDER
from .base import Method, Option, Rule, selector


def kernel_step(z, f, hs, pb, zero, nth, nrt, n_g, n_d, dfirst, USE_BOX, BOX, NW):
    for part in range(2):
        gen = (part == 0) != (dfirst != 0)
        i0 = zero if gen else nth
        i1 = nth if gen else nrt
        reps = n_g if gen else n_d
        for rep in range(reps):
            field_block(z, pb, f, NW)
            for i in range(i0, i1):
                for b in range(NW):
                    z[i, b] -= hs[i, b] * f[i, b]
            if USE_BOX:
                _gk_project(z, BOX, i0, i1, NW)


def iteration_matrix(A, h, n_theta=None, n_g=1, n_d=1, order="generator-first", **opts):
    """``P_psi^{n_d} P_theta^{n_g}`` with ``P_theta = I - h E_theta A`` (reversed for discriminator-first)."""
    n = A.shape[0]
    Et, Ep = selector(n, n_theta)
    Pt = np.linalg.matrix_power(np.eye(n) - h * Et @ A, int(n_g))
    Pp = np.linalg.matrix_power(np.eye(n) - h * Ep @ A, int(n_d))
    return Pt @ Pp if order == "discriminator-first" else Pp @ Pt


METHOD = Method(
    name="altgd", summary="alternating gradient descent (block Gauss-Seidel)",
    formula="theta <- theta - h_G F_theta (n_g times), then psi <- psi - h_D F_psi (n_d times)",
    reference="alternating GD, generator first as in Mescheder et al. 2018 (GAN_stability trajectory_altgd)",
    rules=(Rule("altgd", "discrete", kernel_step),),
    options=(Option("n_g", int, 1, "generator steps per round", low=1, slot="n_g"),
             Option("n_d", int, 1, "discriminator steps per round", low=1, slot="n_d"), ORDER),
    evaluations=lambda o: o["n_g"] + o["n_d"], iteration_matrix=iteration_matrix,
    extra={"rate_options": ("n_g", "n_d")})
