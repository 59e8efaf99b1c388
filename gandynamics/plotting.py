r"""Figures of the dynamics: phase portraits, eigenvalue loci, rate maps, convergence curves, factors.

Every drawing function takes an optional matplotlib ``ax`` (a new figure is made when it is ``None``) and
returns the axes it drew on.  The numbers drawn are computed here from the field (compiled ``F``, exact
``DF``, :func:`gandynamics.analysis.spectrum`) or passed in by the caller from the library's
integrators and rate functions; nothing is typed in.  The ``*_data`` functions return those numbers
without drawing, so that tests and :mod:`gandynamics.reproduce` can check them.

Conventions (docs/mathematics.md §0.1): ``z = (theta, psi)``, ``v = -F`` is the direction of motion drawn by the
streamlines, ``J = Dv``; the phase factor is ``max |Im lambda| / |Re lambda|`` and the conditioning
factor ``max |lambda| / min |lambda|`` (docs/mathematics.md §0.5, §3.3).

The Agg backend is selected when there is no display and no backend was chosen.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Mapping

import matplotlib

if not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY") and "matplotlib.pyplot" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from scipy import optimize  # noqa: E402

from .errors import GandynamicsError  # noqa: E402

__all__ = [
    "STYLE", "METHOD_COLORS", "symbol", "style",
    "direction_field", "phase_portrait",
    "locus_data", "critical_strength", "eigenvalue_locus",
    "rate_grid", "rate_map", "convergence",
    "factor_data", "factors",
    "describe", "portrait_title", "TRAJECTORY_COLORS", "animate", "animation_data", "save_animation",
    "check_animation_size",
]

#: rcParams used by every figure of gandynamics (small, legible, no overlapping text)
STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 130,
    "savefig.bbox": "tight",
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9.5,
    "legend.fontsize": 7.5,
    "legend.framealpha": 0.85,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "lines.linewidth": 1.4,
}

#: one colour per method, the same in every figure
METHOD_COLORS = {
    "gd": "tab:red", "simgd": "tab:red", "altgd": "tab:blue", "eg": "tab:green", "eftp": "tab:purple",
    "ogda": "tab:brown", "momentum": "tab:orange", "altgd-momentum": "tab:orange", "flow": "black",
}

#: colours for trajectories without a method colour: saturated, never grey (streamlines are grey)
TRAJECTORY_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink",
                     "tab:olive", "tab:cyan")
#: the streamlines' colour (and the colour map when they are coloured by speed): greys only
STREAM_COLOR = "0.6"
STREAM_CMAP = "Greys"

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda",
          "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}


def style():
    """A context manager applying :data:`STYLE` (``with style(): ...``)."""
    return plt.rc_context(STYLE)


def symbol(name: str) -> str:
    r"""A parameter name as mathtext: ``theta`` -> ``$\theta$``, ``psi2`` -> ``$\psi_2$``, ``gamma_co`` ->
    ``$\gamma_{co}$``, ``a`` -> ``$a$``."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\d*)(?:_(\w+))?", name)
    if not m:
        return name
    base, digits, sub = m.groups()
    if base == "eps":
        base = "epsilon"
    b = "\\" + ("varepsilon" if base == "epsilon" else base) if base in _GREEK | {"epsilon"} else base
    s = digits or sub or ""
    return f"${b}_{{{s}}}$" if s else f"${b}$"


def describe(field, params=None) -> str:
    """The game with its loss, its own hyperparameters (all of a game of at most three, else those away from their
    defaults), regularizers and the strengths in use, for titles: ``dirac + R1(γ = 0.3)``,
    ``dirac (lsgan) + consensus(γ = 0.2) + R1(γ = 1)``, ``quadratic (a = 1, b = 3, c = 1)``, ``hopf (β = -0.3)``.

    Strength values are those of ``params`` (by hyperparameter name) over the regularizers' own values."""
    from .regularizers import strength_symbols
    model = getattr(field, "model", None)
    name = getattr(field, "name", None) or getattr(model, "name", "game")
    loss = getattr(getattr(model, "loss", None), "name", None)
    regs = list(getattr(field, "regularizers", []) or [])
    vals = dict(field.defaults)
    if params is not None:
        vals.update(dict(zip(field.defaults, field.param_vector(params).tolist())))
    named = strength_symbols(model, regs) if regs else []
    # the game's own hyperparameters (not the regularizers' strengths): every one for a game of at most three,
    # else those away from their defaults (a portrait of hopf at beta = -0.3 was titled as one at the default)
    strengths = {s_.name for _, _, sym in named for s_ in sym.values()}
    own = [(k, v) for k, v in vals.items() if k not in strengths]
    if len(own) > 3:
        own = [(k, v) for k, v in own if v != field.defaults[k]]
    inner = ([loss] if loss and loss != "standard" else []) + \
        ([", ".join(f"{_greek_text(k)} = {v:z.4g}" for k, v in own)] if own else [])
    text = name + (f" ({'; '.join(inner)})" if inner else "")
    if not regs:
        return text
    parts = []
    for reg in regs:
        items = []
        for r, part, sym in named:
            if r is reg:
                for key, s_ in sym.items():
                    items.append(f"{_greek_text(key)} = {vals.get(s_.name, part.values[key]):z.4g}")
        label = {"r1": "R1", "r2": "R2", "wgan-gp": "WGAN-GP", "jare": "JARE", "dragan": "DRAGAN",
                 "lecam": "LeCam", "nagarajan-kolter": "NK"}.get(reg.name, reg.name)
        parts.append(f"{label}({', '.join(items)})" if items else label)
    return text + " + " + " + ".join(parts)


def _greek_text(name: str) -> str:
    table = {"gamma": "γ", "sigma": "σ", "eta": "η", "eps": "ε", "epsilon": "ε", "beta": "β", "alpha": "α",
             "lambda": "λ", "mu": "μ", "rho": "ρ", "theta": "θ", "psi": "ψ"}
    return table.get(name, name)


def portrait_title(field, params=None, methods=(), step=None) -> str:
    """``<describe(field)>: gd, altgd, h = 0.2; flow`` — the step is named only for discrete methods (the
    continuous ``flow`` has none)."""
    methods = list(methods)
    discrete = [m for m in methods if m != "flow"]
    bits = []
    if discrete:
        bits.append(", ".join(discrete) + (f", h = {step:zg}" if step is not None else ""))
    if "flow" in methods:
        bits.append("flow")
    head = describe(field, params)
    return head + (": " + "; ".join(bits) if bits else "")


def _axes(ax, figsize=(4.6, 4.2)):
    """``ax``, or a new figure's axes when None; anything but a matplotlib Axes is refused (a string gave an
    AttributeError deep inside the drawing)."""
    from matplotlib.axes import Axes
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    elif not isinstance(ax, Axes):
        raise GandynamicsError(f"ax must be a matplotlib Axes or None, got {ax!r:.60}")
    return ax


def _window(lim, what: str) -> tuple[float, float]:
    """A plot range ``(lo, hi)`` of finite numbers with ``lo < hi`` (the command line's --xlim rule; streamplot's
    "'x' must be strictly increasing" came out of the Python API)."""
    from .validate import vector
    lo, hi = vector(lim, what, n=2)
    if not lo < hi:
        raise GandynamicsError(f"{what} must be (lo, hi) with lo < hi, got {tuple(lim)!r}")
    return float(lo), float(hi)


def _values(values, what: str, positive: bool = False) -> np.ndarray:
    """A 1-D axis of at least one finite number (positive ones for step sizes): ``[]`` indexed past the end, a
    negative step drew a rate for a step no method takes."""
    from .validate import vector
    v = vector(values, what)
    if positive and np.any(v <= 0):
        raise GandynamicsError(f"{what} must be step sizes > 0, got {v[v <= 0][0]:zg}")
    return v


def _params(field, params):
    return field.param_vector(params) if not isinstance(params, np.ndarray) else params


def _index(field, name: str) -> int:
    if name not in field.names:
        raise GandynamicsError(f"unknown parameter {name!r} for the plane; accepted: {', '.join(field.names)}")
    return field.names.index(name)


def _strength(field, parameter: str) -> str:
    """The hyperparameter name for ``parameter`` (``gamma`` may have become ``gamma_co`` when two
    regularizers share a key: the first match is taken)."""
    if parameter in field.defaults:
        return parameter
    for k in field.defaults:
        if k.startswith(parameter + "_"):
            return k
    acc = ", ".join(field.defaults) or "none"
    raise GandynamicsError(f"the field has no hyperparameter {parameter!r}; accepted: {acc}")


# ---------------------------------------------------------------------------------------------- phase portraits
def direction_field(field, params=None, plane=None, center=None, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), n: int = 41):
    """``v = -F`` on an ``n x n`` grid of a 2-D plane.

    Parameters
    ----------
    field : VectorField
    params : mapping or array, optional
        Hyperparameter values (defaults otherwise).
    plane : pair of str, optional
        The two coordinates spanning the plane (default: the first generator and the first discriminator
        parameter).  The other coordinates are held at ``center``.
    center : array, optional
        The point the slice passes through (default: the equilibrium, else 0).
    xlim, ylim : pairs of float
    n : int

    Returns
    -------
    X, Y, U, V : arrays of shape (n, n)
        Grid and the components of v along the two plane coordinates (NaN where v is not finite).
    """
    names = plane or (field.names[0], field.names[field.n_theta] if field.n_theta < field.n else field.names[1])
    i, j = _index(field, names[0]), _index(field, names[1])
    if i == j:
        raise GandynamicsError("the plane needs two different parameters")
    c = np.array(center, float) if center is not None else (
        field.equilibrium.copy() if field.equilibrium is not None else np.zeros(field.n))
    c = field.point(c)
    p = _params(field, params)
    from .limits import check_array
    from .validate import whole
    n = whole(n, "n", lo=2)  # the grid's points per side: n=1e6 ran out of memory in meshgrid (phase_portrait,
    # interact); n=1 is no grid (an IndexError in streamplot)
    xlim, ylim = _window(xlim, "xlim"), _window(ylim, "ylim")
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


def _states(tr):
    s = getattr(tr, "states", tr)
    return np.asarray(s, dtype=float)


def trajectory_items(trajectories, what: str) -> list:
    """The ``trajectories`` argument of :func:`phase_portrait`, :func:`convergence` and :func:`animate` as a list of
    ``(label, run, color, linestyle)``: each item a :class:`gandynamics.simulate.Trajectory` (labelled by its method,
    in the method's colour) or a tuple ``(label, run)``, ``(label, run, color)`` or ``(label, run, color,
    linestyle)`` (``run`` a Trajectory or an array).  A bare Trajectory made ``phase_portrait`` fail with
    "'Trajectory' object is not subscriptable"; anything else is refused by name (GandynamicsError)."""
    from .runs.trajectory import Trajectory
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
        if isinstance(it, Trajectory):
            out.append((it.method, it, METHOD_COLORS.get(it.method), "-"))
        elif isinstance(it, (tuple, list)) and 2 <= len(it) <= 4:
            it = tuple(it) + (None, "-")[len(it) - 2:]
            out.append((str(it[0]), it[1], it[2], it[3] if it[3] is not None else "-"))
        else:
            raise GandynamicsError(f"{what}: trajectories item {k} is {type(it).__name__}; accepted: a Trajectory "
                                   "(from simulate) or a tuple (label, states[, color[, linestyle]])")
    return out


def phase_portrait(field, params=None, *, plane=None, center=None, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                   n: int = 41, streamlines: bool = True, arrows: bool = False, speed: bool = False,
                   nullclines: bool = False, trajectories=(), equilibrium=True, clip=None, density: float = 1.0,
                   speed_range=None, colorbar: bool = True, title: str | None = None, legend: bool = True, ax=None):
    r"""The direction field of ``v = -F`` on a plane, with trajectories overlaid.

    For games with more than two parameters the plane is the 2-D slice through ``center`` (default: the
    equilibrium) along the two named parameters ``plane``.

    Parameters
    ----------
    field : VectorField
    params : mapping, optional
        Hyperparameter values.
    plane : pair of str, optional
        x- and y-axis parameters (default: first generator, first discriminator parameter).
    center, xlim, ylim, n : see :func:`direction_field`.
    streamlines : bool
        Draw ``streamplot`` streamlines of v.
    arrows : bool
        Draw a quiver of v (M18's notebook draws a 10 x 10 quiver; docs/mathematics.md §1.11).
    speed : bool
        Colour streamlines by ``|v|`` in the plane, in greys (trajectories keep the colours), with a labelled
        colorbar.
    speed_range : pair of float, optional
        The colour scale of the speed; give the same range to panels that are compared (default: this
        panel's range).  ``ax.speed_lines`` is the mappable for a shared colorbar.
    colorbar : bool
        Draw the speed colorbar of this panel.
    nullclines : bool
        Draw the curves where each plane component of v vanishes.
    trajectories : sequence
        :class:`gandynamics.simulate.Trajectory` objects (labelled by their method), or items ``(label, states)`` or
        ``(label, states, color)``, where ``states`` is an array of shape ``(k, n)`` or an object with ``.states``
        (:func:`trajectory_items`).  The start
        is marked with a red dot (M18, Fig. 1: "the starting iterate is marked in red").
    equilibrium : bool or array
        Mark the equilibrium (``field.equilibrium``) or the given point with a black star.
    clip : float, optional
        WGAN weight clipping ``|psi| <= clip``: the forbidden values of the y-axis parameter are shaded
        (M18 Fig. 1c).
    density : float
        Streamline density.
    title : str, optional
    legend : bool or ``"below"``
        Draw the legend beside the axes (right; ``"below"``: under the x label), never over the data.
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes
        With ``ax.warnings``: what the figure notes about itself (an identically zero field on the plane, a
        trajectory leaving the slice), also written in the title.
    """
    ax = _axes(ax)
    from .validate import positive
    density = positive(density, "density")  # (streamplot's own ValueError for density=-1)
    names = plane or (field.names[0], field.names[field.n_theta] if field.n_theta < field.n else field.names[1])
    i, j = _index(field, names[0]), _index(field, names[1])
    X, Y, U, V = direction_field(field, params, names, center, xlim, ylim, n)
    ok = np.isfinite(U) & np.isfinite(V)
    Um, Vm = np.where(ok, U, 0.0), np.where(ok, V, 0.0)
    spd = np.hypot(Um, Vm)
    vmax = float(spd.max()) if spd.size else 0.0
    zero_field = bool(np.any(ok)) and vmax <= 1e-12 * max(1.0, float(np.nanmax(np.abs(np.concatenate([X.ravel(), Y.ravel()])))))
    warnings = []
    if not np.any(ok):
        warnings.append("v is not finite anywhere on this plane")
    elif zero_field:
        warnings.append(f"v = 0 identically on this plane ({symbol(names[0])}, {symbol(names[1])}): "
                        "no streamlines to draw")
    if streamlines and not zero_field and np.any(ok):
        kw = {}
        if speed:
            from matplotlib.colors import Normalize
            lo_hi = speed_range if speed_range is not None else (0.0, vmax)
            # the Greys map from light to dark grey: never white (invisible) nor black (the equilibrium's star)
            cmap = matplotlib.colors.LinearSegmentedColormap.from_list("gd_speed", ["0.82", "0.25"])
            kw = {"color": spd, "cmap": cmap, "norm": Normalize(*lo_hi)}
        else:
            kw = {"color": STREAM_COLOR}
        sp = ax.streamplot(X[0], Y[:, 0], np.ma.masked_where(~ok, U), np.ma.masked_where(~ok, V),
                           density=density, linewidth=0.7, arrowsize=0.8, zorder=1, **kw)
        if speed:
            ax.speed_lines = sp.lines
            if colorbar:
                # below the axes: the legend takes the right side (a colorbar there was pushed past the legend,
                # leaving the square axes small between them)
                cb = ax.figure.colorbar(sp.lines, ax=ax, shrink=0.85, pad=0.02, location="bottom", aspect=30)
                cb.set_label(r"speed $\|v\|$ in the plane")
    if arrows:
        k = max(1, n // 10)
        ax.quiver(X[::k, ::k], Y[::k, ::k], Um[::k, ::k], Vm[::k, ::k], color="0.4", angles="xy",
                  width=0.004, zorder=2)
    handles = []
    if nullclines:
        ax.contour(X, Y, np.where(ok, U, np.nan), levels=[0.0], colors="tab:cyan", linestyles="--", linewidths=1.0)
        ax.contour(X, Y, np.where(ok, V, np.nan), levels=[0.0], colors="tab:olive", linestyles=":", linewidths=1.2)
        handles += [Line2D([], [], color="tab:cyan", ls="--", label=f"nullcline d{symbol(names[0])}/dt = 0"),
                    Line2D([], [], color="tab:olive", ls=":", label=f"nullcline d{symbol(names[1])}/dt = 0")]
    if clip is not None:
        c = float(clip)
        kw = {"color": "tab:red", "alpha": 0.12, "lw": 0, "zorder": 0}
        ax.axhspan(max(c, ylim[0]), max(ylim[1], c), **kw)
        ax.axhspan(min(ylim[0], -c), min(-c, ylim[1]), **kw)
        handles.append(matplotlib.patches.Patch(color="tab:red", alpha=0.25,
                                                label=f"forbidden |{symbol(names[1])}| > {c:zg} (clipping)"))
    c_slice = np.array(center, float) if center is not None else (
        field.equilibrium.copy() if field.equilibrium is not None else np.zeros(field.n))
    others = [k for k in range(field.n) if k not in (i, j)]
    leaving = []  # (note, label, deviation) of each trajectory that leaves the slice
    trajectories = trajectory_items(trajectories, "phase_portrait")
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
        line, = ax.plot(S[:, i], S[:, j], color=color, lw=1.2, label=label, zorder=3)
        ax.plot(S[-1, i], S[-1, j], marker="o", ms=3, color=line.get_color(), zorder=4)
        ax.plot(S[0, i], S[0, j], "o", color="red", ms=5, zorder=5)
        handles.append(line)
    if trajectories:
        handles.append(Line2D([], [], color="red", marker="o", ls="", label="start"))
    if equilibrium is not False and equilibrium is not None:
        e = field.equilibrium if equilibrium is True else np.asarray(equilibrium, float)
        if e is not None:
            h, = ax.plot(e[i], e[j], "*", color="black", ms=9, zorder=6, label="equilibrium")
            handles.append(h)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(symbol(names[0]))
    ax.set_ylabel(symbol(names[1]))
    head = describe(field, params) if title is None else title
    notes = []
    if warnings:  # in the title: on the figure, never over the data, and the layout makes room for it
        notes = [w for w in warnings if w not in {n for n, _, _ in leaving}]
        if len(leaving) > 1:  # one note for all of them, not the same sentence once per trajectory
            names = [lab for _, lab, _ in leaving]
            notes.append(f"{', '.join(names[:-1])} and {names[-1]} leave the slice (other coordinates move by up "
                         f"to {max(d for _, _, d in leaving):z.3g}): their projections are drawn over the slice's field")
        else:
            notes += [n for n, _, _ in leaving]
    ax.warnings = warnings  # what the figure says about itself (tests, CLI)
    if legend and handles:
        _legend_outside(ax, loc="below" if legend == "below" else "right", handles=handles)
    _title_with_notes(ax, head, notes)
    return ax


def _title_with_notes(ax, head: str | None, notes) -> None:
    """``head`` and each note (``"note: ..."``) as the axes' title, the notes wrapped at 60 characters, or fewer
    until the title lies within the figure (it is centred on the axes, which a legend beside them moves left: a
    3-method note on a 4.6-inch portrait was cut at both edges).  Call it after the legend is placed."""
    def text(chars):
        return "\n".join(([head] if head else []) + ["note: " + _wrap(w, chars) for w in notes])
    ax.set_title(text(60))
    fig = ax.figure
    if not notes or not hasattr(fig.canvas, "get_renderer"):
        return
    engine = fig.get_layout_engine()
    # the axes' place beside the legend (the title's lines move it up and down only), by running the layout once; the
    # positions it sets are put back afterwards, so that the figure's own layout, when drawn, starts from where it
    # would have (left in place, they moved the later panels of a multi-panel figure by a few pixels)
    kept = [(a, a.get_position(original=True), a.get_position(original=False)) for a in fig.axes]
    if engine is not None:
        engine.execute(fig)
    renderer = fig.canvas.get_renderer()
    try:
        for chars in (52, 44, 38, 32, 26, 20):
            box = ax.title.get_window_extent(renderer)
            if box.x0 >= fig.bbox.x0 and box.x1 <= fig.bbox.x1:
                return
            ax.set_title(text(chars))
    finally:
        for a, original, active in kept:
            a._set_position(original, which="original")
            a._set_position(active, which="active")


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
        return (f"{label} leaves the slice (other coordinates move by up to {dev:z.3g}): "
                "its projection is drawn over the slice's field")
    return ""


def _wrap(text: str, width: int = 48) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width))


def _legend_outside(ax, loc: str = "right", **kw):
    """A legend beside the axes (never over the data): right of the axes, or below with ``loc="below"``.

    Below, a row of entries wider than the figure's columns the axes span would leave constrained layout no
    room (it collapses the axes to a sliver, with a UserWarning): the entries go into fewer columns, then long
    labels are wrapped, until the legend fits."""
    if not kw.get("handles") and not ax.get_legend_handles_labels()[0]:
        return None  # nothing labelled: no empty legend box (matplotlib warns "No artists with labels")
    if loc != "below":
        return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kw)
    ncol = kw.pop("ncol", 2)
    place = dict(loc="upper center", bbox_to_anchor=(0.5, -0.16))
    leg = ax.legend(ncol=ncol, **place, **kw)
    room = _legend_room(ax)
    if room is None or leg is None:
        return leg
    while ncol > 1 and _width(leg) > room:
        ncol -= 1
        leg.remove()
        leg = ax.legend(ncol=ncol, **place, **kw)
    if _width(leg) > room:
        handles = kw.pop("handles", None) or ax.get_legend_handles_labels()[0]
        labels = kw.pop("labels", None) or [h.get_label() for h in handles]
        for chars in (48, 36, 28, 20, 14):
            leg.remove()
            leg = ax.legend(handles=handles, labels=[t if "$" in t else _wrap(t, chars) for t in labels], ncol=1, **place, **kw)
            if _width(leg) <= room:
                break
    return leg


def _width(artist) -> float:
    """Width of an artist in display pixels (drawn by the figure's renderer)."""
    return artist.get_window_extent(artist.figure.canvas.get_renderer()).width


def _legend_room(ax) -> float | None:
    """Display width of the figure's columns that ``ax`` spans, less a margin for the colorbars and labels
    beside it; None when the canvas cannot measure text (no renderer)."""
    if not hasattr(ax.figure.canvas, "get_renderer"):
        return None
    ss = ax.get_subplotspec()
    frac = 1.0 if ss is None else len(ss.colspan) / ss.get_gridspec().ncols
    return 0.95 * ax.figure.bbox.width * frac


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
        fmt = FuncFormatter(lambda v, _: f"{v:zg}")
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


# ---------------------------------------------------------------------------------------------- eigenvalue loci
def locus_data(field, parameter: str, values, params=None):
    """Eigenvalues of ``J = Dv`` at the equilibrium as one hyperparameter varies.

    The equilibrium is found (or verified) for every value by :func:`gandynamics.analysis.spectrum`, so a
    regularizer that moves it (a Tikhonov anchor) is handled.

    Returns
    -------
    values : array (m,)
    eigenvalues : complex array (m, n), each row sorted by spectrum's order (real part descending)
    """
    vals = _values(values, "values")
    return vals, np.array([rep.eigenvalues for rep in _locus_reports(field, parameter, vals, params)])


def _locus_reports(field, parameter: str, values, params=None) -> list:
    """:func:`gandynamics.analysis.spectrum` at the equilibrium for every value of one strength."""
    from .analysis import spectrum
    name = _strength(field, parameter)
    base = dict(params or {})
    out = []
    for g in np.asarray(values, float):
        rep = spectrum(field, {**base, name: float(g)})
        if not rep.differentiable:
            raise GandynamicsError(f"{field.name}: no Jacobian at the equilibrium for {name} = {g:zg} ({rep.verdict})")
        out.append(rep)
    return out


def critical_strength(field, parameter: str, bounds, params=None, xatol: float = 1e-10) -> dict:
    """The strength that minimises the spectral abscissa ``max Re lambda(J)`` on ``bounds``.

    For R1 on the Dirac-GAN this is M18's critical regularization ``gamma = 2 f'(0)`` ("locally rotation
    free", docs/mathematics.md §1.7), where the complex pair meets the real axis; it is found numerically (coarse
    scan, then bounded Brent) from the field, not typed in.

    Returns
    -------
    dict with ``value``, ``abscissa`` and ``eigenvalues`` at the minimiser, and ``interior``: whether it lies
    inside ``bounds`` (more than 1e-6 of their width from each end); at an end the abscissa only keeps falling
    towards it, and the value is no critical strength.
    """
    from .analysis import spectrum
    name = _strength(field, parameter)
    base = dict(params or {})

    def absc(g):
        return float(spectrum(field, {**base, name: float(g)}).spectral_abscissa)

    lo, hi = map(float, bounds)
    grid = np.linspace(lo, hi, 61)
    a = np.array([absc(g) for g in grid])
    k = int(np.argmin(a))
    blo, bhi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(absc, bounds=(blo, bhi), method="bounded", options={"xatol": xatol, "maxiter": 500})
    g = float(res.x) if res.fun <= a[k] else float(grid[k])
    rep = spectrum(field, {**base, name: g})
    interior = bool(min(g - lo, hi - g) > 1e-6 * (hi - lo))
    return {"parameter": name, "value": g, "abscissa": float(rep.spectral_abscissa), "eigenvalues": rep.eigenvalues,
            "interior": interior}


def _field_of(game, regularizer):
    from .field import VectorField
    from .games import make_game
    from .regularizers import Regularizer, make_regularizer
    if hasattr(game, "compiled") and hasattr(game, "DF"):
        return game
    if isinstance(game, str):
        game = make_game(game)
    regs = []
    for r in ([] if regularizer is None else (regularizer if isinstance(regularizer, (list, tuple)) else [regularizer])):
        regs.append(make_regularizer(r) if isinstance(r, str) else r)
        if not isinstance(regs[-1], Regularizer):
            raise GandynamicsError(f"not a regularizer: {r!r}")
    return VectorField(game, regs)


def eigenvalue_locus(game, regularizer, parameter: str, values, params=None, *, critical: bool = True,
                     data=None, label: str | None = None, marker: str = "o", size: float = 18, cmap: str = "viridis",
                     colorbar: bool = True, title: str | None = None, ax=None):
    r"""Eigenvalues of ``J = Dv`` in the complex plane as a regularization strength varies.

    Parameters
    ----------
    game : Game, GAN, VectorField or str
        The game (a registered name is built with defaults); a VectorField is used as is.
    regularizer : Regularizer, str or None
        Applied to ``game`` (ignored when ``game`` is a VectorField).
    parameter : str
        The strength that varies (``gamma``, ``sigma``, ``eta``...).
    values : array
    params : mapping, optional
        Other hyperparameters.
    critical : bool
        Mark the strength minimising the spectral abscissa (:func:`critical_strength`), computed from the
        field on ``[min(values), max(values)]``.
    data : tuple, optional
        ``(values, eigenvalues)`` from :func:`locus_data` (to avoid recomputing).
    label, marker, size, cmap, colorbar, title, ax : drawing options; points are coloured by the strength.

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    fld = _field_of(game, regularizer)
    vals, eigs = data if data is not None else locus_data(fld, parameter, values, params)
    name = _strength(fld, parameter)
    V = np.repeat(vals[:, None], eigs.shape[1], axis=1)
    sc = ax.scatter(eigs.real.ravel(), eigs.imag.ravel(), c=V.ravel(), cmap=cmap, marker=marker, s=size,
                    label=label or f"eigenvalues ({symbol(name)} varies)", zorder=3)
    if colorbar:
        cb = ax.figure.colorbar(sc, ax=ax, shrink=0.85, pad=0.02)
        cb.set_label(symbol(name))
    ax.axhline(0, color="0.6", lw=0.8, zorder=1)
    ax.axvline(0, color="0.6", lw=0.8, zorder=1)
    if critical:
        c = critical_strength(fld, parameter, (float(vals.min()), float(vals.max())), params)
        e = c["eigenvalues"]
        # (a minimum at an end of the range is no critical strength: the abscissa keeps falling towards it; a new
        # user read "critical gamma = 2" and "= 6" for the ends of two ranges)
        ax.plot(e.real, e.imag, "*", color="tab:red", ms=12, zorder=5,
                label=(f"critical {symbol(name)} = {c['value']:z.4g} (min. abscissa {c['abscissa']:z.3g})"
                       if c["interior"] else f"no interior minimum: smallest abscissa {c['abscissa']:z.3g} at the "
                       f"range's end, {symbol(name)} = {c['value']:z.4g}"))
    ax.set_xlabel(r"Re $\lambda$")
    ax.set_ylabel(r"Im $\lambda$")
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
    _legend_outside(ax, loc="below")
    return ax


# ---------------------------------------------------------------------------------------------- rate maps
def rate_map(field, method: str, gamma, step, params=None, *, parameter: str = "gamma", rho=None, measured=None,
             vmin: float = 0.0, vmax: float = 1.5, colorbar: bool = True, title: str | None = None, ax=None,
             **options):
    r"""The exact local rate ``rho`` (spectral radius of the linearised iteration, docs/mathematics.md §5.4) over a
    (strength, step) grid, with the ``rho = 1`` contour and optional measured rates on top.

    Parameters
    ----------
    field : VectorField
    method : str
        A method name of :data:`gandynamics.analysis.rates.RATE_METHODS` (gd, altgd, eg, eftp, ...).
    gamma, step : 1-D arrays
        Strength values (x-axis) and step sizes (y-axis).
    params : mapping, optional
    parameter : str
        The strength varied along the x-axis.
    rho : array (len(step), len(gamma)), optional
        Precomputed rates (e.g. from :func:`rate_grid`); computed with the rates module otherwise.
    measured : tuple, optional
        ``(gammas, steps, rates)`` measured from simulated trajectories, drawn as black-edged squares filled with
        the measured rate's colour on the map's scale: a square whose fill matches the map around it agrees with
        the local rate.
    vmin, vmax : float
        The colour scale, fixed (default 0 to 1.5, centred on rho = 1) so that panels of different methods
        share it; rates beyond are shown saturated.
    colorbar : bool
        Draw this panel's colorbar (panels sharing the scale may draw one for all: ``ax.rate_mesh`` is the
        mesh to pass to ``fig.colorbar``).
    options : passed to the rate function (``n_g``, ``n_d``, ``beta``).

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax, figsize=(4.8, 3.8))
    G, H = _values(gamma, parameter), _values(step, "step", positive=True)
    R = np.asarray(rho, float) if rho is not None else rate_grid(field, method, G, H, params, parameter=parameter, **options)
    if R.shape != (H.size, G.size):
        raise GandynamicsError(f"rate grid has shape {R.shape}; expected ({H.size}, {G.size})")
    from matplotlib.colors import TwoSlopeNorm
    if not vmin < 1.0 < vmax:
        raise GandynamicsError(f"the colour scale must contain rho = 1: vmin < 1 < vmax, got {vmin}, {vmax}")
    norm = TwoSlopeNorm(vmin=vmin, vcenter=1.0, vmax=vmax)
    if G.size > 1 and H.size > 1:
        pc = ax.pcolormesh(G, H, np.clip(R, vmin, vmax), cmap="RdYlGn_r", norm=norm, shading="auto", zorder=1)
        xlim, ylim = (G.min(), G.max()), (H.min(), H.max())
    else:  # one value on an axis: matplotlib draws no cell of width 0 (an empty map); a cell of its own width
        Ge, He = _cell_edges(G), _cell_edges(H)
        pc = ax.pcolormesh(Ge, He, np.clip(R, vmin, vmax), cmap="RdYlGn_r", norm=norm, shading="flat", zorder=1)
        xlim = (G.min(), G.max()) if G.size > 1 else (Ge[0], Ge[-1])
        ylim = (H.min(), H.max()) if H.size > 1 else (He[0], He[-1])
    ax.rate_mesh = pc
    if colorbar:
        cb = ax.figure.colorbar(pc, ax=ax, pad=0.02)
        cb.set_label(r"local rate $\rho$ (spectral radius)")
    handles = []
    if G.size > 1 and H.size > 1 and np.nanmin(R) < 1 < np.nanmax(R):  # (a contour needs two values each way)
        ax.contour(G, H, R, levels=[1.0], colors="black", linewidths=1.4, zorder=3)
        handles.append(Line2D([], [], color="black", lw=1.4, label=r"$\rho = 1$ (computed)"))
    if measured is not None:
        mg, mh, mr = (np.asarray(a, float) for a in measured)
        ax.scatter(mg, mh, c=np.clip(mr, None, vmax), cmap="RdYlGn_r", norm=norm, edgecolors="black", s=36,
                   zorder=4, marker="s")
        handles.append(Line2D([], [], color="black", marker="s", ls="", mfc="white", label="measured rate"))
    ax.set_xlabel(symbol(_strength(field, parameter)))
    ax.set_ylabel("step $h$")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.grid(False)
    if title:
        ax.set_title(title)
    if handles:  # under the map: any place inside would cover rates
        _legend_outside(ax, loc="below", handles=handles, ncol=len(handles))
    return ax


def _cell_edges(v: np.ndarray) -> np.ndarray:
    """The edges of the cells centred on the values ``v`` (n,), shape (n + 1,): midpoints between neighbours, the ends
    half a spacing beyond (matplotlib's "nearest" shading, in the values' order); one value gets a cell of 10 % of
    its size (0.1 wide at 0)."""
    v = np.asarray(v, float)
    if v.size == 1:
        w = 0.05 * abs(v[0]) or 0.05
        return np.array([v[0] - w, v[0] + w])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def rate_grid(field, method: str, gamma, step, params=None, *, parameter: str = "gamma", **options):
    """``rho[i, j]``: the exact local rate of ``method`` at step ``step[i]`` and strength ``gamma[j]``,
    i.e. the spectral radius of the iteration matrix linearised at the equilibrium
    (:func:`gandynamics.analysis.rates.local_rate` with ``A = DF(z*)``; docs/mathematics.md §0.4, §5.4)."""
    from .analysis.rates import local_rate
    from .analysis.spectrum import find_equilibrium
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


# ---------------------------------------------------------------------------------------------- convergence
def convergence(trajectories, *, rates: Mapping | None = None, every: int = 1, anchor: float = 0.2,
                floor: float = 1e-14, title: str | None = None, legend: str = "auto", ax=None):
    r"""Distance to the equilibrium against iteration (log scale), with the predicted rate as a slope.

    Parameters
    ----------
    trajectories : sequence
        :class:`gandynamics.simulate.Trajectory` objects (labelled by their method), or items ``(label, distances)``,
        ``(label, distances, color)`` or ``(label, distances, color, linestyle)``
        (a linestyle tells apart curves that coincide); ``distances`` is an array or an
        object with ``.distance`` (a :class:`gandynamics.simulate.Trajectory`, recorded every ``every``
        steps; its ``record_every`` is used when present).
    rates : mapping label -> float, optional
        Predicted local rates ``rho``: the line ``d_k0 * rho^(k - k0)`` is drawn dashed, anchored on the
        curve at ``k0 = anchor * k_max`` (past the transient).
    floor : float
        Distances below this are not drawn (round-off).
    legend : str
        ``"auto"``/``"outside"``: beside the axes on the right (never over the data), or a matplotlib location.

    Returns
    -------
    ax : matplotlib Axes
    """
    items = trajectory_items(trajectories, "convergence")
    if not items:
        raise GandynamicsError("convergence: no trajectories to draw; give Trajectory objects (from simulate) or "
                               "(label, distances) tuples")
    ax = _axes(ax, figsize=(4.8, 3.6))
    from .validate import nonnegative, positive, real, whole
    rates = {k: (None if v is None else positive(v, f"rates[{k!r}]")) for k, v in dict(rates or {}).items()}
    floor = nonnegative(floor, "floor")
    every = whole(every, "every", lo=1)
    anchor = real(anchor, "anchor", lo=0.0, hi=1.0)
    drawn, k_end, empty = False, 0, []
    for label, tr, color, style in items:
        d = np.asarray(getattr(tr, "distance", tr), float)
        ev = int(getattr(tr, "record_every", every) or every)
        k = np.arange(d.size) * ev
        ok = np.isfinite(d) & (d > floor)
        drawn, k_end = drawn or bool(np.any(ok)), max(k_end, int(k[-1]) if k.size else 0)
        # a run with nothing to draw says why in the legend: no distance above the floor (started at z*, or there at
        # once), or no finite one at all (a run that overflowed at once)
        why = "" if np.any(ok) else (f" (all \u2264 {floor:z.3g})" if np.any(np.isfinite(d)) else " (no finite distance)")
        line, = ax.semilogy(k[ok], d[ok], color=color, ls=style, label=label + why)
        empty.append(why)
        if label in rates and rates[label] is not None and np.any(ok):
            rho = float(rates[label])
            idx = np.flatnonzero(ok)
            i0 = idx[min(len(idx) - 1, int(anchor * len(idx)))]
            kk = np.linspace(k[i0], k[idx[-1]], 50)
            pred = d[i0] * rho ** (kk - k[i0])
            keep = pred > floor
            # dashed and thinner, above the measured curve, with a white halo: visible where the two coincide
            from matplotlib import patheffects
            ax.semilogy(kk[keep], pred[keep], ls=(0, (4, 2.5)), color=line.get_color(), lw=0.9, zorder=4,
                        path_effects=[patheffects.withStroke(linewidth=2.4, foreground="white")],
                        label=fr"predicted $\rho$ = {rho:z.4f}")
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel(r"distance to equilibrium $\|z_k - z^*\|$")
    if title:
        ax.set_title(title)
    if not drawn:  # nothing above the floor: an empty log axis of matplotlib's default range says nothing
        ax.set_xlim(0, max(k_end, 1))
        lo = floor / 10 if floor > 0 else 1e-16
        ax.set_ylim(lo, max(1.0, 100 * lo))
        ax.text(0.5, 0.5, f"every distance\n\u2264 {floor:z.3g}" if any("\u2264" in w for w in empty)
                else "no finite distance",
                transform=ax.transAxes, ha="center", va="center", color="0.35")
    _readable_log(ax, "y")
    if legend in ("auto", "outside"):  # never over the data
        _legend_outside(ax)
    else:
        ax.legend(loc=legend)
    return ax


# ---------------------------------------------------------------------------------------------- factors
def factor_data(game, regularizers: Mapping, parameter: str, values, params=None) -> dict:
    """Phase and conditioning factors (docs/mathematics.md §0.5, §3.3) of ``J`` at the equilibrium for several
    regularizers as their strength varies.

    Parameters
    ----------
    game : Game or GAN
    regularizers : mapping label -> Regularizer or None
        ``None`` is the unregularized game (constant in the strength).
    parameter : str
        The strength key of each regularizer (``gamma``; for NK give the regularizer ``eta`` and the
        values are mapped through ``eta = gamma/2``, docs/mathematics.md §0.3, when ``parameter`` is not its key).
    values : array

    Returns
    -------
    dict label -> dict with ``values``, ``eigenvalues`` (m, n), ``phase``, ``conditioning`` (eigenvalue
    ratio) and ``singular`` (``sigma_max(J)/sigma_min(J)``, :attr:`SpectralReport.singular_condition`).
    """
    from .analysis import conditioning_factor, phase_factor
    vals = np.asarray(values, float)
    out = {}
    for label, reg in regularizers.items():
        fld = _field_of(game, reg)
        if reg is None:
            from .analysis import spectrum
            rep = spectrum(fld, params)
            eigs = np.repeat(rep.eigenvalues[None, :], vals.size, axis=0)
            sing = np.full(vals.size, float(rep.singular_condition))
        else:
            key = parameter if parameter in reg.defaults else next(iter(reg.defaults))
            scale = 0.5 if (key == "eta" and parameter != "eta") else 1.0
            reps = _locus_reports(fld, key, vals * scale, params)
            eigs = np.array([r.eigenvalues for r in reps])
            sing = np.array([float(r.singular_condition) for r in reps])
        out[label] = {"values": vals, "eigenvalues": eigs,
                      "phase": np.array([phase_factor(r) for r in eigs]),
                      "conditioning": np.array([conditioning_factor(r) for r in eigs]),
                      "singular": sing}
    return out


def factors(game, regularizers: Mapping, parameter: str, values, params=None, *, which: str = "phase",
            data: dict | None = None, title: str | None = None, ax=None):
    r"""Phase factor ``max |Im lambda|/|Re lambda|``, conditioning factor ``max|lambda|/min|lambda|`` or
    singular-value condition number of ``J`` against the regularization strength, one curve per regularizer (Nie & Patel 2019, §3; docs/mathematics.md
    §3.3–3.4).

    Parameters
    ----------
    game, regularizers, parameter, values, params : see :func:`factor_data`.
    which : ``"phase"``, ``"conditioning"`` (eigenvalue ratio) or ``"singular"`` (``sigma_max(J)/sigma_min(J)``)
    data : dict, optional
        The output of :func:`factor_data` (to avoid recomputing).

    Returns
    -------
    ax : matplotlib Axes
    """
    if which not in ("phase", "conditioning", "singular"):
        raise GandynamicsError(f"which must be 'phase', 'conditioning' or 'singular', got {which!r}")
    ax = _axes(ax, figsize=(4.6, 3.6))
    data = data if data is not None else factor_data(game, regularizers, parameter, values, params)
    real_from = False
    for label, d in data.items():
        y = np.where(np.isfinite(d[which]), d[which], np.nan)
        # a zero phase factor (every eigenvalue real) has no place on the log axis: the curve stops there and a
        # triangle on the axis marks the first such strength (it was drawn as a vertical drop off the axes)
        zero = y <= 0 if which == "phase" else np.zeros(y.shape, bool)
        y = np.where(zero, np.nan, y)
        if label.lower().startswith(("simgd", "none", "unreg")):  # the reference: dashed, on top, with a halo
            from matplotlib import patheffects
            line, = ax.semilogy(d["values"], y, ls=(0, (4, 2.5)), lw=1.1, zorder=4, label=label,
                                path_effects=[patheffects.withStroke(linewidth=2.6, foreground="white")])
        else:
            line, = ax.semilogy(d["values"], y, ls="-", label=label)
        if zero.any():
            ax.plot([np.asarray(d["values"])[np.argmax(zero)]], [0.0], marker="v", ms=7, ls="", clip_on=False,
                    color=line.get_color(), mec="black", mew=0.6, zorder=6, transform=ax.get_xaxis_transform(),
                    label="_real_from")
            real_from = True
    ax.set_xlabel(symbol(parameter) + " (regularization strength)")
    ax.set_ylabel({"phase": r"phase factor $\max|\mathrm{Im}\,\lambda|/|\mathrm{Re}\,\lambda|$",
                   "conditioning": r"conditioning $\max|\lambda|/\min|\lambda|$",
                   "singular": r"conditioning $\sigma_{\max}(J)/\sigma_{\min}(J)$"}[which])
    if title:
        ax.set_title(title)
    _readable_log(ax, "y")
    handles = ax.get_legend_handles_labels()[0]
    if real_from:
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], marker="v", ms=7, ls="", color="0.6", mec="black", mew=0.6,
                              label="phase factor 0 from here on (eigenvalues real)"))
    _legend_outside(ax, loc="below", handles=handles)
    return ax


# ---------------------------------------------------------------------------------------------- animations
def _data_space(field, params):
    """For a GAN on 1-D data: callables for the real atoms, the generated atoms at theta and D(x; psi);
    ``None`` for games without data (or multi-dimensional data)."""
    import sympy as sp
    from .game import GAN
    gan = getattr(field, "model", None)
    if not isinstance(gan, GAN) or len(gan.x) != 1:
        return None
    hyper = list(field.hyper)
    p = field.param_vector(params)
    sub = {s: float(v) for s, v in zip(hyper, p)}
    x = gan.x[0]
    th, ps = list(gan.theta), list(gan.psi)
    real = [(float(sp.N(sp.sympify(w).xreplace(sub))), float(sp.N(sp.sympify(pt[0]).xreplace(sub))))
            for w, pt in gan.real.atoms()]
    fake_atoms = gan.fake.atoms()
    fw = sp.lambdify([th], [sp.sympify(w).xreplace(sub) for w, _ in fake_atoms], "numpy")
    fx = sp.lambdify([th], [sp.sympify(pt[0]).xreplace(sub) for _, pt in fake_atoms], "numpy")
    D = sp.lambdify([x, ps], gan.discriminator.xreplace(sub), "numpy")
    n_th = len(th)

    def fake(z):
        t = list(np.asarray(z, float)[:n_th])
        return np.asarray(fw(t), float) * np.ones(len(fake_atoms)), np.asarray(fx(t), float) * np.ones(len(fake_atoms))

    def disc(xs, z):
        return np.asarray(D(xs, list(np.asarray(z, float)[n_th:])), float) * np.ones_like(xs)

    return {"real": real, "fake": fake, "D": disc, "x": x.name}


def check_animation_size(frames, path=None, dpi: int = 100, panels: int = 2) -> int:
    """Refuse, before any drawing, an animation the machine cannot hold (:mod:`gandynamics.limits`): the frame
    indices (``frames`` integers, and their working copies) and, for a ``.gif`` ``path``, every frame as an RGBA
    image (Pillow keeps them all until it writes the file) at :func:`animate`'s figure size (``panels`` side by
    side) and ``dpi``.  ``--frames 1e9`` drew for minutes before running out of memory.  Returns ``frames`` as
    an int.

    Raises
    ------
    GandynamicsError
        ``frames`` not a whole number >= 2, or the estimate beyond the memory limit.
    """
    from pathlib import Path

    from .limits import check_array
    from .validate import whole
    frames = whole(frames, "frames", lo=2)
    check_array((frames,), "the animation's frame indices", dtype=np.int64, copies=3)
    if path is not None and Path(path).suffix.lower() == ".gif":
        w, h = round((5.0 * panels + 0.8) * dpi), round(4.4 * dpi)
        check_array((frames, h, w, 4), f"a GIF of {frames} frames (Pillow keeps every frame until the file is "
                    f"written)", dtype=np.uint8)
    return frames


def animation_data(trajectories, frames: int) -> np.ndarray:
    """The state index shown at each frame: ``round(f (k - 1) / (frames - 1))`` for the longest recorded
    trajectory of ``k`` states (frame 0 shows the start, the last frame the whole trajectory)."""
    if not isinstance(frames, (int, np.integer)) or frames < 2:
        raise GandynamicsError(f"an animation needs frames >= 2, got {frames!r}")
    k = max(_states(tr).shape[0] for _, tr, *_ in trajectories)
    return np.round(np.linspace(0, k - 1, int(frames))).astype(int)


def animate(field, methods=("gd",), init=None, steps: int = 200, step: float = 0.1, params=None, *,
            trajectories=None, frames: int = 60, interval: int = 60, plane=None, center=None,
            xlim=None, ylim=None, n: int = 31, density: float = 0.8, data_panel: bool = True,
            title: str | None = None, **method_options):
    r"""An animation of training: the trajectory growing on the phase plane, beside the data space.

    Left: the direction field of ``v = -F`` (:func:`phase_portrait`) with each method's trajectory drawn up to
    the current iterate.  Right, for a GAN on 1-D data: the real distribution (black stems), the generated
    one (stems in the method's colour) and the discriminator ``D(x)`` at the current iterate (M18's Dirac-GAN
    videos); for other games: the distance to the equilibrium and ``||F(z_k)||`` against ``k`` (log scale).

    Parameters
    ----------
    field : VectorField
    methods : sequence of str
        Methods to run (:data:`gandynamics.methods.METHODS`); ignored when ``trajectories`` is given.
    init : sequence of float, optional
        The start (default: the equilibrium + 1 in the plane).
    steps, step : int, float
        Iterations and step size (``flow``: output intervals of length ``step``).
    params : mapping, optional
        Hyperparameter values.
    trajectories : sequence, optional
        Items ``(label, Trajectory)`` or ``(label, Trajectory, color)`` to animate instead of simulating.
    frames : int
        Number of frames (>= 2); frame ``f`` shows the states up to :func:`animation_data`'s index.
    interval : int
        Milliseconds between frames (inline display; :func:`save_animation` takes ``fps``).
    plane, center, xlim, ylim, n, density : as in :func:`phase_portrait` (limits default to the
        trajectories' extent, padded).
    data_panel : bool
        Draw the right-hand panel.
    **method_options : passed to :func:`gandynamics.simulate.simulate` (``n_d``, ``beta``, ``box``...).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        With extra attributes ``frame_indices`` (the state index of every frame), ``trajectories`` (the
        items drawn) and ``artists`` (per trajectory: the growing line and the head marker), so that callers
        and tests can check what a frame shows.  Display in a notebook with ``HTML(anim.to_jshtml())``;
        write with :func:`save_animation`.

    Raises
    ------
    GandynamicsError
        For an unknown method, a bad start or ``frames < 2``.
    """
    import matplotlib.animation as mpl_anim
    from .simulate import simulate
    frames = check_animation_size(frames)
    names = plane or (field.names[0], field.names[field.n_theta] if field.n_theta < field.n else field.names[1])
    i, j = _index(field, names[0]), _index(field, names[1])
    c = np.array(center, float) if center is not None else (
        field.equilibrium.copy() if field.equilibrium is not None else np.zeros(field.n))
    if trajectories is None:
        methods = [m.strip() for m in ([methods] if isinstance(methods, str) else methods)]
        if not methods:
            raise GandynamicsError("animate needs at least one method")
        if init is None:
            z0 = c.copy()
            z0[i] += 1.0
            z0[j] += 1.0
        else:
            z0 = field.point(init)
        from .runs.validate import shared_options  # (each method its own options of those given, that apply to it)
        own = shared_options(field, methods, {k: v for k, v in method_options.items() if k != "box"})
        box = {"box": method_options["box"]} if method_options.get("box") is not None else {}
        trajectories = [(m, simulate(field, m, z0, steps, step, params, **o, **box), METHOD_COLORS.get(m))
                        for m, o in zip(methods, own)]
    items = []
    for t_index, it in enumerate(trajectory_items(trajectories, "animate")):
        col = it[2] if it[2] is not None else TRAJECTORY_COLORS[t_index % len(TRAJECTORY_COLORS)]
        S = _states(it[1])
        if S.ndim != 2 or S.shape[1] != field.n or S.shape[0] < 1:
            raise GandynamicsError(f"trajectory {it[0]!r} has shape {S.shape}; expected (steps, {field.n})")
        items.append((it[0], it[1], col))
    idx = animation_data(items, frames)
    if xlim is None or ylim is None:
        allS = np.vstack([_states(tr)[np.all(np.isfinite(_states(tr)), axis=1)] for _, tr, _ in items] + [c[None, :]])
        def _lim(k):
            lo, hi = float(allS[:, k].min()), float(allS[:, k].max())
            pad = max(0.15 * (hi - lo), 0.5)
            return (lo - pad, hi + pad)
        xlim = xlim or _lim(i)
        ylim = ylim or _lim(j)
    dspace = _data_space(field, params) if data_panel else None
    ncols = 2 if data_panel else 1
    fig, axes = plt.subplots(1, ncols, figsize=(5.0 * ncols + 0.8, 4.4), layout="constrained", squeeze=False)
    ax = axes[0, 0]
    phase_portrait(field, params, plane=names, center=c, xlim=xlim, ylim=ylim, n=n, density=density,
                   trajectories=(), legend=False, title="", ax=ax)
    artists = []
    for label, tr, col in items:
        S = _states(tr)
        line, = ax.plot(S[:1, i], S[:1, j], color=col, lw=1.3, label=label, zorder=3)
        head, = ax.plot(S[:1, i], S[:1, j], "o", color=col, ms=5, mec="white", zorder=5)
        ax.plot(S[0, i], S[0, j], "o", color="red", ms=5, zorder=4)
        artists.append((line, head))
    if field.equilibrium is not None:
        ax.plot(field.equilibrium[i], field.equilibrium[j], "*", color="black", ms=9, zorder=6)
    notes = list(getattr(ax, "warnings", []))
    others = [k for k in range(field.n) if k not in (i, j)]
    for label, tr, _ in items:
        S = _states(tr)
        w = _slice_warning(S[np.all(np.isfinite(S), axis=1)], others, c, label)
        if w:
            notes.append(w)
    ax.warnings = notes
    ax.legend(handles=[a[0] for a in artists], loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    _title_with_notes(ax, "phase plane: " + ", ".join(lab for lab, _, _ in items), notes)
    counter = ax.text(0.02, 0.98, "", transform=ax.transAxes, ha="left", va="top", fontsize=8,
                      bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.85}, zorder=7)
    times = [np.asarray(getattr(tr, "times", np.arange(_states(tr).shape[0]))) for _, tr, _ in items]
    is_flow = [getattr(tr, "method", lab) == "flow" for lab, tr, _ in items]
    dyn = []  # artists of the right panel, per trajectory
    anim_d_axis = None
    if data_panel:
        ax2 = axes[0, 1]
        if dspace is not None:
            xs_all = [x for _, x in dspace["real"]]
            for _, tr, _ in items:
                S = _states(tr)
                S = S[np.all(np.isfinite(S), axis=1)]
                for z in (S[0], S[-1]):
                    xs_all.extend(dspace["fake"](z)[1].tolist())
            lo, hi = min(xs_all), max(xs_all)
            pad = max(0.3 * (hi - lo), 1.0)
            xs = np.linspace(lo - pad, hi + pad, 400)
            wr = np.array([w for w, _ in dspace["real"]])
            ax2.vlines([x for _, x in dspace["real"]], 0, wr, color="black", lw=2.2, label="real data")
            ax2.plot([x for _, x in dspace["real"]], wr, "o", color="black", ms=4)
            # D(x) on its own axis (right): its values and the atoms' weights have unrelated scales
            axd = ax2.twinx()
            axd.grid(False)
            dmax, wmax = 1e-12, float(wr.max())
            for _, tr, _ in items:
                S = _states(tr)
                S = S[np.all(np.isfinite(S), axis=1)]
                for z in S[idx.clip(max=len(S) - 1)]:
                    dmax = max(dmax, float(np.nanmax(np.abs(dspace["D"](xs, z)))))
                    wmax = max(wmax, float(np.max(dspace["fake"](z)[0])))
            dlim = min(dmax, 10.0) * 1.05
            axd.set_ylim(-dlim, dlim)
            ax2.set_ylim(-1.05 * wmax, 1.05 * wmax)  # zero in the middle on both axes
            for label, tr, col in items:
                z = _states(tr)[0]
                w, x = dspace["fake"](z)
                st = ax2.vlines(x, 0, w, color=col, lw=2.0, alpha=0.75, label=f"generated ({label})")
                dl, = axd.plot(xs, dspace["D"](xs, z), color=col, ls=(0, (4, 2)), lw=1.1, label=f"D(x) ({label})")
                dyn.append((st, dl))
            ax2.axhline(0, color="0.6", lw=0.8)
            ax2.set_xlim(xs[0], xs[-1])
            ax2.set_xlabel(f"data ${dspace['x']}$")
            ax2.set_ylabel("probability weight (stems)")
            axd.set_ylabel("discriminator D(x) (dashed; fakeness logit)")
            ax2.set_title("data space: real, generated and D(x)")
            h1, l1 = ax2.get_legend_handles_labels()
            h2, l2 = axd.get_legend_handles_labels()
            ax2.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
            anim_d_axis = axd
        else:
            mod = field.point_module(calls=sum(len(_states(tr)) for _, tr, _ in items))
            p = field.param_vector(params)
            ymin, ymax = np.inf, 0.0
            for label, tr, col in items:
                S = _states(tr)
                d = np.asarray(getattr(tr, "distance", np.linalg.norm(S - c, axis=1)), float)
                Fn = np.array([np.linalg.norm(mod.field(z, p, np.empty(field.n))) if np.all(np.isfinite(z)) else np.nan
                               for z in S])
                t = times[items.index((label, tr, col))]
                ld, = ax2.semilogy(t[:1], d[:1], color=col, lw=1.3, label=f"{label}: distance")
                from matplotlib import patheffects
                lf, = ax2.semilogy(t[:1], Fn[:1], color=col, lw=0.9, ls=(0, (4, 2)), label=f"{label}: ‖F‖", zorder=4,
                                   path_effects=[patheffects.withStroke(linewidth=2.4, foreground="white")])
                dyn.append((ld, lf, t, d, Fn))
                pos = np.concatenate([d[np.isfinite(d) & (d > 0)], Fn[np.isfinite(Fn) & (Fn > 0)]])
                if pos.size:
                    ymin, ymax = min(ymin, pos.min()), max(ymax, pos.max())
            tmax = max(float(t[-1]) for t in times) or 1.0
            ax2.set_xlim(0, tmax)
            if np.isfinite(ymin) and ymax > 0:
                ax2.set_ylim(max(ymin, 1e-16) / 2, ymax * 2)
                _readable_log(ax2, "y")
            ax2.set_xlabel("iteration $k$" if not all(is_flow) else "time $t / h$")
            ax2.set_ylabel(r"$\|z_k - z^*\|$ (solid), $\|F(z_k)\|$ (dashed)")
            ax2.set_title("distance to the equilibrium and |F| against k")
            ax2.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    fig.suptitle(title if title is not None else describe(field, params))

    def update(f):
        k = int(idx[f])
        out = []
        for (line, head), (label, tr, col), t in zip(artists, items, times):
            S = _states(tr)
            kk = min(k, S.shape[0] - 1)
            line.set_data(S[:kk + 1, i], S[:kk + 1, j])
            head.set_data(S[kk:kk + 1, i], S[kk:kk + 1, j])
            out += [line, head]
        kmax = min(k, len(times[0]) - 1)
        counter.set_text(f"k = {int(times[0][kmax])}" + (f"  (t = {times[0][kmax] * step:zg})" if is_flow[0] else ""))
        out.append(counter)
        if data_panel and dspace is not None:
            for (st, dl), (label, tr, col) in zip(dyn, items):
                S = _states(tr)
                z = S[min(k, S.shape[0] - 1)]
                if np.all(np.isfinite(z)):
                    w, x = dspace["fake"](z)
                    st.set_segments([np.array([[xa, 0.0], [xa, wa]]) for xa, wa in zip(x, w)])
                    dl.set_ydata(dspace["D"](dl.get_xdata(), z))
                out += [st, dl]
        elif data_panel:
            for ld, lf, t, d, Fn in dyn:
                kk = min(k, len(t) - 1)
                ld.set_data(t[:kk + 1], d[:kk + 1])
                lf.set_data(t[:kk + 1], Fn[:kk + 1])
                out += [ld, lf]
        return out

    update(0)
    anim = mpl_anim.FuncAnimation(fig, update, frames=len(idx), interval=interval, blit=False, repeat=False)
    anim.frame_indices = idx
    anim.trajectories = items
    anim.artists = artists
    anim.update = update
    anim.plane = (i, j)
    anim.data_axes = (axes[0, 1] if data_panel else None, anim_d_axis)  # (stems / distances, D(x) or None)
    return anim


def save_animation(anim, path, fps: int = 15, dpi: int = 100) -> "os.PathLike":
    """Write an animation as GIF (Pillow) or MP4 (ffmpeg), atomically.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    path : str or Path
        Ends in ``.gif`` or ``.mp4``.
    fps, dpi : int

    Raises
    ------
    GandynamicsError
        For another suffix, a missing folder, or ``.mp4`` when ffmpeg is not installed (the message says
        to install it or to write a ``.gif``).
    """
    from pathlib import Path
    import matplotlib.animation as mpl_anim
    from .io import resolve_target
    suffix = Path(path).suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise GandynamicsError(f"an animation is written as .gif or .mp4, got {str(path)!r}")
    out = resolve_target(path)  # ~ expanded, a link followed, a device or pipe refused (as every other output)
    if not out.parent.is_dir():
        raise GandynamicsError(f"the folder of {str(path)!r} does not exist")
    if getattr(anim, "frame_indices", None) is not None:
        check_animation_size(len(anim.frame_indices), path, dpi, 2 if anim.data_axes[0] is not None else 1)
    if suffix == ".mp4":
        if not mpl_anim.writers.is_available("ffmpeg"):
            raise GandynamicsError("writing .mp4 needs ffmpeg, which was not found on PATH (matplotlib's "
                                   "animation.ffmpeg_path); install ffmpeg or write a .gif")
        writer = mpl_anim.FFMpegWriter(fps=fps)
    else:
        writer = mpl_anim.PillowWriter(fps=fps)
    tmp = out.with_name(f".{out.stem}.tmp{os.getpid()}{suffix}")
    try:
        anim.save(tmp, writer=writer, dpi=dpi)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
