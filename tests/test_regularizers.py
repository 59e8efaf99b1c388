"""Each regularizer against the closed forms of docs/mathematics.md (Dirac-GAN, §1) and general matrix identities."""

import re

import numpy as np
import pytest
import sympy as sp

from gandynamics import (JARE, R1, R2, REGULARIZERS, WGANGP, Asymmetric, Consensus, Game, GandynamicsError,
                         InstanceNoise, NagarajanKolter, Tikhonov, VectorField, games, make_regularizer)
from gandynamics.analysis import find_equilibrium

FP, FPP = 0.5, -0.25  # f'(0), f''(0) of the standard loss


def J0(regs, loss="standard", params=None):
    return VectorField(games.dirac(loss), regs).eval_J((0.0, 0.0), params)


@pytest.mark.parametrize("cls", [R1, R2])
@pytest.mark.parametrize("gamma", [0.0, 0.3, 1.0, 2.5])
def test_r1_r2_dirac_closed_form(cls, gamma):
    # docs/mathematics.md §1.7: J = [[0, -f'], [f', -gamma]], eigenvalues -gamma/2 ± sqrt(gamma^2/4 - f'^2)
    J = J0([cls(gamma=gamma)])
    np.testing.assert_allclose(J, [[0, -FP], [FP, -gamma]], atol=1e-15, rtol=1e-14)
    lam = -gamma / 2 + np.sqrt(complex(gamma**2 / 4 - FP**2)) * np.array([1, -1])
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(J)), np.sort_complex(lam), atol=1e-12, rtol=1e-14)


def test_hyperparameter_is_an_argument_not_a_constant():
    f = VectorField(games.dirac(), [R1(gamma=0.3)])
    np.testing.assert_allclose(f.eval_J((0, 0), {"gamma": 0.9}), [[0, -FP], [FP, -0.9]], atol=1e-15, rtol=1e-14)
    np.testing.assert_allclose(f.eval_J((0, 0)), [[0, -FP], [FP, -0.3]], atol=1e-15, rtol=1e-14)


@pytest.mark.parametrize("sigma", [0.3, 0.7, np.sqrt(2)])
def test_instance_noise_closed_form(sigma):
    # docs/mathematics.md §1.6: J = [[0, -f'], [f', 2 sigma^2 f'']]
    np.testing.assert_allclose(J0([InstanceNoise(sigma=sigma)]), [[0, -FP], [FP, 2 * sigma**2 * FPP]], atol=1e-13, rtol=1e-14)


def test_instance_noise_matches_r1_at_gamma_2_sigma2_abs_fpp():
    # docs/mathematics.md §1.6: identical local Jacobians iff gamma = 2 sigma^2 |f''(0)|  (sigma = sqrt(2 gamma) here)
    gamma = 0.3
    sigma = np.sqrt(2 * gamma)
    np.testing.assert_allclose(J0([InstanceNoise(sigma=sigma)]), J0([R1(gamma=gamma)]), atol=1e-13, rtol=1e-14)


def test_instance_noise_away_from_equilibrium_converges_with_order():
    # the quadrature of E f(psi (theta + eps)) converges with the Gauss-Hermite order (independent check
    # with scipy.integrate.quad on the exact Gaussian expectation)
    from scipy import integrate
    th, ps, s = 0.8, 1.1, 0.7
    fp = lambda t: 1 / (1 + np.exp(t))
    dens = lambda e: np.exp(-e**2 / (2 * s**2)) / np.sqrt(2 * np.pi * s**2)
    # v_theta = -E psi f'(psi (theta + eps))
    ref = -integrate.quad(lambda e: ps * fp(ps * (th + e)) * dens(e), -12, 12, epsabs=1e-14)[0]
    errs = []
    for order in (2, 6, 16):
        f = VectorField(games.dirac(), [InstanceNoise(sigma=s, order=order)])
        errs.append(abs(f.eval_v((th, ps))[0] - ref))
    assert errs[2] < 1e-9 and errs[2] < errs[1] < errs[0]


@pytest.mark.parametrize("gamma", [0.5, 1.0, 3.0])
def test_consensus_closed_form(gamma):
    # docs/mathematics.md §1.5: J_CO = [[-gamma f'^2, -f'], [f', -gamma f'^2]]
    np.testing.assert_allclose(J0([Consensus(gamma=gamma)]), [[-gamma * FP**2, -FP], [FP, -gamma * FP**2]], atol=1e-15, rtol=1e-14)


@pytest.mark.parametrize("eta", [0.1, 0.5, 2.0])
def test_nagarajan_kolter_closed_form(eta):
    # docs/mathematics.md §1.8: J = [[-2 eta f'^2, -f'], [f', 0]]
    np.testing.assert_allclose(J0([NagarajanKolter(eta=eta)]), [[-2 * eta * FP**2, -FP], [FP, 0]], atol=1e-15, rtol=1e-14)


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_jare_equals_consensus_on_dirac(gamma):
    # docs/mathematics.md §1.8: JARE is identical to CO on the Dirac-GAN (diagonal blocks of J vanish)
    np.testing.assert_allclose(J0([JARE(gamma=gamma)]), J0([Consensus(gamma=gamma)]), atol=1e-15, rtol=1e-14)


def _quadratic_game(seed, n=2, m=2):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n)); A = A @ A.T
    C = rng.normal(size=(m, m)); C = C @ C.T
    B = rng.normal(size=(n, m))
    x = sp.symbols(f"x1:{n + 1}", real=True)
    y = sp.symbols(f"y1:{m + 1}", real=True)
    X, Y = sp.Matrix(x), sp.Matrix(y)
    L = (X.T * sp.Matrix(A) * X / 2 + X.T * sp.Matrix(B) * Y - Y.T * sp.Matrix(C) * Y / 2)[0, 0]
    return Game.zero_sum(x, y, L, equilibrium=(0,) * (n + m)), n


@pytest.mark.parametrize("seed", [0, 1])
def test_general_identities_at_equilibrium(seed):
    """J_CO = J - g J^T J (M17); J_JARE = (I - g J_off^T) J (docs/mathematics.md §3.4);
    J_NK = J with the generator rows gaining -2 eta J_DG^T [J_DD-ish blocks] (docs/mathematics.md §2.2)."""
    game, n = _quadratic_game(seed)
    z0 = np.zeros(4)
    J = VectorField(game).eval_J(z0)
    g = 0.37
    J_off = J.copy(); J_off[:n, :n] = 0; J_off[n:, n:] = 0
    np.testing.assert_allclose(VectorField(game, [Consensus(gamma=g)]).eval_J(z0), J - g * J.T @ J, atol=1e-12, rtol=1e-14)
    np.testing.assert_allclose(VectorField(game, [JARE(gamma=g)]).eval_J(z0), (np.eye(4) - g * J_off.T) @ J, atol=1e-12, rtol=1e-14)
    # NK in the generator-first ordering: the generator rows of J become J_G - 2 eta (d_theta v_psi)^T J_psi
    eta = 0.21
    Jnk = J.copy()
    K = J[n:, :n]  # d v_psi / d theta
    Jnk[:n, :] = J[:n, :] - 2 * eta * K.T @ J[n:, :]
    np.testing.assert_allclose(VectorField(game, [NagarajanKolter(eta=eta)]).eval_J(z0), Jnk, atol=1e-12, rtol=1e-14)


def test_wgan_gp_is_flagged_nonsmooth_and_jumps():
    # docs/mathematics.md §1.4: v2(theta, 0+) - v2(theta, 0-) = -2 gamma g0 ... (v = -F; F2 jumps by +2 gamma g0)
    f = VectorField(games.dirac("wgan"), [WGANGP(gamma=0.7, target=1.0)])
    assert f.nonsmooth_at((0, 0))
    up, dn = f.eval_v((0.3, 1e-12)), f.eval_v((0.3, -1e-12))
    assert abs(abs(up[1] - dn[1]) - 2 * 0.7 * 1.0) < 1e-9
    # away from psi = 0 it is smooth and equals theta - gamma (|psi| - g0) sign(psi)
    np.testing.assert_allclose(f.eval_v((0.3, 0.5)), [-0.5, 0.3 - 0.7 * (0.5 - 1.0)], atol=1e-12, rtol=1e-14)
    assert not f.nonsmooth_at((0.3, 0.5))
    # target = 0: no jump, and the one-sided slopes are R1's -gamma (a smooth field): the point is not flagged
    # and the Jacobian there is R1's (docs/mathematics.md §1.4, §1.7), against one-sided differences
    f0 = VectorField(games.dirac("wgan"), [WGANGP(gamma=0.7, target=0.0)])
    d = 1e-6
    up, mid, dn = f0.eval_v((0.3, d)), f0.eval_v((0.3, 0.0)), f0.eval_v((0.3, -d))
    assert abs(up[1] - dn[1]) == pytest.approx(2 * 0.7 * d, rel=1e-6, abs=0)
    assert (up[1] - mid[1]) / d == pytest.approx(-0.7, rel=1e-6, abs=0)
    assert (mid[1] - dn[1]) / d == pytest.approx(-0.7, rel=1e-6, abs=0)
    assert not f0.nonsmooth_at((0, 0))
    J = -f0.eval_DF((0.0, 0.0))
    Jfd = np.column_stack([(f0.eval_v((d, 0.0)) - f0.eval_v((-d, 0.0))) / (2 * d),
                           (f0.eval_v((0.0, d)) - f0.eval_v((0.0, -d))) / (2 * d)])
    np.testing.assert_allclose(J, Jfd, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(J[1, 1], -0.7, rtol=1e-12, atol=0)
    # ... and a target other than 0 is flagged at the same point
    assert VectorField(games.dirac("wgan"), [WGANGP(gamma=0.7, target=0.2)]).nonsmooth_at((0, 0))


@pytest.mark.parametrize("on,expected", [("generator", [[0.2, 0], [0, 0]]), ("discriminator", [[0, 0], [0, 0.2]])])
def test_tikhonov_adds_eps_on_one_player(on, expected):
    base = VectorField(games.dirac()).eval_DF((0.1, -0.2))
    reg = VectorField(games.dirac(), [Tikhonov(eps=0.2, on=on)]).eval_DF((0.1, -0.2))
    np.testing.assert_allclose(reg - base, expected, atol=1e-15, rtol=1e-14)


def test_tikhonov_anchor_moves_the_equilibrium():
    # WGAN Dirac + eps/2 (theta - 1)^2: F = (psi + eps (theta - 1), -theta) -> z* = (0, eps)
    f = VectorField(games.dirac("wgan"), [Tikhonov(eps=0.3, anchor=1.0)])
    z, res = find_equilibrium(f)
    np.testing.assert_allclose(z, [0.0, 0.3], atol=1e-10, rtol=1e-14)


@pytest.mark.parametrize("make, match", [
    (lambda: Tikhonov(anchor="x"), r"^tikhonov: anchor must be comma-separated numbers v1,v2,\.\.\., got 'x'$"),
    (lambda: Tikhonov(anchor=float("nan")), r"^tikhonov: anchor must be finite"),
    (lambda: Tikhonov(anchor="1,inf"), r"^tikhonov: anchor must be finite"),
    (lambda: Asymmetric(anchor="inf"), r"^asymmetric: anchor must be finite"),
    (lambda: VectorField(games.dirac("wgan"), [Tikhonov(anchor=[1.0, 2.0])]),
     r"^tikhonov: anchor has 2 entries, the player has 1 parameters$"),
])
def test_tikhonov_anchor_is_finite_numbers(make, match):
    # `--reg tikhonov:anchor=x` ended in float()'s ValueError (a traceback); anchor=nan made F NaN silently
    with pytest.raises(GandynamicsError, match=match):
        make()


@pytest.mark.parametrize("anchor", [1.0, "1", "(1)", [1.0], np.float64(1.0)])
def test_tikhonov_anchor_forms_agree(anchor):
    # the closed form above: z* = (0, eps) for the WGAN Dirac-GAN with eps/2 (theta - 1)^2
    z, _ = find_equilibrium(VectorField(games.dirac("wgan"), [Tikhonov(eps=0.3, anchor=anchor)]))
    np.testing.assert_allclose(z, [0.0, 0.3], atol=1e-10, rtol=1e-14)


@pytest.mark.parametrize("opts,DF", [
    ({"tikhonov_on": "generator"}, [[0.1, FP], [-FP, 1.0]]),                   # (R-a), docs/mathematics.md §4.4
    ({"tikhonov_on": "discriminator"}, [[0, FP], [-FP, 1.1]]),                 # (R-b) = R1 with eps+gamma
    ({"tikhonov_on": "discriminator", "penalty": "nk"}, [[FP**2, FP], [-FP, 0.1]]),  # (R-c) §4.5
    ({"tikhonov_on": "generator", "penalty": "r2"}, [[0.1, FP], [-FP, 1.0]]),
])
def test_asymmetric_readings_on_dirac(opts, DF):
    f = VectorField(games.dirac(), [Asymmetric(eps=0.1, gamma=1.0, **opts)])
    np.testing.assert_allclose(f.eval_DF((0, 0)), DF, atol=1e-15, rtol=1e-14)


def test_composition_and_name_collisions():
    f = VectorField(games.dirac(), [R1(gamma=0.3), Consensus(gamma=0.5)])
    assert set(f.defaults) == {"gamma", "gamma_co"}
    J = J0([R1(gamma=0.3)])
    np.testing.assert_allclose(f.eval_J((0, 0)), J - 0.5 * J.T @ J, atol=1e-14, rtol=1e-14)


def test_structural_regularizer_on_plain_game_is_refused():
    with pytest.raises(GandynamicsError, match="needs a GAN's structure"):
        VectorField(games.bilinear(), [R1(gamma=1)])
    # loss- and field-level ones work on any game
    VectorField(games.bilinear(), [JARE(gamma=1), Consensus(gamma=1), Tikhonov(eps=1)])


@pytest.mark.parametrize("bad,match", [
    (("r1", {"gamma": "-1"}), "finite number >= 0"),
    (("r1", {"gamma": "nan"}), "finite number >= 0"),
    (("r1", {"gamma": "abc"}), "r1: gamma must be a finite number >= 0, got 'abc'"),
    (("r1", {"beta": "1"}), "unknown parameter.*accepted: gamma"),
    (("nope", {}), "unknown regularizer 'nope'; accepted: r1, r2"),
    (("tikhonov", {"on": "both"}), "generator' or 'discriminator"),
    (("asymmetric", {"penalty": "l2"}), "r1, r2, r1\\+r2 or nk"),
])
def test_bad_regularizer_input(bad, match):
    with pytest.raises(GandynamicsError, match=match):
        make_regularizer(bad[0], **bad[1])


def test_multidimensional_wgan_gp_is_finite_and_flagged_at_the_origin():
    # with psi in R^2 the penalty's gradient psi/|psi| is taken as 0 at psi = 0 (the 1-D sign(0) = 0
    # convention), so F is finite there and the analysis reports the kink instead of crashing
    f = VectorField(games.dirac_nd(2, "wgan"), [WGANGP(gamma=0.7, target=1.0)])
    np.testing.assert_allclose(f.eval_F((0.3, 0.1, 0.0, 0.0)), [0.0, 0.0, -0.3, -0.1], atol=0, rtol=1e-14)
    assert f.nonsmooth_at((0, 0, 0, 0)) == ["vnorm(psi1, psi2)"]
    # away from 0: F_psi = -theta + gamma (|psi| - g0) psi / |psi| (docs/mathematics.md §1.4 in d dimensions)
    psi = np.array([0.2, -0.1])
    expected = np.concatenate([psi, -np.array([0.3, 0.1]) + 0.7 * (np.linalg.norm(psi) - 1.0) * psi / np.linalg.norm(psi)])
    np.testing.assert_allclose(f.eval_F((0.3, 0.1, *psi)), expected, rtol=1e-14, atol=0)


@pytest.mark.slow  # 5.1 s with cold caches (fields of its own to derive)
def test_chapter_3_4_regularized_jacobians_match_the_fields():
    # docs/mathematics.md §3.4 states, for the Gaussian example (paper's letters: phi the generator, theta the
    # discriminator; blocks J_{row col}), NK as J - gamma [[0, J_{..}^T], [0, 0]] J, JARE as
    # J - gamma J_off^T J and consensus as J - gamma J^T J.  Read the block the NK row names and compare each
    # formula, built from the unregularized J, with the Jacobian of the field the library derives
    import re
    from pathlib import Path

    from gandynamics import NagarajanKolter, VectorField, spectrum
    from gandynamics.games import jare_gaussian

    text = (Path(__file__).resolve().parents[1] / "docs" / "mathematics.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| NK, $\\eta = \\gamma/2$"))
    m = re.search(r"J_\{\\(phi|theta)\\(phi|theta)\}\^\{\\top\}", row)
    assert m, f"the NK row of §3.4 names no block: {row}"
    game = jare_gaussian()
    J = spectrum(VectorField(game)).jacobian
    n = J.shape[0] // 2
    block = {"phi": slice(0, n), "theta": slice(n, 2 * n)}      # phi = generator rows/columns first
    X = J[block[m.group(1)], block[m.group(2)]].T
    gamma = 0.8
    P = np.zeros_like(J)
    P[:n, n:] = X
    J_nk = spectrum(VectorField(game, [NagarajanKolter(eta=gamma / 2)])).jacobian
    np.testing.assert_allclose(J_nk, J - gamma * P @ J, rtol=1e-12, atol=1e-12)
    J_off = J.copy()
    J_off[:n, :n] = 0.0
    J_off[n:, n:] = 0.0
    np.testing.assert_allclose(spectrum(VectorField(game, [JARE(gamma=gamma)])).jacobian, J - gamma * J_off.T @ J,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(spectrum(VectorField(game, [Consensus(gamma=gamma)])).jacobian, J - gamma * J.T @ J,
                               rtol=1e-12, atol=1e-12)


def test_chapter_1_6_states_the_least_exact_quadrature_order():
    # docs/mathematics.md §1.6: "Gauss–Hermite quadrature with N or more nodes is exact" at the Dirac-GAN's
    # equilibrium.  Independently: the Jacobian there needs E eps^2 only, and an n-node rule integrates
    # degree 2n - 1 exactly, so N must be the least order that reproduces the closed form of §1.6
    import re
    from pathlib import Path

    from gandynamics import VectorField, spectrum
    from gandynamics.games import dirac

    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "mathematics.md").read_text(encoding="utf-8").split())
    m = re.search(r"Gauss–Hermite quadrature with (\d+) or more nodes is exact there", text)
    assert m, "§1.6's statement on the quadrature order was not found"
    least = int(m.group(1))
    sigma, fp, fpp = 0.7, 0.5, -0.25
    root = np.sqrt(complex(sigma**4 * fpp**2 - fp**2))
    ref = np.sort_complex(np.array([sigma**2 * fpp + root, sigma**2 * fpp - root]))

    def err(order):
        eigs = spectrum(VectorField(dirac(), [InstanceNoise(sigma=sigma, order=order)])).eigenvalues
        return np.abs(np.sort_complex(eigs) - ref).max()

    assert err(least) <= 1e-13
    assert err(least - 1) > 1e-3       # one node fewer is not exact: the stated order is the least one


def test_dragan_note_states_the_least_exact_quadrature_order():
    # docs/math/losses-and-regularizers.md §3, the quadratic discriminator D = a x + b x^2/2 with DRAGAN (k = 0):
    # J(0) has the eigenvalues -gamma/2 +- sqrt(gamma^2/4 - f'(0)^2) and -gamma sigma^2 (3.1); the page states
    # from how many nodes the quadrature is exact, which must be the least such order (degree 2 in delta)
    import re
    from pathlib import Path

    from gandynamics import GAN, DRAGAN, Atoms, VectorField, spectrum

    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "math" / "losses-and-regularizers.md")
                    .read_text(encoding="utf-8").split())
    m = re.search(r"The quadrature with (\d+) or more nodes is exact here", text)
    assert m, "the DRAGAN note on the quadrature order was not found"
    least = int(m.group(1))
    th, a, b, x = sp.symbols("theta a b x")
    gan = GAN(theta=[th], psi=[a, b], x=[x], discriminator=a * x + b * x**2 / 2, real=Atoms([0]), fake=Atoms([th]),
              loss="standard", equilibrium=(0, 0, 0))
    gamma, sigma = 0.6, 0.8
    root = np.sqrt(complex(gamma**2 / 4 - 0.25))
    ref = np.sort_complex(np.array([-gamma / 2 + root, -gamma / 2 - root, -gamma * sigma**2]))

    def err(order):
        fld = VectorField(gan, [DRAGAN(gamma=gamma, sigma=sigma, target=0.0, order=order)])
        return np.abs(np.sort_complex(spectrum(fld).eigenvalues) - ref).max()

    assert err(least) <= 1e-13
    assert err(least - 1) > 1e-3


def test_chapter_4_3_names_the_readings_and_the_default_the_regularizer_has():
    # docs/mathematics.md §4.3 gives each reading (R-a, R-b, R-c) with the options that select it and marks the
    # `asymmetric` default; every option set it lists must give that reading, and the marked one the default
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "mathematics.md").read_text(encoding="utf-8")
    sec = text.split("(math-4.3)=", 1)[1].split("(math-4.4)=", 1)[0]
    bullets = re.findall(r"^\* \*\*\((R-[abc])\)\*\*(.*?)(?=^\* |^\S|\Z)", sec, re.S | re.M)
    assert [b[0] for b in bullets] == ["R-a", "R-b", "R-c"]
    defaults = []
    for letter, body in bullets:
        body = " ".join(body.split())
        m = re.search(r"`tikhonov_on=(\w+), penalty=([\w|+]+)`", body)
        assert m, f"({letter}) names no options"
        for pen in m.group(2).split("|"):
            assert Asymmetric(tikhonov_on=m.group(1), penalty=pen).letter == letter
        r = re.search(r"`reading=([\w-]+)`", body)
        assert r, f"({letter}) names no reading"
        assert Asymmetric(reading=r.group(1)).letter == letter
        if "the `asymmetric` default" in body or "`asymmetric` default" in body:
            defaults.append(letter)
    assert defaults == [Asymmetric().letter]


# ---- a regularizer given twice (an adversarial tester: VectorField(g, [R1(gamma=0.3), R1(gamma=0.5)]) added the
# penalty twice, silently, as gamma and gamma_r1; the command line refused --reg r1 --reg r1)
def _same_twice():
    """Pairs of one class with the same options (strengths aside), for every regularizer, options written alike or
    differently (an anchor 1 and "1", an order 3 and "3")."""
    for name, cls in REGULARIZERS.items():
        strengths = list(cls.defaults)
        first = {strengths[0]: 0.3} if strengths else {}
        second = {strengths[0]: 0.5} if strengths else {}
        yield name, cls(**first), cls(**second)
        same = cls(**first)
        yield name + " (one instance twice)", same, same
    yield "tikhonov (an anchor written two ways)", Tikhonov(eps=0.1, anchor=1), Tikhonov(eps=0.2, anchor="1")
    yield "tikhonov (an anchor as a list)", Tikhonov(anchor=[0.5, 0.5]), Tikhonov(anchor=np.array([0.5, 0.5]))
    yield "wgan-gp (an order written two ways)", WGANGP(order=3), WGANGP(gamma=2, order="3")
    yield "asymmetric (a reading by its letter)", Asymmetric(reading="R-b"), Asymmetric(reading="discriminator-only")


@pytest.mark.parametrize("case, a, b", list(_same_twice()), ids=lambda x: x if isinstance(x, str) else "")
def test_a_regularizer_given_twice_is_refused(case, a, b):
    cls = type(a).__name__
    other = JARE(gamma=0.1) if not isinstance(a, JARE) else Consensus(gamma=0.1)
    for regs in ([a, b], [a, other, b]):
        with pytest.raises(GandynamicsError, match=rf"^VectorField: {cls} given twice \({re.escape(repr(a))} and "
                                                   rf"{re.escape(repr(b))}\): its term would be added twice; give one "
                                                   rf"{cls} with the strength wanted$"):
            VectorField(games.dirac(), regs)


def test_two_of_one_class_in_different_roles_are_taken():
    """Two of one class with different options are two terms (each player's Tikhonov term, tests/test_basin.py), and
    a regularizer beside a composition holding one of its class is asked for by name (tests/test_asymmetric.py)."""
    f = VectorField(games.bilinear(), [Tikhonov(eps=0.2), Tikhonov(eps=0.4, on="discriminator")])
    np.testing.assert_allclose(f.eval_DF((0.0, 0.0)), [[0.2, 1.0], [-1.0, 0.4]], atol=1e-15)
    assert set(VectorField(games.dirac(), [R1(gamma=0.2), Asymmetric()]).defaults) == {"gamma", "gamma_r1", "eps"}
    VectorField(games.dirac(), [Tikhonov(anchor=1.0), Tikhonov(anchor=2.0)])  # (two anchors: two terms)
    with pytest.raises(GandynamicsError, match=r"^VectorField: Tikhonov given twice"):  # (one role twice: refused)
        VectorField(games.bilinear(), [Tikhonov(eps=0.2), Tikhonov(eps=0.4, on="generator")])


@pytest.mark.parametrize("name", sorted(REGULARIZERS))
@pytest.mark.parametrize("args", [(0.3,), ("0.3",), (0.3, "generator")], ids=repr)
def test_a_regularizer_takes_its_parameters_by_name(name, args):
    """R1(0.3) was Python's TypeError "takes 1 positional argument but 2 were given", naming no parameter."""
    cls = REGULARIZERS[name]
    with pytest.raises(GandynamicsError, match=rf"^{cls.__name__} takes its parameters by name \("):
        cls(*args)


@pytest.mark.parametrize("make, match", [
    *[(lambda v=v: make_regularizer(v), r"^unknown regularizer ") for v in (["r1"], {"r1": 1}, [])],
    *[(lambda v=v: make_regularizer("sga", align=v), r"^sga: align must be true or false, got ")
      for v in (None, [], [True], {}, float("nan"), 2)],
    *[(lambda v=v: Asymmetric(reading=v), r"^asymmetric: reading must be one of ") for v in (["nk"], {"nk": 1}, 3)],
])
def test_options_of_the_wrong_kind_are_refused(make, match):
    """make_regularizer(["r1"]) and Asymmetric(reading=["nk"]) ended in "unhashable type"; SGA's align=None, [] or nan
    was read by its truth."""
    with pytest.raises(GandynamicsError, match=match):
        make()
