"""The package's logger (``logging.getLogger("gandynamics")``) and a notice for waits.

The command line ties ``-q`` / ``-v`` to this logger (warnings only / debug); the library logs.
:func:`notice_if_slow` says what is happening during a wait longer than a few seconds (a first compilation)
without saying anything when the wait is short (a cache hit).  Within :func:`silence_clock` (the command line runs
every command in one) the wait counted is the *command's*: the time since it started or last said something, not
only the block's own, so that a run of blocks each under the delay is not passed in silence (``rates`` sat 4.7 s
without a word through two branch-and-bound searches of about 2 s each, a new user).  Its notice is an INFO record; when nothing would
show it -- no handler anywhere and the package logger's level never set, Python's default, in which a script or
a notebook would sit silent through a first compile of 10-20 s -- it is written to standard error as one line
``gandynamics: ...`` instead, as :data:`logging.lastResort` writes warnings.  Configuring logging in any way
(``logging.basicConfig``, a handler, ``logger.setLevel``) hands the notices back to it."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import sys
import threading
import time

__all__ = ["logger", "notice", "notice_if_slow", "silence_clock", "notices_shown", "bars_wanted"]

logger = logging.getLogger("gandynamics")

#: a wait says what it is once it has lasted this many seconds
NOTICE_AFTER = 2.0

#: a block still running this many seconds after its notice says so again, then after twice as long, and so on
#: (60, 120, 240 s ...): the code generation of a 10,000-parameter game runs six minutes behind one notice
NOTICE_AGAIN = 60.0

#: the least a block runs before its notice is given when it starts after a silence already as long as its delay
#: (within :func:`silence_clock`): a block of microseconds (a cache hit) then says nothing
NOTICE_GRACE = 0.25

#: a block whose ``still()`` is false at its deadline asks it again every this many seconds while it runs (a first
#: call that loads a kernel from the disk cache, then compiles what the cache did not hold)
STILL_POLL = 0.25

#: the clock of the silence (:func:`silence_clock`; a test may replace it)
_clock = time.monotonic

#: ``since``: the time (of :data:`_clock`) from which the running command has said nothing, None outside a
#: :func:`silence_clock` (then each block counts its own wait only)
_SILENCE = {"since": None}


@contextlib.contextmanager
def silence_clock():
    """Count the waits of :func:`notice_if_slow` from the start of this block or the last notice given in it,
    not from each guarded block's own start (nested uses keep the outer count).  The command line runs each command
    in one: "say what is happening during any wait over 2 s" is about what the user waits for, the command."""
    outer = _SILENCE["since"]
    if outer is None:
        _SILENCE["since"] = _clock()
    try:
        yield
    finally:
        if outer is None:
            _SILENCE["since"] = None


def _spoke() -> None:
    """Something was said: the silence of the command (if one is counted) starts again."""
    if _SILENCE["since"] is not None:
        _SILENCE["since"] = _clock()


def _delay(after: float) -> float:
    """The delay before a block started now gives its notice: ``after``, less the silence already passed in the
    command (at least :data:`NOTICE_GRACE`, at most ``after``)."""
    since = _SILENCE["since"]
    if since is None or not after == after:  # (NaN: no delay, as _Watch.add reads it)
        return after
    return min(after, max(since + after - _clock(), NOTICE_GRACE))


class _Watch:
    """One daemon thread that fires the notices whose block is still running at their deadline.

    :func:`notice_if_slow` guards every kernel call of a sweep or a simulation; a ``threading.Timer`` per guard
    started an OS thread each time (0.7 ms: 2 ms of every 100,000-row sweep, more than its whole reading of a
    small one).  Here a guard costs a lock and a heap push; the thread is started on first use (and again in a
    forked child, which has no threads)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap: list = []  # (deadline, seq, entry); entry = [fire, live]
        self._seq = itertools.count()
        self._thread = None

    def add(self, delay: float, fire, entry: list | None = None) -> list:
        """Arm ``fire`` after ``delay`` seconds; ``entry``: re-arm that entry (still cancelled by its holder)."""
        entry = [fire, True] if entry is None else entry
        with self._cond:
            if self._thread is None:  # kept once started (a start that raises leaves no thread and no entry)
                thread = threading.Thread(target=self._run, name="gandynamics-notices", daemon=True)
                thread.start()
                self._thread = thread
            # (a NaN delay would break the heap's order: read as no delay)
            heapq.heappush(self._heap, (time.monotonic() + (delay if delay == delay else 0.0), next(self._seq), entry))
            if self._heap[0][2] is entry:  # a new earliest deadline: wake the thread to wait for it
                self._cond.notify()
        return entry

    @staticmethod
    def cancel(entry: list) -> None:
        entry[1] = False  # dropped from the heap when its deadline comes

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, _, entry = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:  # (at most TIMEOUT_MAX: a longer wait, or inf, raises OverflowError and kills the thread)
                    self._cond.wait(min(wait, threading.TIMEOUT_MAX))
                    continue
                heapq.heappop(self._heap)
            if entry[1]:
                try:
                    entry[0]()
                except Exception:  # a notice never breaks anything  # pragma: no cover
                    pass

    def _after_fork(self) -> None:  # the child has no watch thread and a lock that may have been held
        self.__init__()


_WATCH = _Watch()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCH._after_fork)


def notices_shown() -> bool:
    """Whether a notice (:func:`notice`) would be shown: not under ``logging.disable(INFO)`` nor with the package
    logger set above INFO (the command line's ``-q``, a script's ``logger.setLevel(logging.WARNING)``)."""
    if logging.root.manager.disable >= logging.INFO:
        return False
    if logger.level == logging.NOTSET and not logger.hasHandlers():
        return True
    return logger.isEnabledFor(logging.INFO)


def bars_wanted() -> bool:
    """The rule of every progress bar left to itself (``progress=None``): drawn where one can be seen (standard error a
    terminal, or a notebook, whose standard error is no terminal; not a log file, which filled with its redrawn
    frames), unless the package logger's own level is set above INFO (the command line's ``-q``, which promised
    errors and warnings alone on standard error, where a bar was drawn; a script's
    ``logging.getLogger("gandynamics").setLevel(logging.WARNING)``).  A bar is no log record: the root logger's
    configuration (``logging.basicConfig()``) leaves it be.  A terminal that says it is 0 columns wide shows no bar
    (tqdm cuts it to nothing): the notices speak there instead."""
    seen = ((bool(getattr(sys.stderr, "isatty", lambda: False)()) and not _no_columns(sys.stderr))
            or "ipykernel" in sys.modules)
    return seen and not logger.level > logging.INFO


def _no_columns(stream) -> bool:
    """Whether ``stream`` is a terminal that says it is 0 columns wide (a pseudo-terminal whose size was never set, as a
    program driving another through a pty makes): tqdm draws its bar there cut to nothing, and a simulation of 7 s
    passed with no bar and, a bar being drawn, no notice (a tester).  Where its size cannot be read: False."""
    try:
        return os.get_terminal_size(stream.fileno()).columns == 0
    except (AttributeError, ValueError, OSError, TypeError):
        return False


def notice(message: str) -> None:
    """``message`` as an INFO record, or on standard error when no logging is configured (see the module's text)."""
    if not notices_shown():  # (logging.disable(INFO), or the package logger above INFO: -q; the silence goes on)
        return
    if logger.level == logging.NOTSET and not logger.hasHandlers():
        stream = sys.stderr
        if stream is not None:
            try:
                stream.write(f"gandynamics: {message}\n")
                stream.flush()
            except (OSError, ValueError):  # a closed stream: a notice never breaks anything
                pass
            _spoke()
        return
    _spoke()
    logger.info(message)


#: the calling thread's count of running :func:`notice_if_slow` blocks that speak for what runs inside them
_QUIET = threading.local()


def _still(message: str, seconds: float) -> str:
    """The notice again, for a block still running ``seconds`` after it started: ``"<message>: still at it, 2 min
    so far"`` (the message's closing dots dropped)."""
    took = f"{seconds:z.0f} s" if seconds < 90 else f"{seconds / 60:z.0f} min"
    return f"{message.rstrip(' .')}: still at it, {took} so far"


@contextlib.contextmanager
def notice_if_slow(message: str, after: float | None = None, still=None, quiet_inside: bool = False,
                   again: float | None = None):
    """Log ``message`` at INFO level (see the module's text for a process that configured no logging) if the
    block is still running after ``after`` seconds (default :data:`NOTICE_AFTER`) and ``still()``, when given, is
    true then (e.g. "numba is compiling", not loading from its disk cache; while it is false it is asked again every
    :data:`STILL_POLL` seconds, and the notice given once it is true).  Within :func:`silence_clock` the delay runs
    from the command's last notice (or its start) rather than the block's start, at least :data:`NOTICE_GRACE` into
    the block; a notice due after another was given meanwhile waits for the delay from that one (one notice per
    delay of silence).  With ``quiet_inside`` the notices of the blocks
    the calling thread runs inside this one are not given: this one says what the wait is (the largest certified
    ball of ``basin`` is a bisection of branch and bound searches, each one a notice of its own: six lines).
    A block still running ``again`` seconds after its notice (default :data:`NOTICE_AGAIN`) says so
    (:func:`_still`), then again after twice as long each time; ``again=0`` never.
    Costs a few microseconds when the block is quick: no thread is started per use (one shared watch thread)."""
    if after is None:
        after = NOTICE_AFTER
    if again is None:
        again = NOTICE_AGAIN
    if getattr(_QUIET, "depth", 0):  # (an enclosing block speaks for this one)
        yield
        return

    entry = [None, True]  # (armed below: fire re-arms this entry, which the block's exit cancels)
    started = time.monotonic()
    said = [0.0]  # (0 until the notice is given; then the delay before it is given again)

    def fire():
        if said[0]:  # the block outlived its notice by ``said[0]`` seconds: say so, and again after twice as long
            if still is None or still():
                notice(_still(message, time.monotonic() - started))
            said[0] *= 2
            _WATCH.add(said[0], fire, entry)
            return
        since = _SILENCE["since"]
        if since is not None and after == after:
            left = since + after - _clock()
            if left > 1e-3:  # something was said since this was armed: wait for a delay of silence from it
                _WATCH.add(left, fire, entry)
                return
        if still is None or still():
            notice(message)
            if again > 0 and again == again:
                said[0] = again
                _WATCH.add(again, fire, entry)
        else:  # not yet (a kernel loading from the disk cache, which then compiles after all): asked again shortly
            _WATCH.add(STILL_POLL, fire, entry)
    entry[0] = fire
    _WATCH.add(_delay(after), fire, entry)
    if quiet_inside:
        _QUIET.depth = getattr(_QUIET, "depth", 0) + 1
    try:
        yield
    finally:
        _WATCH.cancel(entry)
        if quiet_inside:
            _QUIET.depth -= 1
