"""The progress of a sweep's rows (or of chunks): a tqdm bar, a function ``progress(done, total)``, or nothing.

One mechanism for the local sweep (:mod:`gandynamics.runs.sweep`) and the distributed one
(:mod:`gandynamics.distributed`), so that a progress function gets the same counts on both.
"""
from __future__ import annotations

import sys

__all__ = ["Progress"]


class Progress:
    """A tqdm bar (``progress=True``; ``None``: when stderr is a terminal), a callback ``progress(done, total)``, or
    nothing (``False``), counting chunks (``unit="chunk"``) or rows (``unit="row"``: the bar in trajectories).
    ``done`` rows (or chunks) already finished when it is made; a callback is told of them at once."""

    def __init__(self, progress, total, unit: str = "chunk", done: int = 0):
        self.total, self.done, self.bar, self.callback, self.unit = total, done, None, None, unit
        if progress is None:
            progress = sys.stderr.isatty()
        if callable(progress) and not isinstance(progress, bool):
            self.callback = progress
            if done:
                progress(done, total)
        elif progress:
            from tqdm.auto import tqdm
            self.bar = tqdm(total=total, initial=done, unit="traj" if unit == "row" else "chunk", desc="sweep",
                            leave=False)

    @property
    def n(self) -> int:
        """What is done so far (tqdm's name)."""
        return self.done

    def update(self, rows: int = 1) -> None:
        """One chunk of ``rows`` rows finished (one step in chunk units)."""
        step = rows if self.unit == "row" else 1
        self.done += step
        if self.bar is not None:
            self.bar.update(step)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
