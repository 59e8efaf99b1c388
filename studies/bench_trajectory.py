"""One trajectory (simulate) and a few rows (a small sweep): the kernels' active width against stepping whole blocks.

A block of the kernels holds NB columns (256 for a small field); it used to step all of them whatever its rows, so
that one trajectory cost as much as 256.  The kernels now step the block's active width (its rows rounded up to
``kernels.common.LANES`` columns).  Measured side by side in one process, interleaved rounds, best of each:

* ``active``: the library as it is;
* ``whole``: the same module with ``NW = NB`` (every block stepped whole: the behaviour before), compiled apart;
* ``scalar``: a hand-written numba loop of the same update for one trajectory (libm's exp, no checks, no
  recording): the floor of a single trajectory's step, and an independent check of the final state.

Field: the R1 Dirac-GAN (gamma = 0.3); step 1e-6 so that the states stay normal numbers over the run (a run that
converges to subnormal states times the CPU's subnormal arithmetic, not the kernels).

Run: python studies/bench_trajectory.py [--steps 2e6] [--rounds 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import time

import numba
import numpy as np


@numba.njit(cache=False)
def _scalar(method, th, ps, h, g, K):
    """gd / eg / eftp on F = (psi s, gamma psi - theta s), s = sigmoid(-theta psi), one trajectory."""
    def F(t, p):
        s = 1.0 / (1.0 + math.exp(t * p))
        return p * s, g * p - t * s
    if method == 2:  # eftp: w_k = z_k - h F(w_{k-1}), z_{k+1} = z_k - h F(w_k)
        ft, fp = F(th, ps)
        for _ in range(K):
            wt, wp = th - h * ft, ps - h * fp
            ft, fp = F(wt, wp)
            th, ps = th - h * ft, ps - h * fp
        return th, ps
    for _ in range(K):
        ft, fp = F(th, ps)
        if method == 1:  # eg: F at the extrapolated point
            ft, fp = F(th - h * ft, ps - h * fp)
        th, ps = th - h * ft, ps - h * fp
    return th, ps


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=float, default=2e6)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_sweep import machine

    from gandynamics import R1, VectorField, games
    from gandynamics.runs import engine
    from gandynamics.runs.sweep import sweep_plan

    print("machine:", machine())
    K = int(args.steps)
    h = 1e-6
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    line = "        NW = min(NB, -(-m // LANES) * LANES)\n"
    for method, code in (("gd", 0), ("eg", 1), ("eftp", 2)):
        for rows in (1, 10):
            inits = np.tile([[1.0, 1.0]], (rows, 1))
            plan = sweep_plan(fld, method, inits=inits, step=h, steps=K, progress=False)
            plan = dataclasses.replace(plan, engine="compiled")
            assert line in plan.source
            whole = dataclasses.replace(plan, source=plan.source.replace(line, "        NW = NB\n"))
            for p in (plan, whole):  # compile (or load) before timing
                engine.warm(p)
            _scalar(code, 1.0, 1.0, h, 0.3, 10)
            best = {"active": math.inf, "whole": math.inf, "scalar": math.inf}
            for _ in range(args.rounds):
                for name, p in (("active", plan), ("whole", whole)):
                    t = time.perf_counter()
                    out = engine.run_rows(p, 0, rows)
                    best[name] = min(best[name], time.perf_counter() - t)
                    if name == "active":  # (the library's own run is the one checked)
                        final = out["final"][0]
                t = time.perf_counter()
                ref = _scalar(code, 1.0, 1.0, h, 0.3, K)
                best["scalar"] = min(best["scalar"], (time.perf_counter() - t) * (rows if rows > 1 else 1))
            dev = float(np.max(np.abs(final - np.array(ref)) / np.abs(np.array(ref))))
            ns = {k: v / K * 1e9 for k, v in best.items()}
            print(f"{method:5s} {rows:3d} row(s) x {K:.0e} steps: active {ns['active']:7.1f} ns/step, whole blocks "
                  f"{ns['whole']:7.1f} ({ns['whole'] / ns['active']:4.1f}x slower), scalar loop"
                  f"{' x rows' if rows > 1 else ''} {ns['scalar']:6.1f} (active/scalar {ns['active'] / ns['scalar']:4.2f}); "
                  f"final state vs scalar: {dev:.1e} relative", flush=True)


if __name__ == "__main__":
    main()
