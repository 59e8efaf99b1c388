"""Dask plugins used by :mod:`gandynamics.distributed` (imported only when dask is installed)."""

from __future__ import annotations

import signal
import threading

from distributed.diagnostics.plugin import WorkerPlugin

__all__ = ["IgnoreSigint"]


class IgnoreSigint(WorkerPlugin):
    """Workers of a cluster started for one command ignore SIGINT: Ctrl-C in the terminal reaches the
    whole foreground process group, and only the client should act on it (cancel the outstanding chunks,
    keep the finished ones, then shut the cluster down) — a worker that quit on its own would take the
    scattered plan and finished-but-ungathered chunks with it."""

    name = "gandynamics-ignore-sigint"

    def setup(self, worker):
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
