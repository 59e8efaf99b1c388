r"""RMSprop per player (Tieleman & Hinton 2012) with the conventions of ``torch.optim.RMSprop`` (not
centred, no momentum, no weight decay): with ``g = F(z_k)``, ``v <- alpha v + (1 - alpha) g^2`` and
``z <- z - h g / (sqrt(v) + eps)`` (no bias correction; eps outside the square root), ``v = 0`` at the
start; coordinatewise, each player with its own step.  No iteration matrix, for the reason given for Adam."""

from __future__ import annotations

import math

from ..kernels.stubs import _gk_project, field_block
from .adam import no_matrix
from .base import Method, Option, Rule


def kernel_step(z, f, a1, hs, pb, n, c0, c1, zero, nrt, USE_BOX, BOX, NW):
    field_block(z, pb, f, NW)
    for i in range(n):
        for b in range(NW):
            g = f[i, b]
            a1[i, b] = c0 * a1[i, b] + (1.0 - c0) * g * g
            z[i, b] -= hs[i, b] * g / (math.sqrt(a1[i, b]) + c1)
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)


def limit_matrix(A, hs, eps=1e-8, **opts):
    """RMSprop's update linearised at ``z*`` once ``v`` has decayed (``v -> 0``): ``z <- z - (H/eps) A z``,
    ``H = diag(hs)`` (see Adam's :func:`gandynamics.methods.adam.limit_matrix`)."""
    import numpy as np
    return np.eye(A.shape[0]) - np.diag(np.asarray(hs, float)) / eps @ A


METHOD = Method(
    moves_by_hF=False, name="rmsprop", summary="RMSprop per player (torch.optim.RMSprop conventions)",
    formula="v <- alpha v + (1-alpha) g^2; z <- z - h g / (sqrt(v) + eps)",
    reference="Tieleman & Hinton 2012 (Coursera lecture 6.5); torch.optim.RMSprop (no bias correction)",
    rules=(Rule("rmsprop", "adaptive", kernel_step),),
    options=(Option("alpha", float, 0.99, "smoothing constant of the squared gradients", low=0.0, high=1.0, slot="c0"),
             Option("eps", float, 1e-8, "added to sqrt(v)", low=0.0, low_open=True, slot="c1")),
    evaluations=lambda o: 1, no_matrix=no_matrix("v"), limit_matrix=limit_matrix)
