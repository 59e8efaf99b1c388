"""The method colours stay apart for readers with a colour-vision deficiency.

Independent of the palette's own claim: each colour is passed through Machado, Oliveira and Fernandes' simulation of
protanopia, deuteranopia and tritanopia (IEEE TVCG 15(6), 2009, severity 1, applied to linear sRGB) and the
simulated colours are compared by their CIE 1976 colour difference in CIELAB (D65 white).
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


def test_the_check_finds_the_old_red_and_green():
    """The simulation tells gd's former red and eg's former green apart in normal vision, not in deuteranopia."""
    assert difference("tab:red", "tab:green", "normal vision") > 100
    assert difference("tab:red", "tab:green", "deuteranopia") < APART / 2


def test_lab_of_white_and_black():
    assert np.allclose(_lab("white", "normal vision"), [100, 0, 0], atol=0.05)
    assert np.allclose(_lab("black", "normal vision"), [0, 0, 0], atol=1e-9)
