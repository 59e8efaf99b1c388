r"""Two-player differentiable games and GANs built from their parts.

Conventions (used everywhere in gandynamics)
--------------------------------------------
* Parameters ``z = (theta, psi)``: generator ``theta`` first, discriminator ``psi`` second.
* Each player **minimises its own loss**: the generator ``L_G(theta, psi)``, the discriminator
  ``L_D(theta, psi)``.
* The operator is ``F(z) = (grad_theta L_G, grad_psi L_D)`` (the variational-inequality operator of
  Gidel et al. 2019); the direction of motion is ``v = -F`` (the gradient vector field of Mescheder et al.
  2018); gradient descent is ``z <- z - h F(z)``.
* "The Jacobian" in reports is ``J = Dv = -DF``: the flow is locally exponentially stable iff every
  eigenvalue of J has negative real part (unstable if one has positive real part; eigenvalues on the imaginary
  axis leave it to the nonlinear terms, docs/mathematics.md §0.1).  Monotonicity and Lipschitz constants are those of F.

For a GAN (Mescheder et al. 2018, eq. 1), with D a *fakeness* logit as in that paper,

.. math::

    L(\theta,\psi) = E_{x\sim p_\theta} f(D_\psi(x)) + E_{x\sim p_D} f(-D_\psi(x)),\qquad
    L_G = L,\quad L_D = -L + \text{penalties},

and for the non-saturating loss ``L_G = -E_{p_theta} f(-D_psi(x))``.  For the Dirac-GAN (one atom at
theta, ``D = psi x``) this gives ``v = (-psi f'(psi theta), theta f'(psi theta))`` (M18 §2.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.parsing.sympy_parser import TokenError

from .distributions import Distribution, check_distribution, expectation
from .errors import GandynamicsError
from .losses import get_loss, stabilize

__all__ = ["Game", "GAN"]


def _real_symbols(symbols: Sequence[sp.Symbol]) -> dict:
    """Map each symbol to a real symbol of the same name (so that ``d|x|/dx = sign(x)``)."""
    return {s: sp.Symbol(s.name, real=True) for s in symbols if not s.is_real}


def _symbols(seq, what: str) -> tuple[sp.Symbol, ...]:
    if isinstance(seq, sp.Symbol):
        seq = (seq,)
    if isinstance(seq, (str, bytes)) or not hasattr(seq, "__iter__"):
        raise GandynamicsError(f"{what} must be a sympy Symbol or a sequence of Symbols, got {seq!r}")
    out = tuple(seq)
    for s in out:
        if not isinstance(s, sp.Symbol):
            raise GandynamicsError(f"{what} must be sympy Symbols, got {s!r}")
    if not out:
        raise GandynamicsError(f"{what} must name at least one parameter")
    return out


def _label(name: str) -> str:
    """How errors name a game: ``game 'tilted'``, or ``the game`` for one not named (the default name, ``"game"``: a
    new user's factory ``tilted`` was reported as ``game 'game'``; ``--game FILE.py:FACTORY`` adds the factory)."""
    return "the game" if name == "game" else f"game {name!r}"


def _loss(value, what: str, game: str) -> sp.Expr:
    """A loss: a real sympy expression (or a number); anything else refused with what is accepted."""
    from sympy.logic.boolalg import Boolean
    if value is None or isinstance(value, (bytes, bool)):
        raise GandynamicsError(f"{_label(game)}: {what} must be a sympy expression of the parameters "
                               f"(e.g. x*y), got {value!r}")
    try:
        e = sp.sympify(value, strict=not isinstance(value, str))
    except (sp.SympifyError, TypeError, ValueError, SyntaxError, TokenError) as exc:
        if isinstance(value, str):  # a string that is no expression ("x*y +"): say so, not "got str"
            raise GandynamicsError(f"{_label(game)}: {what} {value!r} is not an expression in Python's syntax (a "
                                   "missing operand or '*', unbalanced brackets?); write it as in Python, e.g. "
                                   "'x*y - x**2/2'") from None
        raise GandynamicsError(f"{_label(game)}: {what} must be a sympy expression of the parameters "
                               f"(e.g. x*y), got {type(value).__name__}") from None
    if not isinstance(e, sp.Expr) or isinstance(e, Boolean) and not e.is_Symbol:
        raise GandynamicsError(f"{_label(game)}: {what} must be a real-valued expression, got {e} "
                               f"({type(e).__name__})")
    try:
        e.free_symbols  # a malformed node (CosineTransform(x): one argument of three) raises inside sympy here
    except Exception as exc:  # noqa: BLE001 - whatever sympy raises, the expression cannot be used
        raise GandynamicsError(f"{_label(game)}: {what} is not a well-formed sympy expression (sympy raised "
                               f"{type(exc).__name__}: {exc})") from None
    from sympy.core.function import AppliedUndef
    undefined = sorted({str(f.func) for f in e.atoms(AppliedUndef)})
    if undefined:  # sp.Function("foo")(x) or "foo(x)": refused later as "the function Derivative cannot be compiled"
        raise GandynamicsError(f"{_label(game)}: {what} calls {', '.join(undefined)}, "
                               f"{'a function' if len(undefined) == 1 else 'functions'} with no definition (an undefined "
                               "sympy Function, or a misspelt name); use sympy's functions (exp, log, sqrt, tanh, ...) or "
                               "write the formula out")
    from sympy.matrices.expressions import MatrixExpr
    if e.has(MatrixExpr):  # Identity(2) * x: a matrix expression, printed as an undefined name 'I'
        raise GandynamicsError(f"{_label(game)}: {what} must be a real-valued (scalar) expression, got {e} "
                               f"(contains a matrix expression)")
    if e.is_commutative is False:  # a Quaternion or a non-commutative symbol: not a real number
        raise GandynamicsError(f"{_label(game)}: {what} must be a real-valued (scalar) expression, got {e} "
                               f"(non-commutative: e.g. a quaternion)")
    bad = [c for c in (sp.nan, sp.zoo, sp.oo, -sp.oo) if e.has(c)]
    if bad:  # oo*x*y: F was NaN everywhere ("equilibrium search failed"), nan*x*y differentiated to F = 0
        raise GandynamicsError(f"{_label(game)}: {what} contains the non-finite constant {bad[0]} ({e}); a loss "
                               f"must be a finite expression of the parameters")
    if e.has(sp.I):
        try:
            imag_zero = sp.simplify(sp.im(e)) == 0
        except Exception:  # pragma: no cover - simplify failures mean: not provably real
            imag_zero = False
        if not imag_zero:
            raise GandynamicsError(f"{_label(game)}: {what} is complex-valued ({e}); losses must be real-valued")
    return e


def _text(value, what: str, game: str, empty: bool = False) -> str:
    """A game's ``name`` or ``nonsmooth`` note: text (non-empty unless ``empty``); name=3 or nonsmooth=[...] were taken
    and printed as they were."""
    if not isinstance(value, str) or not (empty or value.strip()):
        raise GandynamicsError(f"{_label(game)}: {what} must be "
                               f"{'text' if empty else 'non-empty text'}, got {value!r}")
    return value


def _penalties(value, game: str) -> tuple:
    """A GAN's ``penalties``: a tuple (or list) of sympy expressions, the terms regularizers add to L_D."""
    if not isinstance(value, (tuple, list)):
        raise GandynamicsError(f"{_label(game)}: penalties must be a tuple of sympy expressions (terms added to the "
                               f"discriminator's loss), got {type(value).__name__} {value!r}")
    out = []
    for p in value:
        try:
            e = sp.sympify(p, strict=True)
        except (sp.SympifyError, TypeError, ValueError):
            e = None
        if not isinstance(e, sp.Expr):
            raise GandynamicsError(f"{_label(game)}: penalties must be sympy expressions (terms added to the "
                                   f"discriminator's loss), got {p!r}")
        out.append(e)
    return tuple(out)


def zero_sum_symbolic(game) -> tuple:
    """Whether ``d^2 (L_G + L_D) / d theta d psi`` of ``game`` (a Game or GAN with its losses) vanishes identically, as
    far as sympy can tell: ``(True, [])`` when every entry simplifies to 0, ``(False, [])`` when one is a nonzero
    number (however small: ``s (3 theta psi)`` at ``s = 1e-11`` is no zero) or a rational function of the players'
    parameters alone whose numerator expands to a nonzero polynomial (``x / 2``: it vanishes nowhere but on a set of
    measure zero; FTR's general-sum warning was not given of such a game, a new user), else ``(None, undecided)``: the
    entries
    sympy could not reduce, each ``(entry, d^2 L_G/d theta d psi, d^2 L_D/d theta d psi)``, for a numerical test
    (:func:`gandynamics.analysis.solution_concepts.is_zero_sum`)."""
    S = game.loss_g + game.loss_d
    undecided = []
    # only the terms of the sum that hold both players' parameters have mixed derivatives: the others (a regularizer's
    # ||grad_x D||^2 in psi alone, a generator's own penalty) are passed over, and the pairs (theta_i, psi_j) that no
    # such term holds are 0 without differentiating (250,000 derivatives of the whole sum for dirac-nd at n = 1,000)
    th, ps = set(game.theta), set(game.psi)
    mixed = [a for a in sp.Add.make_args(S) if (a.free_symbols & th) and (a.free_symbols & ps)]
    S = sp.Add(*mixed)
    free = S.free_symbols
    for t in [t for t in game.theta if t in free]:
        for q in [q for q in game.psi if q in free]:
            e = sp.diff(S, t, q)
            if e == 0:
                continue
            try:
                e2 = sp.simplify(e) if sp.count_ops(e) < 200 else e
            except Exception:  # noqa: BLE001 - simplification failing only means "check numerically"
                e2 = e
            if e2.is_Number and e2 != 0:
                return False, []
            if e2 != 0 and e2.free_symbols <= th | ps and e2.is_rational_function(*e2.free_symbols):
                # (free of hyperparameters: (a - 1) x is zero at a = 1, for the numerical test at the game's values)
                if sp.expand(sp.numer(sp.together(e2))) != 0:
                    return False, []
                continue
            if e2 != 0:
                undecided.append((e2, sp.diff(game.loss_g, t, q), sp.diff(game.loss_d, t, q)))
    return (True, []) if not undecided else (None, undecided)


def check_game_size(n: int, game: str) -> None:
    """Refuse a game of ``n`` parameters whose analysis cannot fit in memory (every analysis evaluates the
    ``n x n`` Jacobian; :func:`gandynamics.limits.check_array`).  Factories call it before building."""
    from .limits import check_array
    check_array((n, n), f"{_label(game)} with {n} parameters: its Jacobian")


def _hyper(hyper) -> dict[sp.Symbol, float]:
    """Hyperparameters as ``{Symbol: default}``: a mapping (or None) of names or Symbols to finite numbers; anything
    else refused in one line (``hyper=3`` and ``hyper="gamma"`` ended in dict()'s TypeError/ValueError, a GAN's
    ``hyper=None`` in a TypeError from the regularizers)."""
    from collections.abc import Mapping as _Mapping
    if hyper is None:
        return {}
    if not isinstance(hyper, _Mapping):
        raise GandynamicsError(f"hyper must be a mapping of hyperparameter names (or Symbols) to default values, e.g. "
                               f"{{'gamma': 0.3}}, got {type(hyper).__name__} {hyper!r}")
    out = {}
    for k, v in hyper.items():
        if not (isinstance(k, sp.Symbol) or (isinstance(k, str) and k.strip())):
            raise GandynamicsError(f"hyper: a hyperparameter's name must be a name or a sympy Symbol, got {k!r}")
        s = sp.Symbol(k, real=True) if isinstance(k, str) else k
        if isinstance(v, (bool, np.bool_)):  # (True was read as 1.0)
            raise GandynamicsError(f"hyperparameter {s} needs a numeric default, got {v!r}")
        try:
            out[s] = float(v)
        except (TypeError, ValueError):
            raise GandynamicsError(f"hyperparameter {s} needs a numeric default, got {v!r}") from None
        if not math.isfinite(out[s]):  # a NaN default was accepted here and refused at the first analysis
            raise GandynamicsError(f"hyperparameter {s} needs a finite default, got {v!r}")
    return out


@dataclass(frozen=True)
class Game:
    """A two-player differentiable game: each player minimises its own sympy loss.

    Parameters
    ----------
    theta, psi : sequences of sympy Symbols
        The generator's and the discriminator's parameters (``z = (theta, psi)``).
    loss_g, loss_d : sympy expressions
        ``L_G`` and ``L_D``; a zero-sum game has ``loss_d = -loss_g``.
    hyper : mapping of Symbol (or name) to default value
        Named hyperparameters that may appear in the losses.
    equilibrium : sequence of numbers, optional
        A known equilibrium (a zero of F), used as the default analysis point and as ``z*`` of runs.  Where it
        is no zero of F (``|F| >= 1e-10``, or F only flat there: :func:`gandynamics.equilibrium.zero_test`) runs and analyses use the zero Newton's method finds from it instead: with a
        GandynamicsWarning (once per field) when that happens for the game itself at its own hyperparameters (the
        declaration is wrong); silently (a log line at INFO) under regularizers that move the zero, or at other
        hyperparameters of a sweep.
    name : str
    nonsmooth : str, optional
        A note when the field is known not to be differentiable somewhere that matters.

    Raises
    ------
    GandynamicsError
        an argument of the wrong kind or value: ``theta``/``psi`` not sympy Symbols, a loss that is no real scalar
        expression of the parameters and hyperparameters, ``hyper`` not a mapping of names to finite numbers, an
        ``equilibrium`` that is not one finite number per parameter, ``name``/``nonsmooth`` not text.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> g = Game.zero_sum(x, y, x * y, name="bilinear", equilibrium=(0, 0))
    """

    theta: tuple
    psi: tuple
    loss_g: sp.Expr
    loss_d: sp.Expr
    hyper: Mapping = field(default_factory=dict)
    equilibrium: tuple | None = None
    name: str = "game"
    nonsmooth: str = ""
    structure: object = None  # the GAN this game was built from, if any
    #: how the game was made: ``{"factory": name, "arguments": {...}}`` (set by :func:`gandynamics.games.make_game` and
    #: ``--game FILE.py:FACTORY``; recorded in results' provenance), not part of the game's identity
    origin: Mapping = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        _text(self.name, "name", "game")
        _text(self.nonsmooth, "nonsmooth", self.name, empty=True)
        theta = _symbols(self.theta, "theta")
        psi = _symbols(self.psi, "psi")
        check_game_size(len(theta) + len(psi), self.name)
        hyper = _hyper(self.hyper)
        sub = _real_symbols(theta + psi + tuple(hyper))
        theta = tuple(sub.get(s, s) for s in theta)
        psi = tuple(sub.get(s, s) for s in psi)
        hyper = {sub.get(s, s): v for s, v in hyper.items()}
        names = [s.name for s in theta + psi]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise GandynamicsError(f"parameter names must be distinct; repeated: {', '.join(dup)}")
        both = sorted({s.name for s in hyper} & set(names))
        if both:  # x in theta and in hyper made F use the default for x in some places and x in others
            one = len(both) == 1
            raise GandynamicsError(f"{_label(self.name)}: {', '.join(both)} named both as "
                                   f"{'a parameter' if one else 'parameters'} (theta, psi) and as "
                                   f"{'a hyperparameter' if one else 'hyperparameters'} (hyper); a symbol is one or the "
                                   "other")
        lg = stabilize(_loss(self.loss_g, "loss_g", self.name).xreplace(sub))
        ld = stabilize(_loss(self.loss_d, "loss_d", self.name).xreplace(sub))
        known = set(theta) | set(psi) | set(hyper)
        byname = {s.name: s for s in known}
        # symbols typed without real=True (or created elsewhere) are matched by name
        rename = {s: byname[s.name] for s in (lg.free_symbols | ld.free_symbols) if s.name in byname and s not in known}
        lg, ld = lg.xreplace(rename), ld.xreplace(rename)
        unknown = sorted(s.name for s in (lg.free_symbols | ld.free_symbols) - known)
        if unknown:
            raise GandynamicsError(
                f"{_label(self.name)}: the losses contain symbols that are neither parameters nor hyperparameters: "
                f"{', '.join(unknown)} (declare them in theta, psi or hyper)")
        object.__setattr__(self, "theta", theta)
        object.__setattr__(self, "psi", psi)
        object.__setattr__(self, "hyper", hyper)
        object.__setattr__(self, "loss_g", lg)
        object.__setattr__(self, "loss_d", ld)
        if self.equilibrium is not None:
            from .validate import vector
            eq = tuple(vector(self.equilibrium, f"{_label(self.name)}: equilibrium").tolist())
            if len(eq) != len(theta) + len(psi):
                raise GandynamicsError(f"equilibrium has {len(eq)} entries, the game has {len(theta) + len(psi)} parameters")
            object.__setattr__(self, "equilibrium", eq)

    @classmethod
    def zero_sum(cls, theta, psi, value, **kw) -> "Game":
        """``min_theta max_psi value``: ``L_G = value``, ``L_D = -value``."""
        value = _loss(value, "the value", kw.get("name", "game"))  # (sympify raised its own error on a typo)
        return cls(theta, psi, value, -value, **kw)

    @property
    def params(self) -> tuple:
        """``z = (theta, psi)`` in order."""
        return tuple(self.theta) + tuple(self.psi)

    def with_losses(self, loss_g=None, loss_d=None, hyper=None, **kw) -> "Game":
        """A copy with new losses (and extra hyperparameters merged in)."""
        h = dict(self.hyper)
        h.update(_hyper(hyper))
        return replace(self, loss_g=self.loss_g if loss_g is None else loss_g,
                       loss_d=self.loss_d if loss_d is None else loss_d, hyper=h, **kw)

    def to_game(self) -> "Game":
        return self


@dataclass(frozen=True)
class GAN:
    """A GAN assembled from its parts, so that regularizers can be derived from the structure.

    Parameters
    ----------
    theta, psi : sequences of sympy Symbols
        Generator and discriminator parameters.
    x : sequence of sympy Symbols
        The data variable(s) the discriminator is written in.
    discriminator : sympy expression
        ``D(x; psi)`` (a *fakeness* logit, as in M18 eq. 1).
    real : Distribution
        The data distribution ``p_D``.
    fake : Distribution
        The generator's distribution ``p_theta``: atoms whose positions depend on theta, or a
        :class:`~gandynamics.distributions.Pushforward` of a latent distribution through ``G(z; theta)``.
    loss : str, Loss or sympy Lambda
        ``"standard"``, ``"non-saturating"``, ``"wgan"`` or a custom ``f``.
    hyper, equilibrium, name, nonsmooth : as in :class:`Game`.
    penalties : tuple of sympy expressions
        Terms added to the discriminator's loss (set by regularizers such as R1).

    Raises
    ------
    GandynamicsError
        an argument of the wrong kind: as :class:`Game`; ``real``/``fake`` not a Distribution
        (:func:`gandynamics.distributions.check_distribution`), ``loss`` none of :data:`gandynamics.losses.LOSSES`, a
        :class:`~gandynamics.losses.Loss` or a one-variable sympy Lambda, ``penalties`` not sympy expressions.
    """

    theta: tuple
    psi: tuple
    x: tuple
    discriminator: sp.Expr
    real: Distribution
    fake: Distribution
    loss: object = "standard"
    hyper: Mapping = field(default_factory=dict)
    equilibrium: tuple | None = None
    name: str = "gan"
    nonsmooth: str = ""
    penalties: tuple = ()
    origin: Mapping = field(default_factory=dict, compare=False, repr=False)  # as in Game

    def __post_init__(self):
        _text(self.name, "name", "game")
        _text(self.nonsmooth, "nonsmooth", self.name, empty=True)
        _hyper(self.hyper)  # (checked here: hyper=None or 3 ended in a TypeError from the regularizers)
        object.__setattr__(self, "hyper", {} if self.hyper is None else self.hyper)
        object.__setattr__(self, "penalties", _penalties(self.penalties, self.name))
        object.__setattr__(self, "theta", _symbols(self.theta, "theta"))
        object.__setattr__(self, "psi", _symbols(self.psi, "psi"))
        check_game_size(len(self.theta) + len(self.psi), self.name)
        object.__setattr__(self, "x", _symbols(self.x, "x (data variables)"))
        object.__setattr__(self, "loss", get_loss(self.loss))
        object.__setattr__(self, "discriminator", _loss(self.discriminator, "the discriminator", self.name))
        check_distribution(self.real, "GAN: real")
        check_distribution(self.fake, "GAN: fake")

    @property
    def params(self) -> tuple:
        return tuple(self.theta) + tuple(self.psi)

    def D(self, point) -> sp.Expr:
        """The discriminator evaluated at a data point (tuple of sympy values)."""
        if len(point) != len(self.x):
            raise GandynamicsError(f"a data point of dimension {len(point)} for a discriminator on {len(self.x)} variables")
        return self.discriminator.xreplace(dict(zip(self.x, point)))

    def grad_x_D(self, point) -> list:
        """``grad_x D(x; psi)`` evaluated at ``point``."""
        g = [sp.diff(self.discriminator, xi) for xi in self.x]
        sub = dict(zip(self.x, point))
        return [gi.xreplace(sub) for gi in g]

    def objective(self) -> sp.Expr:
        """``L = E_{p_theta} f(D(x)) + E_{p_D} f(-D(x))`` (M18 eq. 1)."""
        f = self.loss.f
        return expectation(self.fake, lambda p: f(self.D(p))) + expectation(self.real, lambda p: f(-self.D(p)))

    def generator_loss(self) -> sp.Expr:
        f = self.loss.f
        if getattr(self.loss, "generator", None) is not None:  # its own function g: L_G = E_ptheta g(D)
            return expectation(self.fake, lambda p: self.loss.generator(self.D(p)))
        if self.loss.non_saturating:
            return -expectation(self.fake, lambda p: f(-self.D(p)))
        return self.objective()

    def with_(self, **kw) -> "GAN":
        """A copy with some fields replaced (used by regularizers)."""
        if "hyper" in kw:
            h = dict(self.hyper)
            h.update(kw.pop("hyper"))
            kw["hyper"] = h
        return replace(self, **kw)

    def symbols(self, extra_hyper=None) -> tuple[tuple, tuple, dict]:
        """``(theta, psi, hyper)`` exactly as :meth:`to_game` (followed by ``with_losses(hyper=extra_hyper)``)
        names them (symbols without ``real=True`` replaced by real ones), without building the losses."""
        hyper = _hyper(self.hyper)
        hyper.update(_hyper(extra_hyper))
        sub = _real_symbols(tuple(self.theta) + tuple(self.psi) + tuple(hyper))
        return (tuple(sub.get(s, s) for s in self.theta), tuple(sub.get(s, s) for s in self.psi),
                {sub.get(s, s): v for s, v in hyper.items()})

    def definition(self) -> list:
        """Expressions that determine :meth:`to_game` (given this module's code): the parameters, data
        variables, discriminator, penalties, hyperparameter symbols, the atoms (weights and points) of both
        distributions and the loss functions applied to a fixed symbol; a hash of them is the derivation-cache
        key of a GAN (:class:`gandynamics.VectorField`), computed without building the losses."""
        t = sp.Symbol("_gandynamics_t", real=True)
        out = list(self.theta) + [sp.Symbol("_psi_")] + list(self.psi) + [sp.Symbol("_x_")] + list(self.x)
        out += [sp.Symbol("_h_")] + list(_hyper(self.hyper)) + [self.discriminator, sp.Symbol("_pen_")]
        out += list(self.penalties)
        for label, dist in (("_real_", self.real), ("_fake_", self.fake)):
            out.append(sp.Symbol(label))
            for w, x in dist.atoms():
                out += [sp.sympify(w), sp.Tuple(*x)]
            # what the expectations use beyond the atoms (closed-form moments, a rule raised to a polynomial's degree):
            # the distribution itself (two generators G = theta z and theta z^3 had the same atoms and one cache key)
            out += _distribution_key(dist)
        gen = getattr(self.loss, "generator", None)
        out += [sp.Symbol("_loss_"), self.loss.f(t), sp.Integer(bool(self.loss.non_saturating)),
                gen(t) if gen is not None else sp.Symbol("_no_generator_")]
        return out

    def conditions(self) -> list:
        """What the hyperparameters in the data's and the generator's distributions must satisfy
        (:meth:`gandynamics.distributions.Distribution.conditions`)."""
        return self.real.conditions() + self.fake.conditions()

    def to_game(self) -> Game:
        """The game the GAN defines: ``L_G`` as above, ``L_D = -L + sum(penalties)``."""
        L = self.objective()
        return Game(self.theta, self.psi, self.generator_loss(), -L + sp.Add(*self.penalties),
                    hyper=self.hyper, equilibrium=self.equilibrium, name=self.name,
                    nonsmooth=self.nonsmooth, structure=self, origin=self.origin)


def _distribution_key(dist) -> list:
    """Expressions that determine a distribution (its parameters, a pushforward's map on symbolic latent points), for
    :meth:`GAN.definition`: the atoms of its own rule do not, where expectations take closed-form moments or more
    nodes."""
    from .distributions import Convolution, Pushforward, _as_point
    if isinstance(dist, Pushforward):
        d = len(dist.latent.atoms()[0][1])
        u = sp.symbols(f"_gd_latent0:{d}", real=True)
        return [sp.Symbol("_push_"), sp.Tuple(*_as_point(dist.G(*u)))] + _distribution_key(dist.latent)
    if isinstance(dist, Convolution):
        return [sp.Symbol("_conv_")] + _distribution_key(dist.base) + _distribution_key(dist.noise)
    vals = []
    for name in ("mean", "cov", "low", "high", "points", "weights", "order"):
        v = getattr(dist, name, None)
        if v is not None:
            try:
                vals.append(sp.sympify(np.asarray(v, dtype=object).tolist()))
            except (sp.SympifyError, TypeError, ValueError):
                vals.append(sp.Symbol(repr(v)))
    def tup(x):  # (nested lists as nested Tuples: hashable, as the key's digest needs)
        return sp.Tuple(*[tup(y) for y in x]) if isinstance(x, (list, tuple)) else sp.sympify(x)
    return [sp.Symbol(f"_{type(dist).__name__}_")] + [tup(x) for x in vals]
