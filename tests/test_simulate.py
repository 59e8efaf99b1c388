"""simulate / sweep: trajectories, divergence flags, the rate fit, the sweep table and its exports,
thread-count independence, interruption, and the numerical stability of the generated code."""

import json
import math

import numba
import numpy as np
import pytest

import importlib

from gandynamics import R1, SweepResult, Trajectory, VectorField, games, simulate, sweep
from gandynamics.kernels import block_width
from gandynamics.runs.module import kernel_module_source
from gandynamics.errors import GandynamicsError
from conftest import cubic_quadratic, expanding  # noqa: E402 (the kernel tests' shared fields)

# the compiled kernels, even for runs that engine="auto" would interpret (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("compiled_engine")

S = importlib.import_module("gandynamics.runs.sweep")  # the sweep module (its run_rows/_execute are patched below)
SIM = importlib.import_module("gandynamics.simulate")  # the module (gandynamics.simulate is also the function)
CLI_SWEEP = importlib.import_module("gandynamics.cli.sweep")

DIRAC_R1 = VectorField(games.dirac(), [R1(gamma=0.3)])
#: its kernels' block width (rows per block: chunks hold whole blocks)
NB = block_width(kernel_module_source(DIRAC_R1))
# the bilinear game F = (y, -x) as the member b = 1 of tests/conftest.py's polynomial family (the built-in game's F
# while |x| < 5.6e102, up to the signs of zeros: 0 x + 1 y + 0 x^3 = y; beyond, 0 x^3 is NaN, so only the bound
# test runs on it), and the overflow tests' F = (-theta, psi): the fields whose kernels tests/test_kernels.py compiles
# anyway
BILIN = cubic_quadratic(b=1.0)
EXPANDING = expanding()


def gd_rho_dirac_r1(gamma, h):
    """docs/mathematics.md §1.7/§1.9: eigenvalues of J = [[0, -1/2], [1/2, -gamma]]; GD multiplier |1 + h lambda|."""
    lam = np.linalg.eigvals(np.array([[0.0, -0.5], [0.5, -gamma]]))
    return max(abs(1 + h * lam))


# ------------------------------------------------------------------------------------------- Trajectory
def test_trajectory_fields_and_rate():
    tr = simulate(DIRAC_R1, "gd", [1.0, 1.0], 1000, 0.2, record_every=10)
    assert isinstance(tr, Trajectory)
    assert tr.states.shape == (101, 2) and tr.times[0] == 0 and tr.times[-1] == 1000
    np.testing.assert_array_equal(tr.final, tr.states[-1])
    np.testing.assert_allclose(tr.distance, np.linalg.norm(tr.states, axis=1), rtol=1e-14, atol=0)
    assert not tr.diverged and tr.diverged_at is None and tr.reason == ""
    assert tr.rate == pytest.approx(gd_rho_dirac_r1(0.3, 0.2), rel=1e-4)  # 0.974679...
    assert "least-squares" in tr.rate_fit
    assert tr.method == "gd" and tr.step == (0.2, 0.2) and tr.steps == 1000 and tr.params == {"gamma": 0.3}
    d = tr.to_dict()
    for k in ("method", "steps", "final", "distance", "rate", "diverged", "diverged_at"):
        assert k in d


def test_record_every_keeps_last_state():
    tr = simulate(DIRAC_R1, "eg", [1.0, 1.0], 25, 0.2, record_every=10)
    assert tr.times.tolist() == [0, 10, 20, 25]
    full = simulate(DIRAC_R1, "eg", [1.0, 1.0], 25, 0.2)
    np.testing.assert_array_equal(tr.states, full.states[[0, 10, 20, 25]])


@pytest.mark.parametrize("steps, every", [(400, 3), (400, 100), (400, 400), (400, 5000), (1000, 250), (1000, 7)])
def test_the_verdict_does_not_depend_on_record_every(steps, every):
    # the verdict and rate were read from the recorded states only: 400 steps recorded every 400th (two distances)
    # or 1000 every 250th gave "bounded, not converging" where every state gave "converging"
    full = simulate(DIRAC_R1, "gd", [1.0, 1.0], steps, 0.2)
    coarse = simulate(DIRAC_R1, "gd", [1.0, 1.0], steps, 0.2, record_every=every)
    assert coarse.verdict == full.verdict == "converging"
    rho = gd_rho_dirac_r1(0.3, 0.2)                  # the closed form (docs/mathematics.md §1.7)
    assert coarse.rate == pytest.approx(rho, rel=1e-3, abs=0)
    # (the rate read from READ_SAMPLES jittered steps, where the full run reads all 400 or 1000: a modulated decay's
    # fit differs by about 0.1/T relative, the median over random ones; 1.2e-4 here at T = 400)
    assert coarse.rate == pytest.approx(full.rate, rel=3e-4, abs=0)
    # the states returned are those asked for (every `every`-th and the last), equal to the full run's
    idx = list(range(0, steps + 1, every)) + ([steps] if steps % every else [])
    assert coarse.times.tolist() == idx
    np.testing.assert_array_equal(coarse.states, full.states[idx])
    np.testing.assert_array_equal(coarse.distance, full.distance[idx])


def test_params_change_without_recompiling():
    a = simulate(DIRAC_R1, "gd", [1.0, 1.0], 2000, 0.2, params={"gamma": 0.8})
    mod = SIM.kernel_module(DIRAC_R1)
    before = list(mod.run_discrete.signatures)  # other tests may have added their own specialisations
    b = simulate(DIRAC_R1, "gd", [1.0, 1.0], 2000, 0.2, params={"gamma": 0.1})
    c = simulate(DIRAC_R1, "gd", [1.0, 1.0], 2000, 0.25, params={"gamma": 0.4})
    assert a.rate == pytest.approx(gd_rho_dirac_r1(0.8, 0.2), rel=1e-4)
    assert b.rate == pytest.approx(gd_rho_dirac_r1(0.1, 0.2), rel=1e-4)
    assert c.rate == pytest.approx(gd_rho_dirac_r1(0.4, 0.25), rel=1e-4)
    assert list(mod.run_discrete.signatures) == before  # new values, no new specialisation


def test_unregularized_gd_norm_grows_exactly():
    """M18 / docs/mathematics.md §1.2: ||z_{k+1}||^2 = ||z_k||^2 (1 + h^2 f'(psi theta)^2) for simultaneous GD."""
    fld = VectorField(games.dirac(), [])
    h = 0.3
    tr = simulate(fld, "gd", [0.5, -0.8], 200, h, engine="interpreted")  # the method's mathematics: no compile
    th, ps = tr.states[:-1, 0], tr.states[:-1, 1]
    fp = 1 / (1 + np.exp(th * ps))  # f'(t) = sigmoid(-t)
    np.testing.assert_allclose(np.sum(tr.states[1:] ** 2, 1), np.sum(tr.states[:-1] ** 2, 1) * (1 + h**2 * fp**2),
                               rtol=1e-13, atol=0)


# ------------------------------------------------------------------------------------------- divergence
def first_bad_step(z0, h, K, bound, field="bilinear"):
    """Independent reference: GD in Python floats on min_x max_y x y (F = (y, -x)) or on the expanding field
    F = (-x, y); the first k with a NaN/inf/bound state."""
    x, y = z0
    for k in range(1, K + 1):
        x, y = (x - h * y, y + h * x) if field == "bilinear" else (x - h * -x, y - h * y)
        if math.isnan(x) or math.isnan(y):
            return k, "nan"
        if math.isinf(x) or math.isinf(y):
            return k, "overflow"
        if max(abs(x), abs(y)) > bound:
            return k, "bound"
    return None, ""


@pytest.mark.parametrize("z0", [(1.0, 1e-3), (-3.5, 2e-4), (1e-200, 0.0)])
def test_overflow_flagged_at_the_right_step(z0):
    h = 1e3
    k_ref, why = first_bad_step(z0, h, 400, math.inf, field="expanding")
    assert why == "overflow"
    # the closed form brackets it: |theta_k| = (1 + h)^k |theta_0| passes DBL_MAX between these steps (psi_k =
    # (1 - h)^k psi_0 later)
    lo = (math.log(1.7976931348623157e308) - math.log(abs(z0[0]))) / math.log(1 + h)
    assert lo <= k_ref <= lo + 2
    tr = simulate(EXPANDING, "gd", z0, 400, h, bound=math.inf)
    assert tr.diverged and tr.diverged_at == k_ref and tr.reason == "overflow"
    assert not np.all(np.isfinite(tr.final))
    assert tr.times[-1] <= k_ref


def test_bound_flagged_at_the_right_step():
    k_ref, why = first_bad_step((1.0, 0.0), 0.5, 1000, 1e6)
    assert why == "bound"
    tr = simulate(BILIN, "gd", [1.0, 0.0], 1000, 0.5)
    assert (tr.diverged_at, tr.reason) == (k_ref, "bound")
    assert tr.rate == pytest.approx(math.sqrt(1.25), rel=1e-3)  # docs/mathematics.md §5.5: sqrt(1 + h^2)


def test_nan_flagged():
    """A NaN made by the field at a finite state: F = (-x + 0 x^3, 0) (tests/conftest.py's family at a = -1); gd
    with h = 1 doubles x, and the first F evaluated where x^3 overflows (|x| > cbrt(DBL_MAX) = 5.6e102) has
    0 * x^3 = 0 * inf = NaN: the state computed from it is the first NaN, while x itself is far from overflowing."""
    fld = cubic_quadratic(a=-1.0)
    tr = simulate(fld, "gd", [1e100, 0.0], 40, 1.0, bound=math.inf)
    assert tr.diverged and tr.reason == "nan"
    x, k = np.float64(1e100), 0
    with np.errstate(over="ignore"):
        while np.isfinite(x**3):  # x_k = 1e100 * 2^k, exact
            x, k = 2 * x, k + 1
    assert k == 10 and tr.diverged_at == k + 1  # F(x_10 = 1.02e103) is NaN: state 11 the first NaN
    assert np.all(np.isfinite(tr.states[:k + 1]))


def test_neighbours_of_a_diverging_row_are_unaffected():
    inits = np.array([[1.0, 0.3], [1.0, 0.3], [0.2, -0.4]])
    steps = np.array([0.1, 1e3, 0.2])
    res = sweep(EXPANDING, "gd", inits=inits, grid={"step": steps}, steps=400, product=False, bound=math.inf)
    assert res["diverged"].tolist() == [False, True, False]
    assert res["reason"].tolist() == ["", "overflow", ""]
    assert res["diverged_at"][1] == first_bad_step((1.0, 0.3), 1e3, 400, math.inf, field="expanding")[0]
    for i in (0, 2):
        tr = simulate(EXPANDING, "gd", inits[i], 400, steps[i], bound=math.inf)
        np.testing.assert_array_equal(res.final[i], tr.final)
    assert res["diverged_at"][0] == -1


# ------------------------------------------------------------------------------------------- rate fit
def test_fit_rate_on_exact_geometric_data():
    idx = np.arange(0, 101, 5)
    d = np.vstack([3.0 * 0.9**idx, 0.5 * 1.05**idx, np.r_[0.7**idx[:5], np.zeros(16)]])
    r = S.fit_rate(idx, d, [100, 100, 100])
    np.testing.assert_allclose(r[:2], [0.9, 1.05], rtol=1e-12, atol=0)
    assert r[2] == pytest.approx(0.7, rel=1e-12)  # falls back to the samples above the floor
    # divergence: the fit uses the life before the diverged step only
    d2 = 2.0**idx.astype(float)
    d2[idx > 50] = np.nan
    assert S.fit_rate(idx, d2[None], [50])[0] == pytest.approx(2.0, rel=1e-12)


# ------------------------------------------------------------------------------------------- sweep
def test_sweep_product_table_matches_simulate():
    inits = np.array([[1.0, 1.0], [-0.5, 0.7]])
    grid = {"gamma": np.array([0.1, 0.5, 1.0]), "step": np.array([0.05, 0.2])}
    res = sweep(DIRAC_R1, ["gd", "eftp"], inits=inits, grid=grid, steps=300)
    assert isinstance(res, SweepResult)
    assert len(res) == 2 * 2 * 3 * 2
    assert [n for n, _ in res.dims] == ["method", "init", "gamma", "step"]
    assert res.complete
    # row-major over (method, init, gamma, step)
    i = np.ravel_multi_index((1, 1, 2, 0), (2, 2, 3, 2))
    assert res["method"][i] == "eftp" and res["gamma"][i] == 1.0 and res["step_g"][i] == 0.05
    tr = simulate(DIRAC_R1, "eftp", inits[1], 300, 0.05, params={"gamma": 1.0})
    np.testing.assert_array_equal(res.final[i], tr.final)  # bit-identical
    assert res["distance"][i] == tr.final_distance
    assert res["rate"][i] == pytest.approx(tr.rate, rel=1e-3)  # 65 samples vs every state


def test_sweep_rates_match_closed_form():
    # away from gamma = 1 = 2 f'(0), where the double eigenvalue makes |z_k| ~ k rho^k (a 1/k bias in the fit)
    g = np.array([0.1, 0.4, 0.7, 0.9])
    res = sweep(DIRAC_R1, "gd", inits=[[0.5, 0.5]], grid={"gamma": g, "step": [0.1, 0.3]}, steps=3000)
    expect = np.array([gd_rho_dirac_r1(gg, hh) for gg in g for hh in (0.1, 0.3)])
    # a complex pair modulates |z_k| by a bounded factor: the fitted slope is exact up to ~log(factor)/window
    np.testing.assert_allclose(res["rate"], expect, rtol=1e-3, atol=0)


@pytest.mark.slow  # (6 s each with cold caches; the default run: a sweep's 65 samples read as simulate's,
# tests/test_cli_simulate.py, and simulate's own at every length, below)
@pytest.mark.parametrize("B", [0.5, 2.0, 5.0])
def test_sweep_rows_that_diverge_early_read_the_closed_form_rate(B):
    """A step-size sweep of the bilinear game x B y (F's eigenvalues +-iB): gd's rate is sqrt(1 + h^2 B^2) and
    extragradient's |1 - i h B - h^2 B^2|.  Rows that diverged before the sweep's 65 recording steps could tell their
    rate's spread (gd at B = 2 from h = 0.2 on, 7 recording steps before step 213 of 2,000) read NaN where simulate,
    which records 1,025, read the rate (a new user); they are run again over the power of 2 at or above their
    divergence step, and read it.  Each diverging row's rate equals the closed form and simulate's."""
    from gandynamics.verdict import VERDICTS
    fld = VectorField(games.bilinear(B=B))
    hs = np.array([0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0]) * 2.0 / B
    res = sweep(fld, ["gd", "eg"], inits=[[0.1, 0.1]], grid={"step": hs}, steps=2000, progress=False)
    hb = hs * B
    want = np.concatenate([np.sqrt(1 + hb ** 2), np.hypot(1 - hb ** 2, hb)])
    diverged = np.asarray(res["verdict"]) == VERDICTS[1]
    assert np.count_nonzero(diverged[:len(hs)]) >= 5 and np.count_nonzero(diverged[len(hs):]) >= 2
    assert np.all(np.asarray(res["diverged_at"])[diverged] < 1000)  # (early: before the sweep's last half)
    np.testing.assert_allclose(np.asarray(res["rate"])[diverged], want[diverged], rtol=1e-9)
    for i in np.flatnonzero(diverged)[::3]:
        m, h = ("gd", "eg")[i // len(hs)], hs[i % len(hs)]
        assert res["rate"][i] == pytest.approx(simulate(fld, m, [0.1, 0.1], 2000, h).reading["rate"], rel=1e-9)


def test_sweep_zip_and_two_timescale_axes():
    res = sweep(DIRAC_R1, "gd", inits=[[1.0, 1.0], [0.5, 0.5], [0.2, 0.1]], grid={"step_g": [0.1, 0.2, 0.3]},
                step=(0.1, 0.05), steps=50, product=False)
    assert len(res) == 3 and [n for n, _ in res.dims] == ["method", "row"]
    assert res["step_g"].tolist() == [0.1, 0.2, 0.3] and res["step_d"].tolist() == [0.05] * 3
    tr = simulate(DIRAC_R1, "gd", [0.2, 0.1], 50, (0.3, 0.05))
    np.testing.assert_array_equal(res.final[2], tr.final)
    with pytest.raises(GandynamicsError, match=r"same length \(or 1\); got inits 2, gamma 3$"):  # (each named)
        sweep(DIRAC_R1, "gd", inits=[[1, 1], [2, 2]], grid={"gamma": [0.1, 0.2, 0.3]}, step=0.1, steps=5, product=False)


def test_results_independent_of_thread_count():
    rng = np.random.default_rng(3)
    inits = rng.uniform(-2, 2, (1000, 2))
    grid = {"gamma": rng.uniform(0, 1, 1000), "step": rng.uniform(0.01, 0.3, 1000)}
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = sweep(DIRAC_R1, "eftp", inits=inits, grid=grid, steps=200, product=False, chunk_size=300)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = sweep(DIRAC_R1, "eftp", inits=inits, grid=grid, steps=200, product=False)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a.final, b.final)
    np.testing.assert_array_equal(a["rate"], b["rate"])
    np.testing.assert_array_equal(a["diverged_at"], b["diverged_at"])


@pytest.mark.parametrize("nt", [2, 3, 4, 8])
def test_the_threads_ranges_cover_the_units_once_and_shrink(nt):
    """engine.guided_cuts (OpenMP's guided schedule): contiguous ranges from 0 to units, none empty, each at most
    ceil(left / (2 nt)) of the units left when it starts (so they never grow) and of one unit at the end; about
    2 nt ln(units) of them, not one per unit."""
    E = importlib.import_module("gandynamics.runs.engine")
    for units in [1, 2, 3, 7, 64, 391, 1000, 10**5]:
        cuts = E.guided_cuts(units, nt)
        sizes = np.diff(cuts)
        assert cuts[0] == 0 and cuts[-1] == units and np.all(sizes >= 1)
        left = units - np.array(cuts[:-1])
        np.testing.assert_array_equal(sizes, np.maximum(1, -(-left // (2 * nt))))
        assert np.all(np.diff(sizes) <= 0) and sizes[-1] == 1
        assert len(sizes) <= 2 * nt * (np.log(units) + 1) + 1, (units, len(sizes))


@pytest.mark.parametrize("nt", [2, 3])
def test_threaded_runs_every_unit_once_whatever_the_threads(nt):
    """engine.threaded calls each unit of [0, units) exactly once, in ranges that tile it, on nt threads."""
    import threading
    E = importlib.import_module("gandynamics.runs.engine")
    seen, lock = [], threading.Lock()

    def call(a, b):
        with lock:
            seen.extend(range(a, b))
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(min(nt, numba.config.NUMBA_NUM_THREADS))
        E.threaded(call, 391)
    finally:
        numba.set_num_threads(old)
    assert sorted(seen) == list(range(391))


def test_interrupt_keeps_finished_rows(monkeypatch):
    real = S.run_rows
    calls = {"n": 0}

    def flaky(plan, lo, hi, out=None, **kw):
        if out is not None:
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt
        return real(plan, lo, hi, out, **kw)

    monkeypatch.setattr(S, "run_rows", flaky)
    N = 5 * NB  # rows: chunks are whole blocks of the kernels' width
    res = sweep(DIRAC_R1, "gd", inits=np.ones((1, 2)), grid={"gamma": np.linspace(0, 1, N)}, step=0.1, steps=20,
                chunk_size=64)
    c = res.meta["chunk_size"]  # a multiple of the block width
    assert not res.complete and res.meta["interrupted"] and 3 * c < N
    assert res["finished"].tolist() == [True] * (2 * c) + [False] * (N - 2 * c)
    assert np.all(np.isfinite(res["distance"][:2 * c])) and np.all(np.isnan(res["distance"][2 * c:]))
    assert np.all(np.isfinite(res["rate"][:2 * c])) and np.all(np.isnan(res["rate"][2 * c:]))
    assert "not run" not in set(res["verdict"][:2 * c]) and set(res["verdict"][2 * c:]) == {"not run"}
    # (the rows not run were never written by a kernel: not diverged, no reason)
    assert set(res["diverged_at"][2 * c:].tolist()) == {-1} and not res["diverged"][2 * c:].any()
    assert set(res["reason"][2 * c:].tolist()) == {""}


@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_a_ctrl_c_during_an_interpreted_simulation_keeps_whole_chunks():
    """A Ctrl-C inside an interpreted simulation (Python bytecode, where it would stop a chunk mid-way: `gandynamics
    simulate dirac --engine interpreted ... ^C` printed "final (theta, psi) = (4.64e-310, 0)" and "converging" for a
    conservative field) ends it at the end of the running chunk (engine.whole): the states, times and final state
    are those of the uninterrupted run up to that step, bitwise."""
    import _thread
    import threading
    import time

    import gandynamics.runs.trajectory as T
    real_rows = T.run_rows
    K = 200_000
    full = simulate(DIRAC_R1, "gd", [1.0, 1.0], 2000, 0.01, engine="interpreted", record_every=100)
    t0 = time.perf_counter()
    simulate(DIRAC_R1, "gd", [1.0, 1.0], 2000, 0.01, engine="interpreted", record_every=100)
    chunk = max(1000, int(0.5 / ((time.perf_counter() - t0) / 2000)) // 100 * 100)  # chunks of ~0.5 s
    timer = threading.Timer(0.2, _thread.interrupt_main)
    try:
        T.run_rows = lambda plan, lo, hi, out=None, step_chunk=None: real_rows(plan, lo, hi, out, step_chunk=chunk)
        timer.start()
        tr = simulate(DIRAC_R1, "gd", [1.0, 1.0], K, 0.01, engine="interpreted", record_every=100)
    finally:
        timer.cancel()
        T.run_rows = real_rows
    assert tr.options.get("interrupted") is True and tr.steps % chunk == 0 and 0 < tr.steps < K, (tr.steps, chunk)
    ref = simulate(DIRAC_R1, "gd", [1.0, 1.0], tr.steps, 0.01, engine="interpreted", record_every=100)
    assert tr.times.tolist() == ref.times.tolist()
    np.testing.assert_array_equal(tr.states, ref.states)
    np.testing.assert_array_equal(tr.final, ref.final)
    np.testing.assert_array_equal(tr.distance, ref.distance)
    assert tr.verdict == ref.verdict and np.all(np.isfinite(tr.final))
    np.testing.assert_array_equal(tr.states[:len(full.states)], full.states[:len(tr.states)])


def test_exports_roundtrip(tmp_path):
    res = sweep(DIRAC_R1, "gd", inits=[[1.0, 1.0]], grid={"gamma": [0.2, 0.4]}, step=0.1, steps=20)
    res.save(tmp_path / "t.csv")
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0].split(",")[:3] == ["method", "init_theta", "init_psi"] and len(lines) == 3
    assert float(lines[1].split(",")[lines[0].split(",").index("distance")]) == res["distance"][0]
    res.save(tmp_path / "t.npz")
    z = np.load(tmp_path / "t.npz", allow_pickle=False)
    np.testing.assert_array_equal(z["final_psi"], res["final_psi"])
    res.save(tmp_path / "t.json")
    d = json.loads((tmp_path / "t.json").read_text())
    assert d["columns"]["gamma"] == [0.2, 0.4] and d["dims"][0][0] == "method"
    with pytest.raises(GandynamicsError, match=r"\.csv, \.npz, \.json or \.nc"):
        res.save(tmp_path / "t.xlsx")


def test_to_pandas_and_xarray():
    pd = pytest.importorskip("pandas")
    res = sweep(DIRAC_R1, ["gd", "eg"], inits=[[1.0, 1.0]], grid={"gamma": [0.2, 0.4, 0.6], "step": [0.1, 0.2]},
                steps=20)
    df = res.to_pandas()
    assert isinstance(df, pd.DataFrame) and len(df) == 12
    xr = pytest.importorskip("xarray")
    ds = res.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert ds["distance"].dims == ("method", "init", "gamma", "step")
    v = float(ds["distance"].sel({"method": "eg", "gamma": 0.4, "step": 0.2}).values[0])
    mask = (df["method"] == "eg") & (df["gamma"] == 0.4) & (df["step_g"] == 0.2)
    assert v == float(df.loc[mask, "distance"].iloc[0])


def test_client_path_uses_distributed_map_chunks():
    pytest.importorskip("gandynamics.distributed")
    from concurrent.futures import ThreadPoolExecutor
    grid = {"gamma": np.linspace(0, 1, 40)}
    local = sweep(DIRAC_R1, "eg", inits=[[1.0, 1.0]], grid=grid, step=0.2, steps=50)
    with ThreadPoolExecutor(2) as ex:
        remote = sweep(DIRAC_R1, "eg", inits=[[1.0, 1.0]], grid=grid, step=0.2, steps=50, client=ex, chunk_size=8)
    np.testing.assert_array_equal(local.final, remote.final)
    np.testing.assert_array_equal(local["rate"], remote["rate"])


def test_plan_is_picklable_source_text():
    import pickle
    captured = {}
    real = S._execute

    def spy(plan, **kw):
        captured["plan"] = plan
        return real(plan, **kw)

    S._execute, old = spy, S._execute
    try:
        sweep(DIRAC_R1, "gd", inits=[[1.0, 1.0]], grid={"gamma": [0.1, 0.2]}, step=0.1, steps=5)
    finally:
        S._execute = old
    plan = pickle.loads(pickle.dumps(captured["plan"]))
    assert isinstance(plan.source, str) and "def run_discrete" in plan.source
    part = S.run_rows(plan, 1, 2)
    assert part["final"].shape == (1, 2)


@pytest.mark.parametrize("kw,msg", [
    ({"method": "newton"}, "unknown method 'newton'; accepted: gd, altgd"),
    ({"step": 0.0}, "step must be a finite number > 0"),
    ({"step": -0.1}, "step must be a finite number > 0"),
    ({"steps": 0}, "steps must be a whole number >= 1"),
    ({"steps": 2.5}, "steps must be a whole number >= 1"),
    ({"z0": [1.0]}, "must have 2 entries"),
    ({"z0": [1.0, float("inf")]}, "must be finite"),
    ({"params": {"sigma": 1.0}}, "unknown hyperparameter"),
    ({"bound": -1}, r"bound must be a number > 0 \(inf allowed\)"),
])
def test_simulate_bad_input(kw, msg):
    args = {"method": "gd", "z0": [1.0, 1.0], "steps": 10, "step": 0.1}
    args.update(kw)
    with pytest.raises(GandynamicsError, match=msg):
        simulate(DIRAC_R1, args.pop("method"), args.pop("z0"), args.pop("steps"), args.pop("step"), **args)


@pytest.mark.parametrize("grid,msg", [({"delta": [1.0]}, "unknown grid axis 'delta'"),
                                      ({"step": [0.1, -0.1]}, "step sizes must be positive"),
                                      ({"gamma": [np.nan]}, "finite")])
def test_sweep_bad_input(grid, msg):
    with pytest.raises(GandynamicsError, match=msg):
        sweep(DIRAC_R1, "gd", inits=[[1.0, 1.0]], grid=grid, step=0.1, steps=5)


@pytest.mark.parametrize("spec", ["gamma", "gamma=0:1", "gamma=a:b:3", "gamma=0:1:2.5", "=0:1:3", "gamma=0:1:0",
                                  "step=0.1-0.5-10", "gamma=0.1;0.2"])  # (every malformed grid names both forms)
def test_grid_spec_errors(spec):
    with pytest.raises(GandynamicsError, match="start:stop:count"):
        CLI_SWEEP.grid_axis(spec)


def test_grid_spec_parses():
    name, v = CLI_SWEEP.grid_axis("gamma=0:2:101")
    assert name == "gamma" and len(v) == 101 and v[1] == 0.02 and v[-1] == 2.0
    assert CLI_SWEEP.grid_axis("step=0.1,0.2")[1].tolist() == [0.1, 0.2]


# ------------------------------------------------------------------------------------------- stability
def test_standard_loss_is_finite_where_exact_value_is():
    """sigmoid(-t) written by sympy as exp(-t)/(exp(-t)+1) would be inf/inf = NaN for t < -709.  At
    (theta, psi) = (-30, 30) (psi theta = -900) the exact field of the R1 Dirac-GAN is
    F = (psi sigmoid(900), gamma psi - theta sigmoid(900)) = (30, 9 + 30) to double precision."""
    z0 = np.array([-30.0, 30.0])
    np.testing.assert_array_equal(DIRAC_R1.eval_F(z0), [30.0, 39.0])
    tr = simulate(DIRAC_R1, "gd", z0, 1, 0.01)
    np.testing.assert_allclose(tr.final, z0 - 0.01 * np.array([30.0, 39.0]), rtol=1e-15, atol=0)
    # and the other side: psi theta = +900: F = (psi e^-900, gamma psi - theta e^-900) ~ (tiny, gamma psi)
    tr = simulate(DIRAC_R1, "eg", [30.0, 30.0], 50, 0.01)
    assert np.all(np.isfinite(tr.states)) and not tr.diverged


def test_progress_bar_when_forced(capsys):
    res = sweep(DIRAC_R1, "gd", inits=np.ones((1, 2)), grid={"gamma": np.linspace(0, 1, 300)}, step=0.1, steps=10,
                chunk_size=64, progress=True)
    assert res.complete
    err = capsys.readouterr().err
    assert "sweep" in err and "300" in err  # tqdm's bar on stderr, counting trajectories
    res = sweep(DIRAC_R1, "gd", inits=np.ones((1, 2)), grid={"gamma": np.linspace(0, 1, 300)}, step=0.1, steps=10,
                chunk_size=64)
    assert capsys.readouterr().err == ""  # a sweep this short shows no bar


def test_a_strength_on_a_grid_follows_the_one_rule():
    with pytest.raises(GandynamicsError, match=r"r1: gamma must be a finite number >= 0, got -1"):
        sweep(DIRAC_R1, "gd", inits=[[1.0, 1.0]], grid={"gamma": [-1.0, 0.5]}, step=0.1, steps=5)


def test_sweep_plan_takes_the_arguments_of_sweep():
    """runs.sweep.sweep_plan: "same arguments" as sweep -- the execution ones (client, chunk_size, progress) too,
    which do not change the plan (they were taken for method options: "unknown option(s) progress")."""
    from concurrent.futures import ThreadPoolExecutor

    from gandynamics.runs.sweep import sweep_plan
    kw = dict(inits=[[1.0, 0.5]], grid={"gamma": [0.2, 0.4]}, step=0.1, steps=20, engine="compiled")
    base = sweep_plan(DIRAC_R1, "gd", **kw)
    with ThreadPoolExecutor(1) as ex:
        other = sweep_plan(DIRAC_R1, "gd", client=ex, chunk_size=1, progress=False, **kw)
    np.testing.assert_array_equal(other.Z0, base.Z0)
    np.testing.assert_array_equal(other.H, base.H)
    assert other.source == base.source and other.K == base.K == 20
    with pytest.raises(GandynamicsError, match="unknown option"):
        sweep_plan(DIRAC_R1, "gd", nonsense=1, **kw)


def test_ctrl_c_inside_a_chunk_keeps_the_finished_rows(monkeypatch):
    """A Ctrl-C that arrives while the kernels run (in runs.engine.run_rows, which turns it into
    engine.Interrupted) ends a sweep like one between chunks: the finished chunks kept, the table marked
    interrupted (test_interrupt_keeps_finished_rows raises it outside run_rows; from inside, the sweep raised
    engine.Interrupted and lost every row)."""
    E = importlib.import_module("gandynamics.runs.engine")
    real = E._run_range
    calls = {"n": 0}

    def flaky(mod, plan, *args, **kw):
        calls["n"] += plan.rows > 1  # (not engine.warm's one-row compile run, when the kernel is not compiled yet)
        if calls["n"] == 3:  # while the third chunk runs
            raise KeyboardInterrupt
        return real(mod, plan, *args, **kw)

    monkeypatch.setattr(E, "_run_range", flaky)
    N = 5 * NB
    res = sweep(DIRAC_R1, "gd", inits=np.ones((1, 2)), grid={"gamma": np.linspace(0, 1, N)}, step=0.1, steps=20,
                chunk_size=64, engine="compiled", progress=False)
    c = res.meta["chunk_size"]
    assert not res.complete and res.meta["interrupted"]
    assert res["finished"].tolist() == [True] * (2 * c) + [False] * (N - 2 * c)
    assert np.all(np.isfinite(res["rate"][:2 * c])) and np.all(np.isnan(res["rate"][2 * c:]))


def test_ctrl_c_while_the_kernels_compile_is_a_keyboardinterrupt(monkeypatch):
    """A Ctrl-C during engine.warm (the kernels' compile, before any row runs: nothing to keep) reaches the caller
    as KeyboardInterrupt -- the CLI's "gandynamics: interrupted", exit 130 -- not as engine.Interrupted, an
    ordinary exception (a traceback)."""
    E = importlib.import_module("gandynamics.runs.engine")

    def flaky(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(E, "_run_range", flaky)
    monkeypatch.setattr(E, "_compiled", lambda mod, kname: False)  # as if not compiled yet: warm runs it
    with pytest.raises(KeyboardInterrupt):
        sweep(DIRAC_R1, "gd", inits=np.ones((1, 2)), grid={"gamma": [0.1, 0.2]}, step=0.1, steps=20,
              engine="compiled", progress=False)


def test_warm_runs_only_kernels_not_yet_compiled(monkeypatch):
    """engine.warm compiles each kernel a plan uses by a one-row run, and skips the run of a kernel that has its
    signature already (serial work on every sweep otherwise): with the kernels compiled, a sweep's only calls of
    _run_range are its own chunks; with a kernel seen as not compiled, warm runs it on one row first."""
    E = importlib.import_module("gandynamics.runs.engine")
    real = E._run_range
    rows = []

    def spy(mod, plan, *args, **kw):
        rows.append(plan.rows)
        return real(mod, plan, *args, **kw)

    monkeypatch.setattr(E, "_run_range", spy)
    kw = dict(inits=np.ones((1, 2)), grid={"gamma": [0.1, 0.2, 0.3]}, step=0.1, steps=20, engine="compiled",
              progress=False)
    sweep(DIRAC_R1, ["gd", "eg"], **kw)  # compiles (or loads) both kernels
    rows.clear()
    sweep(DIRAC_R1, ["gd", "eg"], **kw)
    assert rows == [6]  # one chunk of both methods' rows, no one-row run
    rows.clear()
    monkeypatch.setattr(E, "_compiled", lambda mod, kname: False)  # seen as not compiled
    sweep(DIRAC_R1, ["gd", "eg"], **kw)
    assert rows == [1, 1, 6]


def _long_rows_sweep(**kw):
    rng = np.random.default_rng(4)
    N = 3 * NB
    return sweep(DIRAC_R1, ["gd", "eftp"], inits=rng.uniform(-2, 2, (N, 2)),
                 grid={"gamma": rng.uniform(0, 1, N), "step": rng.choice([0.05, 0.3, 2.5], N)}, steps=300,
                 product=False, chunk_size=NB, bound=50.0, engine="compiled", **kw)


def test_rows_too_long_for_one_chunk_run_their_steps_in_chunks_with_the_same_table(monkeypatch):
    """A sweep whose chunk of the fewest rows is more than LONG_ROWS_FACTOR chunks' work (rows of 10^9 steps) runs
    its steps in chunks too, so that the bar moves and a Ctrl-C is honoured within the rows: the table is bitwise the
    one-piece run's (rows converging, bounded and diverging; two methods)."""
    whole = _long_rows_sweep(progress=False)
    assert "step_chunk" not in whole.meta
    monkeypatch.setattr(S, "LONG_ROWS_FACTOR", 0.0)
    monkeypatch.setattr(S, "CHUNK_WORK", 3000.0)  # ~23 steps per chunk of a block of 128 rows: 14 step chunks
    cut = _long_rows_sweep(progress=False)
    assert 1 < cut.meta["step_chunk"] < 300
    for col in whole.columns:
        np.testing.assert_array_equal(cut[col], whole[col], err_msg=col)
    assert {"converging", "diverged"} <= set(whole["verdict"])


def test_a_ctrl_c_within_long_rows_keeps_the_finished_ranges(monkeypatch):
    """A Ctrl-C during a chunk of steps of long rows ends the sweep with the ranges of rows that finished before it
    (the interrupted range's rows are not run), the table marked interrupted.  No reading is done again after a Ctrl-C:
    the rows that diverged before their recording steps could tell a rate keep NaN, where the whole sweep read them
    again (sweep._read_again_diverged_early)."""
    E = importlib.import_module("gandynamics.runs.engine")
    monkeypatch.setattr(S, "LONG_ROWS_FACTOR", 0.0)
    monkeypatch.setattr(S, "STEP_CHUNK_SECONDS", None)  # (chunks of the first chunk's steps: counted below)
    monkeypatch.setattr(S, "CHUNK_WORK", 3000.0)
    whole = _long_rows_sweep(progress=False)
    real = E._run_range
    calls = {"n": 0}
    per_range = -(-300 // whole.meta["step_chunk"])

    def flaky(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 2 + per_range + 3:  # (1: the compile run) in the second range's fourth chunk of steps
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(E, "_run_range", flaky)
    res = _long_rows_sweep(progress=False)
    c = NB
    assert not res.complete and res.meta["interrupted"]
    assert res["finished"].tolist() == [True] * c + [False] * (len(res) - c)
    again = np.isnan(res["rate"][:c]) & (res["verdict"][:c] == "diverged")
    for col in ("final_theta", "rate", "verdict", "diverged_at"):
        np.testing.assert_array_equal(res[col][:c][~again], whole[col][:c][~again], err_msg=col)
    assert set(res["verdict"][c:]) == {"not run"}


def test_a_sample_count_beyond_memory_is_refused_before_anything_runs():
    """sweep(samples=10**12, steps=10**12) allocated linspace's 10^12 numbers (review14): the count is checked
    against the memory limit first, with the project's size message."""
    with pytest.raises(GandynamicsError, match=r"recording steps of the rate fit \(samples\) would need .* of memory"):
        sweep(DIRAC_R1, "gd", inits=np.ones((1, 2)), step=0.1, steps=10**12, samples=10**12)
    assert sweep(DIRAC_R1, "gd", inits=np.ones((1, 2)), step=0.1, steps=10, samples=10**12).meta["samples"] == 11


def test_the_long_rows_bar_counts_whole_rows(monkeypatch):
    """The bar of a sweep whose steps run in chunks advances within a range of rows, in whole rows (it showed
    '84.48/300'), and ends at every row."""
    monkeypatch.setattr(S, "LONG_ROWS_FACTOR", 0.0)
    monkeypatch.setattr(S, "STEP_CHUNK_SECONDS", None)  # (chunks of the first chunk's steps: counted below)
    monkeypatch.setattr(S, "CHUNK_WORK", 3000.0)
    seen = []

    monkeypatch.setattr(S, "_bar", _RecordingBar.make(seen))
    res = _long_rows_sweep(progress=True)
    assert res.meta["step_chunk"] > 1 and len(seen) > 2 * len(res) // NB
    assert all(isinstance(v, int) for v in seen) and seen == sorted(seen) and seen[-1] == len(res)


class _RecordingBar:
    """A stand-in for the sweep's bar that records where it was moved to."""

    @classmethod
    def make(cls, seen, made=None):
        def bar(total, done, fn=None, fractions=False, auto=False):
            if made is not None:
                made.append(fractions)
            b = cls()
            b.n, b.total, b.seen = done, total, seen
            return b
        return bar

    def update(self, d):
        self.to(self.n + d)

    def to(self, v):
        self.n = v
        self.seen.append(v)

    def close(self):
        pass


def test_the_bar_of_one_long_row_moves_in_parts_of_the_row(monkeypatch):
    """One row of very many steps (sweep --steps 1e12 stood at '0/1' for days, no word of how long): the bar moves in
    parts of the row, from 0 to 1, with each chunk of steps."""
    monkeypatch.setattr(S, "LONG_ROWS_FACTOR", 0.0)
    monkeypatch.setattr(S, "STEP_CHUNK_SECONDS", None)  # (chunks of the first chunk's steps: counted below)
    monkeypatch.setattr(S, "CHUNK_WORK", 3000.0)
    seen, made = [], []
    monkeypatch.setattr(S, "_bar", _RecordingBar.make(seen, made))
    fld = cubic_quadratic(a=0.5, b=1.0, c=0.5)
    res = sweep(fld, "gd", inits=[[1.0, 1.0]], step=0.1, steps=30_000, progress=True)
    assert made == [True] and res.meta["step_chunk"] == 3000
    assert seen == sorted(seen) and seen[-1] == 1 and len(seen) >= 10 and 0 < seen[1] < 1


def test_the_reading_does_not_depend_on_record_every_on_marginal_runs():
    """Found by a new user: the R1 Dirac-GAN (gamma = 0.3) under gd at h = 1.2 from (-0.528, 1.804), a marginal run
    (rho = 0.99975), read 'bounded, not converging' with every state recorded and 'converging' recording every
    1000th: every recorded step was read beside the READ_SAMPLES ones. Now only those: the same reading, bitwise,
    whatever record_every; and a sweep with samples=READ_SAMPLES reads the run as simulate does."""
    from gandynamics.runs.trajectory import READ_SAMPLES
    F = VectorField(games.dirac(), [R1(gamma=0.3)])
    runs = [simulate(F, "gd", [-0.528, 1.804], 3000, 1.2, record_every=e) for e in (1, 7, 1000, 5000)]
    for tr in runs[1:]:
        assert tr.reading == runs[0].reading
    row = sweep(F, "gd", inits=[[-0.528, 1.804]], steps=3000, step=1.2, samples=READ_SAMPLES, progress=False)
    assert row.columns["verdict"][0] == runs[0].verdict and row.columns["rate"][0] == runs[0].rate


def test_a_run_that_settles_at_another_zero_of_F_says_so():
    """A game with two stable equilibria besides the declared saddle (0, 0): L_G = (x^2 - 1)^2 / 4 + x y / 10,
    L_D = y^2 / 2 - x y / 10.  gd settled at (-0.995, -0.0995) and read "bounded, not converging (distance 2 to 2)",
    rate 1, with nothing said of where it stood.  The description now says that the run stands still at a zero of F
    (checked: F there by the closed form, in plain arithmetic); a run that keeps moving (alternating GD's orbit on the
    bilinear game) or that stands still at a projection box's wall (not a zero of F) is not said to have converged."""
    import sympy as sp

    from gandynamics import Game, VectorField
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], (x**2 - 1) ** 2 / 4 + x * y / 10, y**2 / 2 - x * y / 10, equilibrium=(0, 0)))
    for z0 in ((-0.5, 0.3), (0.7, -0.2), (1.5, 1.0)):
        tr = simulate(fld, "gd", z0, 500, 0.1, engine="interpreted")
        xf, yf = tr.final
        assert abs(xf**3 - xf + yf / 10) < 1e-12 and abs(yf - xf / 10) < 1e-12  # F(final) = 0, by hand
        text = tr.describe()
        assert tr.verdict == "bounded, not converging" and "converged to a stationary point other than z*" in text, text
        assert f"stands still at a zero of F ({xf:z.6g}, {yf:z.6g})" in text, text  # (which one: the final state)
    orbit = simulate(VectorField(games.bilinear()), "altgd", (1.0, 0.5), 2000, 0.1, engine="interpreted")
    assert orbit.verdict == "bounded, not converging" and "stands still" not in orbit.describe()
    wall = simulate(BILIN, "gd", (0.3, 0.3), 400, 0.1, box=[[0.2, 1.0], [-1.0, 1.0]], engine="interpreted")
    text = wall.describe()
    assert "converged to a stationary point" not in text and "stands still, but not at a zero of F" in text, text


def test_a_sweeps_rows_that_settle_at_another_zero_of_F_are_flagged_as_simulate_says():
    """The sweep read the rows of the two-equilibria game that settled at (+-0.995, +-0.0995) "bounded, not converging"
    with nothing in the table to say where they stood (simulate's description says "converged to a stationary point
    other than z*").  Its column final_zero now says it, from the same test (runs.equilibria.settled_at_zero), for
    every row simulate says it of (checked: F at the final state by the closed form, in plain arithmetic); the rows
    that keep moving at a constant distance (alternating GD's orbits, the flow's centre) or stand at a box's wall are
    not flagged.  The CLI's summary counts them."""
    import sympy as sp

    from gandynamics import Game
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], (x**2 - 1) ** 2 / 4 + x * y / 10, y**2 / 2 - x * y / 10, equilibrium=(0, 0)))
    rng = np.random.default_rng(7)
    inits = rng.uniform(-1.6, 1.6, size=(24, 2))
    res = sweep(fld, "gd", inits=inits, steps=500, step=0.1, progress=False, engine="interpreted")
    flags = np.asarray(res["final_zero"])
    for i, z0 in enumerate(inits):
        tr = simulate(fld, "gd", z0, 500, 0.1, engine="interpreted")
        assert bool(tr.reading.get("final_zero", False)) == flags[i], (z0, tr.describe(), flags[i])
        xf, yf = res["final_x"][i], res["final_y"][i]
        at_zero = abs(xf**3 - xf + yf / 10) < 1e-12 and abs(yf - xf / 10) < 1e-12 and abs(xf) > 0.5  # by hand
        assert flags[i] == (at_zero and res["verdict"][i] == "bounded, not converging"), (z0, xf, yf)
    assert flags.sum() >= 10  # (the member: most starts of this box fall into the two other wells)
    moving = [sweep(VectorField(games.bilinear()), "altgd", inits=[[1.0, 0.5], [0.2, -0.7]], steps=2000, step=0.1,
                    progress=False, engine="interpreted"),
              sweep(VectorField(games.bilinear()), "flow", inits=[[1.0, 0.5]], steps=600, step=0.01, progress=False,
                    engine="interpreted"),
              sweep(BILIN, "gd", inits=[[0.3, 0.3]], steps=400, step=0.1, box=[[0.2, 1.0], [-1.0, 1.0]],
                    progress=False, engine="interpreted")]
    for r in moving:
        assert set(r["verdict"]) == {"bounded, not converging"} and not np.any(r["final_zero"]), r["verdict"]


def test_a_start_beyond_the_bound_is_said_not_reported_as_a_divergence():
    """simulate from (1e7, 0) under the default bound 1e6 printed "diverged at step 1 (bound)", as if the dynamics
    had left: the kernels test the states after each step.  simulate refuses such a start (the one run would
    say nothing); a sweep runs its rows and warns how many start beyond the bound (rows of a random box may)."""
    import warnings

    from gandynamics.errors import GandynamicsWarning
    with pytest.raises(GandynamicsError, match=r"lies beyond the bound 1e\+06 .*raise it"):
        simulate(DIRAC_R1, "gd", [1e7, 0.0], 10, 0.1)
    tr = simulate(DIRAC_R1, "gd", [1e7, 0.0], 10, 0.1, bound=1e8, engine="interpreted")  # inside a wider bound
    assert tr.states.shape[0] == 11
    inits = np.array([[0.5, 0.5], [2e6, 0.0], [0.0, -3e6]])
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        res = sweep(DIRAC_R1, "gd", inits=inits, step=0.1, steps=10, progress=False)
    ours = [str(w.message) for w in got if issubclass(w.category, GandynamicsWarning)]
    assert len(ours) == 1 and ours[0].startswith("2 of 3 initial points lie beyond the bound"), ours
    assert res["diverged_at"].tolist() == [-1, 1, 1]


def test_the_sweeps_rate_err_column_spans_the_error_of_rates_read_from_modulated_runs():
    """gd on F = (I - r S R(th) S^-1) z (S a shear of size s, R a rotation): the iteration matrix r S R S^-1 has
    spectral radius r exactly, and its runs' distances are modulated by the shear.  Read from the sweep's 65
    recorded distances their rates were off by up to 1.3e-3 (in a sweep of 7,800 such rows) with nothing in the table to
    say so; the rate_err column (the log-rate's spread over the last half times the rate) spans that error in at
    least 97 % of the rows within 3 rate_err (all of them here), and is 0 to rounding where nothing is modulated."""
    import sympy as sp

    from gandynamics import Game
    x, y, th, s, r = sp.symbols("x y th s r", real=True)
    S, Si = sp.Matrix([[1, s], [0, 1]]), sp.Matrix([[1, -s], [0, 1]])
    R = sp.Matrix([[sp.cos(th), -sp.sin(th)], [sp.sin(th), sp.cos(th)]])
    A = sp.eye(2) - r * S * R * Si  # F = A z; gd with h = 1 multiplies by r S R S^-1
    g = Game([x], [y], A[0, 0] * x**2 / 2 + A[0, 1] * x * y, A[1, 1] * y**2 / 2 + A[1, 0] * x * y,
             hyper={th: 1.0, s: 1.0, r: 1.0}, equilibrium=(0, 0))
    fld = VectorField(g)
    for shear in (0.0, 2.0, 6.0):
        res = sweep(fld, "gd", inits=[[1.0, -1.0]], grid={"th": np.linspace(0.01, 3.13, 12), "s": [shear],
                                                          "r": [0.999, 0.99]}, steps=2000, step=1.0, progress=False,
                    engine="interpreted")
        err = np.abs(res["rate"] - res["r"])
        u = res["rate_err"]
        if shear == 0.0:
            assert err.max() < 1e-12 and np.nanmax(u) < 1e-12
        else:
            assert err.max() > 1e-5  # (the member is modulated)
            assert np.mean(err <= 3 * u) >= 0.97, (shear, err, u)


@pytest.mark.slow  # 1.5 s (five fields derived)
def test_standing_still_is_read_from_the_states_at_every_scale():
    """The kind of the test above, further members: the two-equilibria game times s = 1e6, 1e8 (|F| at its zero is
    4e-10, 4e-8: a zero of F relative to ||DF|| |z|, as at s = 1), and runs that keep moving at a constant distance to
    z* (the flow's centre on the bilinear game, gd on the Hopf game's limit cycle), which the distance alone read as
    standing still."""
    import sympy as sp

    from gandynamics import Game
    x, y = sp.symbols("x y", real=True)
    for s in (1e6, 1e8):  # the same game times s (and the step over s): the same reading
        g = Game([x], [y], s * ((x**2 - 1) ** 2 / 4 + x * y / 10), s * (y**2 / 2 - x * y / 10), equilibrium=(0, 0))
        tr = simulate(VectorField(g), "gd", (-0.5, 0.3), 500, 0.1 / s, engine="interpreted")
        assert "converged to a stationary point other than z*" in tr.describe(), (s, tr.describe())
    # runs that keep moving at a constant distance to z* (the flow's centre, the Hopf game's limit cycle, alternating
    # GD's orbit) do not stand still, whatever their distance does
    for fld_, method, z0, k, h in ((VectorField(games.bilinear()), "altgd", (1.0, 0.5), 2000, 0.1),
                                   (VectorField(games.bilinear()), "flow", (1.0, 0.5), 600, 0.01),
                                   (VectorField(games.hopf_normal_form(beta=0.25), []), "gd", (0.5244, 0.0), 1200, 0.05)):
        orbit = simulate(fld_, method, z0, k, h, engine="interpreted")
        assert orbit.verdict == "bounded, not converging" and "stands still" not in orbit.describe(), orbit.describe()


def test_a_long_sweep_says_how_long_it_will_take_and_the_estimate_holds(monkeypatch, capsys):
    """A sweep with more than PACE_NOTICE_LEFT seconds to go, once NOTICE_AFTER seconds have passed, says once how
    long it will take in all at the pace so far (sweep --steps 1e12 said nothing for days).  The delays are scaled
    down here; the estimate is checked against the run's measured time."""
    import logging
    import gandynamics.log as L
    monkeypatch.setattr(S, "LONG_ROWS_FACTOR", 0.0)
    monkeypatch.setattr(S, "STEP_CHUNK_SECONDS", None)  # (chunks of the first chunk's steps: counted below)
    monkeypatch.setattr(S, "CHUNK_WORK", 2e5)
    monkeypatch.setattr(L, "NOTICE_AFTER", 0.15)  # (the first chunk carries the threads' start: ~0.03 s)
    monkeypatch.setattr(S, "PACE_NOTICE_LEFT", 0.0)
    monkeypatch.setattr(L.logger, "level", logging.NOTSET)   # no logging configured: the notice goes to stderr
    monkeypatch.setattr(L.logger, "handlers", [])
    monkeypatch.setattr(L.logger, "propagate", False)
    fld = cubic_quadratic(a=0.5, b=1.0, c=0.5)
    # (60 million steps: 0.42 s on the Zen 5 machine of session 49, where 20 million took 0.14 s, less than
    # NOTICE_AFTER: nothing to say, and the test failed on an idle machine only)
    res = sweep(fld, "gd", inits=[[1.0, 1.0], [0.5, 0.5]], step=1e-6, steps=60_000_000, progress=None)
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if "in all for 2 trajectories x 60_000_000 steps" in ln]
    assert len(lines) == 1, err
    import re
    m = re.search(r"about ([\d.e+]+) (s|min) in all", lines[0])
    est = float(m.group(1)) * (60 if m.group(2) == "min" else 1)
    assert 0.4 < est / res.meta["seconds"] < 2.5, (lines[0], res.meta["seconds"])
    assert "Ctrl-C stops it and keeps the trajectories that finished" in lines[0]
    # progress=False: nothing said
    sweep(fld, "gd", inits=[[1.0, 1.0], [0.5, 0.5]], step=0.1, steps=400_000, progress=False)
    assert "in all for" not in capsys.readouterr().err


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(rows=st.integers(1, 3000), nb=st.sampled_from([128, 256]), lanes=st.sampled_from([8, 16]),
       nt=st.integers(1, 4))
def test_a_few_rows_are_shared_out_over_the_threads_in_whole_vectors(rows, nb, lanes, nt):
    """engine.unit_width: the kernels' block width for a range of at least nt blocks; else the rows shared out over
    the threads (every thread a unit when there are rows enough), in a multiple of the vector width, never wider than
    a block."""
    from gandynamics.runs.engine import unit_width
    w = unit_width(rows, nb, lanes, nt)
    units = -(-rows // w)
    assert 1 <= w <= nb
    if nt == 1 or rows >= nt * nb:
        assert w == nb
    else:
        assert w % lanes == 0 or w == nb
        assert units == min(nt, -(-rows // lanes)) or units >= nt - 1  # (rounding to whole vectors may merge one)
        assert units <= nt


@pytest.mark.parametrize("rows", [3, 40, 300])
def test_a_small_sweep_runs_on_every_thread_with_the_same_numbers(rows, monkeypatch):
    """A sweep of fewer rows than a block per thread ran as one block on one thread; its rows are now shared out
    (engine.unit_width): the table and run_rows' arrays are bitwise those of blocks of the kernels' full width."""
    import dataclasses
    import importlib

    from gandynamics.runs.sweep import sweep_plan
    E = importlib.import_module("gandynamics.runs.engine")
    rng = np.random.default_rng(rows)
    inits = rng.uniform(-2, 2, (rows, 2))
    grid = {"step": rng.uniform(0.05, 1.5, rows)}
    kw = dict(inits=inits, grid=grid, steps=300, product=False, engine="compiled", progress=False)
    seen = []
    real = E.threaded
    monkeypatch.setattr(E, "threaded", lambda call, units, meanwhile=None: seen.append(units) or real(call, units, meanwhile))
    shared = sweep(DIRAC_R1, ["gd", "eftp"], **kw)
    plan = sweep_plan(DIRAC_R1, "eg", inits=inits, grid=grid, steps=300, product=False)
    plan = dataclasses.replace(plan, engine="compiled")
    a = E.run_rows(plan, 0, rows)
    if numba.get_num_threads() > 1 and rows > 16:
        assert max(seen) >= 2, seen
    monkeypatch.setattr(E, "unit_width", lambda rows, nb, lanes, nt=None: nb)
    whole = sweep(DIRAC_R1, ["gd", "eftp"], **kw)
    b = E.run_rows(plan, 0, rows)
    for col in whole.columns:
        np.testing.assert_array_equal(shared[col], whole[col], err_msg=col)
    for key in ("final", "dist", "divat", "reason"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def _power_game(m: int):
    import sympy as sp
    from gandynamics import Game
    x, y = sp.symbols("x y", real=True)
    return VectorField(Game([x], [y], x ** (m + 1) / (m + 1), y ** 2 / 2, equilibrium=(0, 0), name=f"x^{m}"))


@pytest.mark.slow  # 21 s with empty caches (a new game's five kernels), 3 s warm
@pytest.mark.parametrize("m", [3, 5])
def test_one_power_law_decay_reads_the_same_under_every_method_and_step(m):
    """F = (x^m, y): x_k falls like (h (m - 1) k)^(-1/(m - 1)) under every method (a new user's finding at m = 3, the
    exponent -1/2 then on POW_MAX: gd, the flow and eg at h = 0.05 read "bounded, not converging" with a geometric rate,
    eg, ogda, eftp at h = 0.1 "converging algebraically", for practically one trajectory).  POW_MAX (-0.3) lies between
    the exponents -1/3 and -1/4 of m = 4 and 5: every method and step reads one verdict, m = 3 converging, m = 5 bounded,
    both with the closed-form exponent and no rate per step."""
    fld = _power_game(m)
    want = -1.0 / (m - 1)
    for method, h in (("gd", 0.05), ("gd", 0.1), ("flow", 0.05), ("eg", 0.1), ("ogda", 0.1)):
        tr = simulate(fld, method, [1.0, 1.0], 5000, h)
        assert tr.verdict == ("converging" if m < 4 else "bounded, not converging"), (method, h, tr.describe())
        assert tr.reading["algebraic"] == pytest.approx(want, rel=0.05), (method, h)
        assert ("converging algebraically" if m < 4 else "falling like k^") in tr.describe()


@pytest.mark.slow  # 18 s with a cold cache (a new game, 36 sweeps)
def test_a_decay_to_a_linearly_contracting_equilibrium_is_never_read_as_a_power_law():
    """A second trial's finding: geometric decays read "converging algebraically" (two modes handing over at a small
    step: k^-8.2 for rates 0.998 and 0.9953; Jordan blocks; 18 of 2,124 linear runs of gd).  An algebraic decay needs a
    multiplier of modulus 1 at z*: where the method's linearisation contracts the run to 0.99 or less (runs.ratefit.
    linear_contraction), the algebraic reading is dropped, in simulate and in sweep alike.  Generator: linear games
    (two real modes, Jordan blocks, close modes) at steps putting the slow rate at 0.99-0.9995; and the flow on a
    rotation with cubic damping (a centre: r' = -r^3, |z| ~ (2t)^-1/2) keeps its exponent -1/2, while extragradient on
    it at h = 0.1 (linear rate |1 - 0.02i - 0.0004| = 0.99980006: a contraction 0.55 over 3000 steps) does not."""
    import sympy as sp
    from gandynamics import Game
    x, y = sp.symbols("x y", real=True)
    a, b, c, d = sp.symbols("a b c d", real=True)
    fld = VectorField(Game([x], [y], a * x**2 / 2 + b * x * y, c * x * y + d * y**2 / 2,
                           hyper={a: 1.0, b: 0.0, c: 0.0, d: 1.0}, equilibrium=(0, 0)))
    rng = np.random.default_rng(3)
    for kind in range(12):
        if kind % 3 == 0:
            l1, l2 = sorted(rng.uniform(0.01, 2, 2))
            A = [[l1, 0.0], [0.0, l2]]
        elif kind % 3 == 1:
            lam = rng.uniform(0.02, 1.5)
            A = [[lam, float(rng.choice([0.1, 1.0, 10.0]))], [0.0, lam]]
        else:
            l1 = rng.uniform(0.05, 1.0)
            A = [[l1, 0.0], [0.0, l1 * (1 + rng.uniform(0.02, 0.3))]]
        A = np.array(A)
        p = {"a": A[0, 0], "b": A[0, 1], "c": A[1, 0], "d": A[1, 1]}
        h = (1 - rng.choice([0.99, 0.998, 0.9995])) / min(np.linalg.eigvals(A).real)
        for T in (300, 1000, 4000):
            inits = [[1.0, 1.0], [1.0, 1e-3], [1e-3, 1.0], [1.0, -0.5]]
            res = sweep(fld, "gd", inits=inits, step=h, steps=T, params=p, progress=False)
            assert np.all(np.isnan(res["algebraic"])), (A.tolist(), h, T, res["algebraic"])
            tr = simulate(fld, "gd", inits[1], T, h, params=p)
            assert "algebraic" not in tr.reading, (A.tolist(), h, T, tr.reading)
    rot = VectorField(Game([x], [y], sp.integrate(x**3 + y / 5, x), sp.integrate(y**3 - x / 5, y)))
    assert simulate(rot, "flow", [1.0, 0.0], 3000, 0.1).reading["algebraic"] == pytest.approx(-0.5, abs=0.01)
    assert "algebraic" not in simulate(rot, "eg", [1.0, 0.0], 3000, 0.1).reading


def _adam_update(F, z, m, v, t, h, b1=0.9, b2=0.999, eps=1e-8):
    """torch.optim.Adam's step written out here (the kernel's formula, independently)."""
    g = F(z)
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    return z - (h / (1 - b1 ** t)) * m / (np.sqrt(v) / np.sqrt(1 - b2 ** t) + eps), m, v


@pytest.mark.parametrize("method", ["adam", "rmsprop"])
def test_the_limit_matrix_is_the_update_linearised_once_v_has_decayed(method):
    """Method.limit_matrix against finite differences of the update written out here, with v = 0 and the bias
    corrections at their limit 1, on random 3 x 3 Jacobians and per-coordinate steps."""
    from gandynamics.methods import get_method
    rng = np.random.default_rng(3)
    m = get_method(method)
    for _ in range(5):
        A = rng.normal(size=(3, 3))
        hs = rng.uniform(0.001, 0.1, 3)
        eps, b1 = 1e-8, 0.9
        if method == "adam":
            def G(x):  # (z, m) -> (z', m') with v = 0
                z, mm = x[:3], x[3:]
                mm = b1 * mm + (1 - b1) * (A @ z)
                return np.concatenate([z - hs * mm / eps, mm])
            N, M = 6, m.limit_matrix(A, hs, beta1=b1, eps=eps)
        else:
            G = lambda x: x - hs * (A @ x) / eps  # noqa: E731
            N, M = 3, m.limit_matrix(A, hs, eps=eps)
        J = np.column_stack([(G(d) - G(-d)) / 2 for d in np.eye(N)])  # (linear: exact central differences)
        assert np.allclose(M, J, rtol=1e-12, atol=1e-12 * np.abs(J).max())


@pytest.mark.slow  # (30,000 steps of the update written out in Python: 9 s on a cold cache)
def test_an_adam_run_that_reads_converging_is_told_to_leave_zstar_later():
    """An adversarial reviewer: adam on the quadratic game (h = 0.01) read "converging, rate 0.9488" at 4,000 steps
    (distance 2.8e-92) and stood on an orbit of radius ~10 h at 20,000: once v has decayed, z* is unstable for the
    update.  The 4,000-step run's description says so; the update written out here, run for 30,000 steps from the
    same start, is indeed back at ~h from z*."""
    from gandynamics.verdict import describe
    fld = VectorField(games.make_game("quadratic"))
    p = fld.param_vector(None)
    z0 = np.array([0.12573022, -0.13210486])
    t = simulate(fld, "adam", z0, 4000, 0.01)
    assert t.verdict == "converging" and t.reading["limit_radius"] > 1
    assert "so a longer run leaves z* again" in describe({**t.reading, "verdict": t.verdict})
    F = lambda z: fld.eval_F(z, p)  # noqa: E731
    z, mm, vv = z0.copy(), np.zeros(2), np.zeros(2)
    far = 0.0
    for k in range(1, 30001):
        z, mm, vv = _adam_update(F, z, mm, vv, k, 0.01)
        if k > 25000:
            far = max(far, float(np.linalg.norm(z)))
    assert far > 1e-3  # (back on an orbit of the step's scale, not at z*)
    assert describe({"verdict": "converging", "limit_radius": None}) == "converging"


@pytest.mark.slow  # (3.8-7.1 s cold, each compiling what no other default test needs: the default pass took 2:57 on CI, session 52)
def test_an_adam_run_that_reads_converging_is_told_that_zstar_is_unstable_for_it():
    """The default run's part of the test above: the 4,000-step run's reading and description (the limit radius is
    max |eig| of limit_matrix at DF(0) of the quadratic game, computed here with numpy)."""
    from gandynamics.methods import get_method
    from gandynamics.verdict import describe
    fld = VectorField(games.make_game("quadratic"))
    p = fld.param_vector(None)
    t = simulate(fld, "adam", np.array([0.12573022, -0.13210486]), 4000, 0.01)
    M = get_method("adam").limit_matrix(fld.eval_DF(np.zeros(2), p), [0.01, 0.01], beta1=0.9, eps=1e-8)
    assert t.verdict == "converging"
    assert t.reading["limit_radius"] == pytest.approx(float(np.max(np.abs(np.linalg.eigvals(M)))), rel=1e-12)
    assert "so a longer run leaves z* again" in describe({**t.reading, "verdict": t.verdict})


@pytest.mark.parametrize("steps", [250, 260, 265, 270, 285, 300, 600])
def test_a_run_cut_by_its_rounding_floor_reads_the_linear_rate(steps):
    """A new user's game F = (e^x - 1 + y, sigmoid(y) - 1/2 - x) under gd at h = 0.3: the run reaches the rounding of F
    near step 160 and is read above its floor there; the plain fit over [T/2, T] kept two samples of the rotating
    decay and read 0.934 at 300 steps.  The later half of the run's usable samples reads the linearisation's rate
    |1 - h lambda|, lambda = 0.625 +- i sqrt(3.4375)/2 the eigenvalues of DF(0) = [[1, 1], [-1, 1/4]] (closed form)."""
    import sympy as sp
    from gandynamics import Game
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], sp.exp(x) - x + x * y, sp.log(1 + sp.exp(y)) - y / 2 - x * y,
                           equilibrium=(0, 0), name="explog"))
    lam = complex(0.625, math.sqrt(3.4375) / 2)
    rho = abs(1 - 0.3 * lam)
    tr = simulate(fld, "gd", [0.5, -0.4], steps, 0.3, engine="interpreted")
    assert tr.verdict == "converging" and abs(tr.rate - rho) < 2e-3, (tr.rate, rho)
    if steps <= 265:  # (read "converging" at once, the rounding of F reached only in the last quarter: read again
        # above it, as a bounded run standing there is; its rate had been 0.24-1.3 % off, fitted through that rounding)
        assert tr.reading["still_at"] < 1e-16


@pytest.mark.parametrize("steps", [192, 205])
def test_a_converging_run_still_falling_near_zstar_keeps_its_first_reading(steps):
    """A review of the change above: gd at h = 0.3 from (0.5, -0.4) at 205 steps ends 9.5e-15 from z*, still falling at
    the linear rate (its plateau, 4.3e-17, is reached near step 245); math.hypot's final distance differed from the
    recorded one by an ulp, the run was taken for one that had stopped and read again ("it stands 9.5e-15 from z*"),
    its rate 6.8e-4 off where the first reading was 2.8e-4.  It keeps its first reading (F there is its
    linearisation to 1e-4, not rounding's)."""
    import sympy as sp
    from gandynamics import Game
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], sp.exp(x) - x + x * y, sp.log(1 + sp.exp(y)) - y / 2 - x * y,
                           equilibrium=(0, 0), name="explog"))
    rho = abs(1 - 0.3 * complex(0.625, math.sqrt(3.4375) / 2))
    tr = simulate(fld, "gd", [0.5, -0.4], steps, 0.3, engine="interpreted")
    assert tr.verdict == "converging" and "still_at" not in tr.reading and abs(tr.rate / rho - 1) < 5e-4


@pytest.mark.slow  # (3.8-7.1 s cold, each compiling what no other default test needs: the default pass took 2:57 on CI, session 52)
@pytest.mark.parametrize("steps", [250, 265])
def test_a_sweep_row_that_stalls_at_the_rounding_of_F_in_its_last_quarter_reads_the_linear_rate(steps):
    """The sweep's part of the test above (its rows read as simulate reads a run; the compiled kernel's rounding is not
    the interpreter's, hence the wider bound): 0.31 % and 1.5 % off before."""
    import sympy as sp
    from gandynamics import Game, sweep
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], sp.exp(x) - x + x * y, sp.log(1 + sp.exp(y)) - y / 2 - x * y,
                           equilibrium=(0, 0), name="explog"))
    rho = abs(1 - 0.3 * complex(0.625, math.sqrt(3.4375) / 2))
    r = sweep(fld, "gd", inits=[[0.5, -0.4]], grid={"step": [0.3]}, steps=steps, progress=False)
    assert r.columns["verdict"][0] == "converging" and abs(r.columns["rate"][0] / rho - 1) < 2.5e-3


def test_a_run_at_a_spurious_fixed_point_of_extragradient_says_so():
    """Extragradient's map has fixed points that are no zeros of F: where z - hF(z) is one (docs/math/bifurcations.md).
    On the two-wells game at h = 0.3, eg from (1.5, 1) stood still at (2.08, -0.089) with |F| = 6.95, described "not
    at a zero of F" alone (a new user).  It now names the spurious fixed point and its extrapolated point; checked by
    hand: F of the game at the final state in plain arithmetic, z - hF(z) within 1e-12 of the saddle (0, 0)."""
    import sympy as sp

    from gandynamics import Game, VectorField
    x, y = sp.symbols("x y", real=True)
    w = float(np.sqrt(0.99))
    fld = VectorField(Game([x], [y], (x**2 - 1) ** 2 / 4 + x * y / 10, y**2 / 2 - x * y / 10, equilibrium=(w, w / 10)))
    tr = simulate(fld, "eg", (1.5, 1.0), 300, 0.3, engine="interpreted")
    xf, yf = tr.final
    F = np.array([xf**3 - xf + yf / 10, yf - xf / 10])  # by hand
    zt = np.array([xf, yf]) - 0.3 * F
    assert np.linalg.norm(F) > 1 and np.linalg.norm(zt) < 1e-12
    text = tr.describe()
    assert "a spurious fixed point of eg: its extrapolated point z - H F(z) = (" in text, text
    gd_run = simulate(fld, "gd", (1.5, 1.0), 300, 0.3, engine="interpreted")  # (gd has no such points)
    assert "spurious" not in gd_run.describe()


@pytest.mark.slow  # (3.8-7.1 s cold, each compiling what no other default test needs: the default pass took 2:57 on CI, session 52)
def test_a_run_held_where_f_is_flat_but_not_zero_is_said_so():
    """A run standing still where F is below the rounding of the state but has no zero (the Dirac-GAN's saturated
    sigmoid far out: dirac-nd's runs at |z| = 10 with |F| ~ 1e-21 at d = 50) was read "stands still, but not at a zero
    of F (|F| = 1.93e-21 ...)", a number a new user read as a zero: the reading marks it (``flat_F``, the state's size)
    and the text says F is flat there with no zero.  Over starts ever further out on the Dirac-GAN: not marked where
    |F| is above that rounding (|F| ~ 1e-10 from (5, 5)), nor where the step is the cause (from (6, 6): h |F| below
    the rounding, |F| not), marked from (7, 7) on, until F underflows to 0 (a text of its own)."""
    from gandynamics import VectorField, games, simulate
    fld = VectorField(games.dirac())
    marked = []
    for s_ in (5, 6, 7, 8, 10, 15, 20, 30):
        tr = simulate(fld, "gd", [s_, s_], 1000, 0.1)
        r = tr.reading
        res = r.get("final_residual")
        flat = (res is not None and res > 0 and not r.get("final_zero") and r.get("step_below_rounding") is None
                and res <= np.finfo(float).eps * max(np.linalg.norm(tr.final), r["tail_max"]))
        assert bool(r.get("flat_F")) == flat, (s_, r)
        text = tr.describe()
        assert ("can record, as where a loss saturates" in text) == flat, (s_, text)
        if flat:  # (in a student's words: what happened, that it is stuck, the numbers, what to try; a new user found
            # "F is flat there, below the rounding of a state of size 14.1, but has no zero there" nested and jargon)
            assert r["state_size"] > 0 and "stuck, not converged" in text and "F is not 0 there" in text, text
            assert (f"|F| = {res:z.3g} against {np.finfo(float).eps * r['state_size']:z.3g}, the smallest change a "
                    f"state of size {r['state_size']:z.3g} can record") in text, text
            assert "saturates" in text and "try a start nearer the equilibrium" in text, text
            assert "rounding" not in text and "flat" not in text, text
        marked.append(flat)
    assert marked[:2] == [False, False] and all(marked[2:7]), marked


def test_a_bounded_run_says_when_z_star_is_unstable_for_its_method_at_its_step():
    """gd at h = 1.5 on the R1 Dirac-GAN (gamma = 0.3) falls onto its invariant circle, and its verdict said "a longer
    run shows whether it converges", though z* repels gd at that step (a new user's finding): the reading carries the
    local rate at z* when it exceeds 1, checked against plain NumPy's spectral radius of I - h A with the closed-form
    Jacobian A = [[0, 1/2], [-1/2, gamma]] (docs/mathematics.md §1.7), and the verdict says the run cannot converge."""
    import numpy as np
    from gandynamics import R1, VectorField, games, simulate
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    A = np.array([[0.0, 0.5], [-0.5, 0.3]])
    for h, steps in ((1.5, 300), (0.45, 12)):
        rho = float(np.max(np.abs(np.linalg.eigvals(np.eye(2) - h * A))))
        tr = simulate(fld, "gd", [1.0, 1.0], steps, h, engine="interpreted")
        assert tr.verdict == "bounded, not converging", (h, tr.verdict)
        text = tr.describe()
        if rho > 1:  # (h = 1.5: rho = 1.0548)
            assert tr.reading["zstar_local_rate"] == pytest.approx(rho, rel=1e-12)
            assert "it cannot converge to z*: z* is unstable for this method at this step, its local rate there " \
                   f"{rho:.4g} > 1" in text, text
            assert "a longer run shows whether it converges" not in text, text
        else:  # (h = 0.45: rho = 0.957 < 1, 12 steps: a longer run may converge, as it says)
            assert "zstar_local_rate" not in tr.reading and "cannot converge" not in text, text
    # a method with no iteration matrix (adam) and a run with no z* say nothing of it
    assert "zstar_local_rate" not in simulate(fld, "adam", [1.0, 1.0], 50, 0.1, engine="interpreted").reading


def test_the_unstable_z_star_claim_reads_every_option_of_the_run_and_not_rounding():
    """A review: lookahead over altgd with n_d = 2 was said unable to converge (the rate of n_d = 1, 6.356, its base's
    options dropped) though the same run converges over 400 steps at the rate of n_d = 2; lookahead over momentum at
    beta = 0.3 (rate 1.099) was not said unstable; and a nilpotent Jacobian's exact rate 1, computed a hair above,
    must not count as unstable."""
    import numpy as np
    import sympy as sp
    from gandynamics import Game, R1, VectorField, games, simulate
    from gandynamics.methods import METHODS
    from gandynamics.runs.equilibria import zstar_instability
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    short = simulate(fld, "lookahead", [0.1, 0.1], 12, 5.5, base="altgd", n_d=2, engine="interpreted")
    assert short.verdict == "bounded, not converging" and "zstar_local_rate" not in short.reading
    assert "cannot converge" not in short.describe()
    long = simulate(fld, "lookahead", [0.1, 0.1], 400, 5.5, base="altgd", n_d=2, engine="interpreted")
    assert long.verdict == "converging" and long.rate < 1  # (it does converge: no claim could have held)
    over = simulate(fld, "lookahead", [1.0, 1.0], 300, 1.5, base="momentum", beta=0.3, engine="interpreted")
    from gandynamics.analysis.rates import local_rate  # (per step: the k-th root of its k-step matrix's radius)
    A = fld.eval_DF(np.zeros(2), fld.param_vector(None))
    assert over.reading["zstar_local_rate"] == pytest.approx(
        local_rate("lookahead", A, 1.5, n_theta=1, base="momentum", beta=0.3), rel=1e-9)
    # (its state (z_k, z_k-1) has stable directions too, but this run is not falling steadily toward z*: it cannot
    # converge to it; test_runs_rounding_floor has the runs still falling, which may)
    assert over.reading["zstar_local_rate"] > 1.09 and over.reading["zstar_stable_manifold"] is True
    assert "cannot converge to z*" in over.describe()
    x, y = sp.symbols("x y")  # F = (x + y, -x - y): DF = [[1, 1], [-1, -1]], nilpotent, every rate exactly 1
    nil = VectorField(Game([x], [y], x ** 2 / 2 + x * y, -x * y - y ** 2 / 2, equilibrium=(0, 0)))
    for h in (0.5, 2.0, 7.0):
        for m in ("gd", "eg"):
            assert zstar_instability(nil, METHODS[m], np.zeros(2), nil.param_vector(None), h, {}) is None


def test_a_ctrl_c_while_early_divergences_are_read_again_is_an_interrupted_sweep(monkeypatch, capsys, tmp_path):
    """A review: a Ctrl-C during the re-read of early-diverged rows set a flag nothing read: the table replaced --out,
    exit 0.  The sweep is now incomplete (meta "interrupted"), the passes after it are not run, and the command line
    writes its table beside the finished one, says so on standard error and exits 130.  The Ctrl-C is one _execute
    takes while the first group of rows runs again (its info says so), as a real one would."""
    from gandynamics.cli import main
    real = S._execute
    seen = {"n": 0}

    def ctrl_c(sub, **kw):
        seen["n"] += 1
        if sub.K < 2000:  # (the re-run over 2^k < K steps: a Ctrl-C there)
            out, done, info = real(sub, **kw)
            return out, np.zeros_like(done), dict(info, interrupted=True)
        return real(sub, **kw)
    fld = VectorField(games.bilinear())  # (B = 1: the kernel tests/test_integrator_damping.py compiles too)
    hs = [0.1, 0.4, 0.6, 1.0]  # (B h as the B = 2 of the review at 0.05, 0.2, 0.3, 0.5)
    monkeypatch.setattr(S, "_execute", ctrl_c)
    res = sweep(fld, "gd", inits=[[0.1, 0.1]], grid={"step": hs}, steps=2000, progress=False)
    assert not res.complete and res.meta["rate_reread_interrupted"] and bool(np.all(res["finished"]))
    assert np.isnan(res["rate"][1:]).all() and np.isfinite(res["rate"][0])  # (the rows not read again: NaN as before)
    out = tmp_path / "t.csv"
    monkeypatch.setattr(S, "_execute", real)
    assert main(["sweep", "bilinear", "--method", "gd", "--grid", "step=0.1,0.4,0.6,1",
                 "--steps", "2000", "--init", "0.1,0.1", "--out", str(out), "--no-progress"]) == 0
    before = out.read_bytes()
    capsys.readouterr()
    monkeypatch.setattr(S, "_execute", ctrl_c)
    assert main(["sweep", "bilinear", "--method", "gd", "--grid", "step=0.1,0.4,0.6,1",
                 "--steps", "2000", "--init", "0.1,0.1", "--out", str(out), "--no-progress"]) == 130
    err = capsys.readouterr().err
    assert "interrupted after all 4 rows ran, while some were read again" in err and out.read_bytes() == before


@pytest.mark.parametrize("steps", [200, 2000, 20_000])
def test_simulate_reads_an_early_divergence_whatever_the_run_s_length(steps):
    """gd on the bilinear game at h = 2 diverges at step 18 (bound 1e6): over 200 steps it read sqrt(5), over 20,000
    no rate, one recording step before the divergence (a new user).  It is read again over 32 steps, as a sweep reads
    such rows: sqrt(1 + h^2) = sqrt(5) at every length; its states are the long run's."""
    fld = VectorField(games.bilinear())
    tr = simulate(fld, "gd", [1.0, 1.0], steps, 2.0)
    assert tr.diverged and tr.diverged_at == 18 and tr.rate == pytest.approx(math.sqrt(5), rel=1e-9)
    assert tr.steps == steps and tr.times[-1] <= 18
