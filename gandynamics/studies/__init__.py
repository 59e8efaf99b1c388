"""The reproduced figures (one module per paper or theme), registered with :mod:`gandynamics.reproduce`.

Each study computes its data with the library, draws it with :mod:`gandynamics.plotting` and records the
numbers it rests on as checks against closed forms of docs/mathematics.md or predicted rates.  Run them with
``gandynamics reproduce`` or ``python studies/fig_*.py``.
"""

from . import spectra_table, mescheder, nagarajan_kolter, nie_patel, asymmetric, rate_maps, bilinear_methods, bifurcation  # noqa: F401
from . import r1_manifold  # noqa: F401  (issue 19: R1 and the data manifold)
from . import basin  # noqa: F401,E402  (certified convergence regions; issue 15)
