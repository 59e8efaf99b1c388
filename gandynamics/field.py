r"""The vector field of a (regularized) game: symbolic F and DF, compiled evaluators.

``F(z) = (grad_theta L_G, grad_psi L_D)`` is the operator, ``v = -F`` the direction of motion
(Mescheder et al. 2018 write v), ``DF`` its exact Jacobian by sympy, and ``J = Dv = -DF`` "the Jacobian"
of reports.  See :mod:`gandynamics.game` for the conventions.

>>> from gandynamics import VectorField, R1, games
>>> fld = VectorField(games.dirac(), [R1(gamma=0.3)])
>>> fld.eval_J((0.0, 0.0))            # [[0, -f'(0)], [f'(0), -gamma]]
array([[ 0. , -0.5],
       [ 0.5, -0.3]])
"""

from __future__ import annotations

import math
import os
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np
import sympy as sp

from . import codegen
from .errors import GandynamicsError
from .losses import vnorm
from .regularizers import apply_regularizers
from .symdiff import Differentiator

__all__ = ["VectorField"]


def _generator_fingerprint() -> str:
    """A hash of the code that turns F into source (codegen, symdiff, this version), so that a change of
    the generator never reuses a stale cached source."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import hashlib
        from pathlib import Path
        from . import symdiff
        h = hashlib.sha256(codegen.CODEGEN_VERSION.encode())
        for mod in (codegen, symdiff):
            h.update(Path(mod.__file__).read_bytes())
        _FINGERPRINT = h.hexdigest()[:16]
    return _FINGERPRINT


_FINGERPRINT = None


def _digest(exprs) -> str:
    """A process-independent hash of sympy expressions, linear in the size of their DAG.

    ``srepr`` is exact but orders every Add/Mul for printing (5 s for a 64-parameter mlp); ``args`` are
    already in sympy's canonical (hash-seed independent) order, so hashing function names, atoms and
    child digests node by node, with a memo over shared subexpressions, identifies the same tree."""
    import hashlib
    memo: dict = {}

    def h(e) -> bytes:
        r = memo.get(e)
        if r is None:
            if e.is_Atom:
                text = sp.srepr(e) + (repr(sorted(e.assumptions0.items())) if e.is_Symbol else "")
                r = hashlib.blake2b(text.encode(), digest_size=16).digest()
            else:
                m = hashlib.blake2b(type(e).__name__.encode(), digest_size=16)
                for a in e.args:
                    m.update(h(a))
                r = m.digest()
            memo[e] = r
        return r

    top = hashlib.blake2b(digest_size=16)
    for e in exprs:
        top.update(h(sp.sympify(e)))
    return top.hexdigest()


class VectorField:
    """The field of a game (or GAN) under a list of regularizers.

    Parameters
    ----------
    model : Game or GAN
    regularizers : sequence of Regularizer
        Applied stage by stage (see :mod:`gandynamics.regularizers`).
    kernels : str
        Extra numba source appended to the generated module (used by the integrators).

    Attributes
    ----------
    game : Game            the regularized game (losses with penalties added)
    z : tuple of Symbol    the parameters, generator first
    hyper : tuple of Symbol  the hyperparameters, in the order of the parameter vector ``p``
    defaults : dict        name -> default value
    F, DF : sympy.Matrix   the operator and its Jacobian
    """

    def __init__(self, model, regularizers: Sequence = (), name: str | None = None):
        self.model = model
        self.regularizers = list(regularizers)
        game, pending = apply_regularizers(model, self.regularizers)
        self.game = game
        self.name = name or game.name
        self.z = tuple(game.params)
        self.hyper = tuple(game.hyper)
        self.defaults = {s.name: float(v) for s, v in game.hyper.items()}
        # one memoised differentiator for F (and, lazily, DF): see gandynamics.symdiff
        self._diff = Differentiator(self.z)
        F = sp.Matrix([self._diff.diff(game.loss_g, t) for t in game.theta]
                      + [self._diff.diff(game.loss_d, q) for q in game.psi])
        for reg, gamma in pending:
            F = reg.transform(F, self.z, gamma)
        self.F = F
        self.equilibrium = None if game.equilibrium is None else np.asarray(game.equilibrium, dtype=float)
        self.nonsmooth = game.nonsmooth

    @cached_property
    def DF(self) -> sp.Matrix:
        """The exact Jacobian of F (sympy), derived on first use (memoised chain rule, gandynamics.symdiff)."""
        return self._diff.jacobian(list(self.F))

    # ------------------------------------------------------------------ names and parameters
    @property
    def n(self) -> int:
        """Number of parameters (dimension of z)."""
        return len(self.z)

    @property
    def n_theta(self) -> int:
        """Number of generator parameters (the first ``n_theta`` entries of z)."""
        return len(self.game.theta)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.z]

    def param_vector(self, params: Mapping | None = None) -> np.ndarray:
        """The hyperparameter vector ``p`` (defaults overridden by ``params``, by name; a vector of the
        right length is validated and returned as a float array)."""
        if isinstance(params, np.ndarray):
            if params.shape != (len(self.hyper),):
                raise GandynamicsError(f"a hyperparameter vector must have {len(self.hyper)} entries "
                                       f"({', '.join(self.defaults) or 'none'}), got shape {params.shape}")
            params = dict(zip(self.defaults, params.tolist()))
        params = dict(params or {})
        unknown = set(params) - set(self.defaults)
        if unknown:
            acc = ", ".join(self.defaults) or "none"
            raise GandynamicsError(f"unknown hyperparameter(s) {', '.join(sorted(unknown))}; accepted: {acc}")
        out = np.empty(len(self.hyper))
        for i, s in enumerate(self.hyper):
            v = params.get(s.name, self.defaults[s.name])
            try:
                out[i] = float(v)
            except (TypeError, ValueError):
                raise GandynamicsError(f"hyperparameter {s.name} must be a number, got {v!r}") from None
            if not math.isfinite(out[i]):
                raise GandynamicsError(f"hyperparameter {s.name} must be finite, got {v!r}")
        return out

    def point(self, z) -> np.ndarray:
        """Validate a state vector (length and finiteness)."""
        try:
            arr = np.asarray(z, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise GandynamicsError(f"a point must be {self.n} numbers ({', '.join(self.names)}), got {z!r}") from None
        if arr.size != self.n:
            raise GandynamicsError(f"a point must have {self.n} entries ({', '.join(self.names)}), got {arr.size}")
        if not np.all(np.isfinite(arr)):
            raise GandynamicsError(f"a point must be finite, got {arr.tolist()}")
        return arr

    # ------------------------------------------------------------------ symbolic views
    @property
    def v(self) -> sp.Matrix:
        """The direction of motion ``v = -F``."""
        return -self.F

    @property
    def J(self) -> sp.Matrix:
        """``J = Dv = -DF``."""
        return -self.DF

    def v_strings(self, simplify_below: int = 80) -> list[str]:
        """The components of v as strings, simplified when that is cheap."""
        out = []
        for e in self.v:
            if sp.count_ops(e) <= simplify_below and not e.has(sp.Abs, sp.sign):
                try:
                    e = sp.simplify(e)
                except Exception:  # pragma: no cover - simplification is cosmetic
                    pass
            out.append(str(e))
        return out

    # ------------------------------------------------------------------ compiled evaluation
    #: up to this many parameters the Jacobian is printed entry by entry from the symbolic DF (readable,
    #: exact zeros); above it, as the forward-mode derivative of F's program (code size ~ size of F, not n^2)
    DENSE_MAX = 12

    def source(self, kernels: str = "") -> str:
        """The generated numba module source (F, DF and ``kernels``)."""
        DF = self.DF if self.n <= self.DENSE_MAX else None
        return codegen.generate_source(self.F, DF, self.z, self.hyper, kernels)

    @cached_property
    def _base_source(self) -> str:
        """The generated source, cached on disk under a hash of F (srepr), the symbol order and the codegen
        version, so that a warm process skips the symbolic Jacobian, cse and printing."""
        import hashlib
        key = "|".join([_generator_fingerprint(), str(self.DENSE_MAX), repr(self.names),
                        repr([s.name for s in self.hyper]), _digest(self.F)])
        path = codegen.cache_dir() / f"source_{hashlib.sha256(key.encode()).hexdigest()[:24]}.txt"
        try:
            return path.read_text()
        except OSError:
            pass
        text = self.source()
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        try:
            tmp.write_text(text)
            os.replace(tmp, path)
        except OSError:  # a read-only cache only costs time
            pass
        return text

    @property
    def generated_source(self) -> str:
        """The generated module's source (``field``, ``jacobian``), cached on disk (see ``_base_source``)."""
        return self._base_source

    def compiled(self, kernels: str = ""):
        """The imported generated module (``field``, ``jacobian`` and any appended kernels)."""
        cache = self.__dict__.setdefault("_modules", {})
        if kernels not in cache:
            text = self._base_source if not kernels else self._base_source + "\n\n" + kernels + "\n"
            cache[kernels] = codegen.load_module(text)
        return cache[kernels]

    def eval_F(self, z, params=None) -> np.ndarray:
        """``F(z)`` (compiled)."""
        m = self.compiled()
        return m.field(self.point(z), self._p(params), np.empty(self.n))

    def eval_DF(self, z, params=None) -> np.ndarray:
        """``DF(z)`` (compiled)."""
        m = self.compiled()
        return m.jacobian(self.point(z), self._p(params), np.empty((self.n, self.n)))

    def eval_v(self, z, params=None) -> np.ndarray:
        return -self.eval_F(z, params)

    def eval_J(self, z, params=None) -> np.ndarray:
        """``J = Dv = -DF`` at z."""
        return -self.eval_DF(z, params)

    def _p(self, params):
        return params if isinstance(params, np.ndarray) and params.shape == (len(self.hyper),) else self.param_vector(params)

    # ------------------------------------------------------------------ exact evaluation
    def exact_DF(self, z, params=None) -> sp.Matrix:
        """``DF`` at a point with sympy (numbers substituted, not compiled)."""
        p = self.param_vector(params)
        sub = dict(zip(self.z, [sp.nsimplify(float(v)) if float(v).is_integer() else sp.Float(float(v)) for v in self.point(z)]))
        sub.update(zip(self.hyper, [sp.Float(v) for v in p]))
        return self.DF.xreplace(sub)

    def nonsmooth_at(self, z, params=None, tol: float = 1e-12) -> list[str]:
        """The non-differentiable atoms of F whose argument vanishes at z (``Abs``, ``sign``, ``sqrt(0)``,
        ``Heaviside``, a Euclidean ``vnorm`` at the origin, ``Max``/``Min`` ties): where any exists, no
        linearisation is meaningful."""
        p = self.param_vector(params)
        sub = dict(zip(self.z, self.point(z)))
        sub.update(zip(self.hyper, p))
        found = []
        atoms = set()
        for e in self.F:
            atoms |= e.atoms(sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Pow, vnorm)
        for a in atoms:
            if isinstance(a, sp.Pow):
                if not (a.exp.is_Rational and not a.exp.is_integer):
                    continue
                args = [a.base]
            elif isinstance(a, (sp.Max, sp.Min)):
                vals = [complex(arg.xreplace(sub)) for arg in a.args]
                if any(abs(u - w) <= tol for i, u in enumerate(vals) for w in vals[i + 1:]):
                    found.append(str(a))
                continue
            elif isinstance(a, vnorm):
                args = [a]
            else:
                args = [a.args[0]]
            for arg in args:
                try:
                    val = complex(arg.xreplace(sub))
                except TypeError:
                    continue
                if abs(val) <= tol:
                    found.append(str(a))
        return sorted(set(found))
