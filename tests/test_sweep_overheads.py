"""Whole-sweep overheads (issue #16): the reading of runs computes each log once per row (its results must be
bitwise those of the previous implementation, kept below as plain Python: the reference), and a sweep's grid
axes are validated as arrays (same values and same errors as the per-value rules)."""

import math

import numpy as np
import pytest

from gandynamics import R1, VectorField, games, sweep
from gandynamics.errors import GandynamicsError
from gandynamics.verdict import algebraic_exponent  # noqa: E402
from gandynamics.verdict import (ACCEL_MIN, ACCEL_SIG, BOUNDED, CONVERGING, DIVERGED, GROW_FACTOR, GROWING, RISE_FACTOR, ENVELOPE_FACTOR, FALL_BAND, FALL_END, FALL_FACTOR, FALL_HALF,
                                 FALL_SLOW, FALL_TAIL, FIT_START, FLOOR_ABS, FLOOR_GROW, FLOOR_NOISE, FLOOR_REL,
                                 MIN_POLY, POLY_SE, POLY_SLACK, POW_MAX, POW_SIG, TAIL_FACTOR, TEST_START, read_runs)

# the compiled kernels, even for runs that engine="auto" would interpret (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("compiled_engine")


# ------------------------------------------------------------------ the reading before issue #16 (plain Python)
# (its log of a distance is the one primitive changed since: libm's log -> gandynamics._numeric.log_pos, tested
# against libm and mpmath in tests/test_numeric.py; here its plain-Python copy, so the sums stay bitwise comparable)
from gandynamics._interpreted import static_module  # noqa: E402

_LOG = static_module("gandynamics._numeric").log_pos

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


def _poly_fit(x, y, sel, lo, hi):
    """Least squares of y = a + b x + c log x over sel[lo:hi] (x >= 1): returns (b, c, v), v the squared standard
    error of c, NaN if singular.  Solved in centred coordinates with the 2x2 normal equations of (x, log x)."""
    n = 0.0
    mx = 0.0
    ml = 0.0
    my = 0.0
    for j in range(lo, hi):
        k = x[sel[j]]
        n += 1.0
        mx += k
        ml += math.log(k)
        my += y[sel[j]]
    mx /= n
    ml /= n
    my /= n
    sxx = 0.0
    sxl = 0.0
    sll = 0.0
    sxy = 0.0
    sly = 0.0
    syy = 0.0
    for j in range(lo, hi):
        k = x[sel[j]]
        dx = k - mx
        dl = math.log(k) - ml
        dy = y[sel[j]] - my
        sxx += dx * dx
        sxl += dx * dl
        sll += dl * dl
        sxy += dx * dy
        sly += dl * dy
        syy += dy * dy
    det = sxx * sll - sxl * sxl
    if not det > 1e-12 * sxx * sll:
        return math.nan, math.nan, math.nan
    b = (sll * sxy - sxl * sly) / det
    c = (sxx * sly - sxl * sxy) / det
    return b, c, max(syy - b * sxy - c * sly, 0.0) / (n - 3.0) * sxx / det


def _select(idx, dist, r, lo, hi, floor, logd, sel):
    """Indices of the samples of row ``r`` with ``lo <= k <= hi`` and a finite distance above ``floor`` into
    ``sel`` (their logs into ``logd``); returns how many."""
    n = 0
    for j in range(idx.shape[0]):
        d = dist[r, j]
        if lo <= idx[j] <= hi and d > floor and d < math.inf:
            logd[j] = _LOG(d)  # since session 6 the reading's log of a distance is _numeric.log_pos
            sel[n] = j
            n += 1
    return n


def _read_rows(idx, dist, life, div, floor, cmax, out, r0, r1):
    R = idx.shape[0]
    logd = np.empty(R)
    sel = np.empty(R, dtype=np.int64)
    logk = np.array([math.log(k) if k >= 1 else 0.0 for k in idx])
    for r in range(r0, r1):
        T = life[r]
        # ---- the rate: [T/4, T], samples above the floor (k >= 1 for the log k term)
        ns = _select(idx, dist, r, FIT_START * T, T, floor[r], logd, sel)
        rate = math.nan
        poly = 0.0
        if ns >= MIN_POLY and idx[sel[0]] >= 1.0:
            b, c, v = _poly_fit(idx, logd, sel, 0, ns)
            # a Jordan block of size m >= 2 gives c = m - 1, a whole number >= 1; any other c is no such factor
            # (c ~ 0: none; a growth like sqrt(k) or a transient otherwise): the plain fit then
            # (and only when the usable samples reach the last quarter: a fit cut short by the rounding floor
            # cannot tell k^c from curvature; blocks beyond size 4 are not generic: c <= 3, and none is larger than
            # the method's state: c <= cmax[r])
            if (b == b and 1.0 - POLY_SLACK < c < min(3.0, cmax[r]) + POLY_SLACK and abs(c - round(c)) <= POLY_SLACK
                    and idx[sel[ns - 1]] >= 0.75 * T and v <= POLY_SE * POLY_SE):
                rate = math.exp(b)
                poly = c
        fit_err = math.nan  # the spread of the fit that gave the rate (3 samples or more), where the decay test has none
        # (since session 45: where the floor cut [T/4, T] before 3T/4, the later half of every usable sample of the
        # run when it holds more samples than [T/2, T])
        cut = ns >= 1 and idx[sel[ns - 1]] < 0.75 * T
        half = None  # [T/2, T]'s fit and its samples, when cut
        if rate != rate:  # the plain geometric fit over the last half [T/2, T] (transients have faded there)
            nh = 0
            for j in range(ns):
                if idx[sel[j]] >= TEST_START * T:
                    sel[nh] = sel[j]
                    nh += 1
            if nh >= 2:
                b, s = _slope(idx, logd, sel, 0, nh)
                rate = math.exp(b)
                fit_err = s if nh >= 3 else math.nan
                if cut:
                    half, rate, fit_err = (rate, fit_err, nh), math.nan, math.nan
        if rate != rate:  # too few samples in the window: whatever the life has, its second half
            ns = _select(idx, dist, r, -math.inf, T, floor[r], logd, sel)
            lo = ns // 2 if ns >= 4 else 0
            if ns >= 2 and (half is None or ns - lo > half[2]):
                b, s = _slope(idx, logd, sel, lo, ns)
                rate = math.exp(b)
                fit_err = s if ns - lo >= 3 else math.nan
            elif half is not None:
                rate, fit_err = half[0], half[1]
        out[0, r] = rate
        out[1, r] = poly
        # ---- envelopes and the tail range
        e_first = 0.0
        e_second = 0.0
        e_third = 0.0
        e_last = 0.0
        tmin = math.inf
        tmax = 0.0
        final = math.nan
        e_min8 = math.inf
        e_max8 = 0.0
        x5, n5, x6, n6, n7 = 0.0, math.inf, 0.0, math.inf, math.inf  # the band over the eighths of [T/2, T]
        hit = back = False  # over [T/2, T]: at or below the floor once, and above it again afterwards
        for j in range(R):
            k = idx[j]
            d = dist[r, j]
            if k > T or not d == d:
                continue
            final = d
            if k >= FALL_TAIL * T and d < e_min8:
                e_min8 = d
            if k >= FALL_TAIL * T and d > e_max8:
                e_max8 = d
            if TEST_START * T <= k < 0.625 * T:
                x5, n5 = max(x5, d), min(n5, d)
            if 0.625 * T <= k < 0.75 * T:
                x6, n6 = max(x6, d), min(n6, d)
            if 0.75 * T <= k < FALL_TAIL * T:
                n7 = min(n7, d)
            if k >= TEST_START * T:
                hit, back = hit or d <= floor[r], back or (hit and d > floor[r])
            if k <= 0.25 * T and d > e_first:
                e_first = d
            if 0.25 * T < k < TEST_START * T and d > e_second:
                e_second = d
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
        nt = _select(idx, dist, r, TEST_START * T, T, floor[r], logd, sel)
        err = math.inf
        bt = math.nan
        b1 = b2 = b3 = s = math.nan
        pw, perr = math.nan, math.inf  # the log-log slope over [T/2, T] and its uncertainty (POW_MAX)
        if nt >= 4:
            bt, s = _slope(idx, logd, sel, 0, nt)
            h = nt // 2
            b1, s1 = _slope(idx, logd, sel, 0, h)
            b2, s2 = _slope(idx, logd, sel, h, nt)
            err = abs(b1 - b2) + s
            q = 0
            while q < nt and not idx[sel[q]] >= FALL_TAIL * T:
                q += 1
            b3 = _slope(idx, logd, sel, q, nt)[0] if q < nt else math.nan  # (numba: 0/0 is NaN there)
            if idx[sel[0]] >= 1.0:
                pw, spw = _slope(logk, logd, sel, 0, nt)
                perr = abs(_slope(logk, logd, sel, 0, h)[0] - _slope(logk, logd, sel, h, nt)[0]) + spw
        out[2, r] = err if err < math.inf else fit_err
        # ---- the verdict
        if div[r] >= 0:
            out[6, r] = DIVERGED
        elif (final == final and final <= floor[r] and not back  # stayed there once there, and did not grow
              and not (e_last > FLOOR_GROW * e_first and e_last > FLOOR_NOISE * floor[r])):
            out[6, r] = CONVERGING
        elif e_last <= TAIL_FACTOR * e_third and ((out[3, r] <= ENVELOPE_FACTOR and bt == bt and bt + 3.0 * err < 0.0)
                                                  or (out[3, r] <= FALL_FACTOR and b1 < 0.0 and b2 < 0.0
                                                      and b3 < 0.0 and FALL_SLOW * b3 <= b1
                                                      and final <= FALL_END * e_min8 and tmax >= FALL_HALF * final
                                                      and e_last <= FALL_BAND * e_third and e_max8 <= FALL_BAND * x6
                                                      and e_min8 <= FALL_BAND * n5)
                                                  or (out[3, r] <= ENVELOPE_FACTOR and pw <= POW_MAX
                                                      and pw + POW_SIG * perr < 0.0 and b3 < 0.0
                                                      and final <= FALL_END * e_min8)):
            out[6, r] = CONVERGING
        elif TAIL_FACTOR * e_last > e_third and (  # still rising, and a significant growth or a rise by RISE_FACTOR
                (out[3, r] >= GROW_FACTOR and bt == bt and bt - 3.0 * err > 0.0)
                or (out[3, r] >= RISE_FACTOR and b1 > 0.0 and b2 > 0.0 and b3 > 0.0 and FALL_SLOW * b3 >= b1
                    and FALL_END * final >= e_max8 and final >= FALL_HALF * tmin
                    and FALL_BAND * min(n7, e_min8) >= min(n5, n6) and FALL_BAND * e_min8 >= n6
                    and FALL_BAND * e_max8 >= x5)
                or (out[3, r] >= GROW_FACTOR and pw >= -POW_MAX and pw - POW_SIG * perr > 0.0 and b3 > 0.0)
                or (out[3, r] >= GROW_FACTOR and nt >= ACCEL_MIN and bt - ACCEL_SIG * s > 0.0
                    and b1 > 0.0 and b2 >= b1 and b3 >= b1 and e_second < e_third
                    and e_third * e_third <= e_last * e_second)):
            out[6, r] = GROWING
        else:
            out[6, r] = BOUNDED


def _undetermined_c(idx, dist, life, zn):
    """The rows whose polynomial factor only the standard error of c refuses (every other condition of the model
    holds, its squared standard error exceeds POLY_SE^2): the reference's own fit, so that the comparisons below
    are known to cover that condition."""
    idx = np.asarray(idx, float)
    R = idx.shape[0]
    logd, sel = np.empty(R), np.empty(R, dtype=np.int64)
    floor = np.maximum(FLOOR_ABS, FLOOR_REL * np.broadcast_to(zn, (dist.shape[0],)))
    out = np.zeros(dist.shape[0], dtype=bool)
    for r in range(dist.shape[0]):
        T = life[r]
        ns = _select(idx, dist, r, FIT_START * T, T, floor[r], logd, sel)
        if ns >= MIN_POLY and idx[sel[0]] >= 1.0:
            with np.errstate(all="ignore"):
                b, c, v = _poly_fit(idx, logd, sel, 0, ns)
            out[r] = (b == b and 1.0 - POLY_SLACK < c < 3.0 + POLY_SLACK and abs(c - round(c)) <= POLY_SLACK
                      and idx[sel[ns - 1]] >= 0.75 * T and not v <= POLY_SE * POLY_SE)
    return out


def reference(idx, dist, life, div, zn, cmax=None):
    idx = np.asarray(idx, float)
    B = dist.shape[0]
    floor = np.maximum(FLOOR_ABS, FLOOR_REL * zn)
    out = np.empty((8, B))
    _read_rows(idx, dist, np.asarray(life, float), div, floor, np.full(B, 3.0) if cmax is None else cmax, out, 0, B)
    for r in range(B):  # the exponent of an algebraic decay: NumPy's polyfit on the samples (verdict.algebraic_exponent)
        T = float(life[r])
        use = (idx >= FIT_START * T) & (idx <= T) & (dist[r] > floor[r]) & (dist[r] < math.inf)
        enough = np.sum(use) >= 6 and np.sum(use & (idx >= TEST_START * T)) >= 4 and idx[use].min() >= 1.0
        p = algebraic_exponent(idx, dist[r], T, floor[r]) if enough else math.nan
        out[7, r] = p if out[6, r] == CONVERGING or (out[6, r] == BOUNDED and p > POW_MAX) else math.nan
    return out


def sequences(rng, B, idx, K):
    """Distances of many kinds: geometric, Jordan-type k^c rho^k, oscillating, limit cycles, reaching the
    floor, growing, with NaN after a divergence, rows too short for any fit, a Jordan block's dip (a fall by 25-100
    e-folds whose log-slope wanders: decided by FALL_FACTOR's condition) and a passage by a saddle (a fall by as
    much, turning up at 0.8-0.97 K: refused by the last eighth's slope, or not) and an accelerating growth toward a
    blow-up beyond the run (a / (1 - k / k*)^p, k* in [1.02 K, 3 K]: verdict.ACCEL_SIG's rule), modulated or not."""
    k = idx[None, :].astype(float)
    kind = rng.integers(0, 12, B)
    rho = rng.uniform(0.9, 1.02, (B, 1))
    a = rng.uniform(0.1, 10, (B, 1))
    c = rng.integers(0, 4, (B, 1))
    w = rng.uniform(0.05, 1.0, (B, 1))
    d = a * rho ** k
    d = np.where(kind[:, None] == 1, a * (1 + k) ** c * rho ** k, d)
    d = np.where(kind[:, None] == 2, d * (1.2 + np.cos(w * k)), d)
    d = np.where(kind[:, None] == 3, a * (1.5 + np.sin(w * k)), d)
    d = np.where(kind[:, None] == 4, a * (1e-30 * rng.uniform(0.01, 1, (B, 1))) ** (k / K), d)  # reaches 1e-30+
    d = np.where(kind[:, None] == 5, a * 0.5 ** k, d)  # reaches the rounding floor
    d = d * np.exp(rng.normal(0, 0.01, d.shape) * (kind[:, None] == 6))
    efolds = rng.uniform(25, 100, (B, 1)) / K
    k0 = rng.uniform(0.25, 1.0, (B, 1)) * K
    d = np.where(kind[:, None] == 8, a * np.exp(-efolds * k) * np.hypot(k - k0, rng.uniform(0.01, 1, (B, 1))), d)
    turn = rng.uniform(0.8, 0.97, (B, 1)) * K  # the distance's lowest point: e^-(e k) = eps e^(u k) there
    up = efolds * rng.uniform(0.3, 3, (B, 1))
    d = np.where(kind[:, None] == 9, a * np.hypot(np.exp(-efolds * k), np.exp(-(efolds + up) * turn + up * k)), d)
    blow = a / (1.0 - k / (rng.uniform(1.02, 3.0, (B, 1)) * K)) ** rng.uniform(0.3, 3.0, (B, 1))
    d = np.where(kind[:, None] == 10, blow, d)
    d = np.where(kind[:, None] == 11, blow * (1.0 + rng.uniform(0, 0.3, (B, 1)) * np.cos(w * k)), d)
    life = np.full(B, float(K))
    div = np.full(B, -1, dtype=np.int64)
    dv = rng.random(B) < 0.2
    at = rng.integers(1, K, B)
    div[dv] = at[dv]
    life[dv] = at[dv] - 1
    d[dv[:, None] & (k >= at[:, None])] = np.nan
    short = kind == 7
    life[short] = rng.integers(0, 40, short.sum())
    return d, life, div


@pytest.mark.parametrize("K", [1000, pytest.param(64, marks=pytest.mark.slow), 7])  # (64: 1 s cold, -m slow)
def test_read_runs_is_bitwise_the_previous_reading(K):
    rng = np.random.default_rng(K)
    idx = np.unique(np.round(np.linspace(0, K, min(65, K + 1))).astype(np.int64))
    B = 600
    d, life, div = sequences(rng, B, idx, K)
    zn = rng.uniform(0, 3, B) * (rng.random(B) < 0.5)
    with np.errstate(all="ignore"):
        ref = reference(idx, d, life, div, zn)
    # (the reading's one rule after the rows' own: a diverged run whose spread is undetermined has no rate)
    ref[0, (ref[6] == DIVERGED) & ~np.isfinite(ref[2])] = np.nan
    new = read_runs(idx, d, life, div, zn)
    got = np.vstack([new.rate, new.poly_order, new.log_rate_err, new.envelope_ratio, new.tail_min, new.tail_max,
                     new.code.astype(float)])
    np.testing.assert_array_equal(got, ref[:7])  # bitwise, NaN where NaN
    _same_exponents(new.algebraic, ref[7])
    # every verdict and both fits occur, so the comparison covers each branch
    codes = set(new.code.tolist())
    assert {CONVERGING, DIVERGED, BOUNDED} | ({GROWING} if K >= 64 else set()) <= codes <= {CONVERGING, DIVERGED,
                                                                                           BOUNDED, GROWING}
    if K == 1000:
        assert np.any(new.poly_order >= 1) and np.any(new.poly_order == 0) and np.any(np.isnan(new.rate))
        # rows that only the fall by orders of magnitude (FALL_FACTOR) reads as converging, and saddle passages it refuses
        slope_test = (new.envelope_ratio <= ENVELOPE_FACTOR) & (np.log(new.rate) + 3 * new.log_rate_err < 0)
        fell = (new.envelope_ratio <= FALL_FACTOR) & (new.code != DIVERGED) & ~(new.tail_min <= 1e-154)
        assert np.any(fell & (new.code == CONVERGING) & ~slope_test) and np.any(fell & (new.code == BOUNDED))
        assert np.any(_undetermined_c(idx, d, life, zn))  # c near a whole number, refused by its standard error


FLD = VectorField(games.dirac(), [R1()])


def test_array_axes_give_the_values_of_the_per_value_rule():
    rng = np.random.default_rng(0)
    g = rng.uniform(0, 1, 300)
    steps = np.arange(1, 301) * 1e-3  # float; and an integer axis below
    a = sweep(FLD, "gd", inits=[[0.5, 0.5]], grid={"gamma": g, "step": steps}, steps=20, product=False)
    b = sweep(FLD, "gd", inits=[[0.5, 0.5]], grid={"gamma": list(g), "step": list(steps)}, steps=20, product=False)
    for col in ("gamma", "step_g", "final_theta", "final_psi", "rate"):
        np.testing.assert_array_equal(a[col], b[col])
    c = sweep(FLD, "gd", inits=[[0.5, 0.5]], grid={"gamma": np.arange(3)}, step=0.1, steps=5, product=False)
    np.testing.assert_array_equal(c["gamma"], [0.0, 1.0, 2.0])


@pytest.mark.parametrize("methods", [["gd"], ["gd", "eg"]])
@pytest.mark.parametrize("product", [True, False])
def test_the_table_shares_no_memory_with_the_callers_arrays(product, methods):
    """inits and float64 grid axes are no longer copied on entry (the plan and the table copy what they keep):
    no column or dimension of the table, nor any array of the plan, is a view of them, and changing them after
    the sweep changes nothing in its table."""
    import copy
    import importlib
    plan_of = importlib.import_module("gandynamics.runs.sweep").sweep_plan
    rng = np.random.default_rng(2)
    n = 3 if product else 4
    inits = rng.uniform(-1, 1, (n, 2))
    grid = {"gamma": np.linspace(0.2, 1.0, n), "step": np.linspace(0.05, 0.2, 1 if product else n)}
    res = sweep(FLD, methods, inits=inits, grid=grid, steps=30, product=product)
    plan = plan_of(FLD, methods, inits=inits, grid=grid, steps=30, product=product)
    theirs = [inits] + list(grid.values())
    ours = ([("column " + k, v) for k, v in res.columns.items()] + [("dim " + k, v) for k, v in res.dims]
            + [("plan " + k, getattr(plan, k)) for k in ("Z0", "P", "H", "BETA", "ZSTAR")])
    shared = [name for name, v in ours for a in theirs if np.shares_memory(np.asarray(v), a)]
    assert shared == []
    before = copy.deepcopy((res.columns, res.dims, res.meta["provenance"]))
    for a in theirs:
        a[...] = 7.0
    for (k, v), w in zip(res.columns.items(), before[0].values()):
        assert np.asarray(v).tolist() == np.asarray(w).tolist() or np.array_equal(v, w, equal_nan=True), k
    for (k, v), (_, w) in zip(res.dims, before[1]):
        np.testing.assert_array_equal(v, w)
    assert res.meta["provenance"] == before[2]


@pytest.mark.parametrize("grid,msg", [
    ({"gamma": np.array([0.5, -1.0, -2.0])}, r"r1: gamma must be a finite number >= 0, got -1"),
    ({"gamma": np.array([0.5, np.nan])}, "finite"),
    ({"gamma": np.array([0.5, np.inf])}, "finite"),
    ({"gamma": np.array([True, False])}, "must be"),
    ({"step": np.array([0.1, 0.0])}, "step sizes must be positive"),
])
def test_array_axes_refuse_what_the_rule_refuses(grid, msg):
    with pytest.raises(GandynamicsError, match=msg):
        sweep(FLD, "gd", inits=[[1.0, 1.0]], grid=grid, step=0.1, steps=5)


# ------------------------------------------------------------- rows read GROUP at a time (issue #16, sweep3)
from hypothesis import given, settings, strategies as st  # noqa: E402

from gandynamics import verdict as V  # noqa: E402


def _grouped_rows(idx, d, life, zn):
    """Which rows the vector path must take, from the documented rule in NumPy: every sample at k <= T finite,
    every one in [T/4, T] above the floor, and at least 4 samples in [T/2, T]."""
    k = np.asarray(idx, float)[None, :]
    T = np.asarray(life, float)[:, None]
    floor = np.maximum(FLOOR_ABS, FLOOR_REL * zn)[:, None]
    with np.errstate(invalid="ignore"):
        live = k <= T
        ok = np.all(~live | np.isfinite(d), axis=1) & np.all(~(live & (k >= FIT_START * T)) | (d > floor), axis=1)
    return ok & (np.sum(live & (k >= TEST_START * T), axis=1) >= 4)


def _both_paths(idx, d, life, div, zn, cmax=None):
    idx = np.asarray(idx, float)
    floor = np.maximum(FLOOR_ABS, FLOOR_REL * zn)
    outs, counts = [], []
    for vector in (True, False):
        n = d.shape[0]
        out = np.empty((8, n + 1))[:, :n]  # (8, rows), never contiguous: as Reader hands its blocks
        caps = np.full(n, float(V.POLY_MAX)) if cmax is None else cmax
        counts.append(V._read_rows(idx, np.ascontiguousarray(d.T), np.asarray(life, float), div, floor, caps, out,
                                   0, n, vector, 0.0))  # sample-major distances
        outs.append(out)
    return outs, counts


def _same_exponents(got, want):
    """The reading's algebraic exponents (from its least-squares sums) against NumPy's polyfit on the samples: NaN in
    the same rows, equal to 1e-9 elsewhere."""
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[~np.isnan(got)], want[~np.isnan(want)], rtol=1e-9, atol=1e-12)


def _read_as_the_reference(idx, d, life, div, zn, cmax=None):
    """Both paths of the compiled reading bitwise the plain-Python reference, and the grouped rows those of the
    documented rule: returns (the reference's readings, rows grouped, rows read one by one by the grouped path's
    call (0 expected), the rule's rows)."""
    with np.errstate(all="ignore"):
        ref = reference(idx, d, life, div, zn, cmax)
    (grouped, single), (n_grouped, n_single) = _both_paths(idx, d, life, div, zn, cmax)
    np.testing.assert_array_equal(grouped, single)  # the two paths: every column bitwise
    np.testing.assert_array_equal(grouped[:7], ref[:7])
    _same_exponents(grouped[7], ref[7])
    want = _grouped_rows(idx, d, life, zn)
    assert n_grouped == int(want.sum())
    return ref, n_grouped, n_single, want


@pytest.mark.parametrize("K", [1000, 64, 7])
def test_rows_read_in_groups_are_bitwise_the_rows_read_one_by_one(K):
    rng = np.random.default_rng(K + 1)
    idx = np.unique(np.round(np.linspace(0, K, min(65, K + 1))).astype(np.int64))
    B = 600
    d, life, div = sequences(rng, B, idx, K)
    zn = rng.uniform(0, 3, B) * (rng.random(B) < 0.5)
    ref, n_grouped, n_single, want = _read_as_the_reference(idx, d, life, div, zn)
    assert n_single == 0
    if K == 1000:  # both paths see every verdict and both fits
        assert 0.5 * B < n_grouped < B
        for rows, codes_in in ((want, {CONVERGING, DIVERGED, BOUNDED, GROWING}), (~want, {CONVERGING, DIVERGED, BOUNDED})):
            codes = set(ref[6, rows].astype(int).tolist())
            assert codes >= codes_in, codes  # (the rows not grouped include no growing one; all rows go one by one too)
        assert np.any(ref[1, want] >= 1) and np.any(ref[1, want] == 0)
        # rows whose c only its standard error refuses, read in groups (and one by one by the other path)
        assert np.any(_undetermined_c(idx, d, life, zn) & want)


def test_a_cap_on_the_polynomial_exponent_per_row_is_kept_by_both_paths_bitwise():
    """Each row's cap of the fitted exponent (its method's state size less 1, ratefit.poly_cap): grouped and one by
    one bitwise the reference, rows of every cap in the same groups; a cap refuses exactly the fits the reference's
    rule refuses, the rate then the plain fit's."""
    rng = np.random.default_rng(7)
    K = 1000
    idx = np.unique(np.round(np.linspace(0, K, 65)).astype(np.int64))
    B = 600
    d, life, div = sequences(rng, B, idx, K)
    zn = np.zeros(B)
    cmax = rng.integers(0, 4, B).astype(float)
    ref, n_grouped, n_single, want = _read_as_the_reference(idx, d, life, div, zn, cmax)
    assert n_single == 0 and n_grouped > 0.5 * B
    capped = reference(idx, d, life, div, zn)  # the cap 3 everywhere
    kept = capped[1] > 0  # (c within POLY_SLACK of 1 to 3)
    assert np.all(ref[1] <= cmax + V.POLY_SLACK)
    refused = kept & (np.round(capped[1]) > cmax)
    assert refused.sum() >= 10 and np.all(ref[1, refused] == 0)  # the plain fit instead
    same = ~refused
    np.testing.assert_array_equal(ref[:, same], capped[:, same])


@pytest.mark.parametrize("layout", ["consecutive", "gathered"])
def test_groups_read_in_place_and_gathered_are_bitwise_the_reference(layout):
    """A group of consecutive usable rows is read in place from the sample-major distances, one whose rows are
    interleaved with rows read one by one is gathered first: both give the reference's numbers, bitwise, in
    groups of every size up to more than V.GROUP rows."""
    rng = np.random.default_rng(11)
    K = 1000
    idx = np.unique(np.round(np.linspace(0, K, 65)).astype(np.int64))
    d, life, div = sequences(rng, 8 * V.GROUP, idx, K)
    zn = np.zeros(len(d))
    usable = _grouped_rows(idx, d, life, zn)
    good, other = np.flatnonzero(usable), np.flatnonzero(~usable)
    n = min(len(good), len(other), V.GROUP + 7)
    assert n > V.GROUP  # groups fill up
    if layout == "consecutive":
        rows = good[:n]
    else:  # usable and other rows alternate: each group's rows are every second row
        rows = np.ravel(np.column_stack([good[:n], other[:n]]))
    d, life, div = d[rows], life[rows], div[rows]
    _, n_grouped, _, _ = _read_as_the_reference(idx, d, life, div, zn[rows])
    assert n_grouped == n


@pytest.mark.parametrize("K", [1000, 64])
def test_rows_of_one_life_are_classified_and_read_as_the_reference(K):
    """A block whose rows all have one life (no row diverged: the sweeps' usual case) is classified by a shorter
    pass (the windows' tests once per sample); rows holding NaN, inf or floor-level samples within that life are
    still read one by one, the others in groups: both bitwise the reference, and the grouped count is the rule's."""
    rng = np.random.default_rng(K + 7)
    idx = np.unique(np.round(np.linspace(0, K, min(65, K + 1))).astype(np.int64))
    B = 700
    d, _, _ = sequences(rng, B, idx, K)
    hit = np.flatnonzero(rng.random(B) < 0.15)  # an inf, -inf or NaN at one sample of some rows, early and late
    d[hit, rng.integers(0, len(idx), len(hit))] = rng.choice([np.inf, -np.inf, np.nan], len(hit))
    life, div = np.full(B, float(K)), np.full(B, -1, np.int64)
    zn = rng.uniform(0, 3, B) * (rng.random(B) < 0.5)
    _, n_grouped, _, _ = _read_as_the_reference(idx, d, life, div, zn)
    assert 0 < n_grouped < B


def test_the_reading_does_not_depend_on_the_row_ranges():
    """The threads split the rows at arbitrary points: the groups change, the numbers do not."""
    rng = np.random.default_rng(5)
    K = 1000
    idx = np.unique(np.round(np.linspace(0, K, 65)).astype(np.int64))
    B = 1000
    d, life, div = sequences(rng, B, idx, K)
    zn = np.zeros(B)
    whole = read_runs(idx, d, life, div, zn)
    cuts = [0, 1, 2, 35, 36, 99, 500, 733, B]
    split = lambda work, n: [work(a, b) for a, b in zip(cuts[:-1], cuts[1:])]  # noqa: E731
    parts = read_runs(idx, d, life, div, zn, split=split)
    for name in ("rate", "poly_order", "log_rate_err", "envelope_ratio", "tail_min", "tail_max", "code"):
        np.testing.assert_array_equal(getattr(parts, name), getattr(whole, name))


_ROW = st.tuples(st.integers(0, 10),                      # kind
                 st.floats(0.6, 1.05),                    # rho
                 st.floats(1e-3, 1e3),                    # scale
                 st.integers(0, 3),                       # Jordan exponent
                 st.floats(0.01, 2.0),                    # angular frequency
                 st.floats(0.0, 1.0),                     # where it diverges / is cut (fraction of K)
                 st.booleans())                           # diverges


@settings(max_examples=60, deadline=None)
@given(K=st.integers(3, 400), rows=st.lists(_ROW, min_size=1, max_size=80), samples=st.integers(2, 65),
       zn=st.floats(0.0, 5.0))
def test_hypothesis_sequences_read_as_before(K, rows, samples, zn):
    """Sequences drawn by hypothesis (geometric, Jordan-type, oscillating, cycles, reaching the floor, exact
    zeros, an inf, toward a blow-up, NaN after a divergence, lives cut short): the grouped reading is bitwise the previous
    row-by-row code (the plain-Python reference above) and the row-by-row path."""
    idx = np.unique(np.round(np.linspace(0, K, min(samples, K + 1))).astype(np.int64))
    k = idx.astype(float)
    B = len(rows)
    d = np.empty((B, len(idx)))
    life = np.full(B, float(K))
    div = np.full(B, -1, dtype=np.int64)
    for r, (kind, rho, a, c, w, cut, dv) in enumerate(rows):
        with np.errstate(all="ignore"):
            if kind == 0:
                x = a * rho ** k
            elif kind == 1:
                x = a * (1 + k) ** c * rho ** k
            elif kind == 2:
                x = a * rho ** k * (1.2 + np.cos(w * k))
            elif kind == 3:
                x = a * (1.5 + np.sin(w * k))
            elif kind == 4:
                x = a * 0.3 ** k  # reaches the floor
            elif kind == 5:
                x = a * rho ** k
                x[int(cut * (len(k) - 1))] = 0.0  # an exact zero
            elif kind == 6:
                x = a * rho ** k
                x[int(cut * (len(k) - 1))] = np.inf  # a distance that overflowed
            elif kind == 10:  # toward a blow-up at (1 + rho) K, beyond the run: accelerating (verdict.ACCEL_SIG)
                x = a / (1.0 - k / ((1.0 + rho) * K)) ** (1.0 + 2.0 * w)
            else:
                x = a * np.exp(-(1 - rho) * k) * (1 + 0.01 * np.sin(7 * k))
        d[r] = x
        at = 1 + int(cut * (K - 1))
        if dv:
            div[r] = at
            life[r] = at - 1
            d[r, k >= at] = np.nan
        elif kind in (8, 9):
            life[r] = at - 1  # a life shorter than K without divergence (a run cut short)
    z = np.full(B, zn)
    with np.errstate(all="ignore"):
        ref = reference(idx, d, life, div, z)
    (grouped, single), (n_grouped, _) = _both_paths(idx, d, life, div, z)
    np.testing.assert_array_equal(grouped, single)
    np.testing.assert_array_equal(grouped[:7], ref[:7])
    _same_exponents(grouped[7], ref[7])
    assert n_grouped == int(_grouped_rows(idx, d, life, z).sum())
    got = read_runs(idx, d, life, div, z)
    assert got.verdict == [V.VERDICTS[int(c)] for c in ref[6]]


def test_rows_not_run_are_labelled_and_the_others_read_as_in_a_whole_run(monkeypatch):
    """The verdict and reason columns are one gather from the labels: rows a Ctrl-C left unrun say "not run"
    and no reason, the finished rows what the uninterrupted sweep says."""
    import importlib
    S = importlib.import_module("gandynamics.runs.sweep")
    rng = np.random.default_rng(3)
    kw = dict(inits=rng.uniform(-3, 3, (300, 2)), grid={"gamma": rng.uniform(0, 1, 300),
                                                        "step": rng.uniform(0.01, 3.0, 300)},
              steps=200, product=False, progress=False)
    whole = sweep(FLD, "gd", **kw)
    orig = S._execute
    cut = np.zeros(300, dtype=bool)
    cut[::3] = True

    def interrupted(plan, **options):
        res, finished, info = orig(plan, **options)
        return res, finished & ~cut, dict(info, interrupted=True)
    monkeypatch.setattr(S, "_execute", interrupted)
    part = sweep(FLD, "gd", **kw)
    assert set(whole["verdict"].tolist()) == {"converging", "diverged", "bounded, not converging", "growing"}
    assert set(whole["reason"][~cut].tolist()) >= {"", "bound"}
    assert part["verdict"].tolist() == np.where(cut, "not run", whole["verdict"]).tolist()
    assert part["reason"].tolist() == np.where(cut, "", whole["reason"]).tolist()
    assert part["verdict"].dtype == whole["verdict"].dtype


# ------------------------------------------------------------------ the table filled in the kernels' threads (session 6)
#: a method of every kernel group (discrete, implicit, adaptive, dopri5): each stores sample-major distances for
#: the reading in its threads (kernels.common._gk_dput)
METHODS_OF_EACH_KERNEL = ["gd", "proximal", "eftp", "adam", "flow"]  # flow: run_dopri5 with scheme="dopri5"


@pytest.mark.parametrize("threads", [1, 2])
def test_sweep_columns_are_the_runs_read_afterwards(threads):
    """sweep fills its run columns range by range in the threads that ran them (sample-major scratch blocks); the
    same columns assembled from the plan's rows run whole (row-major distances) and read afterwards (engine.run_rows,
    ratefit.read): bitwise, with rows of a method of every kernel group, converging, bounded, diverged and stopped,
    on one and two threads."""
    import numba

    from conftest import cubic_quadratic
    from gandynamics.kernels import REASONS
    from gandynamics.runs.engine import run_rows
    from gandynamics.runs.ratefit import read
    from gandynamics.runs.sweep import sweep_plan
    from gandynamics.verdict import VERDICTS
    fld = cubic_quadratic(c=1.0)  # F = (a x, y): converging (a > 0, small h), a flip orbit at a h = h = 2,
    # diverging (h = 2.5, or a < 0 for gd / eftp), proximal's solve singular at a = -1, h = 1 (stopped)
    rng = np.random.default_rng(7)
    n = 300
    pairs = np.array([(1.0, 0.05), (1.0, 2.0), (-1.0, 1.0), (0.5, 2.5), (0.5, 0.3)])[rng.integers(0, 5, n)]
    kw = dict(inits=rng.uniform(-1, 1, (n, 2)), grid={"a": pairs[:, 0], "step": pairs[:, 1]}, steps=200,
              product=False, bound=50.0, engine="compiled", scheme="dopri5")  # (flow's; rk4 is a discrete kernel)
    nt = numba.get_num_threads()
    numba.set_num_threads(min(threads, nt))
    try:
        res = sweep(fld, METHODS_OF_EACH_KERNEL, **kw)
        plan = sweep_plan(fld, METHODS_OF_EACH_KERNEL, **kw)
        whole = run_rows(plan, 0, plan.rows)
    finally:
        numba.set_num_threads(nt)
    div = whole["divat"]
    r = read(plan.rec_idx, whole["dist"], np.where(div >= 0, div - 1, plan.K), div,
             np.linalg.norm(plan.ZSTAR, axis=1), whole["reason"])
    assert set(r.verdict) == {"converging", "bounded, not converging", "diverged", "stopped"}
    from gandynamics.methods import GROUPS
    assert {GROUPS[k] for k in plan.kernels} == {"discrete", "implicit", "adaptive", "dopri5"}, plan.kernels
    # the rows that diverged too early for the sweep's recording steps to tell their rate (NaN read afterwards) are read
    # again by the sweep, densely (sweep._read_again_diverged_early): gd's rate there is the closed form max(|1 - h a|,
    # |1 - h|), every other method's grows; the other rows bitwise
    again = np.isnan(r.rate) & np.isfinite(res["rate"])
    assert np.all(r.code[again] == VERDICTS.index("diverged")) and np.all(res["rate"][again] > 1.0)
    gd_again = again & (np.asarray(res["method"]) == "gd")
    a, h = np.asarray(res["a"])[gd_again], np.asarray(res["step"])[gd_again]
    assert gd_again.any()
    np.testing.assert_allclose(res["rate"][gd_again], np.maximum(abs(1 - h * a), abs(1 - h)), rtol=1e-8)  # (the
    # other mode, |1 - h a| = 0.25, bends the first samples: 2e-9)
    np.testing.assert_array_equal(res["rate"][~again], r.rate[~again])
    np.testing.assert_array_equal(res["tail_min"][~again], r.tail_min[~again])
    np.testing.assert_array_equal(res["tail_max"][~again], r.tail_max[~again])
    assert res["verdict"].tolist() == [VERDICTS[c] for c in r.code]
    assert res["reason"].tolist() == [REASONS[c] for c in whole["reason"]]
    assert res["diverged_at"].tolist() == div.tolist() and res["diverged"].tolist() == (div >= 0).tolist()
    # row_norms (scaled where the squares underflow: dopri5 runs end ~1e-154 from z*, where sqrt(x**2 + y**2) of
    # subnormal squares is 1 ulp off)
    from gandynamics.runs.equilibria import row_norms
    np.testing.assert_array_equal(res["distance"], row_norms(whole["final"] - plan.ZSTAR))
    np.testing.assert_array_equal(res.final, whole["final"])


def test_sweeps_at_once_from_two_threads_are_the_sweeps_run_alone():
    """Each thread keeps its scratch block of distances for its next range (engine._scratch): sweeps of different
    sizes run at once from two threads, on two numba threads sharing one pool, give bitwise the tables each gives
    run alone (a block shared between threads, or one reused before its reading ended, mixes rows)."""
    import threading

    import numba
    rng = np.random.default_rng(11)
    fld = VectorField(games.dirac(), [R1()])
    kws = [dict(inits=rng.uniform(-2, 2, (B, 2)), grid={"gamma": rng.uniform(0, 1, B), "step": rng.uniform(0.05, 0.6, B)},
                steps=K, product=False, progress=False, chunk_size=512) for B, K in ((3000, 400), (1300, 900))]
    nt = numba.get_num_threads()
    numba.set_num_threads(min(2, nt))
    try:
        alone = [sweep(fld, "eftp", **kw) for kw in kws]
        for _ in range(3):
            got = [None, None]

            def run(i):
                numba.set_num_threads(min(2, nt))  # (numba's thread count is per thread)
                got[i] = sweep(fld, "eftp", **kws[i])

            ts = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            for a, g in zip(alone, got):
                for c in ("rate", "tail_min", "tail_max", "distance"):
                    np.testing.assert_array_equal(g[c], a[c])
                assert g["verdict"].tolist() == a["verdict"].tolist()
    finally:
        numba.set_num_threads(nt)


def test_text_columns_are_the_labels_of_their_codes_as_wide_as_the_longest_present():
    """A sweep's verdict and reason columns: labels[codes], element by element, in a string array as wide as the
    longest label that occurs (numpy's width for an array of those strings: a table whose runs all converged does
    not carry 23-character cells)."""
    from gandynamics.runs.results import text_column as _text_column
    rng = np.random.default_rng(4)
    labels = ("converging", "diverged", "bounded, not converging", "stopped", "not run")
    for which in ([0], [0, 1], [2], [0, 3, 4], list(range(5))):
        codes = rng.choice(which, 1000)
        col = _text_column(labels, codes)
        assert col.tolist() == [labels[c] for c in codes]
        assert col.dtype == np.dtype(f"<U{max(len(labels[c]) for c in which)}")
    res = sweep(FLD, "gd", inits=[[0.5, 0.5], [3.0, 3.0]], grid={"step": [0.1, 5.0]}, steps=200, product=False)
    assert res["verdict"].tolist() == ["converging", "diverged"] and res["reason"].tolist() == ["", "bound"]


@pytest.mark.parametrize("kw, msg", [
    (dict(method=["gd", "eg", "gd"]), r"^method 'gd' given twice"),
    (dict(method="gd", product="no"), r"product is True .* or False .*; got 'no'"),
    (dict(method="gd", product=1), r"product is True"),
    (dict(method=["gd", "eg"], grid={"beta": [0.1, 0.5]}), r"grid beta applies to none of gd, eg: it is an option of .*momentum"),
    # (a new user's: the grid's beta silently replaced the option on every row; the command line refused it already)
    (dict(method="momentum", grid={"beta": [-0.05]}, beta=0.3), r"beta=0.3 and the grid axis beta both give every row"),
])
def test_sweep_refuses_what_it_would_ignore_or_repeat(kw, msg):
    """A beta axis that no chosen method takes (its rows identical under different labels; simulate refuses gd
    --beta), a method named twice (every row twice) and a product that is not a bool ("no" was true) are refused."""
    grid = kw.pop("grid", {"gamma": [0.1, 0.2]})
    with pytest.raises(GandynamicsError, match=msg):
        sweep(FLD, inits=[[1.0, 1.0]], grid=grid, step=0.1, steps=5, **kw)


def test_a_beta_axis_applies_to_the_methods_that_take_it():
    res = sweep(FLD, ["gd", "momentum"], inits=[[1.0, 0.5]], grid={"beta": [0.0, 0.5]}, step=0.1, steps=30)
    gd, mom = res["method"] == "gd", res["method"] == "momentum"
    assert res["final_theta"][gd][0] == res["final_theta"][gd][1]  # gd has no momentum: the same run
    assert res["final_theta"][mom][0] != res["final_theta"][mom][1]


def test_each_rows_equilibrium_is_in_the_table_and_a_rejected_declared_one_is_said(caplog):
    """LQ-WGAN declares (s, m, 0, 0) for the factory's defaults (m = 0, s = 1); a sweep over m measures each row
    from its own z*: the table's zstar_ columns hold the closed form (s, m, 0, 0) of each row (the module's
    docstring), the distance is |final - z*| of those (numpy's norm), and the log says for how many rows the declared
    point was not a zero of F; a sweep whose rows all share the declared point says nothing."""
    import logging
    fld = VectorField(games.make_game("lq-wgan"), [])
    ms = np.array([0.0, 0.5, 2.0])
    with caplog.at_level(logging.INFO, logger="gandynamics"):
        res = sweep(fld, ["gd", "eg"], inits=[[1.2, 0.3, 0.1, 0.1]], grid={"m": ms}, step=0.05, steps=300,
                    engine="interpreted")  # (the table's columns are the point here, not the kernels)
    zs = np.column_stack([res[f"zstar_{n}"] for n in fld.names])
    want = np.column_stack([np.ones(6), np.tile(ms, 2), np.zeros(6), np.zeros(6)])
    np.testing.assert_allclose(zs, want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res["distance"], np.linalg.norm(res.final - zs, axis=1), rtol=1e-15, atol=0)
    said = [r.getMessage() for r in caplog.records if "declared equilibrium" in r.getMessage()]
    assert len(said) == 1 and "4 of 6 rows" in said[0] and "zstar_" in said[0], said
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="gandynamics"):
        res = sweep(fld, "gd", inits=[[1.2, 0.3, 0.1, 0.1]], grid={"s": [1.0]}, step=0.05, steps=300,
                    engine="interpreted")
    assert not [r for r in caplog.records if "declared equilibrium" in r.getMessage()]
    assert (np.column_stack([res[f"zstar_{n}"] for n in fld.names]) == fld.equilibrium).all()


@pytest.mark.parametrize("progress,bars", [(True, 1), (None, 0), (False, 0)])
def test_a_forced_progress_bar_is_shown_on_a_sweep_short_enough_for_one_chunk(monkeypatch, progress, bars):
    """A sweep of at most ONE_CHUNK_FACTOR chunks' work runs as one chunk (no bar needed by default), but
    ``progress=True`` forces the bar: it is then run in chunks of CHUNK_WORK as before (the one-chunk rule left the
    forced bar out: it is only made after a first chunk of several), and a sweep of one chunk of CHUNK_WORK or less
    shows it too (it never did).  N = 2 blocks and 88 rows (chunks hold at least two blocks), CHUNK_WORK lowered so
    that N rows x 500 steps are 1.5 chunks' work; the table is bitwise that of one chunk."""
    from gandynamics.kernels import block_width
    from gandynamics.runs.module import kernel_module_source
    import importlib
    S = importlib.import_module("gandynamics.runs.sweep")
    made = []
    orig_bar = S._bar

    def bar(total, done, fn=None, auto=False):
        made.append((total, done))
        return orig_bar(total, done, fn, auto=auto)
    rng = np.random.default_rng(4)
    N = 2 * block_width(kernel_module_source(FLD)) + 88
    kw = dict(inits=rng.uniform(-1, 1, (N, 2)), grid={"gamma": rng.uniform(0, 1, N), "step": rng.uniform(0.01, 1, N)},
              steps=500, product=False)
    whole = sweep(FLD, "gd", progress=False, **kw)
    monkeypatch.setattr(S, "CHUNK_WORK", N * 500 / 1.5)
    monkeypatch.setattr(S, "_bar", bar)
    res = sweep(FLD, "gd", progress=progress, **kw)
    assert len(made) == bars and res.meta["chunks"] == (2 if progress else 1)
    for c in ("final_theta", "final_psi", "distance", "rate", "tail_min", "tail_max"):
        np.testing.assert_array_equal(res[c], whole[c])
    assert res["verdict"].tolist() == whole["verdict"].tolist()
    made.clear()
    tiny = sweep(FLD, "gd", progress=progress, inits=[[0.5, 0.5]], step=0.1, steps=10)  # one chunk, whatever is asked
    assert len(made) == bars and tiny.meta["chunks"] == 1


def test_a_hyperparameter_named_like_a_column_of_the_table_is_the_axis_hyper_name():
    """The Hopf game's hyperparameter beta beside momentum's beta: the table had one column 'beta' for both (the
    method's overwrote the game's: params={'beta': 0.5} showed 0) and a grid over 'beta' set both.  Now the game's is
    the axis and column hyper_beta: each grid sets its own, checked against simulate (an independent path) with the
    same game parameter and method option; hyper_axis_names renames exactly the colliding names."""
    import sympy as sp

    from gandynamics import Game, simulate
    from gandynamics.runs.sweep import hyper_axis_names
    fld = VectorField(games.make_game("hopf"))
    z0 = [0.1, 0.1]
    res = sweep(fld, "momentum", inits=[z0], grid={"beta": [0.1, 0.3]}, step=0.05, steps=80, engine="interpreted")
    assert res["beta"].tolist() == [0.1, 0.3] and res["hyper_beta"].tolist() == [0.25, 0.25]
    for i, b in enumerate((0.1, 0.3)):
        tr = simulate(fld, "momentum", z0, 80, 0.05, params={"beta": 0.25}, beta=b, engine="interpreted")
        np.testing.assert_array_equal(res.final[i], tr.final)
    res = sweep(fld, "gd", inits=[z0], grid={"hyper_beta": [0.1, -0.2]}, step=0.05, steps=80, engine="interpreted")
    # (gd has no beta: its rows' beta column is NaN, the hyperparameter's column its own)
    assert np.isnan(res["beta"]).all() and res["hyper_beta"].tolist() == [0.1, -0.2]
    for i, b in enumerate((0.1, -0.2)):
        np.testing.assert_array_equal(res.final[i], simulate(fld, "gd", z0, 80, 0.05, params={"beta": b},
                                                             engine="interpreted").final)
    assert sweep(fld, "gd", inits=[z0], step=0.05, steps=5, params={"beta": 0.5}, engine="interpreted")["hyper_beta"][0] == 0.5
    with pytest.raises(GandynamicsError, match="the game's hyperparameter beta is the grid axis hyper_beta"):
        sweep(fld, "gd", inits=[z0], grid={"beta": [0.1]}, step=0.05, steps=5)
    x, y = sp.symbols("x y")
    names = ["rate", "step", "beta", "hyper_beta", "gamma", "init_x", "final_y", "zstar_x", "initx"]
    syms = {sp.Symbol(n): 1.0 for n in names}
    g = Game([x], [y], sum(syms) * x * y, -sum(syms) * x * y, hyper=syms, name="clash")
    assert hyper_axis_names(VectorField(g)) == ["hyper_rate", "hyper_step", "hyper_hyper_beta", "hyper_beta", "gamma",
                                                "hyper_init_x", "hyper_final_y", "hyper_zstar_x", "initx"]


@pytest.mark.parametrize("top", [1.5, 3.0, 40.0])
def test_groups_of_fractional_sample_steps_are_bitwise_the_reference(top):
    """Sample steps that are not whole numbers (a reviewer's harness): at top = 1.5 the windows start below step 1, so
    the grouped reading runs with its log-log fit and its fit with a polynomial factor switched off (log k undefined
    there), at 3.0 with only the latter off, at 40 with both on; every case bitwise the reference, in groups."""
    rng = np.random.default_rng(int(top * 10))
    idx = np.linspace(0.0, top, 33)
    B = 400
    s = max(1.0, 40.0 / top)  # (the generator's own steps, >= 40; the lives scaled back: the reading reads them)
    d, life, div = sequences(rng, B, idx * s, top * s)
    life = np.asarray(life, float) / s
    zn = rng.uniform(0, 3, B) * (rng.random(B) < 0.5)
    ref, n_grouped, n_single, want = _read_as_the_reference(idx, d, life, div, zn)
    assert n_single == 0 and n_grouped > 0.3 * B
    T = float(np.median(life[want]))
    k = idx[idx <= T]
    loglog_on = k[k >= TEST_START * T].min() >= 1.0
    poly_on = k[k >= FIT_START * T].min() >= 1.0
    assert (loglog_on, poly_on) == {1.5: (False, False), 3.0: (True, False), 40.0: (True, True)}[top]


@pytest.mark.parametrize("K", [1000, 997, 203])
@pytest.mark.slow  # (about 1 s a case: CI's default pass is kept under 3 minutes, session 45)
def test_a_spike_at_either_end_of_each_band_is_read_as_the_reference(K):
    """The envelopes of a group come from the largest and smallest distance of each of the six bands the verdict's
    tests cut [0, T] into (k <= T/4, T/4 < k < T/2, T/2 <= k < 5T/8, 5T/8 <= k < 3T/4, 3T/4 <= k < 7T/8, 7T/8 <= k
    <= T, cut here from their definitions): a spike up or down at the first or the last sample of each band, in rows
    read in groups, gives the reference's readings bitwise (a band starting one sample late passed every other test),
    at lives that are not multiples of 8; the spikes change the readings (the test can fail)."""
    rng = np.random.default_rng(K)
    idx = np.unique(np.round(np.linspace(0, K, 65)).astype(np.int64))
    k, T = idx.astype(float), float(K)
    bands = [k <= T / 4, (k > T / 4) & (k < T / 2), (k >= T / 2) & (k < 5 * T / 8), (k >= 5 * T / 8) & (k < 3 * T / 4),
             (k >= 3 * T / 4) & (k < 7 * T / 8), k >= 7 * T / 8]
    ends = sorted({int(j) for b in bands for j in (np.flatnonzero(b)[0], np.flatnonzero(b)[-1])})
    d, life, div = sequences(rng, 600, idx, K)
    keep = _grouped_rows(idx, d, life, np.zeros(len(d))) & (life == K)
    base = d[keep][:60]
    rows = [base]
    for j in ends:
        for factor in (30.0, 1 / 30.0):
            s = base.copy()
            s[:, j] *= factor
            rows.append(s)
    D = np.vstack(rows)
    n = len(D)
    life, div, zn = np.full(n, float(K)), np.full(n, -1, dtype=np.int64), np.zeros(n)
    ref, n_grouped, n_single, want = _read_as_the_reference(idx, D, life, div, zn)
    assert n_single == 0 and n_grouped == int(want.sum()) and want.sum() > 0.8 * n
    plain = ref[:, :len(base)]
    changed = [not np.array_equal(ref[:, (i + 1) * len(base):(i + 2) * len(base)], plain, equal_nan=True)
               for i in range(len(rows) - 1)]
    assert all(changed)


@pytest.mark.parametrize("K", [1000, 20000])
@pytest.mark.slow  # (about 1 s a case: CI's default pass is kept under 3 minutes, session 45)
def test_algebraic_exponents_are_read_by_both_paths_as_numpy_fits_them(K):
    """The sweep's ``algebraic`` column (the exponent p of |z_k - z*| ~ k^p) from the reading's least-squares sums, in
    groups and one by one (bitwise), against NumPy's polyfit on the samples (verdict.algebraic_exponent): power laws
    A k^-p (p from 0.2 to 3), some with a transient (k + k0)^-p or a modulation, found with their exponent; geometric
    decays, a fall to a level c + a/k and orbits not.  Rows with a NaN or a sample under the floor (read one by one)
    too."""
    rng = np.random.default_rng(K)
    idx = np.unique(np.round(np.linspace(0, K, 65)).astype(np.int64)).astype(float)
    k = np.maximum(idx, 1.0)[None, :]
    B = 400
    kind = rng.integers(0, 5, B)[:, None]
    p = rng.uniform(0.2, 3.0, (B, 1))
    a = 10 ** rng.uniform(-2, 2, (B, 1))
    d = a * k ** -p
    d = np.where(kind == 1, a * (k + rng.uniform(1, 50, (B, 1))) ** -p * (1 + 0.05 * np.cos(0.3 * k)), d)
    d = np.where(kind == 2, a * rng.uniform(0.99, 0.9999, (B, 1)) ** k, d)
    d = np.where(kind == 3, a * (rng.uniform(1, 20, (B, 1)) / K + 1.0 / k), d)
    d = np.where(kind == 4, a * (1.5 + np.cos(rng.uniform(0.1, 2, (B, 1)) * k)), d)
    d[::7, 3] = np.nan  # (a gap early: those rows go one by one)
    life = np.full(B, float(K))
    div = np.full(B, -1, dtype=np.int64)
    zn = np.zeros(B)
    ref, n_grouped, _, _ = _read_as_the_reference(idx, d, life, div, zn)
    assert 0 < n_grouped < B
    alg = ref[7]
    power = (kind[:, 0] == 0) & (p[:, 0] >= 0.35)
    assert np.all(np.isfinite(alg[power])) and np.allclose(alg[power], -p[power, 0], rtol=0.05)
    assert np.all(np.isnan(alg[kind[:, 0] == 2])) and np.all(np.isnan(alg[kind[:, 0] == 4]))


def test_rows_whose_zstar_was_found_from_their_end_are_tested_for_stalling_on_their_distance_to_it(monkeypatch):
    """A review: rows with no z* when they ran (F = (log(x/2), y): none declared, none found from 0) are read again
    from a zero found where they ended; their recorded last distances are from their start, and every converging row
    was taken for one whose last distance is not its smallest and tested (20 of 20, where the rule marks 1).  The
    rows tested are those the rule gives on the distances to the zero found (the table's)."""
    import sympy as sp
    import gandynamics as gd
    import importlib
    S = importlib.import_module("gandynamics.runs.sweep")  # (the module: the package's `sweep` is the function)
    from gandynamics.runs.ratefit import STALL_REL
    from gandynamics.verdict import FLOOR_REL
    x, y = sp.symbols("x y", real=True)
    fld = gd.VectorField(gd.Game(theta=[x], psi=[y], loss_g=x * sp.log(x / 2) - x, loss_d=y**2 / 2, name="logzero"))
    tested = []
    real = S.at_rounding_of_F

    def spy(*a, **k):
        if k.get("converging"):
            tested.append(1)
        return real(*a, **k)
    monkeypatch.setattr(S, "at_rounding_of_F", spy)
    inits = np.column_stack([np.linspace(1.2, 2.8, 20), np.linspace(-0.5, 0.5, 20)])
    r = gd.sweep(fld, "gd", inits=inits, steps=300, step=0.5, engine="interpreted", progress=False)
    c = r.columns
    z = np.column_stack([c["zstar_x"], c["zstar_y"]])
    d0 = np.hypot(inits[:, 0] - z[:, 0], inits[:, 1] - z[:, 1])
    expect = ((c["verdict"] == "converging") & (c["distance"] > (1 + STALL_REL) * c["tail_min"])
              & (c["distance"] > 0) & (c["distance"] <= FLOOR_REL * np.maximum(np.hypot(z[:, 0], z[:, 1]), d0)))
    assert np.all(np.isfinite(z)) and len(tested) == int(expect.sum()) < 20


def test_the_given_columns_and_the_record_are_the_same_however_the_rows_ran(monkeypatch):
    """A sweep makes the table's columns of what it was given (starts, grid values, steps) and its provenance record
    while the kernels run (``engine.threaded``'s ``meanwhile``): on two threads, one thread, an Executor client (made
    after the rows are gathered) and after a Ctrl-C before any row ran (made then), the same columns and record
    (but the record's date), in the same order."""
    import concurrent.futures
    import importlib
    import numba
    E = importlib.import_module("gandynamics.runs.engine")
    rng = np.random.default_rng(5)
    kw = dict(inits=rng.uniform(-1, 1, (30, 2)), grid={"gamma": rng.uniform(0.1, 1, 30), "step": rng.uniform(0.05, 0.2, 30)},
              steps=40, product=False, progress=False, engine="compiled")
    given = [k for k in sweep(FLD, ["gd", "eg"], **kw).columns if k.startswith("init_")] + [
        "gamma", "step", "step_g", "step_d", "beta"]

    def part(res):
        rec = dict(res.meta["provenance"])
        rec.pop("date")
        return [k for k in res.columns], {k: [None if v != v else v for v in np.asarray(res[k]).tolist()]
                                          for k in given}, rec  # (NaN as None: the beta of gd and eg)

    ref = part(sweep(FLD, ["gd", "eg"], **kw))
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        assert part(sweep(FLD, ["gd", "eg"], **kw)) == ref
    finally:
        numba.set_num_threads(old)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        assert part(sweep(FLD, ["gd", "eg"], client=pool, **kw)) == ref

    def ctrl_c(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(E, "_run_range", ctrl_c)
    res = sweep(FLD, ["gd", "eg"], **kw)
    assert res.meta["interrupted"] and not res["finished"].any()
    assert part(res) == ref


def test_a_sweeps_record_is_dated_when_its_rows_have_run(monkeypatch):
    """The record is made while the rows run; its date is taken after them (a sweep of hours was dated at its
    start: a review), as simulate's is."""
    import importlib
    S = importlib.import_module("gandynamics.runs.sweep")
    E = importlib.import_module("gandynamics.runs.engine")
    ran = []
    real = E._run_range

    def spy(*a, **k):
        ran.append(True)
        return real(*a, **k)

    monkeypatch.setattr(E, "_run_range", spy)
    monkeypatch.setattr(S, "provenance_date", lambda: "after" if ran else "before")
    res = sweep(FLD, "gd", inits=[[0.5, 0.5]], steps=20, step=0.1, progress=False, engine="compiled")
    assert ran and res.meta["provenance"]["date"] == "after"


@pytest.mark.parametrize("case", range(6))
def test_the_rows_arrays_are_the_same_filled_on_the_threads_in_any_ranges(case, monkeypatch):
    """sweep._fill_rows fills the plan's rows (starts, hyperparameters, steps, beta, method index) and writes and
    checks the declared z* range by range on the engine's threads for a large sweep: ranges of any size, crossing
    the methods' blocks, give the arrays of one pass, bitwise (product and zipped sweeps, one start for every row,
    a beta axis, several methods, rows where the declared z* does not hold)."""
    import importlib
    import sys
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_equilibria import _affine_game
    S = importlib.import_module("gandynamics.runs.sweep")
    rng = np.random.default_rng(case)
    if case < 3:
        fld = FLD
        n = int(rng.integers(300, 900))
        inits = rng.uniform(-2, 2, (1 if case == 1 else n, 2))
        methods = [["momentum"], ["gd", "eg", "momentum"], ["momentum", "lookahead"]][case]
        kw = dict(inits=inits, grid={"gamma": rng.uniform(0, 1, n), "beta": rng.uniform(-0.5, 0.5, n)}, step=0.1,
                  product=False)
    elif case < 5:
        fld = FLD
        methods = ["gd", "altgd"][: case - 2]
        kw = dict(inits=rng.uniform(-2, 2, (7, 2)), grid={"gamma": np.linspace(0, 1, 11), "step_g": [0.05, 0.1],
                                                          "step_d": [0.1, 0.2, 0.3]}, product=True)
    else:  # the declared z* holds at s = 1 only
        g, zstar, *_ = _affine_game(rng, np.zeros(4))
        fld = VectorField(g, [])
        n = 700
        kw = dict(inits=zstar + rng.normal(size=(n, 4)), grid={"s": np.where(rng.random(n) < 0.8, 1.0, 2.0)},
                  step=0.05, product=False)
        methods = ["gd", "eg"]
    monkeypatch.setattr(S, "FILL_ROWS", 10**9)  # one pass in this thread
    one = S.sweep_plan(fld, methods, steps=10, **kw)
    for size in (1, 7, 64, 333):
        monkeypatch.setattr(S, "FILL_ROWS", size)
        got = S.sweep_plan(fld, methods, steps=10, **kw)
        for name in ("Z0", "P", "H", "BETA", "ZSTAR", "method_index"):
            a, b = getattr(one, name), getattr(got, name)
            assert a.dtype == b.dtype and a.flags.c_contiguous and b.flags.c_contiguous, name
            np.testing.assert_array_equal(a, b, err_msg=f"{name}, ranges of {size}")


def test_the_beta_column_is_nan_on_the_rows_of_a_method_without_one():
    """A sweep of gd and momentum over a grid of beta: momentum's rows hold each beta and run with it, gd's rows hold
    NaN (they read the grid's values as if beta had acted on gd, and 0 in a sweep without the axis: a new user), and
    gd's rows are the same run whatever the grid's beta (checked against simulate); lookahead over gd, whose beta
    applies only over a base that takes one, NaN too; adam's rows its beta1 (the slot a grid's beta sets)."""
    from gandynamics import simulate
    z0 = [0.6, -0.4]
    res = sweep(FLD, ["gd", "momentum"], inits=[z0], grid={"beta": [-0.5, 0.0, 0.3]}, step=0.1, steps=50,
                engine="interpreted")
    gd_rows, mom_rows = np.asarray(res["method"]) == "gd", np.asarray(res["method"]) == "momentum"
    assert np.isnan(res["beta"][gd_rows]).all() and res["beta"][mom_rows].tolist() == [-0.5, 0.0, 0.3]
    ref = simulate(FLD, "gd", z0, 50, 0.1, engine="interpreted").final
    for i in np.flatnonzero(gd_rows):
        np.testing.assert_array_equal(res.final[i], ref)
    for i, b in zip(np.flatnonzero(mom_rows), (-0.5, 0.0, 0.3)):
        np.testing.assert_array_equal(res.final[i], simulate(FLD, "momentum", z0, 50, 0.1, beta=b,
                                                             engine="interpreted").final)
    res = sweep(FLD, ["lookahead", "adam", "momentum"], inits=[z0], step=0.1, steps=20, beta=-0.3, engine="interpreted")
    assert np.isnan(res["beta"][0]) and res["beta"][1] == 0.9 and res["beta"][2] == -0.3, res["beta"]


def test_a_grid_of_beta_is_checked_by_each_method_s_own_rule():
    """The grid's beta is adam's beta1 (its beta slot), whose rule is 0 <= beta1 < 1: a grid with -0.5 ran adam at
    beta1 = -0.5 where beta1=-0.5 is refused (a new user's check); refused now, in the rule's words, for the value at
    either end of the axis, in a zip sweep as in a product; momentum takes the same values."""
    z0 = [[0.6, -0.4]]
    with pytest.raises(GandynamicsError, match=r"beta1"):  # (the keyword's own refusal, for comparison)
        sweep(FLD, "adam", inits=z0, step=0.1, steps=5, beta1=-0.5, engine="interpreted")
    for grid in ({"beta": [0.2, -0.5]}, {"beta": [0.2, 1.0]}):
        with pytest.raises(GandynamicsError, match=r"^grid beta \(adam's beta1\) must be a number >= 0 and < 1, got "):
            sweep(FLD, ["momentum", "adam"], inits=z0, grid=grid, step=0.1, steps=5, engine="interpreted")
    with pytest.raises(GandynamicsError, match=r"^grid beta \(adam's beta1\)"):
        sweep(FLD, "adam", inits=z0 * 2, grid={"beta": [0.3, -0.1]}, step=0.1, steps=5, product=False,
              engine="interpreted")
    res = sweep(FLD, ["momentum", "adam"], inits=z0, grid={"beta": [0.0, 0.5]}, step=0.1, steps=5, engine="interpreted")
    assert res["beta"].tolist() == [0.0, 0.5, 0.0, 0.5]
    assert len(sweep(FLD, "momentum", inits=z0, grid={"beta": [-0.5, 0.3]}, step=0.1, steps=5,
                     engine="interpreted")) == 2
