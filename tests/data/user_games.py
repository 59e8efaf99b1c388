"""User-defined games for tests/test_userload.py (loaded with --game tests/data/user_games.py:NAME)."""
import sympy as sp

from gandynamics import GAN, Atoms, Game, Normal


def my_gan():
    """A GAN from parts: data at 1, D = psi x; equilibrium (1, 0), J = [[0, -f'(0)], [f'(0), 2 f''(0)]]."""
    theta, psi, x = sp.symbols("theta psi x")
    return GAN(theta=[theta], psi=[psi], x=[x], discriminator=psi * x,
               real=Atoms([1]), fake=Atoms([theta]), loss="standard", equilibrium=(1, 0))


def my_game(scale=1.0):
    """A Game from two sympy losses: L_G = scale x y + x^2/2, L_D = -scale x y + y^2/2 (DF = [[1, s], [-s, 1]])."""
    x, y = sp.symbols("x y")
    return Game([x], [y], scale * x * y + x**2 / 2, -scale * x * y + y**2 / 2, equilibrium=(0, 0))


def normal_gan(mean=2.0):
    """Data N(mean, 1), generator theta + z, linear D: a GAN whose data distribution is quadrature-based."""
    theta, psi, x = sp.symbols("theta psi x")
    from gandynamics import Pushforward
    return GAN(theta=[theta], psi=[psi], x=[x], discriminator=psi * x, real=Normal(mean, 1, order=3),
               fake=Pushforward(Normal(0, 1, order=3), lambda z: (theta + z,)), loss="wgan", equilibrium=(mean, 0))


def broken():
    x = sp.Symbol("x")
    return 1 / 0 + x  # ZeroDivisionError, reported as user_games.py:30


def not_a_game():
    return 42


def bad_symbols():
    x, y, q = sp.symbols("x y q")
    return Game([x], [y], x * y * q, -x * y * q)  # reported at user_games.py:39: q is neither a parameter nor a hyperparameter
