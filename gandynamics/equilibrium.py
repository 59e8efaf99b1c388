"""Equilibria of a field: a verified zero of F (used by the runs and by the analysis).

When a computed point counts as a zero of F (:func:`zero_test`, docs/mathematics.md §0.1): ``|F(z)| < tol`` alone
is no test where F is flat.  On the saturated region of the Dirac-GAN, ``F(-3, -10)`` is 1e-12 because the
logistic function is, and ``F(-14.2, -41.1)`` is 6e-253, yet the only zero is ``(0, 0)``.  A point is a zero when
also the step Newton's method would take there is small against the point: the least-squares solution ``d`` of
``DF(z) d = -F(z)`` (singular values below 1e-12 of the largest cut: bounded on a manifold of equilibria) has
``|d_i| <= ZERO_STEP (1 + |z_i|)`` in every coordinate (and no larger step hidden by the cut that is real: one that
halves F where F is a true value, :func:`_hidden_step`).  At those two points ``d`` is 0.05-0.2, at a simple zero
found by Newton's method about 1e-16; :data:`ZERO_STEP` = 1e-5 leaves room for the roots of multiplicity up to 3,
which double precision resolves to about ``eps^(1/3)`` = 6e-6.  The limit of any such local test: a point where F
tends to 0 only at infinity, along a direction where the step is below 1e-5 (the Dirac-GAN at theta = 3e-4,
psi = 1e6), reads as a zero, as a triple root there would.  The norms are scaled, so that a residual of 1e-200 is
not the 0 its underflowing squares give; where F and DF are 0 in doubles because they underflow (exp(-745)), F is
evaluated again in 30-digit arithmetic.
"""

from __future__ import annotations

import math
import weakref

import numpy as np
from scipy import optimize

from .errors import GandynamicsError

__all__ = ["find_equilibrium", "zero_or_none", "reference_point", "zero_test", "ZERO_STEP"]

#: the fields whose wrong declared equilibrium was warned of (weak: a field's entry goes with it)
_WARNED: "weakref.WeakSet" = weakref.WeakSet()

#: a point is a zero of F only where each coordinate of Newton's correction is at most this times ``1 + |z_i|``
#: (see the module's docstring)
ZERO_STEP = 1e-5
#: singular values of DF below this fraction of the largest are cut from Newton's least-squares correction
STEP_RCOND = 1e-12
#: games of more than this many parameters get Newton's correction by LSQR on the Jacobian operator (no dense DF)
DENSE_STEP_MAX = 200
#: :func:`_underflows` evaluates F symbolically for games of at most this many parameters
EXACT_MAX_N = 64
#: an exact value of F below this (in every component) is one that doubles underflow (the smallest normal double is
#: 2.2e-308): F read as 0 there is an underflow; above it, a 0 in doubles is cancellation at a root that doubles
#: cannot hold exactly (x - 1/3 at the double nearest 1/3), a zero to double precision
UNDERFLOW = 1e-300


def norm(v) -> float:
    """The Euclidean norm of the vector ``v``, without overflow or underflow of its squares (``math.hypot``):
    ``numpy.linalg.norm`` of ``(6e-253, 2e-253)`` is 0.  inf for an infinite entry, NaN for NaN."""
    v = np.asarray(v, dtype=float).ravel()
    if v.size and np.isnan(v).any():
        return math.nan
    return math.hypot(*v.tolist())


def newton_step(fld, z, p, F, D=None) -> float:
    """``max_i |d_i| / (1 + |z_i|)`` for Newton's least-squares correction ``d`` of ``DF(z) d = -F`` at ``z``
    (n,), ``p`` the hyperparameter vector, ``F`` (n,) the field there, ``D`` (n, n) its Jacobian when at hand (or a
    function returning it, called only when needed): dense (singular values below :data:`STEP_RCOND` of the largest cut) up to :data:`DENSE_STEP_MAX` parameters,
    else LSQR on :meth:`~gandynamics.VectorField.jacobian_operator` (products only).  0 where ``F = 0``; inf where
    ``F != 0`` and DF is 0; 0 where DF is not finite (the residual alone decides there)."""
    F = np.asarray(F, dtype=float)
    z = np.asarray(z, dtype=float)
    if not np.any(F):
        return 0.0
    if fld.n <= DENSE_STEP_MAX:
        D = _jacobian(fld, z, p, D)
        if not np.all(np.isfinite(D)):
            return 0.0
        if not np.any(D):
            return math.inf
        d = np.linalg.lstsq(D, -F, rcond=STEP_RCOND)[0]
    else:
        from scipy.sparse.linalg import lsqr
        with np.errstate(all="ignore"):
            d = lsqr(fld.jacobian_operator(z, p), -F, atol=1e-14, btol=1e-14, iter_lim=200)[0]
        if not np.all(np.isfinite(d)):
            return 0.0
    return float(np.max(np.abs(d) / (1.0 + np.abs(z))))


def _jacobian(fld, z, p, D) -> np.ndarray:
    """DF at ``z``: ``D`` when given (an array, or a function returning it), else evaluated."""
    return np.asarray(fld.eval_DF(z, p) if D is None else (D() if callable(D) else D), dtype=float)


#: a residual of at most this many times the tolerance may be F's rounding (:func:`_rounding_level`)
ROUNDING_SPAN = 1e4
#: ... where it is at most this many units in the last place of the sum of F's terms' sizes
ROUNDING_ULPS = 64.0


def _rounding_level(fld, z, p, r: float, tol: float) -> bool:
    """Whether a residual ``r`` above ``tol`` (at most :data:`ROUNDING_SPAN` times it) is F's rounding at ``z``: at most
    :data:`ROUNDING_ULPS` units in the last place of the sum of the sizes of each component's terms there (its
    top-level sum, evaluated by sympy).  Where F's terms are large and cancel (powers of a parameter near 1000
    expanded: ``-0.002 mu^3 + 5.77 mu^2 - ...``, terms of 1e7) doubles cannot bring ``|F|`` below about 1e-9, and an
    equilibrium at ``x = 4.8`` read ``|F| = 2.1e-10`` and was refused by the absolute ``1e-10``.  Newton's correction
    is then tested as for any zero.  False above :data:`EXACT_MAX_N` parameters or where a term does not evaluate."""
    if not (tol < r <= ROUNDING_SPAN * tol) or fld.n > EXACT_MAX_N:
        return False
    import sympy as sp
    vals = {s_: sp.Float(float(v)) for s_, v in zip(list(fld.z) + list(fld.hyper), list(z) + list(p))}
    size = 0.0
    try:
        for e in fld.F:
            size = max(size, sum(abs(float(sp.N(t.subs(vals)))) for t in sp.Add.make_args(e)))
    except (TypeError, ValueError):  # (a term that is not a real number there)
        return False
    return math.isfinite(size) and r <= ROUNDING_ULPS * float(np.finfo(float).eps) * size * math.sqrt(fld.n)


def zero_test(fld, z, p, tol: float = 1e-10, F=None, D=None) -> tuple[float, bool]:
    """``(|F(z)|, is_zero)``: whether ``z`` (n,) is a zero of F at the hyperparameters ``p`` (n_p,): ``|F(z)| < tol``
    (or, up to :data:`ROUNDING_SPAN` times it, at the rounding of F's terms: :func:`_rounding_level`) and Newton's
    correction there within
    :data:`ZERO_STEP` (:func:`newton_step`; a point where F is merely flat is
    refused; see the module's docstring).  ``F`` the field at ``z`` when already evaluated; ``D`` its Jacobian there,
    or a function returning it (called only when needed, never above :data:`DENSE_STEP_MAX` parameters)."""
    z = np.asarray(z, dtype=float)
    F = np.asarray(fld.eval_F(z, p) if F is None else F, dtype=float)
    r = norm(F)
    if not r < tol and not _rounding_level(fld, z, p, r, tol):
        return r, False
    if r == 0.0:  # a zero, unless F and DF both underflowed to 0 where F is not 0 (exp(-745) is 0 in doubles)
        if fld.n > EXACT_MAX_N:
            return r, True
        if not np.any(_jacobian(fld, z, p, D)) and _underflows(fld, z, p):
            return r, False
        return r, _exact_residual(fld, z, p, tol, D) is None
    if not newton_step(fld, z, p, F, D) <= ZERO_STEP:
        return r, False
    if _hidden_step(fld, z, p, F, D) > 0.0:
        return r, False
    return r, _exact_residual(fld, z, p, tol, D) is None


#: a zero of the doubles is confirmed in 30-digit arithmetic (:func:`_exact_residual`) for a field F of at most this many
#: operations (sympy's count): evalf takes 0.1-0.5 s a point on larger ones (mlp's 1,818), which a search's every
#: accepted zero would pay (the suite's 120 zeros of mlp: 50 s)
EXACT_MAX_OPS = 1000


def _ops(fld) -> int:
    """The operations of F (sympy's count_ops), once per field."""
    n = fld.__dict__.get("_F_ops")
    if n is None:
        import sympy as sp
        n = fld.__dict__["_F_ops"] = int(sum(sp.count_ops(e) for e in fld.F))
    return n


#: the exact residual at a zero of the doubles may be this many units in the last place of ``1 + |z|`` times
#: ``||DF||_2`` (the distance of the double point ``z`` from the zero it rounds, carried by F) (:func:`_exact_residual`)
EXACT_ULPS = 16.0


def _exact_residual(fld, z, p, tol: float, D) -> float | None:
    """``|F(z)|`` in 30-digit arithmetic (:func:`_exact_values`) where it refutes a zero that the doubles found: above
    ``tol`` and above :data:`EXACT_ULPS` ulps of ``1 + |z|`` times ``||DF(z)||_2``, the most a double point next to a
    zero can carry; None where it confirms it (or cannot tell: above :data:`EXACT_MAX_N` parameters or
    :data:`EXACT_MAX_OPS` operations of F, a function sympy cannot evaluate, DF not finite).  The generated F of
    ``x y + sqrt(e^{2x-4} + 1) - e^{x-2}`` loses ``y`` beside two exponentials of 1e20 that cancel: it is exactly (0, 0) on the line y = x beyond x = 40, where the exact
    F is (x, 0), and (44, 44) was "a verified zero", classified stable (an adversarial review)."""
    if fld.n > EXACT_MAX_N or not math.isfinite(tol) or _ops(fld) > EXACT_MAX_OPS:
        return None
    exact = _exact_values(fld, z, p)
    if exact is None:
        return None
    with np.errstate(over="ignore"):
        r = norm([float(v) for v in exact])
    if not r > tol:
        return None
    J = _jacobian(fld, z, p, D)
    if not np.all(np.isfinite(J)):
        return None
    allowed = EXACT_ULPS * float(np.finfo(float).eps) * (1.0 + norm(z)) * float(np.linalg.norm(J, 2))
    if not r > allowed:
        return None
    # a point the doubles can only place to the rounding of F's terms (terms of 1e7 cancelling to a zero at 4.8: the
    # search stops 1e-10 from it, where F is 1.7e-9 exactly) is a zero when Newton's correction from the exact F and
    # DF is within ZERO_STEP (the doubles' DF is no measure there: -131072 for an exact -3.6e-22 beside the fake zero)
    Jx = _exact_jacobian(fld, z, p)
    if Jx is None:
        return None
    Fx = np.array([float(v) for v in exact])
    d = np.linalg.lstsq(Jx, -Fx, rcond=STEP_RCOND)[0]
    return r if float(np.max(np.abs(d) / (1.0 + np.abs(z)))) > ZERO_STEP else None


def _exact_jacobian(fld, z, p):
    """DF at the double point ``z`` (hyperparameters ``p``) in 30-digit arithmetic (sympy's ``evalf``), as doubles
    (n, n); None above the dense Jacobian's :attr:`~gandynamics.VectorField.DENSE_MAX` parameters or where an entry
    is not a finite real number."""
    import sympy as sp
    if fld.n > fld.DENSE_MAX:
        return None
    vals = _exact_point(fld, z, p)
    try:
        with np.errstate(over="ignore"):
            J = np.array([[float(sp.N(fld.DF[i, j].subs(vals), 30)) for j in range(fld.n)] for i in range(fld.n)])
    except Exception:  # noqa: BLE001 -- a function sympy cannot evaluate there
        return None
    return J if np.all(np.isfinite(J)) else None


def _hidden_step(fld, z, p, F, D) -> float:
    """The relative size (as :func:`newton_step`'s) of a real step of Newton's correction that the cut hid, 0.0 when
    there is none: whether Newton's correction is small at ``z`` only because the singular values of DF below
    :data:`STEP_RCOND` of the largest were cut (as rounding, to bound the step on a manifold of equilibria) while they,
    and F, are true values: the step through every nonzero singular value above :data:`ZERO_STEP`, F at the point it
    leads to at most half F here (it does what Newton's step does), and F here computed to 6 digits (against 30-digit
    arithmetic: not rounding).  On ``F = (-exp(-x), y)``, which has no zero, Newton's method crawls toward
    ``x = inf`` by 1 per step; at ``x = 30`` the cut took DF's singular value 1e-13 (F's own size there: a step of 1)
    for rounding, and (30, 0) read as a zero (and (207.5, 0), where a run's z* was then taken).  At a point of a
    manifold of equilibria F is rounding (it disagrees with its exact value), so the cut stands.  False above
    :data:`EXACT_MAX_N` parameters or :data:`DENSE_STEP_MAX` (no exact or dense test there)."""
    if fld.n > min(EXACT_MAX_N, DENSE_STEP_MAX):
        return 0.0
    F = np.asarray(F, dtype=float)
    J = _jacobian(fld, z, p, D)
    if not np.all(np.isfinite(J)) or not np.any(J) or not np.any(F):
        return 0.0
    U, s, Vt = np.linalg.svd(J)
    cut = (s < STEP_RCOND * s[0]) & (s > 0.0)
    if not cut.any():
        return 0.0
    d = Vt.T[:, cut] @ ((U[:, cut].T @ -F) / s[cut])  # the part of the correction the cut left out
    step = float(np.max(np.abs(d) / (1.0 + np.abs(z))))
    if not step > ZERO_STEP:
        return 0.0
    # the step is real when it does what Newton's step does: F at z + d at most half F at z (exp(-x): e times
    # smaller).  Where the cut values are rounding (a point beside a manifold of equilibria, its F accurate to 1e-11)
    # d is rounding over rounding, a move along the manifold's tangent by O(1) or more: F there is not smaller
    with np.errstate(all="ignore"):
        Fd = np.asarray(fld.eval_F(z + d, p), dtype=float)
    if not norm(Fd) <= 0.5 * norm(F):
        return 0.0
    # ... and F at z is a true value, not rounding (on a flat manifold, F(z + d) is rounding again, as small by chance)
    exact = _exact_values(fld, z, p)
    if exact is None:
        return 0.0
    Fx = np.array([float(v) for v in exact])
    return step if norm(F - Fx) <= 1e-6 * norm(Fx) else 0.0


def _exact_point(fld, z, p) -> dict:
    """The substitution of the double point ``z`` and hyperparameters ``p`` as 30-digit sympy Floats (their exact
    binary values), for :func:`_exact_values` and :func:`_exact_jacobian`."""
    import sympy as sp
    return {s: sp.Float(float(v), 30) for s, v in zip(list(fld.z) + list(fld.hyper), list(z) + list(p))}


def _exact_values(fld, z, p):
    """F's components at the double point ``z`` (hyperparameters ``p``) in 30-digit arithmetic with an unbounded
    exponent (sympy's ``evalf``, each function its own): a list of sympy numbers, None when some component does not
    evaluate to a real number (:func:`_underflows`, :func:`_hidden_step`)."""
    import sympy as sp
    z, p = np.asarray(z, float), np.asarray(p, float)
    key = (getattr(fld, "_definition_key", id(fld)), z.tobytes(), p.tobytes())
    if key in _EXACT_SEEN:  # (one definition's point evaluated once per process: a GAN's F takes 0.1-0.5 s here)
        return _EXACT_SEEN[key]
    vals = _exact_point(fld, z, p)
    try:
        out = [sp.N(e.subs(vals), 30) for e in fld.F]
    except Exception:  # noqa: BLE001 -- a function sympy cannot evaluate there
        out = None
    if out is not None and not all(bool(v.is_number and v.is_real) for v in out):
        out = None
    if len(_EXACT_SEEN) >= 512:
        _EXACT_SEEN.clear()
    _EXACT_SEEN[key] = out
    return out


#: :func:`_exact_values` of the points seen in this process, by the field's definition and the point's bits
_EXACT_SEEN: dict = {}


def why_not_zero(fld, z, p, res: float, tol: float) -> str:
    """Why ``z`` (its residual ``res``) is no zero of F by :func:`zero_test`, in a few words (``p`` the
    hyperparameters: a vector, a mapping or None)."""
    if not res < tol:
        return f"|F| = {res:z.3g} >= {tol:zg}"
    pv = fld._p(p)
    z = np.asarray(z, dtype=float)
    if res == 0.0 and not np.any(fld.eval_DF(z, pv)) and _underflows(fld, z, pv):
        return "F and DF underflow to 0 in doubles here, but F is not 0 (30-digit arithmetic)"
    exact = _exact_residual(fld, z, pv, tol, None)
    if exact is not None:
        return (f"|F| = {res:z.3g} in doubles, but {exact:z.3g} in 30-digit arithmetic: the compiled F loses it to "
                "cancellation here (terms that cancel each other to many digits)")
    F = fld.eval_F(z, pv)
    step = max(newton_step(fld, z, pv, F), _hidden_step(fld, z, pv, F, None))  # (the cut's hidden step, when real)
    return (f"|F| = {res:z.3g}, but F is only flat here: Newton's method would move a coordinate by "
            f"{step:z.3g} times 1 + its size (a zero needs at most {ZERO_STEP:zg})")


def _underflows(fld, z, p) -> bool:
    """Whether F at ``z``, 0 in doubles with DF 0 too, is not 0 but below the doubles' range in 30-digit
    arithmetic with an unbounded exponent (sympy's ``evalf``, each function its own): on the Dirac-GAN at theta psi
    = 745, ``exp(-745)`` underflows and F reads 0, the exact value being 1e-321.  An exact value within the doubles'
    range is cancellation at a root doubles cannot hold (``(x - 1/3)^3`` at the double nearest 1/3: 6e-51), a zero to
    double precision.  False when it cannot tell (a game of more than :data:`EXACT_MAX_N` parameters, or a function
    without an ``evalf``)."""
    if fld.n > EXACT_MAX_N:
        return False
    exact = _exact_values(fld, z, p)
    if exact is None:  # a function sympy cannot evaluate there: the doubles decide
        return False
    nonzero = [abs(v) for v in exact if bool(v.is_nonzero)]
    return bool(nonzero) and all(float(v) < UNDERFLOW for v in nonzero)


def _declared_is_wrong(fld, p, residual: float, found) -> None:
    """Warn, once per field, that the game's declared equilibrium is no zero of F at its own hyperparameters ``p``
    (``residual`` = ``|F|`` there), saying what is used instead: the zero ``found`` from it, or none (then runs read NaN
    and an analysis asks for a start).  At other hyperparameters (a sweep, a continuation), or under regularizers (the
    declaration is the game's: Tikhonov's anchor, an asymmetric term move the zero of the regularised F), the point
    moved with them: nothing is said here."""
    given = fld.equilibrium_given  # (a point typed by the user: --equilibrium)
    if fld in _WARNED or (not given and (getattr(fld, "regularizers", None)
                                         or not np.array_equal(np.asarray(p, float), fld.param_vector()))):
        return  # (a point the user typed is said to be moved however the field was set up: a review found the
        # zero of a --param value taken silently, another than the one typed near)
    _WARNED.add(fld)
    import warnings
    from .errors import GandynamicsWarning
    eq = ", ".join(f"{v:zg}" for v in fld.equilibrium)
    at = f" ({', '.join(f'{s.name}={v:zg}' for s, v in zip(fld.hyper, p))})" if len(p) else ""
    then = (f"the zero Newton's method found from it, ({', '.join(f'{v:z.6g}' for v in found)}), is used instead"
            if found is not None else "Newton's method found no zero from it either (runs read NaN distances)")
    what = f"the point {given} ({eq})" if given else f"the declared equilibrium ({eq}) of {fld.name}"
    own = "" if given else "game's own "
    warnings.warn(GandynamicsWarning(f"{what} is not a zero of F at the {own}hyperparameters{at}: "
                                     f"|F| = {residual:z.3g} there"
                                     + ("" if math.isfinite(residual) else
                                        f" (F is not finite there: {fld.why_not_finite(fld.equilibrium, p)})")
                                     + f"; {then}" + ("" if given else " (check the game's equilibrium=)")),
                  stacklevel=3)


def find_equilibrium(fld, params=None, start=None, tol: float = 1e-10):
    """A zero of F: ``start`` itself if it is one, else ``scipy.optimize.root`` (hybr, exact Jacobian) from
    ``start``; accepted only if ``||F|| < tol`` and Newton's correction there is within :data:`ZERO_STEP`
    (:func:`zero_test`: a point where F is merely flat is no zero).  The point found, rounded to
    :data:`TIDY_DIGITS` decimal digits of its size, is returned instead where F there is no larger and it passes
    the same test: a zero at (2, 0) is returned as (2, 0), not as the search's (2, -9.2e-17).

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

    def is_zero(z, F, tol=tol):  # (the tolerance inf accepts any point, as documented)
        if tol == math.inf:
            return norm(F), True
        return zero_test(fld, z, p, tol, F=F, D=lambda: jac(z))

    r0, ok0 = is_zero(z0, f(z0))
    if ok0:
        return z0, r0
    with np.errstate(all="ignore"):
        sol = optimize.root(f, z0, jac=jac, method="hybr", tol=1e-14)
    res, ok = is_zero(sol.x, f(sol.x)) if np.all(np.isfinite(sol.x)) else (math.nan, False)
    if start is None and fld.equilibrium is not None and not (tol < 1e-10 and is_zero(z0, f(z0), 1e-10)[1]):
        # the game's own claim does not hold (judged at the runs' 1e-10, not at a tighter tol asked here)
        _declared_is_wrong(fld, p, r0, sol.x if ok else None)
    if not ok:
        overflow = False
        if not math.isfinite(r0):  # Newton cannot start where F is not finite (hybr returns the start)
            reason, overflow = fld._not_finite(z0, p)
            why = f"F is not finite there (|F| = {r0:z.3g}: {reason})"
        elif not res < tol:
            why = f"residual ||F|| = {res:z.3g} (needs < {tol:zg})"
        else:
            why = f"at {np.round(sol.x, 6).tolist()}, {why_not_zero(fld, sol.x, p, res, tol)}"
        where = np.round(z0, 6).tolist()
        if start is None and fld.equilibrium is not None:
            given = fld.equilibrium_given
            where = f"{where} ({f'the point {given}' if given else f'the declared equilibrium of {fld.name}'})"
        advice = ("give values at which F fits in the doubles (smaller hyperparameters or start)" if overflow else
                  "give another start point (start=; on the command line --equilibrium, the point the search "
                  "starts from, or --start where the command takes one) or check the regularizers")
        raise GandynamicsError(f"equilibrium search from {where} failed: {why}; {advice}")
    return _tidied(sol.x, res, f, is_zero)


#: :func:`_tidied` rounds a zero found by the search to this many decimal digits of its largest coordinate (at least 1)
TIDY_DIGITS = 12


def _tidied(z: np.ndarray, res: float, f, is_zero) -> tuple[np.ndarray, float]:
    """``(z, res)``, or the search's zero ``z`` rounded to :data:`TIDY_DIGITS` decimal digits of ``max(1, |z|_inf)``
    where F there is no larger (``||F||_2`` at most ``res``) and it passes the same zero test.  Powell's hybrid method
    ends within rounding of a zero, not on it: (2, -9.2e-17) and (2.0000000000000004, -2.0000000000000004) where the
    zeros are (2, 0) and (2, -2) and F vanishes there exactly (``analyze`` solves for them and printed (2, 0), the
    runs' z* was Newton's: a new user's trial).  A zero that is not a short decimal is kept as found: its rounded
    point has the larger residual."""
    top = float(np.max(np.abs(z))) if z.size else 0.0
    if not math.isfinite(top):
        return z, res
    t = np.round(z, TIDY_DIGITS - int(math.floor(math.log10(max(1.0, top))))) + 0.0  # (+ 0.0: no -0)
    if np.array_equal(t, z):
        return z, res
    with np.errstate(all="ignore"):
        F, F0 = np.asarray(f(t), float), np.asarray(f(z), float)
    # (component by component, not in the norm: F = (0.3 u - 0.9, 1e-12 w - 3e-25) has its zero at (3, 3e-13), and
    # w rounded to 0 left the norm at the first component's rounding, 1.1e-16: a coordinate of a zero wiped out, a
    # review)
    if not np.all(np.abs(F) <= np.abs(F0)):
        return z, res
    rt = norm(F)
    r2, ok = is_zero(t, F)
    return (t, r2) if ok else (z, res)


def zero_or_none(fld, params=None):
    """:func:`find_equilibrium` at ``params`` from its default start (the game's declared equilibrium, else 0), shape
    (n,), or None when it finds no zero: the zero every analysis and run uses, and a figure stars."""
    try:
        return np.array(find_equilibrium(fld, params)[0], float)  # (a copy: never the field's own array)
    except GandynamicsError:
        return None


#: :func:`reference_point`'s ``zero`` when the caller has not searched for it
_SEARCH = object()


def reference_point(fld, params=None, zero=_SEARCH) -> np.ndarray:
    """The point a game is looked at from, shape (n,): the zero of F of :func:`zero_or_none` (``zero``: what the
    caller's own search found, None for none), else the game's declared equilibrium, else 0.  A portrait's plane
    passes through it, and the command line's default start is it + 1 in every coordinate (``simulate``, ``sweep``;
    ``portrait``: in its plane): (1, 1) on the Dirac-GAN, as in Mescheder et al.'s figures, and the same start for
    every command on a game whose equilibrium is elsewhere."""
    z = zero_or_none(fld, params) if zero is _SEARCH else zero
    if z is not None:
        return np.array(z, float)
    return fld.equilibrium.copy() if fld.equilibrium is not None else np.zeros(fld.n)
