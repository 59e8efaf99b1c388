r"""The Gaussian example of Nie & Patel (2019, eq. 3): a translated Gaussian learnt by a linear critic.

Definition (JARE §3.1 and supplement App. A; docs/mathematics.md §3.1): data ``x ~ N(v, sigma^2 I_n)``, generator
``G_phi(z) = phi + z`` with ``z ~ N(0, sigma^2 I_n)``, linear discriminator ``D_theta(x) = theta^T x``
(a *realness* score), objective

.. math::

    f(\phi, \theta) = E_x g_1(\theta^T x) + E_z g_2(\theta^T(\phi + z)),

``g1(t) = -log(1 + e^{-t})``, ``g2(t) = -log(1 + e^{t})`` for the standard loss, ``g1 = t``,
``g2 = -t`` for WGAN; D ascends, G descends.  Code defaults (weilinie/JARE Affine_GAN.py): ``n = 2``,
``v = (0, 2)``, ``sigma = 0.7``.

Sign convention.  Their ``g1(t) = f(t)``, ``g2(t) = f(-t)`` with M18's f, so their objective is
gandynamics' ``L = E_fake f(D) + E_real f(-D)`` with the *fakeness* logit ``D(x) = -theta^T x``; ``theta``
keeps its meaning and docs/mathematics.md §3.2 holds verbatim in our state order ``(phi, theta)`` (generator
first, which is also theirs):

.. math::

    J = \begin{pmatrix} 0 & c I \\ -c I & -k \Sigma \end{pmatrix},\quad
    c = g_1'(0),\ k = -(g_1''(0) + g_2''(0)),\ \Sigma = \sigma^2 I + v v^T,

so ``c = k = 1/2`` (standard loss), ``c = 1, k = 0`` (WGAN).  Equilibrium ``(phi, theta) = (v, 0)``.

Expectations by tensor-product Gauss–Hermite quadrature of ``order`` nodes per dimension (``order^n``
atoms per distribution).  At the equilibrium the Jacobian needs only moments of degree <= 2 (``Sigma``),
so every ``order >= 2`` is exact there; the standard loss away from it is approximate.
"""

from __future__ import annotations

import sympy as sp

from ..distributions import Normal, Pushforward
from ..errors import GandynamicsError
from ..validate import positive, vector, whole
from ..game import GAN, check_game_size

__all__ = ["jare_gaussian"]

_DEFAULT_V = (0.0, 2.0)


def jare_gaussian(n: int = 2, v: tuple = _DEFAULT_V, sigma: float = 0.7, order: int = 3, loss="standard") -> GAN:
    """The JARE Gaussian GAN; state ``(phi_1..phi_n, theta_1..theta_n)``, equilibrium ``(v, 0)``.

    Parameters
    ----------
    n : int
        Dimension of the data.
    v : tuple of float
        Data mean (``n`` entries).  If ``n`` is changed and ``v`` is left at its default, ``v`` becomes
        ``(0, ..., 0, 2)``.
    sigma : float
        Standard deviation of data and latent noise (> 0).
    order : int
        Gauss–Hermite nodes per dimension (>= 2 is exact at the equilibrium).
    loss : str
        ``"standard"`` (default), ``"non-saturating"`` or ``"wgan"``.
    """
    n = whole(n, "jare-gaussian: n")
    check_game_size(2 * n, "jare-gaussian")
    v = tuple(vector(v, "jare-gaussian: v").tolist())
    if len(v) != n:
        if v == _DEFAULT_V:
            v = (0.0,) * (n - 1) + (2.0,)
        else:
            raise GandynamicsError(f"jare-gaussian: v has {len(v)} entries but n = {n}")
    sigma = positive(sigma, "jare-gaussian: sigma")
    order = whole(order, "jare-gaussian: order")
    phi = sp.symbols(f"phi1:{n + 1}", real=True)
    theta = sp.symbols(f"theta1:{n + 1}", real=True)
    x = sp.symbols(f"x1:{n + 1}", real=True)
    var = sp.Float(float(sigma)) ** 2
    real = Normal(list(v), var, order=order)
    latent = Normal([0] * n, var, order=order)
    fake = Pushforward(latent, lambda *z: tuple(p + zi for p, zi in zip(phi, z)), label="phi + z")
    D = -sum(t * xi for t, xi in zip(theta, x))
    return GAN(theta=phi, psi=theta, x=x, discriminator=D, real=real, fake=fake, loss=loss,
               equilibrium=tuple(v) + (0.0,) * n, name="jare-gaussian")
