"""The built-in games: each Jacobian at its equilibrium against the closed form of docs/mathematics.md (§1–§6), and
every game x applicable regularizer: symbolic DF against central finite differences of F.

Expected values are typed in from docs/mathematics.md (or derived in the test from its formulas), never computed by
the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gandynamics import (JARE, R1, R2, WGANGP, Asymmetric, Consensus, GandynamicsError, InstanceNoise,
                         NagarajanKolter, Tikhonov, VectorField, games)
from gandynamics.cli.list_cmd import catalogue
from gandynamics.game import GAN
from gandynamics.losses import softplus

TOL = 1e-10


def J_at_eq(fld, params=None, compiled=True):
    """J = -DF at the documented equilibrium, compiled (numba) or, to keep the suite fast, by NumPy
    evaluation of the same sympy expressions."""
    z = fld.equilibrium
    if compiled:
        assert np.linalg.norm(fld.eval_F(z, params)) < 1e-12, "the documented equilibrium is a zero of F"
        return fld.eval_J(z, params)
    F, DF = _numeric(fld)
    p = fld.param_vector(params)
    assert np.linalg.norm(F(z, p)) < 1e-12, "the documented equilibrium is a zero of F"
    return -DF(z, p)


# ---------------------------------------------------------------------------------------------- registry
def test_every_new_game_is_listed_with_source_and_parameters():
    names = {g["name"]: g for g in catalogue()["games"]}
    for name in ("dirac", "dirac-nd", "bilinear", "quadratic", "quadratic-sga", "nk-scale", "jare-gaussian",
                 "gaussian-mean", "lq-wgan", "mlp"):
        assert name in names and names[name]["source"]
    assert names["jare-gaussian"]["params"] == {"n": 2, "v": (0.0, 2.0), "sigma": 0.7, "order": 3}
    assert names["gaussian-mean"]["params"]["v"] == (3.0, 4.0)
    assert names["lq-wgan"]["params"]["m"] == 0.0 and names["lq-wgan"]["params"]["s"] == 1.0


def test_every_registered_game_is_the_package_attribute_of_its_name():
    # games.hopf was the module hopf.py, not its factory (a new user's trial): each registered name, "-" read as "_",
    # is the factory make_game calls, and it builds a game
    import types

    from gandynamics import games
    from gandynamics.games import GAMES
    for name, spec in GAMES.items():
        attr = getattr(games, name.replace("-", "_"))
        assert not isinstance(attr, types.ModuleType) and attr is spec.factory, name
        assert name.replace("-", "_") in games.__all__, name


def test_bad_game_parameters_are_one_line_errors():
    for name, kw in [("mlp", {"k": 0}), ("mlp", {"dim": 3}), ("jare-gaussian", {"n": 3, "v": (1.0, 2.0)}),
                     ("lq-wgan", {"s": -1.0}), ("nk-scale", {"order": 0}), ("jare-gaussian", {"sigma": 0.0})]:
        with pytest.raises(GandynamicsError):
            games.make_game(name, **kw)
    with pytest.raises(GandynamicsError, match="takes no --loss"):
        games.make_game("quadratic", loss="wgan")


# ---------------------------------------------------------------------------------------------- §5.5, §6
def test_bilinear_matrix():
    B = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 3.0]])
    fld = VectorField(games.bilinear(B))
    J = J_at_eq(fld, compiled=False)
    Jref = np.block([[np.zeros((3, 3)), -B], [B.T, np.zeros((2, 2))]])  # F = (B y, -B^T x), J = -DF
    assert np.abs(J - Jref).max() < TOL
    sv = np.linalg.svd(B, compute_uv=False)
    eig = np.sort_complex(np.linalg.eigvals(J))
    assert np.allclose(np.sort(np.abs(eig.imag))[-4:], np.sort(np.r_[sv, sv]), atol=1e-10)


@pytest.mark.parametrize("a,b,c", [(1.0, 10.0, 1.0), (0.3, -2.0, 1.7), (2.0, 0.5, 0.0)])
def test_quadratic_closed_form(a, b, c):
    fld = VectorField(games.quadratic())  # a, b, c are hyperparameters: no recompilation per value
    params = {"a": a, "b": b, "c": c}
    DF = -J_at_eq(fld, params)
    assert np.abs(DF - np.array([[a, b], [-b, c]])).max() < TOL          # docs/mathematics.md §6
    disc = complex((a - c) ** 2 - 4 * b**2) ** 0.5
    ref = np.sort_complex(np.array([(a + c + disc) / 2, (a + c - disc) / 2]))
    assert np.abs(np.sort_complex(np.linalg.eigvals(DF)) - ref).max() < 1e-10


def test_quadratic_sga_preset():
    fld = VectorField(games.make_game("quadratic-sga"))
    DF = -J_at_eq(fld)
    assert np.abs(DF - np.array([[1, 10], [-10, 1]])).max() < TOL        # H of docs/mathematics.md §6.2
    assert np.allclose(np.sort_complex(np.linalg.eigvals(DF)), [1 - 10j, 1 + 10j])


def test_gaussian_mean_wgan():
    d = 2
    fld = VectorField(games.make_game("gaussian-mean"))
    assert np.allclose(fld.equilibrium, [3, 4, 0, 0])
    DF = -J_at_eq(fld)
    I = np.eye(d)
    assert np.abs(DF - np.block([[0 * I, -I], [I, 0 * I]])).max() < TOL  # docs/mathematics.md §6 table
    # F = (-w, theta - v) everywhere (linear critic, WGAN): check away from the equilibrium too
    z = np.array([1.0, -2.0, 0.5, 0.25])
    assert np.abs(fld.eval_F(z) - np.r_[-z[2:], z[:2] - [3, 4]]).max() < 1e-12


# ---------------------------------------------------------------------------------------------- §2.3 NK toy
M2, M4 = 1 / 3, 1 / 5   # moments of U[-1, 1]


def nk_closed_form(fp, fpp, eta=0.0):
    """docs/mathematics.md §2.3 in (w, a) order, then reordered to our (a, w)."""
    Jwa = np.array([[2 * fpp * M4, -2 * fp * M2],
                    [2 * fp * M2 + 8 * eta * M2 * M4 * fp * fpp, -8 * eta * M2**2 * fp**2]])
    P = np.array([[0, 1], [1, 0]])
    return P @ Jwa @ P


@pytest.mark.parametrize("loss,fp,fpp", [("standard", 0.5, -0.25), ("wgan", 1.0, 0.0)])
@pytest.mark.parametrize("eta", [0.0, 0.3])
def test_nk_scale_closed_form(loss, fp, fpp, eta):
    regs = [NagarajanKolter(eta=eta)] if eta else []
    fld = VectorField(games.make_game("nk-scale", loss=loss), regs)
    assert np.allclose(fld.equilibrium, [1, 0])
    J = J_at_eq(fld)
    assert np.abs(J - nk_closed_form(fp, fpp, eta)).max() < TOL


def test_nk_scale_numbers_of_theory():
    J = J_at_eq(VectorField(games.nk_scale(loss="standard")))
    assert np.abs(J - np.array([[0, 1 / 3], [-1 / 3, -1 / 10]])).max() < TOL
    eig = np.sort_complex(np.linalg.eigvals(J))
    assert np.abs(eig - np.array([-1 / 20 - 1j * np.sqrt(391) / 60, -1 / 20 + 1j * np.sqrt(391) / 60])).max() < 1e-12
    eta = 0.4
    J = J_at_eq(VectorField(games.nk_scale(loss="wgan"), [NagarajanKolter(eta=eta)]))
    # char. poly lambda^2 + (8 eta / 9) lambda + 4/9
    assert abs(np.trace(J) + 8 * eta / 9) < TOL and abs(np.linalg.det(J) - 4 / 9) < TOL


def test_nk_scale_quadrature_order_matters():
    """Order 2 integrates only degree <= 3 exactly, so m4 = E x^4 is wrong (1/9 instead of 1/5): the
    Jacobian's (w, w) entry 2 f''(0) m4 must then differ — the quadrature is really used."""
    J2 = J_at_eq(VectorField(games.nk_scale(order=2)), compiled=False)
    assert abs(J2[1, 1] - 2 * (-0.25) * (1 / 9)) < TOL
    J3 = J_at_eq(VectorField(games.nk_scale(order=3)), compiled=False)
    assert abs(J3[1, 1] - 2 * (-0.25) * M4) < TOL


# ---------------------------------------------------------------------------------------------- §3 JARE
def jare_closed_form(v, sigma, c, k):
    n = len(v)
    Sigma = sigma**2 * np.eye(n) + np.outer(v, v)
    return np.block([[np.zeros((n, n)), c * np.eye(n)], [-c * np.eye(n), -k * Sigma]])


@pytest.mark.parametrize("loss,c,k", [("standard", 0.5, 0.5), ("wgan", 1.0, 0.0)])
def test_jare_gaussian_closed_form(loss, c, k):
    fld = VectorField(games.make_game("jare-gaussian", loss=loss))
    assert np.allclose(fld.equilibrium, [0, 2, 0, 0])
    assert np.abs(J_at_eq(fld) - jare_closed_form([0, 2], 0.7, c, k)).max() < TOL


def test_jare_gaussian_three_dims_and_order_two_is_exact():
    v = (1.0, 0.0, -2.0)
    fld = VectorField(games.jare_gaussian(n=3, v=v, sigma=0.4, order=2))
    assert np.abs(J_at_eq(fld, compiled=False) - jare_closed_form(v, 0.4, 0.5, 0.5)).max() < TOL


@pytest.mark.slow  # (about 1 s a case: CI's default pass is kept under 3 minutes, session 45)
def test_jare_regularizer_on_its_own_example():
    """docs/mathematics.md §3.4: J_JARE = (I - gamma J_off^T) J, JARE's singular values all scale by sqrt(1 + gamma^2 c^2)."""
    gamma = 0.8
    J = jare_closed_form([0, 2], 0.7, 0.5, 0.5)
    Joff = J.copy()
    Joff[:2, :2] = 0
    Joff[2:, 2:] = 0
    ref = (np.eye(4) - gamma * Joff.T) @ J
    Jj = J_at_eq(VectorField(games.jare_gaussian(), [JARE(gamma=gamma)]), compiled=False)
    assert np.abs(Jj - ref).max() < TOL
    s0, s1 = np.linalg.svd(J, compute_uv=False), np.linalg.svd(Jj, compute_uv=False)
    assert np.allclose(s1, s0 * np.sqrt(1 + gamma**2 * 0.25), rtol=1e-10)


def test_jare_gaussian_matches_the_source_sign_convention():
    """Nie & Patel's objective E g1(theta^T x) + E g2(theta^T (phi + z)) (realness D) written directly,
    with the same quadrature, equals our L: the game is theirs, not its mirror image."""
    gan = games.jare_gaussian(order=2)
    phi, th = gan.theta, gan.psi
    g1 = lambda t: -softplus(-t)
    g2 = lambda t: -softplus(t)
    their = sum(w * g1(sum(a * b for a, b in zip(th, x))) for w, x in gan.real.atoms()) + \
        sum(w * g2(sum(a * b for a, b in zip(th, x))) for w, x in gan.fake.atoms())
    pt = dict(zip(phi + th, [0.3, 1.1, -0.4, 0.7]))
    assert abs(float((gan.objective() - their).xreplace(pt))) < 1e-12


# ---------------------------------------------------------------------------------------------- §4.5 LQ
@pytest.mark.parametrize("m,s", [(0.0, 1.0), (0.5, 1.3)])
def test_lq_wgan_unregularized_is_skew_with_omega(m, s):
    fld = VectorField(games.lq_wgan(m=m, s=s))
    assert np.allclose(fld.equilibrium, [s, m, 0, 0])
    J = J_at_eq(fld)
    assert np.abs(J + J.T).max() < TOL
    T = 1 + 4 * m**2 + 4 * s**2
    om2 = np.array([(T - np.sqrt(T**2 - 16 * s**2)) / 2, (T + np.sqrt(T**2 - 16 * s**2)) / 2])
    assert np.allclose(np.sort(np.abs(np.linalg.eigvals(J).imag))[::2], np.sqrt(om2), atol=1e-10)


@pytest.mark.parametrize("m,s,eps,gamma", [(0.0, 1.0, 0.0, 1.0), (0.5, 1.3, 0.2, 0.7)])
def test_lq_wgan_asymmetric_Ra(m, s, eps, gamma):
    fld = VectorField(games.lq_wgan(m=m, s=s), [Asymmetric(eps=eps, gamma=gamma, anchor=f"{s},{m}", tikhonov_on="generator")])
    DF = -J_at_eq(fld)
    ref = np.array([[eps, 0, 0, -2 * s], [0, eps, -1, -2 * m], [0, 1, gamma, 2 * gamma * m],
                    [2 * s, 2 * m, 2 * gamma * m, 4 * gamma * (m**2 + s**2)]])     # docs/mathematics.md §4.5
    assert np.abs(DF - ref).max() < TOL
    if (m, s, eps, gamma) == (0.0, 1.0, 0.0, 1.0):   # 1/2 ± i sqrt(3)/2 and 2 (double)
        eig = np.sort_complex(np.linalg.eigvals(DF))
        assert np.allclose(eig[:2], [0.5 - 1j * np.sqrt(3) / 2, 0.5 + 1j * np.sqrt(3) / 2], atol=1e-10)
        assert np.allclose(eig[2:], [2, 2], atol=1e-6)   # defective double eigenvalue: ~sqrt(eps) accuracy


def test_lq_wgan_other_readings_worked_numbers():
    # (R-b): both terms on the discriminator, m = 0, s = 1, eps = 0.5, gamma = 1 (docs/mathematics.md §4.5)
    fld = VectorField(games.lq_wgan(), [Asymmetric(eps=0.5, gamma=1.0, tikhonov_on="discriminator")])
    eig = np.sort_complex(np.linalg.eigvals(-J_at_eq(fld, compiled=False)))
    ref = np.sort_complex(np.array([0.75 - 0.661437827766j, 0.75 + 0.661437827766j, 1.2192235936, 3.2807764064]))
    assert np.abs(eig - ref).max() < 1e-9
    # (R-c): DF_c(z*) and L = ||DF_c||_2 = 4.7603986447
    m, s, eps, gamma = 0.0, 1.0, 0.5, 1.0
    fld = VectorField(games.lq_wgan(), [Asymmetric(eps=eps, gamma=gamma, tikhonov_on="discriminator", penalty="nk")])
    DF = -J_at_eq(fld, compiled=False)
    ref = np.array([[4 * gamma * s**2, 4 * gamma * s * m, 0, -2 * s], [4 * gamma * s * m, gamma * (1 + 4 * m**2), -1, -2 * m],
                    [0, 1, eps, 0], [2 * s, 2 * m, 0, eps]])
    assert np.abs(DF - ref).max() < TOL
    assert abs(np.linalg.norm(DF, 2) - 4.7603986447) < 1e-9


# ---------------------------------------------------------------------------------------------- mlp
def test_mlp_parameter_counts_and_equilibrium_manifold():
    assert len(games.mlp(k=1).params) == 4
    assert len(games.mlp(k=49).params) == 100
    assert len(games.mlp(k=3, dim=2, bias=True).params) == 6 + 4 * 3
    k, dim = 2, 2
    fld = VectorField(games.mlp(k=k, dim=dim, bias=True))
    J = J_at_eq(fld, compiled=False)
    # with u = 0 every column of a hidden weight or bias vanishes (module docstring): k (dim + 1) zero columns
    names = fld.names
    hidden = [i for i, nm in enumerate(names) if nm[0] in "wc"]
    assert len(hidden) == k * (dim + 1)
    assert np.abs(J[:, hidden]).max() < 1e-15   # zero up to the rounding of the data atoms' sums
    # the rest is a generic non-trivial block
    assert np.abs(J).max() > 1e-3


@pytest.mark.parametrize("k,dim,bias,n", [(100000, 1, False, 200002), (60000, 2, True, 240006)])
def test_mlp_too_large_is_refused_before_any_unit_is_built(monkeypatch, k, dim, bias, n):
    """The size check counts dim^2 + dim + k dim + k (biases) + k parameters before building k tanh units
    (which took sympy over a minute for k = 1e5)."""
    def no_units(*a, **kw):
        raise AssertionError("a hidden unit was built before the size check")
    monkeypatch.setattr(sp, "tanh", no_units)
    with pytest.raises(GandynamicsError, match=rf"game 'mlp' with {n} parameters: its Jacobian would need"):
        games.make_game("mlp", k=k, dim=dim, bias=bias)


@pytest.mark.slow  # 3.0 s with warm caches on the 2-core CI machine
def test_mlp_symbolic_jacobian_equals_finite_differences():
    """The symbolic DF of the 2-D mlp (18 parameters, hidden biases) against central differences of F."""
    fld = VectorField(games.mlp(k=3, dim=2, bias=True))
    F, DF = _numeric(fld)
    p = fld.param_vector()
    rng = np.random.default_rng(7)
    for _ in range(2):
        z = rng.normal(size=fld.n) * 0.8
        h = 1e-6
        fd = np.column_stack([(F(z + h * e, p) - F(z - h * e, p)) / (2 * h) for e in np.eye(fld.n)])
        assert np.abs(DF(z, p) - fd).max() < 1e-7


# ---------------------------------------------------------------------------------------------- every game x regularizer
SMALL = {"dirac": {}, "dirac-nd": {"d": 2}, "bilinear": {}, "quadratic": {}, "quadratic-sga": {},
         "nk-scale": {"order": 2}, "jare-gaussian": {"n": 1, "v": (2.0,), "order": 2},
         "gaussian-mean": {"v": (3.0,), "order": 2}, "lq-wgan": {"order": 2}, "mlp": {"k": 1}}
REGS = [R1(gamma=0.3), R2(gamma=0.4), WGANGP(gamma=0.5, order=2), InstanceNoise(sigma=0.5, order=2),
        Consensus(gamma=0.2), NagarajanKolter(eta=0.3), JARE(gamma=0.4), Tikhonov(eps=0.2),
        Asymmetric(eps=0.1, gamma=0.6)]
MODULES = [{"sigmoid": lambda x: 1 / (1 + np.exp(-x)), "softplus": lambda x: np.logaddexp(0, x),
            "DiracDelta": lambda x: 0.0 * x, "vnorm": lambda *a: np.sqrt(sum(x**2 for x in a)),
            "safediv": lambda a, b: a / b if b != 0 else 0.0 * a}, "numpy"]


def _numeric(fld):
    """F by sympy's lambdify (plain NumPy, evaluated many times for the differences) and DF by sympy itself at the
    point (substitution and evalf: lambdify of a large DF took 8 s for the 18-parameter mlp, evaluated twice)."""
    args = list(fld.z) + list(fld.hyper)
    F = sp.lambdify(args, list(fld.F), modules=MODULES, cse=True)
    DF_lambdified = []

    def DF(z, p):
        sub = dict(zip(args, [float(v) for v in list(z) + list(p)]))
        try:
            return np.array(fld.DF.xreplace(sub).evalf(), dtype=float)
        except TypeError:  # a function sympy does not evaluate to a number: NumPy through lambdify
            if not DF_lambdified:
                DF_lambdified.append(sp.lambdify(args, fld.DF.tolist(), modules=MODULES, cse=True))
            return np.array(DF_lambdified[0](*z, *p), dtype=float)
    return (lambda z, p: np.array(F(*z, *p), dtype=float)), DF


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in ("mlp", "lq-wgan", "nk-scale", "jare-gaussian") else n  # 7 s, 1.2 s, 1.2 s, 0.8 s
                                  for n in SMALL])
@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1))
def test_every_game_with_every_applicable_regularizer(name, seed):
    """Each game x each regularizer whose structure it has builds; DF (symbolic) equals central finite
    differences of F at a random point (plain NumPy evaluation of the sympy expressions; the compiled route
    is compared with the symbolic one in test_scaling.py and test_codegen.py)."""
    model = games.make_game(name, **SMALL[name])
    rng = np.random.default_rng(seed)
    for reg in REGS:
        if reg.stage == "gan" and not isinstance(model, GAN) or (isinstance(reg, Asymmetric) and not isinstance(model, GAN)):
            with pytest.raises(GandynamicsError, match="GAN"):
                VectorField(model, [reg])
            continue
        fld = VectorField(model, [reg])
        F, DF = _numeric(fld)
        p = fld.param_vector()
        z = (fld.equilibrium if fld.equilibrium is not None else np.zeros(fld.n)) + rng.normal(size=fld.n) * 0.5
        h = 1e-6
        fd = np.column_stack([(F(z + h * e, p) - F(z - h * e, p)) / (2 * h) for e in np.eye(fld.n)])
        ref = DF(z, p)
        assert np.abs(ref - fd).max() < 1e-6 * max(1.0, np.abs(ref).max()), (name, reg)


# ------------------------------------------------------------------------------- docs/mathematics.md §1.10
_FP = {"standard": 0.5, "non-saturating": 0.5, "wgan": 1.0}        # f'(0) of §1.1 (the generator's, non-saturating)
_FPP = {"standard": -0.25, "non-saturating": -0.25, "wgan": 0.0}   # f''(0)


def _row_J(row, loss, s):
    """The J(0, 0) column of the §1.10 table, written from the table with f' = f'(0), f'' = f''(0)."""
    fp, fpp = _FP[loss], _FPP[loss]
    return {"none": [[0, -fp], [fp, 0]],
            "consensus": [[-s * fp**2, -fp], [fp, -s * fp**2]],
            "instance-noise": [[0, -fp], [fp, 2 * s**2 * fpp]],
            "r1": [[0, -fp], [fp, -s]],
            "r2": [[0, -fp], [fp, -s]],
            "nagarajan-kolter": [[-2 * s * fp**2, -fp], [fp, 0]],
            "jare": [[-s * fp**2, -fp], [fp, -s * fp**2]]}[row]


@pytest.mark.parametrize("loss", ["standard", "non-saturating", "wgan"])
@pytest.mark.parametrize("row,make,s", [
    ("none", lambda s: [], 0.0), ("consensus", lambda s: [Consensus(gamma=s)], 0.7),
    ("instance-noise", lambda s: [InstanceNoise(sigma=s, order=3)], 0.6), ("r1", lambda s: [R1(gamma=s)], 0.3),
    ("r2", lambda s: [R2(gamma=s)], 0.3), ("nagarajan-kolter", lambda s: [NagarajanKolter(eta=s)], 0.5),
    ("jare", lambda s: [JARE(gamma=s)], 0.8)])
def test_dirac_summary_table_rows(loss, row, make, s):
    # docs/mathematics.md §1.10: every row's J(0, 0) for the standard, non-saturating (same J, §1.2) and WGAN
    # (f'(0) = 1, f''(0) = 0, §1.3, §1.7) losses, against the compiled field; the eigenvalue column follows from J
    J = J_at_eq(VectorField(games.dirac(loss), make(s)), compiled=False)
    ref = np.array(_row_J(row, loss, s), dtype=float)
    np.testing.assert_allclose(J, ref, rtol=0, atol=1e-12)


def _bad_values(default):
    """Values no parameter with this default accepts: non-finite numbers, text that is no number, None; for a
    whole-number default also a fraction; for a vector default the same inside the vector."""
    nan, inf = float("nan"), float("inf")
    if isinstance(default, bool):
        return [2, "maybe", None, 1.0]
    if isinstance(default, int):
        return [0.5, nan, inf, "abc", None]
    if isinstance(default, float):
        return [nan, inf, -inf, "abc", None]
    if isinstance(default, tuple) and default and all(isinstance(x, (int, float)) for x in default):
        return [tuple(nan for _ in default), tuple(inf for _ in default), default[:-1] + (-inf,), "abc", None]
    return []


def test_every_built_in_factory_refuses_non_finite_and_non_numeric_arguments():
    """The kind of games.hopf(omega=nan) (a sympy error about a nan in the loss) and gaussian_mean(v=(1, inf))
    (accepted): every parameter of every registered factory, given a value of the wrong kind, is refused with one
    GandynamicsError that names the game and the parameter (through the library's one validation vocabulary)."""
    from gandynamics.games import GAMES
    checked = 0
    for name, spec in GAMES.items():
        for key, default in spec.params.items():
            for bad in _bad_values(default):
                with pytest.raises(GandynamicsError) as err:
                    spec.factory(**{key: bad})
                assert key in str(err.value) and "\n" not in str(err.value), (name, key, bad, str(err.value))
                checked += 1
    assert checked >= 60


def test_a_boolean_argument_given_as_text_means_what_it_says():
    """mlp(bias='false') built the model *with* biases (a non-empty text is truthy): the text is read as the CLI reads
    it, and anything but a boolean or true/false is refused (the generator above)."""
    for text, flag in (("false", False), ("True", True), (" FALSE ", False)):
        with_text = games.mlp(k=2, bias=text)
        assert len(with_text.theta) + len(with_text.psi) == len(games.mlp(k=2, bias=flag).theta) + len(
            games.mlp(k=2, bias=flag).psi)
    assert games.data_line(leave_line="false").name == "data-line"


@pytest.mark.parametrize("omega", [0.0, -1.0])
def test_the_hopf_normal_form_needs_a_positive_frequency(omega):
    """omega = 0 is no Hopf point (a double zero eigenvalue at beta = 0: Bogdanov-Takens), and the module's closed forms
    (period 2 pi / omega) need omega > 0: refused, with what is accepted."""
    with pytest.raises(GandynamicsError, match=r"hopf: omega must be a finite number > 0"):
        games.hopf(omega=omega)
    assert games.hopf(omega=0.5, sigma=0.0).name == "hopf"  # sigma = 0, the degenerate case, is a field all the same


def test_a_figures_title_names_the_factorys_arguments_beyond_their_defaults():
    """The library's titles named "dirac-nd" whatever d was (the command line's header alone said "dirac-nd(d=3)"):
    both read games.game_label, from the game's origin; the default and the hyperparameters are not repeated there,
    and the name stays the identifier."""
    from gandynamics import VectorField
    from gandynamics.games import game_label, make_game
    from gandynamics.plotting import portrait_title
    three = VectorField(make_game("dirac-nd", d=3))
    assert portrait_title(three) == "dirac-nd(d=3)" and three.name == "dirac-nd"
    assert game_label(VectorField(make_game("dirac-nd", d=2))) == "dirac-nd"  # (its default)
    assert game_label(VectorField(make_game("bilinear", B="1,0;0,2"))) == "bilinear(B=[[1, 0], [0, 2]])"
    assert game_label(VectorField(make_game("quadratic", a=2.0))) == "quadratic"  # (a: a hyperparameter too)


@pytest.mark.parametrize("name", [["dirac"], {"dirac": 1}, [], {}], ids=repr)
def test_a_game_name_that_is_no_text_is_refused_as_an_unknown_game(name):
    """make_game(["dirac"]) ended in "unhashable type: 'list'"."""
    with pytest.raises(GandynamicsError, match=r"^unknown game .*; accepted: "):
        games.make_game(name)


@pytest.mark.parametrize("arg, bad, match", [
    *[("k", v, r"^mlp_equilibrium: k must be a whole number >= 1") for v in (None, "x", [2], 0, 2.5, float("nan"))],
    *[("dim", v, r"^mlp_equilibrium: dim must be 1 or 2") for v in (3, None, "1", [1], True, float("nan"))],
    *[("bias", v, r"^mlp_equilibrium: bias must be true or false") for v in (None, "no", 2)],
], ids=repr)
def test_mlp_equilibrium_checks_its_arguments_as_mlp_does(arg, bad, match):
    """mlp_equilibrium(dim=3) was a KeyError, k=None a TypeError: the one check of mlp's arguments."""
    from gandynamics.games import mlp, mlp_equilibrium
    with pytest.raises(GandynamicsError, match=match):
        mlp_equilibrium(**{arg: bad})
    with pytest.raises(GandynamicsError, match=match.replace("mlp_equilibrium", "mlp")):
        mlp(**{arg: bad})
