"""Tests of gandynamics.plotting: the numbers behind each drawing against closed forms of docs/mathematics.md
(computed here, independently of the library), and the drawings' basic contract (returns ax, labels)."""

import math
import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gandynamics import GandynamicsError, VectorField, games  # noqa: E402
from gandynamics.plotting import (critical_strength, convergence, direction_field, eigenvalue_locus,  # noqa: E402
                                  factor_data, factors, locus_data, phase_portrait, rate_colorbar, rate_grid, rate_map,
                                  symbol)
from gandynamics.regularizers import R1, Consensus, NagarajanKolter  # noqa: E402

FP = 0.5  # f'(0) of the standard loss (docs/mathematics.md §1.1)


def fprime(t):
    return 1.0 / (1.0 + np.exp(t))  # f'(t) = sigmoid(-t)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def dirac():
    return VectorField(games.dirac(), [])


@pytest.fixture(scope="module")
def dirac_r1():
    return VectorField(games.dirac(), [R1()])


def test_symbol():
    assert symbol("theta") == r"$\theta$"
    assert symbol("psi2") == r"$\psi_{2}$"
    assert symbol("gamma_co") == r"$\gamma_{co}$"
    assert symbol("eps") == r"$\varepsilon$"
    assert symbol("a") == "$a$"


def test_direction_field_matches_dirac_closed_form(dirac):
    # v = (-psi f'(psi theta), theta f'(psi theta))  (docs/mathematics.md §1.1)
    X, Y, U, V = direction_field(dirac, xlim=(-2, 2), ylim=(-1.5, 1.5), n=9)
    t = X * Y
    assert np.allclose(U, -Y * fprime(t), atol=1e-14, rtol=0)
    assert np.allclose(V, X * fprime(t), atol=1e-14, rtol=0)


def test_direction_field_slice_of_a_higher_dimensional_game():
    fld = VectorField(games.dirac_nd(2), [])
    c = np.array([0.3, 0.0, 0.0, 0.2])  # (theta1, theta2, psi1, psi2)
    X, Y, U, V = direction_field(fld, plane=("theta1", "psi2"), center=c, n=5)
    # dirac-nd: v_theta = -psi f'(psi.theta), v_psi = theta f'(psi.theta) with the other coordinates at c
    for a in range(5):
        for b in range(5):
            th = np.array([X[a, b], 0.0])
            ps = np.array([0.0, Y[a, b]])
            s = fprime(ps @ th)
            assert U[a, b] == pytest.approx(-ps[0] * s, abs=1e-14)
            assert V[a, b] == pytest.approx(th[1] * s, abs=1e-14)


def test_phase_portrait_contract(dirac):
    traj = np.array([[1.0, 1.0], [0.5, 1.2], [0.0, 1.0]])
    ax = phase_portrait(dirac, trajectories=[("test", traj)], arrows=True, nullclines=True, clip=1.0, speed=True)
    assert ax.get_xlabel() == r"$\theta$" and ax.get_ylabel() == r"$\psi$"
    assert ax.get_aspect() == 1.0
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "test" in labels and "start" in labels and "equilibrium" in labels
    assert any("forbidden" in s for s in labels)
    line = [ln for ln in ax.get_lines() if ln.get_label() == "test"][0]
    assert np.array_equal(line.get_xydata(), traj)


@pytest.mark.parametrize("kw, quiver, stream", [({}, False, True), ({"arrows": True}, True, False),
                                                ({"arrows": True, "streamlines": True}, True, True),
                                                ({"streamlines": False}, False, False),
                                                ({"arrows": True, "speed": True}, True, True)])  # speed colours them
def test_arrows_replace_the_streamlines_as_on_the_command_line(dirac, kw, quiver, stream):
    # a new user's arrows=True drew the quiver over the streamlines, where the CLI's --arrows draws it instead of them
    from matplotlib.collections import LineCollection
    from matplotlib.quiver import Quiver
    ax = phase_portrait(dirac, **kw)
    assert any(isinstance(c, Quiver) for c in ax.collections) == quiver
    assert any(isinstance(c, LineCollection) and len(c.get_segments()) > 20 for c in ax.collections) == stream
    plt.close(ax.figure)


def test_speed_widens_the_streamlines_with_the_speed(dirac):
    """Shown speed is the streamlines' shade and width (a grey scale alone was not read): the segments' widths grow
    with the speeds they are coloured by, which lie within the direction field's speeds."""
    from matplotlib.collections import LineCollection
    ax = phase_portrait(dirac, speed=True, n=21)
    lc = ax.speed_lines
    assert isinstance(lc, LineCollection)
    widths, values = np.asarray(lc.get_linewidths(), float), np.asarray(lc.get_array(), float)
    assert widths.size == values.size > 20
    order = np.argsort(values)
    assert np.all(np.diff(widths[order]) >= -1e-12) and widths.max() - widths.min() > 1.0
    X, Y, U, V = direction_field(dirac, n=21)
    assert values.max() <= np.hypot(U, V).max() + 1e-12 and values.min() >= 0.0


def test_speed_colorbar_below_the_axes_and_legend_beside(dirac):
    # the colorbar was drawn right of the axes, where constrained layout pushed it past the outside legend and
    # squeezed the square axes between them
    fig, ax = plt.subplots(figsize=(5.2, 5.0), layout="constrained")
    phase_portrait(dirac, trajectories=[("test", np.array([[1.0, 1.0], [0.0, 0.0]]))], speed=True, ax=ax)
    fig.canvas.draw()
    box = ax.get_position()
    cax = ax.speed_colorbar.ax
    cb = cax.get_position()
    leg = ax.get_legend().get_window_extent().transformed(fig.transFigure.inverted())
    assert cb.y1 <= box.y0 and cb.width > cb.height            # a horizontal bar under the plot
    assert leg.x0 >= box.x1                                     # the legend right of the plot, not over it
    assert box.width >= 0.5                                     # the plot keeps at least half the figure's width
    plt.close(fig)


def test_phase_portrait_rejects_bad_input(dirac):
    with pytest.raises(GandynamicsError, match="unknown parameter"):
        phase_portrait(dirac, plane=("theta", "nope"))
    with pytest.raises(GandynamicsError, match="shape"):
        phase_portrait(dirac, trajectories=[("bad", np.zeros((3, 3)))])


def test_locus_matches_r1_closed_form(dirac_r1):
    g = np.linspace(0, 1.5, 16)
    vals, eigs = locus_data(dirac_r1, "gamma", g)
    for gi, e in zip(g, eigs):
        ref = np.array([-gi / 2 + s * np.sqrt(complex(gi * gi / 4 - FP * FP)) for s in (1, -1)])  # docs/mathematics.md §1.7
        assert np.max(np.min(np.abs(e[:, None] - ref[None, :]), axis=1)) < 1e-7


def test_critical_strength_is_two_fprime(dirac_r1):
    c = critical_strength(dirac_r1, "gamma", (0.0, 1.5))
    assert c["value"] == pytest.approx(2 * FP, abs=1e-6)       # docs/mathematics.md §1.7: gamma_crit = 2 f'(0)
    assert c["abscissa"] == pytest.approx(-FP, abs=1e-6)


def test_a_minimum_at_the_ranges_end_is_no_critical_strength(dirac_r1):
    """The abscissa of the R1 Dirac-GAN falls as gamma rises to 2 f'(0) = 0.5 (docs/mathematics.md §1.7): on
    [0, 0.3] its smallest value is at the end, no critical strength (a new user read "critical gamma = 2" for the end
    of a range); on [0, 1.5] it is inside."""
    end = critical_strength(dirac_r1, "gamma", (0.0, 0.3))
    assert not end["interior"] and end["value"] == pytest.approx(0.3, abs=1e-6)
    assert critical_strength(dirac_r1, "gamma", (0.0, 1.5))["interior"]
    ax = eigenvalue_locus(games.dirac(), R1(), "gamma", np.linspace(0, 0.3, 4))
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("no interior minimum" in s for s in texts) and not any(s.startswith("critical") for s in texts), texts
    plt.close("all")


def test_eigenvalue_locus_draws_computed_points(dirac_r1):
    g = np.linspace(0, 1.5, 7)
    ax = eigenvalue_locus(games.dirac(), R1(), "gamma", g)
    pts = ax.collections[0].get_offsets()
    assert len(pts) == 14
    assert ax.get_xlabel() == r"Re $\lambda$"
    assert any("critical" in t.get_text() for t in ax.get_legend().get_texts())


def test_factor_data_closed_forms():
    g = np.array([0.5, 1.0, 2.0])
    d = factor_data(games.dirac(), {"CO": Consensus(), "NK": NagarajanKolter(), "none": None}, "gamma", g)
    # consensus: -gamma f'^2 ± i f' (docs/mathematics.md §1.5) -> xi = 1/(gamma f'), kappa = 1
    assert np.allclose(d["CO"]["phase"], 1 / (g * FP), rtol=1e-9)
    assert np.allclose(d["CO"]["conditioning"], 1.0, rtol=1e-9)
    # NK with eta = gamma/2: -eta f'^2 ± i sqrt(f'^2 - eta^2 f'^4) (docs/mathematics.md §1.8)
    eta = g / 2
    assert np.allclose(d["NK"]["phase"], np.sqrt(FP**2 - eta**2 * FP**4) / (eta * FP**2), rtol=1e-9)
    assert np.all(np.isinf(d["none"]["phase"]))
    ax = factors(games.dirac(), None, "gamma", g, data=d, which="conditioning")
    assert "conditioning" in ax.get_ylabel()
    with pytest.raises(GandynamicsError):
        factors(games.dirac(), None, "gamma", g, data=d, which="nope")


@pytest.mark.parametrize("seed", range(4))
def test_factor_curves_and_triangles_that_coincide_are_both_seen(seed):
    """The figure review of jare-factors: JARE's conditioning equals SimGD's (its line hid under the dashed reference),
    and consensus and JARE turn real at the same strength (one triangle hid the other).  Generated: curves equal to
    an earlier one get markers and no line; triangles at one strength are stacked, each above the last; curves and
    triangles apart are drawn as before."""
    from matplotlib.colors import to_rgba
    rng = np.random.default_rng(seed)
    g = np.logspace(-2, 1, 40)
    base = 4.0 / (1.0 + g * rng.uniform(0.5, 2.0))
    other = 4.0 / (1.0 + g * 7.0)
    cut = int(rng.integers(20, 35))
    real = lambda y: np.where(np.arange(g.size) >= cut, 0.0, y)  # noqa: E731  (a phase factor 0 from there on)
    d = {"none": {"values": g, "phase": np.full(g.size, 4.0)},
         "real": {"values": g, "phase": np.zeros(g.size)},       # real throughout: no point on the log axis
         "A": {"values": g, "phase": real(base)},
         "B": {"values": g, "phase": real(base * (1 + 1e-6))},   # on A, turning real where A does
         "C": {"values": g, "phase": other}}                      # apart, never real
    ax = factors(games.dirac(), None, "gamma", g, data=d, which="phase")
    try:
        lines = {ln.get_label(): ln for ln in ax.get_lines()}
        assert lines["B"].get_linestyle() == "None" and lines["B"].get_marker() not in (None, "None", "")
        assert lines["A"].get_linestyle() == "-" and lines["C"].get_linestyle() == "-"
        tri = [ln for ln in ax.get_lines() if ln.get_label() == "_real_from"][1:]  # (the first: "real", at g[0])
        assert len(tri) == 2 and tri[0].get_xdata()[0] == tri[1].get_xdata()[0] == g[cut]
        # drawn at different heights in display space (the second above the first)
        y0, y1 = (t.get_transform().transform((t.get_xdata()[0], 0.0))[1] for t in tri)
        assert y1 > y0 + 4.0
        assert to_rgba(tri[0].get_color()) != to_rgba(tri[1].get_color())
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("scale", ["linear", "log"])
def test_triangles_that_overlap_on_either_axis_scale_are_stacked(scale):
    """A reviewer's finding: factors draws a linear x axis, but stacked triangles only within 2 % of the span in
    decades: at 0.01 and 0.16 of 0.01..10 (1.2 decades apart, 5.5 pixels on the linear axis) one hid the other.
    Whatever the caller makes of the axis, no two triangles overlap (drawn at least a marker apart, in pixels)."""
    g = np.logspace(-2, 1, 40) if scale == "log" else np.linspace(0.01, 10, 40)
    d = {"none": {"values": g, "phase": np.full(g.size, 4.0)}}
    for k, cut in enumerate((0, 1, 2, 20, 39)):
        d[f"m{k}"] = {"values": g, "phase": np.where(np.arange(g.size) >= cut, 0.0, 3.0 - 0.1 * k)}
    ax = factors(games.dirac(), None, "gamma", g, data=d, which="phase")
    try:
        for axis_scale in ("linear", "log"):
            ax.set_xscale(axis_scale)
            ax.figure.canvas.draw()
            tri = [ln for ln in ax.get_lines() if ln.get_label() == "_real_from"]
            at = np.array([t.get_transform().transform((t.get_xdata()[0], 0.0)) for t in tri])
            size = tri[0].get_markersize() * ax.figure.dpi / 72.0
            for i in range(len(at)):
                for j in range(i):
                    assert np.max(np.abs(at[i] - at[j])) >= 0.8 * size, (axis_scale, i, j, at[i], at[j])
    finally:
        plt.close(ax.figure)


def test_rate_grid_is_gd_spectral_radius(dirac_r1):
    G = np.array([0.3, 0.8, 1.6])
    H = np.array([0.1, 1.0, 3.0])
    R = rate_grid(dirac_r1, "gd", G, H)
    for j, g in enumerate(G):
        lam = np.array([-g / 2 + s * np.sqrt(complex(g * g / 4 - FP * FP)) for s in (1, -1)])  # eig of J = Dv
        for i, h in enumerate(H):
            assert R[i, j] == pytest.approx(np.max(np.abs(1 + h * lam)), abs=1e-12)  # I + hJ (docs/mathematics.md §1.9)


def test_rate_map_contour_is_the_closed_form_limit(dirac_r1):
    import contourpy
    G = np.linspace(0.05, 0.95, 19)
    H = np.linspace(0.02, 4.5, 113)
    R = rate_grid(dirac_r1, "gd", G, H)
    lines = contourpy.contour_generator(G, H, R).lines(1.0)
    V = np.vstack(lines)
    # GD stable iff h < gamma / f'(0)^2 for gamma <= 2 f'(0) (docs/mathematics.md §1.9)
    assert np.max(np.abs(V[:, 1] - V[:, 0] / FP**2)) < (H[1] - H[0])
    ax = rate_map(dirac_r1, "gd", G, H, rho=R, measured=([0.5], [1.0], [0.9]))
    assert "rate" in ax.figure.axes[-1].get_ylabel()
    with pytest.raises(GandynamicsError, match="shape"):
        rate_map(dirac_r1, "gd", G, H, rho=R[:-1])


def test_convergence_draws_predicted_slope():
    k = np.arange(100)
    d = 2.0 * 0.9**k
    ax = convergence([("m", d)], rates={"m": 0.9})
    pred = [ln for ln in ax.get_lines() if "predicted" in ln.get_label()][0]
    x, y = pred.get_xdata(), pred.get_ydata()
    assert np.allclose(np.diff(np.log(y)) / np.diff(x), math.log(0.9))
    assert np.allclose(y, 2.0 * 0.9**x)  # anchored on the curve
    assert ax.get_yscale() == "log"


def test_a_certified_rate_is_named_a_bound_and_an_unknown_kind_refused():
    """The basin figure's dashed lines are certified upper bounds: its legend said "predicted" (a reviewer's finding)."""
    d = 2.0 * 0.9 ** np.arange(50)
    ax = convergence([("m", d)], rates={"m": 0.95}, rate_kind="certified")
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "certified $\\rho$ \u2264 0.9500" in labels and not any("predicted" in lab for lab in labels)
    with pytest.raises(GandynamicsError, match="rate_kind must be one of predicted, certified"):
        convergence([("m", d)], rates={"m": 0.95}, rate_kind="bound")


@pytest.mark.slow  # 1.6 s with warm caches on the 2-core CI machine
def test_portrait_cli(tmp_path, capsys):
    from gandynamics.cli import main
    out = tmp_path / "p.png"
    assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd,altgd", "--init", "1,1",
                 "--steps", "200", "--out", str(out)]) == 0
    assert out.stat().st_size > 10000
    for bad in (["--out", str(tmp_path / "p.txt")], ["--plane", "theta,zz", "--out", str(out)],
                ["--methods", "nope", "--out", str(out)], ["--init", "1", "--out", str(out)],
                ["--xlim", "2,1", "--out", str(out)]):
        capsys.readouterr()
        assert main(["portrait", "dirac"] + bad) == 2
        err = capsys.readouterr().err
        assert err.startswith("gandynamics: error:") and err.count("\n") == 1


# ---------------------------------------------------------------------------------------------- trust at a glance
from matplotlib.colors import to_rgba  # noqa: E402

from gandynamics.plotting import (MIN_SHARE, STREAM_COLOR, TRAJECTORY_COLORS, animate, describe, portrait_title,  # noqa: E402
                                  save_animation)


def _data_bbox(ax):
    """The axes' data area in display coordinates."""
    ax.figure.canvas.draw()
    return ax.get_window_extent()


def _legend_overlaps_data(ax) -> bool:
    leg = ax.get_legend()
    if leg is None:
        return False
    data = _data_bbox(ax)  # draws first: constrained layout places axes and legend at draw time
    return leg.get_window_extent().overlaps(data)


def test_titles_name_regularizers_and_strengths():
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    assert describe(fld) == "dirac + R1(γ = 0.3)"
    assert describe(fld, {"gamma": 1.25}) == "dirac + R1(γ = 1.25)"  # the values drawn, not the defaults
    two = VectorField(games.dirac(loss="lsgan"), [Consensus(gamma=0.2), R1(gamma=1.0)])
    assert describe(two) == "dirac (lsgan) + consensus(γ = 0.2) + R1(γ = 1)"
    assert portrait_title(fld, None, ["gd", "altgd"], 0.2) == "dirac + R1(γ = 0.3): gd, altgd, h = 0.2"
    t = portrait_title(fld, None, ["gd", "flow"], 0.2)
    assert t == "dirac + R1(γ = 0.3): gd, h = 0.2; flow"
    assert "h =" not in portrait_title(fld, None, ["flow"], 0.2)
    ax = phase_portrait(fld, n=9)
    assert ax.get_title() == "dirac + R1(γ = 0.3)"


def test_portrait_cli_title_and_flow(tmp_path):
    from gandynamics.cli import main
    seen = {}
    orig = plt.Figure.savefig

    def spy(self, *a, **k):
        seen["title"] = self.axes[0].get_title()
        return orig(self, *a, **k)
    plt.Figure.savefig = spy
    try:
        assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "flow", "--steps", "20",
                     "--out", str(tmp_path / "f.png")]) == 0
    finally:
        plt.Figure.savefig = orig
    assert seen["title"] == "dirac + R1(γ = 0.3): flow, t ≤ 4"
    # the horizon is the flow's: 20 records 0.2 apart end at t = 4 (solve_ivp on the same F here)
    from scipy.integrate import solve_ivp
    from gandynamics import R1, simulate
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    tr = simulate(fld, "flow", [1.0, 1.0], 20, 0.2)
    ref = solve_ivp(lambda t, z: -fld.eval_F(z), (0.0, 4.0), [1.0, 1.0], rtol=1e-11, atol=1e-12).y[:, -1]
    np.testing.assert_allclose(tr.final, ref, rtol=1e-5, atol=1e-7)  # (the flow's own tolerance; t = 2 is 0.3 away)


def test_zero_field_plane_is_said_on_the_figure():
    fld = VectorField(games.make_game("lq-wgan"), [])
    c = fld.equilibrium
    ax = phase_portrait(fld, n=11, xlim=(c[0] - 1, c[0] + 1), ylim=(c[2] - 1, c[2] + 1),
                        plane=(fld.names[0], fld.names[2]))
    X, Y, U, V = direction_field(fld, None, (fld.names[0], fld.names[2]), None, (c[0] - 1, c[0] + 1), (c[2] - 1, c[2] + 1), 11)
    assert np.all(U == 0) and np.all(V == 0)  # the premise: v's components along the plane vanish on this slice
    # but not v: b and w2 move at the window's corners (a figure review: "v = 0" was said of such a plane)
    z = c.copy()
    z[0], z[2] = c[0] + 1, c[2] + 1
    Fz = fld.interpreted.field(z, fld.param_vector(None), np.empty(4))
    across = float(np.hypot(Fz[1], Fz[3]))
    assert across > 0.01
    (note,) = [w for w in ax.warnings if "no component along" in w]
    assert "points out of it" in note and "v = 0" not in ax.get_title()
    # a plane with a field says nothing
    ax2 = phase_portrait(VectorField(games.dirac(), []), n=9)
    assert ax2.warnings == []


def test_a_field_zero_on_the_whole_slice_is_said_to_be_zero():
    """A slice where every component of v vanishes: F = (s^2 w, 2 s u w, -s u) is 0 on the whole plane s = 0."""
    import sympy as sp
    from gandynamics import Game
    u, s, w = sp.symbols("u s w")
    g = Game([u, s], [w], s**2 * u * w, -s * u * w, name="flat-slice", equilibrium=[0.0, 0.0, 0.0])
    fld = VectorField(g, [])
    ax = phase_portrait(fld, n=9, plane=("u", "w"), center=np.zeros(3), xlim=(-1, 1), ylim=(-1, 1))
    assert any("v = 0 identically" in w_ for w_ in ax.warnings)


def _fd_coupling(fld):
    """|DF_ij| + |DF_ji| between generator i and discriminator j, DF by central differences of F at the declared
    equilibrium (independent of the generated Jacobian)."""
    n, nt, z0 = fld.n, fld.n_theta, fld.equilibrium.astype(float)
    p, out, h = fld.param_vector(None), np.empty(fld.n), 1e-6
    J = np.empty((n, n))
    for k in range(n):
        e = np.zeros(n)
        e[k] = h
        J[:, k] = (np.array(fld.interpreted.field(z0 + e, p, out)) - np.array(fld.interpreted.field(z0 - e, p, out))) / (2 * h)
    return np.abs(J[:nt, nt:]) + np.abs(J[nt:, :nt]).T


@pytest.mark.parametrize("name", ["lq-wgan", "gaussian-mean", "dirac-nd", "data-line",
                                  pytest.param("jare-gaussian", marks=pytest.mark.slow),
                                  pytest.param("mlp", marks=pytest.mark.slow)])
def test_the_default_plane_is_the_most_coupled_pair_and_shows_motion(name):
    """The default plane of a larger game: the generator and discriminator parameters most strongly coupled at the
    equilibrium (mlp's first generator and first discriminator parameter have no field along them through its
    equilibrium: an empty figure, a figure review)."""
    from gandynamics.plotting import default_plane
    fld = VectorField(games.make_game(name), [])
    C = _fd_coupling(fld)
    x, y = default_plane(fld)
    i, j = fld.names.index(x), fld.names.index(y) - fld.n_theta
    assert i < fld.n_theta <= fld.names.index(y)
    assert C[i, j] >= C.max() * (1 - 1e-6)
    X, Y, U, V = direction_field(fld, n=7)
    assert np.nanmax(np.hypot(U, V)) > 1e-3


def test_trajectories_leaving_the_slice_share_one_note():
    # two trajectories that leave the slice: both in ax.warnings, one sentence in the title (it was repeated
    # once per trajectory and pushed the titles of r1_manifold_leave_line into each other)
    fld = VectorField(games.dirac_nd(2), [])
    S = np.array([[1.0, 0.0, 1.0, 0.0], [0.9, 0.3, 0.8, 0.0]])
    T = np.array([[1.0, 0.0, 1.0, 0.0], [0.9, 0.5, 0.8, 0.0]])
    ax = phase_portrait(fld, n=9, trajectories=[("gd", S), ("flow", T)])
    assert len(ax.warnings) == 2
    title = ax.get_title()
    assert title.count("slice (") == 1 and "gd and flow leave the slice" in title.replace("\n", " ")
    assert "up to 0.5" in title.replace("\n", " ")
    plt.close(ax.figure)
    # deviations of different orders: each named with its own (one "up to" the largest read as both far off)
    T = np.array([[1.0, 0.0, 1.0, 0.0], [0.9, 500.0, 0.8, 0.0]])
    ax = phase_portrait(fld, n=9, trajectories=[("gd", S), ("flow", T)])
    title = " ".join(ax.get_title().split())
    assert "gd (by up to 0.3) and flow (by up to 500) leave the slice" in title, title
    plt.close(ax.figure)


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
@pytest.mark.slow  # 1.4 s with warm caches on the 2-core CI machine
def test_trajectory_leaving_the_slice_is_said():
    fld = VectorField(games.dirac_nd(2), [])
    S = np.array([[1.0, 0.0, 1.0, 0.0], [0.9, 0.3, 0.8, 0.0]])  # theta2 moves off the slice theta2 = 0
    ax = phase_portrait(fld, n=9, trajectories=[("m", S)])
    assert any("leaves the slice" in w and "0.3" in w for w in ax.warnings)
    ax = phase_portrait(fld, n=9, trajectories=[("m", S * np.array([1, 0, 1, 0]))])
    assert ax.warnings == []
    # the animation's phase plane says the same
    from types import SimpleNamespace
    anim = animate(fld, trajectories=[("m", SimpleNamespace(states=S, times=np.arange(2)))], frames=2, data_panel=False)
    ax = anim._fig.axes[0]
    assert any("leaves the slice" in w for w in ax.warnings) and "leaves the slice" in ax.get_title()
    import gc

    import matplotlib.pyplot as plt
    plt.close(anim._fig)
    del anim, ax
    gc.collect()  # the unrendered animation is deleted here, under this test's filter (not during a later test)


def test_trajectory_colours_differ_from_streamlines_and_each_other(dirac):
    S = np.array([[1.0, 1.0], [0.5, 0.9], [0.2, 0.4]])
    trs = [(f"t{k}", S * (1 + 0.1 * k)) for k in range(9)]
    ax = phase_portrait(dirac, n=11, trajectories=trs)
    cols = [to_rgba(ln.get_color()) for ln in ax.get_lines() if ln.get_label().startswith("t")]
    assert len(cols) == 9 and len(set(cols)) == 9
    grey = to_rgba(STREAM_COLOR)
    stream = [c for c in ax.collections]
    assert stream, "streamlines drawn"
    sc = {tuple(np.round(c, 6)) for coll in stream for c in coll.get_colors()} if hasattr(stream[0], "get_colors") else set()
    for c in cols:
        assert c != grey and tuple(np.round(c, 6)) not in sc
        r, g, b, _ = c
        assert max(r, g, b) - min(r, g, b) > 0.15  # saturated: never a grey
    for name in TRAJECTORY_COLORS:
        r, g, b, _ = to_rgba(name)
        assert max(r, g, b) - min(r, g, b) > 0.15


@pytest.mark.slow  # 1.4 s with warm caches on the 2-core CI machine
def test_legends_never_cover_data(dirac, dirac_r1):
    S = np.array([[1.0, 1.0], [0.5, 0.9], [0.2, 0.4]])
    ax = phase_portrait(dirac, n=11, trajectories=[("a", S), ("b", -S)])
    assert ax.get_legend() is not None and not _legend_overlaps_data(ax)
    k = np.arange(50)
    ax = convergence([(f"m{j}", 2.0 * (0.9 - 0.05 * j) ** k) for j in range(3)], rates={"m0": 0.9})
    assert not _legend_overlaps_data(ax)
    ax = eigenvalue_locus(dirac_r1, None, "gamma", np.linspace(0.1, 2, 8), critical=False)
    assert not _legend_overlaps_data(ax)
    G, H = np.linspace(0.1, 2, 6), np.linspace(0.1, 3, 5)
    ax = rate_map(dirac_r1, "gd", G, H, measured=(G[:2], H[:2], [0.5, 0.9]))
    assert not _legend_overlaps_data(ax)
    ax = factors(games.dirac(), {"R1": R1(), "consensus": Consensus()}, "gamma", np.linspace(0.1, 2, 5))
    assert not _legend_overlaps_data(ax)


def test_zero_phase_factor_is_marked_not_drawn_on_the_log_axis():
    # R1 on the Dirac-GAN: the pair becomes real at gamma = 2 f'(0) = 1 (docs/mathematics.md §1.7), xi = 0 beyond
    g = np.linspace(0.25, 2.0, 8)
    ax = factors(games.dirac(), {"R1": R1()}, "gamma", g)
    curve = [ln for ln in ax.get_lines() if ln.get_label() == "R1"][0]
    y = np.asarray(curve.get_ydata(), float)
    assert np.all(np.isnan(y[g >= 1.0])) and np.all(y[g < 1.0] > 0)
    mark = [ln for ln in ax.get_lines() if ln.get_label() == "_real_from"]
    assert len(mark) == 1 and float(mark[0].get_xdata()[0]) == g[np.argmax(g >= 1.0)]
    assert any("eigenvalues real" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(ax.figure)


def test_predicted_line_drawn_above_the_measured_one():
    k = np.arange(100)
    ax = convergence([("m", 2.0 * 0.9**k)], rates={"m": 0.9})
    meas = [ln for ln in ax.get_lines() if ln.get_label() == "m"][0]
    pred = [ln for ln in ax.get_lines() if "predicted" in ln.get_label()][0]
    assert pred.get_zorder() > meas.get_zorder() and pred.get_linewidth() < meas.get_linewidth()
    # a darker shade of the run's colour keeps the dashes visible on the measured curve, which shows on both sides
    # (a white halo wider than the measured line made every measured curve look dashed: the figure review)
    from matplotlib.colors import to_rgb
    assert not pred.get_path_effects()
    # (its run's hue, at most 0.35 of its brightness: a dark red dash at 0.55 was lost on a red curve where the two
    # coincide, the JARE convergence figure's review)
    shade, full = np.array(to_rgb(pred.get_color())), np.array(to_rgb(meas.get_color()))
    ratio = shade[full > 0] / full[full > 0]  # (Okabe and Ito's blue has no red)
    assert np.all(shade[full == 0] == 0) and np.allclose(ratio, ratio[0]) and ratio[0] <= 0.35
    assert pred.get_linestyle() not in ("-", "solid")


def test_rate_maps_share_one_colour_scale(dirac_r1):
    G, H = np.linspace(0.1, 2, 6), np.linspace(0.1, 3, 5)
    a1 = rate_map(dirac_r1, "gd", G, H)
    a2 = rate_map(dirac_r1, "eg", G, H)
    n1, n2 = a1.rate_mesh.norm, a2.rate_mesh.norm
    assert (n1.vmin, n1.vcenter, n1.vmax) == (n2.vmin, n2.vcenter, n2.vmax) == (0.0, 1.0, 1.5)
    with pytest.raises(GandynamicsError, match="rho = 1"):
        rate_map(dirac_r1, "gd", G, H, vmin=1.2)


@pytest.mark.parametrize("vmin, vmax", [(0.0, 1.5), (0.0, 3.0), (0.5, 1.2), (-1.0, 2.0)])
def test_the_rate_scale_is_finer_towards_one_below_it(vmin, vmax):
    """The figure review: on a linear scale the stable regions (rates 0.9 to 0.99 at small steps) were white.  Below 1
    the scale is 0.5 - 0.5 sqrt((1 - rho) / (1 - vmin)), above it linear (closed forms), monotone, 1 at the middle,
    the ends at 0 and 1, beyond them below 0 and above 1 (the colormap's under and over colours); inverse(norm(x)) =
    x."""
    from gandynamics.plotting import rate_norm
    n = rate_norm(vmin, vmax)
    assert (n.vmin, n.vcenter, n.vmax) == (vmin, 1.0, vmax)
    x = np.linspace(vmin, vmax, 1001)
    y = np.asarray(n(x))
    assert np.all(np.diff(y) > 0) and y[0] == 0.0 and y[-1] == 1.0 and float(n(1.0)) == 0.5
    ref = np.where(x < 1, 0.5 - 0.5 * np.sqrt(np.clip(1 - x, 0, None) / (1 - vmin)), 0.5 + 0.5 * (x - 1) / (vmax - 1))
    np.testing.assert_allclose(y, ref, rtol=0, atol=1e-15)
    np.testing.assert_allclose(n.inverse(y), x, rtol=0, atol=1e-12)
    assert float(n(vmin - 0.1)) < 0.0 and float(n(vmax + 0.1)) > 1.0  # (under and over: finite)
    # finer near 1 than the linear two-slope scale: 0.95 is a third of the way to the deepest colour, not a tenth
    if vmin == 0.0:
        assert 0.5 - float(n(0.95)) > 3 * 0.5 * 0.05


@pytest.mark.parametrize("vmin, vmax", [(0.0, 1.5), (0.5, 1.2), (0.9, 1.1), (-1.0, 2.0), (0.0, 3.0), (0.95, 1.01)])
def test_a_rate_colorbar_labels_both_ends_and_one(dirac_r1, vmin, vmax):
    """A reviewer's finding: the fixed ticks left a custom scale's end unlabelled (0.5 to 1.2: nothing above 1).  Every
    rate colorbar has a tick at each end and at 1, labelled with its value, and no two ticks closer than
    RATE_TICK_GAP of the bar."""
    from gandynamics.plotting import RATE_TICK_GAP, rate_map
    g, h = np.linspace(0.1, 1.5, 4), np.linspace(0.1, 3.0, 3)
    ax = rate_map(dirac_r1, "gd", g, h, rho=np.full((3, 4), 0.9), vmin=vmin, vmax=vmax)
    try:
        cb = ax.figure.axes[-1]
        ticks = list(cb.get_yticks())
        labels = [t.get_text() for t in cb.get_yticklabels()]
        for end in (vmin, 1.0, vmax):
            assert any(abs(t - end) <= 1e-12 for t in ticks), (end, ticks)
        assert [float(x.replace("\u2212", "-")) for x in labels] == pytest.approx(ticks)
        norm = ax.rate_mesh.norm
        pos = sorted(float(norm(t)) for t in ticks)
        assert all(b - a >= RATE_TICK_GAP - 1e-12 for a, b in zip(pos, pos[1:])), (ticks, pos)
    finally:
        plt.close(ax.figure)


def _expected_extend(values, vmin, vmax):
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    low, high = bool((v < vmin).any()), bool((v > vmax).any())
    return "both" if low and high else "min" if low else "max" if high else "neither"


@pytest.mark.parametrize("seed", [0] + [pytest.param(k, marks=pytest.mark.slow) for k in range(1, 8)])  # (1.2 s each)
def test_a_rate_colorbar_has_an_arrow_at_each_end_the_rates_pass(dirac_r1, seed):
    # the kind: a colour scale clipped at vmax (rho up to inf on the rate maps) had colorbars with plain ends; maps of
    # random rates, some beyond either end (inf, NaN, measured squares too), on their own and sharing one colorbar
    rng = np.random.default_rng(seed)
    G, H = np.linspace(0.1, 2, 5), np.linspace(0.1, 3, 4)
    vmin, vmax = 0.2, 1.5
    fig, axes = plt.subplots(1, 3, layout="constrained")
    every = []
    for ax in axes:
        R = rng.uniform(0.3, 1.4, (H.size, G.size))
        cells = rng.integers(0, R.size, 3)
        R.flat[cells] = rng.choice([0.0, 0.1, 2.0, np.inf, np.nan], 3) if rng.random() < 0.7 else R.flat[cells]
        meas = rng.choice([0.5, 0.9, np.inf, 0.05], 2) if rng.random() < 0.5 else np.array([0.5, 0.9])
        rate_map(dirac_r1, "gd", G, H, rho=R, measured=(G[:2], H[:2], meas), vmin=vmin, vmax=vmax, ax=ax)
        want = _expected_extend(np.concatenate([R.ravel(), meas]), vmin, vmax)
        assert ax.rate_mesh.get_cmap().colorbar_extend == want
        cbs = [a for a in fig.axes if a not in axes and a.get_label() == "<colorbar>"]
        assert cbs[-1]._colorbar.extend == want  # this panel's own colorbar
        every.append(want)
    fig2, axes2 = plt.subplots(1, 3, layout="constrained")
    for ax, src in zip(axes2, axes):
        R = src.rate_mesh.get_array().reshape(H.size, G.size)  # (clipped: the extend is carried by the colormap)
        rate_map(dirac_r1, "gd", G, H, rho=R, vmin=vmin, vmax=vmax, ax=ax, colorbar=False)
        ax.rate_mesh.set_cmap(src.rate_mesh.get_cmap())
    cb = rate_colorbar(axes2)
    ends = {e for w in every for e in (("min", "max") if w == "both" else (w,))} - {"neither"}
    assert cb.extend == ("both" if len(ends) == 2 else ends.pop() if ends else "neither")
    plt.close(fig)
    plt.close(fig2)


def test_rate_colorbar_needs_rate_maps():
    fig, ax = plt.subplots()
    with pytest.raises(GandynamicsError, match="rate_map"):
        rate_colorbar([ax])
    plt.close(fig)


def test_log_axis_ticks_are_plain_numbers_on_short_ranges():
    k = np.arange(30)
    ax = convergence([("m", 0.5 + 0.4 * 0.9**k)])  # spans well under a decade
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all("10^" not in s and "times" not in s for s in labels)
    lo, hi = ax.get_ylim()
    shown = [float(s) for s in labels]
    assert sum(lo <= v <= hi for v in shown) >= 2  # at least two readable ticks within the range


def test_jare_factor_data_singular_is_the_2norm_condition_number():
    from gandynamics.regularizers import JARE
    # (LQ-WGAN: a condition number that moves with gamma, 2.03 / 3.16 / 3.94 here and 2 without JARE;
    # jare-gaussian's derivations took 3 s of a cold run for the same check)
    g = games.make_game("lq-wgan")
    vals = np.array([0.1, 1.0, 5.0])
    d = factor_data(g, {"none": None, "JARE": JARE()}, "gamma", vals)
    for j, gam in enumerate(vals):
        f = VectorField(g, [JARE(gamma=float(gam))])
        np.testing.assert_allclose(d["JARE"]["singular"][j], np.linalg.cond(f.eval_J(g.equilibrium)),
                                   rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(d["none"]["singular"], np.linalg.cond(VectorField(g, []).eval_J(g.equilibrium)),
                               rtol=1e-9, atol=1e-12)
    ax = factors(g, None, "gamma", vals, which="singular", data=d)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), d["JARE"]["singular"], rtol=0, atol=0)
    assert "sigma" in ax.get_ylabel()


# ---------------------------------------------------------------------------------------------- animations
@pytest.mark.slow  # draws and encodes an animation, ~5 s: in CI's `-m slow` run
def test_animation_frames_and_first_last_frame_data(tmp_path):
    from gandynamics.simulate import simulate
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    anim = animate(fld, ["gd", "altgd"], init=(1.0, 1.0), steps=90, step=0.2, frames=10)
    idx = list(anim.frame_indices)  # (paced by the steps and the motion: animation_data)
    assert idx[0] == 0 and idx[-1] == 90 and idx == sorted(idx) and len(idx) == 10
    for (label, tr, _), (line, head) in zip(anim.trajectories, anim.artists):
        ref = simulate(fld, label, (1.0, 1.0), 90, 0.2).states  # an independent run of the same method
        anim.update(0)
        np.testing.assert_allclose(np.c_[line.get_xdata(), line.get_ydata()], ref[:1], rtol=0, atol=0)
        anim.update(9)
        np.testing.assert_allclose(np.c_[line.get_xdata(), line.get_ydata()], ref, rtol=0, atol=0)
        np.testing.assert_allclose(np.c_[head.get_xdata(), head.get_ydata()], ref[-1:], rtol=0, atol=0)
    # the data panel: generated atom at theta_k, D(x) = psi_k x (the Dirac-GAN's discriminator)
    ax2 = anim._fig.axes[1]
    (label, tr, _), = anim.trajectories[:1]
    z = tr.states[-1]
    stems = [c for c in ax2.collections if "generated (gd)" in str(c.get_label())][0]
    np.testing.assert_allclose(stems.get_segments()[0][:, 0], [z[0], z[0]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(stems.get_segments()[0][:, 1], [0.0, 1.0], rtol=0, atol=1e-15)
    assert anim.data_axes[0] is ax2
    dl = [ln for ln in anim.data_axes[1].get_lines() if ln.get_label() == "D(x) (gd)"][0]
    np.testing.assert_allclose(dl.get_ydata(), z[1] * dl.get_xdata(), rtol=1e-12, atol=1e-14)
    out = save_animation(anim, tmp_path / "a.gif", fps=5)
    from PIL import Image
    with Image.open(out) as im:
        assert im.n_frames == 10
    assert not list(tmp_path.glob(".*tmp*"))


def test_the_generated_stems_of_runs_in_one_colour_keep_their_line_styles():
    """Two starts of one method in one colour (the portrait's styles per start): the data panel's stems had one style,
    their legend entries identical (a new user's trial); each now has its run's line style."""
    from gandynamics.simulate import simulate
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    runs = [(f"gd from {z0}", simulate(fld, "gd", z0, 20, 0.2), "tab:red", style)
            for z0, style in (((1.0, 1.0), "-"), ((-1.5, 0.5), "--"))]
    anim = animate(fld, trajectories=runs, frames=3)
    stems = [c for c in anim._fig.axes[1].collections if str(c.get_label()).startswith("generated (gd from")]
    assert len(stems) == 2
    solid, dashed = (st.get_linestyle()[0] for st in stems)
    assert solid[1] is None and dashed[1] is not None  # (matplotlib's (offset, dashes): None for a solid line)
    anim._draw_was_started = True  # (its panels are what is tested here: no "deleted without rendering" warning)
    plt.close(anim._fig)


def test_animation_of_a_game_without_data_shows_distance_and_F():
    fld = VectorField(games.bilinear(), [])
    anim = animate(fld, ["eg"], init=(1.0, 1.0), steps=40, step=0.2, frames=5)
    ax2 = anim._fig.axes[1]
    anim.update(4)
    tr = anim.trajectories[0][1]
    dist = [ln for ln in ax2.get_lines() if ln.get_label() == "eg: distance = ‖F‖"][0]  # (one curve: equal here)
    Fn = [ln for ln in ax2.get_lines() if ln.get_label() == "_eg: ‖F‖"][0]
    np.testing.assert_allclose(dist.get_ydata(), np.linalg.norm(tr.states, axis=1), rtol=1e-12, atol=1e-15)
    # bilinear: F(x, y) = (y, -x), so |F| = |z|
    np.testing.assert_allclose(Fn.get_ydata(), np.linalg.norm(tr.states, axis=1), rtol=1e-12, atol=1e-15)
    assert ax2.get_yscale() == "log"


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_animation_bad_input(tmp_path):
    fld = VectorField(games.bilinear(), [])
    with pytest.raises(GandynamicsError, match="frames"):
        animate(fld, ["gd"], steps=5, frames=1)
    anim = animate(fld, ["gd"], steps=5, frames=2)
    with pytest.raises(GandynamicsError, match=".gif or .mp4"):
        save_animation(anim, tmp_path / "a.avi")
    # a GIF's frame delay is whole hundredths of a second: more than 50 fps is refused (100,000 fps wrote 0 delays,
    # which browsers play at 10 fps); before anything is written
    from gandynamics.plotting import GIF_MAX_FPS
    for fps, said in ((GIF_MAX_FPS + 1, r"^fps 51 is more than a GIF plays: at most 50 .*write an \.mp4 for more$"),
                      (0, r"^fps must be a whole number >= 1, got 0"), (2.5, "whole number")):
        with pytest.raises(GandynamicsError, match=said):
            save_animation(anim, tmp_path / "f.gif", fps=fps)
    assert not list(tmp_path.iterdir())
    from gandynamics.plotting import check_fps
    assert check_fps(29.97, "a.mp4") == 29.97 and check_fps(240, "a.mp4") == 240  # (a video's rate may be a fraction)
    with pytest.raises(GandynamicsError, match="fps must be"):
        check_fps(0, "a.mp4")
    os.mkfifo(tmp_path / "p.gif")   # the rename used to replace the pipe by a regular file
    with pytest.raises(GandynamicsError, match=r"p.gif' is a named pipe, not a regular file"):
        save_animation(anim, tmp_path / "p.gif")
    from matplotlib import animation as mpl_anim
    if not mpl_anim.writers.is_available("ffmpeg"):
        with pytest.raises(GandynamicsError, match="ffmpeg"):
            save_animation(anim, tmp_path / "a.mp4")
    import gc  # the never-rendered animation is collected here, inside this test's filter (collected later, its
    plt.close(anim._fig)  # matplotlib warning landed on whichever test ran then)
    del anim
    gc.collect()


@pytest.mark.slow  # (3-5 s; run in CI's -m slow pass, session 10: the README's command back under 3 min)
def test_portrait_cli_animate(tmp_path, capsys):
    from gandynamics.cli import main
    gif = tmp_path / "a.gif"
    assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd", "--steps", "30",
                 "--out", str(tmp_path / "p.png"), "--animate", str(gif), "--frames", "6"]) == 0
    from PIL import Image
    with Image.open(gif) as im:
        assert im.n_frames == 6
    capsys.readouterr()
    assert main(["portrait", "dirac", "--out", str(tmp_path / "p.png"), "--animate", str(tmp_path / "a.avi")]) == 2
    assert capsys.readouterr().err.startswith("gandynamics: error: --animate")


@pytest.mark.slow  # 5 s: two animations drawn
def test_a_ctrl_c_while_the_frames_are_drawn_leaves_the_portrait_and_animation_as_they_were(tmp_path, capsys,
                                                                                            monkeypatch):
    """portrait --animate wrote the portrait, then drew the frames: a Ctrl-C there left the new portrait beside the
    old animation, a pair of two runs (a new user).  The animation is drawn first: after a Ctrl-C in its frames both
    files hold what they held (bytes compared), the command says so and exits 130; run whole, both are new."""
    import gandynamics.plotting as P
    from gandynamics.cli import main
    png, gif = tmp_path / "p.png", tmp_path / "a.gif"
    argv = ["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd", "--steps", "30", "--out", str(png),
            "--animate", str(gif), "--frames", "4"]
    assert main(argv) == 0
    before = (png.read_bytes(), gif.read_bytes())
    real = P.save_animation

    def ctrl_c(anim, path, **kw):
        real(anim, tmp_path / "elsewhere.gif", **kw)  # (the frames drawn, then the Ctrl-C before the file is moved)
        raise KeyboardInterrupt
    monkeypatch.setattr(P, "save_animation", ctrl_c)
    capsys.readouterr()
    assert main([a.replace("gamma=0.3", "gamma=0.5") for a in argv]) == 130  # (another run)
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (f"gandynamics: interrupted while drawing the frames of {gif}: neither "
                                            f"{png} nor {gif} was written (each keeps what it held)")
    assert (png.read_bytes(), gif.read_bytes()) == before


@pytest.mark.slow  # 1.5 s with warm caches on the 2-core CI machine
def test_animation_inline_html_has_every_frame():
    fld = VectorField(games.bilinear(), [])
    anim = animate(fld, ["gd"], init=(1.0, 0.5), steps=10, step=0.1, frames=4, data_panel=False)
    html = anim.to_jshtml(fps=4)
    assert html.count("frames[") >= 4 and "<img" in html  # one embedded image per frame


def test_describe_composite_regularizer():
    from gandynamics.regularizers import Asymmetric
    fld = VectorField(games.dirac(), [Asymmetric(eps=0.2, gamma=0.5)])
    assert describe(fld) == "dirac + asymmetric(γ = 0.5, ε = 0.2)"


@pytest.mark.slow  # 5.6 s with warm caches on the 2-core CI machine
def test_a_short_log_axis_ends_at_a_labelled_tick_when_that_is_close():
    """``_readable_log`` on log axes of less than three decades (random ends): an end short of the next labelled
    tick by at most a quarter of the span is moved out to it (the phase-factor panel of the JARE figure ran from
    0.2 to 4 with its last label at 2); a farther tick leaves the end where it was; every tick label is plain
    decimal; an inverted axis stays inverted."""
    from gandynamics.plotting import _readable_log
    rng = np.random.default_rng(2)
    for _ in range(60):
        lo = 10 ** rng.uniform(-4, 2)
        hi = lo * 10 ** rng.uniform(0.3, 2.9)
        fig, ax = plt.subplots()
        ax.semilogy([0, 1], [lo, hi])
        ax.set_ylim(lo, hi)
        _readable_log(ax, "y")
        b, t = ax.get_ylim()
        span = math.log10(hi / lo)
        ticks = [v for v in ax.yaxis.get_major_locator().tick_values(lo / 10, hi * 10)]
        assert lo / 10 ** (0.25 * span) * (1 - 1e-12) <= b <= lo and hi <= t <= hi * 10 ** (0.25 * span) * (1 + 1e-12)
        for end, orig in ((t, hi), (b, lo)):
            if end != orig:  # moved: onto a tick
                assert any(math.isclose(end, v, rel_tol=1e-12, abs_tol=0.0) for v in ticks), (lo, hi, end)
        nxt = min(v for v in ticks if v >= hi)  # the next tick above: moved to when within a quarter of the span
        assert (t != hi) == (nxt != hi and math.log10(nxt / hi) <= 0.25 * span), (lo, hi, t, nxt)
        fig.canvas.draw()
        labels = [x.get_text() for x in ax.get_yticklabels() if x.get_text()]
        assert labels and not any("times" in x or "^" in x for x in labels), labels
        plt.close(fig)
    fig, ax = plt.subplots()
    ax.semilogy([0, 1], [0.2, 4])
    ax.set_ylim(4, 0.2)
    _readable_log(ax, "y")
    assert ax.get_ylim() == (4, 0.2)
    plt.close(fig)


def test_the_moved_axis_ends_leave_later_data_on_the_axes():
    """The ends ``_readable_log`` moves out to a labelled tick do not freeze the axis: ``convergence(ax=ax)`` called
    twice on one axes (its documented ``ax=``), or a line added afterwards, is drawn whole (the first version set the
    limits with autoscaling off, so a second curve reaching 3.0 was cut at the first curve's end, 1.0)."""
    fig, ax = plt.subplots()
    first = 0.5 * 0.9 ** np.arange(30)
    convergence([("a", first)], ax=ax, legend="upper right")
    fig.canvas.draw()
    b0, t0 = ax.get_ylim()
    assert math.isclose(b0, 0.02, rel_tol=1e-12, abs_tol=0.0) and math.isclose(t0, 1.0, rel_tol=1e-12, abs_tol=0.0)  # moved, kept when drawn
    second = 3.0 * 0.99 ** np.arange(300)
    convergence([("b", second)], ax=ax, legend="upper right")
    fig.canvas.draw()
    b1, t1 = ax.get_ylim()
    assert b1 <= min(first.min(), second.min()) and t1 >= second.max(), (b1, t1)
    ax.semilogy([0, 10], [100.0, 100.0])
    fig.canvas.draw()
    assert ax.get_ylim()[1] >= 100.0, ax.get_ylim()
    plt.close(fig)


def _drawn_without_layout_warning(draw):
    """Draw (the figure is rendered as a notebook or savefig would) and return the axes and the warnings."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = draw()
        ax.figure.canvas.draw()
    return ax, [str(w.message) for w in caught if "constrained_layout" in str(w.message)]


@pytest.mark.parametrize("kind", ["locus", "locus-critical", "factors", "portrait-below", "convergence-below"])
def test_a_legend_below_never_collapses_the_axes(kind, dirac_r1):
    # a legend row wider than the figure left constrained layout no room: it squeezed the axes of the tutorial's
    # eigenvalue locus (default figure, the critical-strength entry) to a sliver 15 % of the figure wide, with a
    # UserWarning in the page.  Every drawing with its legend below, on its default figure, with long labels:
    long = "a label long enough that two of them side by side are wider than the default figure"
    draws = {
        "locus": lambda: eigenvalue_locus(dirac_r1, None, "gamma", np.linspace(0.0, 1.5, 7), critical=False,
                                          label=long),
        "locus-critical": lambda: eigenvalue_locus("dirac", R1(), "gamma", np.linspace(0.0, 1.5, 31)),
        "factors": lambda: factors(games.dirac(), {long: R1(), long + " (2)": Consensus()}, "gamma",
                                   np.linspace(0.1, 2, 5)),
        "portrait-below": lambda: phase_portrait(dirac_r1, n=11, legend="below", trajectories=[
            (long, np.array([[1.0, 1.0], [0.5, 0.5]])), (long + " (2)", np.array([[-1.0, 1.0], [0.0, 0.5]]))]),
        "convergence-below": lambda: convergence([(long + f" ({j})", 2.0 * (0.9 - 0.05 * j) ** np.arange(60.0))
                                                  for j in range(2)], rates={long + " (0)": 0.9}, legend="below"),
    }
    ax, warned = _drawn_without_layout_warning(draws[kind])
    assert not warned, warned
    leg = ax.get_legend()
    assert leg is not None
    fig_w = ax.figure.bbox.width
    # (0.38: the portrait's key gained its last state's dot, a row that takes 0.40 -> 0.3999 of an equal-aspect
    # portrait's width; the collapse this guards against left 0.15)
    assert ax.get_position().width > 0.38, f"axes {ax.get_position().width:.2f} of the figure wide"
    r = ax.figure.canvas.get_renderer()
    assert leg.get_window_extent(r).width <= fig_w
    if kind.endswith("-below"):  # asked below: under the axes (their x label), not beside them
        assert leg.get_window_extent(r).y1 <= ax.get_window_extent(r).y0



_SLOW = pytest.mark.slow  # (0.7-0.9 s each: one member in the default pass, the others with -m slow)


@pytest.mark.parametrize("entries, chars, legend", [(6, 100, "auto")] + [
    pytest.param(e, c, lg, marks=_SLOW) for e, c in [(2, 120), (6, 100), (8, 60), (12, 40)] for lg in ("auto", "below")
    if (e, c, lg) != (6, 100, "auto")])
def test_a_legend_with_no_room_anywhere_never_collapses_the_axes(entries, chars, legend):
    """Many long entries on the default figure (4.8 x 3.6 in): no side has room, so the legend goes inside the plot,
    in the wrapping and font size that overflow its room the least.  Wrapped ever narrower until one fitted, six
    entries of ~100 characters became a legend taller than the figure, and constrained layout collapsed the axes to
    a strip (with its UserWarning).  The plot keeps MIN_SHARE of the figure each way, the legend lies within the
    figure."""
    def label(j):
        words = (f"run {j}: gradient descent on the regularized Dirac-GAN, a label of many words " * 4).split()
        out = ""
        for w in words:
            if len(out) + len(w) + 1 > chars:
                break
            out = f"{out} {w}".strip()
        return out
    runs = [(label(j), 2.0 * (0.9 - 0.04 * j) ** np.arange(60.0)) for j in range(entries)]
    ax, warned = _drawn_without_layout_warning(lambda: convergence(runs, legend=legend))
    _assert_plot_kept(ax, warned)


@pytest.mark.parametrize("kind", ["portrait", pytest.param("factors", marks=_SLOW)])
def test_other_drawings_with_no_room_for_their_legend_keep_their_plot(kind, dirac_r1):
    """The same for the other drawings whose legend lists what the caller named (the legend's placement is one
    mechanism, plotting._legend_outside / _inside_kw): six entries of ~100 characters on the default figure."""
    long = "a label of many words, long enough that six of them have no room beside, below or inside a small plot"
    starts = [np.array([[0.4 * j - 1.0, 1.0], [0.2 * j - 0.5, 0.5]]) for j in range(6)]
    draws = {
        "portrait": lambda: phase_portrait(dirac_r1, n=9, trajectories=[(f"{long} {j}", z) for j, z in enumerate(starts)]),
        "factors": lambda: factors(games.dirac(), {f"{long} {j}": R1(gamma=0.2 * (j + 1)) for j in range(6)}, "gamma",
                                   np.linspace(0.1, 2, 5)),
    }
    ax, warned = _drawn_without_layout_warning(draws[kind])
    _assert_plot_kept(ax, warned)


def _assert_plot_kept(ax, warned):
    """No layout warning, the plot keeps MIN_SHARE of the library's smallest default figure (4.8 x 3.6 in) each way (a
    drawing that makes its own figure may widen it for the legend: phase_portrait), its legend lies within the figure."""
    assert not warned, warned
    pos, size = ax.get_position(), ax.figure.get_size_inches()
    w, h = pos.width * size[0], pos.height * size[1]
    assert w >= MIN_SHARE * 4.8 and h >= MIN_SHARE * 3.6, (w, h, pos.bounds, size)
    r = ax.figure.canvas.get_renderer()
    leg, fig = ax.get_legend().get_window_extent(r), ax.figure.bbox
    assert fig.x0 - 1 <= leg.x0 and leg.x1 <= fig.x1 + 1 and fig.y0 - 1 <= leg.y0 and leg.y1 <= fig.y1 + 1, (leg, fig)
    plt.close(ax.figure)


def test_convergence_puts_its_legend_below_when_asked_and_beside_by_default():
    """convergence(legend="below") hangs the legend under the axes where by default ("auto") it goes right of them
    (the bilinear study's six long entries beside the plot took 45 % of the figure's width)."""
    runs = [(f"method {j} (h = 0.3)", 2.0 * (0.9 - 0.05 * j) ** np.arange(60.0)) for j in range(3)]
    where = {}
    for legend in ("auto", "below"):
        fig, ax = plt.subplots(figsize=(8.4, 5.6), layout="constrained")
        convergence(runs, rates={"method 0 (h = 0.3)": 0.9}, ax=ax, legend=legend)
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        leg, box = ax.get_legend().get_window_extent(r), ax.get_window_extent(r)
        where[legend] = ("below" if leg.y1 <= box.y0 else "right" if leg.x0 >= box.x1 else "other")
        plt.close(fig)
    assert where == {"auto": "right", "below": "below"}, where


def test_portrait_takes_every_method_option_that_simulate_and_sweep_take(tmp_path):
    """portrait had --n-d and --beta only (no --n-g, --alternating, --la-k, ...): it now adds the same flags from the
    methods' declarations; each chosen method gets the options it declares, and a flag no chosen method takes is
    refused. The trajectory drawn for altgd with --n-g 2 is simulate's (compared on the states, through a spy)."""
    import argparse

    import numpy as np

    from gandynamics.cli import build_parser, main
    from gandynamics.cli.simulate import _method_option_table
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    flags = {cmd: {a.dest for a in sub[cmd]._actions} for cmd in ("simulate", "sweep", "portrait")}
    for name in _method_option_table():
        assert all(name in flags[c] for c in flags), name
    import gandynamics.plotting as P
    seen = {}
    orig = P.phase_portrait

    def spy(*a, **kw):
        seen.update({t[0]: t[1] for t in kw.get("trajectories", ())})
        return orig(*a, **kw)
    P.phase_portrait = spy
    try:
        assert main(["portrait", "dirac", "--reg", "r1", "--methods", "altgd", "--n-g", "2", "--steps", "30",
                     "--init", "0.5,0.5", "--out", str(tmp_path / "p.png")]) == 0
    finally:
        P.phase_portrait = orig
    from gandynamics import R1, VectorField, games, simulate
    ref = simulate(VectorField(games.dirac(), [R1()]), "altgd", [0.5, 0.5], 30, 0.2, n_g=2)
    np.testing.assert_array_equal(next(iter(seen.values())).states, ref.states)


@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_plots_take_trajectories_as_simulate_returns_them_and_refuse_other_items_by_name():
    """phase_portrait(fld, trajectories=[tr]) and convergence([tr]) failed with "'Trajectory' object is not
    subscriptable" (the documented items were (label, tr) tuples; a Trajectory is the obvious first try).  Now a
    Trajectory is an item labelled by its method, in the method's colour; a bad item is a GandynamicsError naming
    what is accepted, for each of the three plots that take trajectories."""
    import matplotlib.pyplot as plt

    import gandynamics as gd
    from gandynamics.errors import GandynamicsError
    from gandynamics.plotting import METHOD_COLORS, animate, convergence, phase_portrait
    fld = gd.VectorField(gd.games.dirac(), [gd.R1()])
    tr = gd.simulate(fld, "eg", [1.0, 0.5], 60, 0.2, engine="interpreted")
    ax = phase_portrait(fld, trajectories=[tr], n=9)
    line = [ln for ln in ax.get_lines() if ln.get_label() == "eg"][0]
    np.testing.assert_array_equal(line.get_xdata(), tr.states[:, 0])
    assert line.get_color() == METHOD_COLORS["eg"]
    ax2 = convergence([tr, ("again", tr)])
    assert [ln.get_label() for ln in ax2.get_lines()][:2] == ["eg", "again"]
    ax3 = convergence(tr)  # one run on its own
    assert ax3.get_lines()[0].get_label() == "eg"
    for bad in ([1.0], [("label",)], 3.0):
        with pytest.raises(GandynamicsError, match="accepted: a Trajectory|must be a list"):
            phase_portrait(fld, trajectories=bad, n=5)
        with pytest.raises(GandynamicsError, match="accepted: a Trajectory|must be a list"):
            convergence(bad)
    with pytest.raises(GandynamicsError, match="accepted: a Trajectory"):
        animate(fld, trajectories=[1.0], frames=2)
    plt.close("all")


def test_titles_name_the_games_own_hyperparameters_as_used():
    """portrait hopf --param beta=-0.3 and portrait hopf were both titled "hopf: gd, h = 0.2" (the regularizers'
    strengths were named, the game's own hyperparameters not).  Members: a game of one hyperparameter at its default
    and away from it, one of three, a GAN with a loss and a regularizer."""
    import gandynamics as gd
    from gandynamics.plotting import describe, portrait_title
    hopf = gd.VectorField(gd.games.make_game("hopf"), [])
    assert portrait_title(hopf, {"beta": -0.3}, ["gd"], 0.2) == "hopf (β = \u22120.3): gd, h = 0.2"  # (the minus sign, not a hyphen)
    assert describe(hopf) == "hopf (β = 0.25)"
    assert describe(gd.VectorField(gd.games.quadratic(), []), {"b": 3}) == "quadratic (a = 1, b = 3, c = 1)"
    assert describe(gd.VectorField(gd.games.dirac(loss="lsgan"), [gd.R1(gamma=0.3)])) == "dirac (lsgan) + R1(γ = 0.3)"


# ---- bad input to the plotting functions of the Python API: one GandynamicsError, never matplotlib's or numpy's own
# error (a new user's trial, session 21: streamplot's "'x' must be strictly increasing", IndexErrors for n=1 and for
# an empty axis, a rate drawn for negative steps)
def _bad_plot_calls():
    from gandynamics import plotting as P
    f = VectorField(games.dirac(), [R1(gamma=0.3)])
    tr = [("gd", np.array([[1.0, 1.0], [0.5, 0.5], [0.25, 0.25]]))]
    return {
        "xlim reversed": lambda: P.phase_portrait(f, xlim=(1, -1)),
        "xlim nan": lambda: P.phase_portrait(f, xlim=(np.nan, 1)),
        "ylim one number": lambda: P.phase_portrait(f, ylim=(1,)),
        "xlim equal": lambda: direction_field(f, xlim=(0.5, 0.5)),
        "n 1": lambda: P.phase_portrait(f, n=1),
        "n 2.5": lambda: P.phase_portrait(f, n=2.5),
        "density negative": lambda: P.phase_portrait(f, density=-1),
        "density text": lambda: P.phase_portrait(f, density="x"),
        "ax text": lambda: P.phase_portrait(f, ax="a"),
        "convergence ax": lambda: convergence(tr, ax=3),
        "rate text": lambda: convergence(tr, rates={"gd": "x"}),
        "rate nan": lambda: convergence(tr, rates={"gd": float("nan")}),
        "locus empty": lambda: eigenvalue_locus(games.dirac(), R1(), "gamma", []),
        "locus nan": lambda: eigenvalue_locus(games.dirac(), R1(), "gamma", [0.1, np.nan]),
        "rate map empty steps": lambda: P.rate_map(f, "gd", [0.1], []),
        "rate map negative steps": lambda: P.rate_map(f, "gd", [0.3], [-0.5, -0.1]),
        "rate map zero step": lambda: P.rate_map(f, "gd", [0.3], [0.0, 0.1]),
        "rate map empty gamma": lambda: P.rate_map(f, "gd", [], [0.1]),
    }


@pytest.mark.parametrize("case", list(_bad_plot_calls()))
def test_bad_input_to_a_plotting_function_is_one_gandynamics_error(case):
    with pytest.raises(GandynamicsError):
        _bad_plot_calls()[case]()
    plt.close("all")


# ---------------------------------------------------------------------------- edge inputs draw something, silently
def _no_warnings(call):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's own warnings would reach the user's terminal
        return call()


@pytest.mark.parametrize("gam,steps", [([0.3], [0.1, 0.2, 1.5]), ([0.1, 0.3, 0.9], [0.2]), ([0.3], [0.1]),
                                       ([0.0], [0.5]), ([0.3, 0.1], [0.4]), ([2.0], [1e-3, 1e-2])])
def test_rate_map_with_one_value_on_an_axis_draws_its_cells(dirac_r1, gam, steps):
    # one strength or one step: matplotlib's cells of width 0 drew an empty map, with two UserWarnings
    ax = _no_warnings(lambda: rate_map(dirac_r1, "gd", gam, steps))
    mesh = ax.rate_mesh
    assert mesh.get_array().size == len(gam) * len(steps)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < x1 and y0 < y1
    assert x0 <= min(gam) and max(gam) <= x1 and y0 <= min(steps) and max(steps) <= y1
    # every cell is inside the window and has an area (a cell of width 0 is not drawn)
    for path in mesh.get_paths():
        v = path.vertices
        assert np.ptp(v[:, 0]) > 0 and np.ptp(v[:, 1]) > 0


@pytest.mark.parametrize("floor", [1e-14, 1e-6, 0.0, 10.0])
def test_convergence_of_runs_with_nothing_above_the_floor_says_so(floor):
    runs = [("at z*", np.zeros(30)), ("tiny", np.full(30, floor / 2)), ("nan", np.full(5, np.nan)),
            ("inf", np.full(5, np.inf))]
    ax = _no_warnings(lambda: convergence(runs, floor=floor))
    labels = dict(zip(("at z*", "tiny", "nan", "inf"), ax.get_legend_handles_labels()[1]))
    assert "\u2264" in labels["at z*"] and "\u2264" in labels["tiny"], labels
    # a run with no finite distance is not said to be below the floor (a reviewer's case: it blew up at once)
    assert labels["nan"] == "nan (no finite distance)" and labels["inf"] == "inf (no finite distance)"
    assert any("every distance" in t.get_text() for t in ax.texts)
    lo, hi = ax.get_ylim()
    assert 0 < lo < hi and (floor == 0 or lo < floor < hi) and ax.get_xlim()[1] >= 29


def test_convergence_of_runs_with_no_finite_distance_says_so():
    ax = _no_warnings(lambda: convergence([("blew up", np.full(5, np.inf)), ("nan", np.full(5, np.nan))]))
    assert all(lab.endswith("(no finite distance)") for lab in ax.get_legend_handles_labels()[1])
    assert [t.get_text() for t in ax.texts] == ["no finite distance"]
    with pytest.raises(GandynamicsError, match="floor"):
        convergence([("x", np.ones(3))], floor=-1.0)


def test_convergence_mixed_runs_name_only_the_empty_one():
    d = 0.9 ** np.arange(50)
    ax = _no_warnings(lambda: convergence([("moves", d), ("at z*", np.zeros(50))], rates={"moves": 0.9}))
    labels = ax.get_legend_handles_labels()[1]
    assert "moves" in labels and any(t.startswith("at z*") and "\u2264" in t for t in labels), labels
    assert not any("every distance" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize("every", [1, 3])
def test_a_run_that_falls_below_the_floor_before_its_end_says_after_which_step(every):
    """EG and EFTP ended at k = 289 of 300 in basin_dirac_convergence, their lines stopping with nothing said (a new
    user): a run whose distances fall below the floor and stay there says in its key after which step (the last one
    drawn, found here by a plain loop); one that rises above it again, or overflows, or never falls below, says
    nothing of it."""
    k = np.arange(61)
    runs = {"falls": 0.5 ** k, "dips": np.where((k > 30) & (k < 40), 1e-20, 1.0),
            "overflows": np.where(k < 50, 0.5 ** k, np.inf), "stays": 0.9 ** k}
    d = {name: v[::every] for name, v in runs.items()}
    ax = _no_warnings(lambda: convergence(list(d.items()), rates={"falls": 0.5}, floor=1e-14, every=every))
    labels = ax.get_legend_handles_labels()[1]
    last = None
    for i, v in enumerate(d["falls"]):
        if v > 1e-14:
            last = i * every
    said = [t for t in labels if t.startswith("falls")]
    from gandynamics.plotting import number_text
    assert said and all(f"(below {number_text(1e-14, '.3g')} after k = {last})" in t for t in said), (last, labels)
    assert all(relations_spaced(t) for t in labels), labels
    for name in ("dips", "overflows", "stays"):
        assert not any(t.startswith(name) and "after k" in t for t in labels), labels


def test_convergence_of_no_run_is_refused_before_a_figure_is_made():
    n = len(plt.get_fignums())
    with pytest.raises(GandynamicsError, match="no trajectories"):
        convergence([])
    assert len(plt.get_fignums()) == n


_SLICE_METHODS = [("gd",), ("gd", "eg"), ("gd", "eg", "eftp"), ("gd", "eg", "eftp", "ogda")]
#: the members of the kind in the default pass (about 1 s each): the reported one (4.6 inches, three methods), the
#: narrowest figure with the longest note, the widest with the shortest; the others under -m slow
_SLICE_DEFAULT = {(4.6, 3), (3.2, 4), (7.0, 1)}


@pytest.mark.parametrize("width, methods", [
    pytest.param(w, m, marks=() if (w, len(m)) in _SLICE_DEFAULT else pytest.mark.slow)
    for w in (3.2, 4.6, 7.0) for m in _SLICE_METHODS])
def test_a_slice_note_in_the_title_stays_within_the_figure(methods, width):
    # a 4-parameter game's trajectories leave the slice: the title's note was cut at both edges of a 4.6-inch
    # figure with three methods (the legend beside the axes moves them, and the centred title, left)
    from gandynamics import simulate
    fld = VectorField(games.make_game("dirac-nd", d=2), [R1(gamma=0.3)])
    runs = [simulate(fld, m, [0.5, 0.3, 0.4, -0.2], steps=30, step=0.3) for m in methods]
    fig, ax = plt.subplots(figsize=(width, 4.2), layout="constrained")
    _no_warnings(lambda: phase_portrait(fld, trajectories=runs, ax=ax, n=11))
    fig.canvas.draw()
    box = ax.title.get_window_extent(fig.canvas.get_renderer())
    assert "note:" in ax.get_title()
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, (ax.get_title(), box, fig.bbox)


@pytest.mark.parametrize("kw,match", [({"anchor": float("nan")}, "anchor"), ({"anchor": 1.5}, "anchor"),
                                      ({"every": 0}, "every"), ({"every": -3}, "every"), ({"every": 2.5}, "every")])
def test_convergence_refuses_a_bad_anchor_or_record_interval(kw, match):
    with pytest.raises(GandynamicsError, match=match):
        convergence([("x", 0.9 ** np.arange(10))], **kw)


def test_a_portrait_stars_the_zero_of_a_game_that_declares_none():
    """A new user's game declared with equilibrium=None (F = (u + 2w + cos u, w - u)): its portrait drew no star while
    analyze and simulate found the zero.  The star is now the zero that find_equilibrium finds, here w = u with
    3u + cos u = 0 (scipy's brentq, independently); the CLI centres its window on it."""
    import sympy as sp
    from scipy.optimize import brentq

    import gandynamics as gd
    from gandynamics.plotting import equilibrium_point, phase_portrait
    u, w = sp.symbols("u w", real=True)
    g = gd.Game(theta=[u], psi=[w], loss_g=u**2 / 2 + 2 * u * w + sp.sin(u), loss_d=w**2 / 2 - u * w, equilibrium=None)
    fld = gd.VectorField(g)
    root = brentq(lambda x: 3 * x + np.cos(x), -1, 0, xtol=1e-14)
    np.testing.assert_allclose(equilibrium_point(fld), [root, root], atol=1e-9)
    fig, ax = plt.subplots()
    try:
        phase_portrait(fld, ax=ax, xlim=(-2, 2), ylim=(-2, 2))
        stars = [ln for ln in ax.lines if ln.get_marker() == "*"]
        assert len(stars) == 1 and stars[0].get_label() == "equilibrium"
        np.testing.assert_allclose(np.ravel(stars[0].get_xydata()), [root, root], atol=1e-9)
    finally:
        plt.close(fig)
    # a field with no zero at all: no star, no error (F = (1, w): u moves at unit speed)
    g0 = gd.Game(theta=[u], psi=[w], loss_g=u, loss_d=w**2 / 2, equilibrium=None)
    assert equilibrium_point(gd.VectorField(g0)) is None


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_the_slice_of_a_larger_game_passes_through_the_starred_zero():
    """A reviewer's 4-parameter game declared with equilibrium=None, its zero at (a, b, c, d) = (0.5, 0.5, 1.5, 1.5)
    (F = (a - 0.5 + d - 1.5, b - 0.5, c - 1.5 + b - 0.5, d - 1.5), solved by hand): the star was drawn at (a, c) =
    (0.5, 1.5) while the plotted slice went through 0, where v is (1.5, 0.5) at that point.  The default slice now
    passes through the starred zero: v vanishes at the star (the direction field's own grid point there), and
    animate's default start is the zero + 1 in the plane."""
    import sympy as sp

    import gandynamics as gd
    from gandynamics.plotting import animation_data, direction_field, equilibrium_point, slice_center
    a, b, c, d = sp.symbols("a b c d", real=True)
    g = gd.Game(theta=[a, b], psi=[c, d], loss_g=(a - 0.5)**2 / 2 + (b - 0.5)**2 / 2 + a * (d - 1.5),
                loss_d=(c - 1.5)**2 / 2 + (d - 1.5)**2 / 2 + (b - 0.5) * c, equilibrium=None)
    fld = gd.VectorField(g)
    np.testing.assert_allclose(equilibrium_point(fld), [0.5, 0.5, 1.5, 1.5], atol=1e-12)
    np.testing.assert_allclose(slice_center(fld), [0.5, 0.5, 1.5, 1.5], atol=1e-12)
    X, Y, U, V = direction_field(fld, None, ("a", "c"), None, (0.0, 1.0), (1.0, 2.0), 3)
    assert X[1, 1] == 0.5 and Y[1, 1] == 1.5
    assert abs(U[1, 1]) < 1e-12 and abs(V[1, 1]) < 1e-12  # v = 0 at the star on the slice drawn
    assert abs(U[0, 0] - 0.5) < 1e-12 and abs(V[0, 0] - 0.5) < 1e-12  # (a, c) = (0, 1) on that slice: v = (0.5, 0.5)
    fig, ax = plt.subplots()
    try:
        gd.plotting.phase_portrait(fld, ax=ax, plane=("a", "c"), xlim=(-1, 2), ylim=(0, 3))
        star = [ln for ln in ax.lines if ln.get_marker() == "*"][0]
        np.testing.assert_allclose(np.ravel(star.get_xydata()), [0.5, 1.5], atol=1e-12)
    finally:
        plt.close(fig)
    anim = gd.plotting.animate(fld, methods=("gd",), steps=5, step=0.1, frames=2, plane=("a", "c"))
    try:
        np.testing.assert_allclose(anim.trajectories[0][1].states[0], [1.5, 0.5, 2.5, 1.5], atol=1e-12)
    finally:
        plt.close(anim._fig)
        del anim  # (collected here, under this test's filter, not during a later test)
        import gc
        gc.collect()


@pytest.mark.parametrize("shift", [(3.0, -1.0), (-40.0, 25.0), (0.0, 0.0)])
@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_the_default_window_is_centred_on_the_zero(shift):
    """The kind: every plane whose window is not given (direction_field, phase_portrait with the star or without it,
    the explorer) is HALF_WIDTH on each side of the zero (the library kept (-2, 2) while the CLI centred: a portrait
    of a game whose zero is at (3, -1) looked at an empty corner); a given window is kept as given.  The games:
    F = (x - p + y - q, y - q - (x - p)), its zero (p, q) by construction."""
    import sympy as sp

    import gandynamics as gd
    from gandynamics.plotting import HALF_WIDTH, direction_field, phase_portrait
    p, q = shift
    x, y = sp.symbols("x y", real=True)
    g = gd.Game(theta=[x], psi=[y], loss_g=(x - p)**2 / 2 + (x - p) * (y - q), loss_d=(y - q)**2 / 2 - (x - p) * (y - q),
                equilibrium=None)
    fld = gd.VectorField(g)
    want_x, want_y = (p - HALF_WIDTH, p + HALF_WIDTH), (q - HALF_WIDTH, q + HALF_WIDTH)
    X, Y, U, V = direction_field(fld, n=5)
    np.testing.assert_allclose((X.min(), X.max(), Y.min(), Y.max()), (*want_x, *want_y), atol=1e-12)
    assert abs(U[2, 2]) < 1e-12 and abs(V[2, 2]) < 1e-12  # the grid's centre is the zero
    for eq in (True, False, [p, q]):
        fig, ax = plt.subplots()
        try:
            phase_portrait(fld, ax=ax, n=7, equilibrium=eq)
            np.testing.assert_allclose(ax.get_xlim(), want_x, atol=1e-12)
            np.testing.assert_allclose(ax.get_ylim(), want_y, atol=1e-12)
            phase_portrait(fld, ax=ax, n=7, xlim=(-1, 1), ylim=(-1, 1))  # given: as given
            np.testing.assert_allclose(ax.get_xlim(), (-1, 1))
        finally:
            plt.close(fig)


@pytest.mark.parametrize("bad", ["bottom", "right", 2, None])
def test_a_legend_place_not_accepted_is_refused(bad):
    """``legend`` is True, False or "below": another value (a new user's "bottom") was accepted silently."""
    from gandynamics import VectorField, games
    from gandynamics.errors import GandynamicsError
    with pytest.raises(GandynamicsError, match="legend must be True, False or 'below'"):
        phase_portrait(VectorField(games.dirac()), legend=bad)


@pytest.mark.parametrize("seed", range(6))
def test_a_trajectory_that_leaves_the_window_is_noted(dirac, seed):
    # the kind: runs spiralling out of the drawn window (m18-fig1's simultaneous GD, panel (a)) were cut at its edge
    # without a word; generated runs, some inside, some crossing an edge of a random window
    rng = np.random.default_rng(seed)
    lo, hi = -float(rng.uniform(1, 3)), float(rng.uniform(1, 3))
    items, out = [], []
    for k in range(int(rng.integers(1, 4))):
        t = np.linspace(0, 1, 50)[:, None]
        end = rng.uniform(lo * 0.9, hi * 0.9, 2)
        if rng.random() < 0.5:  # crossing one edge
            end[int(rng.integers(2))] = (hi if rng.random() < 0.5 else lo) * 1.2
            out.append(f"run{k}")
        items.append((f"run{k}", t * end[None, :] + (1 - t) * np.array([0.1, 0.1])))
    ax = phase_portrait(dirac, trajectories=items, xlim=(lo, hi), ylim=(lo, hi), streamlines=False)
    notes = [w for w in ax.warnings if "the window" in w]
    if not out:
        assert notes == []
    else:
        expect = out[0] if len(out) == 1 else ", ".join(out[:-1]) + " and " + out[-1]
        assert notes == [f"{expect} {'goes' if len(out) == 1 else 'go'} outside the window"]
        assert notes[0] in ax.get_title()
    plt.close(ax.figure)


def test_a_run_with_no_state_inside_the_window_is_said_to_have_none(dirac):
    """A run wholly outside the window (gd and altgd from (1, 1) in a window of +-0.5) is not said to "go outside" it,
    as one drawn in part would be: it has no state inside; the two kinds of run in one figure are said apart."""
    away = np.array([[1.0, 1.0], [1.2, 0.9], [1.5, 0.7]])
    across = np.array([[0.1, 0.1], [1.0, 0.2]])
    ax = phase_portrait(dirac, trajectories=[("gd", away), ("altgd", away + 0.1), ("eg", across)], streamlines=False,
                        xlim=(-0.5, 0.5), ylim=(-0.5, 0.5))
    assert [w for w in ax.warnings if "window" in w] == ["eg goes outside the window",
                                                         "gd and altgd have no state inside the window"]
    plt.close(ax.figure)


def test_unlabelled_trajectories_outside_the_window_are_counted_not_named(dirac):
    far = np.array([[0.1, 0.1], [3.0, 0.0]])
    ax = phase_portrait(dirac, trajectories=[("gd", far), ("_", far), ("_", far)], streamlines=False)
    assert [w for w in ax.warnings if "window" in w] == ["gd and 2 unlabelled trajectories go outside the window"]
    plt.close(ax.figure)


def _marked(ax, label):
    ln = [x for x in ax.get_lines() if x.get_label() == label][0]
    return ln.get_marker() not in ("None", None, "") and ln.get_linestyle() == "None"


@pytest.mark.parametrize("first, second, style, marked", [
    (lambda d: d, lambda d: d * 1.01, None, True),            # a factor 1.01: one line on the other
    (lambda d: d[:100], lambda d: d * 1.02, None, True),      # a longer run over a shorter earlier one
    (lambda d: d, lambda d: d * 1.5, None, False),            # a factor 1.5 apart: two lines to see
    (lambda d: d, lambda d: d * 1.01, "--", False),           # a linestyle given tells them apart already
    (lambda d: d, lambda d: d[::-1].copy(), None, False),     # crossing once: not one on the other
])
def test_a_curve_that_would_hide_an_earlier_one_is_drawn_as_markers_on_it(first, second, style, marked):
    # EFTP's curve lay under OGDA's (one rate on the bilinear game, a factor 1.11 apart over 13 decades)
    d = 0.9 ** np.arange(300.0)  # 13.7 decades
    ax = convergence([("A", first(d)), ("B", second(d), None, style)])
    assert not _marked(ax, "A")
    assert _marked(ax, "B") == marked
    plt.close(ax.figure)


@pytest.mark.parametrize("seed", range(4))
def test_copies_are_marked_and_distant_curves_are_not(seed):
    rng = np.random.default_rng(seed)
    k = np.arange(200.0)
    base = [float(rng.uniform(0.5, 2)) * float(r) ** k for r in rng.uniform(0.85, 0.95, 3)]
    items, want = [], []
    for c, b in enumerate(base):  # distant from each other: a factor of 3 or more at the end
        items.append((f"run{c}", b * 3.0 ** (4 * c)))
        want.append(False)
    for c in range(int(rng.integers(1, 3))):  # copies of a random earlier run within 0.5 %
        src = int(rng.integers(len(base)))
        items.append((f"copy{c}", items[src][1] * float(rng.uniform(0.995, 1.005))))
        want.append(True)
    ax = convergence(items)
    assert [_marked(ax, lab) for lab, _ in items] == want
    plt.close(ax.figure)

def test_a_measured_run_with_no_rate_is_a_cross_not_a_pale_square(dirac_r1):
    # rate-maps: runs settled on a cycle where rho > 1 had a measured "rate" of ~1, a pale square on red
    G, H = np.linspace(0.1, 2, 6), np.linspace(0.1, 3, 5)
    ax = rate_map(dirac_r1, "gd", G, H, measured=([0.3, 0.7, 1.2], [1.0, 3.0, 2.0], [0.9, np.nan, np.inf]))
    from matplotlib.collections import PathCollection
    points = [np.asarray(c.get_offsets()).tolist() for c in ax.collections if isinstance(c, PathCollection)]
    # the square coloured, the cross alone, the diverged run (rate inf) its own triangle (since session 45: it was a
    # square of the scale's top colour keyed "measured rate")
    assert [[0.3, 1.0]] in points and [[0.7, 3.0]] in points and [[1.2, 2.0]] in points
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "no rate (bounded, not converging)" in labels and "measured rate" in labels
    plt.close(ax.figure)


def test_a_run_of_another_field_is_noted_on_the_portrait():
    # a new user's gamma = 0.3 runs were drawn without a word over a gamma = 1 portrait (their paths cross the
    # streamlines shown); a run of the field drawn, or at the params given, gets no note
    import gandynamics as gd
    f3 = VectorField(games.dirac(), [R1(gamma=0.3)])
    f1 = VectorField(games.dirac(), [R1(gamma=1.0)])
    tr = gd.simulate(f3, "gd", [1.0, 1.0], steps=50, step=0.3, engine="interpreted")
    notes = lambda ax: [w for w in ax.warnings if " was run " in w]  # noqa: E731
    ax = phase_portrait(f1, trajectories=[tr], streamlines=False)
    assert notes(ax) == ["gd was run at γ = 0.3; the field drawn is at γ = 1"]
    plt.close(ax.figure)
    for field, params in ((f3, None), (f1, {"gamma": 0.3})):
        ax = phase_portrait(field, params, trajectories=[tr, ("states", tr.states)], streamlines=False)
        assert notes(ax) == []
        plt.close(ax.figure)
    ax = phase_portrait(VectorField(games.bilinear()), trajectories=[tr], streamlines=False)
    assert notes(ax) == ["gd was run on the game dirac, not on the bilinear drawn"]
    plt.close(ax.figure)


@pytest.mark.parametrize("kind", ["certified", "predicted"])
def test_coinciding_rates_are_one_line_the_key_names_as_drawn(kind):
    """The figure review of the basin study: EG's and EFTP's certified lines (0.9911, 0.9913 from one start) were one
    line of alternating dashes, and neither key nor caption said so.  Rates whose lines lie on one another get a key
    entry of their own showing the line as drawn (each member's interleaved dashes, in its colour, on one another) and
    naming the runs and rates (ax.coinciding_rates, for a caption); rates of the same four decimals are said to be
    the same; a rate apart (gd) and lines apart (without the fast run) get none."""
    k = np.arange(300.0)
    runs = [("eftp", 0.7 * 0.9913 ** k), ("eg", 0.7 * 0.9911 ** k), ("gd", 0.9 * 0.9975 ** k), ("fast", 0.7 * 0.9 ** k)]
    rates = {"eftp": 0.9913, "eg": 0.9911, "gd": 0.9975}
    ax = convergence(runs, rates=rates, anchor=0.0, rate_kind=kind, legend="lower left")
    bound = "\u2264" if kind == "certified" else "="
    words = f"eftp and eg: {kind} rates 0.9913 and 0.9911, one line at this scale, its dashes alternating"
    assert [(r, w) for r, w in ax.coinciding_rates] == [([("eftp", 0.9913), ("eg", 0.9911)], words)]
    leg = ax.get_legend()
    texts = [" ".join(t.get_text().split()) for t in leg.get_texts()]  # (a long entry is wrapped to the key's width)
    assert words in texts and sum("one line" in t for t in texts) == 1
    pred = {ln.get_label(): ln for ln in ax.get_lines() if ln.get_label().startswith(kind)}
    drawn = [pred[next(t for t in pred if t.endswith(r))] for r in ("0.9913", "0.9911")]
    from matplotlib.colors import to_rgba
    key_lines = [h for h in leg.findobj(matplotlib.lines.Line2D) if h.get_xydata().size and
                 to_rgba(h.get_color()) in {to_rgba(d.get_color()) for d in drawn} and h.get_linestyle() == "--"]
    patterns = {(to_rgba(h.get_color()), h._unscaled_dash_pattern[0], tuple(h._unscaled_dash_pattern[1]))
                for h in key_lines}
    for d in drawn:  # each member as drawn: its colour, its interleaved offset and dashes
        assert (to_rgba(d.get_color()), d._unscaled_dash_pattern[0], tuple(d._unscaled_dash_pattern[1])) in patterns
    assert drawn[0]._unscaled_dash_pattern[0] != drawn[1]._unscaled_dash_pattern[0]
    plt.close(ax.figure)
    ax = convergence(runs, rates={"eftp": 0.99131, "eg": 0.99129, "gd": 0.9975}, anchor=0.0, rate_kind=kind,
                     legend="lower left")
    same = ("eftp and eg certify the same rate, \u03c1 \u2264 0.9913" if kind == "certified" else
            "eftp and eg: the same predicted rate, \u03c1 = 0.9913")
    assert [w for _, w in ax.coinciding_rates] == [same + ": one line, its dashes alternating"]
    assert bound in same
    plt.close(ax.figure)
    ax = convergence(runs[:3], rates=rates, anchor=0.0, rate_kind=kind, legend="lower left")
    assert ax.coinciding_rates == [] and not any("one line" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(ax.figure)


def test_coinciding_predictions_are_drawn_with_interleaved_dashes():
    """Predicted lines that lie on one another (two methods of nearly one rate from one start: EFTP's under EG's in
    the basin study) get dashes of the same length at different offsets, so both colours show; a prediction apart
    from them keeps the plain dashes.  Without the fast run (1.2 decades) they are apart by a line's width and keep
    them too."""
    k = np.arange(300.0)
    # (a fast run: the plot spans 14 decades, where the two predictions, 0.026 decades apart at the end, are one line)
    runs = [("eftp", 0.7 * 0.9913 ** k), ("eg", 0.7 * 0.9911 ** k), ("gd", 0.9 * 0.9975 ** k), ("fast", 0.7 * 0.9 ** k)]
    ax = convergence(runs, rates={"eftp": 0.9913, "eg": 0.9911, "gd": 0.9975}, anchor=0.0)
    pred = {ln.get_label(): ln for ln in ax.get_lines() if ln.get_label().startswith("predicted")}
    a, b, c = (pred[f"predicted $\\rho$ = {r}"] for r in ("0.9913", "0.9911", "0.9975"))
    (oa, da), (ob, db), (oc, dc) = (ln._unscaled_dash_pattern for ln in (a, b, c))
    assert tuple(da) == tuple(db) and oa != ob  # interleaved: same dashes, shifted
    assert tuple(dc) != tuple(da) and oc == 0  # the gd prediction, far from them, as before
    # each legend entry in its line's own style (the plain dashes of a prediction), not the interleaved pattern
    leg = ax.legend()
    entries = {t.get_text(): h for t, h in zip(leg.get_texts(), leg.legend_handles)}
    for line in (a, b, c):
        h = entries[line.get_label()]
        assert h.get_linestyle() == "--" and h.get_color() == line.get_color()
    plt.close(ax.figure)
    ax = convergence(runs[:3], rates={"eftp": 0.9913, "eg": 0.9911, "gd": 0.9975}, anchor=0.0)
    assert len({tuple(ln._unscaled_dash_pattern[1]) for ln in ax.get_lines() if ln.get_label().startswith("predicted")}) == 1
    plt.close(ax.figure)


def test_coinciding_predictions_alternate_in_colours_told_apart():
    """The figure review of the bilinear figure: EFTP's and OGDA's predictions, one line of alternating dashes, were
    drawn in predicted_shade's 0.3 of each colour, both near-black, the alternation not to be seen.  Interleaved
    predictions are drawn in shades told apart about as well as their runs' colours (at least half the runs' largest
    difference of a channel), each standing out from its run's line (as test_a_predicted_rates_dashes_stand_out_...),
    for every pair of method colours and random colours that are not dark (a dark one, or a dark grey, takes the light
    shade of its predicted_shade, as a lone prediction); a prediction apart from them keeps its predicted shade."""
    import itertools

    from matplotlib.colors import to_rgb
    from gandynamics.plotting import METHOD_COLORS, interleaved_shade, predicted_shade
    rng = np.random.default_rng(5)
    lum = lambda c: 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]  # noqa: E731
    colours = [c for c in [tuple(c) for c in rng.random((60, 3))] + list(dict.fromkeys(METHOD_COLORS.values())) + ["0.6"]
               if predicted_shade(c) == tuple(0.3 * x for x in to_rgb(c))]  # (not dark: a shade of it)
    assert len(colours) > 40
    assert interleaved_shade("0.3") == predicted_shade("0.3") and interleaved_shade("k") == predicted_shade("k")
    for ca, cb in itertools.combinations(colours, 2):
        ra, rb = to_rgb(ca), to_rgb(cb)
        sa, sb = interleaved_shade(ca), interleaved_shade(cb)
        assert max(abs(x - y) for x, y in zip(sa, sb)) >= 0.5 * max(abs(x - y) for x, y in zip(ra, rb)) - 1e-9, (ca, cb)
    for r in map(to_rgb, colours):
        c = interleaved_shade(r)
        assert abs(lum(r) - lum(c)) >= 0.15 or (max(r) - min(r) >= 0.15 and max(abs(x - y) for x, y in zip(r, c)) >= 0.15), r
    # as drawn: EFTP's and OGDA's predictions of one rate, one line, in those shades and wider than a lone prediction
    k = np.arange(300.0)
    ca, cb = METHOD_COLORS["eftp"], METHOD_COLORS["ogda"]
    runs = [("a", 0.7 * 0.9487 ** k, ca), ("b", 0.7 * 0.9487 ** k, cb, ":"), ("c", 0.9 * 0.9975 ** k, ca)]
    ax = convergence(runs, rates={"a": 0.9487, "b": 0.9487, "c": 0.9975}, anchor=0.0)
    pred = [ln for ln in ax.get_lines() if ln.get_label().startswith("predicted")]
    (pa, pb), pc = [ln for ln in pred if "0.9487" in ln.get_label()], next(ln for ln in pred if "0.9975" in ln.get_label())
    assert len(ax.coinciding_rates) == 1
    assert to_rgb(pa.get_color()) == interleaved_shade(ca) and to_rgb(pb.get_color()) == interleaved_shade(cb)
    assert max(abs(x - y) for x, y in zip(to_rgb(pa.get_color()), to_rgb(pb.get_color()))) >= 0.15  # (0.09 before)
    assert pa.get_linewidth() > 1.0 and pb.get_linewidth() > 1.0
    assert to_rgb(pc.get_color()) == predicted_shade(ca) and pc.get_linewidth() == 1.0
    plt.close(ax.figure)


def test_rate_colorbars_say_and_show_where_their_two_slope_scale_splits(dirac_r1):
    """A rate map's colour scale has one slope below rho = 1 and another above it (TwoSlopeNorm): its colorbar, its
    own or the one shared by several panels, says so in its label and draws a line across at 1, without changing
    the bar's limits."""
    from gandynamics.plotting import rate_colorbar, rate_map
    g, h = np.linspace(0.1, 1.5, 6), np.linspace(0.1, 3.0, 5)
    rho = 0.5 + np.outer(h, g) / 3.0  # crosses 1
    ax = rate_map(dirac_r1, "gd", g, h, rho=rho)
    fig = ax.figure
    cbs = [a for a in fig.axes if a is not ax]
    fig2, axes = plt.subplots(1, 2, layout="constrained")
    for a in axes:
        rate_map(dirac_r1, "gd", g, h, rho=rho, ax=a, colorbar=False)
    cb = rate_colorbar(axes)
    for cax, label in ((cbs[0], cbs[0].get_ylabel()), (cb.ax, cb.ax.get_ylabel())):
        assert "split at 1" in label and r"\sqrt" in label, label  # (and the kind of scale below 1: a reviewer)
        lo, hi = cax.get_ylim()
        across = [ln for ln in cax.get_lines() if list(ln.get_ydata()) == [1.0, 1.0]]
        assert across and lo < 1.0 < hi
    plt.close(fig)
    plt.close(fig2)
    fig3, axes = plt.subplots(1, 2, layout="constrained")  # a horizontal bar: the line across it at x = 1
    for a in axes:
        rate_map(dirac_r1, "gd", g, h, rho=rho, ax=a, colorbar=False)
    cb = rate_colorbar(axes, orientation="horizontal")
    lo, hi = cb.ax.get_xlim()
    assert lo < 1.0 < hi and [ln for ln in cb.ax.get_lines() if list(ln.get_xdata()) == [1.0, 1.0]]
    plt.close(fig3)


def test_a_start_is_drawn_in_no_trajectory_colour(dirac_r1):
    """The start was a red dot, and red is gd's colour (METHOD_COLORS) and a trajectory colour: a new user read gd's
    start as part of its path.  It is white edged in black, in the plot and in the legend, whatever the colours."""
    import matplotlib.colors as mcolors
    from gandynamics.plotting import METHOD_COLORS
    trs = [(m, np.array([[1.0, 1.0], [0.5, 0.7], [0.2, 0.3]]), METHOD_COLORS[m]) for m in ("gd", "eg")]
    ax = phase_portrait(dirac_r1, n=9, trajectories=trs)
    starts = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 1 and ln.get_xdata()[0] == 1.0
              and ln.get_marker() == "o" and ln.get_markersize() > 5]
    assert len(starts) == 2
    used = {mcolors.to_rgb(c) for c in list(METHOD_COLORS.values()) + list(TRAJECTORY_COLORS)}
    leg = ax.get_legend()
    keyed = [h for h, t in zip(leg.legend_handles, leg.get_texts()) if t.get_text() == "start"]
    assert len(keyed) == 1
    for ln in starts + keyed:
        assert mcolors.to_rgb(ln.get_markerfacecolor()) == (1.0, 1.0, 1.0) not in used
        assert mcolors.to_rgb(ln.get_markeredgecolor()) == (0.0, 0.0, 0.0)
    plt.close(ax.figure)


@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_portrait_in_the_users_axes_is_titled_with_its_runs_methods_and_step():
    """phase_portrait(ax=...) titled the game alone (a new user); the default title is the command line's: the game,
    the methods of the Trajectory objects drawn, and their step when they share one (a two-timescale pair as such)."""
    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    gd_, eg_, fl = (simulate(fld, m, [1.0, 1.0], 50, 0.2) for m in ("gd", "eg", "flow"))
    fig, ax = plt.subplots()
    assert phase_portrait(fld, trajectories=[gd_, eg_, fl], ax=ax).get_title() == "dirac + R1(γ = 0.3): gd, eg, h = 0.2; flow"
    two = simulate(fld, "gd", [1.0, 1.0], 50, (0.2, 0.1))
    assert phase_portrait(fld, trajectories=[two], ax=ax).get_title() == "dirac + R1(γ = 0.3): gd, h = (0.2, 0.1)"
    # (the step with the discrete methods it belongs to, not after the flow)
    assert phase_portrait(fld, trajectories=[two, fl], ax=ax).get_title() == "dirac + R1(γ = 0.3): gd, h = (0.2, 0.1); flow"
    assert phase_portrait(fld, trajectories=[("mine", two.states)], ax=ax).get_title() == "dirac + R1(γ = 0.3)"
    assert phase_portrait(fld, trajectories=[gd_], title="T", ax=ax).get_title() == "T"
    plt.close(fig)


def _trajectory_lines(ax, labels):
    """The lines of ``ax`` labelled ``labels``, in that order."""
    by = {line.get_label(): line for line in ax.get_lines()}
    return [by[lab] for lab in labels]


def _dashed_apart(lines) -> bool:
    """Whether ``lines`` are drawn apart: one solid (the one the others lie on) under the others, dashed with pairwise
    different dash offsets, none at the solid one's 0 (each shows its colour in turn, the solid one in the gaps)."""
    solid = [line for line in lines if line.get_linestyle() == "-"]
    dashed = [line for line in lines if line.get_linestyle() == "--"]
    offsets = [line._unscaled_dash_pattern[0] for line in dashed]
    return (len(solid) == 1 and len(dashed) == len(lines) - 1 and len(set(offsets)) == len(dashed)
            and 0.0 not in offsets and all(solid[0].get_zorder() < line.get_zorder() for line in dashed))


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")  # (its lines are read, not played)
@pytest.mark.parametrize("second", [("momentum", {"beta": 0.0})] + [  # (1 s each: the others in -m slow)
    pytest.param(m, marks=pytest.mark.slow) for m in (("gd", {}), ("altgd", {}))])
def test_a_trajectory_drawn_over_another_identical_one_does_not_hide_it(second):
    """momentum with beta = 0 is gd step for step: drawn over it, gd could not be seen (a new user).  Paths that lie on
    one another within a line's width are drawn with interleaved dashes, each showing its colour; a third run that
    goes its own way stays solid.  Members of the kind: the same run twice, momentum(beta=0) and gd, and altgd against
    gd on a game where they differ (not dashed: the test can fail both ways)."""
    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    method, opts = second
    a = simulate(fld, "gd", [1.0, 1.0], 200, 0.2)
    b = simulate(fld, method, [1.0, 1.0], 200, 0.2, **opts)
    c = simulate(fld, "eg", [-1.5, 0.5], 200, 0.2)
    ax = phase_portrait(fld, trajectories=[("first", a), ("second", b), ("third", c)])
    first, sec, third = _trajectory_lines(ax, ["first", "second", "third"])
    # the independent reference: the largest distance between the states of one index, against a line's width in data
    # units (1.2 points at the figure's dpi, over the pixels per unit of the square window)
    box = ax.get_window_extent()
    width = 1.2 * ax.figure.dpi / 72 / min(box.width / 4.0, box.height / 4.0)
    apart = float(np.max(np.linalg.norm(a.states - b.states, axis=1)))
    assert (apart <= width) == (method != "altgd"), apart
    assert _dashed_apart([first, sec]) == (apart <= width)
    assert third.get_linestyle() == "-"
    # the legend shows each run solid in its colour (the dashes are how the plot shows both, not a style of the
    # method: a legend of a dash and a gap read as dash-dotted), in the figure's legend and in one the user makes
    for leg in (ax.get_legend(), ax.legend()):
        entries = {t.get_text(): h for t, h in zip(leg.get_texts(), leg.legend_handles)}
        for line in (first, sec, third):
            assert entries[line.get_label()].get_linestyle() == "-"
            assert entries[line.get_label()].get_color() == line.get_color()
    plt.close(ax.figure)
    # the animation's runs alike (its own window: the runs' extent)
    anim = animate(fld, trajectories=[("first", a), ("second", b), ("third", c)], frames=4, data_panel=False)
    lines = [line for line, _ in anim.artists]
    assert _dashed_apart(lines[:2]) == (method != "altgd") and lines[2].get_linestyle() == "-"
    plt.close(anim._fig)
    import gc
    del anim
    gc.collect()  # (matplotlib warns when an animation never played is collected: here, under the filter)


def _segment_distance(points, Q):
    """Brute force: each point's distance to the polyline through Q (every segment, exactly)."""
    A, B = Q[:-1], Q[1:]
    d = B - A
    L2 = np.maximum((d ** 2).sum(axis=1), 1e-300)
    t = np.clip(((points[:, None, :] - A[None]) * d[None]).sum(axis=2) / L2[None], 0.0, 1.0)
    near = A[None] + t[..., None] * d[None]
    return np.hypot(*(points[:, None, :] - near).transpose(2, 0, 1)).min(axis=1)


@pytest.mark.slow  # (4 s: the default pass took 2:57 on CI, session 52)
def test_coinciding_paths_are_those_within_the_width_inside_the_window():
    """The rule of the dashes against a brute-force reading of it: random paths and copies moved by less or more than
    the width at one state (the distance of every point of one's polyline drawn in the window to the other's polyline
    computed exactly, segment by segment), inside or outside the window; a shorter copy (a
    run of fewer steps) coincides with the start of the longer; a copy traced at another speed (every second state)
    coincides with its original."""
    from gandynamics.plotting import _coinciding_paths
    rng = np.random.default_rng(3)
    tol = 0.01
    outcomes = []
    for trial in range(60):
        P = np.cumsum(rng.normal(0, 0.05, (60, 2)), axis=0)
        Q = P.copy()
        k = int(rng.integers(60))
        shift = float(rng.choice([0.3, 0.9, 1.1, 3.0, 10.0])) * tol
        Q[k] += shift * rng.normal(size=2) / np.sqrt(2)
        lim = (-10.0, 10.0) if trial % 2 else (P[k, 0] + 1.0, P[k, 0] + 20.0)  # (odd: the moved state outside the window)

        def seen(R):
            ins = (R[:, 0] >= lim[0]) & (R[:, 0] <= lim[1])
            return ins | np.concatenate((ins[1:], [False])) | np.concatenate(([False], ins[:-1]))

        def drawn(R):  # the polyline as drawn: its segments with an end inside, densely, the points inside
            ins = (R[:, 0] >= lim[0]) & (R[:, 0] <= lim[1])
            j = np.flatnonzero(ins[:-1] | ins[1:])
            t = np.linspace(0.0, 1.0, 400)[None, :, None]
            pts = (R[j][:, None] + t * (R[j + 1] - R[j])[:, None]).reshape(-1, 2)
            return pts[(pts[:, 0] >= lim[0]) & (pts[:, 0] <= lim[1])]
        # the brute force: Q on P or P on Q, by exact distances of the points of the polyline drawn (with a margin of
        # tol/8 either side: the rule samples the polylines every tol/4), or the states of one index within tol
        dq = _segment_distance(drawn(Q), P) if seen(Q).any() else np.array([np.inf])
        dp = _segment_distance(drawn(P), Q) if seen(P).any() else np.array([np.inf])
        same = seen(Q)
        index = np.hypot(*(Q[same] - P[same]).T).max() if same.any() else np.inf
        worst = min(dq.max(), dp.max(), index)
        if abs(worst - tol) < tol / 8:
            continue  # (too close to call for a sampled polyline)
        got = _coinciding_paths([P, Q, Q + 5.0], tol, lim, None)
        assert (got[1] == 0) == (worst <= tol), (trial, shift, worst)
        assert got[2] == 2
        outcomes.append(worst <= tol)
    assert sum(outcomes) >= 10 and len(outcomes) - sum(outcomes) >= 10  # (both readings tried)
    P = np.cumsum(rng.normal(0, 0.05, (60, 2)), axis=0)
    assert _coinciding_paths([P, P[:20]], tol) == [0, 0]
    assert _coinciding_paths([P, P + 2 * tol], tol) == [0, 1]
    # one curve at two speeds: the states of the slower halfway along the faster's segments
    t = np.linspace(0, 6, 400)
    spiral = np.c_[np.exp(-0.2 * t) * np.cos(t), np.exp(-0.2 * t) * np.sin(t)]
    assert _coinciding_paths([spiral[::2], spiral], tol) == [0, 0]
    assert _coinciding_paths([spiral[::2], 1.05 * spiral], tol) == [0, 1]
    # a run from a start on another's path lies on it (the other's first part does not lie on it): a pair
    joined = np.concatenate((np.c_[np.linspace(-2, spiral[100, 0], 30), np.full(30, spiral[100, 1])], spiral[101:]))
    assert _coinciding_paths([spiral[100:], joined], tol) == [0, 0]
    # two runs from one start whose only state inside is that start part at their first segment: not one line (gd and
    # momentum at beta = -0.5 on the bilinear game were drawn dashed, a figure reviewer's finding)
    start = np.array([[0.5, 0.5]])
    A = np.concatenate((start, [[3.0, 0.5], [6.0, 0.5]]))
    B = np.concatenate((start, [[0.5, 3.0], [0.5, 6.0]]))
    assert _coinciding_paths([A, B], tol, (0.0, 1.0), (0.0, 1.0)) == [0, 1]
    # a run leaping across the window (both ends far outside): its segment, clipped, is what the states inside are
    # measured against
    from gandynamics.plotting import _polyline_distance
    C = np.array([[-100.0, 0.5], [100.0, 0.5]])
    D = np.array([[0.2, 0.5], [0.4, 0.5 + tol / 2], [0.6, 0.5 + 3 * tol]])
    got = _polyline_distance(D, C, tol, ((0.0, 1.0), (0.0, 1.0)))
    assert got[0] <= tol / 8 and abs(got[1] - tol / 2) <= tol / 8 and got[2] == np.inf


@pytest.mark.parametrize("sides", [5, 8, 13, 24, 40])
@pytest.mark.parametrize("cut", [0.3, 0.8, 1.5, 3.0, 8.0])  # (how far a's segments pass the corners, in widths)
def test_a_path_lies_on_another_only_where_its_segments_do_not_only_its_states(sides, cut):
    """The figure review: a zoomed portrait's note said "eg and eftp from (1, 1) lie on altgd's path" where altgd's
    line was seen apart over part of the window: in a zoom a run has few states in the window, each of them on the
    other's path, while its straight segments between them cut the other's corners.  A path ``a`` through the
    midpoints of the sides of a polygon ``b`` (every state of ``a`` on ``b``'s polyline, its segments passing the
    corners ``cut`` widths inside) lies on ``b`` exactly when ``cut`` is within the width; in windows that hold it
    all, or a part of it."""
    from gandynamics.plotting import LYING_MIN_LENGTH, _lying_on
    tol = 1.5  # (a line's width, in pixels: the paths are in pixels)
    half = np.pi / sides  # (half the angle of a side: a's segments pass the corners R sin^2(half) inside)
    R = cut * tol / np.sin(half) ** 2
    angles = np.linspace(0.0, 2 * np.pi * 0.8, int(0.8 * sides) + 1)
    b = R * np.c_[np.cos(angles), np.sin(angles)]
    a = (b[:-1] + b[1:]) / 2  # (on b's sides)
    assert np.max(_segment_distance(a, b)) <= 1e-9 * R
    expected = cut <= 1.0
    for xlim, ylim in [(None, None), ((-1.1 * R, 1.1 * R), (-1.1 * R, 1.1 * R)), ((0.0, 1.1 * R), (0.0, 1.1 * R)),
                       ((-0.2 * R, 1.1 * R), (-1.1 * R, 0.5 * R))]:
        t = np.linspace(0.0, 1.0, 200)[None, :, None]
        dense = (a[:-1, None] + t * (a[1:] - a[:-1])[:, None]).reshape(-1, 2)
        if xlim is not None:
            dense = dense[(dense[:, 0] >= xlim[0]) & (dense[:, 0] <= xlim[1]) & (dense[:, 1] >= ylim[0])
                          & (dense[:, 1] <= ylim[1])]
        if np.sum(np.hypot(*np.diff(dense, axis=0).T).clip(max=tol)) < 2 * LYING_MIN_LENGTH * tol:
            continue  # (too little of it drawn there to be said to lie on anything)
        on = _lying_on([a, b], tol, xlim, ylim)
        assert on[0, 1] == expected, (sides, cut, xlim, ylim)
        assert not on[1, 0], (sides, cut, xlim, ylim)  # (b's first and last half sides reach beyond a's ends)
    # a path drawn shorter than LYING_MIN_LENGTH widths in the window lies on none, even a copy of the other
    stub = np.array([[0.0, 0.0], [100.0, 0.0]])
    assert not _lying_on([stub, stub.copy()], tol, (99.0 - LYING_MIN_LENGTH * tol / 2, 200.0), (-1.0, 1.0))[0, 1]
    assert _lying_on([stub, stub.copy()], tol, (99.0 - 2 * LYING_MIN_LENGTH * tol, 200.0), (-1.0, 1.0))[0, 1]


@pytest.mark.parametrize("ratio", [0.2, 0.4, 0.5, 1.0, 2.0, 2.5, 5.0])  # (the window's height over its width)
@pytest.mark.parametrize("apart", [0.6, 2.0])  # (in line widths, across the runs' direction)
def test_runs_a_line_s_width_apart_coincide_in_a_window_of_any_shape(ratio, apart):
    """The figure review of a zoomed portrait: the width the runs are compared by is a line's width in the window's
    data units, along either axis.  A window of one scale for both axes that is wider than tall was measured by the
    axes' box before its aspect was applied, each pixel of height counted as two: runs 0.6 widths apart vertically
    were told apart.  Two horizontal (and two vertical) runs ``apart`` widths apart, as drawn, coincide exactly when
    that is within a width, in windows of one scale and in too elongated ones (a square box)."""
    import matplotlib.pyplot as plt

    from gandynamics.plotting import _dash_coinciding_paths, _portrait_aspect
    for across in (0, 1):  # (0: the runs horizontal, apart in y; 1: vertical, apart in x)
        fig, ax = plt.subplots(figsize=(4.6, 4.2))
        xlim, ylim = (0.0, 1.0), (0.0, ratio)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        _portrait_aspect(ax, xlim, ylim)
        ax.apply_aspect()
        box = ax.get_window_extent()  # (as drawn: its aspect applied)
        per = (box.width / 1.0, box.height / ratio)  # (pixels per data unit of each axis)
        if 1 / 3 <= ratio <= 3:
            assert abs(per[0] - per[1]) < 1e-6 * per[0]  # (one scale)
        gap = apart * 1.2 * fig.dpi / 72.0 / per[1 - across]
        t = np.linspace(0.05, 0.95, 40)
        mid = (0.5 * ratio) if across == 0 else 0.5
        if across == 0:
            P, Q = np.c_[t, np.full_like(t, mid)], np.c_[t[::-1], np.full_like(t, mid + gap)]
        else:
            P, Q = np.c_[np.full_like(t, mid), t * ratio], np.c_[np.full_like(t, mid + gap), t[::-1] * ratio]
        fig2, ax2 = plt.subplots(figsize=(4.6, 4.2))  # (a fresh figure: its axes' aspect not yet applied)
        ax2.set_xlim(*xlim)
        ax2.set_ylim(*ylim)
        _portrait_aspect(ax2, xlim, ylim)
        lines2 = [ax2.plot(*R.T, lw=1.2, color=c, label=n)[0] for R, c, n in ((P, "C0", "a"), (Q, "C1", "b"))]
        groups = _dash_coinciding_paths(ax2, list(zip(lines2, (P, Q))), xlim, ylim)
        assert bool(groups) == (apart <= 1.0), (ratio, apart, across)
        plt.close(fig)
        plt.close(fig2)


def _note_claims(note, names):
    """The claims of a portrait's note on coinciding runs (plotting._coinciding_note, runs named ``names``, one style's
    words after them): ``[(subjects, kind, objects)]``, kind "mutual" (they lie on one another) or "on" (the subjects
    lie on the objects' paths)."""
    import re
    out = []
    for claim in note.split(": their colours")[0].split("; "):
        subject, _, rest = claim.partition(" from (s) ")
        subjects = re.findall(r"\bm\d+\b", subject)
        assert subjects and set(subjects) <= set(names), claim
        objects = re.findall(r"\bm\d+\b", rest)
        if rest.startswith("lie on one another"):
            out.append((subjects, "mutual", []))
        else:
            assert rest.startswith(("lies on ", "lie on ")) and len(subjects) == 1, claim
        if objects:
            out.append((subjects, "on", objects))
    return out


@pytest.mark.slow  # (1.1 s with warm caches: the coinciding runs' default-pass tests are the drawings' own)
def test_a_portrait_note_says_runs_lie_on_one_another_only_where_each_lies_on_each():
    """The figure review's case: gd from (1, 1) was said to lie on one another with altgd, eg and eftp, whose paths
    lie on part of gd's while gd pulls away from them for the rest (a run was grouped with every run that lay on the
    group's first path, either way).  Configurations of identical paths, a sub-path of another (a run of fewer steps),
    a path that lies on another for its first half then leaves, and copies moved by less or more than a line's width,
    drawn by the portrait's rule (_dash_coinciding_paths) and noted (_coinciding_note): every pair said to lie on one
    another does so both ways, every run said to lie on a path does, by a brute-force distance to the polyline (a
    margin of tol/8: the rule samples it every tol/4); and runs of which one lies on the other are drawn as one line
    (one group: interleaved dashes)."""
    from gandynamics.plotting import _coinciding_note, _dash_coinciding_paths
    rng = np.random.default_rng(7)
    kinds = {"same", "sub", "half", "moved", "apart"}
    claimed = {"mutual": 0, "on": 0}
    for trial in range(40):
        fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        fig.canvas.draw()
        box = ax.get_window_extent()
        scale = np.array([box.width / 6.0, box.height / 6.0])
        tol = 1.2 * fig.dpi / 72.0  # (a line's width in pixels, the rule's)
        base = np.cumsum(rng.normal(0, 0.08, (80, 2)), axis=0)
        base -= base.mean(axis=0)
        paths = [base]
        for kind in rng.choice(sorted(kinds), size=int(rng.integers(2, 5))):
            if kind == "same":
                P = base.copy()
            elif kind == "sub":
                P = base[:int(rng.integers(10, 60))].copy()
            elif kind == "half":  # (on the base for its first half, then its own way)
                k = int(rng.integers(20, 60))
                P = np.concatenate((base[:k], base[k - 1] + np.cumsum(rng.normal(0.1, 0.08, (40, 2)), axis=0)))
            elif kind == "moved":
                P = base + float(rng.choice([0.3, 3.0])) * tol / scale * rng.normal(size=2) / np.sqrt(2)
            else:
                P = np.cumsum(rng.normal(0, 0.08, (60, 2)), axis=0)
            paths.append(P)
        names = [f"m{k}" for k in range(len(paths))]
        lines = [ax.plot(*P.T, color=f"C{k}", lw=1.2, label=f"{n} from (s)")[0] for k, (n, P) in enumerate(zip(names, paths))]
        parts = {ln.get_label(): (n, "from (s)") for n, ln in zip(names, lines)}
        groups = _dash_coinciding_paths(ax, list(zip(lines, paths)), (-3, 3), (-3, 3))
        note = _coinciding_note(groups, parts)
        px = [P * scale for P in paths]

        def lies_on(a, b):  # (every state within the width of the other's polyline, brute force)
            return _segment_distance(px[a], px[b]).max() if len(px[b]) > 1 else np.inf

        def group_of(a):
            return next((k for k, g in enumerate(groups) if lines[a] in g), None)
        for subjects, kind, objects in (_note_claims(note, names) if note else []):
            idx = [names.index(n) for n in subjects]
            if kind == "mutual":
                for a in idx:
                    for b in idx:
                        if a != b:
                            assert lies_on(a, b) <= tol * 9 / 8, (trial, note, subjects, a, b, lies_on(a, b) / tol)
            else:
                for a in idx:
                    for b in (names.index(n) for n in objects):
                        assert lies_on(a, b) <= tol * 9 / 8, (trial, note, a, b)
            claimed[kind] += 1
        for a in range(len(paths)):
            for b in range(len(paths)):
                if a != b and lies_on(a, b) <= tol * 7 / 8:
                    assert group_of(a) is not None and group_of(a) == group_of(b), (trial, a, b)
        plt.close(fig)
    assert claimed["mutual"] >= 5 and claimed["on"] >= 5, claimed  # (both kinds of claim made and checked)


def test_a_line_style_given_with_a_trajectory_is_kept():
    """(label, states, color, linestyle): the style given is drawn and not replaced by the dashes of coinciding
    paths (it tells the runs apart already)."""
    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    a = simulate(fld, "gd", [1.0, 1.0], 100, 0.2)
    ax = phase_portrait(fld, trajectories=[("a", a.states, "tab:blue", ":"), ("b", a.states, "tab:red")])
    one, two = _trajectory_lines(ax, ["a", "b"])
    assert one.get_linestyle() == ":" and two.get_linestyle() == "-"
    plt.close(ax.figure)
    import warnings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Animation was deleted without rendering")
        anim = animate(fld, trajectories=[("a", a.states, "tab:blue", ":"), ("b", a.states, "tab:red")], frames=3,
                       data_panel=False)
        (one, _), (two, _) = anim.artists
        assert one.get_linestyle() == ":" and two.get_linestyle() == "-"  # (the animation's alike: it dropped it)
        plt.close(anim._fig)
        import gc
        del anim
        gc.collect()


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30), st.floats(-100, 100), st.floats(0.01, 100),
       st.floats(-50, 50))
def test_window_holding_holds_the_window_and_every_point(vals, lo, width, center):
    """The limits suggested for a trajectory drawn cut (relative to the centre, as --xlim is) hold the window and every
    finite value, with a margin, and not much more (within the 5 % margin and the rounding to a tenth of the span's
    magnitude)."""
    from gandynamics.plotting import window_holding
    v = np.array(vals + [np.nan, np.inf])
    lim = (lo, lo + width)
    a, b = window_holding(v, lim, center)
    A, B = a + center, b + center
    fin = v[np.isfinite(v)]
    need_lo, need_hi = min(lim[0], fin.min()), max(lim[1], fin.max())
    span = need_hi - need_lo
    tol = 1e-9 * max(1.0, abs(center), abs(need_lo), abs(need_hi))
    assert A <= need_lo + tol and B >= need_hi - tol
    assert A >= need_lo - 0.05 * span - 0.1 * span - tol * 10 and B <= need_hi + 0.05 * span + 0.1 * span + tol * 10


def test_outside_rows_are_the_finite_points_beyond_the_window():
    from gandynamics.plotting import last_outside, outside_rows
    P = np.array([[0, 0], [3, 0], [np.nan, 5], [0, -3], [np.inf, 0], [1, 1]], float)
    assert outside_rows(P, (-2, 2), (-2, 2)).tolist() == [1, 3]
    assert last_outside(P, (-2, 2), (-2, 2)).tolist() == [0, -3]
    assert last_outside(P[[0, 5]], (-2, 2), (-2, 2)) is None


@pytest.mark.parametrize("rows,cols,size", [pytest.param(5, 2, (7, 12), marks=pytest.mark.slow),  # (4-5 s each: -m slow)
                                            pytest.param(3, 3, (8, 6), marks=pytest.mark.slow), (2, 1, (4, 5)),
                                            pytest.param(4, 2, (6, 6), marks=pytest.mark.slow)])
def test_titles_of_a_grid_of_panels_without_layout_stay_off_the_panels_above(rows, cols, size):
    """In a figure without layout engine (plt.subplots as it comes) the room above a panel ends at the lowest label of
    the panel above, not at the figure's top: a title runs over neither the x tick labels nor the x label of the row
    above (a new user's 5 x 2 grid had every title over them); where there is no room, inside the panel, at the top or
    the bottom, whichever covers fewer of its runs' points.  The members: grids of several shapes and sizes."""
    from gandynamics import simulate
    from gandynamics.plotting import _drawn_points, phase_portrait
    fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False)
    for k, ax in enumerate(axes.flat):
        fld = VectorField(games.dirac(), [R1(gamma=0.1 * (k + 1))])
        tr = simulate(fld, "gd", [1.0, 1.0], 100, 0.1)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            phase_portrait(fld, trajectories=[("gd", tr)], ax=ax, legend=False, n=9)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    for a in range(rows):
        for b in range(cols):
            ax = axes[a, b]
            t = ax.title.get_window_extent(r)
            assert t.y1 <= fig.bbox.y1 + 1.0
            if a > 0:  # the panel above: its labels' lowest edge (its tight box without its title)
                above = axes[a - 1, b]
                low = min(x.get_window_extent(r).y0 for x in [above.xaxis.label]
                          + [lab for lab in above.get_xticklabels() if lab.get_text()])
                assert t.y1 <= low + 1.0, (a, b, t, low)
            box = ax.get_window_extent()
            if t.y0 < box.y1 - 1.0:  # inside: no more of the run's points covered than at the other end
                P = ax.transAxes.transform(_drawn_points(ax))
                under = np.count_nonzero((P[:, 0] >= t.x0) & (P[:, 0] <= t.x1) & (P[:, 1] >= t.y0) & (P[:, 1] <= t.y1))
                flipped = (box.y1 - (t.y1 - box.y0), box.y1 - (t.y0 - box.y0))  # the same box at the other end
                other = np.count_nonzero((P[:, 0] >= t.x0) & (P[:, 0] <= t.x1) & (P[:, 1] >= flipped[0])
                                         & (P[:, 1] <= flipped[1]))
                assert under <= other + 2, (a, b, under, other)
    plt.close(fig)


@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_an_inside_title_goes_to_the_bottom_where_the_runs_fill_the_top():
    """No room above the panel (a short figure), the runs across the top of the plot: the title inside at the bottom,
    and a legend inside kept off it."""
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    k = np.linspace(-1.9, 1.9, 200)
    run = np.column_stack([k, 1.5 + 0.3 * np.sin(5 * k)])  # a curve along the top of the window
    fig, (top, ax) = plt.subplots(2, 1, figsize=(4.0, 4.0))
    top.plot([0, 1], [0, 1])
    top.set_xlabel("x label of the panel above")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        phase_portrait(fld, trajectories=[("along the top", run)], ax=ax, xlim=(-2, 2), ylim=(-2, 2),
                       title="a title long enough to need the whole width of the panel, in two lines or more")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    t, box = ax.title.get_window_extent(r), ax.get_window_extent()
    assert t.y0 >= box.y0 - 1.0 and t.y1 < box.y0 + 0.5 * box.height, (t, box)  # inside, in the lower half
    leg = ax.get_legend()
    if leg is not None:
        lb = leg.get_window_extent(r)
        assert lb.y0 >= t.y1 - 1.0 or lb.x1 <= t.x0 + 1.0 or lb.x0 >= t.x1 - 1.0
    plt.close(fig)


def test_every_method_has_its_own_colour():
    """The kind: every registered method and rates alias has a colour of its own in METHOD_COLORS (adam had none and
    took the colour cycle's blue, altgd's), none of them a grey (the streamlines' colour) and no two the same."""
    from matplotlib.colors import to_rgb

    from gandynamics.analysis.rates import RATE_ALIASES
    from gandynamics.methods import METHODS
    from gandynamics.plotting import METHOD_COLORS
    names = list(METHODS) + list(RATE_ALIASES)
    assert set(names) <= set(METHOD_COLORS), set(names) - set(METHOD_COLORS)
    rgb = {n: to_rgb(METHOD_COLORS[n]) for n in names}
    assert len(set(rgb.values())) == len(names)
    for n, c in rgb.items():
        assert n == "flow" or max(c) - min(c) > 0.15, (n, c)  # (flow is black; no other grey)


@pytest.mark.slow  # (about 1 s a case: CI's default pass is kept under 3 minutes, session 45)
def test_a_portrait_of_several_methods_from_several_starts_keeps_the_methods_colours(tmp_path):
    """portrait --methods gd,eg,adam --init A --init B: each run in its method's colour (METHOD_COLORS, as in every
    figure), the two starts in two line styles, every (colour, style) pair once (16 runs of 8 methods had shared 9
    colours, gd blue in one figure and red in another); one method from two starts: a colour per start."""
    from matplotlib.colors import to_rgba

    from gandynamics.cli import main
    from gandynamics.plotting import METHOD_COLORS
    seen = {}
    orig = plt.Figure.savefig

    def spy(self, *a, **k):
        ax = self.axes[0]
        seen["lines"] = [(ln.get_label(), to_rgba(ln.get_color()), str(ln.get_linestyle())) for ln in ax.get_lines()
                         if " from (" in ln.get_label()]
        return orig(self, *a, **k)
    plt.Figure.savefig = spy
    try:
        assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd,eg,adam", "--init", "1,1",
                     "--init", "-1.5,0.5", "--steps", "30", "--out", str(tmp_path / "f.png")]) == 0
        lines = seen["lines"]
        assert len(lines) == 6
        for label, color, _ in lines:
            assert color == to_rgba(METHOD_COLORS[label.split(" from ")[0]]), label
        assert len({(c, s) for _, c, s in lines}) == 6
        assert {s for label, _, s in lines if "(1, 1)" in label}.isdisjoint(
            {s for label, _, s in lines if "(-1.5, 0.5)" in label})
        assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd", "--init", "1,1",
                     "--init", "-1.5,0.5", "--steps", "30", "--out", str(tmp_path / "g.png")]) == 0
        assert len({c for _, c, _ in seen["lines"]}) == 2
    finally:
        plt.Figure.savefig = orig


@pytest.mark.parametrize("methods, starts", [("gd,eg", 7), pytest.param("gd", 10, marks=pytest.mark.slow)])
def test_more_starts_than_styles_or_colours_are_drawn_alike_under_one_entry_per_method(tmp_path, methods, starts):
    """With more starts than START_STYLES (several methods) or TRAJECTORY_COLORS (one method), the starts cannot be
    told apart (the 7th took the 1st one's style, a reviewer's finding): each method's runs are drawn alike, in its
    colour, one legend entry per method saying how many starts; every run is drawn."""
    from matplotlib.colors import to_rgba

    from gandynamics.cli import main
    from gandynamics.plotting import METHOD_COLORS
    seen = {}
    orig = plt.Figure.savefig

    def spy(self, *a, **k):
        ax = self.axes[0]
        # (a run lying on another within a line's width, eg's from the start (1.4, 1) on gd's, is drawn in interleaved
        # dashes of 3 points, _dash_coinciding_paths: read as such)
        seen["runs"] = [(ln.get_label(), to_rgba(ln.get_color()),
                         "interleaved" if tuple(ln._unscaled_dash_pattern[1] or ())[:1] == (3.0,) else
                         str(ln.get_linestyle())) for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
        seen["legend"] = [t.get_text() for t in ax.get_legend().get_texts()]
        return orig(self, *a, **k)
    plt.Figure.savefig = spy
    argv = ["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", methods, "--steps", "20",
            "--out", str(tmp_path / "f.png")]
    for k in range(starts):
        argv += ["--init", f"{0.2 * (k + 1):g},1"]
    try:
        assert main(argv) == 0
    finally:
        plt.Figure.savefig = orig
    names = methods.split(",")
    assert len(seen["runs"]) == starts * len(names)
    assert [e for e in seen["legend"] if " starts)" in e] == [f"{m} (from {starts} starts)" for m in names]
    assert not [e for e in seen["legend"] if e.startswith("_")]  # (the hidden labels of the further starts: not listed)
    for m in names:
        mine = [(c, s) for lab, c, s in seen["runs"] if lab.lstrip("_").startswith(m + " ")]
        assert len(mine) == starts and {c for c, _ in mine} == {to_rgba(METHOD_COLORS[m])}
        assert len({st for _, st in mine if st != "interleaved"}) == 1


def test_interleaved_lines_keep_their_own_pattern_in_the_legend_while_interleaved():
    """interleave_dashes on a line with a dash pattern of its own, a plain line and a markers-only line: the legend
    shows the pattern itself (not matplotlib's plain dashes, the name get_linestyle gives it) and the plain line
    solid; the markers-only line is left as it is (no dashes drawn where it had no line); a line restyled afterwards
    shows its new style."""
    from gandynamics.plotting import interleave_dashes
    fig, ax = plt.subplots()
    a, = ax.plot([0, 1], [0, 1], ls=(0, (6, 2, 1, 2)), label="a")
    b, = ax.plot([0, 1], [0, 1], label="b")
    c, = ax.plot([0, 1], [0, 1], "o", label="c")
    interleave_dashes([a, b, c])
    assert c.get_linestyle() == "None" and tuple(a._unscaled_dash_pattern[1]) == (3.0, 3.0)
    entries = lambda leg: {t.get_text(): h for t, h in zip(leg.get_texts(), leg.legend_handles)}  # noqa: E731
    e = entries(ax.legend())
    assert tuple(e["a"]._unscaled_dash_pattern[1]) == (6, 2, 1, 2) and e["b"].get_linestyle() == "-"
    assert e["c"].get_linestyle() == "None"
    b.set_linestyle(":")
    assert entries(ax.legend())["b"].get_linestyle() == ":"
    plt.close(fig)


@pytest.mark.parametrize("lim", [(-1e306, 1e306), (0.0, 1.7e308), (-1.7976931348623157e308, 1e-300), (1e301, 2e301)])
def test_a_window_matplotlib_cannot_draw_is_refused_and_one_just_inside_is_drawn(dirac_r1, lim):
    """The kind: windows whose ends reach where matplotlib's own arithmetic overflows (streamplot's StopIteration at
    +-1e306, its ticks' "arange: cannot compute length" for a width of 1.8e308, a traceback through the library) are
    refused in one GandynamicsError; the same window scaled into +-WINDOW_MAX draws, with streamlines and a trajectory.
    A zero so far out that +-2 is below the spacing of doubles gets a default window wide enough to draw."""
    import io

    from gandynamics.plotting import WINDOW_MAX, window_around
    from gandynamics.simulate import simulate
    fld = dirac_r1
    with pytest.raises(GandynamicsError, match="reaches beyond"):
        phase_portrait(fld, xlim=lim)
    if lim != (-1e306, 1e306):  # (one window scaled inside is drawn: ~0.5 s each)
        return
    scale = WINDOW_MAX / max(abs(lim[0]), abs(lim[1]))
    inside = (lim[0] * scale, lim[1] * scale)
    fig, ax = plt.subplots()
    with np.errstate(all="ignore"):
        phase_portrait(fld, xlim=inside, ylim=inside, ax=ax,
                         trajectories=[("gd", simulate(fld, "gd", [1.0, 1.0], steps=20, step=0.1))])
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    lo, hi = window_around([3e17, 0.0], 0)
    assert lo < 3e17 < hi and hi - lo < 1e9


@pytest.mark.parametrize("lim, accepted", [((1e-320, 2e-320), False), ((0.0, 1e-287), False), ((1e-300, 2e-300), False),
                                           ((1.0, 1.0 + 1e-15), False), ((1e5, 1e5 * (1 + 5e-14)), False),
                                           ((0.0, 1e-279), True), ((1.0, 1.0 + 1e-12), True), ((-1e300, 1e300), True),
                                           ((0.0, 0.01), True)])
def test_a_window_is_drawn_as_asked_or_refused(dirac_r1, lim, accepted):
    """The kind, at the narrow end: a window matplotlib would silently replace by another (its ``nonsingular`` made
    (1e-320, 2e-320) into (-0.05, 0.05): the figure showed a window nobody asked for) is refused; every window accepted
    is the one the axes show, with streamlines, a trajectory or arrows, and a square panel however elongated the
    window (--xlim 0,0.01 with the default --ylim drew a sliver, one scale for both axes; now each axis its own)."""
    import io

    from gandynamics.plotting import MAX_EQUAL_ASPECT
    from gandynamics.simulate import simulate
    if not accepted:
        with pytest.raises(GandynamicsError, match="too narrow"):
            phase_portrait(dirac_r1, xlim=lim)
        return
    tr = simulate(dirac_r1, "gd", [1.0, 1.0], steps=20, step=0.1)
    # (streamlines and a trajectory in one figure; arrows for one window: each portrait drawn costs ~0.3 s)
    for kw in ({"trajectories": [("gd", tr)]},) + (({"streamlines": False, "arrows": True},) if lim[0] == 0 else ()):
        fig, ax = plt.subplots(figsize=(5, 4))
        with np.errstate(all="ignore"):
            phase_portrait(dirac_r1, xlim=lim, ylim=(-2.0, 2.0), ax=ax, **kw)
            fig.savefig(io.BytesIO(), format="png")
        assert ax.get_xlim() == lim and ax.get_ylim() == (-2.0, 2.0)
        box = ax.get_position()
        w, h = box.width * fig.get_figwidth(), box.height * fig.get_figheight()  # inches
        assert 1 / MAX_EQUAL_ASPECT - 1e-9 <= h / w <= MAX_EQUAL_ASPECT + 1e-9, (w, h)
        plt.close(fig)


@pytest.mark.parametrize("center, lim, far", [(0.0, (1234560.0, 1234570.0), 1234580.6), (1e9, (1e9 - 2, 1e9 + 2), 1e9 + 7.3),
                                              (0.0, (-2.0, 2.0), 1e299), (0.0, (-2.0, 2.0), None),
                                              (0.0, (-2.0, 2.0), 0.99e300)])
def test_the_suggested_window_holds_the_run_as_printed(center, lim, far):
    """The --xlim the portrait suggests, printed as the note prints it (15 digits) and read back, holds the run far
    from 0 (to 6 digits 1234582 printed as 1.23458e+06, short of the point at 1234580.6) and is a window the portrait
    accepts; where the span overflows, or the suggestion would reach beyond WINDOW_MAX (0.99e300 rounded outward), the
    suggestion is not finite (the note then says to widen the window)."""
    from gandynamics.plotting import WINDOW_MAX, _window, window_holding
    pts = np.array([-1.7e308, 1.7e308]) if far is None else np.array([lim[0] + 1.0, far])
    a, b = window_holding(pts, lim, center)
    beyond = far is None or far > 0.1 * WINDOW_MAX
    assert beyond == (not np.isfinite(b - a))
    if beyond:
        with pytest.raises(GandynamicsError, match="reaches beyond"):
            _window((-1e308, 1e308) if far is None else (lim[0], 1.1 * far), "xlim")
        return
    A, B = float(f"{a:z.15g}") + center, float(f"{b:z.15g}") + center
    assert A <= lim[0] and B >= far
    assert _window((A, B), "xlim") == (A, B)


# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision deficiency",
# IEEE TVCG 15(6), Table 1 at severity 1.0: linear-RGB matrices of protanopia, deuteranopia and tritanopia
_CVD = {"protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
        "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
        "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]}


def _seen(rgb, kind):
    """An sRGB colour as a reader with ``kind`` of colour vision deficiency sees it (Machado et al. 2009), in sRGB."""
    c = np.asarray(rgb, float)
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lin = np.clip(np.asarray(_CVD[kind]) @ lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


@pytest.mark.parametrize("kind", sorted(_CVD))
def test_the_rate_maps_two_sides_of_one_are_told_apart_in_every_kind_of_colour_vision(kind):
    """The rate maps' colours at rates below 1 (contracting) and above (expanding), at equal distances from 1 on the
    two-slope scale, differ by at least 0.15 of the sRGB cube's diagonal as readers with protanopia, deuteranopia or
    tritanopia see them (the red-yellow-green map differed by red against green: 0.019 / 0.095 / 0.065 for
    deuteranopia at 0.3 / 0.6 / 1 of the way; the red-blue map 0.16 / 0.29 / 0.21)."""
    import matplotlib
    from gandynamics.plotting import RATE_CMAP, rate_norm
    cmap, norm = matplotlib.colormaps[RATE_CMAP], rate_norm(0.0, 1.5)
    for s in (0.3, 0.6, 1.0):  # the share of each half's way from 1 to its end
        below, above = cmap(norm(1.0 - s * 1.0))[:3], cmap(norm(1.0 + s * 0.5))[:3]
        gap = np.linalg.norm(_seen(below, kind) - _seen(above, kind)) / np.sqrt(3)
        assert gap >= 0.15, (kind, s, gap)


@pytest.mark.parametrize("k", [3, 10, 25, 60])
def test_the_measured_squares_of_a_rate_map_never_cover_each_other_or_the_boundary(k):
    """A new user's finding: measured rates on a grid as dense as the map drew 6 pt squares that covered the whole
    map and the rho = 1 contour.  Each square is at most 60 % of the measured points' spacing on the page (6 pt at
    most), and the contour is drawn over them."""
    import matplotlib.pyplot as plt
    from gandynamics import R1, VectorField, games
    from gandynamics.plotting import rate_grid, rate_map
    fld = VectorField(games.dirac(), [R1()])
    G, H = np.linspace(0.05, 2, 30), np.linspace(0.05, 5, 30)
    R = rate_grid(fld, "gd", G, H)
    g, h = np.meshgrid(np.linspace(0.05, 2, k), np.linspace(0.05, 5, k))
    ax = rate_map(fld, "gd", G, H, rho=R, measured=(g, h, rate_grid(fld, "gd", g[0], h[:, 0])))
    sc = [c for c in ax.collections if c.get_offsets().shape[0] == k * k][0]
    side = math.sqrt(float(sc.get_sizes()[0])) * ax.figure.dpi / 72.0  # pixels
    px = ax.transData.transform(np.column_stack([g.ravel(), h.ravel()]))
    spacing = min(np.min(np.diff(np.unique(np.round(px[:, 0], 3)))), np.min(np.diff(np.unique(np.round(px[:, 1], 3)))))
    assert side <= 0.6 * spacing + 1e-9 or side <= 6.0 * ax.figure.dpi / 72.0 + 1e-9 and side < spacing
    contour = [c for c in ax.collections if c.get_zorder() == 5]
    assert contour and contour[0].get_zorder() > sc.get_zorder()
    plt.close(ax.figure)


def test_a_portrait_s_notes_go_to_its_title_or_only_to_its_axes_for_a_caption():
    """The figure review: five lines of notes over each panel of r1_manifold_leave_line shrank the panels; with
    notes="attribute" the title is the title alone and the notes are ``ax.portrait_notes`` (for the caption); any
    other value is refused."""
    fld = VectorField(games.dirac_nd(2), [])
    S = np.array([[1.0, 0.0, 1.0, 0.0], [0.9, 0.3, 0.8, 0.0]])
    a = phase_portrait(fld, n=9, trajectories=[("gd", S)], title="T")
    b = phase_portrait(fld, n=9, trajectories=[("gd", S)], title="T", notes="attribute")
    assert a.portrait_notes == b.portrait_notes and len(b.portrait_notes) == 1 and "leaves the slice" in b.portrait_notes[0]
    assert b.get_title() == "T" and "leaves the slice" in " ".join(a.get_title().split())
    with pytest.raises(GandynamicsError, match="notes must be 'title' or 'attribute'"):
        phase_portrait(fld, n=9, notes="caption")
    plt.close("all")


def test_two_runs_given_the_solid_style_that_lie_on_one_another_are_interleaved_too():
    """A new user's finding: a portrait of several starts draws the first start's runs solid (START_STYLES[0]), and
    eg from (1, 1) was hidden under eftp's.  A solid style given is no style that tells runs apart (nor is a dashed
    one given to both: test_runs_given_one_dashed_style_that_lie_on_one_another_all_show); two styles are."""
    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    a = simulate(fld, "gd", [1.0, 1.0], 200, 0.2)
    b = simulate(fld, "momentum", [1.0, 1.0], 200, 0.2, beta=0.0)  # (gd step for step)
    for style, dashed in (("-", True), ("solid", True), (("-", "--"), False)):
        s1, s2 = style if isinstance(style, tuple) else (style, style)
        ax = phase_portrait(fld, trajectories=[("first", a, "tab:red", s1), ("second", b, "tab:orange", s2)])
        first, sec = _trajectory_lines(ax, ["first", "second"])
        assert _dashed_apart([first, sec]) == dashed, style
        if not dashed:  # (each in its own style, as given)
            assert first.get_linestyle() == "-" and tuple(sec._unscaled_dash_pattern[1]) == (3.7, 1.6)
        plt.close(ax.figure)


def _colour_pixels(ax, colors, tol=0.08) -> list:
    """How many pixels of the axes' figure, drawn, are each of ``colors`` (within ``tol`` in every RGB channel)."""
    from matplotlib.colors import to_rgb
    fig = ax.figure
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255.0
    return [int((np.abs(img - np.array(to_rgb(c))).max(axis=2) < tol).sum()) for c in colors]


def _pattern_on(line, s, own=False) -> np.ndarray:
    """Whether ``line`` draws ink at the positions ``s`` along it (in its unscaled dash units), by its dash pattern as
    drawn (``own``: the pattern it had before an interleaving, as its legend entry shows it)."""
    if own:
        offset, seq = line._gandynamics_own[1]
    else:
        offset, seq = line._unscaled_dash_pattern
    if not seq:
        return np.ones(len(s), dtype=bool)
    ends = np.cumsum(seq)
    pos = (np.asarray(s, float) + offset) % ends[-1]
    return np.searchsorted(ends, pos, side="right") % 2 == 0


@pytest.mark.parametrize("style", ["--", ":", (0, (6, 2, 1, 2, 1, 2))])
def test_runs_given_one_dashed_style_that_lie_on_one_another_all_show(dirac, style):
    """The figure review: in a factored key (a colour per method, a line style per start) eg's run from a dashed
    start was hidden exactly under eftp's (one curve, the same dashes at the same places).  Runs of one style that lie on
    one another take turns along the line in blocks of that pattern: each colour shows (counted in the picture), the
    union of what they draw is the pattern itself (the style the key names), the legend shows each in that style,
    and the portrait notes which runs lie on one another.  A third run of the style, apart, keeps the plain pattern."""
    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait
    eg = simulate(dirac, "eg", [1.5, 0.0], 200, 0.2)
    eftp = simulate(dirac, "eftp", [1.5, 0.0], 200, 0.2)
    gd = simulate(dirac, "gd", [-1.0, 0.5], 60, 0.2)
    colors = ("#009e73", "#cc79a7", "#d55e00")
    ax = phase_portrait(dirac, trajectories=[("eg from (1.5, 0)", eg, colors[0], style),
                                             ("eftp from (1.5, 0)", eftp, colors[1], style),
                                             ("gd from (-1, 0.5)", gd, colors[2], style)], streamlines=False)
    a, b, c = _trajectory_lines(ax, ["eg from (1.5, 0)", "eftp from (1.5, 0)", "gd from (-1, 0.5)"])
    n_eg, n_eftp, _ = _colour_pixels(ax, colors)
    assert min(n_eg, n_eftp) > 0.25 * max(n_eg, n_eftp), (n_eg, n_eftp)
    own = a._gandynamics_own[1] if hasattr(a, "_gandynamics_own") else b._gandynamics_own[1]
    period = float(sum(own[1]))
    s = np.linspace(0.0, 40 * period, 40001) + 1.234e-4  # (no sample on a dash's end: its rounding either way)
    host, other = (a, b) if not hasattr(a, "_gandynamics_own") else (b, a)
    want = _pattern_on(host, s)
    assert np.array_equal(want, _pattern_on(other, s, own=True))  # (the host keeps the style given)
    assert not np.any(_pattern_on(other, s) & ~want)  # the other draws only in the pattern's dashes, some of them
    assert 0.2 < np.mean(_pattern_on(other, s)[want]) < 0.8
    assert host.get_zorder() < other.get_zorder()
    assert not hasattr(c, "_gandynamics_own") and c.get_linestyle() == ax.plot([0], [0], ls=style)[0].get_linestyle()
    leg = ax.get_legend()
    entries = {t.get_text(): h for t, h in zip(leg.get_texts(), leg.legend_handles)}
    for line in (a, b):
        assert tuple(entries[line.get_label()]._unscaled_dash_pattern[1]) == tuple(own[1])
    assert not any("lie on one another" in w for w in ax.warnings), ax.warnings  # (a key of one entry per run: no note)
    plt.close(ax.figure)
    # a factored key (a colour per run's method, a style per start, test_a_factored_portrait_...) names them by its
    # names, in a note: the colours' names without the verdicts in brackets, then the styles'
    from gandynamics.plotting import _coinciding_note
    fig, ax = plt.subplots()
    lines = {(m, st): ax.plot([0, 1], [0, 1], color=col, label=f"{m}{v} from ({st})")[0]
             for m, col, v in (("eg", "C0", ""), ("eftp", "C1", " (bounded: 1 of 2)")) for st in ("1, 1", "2, 0")}
    parts = {ln.get_label(): (m, f"from ({st})") for (m, st), ln in lines.items()}
    groups = [[lines["eg", st], lines["eftp", st]] for st in ("1, 1", "2, 0")]
    assert _coinciding_note(groups, parts) == ("eg and eftp from (1, 1) and from (2, 0) lie on one another: their "
                                               "colours alternate along the line")
    assert _coinciding_note([[lines["eg", "1, 1"], ax.plot([0], [0], color="C0", label="x")[0]]], parts) == ""


@pytest.mark.slow  # (0.9 s: the command's runs and two draws)
def test_a_factored_portrait_of_several_starts_shows_every_run(tmp_path):
    """The figure review's case: portrait dirac --methods gd,altgd,eg,eftp from three starts (a factored key) drew eg's
    runs from the dashed and dotted starts exactly under eftp's (eg's colour on 0.35 as many pixels as eftp's).  eg's
    and eftp's runs, which lie on one another, show their colours about as much (the same length each), and the title
    says which runs lie on one another."""
    from gandynamics.cli import main
    from gandynamics.plotting import METHOD_COLORS
    seen = {}
    orig = plt.Figure.savefig

    def spy(self, *a, **k):
        ax = self.axes[0]
        runs = [ln for ln in ax.get_lines() if " from (" in ln.get_label()]
        seen["factored"] = "from (1.5, 0)" in [t.get_text() for t in ax.get_legend().get_texts()]
        seen["pixels"] = dict(zip(("eg", "eftp"), _colour_pixels(ax, [METHOD_COLORS["eg"], METHOD_COLORS["eftp"]])))
        seen["styles"] = {ln.get_label(): _dash_of(ln) for ln in runs}
        seen["title"] = " ".join(ax.get_title().split())
        return orig(self, *a, **k)
    plt.Figure.savefig = spy
    try:
        assert main(["portrait", "dirac", "--methods", "gd,altgd,eg,eftp", "--init", "1,1", "--init", "1.5,0",
                     "--init", "-1,0.5", "-q", "--out", str(tmp_path / "f.png")]) == 0
    finally:
        plt.Figure.savefig = orig
    assert seen["factored"]
    assert seen["pixels"]["eg"] > 0.7 * seen["pixels"]["eftp"], seen["pixels"]
    assert "eg and eftp from (1, 1), from (1.5, 0) and from (\u22121, 0.5) lie on one another" in seen["title"], seen["title"]


def test_number_text_writes_every_minus_sign_as_u2212():
    """The kind: number_text wrote a negative number with U+2212 but its exponent with a hyphen-minus ("2.64e-06" in
    the |z| boxes of M18's Figure 1 beside ticks with \u2212: a figure review).  Over a generated family (signs,
    mantissas, exponents from subnormal to huge, inf, nan, Python and numpy numbers, the specs figures use): no
    hyphen-minus is left, every one the format wrote is U+2212 and nothing else changes; no negative zero."""
    import itertools
    import re

    from gandynamics.plotting import number_text
    rng = np.random.default_rng(7)
    mantissas = [1.0, 2.64, 9.999, 5.0000001, 1 / 3] + list(rng.uniform(1, 10, 6))
    exponents = [-320, -308, -100, -16, -6, -5, -4, -1, 0, 1, 4, 5, 6, 16, 100, 300]
    values = [sign * m * 10.0 ** e for sign, m, e in itertools.product((1, -1), mantissas, exponents)]
    values += [0.0, -0.0, 5e-324, -5e-324, float("inf"), -float("inf"), float("nan"), 7, -7, -(10 ** 20)]
    values += [np.float64(-2.64e-06), np.float32(-3.5e-8), np.int64(-12), np.float64(-0.0)]
    specs = ["g", ".3g", ".4g", "#.3g", "#.8g", ".2f", ".3f", "e", ".2e", ".0e", ".3E", "G", ".1%", ""]
    seen_exponent = False
    for v, spec in itertools.product(values, specs):
        if spec == "" and isinstance(v, (int, np.integer)):
            continue  # ("z" is for floats)
        plain = format(v, "z" + spec)
        text = number_text(v, spec)
        assert "-" not in text, (v, spec, text)
        assert text.replace("\u2212", "-") == plain, (v, spec, text, plain)
        assert text.count("\u2212") == plain.count("-")
        assert not re.fullmatch(r"\u22120*\.?0*(e[+\u2212]?0+)?%?", text, re.IGNORECASE), (v, spec, text)
        seen_exponent |= bool(re.search(r"[eE]\u2212\d", text))
    assert seen_exponent and number_text(-2.64e-06, ".3g") == "\u22122.64e\u221206"
    assert number_text(2.64e-06, "#.3g") == "2.64e\u221206"


@pytest.mark.parametrize("extra", [["--xlim", "0.5,1.3", "--ylim", "0.5,1.3", "--step", "0.1"],
                                   ["--methods", "gd,momentum,eg", "--xlim", "-1.5,-0.5", "--ylim", "-0.3,1.2"]])
def test_no_portrait_title_writes_the_minus_sign_two_ways(tmp_path, extra):
    """The figure review: a zoomed portrait's title read "gd, altgd, eg and eftp from (1.5, -1) start outside the
    window, at (1.5, \u22121)": the command line's start labels with a hyphen-minus, plotting's notes with the minus
    sign.  Portraits from negative starts, zoomed so that notes name runs and starts, with momentum's negative beta:
    neither the title nor the key writes a negative number with a hyphen-minus, and the title uses one sign."""
    import re
    from gandynamics.cli import main
    hyphen = r"(?:^|(?<=[\s(\[=,;:/\u2264]))-(?=\.?\d)"  # (test_studies_figures' rule)
    seen = {}
    orig = plt.Figure.savefig

    def spy(self, *a, **k):
        ax = self.axes[0]
        seen["title"] = ax.get_title()
        seen["key"] = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
        return orig(self, *a, **k)
    plt.Figure.savefig = spy
    methods = [] if "--methods" in extra else ["--methods", "gd,altgd,eg,eftp"]
    try:
        assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", *methods, "--init", "1,1", "--init", "-1,1",
                     "--init", "1.5,-1", "-q", *extra, "--out", str(tmp_path / "f.png")]) == 0
    finally:
        plt.Figure.savefig = orig
    title = seen["title"].replace("\n", " ")
    assert "\u2212" in title, title  # (a negative number is written: the case is met)
    assert not re.search(hyphen, title), title
    assert not [t for t in seen["key"] if re.search(hyphen, t)], seen["key"]


def _dash_of(line):
    return tuple(line._unscaled_dash_pattern[1] or ())


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_an_animation_s_data_axis_spans_the_states_shown_not_a_diverged_run_s_last_one():
    """A new user's finding: eg's diverged run put its generated samples at -4e12 and the data panel's axis spanned
    them, every other stem and D(x) collapsed onto x = 0.  The axis spans the real data and the samples of the states
    inside the phase window."""
    from gandynamics import simulate
    fld = VectorField(games.make_game("dirac", loss="wgan"), [])
    ok = simulate(fld, "altgd", [1.0, 1.0], 100, 0.2)
    bad = simulate(fld, "gd", [1.0, 1.0], 400, 0.5)  # (gd spirals out of the linear WGAN's centre: to the bound)
    assert np.nanmax(np.abs(bad.states)) > 1e3
    anim = animate(fld, trajectories=[("ok", ok), ("bad", bad)], frames=3, xlim=(-2, 2), ylim=(-2, 2))
    lo, hi = anim.data_axes[0].get_xlim()
    assert -10 < lo < hi < 10, (lo, hi)
    plt.close(anim._fig)
    import gc
    del anim
    gc.collect()  # (matplotlib warns when an animation never played is collected: here, under the filter)


def test_title_parts_wrap_at_the_head_s_colon_and_leave_no_word_alone():
    """The wrap of a title's parts (the default pass's member of test_a_portrait_title_wraps_into_sensible_lines):
    the head broken after its game's ": " where that takes no more lines, a note's last line never one word."""
    from gandynamics.plotting import _fill, _fill_title, _head_break, _note_lines
    head = "dirac + R1(γ = 0.3): gd, altgd, eg, eftp, ogda, h = 0.2"
    assert _fill_title(head, 36, len) == "dirac + R1(γ = 0.3):\ngd, altgd, eg, eftp, ogda, h = 0.2"
    assert _fill_title(head, 80, len) == head
    # (not where the break makes a line much wider than balanced ones: it ran to a grid's edge, bilinear_methods)
    panel = "alt. GD + momentum β = −0.5, h = 0.5: ρ = 0.9625"
    assert _fill_title(panel, 40, len) == _fill(panel, 40, len, balanced=True) and ":\n" not in _fill_title(panel, 40, len)
    assert _head_break("hopf (a: b): x") == 11 and _head_break("$a: b$ x") is None and _head_break("x y") is None
    note = "note: gd, altgd, eg, eftp and momentum go outside the window"
    assert _note_lines(note, 52) == "note: gd, altgd, eg, eftp and\nmomentum go outside the window"
    # a user's title over the head (a portrait given --title): each line by itself, the head still broken after ": "
    for mine in ("M18 figure 1 (b)", "My own", "a title of the user's that is long"):
        assert _fill_title(f"{mine}\n{head}", 36, len) == f"{mine}\ndirac + R1(γ = 0.3):\ngd, altgd, eg, eftp, ogda, h = 0.2"


@pytest.mark.slow  # (6 s: ten portraits drawn and laid out)
def test_a_portrait_title_wraps_into_sensible_lines():
    """The figure review: a zoomed portrait's title of several methods ran to short cramped lines, broken inside the
    list of methods (``dirac + R1(γ = 0.3): gd,`` over the rest) and a note's last word alone (``window``).  Generated
    portraits (methods, zooms, figure sizes, with and without a layout engine): every part of the title (the head,
    each note) wrapped over several lines ends in a line of two words or more, and a head of two lines breaks after
    its game's ``": "`` where the runs after it fit the widest line."""
    from matplotlib.text import Text
    from gandynamics import simulate
    from gandynamics.plotting import _words
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    runs = {m: simulate(fld, m, [1.0, 1.0], 200, 0.2) for m in ("gd", "altgd", "eg", "eftp", "ogda")}
    runs["momentum"] = simulate(fld, "momentum", [1.0, 1.0], 200, 0.2, beta=-0.5)
    rng = np.random.default_rng(11)
    wrapped = 0
    for trial in range(10):
        methods = list(rng.choice(sorted(runs), size=int(rng.integers(3, 7)), replace=False))
        w = float(rng.choice([0.05, 0.1, 0.2]))
        figsize = tuple(float(x) for x in rng.choice([(3.2, 3.0), (4.6, 4.2), (6.0, 4.0)]))
        fig, ax = plt.subplots(figsize=figsize, layout="constrained" if trial % 3 else None)
        phase_portrait(fld, trajectories=[runs[m] for m in methods], xlim=(1.0 - w, 1.0 + w / 2),
                       ylim=(1.0 - w, 1.0 + w / 2), ax=ax)
        fig.canvas.draw()
        probe = Text(0, 0, "", fontproperties=ax.title.get_fontproperties())
        probe.set_figure(fig)
        r = fig.canvas.get_renderer()

        def width(text):
            probe.set_text(text)
            return probe.get_window_extent(r).width
        parts = []
        for line in ax.get_title().split("\n"):
            if line.startswith("note: ") or not parts:
                parts.append([line])
            else:
                parts[-1].append(line)
        for part in parts:
            if len(part) > 1:
                wrapped += 1
                assert len(_words(part[-1])) >= 2, (trial, part)
        head = parts[0]
        if len(head) == 2 and ": " in " ".join(head):
            after = " ".join(head).split(": ", 1)[1]
            assert head[0].endswith(":") or width(after) > max(map(width, head)) + 1.0, (trial, head)
        plt.close(fig)
    assert wrapped >= 5  # (titles of several lines met)


def test_steps_text_names_each_step_before_the_runs_that_take_it():
    """A convergence figure's title names its step (the basin figure's named none, a figure review): one step, or each
    before the runs taking it ("A, B and C h = 0.3" read as C's step alone, a new user), in their order, with the
    minus sign and the project's number format."""
    from gandynamics.plotting import steps_text
    assert steps_text(0.2) == "h = 0.2"
    assert steps_text({"GD": 0.3, "EG": 0.3}) == "h = 0.3"
    from gandynamics.plotting import NBSP
    said = steps_text({"GD": 0.0499797, "EG": 0.176633, "EFTP": 0.176633}, ".4g")
    assert said.replace(NBSP, " ") == "h = 0.04998 for GD; h = 0.1766 for EG and EFTP"
    assert steps_text({"a": (0.2, 0.1), "b": 0.5}).replace(NBSP, " ") == "h = (0.2, 0.1) for a; h = 0.5 for b"
    assert steps_text((0.2, 0.2)) == "h = 0.2" and steps_text(-0.0) == "h = 0"


@pytest.mark.parametrize("seed", range(6))
def test_a_title_s_steps_stay_with_the_runs_they_apply_to(seed):
    """The figure review: basin_dirac_convergence's title broke between "EG and EFTP" and their step "h = 0.1766".
    Generated step mappings in titles wrapped at every width: no line break falls inside a group of runs and their
    step (a group too long for one line: none between the step and its first run)."""
    from gandynamics.plotting import NBSP, STEPS_GROUP_KEEP, _fill_title, steps_text
    rng = np.random.default_rng(seed)
    pool = ["GD", "EG", "EFTP", "OGDA", "alt. GD", "momentum (β = −0.5)", "simultaneous GD", "extragradient"]
    names = list(rng.choice(pool, size=int(rng.integers(2, 6)), replace=False))
    steps = {n: float(rng.choice([0.05, 0.1766, 0.3])) for n in names}
    text = steps_text(steps, ".4g")
    title = f"dirac + R1(γ = 0.3), {text}: distance from a start on the invariant ball, and its predicted rate"
    groups = text.split("; ") if ";" in text else []
    assert groups, text  # (every seed draws two steps or more)
    for width in range(12, 130, 3):
        lines = _fill_title(title, width, len).split("\n")
        for g in groups:
            plain = g.replace(NBSP, " ")
            after = plain[plain.index(" for ") + len(" for "):]
            first = max((n for n in names if after.startswith(n)), key=len)
            kept = plain if len(plain) <= STEPS_GROUP_KEEP else plain[:plain.index(" for ") + len(" for ") + len(first)]
            assert any(kept in line.replace(NBSP, " ") for line in lines), (width, kept, lines)


def test_a_portrait_title_names_each_method_s_options_as_run():
    """A new user's finding: 'portrait --methods momentum,altgd --alternating --beta -0.3' was titled "momentum"
    alone, and the command line's beta = -0.5 (the library's is 0) was nowhere on the figure."""
    from gandynamics.plotting import portrait_title
    fld = VectorField(games.bilinear(), [])
    t = portrait_title(fld, None, ["momentum", "altgd", "flow"], 0.2,
                       [{"beta": -0.3, "alternating": True, "box": None}, {"n_d": 5}, {}])
    assert t.endswith(": momentum (β = \u22120.3, alternating), altgd (n_d = 5), h = 0.2; flow"), t
    assert portrait_title(fld, None, ["gd"], 0.2).endswith(": gd, h = 0.2")


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_an_animation_draws_normal_data_and_generator_as_densities():
    """A new user's finding: a Normal was drawn as its five quadrature stems, labelled "probability weight".  Where the
    data and the generator are 1-D Normals their densities are drawn (and move with theta); atoms stay stems."""
    import sympy as sp

    from gandynamics import GAN, Normal
    t, w, X = sp.symbols("theta w x", real=True)
    g = GAN(theta=[t], psi=[w], x=[X], discriminator=w * X, real=Normal(1.0, 1.0), fake=Normal(t, 0.5),
            loss="standard", equilibrium=(1, 0))
    fld = VectorField(g, [R1(gamma=0.5)])
    anim = animate(fld, methods=("gd",), init=[2.5, 0.5], steps=60, step=0.3, frames=3)
    ax2 = anim.data_axes[0]
    assert ax2.get_ylabel() == "density"
    lines = {ln.get_label(): ln for ln in ax2.get_lines()}
    real, fake = lines["real data (density)"], lines["generated (gd)"]
    x = real.get_xdata()
    assert np.allclose(real.get_ydata(), np.exp(-(x - 1.0) ** 2 / 2) / np.sqrt(2 * np.pi), rtol=1e-12)
    for f in (0, 2):
        anim.update(f)
        theta = anim.trajectories[0][1].states[anim.frame_indices[f], 0]
        assert np.allclose(fake.get_ydata(), np.exp(-(x - theta) ** 2 / (2 * 0.5)) / np.sqrt(2 * np.pi * 0.5))
    plt.close(anim._fig)
    import gc
    del anim
    gc.collect()


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
@pytest.mark.parametrize("game, same", [("bilinear", True), ("quadratic", False)])
def test_an_animation_names_a_norm_of_f_equal_to_the_distance_once(game, same):
    """New users' findings: the animation's dashed |F| lay on the distance (the bilinear game's F is a rotation:
    |F(z)| = |z - z*|) and the legend listed a curve that could not be seen.  Where they agree within a line's width
    at every k there is one curve, "distance = |F|"; elsewhere both."""
    fld = VectorField(games.make_game(game, **({"a": 0.3, "b": 1.0, "c": 0.5} if game == "quadratic" else {})), [])
    anim = animate(fld, methods=("gd",), steps=60, step=0.2, frames=3)
    texts = [t.get_text() for t in anim.data_axes[0].get_legend().get_texts()]
    assert texts == (["gd: distance = ‖F‖"] if same else ["gd: distance", "gd: ‖F‖"]), texts
    plt.close(anim._fig)
    import gc
    del anim
    gc.collect()


# ---------------------------------------------------------------------------------------------- text and canvas width
def _texts(fig):
    """Every visible text of ``fig`` with its size in points, after a draw (tick labels, titles, labels, legends,
    annotations, colorbars)."""
    from matplotlib.text import Text
    fig.canvas.draw()
    return [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("width", [4.0, 9.0, 12.0, 15.0])
def test_text_scales_with_the_canvas_width(width):
    # the gallery's 14-15 inch figures kept 8 pt tick labels: shown at page width they were 3.5 pt (the figure review)
    from gandynamics.plotting import STYLE, TEXT_WIDTH, canvas, style, text_scale
    k = text_scale(width)
    assert k == pytest.approx(max(1.0, width / TEXT_WIDTH) ** 0.5)
    with style():
        with canvas(1, 3, figsize=(width, 3.5)) as (fig, axes):
            for ax in axes:
                ax.plot([0, 1], [0, 1], label="a line")
                ax.set_title("title")
                ax.set_xlabel("x label")
                ax.legend()
            cb = fig.colorbar(matplotlib.cm.ScalarMappable(), ax=axes[-1], label="colour")
            fig.suptitle("suptitle")
            texts = _texts(fig)
        assert fig.get_layout_engine() is not None  # (constrained, as plt.subplots(..., layout="constrained"))
        smallest = min(STYLE[k_] for k_ in ("legend.fontsize", "xtick.labelsize", "ytick.labelsize"))
        assert min(size for _, size in texts) >= smallest * k - 1e-9
        sizes = dict(texts)
        assert sizes["x label"] == pytest.approx(STYLE["axes.labelsize"] * k)
        assert sizes["a line"] == pytest.approx(STYLE["legend.fontsize"] * k)
        assert cb.ax.yaxis.get_ticklabels()[0].get_fontsize() == pytest.approx(STYLE["ytick.labelsize"] * k)
        assert matplotlib.rcParams["font.size"] == STYLE["font.size"]  # (the block's sizes end with it)
        plt.close(fig)


def test_text_sizes_follow_the_callers_rcparams():
    from gandynamics.plotting import text_sizes
    with matplotlib.rc_context({"font.size": 12.0, "xtick.labelsize": "small"}):
        got = text_sizes(18.0)
    assert got["font.size"] == pytest.approx(12.0 * 2 ** 0.5) and "xtick.labelsize" not in got  # (named: follows)
    with pytest.raises(GandynamicsError):
        text_sizes(-1.0)


def test_every_study_figure_is_made_on_a_canvas():
    # (a figure made with plt.subplots in a study would keep the unscaled text sizes)
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[1] / "gandynamics" / "studies"
    bad = [f"{p.name}: {m.group(0)}" for p in sorted(root.glob("*.py"))
           for m in re.finditer(r"plt\.(subplots|figure|subplot_mosaic)\(", p.read_text())]
    assert not bad, bad


@pytest.mark.parametrize("rows, cols", [(10**7, 1), (1, 101), (0, 1), (2.0, 1), (-1, 3)])
def test_a_canvas_of_too_many_or_no_panels_is_refused_before_drawing(rows, cols):
    """A new user's finding: plotting.canvas(10**7, 1) ran out of memory instead of being refused (its counts were
    the only unbounded ones of the public functions: tests/test_limits.py)."""
    from gandynamics.plotting import CANVAS_PANELS_MAX, canvas
    with pytest.raises(GandynamicsError, match=f"at most {CANVAS_PANELS_MAX} panels"):
        with canvas(rows, cols, figsize=(4, 4)):
            pass
    with canvas(2, 3, figsize=(4, 4)) as (fig, axes):
        assert axes.shape == (2, 3)
    plt.close(fig)


# ------------------------------------------------------------------------------------------ nullclines across jumps
def _nullcline_segments(ax, name):
    """The segments of the nullcline of coordinate ``name`` drawn in ``ax``."""
    from matplotlib.contour import ContourSet
    segs = []
    for cs in ax.collections:
        if isinstance(cs, ContourSet) and getattr(cs, "nullcline_of", None) == name:
            segs += [s for level in cs.allsegs for s in level if len(s)]
    return segs


# F_x of each kind of jump across y = 0.3 (or the integers, for floor) that changes its sign without vanishing there,
# and the lines it jumps on within the window [-1, 1]^2
_JUMPS = [
    ("Heaviside(y - 3/10) - 1/2", (0.3,)),
    ("sign(y - 3/10)/2 + 1/10", (0.3,)),
    ("Piecewise((1, y > 3/10), (-1, True))", (0.3,)),
    ("floor(y) + 1/2", (0.0, 1.0)),  # (it jumps at every integer: at 0 across 0, at 1 from 1/2 to 3/2)
]


@pytest.mark.parametrize("fx, at", _JUMPS)
def test_nullclines_leave_out_jumps_and_keep_true_zeros(fx, at):
    """A component that changes sign by a jump has no nullcline there (a contour at level 0 drew the hinge loss's
    Heaviside jump as one); the other component's true nullcline (F_y = y: the line y = 0) is still drawn, and so
    are the zeros of a kink (Abs), checked against their closed forms."""
    import sympy as sp
    from gandynamics import Game
    from gandynamics.plotting import jump_mask, phase_portrait
    x, y = sp.symbols("x y", real=True)
    g = Game([x], [y], x * sp.sympify(fx, locals={"x": x, "y": y}), y**2 / 2, name="jumpy")
    fld = VectorField(g)
    ax = phase_portrait(fld, nullclines=True, equilibrium=False, xlim=(-1, 1), ylim=(-1, 1), n=41)
    try:
        assert _nullcline_segments(ax, "x") == []  # F_x never vanishes
        ys = np.concatenate([s[:, 1] for s in _nullcline_segments(ax, "y")])
        assert ys.size and np.all(np.abs(ys) < 1e-9)  # F_y = y: the line y = 0, whole
        # the legend names the line drawn, not F_x's, which is not
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["nullcline d$y$/dt = 0"]
    finally:
        plt.close(ax.figure)
    # the mask: the cells the jump's line crosses, no others (41 points on [-1, 1]: spacing 0.05)
    X, Y = np.meshgrid(np.linspace(-1, 1, 41), np.linspace(-1, 1, 41))
    m = jump_mask(fld, None, np.zeros(2), None, X, Y, 0)
    rows = np.flatnonzero(m.any(axis=1))
    near = np.min(np.abs(Y[rows, 0][:, None] - np.array(at)[None, :]), axis=1)
    assert np.all(near <= 0.05 + 1e-12)
    assert all(np.any(np.abs(Y[rows, 0] - a) <= 0.05 + 1e-12) for a in at)
    assert not jump_mask(fld, None, np.zeros(2), None, X, Y, 1).any()  # F_y has no jump


@pytest.mark.parametrize("fx, at", _JUMPS)
def test_a_jump_in_a_coordinate_off_the_plane_masks_nothing_in_it(fx, at):
    """A reviewer's finding: F_x = y + Heaviside(z) on the plane (x, y) at z = 0, the plane lying on the jump's set,
    masked every cell (no nullcline of F_x at all).  A switching function constant on the plane has one side there,
    whatever the slice: F_x = y + c is continuous in the plane, its nullcline the line y = -c, drawn whole, at a slice
    on the set (each kind's jump) and off it."""
    import sympy as sp
    from gandynamics import Game
    from gandynamics.plotting import jump_mask, phase_portrait
    x, y, z = sp.symbols("x y z", real=True)
    jump = sp.sympify(fx, locals={"y": z}) / 4  # (the jump moved to z, scaled into the window)
    g = Game([x], [y, z], x * (y + jump), z**2 / 2 - x * y, name="offplane")
    fld = VectorField(g)
    X, Y = np.meshgrid(np.linspace(-1, 1, 41), np.linspace(-1, 1, 41))
    for zc in (*at, at[0] + 0.25):
        assert not jump_mask(fld, None, np.array([0.0, 0.0, zc]), ("x", "y"), X, Y, 0).any(), zc
        c = float(fld.eval_F(np.array([0.0, 0.0, zc]))[0])  # F_x = y + c, c the jump term's value at this slice
        ax = phase_portrait(fld, plane=("x", "y"), center=[0.0, 0.0, zc], nullclines=True, equilibrium=False,
                            xlim=(-1, 1), ylim=(-1, 1), n=41)
        try:
            ys = np.concatenate([s_[:, 1] for s_ in _nullcline_segments(ax, "x")])
            assert ys.size and np.all(np.abs(ys + c) < 1e-9), (zc, c)
        finally:
            plt.close(ax.figure)


def test_nullclines_of_a_kink_are_kept():
    import sympy as sp
    from gandynamics import Game
    from gandynamics.plotting import jump_mask, phase_portrait
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], x * (sp.Abs(y - sp.Rational(3, 10)) - sp.Rational(1, 5)), y**2 / 2, name="kinky"))
    X, Y = np.meshgrid(np.linspace(-1, 1, 41), np.linspace(-1, 1, 41))
    assert not jump_mask(fld, None, np.zeros(2), None, X, Y, 0).any()
    ax = phase_portrait(fld, nullclines=True, equilibrium=False, xlim=(-1, 1), ylim=(-1, 1), n=41)
    try:
        ys = np.concatenate([s[:, 1] for s in _nullcline_segments(ax, "x")])
        # |y - 0.3| = 0.2: the lines y = 0.1 and y = 0.5 (linear interpolation on the grid is exact for a linear piece)
        assert np.all(np.minimum(np.abs(ys - 0.1), np.abs(ys - 0.5)) < 1e-9)
        assert np.any(np.abs(ys - 0.1) < 1e-9) and np.any(np.abs(ys - 0.5) < 1e-9)
    finally:
        plt.close(ax.figure)


def test_a_predicted_rates_dashes_stand_out_from_their_runs_line():
    """The dashes of a predicted rate are drawn over the measured run where the two coincide: their colour differs
    from the run's by luminance or by hue for every colour (a generator of random colours, the method and tab colours,
    greys); black dashes over the unregularized run's dark grey "0.3" could not be seen (the figure review)."""
    from matplotlib.colors import to_rgb
    from gandynamics.plotting import METHOD_COLORS, predicted_shade
    rng = np.random.default_rng(3)
    colours = [tuple(c) for c in rng.random((300, 3))] + list(METHOD_COLORS.values()) + \
        [f"tab:{c}" for c in ("blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan")] + \
        [str(g) for g in np.linspace(0, 1, 21)]
    lum = lambda c: 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]  # noqa: E731
    for c in colours:
        a, b = to_rgb(c), predicted_shade(c)
        chroma = max(a) - min(a)
        assert abs(lum(a) - lum(b)) >= 0.15 or (chroma >= 0.15 and max(abs(x - y) for x, y in zip(a, b)) >= 0.15), c
    assert lum(predicted_shade("0.3")) > 0.55  # (a dark grey: light dashes, at 3:1 on white: the palette's tests)
    assert predicted_shade("tab:red") == tuple(0.3 * x for x in to_rgb("tab:red"))  # (a colour: its dark shade, as before)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_suptitle_wider_than_its_figure_is_wrapped(seed):
    """The figure review: the wide figures' suptitles ran from edge to edge or were cut.  Generated suptitles (words and
    mathtext) on figures 4 to 16 inches wide: after fit_suptitle each line is within SUPTITLE_SHARE of the figure's
    width, the words are the same in the same order, no $...$ is split, and a suptitle that fits is left alone."""
    from gandynamics.plotting import SUPTITLE_SHARE, canvas, fit_suptitle
    rng = np.random.default_rng(seed)
    words = ["stability", "regions", "of", "GD,", "EG", "and", "EFTP", r"$\rho(\gamma, h)$", "bounded", "by",
             r"$\frac{\gamma}{2}\,\|\nabla_x D\|^2$", "Neimark–Sacker", "curves", "(thick),", "over", "the", "rate"]
    for width in (4.0, 7.5, 11.0, 16.0):
        text = " ".join(rng.choice(words, size=int(rng.integers(3, 40))))
        with canvas(1, 2, figsize=(width, 3.0)) as (fig, axes):
            fig.suptitle(text)
            fig.canvas.draw()
            before = fig._suptitle.get_window_extent(fig.canvas.get_renderer()).width
            fit_suptitle(fig)
            out = fig._suptitle.get_text()
            assert out.split() == text.split()
            if before <= SUPTITLE_SHARE * fig.bbox.width:
                assert out == text
            for line in out.split("\n"):
                assert line.count("$") % 2 == 0, line
                probe = fig.text(0, 0, line, fontproperties=fig._suptitle.get_fontproperties())
                w = probe.get_window_extent(fig.canvas.get_renderer()).width
                probe.remove()
                assert w <= SUPTITLE_SHARE * fig.bbox.width + 1.0 or len(line.split()) == 1, (width, line)
            plt.close(fig)


@pytest.mark.parametrize("seed", [0, 1] + [pytest.param(s, marks=pytest.mark.slow) for s in (2, 3)])
def test_a_wrapped_suptitle_without_a_layout_engine_ends_above_the_panels(seed):
    """On a figure without a layout engine the wrapped suptitle grew down from the top over the panels' titles (the
    engine of the other figures makes room).  Generated grids, sizes and suptitles of 2 to 5 lines: after fit_suptitle
    the suptitle's box ends above every panel's decorations, and the panels keep a height."""
    from gandynamics.plotting import fit_suptitle
    rng = np.random.default_rng(seed)
    for _ in range(3):
        nr, nc = int(rng.integers(1, 3)), int(rng.integers(1, 4))
        fig, axes = plt.subplots(nr, nc, figsize=(float(rng.uniform(4, 10)), float(rng.uniform(4, 8))))
        for ax in np.atleast_1d(axes).ravel():
            ax.set_title("a panel's title")
        fig.suptitle(" ".join(["a long suptitle of many words"] * int(rng.integers(3, 12))))
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        fit_suptitle(fig)
        lines = fig._suptitle.get_text().count("\n") + 1
        top = fig._suptitle.get_window_extent(r).y0
        high = max(ax.get_tightbbox(r).y1 for ax in fig.axes)
        assert lines == 1 or high <= top, (lines, high, top)
        assert all(ax.get_position().height > 0.05 for ax in fig.axes)
        plt.close(fig)


def test_the_key_of_a_grid_of_portraits_draws_its_markers_as_the_portraits_do(dirac_r1):
    """The bilinear game's six portraits (legend=False) showed each run's last state as a dot no legend named.
    portrait_handles gives the key of such a grid: the start, the last state and the equilibrium, each with the
    marker, size and face the portraits draw them with."""
    from gandynamics.plotting import portrait_handles
    tr = np.array([[1.0, 1.0], [0.5, 0.7], [0.2, 0.3]])
    ax = phase_portrait(dirac_r1, n=9, trajectories=[("gd", tr, "tab:red")], legend=False)
    try:
        one = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 1]
        key = {h.get_label(): h for h in portrait_handles()}
        from gandynamics.plotting import LAST_STATE_LABEL
        assert set(key) == {"start", LAST_STATE_LABEL, "equilibrium"}
        for label, at in (("start", (1.0, 1.0)), (LAST_STATE_LABEL, (0.2, 0.3)), ("equilibrium", (0.0, 0.0))):
            drawn = [ln for ln in one if (ln.get_xdata()[0], ln.get_ydata()[0]) == at]
            assert drawn, label
            h = key[label]
            assert any((ln.get_marker(), ln.get_markersize(), ln.get_markerfacecolor() == h.get_markerfacecolor()
                        or label == LAST_STATE_LABEL) == (h.get_marker(), h.get_markersize(), True) for ln in drawn), label
    finally:
        plt.close(ax.figure)


def test_predictions_stay_near_the_distances_drawn():
    """A rate above 1 of a run that stays bounded (gd at h = 3 on the R1 Dirac-GAN: rho = 1.53, the run held by the
    sigmoid) and of a diverging one: the dashes end within PREDICTION_HEADROOM of the largest distance drawn, so that
    the axis is the runs' (it went to 1e47); a prediction below 1 is drawn whole."""
    from gandynamics import simulate
    from gandynamics.analysis.rates import local_rate
    from gandynamics.plotting import PREDICTION_HEADROOM
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    A = fld.eval_DF(np.zeros(2))
    runs, rates = [], {}
    for m, h in (("gd", 3.0), ("gd", 0.2), ("altgd", 5.0)):
        lab = f"{m} h={h}"
        runs.append((lab, simulate(fld, m, [1.0, 1.0], 300, h, equilibrium=np.zeros(2)), None))
        rates[lab] = local_rate(m, A, h, n_theta=1)
    assert rates["gd h=3.0"] > 1.5 and rates["gd h=0.2"] < 1
    ax = convergence(runs, rates=rates)
    top = max(np.nanmax(np.where(np.isfinite(tr.distance), tr.distance, np.nan)) for _, tr, _ in runs)
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() != "-" and len(ln.get_ydata())]
    assert len(dashed) == 3
    for ln in dashed:
        assert np.max(ln.get_ydata()) <= PREDICTION_HEADROOM * top * (1 + 1e-12)
    assert ax.get_ylim()[1] < 1e3 * top
    whole = [ln for ln in dashed if "0.9747" in str(ln.get_label())]
    assert len(whole) == 1 and len(whole[0].get_ydata()) == 50
    plt.close(ax.figure)


@pytest.mark.parametrize("width", [2e-2] + [pytest.param(w, marks=pytest.mark.slow) for w in (3e-5, 0.7, 40.0, 5e4)])
def test_portrait_x_tick_labels_never_run_together(width):
    """Windows of any width and place (offsets from z*, the centre moved off 0 too): the x tick labels, measured as
    drawn, do not overlap (a window of 0.02 ran "-0.0100-0.0075-0.0050" together, a figure review)."""
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    for lo in (-width / 2, 3 * width):
        ax = phase_portrait(fld, xlim=(lo, lo + width), ylim=(-width / 2, width / 2), n=9)
        fig = ax.figure
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        boxes = sorted((t.get_window_extent(r) for t in ax.get_xticklabels() if t.get_visible() and t.get_text()),
                       key=lambda b: b.x0)
        assert len(boxes) >= 2
        for a, b in zip(boxes, boxes[1:]):
            assert a.x1 < b.x0, (width, lo, [t.get_text() for t in ax.get_xticklabels()])
        plt.close(fig)


def test_a_curve_with_nothing_on_the_log_axis_says_so_in_the_legend():
    """factors' phase of the unregularized Dirac-GAN is infinite at every strength (eigenvalues ±i): not drawn, and its
    legend entry says why (it was listed as if drawn, a figure review)."""
    from gandynamics.plotting import factors
    ax = factors("dirac", {"SimGD (none)": None, "R1": R1()}, "gamma", np.logspace(-2, 0, 8), which="phase")
    texts = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert texts[0] == "SimGD (none): infinite throughout (eigenvalues on the imaginary axis), not drawn"
    assert texts[1] == "R1"
    plt.close(ax.figure)


def test_cli_arrows_with_speed_draws_the_coloured_streamlines(tmp_path):
    """portrait --arrows --speed: the speed colours the streamlines, drawn beside the quiver, with their colorbar (the
    command line passed streamlines=False with --arrows and --speed was silently ignored, a figure review)."""
    from matplotlib.collections import LineCollection
    from matplotlib.quiver import Quiver

    from gandynamics.cli import main
    seen = {}
    orig = plt.Figure.savefig

    def spy(self, *a, **k):
        ax = self.axes[0]
        seen["quiver"] = any(isinstance(c, Quiver) for c in ax.collections)
        seen["coloured"] = any(isinstance(c, LineCollection) and c.get_array() is not None for c in ax.collections)
        seen["colorbar"] = getattr(ax, "speed_colorbar", None) is not None
        return orig(self, *a, **k)
    plt.Figure.savefig = spy
    try:
        assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--arrows", "--speed", "--out",
                     str(tmp_path / "p.png")]) == 0
    finally:
        plt.Figure.savefig = orig
    assert seen == {"quiver": True, "coloured": True, "colorbar": True}


@pytest.mark.parametrize("method, options, said", [
    ("momentum", {}, "momentum at β = −0.5, alternating = False"),  # (its declared default, as on the command line)
    ("momentum", {"beta": -0.5}, "momentum at β = −0.5, alternating = False"),
    ("altgd", {"n_d": 2}, "altgd at n_g = 1, n_d = 2"),
    ("gd", {}, None)])
def test_rate_map_says_the_options_it_was_computed_at(method, options, said):
    """A rate map of a method with rate options names their values (momentum at beta = 0 is gd's map, and nothing
    said so: a figure review); gd has none to name."""
    from gandynamics.plotting import rate_map
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    ax = rate_map(fld, method, np.linspace(0, 2, 5), np.linspace(0.05, 1, 6), **options)
    texts = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert [t for t in texts if t.startswith(method + " at")] == ([] if said is None else [said])
    plt.close(ax.figure)


def test_a_run_lying_on_a_longer_one_is_dashed_over_it_and_the_longer_stays_solid():
    """A run from a start on another's path (the basin figure's EFTP panel): the one it lies on, drawn longer in the
    window, stays solid and under it; the run on it is dashed, showing the other's colour in its gaps."""
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    t = np.linspace(0, 6, 400)
    spiral = np.c_[np.exp(-0.2 * t) * np.cos(t), np.exp(-0.2 * t) * np.sin(t)]
    joined = np.concatenate((np.c_[np.linspace(-1.5, spiral[100, 0], 30), np.full(30, spiral[100, 1])], spiral[101:]))
    ax = phase_portrait(fld, trajectories=[("joins", joined), ("on it", spiral[100:])], xlim=(-2, 2), ylim=(-2, 2), n=9)
    host, on = _trajectory_lines(ax, ["joins", "on it"])
    assert host.get_linestyle() == "-" and host.get_zorder() < on.get_zorder()
    assert on.get_linestyle() != "-" and tuple(on._unscaled_dash_pattern[1]) == (3.0, 3.0)
    plt.close(ax.figure)


def test_eigenvalue_locus_keeps_a_small_locus_visible_and_colours_log_spaced_strengths_on_a_log_scale():
    """R1 over gamma in [0.001, 0.01]: the eigenvalues -gamma/2 ± i sqrt(1 - gamma^2)/2 (f'(0) = 1/2;
    docs/mathematics.md §1.7) move by 0.0045 on an axis of 1 -- each axis its own scale, the points spread over the plot, the critical stars open;
    over np.logspace the colours on a log scale (LogNorm); over a linear range of gamma in [0, 3] one scale for both."""
    from matplotlib.colors import LogNorm
    tiny = eigenvalue_locus("dirac", R1(), "gamma", np.linspace(0.001, 0.01, 20))
    assert tiny.get_aspect() == "auto"
    xs = tiny.collections[0].get_offsets()[:, 0]
    lo, hi = tiny.get_xlim()
    assert np.ptp(xs) > 0.5 * (hi - lo)  # (equal scales left them a dot at one side)
    g = np.linspace(0.001, 0.01, 20)
    assert np.allclose(np.sort(xs), np.sort(np.repeat(-g / 2, 2)), rtol=1e-9, atol=1e-15)
    ys = tiny.collections[0].get_offsets()[:, 1]
    assert np.allclose(np.sort(ys), np.sort(np.concatenate([np.sqrt(1 - g ** 2) / 2, -np.sqrt(1 - g ** 2) / 2])))
    star = [ln for ln in tiny.get_lines() if ln.get_marker() == "*"][0]
    assert star.get_markerfacecolor() == "none"
    plt.close(tiny.figure)
    wide = eigenvalue_locus("dirac", R1(), "gamma", np.linspace(0, 3, 13))
    assert wide.get_aspect() == 1.0 and not isinstance(wide.collections[0].norm, LogNorm)
    plt.close(wide.figure)
    logs = eigenvalue_locus("dirac", R1(), "gamma", np.logspace(-2, 1, 13))
    assert isinstance(logs.collections[0].norm, LogNorm)
    plt.close(logs.figure)


def test_a_run_jumping_between_points_outside_the_window_is_not_drawn_across_it():
    """A diverging discrete run's iterates jump between far points on either side of the window: the segments with
    both ends outside are left out (a fan of long strokes across the window read as motion inside it, a new user);
    a segment with an end inside is drawn (to the edge), and a run inside is one unbroken line."""
    from gandynamics.plotting import _broken_outside, phase_portrait
    x = np.array([0.0, 0.5, 5.0, -7.0, 9.0, 0.2, 0.1])
    y = np.array([0.0, 0.1, 0.2, 0.3, -0.4, 0.0, 0.0])
    bx, by = _broken_outside(x, y, (-1, 1), (-1, 1))
    # (5, -7) and (-7, 9) both outside: a NaN after 5 and after -7; (0.5, 5) and (9, 0.2) have an end inside
    assert np.array_equal(np.isnan(bx), [False, False, False, True, False, True, False, False, False])
    assert np.array_equal(bx[~np.isnan(bx)], x) and np.array_equal(by[~np.isnan(by)], y)
    inside = np.linspace(-0.5, 0.5, 9)
    assert _broken_outside(inside, inside, (-1, 1), (-1, 1))[0] is not None
    assert not np.isnan(_broken_outside(inside, inside, (-1, 1), (-1, 1))[0]).any()
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    ax = phase_portrait(fld, trajectories=[("jumps", np.c_[x, y])], xlim=(-1, 1), ylim=(-1, 1), n=9)
    (line,) = _trajectory_lines(ax, ["jumps"])
    assert np.isnan(line.get_xdata()).sum() == 2
    plt.close(ax.figure)


@pytest.mark.parametrize("with_rates", [False, True])
def test_a_curve_drawn_as_markers_on_another_says_so_in_the_legend(with_rates):
    """Two runs whose distances coincide (EG on EFTP's line in the basin figure read as a missing curve, the figure
    review): the later is drawn as markers and its legend entry says on whose line, with or without predicted rates."""
    k = np.arange(200)
    d = 0.9 ** k
    runs = [("first", d), ("second", d * (1 + 1e-4)), ("apart", 0.8 ** k)]
    ax = convergence(runs, rates={"first": 0.9, "second": 0.9, "apart": 0.8} if with_rates else None)
    texts = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    second = [t for t in texts if t.startswith("second")]
    assert len(second) == 1 and second[0].endswith("(circles on first's line)"), texts
    assert not [t for t in texts if t.startswith(("first", "apart")) and "line)" in t]
    plt.close(ax.figure)


@pytest.mark.parametrize("seed", range(4))
def test_a_marked_curves_entry_names_the_other_curve_without_nested_parentheses(seed):
    """"EG (start in B_r) (markers on the line of EFTP (start in B_r)): certified ..." (a figure review): labels with
    parentheses and commas (generated), two or three coinciding curves: each marked entry ends in "(<markers> on
    <name>'s line)", names the other curve by its short name where that is unique among the curves (else in full),
    and nests no parentheses its labels did not."""
    from gandynamics import plotting as P
    rng = np.random.default_rng(seed)
    k = np.arange(150)
    heads = rng.choice(["EG", "EFTP", "OGDA", "GD", "alt. GD + momentum"], size=3, replace=False)
    tails = [" (h = 0.3)", ", start in $B_r$", " (start in $B_r$)", ""]
    labels = [f"{h}{tails[rng.integers(len(tails))]}" for h in heads]
    n_on = int(rng.integers(2, 4))
    runs = [(lab, 0.9 ** k * (1 + 1e-4 * j) if j < n_on else 0.7 ** k) for j, lab in enumerate(labels)]
    rates = {lab: 0.9 for lab in labels} if seed % 2 else None
    ax = convergence(runs, rates=rates, rate_kind="certified" if seed % 2 else "predicted")
    texts = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    depth = lambda t: max(np.cumsum([{"(": 1, ")": -1}.get(c, 0) for c in t]))  # noqa: E731
    for j in range(1, n_on):
        entry = [t for t in texts if t.startswith(labels[j])][0]
        assert entry.endswith(f"({P.MARKER_WORDS[P.COINCIDE_MARKERS[j - 1]]} on {heads[0]}'s line)"), entry
        assert depth(entry) <= 1, entry
    assert sum(t.endswith("line)") for t in texts) == n_on - 1, texts
    plt.close(ax.figure)


def test_a_short_label_is_kept_whole_where_it_would_be_ambiguous():
    from gandynamics import plotting as P
    assert P.short_label("EFTP (h = 0.3)", ["EFTP (h = 0.3)", "OGDA (h = 0.3)"]) == "EFTP"
    assert P.short_label("gd, h = 0.2", ["gd, h = 0.2", "gd, h = 0.4"]) == "gd, h = 0.2"
    assert P.short_label("mine", ["mine"]) == "mine"


def test_certified_rates_are_drawn_in_a_tint_of_their_runs_colour():
    """The basin figure's three certified rates were drawn near-black (predicted_shade: 0.3 of each colour), two of them
    on one another (a figure review): a certified bound's dashes keep its run's hue, lighter (random colours, the
    method colours); a light colour takes its dark shade instead (a tint of it is lost on white), and so does one with
    too little room above 3:1 on white for a tint (gd's vermillion, eg's green and eftp's purple: their 0.35 of the way
    to white was fainter than 3:1, a figure review) a darker shade of its hue; and in a plot of runs of distinct
    colours the bounds' colours are distinct too."""
    import colorsys
    from matplotlib.colors import to_rgb
    from gandynamics import plotting as P
    rng = np.random.default_rng(5)
    lum = lambda c: 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]  # noqa: E731
    for c in [tuple(x) for x in rng.random((300, 3))] + list(P.METHOD_COLORS.values()):
        a, b = to_rgb(c), P.certified_tint(c)
        if lum(a) > P.LIGHT:
            assert b == P.predicted_shade(a)
            continue
        ha, sa, _ = colorsys.rgb_to_hsv(*a)
        hb, _, _ = colorsys.rgb_to_hsv(*b)
        if sa > 0.05:  # (a grey has no hue to keep)
            assert min(abs(ha - hb), 1 - abs(ha - hb)) < 1e-9, c
        if P._room(a) >= P.MIN_TINT:
            assert lum(b) > lum(a) + 0.05, c  # lighter: not the near-black of a dark shade
        else:
            assert lum(b) < lum(a) - 0.05 and lum(b) > 0.5 * P.CERTIFIED_SHADE * lum(a), c  # darker, not near-black
    k = np.arange(100)
    cols = [P.METHOD_COLORS[m] for m in ("gd", "eg", "eftp")]
    runs = [(m, 0.95 ** k * (1 + 0.3 * j), c) for j, (m, c) in enumerate(zip(("GD", "EG", "EFTP"), cols))]
    ax = convergence(runs, rates=[0.99, 0.9911, 0.9913], anchor=0.0, rate_kind="certified")
    dashed = [ln for ln in ax.get_lines() if ln.get_label().startswith("certified")]
    assert len(dashed) == 3
    assert [to_rgb(ln.get_color()) for ln in dashed] == [P.certified_tint(c) for c in cols]
    assert len({to_rgb(ln.get_color()) for ln in dashed}) == 3
    plt.close(ax.figure)


def test_the_legend_gives_the_measured_rate_beside_the_predicted_one():
    """Curves of close rates lie on one another (three variants within 0.01, a figure review): each legend entry gives
    the rate measured on its run too.  F = (x + y, y - x): gd's iteration matrix I - h A has the spectral radius
    sqrt((1 - h)^2 + h^2) (numpy here), which the measured rate matches to its four decimals; a run given as bare
    distances has no measured rate to show."""
    from gandynamics import simulate
    fld = VectorField(games.quadratic(), [])  # (a = b = c = 1: F = (x + y, y - x))
    h = 0.2
    rho = float(max(abs(np.linalg.eigvals(np.eye(2) - h * np.array([[1.0, 1.0], [-1.0, 1.0]])))))
    tr = simulate(fld, "gd", [1.0, 1.0], 150, h, {"a": 1.0, "b": 1.0, "c": 1.0}, engine="interpreted")
    ax = convergence([tr, ("bare", tr.distance)], rates=[rho, rho])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    # (and an entry for the two predictions, one line: test_coinciding_rates_are_one_line_the_key_names_as_drawn)
    (mine,) = [t for t in texts if t.startswith("gd") and "one line" not in t]
    assert f"measured {rho:.4f}" in mine and f"predicted $\\rho$ = {rho:.4f}" in mine
    (bare,) = [t for t in texts if t.startswith("bare")]
    assert "measured" not in bare


@pytest.mark.parametrize("k, half", [(1.0, 50.0), (4.0, 30.0), (0.05, 200.0), (1e4, 1.0)])
@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_nullclines_leave_out_zeros_by_underflow(k, half):
    """A component that underflows to 0 on a region (``y exp(-k x^2)`` beyond ``k x^2 = 745``; the R1 Dirac-GAN's
    ``sigmoid(-theta psi)`` beyond ``theta psi = 745``, a figure review's wide window) has no nullcline along the
    region's edge: its contour lies on the true zero set alone (the line y = 0), which is still drawn."""
    import sympy as sp
    from gandynamics import Game
    from gandynamics.plotting import phase_portrait, zero_plateau
    x, y = sp.symbols("x y", real=True)
    kk = sp.nsimplify(k)
    g = Game([x], [y], y * sp.sqrt(sp.pi) / (2 * sp.sqrt(kk)) * sp.erf(sp.sqrt(kk) * x), y**2 / 2 + x, name="under")
    fld = VectorField(g)
    xs = np.linspace(-half, half, 41)
    assert np.any(k * xs**2 > 745)  # (the window reaches the underflow)
    ax = phase_portrait(fld, nullclines=True, equilibrium=False, xlim=(-half, half), ylim=(-half, half), n=41)
    try:
        ys = np.concatenate([s[:, 1] for s in _nullcline_segments(ax, "x")])
        assert ys.size and np.all(np.abs(ys) < 1e-9 * half), np.abs(ys).max()
    finally:
        plt.close(ax.figure)
    # the mask itself: zeros amid one sign are left out, zeros with both signs beside them kept
    Z = np.array([[1.0, 0.0, 0.0], [2.0, 0.0, 0.0], [1e-300, 0.0, 0.0]])
    assert zero_plateau(Z).tolist() == [[False, True, True]] * 3
    Z = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]])
    assert not zero_plateau(Z).any()


def test_the_dirac_gans_wide_window_has_no_nullcline_of_underflow():
    """The figure review's case: ``portrait dirac --reg r1:gamma=0.3 --xlim -50,50 --ylim -50,50 --nullclines``
    drew a jagged d(theta)/dt = 0 curve along theta psi = 745; the theta-nullcline is the line psi = 0."""
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    ax = phase_portrait(fld, nullclines=True, xlim=(-50, 50), ylim=(-50, 50), n=41)
    try:
        ps = np.concatenate([s[:, 1] for s in _nullcline_segments(ax, "theta")])
        assert ps.size and np.all(np.abs(ps) < 1e-9), np.abs(ps).max()
    finally:
        plt.close(ax.figure)


def test_factors_curves_take_the_colours_given_and_okabe_ito_by_default():
    """jare_factors' panels (b) and (c) drew the regularizers in matplotlib's default cycle (a green beside a red)
    while panel (a) gave each its Okabe-Ito colour: the colours given are the curves', one per regularizer in order,
    and the default is TRAJECTORY_COLORS (Okabe and Ito's), each curve its own."""
    regs = {"SimGD (none)": None, "R1": R1(), "consensus": Consensus(), "NK": NagarajanKolter()}
    g = np.linspace(0.1, 2, 5)
    d = factor_data(games.dirac(), regs, "gamma", g)
    want = ["#000000", "#E69F00", "#56B4E9", "#009E73"]
    for colors, expect in ((want, want), (None, list(TRAJECTORY_COLORS[:4]))):
        ax = factors(games.dirac(), regs, "gamma", g, data=d, which="singular", colors=colors)
        try:
            got = {ln.get_label(): to_rgba(ln.get_color()) for ln in ax.get_lines() if not ln.get_label().startswith("_")}
            assert [got[k] for k in regs] == [to_rgba(c) for c in expect]
        finally:
            plt.close(ax.figure)
    with pytest.raises(GandynamicsError, match="colors must name at least one colour"):
        factors(games.dirac(), regs, "gamma", g, data=d, colors=[])


def test_a_start_outside_the_window_is_said_and_not_keyed():
    """A run that starts outside the window (and stays out of it or comes in) was said to "go outside the window",
    and the key listed a start no one could see: the note says where it starts, the key has no start, and a run
    that starts inside and leaves still "goes outside"."""
    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    far = simulate(fld, "gd", [3.0, 3.0], 300, 0.2, engine="interpreted")
    ax = phase_portrait(fld, trajectories=[("gd", far)], xlim=(-2, 2), ylim=(-2, 2), n=21)
    try:
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "start" not in labels and any("gd starts outside the window, at (3, 3)" in w for w in ax.warnings)
        assert not any("goes outside" in w for w in ax.warnings)
    finally:
        plt.close(ax.figure)
    near = simulate(fld, "gd", [1.0, 1.0], 60, 0.2, engine="interpreted")
    ax = phase_portrait(fld, trajectories=[("gd", near), ("far", far)], xlim=(-1.2, 1.2), ylim=(-1.2, 1.2), n=21)
    try:
        assert "start" in [t.get_text() for t in ax.get_legend().get_texts()]
        assert any("far starts outside the window" in w for w in ax.warnings)
    finally:
        plt.close(ax.figure)


def test_the_last_state_is_shown_unless_under_the_star_or_outside():
    """ax.last_state_shown (what a grid of portraits keys its "last state" dot by): False where every run ends under
    the equilibrium's star (the asymmetric-regularization figure named a dot no panel showed) or outside the window."""
    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait, portrait_handles
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    for steps, xlim, shown in ((2000, (-1.5, 1.5), False), (5, (-1.5, 1.5), True), (5, (-0.2, 0.2), False)):
        tr = simulate(fld, "gd", [1.0, 1.0], steps, 0.2, engine="interpreted")
        ax = phase_portrait(fld, trajectories=[("gd", tr)], xlim=xlim, ylim=xlim, n=21)
        try:
            assert ax.last_state_shown is shown, (steps, xlim)
        finally:
            plt.close(ax.figure)
    assert [h.get_label() for h in portrait_handles(last=False)] == ["start", "equilibrium"]
    from gandynamics.plotting import LAST_STATE_LABEL
    assert [h.get_label() for h in portrait_handles()] == ["start", LAST_STATE_LABEL, "equilibrium"]


@pytest.mark.parametrize("h, scheme", [(0.45, "rk4"), (0.2, "rk4"), (0.45, "dopri5")])
def test_the_flow_is_drawn_as_its_curve_not_a_polygon(h, scheme):
    """The flow recorded every h drew a polygon with corners at its samples (a figure review read it as one more
    discrete method): on the bilinear game (v = (-y, x), a rotation: the exact flow keeps |z|) the points drawn lie
    on the circle to the interpolant's O(h^4), where the polygon's chords cut inside it by r (1 - cos(h/2)); the
    recorded states are among them, and a discrete method's polygon is drawn as it is."""
    from gandynamics import simulate
    from gandynamics.plotting import flow_curve, phase_portrait
    fld = VectorField(games.bilinear())
    tr = simulate(fld, "flow", [1.0, 0.5], int(round(12 / h)), h, engine="interpreted", scheme=scheme)
    r = np.hypot(*tr.states.T)
    assert np.ptp(r) < 2e-3 * r[0]  # (the integrator keeps the radius, to its own error)
    ax = phase_portrait(fld, trajectories=[tr], xlim=(-2, 2), ylim=(-2, 2), n=21)
    try:
        line = [ln for ln in ax.get_lines() if ln.get_label() == "flow"][0]
        x, y = (np.asarray(a, float) for a in line.get_data())
        ok = np.isfinite(x)
        assert ok.sum() > 4 * len(tr.states)  # points between the samples
        rd = np.hypot(x[ok], y[ok])
        assert r.min() * (1 - 1e-3) <= rd.min() and rd.max() <= r.max() * (1 + 1e-3) and 1e-3 < (1 - np.cos(h / 2)) / 4
    finally:
        plt.close(ax.figure)
    S = flow_curve(fld, tr, tr.states)
    assert all(any(np.array_equal(s, t) for t in S) for s in tr.states)  # every recorded state drawn, exactly
    gd = simulate(fld, "altgd", [1.0, 0.5], 30, h, engine="interpreted")
    assert flow_curve(fld, gd, gd.states) is gd.states


def test_a_quiver_is_named_in_the_key_and_coloured_by_the_speed_when_that_is_shown():
    """A figure review: the quiver's arrows (portrait --arrows) had no entry in the key, and their fixed grey read as a
    speed on the streamlines' grey scale (--speed): named "v = -F (quiver)", and with the speed shown coloured by it
    (each arrow's colour value its |v|, on the streamlines' scale)."""
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    for speed in (False, True):
        ax = phase_portrait(fld, arrows=True, speed=speed, n=21)
        try:
            assert "v = \N{MINUS SIGN}F (quiver)" in [t.get_text() for t in ax.get_legend().get_texts()]
            q = [c for c in ax.collections if type(c).__name__ == "Quiver"][0]
            arr = q.get_array()
            if speed:
                assert arr is not None and np.allclose(np.ravel(arr), np.hypot(np.ravel(q.U), np.ravel(q.V)))
            else:
                assert arr is None or np.size(arr) == 0
        finally:
            plt.close(ax.figure)


def test_a_rate_map_marks_diverged_runs_apart_from_measured_rates():
    """A figure review: sweep runs that diverged (rate inf) were squares filled with the scale's top colour and keyed
    "measured rate": a black triangle keyed "diverged (no rate)", the squares only for finite rates, the crosses for
    NaN."""
    G, H = np.linspace(0.1, 2, 6), np.linspace(0.1, 3, 5)
    ax = rate_map(VectorField(games.dirac(), [R1()]), "gd", G, H,
                  measured=([0.5, 1.0, 1.5], [0.5, 1.0, 2.5], [0.9, np.nan, np.inf]))
    try:
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert {"measured rate", "no rate (bounded, not converging)", "diverged (no rate)"} <= set(labels)
        offs = {tuple(np.round(c.get_offsets()[0], 6)) for c in ax.collections
                if type(c).__name__ == "PathCollection" and len(c.get_offsets()) == 1}
        assert {(0.5, 0.5), (1.0, 1.0), (1.5, 2.5)} <= offs
        # seen on the scale's darkest red (a figure reviewer): the triangle white inside, the cross haloed in white
        from matplotlib.colors import to_hex
        by = {tuple(np.round(c.get_offsets()[0], 6)): c for c in ax.collections
              if type(c).__name__ == "PathCollection" and len(c.get_offsets()) == 1}
        assert to_hex(by[(1.5, 2.5)].get_facecolor()[0]) == "#ffffff"
        assert by[(1.0, 1.0)].get_path_effects()
    finally:
        plt.close(ax.figure)


def test_nullclines_are_drawn_in_a_kind_of_line_no_trajectory_draws():
    """A figure reviewer: "nullcline dtheta/dt = 0" and "flow from (2, 2)" were both dark dashes in one key (the
    nullclines' dashes were among the starts' styles).  Nullclines are wide translucent bands, wider than any
    trajectory's line, long-dashed and dotted; the key's handles as drawn."""
    from gandynamics import VectorField, games
    from gandynamics.plotting import NULLCLINE_ALPHA, NULLCLINE_STYLES, phase_portrait, style
    fld = VectorField(games.make_game("hopf"))
    with style():
        fig, ax = plt.subplots()
        phase_portrait(fld, nullclines=True, trajectories=[("gd", np.array([[0.1, 0.0], [0.2, 0.1]]))], ax=ax)
        hs = {t.get_text(): h for t, h in zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles)}
        plt.close(fig)
    nulls = [h for t, h in hs.items() if t.startswith("nullcline")]
    assert len(nulls) == 2 and all(h.get_alpha() == NULLCLINE_ALPHA < 1.0 for h in nulls)
    # (translucent, yet at least 3:1 on the white axes as drawn: NULLCLINE_COLOR blended over white by its alpha)
    from matplotlib.colors import to_rgb
    from gandynamics.plotting import MIN_CONTRAST, NULLCLINE_COLOR, contrast_on_white
    seen = tuple(NULLCLINE_ALPHA * c + (1 - NULLCLINE_ALPHA) for c in to_rgb(NULLCLINE_COLOR))
    assert contrast_on_white(seen) >= MIN_CONTRAST
    assert min(h.get_linewidth() for h in nulls) == min(lw for _, lw in NULLCLINE_STYLES) > 1.5 * hs["gd"].get_linewidth()
    assert hs["gd"].get_alpha() in (None, 1.0)


def test_a_single_portraits_key_names_the_last_state_where_its_dot_is_seen():
    """A figure reviewer: m18_fig2's flow ended in a dot its key did not name (read as a second start); the keys of
    grids of portraits named it, single portraits did not.  Named where a run's last state is inside the window and
    not under the equilibrium's star; not named where every run ends on the star."""
    from gandynamics import VectorField, games
    from gandynamics.plotting import phase_portrait, style
    fld = VectorField(games.make_game("hopf"))
    texts = {}
    for name, end in (("away", [0.5, 0.4]), ("on star", [0.0, 0.0])):
        with style():
            fig, ax = plt.subplots()
            phase_portrait(fld, trajectories=[("gd", np.array([[1.0, 1.0], end]))], ax=ax)
            texts[name] = [t.get_text() for t in ax.get_legend().get_texts()]
            plt.close(fig)
    assert "last state" in texts["away"] and "start" in texts["away"]  # (on a user's axes: the short words)
    from gandynamics.plotting import LAST_STATE_LABEL
    with style():  # (a figure made by the library, its key sized for it: the dot's colour said)
        ax = phase_portrait(fld, trajectories=[("gd", np.array([[1.0, 1.0], [0.5, 0.4]]))])
        own = [" ".join(t.get_text().split()) for t in ax.get_legend().get_texts()]
        plt.close(ax.figure)
    assert LAST_STATE_LABEL.replace("\xa0", " ") in own, own  # (the key shows the no-break space as a space)
    assert not any(t.startswith("last state") for t in texts["on star"]) and "start" in texts["on star"]


def test_a_quiver_beside_speed_coloured_streamlines_is_edged_and_both_are_keyed():
    """``--arrows --speed``: grey arrows on grey streamlines of the same scale were lost among them and the key named
    the quiver alone (the last session's read of the figures).  The arrows are edged in black and the key names both;
    a quiver alone keeps one entry."""
    from matplotlib.colors import to_hex
    from matplotlib.quiver import Quiver
    from gandynamics import VectorField, games
    from gandynamics.plotting import phase_portrait, style
    fld = VectorField(games.make_game("hopf"))
    for speed in (True, False):
        with style():
            fig, ax = plt.subplots()
            phase_portrait(fld, arrows=True, speed=speed, ax=ax, n=21)
            texts = [t.get_text() for t in ax.get_legend().get_texts()]
            (q,) = [c for c in ax.collections if isinstance(c, Quiver)]
            edge = [to_hex(c) for c in q.get_edgecolor()]
            plt.close(fig)
        assert "v = \N{MINUS SIGN}F (quiver)" in texts
        assert ("streamlines of v" in texts) == speed
        if speed:
            assert edge and set(edge) == {"#000000"}


def test_a_curve_beside_another_solid_one_is_dashed_in_factor_plots_only():
    """jare_factors (b): consensus and JARE's phase factors, 0-5 % apart, were two solid lines of near colours (orange,
    vermillion; a figure reviewer).  A curve within NEAR_WIDTHS line widths of an earlier solid one is dashed where
    asked (factors); one far from it, or any in a convergence plot (whose dashes are predictions), stays solid."""
    from gandynamics.plotting import _mark_coinciding
    x = np.linspace(0.0, 1.0, 60)
    base = 10.0 ** (-3 * x)
    for near, factor, dashed in ((True, 1.1, True), (True, 3.0, False), (False, 1.1, False)):
        fig, ax = plt.subplots()
        a, = ax.semilogy(x, base, ls="-")
        b, = ax.semilogy(x, factor * base, ls="-")
        k = np.arange(x.size)
        _mark_coinciding([(a, k, base, True), (b, k, factor * base, True)], near=near)
        assert (b.get_linestyle() == "--") == dashed, (near, factor, b.get_linestyle())
        assert a.get_linestyle() == "-" and b.get_marker() in ("None", None, "")
        plt.close(fig)


def test_a_converging_run_is_drawn_over_one_that_does_not_converge():
    """A figure reviewer: eg's short converging path lay under adam's 400-step tangle (drawn after it) and could not
    be found.  Converging runs are drawn above the others, whatever the order they are given in."""
    from gandynamics import R1, VectorField, games, simulate
    from gandynamics.plotting import phase_portrait, style
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    good = simulate(fld, "gd", [1.0, 1.0], 300, 0.2)
    bad = simulate(fld, "gd", [1.0, 1.0], 300, 3.0)
    assert good.verdict == "converging" and bad.verdict != "converging"
    with style():
        fig, ax = plt.subplots()
        phase_portrait(fld, trajectories=[("good", good), ("bad", bad)], ax=ax)
        z = {ln.get_label(): ln.get_zorder() for ln in ax.get_lines()}
        plt.close(fig)
    assert z["good"] > z["bad"]


def test_a_run_ending_at_another_zero_of_f_is_marked_and_keyed():
    """A new user's game with three zeros of F, f = (x^2 - 1)^2/4 + x y/2 - y^2/2 (declared (0, 0), a saddle): its
    runs end at (+-sqrt(3)/2, +-sqrt(3)/4), drawn as plain dots no key named.  A run standing still at a zero of F
    other than z* (its reading's final_zero) gets a hollow star there, keyed "another zero of F"."""
    import sympy as sp
    from gandynamics import Game, VectorField, simulate
    from gandynamics.plotting import OTHER_ZERO_MARKER, phase_portrait, style
    x, y = sp.symbols("x y", real=True)
    f = (x**2 - 1)**2 / 4 + x * y / 2 - y**2 / 2
    fld = VectorField(Game([x], [y], f, -f, equilibrium=(0, 0), name="multi"))
    tr = simulate(fld, "gd", [1.5, 1.0], 300, 0.3)
    assert tr.reading.get("final_zero")
    with style():
        fig, ax = plt.subplots()
        phase_portrait(fld, trajectories=[tr], ax=ax)
        texts = [" ".join(t.get_text().split()) for t in ax.get_legend().get_texts()]  # (wrapped to fit)
        stars = [ln for ln in ax.get_lines() if ln.get_label() == OTHER_ZERO_MARKER["label"]]
        plt.close(fig)
    assert OTHER_ZERO_MARKER["label"] in texts and len(stars) == 1
    assert not any(t.startswith("last state") for t in texts)  # (its dot lies under the diamond: a figure reviewer found the key naming it)
    assert np.allclose(np.c_[stars[0].get_xdata(), stars[0].get_ydata()], [[math.sqrt(3) / 2, math.sqrt(3) / 4]],
                       atol=1e-9)


def test_a_faded_colour_map_is_the_map_moved_towards_white():
    """plotting.faded_cmap (the stability boundaries' paler rate map: its flip and branch-point curves were lost on the
    full red and blue, a figure review), against a hand-written blend: each colour of the span moved ``fade`` of the
    way to white, the ends' colours for under and over; a rate map drawn with it uses it, and keeps the arrows of its
    clipped ends (the colormap carries them)."""
    import matplotlib
    from gandynamics.plotting import RATE_CMAP, faded_cmap
    base = matplotlib.colormaps[RATE_CMAP]
    for fade, span in ((0.0, (0.0, 1.0)), (0.45, (0.15, 0.85)), (0.8, (0.3, 0.6))):
        cm = faded_cmap(RATE_CMAP, fade, span)
        for x in np.linspace(0.0, 1.0, 11):
            want = np.array(base(span[0] + x * (span[1] - span[0]))[:3])
            want = want + fade * (1.0 - want)
            assert np.abs(np.array(cm(float(x))[:3]) - want).max() < 2.5 / 255, (fade, span, x)
        lo = np.array(base(span[0])[:3]) if span != (0.0, 1.0) else np.array(base.get_under()[:3])
        assert np.allclose(cm.get_under()[:3], lo + fade * (1 - lo))
    for bad in ((1.0, (0, 1)), (-0.1, (0, 1)), (0.3, (0.6, 0.4)), (0.3, (0.0, 1.2))):
        with pytest.raises(GandynamicsError, match="faded_cmap"):
            faded_cmap(RATE_CMAP, *bad)
    fld = VectorField(games.dirac(), [R1()])
    R = np.array([[0.5, 0.9, 1.2], [0.8, 1.1, 3.0]])
    cm = faded_cmap(RATE_CMAP, 0.45, (0.15, 0.85))
    ax = rate_map(fld, "gd", [0.2, 0.5, 1.0], [0.5, 1.0], rho=R, cmap=cm, colorbar=False)
    mesh = ax.rate_mesh.get_cmap()
    assert np.allclose(mesh(0.3), cm(0.3)) and mesh.colorbar_extend == "max"
    plt.close(ax.figure)


@pytest.mark.parametrize("kind", sorted(_CVD))
def test_the_stability_boundaries_faded_map_still_tells_its_two_sides_apart(kind):
    """The stability boundaries' paler map (gandynamics.studies.bifurcation: MAP_FADE, MAP_SPAN) keeps the contracting
    and the expanding side apart in every kind of colour vision (at least 0.1 of the sRGB cube's diagonal half-way
    from 1 and at the ends), and its curve kinds differ in line style, not only in colour (pink flip and orange branch
    point curves read alike to colour-blind readers: a figure review)."""
    from gandynamics.plotting import RATE_CMAP, faded_cmap, rate_norm
    from gandynamics.studies import bifurcation as B
    cmap, norm = faded_cmap(RATE_CMAP, B.MAP_FADE, B.MAP_SPAN), rate_norm(0.0, 1.5)
    for s in (0.6, 1.0):
        below, above = cmap(norm(1.0 - s * 1.0))[:3], cmap(norm(1.0 + s * 0.5))[:3]
        gap = np.linalg.norm(_seen(below, kind) - _seen(above, kind)) / np.sqrt(3)
        assert gap >= 0.1, (kind, s, gap)
    kinds = ("neimark-sacker", "flip", "branch-point")
    assert len({str(B.STYLES[k]) for k in kinds}) == len(kinds)
    assert all(B.STYLES[k] in B.STYLE_WORDS for k in kinds)


@pytest.mark.parametrize("cmap", ["viridis", "plasma", "cividis"])
def test_an_eigenvalue_locus_keys_its_points_in_a_neutral_grey(cmap):
    """The key of a locus coloured by its strength showed the colour map's first shade (dark purple), read as one
    strength of the colour bar (dirac_r1_vs_instance_noise, r1_manifold_spectra: a figure review): its marker is
    grey, also in a legend a study makes anew."""
    from matplotlib.colors import to_rgb
    from gandynamics.plotting import LOCUS_KEY_COLOR
    ax = eigenvalue_locus("dirac", R1(), "gamma", np.linspace(0.0, 1.5, 7), critical=False, cmap=cmap,
                          label="R1 locus")
    for leg in (ax.get_legend(), ax.legend()):
        h = [hd for hd, t in zip(leg.legend_handles, leg.get_texts()) if t.get_text() == "R1 locus"]
        assert len(h) == 1
        assert to_rgb(h[0].get_markerfacecolor()) == to_rgb(LOCUS_KEY_COLOR)
    assert len(ax.collections[0].get_offsets()) == 14  # (the points themselves still coloured, by the scatter)
    plt.close(ax.figure)


def test_animation_frames_follow_the_motion_as_well_as_the_steps():
    """eg on the R1 Dirac-GAN converged by about step 30 of 500, and frames spaced evenly in the steps showed it in 2
    of 20, the other 18 alike (a new user).  animation_data paces the frames by half the steps and half the path
    travelled: checked against the rule computed here in a plain loop, and the member: most frames before step 100."""
    from gandynamics.plotting import animation_data
    from gandynamics.simulate import simulate
    fld = VectorField(games.dirac(), [R1(gamma=1.0)])
    runs = [simulate(fld, m, (1.0, 1.0), 500, 0.5, engine="interpreted") for m in ("eg", "gd")]
    idx = animation_data([(r.method, r) for r in runs], 20)
    k = 501
    fr = []
    for r in runs:  # the fraction of each run's path travelled by each state, in a plain loop
        S = np.asarray(r.states)
        c = [0.0]
        for j in range(1, k):
            c.append(c[-1] + float(np.sqrt(np.sum((S[j] - S[j - 1]) ** 2))))
        fr.append(np.array(c) / c[-1])
    s_ = [0.5 * (j / (k - 1) + 0.5 * (fr[0][j] + fr[1][j])) for j in range(k)]
    for f, j in enumerate(idx):
        t = f / 19 * s_[-1]
        assert j == 0 or s_[j] >= t - 1e-9 and s_[j - 1] < t + 1e-9, (f, j)
    assert idx[0] == 0 and idx[-1] == 500 and np.sum(idx < 100) >= 10, idx


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_factored_key_names_make_up_each_runs_label(data):
    """The key of several methods from several starts is factored (plotting.factored_key): a colour's name and a
    style's name must make up the label of their run.  A method's verdicts "(bounded, not converging: 2 of 5)" ended in
    the words of another's "(...: 3 of 5)", and the key read "gd (bounded, not converging: 2" and "of 5) from (1.5, 1)"
    (a new user).  Generated grids of labels: methods with or without tallies sharing words, starts as points or as
    "h = x"; every factored key rebuilds each label exactly, and none of its names ends inside a bracket."""
    from matplotlib.lines import Line2D

    from gandynamics.plotting import START_STYLES, factored_key
    n_m = data.draw(st.integers(2, 5))
    n_s = data.draw(st.integers(2, 5))
    if n_m * n_s <= 8:
        n_s = 5
        n_m = max(n_m, 2)
    tallies = [data.draw(st.sampled_from(["", " (bounded, not converging: 2 of 5)", " (bounded, not converging: 3 of 5)",
                                          " (diverged: 1 of 5; bounded, not converging: 1 of 5)"])) for _ in range(n_m)]
    form = data.draw(st.sampled_from(["from ({:g}, {:g})", "h = {:g} ({:g})"]))
    starts = [form.format(1.5 - k, 0.5 * k) for k in range(n_s)]
    colours = ["C%d" % k for k in range(n_m)]
    handles = []
    labels = {}
    for m in range(n_m):
        for k in range(n_s):
            lab = f"m{m}{tallies[m]} {starts[k]}"
            h = Line2D([], [], color=colours[m], ls=START_STYLES[k], label=lab)
            labels[(m, k)] = lab
            handles.append(h)
    keyed = factored_key(handles)
    assert len(keyed) == n_m + n_s, [h.get_label() for h in keyed]
    cnames = [h.get_label() for h in keyed[:n_m]]
    snames = [h.get_label() for h in keyed[n_m:]]
    for (m, k), lab in labels.items():
        assert f"{cnames[m]} {snames[k]}" == lab, (cnames, snames, lab)
    for name in cnames + snames:
        assert name.count("(") == name.count(")"), name


def test_quiver_arrows_of_a_field_whose_speed_varies_by_orders_are_capped_and_said_so():
    """A cubic field's arrows ran off the axes at the window's edge while the middle ones were dots (matplotlib scales
    them to the mean; a new user).  Arrows are drawn at most QUIVER_CAP times their median speed, in their own
    direction, and the key says so; a linear field's (bilinear: speeds within a factor of 2 of each other) are drawn as
    they are, and its key says nothing of a cap."""
    import matplotlib.pyplot as plt
    import sympy as sp
    from matplotlib.quiver import Quiver

    from gandynamics import Game
    from gandynamics.plotting import QUIVER_CAP, QUIVER_SPREAD, phase_portrait
    x, y = sp.symbols("x y", real=True)
    cubic = VectorField(Game([x], [y], (x**2 - 1) ** 2 / 4 + x * y / 10, y**2 / 2 - x * y / 10, equilibrium=(0, 0)))
    for fld, capped in ((cubic, True), (VectorField(games.bilinear()), False)):
        fig, ax = plt.subplots()
        try:
            # (the new user's window: off the centre, where the cubic term grows)
            phase_portrait(fld, ax=ax, xlim=(-3, 1), ylim=(-2, 2), arrows=True, streamlines=False)
            q = [c for c in ax.collections if isinstance(c, Quiver)][0]
            mag = np.hypot(q.U, q.V)
            X, Y = q.X, q.Y
            exact = np.array([np.hypot(a**3 - a + b / 10, b - a / 10) if capped else np.hypot(b, a) for a, b in zip(X, Y)])
            med = np.median(exact)
            assert np.all(mag <= QUIVER_CAP * med * (1 + 1e-12)) or not capped
            assert (exact.max() > QUIVER_SPREAD * med) == capped
            keep = (exact <= QUIVER_CAP * med) | (not capped)
            np.testing.assert_allclose(mag[keep], exact[keep], rtol=1e-12)  # (the others: capped, direction kept)
            assert (mag.max() < exact.max()) == capped
            labels = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
            assert any("capped" in t for t in labels) == capped, labels
        finally:
            plt.close(fig)


def test_a_solid_line_shared_by_runs_beside_dashed_starts_changes_colour_in_long_blocks(dirac):
    """A new user's finding: in a portrait whose starts are told apart by line style (solid, dashed), runs that lie on
    one another from the solid start alternated their colours in dashes 3 line widths long, and the solid line read as
    one more dashed one.  Beside other styles the shared solid line changes colour in blocks of SOLID_BLOCK line widths
    (each a dash SOLID_BLOCK long, SOLID_BLOCK (m - 1) apart, the host solid under them); alone in its style, with no
    dashed runs to be confused with, in the short dashes as before."""
    from gandynamics import simulate
    from gandynamics.plotting import SOLID_BLOCK, phase_portrait
    eg = simulate(dirac, "eg", [1.5, 0.0], 200, 0.2)
    eftp = simulate(dirac, "eftp", [1.5, 0.0], 200, 0.2)
    gd = simulate(dirac, "gd", [-1.0, 0.5], 60, 0.2)
    for third_style, length in (("--", SOLID_BLOCK), ("-", 3.0)):
        ax = phase_portrait(dirac, trajectories=[("eg", eg, "#009e73", "-"), ("eftp", eftp, "#cc79a7", "-"),
                                                 ("gd", gd, "#d55e00", third_style)], streamlines=False)
        a, b = _trajectory_lines(ax, ["eg", "eftp"])
        dashed = [ln for ln in (a, b) if ln.get_linestyle() != "-"]
        assert len(dashed) == 1, [ln.get_linestyle() for ln in (a, b)]  # (one over the host, which stays solid)
        seq = tuple(dashed[0]._unscaled_dash_pattern[1])
        assert seq == (length, length), (third_style, seq)
        plt.close(ax.figure)


def test_runs_outside_the_window_are_named_as_a_factored_key_names_them():
    """A zoom's title named each of eight runs starting outside the window ("gd from (-1, 1), gd from (1.5, -1),
    altgd from (-1, 1), ..."; a new user's finding): a factored key's runs are named by the colours that share each
    set of styles (_factored_names), and a label the key does not factor leaves the plain list."""
    from gandynamics.plotting import _factored_names
    parts = {f"{m} from ({s})": (m, f"from ({s})") for m in ("gd", "altgd", "eg") for s in ("1, 1", "-1, 1", "2, 0")}
    labels = [f"{m} from ({s})" for m in ("gd", "altgd", "eg") for s in ("-1, 1", "2, 0")] + ["gd from (1, 1)"]
    assert _factored_names(labels, parts) == ["gd, altgd and eg from (-1, 1) and from (2, 0)", "gd from (1, 1)"]
    assert _factored_names(labels + ["adam"], parts) is None and _factored_names([], parts) is None


def test_a_wide_portrait_leaks_no_warning_from_matplotlibs_streamlines():
    """phase_portrait of the R1 Dirac-GAN over [-50, 50]^2 with nullclines (a new user's call) leaked matplotlib's
    "overflow encountered in scalar divide" from its streamline integrator, whose step's error estimate is 0 where
    the field is uniform: none now, with every warning turned into an error."""
    import warnings

    from gandynamics.plotting import phase_portrait
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = phase_portrait(VectorField(games.dirac(), [R1()]), xlim=(-50, 50), ylim=(-50, 50), nullclines=True)
    plt.close(ax.figure)


@pytest.mark.parametrize("text,words", [
    ("GD, alt. GD, EG and OGDA h = 0.3", ["GD,", "alt. GD,", "EG", "and", "OGDA", "h = 0.3"]),
    ("alt. GD + momentum h = 0.5: distance", ["alt. GD + momentum", "h = 0.5:", "distance"]),
    ("e.g. a run; it ends at 0.5. Then", ["e.g. a run;", "it", "ends", "at 0.5.", "Then"]),
    ("$x.$ y", ["$x.$", "y"]),
    ("gd from (\u22121, 0.5) (diverged at step 7) ends", ["gd", "from (\u22121, 0.5)", "(diverged at step 7)", "ends"]),
    ("dashed, in a tint of each method's colour", ["dashed,", "in a tint", "of each", "method's", "colour"]),
    ("GD, momentum (\u03b2 = \u22120.5), EG", ["GD,", "momentum (\u03b2 = \u22120.5),", "EG"]),
    ("a (very long bracket that goes on and on) b", ["a (very", "long", "bracket", "that", "goes", "on and", "on)",
                                                     "b"]),
])
def test_a_titles_words_keep_a_short_abbreviation_with_the_next_word(text, words):
    """plotting._words: a title wrapped at its spaces never breaks after a short abbreviation, inside a short bracket
    ('(−1,' over '0.5)': a new user), nor around a '+' standing alone (the bilinear convergence figure's title broke 'alt.' from 'GD', then began a line with '+
    momentum'); a number ending a sentence is no abbreviation."""
    from gandynamics.plotting import _words
    assert _words(text) == words


def test_the_equilibrium_is_keyed_only_where_the_window_shows_it():
    """A portrait zoomed away from the equilibrium keyed its star though none was drawn in the window (a figure
    review); inside the window it is keyed."""
    import matplotlib.pyplot as plt
    from gandynamics import R1, VectorField, games
    from gandynamics.plotting import phase_portrait
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    for lim, keyed in (((0.5, 1.3), False), ((-1.0, 1.0), True)):
        fig, ax = plt.subplots()
        phase_portrait(fld, xlim=lim, ylim=lim, ax=ax)
        legend = ax.get_legend()
        texts = [t.get_text() for t in legend.get_texts()] if legend is not None else []
        assert ("equilibrium" in texts) is keyed, (lim, texts)
        plt.close(fig)


def test_a_wrapped_title_never_breaks_a_short_phrase_nor_a_method_from_its_options():
    """The kind (basin_dirac_convergence's title broke "in a" over "tint", a figure review; a title may break
    "momentum" from its "(β = −0.5)"): generated titles of a game, methods with and without their options, steps and
    words, wrapped at every width from 16 to 70 characters, never end a line with a short word (plotting.GLUED_WORDS)
    nor break inside a method named with its options (plotting.method_text)."""
    from gandynamics.plotting import GLUED_WORDS, _fill, method_text
    rng = np.random.default_rng(4)
    named = [method_text("momentum", {"beta": -0.5}), method_text("altgd", {"n_g": 2}),
             method_text("momentum", {"alternating": True, "beta": -0.3}), "alt. GD + momentum (\u03b2 = \u22120.5)"]
    phrases = ["in a tint of each method's colour", "distance from a start on the invariant ball", "as an upper bound",
               "dashed: certified rate", "to the equilibrium", "the theorem's steps", "one line at this scale"]
    for trial in range(60):
        bits = ["dirac + R1(\u03b3 = 0.3):"] + list(rng.choice(named, size=2, replace=False)) + \
            [f"h = {rng.choice([0.1, 0.25, 0.5])};"] + list(rng.choice(phrases, size=3, replace=False))
        order = [bits[0]] + [bits[k] for k in rng.permutation(range(1, len(bits)))]
        title = " ".join(order)
        for width in range(16, 71, 3):
            lines = _fill(title, width, len).split("\n")
            assert " ".join(lines) == title
            for line in lines[:-1]:
                assert line.rsplit(" ", 1)[-1] not in GLUED_WORDS, (title, width, lines)
            for name in (n for n in named if n in title):
                assert any(name in line for line in lines), (name, width, lines)


#: WCAG 2's least contrast of a graphical object on white (success criterion 1.4.11): every line and marker a figure
#: draws (plotting.MIN_CONTRAST)
LEGIBLE = 3.0


def _on_white(colour, alpha=None):
    """A colour drawn over white, as seen: its RGB mixed with white by its alpha."""
    from matplotlib.colors import to_rgba
    r, g, b, a = to_rgba(colour, alpha)
    return tuple(c * a + 1 - a for c in (r, g, b))


def _contrast(colour, alpha=None):
    """WCAG 2's contrast on white of a colour as drawn (independent of plotting.contrast_on_white)."""
    c = np.asarray(_on_white(colour, alpha))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 1.05 / (float(linear @ [0.2126, 0.7152, 0.0722]) + 0.05)


def _white(colour) -> bool:
    from matplotlib.colors import to_rgba
    return not (isinstance(colour, str) and colour == "none") and np.allclose(to_rgba(colour)[:3], 1.0)


def faint_drawn(fig) -> list:
    """Every line and marker ``fig`` draws fainter than 3:1 on white, as ``(axes title, what, label, contrast)``.

    The kind of the figure review's faint lines: a line (of a Line2D, a LineCollection, a contour, an annotation's
    arrow) in its colour and alpha; a marker by its fill, or, hollow or white, by its edge (a white edge is a halo
    round a filled marker: the equilibrium's star); a point of a colour-mapped scatter by its fill or its edge (its
    value read on the colour bar, the edge making it seen).  White lines are halos drawn under others; the
    streamlines of a portrait (gid "streamlines") are the field's grey texture under the runs, left out."""
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.contour import ContourSet
    from matplotlib.patches import FancyArrowPatch
    fig.canvas.draw()  # (a colour-mapped scatter's colours are set when drawn)
    out = []
    none = (None, "None", "none", "", " ")
    for ax in fig.axes:
        where = ax.get_title() or ax.get_label()
        for ln in ax.get_lines():
            if not ln.get_visible() or len(ln.get_xdata()) == 0:
                continue
            a = ln.get_alpha()
            if ln.get_linestyle() not in none and ln.get_linewidth() > 0 and not _white(ln.get_color()):
                if _contrast(ln.get_color(), a) < LEGIBLE:
                    out.append((where, "line", ln.get_label(), round(_contrast(ln.get_color(), a), 2)))
            if ln.get_marker() not in none:
                face, edge = ln.get_markerfacecolor(), ln.get_markeredgecolor()
                filled = not (isinstance(face, str) and face == "none") and not _white(face)
                seen = face if filled else edge
                if _contrast(seen, a) < LEGIBLE:
                    out.append((where, "marker " + ("fill" if filled else "edge"), ln.get_label(),
                                round(_contrast(seen, a), 2)))
        for col in ax.collections:
            if not col.get_visible() or col.get_gid() == "streamlines":
                continue
            if isinstance(col, ContourSet) and col.filled:
                continue
            if isinstance(col, (LineCollection, ContourSet)):
                for c in col.get_edgecolor():
                    if not _white(c) and _contrast(c) < LEGIBLE:
                        out.append((where, type(col).__name__, col.get_label(), round(_contrast(c), 2)))
                        break
            elif isinstance(col, PathCollection) and len(col.get_offsets()):
                faces, edges = col.get_facecolor(), col.get_edgecolor()
                widths = np.atleast_1d(col.get_linewidth())
                mapped = col.get_array() is not None
                for k in range(len(col.get_offsets())):
                    face = faces[k % len(faces)] if len(faces) else None
                    edge = edges[k % len(edges)] if len(edges) and widths[k % len(widths)] > 0 else None
                    filled = face is not None and face[3] > 0 and not _white(face)
                    ok = ((filled and _contrast(face) >= LEGIBLE)
                          or ((mapped or not filled) and edge is not None and _contrast(edge) >= LEGIBLE))
                    if not ok:
                        out.append((where, "scatter", col.get_label(),
                                    round(_contrast(face if filled else (edge if edge is not None else "white")), 2)))
                        break
        for p in list(ax.patches) + [t.arrow_patch for t in ax.texts if getattr(t, "arrow_patch", None) is not None]:
            if (isinstance(p, FancyArrowPatch) and p.get_visible() and p.get_gid() != "streamlines"
                    and _contrast(p.get_edgecolor()) < LEGIBLE):
                out.append((where, "arrow", p.get_label(), round(_contrast(p.get_edgecolor()), 2)))
    return out


RELATIONS = ("=", "\u2264", "\u2265", "<", ">", "\u2248", "\u2260")


def relations_spaced(text: str) -> bool:
    """Whether every relation of ``text`` is spaced on both sides as drawn: outside mathtext a space before and after
    it; inside a ``$...$`` span never as its first or last symbol (mathtext spaces a relation only between two
    operands: ``$\\rho \\leq$ 0.9`` is drawn "ρ≤ 0.9")."""
    import re
    parts = re.split(r"(?<!\\)\$", text)
    for k, part in enumerate(parts):
        if k % 2:  # (mathtext)
            if re.search(r"^\s*(\\(leq|geq|le|ge|neq|approx|lt|gt)\b|[=<>])|(\\(leq|geq|le|ge|neq|approx|lt|gt)|[=<>])\s*$", part):
                return False
            continue
        padded = (" " if k else "") + part + (" " if k + 1 < len(parts) else "")
        for i, ch in enumerate(padded):
            if ch in RELATIONS and (i == 0 or i + 1 == len(padded) or padded[i - 1] not in " \u00a0"
                                    or padded[i + 1] not in " \u00a0"):
                return False
    return True


@pytest.mark.parametrize("kind", ["predicted", "certified"])
def test_a_rates_key_spaces_its_relation_as_the_other_keys(kind):
    """A key read "certified ρ≤ 0.9975" (a figure review) where the predicted rate's read "predicted ρ = 0.9975": every
    entry of a convergence figure's key, a lone rate's and that of rates drawn as one line, measured rates beside,
    spaces its relations alike."""
    from gandynamics.plotting import RATE_KINDS
    k = np.arange(200.0)
    runs = [("GD", 0.7 * 0.9487 ** k), ("EG", 0.7 * 0.9487 ** k), ("EFTP", 0.9 * 0.9975 ** k)]
    ax = convergence(runs, rates={"GD": 0.9487, "EG": 0.9487, "EFTP": 0.9975}, rate_kind=kind, anchor=0.0)
    texts = [t.get_text() for t in ax.get_legend().get_texts()] + [w for _, w in ax.coinciding_rates]
    assert any(kind in t for t in texts)
    assert all(relations_spaced(t) for t in texts), texts
    assert all(relations_spaced(v.format("0.9975")) for v in RATE_KINDS.values())
    plt.close(ax.figure)


@pytest.mark.parametrize("text,spaced", [
    ("certified $\\rho \\leq$ 0.9975", False), ("certified $\\rho$ \u2264 0.9975", True), ("ρ≤ 0.9", False),
    ("$\\rho = 0.9$", True), ("h = 0.3, t \u2264 40", True), ("$\\mu_{\\rm loc}$ = 0", True), ("a=b", False)])
def test_the_check_of_relations_spacing(text, spaced):
    assert relations_spaced(text) is spaced


@pytest.mark.slow  # (2-4 s: CI's default pass was 3:02 idle on aad1074, session 58)
def test_every_line_a_library_figure_draws_in_its_own_colours_has_3_to_1(dirac):
    """The kind of the faint trajectory colours: a portrait of nine runs given no colour (the trajectory colours in
    turn: Okabe and Ito's orange and sky blue, tab:olive and tab:cyan were 2.0:1 to 2.3:1), with nullclines (0.3 at
    alpha 0.45, 2.2:1), factors and convergence curves in their default colours, and an eigenvalue locus: every line
    and marker at least 3:1 on white (faint_drawn)."""
    from gandynamics.simulate import simulate
    from gandynamics.plotting import TRAJECTORY_COLORS, convergence
    runs = [(f"run {k}", simulate(dirac, "gd", (0.3 + 0.15 * k, 0.4), 30, 0.2).states) for k in range(9)]
    ax = phase_portrait(dirac, trajectories=runs, nullclines=True, xlim=(-2, 2), ylim=(-2, 2), n=21)
    assert {tuple(np.round(_on_white(ln.get_color()), 6)) for ln in ax.get_lines() if ln.get_label().startswith("run")} \
        >= {tuple(np.round(_on_white(c), 6)) for c in TRAJECTORY_COLORS}
    assert faint_drawn(ax.figure) == []
    regs = {"SimGD (none)": None, "R1": R1(), "consensus": Consensus(), "NK": NagarajanKolter()}
    ax = factors(games.dirac(), regs, "gamma", np.linspace(0.1, 2, 5), which="phase")
    assert faint_drawn(ax.figure) == []
    trs = [(f"run {k}", simulate(dirac, "gd", (0.3 + 0.1 * k, 0.4), 40, 0.2)) for k in range(9)]
    ax = convergence(trs)
    assert faint_drawn(ax.figure) == []
    ax = eigenvalue_locus(games.dirac(), "r1", "gamma", np.linspace(0.0, 1.0, 11))
    assert faint_drawn(ax.figure) == []


def test_faint_drawn_finds_faint_lines_markers_and_scatter():
    """The check finds what the figure review saw: a line of Okabe and Ito's orange, a band at alpha 0.4, a marker
    filled in sky blue, viridis' yellow dots; not a white halo, a black-edged white marker, streamlines."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], color="#E69F00", label="orange")
    ax.plot([0, 1], [1, 0], color="black", lw=5, alpha=0.4, label="band")
    ax.plot([0.5], [0.5], "o", mfc="#56B4E9", mec="black", label="sky")
    ax.scatter([0.2, 0.4], [0.2, 0.4], c=[0.0, 1.0], cmap="viridis", label="dots")
    ax.plot([0, 1], [0.5, 0.5], color="white", lw=3, label="halo")
    ax.plot([0.3], [0.3], "o", mfc="white", mec="black", label="start")
    ax.plot([0.3], [0.6], "*", color="black", mec="white", label="star")
    fig.canvas.draw()
    assert sorted(label for _, _, label, _ in faint_drawn(fig)) == ["band", "dots", "orange", "sky"]
    plt.close(fig)


@pytest.mark.parametrize("name", ["viridis", "plasma", "Greys", "Blues", "cividis", "turbo", "RdBu_r"])
def test_a_legible_colour_map_keeps_3_to_1_throughout(name):
    """legible_cmap: the longest part of a map whose colours keep 3:1 on white (viridis' green and yellow end, from
    0.6 on, were faint cycles and dots: a figure review), in the map's order."""
    from gandynamics.plotting import legible_cmap
    cm = legible_cmap(name)
    assert min(_contrast(cm(x)) for x in np.linspace(0.0, 1.0, 257)) >= LEGIBLE
    full = plt.get_cmap(name)
    assert np.allclose(cm(0.0), full(min(x for x in np.linspace(0, 1, 1001) if _contrast(full(x)) >= LEGIBLE * 1.001)),
                       atol=0.02) or name in ("turbo", "RdBu_r")  # (maps legible in two runs: the longer one)


def _grid_runs(field, methods, starts, tally=" (bounded, not converging: {n} of {n})", steps=200, step=0.1):
    """Runs labelled as the command line labels a portrait of several methods from several starts."""
    from gandynamics.simulate import simulate
    from gandynamics.plotting import METHOD_COLORS, START_STYLES
    return [(f"{m}{tally.format(n=len(starts))} from ({z[0]:zg}, {z[1]:zg})", simulate(field, m, z, steps, step).states,
             METHOD_COLORS[m], START_STYLES[k % len(START_STYLES)])
            for m in methods for k, z in enumerate(starts)]


STARTS6 = [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0), (0.5, 0.8), (0.8, -0.3)]


def test_a_factored_key_says_a_method_s_verdicts_on_its_entry_once(dirac):
    """6 starts x 3 methods, every run bounded, not converging: the tally "(bounded, not converging: 6 of 6)" ended
    every method's label alike, went to the starts' entries ("(bounded, not converging: 6 of 6) from (1, 1)", six
    times) and into the title's note once per start (a new user).  It is on each method's entry, once; the starts'
    entries and the note do not say it."""
    ax = phase_portrait(dirac, trajectories=_grid_runs(dirac, ("gd", "eg", "eftp"), STARTS6), xlim=(-2, 2),
                        ylim=(-2, 2), n=21)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:3] == [f"{m} (bounded, not converging: 6 of 6)" for m in ("gd", "eg", "eftp")], texts
    assert texts[3:9] == [f"from ({z[0]:zg}, {z[1]:zg})".replace("-", "\u2212") for z in STARTS6] or \
        texts[3:9] == [f"from ({z[0]:zg}, {z[1]:zg})" for z in STARTS6], texts
    title = " ".join(ax.get_title().split())
    assert "of 6" not in title and "eg and eftp from (1, 1)" in title, title


def _cli_like_runs(field, starts: int, methods: int, labels: str = "verdicts"):
    """Runs of ``methods`` methods from ``starts`` starts labelled as the command line's portrait labels them: a
    verdict each, a factored key with each method's tally (several methods from several starts, more runs than
    KEY_FACTOR_MIN), or one entry per method for more starts than line styles."""
    from gandynamics.plotting import KEY_FACTOR_MIN, METHOD_COLORS, START_STYLES, TRAJECTORY_COLORS
    from gandynamics.simulate import simulate
    names = ["gd", "altgd", "eg", "eftp", "ogda", "momentum", "proximal", "lookahead"][:methods]
    rng = np.random.default_rng(starts * 10 + methods)
    zs = [tuple(np.round(rng.uniform(-1.5, 1.5, 2), 2)) for _ in range(starts)]
    several = starts > 1 and methods > 1
    factored = several and starts <= len(START_STYLES) and starts * methods > KEY_FACTOR_MIN
    crowd = starts > (len(START_STYLES) if several else len(TRAJECTORY_COLORS))
    verdict = "bounded, not converging, ends 1.8 from z*"
    runs = []
    for m in names:
        for k, z in enumerate(zs):
            at = f"({z[0]:zg}, {z[1]:zg})".replace("-", "\u2212")
            tally = f"(bounded, not converging: {starts} of {starts})"
            lab = (f"{m} ({verdict})" if starts == 1 else f"{m} {tally} from {at}" if factored
                   else f"{m} from {at} ({verdict})")
            if crowd:
                lab = f"{m} (from {starts} starts)" if k == 0 else "_" + lab
            runs.append((lab, simulate(field, m, z, 40, 0.1).states,
                         METHOD_COLORS[m] if starts == 1 or several else None,
                         START_STYLES[k % len(START_STYLES)] if several and not crowd else "-" if crowd else None))
    return runs


#: every count of starts and methods a portrait's key is tried with (one member in the default pass, the others -m slow)
_KEY_COUNTS = [(s, m) for s in range(1, 10) for m in range(1, 6)]


@pytest.mark.parametrize("starts,methods", [(6, 3)] + [pytest.param(s, m, marks=_SLOW) for s, m in _KEY_COUNTS
                                                        if (s, m) != (6, 3)])
def test_a_portrait_s_key_is_no_wider_than_its_plot_and_within_its_figure(dirac, starts, methods):
    """Generator over the counts of starts (1 to 9) and methods (1 to 5) of a portrait on its own figure, labelled as
    the command line labels them: 6 starts x 3 methods drew a key of 349 pixels beside a plot of 319, 9 starts of one
    method 416 beside 388 (a new user); wrapped inside the layout, such a key grew taller than the figure and the
    layout collapsed the plot (9 x 1, 3 x 5, 7 x 2).  The key as drawn is no wider than the plot, within the figure,
    off the plot; the layout does not give up; the plot keeps a fair share of the figure (a fifth of its area, and
    its default size's side: MIN_SHARE of the 4.6 x 4.2 inch figure's height at the least)."""
    from gandynamics.plotting import MIN_SHARE
    ax, warned = _drawn_without_layout_warning(lambda: phase_portrait(
        dirac, trajectories=_cli_like_runs(dirac, starts, methods), xlim=(-2, 2), ylim=(-2, 2), n=21))
    assert not warned, warned
    r = ax.figure.canvas.get_renderer()
    leg = ax.get_legend()
    key, plot, fig = leg.get_window_extent(r), ax.get_window_extent(r), ax.figure.bbox
    assert not getattr(leg, "_gandynamics_inside", False)
    assert key.width <= plot.width + 1.0, (key.width, plot.width)
    assert fig.x0 - 1 <= key.x0 and key.x1 <= fig.x1 + 1 and fig.y0 - 1 <= key.y0 and key.y1 <= fig.y1 + 1, (key, fig)
    assert not key.overlaps(plot), (key.extents, plot.extents)
    assert plot.width * plot.height >= 0.2 * fig.width * fig.height, (plot.bounds, fig.bounds)
    assert min(plot.width, plot.height) >= MIN_SHARE * 4.2 * ax.figure.dpi, plot.bounds
    assert all(t.get_text() for t in leg.get_texts())


def test_a_trajectory_drawn_by_the_library_is_named_with_its_options_as_the_command_line_names_it(dirac):
    """phase_portrait(trajectories=[Trajectory, ...]) keyed and titled momentum run at beta = -0.5 "momentum" alone,
    where the command line's portrait says "momentum (β = −0.5)" (plotting.method_text): a Trajectory's key entry and
    the default title name its method with its options, as run; a method run without options is named alone; the
    convergence figure's key as well."""
    from gandynamics.simulate import simulate
    runs = [simulate(dirac, "momentum", (1.0, 1.0), 40, 0.1, beta=-0.5), simulate(dirac, "gd", (1.0, 1.0), 40, 0.1),
            simulate(dirac, "altgd", (1.0, 1.0), 40, 0.1, n_g=2)]
    ax = phase_portrait(dirac, trajectories=runs, n=11)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:3] == ["momentum (\u03b2 = \u22120.5)", "gd", "altgd (n_g = 2)"], texts
    title = " ".join(ax.get_title().split())
    assert "momentum (\u03b2 = \u22120.5)" in title and "altgd (n_g = 2)" in title, title
    ax = convergence(runs[:2])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("momentum (\u03b2 = \u22120.5)") for t in texts), texts


def test_runs_of_one_colour_drawn_as_one_line_are_said_to_be_in_the_key(dirac):
    """Runs that lie on one another in one colour and line style were drawn as one line, one hiding the other, with
    nothing in a key that names each run to say so (two runs given one colour).  The key says which runs are one
    line, after the runs' entries; runs of different colours on one path (gd and momentum at beta = 0, gd twice in
    shades of its colour), told apart by their alternating dashes, and runs apart get no such entry."""
    from gandynamics.simulate import simulate
    gd = simulate(dirac, "gd", (1.0, 1.0), 50, 0.1)
    eg = simulate(dirac, "eg", (1.0, 1.0), 50, 0.1)
    for runs, said, after in [([("a", gd, "C0"), ("b", gd.states, "C0"), ("c", eg, "C1")], "a and b: one line", 3),
                              ([("a", gd, "C0", ":"), ("c", eg, "C1"), ("b", gd.states[::2], "C0", ":")],
                               "a and b: one line", 3)]:
        ax = phase_portrait(dirac, trajectories=runs, n=11)
        texts = [" ".join(t.get_text().split()) for t in ax.get_legend().get_texts()]
        assert texts[after] == said and texts.count(said) == 1, texts
        plt.close(ax.figure)
    for runs in ([gd, simulate(dirac, "momentum", (1.0, 1.0), 50, 0.1, beta=0.0), eg], [gd, gd], [gd, eg]):
        ax = phase_portrait(dirac, trajectories=runs, n=11)
        assert not any("one line" in t.get_text() for t in ax.get_legend().get_texts())
        plt.close(ax.figure)


def test_convergence_takes_a_rate_by_its_run_s_method_and_refuses_a_key_naming_no_run():
    """``convergence(runs, rates={"momentum": 0.9545})`` drew nothing for a run drawn as ``momentum (β = −0.5)``, and a
    key naming no run (``"gdd"``) was ignored, silently (a new user's finding): a key is a label as drawn, as given, or
    a run's method; another is refused with those it may name.  The dashed line is ``d_k0 rho^(k - k0)``."""
    from gandynamics import simulate
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    runs = [simulate(fld, m, [1.0, 1.0], 100, 0.5, engine="interpreted") for m in ("gd", "momentum")]
    ax = convergence(runs, rates={"momentum": 0.9545})
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("momentum (β = −0.5): predicted") and "0.9545" in t for t in texts), texts
    assert not any(t.startswith("gd") and "predicted" in t for t in texts), texts
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--" and len(ln.get_xdata()) > 1]
    assert len(dashed) == 1
    k, d = np.asarray(dashed[0].get_xdata(), float), np.asarray(dashed[0].get_ydata(), float)
    np.testing.assert_allclose(d[1:] / d[:-1], 0.9545 ** np.diff(k), rtol=1e-9)
    with pytest.raises(GandynamicsError, match=r"^convergence: unknown rates key 'gdd'; accepted: gd, "
                                               r"momentum \(β = −0\.5\), momentum \(did you mean gd\?\)$"):
        convergence(runs, rates={"gdd": 0.9})
    two = [runs[1], simulate(fld, "momentum", [1.0, 1.0], 100, 0.5, engine="interpreted", beta=0.0)]
    with pytest.raises(GandynamicsError, match=r"rates key 'momentum' names runs of momentum at different options "
                                               r"\(momentum \(β = −0\.5\), momentum \(β = 0\)\)"):
        convergence(two, rates={"momentum": 0.9})  # (a review: one rate drawn on both betas' runs)
    convergence(two, rates={"momentum (β = −0.5)": 0.9545})  # (each by its label: taken)
    plt.close("all")


def test_a_rate_map_names_its_method_unless_told_otherwise():
    """Three rate maps side by side (gd, eg, eftp) had nothing naming their method (a new user): the default title
    names it; a title given replaces it, and "" leaves none."""
    from gandynamics.plotting import rate_map
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    g, h = np.linspace(0, 2, 4), np.linspace(0.05, 1, 5)
    for m in ("gd", "eg", "eftp"):
        assert rate_map(fld, m, g, h).get_title() == f"{m}: local rate ρ"
    assert rate_map(fld, "gd", g, h, title="mine").get_title() == "mine"
    assert rate_map(fld, "gd", g, h, title="").get_title() == ""
    plt.close("all")


@pytest.mark.slow  # (1.5 s with warm caches: the jumps' default-pass test is the one of a coordinate off the plane)
def test_a_run_that_jumps_across_the_window_is_drawn_as_its_states(tmp_path, capsys):
    """gd on the R1 Dirac-GAN (gamma = 0.3) at h = 1.5, beyond its stable step: its states lie on an invariant curve
    about z*, each step a chord across it; joined by lines they drew a band of chords that is no path of the run (a
    figure review).  Such a run (its median step over its last half at least JUMP_SHARE of the window's diagonal and
    JUMP_TURN of its distance from the centre, by numpy on its states) is drawn as dots, and a note says so; eg at the
    same step, converging, is a line, and so is gd at h = 0.3 on the bilinear game, spiralling out in a polygon of 21
    sides a turn.  The command line now says the converging run's verdict and rate too (simulate's)."""
    from gandynamics.cli import main
    from gandynamics import simulate
    from gandynamics.plotting import JUMP_SHARE, JUMP_TURN, phase_portrait
    bil = VectorField(games.bilinear())
    ax = phase_portrait(bil, trajectories=[("gd", simulate(bil, "gd", [1.0, 1.0], 30, 0.3))], xlim=(-3, 3),
                        ylim=(-3, 3), notes="attribute")
    assert [ln.get_linestyle() for ln in ax.get_lines() if ln.get_label() == "gd"] == ["-"]
    import matplotlib.pyplot as plt
    plt.close(ax.figure)
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    gd_, eg_ = (simulate(fld, m, [1.0, 1.0], 200, 1.5) for m in ("gd", "eg"))
    S = np.asarray(gd_.states)[100:]
    step = np.hypot(*np.diff(S, axis=0).T)
    assert np.median(step) >= JUMP_SHARE * np.hypot(4, 4)  # (the window [-2, 2]^2)
    assert np.median(step / np.maximum(np.hypot(*S[1:].T), np.hypot(*S[:-1].T))) >= JUMP_TURN
    ax = phase_portrait(fld, trajectories=[("gd", gd_), ("eg", eg_)], xlim=(-2, 2), ylim=(-2, 2), notes="attribute")
    lines = {ln.get_label(): ln for ln in ax.get_lines() if ln.get_label() in ("gd", "eg")}
    assert lines["gd"].get_linestyle() == "None" and lines["gd"].get_marker() == "o"
    assert lines["eg"].get_linestyle() == "-" and lines["eg"].get_marker() in (None, "None", "")
    assert any("gd jumps across the window (median step \u2265 10% of its diagonal, turning \u2265 30\u00b0 about its "
               "centre): drawn as its states, hollow markers, not joined" in n for n in ax.portrait_notes), ax.portrait_notes
    import matplotlib.pyplot as plt
    plt.close(ax.figure)
    assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd,eg", "--step", "1.5", "--steps", "200",
                 "--out", str(tmp_path / "p.png")]) == 0
    out = capsys.readouterr().out
    assert f"eg: converging, rate {eg_.rate:.6g} per step" in out.splitlines()


def test_a_run_that_diverges_is_joined_up_to_the_window_and_an_arrow_says_it_leaves():
    """gd at h = 2 on the bilinear game diverges at step 18 (|1 - 2i| = sqrt(5) a step, by hand): its states inside the
    window are its first ones, and drawn as dots (the jump test) it showed its start alone, the title blaming a jump
    (a figure review).  A diverged run is never dots: joined, up to the window's edge, with an arrow head there."""
    from matplotlib.text import Annotation

    from gandynamics import simulate
    from gandynamics.plotting import phase_portrait
    bil = VectorField(games.bilinear())
    tr = simulate(bil, "gd", [1.0, 1.0], 200, 2.0)
    assert tr.diverged and tr.diverged_at == 18
    ax = phase_portrait(bil, trajectories=[("gd", tr)], xlim=(-2, 2), ylim=(-2, 2), notes="attribute")
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "gd"]
    assert line.get_linestyle() == "-" and line.get_marker() in (None, "None", "")
    arrows = [c for c in ax.get_children() if isinstance(c, Annotation) and c.arrow_patch is not None]
    assert len(arrows) == 1
    x, y = arrows[0].xy  # (on the edge the path from (1, 1) to (-1, 3) crosses: y = 2 at x = 0, by hand)
    assert abs(x) < 1e-12 and y == pytest.approx(2.0, abs=1e-12)
    assert not any("jump" in n for n in ax.portrait_notes), ax.portrait_notes
    import matplotlib.pyplot as plt
    plt.close(ax.figure)


def test_runs_drawn_as_states_take_a_hollow_marker_each_and_a_larger_one_in_the_key():
    """Two runs of altgd at h = 1.2 on the bilinear game from starts on one invariant ellipse (its Q = x^2 + y^2 - h x y,
    by hand 1.0 - 1.2 + 1 = 0.8 at (1, 1) and 0.25 + 0.25 + 0.3 = 0.8 at (0.5, -0.5)) were the same dots, one colour
    over the other, and the same dots in the key (a figure review): each run its own hollow marker, drawn and keyed."""
    from gandynamics import simulate
    from gandynamics.plotting import JUMP_KEY_SCALE, phase_portrait
    bil = VectorField(games.bilinear())
    runs = [(f"altgd from {z}", simulate(bil, "altgd", list(z), 300, 1.2)) for z in ((1.0, 1.0), (0.5, -0.5))]
    ax = phase_portrait(bil, trajectories=runs, xlim=(-2, 2), ylim=(-2, 2), notes="attribute")
    lines = [ln for ln in ax.get_lines() if ln.get_label().startswith("altgd")]
    marks = [ln.get_marker() for ln in lines]
    assert len(set(marks)) == 2 and all(m not in (None, "None", "") for m in marks), marks
    assert all(ln.get_markerfacecolor() == "none" and ln.get_linestyle() == "None" for ln in lines)
    leg = ax.get_legend() or ax.figure.legends[0]
    keyed = {" ".join(t.get_text().split()): h for t, h in zip(leg.get_texts(), leg.legend_handles)}
    for ln in lines:
        h = keyed[" ".join(ln.get_label().split())]
        assert h.get_marker() == ln.get_marker()
        assert h.get_markersize() == pytest.approx(ln.get_markersize() * JUMP_KEY_SCALE)
    import matplotlib.pyplot as plt
    plt.close(ax.figure)


def test_the_jump_test_reads_the_states_inside_the_window():
    """A run jumping across the window early, then standing still outside it (h = 3 on the Dirac-GAN), was joined as a
    mess of chords: the test read its last half, outside.  It reads the states inside, in order: the same jumps inside
    and a still tail outside are dots; a run whose states inside settle is not."""
    from gandynamics.plotting._windows import _jumps
    ang = np.arange(40) * 2.3  # (a turn of 2.3 rad a step on a circle of radius 1.5: chords of 2.74, by hand)
    ring = 1.5 * np.c_[np.cos(ang), np.sin(ang)]
    still = np.tile([[9.0, 9.0]], (200, 1))
    assert _jumps(np.r_[ring, still], (-2, 2), (-2, 2))
    assert not _jumps(np.r_[ring, still], (-20, 20), (-20, 20))  # (inside a wide window: the still tail counts)
    settle = np.r_[ring, 1.5 * 0.9 ** np.arange(1, 80)[:, None] * np.c_[np.cos(ang[-1]), np.sin(ang[-1])]]
    assert not _jumps(settle, (-2, 2), (-2, 2))
