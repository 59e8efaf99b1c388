"""Rates (gandynamics.analysis.rates): iteration matrices against the update rules written out here,
closed forms of docs/mathematics.md §1.9 and §5.5, theoretical bounds (§5), and measured rates from simulations."""

import math
import re

import numpy as np
import pytest
from hypothesis import assume, example, given, settings, strategies as st

from gandynamics import GandynamicsError, R1, VectorField, games
from gandynamics.analysis.rates import (RATE_METHODS, iteration_matrix, largest_stable_step, local_rate,
                                        measured_rate, optimal_step, rates, spectral_radius, theoretical_bound,
                                        theory_step, smallest_stable_step, unstable_at_every_step)

from conftest import cubic_quadratic  # the kernel tests' polynomial game (one compiled module)

ROT = np.array([[0.0, 1.0], [-1.0, 0.0]])   # F = (y, -x): the bilinear game min_x max_y x y (docs/mathematics.md §5.5)


# ----------------------------------------------------------------------------- matrices vs update rules
def _one_step(method, A, h, state, nt, beta=0.0, n_g=1, n_d=1):
    """One iteration of each update rule of docs/mathematics.md §0.4 for F(z) = A z, written out directly."""
    F = lambda z: A @ z
    n = A.shape[0]
    if method == "gd":
        return state - h * F(state)
    if method == "eg":
        w = state - h * F(state)
        return state - h * F(w)
    if method == "eftp":
        z, w_prev = state[:n], state[n:]
        w = z - h * F(w_prev)
        return np.concatenate([z - h * F(w), w])
    if method == "ogda":
        z, zp = state[:n], state[n:]
        return np.concatenate([z - 2 * h * F(z) + h * F(zp), z])
    if method == "momentum":
        z, zp = state[:n], state[n:]
        return np.concatenate([z - h * F(z) + beta * (z - zp), z])
    if method == "altgd":
        z = state.copy()
        for _ in range(n_g):
            z[:nt] = z[:nt] - h * F(z)[:nt]
        for _ in range(n_d):
            z[nt:] = z[nt:] - h * F(z)[nt:]
        return z
    if method == "altmomentum":
        z, zp = state[:n].copy(), state[n:].copy()
        x_new = z[:nt] - h * F(z)[:nt] + beta * (z[:nt] - zp[:nt])
        zx = np.concatenate([x_new, z[nt:]])
        y_new = z[nt:] - h * F(zx)[nt:] + beta * (z[nt:] - zp[nt:])
        return np.concatenate([x_new, y_new, z])
    raise AssertionError(method)


@pytest.mark.parametrize("method", ["gd", "eg", "eftp", "ogda", "momentum", "altgd", "altmomentum"])
@pytest.mark.parametrize("seed", [0, 1])
def test_iteration_matrix_is_the_update_rule(method, seed):
    rng = np.random.default_rng(seed)
    n, nt, h = 4, 2, 0.37
    beta = -0.3 if "momentum" in method else 0.0  # (a method without momentum refuses another beta)
    A = rng.standard_normal((n, n))
    n_g, n_d = (2, 3) if method == "altgd" else (1, 1)
    M = iteration_matrix(method, A, h, nt, beta=beta, n_g=n_g, n_d=n_d)
    for _ in range(3):
        s = rng.standard_normal(M.shape[0])
        np.testing.assert_allclose(M @ s, _one_step(method, A, h, s, nt, beta, n_g, n_d), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", ["gd", "eg", "eftp", "ogda", "momentum"])
def test_per_eigenvalue_multipliers_give_the_matrix_spectral_radius(method):
    rng = np.random.default_rng(7)
    for _ in range(20):
        A = rng.standard_normal((3, 3))
        h, beta = rng.uniform(0.01, 1.0), rng.uniform(-0.9, 0.9) if method == "momentum" else 0.0
        assert local_rate(method, A, h, beta=beta) == pytest.approx(
            spectral_radius(iteration_matrix(method, A, h, beta=beta)), rel=1e-9)


def test_eftp_and_ogda_are_one_dynamics():
    """docs/mathematics.md §0.4: EFTP's w-sequence satisfies the OGDA recursion (checked on iterates of a linear
    field, written out with plain NumPy), so the two iteration matrices have the same spectrum."""
    rng = np.random.default_rng(11)
    for _ in range(10):
        n = int(rng.integers(1, 5))
        A = rng.standard_normal((n, n))
        h = rng.uniform(0.05, 0.8)
        z, w_prev = rng.standard_normal(n), None
        w_prev = z.copy()                                   # w_{-1} = z_0
        ws = [w_prev]
        for _ in range(6):
            w = z - h * A @ w_prev
            z = z - h * A @ w
            ws.append(w)
            w_prev = w
        for k in range(1, len(ws) - 1):
            np.testing.assert_allclose(ws[k + 1], ws[k] - 2 * h * A @ ws[k] + h * A @ ws[k - 1], rtol=1e-12, atol=1e-12)
        # the same characteristic polynomial (comparing coefficients avoids matching eigenvalues by a sort)
        np.testing.assert_allclose(np.poly(iteration_matrix("eftp", A, h)), np.poly(iteration_matrix("ogda", A, h)),
                                   rtol=1e-9, atol=1e-9)


def test_flow_rate_is_the_matrix_exponential():
    A = np.array([[0.0, 0.5], [-0.5, 0.3]])   # DF of R1 gamma = 0.3 at (0, 0)
    for h in (0.1, 1.0, 3.0):
        assert local_rate("flow", A, h) == pytest.approx(spectral_radius(iteration_matrix("flow", A, h)), rel=1e-12)
        assert local_rate("flow", A, h) == pytest.approx(math.exp(-h * 0.3 / 2), rel=1e-12)  # Re lambda = -gamma/2


# ----------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("h", [0.1, 0.3, 0.5, 0.7, 1.0, 1.6])
def test_bilinear_closed_forms(h):
    assert local_rate("gd", ROT, h) == pytest.approx(math.sqrt(1 + h * h), rel=1e-12)
    assert local_rate("eg", ROT, h) == pytest.approx(math.sqrt(1 - h * h + h**4), rel=1e-12)
    eftp = (math.sqrt((1 + math.sqrt(1 - 4 * h * h)) / 2) if h <= 0.5
            else math.sqrt((1 + (2 * h + math.sqrt(4 * h * h - 1)) ** 2) / 4))
    for m in ("eftp", "ogda"):
        assert local_rate(m, ROT, h) == pytest.approx(eftp, rel=1e-7)
    assert local_rate("altgd", ROT, h, n_theta=1) == pytest.approx(1.0, abs=1e-12)   # h <= 2: unit circle


def test_bilinear_altgd_beyond_two_and_negative_momentum():
    h = 2.5  # m^2 - (2 - h^2) m + 1 = 0, real roots (docs/mathematics.md §5.4)
    b = h * h - 2
    assert local_rate("altgd", ROT, h, n_theta=1) == pytest.approx((b + math.sqrt(b * b - 4)) / 2, rel=1e-10)
    # docs/mathematics.md §5.5 (NegMom): alternating + momentum
    assert local_rate("altmomentum", ROT, 0.5, n_theta=1, beta=-0.5) == pytest.approx(0.962543703197, abs=1e-12)
    assert local_rate("altmomentum", ROT, 0.5, n_theta=1, beta=0.5) == pytest.approx(1.269, abs=1e-3)
    assert local_rate("altmomentum", ROT, 0.1, n_theta=1, beta=-0.9) == pytest.approx(0.998688492181, abs=1e-12)
    for beta in (-0.5, 0.0, 0.5):   # simultaneous heavy ball never converges on the bilinear game
        assert local_rate("momentum", ROT, 0.5, beta=beta) > 1


def test_simultaneous_heavy_ball_never_converges_on_the_bilinear_game():
    """docs/mathematics.md §5.5: simultaneous heavy ball has rho > 1 on the bilinear game for every tested
    h in (0, 1], beta in (-1, 1) (here a 40 x 41 grid, h >= 0.01), from the plain roots of
    m^2 - (1 + beta - h lambda) m + beta, lambda = +-i, and from the library's local rate."""
    for h in np.linspace(0.01, 1.0, 40):
        for beta in np.linspace(-0.99, 0.99, 41):
            plain = max(np.max(np.abs(np.roots([1.0, -(1 + beta - h * lam), beta]))) for lam in (1j, -1j))
            assert plain > 1
            assert local_rate("momentum", ROT, h, beta=beta) == pytest.approx(plain, rel=1e-12, abs=0)


def test_bilinear_optimal_and_largest_steps():
    h, r = optimal_step("eg", ROT)
    assert h == pytest.approx(1 / math.sqrt(2), rel=1e-6) and r == pytest.approx(math.sqrt(3) / 2, rel=1e-12)
    h, r = optimal_step("eftp", ROT)                 # defective optimum (Jordan block)
    assert h == pytest.approx(0.5, rel=1e-9) and r == pytest.approx(1 / math.sqrt(2), rel=1e-7)
    assert largest_stable_step("eg", ROT) == pytest.approx(1.0, rel=1e-10)          # 1 - h^2 + h^4 < 1 iff h < 1
    # EFTP for h >= 1/2: (2h + sqrt(4h^2 - 1))^2 < 3 iff h < 1/sqrt(3)  [derived from the closed form]
    assert largest_stable_step("eftp", ROT) == pytest.approx(1 / math.sqrt(3), rel=1e-10)
    assert optimal_step("gd", ROT)[0] is None and largest_stable_step("gd", ROT) is None
    assert largest_stable_step("altgd", ROT, n_theta=1) is None                    # marginal, never < 1


@pytest.mark.slow  # (about 3 s a scale: five optimal-step searches)
@pytest.mark.parametrize("scale", [1e-3, 1.0, 7.0, 1e4])
def test_methods_with_no_stable_step_have_rho_opt_exactly_their_infimum_1(scale):
    """On the bilinear game (a rotation s J) no step of gd, alternating GD or negative momentum contracts: their
    least rates over h > 0 are 1 (closed forms: gd sqrt(1 + h^2 s^2) -> 1 as h -> 0; alternating GD's multipliers on the
    unit circle, det = 1, for every h s < 2; heavy ball with beta < 0, the roots of z^2 - (1 + beta - h lambda) z + beta
    outside the circle, -> 1 as h -> 0).  rho_opt read 1 - 9.99e-16 (alternating GD: a barely contracting optimum)
    and 1 + 7.41e-10 (momentum: Brent's search stopped above the grid's first step), a reviewer.  Now exactly 1."""
    A = scale * ROT
    for method, kw in (("gd", {}), ("altgd", {"n_theta": 1}), ("momentum", {"beta": -0.5}), ("momentum", {"beta": -0.2}),
                       ("altgd", {"n_theta": 1, "n_d": 3})):
        h, r = optimal_step(method, A, **kw)
        assert h is None and r == 1.0, (method, kw, scale, h, r)


@pytest.mark.parametrize("gamma", [0.3, 0.8])
def test_r1_dirac_gd_optimal_step_and_limit(gamma):
    # docs/mathematics.md §1.9: h* = gamma/(2 f'^2), rho(h*) = sqrt(1 - gamma^2/(4 f'^2)), stable iff h < gamma/f'^2
    fp = 0.5
    A = np.array([[0.0, fp], [-fp, gamma]])
    h, r = optimal_step("gd", A)
    assert h == pytest.approx(gamma / (2 * fp * fp), rel=1e-7)
    assert r == pytest.approx(math.sqrt(1 - gamma**2 / (4 * fp * fp)), rel=1e-12)
    assert largest_stable_step("gd", A) == pytest.approx(gamma / fp**2, rel=1e-10)
    for h in (0.2, 0.5):   # alternating GD, complex pair: rho = sqrt(det) = sqrt(1 - h gamma)
        assert local_rate("altgd", A, h, n_theta=1) == pytest.approx(math.sqrt(1 - h * gamma), rel=1e-12)


# ----------------------------------------------------------------------------- theoretical bounds
def test_gd_bound_is_attained_by_a_scaled_rotation():
    mu, L = 0.3, 1.1   # docs/mathematics.md §5.1: A = mu I + sqrt(L^2 - mu^2) J attains 1 - 2 h mu + h^2 L^2
    A = mu * np.eye(2) + math.sqrt(L * L - mu * mu) * ROT
    assert np.linalg.norm(A, 2) == pytest.approx(L) and np.linalg.eigvalsh((A + A.T) / 2)[0] == pytest.approx(mu)
    for h in (0.05, mu / L**2, 0.4):
        b = theoretical_bound("gd", h, mu, L)
        assert local_rate("gd", A, h) == pytest.approx(b.factor, rel=1e-12)


def test_bounds_say_when_no_theorem_applies():
    assert theoretical_bound("gd", 0.1, 0.0, 1.0).factor is None
    assert "no linear-rate guarantee" in theoretical_bound("eg", 0.1, -0.2, 1.0).note
    assert theoretical_bound("altgd", 0.1, 0.5, 1.0).factor is None
    assert theoretical_bound("gd", 2.0, 0.5, 1.0).factor is None            # h >= 2 mu / L^2
    assert theoretical_bound("eftp", 0.3, 0.5, 1.0).factor is None          # h > 1/(4L)
    b = theoretical_bound("eftp", 0.25, 0.5, 1.0)                           # h = 1/(4L): 1 - mu/(4L)
    assert b.squared == pytest.approx(1 - 0.5 / 4) and b.factor == pytest.approx(math.sqrt(1 - 0.5 / 4))
    assert theory_step("eg", 0.5, 2.0) == 1 / 8 and theory_step("gd", 0.0, 1.0) is None


@pytest.mark.parametrize("method", ["eftp", "ogda"])
def test_eftp_and_ogda_bounds_name_the_proved_factor_beside_the_recalled_one(method):
    """The bound of eftp and ogda is the recalled theorem's (docs/mathematics.md §5.3); its note gives the factor the
    project proves from a potential (docs/math/basin-and-pep.md §1.4), written out here, and EFTP runs on strongly
    monotone linear fields (mu, L computed with numpy) obey it from every start: |z_k - z*| <= factor^k |z_0 - z*|."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        S = rng.standard_normal((3, 3))
        A = 0.3 * np.eye(3) + (S - S.T) + 0.2 * (S @ S.T) / np.linalg.norm(S @ S.T, 2)
        mu = float(np.linalg.eigvalsh((A + A.T) / 2)[0])
        L = float(np.linalg.norm(A, 2))
        h = float(rng.uniform(0.05, 1.0)) / (4 * L)
        t = min(1.0, (1 - 3 * h * L) / (2 * h * mu * (1 + h * L)))
        proved = 1 / math.sqrt(1 + t * h * mu)
        b = theoretical_bound(method, h, mu, L)
        assert b.squared == pytest.approx(1 - h * mu, rel=1e-14)
        shown = float(re.search(r"\(1 \+ t h mu\)\^\(-1/2\) = ([0-9.e+-]+)", b.note).group(1))
        assert shown == pytest.approx(proved, rel=1e-5) and proved >= b.factor
        z = rng.standard_normal(3)
        d0 = np.linalg.norm(z)
        if method == "eftp":  # EFTP from z_0 with w_{-1} = z_0, z* = 0: |z_k| <= proved^k |z_0|
            w = z.copy()
            for k in range(1, 200):
                w = z - h * A @ w
                z = z - h * A @ w
                assert np.linalg.norm(z) <= proved ** k * d0 * (1 + 1e-12)
        else:  # OGDA's own iterates, u_{k+1} = u_k - 2h F(u_k) + h F(u_{k-1}) from u_{-1} = z_0, u_0 = z_0 - h F(z_0)
            # (EFTP's w_k): |u_k| <= C proved^k with C = |z_0| / (1 - hL / proved), as |w_k| <= |z_k| + hL |w_{k-1}|
            C = d0 / (1 - h * L / proved)
            prev, u = z.copy(), z - h * A @ z
            for k in range(0, 200):
                assert np.linalg.norm(u) <= C * proved ** k * (1 + 1e-12)
                prev, u = u, u - 2 * h * A @ u + h * A @ prev


# each theorem's squared factor written out from docs/mathematics.md §5 (and docs/math/methods.md §3), with the
# largest step of its condition: the bound is pinned to its value, not only checked for not being beaten
BOUND_FORMULAS = {
    "gd": (lambda h, mu, L: 1 - 2 * h * mu + h * h * L * L, lambda mu, L: 2 * mu / L**2),
    "eg": (lambda h, mu, L: 1 - h * mu, lambda mu, L: (math.sqrt(mu * mu + L * L) - mu) / L**2),
    "eftp": (lambda h, mu, L: 1 - h * mu, lambda mu, L: 1 / (4 * L)),
    "ogda": (lambda h, mu, L: 1 - h * mu, lambda mu, L: 1 / (4 * L)),
    "flow": (lambda h, mu, L: math.exp(-2 * mu * h), lambda mu, L: math.inf),
    "proximal": (lambda h, mu, L: 1 / (1 + h * mu) ** 2, lambda mu, L: math.inf),
}


def test_every_declared_bound_is_pinned():
    from gandynamics.methods import METHODS
    assert {n for n, m in METHODS.items() if m.bound is not None} == set(BOUND_FORMULAS)


@pytest.mark.parametrize("method", list(BOUND_FORMULAS))
@pytest.mark.parametrize("mu,L", [(0.3, 1.1), (0.05, 2.0), (1.0, 1.0), (2.5, 7.0)])
@pytest.mark.parametrize("u", [0.01, 0.37, 0.999])
def test_bound_equals_its_formula(method, mu, L, u):
    formula, hmax = BOUND_FORMULAS[method]
    h = u * (hmax(mu, L) if math.isfinite(hmax(mu, L)) else 3.0 / L)
    b = theoretical_bound(method, h, mu, L)
    sq = formula(h, mu, L)
    assert b.squared == pytest.approx(sq, rel=1e-14, abs=1e-16)
    assert b.factor == pytest.approx(math.sqrt(sq), rel=1e-14, abs=1e-16)
    assert b.reference and b.condition


@pytest.mark.parametrize("method", ["gd", "eg", "eftp", "ogda"])
@pytest.mark.parametrize("mu,L", [(0.3, 1.1), (0.05, 2.0), (1.0, 1.0)])
def test_bound_condition_is_pinned_at_its_edge(method, mu, L):
    formula, hmax = BOUND_FORMULAS[method]
    edge = hmax(mu, L)
    inside = theoretical_bound(method, edge * (1 - 1e-9), mu, L)
    assert inside.squared == pytest.approx(formula(edge * (1 - 1e-9), mu, L), rel=1e-14, abs=1e-16)
    outside = theoretical_bound(method, edge * (1 + 1e-9), mu, L)
    assert outside.factor is None and outside.squared is None
    if " = " in inside.condition:  # the condition states the largest step: it is the edge, to 6 digits
        printed = float(inside.condition.rsplit(" = ", 1)[1])
        assert printed == pytest.approx(edge, rel=5e-6, abs=0)


def _random_strongly_monotone(seed, n):
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    S = Q @ np.diag(rng.uniform(0.05, 2.0, n)) @ Q.T
    K = rng.standard_normal((n, n)) * rng.uniform(0, 3)
    return S + (K - K.T) / 2


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(2, 4), u=st.floats(0.01, 0.99),
       method=st.sampled_from(["gd", "eg", "eftp", "ogda", "flow"]))
def test_exact_local_rate_never_beats_the_bound_on_linear_operators(seed, n, u, method):
    A = _random_strongly_monotone(seed, n)
    mu, L = np.linalg.eigvalsh((A + A.T) / 2)[0], np.linalg.norm(A, 2)
    h = {"gd": u * 2 * mu / L**2, "eg": u / (4 * L), "eftp": u / (4 * L), "ogda": u / (4 * L), "flow": u}[method]
    b = theoretical_bound(method, h, mu, L)
    assert b.factor is not None
    assert local_rate(method, A, h) <= b.factor * (1 + 1e-12)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(2, 4), u=st.floats(0.01, 1.0))
def test_extragradient_one_step_contraction_of_section_5_2(seed, n, u):
    """docs/mathematics.md §5.2: |z+ - z*|^2 <= (1 - h mu)|z - z*|^2 whenever 1 - h^2 L^2 - 2 h mu >= 0, i.e. the
    norm (not only the spectral radius) of the EG matrix I - hA + h^2 A^2 is at most sqrt(1 - h mu)."""
    A = _random_strongly_monotone(seed, n)
    mu, L = np.linalg.eigvalsh((A + A.T) / 2)[0], np.linalg.norm(A, 2)
    h = u * (np.sqrt(mu**2 + L**2) - mu) / L**2          # the largest step with 1 - h^2 L^2 - 2 h mu >= 0, times u
    M = np.eye(n) - h * A + h**2 * A @ A
    assert np.linalg.norm(M, 2) ** 2 <= (1 - h * mu) * (1 + 1e-12)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 4))
def test_spectral_bounds_of_section_5_4(seed, n):
    """docs/mathematics.md §5.4, the bounds in terms of the spectrum (random spectra in the open right half-plane,
    closed under conjugation), with plain per-eigenvalue multipliers: GD at h = min Re(1/lambda), EG and EFTP at
    h = 1/(4 max|lambda|)."""
    rng = np.random.default_rng(seed)
    re = rng.uniform(0.01, 3.0, n)
    im = rng.uniform(0.0, 5.0, n) * rng.integers(0, 2, n)
    lam = np.concatenate([re + 1j * im, re - 1j * im])
    mre, mabs, Mabs = lam.real.min(), np.abs(lam).min(), np.abs(lam).max()
    h = (1 / lam).real.min()
    assert np.max(np.abs(1 - h * lam)) ** 2 <= 1 - h * mre + 1e-12     # equality for one real eigenvalue
    h = 1 / (4 * Mabs)
    assert np.max(np.abs(1 - h * lam + h**2 * lam**2)) ** 2 <= 1 - (mre / Mabs + mabs**2 / (16 * Mabs**2)) / 4 + 1e-12
    roots = [np.roots([1.0, -(1 - 2 * h * l), -h * l]) for l in lam]
    rho = max(np.max(np.abs(r)) for r in roots)
    assert rho**2 <= 1 - (mre / Mabs + mabs**2 / (32 * Mabs**2)) / 8 + 1e-12


def test_eftp_slack_at_a_multiple_of_the_identity():
    """docs/mathematics.md §4.6: the EFTP bound rho^2 <= 1 - mu/(4L) at h = 1/(4L) is tightest near A = L I,
    where h lambda = 1/4, the multipliers solve m^2 - m/2 - 1/4 = 0, rho = (1 + sqrt 5)/4 and the slack
    (1 - rho^2)/(h mu) is (5 - sqrt 5)/2 = 1.382."""
    for L in (0.5, 3.0):
        rho = local_rate("eftp", L * np.eye(2), 1 / (4 * L))
        assert rho == pytest.approx((1 + np.sqrt(5)) / 4, rel=1e-13, abs=0)
        assert (1 - rho**2) / (1 / (4 * L) * L) == pytest.approx((5 - np.sqrt(5)) / 2, rel=1e-12, abs=0)


# ----------------------------------------------------------------------------- measured rates (simulate)
@pytest.fixture(scope="module")
def dirac_r1():
    return VectorField(games.dirac(), [R1(gamma=0.3)])


@pytest.fixture(scope="module")
def quadratic():
    """The quadratic game min_x max_y a/2 x^2 + b x y - c/2 y^2 (F = A z, A = [[a, b], [-b, c]], docs/mathematics.md
    §6) as the d = 0 member of the kernel tests' polynomial game (tests/conftest.py: one compiled module for all)."""
    fld = cubic_quadratic(1.0, 1.0, 1.0, 0.0)
    # with d = 0 it is the built-in quadratic game, and with a = c = 0, b = 1 the bilinear game: F = (y, -x)
    quad = VectorField(games.make_game("quadratic"))
    assert list(fld.F.xreplace({fld.hyper[3]: 0})) == list(quad.F.xreplace(dict(zip(quad.z + quad.hyper, fld.z + fld.hyper[:3]))))
    sub = {s: v for s, v in zip(fld.hyper, (0, 1, 0, 0))}
    assert list(fld.F.xreplace(sub)) == list(VectorField(games.bilinear()).F.xreplace(
        dict(zip(VectorField(games.bilinear()).z, fld.z))))
    return fld


@pytest.mark.parametrize("method,h", [("gd", 0.4), ("eg", 0.8), ("eftp", 0.4)])
def test_measured_rate_matches_local_rate_r1_dirac(dirac_r1, method, h):
    A = dirac_r1.eval_DF([0.0, 0.0])
    rho = local_rate(method, A, h)
    assert rho < 1
    tr = measured_rate(dirac_r1, method, h, [0.03, -0.04], expected=rho)
    assert not tr.diverged and tr.rate == pytest.approx(rho, rel=1e-3)


def test_largest_stable_step_separates_converging_and_diverging_runs(dirac_r1):
    A = dirac_r1.eval_DF([0.0, 0.0])
    h_max = largest_stable_step("gd", A)              # = gamma / f'(0)^2 = 1.2 (docs/mathematics.md §1.9)
    below = measured_rate(dirac_r1, "gd", 0.97 * h_max, [0.03, -0.04], steps=3000)
    above = measured_rate(dirac_r1, "gd", 1.03 * h_max, [0.03, -0.04], steps=3000)
    assert below.rate < 1 and below.verdict == "converging"
    # above h_max the equilibrium loses stability in a Neimark-Sacker bifurcation: the run grows away from z*
    # onto an invariant circle (rate -> 1 on the circle, distance over the last half far above the start)
    assert above.verdict == "bounded, not converging" and above.reading["tail_min"] > 4 * above.distance[0]
    assert below.rate == pytest.approx(local_rate("gd", A, 0.97 * h_max), rel=1e-3)
    # above h_max the equilibrium repels: the run leaves it (|z0| = 0.05) for a bounded orbit (the Dirac-GAN's
    # field is bounded), whose fitted rate over [T/4, T] is 1 to within 1e-5, not above it
    assert above.verdict == "bounded, not converging" and above.final_distance > 5 * 0.05
    assert above.rate == pytest.approx(1.0, rel=0, abs=1e-5)


@pytest.mark.parametrize("method,h", [("eg", 0.5), ("eftp", 0.3)])
def test_measured_rate_matches_local_rate_bilinear(quadratic, method, h):
    params = {"a": 0.0, "b": 1.0, "c": 0.0}
    rho = local_rate(method, ROT, h)
    tr = measured_rate(quadratic, method, h, [0.3, -0.2], params, expected=rho)
    assert not tr.diverged and tr.rate == pytest.approx(rho, rel=1e-3)


@settings(max_examples=10, deadline=None)
@given(a=st.floats(0.1, 2.0), c=st.floats(0.1, 2.0), b=st.floats(-2.0, 2.0), u=st.floats(0.05, 0.99),
       method=st.sampled_from(["gd", "eg", "eftp", "ogda"]))
@example(a=0.5, c=0.5, b=0.0, u=0.5, method="gd")   # the degenerate case hypothesis found: bound 0, one step to z*
@pytest.mark.slow  # 1.1 s with warm caches on the 2-core CI machine
def test_measured_rate_never_beats_the_bound(quadratic, a, c, b, u, method):
    # F(z) = A z with A = [[a, b], [-b, c]] (docs/mathematics.md §6): mu = min(a, c), L = ||A||_2; the theorem's
    # conditions hold globally, so a trajectory may never contract faster than the bound (PEPit remark)
    A = np.array([[a, b], [-b, c]])
    mu, L = min(a, c), np.linalg.norm(A, 2)
    h = {"gd": u * 2 * mu / L**2, "eg": u / (4 * L), "eftp": u / (4 * L), "ogda": u / (4 * L)}[method]
    bnd = theoretical_bound(method, h, mu, L)
    rho = local_rate(method, A, h)
    assume(rho < 0.9995)   # keeps the simulations short
    tr = measured_rate(quadratic, method, h, [0.5, -0.3], {"a": a, "b": b, "c": c}, expected=rho)
    if bnd.factor == 0:
        # A = mu I and gd at h = 1/mu: the bound is 0 and the first step lands exactly on z*, after which no
        # distance is left to fit a rate to (rate NaN): the run itself is pinned instead
        assert tr.final_distance == 0 and np.all(tr.states[1:] == 0)
    else:
        assert tr.rate <= bnd.factor * (1 + 1e-6)


def test_rates_table_end_to_end(quadratic):
    params = {"a": 0.5, "b": 1.0, "c": 1.5}
    rows, info = rates(quadratic, ["gd", "eg", "eftp", "ogda", "altgd"], step="theory", params=params,
                       region="ball:0.5", max_seconds=5)
    A = np.array([[0.5, 1.0], [-1.0, 1.5]])
    assert info["mu"]["lo"] == pytest.approx(0.5, abs=1e-9) and info["lipschitz"]["hi"] == pytest.approx(np.linalg.norm(A, 2), abs=1e-9)
    by = {r.method: r for r in rows}
    assert by["gd"].step == pytest.approx(0.5 / np.linalg.norm(A, 2) ** 2, rel=1e-9)
    for m in ("gd", "eg", "eftp", "ogda"):
        r = by[m]
        assert r.bound is not None and r.bound_holds is True
        assert r.measured_rate == pytest.approx(r.local_rate, rel=1e-3)
        assert np.linalg.norm(np.array(r.start)) == pytest.approx(0.25)   # half the radius, inside the region
    assert by["altgd"].bound is None and by["altgd"].bound_holds is None
    assert by["altgd"].step == pytest.approx(by["altgd"].optimal_step)     # no theorem: its optimal step


def test_nonlinear_game_measured_rates_respect_the_certified_bounds():
    # Dirac-GAN with the asymmetric scheme: strongly monotone on B_0.5, mu = 0.5 - 0.25/4 (docs/mathematics.md §4.4);
    # the bounds use the certified (mu_lo, L_hi) of the ball, the trajectories start inside it
    fld = VectorField(games.dirac(), [__import__("gandynamics").Asymmetric(eps=0.5, gamma=1.0, tikhonov_on="generator")])
    rows, info = rates(fld, ["gd", "eg", "eftp", "ogda"], step="theory", region="ball:0.5", max_seconds=5)
    assert info["mu"]["lo"] <= 0.4375 <= info["mu"]["hi"] + 1e-12
    for r in rows:
        assert r.bound is not None and r.bound_holds is True, r
        assert r.measured_rate <= r.bound


def test_rates_table_altgd_with_several_discriminator_steps(dirac_r1):
    # n_g, n_d reach altgd (its matrix P_psi^n_d P_theta^n_g) and its simulation, and nothing else
    rows, _ = rates(dirac_r1, ["altgd", "altmomentum"], step=0.2, region="ball:0.1", beta=-0.3, n_d=5, max_seconds=5)
    A = dirac_r1.eval_DF([0.0, 0.0])
    alt, mom = rows
    assert alt.local_rate == pytest.approx(local_rate("altgd", A, 0.2, n_theta=1, n_d=5), rel=1e-12)
    assert mom.local_rate == pytest.approx(local_rate("altmomentum", A, 0.2, n_theta=1, beta=-0.3), rel=1e-12)
    for r in rows:
        assert r.measured_rate == pytest.approx(r.local_rate, rel=1e-3)
    with pytest.raises(GandynamicsError, match="one step per player"):
        iteration_matrix("altmomentum", A, 0.2, 1, beta=-0.3, n_d=2)


def test_rates_bad_input(quadratic):
    with pytest.raises(GandynamicsError, match="unknown method"):
        rates(quadratic, ["sgd"], measure=False)
    with pytest.raises(GandynamicsError, match="step"):
        rates(quadratic, ["gd"], step=-1.0, measure=False)
    with pytest.raises(GandynamicsError, match="does not contain the equilibrium"):
        from gandynamics.analysis.constants import Region
        rates(quadratic, ["gd"], region=Region.box([1, 1], [2, 2]), measure=False)
    assert set(RATE_METHODS) >= {"gd", "altgd", "eg", "eftp", "ogda", "momentum", "altmomentum", "flow"}


@pytest.mark.parametrize("reg,closed", [
    # docs/mathematics.md §1.10, simultaneous GD step limit h < 2|Re l|/|l|^2 on the Dirac-GAN, f'(0) = 1/2, f''(0) = -1/4
    ("consensus:gamma=1", lambda: 2 * 1 / (1 * 0.25 + 1)),                 # 2 g / (g^2 f'^2 + 1)
    ("r1:gamma=0.3", lambda: 0.3 / 0.25),                                  # g / f'^2
    ("instance-noise:sigma=0.5", lambda: 2 * 0.25 * 0.25 / 0.25),          # 2 |f''| s^2 / f'^2 (complex regime)
    ("nagarajan-kolter:eta=0.5", lambda: 2 * 0.5),                         # 2 eta (complex regime)
])
def test_gd_step_limits_of_the_dirac_table(reg, closed):
    from gandynamics.cli.common import parse_reg
    from gandynamics import make_regularizer
    name, opts = parse_reg(reg)
    fld = VectorField(games.dirac(), [make_regularizer(name, **opts)])
    A = fld.eval_DF([0.0, 0.0])
    assert largest_stable_step("gd", A) == pytest.approx(closed(), rel=1e-9)


@pytest.mark.parametrize("reg,closed", [
    # docs/mathematics.md §1.10, the column "GD stable for", located by simulation instead of by rho(h) = 1
    # (each located by simulation in 0.9-1.4 s cold: r1 in the default pass, the others -m slow; the closed forms
    # of the whole table are checked without simulating above)
    pytest.param("consensus:gamma=1", 2 * 1 / (1 * 0.25 + 1), marks=pytest.mark.slow),
    ("r1:gamma=0.3", 0.3 / 0.25),
    pytest.param("instance-noise:sigma=0.5", 2 * 0.25 * 0.25 / 0.25, marks=pytest.mark.slow),  # (1.6 s, -m slow)
    pytest.param("nagarajan-kolter:eta=0.5", 2 * 0.5, marks=pytest.mark.slow),
    # (JARE is consensus optimisation on the Dirac-GAN, the same closed form and F: 1.5 s cold, -m slow)
    pytest.param("jare:gamma=1", 2 * 1 / (1 * 0.25 + 1), marks=pytest.mark.slow),
])
def test_gd_step_limits_of_the_dirac_table_by_simulation(reg, closed):
    """Bisection on the verdict of simulated GD runs (3000 steps from (1e-3, 1e-3), close enough for the
    linearisation) finds the closed-form step limit to 2 % (near the limit the contraction per step is too
    slow to show within the run, which biases the located step low by up to about 1 %)."""
    from gandynamics.cli.common import parse_reg
    from gandynamics import make_regularizer, simulate
    name, opts = parse_reg(reg)
    fld = VectorField(games.dirac(), [make_regularizer(name, **opts)])
    lo, hi = 0.5 * closed, 1.5 * closed
    assert simulate(fld, "gd", [1e-3, 1e-3], 3000, lo).verdict == "converging"
    assert simulate(fld, "gd", [1e-3, 1e-3], 3000, hi).verdict != "converging"
    for _ in range(7):
        mid = 0.5 * (lo + hi)
        if simulate(fld, "gd", [1e-3, 1e-3], 3000, mid).verdict == "converging":
            lo = mid
        else:
            hi = mid
    assert 0.5 * (lo + hi) == pytest.approx(closed, rel=0.02, abs=0)


@pytest.mark.slow  # (3-5 s; run in CI's -m slow pass, session 10: the README's command back under 3 min)
def test_flow_rate_is_the_exact_flow_and_h_max_is_rk4s_limit(quadratic):
    """Bilinear game: the flow rotates (rate exp(h * 0) = 1 per unit time, measured by adaptive Dormand-Prince
    to 1e-9), and RK4 is stable up to |h lambda| = 2 sqrt 2 on the imaginary axis (lambda = ±i)."""
    from gandynamics.methods.tableaux import RK4
    params = {"a": 0.0, "b": 1.0, "c": 0.0}
    rows, _ = rates(quadratic, methods=["flow"], params=params, step=0.5)
    r = rows[0]
    assert r.local_rate == pytest.approx(1.0, rel=0, abs=1e-15)
    assert r.measured_rate == pytest.approx(1.0, rel=0, abs=1e-9)
    assert r.largest_stable_step == pytest.approx(2 * math.sqrt(2), rel=1e-10, abs=0)
    assert abs(RK4.stability_function(2j * math.sqrt(2))) == pytest.approx(1.0, rel=1e-12, abs=0)
    # R1 Dirac: real-part damping -> exp(h alpha) with alpha = -gamma/2
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    rows, _ = rates(fld, methods=["flow"], step=0.5)
    assert rows[0].local_rate == pytest.approx(math.exp(-0.5 * 0.15), rel=1e-12, abs=0)
    assert rows[0].measured_rate == pytest.approx(rows[0].local_rate, rel=1e-5, abs=0)  # non-normal J: modulated


def test_defective_eigenvalue_rate_matches_local_rate(quadratic):
    """EG at its optimal step on the bilinear game and R1 Dirac at gamma = 2 f'(0): the dominant eigenvalue is
    defective (distance ~ k rho^k); the fit's c log k term keeps measured = local within 1e-5."""
    params = {"a": 0.0, "b": 1.0, "c": 0.0}
    rows, _ = rates(quadratic, methods=["eg", "eftp"], params=params, step="optimal")
    for r in rows:
        assert r.measured_rate == pytest.approx(r.local_rate, rel=1e-5, abs=0), r.method
    fld = VectorField(games.dirac(), [R1(gamma=1.0)])  # gamma = 2 f'(0): J = [[0,-1/2],[1/2,-1]], eigenvalue -1/2 twice
    A = fld.eval_DF([0.0, 0.0])
    rho = local_rate("gd", A, 0.5)
    tr = measured_rate(fld, "gd", 0.5, [0.03, -0.04], expected=rho)
    assert rho == pytest.approx(0.75, rel=1e-12, abs=0)  # |1 + h lambda| = 1 - 0.25
    assert tr.rate == pytest.approx(rho, rel=1e-6, abs=0)
    assert tr.reading["poly_order"] == pytest.approx(1.0, rel=0, abs=0.05)


@pytest.mark.slow  # 1.7 s with warm caches on the 2-core CI machine
def test_rates_table_on_a_box_and_for_the_flow():
    # A = [[a, 1], [-1, c]] with a = 0.5, c = 1.5 (linear: certified constants are exact); on a box the start
    # is at half the smallest half-width from z* (0.5 * 0.2 = 0.1); the flow has no optimal step and is
    # measured at h = 1/L with rate exp(h alpha), alpha = max Re eig(-A) = -(a + c)/2 (complex pair)
    fld = cubic_quadratic(0.5, 1.0, 1.5, 0.0)   # the quadratic game (d = 0), tests/conftest.py
    rows, info = rates(fld, ["gd", "flow"], region="box:-0.2:0.2,-0.3:0.3")
    L = math.sqrt(2.25 + math.sqrt(2))
    assert info["lipschitz"]["hi"] == pytest.approx(L, rel=1e-9, abs=0)
    for r in rows:
        assert np.linalg.norm(r.start) == pytest.approx(0.1, rel=1e-12, abs=0)
    flow = rows[1]
    assert flow.method == "flow" and flow.optimal_step is None
    assert flow.step == pytest.approx(1 / L, rel=1e-9, abs=0)
    assert flow.options["spectral_abscissa"] == pytest.approx(-1.0, rel=1e-12, abs=0)
    assert flow.local_rate == pytest.approx(math.exp(-flow.step), rel=1e-12, abs=0)
    assert flow.measured_rate == pytest.approx(flow.local_rate, rel=2e-3, abs=0)   # measured 1.2e-3 (non-normal A)


def test_a_theorem_step_asked_for_where_none_applies_says_so():
    """step='theory': a method with a theorem step and mu > 0 runs at it; one without (altgd, momentum) or with
    certified mu <= 0 (the bilinear game, mu = 0) runs at the optimal step and says why, never silently."""
    import sympy as sp
    from gandynamics import Game, VectorField
    from gandynamics.analysis.rates import optimal_step, rates, theory_step
    x, y = sp.symbols("x y")
    strong = VectorField(Game([x], [y], x**2 / 2 + 2 * x * y, y**2 / 2 - 2 * x * y, equilibrium=(0, 0)))
    rows, info = rates(strong, ["gd", "altgd", "momentum"], step="theory", region="ball:0.5", measure=False)
    by = {r.method: r for r in rows}
    mu, L = info["mu"]["lo"], info["lipschitz"]["hi"]
    # F = A z with A = [[1, 2], [-2, 1]]: mu = 1 (symmetric part I), L = |A| = sqrt 5
    assert mu == pytest.approx(1.0, rel=1e-6, abs=1e-9) and L == pytest.approx(5 ** 0.5, rel=1e-3, abs=0)
    assert by["gd"].step_rule == "theorem"
    assert by["gd"].step == pytest.approx(theory_step("gd", mu, L), rel=1e-12, abs=0)
    A = np.array([[1.0, 2.0], [-2.0, 1.0]])
    for m in ("altgd", "momentum"):
        assert by[m].step_rule == f"optimal, as {m} has no theorem step"
        assert by[m].step == pytest.approx(optimal_step(m, A, n_theta=1)[0], rel=1e-9, abs=0)
    flat = VectorField(Game([x], [y], x * y, -x * y, equilibrium=(0, 0)))
    (row,), _ = rates(flat, ["eg"], step="theory", region="ball:0.5", measure=False)
    assert row.step_rule.startswith("optimal, as the theorem's step needs mu > 0")
    assert row.step == pytest.approx(2 ** -0.5, rel=1e-6, abs=0)  # EG's optimal step on bilinear: 1/sqrt 2
    assert rates(strong, ["gd"], step=0.1, region="ball:0.5", measure=False)[0][0].step_rule == "given"


@given(st.lists(st.floats(0.05, 5.0), min_size=1, max_size=4), st.lists(st.floats(-5.0, 5.0), min_size=4, max_size=4))
@settings(max_examples=25, deadline=None)
@pytest.mark.slow  # 1.9 s with warm caches on the 2-core CI machine
def test_the_proximal_point_method_has_no_optimal_step_on_a_monotone_game(re_parts, im_parts):
    """On A with eigenvalues of positive real part, the proximal rate max_i 1/|1 + h lambda_i| decreases in h to 0:
    optimal_step says inf (not the top of its search grid) and every step is stable; the rate at the large
    probe step is the closed form there."""
    from gandynamics.analysis.rates import optimal_step
    blocks = [np.array([[a, b], [-b, a]]) for a, b in zip(re_parts, im_parts)]
    A = np.zeros((2 * len(blocks), 2 * len(blocks)))
    for i, B in enumerate(blocks):
        A[2 * i:2 * i + 2, 2 * i:2 * i + 2] = B
    h, rho = optimal_step("proximal", A)
    assert h == math.inf and rho == 0.0  # the infimum, not attained (its value at the probe step, 1e-12, was shown)
    lam = np.linalg.eigvals(A)
    h_big = 1e12 / np.max(np.abs(lam))
    assert np.max(1 / np.abs(1 + h_big * lam)) < 1e-9  # (the closed form at the largest probe: falling to 0 like 1/h)
    assert largest_stable_step("proximal", A) == math.inf
    # the other methods keep a finite optimum on the same operators (their rate grows again for large h)
    assert math.isfinite(optimal_step("eg", A)[0])


def test_a_measured_rate_above_the_local_one_is_explained_by_the_transient():
    """Lookahead (gd, k = 5, alpha = 1/2) on the R1 Dirac-GAN at gamma = 1 (A has the double eigenvalue 1/2,
    a Jordan block): at h = 4 each inner gd step has multiplier 1 - 4/2 = -1, and 1/2 (I + M^5) is nilpotent up
    to rounding (rho ~ 0.02) but of norm 10.  From |z0| = 0.05 the run leaves the linear regime and diverges;
    the row says why.  From |z0| = 5e-4 the measured rate is the local one and no note is needed."""
    fld = VectorField(games.dirac(), [R1()])
    (far,), _ = rates(fld, ["lookahead"], step="optimal", params={"gamma": 1.0}, region="ball:0.1")
    assert far.step == pytest.approx(4.0, rel=1e-6, abs=0)
    A = np.array([[0.0, 0.5], [-0.5, 1.0]])  # DF at z* (docs/mathematics.md §1.1: f'(0) = -1/2)
    T = iteration_matrix("lookahead", A, 4.0)
    assert np.linalg.norm(T, 2) > 5 and far.local_rate < 0.05
    assert far.diverged_at is not None and "non-normal" in far.note
    (near,), _ = rates(fld, ["lookahead"], step="optimal", params={"gamma": 1.0}, region="ball:0.001")
    # (4 %: at rho = 0.02 the distances are accurate for the first ~88 steps only, down to 2^-511, where the kernels'
    # sums of squares turn subnormal (runs.ratefit.RECORD_FLOOR); those give 0.02201 = local + 3.1 %, the transient of
    # a matrix of norm 10.  The 0.7 % seen before came from samples recorded through subnormal squares, 1e-158 to
    # 2e-162, wrong by up to 1e-2.)
    assert near.measured_rate == pytest.approx(near.local_rate, rel=4e-2, abs=0) and near.note == ""


@pytest.mark.parametrize("kwargs, match", [
    ({"steps": 0}, r"^steps must be a whole number >= 1, got 0$"),
    ({"steps": 2.5}, r"^steps must be a whole number >= 1, got 2.5$"),
    ({"n_g": 0, "methods": ("altgd",)}, r"^n_g must be a whole number >= 1, got 0$"),
    ({"n_d": -1, "methods": ("altgd",)}, r"^n_d must be a whole number >= 1, got -1$"),
    ({"beta": float("nan"), "methods": ("momentum",)}, r"^beta must be a finite number, got nan$"),
])
def test_rates_refuses_bad_arguments_up_front(kwargs, match):
    # they were checked inside the per-method loop, whose errors become rows: rates(fld, steps=0) returned three
    # "undefined" rows, rates(fld, methods=("altgd",), n_g=0) a row "no stable step"
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    with pytest.raises(GandynamicsError, match=match):
        rates(fld, measure=False, **kwargs)


@pytest.mark.parametrize("call", [
    lambda A: local_rate("gd", A, 0.1, beta=0.5),
    lambda A: local_rate("flow", A, 0.1, n_g=2),
    lambda A: iteration_matrix("eg", A, 0.1, 1, n_d=3),
    lambda A: optimal_step("eftp", A, beta=-0.2),
    lambda A: local_rate("lookahead", A, 0.1, 1, beta=0.5, base="gd"),
    lambda A: local_rate("momentum", A, 0.1, 1, n_g=2),
])
def test_an_option_the_method_does_not_take_is_refused(call):
    """local_rate("gd", A, h, beta=0.5) returned gd's rate as if beta were not given (and so did every per-method
    function for beta, n_g, n_d): refused, as rates(), sweep and simulate refuse it."""
    A = np.array([[0.0, 1.0], [-1.0, 0.3]])
    with pytest.raises(GandynamicsError, match=r"takes no (beta|n_g|n_d) \(given"):
        call(A)
    assert local_rate("lookahead", A, 0.1, 1, beta=0.5, base="momentum") != local_rate(
        "lookahead", A, 0.1, 1, beta=0.0, base="momentum")  # taken through lookahead's base


def test_a_neutral_spectrum_has_no_stable_step_and_its_note_states_the_tolerance():
    """Alternating gd on the bilinear game x*y: M(h) = [[1, -h], [h, 1 - h^2]] has det 1 and trace 2 - h^2, so
    |lambda| = 1 exactly for 0 < h < 2 and more beyond (closed form): no step is stable. The smallest rho found
    computes as 1 - 1e-16 now and then; the table's note says that no step reached rho < 1 - STABLE_TOL, so a
    rho_opt just below 1 reads as 1 to rounding (it read 'rho >= 1' beside rho_opt = 1 - 9.99e-16)."""
    from gandynamics.analysis.rates import NO_STABLE_STEP, STABLE_TOL, optimal_step
    A = np.array([[0.0, 1.0], [-1.0, 0.0]])  # DF of the bilinear game's field at (0, 0)
    for h in (0.1, 1.0, 1.9):  # the closed form against the iteration matrix numpy builds
        assert max(abs(np.linalg.eigvals(iteration_matrix("altgd", A, h, n_theta=1)))) == pytest.approx(1, abs=1e-14)
    h_opt, r_opt = optimal_step("altgd", A, n_theta=1)
    assert h_opt is None and abs(r_opt - 1) <= STABLE_TOL
    from gandynamics.cli import main
    import contextlib, io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["rates", "bilinear", "--methods", "altgd", "--no-measure"]) == 0
    assert f"altgd: {NO_STABLE_STEP} (rho_opt is 1 to rounding)" in out.getvalue()
    assert "rho >= 1 - 1e-12 for every step tried" in out.getvalue()


@pytest.mark.parametrize("h", [5.0, 100.0])
def test_an_unstable_step_is_not_explained_by_non_normality(h):
    """rho >= 1 (gd on the R1 Dirac-GAN beyond its largest stable step 1.2): the run diverges because the step is
    unstable; the note had blamed a non-normal iteration matrix ('|T|_2 = 66.9 > 1 although rho = 49.7')."""
    from gandynamics import R1, VectorField, games
    from gandynamics.analysis.rates import rates
    rows, _ = rates(VectorField(games.dirac(), [R1(gamma=0.3)]), ["gd"], step=h)
    assert rows[0].local_rate >= 1 and "non-normal" not in rows[0].note


@pytest.mark.parametrize("limit,p", [(0.0, 1.0), (0.0, 2.0), (0.3, 1.0), (1e-3, 1.0), (0.0, 0.5)])
def test_a_rate_falling_for_ever_reports_its_infimum(monkeypatch, limit, p):
    """When rho(h) decreases for every h the optimal step is inf and the rate reported is the infimum: 0 for a rate
    that falls like 1/h or faster (its value at the last probe, 1e-12, had been shown as an optimal rate), else its
    value at the last probe (a positive limit, to within its change there; a slow fall, h^-0.5, is not taken for one
    to 0).  Synthetic rates rho(h) = limit + (1 - limit) / (1 + h)^p."""
    import importlib
    R = importlib.import_module("gandynamics.analysis.rates")  # (the package exports a function of that name)
    # (the searches read the rate through rate_function: the eigenvalues of A once for every step tried)
    monkeypatch.setattr(R, "rate_function", lambda method, A, *a, **k: lambda h: limit + (1.0 - limit) / (1.0 + h) ** p)
    h, rho = R.optimal_step("proximal", np.eye(2))
    assert h == math.inf
    if p >= 1.0 and limit == 0.0:
        assert rho == 0.0
    elif limit == 0.0:
        assert rho == pytest.approx((1.0 + 1e12) ** -p, rel=1e-6) and rho > 0.0
    else:
        assert rho == pytest.approx(limit, rel=1e-9)


@pytest.mark.parametrize("h", [0.5, 2.0, 6.0])
def test_the_flow_row_says_it_is_the_exact_flow_and_what_rk4_does_at_the_step(h):
    """The flow row's local and measured rates are the exact flow's, exp(h alpha), but its h_max is RK4's limit: at
    h = 6 > 5.67 it read 'converging at 0.40657' beside h_max 5.6706, while simulate --method flow (RK4) did not
    converge.  The row's note names both: RK4's rate at the step, against the closed form of its stability
    function 1 + z + z^2/2 + z^3/6 + z^4/24 at z = h lambda (lambda = -0.15 +- 0.47697i, the R1 Dirac-GAN at
    gamma = 0.3), and simulate's own run where it is stable."""
    import cmath

    from gandynamics import R1, VectorField, games, simulate
    from gandynamics.analysis.rates import rates
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    rows, _ = rates(fld, ["flow"], step=h, measure=False)
    lam = complex(-0.15, math.sqrt(0.25 - 0.15**2))
    z = h * lam
    rk4 = abs(1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24)
    assert rows[0].local_rate == pytest.approx(abs(cmath.exp(z)), rel=1e-12)
    note = rows[0].note
    assert "the exact flow over a time h" in note and "RK4" in note, note
    assert float(note.split("whose rate at this step is ")[1].split()[0].rstrip(";")) == pytest.approx(rk4, rel=1e-5)
    if rk4 < 0.99:  # (simulate's default integrator measures RK4's rate, not the flow's)
        assert simulate(fld, "flow", [0.05, 0.05], 60, h).rate == pytest.approx(rk4, rel=1e-3)


@pytest.mark.parametrize("h", [0.2, 0.5, 0.9, 1.5])
def test_an_unstable_steps_rate_is_measured_while_the_run_stays_in_the_linear_regime(h):
    """gd on the unregularized Dirac-GAN at an unstable step: local rate sqrt(1 + h^2/4) (DF(z*) = [[0, 1/2], [-1/2,
    0]], M18 §2.2: the multipliers 1 -+ i h/2).  Measured over a whole run that moved from 0.05 to 3.7 or 8.3 away
    from z*, where the sigmoid saturates, it read 1.00026 at h = 0.2 and 1.00037 at h = 0.9, the phases mixed; it is
    measured over the steps within 10 times the start's distance (the row's measured_until, said in its note, with
    the whole run's rate), and there it is the closed form's to 2e-3.  A run short enough never to leave that window
    is measured whole, without the note."""
    from gandynamics import VectorField, games
    from gandynamics.analysis.rates import LINEAR_WINDOW, rates
    fld = VectorField(games.dirac())
    rho = math.sqrt(1 + h * h / 4)
    (row,), _ = rates(fld, ["gd"], step=h, steps=5000)
    assert row.local_rate == pytest.approx(rho, rel=1e-12)
    assert row.measured_rate == pytest.approx(rho, rel=2e-3), row
    k = math.log(LINEAR_WINDOW) / math.log(rho)  # (the steps to leave the window at the local rate, by hand)
    assert row.measured_until is not None and 0.7 * k <= row.measured_until <= 1.3 * k, (row.measured_until, k)
    assert f"measured over the first {row.measured_until} steps" in row.note and "over all its steps" in row.note
    short = int(0.5 * k)
    if short >= 8:
        (s,), _ = rates(fld, ["gd"], step=h, steps=short)
        assert s.measured_until is None and "measured over the first" not in s.note
        assert s.measured_rate == pytest.approx(rho, rel=5e-3)


@pytest.mark.parametrize("method", ["gd", "altgd", "momentum"])
def test_no_stable_step_reports_the_infimum_as_h_goes_to_zero(method):
    """At an equilibrium no step of gd stabilises (DF's eigenvalues -0.1 +- i: 1 - h lambda has modulus > 1 for every
    h > 0, checked with numpy on a grid), the least rate is approached as h -> 0: rho_opt is its limit there, 1, not
    the 1.00007 of the smallest step tried (a new user's unstable game)."""
    A = np.array([[-0.1, 1.0], [-1.0, -0.1]])
    for h in np.logspace(-6, 2, 50):
        assert np.max(np.abs(np.linalg.eigvals(np.eye(2) - h * A))) > 1
    h_opt, r_opt = optimal_step(method, A, n_theta=1, beta=-0.5 if method == "momentum" else 0.0)
    assert h_opt is None and r_opt == 1.0


@pytest.mark.parametrize("method, options", [("gd", {}), ("eg", {}), ("eftp", {}), ("momentum", {"beta": -0.5}),
                                             ("altgd", {"n_theta": 1})])
def test_the_optimal_step_of_a_game_near_the_largest_double_ends(method, options):
    """quadratic at b = 1e308: J = [[-1, -1e308], [1e308, -1]], steps near 1e-312 (subnormal, spaced 5e-12 relative):
    the golden-section refinement to 1e-15 relative never ended (``rates`` hung).  It ends, with the scale invariance
    of the rate: the optimum of A / 2^1000 times 2^-1000 where both are found."""
    import time

    from gandynamics.analysis.rates import optimal_step
    A = np.array([[1.0, 1e308], [-1e308, 1.0]])
    t0 = time.monotonic()
    h, rho = optimal_step(method, A, **options)  # (momentum at beta = -0.5, the command line's default, hung)
    assert time.monotonic() - t0 < 60
    h2, rho2 = optimal_step(method, A * 2.0 ** -1000, **options)
    if h is not None and h2 is not None:
        assert rho == pytest.approx(rho2, rel=1e-6)


@pytest.mark.parametrize("radius", [1e7, 1e9, 1e12])
def test_a_region_whose_start_lies_beyond_the_default_bound_keeps_every_column_that_does_not_depend_on_the_run(radius):
    """A new user's finding: rates --region ball:1e9 blanked every column of every row (the measured run's start lay
    beyond simulate's bound 1e6, the advice named a --bound that rates has not).  The measured runs' bound covers the
    region (1000 times its extent); a run that cannot be made leaves the local rate and the steps, which do not depend
    on it, and says why."""
    from gandynamics.analysis.rates import rates
    fld = VectorField(games.make_game("quadratic", a=0.3, b=1.0, c=0.5))
    rows, _ = rates(fld, ["gd", "eg"], region=f"ball:{radius:g}", max_seconds=2.0)
    A = fld.eval_DF(np.zeros(2))
    for r in rows:
        assert r.local_rate == pytest.approx(local_rate(r.method, A, r.step), rel=1e-12)
        assert r.optimal_step is not None and r.largest_stable_step is not None
        assert "--bound" not in (r.note or "")
    # the linear game's runs contract from any start: measured like the local rate
    assert all(r.measured_rate == pytest.approx(r.local_rate, rel=1e-3) for r in rows)


def test_a_measured_run_that_does_not_converge_says_its_rate_is_no_convergence_rate():
    """A new user's finding: eftp's 'measured 0.999996' beside a local 0.9916, from a start that went to another
    attractor, had no note.  Alternating GD on the bilinear game runs on a bounded orbit (rho = 1): its measured rate
    is said to be no rate of convergence; a converging run (eg) has no such note."""
    from gandynamics.analysis.rates import rates
    fld = VectorField(games.make_game("bilinear"))
    rows, _ = rates(fld, ["altgd", "eg"], region="ball:1", step=0.3, max_seconds=2.0)
    alt, eg = rows
    assert alt.measured_rate is not None and ("the measured run did not converge to z*, so its fitted rate is no rate of "
                                              "convergence: bounded, not converging") in alt.note
    assert eg.measured_rate < 1 and "did not converge" not in (eg.note or "")


def _own_matrices(A):
    """The iteration matrices of gd, eg, eftp and ogda at J = A (written here from the update rules, not the module's)."""
    n = A.shape[0]
    I, Z = np.eye(n), np.zeros((n, n))
    return {"gd": lambda h: I - h * A, "eg": lambda h: I - h * A + h * h * A @ A,
            "eftp": lambda h: np.block([[I - h * A, h * h * A @ A], [I, -h * A]]),
            "ogda": lambda h: np.block([[I - 2 * h * A, h * A], [I, Z]])}


@settings(max_examples=12, deadline=None)
@given(a=st.floats(-0.5, 0.5), b=st.floats(0.3, 3.0), c=st.floats(0.2, 2.0))
@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_the_stable_steps_are_the_interval_a_dense_grid_finds(a, b, c):
    """A spiral J = [[-a, b], [-c, -a]] (eigenvalues -a +- i sqrt(bc)): where v spirals out (a > 0) extragradient,
    EFTP and OGDA are stable only on an interval away from 0 (classify had said "for h < 0.73375" of EG stable for
    0.230 < h < 0.734), gd on none (rho = |1 - h lambda| > 1 at every step); where it spirals in, from 0.  The ends
    against the spectral radii of this file's own iteration matrices on a grid of 3,000 steps."""
    assume(abs(a) > 0.02)
    A = np.array([[-a, b], [-c, -a]])
    hs = np.linspace(1e-4, 6.0 / math.sqrt(b * c), 3000)
    dh = hs[1] - hs[0]
    for m, M in _own_matrices(A).items():
        ok = np.max(np.abs(np.linalg.eigvals(np.array([M(h) for h in hs]))), axis=1) < 1 - 1e-9
        hi = largest_stable_step(m, A)
        if not ok.any():
            assert hi is None or hi < 2 * dh, (m, hi)
            if m == "gd" and a > 0:
                assert unstable_at_every_step(m, A)
            continue
        lo = smallest_stable_step(m, A)
        assert hi is not None and lo is not None, m
        first, last = hs[ok][0], hs[ok][-1]
        assert abs(hi - last) <= 2 * dh, (m, hi, last)
        if first <= 2 * dh:  # (stable from the smallest steps on)
            assert lo == 0.0, (m, lo)
        else:
            assert abs(lo - first) <= 2 * dh, (m, lo, first)
        assert not unstable_at_every_step(m, A)


def test_marginal_steps_are_stable_from_zero_and_undecided_ones_stay_undecided():
    """The bilinear game (eigenvalues +-i): EG is stable for 0 < h < 1 (rho^2 = 1 - h^2 + h^4), whose rate reaches 1
    only to rounding as h -> 0: the lower end is 0, not the step where 1 - h^2/2 rounds to 1; gd is unstable at every
    step (sqrt(1 + h^2) > 1); altgd's rate is 1 exactly for h < 2 (a multiplier on the circle): not 'unstable'."""
    A = np.array([[0.0, 1.0], [-1.0, 0.0]])
    assert smallest_stable_step("eg", A) == 0.0 and largest_stable_step("eg", A) == pytest.approx(1.0, rel=1e-9)
    assert unstable_at_every_step("gd", A) and largest_stable_step("gd", A) is None
    assert not unstable_at_every_step("altgd", A, n_theta=1)


def test_step_searches_decompose_the_matrix_once(monkeypatch):
    """The step searches ask for the rate at about a thousand steps; the eigenvalues of A are computed once for all
    of them (rate_function; eigbounds.memo), where each step decomposed A again (an hour of LAPACK for n = 1,000);
    the rates equal those of the iteration matrices."""
    import importlib
    from gandynamics import eigbounds
    R = importlib.import_module("gandynamics.analysis.rates")  # (the package exports a function of that name)
    rng = np.random.default_rng(5)
    A = rng.normal(size=(7, 7)) + 3.0 * np.eye(7)
    eigbounds._MEMO.clear()
    calls = []
    real = np.linalg.eigvals
    monkeypatch.setattr(np.linalg, "eigvals", lambda M: calls.append(np.shape(M)) or real(M))
    steps = {}
    for m in ("gd", "eg", "eftp", "ogda"):
        h_opt, rho = R.optimal_step(m, A)
        assert R.largest_stable_step(m, A, h_opt=h_opt) is not None
        R.smallest_stable_step(m, A, h_opt=h_opt)
        R.unstable_at_every_step(m, A)
        steps[m] = h_opt
    assert calls == [(7, 7)]
    for m, h_opt in steps.items():
        for h in (0.3 * h_opt, h_opt):
            assert R.local_rate(m, A, h) == pytest.approx(R.spectral_radius(R.iteration_matrix(m, A, h)), rel=1e-9)


def test_the_memo_of_eigenvalues_hands_out_copies():
    from gandynamics.eigbounds import eigen_radii
    A = np.array([[1.0, 2.0], [-3.0, 0.5]])
    w, r = eigen_radii(A)
    w[:] = 0.0
    r[:] = 9.0
    w2, r2 = eigen_radii(A)
    np.testing.assert_allclose(np.sort_complex(w2), np.sort_complex(np.linalg.eigvals(A)))
    assert np.all(r2 < 1e-6)
    A[0, 0] = 5.0  # (contents, not identity: the changed matrix is decomposed again)
    np.testing.assert_allclose(np.sort_complex(eigen_radii(A)[0]), np.sort_complex(np.linalg.eigvals(A)))


def test_a_large_matrix_decomposed_for_its_radii_is_not_decomposed_again(monkeypatch):
    """From SHARED_EIGEN_MIN on, the step searches read the eigenvalues eigen_radii computed (classify reads the flow's
    -A first): no eigvals call, and the same steps as with eigvals to rounding."""
    import importlib
    from gandynamics import eigbounds
    R = importlib.import_module("gandynamics.analysis.rates")
    rng = np.random.default_rng(9)
    n = R.SHARED_EIGEN_MIN + 5
    A = rng.normal(size=(n, n)) / np.sqrt(n) + 2.0 * np.eye(n)
    eigbounds._MEMO.clear()
    eigbounds.eigen_radii(-A)
    calls = []
    real = np.linalg.eigvals
    monkeypatch.setattr(np.linalg, "eigvals", lambda M: calls.append(np.shape(M)) or real(M))
    shared = {m: (R.optimal_step(m, A), R.largest_stable_step(m, A)) for m in ("gd", "eg", "ogda")}
    assert calls == []
    eigbounds._MEMO.clear()
    monkeypatch.setattr(R, "SHARED_EIGEN_MIN", 10 ** 9)
    for m, ((h, rho), hmax) in shared.items():
        (h2, rho2), hmax2 = R.optimal_step(m, A), R.largest_stable_step(m, A)
        assert h == pytest.approx(h2, rel=1e-6) and rho == pytest.approx(rho2, rel=1e-9)
        assert hmax == pytest.approx(hmax2, rel=1e-9)
    assert calls


@pytest.mark.parametrize("seed", range(6))
def test_the_proximal_point_method_at_a_z_star_the_flow_leaves_is_stable_only_for_large_steps(seed):
    """A new user: classify said the proximal point method was stable "for every step h > 0" at a z* that v spirals out
    of (DF with eigenvalues -0.3 +- 0.98i), where 1/|1 + h lambda| > 1 for h < -2 Re lambda / |lambda|^2, and rates
    printed "stable for h < inf".  Generator: A = [[a, w], [-w, a]] (lambda = a +- i w, a < 0) and diagonal A with a
    negative entry; the smallest stable step is the closed form max over lambda of -2 Re lambda / |lambda|^2, computed
    here, and every step is stable where A's eigenvalues all have a positive real part."""
    from gandynamics.analysis.rates import largest_stable_step, smallest_stable_step
    rng = np.random.default_rng(seed)
    a, w, d = -rng.uniform(0.05, 1.0), rng.uniform(0.1, 3.0), -rng.uniform(0.1, 2.0)
    for A in (np.array([[a, w], [-w, a]]), np.diag([rng.uniform(0.5, 2.0), d])):
        lam = np.linalg.eigvals(A)
        want = max(-2 * l.real / abs(l) ** 2 for l in lam if l.real < 0)
        assert smallest_stable_step("proximal", A) == pytest.approx(want, rel=1e-9)
        assert largest_stable_step("proximal", A) == np.inf
        h = want * 0.9  # (below the edge: a multiplier outside the circle, by the closed form)
        assert max(abs(1 / (1 + h * l)) for l in lam) > 1
    assert smallest_stable_step("proximal", np.array([[-a, w], [-w, -a]])) == 0.0


@pytest.mark.parametrize("method", ["gd", "eg", "eftp", "ogda"])
def test_a_step_outside_the_theorems_condition_says_the_condition(method):
    """"step outside the theorem's condition" named none (a new user): the note gives it, with its numbers."""
    from gandynamics.analysis.rates import theoretical_bound
    mu, L = 0.1, 1.0
    b = theoretical_bound(method, 10.0, mu, L)  # (far beyond every theorem's step)
    assert b.factor is None and b.condition and f"({b.condition}, from the certified mu and L" in b.note
    ok = theoretical_bound(method, 1e-3, mu, L)
    assert ok.factor is not None and "outside the theorem" not in ok.note
