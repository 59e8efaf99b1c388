"""The edge of a stable range in one variable: where a predicate that holds for small steps first fails."""

from __future__ import annotations

import math

__all__ = ["last_holding"]


def last_holding(holds, start: float, grid, rtol: float) -> float:
    """The largest ``h`` up to which ``holds`` is true, scanning upward then bisecting.

    ``holds(h)`` is assumed true at ``start``; ``grid`` (increasing, all above ``start``) is scanned for the
    first point where it fails, then the interval between the last point that held and that one is bisected
    to a relative width ``rtol``.  Returns the last point known to hold (a lower bound of the edge), or
    ``inf`` when every grid point holds.  Used for the largest stable step of a method at an equilibrium
    (:func:`gandynamics.analysis.rates.largest_stable_step`) and of an integrator's stability function
    (:meth:`gandynamics.methods.tableaux.Tableau.stability_limit`)."""
    lo, hi = float(start), None
    for h in grid:
        if not holds(h):
            hi = float(h)
            break
        lo = float(h)
    if hi is None:
        return math.inf
    while hi - lo > rtol * hi:
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:  # (no double between them: subnormal steps, spaced coarser than rtol, looped forever)
            break
        lo, hi = (mid, hi) if holds(mid) else (lo, mid)
    return lo
