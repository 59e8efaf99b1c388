"""Explicit Runge--Kutta tableaux as data (exact rationals).

``c`` nodes, ``A`` the strictly lower-triangular stage matrix (row ``i`` holds ``a_{i0} .. a_{i,i-1}``), ``b``
the weights and, for an embedded pair, ``b_hat`` the weights of the lower-order solution.  The compiled
steppers of :mod:`gandynamics.kernels` read these arrays: RK4 through the block stepper of
:mod:`gandynamics.methods.flow`, Dormand--Prince 5(4) through ``run_dopri5`` (first same as last: the last
stage row equals ``b``).  :func:`conditions` lists the order conditions that a test checks: the row sums
equal the nodes, the weights sum to one (and the error weights ``b - b_hat`` to zero), and the conditions
of order 2--4 (Butcher's trees) for the weights of the stated order.

Sources: Kutta 1901 (RK4); Dormand & Prince 1980, RK5(4)7M, as printed in Hairer, Norsett & Wanner,
Solving ODEs I, Table II.5.2.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction as Fr

import math

import numpy as np

__all__ = ["Tableau", "RK4", "DOPRI5", "TABLEAUX", "conditions"]


@dataclass(frozen=True)
class Tableau:
    name: str
    order: int
    c: tuple
    A: tuple                 # rows of a_ij, j < i
    b: tuple
    b_hat: tuple | None = None
    reference: str = ""

    @property
    def stages(self) -> int:
        return len(self.c)

    def A_array(self, cols: int | None = None) -> np.ndarray:
        s = self.stages
        out = np.zeros((s, cols if cols is not None else max(s - 1, 1)))
        for i, row in enumerate(self.A):
            for j, a in enumerate(row):
                out[i, j] = float(a)
        return out

    def b_array(self) -> np.ndarray:
        return np.array([float(x) for x in self.b])

    def stability_function(self, z):
        """``R(z) = 1 + z b^T (I - z A)^{-1} 1``: one step of the method on ``y' = lambda y`` multiplies ``y`` by
        ``R(h lambda)`` (Hairer & Wanner II, §IV.2).  ``z``: complex scalar or array."""
        z = np.asarray(z, dtype=complex)
        s = self.stages
        A = np.zeros((s, s))
        A[:, : max(s - 1, 1)] = self.A_array()[:, : max(s - 1, 1)] if s > 1 else 0.0
        b = self.b_array()
        out = np.empty(z.shape, dtype=complex)
        for idx, zz in np.ndenumerate(z):
            out[idx] = 1.0 + zz * b @ np.linalg.solve(np.eye(s) - zz * A, np.ones(s))
        return out if out.shape else complex(out)

    def stability_limit(self, eigenvalues, rtol: float = 1e-12) -> float | None:
        """The largest step ``h`` with ``|R(h lambda)| <= 1`` for every eigenvalue ``lambda`` of the flow's
        Jacobian and every smaller step (``inf`` when no eigenvalue bounds it, e.g. all zero; None when some
        ``Re lambda > 0``: then no step is stable).  On the imaginary axis RK4 gives ``2 sqrt 2 / |lambda|``,
        on the negative real axis ``2.785 / |lambda|``."""
        lam = np.asarray(eigenvalues, dtype=complex).ravel()
        if np.any(lam.real > 1e-12 * np.maximum(1.0, np.abs(lam))):
            return None
        lam = lam[np.abs(lam) > 0]
        if lam.size == 0:
            return math.inf
        from .._bisect import last_holding
        good = lambda h: np.max(np.abs(self.stability_function(h * lam))) <= 1 + 1e-13  # noqa: E731
        # explicit methods are unstable beyond |h lambda| ~ 6
        return last_holding(good, 0.0, np.linspace(0.01, 10.0, 1000) / np.max(np.abs(lam)), rtol)

    def error_weights(self) -> np.ndarray:
        """``b - b_hat`` as floats (each difference exact in rationals, then rounded once)."""
        return np.array([float(x - y) for x, y in zip(self.b, self.b_hat)])


RK4 = Tableau(
    "rk4", 4, c=(Fr(0), Fr(1, 2), Fr(1, 2), Fr(1)),
    A=((), (Fr(1, 2),), (Fr(0), Fr(1, 2)), (Fr(0), Fr(0), Fr(1))),
    b=(Fr(1, 6), Fr(1, 3), Fr(1, 3), Fr(1, 6)), reference="classical Runge-Kutta, Kutta 1901")

DOPRI5 = Tableau(
    "dopri5", 5,
    c=(Fr(0), Fr(1, 5), Fr(3, 10), Fr(4, 5), Fr(8, 9), Fr(1), Fr(1)),
    A=((),
       (Fr(1, 5),),
       (Fr(3, 40), Fr(9, 40)),
       (Fr(44, 45), Fr(-56, 15), Fr(32, 9)),
       (Fr(19372, 6561), Fr(-25360, 2187), Fr(64448, 6561), Fr(-212, 729)),
       (Fr(9017, 3168), Fr(-355, 33), Fr(46732, 5247), Fr(49, 176), Fr(-5103, 18656)),
       (Fr(35, 384), Fr(0), Fr(500, 1113), Fr(125, 192), Fr(-2187, 6784), Fr(11, 84))),
    b=(Fr(35, 384), Fr(0), Fr(500, 1113), Fr(125, 192), Fr(-2187, 6784), Fr(11, 84), Fr(0)),
    b_hat=(Fr(5179, 57600), Fr(0), Fr(7571, 16695), Fr(393, 640), Fr(-92097, 339200), Fr(187, 2100), Fr(1, 40)),
    reference="Dormand & Prince 1980, RK5(4)7M (Hairer, Norsett & Wanner I, Table II.5.2)")

TABLEAUX = {t.name: t for t in (RK4, DOPRI5)}


def conditions(t: Tableau, order: int | None = None) -> dict:
    """Residuals (exact rationals) of the tableau conditions: ``row_sums`` (``sum_j a_ij - c_i`` per row),
    ``weights`` (``sum b - 1``), ``error_weights`` (``sum (b - b_hat)``, embedded pairs), and the order
    conditions up to ``order`` (default the tableau's, at most 4) for ``b``."""
    s = t.stages
    A = [[Fr(0)] * s for _ in range(s)]
    for i, row in enumerate(t.A):
        for j, a in enumerate(row):
            A[i][j] = Fr(a)
    c, b = [Fr(x) for x in t.c], [Fr(x) for x in t.b]
    out = {"row_sums": [sum(A[i]) - c[i] for i in range(s)], "weights": sum(b) - 1}
    if t.b_hat is not None:
        out["error_weights"] = sum(b) - sum(Fr(x) for x in t.b_hat)
    p = min(order or t.order, 4)
    Ac = [sum(A[i][j] * c[j] for j in range(s)) for i in range(s)]
    if p >= 2:
        out["order2"] = sum(b[i] * c[i] for i in range(s)) - Fr(1, 2)
    if p >= 3:
        out["order3a"] = sum(b[i] * c[i] ** 2 for i in range(s)) - Fr(1, 3)
        out["order3b"] = sum(b[i] * Ac[i] for i in range(s)) - Fr(1, 6)
    if p >= 4:
        out["order4a"] = sum(b[i] * c[i] ** 3 for i in range(s)) - Fr(1, 4)
        out["order4b"] = sum(b[i] * c[i] * Ac[i] for i in range(s)) - Fr(1, 8)
        out["order4c"] = sum(b[i] * sum(A[i][j] * c[j] ** 2 for j in range(s)) for i in range(s)) - Fr(1, 12)
        out["order4d"] = sum(b[i] * sum(A[i][j] * Ac[j] for j in range(s)) for i in range(s)) - Fr(1, 24)
    return out
