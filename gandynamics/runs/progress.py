"""The progress of a sweep's rows (or of chunks): a tqdm bar, a function ``progress(done, total)``, or nothing.

One mechanism for the local sweep (:mod:`gandynamics.runs.sweep`) and the distributed one
(:mod:`gandynamics.distributed`), so that a progress function gets the same counts on both.
"""
from __future__ import annotations


__all__ = ["Progress", "progress_option"]


def progress_option(progress):
    """``progress`` of a sweep or a simulation: True, False, None or a function ``progress(done, total)`` (rows or
    steps done), checked before any work (any other value was read by its truth: ``progress="no"`` showed a bar; a
    function of another arity failed inside the run)."""
    import numpy as np

    from ..validate import callback, optional_flag
    if callable(progress) and not isinstance(progress, (bool, np.bool_)):
        return callback(progress, "progress", "progress(done, total)", 2)
    return optional_flag(progress, accepted="True, False, None or a function progress(done, total)")


class Progress:
    """A tqdm bar (``progress=True``; ``None``: :func:`gandynamics.log.bars_wanted`, a terminal or a notebook, not
    with ``-q``), a callback ``progress(done, total)``, or
    nothing (``False``), counting chunks (``unit="chunk"``) or rows (``unit="row"``: the bar in trajectories).
    ``done`` rows (or chunks) already finished when it is made; a callback is told of them at once."""

    def __init__(self, progress, total, unit: str = "chunk", done: int = 0, fractions: bool = False):
        self.total, self.done, self.bar, self.callback, self.unit = total, done, None, None, unit
        if progress is None:  # where a bar can be seen, not with -q (gandynamics.log.bars_wanted)
            from ..log import bars_wanted
            progress = bars_wanted()
        if callable(progress) and not isinstance(progress, bool):
            self.callback = progress
            if done:
                progress(done, total)
        elif progress:
            from tqdm.auto import tqdm
            # fractions: the bar moves in parts of a row ('0.31/1 traj [00:40<01:29, ...]': rows of very many
            # steps, run in chunks of steps), shown to 3 digits by tqdm's unit scaling
            self.bar = tqdm(total=total, initial=done, unit="traj" if unit == "row" else "chunk", desc="sweep",
                            leave=False, unit_scale=fractions)

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

    def to(self, done: float) -> None:
        """Rows done so far, ``done`` (a fraction of a row when rows run in chunks of steps): the bar moves to it,
        a callback hears of each whole row finished."""
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
        whole = int(done)
        if whole > self.done:
            self.done = whole
            if self.callback is not None:
                self.callback(self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
