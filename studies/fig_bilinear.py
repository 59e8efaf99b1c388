"""Reproduce figure 'bilinear' (see `gandynamics reproduce --list`): `python studies/fig_bilinear.py [--out DIR] [--pdf]`.

A thin entry point: the study itself lives in :mod:`gandynamics.studies` and is what
`gandynamics reproduce bilinear` runs.
"""

import sys

from gandynamics.reproduce import script_main

if __name__ == "__main__":
    sys.exit(script_main("bilinear"))
