"""The reading of runs: the measured rate and the verdict (the rules live in :mod:`gandynamics.verdict`),
split over numba's threads for sweeps."""

from __future__ import annotations

import numpy as np

from ..kernels import REASONS, STOPS
from ..verdict import RATE_FIT, STOPPED, VERDICT_RULE, VERDICTS, RunReading, read_runs
from .engine import threaded

__all__ = ["RATE_FIT", "VERDICT_RULE", "VERDICTS", "fit_rate", "read"]


def read(idx, dist, life, diverged_at=None, zstar_norm=None, reason=None) -> RunReading:
    """:func:`gandynamics.verdict.read_runs` with the rows split over the threads; with ``reason`` (the kernels'
    ``(B,)`` reason codes, :data:`gandynamics.kernels.REASONS`) a run that ended because its method could not take
    the next step (:data:`gandynamics.kernels.STOPS`) reads "stopped", not "diverged"."""
    reading = read_runs(idx, dist, life, diverged_at, zstar_norm, split=threaded)
    if reason is not None and diverged_at is not None:
        stops = [c for c, name in REASONS.items() if name in STOPS]
        stopped = (np.asarray(diverged_at) >= 0) & np.isin(np.asarray(reason), stops)
        reading.code[stopped] = STOPPED
    return reading


def fit_rate(idx, dist, life, zstar_norm=None):
    """The measured rate per step of each run (see :data:`RATE_FIT`): ``(B,)`` array.

    Parameters
    ----------
    idx : (R,) step indices of the samples
    dist : (B, R) distances ``|z_k - z*|`` (NaN after divergence)
    life : (B,) last step of each trajectory's life (``steps``, or ``diverged_at - 1``)
    zstar_norm : (B,) ``|z*|`` (sets the rounding floor); default 0
    """
    return read(idx, dist, life, None, zstar_norm).rate
