"""Validation of the arguments of :func:`gandynamics.simulate` and :func:`gandynamics.sweep` (one-line
``GandynamicsError`` naming what is accepted)."""

from __future__ import annotations

import functools
import math
from typing import Mapping

import numpy as np

from ..errors import GandynamicsError, names_refusal
from ..methods import METHODS, get_method, get_methods

__all__ = ["MAX_STEP_EVALUATIONS", "check_step_work", "steps_count", "step_pair", "int_option", "box_bounds", "method_options", "bound_value", "step_index",
           "OPTION_NAMES"]

#: every option some method declares, and ``box``
OPTION_NAMES = frozenset({o.name for m in METHODS.values() for o in m.options} | {"box"})


#: the most field evaluations one step of a method may take: a step runs uninterrupted inside the kernel (Ctrl-C,
#: the progress bar and the chunking act between steps); 10^7 is a few seconds for a small game
MAX_STEP_EVALUATIONS = 10**7


def check_step_work(evals: int, method: str, options: dict) -> None:
    """Refuse a method whose one step would take more than :data:`MAX_STEP_EVALUATIONS` field evaluations
    (altgd with ``n_g=1e18`` ran for ever, with no progress and deaf to Ctrl-C)."""
    if evals > MAX_STEP_EVALUATIONS:
        from ..limits import _count
        counts = ", ".join(f"{k}={v}" for k, v in options.items() if isinstance(v, int) and not isinstance(v, bool)
                           and v > 1)
        raise GandynamicsError(f"one step of {method}{f' ({counts})' if counts else ''} would take {_count(evals)} "
                               f"field evaluations, more than the limit of 10^7 per step (a step cannot be interrupted "
                               f"or shown in progress); ask for fewer sub-steps per step")


def steps_count(steps) -> int:
    """``steps`` as validate.whole reads every count (a whole number >= 1 within int64: 1e308 crashed in numpy)."""
    from ..validate import whole
    return whole(steps, "steps")


def positive(v, what) -> float:
    """A finite number > 0, read as every number of the package is (gandynamics.validate: True is not 1)."""
    from ..validate import positive as _positive
    return _positive(v, what)


def coordinate_steps(field, hg: float, hd: float) -> np.ndarray:
    """The (n,) steps per coordinate of ``field``'s state: ``h_G`` on the generator's ``n_theta`` parameters, ``h_D``
    on the discriminator's (the diagonal of ``H``)."""
    return np.where(np.arange(field.n) < field.n_theta, float(hg), float(hd))


def step_pair(step) -> tuple[float, float]:
    """``h`` or ``(h_G, h_D)`` -> ``(h_G, h_D)``, both positive and finite."""
    if step is None:
        raise GandynamicsError("step is required: a positive number h or a pair (h_G, h_D)")
    if isinstance(step, (tuple, list, np.ndarray)):
        vals = list(np.asarray(step, dtype=object).reshape(-1))
        if len(vals) == 1:
            vals = vals * 2
        if len(vals) != 2:
            raise GandynamicsError(f"step must be a number h or a pair (h_G, h_D), got {step!r}")
        return positive(vals[0], "step h_G"), positive(vals[1], "step h_D")
    h = positive(step, "step")
    return h, h


def int_option(v, what, lo=1) -> int:
    """A whole number >= lo, read by gandynamics.validate.whole (True is not 1; within int64)."""
    from ..validate import whole
    return whole(v, what, lo=lo)


def box_bounds(fld, box) -> np.ndarray | None:
    """``box`` as an ``(n, 2)`` array of bounds (``-inf``/``inf`` where free) or None."""
    if box is None:
        return None
    out = np.empty((fld.n, 2))
    out[:, 0], out[:, 1] = -np.inf, np.inf
    if isinstance(box, Mapping):
        for name, lohi in box.items():
            if name not in fld.names:
                raise GandynamicsError(f"box: unknown parameter {name!r}; accepted: {', '.join(fld.names)}")
            try:
                lo, hi = (float(x) for x in lohi)
            except (TypeError, ValueError):
                raise GandynamicsError(f"box: {name} needs a pair (lo, hi), got {lohi!r}") from None
            out[fld.names.index(name)] = lo, hi
    else:
        try:
            arr = np.asarray(box, dtype=float)
        except (TypeError, ValueError):
            raise GandynamicsError("box must be an (n, 2) array of bounds or a dict name -> (lo, hi)") from None
        if arr.shape != (fld.n, 2):
            raise GandynamicsError(f"box must have shape ({fld.n}, 2) (one (lo, hi) per parameter), got {arr.shape}")
        out[:] = arr
    if np.any(np.isnan(out)):  # (said as "lo <= hi" before: a review)
        raise GandynamicsError("box: a bound is NaN; each bound is a number, -inf or inf (no bound)")
    if np.any(out[:, 0] > out[:, 1]):
        raise GandynamicsError("box: each bound pair must satisfy lo <= hi (use -inf/inf for no bound)")
    return out


def unknown_options(unknown, m) -> str:
    """The refusal of options no method declares, given to the method ``m``: the options ``m`` takes (all methods'
    options listed at once, 18 of them, for a misspelt ``betta`` given to gd), and for each unknown name the known
    ones it is a near miss of, with the methods that take them."""
    import difflib
    own = sorted(set(m.option_names) | ({"box"} if m.projection else set()))
    hints = []
    for k in sorted(unknown):
        if k == "options":  # (rates and classify take a dict options=; simulate and sweep keywords: a new user's trial)
            hints.append("options: simulate and sweep take a method's options as keywords (simulate(..., beta=-0.5)), "
                         "not as a dict options={...} (which rates and classify take)")
            continue
        mine = difflib.get_close_matches(k, own, n=1, cutoff=0.6)  # (beta3 to adam: beta1, its own, before beta)
        if mine:
            hints.append(f"{k}: did you mean {mine[0]}?")
            continue
        for near in difflib.get_close_matches(k, sorted(OPTION_NAMES), n=1, cutoff=0.6):
            users = sorted(x.name for x in METHODS.values() if near in x.option_names or near == "box" and x.projection)
            hints.append(f"{k}: did you mean {near} ({', '.join(users) if len(users) <= 4 else 'the discrete methods'}"
                         f"{' take' if len(users) > 1 else ' takes'} it)?")
    return names_refusal(unknown, "option", own, of=f"for {m.name}", near=False) + (f"; {' '.join(hints)}" if hints else "")


def method_options(fld, method, options: dict, strict: bool = True, check_when: bool = True) -> dict:
    """Validate the keyword options for ``method``: returns its normalised options (defaults filled in)
    plus ``box`` (an ``(n, 2)`` array or None) and ``extra`` (the given options it does not take).  ``check_when``:
    refuse an option given where its condition is false (:meth:`~gandynamics.methods.base.Method.normalise`; a sweep of
    several methods checks that across them)."""
    unknown = {k for k in options if k not in OPTION_NAMES}
    m = get_method(method)
    if unknown:
        raise GandynamicsError(unknown_options(unknown, m))
    given = {k for k, v in options.items() if v is not None}
    extra = given - set(m.option_names) - ({"box"} if m.projection else set())
    out = m.normalise(fld, {k: v for k, v in options.items() if k in m.option_names}, check_when=check_when)
    out["box"] = box_bounds(fld, options.get("box"))
    if not m.projection and out["box"] is not None:
        raise GandynamicsError(f"box (projection) applies to the discrete methods, not to {m.name}")
    if m.name == "momentum" and out["alternating"] and ({"n_g", "n_d"} & given) and \
            (options.get("n_g", 1) != 1 or options.get("n_d", 1) != 1):
        raise GandynamicsError("alternating momentum takes one step per player (n_g = n_d = 1)")
    out["extra"] = extra
    return out


def shared_options(fld, methods, options: dict) -> list[dict]:
    """The options each of ``methods`` (names or Methods) is given when they share ``options`` (a sweep of
    momentum and lookahead with one ``beta``, a portrait of several methods): those it declares and that apply to it
    (:attr:`~gandynamics.methods.base.Option.when`); an option given that applies to none of them is refused in one
    line (it would do nothing).  Options no method declares are left to the caller's own refusal."""
    ms = get_methods(methods)
    given = [k for k, v in options.items() if v is not None]
    out, why = [], {}
    for m in ms:
        own = {k: v for k, v in options.items() if k in m.option_names and v is not None}
        bad = dict(m.inapplicable(m.normalise(fld, own, check_when=False), list(own)))
        for k, w in bad.items():
            why.setdefault(k, w)
        out.append({k: v for k, v in own.items() if k not in bad})
    for k in given:
        if k in why and not any(k in o for o in out):
            raise GandynamicsError(f"{k} applies only {why[k]}; leave it out")
    return out


def step_index(K, record_every) -> np.ndarray:
    e = int_option(record_every, "record_every")
    idx = np.arange(0, K + 1, e, dtype=np.int64)
    if idx[-1] != K:
        idx = np.append(idx, K)
    return idx


def sample_steps(K: int, samples: int) -> np.ndarray:
    """The ``min(samples, K + 1)`` steps of ``[0, K]`` where a run records the distances its rate and verdict are
    read from (a sweep's ``samples``, a simulation's ``READ_SAMPLES``): ``0``, ``K``, and one step in each of the
    ``samples - 2`` equal runs of whole steps that partition ``[1, K - 1]``, at a fixed pseudo-random position
    within it (:func:`jitter`: the same steps for the same ``K`` and ``samples``, every time); every step when
    ``samples >= K + 1``.  Increasing, without repeats, int64.

    Why not equally spaced: an orbit (alternating GD on a bilinear game, a limit cycle) seen at a constant stride
    ``s`` whose angle per step ``theta`` has ``s theta`` close to a multiple of ``pi`` (the distance's period in
    the phase) is a slow wave in the samples, and a slow wave's falling side reads as a convergence
    (``gandynamics sweep bilinear --method altgd --step 1.52 --steps 1280`` read "converging" at a measured rate
    0.9988 on an orbit of spectral radius 1).  A position drawn anew in each run of steps spreads the phases of
    the samples of any orbit whose period is shorter than the runs, so the samples show the orbit's whole range.

    A count whose arrays would not fit in memory is refused before any is made
    (:func:`gandynamics.limits.check_array`: ``samples=10**12`` ran ``linspace`` on it)."""
    S = min(int(samples), K + 1)
    return _sample_steps_kept(int(K), S).copy() if S <= 4096 else _sample_steps(int(K), S)


@functools.lru_cache(maxsize=64)
def _sample_steps_kept(K: int, S: int) -> np.ndarray:
    """:func:`_sample_steps`, made once per ``(K, S)`` (0.2 ms of a sweep's serial time)."""
    return _sample_steps(K, S)


def _sample_steps(K: int, S: int) -> np.ndarray:
    """:func:`sample_steps` of ``S <= K + 1`` samples."""
    from ..limits import check_array
    check_array((S,), "the recording steps of the rate fit (samples)", copies=3)  # edges, widths, steps
    if S >= K + 1:
        return np.arange(K + 1, dtype=np.int64)
    if S <= 2:
        return np.unique(np.array([0, K], dtype=np.int64))
    m = S - 2  # interior samples, one in each run [e_i, e_{i+1}) of whole steps; the runs partition [1, K - 1]
    edges = 1 + np.floor(np.arange(m + 1) * ((K - 1) / m)).astype(np.int64)
    edges[-1] = K  # (exact, whatever the rounding of the quotient)
    width = np.diff(edges)  # >= 1: m <= K - 1
    inner = edges[:-1] + np.minimum(np.floor(jitter(m) * width).astype(np.int64), width - 1)
    return np.concatenate([np.zeros(1, np.int64), inner, np.full(1, K, np.int64)])


def jitter(m: int) -> np.ndarray:
    """``m`` numbers in ``[0, 1)``, the same every call: splitmix64's output function (Steele, Lea & Flood 2014)
    applied to ``i + 0x9E3779B97F4A7C15`` for ``i = 0 .. m - 1``, its top 53 bits over ``2^53`` (the generator proper
    would feed ``(i + 1) 0x9E3779B97F4A7C15``: the values differ, the purpose, fixed well-spread numbers, is the
    same); integer arithmetic, so the same on every machine and numpy version."""
    z = np.arange(m, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 2.0**53)


def bound_value(bound) -> float:
    """The divergence bound: a number > 0, inf allowed (gandynamics.validate: True is not 1)."""
    from ..validate import positive as _positive
    return _positive(bound, "bound", allow_inf=True)
