"""gandynamics — training dynamics of small GAN games, numerically and symbolically.

Conventions (see :mod:`gandynamics.game`): ``z = (theta, psi)``, generator first; each player minimises
its own loss; ``F = (grad_theta L_G, grad_psi L_D)``; motion ``v = -F``; gradient descent
``z <- z - h F(z)``; "the Jacobian" is ``J = Dv`` (exponentially stable iff all ``Re lambda < 0``); monotonicity and
Lipschitz constants are those of F.

The public surface is what this module re-exports.

Results.  Every result object a public function returns (``rates`` returns a list of them with a dict of what they
share; ``stability_boundaries`` a list of ``Curve``) (``SpectralReport``, ``ConstantsReport``, ``CheckResult``,
``RateRow``, ``BasinReport``, ``Classification``, ``QuadratureCheck``, ``Branch``, ``Curve``, ``Cycle``, ``MapCycle``,
``Trajectory``, ``SweepResult``, and the parts they hold: ``Bracket``, ``Region``, ``Event``, ``Bound``) has the same three faces:

* ``result.to_dict()``: its content as built-in Python values (dict, list, str, int, float, bool, None; complex
  numbers as ``[re, im]`` pairs; NaN and infinities kept as floats).  ``gandynamics.jsonio.dumps(d)`` writes it as
  strict JSON (NaN as ``null``, infinities as ``"inf"``/``"-inf"``), the encoding of every command's ``--json``;
* ``repr(result)``: one short line, with at most a few entries of any vector or spectrum;
* ``result._repr_html_()``: a table in a notebook, for the summaries (all but the parts and ``Curve``).

``as_dict()``, the earlier name of ``to_dict()`` on ``Classification``, ``Branch``, ``Event``, ``Curve``, ``Cycle``,
``MapCycle`` and the study records of ``gandynamics.reproduce``, still works and warns (DeprecationWarning).  The study
records (``gandynamics.reproduce``: ``Check``, ``StudyResult``) keep the encoding of the ``figures/*.json`` files they
write (complex numbers as text ``"a + bi"``, NaN as ``"nan"``), so that those files stay as they were.
"""

import os as _os
import sys as _sys
import types as _types
from typing import TYPE_CHECKING

#: the size of sympy's memo of constructed expressions, set before sympy is first imported (``SYMPY_CACHE_SIZE``, read
#: once by sympy, 1,000 entries by default; a value the user set is kept).  With 1,000, the derivation of a large
#: game's field outgrew the memo, and each expression built again was a new copy that sympy then compared term by term
#: with the first one: deriving F of the 2,000-parameter mlp took 56 s, 24 s with this memo (studies/RESULTS_scaling.md,
#: session 52).  Imported after sympy, gandynamics leaves sympy's memo as it is (processes it starts inherit the value).
_SYMPY_MEMO = 200_000
_os.environ.setdefault("SYMPY_CACHE_SIZE", str(_SYMPY_MEMO))

from ._version import __version__

#: public name -> the module that defines it: imported on first use (PEP 562), so that ``import gandynamics``
#: (and the command line's first lines) cost milliseconds, not the 1.5 s of numpy, sympy and numba; a Ctrl-C
#: during those imports then reaches the CLI's handler ("gandynamics: interrupted", status 130)
_LAZY = {
    "games": None,
    "SpectralReport": "analysis", "find_equilibrium": "analysis", "spectrum": "analysis", "Region": "analysis",
    "certify_constants": "analysis", "check_constants": "analysis", "estimate_constants": "analysis",
    "rates": "analysis", "basin": "analysis", "classify": "analysis", "continuation": "analysis",
    "limit_cycle": "analysis", "stability_boundaries": "analysis", "quadrature_check": "analysis",
    "Atoms": "distributions", "Normal": "distributions", "Pushforward": "distributions", "Uniform": "distributions",
    "convolve": "distributions",
    "GandynamicsError": "errors", "VectorField": "field", "GAN": "game", "Game": "game", "interact": "interact",
    "LOSSES": "losses", "Loss": "losses", "sigmoid": "losses", "softplus": "losses", "METHODS": "methods",
    "SweepResult": "simulate", "Trajectory": "simulate", "simulate": "simulate", "sweep": "simulate",
    "JARE": "regularizers", "R1": "regularizers", "R2": "regularizers", "REGULARIZERS": "regularizers",
    "WGANGP": "regularizers", "Asymmetric": "regularizers", "Consensus": "regularizers",
    "InstanceNoise": "regularizers", "NagarajanKolter": "regularizers", "Tikhonov": "regularizers",
    "make_regularizer": "regularizers", "DRAGAN": "regularizers", "SGA": "regularizers", "LeCam": "regularizers",
}

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from . import games
    from .analysis import SpectralReport, find_equilibrium, spectrum
    from .analysis import Region, certify_constants, check_constants, estimate_constants, rates
    from .analysis import basin, classify, continuation, limit_cycle, quadrature_check, stability_boundaries
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
    "continuation", "stability_boundaries", "limit_cycle", "classify", "basin", "quadrature_check",
]


def __getattr__(name):
    """The public names (:data:`_LAZY`) and the subpackages (``gd.plotting``, ``gd.analysis``, ...) are imported on
    first use (PEP 562); ``gd.plotting`` so also does not import matplotlib before it is needed."""
    import importlib
    import importlib.util  # not bound by ``import importlib`` alone (an interpreter may not have imported it yet)
    if name in _LAZY:
        where = _LAZY[name]
        value = importlib.import_module(f".{name}" if where is None else f".{where}", __name__)
        if where is not None:
            value = getattr(value, name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | {"plotting"})


class _Package(_types.ModuleType):
    """The package's module type: importing the submodule ``gandynamics.simulate`` (or ``.interact``) binds the
    package attribute of that name to the submodule; the public name is the function it defines, so that
    binding is redirected to the function (as the eager ``from .simulate import simulate`` did)."""

    def __setattr__(self, name, value):
        if _LAZY.get(name) == name and isinstance(value, _types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
