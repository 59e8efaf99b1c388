"""The package's logger (``logging.getLogger("gandynamics")``) and a notice for waits.

The command line ties ``-q`` / ``-v`` to this logger (warnings only / debug); the library only logs, it never
prints.  :func:`notice_if_slow` says what is happening during a wait longer than a few seconds (a first
compilation) without saying anything when the wait is short (a cache hit)."""

from __future__ import annotations

import contextlib
import logging
import threading

__all__ = ["logger", "notice_if_slow"]

logger = logging.getLogger("gandynamics")


@contextlib.contextmanager
def notice_if_slow(message: str, after: float = 2.0, still=None):
    """Log ``message`` at INFO level if the block is still running after ``after`` seconds (and ``still()``,
    when given, is true then: e.g. "the kernel has no compiled signature yet")."""
    def fire():
        if still is None or still():
            logger.info(message)
    timer = threading.Timer(after, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
