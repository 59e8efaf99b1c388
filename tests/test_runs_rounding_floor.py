"""Runs that stop short of ``z*`` where the computed F vanishes: ``gandynamics.runs.ratefit.at_rounding_of_F``, used by
``simulate`` (runs.trajectory) and ``sweep`` (runs.sweep).

A game whose F has terms of size 1 beside a value near 0 (``1 - 1/(1 + y)``, ``exp(y) - 1`` written as such,
``(1 + y)^2 - 1``, ``cosh(y) - 1 + y``) has a computed F that is exactly 0, or drifts, within ~1e-16 of ``z* = 0``:
its runs stand there.  About ``z* = 0`` the reading's floor is absolute (2^-511) and such runs read "bounded, not
converging ... converged to a stationary point other than z*", with a measured rate of 1 (a new user's game with
``y - log(1 + y)`` in a loss).  Each is now read with its floor where it stands: "converging", at the rate of the
linearisation, checked against the spectral radius of the method's iteration matrix computed here with numpy from
the closed-form Jacobian at 0."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import gandynamics as gd
from gandynamics import VectorField

x, y = sp.symbols("x y", real=True)

#: g(y) with g(0) = 0 and g'(0) > 0, computed with a cancellation near 0: the computed F is exactly 0, or drifts, within
#: ~1e-16 of z*, and every run below stands there (``sqrt(1 + 2y) - 1`` is not among them: its runs go on falling at
#: the rate of the computed map, not the linearisation's -- a cancellation the reading cannot see; ``exp(y) - 1`` and
#: ``1 - 1/(1 + y)`` are not either: F computes them as expm1(y) and y/(1 + y), tests below)
CANCELLING = {
    "tanh(y+1) - tanh(1)": sp.tanh(y + 1) - sp.tanh(1),
    "cosh(y) - 1 + y": sp.cosh(y) - 1 + y,
    "sin(y+1) - sin(1)": sp.sin(y + 1) - sp.sin(1),
}


def _game(a: float, c: float, g) -> gd.Game:
    # F = (dL_g/dx, dL_d/dy) = (y + a x, -x + c g(y)): DF(0) = [[a, 1], [-1, c g'(0)]]
    gy = sp.integrate(g, y)
    assert sp.simplify(sp.diff(gy, y) - g) == 0
    return gd.Game(theta=[x], psi=[y], loss_g=x * y + a * x ** 2 / 2, loss_d=-x * y + c * gy, equilibrium=(0, 0),
                   name="cancelling")


def _gd_rate(a: float, c: float, slope: float, h: float) -> float:
    DF = np.array([[a, 1.0], [-1.0, c * slope]])
    return float(np.max(np.abs(np.linalg.eigvals(np.eye(2) - h * DF))))


def _slope(g) -> float:
    return float(sp.diff(g, y).subs(y, 0))


_SLOW = pytest.mark.slow  # (each member a game of its own: a compile of its field on a cold cache; the first
#                           member of each generator runs by default, the rest with -m slow)
CASES = [pytest.param(name, a, c, h, K, marks=() if (a, c, h) == (1.0, 0.5, 0.3) and K == 400 else _SLOW)
         for name in CANCELLING for a, c, h in ((1.0, 0.5, 0.3), (0.5, 1.0, 0.2), (1.0, 1.0, 0.5)) for K in (400, 1000)]


@pytest.mark.parametrize("name,a,c,h,K", CASES)
def test_a_run_that_stands_within_the_rounding_of_F_from_zstar_converges(name, a, c, h, K):
    g = CANCELLING[name]
    fld = VectorField(_game(a, c, g))
    exact = _gd_rate(a, c, _slope(g), h)
    assert exact < 0.95
    K = max(K, int(1.5 * 37 / -np.log(exact)))  # (at least half again the steps to fall 0.36 -> 1e-16)
    t = gd.simulate(fld, "gd", (0.3, 0.2), K, h)
    assert 1e-20 < float(t.distance[-1]) < 1e-15  # (it stands where the rounding of F holds it)
    assert t.verdict == "converging", (t.verdict, t.reading)
    # within 1 %, or within twice the reading's own uncertainty of the log-rate where few samples lie above the
    # floor (a spiral's rate from the steps before it, 0.8906 for 0.8718 with log_rate_err 0.011 at K = 404)
    err, u = abs(np.log(t.rate / exact)), t.reading["log_rate_err"]
    assert err <= 0.01 or (np.isfinite(u) and err <= 2 * u), (t.rate, exact, u)
    assert t.reading["still_at"] < 1e-15
    from gandynamics.verdict import describe
    assert "where the computed F is zero to rounding" in describe({**t.reading, "verdict": t.verdict})


@pytest.mark.parametrize("name", list(CANCELLING))
def test_a_sweep_reads_such_rows_converging_at_their_rate(name):
    g = CANCELLING[name]
    a, c = 1.0, 0.5
    fld = VectorField(_game(a, c, g))
    steps = np.array([0.2, 0.3, 0.5])
    r = gd.sweep(fld, "gd", inits=[(0.3, 0.2)], grid={"step": steps}, steps=2000, progress=False)
    for h, v, rate, dist in zip(r["step"], r["verdict"], r["rate"], r["distance"]):
        exact = _gd_rate(a, c, _slope(g), float(h))
        assert exact < 0.97
        assert 1e-20 < dist < 1e-15
        assert v == "converging", (h, v, dist)
        assert abs(np.log(rate / exact)) <= 0.01, (h, rate, exact)


def test_a_run_that_stands_still_far_from_zstar_is_still_not_converging():
    """The control: a stationary point other than z* (F = (y + x (x - 1), -x)... a second zero at distance 1) keeps
    its reading: at_rounding_of_F asks for the run's end within FLOOR_REL of its scale from z*."""
    from gandynamics.runs.ratefit import at_rounding_of_F
    fld = VectorField(_game(1.0, 0.5, CANCELLING["tanh(y+1) - tanh(1)"]))
    p = np.zeros(0)
    z0 = np.zeros(2)
    assert not at_rounding_of_F(fld, p, np.array([1e-3, 0.0]), z0, 0.36)  # 1e-3 of 0.36 is not rounding
    assert at_rounding_of_F(fld, p, np.array([1e-17, -1e-17]), z0, 0.36)
    assert not at_rounding_of_F(fld, p, np.array([1e-17, -1e-17]), z0, 1e-6)  # a run that started there


def test_simulate_and_sweep_read_each_such_run_alike_and_name_where_it_ended():
    """A reviewer's run reached its floor late (2e-16 at k = 1700 of 2000): simulate read it converging, the sweep
    "bounded" (it tested the last half's largest distance, simulate the last quarter's), and the description named
    the distance at the start of the last quarter (1.7e-14) as where the run stands, not the final 8.5e-17.  Both now
    test the final state and its distance: every row of a sweep reads as simulate reads the same run, and the
    description names the final distance."""
    from gandynamics.verdict import describe
    x_, y_, a = sp.symbols("x y a", real=True)
    # (F_y = -x + (tanh(y + 1) - tanh(1))/2: zero to rounding within ~1e-16 of y = 0)
    g = gd.Game(theta=[x_], psi=[y_], loss_g=x_ * y_ + a * x_ ** 2 / 2 + x_ ** 4 / 4,
                loss_d=-x_ * y_ + (sp.log(sp.cosh(y_ + 1)) - sp.tanh(1) * y_) / 2, hyper={a: 1.0}, equilibrium=(0, 0))
    fld = VectorField(g)
    r = gd.sweep(fld, "gd", inits=[(0.3, 0.2)], grid={"a": [0.0, 0.5, 1.0], "step": [0.1, 0.3]}, steps=2000,
                 progress=False)
    seen, still = set(), 0
    for av, h, v in zip(r["a"], r["step"], r["verdict"]):
        t = gd.simulate(fld, "gd", (0.3, 0.2), 2000, float(h), params={"a": float(av)})
        assert t.verdict == v, (av, h, t.verdict, v)
        seen.add(v)
        if "still_at" in t.reading:
            still += 1
            assert t.reading["still_at"] == pytest.approx(float(t.distance[-1]), rel=1e-12)
            assert f"it stands {t.distance[-1]:.2g} from z*" in describe({**t.reading, "verdict": t.verdict})
    assert "converging" in seen and still >= 2


@pytest.mark.parametrize("c", [0.5, pytest.param(1.0, marks=_SLOW), pytest.param(-0.25, marks=_SLOW)])
def test_an_exponential_minus_one_made_by_the_derivative_is_computed_as_expm1(c):
    """A loss ``c (e^y - y)`` has no cancellation; its derivative ``c (e^y - 1)`` does, and the losses' rewrite to
    expm1 (docs/math/stable_rewrites.md) had run on the losses only: the computed F was 0 within 1e-16 of y = 0 and
    gd's runs stopped at 3e-17.  F is rewritten too: the run goes on to far below that, at the linearisation's rate
    (numpy's spectral radius of I - h DF(0))."""
    fld = VectorField(_game(1.0, c, sp.exp(y) - 1))
    assert fld.F[1].has(gd.losses.expm1) and not any(t.has(sp.exp) and t.is_Add for t in fld.F[1].args)
    exact = _gd_rate(1.0, c, 1.0, 0.3)
    t = gd.simulate(fld, "gd", (0.3, 0.2), 600, 0.3)
    assert t.verdict == "converging" and float(t.distance[-1]) < 1e-20  # (the stall was at ~3e-17)
    assert abs(t.rate / exact - 1) < 1e-3, (t.rate, exact)


@pytest.mark.parametrize("k, a0", [(0.5, 1.0), (1.0, 2.0)] + [pytest.param(k, a, marks=_SLOW) for k, a in ((-0.25, 1.0), (2.0, 0.5))])
def test_a_constant_less_its_reciprocal_made_by_the_derivative_is_computed_without_cancelling(k, a0):
    """``d/dy k (y - a0 log(a0 + y))`` is ``k - k a0/(a0 + y)``: computed as it stands, 0 within ~1e-16 of y = 0 (the
    new user's game with ``(y - log(1 + y))/2``: F had absolute accuracy 1e-16 and runs stopped at 2.7e-17).  F holds
    ``k y/(a0 + y)``: its value keeps its relative accuracy (against the exact value at y = 1e-17, 1e-13) and a run
    converges far below 1e-16 at the linearisation's rate (numpy's spectral radius of I - h DF(0))."""
    g = 1 - a0 / (a0 + y)  # (its integral y - a0 log(a0 + y); slope 1/a0 at 0)
    fld = VectorField(_game(1.0, k, g))
    p = np.zeros(0)
    for yy in (1e-17, 1e-13, 1e-6):
        exact = k * yy / (a0 + yy)
        assert fld.eval_F(np.array([0.0, yy]), p)[1] == pytest.approx(exact, rel=1e-14)
    rho = _gd_rate(1.0, k, 1.0 / a0, 0.3)
    t = gd.simulate(fld, "gd", (0.3, 0.2), 800, 0.3)
    assert t.verdict == "converging" and float(t.distance[-1]) < 1e-20
    assert abs(t.rate / rho - 1) < 1e-3, (t.rate, rho)


@pytest.mark.parametrize("a0, s", [(1.0, 2.0), (4.0, 1.0)] + [pytest.param(a, b, marks=_SLOW) for a, b in ((0.25, 0.5), (9.0, 3.0))])
def test_a_square_root_less_its_value_at_zero_is_computed_without_cancelling(a0, s):
    """``sqrt(a0 + s y) - sqrt(a0)`` was computed as it stands: 0 for tiny y, and gd's runs fell at the rate of that
    computed map (0.5 for the linearisation's 0.707 with sqrt(1 + 2y) - 1), a misreading no floor can catch.  F holds
    ``s y/(sqrt(a0 + s y) + sqrt(a0))``: exact to rounding near 0 (against the exact value), and the run's rate is
    the spectral radius of I - h DF(0) (numpy)."""
    g = (sp.sqrt(a0 + s * y) - sp.sqrt(a0)) * 2 * sp.sqrt(a0) / s  # (slope 1 at 0)
    fld = VectorField(_game(1.0, 1.0, g))
    for yy in (1e-17, 1e-12, 1e-5):
        exact = float(sp.N((sp.sqrt(sp.Float(a0, 50) + s * sp.Float(yy, 50)) - sp.sqrt(sp.Float(a0, 50)))
                           * 2 * sp.sqrt(a0) / s, 30))
        assert fld.eval_F(np.array([0.0, yy]), np.zeros(0))[1] == pytest.approx(exact, rel=1e-13)
    rho = _gd_rate(1.0, 1.0, 1.0, 0.5)
    t = gd.simulate(fld, "gd", (0.3, 0.2), 300, 0.5)
    assert t.verdict == "converging" and float(t.distance[-1]) < 1e-25
    assert abs(t.rate / rho - 1) < 1e-3, (t.rate, rho)


@pytest.mark.parametrize("seed", [1] + [pytest.param(s, marks=pytest.mark.slow) for s in (0, *range(2, 8))])
def test_a_run_passing_a_saddle_near_zstar_is_not_read_converging(seed):
    """A generator of saddle passages (an adversarial review): gd on F = (a x, -b y) from (1, eps), eps so small that
    the distance falls at 1 - h a to a minimum 1e-20 to 1e-140 from z* = 0 and then rises at 1 + h b (the exact
    iteration, in NumPy).  F is computed there to every digit, not to its rounding: a run whose distance rose over
    the last part of it is not "converging" (it read so, the rise hidden under a floor raised to the end's distance),
    in simulate and in a sweep of the same runs alike."""
    rng = np.random.default_rng(seed)
    x_, y_ = sp.symbols("x y")
    a, b = float(rng.uniform(0.5, 2.0)), float(rng.uniform(0.1, 1.0))
    h = float(rng.uniform(0.02, 0.2))
    T = 1000
    g = gd.Game(theta=[x_], psi=[y_], loss_g=a * x_ ** 2 / 2, loss_d=-b * y_ ** 2 / 2, equilibrium=(0, 0))
    fld = VectorField(g)
    k = np.arange(T + 1)
    # the turn at a random share of the run (0.6 to 0.95 of T): eps from the step where the two components meet
    turn = float(rng.uniform(0.6, 0.95)) * T
    eps = float(np.exp(turn * (np.log(1 - h * a) - np.log(1 + h * b))))
    exact = np.hypot((1 - h * a) ** k, eps * (1 + h * b) ** k)
    assert exact[-1] > 3 * exact.min() and exact.min() > 0  # (it rose over its end: the kind)
    t = gd.simulate(fld, "gd", [1.0, eps], T, h)
    assert np.allclose(t.distance, exact, rtol=1e-9, atol=0)
    assert t.verdict != "converging", (a, b, h, turn, t.verdict)
    r = gd.sweep(fld, "gd", inits=[(1.0, eps)], steps=T, step=h, progress=False)
    assert r["verdict"][0] != "converging"


# --- orbits under the rounding floor (runs.ratefit.moving_below_floor) ---------------------------------------------

s_, b_, k_ = sp.symbols("s beta K", real=True)


def _hopf_about(s: float, beta: float, K: float) -> gd.Game:
    """The Hopf normal form about z* = (s, 0): the flow v = -F = (b u - y - K u r^2, u + b y - K y r^2), u = x - s, r^2 =
    u^2 + y^2; for b > 0 its z* repels and a limit cycle of radius sqrt(b / K) surrounds it (docs/math/bifurcations.md),
    for b < 0 z* attracts.  DF(z*) = -[[b, -1], [1, b]], so gd's iteration matrix I - h DF has eigenvalues
    1 + h b +- i h."""
    u = x - s_
    lg = -(b_ * u ** 2 / 2 - y * u - k_ * (u ** 4 / 4 + u ** 2 * y ** 2 / 2))
    ld = -(b_ * y ** 2 / 2 + u * y - k_ * (y ** 4 / 4 + u ** 2 * y ** 2 / 2))
    return gd.Game(theta=[x], psi=[y], loss_g=lg, loss_d=ld, hyper={s_: s, b_: beta, k_: K}, equilibrium=(s, 0),
                   name="hopf-about")


# (|z*|, cycle radius): every cycle lies under the floor 1e-12 |z*| and well above the state's rounding (64 ulps)
ORBITS_UNDER_THE_FLOOR = [(1e5, 1e-8), (1e5, 3e-9), (5e5, 5e-8), (3e4, 1e-8)]


@pytest.mark.parametrize("s,radius", ORBITS_UNDER_THE_FLOOR)
def test_an_orbit_under_the_rounding_floor_about_an_unstable_zstar_is_not_read_converging(s, radius):
    """An adversarial review: a limit cycle of radius 1e-8 about z* = (1e5, 0), under the rounding floor 1e-12 |z*| =
    1e-7, read "converging" (simulate and sweep) from a start on it, though z* repels gd at 1.006 per step.  Members of
    the kind: cycles of several radii about several z*, each below its floor.  Every run is read "bounded, not
    converging", its distances over the last half on gd's invariant circle, of the closed-form radius r with
    |1 + h (b - K r^2) + i h| = 1 (in w = u + i y the map is w (1 + h (b - K |w|^2) + i h)), within 2 % (the states
    are doubles of size |z*|: the circle is drawn to their last place), and simulate says it cannot converge to z*, at the local rate |1 + h b + i h| computed here."""
    beta, h = 0.1, 0.05
    K = beta / radius ** 2
    fld = VectorField(_hopf_about(s, beta, K))
    start = [s + 2 * radius, 0.0]
    tr = gd.simulate(fld, "gd", start, 3000, h)
    assert tr.verdict == "bounded, not converging", (s, radius, tr.describe())
    lo, hi = tr.reading["tail_min"], tr.reading["tail_max"]
    r_gd = np.sqrt((beta + (1 - np.sqrt(1 - h ** 2)) / h) / K)  # (1.118 times the flow's sqrt(b / K) at h = 0.05)
    assert r_gd * 0.98 < lo <= hi < r_gd * 1.02, (lo, hi, r_gd)
    rho = abs(complex(1 + h * beta, h))
    assert tr.reading["zstar_local_rate"] == pytest.approx(rho, rel=1e-9)
    assert tr.reading["zstar_stable_manifold"] is False  # (both eigenvalues outside: no run converges to z*)
    text = tr.describe()
    assert "it cannot converge to z*" in text and "stands still" not in text, text
    r = gd.sweep(fld, ["gd", "eg"], inits=np.array([start, [s + radius / 2, 0.0]]), steps=3000, step=h)
    assert list(r["verdict"]) == ["bounded, not converging"] * 4, r["verdict"]


@pytest.mark.parametrize("s,radius", ORBITS_UNDER_THE_FLOOR)
def test_a_run_under_the_rounding_floor_about_a_stable_zstar_still_converges(s, radius):
    """The counterpart: the same fields with b < 0 (z* attracts: gd's local rate |1 - h |b| + i h| < 1 for h = 0.05) and
    no cycle; a start under the floor converges, and stays read "converging" by simulate and sweep alike."""
    fld = VectorField(_hopf_about(s, -0.1, 0.1 / radius ** 2))
    start = [s + radius, 0.0]
    assert gd.simulate(fld, "gd", start, 3000, 0.05).verdict == "converging"
    r = gd.sweep(fld, ["gd", "eg"], inits=np.array([start]), steps=3000, step=0.05)
    assert list(r["verdict"]) == ["converging"] * 2, r["verdict"]


@pytest.mark.parametrize("e,h", [(1e-3, 0.1), (1e-4, 0.5), (2e-3, 0.05)])
def test_a_run_on_the_stable_manifold_of_an_unstable_zstar_is_not_said_unable_to_converge(e, h):
    """A review: the saddle F = (e x, -y) from (1, 0) stays on z*'s stable manifold (y = 0 exactly) and converges at
    1 - h e per step, yet read "it cannot converge to z*" because z* is unstable for gd (rate 1 + h).  A run falling
    towards a z* with a stable manifold now says that it converges only along that manifold, and that a longer run
    shows; the local rate is 1 + h, computed here.  Off the manifold the same field repels every start."""
    fld = VectorField(gd.Game(theta=[x], psi=[y], loss_g=e * x ** 2 / 2, loss_d=-y ** 2 / 2, equilibrium=(0, 0)))
    tr = gd.simulate(fld, "gd", [1.0, 0.0], 2000, h)
    assert np.all(tr.states[:, 1] == 0.0) and tr.final[0] == pytest.approx((1 - h * e) ** 2000, rel=1e-9)
    text = tr.describe()
    if tr.verdict == "bounded, not converging":  # (a slow fall: 0.82 over 2000 steps at e = 1e-3, h = 0.1)
        assert tr.reading["zstar_local_rate"] == pytest.approx(1 + h, rel=1e-12)
        assert tr.reading["zstar_stable_manifold"] is True
        assert "cannot converge" not in text and "only along its stable manifold" in text, text
        assert "a longer run shows whether it converges" in text, text
    else:
        assert tr.verdict == "converging", text
    assert gd.simulate(fld, "gd", [1.0, 1e-3], 2000, h).diverged


@pytest.mark.parametrize("h,K", [(0.1, 300), (0.05, 500), (0.2, 150)])
def test_a_converging_run_to_an_unstable_zstar_says_it_converges_only_along_its_stable_manifold(h, K):
    """A review: the saddle F = (x, -y) from (1, 1e-30) reads "converging" at K steps (x falls as (1 - h)^k, y rises
    from 1e-30 as (1 + h)^k, computed here, still below x at the end) with no word that z* repels gd (local rate 1 +
    h); a longer run diverges.  The description now says so, with the rate."""
    fld = VectorField(gd.Game(theta=[x], psi=[y], loss_g=x ** 2 / 2, loss_d=-y ** 2 / 2, equilibrium=(0, 0)))
    assert (1 + h) ** K * 1e-30 < (1 - h) ** K  # (y still below x at the end: the distance fell all along)
    tr = gd.simulate(fld, "gd", [1.0, 1e-30], K, h)
    assert tr.verdict == "converging" and tr.reading["zstar_local_rate"] == pytest.approx(1 + h, rel=1e-12)
    text = tr.describe()
    assert f"z* is unstable for this method at this step (local rate there {1 + h:.4g} > 1)" in text, text
    assert "only along its stable manifold" in text, text
    assert gd.simulate(fld, "gd", [1.0, 1e-30], 20 * K, h).diverged


def test_the_sweep_tests_each_linearisation_once_and_counts_those_the_cap_leaves(monkeypatch):
    """A review: the re-reading under the floor tested z* row by row under the cap of MAX_ROUNDING_TESTS, so that the
    rows beyond it, identical runs, read "converging" without a word.  Each distinct linearisation (method, step, beta,
    hyperparameters, z*) is tested once and every row of an unstable one re-read; with more distinct ones than the
    cap (here 2: three z* offsets), the rows of the others are counted in the table's meta."""
    import importlib
    runs_sweep = importlib.import_module("gandynamics.runs.sweep")  # (the module: gandynamics.runs.sweep is the function)
    monkeypatch.setattr(runs_sweep, "MAX_ROUNDING_TESTS", 2)
    s, radius, beta = 1e5, 1e-8, 0.1
    fld = VectorField(_hopf_about(s, beta, beta / radius ** 2))
    starts = np.array([[s + radius * (1.5 + k / 10), 0.0] for k in range(8)])
    r = gd.sweep(fld, "gd", inits=starts, steps=2000, step=0.05, product=False)
    assert list(r["verdict"]) == ["bounded, not converging"] * 8 and "below_floor_untested" not in r.meta
    shifted = np.array([[s + k + 1.6 * radius, 0.0] for k in range(3)])
    r = gd.sweep(fld, "gd", inits=shifted, grid={"s": [s, s + 1.0, s + 2.0]}, steps=2000, step=0.05,
                 product=False)  # (three z*, one per row: one more linearisation than the cap)
    assert list(r["verdict"]).count("bounded, not converging") == 2 and r.meta["below_floor_untested"] == 1


@pytest.mark.parametrize("start", [(4.0, 1.0, 0.0), (0.2, 0.0, 1.0), (3.0, -2.0, 0.5)])
def test_a_run_falling_onto_an_orbit_about_a_saddle_focus_still_cannot_converge(start):
    """A review of the stable-manifold hedge: the Hopf normal form (b = 0.1, K = 0.1: a cycle of radius 1 about an
    unstable focus) beside a contracting coordinate w (F_w = w) has a stable manifold, the w axis, yet a run that falls
    (or rises) onto the cycle, its distance levelling off at the cycle's, cannot converge to z*; the hedge ("only along
    its stable manifold") is for runs still falling steadily.  gd's cycle radius is the closed form of the plane game
    (the w part decays), computed here."""
    w = sp.symbols("w", real=True)
    b, K, h = 0.1, 0.1, 0.05
    lg = -(b * x ** 2 / 2 - y * x - K * (x ** 4 / 4 + x ** 2 * y ** 2 / 2)) + w ** 2 / 2
    ld = -(b * y ** 2 / 2 + x * y - K * (y ** 4 / 4 + x ** 2 * y ** 2 / 2))
    fld = VectorField(gd.Game(theta=[x, w], psi=[y], loss_g=lg, loss_d=ld, equilibrium=(0, 0, 0)))
    tr = gd.simulate(fld, "gd", list(start), 3000, h)
    r_gd = np.sqrt((b + (1 - np.sqrt(1 - h ** 2)) / h) / K)
    assert tr.verdict == "bounded, not converging" and abs(tr.reading["tail_max"] - r_gd) < 0.02 * r_gd
    assert tr.reading["zstar_stable_manifold"] is True
    text = tr.describe()
    assert "it cannot converge to z*" in text and "only along its stable manifold" not in text, text


@pytest.mark.parametrize("start", [(1.0, 1.0), (5.0, -3.0), (0.5, 2.0)])
def test_a_run_in_a_box_makes_no_claim_from_the_linearisation_the_box_changes(start):
    """A review: F = (3x + y/10, y/2 - x/10), gd at h = 1, has |1 - h 3| ~ 2 > 1 (z* unstable without a box: the run
    diverges), but in the box x in [0, 10] the projection clamps the overshoot onto z* and the run converges; its
    description said it "converges only along its stable manifold ... leaves it again".  A run with a box carries no
    claim of the unconstrained linearisation."""
    fld = VectorField(gd.Game([x], [y], 3 * x ** 2 / 2 + x * y / 10, y ** 2 / 4 - x * y / 10, equilibrium=(0, 0)))
    A = np.array([[3.0, 0.1], [-0.1, 0.5]])
    assert np.max(np.abs(np.linalg.eigvals(np.eye(2) - A))) > 1.9
    assert gd.simulate(fld, "gd", list(start), 300, 1.0).diverged
    tr = gd.simulate(fld, "gd", list(start), 300, 1.0, box=[[0, 10], [-10, 10]])
    assert tr.verdict == "converging" and "zstar_local_rate" not in tr.reading
    assert "unstable" not in tr.describe()


@pytest.mark.parametrize("bound", [100.0, 50.0, 10.0])
def test_a_box_that_never_binds_keeps_the_claim_of_the_linearisation(bound):
    """A review of the box rule: a loose box (portrait's --clip passes one) about a z* strictly inside it, which no
    state of the run reaches, leaves the linearisation as it is: gd at h = 1.5 on the R1 Dirac-GAN (gamma = 0.3,
    local rate |1 - h lambda| = 1.0548 with A = [[0, 1/2], [-1/2, 0.3]], computed here) still cannot converge."""
    from gandynamics import R1, games
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    rho = float(np.max(np.abs(np.linalg.eigvals(np.eye(2) - 1.5 * np.array([[0.0, 0.5], [-0.5, 0.3]])))))
    tr = gd.simulate(fld, "gd", [1.0, 1.0], 3000, 1.5, box={"psi": (-bound, bound)})
    assert tr.reading["zstar_local_rate"] == pytest.approx(rho, rel=1e-12)
    assert "it cannot converge to z*" in tr.describe()


@pytest.mark.parametrize("h", [0.05, 0.1, 0.2])
def test_a_run_at_another_zero_is_not_said_to_approach_an_orbit_about_z_star(h):
    """A new user: a run that converged to another zero of F (F = (x^3 - x, y) from (0.5, 0.5): x -> 1, y -> 0; z* =
    0 repels gd at 1 + h) read "it cannot converge to z* ... (it may approach an orbit around z*)"; the parenthesis
    is left out where the run stands at a zero of F."""
    fld = VectorField(gd.Game([x], [y], x ** 4 / 4 - x ** 2 / 2, y ** 2 / 2, equilibrium=(0, 0)))
    tr = gd.simulate(fld, "gd", [0.5, 0.5], 2000, h)
    assert tr.reading["final_zero"] and tr.final[0] == pytest.approx(1.0, abs=1e-12)
    assert tr.reading["zstar_local_rate"] == pytest.approx(1 + h, rel=1e-12)
    text = tr.describe()
    assert "it cannot converge to z*" in text and "orbit" not in text, text
