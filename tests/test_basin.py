"""Certified convergence regions (gandynamics.analysis.basin, `gandynamics basin`; docs/math/basin-and-pep.md §1).

Independent references: closed forms of the strongly monotone radius (linear games: infinite, mu and L of
the matrix; Dirac-GAN with the asymmetric scheme (R-a): ``mu(r) = min(eps - r^2/4, gamma)``, radius
``2 sqrt(eps)`` (docs/mathematics.md §4.4); LQ-WGAN (R-a, anchor at z*): ``sym DF = diag((eps - 2 w2) I_2,
gamma G)``, radius ``eps/2``), lambda_min(sym DF) sampled with NumPy at points of the ball and just outside
it, and simulated trajectories (gandynamics.simulate) from starts in the certified ball.
"""

import dataclasses
import importlib
import json
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from gandynamics import Asymmetric, GandynamicsError, Game, R1, Tikhonov, VectorField, games
from gandynamics.analysis.basin import basin, certified_rate, monotone_radius, step_range
from gandynamics.analysis.constants import Region, certify_constants
from gandynamics.cli import main
from gandynamics.simulate import simulate


def _lmin(fld, z, p=None):
    D = fld.eval_DF(np.asarray(z, float), fld._p(p))
    return float(np.linalg.eigvalsh((D + D.T) / 2)[0])


def _sphere(center, r, n, rng):
    u = rng.standard_normal((n, center.size))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return center + r * u


# ----------------------------------------------------------------------------- linear games: closed forms
@pytest.mark.parametrize("make, mu, A", [
    (lambda: VectorField(games.quadratic(a=0.3, b=1.0, c=0.5)), 0.3, np.array([[0.3, 1.0], [-1.0, 0.5]])),
    (lambda: VectorField(games.quadratic_sga()), 1.0, np.array([[1.0, 10.0], [-10.0, 1.0]])),
    (lambda: VectorField(games.bilinear(), [Tikhonov(eps=0.2), Tikhonov(eps=0.4, on="discriminator")]), 0.2,
     np.array([[0.2, 1.0], [-1.0, 0.4]])),
])
@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_linear_games_closed_form(make, mu, A, method):
    fld = make()
    rep = basin(fld, method)
    assert rep.linear and rep.radius == math.inf and rep.region_radius == math.inf and rep.certified
    assert rep.mu == pytest.approx(mu, rel=1e-9, abs=1e-12)
    assert rep.L == pytest.approx(np.linalg.norm(A, 2), rel=1e-9, abs=1e-12)
    L = np.linalg.norm(A, 2)
    h = {"gd": mu / L**2, "eg": 1 / (4 * L), "eftp": 1 / (4 * L)}[method]
    assert rep.step == pytest.approx(h, rel=1e-8, abs=0)
    expected = {"gd": math.sqrt(1 - mu**2 / L**2), "eg": math.sqrt(1 - h * mu),
                "eftp": 1 / math.sqrt(1 + min(1.0, (1 - 3 * h * L) / (2 * h * mu * (1 + h * L))) * h * mu)}[method]
    assert rep.rate == pytest.approx(expected, rel=1e-8, abs=0)


def test_gd_rate_is_attained_where_tight():
    """GD on A = mu I + b J (normal, |lambda| = L): one step contracts every start by exactly
    sqrt(1 - 2 h mu + h^2 L^2), the certified rate (docs/mathematics.md §5.1: tight)."""
    mu, b = 0.4, 1.3
    fld = VectorField(games.quadratic(a=mu, b=b, c=mu))
    rep = basin(fld, "gd")
    tr = simulate(fld, "gd", [0.6, -0.8], 200, rep.step, equilibrium=[0, 0])
    ratios = tr.distance[1:] / tr.distance[:-1]
    assert np.allclose(ratios, rep.rate, rtol=1e-9, atol=0)
    assert rep.rate == pytest.approx(math.sqrt(1 - mu**2 / (mu**2 + b**2)), rel=1e-9, abs=0)


@pytest.mark.parametrize("seed", range(5))
def test_eftp_potential_decreases_on_random_operators_of_the_class(seed):
    """The potential of docs/math/basin-and-pep.md §1.4, Phi_k = |z_k|^2 + 2hL|z_k - w_{k-1}|^2, decreases by
    1/(1 + t h mu) every step, for random linear operators with mu = lambda_min(sym A), L = ||A|| (plain NumPy)."""
    rng = np.random.default_rng(seed)
    n = 4
    S = rng.standard_normal((n, n))
    P = rng.standard_normal((n, n))
    A = 0.2 * np.eye(n) + 0.3 * P @ P.T / np.linalg.norm(P, 2) ** 2 + (S - S.T)
    mu, L = float(np.linalg.eigvalsh((A + A.T) / 2)[0]), float(np.linalg.norm(A, 2))
    for h in (1 / (4 * L), 1 / (8 * L)):
        rate = certified_rate("eftp", h, mu, L)
        z = rng.standard_normal(n)
        w_prev = z.copy()
        phi = z @ z
        for _ in range(200):
            w = z - h * A @ w_prev
            z_next = z - h * A @ w
            phi_next = z_next @ z_next + 2 * h * L * (z_next - w) @ (z_next - w)
            assert phi_next <= rate**2 * phi * (1 + 1e-12) + 1e-300
            z, w_prev, phi = z_next, w, phi_next


# ----------------------------------------------------------------------------- Dirac-GAN, asymmetric (R-a)
@pytest.fixture(scope="module")
def dirac_asym():
    eps = 0.3
    fld = VectorField(games.dirac(), [Asymmetric(eps=eps, gamma=1.0, reading="generator-tikhonov")])
    return fld, eps, monotone_radius(fld, max_seconds=120.0)


@pytest.mark.slow  # 4.8 s with warm caches on the 2-core CI machine
def test_dirac_radius_matches_closed_form(dirac_asym):
    fld, eps, (R, R_fail, rep, zstar, _) = dirac_asym
    true = 2 * math.sqrt(eps)                    # mu(r) = min(eps - r^2/4, gamma) > 0 iff r < 2 sqrt(eps)
    assert R <= true                             # a certificate is never wrong
    assert R == pytest.approx(true, rel=2e-3, abs=0)
    assert R_fail - R <= 1e-3 * R * (1 + 1e-12)  # bisection to relative 1e-3
    # the certified mu is below the exact mu on B_R and the certified L above a sampled ||DF||
    assert rep.mu.lo <= eps - R**2 / 4 + 1e-12
    rng = np.random.default_rng(0)
    pts = _sphere(zstar, R, 400, rng)
    assert max(np.linalg.norm(fld.eval_DF(z), 2) for z in pts) <= rep.lipschitz.hi * (1 + 1e-12)
    # independent check by sampling: just outside the certified ball some point has mu <= 0
    out = _sphere(zstar, R * (1 + 1e-2), 2000, rng)
    assert min(_lmin(fld, z) for z in out) <= 0.0
    inside = zstar + (rng.random((500, 1)) ** 0.5) * (_sphere(zstar, R, 500, rng) - zstar)
    assert min(_lmin(fld, z) for z in inside) >= rep.mu.lo


def test_the_radius_found_carries_the_whole_certificate_there():
    """The radii tried are decided by the mu search alone, stopped once decided (constants.mu_certified_above); the
    report at the radius found is certify_constants' whole one there (same tolerances), the ball just beyond it
    (R_fail) is refused by that whole certificate, and R is the closed form 2 sqrt(eps - m) to the bisection's and
    the certificate's accuracy, never above it."""
    eps, m = 0.3, 0.1
    fld = VectorField(games.dirac(), [Asymmetric(eps=eps, gamma=1.0, reading="generator-tikhonov")])
    R, R_fail, rep, zstar, n = monotone_radius(fld, margin=m, rtol=1e-2, max_seconds=600.0)
    atol = 1e-4 * eps                                  # monotone_radius: 1e-4 |mu(z*)|, mu(z*) = min(eps, gamma)
    whole = lambda r: certify_constants(fld, Region.ball(zstar, r), tol=1e-2, atol=atol, max_seconds=600.0,
                                        asymmetric=False)
    at = whole(R)
    assert (rep.mu.lo, rep.mu.hi, rep.lipschitz.lo, rep.lipschitz.hi) == (at.mu.lo, at.mu.hi, at.lipschitz.lo,
                                                                          at.lipschitz.hi)
    assert at.mu.lo > m and not whole(R_fail).mu.lo > m
    true = 2 * math.sqrt(eps - m)                      # mu(r) = eps - r^2/4 > m (docs/mathematics.md §4.4)
    assert R <= true and R_fail - R <= 1e-2 * R * (1 + 1e-12) and R >= true * (1 - 1.2e-2)
    assert n >= 3


def _radius_by_whole_certificates(monkeypatch, fld, **kw):
    """monotone_radius with each radius decided by the whole certificate's mu bracket, as before the mu-only
    decision (constants.mu_certified_above): the reference of the tests below.  Returns (result, progress calls)."""
    B = importlib.import_module("gandynamics.analysis.basin")  # (the package exports the function basin)
    def whole(fld, reg, p, margin, detail=False, **k):
        mu = certify_constants(fld, reg, p, asymmetric=False, **k).mu
        return (mu.lo, "" if mu.lo > margin else "closed", mu.boxes, mu.seconds) if detail else mu.lo
    monkeypatch.setattr(B, "mu_certified_above", whole)
    calls = []
    out = monotone_radius(fld, progress=lambda a, b: calls.append((a, b)), **kw)
    monkeypatch.undo()
    return out, calls


def _same_radius(a, b):
    (R, Rf, rep, z, n), (R2, Rf2, rep2, z2, n2) = a, b
    assert (R, Rf, n) == (R2, Rf2, n2) and np.array_equal(z, z2)
    assert (rep.mu.lo, rep.mu.hi, rep.lipschitz.lo, rep.lipschitz.hi) == (rep2.mu.lo, rep2.mu.hi, rep2.lipschitz.lo,
                                                                          rep2.lipschitz.hi)
    assert type(a.jump) is type(b.jump)


@pytest.mark.parametrize("margin, rtol", [(0.1, 5e-2), pytest.param(0.0, 1e-2, marks=pytest.mark.slow)])  # 2 s, 5 s
@pytest.mark.slow  # (about 1 s a case: CI's default pass is kept under 3 minutes, session 45)
def test_the_radii_tried_are_decided_as_the_whole_certificate_decides_them(monkeypatch, margin, rtol):
    """The same radii tried in the same order with the same answers (the progress calls), the same R, R_fail,
    evaluations and report as a search that runs the whole certificate on every radius."""
    fld = VectorField(games.dirac(), [Asymmetric(eps=0.3, gamma=1.0, reading="generator-tikhonov")])
    kw = dict(margin=margin, rtol=rtol, max_seconds=600.0)
    ref, ref_calls = _radius_by_whole_certificates(monkeypatch, fld, **kw)
    calls = []
    got = monotone_radius(fld, progress=lambda a, b: calls.append((a, b)), **kw)
    assert calls == ref_calls and len(calls) == got[4]
    _same_radius(got, ref)


def test_a_report_cut_short_keeps_the_decisions_certified_bound(monkeypatch):
    """Should the whole certificate at R end with a lower mu_lo than the search that decided R (a time budget cut
    short under load), the report keeps the decision's bound, which is certified too: mu_lo > margin at R."""
    B = importlib.import_module("gandynamics.analysis.basin")  # (the package exports the function basin)
    real = B.certify_constants

    def cut_short(*a, **k):
        rep = real(*a, **k)
        rep.mu = dataclasses.replace(rep.mu, lo=rep.mu.lo - 1.0)
        return rep
    monkeypatch.setattr(B, "certify_constants", cut_short)
    fld = VectorField(games.dirac(), [Asymmetric(eps=0.3, gamma=1.0, reading="generator-tikhonov")])
    R, _, rep, _, _ = monotone_radius(fld, margin=0.1, rtol=1e-2, max_seconds=600.0)
    assert rep.mu.lo > 0.1 and rep.mu.lo <= 0.3 - R**2 / 4 + 1e-12   # mu(B_R) = eps - R^2/4 (§4.4)


@pytest.mark.slow  # 1.9 s with warm caches on the 2-core CI machine
def test_dirac_moved_equilibrium_radius_against_sampling():
    """No closed form (the Tikhonov anchor 0.5 moves the equilibrium): lambda_min(sym DF) sampled on the
    ball is >= the certified mu > 0, and at R (1 + 1e-2) some sampled point has lambda_min <= 0."""
    fld = VectorField(games.dirac(), [Asymmetric(eps=0.3, gamma=0.5, anchor=0.5, reading="generator-tikhonov")])
    R, R_fail, rep, zstar, _ = monotone_radius(fld, rtol=1e-2, max_seconds=120.0)
    assert np.linalg.norm(zstar) > 0.1 and 0 < R < math.inf
    rng = np.random.default_rng(1)
    inside = zstar + (rng.random((800, 1)) ** 0.5) * (_sphere(zstar, R, 800, rng) - zstar)
    assert min(_lmin(fld, z) for z in inside) >= rep.mu.lo > 0
    out = _sphere(zstar, R * (1 + 1e-2), 4000, rng)
    assert min(_lmin(fld, z) for z in out) <= 0.0


@pytest.mark.slow  # 1.2 s with warm caches on the 2-core CI machine
def test_radius_is_capped_when_every_ball_tried_is_certified():
    """Non-saturating Dirac-GAN (R-a): lambda_min(sym DF) tends to ~0.0397 > 0 far out (sampled to r = 20),
    so no boundary exists within r_max = 2: R = r_max, reported as capped."""
    fld = VectorField(games.dirac(loss="non-saturating"), [Asymmetric(eps=0.3, gamma=1.0, reading="generator-tikhonov")])
    rep = basin(fld, "gd", r_max=2.0)
    assert rep.region_radius == 2.0 and rep.failed_radius is None and "capped" in rep.note and rep.certified
    rng = np.random.default_rng(3)
    assert min(_lmin(fld, z) for z in _sphere(rep.equilibrium, 2.0, 500, rng)) >= rep.mu


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
@pytest.mark.slow  # 6.3 s with warm caches on the 2-core CI machine
def test_trajectories_from_the_ball_obey_the_certified_rate(dirac_asym, method):
    """Every iterate of every start in B_r obeys |z_k - z*| <= rate^k |z_0 - z*| and stays in B_r;
    with margin 0.1 the rate is far from 1, so the check has teeth."""
    fld, eps, _ = dirac_asym
    rep = basin(fld, method, margin=0.1, rtol=1e-2, max_seconds=120.0)
    assert rep.certified and rep.mu > 0.1 and rep.rate < 1
    assert rep.radius == pytest.approx({"gd": 1, "eg": 1 / (1 + rep.step * rep.L),
                                        "eftp": 1 - rep.step * rep.L}[method] * rep.region_radius, rel=1e-12, abs=0)
    rng = np.random.default_rng(2)
    K = 400
    worst = 0.0
    for z0 in _sphere(rep.equilibrium, 0.999 * rep.radius, 24, rng):
        tr = simulate(fld, method, z0, K, rep.step, equilibrium=rep.equilibrium)
        d = tr.distance
        bound = d[0] * rep.rate ** tr.times
        assert np.all(d <= bound * (1 + 1e-9) + 1e-15)
        assert np.all(d <= rep.radius * (1 + 1e-12))
        assert tr.rate <= rep.rate
        worst = max(worst, tr.rate)
    # the measured rate is a real decay (not a stalled orbit), and within the certified one
    assert 0 < worst < rep.rate


@pytest.mark.slow  # its fixture (4.3 s with cold caches) is otherwise only the slow tests'
def test_trajectory_from_outside_the_strongly_monotone_ball_is_not_covered(dirac_asym):
    fld, eps, (R, *_rest) = dirac_asym
    # at (0, 1.5 R): lambda_min(sym DF) = eps - (1.5 R)^2/4 < 0, outside every certified ball
    assert _lmin(fld, [0.0, 1.5 * R]) < 0


def test_not_strongly_monotone_at_the_equilibrium_gives_no_ball():
    fld = VectorField(games.dirac(), [R1(gamma=1.0)])       # sym DF(0) = diag(0, gamma): mu(z*) = 0
    rep = basin(fld, "eftp")
    assert rep.radius == 0 and not rep.certified and rep.rate is None
    assert "not strongly monotone at the equilibrium" in rep.note


@pytest.mark.slow  # (1.9-2.3 s in a cold run; the Dirac-GAN's closed form stays in the default pass)
def test_lq_wgan_radius_closed_form():
    eps, gamma = 0.5, 1.0
    fld = VectorField(games.lq_wgan(), [Asymmetric(eps=eps, gamma=gamma, anchor="1,0", reading="generator-tikhonov")])
    # sym DF = diag((eps - 2 w2) I_2, gamma G), G = diag(1, 4) at m = 0, s = 1: mu(r) = min(eps - 2 r, gamma)
    z = np.array([1.0, 0.0, 0.0, 0.3])
    D = fld.eval_DF(z)
    assert np.allclose((D + D.T) / 2, np.diag([eps - 0.6, eps - 0.6, gamma, 4 * gamma]), rtol=0, atol=1e-12)
    # a box budget and no effective time limit: the same answer under any machine load.  The certified radius
    # is within ~3% of the true one here (first-order enclosures on 4 parameters)
    R, R_fail, rep, zstar, _ = monotone_radius(fld, rtol=1e-2, max_seconds=600.0, max_boxes=500)
    assert R <= eps / 2
    assert R == pytest.approx(eps / 2, rel=5e-2, abs=0)


# ----------------------------------------------------------------------------- steps, errors, CLI
def test_step_range_and_rate_helpers():
    assert step_range("gd", 0.5, 2.0) == (0.0, 0.25, False)
    lo, hi, closed = step_range("eg", 0.5, 2.0)
    assert closed and 1 - hi**2 * 4 - 2 * hi * 0.5 == pytest.approx(0.0, abs=1e-12)
    assert step_range("eftp", 0.5, 2.0) == (0.0, 0.125, True)
    assert step_range("gd", 0.0, 1.0) == (0.0, 0.0, False)
    assert certified_rate("eftp", 0.3, 0.1, 1.0) is None       # h > 1/(4L)
    assert certified_rate("eftp", 0.2, 0.1, 1.0) == pytest.approx(1 / math.sqrt(1.02), rel=1e-12, abs=0)
    with pytest.raises(GandynamicsError, match="accepted: gd, eg, eftp"):
        step_range("ogda", 0.1, 1.0)


def test_step_outside_the_theorem_is_refused():
    with pytest.raises(GandynamicsError, match=r"outside the range of the gd theorem.*0 < h < 1"):
        basin(VectorField(games.quadratic()), "gd", step=1.5)


def test_cli_json_and_text(capsys):
    assert main(["basin", "quadratic", "--method", "eg", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"radius", "mu", "L", "step", "rate", "certified"} <= set(out)
    assert out["radius"] == "inf" and out["certified"] is True
    assert out["mu"] == pytest.approx(1.0, rel=1e-9, abs=1e-12)
    assert main(["basin", "quadratic", "--method", "gd"]) == 0
    text = capsys.readouterr().out
    assert "certified rate per step" in text and "why the ball is invariant" in text
    assert "for |z_0 - z*| <= r" in text and "certified:                       yes" in text


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_cli_text_claims_no_invariant_ball_when_none_is_certified(capsys, method):
    """With R = 0 (the unregularized Dirac-GAN: mu = 0 at z*) the text says "certified: no" and why (the note),
    and neither the rate's claim on a ball nor the argument that the ball is invariant."""
    assert main(["basin", "dirac", "--method", method]) == 0
    text = capsys.readouterr().out
    assert "certified:                       no" in text and "note: lambda_min" in text
    assert "why the ball is invariant" not in text and "for |z_0 - z*| <= r" not in text
    # nor a column of empty certificates ("certified on B_R: mu >= 0   L <= -" read like one)
    assert "certified on B_R" not in text and "step:" not in text and "certified rate" not in text


@pytest.mark.parametrize("argv, msg", [
    (["basin", "quadratic", "--step", "5", "--method", "gd"], "outside the range"),
    (["basin", "quadratic", "--margin", "-1"], "--margin must be >= 0"),
    (["basin", "quadratic", "--rtol", "0"], "--rtol must be > 0"),
])
def test_cli_errors_one_line(capsys, argv, msg):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("gandynamics: error:") and msg in err and err.count("\n") == 1


@pytest.mark.parametrize("name", ["gaussian-mean", "nk-scale"])
@pytest.mark.slow  # 4.0 s with warm caches on the 2-core CI machine
def test_other_games_with_tikhonov_on_both_players_are_sound(name):
    """Tikhonov on both players makes these games strongly monotone at z*; the certified (mu, L) on B_R
    bracket lambda_min(sym DF) and ||DF|| sampled in the ball (NumPy), and EG from the ball obeys the rate."""
    fld = VectorField(games.make_game(name), [Tikhonov(eps=0.3), Tikhonov(eps=0.3, on="discriminator")])
    rep = basin(fld, "eg", rtol=1e-2, max_seconds=3.0)
    assert rep.certified and rep.region_radius > 0 and rep.mu > 0
    rng = np.random.default_rng(4)
    R = min(rep.region_radius, 10.0)
    pts = rep.equilibrium + (rng.random((600, 1)) ** (1 / rep.equilibrium.size)) * (
        _sphere(rep.equilibrium, R, 600, rng) - rep.equilibrium)
    assert min(_lmin(fld, z) for z in pts) >= rep.mu
    assert max(np.linalg.norm(fld.eval_DF(z), 2) for z in pts) <= rep.L * (1 + 1e-12)
    r = min(rep.radius, 10.0)
    for z0 in _sphere(rep.equilibrium, 0.99 * r, 4, rng):
        tr = simulate(fld, "eg", z0, 200, rep.step, equilibrium=rep.equilibrium)
        assert np.all(tr.distance <= tr.distance[0] * rep.rate ** tr.times * (1 + 1e-9) + 1e-15)


@pytest.mark.parametrize("radius", [-1, 0.5, (1.0, None), "ball:1"])
def test_basin_radius_must_be_monotone_radius_result(radius):
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    with pytest.raises(GandynamicsError, match=r"^radius must be the tuple monotone_radius\(fld, \.\.\.\) returned"):
        basin(fld, radius=radius)


# ----------------------------------------------------------------------------- the end of a closed step range
@settings(max_examples=400, deadline=None)
@given(L=st.floats(1e-6, 1e6), ratio=st.floats(1e-9, 1.0), method=st.sampled_from(["gd", "eg", "eftp"]))
def test_every_step_of_the_range_has_a_certified_rate(L, ratio, method):
    """The range's end h_max is a step (closed ranges) or the limit (open: gd) of steps the argument takes:
    certified_rate is defined there (or just below it), and it is the theorem's closed form (computed here).
    The rounded root (sqrt(mu^2 + L^2) - mu)/L^2 failed eg's condition 1 - h^2 L^2 - 2 h mu >= 0 for 41 % of random
    (mu, L): basin(step=h_max) took the step and certified nothing."""
    mu = ratio * L
    _, h_max, closed = step_range(method, mu, L)
    assert h_max > 0 and closed == (method != "gd")
    h = h_max if closed else math.nextafter(h_max, 0.0) * (1 - 1e-12)
    rate = certified_rate(method, h, mu, L)
    assert rate is not None
    if method == "eg":   # the largest step of the theorem, to rounding: h_max (sqrt(mu^2 + L^2) + mu) = 1
        assert h_max * (math.sqrt(mu * mu + L * L) + mu) == pytest.approx(1.0, rel=1e-14, abs=0)
        assert rate == pytest.approx(math.sqrt(1 - h * mu), rel=1e-14, abs=0)
    assert certified_rate(method, h_max * (1 + 1e-9), mu, L) is None or method == "eftp"  # (eftp: 1e-12 slack only)
    assert certified_rate(method, -h, mu, L) is None and certified_rate(method, 0.0, mu, L) is None


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_basin_takes_the_end_of_the_step_range(method):
    fld = VectorField(games.quadratic(a=0.3, b=1.0, c=0.5))   # linear: mu = 0.3, L = ||A|| (eg: the rounded root failed)
    h_max = basin(fld, method).step_range[1]
    h = h_max if method != "gd" else h_max * (1 - 1e-9)
    rep = basin(fld, method, step=h)
    assert rep.certified and rep.step == h and 0 < rep.rate < 1


# ----------------------------------------------------------------------------- a jump of F at a known distance
def _jump_field(t, angle, k):
    """F = (x + y, y - x) + k Heaviside(u) (cos a, sin a) with u = cos(a) x + sin(a) y - t: strongly monotone
    (mu = 1) on each side of the line u = 0, which lies at distance t > 0 from z* = 0 and where F jumps by |k|."""
    x, y = sp.symbols("x y", real=True)
    c, s = sp.cos(angle), sp.sin(angle)
    P = k * sp.Max(c * x + s * y - t, 0)
    return VectorField(Game([x], [y], x * y + x**2 / 2 + c * P, -x * y + y**2 / 2 + s * P, equilibrium=(0, 0),
                            name="jump"))


@pytest.mark.parametrize("t, angle, k", [(sp.Rational(3, 10), 0, 1), (sp.Rational(7, 10), sp.pi / 2, -2),
                                         (sp.Rational(3, 2), sp.pi / 5, 1), (sp.Rational(1, 2), sp.Rational(7, 3), -2),
                                         (sp.Rational(1, 10**4), sp.Rational(-2, 3), 3)])
@pytest.mark.slow  # 11.7 s with warm caches on the 2-core CI machine
def test_the_radius_stops_at_a_jump_of_the_field(t, angle, k):
    """Each ball the search tries is the search's choice: a ball that meets the jump counts as 'not certified'
    and the bisection goes on below it (it raised 'choose a region that avoids it' before).  Checked against the
    distance t of the line: R < t (never across the jump), R_fail - R <= rtol R, R close to t (mu = 1 on
    each side: only the jump stops it); the user's own region across the jump is still refused."""
    fld = _jump_field(t, angle, k)
    d = float(t)
    rep = basin(fld, "gd", rtol=1e-3, max_seconds=30.0, max_boxes=2000)
    assert rep.certified and 0 < rep.region_radius < d
    assert rep.failed_radius - rep.region_radius <= 1e-3 * rep.region_radius
    assert rep.region_radius >= 0.99 * d
    assert rep.mu == pytest.approx(1.0, rel=1e-6, abs=0)
    # the note names the set where the ball of radius R_fail was refused for meeting it (the search may also stop
    # where boxes that may meet it exhaust the budget before one of 1e-9 of the region's size names it)
    assert rep.note == "" or ("meets a switching set where F may jump (Heaviside(" in rep.note and "R_fail" not in rep.note) \
        or ("undecided" in rep.note and "max_boxes" in rep.note)  # (the budget spent, said so)
    with pytest.raises(GandynamicsError, match="F may be discontinuous on the region"):   # the user's own region:
        certify_constants(fld, Region.ball([0, 0], 1.01 * d), max_boxes=2000)      # still refused, as before


def test_a_search_stopped_by_a_jump_is_the_whole_certificates_search(monkeypatch):
    """Near a jump of F the mu-only decision may refuse a ball before its boxes reach the jump; the radius, the
    refused radius and the jump that refused it (the note) are still those of the whole certificate's search."""
    fld = _jump_field(sp.Rational(7, 10), sp.pi / 2, -2)
    kw = dict(rtol=1e-3, max_seconds=30.0, max_boxes=2000)
    ref, ref_calls = _radius_by_whole_certificates(monkeypatch, fld, **kw)
    calls = []
    got = monotone_radius(fld, progress=lambda a, b: calls.append((a, b)), **kw)
    assert calls == ref_calls and got.jump is not None   # (the jump at y = 7/10 refused R_fail)
    _same_radius(got, ref)


def test_a_jump_through_the_equilibrium_gives_no_ball():
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], x * y + x**2 / 2 + sp.Abs(x), -x * y + y**2 / 2, equilibrium=(0, 0),
                           name="jump0"))   # F_x = x + y + sign(x): jumps by 2 across x = 0
    rep = basin(fld, "eg")
    assert rep.radius == 0 and not rep.certified and rep.rate is None
    assert "meets a switching set where F may jump (sign(x)" in rep.note


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_the_printed_step_never_exceeds_the_printed_limit_of_the_theorems_steps(capsys, method):
    """basin printed eftp's step h = 0.176777 beside 0 < h <= 0.176776 (the step is the limit 1/(4L); the limit was
    rounded down, the step to nearest): both are now rounded down, so the printed step reads within the printed
    range, and each printed number is at most the double it stands for (read back by float)."""
    from gandynamics.cli import main
    assert main(["basin", "quadratic", "--method", method, "--json"]) == 0
    import json
    d = json.loads(capsys.readouterr().out)
    assert main(["basin", "quadratic", "--method", method]) == 0
    out = capsys.readouterr().out
    hi = float(out.split("0 < h <")[1].split("\n")[0].split()[-1]) if "0 < h <" in out else math.inf
    h = float(out.split("step:")[1].split("h = ")[1].split()[0])
    assert h <= hi and h <= d["step"]


@pytest.mark.parametrize("r", [0.2, 40.0])
def test_cli_asks_about_a_ball_of_a_given_radius(capsys, r):
    """``--r-max R`` asks whether the ball of radius R is certified (a new user found no radius option): a
    small ball is (R reported, capped), a large one is not and the largest certified ball below it is given with the
    radius that failed.  The certified mu is checked against the smallest eigenvalue of sym DF sampled on the ball
    (an independent computation: numpy's eigvalsh at 2,000 points)."""
    argv = ["basin", "dirac", "--reg", "asymmetric:eps=0.3,gamma=1,reading=generator-tikhonov", "--method", "eg",
            "--r-max", str(r), "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    R = float(out["region_radius"])
    if r < 1:
        assert R == r and out["certified"] is True and out["failed_radius"] is None
    else:
        assert 0 < R < r and float(out["failed_radius"]) <= r
    fld = VectorField(games.dirac(), [Asymmetric(eps=0.3, gamma=1.0, reading="generator-tikhonov")])
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(2000, 2))
    pts *= (R * rng.uniform(0, 1, (2000, 1)) ** 0.5) / np.linalg.norm(pts, axis=1, keepdims=True)
    p = fld.param_vector()
    sampled = min(np.linalg.eigvalsh((A + A.T) / 2)[0] for A in (fld.eval_DF(z, p) for z in pts))
    assert float(out["mu"]) <= sampled


def test_cli_refuses_a_first_radius_beyond_the_largest(capsys):
    """A --r0 given beyond --r-max is refused by name; the default --r0 follows a smaller --r-max (it blamed --r0,
    which the user had not typed); --r-max at or below the smallest radius searched is refused in its own words."""
    assert main(["basin", "quadratic", "--r0", "2", "--r-max", "1"]) == 2
    assert capsys.readouterr().err.strip() == "gandynamics: error: --r0 must be at most --r-max, got '2' > '1'"
    assert main(["basin", "quadratic", "--r-max", "0.2"]) == 0
    capsys.readouterr()
    assert main(["basin", "quadratic", "--r-max", "1e-7"]) == 2
    assert capsys.readouterr().err.strip() == ("gandynamics: error: --r-max must be above 1e-06 (the smallest radius "
                                               "searched), got '1e-7'")


@pytest.mark.slow  # about 10 s: the certificates of the first huge balls use their time budgets
def test_a_search_from_a_huge_radius_narrows_geometrically():
    """--r0 1e300 --r-max 1e300 halved its way down, one certificate per halving: a thousand of them, minutes (a new
    user stopped it after 120 s).  Far above r_min the next radius is the geometric mean, and a wide bracket is
    bisected geometrically: a few dozen radii, and the same R as from r0 = 0.5, within rtol of the closed form
    R* = 2 sqrt(eps) (mu(r) = min(eps - r^2/4, gamma) under reading (R-a), docs/math/basin-and-pep.md)."""
    fld = VectorField(games.dirac(), [Asymmetric(eps=0.3, gamma=1.0, reading="generator-tikhonov")])
    tried = []
    R, fail, rep, _, _ = monotone_radius(fld, r0=1e300, r_max=1e300, progress=lambda ok, bad: tried.append((ok, bad)))
    exact = 2 * math.sqrt(0.3)
    assert len(tried) < 80, len(tried)
    assert exact * (1 - 3e-3) < R <= exact and fail is not None and R < fail


@pytest.mark.parametrize("a, b, d", [(0.0, 1.0, 0.0), (0.0, 2.0, 0.5), (-0.3, 1.0, 0.4), (0.2, 1.0, -0.1)])
@pytest.mark.parametrize("r0", [0.01, 0.5, 20.0])
def test_a_linear_game_not_strongly_monotone_has_no_ball_at_any_radius(a, b, d, r0):
    """F(z) = A z with lambda_min(sym A) = min(a, d) <= 0: the constants are the same on every ball, so no ball is
    certified at any radius, whatever r0.  The note said "could not be certified on any ball of radius >= 0.5" (the
    first radius tried, halved), as if a smaller ball might do (a new user, with --r0 0.01).  Games with the
    closed-form lambda_min (a, d the diagonal of sym A; b the bilinear coupling)."""
    x, y = sp.symbols("x y", real=True)
    g = Game(theta=[x], psi=[y], loss_g=a * x**2 / 2 + b * x * y, loss_d=d * y**2 / 2 - b * x * y, equilibrium=(0, 0),
             name="linear")
    fld = VectorField(g)
    rep = basin(fld, "eg", r0=r0)
    assert not rep.certified and rep.radius == 0.0 and rep.region_radius == 0.0
    assert rep.failed_radius == 0.0
    assert rep.mu == pytest.approx(min(a, d), abs=1e-12)
    assert "not strongly monotone at the equilibrium and on every ball (DF is constant: a linear field)" in rep.note, \
        rep.note
    assert "could not be certified on any ball" not in rep.note
    # a margin above a positive lambda_min: mu > margin fails everywhere, F is still strongly monotone (0.3 > 0)
    y_ = sp.Symbol("y", real=True)
    strong = VectorField(Game([x], [y_], 0.3 * x**2 / 2 + b * x * y_, 0.3 * y_**2 / 2 - b * x * y_, equilibrium=(0, 0),
                              name="linear"))
    rep = basin(strong, "eg", r0=r0, margin=0.5)
    assert not rep.certified and rep.failed_radius == 0.0
    assert "mu > 0.5 fails at the equilibrium and on every ball" in rep.note and "not strongly monotone" not in rep.note


@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_a_radius_refused_for_want_of_boxes_says_so_and_more_boxes_certify_more():
    """A new user's ball was refused at 0.15 when the branch and bound ran out of boxes, the true radius 0.25, and the
    output read as if certification failed there.  The Dirac-GAN with the asymmetric scheme, mu(r) = eps - r^2/4 > 0
    for r < 2 sqrt(eps) (closed form): with a budget of 4 boxes per radius the refusal is undecided and the note says
    the budget ran out; with the default one the search reaches the closed form and the note names no budget."""
    eps = 0.3
    fld = VectorField(games.dirac(), [Asymmetric(eps=eps, gamma=1.0, reading="generator-tikhonov")])
    small = basin(fld, "eg", max_boxes=4, max_seconds=60.0)
    assert small.region_radius <= 2 * math.sqrt(eps)  # (never wrong)
    assert "undecided" in small.note and "max_boxes" in small.note
    full = basin(fld, "eg", max_seconds=60.0)
    assert full.region_radius == pytest.approx(2 * math.sqrt(eps), rel=2e-3) and full.region_radius > small.region_radius
    assert "undecided" not in full.note


@settings(max_examples=300, deadline=None)
@given(lmu=st.floats(-308, 0), lL=st.floats(-3, 300), frac=st.floats(1e-3, 1.0), method=st.sampled_from(["gd", "eg", "eftp"]))
def test_the_certified_rate_never_fails_at_extreme_constants(lmu, lL, frac, method):
    """Constants of extreme magnitude (mu down to 1e-308, L up to 1e300: a ball where mu decays like exp(-R)) made
    h mu underflow, and eftp's factor divided by zero: at any step of the theorem's range the rate is a number in
    [0, 1] (1 where the contraction is below a double's resolution), never an exception."""
    mu, L = 10.0 ** lmu, 10.0 ** lL
    mu = min(mu, L)  # (mu <= L always)
    lo, hi, _ = step_range(method, mu, L)
    h = hi * frac
    if not h > 0:
        return
    r = certified_rate(method, h, mu, L)
    assert r is None or 0.0 <= r <= 1.0  # (0: gd at h = 1/L with mu = L lands on z*)


def test_a_ball_whose_constants_certify_no_contraction_says_so():
    """A new user's game whose mu on B_R decays like exp(-R) (F = (e^x - 1 + y, sigmoid(y) - 1/2 - x)): the search
    grew the ball until mu = 1.5e-302 against L = 3e150; the theorem's step underflowed, and basin raised a
    ZeroDivisionError (eftp) or refused a step "0 < h < 0" the user had not given (gd).  Now a report, not
    certified, whose note says why and what to do, for each method."""
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], sp.exp(x) - x + x * y, sp.log(1 + sp.exp(y)) - y / 2 - x * y,
                           equilibrium=(0, 0), name="explog"))
    rad = monotone_radius(fld)
    assert rad[0] > 100 and rad[2].mu.lo < 1e-100  # (the ball the search finds: mu tiny against L)
    for method in ("gd", "eg", "eftp"):
        rep = basin(fld, method, radius=rad)
        assert not rep.certified and "nothing contracts in double precision" in rep.note, (method, rep.note)
        assert rep.rate is None or rep.rate == 1.0
    # a smaller ball certifies a rate below 1, checked against sampled steps of the method
    rep = basin(fld, "gd", r_max=3.0)
    assert rep.certified and rep.rate < 1 and "nothing contracts" not in rep.note


@pytest.mark.slow  # (two searches of the radius: about 10 s)
def test_where_the_largest_ball_certifies_nothing_basin_certifies_the_largest_ball_that_does():
    """The same game searched by basin itself: the largest ball of mu > 0 (R > 100, mu ~ 1e-300) certified no rate
    below 1, and `gandynamics basin` said "certified: no" where `--r-max 3` certified one (a new user).  basin then
    takes the largest ball of mu > RESOLVE_MU L: certified, its note says why, and its rate holds for runs of the method
    from starts on the sphere of radius r (checked step by step against the simulated distances)."""
    from gandynamics.analysis.basin import RESOLVE_MU
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], sp.exp(x) - x + x * y, sp.log(1 + sp.exp(y)) - y / 2 - x * y,
                           equilibrium=(0, 0), name="explog"))
    rep = basin(fld, "eftp")
    assert rep.certified and rep.rate < 1.0 and 0 < rep.radius < rep.region_radius < 100, rep
    assert rep.mu > RESOLVE_MU * rep.L / 2 and "the largest ball of certified mu > 0" in rep.note, rep.note
    for t in np.linspace(0, 2 * np.pi, 8, endpoint=False):
        z0 = 0.999 * rep.radius * np.array([np.cos(t), np.sin(t)])
        tr = simulate(fld, "eftp", z0, 200, rep.step, engine="interpreted")
        d = np.asarray(tr.distance)
        k = np.arange(d.size)
        assert np.all(d <= rep.rate ** k * d[0] * (1 + 1e-12)), t
