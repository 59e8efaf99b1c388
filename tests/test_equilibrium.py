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


@pytest.mark.parametrize("cmd", [["analyze"], ["classify"], ["rates", "--no-measure"], ["basin", "--max-seconds", "1"],
                                 ["simulate", "--method", "gd", "--step", "0.1", "--steps", "20"]])
def test_every_command_warns_once_of_a_wrong_declared_equilibrium(tmp_path, capsys, cmd):
    """Found by a new user: a game declaring equilibrium=(0, 0) where F(0, 0) = (-1, 0) was analysed at Newton's zero
    without a word by analyze, classify, rates and basin, and warned of twice by simulate. The warning now comes from
    find_equilibrium, which every analysis and run uses, once per field. The zero it names is checked by numpy: F
    = (x - 1 + y + x^3, y - x) vanishes at x = y with 2x - 1 + x^3 = 0."""
    import numpy as np

    from gandynamics.cli import main
    (tmp_path / "g.py").write_text(
        "import sympy as sp\nimport gandynamics as gd\nx, y = sp.symbols('x y', real=True)\n"
        "nl = lambda: gd.Game.zero_sum([x], [y], (x - 1)**2 / 2 + x * y - y**2 / 2 + x**4 / 4, equilibrium=(0, 0), "
        "name='nl')\n")
    main([cmd[0], "--game", f"{tmp_path / 'g.py'}:nl", *cmd[1:]])
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("gandynamics: warning: the declared equilibrium")]
    assert len(lines) == 1, err
    root = np.roots([1, 0, 2, -1]).real[np.abs(np.roots([1, 0, 2, -1]).imag) < 1e-12][0]
    assert f"|F| = 1 there; the zero Newton's method found from it, ({root:.6g}, {root:.6g}), is used instead" in lines[0]
