"""The update rules of gandynamics.methods / gandynamics.kernels against independent computations.

* every method equals a plain-NumPy implementation of the same update, written here (one small function
  each, F from sympy.lambdify -- not from the generated code), to 1e-12 relative over 1000 steps on every
  built-in game;
* on a linear field the iterates equal powers of the iteration matrix of docs/mathematics.md §0.4, and the measured
  rate equals the closed forms of docs/mathematics.md §5.5;
* RK4 shows fourth order; the flow matches scipy's DOP853; EFTP and OGDA are the same dynamics.
"""

import numpy as np
import pytest
import sympy as sp
from scipy.integrate import solve_ivp

from gandynamics import METHODS, R1, VectorField, games, simulate
from gandynamics.errors import GandynamicsError
from gandynamics.game import Game
from gandynamics.losses import sigmoid, softplus
from gandynamics.methods import get_method

from conftest import cubic_quadratic  # the kernel tests' polynomial game (one compiled module)

# the compiled kernels, even for runs that engine="auto" would interpret (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("compiled_engine")

STEPS = 1000


# ------------------------------------------------------------------------------------------- references
def numpy_F(fld):
    """F as a plain NumPy function of (z, p), from sympy (sigmoid/softplus rewritten with exp/log)."""
    expr = fld.F.replace(sigmoid, lambda x: 1 / (1 + sp.exp(-x))).replace(softplus, lambda x: sp.log(1 + sp.exp(x)))
    f = sp.lambdify([list(fld.z), list(fld.hyper)], list(expr), "numpy")
    return lambda z, p: np.array(f(list(z), list(p)), dtype=float).reshape(-1)


def hvec(fld, hg, hd):
    return np.array([hg] * fld.n_theta + [hd] * (fld.n - fld.n_theta))


def ref_gd(F, z, p, h, K, **kw):
    out = [z]
    for _ in range(K):
        z = z - h * F(z, p)
        out.append(z)
    return np.array(out)


def ref_altgd(F, z, p, h, K, nth, n_g=1, n_d=1, order="generator-first"):
    out = [z]
    parts = [(slice(0, nth), n_g), (slice(nth, None), n_d)]
    if order == "discriminator-first":
        parts = parts[::-1]
    for _ in range(K):
        z = z.copy()
        for sl, reps in parts:
            for _ in range(reps):
                z[sl] = z[sl] - h[sl] * F(z, p)[sl]
        out.append(z)
    return np.array(out)


def ref_eg(F, z, p, h, K, **kw):
    out = [z]
    for _ in range(K):
        w = z - h * F(z, p)
        z = z - h * F(w, p)
        out.append(z)
    return np.array(out)


def ref_eftp(F, z, p, h, K, **kw):
    out = [z]
    g = F(z, p)  # F(w_{-1}), w_{-1} = z_0
    for _ in range(K):
        w = z - h * g
        g = F(w, p)
        z = z - h * g
        out.append(z)
    return np.array(out)


def ref_ogda(F, z, p, h, K, **kw):
    out = [z]
    zp = z
    for _ in range(K):
        z, zp = z - 2 * h * F(z, p) + h * F(zp, p), z
        out.append(z)
    return np.array(out)


def ref_momentum(F, z, p, h, K, beta=0.0, alternating=False, nth=None, order="generator-first"):
    out = [z]
    zp = z.copy()
    for _ in range(K):
        if not alternating:
            z, zp = z - h * F(z, p) + beta * (z - zp), z
        else:
            zn = z.copy()
            first, second = slice(0, nth), slice(nth, None)
            if order == "discriminator-first":
                first, second = second, first
            zn[first] = z[first] - h[first] * F(z, p)[first] + beta * (z[first] - zp[first])
            zn[second] = z[second] - h[second] * F(zn, p)[second] + beta * (z[second] - zp[second])
            z, zp = zn, z
        out.append(z)
    return np.array(out)


def ref_rk4(F, z, p, h, K, **kw):
    v = lambda y: -F(y, p)
    out = [z]
    for _ in range(K):
        k1 = v(z)
        k2 = v(z + h / 2 * k1)
        k3 = v(z + h / 2 * k2)
        k4 = v(z + h * k3)
        z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(z)
    return np.array(out)


# (method, options, reference, reference keyword builder, two-timescale allowed)
CASES = [
    ("gd", {}, ref_gd, lambda f: {}, True),
    ("altgd", {}, ref_altgd, lambda f: {"nth": f.n_theta}, True),
    ("altgd", {"n_g": 2, "n_d": 3, "order": "discriminator-first"}, ref_altgd,
     lambda f: {"nth": f.n_theta, "n_g": 2, "n_d": 3, "order": "discriminator-first"}, True),
    ("eg", {}, ref_eg, lambda f: {}, True),
    ("eftp", {}, ref_eftp, lambda f: {}, True),
    ("ogda", {}, ref_ogda, lambda f: {}, True),
    ("momentum", {"beta": -0.3}, ref_momentum, lambda f: {"beta": -0.3}, True),
    ("momentum", {"beta": 0.4, "alternating": True}, ref_momentum,
     lambda f: {"beta": 0.4, "alternating": True, "nth": f.n_theta}, True),
    ("momentum", {"beta": -0.2, "alternating": True, "order": "discriminator-first"}, ref_momentum,
     lambda f: {"beta": -0.2, "alternating": True, "nth": f.n_theta, "order": "discriminator-first"}, True),
    ("altgd", {"order": "discriminator-first"}, ref_altgd,
     lambda f: {"nth": f.n_theta, "order": "discriminator-first"}, True),
    ("flow", {}, ref_rk4, lambda f: {}, False),
]


def builtin_fields():
    """Every registered game at its default (small) size; the Dirac-GAN also with R1."""
    out = []
    for name, spec in games.GAMES.items():
        model = games.make_game(name)
        fld = VectorField(model, [])
        if fld.n > 8:
            continue
        out.append((name, fld))
    out.append(("dirac+r1", VectorField(games.dirac(), [R1(gamma=0.3)])))
    out.append(("bilinear-family", cubic_quadratic(b=1.0)))
    return out


FIELDS = builtin_fields()


def start(fld):
    base = fld.equilibrium if fld.equilibrium is not None else np.zeros(fld.n)
    pattern = np.array([0.7, -0.5, 0.3, 0.6, -0.4, 0.2, 0.5, -0.6])
    return base + pattern[: fld.n]


def test_every_option_of_the_discrete_methods_is_checked_against_the_reference():
    """Each option of gd, altgd, eg, eftp, ogda and momentum takes a non-default value in CASES (an option that
    one method ignores, e.g. alternating momentum with the discriminator first, is then caught)."""
    for name in ("gd", "altgd", "eg", "eftp", "ogda", "momentum"):
        for o in METHODS[name].options:
            assert any(m == name and k == o.name and v != o.default for m, opts, *_ in CASES for k, v in opts.items()), \
                (name, o.name)


#: the fields whose compiled kernels are checked here against NumPy: the sigmoid Dirac-GAN with R1, and the bilinear
#: game F = (y, -x) as the member b = 1 of tests/conftest.py's polynomial family, whose kernels other tests compile
#: anyway (tests/test_rates.py, tests/test_kernels.py; the library's own "bilinear" game, the same F, then runs
#: interpreted like every other game: a field of its own cost 10-12 s of compiling in a cold run).  The kernels of
#: every other game (dirac-nd's 4 parameters among them) run interpreted here -- the same source, which
#: tests/test_interpreted_engine.py checks against the compiled kernels on every method for 2 parameters and (gd, eg;
#: every method in ``-m slow``) 4 --
#: without 7-12 s of compiling per game
COMPILED_FIELDS = {"dirac+r1", "bilinear-family"}


#: run in CI's ``-m slow`` pass: jare-gaussian (5.7 s interpreted), nk-scale and lq-wgan (1.0-1.2 s), and the fields
#: whose F has the structure of one that stays (quadratic-sga: quadratic's; bilinear: bilinear-family's, compiled),
#: data-line, gaussian-mean and hopf (0.9-1.1 s each in a cold run: the Dirac-GANs stay for the sigmoid, dirac-nd for more
#: coordinates, the quadratic games for the affine fields)
SLOW_FIELDS = {"jare-gaussian", "nk-scale", "lq-wgan", "quadratic-sga", "bilinear", "data-line", "gaussian-mean", "hopf"}


@pytest.mark.parametrize("name,fld", [pytest.param(n, f, id=n, marks=[pytest.mark.slow] if n in SLOW_FIELDS else [])
                                      for n, f in FIELDS])
def test_every_method_matches_numpy_reference(name, fld):
    F = numpy_F(fld)
    p = fld.param_vector()
    z0 = start(fld)
    engine = "compiled" if name in COMPILED_FIELDS else "interpreted"
    for method, opts, ref, refkw, two in CASES:
        hg, hd = (0.02, 0.03) if two else (0.02, 0.02)
        step = (hg, hd) if two else hg
        tr = simulate(fld, method, z0, STEPS, step, bound=np.inf, engine=engine, **opts)
        expect = ref(F, z0.copy(), p, hvec(fld, hg, hd), STEPS, **refkw(fld))
        assert tr.states.shape == expect.shape, (method, opts)
        scale = max(1.0, float(np.max(np.abs(expect))))
        err = float(np.max(np.abs(tr.states - expect))) / scale
        # rounding differs between the kernel and the reference (the same formula, other operation orders) and grows
        # as the run amplifies perturbations: measured on the reference itself (a start moved by 1e-15 relative), so
        # the bound is 1e-12 on the usual runs and scales on the few that amplify (alternating momentum on LQ-WGAN:
        # about 1,700x over the 1,000 steps, a difference of 1.3e-12)
        amp = amplification(ref, F, z0, p, hvec(fld, hg, hd), refkw(fld), expect) if err > 1e-12 else 0.0
        tol = max(1e-12, 64 * np.finfo(float).eps * amp)  # (measured only where the usual bound is exceeded)
        assert err <= tol, f"{name} {method} {opts}: relative error {err:.3g} (bound {tol:.3g}, amplification {amp:.3g})"
        assert not tr.diverged


def amplification(ref, F, z0, p, h, kw, expect) -> float:
    """How much the reference run amplifies a relative perturbation of its start of 1e-15 (one random direction):
    the largest relative deviation of the states over 1e-15."""
    z1 = z0 * (1 + 1e-15 * np.random.default_rng(0).standard_normal(z0.shape))
    other = ref(F, z1, p, h, STEPS, **kw)
    return float(np.max(np.abs(other - expect))) / max(1.0, float(np.max(np.abs(expect)))) / 1e-15


def test_projection_matches_numpy_reference():
    """WGAN weight clipping psi in [-c, c] (docs/mathematics.md §1.3) as a box after each (sub-)update.  The WGAN
    Dirac-GAN's field F = (psi, -theta) is run as the member b = 1 of tests/conftest.py's polynomial family (the
    same F, checked here at points without compiling; its kernels are compiled for other tests anyway)."""
    wgan = VectorField(games.dirac(loss="wgan"), [])
    fld = cubic_quadratic(b=1.0)
    for z in np.random.default_rng(5).uniform(-3, 3, (20, 2)):
        np.testing.assert_array_equal(fld.eval_F(z), wgan.eval_F(z))
    F = numpy_F(fld)
    p = fld.param_vector()
    c = 0.6
    clip = lambda z: np.array([z[0], min(max(z[1], -c), c)])
    z0 = np.array([1.0, 0.2])
    h = np.array([0.2, 0.2])
    z, zs = z0.copy(), [z0.copy()]
    for _ in range(300):
        z = clip(z - h * F(z, p))
        zs.append(z)
    tr = simulate(fld, "gd", z0, 300, 0.2, box={"y": (-c, c)})  # the discriminator's parameter, psi in the WGAN game
    np.testing.assert_allclose(tr.states, np.array(zs), rtol=0, atol=1e-13)
    assert np.max(np.abs(tr.states[:, 1])) <= c
    # projected extragradient (PEPit form): both the extrapolation and the update are projected
    z, zs = z0.copy(), [z0.copy()]
    for _ in range(300):
        w = clip(z - h * F(z, p))
        z = clip(z - h * F(w, p))
        zs.append(z)
    tr = simulate(fld, "eg", z0, 300, 0.2, box=np.array([[-np.inf, np.inf], [-c, c]]))
    np.testing.assert_allclose(tr.states, np.array(zs), rtol=0, atol=1e-13)


# ------------------------------------------------------------------------------------------- linear fields
def quadratic_game():
    """min_x max_y a/2 x^2 + b x y - c/2 y^2: F = A z, A = [[a, b], [-b, c]] (docs/mathematics.md §6)."""
    x, y = sp.symbols("x y", real=True)
    a, b, c = sp.symbols("a b c", real=True)
    g = Game.zero_sum([x], [y], a / 2 * x**2 + b * x * y - c / 2 * y**2, hyper={"a": 0.3, "b": 1.0, "c": 0.1},
                      equilibrium=(0, 0), name="quadratic")
    return VectorField(g, [])


QUAD = quadratic_game()


def iteration_matrix(method, A, h, beta=0.0, n_g=1, n_d=1):
    """docs/mathematics.md §0.4; ``h`` the diagonal step matrix; returns (M, lift) with state_k = M^k lift(z0)."""
    n = A.shape[0]
    I = np.eye(n)
    Z = np.zeros((n, n))
    if method == "gd":
        return I - h @ A, lambda z: z
    if method == "eg":
        return I - h @ A + h @ A @ h @ A, lambda z: z
    if method == "eftp":  # on (z_k, w_{k-1}), w_{-1} = z_0
        return np.block([[I - h @ A, h @ A @ h @ A], [I, -h @ A]]), lambda z: np.concatenate([z, z])
    if method == "ogda":  # on (z_k, z_{k-1}), z_{-1} = z_0
        return np.block([[I - 2 * h @ A, h @ A], [I, Z]]), lambda z: np.concatenate([z, z])
    if method == "momentum":
        return np.block([[(1 + beta) * I - h @ A, -beta * I], [I, Z]]), lambda z: np.concatenate([z, z])
    if method == "altgd":
        Et, Ed = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
        Pt, Pd = I - h @ Et @ A, I - h @ Ed @ A
        return np.linalg.matrix_power(Pd, n_d) @ np.linalg.matrix_power(Pt, n_g), lambda z: z
    if method == "flow":  # RK4 on z' = -A z: the degree-4 Taylor polynomial of exp(-hA)
        X = -h @ A
        return I + X + X @ X / 2 + X @ X @ X / 6 + X @ X @ X @ X / 24, lambda z: z
    raise AssertionError(method)


@pytest.mark.parametrize("method,opts", [("gd", {}), ("eg", {}), ("eftp", {}), ("ogda", {}),
                                         ("momentum", {"beta": -0.4}), ("altgd", {"n_g": 2, "n_d": 3}),
                                         ("flow", {})])
def test_linear_iterates_are_matrix_powers(method, opts):
    A = np.array([[0.3, 1.0], [-1.0, 0.1]])
    np.testing.assert_allclose(QUAD.eval_DF([0.0, 0.0]), A, atol=1e-15, rtol=1e-14)
    hg, hd = (0.2, 0.2) if method == "flow" else (0.2, 0.3)
    h = np.diag([hg, hd])
    M, lift = iteration_matrix(method, A, h, beta=opts.get("beta", 0.0), n_g=opts.get("n_g", 1), n_d=opts.get("n_d", 1))
    z0 = np.array([1.0, -0.5])
    K = 200
    # the iteration matrix is the method's mathematics, not its machine code: the interpreted kernel (the same
    # source as the compiled one, tests/test_interpreted_engine.py) is enough here
    tr = simulate(QUAD, method, z0, K, hg if method == "flow" else (hg, hd), engine="interpreted", **opts)
    s = lift(z0)
    for k in range(K + 1):
        np.testing.assert_allclose(tr.states[k], s[:2], rtol=1e-12, atol=1e-14 * np.abs(z0).max())
        s = M @ s
    # the measured rate is the spectral radius of the iteration matrix (docs/mathematics.md §5.4)
    rho = max(abs(np.linalg.eigvals(M)))
    assert tr.rate == pytest.approx(rho, rel=2e-3)


def bilinear_rho(method, h):
    """docs/mathematics.md §5.5 closed forms for min_x max_y x y."""
    if method == "gd":
        return np.sqrt(1 + h**2)
    if method == "eg":
        return np.sqrt(1 - h**2 + h**4)
    if method in ("eftp", "ogda"):
        if h <= 0.5:
            return np.sqrt((1 + np.sqrt(1 - 4 * h**2)) / 2)
        return np.sqrt((1 + (2 * h + np.sqrt(4 * h**2 - 1)) ** 2) / 4)
    raise AssertionError(method)


@pytest.mark.parametrize("method,h", [("gd", 0.1), ("eg", 0.3), ("eg", 1 / np.sqrt(2)), ("eftp", 0.3),
                                      ("ogda", 0.4), ("eftp", 0.6)])
def test_bilinear_measured_rate_equals_closed_form(method, h):
    fld = cubic_quadratic(b=1.0)   # F = (y, -x): the bilinear game (tests/conftest.py)
    tr = simulate(fld, method, [1.0, 0.5], 400, h)
    assert tr.rate == pytest.approx(bilinear_rho(method, h), rel=1e-3)


def test_alternating_negative_momentum_bilinear():
    """docs/mathematics.md §5.5: alternating GDA with eta = 0.5, beta = -0.5 converges with rho = 0.962543703197;
    beta = +0.5 diverges with rho = 1.269..."""
    fld = cubic_quadratic(b=1.0)   # F = (y, -x): the bilinear game (tests/conftest.py)
    tr = simulate(fld, "momentum", [1.0, 0.5], 600, 0.5, beta=-0.5, alternating=True)
    assert tr.rate == pytest.approx(0.962543703197, rel=1e-4)
    # unbounded run long enough for the dominant multiplier to rule [T/4, T] (60 steps left it 1.277)
    tr = simulate(fld, "momentum", [1.0, 0.5], 600, 0.5, beta=0.5, alternating=True, bound=np.inf)
    rho = max(abs(np.linalg.eigvals(get_method("momentum").iteration_matrix(
        fld.eval_DF([0.0, 0.0]), 0.5, n_theta=1, beta=0.5, alternating=True))))
    assert rho == pytest.approx(1.269, rel=0, abs=5e-4)                # docs/mathematics.md §5.5
    assert tr.rate == pytest.approx(rho, rel=1e-4, abs=0)


# ------------------------------------------------------------------------------------------- flow
DIRAC_R1 = [f for n, f in FIELDS if n == "dirac+r1"][0]


def dop853(fld, z0, T, t_eval):
    F = numpy_F(fld)
    p = fld.param_vector()
    sol = solve_ivp(lambda t, y: -F(y, p), (0, T), z0, method="DOP853", rtol=1e-13, atol=1e-15, t_eval=t_eval)
    assert sol.success
    return sol.y.T


def test_rk4_is_fourth_order():
    """Error at T = 4 against DOP853 while halving h (diffrax's test_ode_order): slope log2 = 4."""
    z0 = np.array([1.0, 1.0])
    T = 4.0
    exact = dop853(DIRAC_R1, z0, T, [T])[-1]
    errs = []
    for K in (10, 20, 40, 80):
        tr = simulate(DIRAC_R1, "flow", z0, K, T / K)
        errs.append(np.linalg.norm(tr.final - exact))
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all(np.abs(orders - 4) < 0.15), orders


@pytest.mark.parametrize("scheme,h,tol", [("dopri5", 0.25, 1e-8), ("rk4", 0.01, 1e-9)])
def test_flow_matches_dop853(scheme, h, tol):
    z0 = np.array([1.0, -0.7])
    K = 80
    t = np.arange(K + 1) * h
    ref = dop853(DIRAC_R1, z0, t[-1], t)
    tol_opts = {"rtol": 1e-11, "atol": 1e-13} if scheme == "dopri5" else {}  # (rk4 takes fixed steps: no tolerances)
    tr = simulate(DIRAC_R1, "flow", z0, K, h, scheme=scheme, **tol_opts)
    assert np.max(np.abs(tr.states - ref)) < tol


def test_dopri5_tolerance_controls_error():
    z0 = np.array([1.0, -0.7])
    ref = dop853(DIRAC_R1, z0, 20.0, [20.0])[-1]
    errs = [np.linalg.norm(simulate(DIRAC_R1, "flow", z0, 1, 20.0, scheme="dopri5", rtol=r, atol=r * 1e-2).final - ref)
            for r in (1e-4, 1e-7, 1e-10)]
    assert errs[0] > errs[1] > errs[2]
    assert errs[2] < 1e-8


def test_flow_conserves_circles_without_regularizer():
    """M18 (docs/mathematics.md §1.2): every integral curve of the unregularized Dirac-GAN keeps theta^2 + psi^2."""
    fld = [f for n, f in FIELDS if n == "dirac"][0]
    tr = simulate(fld, "flow", [1.0, 0.5], 500, 0.05, engine="interpreted")  # a property of the method: no compile
    r2 = np.sum(tr.states**2, axis=1)
    assert np.max(np.abs(r2 - 1.25)) < 1e-7


# ------------------------------------------------------------------------------------------- EFTP == OGDA
def test_eftp_is_ogda_in_other_coordinates():
    """docs/mathematics.md §5.3: the w-sequence of EFTP is an OGDA sequence.  With the starts w_{-1} = z_0 (EFTP)
    and u_{-1} = u_0 = z_0 (OGDA) one has w_k = u_{k+1}, hence z^EFTP_k = u_{k+1} + h F(u_k) for every k,
    here on the nonlinear R1 Dirac-GAN over 1000 steps."""
    fld = DIRAC_R1
    h = 0.3
    z0 = np.array([1.0, 0.8])
    K = 1000
    og = simulate(fld, "ogda", z0, K, h)
    u = og.states
    e = simulate(fld, "eftp", z0, K, h)
    Fu = np.array([fld.eval_F(x) for x in u])
    np.testing.assert_allclose(e.states[:-1], u[1:] + h * Fu[:-1], rtol=1e-10, atol=1e-14)
    assert og.rate == pytest.approx(e.rate, rel=1e-6)


# ------------------------------------------------------------------------------------------- registry
def test_registry_names_and_docs():
    assert list(METHODS) == ["gd", "altgd", "eg", "eftp", "ogda", "momentum", "flow", "proximal", "eag", "ftr",
                             "lookahead", "adam", "rmsprop"]
    for m in METHODS.values():
        assert m.formula and m.source
    with pytest.raises(GandynamicsError, match="accepted: gd, altgd, eg, eftp, ogda, momentum, flow, proximal"):
        get_method("sgd")


@pytest.mark.parametrize("kw,msg", [
    ({"method": "gd", "beta": 0.5}, "takes no option"),
    ({"method": "altgd", "n_g": 0}, "n_g must be a whole number"),
    ({"method": "altgd", "order": "random"}, "unknown order 'random'; accepted: generator-first"),
    ({"method": "flow", "scheme": "euler"}, "unknown scheme 'euler'; accepted: rk4, dopri5"),
    ({"method": "flow", "step": (0.1, 0.2)}, "flow takes one time step"),
    ({"method": "flow", "box": {"psi": (-1, 1)}}, "box"),
    ({"method": "gd", "box": {"phi": (-1, 1)}}, "unknown parameter 'phi'"),
    ({"method": "gd", "box": {"psi": (1, -1)}}, "lo <= hi"),
    ({"method": "gd", "box": {"psi": (float("nan"), 1)}}, "a bound is NaN"),  # (was said as "lo <= hi": a review)
    ({"method": "gd", "box": [[0, 1], [-1, float("nan")]]}, "a bound is NaN"),
    ({"method": "momentum", "beta": float("nan")}, "beta must be a finite number"),
])
def test_bad_options(kw, msg):
    kw = dict(kw)
    method = kw.pop("method")
    step = kw.pop("step", 0.1)
    with pytest.raises(GandynamicsError, match=msg):
        simulate(DIRAC_R1, method, [1.0, 1.0], 5, step, **kw)


# the adaptive flow's global error is pinned, not only ordered: on a linear flow (exact: expm), Dormand-Prince
# 5(4) with the same controller as scipy's RK45 (RMS norm of err / (atol + rtol max(|y|, |y_new|)), safety 0.9,
# factors in [0.2, 10]) must reach the same global error as RK45, and stay within 5 rtol |z(T)|; an error
# estimate scaled by 0.1 (a planted bug) makes it 20-50x larger
# (F = A z, A = [[0.1, 2], [-2, 0.3]]: the quadratic member of tests/conftest.py's polynomial game)
LINEAR_FLOW = cubic_quadratic(a=0.1, b=2.0, c=0.3)


@pytest.mark.parametrize("rtol", [1e-4, 1e-6, 1e-8, 1e-10])
def test_dopri5_global_error_matches_scipy_rk45_and_its_tolerance(rtol):
    from scipy.linalg import expm
    A = np.array([[0.1, 2.0], [-2.0, 0.3]])
    np.testing.assert_allclose(LINEAR_FLOW.eval_DF([0.0, 0.0]), A, rtol=1e-15, atol=0)
    z0, T, atol = np.array([1.0, -0.7]), 10.0, rtol * 1e-2
    exact = expm(-A * T) @ z0
    tr = simulate(LINEAR_FLOW, "flow", z0, 1, T, scheme="dopri5", rtol=rtol, atol=atol)
    sol = solve_ivp(lambda t, z: -A @ z, (0, T), z0, method="RK45", rtol=rtol, atol=atol)
    ours, theirs = np.linalg.norm(tr.final - exact), np.linalg.norm(sol.y[:, -1] - exact)
    assert 0.8 < ours / theirs < 1.25, (ours, theirs)            # measured 1.00-1.04
    assert ours < 5 * rtol * np.linalg.norm(exact)                # measured 2.7-3.4 rtol |z(T)|
