"""Strict JSON for the library's results (the CLI uses the same rules).

Infinities are written as the strings ``"inf"``/``"-inf"`` (strict JSON has no infinity), NaN as ``null``;
NumPy scalars and arrays become Python numbers and lists.
"""

from __future__ import annotations

import json
import math

import numpy as np

__all__ = ["clean", "dumps", "write_text_atomic"]


def clean(o):
    """``o`` with NaN -> None, +-inf -> "inf"/"-inf", NumPy values -> Python values (recursively)."""
    if isinstance(o, float):
        if math.isnan(o):
            return None
        if math.isinf(o):
            return "inf" if o > 0 else "-inf"
        return o
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, np.ndarray):
        return clean(o.tolist())
    if isinstance(o, np.floating):
        return clean(float(o))
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.bool_):
        return bool(o)
    return o


def dumps(obj) -> str:
    """Strict JSON text of ``obj`` (see :func:`clean`), indented by 2."""
    return json.dumps(clean(obj), indent=2)


def write_text_atomic(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically through :func:`gandynamics.io.atomic_open` (a temporary file
    beside the target, flushed, fsync-ed and renamed into place; the permissions of the file it replaces)."""
    from .io import atomic_open
    with atomic_open(path, "w", newline="") as fh:
        fh.write(text)
