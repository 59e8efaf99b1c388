r"""Sound interval (ball) arithmetic for the symbolic field: enclosures of ``DF`` over a box, and rigorous
bounds on the spectral norm and the smallest symmetric eigenvalue of an interval matrix.

Engine: `python-flint <https://fredrikj.net/python-flint/>`_'s ``arb`` (Arb ball arithmetic, Johansson
2017): every operation returns a ball that contains the exact result, with outward rounding, so an
enclosure computed here contains ``f(z)`` for *every* ``z`` in the box (inclusion isotonicity of interval
arithmetic; Moore, Kearfott & Cloud, *Introduction to Interval Analysis*, 2009, §5–6).

Translation of sympy expressions (:func:`compile_interval`):

* ``+ - * /``; integer powers by their monotone forms (odd powers and even powers of a ball on one side of
  0 from the end points, even powers across 0 ``[0, |x|^n]``, negative powers through the tight reciprocal
  ``[1/hi, 1/lo]``); rational and symbolic powers (through ``exp(a log x)``; undefined where the base may
  be negative);
* ``exp``, ``log``, ``sqrt`` (on the part of the ball where it is real: functions defined on part of the line are
  enclosed where they are defined, IEEE 1788 style, so an enclosure does not say the expression is defined on all
  of the box; :func:`domain_conditions` lists what each node needs, which the certification proves first), :class:`gandynamics.losses.sigmoid`,
  :class:`~gandynamics.losses.softplus`, ``atan``, ``tanh``, ``sinh``, ``asinh``, ``erf`` by their *monotone
  forms*: ``g([a, b]) = [g(a), g(b)]`` evaluated at the exact end points (tight, no dependency effect);
  ``cosh`` (minimum 1 at 0); ``sin``, ``cos``, ``tan`` as Arb encloses them;
* the stable functions of :func:`gandynamics.losses.stabilize` (``expm1``, ``tanhs``, ``logcosh``, ``logsinh``, ``log1mexp``,
  ``invexpm1``, ``erfcx``, ``rerfcx``, ``logerfc``; docs/math/stable_rewrites.md, rules 6-8) by their monotone forms,
  point values through Arb's ``expm1``, ``log1p`` and ``erfc`` (``logcosh`` even, minimum 0 at 0; ``invexpm1``
  monotone on each side of its pole); an engine without them (the vectorised one) encloses their equal forms in
  elementary functions (``_interval_form``), which is sound but may be wider;
* piecewise-defined nodes (docs/math/certification.md §4): ``Piecewise`` with relational conditions
  (``And``/``Or``/``Not``) in three-valued logic — on a box where a condition is undecided every branch it
  may select is enclosed —, ``Abs`` (``[0, max|x|]`` across 0), ``sign`` and ``Heaviside`` (their value
  sets, e.g. ``[-1, 1]`` across 0), ``floor``, ``ceiling``, ``frac``, ``Mod``, their derivatives (0 resp. the
  derivative of the smooth part, valid off the jumps, unbounded on a box that may meet one), ``DiracDelta``
  (0 off its support, unbounded on a box that meets it), ``Max``, ``Min``.  Which of these may make F jump is
  decided in :mod:`gandynamics.analysis.nonsmooth`;
* anything else is refused with a :class:`~gandynamics.errors.GandynamicsError`.

Tightness: Arb stores a radius with a 30-bit mantissa, so the ball of a box coordinate is wider than the
box by about ``2^-30`` of its half-width; enclosures are tight to that level (plus the usual dependency
effect of interval arithmetic, which shrinks with the box).

A result that Arb cannot bound (division by a ball containing 0, ``log`` of a ball reaching 0) is a NaN
or infinite ball; callers treat it as "unbounded on this box", which is sound.

Matrix bounds (docs/mathematics.md §0.5 defines ``L = sup ||DF||_2`` and ``mu = inf lambda_min(sym DF)``).  An
interval matrix is written ``M0 ± R`` (``M0`` a float matrix, ``R >= 0`` entrywise), and

* ``||M||_2 <= ||M0||_2 + ||R||_2``  and  ``lambda_min(sym M) >= lambda_min(sym M0) - ||sym R||_2``
  for every ``M`` in it (Weyl's inequality, with ``||E||_2 <= || |E| ||_2 <= ||R||_2`` for ``|E| <= R``;
  Horn & Johnson, *Matrix Analysis*, Thm 4.3.1 and 8.1.18);
* ``||R||_2 <= min( sqrt(||R||_1 ||R||_inf), ||R||_F )`` (Horn & Johnson 5.6.P21 / Hölder);
* ``||M0||_2 <= t`` and ``lambda_min(sym M0) >= t`` are *certified* by running a Cholesky factorisation
  of ``t^2 I - M0^T M0`` (resp. ``sym M0 - t I``) in ball arithmetic: if every pivot is certainly
  positive, every symmetric matrix in the balls is positive definite (Rump, *Verification methods*,
  Acta Numerica 2010, §10.8), with ``t`` the floating-point value plus a small margin; a Frobenius /
  Gershgorin bound is the fallback when certification fails.
"""

from __future__ import annotations

import itertools
import math
from typing import Sequence

import numpy as np
import sympy as sp
from flint import arb

from .._cse import cse
from ..errors import GandynamicsError
from .. import losses as _L
from ..losses import sigmoid as _Sigmoid, softplus as _Softplus
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["IntervalFunction", "compile_interval", "interval_jacobian", "JacobianEnclosure", "ball", "box_balls", "lower", "upper",
           "split_matrix", "norm2_upper", "lambda_min_lower", "is_positive_definite", "matrix_bounds",
           "DomainCondition", "domain_conditions", "GE0", "GT0", "NE0"]

_INF = math.inf


# --------------------------------------------------------------------------- scalar helpers
def ball(lo: float, hi: float) -> arb:
    """The ball containing the interval ``[lo, hi]`` (end points are exact doubles)."""
    if lo == hi:
        return arb(lo)
    return arb(lo).union(arb(hi))


def box_balls(lo: Sequence[float], hi: Sequence[float]) -> list:
    """One ball per coordinate of the box ``[lo, hi]``."""
    return [ball(float(a), float(b)) for a, b in zip(lo, hi)]


def upper(x: arb) -> float:
    """A double ``>= every value of x`` (``inf`` when x is not finite)."""
    if not x.is_finite():
        return _INF
    ub = x.upper()
    u = float(ub)
    # the next double up only where the conversion rounded below the exact end (an end exactly 0 stays 0: a bracket
    # of a constant that is 0 read [.., 5e-324])
    return u if math.isfinite(u) and arb(u) >= ub else math.nextafter(u, _INF)


def lower(x: arb) -> float:
    """A double ``<= every value of x`` (``-inf`` when x is not finite)."""
    if not x.is_finite():
        return -_INF
    lb = x.lower()
    v = float(lb)
    return v if math.isfinite(v) and arb(v) <= lb else math.nextafter(v, -_INF)


def _hull_monotone(g, x: arb, increasing: bool = True) -> arb:
    """``g`` over the ball x for a monotone ``g``, from its values at the exact end points."""
    if not x.is_finite():
        return arb.nan()
    a, b = x.lower(), x.upper()
    ga, gb = g(a), g(b)
    return ga.union(gb)


def _exp(x):
    return _hull_monotone(lambda t: t.exp(), x)


def _log(x):
    if not x.is_finite() or not x > 0:
        return arb.nan()
    return _hull_monotone(lambda t: t.log(), x)


def _sigmoid_pt(t):
    # 1/(1+exp(-t)) at a point ball; exp of a large negative never overflows in Arb
    return 1 / (1 + (-t).exp())


def _sigmoid(x):
    return _hull_monotone(_sigmoid_pt, x)


def _softplus_pt(t):
    if t > 0:
        return t + (-t).exp().log1p()
    return t.exp().log1p()


def _softplus(x):
    return _hull_monotone(_softplus_pt, x)


def _sqrt(x):
    """Square root on the part of the ball where it is real (``[0, max]`` when the ball reaches below 0:
    where the exact argument is negative the expression itself is undefined)."""
    if not x.is_finite() or x.upper() < 0:
        return arb.nan()
    if not x.lower() >= 0:
        return arb(0).union(x.upper().sqrt())
    return _hull_monotone(lambda t: t.sqrt(), x)


def _abs(x):
    if not x.is_finite():
        return arb.nan()
    if x.contains(0):
        return arb(0).union(x.abs_upper())
    return abs(x)


def _recip(x):
    """``1/x`` by its monotone form ``[1/hi, 1/lo]`` at the exact end points (x away from 0); NaN (unbounded)
    when the ball may contain 0."""
    if not x.is_finite() or not (x > 0 or x < 0):
        return arb.nan()
    return _hull_monotone(lambda t: 1 / t, x)


def _ipow(x, n: int):
    """``x ** n`` for an integer n with the tight range: odd powers and even powers of a ball on one side of
    0 are monotone (end points); an even power of a ball across 0 is ``[0, max|x|^n]``; negative powers are
    reciprocals (:func:`_recip`)."""
    if n == 0:
        return arb(1)
    if n < 0:
        return _recip(_ipow(x, -n))
    if n == 1:
        return x
    if not x.is_finite():
        return arb.nan()
    if n % 2 == 0 and not (x > 0 or x < 0):
        return arb(0).union(x.abs_upper() ** n)
    return _hull_monotone(lambda t: t ** n, x)


def _increasing(method):
    """The monotone (increasing) form of an Arb function: tight, no dependency effect."""
    def f(x):
        if not x.is_finite():
            return arb.nan()
        return _hull_monotone(lambda t: getattr(t, method)(), x)
    return f


def _cosh(x):
    if not x.is_finite():
        return arb.nan()
    if x > 0 or x < 0:
        return _hull_monotone(lambda t: t.cosh(), x)
    return arb(1).union(x.abs_upper().cosh())


def _rat_pow(x, p: int, q: int):
    """``x ** (p/q)``; ``q == 2`` via the monotone square root."""
    if q == 2:
        s = _sqrt(x)
        return _ipow(s, p)
    if not x.is_finite() or not x.lower() >= 0:
        return arb.nan()
    e = arb(p) / q
    if p > 0:
        return _hull_monotone(lambda t: t ** e if t > 0 else arb(0), x)
    if not x > 0:
        return arb.nan()
    return _hull_monotone(lambda t: t ** e, x)


def _gpow(x, y):
    """``x ** y`` with a symbolic exponent: ``exp(y log x)`` (x > 0)."""
    return _exp(y * _log(x))


def _sign(x):
    if not x.is_finite():
        return arb(0, 1)
    if x > 0:
        return arb(1)
    if x < 0:
        return arb(-1)
    if x.is_zero():
        return arb(0)
    return arb(0, 1)  # [-1, 1]: every value sign takes on the box


def _heaviside(x):
    if x.is_finite() and x > 0:
        return arb(1)
    if x.is_finite() and x < 0:
        return arb(0)
    return ball(0.0, 1.0)


def _dirac(x):
    if x.is_finite() and not x.contains(0):
        return arb(0)
    return arb.nan()  # unbounded on a box that meets the support


def _max(*xs):
    out = xs[0]
    for y in xs[1:]:
        if not (out.is_finite() and y.is_finite()):
            return arb.nan()
        lo = max(float(out.lower()), float(y.lower()))
        hi = max(float(out.upper()), float(y.upper()))
        out = ball(math.nextafter(lo, -_INF), math.nextafter(hi, _INF))
    return out


def _min(*xs):
    out = xs[0]
    for y in xs[1:]:
        if not (out.is_finite() and y.is_finite()):
            return arb.nan()
        lo = min(float(out.lower()), float(y.lower()))
        hi = min(float(out.upper()), float(y.upper()))
        out = ball(math.nextafter(lo, -_INF), math.nextafter(hi, _INF))
    return out


# --------------------------------------------------------------------------- the stable functions of losses.stabilize
# (docs/math/stable_rewrites.md, rules 6-8), by their monotone forms at the exact end points, each point value from
# Arb's own functions (balls containing the exact value), through forms that do not overflow: Arb's exponent
# range is unbounded, so cosh(1e6) is a finite ball, but the forms below keep the radii tight as well.
_LOG2 = arb(2).log()


def _logcosh_pt(t):
    a = abs(t)
    return a - _LOG2 + (-2 * a).exp().log1p()


def _logcosh(x):
    """``log cosh``: even, increasing in ``|x|`` (minimum 0 at 0)."""
    if not x.is_finite():
        return arb.nan()
    if x > 0 or x < 0:
        return _hull_monotone(_logcosh_pt, x)
    return arb(0).union(_logcosh_pt(x.abs_upper()))


def _logsinh(x):
    """``log sinh``, increasing on ``x > 0``; unbounded (undefined) where the ball reaches 0 or below."""
    if not x.is_finite() or not x > 0:
        return arb.nan()
    return _hull_monotone(lambda t: t + (-(-2 * t).expm1()).log() - _LOG2, x)


def _log1mexp(x):
    """``log(1 - e^{-a})``, increasing on ``a > 0``; unbounded where the ball reaches 0 or below."""
    if not x.is_finite() or not x > 0:
        return arb.nan()
    return _hull_monotone(lambda t: (-(-t).expm1()).log(), x)


def _invexpm1(x):
    """``1/(e^a - 1)``, decreasing on each side of its pole at 0; unbounded on a ball that may contain 0."""
    if not x.is_finite() or not (x > 0 or x < 0):
        return arb.nan()
    return _hull_monotone(lambda t: 1 / t.expm1(), x)


def _erfcx_pt(t):
    # exp(t^2) erfc(t) in Arb (erfc of a large argument is a tiny, accurate ball: no underflow in Arb)
    return (t * t).exp() * t.erfc()


def _erfcx(x):
    """``exp(x^2) erfc(x)``, decreasing on the whole line."""
    if not x.is_finite():
        return arb.nan()
    return _hull_monotone(_erfcx_pt, x)


def _rerfcx(x):
    """``1 / erfcx(x)``, increasing on the whole line."""
    if not x.is_finite():
        return arb.nan()
    return _hull_monotone(lambda t: 1 / _erfcx_pt(t), x)


def _erfcx_d_pt(k: int, t):
    """The k-th derivative of erfcx at the exact point ``t``, a ball: the forward recurrence ``y_k = 2t y_(k-1) +
    2(k-1) y_(k-2)``, ``y_1 = 2t erfcx(t) - 2/sqrt(pi)``, exact in ball arithmetic (sound at any precision), at a
    precision raised over its cancellation (``x^(2k)`` for large t: 4k log2 |t| bits and guard bits) so that the ball
    stays tight."""
    from flint import ctx
    old = ctx.prec
    try:
        ctx.prec = old + 4 * k * max(0, int(abs(float(t.mid())) + 2).bit_length()) + 30
        y0 = _erfcx_pt(t)
        y1 = 2 * t * y0 - 2 / arb.pi().sqrt()
        for j in range(2, k + 1):
            y0, y1 = y1, 2 * t * y1 + 2 * (j - 1) * y0
        return y1 + 0  # (rounded to the working precision below)
    finally:
        ctx.prec = old


def _erfcx_d(k: int, x):
    """``d^k/dx^k erfcx``, monotone on the whole line (``erfcx^(k)(x) = (2/sqrt(pi)) int_0^inf (-2s)^k e^(-s^2 - 2xs)
    ds``, whose derivative has the sign ``(-1)^(k+1)`` everywhere)."""
    if not x.is_finite():
        return arb.nan()
    if k == 0:
        return _erfcx(x)
    return _hull_monotone(lambda t: _erfcx_d_pt(k, t), x)


def _logerfc(x):
    """``log erfc(x)``, decreasing on the whole line."""
    if not x.is_finite():
        return arb.nan()
    return _hull_monotone(lambda t: t.erfc().log(), x)


# --------------------------------------------------------------------------- piecewise nodes (three-valued logic)
# A condition over a box is a pair (may_be_true, may_be_false): decided when exactly one is True.  A
# Piecewise encloses every branch whose condition may hold on the box and that no earlier branch's certainly
# true condition excludes (docs/math/certification.md §4); the switching sets themselves are listed by
# gandynamics.analysis.nonsmooth, which decides where F may jump.
TRUE = (True, False)
FALSE = (False, True)


def _rel(op: str, a, b):
    """``a op b`` over balls: ``(may_be_true, may_be_false)``."""
    if not (a.is_finite() and b.is_finite()):
        return (True, True)
    d = a - b
    if op == ">":
        return (not d <= 0, not d > 0)
    if op == ">=":
        return (not d < 0, not d >= 0)
    if op == "<":
        return (not d >= 0, not d < 0)
    if op == "<=":
        return (not d > 0, not d <= 0)
    if op == "==":
        return (d.contains(0), not d.is_zero())
    return (not d.is_zero(), d.contains(0))          # !=


def _and(*cs):
    return (all(c[0] for c in cs), any(c[1] for c in cs))


def _or(*cs):
    return (any(c[0] for c in cs), all(c[1] for c in cs))


def _not(c):
    return (c[1], c[0])


def _piecewise(*pairs):
    """Union of the values of every branch that may be selected somewhere on the box."""
    out = None
    reach = True                       # some point of the box may reach this branch
    for value, cond in pairs:
        if not reach:
            break
        if cond[0]:
            if not value.is_finite():
                return arb.nan()
            out = value if out is None else out.union(value)
        reach = cond[1]
    return arb.nan() if out is None else out  # no branch selected: undefined somewhere on the box


def _floor(x):
    if not x.is_finite():
        return arb.nan()
    return x.lower().floor().union(x.upper().floor())


def _ceiling(x):
    if not x.is_finite():
        return arb.nan()
    return x.lower().ceil().union(x.upper().ceil())


def _mod(a, m):
    """sympy's ``Mod(a, m) = a - m floor(a/m)``, intersected with its range ``[0, m]`` (m > 0) or ``[m, 0]``."""
    if not (a.is_finite() and m.is_finite()) or not (m > 0 or m < 0):
        return arb.nan()
    v = a - m * _floor(a * _recip(m))
    rng = arb(0).union(m.upper()) if m > 0 else arb(0).union(m.lower())
    return v.intersection(rng) if v.overlaps(rng) else rng


def _guard_int(value, *us):
    """``value`` where every ``u`` is certainly away from the integers (a derivative of floor/ceiling/Mod,
    valid off their jumps); unbounded otherwise."""
    for u in us:
        if not u.is_finite() or not (u.lower().floor() == u.upper().floor()) or u.contains(u.lower().floor()):
            return arb.nan()
    return value


_ENV = {
    "arb": arb, "_exp": _exp, "_log": _log, "_sigmoid": _sigmoid, "_softplus": _softplus, "_sqrt": _sqrt,
    "_abs": _abs, "_ipow": _ipow, "_rat_pow": _rat_pow, "_gpow": _gpow, "_sign": _sign,
    "_heaviside": _heaviside, "_dirac": _dirac, "_max": _max, "_min": _min, "_recip": _recip, "_cosh": _cosh,
    "_rel": _rel, "_and": _and, "_or": _or, "_not": _not, "_piecewise": _piecewise, "TRUE": TRUE, "FALSE": FALSE,
    "_floor": _floor, "_ceiling": _ceiling, "_mod": _mod, "_guard_int": _guard_int,
    "_atan": _increasing("atan"), "_tanh": _increasing("tanh"), "_sinh": _increasing("sinh"),
    "_erf": _increasing("erf"), "_asinh": _increasing("asinh"),
    "_expm1": _increasing("expm1"), "_logcosh": _logcosh, "_logsinh": _logsinh, "_log1mexp": _log1mexp,
    "_invexpm1": _invexpm1, "_erfcx": _erfcx, "_rerfcx": _rerfcx, "_logerfc": _logerfc, "_erfcx_d": _erfcx_d,
}

#: monotone functions (increasing), enclosed from their end points
_MONOTONE = {sp.atan: "_atan", sp.tanh: "_tanh", sp.sinh: "_sinh", sp.erf: "_erf", sp.asinh: "_asinh",
             sp.cosh: "_cosh"}
#: the stable functions of :func:`gandynamics.losses.stabilize`, each by its own monotone enclosure above (an engine
#: without them, :mod:`gandynamics.analysis.boxeval`, encloses their ``_interval_form`` instead)
_STABLE = {_L.expm1: "_expm1", _L.tanhs: "_tanh", _L.logcosh: "_logcosh", _L.logsinh: "_logsinh", _L.log1mexp: "_log1mexp",
           _L.invexpm1: "_invexpm1", _L.erfcx: "_erfcx", _L.rerfcx: "_rerfcx", _L.logerfc: "_logerfc"}
#: sympy functions Arb encloses soundly itself (method name on arb); periodic, so no end-point form
_ARB_METHODS = {sp.sin: "sin", sp.cos: "cos", sp.tan: "tan"}

SUPPORTED = ("+, -, *, /, powers, exp, log, sqrt, sigmoid, softplus, Abs, sign, Heaviside, DiracDelta, Max, Min, "
             "Piecewise (relational conditions with And/Or/Not), floor, ceiling, frac, Mod, "
             "sin, cos, tan, atan, sinh, cosh, tanh, asinh, erf, "
             "expm1, tanhs, logcosh, logsinh, log1mexp, invexpm1, erfcx, rerfcx, logerfc, erfcx_d, rerfcx_d")

_RELOPS = {sp.StrictGreaterThan: ">", sp.GreaterThan: ">=", sp.StrictLessThan: "<", sp.LessThan: "<=",
           sp.Equality: "==", sp.Unequality: "!="}


class GuardInt(sp.Function):
    """``GuardInt(value, u1, u2, ...)``: ``value`` where no ``u_i`` is an integer (see :func:`step_derivative`)."""


def resolve_step_derivatives(e: sp.Expr) -> sp.Expr:
    """Replace every unevaluated derivative of floor/ceiling/frac/Mod by its guarded form."""
    def fix(d):
        val, us = step_derivative(d)
        return GuardInt(val, *us) if us else val
    if not e.has(sp.Subs, sp.Derivative):  # (nothing to replace, the usual case: one fast walk instead of two
        return e                          # rebuilding ones, 0.2 s instead of 1.8 s for 8,000 second derivatives)
    e = e.replace(lambda a: isinstance(a, sp.Subs), lambda a: a.doit())
    return e.replace(lambda a: isinstance(a, sp.Derivative) and bool(a.expr.atoms(sp.floor, sp.ceiling, sp.frac,
                                                                                   sp.Mod)), fix)


def step_derivative(e: sp.Derivative):
    """``d/dv g`` for an expression containing floor/ceiling/frac/Mod (sympy leaves it unevaluated): the
    derivative with those nodes held constant, valid off their jumps, and the arguments that must stay
    away from the integers: ``(derivative, [u, ...])``."""
    expr = e.expr
    expr = expr.replace(sp.Mod, lambda a, m: a - m * sp.floor(a / m)).replace(sp.frac, lambda u: u - sp.floor(u))
    steps = sorted(expr.atoms(sp.floor, sp.ceiling), key=str)
    dummies = [sp.Dummy() for _ in steps]
    held = expr.xreplace(dict(zip(steps, dummies)))
    d = held
    for v, k in e.variable_count:
        d = sp.diff(d, v, k)
    d = d.xreplace(dict(zip(dummies, steps)))
    return d, [st.args[0] for st in steps]


# --------------------------------------------------------------------------- the domain of an expression
# The enclosures above follow the IEEE 1788 convention: a function is evaluated on the part of the box where it
# is defined (``sqrt`` of ``[-1, 4]`` is ``[0, 2]``; ``x**(3/2)`` likewise), and a box that holds none of its
# domain, or reaches a pole, gives an unbounded result.  An enclosure over a box is therefore an enclosure of the
# values *where the expression is defined*: it says nothing about whether it is defined on all of the box.  That
# question is answered separately, by the conditions below (docs/math/certification.md §4a), which the
# certification proves on its region before it encloses anything
# (:func:`gandynamics.analysis.constants._require_defined`).

#: ``u >= 0`` (the base of a fractional power, the argument of ``acosh`` less 1, ...)
GE0 = ">= 0"
#: ``u > 0`` (the argument of ``log``, the base of a negative fractional power, ...)
GT0 = "> 0"
#: ``u != 0`` (a divisor, ``cos(u)`` under ``tan``, ...)
NE0 = "!= 0"


@dataclass(frozen=True)
class DomainCondition:
    """A condition the node ``node`` needs to be defined (and finite): ``u > 0``, ``u >= 0`` or ``u != 0``
    (``kind``), where ``guard`` holds (the condition under which a ``Piecewise`` evaluates the branch that
    holds the node; ``True`` outside any ``Piecewise``).  ``need`` is the condition as the user wrote it
    (``x <= 1`` for ``asin(x)``, whose ``u`` is ``1 - x``), ``shown`` the expression whose value a refusal
    quotes (``x`` there; ``u`` when None)."""

    node: sp.Expr
    u: sp.Expr
    kind: str
    need: str
    guard: sp.Basic = sp.true
    shown: sp.Expr | None = None   # the expression whose value a refusal quotes (the node's argument; u if None)

    @property
    def test(self) -> sp.Expr:
        """The function whose sign decides: ``u`` where ``guard`` holds, 1 (which satisfies every kind) where
        it does not."""
        if self.guard is sp.true:
            return self.u
        return sp.Piecewise((self.u, self.guard), (sp.S.One, True))

    def describe(self) -> str:
        return f"{self.node} needs {self.need}" + ("" if self.guard is sp.true else f" where {self.guard}")

    def fails(self, lo, hi):
        """Whether the enclosure ``[lo, hi]`` of ``test`` over a set shows the condition failing at *every*
        point of it (arrays: one entry per set)."""
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        if self.kind == GE0:
            return hi < 0
        if self.kind == GT0:
            return hi <= 0
        return (lo == 0) & (hi == 0)

    def holds(self, lo, hi):
        """Whether the enclosure ``[lo, hi]`` of ``test`` over a set proves the condition at every point of
        it where ``u`` is defined (arrays; False for NaN or infinite ends)."""
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        with np.errstate(invalid="ignore"):
            if self.kind == GE0:
                return lo >= 0
            if self.kind == GT0:
                return lo > 0
            return (lo > 0) | (hi < 0)


    def holds_ball(self, b) -> bool:
        """:meth:`holds` for an arb ball (exact comparisons: ``0`` proves ``>= 0``)."""
        if not b.is_finite():
            return False
        if self.kind == GE0:
            return bool(b >= 0)
        if self.kind == GT0:
            return bool(b > 0)
        return bool(b > 0 or b < 0)

    def fails_ball(self, b) -> bool:
        """:meth:`fails` for an arb ball."""
        if not b.is_finite():
            return False
        if self.kind == GE0:
            return bool(b < 0)
        if self.kind == GT0:
            return bool(b <= 0)
        return bool(b.is_zero())


def _node_conditions(e: sp.Expr, strict: bool) -> list:
    """``[(u, kind, need[, shown]), ...]`` for one node (not its arguments).  ``strict`` (F itself): poles are outside
    the domain (``log(u)`` needs ``u > 0``, ``1/u`` needs ``u != 0``); not strict (a derivative of F, which may
    have a pole where F is defined: ``d sqrt(x)/dx`` at 0): only where the value would be complex."""
    out = []
    f = e.func
    if e.is_Pow:
        b, x = e.args
        if b.is_number and b.is_positive:          # 2**x, E**x: defined everywhere
            return out
        if x.is_Float:  # a float exponent: whole (x**2.0 is defined everywhere but at a pole) or not (IEEE pow of a
            # negative base to a non-whole power is NaN, as for p/q): it had the symbolic exponent's b > 0, so x**2.0
            # on a region reaching x < 0 was refused as 'not defined' (the diff reviewer)
            xv = float(x)
            x = sp.Integer(int(xv)) if xv.is_integer() else sp.Rational(-1 if xv < 0 else 1, 2)
        if x.is_Integer:
            if x.is_negative and strict:
                out.append((b, NE0, f"{b} != 0"))
        elif x.is_Rational:
            if x.is_negative and strict:
                out.append((b, GT0, f"{b} > 0"))
            else:
                out.append((b, GE0, f"{b} >= 0"))
        else:                                     # symbolic exponent: exp(x log b)
            kind = GT0 if strict else GE0
            out.append((b, kind, f"{b} {kind}"))
        return out
    if f is sp.log:
        kind = GT0 if strict else GE0
        for a in e.args:
            out.append((a, kind, f"{a} {kind}"))
        return out
    if f in (sp.asin, sp.acos):
        a = e.args[0]
        return [(1 - a, GE0, f"{a} <= 1", a), (a + 1, GE0, f"{a} >= -1", a)]
    if f is sp.acosh:
        a = e.args[0]
        return [(a - 1, GE0, f"{a} >= 1", a)]
    if f is sp.atanh:
        a = e.args[0]
        kind = GT0 if strict else GE0
        return [(1 - a, kind, f"{a} {'<' if strict else '<='} 1", a), (a + 1, kind, f"{a} {'>' if strict else '>='} -1", a)]
    if f in (sp.asec, sp.acsc):
        a = e.args[0]
        return [(a * a - 1, GE0, f"|{a}| >= 1", a)]
    if strict and f in (sp.tan, sp.sec):
        a = e.args[0]
        return [(sp.cos(a), NE0, f"cos({a}) != 0")]
    if strict and f in (sp.cot, sp.csc):
        a = e.args[0]
        return [(sp.sin(a), NE0, f"sin({a}) != 0")]
    if strict and f is sp.acoth:
        a = e.args[0]
        return [(a * a - 1, GT0, f"|{a}| > 1", a)]
    if strict and f is sp.coth:
        a = e.args[0]
        return [(a, NE0, f"{a} != 0")]
    # the stable functions of losses.stabilize: log(sinh(u)) is logsinh(u), log(e^u - 1) is u + log1mexp(u), ...
    if f in (_L.logsinh, _L.log1mexp):
        a = e.args[0]
        kind = GT0 if strict else GE0
        return [(a, kind, f"{a} {kind}")]
    if strict and f is _L.invexpm1:
        a = e.args[0]
        return [(a, NE0, f"{a} != 0")]
    return out


def _implied(guard, u, kind: str) -> bool:
    """Whether the guard of a ``Piecewise`` branch implies the condition on ``u``: one of its conjuncts is a
    relational whose difference of sides is a positive constant multiple of ``u`` with the right strictness
    (``Piecewise((sqrt(x - 1), x > 1), ...)``: the branch is selected where its node is defined)."""
    if guard is sp.true:
        return False
    parts = guard.args if isinstance(guard, sp.And) else (guard,)
    for r in parts:
        if not isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)):
            continue
        d = r.lhs - r.rhs if isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan)) else r.rhs - r.lhs
        strict = isinstance(r, (sp.StrictGreaterThan, sp.StrictLessThan))
        try:
            q = sp.simplify(u / d)
        except Exception:  # pragma: no cover - sympy cannot divide: not implied
            continue
        if not (q.is_number and q.is_positive):
            continue
        if kind == GE0 or strict:
            return True
    return False


def domain_conditions(exprs, strict: bool = True) -> list:
    """The conditions under which the expressions are defined and finite, one :class:`DomainCondition` per
    domain-restricted node (fractional and negative powers, ``log``, ``asin``/``acos``/``acosh``/``atanh``,
    ``tan`` and the other functions with poles), inner nodes first; a node in a ``Piecewise`` branch carries the
    condition under which that branch is selected as its ``guard``.  ``strict``: see :func:`_node_conditions`.
    Duplicates (the same ``u``, kind and guard) are listed once."""
    out: list = []
    seen: set = set()
    done: set = set()

    def add(node, u, kind, need, guard, shown):
        if _implied(guard, u, kind):
            return
        key = (u, kind, guard)
        if key in seen or (kind == GE0 and (u, GT0, guard) in seen):
            return
        seen.add(key)
        out.append(DomainCondition(node, u, kind, need, guard, shown))

    def walk(e, guard):
        if (e, guard) in done or e.is_Atom:
            return
        done.add((e, guard))
        if isinstance(e, sp.Piecewise):
            earlier = []
            for value, cond in e.args:
                walk(cond, sp.And(guard, *[sp.Not(c) for c in earlier]))
                walk(value, sp.And(guard, cond, *[sp.Not(c) for c in earlier]))
                earlier.append(cond)
            return
        for a in e.args:
            walk(a, guard)
        for u, kind, need, *shown in _node_conditions(e, strict):
            add(e, u, kind, need, guard, shown[0] if shown else None)

    for e in exprs:
        walk(sp.sympify(e), sp.true)
    return out


# --------------------------------------------------------------------------- sympy -> enclosure source
class IntervalPrinter:
    """Prints a sympy expression as Python source that encloses its value, walking the expression tree once.

    The walk (which node becomes which enclosure, what is refused) is shared by both interval engines, the
    arb-ball one here and the vectorised box one of :mod:`gandynamics.analysis.boxeval`; each subclass gives
    its target language: ``constant`` (a hoisted enclosure of a number, or None to enclose its tree),
    ``add``/``mul``/``neg``/``sub`` and ``call`` for the functions of its table ``FUNCS``.  The enclosing
    functions themselves (``_ipow``, ``_rat_pow``, ``_piecewise``, ``_mod``, ...) are each engine's own."""

    FUNCS: dict = {}
    #: the order-k derivatives of :data:`gandynamics.losses.STABLE_DERIVATIVES` enclosed by a function ``name(k, x)``
    DERIVATIVES: dict = {}

    def constant(self, e: sp.Expr) -> str | None:
        raise NotImplementedError

    def add(self, parts) -> str:
        raise NotImplementedError

    def mul(self, parts) -> str:
        raise NotImplementedError

    def neg(self, part) -> str:
        raise NotImplementedError

    def sub(self, a, b) -> str:
        raise NotImplementedError

    def power(self, base: str, k: int) -> str:
        return f"_ipow({base}, {k})"

    def call(self, f, arg: str) -> str:
        return f"{self.FUNCS[f]}({arg})"

    def __call__(self, e: sp.Expr) -> str:
        if e.is_Symbol:
            return self.names[e]
        c = self.constant(e)
        if c is not None:
            return c
        if e.is_Add:
            return self.add([self(a) for a in e.args])
        if e.is_Mul:
            args = list(e.args)
            if args[0] == -1:
                return self.neg(self(sp.Mul(*args[1:])))
            return self.mul([self(a) for a in args])
        if e.is_Pow:
            b, x = e.args
            if x.is_Integer:
                return self.power(self(b), int(x))
            if x.is_Rational:
                return f"_rat_pow({self(b)}, {int(x.p)}, {int(x.q)})"
            if b is sp.E:
                return f"_exp({self(x)})"
            return f"_gpow({self(b)}, {self(x)})"
        f = e.func
        if f in _RELOPS:
            return f"_rel({_RELOPS[f]!r}, {self(e.lhs)}, {self(e.rhs)})"
        if e is sp.true:
            return "TRUE"
        if e is sp.false:
            return "FALSE"
        if f in (sp.And, sp.Or):
            return ("_and(" if f is sp.And else "_or(") + ", ".join(self(a) for a in e.args) + ")"
        if f is sp.Not:
            return f"_not({self(e.args[0])})"
        if f is sp.Piecewise:
            return "_piecewise(" + ", ".join(f"({self(v)}, {self(c)})" for v, c in e.args) + ")"
        if f is sp.frac:
            u = self(e.args[0])
            return self.sub(u, f"_floor({u})")
        if f is sp.Mod:
            return f"_mod({self(e.args[0])}, {self(e.args[1])})"
        if f is GuardInt:
            return "_guard_int(" + ", ".join(self(a) for a in e.args) + ")"
        if isinstance(e, sp.Derivative):
            raise GandynamicsError(f"cannot bound the unevaluated derivative {e} soundly")
        if f is sp.DiracDelta and len(e.args) > 1:
            raise GandynamicsError("cannot bound derivatives of DiracDelta")
        if f is sp.log and len(e.args) > 1:  # log_b(a) = log(a) / log(b)
            return self.mul([f"_log({self(e.args[0])})", f"_recip(_log({self(e.args[1])}))"])
        if f in (sp.Max, sp.Min):
            return ("_max(" if f is sp.Max else "_min(") + ", ".join(self(a) for a in e.args) + ")"
        if f in self.FUNCS:
            return self.call(f, self(e.args[0]))
        if f in _L.STABLE_DERIVATIVES:
            # erfcx_d(k, x), rerfcx_d(k, x): an engine's own enclosure of the order-k derivative where it has one
            # (the arb engine's monotone erfcx_d), else the equal form in x and the function (sound, wide at large x)
            k, x = e.args
            name = self.DERIVATIVES.get(f)
            if name is not None and k.is_Integer:
                return f"{name}({int(k)}, {self(x)})"
            return self(f._interval_form(k, x))
        form = getattr(f, "_interval_form", None)
        if form is not None and f in _STABLE:
            # a stable function of losses.stabilize that this engine has no enclosure of: its equal expression in
            # functions it has (sound; wider, and unbounded where that form overflows)
            return self(form(*e.args))
        raise GandynamicsError(f"cannot bound {getattr(f, '__name__', f)}(...) soundly with interval arithmetic; "
                               f"supported: {SUPPORTED}")


# --------------------------------------------------------------------------- sympy -> arb source
class _Translator(IntervalPrinter):
    """Prints a sympy expression as Python source over arb balls; constants are hoisted."""

    FUNCS = {**_MONOTONE, **_STABLE, **{f: None for f in _ARB_METHODS}, sp.exp: "_exp", sp.log: "_log", _Sigmoid: "_sigmoid",
             _Softplus: "_softplus", sp.Abs: "_abs", sp.sign: "_sign", sp.Heaviside: "_heaviside",
             sp.DiracDelta: "_dirac", sp.floor: "_floor", sp.ceiling: "_ceiling"}
    DERIVATIVES = {_L.erfcx_d: "_erfcx_d"}

    def __init__(self, names: dict):
        self.names = names
        self.consts: dict = {}   # key -> name
        self.values: dict = {}   # name -> arb

    def const(self, value: arb, key) -> str:
        name = self.consts.get(key)
        if name is None:
            name = f"c{len(self.consts)}"
            self.consts[key] = name
            self.values[name] = value
        return name

    def number(self, e: sp.Expr) -> str:
        if e.is_Integer:
            return self.const(arb(int(e)), ("int", int(e)))
        if e.is_Rational:
            return self.const(arb(int(e.p)) / int(e.q), ("rat", int(e.p), int(e.q)))
        if e.is_Float:
            sign, man, exp, _bc = e._mpf_
            v = arb(int(man)) * arb(2) ** int(exp) if man else arb(0)
            if sign:
                v = -v
            return self.const(v, ("flt", e._mpf_))
        if e is sp.pi:
            return self.const(arb.pi(), "pi")
        if e is sp.E:
            return self.const(arb(1).exp(), "e")
        if e.is_number:
            # e.g. sqrt(2), log(2): translate the expression tree itself
            return None
        return None

    # the target language: infix Python over arb balls (the hooks of IntervalPrinter)
    def constant(self, e: sp.Expr) -> str | None:
        if e.is_Number or e in (sp.pi, sp.E):
            c = self.number(e)
            if c is None:
                raise GandynamicsError(f"cannot enclose the number {e}")
            return c
        return None  # sqrt(2), log(2), ...: the expression tree itself is enclosed

    def add(self, parts) -> str:
        return "(" + " + ".join(parts) + ")"

    def mul(self, parts) -> str:
        return "(" + " * ".join(parts) + ")"

    def neg(self, part) -> str:
        return f"(-{part})"

    def sub(self, a, b) -> str:
        return f"({a} - {b})"

    def call(self, f, arg: str) -> str:
        if f in _ARB_METHODS:  # Arb's own sound enclosures, as methods of the ball
            return f"({arg}).{_ARB_METHODS[f]}()"
        return f"{self.FUNCS[f]}({arg})"


@dataclass
class IntervalFunction:
    """Compiled ball evaluation of a list of sympy expressions in state symbols ``z`` and
    hyperparameters ``hyper``.  ``f(z_balls, p)`` returns a list of arb balls (``p`` floats)."""

    exprs: tuple
    z: tuple
    hyper: tuple
    source: str
    _fn: object

    def __call__(self, zballs, p) -> list:
        return self._fn(zballs, [arb(float(v)) for v in p])

    def on_box(self, lo, hi, p) -> list:
        """Enclosures of every expression over the box ``[lo, hi]``."""
        return self(box_balls(lo, hi), p)

    def at(self, z, p) -> list:
        """Enclosures at one point (exact double coordinates)."""
        return self([arb(float(v)) for v in z], p)


def compile_interval(exprs, z, hyper=()) -> IntervalFunction:
    """Translate sympy expressions into one Python function over arb balls (common subexpressions
    shared by :func:`sympy.cse`, which changes nothing in soundness: each shared value is an enclosure)."""
    exprs = tuple(resolve_step_derivatives(sp.sympify(e)) for e in exprs)
    z, hyper = tuple(z), tuple(hyper)
    names = {s: f"z[{i}]" for i, s in enumerate(z)}
    names.update({s: f"p[{j}]" for j, s in enumerate(hyper)})
    tr = _Translator(names)
    known = set(z) | set(hyper)
    extra = set().union(*[e.free_symbols for e in exprs]) - known if exprs else set()
    if extra:
        raise GandynamicsError(f"expressions contain unknown symbols {sorted(map(str, extra))}")
    reps, reduced = cse(list(exprs), sp.numbered_symbols("_t"))
    lines = ["def _f(z, p):"]
    for sym, val in reps:
        tr.names[sym] = str(sym)
        lines.append(f"    {sym} = {tr(val)}")
    outs = [tr(e) if e != 0 else "arb(0)" for e in reduced]
    lines.append("    return [" + ", ".join(outs) + "]")
    src = "\n".join(lines)
    env = dict(_ENV)
    env.update(tr.values)
    exec(compile(src, "<gandynamics.intervals>", "exec"), env)  # noqa: S102 - our own generated source
    return IntervalFunction(exprs, z, hyper, src, env["_f"])


def interval_field(fld) -> IntervalFunction:
    """Ball evaluation of the n components of ``F`` of a :class:`~gandynamics.VectorField`, cached on the field per
    working precision (its constants, 1/3 or pi, are balls made when it is compiled: at the precision then in force),
    for a refuted claim's pair of points (:mod:`gandynamics.analysis.constants`)."""
    from flint import ctx
    cache = fld.__dict__.setdefault("_interval_cache", {})
    key = ("F", ctx.prec)
    if key not in cache:
        cache[key] = compile_interval(list(fld.F), fld.z, fld.hyper)
    return cache[key]


def interval_jacobian(fld) -> IntervalFunction:
    """Ball evaluation of the n×n entries of ``DF`` (row-major) of a :class:`~gandynamics.VectorField`, piece by
    piece (:func:`gandynamics.analysis.nonsmooth.piecewise_derivative`: valid where F cannot jump), cached on the
    field."""
    from .nonsmooth import piecewise_derivative
    cache = fld.__dict__.setdefault("_interval_cache", {})
    if "DF" not in cache:
        cache["DF"] = compile_interval(piecewise_derivative(fld.DF), fld.z, fld.hyper)
    return cache["DF"]


class JacobianEnclosure:
    r"""Enclosures of the entries of ``DF`` over a box: the natural ball extension intersected with the
    *mean-value form* (Moore, Kearfott & Cloud 2009, §6.4)

    .. math::  DF_{ij}(z) \in DF_{ij}(m) + \sum_k \partial_k DF_{ij}(\mathrm{box}) \, (\mathrm{box}_k - m_k),

    ``m`` the box's midpoint (mean-value theorem on the segment from m to z, which lies in the box).  The
    natural extension overestimates by O(width), the mean-value form by O(width^2), so the
    branch-and-bound needs far fewer boxes.  The intersection of two enclosures is an enclosure.

    The natural extension alone is used where the mean-value form is not valid: on a field with a switching
    set (:func:`gandynamics.analysis.nonsmooth.second_order_blocker`; a kink of F is a jump of DF, which the
    piecewise derivatives miss, so that the form could exclude values DF takes) and where the derivatives
    cannot be enclosed.  ``smooth``: whether F has no switching set on any box this enclosure will see (the
    caller's knowledge of its region, :func:`gandynamics.analysis.constants.region_blocker`); None decides from F
    alone, anywhere.  :attr:`mean_value` says whether the form is in use."""

    def __init__(self, fld, mean_value: bool = True, smooth: bool | None = None):
        from .nonsmooth import field_switches, first_blocker
        self.n = fld.n
        self.natural = interval_jacobian(fld)
        self.grad = None
        if smooth is None:
            smooth = first_blocker(field_switches(fld)) is None
        if mean_value and smooth:
            cache = fld.__dict__.setdefault("_interval_cache", {})
            if "D2F" not in cache:
                exprs = [sp.diff(e, zk) for e in fld.DF for zk in fld.z]
                try:
                    cache["D2F"] = compile_interval(exprs, fld.z, fld.hyper)
                except GandynamicsError:
                    cache["D2F"] = None
            self.grad = cache["D2F"]

    @property
    def mean_value(self) -> bool:
        """Whether the mean-value form is intersected with the natural extension."""
        return self.grad is not None

    def on_box(self, lo, hi, p) -> list:
        zb = box_balls(lo, hi)
        pa = [arb(float(v)) for v in p]
        nat = self.natural._fn(zb, pa)
        if self.grad is None:
            return nat
        mid = [0.5 * (float(a) + float(b)) for a, b in zip(lo, hi)]
        mid = [m if a <= m <= b else a for m, a, b in zip(mid, lo, hi)]
        f_m = self.natural._fn([arb(m) for m in mid], pa)
        d = [ball(float(a), float(b)) - arb(m) for a, b, m in zip(lo, hi, mid)]
        G = self.grad._fn(zb, pa)
        n = self.n
        out = []
        for q, (e_nat, e_m) in enumerate(zip(nat, f_m)):
            acc = e_m
            base = q * n
            for k in range(n):
                acc = acc + G[base + k] * d[k]
            if acc.is_finite() and e_nat.is_finite():
                out.append(e_nat.intersection(acc))
            elif acc.is_finite():
                out.append(acc)
            else:
                out.append(e_nat)
        return out


# --------------------------------------------------------------------------- matrix bounds
def split_matrix(entries, n: int):
    """Balls (row-major, n×n) -> ``(M0, R)`` (lists of rows): float midpoint matrix and an entrywise radius
    ``R`` with ``|M - M0| <= R`` for every M in the balls (``R`` infinite where a ball is not finite)."""
    M0 = [[0.0] * n for _ in range(n)]
    R = [[0.0] * n for _ in range(n)]
    for k, x in enumerate(entries):
        i, j = divmod(k, n)
        if not x.is_finite():
            R[i][j] = _INF
            continue
        m = float(x.mid())
        M0[i][j] = m
        d = x - arb(m)
        R[i][j] = 0.0 if d.is_zero() else math.nextafter(float(d.abs_upper()), _INF)
    return M0, R


def is_positive_definite(S) -> bool:
    """Certify that every symmetric matrix in the ball matrix ``S`` (list of lists of arb; only the lower
    triangle is read) is positive definite: a Cholesky factorisation in ball arithmetic whose pivots are
    all certainly positive (Rump 2010, §10.8)."""
    n = len(S)
    Lm = [[arb(0)] * n for _ in range(n)]
    for j in range(n):
        d = S[j][j]
        for k in range(j):
            d = d - Lm[j][k] * Lm[j][k]
        if not d > 0:
            return False
        ljj = d.sqrt()
        Lm[j][j] = ljj
        for i in range(j + 1, n):
            s = S[i][j]
            for k in range(j):
                s = s - Lm[i][k] * Lm[j][k]
            Lm[i][j] = s / ljj
    return True


def _nonneg_norm2_upper(R) -> float:
    """Upper bound on ``||R||_2`` for ``R >= 0``: ``min(sqrt(||R||_1 ||R||_inf), ||R||_F)``.

    Computed in floating point and inflated by ``(1 + (n^2 + 4) u)``, ``u = 2^-52``: every operation acts on
    non-negative numbers, so each rounded sum, product or square root is within a factor ``(1 + u)`` of its
    exact value and at most ``n^2 + 3`` such factors accumulate (Higham, *Accuracy and Stability of
    Numerical Algorithms*, 2002, §3.1).  A matrix whose largest entry is below 1 is first scaled by an exact
    power of two to bring it into ``[1/2, 1)``: squares of entries below ``1.5e-154`` underflow to 0, and an
    absolute term could not cover them (``R = [[2e-200]]`` gave ``1e-300``); a tiny absolute term then covers
    the underflow of entries far below the largest, and the scaled result is rounded upwards."""
    rows = R.tolist() if isinstance(R, np.ndarray) else R
    n = len(rows)
    flat = [v for row in rows for v in row]
    if not all(math.isfinite(v) for v in flat):
        return _INF
    top = max(flat)
    if not top:
        return 0.0
    k = -math.frexp(top)[1] if top < 1.0 else 0   # top * 2^k in [1/2, 1): exact (scaled upwards, no overflow)
    if k:
        rows = [[math.ldexp(v, k) for v in row] for row in rows]
        flat = [v for row in rows for v in row]
    c1 = max(sum(rows[i][j] for i in range(n)) for j in range(n))
    ci = max(sum(row) for row in rows)
    frob = math.sqrt(sum(v * v for v in flat))
    b = min(math.sqrt(c1 * ci), frob)
    b = b * (1.0 + (n * n + 4) * 2.0**-52) + 2.0**-1000
    return math.nextafter(math.ldexp(b, -k), _INF) if k else b


def _norm2_float(rows) -> float:
    """Floating-point ``||M||_2`` (closed form for 2×2, LAPACK otherwise) — a guess, certified later."""
    if len(rows) == 2:
        (a, b), (c, d) = rows
        f = (a * a + b * b + c * c + d * d) / 2.0
        det = a * d - b * c
        return math.sqrt(f + math.sqrt(max(f * f - det * det, 0.0)))
    try:  # (LAPACK fails on non-finite input, e.g. an overflow near 1.8e308: NaN, then no guess is certified)
        return float(np.linalg.norm(np.array(rows), 2))
    except np.linalg.LinAlgError:
        return math.nan


def _lambda_min_sym_float(rows) -> float:
    """Floating-point ``lambda_min((M + M^T)/2)`` (closed form for 2×2) — a guess, certified later."""
    if len(rows) == 2:
        (a, b), (c, d) = rows
        o = (b + c) / 2.0
        return (a + d) / 2.0 - math.hypot((a - d) / 2.0, o)
    M = np.array(rows)
    try:  # halves first: (M + M^T)/2 overflowed for entries near 1.8e308 and LAPACK raised on the inf
        return float(np.linalg.eigvalsh(0.5 * M + 0.5 * M.T)[0])
    except np.linalg.LinAlgError:
        return math.nan


def norm2_upper(M0) -> float:
    """A certified upper bound on ``||M0||_2`` (M0 exact doubles): the floating-point norm plus a margin,
    certified by the ball Cholesky of ``t^2 I - M0^T M0``; Frobenius norm if that fails."""
    rows = M0.tolist() if isinstance(M0, np.ndarray) else M0
    n = len(rows)
    scale = max(abs(v) for row in rows for v in row)
    if scale == 0.0:
        return 0.0
    s = _norm2_float(rows)
    A = [[arb(v) for v in row] for row in rows]
    G = [[sum((A[k][i] * A[k][j] for k in range(n)), arb(0)) for j in range(i + 1)] for i in range(n)]
    for margin in (1e-14, 1e-12, 1e-9, 1e-6):
        t = s + margin * scale + 1e-300
        T2 = arb(t) * arb(t)
        S = [[(T2 - G[i][j]) if i == j else -G[i][j] for j in range(i + 1)] for i in range(n)]
        if is_positive_definite(S):
            return math.nextafter(t, _INF)
    return upper(sum((a * a for row in A for a in row), arb(0)).sqrt())


def lambda_min_lower(S0) -> float:
    """A certified lower bound on ``lambda_min`` of the symmetric part of ``S0`` (exact doubles):
    the floating-point value minus a margin, certified by the ball Cholesky of ``sym S0 - t I``;
    a Gershgorin bound if that fails."""
    rows = S0.tolist() if isinstance(S0, np.ndarray) else S0
    n = len(rows)
    A = [[(arb(rows[i][j]) + arb(rows[j][i])) / 2 for j in range(i + 1)] for i in range(n)]
    lam = _lambda_min_sym_float(rows)
    scale = max(abs(lam), max(abs(v) for row in rows for v in row), 1e-300)
    for margin in (1e-14, 1e-12, 1e-9, 1e-6):
        t = lam - margin * scale - 1e-300
        at = arb(t)
        S = [[(A[i][j] - at) if i == j else A[i][j] for j in range(i + 1)] for i in range(n)]
        if is_positive_definite(S):
            return math.nextafter(t, -_INF)
    g = []
    for i in range(n):
        r = A[i][i]
        for j in range(n):
            if j != i:
                r = r - abs(A[max(i, j)][min(i, j)])
        g.append(lower(r))
    return min(g)


#: where Rump's test is tried between the floating-point value at the midpoint (0) and the Weyl bound (1)
_FRACTIONS = (0.05, 0.15, 0.35, 0.7)

#: the widest entries of an interval matrix taken at their end points (2^k vertex matrices): at most this many,
#: each at least VERTEX_SHARE of the widest, when the other entries' radii are at most a quarter of theirs in
#: norm (:func:`_vertex_bounds`)
VERTEX_ENTRIES = 4
VERTEX_SHARE = 0.25


def _vertex_bounds(M0, R, n: int, want: str, rN: float) -> tuple[float, float]:
    """``(L_hi, mu_lo)`` over the interval matrix ``[M0 - R, M0 + R]`` from the vertices of its widest entries.

    ``||M||_2`` is convex and ``lambda_min(sym M)`` concave in M, so over the box of the ``k`` widest entries
    (the others at their midpoints) their extremes are at one of the ``2^k`` vertex matrices ``V``; the other
    entries' radii ``R_t`` (and the rounding of the vertices' entries) add ``||R_t||_2`` by Weyl's inequality:
    ``||M|| <= max_V ||V|| + ||R_t||``, ``lambda_min(sym M) >= min_V lambda_min(sym V) - ||sym R_t||``.  Where
    DF jumps across a box (a kink of F), the jumping entries are wide whatever the box's width while the others
    shrink with it: the interval-matrix bounds above stay at ``||M0|| + ||R||`` there, these reach the pieces'
    own values (the hull of Clarke's generalized Jacobian).  ``(inf, -inf)`` (nothing gained) when the widest
    entries do not hold most of R or R is not finite."""
    flat = sorted(((R[i][j], i, j) for i in range(n) for j in range(n) if R[i][j] > 0.0), reverse=True)
    if not flat or not math.isfinite(flat[0][0]):
        return _INF, -_INF
    wide = [(i, j) for r, i, j in flat[:VERTEX_ENTRIES] if r >= VERTEX_SHARE * flat[0][0]]
    Rt = [row[:] for row in R]
    for i, j in wide:  # the rounding of M0 +- R in the vertices: at most one ulp of |M0| + R
        Rt[i][j] = math.nextafter((abs(M0[i][j]) + R[i][j]) * 2.0**-52, _INF)
    rt = _nonneg_norm2_upper(Rt)
    if not rt <= 0.25 * rN:
        return _INF, -_INF
    rs = 0.0
    if want in ("mu", "both"):
        rs = min(rt, _nonneg_norm2_upper([[math.nextafter((Rt[i][j] + Rt[j][i]) / 2.0, _INF) for j in range(n)]
                                          for i in range(n)]))
    L_hi, mu_lo = -_INF, _INF
    V = [row[:] for row in M0]
    for signs in itertools.product((-1.0, 1.0), repeat=len(wide)):
        for (i, j), sg in zip(wide, signs):
            V[i][j] = M0[i][j] + sg * R[i][j]
        if want in ("L", "both"):
            L_hi = max(L_hi, upper(arb(norm2_upper(V)) + arb(rt)))
        if want in ("mu", "both"):
            mu_lo = min(mu_lo, lower(arb(lambda_min_lower(V)) - arb(rs)))
    return (L_hi if want != "mu" else _INF), (mu_lo if want != "L" else -_INF)


def matrix_bounds(entries, n: int, want: str = "both", refine: bool = True,
                  vertices: bool = True) -> tuple[float, float, np.ndarray]:
    """For balls enclosing a matrix M over a box: ``(L_hi, mu_lo, M0)`` with
    ``||M||_2 <= L_hi`` and ``lambda_min((M + M^T)/2) >= mu_lo`` for every M in the balls.

    First the Weyl bounds of the module docstring; then (``refine``) the ball Cholesky test of Rump is run on
    the interval matrix itself (``t^2 I - M^T M``, resp. ``sym M - t I``) at a few ``t`` between the midpoint
    value and the Weyl bound, from the tightest, and the first certified ``t`` replaces the Weyl bound.  It
    keeps the structure of the radii (Weyl only sees ``||R||_2``): 2-4x tighter per box on the 4-parameter
    examples of ``studies/bench_constants.py``.  Where a few entries hold most of the radii (a box across a
    kink of F, where DF jumps), the vertices of those entries bound both exactly up to the rest
    (:func:`_vertex_bounds`; ``vertices=False`` leaves them out, as the certification does where no switching set
    may meet its region: there they cost about as much time as they save boxes); every bound is valid, and the
    tightest is returned.  ``want`` = ``"L"``, ``"mu"`` or ``"both"`` (the other is
    returned as NaN)."""
    M0, R = split_matrix(entries, n)
    rN = _nonneg_norm2_upper(R)
    if rN == _INF:
        return _INF, -_INF, M0
    L_hi = mu_lo = math.nan
    if want in ("L", "both"):
        L_hi = upper(arb(norm2_upper(M0)) + arb(rN))
        if rN and refine:
            # Rump's test on the interval matrix itself: t^2 I - M^T M > 0 for every M in the balls
            s0 = _norm2_float(M0)
            G = [[sum((entries[k * n + i] * entries[k * n + j] for k in range(n)), arb(0)) for j in range(i + 1)]
                 for i in range(n)]
            for frac in _FRACTIONS:
                t = s0 + frac * (L_hi - s0)
                T2 = arb(t) * arb(t)
                S = [[(T2 - G[i][j]) if i == j else -G[i][j] for j in range(i + 1)] for i in range(n)]
                if is_positive_definite(S):
                    L_hi = min(L_hi, math.nextafter(t, _INF))
                    break
    if want in ("mu", "both"):
        # sym R = (R + R^T)/2 rounded upwards entrywise; ||sym R|| <= ||R|| as well
        if rN:
            Rs = [[math.nextafter((R[i][j] + R[j][i]) / 2.0, _INF) for j in range(n)] for i in range(n)]
            rS = min(rN, _nonneg_norm2_upper(Rs))
        else:
            rS = 0.0
        mu_lo = lower(arb(lambda_min_lower(M0)) - arb(rS))
        if rS and refine:
            # Rump's test on the interval matrix itself: sym M - t I > 0 for every M in the balls
            lam = _lambda_min_sym_float(M0)
            S = [[(entries[i * n + j] + entries[j * n + i]) / 2 for j in range(i + 1)] for i in range(n)]
            for frac in _FRACTIONS:
                t = lam - frac * (lam - mu_lo)
                at = arb(t)
                St = [[(S[i][j] - at) if i == j else S[i][j] for j in range(i + 1)] for i in range(n)]
                if is_positive_definite(St):
                    mu_lo = max(mu_lo, math.nextafter(t, -_INF))
                    break
    if rN and refine and vertices:
        vL, vmu = _vertex_bounds(M0, R, n, want, rN)
        if want in ("L", "both"):
            L_hi = min(L_hi, vL)
        if want in ("mu", "both"):
            mu_lo = max(mu_lo, vmu)
    return L_hi, mu_lo, M0
