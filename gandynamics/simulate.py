"""Simulation (kept as the import path of the public names): :func:`simulate` and :func:`sweep`.

The implementation lives in :mod:`gandynamics.runs` (validate, module, engine, equilibria, ratefit,
trajectory, results, sweep); this module re-exports its public names.
"""

from .runs import (RATE_FIT, Plan, SweepResult, Trajectory, fit_rate, kernel_module, kernel_module_source,
                   run_rows, simulate, sweep)

__all__ = ["simulate", "sweep", "Trajectory", "SweepResult", "Plan", "run_rows", "fit_rate", "RATE_FIT",
           "kernel_module", "kernel_module_source"]
