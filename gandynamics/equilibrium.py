"""Equilibria of a field: a verified zero of F (used by the runs and by the analysis).

When a computed point counts as a zero of F (:func:`zero_test`, docs/mathematics.md §0.1): ``|F(z)| < tol`` alone
is no test where F is flat.  On the saturated region of the Dirac-GAN, ``F(-3, -10)`` is 1e-12 because the
logistic function is, and ``F(-14.2, -41.1)`` is 6e-253, yet the only zero is ``(0, 0)``.  A point is a zero when
also the step Newton's method would take there is small: ``|F(z)| <= ZERO_STEP (1 + |z|) ||DF(z)||_2`` (the
correction ``|F| / ||DF||`` along F's steepest direction, a lower bound on Newton's correction
``|DF(z)^-1 F(z)|``; bounded where DF is singular, as on a manifold of equilibria).  At those two points the
correction is 0.02-0.2, at a zero found by Newton's method about 1e-16 (1 + |z|).  The norms are scaled, so that
a residual of 1e-200 is not the 0 its underflowing squares give.
"""

from __future__ import annotations

import math
import weakref

import numpy as np
from scipy import optimize

from .errors import GandynamicsError

__all__ = ["find_equilibrium", "zero_test", "ZERO_STEP"]

#: a point is a zero of F only where Newton's correction along F's steepest direction, ``|F| / ||DF||_2``, is at
#: most this times ``1 + |z|`` (see the module's docstring)
ZERO_STEP = 1e-6


def norm(v) -> float:
    """The Euclidean norm of the vector ``v``, without overflow or underflow of its squares (``math.hypot``):
    ``numpy.linalg.norm`` of ``(6e-253, 2e-253)`` is 0.  inf for an infinite entry, NaN for NaN."""
    v = np.asarray(v, dtype=float).ravel()
    if v.size and np.isnan(v).any():
        return math.nan
    return math.hypot(*v.tolist())


def newton_gap(F, D, z) -> float:
    """``|F| / (||D||_2 (1 + |z|))``: the correction Newton's method would make at ``z`` along F's steepest
    direction, relative to the size of ``z`` (``F`` (n,) the field there, ``D`` (n, n) its Jacobian).  0 where
    ``F = 0``; inf where ``F != 0`` and ``D = 0``; 0 where ``D`` is not finite (no gap can be told: the residual
    alone decides)."""
    r = norm(F)
    if r == 0.0:
        return 0.0
    D = np.asarray(D, dtype=float)
    if not np.all(np.isfinite(D)):
        return 0.0
    s = float(np.linalg.svd(D, compute_uv=False)[0]) if D.size else 0.0
    if not math.isfinite(r):
        return math.inf
    return r / (s * (1.0 + norm(z))) if s > 0.0 else math.inf


def zero_test(fld, z, p, tol: float = 1e-10, F=None) -> tuple[float, bool]:
    """``(|F(z)|, is_zero)``: whether ``z`` (n,) is a zero of F at the hyperparameters ``p`` (n_p,): ``|F(z)| < tol``
    and :func:`newton_gap` at most :data:`ZERO_STEP` (a point where F is merely flat is refused; see the module's
    docstring).  ``F`` the field at ``z`` when already evaluated."""
    z = np.asarray(z, dtype=float)
    F = np.asarray(fld.eval_F(z, p) if F is None else F, dtype=float)
    return _zero_test(fld, z, p, F, lambda: fld.eval_DF(z, p), tol)


def _zero_test(fld, z, p, F, jacobian, tol: float) -> tuple[float, bool]:
    """:func:`zero_test` with ``F`` evaluated and ``jacobian()`` giving DF at ``z``."""
    r = norm(F)
    if not r < tol:
        return r, False
    D = np.asarray(jacobian(), dtype=float)
    if r == 0.0:  # a zero, unless F and DF both underflowed to 0 where neither is (exp(-745) is 0 in doubles)
        return r, not (np.all(D == 0.0) and _nonzero_beyond_doubles(fld, z, p))
    return r, bool(newton_gap(F, D, z) <= ZERO_STEP)


def why_not_zero(fld, z, p, res: float, tol: float) -> str:
    """Why ``z`` (its residual ``res``) is no zero of F by :func:`zero_test`, in a few words (``p`` the
    hyperparameters: a vector, a mapping or None)."""
    if not res < tol:
        return f"|F| = {res:z.3g} >= {tol:zg}"
    pv = np.asarray(p, dtype=float) if isinstance(p, np.ndarray) else fld.param_vector(p)
    z = np.asarray(z, dtype=float)
    if res == 0.0:
        return "F and DF underflow to 0 in doubles here, but F is not 0 (30-digit arithmetic)"
    step = newton_gap(fld.eval_F(z, pv), fld.eval_DF(z, pv), z) * (1.0 + norm(z))
    return f"|F| = {res:z.3g}, but F is only flat here: Newton's method would move the point by at least {step:z.3g}"


#: :func:`_nonzero_beyond_doubles` evaluates F symbolically for games of at most this many parameters
EXACT_MAX_N = 64


def _nonzero_beyond_doubles(fld, z, p) -> bool:
    """Whether F at ``z`` is not 0 when evaluated in 30-digit arithmetic with an unbounded exponent (sympy's
    ``evalf``, each function its own), where F and DF are 0 in doubles: on the Dirac-GAN at theta psi = 745,
    ``exp(-745)`` underflows and F reads 0, the exact value being 1e-321.  False when it cannot tell (a game of more
    than :data:`EXACT_MAX_N` parameters, or a function without an ``evalf``)."""
    if fld.n > EXACT_MAX_N:
        return False
    import sympy as sp
    vals = {s: sp.Float(float(v), 30) for s, v in zip(list(fld.z) + list(fld.hyper), list(z) + list(p))}
    try:
        exact = [sp.N(e.subs(vals), 30) for e in fld.F]
        return any(bool(v.is_number and v.is_nonzero) for v in exact)
    except Exception:  # noqa: BLE001 -- a function sympy cannot evaluate there: the doubles decide
        return False

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
    """A zero of F: ``start`` itself if it is one, else ``scipy.optimize.root`` (hybr, exact Jacobian) from
    ``start``; accepted only if ``||F|| < tol`` and Newton's correction there is within :data:`ZERO_STEP`
    (:func:`zero_test`: a point where F is merely flat is no zero).

    Parameters
    ----------
    fld : VectorField
    params : mapping, optional
        Hyperparameter values by name (default: the field's).
    start : sequence (n,), optional
        Where the search starts (default: the game's known equilibrium, else 0).
    tol : float
        The largest accepted residual ``||F(z)||_2`` (a number > 0; ``inf`` accepts the starting point whatever
        its residual and Newton's correction there).

    Returns
    -------
    (z, residual) : ndarray (n,), float

    Raises
    ------
    GandynamicsError
        For bad arguments, or when the search ends at a point that is no zero of F by :func:`zero_test`.
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
    z0 = np.asarray(z0, float)

    def is_zero(z, F):  # (the tolerance inf accepts any point, as documented)
        if tol == math.inf:
            return norm(F), True
        return _zero_test(fld, z, p, np.asarray(F, dtype=float), lambda: jac(z), tol)

    r0, ok0 = is_zero(z0, f(z0))
    if ok0:
        return z0, r0
    with np.errstate(all="ignore"):
        sol = optimize.root(f, z0, jac=jac, method="hybr", tol=1e-14)
    res, ok = is_zero(sol.x, f(sol.x)) if np.all(np.isfinite(sol.x)) else (math.nan, False)
    if start is None and fld.equilibrium is not None:  # the game's own claim does not hold
        _declared_is_wrong(fld, p, r0, sol.x if ok else None)
    if not ok:
        why = (f"residual ||F|| = {res:z.3g} (needs < {tol:zg})" if not res < tol else
               f"at {np.round(sol.x, 6).tolist()}, {why_not_zero(fld, sol.x, p, res, tol)}")
        raise GandynamicsError(f"equilibrium search from {np.round(z0, 6).tolist()} failed: {why}; give another "
                               "start point (start=; on the command line --at or --start, where the command takes "
                               "one) or check the regularizers")
    return sol.x, res
