"""Equilibria of a field: a verified zero of F (used by the runs and by the analysis)."""

from __future__ import annotations

import weakref

import numpy as np
from scipy import optimize

from .errors import GandynamicsError

__all__ = ["find_equilibrium"]

#: the fields whose wrong declared equilibrium was warned of (weak: a field's entry goes with it)
_WARNED: "weakref.WeakSet" = weakref.WeakSet()


def _declared_is_wrong(fld, p, residual: float, found) -> None:
    """Warn, once per field, that the game's declared equilibrium is no zero of F at its own hyperparameters ``p``
    (``residual`` = ``|F|`` there), saying what is used instead: the zero ``found`` from it, or none (then runs read NaN
    and an analysis asks for a start).  At other hyperparameters (a sweep, a continuation), or under regularizers (the
    declaration is the game's: Tikhonov's anchor, an asymmetric term move the zero of the regularised F), the point
    moved with them: nothing is said here."""
    if (fld in _WARNED or getattr(fld, "regularizers", None)
            or not np.array_equal(np.asarray(p, float), fld.param_vector())):
        return
    _WARNED.add(fld)
    import warnings
    from .errors import GandynamicsWarning
    eq = ", ".join(f"{v:zg}" for v in fld.equilibrium)
    at = f" ({', '.join(f'{s.name}={v:zg}' for s, v in zip(fld.hyper, p))})" if len(p) else ""
    then = (f"the zero Newton's method found from it, ({', '.join(f'{v:z.6g}' for v in found)}), is used instead"
            if found is not None else "Newton's method found no zero from it either (runs read NaN distances)")
    warnings.warn(GandynamicsWarning(f"the declared equilibrium ({eq}) of {fld.name} is not a zero of F at the game's "
                                     f"own hyperparameters{at}: |F| = {residual:z.3g} there; {then} (check the "
                                     "game's equilibrium=)"), stacklevel=3)


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
    ok = bool(np.all(np.isfinite(sol.x)) and res < tol)
    if start is None and fld.equilibrium is not None and not r0 < 1e-10:  # the game's own claim does not hold
        _declared_is_wrong(fld, p, r0, sol.x if ok else None)
    if not ok:
        raise GandynamicsError(
            f"equilibrium search from {np.round(z0, 6).tolist()} failed: residual ||F|| = {res:z.3g} "
            f"(needs < {tol:zg}); give a start with --at or check the regularizers")
    return sol.x, res
