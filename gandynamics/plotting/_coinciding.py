"""Curves and paths that lie on one another: found (on the drawn scale), drawn with interleaved dashes or open
markers so that each stays visible, and said in the key and the notes of a figure."""

from __future__ import annotations

import math
import re

import numpy as np
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerLine2D
from matplotlib.lines import Line2D

from ._fit import _root
from ._style import _and
from ._windows import outside_rows


def _dash_key(line) -> tuple:
    """A line's style as a hashable key: its style name and its dash pattern (the offset and the on-off sequence)."""
    # (get_linestyle() says "--" of every custom pattern: START_STYLES' fifth and sixth were one style)
    seq = getattr(line, "_unscaled_dash_pattern", (0, None))[1]
    return (line.get_linestyle(), tuple(seq) if seq is not None else None)


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
    trees = {}  # (each path's tree of samples built once, for every path compared with it)

    def lies_on(a, b) -> bool:
        P, Q, ok = paths[a], paths[b], shown[a]
        if not long[a]:
            return False
        if len(P) <= len(Q) and np.all(np.hypot(*(P[ok] - Q[:len(P)][ok]).T) <= tol):  # (state by state)
            return True
        if b not in trees:
            trees[b] = _polyline_tree(Q, tol, box)
        return _all_within(trees[b], drawn[a], tol)

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


#: the points of a path tested at once against another's polyline in :func:`_all_within`: a spread subset of this many
#: first (most paths that do not lie on another fail there), then the rest in chunks of this many times 100 (six runs
#: of 3e6 steps spent 10 minutes in one query of 2e6 points per pair, deaf to Ctrl-C: a new user's trial)
WITHIN_FIRST = 512


def _polyline_tree(Q, tol: float, box=(None, None)):
    """The k-d tree of the samples of the polyline through ``Q`` (N, 2) within ``tol`` of the window ``box``
    (:func:`_polyline_distance`'s), or None where no part of it is there."""
    from scipy.spatial import cKDTree
    a, b = _clipped_segments(Q, box, tol)
    if not len(a):
        return None
    return cKDTree(_segment_samples(a, b, tol / POLYLINE_SAMPLES))


def _all_within(tree, points, tol: float) -> bool:
    """Whether every one of ``points`` (M, 2) lies within ``tol`` of the polyline sampled in ``tree``
    (:func:`_polyline_tree`; None: no polyline, only an empty ``points`` lies on it): a spread subset of
    :data:`WITHIN_FIRST` points first, then the others in chunks, stopping at the first point beyond."""
    points = np.asarray(points, float)
    if tree is None:
        return len(points) == 0
    first = np.unique(np.linspace(0, len(points) - 1, min(len(points), WITHIN_FIRST)).astype(np.int64))
    chunks = [points[first]] + [points[k:k + 100 * WITHIN_FIRST] for k in range(0, len(points), 100 * WITHIN_FIRST)]
    for chunk in chunks:  # (a Ctrl-C is taken between chunks)
        if len(chunk) and not np.all(tree.query(chunk, distance_upper_bound=2.0 * tol)[0] <= tol):
            return False
    return True


def _polyline_distance(points, Q, tol: float, box=(None, None)) -> np.ndarray:
    """The distance of each of ``points`` (M, 2) to the polyline through ``Q`` (N, 2), as far as it matters for a
    comparison with ``tol``: the polyline's part within ``tol`` of the window ``box`` = (xlim, ylim) (either None: no
    limit), sampled every ``tol / POLYLINE_SAMPLES`` of its length (each segment clipped to that window first: a run
    leaving the window leaps far).  Distances above ``2 tol`` are returned as ``inf``."""
    tree = _polyline_tree(Q, tol, box)
    if tree is None:
        return np.full(len(points), np.inf)
    return tree.query(np.asarray(points, float), distance_upper_bound=2.0 * tol)[0]
