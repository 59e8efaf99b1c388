"""Runs: one trajectory (:func:`simulate`) or a batch over a grid (:func:`sweep`), on the compiled kernels.

=================  =======================================================================================
module             job
=================  =======================================================================================
``validate``       argument checks (steps, step sizes, method options, box, bound)
``module``         the field's generated module with the kernels appended (one cached module per field)
``engine``         :class:`Plan` (picklable rows), :func:`run_rows` (threads, chunks of steps, Ctrl-C)
``equilibria``     ``z*`` per row
``ratefit``        the measured rate (least squares of log distance, :data:`RATE_FIT`)
``trajectory``     :func:`simulate` and :class:`Trajectory`
``results``        :class:`SweepResult` and its exports
``sweep``          :func:`sweep` (local chunks or a Dask/executor client)
=================  =======================================================================================
"""

from .engine import Plan, run_rows
from .module import kernel_module, kernel_module_source
from .ratefit import RATE_FIT, fit_rate
from .results import SweepResult
from .sweep import sweep
from .trajectory import Trajectory, simulate

__all__ = ["simulate", "sweep", "Trajectory", "SweepResult", "Plan", "run_rows", "fit_rate", "RATE_FIT",
           "kernel_module", "kernel_module_source"]
