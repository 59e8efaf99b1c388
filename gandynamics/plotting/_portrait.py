"""Phase portraits: the direction field of a plane, its nullclines and jumps, runs drawn as paths with their keys
(factored by method and start), the speed colorbar, and :func:`phase_portrait` itself."""

from __future__ import annotations

import math
import re

import matplotlib
import matplotlib.legend
import matplotlib.legend_handler
import numpy as np
from matplotlib.lines import Line2D

from ..errors import GandynamicsError
from ._coinciding import _coinciding_note, _dash_coinciding_paths, _dash_key, _factored_names, _one_line_entries
from ._fit import (INSIDE_MAX_COVER, RIGHT_GAP, _RefittingLayout, _cell, _colorbar_height, _data_room, _decorations,
                   _fill, _first_usable, _font_points, _inside_cover, _legend_kw, _legend_outside, _make_legend,
                   _managed, _measure, _plot_in, _portrait_aspect, _px, _renderer, _right_of, _room_beside, _root,
                   _slow_to_settle, _square, _title_with_notes, _usable, _within)
from ._runs import _runs_title, _states, _told_apart, trajectory_items
from ._style import (EQUILIBRIUM_MARKER, FORBIDDEN_STYLE, LAST_MARKER, LAST_STATE_LABEL, LAST_UNDER_STAR,
                     OTHER_ZERO_MARKER, QUIVER_CAP, QUIVER_COLOR, QUIVER_SPREAD, SPEED_WIDTH, START_MARKER,
                     STREAM_COLOR, TRAJECTORY_COLORS, _and, _axes, _greek_text, number_text, portrait_handles,
                     quiver_handle, speed_cmap, style, symbol)
from ._windows import (JUMP_KEY_SCALE, JUMP_MARKER_SIZE, JUMP_MARKERS, JUMP_SHARE, JUMP_TURN, _broken_outside, _jumps,
                       _params, outside_rows, plane_indices, window_around)


class _StatesLine(Line2D):
    """A run drawn as its states (:func:`~gandynamics.plotting._windows._jumps`): its key entry's marker
    :data:`~gandynamics.plotting._windows.JUMP_KEY_SCALE` times the size drawn, the other entries' unchanged."""


def _states_in_key(legend_line, line) -> None:
    legend_line.update_from(line)
    legend_line.set_markersize(line.get_markersize() * JUMP_KEY_SCALE)


# (a handler for this class only, as plotting._coinciding's for its interleaved lines)
matplotlib.legend.Legend.update_default_handler_map(
    {_StatesLine: matplotlib.legend_handler.HandlerLine2D(update_func=_states_in_key)})


#: the words a key's verdict in brackets starts with, after a run's name (the command line's portrait writes them)
VERDICT_WORDS = ("converging", "bounded", "growing", "diverged", "stopped")


def _run_name(label: str) -> str:
    """A run's key label without the verdict in brackets that ends it (``"eg (bounded, not converging: ...)"`` ->
    ``"eg"``; ``"momentum (β = −0.5) (growing: ...)"`` -> ``"momentum (β = −0.5)"``); other brackets are kept."""
    return re.sub(r"\s*\((?:%s)\b[^()]*\)$" % "|".join(VERDICT_WORDS), "", label) or label


def _exit_point(p, q, xlim, ylim):
    """Where the segment from ``p`` (inside the window ``xlim`` x ``ylim``) to ``q`` (outside) crosses its edge."""
    t = 1.0
    for k, (lo, hi) in enumerate((xlim, ylim)):
        d = q[k] - p[k]
        if d > 0 and q[k] > hi:
            t = min(t, (hi - p[k]) / d)
        elif d < 0 and q[k] < lo:
            t = min(t, (lo - p[k]) / d)
    return p + max(t, 0.0) * (q - p)


def _exit_arrow(ax, P, xlim, ylim, color) -> None:
    """An arrow head where the run of states ``P`` (T, 2), which diverged or stopped, last leaves the window: its
    path, drawn up to the edge, does not end inside it, and the head says that it goes on out of the window."""
    P = np.asarray(P, float)
    P = P[np.all(np.isfinite(P), axis=1)]
    out = np.zeros(len(P), dtype=bool)
    out[outside_rows(P, xlim, ylim)] = True
    leave = np.flatnonzero(~out[:-1] & out[1:])
    if not leave.size:
        return
    k = int(leave[-1])
    p, q = P[k], P[k + 1]
    edge = _exit_point(p, q, xlim, ylim)
    if not np.all(np.isfinite(edge)) or np.allclose(edge, p):
        return
    ax.annotate("", xy=tuple(edge), xytext=tuple(p + 0.7 * (edge - p)), zorder=4.5, annotation_clip=False,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.2, "mutation_scale": 12, "shrinkA": 0,
                            "shrinkB": 0})


def direction_field(field, params=None, plane=None, center=None, xlim=None, ylim=None, n: int = 41):
    """``v = -F`` on an ``n x n`` grid of a 2-D plane.

    Parameters
    ----------
    field : VectorField
    params : mapping or array, optional
        Hyperparameter values (defaults otherwise).
    plane : pair of str, optional
        The two coordinates spanning the plane (default: :func:`default_plane`, the most strongly coupled
        generator and discriminator parameters).  The other coordinates are held at ``center``.
    center : array, optional
        The point the slice passes through (default: :func:`slice_center`: the zero of F that
        :func:`equilibrium_point` finds, else the declared equilibrium, else 0).
    xlim, ylim : pairs of float, optional
        The window, in the coordinates' own values, ``lo < hi``, each end at most :data:`WINDOW_MAX` in
        magnitude, at least :data:`WINDOW_MIN_RELATIVE` of it wide and not both ends within :data:`WINDOW_MIN` of 0
        (else a GandynamicsError: matplotlib cannot draw it) (default: :data:`HALF_WIDTH` on each side of ``center``, or of the
        zero :func:`slice_center` finds; for a game of two parameters with no zero, of 0).
    n : int

    Returns
    -------
    X, Y, U, V : arrays of shape (n, n)
        Grid and the components of v along the two plane coordinates (NaN where v is not finite).
    """
    names, i, j = plane_indices(field, plane)
    c = slice_center(field, params, center) if field.n > 2 else np.array(
        center if center is not None else np.zeros(field.n), float)  # (n = 2: the plane is the whole space)
    c = field.point(c)
    p = _params(field, params)
    from ..limits import check_array
    from ..validate import whole
    n = whole(n, "n", lo=2)  # the grid's points per side: n=1e6 ran out of memory in meshgrid (phase_portrait,
    # interact); n=1 is no grid (an IndexError in streamplot)
    ref = c if (xlim is not None and ylim is not None) or center is not None or field.n > 2 else \
        slice_center(field, params)  # (n = 2, no center: the window around the zero, the slice the whole plane)
    xlim, ylim = window_around(ref, i, xlim, "xlim"), window_around(ref, j, ylim, "ylim")
    check_array((n, n), f"a direction field on a grid of {n} x {n} points (X, Y, U, V and the plot's copies)",
                copies=8)
    mod = field.point_module(calls=n * n)
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys)
    U, V = np.full_like(X, np.nan), np.full_like(X, np.nan)
    out = np.empty(field.n)
    z = c.copy()
    with np.errstate(all="ignore"):
        for a in range(n):
            for b in range(n):
                z[i], z[j] = X[a, b], Y[a, b]
                F = mod.field(z, p, out)
                if np.all(np.isfinite(F)):
                    U[a, b], V[a, b] = -F[i], -F[j]
    return X, Y, U, V


def _speed_across(field, params, center, i: int, j: int, X, Y) -> float:
    """The largest ``|v|`` of the coordinates other than ``i``, ``j`` at the corners and the centre of the grid
    ``X, Y`` of a slice through ``center`` (0.0 where none is finite)."""
    z, p = field.point(center).copy(), _params(field, params)
    mod, out, top = field.point_module(calls=5), np.empty(field.n), 0.0
    other = np.array([k not in (i, j) for k in range(field.n)])
    a, b = X.shape[0] - 1, X.shape[1] - 1
    for r, c in ((0, 0), (0, b), (a, 0), (a, b), (a // 2, b // 2)):
        z[i], z[j] = X[r, c], Y[r, c]
        try:
            with np.errstate(all="ignore"):
                F = np.asarray(mod.field(z, p, out), float)
        except (ArithmeticError, ValueError):
            continue
        if np.all(np.isfinite(F[other])):
            top = max(top, float(np.linalg.norm(F[other])))
    return top


#: the nullclines' colour, a grey no method or trajectory takes (cyan and olive were ftr's and proximal's: a figure
#: review read the proximal run as part of the olive nullcline), told apart by their dashes
NULLCLINE_COLOR = "0.3"
#: (line style, width) of the first and the second coordinate's nullcline: wide translucent bands (NULLCLINE_ALPHA),
#: long-dashed and dotted, a kind of line no trajectory draws (a trajectory's dashes, START_STYLES, are thin and opaque:
#: "nullcline" and "flow from (2, 2)" were both dark dashes in one key, a figure reviewer's finding) and wider than
#: the thin streamlines
NULLCLINE_STYLES = (((0, (4, 1.5)), 2.6), ((0, (0.5, 1.3)), 3.0))  # (long dashes: a solid band read as a heavier
# streamline, a figure reviewer)
NULLCLINE_ALPHA = 0.62  # (0.45 of NULLCLINE_COLOR was 2.2:1 on white: 0.62 keeps MIN_CONTRAST, 3.2:1)


def zero_plateau(Z: np.ndarray) -> np.ndarray:
    """The grid points where ``Z`` (a component of v on a grid) is exactly 0 with no sign change across them: no
    strictly positive and strictly negative value among their eight neighbours.  Such zeros are where the
    component underflowed (the R1 Dirac-GAN's ``sigmoid(-theta psi)`` is 0 for ``theta psi > 745``) or vanishes on a
    whole region; a contour at level 0 traced the region's edge as a nullcline.  A zero on a true nullcline (a grid
    point on the line ``psi = 0``) has values of both signs beside it and is kept.  (n, m) bool array; NaN is neither
    sign."""
    Z = np.asarray(Z, float)
    pos = np.pad(Z > 0.0, 1)
    neg = np.pad(Z < 0.0, 1)
    a, b = Z.shape
    near_pos = np.zeros(Z.shape, dtype=bool)
    near_neg = np.zeros(Z.shape, dtype=bool)
    for di in (0, 1, 2):
        for dj in (0, 1, 2):
            if di == dj == 1:
                continue
            near_pos |= pos[di:di + a, dj:dj + b]
            near_neg |= neg[di:di + a, dj:dj + b]
    return (Z == 0.0) & ~(near_pos & near_neg)


def jump_mask(field, params, center, plane, X, Y, component: int) -> np.ndarray:
    """The grid points (``X``, ``Y`` as :func:`direction_field` gives them, the other coordinates at ``center``) at a
    corner of a grid cell that a switching set across which F's ``component`` may *jump* may pass through
    (:func:`gandynamics.analysis.nonsmooth.switches`: ``Heaviside``, ``sign``, a discontinuous ``Piecewise``,
    ``floor``, ...): the cells whose corners' switching functions differ in sign (or, for an integer set, in integer
    part), or vanish at a corner.  A contour of that component at level 0 there traces where it changes sign by a jump,
    not where it vanishes: :func:`phase_portrait` leaves those cells out of its nullclines (the hinge loss's Heaviside
    drew its jump as a nullcline).  Kinks (``Abs``, ``Max``) are continuous and keep their cells.  (n, n) bool array,
    all False for a field with no such jump."""
    from ..analysis.nonsmooth import INTEGER, switches
    cache = field.__dict__.setdefault("_interval_cache", {})
    key = ("jumps_of_F", component)
    if key not in cache:
        cache[key] = [s for s in switches([field.F[component]], field.z) if s.jump]
    mask = np.zeros(X.shape, dtype=bool)
    if not cache[key]:
        return mask
    names, i, j = plane_indices(field, plane)
    p = _params(field, params)
    import sympy as sp
    values = {s: float(v) for s, v in zip(field.hyper, p)}
    values.update({s: float(v) for k, (s, v) in enumerate(zip(field.z, center)) if k not in (i, j)})
    xi, yj = field.z[i], field.z[j]
    for sw in cache[key]:
        u = sp.sympify(sp.sympify(sw.u).xreplace(values))  # (z alone, replaced by a float: a float)
        if not u.has(xi, yj):  # (constant on the plane, Heaviside(z) at z = 0 included: no jump within it; the plane
            continue           # lying on its set masked every cell)
        f = sp.lambdify((xi, yj), u, modules="numpy")
        with np.errstate(all="ignore"):
            val = np.broadcast_to(np.asarray(f(X, Y), dtype=float), X.shape)
        side = np.floor(val) if sw.kind == INTEGER else np.sign(val)
        # a cell may hold the set where its corners' sides differ, a corner lies on it, or a side is unknown (NaN)
        c00, c01, c10, c11 = side[:-1, :-1], side[:-1, 1:], side[1:, :-1], side[1:, 1:]
        cell = ~((c00 == c01) & (c00 == c10) & (c00 == c11))
        if sw.kind != INTEGER:
            cell |= (c00 == 0) | (c01 == 0) | (c10 == 0) | (c11 == 0)
        mask[:-1, :-1] |= cell
        mask[:-1, 1:] |= cell
        mask[1:, :-1] |= cell
        mask[1:, 1:] |= cell
    return mask


#: the flow's recorded states are joined by at most this many points of its curve in all (flow_curve)
FLOW_CURVE_POINTS = 20_000
#: ... where consecutive chords turn by more than this many degrees (a smooth enough polygon is drawn as it is)
FLOW_CURVE_TURN = 4.0


def flow_curve(field, tr, S: np.ndarray) -> np.ndarray:
    """The states ``S`` ((k, n), finite) of a run of the gradient flow ``dz/dt = v(z) = -F(z)`` recorded every ``dt``
    (``tr``: its :class:`~gandynamics.simulate.Trajectory`, ``dt = step x record stride``) with the curve between them
    filled in: on each interval the cubic Hermite interpolant of the two states and their derivatives ``v`` (exact at
    the states; its error ``O(dt^4)`` is that of the RK4 step itself), so that a fast rotation is drawn as the smooth
    curve it is, not as a polygon with corners at the samples (a figure review read those corners as another discrete
    method).  Points are added only where consecutive chords turn by more than :data:`FLOW_CURVE_TURN` degrees, at
    most :data:`FLOW_CURVE_POINTS` in all.  ``S`` itself for any other run, for fewer than 3 states, or where ``v`` is
    not finite at a state.  Source: the cubic Hermite form (e.g. Hairer, Norsett & Wanner, *Solving ODEs I*, §II.6)."""
    from ..runs.trajectory import Trajectory
    if not isinstance(tr, Trajectory) or tr.method != "flow" or len(S) < 3 or len(tr.times) != len(S):
        return S
    try:
        h = float(np.asarray(tr.step, float).ravel()[0])
        p = field.param_vector(tr.params)
    except (GandynamicsError, TypeError, ValueError, IndexError):
        return S
    d = np.diff(S, axis=0)
    a, b = d[:-1], d[1:]
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("ij,ij->i", a, b) / (na * nb)
    turn = np.degrees(np.arccos(np.clip(np.nan_to_num(cos, nan=1.0), -1.0, 1.0)))
    bent = np.zeros(len(S) - 1, dtype=bool)  # the intervals beside a bend
    bent[:-1] |= turn > FLOW_CURVE_TURN
    bent[1:] |= turn > FLOW_CURVE_TURN
    if not bent.any():
        return S
    per = int(min(16, max(1, FLOW_CURVE_POINTS // max(1, int(bent.sum())))))
    if per < 2:
        return S
    f = field.evaluator()[0]
    V = np.empty_like(S)
    with np.errstate(all="ignore"):
        for k, z in enumerate(S):
            V[k] = -np.asarray(f(z, p), float)
    if not np.all(np.isfinite(V)):
        return S
    dts = np.diff(np.asarray(tr.times, float)) * h
    u = np.arange(1, per)[:, None] / per  # interior points of an interval, (per - 1, 1)
    h00, h10 = 2 * u**3 - 3 * u**2 + 1, u**3 - 2 * u**2 + u
    h01, h11 = -2 * u**3 + 3 * u**2, u**3 - u**2
    out = [S[:1]]
    for k in range(len(S) - 1):
        if bent[k]:
            out.append(h00 * S[k] + h10 * dts[k] * V[k] + h01 * S[k + 1] + h11 * dts[k] * V[k + 1])
        out.append(S[k + 1:k + 2])
    return np.concatenate(out)


def equilibrium_point(field, params=None):
    """The equilibrium a figure marks, shape (n,): :func:`gandynamics.equilibrium.find_equilibrium` at ``params``
    (the game's declared equilibrium where it is a zero of F there, else a zero found from it, or from 0 for a game
    that declares none); None when no zero is found.  A game declared with ``equilibrium=None`` has its zero starred
    as ``analyze`` and ``simulate`` find it (a new user's portrait had none).  (:func:`gandynamics.equilibrium.zero_or_none`.)"""
    from ..equilibrium import zero_or_none
    return zero_or_none(field, params)


#: :func:`slice_center`'s ``star`` when the caller has not searched for the zero
_SEARCH = object()


def slice_center(field, params=None, center=None, star=_SEARCH) -> np.ndarray:
    """The point a figure's plane passes through, shape (n,): ``center`` when given, else the zero of F that
    :func:`equilibrium_point` finds (``star``: what the caller's own search found, None for no zero), else the game's
    declared equilibrium, else 0 (:func:`gandynamics.equilibrium.reference_point`).  The slice of a game of more than
    two parameters then passes through the zero the figure stars by default (the star sat where the plotted field
    was not zero for a game declared with ``equilibrium=None``)."""
    from ..equilibrium import reference_point
    if center is not None:
        return np.array(center, float)
    return reference_point(field, params) if star is _SEARCH else reference_point(field, params, zero=star)


def phase_portrait(field, params=None, *, plane=None, center=None, xlim=None, ylim=None,
                   n: int = 41, streamlines: bool | None = None, arrows: bool = False, speed: bool = False,
                   nullclines: bool = False, trajectories=(), equilibrium=True, clip=None, density: float = 1.0,
                   speed_range=None, colorbar: bool = True, title: str | None = None, legend: bool = True, ax=None,
                   notes: str = "title"):
    r"""The direction field of ``v = -F`` on a plane, with trajectories overlaid.

    For games with more than two parameters the plane is the 2-D slice through ``center`` (default: the
    equilibrium) along the two named parameters ``plane``.

    Parameters
    ----------
    field : VectorField
    params : mapping, optional
        Hyperparameter values.
    plane : pair of str, optional
        x- and y-axis parameters (default: :func:`default_plane`, the most strongly coupled generator and
        discriminator parameters).
    center, n : see :func:`direction_field`.
    xlim, ylim : pairs of float, optional
        The window, in the coordinates' own values, ``lo < hi``, each end at most :data:`WINDOW_MAX` in
        magnitude, at least :data:`WINDOW_MIN_RELATIVE` of it wide and not both ends within :data:`WINDOW_MIN` of 0
        (else a GandynamicsError: matplotlib cannot draw it) (default: :data:`HALF_WIDTH` = 2 on each side of the starred
        zero, of the point given as ``equilibrium``, or of ``center``: the window follows the zero, as the command
        line's does).
    streamlines : bool, optional
        Draw ``streamplot`` streamlines of v (default: unless ``arrows`` without ``speed``, as the command line's
        ``--arrows`` draws a quiver instead of streamlines; give both True for both).
    arrows : bool
        Draw a quiver of v (M18's notebook draws a 10 x 10 quiver; docs/mathematics.md §1.11).
    speed : bool
        Colour streamlines by ``|v|`` in the plane, in greys (trajectories keep the colours), and widen them with it
        (:data:`SPEED_WIDTH`), with a labelled
        colorbar under the axes; on a plot too small for it (gandynamics.plotting's "fitting to the figure") a compact one
        (thinner, at most four ticks, ``|v|`` beside the bar), and in a figure without layout engine where even that
        would cross the plot's edges none, the title's note giving the speeds' range.
    speed_range : pair of float, optional
        The colour scale of the speed; give the same range to panels that are compared (default: this
        panel's range).  ``ax.speed_lines`` is the mappable for a shared colorbar.
    colorbar : bool
        Draw the speed colorbar of this panel.
    nullclines : bool
        Draw the curves where each plane component of v vanishes (contours at level 0 on the grid), leaving out the
        grid cells a switching set of a jump of that component may cross (:func:`jump_mask`: a component of a hinge
        loss changes sign there by a jump, without vanishing).
    trajectories : sequence
        :class:`gandynamics.simulate.Trajectory` objects (labelled by their method), or items ``(label, states)``,
        ``(label, states, color)`` or ``(label, states, color, linestyle)``, where ``states`` is an array of shape
        ``(k, n)`` or an object with ``.states`` (:func:`trajectory_items`).  Runs that lie on one another point by
        point, within a line's width (momentum with ``beta = 0`` and gd; the same run twice), are drawn with
        interleaved dashes so that each shows its colour, unless given a line style of their own.  The start
        is marked with a white circle edged in black (:data:`START_MARKER`; M18's Figure 1 marks it in red, which is
        also gd's colour here).
    equilibrium : bool or array
        Mark the equilibrium (:func:`equilibrium_point`: the game's declared one where it is a zero of F at
        ``params``, else one found from it or from 0; none when there is none) or the given point with a black star.
    clip : float, optional
        WGAN weight clipping ``|psi| <= clip``: the forbidden values of the y-axis parameter are shaded
        (M18 Fig. 1c).
    density : float
        Streamline density.
    title : str, optional
        The title (default: :func:`portrait_title`: the game, and the methods and step of the Trajectory objects
        drawn); wrapped to the width the axes' cell gives it, notes below it.
    legend : bool or ``"below"``
        Draw the legend beside the axes (right; ``"below"``: under the x label), never over the data where the
        figure has room; where it has not, on the other side, else inside the axes where it covers the fewest
        trajectory points (the package's docstring, "fitting to the figure").  Several runs given the same label (several
        Trajectory objects of one method) are named by what differs between them (``gd, h = 0.2``) and drawn in
        shades of the method's colour.  A key that would name more than :data:`KEY_FACTOR_MIN` runs drawn one per
        pair of a colour and a line style (several methods from several starts) is factored
        (:func:`factored_key`): an entry per colour, named by the words its runs' labels begin with (``gd`` of
        ``gd from (1, 1)``, ``gd from (2, 0)``), and one per line style, in grey, named by the words they end with
        (``from (1, 1)``).
    notes : {"title", "attribute"}
        Where the notes on the trajectories go (one leaving the 2-D slice, going outside the window, run at other
        hyperparameters): under the title (the default), or only into ``ax.portrait_notes`` (a list of str), for a
        figure of several panels to say once, in its caption (five lines of notes over each panel shrank them).
    ax : matplotlib Axes, optional
        Default: a new figure's (4.6 x 4.2 inches, widened by the legend's width when it has one beside it; a legend
        wider than the plot goes below it, in as many columns as fit the plot's width, its entries wrapped, and the
        figure is made taller for it: :func:`_key_of_own_figure`).
        Drawn into as it is: its figure's layout engine (or none) is kept (a plain constrained layout becomes the
        one that shows a title the draw-time wrap splits in two lines, with the same parameters:
        ``_RefittingLayout``).

    Returns
    -------
    ax : matplotlib Axes
        With ``ax.speed_colorbar``: the speed's :class:`matplotlib.colorbar.Colorbar` (None without one), whose axes
        are a child of ``ax`` (``ax.child_axes``, not in ``fig.axes``: it follows the plot's width as drawn); and
        ``ax.warnings``: what the figure notes about itself (an identically zero field on the plane, a
        trajectory leaving the slice or going outside the window, a run simulated at other hyperparameter values
        or on another game than the field drawn, a speed colorbar left out for want of room), also written in the
        title.
    """
    if not (isinstance(legend, (bool, np.bool_)) or (isinstance(legend, str) and legend == "below")):
        raise GandynamicsError(f"legend must be True, False or 'below'; got {legend!r}")
    if notes not in ("title", "attribute"):
        raise GandynamicsError(f"notes must be 'title' or 'attribute'; got {notes!r}")
    own = ax is None  # (a figure made here is widened for its legend)
    ax = _axes(ax)
    ax.speed_colorbar = None
    from ..validate import positive
    density = positive(density, "density")  # (streamplot's own ValueError for density=-1)
    names, i, j = plane_indices(field, plane)
    # the zero to star, found once; the slice of a larger game passes through it unless center is given
    star = equilibrium_point(field, params) if equilibrium is True else None
    if center is None and field.n > 2:  # (one search: none again when it found no zero)
        center = slice_center(field, params, star=star) if equilibrium is True else slice_center(field, params)
    c_slice = np.array(center if center is not None else np.zeros(field.n), float)
    # the window: given, or around the slice's centre (a larger game; the centre given), the starred zero, the point
    # given as equilibrium, or (equilibrium=False) the zero slice_center finds
    if xlim is not None and ylim is not None or center is not None or field.n > 2:
        ref = c_slice
    elif equilibrium is True:
        ref = star if star is not None else c_slice
    elif equilibrium is False or equilibrium is None:
        ref = slice_center(field, params)
    else:
        ref = field.point(equilibrium)
    xlim, ylim = window_around(ref, i, xlim, "xlim"), window_around(ref, j, ylim, "ylim")
    X, Y, U, V = direction_field(field, params, names, c_slice, xlim, ylim, n)
    ok = np.isfinite(U) & np.isfinite(V)
    Um, Vm = np.where(ok, U, 0.0), np.where(ok, V, 0.0)
    spd = np.hypot(Um, Vm)
    vmax = float(spd.max()) if spd.size else 0.0
    zero_field = bool(np.any(ok)) and vmax <= 1e-12 * max(1.0, float(np.nanmax(np.abs(np.concatenate([X.ravel(), Y.ravel()])))))
    warnings = []
    if not np.any(ok):
        warnings.append("v is not finite anywhere on this plane")
    elif zero_field:
        across = _speed_across(field, params, c_slice, i, j, X, Y) if field.n > 2 else 0.0
        if across > 0.0:  # (the reviewer's mlp portrait said "v = 0" where v pointed out of the plane)
            warnings.append(f"v has no component along ({symbol(names[0])}, {symbol(names[1])}) on this plane: it "
                            f"points out of it (|v| up to {across:z.2g} at the window's corners and centre); no "
                            "streamlines to draw, another plane shows the motion")
        else:
            warnings.append(f"v = 0 identically on this plane ({symbol(names[0])}, {symbol(names[1])}): "
                            "no streamlines to draw")
    if streamlines is None:  # (speed colours the streamlines: asked for, they are drawn beside the quiver)
        streamlines = not arrows or bool(speed)
    if streamlines and not zero_field and np.any(ok):
        kw = {}
        if speed:
            from matplotlib.colors import Normalize
            lo_hi = speed_range if speed_range is not None else (0.0, vmax)
            cmap = speed_cmap()
            # and the width from 0.4 to 2.2 points with the speed: a grey scale alone was not read (a figure review:
            # three panels of one grey), and the trajectories keep the colours
            share = np.clip((spd - lo_hi[0]) / (lo_hi[1] - lo_hi[0]), 0.0, 1.0) if lo_hi[1] > lo_hi[0] else \
                np.zeros_like(spd)
            kw = {"color": spd, "cmap": cmap, "norm": Normalize(*lo_hi), "linewidth": 0.4 + SPEED_WIDTH * share}
        else:
            kw = {"color": STREAM_COLOR, "linewidth": 0.7}
        # (matplotlib's streamline integrator divides by its step's error estimate, which is 0 where the field is
        # uniform: an overflow warning from inside matplotlib, for a wide window of the R1 Dirac-GAN, a new user's call)
        before = len(ax.patches)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            sp = ax.streamplot(X[0], Y[:, 0], np.ma.masked_where(~ok, U), np.ma.masked_where(~ok, V),
                               density=density, arrowsize=0.8, zorder=1, **kw)
        for a in [sp.lines] + list(ax.patches[before:]):  # (the field's grey texture under the runs, its arrows: told
            a.set_gid("streamlines")                          # from the runs' lines by tests)
        if speed:
            ax.speed_lines = sp.lines
    handles = []
    if arrows and streamlines and not zero_field and np.any(ok):  # (both kinds of line named in the key: it named the
        # quiver alone)
        handles.append(Line2D([], [], color=STREAM_COLOR, lw=1.0, label="streamlines of v"))
    if arrows:
        k = max(1, n // 10)
        sl = (slice(None, None, k), slice(None, None, k))
        # arrows of a field whose speed varies over orders across the window (a cubic one) drawn no longer than
        # QUIVER_CAP times the speed most arrows have, in their direction: matplotlib scales them to the mean, and
        # those at the edge ran off the axes while the middle ones were dots (a new user); the key says so
        Us, Vs = Um[sl], Vm[sl]
        mag = np.hypot(Us, Vs)
        capped = False
        if np.isfinite(mag).any():
            cap = QUIVER_CAP * float(np.nanmedian(mag))
            if cap > 0.0 and float(np.nanmax(mag)) > QUIVER_SPREAD / QUIVER_CAP * cap:
                with np.errstate(invalid="ignore", divide="ignore"):
                    f = np.where(mag > cap, cap / mag, 1.0)
                Us, Vs, capped = Us * f, Vs * f, True
        Um, Vm = Um.copy(), Vm.copy()
        Um[sl], Vm[sl] = Us, Vs
        qkw = {}
        if capped:  # (the capped length one grid cell of the arrows: matplotlib's scale to the mean made it several)
            xs, ys = np.unique(X[sl]), np.unique(Y[sl])
            cell = min(np.diff(xs).min() if xs.size > 1 else np.inf, np.diff(ys).min() if ys.size > 1 else np.inf)
            if np.isfinite(cell) and cell > 0:
                qkw = {"scale_units": "xy", "scale": cap / (0.9 * cell)}
        if speed:  # (coloured by the speed as the streamlines are: a grey of fixed shade read as a speed on its scale)
            from matplotlib.colors import Normalize
            lo_hi = speed_range if speed_range is not None else (0.0, vmax)
            # (edged in black: grey arrows on grey streamlines of the same scale were lost among them, a reviewer)
            ax.quiver(X[sl], Y[sl], Um[sl], Vm[sl], spd[sl], cmap=speed_cmap(), norm=Normalize(*lo_hi), angles="xy",
                      width=0.004, zorder=2, edgecolor="black", linewidth=0.5, **qkw)
        else:
            ax.quiver(X[sl], Y[sl], Um[sl], Vm[sl], color=QUIVER_COLOR, angles="xy", width=0.004, zorder=2, **qkw)
        # (named in the key: beside streamlines, whose greys tell the speed, a grey arrow of fixed length read as one)
        handles.append(quiver_handle(capped=capped))
    if nullclines:
        # the zero sets of each component, without the cells where it may jump across 0 (jump_mask)
        # and without the zeros that no sign change crosses (a component that underflowed to 0: the R1 Dirac-GAN's
        # sigmoid beyond theta psi = 745 drew a jagged "nullcline" along that curve: zero_plateau)
        U0 = np.where(ok & ~jump_mask(field, params, c_slice, names, X, Y, i) & ~zero_plateau(U), U, np.nan)
        V0 = np.where(ok & ~jump_mask(field, params, c_slice, names, X, Y, j) & ~zero_plateau(V), V, np.nan)
        for name, Z, (ls, lw) in ((names[0], U0, NULLCLINE_STYLES[0]), (names[1], V0, NULLCLINE_STYLES[1])):
            color = NULLCLINE_COLOR
            # (a component NaN everywhere, or of one sign in the window: no contour, and no legend entry for a line
            # that is not drawn; matplotlib warns of an empty one)
            if not (np.isfinite(Z).any() and np.nanmin(Z) <= 0.0 <= np.nanmax(Z)):
                continue
            cs = ax.contour(X, Y, Z, levels=[0.0], colors=color, linestyles=[ls], linewidths=lw, alpha=NULLCLINE_ALPHA)
            cs.set_capstyle("round")  # (round dots)
            cs.nullcline_of = name  # (which coordinate's: the two share a colour)
            if any(len(seg) for level in cs.allsegs for seg in level):
                handles.append(Line2D([], [], color=color, ls=ls, lw=lw, alpha=NULLCLINE_ALPHA, dash_capstyle="round",
                                      label=f"nullcline d{symbol(name)}/dt = 0"))
    if clip is not None:
        c = float(clip)
        # grey hatching: a shade of a colour read as a method's (red is gd's, whose trajectories cross it)
        ax.axhspan(max(c, ylim[0]), max(ylim[1], c), **FORBIDDEN_STYLE)
        ax.axhspan(min(ylim[0], -c), min(-c, ylim[1]), **FORBIDDEN_STYLE)
        handles.append(matplotlib.patches.Patch(**FORBIDDEN_STYLE,
                                                label=f"forbidden |{symbol(names[1])}| > {number_text(c, 'g')} (clipping)"))
    others = [k for k in range(field.n) if k not in (i, j)]
    leaving = []  # (note, label, deviation) of each trajectory that leaves the slice
    outside = []  # the labels of the trajectories that leave the window
    trajectories = _told_apart(trajectory_items(trajectories, "phase_portrait"))
    paths = []  # (line, its points in the plane) of each trajectory drawn
    lasts = []  # each trajectory's last state in the plane
    starts_in = False  # whether some trajectory's start is drawn (inside the window)
    jumpers = []  # the runs drawn as their states (_jumps)
    other_zeros = []  # the last states of runs that stand still at another zero of F
    for t_index, item in enumerate(trajectories):
        label, tr, color = item[0], item[1], item[2]
        if color is None:
            color = TRAJECTORY_COLORS[t_index % len(TRAJECTORY_COLORS)]
        S = _states(tr)
        if S.ndim != 2 or S.shape[1] != field.n:
            raise GandynamicsError(f"trajectory {label!r} has shape {S.shape}; expected (steps, {field.n})")
        fin = np.all(np.isfinite(S), axis=1)
        S = S[fin]
        w = _slice_warning(S, others, c_slice, label)
        if w:
            warnings.append(w)
            leaving.append((w, label, _slice_deviation(S, others, c_slice)))
        w = _other_field_warning(field, params, tr, label)
        if w:
            warnings.append(w)
        elif fin.all():  # (the flow's curve between its recorded states, not a polygon through them)
            S = flow_curve(field, tr, S)
        style = item[3] if len(item) > 3 else None
        # the flow, the curve the methods are compared with, under them: drawn last in black it hid the methods that
        # follow it closely (a figure review: altgd, eg and eftp under the flow on the R1 Dirac-GAN)
        # a run that converges over one that does not (a short path into z* drawn under a long tangle was lost: eg
        # under adam's 400 steps at h = 0.6, a figure reviewer's finding)
        # a discrete run whose steps jump across the window (gd beyond its stable step, on an invariant curve about z*:
        # each step a chord across it, and the lines joining them a band of chords that is no path of the run, a
        # figure review) is drawn as its states, not joined
        # (never a run that diverged or stopped: its states inside the window are its few first ones, and as dots gd
        # at h = 2 on the bilinear game showed its start alone, read as a jump, where it diverged at step 18: joined,
        # its path runs to the window's edge, where an arrow head says it leaves, a figure review)
        ended = bool(getattr(tr, "diverged", False))
        dots = getattr(tr, "method", None) != "flow" and not ended and _jumps(S[:, [i, j]], xlim, ylim)
        if dots:
            jumpers.append(label)
        line, = ax.plot(*_broken_outside(S[:, i], S[:, j], xlim, ylim), color=color, lw=1.2,
                        ls="none" if dots else style if style is not None else "-", label=label,
                        marker=JUMP_MARKERS[(len(jumpers) - 1) % len(JUMP_MARKERS)] if dots else None,
                        ms=JUMP_MARKER_SIZE, mfc="none", mew=1.0,
                        zorder=(2.9 if getattr(tr, "method", None) == "flow" else
                                3.2 if getattr(tr, "verdict", None) == "converging" else 3))
        if dots:
            line.__class__ = _StatesLine
        if ended:
            _exit_arrow(ax, S[:, [i, j]], xlim, ylim, line.get_color())
        # (a style given tells a run apart from runs of other styles only: the first start's runs of a portrait of
        # several starts are solid, and eg's hid under eftp's, a new user's finding; the other starts' dashed runs
        # alike, the figure review)
        paths.append((line, S[:, [i, j]]))
        rows = outside_rows(S[:, [i, j]], xlim, ylim)
        if rows.size:  # (the figure shows only the part inside: the note says there is more; or that none of it is:
            # "goes outside" was said of runs with no state inside, and of runs that start outside and stay out of it)
            kind = "none" if rows.size == len(S) else "start" if rows[0] == 0 else "leaves"
            outside.append((label, kind, (S[0, i], S[0, j])))
        if rows.size == 0 or rows[0] != 0:
            starts_in = True
        ax.plot(S[-1, i], S[-1, j], color=line.get_color(), zorder=4, **LAST_MARKER)
        if (getattr(tr, "reading", None) or {}).get("final_zero"):  # (a run that converged to another zero than the
            # starred one: a plain dot there, with no key entry, in a new user's game with three equilibria)
            other_zeros.append((S[-1, i], S[-1, j]))  # (its dot under that zero's diamond: no "last state" for it)
        else:
            lasts.append((S[-1, i], S[-1, j], S[0, i], S[0, j]))
        ax.plot(S[0, i], S[0, j], zorder=5, **START_MARKER)
        handles.append(line)
    handles, groups = _factored(handles, [p_[0] for p_ in paths])
    # (a factored key's grey line styles drawn long enough to show their patterns: at the default length the fifth and
    # sixth starts' styles looked solid, a new user)
    extra = {"handlelength": 3.2} if groups else {}
    e = None
    if equilibrium is not False and equilibrium is not None:
        e = star if equilibrium is True else np.asarray(equilibrium, float)
    # whether a last state's dot can be seen: inside the window and not under the equilibrium's star (within
    # LAST_UNDER_STAR of the window's size; the asymmetric-regularization figure's key named a dot no panel showed)
    # (nor under its own start's circle: the flow's closed orbit in m18_fig2 ended where it began, its dot hidden
    # there and keyed, a figure review)
    def under(p_, q):
        return bool(np.hypot((p_[0] - q[0]) / (xlim[1] - xlim[0]), (p_[1] - q[1]) / (ylim[1] - ylim[0]))
                    <= LAST_UNDER_STAR)
    ax.last_state_shown = any(
        outside_rows([p_[:2]], xlim, ylim).size == 0 and (e is None or not under(p_, (e[i], e[j])))
        and not under(p_, p_[2:])
        for p_ in lasts if np.all(np.isfinite(p_)))
    # the start, when one is drawn inside the window, and the last state's dot where one is seen (a single portrait's
    # key named neither dot: m18_fig2's flow ended in a dot read as a second start, a figure reviewer's finding; the
    # key of a grid of portraits has them from portrait_handles)
    if trajectories and (starts_in or ax.last_state_shown):
        # (the words on its colour in the key of a figure made here, sized for its key; in a user's small panel the
        # longer entry pushed the key over a title moved inside: "last state" alone there)
        marks = portrait_handles(equilibrium=False, last=ax.last_state_shown,
                                 last_label=LAST_STATE_LABEL if own else "last state")
        handles.extend(marks if starts_in else marks[1:])
    if e is not None:
        # (a white edge: on the flow's black path, which ends there, a black star was not to be seen)
        h, = ax.plot(e[i], e[j], zorder=6, **EQUILIBRIUM_MARKER)
        if outside_rows([(e[i], e[j])], xlim, ylim).size == 0:  # (keyed where it is seen, as the starts and the other
            handles.append(h)                                    # zeros: a zoom away from it keyed a star not drawn)
    seen = [p_ for p_ in other_zeros if outside_rows([p_], xlim, ylim).size == 0]
    if seen:
        h, = ax.plot([p_[0] for p_ in seen], [p_[1] for p_ in seen], zorder=6, **OTHER_ZERO_MARKER)
        handles.append(h)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    _portrait_aspect(ax, xlim, ylim)
    # (a factored key's runs named as it names them: a colour's name, without the tally of verdicts it ends with in
    # brackets, "(bounded, not converging: 6 of 6)", but with its options, "momentum (β = −0.5)", then a style's)
    parts = {lab: (re.sub(r"\s+\([^()]*\b\d+ of \d+\)$", "", g) or g, lab[len(g):].strip())
             for g, labs in groups.items() for lab in labs if lab.startswith(g)}
    coinciding = _dash_coinciding_paths(ax, paths, xlim, ylim)
    note = _coinciding_note(coinciding, parts) if groups else ""
    if note:  # (a factored key names the runs' colours and styles apart: what the alternating dashes are, said once)
        warnings.append(note)
    if jumpers:
        one = len(jumpers) == 1
        jumpers = [_run_name(lab) for lab in jumpers]  # (the run's name, not its verdict)
        # (the rule in a few words: its whole statement, a paragraph in the title, swamped the figure, a review)
        warnings.append(f"{_and(jumpers) if len(jumpers) <= 3 else f'{len(jumpers)} runs'} "
                        f"{'jumps' if one else 'jump'} across the window (median step "
                        f"\u2265 {JUMP_SHARE:z.0%} of its diagonal, turning \u2265 "
                        f"{round(math.degrees(2 * math.asin(JUMP_TURN / 2)), -1):z.0f}\u00b0 about its centre): "
                        f"drawn as {'its' if one else 'their'} states, hollow markers, not joined")
    if not groups:  # (a key naming each run: runs of one colour drawn as one line said so there, after the runs')
        said_one = [Line2D([], [], color="none", label=text) for text in _one_line_entries(coinciding)]
        at = max((k + 1 for k, h in enumerate(handles) if any(h is p_[0] for p_ in paths)), default=len(handles))
        handles[at:at] = said_one
    ax.set_xlabel(symbol(names[0]))
    # (as many ticks as the labels' widths let the axis hold: a window of 0.02 ran "-0.0100-0.0075..." together)
    ax.xaxis.set_major_locator(_FittingTicks(9, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylabel(symbol(names[1]))
    for kind in ("leaves", "start", "none"):  # (labels starting with "_" are matplotlib's hidden ones: counted, not named)
        these = [(lab, z0) for lab, k, z0 in outside if k == kind]
        if not these:
            continue
        named = [lab for lab, _ in these if not lab.startswith("_")]
        hidden = len(these) - len(named)
        factored = _factored_names(named, parts) if groups and len(named) > 1 else None
        if factored is None and not groups:  # (named without the verdicts their keys give: "lookahead (base = altgd)
            # and eg (bounded, not converging, ...) go outside" read as if both were bounded, a figure review)
            named = [_run_name(lab) for lab in named]
        if factored is not None:  # (a factored key's runs named by its colours and styles: "gd and eg from (1, 1)")
            who = "; ".join(factored)
        else:
            for g, labs in groups.items():  # (a factored key's runs of one colour, all of them: said as one)
                if len(labs) > 1 and set(labs) <= set(named):
                    at = named.index(labs[0])
                    named = [lab for lab in named if lab not in labs]
                    named.insert(min(at, len(named)), f"the {len(labs)} runs of {g}")
            who = _and(named) if named else ""
        if hidden:
            who += ("; " if factored is not None else " and " if who else "") + \
                f"{hidden} unlabelled trajector{'y' if hidden == 1 else 'ies'}"
        one = len(these) == 1
        if kind == "none":
            warnings.append(f"{who} {'has' if one else 'have'} no state inside the window")
        elif kind == "leaves":
            warnings.append(f"{who} {'goes' if one else 'go'} outside the window")
        else:  # (their start is not drawn: it lies beyond the window)
            starts = list(dict.fromkeys(f"({number_text(float(a), '.3g')}, {number_text(float(b), '.3g')})"
                                        for _, (a, b) in these))
            warnings.append(f"{who} {'starts' if one else 'start'} outside the window, at {_and(starts)}")
    head = _runs_title(field, params, trajectories) if title is None else title
    said = []
    if warnings:  # in the title: on the figure, never over the data, and the layout makes room for it
        said = [w for w in warnings if w not in {n for n, _, _ in leaving}]
        if len(leaving) > 1:  # one note for all of them, not the same sentence once per trajectory
            names = [lab for _, lab, _ in leaving]
            devs = [d for _, _, d in leaving]
            if max(devs) <= 10 * min(devs):
                said.append(f"{_and(names)} leave the slice (other coordinates move by up "
                             f"to {number_text(max(devs), '.3g')}): their projections are drawn over the slice's field")
            else:  # each its own: "gd and altgd ... up to 1.04e+07" read as both far off (gd moved by 0.01)
                each = [n + " (by up to " + number_text(d, ".3g") + ")" for n, d in zip(names, devs)]
                said.append(f"{_and(each)} leave the slice "
                             "(other coordinates move): their projections are drawn over the slice's field")
        else:
            said += [n for n, _, _ in leaving]
    loc = "below" if legend == "below" else "right"
    ax.portrait_notes = said  # (the list itself: a note added below is in it too)

    def retitle():  # (as it will be: its height counts in the room of a legend and colorbar)
        _title_with_notes(ax, head, said if notes == "title" else [])
    if own and legend and handles:  # (the key's place, columns and lines decided from its size, the figure made for it)
        handles = [h for h in handles if not str(h.get_label()).startswith("_")]  # (as the key lists them)
        loc, extra = _key_of_own_figure(ax, handles, loc, extra, retitle)
    retitle()
    beside, places, reserve = [], None, (0.0, 0.0)
    if getattr(ax, "speed_lines", None) is not None and colorbar:
        # below the axes: the legend takes the right side (a colorbar there was pushed past the legend, leaving the
        # square axes small between them); compact or left out where it would leave the plot too small
        cb, where, note = _speed_colorbar(ax, ax.speed_lines, handles if legend else [], loc, extra)
        ax.speed_colorbar = cb
        if cb is not None:
            beside.append(cb.ax)
            reserve = (0.0, _colorbar_height(ax, cb._gandynamics_kind))
        if note:
            warnings.append(note)
            said.append(note)
        if _managed(ax):
            places = (where,)
    ax.warnings = warnings  # what the figure says about itself (tests, CLI)
    if legend and handles:
        _legend_outside(ax, loc=loc, places=places, handles=handles, reserve=reserve, **extra)
    _title_with_notes(ax, head, said if notes == "title" else [], beside=beside)
    return ax


#: a portrait's key naming more runs than this, one per pair of a colour and a line style, is factored (factored_key):
#: 5 methods from 4 starts named 20 runs, with a verdict each, and the key covered the whole plot (a figure review)
KEY_FACTOR_MIN = 8


def factored_key(handles: list, among=None) -> list:
    """See :func:`_factored`: the handles alone."""
    return _factored(handles, among)[0]


def _factored(handles: list, among=None) -> tuple[list, dict]:
    """The key entries ``handles`` (matplotlib artists) with the runs' lines factored where they form a grid: when
    more than :data:`KEY_FACTOR_MIN` of them are named, in at least two colours and two line styles, each pair of a
    colour and a style at most once, the lines are replaced by one entry per colour (a solid line, named by the
    words the labels of its runs begin with, up to a point outside brackets) and one per line style (grey, named by the
    rest of its runs' labels, which must be the same for each), in the order they first appear, so that a colour's
    name and a style's name make the label of their run; the words every colour's name would end with go to the
    styles' names (``gd`` and ``from (1, 1)``, not ``gd from`` and ``(1, 1)``).  Anything else, or labels that do not
    split so, is returned as it was.  ``among``: the lines that may be factored (a portrait's runs, not its nullclines), default every line
    of ``handles``.  The other entries (patches, markers, lines not among them) keep their places, after the factored ones.  Returns ``(handles,
    groups)``, ``groups`` ``{colour's name: [labels of its runs]}`` (empty when nothing was factored)."""
    from matplotlib.colors import to_hex
    lines = [h for h in handles if isinstance(h, Line2D) and h.get_linestyle() not in ("None", "", " ")
             and not h.get_label().startswith("_") and (among is None or any(h is x for x in among))]
    if len(lines) <= KEY_FACTOR_MIN:
        return handles, {}
    colors, styles, pairs = {}, {}, set()
    for h in lines:
        c, s_ = to_hex(h.get_color()), _dash_key(h)
        colors.setdefault(c, []).append(h)
        styles.setdefault(s_, []).append(h)
        pairs.add((c, s_))
    if len(pairs) != len(lines) or len(colors) < 2 or len(styles) < 2:
        return handles, {}
    words = {id(h): h.get_label().split() for h in lines}

    def common(lists, end: bool) -> list:
        out = []
        for ws in zip(*[(w[::-1] if end else w) for w in lists]):
            if len(set(ws)) != 1:
                break
            out.append(ws[0])
        return out[::-1] if end else out
    def depth(ws) -> int:  # (brackets open after these words: a name never ends inside a bracket)
        t = " ".join(ws)
        return t.count("(") + t.count("[") - t.count(")") - t.count("]")

    # each label is its colour's words, then its style's: the colour's name the longest prefix its runs share that
    # ends outside brackets, less the words every colour's name ends with ("from" of "gd from (1, 1)"), as long as the
    # cut stays outside brackets: a method's verdicts "(bounded, not converging: 2 of 5)" ended in the words of another
    # method's "(...: 3 of 5)", and the cut fell inside them (a new user's key read "gd (bounded, not converging: 2")
    cut = {}
    for c, hs in colors.items():
        n = len(common([words[id(h)] for h in hs], False))
        while n > 0 and any(depth(words[id(h)][:n]) for h in hs):
            n -= 1
        cut[c] = n
    lead = common([words[id(hs[0])][:cut[c]] for c, hs in colors.items()], True)
    # (never a bracket: a method's own words, its options or the verdicts of its runs "(bounded, not converging: 6 of
    # 6)", stay in its name though every method's end alike; moved to the styles, they were said once per start, in the
    # key and in the title's note, a new user's 6 starts x 3 methods)
    lead = lead[len(lead) - next((k for k, w in enumerate(reversed(lead)) if re.search(r"[()\[\]]", w)), len(lead)):]
    for m in range(len(lead), 0, -1):  # (the longest common ending whose removal leaves every cut outside brackets)
        if all(not depth(words[id(h)][:cut[c] - m]) for c, hs in colors.items() for h in hs):
            cut = {c: n - m for c, n in cut.items()}
            break
    cname = {c: words[id(hs[0])][:cut[c]] for c, hs in colors.items()}
    sname = {}
    for c, hs in colors.items():
        for h in hs:  # (the rest of each label: the same for every run of its style, or the labels do not factor)
            if sname.setdefault(_dash_key(h), words[id(h)][cut[c]:]) != words[id(h)][cut[c]:]:
                return handles, {}
    if not all(cname.values()) or not all(sname.values()):
        return handles, {}

    def entry(like, color, label, solid=False):  # (a copy of a run's line: its width and its dash pattern)
        k = Line2D([], [])
        k.update_from(like)
        k.set_color(color)
        k.set_label(label)
        if solid:
            k.set_linestyle("-")
        return k
    keyed = [entry(hs[0], c, " ".join(cname[c]), solid=True) for c, hs in colors.items()]
    keyed += [entry(hs[0], "0.35", " ".join(sname[s_])) for s_, hs in styles.items()]
    first = next(k for k, h in enumerate(handles) if h is lines[0])
    rest = [h for h in handles if not any(h is x for x in lines)]
    groups = {" ".join(cname[c]): [h.get_label() for h in hs] for c, hs in colors.items()}
    return rest[:first] + keyed + rest[first:], groups


def _other_field_warning(field, params, tr, label: str) -> str:
    """A note when the run ``tr`` (a Trajectory) was simulated at other hyperparameter values than the field drawn
    (``params``) or on another game: its path does not follow the streamlines shown (a new user's gamma = 0.3 runs
    drawn silently on a gamma = 1 portrait); "" otherwise (an array of states carries no such record)."""
    from ..runs.trajectory import Trajectory
    if not isinstance(tr, Trajectory):
        return ""
    game = ((getattr(tr, "provenance", None) or {}).get("game") or {}).get("name")
    if game is not None and getattr(field, "name", None) is not None and game != field.name:
        return f"{label} was run on the game {game}, not on the {field.name} drawn"
    drawn = dict(zip(field.defaults, _params(field, params).tolist()))
    differ = [(k, float(v), drawn[k]) for k, v in (tr.params or {}).items()
              if k in drawn and not math.isclose(float(v), drawn[k], rel_tol=1e-12, abs_tol=1e-15)]
    if not differ:
        return ""
    at = ", ".join(f"{_greek_text(k)} = {number_text(v, 'g')}" for k, v, _ in differ)
    here = ", ".join(f"{_greek_text(k)} = {number_text(d, 'g')}" for k, _, d in differ)
    return f"{label} was run at {at}; the field drawn is at {here}"


def _widen_for_legend(ax, handles, **kw) -> None:
    """Widen the figure of ``ax`` (one made by the drawing itself) by the width of a legend of ``handles`` right of
    the axes: the plot keeps its size and the legend its place beside it (a new user's default portrait had its
    legend inside, over a trajectory's start)."""
    r = _renderer(ax)
    if r is None:
        return
    probe = ax.legend(handles=handles, **_right_of(ax), **kw)
    fig = _root(ax.figure)
    width = probe.get_window_extent(r).width / fig.dpi
    probe.remove()
    w, h = fig.get_size_inches()
    fig.set_size_inches(w + width + 0.15, h)


#: the most columns of a key below a portrait of its own figure (:func:`_key_of_own_figure`)
KEY_BELOW_COLUMNS = 4
#: the gap (points) a key below a portrait of its own figure leaves under the plot's x label, and twice under itself
KEY_BELOW_GAP = 6.0


def _key_of_own_figure(ax, handles, loc: str, kw: dict, retitle=lambda: None) -> tuple[str, dict]:
    """The place of the key of ``handles`` in a portrait's own figure, and its options; the figure made for it.  Right
    of the plot where the key is no wider than the plot (the figure widened by it, :func:`_widen_for_legend`), else
    below it (and where asked there): in as many columns as fit the plot's width, each entry wrapped at its spaces
    (balanced lines) when one column is wider, the figure made taller by the key so that the plot keeps its size.  A
    key right of the plot was wider than it (6 starts x 3 methods: 349 pixels beside 319, 9 starts of one method 416
    beside 388, a new user); wrapped there by the layout it grew taller than the figure, and the layout collapsed the
    plot.  ``retitle`` sets the title as it will be (wrapped to the figure's width: its height counts in the plot's).
    Returns ``(place, options)`` (``labels`` and ``ncol`` added for a key below)."""
    r = _renderer(ax)
    handles = [h for h in handles if not str(getattr(h, "get_label", lambda: "")()).startswith("_")]
    if r is None or not handles:
        if loc == "right":
            _widen_for_legend(ax, handles, **kw)
        return loc, kw
    fig = _root(ax.figure)
    size_before = fig.get_size_inches().copy()
    if loc == "right":  # (the figure widened, the title wrapped to it: the plot's width beside the key)
        probe = ax.legend(handles=handles, **_right_of(ax), **kw)
        key = probe.get_window_extent(r)
        probe.remove()
        _widen_for_legend(ax, handles, **kw)
        retitle()
        if key.width <= _plot_in(ax, *_data_room(ax, r, right=key.width + _px(ax, RIGHT_GAP)))[0] + 0.5:
            return loc, kw
        fig.set_size_inches(size_before)
    retitle()
    # the plot as it would be in the figure of its default height under a title of one line (a title of nine lines,
    # the notes of runs that lie on one another, left it 180 pixels of a 4.2 inch figure), the key under it, the
    # figure as tall as they and the title as it is in that figure are (set smaller in a short one: measured again)
    line = _px(ax, 1.25 * _font_points(ax.title.get_fontsize()) + matplotlib.rcParams["axes.titlepad"])
    for _ in range(5):
        room = _data_room(ax, r)
        _, bottom, title = _decorations(ax, r)
        around = _cell(ax).height - room[1] - title  # (the x axis's labels, the layout's paddings)
        side = _plot_in(ax, room[0], size_before[1] * fig.dpi - around - line)
        labels, ncol, height = _key_below(ax, r, handles, [h.get_label() for h in handles], kw, side[0])
        # (the key hangs under the x label as _below hangs it: 0.16 of the data room's height under the plot, or just
        # under the label)
        hang = max(0.16 * room[1], 1.25 * (bottom + _px(ax, 4.0)))
        need = (around - bottom + title + side[1] + hang + height + 2 * _px(ax, KEY_BELOW_GAP)) / fig.dpi
        if abs(need - fig.get_size_inches()[1]) < 0.02:
            break
        fig.set_size_inches(size_before[0], max(need, size_before[1]))
        retitle()
    return "below", {**kw, "labels": labels, "ncol": ncol}


def _key_below(ax, r, handles, labels, kw, width: float) -> tuple[list, int, float]:
    """The key of ``handles`` below the plot of ``ax`` with the fewest rows in 1 to :data:`KEY_BELOW_COLUMNS` columns
    no wider than the plot (``width``, display units): its ``labels`` as they are, else each wrapped (balanced lines,
    at its spaces) to the width a column leaves its text.  Returns ``(labels as shown, columns, height)`` (display
    units)."""
    from matplotlib.font_manager import FontProperties
    where = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0)}

    def probe_size(shown, ncol):
        leg = ax.legend(handles=handles, labels=shown, ncol=ncol, **where, **kw)
        size = leg.get_window_extent(r)
        leg.remove()
        return size
    measure = _measure(ax, r, FontProperties(size=kw.get("fontsize", matplotlib.rcParams["legend.fontsize"])))
    best = None
    for ncol in range(1, min(len(handles), KEY_BELOW_COLUMNS) + 1):
        frame = probe_size(["M"] * len(handles), ncol).width - ncol * measure("M")  # (handles, paddings, spacing)
        room = (width - frame) / ncol - 2.0
        if ncol > 1 and room < measure("M" * 10):
            break
        shown = [_fill(t, room, measure, balanced=True) if measure(t) > room else t for t in labels]
        size = probe_size(shown, ncol)
        if size.width <= width + 0.5 and (best is None or size.height < best[2] - 0.5):
            best = (shown, ncol, size.height)
    if best is None:  # (no room even for one column of short lines: one column, a word a line)
        shown = [t.replace(" ", "\n") for t in labels]
        best = (shown, 1, probe_size(shown, 1).height)
    return best


class _BelowPlot:
    """The axes locator of a speed colorbar under a plot: ``shrink`` of the plot's width as drawn (a fixed-aspect plot
    narrowed inside its cell: the bar followed the cell and was wider than the plot in a wide figure), centred under
    it, below its x labels by 4 points, ``shrink / aspect`` of its width thick (at least 4 points).  A child of the
    plot's axes (``Axes.inset_axes``): layout engines leave room for it, as for the axes' own labels."""

    def __init__(self, ax, shrink: float, aspect: float):
        self.ax, self.shrink, self.aspect = ax, shrink, aspect

    def __call__(self, cax, renderer):
        from matplotlib.transforms import Bbox
        ax = self.ax
        ax.apply_aspect()
        box = ax.get_window_extent(renderer)
        below = _decorations(ax, renderer)[1] + _px(ax, 4.0)
        w = self.shrink * box.width
        h = max(w / self.aspect, _px(ax, 4.0))
        disp = Bbox.from_bounds(box.x0 + (box.width - w) / 2, box.y0 - below - h, w, h)
        return disp.transformed(ax.figure.transSubfigure.inverted())


class _FittingTicks(matplotlib.ticker.MaxNLocator):
    """At most ``most`` ticks on a horizontal axis, and no more than its length as drawn holds: each tick's label (as
    the axis's formatter writes it, at about 0.6 font sizes a character) and a gap of one font size.  A colorbar under
    a small plot ("0.01.53.0" where the bar was 50 pixels long) and a portrait's window of 0.02 ("-0.0100-0.0075-0.0050"
    run together along its whole x axis, a figure review) keep readable ticks."""

    def __init__(self, most: int, **kw):
        super().__init__(nbins=most, **kw)
        self.most = most

    def __call__(self):
        ax = self.axis.axes
        em = _font_points(matplotlib.rcParams["xtick.labelsize"]) * _root(ax.figure).dpi / 72.0
        length = max(ax.get_window_extent().width, 1.0)
        nbins = self.most
        while True:
            self.set_params(nbins=nbins)
            locs = super().__call__()
            if nbins <= 1 or self.axis is not ax.xaxis:
                return locs
            vmin, vmax = sorted(self.axis.get_view_interval())
            shown = [v for v in locs if vmin - 1e-9 * abs(vmax - vmin) <= v <= vmax + 1e-9 * abs(vmax - vmin)]
            try:
                labels = self.axis.get_major_formatter().format_ticks(shown)
            except Exception:  # noqa: BLE001  (a formatter that cannot say: the spacing alone)
                labels = ["0.25"] * len(shown)
            need = sum(0.6 * em * len(t) + em for t in labels)
            if need <= length:
                return locs
            nbins -= 1

def _draw_speed_colorbar(ax, lines, kind: str):
    """The speed colorbar under the axes: "full" (labelled "speed |v| in the plane") or "compact" (thinner, at
    most four ticks, "|v|" left of the bar), as wide as ``shrink`` of the plot (:class:`_BelowPlot`), with as many
    ticks as its width holds (:class:`_FittingTicks`)."""
    shrink, aspect = (0.85, 30) if kind == "full" else (0.7, 45)
    cax = ax.inset_axes([0.0, 0.0, 1.0, 1.0])
    cax.set_axes_locator(_BelowPlot(ax, shrink, aspect))
    cb = ax.figure.colorbar(lines, cax=cax, orientation="horizontal")
    cb._gandynamics_kind = kind  # (the height it takes under the axes: _colorbar_height)
    cb.locator = _FittingTicks(5 if kind == "full" else 3)
    if kind == "full":
        cb.set_label(r"speed $\|v\|$ in the plane")
    else:
        cb.ax.text(-0.03, 0.5, r"$\|v\|$", transform=cb.ax.transAxes, ha="right", va="center",
                   fontsize=matplotlib.rcParams["xtick.labelsize"])
    return cb


def _speed_colorbar(ax, lines, handles, loc, key=None):
    """The speed colorbar of a portrait and the legend's place, fitted to the figure: ``(colorbar or None, place,
    note)``.

    With a layout engine, the first of these that leaves the plot :data:`MIN_SHARE` of its cell: the legend where
    asked with the labelled colorbar, or with a compact one; the same with the legend on the other side (right or
    below); the legend inside with a compact colorbar (when none does: the one that leaves the plot the most
    room).  Without a layout engine the first of the two colorbars whose labels lie within the axes' cell, else
    none, and ``note`` says so and gives the speeds' range (a note in the title would take as much room as the
    compact colorbar: with a layout engine the colorbar is never left out)."""
    r = _renderer(ax)
    lo, hi = lines.norm.vmin, lines.norm.vmax
    note = f"speed |v| from {number_text(lo, '.3g')} (light) to {number_text(hi, '.3g')} (dark grey): no room for its colorbar"
    if r is None:
        return _draw_speed_colorbar(ax, lines, "full"), loc, ""
    if not _managed(ax):
        for kind in ("full", "compact"):
            cb = _draw_speed_colorbar(ax, lines, kind)
            if _within(cb.ax.get_tightbbox(r), _cell(ax)):
                return cb, loc, ""
            cb.remove()
        return None, loc, note
    other = "right" if loc == "below" else "below"
    if handles:
        plans = [(loc, "full"), (loc, "compact"), (other, "full"), (other, "compact"), ("inside", "compact")]
    else:
        plans = [(None, "full"), (None, "compact")]
    sizes, best, most, rooms = {}, None, -np.inf, []
    # (a figure whose layout settles over extra passes, _RefittingLayout, settles a legend right of it too: as
    # _legend_fits has it; without this a 2 x 2 grid of portraits with speed colorbars had every legend inside)
    settles = isinstance(_root(ax.figure).get_layout_engine(), _RefittingLayout)
    for place, kind in plans:
        below = _colorbar_height(ax, kind) if kind else 0.0
        if place in ("right", "below") and (place, kind) not in sizes:
            leg = _make_legend(ax, place, _legend_kw(ax, place, loc, {"handles": handles, **(key or {})}), (0.0, below))
            sizes[place, kind] = leg.get_window_extent(r)
            leg.remove()
        room = _room_beside(ax, r, place, sizes.get((place, kind)), (0.0, below))
        if room is None:
            continue
        if place == "inside" and handles and _inside_cover(ax, r, {"handles": handles}, (0.0, below)) > INSIDE_MAX_COVER:
            # (a legend that would cover much of the plot: beside it, on a smaller plot, where that keeps a quarter; the
            # first in the plans' order: where the legend was asked, the labelled colorbar first)
            beside = _first_usable(ax, rooms)
            if beside is not None:
                best = beside
                break
        if _usable(ax, *room) and not (place == "right" and not settles and _slow_to_settle(ax, *room)):
            best = (place, kind)
            break
        side = min(room) if _square(ax) else min(room[0] / _cell(ax).width, room[1] / _cell(ax).height)
        if place in ("right", "below"):
            rooms.append(((place, kind), room))
        if side > most:
            best, most = (place, kind), side
    place, kind = best if best is not None else (loc, "compact")
    return _draw_speed_colorbar(ax, lines, kind), place or loc, ""


#: the coordinates off the plane a portrait's slice note names one by one (the others counted)
SLICE_NAMED = 4


def slice_text(names, plane, center) -> str:
    """The note of a portrait of a game of more than two parameters: the slice's coordinates off the plane ``plane``
    (two indices into ``names``) with their values at ``center`` (n,): ``the slice at w1 = 0.3`` (the first
    :data:`SLICE_NAMED`, then how many more)."""
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

    def plain(name):  # (text for the title and the terminal alike: phi2 -> φ₂, w1 -> w₁)
        m = re.fullmatch(r"([A-Za-z]+)_?(\d*)", name)
        return name if m is None else _greek_text(m.group(1)) + m.group(2).translate(sub)
    others = [k for k in range(len(names)) if k not in plane]
    shown = ", ".join(f"{plain(names[k])} = {number_text(float(center[k]), '.4g')}" for k in others[:SLICE_NAMED])
    more = len(others) - SLICE_NAMED
    return f"the slice at {shown}" + (f" and {more} more coordinate{'s' if more > 1 else ''}" if more > 0 else "")


def _slice_deviation(S, others, center) -> float:
    """How far the coordinates off the plane of the states ``S`` move from the slice's values (max norm)."""
    if not others or not S.size:
        return 0.0
    return float(np.max(np.abs(S[:, others] - center[others])))


def _slice_warning(S, others, center, label) -> str:
    """The note for a trajectory whose coordinates off the plane leave the slice's values ("" if none)."""
    if not others or not S.size:
        return ""
    dev = _slice_deviation(S, others, center)
    if dev > 1e-9 * max(1.0, float(np.max(np.abs(center)))):
        return (f"{label} leaves the slice (other coordinates move by up to {number_text(dev, '.3g')}): "
                "its projection is drawn over the slice's field")
    return ""


def _wrap(text: str, width: int = 48) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width))
