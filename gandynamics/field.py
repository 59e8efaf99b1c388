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
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np
import sympy as sp

from . import codegen, validate
from ._jvp import JacobianOperator
from .errors import GandynamicsError, names_refusal, quoted
from .losses import stabilize_all, vnorm
from .regularizers import stage_regularizers
from .symdiff import Differentiator

__all__ = ["VectorField"]


def _generator_fingerprint() -> str:
    """A hash of the code that turns a game's losses into generated source (the field's formation here,
    the field-stage regularizers' transforms, the loss functions' derivative rules, symdiff, codegen and
    its version, and ``_numeric`` and ``_jvp``, whose digests the generated header carries: see
    ``codegen._runtime_digest``), so that a change of the generator never reuses a stale cached entry."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import hashlib
        import sys
        from pathlib import Path
        from . import _jvp, _numeric, distributions, game, losses, regularizers, symdiff
        h = hashlib.sha256(codegen.CODEGEN_VERSION.encode())
        for mod in (codegen, symdiff, regularizers, losses, game, distributions, _numeric, _jvp,
                    sys.modules[__name__]):
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


_ATOM_NAMES = None


def _parse_atom(text: str):
    """An expression from its ``srepr`` (the derivation cache stores F's non-differentiable atoms so), with
    this library's functions (every sympy Function :mod:`gandynamics.losses` defines: ``sigmoid``, ``softplus``,
    ``safediv``, ``vnorm``, the stable rewrites' ``logcosh``, ``erfcx``, ...) by name."""
    global _ATOM_NAMES
    if _ATOM_NAMES is None:
        from . import losses
        _ATOM_NAMES = {k: getattr(sp, k) for k in dir(sp) if not k.startswith("_")}
        _ATOM_NAMES.update({k: v for k, v in vars(losses).items() if isinstance(v, type)
                            and issubclass(v, sp.Function) and v.__module__ == losses.__name__})
    return eval(text, {"__builtins__": {}}, _ATOM_NAMES)  # noqa: S307 - text written by _base_source, stamped


def _vanishes(coefficient, values: dict) -> bool:
    """True when a kink's coefficient (:attr:`VectorField._kink_factors`) is exactly 0 at the hyperparameter
    ``values`` (symbol -> float); False when it is not or cannot be evaluated."""
    try:
        return float(coefficient.xreplace({s: sp.Float(v) for s, v in values.items()})) == 0.0
    except (TypeError, ValueError):
        return False


def _check_arguments(model, regularizers, name=None) -> None:
    """``VectorField(model, regularizers, name)``: a Game or GAN, a list of Regularizers (none given twice) and a name
    (text or None), or one line saying so."""
    from .game import GAN, Game
    from .regularizers import Regularizer
    if not isinstance(model, (Game, GAN)):
        hint = (f" (for the built-in game {model!r}: gandynamics.games.make_game({model!r}))"
                if isinstance(model, str) else "")
        raise GandynamicsError(f"VectorField needs a Game or GAN as its first argument, got "
                               f"{type(model).__name__}{hint}")
    if isinstance(regularizers, Regularizer):
        raise GandynamicsError(f"VectorField: regularizers must be a list of Regularizers, e.g. "
                               f"VectorField(game, [{regularizers!r}]); got a single {type(regularizers).__name__}")
    if isinstance(regularizers, (str, bytes)) or not isinstance(regularizers, (list, tuple)):
        raise GandynamicsError(f"VectorField: regularizers must be a list of Regularizers (e.g. [R1(gamma=0.3)]), "
                               f"got {type(regularizers).__name__}")
    for r in regularizers:
        if not isinstance(r, Regularizer):
            raise GandynamicsError(f"VectorField: regularizers must be Regularizer objects (R1(gamma=0.3), "
                                   f"make_regularizer('r1', gamma=0.3)), got {type(r).__name__} {r!r}")
    from .regularizers import refuse_duplicates
    refuse_duplicates(regularizers, "VectorField")
    if name is not None and not (isinstance(name, str) and name.strip()):  # (name=3 was taken, and printed as a game)
        raise GandynamicsError(f"VectorField: name must be non-empty text or None (the game's own name), got {name!r}")


def _warn_idle_players(game) -> None:
    """A GandynamicsWarning for each player whose loss does not depend on its own parameters: its part of F is 0
    everywhere and it never moves, so every analysis reads a game of the other player alone (a review: ``loss_g = 0``
    gave F = 0 without a word, and simulate said it "converged to a stationary point other than z*" at its start)."""
    import warnings

    from .errors import GandynamicsWarning
    for who, loss, own in (("generator", game.loss_g, game.theta), ("discriminator", game.loss_d, game.psi)):
        if own and not (loss.free_symbols & set(own)):
            warnings.warn(f"game {game.name!r}: the {who}'s loss does not depend on its parameters "
                          f"({', '.join(s.name for s in own)}), so its part of F is 0 everywhere and it never moves; "
                          f"is a loss given to the wrong player?", GandynamicsWarning, stacklevel=4)


def _tighter(a: dict, b: dict) -> dict:
    """The intersection of two sets of bounds (keywords of :func:`gandynamics.validate.real`: ``lo``, ``hi``,
    ``lo_open``, ``hi_open``)."""
    out = dict(a)
    for end, inside in (("lo", lambda x, y: x > y), ("hi", lambda x, y: x < y)):
        if end in b and (end not in out or inside(b[end], out[end])
                         or (b[end] == out[end] and b.get(end + "_open", False))):
            out[end], out[end + "_open"] = b[end], bool(b.get(end + "_open", False))
    return out


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

    Raises
    ------
    GandynamicsError
        ``model`` not a Game or GAN; ``regularizers`` not a list of Regularizers, or one given twice (two of one class
        with the same options: :func:`gandynamics.regularizers.refuse_duplicates`); ``name`` not text; a field that
        cannot be derived or compiled.
    """

    def __init__(self, model, regularizers: Sequence = (), name: str | None = None):
        _check_arguments(model, regularizers, name)
        self.model = model
        self.regularizers = list(regularizers)
        from .game import GAN
        from .regularizers import strength_symbols
        obj, pending = stage_regularizers(model, self.regularizers)
        #: hyperparameter name -> how the user names that regularizer strength (one rule however it is set)
        self._strengths = {sym.name: f"{part.name}: {key}" for _, part, syms in
                           strength_symbols(model, self.regularizers) for key, sym in syms.items()}
        self._staged = obj
        self._pending = [(r, s) for r, s, _ in pending]
        extra = {s: v for _, s, v in pending}
        if isinstance(obj, GAN):
            # the game's losses (expectations over the atoms, stabilised) are built only when needed: a GAN
            # whose definition is in the derivation cache is analysed without them
            theta, psi, hyper = obj.symbols(extra)
            eq = obj.equilibrium
            if eq is not None:
                eq = tuple(validate.vector(eq, f"game {obj.name!r}: equilibrium").tolist())
                if len(eq) != len(theta) + len(psi):
                    raise GandynamicsError(f"equilibrium has {len(eq)} entries, the game has "
                                           f"{len(theta) + len(psi)} parameters")
        else:
            game = obj
            for s_, v in extra.items():
                game = game.with_losses(hyper={s_: v})
            self.__dict__["game"] = game
            theta, psi, hyper, eq = game.theta, game.psi, game.hyper, game.equilibrium
            if not self.regularizers:  # (a regularizer may add a player's own term: none here)
                _warn_idle_players(game)
        self.name = name or obj.name
        #: the name as texts and figures show it when it is not the name (gandynamics.games.game_label)
        self.label = None
        #: where the declared equilibrium came from when the user gave it in place of the game's (the command line's
        #: ``--equilibrium``: "given by --equilibrium"), for the messages that name it; None for the game's own
        self.equilibrium_given = None
        self.z = tuple(theta) + tuple(psi)
        self._n_theta = len(theta)
        self.hyper = tuple(hyper)
        self.defaults = {s.name: float(v) for s, v in hyper.items()}
        self.equilibrium = None if eq is None else np.asarray(eq, dtype=float)
        self.nonsmooth = obj.nonsmooth
        # the derivation cache (see _definition_key): a game defined as one seen before (by any process with
        # this cache folder) skips differentiation, cse and printing; F is then derived only when asked for
        if self._cache_entry is None:
            self.F  # derive now: a field that cannot be compiled is refused at construction

    #: caches of loaded code (the interpreted module, the compiled modules): rebuilt on first use, not pickled
    _UNPICKLED = ("interpreted", "_modules")

    def __getstate__(self) -> dict:
        """The field without its loaded modules (which cannot be pickled; the derivation, F and DF, travel)."""
        return {k: v for k, v in self.__dict__.items() if k not in self._UNPICKLED}

    @cached_property
    def game(self):
        """The regularized :class:`~gandynamics.game.Game` (losses with penalties added); for a GAN built on
        first use (see ``__init__``)."""
        obj = self._staged
        game = obj.to_game()
        for _, s_ in self._pending:
            game = game.with_losses(hyper={s_: self.defaults[s_.name]})
        if tuple(game.params) != self.z or tuple(game.hyper) != self.hyper:  # pragma: no cover - a bug guard
            raise RuntimeError("gandynamics: the GAN's symbols differ from its game's; please report this")
        return game

    @cached_property
    def _diff(self) -> Differentiator:
        """One memoised differentiator for F and, lazily, DF (gandynamics.symdiff)."""
        return Differentiator(self.z)

    @cached_property
    def F(self) -> sp.Matrix:
        """The operator ``F = (grad_theta L_G, grad_psi L_D)`` (sympy), with the field-stage regularizers'
        transforms applied; checked printable (every function compiles, real-valued, no logical value used as a
        number)."""
        from .log import notice_if_slow
        with notice_if_slow(f"game {self.name!r} ({self.n} parameters): building the losses and deriving the field F "
                            f"symbolically (cached on disk afterwards) ..."):
            game = self.game
            F = sp.Matrix([self._diff.diff(game.loss_g, t) for t in game.theta]
                          + [self._diff.diff(game.loss_d, q) for q in game.psi])
            for reg, gamma in self._pending:
                F = reg.transform(F, self.z, gamma)
            # the stable forms of the losses again on F, whose derivatives make ratios of exponentials, e^u - 1 and
            # 1 - 1/(1 + u) where the losses had none (losses.stabilize_all; docs/math/stable_rewrites.md)
            F = sp.Matrix(len(F), 1, stabilize_all(list(F)))
            codegen.check_printable(F, f"game {self.name!r}: the field F (the gradient of the losses)")
        return F

    @cached_property
    def _definition_key(self) -> str:
        """The derivation-cache key: a hash of the game's *definition*, taken before any differentiation.

        It covers the generator's own code (:func:`_generator_fingerprint`), the dense/large route switch,
        the parameter and hyperparameter symbols in their order (names and assumptions: they fix the slots of
        ``z`` and ``p``), where the generator's parameters end, the two regularized losses of a Game or the
        definition of a GAN (:meth:`gandynamics.game.GAN.definition`: discriminator, atoms, loss, penalties), by a
        linear-time digest of their expression DAG (:func:`_digest`), and each field-stage regularizer (class, options and strength symbol).  F, DF and
        the generated source are functions of exactly these, so equal keys give equal source."""
        import hashlib
        obj = self._staged
        from .game import GAN
        what = (["GAN"] + obj.definition()) if isinstance(obj, GAN) else [self.game.loss_g, self.game.loss_d]
        pending = [(f"{type(r).__module__}.{type(r).__qualname__}", sorted((k, repr(v)) for k, v in r.opts.items()),
                    _digest([g])) for r, g in self._pending]
        key = "|".join([_generator_fingerprint(), str(self.DENSE_MAX), repr(self.names), str(self.n_theta),
                        repr([s.name for s in self.hyper]),
                        _digest(list(self.z) + list(self.hyper) + what), repr(pending)])
        return hashlib.sha256(key.encode()).hexdigest()[:24]

    @property
    def _cache_path(self):
        return codegen.cache_dir() / f"source_{self._definition_key}.txt"  # stamped JSON: source and kinks

    @cached_property
    def _cache_entry(self) -> dict | None:
        """The derivation-cache entry of this game (``{"source": ..., "kinks": [...]}``), or None if missing
        or damaged (a damaged file is deleted by :func:`gandynamics.codegen.read_cached_text`; an entry that
        does not parse is deleted here), in which case everything is derived again."""
        import json
        path = self._cache_path
        text = codegen.read_cached_text(path)
        if text is None:
            return None
        try:
            entry = json.loads(text)
            if not isinstance(entry.get("source"), str):
                raise ValueError("no source")
            kinks = entry.get("kinks")
            if kinks is not None:
                entry["kinks"] = [_parse_atom(k) for k in kinks]
            factors = entry.get("kink_factors")
            if factors is not None:
                if kinks is None or len(factors) != len(kinks):
                    raise ValueError("kink factors without their kinks")
                entry["kink_factors"] = [[_parse_atom(f) for f in fs] for fs in factors]
        except Exception:  # valid stamp but not an entry of this version: regenerate
            try:
                path.unlink()
            except OSError:
                pass
            return None
        return entry

    @cached_property
    def DF(self) -> sp.Matrix:
        """The exact Jacobian of F (sympy), derived on first use (memoised chain rule, gandynamics.symdiff)."""
        DF = self._diff.jacobian(list(self.F))
        if self.n <= self.DENSE_MAX:  # (the dense Jacobian's entries, as F's: their derivatives make ratios too --
            # -(1 - e^x) e^{x - e^x}, the second derivative of exp(-e^x), was -inf * 0 at x = 720: an adversarial review)
            from .losses import stabilize_all
            DF = sp.Matrix(DF.rows, DF.cols, stabilize_all(list(DF)))
        codegen.check_printable(DF, f"game {self.name!r}: the Jacobian DF")
        return DF

    # ------------------------------------------------------------------ names and parameters
    @property
    def n(self) -> int:
        """Number of parameters (dimension of z)."""
        return len(self.z)

    @property
    def n_theta(self) -> int:
        """Number of generator parameters (the first ``n_theta`` entries of z)."""
        return self._n_theta

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.z]

    def param_vector(self, params: Mapping | None = None, signed: bool = False) -> np.ndarray:
        """The hyperparameter vector ``p`` (defaults overridden by ``params``, a mapping name -> value; a numpy
        vector of the right length is checked for length and finiteness and returned as a float array; anything
        else, e.g. a list, is refused with a GandynamicsError naming the accepted names).

        A regularizer strength must be a finite number >= 0 however it is set (``R1(gamma=...)``,
        ``--reg r1:gamma=...``, ``--param gamma=...``, here); ``signed=True`` admits any finite value of a strength,
        for the analyses that follow a branch through zero (continuation, cycles: the Hopf point of the
        non-saturating Dirac-GAN is at gamma = 0); a hyperparameter declared of one sign keeps its rule
        (:meth:`hyper_value`)."""
        self._check_params_form(params)
        if isinstance(params, np.ndarray):
            if not np.all(np.isfinite(params)):
                raise GandynamicsError(f"a hyperparameter vector must be finite, got {params.tolist()}")
            # a vector is the internal form (made by this method, or by an analysis stepping a parameter):
            # the sign rule for strengths applies to values set by name
            return np.asarray(params, dtype=float).copy()
        params = dict(params or {})
        out = np.empty(len(self.hyper))
        for i, s in enumerate(self.hyper):
            out[i] = self.hyper_value(s.name, params.get(s.name, self.defaults[s.name]), signed)
        self.check_conditions(out)
        return out

    def _check_params_form(self, params) -> None:
        """Refuse hyperparameters of the wrong form, before any value is read (:meth:`param_vector`'s first step): a
        vector of another length, anything but a numpy vector, a mapping or None, a mapping with unknown names."""
        if isinstance(params, np.ndarray):
            if params.shape != (len(self.hyper),):
                raise GandynamicsError(f"a hyperparameter vector must have {len(self.hyper)} entries "
                                       f"({', '.join(self.defaults) or 'none'}), got shape {params.shape}")
            return
        if params is not None and not isinstance(params, Mapping):
            accepted = (f"accepted names: {', '.join(self.defaults)}; e.g. {{{next(iter(self.defaults))!r}: 1.0}}"
                        if self.defaults else "this field has no hyperparameters")
            raise GandynamicsError(f"hyperparameters must be a mapping name -> value ({accepted}) or None, got "
                                   f"{type(params).__name__} {params!r}")
        unknown = set(params or {}) - set(self.defaults)
        if unknown:
            note = self.factory_arguments_note(sorted(k for k in unknown if isinstance(k, str)))
            odd = any(not isinstance(k, str) for k in unknown)
            raise GandynamicsError(names_refusal(unknown, "hyperparameter", self.defaults,
                                                 of="(keys are names, str)" if odd else "")
                                   + (f"; {note}" if note else ""))

    def check_conditions(self, P) -> None:
        """Refuse hyperparameter values that break a condition of the model no bound of one hyperparameter states
        (:meth:`hyper_value` enforces those): one nonlinear in its hyperparameter (``Normal(0, 1 - s**2)`` at ``s = 2``
        gave a NaN field) or of several (``Uniform(a, b)`` at ``a = 1, b = 0``), each ``expr >= 0`` (``> 0`` when
        strict; :meth:`gandynamics.GAN.conditions`).  ``P`` is one hyperparameter vector ``(h,)`` or one per row
        ``(m, h)`` (a sweep's rows: checked as arrays).  Raises GandynamicsError naming the condition, the first
        offending values and the expression's value there."""
        conds = self._joint_conditions
        if not conds:
            return
        rows = np.asarray(P, dtype=float).reshape(-1, len(self.hyper))
        for fn, cols, expr, strict, what in conds:
            with np.errstate(all="ignore"):
                val = np.broadcast_to(np.asarray(fn(*(rows[:, c] for c in cols)), dtype=float), (len(rows),))
            ok = val > 0 if strict else val >= 0  # (NaN: not defined there, refused)
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                at = ", ".join(f"{self.hyper[c].name} = {rows[i, c]:zg}" for c in cols)
                one = len(cols) == 1
                raise GandynamicsError(f"hyperparameter{'' if one else 's'} {at} break{'s' if one else ''} the model's "
                                       f"condition on {what}: {expr} must be {'>' if strict else '>='} 0, is "
                                       f"{val[i]:zg} there")

    @cached_property
    def _joint_conditions(self) -> list:
        """The model's conditions on its hyperparameters that :attr:`_hyper_conditions` does not turn into a bound of
        one hyperparameter: ``(fn, cols, expr, strict, what)``, ``fn`` the expression as a numpy function of the
        hyperparameters ``cols`` (indices into the hyperparameter vector); :meth:`check_conditions` evaluates them."""
        names = [s.name for s in self.hyper]
        out = []
        for expr, strict, what, syms in self._model_conditions():
            if syms is None or (len(syms) == 1 and self._linear_bound(expr, syms[0]) is not None):
                continue
            cols = [names.index(x.name) for x in syms]
            out.append((sp.lambdify(syms, expr, modules="numpy"), cols, expr, strict, what))
        return out

    def _model_conditions(self) -> list:
        """The model's conditions ``(expr, strict, what, syms)`` (:meth:`gandynamics.GAN.conditions`), ``syms`` the
        hyperparameters ``expr`` depends on in a fixed order, or None when it depends on anything else."""
        from .game import GAN
        model = self.model
        gan = model if isinstance(model, GAN) else getattr(model, "structure", None)
        if gan is None or not hasattr(gan, "conditions"):
            return []
        names = {s.name for s in self.hyper}
        out = []
        for expr, strict, what in gan.conditions():
            syms = sorted(expr.free_symbols, key=lambda x: x.name)
            out.append((expr, strict, what, syms if syms and all(x.name in names for x in syms) else None))
        return out

    @staticmethod
    def _linear_bound(expr, x) -> dict | None:
        """The bound ``expr >= 0`` (or ``> 0``) puts on ``x`` when ``expr`` is linear in ``x`` with numeric
        coefficients: the keywords ``lo`` or ``hi`` of :func:`gandynamics.validate.real` (its ``_open`` flag set by
        the caller), else None."""
        c, k = expr.diff(x), expr.subs(x, 0)
        if expr.diff(x, 2) != 0 or not (c.is_Number and k.is_Number) or c == 0:
            return None
        edge = float(-k / c)
        return {"lo": edge} if c > 0 else {"hi": edge}

    def factory_arguments_note(self, names) -> str:
        """Why the ``names`` that are no hyperparameters of this field cannot be varied, when they are arguments of the
        factory that made its game (``--game FILE.py:FACTORY``, :func:`gandynamics.games.make_game`): fixed when the
        game is made.  ``""`` when none of them is.  The one text of every refusal of such a name (a sweep's grid
        axis, a continuation's parameter, ``params=``, an interactive range)."""
        origin = getattr(getattr(self, "game", None), "origin", None) or {}
        fixed = [n for n in names if n in (origin.get("arguments") or {}) and n not in self.defaults]
        if not fixed:
            return ""
        which = ", ".join(repr(n) for n in fixed)
        one = fixed[0]
        return (f"{which} {'is an argument' if len(fixed) == 1 else 'are arguments'} of the game's factory "
                f"({origin.get('factory')}), fixed when the game is made: give one value when making it (--param "
                f"{one}=VALUE on the command line), or, in a game of your own, declare it a hyperparameter (Game(..., "
                f"hyper={{{one}: default}})) to vary it")

    def hyper_value(self, name: str, value, signed: bool = False) -> float:
        """``value`` of the hyperparameter ``name`` as a float, by the one rule for it however it is given
        (``params=``, ``--param``, a sweep's grid axis): a regularizer strength a finite number >= 0 (any finite number
        with ``signed``); a hyperparameter whose sympy symbol is declared ``positive``, ``nonnegative``, ``negative``
        or ``nonpositive`` (lq-wgan's ``s``: ``Symbol("s", positive=True)``) a finite number of that sign, whatever
        ``signed`` (the game is not defined beyond it); any other a finite number.

        Raises
        ------
        GandynamicsError
            naming the hyperparameter and what it accepts."""
        strengths = getattr(self, "_strengths", {})
        if name in strengths and not signed:  # a strength: the same rule as R1(gamma=...) / --reg r1:gamma=...
            return validate.strength(value, strengths[name])
        sign, bounds = self.hyper_sign(name)
        why = self._hyper_conditions.get(name)
        if why is not None:  # (the model's condition on it: a variance >= 0, high - low > 0)
            merged = _tighter(bounds, why[0])
            if merged != bounds:
                return validate.real(value, f"hyperparameter {name} ({why[1]})", **merged)
        return validate.real(value, f"hyperparameter {name}" + (f" (declared {sign})" if sign else ""), **bounds)

    @cached_property
    def _hyper_conditions(self) -> dict:
        """``name -> (bounds, what)``: the bound each hyperparameter must keep for the model to be defined, from the
        model's conditions of one hyperparameter, linear in it (a GAN's distributions: ``Normal(0, s2)``'s variance
        ``s2 >= 0``; :meth:`gandynamics.GAN.conditions`), the tightest of several; ``what`` names the condition.  The
        others are checked where a whole vector of values is known (:meth:`check_conditions`)."""
        out: dict = {}
        for expr, strict, what, syms in self._model_conditions():
            if syms is None or len(syms) != 1:
                continue
            x = syms[0]
            b = self._linear_bound(expr, x)
            if b is None:
                continue
            b[("lo" if "lo" in b else "hi") + "_open"] = bool(strict)
            old = out.get(x.name)
            tight = _tighter(old[0], b) if old else b
            out[x.name] = (tight, what if old is None or tight != old[0] else old[1])
        return out

    def hyper_limits(self, name: str, signed: bool = False) -> tuple[float, float]:
        """The closed range ``[lo, hi]`` of doubles :meth:`hyper_value` accepts for ``name`` (an open end at 0 is the
        double next to it): ``[0, inf]`` for a strength (unless ``signed``), the declared sign's side of 0, else
        ``[-inf, inf]`` (the sweep's grid check and the continuation's domain)."""
        if name in getattr(self, "_strengths", {}) and not signed:
            return 0.0, math.inf
        _, b = self.hyper_sign(name)
        if name in self._hyper_conditions:
            b = _tighter(b, self._hyper_conditions[name][0])
        lo, hi = b.get("lo", -math.inf), b.get("hi", math.inf)
        return (math.nextafter(lo, math.inf) if b.get("lo_open") else lo,
                math.nextafter(hi, -math.inf) if b.get("hi_open") else hi)

    def hyper_sign(self, name: str) -> tuple[str, dict]:
        """``(sign, bounds)`` of the hyperparameter ``name`` from its sympy symbol's assumptions: ``("positive",
        {"lo": 0.0, "lo_open": True})``, ``"nonnegative"``, ``"negative"``, ``"nonpositive"``, or ``("", {})``
        (:meth:`hyper_value`; ``bounds`` the keywords of :func:`gandynamics.validate.real`)."""
        sym = next((s for s in self.hyper if s.name == name), None)
        if sym is None:
            return "", {}
        for sign, bounds in (("positive", {"lo": 0.0, "lo_open": True}), ("nonnegative", {"lo": 0.0}),
                             ("negative", {"hi": 0.0, "hi_open": True}), ("nonpositive", {"hi": 0.0})):
            if getattr(sym, "is_" + sign):
                return sign, bounds
        return "", {}

    def point(self, z) -> np.ndarray:
        """A state vector checked: a sequence (list, tuple, 1-D array) of ``n`` finite numbers, as a float array.  The
        one reading of a point every analysis and run takes (``simulate``'s start, ``spectrum``'s ``at``, ...).

        Raises
        ------
        GandynamicsError
            ``z`` not a sequence (None, a number, text, a mapping: "got None", not "got 1 entries" as a None read as
            one NaN said), entries that are not numbers (None, text, True), of another length, of more than one
            dimension, or not finite.
        """
        names = ", ".join(self.names)
        if not (isinstance(z, np.ndarray) and z.dtype.kind in "fiu" and z.ndim >= 1):
            if z is None or isinstance(z, (str, bytes, Mapping, set, frozenset)) or not np.iterable(z):
                raise GandynamicsError(f"a point must be a sequence of {self.n} numbers ({names}), got {quoted(z)}")
            try:
                arr = np.asarray(z, dtype=object)
            except (TypeError, ValueError):  # pragma: no cover - asarray(object) takes nearly anything
                arr = None
            if arr is not None and arr.ndim == 1 and any(
                    v is None or isinstance(v, (str, bytes, bool, np.bool_)) for v in arr):
                # (a None entry was read as NaN, "1" as 1.0, True as 1.0)
                raise GandynamicsError(f"a point must be {self.n} numbers ({names}), got {quoted(z)}")
        try:
            arr = np.asarray(z, dtype=float)
        except (TypeError, ValueError):
            raise GandynamicsError(f"a point must be {self.n} numbers ({names}), got {z!r}") from None
        if arr.ndim > 1:  # ([[1, 1]] was flattened and taken: a list of points given where one is asked)
            raise GandynamicsError(f"a point must be one vector of {self.n} numbers ({', '.join(self.names)}), got an "
                                   f"array of shape {arr.shape}")
        arr = arr.reshape(-1)
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

    def v_strings(self, simplify_below: int = 80, limit: int | None = None, more: str = "") -> list[str]:
        """The components of v as strings, simplified when that is cheap: a rational function of the parameters and
        hyperparameters of at most ``simplify_below`` operations (sympy's ``simplify`` of a transcendental one tries
        trigsimp and its kin: 13 s for a 62-operation component of a new user's tanh discriminator with R1, which
        ``analyze`` waited for, silently, on every run).  With ``limit``, each one within about ``limit`` characters
        (:func:`gandynamics._display.expr_text`: its leading terms, then how many more, and ``more``), without
        printing the rest (a long formula's text costs seconds)."""
        from ._display import _nodes_at_most, expr_text
        out = []
        for e in self.v:
            # (count_ops walks the whole tree: only on a small one, whose operations may be few enough)
            small = _nodes_at_most(e, 8 * simplify_below) <= 8 * simplify_below
            if (small and sp.count_ops(e) <= simplify_below and not e.has(sp.Abs, sp.sign)
                    and e.is_rational_function()):
                try:
                    e = sp.simplify(e)
                except Exception:  # pragma: no cover - simplification is cosmetic
                    pass
            out.append(str(e) if limit is None else expr_text(e, limit, more))
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
        """The generated source (``field``, ``jacobian``), from the derivation cache when the game's definition
        was seen before (:attr:`_definition_key`): a warm process then skips differentiation, the symbolic
        Jacobian, cse and printing.  Otherwise generated and stored, with F's non-differentiable atoms
        (:attr:`_kink_atoms`), atomically and stamped with its SHA-256."""
        entry = self._cache_entry
        if entry is not None:
            return entry["source"]
        import json
        from .log import notice_if_slow
        F = self.F
        with notice_if_slow(f"game {self.name!r} ({self.n} parameters): generating its code (common subexpressions, "
                            f"{'Jacobian, ' if self.n <= self.DENSE_MAX else 'forward-mode partials, '}printing; "
                            f"cached on disk afterwards) ..."):
            text = self.source()
        kinks = [sp.srepr(a) for a in self._kink_atoms]
        factors = [[sp.srepr(f) for f in self._kink_factors[a]] for a in self._kink_atoms]
        try:  # only atoms that read back as themselves are stored (else a warm process derives F for them)
            if ([_parse_atom(k) for k in kinks] != list(self._kink_atoms)
                    or [[_parse_atom(f) for f in fs] for fs in factors] != [self._kink_factors[a] for a in self._kink_atoms]):
                kinks = factors = None
        except Exception:
            kinks = factors = None
        codegen.write_cached_text(self._cache_path, json.dumps({"source": text, "kinks": kinks, "kink_factors": factors}))
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

    #: the evaluations an analysis that solves ODEs or continues a branch (shooting, continuation) announces to
    #: :meth:`point_module`: a few ODE solves at tight tolerances
    SOLVER_CALLS = 20_000

    #: :meth:`point_module` interprets when ``calls`` evaluations are estimated to take at most this many seconds
    POINT_INTERPRET_MAX_SECONDS = 1.0

    def point_module(self, calls: int = 1):
        """The generated module (``field(z, p, out)``, ``jacobian(z, p, out)``) for about ``calls``
        evaluations from Python (Newton steps, an ODE solver's right-hand side, samples of a region): the
        interpreted one (:attr:`interpreted`, nothing to compile) when they are estimated to take at most
        :attr:`POINT_INTERPRET_MAX_SECONDS` there, else the compiled one (5-25 s to compile the first time,
        then a call costs about a microsecond).  The estimate, ``calls * (1 us + 60 ns * ops)`` with ``ops`` the
        operations of the generated source (measured 2026-11-30: 50-90 ns per operation, 1-100 us per call on
        the built-in games), depends on the field and ``calls`` only.  A game of more than :attr:`DENSE_MAX`
        parameters always gets the compiled module (its Jacobian is a forward-mode propagation), and so does any
        field whose compiled module this process has already loaded (as :meth:`evaluator`)."""
        if self.n > self.DENSE_MAX or "" in self.__dict__.get("_modules", {}):
            return self.compiled()
        ops = codegen.count_ops(self._base_source)
        if max(1, int(calls)) * (1e-6 + 6e-8 * ops) <= self.POINT_INTERPRET_MAX_SECONDS:
            return self.interpreted
        return self.compiled()

    @cached_property
    def interpreted(self):
        """The generated module run by the Python interpreter (no compilation; see
        :func:`gandynamics.codegen.load_interpreted`)."""
        return codegen.load_interpreted(self._base_source)

    def evaluator(self):
        """``(F, DF)``: two functions ``f(z, p) -> (n,)`` and ``df(z, p) -> (n, n)`` for point analyses.

        They run the generated code in the Python interpreter, compiling nothing, unless the compiled module
        already exists in this process or the game is large (more than :attr:`DENSE_MAX` parameters, where
        the Jacobian is a forward-mode propagation that only compiled code runs fast).  The interpreter gives
        numba's IEEE values where plain Python would raise (overflow, division by zero:
        :mod:`gandynamics._interpreted`); a point where it still meets an exception (a math function outside
        that list) is evaluated by the compiled module instead, so both routes give the same values."""
        n = self.n
        if "" in self.__dict__.get("_modules", {}):
            m = self.compiled()
            return (lambda z, p: m.field(z, p, np.empty(n)),
                    lambda z, p: m.jacobian(z, p, np.empty((n, n))))
        it = self.interpreted

        def f(z, p):
            try:
                return np.asarray(it.field(z, p, np.empty(n)), dtype=float)
            except (ArithmeticError, ValueError):
                return self.compiled().field(z, p, np.empty(n))

        def df(z, p):
            try:
                if n > self.DENSE_MAX:  # forward mode as one sparse solve (gandynamics._jvp)
                    return JacobianOperator(it, z, p).dense()
                return np.asarray(it.jacobian(z, p, np.empty((n, n))), dtype=float)
            except (ArithmeticError, ValueError):
                return self.compiled().jacobian(z, p, np.empty((n, n)))

        return f, df

    def jacobian_operator(self, z, params=None):
        """``DF(z)`` as a :class:`scipy.sparse.linalg.LinearOperator` of shape ``(n, n)``.

        For a large game (more than :attr:`DENSE_MAX` parameters) a product ``DF v`` is one sparse
        triangular solve over the program of F (forward mode; ``DF^T u`` reverse mode), so the leading
        eigenvalues of a game of thousands of parameters are found by Arnoldi iterations without forming
        or compiling DF (:func:`gandynamics.spectrum` with ``k=``).  Small games wrap the dense DF."""
        from scipy.sparse.linalg import LinearOperator, aslinearoperator
        z = self.point(z)
        p = self._p(params)
        if self.n <= self.DENSE_MAX:
            return aslinearoperator(self.eval_DF(z, p))
        op = JacobianOperator(self.interpreted, z, p)
        return LinearOperator((self.n, self.n), matvec=op.matvec, rmatvec=op.rmatvec, matmat=op.matvec,
                              dtype=float)

    def eval_F(self, z, params=None) -> np.ndarray:
        """``F(z)``, shape ``(n,)`` (see :meth:`evaluator`)."""
        return self.evaluator()[0](self.point(z), self._p(params))

    def eval_DF(self, z, params=None) -> np.ndarray:
        """``DF(z)``, shape ``(n, n)`` (see :meth:`evaluator`)."""
        return self.evaluator()[1](self.point(z), self._p(params))

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

    #: the most operations of F (or DF) :meth:`why_not_finite` evaluates in high precision (a larger field gets the
    #: general answer)
    WHY_OPS_MAX = 20000

    def why_not_finite(self, z, params=None, jacobian: bool = False) -> str:
        """Why ``F`` (``DF`` with ``jacobian``) is not finite at ``z``, in words, from its exact value there (sympy at
        50 digits, the point's and hyperparameters' doubles taken exactly): an entry whose exact value is a finite
        number beyond the largest double overflows (``exp(m x)`` at ``m x = 800``: about 2.7e347); an entry that is
        infinite, undefined or complex lies outside the losses' domain or at a point where a derivative is infinite
        (``log(u)`` at ``u <= 0``, ``sqrt(u)``'s derivative at ``u = 0``).  A field of more than
        :data:`WHY_OPS_MAX` operations, or an entry its exact evaluation cannot decide, gets the general answer
        naming both causes.  Hyperparameters that break a condition of the model (:meth:`hyper_value`,
        :meth:`check_conditions`: a variance below 0) are named first; hyperparameters of the wrong form (a vector of
        another length, an unknown name) get their own error.  The one text of every "not finite" refusal (an
        equilibrium search, a spectrum)."""
        return self._not_finite(z, params, jacobian)[0]

    def _not_finite(self, z, params=None, jacobian: bool = False) -> tuple[str, bool]:
        """``(the text of why_not_finite, whether its cause is an overflow)``: an overflow asks for smaller values, the
        other causes for another point."""
        general = ("overflowing values, or a point outside the losses' domain or where a derivative of them is "
                   "infinite (as exp of a large argument, log(u) at u <= 0, sqrt(u)'s derivative at u = 0)")
        try:
            z = self.point(z)
            try:  # hyperparameters of the wrong form: that is the answer (they were called "not defined" values)
                self._check_params_form(params)
            except GandynamicsError as exc:
                return str(exc), False
            try:  # values outside the model's own conditions first (Normal(0, 1 - s**2) at s = 2 was read as an overflow),
                # however they are given (a mapping is checked as it is read, a vector below)
                p = self._p(params)
                for s_, v in zip(self.hyper, p):
                    self.hyper_value(s_.name, float(v), signed=True)
                self.check_conditions(p)
            except GandynamicsError as exc:
                return f"the game is not defined at these hyperparameters: {exc}", False
            M = self.DF if jacobian else self.F
            if sp.count_ops(M) > self.WHY_OPS_MAX:
                return general, False
            sub = {s: sp.Float(float(v), 50) for s, v in zip(self.z + tuple(self.hyper), list(z) + list(p))}
            what = "DF" if jacobian else "F"
            exact = 0
            for idx, e in enumerate(M):
                val = sp.sympify(e).xreplace(sub).evalf(50)
                where = f"{what}[{idx // self.n}, {idx % self.n}]" if jacobian else f"F[{idx}] ({self.names[idx]})"
                if val.is_real and val.is_finite and val.is_Number:
                    if abs(val) > sp.Float(np.finfo(float).max):
                        import mpmath
                        lg = mpmath.log10(abs(val._to_mpmath(80)))  # (the number itself has no double)
                        sign = "" if val > 0 else "-"
                        if lg < 1e6:
                            e10 = int(mpmath.floor(lg))
                            size = f"{sign}{float(mpmath.power(10, lg - e10)):z.3g}e+{e10}"
                        else:  # (the mantissa is lost to the exponent's digits)
                            size = f"{sign}10^({float(lg):z.3g})"
                        return (f"{where} overflows the doubles: its exact value there is about {size} (beyond "
                                "1.8e308)", True)
                    exact += 1
                    continue
                if val.is_Number and val.is_real is False or val.has(sp.I):
                    return (f"{where} is complex there: the point lies outside the losses' domain (as log(u) at u <= 0 "
                            "or sqrt(u) at u < 0)", False)
                if val in (sp.zoo, sp.oo, -sp.oo, sp.nan) or val.has(sp.zoo, sp.oo, sp.nan):
                    return (f"{where} is undefined or infinite there: a derivative of the losses is infinite at that "
                            "point, as that of sqrt(u) or |u| at u = 0, or the point lies outside their domain", False)
            if exact == len(M):  # (every entry a double's worth, its floating-point value not: a product inf * 0)
                return (f"an intermediate value of {what} overflows the doubles (its exact value there is finite and "
                        "within them; a hyperparameter or coordinate squared or exponentiated beyond 1.8e308)", True)
            return general, False
        except Exception:  # noqa: BLE001 - an explanation only: never its own error
            return general, False

    @cached_property
    def _kink_atoms(self) -> list:
        """The subexpressions of F at which it may fail to be differentiable (``Abs``, ``sign``,
        ``Heaviside``, ``Max``/``Min``, powers, ``vnorm``), found once per field by one walk over F's
        expression DAG (a shared subexpression is visited once: ``Expr.atoms`` walks the tree, which took
        16 s per point for the 256-parameter mlp)."""
        entry = self.__dict__.get("_cache_entry")
        if entry is not None and entry.get("kinks") is not None and "F" not in self.__dict__:
            return list(entry["kinks"])  # stored with the source: F need not be derived
        kinds = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Pow, vnorm, sp.Piecewise, sp.floor, sp.ceiling,
                 sp.frac, sp.Mod)
        seen, found, stack = set(), set(), list(self.F)
        while stack:
            e = stack.pop()
            if e in seen:
                continue
            seen.add(e)
            # a power is a kink only with a fractional exponent (sqrt(0)); integer powers are smooth
            if isinstance(e, kinds) and not (isinstance(e, sp.Pow) and not (e.exp.is_Rational and not e.exp.is_integer)):
                found.add(e)
            stack.extend(e.args)
        return sorted(found, key=sp.default_sort_key)

    def nonsmooth_at(self, z, params=None, tol: float = 1e-9) -> list[str]:
        """The non-differentiable atoms of F whose argument vanishes at z (``Abs``, ``sign``, ``sqrt(0)``,
        ``Heaviside``, a Euclidean ``vnorm`` at the origin, ``Max``/``Min`` ties, a ``Piecewise`` whose
        condition holds with equality, ``floor``/``ceiling``/``frac``/``Mod`` at an integer): where any exists,
        no linearisation is meaningful, and every analysis reports the point the same way.

        Raises
        ------
        GandynamicsError
            a bad point (:meth:`point`) or hyperparameters (:meth:`param_vector`), ``tol`` not a finite number >= 0.
        """
        tol = validate.nonnegative(tol, "nonsmooth_at: tol")  # (tol="x" was taken, and compared only at a tie)
        p = self.param_vector(params)
        sub = dict(zip(self.z, self.point(z)))
        sub.update(zip(self.hyper, p))
        found = []
        zs = set(self.z)
        for a in self._kink_atoms:
            if not (a.free_symbols & zs):  # (a kink in the hyperparameters alone is a constant of F on the plane: F is
                continue                   # as smooth in z there; Abs(sigma) of instance noise at sigma = 0)
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
            elif isinstance(a, sp.Piecewise):  # on a switching surface: a condition holds with equality
                args = [c.lhs - c.rhs for _, c in a.args if isinstance(c, sp.core.relational.Relational)]
            elif isinstance(a, (sp.floor, sp.ceiling, sp.frac, sp.Mod)):  # at an integer: a jump
                try:
                    v = float(a.args[0].xreplace(sub) / (a.args[1].xreplace(sub) if isinstance(a, sp.Mod) else 1))
                except TypeError:
                    continue
                if abs(v - round(v)) <= tol * max(1.0, abs(v)):
                    found.append(str(a))
                continue
            else:
                args = [a.args[0]]
            for arg in args:
                try:
                    val = complex(arg.xreplace(sub))
                except TypeError:
                    continue
                if abs(val) <= tol:
                    found.append(str(a))
        if found:  # a kink whose every occurrence in F has a coefficient that the parameter values make 0 (WGAN-GP's
            # target = 0) is no kink of this field: F is the same smooth function without it
            vals = {h: float(v) for h, v in zip(self.hyper, p)}
            factors = self._kink_factors
            names = {str(a): a for a in self._kink_atoms}
            found = [s_ for s_ in found if not all(_vanishes(f, vals) for f in factors.get(names.get(s_), [sp.S.One]))]
        return sorted(set(found))

    @cached_property
    def _kink_factors(self) -> dict:
        """For each kink atom of F (:attr:`_kink_atoms`), the coefficient of each of its occurrences that depends on
        the hyperparameters only: the product of the factors free of ``z`` of the products on the way from F's
        components to it (through sums, functions, powers and other atoms: a term ``c * G(..., atom, ...)``
        vanishes with ``c`` whatever ``G`` is).  The atom is no kink at parameter values that make every such
        coefficient 0.  Stored with the source in the derivation cache (a warm process need not derive F)."""
        entry = self.__dict__.get("_cache_entry")
        if entry is not None and entry.get("kink_factors") is not None and "F" not in self.__dict__:
            return dict(zip(entry["kinks"], entry["kink_factors"]))
        atoms = set(self._kink_atoms)
        if not atoms:
            return {}
        zs = set(self.z)
        out: dict = {a: [] for a in atoms}
        seen: set = set()
        stack = [(f, sp.S.One) for f in self.F]
        while stack:
            e, c = stack.pop()
            if (e, c) in seen or not (e.free_symbols & zs):
                continue  # (a subexpression free of z holds no kink at any z)
            seen.add((e, c))
            if len(seen) > 200_000:  # (a huge F: every occurrence counts, as before this refinement)
                return {a: [sp.S.One] for a in atoms}
            if e in atoms:
                out[e].append(c)
            if isinstance(e, sp.Mul):  # the factors free of z join the coefficient of the others
                k = c * sp.Mul(*[x for x in e.args if not (x.free_symbols & zs)])
                stack.extend((x, k) for x in e.args if x.free_symbols & zs)
            else:  # a sum, a function, a power, an atom's argument: whatever is inside is multiplied by c too
                stack.extend((x, c) for x in e.args)
        return {a: sorted(set(v), key=sp.default_sort_key) or [sp.S.One] for a, v in out.items()}

    def __repr__(self) -> str:
        """One line: name, parameters, hyperparameters and regularizers (:func:`gandynamics._display.field_text`)."""
        from ._display import field_text
        return field_text(self)

    def _repr_latex_(self) -> str:
        """F and J = Dv as LaTeX, for notebooks (:func:`gandynamics._display.field_latex`)."""
        from ._display import field_latex
        return field_latex(self)
