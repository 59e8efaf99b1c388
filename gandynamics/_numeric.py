"""Overflow-free scalar functions called by generated kernels (compiled with Numba).

``sigmoid(x) = 1/(1+exp(-x))`` and ``softplus(x) = log(1+exp(x))`` are written through ``exp(-|x|)``,
which never overflows, so they are finite (and correctly rounded to a few ulps) for every finite x, and
propagate NaN.  ``sign`` follows ``numpy.sign`` (``sign(0) = 0``; Mescheder's WGAN-GP code convention).
"""

import math

from numba import njit

__all__ = ["sigmoid", "softplus", "sign"]


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
