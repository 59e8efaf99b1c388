"""Heavy-ball momentum ``z_{k+1} = z_k - h F(z_k) + beta (z_k - z_{k-1})``, ``z_{-1} = z_0`` (Polyak
1964), simultaneous or alternating (Gidel et al. 2019, negative momentum; docs/mathematics.md §0.4)."""

from __future__ import annotations

import numpy as np

from ..errors import GandynamicsError
from ..kernels.stubs import _gk_project, field_block
from ._common import ORDER, quadratic_roots
from .base import Method, Option, Rule, selector


def kernel_init(z, a1, n, NW):
    for i in range(n):
        for b in range(NW):
            a1[i, b] = z[i, b]


def kernel_step(z, f, a1, hs, pb, bb, zero, nth, nrt, dfirst, alternating, USE_BOX, BOX, NW):
    nparts = 2 if alternating != 0 else 1
    for part in range(nparts):
        if nparts == 1:
            i0 = zero
            i1 = nrt
        else:
            gen = (part == 0) != (dfirst != 0)
            i0 = zero if gen else nth
            i1 = nth if gen else nrt
        field_block(z, pb, f, NW)
        for i in range(i0, i1):
            for b in range(NW):
                zn = z[i, b] - hs[i, b] * f[i, b] + bb[b] * (z[i, b] - a1[i, b])
                a1[i, b] = z[i, b]
                z[i, b] = zn
        if USE_BOX:
            _gk_project(z, BOX, i0, i1, NW)


def iteration_matrix(A, h, n_theta=None, beta=0.0, alternating=False, order="generator-first", **opts):
    """On ``(z_k, z_{k-1})``: ``[[(1 + beta) I - h A, -beta I], [I, 0]]``; alternating: ``M_psi M_theta``,
    each half-update a linear map of ``(z, z_prev)`` updating only its player's rows."""
    n = A.shape[0]
    I = np.eye(n)
    if not alternating:
        return np.block([[(1 + beta) * I - h * A, -beta * I], [I, np.zeros((n, n))]])
    Et, Ep = selector(n, n_theta)

    def half(E):
        top = I - E + E @ ((1 + beta) * I - h * A)    # rows of E updated, the others kept
        return np.block([[top, -beta * E], [E, I - E]])

    Mt, Mp = half(Et), half(Ep)
    return Mt @ Mp if order == "discriminator-first" else Mp @ Mt


def multipliers(lam, h, beta=0.0, alternating=False, **opts):
    """Simultaneous: the roots of ``m^2 - (1 + beta - h lam) m + beta``; alternating: None (no closed form)."""
    if alternating:
        return None
    return quadratic_roots(1 + beta - h * lam, beta + 0 * lam)


def method_map(F, D, h, n, beta=0.0, alternating=False, **opts):
    """On ``(z_k, z_{k-1})``: ``z_{k+1} = z_k - h F(z_k) + beta (z_k - z_{k-1})`` (simultaneous only)."""
    if alternating:
        raise GandynamicsError("the map of alternating momentum is not available; use alternating=False")
    I = np.eye(n)

    def G(x):
        z, zp = x[:n], x[n:]
        return np.concatenate([z - h * F(z) + beta * (z - zp), z])

    def DG(x):
        return np.block([[(1 + beta) * I - h * D(x[:n]), -beta * I], [I, np.zeros((n, n))]])
    return G, DG, 2 * n


def validate(fld, o):
    if o["alternating"] and fld is not None and fld.n_theta in (0, fld.n):
        raise GandynamicsError("alternating momentum needs both players")


METHOD = Method(
    name="momentum", summary="heavy-ball momentum (simultaneous or alternating; negative beta allowed)",
    formula="z_{k+1} = z_k - h F(z_k) + beta (z_k - z_{k-1})",
    reference="heavy ball, Polyak 1964; negative momentum, Gidel et al. 2019 (alternating)",
    rules=(Rule("momentum", "discrete", kernel_step, kernel_init),),
    # (beta's default -0.5, negative momentum, Gidel et al. 2019, in the library as on the command line: at 0
    # momentum is gd, and simulate(fld, "momentum", ...) ran gd where every command ran -0.5: a new user's trial)
    options=(Option("beta", float, -0.5, "momentum coefficient (negative allowed)", slot="beta", cli_default=-0.5),
             Option("alternating", bool, False, "alternating: generator first, then discriminator with the new "
                    "generator", slot="alternating"), ORDER),
    evaluations=lambda o: 2 if o["alternating"] else 1, iteration_matrix=iteration_matrix,
    multipliers=multipliers, map=method_map, validate=validate, extra={"rate_options": ("beta", "alternating")})
