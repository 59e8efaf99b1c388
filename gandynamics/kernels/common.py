"""Kernel source: helpers shared by every driver (appended to a field's generated module).

Real Python source read by :func:`gandynamics.kernels.kernel_source`; the lines between the ``>>> stub``
and ``<<< stub`` markers only make the names resolvable for tools and are dropped on appending.
"""
# >>> stub
import math

import numpy as np
from numba import njit

from gandynamics.kernels.stubs import NZ, field_block
# <<< stub
from gandynamics._numeric import _float_to_bits, exp_v as _exp_v, sigmoid_v as _sigmoid_v  # noqa: F401  (used by the generated field_block and fused steps)

NB = 64  # block width: trajectories per inner loop (replaced by kernel_source's nb)
#: a block's active width NW (the columns its steps run over) is its rows rounded up to a multiple of this: LLVM
#: vectorizes the drivers' column loops 8 lanes wide (AVX-512 doubles) and interleaves up to 4 such vectors (32
#: columns an iteration); 16 was the fastest width for one trajectory (R1 Dirac-GAN, gd: 34 ns a step; 8: 46; 32:
#: 41; 256: 234; 2026-12-04)
LANES = 16
#: LLVM fast-math flags of the drivers (and of the fused steps inlined into them): "contract" lets a*b+c be one
#: FMA; no "nnan"/"ninf", so NaN and inf propagate and the divergence tests stay valid.  Adding "reassoc",
#: "arcp", "afn" and "nsz" was measured 8-16% faster and is WRONG: reassociation folds the exp's shifter
#: trick ((x log2e + S) - S -> x log2e), final states then differed from NumPy by up to 4 (studies/RESULTS_sweep.md)
FASTMATH = {"contract"}


@njit(cache=True, nogil=True, fastmath=False)
def _gk_dput(DIST, TDIST, row, ri, v):
    """Store the distance of ``row`` at its ``ri``-th recording step: ``DIST[row, ri]`` (row-major, ``(B, R)``), or
    ``DIST[ri, row]`` when ``TDIST`` (sample-major, ``(R, B)``: a sweep's scratch blocks, read lanes-as-rows)."""
    if TDIST:
        DIST[ri, row] = v
    else:
        DIST[row, ri] = v


@njit(cache=True, nogil=True, fastmath=False)
def _gk_scaled_dist(a, c):
    """``|a - c|`` for 1-D ``a``, ``c`` without overflow in the squares: ``m sqrt(sum ((a_i - c_i) / m)^2)``,
    ``m = max |a_i - c_i|`` (inf only when a difference itself is infinite).  For the rare distance whose plain sum of
    squares overflowed (above about 1.3e154: a run under an infinite bound recorded inf while its states were
    finite); the drivers call it only then, so every other distance keeps its plain bits."""
    m = 0.0
    for i in range(a.shape[0]):
        d = abs(a[i] - c[i])
        if not d <= m:  # (a NaN difference makes m NaN: the distance is NaN, not the others' norm)
            m = d
    if not m < math.inf or m == 0.0:
        return m
    s = 0.0
    for i in range(a.shape[0]):
        d = (a[i] - c[i]) / m
        s += d * d
    return m * math.sqrt(s)


@njit(cache=True, fastmath=False)
def _gk_project(z, BOX, i0, i1, NW):
    for i in range(i0, i1):
        lo = BOX[i, 0]
        hi = BOX[i, 1]
        for b in range(NW):
            x = z[i, b]
            if x < lo:
                z[i, b] = lo
            elif x > hi:
                z[i, b] = hi


@njit(cache=True, fastmath=False)
def _gk_check(z, alive, n, BOUND, code):
    """Per column: 0 fine, 1 NaN, 2 inf, 3 beyond BOUND (max-norm); NaN takes precedence."""
    for b in range(NB):
        code[b] = 0
        if alive[b]:
            c = 0
            for i in range(n):
                x = z[i, b]
                if x != x:
                    c = 1
                elif c == 0:
                    ax = abs(x)
                    if ax == math.inf:
                        c = 2
                    elif ax > BOUND:
                        c = 3
            code[b] = c


@njit(cache=True, nogil=True, error_model="numpy", fastmath=False)
def residual_rows(Z, P, OUT):
    """``OUT[r] = |F(Z[r]; P[r])|^2`` for every row, the squares added left to right (no fused multiply-add: the
    numbers of squaring and adding in NumPy), through ``field_block`` (used to verify equilibria).  F's rows are
    never stored: a sweep's 100,000 rows of a 2-parameter game 1.6 -> 0.5 ms against F in blocks of rows squared by
    NumPy (2026-12-03).  Without the GIL: a sweep checks ranges of its rows on several threads at once."""
    B = Z.shape[0]
    npar = P.shape[1]
    zb = np.empty((NZ, NB))
    pb = np.zeros((max(npar, 1), NB))
    fb = np.empty((NZ, NB))
    for lo in range(0, B, NB):
        m = min(NB, B - lo)
        for b in range(NB):
            r = lo + b if b < m else lo
            for i in range(NZ):
                zb[i, b] = Z[r, i]
            for j in range(npar):
                pb[j, b] = P[r, j]
        field_block(zb, pb, fb, NB)
        for b in range(m):
            s = fb[0, b] * fb[0, b]
            for i in range(1, NZ):
                s += fb[i, b] * fb[i, b]
            OUT[lo + b] = s
    return OUT


@njit(cache=True, error_model="numpy", fastmath=False)
def _gk_solve(A, x, n):
    """Solve ``A y = x`` in place (``x`` becomes ``y``; ``A`` is overwritten) by Gaussian elimination with
    partial pivoting, for the leading ``n x n`` block.  Returns False when a pivot is zero or not finite
    (singular system), True otherwise."""
    for c in range(n):
        p = c
        best = abs(A[c, c])
        for r in range(c + 1, n):
            v = abs(A[r, c])
            if v > best:
                best = v
                p = r
        if not (best > 0.0) or best == math.inf:
            return False
        if p != c:
            for j in range(n):
                t = A[c, j]
                A[c, j] = A[p, j]
                A[p, j] = t
            t = x[c]
            x[c] = x[p]
            x[p] = t
        for r in range(c + 1, n):
            f = A[r, c] / A[c, c]
            if f != 0.0:
                for j in range(c, n):
                    A[r, j] -= f * A[c, j]
                x[r] -= f * x[c]
    for c in range(n - 1, -1, -1):
        s = x[c]
        for j in range(c + 1, n):
            s -= A[c, j] * x[j]
        x[c] = s / A[c, c]
    return True
