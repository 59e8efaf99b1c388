r"""GAN loss functions f(t) and the numerically stable special functions they are written with.

Mescheder, Geiger & Nowozin (2018, eq. 1) write every GAN objective through one scalar function f:

.. math::

    L(\theta, \psi) = E_{p_\theta}[f(D_\psi(x))] + E_{p_D}[f(-D_\psi(x))]

* ``standard``: :math:`f(t) = -\log(1 + e^{-t}) = -\mathrm{softplus}(-t)`; the generator minimises L.
* ``non-saturating``: the same f, but the generator minimises :math:`-E_{p_\theta}[f(-D_\psi(x))]`
  (Goodfellow et al. 2014; Mescheder's ``NSGAN``).
* ``wgan``: :math:`f(t) = t`.
* any :class:`sympy.Lambda` of one variable.

``f'(t) = sigmoid(-t)``, ``f''(t) = -sigmoid(t) sigmoid(-t)`` for the standard loss, so ``f'(0) = 1/2`` and
``f''(0) = -1/4`` (docs/mathematics.md §1.1).

Why custom functions: sympy differentiates ``log(1 + exp(-t))`` into ``exp(-t)/(exp(-t) + 1)``, which is
``inf/inf = NaN`` for ``t < -709``.  :class:`sigmoid` and :class:`softplus` carry their own derivatives
and are printed to overflow-free numeric code (:mod:`gandynamics._numeric`), so generated kernels stay
finite wherever the exact value is finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .errors import GandynamicsError

__all__ = ["sigmoid", "softplus", "vnorm", "safediv", "Loss", "LOSSES", "get_loss", "stabilize"]


class sigmoid(sp.Function):
    """The logistic function ``1 / (1 + exp(-x))``, with derivative ``sigmoid(x) (1 - sigmoid(x))``."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.S.Half
        if x is sp.oo:
            return sp.S.One
        if x == -sp.oo:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec):
        return (1 / (1 + sp.exp(-self.args[0]))).evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None


class softplus(sp.Function):
    """``log(1 + exp(x))``, with derivative :class:`sigmoid`."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.log(2)
        if x is sp.oo:
            return sp.oo
        if x == -sp.oo:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec):
        return sp.log(1 + sp.exp(self.args[0])).evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class safediv(sp.Function):
    """``a / b``, taken as 0 where ``b = 0``: the subgradient convention of ``sign(0) = 0`` (Mescheder's
    WGAN-GP code), used for the gradient ``a / |a|`` of a Euclidean norm at the origin."""

    nargs = 2

    @classmethod
    def eval(cls, a, b):
        if b.is_zero:
            return sp.S.Zero
        if a.is_zero:
            return sp.S.Zero
        if b.is_Number and a.is_Number:
            return a / b
        return None

    def fdiff(self, argindex=1):
        a, b = self.args
        return safediv(1, b) if argindex == 1 else -safediv(a, b**2)

    def _eval_evalf(self, prec):
        a, b = (x.evalf(prec) for x in self.args)
        return sp.S.Zero if b == 0 else (a / b).evalf(prec)


class vnorm(sp.Function):
    """The Euclidean norm ``sqrt(a_1^2 + ... + a_k^2)`` of its arguments, with gradient
    ``a_i / |a|`` written as :class:`safediv` (0 at the origin, where the norm has no derivative), so that
    generated code stays finite there; the analysis reports such points as non-differentiable."""

    @classmethod
    def eval(cls, *args):
        if all(a.is_zero for a in args):
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        return safediv(self.args[argindex - 1], vnorm(*self.args))

    def _eval_rewrite_as_sqrt(self, *args, **kwargs):
        return sp.sqrt(sp.Add(*[a**2 for a in args]))

    def _eval_evalf(self, prec):
        return sp.sqrt(sp.Add(*[a**2 for a in self.args])).evalf(prec)

    def _eval_is_real(self):
        return all(a.is_real for a in self.args) or None

    def _eval_is_nonnegative(self):
        return self._eval_is_real()


def stabilize(expr: sp.Expr) -> sp.Expr:
    """Rewrite ``log(1 + exp(u))`` as ``softplus(u)`` and ``1/(1 + exp(-u))`` as ``sigmoid(u)``.

    Users who type the standard loss by hand get the same overflow-free code as the built-in one.
    """

    def is_log1pexp(e):
        if e.func is not sp.log:
            return False
        a = e.args[0]
        return a.is_Add and len(a.args) == 2 and sp.S.One in a.args and any(t.func is sp.exp for t in a.args)

    def to_softplus(e):
        (a,) = e.args
        (u,) = [t for t in a.args if t.func is sp.exp][0].args
        return softplus(u)

    def is_logistic(e):
        if not (e.is_Pow and e.exp == -1):
            return False
        a = e.base
        return a.is_Add and len(a.args) == 2 and sp.S.One in a.args and any(t.func is sp.exp for t in a.args)

    def to_sigmoid(e):
        (u,) = [t for t in e.base.args if t.func is sp.exp][0].args
        return sigmoid(-u)

    expr = sp.sympify(expr)
    expr = expr.replace(is_log1pexp, to_softplus)
    return expr.replace(is_logistic, to_sigmoid)


@dataclass(frozen=True)
class Loss:
    """A GAN loss: the scalar function ``f`` of M18 eq. (1) and whether the generator uses the
    non-saturating form ``-E f(-D(G(z)))``."""

    name: str
    f: sp.Lambda
    non_saturating: bool = False
    description: str = ""
    #: the generator's own function ``g``: ``L_G = E_{p_theta} g(D(x))`` (hinge: ``g(t) = t``); ``None``
    #: means ``L_G = L`` (or the non-saturating form when ``non_saturating``)
    generator: sp.Lambda | None = None
    #: where the loss is defined (author, year, venue, equation)
    source: str = ""

    def __call__(self, t):
        return self.f(t)

    def derivatives_at_zero(self) -> tuple[float, float]:
        """``(f'(0), f''(0))`` as floats (``(1/2, -1/4)`` for the standard loss)."""
        t = sp.Dummy("t", real=True)
        ft = self.f(t)
        d1 = sp.diff(ft, t).subs(t, 0)
        d2 = sp.diff(ft, t, 2).subs(t, 0)
        return float(sp.N(d1)), float(sp.N(d2))


_t = sp.Symbol("t", real=True)

LOSSES: dict[str, Loss] = {
    "standard": Loss("standard", sp.Lambda(_t, -softplus(-_t)), False,
                     "f(t) = -log(1 + exp(-t)); generator minimises L (M18 eq. 1)"),
    "non-saturating": Loss("non-saturating", sp.Lambda(_t, -softplus(-_t)), True,
                           "same f; generator minimises -E f(-D(G(z))) (Goodfellow et al. 2014)"),
    "wgan": Loss("wgan", sp.Lambda(_t, _t), False, "f(t) = t (Arjovsky et al. 2017)"),
    # least squares (docs/math/losses-and-regularizers.md §1): D regresses fake -> +1, real -> -1 (D is a
    # fakeness logit), the generator pulls D(G(z)) to the real target -1: Mao et al. (2017), eq. (2) with
    # a = -1, b = c = 1 in their realness coding
    "lsgan": Loss("lsgan", sp.Lambda(_t, -(_t - 1) ** 2 / 2), True,
                  "f(t) = -(t-1)^2/2: D: 1/2 E_pD (D+1)^2 + 1/2 E_ptheta (D-1)^2; G: 1/2 E_ptheta (D+1)^2 "
                  "(Mao et al. 2017)",
                  source="Mao et al. 2017, Least Squares GANs, ICCV, eq. (2) with a = -1, b = c = 1"),
    # hinge (docs/math/losses-and-regularizers.md §2): D: E_pD max(0, 1 + D) + E_ptheta max(0, 1 - D);
    # the generator minimises E_ptheta D (= -E D_real-logit), Lim & Ye (2017), Miyato et al. (2018)
    "hinge": Loss("hinge", sp.Lambda(_t, sp.Min(0, _t - 1)), False,
                  "f(t) = min(0, t-1): D: E_pD max(0, 1+D) + E_ptheta max(0, 1-D); G: E_ptheta D "
                  "(Lim & Ye 2017; Miyato et al. 2018)",
                  generator=sp.Lambda(_t, _t),
                  source="Lim & Ye 2017, Geometric GAN, arXiv:1705.02894, eqs. (19)-(20); Miyato et al. 2018, "
                         "Spectral Normalization for GANs, ICLR, eq. (16)"),
}


def get_loss(loss) -> Loss:
    """Resolve a loss given by name, as a :class:`Loss`, or as a one-variable :class:`sympy.Lambda`."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, sp.Lambda):
        if len(loss.variables) != 1:
            raise GandynamicsError(f"a custom loss must be a Lambda of one variable, got {len(loss.variables)}")
        return Loss("custom", sp.Lambda(loss.variables, stabilize(loss.expr)), False, str(loss))
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise GandynamicsError(f"unknown loss {loss!r}; accepted: {', '.join(LOSSES)} or a sympy Lambda")
