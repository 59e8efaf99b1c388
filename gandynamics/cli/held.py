"""Warnings held back until a command has something to show, so that bad input still gets ONE line.

A command that fails on bad input prints one line ``gandynamics: error: ...``.  The library warns as it goes
(``gandynamics: warning: the declared equilibrium ... is not a zero of F``), and a warning that comes from the
very defect an error then reports made two lines, the first one repeating the second.  While a command runs,
its warnings are therefore held, and written (in their order, before anything that follows) as soon as the
command shows anything else -- output on stdout, a note, a progress bar or a log record on stderr -- or has run
for :data:`gandynamics.log.NOTICE_AFTER` seconds, or ends without an error.  A command that ends with an error
drops them (``-v`` shows them before the error line): its one line says what was wrong.
"""

from __future__ import annotations

import logging
import sys
import threading

__all__ = ["Held", "current"]

_CURRENT: "Held | None" = None


def current() -> "Held | None":
    """The holder of the command running in this process, if any."""
    return _CURRENT


class _Stream:
    """``stream`` that writes the held warnings before its own first write (every other attribute is the
    stream's: ``isatty``, ``fileno``, ``encoding``, ``buffer``)."""

    def __init__(self, stream, held: "Held"):
        self._stream = stream
        self._held = held

    def write(self, text):
        if text:
            self._held.release()
        return self._stream.write(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class Held:
    """The warnings of one command, written to ``err`` (the real standard error) when released.

    Use as a context manager around the command: inside it ``sys.stdout`` and ``sys.stderr`` release the held
    warnings before their first write, and :meth:`warn` holds a line (or writes it, once released)."""

    def __init__(self, err=None, after: float | None = None):
        self._err = err if err is not None else sys.stderr
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._released = False
        self._after = after
        self._saved = None
        self._timer = None

    def warn(self, line: str) -> None:
        with self._lock:  # (a release under way holds it until its lines are written: this one comes after them)
            if not self._released:
                self._lines.append(line)
                return
        self._write([line])

    def release(self) -> None:
        """Write the held lines now and every later one as it comes.  The lines are written holding the lock and the
        flag is raised after them, so that a write of another thread (the notice timer releases from its own) that
        finds the flag down waits here and comes after them."""
        if self._released:  # (the common case, without the lock: one attribute read per write)
            return
        with self._lock:
            if self._released:
                return
            lines, self._lines = self._lines, []
            self._write(lines)
            self._released = True

    def drop(self) -> list[str]:
        """Forget the held lines (the command failed; its error line says why) and return them."""
        with self._lock:
            lines, self._lines = self._lines, []
            self._released = True
        return lines

    def _write(self, lines) -> None:
        for line in lines:
            try:
                self._err.write(line if line.endswith("\n") else line + "\n")
                self._err.flush()
            except (OSError, ValueError):  # a closed stream: a warning never breaks anything
                pass

    def __enter__(self):
        global _CURRENT
        from ..log import NOTICE_AFTER, _WATCH
        self._saved = (sys.stdout, sys.stderr, _CURRENT)
        sys.stdout, sys.stderr = _Stream(sys.stdout, self), _Stream(sys.stderr, self)
        _CURRENT = self
        self._timer = _WATCH.add(NOTICE_AFTER if self._after is None else self._after, self.release)
        return self

    def __exit__(self, *exc):
        global _CURRENT
        from ..log import _WATCH
        _WATCH.cancel(self._timer)
        sys.stdout, sys.stderr, _CURRENT = self._saved
        return False


class ReleaseFilter(logging.Filter):
    """A filter for the CLI's log handler: a record shown releases the held warnings first (a notice such as
    "compiling the field ..." is something shown)."""

    def filter(self, record) -> bool:
        held = _CURRENT
        if held is not None:
            held.release()
        return True
