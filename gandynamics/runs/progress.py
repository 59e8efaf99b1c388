"""The progress of long work: a tqdm bar, a function ``progress(done, total)``, or nothing.

One mechanism, :class:`Counted`, for every count: a sweep's rows or chunks (:class:`Progress`, local
:mod:`gandynamics.runs.sweep` and distributed :mod:`gandynamics.distributed` alike, so that a progress function gets
the same counts on both), and the long loops of the library (:func:`counted`: simulate's steps, a continuation's
range, a branch's cycles, a period-k orbit's steps).
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


class Counted:
    """The progress of a wait over a count (:func:`counted`, and a sweep's :class:`Progress`): ``to(done)`` as the work
    goes.  A tqdm bar drawn when asked (``progress=True``), or left to itself (``None``) where a bar can be seen
    (:func:`gandynamics.log.bars_wanted`) once the wait is long (:data:`BAR_AFTER`), or at once with ``eager``; a
    function ``progress(done, total)`` is told at each ``to`` (with ``whole``: only when the whole count grows);
    ``False``: no bar.

    ``total``: the units of the whole work (0 or None: not known ahead, the bar counts without one); ``done``: the
    units already finished when it is made (a function is told of them at once); ``scale``: tqdm's unit scaling (a
    count of 1.2M, or parts of a unit shown to 3 digits); ``bar_format``: tqdm's, when the default does not fit."""

    def __init__(self, total, desc: str, unit: str, progress=None, eager: bool = False, *, done=0,
                 scale: bool = True, whole: bool = False, bar_format: str | None = None):
        from ..log import _clock
        self.total, self.desc, self.unit, self.done = (total if total else None), desc, unit, done
        self.bar, self.callback, self.whole = None, None, whole
        self._style = {"unit_scale": scale, **({"bar_format": bar_format} if bar_format else {})}
        self._t0 = _clock()
        if callable(progress) and not isinstance(progress, bool):
            self.callback, progress = progress, False
            if done:
                self.callback(done, self.total)
        self._auto = _auto_bar() if progress is None else False
        if progress is True or (eager and self._auto):
            self._draw()

    @property
    def heard(self) -> bool:
        """Whether :meth:`to` does anything: a bar drawn, or one that may be, or a function told."""
        return self.bar is not None or self.callback is not None or self._auto

    @property
    def n(self):
        """What is done so far (tqdm's name)."""
        return self.done

    def _draw(self) -> None:
        import sys

        import tqdm.auto  # (a notebook's widget there, a text bar on a terminal)
        self.bar = tqdm.auto.tqdm(total=self.total, initial=self.done, desc=self.desc, unit=self.unit, file=sys.stderr,
                                  leave=False, mininterval=0.5, **self._style)

    def _long(self, done) -> bool:
        """Whether a bar left to itself is due: the wait has run :data:`gandynamics.log.NOTICE_AFTER` seconds, or
        :data:`BAR_AFTER` and its pace at ``done`` of ``total`` says it will run longer than that in all."""
        from ..log import NOTICE_AFTER, _clock
        elapsed = _clock() - self._t0
        return elapsed >= NOTICE_AFTER or bool(elapsed >= BAR_AFTER and done > 0 and self.total
                                               and elapsed * self.total / done > NOTICE_AFTER)

    def to(self, done, desc: str | None = None) -> None:
        """``done`` of the ``total`` finished (a float: parts of a unit; ``desc``: the bar's new label)."""
        if self.bar is None and self._auto and self._long(done):
            self._draw()
        if self.bar is not None:
            if desc is not None:
                self.bar.set_description_str(desc, refresh=False)
            self.bar.update(done - self.bar.n)
        if self.whole:  # (a function hears of each whole unit finished, not of parts of one)
            if int(done) <= self.done:
                return
            done = int(done)
        self.done = done
        if self.callback is not None:
            self.callback(done, self.total)

    def update(self, k=1) -> None:
        """``k`` more units finished."""
        self.to(self.done + k)

    def again(self, total: int | None = None, desc: str | None = None) -> None:
        """Count a new round of the work from 0 (of ``total``, default the same): a Newton iteration's steps."""
        self.total = self.total if total is None else (total or None)
        self.done = 0
        if desc is not None:
            self.desc = desc
        if self.bar is not None:
            self.bar.reset(total=self.total)
            self.bar.set_description_str(self.desc, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _auto_bar() -> bool:
    """A bar left to itself (``progress=None``) may be drawn: where one can be seen, a terminal or a notebook, not
    with ``-q`` (:func:`gandynamics.log.bars_wanted`)."""
    from ..log import bars_wanted
    return bars_wanted()


class Progress(Counted):
    """A sweep's progress (local or distributed), counting chunks (``unit="chunk"``: :meth:`update` counts one chunk
    whatever its rows) or rows (``unit="row"``: the bar in trajectories): a :class:`Counted` drawn at once where a bar
    can be seen (``progress=None``: :func:`gandynamics.log.bars_wanted`, a terminal or a notebook, not with ``-q``),
    always (True) or never (False), or a callback ``progress(done, total)`` told of each whole row (or chunk)
    finished.  ``done`` rows (or chunks) already finished when it is made; a callback is told of them at once.
    ``fractions``: the bar moves in parts of a row ('0.31/1 traj': rows of very many steps, run in chunks of steps),
    shown to 3 digits by tqdm's unit scaling."""

    def __init__(self, progress, total, unit: str = "chunk", done: int = 0, fractions: bool = False):
        self.rows = unit == "row"
        super().__init__(total, "sweep", "traj" if self.rows else "chunk", progress, eager=True, done=done,
                         scale=fractions, whole=True)

    def update(self, rows: int = 1) -> None:
        """One chunk of ``rows`` rows finished (one step in chunk units)."""
        super().update(rows if self.rows else 1)


@contextlib.contextmanager
def counted(message: str, total, *, desc: str, unit: str, progress=None, eager: bool = False,
            quiet_inside: bool = False, bar_format: str | None = None):
    """A wait over a count of ``total`` units of work (steps, values; a float: a share of a range, 1.0 the whole; 0 or
    None: not known ahead, the bar then counts without a total; ``bar_format``: tqdm's): says what it is after
    :data:`gandynamics.log.NOTICE_AFTER` seconds (:func:`gandynamics.log.notice_if_slow`, ``message``) unless a bar
    shows it by then, and yields a :class:`Counted` whose ``to(done)`` moves the bar (drawn where one can be seen
    once the wait is long) or calls ``progress(done, total)``.  One mechanism for the long loops of the library
    (simulate's steps, the range a continuation covers, the cycles of a branch, a period-k orbit's steps): each ran for
    minutes without a word where no terminal showed a bar, and some without a bar on one.  ``quiet_inside``: the
    notices of the blocks run inside it are not given (:func:`gandynamics.log.notice_if_slow`)."""
    from ..log import notice_if_slow
    c = Counted(total, desc, unit, progress, eager, bar_format=bar_format)
    try:
        with notice_if_slow(message, still=lambda: c.bar is None, quiet_inside=quiet_inside):
            yield c
    finally:
        c.close()
