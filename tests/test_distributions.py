"""Distributions by quadrature: exact on polynomials up to the rule's degree (and not beyond), tensor
products, pushforwards, convolutions (instance noise), convergence on the standard loss.

Reference moments are closed forms written in the test (Gaussian moments ``(j-1)!!``, uniform moments
``(hi^{k+1} - lo^{k+1}) / ((k+1)(hi-lo))``), the convergence reference is ``scipy.integrate.quad``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from gandynamics import Atoms, GandynamicsError, Normal, Pushforward, Uniform, convolve
from gandynamics.distributions import expectation


def num(e) -> float:
    return float(sp.N(e, 30))


def normal_moment(mu, s, k):
    """E[(mu + s u)^k], u ~ N(0, 1): sum_j C(k, j) mu^(k-j) s^j E[u^j], E[u^j] = (j-1)!! for even j."""
    out = 0.0
    for j in range(0, k + 1, 2):
        dfact = math.prod(range(j - 1, 0, -2)) if j > 0 else 1
        out += math.comb(k, j) * mu ** (k - j) * s**j * dfact
    return out


def rule(dist, g):
    """The sum of ``g`` over the distribution's own rule (its ``order``: ``expectation`` raises it for a polynomial)."""
    return sp.Add(*[w * g(x) for w, x in dist.atoms()])


@pytest.mark.parametrize("order", [1, 2, 3, 5, 8])
def test_gauss_hermite_exact_up_to_degree_2q_minus_1(order):
    mu, s = 0.7, 1.3
    d = Normal(mu, s**2, order=order)
    for k in range(0, 2 * order):
        got = num(rule(d, lambda x: x[0] ** k))
        ref = normal_moment(mu, s, k)
        assert abs(got - ref) <= 1e-12 * max(1.0, abs(ref)), (order, k)
    # and the rule is not exact one degree beyond (the claim is sharp, so the test can fail)
    k = 2 * order
    assert abs(num(rule(Normal(0, 1, order=order), lambda x: x[0] ** k)) - normal_moment(0, 1, k)) > 1e-6
    # (expectation takes the nodes that make it exact)
    assert abs(num(expectation(Normal(0, 1, order=order), lambda x: x[0] ** k)) - normal_moment(0, 1, k)) <= \
        1e-12 * normal_moment(0, 1, k)


@pytest.mark.parametrize("order", [1, 2, 4, 6])
def test_gauss_legendre_exact_up_to_degree_2q_minus_1(order):
    lo, hi = -0.5, 2.0
    d = Uniform(lo, hi, order=order)
    for k in range(0, 2 * order):
        ref = (hi ** (k + 1) - lo ** (k + 1)) / ((k + 1) * (hi - lo))
        assert abs(num(rule(d, lambda x: x[0] ** k)) - ref) <= 1e-12 * max(1.0, abs(ref))
    k = 2 * order
    ref = (1 - (-1) ** (k + 1)) / ((k + 1) * 2)
    assert abs(num(rule(Uniform(-1, 1, order=order), lambda x: x[0] ** k)) - ref) > 1e-6
    assert abs(num(expectation(Uniform(-1, 1, order=order), lambda x: x[0] ** k)) - ref) <= 1e-12


def test_tensor_product_and_full_covariance():
    mean = [1.0, -2.0]
    cov = np.array([[2.0, 0.6], [0.6, 0.5]])
    d = Normal(mean, cov, order=3)
    assert len(d.atoms()) == 9
    # E[x x^T] = cov + mean mean^T  (degree 2 <= 5)
    second = np.array([[num(expectation(d, lambda x, i=i, j=j: x[i] * x[j])) for j in range(2)] for i in range(2)])
    assert np.abs(second - (cov + np.outer(mean, mean))).max() < 1e-12
    # diagonal variances: E[x1^3 x2^2] factorises for independent coordinates
    d2 = Normal([0.5, 1.0], [1.0, 4.0], order=3)
    got = num(expectation(d2, lambda x: x[0] ** 3 * x[1] ** 2))
    assert abs(got - normal_moment(0.5, 1.0, 3) * normal_moment(1.0, 2.0, 2)) < 1e-12
    # weights sum to one
    assert abs(sum(num(w) for w, _ in Uniform([0, 0, 0], [1, 2, 3], order=2).atoms()) - 1) < 1e-14


def test_pushforward_is_symbolic_in_the_generator_parameters():
    a, b = sp.symbols("a b", real=True)
    d = Pushforward(Normal(0, 1, order=2), lambda z: (a * z + b,))
    assert sp.simplify(expectation(d, lambda x: x[0]) - b) == 0
    assert sp.simplify(expectation(d, lambda x: x[0] ** 2) - (a**2 + b**2)) == 0
    assert d.order == 2 and "Gauss-Hermite order 2" in d.describe()


def test_convolution_adds_noise_variance():
    sigma = sp.Symbol("sigma", positive=True)
    base = Atoms([-1, 3], weights=[sp.Rational(1, 4), sp.Rational(3, 4)])
    d = convolve(base, Normal(0, sigma**2, order=3))
    mean = 0.25 * -1 + 0.75 * 3
    second = 0.25 * 1 + 0.75 * 9
    for sv in (0.5, 1.7):   # the expectations are polynomials in sigma: compare at two values
        at = lambda e: num(e.xreplace({sigma: sv}))
        assert abs(at(expectation(d, lambda x: x[0])) - mean) < 1e-12
        assert abs(at(expectation(d, lambda x: x[0] ** 2)) - (second + sv**2)) < 1e-12
        fourth = 0.25 * 1 + 0.75 * 81 + 6 * second * sv**2 + 3 * sv**4
        assert abs(at(expectation(d, lambda x: x[0] ** 4)) - fourth) < 1e-11
    assert "order 3" in d.describe()


def test_standard_loss_expectation_converges_with_the_order():
    """E_{x ~ N(0.3, 0.8^2)} -softplus(-(1.5 x - 0.2)) (the standard loss of a linear D) is not a
    polynomial: the error must shrink as the order grows (reference: adaptive quadrature)."""
    mu, s = 0.3, 0.8

    def g(x):
        return -float(np.logaddexp(0.0, -(1.5 * x - 0.2)))

    ref = integrate.quad(lambda x: g(x) * math.exp(-((x - mu) ** 2) / (2 * s**2)) / (s * math.sqrt(2 * math.pi)),
                         -np.inf, np.inf, epsabs=1e-14, epsrel=1e-14)[0]
    errs = []
    for order in (2, 4, 8, 16, 32):
        val = num(expectation(Normal(mu, s**2, order=order), lambda x: -sp.log(1 + sp.exp(-(1.5 * x[0] - 0.2)))))
        errs.append(abs(val - ref))
    assert errs[-1] < 1e-10
    assert all(e2 <= e1 * 1.01 for e1, e2 in zip(errs, errs[1:])), errs
    assert errs[0] > 1e-6   # and the low orders are visibly approximate


def test_bad_input_is_a_one_line_error():
    with pytest.raises(GandynamicsError, match="order"):
        Normal(0, 1, order=0).atoms()
    with pytest.raises(GandynamicsError, match="weights"):
        Atoms([0, 1], weights=[1]).atoms()
    with pytest.raises(GandynamicsError, match="cov"):
        Normal([0, 0], np.eye(3), order=2).atoms()
    with pytest.raises(GandynamicsError, match="dimension"):
        convolve(Atoms([[0, 0]]), Normal(0, 1, order=2)).atoms()



def _of_dim(kind, d):
    # one distribution of each kind in d dimensions (a polynomial pushforward, so the closed form applies to it too)
    if kind == "normal":
        return Normal([0.0] * d, [1.0] * d) if d > 1 else Normal(0, 1)
    if kind == "uniform":
        return Uniform([-1.0] * d, [1.0] * d) if d > 1 else Uniform(-1, 1)
    if kind == "atoms":
        return Atoms([[0.5 * i] * d for i in range(2)])
    return Pushforward(Normal(0, 1), lambda t: [2 * t] * d, label="G")


@pytest.mark.parametrize("base_kind", ["normal", "uniform", "atoms", "pushforward"])
@pytest.mark.parametrize("noise_kind", ["normal", "uniform", "atoms"])
@pytest.mark.parametrize("dims", [(1, 2), (2, 1), (2, 3)])
def test_a_convolution_of_mismatched_dimensions_is_refused_by_every_route(base_kind, noise_kind, dims):
    # the closed form once returned an expression with the noise's stray symbolic point (data of 1 dimension,
    # noise of 2) or an IndexError (the reverse): every route now names the two dimensions
    db, dn = dims
    c = convolve(_of_dim(base_kind, db), _of_dim(noise_kind, dn))
    w = sp.Symbol("w")
    routes = {"atoms": c.atoms,
              "closed form": lambda: expectation(c, lambda x: w * x[0] ** 2 + x[-1]),
              "quadrature": lambda: expectation(c, lambda x: sp.exp(w * x[0]))}
    for name, route in routes.items():
        with pytest.raises(GandynamicsError, match=f"noise of dimension {dn} added to data of dimension {db}"):
            route()
    # each part's dim without its atoms (a Normal's from its mean, a Uniform's from its ends, a pushforward's from G at
    # one point), and the same as its atoms'
    for part, d in ((c.base, db), (c.noise, dn)):
        assert part.dim == d == len(part.atoms()[0][1])


# ------------------------------------------------------------------------------------------------------
# Invalid distributions are refused with the reason (generated members of each kind)
from hypothesis import given, settings, strategies as st  # noqa: E402

from gandynamics.distributions import Atoms as _Atoms, Normal as _Normal, Uniform as _Uniform  # noqa: E402


@given(st.floats(max_value=-1e-300, min_value=-1e300))
def test_negative_variance_refused(v):
    with pytest.raises(GandynamicsError, match="Normal: a variance must be >= 0"):
        _Normal(0, v).atoms()
    with pytest.raises(GandynamicsError, match="Normal: a variance must be >= 0"):
        _Normal([0, 0], [1.0, v]).atoms()


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_uniform_needs_low_below_high(lo, width):
    if width > 0 and lo + width > lo:
        assert len(_Uniform(lo, lo + width, order=2).atoms()) == 2
    else:
        with pytest.raises(GandynamicsError, match="Uniform: low must be below high"):
            _Uniform(lo, lo - width).atoms()


@settings(max_examples=40)
@given(st.lists(st.floats(min_value=-2, max_value=2, allow_nan=False), min_size=2, max_size=4))
def test_atom_weights_must_be_a_probability(w):
    pts = list(range(len(w)))
    if any(x < 0 for x in w):
        with pytest.raises(GandynamicsError, match="weights must be >= 0"):
            _Atoms(pts, w).atoms()
    elif abs(sum(w) - 1) > 1e-12:
        with pytest.raises(GandynamicsError, match="weights must sum to 1"):
            _Atoms(pts, w).atoms()


@pytest.mark.parametrize("cov, match", [([[1, 2], [2, 1]], "positive definite"), ([[1, 0.5], [0, 1]], "symmetric"),
                                        ([[1, 0], [0, float("nan")]], "finite symmetric")])
def test_bad_covariance_matrix(cov, match):
    with pytest.raises(GandynamicsError, match=match):
        _Normal([0, 0], cov).atoms()


@pytest.mark.parametrize("order", [0, -1, 2.5, "2.5", True, None, float("inf")])
def test_bad_quadrature_order(order):
    with pytest.raises(GandynamicsError, match="order must be a whole number >= 1"):
        _Normal(0, 1, order=order).atoms()


def test_complex_parameters_refused():
    with pytest.raises(GandynamicsError, match="must be real"):
        _Normal(sp.I, 1).atoms()
    with pytest.raises(GandynamicsError, match="must be real"):
        _Uniform(0, 1 + sp.I).atoms()


def test_huge_order_refused_before_allocating():
    with pytest.raises(GandynamicsError, match=r"would need 80 GB of memory \(100000 x 100000 float64\)"):
        _Normal(0, 1, order=100000).atoms()


@pytest.mark.parametrize("dist", ["uniform", "normal"])
def test_quadrature_weights_are_exact_fractions_where_they_are_and_numpys_elsewhere(dist):
    """Gauss-Legendre and Gauss-Hermite weights of every order 1..9 (and 2-D tensor rules): each within 1e-13 of
    numpy's; the rational ones exact (order 3: 5/18, 4/9 and 1/6, 2/3), so that they sum to exactly 1 and a field
    whose integrand does not depend on the node prints 2*psi, not 2.0000000000000002*psi."""
    import sympy as sp

    from gandynamics.distributions import Normal, Uniform
    for order in range(1, 10):
        for d in (1, 2):
            rule = (Uniform([0] * d, [1] * d, order=order) if dist == "uniform"
                    else Normal([0] * d, 1, order=order)).atoms()
            if dist == "uniform":
                x, w = np.polynomial.legendre.leggauss(order)
                w = w / 2
            else:
                x, w = np.polynomial.hermite_e.hermegauss(order)
                w = w / np.sqrt(2 * np.pi)
            ref = np.prod(np.meshgrid(*([w] * d), indexing="ij"), axis=0).ravel() if d > 1 else w
            got = np.array([float(wt) for wt, _ in rule])
            np.testing.assert_allclose(np.sort(got), np.sort(ref), rtol=1e-13, atol=0)
            if order <= 3:
                assert all(isinstance(wt, (sp.Rational, sp.Integer)) for wt, _ in rule), (order, d, rule)
                assert sp.Add(*[wt for wt, _ in rule]) == 1
    exact = {"uniform": [sp.Rational(5, 18), sp.Rational(4, 9), sp.Rational(5, 18)],
             "normal": [sp.Rational(1, 6), sp.Rational(2, 3), sp.Rational(1, 6)]}[dist]
    rule = (Uniform(0, 1, order=3) if dist == "uniform" else Normal([0], 1, order=3)).atoms()
    assert [wt for wt, _ in rule] == exact


def test_a_node_independent_integrand_prints_with_whole_coefficients():
    from gandynamics import VectorField, games
    from gandynamics.regularizers import WGANGP
    text = str(VectorField(games.dirac(), [WGANGP()]).F)
    assert "2*psi" in text and "0000000" not in text, text


@pytest.mark.parametrize("dist", ["uniform", "normal"])
def test_quadrature_nodes_are_exact_square_roots_where_they_are_and_numpys_elsewhere(dist):
    """Gauss-Legendre and Gauss-Hermite nodes of every order 1..9 (and 2-D tensor rules): each within 1e-13 of
    numpy's; those of orders 1-3 exact, equal to the roots of the orthogonal polynomials written out here
    (He_2 = x^2 - 1, He_3 = x^3 - 3x; P_2 = (3x^2 - 1)/2, P_3 = (5x^3 - 3x)/2), so a polynomial integrand's moments
    are exact; the nodes of orders 4-9 (squares irrational: 3 +- sqrt(6), ...) stay floats."""
    import sympy as sp

    from gandynamics.distributions import Normal, Uniform
    x_ = sp.Symbol("x")
    roots = {"normal": {1: [0], 2: sp.solve(x_**2 - 1, x_), 3: sp.solve(x_**3 - 3 * x_, x_)},
             "uniform": {1: [0], 2: sp.solve((3 * x_**2 - 1) / 2, x_), 3: sp.solve((5 * x_**3 - 3 * x_) / 2, x_)}}[dist]
    for order in range(1, 10):
        for d in (1, 2):
            # U[-1, 1] and N(0, 1): the atoms are the nodes themselves
            rule = (Uniform([-1] * d, [1] * d, order=order) if dist == "uniform"
                    else Normal([0] * d, 1, order=order)).atoms()
            x = (np.polynomial.legendre.leggauss(order) if dist == "uniform"
                 else np.polynomial.hermite_e.hermegauss(order))[0]
            got = np.array([[float(c) for c in pt] for _, pt in rule])
            ref = np.array(list(__import__("itertools").product(x, repeat=d)))
            np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-15)
            exact = all(isinstance(c, sp.Expr) and not c.atoms(sp.Float) for _, pt in rule for c in pt)
            assert exact == (order <= 3), (order, d, rule[:2])
            if order <= 3 and d == 1:
                assert sorted((pt[0] for _, pt in rule), key=float) == sorted(roots[order], key=float)


def test_a_quadratic_discriminators_field_is_its_closed_form_exactly():
    """LQ-WGAN (Gauss-Hermite of order 3, quadratic discriminator): F is exactly the gradient of the closed-form
    value w1 (m - b) + w2 (m^2 + s^2 - a^2 - b^2) (the module's docstring, derived by hand), no float in it; with
    float nodes the moment sum(w_i u_i^2) was 1.0000000000000002 and the field printed 2.0000000000000003*a*w2."""
    import sympy as sp

    from gandynamics import VectorField, games
    fld = VectorField(games.make_game("lq-wgan"), [])
    a, b, w1, w2 = fld.z
    m, s = fld.hyper
    L = w1 * (m - b) + w2 * (m**2 + s**2 - a**2 - b**2)
    want = [sp.diff(L, a), sp.diff(L, b), -sp.diff(L, w1), -sp.diff(L, w2)]  # G minimises L, D maximises it
    F = list(fld.F)
    assert not any(f.atoms(sp.Float) for f in F), F
    assert all(sp.expand(f - g) == 0 for f, g in zip(F, want)), (F, want)


def test_a_rule_of_many_atoms_is_warned_of_once_and_a_small_one_not():
    # jare-gaussian with n = 8 (3^8 = 6,561 atoms) ran for 11 minutes without a word (a new user)
    import warnings

    from gandynamics.distributions import SLOW_ATOMS, Normal
    from gandynamics.errors import GandynamicsWarning
    big, small = 23, 22  # 529 and 484 atoms in 2 dimensions, around SLOW_ATOMS = 500
    assert small ** 2 <= SLOW_ATOMS < big ** 2
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        Normal([0.0, 0.0], 1.0, order=small).atoms()
        assert not [w for w in got if issubclass(w.category, GandynamicsWarning)]
        Normal([0.0, 0.0], 1.0, order=big).atoms()
        Normal([0.0, 0.0], 1.0, order=big).atoms()  # (once per rule and process)
    slow = [str(w.message) for w in got if issubclass(w.category, GandynamicsWarning)]
    assert len(slow) == 1 and "529 quadrature atoms" in slow[0] and "smaller order" in slow[0]


def _gan_with(where):
    """A GAN whose distributions carry the hyperparameter ``a`` (default 2) where ``where`` says, and the values of
    ``a`` it must refuse and accept."""
    import gandynamics as gd
    t, w, X, a = sp.symbols("theta w x a", real=True)
    fake = gd.Normal(t, 1.0)
    real, bad, good = {
        "variance": (gd.Normal(0, a), -1.0, 0.0),
        "scaled variance": (gd.Normal(0, 2 * a - 1), 0.4, 0.5),
        "vector of variances": (gd.Normal([0, 0], [1, a]), -0.5, 3.0),
        "uniform low": (gd.Uniform(a - 3, 0), 3.0, 2.5),
        "uniform high": (gd.Uniform(0, a), 0.0, 1e-9),
        "atom weight": (gd.Atoms([0, 1], [a / 4, 1 - a / 4]), -1.0, 4.0),
        "instance noise": (gd.distributions.convolve(gd.Atoms([0]), gd.Normal(0, a)), -1e-3, 1.0),
    }[where]
    if where == "vector of variances":
        X2 = sp.Symbol("x2", real=True)
        g = gd.GAN(theta=[t], psi=[w], x=[X, X2], discriminator=w * (X + X2), real=real,
                   fake=gd.Normal([t, 0], [1, 1]), hyper={a: 2.0}, equilibrium=(0, 0))
    else:
        g = gd.GAN(theta=[t], psi=[w], x=[X], discriminator=w * X, real=real, fake=fake, hyper={a: 2.0},
                   equilibrium=(0, 0))
    return g, bad, good


@pytest.mark.parametrize("where", ["variance", "scaled variance", "vector of variances", "uniform low", "uniform high",
                                   "atom weight", "instance noise"])
def test_a_hyperparameter_a_distribution_needs_of_one_sign_is_refused_beyond_it_however_it_is_set(where, tmp_path,
                                                                                                     capsys):
    """A new user's finding: ``Normal(0, s2)`` with ``--param s2=-1`` simulated to NaN ("diverged at step 1"), a sweep
    wrote a NaN row, continuation "stalled".  A condition of the model's distributions on one hyperparameter (a
    variance >= 0, high - low > 0, a weight >= 0), linear in it, is that hyperparameter's bound wherever its value is
    set: params=, --param, a sweep's grid (its extremes), the continuation's domain (hyper_limits); one line naming
    the condition, exit status 2."""
    import gandynamics as gd
    from gandynamics.cli import main
    g, bad, good = _gan_with(where)
    fld = gd.VectorField(g)
    with pytest.raises(gd.GandynamicsError, match=r"hyperparameter a \(.+\) must be a finite number"):
        fld.param_vector({"a": bad})
    p = fld.param_vector({"a": good})  # the edge that is allowed is accepted
    assert np.all(np.isfinite(fld.eval_F(np.array([0.3, 0.2]), p)))
    lo, hi = fld.hyper_limits("a")
    assert not (lo <= bad <= hi) and lo <= good <= hi
    with pytest.raises(gd.GandynamicsError, match="hyperparameter a"):
        gd.sweep(fld, "gd", inits=[[0.1, 0.1]], grid={"a": [good, bad]}, steps=5, step=0.1, progress=False)
    f = tmp_path / "g.py"
    f.write_text(f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
                 f"from test_distributions import _gan_with\ngan = _gan_with({where!r})[0]\n")
    capsys.readouterr()
    assert main(["analyze", "--game", f"{f}:gan", "--param", f"a={bad}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gandynamics: error: hyperparameter a (") and "\n" not in err


@pytest.mark.parametrize("k", [0, 3, 9, 10, 11, 16, 23])
@pytest.mark.parametrize("case", ["normal", "uniform", "pushforward", "convolution", "normal 2-d"])
def test_expectations_of_polynomials_are_exact_at_any_degree(case, k):
    """The docs' promise "exact for polynomials": the default rule of 5 nodes is exact to degree 9 only, and E[x^10]
    under N(0, 1) read 833.9, not 945 (a critic w x^6 under R1, 13 % off, a new user's finding).  Every distribution
    raises its rule to the degree of a polynomial integrand; checked against numerical integration of the density."""
    c = sp.Symbol("c", real=True)  # a symbolic coefficient, as a critic's weight
    dens = {
        "normal": (Normal(0.3, 2.0), lambda x: math.exp(-(x - 0.3) ** 2 / 4.0) / math.sqrt(4.0 * math.pi), (-np.inf, np.inf)),
        "uniform": (Uniform(-1, 2), lambda x: 1.0 / 3.0, (-1.0, 2.0)),
        "pushforward": (Pushforward(Normal(0, 1), lambda z: (2 * z + 1,)),  # N(1, 4)
                        lambda x: math.exp(-(x - 1) ** 2 / 8.0) / math.sqrt(8.0 * math.pi), (-np.inf, np.inf)),
        "convolution": (convolve(Atoms([0.5]), Normal(0, 0.5)),  # N(0.5, 0.5)
                        lambda x: math.exp(-(x - 0.5) ** 2) / math.sqrt(math.pi), (-np.inf, np.inf)),
    }
    if case == "normal 2-d":
        dist = Normal([0, 1], [1, 0.5])
        e = expectation(dist, lambda p: c * p[0] ** (k // 2 + k % 2) * p[1] ** (k // 2))
        ref = (integrate.quad(lambda x: x ** (k // 2 + k % 2) * math.exp(-x * x / 2) / math.sqrt(2 * math.pi),
                              -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0]
               * integrate.quad(lambda y: y ** (k // 2) * math.exp(-(y - 1) ** 2) / math.sqrt(math.pi),
                                -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0])
    else:
        dist, pdf, (a, b) = dens[case]
        e = expectation(dist, lambda p: c * p[0] ** k)
        ref = integrate.quad(lambda x: x ** k * pdf(x), a, b, epsabs=0, epsrel=1e-13, limit=200)[0]
    got = float(sp.sympify(e).subs(c, 1))
    assert got == pytest.approx(ref, rel=1e-10, abs=1e-12), (case, k, got, ref)


@pytest.mark.parametrize("a, b", [
    (Pushforward(Normal(0, 1, order=2), lambda z: (sp.Symbol("theta", real=True) * z,)),
     Pushforward(Normal(0, 1, order=2), lambda z: (sp.Symbol("theta", real=True) * z**3,))),
    (Normal(sp.Symbol("theta", real=True), 1, order=1), Normal(sp.Symbol("theta", real=True), 4, order=1)),
])
def test_games_whose_distributions_differ_beyond_their_rules_atoms_have_different_cache_keys(a, b, tmp_path,
                                                                                             monkeypatch):
    """A reviewer's finding: expectations now use closed-form moments or more nodes than a distribution's own rule, and
    the derivation cache keyed a GAN by its rule's atoms: G = theta z and theta z^3 under a 2-node latent rule (or
    variances 1 and 4 under one node) had one key, and the second game ran the first one's compiled F."""
    from gandynamics import GAN, VectorField
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path))
    th, ps, x = sp.symbols("theta psi x", real=True)
    f1, f2 = (VectorField(GAN(theta=(th,), psi=(ps,), x=(x,), discriminator=ps * x**2, real=Atoms([0]), fake=d,
                              loss="wgan")) for d in (a, b))
    assert f1._definition_key != f2._definition_key
    for f in (f1, f2):  # each one's compiled F is its own symbolic F
        exact = [float(e.subs({th: 1.0, ps: 1.0})) for e in f.F]
        assert np.allclose(f.eval_F(np.array([1.0, 1.0])), exact, rtol=1e-12)


def test_atoms_with_numpy_weights_in_a_gan_with_a_hyperparameter_evaluate():
    """A reviewer's finding: Atoms(..., weights=np.array(...)) made every evaluation raise numpy's 'truth value of an
    array is ambiguous' (the conditions read the weights as a truth value)."""
    from gandynamics import GAN, VectorField
    t, w, X, a = sp.symbols("theta w x a", real=True)
    g = GAN(theta=[t], psi=[w], x=[X], discriminator=w * X, real=Atoms([0, 1], weights=np.array([0.5, 0.5])),
            fake=Normal(t, a), hyper={a: 1.0}, equilibrium=(0.5, 0))
    f = VectorField(g)
    assert np.all(np.isfinite(f.eval_F(np.array([0.2, 0.1]))))


def _gan_with_joint(where):
    """A GAN whose distributions carry a condition on its hyperparameters ``a``, ``b`` (defaults 0.5, 1) that no bound
    of one of them states (nonlinear in one, or of both), with values it must refuse and accept."""
    import gandynamics as gd
    t, w, X, a, b = sp.symbols("theta w x a b", real=True)
    real, bad, good = {
        "nonlinear variance": (gd.Normal(0, 1 - a**2), {"a": 2.0}, {"a": 1.0}),
        "product of variances": (gd.Normal([0, 0], [a * b, 1]), {"a": -1.0, "b": 1.0}, {"a": -1.0, "b": -2.0}),
        "uniform of two": (gd.Uniform(a, b), {"a": 1.0, "b": 0.0}, {"a": -3.0, "b": -2.0}),
        "squared weight": (gd.Atoms([0, 1], [a**2, 1 - a**2]), {"a": 1.5}, {"a": -1.0}),
        "noise of two": (convolve(gd.Atoms([0]), gd.Normal(0, b - a**3)), {"a": 1.0, "b": 0.5}, {"a": -1.0, "b": -1.0}),
    }[where]
    if where == "product of variances":
        X2 = sp.Symbol("x2", real=True)
        g = gd.GAN(theta=[t], psi=[w], x=[X, X2], discriminator=w * (X + X2), real=real,
                   fake=gd.Normal([t, 0], [1, 1]), hyper={a: 0.5, b: 1.0}, equilibrium=(0, 0))
    else:
        g = gd.GAN(theta=[t], psi=[w], x=[X], discriminator=w * X, real=real, fake=gd.Normal(t, 1.0),
                   hyper={a: 0.5, b: 1.0}, equilibrium=(0, 0))
    return g, bad, good


@pytest.mark.parametrize("where", ["uniform of two", "noise of two"])
def test_a_sweep_row_breaking_a_model_condition_is_refused_before_any_rows_z_star_is_checked(where, monkeypatch):
    """A sweep's rows' declared z* is checked by the field's residual (its compiled kernel for more than a few rows,
    compiled on its first use): a row that breaks a condition of the model is refused before any of that, as at once
    as before (the check had come first: refused after a compile of the residual kernel, 1.5 s)."""
    import gandynamics as gd
    from gandynamics.runs import equilibria
    g, bad, good = _gan_with_joint(where)
    fld = gd.VectorField(g)
    names = sorted(bad)

    def refuse(*a, **k):
        raise AssertionError("a row's residual computed before the model's conditions were checked")

    monkeypatch.setattr(equilibria, "kernel_module", refuse)
    monkeypatch.setattr(equilibria, "residual_squares", refuse)
    for rows in (10, 1000):  # (the point evaluator, the compiled kernel)
        grid = {n: [good.get(n, 0.5)] * (rows - 1) + [bad[n]] for n in names}
        with pytest.raises(gd.GandynamicsError, match="the model's condition"):
            gd.sweep(fld, ["gd", "eg"], inits=[[0.1, 0.1]], grid=grid, steps=5, step=0.1, product=False,
                     progress=False)
    with pytest.raises(gd.GandynamicsError, match="the model's condition"):  # (a product: the bad row among others)
        gd.sweep(fld, "gd", inits=[[0.1, 0.1]] * 30, grid={n: [good.get(n, 0.5), bad[n]] for n in names}, steps=5,
                 step=0.1, progress=False)


@pytest.mark.parametrize("where", ["nonlinear variance", "product of variances", "uniform of two", "squared weight",
                                   "noise of two"])
def test_a_condition_of_several_hyperparameters_or_nonlinear_in_one_is_refused_wherever_values_are_set(where, tmp_path,
                                                                                                      capsys):
    """A reviewer's finding: only conditions linear in one hyperparameter were enforced, and ``Normal(0, 1 - s**2)`` at
    ``s = 2`` (or ``Uniform(a, b)`` at ``a = 1, b = 0``) gave a NaN field.  Every condition is now checked on the
    whole vector of values: params=, --param, each row of a sweep; the values that keep it are accepted and give a
    finite field."""
    import gandynamics as gd
    from gandynamics.cli import main
    g, bad, good = _gan_with_joint(where)
    fld = gd.VectorField(g)
    with pytest.raises(gd.GandynamicsError, match=r"hyperparameters? .+ breaks? the model's condition on .+ must be "):
        fld.param_vector(bad)
    p = fld.param_vector(good)
    assert np.all(np.isfinite(fld.eval_F(np.array([0.3, 0.2]), p)))
    names = sorted(bad)
    with pytest.raises(gd.GandynamicsError, match="the model's condition"):  # the bad row among good ones
        gd.sweep(fld, "gd", inits=[[0.1, 0.1]], grid={n: [good.get(n, 0.5), bad[n]] for n in names}, steps=5,
                 step=0.1, product=False, progress=False)
    r = gd.sweep(fld, "gd", inits=[[0.1, 0.1]], grid={n: [good.get(n, 0.5)] * 2 for n in names}, steps=5, step=0.1,
                 product=False, progress=False)
    assert np.all(np.isfinite(np.asarray(r["final_theta"])))
    f = tmp_path / "g.py"
    f.write_text(f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
                 f"from test_distributions import _gan_with_joint\ngan = _gan_with_joint({where!r})[0]\n")
    capsys.readouterr()
    assert main(["analyze", "--game", f"{f}:gan"] + [x for n in names for x in ("--param", f"{n}={bad[n]}")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gandynamics: error: hyperparameter") and "condition" in err and "\n" not in err


def test_every_path_to_a_distributions_numbers_checks_it():
    """A reviewer's finding: the closed-form expectation of a polynomial skipped the checks of the quadrature rule
    (a variance per coordinate, an order >= 1, low below high) and returned a number for ``Uniform(1, 0)``.  For a
    generator of ill-formed distributions, the closed form, the rule and the expectation refuse alike."""
    bad = [Normal((0, 0), [1]), Normal(0, 1, order=0), Normal(0, 1, order=2.5), Normal(0, -1), Normal([0, 0], [1, -2]),
           Uniform((0, 0), 1), Uniform(1, 0), Uniform(0, 0), Uniform([0, 0], [1, -1]), Uniform(0, 1, order=0)]
    for dist in bad:
        for g in (lambda p: p[0] ** 2, lambda p: sp.exp(p[0])):
            with pytest.raises(GandynamicsError) as rule_err:
                dist.atoms()
            with pytest.raises(GandynamicsError) as e1:
                expectation(dist, g)
            assert str(e1.value) == str(rule_err.value), dist
            poly = dist.polynomial_expectation
            with pytest.raises(GandynamicsError):
                poly(g)


def _random_tree(rng, xs, params, depth):
    """A random sympy expression: sums, products and whole powers of the symbols ``xs`` and ``params`` (polynomial in
    ``xs``), or, with a small chance at each node, a function of one of ``xs`` (not polynomial)."""
    if depth == 0 or rng.random() < 0.2:
        pick = rng.integers(3)
        return (xs[rng.integers(len(xs))] if pick == 0 else params[rng.integers(len(params))] if pick == 1
                else sp.Integer(int(rng.integers(-3, 4))))
    kind = rng.integers(10)
    if kind == 9:
        return sp.exp(_random_tree(rng, xs, params, depth - 1)) if rng.random() < 0.5 else \
            1 / (1 + _random_tree(rng, xs, params, depth - 1) ** 2)
    parts = [_random_tree(rng, xs, params, depth - 1) for _ in range(int(rng.integers(2, 4)))]
    if kind < 4:
        return sp.Add(*parts)
    if kind < 8:
        return sp.Mul(*parts)
    return parts[0] ** int(rng.integers(2, 4))


@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_the_degree_and_the_term_bound_read_from_the_tree_match_the_expansion():
    """:func:`_degree` (the degree a rule needs, read without expanding) equals the total degree of the expanded
    polynomial wherever no terms cancel (an upper bound always) and is None exactly where sympy says the expression is
    no polynomial; :func:`_terms` bounds the number of terms of the expansion from above.  A generator of 300 random
    trees, checked against ``sp.Poly`` and ``sp.expand``."""
    from gandynamics.distributions import CLOSED_FORM_TERMS, _degree, _terms
    rng = np.random.default_rng(7)
    xs = sp.symbols("x0:2", real=True)
    params = sp.symbols("w0:3", real=True)
    seen_poly = seen_not = 0
    for _ in range(300):
        e = _random_tree(rng, xs, params, 4)
        d = _degree(e, xs)
        if not e.is_polynomial(*xs):
            assert d is None, e
            seen_not += 1
            continue
        if d is None:  # (sympy reads a polynomial through a cancellation the tree keeps, e.g. exp(x - x))
            assert sp.simplify(e).is_polynomial(*xs)
            continue
        seen_poly += 1
        ex = sp.expand(e)
        assert d >= (sp.Poly(ex, *xs).total_degree() if ex != 0 else 0), e
        terms = len(sp.Add.make_args(ex))
        assert _terms(e) >= min(terms, CLOSED_FORM_TERMS + 1), e
    assert seen_poly > 100 and seen_not > 20


@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_deep_critics_expectation_is_exact_and_taken_without_expanding_it():
    """A reviewer's finding: the closed-form moments expanded a deep polynomial critic (a width-2 network of depth 4
    with squared units, degree 16 in x) for two minutes into 11 times the operations of the rule.  Beyond
    :data:`CLOSED_FORM_TERMS` the expectation is a Gauss rule raised to the critic's degree (never expanded): the
    same number as numerical integration of the density, at random weights."""
    from gandynamics.distributions import CLOSED_FORM_TERMS, _terms
    x = sp.Symbol("x", real=True)
    h, ws = [x], []
    for layer in range(4):
        W = sp.symbols(f"W{layer}_0:4", real=True)
        ws += list(W)
        h = [(W[2 * i] * h[0] + W[2 * i + 1] * h[-1]) ** 2 for i in range(2)]
    v = sp.symbols("v0:2", real=True)
    ws += list(v)
    critic = v[0] * h[0] + v[1] * h[1]
    assert _terms(critic.subs(x, 1 + x)) > CLOSED_FORM_TERMS  # (the closed form is not taken)
    e = expectation(Normal(0.5, 0.25), lambda p: critic.subs(x, p[0]))
    rng = np.random.default_rng(3)
    vals = dict(zip(ws, rng.uniform(-0.6, 0.6, len(ws))))
    f = sp.lambdify(x, critic.subs(vals))
    ref = integrate.quad(lambda t: f(t) * math.exp(-(t - 0.5) ** 2 / 0.5) / math.sqrt(0.5 * math.pi), -np.inf, np.inf,
                         epsabs=0, epsrel=1e-13, limit=400)[0]
    assert float(e.subs(vals)) == pytest.approx(ref, rel=1e-9, abs=1e-13)


@pytest.mark.parametrize("where", ["nonlinear variance", "product of variances", "uniform of two", "squared weight",
                                   "noise of two"])
def test_why_f_is_not_finite_names_the_broken_condition_first(where):
    """F at hyperparameters that break a condition of the model is NaN (a variance below 0); the reason every "not
    finite" refusal gives (VectorField.why_not_finite) named an overflow of an intermediate value.  It names the condition, for joint and
    nonlinear conditions, a linear one (a variance below 0) and a declared sign, and not for values that keep them."""
    import gandynamics as gd
    g, bad, good = _gan_with_joint(where)
    fld = gd.VectorField(g)
    names = [s.name for s in fld.hyper]
    p = fld.param_vector(good)
    for k, v in bad.items():
        p[names.index(k)] = v
    mapping = {**good, **bad}
    # the values as a vector and as a mapping (a mapping is checked as it is read: it gave the general text)
    for given in (p, mapping):
        why = fld.why_not_finite(np.zeros(2), given)  # (F is NaN there for the variances; no meaning for the others)
        assert why.startswith("the game is not defined at these hyperparameters: hyperparameter") and "condition" in why
        assert "overflow" not in why
    for k in bad:  # a value that is no number, given by name
        why = fld.why_not_finite(np.zeros(2), {**good, k: float("nan")})
        assert why.startswith(f"the game is not defined at these hyperparameters: hyperparameter {k} must be"), why
    for given in (fld.param_vector(good), good):
        assert "not defined" not in fld.why_not_finite(np.zeros(2), given)
    # hyperparameters of the wrong form are no values the game is "not defined at": their own error (a reviewer's
    # finding), the one param_vector gives
    for given in (np.zeros(len(names) + 1), {"zz": 1.0}, [1.0]):
        why = fld.why_not_finite(np.zeros(2), given)
        with pytest.raises(GandynamicsError) as exc:
            fld.param_vector(given)
        assert why == str(exc.value) and "not defined" not in why


def test_why_f_is_not_finite_names_a_linear_condition_and_a_declared_sign():
    import gandynamics as gd
    t, w, X = sp.symbols("theta w x", real=True)
    s2, k = sp.Symbol("s2", real=True), sp.Symbol("k", positive=True)
    g = gd.GAN(theta=[t], psi=[w], x=[X], discriminator=w * X + sp.log(k) * w**2, real=gd.Normal(0, s2),
               fake=gd.Normal(t, 1.0), hyper={s2: 1.0, k: 1.0}, equilibrium=(0, 0))
    fld = gd.VectorField(g)
    for p, says in (([-1.0, 1.0], "s2"), ([1.0, -1.0], "k")):
        why = fld.why_not_finite(np.zeros(2), np.array(p))
        assert why.startswith("the game is not defined at these hyperparameters") and says in why, why


_DENSITIES = [
    (lambda: Normal(0.3, 0.49), (-8.0, 8.0)),
    (lambda: Normal([-1.0], [[2.0]]), (-15.0, 15.0)),
    (lambda: Uniform(-0.5, 2.0), (-0.5, 2.0)),
    (lambda: Uniform([1.0], [1.25]), (1.0, 1.25)),
]


@pytest.mark.parametrize("make, span", _DENSITIES)
def test_a_density_integrates_to_one_with_the_distributions_own_moments(make, span):
    """Distribution.density (drawn by animate) against independent computations: its integral over the line is 1
    and its mean and second moment are the distribution's own (expectation: closed-form moments, or the quadrature
    rule exact for them), by scipy's adaptive quadrature of the lambdified density."""
    from scipy.integrate import quad
    dist = make()
    x = sp.Symbol("x", real=True)
    f = sp.lambdify(x, dist.density(x), "math")
    mass = quad(f, *span, limit=200)[0]
    m1 = quad(lambda t: t * f(t), *span, limit=200)[0]
    m2 = quad(lambda t: t * t * f(t), *span, limit=200)[0]
    assert mass == pytest.approx(1.0, abs=1e-9)
    assert m1 == pytest.approx(float(expectation(dist, lambda p: p[0])), abs=1e-9)
    assert m2 == pytest.approx(float(expectation(dist, lambda p: p[0] ** 2)), abs=1e-9)


def test_no_density_where_there_is_none():
    x = sp.Symbol("x", real=True)
    for dist in (Atoms([0.0, 1.0]), Normal([0.0, 0.0], [1.0, 1.0]), Uniform([0, 0], [1, 1])):
        assert dist.density(x) is None


def test_an_animated_gan_on_uniform_data_draws_its_density():
    """The data panel of an animation drew densities only for Normal data: a GAN on Uniform data (and a Normal
    generator) now draws both as curves, at the values of the closed forms."""
    import gandynamics as gd
    from gandynamics.plotting import _data_space
    t, w, X = sp.symbols("theta w x", real=True)
    g = gd.GAN(theta=[t], psi=[w], x=[X], discriminator=w * X, real=Uniform(-1, 2), fake=Normal(t, 0.25),
               equilibrium=(0.5, 0))
    d = _data_space(gd.VectorField(g), None)
    xs = np.array([-2.0, -1.0, 0.0, 1.9, 2.5])
    np.testing.assert_allclose(d["real_pdf"](xs, np.array([0.7, 0.0])), [0, 1 / 3, 1 / 3, 1 / 3, 0], rtol=1e-15)
    np.testing.assert_allclose(d["fake_pdf"](xs, np.array([0.7, 0.0])),
                               np.exp(-(xs - 0.7) ** 2 / 0.5) / np.sqrt(2 * np.pi * 0.25), rtol=1e-13)


def _pushforwards_and_convolutions():
    t = sp.Symbol("theta", real=True)
    return t, [
        Pushforward(Normal(0, 1), lambda z: (t * z + 1,)),
        Pushforward(Uniform(-1, 1), lambda z: (z ** 2 + t,)),
        Pushforward(Normal([0, 0], [1, 0.5]), lambda a, b: (a - t * b,)),
        convolve(Atoms([-1, 3], weights=[sp.Rational(1, 4), sp.Rational(3, 4)]), Normal(0, 0.25)),
        convolve(Uniform(t, t + 1), Normal(0, 0.25)),
        convolve(Normal(t, 2), Uniform(-0.5, 0.5)),
    ]


@pytest.mark.slow  # (about 1 s a case: CI's default pass is kept under 3 minutes, session 45)
def test_a_pushforwards_and_a_convolutions_closed_form_equals_the_exact_rule():
    """Pushforward and Convolution expectations of a polynomial in closed form (the latent's moments of g o G; the
    noise's closed form at a symbolic point, then the base's), against the Gauss rule raised to the polynomial's degree
    (exact_for: an independent computation), for a generator of random polynomial critics at several theta; a critic
    that is no polynomial has no closed form."""
    rng = np.random.default_rng(11)
    t, dists = _pushforwards_and_convolutions()
    w = sp.symbols("w0:3", real=True)
    x = sp.Symbol("x0", real=True)
    checked = 0
    for dist in dists:
        for _ in range(12):
            e = _random_tree(rng, [x], list(w), 3)
            if not e.is_polynomial(x):
                continue
            g = lambda p, e=e: e.xreplace({x: p[0]})  # noqa: E731
            closed = dist.polynomial_expectation(g)
            assert closed is not None, (dist, e)
            rule = sp.Add(*[wi * g(pt) for wi, pt in dist.exact_for(g).atoms()])
            vals = {t: 0.37, w[0]: -1.3, w[1]: 0.6, w[2]: 2.1}
            a, b = float(sp.sympify(closed).xreplace(vals)), float(sp.sympify(rule).xreplace(vals))
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (dist.describe(), e)
            checked += 1
        assert dist.polynomial_expectation(lambda p: sp.exp(p[0])) is None
    assert checked > 30



def _raises(z):
    raise ValueError("my generator is broken")


@pytest.mark.parametrize("G, latent, words", [
    (_raises, Normal(0, 1), "the generator _raises of Pushforward raised ValueError: my generator is broken"),
    (lambda zz: (2 * zz[0],), Normal(0, 1), "object is not subscriptable (it is called with one sympy value per "
                                             "latent coordinate, G(z1), and returns the point)"),
    (lambda a: (a,), Uniform([0, 0], [1, 1]), "raised TypeError"),  # (two latent coordinates, one argument)
    (lambda a, b, c: (a,), Uniform([0, 0], [1, 1]), "G(z1, z2)"),
])
@pytest.mark.parametrize("route", ["atoms", "dim", "field"])
def test_a_generator_that_raises_is_one_error_naming_it(G, latent, words, route):
    """A new user's generator written for a tuple (lambda zz: (c * zz[0],), as the docstring's "maps a tuple" read)
    raised TypeError out of the field's derivation: a 46-line traceback in the command line.  Generated over
    generators that raise and that take the wrong arguments, and over the routes that first call G."""
    import sympy as sp
    from gandynamics import GAN, VectorField
    p = Pushforward(latent, G)
    with pytest.raises(GandynamicsError) as e:
        if route == "atoms":
            p.atoms()
        elif route == "dim":
            p.dim
        else:
            th, ps, x = sp.symbols("theta psi x", real=True)
            VectorField(GAN(theta=[th], psi=[ps], x=[x] if latent.dim == 1 else [x, sp.Symbol("x2", real=True)],
                            discriminator=ps * x, real=Atoms([0] * latent.dim), fake=p, equilibrium=(0, 0)))
    assert words in str(e.value)


def test_a_generator_that_raises_is_one_line_in_the_command_line(tmp_path, capsys):
    from gandynamics.cli import main
    src = tmp_path / "g.py"
    src.write_text("import sympy as sp, gandynamics as gd\n"
                   "theta, psi, x = sp.symbols('theta psi x', real=True)\n"
                   "def G(*z):\n    raise ValueError('my generator is broken')\n"
                   "gan = gd.GAN(theta=[theta], psi=[psi], x=[x], discriminator=psi * x, real=gd.Atoms([0]),"
                   " fake=gd.Pushforward(gd.Normal(0, 1), G), equilibrium=(0, 0))\n")
    assert main(["analyze", "--game", f"{src}:gan"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("gandynamics: error: the generator G of Pushforward raised "
                                                   "ValueError: my generator is broken")


@pytest.mark.parametrize("low, high, bad", [("-w", "w", 0.0), ("0", "3*w", -1.0), ("w - 1", "2*w + 1", -2.5)])
def test_a_uniform_refusal_writes_the_difference_it_needs_positive(low, high, bad):
    """A new user's Uniform(-w, w) at w = 0: "hyperparameter w (high - low of Uniform(-w, w)) must be > 0" read as if
    w were high - low (it is 2 w).  The refusal writes the difference out (sympy's high - low of the bounds given)."""
    import sympy as sp
    from gandynamics import GAN, VectorField
    w, x, th, ps = sp.symbols("w x theta psi", real=True)
    lo, hi = sp.sympify(low, locals={"w": w}), sp.sympify(high, locals={"w": w})
    fld = VectorField(GAN(theta=[th], psi=[ps], x=[x], discriminator=ps * x, real=Uniform(lo, hi), fake=Atoms([th]),
                          hyper={w: 1.0}, equilibrium=(0.0, 0.0)))
    with pytest.raises(GandynamicsError) as e:
        fld.param_vector({"w": bad})
    assert f"high - low = {hi - lo} of Uniform({lo}, {hi})" in str(e.value)


# ------------------------------------------------------------------------------------------------------
# Every argument that takes a distribution (and every other argument of a distribution, by kind) is checked when the
# object holding it is built: an adversarial tester's Pushforward(3, G) was accepted and, used in a GAN, ended in
# AttributeError "'int' object has no attribute 'atoms'"; convolve(1, 2) in "... no attribute 'dim'".
#: values that are no distribution, of each kind a user might pass
_NOT_DISTRIBUTIONS = [3, 0.5, None, "normal", [0.0, 1.0], {"mean": 0}, float("nan"), np.zeros(2), sp.Symbol("t"),
                      Normal]  # (the class, not an instance)


def _distribution_arguments():
    """``(name, build)`` for every public argument that takes a distribution: ``build(value)`` makes the object with
    ``value`` in that place (the others valid)."""
    t, x, p = sp.symbols("t x p", real=True)
    gan = dict(theta=[t], psi=[p], x=[x], discriminator=p * x, real=Atoms([0]), fake=Atoms([t]))
    import gandynamics as gd
    yield "Pushforward: latent", lambda v: Pushforward(v, lambda z: t * z)
    yield "convolve: base", lambda v: convolve(v, Normal(0, 1))
    yield "convolve: noise", lambda v: convolve(Atoms([0]), v)
    yield "GAN: real", lambda v: gd.GAN(**{**gan, "real": v})
    yield "GAN: fake", lambda v: gd.GAN(**{**gan, "fake": v})
    yield "expectation: dist", lambda v: expectation(v, lambda pt: pt[0] ** 2)


@pytest.mark.parametrize("bad", _NOT_DISTRIBUTIONS, ids=repr)
@pytest.mark.parametrize("name, build", list(_distribution_arguments()), ids=lambda a: a if isinstance(a, str) else "")
def test_every_argument_taking_a_distribution_refuses_anything_else_when_built(name, build, bad):
    with pytest.raises(GandynamicsError, match=rf"^{name} must be a Distribution \(Atoms, Normal, Uniform, Pushforward "
                                               rf"or convolve\(\.\.\.\)\), got ") as e:
        build(bad)
    assert "\n" not in str(e.value)


def _other_arguments():
    """``(what the refusal names, build)`` for every other argument of a distribution, each with values of the wrong
    kind (None, a mapping, a non-callable G, ...)."""
    t = sp.Symbol("t", real=True)
    for bad in (None, {"a": 1}, {1, 2}, True):
        yield "Normal: the mean", lambda v=bad: Normal(v, 1)
        yield "Normal: a variance", lambda v=bad: Normal(0, v)
        yield "Uniform: low", lambda v=bad: Uniform(v, 1)
        yield "Uniform: high", lambda v=bad: Uniform(0, v)
        yield "Atoms: a point", lambda v=bad: Atoms([0, v])
        yield "Atoms: a weight", lambda v=bad: Atoms([0, 1], [0.5, v])
    yield "Normal: the mean", lambda: Normal([[0, 1], [1, 0]], 1)  # (a matrix is no point)
    for bad in (3, None, float("nan"), "0,1"):
        yield "Atoms: points", lambda v=bad: Atoms(v)
    for bad in (3, float("nan"), "0.5,0.5"):
        yield "Atoms: weights", lambda v=bad: Atoms([0, 1], v)
    for bad in (3, None, "theta*z", [1, 2]):
        yield "Pushforward: G", lambda v=bad: Pushforward(Normal(0, 1), v)
    for bad in (3, None, ["G"]):
        yield "Pushforward: label", lambda v=bad: Pushforward(Normal(0, 1), lambda z: t * z, v)


@pytest.mark.parametrize("name, build", list(_other_arguments()), ids=lambda a: a if isinstance(a, str) else "")
def test_every_other_argument_of_a_distribution_is_checked_by_kind_when_built(name, build):
    with pytest.raises(GandynamicsError, match=rf"^{name} must be ") as e:
        build()
    assert "\n" not in str(e.value)


def test_the_checks_at_construction_refuse_the_wrong_kind_and_take_what_was_taken():
    """What every distribution of the package is built from still builds (symbols, arrays, ranges, nested
    distributions), and values are still checked where the atoms are made (a symbolic one where it is set); the
    adversarial tester's two members are refused where they are written."""
    with pytest.raises(GandynamicsError, match=r"^Pushforward: latent must be a Distribution .*, got int 3 \(for a "
                                               r"point mass at 3: Atoms\(\[3\]\)\)$"):
        Pushforward(3, lambda z: z)
    with pytest.raises(GandynamicsError, match=r"^convolve: base must be a Distribution .*, got int 1"):
        convolve(1, 2)
    t = sp.Symbol("t", real=True)
    ok = [Atoms(range(3)), Atoms(np.array([[0.0, 1.0], [1.0, 0.0]])), Atoms([t, 1 - t], [sp.Rational(1, 2)] * 2),
          Normal([0, t], [1, t**2]), Normal([0, 0], np.eye(2)), Uniform(-t, t), Normal("t", 1),
          convolve(Pushforward(Uniform(-1, 1), lambda z: t * z), Normal(0, 1)), Pushforward(Atoms([0]), sp.Lambda(t, t))]
    assert all(d.atoms() for d in ok)
    Normal(0, -1)  # (a bad value: refused where the atoms are made, as before)
    with pytest.raises(GandynamicsError, match="a variance must be >= 0"):
        Normal(0, -1).atoms()
