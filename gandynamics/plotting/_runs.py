"""The runs a figure draws: the items given (``(label, run)`` pairs or Trajectory objects) with their colours, a run's
states, the default title naming their methods and step, and labels that tell runs of one method apart."""

from __future__ import annotations

import numpy as np

from ..errors import GandynamicsError
from ._colors import _shades
from ._style import METHOD_COLORS, TRAJECTORY_COLORS, _greek_text, _short, number_text, portrait_title, run_text, style


def _runs_title(field, params, items) -> str:
    """The default title of a drawing of the runs ``items`` (:func:`trajectory_items`' items): :func:`portrait_title`
    with the methods of the Trajectory objects among them and their step h when they share one (the command line's
    title; the library's named the game alone)."""
    from ..runs.trajectory import Trajectory
    runs = [it[1] for it in items if isinstance(it[1], Trajectory)]
    methods = list(dict.fromkeys(run_text(t) for t in runs))  # (each with its options, as the key names it)
    steps = {tuple(t.step) for t in runs if t.method != "flow"}
    return portrait_title(field, params, methods, next(iter(steps)) if len(steps) == 1 else None)


def _states(tr):
    s = getattr(tr, "states", tr)
    return np.asarray(s, dtype=float)


def trajectory_items(trajectories, what: str) -> list:
    """The ``trajectories`` argument of :func:`phase_portrait`, :func:`convergence` and :func:`animate` as a list of
    ``(label, run, color, linestyle)``: each item a :class:`gandynamics.simulate.Trajectory` (labelled by its method,
    in the method's colour) or a tuple ``(label, run)``, ``(label, run, color)`` or ``(label, run, color,
    linestyle)`` (``run`` a Trajectory or an array; color and linestyle None where not given).  A bare Trajectory made ``phase_portrait`` fail with
    "'Trajectory' object is not subscriptable"; anything else is refused by name (GandynamicsError)."""
    from ..runs.trajectory import Trajectory
    if trajectories is None:
        return []
    if isinstance(trajectories, Trajectory) or (isinstance(trajectories, tuple) and trajectories
                                                and isinstance(trajectories[0], str)):
        trajectories = [trajectories]  # one run (or one labelled item) given on its own
    try:
        items = list(trajectories)
    except TypeError:
        raise GandynamicsError(f"{what}: trajectories must be a list of Trajectory objects or (label, states) "
                               f"tuples, got {type(trajectories).__name__}") from None
    out = []
    for k, it in enumerate(items):
        if isinstance(it, Trajectory):  # (named with its options as the command line names it: momentum's beta was
            out.append((run_text(it), it, METHOD_COLORS.get(it.method), None))  # missing from the library's key)
        elif isinstance(it, (tuple, list)) and 2 <= len(it) <= 4:
            it = tuple(it) + (None, None)[len(it) - 2:]
            out.append((str(it[0]), it[1], it[2], it[3]))
        else:
            raise GandynamicsError(f"{what}: trajectories item {k} is {type(it).__name__}; accepted: a Trajectory "
                                   "(from simulate) or a tuple (label, states[, color[, linestyle]])")
    # a labelled run given no colour takes its method's (the run's, or the label's when it names one: tutorial 01's
    # ("gd", run), ("altgd", run) drew gd blue and altgd orange, the colours other figures give altgd and momentum),
    # where no other such run takes the same one (two runs of one method told apart by their labels keep the cycle's)
    method_of = [(getattr(run, "method", None) if isinstance(run, Trajectory) else None) or label.strip().lower()
                 if color is None else None for label, run, color, _ in out]
    taken = [METHOD_COLORS.get(m) for m in method_of]
    out = [(label, run, taken[k] if taken[k] is not None and taken.count(taken[k]) == 1 and
            all(c != taken[k] for _, _, c, _ in out) else color, style)
           for k, (label, run, color, style) in enumerate(out)]
    # the others in the trajectory colours in turn, skipping those the runs above took (a run labelled "mine" drew
    # in altgd's blue beside altgd's run)
    from matplotlib.colors import to_hex
    used = {to_hex(c) for _, _, c, _ in out if c is not None}
    free = iter([c for c in TRAJECTORY_COLORS if to_hex(c) not in used] or TRAJECTORY_COLORS)
    return [(label, run, color if color is not None else next(free, None), style)
            for label, run, color, style in out]


def _told_apart(items) -> list:
    """The items of :func:`trajectory_items` with labels that tell the runs apart: runs given the same label
    (several runs of one method) are named by what differs between them (for Trajectory objects: the step, the
    start, hyperparameters, method options, the number of steps; else their number among them), and those that
    share a colour too are drawn in shades of it (the first in the colour itself)."""
    from ..runs.trajectory import Trajectory
    labels = [it[0] for it in items]
    out = [list(it) for it in items]
    for label in dict.fromkeys(labels):
        group = [k for k, lab in enumerate(labels) if lab == label]
        if len(group) < 2:
            continue
        runs = [items[k][1] for k in group]
        tags = [[] for _ in group]
        if all(isinstance(t, Trajectory) for t in runs):
            def step(t):
                h = tuple(np.atleast_1d(np.asarray(t.step, float)).tolist())
                return f"h = {number_text(h[0], 'g')}" if len(set(h)) == 1 else "h = (" + ", ".join(f"{number_text(v, 'g')}" for v in h) + ")"

            def start(t):
                z = np.asarray(t.states, float)[0] if len(t.states) else np.empty(0)
                return "from (" + ", ".join(f"{number_text(v, '.3g')}" for v in z[:4]) + (", ..." if z.size > 4 else "") + ")"
            facets = [step, start, lambda t: t.params, lambda t: t.options, lambda t: t.steps]
            for facet in facets:
                values = [facet(t) for t in runs]
                if all(v == values[0] for v in values):
                    continue
                for j, (t, v) in enumerate(zip(runs, values)):
                    if isinstance(v, dict):
                        diff = [key for key in sorted(set().union(*values))
                                if any(w.get(key) != v.get(key) for w in values)]
                        tags[j].append(", ".join(f"{_greek_text(key)} = {_short(v.get(key))}" for key in diff))
                    elif isinstance(v, int):
                        tags[j].append(f"{v} steps")
                    else:
                        tags[j].append(v)
        names = [f"{label}, {', '.join(t)}" for t in tags]
        if any(not t for t in tags) or len(set(names)) < len(names):
            names = [f"{label} ({j + 1})" for j in range(len(group))]
        for k, name in zip(group, names):
            out[k][0] = name
        colours = [items[k][2] for k in group]
        if colours[0] is not None and all(c == colours[0] for c in colours):
            for k, c in zip(group, _shades(colours[0], len(group))):
                out[k][2] = c
    return [tuple(it) for it in out]
