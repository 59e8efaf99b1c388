"""The measured rate of a run: least-squares fit of ``log |z_k - z*|`` against ``k`` (see :data:`RATE_FIT`)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .engine import threaded

__all__ = ["RATE_FIT", "fit_rate"]

RATE_FIT = ("least-squares slope of log|z_k - z*| against k over the recorded states in the second half "
            "[T/2, T] of the trajectory (T = steps or the step before divergence), distances above the floor "
            "max(1e-290, 1e-12 |z*|); rate = exp(slope)")

def fit_rate(idx, dist, life, zstar_norm=None):
    """Geometric rate per step from recorded distances (see :data:`RATE_FIT`).

    Parameters
    ----------
    idx : (R,) step indices of the samples
    dist : (B, R) distances ``|z_k - z*|`` (NaN after divergence)
    life : (B,) last step of each trajectory's life (``steps``, or ``diverged_at - 1``)
    zstar_norm : (B,) ``|z*|`` (sets the rounding floor); default 0

    Returns
    -------
    (B,) array: ``exp`` of the least-squares slope of ``log dist`` against ``k``.
    """
    idx = np.ascontiguousarray(idx, dtype=float)
    dist = np.ascontiguousarray(np.atleast_2d(np.asarray(dist, dtype=float)))
    B = dist.shape[0]
    life = np.ascontiguousarray(np.broadcast_to(np.asarray(life, dtype=float), (B,)))
    zn = np.zeros(B) if zstar_norm is None else np.nan_to_num(np.broadcast_to(np.asarray(zstar_norm, float), (B,)))
    floor = np.ascontiguousarray(np.maximum(1e-290, 1e-12 * zn))
    out = np.empty(B)
    # rows are independent: split them over numba's threads (the kernel releases the GIL)
    threaded(lambda r0, r1: _fit_rows(idx, dist, life, floor, out, r0, r1), B)
    return out


@njit(cache=True, nogil=True)
def _line_slope(x, y, sel, lo, hi):
    """Least-squares slope of y against x over the entries sel[lo:hi]."""
    c = 0.0
    sx = 0.0
    sy = 0.0
    for j in range(lo, hi):
        c += 1.0
        sx += x[sel[j]]
        sy += y[sel[j]]
    mx = sx / c
    my = sy / c
    num = 0.0
    den = 0.0
    for j in range(lo, hi):
        dx = x[sel[j]] - mx
        num += dx * (y[sel[j]] - my)
        den += dx * dx
    return num / den


@njit(cache=True, nogil=True)
def _fit_rows(idx, dist, life, floor, out, r0, r1):
    R = idx.shape[0]
    logd = np.empty(R)
    ok = np.empty(R, dtype=np.int64)
    win = np.empty(R, dtype=np.int64)
    for r in range(r0, r1):
        nwin = 0
        half = 0.5 * life[r]
        for j in range(R):  # the window [T/2, T] first: logs only where they are used
            d = dist[r, j]
            if half <= idx[j] <= life[r] and d > floor[r] and d < math.inf:
                logd[j] = math.log(d)
                win[nwin] = j
                nwin += 1
        if nwin >= 3:
            out[r] = math.exp(_line_slope(idx, logd, win, 0, nwin))
            continue
        nok = 0
        for j in range(R):
            d = dist[r, j]
            if idx[j] <= life[r] and d > floor[r] and d < math.inf:
                logd[j] = math.log(d)
                ok[nok] = j
                nok += 1
        if nok >= 2:
            lo = nok // 2 if nok >= 4 else 0
            out[r] = math.exp(_line_slope(idx, logd, ok, lo, nok))
        else:
            out[r] = math.nan
