"""``classify`` on the mlp game as it grows: where the time goes, before and after reading the blocks from DF.

For ``mlp`` (1-D data, no hidden bias: n = 2 + 2k parameters) each size runs in a fresh process with an empty
cache ("cold": the losses, F and its generated program derived), then in a fresh process that finds F's derivation
in the cache but not classify's facts of the losses ("first": the zero-sum test made again), then with everything
cached ("warm").  Per run, seconds of:

* ``field``    building the game and its field (F derived, or read from the cache),
* ``point``    the equilibrium and the test that it is one (Newton's correction there; spectrum.analysis_point,
  spectrum.is_equilibrium),
* ``blocks``   the Hessian blocks at the point (:func:`gandynamics.analysis.solution_concepts.own_hessians`),
* ``zero-sum`` the symbolic zero-sum test (``L_G + L_D``: builds the game's losses),
* ``eig``      the eigenvalues of the n x n Jacobian with their radii (eigbounds.flow_reading),
* ``methods``  the stable steps of gd, eg, eftp, ogda (rates' step searches),
* ``classify`` the whole call (the point, the blocks, the verdicts), and ``total`` = field + classify.

``before`` is the algorithm of the previous version, run in the same process kind at the same sizes: each block a
sympy Hessian compiled by lambdify (``solution_concepts._symbolic_parts``), the eigenvalues of A decomposed again at
every step a search tries (``rates.local_rate`` per step, the eigenvalue memo off).  It is run up to ``--before-max``
parameters (with a timeout: it took more than 11 minutes at n = 100).  ``after`` is this version.  The growth
exponent is the least-squares slope of log(time) on log(n).

``--cli`` also times ``python -m gandynamics classify mlp --param k=K`` (cold and warm caches, wall clock with the
interpreter's start) at the largest size.  Target: n = 1,000 within about 10 s cold (with the game's derivation
cached: the field's own derivation is bench_scaling's) and 1-2 s warm, on a 2-vCPU machine.

Usage: ``python studies/bench_classify.py [--sizes 16,32,100,300,1000] [--before-max 32] [--cli]``
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_scaling import run_json, slope  # noqa: E402 (the studies' folder)

STAGES = ["field", "point", "blocks", "zero-sum", "eig", "methods", "classify", "total"]


def one(k: int, before: bool, forget: bool = False) -> dict:
    """In a child process: classify mlp(k) at its equilibrium, each stage timed (module docstring)."""
    t0 = time.perf_counter()
    import importlib

    from gandynamics import VectorField, games
    from gandynamics import eigbounds
    sc = importlib.import_module("gandynamics.analysis.solution_concepts")
    R = importlib.import_module("gandynamics.analysis.rates")
    out = {"import": time.perf_counter() - t0, "before": before}
    acc = {s: 0.0 for s in ("point", "blocks", "zero-sum", "eig", "methods")}

    def timed(stage, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                acc[stage] += time.perf_counter() - t
        return wrapper

    if before:  # the previous algorithm (module docstring)
        sc._parts = sc._symbolic_parts
        eigbounds.MEMO_SIZE = 0

        def per_step(method, A, n_theta=None, beta=0.0, n_g=1, n_d=1, **options):
            m, base = R._resolve(method)
            kw = R._kw(m, options, beta, n_g, n_d)

            def rate(h):
                if m.multipliers is not None and not base:
                    mult = m.multipliers(np.linalg.eigvals(np.asarray(A, dtype=float)).astype(complex), h, **kw)
                    if mult is not None:
                        return float(np.max(np.abs(mult)))
                return R.spectral_radius(R.iteration_matrix(method, A, h, n_theta, beta, n_g, n_d, **options))
            return rate
        R.rate_function = per_step
    sp_ = importlib.import_module("gandynamics.analysis.spectrum")
    for f in ("analysis_point", "is_equilibrium"):
        setattr(sp_, f, timed("point", getattr(sp_, f)))
    sc.own_hessians = timed("blocks", sc.own_hessians)
    sc.is_zero_sum = timed("zero-sum", sc.is_zero_sum)
    eigbounds.flow_reading = timed("eig", eigbounds.flow_reading)
    for f in ("optimal_step", "largest_stable_step", "smallest_stable_step", "unstable_at_every_step"):
        setattr(R, f, timed("methods", getattr(R, f)))
    t = time.perf_counter()
    fld = VectorField(games.mlp(k=k))
    out["field"] = time.perf_counter() - t
    if forget:  # the derivation cached, classify's facts of the losses not ("first")
        path = sc._facts_path(fld)
        if path is not None and path.exists():
            path.unlink()
    out["n"] = fld.n
    t = time.perf_counter()
    c = sc.classify(fld)
    out["classify"] = time.perf_counter() - t
    out["total"] = out["field"] + out["classify"]
    out.update(acc)
    out["verdicts"] = [c.local_nash, c.local_minimax, c.differential_stackelberg, c.flow_stable, c.spurious]
    out["eig_H_D"] = [float(np.min(c.hessians["eig_H_D"])), float(np.max(c.hessians["eig_H_D"]))]
    out["abscissa"] = float(np.max(c.hessians["eig_J"][:, 0]))
    out["gd_hmax"] = c.methods["gd"].get("largest_stable_step")
    return out


def child(k, cache, before, timeout, forget=False):
    cmd = ([sys.executable, __file__, "--child", str(k)] + (["--before"] if before else [])
           + (["--forget"] if forget else []))
    t = time.perf_counter()
    out = run_json(cmd, cache, timeout)
    if "timeout" not in out and "error" not in out:
        out["wall"] = time.perf_counter() - t
    return out


def cli(k, cache, timeout):
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=cache)
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "gandynamics", "-q", "classify", "mlp", "--param", f"k={k}"], env=env,
                       capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - t, r.returncode, r.stdout


def row(label, r):
    if "timeout" in r or "error" in r:
        return f"{label:>14} {r}"
    cells = " ".join(f"{r.get(s, float('nan')):9.3g}" for s in STAGES)
    return f"{label:>14} {cells}  [import {r['import']:.2f}]  verdicts {r['verdicts']}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="16,32,100,300,1000", help="numbers of parameters n (even, >= 4)")
    ap.add_argument("--before-max", type=int, default=32, help="largest n for the previous algorithm")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--cli", action="store_true", help="time the command line at the largest size, cold and warm")
    ap.add_argument("--child", type=int, metavar="K")
    ap.add_argument("--before", action="store_true")
    ap.add_argument("--forget", action="store_true")
    ap.add_argument("--cache-root", metavar="DIR", help="keep each size's cache in DIR/n<n> across runs (a size whose "
                    "cache exists is not run cold: its derivation, minutes at n = 1,000, is reused)")
    a = ap.parse_args(argv)
    if a.child is not None:
        print(json.dumps(one(a.child, a.before, a.forget)))
        return 0
    sizes = sorted(int(x) for x in a.sizes.split(","))
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"python {platform.python_version()}; load average {tuple(round(x, 2) for x in os.getloadavg())}")
    print("mlp, classify at the equilibrium (methods gd, eg, eftp, ogda); seconds per stage, after `import gandynamics`")
    print(f"{'n  run':>14} " + " ".join(f"{s:>9}" for s in STAGES))
    rows = {f"{t} {k}": [] for t in ("before", "after") for k in ("cold", "first", "warm")}
    for n in sizes:
        k = (n - 2) // 2
        for before in ([True, False] if n <= a.before_max else [False]):
            tag = "before" if before else "after"
            with tempfile.TemporaryDirectory() as tmp:
                cache = os.path.join(a.cache_root, f"n{n}") if a.cache_root else tmp
                runs = []
                if not (os.path.isdir(cache) and os.listdir(cache)):
                    runs.append(("cold", child(k, cache, before, a.timeout)))
                if not runs or "verdicts" in runs[-1][1]:
                    runs.append(("first", child(k, cache, before, a.timeout, forget=True)))
                    runs.append(("warm", child(k, cache, before, a.timeout)))
            for kind, r in runs:
                print(row(f"{n} {tag} {kind}", r), flush=True)
                if "total" in r:
                    rows[f"{tag} {kind}"].append((n, r["total"], r["classify"]))
            if before and "verdicts" in runs[-1][1]:
                print(f"{'':>14} load average {tuple(round(x, 2) for x in os.getloadavg())}")
    for key, rs in rows.items():
        if len(rs) >= 2:
            ns, tot, cls = zip(*rs)
            print(f"growth exponent (time ~ n^p), {key}, n = {ns[0]}..{ns[-1]}: total {slope(ns, tot):.2f}, "
                  f"classify {slope(ns, cls):.2f}")
    if a.cli:
        n = sizes[-1]
        with tempfile.TemporaryDirectory() as cache:
            tc, rc1, _ = cli((n - 2) // 2, cache, a.timeout)
            tw, rc2, out = cli((n - 2) // 2, cache, a.timeout)
        print(f"\ncommand line `python -m gandynamics -q classify mlp --param k={(n - 2) // 2}` (n = {n}, wall clock with "
              f"the interpreter's start): cold {tc:.1f} s (exit {rc1}), warm {tw:.2f} s (exit {rc2})")
        print("\n".join("    " + line for line in out.splitlines()[:6]))
    print(f"load average after: {tuple(round(x, 2) for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
