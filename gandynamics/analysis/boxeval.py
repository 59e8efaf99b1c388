r"""Vectorised interval evaluation over many boxes at once, and the second-order (mean-value) enclosure of
DF used by the certification (docs/math/certification.md §2-§3).

An interval is a pair ``(lo, hi)`` of NumPy arrays (one entry per box).  Every arithmetic result is
rounded *outwards* with ``numpy.nextafter``: IEEE 754 correctly rounds ``+ - * /`` and ``sqrt`` to nearest,
so the exact result lies within one ulp of the computed one and the neighbouring double on the outer side
encloses it (Moore, Kearfott & Cloud 2009, §3.5; Rump 1999).  Transcendental functions come from NumPy's
libm, accurate to a few ulps; their results are widened by a relative ``2^-40`` (about 4000 ulps) and an
absolute ``2^-1000`` — the one assumption of this engine beyond IEEE 754, stated in
docs/math/certification.md §2; the Arb engine (:mod:`gandynamics.analysis.intervals`, ``order=1``) needs
none.  An undefined or unbounded result is ``[-inf, inf]`` (NaN never survives an operation).

Supported: the same expressions as :mod:`gandynamics.analysis.intervals` (``+ - * /``, powers, ``exp``,
``log``, ``sqrt``, sigmoid, softplus, the monotone ``atan tanh sinh asinh erf log1p expm1``, ``cosh``,
``sin cos tan``, ``Abs``, ``sign``, ``Heaviside``, ``DiracDelta``, ``Max``, ``Min``, ``Piecewise`` with
relational conditions, ``floor``, ``ceiling``, ``frac``, ``Mod``); piecewise nodes follow the same rule as
there: on a box where a condition is undecided every branch it may select is enclosed.

Mean-value form (Moore, Kearfott & Cloud 2009, §6.4): for the box ``X`` with midpoint ``m``,

.. math:: DF_{ij}(X) \subseteq DF_{ij}(m) + \sum_k \partial_k DF_{ij}(X)\,(X_k - m_k),

intersected with the natural extension ``DF_{ij}(X)``.  Its width is ``O(w^2)`` for a box of width ``w``
(the natural extension's is ``O(w)``), so near an extremum of a smooth ``||DF||`` or ``lambda_min(sym DF)``
the certified bound approaches the value at the centre quadratically and the boxes a branch-and-bound needs
fall from ``O(w^{-d})`` to ``O(w^{-d/2})``.

Matrix bounds over a batch (:func:`matrix_bounds_batch`): the interval Cholesky test of Rump (2010,
§10.8) run on all boxes and several trial values at once.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .._cse import cse
from ..errors import GandynamicsError
from ..losses import sigmoid as _Sigmoid, softplus as _Softplus
from .intervals import IntervalPrinter, resolve_step_derivatives

__all__ = ["BoxFunction", "compile_boxes", "matrix_bounds_batch", "field_bounder", "cholesky_pd"]

_INF = np.inf
_EPS_T = 2.0 ** -40
_TINY = 2.0 ** -1000
_U = 2.0 ** -53


# --------------------------------------------------------------------------- rounding
_ULP = 2.0 ** -52
_SUB = 2.0 ** -1074


def _dn(x):
    """A double <= the exact value of a correctly rounded result x: ``x - (|x| 2^-52 + 2^-1074)`` computed
    in round-to-nearest is at most the predecessor of x (``|x| 2^-52`` is at least one ulp of x, the scaling
    is exact, and rounding is monotone), and the predecessor is below the exact value, which lies within
    half an ulp of x.  Two multiply-adds instead of ``numpy.nextafter`` (7x faster); it widens by up to two
    ulps.  ``+inf`` gives NaN, which every caller reads as "unknown"."""
    with np.errstate(invalid="ignore", over="ignore"):
        return x - (np.abs(x) * _ULP + _SUB)


def _up(x):
    with np.errstate(invalid="ignore", over="ignore"):
        return x + (np.abs(x) * _ULP + _SUB)


def _fix(lo, hi):
    """NaN (an undefined operation somewhere on the box) -> the whole line."""
    bad = np.isnan(lo) | np.isnan(hi)
    return np.where(bad, -_INF, lo), np.where(bad, _INF, hi)


def _tdn(v):
    """Lower bound on the exact value of a libm result v (see the module docstring)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return _dn(v - np.abs(v) * _EPS_T - _TINY)


def _tup(v):
    with np.errstate(invalid="ignore", over="ignore"):
        return _up(v + np.abs(v) * _EPS_T + _TINY)


# --------------------------------------------------------------------------- arithmetic
def _sum_dn(a, b):
    """``a + b`` rounded down: the float sum, lowered one ulp only when the exact error (TwoSum, Knuth;
    Higham 2002 §4.3) is negative, so exact sums stay exact."""
    with np.errstate(invalid="ignore", over="ignore"):
        s = a + b
        bb = s - a
        err = (a - (s - bb)) + (b - bb)
        return np.where(err < 0, _dn(s), np.where(np.isfinite(s), s, np.where(np.isnan(err), _dn(s), s)))


def _sum_up(a, b):
    with np.errstate(invalid="ignore", over="ignore"):
        s = a + b
        bb = s - a
        err = (a - (s - bb)) + (b - bb)
        return np.where(err > 0, _up(s), np.where(np.isfinite(s), s, np.where(np.isnan(err), _up(s), s)))


def _add(a, b):
    return _sum_dn(a[0], b[0]), _sum_up(a[1], b[1])


def _sub(a, b):
    return _sum_dn(a[0], -b[1]), _sum_up(a[1], -b[0])


def _neg(a):
    return -a[1], -a[0]


def _addn(*xs):
    """Sum of many intervals, left to right (flat: no nesting limit in the generated source)."""
    out = xs[0]
    for x in xs[1:]:
        out = _add(out, x)
    return out


def _muln(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = _mul(out, x)
    return out


def _mul(a, b):
    with np.errstate(invalid="ignore", over="ignore"):
        p1, p2, p3, p4 = a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]
        lo = np.minimum(np.minimum(p1, p2), np.minimum(p3, p4))
        hi = np.maximum(np.maximum(p1, p2), np.maximum(p3, p4))
    return _fix(_dn(lo), _up(hi))


def _sqr(a):
    """``a^2`` with the tight range ``[0, max^2]`` across 0."""
    with np.errstate(over="ignore", invalid="ignore"):
        l2, h2 = a[0] * a[0], a[1] * a[1]
        lo = np.where((a[0] <= 0) & (a[1] >= 0), 0.0, _dn(np.minimum(l2, h2)))
        return _fix(lo, _up(np.maximum(l2, h2)))


def _recip(b):
    ok = (b[0] > 0) | (b[1] < 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lo, hi = _dn(1.0 / b[1]), _up(1.0 / b[0])
    return np.where(ok, lo, -_INF), np.where(ok, hi, _INF)


def _pow_pos(v, n, rnd):
    """``v ** n`` for ``v >= 0`` rounded in the direction ``rnd`` at every step (binary powering)."""
    out = None
    base = v
    with np.errstate(over="ignore", invalid="ignore"):
        while n:
            if n & 1:
                out = base if out is None else rnd(out * base)
            n >>= 1
            if n:
                base = rnd(base * base)
    return out


def _ipow(x, n: int):
    if n == 0:
        return np.ones_like(np.asarray(x[0], float)), np.ones_like(np.asarray(x[1], float))
    if n < 0:
        return _recip(_ipow(x, -n))
    if n == 1:
        return x
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    if n % 2 == 0:
        a = np.where(lo >= 0, lo, np.where(hi <= 0, -hi, 0.0))
        b = np.maximum(np.abs(lo), np.abs(hi))
        return _fix(_pow_pos(a, n, _dn), _pow_pos(b, n, _up))
    plo = np.where(lo >= 0, _pow_pos(np.abs(lo), n, _dn), -_pow_pos(np.abs(lo), n, _up))
    phi = np.where(hi >= 0, _pow_pos(np.abs(hi), n, _up), -_pow_pos(np.abs(hi), n, _dn))
    return _fix(plo, phi)


def _increasing(f, domain_lo=-_INF):
    """Monotone increasing libm function, end points widened (module docstring)."""
    def g(x):
        lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
        bad = ~(lo > domain_lo) if domain_lo > -_INF else np.zeros(np.shape(lo), bool)
        with np.errstate(all="ignore"):
            a, b = _tdn(f(np.where(bad, hi, lo))), _tup(f(hi))
        a, b = _fix(a, b)
        return np.where(bad, -_INF, a), np.where(bad, _INF, b)
    return g


def _sigmoid_f(t):
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus_f(t):
    return np.logaddexp(0.0, t)


def _erf_f(t):
    from scipy.special import erf
    return erf(t)


_exp = _increasing(np.exp)
_log = _increasing(np.log, 0.0)
_sigmoid = _increasing(_sigmoid_f)
_softplus = _increasing(_softplus_f)
_atan = _increasing(np.arctan)
_tanh = _increasing(np.tanh)
_sinh = _increasing(np.sinh)
_asinh = _increasing(np.arcsinh)
_erf = _increasing(_erf_f)
_log1p = _increasing(np.log1p, -1.0)
_expm1 = _increasing(np.expm1)


def _sqrt(x):
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    with np.errstate(invalid="ignore"):
        a = np.where(lo > 0, _dn(np.sqrt(np.maximum(lo, 0.0))), 0.0)
        b = _up(np.sqrt(hi))
    bad = ~(hi >= 0)
    return np.where(bad, -_INF, np.maximum(a, 0.0)), np.where(bad, _INF, np.where(np.isfinite(b), b, _INF))


def _cosh(x):
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    with np.errstate(over="ignore"):
        cl, ch = np.cosh(lo), np.cosh(hi)
    across = (lo <= 0) & (hi >= 0)
    a = np.where(across, 1.0, _tdn(np.minimum(cl, ch)))
    return _fix(a, _tup(np.maximum(cl, ch)))


def _periodic_extrema(lo, hi, phase):
    """Whether ``[lo, hi]`` may contain a point ``phase + 2 k pi`` (conservatively, with slack)."""
    two_pi = 2 * math.pi
    k = np.ceil((lo - phase) / two_pi - 1e-9)
    return phase + k * two_pi <= hi + 1e-9 * (1 + np.abs(hi))


def _sin_shift(x, shift):
    lo, hi = np.asarray(x[0], float) + shift, np.asarray(x[1], float) + shift
    wide = ~np.isfinite(lo) | ~np.isfinite(hi) | (hi - lo >= 2 * math.pi) | (np.abs(lo) > 1e6) | (np.abs(hi) > 1e6)
    with np.errstate(invalid="ignore"):
        sl, sh = np.sin(np.where(wide, 0.0, lo)), np.sin(np.where(wide, 0.0, hi))
    a, b = _tdn(np.minimum(sl, sh)), _tup(np.maximum(sl, sh))
    a = np.where(_periodic_extrema(lo, hi, -math.pi / 2) | wide, -1.0, np.maximum(a, -1.0))
    b = np.where(_periodic_extrema(lo, hi, math.pi / 2) | wide, 1.0, np.minimum(b, 1.0))
    return a, b


def _sin(x):
    return _sin_shift(x, 0.0)


def _cos(x):
    # cos t = sin(t + pi/2); the shift's rounding is absorbed by the slack of _periodic_extrema and by
    # evaluating cos itself at the end points
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    wide = ~np.isfinite(lo) | ~np.isfinite(hi) | (hi - lo >= 2 * math.pi) | (np.abs(lo) > 1e6) | (np.abs(hi) > 1e6)
    with np.errstate(invalid="ignore"):
        cl, ch = np.cos(np.where(wide, 0.0, lo)), np.cos(np.where(wide, 0.0, hi))
    a, b = _tdn(np.minimum(cl, ch)), _tup(np.maximum(cl, ch))
    a = np.where(_periodic_extrema(lo, hi, math.pi) | wide, -1.0, np.maximum(a, -1.0))
    b = np.where(_periodic_extrema(lo, hi, 0.0) | wide, 1.0, np.minimum(b, 1.0))
    return a, b


def _tan(x):
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    pole = _periodic_extrema(lo, hi, math.pi / 2) | _periodic_extrema(lo, hi, -math.pi / 2) | (hi - lo >= math.pi) \
        | ~np.isfinite(lo) | ~np.isfinite(hi)
    with np.errstate(invalid="ignore"):
        a, b = _tdn(np.tan(np.where(pole, 0.0, lo))), _tup(np.tan(np.where(pole, 0.0, hi)))
    return np.where(pole, -_INF, a), np.where(pole, _INF, b)


def _gpow(x, y):
    return _exp(_mul(y, _log(x)))


def _rat_pow(x, p: int, q: int):
    if q == 2:
        return _ipow(_sqrt(x), p)
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    e = (_dn(p / q), _up(p / q))
    ok = lo > 0 if p < 0 else lo >= 0
    safe = (np.where(lo > 0, lo, np.where(hi > 0, np.minimum(hi, 1e-300), 1.0)), np.maximum(hi, 1e-300))
    r = _gpow(safe, e)
    lo_r = np.where(lo > 0, r[0], 0.0) if p > 0 else r[0]
    return np.where(ok, lo_r, -_INF), np.where(ok, r[1], _INF)


def _abs(x):
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    a = np.where(lo >= 0, lo, np.where(hi <= 0, -hi, 0.0))
    return a, np.maximum(np.abs(lo), np.abs(hi))


def _sign(x):
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    a = np.where(lo > 0, 1.0, np.where(hi < 0, -1.0, np.where((lo == 0) & (hi == 0), 0.0, np.where(lo >= 0, 0.0, -1.0))))
    b = np.where(hi < 0, -1.0, np.where(lo > 0, 1.0, np.where((lo == 0) & (hi == 0), 0.0, np.where(hi <= 0, 0.0, 1.0))))
    return _fix(np.where(np.isnan(lo) | np.isnan(hi), -1.0, a), np.where(np.isnan(lo) | np.isnan(hi), 1.0, b))


def _heaviside(x, h0=None):
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    a = np.where(lo > 0, 1.0, 0.0)
    b = np.where(hi < 0, 0.0, 1.0)
    return a, b


def _dirac(x):
    lo, hi = np.asarray(x[0], float), np.asarray(x[1], float)
    off = (lo > 0) | (hi < 0)
    return np.where(off, 0.0, -_INF), np.where(off, 0.0, _INF)


def _max(*xs):
    lo, hi = xs[0]
    for y in xs[1:]:
        lo, hi = np.maximum(lo, y[0]), np.maximum(hi, y[1])
    return _fix(lo, hi)


def _min(*xs):
    lo, hi = xs[0]
    for y in xs[1:]:
        lo, hi = np.minimum(lo, y[0]), np.minimum(hi, y[1])
    return _fix(lo, hi)


def _floor(x):
    return np.floor(x[0]), np.floor(x[1])


def _ceiling(x):
    return np.ceil(x[0]), np.ceil(x[1])


def _mod(a, m):
    v = _sub(a, _mul(m, _floor(_mul(a, _recip(m)))))
    mlo, mhi = np.asarray(m[0], float), np.asarray(m[1], float)
    pos, neg = mlo > 0, mhi < 0
    lo = np.where(pos, np.maximum(v[0], 0.0), np.where(neg, np.maximum(v[0], mlo), -_INF))
    hi = np.where(pos, np.minimum(v[1], mhi), np.where(neg, np.minimum(v[1], 0.0), _INF))
    return lo, hi


def _guard_int(value, *us):
    bad = np.zeros(np.broadcast(value[0], value[1]).shape, bool)
    for u in us:
        lo, hi = np.asarray(u[0], float), np.asarray(u[1], float)
        bad = bad | ~np.isfinite(lo) | ~np.isfinite(hi) | (np.floor(hi) >= np.ceil(lo))
    return np.where(bad, -_INF, value[0]), np.where(bad, _INF, value[1])


# --------------------------------------------------------------------------- conditions (three-valued)
def _rel(op, a, b):
    """``(may_be_true, may_be_false)`` arrays for ``a op b`` (see intervals._rel)."""
    d = _sub(a, b)
    lo, hi = d
    if op == ">":
        return hi > 0, ~(lo > 0)
    if op == ">=":
        return hi >= 0, ~(lo >= 0)
    if op == "<":
        return lo < 0, ~(hi < 0)
    if op == "<=":
        return lo <= 0, ~(hi <= 0)
    if op == "==":
        return (lo <= 0) & (hi >= 0), ~((lo == 0) & (hi == 0))
    return ~((lo == 0) & (hi == 0)), (lo <= 0) & (hi >= 0)


def _and(*cs):
    t, f = cs[0]
    for c in cs[1:]:
        t, f = t & c[0], f | c[1]
    return t, f


def _or(*cs):
    t, f = cs[0]
    for c in cs[1:]:
        t, f = t | c[0], f & c[1]
    return t, f


def _not(c):
    return c[1], c[0]


TRUE = (np.True_, np.False_)
FALSE = (np.False_, np.True_)


def _piecewise(*pairs):
    """Hull of every branch that may be selected on each box (undefined where none can be)."""
    reach = None
    lo = hi = None
    for (v, c) in pairs:
        t, f = np.asarray(c[0]), np.asarray(c[1])
        inc = t if reach is None else reach & t
        vlo, vhi = np.asarray(v[0], float), np.asarray(v[1], float)
        if lo is None:
            lo = np.where(inc, vlo, _INF)
            hi = np.where(inc, vhi, -_INF)
        else:
            lo = np.where(inc, np.minimum(lo, vlo), lo)
            hi = np.where(inc, np.maximum(hi, vhi), hi)
        reach = f if reach is None else reach & f
    none = lo > hi
    return np.where(none, -_INF, lo), np.where(none, _INF, hi)


_ENV = {k: v for k, v in globals().items() if k.startswith("_") and callable(v)}
_ENV.update({"TRUE": TRUE, "FALSE": FALSE, "np": np})

_SIMPLE = {sp.exp: "_exp", sp.log: "_log", _Sigmoid: "_sigmoid", _Softplus: "_softplus", sp.Abs: "_abs",
           sp.sign: "_sign", sp.Heaviside: "_heaviside", sp.atan: "_atan", sp.tanh: "_tanh", sp.sinh: "_sinh",
           sp.asinh: "_asinh", sp.erf: "_erf", sp.cosh: "_cosh", sp.sin: "_sin", sp.cos: "_cos", sp.tan: "_tan",
           sp.floor: "_floor", sp.ceiling: "_ceiling", sp.DiracDelta: "_dirac"}


def _const_interval(e) -> tuple[float, float]:
    """A rigorous enclosure ``[lo, hi]`` of a sympy number (50-digit evaluation, rounded outwards)."""
    if e.is_Integer:
        v = float(e)
        if math.isfinite(v) and int(v) == int(e):
            return v, v
    if e.is_Float and sp.Float(float(e), 60) == sp.Float(e, 60):
        v = float(e)
        return v, v
    if e.is_Rational:
        v = float(e)
        return float(_dn(v)), float(_up(v))
    v = float(sp.N(e, 50))
    return float(_dn(_dn(v))), float(_up(_up(v)))


class _Translator(IntervalPrinter):
    """Prints a sympy expression as vectorised interval source (:class:`IntervalPrinter`'s walk): every
    operation is a call on ``(lo, hi)`` array pairs, numbers are hoisted as outward-rounded constants."""

    FUNCS = _SIMPLE

    def __init__(self, names):
        self.names = names
        self.consts: dict = {}
        self.values: dict = {}

    def const(self, e):
        key = sp.srepr(e)
        name = self.consts.get(key)
        if name is None:
            name = f"c{len(self.consts)}"
            self.consts[key] = name
            lo, hi = _const_interval(e)
            self.values[name] = (np.float64(lo), np.float64(hi))
        return name

    def constant(self, e):
        if e.is_number and not isinstance(e, sp.logic.boolalg.BooleanAtom) and e.is_real is not False \
                and not e.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            if e.is_Number or e in (sp.pi, sp.E) or e.is_algebraic or e.is_real:
                return self.const(e)
        return None

    def add(self, parts):
        return f"_add({parts[0]}, {parts[1]})" if len(parts) == 2 else "_addn(" + ", ".join(parts) + ")"

    def mul(self, parts):
        return f"_mul({parts[0]}, {parts[1]})" if len(parts) == 2 else "_muln(" + ", ".join(parts) + ")"

    def neg(self, part):
        return f"_neg({part})"

    def sub(self, a, b):
        return f"_sub({a}, {b})"

    def power(self, base, k):
        return f"_sqr({base})" if k == 2 else f"_ipow({base}, {k})"


class BoxFunction:
    """Vectorised interval evaluation of sympy expressions: ``f(lo, hi, p)`` with ``lo, hi`` arrays of
    shape (K, n) (K boxes) returns ``(LO, HI)`` arrays of shape (K, m), one column per expression;
    ``p`` the hyperparameter values (floats, taken as exact)."""

    def __init__(self, exprs, z, hyper=()):
        exprs = [resolve_step_derivatives(sp.sympify(e)) for e in exprs]
        self.exprs, self.z, self.hyper = tuple(exprs), tuple(z), tuple(hyper)
        names = {s: f"z[{i}]" for i, s in enumerate(self.z)}
        names.update({s: f"p[{j}]" for j, s in enumerate(self.hyper)})
        tr = _Translator(names)
        reps, reduced = cse(exprs, sp.numbered_symbols("_t"))
        lines = ["def _f(z, p):"]
        for sym, val in reps:
            tr.names[sym] = str(sym)
            lines.append(f"    {sym} = {tr(val)}")
        outs = [tr(e) for e in reduced]
        lines.append("    return [" + ", ".join(outs) + "]")
        self.source = "\n".join(lines)
        env = dict(_ENV)
        env.update(tr.values)
        exec(compile(self.source, "<gandynamics.boxeval>", "exec"), env)  # noqa: S102 - our own source
        self._fn = env["_f"]

    def __call__(self, lo, hi, p):
        lo = np.asarray(lo, float)
        hi = np.asarray(hi, float)
        K = lo.shape[0]
        z = [(lo[:, i], hi[:, i]) for i in range(lo.shape[1])]
        pp = [(np.float64(v), np.float64(v)) for v in p]
        with np.errstate(all="ignore"):
            res = self._fn(z, pp)
        LO = np.empty((K, len(res)))
        HI = np.empty((K, len(res)))
        for j, (a, b) in enumerate(res):
            LO[:, j] = a
            HI[:, j] = b
        bad = np.isnan(LO) | np.isnan(HI)
        LO[bad] = -_INF
        HI[bad] = _INF
        return LO, HI


def compile_boxes(exprs, z, hyper=()) -> BoxFunction:
    """:class:`BoxFunction` of the expressions (common subexpressions shared by :func:`sympy.cse`)."""
    return BoxFunction(exprs, z, hyper)


# --------------------------------------------------------------------------- matrix bounds over a batch
def _iv_mul(a_lo, a_hi, b_lo, b_hi):
    with np.errstate(invalid="ignore", over="ignore"):
        p1, p2, p3, p4 = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
        lo = np.minimum(np.minimum(p1, p2), np.minimum(p3, p4))
        hi = np.maximum(np.maximum(p1, p2), np.maximum(p3, p4))
    return _dn(lo), _up(hi)


def cholesky_pd(S_lo, S_hi) -> np.ndarray:
    """For interval symmetric matrices ``[S_lo, S_hi]`` (arrays B x n x n; only the lower triangle is
    read): True where *every* symmetric matrix in the box is positive definite, certified by a Cholesky
    factorisation in outward-rounded interval arithmetic whose pivots are all certainly positive (Rump 2010,
    §10.8: each pivot of a member lies in the computed interval, by inclusion isotonicity)."""
    B, n, _ = S_lo.shape
    Llo = np.zeros((B, n, n))
    Lhi = np.zeros((B, n, n))
    ok = np.all(np.isfinite(S_lo) & np.isfinite(S_hi), axis=(1, 2))
    for j in range(n):
        dlo, dhi = S_lo[:, j, j].copy(), S_hi[:, j, j].copy()
        if j:
            sq = _sqr((Llo[:, j, :j], Lhi[:, j, :j]))
            # sum of non-negative intervals, rounded outwards term by term
            for k in range(j):
                dlo, dhi = _dn(dlo - sq[1][:, k]), _up(dhi - sq[0][:, k])
        ok &= dlo > 0
        dlo = np.where(dlo > 0, dlo, 1.0)
        dhi = np.where(ok, dhi, 1.0)
        with np.errstate(invalid="ignore"):
            llo, lhi = _dn(np.sqrt(dlo)), _up(np.sqrt(dhi))
        Llo[:, j, j], Lhi[:, j, j] = llo, lhi
        if j + 1 < n:
            nlo, nhi = S_lo[:, j + 1:, j].copy(), S_hi[:, j + 1:, j].copy()
            for k in range(j):
                plo, phi = _iv_mul(Llo[:, j + 1:, k], Lhi[:, j + 1:, k], Llo[:, j, k][:, None], Lhi[:, j, k][:, None])
                nlo, nhi = _dn(nlo - phi), _up(nhi - plo)
            # division by the positive interval [llo, lhi]
            q = _iv_mul(nlo, nhi, _dn(1.0 / lhi)[:, None], _up(1.0 / llo)[:, None])
            Llo[:, j + 1:, j], Lhi[:, j + 1:, j] = q
    return ok


def _nonneg_norm2_upper_batch(R):
    """``min(sqrt(||R||_1 ||R||_inf), ||R||_F)`` for R >= 0 (B x n x n), inflated for rounding
    (intervals.py, :func:`~gandynamics.analysis.intervals._nonneg_norm2_upper`).  A matrix whose largest entry
    is below 1 is scaled by an exact power of two into ``[1/2, 1)`` first and the result scaled back upwards:
    the squares of entries below 1.5e-154 underflowed to 0 (entries 1e-200 gave ``||R|| <= 1e-300``)."""
    n = R.shape[1]
    finite = np.all(np.isfinite(R), axis=(1, 2))
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):
        top = np.where(finite, R.max(axis=(1, 2)), 1.0)
        # (and one above 2^500 scaled down likewise: its squares overflowed, entries 1e300 gave inf; the entries
        # that scaling down rounds, below 2^-1074 after it, move the sums by far less than the absolute 2^-1000 added
        # below before scaling back, so the bound stays above the exact norm)
        k = np.where(((top > 0) & (top < 1.0)) | (top > BIG), -np.frexp(np.where(top > 0, top, 1.0))[1], 0)
        Rs = np.ldexp(np.where(finite[:, None, None], R, 0.0), k[:, None, None])   # exact: scaled upwards
        c1 = Rs.sum(axis=1).max(axis=1)
        ci = Rs.sum(axis=2).max(axis=1)
        fro = np.sqrt((Rs * Rs).sum(axis=(1, 2)))
        b = np.minimum(np.sqrt(c1 * ci), fro)
    b = b * (1.0 + (n * n + 4) * 2.0 ** -52) + 2.0 ** -1000
    with np.errstate(over="ignore"):  # (entries near 1e308 scaled back: inf, a true bound, said nothing)
        b = np.where(k != 0, np.nextafter(np.ldexp(b, -k), _INF), b)
    b = np.where(top > 0, b, 0.0) + 1e-300          # (the absolute term callers may rely on, as before)
    return np.where(finite, b, _INF)


#: matrices with an entry above this are bounded scaled down by an exact power of two (:func:`_scaled_down`): the
#: squares of the Lipschitz constant's tests overflowed, and F = 1e300 (x + y, y - x) kept L in [1.41e300, inf]
#: after 20,001 boxes (a reviewer)
BIG = 2.0 ** 500


def _scaled_down(lo, hi):
    """``(lo', hi', e)``: the interval matrices ``[lo, hi]`` (B x n x n) whose largest finite entry exceeds
    :data:`BIG` or lies below its inverse scaled by ``2^-e`` into ``[1/2, 1)`` (``e = 0`` for the others), each end widened outwards by the
    least subnormal (the scaling rounds the entries it takes below ``2^-1022``); ``||M||_2`` of the originals is at
    most ``2^e`` times that of the scaled ones.  None when no matrix has such an entry."""
    with np.errstate(invalid="ignore"):
        top = np.maximum(np.abs(lo), np.abs(hi))
        top = np.where(np.isfinite(top), top, 0.0).max(axis=(1, 2))
    far = (top > BIG) | ((top > 0.0) & (top < 1.0 / BIG))  # (tiny ones scaled up: the absolute 1e-300 of the tests,
    if not np.any(far):                                       # against entries of 1e-300, doubled the bound)
        return None
    e = np.where(far, np.frexp(np.where(far, top, 1.0))[1], 0)
    with np.errstate(under="ignore"):
        los = np.ldexp(lo, -e[:, None, None]) - np.where(e[:, None, None] != 0, _SUB, 0.0)
        his = np.ldexp(hi, -e[:, None, None]) + np.where(e[:, None, None] != 0, _SUB, 0.0)
    return los, his, e


_FRACS = np.array([0.02, 0.08, 0.2, 0.45, 0.75, 1.05])
#: relative margins tried, in turn, for the certified value at a point matrix (as intervals.norm2_upper)
_MARGINS = (0.0, 1e-12, 1e-9, 1e-6)


def matrix_bounds_batch(lo, hi, want: str, fractions=None):
    """Certified ``L_hi >= ||M||_2`` (want="L") or ``mu_lo <= lambda_min(sym M)`` (want="mu") for every M
    in the interval matrices ``[lo, hi]`` (arrays B x n x n); returns an array of B bounds.

    A floating-point guess at the centre (largest singular value, resp. smallest eigenvalue of the
    symmetric part) plus a few fractions of the radius bound ``||R||_2`` are tried at once with the
    interval Cholesky test (:func:`cholesky_pd`) of ``t^2 I - M^T M`` resp. ``sym M - t I``; the tightest
    certified one is kept.  The fallbacks need no test: ``|| |M| ||`` by the 1/inf/Frobenius norms for L,
    Gershgorin's discs for mu."""
    B, n, _ = lo.shape
    if want == "L":  # (matrices of entries above BIG, scaled down: their squares overflowed; below 1/BIG, up)
        big = _scaled_down(lo, hi)
        if big is not None:
            los, his, e = big
            out = matrix_bounds_batch(los, his, want, fractions)
            with np.errstate(over="ignore"):
                return np.where(e != 0, np.nextafter(np.ldexp(out, e), _INF), out)
    fr = _FRACS if fractions is None else np.asarray(fractions, float)
    finite = np.all(np.isfinite(lo) & np.isfinite(hi), axis=(1, 2))
    lo = np.where(finite[:, None, None], lo, 0.0)
    hi = np.where(finite[:, None, None], hi, 0.0)
    C = len(fr)
    eye = np.eye(n, dtype=bool)
    if want == "L":
        A = np.maximum(np.abs(lo), np.abs(hi))
        out = _nonneg_norm2_upper_batch(A)
        M0 = 0.5 * (lo + hi)
        R = np.maximum(_up(hi - M0), _up(M0 - lo))
        rN = _nonneg_norm2_upper_batch(R)
        s0 = np.linalg.svd(M0, compute_uv=False)[:, 0]
        # interval enclosure of G = M^T M in midpoint-radius form (Rump 1999): G0 = fl(M0^T M0) and
        # |G - G0| <= |M0|^T R + R^T |M0| + R^T R + gamma_n |M0|^T |M0|, every float sum of non-negative terms
        # inflated by (1 + 2 gamma_{n+2}) (Higham 2002, §3.5)
        g = (n + 2) * _U / (1 - (n + 2) * _U)
        aM = np.abs(M0)
        Mt = np.swapaxes(M0, 1, 2)
        G0 = Mt @ M0
        RG = (np.swapaxes(aM, 1, 2) @ R + np.swapaxes(R, 1, 2) @ aM + np.swapaxes(R, 1, 2) @ R
              + g * (np.swapaxes(aM, 1, 2) @ aM)) * (1 + 2 * g) * (1 + 2 * g) + 1e-300
        Glo, Ghi = _dn(G0 - RG), _up(G0 + RG)
        T = s0[:, None] * (1 + 4 * n * _U) + fr[None, :] * rN[:, None] + 1e-300   # B x C
        T2lo, T2hi = _dn(T * T), _up(T * T)
        Slo = np.where(eye, _dn(T2lo[:, :, None, None] - Ghi[:, None]), -Ghi[:, None])
        Shi = np.where(eye, _up(T2hi[:, :, None, None] - Glo[:, None]), -Glo[:, None])
        if C:
            ok = cholesky_pd(Slo.reshape(B * C, n, n), Shi.reshape(B * C, n, n)).reshape(B, C)
            Tcert = np.where(ok, _up(T), _INF).min(axis=1)
        else:
            Tcert = np.full(B, _INF)
        # Weyl: ||M|| <= ||M0|| + ||R||, with ||M0|| <= t0 certified on the point matrix M0 (rounding only)
        g0 = g * (np.swapaxes(aM, 1, 2) @ aM) * (1 + 2 * g) * (1 + 2 * g) + 1e-300
        weyl = np.full(B, _INF)
        todo = np.arange(B)
        for margin in _MARGINS:                  # the tightest margin first; only failures are retried
            t0 = s0[todo] * (1 + max(8 * n * _U, margin)) + 1e-300
            Gt, gt = G0[todo], g0[todo]
            P_lo = np.where(eye, _dn(_dn(t0 * t0)[:, None, None] - (Gt + gt)), -(Gt + gt))
            P_hi = np.where(eye, _up(_up(t0 * t0)[:, None, None] - (Gt - gt)), -(Gt - gt))
            okw = cholesky_pd(_dn(P_lo), _up(P_hi))
            weyl[todo[okw]] = _up(_up(t0[okw]) + rN[todo[okw]])
            todo = todo[~okw]
            if not todo.size:
                break
        out = np.minimum(np.minimum(out, Tcert), weyl)
        return np.where(finite, out, _INF)
    # mu: the symmetric part as an interval matrix, directly from the entries
    Slo = _dn(lo + np.swapaxes(lo, 1, 2)) * 0.5
    Shi = _up(hi + np.swapaxes(hi, 1, 2)) * 0.5
    # Gershgorin: lambda_min >= min_i (S_ii - sum_{j != i} |S_ij|)
    off = np.where(eye, 0.0, np.maximum(np.abs(Slo), np.abs(Shi)))
    rsum = _up(off.sum(axis=2) * (1 + (n + 2) * 2.0 ** -52))
    gers = _dn(np.diagonal(Slo, axis1=1, axis2=2) - rsum).min(axis=1)
    S0 = 0.5 * (Slo + Shi)
    RS = np.maximum(_up(Shi - S0), _up(S0 - Slo))
    rS = _nonneg_norm2_upper_batch(RS)
    lam = np.linalg.eigvalsh(S0)[:, 0]
    scale = np.maximum(np.abs(S0).max(axis=(1, 2)), 1e-300)
    T = lam[:, None] - fr[None, :] * rS[:, None] - 4 * n * _U * scale[:, None] - 1e-300
    Tlo, Thi = _dn(T), _up(T)
    Alo = np.where(eye, _dn(Slo[:, None] - Thi[:, :, None, None]), Slo[:, None])
    Ahi = np.where(eye, _up(Shi[:, None] - Tlo[:, :, None, None]), Shi[:, None])
    if C:
        ok = cholesky_pd(Alo.reshape(B * C, n, n), Ahi.reshape(B * C, n, n)).reshape(B, C)
        Tcert = np.where(ok, Tlo, -_INF).max(axis=1)
    else:
        Tcert = np.full(B, -_INF)
    # Weyl: lambda_min(S) >= lambda_min(S0) - ||R_S||, with lambda_min(S0) >= t0 certified on the point S0
    weyl = np.full(B, -_INF)
    todo = np.arange(B)
    for margin in _MARGINS:                      # the tightest margin first; only failures are retried
        t0 = _dn(lam[todo] - max(8 * n * _U, margin) * scale[todo] - 1e-300)
        St = S0[todo]
        okw = cholesky_pd(np.where(eye, _dn(St - _up(t0)[:, None, None]), St),
                          np.where(eye, _up(St - t0[:, None, None]), St))
        weyl[todo[okw]] = _dn(t0[okw] - rS[todo[okw]])
        todo = todo[~okw]
        if not todo.size:
            break
    out = np.maximum(np.maximum(gers, Tcert), weyl)
    return np.where(finite, out, -_INF)


# --------------------------------------------------------------------------- the field's bounder
def _field_functions(fld):
    """``(DF on boxes, D2F on boxes or None, jump switching functions or None, jump switches)``, cached."""
    from .nonsmooth import field_switches, piecewise_derivative
    from ..log import notice_if_slow
    from ..symdiff import Differentiator
    cache = fld.__dict__.setdefault("_interval_cache", {})
    if "boxeval" not in cache:
        n = fld.n
        with notice_if_slow(f"{fld.name}: deriving and compiling the interval forms of DF and its {n ** 3} second "
                            "derivatives (once per field and process)"):
            DF = piecewise_derivative(fld.DF)  # (valid where F cannot jump: the only boxes bounded)
            nat = compile_boxes(DF, fld.z, fld.hyper)
            # the second derivatives through the memoised differentiator (its tables shared by all n^3 of them):
            # sympy.diff re-derived every shared subexpression, 23 s of the 40 s first call of certify_constants on
            # the 20-parameter Dirac-GAN with R1 (max_seconds=5), against 1.2 s here; the same expressions
            # (tests/test_scaling.py checks the differentiator against sympy.diff)
            d = Differentiator(fld.z)
            try:
                d2 = compile_boxes([d.diff(e, zk) for e in DF for zk in fld.z], fld.z, fld.hyper)
            except GandynamicsError:
                d2 = None
            sw = [s for s in field_switches(fld) if s.jump]  # (of z: fixed hyperparameters)
            jf = compile_boxes([s.u for s in sw], fld.z, fld.hyper) if sw else None
        cache["boxeval"] = (n, nat, d2, jf, sw)
    return cache["boxeval"]


def df_enclosure(fld, p, LO, HI):
    """Enclosures ``(lo, hi)`` (K x n x n) of DF over K boxes: the natural extension intersected with the
    mean-value form at the boxes' midpoints (module docstring)."""
    n, nat, d2, _, _ = _field_functions(fld)
    K = len(LO)
    Nlo, Nhi = nat(LO, HI, p)
    if d2 is None:
        return Nlo.reshape(K, n, n), Nhi.reshape(K, n, n)
    mid = np.clip(0.5 * (LO + HI), LO, HI)
    Mlo, Mhi = nat(mid, mid, p)
    Glo, Ghi = d2(LO, HI, p)
    Glo = Glo.reshape(K, n * n, n)
    Ghi = Ghi.reshape(K, n * n, n)
    dlo, dhi = _dn(LO - mid), _up(HI - mid)          # X_k - m_k, K x n
    plo, phi = _iv_mul(Glo, Ghi, dlo[:, None, :], dhi[:, None, :])
    # sum over k with outward rounding, one term at a time
    slo, shi = Mlo, Mhi
    with np.errstate(invalid="ignore"):
        for k in range(n):
            slo, shi = _dn(slo + plo[:, :, k]), _up(shi + phi[:, :, k])
    bad = np.isnan(slo) | np.isnan(shi)
    slo = np.where(bad, -_INF, slo)
    shi = np.where(bad, _INF, shi)
    lo = np.maximum(Nlo, slo)
    hi = np.minimum(Nhi, shi)
    return lo.reshape(K, n, n), hi.reshape(K, n, n)


#: the vertex form is used up to this many parameters (2^n vertices per box)
VERTEX_MAX_N = 6


#: the tangent-plane cut of boxes on a ball's boundary is used up to this many parameters
CUT_MAX_N = 6


def _cut_vertices(LO, HI, verts, center, radius):
    """Vertices of ``X ∩ H`` for each box X (``verts``: its 2^n vertices, K x V x n) and the half-space
    ``H = {z : <z - c, u> <= r'}`` tangent to the ball, ``u`` the direction from the centre to the box's
    midpoint and ``r' = r`` plus a margin far above the rounding of the computed points: the ball lies in H,
    so the hull of the points contains ``X ∩ ball``.  Returns (K x V(n+1) x n) points (duplicates pad)."""
    K, V, n = verts.shape
    m = 0.5 * (LO + HI)
    u = m - center
    nu = np.linalg.norm(u, axis=1)
    ok = nu > 0
    u = np.where(ok[:, None], u / np.where(ok, nu, 1.0)[:, None], 0.0)
    scale = radius + np.abs(center).max() + np.abs(verts).max(axis=(1, 2))
    rr = radius + 1e-12 * scale                                                  # K
    h = np.einsum("kvn,kn->kv", verts - center, u)                               # K x V
    inside = h <= rr[:, None]
    pts = [verts]
    valid = [inside]
    for k in range(n):
        # the edge from vertex v along axis k to the vertex with bit k flipped
        flip = np.arange(V) ^ (1 << k)
        w = verts[:, flip, :]
        hw = h[:, flip]
        cross = (~inside) & inside[:, flip] & (np.abs(u[:, k]) > 0)[:, None]
        # (0/0, x/0 and overflowing quotients only off the crossing edges, whose t is replaced by 0 below: on a
        # crossing edge rr lies between h and hw, so t is in [0, 1])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            t = (rr[:, None] - h) / (hw - h)                                     # fraction from v to w
        t = np.clip(np.where(cross, t, 0.0), 0.0, 1.0)
        q = verts + t[:, :, None] * (w - verts)
        # push the crossing point outwards along the edge by the margin's worth (keeps it outside H(r))
        q[:, :, k] = np.where(cross, np.clip(q[:, :, k] + np.sign(verts[:, :, k] - w[:, :, k]) * 1e-12 * scale[:, None],
                                             np.minimum(verts[:, :, k], w[:, :, k]), np.maximum(verts[:, :, k], w[:, :, k])),
                              q[:, :, k])
        pts.append(q)
        valid.append(cross)
    P = np.concatenate(pts, axis=1)
    Vm = np.concatenate(valid, axis=1)
    anyv = Vm.any(axis=1) & ok
    first = np.argmax(Vm, axis=1)
    fill = P[np.arange(K), first]                                                # a valid point per box
    P = np.where(Vm[:, :, None], P, fill[:, None, :])
    # boxes where the cut is not usable keep their own vertices (padded by repetition)
    box = np.concatenate([verts] * (n + 1), axis=1)
    return np.where(anyv[:, None, None], P, box)


def vertex_bound(fld, p, LO, HI, which: str, ball=None):
    r"""Second-order bound of ``||DF||`` (which="L", an upper bound) or ``lambda_min(sym DF)`` (which="mu", a
    lower bound) over each box, keeping the correlation between the entries of DF
    (docs/math/certification.md §3).

    With ``m`` the box's midpoint, ``d = z - m`` and ``G_k = Gc_k ± Gr_k`` interval enclosures of
    ``∂_k DF`` over the box, the mean-value theorem applied entry by entry gives
    ``DF(z) = DF(m) + sum_k d_k Gc_k + E(z)`` with ``|E_ij| <= sum_k |d_k| (Gr_k)_ij`` (``O(w^2)``).  The
    affine part ``A(d) = DF(m) + sum_k d_k Gc_k`` has ``||A(d)||_2`` convex and ``lambda_min(sym A(d))``
    concave in ``d``, so their extremes over the box of ``d`` are attained at its ``2^n`` vertices; each vertex
    matrix is bounded rigorously (:func:`matrix_bounds_batch` on its rounding enclosure) and ``||E||_2``
    (resp. ``||sym E||_2``) is added (Weyl).  Returns an array of K bounds (``inf``/``-inf`` where nothing is
    known)."""
    n, nat, d2, _, _ = _field_functions(fld)
    K = len(LO)
    bad = np.full(K, _INF if which == "L" else -_INF)
    if d2 is None or n > VERTEX_MAX_N:
        return bad
    mid = np.clip(0.5 * (LO + HI), LO, HI)
    Mlo, Mhi = nat(mid, mid, p)                                       # K x n^2
    Glo, Ghi = d2(LO, HI, p)
    Glo = Glo.reshape(K, n * n, n)
    Ghi = Ghi.reshape(K, n * n, n)
    finite = np.all(np.isfinite(Glo) & np.isfinite(Ghi), axis=(1, 2)) & np.all(np.isfinite(Mlo) & np.isfinite(Mhi), axis=1)
    Glo = np.where(finite[:, None, None], Glo, 0.0)
    Ghi = np.where(finite[:, None, None], Ghi, 0.0)
    Gc = 0.5 * (Glo + Ghi)
    Gr = np.maximum(_up(Ghi - Gc), _up(Gc - Glo))
    dlo, dhi = _dn(LO - mid), _up(HI - mid)                           # K x n
    dmax = np.maximum(np.abs(dlo), np.abs(dhi))
    E = np.einsum("kqj,kj->kq", Gr, dmax) * (1 + 2 * (n + 2) * _U) + 1e-300
    E = E.reshape(K, n, n)
    V = 1 << n
    bits = ((np.arange(V)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)   # V x n
    verts = np.where(bits[None], dhi[:, None, :], dlo[:, None, :])              # K x V x n (offsets d)
    Mlo = np.where(finite[:, None], Mlo, 0.0)
    Mhi = np.where(finite[:, None], Mhi, 0.0)

    def extreme(idx, vv):
        """max ||A(v)|| (L) or min lambda_min(sym A(v)) (mu) over the points vv (k x V' x n) of boxes idx."""
        k, Vp = vv.shape[0], vv.shape[1]
        Alo = np.broadcast_to(Mlo[idx][:, None, :], (k, Vp, n * n)).copy()
        Ahi = np.broadcast_to(Mhi[idx][:, None, :], (k, Vp, n * n)).copy()
        Gci = Gc[idx]
        with np.errstate(invalid="ignore", over="ignore"):
            for j in range(n):
                prod = vv[:, :, j][:, :, None] * Gci[:, None, :, j]        # k x V' x n^2, each product rounded
                Alo = _dn(Alo + _dn(prod))
                Ahi = _up(Ahi + _up(prod))
        Alo = Alo.reshape(k * Vp, n, n)
        Ahi = Ahi.reshape(k * Vp, n, n)
        if which == "L":
            return matrix_bounds_batch(Alo, Ahi, "L", fractions=()).reshape(k, Vp).max(axis=1)
        return matrix_bounds_batch(Alo, Ahi, "mu", fractions=()).reshape(k, Vp).min(axis=1)

    per = np.empty(K)
    if ball is not None and n <= CUT_MAX_N:
        c, r = np.asarray(ball[0], float), float(ball[1])
        # boxes whose every vertex is inside the ball need no cut (2^n points); the others get the cut
        # (scaled by the largest offset: the squares of a ball of radius 1e160's offsets overflowed, every box then
        # taken for one on the edge, and numpy warned)
        off = np.maximum(np.abs(LO - c), np.abs(HI - c))
        top = off.max(axis=1)
        with np.errstate(invalid="ignore"):
            far = top * np.sqrt(((off / np.where(top > 0, top, 1.0)[:, None]) ** 2).sum(axis=1))
        edge = np.flatnonzero(~(far * (1 + 1e-12) < r))
        inner = np.flatnonzero(far * (1 + 1e-12) < r)
        if inner.size:
            per[inner] = extreme(inner, verts[inner])
        if edge.size:
            cut = _cut_vertices(LO[edge], HI[edge], verts[edge] + mid[edge][:, None, :], c, r)
            vv = np.clip(cut - mid[edge][:, None, :], dlo[edge][:, None, :], dhi[edge][:, None, :])
            per[edge] = extreme(edge, vv)
    else:
        per = extreme(np.arange(K), verts)
    if which == "L":
        out = _up(per + _nonneg_norm2_upper_batch(E))
    else:
        Es = _up((E + np.swapaxes(E, 1, 2)) * 0.5)
        out = _dn(per - _nonneg_norm2_upper_batch(Es))
    return np.where(finite, out, bad)


def field_bounder(fld, p, which: str, ball=None):
    """``bound(LO, HI) -> (ub, jumps)`` over K boxes for the branch-and-bound of
    :mod:`gandynamics.analysis.constants` (``g = ||DF||`` or ``-lambda_min(sym DF)``)."""
    from .nonsmooth import straddles
    n, nat, d2, jf, sw = _field_functions(fld)
    p = np.asarray(p, float)

    def bound(LO, HI):
        LO = np.atleast_2d(np.asarray(LO, float))
        HI = np.atleast_2d(np.asarray(HI, float))
        lo, hi = df_enclosure(fld, p, LO, HI)
        if which == "L":
            ub = np.minimum(matrix_bounds_batch(lo, hi, "L", fractions=(0.1, 0.4, 1.05)), vertex_bound(fld, p, LO, HI, "L", ball))
        else:
            ub = -np.maximum(matrix_bounds_batch(lo, hi, "mu", fractions=(0.1, 0.4, 1.05)),
                             vertex_bound(fld, p, LO, HI, "mu", ball))
        jumps = [None] * len(LO)
        if jf is not None:
            Ulo, Uhi = jf(LO, HI, p)
            for k, s in enumerate(sw):
                for i in np.flatnonzero(straddles(s.kind, Ulo[:, k], Uhi[:, k])):
                    if jumps[i] is None:
                        jumps[i] = s
            ub = np.where(np.array([j is not None for j in jumps]), _INF, ub)
        ub = np.where(np.isnan(ub), _INF, ub)
        return ub, jumps
    return bound
