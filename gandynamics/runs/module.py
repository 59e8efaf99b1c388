"""The field's generated module with every integrator kernel appended (one cached module per field)."""

from __future__ import annotations

import threading
import weakref

from .. import codegen
from ..kernels import kernel_source
from ..methods import RULES
from ..methods.tableaux import TABLEAUX

__all__ = ["kernel_module_source", "kernel_module"]

# field -> {nb: source text}; weak keys: a field's entry goes with the field (no cache written into the
# field's own __dict__)
_SOURCES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _module_source(fld, nb: int | None) -> str:
    kernels = kernel_source(codegen.generate_block_source(fld.F, fld.z, fld.hyper), RULES, TABLEAUX, nb)
    return fld.generated_source + "\n\n" + kernels + "\n"


def kernel_module_source(fld, nb: int | None = None) -> str:
    """The generated module's source text (what a :class:`gandynamics.runs.engine.Plan` carries): the
    field's ``field``/``jacobian`` module followed by :func:`gandynamics.kernels.kernel_source` (block width
    ``nb``, default the field's own: :data:`gandynamics.codegen.WIDE_BLOCK` or :data:`gandynamics.kernels.DEFAULT_NB`)."""
    with _LOCK:
        cache = _SOURCES.setdefault(fld, {})
        if nb in cache:
            return cache[nb]
    text = _module_source(fld, nb)
    with _LOCK:
        return _SOURCES.setdefault(fld, {}).setdefault(nb, text)


def kernel_module(fld, nb: int | None = None):
    """The field's generated module with every integrator kernel (compiled lazily, cached on disk)."""
    return codegen.load_module(kernel_module_source(fld, nb))
