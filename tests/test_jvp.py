"""Jacobian-vector products of large games (gandynamics._jvp.JacobianOperator) and the leading
eigenvalues by Arnoldi iterations (spectrum(k=...)), against the compiled dense Jacobian, finite
differences and dense eigenvalues."""

import numpy as np
import pytest

from gandynamics import VectorField, games, spectrum
from gandynamics._jvp import JacobianOperator


@pytest.fixture(scope="module")
def mlp_field():
    return VectorField(games.make_game("mlp", k=15, dim=1))  # n = 32 > DENSE_MAX: the large-game route


@pytest.mark.slow  # compiles an mlp's JVP, ~5 s: in CI's `-m slow` run
def test_operator_equals_the_symbolic_jacobian_and_finite_differences(mlp_field):
    fld = mlp_field
    rng = np.random.default_rng(3)
    p = fld.param_vector()
    z = np.asarray(fld.equilibrium) + 0.3 * rng.standard_normal(fld.n)
    op = JacobianOperator(fld.interpreted, z, p)
    # the reference: sympy's DF entry by entry (the compiled large-game route is checked against it in test_scaling)
    sub = dict(zip(fld.z, z))
    sub.update(zip(fld.hyper, p))
    J_c = np.array(fld.DF.xreplace(sub).evalf(), dtype=float)
    np.testing.assert_allclose(op.dense(block=5), J_c, rtol=1e-12, atol=1e-14)
    v = rng.standard_normal(fld.n)
    np.testing.assert_allclose(op.matvec(v), J_c @ v, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(op.rmatvec(v), J_c.T @ v, rtol=1e-12, atol=1e-13)
    # finite differences of the interpreted F: an independent check of the chain rule
    F = lambda x: np.asarray(fld.interpreted.field(x, p, np.empty(fld.n)))
    h = 1e-6
    fd = (F(z + h * v) - F(z - h * v)) / (2 * h)
    np.testing.assert_allclose(op.matvec(v), fd, rtol=1e-7, atol=1e-8)


@pytest.mark.slow  # compiles the Jacobian of an 80-parameter game: about a minute on 2 cores
def test_leading_eigenvalues_match_dense(mlp_field):
    fld = VectorField(games.make_game("mlp", k=39, dim=1))  # n = 80 (> 64: Arnoldi)
    rng = np.random.default_rng(5)
    z = np.asarray(fld.equilibrium) + 0.2 * rng.standard_normal(fld.n)
    dense = np.linalg.eigvals(-fld.compiled().jacobian(z, fld.param_vector(), np.empty((fld.n, fld.n))))
    for which, key in [("LR", lambda e: -e.real), ("LM", lambda e: -np.abs(e))]:
        rep = spectrum(fld, at=z, tol=np.inf, k=6, which=which)
        ref = dense[np.argsort(key(dense), kind="stable")][:6]
        np.testing.assert_allclose(np.sort_complex(rep.eigenvalues), np.sort_complex(ref), rtol=1e-8, atol=1e-10)
    rep = spectrum(fld, at=z, tol=np.inf, k=6)
    assert rep.spectral_abscissa == pytest.approx(dense.real.max(), rel=1e-9, abs=1e-12)
