"""Kernel source: the batch driver of the discrete methods (appended to a field's generated module).

``run_discrete`` loads a block of up to ``NB`` trajectories, runs the update rule selected by ``CODE`` for ``K``
steps over the block's active width ``NW`` (its rows rounded up to ``LANES`` columns), checks every column of it after
every step (NaN / inf / max-norm above ``BOUND``), records distances (and states) at the recording steps and freezes
diverged columns.  The check is folded into the step when the
rule can do it: a rule that sets ``nout`` (gd, eg, eftp without a projection box or lookahead: the fused
steps of :func:`gandynamics.codegen.generate_block_source` return 1 when some column has
``not (|x_0| + ... + |x_{n-1}| <= BP)``, ``BP`` = ``BOUND`` or the largest double: true for every column with a NaN,
inf or beyond-bound coordinate and possibly more, so a nonzero value runs the exact per-coordinate test ``_gk_check``)
saves the driver's second pass over the block; ``nout = -1`` (every other rule) runs that pass.  Both flag the
same columns at the same step.  The lines ``pass  # @init``, ``pass  # @step``
and ``pass  # @post`` are replaced by :func:`gandynamics.kernels.kernel_source` with the dispatch over the
methods' update rules (each one the body of a ``kernel_*`` function in its method module,
:mod:`gandynamics.methods`); the driver is instantiated once per kernel group (``run_discrete``,
``run_adaptive``, ``run_implicit``), so a group is compiled only when a method of it runs.

Locals an update rule may read or write (the parameters of its ``kernel_*`` functions): ``z`` (n, NB) the
state, ``f`` (n, NB) scratch for F, ``a1``..``a4`` (n, NB) per-method state (zeroed per block), ``hs``
(n, NB) the per-coordinate step, ``pb`` the hyperparameters, ``bb`` (NB,) the per-row beta, ``k`` the
iteration (1-based), ``n``, ``nth``, ``nrt``, ``zero``, the integer options ``n_g``, ``n_d``, ``dfirst``,
``alternating``, ``la_k``, ``maxit``, ``NW`` the block's active width (the columns ``0 .. NW - 1`` hold its rows and
are stepped: loop over ``range(NW)`` and pass ``NW`` to ``field_block``, the fused steps and ``_gk_project``; the
columns beyond are never read), the float options ``la_alpha``, ``c0``, ``c1``, ``c2``, ``USE_BOX``,
``BOX``, ``BP`` the bound of the folded test and ``nout`` its result (nonzero: some column may be out; ``-1``: not tested), the Runge--Kutta stages ``ks`` (4, n, NB), the per-column scratch ``zc``, ``pc``, ``fc`` (n,), ``Jc`` (n, n), ``la`` (n, NB) and ``ok``
(NB,) (a column whose implicit solve failed sets ``ok[b] = False``; the driver then flags it,
reason 5).
"""
# >>> stub
import math

import numpy as np
from numba import njit

from gandynamics.kernels.stubs import NZ
from gandynamics.kernels.common import FASTMATH, LANES, NB, _gk_check, _gk_dput, _gk_scaled_dist
# <<< stub


@njit(cache=True, nogil=True, fastmath=False)
def _gk_load(lo, m, Z0, P, H, BETA, ZSTAR, nth, z, zs, hs, pb, bb, alive):
    """Copy rows lo..lo+m-1 into the block (columns beyond m: inert, state z*, step 0)."""
    npar = P.shape[1]
    for b in range(NB):
        r = lo + b if b < m else lo
        for i in range(NZ):
            zs[i, b] = ZSTAR[r, i]
            z[i, b] = Z0[r, i] if b < m else ZSTAR[r, i]
            if b < m:
                hs[i, b] = H[r, 0] if i < nth else H[r, 1]
            else:
                hs[i, b] = 0.0
        for j in range(npar):
            pb[j, b] = P[r, j]
        if npar == 0:
            pb[0, b] = 0.0
        bb[b] = BETA[r] if b < m else 0.0
        alive[b] = b < m


@njit(cache=True, nogil=True, fastmath=False)
def _gk_post(k, lo, m, nbad, rec, ri, z, zs, hs, a1, a2, a3, a4, bb, alive, code, ok, BOUND, RECORD, REC, DROW,
             DIST, TDIST, FINAL, DIVAT, REASON):
    """After step k: freeze the columns that diverged (offending state to FINAL), record distances
    (and states) when k is a recording step: ``DROW`` (NB,) holds the block's distances at this step
    (:func:`_gk_record`, computed by the driver before this call: every recorded distance comes from the same
    code).  Returns the number of columns that died.  A live column whose implicit solve failed (``ok[b]``
    False) with a finite state dies with code 5; ``ok`` is reset."""
    n = NZ
    if nbad > 0:
        _gk_check(z, alive, n, BOUND, code)
        for b in range(NB):
            if not ok[b]:
                if alive[b] and code[b] == 0:
                    code[b] = 5
                ok[b] = True
    else:
        for b in range(NB):
            code[b] = 0
    died = 0
    for b in range(m):
        if alive[b] and code[b] != 0:
            alive[b] = False
            died += 1
            DIVAT[lo + b] = k
            REASON[lo + b] = code[b]
            for i in range(n):
                FINAL[lo + b, i] = z[i, b]
            if rec:
                _gk_dput(DIST, TDIST, lo + b, ri, math.nan)
                if RECORD:
                    for i in range(n):
                        REC[lo + b, ri, i] = z[i, b]
            for i in range(n):
                z[i, b] = zs[i, b]
                hs[i, b] = 0.0
                a1[i, b] = 0.0
                a2[i, b] = 0.0
                a3[i, b] = 0.0
                a4[i, b] = 0.0
            bb[b] = 0.0
        elif rec:
            if alive[b]:
                if RECORD:
                    for i in range(n):
                        REC[lo + b, ri, i] = z[i, b]
                _gk_dput(DIST, TDIST, lo + b, ri, DROW[b])
            else:
                _gk_dput(DIST, TDIST, lo + b, ri, math.nan)
                if RECORD:
                    for i in range(n):
                        REC[lo + b, ri, i] = math.nan
    return died


#: a block's distances are kept in a local (R, NB) array and written to DIST row by row at the end of the block when
#: it holds at most this many numbers (a sweep's 65 recording steps: 8,320); more (a simulate recording thousands of
#: steps) are written to DIST at each recording step
BLOCK_RECORD_MAX = 1 << 16


# fastmath=False: a callee without fastmath of its own inherits the caller's (the drivers' contract) in numba,
# and the contracted sums of squares differ from |z - z*| in IEEE arithmetic by 1 ulp in ~8% of samples
@njit(cache=True, nogil=True, fastmath=False)
def _gk_record(z, zs, alive, DB, ri, NW):
    """The distances ``|z - z*|`` of the block's first ``NW`` columns (its active width: every row it holds) at a
    recording step into ``DB[ri]`` (NaN for columns not alive), in one branch-free loop over the columns.  At a step where no column left the bound they stay there
    until :func:`_gk_flush` writes the block's rows (instead of a branchy loop with a strided write into ``DIST``
    per column and step: about a third of a small field's run time); otherwise :func:`_gk_post` copies them."""
    for b in range(NW):
        s = 0.0
        for i in range(NZ):
            d = z[i, b] - zs[i, b]
            s += d * d
        DB[ri, b] = math.sqrt(s) if alive[b] else math.nan
    # (rare) a sum of squares that overflowed, |z - z*| above about 1.3e154 (a run under an infinite bound): the
    # distance again, scaled by its largest difference, so that it is inf only where |z - z*| is beyond the largest
    # double (bilinear gd recorded inf from 1e154 on while its states, up to 1e301, were finite)
    for b in range(NW):
        if DB[ri, b] == math.inf:
            DB[ri, b] = _gk_scaled_dist(z[:, b], zs[:, b])


@njit(cache=True, nogil=True, fastmath=False)
def _gk_flush(lo, m, DB, DONE, DIST):
    """Copy the distances recorded by :func:`_gk_record` (the indices ``r`` with ``DONE[r]``) into the block's rows
    of ``DIST``, row by row (contiguous writes)."""
    R = DIST.shape[1]
    r0 = 0  # the first run of recorded indices [r0, r1) (usually all of them): copied without a test per number
    while r0 < R and not DONE[r0]:
        r0 += 1
    r1 = r0
    while r1 < R and DONE[r1]:
        r1 += 1
    for b in range(m):
        row = DIST[lo + b]
        for r in range(r0, r1):
            row[r] = DB[r, b]
    for r in range(r1, R):  # the others (recording steps after one that _gk_post recorded)
        if DONE[r]:
            for b in range(m):
                DIST[lo + b, r] = DB[r, b]


@njit(cache=True, nogil=True, fastmath=False)
def _gk_put_row(lo, m, DROW, DIST, ri):
    """The block's distances at its ``ri``-th recording step (:func:`_gk_record`) into the sample-major ``DIST``
    (``TDIST``): one contiguous store of ``m`` numbers, nothing to transpose."""
    row = DIST[ri, lo:lo + m]  # indexed from 0: an offset index makes numba test for negative indices per store
    for b in range(m):
        row[b] = DROW[b]


@njit(cache=True, nogil=True, fastmath=False)
def _gk_finish(lo, m, ri, R, z, alive, RECORD, REC, DIST, TDIST, FINAL, DIVAT, REASON, LAST):
    """FINAL for the columns still alive; NaN for the recording steps ``ri .. R - 1`` not reached when the run ends
    here (``LAST``) or when no column of the block is alive: the step loop stops when the last one dies, so in a
    chunk of steps that is not the last (``run_rows(step_chunk=...)``) the recording steps after that within the
    chunk would be left unwritten, the next chunk resuming after the chunk's end (every later one is NaN anyway)."""
    dead = True
    for b in range(m):
        if alive[b]:
            dead = False
    if LAST or dead:
        for r2 in range(ri, R):
            for b in range(m):
                _gk_dput(DIST, TDIST, lo + b, r2, math.nan)
                if RECORD:
                    for i in range(NZ):
                        REC[lo + b, r2, i] = math.nan
    for b in range(m):
        if alive[b]:
            DIVAT[lo + b] = -1
            REASON[lo + b] = 0
            for i in range(NZ):
                FINAL[lo + b, i] = z[i, b]


@njit(cache=True, nogil=True, fastmath=False)
def _gk_resume(lo, m, K0, REC_IDX, STATE, DIVAT, z, a1, a2, a3, a4, la, zs, hs, bb, alive):
    """Continue a run at step K0: the state of the live columns from STATE (frozen ones stay frozen);
    returns the index of the first recording step after K0."""
    for b in range(m):
        alive[b] = DIVAT[lo + b] < 0
        for i in range(NZ):
            z[i, b] = STATE[lo + b, 0, i] if alive[b] else zs[i, b]
            a1[i, b] = STATE[lo + b, 1, i] if alive[b] else 0.0
            a2[i, b] = STATE[lo + b, 2, i] if alive[b] else 0.0
            a3[i, b] = STATE[lo + b, 3, i] if alive[b] else 0.0
            a4[i, b] = STATE[lo + b, 4, i] if alive[b] else 0.0
            la[i, b] = STATE[lo + b, 5, i] if alive[b] else zs[i, b]
            if not alive[b]:
                hs[i, b] = 0.0
        if not alive[b]:
            bb[b] = 0.0
    ri = 0
    while ri < REC_IDX.shape[0] and REC_IDX[ri] <= K0:
        ri += 1
    return ri


@njit(cache=True, nogil=True, fastmath=False)
def _gk_save(lo, m, STATE, z, a1, a2, a3, a4, la):
    """The block's state into STATE (to continue the run in a later call)."""
    for b in range(m):
        for i in range(NZ):
            STATE[lo + b, 0, i] = z[i, b]
            STATE[lo + b, 1, i] = a1[i, b]
            STATE[lo + b, 2, i] = a2[i, b]
            STATE[lo + b, 3, i] = a3[i, b]
            STATE[lo + b, 4, i] = a4[i, b]
            STATE[lo + b, 5, i] = la[i, b]


@njit(cache=True, nogil=True, error_model="numpy", fastmath=FASTMATH)
def run_discrete(CODE, blk0, blk1, Z0, P, H, BETA, ZSTAR, K0, K, REC_IDX, RECORD, REC, DIST, TDIST, FINAL, DIVAT,
                 REASON, BOUND, BOX, USE_BOX, IOPT, FOPT, STATE, LAST):
    """Steps ``K0 + 1 .. K`` of the blocks ``[blk0, blk1)``.  ``DIST`` is (B, R), or (R, B) when ``TDIST``
    (sample-major).  ``STATE`` (B, 6, n) carries the state of a
    run continued in chunks of steps: slot 0 the state, 1..4 ``a1``..``a4``, 5 the lookahead anchor; it is
    read when ``K0 > 0`` and written at the end when it has 6 slots (a (1, 1, n) dummy otherwise); rows that
    diverged are known from ``DIVAT`` (-1 while alive).  Recording steps ``<= K0`` were recorded by the earlier
    call.  ``LAST``: this call ends the run (NaN for unreached recording steps, FINAL of live columns)."""
    B = Z0.shape[0]
    n = NZ
    npar = P.shape[1]
    R = REC_IDX.shape[0]
    nth = IOPT[0]
    n_g = IOPT[1]
    n_d = IOPT[2]
    dfirst = IOPT[3]
    alternating = IOPT[4]
    la_k = IOPT[5]
    maxit = IOPT[6]
    la_alpha = FOPT[2]
    c0 = FOPT[3]
    c1 = FOPT[4]
    c2 = FOPT[5]
    # run-time (non-literal) values for the helper calls: literal arguments would make numba compile a
    # separate specialisation of each helper (measured: 3 copies of _gk_post)
    zero = blk0 - blk0
    one = zero + 1
    # the bound of the fused steps' test ``not (|x_0| + ... + |x_{n-1}| <= BP)``: true for NaN, inf and |x| > BOUND
    # (the test below), and for some columns within the bound, which _gk_check then lets live
    BP = BOUND if BOUND < math.inf else 1.7976931348623157e308
    nrt = Z0.shape[1]
    yes = R >= 0
    z = np.empty((n, NB))
    zs = np.empty((n, NB))
    hs = np.empty((n, NB))
    pb = np.empty((max(npar, 1), NB))
    f = np.empty((n, NB))
    a1 = np.zeros((n, NB))
    a2 = np.zeros((n, NB))
    a3 = np.zeros((n, NB))
    a4 = np.zeros((n, NB))
    la = np.zeros((n, NB))
    ks = np.empty((4, n, NB))
    bb = np.zeros(NB)
    alive = np.zeros(NB, dtype=np.bool_)
    ok = np.ones(NB, dtype=np.bool_)
    code = np.zeros(NB, dtype=np.int64)
    # distances through a block-local array (_gk_record, _gk_flush); sample-major distances (TDIST) need no such
    # transposition: each recording step's row of the block is stored as it is computed (_gk_put_row)
    blockrec = (not RECORD) and (not TDIST) and R * NB <= BLOCK_RECORD_MAX
    rowrec = (not RECORD) and TDIST
    DB = np.empty((R if blockrec else 1, NB))
    DONE = np.zeros(R if blockrec else 0, dtype=np.bool_)
    zc = np.empty(n)
    pc = np.zeros(max(npar, 1))
    fc = np.empty(n)
    Jc = np.empty((n, n))
    for blk in range(blk0, blk1):
        lo = blk * NB
        m = min(NB, B - lo)
        # the block's active width: its m rows rounded up to whole vector iterations (LANES); the columns beyond are
        # never touched by the steps (a single trajectory stepped all NB = 256 columns: 250 ns a step instead of 35)
        NW = min(NB, -(-m // LANES) * LANES)
        a1[:, :] = 0.0
        a2[:, :] = 0.0
        a3[:, :] = 0.0
        a4[:, :] = 0.0
        _gk_load(lo, m, Z0, P, H, BETA, ZSTAR, nth, z, zs, hs, pb, bb, alive)
        if blockrec:
            DONE[:] = False
        ri = 0
        if K0 == 0:
            pass  # @init
            if la_k > 0:
                for i in range(n):
                    for b in range(NW):
                        la[i, b] = z[i, b]
            if R > 0 and REC_IDX[0] == 0:
                _gk_record(z, zs, alive, DB, zero, NW)
                _gk_post(zero, lo, m, zero, yes, zero, z, zs, hs, a1, a2, a3, a4, bb, alive, code, ok, BOUND,
                         RECORD, REC, DB[0], DIST, TDIST, FINAL, DIVAT, REASON)
                ri = 1
        else:
            ri = _gk_resume(lo, m, K0, REC_IDX, STATE, DIVAT, z, a1, a2, a3, a4, la, zs, hs, bb, alive)
        nalive = 0
        for b in range(m):
            nalive += alive[b]
        krec = REC_IDX[ri] if ri < R else -1  # the next recording step
        for k in range(K0 + 1, K + 1):
            nout = -one  # a fused step that tests its own new state sets its flag here (methods.gd)
            pass  # @step
            pass  # @post
            if nout >= 0:
                nbad = nout
            else:
                # cheap test of every column (NaN/inf make acc NaN), details only when something is off
                nbad = zero
                for b in range(NW):
                    acc = 0.0
                    mx = 0.0
                    for i in range(n):
                        x = z[i, b]
                        acc += x * 0.0
                        ax = abs(x)
                        mx = ax if ax > mx else mx
                    nbad += (acc != acc) | (mx > BOUND) | (not ok[b])
            rec = k == krec
            if nbad == 0 and not rec:
                continue
            dbi = ri if blockrec else zero
            if rec:
                _gk_record(z, zs, alive, DB, dbi, NW)
            if nbad == 0 and blockrec:  # a recording step where nothing left the bound: written with the block's rows
                DONE[ri] = True
            elif nbad == 0 and rowrec:  # ... or stored now as one row of the sample-major DIST
                _gk_put_row(lo, m, DB[dbi], DIST, ri)
            else:
                nalive -= _gk_post(k, lo, m, nbad, rec, ri, z, zs, hs, a1, a2, a3, a4, bb, alive, code, ok, BOUND,
                                   RECORD, REC, DB[dbi], DIST, TDIST, FINAL, DIVAT, REASON)
            if rec:
                ri += 1
                krec = REC_IDX[ri] if ri < R else -1
            if nalive == 0:
                break
        # @loop-end (the step loop above is copied for each rule with Rule.own_loop, by kernel_source)
        if STATE.shape[1] == 6:
            _gk_save(lo, m, STATE, z, a1, a2, a3, a4, la)
        if blockrec:
            _gk_flush(lo, m, DB, DONE, DIST)
        _gk_finish(lo, m, ri, R, z, alive, RECORD, REC, DIST, TDIST, FINAL, DIVAT, REASON, LAST)
