"""Analyses of a compiled field: spectra at a point (and, in sibling modules, constants and rates)."""

from .spectrum import (SpectralReport, analysis_point, conditioning_factor, find_equilibrium, phase_factor,
                       spectral_abscissa, spectrum)

__all__ = ["SpectralReport", "analysis_point", "conditioning_factor", "find_equilibrium", "phase_factor",
           "spectral_abscissa", "spectrum"]
