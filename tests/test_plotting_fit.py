"""What the plotting functions place beside their axes (title, legend, colorbar) fits the figure they are given:
the user's own axes with or without a layout engine, small figures, two panels side by side, long titles
(gandynamics/plotting/_fit.py, "fitting to the figure"); a rate map of one value on an axis marks where rho crosses 1; the
convergence of several runs of one method tells them apart.

Every check is on the drawn figure (after ``fig.canvas.draw()``, as savefig draws it once): window extents against
the figure's bbox, legend labels, colours, and the rho = 1 marker against the spectral radius of I + hJ computed here
with numpy."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from scipy import optimize  # noqa: E402

from gandynamics import VectorField, games, simulate  # noqa: E402
from gandynamics.errors import GandynamicsWarning  # noqa: E402
from gandynamics import plotting as P  # noqa: E402
from gandynamics.regularizers import R1  # noqa: E402

FP = 0.5  # f'(0) of the standard loss (docs/mathematics.md §1.1)
LONG = ("a long title that a user wrote to describe this panel in some detail, with $\\gamma = 0.3$ and "
        "$h_{\\max}$ in it")
TOL = 1.0  # display units (pixels at the figure's dpi): anti-aliasing of an extent's edge


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fld():
    return VectorField(games.dirac(), [R1(gamma=0.3)])


@pytest.fixture(scope="module")
def runs(fld):
    return (simulate(fld, "gd", [1.0, 1.0], steps=150, step=0.2),
            simulate(fld, "altgd", [1.0, 1.0], steps=150, step=0.2))


@pytest.fixture(scope="module")
def rates_grid(fld):
    G, H = np.linspace(0.05, 1.5, 10), np.linspace(0.05, 2.5, 10)
    return G, H, P.rate_grid(fld, "gd", G, H)


@pytest.fixture(scope="module")
def fld4():
    return VectorField(games.make_game("dirac-nd", d=2), [R1(gamma=0.3)])


def _draw(kind, ax, title, fld, runs, rates_grid, fld4):
    """One plotting function of each kind into ``ax``."""
    sim, alt = runs
    if kind == "portrait":
        return P.phase_portrait(fld, ax=ax, n=9, trajectories=[("simultaneous GD", sim), ("alternating GD", alt)],
                                title=title)
    if kind == "speed":
        return P.phase_portrait(fld, ax=ax, n=9, speed=True, trajectories=[("gd", sim)], title=title)
    if kind == "note":  # a 4-parameter game: the runs leave the slice, a note in the title
        tr = [simulate(fld4, m, [0.5, 0.3, 0.4, -0.2], steps=20, step=0.3) for m in ("gd", "eg")]
        return P.phase_portrait(fld4, ax=ax, n=9, trajectories=tr, title=title)
    if kind == "ratemap":
        G, H, R = rates_grid
        return P.rate_map(fld, "gd", G, H, rho=R, measured=([0.3], [0.5], [0.9]), ax=ax, title=title)
    if kind == "convergence":
        return P.convergence([sim, alt], rates={"gd": 0.97, "altgd": 0.96}, ax=ax, title=title)
    if kind == "locus":
        return P.eigenvalue_locus(fld, None, "gamma", np.linspace(0.0, 1.5, 7), critical=False, ax=ax, title=title)
    raise ValueError(kind)


def _cell(ax):
    """The part of the figure the grid cell of ``ax`` spans (equal rows and columns), in display units."""
    from matplotlib.transforms import Bbox
    ss, box = ax.get_subplotspec(), ax.figure.bbox
    nrows, ncols = ss.get_gridspec().get_geometry()
    x0, x1 = ss.colspan.start / ncols, ss.colspan.stop / ncols
    y0, y1 = 1 - ss.rowspan.stop / nrows, 1 - ss.rowspan.start / nrows
    return Bbox.from_extents(box.x0 + x0 * box.width, box.y0 + y0 * box.height, box.x0 + x1 * box.width,
                             box.y0 + y1 * box.height)


def _within(box, fig_box) -> bool:
    return (box.x0 >= fig_box.x0 - TOL and box.y0 >= fig_box.y0 - TOL and box.x1 <= fig_box.x1 + TOL
            and box.y1 <= fig_box.y1 + TOL)


def _check(fig, axes, engine: bool):
    """The properties every figure keeps once drawn: each title and legend within the figure (with a layout engine:
    everything each axes draws, labels and colorbars too), neighbouring titles apart, no collapsed plot."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert not [w for w in caught if "constrained_layout" in str(w.message)], [str(w.message) for w in caught]
    r = fig.canvas.get_renderer()
    for ax in axes:
        for name, art in (("title", ax.title if ax.get_title() else None), ("legend", ax.get_legend())):
            if art is not None:
                box = art.get_window_extent(r)
                assert _within(box, fig.bbox), f"{name} {box.extents.round()} outside {fig.bbox.extents}"
        if engine:
            box = ax.get_tightbbox(r)
            assert _within(box, fig.bbox), f"axes drawing {box.extents.round()} outside {fig.bbox.extents}"
        # the data area keeps a usable share of its cell (the speed colorbar and legend collapsed it to 0.59 of 2.5 in)
        cell, pos = _cell(ax), ax.get_window_extent()
        assert min(pos.width, pos.height) >= 0.25 * min(cell.width, cell.height), (pos.bounds, cell.bounds)
    if engine:
        for cax in fig.axes[len(axes):] + [c for ax in axes for c in ax.child_axes]:  # the colorbars
            box = cax.get_tightbbox(r)
            assert _within(box, fig.bbox), f"colorbar {box.extents.round()} outside {fig.bbox.extents}"
    titles = [ax.title.get_window_extent(r) for ax in axes if ax.get_title()]
    for a in range(len(titles)):
        for b in range(a + 1, len(titles)):
            assert not titles[a].overlaps(titles[b]), (titles[a].extents, titles[b].extents)


def _case(kind, size, panels, engine, title, *fixtures):
    fig, axes = plt.subplots(1, panels, figsize=size, layout=engine, squeeze=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GandynamicsWarning)  # room for every legend: no "no room" warning
        for ax in axes[0]:
            _draw(kind, ax, title, *fixtures)
    _check(fig, list(axes[0]), engine is not None)


# ---------------------------------------------------------------------------------------------- item 1: user's axes
@pytest.mark.parametrize("kind", ["portrait", "speed", "note", "ratemap", "convergence", "locus"])
def test_a_plot_in_the_users_axes_without_layout_engine_keeps_title_and_legend_on_the_canvas(
        kind, fld, runs, rates_grid, fld4):
    # `fig, ax = plt.subplots()` (no layout engine): the legends beside the axes ran off the right edge, the legend
    # under a rate map off the bottom, a portrait's title with a note off the top; the figure's layout is left as
    # the user made it (no engine is set), and what is placed is fitted to it
    fig, ax = plt.subplots()
    _draw(kind, ax, LONG if kind == "convergence" else None, fld, runs, rates_grid, fld4)
    assert fig.get_layout_engine() is None
    _check(fig, [ax], engine=False)


@pytest.mark.parametrize("size", [(7.0, 2.5), (6.0, 2.2), (5.0, 2.0)])
@pytest.mark.parametrize("kind", ["note", "speed"])
@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_title_moved_inside_a_short_panel_stays_within_it_and_the_legend_keeps_off_it(kind, size, fld, runs, rates_grid,
                                                                                      fld4):
    """A panel of a short two-panel figure without layout engine has no room above it for a title with notes: the
    title goes inside the axes' top.  It was as wide as the room above the axes (crossing both edges), and the legend,
    placed inside before, was drawn over it (a new user's 7 x 2.5 inch figure).  Now its lines are no wider than the
    axes and the legend lies off it."""
    fig, axes = plt.subplots(1, 2, figsize=size)
    _draw(kind, axes[0], None, fld, runs, rates_grid, fld4)
    fig.canvas.draw()
    ax = axes[0]
    box, title = ax.get_window_extent(), ax.title.get_window_extent()
    if title.y1 <= box.y1 + TOL:  # (inside: where the figure had no room above the axes)
        assert box.x0 - TOL <= title.x0 and title.x1 <= box.x1 + TOL, (box, title)
    leg = ax.get_legend().get_window_extent()
    overlap = min(leg.x1, title.x1) - max(leg.x0, title.x0), min(leg.y1, title.y1) - max(leg.y0, title.y0)
    assert not (overlap[0] > TOL and overlap[1] > TOL), (leg, title)


def test_a_legend_inside_keeps_off_the_trajectories(fld, runs):
    fig, ax = plt.subplots()
    P.phase_portrait(fld, ax=ax, n=9, trajectories=[("simultaneous GD", runs[0]), ("alternating GD", runs[1])])
    fig.canvas.draw()
    leg = ax.get_legend().get_window_extent()
    traj = [ln for ln in ax.get_lines() if ln.get_label() in ("simultaneous GD", "alternating GD")]
    pts = np.vstack([ln.get_transform().transform(ln.get_xydata()) for ln in traj])
    inside = (pts[:, 0] > leg.x0) & (pts[:, 0] < leg.x1) & (pts[:, 1] > leg.y0) & (pts[:, 1] < leg.y1)
    assert inside.mean() < 0.02, inside.mean()


def test_no_room_for_a_legend_is_said_not_silent(fld, runs):
    # a panel 1.1 inch wide without layout engine: no place inside or beside it holds the legend
    fig, axes = plt.subplots(1, 3, figsize=(3.3, 2.5))
    with pytest.warns(GandynamicsWarning, match="no room for the legend"):
        P.convergence([("a run with a long label", runs[0]), ("another run with a long label", runs[1])],
                      ax=axes[0])


@pytest.mark.slow  # (1.2 s)
def test_the_library_never_sets_a_layout_engine_of_another_kind_on_a_users_figure(fld, runs, rates_grid, fld4):
    for kind in ("portrait", "ratemap", "convergence"):
        fig, ax = plt.subplots()
        _draw(kind, ax, None, fld, runs, rates_grid, fld4)
        assert fig.get_layout_engine() is None
        fig2, ax2 = plt.subplots(layout="tight")
        _draw(kind, ax2, None, fld, runs, rates_grid, fld4)
        assert type(fig2.get_layout_engine()).__name__ == "TightLayoutEngine"
        # a plain constrained layout: a constrained layout still, of the same parameters (the one that refits the
        # titles that the draw-time wrap splits, plotting._RefittingLayout)
        for layout, compress in (("constrained", False), ("compressed", True)):
            fig3, ax3 = plt.subplots(layout=layout)
            params = fig3.get_layout_engine().get()
            _draw(kind, ax3, None, fld, runs, rates_grid, fld4)
            assert isinstance(fig3.get_layout_engine(), P.ConstrainedLayoutEngine)
            assert fig3.get_layout_engine().get() == params and fig3.get_layout_engine()._compress is compress


# ---------------------------------------------------------------------------------------------- item 2: two panels
@pytest.mark.parametrize("width,height", [pytest.param(5.0, 5.0, marks=pytest.mark.slow),  # (1.5 s each)
                                          pytest.param(6.4, 5.0, marks=pytest.mark.slow), (9.0, 4.2)])
@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_titles_of_two_panels_fit_the_final_layout(width, height, fld4):
    # the first panel's note was fitted to a layout run before the second panel existed: at 6.4 x 4.2 inches its
    # title ran off the left edge and into the second panel's title.  (At 6.4 x 4.2 the titles now fit their panels,
    # but constrained layout, which settles square plots over several draws, leaves them 13 px past the top on the
    # first draw: gandynamics/plotting/__init__.py, "fitting to the figure")
    runs4 = [simulate(fld4, m, [0.5, 0.3, 0.4, -0.2], steps=20, step=0.3) for m in ("gd", "eg", "eftp")]
    fig, (a, b) = plt.subplots(1, 2, figsize=(width, height), layout="constrained")
    P.phase_portrait(fld4, trajectories=runs4, ax=a, n=9)
    title_a = a.get_title()
    P.phase_portrait(fld4, trajectories=runs4[:2], ax=b, n=9, title="second panel, a long title of the right-hand one")
    assert "note:" in title_a and a.get_title() == title_a
    _check(fig, [a, b], engine=True)
    # the fit does not depend on what is drawn later: the same title as in a figure of the first panel alone
    fig2, (a2, _) = plt.subplots(1, 2, figsize=(width, height), layout="constrained")
    P.phase_portrait(fld4, trajectories=runs4, ax=a2, n=9)
    assert a2.get_title() == title_a


def test_a_title_is_wrapped_at_its_spaces_never_inside_mathtext():
    text = r"rate of $\gamma = 0.3$ and $h_{\max} = 1.2 / f'(0)^2$ at the critical strength of the game"
    lines = P._fill(text, 120.0, lambda s: 6.0 * len(s)).split("\n")
    assert len(lines) > 2 and " ".join(lines) == text
    assert all(line.count("$") % 2 == 0 for line in lines), lines


# ---------------------------------------------------------------------------------------------- item 3: speed colorbar
@pytest.mark.parametrize("size", [(3.0, 2.5), (2.5, 2.5), (4.0, 3.2), (2.5, 4.0)])
@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_speed_colorbar_on_a_small_figure_leaves_the_plot_usable(size, fld, runs):
    # (3, 2.5) in: the colorbar below and the legend beside left the plot 1.25 in with the legend past the right
    # edge; (2.5, 2.5): 0.59 in
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    P.phase_portrait(fld, speed=True, ax=ax, trajectories=[("gd", runs[0])], n=9)
    _check(fig, [ax], engine=True)
    assert ax.speed_colorbar is not None  # the colorbar is kept (compact where the labelled one leaves too little)
    pos = ax.get_window_extent()
    assert min(pos.width, pos.height) >= 0.36 * min(fig.bbox.width, fig.bbox.height)  # 0.9 MIN_SHARE


@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_speed_colorbar_is_labelled_where_there_is_room(fld, runs):
    fig, ax = plt.subplots(figsize=(5.2, 5.0), layout="constrained")
    P.phase_portrait(fld, speed=True, ax=ax, trajectories=[("gd", runs[0])], n=9)
    assert "speed" in ax.speed_colorbar.ax.get_xlabel()
    fig, ax = plt.subplots(figsize=(2.5, 2.5), layout="constrained")
    P.phase_portrait(fld, speed=True, ax=ax, trajectories=[("gd", runs[0])], n=9)
    cb = ax.speed_colorbar.ax
    assert cb.get_xlabel() == "" and any(t.get_text() == r"$\|v\|$" for t in cb.texts)
    assert len(cb.get_xticks()) <= 4


# ---------------------------------------------------------------------------------------------- item 4: a rate strip
def _gd_radius(gamma: float, h: float) -> float:
    """Spectral radius of GD's iteration I + hJ on the R1 Dirac-GAN at its equilibrium, J = Dv = [[0, -f'], [f',
    -gamma]] (docs/mathematics.md §1.7, §1.9), by numpy."""
    J = np.array([[0.0, -FP], [FP, -gamma]])
    return float(np.max(np.abs(np.linalg.eigvals(np.eye(2) + h * J))))


def _crossings(f, lo, hi, n=4000):
    x = np.linspace(lo, hi, n)
    y = np.array([f(v) - 1.0 for v in x])
    return [optimize.brentq(f=lambda v: f(v) - 1.0, a=x[k], b=x[k + 1], xtol=1e-14)
            for k in range(n - 1) if y[k] * y[k + 1] < 0]


@pytest.mark.parametrize("gamma,steps", [(0.3, np.linspace(0.05, 2.5, 40)), (0.7, np.linspace(0.5, 3.5, 25)),
                                         (0.3, np.linspace(2.5, 0.05, 31))])
def test_a_rate_strip_of_one_strength_marks_where_rho_crosses_one(fld, gamma, steps):
    ax = P.rate_map(fld, "gd", [gamma], steps)
    ref = _crossings(lambda h: _gd_radius(gamma, h), steps.min(), steps.max())
    assert len(ref) == 1 and len(ax.rho_one) == 1
    dh = abs(steps[1] - steps[0])
    assert abs(ax.rho_one[0] - ref[0]) < dh ** 2, (ax.rho_one, ref)  # linear interpolation between grid points
    assert ref[0] == pytest.approx(gamma / FP ** 2, rel=1e-9)  # h < gamma / f'(0)^2 (docs/mathematics.md §1.9)
    marks = [ln for ln in ax.get_lines() if np.allclose(ln.get_ydata(), ax.rho_one[0])]
    assert len(marks) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("rho = 1" in t and f"{ax.rho_one[0]:.4g}" in t for t in labels), labels
    # one strength: its cell fills the axis, with one tick at the value (no range of strengths is suggested)
    assert list(ax.get_xticks()) == [gamma]
    (x0, x1) = ax.get_xlim()
    mesh = ax.rate_mesh.get_paths()[0].vertices
    assert mesh[:, 0].min() == pytest.approx(x0) and mesh[:, 0].max() == pytest.approx(x1)


def test_a_rate_strip_of_one_step_marks_where_rho_crosses_one(fld):
    G = np.linspace(0.05, 1.5, 30)
    ax = P.rate_map(fld, "gd", G, [1.2])
    ref = _crossings(lambda g: _gd_radius(g, 1.2), G.min(), G.max())
    assert len(ax.rho_one) == len(ref) == 1
    assert abs(ax.rho_one[0] - ref[0]) < (G[1] - G[0]) ** 2
    assert ref[0] == pytest.approx(1.2 * FP ** 2, rel=1e-9)
    assert any(np.allclose(ln.get_xdata(), ax.rho_one[0]) for ln in ax.get_lines())


def test_a_rate_strip_without_crossing_says_on_which_side_it_lies(fld):
    steps = np.linspace(0.01, 0.5, 30)  # the user's example: gamma = 0.5, rho < 1 for every step drawn
    ax = P.rate_map(fld, "gd", [0.5], steps)
    assert ax.rho_one.size == 0
    top = max(_gd_radius(0.5, h) for h in steps)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [fr"$\rho < 1$ throughout (max {top:.3g})"], labels


def test_level_crossings_follow_the_contour_rule():
    # the 2-D map's contour (contourpy, linear interpolation along each grid edge) and the strip's rule agree
    import contourpy
    x = np.linspace(0.0, 3.0, 13)
    y = np.array([0.0, 1.0])
    z = np.vstack([np.cos(2 * x) + 0.5, np.cos(2 * x) + 0.5])
    lines = contourpy.contour_generator(x, y, z).lines(1.0)
    ref = np.sort([seg[0, 0] for seg in lines])
    assert np.allclose(P._level_crossings(x, z[0], 1.0), ref, atol=1e-12)
    assert np.allclose(P._level_crossings(x[::-1], z[0][::-1], 1.0), ref, atol=1e-12)


# ---------------------------------------------------------------------------------------------- item 5: runs of a method
def test_runs_of_one_method_are_told_apart(fld):
    a = simulate(fld, "gd", [1.0, 1.0], steps=120, step=0.2)
    b = simulate(fld, "gd", [1.0, 1.0], steps=120, step=0.4)
    c = simulate(fld, "gd", [-1.0, 0.5], steps=120, step=0.2)
    rho = [_gd_radius(0.3, h) for h in (0.2, 0.4, 0.2)]
    ax = P.convergence([a, b, c], rates=rho)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(texts) == 3 and len(set(texts)) == 3, texts  # each run listed once, told apart
    assert "h = 0.2" in texts[0] and "h = 0.4" in texts[1] and "(\u22121, 0.5)" in texts[2]
    runs = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    preds = [ln for ln in ax.get_lines() if ln.get_linestyle() != "-"]
    assert len(runs) == len(preds) == 3
    colours = [to_rgb(ln.get_color()) for ln in runs]
    assert len(set(colours)) == 3 and colours[0] == to_rgb(P.METHOD_COLORS["gd"])  # shades of gd's colour
    for run, pred, r in zip(runs, preds, rho):
        # each prediction in a shade of its run's colour: darker (at most 0.35 of it), or for a run that is dark
        # already (gd's darkest shade) lighter, towards white, as far as keeps 3:1 on white (plotting.predicted_shade)
        rc, pc = np.array(to_rgb(run.get_color())), np.array(to_rgb(pred.get_color()))
        assert tuple(pc) == P.predicted_shade(tuple(rc))
        ratio = pc / np.maximum(rc, 1e-9)
        darker = np.allclose(ratio[rc > 0], ratio.max()) and ratio.max() <= 0.35
        t = (pc - rc) / np.maximum(1.0 - rc, 1e-9)  # (the fraction of the way to white, the same for each channel)
        lighter = (np.all(pc >= rc) and np.allclose(t[rc < 1], t[rc < 1].max()) and t.max() >= 0.3
                   and P.contrast_on_white(tuple(pc)) >= P.MIN_CONTRAST)
        assert darker or lighter, (rc, pc)
        x, y = pred.get_xdata(), pred.get_ydata()
        assert np.allclose(np.diff(np.log(y)) / np.diff(x), np.log(r))  # with its run's rate
        assert f"{r:.4f}" in texts[runs.index(run)]


def test_a_rate_given_by_method_applies_to_each_of_its_runs_once_in_the_legend(fld):
    a = simulate(fld, "gd", [1.0, 1.0], steps=80, step=0.2)
    b = simulate(fld, "gd", [1.0, 1.0], steps=80, step=0.3)
    alt = simulate(fld, "altgd", [1.0, 1.0], steps=80, step=0.2)
    ax = P.convergence([a, b, alt], rates={"gd": 0.97, "altgd": 0.96})
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(texts) == len(set(texts)) == 3, texts
    ax = P.convergence([a, alt], rates={"gd": 0.97, "altgd": 0.97})  # two methods of one rate
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(texts) == len(set(texts)) == 2 and all("0.9700" in t for t in texts), texts


def test_each_run_with_a_rate_has_one_legend_entry_of_its_curve_and_its_prediction(fld):
    """One entry per run (its curve and its dashed prediction side by side, the rate in the text): listed apart, the
    predictions' dark dashes could not be told from one another (the figure review); a run without a rate keeps its
    curve's entry alone."""
    d = 2.0 * 0.9 ** np.arange(60)
    ax = P.convergence([("m", d), ("n", 0.5 * d), ("q", 0.25 * d)], rates={"m": 0.9, "n": 0.8})
    leg = ax.get_legend()
    assert [t.get_text() for t in leg.get_texts()] == [r"m: predicted $\rho$ = 0.9000", r"n: predicted $\rho$ = 0.8000",
                                                       "q"]
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() not in ("-", "None")]
    assert len(dashed) == 2  # the two predictions, each in its entry beside its curve


def test_runs_of_one_method_in_a_portrait_are_told_apart(fld):
    a = simulate(fld, "gd", [1.0, 1.0], steps=50, step=0.2)
    b = simulate(fld, "gd", [1.0, 1.0], steps=50, step=0.4)
    ax = P.phase_portrait(fld, n=9, trajectories=[a, b])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == len(set(labels)) and "gd, h = 0.2" in labels and "gd, h = 0.4" in labels


@pytest.mark.parametrize("bad,match", [([0.9], "1 rates for 2 runs"), ([0.9, -1.0], "rates"), (3.0, "mapping")])
def test_convergence_refuses_a_bad_sequence_of_rates(bad, match):
    d = 0.9 ** np.arange(10)
    from gandynamics import GandynamicsError
    with pytest.raises(GandynamicsError, match=match):
        P.convergence([("a", d), ("b", d)], rates=bad)


# ---------------------------------------------------------------------------------------------- the kind, generated
def _generated(seed: int, count: int):
    """Figures of ``count`` random kinds: size 2.5 to 8 inches a side (two panels: 5 to 8 inches wide, panels of
    2.5 inches or more), one or two panels, a layout engine or none, a long title or none."""
    rng = np.random.default_rng(seed)
    kinds = ["portrait", "speed", "note", "ratemap", "convergence", "locus"]
    for _ in range(count):
        panels = int(rng.integers(1, 3))
        w = float(rng.uniform(2.5 * panels, 8.0)) if panels == 2 else float(rng.uniform(2.5, 8.0))
        h = float(rng.uniform(2.5, 8.0))
        yield (kinds[int(rng.integers(len(kinds)))], (round(w, 2), round(h, 2)), panels,
               "constrained" if rng.random() < 0.6 else None, LONG if rng.random() < 0.4 else None)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c[2] == 2 or c[4] else c
                                  for c in _generated(1, 6)], ids=str)  # (two panels or a long title: 1.2-1.6 s)
def test_generated_figures_fit(case, fld, runs, rates_grid, fld4):
    _case(*case, fld, runs, rates_grid, fld4)


@pytest.mark.slow  # 60 figures, ~40 s on 2 cores
@pytest.mark.parametrize("case", list(_generated(2, 60)), ids=str)
def test_many_generated_figures_fit(case, fld, runs, rates_grid, fld4):
    _case(*case, fld, runs, rates_grid, fld4)


def _titles_on_canvas(fig, axes, dpi):
    """Draw ``fig`` at ``dpi`` (as savefig does) and return the titles not wholly on the canvas."""
    fig.set_dpi(dpi)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    return [(ax.get_title(), ax.title.get_window_extent(r).extents.round(1)) for ax in axes
            if ax.get_title() and not _within(ax.title.get_window_extent(r), fig.bbox)]


_WORDS = ["WGAN-GP", "$\\gamma = 0.7$", "5", "D", "steps", "consensus", "R1", "GAN", "noise", "σ = 0.7"]


@pytest.mark.slow  # (5-9 s; the refit of titles is covered in the default pass by the panel-title tests below)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_title_wrapped_at_draw_time_is_never_cut_off(seed, fld):
    """The kind: a grid of panels under constrained layout whose titles are about as wide as their panels (random
    words, the tutorial's "(d) WGAN-GP γ = 0.7, 5 D steps" among them), drawn at 72, 100 and 150 dpi: every title
    lies on the canvas.  A one-line title that matplotlib's draw-time wrap split after the layout's last pass (the
    rightmost panel, brought nearer the figure's edge by the layout) had its first line above the figure's top
    (tutorial 03, panel (d), at 72 dpi); such a title is now shown in two lines and the layout run again
    (plotting._RefittingLayout), also for a PDF, and in one line again when the figure is drawn wider."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(2, 4, figsize=(13, 6.6), layout="constrained")
    # one-line titles elsewhere (a taller title in the same row would make the room that hides the cut), in the
    # right-hand column titles about as wide as the panel: the tutorial's, and random words of 24-34 characters
    titles = [f"({chr(97 + k)}) " + " ".join(rng.choice(_WORDS[5:], size=int(rng.integers(1, 3)))) for k in range(8)]
    titles[3] = "(d) WGAN-GP γ = 0.7, 5 D steps"
    words = []
    while len(" ".join(words)) < rng.integers(24, 35):
        words.append(str(rng.choice(["WGAN-GP", "γ = 0.7,", "5", "D", "steps", "clipping", "noise", "(critical)"])))
    titles[7] = "(h) " + " ".join(words)
    for ax, title in zip(axes.ravel(), titles):
        P.phase_portrait(fld, n=5, streamlines=False, arrows=True, title=title, legend=False, ax=ax)
    assert isinstance(fig.get_layout_engine(), P.ConstrainedLayoutEngine)
    assert fig.get_layout_engine().get() == plt.figure(layout="constrained").get_layout_engine().get()
    for dpi in (72, 100, 150):
        assert not _titles_on_canvas(fig, axes.ravel(), dpi), dpi
    # a PDF drawn first (its canvas has no renderer of its own: the refit measured nothing and the title was cut off)
    import io
    fig2, axes2 = plt.subplots(2, 4, figsize=(13, 6.6), layout="constrained")
    for ax, title in zip(axes2.ravel(), titles):
        P.phase_portrait(fld, n=5, streamlines=False, arrows=True, title=title, legend=False, ax=ax)
    fig2.savefig(io.BytesIO(), format="pdf", dpi=72)  # (the layout drawn is the PDF's, at 72 dpi)
    fig2.set_dpi(72)  # measured where the PDF drew them, not drawn again
    r = fig2.canvas.get_renderer()
    assert not [ax.get_title() for ax in axes2.ravel() if not _within(ax.title.get_window_extent(r), fig2.bbox)]
    # drawn again four times as wide, every title the layout split in two is one line again (shown, not kept)
    split = [k for k, ax in enumerate(axes2.ravel()) if getattr(ax.title, P._ONE_LINE, None) is not None]
    assert 3 in split or seed != 0  # (seed 0: the tutorial's title (d), split in the PDF at 72 dpi as in the tutorial)
    fig2.set_size_inches(52, 6.6)
    fig2.canvas.draw()
    assert [axes2.ravel()[k].get_title() for k in split] == [titles[k] for k in split]


def test_a_title_split_by_the_refit_over_a_fixed_aspect_plot_settles_on_the_canvas(fld):
    """One row of four portraits (fixed-aspect plots), the tutorial's title (d) on the rightmost, at 72 dpi: the refit
    shows the title in two lines and the layout ran once more, which measures a fixed-aspect plot's title from where
    the plot was before it moved it: the first line stood 3 pixels above the figure's top.  The layout now runs until
    the plots stand still after a refit too (_RefittingLayout._settled)."""
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.3), layout="constrained")
    for ax, title in zip(axes, ["(a) R1", "(b) GAN", "(c) noise", "(d) WGAN-GP γ = 0.7, 5 D steps"]):
        P.phase_portrait(fld, n=3, streamlines=False, arrows=True, title=title, legend=False, ax=ax)
    assert not _titles_on_canvas(fig, axes, 72)
    assert "\n" in axes[3].get_title()  # (the member of the kind: the title the refit split)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_titles_of_random_grids_of_portraits_stay_on_the_canvas(seed, fld):
    """The kind, generated: grids of 1-2 rows and 2-5 fixed-aspect portraits of random sizes, titles of 1-6 random
    words (mathtext among them), drawn at 72, 100 and 150 dpi: every title lies on the canvas (before the settling
    runs after a refit, 1 grid in 30 of such a generator had a title cut at the top)."""
    rng = np.random.default_rng(seed)
    words = ["WGAN-GP", "γ = 0.7,", "5", "D", "steps", "clipping", "noise", "(critical)", "R1", "$\\gamma = 0.7$"]
    for _ in range(6):
        rows, cols = int(rng.integers(1, 3)), int(rng.integers(2, 6))
        size = (float(rng.uniform(2.2, 3.6)) * cols, float(rng.uniform(2.6, 3.6)) * rows)
        fig, axes = plt.subplots(rows, cols, figsize=size, layout="constrained")
        axes = np.atleast_1d(axes).ravel()
        for k, ax in enumerate(axes):
            title = f"({chr(97 + k)}) " + " ".join(rng.choice(words, size=int(rng.integers(1, 7))))
            P.phase_portrait(fld, n=3, streamlines=False, arrows=True, title=title, legend=False, ax=ax)
        for dpi in (72, 100, 150):
            assert not _titles_on_canvas(fig, axes, dpi), (rows, cols, size, dpi)
        plt.close(fig)


def test_refitting_layout_leaves_titles_it_cannot_measure(fld):
    """Axes outside the layout (``fig.add_axes``) and hidden ones with a wrapping title: the layout runs and the figure
    draws (matplotlib's wrap of a title never measured has no renderer: a TypeError at draw)."""
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2), layout="constrained")
    P.phase_portrait(fld, n=5, streamlines=False, arrows=True, title="a portrait", legend=False, ax=axes[0])
    extra = fig.add_axes((0.7, 0.7, 0.2, 0.2))
    extra.set_title("an inset whose title wraps at draw time, being long", wrap=True)
    axes[2].set_title("a hidden panel with a long wrapping title", wrap=True)
    axes[2].set_visible(False)
    fig.canvas.draw()
    import io
    fig.savefig(io.BytesIO(), format="svg")


@pytest.mark.parametrize("size", [(2.5, 4.0), pytest.param((3.0, 3.0), marks=pytest.mark.slow),
                                  pytest.param((4.6, 4.2), marks=pytest.mark.slow)])
@pytest.mark.parametrize("words", [pytest.param(3, marks=pytest.mark.slow), 8, pytest.param(14, marks=pytest.mark.slow)])
def test_a_square_plot_keeps_its_title_of_several_lines_on_the_canvas_at_the_first_draw(fld, runs, size, words):
    """The layout measured a fixed-aspect plot's title of two lines from where the plot was before it moved it: the
    first draw (savefig's only one) cut the title at the figure's top, a second draw did not (found when the default
    title of a portrait grew its methods and step).  The layout now runs until the plots stand still."""
    title = " ".join(["WGAN-GP", "γ = 0.7,", "gd,", "eg,", "h = 0.2", "(critical)", "steps"][k % 7] for k in range(words))
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    P.phase_portrait(fld, speed=True, ax=ax, trajectories=[("gd", runs[0])], n=9, title=title)
    _check(fig, [ax], engine=True)


@pytest.mark.parametrize("methods, size, words", [
    (("gd", "eg"), (2.5, 4.0), 3),  # (the layout did not settle: the first draw cut the title at the top)
    (("gd", "eg", "altgd"), (2.5, 4.0), 5),  # (the layout collapsed: the title, wrapped to a sliver, 180 px tall)
    pytest.param(("gd", "eg", "altgd", "eftp"), (2.5, 4.0), 5, marks=pytest.mark.slow),
    pytest.param(("gd", "eg", "altgd"), (2.2, 3.5), 5, marks=pytest.mark.slow),
    pytest.param(("gd", "eg", "altgd", "eftp"), (2.2, 3.5), 8, marks=pytest.mark.slow),
    pytest.param(("gd", "eg"), (2.0, 4.0), 8, marks=pytest.mark.slow),
])
def test_a_small_square_portrait_with_a_colorbar_a_legend_below_and_a_title_fits_at_the_first_draw(fld, methods, size,
                                                                                                  words):
    """Members of a generator of small square portraits (runs x sizes x titles) with a speed colorbar and the legend
    below: 3 of 48 broke at the first draw.  Where the layout gave up ("axes sizes collapsed to zero": the legend
    below, the colorbar and a title wrapped to two lines at draw time left the plot no room) the legend now moves
    inside the plot and the layout runs again; a legend below lets a fixed-aspect plot settle as one right of it
    does (a one-line title was cut at the top)."""
    trs = [(m, simulate(fld, m, [1.0, 1.0], steps=150, step=0.2)) for m in methods]
    title = " ".join(["WGAN-GP", "γ = 0.7,", "gd,", "eg,", "h = 0.2", "(critical)", "steps"][k % 7] for k in range(words))
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    P.phase_portrait(fld, speed=True, ax=ax, trajectories=trs, n=9, title=title)
    _check(fig, [ax], engine=True)
    assert len(ax.get_legend().get_texts()) == len(methods) + 2  # (every entry kept, where it stands: runs, start, z*)


@pytest.mark.parametrize("size", [(6.0, 2.0), (8.0, 2.5), (5.0, 1.8), (9.0, 3.0)])
@pytest.mark.parametrize("extras", [{"speed": True}, {"speed": True, "nullclines": True}, {"nullclines": True}])
@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_portrait_in_a_wide_short_figure_keeps_its_legend_and_colorbar_off_the_plot(size, extras, fld, runs):
    """Generator of the kind (a new user's 6 x 2 in portrait: the legend, one column taller than the figure, covered
    the plot; the speed colorbar spanned the cell, wider than the square plot; its tick labels ran together): the
    legend right of the plot, in as many columns as the height needs, covers neither the plot nor its tick labels;
    the colorbar is at most the plot's width, under it; its tick labels do not touch."""
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    P.phase_portrait(fld, ax=ax, trajectories=[("gd", runs[0]), ("altgd", runs[1]), ("again", runs[0].states[::2])],
                     n=9, **extras)
    _check(fig, [ax], engine=True)
    r = fig.canvas.get_renderer()
    plot, leg = ax.get_window_extent(r), ax.get_legend().get_window_extent(r)
    labels = [t.get_window_extent(r) for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
    assert not leg.overlaps(plot) and not any(leg.overlaps(b) for b in labels), (leg.extents, plot.extents)
    if extras.get("speed"):
        bar = ax.speed_colorbar.ax.get_window_extent(r)
        assert bar.width <= plot.width + 1.0 and bar.y1 < plot.y0, (bar.extents, plot.extents)
        ticks = [t.get_window_extent(r) for t in ax.speed_colorbar.ax.get_xticklabels() if t.get_text()]
        assert len(ticks) >= 2 and all(ticks[k].x1 < ticks[k + 1].x0 for k in range(len(ticks) - 1))


@pytest.mark.parametrize("shape", [(1, 1, 3.0, 8.0), pytest.param((1, 3, 12.0, 4.0), marks=pytest.mark.slow),
                                   (2, 2, 8.0, 8.0), pytest.param((1, 1, 2.0, 6.0, "narrow"), marks=pytest.mark.slow),
                                   pytest.param((3, 1, 3.0, 9.0, "narrow"), marks=pytest.mark.slow)])  # (2.4-6.8 s: -m slow)
@pytest.mark.parametrize("legend", [True, "below"])
@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_portraits_in_grids_keep_their_legend_off_the_colorbar_and_the_equilibrium(shape, legend, fld, runs):
    """Generator of the kind (a new user's grids of portraits with speed colorbars and nullclines: a legend below lay
    over the colorbar, hiding its ticks; a legend inside covered half of each plot and the equilibrium's star): the
    legend never overlaps the colorbar; one inside the plot covers at most INSIDE_MAX_COVER of it and not the star
    (where the figure is too narrow for a legend beside any plot, inside is where it goes, as small as it can be)."""
    r_, c_, w, h = shape[:4]
    fig, axs = plt.subplots(r_, c_, figsize=(w, h), layout="constrained", squeeze=False)
    items = [("gd", runs[0]), ("altgd", runs[1]), ("again", runs[0].states[::2]), ("more", runs[1].states[::3])]
    for ax in axs.flat:
        P.phase_portrait(fld, ax=ax, trajectories=items, n=9, speed=True, nullclines=True, legend=legend)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    for ax in axs.flat:
        leg = ax.get_legend().get_window_extent(r)
        bar = ax.speed_colorbar.ax.get_tightbbox(r)
        assert not leg.overlaps(bar), (leg.extents, bar.extents)
        if getattr(ax.get_legend(), "_gandynamics_inside", False) and shape[-1] != "narrow":
            plot = ax.get_window_extent(r)
            assert leg.width * leg.height <= P.INSIDE_MAX_COVER * plot.width * plot.height * 1.05
            star = ax.transData.transform((0.0, 0.0))
            assert not leg.contains(*star)


def test_a_run_labelled_with_a_method_s_name_takes_the_method_s_colour(fld):
    """A new user's finding: tutorial 01's convergence([("gd", sim), ("altgd", alt)]) drew gd blue and altgd orange,
    the colours other figures give altgd and momentum.  A labelled run given no colour takes its method's (the run's,
    or the label's when it names one), unless another run takes the same one; a colour given is kept."""
    a = simulate(fld, "gd", [1.0, 1.0], steps=40, step=0.2)
    b = simulate(fld, "altgd", [1.0, 1.0], steps=40, step=0.2)
    d = 2.0 * 0.9 ** np.arange(40)
    ax = P.convergence([("gd", a), ("altgd", b), ("EG", d), ("mine", 0.5 * d)])
    colours = [matplotlib.colors.to_hex(ln.get_color()) for ln in ax.get_lines()[:4]]
    want = [matplotlib.colors.to_hex(P.METHOD_COLORS[m]) for m in ("gd", "altgd", "eg")]
    assert colours[:3] == want and colours[3] not in want
    ax = P.convergence([("first", a), ("second", simulate(fld, "gd", [1.0, 1.0], steps=40, step=0.3))])
    c1, c2 = (matplotlib.colors.to_hex(ln.get_color()) for ln in ax.get_lines()[:2])
    assert c1 != c2  # (two gd runs told apart by their labels: not both gd's red)
    ax = P.convergence([("gd", a, "black")])
    assert matplotlib.colors.to_hex(ax.get_lines()[0].get_color()) == "#000000"
