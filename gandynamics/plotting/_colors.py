"""Colours legible on the axes' white: WCAG 2 contrast (:data:`MIN_CONTRAST`), colour maps cut to legible colours, and
the shades of a run's colour that its predicted and certified rates and its sibling runs are drawn in."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..errors import GandynamicsError
from ._style import TRAJECTORY_COLORS


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
