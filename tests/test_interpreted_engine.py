"""The interpreted engine (gandynamics.runs.engine, engine="interpreted": the kernel source run by Python with
numba's IEEE semantics) against the compiled kernels, which tests/test_methods*.py check against plain-NumPy
references: every method, on a 2- and a 4-parameter field, on a converging and a diverging run (divergence at the
same step, for the same reason), and in a sweep (the same table); and how ``engine="auto"`` chooses."""

import numpy as np
import pytest
import sympy as sp

from gandynamics import VectorField, games, simulate
from gandynamics.errors import GandynamicsError
from gandynamics.methods import GROUPS
from gandynamics.game import Game
from gandynamics.regularizers import R1
from gandynamics.runs.engine import INTERPRET_MAX_SECONDS, choose_engine, field_ops
from gandynamics.runs.module import kernel_module_source
from gandynamics.simulate import sweep

from conftest import cubic_quadratic, expanding, method_fields  # noqa: E402 (the kernel tests' shared fields: one compiled module each)

FIELDS = method_fields()  # (tests/conftest.py: those of tests/test_methods_new.py too, one compiled module each)

#: every update rule (and option paths that change the kernel: alternation, momentum, both flow schemes,
#: lookahead over gd and eg, a projection box)
CASES = [("gd", {}), ("altgd", {"n_d": 2}), ("altgd", {"order": "discriminator-first"}), ("eg", {}), ("eftp", {}),
         ("ogda", {}), ("momentum", {"beta": 0.4}), ("momentum", {"beta": -0.3, "alternating": True}),
         ("flow", {"scheme": "rk4"}), ("flow", {"scheme": "dopri5", "rtol": 1e-9, "atol": 1e-11}), ("proximal", {}),
         ("eag", {}), ("ftr", {}), ("lookahead", {"base": "gd", "la_k": 4}), ("lookahead", {"base": "eg"}),
         ("adam", {}), ("rmsprop", {"alpha": 0.9}), ("gd", {"box": "first"})]


def _opts(fld, opts):
    opts = dict(opts)
    if opts.get("box") == "first":
        box = np.tile([-np.inf, np.inf], (fld.n, 1))
        box[0] = (-0.4, 0.4)
        opts["box"] = box
    return opts


def _pair(fld, method, opts, z0, steps, h, bound=1e6):
    a = simulate(fld, method, z0, steps, h, bound=bound, engine="compiled", **_opts(fld, opts))
    b = simulate(fld, method, z0, steps, h, bound=bound, engine="interpreted", **_opts(fld, opts))
    return a, b


def _agree(a, b, what):
    assert (a.diverged_at, a.reason, a.verdict) == (b.diverged_at, b.reason, b.verdict), what
    assert a.states.shape == b.states.shape, what
    scale = np.maximum(1.0, np.abs(a.states))
    finite = np.isfinite(a.states)
    np.testing.assert_array_equal(finite, np.isfinite(b.states), err_msg=what)
    # fused multiply-adds in the compiled kernels: a few ulps per step, grown by the dynamics' own factor
    np.testing.assert_allclose(a.states[finite] / scale[finite], b.states[finite] / scale[finite], rtol=0, atol=1e-9,
                               err_msg=what)
    if a.verdict != "bounded, not converging":
        # a bounded run that does not converge (an orbit, a chaotic attractor, a plateau at the integrator's
        # tolerance) amplifies those ulps: its rate is a fit to noise there, only the verdict must agree
        np.testing.assert_allclose(a.rate, b.rate, rtol=1e-6, err_msg=what)


def _slow(fname, method, opts) -> bool:
    """The cases in CI's ``-m slow`` pass (the default pass keeping the README's command under 3 minutes): the
    4-parameter field's kernels are compiled only for them and tests/test_methods_new.py's (about 25 s of CPU
    with cold caches; its discrete driver stays, with gd and eg, for the compiled kernels on more than two
    coordinates), and the Dirac-GAN's drivers other than the discrete one (implicit: proximal, ftr; adaptive:
    eag, adam, rmsprop; dopri5), compiled only for these cases (about 12 s of CPU on the CI machine, 2026-12-01):
    the default pass runs those methods compiled on the polynomial family."""
    if fname == "game4":
        return not (method in ("gd", "eg") and not opts)
    if fname != "dirac+r1":
        return False
    if method == "flow":
        return opts.get("scheme") == "dopri5"
    return GROUPS[method] in ("implicit", "adaptive")


@pytest.mark.parametrize("fname,method,opts", [
    pytest.param(f, m, o, id=f"{m}-{'-'.join(map(str, o.values()))}-{f}", marks=[pytest.mark.slow] if _slow(f, m, o) else [])
    for m, o in CASES for f in FIELDS])
def test_interpreted_run_is_the_compiled_run(fname, method, opts):
    fld = FIELDS[fname]
    z0 = np.array([0.7, -0.5, 0.3, 0.6])[:fld.n] + (fld.equilibrium if fld.equilibrium is not None else 0)
    steps = 12 if method == "flow" else 150
    a, b = _pair(fld, method, opts, z0, steps, 0.1 if method != "flow" else 0.5)
    _agree(a, b, f"{fname} {method} {opts} converging")
    # a step far beyond stability: the run leaves the bound or overflows; both engines stop at the same step
    big = 40.0 if method not in ("adam", "rmsprop") else 5e3
    a, b = _pair(fld, method, opts, z0 * 3, 60, big if method != "flow" else 50.0, bound=1e4)
    _agree(a, b, f"{fname} {method} {opts} diverging")


def test_nan_and_overflow_reasons_agree():
    """A run that overflows to inf and one that reaches NaN: the same step and reason on both engines (the shared
    fields of tests/conftest.py: ``expanding()``, and the polynomial family, whose 0 * x^3 is NaN once x^3
    overflows while x is finite; their compiled modules are the kernel tests')."""
    for method in ("gd", "eg", "ogda", "momentum"):  # (momentum at beta = 0.5: its default -0.5 slows the growth)
        a, b = _pair(expanding(), method, {"beta": 0.5} if method == "momentum" else {}, (1.0, 0.25), 1200, 1.0,
                     bound=np.inf)  # theta doubles each step
        assert a.diverged and a.reason == "overflow", (method, a.reason)
        _agree(a, b, f"overflow {method}")
    for method in ("gd", "eg", "eftp"):
        a, b = _pair(cubic_quadratic(a=-1.0, b=0.5), method, {}, (1e102, 0.0), 50, 1.0, bound=np.inf)
        assert a.diverged and a.reason == "nan", (method, a.reason)
        _agree(a, b, f"nan {method}")


def test_interpreted_sweep_table_is_the_compiled_table():
    fld = FIELDS["dirac+r1"]
    kw = dict(inits=np.array([[1.0, 1.0], [0.5, -2.0], [3.0, 3.0]]), grid={"gamma": [0.0, 0.3, 1.0], "step": [0.1, 0.5, 3.0]},
              steps=200)
    a = sweep(fld, ["gd", "eg"], engine="compiled", **kw)
    b = sweep(fld, ["gd", "eg"], engine="interpreted", **kw)
    assert a.meta["engine"] == "compiled" and b.meta["engine"] == "interpreted"
    for col in ("verdict", "diverged_at", "reason", "diverged", "method"):
        np.testing.assert_array_equal(a.columns[col], b.columns[col], err_msg=col)
    # a bounded, non-converging row (step 3: a chaotic orbit) amplifies the ulps by which the engines differ
    # (fused multiply-adds): only its verdict is compared; every other row to 1e-7
    tight = a.columns["verdict"] != "bounded, not converging"
    assert 0 < tight.sum() < len(tight)
    for col in ("distance", "rate", "tail_min", "tail_max"):
        np.testing.assert_allclose(a.columns[col][tight], b.columns[col][tight], rtol=1e-7, atol=1e-300, err_msg=col)


def test_auto_interprets_short_runs_and_compiles_long_ones(monkeypatch):
    monkeypatch.delenv("GANDYNAMICS_ENGINE", raising=False)
    src = kernel_module_source(FIELDS["dirac+r1"])
    assert field_ops(src) > 0
    assert choose_engine("auto", src, 1, 500, 1) == "interpreted"
    assert choose_engine("auto", src, 16, 500, 2) == "interpreted"
    assert choose_engine("auto", src, 10_000, 500, 1) == "compiled"
    assert choose_engine("auto", src, 1, 10_000_000, 1) == "compiled"
    # deterministic: the same arguments give the same engine (no timing, no dependence on what is compiled)
    assert len({choose_engine("auto", src, 64, 1000, 1) for _ in range(5)}) == 1
    # the boundary is the cost model's: monotone in the work
    works = [choose_engine("auto", src, r, 1000, 1) for r in (1, 2, 4, 8, 16, 32, 64, 128, 256)]
    assert works == sorted(works, key=lambda e: e == "compiled")
    assert choose_engine("compiled", src, 1, 1, 1) == "compiled" and choose_engine("interpreted", src, 10**6, 10**6, 1) == "interpreted"
    monkeypatch.setenv("GANDYNAMICS_ENGINE", "compiled")
    assert choose_engine("auto", src, 1, 5, 1) == "compiled"
    assert choose_engine("interpreted", src, 1, 5, 1) == "interpreted"  # an explicit choice wins
    monkeypatch.setenv("GANDYNAMICS_ENGINE", "jit")
    with pytest.raises(GandynamicsError, match="unknown GANDYNAMICS_ENGINE 'jit'; accepted: auto, compiled, interpreted"):
        choose_engine("auto", src, 1, 5, 1)
    with pytest.raises(GandynamicsError, match="unknown engine 'fast'; accepted: "):
        choose_engine("fast", src, 1, 5, 1)
    assert INTERPRET_MAX_SECONDS > 0


def test_simulate_refuses_an_unknown_engine():
    with pytest.raises(GandynamicsError, match="unknown engine 'numba'; accepted: auto, compiled, interpreted"):
        simulate(FIELDS["dirac+r1"], "gd", (1.0, 1.0), 5, 0.1, engine="numba")


def test_the_engine_is_recorded_in_the_provenance(monkeypatch):
    monkeypatch.delenv("GANDYNAMICS_ENGINE", raising=False)
    fld = FIELDS["dirac+r1"]
    assert simulate(fld, "gd", (1.0, 1.0), 20, 0.1).provenance["options"]["engine"] == "interpreted"
    assert simulate(fld, "gd", (1.0, 1.0), 20, 0.1, engine="compiled").provenance["options"]["engine"] == "compiled"


@pytest.mark.slow  # a child process compiling a driver, ~16 s cold: in CI's `-m slow` run (the README's command under 3 min)
def test_compiling_once_under_the_lock_compiles_the_signature_the_run_uses():
    """The one-row copy compiled under the lock has the run's argument types (read-only arrays included: a given
    equilibrium is broadcast read-only), so the run itself compiles nothing more; the caller's arrays are not
    touched by it (the run's numbers equal the interpreted run's).

    The child shares this session's caches: numba's ``Dispatcher.signatures`` lists only the signatures this
    process compiled or loaded from the disk cache (numba/core/dispatcher.py: ``list(self.overloads)``, filled by
    ``add_overload`` after a compile or a cache hit), so a one-row copy of another type shows as a second
    signature even when both are on disk (checked: a child whose row copy drops the read-only flag reports 2 with
    both signatures cached).  The field and the call are those of the NaN tests (tests/test_kernels.py,
    tests/test_simulate.py: the sqrt game, gd, a given equilibrium), whose read-only signature the suite compiles
    anyway; the reading's signature is the one every simulate uses."""
    import os
    import subprocess
    import sys
    code = ("import numpy as np, sympy as sp\n"
            "from gandynamics import VectorField, simulate\n"
            "from gandynamics.game import Game\n"
            "from gandynamics.runs.module import kernel_module\n"
            "from gandynamics import verdict\n"
            "x, y = sp.symbols('x y', real=True)\n"
            "f = VectorField(Game([x], [y], sp.sqrt(x) + x * y, -x * y + y**2 / 2, name='sqrt'), [])\n"
            "tr = simulate(f, 'gd', [2.0, 0.1], 10, 0.1, engine='compiled', equilibrium=[0, 0])\n"
            "m = kernel_module(f)\n"
            "import gandynamics.verdict as v\n"
            "res = verdict.read_runs(np.arange(65.0), np.ones((1000, 65)), 64.0, np.full(1000, -1))\n"
            "print(len(m.run_discrete.signatures), len(v._read_rows.signatures), repr(tr.states[-1].tolist()))\n")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    n_kernel, n_reading, last = out.stdout.split(maxsplit=2)
    assert (n_kernel, n_reading) == ("1", "1")
    x_, y_ = sp.symbols("x y", real=True)
    f = VectorField(Game([x_], [y_], sp.sqrt(x_) + x_ * y_, -x_ * y_ + y_**2 / 2, name="sqrt"), [])
    ref = simulate(f, "gd", [2.0, 0.1], 10, 0.1, engine="interpreted", equilibrium=[0, 0])
    assert np.all(np.isfinite(ref.states)) and not ref.diverged
    np.testing.assert_allclose(eval(last), ref.states[-1], rtol=1e-13, atol=0)


@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_a_ctrl_c_during_an_interpreted_chunk_is_honoured_at_the_chunk_end():
    """The interpreted kernels run Python bytecode, where a Ctrl-C (KeyboardInterrupt) would stop a chunk mid-way:
    Interrupted named the chunk's end while the state and later distances were half-written (a simulate printed
    final (4.6e-310, 0) and 'converging').  engine.whole runs the chunk to its end first: Interrupted's step is
    a chunk boundary, and the final state is bitwise that of a run of exactly that many steps."""
    import _thread
    import threading
    import time

    import dataclasses

    import importlib

    from gandynamics.runs.engine import Interrupted, run_rows
    S = importlib.import_module("gandynamics.runs.sweep")  # (gandynamics.runs.sweep is also the function's name)
    fld = VectorField(games.dirac(), [R1()])
    plan = S.sweep_plan(fld, "gd", inits=[[0.4, 0.3]], grid={"gamma": [0.2]}, step=0.05, steps=3000, product=False,
                        engine="interpreted")
    run_rows(dataclasses.replace(plan, K=50), 0, 1)  # (loads the interpreted module)
    t0 = time.perf_counter()
    run_rows(dataclasses.replace(plan, K=2000), 0, 1)
    per_step = (time.perf_counter() - t0) / 2000
    chunk = max(200, int(0.5 / per_step))  # chunks of ~0.5 s: the Ctrl-C below lands inside the first
    plan = dataclasses.replace(plan, K=3 * chunk)
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(Interrupted) as e:
            run_rows(plan, 0, 1, step_chunk=chunk)
            time.sleep(5)  # (not reached: the Ctrl-C comes during the run)
    finally:
        timer.cancel()
    done = e.value.steps_done
    assert done % chunk == 0 and 0 < done < 3 * chunk, (done, chunk)
    ref = run_rows(dataclasses.replace(plan, K=done), 0, 1)
    np.testing.assert_array_equal(e.value.result["final"], ref["final"])
    assert np.all(np.isfinite(e.value.result["final"]))


def test_a_long_interpreted_sweep_runs_in_chunks_with_a_bar_and_keeps_its_chunks_on_ctrl_c(monkeypatch):
    """The sweep's chunks were sized for the compiled engine: an interpreted sweep (engine="interpreted" asked
    for, 10^4-10^5 times slower per step) of up to 2.5 compiled chunks' work ran as one chunk of up to minutes,
    with no bar and nothing kept on a Ctrl-C.  Its work is now counted in estimated seconds: with the estimate
    raised (a field evaluation taking 2 ms, so these 600 rows x 40 steps are 48 s) it runs in chunks, shows the
    bar, gives the table of one chunk bitwise, and a Ctrl-C after the first chunk keeps that chunk's rows."""
    import importlib
    E = importlib.import_module("gandynamics.runs.engine")
    S = importlib.import_module("gandynamics.runs.sweep")
    fld = VectorField(games.dirac(), [R1()])
    rng = np.random.default_rng(2)
    kw = dict(inits=rng.uniform(-1, 1, (600, 2)), grid={"gamma": rng.uniform(0, 1, 600)}, step=0.1, steps=40,
              product=False, engine="interpreted")
    whole = sweep(fld, "gd", **kw)
    assert whole.meta["chunks"] == 1 and whole.meta["engine"] == "interpreted"
    monkeypatch.setattr(E, "_SECONDS_PER_EVAL", 2e-3)
    monkeypatch.setattr(S, "LONG_ROWS_FACTOR", 50)  # (chunks of rows alone: a range of 1.3 s runs its steps whole)
    made = []
    orig_bar = S._bar
    monkeypatch.setattr(S, "_bar", lambda total, done, fn=None, auto=False: made.append((total, done))
                        or orig_bar(total, done, fn, auto=auto))
    res = sweep(fld, "gd", progress=True, **kw)
    # a row is 80 ms of the estimate: chunks of the fewest rows, two interpreted blocks of 8 (not two compiled
    # blocks of 128: 10 s between two chances of a Ctrl-C)
    assert res.meta["chunks"] > 1 and made and res.meta["chunk_size"] == 2 * E.INTERPRETED_NB
    for c in ("final_theta", "final_psi", "distance", "rate", "tail_min", "tail_max"):
        np.testing.assert_array_equal(res[c], whole[c])
    calls = []
    orig_run = S.run_rows

    def run_then_ctrl_c(plan, lo, hi, *a, **k):
        if calls:
            raise KeyboardInterrupt
        calls.append((lo, hi))
        return orig_run(plan, lo, hi, *a, **k)
    monkeypatch.setattr(S, "run_rows", run_then_ctrl_c)
    cut = sweep(fld, "gd", progress=False, **kw)
    (lo, hi), = calls
    assert cut.meta["interrupted"] and (lo, hi) == (0, int(np.sum(cut["finished"]))) and 0 < hi < 600
    np.testing.assert_array_equal(cut["final_theta"][:hi], whole["final_theta"][:hi])
    assert set(cut["verdict"][hi:].tolist()) == {"not run"}
