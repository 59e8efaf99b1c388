"""The reading of runs (gandynamics.runs.ratefit.read): a run that ended because its method could not take the
next step reads "stopped", a run that left the bound or became non-finite "diverged", whatever the entry point."""

import math

import numpy as np
import pytest
import sympy as sp

from gandynamics import Game, VectorField, simulate, sweep
from gandynamics.kernels import REASONS, STOPS
from gandynamics.runs.ratefit import read


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_code_reads_as_stopped_exactly_when_it_is_a_stop(code):
    idx = np.arange(0.0, 65.0)
    rng = np.random.default_rng(code)
    dist = np.exp(-0.05 * idx)[None, :] * rng.uniform(0.5, 2.0, (4, 1))
    dist[0, 10:] = np.nan  # row 0 ended at step 10, row 3 at step 30; rows 1 and 2 ran to the end
    dist[3, 30:] = np.nan
    divat = np.array([10, -1, -1, 30])
    life = np.where(divat >= 0, divat - 1, 64)
    got = read(idx, dist, life, divat, None, np.full(4, code)).verdict
    ended = "stopped" if REASONS[code] in STOPS else "diverged"
    assert got[0] == ended and got[3] == ended
    assert got[1] == got[2] == "converging"
    # without reasons: the old reading, a divergence
    assert read(idx, dist, life, divat, None).verdict[0] == "diverged"


def test_sweep_and_simulate_say_stopped_for_a_failed_solve_and_diverged_for_the_bound():
    # the proximal point method on F(z) = -z: z+ = z / (1 - h); h = 1 is singular (I + h DF = 0), h = 0.5 doubles
    # the state every step (leaves the bound 1e6 at step 20: 2^20 > 1e6 / sqrt(2)), h = 2 flips its sign (an orbit)
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], -x**2 / 2, -y**2 / 2, equilibrium=(0, 0)))
    res = sweep(fld, "proximal", inits=[[1.0, 1.0]], grid={"step": [0.5, 1.0, 2.0]}, steps=50)
    assert list(res["verdict"]) == ["diverged", "stopped", "bounded, not converging"]
    assert list(res["reason"]) == ["bound", "solve", ""]
    assert list(res["diverged_at"]) == [20, 1, -1]
    assert simulate(fld, "proximal", [1.0, 1.0], 20, 1.0).verdict == "stopped"
    assert simulate(fld, "proximal", [1.0, 1.0], 50, 0.5).verdict == "diverged"
    # FTR on the bilinear game: DF_psipsi = 0 cannot be solved
    bil = VectorField(Game([x], [y], x * y, -x * y, equilibrium=(0, 0)))
    assert simulate(bil, "ftr", [1.0, 1.0], 20, 0.1).verdict == "stopped"


def test_an_underflowing_step_size_reads_stopped_and_does_not_claim_no_divergence():
    # z' = x^2 blows up at t = 1 from x = 1; with no bound the adaptive integrator's step underflows first
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], -x**3 / 3, y**2 / 2, equilibrium=(0, 0)))
    tr = simulate(fld, "flow", [1.0, 0.0], 100, 0.5, bound=np.inf, scheme="dopri5")
    # the exact solution 1/(1 - t) blows up at the end of step 2 (t = 1); the numerical one lags a little behind it
    assert (tr.verdict, tr.reason) == ("stopped", "stepsize") and tr.diverged_at in (2, 3)
    assert tr.describe().startswith(f"stopped at step {tr.diverged_at}: ") and "not diverged" not in tr.describe()
    # with the default bound the blow-up is a divergence
    assert simulate(fld, "flow", [1.0, 0.0], 100, 0.5, scheme="dopri5").verdict == "diverged"


@pytest.mark.parametrize("scratch", [None, 3000])
def test_reading_in_the_kernels_threads_is_the_reading_afterwards(scratch, monkeypatch):
    """A sweep reads each range of rows in the thread that ran it, from a scratch block of distances
    (run_rows(then=...), ratefit.row_reader): the same readings, bitwise, as reading the whole distance array
    afterwards (ratefit.read), and the same last samples -- with scratch blocks much smaller than a range (many of
    them, the last one partial), on one thread and on two, rows diverging and converging."""
    import numba

    from gandynamics import R1, games
    from gandynamics.runs import engine
    from gandynamics.runs.engine import alloc, run_rows
    from gandynamics.runs.equilibria import row_norms
    from gandynamics.runs.ratefit import mark_stopped, row_reader

    from conftest import sweep_plan
    if scratch is not None:  # ~ 3000 bytes of distances: 5 rows per block of the reading
        monkeypatch.setattr(engine, "SCRATCH_BYTES", scratch)
        monkeypatch.setattr(engine, "SCRATCH_MIN_STEPS", 0)
    rng = np.random.default_rng(4)
    B = 1000
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), "eftp", inits=rng.uniform(-2, 2, (B, 2)),
                      grid={"gamma": rng.uniform(0, 1, B), "step": rng.choice([0.05, 0.3, 2.5], B)}, steps=300,
                      product=False, bound=8.0)
    zn = np.linalg.norm(plan.ZSTAR, axis=1)
    after = run_rows(plan, 0, B)
    div = after["divat"]
    ref = read(plan.rec_idx, after["dist"], np.where(div >= 0, div - 1, plan.K), div, zn, after["reason"])
    assert len(set(ref.verdict)) == 3  # converging, bounded, diverged
    nt = numba.get_num_threads()
    for threads in (1, 2):
        numba.set_num_threads(min(threads, nt))
        try:
            out = alloc(plan, B, dist=False)
            reader, then, ends = row_reader(plan.rec_idx, plan.K, out["divat"], zn)
            run_rows(plan, 0, B, out, then=then)
        finally:
            numba.set_num_threads(nt)
        got = mark_stopped(reader.reading(), out["divat"], out["reason"])
        for name in ("rate", "poly_order", "log_rate_err", "envelope_ratio", "tail_min", "tail_max", "code"):
            np.testing.assert_array_equal(getattr(got, name), getattr(ref, name), err_msg=name)
        np.testing.assert_array_equal(out["final"], after["final"])
        np.testing.assert_array_equal(ends[1], after["dist"][:, -1])  # (the last samples kept, NaN where a run died)
        np.testing.assert_array_equal(ends[0], after["dist"][:, 0])  # (and the first: the start's distance)
        np.testing.assert_array_equal(ends[0], row_norms(plan.Z0 - plan.ZSTAR))  # (row_norms' own number)


# ---- found by the adversarial review of session 5 (each failed before its fix)
def test_a_stopped_proximal_run_ends_at_the_last_state_the_method_reached(stopped_sweep):
    # the proximal kernel wrote its unsolved Newton iterate (here the explicit predictor z - h F(z) = 2 z) into the
    # state, so a stopped run's final state and distance were a point the method never reached (FTR keeps z_k)
    from gandynamics import simulate
    fld, res = stopped_sweep
    tr = simulate(fld, "proximal", [1.0, 1.0], 20, 1.0)
    assert tr.verdict == "stopped" and tr.diverged_at == 1
    np.testing.assert_array_equal(tr.final, [1.0, 1.0])
    np.testing.assert_array_equal(tr.states, [[1.0, 1.0], [1.0, 1.0]])
    assert res["final_x"][0] == 1.0 and res["final_y"][0] == 1.0
    np.testing.assert_allclose(res["distance"][0], np.sqrt(2.0), rtol=1e-15, atol=0)


def test_distances_recorded_through_subnormal_squares_are_not_fitted():
    """Generator of the kind: decays that pass below 1.5e-154 (rotations at rate rho down to 1e-200, 200 of them),
    their distances recorded as the kernels record them, sqrt(x*x + y*y): the squares are subnormal below
    2^-511 and zero below ~2.2e-162, so those samples are wrong by up to 1e-4 (or 0).  The runs' reading
    (ratefit.read, floor RECORD_FLOOR = 2^-511) fits only the accurate samples: the rate is rho to rounding.  With
    the reading's exact-distance floor 1e-290 the log-rate was off by up to 8e-5 (relative)."""
    from gandynamics.runs.ratefit import RECORD_FLOOR, read
    from gandynamics.runs.validate import sample_steps
    assert RECORD_FLOOR == math.sqrt(np.finfo(float).tiny)
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(200):
        rho, th = rng.uniform(0.5, 0.95), rng.uniform(0.05, 3.0)
        T = int(np.ceil(np.log(1e-200) / np.log(rho)))
        k = sample_steps(T, 65).astype(float)
        x, y = rho**k * np.cos(k * th), rho**k * np.sin(k * th)
        r = read(k, np.sqrt(x * x + y * y)[None, :], [T])
        assert r.verdict == ["converging"]
        worst = max(worst, abs(math.log(r.rate[0]) / math.log(rho) - 1))
    assert worst < 1e-12, worst


def test_the_cap_of_the_fitted_exponent_is_the_state_size_less_one():
    """ratefit.poly_cap: a method's state size (its iteration matrix's) against the map it declares separately (the
    ``N`` of ``map(F, D, h, n)``: n for gd/eg, 2n for eftp/ogda/momentum), less 1 and at most POLY_MAX; the methods
    without an iteration matrix get POLY_MAX; a sweep hands each row its method's cap."""
    import importlib

    from gandynamics import R1, games
    from gandynamics.methods import METHODS
    from gandynamics.runs.ratefit import poly_cap
    from gandynamics.verdict import POLY_MAX
    S = importlib.import_module("gandynamics.runs.sweep")
    fld = VectorField(games.dirac(), [R1()])
    seen = 0
    for name, m in METHODS.items():
        o = m.normalise(fld, {})
        size = m.state_size(fld.n, fld.n_theta, o)
        if m.map is not None:
            assert size == m.map(None, None, 0.1, fld.n)[2], name
            seen += 1
        want = POLY_MAX if size is None else min(POLY_MAX, size - 1)
        assert poly_cap(m, fld, o) == want, name
    assert seen >= 5
    assert poly_cap(METHODS["gd"], fld, {}) == 1 and poly_cap(METHODS["eftp"], fld, {}) == 3
    # every method with an iteration matrix has a state size (ftr's probe at A = 0 was singular: no cap)
    for name, m in METHODS.items():
        if m.iteration_matrix is not None:
            assert m.state_size(fld.n, fld.n_theta, m.normalise(fld, {})) in (2, 4), name
    assert poly_cap(METHODS["ftr"], fld, METHODS["ftr"].normalise(fld, {})) == 1
    assert METHODS["eag"].state_size(2, 1, {}) is None
    p = S._prepare(fld, ["gd", "eftp", "eag"], np.zeros((4, 2)) + 0.5, None, 10, 0.1, None, True, 1e6, None, 65,
                   "auto", {})
    np.testing.assert_array_equal(p.poly_max, [1.0] * 4 + [3.0] * 4 + [3.0] * 4)


@pytest.mark.slow  # (about 1 s: a GAN's field and 18 rows)
def test_a_run_that_diverged_between_few_samples_has_no_rate_rather_than_a_contraction():
    """A new user's sweep row "diverged at step 29" (of 500, 65 samples: 3 before it) read rate 0.98874, a contraction,
    where every step reads 1.334: the run's distance wandered between 1.4 and 3.2 for 27 steps, then left between two
    samples.  Their game (a WGAN with a quadratic critic, R1, extragradient) over a grid of steps and gammas: a diverged
    row with too few samples before its divergence to tell the fit's spread has no rate (NaN); one that has a rate
    says it with a spread that reaches above 1 (a rate below 1 there is within 3 rate_err of a growth).  The sweep
    runs such a row again over 32 steps, every one recorded (sweep._read_again_diverged_early): it reads the rate
    simulate reads."""
    import gandynamics as gd
    from gandynamics.regularizers import R1
    a, b, w1, w2, x, m = sp.symbols("a b w1 w2 x m", real=True)
    g = gd.GAN(theta=[a, b], psi=[w1, w2], x=[x], discriminator=w1 * x + w2 * x**2, real=gd.Normal(m, 1.0),
               fake=gd.Pushforward(gd.Normal(0, 1), lambda z: a * z + b), loss="wgan", hyper={m: 1.0},
               equilibrium=(1, 1, 0, 0), name="wgan-quad")
    fld = VectorField(g, [R1()])
    res = sweep(fld, "eg", inits=[[2, 2, 1, 1]], grid={"gamma": [0.0, 0.2], "step": np.linspace(0.3, 0.5, 9)},
                steps=500, progress=False)
    div = np.flatnonzero(res["diverged"])
    assert div.size >= 10
    for i in div:
        r, e = res["rate"][i], res["rate_err"][i]
        assert math.isnan(r) or (np.isfinite(e) and r + 3 * e > 1.0), (res["gamma"][i], res["step"][i], r, e)
    row = np.flatnonzero((res["gamma"] == 0.0) & (res["step"] == 0.4))[0]  # the user's row
    tr = simulate(fld, "eg", [2, 2, 1, 1], 500, 0.4, {"gamma": 0.0})  # every step read: a rate, of a growth
    assert tr.diverged_at == 29 and tr.rate > 1.2
    assert res["diverged_at"][row] == 29 and res["rate"][row] == pytest.approx(tr.rate, rel=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_rounding_candidates_are_the_rule_over_whole_arrays(seed):
    """ratefit.rounding_candidates (a sweep's blocked pass) gives the rows of may_stand_at_rounding (the rule as
    simulate applies it to one run), bounded ones first, then the stalled converging ones, each in row order: random
    codes of every verdict, distances with NaN, inf, zeros and values on the margin's edge, blocks that do not divide
    the rows."""
    from gandynamics.runs.ratefit import STALL_REL, may_stand_at_rounding, rounding_candidates
    from gandynamics.verdict import BOUNDED, CONVERGING, VERDICTS
    rng = np.random.default_rng(seed)
    B = int(rng.integers(1, 3000))
    code = rng.integers(0, len(VERDICTS), B).astype(np.int8)
    tail = rng.choice([0.0, 1e-300, 1.0, 3.5, np.nan, np.inf], B) * rng.uniform(0.5, 2, B)
    last = np.where(rng.random(B) < 0.3, tail * (1 + STALL_REL), tail * rng.choice([0.5, 1.0, 1.0 + 2 * STALL_REL], B))
    last[rng.random(B) < 0.05] = np.nan
    rule = may_stand_at_rounding(code, last, tail)
    want_b = np.flatnonzero(rule & (code == BOUNDED))
    want_s = np.flatnonzero(rule & (code == CONVERGING))
    assert want_s.size and want_b.size and want_s.size < np.count_nonzero(code == CONVERGING)
    for block in (1, 7, 512, 8192):
        got_b, got_s = rounding_candidates(code, last, tail, block=block)
        np.testing.assert_array_equal(got_b, want_b)
        np.testing.assert_array_equal(got_s, want_s)


def test_a_sweeps_distance_column_holds_its_own_numbers_only():
    """The table's distance column is taken in place from the kernels' last recorded distances (row_reader's
    ``ends``); it must not keep the first recorded distances alive with it (a view of the (2, B) ``ends``: 8 bytes a
    row held for the table's life, outside row_bytes' count; found by review)."""
    import gandynamics as gd
    fld = gd.VectorField(gd.games.bilinear(), [])
    r = gd.sweep(fld, "gd", inits=np.random.default_rng(0).normal(size=(300, 2)), grid={"step": [0.1]}, steps=50,
                 product=False, progress=False)
    d = np.asarray(r["distance"])
    base = d
    while isinstance(base.base, np.ndarray):
        base = base.base
    assert base.size == d.size, base.shape


def test_row_reader_refuses_a_divat_the_reading_cannot_read_as_it_is():
    """row_reader reads each block's divat in place (Reader.read_checked, no conversion): a divat of another dtype or
    layout is refused when the reader is made, not read as int64 memory or compiled into a second signature of the
    reading (a review: an int32 divat compiled the reading again, 6 s)."""
    from gandynamics.runs.ratefit import row_reader
    idx = np.arange(0, 11, dtype=float)
    for bad in (np.zeros(4, dtype=np.int32), np.zeros(8, dtype=np.int64)[::2], np.zeros(4), [0, 0, 0, 0]):
        with pytest.raises(ValueError, match="divat must be the kernels'"):
            row_reader(idx, 10, bad)
    row_reader(idx, 10, np.zeros(4, dtype=np.int64))  # (the kernels' own array: taken)
