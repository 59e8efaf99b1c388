"""Equilibria of a field: a verified zero of F (used by the runs and by the analysis)."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from .errors import GandynamicsError

__all__ = ["find_equilibrium"]


def find_equilibrium(fld, params=None, start=None, tol: float = 1e-10):
    """A zero of F: ``scipy.optimize.root`` (hybr, exact Jacobian) from ``start``, accepted only if
    ``||F|| < tol``.

    Parameters
    ----------
    fld : VectorField
    params : mapping, optional
        Hyperparameter values by name (default: the field's).
    start : sequence (n,), optional
        Where the search starts (default: the game's known equilibrium, else 0).
    tol : float
        The largest accepted residual ``||F(z)||_2`` (a number > 0; ``inf`` accepts the starting point).

    Returns
    -------
    (z, residual) : ndarray (n,), float

    Raises
    ------
    GandynamicsError
        For bad arguments, or when the search ends at a point with ``||F|| >= tol``.
    """
    from .validate import field as _as_field
    fld = _as_field(fld, "find_equilibrium")  # a Game, a name or None: what it takes, not an AttributeError
    from .validate import positive
    tol = positive(tol, "tol", allow_inf=True)  # inf: accept the starting point whatever its residual
    p = fld.param_vector(params)
    z0 = fld.point(start) if start is not None else (fld.equilibrium if fld.equilibrium is not None else np.zeros(fld.n))
    ev_f, ev_df = fld.evaluator()  # the interpreter until the field is compiled: no wait for numba
    f = lambda z: ev_f(np.asarray(z, float), p)
    jac = lambda z: ev_df(np.asarray(z, float), p)
    r0 = float(np.linalg.norm(f(z0)))
    if r0 < tol:
        return np.asarray(z0, float), r0
    with np.errstate(all="ignore"):
        sol = optimize.root(f, z0, jac=jac, method="hybr", tol=1e-14)
    res = float(np.linalg.norm(f(sol.x)))
    if not np.all(np.isfinite(sol.x)) or not res < tol:
        raise GandynamicsError(
            f"equilibrium search from {np.round(z0, 6).tolist()} failed: residual ||F|| = {res:z.3g} "
            f"(needs < {tol:zg}); give a start with --at or check the regularizers")
    return sol.x, res
