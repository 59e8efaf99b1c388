"""Analyses of a compiled field: spectra at a point (and, in sibling modules, constants and rates)."""

from .spectrum import (SpectralReport, analysis_point, conditioning_factor, find_equilibrium, phase_factor,
                       spectral_abscissa, spectrum)
from .constants import (Bracket, CheckResult, ConstantsReport, Region, certify_constants, check_constants,
                        estimate_constants, parse_region)
from .asymmetric import asymmetric_local
from .rates import (RATE_METHODS, RateRow, iteration_matrix, largest_stable_step, local_rate, measured_rate,
                    optimal_step, rates, spectral_radius, theoretical_bound)
from .basin import BasinReport, basin
from .continuation import continuation, stability_boundaries
from .cycles import cycle_from_hopf, limit_cycle, map_cycle
from .solution_concepts import classify
from .quadrature import QuadratureCheck, quadrature_check

__all__ = ["SpectralReport", "analysis_point", "conditioning_factor", "find_equilibrium", "phase_factor",
           "spectral_abscissa", "spectrum",
           "Region", "parse_region", "Bracket", "ConstantsReport", "CheckResult", "estimate_constants",
           "certify_constants", "check_constants", "asymmetric_local",
           "RATE_METHODS", "RateRow", "iteration_matrix", "spectral_radius", "local_rate", "optimal_step",
           "largest_stable_step", "theoretical_bound", "measured_rate", "rates",
           "basin", "BasinReport", "continuation", "stability_boundaries", "limit_cycle", "cycle_from_hopf",
           "map_cycle", "classify", "QuadratureCheck", "quadrature_check"]
