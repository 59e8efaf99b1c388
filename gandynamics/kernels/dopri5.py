"""Kernel source: the adaptive embedded Runge--Kutta driver (appended to a field's generated module).

One trajectory at a time (``[row0, row1)``), output exactly at ``t_k = k h`` (steps are clipped to land on
the output times).  The tableau is data: ``_DP_A`` (stages x stages-1, the last row the 5th-order weights,
first-same-as-last) and ``_DP_E`` (5th minus 4th order weights) are written into the module from
:data:`gandynamics.methods.tableaux.DOPRI5` by :func:`gandynamics.kernels.kernel_source`.  Error norm: RMS
of ``err_i / (atol + rtol max(|y_i|, |y_new_i|))`` (Hairer, Norsett & Wanner I, II.4 (4.11)); step factor
``0.9 err^(-1/5)`` clipped to ``[0.2, 10]``.

A trial step whose stages or result are not finite is *rejected* (the step shrinks by 5 and is retried):
a stiff but finite flow is followed with smaller steps instead of being reported as divergence.  A
trajectory is flagged only when an accepted state is not finite or beyond ``BOUND`` (reasons 1-3), or
when the step underflows ``1e-14 max(1, |t|)`` (reason 4, e.g. a finite-time blow-up), or when one output step
needs more than ``DP_MAX_SUBSTEPS`` sub-steps (reason 4 too: a time step far longer than the solution's own scale;
``rates --step 1e10 --methods flow`` ran 10^9 sub-steps a step, for ever and deaf to Ctrl-C).
"""
# >>> stub
import math

import numpy as np
from numba import njit

from gandynamics.kernels.stubs import field
from gandynamics.kernels.common import _gk_dput, _gk_scaled_dist

_DP_A = np.zeros((7, 6))
_DP_E = np.zeros(7)
# <<< stub

#: the most adaptive sub-steps one output step may take (7 x 10^5 field evaluations, within the package's limit of
#: 10^7 a step: gandynamics.runs.validate.MAX_STEP_EVALUATIONS)
DP_MAX_SUBSTEPS = 100_000


@njit(cache=True, fastmath=False)
def _gk_dp_stage(y, kstack, coeffs, nst, h, out):
    n = y.shape[0]
    for i in range(n):
        s = 0.0
        for j in range(nst):
            s += coeffs[j] * kstack[j, i]
        out[i] = y[i] + h * s


@njit(cache=True, nogil=True, error_model="numpy", fastmath=False)
def run_dopri5(row0, row1, Z0, P, H, BETA, ZSTAR, K0, K, REC_IDX, RECORD, REC, DIST, TDIST, FINAL, DIVAT, REASON,
               BOUND, BOX, USE_BOX, IOPT, FOPT, STATE, LAST):
    """Outputs ``K0 + 1 .. K``; with ``K0 > 0`` the state and the current step size are read from
    ``STATE[row, 0]`` and ``STATE[row, 1, 0]`` (and written back when ``STATE`` has more than one slot)."""
    n = Z0.shape[1]
    R = REC_IDX.shape[0]
    rtol = FOPT[0]
    atol = FOPT[1]
    A = _DP_A
    E = _DP_E
    S = A.shape[0]
    for row in range(row0, row1):
        if K0 > 0 and DIVAT[row] >= 0:
            continue
        y = Z0[row].copy() if K0 == 0 else STATE[row, 0].copy()
        p = P[row]
        zs = ZSTAR[row]
        dt = H[row, 0]
        ks = np.empty((S, n))
        ytmp = np.empty(n)
        ynew = np.empty(n)
        field(y, p, ks[0])
        for i in range(n):
            ks[0, i] = -ks[0, i]
        ri = 0
        if K0 == 0:
            if R > 0 and REC_IDX[0] == 0:
                s = 0.0
                for i in range(n):
                    d = y[i] - zs[i]
                    s += d * d
                    if RECORD:
                        REC[row, 0, i] = y[i]
                _gk_dput(DIST, TDIST, row, 0, math.sqrt(s) if s != math.inf else _gk_scaled_dist(y, zs))
                ri = 1
        else:
            while ri < R and REC_IDX[ri] <= K0:
                ri += 1
        t = K0 * dt
        hstep = dt if K0 == 0 else STATE[row, 1, 0]
        div = -1
        reason = 0
        for k in range(K0 + 1, K + 1):
            tk = k * dt
            sub = 0
            while t < tk and div < 0:
                sub += 1
                if sub > DP_MAX_SUBSTEPS:
                    div = k
                    reason = 4
                    break
                last = False
                h = hstep
                if t + h >= tk:
                    h = tk - t
                    last = True
                for st in range(1, S):
                    _gk_dp_stage(y, ks, A[st], st, h, ytmp)
                    field(ytmp, p, ks[st])
                    for i in range(n):
                        ks[st, i] = -ks[st, i]
                for i in range(n):
                    ynew[i] = ytmp[i]
                err = 0.0
                for i in range(n):
                    e = 0.0
                    for j in range(S):
                        e += E[j] * ks[j, i]
                    sc = atol + rtol * max(abs(y[i]), abs(ynew[i]))
                    q = h * e / sc
                    err += q * q
                err = math.sqrt(err / n)
                if err <= 1.0:
                    t = tk if last else t + h
                    for i in range(n):
                        y[i] = ynew[i]
                        ks[0, i] = ks[S - 1, i]
                    c = 0
                    for i in range(n):
                        x = y[i]
                        if x != x:
                            c = 1
                        elif c == 0:
                            if abs(x) == math.inf:
                                c = 2
                            elif abs(x) > BOUND:
                                c = 3
                    if c != 0:
                        div = k
                        reason = c
                    fac = 10.0 if err == 0.0 else min(10.0, 0.9 * err ** -0.2)
                    if not last or fac < 1.0:
                        hstep = h * fac
                else:
                    # err > 1, or NaN/inf when a trial stage left the finite range: reject and shrink
                    if err < math.inf:
                        hstep = h * max(0.2, 0.9 * err ** -0.2)
                    else:
                        hstep = h * 0.2
                    if hstep < 1e-14 * max(1.0, abs(t)):
                        div = k
                        reason = 4
            rec = ri < R and REC_IDX[ri] == k
            if rec:
                if div < 0 or div == k:
                    s = 0.0
                    for i in range(n):
                        d = y[i] - zs[i]
                        s += d * d
                        if RECORD:
                            REC[row, ri, i] = y[i]
                    v = math.sqrt(s) if s != math.inf else _gk_scaled_dist(y, zs)  # (no overflow: the plain bits)
                    _gk_dput(DIST, TDIST, row, ri, v if div < 0 else math.nan)
                ri += 1
            if div >= 0:
                break
        if div >= 0 or LAST:
            for r2 in range(ri, R):
                _gk_dput(DIST, TDIST, row, r2, math.nan)
                if RECORD:
                    for i in range(n):
                        REC[row, r2, i] = math.nan
        DIVAT[row] = div
        REASON[row] = reason
        for i in range(n):
            FINAL[row, i] = y[i]
        if STATE.shape[1] > 1:
            for i in range(n):
                STATE[row, 0, i] = y[i]
            STATE[row, 1, 0] = hstep
