"""Reproduce figure 'm18-fig1' (see `gandynamics reproduce --list`): `python studies/fig_m18_fig1.py [--out DIR] [--pdf]`.

A thin entry point: the study itself lives in :mod:`gandynamics.studies` and is what
`gandynamics reproduce m18-fig1` runs.
"""

import sys

from gandynamics.reproduce import script_main

if __name__ == "__main__":
    sys.exit(script_main("m18-fig1"))
