"""The progress of a sweep's rows (or of chunks): a tqdm bar, a function ``progress(done, total)``, or nothing.

One mechanism for the local sweep (:mod:`gandynamics.runs.sweep`) and the distributed one
(:mod:`gandynamics.distributed`), so that a progress function gets the same counts on both.
"""
from __future__ import annotations

import contextlib

__all__ = ["Progress", "progress_option", "Counted", "counted"]

#: a counted wait left to itself (``progress=None``) draws its bar where one can be seen once it has run this many
#: seconds and its pace says it will run longer than :data:`gandynamics.log.NOTICE_AFTER` in all (or once it has
#: run that long): a short wait draws none
BAR_AFTER = 0.5


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


class Counted:
    """The progress of a wait over a count (:func:`counted`): ``to(done)`` as the work goes; a tqdm bar drawn when
    asked (``progress=True``), or left to itself (``None``) where a bar can be seen (:func:`gandynamics.log.bars_wanted`)
    once the wait is long (:data:`BAR_AFTER`), or at once with ``eager``; a function ``progress(done, total)`` is
    called at each ``to``; ``False``: no bar."""

    def __init__(self, total: int, desc: str, unit: str, progress=None, eager: bool = False):
        from ..log import _clock
        self.total, self.desc, self.unit, self.done = (int(total) if total else None), desc, unit, 0
        self.bar, self.callback = None, None
        self._t0 = _clock()
        if callable(progress) and not isinstance(progress, bool):
            self.callback, progress = progress, False
        if progress is None:
            from ..log import bars_wanted
            self._auto = bars_wanted()
        else:
            self._auto = False
        if progress is True or (eager and self._auto):
            self._draw()

    @property
    def heard(self) -> bool:
        """Whether :meth:`to` does anything: a bar drawn, or one that may be, or a function told."""
        return self.bar is not None or self.callback is not None or self._auto

    def _draw(self) -> None:
        import sys

        from tqdm import tqdm
        self.bar = tqdm(total=self.total, initial=self.done, desc=self.desc, unit=self.unit, unit_scale=True,
                        file=sys.stderr, leave=False, mininterval=0.5)

    def to(self, done, desc: str | None = None) -> None:
        """``done`` of the ``total`` finished (``desc``: the bar's new label)."""
        self.done = done
        if self.bar is None and self._auto:
            from ..log import NOTICE_AFTER, _clock
            elapsed = _clock() - self._t0
            if elapsed >= NOTICE_AFTER or (elapsed >= BAR_AFTER and done > 0 and self.total
                                           and elapsed * self.total / done > NOTICE_AFTER):
                self._draw()
        if self.bar is not None:
            if desc is not None:
                self.bar.set_description_str(desc, refresh=False)
            self.bar.update(done - self.bar.n)
        if self.callback is not None:
            self.callback(done, self.total)

    def again(self, total: int | None = None, desc: str | None = None) -> None:
        """Count a new round of the work from 0 (of ``total``, default the same): a Newton iteration's steps."""
        self.total = self.total if total is None else (int(total) or None)
        self.done = 0
        if desc is not None:
            self.desc = desc
        if self.bar is not None:
            self.bar.reset(total=self.total)
            self.bar.set_description_str(self.desc, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextlib.contextmanager
def counted(message: str, total: int, *, desc: str, unit: str, progress=None, eager: bool = False,
            quiet_inside: bool = False):
    """A wait over a count of ``total`` units of work (steps, points, values; 0 or None: not known ahead, the bar then
    counts without a total): says what it is after
    :data:`gandynamics.log.NOTICE_AFTER` seconds (:func:`gandynamics.log.notice_if_slow`, ``message``) unless a bar
    shows it by then, and yields a :class:`Counted` whose ``to(done)`` moves the bar (drawn where one can be seen
    once the wait is long) or calls ``progress(done, total)``.  One mechanism for the long loops of the library
    (simulate's steps, the points of a continuation, the cycles of a branch, a period-k orbit's steps): each ran for
    minutes without a word where no terminal showed a bar, and some without a bar on one.  ``quiet_inside``: the
    notices of the blocks run inside it are not given (:func:`gandynamics.log.notice_if_slow`)."""
    from ..log import notice_if_slow
    c = Counted(total, desc, unit, progress, eager)
    try:
        with notice_if_slow(message, still=lambda: c.bar is None, quiet_inside=quiet_inside):
            yield c
    finally:
        c.close()
