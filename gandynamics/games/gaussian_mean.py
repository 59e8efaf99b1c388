r"""Learning the mean of a Gaussian with a linear WGAN (Daskalakis, Ilyas, Syrgkanis & Zeng 2018).

Definition (docs/mathematics.md §6; vsyrgkanis/optimistic_GAN_training ``Simple_GAN_example.ipynb``, dimension 2,
``v = (3, 4)``): data ``x ~ N(v, I)``, generator ``G_theta(z) = z + theta`` with ``z ~ N(0, I)``, linear
critic ``D_w(x) = <w, x>`` (realness), WGAN value

.. math::

    L(\theta, w) = E_x \langle w, x\rangle - E_z \langle w, z + \theta\rangle = \langle w, v - \theta\rangle,

``min_theta max_w``.  Operator ``F = (-w, theta - v)``, equilibrium ``(theta, w) = (v, 0)``,
``DF = [[0, -I], [I, 0]]`` (docs/mathematics.md §6 table), so ``J = Dv = -DF = [[0, I], [-I, 0]]``, eigenvalues
``± i`` (each ``d`` times): gradient descent cycles/diverges, optimism converges.

Sign convention: gandynamics' GAN objective uses a *fakeness* logit (M18 eq. 1,
``L = E_fake f(D) + E_real f(-D)``); with ``D(x) = -<w, x>`` and ``f(t) = t`` it is the L above, so ``w``
means the same as in the source.  Expectations by Gauss–Hermite quadrature of ``order`` nodes per dimension
(exact for the linear critic for every order; the standard loss, selectable with ``--loss``, is approximate).
"""

from __future__ import annotations

import sympy as sp

from ..distributions import Normal, Pushforward
from ..validate import vector, whole
from ..game import GAN

__all__ = ["gaussian_mean"]


def gaussian_mean(v: tuple = (3.0, 4.0), order: int = 2, loss="wgan") -> GAN:
    """The Gaussian-mean WGAN; state ``(theta_1..theta_d, w_1..w_d)`` with ``d = len(v)``, equilibrium
    ``(v, 0)``.

    Parameters
    ----------
    v : tuple of float
        Mean of the data (its length is the dimension d).
    order : int
        Gauss–Hermite nodes per dimension.
    loss : str
        ``"wgan"`` (default, as in the source), ``"standard"`` or ``"non-saturating"``.
    """
    v = tuple(vector(v, "gaussian-mean: v").tolist())  # finite numbers, at least one
    d = len(v)
    order = whole(order, "gaussian-mean: order")
    theta = sp.symbols(f"theta1:{d + 1}", real=True)
    w = sp.symbols(f"w1:{d + 1}", real=True)
    x = sp.symbols(f"x1:{d + 1}", real=True)
    real = Normal(list(v), 1, order=order)
    fake = Pushforward(Normal([0] * d, 1, order=order), lambda *z: tuple(t + zi for t, zi in zip(theta, z)),
                       label="z + theta")
    D = -sum(wi * xi for wi, xi in zip(w, x))
    return GAN(theta=theta, psi=w, x=x, discriminator=D, real=real, fake=fake, loss=loss,
               equilibrium=v + (0.0,) * d, name="gaussian-mean")
