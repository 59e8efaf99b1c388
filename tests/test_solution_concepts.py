"""Classification of textbook points (docs/math/bifurcations.md §5)."""

import numpy as np
import pytest
import sympy as sp

from gandynamics import Game, R1, VectorField, games
from gandynamics.analysis.solution_concepts import classify, is_zero_sum, own_hessians
from gandynamics.errors import GandynamicsError

KEYS = ("local_nash", "local_minimax", "differential_stackelberg", "flow_stable", "spurious")


def verdicts(c):
    return tuple(getattr(c, k) for k in KEYS)


def quad(a, b, c):
    return VectorField(games.quadratic(), []), {"a": a, "b": b, "c": c}


def test_local_nash_point():
    """f = x^2/2 + xy - y^2/2: both own Hessians are 1 > 0 -> strict local Nash, minimax, stable."""
    fld, p = quad(1, 1, 1)
    c = classify(fld, p, step=0.1)
    assert c.zero_sum
    assert verdicts(c) == (True, True, True, True, False)
    assert all(m["stable"] for m in c.methods.values())


def test_local_minimax_that_is_not_nash():
    """f = -x^2 + 5xy - y^2 (Jin, Netrapalli & Jordan 2020 use such a point): f_xx = -2 < 0 (not Nash),
    f_yy = -2 < 0 and f_xx - f_xy^2/f_yy = -2 + 25/2 > 0 (strict local minimax); the flow's eigenvalues
    are +-i sqrt(21) (not asymptotically stable), GDA at any step diverges."""
    fld, p = quad(-2, 5, 2)
    c = classify(fld, p, step=0.05)
    assert c.local_nash is False and c.local_minimax is True and c.differential_stackelberg is True
    assert c.flow_stable is False and c.spurious is False
    assert c.hessians["schur"][0][0] == pytest.approx(-2 + 25 / 2, rel=1e-12, abs=0)
    # zero-sum: Stackelberg's total Hessian of the leader equals the Schur complement (central differences)
    assert c.hessians["leader_total_hessian"][0][0] == pytest.approx(10.5, rel=1e-6, abs=0)
    assert not c.methods["gd"]["stable"]


def test_spurious_stable_point_of_gda():
    """f = 3/2 x^2 + 2xy + 1/2 y^2 (a = 3, b = 2, c = -1): the max player sits at a *minimum* of f in y
    (f_yy = 1 > 0), so the point is neither local Nash nor local minimax, yet DF = [[3, 2], [-2, -1]] has
    trace 2 > 0 and det 1 > 0: GDA and the flow converge to it (a spurious stable point in the sense of
    Mazumdar, Ratliff & Sastry 2020; Wang, Zhang & Ba 2020, §3)."""
    fld, p = quad(3, 2, -1)
    c = classify(fld, p, step=0.1)
    assert verdicts(c) == (False, False, False, True, True)
    # DF has the double (defective) eigenvalue 1: rho(I - h DF) = 1 - h, computed through eigenvalues that
    # a Jordan block perturbs by ~sqrt(machine epsilon)
    assert c.methods["gd"]["spectral_radius"] == pytest.approx(0.9, rel=1e-7, abs=0)


def test_general_sum_stackelberg_closed_form():
    """L_G = a/2 x^2 + b x y + e/2 y^2, L_D = c/2 y^2 + d x y: best response y*(x) = -d x / c and
    D^2 f1 = a - 2 b d / c + e d^2 / c^2 (Fiez, Chasnov & Ratliff 2020)."""
    x, y = sp.symbols("x y", real=True)
    a, b, e, c_, d = 1.0, 2.0, 0.5, 1.5, -1.0
    fld = VectorField(Game([x], [y], a / 2 * x**2 + b * x * y + e / 2 * y**2, c_ / 2 * y**2 + d * x * y,
                           equilibrium=(0, 0)))
    c = classify(fld)
    assert c.zero_sum is False and c.local_minimax is None and c.local_nash is True
    assert c.hessians["leader_total_hessian"][0][0] == pytest.approx(a - 2 * b * d / c_ + e * d**2 / c_**2,
                                                                      rel=1e-6, abs=0)
    assert c.differential_stackelberg is True
    # a leader whose total Hessian is negative: not Stackelberg, though both own Hessians are positive
    fld2 = VectorField(Game([x], [y], 0.1 / 2 * x**2 + 2 * x * y, 1.0 / 2 * y**2 + 1.0 * x * y, equilibrium=(0, 0)))
    c2 = classify(fld2)
    assert c2.local_nash is True and c2.differential_stackelberg is False   # 0.1 - 2*2*1/1 < 0


def test_r1_dirac_zero_sum_up_to_the_penalty_and_semidefinite_nash():
    """R1 adds gamma/2 psi^2 to L_D only: zero-sum up to the discriminator's own term; the generator's own
    Hessian is 0 (semidefinite): local Nash is inconclusive (None); local minimax holds (Schur
    complement f'(0)^2 / gamma)."""
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    assert is_zero_sum(fld)
    c = classify(fld)
    assert c.local_nash is None and c.local_minimax is True and c.flow_stable is True and c.spurious is False
    assert c.hessians["schur"][0][0] == pytest.approx(0.25 / 0.3, rel=1e-12, abs=0)


def test_non_saturating_dirac_is_general_sum():
    fld = VectorField(games.dirac(loss="non-saturating"), [R1(gamma=0.3)])
    assert not is_zero_sum(fld)
    assert classify(fld).local_minimax is None


def test_own_hessians_equal_the_diagonal_blocks_of_the_compiled_jacobian():
    """Without field transforms, F = (grad_theta L_G, grad_psi L_D): the own Hessians are DF's diagonal
    blocks (sympy lambdify vs the generated numba code)."""
    fld = VectorField(games.dirac_nd(d=2, loss="non-saturating"), [R1(gamma=0.4)])
    z = np.array([0.3, -0.2, 0.5, 0.1])
    H = own_hessians(fld, z)
    DF = fld.eval_DF(z)
    np.testing.assert_allclose(H["H_G"], DF[:2, :2], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H["H_D"], DF[2:, 2:], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H["D_psth"], DF[2:, :2], rtol=1e-12, atol=1e-14)


def test_non_stationary_point_is_refused():
    fld, p = quad(1, 1, 1)
    with pytest.raises(GandynamicsError, match="not stationary"):
        classify(fld, p, at=[1.0, 0.0])


@pytest.mark.parametrize("kwargs, match", [
    ({"step": -1}, r"^step must be a finite number > 0, got -1$"),
    ({"step": 0}, r"^step must be a finite number > 0, got 0$"),
    ({"step": float("nan")}, r"^step must be a finite number > 0, got nan$"),
    ({"beta": float("inf")}, r"^beta must be a finite number, got inf$"),
])
def test_classify_refuses_bad_steps(kwargs, match):
    # classify(fld, step=-1) used to report spectral radii of I + |h| DF as "stable under gd: no"
    with pytest.raises(GandynamicsError, match=match):
        classify(VectorField(games.dirac(), [R1(gamma=0.3)]), **kwargs)


def test_classify_accepts_methods_as_text():
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    assert list(classify(fld, methods="gd,eg").methods) == ["gd", "eg"]


@pytest.mark.slow  # 3.2 s with warm caches on the 2-core CI machine
def test_flow_stability_is_the_spectrum_verdict_on_marginal_spectra():
    """Generator of the kind: general-sum linear games min_theta theta^T B psi / min_psi theta^T B_D psi (4
    parameters) with B B_D of negative eigenvalues, so that J = -DF has only purely imaginary eigenvalues (a
    centre: marginal), which LAPACK returns with real parts of +-1e-16.  classify's flow_stable is the spectrum's
    reading (SpectralReport.stable): False (marginal: not asymptotically stable), never True on the sign of a
    rounding error (one of these games read "stable under the flow: yes"), so not a spurious stable point."""
    import sympy as sp

    import gandynamics as gd
    rng = np.random.default_rng(5)
    th, ps = sp.symbols("t0:2", real=True), sp.symbols("p0:2", real=True)
    seen = 0
    while seen < 40:
        B = np.round(rng.normal(size=(2, 2)) * 4) / 4
        if abs(np.linalg.det(B)) < 0.1:
            continue
        Q = rng.normal(size=(2, 2))
        P = Q @ np.diag(rng.uniform(0.5, 2, 2)) @ np.linalg.inv(Q)
        BD = -np.linalg.solve(B, P)  # B BD = -P: eigenvalues of J are +-i sqrt(eig P)
        R = lambda v: sp.Rational(float(v)).limit_denominator(10**12)  # noqa: E731
        LG = sum(R(B[i, j]) * th[i] * ps[j] for i in range(2) for j in range(2))
        LD = sum(R(BD[j, i]) * th[i] * ps[j] for i in range(2) for j in range(2))
        fld = gd.VectorField(gd.Game(theta=list(th), psi=list(ps), loss_g=LG, loss_d=LD, equilibrium=(0,) * 4,
                                     name="centre"))
        seen += 1
        lam = np.linalg.eigvals(-fld.eval_DF(np.zeros(4), fld.param_vector()))
        assert np.max(np.abs(lam.real)) < 1e-9 * max(1.0, np.max(np.abs(lam)))  # (the generator's claim)
        c = classify(fld, methods=("gd",))
        assert gd.spectrum(fld).verdict.startswith("marginal")
        assert c.flow_stable is False and gd.spectrum(fld).stable is False
        assert not c.methods["gd"]["stable"]  # GD on a centre: |1 - h i w| > 1 for every h
        assert c.spurious is False


@pytest.mark.parametrize("a, c, want", [(1.0, 1.0, True), (-1.0, -1.0, False), (1.0, -1.0, False)])
def test_flow_stability_against_the_closed_form_quadratic(a, c, want):
    """quadratic game a/2 x^2 + b x y - c/2 y^2, b = 2: J = [[-a, -b], [b, -c]] (the discriminator's sign), trace
    -(a + c), det ac + b^2 > 0: stable iff a + c > 0, marginal (not stable) at a + c = 0."""
    import gandynamics as gd
    fld = gd.VectorField(gd.games.quadratic(), [])
    cl = classify(fld, {"a": a, "b": 2.0, "c": c})
    assert cl.flow_stable is want


def test_classify_applies_beta_to_momentum_only_and_says_which_beta():
    """classify passed its beta to every method (gd refused it) and the CLI had no --beta: 'stable under momentum'
    was gd's range (beta = 0) while `rates` used -0.5 without saying. Closed forms on the R1 Dirac-GAN (gamma = 1,
    DF(0) has the double eigenvalue lambda = -1/2 of J): gd is stable for h < 4 (|1 + h lambda| < 1); momentum's
    multipliers solve mu^2 - (1 + beta + h lambda) mu + beta = 0, which at beta = -1/2 crosses mu = -1 at h = 2."""
    import contextlib
    import io

    from gandynamics import R1, VectorField, classify, games
    from gandynamics.cli import main
    F = VectorField(games.dirac(), [R1(gamma=1.0)])
    c = classify(F, methods=("momentum", "gd"), beta=-0.5)
    assert c.methods["momentum"]["largest_stable_step"] == pytest.approx(2.0, rel=1e-9)
    assert c.methods["gd"]["largest_stable_step"] == pytest.approx(4.0, rel=1e-9) and "beta" not in c.methods["gd"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["classify", "dirac", "--reg", "r1", "--methods", "momentum,gd"]) == 0
    assert "stable under momentum (beta=-0.5): for h < 2\n" in out.getvalue()
    assert "stable under gd:             for h < 4\n" in out.getvalue()


def test_a_method_undefined_at_the_point_is_an_entry_not_an_abort(capsys):
    """classify --methods ftr,eg on the bilinear game exited 2 (ftr is undefined where DF_psipsi = 0), where rates
    writes a note: ftr's entry now says why, the other methods are still classified (eg: |1 - i h - h^2| < 1 for
    h < 1, closed form at the eigenvalues +-i), and a name that is no method is still refused."""
    from gandynamics import GandynamicsError
    from gandynamics.cli import main
    F = VectorField(games.make_game("bilinear"))
    c = classify(F, methods=("ftr", "eg"))
    assert c.methods["ftr"]["stable"] is None and "DF_psipsi is singular" in c.methods["ftr"]["undefined"]
    assert c.methods["eg"]["largest_stable_step"] == pytest.approx(1.0, rel=1e-9)
    assert main(["classify", "bilinear", "--methods", "ftr,eg"]) == 0
    assert "stable under ftr:            undefined (the discriminator's Hessian block" in capsys.readouterr().out
    with pytest.raises(GandynamicsError, match=r"^unknown method 'foo'; accepted: "):
        classify(F, methods=("foo",))


def test_classify_refuses_beta_without_a_method_that_takes_it_as_rates_does(capsys):
    """classify --beta with only gd would be ignored: refused with the message of rates (one refusal, cli.rates)."""
    from gandynamics.cli import main
    for cmd in ("classify", "rates"):
        assert main([cmd, "dirac", "--reg", "r1", "--methods", "gd", "--beta", "0.3"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("gandynamics: error: --beta applies to momentum, altmomentum") and "not to gd" in err


@pytest.mark.parametrize("kink", ["heaviside", "sign", "abs", "max", "hinge-dirac"])
def test_classify_reads_games_whose_second_derivatives_have_dirac_deltas(kink):
    """A second derivative of a kink is written by sympy with DiracDelta (and a first one with Heaviside), which
    neither math nor numpy defines: classify on the hinge Dirac-GAN raised NameError (a traceback) where F is smooth.
    Members: losses with Heaviside, sign, Abs, Max terms, read at a point away from their kinks; the Hessians equal
    finite differences of the players' gradients there."""
    import sympy as sp

    import gandynamics as gd
    if kink == "hinge-dirac":
        fld = gd.VectorField(gd.games.dirac(loss="hinge"), [])
        z = np.zeros(2)  # its equilibrium, where F is smooth (the hinge's kinks are at psi theta = +-1)
    else:
        x, y = sp.symbols("x y", real=True)
        term = {"heaviside": sp.Heaviside(x - 2) * x**3, "sign": sp.sign(x - 2) * x**3 / 3, "abs": sp.Abs(x - 2) * y**2,
                "max": sp.Max(x - 2, 0) * x**2}[kink]
        g = gd.Game([x], [y], x**2 / 2 + x * y + term, y**2 / 2 - x * y, equilibrium=(0, 0))
        fld = gd.VectorField(g)
        z = np.zeros(2)
    c = classify(fld, at=z, methods="gd")
    HG = np.atleast_2d(c.hessians["H_G"])
    # the generator's own-Hessian d^2 L_G / d theta^2 against central differences of F_theta = dL_G / d theta
    e = 1e-5
    fd = (fld.eval_F(z + [e, 0.0])[0] - fld.eval_F(z - [e, 0.0])[0]) / (2 * e)
    np.testing.assert_allclose(HG[0, 0], fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("s", [1e-12, 1e-6, 1.0, 1e6, 1e12])
def test_classify_reads_a_game_and_the_same_game_times_s_alike(s):
    """An absolute floor of 1 in the definiteness test read the quadratic game's H_G = [a] = [1e-12] as singular
    ("local Nash: inconclusive (semidefinite)") at a = c = 1e-12, b = 1 ... and definite once every coefficient is
    multiplied by 1e12.  The closed form: H_G = a, H_D = c, zero-sum, J = [[-a, -b], [b, -c]].  Members: (a, b, c) of
    the signs that make each answer, every coefficient times s."""
    import gandynamics as gd
    fld = gd.VectorField(gd.games.quadratic(), [])
    for (a, b, c), nash in (((1.0, 2.0, 1.0), True), ((-1.0, 2.0, 1.0), False), ((1.0, 2.0, -1.0), False),
                            ((0.5, 0.1, 2.0), True)):
        cl = classify(fld, {"a": a * s, "b": b * s, "c": c * s}, methods="gd")
        assert cl.local_nash is nash, (a, b, c, s, cl.local_nash)
        if nash:  # a local Nash point with the discriminator's Hessian definite is a differential Stackelberg one
            assert cl.differential_stackelberg is True, (a, b, c, s)
        assert cl.flow_stable is (a + c > 0), (a, b, c, s)


@pytest.mark.parametrize("s", [1.0, 1e-6, 1e-11, 1e-14, 1e4])
def test_a_game_and_the_same_game_times_s_read_alike(s):
    """An adversarial review: L_G = s(-th^2/2 + 2 th ps), L_D = s(ps^2/2 + th ps) is general-sum for every s > 0 (the
    mixed derivative of the sum is 3 s), but read zero-sum, with a local minimax, for s = 1e-11 (an absolute 1e-10);
    the zero-sum game with d = -b reads zero-sum for every s."""
    import sympy as sp
    from gandynamics import Game, VectorField, classify
    th, ps = sp.symbols("theta psi")
    S = sp.Float(s)
    general = Game([th], [ps], S * (-th ** 2 / 2 + 2 * th * ps), S * (ps ** 2 / 2 + th * ps), equilibrium=(0, 0))
    r = classify(VectorField(general))
    assert r.zero_sum is False and r.local_minimax is None and r.differential_stackelberg is False
    zs = Game([th], [ps], S * (-th ** 2 / 2 + 2 * th * ps), S * (ps ** 2 / 2 - 2 * th * ps), equilibrium=(0, 0))
    assert classify(VectorField(zs)).zero_sum is True


@pytest.mark.parametrize("eps, K", [(1.00001, 1e5), (0.99999, 1e5), (1.001, 1e7), (0.999, 1e7), (1.0001, 1e6),
                                    (0.9999, 1e4)])
def test_the_leaders_total_hessian_is_not_swamped_by_a_quartic_term(eps, K):
    """An adversarial review: f = -eps th^2/2 + K th^4 + th ps - ps^2/2 (L_G = f, L_D = -f), psi*(th) = th, so the
    leader's total objective is (1 - eps) th^2/2 + K th^4 and its Hessian at 0 exactly 1 - eps.  Central differences
    of step 1e-5 read 1 - eps + 4e-5 for K = 1e5 (Stackelberg "yes" for -1e-5); extrapolated, the Hessian is 1 - eps
    and the verdict agrees with local minimax (the Schur complement, exact), as they must for a zero-sum game."""
    import sympy as sp
    from gandynamics import Game, VectorField, classify
    th, ps = sp.symbols("theta psi")
    f = -sp.Float(eps) / 2 * th ** 2 + sp.Float(K) * th ** 4 + th * ps - ps ** 2 / 2
    r = classify(VectorField(Game([th], [ps], f, -f, equilibrium=(0, 0))))
    D2 = float(np.asarray(r.hessians["leader_total_hessian"]).ravel()[0])
    assert abs(D2 - (1 - eps)) <= 1e-3 * abs(1 - eps)
    assert r.differential_stackelberg is (1 - eps > 0) and r.local_minimax is (1 - eps > 0)


def _curved_follower_member(seed):
    """A general-sum game whose follower's best response is curved and whose leader's objective oscillates fast:
    L_D = (psi - u^2)^2/2 with u = theta - t0, so psi*(theta) = u^2 (r' = 2u, r'' = 2), and
    L_G = a u^2/2 + b psi + c u psi + cos(k u)/k^2; the leader's total objective is
    f1(u) = a u^2/2 + b u^2 + c u^3 + cos(k u)/k^2, f1''(0) = a + 2b - 1 exactly (2b is the
    term d L_G/d psi . r'', which central differences of D f1 carried and a formula without third derivatives would
    drop; the cosine's -1 is what the differences aliased at k h >~ 10)."""
    rng = np.random.default_rng(seed)
    want = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-2, 0))
    b, c = float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2))
    k = float(10 ** rng.uniform(1, 8)) if seed else 1.95e6
    t0 = float(rng.choice([0.0, 1000.0, -3.5]))
    a = want - 2 * b + 1
    th, ps = sp.symbols("theta psi")
    u = th - sp.Float(t0)
    LG = sp.Float(a) * u ** 2 / 2 + sp.Float(b) * ps + sp.Float(c) * u * ps + sp.cos(sp.Float(k) * u) / sp.Float(k) ** 2
    LD = (ps - u ** 2) ** 2 / 2
    return Game([th], [ps], LG, LD, equilibrium=(t0, 0.0)), want


@pytest.mark.parametrize("seed", [0] + [pytest.param(s, marks=pytest.mark.slow) for s in range(1, 13)])
def test_the_leaders_total_hessian_is_exact_with_a_curved_best_response_and_fast_oscillation(seed):
    """An adversarial review: central differences of D f1 (extrapolated) read a leader Hessian of -0.0417 as +2.39
    with cos(k theta)/k^2 at k = 1.95e6 ("differential Stackelberg: yes").  Exact: D^2 f1 from the third derivatives
    of L_D, against the closed form a + 2b - 1 of each member."""
    game, want = _curved_follower_member(seed)
    r = classify(VectorField(game))
    D2 = float(np.asarray(r.hessians["leader_total_hessian"]).ravel()[0])
    assert D2 == pytest.approx(want, rel=1e-6, abs=1e-9)
    assert r.differential_stackelberg is (want > 0)


def test_a_marginal_point_of_a_nonlinear_game_is_undetermined_not_unstable(capsys):
    """A new user's singular game: F = (1.5 x^3, y), DF(0) = diag(0, 1).  The flow x' = -1.5 x^3 and gd (x - 1.5 h x^3,
    iterated here in numpy) converge to 0, algebraically: "stable under the flow: no" and "gd h=0.1: no (rho = 1)" were
    false.  The linearisation cannot decide: None, printed "undetermined"; the same at a centre of an affine F (the
    linearisation is F) stays False (the other tests of this module)."""
    import sympy as sp
    from gandynamics.cli import main
    x, y = sp.symbols("x y")
    fld = VectorField(Game([x], [y], sp.Rational(3, 8) * x**4, y**2 / 2, equilibrium=(0, 0)))
    z = 0.5
    for _ in range(20000):
        z -= 0.1 * 1.5 * z**3
    assert 0 < z < 0.05  # (the premise: gd converges, like k^-1/2)
    c = classify(fld, step=0.1, methods=("gd",))
    assert c.flow_stable is None and c.methods["gd"]["stable"] is None and c.spurious is None
    c2 = classify(fld, methods=("gd",))
    assert c2.methods["gd"]["largest_stable_step"] is None and c2.methods["gd"]["stable"] is None
    f = sp.Rational(3, 8) * x**4
    assert f.diff(x, 2).subs(x, 0) == 0  # (H_G = 0: Nash undetermined too)


def test_classify_gives_the_interval_of_stable_steps_and_decides_gd_unstable():
    """A new user's general-sum game with J = [[-0.1, 1], [-1, -0.1]] at 0 (v spirals out): classify said "stable under
    eg: for h < 0.73375" (EG is stable for 0.2300 < h < 0.7337 only) and that gd's linearisation "cannot decide"
    (rho = |1 - h lambda| > 1 at every step).  Now the interval, from the closed form |1 - h l + h^2 l^2| = 1 of
    EG's multiplier (l = -0.1 + i), and gd not stable, decided; the text says both."""
    import sympy as sp
    from gandynamics import Game, classify
    from gandynamics._display import stable_steps_text
    x, y, b = sp.symbols("x y b", real=True)
    g = Game([x], [y], -b * x**2 / 2 + x * y + x**4 / 4, -b * y**2 / 2 - x * y + y**4 / 4, hyper={b: 0.1},
             equilibrium=(0, 0), name="hopfgs")
    c = classify(VectorField(g), methods=("gd", "eg"))
    lam = complex(-0.1, 1.0)
    roots = [h for h in np.linspace(0.01, 1.5, 150001) if abs(1 - h * lam + h * h * lam * lam) < 1]
    eg = c.methods["eg"]
    assert eg["smallest_stable_step"] == pytest.approx(roots[0], abs=2e-5)
    assert eg["largest_stable_step"] == pytest.approx(roots[-1], abs=2e-5)
    assert stable_steps_text(eg).startswith("for h in (0.229")
    gd_ = c.methods["gd"]
    assert gd_["stable"] is False and gd_["unstable_at_every_step"]
    assert "unstable" in stable_steps_text(gd_)


@pytest.mark.parametrize("s", [1.0, 1e-3, 1e-6, 1e-8, 1e-10, 1e-14, 1e6])
def test_the_stackelberg_verdict_does_not_depend_on_the_losses_scale(s):
    """A trust review: L_G = s (x^2/2 + x y + y), L_D = s (y^2/2 - x y): the best response is psi*(x) = x, so
    f1(x) = s (3x^2/2 + x) and Df1(0) = s != 0 (the closed form): not a differential Stackelberg point at any s.
    A fixed threshold on |Df1| called it one for s <= 1e-8; nash and minimax were already read relative to the
    scale.  A zero-sum game scaled alike stays one."""
    x, y = sp.symbols("x y", real=True)
    S = sp.Float(s)
    g = Game([x], [y], S * (x**2 / 2 + x * y + y), S * (y**2 / 2 - x * y), equilibrium=(0, 0), name="scaled")
    c = classify(VectorField(g), methods=("gd",))
    assert c.differential_stackelberg is False, s
    Lg = S * (x**2 / 2 + x * y - y**2 / 2)
    zs = classify(VectorField(Game([x], [y], Lg, -Lg, equilibrium=(0, 0), name="zs")), methods=("gd",))
    assert zs.differential_stackelberg is True and zs.local_nash is True, s


def test_a_general_sum_pair_with_a_zero_sum_field_says_why_it_is_no_stackelberg_point():
    """L_G = xy + x^3/3 - x, L_D = -xy + a y^2/2 has the field of the zero-sum f = xy + x^3/3 - x - a y^2/2 (classify
    says "zero-sum up to own terms"); at z* = (g, g), g the golden ratio's inverse, its twin is a differential
    Stackelberg point and it is not: the leader's total derivative is D_x L_G(x, y*(x)) = y + x^2 - 1 + x * dy*/dx =
    0 + x * (1/a) = g, not zero.  classify says so in a note with that number (a new user saw yes for one, no for the
    other, and no reason); the twin gets no such note."""
    import sympy as sp
    import gandynamics as gd
    from gandynamics.analysis.solution_concepts import classify
    x, y, a = sp.symbols("x y a", real=True)
    g = (np.sqrt(5) - 1) / 2
    pair = gd.Game(theta=[x], psi=[y], loss_g=x * y + x**3 / 3 - x, loss_d=-x * y + a * y**2 / 2, hyper={a: 1.0})
    f = x * y + x**3 / 3 - x - a * y**2 / 2
    twin = gd.Game.zero_sum([x], [y], f, hyper={a: 1.0})
    c = classify(VectorField(pair, []), at=[g, g], methods=("gd",))
    assert c.zero_sum and c.local_nash and c.differential_stackelberg is False
    assert abs(c.hessians["leader_total_gradient"] - g) < 1e-12
    (note,) = [n for n in c.notes if "Stackelberg" in n]
    assert f"is {g:.3g} here" in note and "not a zero-sum pair" in note
    t = classify(VectorField(twin, []), at=[g, g], methods=("gd",))
    assert t.differential_stackelberg is True and not any("Stackelberg" in n for n in t.notes)
    # at the other zero, x = y = -1 - g, the twin's Schur complement f_xx - f_xy f_yy^-1 f_yx = 2x + 1/a = -2.24 < 0:
    # the twin is no Stackelberg point there either, and the pair's note says nothing of it (it said "whose point would
    # be one", a new user)
    s = -1 - g
    t = classify(VectorField(twin, []), at=[s, s], methods=("gd",))
    assert t.differential_stackelberg is False and abs(t.hessians["schur"][0, 0] - (2 * s + 1)) < 1e-12
    c = classify(VectorField(pair, []), at=[s, s], methods=("gd",))
    assert c.differential_stackelberg is False and not any("would be one" in n for n in c.notes), c.notes
    assert not any("would be one" in n for n in classify(VectorField(pair, []), at=[s, s]).notes)


# --------------------------------------------------------------------------- large games: blocks read from DF
def _quadratic_blocks(nt, npsi, seed=0):
    """A zero-sum quadratic game f = theta'P theta/2 + theta'C psi - psi'R psi/2 (L_G = f, L_D = -f) whose blocks
    are chosen: P with one negative eigenvalue (-0.5: no local Nash), R > 0 and C large enough that the Schur complement
    P + C R^-1 C' is positive definite (a strict local minimax, Jin, Netrapalli & Jordan 2020)."""
    rng = np.random.default_rng(seed)
    Qp, _ = np.linalg.qr(rng.normal(size=(nt, nt)))
    P = Qp @ np.diag(np.r_[-0.5, np.linspace(1.0, 2.0, nt - 1)]) @ Qp.T
    Qr, _ = np.linalg.qr(rng.normal(size=(npsi, npsi)))
    R = Qr @ np.diag(np.linspace(0.5, 3.0, npsi)) @ Qr.T
    C = np.hstack([2.0 * np.eye(nt), np.zeros((nt, npsi - nt))]) + 0.1 * rng.normal(size=(nt, npsi))
    P, R = (P + P.T) / 2, (R + R.T) / 2
    th = sp.symbols(f"t0:{nt}", real=True)
    ps = sp.symbols(f"q0:{npsi}", real=True)
    T, S = sp.Matrix(th), sp.Matrix(ps)
    f = ((T.T * sp.Matrix(P) * T)[0] / 2 + (T.T * sp.Matrix(C) * S)[0] - (S.T * sp.Matrix(R) * S)[0] / 2)
    return Game(list(th), list(ps), f, -f, equilibrium=(0,) * (nt + npsi), name="quadratic-blocks"), P, R, C


def test_large_game_blocks_come_from_the_jacobian_and_match_the_closed_form():
    """16 parameters (> DENSE_MAX): the blocks are read from DF, not lambdified; every number against the closed
    form: eig H_G = eig P, eig H_D = eig R, the Schur complement P + C R^-1 C' (local minimax, not Nash), the leader's
    total Hessian (the Schur complement: zero-sum at an equilibrium), and the flow's eigenvalues those of -DF."""
    game, P, R, C = _quadratic_blocks(6, 10)
    fld = VectorField(game)
    assert fld.n > fld.DENSE_MAX
    c = classify(fld, step=0.05)
    assert "_bif_parts" not in fld.__dict__  # (the sympy route: n^2 lambdified expressions)
    schur = P + C @ np.linalg.solve(R, C.T)
    np.testing.assert_allclose(c.hessians["eig_H_G"], np.linalg.eigvalsh(P), rtol=0, atol=1e-12)
    np.testing.assert_allclose(c.hessians["eig_H_D"], np.linalg.eigvalsh(R), rtol=0, atol=1e-12)
    np.testing.assert_allclose(c.hessians["schur"], schur, rtol=0, atol=1e-11)
    np.testing.assert_allclose(c.hessians["leader_total_hessian"], schur, rtol=0, atol=1e-11)
    np.testing.assert_allclose(c.hessians["G_psps"], -R, rtol=0, atol=1e-12)
    DF = np.block([[P, C], [-C.T, R]])  # F = (grad_theta f, -grad_psi f)
    lam = np.sort_complex(np.linalg.eigvals(-DF))
    got = c.hessians["eig_J"]
    np.testing.assert_allclose(np.sort_complex(got[:, 0] + 1j * got[:, 1]), lam, rtol=0, atol=1e-10)
    assert c.zero_sum and c.local_nash is False and c.local_minimax is True and c.differential_stackelberg is True
    assert c.spurious is False


def _general_sum_game(nt=5, npsi=9):
    """A general-sum game with cubic and transcendental terms (third derivatives of L_D not zero, the leader's
    psi-gradient not zero), with a consensus field transform, at a point that is not a zero of F."""
    th = sp.symbols(f"t0:{nt}", real=True)
    ps = sp.symbols(f"q0:{npsi}", real=True)
    LG = (sum((i + 1) * t**2 for i, t in enumerate(th)) / 2 + sum(sp.sin(t * q) for t, q in zip(th, ps))
          + sum(q**2 * th[0] for q in ps) / 3 + sp.tanh(sum(ps)) * th[-1])
    LD = (sum((j + 2) * q**2 for j, q in enumerate(ps)) / 2 + sum(t * q for t, q in zip(th, ps[1:]))
          + sum(q**3 for q in ps) / 6 + sp.log(1 + sp.exp(sum(th) - ps[0])))
    return Game(list(th), list(ps), LG, LD, name="general-sum")


def test_numeric_blocks_equal_the_sympy_blocks_and_finite_differences():
    """Every block of the large-game route (14 parameters) against the sympy route (lambdify of each Hessian) and
    against central differences of plain NumPy gradients, at a point that is no equilibrium; G_psps and grad_psi L_G
    come from the field of L_G alone (L_G + L_D depends on psi here), and a consensus transform of F is ignored."""
    from gandynamics import Consensus
    from gandynamics.analysis.solution_concepts import _NumericParts, _parts, _symbolic_parts
    fld = VectorField(_general_sum_game(), [Consensus(gamma=0.7)])
    P = _parts(fld)
    assert isinstance(P, _NumericParts)
    S = _symbolic_parts(fld)
    rng = np.random.default_rng(3)
    z = 0.4 * rng.normal(size=fld.n)
    p = fld.param_vector()
    for key in S:
        np.testing.assert_allclose(P[key](z, p), S[key](z, p).ravel(), rtol=1e-12, atol=1e-12, err_msg=key)
    # plain NumPy: the gradients of the losses by lambdify, their Jacobian by central differences
    from gandynamics.analysis._symbolic import _MODULES
    g = fld.game
    grad = sp.lambdify([list(fld.z)], [sp.diff(g.loss_g, v) for v in fld.z] + [sp.diff(g.loss_d, v) for v in fld.z],
                       modules=_MODULES)
    n, nt = fld.n, fld.n_theta
    h = 1e-6
    Hfd = np.empty((2 * n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = h
        Hfd[:, j] = (np.array(grad(z + e)) - np.array(grad(z - e))) / (2 * h)
    HG, HD = Hfd[:n], Hfd[n:]
    H = own_hessians(fld, z)
    for key, ref in (("H_G", HG[:nt, :nt]), ("G_thps", HG[:nt, nt:]), ("G_psps", HG[nt:, nt:]),
                     ("H_D", HD[nt:, nt:]), ("D_psth", HD[nt:, :nt])):
        np.testing.assert_allclose(H[key], ref, rtol=0, atol=1e-7, err_msg=key)


def test_large_route_classifies_as_the_sympy_route(monkeypatch):
    """classify of a 14-parameter general-sum game at an equilibrium: the verdicts, the eigenvalues and the leader's
    total Hessian (third derivatives included: the leader's psi-gradient is not zero there) of the large-game route
    equal those of the sympy route."""
    from gandynamics.analysis import solution_concepts as sc
    from gandynamics.equilibrium import find_equilibrium
    fld = VectorField(_general_sum_game())
    z, _ = find_equilibrium(fld, start=np.zeros(fld.n))
    fast = classify(fld, at=z)
    assert "_bif_parts" not in fld.__dict__
    assert np.linalg.norm(fast.hessians["leader_total_hessian"]) > 0
    monkeypatch.setattr(sc, "_parts", sc._symbolic_parts)
    ref = classify(VectorField(_general_sum_game()), at=z)
    assert verdicts(fast) == verdicts(ref) and fast.zero_sum == ref.zero_sum
    for key in ("eig_H_G", "eig_H_D", "leader_total_hessian", "H_G", "H_D", "G_thps", "D_psth", "G_psps"):
        np.testing.assert_allclose(fast.hessians[key], ref.hessians[key], rtol=1e-10, atol=1e-11, err_msg=key)
    for m in fast.methods:
        for k, v in fast.methods[m].items():
            if isinstance(v, float):
                assert v == pytest.approx(ref.methods[m][k], rel=1e-9), (m, k)
            else:
                assert v == ref.methods[m][k], (m, k)


def test_stackelberg_undecided_beyond_the_symbolic_third_derivatives(monkeypatch):
    """Above THIRD_SYMBOLIC_MAX parameters the third derivatives of L_D are not derived: where the leader's total
    gradient is zero but its psi-gradient is not (L_G linear in q3, which L_D does not couple to theta), the
    Stackelberg verdict is None with a note saying why, not a guess; within the limit it is decided."""
    from gandynamics.analysis import solution_concepts as sc
    t0, t1 = sp.symbols("t0 t1", real=True)
    q = sp.symbols("q0:4", real=True)
    LG = (t0**2 + t1**2) / 2 + q[3] / 2
    LD = sum((j + 1) * qj**2 / 2 for j, qj in enumerate(q)) + t0 * q[0] + t1 * q[1] + q[0]**2 * q[3] + t0 * t1 * q[2]
    game = Game([t0, t1], list(q), LG, LD, equilibrium=(0, 0, 0, 0, 0, 0))
    decided = classify(VectorField(game))
    assert decided.differential_stackelberg in (True, False) and "leader_total_hessian" in decided.hessians
    monkeypatch.setattr(sc, "THIRD_SYMBOLIC_MAX", 4)
    fld = VectorField(game)
    c = classify(fld)
    assert c.differential_stackelberg is None and "leader_total_hessian" not in c.hessians
    assert any("third derivatives" in n for n in c.notes)
    assert "_third_parts" not in fld.__dict__


def test_mlp_of_100_parameters_is_classified_from_the_jacobian():
    """The 100-parameter mlp (its sympy blocks took more than 11 minutes to lambdify): the blocks from DF, which
    central differences of F confirm, and the equilibrium manifold's zero eigenvalues read as semidefinite."""
    fld = VectorField(games.mlp(k=49))
    c = classify(fld, methods=("gd",))
    assert "_bif_parts" not in fld.__dict__
    z, p = c.point, fld.param_vector()
    n, nt, h = fld.n, fld.n_theta, 1e-6
    cols = [(fld.eval_F(z + h * e, p) - fld.eval_F(z - h * e, p)) / (2 * h) for e in np.eye(n)]
    DF = np.array(cols).T
    np.testing.assert_allclose(c.hessians["H_D"], DF[nt:, nt:], rtol=0, atol=1e-7)
    np.testing.assert_allclose(c.hessians["H_G"], DF[:nt, :nt], rtol=0, atol=1e-7)
    np.testing.assert_allclose(c.hessians["eig_H_D"], np.linalg.eigvalsh((DF[nt:, nt:] + DF[nt:, nt:].T) / 2),
                               rtol=0, atol=1e-7)
    assert c.zero_sum and c.local_nash is None and c.local_minimax is None


def test_a_game_seen_before_is_classified_without_building_its_losses():
    """The facts of the losses classify reads (zero-sum, L_G + L_D free of psi) are kept beside the derivation cache:
    a second process (a second field of the same definition here) builds no losses (seconds for a large GAN), and
    reads the same verdicts and numbers."""
    first = classify(VectorField(games.mlp(k=32)), methods=("gd",))  # (66 > EXACT_MAX_N: no 30-digit residual)
    fld = VectorField(games.mlp(k=32))
    again = classify(fld, methods=("gd",))
    assert "game" not in fld.__dict__ and "F" not in fld.__dict__
    assert verdicts(again) == verdicts(first) and again.zero_sum == first.zero_sum
    for key in ("eig_H_G", "eig_H_D", "eig_J", "G_psps"):
        np.testing.assert_array_equal(again.hessians[key], first.hessians[key])


def test_the_zero_sum_test_differentiates_only_the_terms_holding_both_players(monkeypatch):
    """L_G + L_D of a zero-sum game with a penalty in psi alone has no term holding theta and psi: zero-sum without a
    derivative (the 250,000 mixed derivatives of the whole sum took minutes for dirac-nd at n = 1,000); a term that
    holds both is still found (and decided) as before."""
    from gandynamics.game import zero_sum_symbolic
    th = sp.symbols("t0:30", real=True)
    ps = sp.symbols("q0:30", real=True)
    f = sum(t * q for t, q in zip(th, ps)) + sum(sp.tanh(t) for t in th)
    penalty = sum(q**2 for q in ps) / 2
    calls = []
    real = sp.diff
    monkeypatch.setattr(sp, "diff", lambda *a, **k: calls.append(a[1:]) or real(*a, **k))
    assert zero_sum_symbolic(Game(list(th), list(ps), f, -f + penalty)) == (True, [])
    assert calls == []
    assert zero_sum_symbolic(Game(list(th), list(ps), f, -f + penalty + th[3] * ps[7] / 2)) == (False, [])
    assert calls == [(th[3], ps[7])]


@pytest.mark.parametrize("seed", range(8))
def test_a_mixed_derivative_that_is_a_nonzero_polynomial_decides_general_sum(seed):
    """A new user's game with L_G + L_D holding y x^2 / 4: its mixed derivative x / 2 was "undecided" by sympy (not a
    number), so FTR's general-sum warning was not given (classify's numerical test said general-sum).  A rational
    function of the players' parameters whose numerator is a nonzero polynomial decides it; one holding a
    hyperparameter stays undecided ((a - 1) x is zero at a = 1), and a sum whose mixed terms cancel stays zero-sum."""
    from gandynamics.game import zero_sum_symbolic
    rng = np.random.default_rng(seed)
    x, y, a = sp.symbols("x y a", real=True)
    c = [int(v) for v in rng.integers(1, 5, size=3)]
    mixed = c[0] * y * x**c[1] / (c[2] + x**2) if seed % 2 else c[0] * y * x**c[1] + y**2 * x / c[2]
    base_g, base_d = x * y + x**2 / 2, -x * y + y**2 / 2
    assert zero_sum_symbolic(Game([x], [y], base_g, base_d))[0] is True
    assert zero_sum_symbolic(Game([x], [y], base_g, base_d + mixed))[0] is False
    assert zero_sum_symbolic(Game([x], [y], base_g + mixed, base_d - mixed))[0] is True
    held = zero_sum_symbolic(Game([x], [y], base_g, base_d + (a - 1) * mixed, hyper={a: 1.0}))
    assert held[0] is None and held[1]
    fld = VectorField(Game([x], [y], base_g, base_d + (a - 1) * mixed, hyper={a: 1.0}))
    assert is_zero_sum(fld) is True  # (at a = 1: the numerical test at the game's values)
