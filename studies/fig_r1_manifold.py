"""Reproduce figure 'r1-manifold' (see `gandynamics reproduce --list`): `python studies/fig_r1_manifold.py [--out DIR] [--pdf]`.

A thin entry point: the study itself lives in :mod:`gandynamics.studies` and is what
`gandynamics reproduce r1-manifold` runs.
"""

import sys

from gandynamics.reproduce import script_main

if __name__ == "__main__":
    sys.exit(script_main("r1-manifold"))
