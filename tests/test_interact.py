"""gandynamics.interact driven headless: widget values in, redrawn numbers out, checked against independent
computations (closed-form R1 spectrum, numpy spectral radius, a plain-NumPy GD loop); no recompilation."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

import gandynamics  # noqa: E402
from gandynamics import R1, VectorField, games  # noqa: E402
from gandynamics.errors import GandynamicsError  # noqa: E402

RTOL, ATOL = 1e-9, 1e-9


@pytest.fixture(scope="module")
def fld():
    return VectorField(games.dirac(), [R1(gamma=0.3)])


def _r1_eigs(g, fp=0.5):
    r = complex(g * g / 4 - fp * fp) ** 0.5
    return np.sort_complex(np.array([-g / 2 + r, -g / 2 - r]))


def _gd_numpy(z0, h, steps, gamma):
    """Plain-NumPy GD on the R1 Dirac-GAN: F = (psi s(-psi theta), -theta s(-psi theta) + gamma psi)."""
    s = lambda t: 1 / (1 + np.exp(-t))
    z = np.array(z0, float)
    out = [z.copy()]
    for _ in range(steps):
        th, ps = z
        F = np.array([ps * s(-ps * th), -th * s(-ps * th) + gamma * ps])
        z = z - h * F
        out.append(z.copy())
    return np.array(out)


def _generated():
    """Generated modules imported so far, and the numba signatures compiled in each."""
    out = {}
    for name, m in list(sys.modules.items()):
        if name.startswith("gandynamics_gen_"):
            out[name] = {k: len(getattr(v, "signatures", ())) for k, v in vars(m).items() if hasattr(v, "signatures")}
    return out


def test_sliders_drive_the_redraw_without_recompiling(fld):
    ex = gandynamics.interact(fld, methods=("gd",), steps=40, step=0.1)
    assert set(ex.sliders) == {"gamma", "step"} and set(ex.checkboxes) >= {"gd", "altgd", "eg", "flow"}
    before = _generated()
    n0 = ex.redraws
    ex.sliders["gamma"].value = 0.9
    assert ex.redraws == n0 + 1
    np.testing.assert_allclose(np.sort_complex(ex.data["eigenvalues"]), _r1_eigs(0.9), rtol=RTOL, atol=ATOL)
    ex.sliders["step"].value = 0.25
    h = ex.data["step"]
    np.testing.assert_allclose(h, 0.25, rtol=1e-12, atol=0)  # FloatLogSlider rounds to its grid
    # the local rate of GD: spectral radius of I - h DF(0) (independent: numpy on the closed-form DF)
    DF = np.array([[0.0, 0.5], [-0.5, 0.9]])
    rho = np.max(np.abs(np.linalg.eigvals(np.eye(2) - h * DF)))
    np.testing.assert_allclose(ex.data["rates"]["gd"], rho, rtol=RTOL, atol=ATOL)
    # the drawn trajectory is the GD orbit for the slider values (plain NumPy loop)
    np.testing.assert_allclose(ex.data["trajectories"]["gd"], _gd_numpy(ex.data["start"], h, 40, 0.9),
                               rtol=1e-10, atol=1e-12)
    line = [ln for ln in ex.axes[0].get_lines() if ln.get_label() == "gd"][0]
    np.testing.assert_allclose(line.get_xdata(), ex.data["trajectories"]["gd"][:, 0], rtol=0, atol=0)
    # the direction field on the plane is v = -F at the new gamma
    X, Y, U, V = ex.data["field_grid"]
    s = 1 / (1 + np.exp(Y * X))
    np.testing.assert_allclose(U, -Y * s, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(V, X * s - 0.9 * Y, rtol=1e-10, atol=1e-12)
    # nothing re-derived nor recompiled: no new generated module, no new numba signature (short runs and point
    # evaluations are interpreted: gandynamics.runs.engine.choose_engine, VectorField.point_module)
    assert _generated() == before


@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_method_checkboxes_and_click(fld):
    ex = gandynamics.interact(fld, methods=("gd",), steps=20, step=0.1)
    ex.checkboxes["altgd"].value = True
    ex.checkboxes["gd"].value = False
    assert ex.data["methods"] == ["altgd"] and set(ex.data["rates"]) == {"altgd"}
    labels = [ln.get_label() for ln in ex.axes[0].get_lines()]
    assert "altgd" in labels and "gd" not in labels
    n0 = ex.redraws
    ex.on_click(SimpleNamespace(inaxes=ex.axes[0], xdata=-0.7, ydata=0.4))
    assert ex.redraws == n0 + 1  # one redraw for the two coordinates
    np.testing.assert_allclose(ex.data["start"], [-0.7, 0.4], rtol=0, atol=1e-15)
    np.testing.assert_allclose(ex.data["trajectories"]["altgd"][0], [-0.7, 0.4], rtol=0, atol=1e-15)
    ex.on_click(SimpleNamespace(inaxes=ex.axes[1], xdata=5.0, ydata=5.0))  # other panels: ignored
    np.testing.assert_allclose(ex.data["start"], [-0.7, 0.4], rtol=0, atol=1e-15)


def test_bad_input(fld):
    with pytest.raises(GandynamicsError, match="unknown method"):
        gandynamics.interact(fld, methods=("nope",))
    with pytest.raises(GandynamicsError, match="ranges"):
        gandynamics.interact(fld, ranges={"beta": (0, 1)})


def test_the_explorer_of_a_larger_game_slices_through_the_starred_zero():
    """A reviewer's 4-parameter game declared with equilibrium=None, its zero at (1, 1, 1, 1) (F = (u - 1 + w - 1,
    a - 1, w - 1 - (u - 1), b - 1), by hand): the explorer sliced through 0 while its portrait starred (1, 1), where v
    on that slice is (0, 1).  Its slice now passes through the zero it stars."""
    import sympy as sp

    from gandynamics import Game
    u, w, a, b = sp.symbols("u w a b", real=True)
    g = Game(theta=[u, a], psi=[w, b], loss_g=(u - 1)**2 / 2 + (a - 1)**2 / 2 + (u - 1) * (w - 1),
             loss_d=(w - 1)**2 / 2 + (b - 1)**2 / 2 - (u - 1) * (w - 1), equilibrium=None)
    f = VectorField(g)
    ex = gandynamics.interact(f, methods=["gd"])
    np.testing.assert_allclose(ex.center, [1.0, 1.0, 1.0, 1.0], atol=1e-12)
    stars = [np.ravel(ln.get_xydata()) for ln in ex.axes[0].lines if ln.get_marker() == "*"]
    assert len(stars) == 1
    np.testing.assert_allclose(stars[0], [1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(f.eval_F(ex.center, f.param_vector()), 0.0, atol=1e-12)
    # ... and its window is centred on that zero (HALF_WIDTH each side; it was (-2, 2) whatever the zero)
    from gandynamics.plotting import HALF_WIDTH
    np.testing.assert_allclose(ex.xlim, (1.0 - HALF_WIDTH, 1.0 + HALF_WIDTH), atol=1e-12)
    np.testing.assert_allclose(ex.axes[0].get_ylim(), (1.0 - HALF_WIDTH, 1.0 + HALF_WIDTH), atol=1e-12)


def test_methods_joined_by_commas_are_the_list_of_them(fld):
    """``methods="gd,eg"`` (as sweep, rates and classify take it) checks both boxes; it said "unknown method"."""
    by_text = gandynamics.interact(fld, methods="gd,eg", steps=20, step=0.1)
    by_list = gandynamics.interact(fld, methods=["gd", "eg"], steps=20, step=0.1)
    assert by_text.data["methods"] == by_list.data["methods"] == ["gd", "eg"]
    np.testing.assert_array_equal(by_text.data["trajectories"]["eg"], by_list.data["trajectories"]["eg"])
    with pytest.raises(GandynamicsError, match="no empty ones"):
        gandynamics.interact(fld, methods="gd,")
