"""Certified constants: the Arb engine box by box (``order=1``, the previous code path) against the vectorised
second-order engine (``order=2``: mean-value form with interval second derivatives, many boxes per call),
measured in one run on the same machine.  Issue #15 targets:

1. ``dirac-nd`` d = 2 (4 parameters) with R1 (gamma 0.3) on ``ball:1``: relative gap 1e-3 within the default
   budget (20000 boxes, 30 s per constant).  Closed form mu = -r^2/4 = -0.25 (docs/mathematics.md §4.4).
2. An 8-parameter game, relative gap 1e-2 within 60 s per constant: ``dirac-nd`` d = 4 with R1 on
   ``ball:0.5``.  Closed form mu = -0.0625.  (``jare-gaussian`` n = 4 was tried: deriving DF takes 37 s and
   translating its 64 entries 91 s on this machine, before any second derivative; not usable yet.)
3. The Dirac-GAN (2 parameters) with R1 on ``ball:1`` at tolerances 1e-3 .. 1e-6, where both engines
   converge: the boxes each needs show the order of the enclosures.

For each: the bracket, its relative gap, boxes, seconds and boxes per second for both engines.

Also the throughput of the bound alone (boxes per second, both engines, same boxes).

Run: python studies/bench_constants.py [--quick] [--case=1|2] [--order=1|2] [--throughput]
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time

import gandynamics as g
from gandynamics.analysis.constants import certify_constants


def run(label, fld, region, tol, max_seconds, order, closed):
    t0 = time.perf_counter()
    rep = certify_constants(fld, region, tol=tol, max_seconds=max_seconds, max_boxes=10**7 if max_seconds > 30 else 20000,
                            asymmetric=False, order=order, progress=False)
    t = time.perf_counter() - t0
    rows = []
    for name, b in (("mu", rep.mu), ("L", rep.lipschitz)):
        rel = b.gap / max(abs(b.lo), abs(b.hi))
        rows.append((label, order, name, b.lo, b.hi, rel, b.boxes, b.seconds, b.boxes / max(b.seconds, 1e-9),
                     "converged" if b.converged else "budget"))
    ok = rep.mu.lo <= closed <= rep.mu.hi + 1e-15
    return rows, t, ok


def throughput(label, fld, region, nboxes=512):
    """Boxes per second of the bound alone (no search): ``nboxes`` boxes of 1/64 of the region's width."""
    import numpy as np
    from gandynamics.analysis.constants import _as_region, _make_bounder
    p = fld.param_vector()
    reg = _as_region(region, fld, None)
    rng = np.random.default_rng(0)
    w = (reg.hi - reg.lo) / 64
    c = reg.project(reg.center if reg.center is not None else 0.5 * (reg.lo + reg.hi))
    C = c + rng.uniform(-0.3, 0.3, (nboxes, fld.n)) * (reg.hi - reg.lo)
    LO, HI = C - w / 2, C + w / 2
    out = []
    for order in (1, 2):
        b = _make_bounder(fld, p, "mu", order, False, reg)
        b(LO[:4], HI[:4])
        t0 = time.perf_counter()
        for k in range(0, nboxes, 128):
            b(LO[k:k + 128], HI[k:k + 128])
        out.append(nboxes / (time.perf_counter() - t0))
    print(f"| {label} | bound only, {nboxes} boxes | order 1: {out[0]:.0f} boxes/s | order 2: {out[1]:.0f} boxes/s "
          f"| ratio {out[1] / out[0]:.1f}x |", flush=True)


def main():
    quick = "--quick" in sys.argv
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    cases = [("dirac-nd d=2 + R1 0.3, ball:1, tol 1e-3", g.VectorField(g.games.dirac_nd(2), [g.R1(gamma=0.3)]),
              "ball:1", 1e-3, 10.0 if quick else 30.0, -0.25),
             ("dirac-nd d=4 (8 params) + R1 0.3, ball:0.5, tol 1e-2", g.VectorField(g.games.dirac_nd(4), [g.R1(gamma=0.3)]),
              "ball:0.5", 1e-2, 20.0 if quick else 60.0, -0.0625)]
    # convergence order where both engines converge: the Dirac-GAN (2 parameters), tolerance 1e-3 .. 1e-6
    dirac = g.VectorField(g.games.dirac(), [g.R1(gamma=0.3)])
    for tol in (1e-3, 1e-4, 1e-5, 1e-6):
        cases.append((f"dirac + R1 0.3, ball:1, tol {tol:g}", dirac, "ball:1", tol, 30.0, -0.25))
    print("| case | order | const | bracket | rel. gap | boxes | s | boxes/s | state |")
    print("|---|---|---|---|---|---|---|---|---|")
    only = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--case=")]
    orders = [int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--order=")] or [1, 2]
    for i, (label, fld, region, tol, secs, closed) in enumerate(cases):
        if only and str(i + 1) not in only:
            continue
        for order in orders:
            rows, t, ok = run(label, fld, region, tol, secs, order, closed)
            for r in rows:
                print(f"| {r[0]} | {r[1]} | {r[2]} | [{r[3]:.8g}, {r[4]:.8g}] | {r[5]:.2e} | {r[6]} | {r[7]:.1f} | "
                      f"{r[8]:.0f} | {r[9]} |")
            print(f"|  |  |  | closed form mu = {closed} inside: {ok}; total {t:.1f} s |  |  |  |  |  |", flush=True)
    if "--throughput" in sys.argv or not only:
        print()
        for i, (label, fld, region, tol, secs, closed) in enumerate(cases):
            if not only or str(i + 1) in only:
                throughput(label, fld, region)


if __name__ == "__main__":
    main()
