"""Strict JSON for the library's results (the CLI uses the same rules).

Infinities are written as the strings ``"inf"``/``"-inf"`` (strict JSON has no infinity), NaN as ``null``;
NumPy scalars and arrays become Python numbers and lists; a complex number becomes the pair ``[re, im]``
(eigenvalues, multipliers).

Every public result class (:class:`~gandynamics.analysis.SpectralReport`, ``Trajectory``, ``Cycle``, ...) has
``to_dict()``: its content as built-in Python values (:func:`plain`: NaN and infinities kept as floats), so that
``dumps(result.to_dict())`` is the JSON the command line prints with ``--json``.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np

__all__ = ["SPECIAL", "clean", "plain", "pairs", "dumps", "write_text_atomic", "as_dict_deprecated"]


#: the numbers strict JSON has not, as :func:`clean` writes them, and the float each reads back as
SPECIAL = {None: math.nan, "inf": math.inf, "-inf": -math.inf}


def _convert(o, strict: bool):
    if isinstance(o, float):
        if strict and math.isnan(o):
            return None
        if strict and math.isinf(o):
            return "inf" if o > 0 else "-inf"
        return o if type(o) is float else float(o)  # (a float subclass, np.float64 included, as a float)
    if isinstance(o, dict):
        return {k: _convert(v, strict) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_convert(v, strict) for v in o]
    if isinstance(o, np.ndarray):
        return _convert(o.tolist(), strict)
    if isinstance(o, (complex, np.complexfloating)):
        return [_convert(float(o.real), strict), _convert(float(o.imag), strict)]
    if isinstance(o, np.floating):
        return _convert(float(o), strict)
    if isinstance(o, (bool, np.bool_)):
        return bool(o)
    if isinstance(o, np.integer):
        return int(o)
    return o


def clean(o):
    """``o`` with NaN -> None, +-inf -> "inf"/"-inf", complex -> ``[re, im]``, NumPy values -> Python values
    (recursively): strict JSON (``json.dumps(clean(o), allow_nan=False)``)."""
    return _convert(o, True)


def plain(o):
    """``o`` as built-in Python values, the encoding of :func:`clean` (NumPy values -> Python values, tuples ->
    lists, complex -> ``[re, im]``, recursively) but NaN and infinities kept as floats: what a result's
    ``to_dict()`` returns."""
    return _convert(o, False)


def pairs(values) -> list:
    """Complex values (eigenvalues, multipliers; real ones too) as ``[[re, im], ...]``."""
    return plain(np.asarray(values, dtype=complex).ravel())


def as_dict_deprecated(self) -> dict:
    """Deprecated alias of ``to_dict()`` (the name some result classes had): the same dict, with a
    DeprecationWarning."""
    warnings.warn(f"{type(self).__name__}.as_dict() is deprecated: use {type(self).__name__}.to_dict() (the same "
                  "dict; every result class has to_dict())", DeprecationWarning, stacklevel=2)
    return self.to_dict()


def dumps(obj) -> str:
    """Strict JSON text of ``obj`` (see :func:`clean`), indented by 2."""
    return json.dumps(clean(obj), indent=2)


def write_text_atomic(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically through :func:`gandynamics.io.atomic_open` (a temporary file
    beside the target, flushed, fsync-ed and renamed into place; the permissions of the file it replaces)."""
    from .io import atomic_open
    with atomic_open(path, "w", newline="") as fh:
        fh.write(text)
