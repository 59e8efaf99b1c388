"""The bilinear game ``min_x max_y x^T B y`` (docs/mathematics.md §5.5, §6).

``F = (B y, -B^T x)``; at 0 the Jacobian of v has eigenvalues ``± i sigma_j(B)`` (``±i`` for ``B = 1``):
simultaneous GD diverges for every step, extragradient and optimism converge.
"""

from __future__ import annotations

import sympy as sp

from ..validate import matrix
from ..game import Game

__all__ = ["bilinear"]


def bilinear(B=1.0) -> Game:
    """``min_x max_y x^T B y`` with ``B`` a number (scalar game, state ``(x, y)``) or a matrix
    (state ``(x_1..x_m, y_1..y_n)``); equilibrium 0.  On the command line: ``--param B=2`` or
    ``--param 'B=1,0;0,2'`` (rows separated by ';') or ``--param 'B=[[1,0],[0,2]]'``."""
    Bm = matrix(B, "bilinear: B")
    m, n = Bm.shape
    if m == n == 1:
        x, y = sp.symbols("x y", real=True)
        xs, ys = [x], [y]
    else:
        xs = list(sp.symbols(f"x1:{m + 1}", real=True))
        ys = list(sp.symbols(f"y1:{n + 1}", real=True))
    Bs = sp.Matrix(m, n, lambda i, j: sp.nsimplify(Bm[i, j]) if float(Bm[i, j]).is_integer() else sp.Float(Bm[i, j]))
    value = (sp.Matrix([xs]) * Bs * sp.Matrix(ys))[0, 0]
    return Game.zero_sum(xs, ys, value, equilibrium=(0,) * (m + n), name="bilinear")


#: ``--param B=...`` is a number or a matrix (rows separated by ';': ``--param 'B=1,0;0,2'``)
bilinear.param_kinds = {"B": "matrix"}
