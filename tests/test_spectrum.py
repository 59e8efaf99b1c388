import math

import numpy as np
import pytest
import sympy as sp

from gandynamics import Game, GandynamicsError, R1, Tikhonov, VectorField, games, spectrum, WGANGP
from gandynamics.analysis import conditioning_factor, find_equilibrium, phase_factor


def test_unregularized_dirac_is_marginal_with_eigenvalues_pm_half_i():
    # docs/mathematics.md §1.2: eigenvalues ± f'(0) i = ± 0.5 i
    rep = spectrum(VectorField(games.dirac()))
    np.testing.assert_allclose(rep.eigenvalues, [0.5j, -0.5j], atol=1e-15, rtol=1e-14)
    assert rep.verdict.startswith("marginal") and rep.stable is False
    assert math.isinf(rep.phase_factor) and rep.conditioning_factor == 1.0


def test_bilinear_eigenvalues_pm_i_and_matrix_B():
    np.testing.assert_allclose(spectrum(VectorField(games.bilinear())).eigenvalues, [1j, -1j], atol=1e-15, rtol=1e-14)
    B = np.array([[2.0, 0.0], [0.0, 0.5]])
    eig = spectrum(VectorField(games.bilinear(B))).eigenvalues
    # ± i sigma_j(B)
    np.testing.assert_allclose(sorted(np.abs(eig.imag)), [0.5, 0.5, 2, 2], atol=1e-14, rtol=1e-14)
    assert np.allclose(eig.real, 0)


@pytest.mark.parametrize("gamma", [0.3, 1.0, 1.4])
def test_r1_factors_closed_form(gamma):
    rep = spectrum(VectorField(games.dirac(), [R1(gamma=gamma)]))
    disc = gamma**2 / 4 - 0.25
    if disc < 0:  # complex pair on |lambda| = f'(0)
        assert rep.phase_factor == pytest.approx(math.sqrt(-disc) / (gamma / 2), rel=1e-12)
        assert rep.conditioning_factor == pytest.approx(1.0, abs=1e-12)
    else:
        l1, l2 = -gamma / 2 + math.sqrt(disc), -gamma / 2 - math.sqrt(disc)
        assert rep.phase_factor == 0.0
        assert rep.conditioning_factor == pytest.approx(l2 / l1, rel=1e-12)
    assert rep.spectral_abscissa == pytest.approx(-gamma / 2 + (math.sqrt(disc) if disc > 0 else 0), rel=1e-12)
    assert rep.stable


def test_factor_helpers():
    assert phase_factor([-1 + 2j, -1 - 2j, -3]) == 2.0
    assert math.isinf(phase_factor([1j, -1j]))
    assert conditioning_factor([-1, -4]) == 4.0
    assert math.isinf(conditioning_factor([0, -1]))


def test_unstable_verdict():
    x, y = sp.symbols("x y")
    g = Game(x, y, -x**2 / 2 + x * y, -x * y + y**2 / 2, equilibrium=(0, 0))  # F = (-x + y, -x + y)
    rep = spectrum(VectorField(g), at=(0, 0))
    assert rep.verdict == "unstable" or rep.verdict.startswith("marginal")
    g2 = Game(x, y, -x**2 / 2, -y**2 / 2, equilibrium=(0, 0))  # J = I
    assert spectrum(VectorField(g2)).verdict == "unstable"


def test_equilibrium_search_and_failure():
    # anchored Tikhonov moves the equilibrium; the search finds it from the known one
    f = VectorField(games.dirac("wgan"), [Tikhonov(eps=0.5, anchor=2.0)])
    rep = spectrum(f)
    np.testing.assert_allclose(rep.point, [0.0, 1.0], atol=1e-10, rtol=1e-14)
    assert rep.residual < 1e-10
    x, y = sp.symbols("x y")
    g = Game(x, y, x**2 / 2 + x, y**2 / 2 + 1 + sp.exp(y) * 0 + y * (x**2 + 1), equilibrium=None)
    # F = (x + 1, y + x^2 + 1): zero at x = -1, y = -2
    z, _ = find_equilibrium(VectorField(g))
    np.testing.assert_allclose(z, [-1, -2], atol=1e-10, rtol=1e-14)
    g3 = Game(x, y, sp.exp(x) + x, y**2 / 2)  # F = (e^x + 1, y) has no zero
    with pytest.raises(GandynamicsError, match="equilibrium search .* failed: residual"):
        find_equilibrium(VectorField(g3))


def test_wgan_gp_reports_no_linearisation():
    rep = spectrum(VectorField(games.dirac("wgan"), [WGANGP(gamma=0.7)]))
    assert not rep.differentiable and rep.eigenvalues is None and rep.stable is None
    assert "not differentiable" in rep.verdict


# ---------------------------------------------------------------------------- points that are not equilibria, kinks
def test_no_stability_verdict_away_from_an_equilibrium():
    from gandynamics import R1, VectorField, games, spectrum
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    rep = spectrum(fld, at=[0.5, 0.2])
    F = fld.eval_F([0.5, 0.2])
    assert rep.residual == pytest.approx(float(np.linalg.norm(F)), rel=1e-14, abs=0)
    assert rep.verdict.startswith("not an equilibrium") and rep.stable is None
    np.testing.assert_allclose(rep.jacobian, -fld.eval_DF([0.5, 0.2]), rtol=1e-15, atol=0)  # spectrum still shown
    assert spectrum(fld).stable is True  # at the equilibrium the verdict stands


@pytest.mark.parametrize("piece", ["piecewise", "abs", "max", "heaviside"])
def test_every_kink_at_the_point_is_reported_the_same_way(piece):
    import sympy as sp
    from gandynamics import Game, VectorField, spectrum
    x, y = sp.symbols("x y")
    kink = {"piecewise": sp.Piecewise((x**2, x > 0), (0, True)) / 2 + sp.Piecewise((x, x > 0), (0, True)),
            "abs": sp.Abs(x), "max": sp.Max(x, 0), "heaviside": x * sp.Heaviside(x)}[piece]
    g = Game([x], [y], x**2 / 2 + kink + x * y, -x * y + y**2 / 2, equilibrium=(0, 0))
    rep = spectrum(VectorField(g), tol=np.inf)
    assert not rep.differentiable and rep.verdict.startswith("F is not differentiable here (") and rep.stable is None
    # away from the kink the same game is linearised
    assert spectrum(VectorField(g), at=[-0.5, 0.3], tol=np.inf).differentiable


def test_a_defective_real_eigenvalue_is_reported_real_and_genuine_close_pairs_are_kept():
    """Rounding splits a real Jordan block of size 2 into mu +- i delta or mu +- delta, delta ~ sqrt(eps |J|)
    (lq-wgan + Nagarajan-Kolter printed -2 +- 5.2e-08i): random real matrices S B S^-1 with a Jordan block at mu
    report mu twice, real, to 1e-9; genuine pairs mu +- i delta and mu +- delta with delta down to 1e-7 (and the
    other eigenvalues) are kept as LAPACK gives them."""
    from gandynamics.analysis.spectrum import _real_double_eigenvalues
    rng = np.random.default_rng(7)
    split = 0
    for trial in range(200):
        n = int(rng.integers(2, 7))
        mu = float(rng.uniform(-3, 3))
        S = rng.normal(size=(n, n)) + 3 * np.eye(n)
        B = np.diag(rng.uniform(-5, 5, n))
        B[0, 0] = B[1, 1] = mu
        B[0, 1] = float(rng.uniform(0.5, 2))
        J = S @ B @ np.linalg.inv(S)
        raw = np.linalg.eigvals(J)
        split += int(np.sort(np.abs(raw - mu))[1] > 1e-12)
        got = _real_double_eigenvalues(J, raw)
        near = np.sort(np.abs(got - mu))[:2]
        assert np.all(near <= 1e-9), (trial, raw, got)
        assert np.sum(np.abs(got - mu) <= 1e-9) >= 2 and np.all(got[np.abs(got - mu) <= 1e-9].imag == 0)
        # genuine close pairs: a rotation-scaling block and two real eigenvalues delta apart
        for delta in (1e-4, 1e-6, 1e-7):
            C = np.diag(rng.uniform(-5, 5, n))
            C[:2, :2] = [[mu, delta], [-delta, mu]]
            Jc = S @ C @ np.linalg.inv(S)
            rc = np.linalg.eigvals(Jc)
            np.testing.assert_array_equal(_real_double_eigenvalues(Jc, rc), rc)
            R = np.diag(rng.uniform(-5, 5, n))
            R[0, 0], R[1, 1] = mu - delta / 2, mu + delta / 2
            Jr = S @ R @ np.linalg.inv(S)
            rr = np.linalg.eigvals(Jr)
            np.testing.assert_array_equal(_real_double_eigenvalues(Jr, rr), rr)
    assert split > 100  # (LAPACK did split most blocks: the cases test the repair, not an exact input)


def test_lq_wgan_with_the_nk_term_has_the_real_double_eigenvalue_minus_two():
    from gandynamics import make_regularizer
    f = VectorField(games.make_game("lq-wgan"), [make_regularizer("nagarajan-kolter")])
    e = spectrum(f).eigenvalues
    assert np.sum(e == -2.0) == 2 or np.sum(np.abs(e + 2) <= 1e-12) == 2
    assert np.all(e[np.abs(e + 2) <= 1e-9].imag == 0)


def test_verdicts_and_phase_factors_do_not_depend_on_the_games_scale():
    """J and s J (s from 1e-12 to 1e12) have the same verdict, phase factor and eigenvalues up to s: an absolute floor
    of 1 below |lambda| = 1 read the reviewer's 1e-12 [[0.5, -1], [1, 0.5]] as marginal (phase factor 0) and merged
    its pair into a double real eigenvalue.  Random 2-5 dimensional matrices, and exactly marginal rotations."""
    import sympy as sp

    from gandynamics import Game, VectorField
    from gandynamics.analysis.spectrum import _real_double_eigenvalues, _verdict, phase_factor, real_part_tol
    rng = np.random.default_rng(4)
    mats = [rng.normal(size=(n, n)) for n in (2, 3, 4, 5) for _ in range(10)]
    mats += [np.array([[0.0, -1.0], [1.0, 0.0]]), np.array([[0.5, -1.0], [1.0, 0.5]])]
    for A in mats:
        ref = None
        for s in 10.0 ** np.arange(-12, 13, 3):
            e = _real_double_eigenvalues(s * A, np.linalg.eigvals(s * A))
            got = (_verdict(float(np.max(e.real)), real_part_tol(e)), phase_factor(e))
            if ref is None:
                ref = got
            assert got[0] == ref[0] and (got[1] == pytest.approx(ref[1], rel=1e-6) or got[1] == ref[1]), (A, s, got, ref)
    x, y = sp.symbols("x y", real=True)
    s = 1e-12
    g = Game([x], [y], s * (-x**2 / 4 + x * y), s * (-x * y - y**2 / 4), equilibrium=(0, 0))
    rep = spectrum(VectorField(g))
    assert rep.verdict == "unstable" and rep.phase_factor == pytest.approx(2.0, rel=1e-9)
    assert np.allclose(sorted(rep.eigenvalues.imag), [-s, s], rtol=1e-9, atol=0)


@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_a_zero_given_by_its_rounded_digits_is_analysed_as_the_zero():
    """The kind: a zero of F printed to 6 digits and pasted back as the point (analyze --at, classify --at): it was
    "not stationary (||F|| = 8.65e-07)".  Members: the zeros of games F = (x^2 - a + b y, c y - d x) at random
    coefficients, whose zeros are known in closed form (sympy here); each rounded to 6 significant digits is taken as
    the zero (to 1e-12 of the closed form), with a note saying so; a point 1e-2 away is not (no verdict, and
    classify refuses it)."""
    import sympy as sp

    from gandynamics import GandynamicsError, Game
    from gandynamics.analysis import classify, spectrum
    x, y = sp.symbols("x y", real=True)
    rng = np.random.default_rng(5)
    for _ in range(4):
        a, b, c, d = (sp.Rational(int(v), 100) for v in rng.integers(50, 300, 4))
        g = Game(theta=[x], psi=[y], loss_g=x**3 / 3 - a * x + b * x * y, loss_d=c * y**2 / 2 - d * x * y, name="t")
        fld = VectorField(g, [])
        zeros = sp.solve([x**2 - a + b * y, c * y - d * x], [x, y], dict=True)
        for zsol in zeros:
            exact = np.array([float(zsol[x]), float(zsol[y])])
            rounded = [float(f"{v:.6g}") for v in exact]
            rep = spectrum(fld, at=rounded)
            np.testing.assert_allclose(rep.point, exact, rtol=1e-12, atol=1e-14)
            assert "taken as the zero of F" in rep.note and not rep.verdict.startswith("not an equilibrium")
            c_ = classify(fld, at=rounded)
            np.testing.assert_allclose(c_.point, exact, rtol=1e-12, atol=1e-14)
            assert any("taken as the zero of F" in n for n in c_.notes)
            off = [v + 1e-2 for v in exact]
            rep = spectrum(fld, at=off)
            assert rep.note == "" and rep.verdict.startswith("not an equilibrium")
            np.testing.assert_array_equal(rep.point, off)
            with pytest.raises(GandynamicsError, match="not stationary"):
                classify(fld, at=off)


def test_a_point_where_f_is_not_finite_is_refused_by_every_point_analysis():
    """log(x) y at x = -1: F is NaN there while its Jacobian is finite (analyze printed eigenvalues +-i): refused in
    one sentence by analyze and classify alike."""
    import sympy as sp

    from gandynamics import GandynamicsError, Game
    from gandynamics.analysis import classify, spectrum
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game(theta=[x], psi=[y], loss_g=sp.log(x) * y, loss_d=-sp.log(x) * y + y**2 / 2, name="logg"), [])
    for fn in (spectrum, classify):
        with pytest.raises(GandynamicsError, match=r"F is not finite at \(-1, 0\)"):
            fn(fld, at=[-1.0, 0.0])


@pytest.mark.parametrize("a", [1e6, 2e9, 1e10, 1e13])
def test_a_stiff_stable_game_reads_stable_with_its_eigenvalues_in_closed_form(a):
    """The quadratic game's J = [[-a, -b], [b, -c]] at b = c = 1: eigenvalues (-(a + c) +- sqrt((a - c)^2 - 4 b^2)) / 2,
    both negative, about -a and -1 for large a.  From a = 2e9 its -1 read marginal (the radius floor of -a's size:
    REAL_TOL a >= 1), and classify then said "stable for no step": now stable up to the stiffness where LAPACK's
    normwise backward error (16 n eps a, 7e-3 at 1e13) reaches the small eigenvalue, the eigenvalues those of the closed
    form (the small one without cancellation: the product of the roots, a c + b^2, over the large one)."""
    r = spectrum(VectorField(games.make_game("quadratic")), params={"a": a, "b": 1.0, "c": 1.0})
    big = -((a + 1.0) + math.sqrt((a - 1.0) ** 2 - 4.0)) / 2
    small = (a * 1.0 + 1.0) / big  # (the product of the roots is a c + b^2)
    assert r.verdict == "locally asymptotically stable"
    np.testing.assert_allclose(np.sort(r.eigenvalues.real), [big, small], rtol=1e-9)
    assert np.all(r.eigenvalues.imag == 0)


def test_lapack_giving_up_is_a_gandynamics_error(monkeypatch):
    """numpy.linalg.LinAlgError from the Jacobian's linear algebra reaches a user of the library as GandynamicsError
    (one line, saying what failed), not as numpy's exception."""
    def fails(*a, **k):
        raise np.linalg.LinAlgError("SVD did not converge")
    monkeypatch.setattr(np.linalg, "svd", fails)
    with pytest.raises(GandynamicsError, match=r"linear algebra of the Jacobian failed \(SVD did not converge\)"):
        spectrum(VectorField(games.make_game("quadratic")))


def _rotations(m, eps=0.05):
    """m rotation blocks (theta_i, psi_i), each damped by eps: eigenvalues of J exactly -eps +- i a_i, a_i = 1 + i/m,
    every one of real part -eps (the cluster ARPACK's "LR" cannot separate)."""
    th, ps = sp.symbols(f"t0:{m}"), sp.symbols(f"p0:{m}")
    a = [1 + sp.Rational(i, m) for i in range(m)]
    L = sum(ai * t * p for ai, t, p in zip(a, th, ps))
    reg = sp.Rational(1, 2) * sp.Float(eps) * sum(t**2 for t in th)
    regd = sp.Rational(1, 2) * sp.Float(eps) * sum(p**2 for p in ps)
    g = Game(list(th), list(ps), L + reg, -L + regd, equilibrium=(0,) * (2 * m))
    return VectorField(g), np.array([-eps + 1j * float(ai) for ai in a])


@pytest.mark.slow  # (a 70-parameter game's Jacobian-vector products compiled cold)
def test_arnoldi_that_does_not_converge_falls_back_to_the_dense_spectrum(monkeypatch):
    """A new user's 300-parameter game, all eigenvalues of real part -0.05: spectrum(k=4, which="LR") raised scipy's
    ArpackNoConvergence.  Where ARPACK gives up, a game of at most DENSE_FALLBACK_MAX parameters is solved densely from
    its Jacobian-vector products (here ARPACK is made to give up; the eigenvalues against the closed form); above it,
    one GandynamicsError line."""
    import sys
    import scipy.sparse.linalg as sla
    S = sys.modules["gandynamics.analysis.spectrum"]

    def gives_up(*a, **k):
        raise sla.ArpackNoConvergence("no convergence", np.array([]), np.array([]))
    monkeypatch.setattr(sla, "eigs", gives_up)
    fld, exact = _rotations(35)
    rep = spectrum(fld, k=4, which="LI")
    want = exact[np.argsort(-exact.imag)][:4]
    np.testing.assert_allclose(rep.eigenvalues, want, rtol=0, atol=1e-12)
    monkeypatch.setattr(S, "DENSE_FALLBACK_MAX", 60)
    with pytest.raises(GandynamicsError, match="did not converge.*cluster"):
        spectrum(fld, k=4, which="LR")
