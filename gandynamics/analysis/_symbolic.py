"""Numerical evaluators of symbolic derivatives of a field that the compiled module does not provide:
``dF/dp`` for a hyperparameter p and the multilinear forms ``B`` (second) and ``C`` (third derivative) of
F, evaluated from the exact sympy expressions (lambdify).  Used by :mod:`.continuation` and :mod:`.cycles`.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np
import sympy as sp

from .._cse import cse
from ..errors import GandynamicsError

__all__ = ["Derivatives"]


def _sigmoid(x):
    x = float(x)
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x):
    return float(np.logaddexp(0.0, float(x)))


def _safediv(a, b):
    return 0.0 if b == 0 else a / b


def _vnorm(*args):
    return math.sqrt(sum(float(a) ** 2 for a in args))


def _dirac(*args):
    """``DiracDelta(x)`` (and its derivatives): zero wherever it is evaluated, as in the generated code
    (:mod:`gandynamics.codegen`): the points where it is not (a kink of abs/sign/Heaviside/max) are reported as not
    differentiable by :meth:`gandynamics.field.VectorField.nonsmooth_at` before any derivative is read there."""
    return 0.0


def _heaviside(x, h0=0.5):
    x = float(x)
    return 1.0 if x > 0.0 else (0.0 if x < 0.0 else float(h0))


#: lambdify's namespace: the losses' own functions by name (the stable rewrites carry their ``_imp_``), then the
#: derivatives of kinks sympy writes with functions that neither math nor numpy has (``DiracDelta``: a second
#: derivative of the hinge loss raised NameError in classify), then math and numpy
_MODULES = [{"sigmoid": _sigmoid, "softplus": _softplus, "safediv": _safediv, "vnorm": _vnorm, "DiracDelta": _dirac,
             "Heaviside": _heaviside}, "math", "numpy"]


class _Forms:
    """The lambdified forms of one definition of a field (``dF/dp`` by name, ``B``, ``C``), shared by the
    :class:`Derivatives` of every field of that definition; it holds no field."""

    def __init__(self):
        self.fp = {}
        self.B = None
        self.C = None


class Derivatives:
    """Exact derivatives of ``F(z; p)`` beyond ``DF``, lambdified once per field definition.

    Parameters
    ----------
    field : VectorField
    forms : _Forms, optional
        The lambdified forms of fields of the same definition (:func:`derivatives` passes them); new ones if
        omitted.

    Notes
    -----
    ``B(u, w)_i = sum_jk d^2 F_i/dz_j dz_k u_j w_k`` and ``C(u, w, y)_i = sum_jkl d^3 F_i / dz_j dz_k dz_l
    u_j w_k y_l`` are built as directional derivatives of the sympy ``DF`` (size ``n^2`` and ``n^3`` sums
    per component), so they accept complex directions (they are polynomial in them).
    """

    def __init__(self, field, forms: _Forms | None = None):
        self.field = field
        self._forms = forms if forms is not None else _Forms()

    @property
    def _args(self):
        return list(self.field.z) + list(self.field.hyper)

    def dF_dp(self, name: str):
        """A function ``(z, p_vector) -> dF/dp_name`` (shape ``(n,)``)."""
        fp = self._forms.fp
        if name not in fp:
            sym = {s.name: s for s in self.field.hyper}.get(name)
            if sym is None:
                raise GandynamicsError(f"unknown hyperparameter {name!r}; accepted: {', '.join(self.field.defaults) or 'none'}")
            expr = [sp.diff(e, sym) for e in self.field.F]
            f = sp.lambdify(self._args, expr, modules=_MODULES, cse=cse)
            n = self.field.n
            fp[name] = lambda z, p: np.asarray(f(*np.asarray(z, float), *np.asarray(p, float)), dtype=float).reshape(n)
        return fp[name]

    def _build(self):
        from ..log import notice_if_slow
        # (3 s for instance noise on the Dirac-GAN, silent: continuation's first Hopf point waited on it)
        with notice_if_slow(f"deriving the second and third derivatives of F of {self.field.name} (the normal form "
                            "at a bifurcation; once per field) ..."):
            self._build_forms()

    def _build_forms(self):
        n = self.field.n
        u = sp.symbols(f"_u0:{n}")
        w = sp.symbols(f"_w0:{n}")
        y = sp.symbols(f"_y0:{n}")
        DF = self.field.DF
        Du = [sum((DF[i, j] * u[j] for j in range(n)), sp.S.Zero) for i in range(n)]
        Bexpr = [sum((sp.diff(Du[i], self.field.z[k]) * w[k] for k in range(n)), sp.S.Zero) for i in range(n)]
        Cexpr = [sum((sp.diff(Bexpr[i], self.field.z[k]) * y[k] for k in range(n)), sp.S.Zero) for i in range(n)]
        self._forms.C = sp.lambdify(self._args + list(u) + list(w) + list(y), Cexpr, modules=_MODULES, cse=cse)
        self._forms.B = sp.lambdify(self._args + list(u) + list(w), Bexpr, modules=_MODULES, cse=cse)

    def B(self, z, p, u, w) -> np.ndarray:
        """Second derivative of F at z applied to (u, w) (complex directions allowed), shape ``(n,)``."""
        if self._forms.B is None:
            self._build()
        n = self.field.n
        out = self._forms.B(*np.asarray(z, float), *np.asarray(p, float), *np.asarray(u), *np.asarray(w))
        return np.asarray([complex(v) for v in np.broadcast_to(np.asarray(out, dtype=complex).reshape(-1), (n,))])

    def C(self, z, p, u, w, y) -> np.ndarray:
        """Third derivative of F at z applied to (u, w, y), shape ``(n,)``."""
        if self._forms.C is None:
            self._build()
        n = self.field.n
        out = self._forms.C(*np.asarray(z, float), *np.asarray(p, float), *np.asarray(u), *np.asarray(w), *np.asarray(y))
        return np.asarray([complex(v) for v in np.broadcast_to(np.asarray(out, dtype=complex).reshape(-1), (n,))])


#: the lambdified forms of the field definitions seen last (``VectorField._definition_key``: fields with equal keys
#: have the same F and DF in the same symbols, so the same forms), at most SHARED_MAX, the least recently used
#: dropped first; they hold no field, so a field dies when its user lets it go
SHARED_MAX = 32
_SHARED: OrderedDict[str, _Forms] = OrderedDict()
_SHARED_LOCK = threading.Lock()


def derivatives(field) -> Derivatives:
    """The :class:`Derivatives` of ``field``, memoised on the field object, with the lambdified forms of every
    field of the same definition in the process (a field built again, as a loop over hyperparameter values or a
    test does, finds its forms lambdified: building ``B`` and ``C`` differentiates ``n^3`` sums, 0.1-0.3 s for two
    parameters)."""
    d = field.__dict__.get("_bif_derivatives")
    if d is None:
        key = field._definition_key
        with _SHARED_LOCK:
            forms = _SHARED.get(key)
            if forms is None:
                forms = _SHARED[key] = _Forms()
                while len(_SHARED) > SHARED_MAX:
                    _SHARED.popitem(last=False)
            else:
                _SHARED.move_to_end(key)
        d = field.__dict__["_bif_derivatives"] = Derivatives(field, forms)
    return d
