r"""How a run is read: the measured rate and the verdict on what the trajectory did.

Every trajectory (one :func:`gandynamics.simulate` run or one row of a sweep) is read from the distances
``d_k = |z_k - z*|`` recorded at steps ``k`` (docs/math/runs.md states the rules below and why).

The rate fit
------------
Over the window ``[T/4, T]`` (``T`` the last step of the run's life: ``steps``, or the step before it
diverged), of the samples above the rounding floor ``max(1e-290, 1e-12 |z*|)``, least squares fits

.. math::  \log d_k = a + k \log\rho + c \log k ,

and the measured rate is ``rho`` when the fitted ``c`` lies within 0.15 of a whole number ``>= 1``: the ``c log k``
term absorbs the polynomial factor ``k^{m-1} rho^k`` of a defective (Jordan-block, size ``m >= 2``) dominant
eigenvalue, which biases a plain geometric fit by about ``2 (m-1) ln 2 / T`` in ``log rho``; ``c`` is reported as
``poly_order``.  Otherwise (no such factor, or fewer than 6 usable samples) the rate is the plain geometric fit
``log d_k = a + k log rho`` over the last half ``[T/2, T]``, where transients have faded; when the distance reached
the floor before ``T/2``, over the second half of the usable samples of the whole run; with fewer than 2 usable
samples the rate is NaN.

The verdict
-----------
* ``diverged`` — some state was not finite or left the bound (with the step and the reason);
* ``converging`` — either the distance reached the rounding floor, or both
  (i) the largest distance in the last quarter ``[3T/4, T]`` is at most :data:`ENVELOPE_FACTOR` (one half)
  of the largest in the first quarter ``[0, T/4]``, and
  (ii) the geometric log-rate ``b`` fitted over ``[T/2, T]`` is negative by more than three times its
  uncertainty ``u = |b_1 - b_2| + s_b`` (``b_1``, ``b_2`` the slopes fitted on the two halves of that window,
  ``s_b`` the least-squares standard error) — an orbit's distance oscillates, so its slopes disagree — and (iii)
  the largest distance in the last quarter is below 0.99 of the largest in the third quarter ``[T/2, 3T/4]``
  (the envelope is still falling: a run that has reached a limit cycle has a level envelope);
* ``bounded, not converging`` — everything else: the run neither diverged nor approached ``z*`` by that test
  (orbits, limit cycles, a convergence too slow to be seen in ``T`` steps); ``tail_min`` and ``tail_max``
  give the range of the distance over ``[T/2, T]``.

The same reading serves the CLI text, JSON, tables, the sweep summary and the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["VERDICTS", "ENVELOPE_FACTOR", "FLOOR_REL", "FLOOR_ABS", "RATE_FIT", "VERDICT_RULE",
           "RunReading", "read_runs", "describe"]

#: verdict codes -> labels (the code is what sweeps store)
VERDICTS = ("converging", "diverged", "bounded, not converging")
CONVERGING, DIVERGED, BOUNDED = 0, 1, 2
#: the envelope of the last quarter must fall to this fraction of the first quarter's
ENVELOPE_FACTOR = 0.5
#: the rounding floor: distances at or below ``max(FLOOR_ABS, FLOOR_REL |z*|)`` are not fit
FLOOR_REL = 1e-12
FLOOR_ABS = 1e-290
#: ... and the last quarter's envelope must still fall below this fraction of the third quarter's (an oscillation's
#: envelope stays level: a run that reached a cycle is not read as converging)
TAIL_FACTOR = 0.99
#: fit windows, as fractions of the run's life T
FIT_START = 0.25
TEST_START = 0.5
#: samples needed for the model with the polynomial factor
MIN_POLY = 6
#: the fitted exponent c must lie this close to a whole number >= 0 (a Jordan block's m - 1) to be kept
POLY_SLACK = 0.15

RATE_FIT = ("least-squares fit of log|z_k - z*| = a + k log(rho) + c log(k) over the samples in [T/4, T] above the "
            "floor max(1e-290, 1e-12 |z*|) (T = steps, or the step before divergence), kept when c is within 0.15 of a "
            "whole number >= 1 (the polynomial factor of a defective eigenvalue); otherwise the plain fit "
            "a + k log(rho) over [T/2, T]; rate = rho")
VERDICT_RULE = ("converging: the distance reached the rounding floor, or the largest distance in the last quarter "
                "is at most half the largest in the first quarter and the log-rate fitted over [T/2, T] is "
                "negative by more than 3x its uncertainty (spread of the two half-window slopes + standard "
                "error); diverged: a state not finite or beyond the bound; otherwise bounded, not converging")


@dataclass
class RunReading:
    """The reading of a batch of runs (every array has shape ``(B,)``).

    Attributes
    ----------
    rate : float array          measured rate per step (see :data:`RATE_FIT`); NaN with < 2 usable samples
    poly_order : float array    fitted exponent ``c`` of the polynomial factor ``k^c`` (0 without the model)
    log_rate_err : float array  uncertainty ``u`` of the geometric log-rate over ``[T/2, T]``
    envelope_ratio : float array  max distance over the last quarter / max over the first quarter
    tail_min, tail_max : float arrays  range of the distance over ``[T/2, T]``
    code : int array            index into :data:`VERDICTS`
    """

    rate: np.ndarray
    poly_order: np.ndarray
    log_rate_err: np.ndarray
    envelope_ratio: np.ndarray
    tail_min: np.ndarray
    tail_max: np.ndarray
    code: np.ndarray

    @property
    def verdict(self) -> list[str]:
        return [VERDICTS[int(c)] for c in self.code]

    def row(self, i: int) -> dict:
        """One run's reading as plain Python values."""
        return {"rate": float(self.rate[i]), "poly_order": float(self.poly_order[i]),
                "log_rate_err": float(self.log_rate_err[i]), "envelope_ratio": float(self.envelope_ratio[i]),
                "tail_min": float(self.tail_min[i]), "tail_max": float(self.tail_max[i]),
                "verdict": VERDICTS[int(self.code[i])]}


def read_runs(idx, dist, life, diverged_at=None, zstar_norm=None, split=None) -> RunReading:
    """Fit the rate and classify each run.

    Parameters
    ----------
    idx : (R,) array of step indices of the samples, increasing, starting at 0
    dist : (B, R) or (R,) array of distances ``|z_k - z*|`` (NaN after divergence)
    life : (B,) or scalar: the last step of each run's life (``steps``, or ``diverged_at - 1``)
    diverged_at : (B,) int array, ``-1`` where the run did not diverge (default: none diverged)
    zstar_norm : (B,) array ``|z*|`` (sets the rounding floor); default 0
    split : callable, optional   ``split(work, B)`` runs ``work(r0, r1)`` over disjoint row ranges (threads:
        the kernel releases the GIL); default one call over all rows

    Returns
    -------
    RunReading
    """
    idx = np.ascontiguousarray(idx, dtype=float)
    dist = np.ascontiguousarray(np.atleast_2d(np.asarray(dist, dtype=float)))
    B = dist.shape[0]
    life = np.ascontiguousarray(np.broadcast_to(np.asarray(life, dtype=float), (B,)))
    div = (np.full(B, -1, dtype=np.int64) if diverged_at is None
           else np.ascontiguousarray(np.broadcast_to(np.asarray(diverged_at, dtype=np.int64), (B,))))
    zn = np.zeros(B) if zstar_norm is None else np.nan_to_num(np.broadcast_to(np.asarray(zstar_norm, float), (B,)))
    floor = np.ascontiguousarray(np.maximum(FLOOR_ABS, FLOOR_REL * zn))
    out = np.empty((7, B))
    work = lambda r0, r1: _read_rows(idx, dist, life, div, floor, out, r0, r1)  # noqa: E731
    if split is None:
        work(0, B)
    else:
        split(work, B)
    return RunReading(rate=out[0], poly_order=out[1], log_rate_err=out[2], envelope_ratio=out[3],
                      tail_min=out[4], tail_max=out[5], code=out[6].astype(np.int64))


def describe(reading: dict, digits: int = 4) -> str:
    """A one-line description of one run's reading (a dict from :meth:`RunReading.row`): for a bounded run
    the distance range over the last half, and whether it is growing (envelope up by 2 or more and a fitted
    rate above 1: it would diverge if run longer)."""
    v = reading["verdict"]
    if v == BOUNDED_LABEL:
        lo, hi = reading["tail_min"], reading["tail_max"]
        if not (lo == lo and hi == hi):
            return f"{v} (no distance recorded over the last half)"
        text = f"{v} (distance {lo:.{digits}g} to {hi:.{digits}g} over the last half"
        env, rate = reading.get("envelope_ratio", float("nan")), reading.get("rate", float("nan"))
        if env >= 2.0 and rate > 1.0:
            text += f"; growing: the envelope rose x{env:.{digits}g} at about {rate:.{digits}g} per step, so a longer " \
                    "run diverges"
        return text + ")"
    return v


BOUNDED_LABEL = VERDICTS[BOUNDED]


# ------------------------------------------------------------------------------------ compiled kernel
@njit(cache=True, nogil=True)
def _slope(x, y, sel, lo, hi):
    """Least-squares slope of y against x over sel[lo:hi], and its standard error (0 with 2 points)."""
    c = 0.0
    sx = 0.0
    sy = 0.0
    for j in range(lo, hi):
        c += 1.0
        sx += x[sel[j]]
        sy += y[sel[j]]
    mx = sx / c
    my = sy / c
    sxy = 0.0
    sxx = 0.0
    for j in range(lo, hi):
        dx = x[sel[j]] - mx
        sxy += dx * (y[sel[j]] - my)
        sxx += dx * dx
    if sxx <= 0.0:
        return math.nan, math.inf
    b = sxy / sxx
    if c <= 2.0:
        return b, 0.0
    rss = 0.0
    for j in range(lo, hi):
        r = y[sel[j]] - my - b * (x[sel[j]] - mx)
        rss += r * r
    return b, math.sqrt(rss / (c - 2.0) / sxx)


@njit(cache=True, nogil=True)
def _poly_fit(x, logx, y, sel, lo, hi):
    """Least squares of y = a + b x + c log x over sel[lo:hi] (x >= 1; ``logx = log(x)``, computed once for
    all rows): returns (b, c), NaN if singular.  Solved in centred coordinates with the 2x2 normal equations
    of (x, log x)."""
    n = 0.0
    mx = 0.0
    ml = 0.0
    my = 0.0
    for j in range(lo, hi):
        k = x[sel[j]]
        n += 1.0
        mx += k
        ml += logx[sel[j]]
        my += y[sel[j]]
    mx /= n
    ml /= n
    my /= n
    sxx = 0.0
    sxl = 0.0
    sll = 0.0
    sxy = 0.0
    sly = 0.0
    for j in range(lo, hi):
        k = x[sel[j]]
        dx = k - mx
        dl = logx[sel[j]] - ml
        dy = y[sel[j]] - my
        sxx += dx * dx
        sxl += dx * dl
        sll += dl * dl
        sxy += dx * dy
        sly += dl * dy
    det = sxx * sll - sxl * sxl
    if not det > 1e-12 * sxx * sll:
        return math.nan, math.nan
    return (sll * sxy - sxl * sly) / det, (sxx * sly - sxl * sxy) / det


@njit(cache=True, nogil=True)
def _select(idx, dist, r, lo, hi, floor, sel):
    """Indices of the samples of row ``r`` with ``lo <= k <= hi`` and a finite distance above ``floor`` into
    ``sel``; returns how many."""
    n = 0
    for j in range(idx.shape[0]):
        d = dist[r, j]
        if lo <= idx[j] <= hi and d > floor and d < math.inf:
            sel[n] = j
            n += 1
    return n


@njit(cache=True, nogil=True)
def _read_rows(idx, dist, life, div, floor, out, r0, r1):
    R = idx.shape[0]
    logd = np.empty(R)
    sel = np.empty(R, dtype=np.int64)
    logk = np.empty(R)  # log k of the samples (read for k >= 1 only), once for all rows
    for j in range(R):
        logk[j] = math.log(idx[j]) if idx[j] >= 1.0 else 0.0
    for r in range(r0, r1):
        T = life[r]
        # log d of every usable sample in [T/4, T], once (the windows below select from these; the earlier
        # samples only when the last fallback needs them)
        for j in range(R):
            d = dist[r, j]
            if idx[j] >= FIT_START * T and d > floor[r] and d < math.inf:
                logd[j] = math.log(d)
        # ---- the rate: [T/4, T], samples above the floor (k >= 1 for the log k term)
        ns = _select(idx, dist, r, FIT_START * T, T, floor[r], sel)
        rate = math.nan
        poly = 0.0
        nt_c = -1  # the plain fit's window is the decay test's: its slope is kept for the test below
        bt_c = math.nan
        st_c = math.nan
        if ns >= MIN_POLY and idx[sel[0]] >= 1.0:
            b, c = _poly_fit(idx, logk, logd, sel, 0, ns)
            # a Jordan block of size m >= 2 gives c = m - 1, a whole number >= 1; any other c is no such factor
            # (c ~ 0: none; a growth like sqrt(k) or a transient otherwise): the plain fit then
            # (and only when the usable samples reach the last quarter: a fit cut short by the rounding floor
            # cannot tell k^c from curvature; blocks beyond size 4 are not generic: c <= 3)
            if (b == b and 1.0 - POLY_SLACK < c < 3.0 + POLY_SLACK and abs(c - round(c)) <= POLY_SLACK
                    and idx[sel[ns - 1]] >= 0.75 * T):
                rate = math.exp(b)
                poly = c
        if rate != rate:  # the plain geometric fit over the last half [T/2, T] (transients have faded there)
            nh = 0
            for j in range(ns):
                if idx[sel[j]] >= TEST_START * T:
                    sel[nh] = sel[j]
                    nh += 1
            if nh >= 2:
                b, s = _slope(idx, logd, sel, 0, nh)
                rate = math.exp(b)
                if b == b:  # sel[:nh] is then left as it is until the decay test
                    nt_c = nh
                    bt_c = b
                    st_c = s
        if rate != rate:  # too few samples in the window: whatever the life has, its second half
            for j in range(R):
                d = dist[r, j]
                if idx[j] < FIT_START * T and d > floor[r] and d < math.inf:
                    logd[j] = math.log(d)
            ns = _select(idx, dist, r, -math.inf, T, floor[r], sel)
            if ns >= 2:
                lo = ns // 2 if ns >= 4 else 0
                b, s = _slope(idx, logd, sel, lo, ns)
                rate = math.exp(b)
        out[0, r] = rate
        out[1, r] = poly
        # ---- envelopes and the tail range
        e_first = 0.0
        e_third = 0.0
        e_last = 0.0
        tmin = math.inf
        tmax = 0.0
        final = math.nan
        for j in range(R):
            k = idx[j]
            d = dist[r, j]
            if k > T or not d == d:
                continue
            final = d
            if k <= 0.25 * T and d > e_first:
                e_first = d
            if k >= 0.75 * T and d > e_last:
                e_last = d
            if TEST_START * T <= k < 0.75 * T and d > e_third:
                e_third = d
            if k >= TEST_START * T:
                if d < tmin:
                    tmin = d
                if d > tmax:
                    tmax = d
        out[3, r] = e_last / e_first if e_first > 0.0 else math.nan
        out[4, r] = tmin if tmin < math.inf else math.nan
        out[5, r] = tmax if tmin < math.inf else math.nan
        # ---- the significance of the decay over [T/2, T]
        if nt_c >= 0:  # the same samples (those of [T/4, T] at k >= T/2) in the same order: the same slope
            nt = nt_c
        else:
            nt = _select(idx, dist, r, TEST_START * T, T, floor[r], sel)
        err = math.inf
        bt = math.nan
        if nt >= 4:
            if nt_c >= 0:
                bt = bt_c
                s = st_c
            else:
                bt, s = _slope(idx, logd, sel, 0, nt)
            h = nt // 2
            b1, s1 = _slope(idx, logd, sel, 0, h)
            b2, s2 = _slope(idx, logd, sel, h, nt)
            err = abs(b1 - b2) + s
        out[2, r] = err
        # ---- the verdict
        if div[r] >= 0:
            out[6, r] = DIVERGED
        elif final == final and final <= floor[r]:
            out[6, r] = CONVERGING
        elif (out[3, r] <= ENVELOPE_FACTOR and bt == bt and bt + 3.0 * err < 0.0
              and e_last <= TAIL_FACTOR * e_third):
            out[6, r] = CONVERGING
        else:
            out[6, r] = BOUNDED
