"""Equality of results that hold arrays: the one ``==`` of every result dataclass.

A dataclass's generated ``__eq__`` compares its fields as a tuple, and a field that is a NumPy array (or a dict or
list holding one) then raises "the truth value of an array ... is ambiguous" as soon as it has more than one
element (a reviewer compared two :class:`~gandynamics.analysis.constants.CheckResult`; a
:class:`~gandynamics.analysis.spectrum.SpectralReport` compared with its copy raised the same).  :func:`dataclass`
is :func:`dataclasses.dataclass` with :func:`fields_equal` as ``__eq__``: two results are equal when they are of the
same class and every compared field is :func:`same`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np


#: names of wall-clock readings (dataclass fields, keys of a result's mappings such as a sweep's ``meta`` and its
#: provenance): how long and when a computation ran is not part of its result, and is left out of :func:`same` (a
#: recomputed check or sweep compared unequal on its seconds alone, and a recomputed sweep on its provenance's date
#: when the clock's second turned between the two: a test failed once in a loaded run)
WALL_CLOCK = frozenset({"seconds", "compile_seconds", "date"})


def _nan(v) -> bool:
    """A NaN scalar: float, complex (either part) or NumPy's."""
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False


def same(x, y) -> bool:
    """Structural equality that never raises on arrays: arrays equal in shape and values (NaN equal to NaN in float
    and complex arrays; object arrays element by element), mappings with the same keys and :func:`same` values,
    lists and tuples of the same type and length item by item, dataclasses by :func:`fields_equal`; any other pair by
    ``==`` (a NaN scalar equal to a NaN scalar).  Wall-clock timings (:data:`WALL_CLOCK`) are not compared.  Returns
    a bool."""
    if x is y:
        return True
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        if not (isinstance(x, np.ndarray) and isinstance(y, np.ndarray)) or x.shape != y.shape:
            return False
        if x.dtype.kind in "fc" and y.dtype.kind in "fc":
            return bool(np.array_equal(x, y, equal_nan=True))
        if x.dtype.kind == "O" or y.dtype.kind == "O":
            return all(same(a, b) for a, b in zip(x.ravel().tolist(), y.ravel().tolist()))
        try:
            return bool(np.array_equal(x, y))
        except (TypeError, ValueError):
            return False
    if isinstance(x, Mapping) or isinstance(y, Mapping):
        return (isinstance(x, Mapping) and isinstance(y, Mapping) and x.keys() == y.keys()
                and all(same(x[k], y[k]) for k in x if k not in WALL_CLOCK))
    if isinstance(x, (list, tuple)) or isinstance(y, (list, tuple)):
        return type(x) is type(y) and len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return bool(fields_equal(x, y) is True)
    if isinstance(x, (float, complex, np.number)) and isinstance(y, (float, complex, np.number)) and _nan(x) and _nan(y):
        return True
    try:
        return bool(x == y)
    except (TypeError, ValueError):  # (an object whose == is not a truth value)
        return False


def fields_equal(self, other):
    """``__eq__`` of a result dataclass: ``NotImplemented`` for another class, else whether every field compared by
    the dataclass (``field(compare=True)``, the default; not the wall-clock :data:`WALL_CLOCK`) is :func:`same`."""
    if other.__class__ is not self.__class__:
        return NotImplemented
    return all(same(getattr(self, f.name), getattr(other, f.name)) for f in dataclasses.fields(self)
               if f.compare and f.name not in WALL_CLOCK)


def dataclass(cls=None, /, **kwargs):
    """:func:`dataclasses.dataclass` (the same arguments) whose ``__eq__`` is :func:`fields_equal` (when ``eq``, the
    default).  A frozen class keeps the hash dataclasses gives it; another is unhashable, as with ``eq``."""
    def wrap(c):
        c = dataclasses.dataclass(c, **kwargs)
        if kwargs.get("eq", True):
            c.__eq__ = fields_equal
        return c
    return wrap if cls is None else wrap(cls)
