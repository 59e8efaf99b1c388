"""Start-up cost of `gandynamics analyze dirac --reg r1 --json`, cold (empty caches) and warm.

Each measurement runs in a fresh process.  The phases are timed inside the process:
import, symbolic derivation (losses -> F, DF), code generation + compilation (or cache load), analysis.
The whole CLI command is timed from outside beside it, and a warm run with another gamma shows that a
hyperparameter change recompiles nothing (numba cache hits, no misses).  Last, ``gandynamics --help`` and
``gandynamics sweep --help`` (the first commands a new user types), and with ``--before REV`` the same for the code
of a git revision, the two alternated in fresh processes.

Run: python studies/bench_startup.py [--repeats 3] [--before REV]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

PROBE = r"""
import json, time
t0 = time.perf_counter()
import gandynamics as g
from gandynamics.analysis import spectrum
t1 = time.perf_counter()
fld = g.VectorField(g.games.dirac(), [g.R1(gamma=GAMMA)])
t2 = time.perf_counter()
m = fld.compiled(); fld.eval_F((0.0, 0.0)); fld.eval_J((0.0, 0.0))
t3 = time.perf_counter()
rep = spectrum(fld)
t4 = time.perf_counter()
hits = sum(m.field.stats.cache_hits.values()) + sum(m.jacobian.stats.cache_hits.values())
misses = sum(m.field.stats.cache_misses.values()) + sum(m.jacobian.stats.cache_misses.values())
print(json.dumps({"import": t1 - t0, "derive": t2 - t1, "compile": t3 - t2, "analysis": t4 - t3,
                  "hits": hits, "misses": misses}))
"""


def probe(env, gamma):
    out = subprocess.run([sys.executable, "-c", PROBE.replace("GAMMA", repr(gamma))], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli(env, gamma):
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gandynamics", "analyze", "dirac", "--reg", f"r1:gamma={gamma}", "--json"],
                   env=env, capture_output=True, check=True)
    return time.perf_counter() - t


def helps(repeats, before):
    """Median wall time of ``python -m gandynamics [sweep] --help`` in fresh processes: this tree's code and, with
    ``before``, the package of that git revision (exported to a temporary folder, first on ``PYTHONPATH``),
    alternated so that both share the machine's load."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as d:
        codes = {"this tree": root}
        if before:
            archive = subprocess.run(["git", "-C", root, "archive", before, "gandynamics"], capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", d], input=archive, check=True)
            codes[f"before ({before})"] = d
        times = {(code, argv): [] for code in codes for argv in ("--help", "sweep --help")}
        for _ in range(repeats):
            for (code, argv), ts in times.items():
                env = dict(os.environ, PYTHONPATH=codes[code])
                t = time.perf_counter()  # (run in that folder: `python -m` puts the working folder first on the path)
                subprocess.run([sys.executable, "-m", "gandynamics", *argv.split()], env=env, capture_output=True,
                               check=True, cwd=codes[code])
                ts.append(time.perf_counter() - t)
    for (code, argv), ts in times.items():
        print(f"gandynamics {argv:<13} {code:<24}: {statistics.median(ts):.3f} s (median of {repeats})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--before", metavar="REV", help="also time the --help commands of this git revision")
    args = ap.parse_args()
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    rows = {"cold": [], "warm": [], "warm, other gamma": []}
    clis = {"cold": [], "warm": []}
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, GANDYNAMICS_CACHE_DIR=f"{d}/gen", NUMBA_CACHE_DIR=f"{d}/numba")
            rows["cold"].append(probe(env, 0.3))
            rows["warm"].append(probe(env, 0.3))
            rows["warm, other gamma"].append(probe(env, 0.7))
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, GANDYNAMICS_CACHE_DIR=f"{d}/gen", NUMBA_CACHE_DIR=f"{d}/numba")
            clis["cold"].append(cli(env, 0.3))
            clis["warm"].append(cli(env, 0.3))
    print(f"\nmedian of {args.repeats} fresh processes, seconds")
    print(f"{'':<20}{'import':>8}{'derive':>8}{'compile':>9}{'analysis':>9}{'total':>8}   numba cache")
    for name, rs in rows.items():
        med = {k: statistics.median(r[k] for r in rs) for k in ("import", "derive", "compile", "analysis")}
        tot = sum(med.values())
        print(f"{name:<20}{med['import']:8.3f}{med['derive']:8.3f}{med['compile']:9.3f}{med['analysis']:9.3f}{tot:8.3f}"
              f"   hits={rs[-1]['hits']} misses={rs[-1]['misses']}")
    for name, ts in clis.items():
        print(f"whole CLI command, {name:<5}: {statistics.median(ts):.3f} s  (target warm < 1.5 s)")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    helps(args.repeats, args.before)


if __name__ == "__main__":
    main()
