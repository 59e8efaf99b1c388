"""Large games: from sympy losses to the 10 leading eigenvalues of J, with nothing compiled.

For the ``mlp`` game (1-D data, width k, n = 2 + 2k parameters) each size runs in a fresh process with an
empty cache ("cold": building the game, deriving F, cse + printing the generated module, running it in the
interpreter, ARPACK on Jacobian-vector products, i.e. ``spectrum(fld, k=10)``) and again in a second process
that finds the generated source in the cache ("warm").  Reference measured in the same run: the dense route
at the smallest size (compiled ``jacobian`` + ``numpy.linalg.eigvals``), whose leading eigenvalues the
Arnoldi ones must equal.  Target (issue 16): n = 1,000 within 120 s cold and 5 s warm; the growth exponent is
the least-squares slope of log(time) on log(n).

Usage: ``python studies/bench_leading_eigenvalues.py [--sizes 250,500,1000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from gandynamics import VectorField, games, spectrum
t1 = time.perf_counter()
k = int(sys.argv[1])
fld = VectorField(games.make_game("mlp", k=k, dim=1))
t2 = time.perf_counter()
src = fld._base_source
t3 = time.perf_counter()
rep = spectrum(fld, k=10, which="LR")
t4 = time.perf_counter()
out = {"n": fld.n, "import": t1 - t0, "F": t2 - t1, "gen": t3 - t2, "eigs": t4 - t3, "total": t4 - t1,
       "eig": [[float(e.real), float(e.imag)] for e in rep.eigenvalues]}
if len(sys.argv) > 2:  # the dense reference: central differences of F (independent of the JVP), eigvals
    z = np.asarray(fld.equilibrium, dtype=float); p = fld.param_vector()
    t5 = time.perf_counter()
    f = fld.interpreted.field
    J = np.empty((fld.n, fld.n)); a = np.empty(fld.n); b = np.empty(fld.n)
    for j in range(fld.n):
        e = 1e-6 * max(1.0, abs(z[j]))
        zp = z.copy(); zp[j] += e; zm = z.copy(); zm[j] -= e
        J[:, j] = -(f(zp, p, a) - f(zm, p, b)) / (2 * e)
    ev = np.linalg.eigvals(J)
    out["dense"] = time.perf_counter() - t5
    ev = ev[np.argsort(-ev.real, kind="stable")][:10]
    out["dense_gap"] = float(np.max(np.abs(np.sort(ev.real) - np.sort(rep.eigenvalues.real))))
print(json.dumps(out))
"""


def run(k, cache, ref=False):
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=os.path.join(cache, "gd"), NUMBA_CACHE_DIR=os.path.join(cache, "nb"))
    args = [sys.executable, "-c", CHILD, str(k)] + (["ref"] if ref else [])
    res = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250,500,1000", help="numbers of parameters (even, >= 4)")
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",")]
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, python {platform.python_version()}; "
          f"load average {tuple(round(x, 2) for x in os.getloadavg())}")
    print(f"{'n':>6} {'F':>8} {'gen':>8} {'eigs':>8} {'cold':>8} {'warm':>8}  leading eigenvalue (real part)")
    rows = []
    for i, n in enumerate(sizes):
        k = (n - 2) // 2
        with tempfile.TemporaryDirectory() as cache:
            cold = run(k, cache, ref=(i == 0))
            warm = run(k, cache)
        rows.append((cold["n"], cold["total"], warm["total"]))
        print(f"{cold['n']:>6} {cold['F']:>8.2f} {cold['gen']:>8.2f} {cold['eigs']:>8.2f} {cold['total']:>8.2f} "
              f"{warm['total']:>8.2f}  {cold['eig'][0][0]:.3e}"
              + (f"   dense reference {cold['dense']:.2f} s, max gap {cold['dense_gap']:.1e}" if "dense" in cold else ""),
              flush=True)
    if len(rows) > 1:
        n, c, w = (np.log(np.array(x)) for x in zip(*rows))
        print(f"growth exponent (time ~ n^p): cold {np.polyfit(n, c, 1)[0]:.2f}, warm {np.polyfit(n, w, 1)[0]:.2f}")
    print(f"load average after: {tuple(round(x, 2) for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
