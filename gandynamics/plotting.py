r"""Figures of the dynamics: phase portraits, eigenvalue loci, rate maps, convergence curves, factors.

Every drawing function takes an optional matplotlib ``ax`` (a new figure is made when it is ``None``) and
returns the axes it drew on.  The numbers drawn are computed here from the field (compiled ``F``, exact
``DF``, :func:`gandynamics.analysis.spectrum`) or passed in by the caller from the library's
integrators and rate functions; nothing is typed in.  The ``*_data`` functions return those numbers
without drawing, so that tests and :mod:`gandynamics.reproduce` can check them.

Conventions (docs/mathematics.md §0.1): ``z = (theta, psi)``, ``v = -F`` is the direction of motion drawn by the
streamlines, ``J = Dv``; the phase factor is ``max |Im lambda| / |Re lambda|`` and the conditioning
factor ``max |lambda| / min |lambda|`` (docs/mathematics.md §0.5, §3.3).

Fitting to the figure: what a drawing places beside its axes (title, legend, colorbar) is fitted to the figure it is
given, whose layout engine is never changed (as seaborn's and pandas' axes-level plots leave it).  In a figure with
constrained or tight layout (the library's own figures, made with ``layout="constrained"``) the layout makes room
for it; a legend beside the axes that would leave the plot less than :data:`MIN_SHARE` of its cell (the part of the
figure its grid rows and columns span) goes to the other side (right or below) or inside the axes, and a speed
colorbar is made compact.  In a figure without layout engine (``fig, ax = plt.subplots()``) the axes keep their
place: a legend goes beside them only where it lies within their cell, else inside them where it covers the fewest
drawn points, and a title too tall for the room above them is set smaller (down to 6 pt), then inside their top;
where nothing fits, a :class:`gandynamics.errors.GandynamicsWarning` says so.  Titles are wrapped (never inside
``$...$``) to the width their cell gives them, which does not depend on panels drawn later, and kept within the
figure at draw time by matplotlib (``Text.set_wrap``); in a figure with a plain constrained layout, a one-line
title that this would split in two after the layout's last pass (a panel the layout brought nearer the figure's edge)
is written out in two lines and the layout run again (the figure's constrained layout is replaced by one that does
this, with the same parameters: without it the title's first line was cut off at the figure's top).  Constrained
layout settles square plots (phase portraits)
over several draws: in a figure short for their titles and legends a first draw (a single ``savefig``) can leave a
title or legend a few pixels past an edge; ``layout="compressed"`` (constrained layout for fixed-aspect plots) or
``savefig(..., bbox_inches="tight")`` does not.

The Agg backend is selected when there is no display and no backend was chosen.
"""

from __future__ import annotations

import math
import os
import re
import sys
from contextlib import contextmanager
from typing import Mapping

import matplotlib

if not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY") and "matplotlib.pyplot" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from scipy import optimize  # noqa: E402

from ._palette import BREWER, CYAN, OKABE_ITO, TOL  # noqa: E402
from .errors import GandynamicsError  # noqa: E402

__all__ = [
    "STYLE", "METHOD_COLORS", "symbol", "style", "number_text", "canvas", "text_scale", "text_sizes", "TEXT_WIDTH",
    "direction_field", "jump_mask", "phase_portrait", "equilibrium_point", "slice_center",
    "locus_data", "critical_strength", "eigenvalue_locus",
    "rate_grid", "rate_map", "rate_colorbar", "faded_cmap", "convergence",
    "factor_data", "factors",
    "OKABE_ITO", "ZERO_LINE_COLOR", "legible_cmap", "contrast_on_white", "MIN_CONTRAST", "describe", "portrait_title", "method_text", "run_text", "steps_text", "START_STYLES", "last_outside", "outside_rows", "window_holding", "interleave_dashes", "interleave_pattern", "TRAJECTORY_COLORS", "animate", "animation_data", "save_animation",
    "check_animation_size", "MIN_SHARE", "START_MARKER", "plane_indices", "default_plane",
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

#: one colour per method, the same in every figure, chosen together (tests/test_palette.py) from Okabe and Ito's, Paul
#: Tol's and Brewer's qualitative palettes (:mod:`gandynamics._palette`):
#:
#: * every colour at least 3:1 against the axes' white (:data:`MIN_CONTRAST`, WCAG 2's least contrast of a graphical
#:   object: ogda's Tol bright yellow, 1.95:1, and ftr's Okabe-Ito sky blue, 2.3:1, were faint thin lines, a figure
#:   review; darker yellows and cyans were too near altmomentum's and proximal's colours);
#: * every two methods at least 15 apart by CIEDE2000, the seven methods figures compare most (gd and altgd, eg and
#:   eftp, ogda, momentum, the flow) at least 25 apart and still about 12 apart to a protanope, deuteranope or
#:   tritanope (gd red and eg green were one colour to a deuteranope: a reviewer's finding; altgd's blue and ogda's
#:   sky blue, gd's vermillion and momentum's orange, 22 apart, were hard to tell apart: a figure review).  The
#:   fourteen colours of those palettes with 3:1 allow no more: the seven others are dark or muted.
#:
#: An alias keeps its method's colour (simgd is gd, altgd-momentum is momentum)
METHOD_COLORS = {
    "gd": OKABE_ITO["vermillion"], "simgd": OKABE_ITO["vermillion"], "altgd": OKABE_ITO["blue"],
    "eg": OKABE_ITO["bluish green"], "eftp": OKABE_ITO["reddish purple"], "ogda": TOL["dark-scheme dark red"],
    "momentum": TOL["muted indigo"], "altgd-momentum": TOL["muted indigo"], "flow": OKABE_ITO["black"],
    # (every other method and alias too: a method without one took the colour cycle's, altgd's blue for the first)
    # (adam's green beside eg's bluish green, deep pink beside eftp's reddish purple, maroon beside gd's vermillion
    # and navy beside altgd's blue were one colour in a figure of 13 methods: figure reviews)
    "proximal": TOL["dark-scheme dark yellow"], "eag": BREWER["Set1 red"], "ftr": TOL["dark-scheme dark cyan"],
    "lookahead": TOL["muted purple"], "adam": TOL["high-contrast red"], "rmsprop": TOL["dark-scheme dark green"],
    "altmomentum": TOL["muted olive"],
}
#: the line styles that tell apart the starts of a figure with several methods and several starts (each method keeps
#: its colour: ``portrait --methods gd,eg --init ... --init ...``); the last a long dash, not the dots ``(0, (1, 3))``
#: that could not be told from ``":"`` at a legend's size.  More starts than styles: each method's runs drawn alike
START_STYLES = ("-", "--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)), (0, (10, 3)))

#: colours for trajectories without a method colour (and the curves of :func:`factors`): saturated, never grey
#: (streamlines are grey), every one at least :data:`MIN_CONTRAST` on white and every two at least 20 apart by CIEDE2000,
#: the first six 15 apart (CIE76) under each colour-vision deficiency (tests/test_palette.py).  Okabe and Ito's orange
#: (2.25:1) and sky blue (2.31:1), matplotlib's tab:olive (2.0:1) and tab:cyan (2.26:1) were faint thin lines on
#: white (a figure review); an orange or sky blue dark enough for 3:1 was too near vermillion or blue to a protanope
#: or deuteranope, so Tol's dark yellow and muted wine take their places, tab:cyan darkened to 3.5:1 and Tol's muted
#: indigo the last two
TRAJECTORY_COLORS = (OKABE_ITO["blue"], TOL["dark-scheme dark yellow"], OKABE_ITO["bluish green"], OKABE_ITO["vermillion"],
                     OKABE_ITO["reddish purple"], TOL["muted wine"], "tab:brown", CYAN, TOL["muted indigo"])
#: the colour of the lines at zero of an eigenvalue plane or a plot (a reference, drawn thin): the grey nearest the
#: streamlines' 0.6 with :data:`MIN_CONTRAST` on white (0.6 is 2.85:1)
ZERO_LINE_COLOR = "0.55"
#: how a trajectory's start is drawn: white with a black edge, a colour no trajectory takes (red was also the fourth
#: trajectory colour and the CLI's colour of gd: a new user read gd's start as part of its path)
START_MARKER = {"marker": "o", "ms": 5.5, "mfc": "white", "mec": "black", "mew": 1.2, "ls": ""}
#: a trajectory's last state in a phase portrait: a dot in the trajectory's colour, edged in black, as large as the
#: start's circle (on its own path's zig-zag a plain dot of 3 pt was not to be found, and a 4 pt one edged in white was
#: lost on dense and closed orbits: figure reviews)
LAST_MARKER = {"marker": "o", "ms": 5.5, "mec": "black", "mew": 0.8, "ls": ""}
#: the equilibrium in a phase portrait (a white edge: on the flow's black path, which ends there, a black star was
#: not to be seen)
EQUILIBRIUM_MARKER = {"marker": "*", "color": "black", "ms": 9, "mec": "white", "mew": 0.7, "ls": "",
                      "label": "equilibrium"}
#: another zero of F, where a run stands still (its reading's ``final_zero``): a white diamond edged in black (a hollow
#: star was read as the equilibrium's, whose white edge a thick path around it makes look hollow too)
OTHER_ZERO_MARKER = {"marker": "D", "color": "black", "mfc": "white", "ms": 6, "mew": 1.2, "ls": "",
                     "label": "another zero of F (a run ends there)"}


#: the quiver's arrows (``phase_portrait(arrows=True)``) without the speed shown; with it they take its grey scale
QUIVER_COLOR = "0.4"


def speed_cmap():
    """The speed's colour map of streamlines and quiver arrows: light to dark grey, never white (invisible) nor black
    (the equilibrium's star)."""
    return matplotlib.colors.LinearSegmentedColormap.from_list("gd_speed", ["0.72", "0.2"])


#: a phase portrait's arrows are drawn at most this many times the median speed of its arrows (longer ones capped
#: there, their direction kept, the capped length one grid cell, and the key says so)
QUIVER_CAP = 3.0
#: ... when its fastest arrow is more than this many times that median (a cubic field across a wide window; the
#: Dirac-GAN's, within a factor of a few, keep the lengths M18's figures give them)
QUIVER_SPREAD = 10.0


def quiver_handle(capped: bool = False):
    """The key's entry for a portrait's quiver of ``v = -F``: an arrow, each drawn at the field's direction, its
    length the field's size relative to the others (a quiver with no key entry was a figure review's finding)."""
    return Line2D([], [], color=QUIVER_COLOR, marker=r"$\rightarrow$", ms=10, ls="",
                  label="v = \N{MINUS SIGN}F (quiver)" + (f"; arrows beyond {QUIVER_CAP:zg}x the median speed capped" if capped else ""))


#: a last state within this fraction of the window's width and height from the equilibrium lies under its star (from its own
#: start, under the start's circle)
LAST_UNDER_STAR = 0.025


#: the key's words for the dot at a run's last state, drawn grey in the key and in its run's colour on the plot (a grey
#: "last state" beside blue and olive dots read as a third kind of point, a new user)
LAST_STATE_LABEL = "last state (in its run's colour)"


def portrait_handles(equilibrium: bool = True, last: bool = True, last_label: str = LAST_STATE_LABEL) -> list:
    """The legend entries of a phase portrait's markers: the start (white circle), the last state (a dot, grey here:
    each trajectory's is in its colour; ``last_label`` its words) and, with ``equilibrium``, the equilibrium's star.  For a figure of several
    portraits drawn with ``legend=False`` and one legend for all (the bilinear game's six methods showed a dot no
    legend named); ``last=False`` leaves the dot out where no panel shows one (each portrait's ``ax.last_state_shown``:
    a last state inside the window and not under the equilibrium's star)."""
    out = [Line2D([], [], label="start", **START_MARKER)]
    if last:  # (False where no panel shows a last state's dot: ``any(ax.last_state_shown for ax in axes)``)
        out.append(Line2D([], [], color="0.35", label=last_label, **LAST_MARKER))
    if equilibrium:
        out.append(Line2D([], [], **EQUILIBRIUM_MARKER))
    return out


#: how values a constraint forbids are shaded (WGAN weight clipping): grey hatching, no method's colour
FORBIDDEN_STYLE = {"facecolor": "0.93", "edgecolor": "0.7", "hatch": "///", "lw": 0, "zorder": 0}
#: the streamlines' colour (and the colour map when they are coloured by speed): greys only
STREAM_COLOR = "0.6"
STREAM_CMAP = "Greys"
#: with the speed shown, a streamline's width grows by this many points from the slowest to the fastest speed
SPEED_WIDTH = 1.8


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda",
          "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}


def style():
    """A context manager applying :data:`STYLE` (``with style(): ...``)."""
    return plt.rc_context(STYLE)


#: the widest canvas (inches) whose text keeps the sizes of the rcParams (:data:`STYLE`'s 8-9.5 pt): a wider figure's
#: text is scaled by the square root of its width over this (:func:`text_scale`; 1.29 at 15 inches), so that shown at
#: page width (a PNG of the gallery in a README or a paper, some 6-7 inches) it stays legible.  The widest figures of the
#: gallery (14-15 inches, three or four panels) had their 8 pt tick labels shown at 3.5 pt (the figure review); text
#: scaled with the width itself (1.67 at 15 inches), or its power 3/4, crowded them: a legend over an axis label, long
#: axis labels into the next panel, a suptitle wider than the panels
TEXT_WIDTH = 9.0
#: the rcParams of text sizes that :func:`canvas` scales (named sizes, ``"small"``, follow ``font.size``)
TEXT_SIZES = ("font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize", "legend.title_fontsize",
              "xtick.labelsize", "ytick.labelsize", "figure.titlesize", "figure.labelsize")


def text_scale(width: float) -> float:
    """The factor of a canvas ``width`` inches wide on the text sizes: ``max(1, width / TEXT_WIDTH) ** 0.5``."""
    from .validate import positive
    return max(1.0, positive(width, "width") / TEXT_WIDTH) ** 0.5


def text_sizes(width: float) -> dict:
    """The rcParams of :data:`TEXT_SIZES` scaled for a canvas ``width`` inches wide (:func:`text_scale`), from their
    current values (named sizes are left as they are: relative to ``font.size``, they follow it)."""
    k = text_scale(width)
    out = {}
    for key in TEXT_SIZES:
        v = matplotlib.rcParams.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[key] = float(v) * k
    return out


#: the most panels :func:`canvas` makes (a figure of 10**7 rows of panels ran out of memory instead of being refused)
CANVAS_PANELS_MAX = 100


@contextmanager
def canvas(nrows: int = 1, ncols: int = 1, *, figsize, **kw):
    """``with canvas(1, 3, figsize=(15, 5)) as (fig, axes): ...``: :func:`matplotlib.pyplot.subplots` (with
    ``layout="constrained"`` unless another is given) under the current rcParams' text sizes scaled for the figure's
    width (:func:`text_sizes`: a 15-inch figure's text 1.29 times as large as a 9-inch one's), in force for what is drawn
    and saved inside the block (matplotlib reads the sizes when it makes a text, and tick labels made at draw time
    copy the first tick's).  Every figure of the gallery (:mod:`gandynamics.studies`) is made with it."""
    if not (isinstance(nrows, int) and isinstance(ncols, int) and nrows >= 1 and ncols >= 1
            and nrows * ncols <= CANVAS_PANELS_MAX):
        raise GandynamicsError(f"canvas: nrows and ncols must be whole numbers >= 1 with at most {CANVAS_PANELS_MAX} "
                               f"panels in all, got {nrows!r} x {ncols!r}")
    kw.setdefault("layout", "constrained")
    with plt.rc_context(text_sizes(figsize[0])):
        fig, axes = plt.subplots(nrows, ncols, figsize=figsize, **kw)
        yield fig, axes


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
    ``dirac (lsgan) + consensus(γ = 0.2) + R1(γ = 1)``, ``quadratic (a = 1, b = 3, c = 1)``, ``hopf (β = −0.3)`` (negative numbers with the minus sign, :func:`number_text`).

    Strength values are those of ``params`` (by hyperparameter name) over the regularizers' own values."""
    from .regularizers import strength_symbols
    model = getattr(field, "model", None)
    from .games import game_label  # (the name with the factory's arguments given: dirac-nd(d=3))
    name = game_label(field) if getattr(field, "name", None) else getattr(model, "name", "game")
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
        ([", ".join(f"{_greek_text(k)} = {number_text(v, '.4g')}" for k, v in own)] if own else [])
    text = name + (f" ({'; '.join(inner)})" if inner else "")
    if not regs:
        return text
    parts = []
    for reg in regs:
        items = []
        for r, part, sym in named:
            if r is reg:
                for key, s_ in sym.items():
                    items.append(f"{_greek_text(key)} = {number_text(vals.get(s_.name, part.values[key]), '.4g')}")
        label = {"r1": "R1", "r2": "R2", "wgan-gp": "WGAN-GP", "jare": "JARE", "dragan": "DRAGAN",
                 "lecam": "LeCam", "nagarajan-kolter": "NK"}.get(reg.name, reg.name)
        parts.append(f"{label}({', '.join(items)})" if items else label)
    return text + " + " + " + ".join(parts)


def number_text(v, spec: str = "g") -> str:
    """``v`` formatted by ``spec`` (without a negative zero) for a figure's text, every minus sign the minus sign U+2212
    ``−``, the number's and its exponent's: ``−2.64e−06`` (matplotlib's ``axes.unicode_minus`` covers its tick labels
    only: a legend's ``β = -0.5`` and a title's ``hopf (β = -0.3)`` had a hyphen, and the ``|z|`` boxes of M18's Figure 1
    wrote ``2.64e-06`` beside ticks with ``−``: figure reviews).  For a figure only: text a user may paste into a
    command line or a JSON file keeps the hyphen-minus (``format(v, "zg")``).  ``spec`` has no fill character "-"."""
    return format(v, "z" + spec).replace("-", "\u2212")


def _greek_text(name: str) -> str:
    table = {"gamma": "γ", "sigma": "σ", "eta": "η", "eps": "ε", "epsilon": "ε", "beta": "β", "alpha": "α",
             "lambda": "λ", "mu": "μ", "rho": "ρ", "theta": "θ", "psi": "ψ"}
    return table.get(name, name)


def portrait_title(field, params=None, methods=(), step=None, options=None, horizon=None, step_note: str = "") -> str:
    """``<describe(field)>: gd, altgd, h = 0.2; flow, t ≤ 40`` — the step (a number, or a pair ``(h_G, h_D)``) is
    named only for discrete methods (the continuous ``flow`` has none), the flow's time ``horizon`` when given (its
    title said "flow" alone, with no time: a figure review); ``options``, one mapping per method (its options as
    run), names each method's after it: ``momentum (β = −0.3, alternating)`` (a portrait of momentum at the command
    line's beta = -0.5 said "momentum" alone); ``step_note`` follows the step where it is named (``" (the default
    step)"``)."""
    from .validate import split_names
    methods = split_names(methods)  # ("gd,eg")
    if options is not None:
        methods = [method_text(m, o) for m, o in zip(methods, options)]
    discrete = [m for m in methods if m != "flow"]
    bits = []
    if isinstance(step, (tuple, list)):
        hg, hd = step
        h = f"{number_text(hg, 'g')}" if hg == hd else f"({number_text(hg, 'g')}, {number_text(hd, 'g')})"
    else:
        h = None if step is None else f"{number_text(step, 'g')}"
    if discrete:
        bits.append(", ".join(discrete) + (f", h = {h}{step_note}" if h is not None else ""))
    if "flow" in methods:
        bits.append("flow" + (f", t ≤ {number_text(horizon, 'g')}" if horizon is not None else ""))
    head = describe(field, params)
    return head + (": " + "; ".join(bits) if bits else "")


def method_text(method: str, options=None) -> str:
    """A method named with its options as run, for a title or a key: ``momentum (β = −0.5)``, ``momentum
    (alternating, β = −0.3)``, ``altgd (n_g = 2)``, ``gd`` (none; the flow's are not named, nor a box)."""
    bits = [(_greek_text(k) if v is not True else k) + ("" if v is True else f" = {_short(v)}")
            for k, v in (options or {}).items() if k != "box" and v is not None and v is not False]
    return f"{method} ({', '.join(bits)})" if bits and method != "flow" else method


def run_text(tr) -> str:
    """A :class:`gandynamics.simulate.Trajectory`'s method with the options it was run with (:func:`method_text`), as
    the command line's portrait names a run in its key and title: ``momentum (β = −0.5)``; not the record that it was
    interrupted."""
    return method_text(tr.method, {k: v for k, v in (tr.options or {}).items() if k != "interrupted"})


def steps_text(steps, spec: str = "g") -> str:
    """The step size of runs for a title, in :func:`portrait_title`'s words: ``h = 0.3`` for one step (a number, or a
    mapping of the runs' names to steps that are all equal), else each step before the runs that take it, in their
    order: ``h = 0.04998 for GD; h = 0.1766 for EG and EFTP``; a step given as a pair ``(h_G, h_D)`` as portrait_title
    writes it; each number formatted by ``spec`` (:func:`number_text`).  A convergence figure's title names its game
    (:func:`describe`) and this (the basin figure's named neither, a figure review).  The words of each group are
    joined by no-break spaces (:data:`NBSP`): a title wrapped keeps them on one line (:data:`STEPS_GROUP_KEEP`; a
    longer group keeps its step with its first run)."""
    def one(h):
        if isinstance(h, (tuple, list)):
            hg, hd = h
            return number_text(hg, spec) if hg == hd else f"({number_text(hg, spec)}, {number_text(hd, spec)})"
        return number_text(h, spec)
    if not isinstance(steps, Mapping):
        return f"h = {one(steps)}"
    by = {}
    for name, h in steps.items():
        by.setdefault(one(h), []).append(name)
    if len(by) == 1:
        return f"h = {next(iter(by))}"
    # (each group unbroken by a title's wrap, its words joined by no-break spaces: the step belongs with the runs it
    # applies to, and basin_dirac_convergence's title broke between "EG and EFTP" and "h = 0.1766", a figure review;
    # a group too long for one line keeps its last name with the step)
    # the step first, then the runs taking it: "simultaneous GD, alternating GD, extragradient, EFTP and OGDA h = 0.3"
    # read as OGDA's step alone (a new user)
    def group(names, h):
        text = f"h = {h} for {_and(names)}"
        if len(text) <= STEPS_GROUP_KEEP:
            return text.replace(" ", NBSP)
        said = _and(names)
        return f"h = {h} for {names[0]}".replace(" ", NBSP) + said[len(names[0]):]
    return "; ".join(group(names, h) for h, names in by.items())


#: the no-break space, which a title's wrap (:func:`_words`) does not break at
NBSP = "\u00a0"
#: a group of runs and their step in :func:`steps_text` at most this many characters long is never broken over two
#: lines; a longer one keeps its last run's name with the step
STEPS_GROUP_KEEP = 40


def _runs_title(field, params, items) -> str:
    """The default title of a drawing of the runs ``items`` (:func:`trajectory_items`' items): :func:`portrait_title`
    with the methods of the Trajectory objects among them and their step h when they share one (the command line's
    title; the library's named the game alone)."""
    from .runs.trajectory import Trajectory
    runs = [it[1] for it in items if isinstance(it[1], Trajectory)]
    methods = list(dict.fromkeys(run_text(t) for t in runs))  # (each with its options, as the key names it)
    steps = {tuple(t.step) for t in runs if t.method != "flow"}
    return portrait_title(field, params, methods, next(iter(steps)) if len(steps) == 1 else None)


def _axes(ax, figsize=(4.6, 4.2)):
    """``ax``, or a new figure's axes when None; anything but a matplotlib Axes is refused (a string gave an
    AttributeError deep inside the drawing)."""
    from matplotlib.axes import Axes
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    elif not isinstance(ax, Axes):
        raise GandynamicsError(f"ax must be a matplotlib Axes or None, got {ax!r:.60}")
    return ax


def _window(lim, what: str, typed: str | None = None) -> tuple[float, float]:
    """A plot range ``(lo, hi)`` of finite numbers with ``lo < hi`` (streamplot's "'x' must be strictly increasing"
    came out of the Python API; an overflowing ``hi - lo``, matplotlib's ticks' ValueError from numpy.arange).  The
    one rule of the library and the command line: ``typed``, the option's text as given (``what`` then the option,
    ``"--xlim"``), puts the refusal in the command line's words."""
    from .validate import vector
    lo, hi = vector(lim, what, n=2)
    shown = repr(typed) if typed is not None else f"({lo:zg}, {hi:zg})"
    if not lo < hi:
        form = "LO,HI with LO < HI; got" if typed is not None else "(lo, hi) with lo < hi, got"
        raise GandynamicsError(f"{what} must be {form} {shown if typed is not None else repr(tuple(lim))}")
    big = max(abs(float(lo)), abs(float(hi)))
    if not big <= WINDOW_MAX:
        raise GandynamicsError(f"{what} {shown} reaches beyond +-{WINDOW_MAX:zg}, where matplotlib's arithmetic on a "
                               "window (its ticks, the arrows of streamlines) overflows; give a narrower window")
    if not (big >= WINDOW_MIN and float(hi) - float(lo) >= WINDOW_MIN_RELATIVE * big):
        raise GandynamicsError(f"{what} {shown} is too narrow for matplotlib to draw (it widens a window narrower than "
                               f"{WINDOW_MIN_RELATIVE:zg} of its ends' magnitude, or whose ends are both within "
                               f"{WINDOW_MIN:zg} of 0, into another one); give a wider window")
    return float(lo), float(hi)


#: the largest magnitude of a plot window's ends (:func:`_window`): matplotlib's streamlines raised StopIteration for a
#: window of +-1e306 and its ticks "arange: cannot compute length" for one 1.8e308 wide; +-1e305 drew (2026-12-04)
WINDOW_MAX = 1e300
#: the smallest magnitude of a plot window's larger end, and its smallest width relative to it (:func:`_window`):
#: matplotlib's ``nonsingular`` replaced (1e-300, 2e-300) and (0, 1e-287) by (-0.05, 0.05), and widens a window of
#: width at most 1e-15 of its ends (the axes then showed another window than the one asked for; 2026-12-04)
WINDOW_MIN = 1e-280
WINDOW_MIN_RELATIVE = 1e-13


#: half the width of a plane's default window, on each side of its centre (the starred zero)
HALF_WIDTH = 2.0


def window_around(point, index: int, lim=None, what: str = "xlim") -> tuple[float, float]:
    """``lim`` checked (:func:`_window`), or by default ``point[index] -/+`` :data:`HALF_WIDTH` (or ``1e-9`` of the
    point's magnitude where that is wider: 2 is below the spacing of doubles past 2**53), checked the same way: a
    plane's window is centred on its zero unless given (a portrait of a game whose zero is away from 0 looked at an
    empty corner)."""
    if lim is None:  # (wider than +-HALF_WIDTH where that would be below the spacing of doubles: a window of one point)
        c = float(point[index])
        half = max(HALF_WIDTH, 1e-9 * abs(c))
        return _window((c - half, c + half), f"the default {what} around the zero's {c:zg}")
    return _window(lim, what)


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


def default_plane(field) -> tuple:
    """The plane a figure of ``field`` is drawn in when none is given: the generator parameter and the discriminator
    parameter most strongly coupled at the game's declared equilibrium (at 0 for a game that declares none), the
    pair ``(i, j)`` with the largest ``|DF[i, j]| + |DF[j, i]|`` at the default hyperparameters (the first such pair;
    the first generator and the first discriminator parameter when no pair is coupled or DF is not finite there).
    A game of two players' single parameters is its own plane.  Along an uncoupled pair the field of a larger game
    often has no component at all through the equilibrium (``mlp``'s generator scale and first hidden weight: an
    empty figure whose field pointed out of its plane, a figure review), while the coupled pair carries the
    rotation the figure is drawn to show.  Returns the two names."""
    n, nt = field.n, field.n_theta
    if nt >= n or nt == 0:
        return field.names[0], field.names[1]
    first = (field.names[0], field.names[nt])
    if n == 2:
        return first
    z = field.equilibrium.copy() if field.equilibrium is not None else np.zeros(n)
    try:
        with np.errstate(all="ignore"):
            J = np.asarray(field.point_module().jacobian(z, field.param_vector(None), np.empty((n, n))), float)
    except (ArithmeticError, ValueError):  # (outside a loss's domain at that point: the first pair)
        return first
    C = np.abs(J[:nt, nt:]) + np.abs(J[nt:, :nt]).T
    if not np.all(np.isfinite(C)) or not np.any(C > 0):
        return first
    i, j = np.unravel_index(int(np.argmax(C)), C.shape)
    return field.names[i], field.names[nt + j]


def plane_indices(field, plane=None) -> tuple:
    """``(names, i, j)``: the two coordinates spanning a figure's plane (``plane``, a pair of parameter names; default
    :func:`default_plane`: the most strongly coupled generator and discriminator parameters) and their indices in
    ``field.names``.

    Raises
    ------
    GandynamicsError
        when ``plane`` is not a pair of two different parameters of the field (the message lists them): checked
        before any work (the command line's portrait simulated its runs first).
    """
    if plane is None:
        names = default_plane(field)
    else:
        names = (plane,) if isinstance(plane, str) else tuple(plane)
        if len(names) != 2:
            raise GandynamicsError(f"the plane needs two parameters X, Y, got {len(names)} ({', '.join(map(str, names))}); "
                                   f"accepted: {', '.join(field.names)}")
    for name in names:
        if name not in field.names:
            raise GandynamicsError(f"unknown parameter {name!r} for the plane; accepted: {', '.join(field.names)}")
    if names[0] == names[1]:
        raise GandynamicsError(f"the plane needs two different parameters, got {names[0]!r} twice; accepted: "
                               f"{', '.join(field.names)}")
    return names, field.names.index(names[0]), field.names.index(names[1])


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
    from .limits import check_array
    from .validate import whole
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
    from .analysis.nonsmooth import INTEGER, switches
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


def _states(tr):
    s = getattr(tr, "states", tr)
    return np.asarray(s, dtype=float)


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
    from .runs.trajectory import Trajectory
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


def trajectory_items(trajectories, what: str) -> list:
    """The ``trajectories`` argument of :func:`phase_portrait`, :func:`convergence` and :func:`animate` as a list of
    ``(label, run, color, linestyle)``: each item a :class:`gandynamics.simulate.Trajectory` (labelled by its method,
    in the method's colour) or a tuple ``(label, run)``, ``(label, run, color)`` or ``(label, run, color,
    linestyle)`` (``run`` a Trajectory or an array; color and linestyle None where not given).  A bare Trajectory made ``phase_portrait`` fail with
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


def equilibrium_point(field, params=None):
    """The equilibrium a figure marks, shape (n,): :func:`gandynamics.equilibrium.find_equilibrium` at ``params``
    (the game's declared equilibrium where it is a zero of F there, else a zero found from it, or from 0 for a game
    that declares none); None when no zero is found.  A game declared with ``equilibrium=None`` has its zero starred
    as ``analyze`` and ``simulate`` find it (a new user's portrait had none).  (:func:`gandynamics.equilibrium.zero_or_none`.)"""
    from .equilibrium import zero_or_none
    return zero_or_none(field, params)


#: :func:`slice_center`'s ``star`` when the caller has not searched for the zero
_SEARCH = object()


def slice_center(field, params=None, center=None, star=_SEARCH) -> np.ndarray:
    """The point a figure's plane passes through, shape (n,): ``center`` when given, else the zero of F that
    :func:`equilibrium_point` finds (``star``: what the caller's own search found, None for no zero), else the game's
    declared equilibrium, else 0 (:func:`gandynamics.equilibrium.reference_point`).  The slice of a game of more than
    two parameters then passes through the zero the figure stars by default (the star sat where the plotted field
    was not zero for a game declared with ``equilibrium=None``)."""
    from .equilibrium import reference_point
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
        colorbar under the axes; on a plot too small for it (see the module's "fitting to the figure") a compact one
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
        trajectory points (module docstring, "fitting to the figure").  Several runs given the same label (several
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
    from .validate import positive
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
        dots = getattr(tr, "method", None) != "flow" and _jumps(S[:, [i, j]], xlim, ylim)
        if dots:
            jumpers.append(label)
        line, = ax.plot(*_broken_outside(S[:, i], S[:, j], xlim, ylim), color=color, lw=1.2,
                        ls="none" if dots else style if style is not None else "-", label=label,
                        marker="o" if dots else None, ms=2.0,
                        zorder=(2.9 if getattr(tr, "method", None) == "flow" else
                                3.2 if getattr(tr, "verdict", None) == "converging" else 3))
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
        jumpers = [re.sub(r"\s*\([^()]*\)$", "", lab) or lab for lab in jumpers]  # (the run's name, not its verdict)
        warnings.append(f"{_and(jumpers) if len(jumpers) <= 3 else f'{len(jumpers)} runs'} "
                        f"{'jumps' if one else 'jump'} across the window over {'its' if one else 'their'} last half "
                        f"(a median step of {JUMP_SHARE:z.0%} of its diagonal or more, turning about "
                        f"{round(math.degrees(2 * math.asin(JUMP_TURN / 2)), -1):z.0f} degrees or more about its "
                        "centre): drawn "
                        f"as {'its' if one else 'their'} states, not joined")
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


def _dash_key(line) -> tuple:
    """A line's style as a hashable key: its style name and its dash pattern (the offset and the on-off sequence)."""
    # (get_linestyle() says "--" of every custom pattern: START_STYLES' fifth and sixth were one style)
    seq = getattr(line, "_unscaled_dash_pattern", (0, None))[1]
    return (line.get_linestyle(), tuple(seq) if seq is not None else None)


def _broken_outside(x, y, xlim, ylim):
    """``(x, y)`` of a run's states as drawn: the line broken (a NaN between them) where two consecutive states both
    lie outside the window ``xlim`` x ``ylim`` -- the jumps of a diverging discrete run between far points crossed the
    window as a fan of long straight strokes, read as motion inside it (a new user, a figure review); a run leaving
    the window is drawn up to its edge, and back in from it, as before."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    out = np.zeros(x.size, dtype=bool)
    out[outside_rows(np.c_[x, y], xlim, ylim)] = True
    cut = np.flatnonzero(out[:-1] & out[1:]) + 1
    if cut.size == 0:
        return x, y
    return np.insert(x, cut, np.nan), np.insert(y, cut, np.nan)


def _other_field_warning(field, params, tr, label: str) -> str:
    """A note when the run ``tr`` (a Trajectory) was simulated at other hyperparameter values than the field drawn
    (``params``) or on another game: its path does not follow the streamlines shown (a new user's gamma = 0.3 runs
    drawn silently on a gamma = 1 portrait); "" otherwise (an array of states carries no such record)."""
    from .runs.trajectory import Trajectory
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


def last_outside(points, xlim, ylim):
    """The last of ``points`` ((k, 2): the plane's coordinates of a trajectory's states; non-finite ones skipped)
    that lies outside the window ``xlim`` x ``ylim``, as a (2,) array, or None when every one lies inside (a
    trajectory drawn cut at the window's edge: :func:`phase_portrait` notes it, the command line says where)."""
    rows = outside_rows(points, xlim, ylim)
    return np.asarray(points, float).reshape(-1, 2)[rows[-1]] if rows.size else None


#: a discrete run whose median step (over its last half, in the plane) is at least this share of the window's diagonal
#: and JUMP_TURN of its distance from the window's centre is drawn as its states, not joined (:func:`phase_portrait`)
JUMP_SHARE = 0.1
JUMP_TURN = 0.5


def _jumps(P, xlim, ylim) -> bool:
    """Whether the states ``P`` (T, 2) of a discrete run jump across the window ``xlim`` x ``ylim``: the median length
    of its steps over its last half (a run that settles takes short steps at the end, however it started) at least
    :data:`JUMP_SHARE` of the window's diagonal, and the median of each step over the larger distance of its two ends
    from the window's centre at least :data:`JUMP_TURN` (a turn of about 30 degrees a step about a point in the
    middle: gd at h = 1.5 on the R1 Dirac-GAN's invariant curve, 0.62; gd at h = 0.3 on the bilinear game, spiralling
    out in a polygon of 21 sides a turn, 0.29, whose steps leave the window long)."""
    tail = P[len(P) // 2:]
    if len(tail) < 3:
        return False
    steps = np.hypot(*np.diff(tail, axis=0).T)
    r = np.hypot(tail[:, 0] - (xlim[0] + xlim[1]) / 2, tail[:, 1] - (ylim[0] + ylim[1]) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = steps / np.maximum(r[1:], r[:-1])
    return bool(np.median(steps) >= JUMP_SHARE * math.hypot(xlim[1] - xlim[0], ylim[1] - ylim[0])
                and np.median(turn) >= JUMP_TURN)


def outside_rows(points, xlim, ylim) -> np.ndarray:
    """The indices of the finite ``points`` ((k, 2)) outside the window ``xlim`` x ``ylim``, increasing (empty when
    every one lies inside)."""
    P = np.asarray(points, float).reshape(-1, 2)
    with np.errstate(invalid="ignore"):
        out = (np.all(np.isfinite(P), axis=1)
               & ((P[:, 0] < xlim[0]) | (P[:, 0] > xlim[1]) | (P[:, 1] < ylim[0]) | (P[:, 1] > ylim[1])))
    return np.flatnonzero(out)


def window_holding(points, lim, center: float = 0.0):
    """The limits ``(lo, hi)`` of one axis, relative to ``center`` as ``--xlim``/``--ylim`` are, that hold the
    window ``lim`` (absolute) and every finite value of ``points`` (1-D) with a margin of 5 % of the span, rounded
    outward to two significant digits of the span (what the command line suggests for a trajectory drawn cut); not
    finite where the span overflows or an end would lie beyond :data:`WINDOW_MAX` (no window :func:`_window` accepts
    holds them)."""
    v = np.asarray(points, float).reshape(-1)
    v = v[np.isfinite(v)]
    lo = min(float(lim[0]), float(v.min(initial=np.inf))) - center
    hi = max(float(lim[1]), float(v.max(initial=-np.inf))) - center
    with np.errstate(over="ignore", invalid="ignore"):
        pad = 0.05 * (hi - lo)
        unit = 10.0 ** (np.floor(np.log10(hi - lo)) - 1) if hi > lo else 1.0
        a, b = float(np.floor((lo - pad) / unit) * unit), float(np.ceil((hi + pad) / unit) * unit)
    # (NaN or inf where the span overflows: the caller tells the user to widen the window instead)
    if not max(abs(a + center), abs(b + center)) <= WINDOW_MAX:
        return math.nan, math.nan
    return a, b


def _and(labels) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    labels = [str(x) for x in labels]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


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


# ---------------------------------------------------------------------------------------------- fitting to the figure
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
        from .errors import GandynamicsWarning
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
    """Move the legend of ``ax`` that this module placed below or right of the axes inside them (where it covers the
    fewest drawn points, :func:`_make_legend`), with its entries; True when one was moved."""
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
    label, marker, size, cmap, colorbar, title, ax : drawing options; points are coloured by the strength, in the
        part of ``cmap`` whose colours keep :data:`MIN_CONTRAST` on white (:func:`legible_cmap`).  The
        title is wrapped to the width the axes' cell gives it; the legend goes under the axes (right of them or
        inside where the figure has no room there: the module's "fitting to the figure").

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    fld = _field_of(game, regularizer)
    vals, eigs = data if data is not None else locus_data(fld, parameter, values, params)
    name = _strength(fld, parameter)
    V = np.repeat(vals[:, None], eigs.shape[1], axis=1)
    # strengths spaced geometrically over two decades or more (np.logspace) coloured on a log scale: on a linear one
    # all but the last few shared the colour map's first shade (a figure review)
    norm = matplotlib.colors.LogNorm(vals.min(), vals.max()) if _geometric(vals) else None
    # (the part of the map whose colours keep MIN_CONTRAST on white: viridis' yellow end was a faint dot, a figure review)
    sc = ax.scatter(eigs.real.ravel(), eigs.imag.ravel(), c=V.ravel(), cmap=legible_cmap(cmap), norm=norm, marker=marker, s=size,
                    label="_locus", zorder=3)
    # the key's marker a neutral grey, on an empty line of its own (a study's legend made anew takes it too): the
    # scatter's own showed the colour map's first shade, read as one strength of the colour bar (a figure review)
    ax.plot([], [], ls="", marker=marker, ms=math.sqrt(size), color=LOCUS_KEY_COLOR,
            label=label or f"eigenvalues ({symbol(name)} varies)")
    beside = []
    if colorbar:
        cb = ax.figure.colorbar(sc, ax=ax, shrink=0.85, pad=0.02)
        cb.set_label(symbol(name))
        beside.append(cb.ax)
    ax.axhline(0, color=ZERO_LINE_COLOR, lw=0.8, zorder=1)
    ax.axvline(0, color=ZERO_LINE_COLOR, lw=0.8, zorder=1)
    if critical:
        c = critical_strength(fld, parameter, (float(vals.min()), float(vals.max())), params)
        e = c["eigenvalues"]
        # (a minimum at an end of the range is no critical strength: the abscissa keeps falling towards it; a new
        # user read "critical gamma = 2" and "= 6" for the ends of two ranges)
        # (open: the points under it stay visible, a locus over a small range lay wholly under the filled stars)
        ax.plot(e.real, e.imag, "*", color=OKABE_ITO["vermillion"], mfc="none", mew=1.3, ms=12, zorder=5,
                label=(f"critical {symbol(name)} = {number_text(c['value'], '.4g')} (min. abscissa {number_text(c['abscissa'], '.3g')})"
                       if c["interior"] else f"no interior minimum: smallest abscissa {number_text(c['abscissa'], '.3g')} at the "
                       f"range's end, {symbol(name)} = {number_text(c['value'], '.4g')}"))
    ax.set_xlabel(r"Re $\lambda$")
    ax.set_ylabel(r"Im $\lambda$")
    # one scale for both axes (the complex plane as it is) unless the locus is far more elongated than LOCUS_ASPECT:
    # then each axis its own (a small range of strengths moved the eigenvalues by 0.005 on an axis of 1: a dot)
    fin = eigs[np.isfinite(eigs)]
    w = float(np.ptp(np.append(fin.real, 0.0))) if fin.size else 0.0
    h = float(np.ptp(np.append(fin.imag, 0.0))) if fin.size else 0.0
    if w == 0 or h == 0 or 1.0 / LOCUS_ASPECT <= h / w <= LOCUS_ASPECT:
        ax.set_aspect("equal", adjustable="datalim")
    if title:
        _title_with_notes(ax, title, [])
    _legend_outside(ax, loc="below", reserve=(_colorbar_width(ax, cb) if colorbar else 0.0, 0.0))
    if title:
        _title_with_notes(ax, title, [], beside=beside)
    return ax


#: the key's marker of an eigenvalue locus coloured by its strength (:func:`eigenvalue_locus`): no colour of the map
LOCUS_KEY_COLOR = "0.3"

#: the most elongated eigenvalue locus (extent of the imaginary parts over that of the real parts, 0 included, or its
#: inverse) drawn with one scale for both axes (:func:`eigenvalue_locus`)
LOCUS_ASPECT = 20.0


def _geometric(values) -> bool:
    """Whether ``values`` (positive, increasing or not) span two decades or more in (nearly) geometric steps."""
    v = np.sort(np.asarray(values, float))
    if v.size < 3 or not v[0] > 0 or v[-1] / v[0] < 100.0:
        return False
    d = np.diff(np.log(v))
    return bool(np.all(d > 0) and np.std(d) <= 0.05 * np.mean(d))


# ---------------------------------------------------------------------------------------------- rate maps
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
    from .analysis.rates import _resolve, rate_options
    names = rate_options(method)
    if not names:
        return ""
    m, _ = _resolve(method)
    declared = {o.name: o.default for o in m.options}
    from .methods import beta_for
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
#: the legend's words for the rates of :func:`convergence`: a prediction (a local rate) or a certified upper bound; the
#: relation outside the mathtext, spaced as the equals sign (mathtext spaces a relation only between two operands:
#: ``$\rho \leq$ 0.9975`` was drawn "ρ≤ 0.9975", a figure review)
RATE_KINDS = {"predicted": r"predicted $\rho$ = {}", "certified": r"certified $\rho$ ≤ {}"}
#: a predicted line's colour: its run's times this (0.55 made a dark red dash on a red curve that the eye lost where
#: the two coincide: the figure review of the JARE convergence figure)
PREDICTED_SHADE = 0.3
#: ... unless the run's colour is dark already (at least DARK_CONTRAST against white, WCAG 2's enhanced contrast of
#: text: room above 3:1 for a lighter shade to stand out; 0.3 of such a colour was near-black, ogda's dark red's and
#: ftr's dark cyan's among them) or a dark grey (no hue to tell the dashes from it: the unregularized run's "0.3" hid
#: its black prediction, the figure review; chroma, max - min of its RGB, below GREY_CHROMA and luminance below
#: GREY_DARK); then the colour moved LIGHT_SHADE of the way to white, or less: as far as keeps :data:`MIN_CONTRAST`
#: (momentum's dark indigo moved 0.65 of the way was a lavender of 1.9:1 on the white axes, a figure review)
DARK_CONTRAST = 7.0
GREY_CHROMA = 0.15
GREY_DARK = 0.5
LIGHT_SHADE = 0.65
#: the least contrast against the axes' white of every line colour of a figure and of every shade of it drawn as a line
#: (a predicted or certified rate's dashes): WCAG 2's for a graphical object (success criterion 1.4.11, non-text
#: contrast, the ratio of the relative luminances plus 0.05)
MIN_CONTRAST = 3.0


def legible_cmap(cmap, span=(0.0, 1.0)):
    """The part of the colour map ``cmap`` (a name or a Colormap) over ``span`` whose colours keep :data:`MIN_CONTRAST`
    on white (the longest such run of it, in its order), for lines and markers coloured by a value: viridis' green and
    yellow end, from 0.6 on, are fainter than 3:1 (the limit cycles of the Hopf figure, the eigenvalues of the
    R1-manifold figure and of eigenvalue loci were drawn in them, a figure review).  A colour map named
    ``<name>_legible``; one with no colour of 3:1 is refused (GandynamicsError)."""
    from matplotlib.colors import LinearSegmentedColormap
    cm = plt.get_cmap(cmap) if isinstance(cmap, str) else cmap
    t = np.linspace(span[0], span[1], 1001)
    ok = np.array([contrast_on_white(cm(x)[:3]) >= MIN_CONTRAST * 1.001 for x in t] + [False])
    if not ok.any():
        raise GandynamicsError(f"legible_cmap: no colour of {cm.name} is {MIN_CONTRAST}:1 on white")
    edges = np.flatnonzero(np.diff(np.concatenate([[False], ok]).astype(int)))  # (starts and ends of the runs)
    start, end = max(zip(edges[::2], edges[1::2]), key=lambda r: r[1] - r[0])
    return LinearSegmentedColormap.from_list(f"{cm.name}_legible", cm(np.linspace(t[start], t[end - 1], 256)))


def relative_luminance(color) -> float:
    """WCAG 2's relative luminance of a colour: its sRGB channels made linear, weighted 0.2126, 0.7152, 0.0722."""
    from matplotlib.colors import to_rgb
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_on_white(color) -> float:
    """WCAG 2's contrast ratio of a colour against white, from 1 (white) to 21 (black)."""
    return 1.05 / (relative_luminance(color) + 0.05)


def _legible(mix, lo: float, hi: float) -> tuple:
    """``mix(t)`` for the ``t`` of ``[lo, hi]`` nearest ``hi`` whose colour keeps :data:`MIN_CONTRAST` on white,
    ``mix(lo)`` if none (a bisection; ``mix(lo)`` keeps it, the contrast is monotone in ``t``)."""
    if contrast_on_white(mix(hi)) >= MIN_CONTRAST * 1.001:
        return mix(hi)
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if contrast_on_white(mix(mid)) >= MIN_CONTRAST * 1.001 else (lo, mid)
    return mix(lo)


def _lighter(rgb, fraction: float) -> tuple:
    """``rgb`` moved ``fraction`` of the way to white, or less: as far as keeps :data:`MIN_CONTRAST` on white (not at
    all if it is below already)."""
    return _legible(lambda t: tuple(c + t * (1.0 - c) for c in rgb), 0.0, fraction)


def _darker(rgb, factor: float) -> tuple:
    """``rgb`` times ``factor``, or darker: times as much less as brings it to :data:`MIN_CONTRAST` on white (a light
    colour's 0.6 of it, white's a grey of 2.9:1, is not)."""
    return _legible(lambda t: tuple((factor - t) * c for c in rgb), factor, 0.0) if factor > 0 else tuple(0.0 for _ in rgb)


def _room(rgb) -> float:
    """How far of the way to white ``rgb`` may move and keep :data:`MIN_CONTRAST` on white (0 for one below it)."""
    light = _lighter(rgb, 1.0)
    moved = [(x - c) / (1.0 - c) for c, x in zip(rgb, light) if c < 1.0]
    return max(moved) if moved else 0.0


def predicted_shade(color) -> tuple:
    """The colour of a predicted rate's dashes over its run's line of ``color``: a darker shade of it
    (:data:`PREDICTED_SHADE`), or for a dark colour or a dark grey a lighter one (:data:`LIGHT_SHADE` of the way to
    white, or as far as keeps :data:`MIN_CONTRAST`), so that the dashes show where the two lines coincide; never
    below :data:`MIN_CONTRAST` on white.  An RGB tuple."""
    from matplotlib.colors import to_rgb
    rgb = to_rgb(color)
    if _dark(rgb):
        light = _lighter(rgb, LIGHT_SHADE)
        if _stands_out(light, rgb):  # (a mid grey has too little room above 3:1: its dark shade)
            return light
    return _darker(rgb, PREDICTED_SHADE)


#: a shade stands out from its run's line (:func:`_stands_out`) by this much luminance, or, the line having a hue, of a
#: channel
STAND_OUT = 0.15


def _stands_out(shade, rgb) -> bool:
    """Whether ``shade`` is told from the line of colour ``rgb`` it is drawn on: their luminances (of the sRGB values)
    :data:`STAND_OUT` apart, or ``rgb`` having a hue (chroma at least STAND_OUT) and a channel that far apart."""
    lum = lambda c: 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]  # noqa: E731
    return (abs(lum(shade) - lum(rgb)) >= STAND_OUT
            or (max(rgb) - min(rgb) >= STAND_OUT and max(abs(x - y) for x, y in zip(shade, rgb)) >= STAND_OUT))


def _dark(rgb) -> bool:
    """Whether the colour ``rgb`` is dark, or a dark grey: its shades for a prediction's dashes are lighter ones
    (:func:`predicted_shade`, :func:`interleaved_shade`)."""
    lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return contrast_on_white(rgb) >= DARK_CONTRAST or (max(rgb) - min(rgb) < GREY_CHROMA and lum < GREY_DARK)


#: a predicted rate's dashes interleaved with other predictions' (:func:`interleaved_shade`): its run's colour times
#: this, a lighter shade than :data:`PREDICTED_SHADE`'s (whose 0.3 of the colour left EFTP's and OGDA's alternating
#: dashes on the bilinear figure near-black both, their alternation not to be seen: a figure review), dark enough to
#: show on the run's line
INTERLEAVED_SHADE = 0.6
#: ... and their width, in points (a certified line's: at a predicted one's 1.0 the alternation was not to be seen)
INTERLEAVED_WIDTH = 1.3


def interleaved_shade(color) -> tuple:
    """The colour of a predicted rate's dashes where they alternate with those of other predictions on one line
    (:func:`convergence`: rates whose lines lie on one another): a darker shade of ``color``
    (:data:`INTERLEAVED_SHADE`, or darker where that is below :data:`MIN_CONTRAST` on white: the colours of the runs
    told apart by their shades about as well as by the runs' own colours, each shade standing out from its run's
    line), or for a dark colour or a dark grey, or a colour whose 0.6 does not stand out from it
    (:func:`_stands_out`), its :func:`predicted_shade`.  An RGB tuple."""
    from matplotlib.colors import to_rgb
    rgb = to_rgb(color)
    if _dark(rgb):
        return predicted_shade(rgb)
    dark = _darker(rgb, INTERLEAVED_SHADE)
    # (a dark colour of less than DARK_CONTRAST: 0.6 of it hardly apart from it, its predicted shade)
    return dark if _stands_out(dark, rgb) else predicted_shade(rgb)


#: a certified rate's dashes (an upper bound, above its run's line but for its start): the run's colour CERTIFIED_TINT of
#: the way to white, so that each bound shows its method's hue (predicted_shade's dark shades made the basin figure's
#: three certified lines all near-black, EG's 0.9911 and EFTP's 0.9913 drawn on one another: a figure review), or less:
#: as far as keeps :data:`MIN_CONTRAST` on white; a colour with less room than MIN_TINT of the way (gd's, eg's and
#: eftp's, near 3:1 themselves: the tint was their own colour, or fainter than 3:1 before) takes CERTIFIED_SHADE of it
#: instead, a darker shade of its hue; a light colour (luminance above LIGHT) its predicted shade
CERTIFIED_TINT = 0.35
MIN_TINT = 0.2
CERTIFIED_SHADE = 0.6
LIGHT = 0.7


def certified_tint(color) -> tuple:
    """The colour of a certified rate's dashes over its run's line of ``color``: a tint of it (:data:`CERTIFIED_TINT`
    of the way to white, the same hue, lighter, or as far as keeps :data:`MIN_CONTRAST` on white), or where that is
    less than :data:`MIN_TINT` of the way a darker shade (:data:`CERTIFIED_SHADE` of it, or darker where that is below
    MIN_CONTRAST), or for a light colour (luminance above :data:`LIGHT`) its :func:`predicted_shade`.  An RGB tuple."""
    from matplotlib.colors import to_rgb
    rgb = to_rgb(color)
    if 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] > LIGHT:
        return predicted_shade(rgb)
    if _room(rgb) < MIN_TINT:
        return _darker(rgb, CERTIFIED_SHADE)
    return _lighter(rgb, CERTIFIED_TINT)


#: the words for the markers of a curve drawn on another's line (:data:`COINCIDE_MARKERS`), in its legend entry
MARKER_WORDS = {"o": "circles", "s": "squares", "^": "triangles", "D": "diamonds", "v": "down-pointing triangles"}


def short_label(label: str, labels) -> str:
    """``label`` up to its first `` (`` or ``, `` (``"EFTP"`` of ``"EFTP (h = 0.3)"``), where no other of ``labels``
    shortens alike; else the whole label.  For a legend entry naming another curve without nesting its parentheses in
    its own (``"OGDA (h = 0.3) (markers on the line of EFTP (h = 0.3))"``, a figure review)."""
    def cut(t):
        return re.split(r" \(|, ", t, maxsplit=1)[0].strip() or t
    short = cut(label)
    return short if sum(1 for t in labels if cut(t) == short) <= 1 else label


def _measured_rate(tr) -> str:
    """The measured rate per step of a :class:`gandynamics.simulate.Trajectory` that converged at a rate (its fit), to
    four decimals; "" for anything else (an array of distances, a run without a rate, an algebraic decay)."""
    rate = getattr(tr, "rate", None)
    if not isinstance(rate, (float, np.floating)) or not math.isfinite(rate) or not 0.0 < rate:
        return ""
    if getattr(tr, "verdict", "") != "converging" or (getattr(tr, "reading", None) or {}).get("algebraic"):
        return ""
    return f"{float(rate):z.4f}"


def convergence(trajectories, *, rates=None, every: int = 1, anchor: float = 0.2,
                floor: float = 1e-14, title: str | None = None, legend: str = "auto", ax=None,
                rate_kind: str = "predicted"):
    r"""Distance to the equilibrium against iteration (log scale), with the predicted rate as a slope.

    Parameters
    ----------
    trajectories : sequence
        :class:`gandynamics.simulate.Trajectory` objects (labelled by their method), or items ``(label, distances)``,
        ``(label, distances, color)`` or ``(label, distances, color, linestyle)``
        (a linestyle tells apart curves that coincide; without one, a curve that would hide an earlier one is drawn
        as open markers on it, so that both show, its legend entry ending in ``(circles on EFTP's line)``); ``distances`` is an array or an
        object with ``.distance`` (a :class:`gandynamics.simulate.Trajectory`, recorded every ``every``
        steps; its ``record_every`` is used when present).  Runs that would be labelled alike (several runs of one
        method) are told apart by what differs between them (``gd, h = 0.2`` and ``gd, h = 0.4``; the step, the
        start, hyperparameters, method options; else a number), and runs of one method in shades of its colour.
    rates : mapping label -> float, or sequence of float or None, optional
        Predicted local rates ``rho``: the line ``d_k0 * rho^(k - k0)`` is drawn dashed in its run's colour,
        anchored on the curve at ``k0 = anchor * k_max`` (past the transient).  A mapping is looked up by the run's
        label as drawn, then as given, then by its method (``{"gd": 0.97}`` applies to every run labelled ``gd`` or
        of gd; ``{"momentum": 0.82}`` to a run drawn as ``momentum (β = −0.5)``); a key that names no run is refused
        with the labels and methods it may name, and a method's name for runs of it at different options (two
        betas: key each by its label); a sequence gives
        one rate per run, in the order of ``trajectories``.  A run with a rate has one legend entry showing its
        curve and its dashed prediction side by side (``gd, h = 0.2: predicted rho = 0.9747``), followed by the rate
        measured on the run where it is a converging Trajectory (``, measured 0.9747``).
    floor : float
        Distances below this are not drawn (round-off); a run whose distances fall below it before its end says in
        its key after which step (``gd (below 1e-14 after k = 289)``).
    legend : str
        ``"auto"``/``"outside"``: beside the axes on the right (never over the data), or where the figure has no
        room there (a figure without layout engine, a small one) below them or inside (see :data:`MIN_SHARE`);
        ``"below"``: under the x label first (long entries: the plot keeps the figure's width); or a matplotlib
        location.
    title : str, optional
        Wrapped to the width the axes' cell gives it.  (The y label is shortened to ``||z_k - z*||`` on a plot
        shorter than it.)
    rate_kind : {"predicted", "certified"}
        What the rates are, in the legend (:data:`RATE_KINDS`): ``predicted rho = ...`` (local rates, the default) or
        ``certified rho <= ...`` (upper bounds, as a certified ball's rate), whose dashes take a tint of their run's
        colour (:func:`certified_tint`: each bound in its method's hue) where predictions take a dark shade of it
        (:func:`predicted_shade`: they lie on the run).  Rates whose lines lie on one another (within a line's width:
        EG's 0.9911 and EFTP's 0.9913 from one start) are drawn as one line of interleaved dashes in their colours
        (predictions in :func:`interleaved_shade`: a lighter shade of each one's colour than a lone prediction's),
        and the key says so in an entry of its own showing that line (``EG and EFTP: certified rates 0.9911 and
        0.9913, one line at this scale, its dashes alternating``).

    Returns
    -------
    ax : matplotlib Axes
        With ``ax.coinciding_rates``: a ``(runs, words)`` per line of several rates, ``runs`` their ``(label, rho)``
        and ``words`` the key's entry for it (for a caption to say too).

    Raises
    ------
    GandynamicsError
        No runs, an unknown ``rate_kind``, a rate that is not a number > 0, a key of ``rates`` that names no run, a
        sequence of rates of another length than the runs, a negative
        floor, an anchor outside [0, 1], or ``every`` not a whole number >= 1.
    """
    raw = trajectory_items(trajectories, "convergence")
    if not raw:
        raise GandynamicsError("convergence: no trajectories to draw; give Trajectory objects (from simulate) or "
                               "(label, distances) tuples")
    from .validate import nonnegative, positive, real, whole
    items = _told_apart(raw)
    if rates is None or isinstance(rates, Mapping):
        given = dict(rates or {})
        rates = {k: (None if v is None else positive(v, f"rates[{k!r}]")) for k, v in given.items()}
        # by the label drawn, as given, then the run's method (``{"momentum": 0.95}`` for a run labelled ``momentum
        # (β = −0.5)``: it drew nothing, and a key that matched no run was ignored, a new user's finding)
        names = [(new[0], old[0], getattr(old[1], "method", None)) for new, old in zip(items, raw)]
        per_run = [next((rates[k] for k in keys if k in rates), None) for keys in names]
        known = list(dict.fromkeys(k for keys in names for k in keys if k is not None))
        unmatched = [k for k in rates if k not in known]
        if unmatched:
            from .errors import names_refusal
            raise GandynamicsError("convergence: " + names_refusal(unmatched, "rates key", known))
        for k in rates:  # a method's name for runs of it at different options (momentum at two betas): not one rate
            runs = list(dict.fromkeys(old for new, old, m in names if m == k and k not in (new, old)))
            if len(runs) > 1:
                raise GandynamicsError(f"convergence: rates key {k!r} names runs of {k} at different options "
                                       f"({', '.join(runs)}), whose rates differ; key each by its label")
    else:
        try:
            per_run = list(rates)
        except TypeError:
            raise GandynamicsError(f"rates must be a mapping label -> rate or a sequence of rates, got "
                                   f"{type(rates).__name__}") from None
        if len(per_run) != len(items):
            raise GandynamicsError(f"rates gives {len(per_run)} rates for {len(items)} runs")
        per_run = [None if v is None else positive(v, f"rates[{k}]") for k, v in enumerate(per_run)]
    floor = nonnegative(floor, "floor")
    every = whole(every, "every", lo=1)
    anchor = real(anchor, "anchor", lo=0.0, hi=1.0)
    ax = _axes(ax, figsize=(4.8, 3.6))
    if rate_kind not in RATE_KINDS:
        raise GandynamicsError(f"rate_kind must be one of {', '.join(RATE_KINDS)}, got {rate_kind!r}")
    texts = [None if rho is None else RATE_KINDS[rate_kind].format(f"{float(rho):z.4f}") for rho in per_run]
    # beside it the rate measured on the run (a Trajectory's fit), so that curves of close rates drawn on one another
    # can be checked by their numbers (three variants within 0.01 of each other, a figure review)
    texts = [t if t is None or not _measured_rate(tr) else f"{t}, measured {_measured_rate(tr)}"
             for t, (_, tr, _, _) in zip(texts, items)]
    # each run's legend entry shows its curve and its prediction side by side, the rate in its words: listed apart,
    # the predictions' dark dashes could not be told from one another (the figure review), and predictions of equal
    # rates (several runs of one method given one rate; two methods of one rate) were listed alike
    paired = any(t is not None for t in texts)
    drawn, k_end, empty, entries, shown, predicted, pred_runs, run_colors = False, 0, [], [], [], [], [], []
    # the predictions stay within PREDICTION_HEADROOM of the largest distance drawn: a rate above 1 of a run that stays
    # bounded (an iteration that is locally unstable but held by the nonlinearity) ran its dashes to 1e47 and set the
    # axis, the runs squeezed into its bottom (a figure review)
    tops = [float(np.max(dd[np.isfinite(dd) & (dd > floor)])) for dd in
            (np.asarray(getattr(tr, "distance", tr), float) for _, tr, _, _ in items) if np.any(np.isfinite(dd) & (dd > floor))]
    ceiling = PREDICTION_HEADROOM * max(tops) if tops else math.inf
    for (label, tr, color, style), rho, text in zip(items, per_run, texts):
        d = np.asarray(getattr(tr, "distance", tr), float)
        ev = int(getattr(tr, "record_every", every) or every)
        k = np.arange(d.size) * ev
        ok = np.isfinite(d) & (d > floor)
        drawn, k_end = drawn or bool(np.any(ok)), max(k_end, int(k[-1]) if k.size else 0)
        # a run with nothing to draw says why in the legend: no distance above the floor (started at z*, or there at
        # once), or no finite one at all (a run that overflowed at once)
        why = "" if np.any(ok) else (f" (all \u2264 {number_text(floor, '.3g')})" if np.any(np.isfinite(d)) else " (no finite distance)")
        if np.any(ok) and not ok[-1] and np.all(np.isfinite(d[np.flatnonzero(ok)[-1]:])):
            # a run that fell below the floor before its end: its line stops there, and says so (EG and EFTP ended at k
            # = 289 of 300 in basin_dirac_convergence, unexplained, a new user)
            # (words, not "(≤ ...": a relation is spaced on both sides in every text of a figure)
            why = f" (below {number_text(floor, '.3g')} after k = {int(k[np.flatnonzero(ok)[-1]]):,})"
        line, = ax.semilogy(k[ok], d[ok], color=color, ls=style if style is not None else "-", label=label + why)
        if np.any(ok):
            shown.append((line, k[ok], d[ok], style is None))
        empty.append(why)
        entries.append(([line], label + why))
        if rho is not None and np.any(ok):
            rho = float(rho)
            idx = np.flatnonzero(ok)
            i0 = idx[min(len(idx) - 1, int(anchor * len(idx)))]
            kk = np.linspace(k[i0], k[idx[-1]], 50)
            with np.errstate(over="ignore"):
                pred = d[i0] * rho ** (kk - k[i0])
            keep = (pred > floor) & (pred <= ceiling)
            # dashed and thinner, above the measured curve, in a darker shade of its colour: visible where the two
            # coincide, with the measured line showing on both sides of it (a white halo wider than the measured line
            # made every measured curve look dashed where the prediction held: the figure review)
            shade = certified_tint if rate_kind == "certified" else predicted_shade
            p_line, = ax.semilogy(kk[keep], pred[keep], ls=(0, (4, 2.5)), color=shade(line.get_color()),
                                  lw=1.3 if rate_kind == "certified" else 1.0, zorder=4, label=text)
            if np.any(keep):
                predicted.append((p_line, kk[keep][0], kk[keep][-1], math.log10(pred[keep][0]), math.log10(rho)))
                pred_runs.append((label, rho))
                run_colors.append(line.get_color())
            if paired:
                entries[-1] = ([line, p_line], f"{label}{why}: {text}")
            else:
                entries.append(([p_line], text))
    _mark_coinciding(shown)
    # a curve drawn as markers on another's line says so at the end of its entry, naming the markers and the other
    # curve by its short name (EG's circles on EFTP's line in the basin figure read as a missing curve: the figure
    # review; "EG (start in B_r) (markers on the line of EFTP (start in B_r))" nested parentheses: the next one)
    marked = False
    names = [ln.get_label() for ln, _, _, _ in shown]
    for e, (h, t) in enumerate(entries):
        on = getattr(h[0], "_gandynamics_on", None)
        if on is not None:
            words = MARKER_WORDS.get(h[0].get_marker(), "markers")
            entries[e] = (h, f"{t} ({words} on {short_label(on, names)}'s line)")
            marked = True
    ax.coinciding_rates = []
    if shown:
        for g in _interleave_coinciding(predicted, max(_line_decades(shown), math.log10(1.01))):
            # one line on the plot of its runs' rates, its dashes alternating in their colours: said in a key entry of
            # its own, drawn as it is (EG's and EFTP's certified lines in the basin study, 0.9911 and 0.9913, were
            # one line of alternating dashes that no entry named: the figure review)
            members = [predicted[i][0] for i in g]
            if rate_kind == "predicted":  # (each its hue, not the near-black of predicted_shade, and as wide as a
                # certified line's: at a predicted line's width the alternation was not to be seen, a figure review)
                for i in g:
                    predicted[i][0].set_color(interleaved_shade(run_colors[i]))
                    predicted[i][0].set_linewidth(max(predicted[i][0].get_linewidth(), INTERLEAVED_WIDTH))
            runs = [pred_runs[i] for i in g]
            said = _coinciding_rates_text(runs, [lab for lab, _ in pred_runs], rate_kind)
            ax.coinciding_rates.append((runs, said))
            entries.append((_Overlaid(_drawn_copy(line) for line in members), said))
    legend_kw = {}
    if marked and not paired:  # (the entries' words, the lines' own labels left as they are)
        shown_entries = [(h[0], t) for h, t in entries if not t.startswith("_")]
        legend_kw = {"handles": [h for h, _ in shown_entries], "labels": [t for _, t in shown_entries]}
    if paired:
        from matplotlib.legend_handler import HandlerTuple
        legend_kw = {"handles": [h if isinstance(h, _Overlaid) else tuple(h) if len(h) > 1 else h[0]
                                 for h, _ in entries],
                     "labels": [t for _, t in entries], "handler_map": {tuple: HandlerTuple(ndivide=None, pad=0.6),
                                                                         _Overlaid: HandlerTuple(ndivide=1, pad=0.0)},
                     "handlelength": 3.2}
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel(r"distance to equilibrium $\|z_k - z^*\|$")
    if title:
        _title_with_notes(ax, title, [])
    if not drawn:  # nothing above the floor: an empty log axis of matplotlib's default range says nothing
        ax.set_xlim(0, max(k_end, 1))
        lo = floor / 10 if floor > 0 else 1e-16
        ax.set_ylim(lo, max(1.0, 100 * lo))
        ax.text(0.5, 0.5, f"every distance\n\u2264 {number_text(floor, '.3g')}" if any("\u2264" in w for w in empty)
                else "no finite distance",
                transform=ax.transAxes, ha="center", va="center", color="0.35")
    _readable_log(ax, "y")
    if legend in ("auto", "outside", "below"):  # never over the data
        leg = _legend_outside(ax, loc="below" if legend == "below" else "right", **legend_kw)
    else:
        leg = ax.legend(loc=legend, **legend_kw)
    # the y label no longer than the plot (it overhung both ends of a short one: past the figure's top)
    _shorten(ax.yaxis.label, (r"distance $\|z_k - z^*\|$", r"$\|z_k - z^*\|$"), _length_room(ax, leg))
    if title:
        _title_with_notes(ax, title, [])
    return ax


#: how far above the largest distance drawn a predicted rate's dashes may go (:func:`convergence`)
PREDICTION_HEADROOM = 10.0


#: the markers of curves drawn on top of an earlier one (:func:`convergence`)
COINCIDE_MARKERS = ("o", "s", "^", "D", "v")
#: a curve within this many line widths of an earlier solid one (over 80 % of their common points) is dashed
NEAR_WIDTHS = 4.0


def _mark_coinciding(shown, share: float | None = None, near: bool = False) -> None:
    """Give open markers to each curve of ``shown`` (``(line, k, d, free)``: a drawn log-scale curve and whether its
    style is free) that lies on an earlier one -- within ``share`` of the decades the curves span (default: a line's
    width over the plot's height, at least 0.5 %), or a factor 1.01, at every iteration both have, over at least 80 % of the
    shorter one's points, so that one line hides the other (EFTP under OGDA on the bilinear game: one rate, a factor
    1.11 apart over 13 decades) -- drawn as markers only, each such curve its own marker, their positions
    staggered.  With ``near``, a free curve beside an earlier solid one (within :data:`NEAR_WIDTHS` line widths) is
    dashed (not in :func:`convergence`, whose dashes are the predictions)."""
    if len(shown) < 2:
        return
    logs = [np.log10(d) for _, _, d, _ in shown]
    tol = max(_line_decades(shown, share), np.log10(1.01))
    for a, (line, k, _, free) in enumerate(shown):
        if not free:  # (a style given tells the curves apart already)
            continue
        under = 0
        beside = False  # (near: within NEAR_WIDTHS line widths of an earlier solid curve over most common points)
        for b in range(a):
            common, i, j = np.intersect1d(k, shown[b][1], assume_unique=True, return_indices=True)
            if common.size < max(2, int(0.8 * min(k.size, shown[b][1].size))):
                continue
            apart = np.abs(logs[a][i] - logs[b][j])
            if np.all(apart <= tol):
                if not under:  # (the curve it lies on, for its legend entry: convergence)
                    line._gandynamics_on = shown[b][0].get_label()
                under += 1
            elif near and shown[b][0].get_linestyle() == "-" and np.mean(apart <= NEAR_WIDTHS * tol) >= 0.8:
                beside = True
        if under:
            gap = max(1, k.size // 12)
            # markers alone: its line would cover the earlier one, which they follow within a line's width; each
            # covering curve's markers a fifth of the gap further along than the previous one's
            line.set(marker=COINCIDE_MARKERS[(under - 1) % len(COINCIDE_MARKERS)], mfc="none", ms=5, ls="none",
                     markevery=(min(k.size - 1, (gap * under) // (len(COINCIDE_MARKERS) + 1)), gap))
        elif beside:
            # beside an earlier solid curve but not on it: dashed, so that two solid lines of near colours are not read
            # as one (consensus and JARE's phase factors, 0-5 % apart in orange and vermillion, a figure reviewer)
            line.set_linestyle((0, (5, 2)))


def _line_decades(shown, share: float | None = None) -> float:
    """The decades a line's width covers on the log plot of ``shown`` (``(line, k, d, free)``, at least one): ``share``
    (default: the width over the plot's height, as the axes are now, at least 0.5 %) of the decades the curves span
    (at least 1)."""
    logs = [np.log10(d) for _, _, d, _ in shown]
    span = max(float(max(l.max() for l in logs) - min(l.min() for l in logs)), 1.0)
    if share is None:
        line = shown[0][0]
        height = line.axes.get_window_extent().height
        width = line.get_linewidth() * _root(line.figure).dpi / 72.0
        share = max(0.005, width / height) if height > 0 else 0.005
    return share * span


class _Overlaid(tuple):
    """Legend handles drawn on one another in one entry (a line of interleaved dashes: each member's dashes as drawn)."""


def _drawn_copy(line) -> Line2D:
    """A plain line in the style ``line`` is drawn with (its colour, width and dash pattern as drawn: an
    interleaving's, not the own style its legend entry shows), for a legend entry of what the plot shows."""
    copy = Line2D([], [], color=line.get_color(), lw=line.get_linewidth(), alpha=line.get_alpha())
    offset, seq = line._unscaled_dash_pattern
    copy.set_linestyle((offset, tuple(seq)) if seq else line.get_linestyle())
    return copy


#: the words of :func:`convergence`'s key entry for rates drawn as one line, by ``rate_kind``: runs of one rate (to the
#: four decimals shown), and runs of different rates
#: (plain text, no mathtext: a caption may repeat them)
COINCIDING_RATES = {"predicted": ("{names}: the same predicted rate, \u03c1 = {rate}: one line, its dashes alternating",
                                  "{names}: predicted rates {rates}, one line at this scale, its dashes alternating"),
                    "certified": ("{names} certify the same rate, \u03c1 \u2264 {rate}: one line, its dashes alternating",
                                  "{names}: certified rates {rates}, one line at this scale, its dashes alternating")}


def _coinciding_rates_text(runs, labels, rate_kind: str) -> str:
    """The key's words for the rates of ``runs`` (``(label, rho)``, drawn as one line), naming each run by its short
    label among ``labels`` (:func:`short_label`): ``EG and EFTP: certified rates 0.9911 and 0.9913, one line at this
    scale, its dashes alternating``."""
    names = _and(short_label(lab, labels) for lab, _ in runs)
    rates = [f"{float(rho):z.4f}" for _, rho in runs]
    same, apart = COINCIDING_RATES[rate_kind]
    if len(set(rates)) == 1:
        return same.format(names=names, rate=rates[0])
    return apart.format(names=names, rates=_and(rates))


def _interleave_coinciding(predicted, tol: float) -> list:
    """Draw predicted lines that lie on one another with interleaved dashes, so that each shows its colour: the
    ``m`` lines of a group of coinciding ones (``(line, k0, k1, log10 d at k0, log10 rho)``: straight on the log
    scale) get dashes 3 points long, ``3 (m - 1)`` apart, each offset by 3 points from the previous (EFTP's
    prediction under EG's on the basin study's Dirac-GAN: rates 0.9913 and 0.9911 from one start).  Two lines
    coincide when they are within ``tol`` decades of each other (:func:`_line_decades`: a line's width) at both ends of
    the iterations they share, over at least half of the shorter one's.  Returns the groups of two lines or more (lists of
    indices into ``predicted``)."""
    group = list(range(len(predicted)))
    for a, (_, a0, a1, la, ra) in enumerate(predicted):
        for b in range(a):
            _, b0, b1, lb, rb = predicted[b]
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo < 0.5 * min(a1 - a0, b1 - b0) or hi <= lo:
                continue
            if all(abs((la + ra * (k - a0)) - (lb + rb * (k - b0))) <= tol for k in (lo, hi)):
                group[a] = group[b]
                break
    out = []
    for g in sorted(set(group)):
        members = [i for i in range(len(predicted)) if group[i] == g]
        interleave_dashes([predicted[i][0] for i in members])
        if len(members) > 1:
            out.append(members)
    return out


class _InterleavedLine(Line2D):
    """A line drawn with dashes interleaved with those of lines it lies on (:func:`interleave_dashes`): its legend
    entry, in any legend of its axes (ours or the user's ``ax.legend()``), shows the line's own style, solid for a
    trajectory, not the dashes (a legend of a dash and a gap read as a dash-dotted style of the method)."""


def _own_style_in_legend(legend_line, line) -> None:
    """The legend entry of an :class:`_InterleavedLine` in the line's own style, as long as it is drawn with the
    interleaved dashes it was given (a line restyled since shows its style as drawn): as matplotlib's default
    (which a handler's own function replaces) copies the line, then the style it had (``_gandynamics_own``: its
    style name and its dash pattern, so that a pattern of its own, ``(0, (6, 2, 1, 2))``, is kept)."""
    legend_line.update_from(line)
    own = getattr(line, "_gandynamics_own", None)
    if own is None or tuple(line._unscaled_dash_pattern[1] or ()) != own[2]:
        return
    ls, (offset, seq), _ = own
    legend_line.set_linestyle((offset, seq) if seq else ls)


from matplotlib.legend import Legend  # noqa: E402
from matplotlib.legend_handler import HandlerLine2D  # noqa: E402

# (a handler for this class only: matplotlib's map is looked up along the class's MRO, so no other line changes)
Legend.update_default_handler_map({_InterleavedLine: HandlerLine2D(update_func=_own_style_in_legend)})


def interleave_dashes(members, length: float = 3.0) -> None:
    """Draw the ``m`` matplotlib lines ``members`` (which lie on one another, of one line width) with interleaved
    dashes, so that each shows its colour: dashes ``length`` line widths long (default 3), ``length (m - 1)`` apart,
    each line's offset by ``length`` from the previous one's (one line: left as it is; a line drawn without a line,
    markers only, is left out).  The
    legend entries of plain :class:`~matplotlib.lines.Line2D` lines, in any legend of their axes, keep each line's
    own style, dash pattern included, while it is drawn with these dashes (:class:`_InterleavedLine`); a line of
    another class (``axline``) shows the dashes in its legend entry.  The portraits, animations and convergence plots
    call it on the runs and predictions that coincide; a study calls it on curves it knows are equal (two balls of
    one radius)."""
    members = [line for line in members if line.get_linestyle() not in ("None", "", " ")]
    if len(members) > 1:
        for t, line in enumerate(members):
            _set_interleaved(line, (length * t, (length, length * (len(members) - 1))))


def _set_interleaved(line, dashes) -> None:
    """Draw ``line`` with the dash pattern ``dashes`` (offset, sequence) of an interleaving, its legend entry keeping
    the style it had (:class:`_InterleavedLine`; a line of another class shows the dashes)."""
    own = (line.get_linestyle(), (line._unscaled_dash_pattern[0], line._unscaled_dash_pattern[1]))
    line.set_linestyle(dashes)
    if type(line) is Line2D or isinstance(line, _InterleavedLine):  # (another class keeps it)
        if not isinstance(line, _InterleavedLine):
            line._gandynamics_own = own + (tuple(line._unscaled_dash_pattern[1]),)
            line.__class__ = _InterleavedLine  # (the same object, drawn the same: only its legend entry differs)
        else:  # (interleaved again: its own style is the one it had first)
            line._gandynamics_own = line._gandynamics_own[:2] + (tuple(line._unscaled_dash_pattern[1]),)


#: the length, in line widths, of each colour's part of a solid line that coinciding runs share in a portrait whose
#: other runs are told apart by dashed or dotted styles (:func:`_dash_coinciding_paths`): several times a dash, so
#: that the shared solid line reads as one line changing colour, not as another dashed one
SOLID_BLOCK = 12.0
#: the least length, in line widths as a dash pattern's, of the part one run draws of its pattern in
#: :func:`interleave_pattern` (whole periods of it: a dotted run's dots alternate two by two, a dashed one's dash by dash)
PATTERN_BLOCK = 4.0


def interleave_pattern(host, others) -> None:
    """Draw the lines ``others``, which lie on ``host`` in its dash pattern (a start's style, ``"--"`` or ``":"``),
    each with that pattern in turn: the ``m`` lines (``host`` first) take blocks of whole periods of the pattern (at
    least :data:`PATTERN_BLOCK` long) one after another along the line, so that where they lie on one another the line
    shows the pattern (the style its key names) with its dashes in each line's colour in turn; ``host`` keeps the whole
    pattern (drawn under them: its colour shows in its blocks and wherever the others are not).  A solid ``host`` is
    :func:`interleave_dashes`' case.  Legend entries keep each line's own style, as there."""
    others = [line for line in others if line.get_linestyle() not in ("None", "", " ")]
    offset, seq = host._unscaled_dash_pattern
    if not others or not seq:
        return
    seq = tuple(float(x) for x in seq)
    period = sum(seq)
    block = period * max(1, math.ceil(PATTERN_BLOCK / period))
    m = len(others) + 1
    repeated = list(seq * int(round(block / period)))
    repeated[-1] += (m - 1) * block  # (one block on, the others' blocks off)
    for t, line in enumerate(others, start=1):
        _set_interleaved(line, ((float(offset) - t * block) % (m * block), tuple(repeated)))


def _dash_coinciding_paths(ax, paths, xlim, ylim) -> list:
    """Draw the phase portrait's trajectories that lie on one another so that none hides another (momentum with beta = 0
    drew exactly over gd, which then was not seen; eg under eftp from each start of a portrait of several starts, whose
    runs share the start's dashes, a figure review): ``paths`` holds ``(line, points (N, 2))`` per trajectory drawn.
    Runs of one line style (the default solid one, or a start's) that coincide take turns: solid ones interleaved
    dashes (:func:`interleave_dashes`) over the one drawn longest inside the window, left solid; dashed or dotted ones
    the pattern itself, block by block (:func:`interleave_pattern`), so that the line still shows the style the key
    names.  Runs of different styles are told apart by them.  A run is drawn so when its path lies on another's, or
    another's on it: each of its states inside the window within a line's width of the other's path
    (:func:`_lying_on`, :func:`_coinciding_paths`), the width measured in the axes' pixels as they are now, their
    aspect applied (each axis its own scale: a window too elongated for one scale, _portrait_aspect).  Returns the groups of lines so drawn
    (each a :class:`_Coinciding` list, in the order drawn, with which of its lines lie on which)."""
    styles = {}
    for line, P in paths:
        if line.get_linestyle() not in ("None", "", " "):
            styles.setdefault(_dash_key(line), []).append((line, P))
    if not any(len(runs) > 1 for runs in styles.values()):
        return []
    scale = _drawn_scale(ax, xlim, ylim)  # pixels per data unit
    if not np.all(scale > 0):
        return []
    px, py = tuple(np.multiply(xlim, scale[0])), tuple(np.multiply(ylim, scale[1]))  # (the window in pixels)
    out = []
    for runs in styles.values():
        if len(runs) < 2:
            continue
        width = runs[0][0].get_linewidth() * _root(ax.figure).dpi / 72.0  # a line's width, in pixels
        with np.errstate(over="ignore", invalid="ignore"):
            on = _lying_on([P * scale for _, P in runs], width, px, py)
        group = _components(on)
        for g in sorted(set(group)):
            index = [k for k in range(len(runs)) if group[k] == g]
            members = [runs[k] for k in index]
            if len(members) < 2:
                continue
            # the member drawn longest inside the window under the others, whole: they lie on it, and its own part
            # elsewhere is drawn in its style (a run from a start on another's path, the basin figure's, was dashed
            # over its own first part, read as another kind of line)
            host = max(members, key=lambda m: _drawn_length(m[1] * scale, px, py))[0]
            others = [line for line, _ in members if line is not host]
            if host.get_linestyle() == "-":
                # (where other runs are told apart by dashed or dotted styles, a solid line's colours alternate in
                # long blocks: in short ones it read as one more dashed line, a new user's finding)
                interleave_dashes([line for line, _ in members], SOLID_BLOCK if len(styles) > 1 else 3.0)
                host.set_linestyle(host._gandynamics_own[0] if hasattr(host, "_gandynamics_own") else "-")
            else:
                interleave_pattern(host, others)
            host.set_zorder(min(line.get_zorder() for line, _ in members) - 0.01)
            lines = _Coinciding(line for line, _ in members)
            lines.lies_on = {id(runs[a][0]): {id(runs[b][0]) for b in index if b != a and on[a, b]} for a in index}
            out.append(lines)
    return out


def _drawn_scale(ax, xlim, ylim) -> np.ndarray:
    """Pixels per data unit of each axis of ``ax`` showing the window ``xlim`` x ``ylim``, as drawn: its aspect
    applied to its box as it is now (:func:`_portrait_aspect`'s one scale, or a square box), without applying it (the
    constrained layout places the axes after: applied here, a portrait's axes were drawn across the figure's edge).
    Read from the box alone, a window twice as wide as tall drawn at one scale counted each pixel of height as two,
    and runs a line's width apart were told apart by half of it (a zoomed portrait, a figure review)."""
    box = ax.get_window_extent()
    w, h = box.width, box.height
    dx, dy = xlim[1] - xlim[0], ylim[1] - ylim[0]
    if ax.get_aspect() == 1.0 and ax.get_adjustable() == "box":  # (one scale: the box shrunk on one side to hold it)
        s_ = min(w / dx, h / dy)
        return np.array([s_, s_])
    ratio = ax.get_box_aspect()
    if ratio is not None:  # (a box of this height / width, shrunk on one side to hold it)
        w, h = min(w, h / ratio), min(h, w * ratio)
    return np.array([w / dx, h / dy])


class _Coinciding(list):
    """A group of lines drawn as one (:func:`_dash_coinciding_paths`), with ``lies_on``: the ids of the lines of the
    group each line's path lies on (:func:`_lying_on`), by the line's id.  A plain list is a group whose lines all
    lie on one another."""
    lies_on = None


def _components(on) -> list:
    """The groups of the relation ``on`` (n x n booleans), taken either way and through others: a group index per
    item (the index of its group's first item)."""
    n = len(on)
    group = list(range(n))

    def root(a):
        while group[a] != a:
            a = group[a]
        return a
    for a in range(n):
        for b in range(a):
            if on[a][b] or on[b][a]:
                ra, rb = root(a), root(b)
                group[max(ra, rb)] = min(ra, rb)
    return [root(a) for a in range(n)]


def _factored_names(labels, parts) -> list | None:
    """The runs ``labels`` named as a factored key names them (``parts``: label -> (colour's name, style's name), as
    :func:`_coinciding_note` takes them): the colours that share each set of styles, ``["gd, altgd and eg from (-1, 1)
    and from (1.5, -1)", "gd from (1, 1)"]`` for seven runs; None when a label has no parts.  A portrait's note on
    its runs outside the window named each of twelve runs ("gd from (-1, 1), gd from (1.5, -1), altgd from ..."), a
    new user's finding."""
    if not labels or not all(lab in parts for lab in labels):
        return None
    by_style = {}
    for lab in labels:
        lead, end = parts[lab]
        by_style.setdefault(end, []).append(lead)
    joined = {}
    for end, leads in by_style.items():
        joined.setdefault(tuple(leads), []).append(end)
    return [_and(list(leads)) + (" " + _and(ends) if all(ends) else "") for leads, ends in joined.items()]


def _coinciding_note(groups, parts=None) -> str:
    """The portrait's note on its runs drawn as one line (:func:`_dash_coinciding_paths`' ``groups``), which the key
    cannot say: ``eg and eftp from (1, 1) and from (1.5, 0) lie on one another: their colours alternate along the
    line`` -- a factored key's names of each run's colour and style (``parts``: label -> (colour's name, style's
    name)), else the words the labels of a group end alike with, said after their other words; groups of the same
    runs so joined.  Only what holds is said (a group's ``lies_on``, :class:`_Coinciding`): runs lie on one another
    when each lies on each other's path; a run whose path lies on another's that does not lie on it is said to lie on
    that path (``eg and eftp from (1, 1) lie on one another and on gd's path``: gd pulls away from them for part of
    its path, and was said to lie on them, a figure review).  Claims whose runs are all of one colour (nothing to tell
    apart by colour) and runs with hidden labels are left out; "" when nothing is left."""
    from matplotlib.colors import to_hex
    parts = parts or {}
    said = {}  # (the runs' leading words, the leading words of the paths they lie on) -> the endings they share
    partial = False  # (whether some run lies on a path that does not lie on it)
    for lines in groups:
        named = [ln for ln in lines if not ln.get_label().startswith("_")]
        if len(named) < 2 or len({to_hex(ln.get_color()) for ln in named}) < 2:
            continue
        lies_on = getattr(lines, "lies_on", None)

        def on(x, y):  # (a plain list: its lines all lie on one another)
            return lies_on is None or id(y) in lies_on.get(id(x), ())
        split = [parts.get(ln.get_label()) for ln in named]
        if all(split) and len({end for _, end in split}) == 1:
            leads, end = [lead for lead, _ in split], split[0][1]
        else:
            words = [ln.get_label().split() for ln in named]
            n = 0  # (the longest common ending that leaves each label's leading words outside brackets)
            while n < min(len(w) for w in words) - 1 and len({w[-1 - n] for w in words}) == 1:
                n += 1
            while n > 0 and any(" ".join(w[:-n]).count("(") != " ".join(w[:-n]).count(")") for w in words):
                n -= 1
            leads = [" ".join(w[:len(w) - n]) for w in words]
            end = " ".join(words[0][len(words[0]) - n:]) if n else ""
        cliques = []  # runs that lie on one another, each on each (the first clique each run can join, in order)
        for k, ln in enumerate(named):
            for c in cliques:
                if all(on(ln, named[j]) and on(named[j], ln) for j in c):
                    c.append(k)
                    break
            else:
                cliques.append([k])
        for c in cliques:
            over = [d for d in cliques if d is not c and all(on(named[i], named[j]) for i in c for j in d)]
            involved = c + [j for d in over for j in d]
            if (len(c) < 2 and not over) or len({to_hex(named[j].get_color()) for j in involved}) < 2:
                continue
            partial = partial or bool(over)
            key = (tuple(leads[i] for i in c), tuple(tuple(leads[j] for j in d) for d in over))
            said.setdefault(key, []).append(end)
    if not said:
        return ""
    out = []
    for (subject, over), ends in said.items():
        plural = len(subject) > 1 or len(ends) > 1
        verb = "lie on one another" if len(subject) > 1 else "lie" if plural else "lies"
        if over:
            paths = [_path_of(_and(list(d)), len(d)) for d in over]
            verb += (" and on " if len(subject) > 1 else " on ") + _and(paths)
        out.append(_and(list(subject)) + (" " + _and(ends) if all(ends) else "") + " " + verb)
    return "; ".join(out) + (": their colours alternate along the line" if not partial else
                             ": their colours alternate where they share a line")


def _one_line_entries(groups) -> list[str]:
    """The key's words for the runs of a portrait drawn as one line (:func:`_dash_coinciding_paths`' ``groups``) that
    share a colour as well as a line style, which nothing then tells apart (two runs given one colour: one hid the
    other), a key entry each set of runs that lie on one another: ``a and b: one line``.  Runs of different colours
    are told apart by their alternating dashes (gd and momentum at beta = 0; one method twice, in shades of its
    colour): nothing is added for them.  Runs with hidden labels are left out."""
    from matplotlib.colors import to_hex
    out = []
    for lines in groups:
        named = [ln for ln in lines if not ln.get_label().startswith("_")]
        lies_on = getattr(lines, "lies_on", None)

        def on(x, y):
            return lies_on is None or id(y) in lies_on.get(id(x), ())
        cliques = []  # (runs that lie on one another, each on each, as _coinciding_note groups them)
        for ln in named:
            for c in cliques:
                if all(on(ln, m) and on(m, ln) for m in c):
                    c.append(ln)
                    break
            else:
                cliques.append([ln])
        for c in cliques:
            colours = [to_hex(ln.get_color()) for ln in c]
            if len(set(colours)) < len(colours):  # (runs of one colour among them: nothing shows them apart)
                out.append(_and([ln.get_label() for ln in c]) + ": one line")
    return out


def _path_of(name: str, runs: int = 1) -> str:
    """``gd's path``, ``the path of momentum (β = −0.5)`` (a name of several words), ``the path of gd and altgd``
    (``runs`` that lie on one another: one path)."""
    return f"{name}'s path" if runs == 1 and re.fullmatch(r"[\w.+-]+", name) else f"the path of {name}"


def _drawn_length(P, xlim, ylim) -> float:
    """The length of the polyline through ``P`` (N, 2, finite) inside the window ``xlim`` x ``ylim`` (its segments with
    both ends inside; a path leaping across counts for nothing)."""
    P = np.asarray(P, float)
    if len(P) < 2:
        return 0.0
    ins = np.ones(len(P), dtype=bool)
    ins[outside_rows(P, xlim, ylim)] = False
    both = ins[:-1] & ins[1:]
    with np.errstate(invalid="ignore", over="ignore"):
        return float(np.sum(np.hypot(*(P[1:] - P[:-1])[both].T)))


def _coinciding_paths(paths, tol: float, xlim=None, ylim=None) -> list:
    """Which of the paths ``paths`` (each ``(N, 2)``: a run's states in a plane, finite) are drawn as one line: returns
    a group index per path (the index of its group's first path; a path alone is its own group).  A group holds the
    paths joined by :func:`_lying_on` either way, directly or through others of the group (a run that lies on part of
    another's path is drawn on it, with the other runs that lie there): not all of them lie on one another
    (:func:`_coinciding_note` says which do).  A path with no state in the window is in no group but its own."""
    return _components(_lying_on(paths, tol, xlim, ylim))


def _lying_on(paths, tol: float, xlim=None, ylim=None) -> np.ndarray:
    """Which of the paths ``paths`` (each ``(N, 2)``: a run's states in a plane, finite) lie on which: ``on[a, b]``
    is True when path ``a`` as drawn in the window ``xlim`` x ``ylim`` (default: all) lies within ``tol`` of path
    ``b``: its states of the segments drawn at least in part each within ``tol`` of ``b``'s state of the same index,
    ``a`` being no longer (the same run twice, a run of fewer steps, momentum with beta = 0 and gd: the segments
    between them are then within ``tol`` too), or every point of its polyline drawn inside the window (its segments
    clipped to it, sampled every ``tol /`` :data:`POLYLINE_SAMPLES` of their length, :func:`_drawn_samples`) within
    ``tol`` of ``b``'s polyline (:func:`_polyline_distance`), whatever the index of the states there (methods that
    trace one curve at different speeds: eg, eftp, ogda and proximal on the Dirac-GAN, one spiral, three of them
    hidden under the last drawn, a figure review; a run from a start on another's path).  The polyline, not its
    states alone: in a zoomed window a run's few states there each lay on another's path while its straight segments
    between them cut the other's corners by several line widths (a note said "eg and eftp from (1, 1) lie on altgd's
    path" where altgd's line was seen apart, a figure review); and what is drawn of it, not the states beyond the
    edge that end its segments (measured against the other's path clipped to the window, a run leaving the window
    along another's path was taken apart from it).  A path drawn shorter than :data:`LYING_MIN_LENGTH` widths in the
    window lies on none: two runs from one start whose only state inside is that start, their first segments parting
    at once, had been drawn dashed and said to lie on one another.  The relation is neither symmetric (a run of 20
    steps lies on the same run of 500, not the other way) nor transitive: two paths coincide only when each lies on
    the other (the diagonal is True)."""
    paths = [np.asarray(P, float) for P in paths]
    box = (xlim, ylim)

    def seen(P):  # the states inside the window and their neighbours (the ends of every segment drawn in part)
        ok = np.ones(len(P), dtype=bool)
        for axis, lim in enumerate(box):
            if lim is not None:
                ok &= (P[:, axis] >= lim[0]) & (P[:, axis] <= lim[1])
        return ok | np.concatenate((ok[1:], [False])) | np.concatenate(([False], ok[:-1]))

    shown = [seen(P) for P in paths]
    segments = [_drawn_segments(P, box) for P in paths]
    with np.errstate(over="ignore", invalid="ignore"):
        long = [np.sum(np.hypot(*(b_ - a_).T)) >= LYING_MIN_LENGTH * tol for a_, b_ in segments]
    drawn = [_segment_samples(a_, b_, tol / POLYLINE_SAMPLES) for a_, b_ in segments]

    def lies_on(a, b) -> bool:
        P, Q, ok = paths[a], paths[b], shown[a]
        if not long[a]:
            return False
        if len(P) <= len(Q) and np.all(np.hypot(*(P[ok] - Q[:len(P)][ok]).T) <= tol):  # (state by state)
            return True
        return bool(np.all(_polyline_distance(drawn[a], Q, tol, box) <= tol))

    on = np.eye(len(paths), dtype=bool)
    for a in range(len(paths)):
        for b in range(len(paths)):
            if a != b:
                on[a, b] = lies_on(a, b)
    return on


#: a path drawn in the window no longer than this many line widths lies on no other in :func:`_lying_on` (it hardly
#: shows beyond its start's circle)
LYING_MIN_LENGTH = 10.0
#: the polyline's samples per ``tol`` of its length in :func:`_polyline_distance` and :func:`_drawn_samples` (the
#: distance read is at most ``tol / (2 * POLYLINE_SAMPLES)`` above the true one), and the most samples it takes (a
#: longer polyline inside the window: its vertices alone)
POLYLINE_SAMPLES = 4
POLYLINE_MAX_SAMPLES = 2_000_000


def _clipped_segments(Q, box=(None, None), grow: float = 0.0):
    """The segments of the polyline through ``Q`` (N, 2; one point: a segment of length 0) clipped to the window
    ``box`` = (xlim, ylim) grown by ``grow`` on every side (either None: no limit; Liang-Barsky): ``(a, b)``, the ends
    of the part of each segment inside, segments wholly outside left out."""
    Q = np.asarray(Q, float)
    if len(Q) == 0:
        return np.empty((0, 2)), np.empty((0, 2))
    if len(Q) == 1:
        segs = np.concatenate((Q, Q))[None]
    else:
        segs = np.stack((Q[:-1], Q[1:]), axis=1)  # (S, 2 ends, 2 coordinates)
    return _clipped(segs, box, grow)


def _clipped(segs, box=(None, None), grow: float = 0.0):
    """:func:`_clipped_segments` of the segments ``segs`` (S, 2 ends, 2 coordinates)."""
    if not len(segs):
        return np.empty((0, 2)), np.empty((0, 2))
    t0 = np.zeros(len(segs))
    t1 = np.ones(len(segs))
    d = segs[:, 1] - segs[:, 0]
    for axis, lim in enumerate(box):
        if lim is None:
            continue
        lo, hi = lim[0] - grow, lim[1] + grow
        x0, dx = segs[:, 0, axis], d[:, axis]
        with np.errstate(divide="ignore", invalid="ignore"):
            ta, tb = (lo - x0) / dx, (hi - x0) / dx
        enter, leave = np.minimum(ta, tb), np.maximum(ta, tb)
        flat = dx == 0
        inside = (x0 >= lo) & (x0 <= hi)
        enter = np.where(flat, np.where(inside, -np.inf, np.inf), enter)
        leave = np.where(flat, np.where(inside, np.inf, -np.inf), leave)
        t0, t1 = np.maximum(t0, enter), np.minimum(t1, leave)
    keep = t0 <= t1
    return segs[keep, 0] + t0[keep, None] * d[keep], segs[keep, 0] + t1[keep, None] * d[keep]


def _segment_samples(a, b, step: float) -> np.ndarray:
    """Points along the segments from ``a`` to ``b`` (each (S, 2)), both ends of each and points every ``step`` of its
    length between them; the ends alone when that would take more than :data:`POLYLINE_MAX_SAMPLES`."""
    with np.errstate(over="ignore", invalid="ignore"):
        length = np.hypot(*(b - a).T)
    count = np.ceil(length / step).astype(np.int64) + 1 if len(a) else np.zeros(0, np.int64)
    if count.sum() > POLYLINE_MAX_SAMPLES or not np.all(np.isfinite(length)):
        count[:] = 2
    idx = np.repeat(np.arange(len(a)), count)
    frac = (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)) / np.maximum(np.repeat(count, count) - 1, 1)
    return a[idx] + frac[:, None] * (b - a)[idx]


def _drawn_samples(P, step: float, box=(None, None)) -> np.ndarray:
    """Points along the polyline through ``P`` (N, 2) as a portrait draws it in the window ``box`` = (xlim, ylim)
    (:func:`_drawn_segments`), sampled every ``step`` of its length; none when no state is inside."""
    return _segment_samples(*_drawn_segments(P, box), step)


def _drawn_segments(P, box=(None, None)):
    """The segments of the polyline through ``P`` (N, 2) as a portrait draws them in the window ``box`` = (xlim,
    ylim), ``(a, b)`` their ends: those with an end inside (one with both ends outside is not drawn,
    :func:`_broken_outside`) clipped to the window (:func:`_clipped_segments`)."""
    P = np.asarray(P, float)
    ins = np.ones(len(P), dtype=bool)
    for axis, lim in enumerate(box):
        if lim is not None:
            ins &= (P[:, axis] >= lim[0]) & (P[:, axis] <= lim[1])
    if len(P) > 1:
        drawn = np.flatnonzero(ins[:-1] | ins[1:])  # (the segments drawn)
        a, b = _clipped(np.stack((P[drawn], P[drawn + 1]), axis=1), box)
    else:
        a, b = _clipped_segments(P[ins], box)
    return a, b


def _polyline_distance(points, Q, tol: float, box=(None, None)) -> np.ndarray:
    """The distance of each of ``points`` (M, 2) to the polyline through ``Q`` (N, 2), as far as it matters for a
    comparison with ``tol``: the polyline's part within ``tol`` of the window ``box`` = (xlim, ylim) (either None: no
    limit), sampled every ``tol / POLYLINE_SAMPLES`` of its length (each segment clipped to that window first: a run
    leaving the window leaps far).  Distances above ``2 tol`` are returned as ``inf``."""
    from scipy.spatial import cKDTree
    a, b = _clipped_segments(Q, box, tol)
    if not len(a):
        return np.full(len(points), np.inf)
    samples = _segment_samples(a, b, tol / POLYLINE_SAMPLES)
    dist, _ = cKDTree(samples).query(np.asarray(points, float), distance_upper_bound=2.0 * tol)
    return dist


def _told_apart(items) -> list:
    """The items of :func:`trajectory_items` with labels that tell the runs apart: runs given the same label
    (several runs of one method) are named by what differs between them (for Trajectory objects: the step, the
    start, hyperparameters, method options, the number of steps; else their number among them), and those that
    share a colour too are drawn in shades of it (the first in the colour itself)."""
    from .runs.trajectory import Trajectory
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


def _short(v) -> str:
    return f"{number_text(v, 'g')}" if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) else str(v)


#: the least difference of a channel between two shades of one colour (:func:`_shades`)
SHADES_APART = 0.12


def _shades(color, n: int) -> list:
    """``n`` colours telling apart runs of one colour: the colour itself, then darker and lighter shades of it
    (mixed with black or white; a lighter one no further than keeps :data:`MIN_CONTRAST` on white, and left out where
    that leaves it within :data:`SHADES_APART` of a shade before it), then the trajectory colours
    (:data:`TRAJECTORY_COLORS`) not within SHADES_APART of one before."""
    from matplotlib.colors import to_rgb
    c = np.array(to_rgb(color))
    out = [tuple(c)]
    for f in (-0.45, 0.45, -0.7, 0.7):
        shade = np.array(tuple(c * (1 + f)) if f < 0 else _lighter(tuple(c), f))
        if all(np.abs(shade - np.array(o)).max() >= SHADES_APART for o in out):
            out.append(tuple(shade))
    # (the trajectory colours too near a shade before them left out: altmomentum's olive's dark shade was within 0.1
    # of Tol's dark yellow, a trajectory colour)
    out += [to_rgb(t) for t in TRAJECTORY_COLORS if all(np.abs(np.array(to_rgb(t)) - np.array(o)).max() >= SHADES_APART
                                                        for o in out)]
    return [out[k % len(out)] for k in range(n)]


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


#: triangles of :func:`factors` closer than this fraction of the strengths' span are at one place
_MARKER_NEAR = 0.02


def _near_strengths(a: float, b: float, values) -> bool:
    """Whether the strengths ``a`` and ``b`` lie within :data:`_MARKER_NEAR` of the span of ``values`` of each other on
    a linear axis or, for positive strengths, on a log one: :func:`factors` draws a linear x axis that a caller may
    make logarithmic (jare-factors does), and a triangle must not hide another on either."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size < 2:
        return True
    if abs(a - b) <= _MARKER_NEAR * (float(np.ptp(v)) or 1.0):
        return True
    return bool(np.all(v > 0)) and abs(np.log10(a / b)) <= _MARKER_NEAR * (float(np.ptp(np.log10(v))) or 1.0)


def factors(game, regularizers: Mapping, parameter: str, values, params=None, *, which: str = "phase",
            data: dict | None = None, title: str | None = None, colors=None, ax=None):
    r"""Phase factor ``max |Im lambda|/|Re lambda|``, conditioning factor ``max|lambda|/min|lambda|`` or
    singular-value condition number of ``J`` against the regularization strength, one curve per regularizer (Nie & Patel 2019, §3; docs/mathematics.md
    §3.3–3.4).

    Parameters
    ----------
    game, regularizers, parameter, values, params : see :func:`factor_data`.
    which : ``"phase"``, ``"conditioning"`` (eigenvalue ratio) or ``"singular"`` (``sigma_max(J)/sigma_min(J)``)
    data : dict, optional
        The output of :func:`factor_data` (to avoid recomputing).
    title, ax : the title (wrapped to the width the axes' cell gives it) and the axes to draw into; the legend goes
        under the axes, or where the figure has room (the module's "fitting to the figure").
    colors : sequence of matplotlib colours, optional
        One per curve, in the order of ``regularizers`` (or ``data``): the colours the same regularizers have in the
        figure's other panels.  Default :data:`TRAJECTORY_COLORS` in order (Okabe and Ito's: matplotlib's default
        cycle put a green beside a red, which deuteranopes do not tell apart).

    Returns
    -------
    ax : matplotlib Axes
    """
    if which not in ("phase", "conditioning", "singular"):
        raise GandynamicsError(f"which must be 'phase', 'conditioning' or 'singular', got {which!r}")
    ax = _axes(ax, figsize=(4.6, 3.6))
    data = data if data is not None else factor_data(game, regularizers, parameter, values, params)
    real_from = False
    shown = []  # (line, indices, values, free): curves that lie on an earlier one get markers (_mark_coinciding)
    marks: list[float] = []  # the strengths already marked by a triangle: one at the same place goes above it
    from matplotlib.transforms import offset_copy
    palette = list(colors) if colors is not None else list(TRAJECTORY_COLORS)
    if not palette:
        raise GandynamicsError("colors must name at least one colour (one per curve)")
    for k, (label, d) in enumerate(data.items()):
        color = palette[k % len(palette)]
        y = np.where(np.isfinite(d[which]), d[which], np.nan)
        # a zero phase factor (every eigenvalue real) has no place on the log axis: the curve stops there and a
        # triangle on the axis marks the first such strength (it was drawn as a vertical drop off the axes)
        zero = y <= 0 if which == "phase" else np.zeros(y.shape, bool)
        y = np.where(zero, np.nan, y)
        if label.lower().startswith(("simgd", "none", "unreg")):  # the reference: dashed, on top, with a halo
            from matplotlib import patheffects
            line, = ax.semilogy(d["values"], y, ls=(0, (4, 2.5)), lw=1.1, zorder=4, label=label, color=color,
                                path_effects=[patheffects.withStroke(linewidth=2.6, foreground="white")])
        else:
            line, = ax.semilogy(d["values"], y, ls="-", label=label, color=color)
        ok = np.isfinite(y) & (y > 0)
        if not ok.any():  # nothing of it on the log axis: its legend entry says so (it was listed as if drawn)
            raw = np.asarray(d[which], float)
            why = ("infinite throughout (eigenvalues on the imaginary axis)" if which == "phase" and np.all(raw == np.inf)
                   else "infinite throughout" if np.all(raw == np.inf) else "0 throughout" if np.all(raw == 0)
                   else "no finite positive value")
            line.set_label(f"{label}: {why}, not drawn")
        if np.count_nonzero(ok) >= 2:  # (a curve with no point on the log axis -- real from the start -- is none)
            shown.append((line, np.flatnonzero(ok), y[ok], line.get_linestyle() == "-"))
        if zero.any():
            # (consensus and JARE turn real at the same strength: the second triangle hid under the first; a triangle
            # within a marker's width of an earlier one is stacked above it)
            x0 = float(np.asarray(d["values"])[np.argmax(zero)])
            above = sum(1 for m in marks if _near_strengths(x0, m, d["values"]))
            marks.append(x0)
            ax.plot([x0], [0.0], marker="v", ms=7, ls="", clip_on=False, color=line.get_color(), mec="black", mew=0.6,
                    zorder=6, label="_real_from",
                    transform=offset_copy(ax.get_xaxis_transform(), fig=ax.figure, y=8.0 * above, units="points"))
            real_from = True
    _mark_coinciding(shown, near=True)
    ax.set_xlabel(symbol(parameter) + " (regularization strength)")
    ax.set_ylabel({"phase": r"phase factor $\max|\mathrm{Im}\,\lambda|/|\mathrm{Re}\,\lambda|$",
                   "conditioning": r"conditioning $\max|\lambda|/\min|\lambda|$",
                   "singular": r"conditioning $\sigma_{\max}(J)/\sigma_{\min}(J)$"}[which])
    if title:
        _title_with_notes(ax, title, [])
    _readable_log(ax, "y")
    handles = ax.get_legend_handles_labels()[0]
    if real_from:
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], marker="v", ms=7, ls="", color="0.6", mec="black", mew=0.6,
                              label="phase factor 0 from here on (eigenvalues real)"))
    _legend_outside(ax, loc="below", handles=handles)
    if title:
        _title_with_notes(ax, title, [])
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

    out = {"real": real, "fake": fake, "D": disc, "x": x.name}
    # a density, drawn as the curve it is (a Normal's quadrature atoms drew it as five stems of "probability weight": a
    # new user's finding), for every distribution that has one (Distribution.density: Normal, Uniform); the data's and
    # the generator's both, else both stems
    dens = [d.density(x) for d in (gan.real, gan.fake)]
    if all(e is not None for e in dens):
        def law(e):
            f = sp.lambdify([x, th], sp.sympify(e).xreplace(sub), "numpy")

            def pdf(xs, z):
                xs = np.asarray(xs, float)
                with np.errstate(all="ignore"):  # (a variance 0 has no density: 0 drawn, not NaN that hid the axes)
                    y = np.asarray(f(xs, list(np.asarray(z, float)[:n_th])), float) * np.ones_like(xs)
                return np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0)
            return pdf
        out["real_pdf"], out["fake_pdf"] = law(dens[0]), law(dens[1])
    return out


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
    """The state index shown at each frame (``frames`` of them, non-decreasing, the first 0 and the last ``k - 1``
    for the longest recorded trajectory of ``k`` states), paced by the motion: frame ``f`` is the first index where
    ``s_j = (j / (k - 1) + P_j) / 2`` reaches ``f / (frames - 1)``, ``P_j`` the mean over the trajectories of the
    fraction of each one's path length (in the state space, finite states only) travelled by its state ``j``.  Half
    the frames follow the steps, half the motion: frames spaced evenly in the steps showed a run that converged by step
    30 of 500 in 2 of 20 frames, the other 18 alike (a new user).  The counter in the frame says the step."""
    if not isinstance(frames, (int, np.integer)) or frames < 2:
        raise GandynamicsError(f"an animation needs frames >= 2, got {frames!r}")
    k = max(_states(tr).shape[0] for _, tr, *_ in trajectories)
    if k <= 1:
        return np.zeros(int(frames), dtype=int)
    paths = []
    for _, tr, *_ in trajectories:
        S = _states(tr)
        with np.errstate(invalid="ignore", over="ignore"):
            step = np.linalg.norm(np.diff(S, axis=0), axis=1) if S.shape[0] > 1 else np.zeros(0)
        step = np.where(np.isfinite(step), step, 0.0)
        c = np.concatenate(([0.0], np.cumsum(step)))
        c = np.concatenate((c, np.full(k - c.size, c[-1])))  # (a shorter run stands at its end)
        if c[-1] > 0.0 and np.isfinite(c[-1]):
            paths.append(c / c[-1])
    P = np.mean(paths, axis=0) if paths else np.linspace(0.0, 1.0, k)
    s_ = 0.5 * (np.arange(k) / (k - 1) + P)
    idx = np.searchsorted(s_, np.linspace(0.0, 1.0, int(frames)) * s_[-1] - 1e-12, side="left")
    idx = np.clip(idx, 0, k - 1)
    idx[0], idx[-1] = 0, k - 1
    return np.maximum.accumulate(idx).astype(int)


def animate(field, methods=("gd",), init=None, steps: int = 200, step: float = 0.1, params=None, *,
            trajectories=None, frames: int = 60, interval: int = 60, plane=None, center=None,
            xlim=None, ylim=None, n: int = 31, density: float = 0.8, data_panel: bool = True,
            title: str | None = None, **method_options):
    r"""An animation of training: the trajectory growing on the phase plane, beside the data space.

    Left: the direction field of ``v = -F`` (:func:`phase_portrait`) with each method's trajectory drawn up to
    the current iterate.  Right, for a GAN on 1-D data: the real distribution (black stems, or its density where the data
    and the generator both have one: :meth:`gandynamics.distributions.Distribution.density`, a Normal or a Uniform of
    one dimension), the generated one (stems, or its density, in the method's colour) and the discriminator ``D(x)`` at the current iterate (M18's Dirac-GAN
    videos); for other games: the distance to the equilibrium and ``||F(z_k)||`` against ``k`` (log scale).

    Parameters
    ----------
    field : VectorField
    methods : str or sequence of str
        Methods to run (:data:`gandynamics.methods.METHODS`; text ``"gd,eg"`` or a list); ignored when
        ``trajectories`` is given.
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
    names, i, j = plane_indices(field, plane)
    star = equilibrium_point(field, params)  # (found once: the slice's centre and the star)
    c = slice_center(field, params, center, star=star)
    if trajectories is None:
        from .validate import name_list
        methods = name_list(methods, "methods") if isinstance(methods, str) else [m.strip() for m in methods]
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
    items, styles = [], []  # (styles: each run's line style given, or None: as phase_portrait's)
    for t_index, it in enumerate(trajectory_items(trajectories, "animate")):
        col = it[2] if it[2] is not None else TRAJECTORY_COLORS[t_index % len(TRAJECTORY_COLORS)]
        S = _states(it[1])
        if S.ndim != 2 or S.shape[1] != field.n or S.shape[0] < 1:
            raise GandynamicsError(f"trajectory {it[0]!r} has shape {S.shape}; expected (steps, {field.n})")
        items.append((it[0], it[1], col))
        styles.append(it[3])
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
                   trajectories=(), legend=False, title="", ax=ax, equilibrium=star if star is not None else False)
    artists, paths = [], []
    for (label, tr, col), style in zip(items, styles):
        S = _states(tr)
        line, = ax.plot(S[:1, i], S[:1, j], color=col, lw=1.3, ls=style if style is not None else "-", label=label,
                        zorder=3)
        head, = ax.plot(S[:1, i], S[:1, j], "o", color=col, ms=5, mec="white", zorder=5)
        ax.plot(S[0, i], S[0, j], zorder=4, **START_MARKER)
        artists.append((line, head))
        paths.append((line, S[np.all(np.isfinite(S), axis=1)][:, [i, j]]))
    _dash_coinciding_paths(ax, paths, xlim, ylim)  # (as the portrait: a run drawn over an equal one hid it)
    notes = list(getattr(ax, "warnings", []))
    others = [k for k in range(field.n) if k not in (i, j)]
    for label, tr, _ in items:
        S = _states(tr)
        w = _slice_warning(S[np.all(np.isfinite(S), axis=1)], others, c, label)
        if w:
            notes.append(w)
    ax.warnings = notes
    # (the markers named too: the animated key had the runs alone, no start nor equilibrium, a new user)
    current = Line2D([], [], marker="o", ls="", color="0.35", ms=5, mec="white", label="current iterate")
    ax.legend(handles=[a[0] for a in artists] + [current] + portrait_handles(equilibrium=star is not None, last=False),
              **_right_of(ax))
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
                # the states shown in the phase window (a diverged run's last finite state put its fakes at -4e12 and
                # stretched the data axis until every other stem sat at 0: a new user's finding)
                shown = S[(S[:, i] >= xlim[0]) & (S[:, i] <= xlim[1]) & (S[:, j] >= ylim[0]) & (S[:, j] <= ylim[1])]
                for z in ((shown[0], shown[-1]) if len(shown) else S[:1]):
                    xs_all.extend(dspace["fake"](z)[1].tolist())
            lo, hi = min(xs_all), max(xs_all)
            pad = max(0.3 * (hi - lo), 1.0)
            xs = np.linspace(lo - pad, hi + pad, 400)
            wr = np.array([w for w, _ in dspace["real"]])
            dens = "fake_pdf" in dspace  # (densities: curves; atoms: stems)
            if dens:
                z0 = _states(items[0][1])[0]
                pr = dspace["real_pdf"](xs, z0)
                ax2.fill_between(xs, 0, pr, color="0.85", zorder=1)
                ax2.plot(xs, pr, color="black", lw=1.6, label="real data (density)")
                wr = np.array([float(pr.max())])
            else:
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
                    wmax = max(wmax, float(np.max(dspace["fake_pdf"](xs, z) if dens else dspace["fake"](z)[0])))
            dlim = min(dmax, 10.0) * 1.05
            axd.set_ylim(-dlim, dlim)
            ax2.set_ylim(-1.05 * wmax, 1.05 * wmax)  # zero in the middle on both axes
            for (label, tr, col), style in zip(items, styles):
                z = _states(tr)[0]
                w, x = dspace["fake"](z)
                # (in the run's own line style: two starts of one method in one colour had identical entries)
                if dens:
                    st, = ax2.plot(xs, dspace["fake_pdf"](xs, z), color=col, lw=1.6, label=f"generated ({label})",
                                   ls=style if style is not None else "-")
                else:
                    st = ax2.vlines(x, 0, w, color=col, lw=2.0, alpha=0.75, label=f"generated ({label})",
                                    linestyles=style if style is not None else "solid")
                dl, = axd.plot(xs, dspace["D"](xs, z), color=col, ls=(0, (4, 2)), lw=1.1, label=f"D(x) ({label})")
                dyn.append((st, dl))
            ax2.axhline(0, color=ZERO_LINE_COLOR, lw=0.8)
            ax2.set_xlim(xs[0], xs[-1])
            ax2.set_xlabel(f"data ${dspace['x']}$")
            ax2.set_ylabel("density" if dens else "probability weight (stems)")
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
                # |F| equal to the distance within a line's width at every k (a normal linear field: the bilinear game,
                # the WGAN Dirac-GAN): one curve, so named (its dashed |F| lay on the distance and could not be seen)
                with np.errstate(divide="ignore", invalid="ignore"):
                    both = np.isfinite(d) & np.isfinite(Fn) & (d > 0) & (Fn > 0)
                    same = bool(both.any()) and float(np.max(np.abs(np.log10(Fn[both] / d[both])))) < 0.01
                ld, = ax2.semilogy(t[:1], d[:1], color=col, lw=1.3,
                                   label=f"{label}: distance" + (" = ‖F‖" if same else ""))
                from matplotlib import patheffects
                lf, = ax2.semilogy(t[:1], Fn[:1], color=col, lw=0.9, ls=(0, (4, 2)), label=f"{label}: ‖F‖", zorder=4,
                                   path_effects=[patheffects.withStroke(linewidth=2.4, foreground="white")],
                                   visible=not same)
                if same:
                    lf.set_label("_" + lf.get_label())  # (not in the legend: the distance's entry names it)
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
            ax2.legend(**_right_of(ax2))
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
        counter.set_text(f"k = {int(times[0][kmax])}" + (f"  (t = {number_text(times[0][kmax] * step, 'g')})" if is_flow[0] else ""))
        out.append(counter)
        if data_panel and dspace is not None:
            for (st, dl), (label, tr, col) in zip(dyn, items):
                S = _states(tr)
                z = S[min(k, S.shape[0] - 1)]
                if np.all(np.isfinite(z)):
                    if "fake_pdf" in dspace:
                        st.set_ydata(dspace["fake_pdf"](st.get_xdata(), z))
                    else:
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


#: the most frames per second a GIF plays: its frame delay is a whole number of hundredths of a second, and browsers
#: play a delay below 2/100 s as 10/100 s (a GIF written at 100,000 fps played slower than one at the default 15)
GIF_MAX_FPS = 50


def check_fps(fps, path, what: str = "fps") -> float:
    """``fps``, the frames per second of an animation written to ``path``: for a ``.gif`` a whole number from 1 to
    :data:`GIF_MAX_FPS` (the refusal says why, and that an ``.mp4`` plays more), for an ``.mp4`` any positive number.  ``what`` names the
    option in the refusal (``--fps``)."""
    from pathlib import Path

    from .validate import positive, whole
    gif = Path(str(path)).suffix.lower() == ".gif"
    if not gif:  # (a video's frame rate may be a fraction: 29.97)
        return positive(fps, what)
    v = whole(fps, what, lo=1)
    if v > GIF_MAX_FPS:
        raise GandynamicsError(f"{what} {v} is more than a GIF plays: at most {GIF_MAX_FPS} (its frame delay is a "
                               "whole number of hundredths of a second, and browsers play a delay under 2/100 s as "
                               "10/100 s); write an .mp4 for more")
    return v


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
        For another suffix, a missing folder, ``.mp4`` when ffmpeg is not installed (the message says
        to install it or to write a ``.gif``), or a ``.gif`` at more than :data:`GIF_MAX_FPS` frames per second.
    """
    from pathlib import Path
    import matplotlib.animation as mpl_anim
    from .io import resolve_target
    suffix = Path(path).suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise GandynamicsError(f"an animation is written as .gif or .mp4, got {str(path)!r}")
    fps = check_fps(fps, path)

    out = resolve_target(path)  # ~ expanded, a link followed, a device or pipe refused (as every other output)
    from .io import check_target
    check_target(out, "animation")  # (a file gandynamics did not write, one of another kind or write-protected: kept)
    if not out.parent.is_dir():
        raise GandynamicsError(f"the folder of {str(path)!r} does not exist")
    if getattr(anim, "frame_indices", None) is not None:
        check_animation_size(len(anim.frame_indices), path, dpi, 2 if anim.data_axes[0] is not None else 1)
    if suffix == ".mp4":
        if not mpl_anim.writers.is_available("ffmpeg"):
            raise GandynamicsError("writing .mp4 needs ffmpeg, which was not found on PATH (matplotlib's "
                                   "animation.ffmpeg_path); install ffmpeg or write a .gif")
        writer = mpl_anim.FFMpegWriter(fps=fps, metadata={"comment": "gandynamics"})
    else:
        writer = mpl_anim.PillowWriter(fps=fps)
    tmp = out.with_name(f".{out.stem}.tmp{os.getpid()}{suffix}")
    try:
        anim.save(tmp, writer=writer, dpi=dpi)
        if suffix == ".gif":  # (a comment extension before the trailer names its maker: written_by_gandynamics)
            from .io import GIF_COMMENT
            data = tmp.read_bytes()
            if data.endswith(b"\x3b"):
                tmp.write_bytes(data[:-1] + GIF_COMMENT + b"\x3b")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
