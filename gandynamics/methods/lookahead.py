r"""Lookahead-minmax (Chavdarova et al. 2021; Zhang et al. 2019 for minimisation): run ``la_k`` steps of a
base method from the anchor ``z_a`` (the "fast" weights), then move the anchor ``z_a <- z_a + la_alpha
(z_{la_k} - z_a)`` and restart the fast weights there (the base method's other state, e.g. momentum's
previous iterate, carries on).  Any base method with a compiled block rule (``base``; its options pass
through).

Iteration matrix: with ``M`` the base's iteration matrix on its state ``s`` (whose first block is z) and
``E`` the projection on that block, one cycle of ``la_k`` steps is ``T = M^k + (1 - alpha) E (I - M^k)``
(z-block: ``(1 - alpha) z + alpha (M^k s)_z``; other blocks: ``(M^k s)``); the local rate per *step* is
``rho(T)^(1/k)`` (docs/math/methods.md §2)."""

from __future__ import annotations

import numpy as np

from . import adam, altgd, eftp, eg, gd, momentum, ogda, proximal, rmsprop
from .base import Method, Option, Rule

#: the methods lookahead can wrap
BASES = {m.METHOD.name: m.METHOD for m in (gd, altgd, eg, eftp, ogda, momentum, adam, rmsprop, proximal)}


def kernel_post(z, la, la_k, la_alpha, k, n, NW):
    if la_k > 0:
        if k % la_k == 0:
            for i in range(n):
                for b in range(NW):
                    la[i, b] = la[i, b] + la_alpha * (z[i, b] - la[i, b])
                    z[i, b] = la[i, b]


def _pass_through():
    """The base methods' options, each applying only with a base that takes it (``--base gd --beta1 0.5`` had been
    accepted and ignored)."""
    import dataclasses
    seen, out = set(), []
    for m in BASES.values():
        for o in m.options:
            if o.name not in seen:
                seen.add(o.name)
                takers = [b for b, bm in BASES.items() if o.name in bm.option_names]
                out.append(dataclasses.replace(o, when=lambda opts, n=o.name: n in BASES[opts["base"]].option_names,
                                               when_text=f"with a base method that takes it ({', '.join(takers)})"))
    return tuple(out)


def iteration_matrix(A, h, n_theta=None, base="gd", la_k=5, la_alpha=0.5, **opts):
    bm = BASES[base]
    if bm.iteration_matrix is None:
        from ..errors import GandynamicsError
        raise GandynamicsError(f"lookahead over {base}: the base has no iteration matrix, since {bm.no_matrix}")
    M = bm.iteration_matrix(A, h, n_theta=n_theta, **{k: v for k, v in opts.items() if k in bm.option_names})
    n, d = A.shape[0], M.shape[0]
    Mk = np.linalg.matrix_power(M, int(la_k))
    E = np.zeros((d, d))
    E[:n, :n] = np.eye(n)
    return Mk + (1.0 - la_alpha) * E @ (np.eye(d) - Mk)


def extrapolated_points(F, z, hs, base="gd", **opts):
    """The base method's extrapolated points (:attr:`~gandynamics.methods.base.Method.extrapolated_points`; none for a
    base that declares none): a fixed point of the base is one of every cycle, so a spurious fixed point of the base
    (extragradient's) is one of lookahead over it.  (Lookahead's other fixed points that are no zeros of F, the
    orbits of period dividing ``la_k`` of the base, are not explained so: no point where F is evaluated is a zero.)"""
    bm = BASES[base]
    if bm.extrapolated_points is None:
        return ()
    return tuple((f"base {base}'s {label}", w) for label, w in
                 bm.extrapolated_points(F, z, hs, **{k: v for k, v in opts.items() if k in bm.option_names}))


def _slots(fld, o):
    bm = BASES[o["base"]]
    iopt, fopt, beta = bm.slots(fld, {k: o[k] for k in bm.option_names})
    iopt[5] = o["la_k"]
    fopt[2] = o["la_alpha"]
    return iopt, fopt, beta


def _validate(fld, o):
    bm = BASES[o["base"]]
    sub = {k: o[k] for k in bm.option_names}
    if bm.validate is not None:
        bm.validate(fld, sub)


METHOD = Method(
    name="lookahead", summary="Lookahead-minmax: la_k steps of a base method, then z_a <- z_a + alpha (z_k - z_a)",
    formula="z_a <- z_a + la_alpha (base^la_k(z_a) - z_a)",
    reference="Chavdarova, Pagliardini, Stich, Fleuret & Jaggi 2021, Taming GANs with Lookahead-Minmax, ICLR",
    rules=(Rule("lookahead", "discrete", None, post=kernel_post),),
    options=(Option("base", str, "gd", "the base method", choices=tuple(BASES)),
             Option("la_k", int, 5, "base steps per lookahead cycle", low=1, slot="la_k"),
             Option("la_alpha", float, 0.5, "lookahead step towards the fast weights", low=0.0, high=1.0,
                    low_open=True, slot="la_alpha")) + _pass_through(),
    evaluations=lambda o: BASES[o["base"]].evaluations(o),
    jacobians=lambda o: BASES[o["base"]].jacobians(o),
    rule=lambda o: BASES[o["base"]].select(o),
    iteration_matrix=iteration_matrix, validate=_validate, extrapolated_points=extrapolated_points,
    extra={"slots_fn": _slots, "period": lambda o: int(o.get("la_k", 5)), "rate_options": ("base", "la_k", "la_alpha")})
