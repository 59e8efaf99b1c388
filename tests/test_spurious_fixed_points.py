"""Spurious fixed points of a method: a state where the update stands still though F is not zero there, because a
point where the update evaluates F is a zero of F (Method.extrapolated_points; docs/math/bifurcations.md §1).
Extragradient's update z - H F(z - H F(z)), H = diag(h_G, h_D), stands still at z exactly when its extrapolated point
w = z - H F(z) is a zero of F.  simulate's reading and description and the sweep's column spurious_fixed_point say it,
with per-player steps (the test had been extragradient's alone, with h_G == h_D).  Every expected value here comes from
a closed form or a plain NumPy iteration of the method's update, never from the code under test."""

import numpy as np
import pytest
import sympy as sp

from gandynamics import Game, VectorField, simulate, sweep
from gandynamics.methods import METHODS

X, Y = sp.symbols("x y", real=True)
# two wells (+-sqrt(0.99), +-sqrt(0.99)/10) and a saddle at the origin: F = (x^3 - x + y/10, y - x/10)
W = float(np.sqrt(0.99))
TWO = VectorField(Game([X], [Y], (X**2 - 1) ** 2 / 4 + X * Y / 10, Y**2 / 2 - X * Y / 10, equilibrium=(W, W / 10)))


def F(z):
    """The game's F, by hand."""
    x, y = z
    return np.array([x**3 - x + y / 10, y - x / 10])


def eg_np(z, hg, hd, K):
    """K steps of extragradient in plain NumPy, w = z - H F(z), z <- z - H F(w): the final state and how far the
    states of the last half lie from it at most."""
    H = np.array([hg, hd])
    z = np.array(z, dtype=float)
    late = []
    with np.errstate(all="ignore"):
        for k in range(K):
            w = z - H * F(z)
            z = z - H * F(w)
            if k + 1 >= K // 2:
                late.append(z.copy())
        return z, max(np.linalg.norm(u - z) for u in late)


def spurious_at_saddle(hg, hd):
    """The spurious fixed point of extragradient in x > 0 whose extrapolated point is the saddle (0, 0), in closed
    form: z - H F(z) = 0 gives y (1 - h_D) = -h_D x / 10 and x = h_G (x^3 - x + y/10), so
    x^2 = (1 + h_G + h_G h_D / (100 (1 - h_D))) / h_G, y = -h_D x / (10 (1 - h_D))."""
    x = np.sqrt((1 + hg + hg * hd / (100 * (1 - hd))) / hg)
    return np.array([x, -hd * x / (10 * (1 - hd))])


def test_extragradient_with_two_timescales_stands_at_a_spurious_fixed_point_and_simulate_says_so():
    """eg on the two-wells game at (h_G, h_D) = (0.3, 0.2) from (1.5, 1) stands still at (2.0823, -0.05206) with
    |F| = 6.95: read "stands still, but not at a zero of F" alone, the spurious fixed point named only when
    h_G == h_D.  It is the closed form's point, its extrapolated point the saddle, and the description now says so."""
    hg, hd = 0.3, 0.2
    zs = spurious_at_saddle(hg, hd)
    znp, _ = eg_np((1.5, 1.0), hg, hd, 300)
    assert np.allclose(znp, zs, rtol=0, atol=1e-12)  # (the plain iteration reaches the closed form's point)
    assert np.linalg.norm(F(zs)) > 6 and np.linalg.norm(zs - np.array([hg, hd]) * F(zs)) < 1e-14
    tr = simulate(TWO, "eg", (1.5, 1.0), 300, (hg, hd), engine="interpreted")
    assert np.allclose(tr.final, zs, rtol=0, atol=1e-12), tr.final
    assert tr.reading.get("spurious_fixed_point") is True and tr.reading["spurious_of"] == "eg"
    assert np.allclose(tr.reading["extrapolated_point"], 0.0, rtol=0, atol=1e-12)
    text = tr.describe()
    assert ("it stands still, but not at a zero of F: |F| = 6.95 at the final state; stuck at a spurious fixed point of "
            "eg: its extrapolated point z - H F(z) = (") in text, text
    assert "is a zero of F, so its update moves by nothing" in text, text
    # lookahead over extragradient has the same fixed point (a fixed point of its base is one of every cycle)
    la = simulate(TWO, "lookahead", (1.5, 1.0), 600, (hg, hd), base="eg", engine="interpreted")
    assert np.allclose(la.final, zs, rtol=0, atol=1e-10), la.final
    assert "a spurious fixed point of lookahead: its base eg's extrapolated point z - H F(z) = (" in la.describe()


def test_the_sweeps_column_flags_the_same_rows():
    """The sweep read such rows "bounded, not converging" with nothing in its table to say why they stood still.  Its
    column spurious_fixed_point flags them, for the rows simulate says it of: the starts into the wells converge, those
    beyond the saddle's spurious points stand there (checked against the closed form's points)."""
    inits = np.array([[1.5, 1.0], [-1.5, 1.0], [0.5, 0.2], [2.0, 0.0]])
    steps = [(0.3, 0.2), (0.3, 0.5), (0.3, 0.3)]
    r = sweep(TWO, "eg", inits=np.repeat(inits, len(steps), axis=0), grid={"step_g": [s[0] for s in steps] * len(inits),
              "step_d": [s[1] for s in steps] * len(inits)}, product=False, steps=300, progress=False,
              engine="interpreted")
    flags = np.asarray(r["spurious_fixed_point"])
    assert flags.dtype == bool
    for i in range(len(flags)):
        z0, hg, hd = (r["init_x"][i], r["init_y"][i]), r["step_g"][i], r["step_d"][i]
        zs = spurious_at_saddle(hg, hd)
        zf = np.array([r["final_x"][i], r["final_y"][i]])
        expected = bool(np.allclose(np.abs(zf), np.abs(zs), rtol=0, atol=1e-10))  # (either sign: the game is odd)
        assert flags[i] == expected, (z0, hg, hd, zf, r["verdict"][i])
        assert not (flags[i] and r["final_zero"][i])
        tr = simulate(TWO, "eg", z0, 300, (hg, hd), engine="interpreted")
        assert bool(tr.reading.get("spurious_fixed_point", False)) == flags[i], (z0, hg, hd, tr.describe())
    assert flags.sum() == 9 and not flags[[6, 7, 8]].any()  # (every start but (0.5, 0.2), which converges)


def test_property_over_starts_and_steps_the_column_is_the_plain_iterations_verdict():
    """Random starts and per-player steps: a row is flagged where the plain NumPy iteration of extragradient stands
    still (its last half within 1e-8 of its final state, relative) at a point with |F| > 1e-3 whose extrapolated point
    has |F| < 1e-12, and not where its states still move (by 1e-4, relative), F vanishes, or |F(w)| > 1e-6; the rows
    between (a run still settling, at the tolerances of the rule) are few."""
    rng = np.random.default_rng(48)
    m = 60
    inits = rng.uniform(-2.6, 2.6, size=(m, 2))
    hg, hd = rng.uniform(0.22, 0.32, size=m), rng.uniform(0.05, 0.6, size=m)
    K = 400
    r = sweep(TWO, "eg", inits=inits, grid={"step_g": hg, "step_d": hd}, product=False, steps=K, progress=False,
              engine="interpreted")
    flags = np.asarray(r["spurious_fixed_point"])
    decided = 0
    for i in range(m):
        z, moved = eg_np(inits[i], hg[i], hd[i], K)
        if not np.all(np.isfinite(z)):
            assert not flags[i]
            decided += 1
            continue
        size, fz = np.linalg.norm(z), np.linalg.norm(F(z))
        fw = np.linalg.norm(F(z - np.array([hg[i], hd[i]]) * F(z)))
        if moved <= 1e-8 * size and fz > 1e-3 and fw < 1e-12:
            assert flags[i], (inits[i], hg[i], hd[i], z, r["verdict"][i])
            decided += 1
        elif fw > 1e-6 or moved > 1e-4 * size or fz < 1e-9:
            assert not flags[i], (inits[i], hg[i], hd[i], z, fw)
            decided += 1
    assert decided >= m - 5 and 10 <= flags.sum() <= m - 10, (decided, flags.sum())


NOT_DECLARING = [name for name, m in METHODS.items() if getattr(m, "extrapolated_points", None) is None]


def test_only_extragradient_and_lookahead_declare_extrapolated_points():
    """The methods whose fixed points need not be zeros of F by way of an extrapolated point: extragradient, eag (which
    stands still only at its start, where its anchor term vanishes and its update is extragradient's: an adversarial
    review started it at eg's spurious point), and lookahead through its base.  gd, eftp, ogda, momentum, proximal,
    ftr, adam and rmsprop stand still only at zeros of F (their update moves by h F at z, or by F at the points of a
    state standing still); altgd, rk4 and lookahead's cycles have spurious fixed points that no evaluation point
    explains."""
    assert sorted(set(METHODS) - set(NOT_DECLARING)) == ["eag", "eg", "lookahead"]


def test_the_declaration_is_the_maps_own_fixed_point_condition():
    """At the closed form's spurious point, extragradient's declared map (Method.map) stands still, F does not vanish
    and the declared extrapolated point is the saddle; lookahead over eg gives its base's point, over gd none."""
    h = 0.3
    zs = spurious_at_saddle(h, h)
    G, _, _ = METHODS["eg"].map(F, None, h, 2)
    assert np.allclose(G(zs), zs, rtol=0, atol=1e-13) and np.linalg.norm(F(zs)) > 6
    (label, w), = METHODS["eg"].extrapolated_points(F, zs, np.array([h, h]))
    assert label == "extrapolated point z - H F(z)" and np.allclose(w, 0.0, atol=1e-14)
    (label2, w2), = METHODS["lookahead"].extrapolated_points(F, zs, np.array([h, h]), base="eg")
    assert label2 == "base eg's extrapolated point z - H F(z)" and np.array_equal(w, w2)
    assert METHODS["lookahead"].extrapolated_points(F, zs, np.array([h, h]), base="gd") == ()


@pytest.mark.parametrize("name", NOT_DECLARING)
def test_methods_that_declare_none_are_never_marked(name):
    """Started exactly at extragradient's spurious point (where F(z - H F(z)) = 0), a method that declares no
    extrapolated points never gets the mark: the test returns None there, and neither simulate's reading nor the
    sweep's column has it, whatever the run does."""
    from gandynamics.runs.equilibria import spurious_fixed_point
    hg, hd = 0.3, 0.2
    zs = spurious_at_saddle(hg, hd)
    assert spurious_fixed_point(TWO, name, {}, zs, TWO.param_vector(), np.array([hg, hd]), 1.0) is None
    opts = {"base": "gd"} if name == "lookahead" else {}
    step = (hg, hd) if METHODS[name].two_timescale else 0.05
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (ftr on a general-sum game warns)
        tr = simulate(TWO, name, zs, 200, step, engine="interpreted", **opts)
        r = sweep(TWO, name, inits=[zs, [1.5, 1.0]], steps=200, step=step, progress=False, engine="interpreted",
                  **opts)
    assert "spurious_fixed_point" not in tr.reading and "spurious" not in tr.describe()
    assert not np.any(r["spurious_fixed_point"])


def test_a_wall_of_the_box_is_no_spurious_fixed_point():
    """Projected extragradient standing at a wall of its box (F pointing out of it: the projected extrapolated point
    is the state itself, no zero of F) is not marked; nor in the sweep."""
    box = [[1.2, 3.0], [-1.0, 1.0]]
    tr = simulate(TWO, "eg", (1.5, 0.5), 300, (0.1, 0.2), box=box, engine="interpreted")
    assert abs(tr.final[0] - 1.2) < 1e-12 and "stands still, but not at a zero of F" in tr.describe(), tr.describe()
    assert "spurious" not in tr.describe()
    r = sweep(TWO, "eg", inits=[[1.5, 0.5]], steps=300, grid={"step_g": [0.1], "step_d": [0.2]},
              box=box, progress=False, engine="interpreted")
    assert not np.any(r["spurious_fixed_point"])


def _dirac_F(z):
    """The Dirac-GAN's F (standard loss, no regularizer), by hand: s = sigmoid(-theta psi), F = (s psi, -s theta)
    (checked against the field at a point below)."""
    th, ps = z
    s = 1.0 / (1.0 + np.exp(th * ps))
    return np.array([s * ps, -s * th])


def gd_np(F, z, h, K):
    """K steps of gd in plain NumPy: the final state and whether it stood exactly still over the last half."""
    z = np.array(z, dtype=float)
    still = True
    with np.errstate(all="ignore"):
        for k in range(K):
            nz = z - h * F(z)
            if k + 1 > K // 2 and not np.array_equal(nz, z):
                still = False
            z = nz
    return z, still


def test_the_sweeps_column_stuck_flags_the_rows_that_stand_still_where_F_is_not_zero():
    """A 'bounded, not converging' row that stands still where F is not 0 (the loss saturated far out: F too small, or
    computed as 0, for a step to move the state) is stuck, not converged; the sweep's table had no column for it (the
    reader had to compare tail_min with tail_max, and rule out final_zero and spurious_fixed_point).  Its column
    ``stuck`` flags exactly the rows where the plain NumPy iteration of gd stands still away from the one zero of F,
    and simulate's description of each flagged row says "stuck, not converged"; the rows at a zero of F other than
    z* (final_zero) or at a spurious fixed point of eg are not stuck."""
    from gandynamics import games
    dirac = VectorField(games.dirac())
    assert np.allclose(dirac.eval_F(np.array([0.7, -1.3]), dirac.param_vector()), _dirac_F([0.7, -1.3]), rtol=1e-14)
    rng = np.random.default_rng(7)
    inits = np.vstack([[[10.0, 10.0], [1.0, 1.0], [1.0, 3.0], [0.5, 0.2]], rng.uniform(-12, 12, size=(40, 2))])
    steps = np.concatenate([[0.1, 5.0, 8.0, 0.1], rng.choice([0.1, 1.0, 5.0], size=40)])
    K = 1000
    r = sweep(dirac, "gd", inits=inits, grid={"step": steps}, product=False, steps=K, progress=False)
    stuck = np.asarray(r["stuck"])
    assert stuck.dtype == bool
    for i in range(len(inits)):
        z, still = gd_np(_dirac_F, inits[i], steps[i], K)
        expected = bool(still and np.linalg.norm(z) > 1e-3)  # (the one zero of F is the origin)
        assert stuck[i] == expected, (inits[i], steps[i], z, r["verdict"][i])
        if expected:
            assert r["verdict"][i] == "bounded, not converging" and not r["final_zero"][i]
            text = simulate(dirac, "gd", inits[i], K, steps[i]).describe()
            assert "stuck, not converged" in text, text
    assert stuck[:3].all() and not stuck[3] and 5 <= stuck.sum() <= len(inits) - 5, stuck.sum()
    # rows at a spurious fixed point of eg (the two-wells game above), or at the other well: flagged there, not stuck
    inits2 = np.array([[1.5, 1.0], [-1.5, 1.0], [0.5, 0.2]])
    r2 = sweep(TWO, "eg", inits=inits2, grid={"step_g": [0.3] * 3, "step_d": [0.2] * 3}, product=False, steps=300,
               progress=False, engine="interpreted")
    assert np.asarray(r2["spurious_fixed_point"])[:2].all() and not np.asarray(r2["stuck"]).any()
    r3 = sweep(TWO, "gd", inits=[[-1.5, 0.0]], steps=2000, step=0.1, progress=False, engine="interpreted")
    assert r3["final_zero"][0] and not r3["stuck"][0], r3["verdict"][0]
    # an orbit whose distance to z* keeps still is not stuck: alternating gd on the bilinear game at h = 2 from (1, 1)
    # goes (1, 1) -> (-1, -1) -> (1, 1) (by hand: x' = x - 2y, y' = y + 2x'), its distance sqrt(2) every step
    r4 = sweep(VectorField(games.bilinear()), "altgd", inits=[[1.0, 1.0]], steps=200, step=2.0, progress=False,
               engine="interpreted")
    assert r4["tail_min"][0] == r4["tail_max"][0] == pytest.approx(np.sqrt(2), rel=1e-15) and not r4["stuck"][0]


def test_a_row_whose_small_coordinate_still_creeps_is_not_stuck():
    """F = (x (x - 1000) / 1e6, 1e-10 y), z* declared at the origin: gd at h = 1000 from (1000, 1e-3) stands at x =
    1000 (a zero of F_x) while y decays by the factor 1 - 1e-7 a step (by hand: y_k = 1e-3 (1 - 1e-7)^k), 0.5 % over
    the last half of 100,000 steps.  Its distance to z* keeps still to 1e-12 and |F| is below the rounding of the
    state, yet the state moves: not stuck (it read stuck from the norms alone; an adversarial review)."""
    c = sp.Rational(1, 10**10)
    slow = VectorField(Game([X], [Y], X**3 / 3_000_000 - X**2 / 2000, c * Y**2 / 2, equilibrium=(0, 0), name="slow"))
    K, h = 100_000, 1000.0
    r = sweep(slow, "gd", inits=[[1000.0, 1e-3]], steps=K, step=h, progress=False, engine="interpreted")
    y = lambda k: 1e-3 * (1 - 1e-7) ** k  # noqa: E731
    assert abs(r["final_y"][0] - y(K)) < 1e-9 * y(K) and (y(K // 2) - y(K)) / y(K) > 4e-3
    assert r["verdict"][0] == "bounded, not converging" and not r["stuck"][0] and not r["final_zero"][0]


def test_a_row_with_no_z_star_can_be_stuck():
    """loss_g = log(1 + e^x), loss_d = y^2 / 2: F = (sigmoid(x), y) has no zero; gd at h = 0.5 from (-40, 1) stands at
    x = -40 (by hand: the step 0.5 sigmoid(-40) = 2.1e-18 is below half the spacing of doubles at 40, 3.6e-15) while
    y halves every step.  No z* is found, the row is read on its displacement from the start, and it is stuck, as
    simulate's description says (the row was left out of the test for having no z*)."""
    g = VectorField(Game([X], [Y], sp.log(1 + sp.exp(X)), Y**2 / 2, name="nozero"))
    z, _ = gd_np(lambda z: np.array([1 / (1 + np.exp(-z[0])), z[1]]), [-40.0, 1.0], 0.5, 400)
    assert z[0] == -40.0 - 0.5 / (1 + np.exp(40.0)) == -40.0 and 0.0 < z[1] < 1e-120
    r = sweep(g, "gd", inits=[[-40.0, 1.0]], steps=400, step=0.5, progress=False, engine="interpreted")
    assert np.isnan(r["zstar_x"][0]) and r["stuck"][0] and not r["final_zero"][0], r["verdict"][0]
    assert "stuck, not converged" in simulate(g, "gd", [-40.0, 1.0], 400, 0.5, engine="interpreted").describe()
    # stuck from its first step, its displacement from the start 0 throughout (a review: the row was left out)
    g2 = VectorField(Game([X], [Y], sp.log(1 + sp.exp(X)), sp.log(1 + sp.exp(Y)), name="nozero2"))
    z, still = gd_np(lambda z: 1 / (1 + np.exp(-z)), [-40.0, -40.0], 0.5, 400)
    assert still and z.tolist() == [-40.0, -40.0]
    r = sweep(g2, "gd", inits=[[-40.0, -40.0]], steps=400, step=0.5, progress=False, engine="interpreted")
    assert np.isnan(r["zstar_x"][0]) and r["stuck"][0], r["verdict"][0]
    assert "stuck, not converged" in simulate(g2, "gd", [-40.0, -40.0], 400, 0.5, engine="interpreted").describe()
