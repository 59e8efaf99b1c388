r"""The proximal point method (Martinet 1970; Rockafellar 1976): the implicit step
``z_{k+1} = z_k - h F(z_{k+1})``, i.e. ``z_{k+1} = (I + h F)^{-1} z_k`` (the resolvent), per player with
``h = diag(h_G, h_D)``.  Solved inside the kernel by Newton's method on ``g(x) = x - z_k + h F(x)`` with the
exact Jacobian ``I + h DF(x)``, from the explicit guess ``x = z_k - h F(z_k)``, until the Newton step is
at most ``tol (1 + |x|_inf)`` in max-norm (default ``tol = 1e-12``), at most ``maxit`` iterations (default
50); a solve that does not converge (or meets a singular ``I + h DF``) stops the trajectory like a
divergence, with ``reason = "solve"``.  At an equilibrium the iteration matrix is ``(I + h A)^{-1}``,
multipliers ``1/(1 + h lam)``.  For F mu-strongly monotone the resolvent is a contraction with factor
``1/(1 + h mu)`` on the distance for every ``h > 0`` (docs/math/methods.md §3)."""

from __future__ import annotations

import numpy as np

from ..kernels.stubs import _gk_project, _gk_solve, field, jacobian
from .base import Method, Option, Rule


def kernel_step(z, hs, pb, n, zc, pc, fc, Jc, maxit, c0, ok, zero, nrt, USE_BOX, BOX, NW):
    npb = pb.shape[0]
    for b in range(NW):
        if hs[0, b] == 0.0 and hs[n - 1, b] == 0.0:
            continue  # inert or frozen column
        for j in range(npb):
            pc[j] = pb[j, b]
        for i in range(n):
            zc[i] = z[i, b]
        field(zc, pc, fc)
        for i in range(n):
            zc[i] = z[i, b] - hs[i, b] * fc[i]
        solved = False
        for it in range(maxit):
            field(zc, pc, fc)
            jacobian(zc, pc, Jc)
            for i in range(n):
                fc[i] = z[i, b] - zc[i] - hs[i, b] * fc[i]          # -g(x)
                for j in range(n):
                    Jc[i, j] = hs[i, b] * Jc[i, j]
                Jc[i, i] += 1.0
            if not _gk_solve(Jc, fc, n):
                break
            dmax = 0.0
            xmax = 0.0
            for i in range(n):
                zc[i] += fc[i]
                dmax = max(dmax, abs(fc[i]))
                xmax = max(xmax, abs(zc[i]))
            if dmax <= c0 * (1.0 + xmax):
                solved = True
                break
            if not (dmax < np.inf):
                break
        if not solved:  # the step is not taken: the run stops at z_k (an unsolved iterate is no state of it)
            ok[b] = False
            continue
        for i in range(n):
            z[i, b] = zc[i]
    if USE_BOX:
        _gk_project(z, BOX, zero, nrt, NW)


def iteration_matrix(A, h, n_theta=None, **opts):
    """``(I + h A)^{-1}``."""
    return np.linalg.inv(np.eye(A.shape[0]) + h * A)


def multipliers(lam, h, **opts):
    return 1.0 / (1.0 + h * lam)


def bound(h, mu, L, **opts):
    return 1.0 / (1.0 + h * mu) ** 2, "h > 0 (any step; F mu-strongly monotone)", ""


METHOD = Method(
    name="proximal", summary="proximal point (implicit, Newton-solved in the kernel)",
    formula="z_{k+1} = z_k - h F(z_{k+1})",
    reference="Martinet 1970; Rockafellar 1976 (resolvent of a monotone operator)",
    rules=(Rule("proximal", "implicit", kernel_step),),
    options=(Option("tol", float, 1e-12, "Newton tolerance: step <= tol (1 + |x|_inf)", low=0.0, low_open=True,
                    slot="c0"),
             Option("maxit", int, 50, "Newton iterations at most", low=1, slot="maxit")),
    evaluations=lambda o: 3, jacobians=lambda o: 2,
    iteration_matrix=iteration_matrix, multipliers=multipliers, bound=bound,
    bound_reference="docs/math/methods.md §3 (Rockafellar 1976): the resolvent of a mu-strongly monotone F is "
                    "1/(1 + h mu)-Lipschitz, for every h > 0",
    theory_step=lambda mu, L: 1.0 / L,
    solve_failure="Newton's iteration for the implicit step z+ = z - h F(z+) failed (I + h DF singular, or no "
                  "convergence): the resolvent is not defined or not found from here")
