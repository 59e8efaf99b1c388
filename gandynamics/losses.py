r"""GAN loss functions f(t) and the numerically stable special functions they are written with.

Mescheder, Geiger & Nowozin (2018, eq. 1) write every GAN objective through one scalar function f:

.. math::

    L(\theta, \psi) = E_{p_\theta}[f(D_\psi(x))] + E_{p_D}[f(-D_\psi(x))]

* ``standard``: :math:`f(t) = -\log(1 + e^{-t}) = -\mathrm{softplus}(-t)`; the generator minimises L.
* ``non-saturating``: the same f, but the generator minimises :math:`-E_{p_\theta}[f(-D_\psi(x))]`
  (Goodfellow et al. 2014; Mescheder's ``NSGAN``).
* ``wgan``: :math:`f(t) = t`.
* any :class:`sympy.Lambda` of one variable.

``f'(t) = sigmoid(-t)``, ``f''(t) = -sigmoid(t) sigmoid(-t)`` for the standard loss, so ``f'(0) = 1/2`` and
``f''(0) = -1/4`` (docs/mathematics.md §1.1).

Why custom functions: sympy differentiates ``log(1 + exp(-t))`` into ``exp(-t)/(exp(-t) + 1)``, which is
``inf/inf = NaN`` for ``t < -709``.  :class:`sigmoid` and :class:`softplus` carry their own derivatives
and are printed to overflow-free numeric code (:mod:`gandynamics._numeric`), so generated kernels stay
finite wherever the exact value is finite.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections import Counter
from dataclasses import dataclass

import mpmath
import sympy as sp

from .errors import GandynamicsError, choice_refusal

__all__ = ["sigmoid", "softplus", "vnorm", "safediv", "expm1", "tanhs", "logcosh", "logsinh", "log1mexp", "invexpm1",
           "erfcx", "rerfcx", "logerfc", "erfcx_d", "rerfcx_d", "STABLE_FUNCTIONS", "STABLE_DERIVATIVES", "Loss", "LOSSES", "get_loss", "stabilize"]


def _check_args(cls, args) -> None:
    """The arguments of one of this module's functions (:class:`sigmoid`, :class:`softplus`, ...): numbers or sympy
    expressions; anything else (None, a list) refused naming the function (it ended in AttributeError "'NoneType' object
    has no attribute 'is_number'", as sympy's own functions do)."""
    for x in args:
        if not isinstance(x, sp.Expr):
            raise GandynamicsError(f"{cls.__name__} takes numbers or sympy expressions, got {x!r}")


def _zero(x) -> bool:
    """Whether ``x`` is the number 0: the test of the functions' ``eval`` below.  Not sympy's ``x.is_zero``, which on
    a sum over a network's units asks each term's assumptions (each ``tanh``'s real and imaginary parts, about 2 ms
    a term): 12 softplus of a 2,000-parameter mlp's losses took 22 s of its derivation to learn that their
    arguments were not 0; ``is_number`` stops at the first symbol."""
    return x.is_number and x.is_zero


class sigmoid(sp.Function):
    """The logistic function ``1 / (1 + exp(-x))``, with derivative ``sigmoid(x) (1 - sigmoid(x))``.

    Raises
    ------
    GandynamicsError
        ``x`` not a number or a sympy expression (None, a list).
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        _check_args(cls, (x,))
        if _zero(x):
            return sp.S.Half
        if x is sp.oo:
            return sp.S.One
        if x == -sp.oo:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec):
        return (1 / (1 + sp.exp(-self.args[0]))).evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None


class softplus(sp.Function):
    """``log(1 + exp(x))``, with derivative :class:`sigmoid`.

    Raises
    ------
    GandynamicsError
        ``x`` not a number or a sympy expression (None, a list).
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        _check_args(cls, (x,))
        if _zero(x):
            return sp.log(2)
        if x is sp.oo:
            return sp.oo
        if x == -sp.oo:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec):
        return sp.log(1 + sp.exp(self.args[0])).evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class safediv(sp.Function):
    """``a / b``, taken as 0 where ``b = 0``: the subgradient convention of ``sign(0) = 0`` (Mescheder's
    WGAN-GP code), used for the gradient ``a / |a|`` of a Euclidean norm at the origin."""

    nargs = 2

    @classmethod
    def eval(cls, a, b):
        _check_args(cls, (a, b))
        if _zero(b):
            return sp.S.Zero
        if _zero(a):
            return sp.S.Zero
        if b.is_Number and a.is_Number:
            return a / b
        return None

    def fdiff(self, argindex=1):
        a, b = self.args
        return safediv(1, b) if argindex == 1 else -safediv(a, b**2)

    def _eval_evalf(self, prec):
        a, b = (x.evalf(prec) for x in self.args)
        return sp.S.Zero if b == 0 else (a / b).evalf(prec)


class vnorm(sp.Function):
    """The Euclidean norm ``sqrt(a_1^2 + ... + a_k^2)`` of its arguments, with gradient
    ``a_i / |a|`` written as :class:`safediv` (0 at the origin, where the norm has no derivative), so that
    generated code stays finite there; the analysis reports such points as non-differentiable."""

    @classmethod
    def eval(cls, *args):
        _check_args(cls, args)
        if all(_zero(a) for a in args):
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        return safediv(self.args[argindex - 1], vnorm(*self.args))

    def _eval_rewrite_as_sqrt(self, *args, **kwargs):
        return sp.sqrt(sp.Add(*[a**2 for a in args]))

    def _eval_evalf(self, prec):
        return sp.sqrt(sp.Add(*[a**2 for a in self.args])).evalf(prec)

    def _eval_is_real(self):
        return all(a.is_real for a in self.args) or None

    def _eval_is_nonnegative(self):
        return self._eval_is_real()


def _mp_evalf(expr, prec, fn):
    """``fn`` (an mpmath function) of ``expr``'s arguments at ``prec`` bits (20 guard bits), as a sympy Float; None
    (sympy leaves the node unevaluated) when an argument is not a real number."""
    import mpmath
    try:
        args = [a.evalf(prec + 20)._to_mpmath(prec + 20) for a in expr.args]
    except (AttributeError, TypeError, ValueError):
        return None
    with mpmath.workprec(prec + 20):
        try:
            v = fn(*args)
        except (ValueError, ZeroDivisionError, OverflowError):
            return None
    return sp.Expr._from_mpmath(v, prec)


class _Stable(sp.Function):
    """A function of one argument printed to its own stable routine in :mod:`gandynamics._numeric`
    (docs/math/stable_rewrites.md, rules 6-8).  ``_interval_form`` is an equivalent expression in functions every
    interval engine encloses (the fallback of :class:`gandynamics.analysis.intervals.IntervalPrinter` for an engine
    without a dedicated enclosure: sound, possibly wider); ``_imp_`` is its float implementation for
    :func:`sympy.lambdify`."""

    nargs = 1
    _mp = None

    def _eval_evalf(self, prec):
        return _mp_evalf(self, prec, type(self)._mp)

    def _eval_is_real(self):
        return self.args[0].is_real

    @classmethod
    def _interval_form(cls, u):
        raise NotImplementedError


def _float_imp(name):
    def imp(x):
        from ._interpreted import static_module
        return getattr(static_module("gandynamics._numeric"), name)(float(x))
    imp.__name__ = name
    return staticmethod(imp)


class expm1(_Stable):
    """``exp(x) - 1``, printed as ``math.expm1`` (accurate where ``exp(x)`` rounds to 1: ``1e-20`` at ``x = 1e-20``);
    derivative ``exp(x)``."""

    _imp_ = staticmethod(lambda x: math.inf if float(x) > 709.78 else math.expm1(x))  # (NaN stays NaN)

    _mp = staticmethod(lambda x: mpmath.expm1(x))  # (the original, in mpmath)

    @classmethod
    def eval(cls, x):
        _check_args(cls, (x,))
        if _zero(x):
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        return sp.exp(self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.exp(x) - 1

    @classmethod
    def _interval_form(cls, u):
        return sp.exp(u) - 1


class tanhs(_Stable):
    """``tanh(x)`` (printed as ``math.tanh``) whose derivative is ``sech^2 x = 4 sigmoid(2x) sigmoid(-2x)``, accurate
    to a few ulps where sympy's ``1 - tanh(x)^2`` is 0 (at x = 20 the exact value is 1.7e-17): the derivative of
    :class:`logcosh` and, inverted, of :class:`logsinh`."""

    _imp_ = staticmethod(lambda x: math.tanh(x))

    def _sympystr(self, printer):  # (the text a user reads is tanh's: "tanhs" is the library's name for its derivative)
        return f"tanh({printer._print(self.args[0])})"

    _mp = staticmethod(lambda x: mpmath.tanh(x))  # (the original, in mpmath)

    @classmethod
    def eval(cls, x):
        _check_args(cls, (x,))
        if _zero(x):
            return sp.S.Zero
        if x.could_extract_minus_sign():
            return -cls(-x)
        return None

    def fdiff(self, argindex=1):
        u = 2 * self.args[0]
        return 4 * sigmoid(u) * sigmoid(-u)

    def _eval_rewrite_as_tanh(self, x, **kwargs):
        return sp.tanh(x)

    @classmethod
    def _interval_form(cls, u):
        return sp.tanh(u)


class logcosh(_Stable):
    """``log(cosh(x))``, evaluated as ``|x| - log 2 + log1p(exp(-2|x|))`` (no overflow of cosh beyond 710); derivative
    :class:`tanhs` ``tanh(x)`` (exact small values near 0, where ``2 sigmoid(2x) - 1`` would be 0)."""

    _imp_ = _float_imp("logcosh")

    _mp = staticmethod(lambda x: mpmath.log(mpmath.cosh(x)))  # (the original, in mpmath)

    @classmethod
    def eval(cls, x):
        _check_args(cls, (x,))
        if _zero(x):
            return sp.S.Zero
        if x.could_extract_minus_sign():
            return cls(-x)
        return None

    def fdiff(self, argindex=1):
        return tanhs(self.args[0])

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(sp.cosh(x))

    def _eval_is_nonnegative(self):
        return True if self.args[0].is_real else None

    @classmethod
    def _interval_form(cls, u):
        return sp.Abs(u) + softplus(-2 * sp.Abs(u)) - sp.log(2)


class logsinh(_Stable):
    """``log(sinh(x))`` (real for ``x > 0``), evaluated as ``x - log 2 + log1p(-exp(-2x))`` above 1 (no overflow of
    sinh beyond 710); derivative ``1/tanhs(x)``."""

    _imp_ = _float_imp("logsinh")

    _mp = staticmethod(lambda x: mpmath.log(mpmath.sinh(x)))  # (the original, in mpmath)

    def fdiff(self, argindex=1):
        return 1 / tanhs(self.args[0])

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(sp.sinh(x))

    def _eval_is_real(self):
        return True if self.args[0].is_positive else None

    @classmethod
    def _interval_form(cls, u):
        # x + log(1 - exp(-2x)) - log 2, the log undefined (unbounded) where x may be <= 0
        return u + sp.log(1 - sp.exp(-2 * u)) - sp.log(2)


class log1mexp(_Stable):
    """``log(1 - exp(-a))`` (real for ``a > 0``), by Mächler's rule (``log(-expm1(-a))`` / ``log1p(-exp(-a))``):
    finite for every ``a > 0``; derivative :class:`invexpm1` ``1/(exp(a) - 1)``.  ``log(exp(u) - 1)`` is
    ``u + log1mexp(u)``."""

    _imp_ = _float_imp("log1mexp")

    @staticmethod
    def _mp(a):
        import mpmath
        return mpmath.log(-mpmath.expm1(-a))

    def fdiff(self, argindex=1):
        return invexpm1(self.args[0])

    def _eval_rewrite_as_exp(self, a, **kwargs):
        return sp.log(1 - sp.exp(-a))

    def _eval_is_real(self):
        return True if self.args[0].is_positive else None

    @classmethod
    def _interval_form(cls, a):
        return sp.log(1 - sp.exp(-a))


class invexpm1(_Stable):
    """``1/(exp(a) - 1)``, evaluated as ``1/expm1(a)`` (0 for large a, ``1/a`` for tiny a); derivative
    ``-q (1 + q)`` in ``q = invexpm1(a)`` itself, so every higher derivative is a polynomial in it (the form
    ``-exp(a)/expm1(a)^2`` would be ``inf/inf`` at ``a = 800``)."""

    _imp_ = _float_imp("invexpm1")

    @staticmethod
    def _mp(a):
        import mpmath
        return 1 / mpmath.expm1(a)

    def fdiff(self, argindex=1):
        q = invexpm1(self.args[0])
        return -q * (1 + q)

    def _eval_rewrite_as_exp(self, a, **kwargs):
        return 1 / (sp.exp(a) - 1)

    def _eval_is_real(self):
        a = self.args[0]
        return True if a.is_real and a.is_nonzero else None

    @classmethod
    def _interval_form(cls, a):
        return 1 / (sp.exp(a) - 1)


_TWO_RSQRTPI = 2 / sp.sqrt(sp.pi)


class erfcx(_Stable):
    """The scaled complementary error function ``exp(x^2) erfc(x)`` (finite for every ``x > -26.6``; ``exp(x^2)``
    and ``erfc(x)`` alone overflow and underflow beyond 26.6); derivative :class:`erfcx_d` ``(1, x)``
    ``= 2 x erfcx(x) - 2/sqrt(pi)``, evaluated without that difference."""

    _imp_ = _float_imp("erfcx")

    _mp = staticmethod(lambda x: mpmath.exp(x * x) * mpmath.erfc(x))  # (the original, in mpmath)

    @classmethod
    def eval(cls, x):
        _check_args(cls, (x,))
        if _zero(x):
            return sp.S.One
        return None

    def fdiff(self, argindex=1):
        # (not 2 x erfcx(x) - 2/sqrt(pi): that difference cancels to -1/(sqrt(pi) x^2), relative error eps x^2, and a
        # stable equilibrium at x = 1e6 read unstable -- an adversarial review; erfcx_d has no cancellation)
        return erfcx_d(1, self.args[0])

    def _eval_rewrite_as_erfc(self, x, **kwargs):
        return sp.exp(x**2) * sp.erfc(x)

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    @classmethod
    def _interval_form(cls, x):
        return sp.exp(x**2) * (1 - sp.erf(x))  # (erf: every interval engine has it)


class rerfcx(_Stable):
    """``1/erfcx(x) = exp(-x^2)/erfc(x)`` (0 below ``x = -26.6``, ``sqrt(pi) x`` for large x); derivative
    :class:`rerfcx_d` ``(1, x) = -2 x r + (2/sqrt(pi)) r^2`` in ``r = rerfcx(x)`` (finite wherever r is; ``1/erfcx``
    differentiated as a quotient would be ``inf/inf`` where erfcx overflows), evaluated without that difference."""

    _imp_ = _float_imp("rerfcx")

    _mp = staticmethod(lambda x: 1 / (mpmath.exp(x * x) * mpmath.erfc(x)))  # (the original, in mpmath)

    def fdiff(self, argindex=1):
        return rerfcx_d(1, self.args[0])  # (-2 x r + (2/sqrt(pi)) r^2 cancels for large x, as erfcx's derivative)

    def _eval_rewrite_as_erfc(self, x, **kwargs):
        return sp.exp(-x**2) / sp.erfc(x)

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    @classmethod
    def _interval_form(cls, x):
        return sp.exp(-x**2) / (1 - sp.erf(x))



def _riccati_derivative(k, x, f):
    """``d^k/dx^k f(x)`` for ``f`` = :class:`erfcx` or :class:`rerfcx`, written in ``x`` and ``f(x)`` only (``erfcx' =
    2x erfcx - 2/sqrt(pi)``, ``rerfcx' = -2x r + (2/sqrt(pi)) r^2``, differentiated k - 1 times more): the
    derivatives' interval form.  Exact; it cancels for large x, so an enclosure of it is sound but wide there."""
    t = sp.Dummy("t")
    y = sp.Function("y")(t)
    dy = 2 * t * y - _TWO_RSQRTPI if f is erfcx else -2 * t * y + _TWO_RSQRTPI * y**2
    e = y
    for _ in range(int(k)):
        e = sp.expand(sp.diff(e, t).subs(sp.Derivative(y, t), dy))
    return e.subs(y, f(t)).subs(t, x)


class _StableDerivative(sp.Function):
    """``D(k, x)``: the k-th derivative (``k >= 0`` an integer) of a stable function, printed to its own routine of
    :mod:`gandynamics._numeric` (``D(0, x)`` is the function itself, ``fdiff`` gives ``D(k + 1, x)``)."""

    nargs = 2
    _base = None

    @classmethod
    def eval(cls, k, x):
        _check_args(cls, (k, x))
        if k.is_number and not (k.is_Integer and k >= 0):
            raise TypeError(f"{cls.__name__}: the order must be an integer >= 0, got {k}")
        if _zero(k):
            return cls._base(x)
        return None

    def fdiff(self, argindex=2):
        if argindex != 2:
            raise sp.ArgumentIndexError(self, argindex)
        k, x = self.args
        return type(self)(k + 1, x)

    def _eval_evalf(self, prec):
        return _mp_evalf(self, prec, type(self)._mp)

    def _eval_is_real(self):
        return self.args[1].is_real

    def _sympystr(self, printer):  # (what a user reads: the derivative of the function he knows)
        k, x = self.args
        primes = "'" * int(k) if k.is_Integer and k <= 3 else f"^({printer._print(k)})"
        return f"{self._base.__name__}{primes}({printer._print(x)})"

    @classmethod
    def _interval_form(cls, k, x):
        return _riccati_derivative(k, x, cls._base)


def _mp_riccati(f0, k, x):
    """``d^k/dx^k`` of erfcx (``f0 = erfcx``) or rerfcx at ``x`` in mpmath, by the Riccati recurrences of
    :func:`_riccati_derivative` at a working precision raised over their cancellation (``2k log2 |x|`` bits and
    guard bits; mpmath's ``erfc`` is correct to the working precision)."""
    k = int(k)
    extra = int(4 * k * mpmath.log(abs(x) + 2, 2)) + 30
    with mpmath.workprec(mpmath.mp.prec + extra):
        x = mpmath.mpf(x)
        y = mpmath.exp(x * x) * mpmath.erfc(x)
        c = 2 / mpmath.sqrt(mpmath.pi)
        if f0 is erfcx:  # the forward recurrence y_k = 2x y_(k-1) + 2(k-1) y_(k-2)
            ys = [y, 2 * x * y - c]
            for j in range(2, k + 1):
                ys.append(2 * x * ys[-1] + 2 * (j - 1) * ys[-2])
            v = ys[k]
        else:  # Taylor coefficients of 1/erfcx from the Riccati equation r' = -2x r + c r^2
            s = [1 / y]
            for m in range(k):
                t = c * mpmath.fsum(s[j] * s[m - j] for j in range(m + 1)) - 2 * x * s[m] - (2 * s[m - 1] if m else 0)
                s.append(t / (m + 1))
            v = s[k] * mpmath.factorial(k)
    return +v



def _float_imp_k(name):
    def imp(k, x):
        from ._interpreted import static_module
        return getattr(static_module("gandynamics._numeric"), name)(int(k), float(x))
    imp.__name__ = name
    return staticmethod(imp)


class erfcx_d(_StableDerivative):
    """``erfcx_d(k, x)``: the k-th derivative of :class:`erfcx`, ``(-2)^k k! exp(x^2) i^k erfc(x)`` (DLMF 7.18.8), of
    sign ``(-1)^k`` and monotone on the whole line; evaluated by ``gandynamics._numeric.erfcx_d`` within a few ulps for
    every x (the forward recurrence below 1, the differentiated continued fraction above).  Its interval form is the
    equal ``P_k(x) erfcx(x) + Q_k(x)`` (sound, wide for large x)."""

    _base = erfcx
    _imp_ = _float_imp_k("erfcx_d")
    _mp = staticmethod(lambda k, x: _mp_riccati(erfcx, k, x))


class rerfcx_d(_StableDerivative):
    """``rerfcx_d(k, x)``: the k-th derivative of :class:`rerfcx` ``= 1/erfcx``; evaluated by
    ``gandynamics._numeric.rerfcx_d`` (the Riccati recurrence below 1, ``sqrt(pi) (x + rho_1)`` differentiated above),
    within 1e-14 relative away from its zeros.  Interval form: the polynomial in x and ``rerfcx(x)`` of the Riccati
    equation (sound, wide for large x)."""

    _base = rerfcx
    _imp_ = _float_imp_k("rerfcx_d")
    _mp = staticmethod(lambda k, x: _mp_riccati(rerfcx, k, x))


class logerfc(_Stable):
    """``log(erfc(x))``, evaluated as ``log(erfcx(x)) - x^2`` above 0.5 (finite for every finite x; ``erfc`` underflows
    beyond 26.5); derivative ``-(2/sqrt(pi)) rerfcx(x)``."""

    _imp_ = _float_imp("logerfc")

    _mp = staticmethod(lambda x: mpmath.log(mpmath.erfc(x)))  # (the original, in mpmath)

    @classmethod
    def eval(cls, x):
        _check_args(cls, (x,))
        if _zero(x):
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        return -_TWO_RSQRTPI * rerfcx(self.args[0])

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(sp.erfc(x))

    @classmethod
    def _interval_form(cls, x):
        return sp.log(1 - sp.erf(x))


#: the functions of the stable rewrites beyond sigmoid and softplus (docs/math/stable_rewrites.md, rules 6-8)
STABLE_FUNCTIONS = (expm1, tanhs, logcosh, logsinh, log1mexp, invexpm1, erfcx, rerfcx, logerfc)
#: the derivatives of every order of erfcx and rerfcx, functions ``(k, x)`` of an order k (the cancelling forms of
#: their derivatives made a stable equilibrium read unstable)
STABLE_DERIVATIVES = (erfcx_d, rerfcx_d)


def _positive_constant(f) -> bool:
    """``f`` is a finite positive constant: a positive number, and also one sympy keeps unevaluated, ``2**(2/3)``,
    ``sqrt(2)`` (from ``exp(u - log(2)/3)``, which sympy writes ``2**(2/3) exp(u)/2``)."""
    return bool(f.is_number and f.is_positive and f.is_finite)


def _exp_term(t):
    """``t = exp(w)`` in stable form -> ``w``, for a product of positive numbers (``log c``), exponentials,
    sigmoids and powers of positive sums of exponentials (:func:`_as_exp_power`); None for anything else
    (a positive number alone gives ``log c``)."""
    if t.is_number:
        return sp.log(t) if _positive_constant(t) else None
    w, n = sp.S.Zero, 0
    for f in (t.args if t.is_Mul else (t,)):
        if _positive_constant(f):
            w += sp.log(f)
            continue
        ep = _as_exp_power(f)
        if ep is None:
            return None
        w += ep[0]
        n += 1
    return w if n else None


def _log_expsum(a):
    """``log(sum_k c_k exp(u_k) [+ c_0])`` as a chain of softplus, or None if ``a`` is not such a sum.

    ``log(e^p + e^q) = q + softplus(p - q)`` (exact), folded left to right, with the constant term last so
    that ``log(1 + e^u)`` becomes ``softplus(u)``: every softplus is evaluated overflow-free, so the
    result is finite wherever the exact log-sum-exp is (docs/math/stable_rewrites.md)."""
    if not a.is_Add or all(t.is_number for t in a.args):
        return None
    exps, consts = [], []
    for t in a.args:
        w = _exp_term(t)
        if w is None:
            return None
        (consts if t.is_number else exps).append(w)
    ws = _cosh_pairs(exps) + consts
    acc = ws[0]
    for w in ws[1:]:
        acc = w + softplus(acc - w)
    return acc


def _cosh_pairs(ws):
    """The exponents ``ws`` of a sum of exponentials with each pair ``e^a + e^b`` whose half sum ``s = (a + b)/2`` and
    half difference ``d = (a - b)/2`` share no variable (``e^x + e^-x``, ``e^{y+x} + e^{y-x}``) taken as one term,
    ``e^s 2 cosh d``, exponent ``s + log 2 + logcosh(d)``.  The log-sum-exp chain of the two, ``b + softplus(a - b)``,
    has the derivative ``b' + sigmoid(a - b) (a' - b')``, the difference of two terms where the exact value is 0
    (``log(1 + e^x + e^-x)``: F(0, 0) = 1.1e-16 for 0, and gd stalled at 4.7e-17; an adversarial review); the
    derivatives of ``s + logcosh(d)`` are ``s'`` and ``tanh(d) d'``, each in variables the other lacks, and exact
    near ``d = 0``.  (Not for a pair sharing variables: ``e^x + e^y`` as ``(x + y)/2 + logcosh((x - y)/2)`` has the
    derivative ``(1 + tanh((x - y)/2))/2``, 0 by cancellation where ``sigmoid(x - y)`` is tiny.)"""
    ws = list(ws)
    out = []
    while ws:
        a = ws.pop(0)
        for j, b in enumerate(ws):
            d = sp.expand((a - b) / 2)
            s_ = sp.expand((a + b) / 2)
            if d.free_symbols and not (d.free_symbols & s_.free_symbols):
                out.append(s_ + sp.log(2) + logcosh(d))
                del ws[j]
                break
        else:
            out.append(a)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _as_exp_power(f):
    """The exponent ``E`` with ``f = exp(E)`` in stable form, for the factors the ratio rule merges:
    ``exp(u)``, ``sigmoid(w)^k`` (``= exp(-k softplus(-w))``), ``cosh(u)^k`` (``= exp(k logcosh(u))``) and ``A^k`` for
    a positive sum of exponentials ``A`` (``= exp(k log A)``, the log as log-sum-exp); None for any other factor.

    Remembered (a bounded memo, emptied when :func:`stabilize_all` returns, so that it holds no expression past the
    rewrite it serves): a factor ``sigmoid(w)`` of a discriminator's output ``w``, a sum over its units, stands in
    every entry of the field, and building ``-w`` once per entry was O(n k) for a width-k mlp with n parameters
    (130 of the 520 s of the 10,000-parameter mlp's derivation). Keys compare as sympy does: since sympy 1.13
    ``Float(2) != 2``, so a Float exponent never gets the answer built for an Integer one (the reason for the
    ``sympy>=1.13`` requirement)."""
    if f.func is sp.exp:
        return f.args[0], False
    base, k = (f.base, f.exp) if f.is_Pow else (f, sp.S.One)
    if not (k.is_Number and k.is_real):
        return None
    if base.func is sigmoid:
        return -k * softplus(-base.args[0]), True
    if base.func is sp.cosh:  # cosh(u)^k = exp(k logcosh(u)): cosh(a)/cosh(b) without overflow
        return k * logcosh(base.args[0]), True
    if base.is_Add:
        L = _log_expsum(base)
        if L is not None:
            return k * L, True
    return None


def _combine_ratios(e):
    """A sum with ratios of sums of exponentials (``1 - (e^x + 1)/(e^x + 2)``) over its common denominator,
    ``1/(e^x + 2)``, when the numerator then is a sum of positive terms and the denominator a product of
    positive sums: the difference of two nearly equal terms is gone (at x = 1000 the ratio rounds to 1 and
    the difference to 0).

    Returns ``(combined, others)``: terms in none of the ratios' variables (and not constants) are left out of the
    combination -- they cannot cancel a ratio, and inside it a term that overflows (``e^{2y}`` beside
    ``1 - e^x/(e^x + 1)`` at y = 400) made the derivative in the ratio's variable ``inf * 0``.  None when there is
    no such ratio, no negative term (a sum of positive terms has no difference to remove, and combined, the same
    entanglement: ``sqrt(1 + e^{2x}) + e^{2x}/(e^x + e^y)^2``), more than two distinct denominators or more than six
    terms (the combined numerator would grow exponentially), or the combined form is not of that kind."""
    def denominators(t):
        return {g.base for g in (t.args if t.is_Mul else (t,))
                if g.is_Pow and g.exp.is_Number and g.exp.is_negative and g.base.is_Add and any(
                    _exp_term(a) is not None and not a.is_number for a in g.base.args)}
    dens = set().union(*[denominators(t) for t in e.args])
    # one or two distinct denominators in a short sum (the cancelling kind): over a common denominator the
    # numerator is a product of all of them, which grows exponentially with their number -- a sum of many
    # logistic terms is left to the other rules
    if not dens or len(dens) > 2:
        return None
    symbols = set().union(*[d.free_symbols for d in dens])
    terms = [t for t in e.args if not t.free_symbols or t.free_symbols & symbols]
    others = [t for t in e.args if t.free_symbols and not t.free_symbols & symbols]
    if len(terms) > 6 or not any(t.as_coeff_Mul()[0].is_negative for t in terms):
        return None  # (a sum of positive terms has no difference to remove)
    e = sp.Add(*terms)
    # each exponential an opaque positive symbol: the polynomial algebra must not split exp(a + b) into
    # exp(a) exp(b) or rewrite the arguments (which are stabilised on their own)
    fwd = {f: sp.Dummy(positive=True) for f in e.atoms(sp.exp)}
    back = {d: f for f, d in fwd.items()}
    try:
        num, den = sp.fraction(sp.cancel(sp.together(e.xreplace(fwd))))
    except (sp.PolynomialError, TypeError, ValueError):
        return None
    num = sp.expand(num).xreplace(back)
    den = den.xreplace(back)
    den_factors = den.args if den.is_Mul else (den,)
    if not all(_positive_exp_term(t) for t in (num.args if num.is_Add else (num,))):
        return None
    if not all(_positive_constant(d) or _positive_exp_term(d) or (
            (d.base if d.is_Pow else d).is_Add and all(_positive_exp_term(a) for a in (d.base if d.is_Pow else d).args))
            for d in den_factors):
        return None
    return num / den, others


def _positive_exp_term(t) -> bool:
    """``t`` is a positive number, a factor :func:`_as_exp_power` merges (an exponential, a sigmoid, a power of
    a positive sum of exponentials), or a product of those."""
    factors = t.args if t.is_Mul else (t,)
    return all(_positive_constant(g) or _as_exp_power(g) is not None for g in factors)


def _from_exponent(E):
    """``exp(E)``, as a sigmoid where ``E`` is ``w - softplus(w)`` (``sigmoid(w)``) or ``-softplus(w)``
    (``sigmoid(-w)``)."""
    terms = E.args if E.is_Add else (E,)
    for t in terms:
        # exp(+-(w^2 + logerfc(w)) + c) = e^c erfcx(w) or e^c rerfcx(w) (a number c): e^{-u^2}/erfc(-u) typed by hand
        # is exp(-u^2 - logerfc(-u)) by rules (2) and (10), whose derivative -(2u + (2/sqrt(pi)) rerfcx(-u)) e^{...}
        # cancels for u -> -inf (1e-12 relative in DF at u = -6); rerfcx's derivative rerfcx_d does not
        c, f = t.as_coeff_Mul()
        if f.func is logerfc and c in (1, -1):
            w = f.args[0]
            rest = sp.expand(E - c * (w**2 + f))
            # (and a rest in other variables than w's: exp(y - x^2)/erfc(x) was exp(y - x^2 - logerfc(x)), whose
            # -x^2 - logerfc(x) = -log(erfcx(x)) - 2x^2 + ... lost y beside 1e16 at x = 1e8: F 0.5 for 3.42, a review)
            if rest.is_number or not (rest.free_symbols & w.free_symbols):
                return sp.exp(rest) * (erfcx(w) if c == 1 else rerfcx(w))
    for t in terms:
        if t.is_Mul and len(t.args) == 2 and t.args[0] == -1 and t.args[1].func is softplus:
            w = t.args[1].args[0]
            rest = [u for u in terms if u is not t]  # (E - t: E's other terms, no new sum of them built)
            if not rest:
                return sigmoid(-w)
            ws = sp.Add.make_args(w)
            # E - t = w: term by term; else a value far from 0 says it is not (no sums built, nothing expanded: the
            # differences of a 1,000-parameter mlp's field, each 500 terms, were the quadratic part of its
            # derivation); else expanded, the exact decision
            # (w, a sum of a width-1,000 mlp's units, evaluated once as a whole and remembered: term by term, 10
            # million lookups for a 2,000-parameter mlp's 10,000 exponentials, n^2)
            if (len(rest) == len(ws) and Counter(rest) == Counter(ws)) or (not _nonzero_somewhere(rest, w)
                                                                          and sp.expand(sp.Add(*rest) - w) == 0):
                return sigmoid(w)
    return sp.exp(E)


def _nonzero_somewhere(plus, minus=(), memo: dict | None = None) -> bool:
    """Whether ``d``, the sum of the terms ``plus`` less those of ``minus`` (iterables of expressions; an expression
    alone is a sum of its terms, its value and size remembered as a whole), is certainly not identically 0: its value
    at a point of its free symbols (each at a fixed number of (0.6, 1.5); double precision, the sums exactly rounded;
    a sum passed whole rounded once more) is a finite real number further from 0 than
    :data:`NONZERO_REL` times the sum of its terms' sizes there, far beyond the rounding of a value that is 0.
    False says nothing (a value near 0, a symbol with assumptions a point could break, a function this evaluation
    does not know, a value not a real number): the caller then decides by expanding.  ``memo`` (a dict; by default
    :data:`_VALUES`) keeps the values of subexpressions between calls (the differences of one field share their
    terms).  ``sp.expand(d) == 0`` over the field of a width-50 mlp took 4.2 of its 7.7 s (expanding every tanh's
    argument, 490 times; no difference was ever 0), growing like n^2.3 with the game's size n; 30-digit mpmath
    numbers in place of doubles took 8 of a 600-parameter mlp's 33 s."""
    if memo is None:
        memo = _VALUES
        if len(memo) > _VALUES_MAX:
            memo.clear()
    try:
        vals, sizes = [], []
        for side, sign in ((plus, 1.0), (minus, -1.0)):
            each = [_sum_at(side, memo)] if isinstance(side, sp.Basic) else [_term_at(t, memo) for t in side]
            for v, size in each:
                vals.append(sign * v)
                sizes.append(size)
    except (_NoValue, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return False
    return abs(math.fsum(vals)) > NONZERO_REL * math.fsum(sizes)


def _term_at(t, memo: dict) -> tuple[float, float]:
    """A term's value at the point of :func:`_nonzero_somewhere` and its size there."""
    v = _value_at(t, memo)
    return v, abs(v)


def _sum_at(e, memo: dict) -> tuple[float, float]:
    """A sum's value (its terms' exactly rounded sum) and its size (the sum of its terms' sizes) at the point of
    :func:`_nonzero_somewhere`, remembered in ``memo`` (a sum passed whole is evaluated once however often it is
    asked)."""
    if not e.is_Add:
        return _term_at(e, memo)
    key = ("sum", e)
    got = memo.get(key)
    if got is None:
        vals = [_value_at(t, memo) for t in e.args]
        got = memo[key] = (math.fsum(vals), math.fsum(map(abs, vals)))
    return got


#: the relative size beyond which :func:`_nonzero_somewhere` calls a value not 0 (each term's value within a few
#: units of 1e-16 of its own size: a difference that is 0 is computed within about 1e-15 of the terms' sizes)
NONZERO_REL = 1e-9
#: the values of subexpressions at the point of :func:`_nonzero_somewhere` (a cache: each a function of its
#: expression alone), emptied beyond _VALUES_MAX entries
_VALUES: dict = {}
_VALUES_MAX = 200_000


class _NoValue(Exception):
    """A subexpression :func:`_value_at` does not evaluate."""


#: the functions :func:`_value_at` evaluates, by sympy's class
_MATH = {sp.exp: math.exp, sp.log: math.log, sp.tanh: math.tanh, sp.sinh: math.sinh, sp.cosh: math.cosh,
         sp.sin: math.sin, sp.cos: math.cos, sp.atan: math.atan, sp.erf: math.erf, sp.erfc: math.erfc, sp.Abs: abs}


def _value_at(e, memo: dict) -> float:
    """``e`` at the point of :func:`_nonzero_somewhere`, a finite float (:class:`_NoValue` where it has none)."""
    v = memo.get(e)
    if v is not None:
        return v
    if e.is_Symbol:
        if e.is_integer or e.is_rational or e.is_nonpositive:  # (a point in (0.6, 1.5) would break its assumptions)
            raise _NoValue(e)
        v = 0.6 + 0.9 * ((zlib.crc32(e.name.encode()) * 0.6180339887498949) % 1.0)
    elif e.is_Number:
        if not e.is_real:
            raise _NoValue(e)
        v = float(e)
    elif e.is_Add:
        v = math.fsum(_value_at(t, memo) for t in e.args)
    elif e.is_Mul:
        v = math.prod(_value_at(t, memo) for t in e.args)
    elif e.is_Pow:
        b, x = _value_at(e.base, memo), _value_at(e.exp, memo)
        if b <= 0 and not e.exp.is_integer:
            raise _NoValue(e)
        v = b ** x
    elif e.func in _MATH:
        v = _MATH[e.func](*[_value_at(a, memo) for a in e.args])
    elif isinstance(e, sp.Function):  # (the module's own functions, logcosh, softplus, erfcx...: their evalf, at the
        # arguments' values)
        f = sp.N(e.func(*[sp.Float(_value_at(a, memo), 17) for a in e.args]), 17)
        if not f.is_Float:
            raise _NoValue(e)
        v = float(f)
    else:
        raise _NoValue(e)
    if not isinstance(v, float) or not math.isfinite(v):
        raise _NoValue(e)
    memo[e] = v
    return v


def _log_special(f):
    """``log f`` for a factor ``f`` with a stable log of its own (docs/math/stable_rewrites.md, rules 6-8), or None:
    ``sinh(u)^k -> k logsinh(u)``, ``erfc(u)^k -> k logerfc(u)``, ``erfcx(u)^k -> k (u^2 + logerfc(u))``,
    ``expm1(u)^k -> k (u + log1mexp(u))``, ``(e^p - e^q)^k`` -> ``k`` times :func:`_log_expdiff`."""
    b, k = (f.base, f.exp) if f.is_Pow else (f, sp.S.One)
    if not (k.is_Number and k.is_real):
        return None
    if k.is_integer and k.is_even and b.func in (sp.sinh, expm1) or (k.is_integer and k.is_even and b.is_Add):
        # log(b^2m) = 2m log|b|, not 2m log b: sinh(u), e^u - 1 and e^p - e^q take both signs (log(sinh(x)^2) had
        # become 2 logsinh(x), NaN for x < 0; the diff reviewer); left as it is (erfc, erfcx are positive)
        return None
    if b.func is sp.sinh:
        return k * logsinh(b.args[0])
    if b.func is sp.erfc:
        return k * logerfc(b.args[0])
    if b.func is erfcx:
        u = b.args[0]
        return k * (u**2 + logerfc(u))
    if b.func is expm1:
        u = b.args[0]
        return k * (u + log1mexp(u))
    if b.is_Add:
        L = _log_expdiff(b)
        if L is not None:
            return k * L
    return None


def _lse(ws):
    """``log(sum_k e^{w_k})`` as the softplus chain of :func:`_log_expsum`."""
    acc = ws[0]
    for w in ws[1:]:
        acc = w + softplus(acc - w)
    return acc


def _log_expdiff(a):
    """``log(P - Q)`` for positive sums of exponentials ``P`` and ``Q`` (constants too), as
    ``log P + log1mexp(log P - log Q)`` (``log(e^p - e^q) = p + log(1 - e^{-(p - q)})``, each log a log-sum-exp;
    ``log(e^u - 1) = u + log1mexp(u)``, ``log(1 - e^{-x}) = log1mexp(x)``): finite for every ``P > Q``, where
    ``e^u - 1`` overflows (u = 800) or rounds to 0 (u = 1e-20); None if ``a`` is no such difference."""
    if not a.is_Add or all(t.is_number for t in a.args):
        return None
    pos, neg = [], []
    for t in a.args:
        c = t.as_coeff_Mul()[0]
        w = _exp_term(-t if c.is_negative else t)
        if w is None:
            return None
        (neg if c.is_negative else pos).append((t.is_number, w))
    if not pos or not neg:
        return None
    # constants last (log(1 + e^u) = softplus(u), as in _log_expsum)
    lp = _lse([w for _, w in sorted(pos, key=lambda p: p[0])])
    lq = _lse([w for _, w in sorted(neg, key=lambda p: p[0])])
    return lp + log1mexp(lp - lq)


def _log_one_plus_odd(a):
    """``log(k + s k f(u))`` for a number ``k > 0``, a sign ``s`` and ``f`` = erf or tanh, which reach 1 in magnitude
    (None otherwise): ``k (1 + s erf u) = k erfc(-s u)`` -> ``log k + logerfc(-s u)``; ``k (1 + s tanh u) =
    2 k sigmoid(2 s u)`` -> ``log 2k - softplus(-2 s u)``.  Typed with erf instead of erfc, ``log(1 - erf x)`` was
    -inf at x = 8 (exact -15.6), and ``log(1 + tanh x)`` NaN at x = -400, 2 % off at 17 (an adversarial review)."""
    if not (a.is_Add and len(a.args) == 2):
        return None
    k = next((t for t in a.args if t.is_Number), None)
    if k is None or not k > 0:
        return None
    (t,) = [t for t in a.args if t is not k]
    c, f = t.as_coeff_Mul()
    if abs(c) != k or f.func not in (sp.erf, sp.tanh, tanhs):
        return None
    u = f.args[0] if c > 0 else -f.args[0]  # (erf and tanh are odd: k - k f(u) = k + k f(-u))
    if f.func is sp.erf:
        return sp.log(k) + logerfc(-u)
    return sp.log(2 * k) - softplus(-2 * u)


def _rewrite(e):
    """One node of :func:`stabilize` (its arguments already rewritten)."""
    if e.func is sp.log:
        (a,) = e.args
        if a.func is sigmoid:
            return -softplus(-a.args[0])
        L = _log_expsum(a)
        if L is not None:
            return L
        L = _log_expdiff(a)
        if L is not None:
            return L
        L = _log_one_plus_odd(a)
        if L is not None:
            return L
        if a.is_Add and len(a.args) == 2 and sp.Integer(2) in a.args:
            (t,) = [t for t in a.args if t != 2]
            if t.is_Mul and len(t.args) == 2 and t.args[0] == -1 and t.args[1].func is sp.erfc:
                return logerfc(-t.args[1].args[0])  # sympy writes erfc(-u) as 2 - erfc(u)
        # log of a product of positive numbers, exponentials, sigmoids, powers of sums of exponentials, cosh,
        # sinh, erfc, erfcx, expm1 and differences of exponentials: the sum of their logs (log(2 e^x) = x + log 2,
        # log(e^x sigmoid(y)) = x - softplus(-y), log(cosh(x)) = logcosh(x))
        c, rest = a.as_coeff_Mul()
        if c.is_negative:  # -expm1(u) = 1 - e^u (u < 0) and -sinh(u) (u < 0): positive with a negative coefficient
            if rest.func is expm1:
                return sp.log(-c) + log1mexp(-rest.args[0])
            if rest.func is sp.sinh:
                return sp.log(-c) + logsinh(-rest.args[0])
            return e
        parts = a.args if a.is_Mul else (a,)
        exps = []
        for f in parts:
            if _positive_constant(f):
                exps.append(sp.log(f))
                continue
            ep = _as_exp_power(f)
            if ep is None:
                ep = _log_special(f)
                if ep is None:
                    return e
                exps.append(ep)
                continue
            exps.append(ep[0])
        return sp.Add(*exps)
    if e.is_Pow:
        if e.base.func is erfcx and e.exp.is_Number and e.exp.is_negative:
            # erfcx(u)^-k = rerfcx(u)^k (e^{-u^2}/erfc(u)): 1/erfcx differentiated as a quotient is inf/inf where erfcx
            # overflows (u < -26.6), rerfcx's derivative is finite there
            return rerfcx(e.base.args[0]) ** (-e.exp)
        if e.exp == -1 and e.base.is_Add and len(e.base.args) == 2 and sp.S.One in e.base.args:
            (t,) = [t for t in e.base.args if t is not sp.S.One]
            if t.func is sp.exp:
                return sigmoid(-t.args[0])
        if e.exp.is_Number and e.exp.is_negative and e.base.is_Add:
            # 1/(c_0 + sum c_k e^{u_k})^k = exp(-k log-sum-exp): no overflow of the sum
            L = _log_expsum(e.base)
            if L is not None:
                return _from_exponent(e.exp * L)
        return e
    if e.is_Add:
        # 1 - tanh(v)^2 = cosh(v)^-2 (sympy's derivative of tanh): no cancellation where tanh rounds to 1, and a
        # power of cosh that the product rule below merges with an exponential beside it (e^u (1 - tanh(e^u)^2),
        # the derivative of tanh(e^u), was inf * 0 beyond u = 709.8: an adversarial review)
        for c0 in [a for a in e.args if a.is_Number and a != 0]:  # (c - c tanh(v)^2 = c cosh(v)^-2 alike)
            for t in e.args:
                c, r = t.as_coeff_Mul()
                if c == -c0 and r.is_Pow and r.exp == 2 and r.base.func is sp.tanh:
                    rest = [a for a in e.args if a is not c0 and a is not t]
                    return sp.Add(c0 * sp.cosh(r.base.args[0]) ** -2, *rest)
        # 1 - sigmoid(w) = sigmoid(-w)  (no cancellation where sigmoid(w) rounds to 1), and of any constant k and
        # sigmoid terms c_i sigmoid(w_i) of the opposite sign: k + c sigmoid(w) = (k + c) - c sigmoid(-w) while
        # |c| <= |k| is left (10 - sigmoid(x) - 9 sigmoid(3x) = sigmoid(-x) + 9 sigmoid(-3x): the derivative of a
        # product of logistic factors typed by hand, 3 e^{10x}/((e^x + 1)(e^{3x} + 1)^3), canceled to 0 or the wrong
        # sign once distributed over its exponential, a trust review's 47 of 60 members)
        k = next((a for a in e.args if a.is_Number and a != 0), None)
        if k is not None:
            # the Gaussian CDF's complements: k - (k/2) erfc(u) = (k/2) erfc(-u) and k + s k erf(u) = k erfc(-s u)
            # (sympy keeps erfc(-u) as 2 - erfc(u), so Phi(u) = erfc(-u/sqrt 2)/2 typed by hand is 1 - erfc(u/sqrt 2)/2,
            # 0 by cancellation below u = -8.5 and its ratios inf or NaN: a trust review's probit loss), written
            # (k/2) exp(logerfc(-u)), finite and without the cancellation, which rule (2) merges with exponentials
            for t in e.args:
                c, f = t.as_coeff_Mul()
                if f.func is sp.erfc and c == -k / 2:
                    rest = [a for a in e.args if a is not k and a is not t]
                    return sp.Add(k / 2 * sp.exp(logerfc(-f.args[0])), *rest)
                if f.func is sp.erf and abs(c) == abs(k):
                    rest = [a for a in e.args if a is not k and a is not t]
                    return sp.Add(k * sp.exp(logerfc(-(c / k) * f.args[0])), *rest)
            left, new, used = k, [], []
            for t in e.args:
                c, f = t.as_coeff_Mul()
                if f.func is sigmoid and c.is_Number and c * left < 0 and abs(c) <= abs(left):
                    left = left + c
                    new.append(-c * sigmoid(-f.args[0]))
                    used.append(t)
            if used:
                rest = [a for a in e.args if a is not k and not any(a is u for u in used)]
                return sp.Add(left, *new, *rest)
        return e
    if e.is_Mul:
        # sinh(u)^m cosh(u)^k with k < 0: tanh(u)^m cosh(u)^(k + m) (sympy's derivative of sech, -sinh/cosh^2, was
        # inf/inf beyond |u| = 710: an adversarial review); finite wherever k + m <= 0
        hyp = {}
        for f in e.args:
            b, k = (f.base, f.exp) if f.is_Pow else (f, sp.S.One)
            if b.func in (sp.sinh, sp.cosh) and k.is_Number:
                hyp.setdefault(b.args[0], {})[b.func] = (f, k)
        for u, fs in hyp.items():
            if sp.sinh in fs and sp.cosh in fs and fs[sp.cosh][1].is_negative:
                (fsh, m), (fch, k) = fs[sp.sinh], fs[sp.cosh]
                rest = [f for f in e.args if f is not fsh and f is not fch]
                return _rewrite(sp.Mul(sp.tanh(u) ** m, sp.cosh(u) ** (k + m), *rest))
        if any(f.func is sp.exp for f in e.args):
            # erfc(u)^k e^v: erfcx(u)^k when v = k u^2 exactly (exp(x^2) erfc(x) is erfcx(x), finite where erfc
            # underflows); otherwise exp(v + k logerfc(u)), finite for every u: erfcx(u)^k e^{v - k u^2} was
            # inf * 0 = NaN below u = -26.6 (erfcx overflows there while erfc(u) e^v -> 2 e^v; the diff reviewer)
            new, alt, hit = [], [], False
            for f in e.args:
                b, k = (f.base, f.exp) if f.is_Pow else (f, sp.S.One)
                if b.func is sp.erfc and k.is_Number:
                    u = b.args[0]
                    new += [erfcx(u) ** k, sp.exp(-k * u**2)]
                    alt.append(sp.exp(k * logerfc(u)))
                    hit = True
                else:
                    new.append(f)
                    alt.append(f)
            if hit:
                m = sp.Mul(*new)  # (sympy merges the exponentials: no exp left when v = k u^2)
                if any(f.func is sp.exp for f in (m.args if m.is_Mul else (m,))):
                    m = sp.Mul(*alt)
                return _rewrite(m) if m.is_Mul or m.is_Pow else m  # (erfcx(u)^-1: rerfcx(u))
        powers, rest, sums, special = [], [], [], 0
        for f in e.args:
            ep = _as_exp_power(f)
            if ep is not None:
                powers.append(ep[0])
                special += ep[1]
            elif f.is_Add and any(_as_exp_power(t) is not None or (t.is_Mul and any(
                    _as_exp_power(g) is not None for g in t.args)) for t in f.args):
                sums.append(f)
            else:
                rest.append(f)
        if sums and (powers or len(sums) > 1) and special + len(powers) >= 1:
            # distribute e^u (A)^k over a sum of exponential terms, then merge each term
            s0 = sums[0]
            others = [f for f in e.args if f is not s0]
            return sp.Add(*[_rewrite(sp.Mul(t, *others)) for t in s0.args])
        if len(powers) >= 2:  # (exp(a) exp(b) too: e^{-x+y} e^{x-y} is 1, not inf * 0)
            return sp.Mul(_from_exponent(sp.Add(*powers)), *rest)
    return e


def stabilize(expr: sp.Expr) -> sp.Expr:
    """Rewrite sums, ratios and logs of exponentials into forms that are finite wherever the exact value is.

    Recognised structurally, anywhere in the expression (bottom-up):

    * ``log(c_1 e^{u_1} + ... + c_k e^{u_k} [+ c_0])`` (``c`` positive numbers) -> a log-sum-exp chain of
      :class:`softplus` (``log(1 + e^u) = softplus(u)``, ``log(e^x + e^y) = y + softplus(x - y)``);
    * ``1/(1 + e^{-u})`` -> ``sigmoid(u)``; ``log(sigmoid(u))`` -> ``-softplus(-u)``;
      ``1 - sigmoid(u)`` -> ``sigmoid(-u)``;
    * products of exponentials, sigmoids and powers ``A^k`` of positive sums of exponentials (a hand-written
      sigmoid ``e^u/(1 + e^u)``, a softmax ``e^x/(e^x + e^y)``, ``e^{2x}/(e^x + e^y)^2``) -> one
      ``exp(sum of exponents)`` with each ``log A`` as log-sum-exp (a sigmoid where that is what it is);
      a sum of exponential terms in such a product is distributed first.

    Users who type a loss by hand get the same overflow-free code as the built-in ones
    (docs/math/stable_rewrites.md).
    """
    return stabilize_all([sp.sympify(expr)])[0]


def stabilize_all(exprs) -> list:
    """:func:`stabilize` on each of ``exprs`` with one memo (shared subexpressions rewritten once): the field F,
    whose derivatives make ratios and sums of exponentials where the losses had none (``atan(e^t)`` has the
    derivative ``e^t / (1 + e^{2t})``, inf/inf at t = 710; ``c (e^y - y)`` the derivative ``c (e^y - 1)``, 0 within
    1e-16 of y = 0)."""
    memo: dict = {}

    def rec(e):
        if e.is_Atom:
            return e
        r = memo.get(e)
        if r is None:
            c = _combine_ratios(e) if e.is_Add else None
            if c is not None:
                combined, others = c
                memo[e] = r = sp.Add(rec(combined), *[rec(t) for t in others])
                return r
            args = [rec(a) for a in e.args]
            e2 = e.func(*args) if any(a is not b for a, b in zip(args, e.args)) else e
            r = _rewrite(e2) if isinstance(e2, sp.Expr) else e2
            memo[e] = r
        return r

    cancel: dict = {}  # (the memo of the last pass, shared by the expressions as the first one's is)
    held: dict = {}  # (whether each subexpression holds an erfcx: shared)
    try:
        return [_reciprocal_erfcx(_remove_cancellations(rec(sp.sympify(e)), cancel), held) for e in exprs]
    finally:
        _as_exp_power.cache_clear()  # (its memo serves one rewrite: nothing of this one is kept alive after it)


def _holds(expr, func, memo: dict) -> bool:
    """Whether ``func`` is applied anywhere in ``expr``, each shared subexpression looked at once (``memo``, its
    answers by subexpression, shared by the calls on one field: ``has`` walks the tree, every shared subexpression
    again; 3.8 s of a 300-parameter mlp's derivation)."""
    if expr.is_Atom:
        return False
    r = memo.get(expr)
    if r is None:
        r = memo[expr] = expr.func is func or any(_holds(a, func, memo) for a in expr.args)
    return r


def _reciprocal_erfcx(expr, memo: dict | None = None):
    """Every ``erfcx(u)^-k`` left in ``expr`` as ``rerfcx(u)^k``, whatever multiplies it: the rule of
    :func:`_rewrite` saw the power alone, and ``c e^{-u^2}/erfc(u)`` (a constant c: the inverse Mills ratio as
    typed, ``sqrt(2/pi) e^{-x^2/2}/erfc(x/sqrt 2)``) kept ``c/erfcx(u)``, whose derivatives are quotients by erfcx^2:
    NaN below u = -26.6 and of the wrong sign at u = 1e8 (a review)."""
    if not _holds(expr, erfcx, {} if memo is None else memo):
        return expr
    return expr.replace(lambda t: t.is_Pow and t.base.func is erfcx and t.exp.is_Number and t.exp.is_negative,
                        lambda t: rerfcx(t.base.args[0]) ** (-t.exp))


def _remove_cancellations(expr, memo: dict):
    """The last pass of :func:`stabilize_all`: every sum that still holds a pair cancelling near a point
    (:func:`_cancelling_pair`: ``c e^u - c``, ``k + c/(a0 + u)``, ``c sqrt(a0 + u) - c sqrt(a0)``) rewritten without
    the cancellation, after the other rules (which merge ``(e^x - 1)/(e^x + 1)`` into sigmoids first).  ``e^u - 1``
    rounds to 0 where ``|u| < 1e-16``; ``expm1`` keeps its relative accuracy (``1 - e^{-x} = -expm1(-x)`` is ``1e-20``
    at ``x = 1e-20``).  ``memo`` maps each subexpression already seen to its rewrite."""

    def rec(e):
        if e.is_Atom:
            return e
        r = memo.get(e)
        if r is None:
            args = [rec(a) for a in e.args]
            r = e.func(*args) if any(a is not b for a, b in zip(args, e.args)) else e
            if r.is_Add:
                r = _cancelling_pair(r)
            memo[e] = r
        return r

    return rec(expr)


def _cancelling_pair(e):
    """One sum of :func:`_remove_cancellations`: ``c e^u - c -> c expm1(u)``, else ``k + c/(a0 + u) -> k u/(a0 + u)`` where
    ``c = -k a0`` (``1/2 - 1/(2 (1 + y))``, the derivative of ``(y - log(1 + y))/2``, is 0 for ``|y| < 1.1e-16``; ``y/(2
    (1 + y))`` keeps its relative accuracy), else ``c sqrt(a0 + u) - c sqrt(a0) -> c u/(sqrt(a0 + u) + sqrt(a0))``
    (``sqrt(1 + 2y) - 1`` is 0 for ``|y| < 1.1e-16``, and gd's runs fell at the rate of that computed map, 0.5 for
    the linearisation's 0.707)."""
    k = next((t for t in e.args if t.is_Number), None)
    if k is None or k == 0:
        return e
    for t in e.args:
        c, f = t.as_coeff_Mul()
        if f.func is sp.exp and c == -k:
            rest = [a for a in e.args if a is not t and a is not k]
            return sp.Add(c * expm1(f.args[0]), *rest)
    for t in e.args:
        c, f = t.as_coeff_Mul()
        if not (f.is_Pow and f.base.is_Add and f.exp in (-1, sp.Rational(1, 2))):
            continue
        a0 = next((a for a in f.base.args if a.is_Number), None)
        if a0 is None or a0 <= 0:
            continue
        u = f.base - a0  # (the rest of the base: exact, no rounding)
        rest = [a for a in e.args if a is not t and a is not k]
        if f.exp == -1 and c == -k * a0:  # k - k a0/(a0 + u) = k u/(a0 + u)
            return sp.Add(k * u / f.base, *rest)
        if f.exp == sp.Rational(1, 2) and c * sp.sqrt(a0) == -k:  # c (sqrt(a0 + u) - sqrt(a0)) = c u/(sqrt(a0 + u) + sqrt(a0))
            return sp.Add(c * u / (f + sp.sqrt(a0)), *rest)
    return e


def _check_lambda(f, what: str, or_none: bool = False) -> None:
    """``f`` a sympy Lambda of one variable (a loss's ``f`` or ``generator``), or a GandynamicsError naming ``what``."""
    if isinstance(f, sp.Lambda) and len(f.variables) == 1:
        return
    got = (f"a Lambda of {len(f.variables)} variables" if isinstance(f, sp.Lambda)
           else f"{type(f).__name__} {f!r}")
    raise GandynamicsError(f"{what} must be a sympy Lambda of one variable{' (or None)' if or_none else ''}, e.g. "
                           f"sp.Lambda(t, -sp.log(1 + sp.exp(-t))), got {got}")


@dataclass(frozen=True)
class Loss:
    """A GAN loss: the scalar function ``f`` of M18 eq. (1) and whether the generator uses the
    non-saturating form ``-E f(-D(G(z)))``.

    Raises
    ------
    GandynamicsError
        when made with an argument of the wrong kind: ``f`` (or ``generator``) not a sympy Lambda of one variable,
        ``name`` not text, ``non_saturating`` not True or False.
    """

    name: str
    f: sp.Lambda
    non_saturating: bool = False
    description: str = ""
    #: the generator's own function ``g``: ``L_G = E_{p_theta} g(D(x))`` (hinge: ``g(t) = t``); ``None``
    #: means ``L_G = L`` (or the non-saturating form when ``non_saturating``)
    generator: sp.Lambda | None = None
    #: where the loss is defined (author, year, venue, equation)
    source: str = ""

    def __post_init__(self):
        """Each argument checked by kind when the loss is made (``Loss('x', 3)`` was accepted and raised "'int' object
        is not callable" from inside a GAN's field, naming nothing).

        Raises
        ------
        GandynamicsError
            ``name`` not non-empty text; ``f`` (or ``generator``, when given) not a sympy Lambda of one variable;
            ``non_saturating`` not True or False; ``description`` or ``source`` not text.
        """
        from .validate import boolean
        if not isinstance(self.name, str) or not self.name.strip():
            raise GandynamicsError(f"Loss: name must be non-empty text (how reports name the loss, e.g. 'custom'), "
                                   f"got {self.name!r}")
        _check_lambda(self.f, "Loss: f")
        if self.generator is not None:
            _check_lambda(self.generator, "Loss: generator", or_none=True)
        object.__setattr__(self, "non_saturating", boolean(self.non_saturating, "Loss: non_saturating"))
        for key in ("description", "source"):
            if not isinstance(getattr(self, key), str):
                raise GandynamicsError(f"Loss: {key} must be text, got {getattr(self, key)!r}")

    def __call__(self, t):
        return self.f(t)

    def derivatives_at_zero(self) -> tuple[float, float]:
        """``(f'(0), f''(0))`` as floats (``(1/2, -1/4)`` for the standard loss)."""
        t = sp.Dummy("t", real=True)
        ft = self.f(t)
        d1 = sp.diff(ft, t).subs(t, 0)
        d2 = sp.diff(ft, t, 2).subs(t, 0)
        return float(sp.N(d1)), float(sp.N(d2))


_t = sp.Symbol("t", real=True)

LOSSES: dict[str, Loss] = {
    "standard": Loss("standard", sp.Lambda(_t, -softplus(-_t)), False,
                     "f(t) = -log(1 + exp(-t)); generator minimises L (M18 eq. 1)"),
    "non-saturating": Loss("non-saturating", sp.Lambda(_t, -softplus(-_t)), True,
                           "same f; generator minimises -E f(-D(G(z))) (Goodfellow et al. 2014)"),
    "wgan": Loss("wgan", sp.Lambda(_t, _t), False, "f(t) = t (Arjovsky et al. 2017)"),
    # least squares (docs/math/losses-and-regularizers.md §1): D regresses fake -> +1, real -> -1 (D is a
    # fakeness logit), the generator pulls D(G(z)) to the real target -1: Mao et al. (2017), eq. (2) with
    # a = -1, b = c = 1 in their realness coding
    "lsgan": Loss("lsgan", sp.Lambda(_t, -(_t - 1) ** 2 / 2), True,
                  "f(t) = -(t-1)^2/2: D: 1/2 E_pD (D+1)^2 + 1/2 E_ptheta (D-1)^2; G: 1/2 E_ptheta (D+1)^2 "
                  "(Mao et al. 2017)",
                  source="Mao et al. 2017, Least Squares GANs, ICCV, eq. (2) with a = -1, b = c = 1"),
    # hinge (docs/math/losses-and-regularizers.md §2): D: E_pD max(0, 1 + D) + E_ptheta max(0, 1 - D);
    # the generator minimises E_ptheta D (= -E D_real-logit), Lim & Ye (2017), Miyato et al. (2018)
    "hinge": Loss("hinge", sp.Lambda(_t, sp.Min(0, _t - 1)), False,
                  "f(t) = min(0, t-1): D: E_pD max(0, 1+D) + E_ptheta max(0, 1-D); G: E_ptheta D "
                  "(Lim & Ye 2017; Miyato et al. 2018)",
                  generator=sp.Lambda(_t, _t),
                  source="Lim & Ye 2017, Geometric GAN, arXiv:1705.02894, eqs. (19)-(20); Miyato et al. 2018, "
                         "Spectral Normalization for GANs, ICLR, eq. (16)"),
}


def get_loss(loss) -> Loss:
    """Resolve a loss given by name, as a :class:`Loss`, or as a one-variable :class:`sympy.Lambda`."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, sp.Lambda):
        if len(loss.variables) != 1:
            raise GandynamicsError(f"a custom loss must be a Lambda of one variable, got {len(loss.variables)}")
        return Loss("custom", sp.Lambda(loss.variables, stabilize(loss.expr)), False, str(loss))
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise GandynamicsError(choice_refusal(loss, "loss", LOSSES, also="or a sympy Lambda"))
