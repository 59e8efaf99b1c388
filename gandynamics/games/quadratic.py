r"""The quadratic game ``min_x max_y a/2 x^2 + b x y - c/2 y^2`` (docs/mathematics.md §6) and its SGA preset.

``F = (a x + b y, -b x + c y)``, ``DF = [[a, b], [-b, c]]`` everywhere, eigenvalues of DF
``((a + c) ± sqrt((a - c)^2 - 4 b^2)) / 2``; strong-monotonicity modulus ``mu = min(a, c)``, Lipschitz
constant ``L = ||DF||_2`` (docs/mathematics.md §6 table).  ``J = Dv = -DF``.

With ``a = c = 1, b = 10`` this is the example of the symplectic gradient adjustment paper (Balduzzi et al.
2018; docs/mathematics.md §6.2): its players ``l1 = x^2/2 + 10 x y`` and ``l2 = y^2/2 - 10 x y`` have the same
simultaneous gradient ``xi = (x + 10 y, y - 10 x)`` as this zero-sum game, so the same field and
``H = DF = [[1, 10], [-10, 1]]``.

``a, b, c`` are hyperparameters (sympy symbols with these defaults), so a sweep over them never
re-derives nor recompiles.
"""

from __future__ import annotations

import sympy as sp

from ..game import Game

__all__ = ["quadratic", "quadratic_sga"]


def quadratic(a: float = 1.0, b: float = 1.0, c: float = 1.0) -> Game:
    """``min_x max_y a/2 x^2 + b x y - c/2 y^2``; state ``(x, y)``, equilibrium ``(0, 0)``.

    Parameters
    ----------
    a, b, c : float
        Defaults of the hyperparameters ``a, b, c`` (docs/mathematics.md §6).

    Returns
    -------
    Game
        A zero-sum :class:`~gandynamics.game.Game` with ``DF = [[a, b], [-b, c]]``.
    """
    x, y = sp.symbols("x y", real=True)
    A, B, C = sp.symbols("a b c", real=True)
    value = A / 2 * x**2 + B * x * y - C / 2 * y**2
    return Game.zero_sum([x], [y], value, hyper={A: a, B: b, C: c}, equilibrium=(0, 0), name="quadratic")


def quadratic_sga() -> Game:
    """The SGA example (Balduzzi et al. 2018; docs/mathematics.md §6.2): :func:`quadratic` with ``a = c = 1, b = 10``;
    ``H = [[1, 10], [-10, 1]]``, eigenvalues of DF ``1 ± 10 i``."""
    g = quadratic(1.0, 10.0, 1.0)
    return g.with_losses(name="quadratic-sga")
