"""gandynamics.equilibrium.find_equilibrium: a verified zero of F, and its arguments checked."""

import numpy as np
import pytest
import sympy as sp

from gandynamics import Game, GandynamicsError, VectorField, find_equilibrium


def _shifted():
    # L = (x - 1)^2/2 + (x - 1)(y + 2) - (y + 2)^2/2: F = (x - 1 + y + 2, -(x - 1) + y + 2), zero at (1, -2)
    x, y = sp.symbols("x y", real=True)
    L = (x - 1) ** 2 / 2 + (x - 1) * (y + 2) - (y + 2) ** 2 / 2
    return VectorField(Game(theta=[x], psi=[y], loss_g=L, loss_d=-L, name="shifted"))


def test_finds_the_zero_from_a_start():
    z, res = find_equilibrium(_shifted(), start=[0.3, 0.4])
    np.testing.assert_allclose(z, [1.0, -2.0], rtol=0, atol=1e-12)   # by hand: the linear system above
    assert 0 <= res < 1e-10


@pytest.mark.parametrize("tol", [0, -1, float("nan"), "x", None])
def test_tol_must_be_a_positive_number(tol):
    # a negative or NaN tol used to run the search and report "failed: residual ||F|| = 0 (needs < -1)"
    with pytest.raises(GandynamicsError, match=r"^tol must be a number > 0 \(inf allowed\), got "):
        find_equilibrium(_shifted(), tol=tol)


def test_an_infinite_tol_accepts_the_start():
    z, res = find_equilibrium(_shifted(), start=[0.0, 0.0], tol=float("inf"))
    np.testing.assert_array_equal(z, [0.0, 0.0])
    assert res == pytest.approx(np.hypot(1.0, 3.0), rel=1e-15, abs=0)   # F(0, 0) = (1, 3) by hand (above)


def test_params_that_are_not_a_mapping_are_refused():
    with pytest.raises(GandynamicsError, match=r"^hyperparameters must be a mapping name -> value"):
        find_equilibrium(_shifted(), [0.3, 0.4])   # a start given as the second positional argument
