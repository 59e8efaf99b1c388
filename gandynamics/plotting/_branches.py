"""Bifurcation diagrams: a continued branch of equilibria or fixed points against its parameter, stable parts solid
and unstable ones dashed, with its located events (:func:`branch_diagram`)."""

from __future__ import annotations

import numpy as np

from .._palette import OKABE_ITO
from ..errors import GandynamicsError
from ._fit import _legend_outside, _title_with_notes
from ._style import _axes, number_text, symbol

#: each event type's name in a key, its marker and colour (the abbreviations of MatCont and AUTO in parentheses)
EVENT_STYLES = {
    "fold": ("fold (LP)", "s", OKABE_ITO["vermillion"]),
    "hopf": ("Hopf (H)", "D", OKABE_ITO["blue"]),
    "branch-point": ("branch point (BP)", "^", OKABE_ITO["bluish green"]),
    "flip": ("flip (PD)", "v", OKABE_ITO["reddish purple"]),
    "neimark-sacker": ("Neimark–Sacker (NS)", "o", OKABE_ITO["orange"]),
}
#: the branch's colour
BRANCH_COLOR = "black"


def branch_coordinate(branch, coordinate=None, names=None) -> int:
    """The index of the coordinate a diagram of ``branch`` draws: ``coordinate`` (an index, or a name of ``names``), by
    default the one that varies most along the branch (the first where none varies).  Raises GandynamicsError for a
    name or index the branch's points do not have."""
    n = np.asarray(branch.points).shape[1]
    names = list(names) if names is not None else [f"z{i}" for i in range(n)]
    if coordinate is None:
        pts = np.asarray(branch.points, float)
        spread = np.nanmax(pts, axis=0) - np.nanmin(pts, axis=0) if len(pts) else np.zeros(n)
        return int(np.argmax(np.where(np.isfinite(spread), spread, -1.0))) if np.any(spread > 0) else 0
    if isinstance(coordinate, str):
        if coordinate not in names:
            raise GandynamicsError(f"branch_diagram: no coordinate {coordinate!r}; the branch's are {', '.join(names)}")
        return names.index(coordinate)
    if not isinstance(coordinate, (int, np.integer)) or isinstance(coordinate, bool) or not 0 <= coordinate < n:
        raise GandynamicsError(f"branch_diagram: coordinate must be a name ({', '.join(names)}) or an index 0..{n - 1}, "
                               f"got {coordinate!r}")
    return int(coordinate)


def _stability_runs(branch, i: int) -> list:
    """``(x, y, stable)`` of the maximal runs of equal stability along ``branch`` (coordinate ``i`` against the
    parameter), each ended and the next begun where stability changes: at the located event nearest the segment
    between the two points, in (parameter, point) space, when it lies within the segment's length of it (a fold lies
    beyond both points' parameter values, where the branch turns), else half-way between them (the curve drawn
    without a gap, and its style changing where the branch's stability does, not at the next point: a
    Neimark-Sacker point at h = 2 had the solid part run on to the next point, 2.2)."""
    s = np.asarray(branch.stable, bool)
    v = np.asarray(branch.values, float)
    P = np.asarray(branch.points, float)
    y = P[:, i]
    if s.size == 0:
        return []
    cuts = [int(c) for c in np.flatnonzero(s[1:] != s[:-1]) + 1]
    X = np.column_stack([v, P])  # (the branch in (parameter, point) space)
    E = [(e, np.concatenate([[e.value], np.asarray(e.point, float)])) for e in branch.events]
    splits = []
    for c in cuts:
        a, b = X[c - 1], X[c]
        seg = b - a
        length = float(np.linalg.norm(seg))
        best = None
        for e, q in E:
            t = float(np.clip(np.dot(q - a, seg) / (length * length), 0.0, 1.0)) if length > 0 else 0.0
            d = float(np.linalg.norm(q - (a + t * seg)))
            if np.isfinite(d) and d <= length and (best is None or d < best[0]):
                best = (d, e)
        splits.append((float(best[1].value), float(np.asarray(best[1].point, float)[i])) if best is not None else
                      (0.5 * (v[c - 1] + v[c]), 0.5 * (y[c - 1] + y[c])))
    out, start, head = [], 0, []  # (head: the split point that begins the next run)
    for c, split in zip(cuts, splits):
        out.append((np.array([h[0] for h in head] + list(v[start:c]) + [split[0]]),
                    np.array([h[1] for h in head] + list(y[start:c]) + [split[1]]), bool(s[start])))
        start, head = c, [split]
    out.append((np.array([h[0] for h in head] + list(v[start:])), np.array([h[1] for h in head] + list(y[start:])),
                bool(s[start])))
    return out


def branch_diagram(branch, coordinate=None, names=None, *, title: str | None = None, ax=None):
    """The bifurcation diagram of a continued branch: the coordinate ``coordinate`` of its points against its
    parameter, solid where the branch is stable (the flow's eigenvalues of ``J = -DF`` in the open left half-plane, or
    the map's multipliers inside the unit circle; ``branch.stable``) and dashed where it is not, with a marker at each
    located event (:data:`EVENT_STYLES`: fold, Hopf, branch point, flip, Neimark–Sacker; docs/math/bifurcations.md).

    Parameters
    ----------
    branch : :class:`gandynamics.analysis.continuation.Branch`
        ``values`` (m,) of ``parameter``, ``points`` (m, n), ``stable`` (m,), ``events``.
    coordinate : int or str, optional
        The coordinate drawn (an index, or a name of ``names``); default: the one that varies most along the branch.
    names : sequence of str, optional
        The coordinates' names (the field's ``names``), for the axis label.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    GandynamicsError
        A branch without points, or a coordinate it does not have.
    """
    values = np.asarray(branch.values, float)
    points = np.asarray(branch.points, float)
    if values.size == 0 or points.ndim != 2 or points.shape[0] != values.size:
        raise GandynamicsError("branch_diagram: the branch has no points to draw")
    i = branch_coordinate(branch, coordinate, names)
    label = symbol(list(names)[i]) if names is not None else f"$z_{{{i}}}$"
    ax = _axes(ax, figsize=(6.0, 4.2))
    seen = set()
    for x, y, st in _stability_runs(branch, i):
        key = "stable" if st else "unstable"
        ax.plot(x, y, color=BRANCH_COLOR, lw=1.8 if st else 1.4,
                ls="-" if st else (0, (5, 3)), label=key if key not in seen else "_" + key, zorder=3)
        seen.add(key)
    scale = float(np.max(np.abs(values)))  # (a Hopf point located at 2.8e-17 of a range of 1 is at 0)
    for e in branch.events:
        name, marker, color = EVENT_STYLES.get(e.type, (e.type, "X", OKABE_ITO["black"]))
        at = 0.0 if abs(e.value) <= 1e-12 * scale else e.value
        kind = (e.extra or {}).get("criticality")  # (supercritical, subcritical or degenerate: Hopf, flip, NS)
        if kind == "degenerate":  # (said what it is: "degenerate" alone read as a fault, a figure review)
            kind = ("degenerate (first Lyapunov coefficient 0)" if e.type == "hopf" else
                    "degenerate (normal-form coefficient 0)")
        ax.plot([e.value], [float(np.asarray(e.point, float)[i])], ls="", marker=marker, ms=8, mfc=color, mec="black",
                mew=0.7, zorder=5, label=f"{name} at {symbol(branch.parameter)} = {number_text(at, '.6g')}"
                + (f", {kind}" if kind else ""))
    ax.set_xlabel(symbol(branch.parameter))
    ax.set_ylabel(f"{label} on the branch")
    if title:
        _title_with_notes(ax, title, [])
    handles = ax.get_legend_handles_labels()[0]  # (stable before unstable, whichever the branch begins with)
    handles.sort(key=lambda h: {"stable": 0, "unstable": 1}.get(h.get_label(), 2))
    _legend_outside(ax, loc="below", handles=handles)
    if title:
        _title_with_notes(ax, title, [])
    return ax
