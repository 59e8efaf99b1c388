"""The built-in games and the registry the CLI reads.

Each entry of :data:`GAMES` is a :class:`GameSpec`: a factory, its parameters with defaults (passed with
``--param key=value``), whether it takes a GAN loss (``--loss``), a one-line description and its source.  Each
factory is also this package's attribute of the game's name with ``_`` for ``-`` (``games.dirac_nd``,
``games.hopf``), which :func:`make_game` builds by name.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

from ..errors import GandynamicsError, choice_refusal, names_refusal
from .bilinear import bilinear
from .data_line import data_line
from .dirac import dirac, dirac_nd
from .gaussian_mean import gaussian_mean
from .hopf import hopf, hopf_normal_form
from .jare_gaussian import jare_gaussian
from .lq_wgan import lq_wgan
from .mlp import mlp, mlp_equilibrium
from .nk_scale import nk_scale
from .quadratic import quadratic, quadratic_sga

__all__ = ["GameSpec", "GAMES", "register", "make_game", "dirac", "dirac_nd", "bilinear", "quadratic",
           "quadratic_sga", "nk_scale", "jare_gaussian", "gaussian_mean", "lq_wgan", "mlp", "mlp_equilibrium",
           "data_line", "hopf", "hopf_normal_form"]


@dataclass(frozen=True)
class GameSpec:
    name: str
    factory: Callable
    description: str
    source: str
    params: dict = field(default_factory=dict)

    @property
    def takes_loss(self) -> bool:
        return "loss" in inspect.signature(self.factory).parameters


GAMES: dict[str, GameSpec] = {}


def register(name: str, factory: Callable, description: str, source: str) -> GameSpec:
    """Register a built-in game; its parameters and defaults are read from the factory's signature."""
    sig = inspect.signature(factory)
    params = {k: p.default for k, p in sig.parameters.items() if k != "loss"}
    spec = GameSpec(name, factory, description, source, params)
    GAMES[name] = spec
    return spec


def _coerce(default, value, key, game, kind=None):
    """A ``--param`` value (text) converted like the parameter's default (:func:`gandynamics.validate.like_default`:
    booleans ``true``/``false``, whole numbers, numbers, vectors ``v1,v2,...``), or by the factory's declared
    ``param_kinds`` (``"matrix"``: a number or rows ``a,b;c,d``)."""
    from ..validate import like_default, matrix
    if kind == "matrix":
        m = matrix(value, f"{game}: parameter {key}")
        return float(m[0, 0]) if m.shape == (1, 1) else m
    if isinstance(value, str):
        return like_default(default, value, f"{game}: parameter {key}")
    return value


def make_game(name: str, loss: str | None = None, **params):
    """Build a registered game by name (``dirac``, ``dirac-nd``, ``bilinear``, ...).

    Raises
    ------
    GandynamicsError
        ``name`` not the name of a registered game (any value that is none, text or not), a parameter the game does
        not take, or one of a value it does not accept.
    """
    if not isinstance(name, str) or name not in GAMES:  # (a list: "unhashable type" from the lookup)
        raise GandynamicsError(choice_refusal(name, "game", GAMES, also="or --game FILE.py:FACTORY"))
    spec = GAMES[name]
    unknown = set(params) - set(spec.params)
    if unknown:
        raise GandynamicsError(f"{name}: " + names_refusal(unknown, "parameter", spec.params)
                               + (f"; defaults: {', '.join(f'{k}={v}' for k, v in spec.params.items())}"
                                  if spec.params else ""))
    kinds = getattr(spec.factory, "param_kinds", {})
    kwargs = {k: _coerce(spec.params[k], v, k, name, kinds.get(k)) for k, v in params.items()}
    if loss is not None:
        if not spec.takes_loss:
            raise GandynamicsError(f"{name} is not a GAN and takes no --loss")
        kwargs["loss"] = loss
    return with_origin(spec.factory(**kwargs), name, {**spec.params, **kwargs})


def game_label(field) -> str:
    """The game's name as texts and figures show it: with the arguments its factory was given beyond their defaults
    (``"dirac-nd(d=3)"``; ``--param d=3`` appeared in no header or title), those that are also the field's
    hyperparameters left to where the hyperparameters are shown.  A field's ``label`` attribute, when set (the
    command line sets it for a user factory's arguments, whose defaults the game does not record), is taken as it
    is; the name alone stays the game's identifier (JSON, provenance)."""
    label = getattr(field, "label", None)
    if label:
        return label
    name = getattr(field, "name", None) or "game"
    model = getattr(field, "model", None) or field
    origin = getattr(model, "origin", None) or {}
    spec = GAMES.get(origin.get("factory"))
    if spec is None:
        return name
    hyper = getattr(field, "defaults", {}) or {}
    args = {k: v for k, v in (origin.get("arguments") or {}).items()
            if k in spec.params and k not in hyper and not _same(v, spec.params[k])}
    return f"{name}({', '.join(f'{k}={_arg_text(v)}' for k, v in args.items())})" if args else name


def _arg_text(v) -> str:
    """A factory's argument as a label shows it: numbers as %g, matrices as nested lists of them."""
    import numpy as np
    if isinstance(v, (list, tuple, np.ndarray)):
        a = np.asarray(v, dtype=float)
        return "[" + ", ".join(_arg_text(x) for x in a) + "]" if a.ndim else _arg_text(float(a))
    if isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
        return f"{float(v):zg}"
    return str(v)


def _same(a, b) -> bool:
    """Whether a factory's argument equals its default (numbers, matrices given as lists or text alike)."""
    try:
        import numpy as np
        return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))
    except (TypeError, ValueError):
        return a == b


def with_origin(game, factory: str, arguments: dict, **extra):
    """``game`` marked with the factory and the arguments it was made with (its ``origin``: the provenance of every
    result records them, so that a table can be made again; a game the factory returned with an origin keeps it);
    ``extra`` entries are recorded too (a game file's path and digest)."""
    if getattr(game, "origin", None) or not hasattr(game, "origin"):
        return game
    import copy
    game = copy.copy(game)  # (a shallow copy: a factory that returns one shared game keeps it unmarked)
    object.__setattr__(game, "origin", {"factory": factory, "arguments": dict(arguments), **extra})
    return game


register("dirac", dirac, "Dirac-GAN: p_theta = delta_theta, D(x) = psi x, data delta_0",
         "Mescheder, Geiger & Nowozin 2018, §2.2")
register("dirac-nd", dirac_nd, "Dirac-GAN in d dimensions (parameter d)", "Mescheder et al. 2018, §2.2 (d-dim.)")
register("bilinear", bilinear, "min_x max_y x^T B y (B a number or matrix)", "docs/mathematics.md §5.5; Gidel et al. 2019")
register("quadratic", quadratic, "min_x max_y a/2 x^2 + b x y - c/2 y^2 (a, b, c hyperparameters)",
         "docs/mathematics.md §6")
register("quadratic-sga", quadratic_sga, "the SGA example: quadratic with a = c = 1, b = 10",
         "Balduzzi et al. 2018 (SGA); docs/mathematics.md §6.2")
register("nk-scale", nk_scale, "scale learning: G(z) = a z, D(x) = w x^2, x, z ~ U[-1,1] (Gauss-Legendre); state (a, w)",
         "Nagarajan & Kolter 2017; docs/mathematics.md §2.3")
register("jare-gaussian", jare_gaussian,
         "data N(v, sigma^2 I_n), G = phi + z, z ~ N(0, sigma^2 I_n), D = theta^T x (Gauss-Hermite)",
         "Nie & Patel 2019, eq. (3); docs/mathematics.md §3.1-3.2")
register("gaussian-mean", gaussian_mean, "linear WGAN learning the mean of N(v, I): G = z + theta, D = <w, x>",
         "Daskalakis et al. 2018; docs/mathematics.md §6")
register("lq-wgan", lq_wgan, "data N(m, s^2), G = a z + b, D = w1 x + w2 x^2 (m, s hyperparameters); "
         "an assumed academic example for the asymmetric scheme, not the paper's",
         "docs/mathematics.md §4.5, §6 (assumed example; Giagtzoglou et al. 2026's own was not available)")
register("mlp", mlp, "affine generator vs one-hidden-layer tanh discriminator of width k on 1-D/2-D data atoms",
         "gandynamics scaling benchmark (studies/bench_scaling.py); equilibrium manifold in the module docstring")
register("data-line", data_line, "data atoms on the x1-axis of the plane, D(x) = psi . x, generator translating along the line (leave_line: also across)",
         "docs/math/r1-data-manifold.md; Mescheder et al. 2018, §4 (R1 and the data manifold)")
register("hopf", hopf, "the Hopf normal form as a general-sum game (hyperparameter beta crosses a Hopf at 0)",
         "Kuznetsov 2004, Elements of Applied Bifurcation Theory, §3.4; docs/math/bifurcations.md §2.3")
