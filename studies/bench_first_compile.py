"""The first compile of a field's kernels, with and without the cyclic garbage collector paused (codegen.gc_paused).

Each measurement is a fresh process with empty caches that compiles the reading of runs (gandynamics.verdict) and
the R1 Dirac-GAN's discrete driver (its first `simulate(..., engine="compiled")`), timed in CPU seconds inside the
process.  "paused" is the library as it is (every first call of a numba function runs inside
`codegen.gc_paused()`); "collecting" replaces that pause by a no-op.  The two alternate, so that a shared host's
drift falls on both.

Run: python studies/bench_first_compile.py [--repeats 4]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

PROBE = r"""
import contextlib, json, sys, time
import numpy as np
from gandynamics import R1, VectorField, codegen, games, simulate
from gandynamics.verdict import _compile_reading_once
if sys.argv[1] == "collecting":
    codegen.gc_paused = contextlib.nullcontext
fld = VectorField(games.dirac(), [R1(gamma=0.3)])
c0 = time.process_time()
_compile_reading_once(np.arange(3.0))
c1 = time.process_time()
simulate(fld, "gd", [0.1, 0.1], 2, 0.1, engine="compiled", progress=False)
c2 = time.process_time()
print(json.dumps({"reading": c1 - c0, "driver": c2 - c1}))
"""


def probe(mode: str) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, GANDYNAMICS_CACHE_DIR=os.path.join(cache, "gd"),
                   NUMBA_CACHE_DIR=os.path.join(cache, "numba"))
        out = subprocess.run([sys.executable, "-c", PROBE, mode], env=env, capture_output=True, text=True,
                             check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=4)
    args = ap.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_sweep import machine
    print("machine:", machine())
    runs = {"collecting": [], "paused": []}
    for i in range(args.repeats):
        for mode in runs:
            runs[mode].append(probe(mode))
            print(f"  {i + 1}/{args.repeats} {mode:10s} reading {runs[mode][-1]['reading']:5.2f} s, "
                  f"driver {runs[mode][-1]['driver']:5.2f} s (CPU)", flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    print("| CPU seconds, median | collector running | collector paused | paused / running |")
    print("|---|---|---|---|")
    for part in ("reading", "driver"):
        a = statistics.median(r[part] for r in runs["collecting"])
        b = statistics.median(r[part] for r in runs["paused"])
        print(f"| {part} | {a:.2f} | {b:.2f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
