r"""Regularizers: each one general transformation of a GAN, of the players' losses, or of the field.

A regularizer acts at one of three stages, always in this order (and in the given order within a stage):

1. ``"gan"`` — on a :class:`~gandynamics.game.GAN` (needs the discriminator and the distributions):
   :class:`R1`, :class:`R2`, :class:`WGANGP`, :class:`InstanceNoise`.
2. ``"game"`` — on the players' losses of any :class:`~gandynamics.game.Game`:
   :class:`NagarajanKolter`, :class:`JARE`, :class:`Tikhonov`.
3. ``"field"`` — on the operator F: :class:`Consensus`.

:class:`Asymmetric` (Tikhonov on one player + a zero-centred gradient penalty) is a composition of the
above.  Strengths are sympy symbols (hyperparameters of the resulting field) with the given values as
defaults, so changing a strength never re-derives nor recompiles anything.

Scaling conventions follow docs/mathematics.md §0.3: R1/R2 weight ``gamma`` multiplies ``1/2 E||grad_x D||^2``
(GAN_stability's ``reg_param`` is ``gamma/2``); NK adds ``eta ||grad_psi L||^2``; JARE adds
``gamma/2 ||grad_other||^2`` to each player.
"""

from __future__ import annotations

import math
import numbers
from typing import ClassVar

import numpy as np
import sympy as sp

from .distributions import Normal, Uniform, convolve, expectation
from .errors import GandynamicsError, choice_refusal, names_refusal
from .game import GAN, Game
from .losses import vnorm

__all__ = [
    "Regularizer", "R1", "R2", "WGANGP", "InstanceNoise", "Consensus", "NagarajanKolter", "JARE",
    "Tikhonov", "Asymmetric", "REGULARIZERS", "make_regularizer", "apply_regularizers", "strength_symbols",
    "refuse_duplicates",
]


def _order(reg) -> int:
    from .validate import whole
    return whole(reg.opts["order"], f"{reg.name}: order")


def _check_strength(name: str, key: str, value) -> float:
    from .validate import strength
    return strength(value, f"{name}: {key}")


class Regularizer:
    """Base class. Subclasses set ``name``, ``stage``, ``defaults`` (strength name -> default value)
    and implement ``apply(obj, sym)`` where ``sym`` maps each strength name to its sympy symbol.

    A regularizer takes its parameters by name (``R1(gamma=0.3)``).

    Raises
    ------
    GandynamicsError
        a parameter given by position, a parameter the regularizer does not take, a strength that is not a finite
        number >= 0, an option of a value it does not accept.
    """

    name: ClassVar[str] = ""
    #: one line for `gandynamics list`
    summary: ClassVar[str] = ""
    stage: ClassVar[str] = "game"
    defaults: ClassVar[dict] = {}
    #: options that are not numeric strengths (strings, orders); never symbols
    options: ClassVar[dict] = {}

    def __init__(self, *args, **params):
        if args:  # (R1(0.3): Python's TypeError "takes 1 positional argument but 2 were given", naming no parameter)
            cls, names = type(self).__name__, [*self.defaults, *self.options]
            example = f"{cls}({names[0]}={args[0]!r})" if names else f"{cls}()"
            raise GandynamicsError(f"{cls} takes its parameters by name ({', '.join(names) or 'none'}), e.g. {example}; "
                                   f"got {len(args)} positional argument{'s' if len(args) > 1 else ''} "
                                   f"{', '.join(map(repr, args))}")
        unknown = set(params) - set(self.defaults) - set(self.options)
        if unknown:
            raise GandynamicsError(f"{self.name}: " + names_refusal(unknown, "parameter", [*self.defaults, *self.options]))
        self.values = {k: _check_strength(self.name, k, params.get(k, d)) for k, d in self.defaults.items()}
        self.opts = {k: params.get(k, d) for k, d in self.options.items()}
        self._validate()

    def _validate(self):
        pass

    @property
    def params(self) -> dict:
        """Every parameter with its value (for reports)."""
        out = dict(self.values)
        out.update({k: v for k, v in self.opts.items()})
        return out

    def parts(self) -> list["Regularizer"]:
        """The elementary regularizers this one is made of (itself, except for compositions)."""
        return [self]

    def apply(self, obj, sym):  # pragma: no cover - interface
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"


def _need_gan(reg: Regularizer, obj) -> GAN:
    if not isinstance(obj, GAN):
        raise GandynamicsError(
            f"{reg.name} needs a GAN's structure (a discriminator D(x) and data distributions); "
            f"{getattr(obj, 'name', 'this game')!r} is a plain Game — use a game built with GAN(...)")
    return obj


def _sq_grad_norm(g) -> sp.Expr:
    return sp.Add(*[gi**2 for gi in g])


class R1(Regularizer):
    r"""Zero-centred gradient penalty on real data (Mescheder et al. 2018, §4, eq. 9):
    ``L_D += gamma/2 E_{x~p_D} ||grad_x D_psi(x)||^2``.  Dirac-GAN: ``J = [[0, -f'(0)], [f'(0), -gamma]]``,
    eigenvalues ``-gamma/2 ± sqrt(gamma^2/4 - f'(0)^2)`` (M18 Lemma; docs/mathematics.md §1.7)."""

    summary = "zero-centred gradient penalty on real data: L_D += gamma/2 E_pD |grad_x D|^2 (M18 §4)"

    name = "r1"
    stage = "gan"
    defaults = {"gamma": 1.0}

    def _dist(self, gan: GAN):
        return gan.real

    def apply(self, obj, sym):
        gan = _need_gan(self, obj)
        pen = sym["gamma"] / 2 * expectation(self._dist(gan), lambda p: _sq_grad_norm(gan.grad_x_D(p)))
        return gan.with_(penalties=gan.penalties + (pen,), hyper={sym["gamma"]: self.values["gamma"]})


class R2(R1):
    r"""Zero-centred gradient penalty on generated data (M18 §4, eq. 10):
    ``L_D += gamma/2 E_{x~p_theta} ||grad_x D_psi(x)||^2``."""

    summary = "zero-centred gradient penalty on generated data: L_D += gamma/2 E_ptheta |grad_x D|^2 (M18 §4)"

    name = "r2"

    def _dist(self, gan: GAN):
        return gan.fake


class WGANGP(Regularizer):
    r"""WGAN-GP penalty (Gulrajani et al. 2017) on interpolates ``x^ = t x_real + (1 - t) x_fake``,
    ``t ~ U[0, 1]`` (Gauss–Legendre, ``order`` nodes), real and fake independent:
    ``L_D += gamma/2 E (||grad_x D(x^)|| - target)^2``  (Mescheder's ``WGAN_GP`` with ``reg = gamma``).

    For a linear discriminator the field jumps across ``grad_x D = 0`` by ``2 gamma target`` (docs/mathematics.md
    §1.4): no Jacobian exists at the Dirac-GAN's equilibrium, and the analysis says so.  The penalty is written
    ``|g|^2 - 2 target |g| + target^2`` (``g = grad_x D``), so the kink comes with the factor ``target``: with
    ``target = 0`` the field is R1's, smooth, with its exact Jacobian, and the analysis reads it as such
    (:meth:`gandynamics.field.VectorField.nonsmooth_at` drops the kinks that the parameter values remove)."""

    summary = "L_D += gamma/2 E (|grad_x D(x^)| - target)^2 on interpolates (Gulrajani et al. 2017)"

    name = "wgan-gp"
    stage = "gan"
    defaults = {"gamma": 1.0, "target": 1.0}
    options = {"order": 3}

    def apply(self, obj, sym):
        gan = _need_gan(self, obj)
        t_nodes = Uniform(0, 1, order=_order(self)).atoms()
        real, fake = gan.real.atoms(), gan.fake.atoms()
        terms = []
        for wt, (t,) in t_nodes:
            for wr, xr in real:
                for wf, xf in fake:
                    xhat = tuple(t * a + (1 - t) * b for a, b in zip(xr, xf))
                    g = gan.grad_x_D(xhat)
                    norm = sp.Abs(g[0]) if len(g) == 1 else vnorm(*g)  # gradient 0 at g = 0, like sign(0)
                    # (|g| - target)^2 written as |g|^2 - 2 target |g| + target^2, |g|^2 a polynomial: the kink at
                    # g = 0 then comes with the factor target, and a zero target leaves R1's smooth field and its
                    # exact Jacobian (expanded by hand, |g| sign(g) was not g: DF there lost the penalty's gamma)
                    terms.append(wt * wr * wf * (_sq_grad_norm(g) - 2 * sym["target"] * norm + sym["target"] ** 2))
        pen = sym["gamma"] / 2 * sp.Add(*terms)
        note = "WGAN-GP: the field is not differentiable where grad_x D = 0 (docs/mathematics.md §1.4)"
        return gan.with_(penalties=gan.penalties + (pen,), nonsmooth=note,
                         hyper={sym["gamma"]: self.values["gamma"], sym["target"]: self.values["target"]})


class InstanceNoise(Regularizer):
    r"""Instance noise (Sønderby et al. 2017; Arjovsky & Bottou 2017): add independent
    ``N(0, sigma^2 I)`` noise to real and generated samples, expectations by Gauss–Hermite quadrature of
    ``order`` nodes per data dimension.  Dirac-GAN at (0, 0): ``J = [[0, -f'(0)], [f'(0), 2 sigma^2 f''(0)]]``
    (M18 §3; docs/mathematics.md §1.6); exact for any order >= 2 at the equilibrium."""

    summary = "N(0, sigma^2 I) noise on real and fake samples, Gauss-Hermite quadrature (M18 §3)"

    name = "instance-noise"
    stage = "gan"
    defaults = {"sigma": 0.7}
    options = {"order": 8}

    def apply(self, obj, sym):
        gan = _need_gan(self, obj)
        d = len(gan.x)
        noise = Normal([0] * d, sym["sigma"] ** 2, order=_order(self))
        return gan.with_(real=convolve(gan.real, noise), fake=convolve(gan.fake, noise),
                         hyper={sym["sigma"]: self.values["sigma"]})


def _grad(expr, syms):
    return [sp.diff(expr, s) for s in syms]


class NagarajanKolter(Regularizer):
    r"""Nagarajan & Kolter (2017, §4) generator-side penalty: ``L_G += eta ||grad_psi L_D||^2``
    (their ``V + eta ||grad_{theta_D} V||^2``; locuslab code uses eta = 0.5).  At an equilibrium the
    generator block of the Jacobian gains ``-2 eta J_DG^T J_DG`` (docs/mathematics.md §2.2)."""

    summary = "L_G += eta |grad_psi L_D|^2 (Nagarajan & Kolter 2017 §4)"

    name = "nagarajan-kolter"
    stage = "game"
    defaults = {"eta": 0.5}

    def apply(self, obj, sym):
        g = obj.to_game() if isinstance(obj, GAN) else obj
        pen = sym["eta"] * _sq_grad_norm(_grad(g.loss_d, g.psi))
        return g.with_losses(loss_g=g.loss_g + pen, hyper={sym["eta"]: self.values["eta"]})


class JARE(Regularizer):
    r"""Jacobian regularization (Nie & Patel 2019): each player penalises the other's gradient,
    ``L_G += gamma/2 ||grad_psi L_D||^2``, ``L_D += gamma/2 ||grad_theta L_G||^2`` (weilinie/JARE
    ``ops.py``: ``reg_g = 0.5 ||d_grad||^2``, ``reg_d = 0.5 ||g_grad||^2``).  At an equilibrium
    ``J_JARE = (I - gamma J_off^T) J`` (docs/mathematics.md §3.4)."""

    summary = "L_G += gamma/2 |grad_psi L_D|^2, L_D += gamma/2 |grad_theta L_G|^2 (Nie & Patel 2019)"

    name = "jare"
    stage = "game"
    defaults = {"gamma": 1.0}

    def apply(self, obj, sym):
        g = obj.to_game() if isinstance(obj, GAN) else obj
        gam = sym["gamma"]
        pen_g = gam / 2 * _sq_grad_norm(_grad(g.loss_d, g.psi))
        pen_d = gam / 2 * _sq_grad_norm(_grad(g.loss_g, g.theta))
        return g.with_losses(loss_g=g.loss_g + pen_g, loss_d=g.loss_d + pen_d, hyper={gam: self.values["gamma"]})


def _anchor_values(value, who: str) -> list[float]:
    """A Tikhonov anchor: a finite number or finite numbers (text ``a1,a2,...`` or a sequence); ``anchor=x`` ended
    in float()'s ValueError (a traceback at the command line) and ``anchor=nan`` made F NaN."""
    from .validate import vector
    return vector(value, f"{who}: anchor").tolist()


class Tikhonov(Regularizer):
    r"""Tikhonov (weight-decay) term on one player: ``L_p += eps/2 ||p - anchor||^2``, ``p`` the
    generator's (``on="generator"``, default) or the discriminator's parameters; the anchor is 0 unless
    given (a number or a comma-separated list, one entry per parameter).  A non-zero anchor away from the
    equilibrium moves the equilibrium (docs/mathematics.md §4.3)."""

    summary = "L_p += eps/2 |p - anchor|^2 on one player (on=generator|discriminator)"

    name = "tikhonov"
    stage = "game"
    defaults = {"eps": 0.1}
    options = {"on": "generator", "anchor": 0}

    def _validate(self):
        if self.opts["on"] not in ("generator", "discriminator"):
            raise GandynamicsError(f"tikhonov: on must be 'generator' or 'discriminator', got {self.opts['on']!r}")
        _anchor_values(self.opts["anchor"], "tikhonov")

    def _anchor(self, n):
        a = _anchor_values(self.opts["anchor"], "tikhonov")
        given = self.opts["anchor"]
        if len(a) == 1 and (isinstance(given, (numbers.Real, str)) or getattr(given, "ndim", None) == 0):
            return a * n  # one number (or text "0.5"): every entry
        if len(a) != n:
            raise GandynamicsError(f"tikhonov: anchor has {len(a)} entries, the player has {n} parameters")
        return a

    def apply(self, obj, sym):
        g = obj.to_game() if isinstance(obj, GAN) else obj
        player = g.theta if self.opts["on"] == "generator" else g.psi
        anchor = self._anchor(len(player))
        pen = sym["eps"] / 2 * sp.Add(*[(p - a) ** 2 for p, a in zip(player, anchor)])
        h = {sym["eps"]: self.values["eps"]}
        if self.opts["on"] == "generator":
            return g.with_losses(loss_g=g.loss_g + pen, hyper=h)
        return g.with_losses(loss_d=g.loss_d + pen, hyper=h)


class Consensus(Regularizer):
    r"""Consensus optimization (Mescheder, Nowozin & Geiger 2017, §3–4):
    ``v_CO = v - gamma grad(1/2 ||v||^2)``, i.e. ``F_CO = F + gamma DF^T F``.  At an equilibrium
    ``J_CO = J - gamma J^T J``; Dirac-GAN: ``-gamma f'(0)^2 ± i f'(0)`` (docs/mathematics.md §1.5)."""

    summary = "v - gamma grad(1/2 |v|^2), i.e. F + gamma DF^T F (Mescheder et al. 2017)"

    name = "consensus"
    stage = "field"
    defaults = {"gamma": 1.0}

    def transform(self, F: sp.Matrix, z, gamma: sp.Symbol) -> sp.Matrix:
        """``F + gamma DF^T F`` (= the gradient of ``1/2 ||F||^2`` times gamma, added)."""
        from .symdiff import jacobian  # memoised chain rule: fast on large games
        DF = jacobian(list(F), z)
        return F + gamma * (DF.T * F)

    def apply(self, obj, sym):
        raise GandynamicsError("consensus acts on the field: pass it to VectorField / build_field")


class _R1R2(R1):
    r"""Zero-centred gradient penalty on real **and** generated samples, one weight (a part of
    :class:`Asymmetric` with ``penalty="r1+r2"``): ``L_D += gamma/2 (E_{p_D} + E_{p_theta}) ||grad_x D_psi(x)||^2``;
    its Gauss–Newton Gramian at a zero-centred equilibrium is the sum of R1's and R2's (docs/mathematics.md §4.3)."""

    summary = "gamma/2 (E_pD + E_ptheta) |grad_x D|^2 (part of asymmetric, penalty=r1+r2)"
    name = "r1r2"

    def apply(self, obj, sym):
        gan = _need_gan(self, obj)
        sq = lambda p: _sq_grad_norm(gan.grad_x_D(p))
        pen = sym["gamma"] / 2 * (expectation(gan.real, sq) + expectation(gan.fake, sq))
        return gan.with_(penalties=gan.penalties + (pen,), hyper={sym["gamma"]: self.values["gamma"]})


#: the named readings of the asymmetric scheme (docs/mathematics.md §4.3): name -> (tikhonov_on, penalties)
ASYMMETRIC_READINGS = {
    "discriminator-only": ("discriminator", ("r1", "r2", "r1+r2")),   # R-b (default)
    "generator-tikhonov": ("generator", ("r1", "r2", "r1+r2")),       # R-a
    "nk": ("discriminator", ("nk",)),                                 # R-c
}
#: the letters of docs/mathematics.md §4.3, accepted as aliases
_READING_ALIAS = {"R-b": "discriminator-only", "R-a": "generator-tikhonov", "R-c": "nk"}
_READING_LETTER = {v: k for k, v in _READING_ALIAS.items()}


class Asymmetric(Regularizer):
    r"""The asymmetric scheme of Giagtzoglou, Winands & Franci (2026): a Tikhonov term plus a zero-centred
    gradient penalty.  The paper's body was not available; docs/mathematics.md §4.3 reconstructs three
    readings, each selectable by name (``reading=``) or by ``tikhonov_on``/``penalty``:

    * ``reading="discriminator-only"`` (R-b, **the default**; the reading two independent public summaries
      describe): both terms on the discriminator,
      ``F = (grad_theta L, -grad_psi L + eps (psi - anchor) + gamma grad_psi R)``.  At a GAN equilibrium
      ``grad^2_{theta theta} L = 0``, so ``mu_loc = 0``: never strongly monotone there, yet EFTP can converge.
    * ``reading="generator-tikhonov"`` (R-a): Tikhonov ``eps`` on the generator, the penalty on the
      discriminator: ``F = (grad_theta L + eps (theta - anchor), -grad_psi L + gamma grad_psi R)``.
    * ``reading="nk"`` (R-c): weight decay ``eps`` on psi, a zero-centred penalty of the discriminator's
      *parameter* gradient in the generator's loss: ``L_G += gamma/2 ||grad_psi L||^2`` (NK-type, eta = gamma/2).

    ``penalty`` (R-a, R-b): ``r1`` (real data, default), ``r2`` (generated data) or ``r1+r2`` (both, one weight:
    ``R = 1/2 (E_{p_D} + E_{p_theta}) ||grad_x D||^2``, Gramian the sum of both).  The anchor of the Tikhonov
    term is 0 unless given (a number or a comma-separated list); an anchor placed at the equilibrium is an
    oracle choice (it needs z*; a fixed anchor elsewhere moves the equilibrium, docs/mathematics.md §4.3)."""

    summary = ("Tikhonov + zero-centred penalty (after Giagtzoglou et al. 2026, whose body was not available: a "
               "reconstruction, docs/mathematics.md §4.3); reading=discriminator-only (default) | generator-tikhonov | "
               "nk, penalty=r1|r2|r1+r2")

    name = "asymmetric"
    stage = "composite"
    defaults = {"eps": 0.1, "gamma": 1.0}
    options = {"reading": None, "tikhonov_on": None, "penalty": None, "anchor": 0}

    def _validate(self):
        o = self.opts
        names = ", ".join(list(ASYMMETRIC_READINGS) + list(_READING_ALIAS))
        if o["tikhonov_on"] not in (None, "generator", "discriminator"):
            raise GandynamicsError(f"asymmetric: tikhonov_on must be 'generator' or 'discriminator', got {o['tikhonov_on']!r}")
        if o["penalty"] not in (None, "r1", "r2", "r1+r2", "nk"):
            raise GandynamicsError(f"asymmetric: penalty must be r1, r2, r1+r2 or nk, got {o['penalty']!r}")
        reading = o["reading"]
        if reading is not None and not isinstance(reading, str):  # (a list: "unhashable type" from the alias lookup)
            raise GandynamicsError(f"asymmetric: reading must be one of {names}, got {reading!r}")
        if reading is not None:
            reading = _READING_ALIAS.get(reading, reading)
            if reading not in ASYMMETRIC_READINGS:
                raise GandynamicsError(f"asymmetric: unknown reading {o['reading']!r}; accepted: {names}")
        else:
            on = o["tikhonov_on"] or "discriminator"
            if o["penalty"] == "nk":
                reading = "nk"
            else:
                reading = "discriminator-only" if on == "discriminator" else "generator-tikhonov"
        on, pens = ASYMMETRIC_READINGS[reading]
        pen = o["penalty"] or pens[0]
        if o["tikhonov_on"] not in (None, on) or pen not in pens:
            raise GandynamicsError(
                f"asymmetric: tikhonov_on={o['tikhonov_on'] or on}, penalty={pen} is not one of the readings "
                f"(discriminator-only: tikhonov_on=discriminator, penalty r1|r2|r1+r2; generator-tikhonov: "
                f"tikhonov_on=generator, penalty r1|r2|r1+r2; nk: tikhonov_on=discriminator, penalty=nk)")
        o.update(reading=reading, tikhonov_on=on, penalty=pen)
        _anchor_values(o["anchor"], "asymmetric")

    @property
    def letter(self) -> str:
        """The reading's letter in docs/mathematics.md §4.3 (R-a, R-b, R-c)."""
        return _READING_LETTER[self.opts["reading"]]

    def parts(self):
        tik = Tikhonov(eps=self.values["eps"], on=self.opts["tikhonov_on"], anchor=self.opts["anchor"])
        pen = self.opts["penalty"]
        if pen == "nk":
            p = NagarajanKolter(eta=self.values["gamma"] / 2)
        else:
            p = {"r1": R1, "r2": R2, "r1+r2": _R1R2}[pen](gamma=self.values["gamma"])
        return [p, tik]


def _option_key(value):
    """An option's value as a comparable key: numbers however they are written (an anchor ``1``, ``1.0``, ``[1.0]``,
    ``"1"``, ``"(1)"`` or an array is one anchor; an order ``3`` or ``"3"`` one order), other text stripped."""
    from .validate import vector
    if value is None or isinstance(value, (bool, np.bool_)):
        return value
    try:
        return ("numbers", tuple(vector(value, "option").tolist()))
    except GandynamicsError:
        return value.strip() if isinstance(value, str) else repr(value)


def refuse_duplicates(regularizers, what: str = "VectorField") -> None:
    """Refuse a regularizer given twice: two of one class with the same options (they differ at most in their
    strengths), whose term would be added twice (``[R1(gamma=0.3), R1(gamma=0.5)]`` was R1 of strength 0.8, silently,
    with two symbols ``gamma`` and ``gamma_r1``; the command line refused ``--reg r1 --reg r1``).  Two of one class
    with different options are two terms and are taken: ``[Tikhonov(eps=0.2), Tikhonov(eps=0.4,
    on="discriminator")]`` regularizes each player; so is a regularizer beside a composition holding one of its class
    (``[R1(), Asymmetric()]``), which is asked for by name.

    Raises
    ------
    GandynamicsError
        ``"<what>: R1 given twice (R1(gamma=0.3) and R1(gamma=0.5)): its term would be added twice; give one R1 with
        the strength wanted"``.
    """
    seen: dict = {}
    for r in regularizers:
        key = (type(r), tuple(sorted((k, _option_key(v)) for k, v in r.opts.items())))
        first = seen.get(key)
        if first is not None:
            cls = type(r).__name__
            raise GandynamicsError(f"{what}: {cls} given twice ({first!r} and {r!r}): its term would be added twice; "
                                   f"give one {cls} with the strength wanted")
        seen[key] = r


REGULARIZERS: dict[str, type[Regularizer]] = {
    cls.name: cls for cls in (R1, R2, WGANGP, InstanceNoise, Consensus, NagarajanKolter, JARE, Tikhonov, Asymmetric)
}


def make_regularizer(name: str, **params) -> Regularizer:
    """A regularizer by its CLI name (``r1``, ``r2``, ``wgan-gp``, ``instance-noise``, ``consensus``,
    ``nagarajan-kolter``, ``jare``, ``tikhonov``, ``asymmetric``).

    Raises
    ------
    GandynamicsError
        ``name`` not one of :data:`REGULARIZERS` (any value that is no such name, text or not); a parameter the
        regularizer does not take, or of a value it does not accept.
    """
    if not isinstance(name, str) or name not in REGULARIZERS:  # (a list: "unhashable type" from the lookup)
        raise GandynamicsError(choice_refusal(name, "regularizer", REGULARIZERS))
    return REGULARIZERS[name](**params)


_SLUG = {"r1": "r1", "r2": "r2", "wgan-gp": "gp", "instance-noise": "in", "consensus": "co",
         "nagarajan-kolter": "nk", "jare": "jare", "tikhonov": "tik", "asymmetric": "asym"}


def used_strengths(field, values=None) -> list[dict]:
    """Each regularizer's strengths as used with the hyperparameter ``values`` (a mapping name -> value, e.g. the
    ``--param gamma=0.7`` that overrides ``r1``'s declared ``gamma``; default: the declared strengths), one dict per
    regularizer of ``field``, keys as in the regularizer's ``values``.  Reports and provenance print these, not the
    declared defaults, which a header had shown beside the value used."""
    regs = list(getattr(field, "regularizers", []) or [])
    if not regs:
        return []
    values = dict(values or {})
    named = strength_symbols(field.model, regs)
    out = []
    for reg in regs:
        used = dict(reg.values)
        for r, part, sym in named:
            if r is reg:
                for k, s in sym.items():
                    if k in used and s.name in values:
                        used[k] = float(values[s.name])
        out.append(used)
    return out


def strength_symbols(model, regularizers) -> list[tuple[Regularizer, Regularizer, dict]]:
    """``(regularizer, elementary part, {key: sympy symbol})`` for every part, in order.

    Each strength becomes a real sympy symbol named after its key (``gamma``, ``sigma``, ...); when the name
    is taken (by a parameter, a hyperparameter or an earlier part) the later one gets a suffix
    (``gamma_co``, then ``gamma_co2``...)."""
    used = {s.name for s in model.params} | {(s.name if isinstance(s, sp.Symbol) else s) for s in model.hyper}
    out = []
    for reg in regularizers:
        for part in reg.parts():
            slug = _SLUG.get(part.name, part.name)
            sym = {}
            for key in part.defaults:
                name, i = (key if key not in used else f"{key}_{slug}"), 2
                while name in used:
                    name, i = f"{key}_{slug}{i}", i + 1
                used.add(name)
                sym[key] = sp.Symbol(name, real=True)
            out.append((reg, part, sym))
    return out


def stage_regularizers(model, regularizers) -> tuple:
    """The gan and game stages of :func:`apply_regularizers`, without building the final game: returns the
    regularized GAN or Game and the pending field transforms ``[(Consensus, gamma_symbol, default)]``."""
    named = [(part, sym) for _, part, sym in strength_symbols(model, regularizers)]
    obj = model
    for stage in ("gan", "game"):
        for r, sym in named:
            if r.stage == stage:
                obj = r.apply(obj, sym)
    return obj, [(r, sym["gamma"], r.values["gamma"]) for r, sym in named if r.stage == "field"]


def apply_regularizers(model, regularizers) -> tuple[Game, list]:
    """Apply regularizers stage by stage (gan, then game, then field).

    Returns the regularized :class:`Game` and the list of pending field transforms
    ``(Consensus, gamma_symbol)`` for :class:`~gandynamics.field.VectorField`; strengths are named by
    :func:`strength_symbols`.
    """
    obj, pending = stage_regularizers(model, regularizers)
    game = obj.to_game() if isinstance(obj, GAN) else obj
    for _, s, v in pending:
        game = game.with_losses(hyper={s: v})
    return game, [(r, s) for r, s, _ in pending]


class DRAGAN(Regularizer):
    r"""DRAGAN's gradient penalty around perturbed real data (Kodali, Abernethy, Hays & Kira 2017, §5,
    "On Convergence and Stability of GANs", arXiv:1705.07215):
    ``L_D += gamma/2 E_{x~p_D, delta~N(0, sigma^2 I)} (||grad_x D_psi(x + delta)|| - target)^2``.

    The perturbation is Gaussian (the paper's ``N_d(0, cI)``, ``c = sigma^2``), integrated by Gauss–Hermite
    quadrature of ``order`` nodes per data dimension; ``gamma`` and ``sigma`` are strengths (hyperparameters
    of the compiled code), ``target`` (Kodali et al.'s ``k``) and ``order`` are options.  The scaling ``gamma/2`` is that of :class:`WGANGP` (Kodali et al.'s ``lambda`` is
    ``gamma/2``).  With the default ``target = 1`` the field is not differentiable where
    ``grad_x D = 0`` at a quadrature node (the Dirac-GAN's equilibrium, as for WGAN-GP); with
    ``target = 0`` it is a zero-centred penalty on a neighbourhood of the data: on the Dirac-GAN it equals
    R1, on a discriminator ``a x + b x^2/2`` it also damps ``b`` by ``gamma sigma^2``
    (docs/math/losses-and-regularizers.md §3)."""

    summary = ("L_D += gamma/2 E (|grad_x D(x + delta)| - target)^2, x ~ p_D, delta ~ N(0, sigma^2 I) "
               "(Kodali et al. 2017)")

    name = "dragan"
    stage = "gan"
    defaults = {"gamma": 1.0, "sigma": 0.5}
    options = {"target": 1.0, "order": 5}

    def _validate(self):
        self.opts["order"] = _order(self)
        self.opts["target"] = _check_strength(self.name, "target", self.opts["target"])

    def apply(self, obj, sym):
        gan = _need_gan(self, obj)
        d = len(gan.x)
        # x + sigma u, u ~ N(0, I) by Gauss-Hermite (sigma >= 0 enters linearly: no |sigma| in the field)
        unit = Normal([0] * d, 1, order=self.opts["order"]).atoms()
        near = [(wr * wu, tuple(a + sym["sigma"] * b for a, b in zip(xr, u)))
                for wr, xr in gan.real.atoms() for wu, u in unit]
        k = self.opts["target"]
        terms = []
        for w, p in near:
            g = gan.grad_x_D(p)
            if k == 0:  # zero-centred: the squared norm, smooth everywhere
                terms.append(w * _sq_grad_norm(g))
                continue
            norm = sp.Abs(g[0]) if len(g) == 1 else vnorm(*g)
            terms.append(w * (norm - sp.Float(k)) ** 2)
        pen = sym["gamma"] / 2 * sp.Add(*terms)
        hyper = {sym[key]: self.values[key] for key in ("gamma", "sigma")}
        if k != 0:
            note = "DRAGAN: the field is not differentiable where grad_x D = 0 (docs/math/losses-and-regularizers.md §3)"
            return gan.with_(penalties=gan.penalties + (pen,), nonsmooth=note, hyper=hyper)
        return gan.with_(penalties=gan.penalties + (pen,), hyper=hyper)


class LeCam(Regularizer):
    r"""The LeCam regularizer ``R_LC`` (Tseng, Jiang, Liu, Yang & Yang 2021, "Regularizing Generative
    Adversarial Networks under Limited Data", CVPR, eq. (3)):
    ``L_D += gamma (E_{x~p_D} (D(x) - anchor_fake)^2 + E_{x~p_theta} (D(x) - anchor_real)^2)``.

    The paper's anchors are exponential moving averages of the discriminator's outputs on real and on
    generated data; here they are fixed numbers (options ``anchor_real``, ``anchor_fake``: the mean of our
    fakeness logit D on real and on generated data), default 0, their value at an equilibrium where
    ``D = 0`` on both (the stationary regime of the moving averages).  Our D is a fakeness logit, the
    paper's a realness logit: the squares are unchanged, the anchors change sign.  On the Dirac-GAN with
    zero anchors the penalty ``gamma psi^2 theta^2`` is quartic and leaves the spectrum at the equilibrium
    unchanged; with a discriminator bias it damps the bias direction by ``4 gamma``
    (docs/math/losses-and-regularizers.md §4)."""

    summary = ("L_D += gamma (E_pD (D - a_fake)^2 + E_ptheta (D - a_real)^2), anchors fixed "
               "(Tseng et al. 2021)")

    name = "lecam"
    stage = "gan"
    defaults = {"gamma": 0.3}
    options = {"anchor_real": 0.0, "anchor_fake": 0.0}

    def _validate(self):
        for k in ("anchor_real", "anchor_fake"):
            try:
                v = float(self.opts[k])
            except (TypeError, ValueError):
                v = float("nan")
            if not math.isfinite(v):
                raise GandynamicsError(f"lecam: {k} must be a finite number, got {self.opts[k]!r}")
            self.opts[k] = v

    def apply(self, obj, sym):
        gan = _need_gan(self, obj)
        a_real = sp.Float(self.opts["anchor_real"]) if self.opts["anchor_real"] else sp.S.Zero
        a_fake = sp.Float(self.opts["anchor_fake"]) if self.opts["anchor_fake"] else sp.S.Zero
        pen = sym["gamma"] * (expectation(gan.real, lambda p: (gan.D(p) - a_fake) ** 2)
                              + expectation(gan.fake, lambda p: (gan.D(p) - a_real) ** 2))
        return gan.with_(penalties=gan.penalties + (pen,), hyper={sym["gamma"]: self.values["gamma"]})


for _cls in (DRAGAN, LeCam):  # appended to the registry (after the classes defined above)
    REGULARIZERS[_cls.name] = _cls
_SLUG.update({"dragan": "dr", "lecam": "lc"})
__all__ += ["DRAGAN", "LeCam"]


class SGA(Regularizer):
    r"""Symplectic gradient adjustment (Balduzzi et al. 2018, §3; Letcher et al. 2019, Alg. 1), a field
    transform: ``F_SGA = F + gamma A^T F`` with ``A = (DF - DF^T)/2`` the antisymmetric part of DF
    (``gamma`` plays the paper's lambda).  ``align=True``: the sign of gamma follows the alignment rule of
    Letcher et al. 2019, ``sign((1/n) <F, grad H> <A^T F, grad H> + eps)`` with ``H = |F|^2/2``,
    ``grad H = DF^T F`` (so ``F_SGA = F + gamma sign(...) A^T F``; ``eps`` = 0.1 by default, as there).
    At an equilibrium (F = 0) the linearisation is ``DF + gamma A^T DF`` (with sign +1, since the sign's
    argument is ``eps > 0`` there); docs/math/methods.md §1."""

    summary = "F + gamma A^T F, A = (DF - DF^T)/2 (Balduzzi et al. 2018); align: Letcher et al. 2019 sign"

    name = "sga"
    stage = "field"
    defaults = {"gamma": 1.0}
    options = {"align": False, "eps": 0.1}

    def _validate(self):
        a = self.opts["align"]
        if isinstance(a, str):
            if a.strip().lower() not in ("0", "1", "true", "false", "yes", "no"):
                raise GandynamicsError(f"sga: align must be true or false, got {a!r}")
            self.opts["align"] = a.strip().lower() in ("1", "true", "yes")
        elif isinstance(a, (bool, np.bool_)) or (isinstance(a, (int, np.integer)) and a in (0, 1)):
            self.opts["align"] = bool(a)
        else:  # (read by its truth: align=None was False, align=nan and align=[] ... True or False, silently)
            raise GandynamicsError(f"sga: align must be true or false, got {a!r}")
        try:
            eps = float(self.opts["eps"])
        except (TypeError, ValueError):
            raise GandynamicsError(f"sga: eps must be a number > 0, got {self.opts['eps']!r}") from None
        if not (math.isfinite(eps) and eps > 0):
            raise GandynamicsError(f"sga: eps must be a number > 0, got {self.opts['eps']!r}")
        self.opts["eps"] = eps

    def transform(self, F: sp.Matrix, z, gamma: sp.Symbol) -> sp.Matrix:
        """``F + gamma A^T F`` (times the alignment sign when ``align``)."""
        from .symdiff import jacobian
        DF = jacobian(list(F), z)
        A = (DF - DF.T) / 2
        adj = A.T * F
        if not self.opts["align"]:
            return F + gamma * adj
        gH = DF.T * F
        n = len(z)
        s = sp.sign((F.T * gH)[0, 0] * (adj.T * gH)[0, 0] / n + sp.Float(self.opts["eps"]))
        return F + gamma * s * adj

    def apply(self, obj, sym):
        raise GandynamicsError("sga acts on the field: pass it to VectorField / build_field")


REGULARIZERS[SGA.name] = SGA
__all__.append("SGA")
