r"""Adam per player (Kingma & Ba 2015) with the conventions of ``torch.optim.Adam`` (no weight decay, no
AMSGrad): at the ``t``-th update (``t = 1, 2, ...``) with ``g = F(z_{t-1})`` (each player's own gradient),
``m <- beta1 m + (1 - beta1) g``, ``v <- beta2 v + (1 - beta2) g^2``, bias corrections
``c1 = 1 - beta1^t``, ``c2 = 1 - beta2^t`` and ``z <- z - (h / c1) m / (sqrt(v) / sqrt(c2) + eps)``
(eps added *outside* the square root, after the bias correction of v: torch's order of operations),
``m = v = 0`` at the start; coordinatewise, each player with its own step ``h_G`` / ``h_D``.  Simultaneous
updates.  No iteration matrix: the update divides by ``sqrt(v)``, which tends to 0 at an equilibrium (the
map is not differentiable there and its linearisation is not a fixed matrix: it depends on the history
through m and v)."""

from __future__ import annotations

import math

from ..kernels.stubs import _gk_project, field_block
from ..errors import GandynamicsError
from .base import Method, Option, Rule

def no_matrix(history: str) -> str:
    """Why an adaptive method has no iteration matrix; ``history`` names its state beyond z."""
    return ("the update divides by sqrt(v), which tends to 0 at an equilibrium and leaves the update not "
            f"differentiable there, and its linearisation depends on the history ({history}), not on z alone")


NO_MATRIX = no_matrix("m, v")  # adam's state beyond z: both moment estimates


def kernel_step(z, f, a1, a2, hs, pb, bb, k, n, c0, c1, zero, nrt, USE_BOX, BOX, NW):
    field_block(z, pb, f, NW)
    c2b = 1.0 - c0 ** k
    sq2 = math.sqrt(c2b)
    for b in range(NW):
        c1b = 1.0 - bb[b] ** k
        for i in range(n):
            g = f[i, b]
            a1[i, b] = bb[b] * a1[i, b] + (1.0 - bb[b]) * g
            a2[i, b] = c0 * a2[i, b] + (1.0 - c0) * g * g
            z[i, b] -= (hs[i, b] / c1b) * a1[i, b] / (math.sqrt(a2[i, b]) / sq2 + c1)
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)


def limit_matrix(A, hs, beta1=0.9, eps=1e-8, **opts):
    """Adam's update linearised at ``z*`` once ``v`` has decayed (``v -> 0``, the bias corrections -> 1): on
    ``(z, m)``, ``m <- beta1 m + (1 - beta1) A z`` and ``z <- z - (H/eps) m`` with ``H = diag(hs)``.  (A run from
    near ``z*`` converges while ``sqrt(v)`` is large beside ``eps``; as ``v`` decays by ``beta2`` a step, the step
    ``h/(sqrt(v) + eps)`` grows to ``h/eps``: an adversarial reviewer's run on the quadratic game read converging at
    4,000 steps, distance 2.8e-92, and stood on an orbit of radius ~10 h at 20,000.)"""
    import numpy as np
    n = A.shape[0]
    C = np.diag(np.asarray(hs, float)) / eps
    eye = np.eye(n)
    return np.block([[eye - (1.0 - beta1) * C @ A, -beta1 * C], [(1.0 - beta1) * A, beta1 * eye]])


METHOD = Method(
    moves_by_hF=False, name="adam", summary="Adam per player (torch.optim.Adam conventions)",
    formula="m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2; z <- z - (h/(1-b1^t)) m / (sqrt(v)/sqrt(1-b2^t) + eps)",
    reference="Kingma & Ba 2015; torch.optim.Adam (bias-corrected, eps outside the square root)",
    rules=(Rule("adam", "adaptive", kernel_step),),
    options=(Option("beta1", float, 0.9, "first-moment decay (the sweep axis beta)", low=0.0, high=1.0, high_open=True,
                    slot="beta"),
             Option("beta2", float, 0.999, "second-moment decay", low=0.0, high=1.0, high_open=True, slot="c0"),
             Option("eps", float, 1e-8, "added to sqrt(v_hat)", low=0.0, low_open=True, slot="c1")),
    evaluations=lambda o: 1, no_matrix=NO_MATRIX, validate=lambda fld, o: _validate(o), limit_matrix=limit_matrix)


def _validate(o):
    for k in ("beta1", "beta2"):
        if not o[k] < 1:
            raise GandynamicsError(f"adam: {k} must be in [0, 1) (torch.optim.Adam), got {o[k]!r}")
