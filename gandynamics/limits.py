"""Size limits: estimate what a request will allocate *before* allocating it, and refuse what the machine
cannot hold with the estimate and the limit.

The limit is a fraction (:data:`MEMORY_FRACTION`, one half) of the physical memory (``os.sysconf``), or
``$GANDYNAMICS_MEMORY_LIMIT`` (bytes, with an optional ``K``/``M``/``G``/``T`` suffix: ``8G``).

Call sites estimate the bytes of the arrays they are about to create:

>>> from gandynamics.limits import check_array
>>> check_array((1_000_000, 2), "the recorded states")          # 16 MB: fine
>>> check_array((10**12, 2), "the recorded states")             # doctest: +ELLIPSIS
Traceback (most recent call last):
...
gandynamics.errors.GandynamicsError: the recorded states would need 16 TB of memory (10^12 x 2 float64), more than the limit of ...

and symbolic work is estimated by node counts (:func:`check_symbolic`).
"""

from __future__ import annotations

import math
import os

import numpy as np

from .errors import GandynamicsError

__all__ = ["MEMORY_FRACTION", "physical_memory", "memory_limit", "format_bytes", "format_duration", "check_bytes", "check_array",
           "array_bytes", "check_symbolic", "SYMBOLIC_NODE_BYTES"]

#: the share of physical memory one request may use
MEMORY_FRACTION = 0.5
#: an estimate of the memory of one sympy expression node with its caches (measured: ~0.5-1.5 KB)
SYMBOLIC_NODE_BYTES = 1024


def physical_memory() -> int | None:
    """Physical memory in bytes (``os.sysconf``), or None where the platform does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return None


def _parse_size(text: str) -> int | None:
    t = text.strip().upper().rstrip("B")
    mult = 1
    for suffix, m in (("K", 2**10), ("M", 2**20), ("G", 2**30), ("T", 2**40)):
        if t.endswith(suffix):
            t, mult = t[:-1], m
            break
    try:
        v = float(t) * mult
    except ValueError:
        return None
    return int(v) if math.isfinite(v) and v > 0 else None


def memory_limit() -> int:
    """The most one request may allocate, in bytes: ``$GANDYNAMICS_MEMORY_LIMIT`` if set (``8G``,
    ``500M``, bytes), else :data:`MEMORY_FRACTION` of the physical memory (4 GiB if unknown)."""
    env = os.environ.get("GANDYNAMICS_MEMORY_LIMIT")
    if env:
        v = _parse_size(env)
        if v is None:
            raise GandynamicsError(f"GANDYNAMICS_MEMORY_LIMIT must be a size like 8G, 500M or 1000000, got {env!r}")
        return v
    phys = physical_memory()
    return int(MEMORY_FRACTION * phys) if phys else 4 * 2**30


def _limit_source() -> str:
    if os.environ.get("GANDYNAMICS_MEMORY_LIMIT"):
        return "GANDYNAMICS_MEMORY_LIMIT"
    return f"{MEMORY_FRACTION:z.0%} of the physical memory; set GANDYNAMICS_MEMORY_LIMIT to change it"


def format_bytes(n) -> str:
    """``1536`` -> ``"1.5 KB"`` (powers of 1000, like disk and memory sizes are usually quoted); any size, also
    beyond the range of a float (``10^400`` bytes is ``1e+382 EB``, not ``inf EB``)."""
    from decimal import Decimal
    d = n if isinstance(n, Decimal) else Decimal(int(n)) if isinstance(n, (int, np.integer)) else Decimal(float(n))
    if not d.is_finite():
        return f"{float(n)} B"
    for unit in ("B", "KB", "MB", "GB", "TB", "PB", "EB"):
        if abs(d) < 1000 or unit == "EB":
            if unit == "B":
                return f"{float(d):z.0f} B"
            return f"{float(d):z.3g} {unit}" if abs(d) < Decimal("1e300") else f"{d:z.3g} {unit}"
        d /= 1000
    return f"{d:z.3g} EB"  # pragma: no cover


def format_duration(seconds: float) -> str:
    """``95`` -> ``"1.6 min"``; seconds, minutes, hours, days, then years (``3.2e+04 years``); ``inf`` as such."""
    s = float(seconds)
    if not math.isfinite(s):
        return f"{s} s"
    year = 365.25 * 86400
    units = (("s", 1.0, 60.0), ("min", 60.0, 60.0), ("h", 3600.0, 24.0), ("day", 86400.0, 365.0),
             ("year", year, math.inf))
    for unit, size, limit in units:
        v = s / size
        # two digits below 10 (1.6 min), whole numbers above (59 s, 116 days, 31,710 years); a value that rounds up to
        # the next unit's size is said in that unit (59.97 s is "1 min", not "60 s")
        text = f"{v:z.2g}" if v < 9.95 else f"{v:z,.0f}"
        if float(text.replace(",", "")) < limit:
            return f"{text} {unit}" + ("s" if unit in ("day", "year") and text != "1" else "")
    return f"{s} s"  # pragma: no cover


def check_bytes(nbytes: float, what: str, detail: str = "") -> None:
    """Refuse a request that would allocate ``nbytes`` when that exceeds :func:`memory_limit`.

    Raises
    ------
    GandynamicsError
        ``"<what> would need <estimate> of memory (<detail>), more than the limit of <limit> (<source>)"``.
    """
    limit = memory_limit()
    if not (nbytes <= limit):  # NaN or inf estimates are refused too
        det = f" ({detail})" if detail else ""
        raise GandynamicsError(f"{what} would need {format_bytes(nbytes)} of memory{det}, more than the limit of "
                               f"{format_bytes(limit)} ({_limit_source()})")


def _count(n) -> str:
    """A count as text: ``123``, ``1_234_567``, ``10^12``; beyond 10^15 three digits (``1.23e+308``: a count
    typed as 1.23e308 is not listed in 309 digits)."""
    from decimal import Decimal
    if not isinstance(n, (int, np.integer)) and not math.isfinite(n):
        return str(n)
    n = int(n)
    digits = len(str(n)) - 1
    if n >= 10**6 and n == 10**digits:
        return f"10^{digits}"
    if n >= 10**15:
        return f"{Decimal(n):z.3g}"
    return f"{n:,}".replace(",", "_") if n >= 10**6 else str(n)


def array_bytes(shape, dtype=np.float64) -> float:
    """Bytes of an array of this shape (a float, exact for any size: no overflow)."""
    size = 1.0
    for s in shape:
        size *= float(s)
    return size * np.dtype(dtype).itemsize


def check_array(shape, what: str, dtype=np.float64, copies: float = 1.0) -> None:
    """Refuse allocating ``copies`` arrays of ``shape`` and ``dtype`` beyond :func:`memory_limit`."""
    shape = tuple(shape)
    detail = " x ".join(_count(s) for s in shape) + f" {np.dtype(dtype).name}"
    if copies != 1:
        detail = f"{copies:zg} x " + detail
    # the size exactly (a product of counts typed as 1e308 overflows a float to inf: "inf EB")
    from decimal import Decimal
    size = Decimal(1)
    for s in shape:
        size *= Decimal(int(s)) if isinstance(s, (int, np.integer)) else Decimal(float(s))
    check_bytes(Decimal(float(copies)) * size * np.dtype(dtype).itemsize, what, detail)


def check_symbolic(nodes: float, what: str) -> None:
    """Refuse symbolic work of about ``nodes`` sympy expression nodes beyond :func:`memory_limit`
    (:data:`SYMBOLIC_NODE_BYTES` each)."""
    check_bytes(float(nodes) * SYMBOLIC_NODE_BYTES, what, f"about {_count(nodes)} symbolic terms")
