r"""The scale-learning toy of Nagarajan & Kolter (2017): ``G_a(z) = a z``, ``D_w(x) = w x^2``.

Definition (NK17 §4 illustration; docs/mathematics.md §2.3): data ``x ~ U[-1, 1]``, latent ``z ~ U[-1, 1]``,
generator ``G_a(z) = a z``, quadratic discriminator ``D_w(x) = w x^2`` (a *realness* score, as in NK17),

.. math::

    V(w, a) = E_x f(w x^2) + E_z f(-w a^2 z^2),

the discriminator ascends V, the generator descends it.  Equilibrium ``(a, w) = (1, 0)`` (the state is ``(a, w)``, generator first).

Sign convention.  gandynamics' GAN objective (M18 eq. 1) uses a *fakeness* logit ``D``:
``L = E_fake f(D) + E_real f(-D)``.  With ``D(x) = -w x^2`` this is exactly NK17's V, so the state
variable ``w`` means the same as in NK17 and docs/mathematics.md's closed forms hold verbatim (docs/mathematics.md §0.2:
the two conventions differ by ``psi -> -psi``).  Our state is generator first, ``z = (a, w)``.

Closed forms at the equilibrium (docs/mathematics.md §2.3, in the same ``(a, w)`` order),
with ``m2 = E x^2 = 1/3``, ``m4 = E x^4 = 1/5``:

* ``J(a, w) = [[0, 2 f'(0) m2], [-2 f'(0) m2, 2 f''(0) m4]]``;
  standard loss ``[[0, 1/3], [-1/3, -1/10]]``, WGAN ``[[0, 2/3], [-2/3, 0]]`` (eigenvalues ``± 2i/3``).
* WGAN + Nagarajan–Kolter(eta): ``[[-8 eta / 9, 2/3], [-2/3, 0]]``.

Expectations use Gauss–Legendre quadrature of ``order`` nodes (exact for polynomials of degree
``2 order - 1``).  At the equilibrium every Jacobian entry is a polynomial moment of degree <= 4, so any
``order >= 3`` is exact there; away from it the standard loss is integrated approximately (the order is in
the game's description and in reports).
"""

from __future__ import annotations

import sympy as sp

from ..distributions import Pushforward, Uniform
from ..validate import whole
from ..game import GAN

__all__ = ["nk_scale"]


def nk_scale(order: int = 5, loss="standard") -> GAN:
    """The NK17 scale-learning GAN; state ``(a, w)``, equilibrium ``(1, 0)``.

    Parameters
    ----------
    order : int
        Gauss–Legendre nodes for ``x ~ U[-1, 1]`` and ``z ~ U[-1, 1]`` (>= 3 for exactness at the
        equilibrium).
    loss : str
        ``"standard"`` (default), ``"wgan"`` (NK17's limit-cycle example) or ``"non-saturating"``.
    """
    order = whole(order, "nk-scale: order")
    a, w, x = sp.symbols("a w x", real=True)
    latent = Uniform(-1, 1, order=order)
    fake = Pushforward(latent, lambda z: (a * z,), label="a z")
    return GAN(theta=[a], psi=[w], x=[x], discriminator=-w * x**2, real=Uniform(-1, 1, order=order), fake=fake,
               loss=loss, equilibrium=(1, 0), name="nk-scale")
