"""gandynamics.runs.engine's chunks of steps (StepChunks): sized by the time they take, so that a Ctrl-C is honoured
within about a chunk's seconds whatever the field costs (a field 15x costlier than the work estimate ran a sweep 87 s
past a Ctrl-C); the sizes never change a number (every update rule, chunks of random sizes, bitwise)."""

import dataclasses
import importlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gandynamics import VectorField, games
from gandynamics.regularizers import R1
from gandynamics.runs.engine import StepChunks, run_rows
from gandynamics.simulate import sweep

from conftest import sweep_plan  # noqa: E402 (the engine's Plan of a sweep)
from test_interpreted_engine import CASES, FIELDS, _opts  # noqa: E402 (every update rule, the kernel tests' fields)
from test_log import fake_time  # noqa: E402,F401  (the fake clock and its watch: the compile notice's scope)

E = importlib.import_module("gandynamics.runs.engine")
S = importlib.import_module("gandynamics.runs.sweep")


@settings(max_examples=200, deadline=None)
@given(cost=st.floats(1e-9, 1.0), first=st.integers(1, 10**7), seconds=st.floats(1e-3, 2.0))
def test_chunks_after_the_first_take_about_their_seconds_whatever_a_step_costs(cost, first, seconds):
    """At a constant cost per step, each chunk after the first takes at most ``seconds`` (up to the rounding of one
    step); it grows at most GROWTH-fold from one chunk to the next; once grown to its size it takes at least half of
    ``seconds`` (or is one step, when one step takes longer)."""
    c = StepChunks(first, seconds)
    prev = c.size
    for j in range(40):
        took = c.size * cost
        c.after(c.size, took)
        assert 1 <= c.size <= StepChunks.GROWTH * prev
        assert c.size * cost <= seconds + cost or c.size == 1
        prev = c.size
    assert c.size == 1 and cost >= seconds / 2 or c.size * cost >= seconds / 2


def test_chunks_without_seconds_keep_their_size():
    c = StepChunks(37)
    for took in (1e-9, 1.0, 1e3):
        c.after(37, took)
        assert c.size == 37
    assert StepChunks(0).size == 1  # (at least one step)


class _RandomChunks(StepChunks):
    """Chunks of random sizes (1 to 20 steps): the sizes a timed schedule may take, drawn instead of timed."""

    def __init__(self, seed):
        super().__init__(3, None)
        self.rng = np.random.default_rng(seed)

    def after(self, steps, elapsed):
        self.size = int(self.rng.integers(1, 21))


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{m}-{sorted(o)}" for m, o in CASES])
def test_a_run_in_chunks_of_varying_sizes_is_the_run_in_one_call(case):
    """Every update rule (the state each carries between chunks: OGDA's last field, momentum, Adam's moments,
    lookahead's anchor, the flow's step size), chunks of 1-20 steps drawn at random, on the interpreted engine (the
    kernel source the compiled one runs): the finals, distances, divergence steps and reasons of the one-call run,
    bitwise, on rows that converge, that keep moving, and (for most rules) that diverge."""
    method, opts = CASES[case]
    fld = FIELDS["game4"]
    plan = sweep_plan(fld, method, inits=[[0.3] * fld.n, [2.0] * fld.n, [2.0] * fld.n],
                      grid={"step": [0.05, 0.9, 4.0]}, steps=90,
                      samples=9, product=False, bound=40.0, **_opts(fld, opts))
    plan = dataclasses.replace(plan, engine="interpreted")
    whole = run_rows(plan, 0, plan.rows)
    for seed in (0, 1):
        parts = run_rows(plan, 0, plan.rows, step_chunk=_RandomChunks(seed))
        for key in ("final", "dist", "divat", "reason"):
            np.testing.assert_array_equal(parts[key], whole[key], err_msg=f"{method} {opts} {key} seed {seed}")


def test_run_rows_sizes_its_chunks_by_their_time(monkeypatch):
    """run_rows with a StepChunks: a field 15 times costlier than the first chunk's estimate (a fake clock: each
    step costs 1.5 ms where the first chunk of 100 steps was sized for 10 ms) gives one chunk of 150 ms, then chunks
    of at most ``seconds`` (20 ms) each: a Ctrl-C then waits at most one of them."""
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), "gd", inits=[[0.5, 0.5]], step=0.1, steps=3000, samples=9)
    plan = dataclasses.replace(plan, engine="interpreted")
    clock = {"t": 0.0}
    chunks = []

    def fake_range(mod, plan, lo, hi, res, off, state, k0, k1, last, then=None, meanwhile=None):
        clock["t"] += 1.5e-3 * (k1 - k0)
        chunks.append(k1 - k0)

    monkeypatch.setattr(E, "_run_range", fake_range)
    monkeypatch.setattr(E.time, "perf_counter", lambda: clock["t"])
    run_rows(plan, 0, 1, step_chunk=StepChunks(100, 0.02))
    assert chunks[0] == 100 and sum(chunks) == 3000
    assert all(k * 1.5e-3 <= 0.02 + 1e-12 for k in chunks[1:]), chunks
    assert max(chunks[1:-1]) == 13  # (0.02 / 1.5e-3 = 13.3 steps)


@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_sweep_of_long_rows_of_a_costly_field_runs_its_steps_in_timed_chunks(monkeypatch):
    """The new user's sweep (80 rows x 5e6 steps of a field costlier than its estimate) ran as one piece, estimated
    below LONG_ROWS_FACTOR (then 50) chunks' work, and a Ctrl-C waited 87 s.  A range estimated at more than
    LONG_ROWS_FACTOR (5) chunks' work runs its steps in chunks timed to STEP_CHUNK_SECONDS: here (80 rows x 5e7 steps
    of the R1 Dirac-GAN, 50 chunks' work) a Ctrl-C in the second chunk of steps ends the sweep at once, nothing run
    kept as a result."""
    fld = VectorField(games.dirac(), [R1()])
    seen = []
    real = E._run_range

    def ctrl_c_in_the_second_chunk(mod, plan, lo, hi, res, off, state, k0, k1, last, then=None, meanwhile=None):
        if plan.rows > 1:  # (not the one-row compile run of warm())
            seen.append((k0, k1))
            if k0 > 0:
                raise KeyboardInterrupt
        return real(mod, plan, lo, hi, res, off, state, k0, k1, last, then, meanwhile)

    monkeypatch.setattr(E, "_run_range", ctrl_c_in_the_second_chunk)
    res = sweep(fld, "gd", inits=np.full((80, 2), 0.5), step=0.01, steps=50_000_000, progress=False,
                engine="compiled")
    assert res.meta["interrupted"] and not res["finished"].any()
    assert res.meta["step_chunk"] == seen[0][1] < 50_000_000 and len(seen) == 2, seen
    assert set(res["verdict"]) == {"not run"}


@pytest.mark.parametrize("engine", ["compiled", "interpreted"])
def test_a_ctrl_c_during_a_chunk_keeps_the_whole_chunk(monkeypatch, engine):
    """A Ctrl-C (SIGINT sent to this process) while the first chunk's first method runs: every row of that chunk, of
    both methods, is finished with the numbers of the sweep not interrupted, the later chunk's rows "not run".  A new
    user's interrupted sweep put "not run" on a chunk whose rows had all run (the Ctrl-C, held until the first
    method's ranges ended, was then raised out of the chunk), and the chunk's second method did not run."""
    import os
    import signal
    import threading

    fld = VectorField(games.dirac(), [R1()])
    rng = np.random.default_rng(5)
    L = 300 if engine == "compiled" else 12  # rows per method; chunks of 512 (or 16) rows: the first holds both methods
    kw = dict(inits=rng.uniform(-2, 2, (L, 2)), grid={"gamma": rng.uniform(0, 1, L)}, step=0.1,
              steps=200 if engine == "compiled" else 20, product=False, progress=False, engine=engine,
              chunk_size=400 if engine == "compiled" else 14)
    ref = sweep(fld, ["gd", "eg"], **kw)
    sent = []

    def signalling(fn):
        def first_range(*a):
            if not sent:  # (once: during the first method's rows of the first chunk)
                sent.append(threading.current_thread() is threading.main_thread())
                os.kill(os.getpid(), signal.SIGINT)
            return fn(*a)
        return first_range

    real_threaded, real_whole = E.threaded, E.whole
    monkeypatch.setattr(E, "threaded", lambda call, units, meanwhile=None: real_threaded(signalling(call), units,
                                                                                         meanwhile))
    monkeypatch.setattr(E, "whole", lambda fn: real_whole(signalling(fn)))
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        res = sweep(fld, ["gd", "eg"], **kw)
    finally:
        signal.signal(signal.SIGINT, old)
    assert sent and res.meta["interrupted"] and res.meta["chunks"] == 2
    first = res.meta["chunk_size"]
    assert L < first < 2 * L  # (the first chunk: every gd row and some eg rows)
    fin = np.asarray(res["finished"])
    assert fin[:first].all() and not fin[first:].any()
    for k in res.columns:
        a, b = np.asarray(res[k])[:first], np.asarray(ref[k])[:first]
        assert (a.tolist() == b.tolist()) if a.dtype.kind not in "fc" else np.array_equal(a, b, equal_nan=True), k
    assert set(np.asarray(res["verdict"])[first:]) == {"not run"}
    # (the rows not run: what SweepResult's documentation says of them, nothing seen)
    for k in ("diverged", "final_zero", "spurious_fixed_point"):
        assert not np.asarray(res[k])[first:].any(), k
    assert (np.asarray(res["diverged_at"])[first:] == -1).all()
    for k in ("final_theta", "final_psi", "distance", "rate", "rate_err", "tail_min", "tail_max"):
        assert np.isnan(np.asarray(res[k])[first:]).all(), k


def _two_threads():
    import numba
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one numba thread: nothing runs beside the calling thread")
    old = numba.get_num_threads()
    numba.set_num_threads(2)
    return old


def test_threaded_runs_ranges_and_meanwhile_in_the_calling_thread_while_the_pool_runs_its_ranges():
    """``threaded(call, units, meanwhile)``: the calling thread takes the first range itself (it starts at once, a pool
    thread idle for a while takes up to milliseconds to wake on a virtual machine), then runs ``meanwhile``, once,
    *while* the pool's thread runs ranges (each of the pool's ranges here waits until ``meanwhile`` has run: had it
    run after them, they would have timed out), then takes more ranges; every unit is run exactly once."""
    import threading
    import time as _time
    import numba
    old = _two_threads()
    try:
        for units in (2, 3, 9, 40):
            started, seen, ran, by = threading.Event(), [], [], []
            caller = threading.get_ident()

            def call(u0, u1):
                by.append((u0, threading.get_ident() == caller))
                if threading.get_ident() != caller:
                    seen.append(started.wait(10.0))
                _time.sleep(0.005)
                ran.extend(range(u0, u1))

            def meanwhile():
                assert threading.get_ident() == caller
                ran.append("meanwhile")
                started.set()

            E.threaded(call, units, meanwhile)
            assert all(seen) and (seen or units < 9), units  # (the pool's thread ran ranges, each during or after
            # meanwhile; of two or three short ranges the calling thread may run every one before it wakes)
            assert (0, True) in by, by  # the first range, the calling thread's
            assert ran.index("meanwhile") > 0 and ran.count("meanwhile") == 1
            assert sorted(u for u in ran if u != "meanwhile") == list(range(units))
    finally:
        numba.set_num_threads(old)


def test_threaded_called_inside_a_range_does_not_wait_for_its_own_pool_thread():
    """A range that calls ``threaded`` itself (on the pool's thread, whose pool has no other) runs the inner ranges
    itself and does not wait for the pool's share that cannot begin before it returns: a share not yet begun is
    cancelled once no range is left.  (No range of the project does this today; a deadlock would hang a sweep.)"""
    import threading
    import numba
    old = _two_threads()
    try:
        cuts = E.guided_cuts(12, 2)
        for nested in cuts[1:-1]:  # (each later range in turn: run by the pool's thread or by the caller)
            done, inner = [], []

            def call(u0, u1, nested=nested, done=done, inner=inner):
                if u0 == nested:
                    E.threaded(lambda a, b: inner.extend(range(a, b)), 5)
                done.append(u0)

            t = threading.Thread(target=E.threaded, args=(call, 12), daemon=True)
            t.start()
            t.join(20.0)
            assert not t.is_alive(), f"threaded inside the range at {nested} waited for its own pool thread"
            assert sorted(inner) == list(range(5)) and sorted(done) == cuts[:-1], nested
    finally:
        numba.set_num_threads(old)


def test_threaded_does_not_wait_for_other_work_of_its_pool_once_every_range_has_run():
    """The pool's thread busy with other work (another caller's ranges: several threads run sweeps at once): the
    calling thread runs every range itself and returns, its share in the pool's queue cancelled and not waited for
    (a cancelled future counts as done for ``concurrent.futures.wait`` only once a pool thread has taken it from the
    queue: the call waited until the other work ended)."""
    import threading
    import time as _time
    import numba
    old = _two_threads()
    release = threading.Event()
    try:
        busy = E._pool(1, 1).submit(release.wait, 20.0)  # (the pool of threaded on 2 threads: its one thread busy)
        ran = []
        t0 = _time.perf_counter()
        E.threaded(lambda u0, u1: ran.extend(range(u0, u1)), 6)
        took = _time.perf_counter() - t0
        assert sorted(ran) == list(range(6))
        assert took < 5.0, f"threaded waited {took:.1f} s for the pool's other work"
    finally:
        release.set()
        busy.result()
        numba.set_num_threads(old)


def test_an_error_in_threaded_is_raised_once_the_ranges_handed_out_have_finished():
    """The ranges write into the caller's arrays: an exception of ``meanwhile`` or of a range in the calling thread is
    raised only after every range handed out to the pool has finished (no more are handed out), so nothing writes
    into them after ``threaded`` returns."""
    import threading
    import time as _time
    import numba
    old = _two_threads()
    try:
        for where in ("meanwhile", "range"):
            caller = threading.get_ident()
            begun, done = [], []

            def call(u0, u1):
                begun.append(u0)
                if threading.get_ident() == caller and where == "range" and u0 > 0:
                    raise ValueError("a range's error")
                _time.sleep(0.02)
                done.append(u0)

            def meanwhile():
                if where == "meanwhile":
                    raise KeyboardInterrupt

            with pytest.raises(KeyboardInterrupt if where == "meanwhile" else ValueError):
                E.threaded(call, 12, meanwhile)
            finished = sorted(done)
            _time.sleep(0.1)
            assert sorted(done) == finished, where  # (nothing ran on after the raise)
            assert set(begun) - set(done) <= ({u for u in begun if u > 0} if where == "range" else set()), where
            assert len(begun) < len(E.guided_cuts(12, 2)) - 1, where  # (no more ranges handed out after the error)
    finally:
        numba.set_num_threads(old)


def test_a_ctrl_c_as_threaded_hands_the_pool_its_share_is_held_too(monkeypatch):
    """A Ctrl-C that comes while ``threaded`` hands the pool its share (here sent by the pool's ``submit`` itself,
    once the share is queued) is held like one during the ranges: raised once every range has run.  Raised there,
    before the hold began, it left ``threaded`` while the pool's thread went on writing into the caller's arrays.  A
    range's error with it is chained to it."""
    import os
    import signal
    import threading
    import time as _time
    import numba
    old_threads = _two_threads()
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    real = E._pool(1, 1)

    class Signalling:
        def submit(self, *a):
            f = real.submit(*a)
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # (bytecode after the signal: where Python would raise it)
                pass
            return f

    monkeypatch.setattr(E, "_pool", lambda key, size: Signalling())
    try:
        for fail in (False, True):
            done, caller = [], threading.get_ident()

            def call(u0, u1):
                _time.sleep(0.05)
                if fail and threading.get_ident() != caller:
                    raise ValueError("a range's error")
                done.extend(range(u0, u1))

            with pytest.raises(KeyboardInterrupt) as exc:
                E.threaded(call, 8)
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
            finished = sorted(done)
            _time.sleep(0.2)
            assert sorted(done) == finished  # nothing written after threaded raised
            assert fail or finished == list(range(8))
            assert isinstance(exc.value.__context__, ValueError) == fail
    finally:
        signal.signal(signal.SIGINT, old)
        numba.set_num_threads(old_threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_ctrl_c_while_threaded_runs_is_held_until_every_range_has_run(threads):
    """A Ctrl-C (SIGINT, here sent to this process twice while the calling thread runs a range) is held until every
    range has run, then raised once as KeyboardInterrupt: a range of a sweep is a kernel and the reading of its rows,
    and the calling thread runs ranges; stopped half-way, its rows would hold a kernel's numbers and no reading.
    SIGINT's handler is Python's own again afterwards; outside ``threaded`` a Ctrl-C is raised at once."""
    import os
    import signal
    import threading
    import time as _time
    import numba
    old_threads = numba.get_num_threads()
    numba.set_num_threads(threads) if threads == 1 else _two_threads()
    # (Python's own handler, even where the test process was started with SIGINT ignored: a background job)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        caller = threading.get_ident()
        done, sent = [], []

        def call(u0, u1):
            if threading.get_ident() == caller and not sent:
                sent.append(1)
                os.kill(os.getpid(), signal.SIGINT)
                os.kill(os.getpid(), signal.SIGINT)
            _time.sleep(0.01)
            for _ in range(1000):  # (bytecode after the signal: where Python would raise it)
                pass
            done.extend(range(u0, u1))

        with pytest.raises(KeyboardInterrupt):
            E.threaded(call, 8)
        assert sorted(done) == list(range(8)) and sent
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            _time.sleep(1.0)
    finally:
        signal.signal(signal.SIGINT, old)
        numba.set_num_threads(old_threads)


@pytest.mark.parametrize("engine", ["interpreted", "compiled"])
@pytest.mark.parametrize("threads", [1, 2])
def test_run_rows_runs_meanwhile_once_on_every_engine_and_thread_count(engine, threads):
    """``run_rows(meanwhile=...)`` runs it exactly once whatever runs the rows: the interpreted engine (no thread
    pool), one thread, two, a plan of several methods (several pools' calls), chunks of steps."""
    import numba
    old = numba.get_num_threads()
    if threads > numba.config.NUMBA_NUM_THREADS:
        pytest.skip("fewer numba threads")
    numba.set_num_threads(threads)
    try:
        plan = sweep_plan(VectorField(games.dirac(), [R1()]), ["gd", "eg"], inits=np.full((40, 2), 0.5), step=0.1,
                          steps=30, samples=5)
        plan = dataclasses.replace(plan, engine=engine)
        for chunk in (None, 7):
            calls = []
            run_rows(plan, 0, plan.rows, step_chunk=chunk, meanwhile=lambda: calls.append(1))
            assert calls == [1], (chunk, calls)
    finally:
        numba.set_num_threads(old)


def test_the_compile_notice_says_which_kind_of_run_it_compiles_for(monkeypatch):
    """A sweep and a run that records its states (simulate's) call a kernel with different array types, each compiled
    once: the notice names which ("first time only" said twice, for a sweep and then for a long simulate, read as
    if the first compile had been lost: a new user)."""
    import contextlib
    said = []
    monkeypatch.setattr(E, "notice_if_slow", lambda text, **k: said.append(text) or contextlib.nullcontext())
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), "gd", inits=np.full((4, 2), 0.5), step=0.1, steps=5,
                      samples=3)
    plan = dataclasses.replace(plan, engine="compiled")
    run_rows(plan, 0, plan.rows)
    run_rows(dataclasses.replace(plan, record=True), 0, plan.rows)
    assert "first time only for sweeps" in said[0] and "first time only for runs that record their states" in said[-1]


@pytest.mark.parametrize("case", ["compile", "load"])
def test_the_compile_notice_covers_the_kernels_first_call_and_not_the_chunks_run(monkeypatch, fake_time, case):
    """"compiling the gd kernel ... (first time only ...)" is said while numba compiles the kernel's first call
    (_compile_once), never while the chunk runs after it: its threads compile helpers in every process (the subnormal
    flush's get/set_mxcsr), and a kernel loaded from the disk cache was said to compile after a long silence (a
    review).  Here the first call compiles for 3 s ("compile") or loads for 10 s ("load"), and the chunk's run then
    compiles for 3 s: one notice, of the first call, or none.  The seconds pass on the fake clock, the compile events
    are numba's own."""
    from numba.core import event as ev
    clock, watch, said = fake_time
    real_kernel, real_threaded = E._kernel, E.threaded

    class FirstCall:  # (the kernel as it is before its first call in a process: no signature yet)
        def __init__(self, fn):
            self.fn, self.signatures = fn, []

        def __call__(self, *a):
            return self.fn(*a)

    def first_call(*a, **kw):
        if case == "compile":
            with ev.trigger_event("numba:compile", data={}):
                watch.advance(clock[0] + 3.0)
        else:
            watch.advance(clock[0] + 10.0)
        return False

    def chunk(*a, **kw):
        with ev.trigger_event("numba:compile", data={}):
            watch.advance(clock[0] + 3.0)
        return real_threaded(*a, **kw)

    monkeypatch.setattr(E, "_kernel", lambda mod, name: FirstCall(real_kernel(mod, name)))
    monkeypatch.setattr(E, "_compile_once", first_call)
    monkeypatch.setattr(E, "threaded", chunk)
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), "gd", inits=np.full((4, 2), 0.5), step=0.1, steps=5,
                      samples=3)
    res = run_rows(dataclasses.replace(plan, engine="compiled"), 0, plan.rows)
    assert [m for _, m in said] == (["compiling the gd kernel for this field (first time only for sweeps; cached on "
                                     "disk afterwards) ..."] if case == "compile" else [])
    if said:
        assert said[0][0] == pytest.approx(2.0)  # (NOTICE_AFTER into the first call's 3 s)
    # the rows ran all the same: 5 steps of gd from (0.5, 0.5), z_{k+1} = z_k - h F(z_k), F evaluated apart (sympy)
    fld, z = VectorField(games.dirac(), [R1()]), np.array([0.5, 0.5])
    for _ in range(5):
        z = z - 0.1 * fld.eval_F(z)
    np.testing.assert_allclose(res["final"], np.tile(z, (4, 1)), rtol=1e-13, atol=0)
