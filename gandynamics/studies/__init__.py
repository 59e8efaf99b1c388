"""The reproduced figures (one module per paper or theme), registered with :mod:`gandynamics.reproduce`.

Each study computes its data with the library, draws it with :mod:`gandynamics.plotting` and records the
numbers it rests on as checks against closed forms of docs/mathematics.md or predicted rates.  Run them with
``gandynamics reproduce`` or ``python studies/fig_*.py``.
"""

from . import (asymmetric, basin, bifurcation, bilinear_methods, mescheder, nagarajan_kolter, nie_patel, r1_manifold,
               rate_maps, spectra_table)

#: the study modules, an explicit list (importing one registers its studies in :data:`gandynamics.studies.base.STUDIES`)
STUDY_MODULES = [spectra_table, mescheder, nagarajan_kolter, nie_patel, asymmetric, rate_maps, bilinear_methods,
                 bifurcation, r1_manifold, basin]
