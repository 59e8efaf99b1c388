"""Overflow-free scalar functions called by generated kernels (compiled with Numba).

``sigmoid(x) = 1/(1+exp(-x))`` and ``softplus(x) = log(1+exp(x))`` are written through ``exp(-|x|)``,
which never overflows, so they are finite (and correctly rounded to a few ulps) for every finite x, and
propagate NaN.  ``sign`` follows ``numpy.sign`` (``sign(0) = 0``; Mescheder's WGAN-GP code convention).
"""

import math

import numpy as np
from numba import njit

__all__ = ["sigmoid", "softplus", "sign", "safe_div"]


@njit(cache=True, inline="always")
def sigmoid(x):
    e = math.exp(-abs(x))
    r = 1.0 / (1.0 + e)
    return r if x >= 0.0 else e * r


@njit(cache=True, inline="always")
def softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@njit(cache=True, inline="always")
def sign(x):
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return x * 0.0  # 0 for 0, NaN for NaN


# --------------------------------------------------------------------------------------------------
# Branch-free, vectorizable variants for the batch integrators (gandynamics.kernels).  LLVM cannot
# vectorize a call to libm's exp (numba has no vector math library without SVML), so the block
# evaluator of the field uses this exp: Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, a degree-11
# near-minimax polynomial of exp(r) (error 3.2e-18 relative), and 2^k built from its bits in two
# factors (so that results down to the subnormal range are right).  Measured against numpy.exp on 3e6
# points in [-800, 0]: at most 1 ulp.  Compiled with error_model="numpy" (no ZeroDivisionError branch).

import struct as _struct

from llvmlite import ir as _ir
from numba.core import types as _types
from numba.extending import intrinsic as _intrinsic


@_intrinsic
def _bits_to_float(typingctx, x):
    """Reinterpret the bits of an int64 as a float64 (one LLVM bitcast)."""
    sig = _types.float64(_types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], _ir.DoubleType())

    return sig, codegen


@_intrinsic
def _float_to_bits(typingctx, x):
    """Reinterpret the bits of a float64 as an int64 (one LLVM bitcast)."""
    sig = _types.int64(_types.float64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], _ir.IntType(64))

    return sig, codegen


def _bits_to_float_py(x):
    """:func:`_bits_to_float` in Python (the low 64 bits of ``x``, as int64 arithmetic wraps)."""
    return _struct.unpack("<d", _struct.pack("<Q", x & 0xFFFFFFFFFFFFFFFF))[0]


def _float_to_bits_py(x):
    """:func:`_float_to_bits` in Python."""
    return _struct.unpack("<q", _struct.pack("<d", x))[0]


#: Python equivalents of the intrinsics, used when this module runs in the interpreter (gandynamics._interpreted)
INTERPRETED = {"_bits_to_float": _bits_to_float_py, "_float_to_bits": _float_to_bits_py}

#: 1.5 * 2**52: adding it to |t| < 2**51 rounds t to an integer held in the low bits of the mantissa
_SHIFTER = 6755399441055744.0
_SHIFTER_BITS = 0x4338000000000000


#: ln 2 in two parts (fdlibm's ``ln2_hi``, ``ln2_lo``): ``ln2_hi`` has 32 significant bits, so ``k ln2_hi`` is exact
#: for the ``|k| < 2**21`` of every reduction here, and ``ln2_hi + ln2_lo`` is ln 2 to about 2**-86
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10


@njit(cache=True, inline="always", error_model="numpy")
def _ln2_reduce(y):
    """``(k, r)`` with ``y = k ln2 + r``, ``|r| <= ln2 / 2`` (``|y| < 2**51``, or NaN: then ``r`` is NaN), for
    :func:`_exp_clamped` and :func:`sigmoid_v`: ``k = round(y / ln2)`` (an int64) by the shifter trick
    (``y log2(e) + 1.5 * 2**52`` holds ``k`` in its low mantissa bits: no rounding or float/int conversion
    instruction), ``r`` in two Cody--Waite parts (:data:`_LN2_HI`, :data:`_LN2_LO`)."""
    t = y * 1.4426950408889634 + _SHIFTER
    kf = t - _SHIFTER
    return _float_to_bits(t) - _SHIFTER_BITS, (y - kf * _LN2_HI) - kf * _LN2_LO


@njit(cache=True, inline="always", error_model="numpy")
def _exp_clamped(y):
    """``exp(y)`` for ``-745.5 <= y <= 710`` or NaN (the callers clamp), branch-free; within 1 ulp of
    ``math.exp`` where the result is normal.

    ``y = k ln2 + r`` (:func:`_ln2_reduce`), a degree-11 polynomial of ``exp(r)`` (the Chebyshev near-minimax
    fit on ``|r| <= 1.0001 ln2/2``, ``mpmath.chebyfit`` at 50 digits, error 3.2e-18, rounded to doubles; the
    degree-13 Taylor polynomial it replaces was 10% slower) and ``2**k`` from its bits in two factors (so that results down to the subnormal
    range and up to ``2**1025``, which overflows to inf, are right).  A NaN makes ``r`` and the polynomial NaN,
    so no separate NaN test is needed.
    """
    k, r = _ln2_reduce(y)
    p = 2.5110049204818658e-08
    p = p * r + 2.763265472252779e-07
    p = p * r + 2.755724088722987e-06
    p = p * r + 2.4801485441561313e-05
    p = p * r + 0.00019841269890076403
    p = p * r + 0.0013888888952352863
    p = p * r + 0.008333333333319589
    p = p * r + 0.04166666666648795
    p = p * r + 0.1666666666666668
    p = p * r + 0.5000000000000019
    p = p * r + 1.0
    p = p * r + 1.0
    k1 = k >> 1
    k2 = k - k1
    return p * _bits_to_float((k1 + 1023) << 52) * _bits_to_float((k2 + 1023) << 52)


@njit(cache=True, inline="always", error_model="numpy")
def exp_v(x):
    """``exp(x)`` for every x (``+inf`` above 709.78, NaN for NaN), branch-free: :func:`_exp_clamped` with ``x``
    clamped to [-745.5, 710] (``2**k`` in two factors reaches ``2**1025``, so the clamped values overflow to
    inf as the exact ones do); within 1 ulp of ``math.exp`` where the result is normal."""
    y = -745.5 if x < -745.5 else x
    return _exp_clamped(710.0 if y > 710.0 else y)


#: fdlibm's (e_exp.c) coefficients of ``R(w) = 2 + P1 w + ... + P5 w**5``, ``w = r**2``: a Remez fit of
#: ``r (exp(r) + 1) / (exp(r) - 1)`` on ``|r| <= ln2 / 2`` with error below ``2**-59``
_EXP_P = (1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05,
          -1.65339022054652515390e-06, 4.13813679705723846039e-08)


@njit(cache=True, inline="always", error_model="numpy")
def sigmoid_v(x):
    """:func:`sigmoid` ``1 / (1 + exp(-x))``, branch-free and vectorizable, with *one* division for the exp and
    the logistic function together: within 2 ulps of the correctly rounded value wherever that is a normal double
    (2.5 ulps of the exact value: four roundings, of ``R + r``, ``R - r``, the sum and the quotient, reach 2.47 at
    the top of a binade for x in [-37, -1]; ``tests/test_numeric.py``), in ``[0, 2.3e-308]`` below it, 1 and 0 at
    ``x = +-inf``, NaN for NaN.

    With ``y = -x`` clamped to ``[-700, 710]`` (below -700 ``1 + exp(y)`` rounds to 1, above 709.79 ``exp(y)``
    overflows: the clamped values give the same results), ``y = k ln2 + r`` (:func:`_ln2_reduce`,
    ``|r| <= ln2 / 2``) and fdlibm's rational form of the exp, ``exp(r) = (R + r) / (R - r)`` with
    ``R = 2 + r**2 (P1 + P2 r**2 + ... + P5 r**8)`` (:data:`_EXP_P`), the value is::

        1 / (1 + 2**k (R + r) / (R - r)) = (R - r) / ((R - r) + 2**k (R + r))

    ``2**k`` is one factor built from its bits: it is infinite for ``k = 1024`` and the value 0, where the exact
    one is below 1.2e-308.  Seven multiply-adds and a division, against the twelve of a polynomial exp followed by
    ``1 / (1 + e)``: the kernels' steps of the R1 Dirac-GAN run 20 % faster (``studies/RESULTS_sweep.md``).  The
    stable form through ``exp(-|x|)`` with a select is not needed: the clamp keeps every intermediate finite.
    """
    y = -x
    y = -700.0 if y < -700.0 else y
    y = 710.0 if y > 710.0 else y
    k, r = _ln2_reduce(y)
    w = r * r
    s = _EXP_P[4]
    s = s * w + _EXP_P[3]
    s = s * w + _EXP_P[2]
    s = s * w + _EXP_P[1]
    s = s * w + _EXP_P[0]
    big = s * w + 2.0
    q = big - r
    return q / (q + (big + r) * _bits_to_float((k + 1023) << 52))


@njit(cache=True, inline="always", error_model="numpy")
def safe_div(a, b):
    """``a / b``, and ``0`` where ``b == 0`` (the gradient of a norm at the origin; see ``losses.safediv``)."""
    return a / b if b != 0.0 else 0.0 * a


#: bits of 0x3fe6a09e00000000 (just below sqrt(1/2)): the mantissa of x is reduced into [sqrt(1/2), sqrt(2))
_LOG_OFF = 0x3FE6A09E00000000


@njit(cache=True, inline="always", error_model="numpy")
def log_pos(x):
    """``log(x)`` for a positive normal finite double (``2.2250738585072014e-308 <= x < inf``), branch-free and
    vectorizable; within 1 ulp of ``math.log``.  Outside that domain the value is meaningless (callers test
    first: :mod:`gandynamics.verdict` takes logs of distances above its rounding floor only).

    ``x = 2^k m`` with ``m`` in ``[sqrt(1/2), sqrt(2))`` from the bits (the exponent field less that of
    sqrt(1/2)), then ``log(m) = log1p(f)``, ``f = m - 1``, by the atanh series in ``s = f / (2 + f)`` summed as a
    polynomial in ``s^2`` split into even and odd terms -- the reduction and coefficients of fdlibm's ``e_log.c``
    (Sun Microsystems, 1993; error below 1 ulp), with ``k ln 2`` in two parts.  The same operations in Python
    (the interpreted copy) give the same bits: no fused multiply-add here (no fastmath flag).
    """
    ix = _float_to_bits(x)
    k = (ix - _LOG_OFF) >> 52
    f = _bits_to_float(ix - (k << 52)) - 1.0
    dk = float(k)
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
    t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01
                                                                            + w * 1.479819860511658591e-01)))
    R = t2 + t1
    return s * (hfsq + R) + dk * _LN2_LO - hfsq + f + dk * _LN2_HI


# --------------------------------------------------------------------------------------------------
# Stable forms of logs of hyperbolic functions, of differences of exponentials and of the complementary error
# function: the functions gandynamics.losses.stabilize writes (docs/math/stable_rewrites.md, rules 6-8).  Each is finite
# wherever its exact value is a finite double, and within a few ulps of it (tests/test_stable_rewrites.py).

#: ln 2, rounded to the nearest double
_LN2 = 0.6931471805599453
#: 1 / sqrt(pi), 2 / sqrt(pi)
_RSQRTPI = 0.5641895835477563
_TWO_RSQRTPI = 1.1283791670955126


@njit(cache=True, inline="always", error_model="numpy")
def logcosh(x):
    """``log(cosh(x))``: ``log1p(2 sinh(|x|/2)^2)`` for ``|x| < 1`` (``cosh x - 1 = 2 sinh^2(x/2)``: no cancellation
    near 0, where the value is ``x^2/2``), ``(|x| - log 2) + log1p(exp(-2|x|))`` above (no overflow: the argument of
    exp is negative)."""
    a = abs(x)
    if a < 1.0:
        s = math.sinh(0.5 * a)
        return math.log1p(2.0 * s * s)
    return (a - _LN2) + math.log1p(math.exp(-2.0 * a))


@njit(cache=True, inline="always", error_model="numpy")
def logsinh(x):
    """``log(sinh(x))`` for ``x > 0``: ``(x - log 2) + log1p(-exp(-2x))`` for ``x > 1`` (no overflow of sinh above
    710), ``log(sinh(x))`` below; NaN for ``x < 0`` and ``-inf`` at 0, as the log of a non-positive number."""
    if x > 1.0:
        return (x - _LN2) + math.log1p(-math.exp(-2.0 * x))
    return math.log(math.sinh(x))


@njit(cache=True, inline="always", error_model="numpy")
def log1mexp(a):
    """``log(1 - exp(-a))`` for ``a > 0``, by Mächler's rule (Rmpfr vignette "Accurately computing
    log(1 - exp(-|a|))", 2012, eq. (7)): ``log(-expm1(-a))`` for ``a <= log 2``, ``log1p(-exp(-a))`` above; finite for
    every ``a > 0`` (``-46.05`` at ``a = 1e-20``, where ``1 - exp(-a)`` rounds to 0); NaN below 0, ``-inf`` at 0."""
    if a > _LN2:
        return math.log1p(-math.exp(-a))
    return math.log(-math.expm1(-a))


@njit(cache=True, inline="always", error_model="numpy")
def invexpm1(a):
    """``1 / (exp(a) - 1)``: ``1 / expm1(a)`` (0 above 709.78, where the exact value is below the smallest
    double; ``1e20`` at ``a = 1e-20``; inf at 0)."""
    return 1.0 / math.expm1(a)


#: the exp(x^2) erfc(x) product is used below this argument, the continued fraction above it
_ERFCX_CF = 5.0
#: depth of the continued fraction: at x = 5 its truncation error is below 1e-17 relative
_ERFCX_TERMS = 24


@njit(cache=True, inline="always", error_model="numpy")
def erfcx(x):
    """The scaled complementary error function ``exp(x^2) erfc(x)``, finite wherever that value is (every
    ``x > -26.6``; it overflows below), within a few ulps.

    * ``x < 5``: the product itself, with ``x^2 = h + l`` split exactly (Dekker's product, Veltkamp's splitting:
      T. J. Dekker, "A floating-point technique for extending the available precision", Numer. Math. 18, 1971) and
      ``exp(x^2) = exp(h) (1 + l)``, so the rounding of ``x^2`` (up to 700 ulps of ``exp`` at ``x = -26``) is not
      amplified; libm's ``erfc`` is accurate to an ulp (relative) in its tail, where ``erfc(5) = 1.5e-12``;
    * ``x >= 5``: Laplace's continued fraction (Abramowitz & Stegun 1964, 7.1.14; Cuyt et al., *Handbook of
      Continued Fractions for Special Functions*, 2008, eq. 13.2.20a)
      ``erfcx(x) = (1/sqrt(pi)) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))``, evaluated backwards from depth 24
      (truncation error below ``1e-17`` relative at ``x = 5``, smaller above); ``1/(sqrt(pi) x)`` to 1 ulp at
      ``x > 1e8``.  NaN for NaN."""
    if x < _ERFCX_CF:
        c = 134217729.0 * x
        xh = c - (c - x)
        xl = x - xh
        h = x * x
        lo = ((xh * xh - h) + 2.0 * xh * xl) + xl * xl
        return math.exp(h) * (1.0 + lo) * math.erfc(x)
    if x > 1e8:
        return _RSQRTPI / x
    f = x
    for n in range(_ERFCX_TERMS, 0, -1):
        f = x + (0.5 * n) / f
    return _RSQRTPI / f


@njit(cache=True, inline="always", error_model="numpy")
def rerfcx(x):
    """``1 / erfcx(x) = exp(-x^2) / erfc(x)`` (``sqrt(pi) x`` for large x, 0 below ``x = -26.6``)."""
    return 1.0 / erfcx(x)


@njit(cache=True, inline="always", error_model="numpy")
def logerfc(x):
    """``log(erfc(x))``: ``log1p(-erf(x))`` for ``|x| < 0.5`` (``-2x/sqrt(pi)`` near 0, where erfc rounds to 1),
    ``log(erfc(x))`` below -0.5 (erfc in (1.5, 2]), ``log(erfcx(x)) - x^2`` above 0.5 (both terms negative: no
    cancellation; finite for every finite x, ``-1604.2`` at ``x = 40``)."""
    if x <= -0.5:
        return math.log(math.erfc(x))
    if x < 0.5:
        return math.log1p(-math.erf(x))
    return math.log(erfcx(x)) - x * x


# --------------------------------------------------------------------------------------------------
# Derivatives of every order of erfcx and of rerfcx = 1/erfcx (losses.erfcx_d, losses.rerfcx_d).  The derivatives
# written through the functions themselves, erfcx' = 2x erfcx - 2/sqrt(pi) and rerfcx' = -2x r + (2/sqrt(pi)) r^2,
# cancel catastrophically for large x (erfcx' = -1/(sqrt(pi) x^2) to leading order, the difference of two terms of
# size 2/sqrt(pi): relative error eps x^2, a second derivative eps x^4; an adversarial review found a stable
# equilibrium at x = 1e6 reported unstable, J = +5.2e-11 for -1.1e-18).  Here neither has a cancellation: the
# derivatives are sums of terms of one sign where each formula is used (measured against mpmath at 50 digits:
# tests/test_stable_derivatives.py).

#: below this argument the forward recurrences (no cancellation for x < 0, little up to 1), above it the jets of the
#: ratio recurrence (the forward recurrence loses x^(2k) ulps: 1e-13 at x = 3 for k = 3; the ratios need 550/x^2
#: levels, 560 at x = 1)
_ERFCXD_SPLIT = 1.0


@njit(cache=True, inline="always")
def _erfcxd_split(k):
    """Below this argument :func:`erfcx_d` of order ``k`` takes the forward recurrence: where it loses at most about
    3e-14 (relative, measured against mpmath: 2e-14 at x = 5 for k = 1, 3e-14 at 3 for k = 2, 5e-14 at 2 for k = 3 and
    at 1.5 for k = 4), above it the ratio jets, whose depth 550/x^2 made a sweep of erfcx'(x) on [1, 1.5] 80 times
    slower than one below 1 (a diff review: 4.7 us a call at x = 1)."""
    if k == 1:
        return 5.0
    if k == 2:
        return 3.0
    if k == 3:
        return 2.0
    if k == 4:
        return 1.5
    return _ERFCXD_SPLIT


@njit(cache=True, error_model="numpy")
def _erfcx_ratio_jets(k, x):
    """Taylor coefficients in h (orders 0..k, the derivatives over j!) at x >= 1 of ``rho_0 = E_0/E_-1`` and
    ``rho_1 = E_1/E_0``, where ``E_n = exp(x^2) i^n erfc(x)`` (the repeated integrals of erfc; ``E_-1 = 2/sqrt(pi)``,
    ``E_0 = erfcx``; DLMF 7.18).  ``E_(n-2) = 2x E_(n-1) + 2n E_n`` (DLMF 7.18.7) gives
    ``rho_(n-1) = 1/(2x + 2n rho_n)``, run backwards from ``rho_N = 0`` (Miller's algorithm; W. Gautschi,
    "Computational aspects of three-term recurrence relations", SIAM Review 9, 1967): the minimal solution, positive
    terms only.  The same recurrence on truncated Taylor series in h (jets: ``q = 1/D`` by
    ``q_m = -q_0 sum_(j=1..m) D_j q_(m-j)``) gives the derivatives.  ``N = 10 + 550/x^2`` levels: above the smallest
    depth measured to reach the rounding floor for orders up to 5 (448 at x = 1, 116 at 2, 29 at 5, 10 at 20)."""
    levels = int(10.0 + 550.0 / (x * x))
    rho = np.zeros(k + 1)
    nxt = np.zeros(k + 1)
    d = np.zeros(k + 1)
    for n in range(levels, 0, -1):
        for j in range(k + 1):
            d[j] = (2.0 * n) * rho[j]
        d[0] += 2.0 * x
        if k >= 1:
            d[1] += 2.0
        q0 = 1.0 / d[0]
        nxt[0] = q0
        for m in range(1, k + 1):
            s = 0.0
            for j in range(1, m + 1):
                s += d[j] * nxt[m - j]
            nxt[m] = -s * q0
        if n == 1:
            return nxt, rho
        rho, nxt = nxt, rho
    return rho, rho  # (not reached: levels >= 10)


@njit(cache=True, inline="always")
def _factorial(k):
    f = 1.0
    for j in range(2, k + 1):
        f *= j
    return f


@njit(cache=True, error_model="numpy")
def erfcx_d(k, x):
    """The k-th derivative of :func:`erfcx` (``k >= 0`` an integer), within a few ulps for every x where it is a
    finite double (it overflows below x = -26.6 as erfcx does), NaN for NaN.

    ``d^k/dx^k erfcx(x) = (-2)^k k! E_k(x)`` (DLMF 7.18.8; ``E_k = exp(x^2) i^k erfc(x)``), of sign ``(-1)^k``
    everywhere (erfcx is completely monotone).

    * ``x`` below :func:`_erfcxd_split` (1 to 5 by the order): the forward recurrence ``y_k = 2x y_(k-1) + 2(k-1)
      y_(k-2)``, ``y_1 = 2x erfcx(x) - 2/sqrt(pi)`` (it loses at most about 3e-14 there)
      (terms of one sign for x < 0; at most a factor 3 cancels on [0, 1));
    * above it: ``(2/sqrt(pi)) k!`` times the k-th Taylor coefficient of ``rho_0`` (:func:`_erfcx_ratio_jets`;
      ``erfcx = (2/sqrt(pi)) rho_0``: Laplace's continued fraction, differentiated), ``-1/(sqrt(pi) x^2)`` to an ulp
      for k = 1 at x = 1e6, where the forward form lost 12 digits."""
    if x != x:
        return x
    if k == 0:
        return erfcx(x)
    if x < _erfcxd_split(k):
        y0 = erfcx(x)
        y1 = 2.0 * x * y0 - _TWO_RSQRTPI
        for j in range(2, k + 1):
            y0, y1 = y1, 2.0 * x * y1 + (2.0 * (j - 1)) * y0
        return y1
    r0, r1 = _erfcx_ratio_jets(k, x)
    return _TWO_RSQRTPI * _factorial(k) * r0[k]


#: sqrt(pi)
_SQRTPI = 1.7724538509055159


@njit(cache=True, error_model="numpy")
def rerfcx_d(k, x):
    """The k-th derivative of :func:`rerfcx` ``= 1/erfcx`` (``k >= 0``), NaN for NaN, 0 below x = -26.6 (where the
    exact values are below 1e-300).  For orders 0 to 3 within about 1e-13 of ``|r^(k)| + |x r^(k+1)|`` (tests/
    test_stable_derivatives.py; higher orders, measured, 1e-12 to 1e-11 just below x = 1) (orders >= 3 have
    some: ``r'''(-0.70) = 0``; there the error is of the size of the neighbouring values').

    * ``x < 1``: the Taylor coefficients ``s_m`` of ``r = 1/erfcx`` from the Riccati equation
      ``r' = -2x r + (2/sqrt(pi)) r^2``: ``(m+1) s_(m+1) = -2x s_m - 2 s_(m-1) + (2/sqrt(pi)) sum_j s_j s_(m-j)`` (terms
      of one sign for x < 0);
    * ``x >= 1``: ``r' = -erfcx' r^2`` (the first order), ``r'' = (2 erfcx'^2 r - erfcx'') r^2`` below 1.5 (the second),
      else ``r = sqrt(pi) (x + rho_1)`` exactly (``r = 1/((2/sqrt(pi)) rho_0)`` and ``1/rho_0 = 2x + 2 rho_1``),
      so ``r^(k) = sqrt(pi) (k! [h^k] rho_1 + [k = 1])`` from the jets of :func:`_erfcx_ratio_jets`: ``r' = sqrt(pi)
      (1 + rho_1')`` with ``rho_1' ~ -1/(2x^2)``, ``r'' = sqrt(pi) rho_1'' ~ sqrt(pi)/x^3``, where the Riccati form of
      ``r''`` is ``2 sqrt(pi)/x`` minus ``2 sqrt(pi)/x``."""
    if x != x:
        return x
    if k == 0:
        return rerfcx(x)
    if k == 1 and x >= _ERFCXD_SPLIT:  # (r' = -erfcx' r^2: a product of accurate factors, as cheap as erfcx_d(1, x))
        r = rerfcx(x)
        return -erfcx_d(1, x) * r * r
    if k == 2 and _ERFCXD_SPLIT <= x < 1.5:  # (r'' = 2 erfcx'^2 r^3 - erfcx'' r^2: its two terms cancel by about 2x^2,
        r = rerfcx(x)                          # 4.5 at x = 1.5; the jets' depth there cost 3 us a call on [1, 1.5])
        y1 = erfcx_d(1, x)
        return (2.0 * y1 * y1 * r - erfcx_d(2, x)) * r * r
    if x < _ERFCXD_SPLIT:
        s = np.zeros(k + 1)
        s[0] = 1.0 / erfcx(x)
        for m in range(k):
            acc = 0.0
            for j in range(m + 1):
                acc += s[j] * s[m - j]
            t = _TWO_RSQRTPI * acc - 2.0 * x * s[m]
            if m >= 1:
                t -= 2.0 * s[m - 1]
            s[m + 1] = t / (m + 1)
        return _factorial(k) * s[k]
    r0, r1 = _erfcx_ratio_jets(k, x)
    v = _factorial(k) * r1[k]
    if k == 1:
        v += 1.0
    return _SQRTPI * v
