"""Reproduce figure 'nk17-scale' (see `gandynamics reproduce --list`): `python studies/fig_nk17_scale.py [--out DIR] [--pdf]`.

A thin entry point: the study itself lives in :mod:`gandynamics.studies` and is what
`gandynamics reproduce nk17-scale` runs.
"""

import sys

from gandynamics.reproduce import script_main

if __name__ == "__main__":
    sys.exit(script_main("nk17-scale"))
