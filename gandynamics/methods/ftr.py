r"""Follow-the-Ridge (Wang, Zhang & Ba 2020, Algorithm 1) for zero-sum games ``min_theta max_psi f``:
``theta <- theta - h_G grad_theta f``, ``psi <- psi + h_D grad_psi f + h_G H_psipsi^{-1} H_psitheta
grad_theta f``.  In the operator's terms (``F = (grad_theta f, -grad_psi f)``, so ``DF_psipsi = -H_psipsi``,
``DF_psitheta = -H_psitheta``):

``theta+ = theta - h_G F_theta``, ``psi+ = psi - h_D F_psi + h_G DF_psipsi^{-1} DF_psitheta F_theta``,

all at the current point: one F (block) and one DF evaluation and one linear solve of size ``n_psi`` per
step.  Written with the blocks of DF this is also the ridge correction of the follower's loss ``L_D`` in a
general game (its ridge ``psi*(theta)`` has slope ``-DF_psipsi^{-1} DF_psitheta``); the paper's theorems
are for zero-sum games.  A singular ``DF_psipsi`` stops the trajectory (``reason = "solve"``).  At an
equilibrium: ``M = I - h A + C`` with ``C`` zero on the generator's rows and ``h A_psipsi^{-1} A_psitheta
A_theta,:`` on the discriminator's (docs/math/methods.md §5)."""

from __future__ import annotations

import numpy as np

from ..errors import GandynamicsError
from ..kernels.stubs import _gk_project, _gk_solve, field_block, jacobian
from .base import Method, Rule


def kernel_step(z, f, hs, pb, n, nth, zc, pc, fc, Jc, ok, zero, nrt, USE_BOX, BOX, NW):
    field_block(z, pb, f, NW)
    npb = pb.shape[0]
    nps = n - nth
    for b in range(NW):
        if hs[0, b] == 0.0 and hs[n - 1, b] == 0.0:
            continue  # inert or frozen column
        for j in range(npb):
            pc[j] = pb[j, b]
        for i in range(n):
            zc[i] = z[i, b]
        jacobian(zc, pc, Jc)
        for r in range(nps):
            acc = 0.0
            for j in range(nth):
                acc += Jc[nth + r, j] * f[j, b]
            fc[r] = acc
        for r in range(nps):
            for c in range(nps):
                Jc[r, c] = Jc[nth + r, nth + c]
        if not _gk_solve(Jc, fc, nps):
            ok[b] = False
            continue
        hg = hs[0, b]
        for i in range(nth):
            z[i, b] -= hs[i, b] * f[i, b]
        for r in range(nps):
            z[nth + r, b] = z[nth + r, b] - hs[nth + r, b] * f[nth + r, b] + hg * fc[r]
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)


def iteration_matrix(A, h, n_theta=None, **opts):
    """``I - h A + C``, ``C[psi, :] = h A_psipsi^{-1} A_psitheta A[theta, :]``."""
    n = A.shape[0]
    if n_theta is None or not 0 < n_theta < n:
        raise GandynamicsError(f"ftr needs the number of generator parameters (0 < n_theta < {n})")
    t = slice(0, n_theta)
    p = slice(n_theta, n)
    C = np.zeros((n, n))
    try:
        C[p, :] = h * np.linalg.solve(A[p, p], A[p, t] @ A[t, :])
    except np.linalg.LinAlgError:
        raise GandynamicsError("ftr: the discriminator's Hessian block DF_psipsi is singular at the equilibrium "
                               "(Follow-the-Ridge is undefined there)") from None
    return np.eye(n) - h * A + C


def _validate(fld, o):
    if fld is not None and fld.n_theta in (0, fld.n):
        raise GandynamicsError("ftr needs both players (a generator and a discriminator)")
    if fld is not None and not fld.__dict__.get("_ftr_told"):
        fld.__dict__["_ftr_told"] = True  # (said once per field: a sweep validates every chunk)
        from ..game import zero_sum_symbolic
        if zero_sum_symbolic(fld.game)[0] is False:  # (what sympy decides; an undecided game is not warned of)
            import warnings
            from ..errors import GandynamicsWarning
            warnings.warn(GandynamicsWarning(
                f"ftr on {fld.name}, a general-sum game: Follow-the-Ridge's guarantees (Wang, Zhang & Ba 2020) are "
                "for zero-sum games; here it follows the ridge of the discriminator's own loss L_D, which need not "
                "be where the generator's leads"), stacklevel=4)


METHOD = Method(
    name="ftr", summary="Follow-the-Ridge (zero-sum; Hessian blocks of DF, one linear solve per step)",
    formula="theta <- theta - h_G F_theta; psi <- psi - h_D F_psi + h_G DF_pp^{-1} DF_pt F_theta",
    reference="Wang, Zhang & Ba 2020, On solving minimax optimization locally: a follow-the-ridge approach, ICLR",
    rules=(Rule("ftr", "implicit", kernel_step),), evaluations=lambda o: 1, jacobians=lambda o: 1,
    iteration_matrix=iteration_matrix, validate=_validate,
    solve_failure="the discriminator's Hessian block DF_psipsi is singular here, so follow-the-ridge's correction "
                  "DF_psipsi^-1 DF_psitheta F_theta is undefined (e.g. a bilinear game, where DF_psipsi = 0)")
