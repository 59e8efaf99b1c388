"""gandynamics.studies.mescheder: the panels' notes."""

import numpy as np
import pytest

from gandynamics.studies.mescheder import _from_to


@pytest.mark.parametrize("seed", range(5))
def test_a_change_is_shown_with_the_digits_that_tell_its_ends_apart(seed):
    # panel (a) of m18-fig1 read "|z| 1.41 → 1.4" for an orbit that kept its distance: 1.41421 -> 1.40498
    rng = np.random.default_rng(seed)
    for _ in range(200):
        a = float(rng.uniform(0.1, 10))
        b = a * (1 + float(rng.choice([-1, 1])) * 10 ** float(rng.uniform(-7, 0))) if rng.random() < 0.9 else a
        got = _from_to(a, b)
        sa, sb = got.replace("\u2212", "-").split(" → ")  # (the figure's minus sign −)
        digits = len(sa.replace(".", "").split("e")[0].lstrip("0-"))  # significant digits shown (trailing zeros kept)
        assert digits >= 3 and len(sb.replace(".", "").split("e")[0].lstrip("0-")) >= 3
        assert float(sa) == pytest.approx(a, rel=10 ** (1 - digits)) and float(sb) == pytest.approx(b, rel=10 ** (1 - digits))
        if a == b:
            assert sa == sb
        elif abs(b - a) > 1e-7 * abs(a):  # (within 8 digits they may still read alike)
            assert sa != sb
    assert _from_to(1.41421, 1.40498) == "1.41 → 1.40"
    assert _from_to(1.41421, 1.7e-11) == "1.41 → 1.70e\u221211"  # (the exponent's sign the minus sign too)


@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_no_panel_note_lies_on_its_trajectory():
    """The |z| note of each panel of m18-fig1 (simultaneous GD: panel (a) spirals out of the window) lies where its
    trajectory and the equilibrium's star are not, or, for a run that leaves the window or fills every other place
    (WGAN-GP's cycle in (d): matplotlib's "best" put the note over the star), in the panel's title."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gandynamics.plotting import METHOD_COLORS
    from gandynamics.studies.mescheder import _figure1

    class Ctx:
        def provenance(self, *a, **kw):
            pass

        def save(self, fig, stem, title):
            self.fig = fig

    ctx = Ctx()
    _figure1(ctx, "gd", "m18_fig1_simgd", "test")
    fig = ctx.fig
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    titled = 0
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if ln.get_color() == METHOD_COLORS["gd"] and len(ln.get_xdata()) > 10]
        if not lines:
            continue
        leg = ax.get_legend()
        if leg is None:  # the note is in the title
            assert "|z|" in ax.get_title()
            titled += 1
            continue
        box = leg.get_window_extent(r)
        pts = ax.transData.transform(np.vstack([np.column_stack([lines[0].get_xdata(), lines[0].get_ydata()]),
                                                [[0.0, 0.0]]]))  # (and the star)
        inside = (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)
        assert not inside.any(), (ax.get_title(), int(inside.sum()))
    titles = [ax.get_title() for ax in fig.axes if "|z|" in ax.get_title()]
    assert titled == len(titles) == 2 and titles[0].startswith("(a)") and titles[1].startswith("(d)"), titles
    plt.close(fig)
