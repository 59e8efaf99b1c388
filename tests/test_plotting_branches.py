"""Bifurcation diagrams (gandynamics.plotting._branches) and `continue --plot`: the branch drawn solid where stable and
dashed where not, split at the located event, against closed forms of the saddle-node and Hopf normal forms."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from gandynamics import Game, VectorField  # noqa: E402
from gandynamics.analysis.continuation import continuation  # noqa: E402
from gandynamics.cli import main  # noqa: E402
from gandynamics.errors import GandynamicsError  # noqa: E402
from gandynamics.plotting import branch_diagram  # noqa: E402


@pytest.fixture(scope="module")
def saddle_node():
    """F = (x^2 - mu, y): x = +sqrt(mu) stable (J = -DF has -2x, -1), x = -sqrt(mu) unstable, the fold at mu = 0."""
    x, y, mu = sp.symbols("x y mu", real=True)
    fld = VectorField(Game([x], [y], x**3 / 3 - mu * x, y**2 / 2, hyper={mu: 1.0}, equilibrium=(1, 0)))
    return fld, continuation(fld, "mu", 1.0, -1.0, start=(1.0, 0.0))


def _curves(ax):
    return [(ln.get_linestyle(), np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float))
            for ln in ax.lines if ln.get_linestyle() != "None"]


def test_the_saddle_node_branch_is_solid_where_stable_dashed_where_not_split_at_the_fold(saddle_node):
    fld, br = saddle_node
    ax = branch_diagram(br, names=fld.names, title="saddle-node")
    try:
        curves = _curves(ax)
        solid = [c for c in curves if c[0] == "-"]
        dashed = [c for c in curves if c[0] != "-"]
        assert len(solid) == 1 and len(dashed) == 1
        (_, xs, ys), (_, xd, yd) = solid[0], dashed[0]
        # the closed form of each part: x = +sqrt(mu) stable, x = -sqrt(mu) unstable
        np.testing.assert_allclose(ys**2, xs, rtol=0, atol=1e-8)
        np.testing.assert_allclose(yd**2, xd, rtol=0, atol=1e-8)
        assert np.all(ys >= -1e-6) and np.all(yd <= 1e-6)
        # both end at the fold (mu, x) = (0, 0), the event the branch located
        (fold,) = [e for e in br.events if e.type == "fold"]
        assert (xs[-1], ys[-1]) == (fold.value, fold.point[0]) == (xd[0], yd[0])
        markers = [ln for ln in ax.lines if ln.get_linestyle() == "None"]
        assert len(markers) == 1 and markers[0].get_marker() == "s"
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert texts[:2] == ["stable", "unstable"] and texts[2].startswith("fold (LP) at $\\mu$ = ")
        assert ax.get_ylabel() == "$x$ on the branch"  # (the coordinate that varies: x, not y = 0)
    finally:
        plt.close("all")


def test_a_coordinate_is_chosen_by_name_or_index_and_others_refused(saddle_node):
    fld, br = saddle_node
    for c in ("y", 1):
        ax = branch_diagram(br, c, fld.names)
        assert all(np.allclose(y, 0.0) for _, _, y in _curves(ax))
        plt.close("all")
    for bad in ("z", 2, True, 1.5):
        with pytest.raises(GandynamicsError, match="coordinate"):
            branch_diagram(br, bad, fld.names)
    plt.close("all")


def test_continue_plot_draws_the_hopf_point_with_its_criticality(capsys, tmp_path, saved_figures):
    """The Hopf normal form (sigma = -1): the origin stable for beta < 0, a supercritical Hopf point at beta = 0."""
    out = tmp_path / "h.png"
    assert main(["continue", "hopf", "--vary", "beta=-1:1", "--plot", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"figure written to {out}" in text and out.read_bytes()[:4] == b"\x89PNG"
    (_, title, lines, keys), = saved_figures
    assert " ".join(title.split()).startswith("hopf (β varies")
    assert keys == ["stable", "unstable", "Hopf (H) at $\\beta$ = 0, supercritical"]
    solid = [x for ls, x, _ in lines if ls == "-"]
    assert len(solid) == 1 and solid[0].max() == pytest.approx(0.0, abs=1e-12) and solid[0].min() == -1.0


@pytest.mark.parametrize("argv, said", [
    (["--plot", "{d}/x.gif"], "the extension must be .png, .pdf or .svg"),
    (["--plot", "{d}/no/x.png"], "does not exist"),
    (["--plot", "{d}/x.png", "--vary2", "omega=0.5:2"], "--plot does nothing here"),
    (["--plot-coordinate", "x"], "--plot-coordinate does nothing here"),
    (["--plot", "{d}/x.png", "--plot-coordinate", "z"], "--plot-coordinate 'z': not a parameter of hopf")])
def test_continue_plot_is_refused_before_anything_is_computed(capsys, tmp_path, count_calls, argv, said):
    import importlib
    calls = count_calls(importlib.import_module("gandynamics.analysis.continuation"), "continuation")
    code = main(["continue", "hopf", "--vary", "beta=-1:1"] + [a.format(d=tmp_path) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("gandynamics: error: ") and said in err and len(err.strip().splitlines()) == 1
    assert calls[0] == 0
