"""Reproduce figure 'basin' (see `gandynamics reproduce --list`): `python studies/fig_basin.py [--out DIR] [--pdf]`.

A thin entry point: the study itself lives in :mod:`gandynamics.studies` and is what
`gandynamics reproduce basin` runs.
"""

import sys

from gandynamics.reproduce import script_main

if __name__ == "__main__":
    sys.exit(script_main("basin"))
