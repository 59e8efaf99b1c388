"""Fitting to the figure: what a drawing places beside its axes (title, legend, colorbar) fitted to the figure it is
given (the package's docstring says the rules); titles and notes wrapped to their cell, legends placed where they
fit, the constrained layout that rewrites a title split at draw time (:class:`_RefittingLayout`)."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine

from ._style import canvas, number_text


def _font_points(size) -> float:
    from matplotlib.font_manager import FontProperties
    return FontProperties(size=size).get_size_in_points()


def _colorbar_height(ax, kind: str) -> float:
    """The height (display units) a speed colorbar of ``kind`` ("full": labelled; "compact": thinner, its label
    beside the bar) takes under the axes: the bar (its length over its aspect), its tick labels and label, paddings."""
    rc, cell = matplotlib.rcParams, _cell(ax)
    shrink, aspect = (0.85, 30) if kind == "full" else (0.7, 45)
    bar = shrink * min(cell.width, cell.height) / aspect
    ticks = _px(ax, rc["xtick.major.size"] + rc["xtick.major.pad"] + 1.25 * _font_points(rc["xtick.labelsize"]))
    label = _px(ax, rc["axes.labelpad"] + 1.25 * _font_points(rc["axes.labelsize"])) if kind == "full" else 0.0
    return bar + ticks + label + _px(ax, 8.0)


# What a drawing places beside its axes (title, legend, colorbar) is fitted to the figure it is given; the figure's
# layout engine is never changed (as seaborn's and pandas' axes-level plots leave it):
# * in a figure with constrained or tight layout (the library's own figures), the layout makes room at draw time for
#   what lies beside the axes; a legend that would leave the data area less than MIN_SHARE of the axes' cell (the
#   part of the figure its grid rows and columns span: known when the axes are made, unchanged by the panels drawn
#   later; estimated from the sizes of the texts, not from where the axes are before the layout) goes to the other
#   side, then inside the axes, and a speed colorbar is made compact first;
# * in a figure without one, the axes stay where they are: a legend goes beside them only where it then lies within
#   the axes' cell, else inside them (_inside_loc), a speed colorbar is compact or left out, and a title too tall for
#   the room above the axes is set smaller, at last inside the axes' top; a legend that fits nowhere is warned of;
# * a title is wrapped to the width its cell gives it, centred on the axes (never inside a $...$, in lines of even
#   length), at most a quarter of the cell's height (a smaller font beyond), and kept within the figure at draw time
#   by matplotlib (Text.set_wrap) should the final layout bring the figure's edge closer than estimated.

#: the least share of its cell (width and height; the smaller side for a square plot) that a data area keeps in a
#: figure with a layout engine, when a legend or a colorbar beside it could go elsewhere
MIN_SHARE = 0.4
#: the notes' line lengths in characters, tried longest first until the title fits its place
_NOTE_CHARS = (60, 52, 44, 38, 32, 26, 20, 14)
#: the smallest font size (points) a title is set in to fit above the axes of a figure without layout engine
_MIN_TITLE_PT = 6.0


def _root(fig):
    """The figure at the top of ``fig`` (a subfigure's parent figure; the figure itself otherwise)."""
    try:
        return fig.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10: the .figure of a subfigure is the root
        return fig.figure


def _managed(ax) -> bool:
    """Whether the figure of ``ax`` has a layout engine that makes room for what is drawn beside the axes
    (constrained or tight layout); without one the axes keep their place."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
    return isinstance(_root(ax.figure).get_layout_engine(), (ConstrainedLayoutEngine, TightLayoutEngine))


def _renderer(ax):
    """The renderer to measure text with, or None for a canvas that cannot measure (nothing is fitted then)."""
    canvas = _root(ax.figure).canvas
    return canvas.get_renderer() if hasattr(canvas, "get_renderer") else None


def _px(ax, points: float) -> float:
    """``points`` (1/72 inch) in display units."""
    return points * _root(ax.figure).dpi / 72.0


def _cell_fraction(ss) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)``: the share of its (sub)figure that the rows and columns of the subplot spec ``ss`` span
    (by the grid's width and height ratios; a grid nested in a cell of another shares that cell)."""
    gs = ss.get_gridspec()
    nrows, ncols = gs.get_geometry()
    wr = np.asarray(gs.get_width_ratios() or [1.0] * ncols, float)
    hr = np.asarray(gs.get_height_ratios() or [1.0] * nrows, float)
    x0, x1 = wr[:ss.colspan.start].sum() / wr.sum(), wr[:ss.colspan.stop].sum() / wr.sum()
    y1, y0 = 1 - hr[:ss.rowspan.start].sum() / hr.sum(), 1 - hr[:ss.rowspan.stop].sum() / hr.sum()
    outer = getattr(gs, "_subplot_spec", None)  # (GridSpecFromSubplotSpec: a subgridspec, a colorbar's split cell)
    if outer is not None:
        ox0, oy0, ox1, oy1 = _cell_fraction(outer)
        x0, x1 = ox0 + x0 * (ox1 - ox0), ox0 + x1 * (ox1 - ox0)
        y0, y1 = oy0 + y0 * (oy1 - oy0), oy0 + y1 * (oy1 - oy0)
    return x0, y0, x1, y1


def _cell(ax):
    """The part of its (sub)figure that the grid cell of ``ax`` spans, in display units (the whole (sub)figure for
    axes placed without a grid)."""
    from matplotlib.transforms import Bbox
    box = ax.figure.bbox
    ss = ax.get_subplotspec()
    if ss is None:
        return box
    x0, y0, x1, y1 = _cell_fraction(ss)
    return Bbox.from_extents(box.x0 + x0 * box.width, box.y0 + y0 * box.height,
                             box.x0 + x1 * box.width, box.y0 + y1 * box.height)


def _within(inner, outer, tol: float = 1.0) -> bool:
    return (inner.x0 >= outer.x0 - tol and inner.x1 <= outer.x1 + tol and inner.y0 >= outer.y0 - tol
            and inner.y1 <= outer.y1 + tol)


def _square(ax) -> bool:
    """Whether the axes' box keeps a fixed aspect (a phase portrait): its data area is a square, or the window's
    shape, in its room."""
    return (ax.get_aspect() != "auto" and ax.get_adjustable() == "box") or ax.get_box_aspect() is not None


#: a phase portrait's window at most this many times as tall as it is wide, or as wide as tall, is drawn with one
#: scale for both axes (a rotation looks round); a more elongated one in a square panel, each axis its own scale
#: (--xlim 0,0.01 with the default --ylim drew a sliver a few pixels wide, its tick labels on one another)
MAX_EQUAL_ASPECT = 3.0


def _portrait_aspect(ax, xlim, ylim) -> None:
    """One scale for both axes (``set_aspect("equal")``) when the window's height / width is within
    ``[1 / MAX_EQUAL_ASPECT, MAX_EQUAL_ASPECT]``, else a square panel (``set_box_aspect(1)``)."""
    ratio = (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
    if 1.0 / MAX_EQUAL_ASPECT <= ratio <= MAX_EQUAL_ASPECT:
        ax.set_aspect("equal", adjustable="box")
    else:
        ax.set_box_aspect(1.0)


def _decorations(ax, r) -> tuple[float, float, float]:
    """Widths of the y axis's labels (left) and heights of the x axis's labels and of the title (display units),
    from the text alone: the same wherever the layout puts the axes."""
    def ext(texts, attr):
        sizes = [getattr(t.get_window_extent(r), attr) for t in texts if t.get_visible() and t.get_text()]
        return max(sizes, default=0.0)
    rc = matplotlib.rcParams
    left = ext(ax.get_yticklabels(), "width") + ext([ax.yaxis.label], "width") + \
        _px(ax, rc["ytick.major.size"] + rc["ytick.major.pad"] + rc["axes.labelpad"])
    bottom = ext(ax.get_xticklabels(), "height") + ext([ax.xaxis.label], "height") + \
        _px(ax, rc["xtick.major.size"] + rc["xtick.major.pad"] + rc["axes.labelpad"])
    title = ext([ax.title], "height") + (_px(ax, rc["axes.titlepad"]) if ax.get_title() else 0.0)
    return left, bottom, title


def _data_room(ax, r, right: float = 0.0, below: float = 0.0) -> tuple[float, float]:
    """The width and height (display units) that the data area of ``ax`` keeps in its cell when ``right`` and
    ``below`` more (a legend, a colorbar) are placed beside and under it, its labels and title around it (an
    estimate of what a layout engine leaves: the cell less the decorations and the layout's paddings)."""
    cell = _cell(ax)
    left, bottom, title = _decorations(ax, r)
    pad = _px(ax, 6.0)  # the layout's paddings around the axes (constrained layout's: within 0.1 inch of this)
    return cell.width - left - right - pad, cell.height - bottom - title - below - pad


def _box_ratio(ax) -> float:
    """Height over width of the data area of a fixed-aspect plot (its box aspect when set, else its aspect times its
    data ratio)."""
    box = ax.get_box_aspect()
    return float(box) if box is not None else float(ax.get_aspect()) * ax.get_data_ratio()


def _usable(ax, w: float, h: float, share: float = MIN_SHARE) -> bool:
    """Whether a data room of ``w`` x ``h`` (display units) leaves a usable plot: one that keeps ``share`` (default
    :data:`MIN_SHARE`) of the axes' cell (a fixed-aspect plot: its smaller side, of the cell's smaller side)."""
    cell = _cell(ax)
    if _square(ax):
        w, h = _plot_in(ax, w, h)
        ok = min(w, h) >= share * min(cell.width, cell.height)
    else:
        ok = w >= share * cell.width and h >= share * cell.height
    return ok


def _plot_in(ax, w: float, h: float) -> tuple[float, float]:
    """The data area a plot of ``ax`` takes in a room of ``w`` x ``h`` (display units): the room itself, or for a
    fixed-aspect plot the largest box of its ratio inside it (:func:`_box_ratio`)."""
    if not _square(ax):
        return w, h
    a = _box_ratio(ax)
    w = min(w, h / a)
    return w, a * w


def _first_usable(ax, rooms):
    """The first of ``rooms`` (``(place, (w, h))`` pairs, in the order tried; a room None where the legend did not
    fit) that keeps the plot :data:`OUTSIDE_MIN_SHARE` of its cell, or None: where a legend inside would cover more
    than :data:`INSIDE_MAX_COVER` of the plot, it goes there instead."""
    return next((place for place, room in rooms if room is not None and _usable(ax, *room, share=OUTSIDE_MIN_SHARE)),
                None)


#: a legend inside the axes may cover at most this share of the plot; a larger one (7 entries in a 2 x 2 grid of
#: portraits: 56 % of each plot's width and height, over the equilibrium's star wherever it went) goes beside the plot
#: where that leaves it at least OUTSIDE_MIN_SHARE of its cell, below MIN_SHARE
INSIDE_MAX_COVER = 0.2
OUTSIDE_MIN_SHARE = 0.25


def _inside_cover(ax, r, kw: dict, reserve=(0.0, 0.0)) -> float:
    """The share of the plot's area a legend of ``kw`` placed inside the axes would cover (:func:`_make_legend`)."""
    leg = _make_legend(ax, "inside", dict(kw))
    size = leg.get_window_extent(r)
    leg.remove()
    w, h = _plot_in(ax, *_data_room(ax, r, right=reserve[0], below=reserve[1]))
    return float(min(size.width / max(w, 1.0), 1.0) * min(size.height / max(h, 1.0), 1.0))


def _slow_to_settle(ax, w: float, h: float) -> bool:
    """Whether constrained layout would settle a fixed-aspect plot with a legend right of it slowly: the plot fits
    its room's width (``w`` x ``h``) while its starting box (the grid's, before any layout) is wider than the
    plot by more than a quarter inch.  The layout measures the legend and the y label from the box's edges, and the
    plot, centred in the box, lies inside them by half the difference: its two passes credit that, and a figure
    drawn once (a savefig) had them a few pixels past the edges (a 6.4 x 4.8 inch figure: 5 pixels each side)."""
    if not _square(ax) or not _managed(ax):
        return False
    a = _box_ratio(ax)
    pos = ax.get_position(original=True)
    box = ax.figure.bbox
    bw, bh = pos.width * box.width, pos.height * box.height
    return w < h / a and bw - bh / a > _px(ax, 18.0)


#: the gap between a plot and a legend right of it, in points (2 % of the plot's width before: 1.4 pixels beside a
#: plot 70 pixels wide, whose last x tick label ran under the legend)
RIGHT_GAP = 6.0


def _right_of(ax) -> dict:
    """``Axes.legend`` options for a legend right of the axes, its top level with theirs, :data:`RIGHT_GAP` points
    away whatever the plot's size."""
    from matplotlib.transforms import ScaledTranslation
    fig = _root(ax.figure)
    return {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0), "borderaxespad": 0.0,
            "bbox_transform": ax.transAxes + ScaledTranslation(RIGHT_GAP / 72.0, 0.0, fig.dpi_scale_trans)}


def _make_legend(ax, place: str, kw: dict, reserve=(0.0, 0.0)):
    """The legend at ``place``: ``"right"`` of the axes, ``"below"`` them (under the x label, :func:`_below`) or
    ``"inside"`` (where it covers the fewest drawn points, :func:`_inside_loc`, made small enough by
    :func:`_inside_kw`).  Below, a row of entries wider than the axes' cell (with a layout engine: than the plot)
    goes into fewer columns, then long labels are wrapped, until the legend fits (a row wider than the figure left
    constrained layout no room: it collapsed the axes to a sliver, with a UserWarning)."""
    kw = dict(kw)
    if place == "right":
        leg = ax.legend(**_right_of(ax), **kw)
        # (_RefittingLayout lets a fixed-aspect plot with it settle, and moves it inside where the layout has no room:
        # _legend_inside_now)
        leg._gandynamics_outside = True
        r = _renderer(ax)
        if r is None or "ncol" in kw:
            return leg
        # a column taller than the axes' cell (a wide, short figure: 6 x 2 inches) goes into more columns, side by side,
        # as a row too wide goes into fewer below (it was taller than the figure, and the plot shrank to 75 pixels)
        n = len(leg.legend_handles)
        # (the height beside the plot and its x labels: the cell less the title, what is reserved below (a colorbar),
        # the layout's paddings)
        room = _cell(ax).height - _decorations(ax, r)[2] - reserve[1] - _px(ax, 6.0)
        ncol = 1
        while ncol < n and leg.get_window_extent(r).height > room:
            ncol += 1
            leg.remove()
            leg = ax.legend(**_right_of(ax), ncol=ncol, **kw)
            leg._gandynamics_outside = True
        return leg
    if place == "inside":
        kw.pop("ncol", None)
        kw = _inside_kw(ax, kw)
        probe = ax.legend(loc="upper right", **kw)  # (its size)
        loc = _inside_loc(ax, probe)
        probe.remove()
        leg = ax.legend(loc=loc, **kw)
        leg._gandynamics_inside = True  # (a title moved inside the axes later moves it again: _title_with_notes)
        return leg
    ncol = kw.pop("ncol", 2)
    r = _renderer(ax)
    where = _below(ax, r)
    leg = ax.legend(ncol=ncol, **where, **kw)
    leg._gandynamics_outside = True
    if r is None:
        return leg
    room = 0.95 * _cell(ax).width
    if _managed(ax):
        room = min(room, _below_room(ax, r, reserve))
    while ncol > 1 and leg.get_window_extent(r).width > room:
        ncol -= 1
        leg.remove()
        leg = ax.legend(ncol=ncol, **where, **kw)
    if leg.get_window_extent(r).width > room:
        handles = kw.pop("handles", None) or ax.get_legend_handles_labels()[0]
        labels = kw.pop("labels", None) or [h.get_label() for h in handles]
        for chars in (48, 36, 28, 20, 14):
            leg.remove()
            leg = ax.legend(handles=handles, labels=[_fill(t, chars, len) for t in labels], ncol=1,
                            **where, **kw)
            if leg.get_window_extent(r).width <= room:
                break
    leg._gandynamics_outside = True  # (below the axes: _legend_inside_now)
    return leg


#: where a legend inside the axes may go, in the order preferred when two cover as much
_INSIDE = ("upper right", "upper left", "lower left", "lower right", "center right", "center left", "upper center",
           "lower center")


def _inside_kw(ax, kw: dict) -> dict:
    """The options of a legend inside the axes that make it at most 0.6 of the plot's width and half its height: long
    labels wrapped (to 48 characters a line, then 36, 28, 20, 14), then a smaller font (down to 6 pt) and wrapped
    again; when none does, the one that overflows that room the least (by the larger of its two ratios)."""
    r = _renderer(ax)
    if r is None:
        return kw
    if _managed(ax):
        w, h = _data_room(ax, r)
        if _square(ax):
            a = _box_ratio(ax)
            w = min(w, h / a)
            h = a * w
    else:
        ax.apply_aspect()
        box = ax.get_window_extent()
        w, h = box.width, box.height
    handles = kw.get("handles") or ax.get_legend_handles_labels()[0]
    labels = kw.get("labels") or [hd.get_label() for hd in handles]
    size = _font_points(kw.get("fontsize", matplotlib.rcParams["legend.fontsize"]))
    best, least = dict(kw), np.inf
    for pt in np.arange(size, 5.99, -1.0):  # wrapped first, then smaller
        for chars in (None, 48, 36, 28, 20, 14):
            out = {**kw, "handles": handles, "fontsize": float(pt),
                   "labels": labels if chars is None else [_fill(t, chars, len) for t in labels]}
            probe = ax.legend(**out)
            ext = probe.get_window_extent(r)
            probe.remove()
            over = max(ext.width / (0.6 * w), ext.height / (0.5 * h)) if w > 0 and h > 0 else np.inf
            if over <= 1.0:
                return out
            if over < least:  # when none fits: the one that overflows the least (wrapping long labels into narrow
                best, least = out, over  # lines made a legend of six taller than the figure: the axes collapsed)
    return best


def _drawn_points(ax) -> np.ndarray:
    """The points (axes fractions, shape (m, 2)) of what the axes show that a legend inside should not cover: the
    lines (trajectories, curves, markers; densified along each segment), scattered points and contour lines; not the
    streamlines, arrows and images behind them.  A marker of one or two points (a start, the equilibrium's star) is
    counted as a tenth of all the others, each: a legend goes over it last."""
    from matplotlib.collections import PathCollection
    from matplotlib.contour import ContourSet
    ax.get_xlim()  # (brings the view limits up to date with the data)
    to_axes = ax.transAxes.inverted()
    pts = []

    def add(display):
        a = to_axes.transform(display)
        a = a[np.all(np.isfinite(a), axis=1)]
        if len(a) > 1:  # 8 points per segment: a line's long straight stretches are seen too
            t = np.linspace(0.0, 1.0, 8, endpoint=False)[:, None, None]
            a = np.concatenate([(a[:-1] + t * (a[1:] - a[:-1])).reshape(-1, 2), a[-1:]])
        pts.append(a)
    marks = []  # a start's or an equilibrium's marker: a line of one or two points with a marker
    for line in ax.get_lines():
        if line.get_visible() and len(line.get_xydata()):
            if len(line.get_xydata()) <= 2 and line.get_marker() not in (None, "None", "", " "):
                a = to_axes.transform(line.get_transform().transform(line.get_xydata()))
                marks.append(a[np.all(np.isfinite(a), axis=1)])
            add(line.get_transform().transform(line.get_xydata()))
    for c in ax.collections:
        if isinstance(c, PathCollection) and c.get_visible():
            off = c.get_offsets()
            if len(off):
                pts.append(to_axes.transform(c.get_offset_transform().transform(off)))
        elif isinstance(c, ContourSet):
            for path in c.get_paths():
                if len(path.vertices):
                    add(c.get_transform().transform(path.vertices))
    out = np.concatenate(pts) if pts else np.empty((0, 2))
    if marks:  # (each weighs as a tenth of everything else: a legend over the equilibrium's star hid what the plot is of)
        out = np.concatenate([out, np.repeat(np.concatenate(marks), max(10, len(out) // 10), axis=0)])
    return out


def _inside_loc(ax, leg) -> str:
    """The place inside the axes (:data:`_INSIDE`) where the legend ``leg`` covers the fewest of the points the
    axes show (:func:`_drawn_points`): matplotlib's loc="best" counts the streamlines' arrows as well, and put the
    legend of a portrait over its trajectories' starts."""
    r = _renderer(ax)
    if r is None:
        return "best"
    size = leg.get_window_extent(r)
    if _managed(ax):
        w, h = _data_room(ax, r)
        if _square(ax):
            w = h = min(w, h)
    else:
        ax.apply_aspect()
        box = ax.get_window_extent()
        w, h = box.width, box.height
    fw, fh = min(size.width / max(w, 1.0), 1.0), min(size.height / max(h, 1.0), 1.0)
    pad = 0.03
    P = _drawn_points(ax)
    # a title inside the axes (_title_with_notes, where there is no room above them), in the axes' fractions: no place
    # over it (worse than covering every point)
    t = ax.title.get_window_extent(r) if ax.get_title() else None
    box = ax.get_window_extent()
    title = None
    if t is not None and box.width > 0 and box.height > 0 and t.y0 < box.y1 - 1.0:
        title = ((t.x0 - box.x0) / box.width, (t.x1 - box.x0) / box.width, (t.y0 - box.y0) / box.height,
                 (t.y1 - box.y0) / box.height)
    best, least = _INSIDE[0], None
    for loc in _INSIDE:
        x0 = pad if "left" in loc else 1 - pad - fw if "right" in loc else 0.5 - fw / 2
        y0 = 1 - pad - fh if "upper" in loc else pad if "lower" in loc else 0.5 - fh / 2
        n = int(np.count_nonzero((P[:, 0] >= x0) & (P[:, 0] <= x0 + fw) & (P[:, 1] >= y0) & (P[:, 1] <= y0 + fh)))
        if title is not None and y0 + fh > title[2] and y0 < title[3] and x0 < title[1] and x0 + fw > title[0]:
            n += len(P) + 1
        if least is None or n < least:
            best, least = loc, n
    return best


def _below(ax, r) -> dict:
    """Where a legend below the axes hangs: 0.16 of the axes' height under them where that clears the x axis's
    labels, else just under those labels (on a small plot the 0.16 put the legend over the x label), and under a
    portrait's speed colorbar where it has one."""
    where = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.16)}
    if r is None:
        return where
    _, bottom, _ = _decorations(ax, r)
    # under a portrait's speed colorbar too (a child of the axes under their labels: the legend lay over it)
    cb = getattr(ax, "speed_colorbar", None)
    bar = _colorbar_height(ax, cb._gandynamics_kind) if cb is not None else 0.0
    need = bottom + _px(ax, 4.0) + bar
    if _managed(ax):
        h = _data_room(ax, r)[1]
    else:
        ax.apply_aspect()
        h = ax.get_window_extent().height
    if bar == 0.0 and 0.16 * h >= 1.25 * need:
        return where
    from matplotlib.transforms import ScaledTranslation
    root = _root(ax.figure)
    return {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0),
            "bbox_transform": ax.transAxes + ScaledTranslation(0.0, -need / root.dpi, root.dpi_scale_trans)}


def _below_room(ax, r, reserve=(0.0, 0.0)) -> float:
    """The widest legend (display units) that hangs centred under the plot of ``ax`` in a figure with a layout
    engine: the plot's width and on each side at most what the layout sets there anyway (the y axis's labels left,
    a colorbar right).  A wider one overhangs more: constrained layout widened the margins for it, narrowing the
    plot, which widened the overhang, at each of its passes (a locus 2.9 inches wide was squeezed to 1.2 inches,
    its title past the figure's top)."""
    left, _, _ = _decorations(ax, r)
    return _data_room(ax, r, right=reserve[0])[0] + 2 * min(left, reserve[0])


def _room_beside(ax, r, place: str | None, size=None, reserve=(0.0, 0.0)):
    """The data room ``(w, h)`` (display units, :func:`_data_room`) with a legend of ``size`` (a Bbox) at ``place``
    ("right", "below"; None or "inside": no room taken) and ``reserve`` (width right, height below: a colorbar)
    beside the axes; None when the legend is longer than the cell beside which it would hang."""
    cell, gap = _cell(ax), _px(ax, 6.0)
    if place == "right":
        if size.height > cell.height - gap:
            return None
        return _data_room(ax, r, right=size.width + gap + reserve[0], below=reserve[1])
    if place == "below":
        if size.width > min(cell.width, _below_room(ax, r, reserve) + 1.0):
            return None
        return _data_room(ax, r, right=reserve[0], below=size.height + gap + reserve[1])
    return _data_room(ax, r, right=reserve[0], below=reserve[1])


def _legend_fits(ax, leg, place: str, r, reserve=(0.0, 0.0)) -> bool:
    """Whether the legend ``leg`` at ``place`` leaves the axes usable: in a figure with a layout engine, whether the
    data area keeps :data:`MIN_SHARE` of its cell with the legend and ``reserve`` (width right, height below: a
    colorbar) beside it; in a figure without one, whether the legend lies within the axes' cell."""
    if place == "inside":
        return True
    if not _managed(ax):
        ax.apply_aspect()  # the axes' place as drawn (a square plot is narrowed at draw time)
        return _within(leg.get_window_extent(r), _cell(ax))
    room = _room_beside(ax, r, place, leg.get_window_extent(r), reserve)
    settles = isinstance(_root(ax.figure).get_layout_engine(), _RefittingLayout)  # (its extra runs: SETTLE_PASSES)
    return room is not None and _usable(ax, *room) and not (place == "right" and not settles
                                                           and _slow_to_settle(ax, *room))


def _legend_kw(ax, place: str, loc: str, kw: dict) -> dict:
    """The legend's options at ``place``: a legend moved below (not asked there) starts from one row."""
    if place == "below" and loc != "below" and "ncol" not in kw:
        n = len(kw.get("handles") or ax.get_legend_handles_labels()[0])
        return {**kw, "ncol": max(n, 1)}
    return kw


def _legend_outside(ax, loc: str = "right", reserve=(0.0, 0.0), places=None, **kw):
    """A legend beside the axes, never over the data where the figure has room for it: right of the axes, or below
    with ``loc="below"``; when that leaves too little (:func:`_legend_fits`) the other side, then inside the axes
    (:func:`_inside_loc`); ``places`` gives another order.  ``reserve`` is the room (display units: width right,
    height below) a colorbar beside the axes takes.  Returns the legend, or None when nothing is labelled."""
    if kw.get("handles") and "labels" not in kw:
        # (handles given: matplotlib lists them all, "_"-labelled ones too, which its own collection of an axes' artists
        # leaves out: "_gd from (0.4, 1)" once per further start of a portrait of seven, each run drawn alike)
        kw["handles"] = [h for h in kw["handles"] if not str(getattr(h, "get_label", lambda: "")()).startswith("_")]
    if not kw.get("handles") and not ax.get_legend_handles_labels()[0]:
        return None  # nothing labelled: no empty legend box (matplotlib warns "No artists with labels")
    r = _renderer(ax)
    if r is None:
        return _make_legend(ax, loc, kw)
    places = places or (loc, "right" if loc == "below" else "below", "inside")
    beside = []  # the places beside the plot tried, and the data room each leaves (a layout engine's figure)
    for k, place in enumerate(places):
        instead = None
        if (place == "inside" and beside and _managed(ax)
                and _inside_cover(ax, r, _legend_kw(ax, place, loc, kw), reserve) > INSIDE_MAX_COVER):
            # (a legend that would cover much of the plot: beside it, on a smaller plot, where that keeps a quarter; the
            # first in the order of places: where the legend was asked)
            instead = _first_usable(ax, beside)
            place = instead or place
        leg = _make_legend(ax, place, _legend_kw(ax, place, loc, kw), reserve)
        if instead is not None or k == len(places) - 1 or _legend_fits(ax, leg, place, r, reserve):
            break
        if place in ("right", "below") and _managed(ax):
            beside.append((place, _room_beside(ax, r, place, leg.get_window_extent(r), reserve)))
        leg.remove()
    if not _managed(ax) and not _within(leg.get_window_extent(r), _cell(ax)):  # (a layout engine warns itself)
        import warnings
        from ..errors import GandynamicsWarning
        size = _cell(ax)
        warnings.warn(GandynamicsWarning(
            f"no room for the legend in a plot of {size.width / _root(ax.figure).dpi:z.2g} x "
            f"{size.height / _root(ax.figure).dpi:z.2g} inches: it crosses the plot's edge (draw on a larger figure "
            "or one with layout='constrained')"), stacklevel=3)
    return leg


def _words(text: str) -> list[str]:
    """The words of one line of ``text``: split at its spaces, never inside a ``$...$`` (mathtext) nor around an
    ``=``, a ``+`` or another relation standing alone (:data:`GLUED_SIGNS`: ``gamma = 0.3``, ``dirac + R1``,
    ``ρ ≤ 0.9975`` are one word), nor after a short abbreviation (a word of at most four characters ending in ``.``,
    not a number: ``alt. GD`` is one word; a title broke it over two lines), nor inside a
    short bracket (:func:`_short_brackets`: ``(−1, 0.5)`` is one word), nor before a short bracket that follows a word
    (:data:`NAMED_BRACKET_KEEP`: ``momentum (β = −0.5)``), nor after a short word (:data:`GLUED_WORDS`: ``in a tint``)."""
    words, cur, math = [], [], False
    for i, ch in enumerate(text):
        if ch == "$" and (i == 0 or text[i - 1] != "\\"):
            math = not math
        if ch == " " and not math:
            words.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    words.append("".join(cur))
    out = []
    for w in _short_brackets([w for w in words if w]):  # "gamma = 0.3", "alt. GD + momentum" stay on one line
        if out and (w in GLUED_SIGNS or out[-1].endswith(tuple(" " + c for c in GLUED_SIGNS)) or out[-1] in GLUED_SIGNS
                    or _abbreviation(out[-1]) or out[-1].rsplit(" ", 1)[-1] in GLUED_WORDS
                    or (w.startswith("(") and w.rstrip(",;:.").endswith(")") and not out[-1].endswith(")")
                        and len(out[-1]) + 1 + len(w) <= NAMED_BRACKET_KEEP)):
            out[-1] += " " + w
        else:
            out.append(w)
    return out


#: a relation or a plus standing alone stays with the words on both sides (``γ = 0.3``, ``dirac + R1``, ``ρ ≤ 0.9975``:
#: a key broke "certified ρ ≤" from its rate)
GLUED_SIGNS = ("=", "+", "\u2264", "\u2265", "<", ">", "\u2248", "\u2260")
#: short words a wrapped title or note never ends a line with: each stays with the word after it (the title of
#: ``basin_dirac_convergence`` broke "in a" from "tint", a figure review)
GLUED_WORDS = frozenset({"a", "an", "the", "in", "of", "on", "at", "by", "to", "as", "is", "or"})
#: a short bracket (:data:`BRACKET_KEEP`) stays with the word before it when the two are at most this many characters
#: long: a method and its options, ``momentum (β = −0.5)``, are never broken apart (a title broke before "(β")
NAMED_BRACKET_KEEP = 36


#: a bracket of at most this many characters stays on one line of a wrapped title or note ("(−1, 0.5)", "(diverged
#: at step 7)" were broken inside: a new user)
BRACKET_KEEP = 24


def _short_brackets(words: list[str]) -> list[str]:
    """``words`` with each bracket ``( ... )`` that spans several of them and is at most :data:`BRACKET_KEEP`
    characters long joined into one word (a longer bracket is left to break)."""
    out, k = [], 0
    while k < len(words):
        w = words[k]
        if w.count("(") > w.count(")"):
            depth, m = w.count("(") - w.count(")"), k
            while depth > 0 and m + 1 < len(words):
                m += 1
                depth += words[m].count("(") - words[m].count(")")
            group = " ".join(words[k:m + 1])
            if depth <= 0 and m > k and len(group) - group.find("(") <= BRACKET_KEEP:
                out.append(group)
                k = m + 1
                continue
        out.append(w)
        k += 1
    return out


def _abbreviation(word: str) -> bool:
    """Whether ``word`` ends in a short abbreviation that the next word stays with (``alt.``, ``e.g.``): its last
    part after a space at most four characters ending in ``.``, with a letter and no digit."""
    last = word.rsplit(" ", 1)[-1]
    return (len(last) <= 4 and last.endswith(".") and any(c.isalpha() for c in last)
            and not any(c.isdigit() for c in last))


def _fill(text: str, width: float, measure, balanced: bool = False) -> str:
    """``text`` wrapped at its spaces (never inside ``$...$``) into lines at most ``width`` wide as ``measure``
    gives them; a word wider than ``width`` has a line of its own, and the text's own line breaks are kept.
    ``balanced``: into as few lines, of even length (the narrowest width that needs no more lines; no last line of
    one word)."""
    if balanced:
        n = _fill(text, width, measure).count("\n")
        lo, hi = 0.0, width
        for _ in range(12):  # bisection on the width, to a few pixels
            mid = (lo + hi) / 2
            if _fill(text, mid, measure).count("\n") > n:
                lo = mid
            else:
                hi = mid
        return _fill(text, hi, measure)
    out = []
    for para in text.split("\n"):
        line = ""
        for w in _words(para):
            trial = f"{line} {w}" if line else w
            if line and measure(trial) > width:
                out.append(line)
                line = w
            else:
                line = trial
        out.append(line)
    return "\n".join(out)


#: a title's head broken after its ": " (:func:`_fill_title`) may be this much wider than in balanced lines broken
#: anywhere
TITLE_BREAK_WIDER = 1.2


def _head_break(text: str) -> int | None:
    """The index of the first ``": "`` of ``text`` outside brackets and ``$...$``: where a title's head
    (:func:`portrait_title`: the game described, then its runs) breaks best; None without one."""
    depth, math = 0, False
    for i, ch in enumerate(text):
        if ch == "$" and (i == 0 or text[i - 1] != "\\"):
            math = not math
        elif not math and ch in "([{":
            depth += 1
        elif not math and ch in ")]}":
            depth = max(0, depth - 1)
        elif not math and depth == 0 and text.startswith(": ", i):
            return i
    return None


def _fill_title(text: str, width: float, measure) -> str:
    """A title's part ``text`` wrapped into balanced lines at most ``width`` wide (:func:`_fill`), broken after its
    head's ``": "`` (:func:`_head_break`) where that takes no more lines: ``dirac + R1(γ = 0.3):`` over ``gd, altgd,
    eg, eftp, ogda, h = 0.2``, not ``dirac + R1(γ = 0.3): gd,`` over the other methods (a zoomed portrait's title),
    where its lines are at most :data:`TITLE_BREAK_WIDER` times as wide as the balanced ones."""
    if "\n" in text:  # each line of its own (a portrait's description under a user's title was not broken after
        return "\n".join(_fill_title(line, width, measure) for line in text.split("\n"))  # its head's ": ")
    plain = _fill(text, width, measure, balanced=True)
    at = _head_break(text)
    if "\n" not in plain or at is None:
        return plain
    split = _fill(text[:at + 1], width, measure, balanced=True) + "\n" + \
        _fill(text[at + 2:], width, measure, balanced=True)

    def widest(t):
        return max(measure(line) for line in t.split("\n"))
    # (no more lines, and not much wider than the balanced ones: a panel's "alt. GD + momentum β = −0.5, h = 0.5:"
    # over its rate ran to the figure's edge where the balanced lines had room)
    ok = split.count("\n") <= plain.count("\n") and widest(split) <= TITLE_BREAK_WIDER * widest(plain)
    return split if ok else plain


def _note_lines(note: str, chars: int) -> str:
    """A note wrapped into balanced lines of at most ``chars`` characters (never inside ``$...$``; no last line of
    one word: textwrap left "window" alone on a zoomed portrait's last line)."""
    return _fill(note, chars, len, balanced=True)


def _measure(ax, r, prop):
    """A function giving the width (display units) of a text in the font ``prop`` (the widest of its lines), as drawn
    in the figure of ``ax`` (an Axes, or a Figure itself)."""
    from matplotlib.text import Text
    probe = Text(0, 0, "", fontproperties=prop)
    probe.set_figure(_root(ax.figure))

    def width(s: str) -> float:
        probe.set_text(s)
        return probe.get_window_extent(r).width
    return width


#: a figure's suptitle is wrapped to this share of the figure's width (:func:`fit_suptitle`)
SUPTITLE_SHARE = 0.94


def fit_suptitle(fig) -> None:
    """Wrap ``fig``'s suptitle, where it is wider than :data:`SUPTITLE_SHARE` of the figure, into balanced lines at
    its spaces (never inside ``$...$``): the gallery's wide figures had suptitles from edge to edge, or cut at them
    (the figure review).  A suptitle that fits, or none, is left as it is.  Every figure :mod:`gandynamics.reproduce`
    saves goes through it."""
    t = getattr(fig, "_suptitle", None)
    if t is None or not t.get_text():
        return
    r = _layout_renderer(fig)
    if r is None:
        return
    room = SUPTITLE_SHARE * fig.bbox.width
    if t.get_window_extent(r).width <= room:
        return
    t.set_text(_fill(t.get_text(), room, _measure(fig, r, t.get_fontproperties()), balanced=True))
    if fig.get_layout_engine() is None:
        _below_suptitle(fig, t, r)


def _below_suptitle(fig, t, r) -> None:
    """On a figure without a layout engine, lower the subplots' top (``subplots_adjust``) until the highest
    subplot's decorations (its title) end a few points below the suptitle ``t``: the wrapped suptitle grows down
    from its place at the top of the figure, over the panels' titles, where a layout engine would make room."""
    gap = 4.0 * fig.dpi / 72.0
    axes = [ax for ax in fig.axes if ax.get_subplotspec() is not None and ax.get_visible()]
    if not axes:
        return
    for _ in range(3):  # (the decorations move with the axes; ticks and titles keep their sizes: one step is enough)
        low = t.get_window_extent(r).y0 - gap
        high = max(ax.get_tightbbox(r).y1 for ax in axes)
        if high <= low:
            return
        top = fig.subplotpars.top - (high - low) / fig.bbox.height
        if top <= fig.subplotpars.bottom + 0.1:
            return  # (no room left: the figure is too short for the suptitle)
        fig.subplots_adjust(top=top)


def _title_room(ax, r, beside=()) -> tuple[float, float]:
    """The width (display units) a title centred on ``ax`` may take within the axes' cell, and the same with a
    quarter inch of leeway at the figure's edges (where Text.set_wrap guards at draw time): twice the distance from
    the axes' centre to the nearer side of the cell.  Without a layout engine the axes' place is known; with one
    the layout sets the plot between what lies left of it (the y axis's labels) and right of it (a legend beside
    it, the colorbars ``beside``; a legend below wider than the plot overhangs both sides), so that its centre lies
    half their difference off the cell's: the estimate uses their sizes only, not where the axes are before the
    layout."""
    cell = _cell(ax)
    if not _managed(ax):
        ax.apply_aspect()
        pos = ax.get_window_extent()
        c = (pos.x0 + pos.x1) / 2
        room = 2 * max(0.0, min(c - cell.x0, cell.x1 - c))
        return room, room
    gap = _px(ax, 6.0)
    left, _, _ = _decorations(ax, r)
    right = sum(b.get_tightbbox(r).width + gap for b in beside if b.get_position().x0 >= ax.get_position().x1)
    leg = ax.get_legend()
    if leg is not None:
        lb, pos = leg.get_window_extent(r), ax.get_window_extent()
        if lb.x0 >= pos.x1 - 1.0:  # beside, right
            right += lb.width + gap
        elif lb.y1 <= pos.y0 + 1.0:  # below, centred under the plot
            w, h = _data_room(ax, r, right=right)
            if _square(ax):
                w = min(w, h / _box_ratio(ax))
            over = max(0.0, (lb.width - w) / 2)
            left, right = max(left, over), max(right, over)
    # at most the cell's width: titles of neighbouring panels, centred a cell's width apart, never meet; and within
    # the figure's edges from the estimated centre (the layout's paddings, the other panels' margins and the tick
    # labels it finally draws move the centre by a few pixels either way)
    c = cell.x0 + (cell.width + left - right) / 2
    fig = ax.figure.bbox
    edge = 2 * min(c - fig.x0, fig.x1 - c)
    return min(cell.width, edge), min(cell.width, edge + _px(ax, 18.0))


#: the most extra runs of the constrained layout after one-line titles are shown in two lines (:class:`_RefittingLayout`)
REFIT_PASSES = 2
#: extra runs of the constrained layout for a figure with a fixed-aspect plot and a legend right of it: the layout
#: measures the legend from the plot's box, not from the plot, and one run left them past the figure's edges (a 6.4 x
#: 4.8 inch portrait: 9 pixels each side; within after two more runs, measured on 4 sizes)
SETTLE_PASSES = 2


#: the attribute of a title's Text that holds its one-line text while :class:`_RefittingLayout` shows it in two lines
_ONE_LINE = "_gandynamics_one_line"


class _RefittingLayout(ConstrainedLayoutEngine):
    """Matplotlib's constrained layout, followed by the one-line titles that matplotlib's draw-time wrap
    (:meth:`matplotlib.text.Text.set_wrap`) would now split in two: each is shown in two lines of even length (wrapped
    at its spaces, never inside ``$...$``), and the layout runs again (at most :data:`REFIT_PASSES` times).  Such a
    title is wrapped to the figure's edges from where its axes are; the layout measures it where the axes were before
    it moved them, so a one-line title of a panel that the layout brought nearer the figure's edge was split in two at
    draw time, above the room made for one line, and its first line was cut off at the figure's top (tutorial 03's
    panel (d) at 72 dpi).  Written out, the lines are measured by the next run (running the layout again on the
    wrapped title alone went back and forth: at the place the taller title leaves, one line fits).  Each run starts
    from the titles' own one-line text (a figure drawn again wider shows them in one line; a title the user set
    meanwhile is kept).  Installed in place of a figure's plain constrained layout by :func:`_refit_titles` (the same
    parameters).  A figure with a fixed-aspect plot and a legend right of it gets :data:`SETTLE_PASSES` more runs first."""

    def execute(self, fig):
        titles = []
        for ax in fig.axes:  # (the root figure's: those of its subfigures included)
            t = ax.title
            one = getattr(t, _ONE_LINE, None)
            if one is not None:
                shown, original = one
                if t.get_text() == shown:  # (ours: back to the one line; a text set since is the user's)
                    t.set_text(original)
                setattr(t, _ONE_LINE, None)
            if ax.get_visible() and t.get_visible() and t.get_wrap() and t.get_text() and "\n" not in t.get_text():
                titles.append((ax, t))
        out = self._settled(fig)
        r = _layout_renderer(fig)
        for _ in range(REFIT_PASSES if r is not None and titles else 0):
            changed = False
            for ax, t in titles:
                text = t.get_text()
                try:
                    wrapped = t._get_wrapped_text() if hasattr(t, "_get_wrapped_text") else None
                except Exception:  # (a title the layout never measured: matplotlib's wrap has no renderer yet)
                    wrapped = None
                # a title of one line that the wrap would split in two (a title of several lines was wrapped within
                # 95 % of its room, _title_with_notes; a split in three or more is a layout still far from its end)
                if wrapped is None or "\n" in text or wrapped.count("\n") != 1:
                    continue
                measure = _measure(ax, r, t.get_fontproperties())
                shown = _fill(text, measure(wrapped), measure, balanced=True)
                t.set_text(shown)
                setattr(t, _ONE_LINE, (shown, text))
                changed = True
            if not changed:
                break
            out = self._settled(fig)  # (a title now of two lines over a fixed-aspect plot settles as above)
        return out

    def _settled(self, fig):
        """Run the constrained layout; with a fixed-aspect plot whose legend is right of it or below it or whose
        title has several lines, run it again until the plots stand still, at most :data:`SETTLE_PASSES` more times:
        the layout measures such a title and legend from where the plot was before it moved it and converges over a
        few runs (a title of two lines was cut off at the figure's top in a first draw, savefig's only one; also when
        the refit had just split it, the rightmost of four portraits at 72 dpi; a one-line title over a 2.5 x 4 inch
        portrait with its legend below)."""
        out = self._run(fig)
        if any(_square(ax) and (getattr(ax.get_legend(), "_gandynamics_outside", False) or "\n" in ax.get_title())
               for ax in fig.axes):
            for _ in range(SETTLE_PASSES):
                before = [ax.get_position().bounds for ax in fig.axes]
                out = self._run(fig)
                if [ax.get_position().bounds for ax in fig.axes] == before:
                    break
        return out

    def _run(self, fig):
        """One run of the constrained layout.  Where it gives up ("axes sizes collapsed to zero": the legends
        placed beside the plots, their titles and colorbars leave them no room, as a title wrapped in more lines at
        draw time than when the legend was placed), the legends placed below or right of the axes are moved inside
        them (:func:`_legend_inside_now`) and the layout runs again; its warning is passed on only when that does not
        help (a square portrait 2.5 x 4 inches with a speed colorbar, four runs' legend below and a title of two
        lines: the layout collapsed, the title, wrapped to the collapsed axes, stood 180 pixels tall past the top)."""
        if not any(getattr(ax.get_legend(), "_gandynamics_outside", False) for ax in fig.axes):
            return super().execute(fig)  # (nothing to move: matplotlib's run and warnings as they are)
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = super().execute(fig)
        collapsed = [w for w in caught if "collapsed to zero" in str(w.message)]
        moved = collapsed and [ax for ax in fig.axes if _legend_inside_now(ax)]
        if moved:
            with warnings.catch_warnings(record=True) as again:
                warnings.simplefilter("always")
                out = super().execute(fig)
            caught = [w for w in caught if w not in collapsed] + again
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return out


def _legend_inside_now(ax) -> bool:
    """Move the legend of ``ax`` that a plotting function placed below or right of the axes inside them (where it
    covers the fewest drawn points, :func:`_make_legend`), with its entries; True when one was moved."""
    leg = ax.get_legend()
    if leg is None or getattr(leg, "_gandynamics_inside", False) or not getattr(leg, "_gandynamics_outside", False):
        return False
    handles, labels = list(leg.legend_handles), [t.get_text() for t in leg.get_texts()]
    leg.remove()
    _make_legend(ax, "inside", {"handles": handles, "labels": labels})
    return True


def _layout_renderer(fig):
    """The renderer the layout measures with: the canvas's, or the figure's own for a canvas that has none (PDF,
    SVG: the refit ran for PNG only, and a PDF's title was cut off); None when neither can be had."""
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    get = getattr(fig, "_get_renderer", None)
    try:
        return get() if get is not None else None
    except Exception:
        return None


def _refit_titles(ax) -> None:
    """Give the figure of ``ax`` the :class:`_RefittingLayout` in place of a plain constrained layout (same
    parameters); any other layout engine, or none, is left as it is."""
    fig = _root(ax.figure)
    engine = fig.get_layout_engine()
    if type(engine) is ConstrainedLayoutEngine:
        new = _RefittingLayout(compress=bool(getattr(engine, "_compress", False)), **engine.get())
        fig.set_layout_engine(new)


def _title_with_notes(ax, head: str | None, notes, beside=()) -> None:
    """``head`` and each note (``"note: ..."``) as the axes' title, fitted to its place: the head wrapped (at its
    spaces, never inside ``$...$``) and the notes wrapped at 60 characters, or fewer, until the title is no wider
    than :func:`_title_room` gives it (it is centred on the axes, which a legend beside them moves left: a
    3-method note on a 4.6-inch portrait was cut at both edges); then :meth:`matplotlib.text.Text.set_wrap` keeps it
    within the figure at draw time, whatever the final layout (panels drawn later move the axes).  In a figure
    without layout engine a title taller than the room above the axes (up to the figure's top or the lowest label of
    a panel above, :func:`_room_top`) is set smaller (down to 6 pt), and at last inside the axes, at their top or
    their bottom, whichever covers fewer of the points drawn (:func:`_points_under`); in one with a layout engine a title taller than a quarter of the cell is set smaller
    (down to 6 pt).  Call it after the legend and colorbars (``beside``) are placed."""
    notes = ["note: " + n for n in notes]
    lines = [head] if head else []
    r = _renderer(ax)
    if r is None:
        ax.set_title("\n".join(lines + [_note_lines(n, _NOTE_CHARS[0]) for n in notes]))
        ax.title.set_wrap(True)
        return
    room, lenient = _title_room(ax, r, beside)

    # a title of one line is kept whole up to the lenient room (Text.set_wrap splits it at draw time should the
    # figure's edge come closer than estimated: the estimate errs on the narrow side, by about 10 px, as the tick
    # labels are measured before the layout, where the axes are larger); one of several lines is wrapped within
    # 95 % of the room: a line that set_wrap split after the layout's last pass would make the title taller than the
    # room the layout made above the axes
    strict = 0.95 * room if _managed(ax) else room

    def fitted(size, capped=True):
        prop = ax.title.get_fontproperties().copy()
        prop.set_size(size)
        measure = _measure(ax, r, prop)
        whole = not notes and len(lines) == 1 and "\n" not in lines[0] and measure(lines[0]) <= lenient
        text = [h if whole else _fill_title(h, strict, measure) for h in lines]
        for n in notes:
            w = ""
            for chars in _NOTE_CHARS if capped else ():
                w = _note_lines(n, chars)
                if measure(w) <= strict:
                    break
            text.append(w if w and measure(w) <= strict else _fill(n, strict, measure, balanced=True))
        return "\n".join(text)

    size = ax.title.get_fontsize()
    ax.set_title(fitted(size))
    ax.title.set_wrap(True)
    if not ax.get_title():
        return
    if _managed(ax):
        _refit_titles(ax)  # (a one-line title the draw-time wrap splits is shown in two lines, _RefittingLayout)
        # the layout makes room above the axes, but a title of half the cell leaves the plot little
        def height():
            ax.title.set_wrap(False)  # (as fitted: matplotlib's wrap sees the axes where they are before the layout)
            h = ax.title.get_window_extent(r).height
            ax.title.set_wrap(True)
            return h
        limit = 0.25 * _cell(ax).height
        while height() > limit and size > _MIN_TITLE_PT:
            size = max(_MIN_TITLE_PT, size - 1.0)
            ax.set_title(fitted(size, capped=False), fontsize=size)
            ax.title.set_wrap(True)
        return
    # no layout engine: the room above the axes is what it is (up to the figure's top, or to the lowest label of a
    # panel above: in a grid of panels the titles had run over the x labels of the row above); the notes in longer
    # lines, then a smaller font
    top, capped = _room_top(ax, r), True
    while ax.title.get_window_extent(r).y1 > top + 1.0 and (capped or size > _MIN_TITLE_PT):
        if notes and capped:
            capped = False
        else:
            capped, size = False, max(_MIN_TITLE_PT, size - 1.0)
        ax.set_title(fitted(size, capped), fontsize=size)
        ax.title.set_wrap(True)
    if ax.title.get_window_extent(r).y1 > top + 1.0:  # no room above the axes: at their top, inside, in lines no
        # wider than the axes (as wide as the room above them, it crossed both edges), and a legend inside the axes
        # moved off it (it was drawn over the title: a new user's two-panel figure of 7 x 2.5 inches)
        ax.apply_aspect()
        strict = lenient = 0.94 * ax.get_window_extent().width
        text = fitted(size, capped=False)
        box = {"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.85}
        covered = []
        # (at the top below the labels of a panel above that reach into this one)
        down = _MIN_TITLE_PT + max(0.0, ax.get_window_extent().y1 - top) * 72.0 / _root(ax.figure).dpi
        for y, pad, va in ((1.0, -down, "top"), (0.0, _MIN_TITLE_PT, "bottom")):
            ax.set_title(text, fontsize=size, y=y, pad=pad, va=va, bbox=box)
            ax.title.set_wrap(True)
            covered.append(_points_under(ax, ax.title.get_window_extent(r)))
            if covered[0] == 0:
                break
        if len(covered) == 2 and covered[0] <= covered[1]:  # at the top, unless the bottom covers fewer of the runs'
            ax.set_title(text, fontsize=size, y=1.0, pad=-down, va="top", bbox=box)  # points (a grid of
            ax.title.set_wrap(True)  # small panels: the title over the trajectories)
        leg = ax.get_legend()
        if leg is not None and getattr(leg, "_gandynamics_inside", False):
            leg.set_loc(_inside_loc(ax, leg))


def _room_top(ax, r) -> float:
    """The top of the room above ``ax`` (display units) in a figure without layout engine: the figure's top, or the
    lowest edge (tick labels, x label) of another visible axes that lies wholly above ``ax`` and overlaps it
    horizontally (the row above in a grid of panels; not twins, colorbars beside it or insets)."""
    top = _root(ax.figure).bbox.y1
    box = ax.get_window_extent()
    for other in _root(ax.figure).get_axes():
        if other is ax or not other.get_visible():
            continue
        ob = other.get_window_extent()
        if ob.y0 >= box.y1 - 1.0 and ob.x0 < box.x1 and ob.x1 > box.x0:
            tight = other.get_tightbbox(r)
            if tight is not None and np.isfinite(tight.y0):
                top = min(top, tight.y0)  # (below box.y1 where that panel's labels reach into this one)
    return top


def _points_under(ax, extent) -> int:
    """How many of the points the axes show (:func:`_drawn_points`) lie under ``extent`` (display units)."""
    P = ax.transAxes.transform(_drawn_points(ax).reshape(-1, 2))
    return int(np.count_nonzero((P[:, 0] >= extent.x0) & (P[:, 0] <= extent.x1) & (P[:, 1] >= extent.y0)
                                & (P[:, 1] <= extent.y1)))


def _readable_log(ax, axis: str = "y") -> None:
    """Plain decimal tick labels on a log axis spanning less than three decades (``0.3, 1, 3`` rather than
    ``3 x 10^-1``); matplotlib's powers of ten beyond."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    a = ax.yaxis if axis == "y" else ax.xaxis
    lo, hi = (ax.get_ylim() if axis == "y" else ax.get_xlim())
    if lo <= 0 or hi <= 0:
        return
    span = np.log10(hi) - np.log10(lo)
    if span < 3:
        fmt = FuncFormatter(lambda v, _: f"{number_text(v, 'g')}")
        loc = LogLocator(base=10, subs=(1.0, 2.0, 5.0) if span < 1.5 else (1.0, 3.0))
        a.set_major_locator(loc)
        a.set_major_formatter(fmt)
        a.set_minor_formatter(NullFormatter())
        # an end of the axis short of a labelled tick by a little (an axis 0.2 .. 4 labelled up to 2 only) is moved
        # out to that tick, when that widens the axis by at most a quarter of its span; the axis's autoscaling is left
        # as it was (auto=None): data added later (convergence(ax=ax) again, a line of the caller's) still widens it
        ticks = np.asarray(loc.tick_values(lo / 10, hi * 10))
        above, below = ticks[ticks >= hi], ticks[ticks <= lo]
        top = above.min() if above.size and np.log10(above.min() / hi) <= 0.25 * span else hi
        bottom = below.max() if below.size and np.log10(lo / below.max()) <= 0.25 * span else lo
        if lo < hi and (bottom, top) != (lo, hi):  # (an inverted axis is left as it is)
            (ax.set_ylim if axis == "y" else ax.set_xlim)(bottom, top, auto=None)
    else:
        a.set_major_locator(LogLocator(base=10, numticks=8))
        a.set_minor_formatter(NullFormatter())


def _length_room(ax, leg=None) -> float:
    """The estimated height (display units) of the plot of ``ax`` with its legend ``leg`` where it is."""
    r = _renderer(ax)
    if not _managed(ax):
        ax.apply_aspect()
        return ax.get_window_extent().height
    below = 0.0
    if leg is not None:
        lb = leg.get_window_extent(r)
        if lb.y1 <= ax.get_window_extent().y0 + 1.0:
            below = lb.height + _px(ax, 6.0)
    w, h = _data_room(ax, r, below=below)
    return min(h, _box_ratio(ax) * w) if _square(ax) else h


def _shorten(text, shorter, length: float, set_text=None) -> None:
    """The text artist ``text`` given the first of its own text and ``shorter`` that is at most ``length`` long
    along its direction (a label longer than its axis overhangs the axis's ends: past the figure's edge on a small
    plot); ``set_text`` sets a text (default: ``text.set_text``)."""
    canvas = _root(text.get_figure()).canvas
    r = canvas.get_renderer() if hasattr(canvas, "get_renderer") else None
    if r is None:
        return
    for t in shorter:
        ext = text.get_window_extent(r)
        if (ext.height if text.get_rotation() % 180 == 90 else ext.width) <= length:
            return
        (set_text or text.set_text)(t)


def _fit_colorbar_label(ax, cb, shorter, leg=None) -> None:
    """The label of a colorbar right of ``ax`` replaced by the first of ``shorter`` no longer than the bar (the
    plot's height, its legend ``leg`` under it)."""
    if _renderer(ax) is not None:
        _shorten(cb.ax.yaxis.label, shorter, _length_room(ax, leg), cb.set_label)


def _colorbar_width(ax, cb) -> float:
    """The width (display units) a colorbar right of ``ax`` takes: its labels and a bar of a layout's thickness."""
    r = _renderer(ax)
    if r is None:
        return 0.0
    tight, bar = cb.ax.get_tightbbox(r), cb.ax.get_window_extent()
    return (tight.width - bar.width) + _cell(ax).height / 20 + _px(ax, 8.0)
