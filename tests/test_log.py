"""gandynamics.log.notice_if_slow: a notice during a long wait, silence during a short one, and no thread per use."""

import logging
import math
import os
import sys
import threading
import time

import pytest

from gandynamics.log import notice_if_slow


def _messages(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "gandynamics"]


def _wait_for(message, caplog, limit=5.0):
    """Stay in the guarded block until ``message`` is logged (at most ``limit`` seconds: a loaded machine)."""
    t0 = time.monotonic()
    while message not in _messages(caplog) and time.monotonic() - t0 < limit:
        time.sleep(0.01)


def test_a_wait_longer_than_the_delay_is_announced_once(caplog):
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("compiling X (first time only)", after=0.05):
        time.sleep(0.4)
    assert _messages(caplog) == ["compiling X (first time only)"]


def test_a_short_wait_says_nothing_even_after_the_delay_has_passed(caplog):
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("never", after=0.1):
        pass
    time.sleep(0.4)
    assert _messages(caplog) == []


def test_still_false_at_the_deadline_silences_the_notice(caplog):
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("compiled meanwhile", after=0.05, still=lambda: False):
        time.sleep(0.3)
    assert _messages(caplog) == []


def test_an_earlier_deadline_registered_later_fires_on_time(caplog):
    """The watch thread sleeps until the earliest deadline: one registered while it waits for a later one wakes it."""
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("outer", after=30.0):
        t0 = time.monotonic()
        with notice_if_slow("inner", after=0.05):
            while "inner" not in _messages(caplog) and time.monotonic() - t0 < 5.0:
                time.sleep(0.01)
        waited = time.monotonic() - t0
    assert _messages(caplog) == ["inner"]
    assert waited < 2.0, waited


def test_guards_start_no_thread_per_use():
    """A guard is a heap entry for one shared watch thread (a threading.Timer per guard started an OS thread:
    0.7 ms per kernel call of every sweep and simulation)."""
    with notice_if_slow("warm", after=60.0):
        pass
    before = threading.active_count()
    for _ in range(300):
        with notice_if_slow("quick", after=60.0):
            pass
    assert threading.active_count() <= before


@pytest.mark.parametrize("after", [1e10, math.inf])
def test_a_delay_beyond_the_longest_wait_does_not_stop_later_notices(caplog, monkeypatch, after):
    """A guard whose delay is longer than threading.TIMEOUT_MAX (about 292 years; inf: never) is never announced
    and leaves the shared watch thread alive: the wait on its deadline overflowed (OverflowError), which killed
    the thread, and every later notice of the process was lost (a Timer per guard lost only its own)."""
    from gandynamics import log
    monkeypatch.setattr(log, "_WATCH", log._Watch())  # a watch with no other deadline pending: it waits for this one
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("never", after=after):
        pass
    time.sleep(0.1)
    with notice_if_slow("later", after=0.05):
        _wait_for("later", caplog)
    assert _messages(caplog) == ["later"]


def test_a_watch_thread_that_could_not_start_is_started_by_a_later_guard(caplog, monkeypatch):
    """Starting the watch thread can fail (RuntimeError "can't start new thread": too many threads, interpreter
    shutdown); that guard raises, as a threading.Timer's start did, but a later guard starts the thread: the
    failed one was kept as the watch's thread, so no notice of the process was ever announced again (and every
    guard's entry stayed in the heap)."""
    from gandynamics import log
    monkeypatch.setattr(log, "_WATCH", log._Watch())
    real_start = threading.Thread.start

    def no_thread(self):
        raise RuntimeError("can't start new thread")
    monkeypatch.setattr(threading.Thread, "start", no_thread)
    with pytest.raises(RuntimeError, match="can't start"):
        with notice_if_slow("not announced", after=0.05):
            pass
    monkeypatch.setattr(threading.Thread, "start", real_start)
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("announced", after=0.05):
        _wait_for("announced", caplog)
    assert _messages(caplog) == ["announced"]

@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="fork")
def test_a_forked_child_still_announces_long_waits():
    """A forked child (multiprocessing's fork start method, Dask's process workers) has no watch thread: it
    starts its own."""
    with notice_if_slow("parent", after=60.0):  # the parent's watch thread exists before the fork
        pass
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            log = logging.getLogger("gandynamics")
            got = []

            class Grab(logging.Handler):
                def emit(self, record):
                    got.append(record.getMessage())
            log.addHandler(Grab())
            log.setLevel(logging.INFO)
            with notice_if_slow("child notice", after=0.05):
                time.sleep(0.4)
            os.write(w, b"yes" if got == ["child notice"] else b"no")
        finally:
            os._exit(0)
    os.close(w)
    answer = os.read(r, 16)
    os.close(r)
    os.waitpid(pid, 0)
    assert answer == b"yes"


def test_a_nan_delay_is_no_delay_and_keeps_the_order_of_the_others(caplog):
    """after=nan (misuse) reads as no delay: the notice of a long wait comes at once, and the deadlines of the
    other guards keep their order (a NaN in the heap broke it: a notice could fire only at the next deadline)."""
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("later", after=30.0):
        with notice_if_slow("nan delay", after=float("nan")):
            t0 = time.monotonic()
            while "nan delay" not in _messages(caplog) and time.monotonic() - t0 < 5.0:
                time.sleep(0.01)
    assert _messages(caplog) == ["nan delay"]


def _run_python(code: str) -> tuple[str, str]:
    import subprocess
    env = dict(os.environ)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout, p.stderr


_WAIT = ("import time\nfrom gandynamics.log import notice_if_slow\n{setup}\n"
         "with notice_if_slow('compiling X (first time only)', after=0.05):\n    time.sleep(0.5)\n")


_SETUPS = [
    ("", "gandynamics: compiling X (first time only)\n"),  # nothing configured: a script's or a notebook's default
    ("import logging\nlogging.basicConfig(level=logging.WARNING)", ""),  # configured: logging decides (INFO hidden)
    ("import logging\nlogging.basicConfig(level=logging.INFO, format='%(levelname)s %(message)s')",
     "INFO compiling X (first time only)\n"),
    ("import logging\nlogging.getLogger('gandynamics').setLevel(logging.WARNING)", ""),  # the level set: silence
    ("import logging\nlogging.disable(logging.INFO)", ""),  # logging switched off: silence too
]


@pytest.mark.parametrize("setup, shown", _SETUPS)
def test_a_process_that_configured_no_logging_still_sees_the_notice_once(setup, shown):
    # a user's script or notebook configures no logging: INFO records went nowhere and a first compile of 10-20 s
    # passed in silence (a new user's trial); configured logging keeps the say
    out, err = _run_python(_WAIT.format(setup=setup))
    assert out == "" and err == shown


def test_a_block_that_speaks_for_its_inside_silences_the_notices_within_it_in_its_thread_only(caplog):
    """basin's largest certified ball is a bisection of branch-and-bound searches, each with a notice of its own: six
    lines for one wait.  The outer block says what the wait is; the blocks inside it (in its thread) say nothing; other
    threads' and later blocks' notices are given."""
    caplog.set_level(logging.INFO, logger="gandynamics")
    other = threading.Thread(target=lambda: notice_if_slow_sleep("other thread", 0.3))
    with notice_if_slow("outer", after=0.05, quiet_inside=True):
        other.start()
        for k in range(3):
            with notice_if_slow(f"inner {k}", after=0.01):
                time.sleep(0.1)
        _wait_for("outer", caplog)
        other.join()
    with notice_if_slow("after", after=0.01):
        _wait_for("after", caplog)
    assert sorted(_messages(caplog)) == ["after", "other thread", "outer"]


def notice_if_slow_sleep(message, seconds):
    with notice_if_slow(message, after=0.01):
        time.sleep(seconds)


@pytest.mark.parametrize("call", ["certify", "check", "basin"])
def test_every_certifying_search_says_what_it_is_when_it_is_slow(call, monkeypatch):
    """A new user's finding: constants, check, rates and basin ran 15-26 s without a word (no terminal, no bar).  Each
    branch and bound is guarded by a notice that says what it bounds, where and until when; basin's bisection by one
    for all of its balls, which silences theirs (the guards are recorded here; their firing is tested above)."""
    import contextlib

    import gandynamics.log as glog
    from gandynamics import VectorField, games
    from gandynamics.analysis import basin, certify_constants, check_constants
    from gandynamics.analysis.constants import Region
    guards, open_quiet = [], [0]
    real = glog.notice_if_slow

    @contextlib.contextmanager
    def spy(message, *a, **kw):
        guards.append(("quiet-open" if kw.get("quiet_inside") else ("inside-quiet" if open_quiet[0] else "said"),
                       message))
        open_quiet[0] += bool(kw.get("quiet_inside"))
        try:
            with real(message, *a, **kw):
                yield
        finally:
            open_quiet[0] -= bool(kw.get("quiet_inside"))

    monkeypatch.setattr(glog, "notice_if_slow", spy)
    fld = VectorField(games.make_game("quadratic", a=0.3, b=1.0, c=0.5))
    reg = Region.ball([0.0, 0.0], 1.0)
    if call == "certify":
        certify_constants(fld, reg)
    elif call == "check":
        check_constants(fld, reg, mu=0.1)
    else:  # (a game whose mu changes sign at |x| = 1/sqrt(3): a bisection of several balls)
        import sympy as sp

        from gandynamics import Game
        x, y = sp.symbols("x y", real=True)
        basin(VectorField(Game([x], [y], x**2 / 2 - x**4 / 4 + x * y, -x * y + y**2 / 2, equilibrium=(0, 0))), "gd",
              max_seconds=1.0)
    said = [m for k, m in guards if k in ("said", "quiet-open")]
    if call == "basin":
        assert any(m.startswith("finding the largest ball around z* on which mu > 0 is certified") for m in said), said
        assert sum(m.startswith("bounding") for k, m in guards if k == "inside-quiet") >= 3, guards
        assert not any(m.startswith("bounding") for k, m in guards if k == "said"), guards
    else:
        assert any(m.startswith("bounding the strong-monotonicity constant mu on the ball of radius 1 around (0, 0) by "
                                "branch and bound") for m in said), said


class _FakeWatch:
    """A watch whose deadlines are kept on the fake clock and fired by :meth:`advance` (no thread, no real time)."""

    def __init__(self, clock):
        self.clock, self.heap, self.seq = clock, [], 0

    def add(self, delay, fire, entry=None):
        import heapq
        entry = [fire, True] if entry is None else entry
        self.seq += 1
        heapq.heappush(self.heap, (self.clock[0] + delay, self.seq, entry))
        return entry

    cancel = staticmethod(lambda entry: entry.__setitem__(1, False))

    def advance(self, to):
        import heapq
        while self.heap and self.heap[0][0] <= to:
            deadline, _, entry = heapq.heappop(self.heap)
            self.clock[0] = max(self.clock[0], deadline)
            if entry[1]:
                entry[0]()
        self.clock[0] = to


@pytest.fixture
def fake_time(monkeypatch, caplog):
    """The silence clock and the watch on a fake clock: ``(clock, watch, said)``, ``said`` the (time, message) of
    every notice."""
    from gandynamics import log
    clock = [0.0]
    watch = _FakeWatch(clock)
    said = []
    monkeypatch.setattr(log, "_clock", lambda: clock[0])
    monkeypatch.setattr(log, "_WATCH", watch)
    real = log.notice
    monkeypatch.setattr(log, "notice", lambda m: (said.append((clock[0], m)), real(m)))
    caplog.set_level(logging.INFO, logger="gandynamics")
    return clock, watch, said


def _blocks(watch, clock, durations, after=2.0):
    """Run guarded blocks back to back for ``durations`` (fake) seconds each."""
    for k, d in enumerate(durations):
        with notice_if_slow(f"block {k}", after=after):
            watch.advance(clock[0] + d)


def test_a_command_of_blocks_each_under_the_delay_says_what_it_does_once_its_silence_passes_it(fake_time):
    """rates sat 4.7 s silent through two branch-and-bound searches of about 2 s each (a new user): within a
    silence clock (each command's) the delay counts from the command's start or its last notice."""
    from gandynamics.log import NOTICE_GRACE, silence_clock
    clock, watch, said = fake_time
    _blocks(watch, clock, [1.9, 1.9])  # outside a command: each block counts its own wait
    assert said == []
    clock[0] = 10.0
    with silence_clock():
        _blocks(watch, clock, [1.5, 1.9])
    assert said == [(12.0, "block 1")]  # 2 s into the command's silence, 0.5 s into the second block
    said.clear()
    clock[0] = 20.0
    with silence_clock():
        _blocks(watch, clock, [1.9, 1.9])
    assert said == [(20.0 + 1.9 + NOTICE_GRACE, "block 1")]  # (at least the grace into a block)
    said.clear()
    with silence_clock():
        watch.advance(clock[0] + 3.0)  # (a silent wait outside any block)
        t0 = clock[0]
        _blocks(watch, clock, [0.1, 1.0])  # the first too quick to be named, the second after the grace
    assert said == [(t0 + 0.1 + NOTICE_GRACE, "block 1")]


def test_a_notice_due_after_another_was_given_waits_for_a_delay_of_silence_from_it(fake_time):
    from gandynamics.log import silence_clock
    clock, watch, said = fake_time
    with silence_clock():
        with notice_if_slow("outer"):           # due at 2.0
            watch.advance(1.0)
            with notice_if_slow("inner"):       # due at 2.0 too: the outer's notice speaks for that silence
                watch.advance(4.5)
    assert said == [(2.0, "outer"), (4.0, "inner")]


@pytest.mark.parametrize("seed", range(30))
def test_no_command_of_guarded_blocks_is_silent_longer_than_the_delay_and_the_grace(fake_time, seed):
    """The kind: any run of guarded blocks, each longer than the grace and shorter than the delay (a block longer
    than the delay says what it is itself, once), says something within every NOTICE_AFTER + NOTICE_GRACE seconds
    of the command."""
    import random

    from gandynamics.log import NOTICE_AFTER, NOTICE_GRACE, silence_clock
    clock, watch, said = fake_time
    rng = random.Random(seed)
    durations = [rng.uniform(NOTICE_GRACE * 1.01, NOTICE_AFTER * 0.99) for _ in range(rng.randint(2, 12))]
    with silence_clock():
        _blocks(watch, clock, durations, after=NOTICE_AFTER)
    times = [0.0] + [t for t, _ in said] + [clock[0]]
    assert max(b - a for a, b in zip(times, times[1:])) <= NOTICE_AFTER + NOTICE_GRACE + 1e-9, (durations, said)
    assert len(said) >= int(sum(durations) // (NOTICE_AFTER + NOTICE_GRACE))


def test_the_silence_clock_ends_with_its_command_and_keeps_an_outer_one():
    from gandynamics import log
    assert log._SILENCE["since"] is None
    with log.silence_clock():
        start = log._SILENCE["since"]
        with log.silence_clock():
            assert log._SILENCE["since"] == start
        assert log._SILENCE["since"] == start
    assert log._SILENCE["since"] is None


def test_a_block_that_outlives_its_notice_says_so_again_at_doubling_intervals(caplog):
    """A wait of minutes (a 10,000-parameter game's code generation) is not left behind one line: the notice is
    given again ``again`` seconds after it, then after twice as long (here at 0.02 s, 0.1 s, 0.26 s: the doubling
    read as a lower bound on the time the third line took, which a loaded machine only lengthens), each saying how
    long so far, and nothing once the block has ended."""
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("generating code for G ...", after=0.02, again=0.08):
        t0 = time.monotonic()
        while len(_messages(caplog)) < 3 and time.monotonic() - t0 < 10.0:
            time.sleep(0.005)
        waited = time.monotonic() - t0
    got = _messages(caplog)
    assert got[0] == "generating code for G ..."
    assert len(got) == 3 and all(m.startswith("generating code for G: still at it, ") and m.endswith(" s so far")
                                 for m in got[1:]), got
    assert waited >= 0.24, waited  # (0.02 + 0.08 + 0.16: repeated every 0.08 s it would be 0.18)
    time.sleep(0.5)  # (a fourth line would have come at 0.58 s)
    assert len(_messages(caplog)) == 3


def test_again_zero_never_repeats_and_the_text_says_minutes_past_ninety_seconds(caplog):
    from gandynamics.log import _still
    caplog.set_level(logging.INFO, logger="gandynamics")
    with notice_if_slow("once", after=0.05, again=0):
        time.sleep(0.5)
    assert _messages(caplog) == ["once"]
    assert _still("compiling X ...", 75.2) == "compiling X: still at it, 75 s so far"
    assert _still("compiling X ...", 250.0) == "compiling X: still at it, 4 min so far"


@pytest.mark.parametrize("setup, shown", _SETUPS)
def test_a_bar_left_to_itself_is_drawn_on_a_terminal_unless_the_package_logger_is_quieted(setup, shown):
    """``-q`` promised errors and warnings alone on standard error, yet a bar left to itself (``progress=None``) was
    drawn there on a terminal (constants' branch and bound under ``basin -q``).  One rule now
    (gandynamics.log.bars_wanted): a terminal or a notebook, unless the package logger's own level is above INFO (what
    -q sets); a bar is no log record, so a script's ``logging.basicConfig()`` keeps its bars (a review).  notices_shown
    is the notice's own rule, checked against whether the notice above was shown."""
    code = ("import sys\n{setup}\nsys.stderr.isatty = lambda: True\nfrom gandynamics.log import bars_wanted, "
            "notices_shown\nprint(notices_shown(), bars_wanted())\nsys.stderr.isatty = lambda: False\n"
            "print(bars_wanted())\n")
    out, _ = _run_python(code.format(setup=setup))
    quieted = "getLogger('gandynamics').setLevel(logging.WARNING)" in setup
    assert out.split() == [str(bool(shown)), str(not quieted), "False"], (setup, out)


def _compile_event():
    """What numba raises around a compilation (and not around a load from its disk cache)."""
    from numba.core import event as ev
    return ev.trigger_event("numba:compile", data={})


@pytest.mark.parametrize("case", ["load", "compile", "load-then-compile", "quick"])
def test_a_first_call_says_compiling_only_while_numba_compiles(fake_time, case):
    """"compiling the eg kernel ... (first time only ...)" was said on every portrait, the kernel cached on disk: after a
    silent wait the notice's grace is 0.25 s, and loading a kernel from the cache outlasts it (a review).  The notice of
    a first call (codegen.first_call_once; the engine's the same way) is given while numba compiles (its compile events)
    -- and once it begins to, when the call loads first -- never while it only loads.  The deadlines pass on the fake
    clock inside the call: no real wait."""
    from gandynamics import codegen
    clock, watch, said = fake_time

    def passes(seconds):
        t0 = time.monotonic()
        while not watch.heap and time.monotonic() - t0 < 5.0:  # (the notice armed by the waiting thread first)
            time.sleep(0.001)
        watch.advance(clock[0] + seconds)

    def call():
        if case in ("load", "load-then-compile"):
            passes(10.0)  # loading from the disk cache, long past the notice's deadline
        if case in ("compile", "load-then-compile"):
            with _compile_event():
                passes(3.0)
    assert codegen.first_call_once(f"test-notice-{case}", call, notice=f"compiling ({case})") is False
    assert [m for _, m in said] == ([f"compiling ({case})"] if "compile" in case else [])
    assert not codegen.watch_compiles()()  # (nothing compiling once the call is over)


def test_waiting_for_another_processs_compile_counts_as_compiling(tmp_path, monkeypatch):
    """A first call waiting on the lock file another process holds while it compiles the same code says "compiling"
    too (codegen._acquire): its wait is that compile."""
    import threading

    from filelock import FileLock

    from gandynamics import codegen
    held = FileLock(str(tmp_path / "k.lock"))
    held.acquire()
    compiling = codegen.watch_compiles()
    done = threading.Event()
    waiter = threading.Thread(target=lambda: (codegen._acquire(FileLock(str(tmp_path / "k.lock"))), done.set()))
    waiter.start()
    t0 = time.monotonic()
    while not compiling() and time.monotonic() - t0 < 5.0:
        time.sleep(0.001)
    assert compiling() and not done.is_set()
    held.release()
    waiter.join(5.0)
    assert done.is_set() and not compiling()


def test_a_block_whose_still_is_false_at_its_deadline_speaks_once_it_is_true(fake_time):
    """``still`` false at the deadline (a kernel loading) is asked again every STILL_POLL seconds: the notice comes once
    it is true (the compile that follows a load), after the delay of silence, never before."""
    from gandynamics.log import STILL_POLL
    clock, watch, said = fake_time
    now = [False]
    with notice_if_slow("compiling Y ...", still=lambda: now[0]):
        watch.advance(5.0)
        assert said == []
        now[0] = True
        watch.advance(5.0 + 2 * STILL_POLL)
    assert [m for _, m in said] == ["compiling Y ..."] and 5.0 < said[0][0] <= 5.0 + STILL_POLL + 1e-9
