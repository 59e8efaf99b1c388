"""The Dirac-GAN of Mescheder, Geiger & Nowozin (2018, §2.2), and its d-dimensional version.

Generator distribution ``p_theta = delta_theta``, linear discriminator ``D_psi(x) = psi . x``, data
``p_D = delta_0``.  Objective (M18 eq. 6) ``L(theta, psi) = f(psi theta) + f(0)``, field
``v = (-psi f'(psi theta), theta f'(psi theta))``, unique equilibrium ``(0, 0)`` with Jacobian eigenvalues
``± f'(0) i`` (docs/mathematics.md §1.1–1.2).
"""

from __future__ import annotations

import sympy as sp

from ..distributions import Atoms
from ..validate import whole
from ..game import GAN, check_game_size

__all__ = ["dirac", "dirac_nd"]


def dirac(loss="standard") -> GAN:
    """The 1-D Dirac-GAN: state ``(theta, psi)``, equilibrium ``(0, 0)`` (M18 §2.2)."""
    theta, psi, x = sp.symbols("theta psi x", real=True)
    return GAN(theta=[theta], psi=[psi], x=[x], discriminator=psi * x,
               real=Atoms([0]), fake=Atoms([theta]), loss=loss, equilibrium=(0, 0), name="dirac")


def dirac_nd(d: int = 2, loss="standard") -> GAN:
    """The Dirac-GAN in ``d`` dimensions: ``p_theta = delta_theta``, ``theta in R^d``,
    ``D_psi(x) = psi . x``, data ``delta_0``; state ``(theta_1..theta_d, psi_1..psi_d)``, equilibrium 0.
    At 0 the Jacobian is ``[[0, -f'(0) I], [f'(0) I, 0]]`` (eigenvalues ``± f'(0) i``, each d times)."""
    d = whole(d, "dirac-nd: d")
    check_game_size(2 * d, "dirac-nd")
    theta = sp.symbols(f"theta1:{d + 1}", real=True)
    psi = sp.symbols(f"psi1:{d + 1}", real=True)
    x = sp.symbols(f"x1:{d + 1}", real=True)
    D = sp.Add(*[p * xi for p, xi in zip(psi, x)])
    return GAN(theta=theta, psi=psi, x=x, discriminator=D, real=Atoms([[0] * d]), fake=Atoms([list(theta)]),
               loss=loss, equilibrium=(0,) * (2 * d), name="dirac-nd")
