"""The figures' common style: rcParams (:data:`STYLE`), the methods' and runs' colours, the markers and line styles
of portraits, the canvas and its text sizes, and the texts written into figures (parameter symbols, numbers with
the minus sign, a game's description, titles naming methods, runs and steps)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Mapping

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from .._palette import BREWER, CYAN, OKABE_ITO, TOL
from ..errors import GandynamicsError


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
LAST_STATE_LABEL = "last\u00a0state (in its run's colour)"  # (a no-break space: the key's wrap broke "last / state", a review)


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
    from ..validate import positive
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


def describe(field, params=None, varied: str | None = None) -> str:
    """The game with its loss, its own hyperparameters (all of a game of at most three, else those away from their
    defaults), regularizers and the strengths in use, for titles: ``dirac + R1(γ = 0.3)``,
    ``dirac (lsgan) + consensus(γ = 0.2) + R1(γ = 1)``, ``quadratic (a = 1, b = 3, c = 1)``, ``hopf (β = −0.3)`` (negative numbers with the minus sign, :func:`number_text`).

    Strength values are those of ``params`` (by hyperparameter name) over the regularizers' own values; the
    hyperparameter named ``varied`` (a figure along it: a branch's) is written ``γ varies`` with no value."""
    from ..regularizers import strength_symbols
    model = getattr(field, "model", None)
    from ..games import game_label  # (the name with the factory's arguments given: dirac-nd(d=3))
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
        own = [(k, v) for k, v in own if v != field.defaults[k] or k == varied]

    def value(k, v):
        return f"{_greek_text(k)} varies" if k == varied else f"{_greek_text(k)} = {number_text(v, '.4g')}"
    inner = ([loss] if loss and loss != "standard" else []) + ([", ".join(value(k, v) for k, v in own)] if own else [])
    text = name + (f" ({'; '.join(inner)})" if inner else "")
    if not regs:
        return text
    parts = []
    for reg in regs:
        items = []
        for r, part, sym in named:
            if r is reg:
                for key, s_ in sym.items():
                    items.append(f"{_greek_text(key)} varies" if s_.name == varied else
                                 f"{_greek_text(key)} = {number_text(vals.get(s_.name, part.values[key]), '.4g')}")
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
             "lambda": "λ", "mu": "μ", "rho": "ρ", "theta": "θ", "psi": "ψ", "phi": "φ"}
    return table.get(name, name)


def portrait_title(field, params=None, methods=(), step=None, options=None, horizon=None, step_note: str = "") -> str:
    """``<describe(field)>: gd, altgd, h = 0.2; flow, t ≤ 40`` — the step (a number, or a pair ``(h_G, h_D)``) is
    named only for discrete methods (the continuous ``flow`` has none), the flow's time ``horizon`` when given (its
    title said "flow" alone, with no time: a figure review); ``options``, one mapping per method (its options as
    run), names each method's after it: ``momentum (β = −0.3, alternating)`` (a portrait of momentum at the command
    line's beta = -0.5 said "momentum" alone); ``step_note`` follows the step where it is named (``" (the default
    step)"``)."""
    from ..validate import split_names
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


def _axes(ax, figsize=(4.6, 4.2)):
    """``ax``, or a new figure's axes when None; anything but a matplotlib Axes is refused (a string gave an
    AttributeError deep inside the drawing)."""
    from matplotlib.axes import Axes
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    elif not isinstance(ax, Axes):
        raise GandynamicsError(f"ax must be a matplotlib Axes or None, got {ax!r:.60}")
    return ax


def _and(labels) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    labels = [str(x) for x in labels]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _short(v) -> str:
    return f"{number_text(v, 'g')}" if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) else str(v)
