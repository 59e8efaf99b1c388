r"""The 1-D linear-generator / quadratic-discriminator WGAN ("LQ-WGAN"): an **assumed** academic example for
the asymmetric Tikhonov + gradient-penalty scheme, not the paper's (Giagtzoglou, Winands & Franci 2026's own
academic example was not available; docs/mathematics.md §4.5, §6; cf. Feizi et al.'s LQG GAN and Gemp &
Mahadevan 2018).

Definition: data ``N(m, s^2)``, generator ``G(z) = a z + b`` with ``z ~ N(0, 1)``, discriminator
``D(x) = w1 x + w2 x^2`` (realness), state ``(a, b, w1, w2)``, WGAN value (docs/mathematics.md §4.5)

.. math::

    L = E_{real} D - E_{fake} D = w_1 (m - b) + w_2 (m^2 + s^2 - a^2 - b^2),

``min_{a,b} max_{w}``.  Equilibrium ``(s, m, 0, 0)`` (also ``a = -s``).  Unregularised ``DF(z*)`` is skew:
eigenvalues ``± i omega``, ``omega^2 = [T ± sqrt(T^2 - 16 s^2)] / 2``, ``T = 1 + 4 m^2 + 4 s^2``
(``m = 0, s = 1``: ``± i, ± 2i``).  Under (R-a) (``Asymmetric(reading="generator-tikhonov")``: Tikhonov
``eps`` on the generator, R1 with weight ``gamma``; anchor at the equilibrium, an oracle choice)

``DF_reg(z*) = [[eps, 0, 0, -2s], [0, eps, -1, -2m], [0, 1, gamma, 2 gamma m], [2s, 2m, 2 gamma m, 4 gamma (m^2+s^2)]]``.

Sign convention: gandynamics' GAN objective (M18 eq. 1) uses a fakeness logit, ``L = E_fake f(D) +
E_real f(-D)``; with ``D = -(w1 x + w2 x^2)`` and ``f(t) = t`` it equals the L above.  Expectations by
Gauss–Hermite quadrature of ``order`` nodes (exact for the quadratic D and for R1/R2 whenever
``order >= 2``).  ``m`` and ``s`` are hyperparameters (symbols; ``--param m=..``, no recompilation); the
known equilibrium ``(s, m, 0, 0)`` is that of the defaults given to the factory.
"""

from __future__ import annotations

import sympy as sp

from ..distributions import Normal, Pushforward
from ..validate import finite, positive, whole
from ..game import GAN

__all__ = ["lq_wgan"]


def lq_wgan(m: float = 0.0, s: float = 1.0, order: int = 3, loss="wgan") -> GAN:
    """The LQ-WGAN, an assumed academic example (not the paper's); state ``(a, b, w1, w2)``, equilibrium
    ``(s, m, 0, 0)`` (docs/mathematics.md §4.5).

    Parameters
    ----------
    m, s : float
        Data mean and standard deviation (``s > 0`` is the identifiability condition of docs/mathematics.md §4.5).
    order : int
        Gauss–Hermite nodes for data and latent (>= 2 exact for WGAN and R1/R2).
    loss : str
        ``"wgan"`` (default), ``"standard"`` or ``"non-saturating"``.
    """
    m = finite(m, "lq-wgan: m")
    s = positive(s, "lq-wgan: s")
    order = whole(order, "lq-wgan: order")
    a, b, w1, w2, x = sp.symbols("a b w1 w2 x", real=True)
    M = sp.Symbol("m", real=True)
    S = sp.Symbol("s", positive=True)  # sqrt(s^2) = s in the quadrature map
    real = Normal(M, S**2, order=order)
    fake = Pushforward(Normal(0, 1, order=order), lambda z: (a * z + b,), label="a z + b")
    return GAN(theta=[a, b], psi=[w1, w2], x=[x], discriminator=-(w1 * x + w2 * x**2), real=real, fake=fake,
               loss=loss, hyper={M: float(m), S: float(s)}, equilibrium=(float(s), float(m), 0, 0), name="lq-wgan")
