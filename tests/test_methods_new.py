"""The methods added in the declaration design (proximal, eag, ftr, lookahead, adam, rmsprop) and the SGA
field regularizer, against independent computations:

* each compiled method equals a plain-NumPy implementation written here (F and DF from sympy.lambdify, the
  implicit step solved by scipy.optimize.root) over 300 steps, two-timescale;
* on a linear field the iterates equal powers of the declared iteration matrix, and the measured rate is
  its spectral radius (per step; lookahead: per cycle^(1/k));
* EAG's |F(z_k)| stays below the O(1/k) bound of Yoon & Ryu (2021, Thm 2) and its measured order is -1;
* SGA equals F + gamma A^T F with A from the sympy Jacobian, and the bilinear closed form -gamma +- i.
"""

import ast

import numpy as np
import pytest
import sympy as sp
from scipy import optimize

from gandynamics import GandynamicsError, R1, VectorField, games, simulate
from gandynamics.analysis.rates import RATE_METHODS, iteration_matrix, local_rate, rates, sublinear_order
from gandynamics.game import Game
from gandynamics.kernels import rule_body
from gandynamics.losses import sigmoid, softplus
from gandynamics.methods import METHODS
from gandynamics.regularizers import SGA

from conftest import cubic_quadratic, four_parameter_game, method_fields  # the kernel tests' shared fields

# the compiled kernels, even for runs that engine="auto" would interpret (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("compiled_engine")

STEPS = 300


def numpy_F(fld):
    expr = fld.F.replace(sigmoid, lambda x: 1 / (1 + sp.exp(-x))).replace(softplus, lambda x: sp.log(1 + sp.exp(x)))
    f = sp.lambdify([list(fld.z), list(fld.hyper)], list(expr), "numpy")
    J = sp.lambdify([list(fld.z), list(fld.hyper)], expr.jacobian(list(fld.z)) if hasattr(expr, "jacobian")
                    else sp.Matrix(expr).jacobian(list(fld.z)), "numpy")
    return (lambda z, p: np.array(f(list(z), list(p)), dtype=float).reshape(-1),
            lambda z, p: np.array(J(list(z), list(p)), dtype=float).reshape(len(z), len(z)))


def hvec(fld, hg, hd):
    return np.array([hg] * fld.n_theta + [hd] * (fld.n - fld.n_theta))


def ref_adam(F, DF, z, p, h, K, nth, beta1=0.9, beta2=0.999, eps=1e-8):
    out, m, v = [z], np.zeros_like(z), np.zeros_like(z)
    for t in range(1, K + 1):
        g = F(z, p)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        mhat, vhat = m / (1 - beta1**t), v / (1 - beta2**t)
        z = z - h * mhat / (np.sqrt(vhat) + eps)
        out.append(z)
    return np.array(out)


def ref_rmsprop(F, DF, z, p, h, K, nth, alpha=0.99, eps=1e-8):
    out, v = [z], np.zeros_like(z)
    for _ in range(K):
        g = F(z, p)
        v = alpha * v + (1 - alpha) * g * g
        z = z - h * g / (np.sqrt(v) + eps)
        out.append(z)
    return np.array(out)


def ref_eag(F, DF, z, p, h, K, nth):
    out, z0 = [z], z.copy()
    for k in range(K):
        w = z + (z0 - z) / (k + 2) - h * F(z, p)
        z = z + (z0 - z) / (k + 2) - h * F(w, p)
        out.append(z)
    return np.array(out)


def ref_proximal(F, DF, z, p, h, K, nth):
    out = [z]
    for _ in range(K):
        zk = z
        sol = optimize.root(lambda x: x - zk + h * F(x, p), zk, jac=lambda x: np.eye(len(x)) + h[:, None] * DF(x, p),
                            method="hybr", tol=1e-14)
        assert np.linalg.norm(sol.x - zk + h * F(sol.x, p)) <= 1e-13 * max(1.0, np.linalg.norm(zk))
        z = sol.x
        out.append(z)
    return np.array(out)


def ref_ftr(F, DF, z, p, h, K, nth):
    out = [z]
    for _ in range(K):
        g, J = F(z, p), DF(z, p)
        corr = np.linalg.solve(J[nth:, nth:], J[nth:, :nth] @ g[:nth])
        z = z - h * g
        z[nth:] += h[0] * corr
        out.append(z)
    return np.array(out)


def ref_lookahead(F, DF, z, p, h, K, nth, base="gd", la_k=5, la_alpha=0.5):
    out, anchor = [z], z.copy()
    for k in range(1, K + 1):
        if base == "gd":
            z = z - h * F(z, p)
        else:  # eg
            w = z - h * F(z, p)
            z = z - h * F(w, p)
        if k % la_k == 0:
            anchor = anchor + la_alpha * (z - anchor)
            z = anchor.copy()
        out.append(z)
    return np.array(out)


CASES = [("adam", {}, ref_adam, {}), ("adam", {"beta1": 0.5, "beta2": 0.99, "eps": 1e-6}, ref_adam,
                                     {"beta1": 0.5, "beta2": 0.99, "eps": 1e-6}),
         ("rmsprop", {"alpha": 0.9}, ref_rmsprop, {"alpha": 0.9}), ("eag", {}, ref_eag, {}),
         ("proximal", {}, ref_proximal, {}), ("ftr", {}, ref_ftr, {}),
         ("lookahead", {"base": "gd", "la_k": 4, "la_alpha": 0.4}, ref_lookahead, {"base": "gd", "la_k": 4, "la_alpha": 0.4}),
         ("lookahead", {"base": "eg"}, ref_lookahead, {"base": "eg"})]

# a 4-parameter smooth game with an invertible discriminator block (for FTR): generator (x, u), discriminator (y, v)
GAME4 = four_parameter_game()
FIELDS = method_fields()  # (tests/conftest.py: the Dirac-GAN with R1, GAME4, a member of the polynomial family)


#: (field, engine, in CI's ``-m slow`` pass): the default pass keeps the README's command under 3 minutes by running
#: compiled only the kernels that other tests compile anyway (the polynomial family's), and the same methods on the
#: sigmoid Dirac-GAN by the interpreter (the same kernel source; tests/test_interpreted_engine.py checks it against
#: the compiled kernels); compiled, the Dirac-GAN's implicit and adaptive drivers (about 11 s of CPU with cold
#: caches) and the 4-parameter game's (about 25 s) are compiled for ``-m slow``
RUNS = [("family", "compiled", False), ("dirac+r1", "interpreted", False), ("dirac+r1", "compiled", True),
        ("game4", "compiled", True)]


@pytest.mark.parametrize("name,engine", [pytest.param(n, e, id=f"{n}-{e}", marks=[pytest.mark.slow] if slow else [])
                                         for n, e, slow in RUNS])
def test_new_methods_match_numpy_reference(name, engine):
    fld = FIELDS[name]
    F, DF = numpy_F(fld)
    p = fld.param_vector()
    z0 = (fld.equilibrium if fld.equilibrium is not None else np.zeros(fld.n)) + np.array([0.7, -0.5, 0.3, 0.6])[:fld.n]
    hg, hd = 0.02, 0.03
    for method, opts, ref, kw in CASES:
        # RMSprop near an equilibrium steps by about h g/|g| (a sign-like map): rounding differences of 1e-16
        # grow by orders of magnitude within ~100 steps there, so it is compared over the approach only
        K = 50 if method == "rmsprop" else STEPS
        tr = simulate(fld, method, z0, K, (hg, hd), bound=np.inf, engine=engine, **opts)
        expect = ref(F, DF, z0.copy(), p, hvec(fld, hg, hd), K, fld.n_theta, **kw)
        assert tr.states.shape == expect.shape and not tr.diverged, (method, tr.reason)
        scale = max(1.0, float(np.max(np.abs(expect))))
        np.testing.assert_allclose(tr.states / scale, expect / scale, rtol=0, atol=1e-11, err_msg=f"{name} {method} {opts}")


# a linear game F(z) = A z: each player's own block of DF is the Hessian of its loss, hence symmetric
A = np.array([[0.3, 0.1, 1.0, 0.2], [0.1, 0.2, 0.3, -0.5], [-1.0, -0.3, 0.5, 0.1], [-0.2, 0.5, 0.1, 0.6]])
_z = sp.Matrix(sp.symbols("a b c d"))
_R = sp.Matrix(4, 4, lambda i, j: sp.Rational(str(A[i, j])))
LIN = VectorField(Game(theta=list(_z[:2]), psi=list(_z[2:]),
                       loss_g=(_z[:2, 0].T * _R[:2, :2] * _z[:2, 0] / 2 + _z[:2, 0].T * _R[:2, 2:] * _z[2:, 0])[0, 0],
                       loss_d=(_z[2:, 0].T * _R[2:, 2:] * _z[2:, 0] / 2 + _z[2:, 0].T * _R[2:, :2] * _z[:2, 0])[0, 0],
                       equilibrium=(0, 0, 0, 0)), [])


@pytest.mark.parametrize("method,opts", [("proximal", {}), ("ftr", {}), ("lookahead", {"base": "gd", "la_k": 3}),
                                         ("lookahead", {"base": "momentum", "beta": 0.3, "la_k": 4, "la_alpha": 0.6})])
def test_linear_iterates_follow_the_declared_iteration_matrix(method, opts):
    np.testing.assert_allclose(LIN.eval_DF(np.zeros(4)), A, rtol=0, atol=1e-15)
    h = 0.15
    M = iteration_matrix(method, A, h, n_theta=2, beta=opts.get("beta", 0.0), **{k: v for k, v in opts.items() if k != "beta"})
    z0 = np.array([1.0, -0.5, 0.3, 0.8])
    period = opts.get("la_k", 1) if method == "lookahead" else 1
    K = 60 * period
    # the declared matrix is mathematics, not machine code: interpreted kernels (tests/test_interpreted_engine.py)
    tr = simulate(LIN, method, z0, K, h, engine="interpreted", **opts)
    s = np.concatenate([z0] * (M.shape[0] // 4))
    for c in range(K // period + 1):
        np.testing.assert_allclose(tr.states[c * period], s[:4], rtol=1e-11, atol=1e-13)
        s = M @ s
    rho = local_rate(method, A, h, n_theta=2, beta=opts.get("beta", 0.0)) if method != "lookahead" else \
        max(abs(np.linalg.eigvals(M))) ** (1 / period)
    long = simulate(LIN, method, z0, 400 * period, h, engine="interpreted", **opts)
    assert long.rate == pytest.approx(rho, rel=3e-3, abs=0)


def test_proximal_rate_and_bound(monkeypatch):
    monkeypatch.delenv("GANDYNAMICS_ENGINE")  # the rates' short runs on engine="auto" (interpreted): mathematics
    lam = np.linalg.eigvals(A)
    h = 0.4
    assert local_rate("proximal", A, h) == pytest.approx(max(abs(1 / (1 + h * lam))), rel=1e-12, abs=0)
    rows, _ = rates(LIN, ["proximal", "ftr"], step=h, region="ball:0.5", max_seconds=5)
    pr = rows[0]
    assert pr.bound is not None and pr.bound_holds and pr.measured_rate <= pr.bound * (1 + 1e-9)
    mu = float(np.min(np.linalg.eigvalsh((A + A.T) / 2)))
    assert pr.bound == pytest.approx(1 / (1 + h * mu), rel=1e-6, abs=0)


def test_adam_rmsprop_eag_have_no_iteration_matrix_with_reason():
    for m in ("adam", "rmsprop", "eag"):
        assert m not in RATE_METHODS and METHODS[m].no_matrix
        with pytest.raises(GandynamicsError, match="accepted"):
            iteration_matrix(m, A, 0.1)


def test_eag_last_iterate_below_theorem_and_order_minus_one():
    fld = cubic_quadratic(b=1.0)   # F = (y, -x): the bilinear game (tests/conftest.py)
    L = 1.0
    h = 1 / (8 * L)
    z0 = np.array([1.0, 0.5])
    tr = simulate(fld, "eag", z0, 4000, h)
    r0 = np.linalg.norm(z0)
    Fn = np.array([np.linalg.norm(fld.eval_F(z)) for z in tr.states])
    bound = 2 * r0 / (h * (tr.times + 1.0))
    assert np.all(Fn <= bound * (1 + 1e-12))
    assert sublinear_order(fld, tr) == pytest.approx(-1.0, abs=0.05, rel=0)


def test_sga_field_is_F_plus_gamma_At_F():
    base = VectorField(games.dirac(), [R1(gamma=0.2)])
    fld = VectorField(games.dirac(), [R1(gamma=0.2), SGA(gamma=0.7)])
    for z in ([0.3, -0.4], [1.0, 0.5]):
        DF = base.eval_DF(z)
        Aas = (DF - DF.T) / 2
        expect = base.eval_F(z) + 0.7 * Aas.T @ base.eval_F(z)
        np.testing.assert_allclose(fld.eval_F(z), expect, rtol=1e-12, atol=1e-14)
    bil = VectorField(games.bilinear(), [SGA(gamma=0.5)])
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(-bil.eval_DF([0.0, 0.0]))),
                               np.sort_complex(np.array([-0.5 - 1j, -0.5 + 1j])), rtol=0, atol=1e-14)


def test_sga_alignment_sign():
    fld0 = VectorField(GAME4, [])
    fld = VectorField(GAME4, [SGA(gamma=0.6, align=True, eps=0.1)])
    for z in ([0.3, -0.4, 0.2, 0.1], [1.0, 0.5, -0.7, 0.2], [-0.2, 0.9, 0.4, -1.1]):
        F, DF = fld0.eval_F(z), fld0.eval_DF(z)
        Aas = (DF - DF.T) / 2
        gH = DF.T @ F
        s = np.sign(F @ gH * ((Aas.T @ F) @ gH) / 4 + 0.1)
        np.testing.assert_allclose(fld.eval_F(z), F + 0.6 * s * Aas.T @ F, rtol=1e-12, atol=1e-14)
    with pytest.raises(GandynamicsError, match="eps must be"):
        SGA(eps=-1)


def test_proximal_failed_solve_is_flagged():
    # F = x^3 (monotone) with a huge step from far away: Newton from the explicit guess needs many iterations;
    # with maxit=1 it cannot reach the tolerance -> reason "solve"
    fld = cubic_quadratic(c=1.0, d=1.0)   # L_G = x^4/4, L_D = y^2/2: F = (x^3, y) (tests/conftest.py)
    tr = simulate(fld, "proximal", [3.0, 1.0], 10, 5.0, maxit=1)
    assert tr.diverged and tr.reason == "solve" and tr.diverged_at == 1
    ok = simulate(fld, "proximal", [3.0, 1.0], 10, 5.0)
    assert not ok.diverged
    # the implicit equation holds at every step
    for k in range(10):
        zn, zk = ok.states[k + 1], ok.states[k]
        np.testing.assert_allclose(zn + 5.0 * fld.eval_F(zn), zk, rtol=1e-12, atol=1e-12)


RESERVED = {"k", "m", "lo", "ri", "rec", "nbad", "blk", "B", "R", "nalive", "alive", "code", "zs", "yes", "npar",
            "acc_", "mx", "K", "K0", "LAST", "CODE", "Z0", "P", "H", "BETA", "ZSTAR", "STATE"}


@pytest.mark.parametrize("name", list(METHODS))
def test_rule_bodies_do_not_assign_driver_names(name):
    for r in METHODS[name].rules:
        for fn in (r.step, r.init, r.post):
            if fn is None:
                continue
            body, params = rule_body(fn)
            stored = {n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            assert not (stored & RESERVED), (name, stored & RESERVED)


def test_adaptive_methods_name_their_own_history_when_refusing_an_iteration_matrix():
    from gandynamics.methods import METHODS
    assert "(m, v)" in METHODS["adam"].no_matrix
    assert "(v)" in METHODS["rmsprop"].no_matrix and "m," not in METHODS["rmsprop"].no_matrix


@pytest.mark.parametrize("case", ["ftr-bilinear", "proximal-singular"])
def test_a_failed_solve_stops_the_run_and_says_why_instead_of_diverged(case):
    """FTR on a bilinear game (DF_psipsi = 0) and the proximal point method at h = 1 on F(z) = -z (I + h DF = 0)
    cannot take their first step: the run is described as stopped with the method's own reason, not diverged."""
    from gandynamics import simulate
    from gandynamics.methods import METHODS
    # members of tests/conftest.py's polynomial game: F = (y, -x) (b = 1) and F = -z (a = c = -1)
    if case == "ftr-bilinear":
        fld, method = cubic_quadratic(b=1.0), "ftr"
    else:
        fld, method = cubic_quadratic(a=-1.0, c=-1.0), "proximal"
    tr = simulate(fld, method, [1.0, 1.0], 20, 1.0 if method == "proximal" else 0.1)
    assert tr.reason == "solve" and tr.diverged_at == 1
    text = tr.describe()
    assert text.startswith("stopped at step 1, not diverged: ") and METHODS[method].solve_failure in text
    assert "diverged at" not in text
