"""gandynamics — training dynamics of small GAN games, numerically and symbolically.

Conventions (see :mod:`gandynamics.game`): ``z = (theta, psi)``, generator first; each player minimises
its own loss; ``F = (grad_theta L_G, grad_psi L_D)``; motion ``v = -F``; gradient descent
``z <- z - h F(z)``; "the Jacobian" is ``J = Dv`` (stable iff all ``Re lambda < 0``); monotonicity and
Lipschitz constants are those of F.

The public surface is what this module re-exports.
"""

from . import games
from .analysis import SpectralReport, find_equilibrium, spectrum
from .analysis import Region, certify_constants, check_constants, estimate_constants, rates
from .analysis import basin, classify, continuation, limit_cycle, stability_boundaries
from .distributions import Atoms, Normal, Pushforward, Uniform, convolve
from .errors import GandynamicsError
from .field import VectorField
from .game import GAN, Game
from .interact import interact  # needs the [notebook] extra only when called
from .losses import LOSSES, Loss, sigmoid, softplus
from .methods import METHODS
from .simulate import SweepResult, Trajectory, simulate, sweep
from .regularizers import (JARE, R1, R2, REGULARIZERS, WGANGP, Asymmetric, Consensus, InstanceNoise,
                           NagarajanKolter, Tikhonov, make_regularizer)
from .regularizers import DRAGAN, SGA, LeCam

from ._version import __version__

__all__ = [
    "games", "Game", "GAN", "VectorField", "GandynamicsError",
    "Atoms", "Normal", "Uniform", "Pushforward", "convolve",
    "Loss", "LOSSES", "sigmoid", "softplus",
    "R1", "R2", "WGANGP", "InstanceNoise", "Consensus", "NagarajanKolter", "JARE", "Tikhonov", "Asymmetric",
    "REGULARIZERS", "make_regularizer",
    "spectrum", "find_equilibrium", "SpectralReport",
    "Region", "estimate_constants", "certify_constants", "check_constants", "rates",
    "simulate", "sweep", "Trajectory", "SweepResult", "METHODS",
    "interact", "DRAGAN", "LeCam", "SGA",
    "continuation", "stability_boundaries", "limit_cycle", "classify", "basin",
]


def __getattr__(name):
    """``gd.plotting`` is imported on first use (PEP 562), so that ``import gandynamics`` does not import
    matplotlib."""
    if name == "plotting":
        import importlib
        return importlib.import_module(".plotting", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"plotting"})
