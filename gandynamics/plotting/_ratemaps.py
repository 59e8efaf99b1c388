"""Rate maps: a method's exact local rate over the (strength, step) plane (:func:`rate_grid`, :func:`rate_map`), drawn
on one colour scale split at 1 (:func:`rate_norm`, :func:`rate_colorbar`)."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from ..errors import GandynamicsError
from ._fit import (_colorbar_width, _fit_colorbar_label, _legend_outside, _length_room, _renderer, _root, _shorten,
                   _title_with_notes)
from ._style import _axes, _greek_text, number_text, symbol
from ._windows import _strength, _values


#: the rate maps' colour map, split at rho = 1 (a two-slope scale): blue where the method contracts, white at 1, red where it
#: expands -- told apart by readers of every kind of colour vision (the red-yellow-green map it replaces was not: its
#: stable and unstable sides differ by red against green)
RATE_CMAP = "RdBu_r"


def _marker_side(ax, xs, ys, share: float = 0.6, least: float = 2.0) -> float:
    """The side (points) of a marker at each of the points ``(xs, ys)`` of a grid drawn on ``ax`` (its limits set):
    ``share`` of the smallest spacing, in display units, between their distinct positions along either axis (at
    least ``least``; inf for a single point)."""
    px = ax.transData.transform(np.column_stack([np.ravel(xs), np.ravel(ys)]))
    gaps = []
    for c in px.T:
        u = np.unique(np.round(c[np.isfinite(c)], 3))
        if u.size > 1:
            gaps.append(float(np.min(np.diff(u))))
    if not gaps:
        return math.inf
    points = min(gaps) * 72.0 / _root(ax.figure).dpi
    return max(least, share * points)


def faded_cmap(name, fade: float, span=(0.0, 1.0)):
    """The colormap ``name`` (a name or a Colormap) over ``span`` of its range, each colour moved ``fade`` of the way to
    white: a paler map under curves drawn over it (the stability boundaries' flip and branch-point curves were lost on
    the full red and blue of the rate map: a figure review).  ``0 <= fade < 1``, ``0 <= span[0] < span[1] <= 1``;
    else a GandynamicsError."""
    from matplotlib.colors import Colormap, ListedColormap
    if not 0.0 <= fade < 1.0 or not 0.0 <= span[0] < span[1] <= 1.0:
        raise GandynamicsError(f"faded_cmap: fade must lie in [0, 1) and span within [0, 1], increasing; got "
                               f"fade = {fade}, span = {tuple(span)}")
    base = name if isinstance(name, Colormap) else matplotlib.colormaps[name]
    rgba = base(np.linspace(span[0], span[1], 256))
    rgba[:, :3] = rgba[:, :3] + fade * (1.0 - rgba[:, :3])
    lo, hi = (base(span[0]), base(span[1])) if tuple(span) != (0.0, 1.0) else (base.get_under(), base.get_over())
    faded = [tuple(np.append(np.asarray(c[:3]) + fade * (1.0 - np.asarray(c[:3])), c[3])) for c in (lo, hi)]
    return ListedColormap(rgba, name=f"{base.name}_faded").with_extremes(under=faded[0], over=faded[1])


def _clipped_cmap(name, values, vmin: float, vmax: float):
    """The colormap ``name`` (a name or a Colormap) with ``colorbar_extend`` set to the ends of ``[vmin, vmax]`` that ``values`` pass
    ("neither", "min", "max" or "both"; NaN ignored, +-inf counted): a colorbar made from a mappable with it shows
    an arrow at each clipped end (matplotlib reads ``cmap.colorbar_extend`` when ``extend`` is not given)."""
    import matplotlib
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    low, high = bool(np.any(v < vmin)), bool(np.any(v > vmax))
    from matplotlib.colors import Colormap
    cmap = (name if isinstance(name, Colormap) else matplotlib.colormaps[name]).copy()
    cmap.colorbar_extend = {(False, False): "neither", (True, False): "min", (False, True): "max"}.get((low, high), "both")
    return cmap


#: the ticks of a rate map's colorbar (those within its scale): closer below 1, where :func:`rate_norm` is finer
RATE_TICKS = (0.0, 0.5, 0.8, 0.95, 1.0, 1.25, 1.5, 2.0, 3.0)


def rate_norm(vmin: float = 0.0, vmax: float = 1.5):
    """The rate maps' colour scale: a two-slope scale split at rho = 1 (half the colours each side), linear above 1 and
    finer towards 1 below it, ``0.5 - 0.5 sqrt((1 - rho) / (1 - vmin))``: a step whose rate is 0.95 or 0.99 (most of
    a stable region at small steps) takes a twentieth and a hundredth of the way from white to the deepest blue on
    a linear scale (vmin = 0), and sqrt(0.05) = 0.22 and sqrt(0.01) = 0.10 of it here (the figure review: the
    stable regions were white).  Values
    beyond the scale map below 0 and above 1 by the same formulas (the colormap's under and over colours; finite,
    so that a colorbar's end arrows have a place); the attributes ``vmin``, ``vcenter`` (1) and ``vmax`` are
    matplotlib's TwoSlopeNorm's."""
    from matplotlib.colors import TwoSlopeNorm

    class RateNorm(TwoSlopeNorm):
        def __call__(self, value, clip=None):
            result, is_scalar = self.process_value(value)
            self.autoscale_None(result)
            lo, c, hi = float(self.vmin), float(self.vcenter), float(self.vmax)
            r = np.ma.getdata(result).astype(float)
            with np.errstate(invalid="ignore"):
                out = np.where(r < c, 0.5 - 0.5 * np.sqrt(np.clip((c - r) / (c - lo), 0.0, None)),
                               0.5 + 0.5 * (r - c) / (hi - c))
            out = np.ma.masked_array(out, mask=np.ma.getmask(result))
            return out[0] if is_scalar else out

        def inverse(self, value):
            lo, c, hi = float(self.vmin), float(self.vcenter), float(self.vmax)
            x = np.asarray(value, dtype=float)
            return np.where(x < 0.5, c - (c - lo) * ((0.5 - x) / 0.5) ** 2, c + (x - 0.5) / 0.5 * (hi - c))

    return RateNorm(vmin=vmin, vcenter=1.0, vmax=vmax)


#: ticks of a rate colorbar closer than this on its scale (a share of the bar) than one kept are dropped
RATE_TICK_GAP = 0.06


def _rate_ticks(cb) -> None:
    """The colorbar ``cb``'s ticks: its two ends and 1, then :data:`RATE_TICKS` within its scale, each at least
    :data:`RATE_TICK_GAP` of the bar from those kept (a scale of 0.5 to 1.2 had no tick above 1, one of -1 to 2 none
    at -1: a reviewer's finding)."""
    lo, hi = float(cb.norm.vmin), float(cb.norm.vmax)
    kept: list[float] = []
    for t in (lo, hi, 1.0, *RATE_TICKS):
        if lo <= t <= hi and all(abs(float(cb.norm(t)) - float(cb.norm(k))) >= RATE_TICK_GAP for k in kept):
            kept.append(t)
    kept.sort()
    cb.set_ticks(kept, labels=[number_text(t, "g") for t in kept])


def _mark_split(cb) -> None:
    """A line across the rate maps' colorbar ``cb`` at rho = 1, where its two-slope scale (:func:`rate_norm`: [vmin, 1]
    and [1, vmax] each take half the bar) changes slope (drawn without changing the bar's limits)."""
    horizontal = cb.orientation == "horizontal"
    lo, hi = cb.ax.get_xlim() if horizontal else cb.ax.get_ylim()
    if min(lo, hi) < 1.0 < max(lo, hi):
        across = cb.ax.get_ylim() if horizontal else cb.ax.get_xlim()
        xy = (([1.0, 1.0], across) if horizontal else (across, [1.0, 1.0]))
        cb.ax.plot(*xy, color="black", lw=1.0, scalex=False, scaley=False)
        (cb.ax.set_xlim if horizontal else cb.ax.set_ylim)(lo, hi)


def rate_colorbar(axes, label: str = r"local rate $\rho$ (spectral radius), one scale for all panels, split at 1 "
                                     r"($\sqrt{1-\rho}$ scale below)",
                  **kw):
    """One colorbar for the rate maps drawn on ``axes`` (:func:`rate_map` with ``colorbar=False``; they share its
    fixed scale), beside all of them, with an arrow at each end of the scale that any of them passes; ``label``
    is shortened where the bar is shorter than it.

    ``kw`` goes to ``Figure.colorbar`` (default ``pad=0.01, shrink=0.9``).  Returns the Colorbar.  Raises
    GandynamicsError when an axes holds no rate map."""
    axes = list(np.ravel(axes))
    meshes = [getattr(a, "rate_mesh", None) for a in axes]
    if not axes or any(m is None for m in meshes):
        raise GandynamicsError("rate_colorbar: every axes must hold a rate_map (its ax.rate_mesh)")
    ends = set()
    for m in meshes:
        e = m.get_cmap().colorbar_extend
        ends |= {"min", "max"} if e == "both" else {e} if e in ("min", "max") else set()
    kw = {"pad": 0.01, "shrink": 0.9, **kw}
    kw.setdefault("extend", "both" if len(ends) == 2 else ends.pop() if ends else "neither")
    cb = axes[0].figure.colorbar(meshes[0], ax=axes, **kw)
    cb.set_label(label)
    _rate_ticks(cb)
    _mark_split(cb)
    # no longer than the bar (its label was cut at the figure's top on a short row of panels)
    if _renderer(axes[0]) is not None:
        # (the scale's kind kept as long as any words are: "split at 1" alone hid that 0.95 -> 1 takes as much of the
        # bar as 0.8 -> 0.95, a figure reviewer's finding)
        _shorten(cb.ax.yaxis.label, (r"local rate $\rho$, one scale for all panels, split at 1 ($\sqrt{1-\rho}$ below)",
                                     r"local rate $\rho$ (one scale, split at 1, $\sqrt{1-\rho}$ below)",
                                     r"rate $\rho$ (split at 1, $\sqrt{1-\rho}$ below)", r"rate $\rho$ ($\sqrt{1-\rho}$ below 1)",
                                     r"rate $\rho$"), kw["shrink"] * _length_room(axes[0]), cb.set_label)
    return cb


def rate_map(field, method: str, gamma, step, params=None, *, parameter: str = "gamma", rho=None, measured=None,
             vmin: float = 0.0, vmax: float = 1.5, colorbar: bool = True, title: str | None = None, ax=None,
             cmap=RATE_CMAP, **options):
    r"""The exact local rate ``rho`` (spectral radius of the linearised iteration, docs/mathematics.md §5.4) over a
    (strength, step) grid, with the ``rho = 1`` contour and optional measured rates on top.

    Parameters
    ----------
    field : VectorField
    method : str
        A method name of :data:`gandynamics.analysis.rates.RATE_METHODS` (gd, altgd, eg, eftp, ...).
    gamma, step : 1-D arrays
        Strength values (x-axis) and step sizes (y-axis).  One value on an axis draws a strip: its cell fills the
        axis, which has one tick, at the value, and ``rho = 1`` is marked across the strip where rho crosses 1 along
        the other axis (linear interpolation between neighbouring values, the rule of the 2-D map's contour).
    params : mapping, optional
    parameter : str
        The strength varied along the x-axis.
    rho : array (len(step), len(gamma)), optional
        Precomputed rates (e.g. from :func:`rate_grid`); computed with the rates module otherwise.
    measured : tuple, optional
        ``(gammas, steps, rates)`` measured from simulated trajectories, drawn as black-edged squares filled with
        the measured rate's colour on the map's scale: a square whose fill matches the map around it agrees with
        the local rate.  A NaN rate (a run with no rate to compare: bounded, not converging, e.g. on a cycle) is
        drawn as a black cross, an infinite one (a run that diverged) as a black triangle.
    vmin, vmax : float
        The colour scale, fixed (default 0 to 1.5, split at rho = 1, finer towards 1 below it: :func:`rate_norm`)
        so that panels of different methods share it; rates beyond are shown saturated, and a colorbar made from ``ax.rate_mesh`` (this panel's, or
        one shared by several) has an arrow at each end the map's or the measured rates pass.
    colorbar : bool
        Draw this panel's colorbar (panels sharing the scale may draw one for all: ``ax.rate_mesh`` is the
        mesh to pass to ``fig.colorbar``).
    title : str, optional
        Wrapped to the width the axes' cell gives it (default: the method's name and what is drawn, ``gd: local rate
        ρ``: panels of three methods side by side could not be told apart, a new user; ``""`` for none).
    cmap : str or Colormap
        The colour map (default :data:`RATE_CMAP`, white at 1 under :func:`rate_norm`); :func:`faded_cmap` gives a
        paler one for curves drawn over the map.
    options : passed to the rate function (``n_g``, ``n_d``, ``beta``).

    Returns
    -------
    ax : matplotlib Axes
        With ``ax.rate_mesh`` and ``ax.rho_one``: the positions (strengths, or steps, shape (k,)) where the
        ``rho = 1`` boundary of a strip is marked (empty for a 2-D map, whose boundary is the contour).  The legend
        goes under the map (right of it or inside where the figure has no room there) and says when the whole map
        lies on one side of 1; the colorbar's label is shortened on a map shorter than it.

    Raises
    ------
    GandynamicsError
        A rate grid of another shape than ``(len(step), len(gamma))``, a step size <= 0, or a colour scale that does
        not contain 1.
    """
    ax = _axes(ax, figsize=(4.8, 3.8))
    G, H = _values(gamma, parameter), _values(step, "step", positive=True)
    R = np.asarray(rho, float) if rho is not None else rate_grid(field, method, G, H, params, parameter=parameter, **options)
    if R.shape != (H.size, G.size):
        raise GandynamicsError(f"rate grid has shape {R.shape}; expected ({H.size}, {G.size})")
    if not vmin < 1.0 < vmax:
        raise GandynamicsError(f"the colour scale must contain rho = 1: vmin < 1 < vmax, got {vmin}, {vmax}")
    norm = rate_norm(vmin, vmax)
    # values beyond the scale are drawn in its end colours: the colormap carries the arrows that say so to every
    # colorbar made from this map, the shared one of several panels too (rho = inf, a diverged measurement, included)
    mg = mh = mr = np.empty(0)
    if measured is not None:  # (each the measured rates' shape: a gamma or step given once applies to them all)
        mg, mh, mr = (np.broadcast_to(np.asarray(a, float), np.shape(measured[2])) for a in measured)
    cmap = _clipped_cmap(cmap, np.concatenate([np.ravel(R), np.ravel(mr)]), vmin, vmax)
    if G.size > 1 and H.size > 1:
        pc = ax.pcolormesh(G, H, np.clip(R, vmin, vmax), cmap=cmap, norm=norm, shading="auto", zorder=1)
        xlim, ylim = (G.min(), G.max()), (H.min(), H.max())
    else:  # one value on an axis: matplotlib draws no cell of width 0 (an empty map); a cell of its own width
        Ge, He = _cell_edges(G), _cell_edges(H)
        pc = ax.pcolormesh(Ge, He, np.clip(R, vmin, vmax), cmap=cmap, norm=norm, shading="flat", zorder=1)
        xlim = (G.min(), G.max()) if G.size > 1 else (Ge[0], Ge[-1])
        ylim = (H.min(), H.max()) if H.size > 1 else (He[0], He[-1])
    ax.rate_mesh = pc
    beside = []
    if colorbar:
        cb = ax.figure.colorbar(pc, ax=ax, pad=0.02)
        cb.set_label(r"local rate $\rho$ (spectral radius), scale split at 1 ($\sqrt{1-\rho}$ scale below)")
        _rate_ticks(cb)
        _mark_split(cb)
        beside.append(cb.ax)
    handles = []
    ax.rho_one = np.empty(0)
    if G.size > 1 and H.size > 1 and np.nanmin(R) < 1 < np.nanmax(R):  # (a contour needs two values each way)
        ax.contour(G, H, R, levels=[1.0], colors="black", linewidths=1.4, zorder=5)  # (over the measured squares)
        handles.append(Line2D([], [], color="black", lw=1.4, label=r"$\rho = 1$ (computed)"))
    elif (G.size == 1) != (H.size == 1):  # a strip: where rho crosses 1 along its varying axis (the contour's rule)
        along, name = (H, "h") if G.size == 1 else (G, _greek_text(_strength(field, parameter)))
        ax.rho_one = _level_crossings(along, R[:, 0] if G.size == 1 else R[0, :], 1.0)
        for c in ax.rho_one:
            (ax.axhline if G.size == 1 else ax.axvline)(c, color="black", lw=1.4, zorder=3)
        if ax.rho_one.size:
            at = ", ".join(f"{number_text(c, '.4g')}" for c in ax.rho_one[:4]) + (", ..." if ax.rho_one.size > 4 else "")
            handles.append(Line2D([], [], color="black", lw=1.4, label=fr"$\rho = 1$ at {name} = {at} (computed)"))
    if not ax.rho_one.size and not handles and np.any(np.isfinite(R)) and (np.nanmax(R) < 1 or np.nanmin(R) > 1):
        # no boundary to draw: the legend says on which side of 1 the whole map lies
        below = np.nanmax(R) < 1
        handles.append(Line2D([], [], ls="", label=(fr"$\rho < 1$ throughout (max {number_text(np.nanmax(R), '.3g')})" if below
                                                    else fr"$\rho > 1$ throughout (min {number_text(np.nanmin(R), '.3g')})")))
    said = _rate_options_said(method, options) if rho is None else ""
    if said:  # the options the map was computed at (momentum's beta: -0.5 by default; at 0 the map is gd's)
        handles.append(Line2D([], [], ls="", label=said))
    marks = []  # (scatter, its full size)
    if measured is not None:
        gone = np.isposinf(mr)  # (a run that diverged: no rate; its fill of the scale's top read as a measured rate)
        some = ~np.isnan(mr) & ~gone
        if some.any():
            marks.append((ax.scatter(mg[some], mh[some], c=np.clip(mr[some], None, vmax), cmap=cmap, norm=norm,
                                     edgecolors="black", s=36, zorder=4, marker="s", clip_on=False), 36.0))
            handles.append(Line2D([], [], color="black", marker="s", ls="", mfc="white", label="measured rate"))
        if np.isnan(mr).any():  # no rate to colour by (a run that settled on a cycle): a pale fill of ~1 read as a
            # disagreement with the map's rho > 1 there
            nan = np.isnan(mr)
            # (black on the scale's darkest red was hardly seen, a figure reviewer: a white halo around the cross, the
            # triangle filled white)
            import matplotlib.patheffects
            halo = [matplotlib.patheffects.withStroke(linewidth=3.0, foreground="white")]
            sc = ax.scatter(mg[nan], mh[nan], color="black", marker="x", s=30, lw=1.2, zorder=4, clip_on=False)
            sc.set_path_effects(halo)
            marks.append((sc, 30.0))
            handles.append(Line2D([], [], color="black", marker="x", ls="", label="no rate (bounded, not converging)"))
        if gone.any():
            marks.append((ax.scatter(mg[gone], mh[gone], facecolors="white", edgecolors="black", linewidths=1.0,
                                     marker="^", s=30, zorder=4, clip_on=False), 30.0))
            handles.append(Line2D([], [], color="black", mfc="white", marker="^", ls="", label="diverged (no rate)"))
    ax.set_xlabel(symbol(_strength(field, parameter)))
    ax.set_ylabel("step $h$")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if marks:  # squares no wider than 60 % of the measured points' spacing: as dense as the map, 6 pt squares
        # covered it whole (a new user's finding)
        side = _marker_side(ax, mg, mh)
        for sc, full in marks:
            sc.set_sizes([min(full, side * side)])
            if side < 6.0:  # (thinner edges on smaller squares: at a dense grid's size the edges were all one saw)
                sc.set_linewidths([max(0.3, side / 6.0) * (1.2 if full == 30.0 else 1.0)])
    for v, axis in ((G, ax.xaxis), (H, ax.yaxis)):
        if v.size == 1:  # the one value's cell fills the axis: one tick, at the value (not a range of values)
            axis.set_ticks([v[0]], labels=[f"{number_text(v[0], 'g')}"])
    ax.grid(False)
    if title is None:
        title = f"{method}: local rate ρ"
    if title:
        _title_with_notes(ax, title, [])
    reserve = (_colorbar_width(ax, cb) if colorbar else 0.0, 0.0)
    leg = None
    if handles:  # under the map: any place inside would cover rates
        leg = _legend_outside(ax, loc="below", reserve=reserve, handles=handles, ncol=len(handles))
    if colorbar:
        shorter = (r"local rate $\rho$" + "\n" + r"(scale split at 1, $\sqrt{1-\rho}$ below)",
                   r"rate $\rho$" + "\n" + r"(split at 1, $\sqrt{1-\rho}$ below)", r"rate $\rho$ ($\sqrt{1-\rho}$ below 1)",
                   r"rate $\rho$", r"$\rho$")
        _fit_colorbar_label(ax, cb, shorter, leg)
    if title:
        _title_with_notes(ax, title, [], beside=beside)
    return ax


def _rate_options_said(method: str, options: dict) -> str:
    """``"momentum at β = 0, alternating = False"``: the rate options ``method`` takes (beta, n_g and n_d,
    lookahead's), each at its value in ``options`` or its default, for the legend of a map computed with them ("" when
    it takes none)."""
    from ..analysis.rates import _resolve, rate_options
    names = rate_options(method)
    if not names:
        return ""
    m, _ = _resolve(method)
    declared = {o.name: o.default for o in m.options}
    from ..methods import beta_for
    # (local_rate's own defaults: beta the method's declared one, momentum's -0.5, as the map was computed at)
    base = {"beta": beta_for(method, None, options.get("base")), "n_g": 1, "n_d": 1}
    parts = []
    for name in names:
        value = options[name] if name in options else base.get(name, declared.get(name))
        if value is None:
            continue
        text = number_text(value, "g") if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        parts.append(f"{_greek_text(name)} = {text}")
    return f"{method} at {', '.join(parts)}" if parts else ""


def _level_crossings(x, y, level: float = 1.0) -> np.ndarray:
    """Where the sampled curve ``y(x)`` crosses ``level`` (sorted): between neighbouring samples (in the order of
    ``x``) of which one lies above the level and the other not, at the point where the straight line between them
    meets it, the rule by which matplotlib's contour lines cut the edges of their grid (marching squares, a sample
    equal to the level counted below it); NaN samples cut the curve."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    o = np.argsort(x, kind="stable")
    x, y = x[o], y[o]
    out = []
    for a in range(x.size - 1):
        y0, y1 = y[a], y[a + 1]
        if np.isfinite(y0) and np.isfinite(y1) and (y0 > level) != (y1 > level):
            out.append(x[a] + (level - y0) / (y1 - y0) * (x[a + 1] - x[a]))
    return np.array(out)


def _cell_edges(v: np.ndarray) -> np.ndarray:
    """The edges of the cells centred on the values ``v`` (n,), shape (n + 1,): midpoints between neighbours, the ends
    half a spacing beyond (matplotlib's "nearest" shading, in the values' order); one value gets a cell from half its
    size to one and a half times it (-0.5 to 0.5 at 0), which :func:`rate_map` draws over the whole axis, with one
    tick at the value."""
    v = np.asarray(v, float)
    if v.size == 1:
        w = 0.5 * abs(v[0]) or 0.5
        return np.array([v[0] - w, v[0] + w])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def rate_grid(field, method: str, gamma, step, params=None, *, parameter: str = "gamma", **options):
    """``rho[i, j]``: the exact local rate of ``method`` at step ``step[i]`` and strength ``gamma[j]``,
    i.e. the spectral radius of the iteration matrix linearised at the equilibrium
    (:func:`gandynamics.analysis.rates.local_rate` with ``A = DF(z*)``; docs/mathematics.md §0.4, §5.4)."""
    from ..analysis.rates import local_rate
    from ..analysis.spectrum import find_equilibrium
    name = _strength(field, parameter)
    base = dict(params or {})
    G, H = np.asarray(gamma, float), np.asarray(step, float)
    R = np.empty((H.size, G.size))
    for j, g in enumerate(G):
        pj = {**base, name: float(g)}
        zs, _ = find_equilibrium(field, pj)
        A = field.eval_DF(zs, pj)
        for i, h in enumerate(H):
            R[i, j] = local_rate(method, A, float(h), n_theta=field.n_theta, **options)
    return R
