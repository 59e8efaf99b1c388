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


@pytest.mark.parametrize("setup, shown", [
    ("", "gandynamics: compiling X (first time only)\n"),  # nothing configured: a script's or a notebook's default
    ("import logging\nlogging.basicConfig(level=logging.WARNING)", ""),  # configured: logging decides (INFO hidden)
    ("import logging\nlogging.basicConfig(level=logging.INFO, format='%(levelname)s %(message)s')",
     "INFO compiling X (first time only)\n"),
    ("import logging\nlogging.getLogger('gandynamics').setLevel(logging.WARNING)", ""),  # the level set: silence
    ("import logging\nlogging.disable(logging.INFO)", ""),  # logging switched off: silence too
])
def test_a_process_that_configured_no_logging_still_sees_the_notice_once(setup, shown):
    # a user's script or notebook configures no logging: INFO records went nowhere and a first compile of 10-20 s
    # passed in silence (a new user's trial); configured logging keeps the say
    out, err = _run_python(_WAIT.format(setup=setup))
    assert out == "" and err == shown


def test_a_first_call_says_what_it_compiles_when_it_is_slow(caplog, monkeypatch):
    from gandynamics import codegen, log
    caplog.set_level(logging.INFO, logger="gandynamics")
    monkeypatch.setattr(log, "NOTICE_AFTER", 0.05)
    assert codegen.first_call_once("test-notice-slow", lambda: time.sleep(0.4), notice="compiling the slow one") is False
    assert codegen.first_call_once("test-notice-quick", lambda: None, notice="compiling the quick one") is False
    time.sleep(0.2)
    assert _messages(caplog) == ["compiling the slow one"]
