"""The method colours stay apart for readers with a colour-vision deficiency.

Independent of the palette's own claim: each colour is passed through Machado, Oliveira and Fernandes' simulation of
protanopia, deuteranopia and tritanopia (IEEE TVCG 15(6), 2009, severity 1, applied to linear sRGB) and the
simulated colours are compared by their CIE 1976 colour difference in CIELAB (D65 white).  Every two methods are
also compared by CIEDE2000 (Sharma, Wu and Dalal, Color Res. Appl. 30(1), 2005), a difference closer to what is seen.
"""
import itertools

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from gandynamics.plotting import METHOD_COLORS, TRAJECTORY_COLORS

SIMULATION = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "normal vision": np.eye(3).tolist(),
}
#: a CIE76 difference below which two thin lines are easily confused (about 2.3 is "just noticeable" on patches)
APART = 15.0
#: the methods figures compare most often
COMPARED = ("gd", "altgd", "eg", "eftp", "ogda", "momentum", "flow")


def _lab(srgb, vision):
    c = np.asarray(to_rgb(srgb))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.array(SIMULATION[vision]) @ linear, 0.0, 1.0)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def difference(a, b, vision):
    return float(np.linalg.norm(_lab(a, vision) - _lab(b, vision)))


def ciede2000(lab1, lab2):
    """The CIEDE2000 difference of two CIELAB colours (k_L = k_C = k_H = 1), as Sharma, Wu and Dalal (2005) write it."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1 = np.degrees(np.arctan2(b1, a1)) % 360 if c1 else 0.0
    h2 = np.degrees(np.arctan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dH = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    L, C = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        H = h1 + h2
    elif abs(h1 - h2) <= 180:
        H = (h1 + h2) / 2
    else:
        H = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    T = (1 - 0.17 * np.cos(np.radians(H - 30)) + 0.24 * np.cos(np.radians(2 * H)) + 0.32 * np.cos(np.radians(3 * H + 6))
         - 0.20 * np.cos(np.radians(4 * H - 63)))
    rc = 2 * np.sqrt(C ** 7 / (C ** 7 + 25.0 ** 7))
    rt = -np.sin(np.radians(60 * np.exp(-(((H - 275) / 25) ** 2)))) * rc
    sl = 1 + 0.015 * (L - 50) ** 2 / np.sqrt(20 + (L - 50) ** 2)
    sc, sh = 1 + 0.045 * C, 1 + 0.015 * C * T
    dl, dc, dh_ = (L2 - L1) / sl, (c2 - c1) / sc, dH / sh
    return float(np.sqrt(dl ** 2 + dc ** 2 + dh_ ** 2 + rt * dc * dh_))


def seen_apart(a, b):
    """The CIEDE2000 difference of two sRGB colours in normal vision."""
    return ciede2000(_lab(a, "normal vision"), _lab(b, "normal vision"))


#: every two methods that may be drawn in one figure (a portrait of all of them): CIEDE2000 at least this far apart
#: (gd and simgd, momentum and altgd-momentum are one method under two names and share a colour).  About the most
#: that 14 colours legible on white allow beside the seven below (rmsprop's deep pink and eftp's reddish purple, ftr's
#: cyan and ogda's sky blue were 13.5 and 13.7 apart)
METHODS_APART = 15.0
#: the methods figures compare most (the bilinear figures and M18's Figure 1 draw six or eight of them): further apart
#: (altgd's blue and ogda's sky blue, gd's vermillion and momentum's orange were 22 apart and hard to tell apart in
#: bilinear_methods.png: a figure review)
COMPARED_APART = 25.0
#: one method under two names: one colour
ALIASES = {"simgd": "gd", "altgd-momentum": "momentum"}


def _methods():
    from gandynamics.analysis.rates import RATE_ALIASES
    from gandynamics.methods import METHODS
    return list(METHODS) + list(RATE_ALIASES)


@pytest.mark.parametrize("vision", sorted(SIMULATION))
def test_compared_methods_apart(vision):
    pairs = {(a, b): difference(METHOD_COLORS[a], METHOD_COLORS[b], vision)
             for a, b in itertools.combinations(COMPARED, 2)}
    close = {p: round(d, 1) for p, d in pairs.items() if d < APART}
    assert not close, f"method colours hard to tell apart under {vision}: {close}"


@pytest.mark.parametrize("vision", sorted(SIMULATION))
def test_first_trajectory_colours_apart(vision):
    first = TRAJECTORY_COLORS[:6]
    worst = min(difference(a, b, vision) for a, b in itertools.combinations(first, 2))
    assert worst >= APART


def test_every_method_its_own_colour_in_normal_vision():
    """All methods in one figure (a portrait of 13): every two colours of different methods apart (aliases share)."""
    colours = sorted({to_rgb(c) for c in METHOD_COLORS.values()})
    close = [(a, b) for a, b in itertools.combinations(colours, 2) if difference(a, b, "normal vision") < 20]
    assert not close


@pytest.mark.parametrize("a,b,want", [
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425), ((50, 0, 0), (50, -1, 2), 2.3669),
    ((50, 2.5, 0), (73, 25, -18), 27.1492), ((50, 2.5, 0), (61, -5, 29), 22.8977), ((50, 2.5, 0), (56, -27, -3), 31.9030),
    ((50, 2.5, 0), (58, 24, 15), 19.4535), ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((50, 0, 0), (50, 0, 0), 0.0)])
def test_ciede2000_of_sharma_wu_dalal_pairs(a, b, want):
    """Pairs of the test data of Sharma, Wu and Dalal (2005), both ways round."""
    assert ciede2000(a, b) == pytest.approx(want, abs=5e-5)
    assert ciede2000(b, a) == pytest.approx(want, abs=5e-5)


def test_every_two_methods_apart():
    """The kind: every two methods (every registered one and rates alias) that a figure may draw together are at
    least METHODS_APART apart in CIEDE2000, the methods figures compare most at least COMPARED_APART."""
    names = _methods()
    assert set(COMPARED) <= set(names)
    gaps = {(a, b): seen_apart(METHOD_COLORS[a], METHOD_COLORS[b]) for a, b in itertools.combinations(names, 2)}
    close = {p: round(d, 1) for p, d in gaps.items() if d < (COMPARED_APART if set(p) <= set(COMPARED) else METHODS_APART)}
    assert not close, f"method colours hard to tell apart (CIEDE2000): {close}"


def test_every_method_colour_seen_on_white():
    """A method's line is seen on the white of the axes: its colour at least as far from white as Okabe and Ito's sky
    blue (a lighter yellow or cyan, as far from the others as it may be, is a faint thin line)."""
    from gandynamics.plotting import OKABE_ITO
    floor = seen_apart(OKABE_ITO["sky blue"], "white")
    gaps = {m: seen_apart(METHOD_COLORS[m], "white") for m in METHOD_COLORS}
    assert {m: round(d, 1) for m, d in gaps.items() if d < floor - 1e-9} == {}


def test_the_aliases_keep_their_methods_colour():
    for alias, method in ALIASES.items():
        assert to_rgb(METHOD_COLORS[alias]) == to_rgb(METHOD_COLORS[method])
    assert set(METHOD_COLORS) == set(_methods()) | set(ALIASES)


def test_the_check_finds_the_old_close_colours():
    """CIEDE2000 finds the pairs the figure review saw as one colour (Okabe and Ito's blue and sky blue, vermillion and
    orange) closer than COMPARED_APART, and Okabe and Ito's colours of eg and altgd far apart."""
    from gandynamics.plotting import OKABE_ITO
    assert seen_apart(OKABE_ITO["blue"], OKABE_ITO["sky blue"]) < COMPARED_APART
    assert seen_apart(OKABE_ITO["vermillion"], OKABE_ITO["orange"]) < COMPARED_APART
    assert seen_apart(OKABE_ITO["bluish green"], OKABE_ITO["blue"]) > COMPARED_APART


def test_the_check_finds_the_old_red_and_green():
    """The simulation tells gd's former red and eg's former green apart in normal vision, not in deuteranopia."""
    assert difference("tab:red", "tab:green", "normal vision") > 100
    assert difference("tab:red", "tab:green", "deuteranopia") < APART / 2


def test_lab_of_white_and_black():
    assert np.allclose(_lab("white", "normal vision"), [100, 0, 0], atol=0.05)
    assert np.allclose(_lab("black", "normal vision"), [0, 0, 0], atol=1e-9)


# ------------------------------------------------------------------------------------- legible on white (WCAG 2)
#: WCAG 2's least contrast of a graphical object against what is next to it (success criterion 1.4.11, non-text
#: contrast): every method colour and every shade of it drawn as a line, against the axes' white
WCAG_NON_TEXT = 3.0
#: every two methods under each colour-vision deficiency, CIEDE2000: the methods figures compare most at least this
#: far apart (12.2: altgd's blue and eftp's reddish purple to a protanope) ...
COMPARED_APART_SIMULATED = 12.0
#: ... and every two at least this (3.6: gd's vermillion and eag's red to a deuteranope).  Fourteen colours of those
#: palettes at 3:1 and at the normal-vision thresholds above allow no more than about 4.5 (an exhaustive search of
#: Okabe and Ito's, Tol's and Brewer's Set1, Dark2 and Paired): the rarer methods are told apart by their keys too
METHODS_APART_SIMULATED = 3.5
#: a shade drawn over its method's line (a predicted or certified rate's dashes) at least this far from it, CIEDE2000
SHADE_APART = 12.0


def wcag_contrast_on_white(colour):
    """WCAG 2's contrast ratio against white, computed here from its definition (relative luminance of linear sRGB)."""
    c = np.asarray(to_rgb(colour))
    linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 1.05 / (float(linear @ [0.2126, 0.7152, 0.0722]) + 0.05)


def _shade_functions():
    from gandynamics import plotting as P
    return {"predicted_shade": P.predicted_shade, "interleaved_shade": P.interleaved_shade,
            "certified_tint": P.certified_tint}


def _distinct_colours():
    return sorted(dict.fromkeys(METHOD_COLORS[m] for m in _methods() if m not in ALIASES))


@pytest.mark.parametrize("method", sorted(METHOD_COLORS))
def test_every_method_colour_has_3_to_1_on_white(method):
    """OGDA's Tol bright yellow (1.95:1) and ftr's sky blue (2.3:1) were faint thin lines on white: a figure review."""
    assert wcag_contrast_on_white(METHOD_COLORS[method]) >= WCAG_NON_TEXT


@pytest.mark.parametrize("shade", sorted(_shade_functions()))
@pytest.mark.parametrize("method", sorted(METHOD_COLORS))
def test_every_shade_of_a_method_colour_has_3_to_1_and_stands_out_from_its_line(method, shade):
    """The dashes of a predicted rate, of interleaved predictions and of a certified bound, drawn over their method's
    line: at least 3:1 on white (momentum's light predicted shade was a lavender of 1.9:1, a figure review) and at
    least SHADE_APART from the method's own colour."""
    colour = METHOD_COLORS[method]
    s = _shade_functions()[shade](colour)
    assert wcag_contrast_on_white(s) >= WCAG_NON_TEXT, (method, shade, s)
    assert seen_apart(s, colour) >= SHADE_APART, (method, shade, s)


@pytest.mark.parametrize("shade", sorted(_shade_functions()))
def test_every_shade_of_any_colour_has_3_to_1(shade):
    """The kind: a shade of any colour a run may take (random colours, greys from black to white, Okabe and Ito's and
    matplotlib's, light ones below 3:1 themselves) is drawn at 3:1 at least."""
    from gandynamics.plotting import OKABE_ITO, TRAJECTORY_COLORS
    rng = np.random.default_rng(11)
    colours = ([tuple(c) for c in rng.random((400, 3))] + [str(g) for g in np.linspace(0, 1, 41)]
               + list(OKABE_ITO.values()) + list(TRAJECTORY_COLORS) + [f"C{k}" for k in range(10)])
    f = _shade_functions()[shade]
    low = {str(c): round(wcag_contrast_on_white(f(c)), 3) for c in colours if wcag_contrast_on_white(f(c)) < WCAG_NON_TEXT}
    assert not low


def test_the_shades_of_runs_of_one_colour_have_3_to_1():
    """Runs of one method drawn in shades of its colour (plotting._shades): a lighter shade no fainter than 3:1 on
    white (gd's 0.7 of the way to white was a pale orange of 1.5:1), at least the colour and two shades of it, every
    two of them told apart."""
    from gandynamics.plotting import TRAJECTORY_COLORS, _shades
    others = {to_rgb(t) for t in TRAJECTORY_COLORS}
    for colour in _distinct_colours():
        shades = _shades(colour, 5)
        own = [s for s in shades if to_rgb(s) not in others or to_rgb(s) == to_rgb(colour)]
        assert len(own) >= 3, colour
        for s in own:
            assert wcag_contrast_on_white(s) >= WCAG_NON_TEXT, (colour, s)
        for x, y in itertools.combinations(shades, 2):
            assert np.abs(np.subtract(to_rgb(x), to_rgb(y))).max() >= 0.1, (colour, x, y)


@pytest.mark.parametrize("vision", sorted(set(SIMULATION) - {"normal vision"}))
def test_every_two_methods_apart_under_each_deficiency(vision):
    """Every two methods by CIEDE2000 under each simulated deficiency: the methods figures compare most at least
    COMPARED_APART_SIMULATED apart, every two at least METHODS_APART_SIMULATED (gd's vermillion and altmomentum's
    dark yellow were 2.2 apart to a protanope, proximal's and rmsprop's colours 0.8 to a deuteranope)."""
    names = [m for m in _methods() if m not in ALIASES]
    gaps = {(a, b): ciede2000(_lab(METHOD_COLORS[a], vision), _lab(METHOD_COLORS[b], vision))
            for a, b in itertools.combinations(names, 2)}
    close = {p: round(d, 1) for p, d in gaps.items()
             if d < (COMPARED_APART_SIMULATED if set(p) <= set(COMPARED) else METHODS_APART_SIMULATED)}
    assert not close, f"method colours hard to tell apart under {vision} (CIEDE2000): {close}"


def test_wcag_contrast_of_known_colours():
    """The contrast as WCAG's examples and tools give it: black 21:1, white 1:1, #777777 4.48:1, Tol's bright yellow
    1.95:1."""
    assert wcag_contrast_on_white("black") == pytest.approx(21.0)
    assert wcag_contrast_on_white("white") == pytest.approx(1.0)
    assert wcag_contrast_on_white("#777777") == pytest.approx(4.48, abs=0.01)
    assert wcag_contrast_on_white("#CCBB44") == pytest.approx(1.95, abs=0.01)


def test_the_library_computes_the_contrast_as_wcag():
    from gandynamics.plotting import contrast_on_white
    rng = np.random.default_rng(2)
    for c in [tuple(c) for c in rng.random((50, 3))] + ["black", "white", "0.5"]:
        assert contrast_on_white(c) == pytest.approx(wcag_contrast_on_white(c), rel=1e-3)


# ------------------------------------------------------------------------ the other colours figures draw lines in
#: every two trajectory colours at least this far apart, CIEDE2000 (a figure of nine runs without method colours)
TRAJECTORIES_APART = 20.0


def _declared_colours():
    """``{table: [colours]}``: every colour table of the library and the studies a line or marker is drawn in where
    no method colour applies (each table's colours drawn together in one figure)."""
    from gandynamics import plotting
    from gandynamics._palette import CYAN
    from gandynamics.studies import asymmetric, bifurcation, nie_patel, r1_manifold
    return {"TRAJECTORY_COLORS": list(TRAJECTORY_COLORS),
            "asymmetric variants": [c for _, _, c in asymmetric._variants()],
            "bifurcation curves": sorted(set(bifurcation.COLORS.values())),
            "nie_patel methods": list(nie_patel.COLORS),
            "r1_manifold closed form": [r1_manifold.CLOSED_FORM_COLOR, "black", METHOD_COLORS["gd"]],
            "rate_maps closed form": [CYAN],
            "zero lines": [plotting.ZERO_LINE_COLOR],
            "nullclines": [to_rgb(plotting.NULLCLINE_COLOR) + (plotting.NULLCLINE_ALPHA,)]}


def _over_white(colour):
    from matplotlib.colors import to_rgba
    r, g, b, a = to_rgba(colour)
    return tuple(c * a + 1 - a for c in (r, g, b))


@pytest.mark.parametrize("table", sorted(_declared_colours()))
def test_every_declared_line_colour_has_3_to_1_and_its_table_is_told_apart(table):
    """Okabe and Ito's orange (2.25:1) and sky blue (2.31:1), tab:olive (2.0:1) and tab:cyan (2.26:1) were trajectory
    colours; the asym figures' "Tikhonov only", JARE's consensus, the fold curves drew orange; the nullclines were
    2.2:1 (a figure review).  Every colour of every table at least 3:1 on white as drawn (with its alpha), every two
    of one table at least METHODS_APART apart by CIEDE2000."""
    colours = [_over_white(c) for c in _declared_colours()[table]]
    low = {str(c): round(wcag_contrast_on_white(c), 2) for c in colours if wcag_contrast_on_white(c) < WCAG_NON_TEXT}
    assert not low
    close = {(str(a), str(b)): round(seen_apart(a, b), 1) for a, b in itertools.combinations(colours, 2)
             if seen_apart(a, b) < METHODS_APART}
    assert not close


def test_every_two_trajectory_colours_apart():
    """Nine runs without a method colour in one portrait: every two trajectory colours TRAJECTORIES_APART apart."""
    gaps = {(a, b): round(seen_apart(a, b), 1) for a, b in itertools.combinations(TRAJECTORY_COLORS, 2)}
    assert {p: d for p, d in gaps.items() if d < TRAJECTORIES_APART} == {}
    assert len(set(map(to_rgb, TRAJECTORY_COLORS))) == len(TRAJECTORY_COLORS) == 9
