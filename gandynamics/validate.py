"""One validation vocabulary for the library and the command line.

Every check on a value a user gave (a keyword of the Python API or an option of the CLI) goes through one
of these functions, so that the same kind of value is accepted by the same rule and refused with the same
sentence wherever it is given: ``--param gamma=-1`` and ``--reg r1:gamma=-1`` are one rule
(:func:`strength`), ``--seed``, ``steps``, ``order`` and ``--workers`` are one rule (:func:`whole`).

Each function takes the value (a Python object or the text typed on the command line) and ``what`` (how
the user named it, e.g. ``"--steps"`` or ``"r1: gamma"``), returns the value converted, and otherwise raises
:class:`~gandynamics.errors.GandynamicsError` with one line: what was wrong and what is accepted::

    >>> whole("1e3", "--steps")
    1000
    >>> whole("2.5", "--steps")
    Traceback (most recent call last):
    ...
    gandynamics.errors.GandynamicsError: --steps must be a whole number >= 1, got '2.5'

Accepted spellings (text): numbers as Python's ``float`` reads them (``1e3``, ``-0.5``, ``inf`` where
infinity is allowed); booleans ``true``/``false`` (any case); vectors ``v1,v2,...`` (optionally in
parentheses or brackets: ``(1,2)``, ``[1,2]``); matrices ``a,b;c,d`` (rows separated by ``;``) or nested
brackets ``[[a,b],[c,d]]``.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Iterable

import numpy as np

from .errors import GandynamicsError, accepted_text, choice_refusal, names_refusal, quoted  # noqa: F401 (re-exported)

__all__ = ["whole", "real", "finite", "positive", "nonnegative", "probability", "strength", "boolean", "optional_flag", "field",
           "vector", "matrix", "choice", "choice_refusal", "accepted_text", "name_list", "split_names", "like_default", "describe_default"]


_got = quoted  # (the value refused, as refusals quote it)


def plain_float(text) -> float:
    """``float(text)`` without Python's digit-group underscores (``--step 1_0`` was read as 10): ValueError for them,
    as ``float`` raises for any other malformed text.  Every number the command line reads goes through it."""
    if isinstance(text, str) and "_" in text:
        raise ValueError(f"not a number: {text!r}")
    return float(text)


def _as_float(value, what: str, accepted: str) -> float:
    """``value`` as a float (numbers, numpy scalars, text), refusing booleans, None and the rest."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    if isinstance(value, str):
        text = value.strip()
        try:
            return plain_float(text)
        except ValueError:
            raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}") from None
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0
                                           and value.dtype.kind in "fiu"):
        return float(value)
    # sympy numbers and other objects that convert exactly
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}") from None
    if isinstance(value, complex):  # pragma: no cover - float(complex) raises already
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    return f


#: a whole number written out in digits (read by int(), not through a float)
_INTEGER = re.compile(r"[+-]?[0-9]+")

#: the largest whole number any count may have (numpy's and numba's int64)
INT64_MAX = 2**63 - 1


def whole(value, what: str, lo: int | None = 1, hi: int | None = None) -> int:
    """A whole number in ``[lo, hi]`` (``1e3`` and ``3.0`` are whole; ``2.5``, ``inf``, ``true`` are not).

    Raises
    ------
    GandynamicsError
        ``"<what> must be a whole number >= <lo>, got <value>"`` (or ``between lo and hi``).
    """
    bounds = (f" between {lo} and {hi}" if lo is not None and hi is not None
              else f" >= {lo}" if lo is not None else f" <= {hi}" if hi is not None else "")
    accepted = f"a whole number{bounds}"
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        v = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):  # exactly: a float holds 53 bits (--seed
        v = int(value.strip())  # 2^53 + 1 drew the points of 2^53; --steps 2^63 - 2 was refused as beyond 2^63 - 1)
    else:
        f = _as_float(value, what, accepted)
        if not math.isfinite(f) or not f.is_integer():
            raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
        v = int(f)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    if abs(v) > INT64_MAX:  # every count ends in numpy or a compiled kernel (int64): 1e308 crashed there
        span = f"between {lo} and 2^63 - 1" if lo is not None else "between -(2^63 - 1) and 2^63 - 1"
        raise GandynamicsError(f"{what} must be a whole number {span} (a 64-bit integer), got {_got(value)}")
    return v


def real(value, what: str, *, lo: float | None = None, hi: float | None = None, lo_open: bool = False,
         hi_open: bool = False, allow_inf: bool = False) -> float:
    """A real number, finite unless ``allow_inf``, in the interval given by ``lo``/``hi`` (closed unless
    ``lo_open``/``hi_open``).  NaN is never accepted."""
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '>='} {lo:zg}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '<='} {hi:zg}")
    accepted = ("a number" if allow_inf else "a finite number") + (" " + " and ".join(parts) if parts else "")
    if allow_inf:
        accepted += " (inf allowed)"
    f = _as_float(value, what, accepted)
    if math.isnan(f) or (math.isinf(f) and not allow_inf):
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    if lo is not None and (f < lo or (lo_open and f == lo)):
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    if hi is not None and (f > hi or (hi_open and f == hi)):
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    return f


def finite(value, what: str) -> float:
    """A finite real number."""
    return real(value, what)


def positive(value, what: str, allow_inf: bool = False) -> float:
    """A real number ``> 0`` (finite unless ``allow_inf``)."""
    return real(value, what, lo=0.0, lo_open=True, allow_inf=allow_inf)


def nonnegative(value, what: str) -> float:
    """A finite real number ``>= 0``."""
    return real(value, what, lo=0.0)


def probability(value, what: str) -> float:
    """A number in ``[0, 1]``."""
    return real(value, what, lo=0.0, hi=1.0)


def strength(value, what: str) -> float:
    """A regularizer strength (gamma, sigma, eta, eps, ...): a finite number ``>= 0``.

    The one rule for a strength however it is set: as a regularizer option (``--reg r1:gamma=0.3``,
    ``R1(gamma=0.3)``) or as a hyperparameter value (``--param gamma=0.3``, ``params={"gamma": 0.3}``).
    """
    return real(value, what, lo=0.0)


_TRUE, _FALSE = {"true"}, {"false"}


def optional_flag(value, what: str = "progress", accepted: str = "True, False or None"):
    """``True``, ``False`` or ``None`` (the keywords such as ``progress`` whose ``None`` means "decide for me"), checked
    before any work: any other value was read by its truth (``progress="no"`` showed a bar).  ``accepted`` is what
    the message says the keyword takes ("progress must be True, False or None, got 'no'": one list of what is taken,
    not "(... or a function) must be true or false")."""
    if value is None:
        return None
    try:
        return boolean(value, what)
    except GandynamicsError:
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}") from None


def callback(fn, what: str, call: str, nargs: int, or_none: bool = False):
    """``fn`` when it is a function that can be called with ``nargs`` positional arguments (``call`` shows how it
    is called, e.g. ``progress(done, total)``); otherwise a GandynamicsError before any work (a function of another
    arity raised a TypeError from inside the run, after its first chunk; ``or_none``: the message says None is
    accepted too).  Callables whose signature Python cannot read (some builtins) are taken as they are."""
    import inspect
    if not callable(fn):
        raise GandynamicsError(f"{what} must be a function called as {call}{', or None' if or_none else ''}; "
                               f"got {_got(fn)}")
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn
    try:
        sig.bind(*range(nargs))
    except TypeError:
        raise GandynamicsError(f"{what} must be a function called as {call} ({nargs} positional arguments); "
                               f"got {getattr(fn, '__qualname__', type(fn).__name__)}{sig}") from None
    return fn


def boolean(value, what: str) -> bool:
    """``True``/``False`` (Python or numpy booleans) or the text ``true``/``false`` (any case)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        t = value.strip().lower()
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
    raise GandynamicsError(f"{what} must be true or false, got {_got(value)}")


def _strip_brackets(text: str) -> str:
    t = text.strip()
    while len(t) >= 2 and (t[0], t[-1]) in (("(", ")"), ("[", "]")):
        t = t[1:-1].strip()
    return t


def vector(value, what: str, n: int | None = None, names: Iterable[str] | None = None,
           allow_inf: bool = False) -> np.ndarray:
    """A vector of ``n`` finite numbers (any length if ``n`` is None): text ``v1,v2,...`` (optionally in
    parentheses or brackets), or a sequence / array.  Returns a float array of shape ``(n,)``."""
    names = list(names) if names is not None else None
    count = f"{n} " if n is not None else ""
    hint = f" ({', '.join(names)})" if names else ""
    fmt = ",".join(f"v{i + 1}" for i in range(min(n, 3))) + (",..." if n > 3 else "") if n else "v1,v2,..."
    accepted = f"{count}comma-separated numbers {fmt}{hint}"
    if isinstance(value, str):
        t = _strip_brackets(value)
        items = [s for s in t.split(",")]
        if t == "" or any(not s.strip() for s in items):
            raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    else:
        accepted = f"a sequence of {count}numbers{hint} (or the text '{fmt}')"  # (a Python value: in Python's terms)
        try:
            arr = np.asarray(value, dtype=object)
        except Exception:  # pragma: no cover - asarray(object) accepts nearly anything
            raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}") from None
        if arr.ndim == 0:
            items = [arr.item()]
        elif arr.ndim == 1:
            items = list(arr)
        else:
            raise GandynamicsError(f"{what} must be {accepted}, got an array of shape {arr.shape}")
    vals = []
    for s in items:
        try:
            f = _as_float(s, what, accepted)
        except GandynamicsError:
            raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}") from None
        if math.isnan(f) or (math.isinf(f) and not allow_inf):
            raise GandynamicsError(f"{what} must be finite ({accepted}), got {_got(value)}")
        vals.append(f)
    if n is not None and len(vals) != n:
        raise GandynamicsError(f"{what} must have {n} entries{hint}, got {len(vals)}: {_got(value)}")
    if n is None and not vals:  # (an empty sequence, as the empty text already was: a grid axis of no value gave a
        # sweep of no row, silently)
        raise GandynamicsError(f"{what} must be {accepted} (at least one), got an empty sequence")
    return np.array(vals, dtype=float)


def matrix(value, what: str) -> np.ndarray:
    """A finite number or matrix: a number, text ``a,b;c,d`` (rows separated by ``;``), nested brackets
    ``[[a,b],[c,d]]``, or a 2-D sequence / array.  Returns a float array of shape ``(m, n)`` (``(1, 1)`` for
    a number)."""
    accepted = "a finite number or a matrix (rows separated by ';', e.g. 1,0;0,2 or [[1,0],[0,2]])"
    if isinstance(value, str):
        t = value.strip()
        if t.startswith("[[") or t.startswith("(("):
            import ast
            try:
                value = ast.literal_eval(t)
            except (ValueError, SyntaxError):
                raise GandynamicsError(f"{what} must be {accepted}, got {_got(t)}") from None
        else:
            rows = [r for r in _strip_brackets(t).split(";")]
            try:
                out = [vector(r, what).tolist() if r.strip() else None for r in rows]
            except GandynamicsError:
                raise GandynamicsError(f"{what} must be {accepted}, got {_got(t)}") from None
            if any(r is None for r in out) or len({len(r) for r in out}) != 1:
                raise GandynamicsError(f"{what} must be {accepted}, got {_got(t)}")
            return np.array(out, dtype=float)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}") from None
    if isinstance(value, (bool, np.bool_)) or arr.ndim > 2 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise GandynamicsError(f"{what} must be {accepted}, got {_got(value)}")
    return np.atleast_2d(arr)


def choice(value, what: str, options: Iterable[str]) -> str:
    """One of ``options`` (exact, after stripping spaces)."""
    options = list(options)
    if isinstance(value, str) and value.strip() in options:
        return value.strip()
    raise GandynamicsError(choice_refusal(value, what, options))


def split_names(value) -> list:
    """Names as given: text ``"gd,eg"`` (and each text item of a list, ``["gd,eg", "eftp"]``) split at its commas and
    stripped; an item that is not text (a :class:`~gandynamics.methods.base.Method`, a list) kept as it is, and a text
    with an empty name (``"gd,"``) kept whole, to be refused as it was typed.  No check: the callers refuse what they
    do not accept (:func:`name_list` refuses empty names and repeats)."""
    def split(text):
        parts = [t.strip() for t in text.split(",")]
        return parts if all(parts) else [text]
    items = [value] if isinstance(value, str) else list(value)
    return [t for x in items for t in (split(x) if isinstance(x, str) else [x])]


def name_list(value, what: str, accepted: Iterable[str] | None = None) -> list[str]:
    """A list of names: text ``"gd,eg"`` or a sequence of strings (each of which may hold names joined by commas).  An empty list and an empty item (``"gd,"``,
    ``","``, ``""``) are refused (they were dropped silently, so ``--methods ,`` ran the default methods or
    none), so is a name given twice; with ``accepted``, so is a name not in it.

    Raises
    ------
    GandynamicsError
        ``"<what> must be comma-separated names (from <accepted>), got <value>"``.
    """
    acc = list(accepted) if accepted is not None else None
    from_ = f" from {', '.join(acc)}" if acc else ""
    if isinstance(value, str):
        items = [t.strip() for t in value.split(",")]
    elif isinstance(value, Iterable) and all(isinstance(t, str) for t in value):
        # (an item of names joined by commas is those names: ("gd,eg",) was refused as one method, a new user)
        items = [t.strip() for x in value for t in x.split(",")]
    else:
        raise GandynamicsError(f"{what} must be comma-separated names{from_}, got {_got(value)}")
    if not items or not all(items):
        raise GandynamicsError(f"{what} must be comma-separated names{from_} (no empty ones), got {_got(value)}")
    if acc is not None:
        bad = [t for t in items if t not in acc]
        if bad:
            raise GandynamicsError(f"{what}: " + names_refusal(bad, "name", acc))
    twice = sorted({t for t in items if items.count(t) > 1})
    if twice:  # ``--methods gd,gd`` printed the same row twice (rates, classify, portrait); sweep refused it alone
        raise GandynamicsError(f"{what}: {', '.join(map(repr, twice))} given twice; give each name once")
    return items


def describe_default(default) -> str:
    """How a parameter with this default value is written on the command line."""
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, (tuple, list)):
        return f"{len(default)} comma-separated numbers v1,v2,..." if default else "comma-separated numbers"
    return "a value"


def like_default(default, value, what: str):
    """Convert ``value`` (text from the command line, or a Python value) to the kind of ``default``.

    ``bool`` -> :func:`boolean`; ``int`` -> :func:`whole` (no lower bound: the factory checks its own
    range); ``float`` -> :func:`finite`; tuple/list -> :func:`vector` (of
    any length: a game's dimension may change with another parameter); ``None`` or other defaults: the
    value unchanged.
    """
    if isinstance(default, bool):
        return boolean(value, what)
    if isinstance(default, int):
        return whole(value, what, lo=None)
    if isinstance(default, float):
        return finite(value, what)
    if isinstance(default, (tuple, list)):
        if isinstance(value, str):
            return tuple(vector(value, what).tolist())
        return value
    return value


def field(value, what: str):
    """A :class:`~gandynamics.field.VectorField` (what every analysis takes); a Game or GAN is refused with
    how to make one (``VectorField(game, [R1(gamma=0.3)])``)."""
    # recognised by what it carries, not by importing the classes (validate sits below game and field)
    # (looked up on the class or the instance's own attributes: a lazily derived F is not derived here)
    if all(hasattr(type(value), a) or a in getattr(value, "__dict__", {}) for a in
           ("F", "z", "hyper", "param_vector", "evaluator")):
        return value
    if any(getattr(c, "__module__", "") == "gandynamics.game" and c.__name__ in ("Game", "GAN")
           for c in type(value).__mro__):
        raise GandynamicsError(f"{what} takes a VectorField, got a {type(value).__name__}; build one with "
                               f"VectorField(game, [regularizers...]), e.g. VectorField(game, [R1(gamma=0.3)])")
    raise GandynamicsError(f"{what} takes a VectorField (VectorField(game, [regularizers...])), got "
                           f"{type(value).__name__}")
