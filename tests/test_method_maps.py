"""The methods' maps as declared once (gandynamics.methods.base.Method.map / iteration_matrix), and what is driven
from the declarations: period-k orbits (analysis.cycles.MAP_METHODS) and fixed-point continuation
(analysis.continuation.DISCRETE_METHODS).  Every check is against the compiled/interpreted kernels' own steps
(simulate) or finite differences, never against the declaration itself."""

import numpy as np
import pytest

from gandynamics import R1, VectorField, games, simulate
from gandynamics.analysis.continuation import DISCRETE_METHODS, continuation
from gandynamics.analysis.cycles import MAP_METHODS, method_map
from gandynamics.analysis.rates import iteration_matrix
from gandynamics.methods import METHODS

FLD = VectorField(games.dirac(), [R1(gamma=0.3)])
Z0 = np.array([0.7, -0.4])


def test_the_lists_are_derived_from_the_declarations():
    assert set(MAP_METHODS) == {n for n, m in METHODS.items() if m.map is not None} >= {"gd", "eg", "eftp", "ogda",
                                                                                            "momentum"}
    assert set(DISCRETE_METHODS) == {n for n, m in METHODS.items() if m.iteration_matrix is not None and n != "flow"}


@pytest.mark.parametrize("name", MAP_METHODS)
def test_every_declared_map_is_the_kernels_step_and_its_jacobian_is_exact(name):
    beta = -0.3 if name == "momentum" else 0.0
    h = 0.2
    G, DG, N = method_map(FLD, name, h, beta=beta)
    x = Z0 if N == FLD.n else np.concatenate([Z0, Z0])  # a two-state method starts from (z0, z0)
    xs = [x]
    for _ in range(5):
        xs.append(G(xs[-1]))
    tr = simulate(FLD, name, Z0, 5, h, **({"beta": beta} if name == "momentum" else {}))
    np.testing.assert_allclose(np.array(xs)[:, :FLD.n], tr.states, rtol=0, atol=1e-14)
    e = 1e-6
    for y in xs[1:3]:  # away from the equilibrium: DG against central differences of G
        fd = np.column_stack([(G(y + e * u) - G(y - e * u)) / (2 * e) for u in np.eye(N)])
        np.testing.assert_allclose(DG(y), fd, rtol=1e-6, atol=1e-8)
    zs = np.zeros(N)  # at the equilibrium: the iteration matrix of A = DF(z*)
    np.testing.assert_allclose(DG(zs), iteration_matrix(name, FLD.eval_DF(np.zeros(2)), h, n_theta=1, beta=beta),
                               rtol=0, atol=1e-14)


def _step_jacobian(name, h, period=1, e=1e-6):
    """The Jacobian at z* = 0 of ``period`` steps of the kernels (simulate), by central differences."""
    cols = [(simulate(FLD, name, e * u, period, h).states[-1] - simulate(FLD, name, -e * u, period, h).states[-1])
            / (2 * e) for u in np.eye(FLD.n)]
    return np.column_stack(cols)


def _period(name):
    m = METHODS[name]
    return m.extra["period"](m.normalise(FLD, {})) if "period" in m.extra else 1


@pytest.mark.parametrize("name", DISCRETE_METHODS)
def test_every_discrete_method_is_continued_and_its_events_are_the_kernels(name):
    A = FLD.eval_DF(np.zeros(2))
    M = iteration_matrix(name, A, 0.7, n_theta=1)
    if M.shape == (FLD.n, FLD.n):  # one-state methods: the declared matrix is the kernels' linearisation
        np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(M)),
                                   np.sort_complex(np.linalg.eigvals(_step_jacobian(name, 0.7, _period(name)))),
                                   rtol=0, atol=1e-7)
    br = continuation(FLD, "h", 0.05, 3.0, method=name, params={"gamma": 0.3})
    assert len(br.points) > 2
    for ev in br.events:  # a flip or Neimark-Sacker point: a multiplier on the unit circle
        mult = np.asarray(ev.multipliers)
        assert np.min(np.abs(np.abs(mult) - 1)) < 1e-6
        if M.shape == (FLD.n, FLD.n):  # ... and the kernels' step at that h has it too
            J = _step_jacobian(name, ev.value, _period(name))
            assert np.min(np.abs(np.abs(np.linalg.eigvals(J)) - 1)) < 1e-5
