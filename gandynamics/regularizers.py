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
from typing import ClassVar

import sympy as sp

from .distributions import Normal, Uniform, convolve, expectation
from .errors import GandynamicsError
from .game import GAN, Game
from .losses import vnorm

__all__ = [
    "Regularizer", "R1", "R2", "WGANGP", "InstanceNoise", "Consensus", "NagarajanKolter", "JARE",
    "Tikhonov", "Asymmetric", "REGULARIZERS", "make_regularizer", "apply_regularizers", "strength_symbols",
]


def _check_strength(name: str, key: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{name}: {key} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v < 0:
        raise GandynamicsError(f"{name}: {key} must be a finite number >= 0, got {value!r}")
    return v


class Regularizer:
    """Base class. Subclasses set ``name``, ``stage``, ``defaults`` (strength name -> default value)
    and implement ``apply(obj, sym)`` where ``sym`` maps each strength name to its sympy symbol."""

    name: ClassVar[str] = ""
    #: one line for `gandynamics list`
    summary: ClassVar[str] = ""
    stage: ClassVar[str] = "game"
    defaults: ClassVar[dict] = {}
    #: options that are not numeric strengths (strings, orders); never symbols
    options: ClassVar[dict] = {}

    def __init__(self, **params):
        unknown = set(params) - set(self.defaults) - set(self.options)
        if unknown:
            accepted = ", ".join(list(self.defaults) + list(self.options)) or "none"
            raise GandynamicsError(f"{self.name}: unknown parameter(s) {', '.join(sorted(unknown))}; accepted: {accepted}")
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

    For a linear discriminator the field jumps across ``grad_x D = 0`` (docs/mathematics.md §1.4): no Jacobian
    exists at the Dirac-GAN's equilibrium, and the analysis says so."""

    summary = "L_D += gamma/2 E (|grad_x D(x^)| - target)^2 on interpolates (Gulrajani et al. 2017)"

    name = "wgan-gp"
    stage = "gan"
    defaults = {"gamma": 1.0, "target": 1.0}
    options = {"order": 3}

    def apply(self, obj, sym):
        gan = _need_gan(self, obj)
        t_nodes = Uniform(0, 1, order=int(self.opts["order"])).atoms()
        real, fake = gan.real.atoms(), gan.fake.atoms()
        terms = []
        for wt, (t,) in t_nodes:
            for wr, xr in real:
                for wf, xf in fake:
                    xhat = tuple(t * a + (1 - t) * b for a, b in zip(xr, xf))
                    g = gan.grad_x_D(xhat)
                    norm = sp.Abs(g[0]) if len(g) == 1 else vnorm(*g)  # gradient 0 at g = 0, like sign(0)
                    terms.append(wt * wr * wf * (norm - sym["target"]) ** 2)
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
        noise = Normal([0] * d, sym["sigma"] ** 2, order=int(self.opts["order"]))
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

    def _anchor(self, n):
        a = self.opts["anchor"]
        if isinstance(a, str):
            a = [float(v) for v in a.split(",")] if "," in a else float(a)
        if isinstance(a, (int, float)):
            return [float(a)] * n
        a = [float(v) for v in a]
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


class Asymmetric(Regularizer):
    r"""The asymmetric scheme of Giagtzoglou, Winands & Franci (2026): a Tikhonov term on one player plus
    a zero-centred gradient penalty.  The paper's body was not available; docs/mathematics.md §4.3 reconstructs three
    readings, all covered:

    * (R-a) ``tikhonov_on=generator, penalty=r1`` (default): ``F = (grad_theta L + eps theta,
      -grad_psi L + gamma grad_psi R1)``.
    * (R-b) ``tikhonov_on=discriminator, penalty=r1`` (or ``r2``): both terms on the discriminator.
    * (R-c) ``tikhonov_on=discriminator, penalty=nk``: ``L_G += gamma/2 ||grad_psi L||^2`` (NK-type with
      ``eta = gamma/2``), weight decay ``eps`` on psi.

    The anchor of the Tikhonov term is 0 unless given."""

    summary = "Tikhonov on one player + zero-centred penalty (Giagtzoglou et al. 2026; docs/mathematics.md §4.3)"

    name = "asymmetric"
    stage = "composite"
    defaults = {"eps": 0.1, "gamma": 1.0}
    options = {"tikhonov_on": "generator", "penalty": "r1", "anchor": 0}

    def _validate(self):
        if self.opts["tikhonov_on"] not in ("generator", "discriminator"):
            raise GandynamicsError(f"asymmetric: tikhonov_on must be 'generator' or 'discriminator', got {self.opts['tikhonov_on']!r}")
        if self.opts["penalty"] not in ("r1", "r2", "nk"):
            raise GandynamicsError(f"asymmetric: penalty must be r1, r2 or nk, got {self.opts['penalty']!r}")

    def parts(self):
        tik = Tikhonov(eps=self.values["eps"], on=self.opts["tikhonov_on"], anchor=self.opts["anchor"])
        pen = self.opts["penalty"]
        if pen == "nk":
            p = NagarajanKolter(eta=self.values["gamma"] / 2)
        else:
            p = (R1 if pen == "r1" else R2)(gamma=self.values["gamma"])
        return [p, tik]


REGULARIZERS: dict[str, type[Regularizer]] = {
    cls.name: cls for cls in (R1, R2, WGANGP, InstanceNoise, Consensus, NagarajanKolter, JARE, Tikhonov, Asymmetric)
}


def make_regularizer(name: str, **params) -> Regularizer:
    """A regularizer by its CLI name (``r1``, ``r2``, ``wgan-gp``, ``instance-noise``, ``consensus``,
    ``nagarajan-kolter``, ``jare``, ``tikhonov``, ``asymmetric``)."""
    if name not in REGULARIZERS:
        raise GandynamicsError(f"unknown regularizer {name!r}; accepted: {', '.join(REGULARIZERS)}")
    return REGULARIZERS[name](**params)


_SLUG = {"r1": "r1", "r2": "r2", "wgan-gp": "gp", "instance-noise": "in", "consensus": "co",
         "nagarajan-kolter": "nk", "jare": "jare", "tikhonov": "tik", "asymmetric": "asym"}


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


def apply_regularizers(model, regularizers) -> tuple[Game, list]:
    """Apply regularizers stage by stage (gan, then game, then field).

    Returns the regularized :class:`Game` and the list of pending field transforms
    ``(Consensus, gamma_symbol)`` for :class:`~gandynamics.field.VectorField`; strengths are named by
    :func:`strength_symbols`.
    """
    named = [(part, sym) for _, part, sym in strength_symbols(model, regularizers)]
    obj = model
    for stage in ("gan", "game"):
        for r, sym in named:
            if r.stage == stage:
                obj = r.apply(obj, sym)
    game = obj.to_game() if isinstance(obj, GAN) else obj
    pending = [(r, sym["gamma"], r.values["gamma"]) for r, sym in named if r.stage == "field"]
    for _, s, v in pending:
        game = game.with_losses(hyper={s: v})
    return game, [(r, s) for r, s, _ in pending]


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
            if a.lower() not in ("0", "1", "true", "false", "yes", "no"):
                raise GandynamicsError(f"sga: align must be true or false, got {a!r}")
            self.opts["align"] = a.lower() in ("1", "true", "yes")
        else:
            self.opts["align"] = bool(a)
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
