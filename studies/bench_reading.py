"""Benchmark: the reading of runs (rate fit and verdict, ``gandynamics.verdict.Reader``) on its own.

B runs (default 100,000) x the sweep's 65 sample steps of K = 1,000 steps, distances of geometric decays
``rho^k (1 + 0.1 cos 0.3 k)`` (rho uniform in [0.95, 0.99]: what gd's sweep of the R1 Dirac-GAN reads) and, with
``--power``, a tenth of them power laws ``(k + k0)^p`` (the rows the algebraic-decay test reads again); one thread,
the rows in sample-major layout as the sweep hands them over, the best of ``--repeat`` calls after one to compile.

``--against DIR`` times another checkout of the project (a directory holding its ``gandynamics`` package, e.g. a
``git worktree`` of an earlier commit) in alternating child processes, each with its own numba cache, so that the
two readings are measured side by side in one run under the same load.  Run:
``python studies/bench_reading.py --against /path/to/other/checkout``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def child(B: int, repeat: int, power: bool) -> dict:
    import numpy as np
    from gandynamics.runs.validate import sample_steps
    from gandynamics.verdict import Reader
    idx = np.asarray(sample_steps(1000, 65), float)
    rng = np.random.default_rng(0)
    rho = rng.uniform(0.95, 0.99, B)
    dist = (rho[None, :] ** idx[:, None]) * (1 + 0.1 * np.cos(idx[:, None] * 0.3))
    if power:
        k = np.maximum(idx, 1.0)[:, None]
        cols = slice(0, B // 10)
        dist[:, cols] = (k + rng.uniform(0, 300, B // 10)[None, :]) ** rng.uniform(-2, -0.5, B // 10)[None, :]
    dist = np.ascontiguousarray(dist)
    life = np.full(B, 1000.0)
    div = np.full(B, -1, np.int64)
    reader = Reader(idx, B)
    reader.read_sample_major(0, B, dist, life, div)  # (compiled, or loaded from the cache)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        reader.read_sample_major(0, B, dist, life, div)
        best = min(best, time.perf_counter() - t)
    return {"ms": best * 1e3}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--B", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3, help="alternations of the two checkouts (with --against)")
    ap.add_argument("--power", action="store_true", help="a tenth of the rows power laws")
    ap.add_argument("--against", metavar="DIR", help="another checkout, timed alternately")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.B, args.repeat, args.power)))
        return 0
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    trees = [("this checkout", here)] + ([("--against", os.path.abspath(args.against))] if args.against else [])
    caches = {name: tempfile.mkdtemp(prefix="gd-bench-reading-") for name, _ in trees}
    print(f"load average {os.getloadavg()[0]:.2f}; B = {args.B:,}, 65 samples, one thread, best of {args.repeat}")
    results = {name: [] for name, _ in trees}
    for _ in range(args.rounds):
        for name, tree in trees:
            env = dict(os.environ, PYTHONPATH=tree, NUMBA_CACHE_DIR=caches[name], NUMBA_NUM_THREADS="1")
            cmd = [sys.executable, os.path.abspath(__file__), "--child", "--B", str(args.B), "--repeat",
                   str(args.repeat)] + (["--power"] if args.power else [])
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
            results[name].append(json.loads(out.stdout.strip().splitlines()[-1])["ms"])
    for name, ms in results.items():
        print(f"{name:>14}: {' '.join(f'{m:6.2f}' for m in ms)} ms   (best {min(ms):.2f})")
    if args.against:
        a, b = min(results["this checkout"]), min(results["--against"])
        print(f"this checkout / --against: {a / b:.3f} (best against best)")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
