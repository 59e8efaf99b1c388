"""Certified constants: time and box counts of the branch-and-bound, side by side with a uniform subdivision.

Cases
-----
1. Dirac-GAN, standard loss, R1 gamma = 0.3, ball of radius 1 around (0, 0), relative gap 1e-3 for both
   mu and L (target: under 5 s on the 2-core development machine).  Closed form for checking:
   mu(B_1) = -1/4 (docs/mathematics.md §4.4 with eps = 0).
2. A 4-parameter game from the examples: the LQ-WGAN (docs/mathematics.md §4.5; state (a, b, w1, w2), m = 0, s = 1)
   with the asymmetric scheme (eps = 0.5, gamma = 1, Tikhonov anchored at the equilibrium (1, 0)) on the
   ball of radius 0.2, relative gap 1e-2 (budget 30 s per constant).
3. The Dirac-GAN in 2 dimensions (dirac-nd d=2, 4 parameters) with R1 gamma = 0.3 on the ball of radius
   0.5, relative gap 1e-2 (budget 30 s per constant).  Hard on purpose: mu = -r^2/4 is attained on the
   whole circle theta = 0, |psi| = r, so the search must refine along a curve, not near a point.

Case 1 is repeated with the mean-value form intersected in (``mean_value=True``): fewer, dearer boxes.
The Weyl-type matrix bound adds ``||R||_2 = O(width)`` to every box, so the boxes needed near an extremum
grow like ``width^-(d-1)``: 4-parameter regions are much slower than 2-parameter ones.

Reference, in the same run: a *uniform* subdivision of the region's bounding box with as many boxes as the
branch-and-bound evaluated (same ball arithmetic, same Weyl bounds, no best-first refinement): the gaps it
reaches show what the best-first search buys.  Also the cost of one box (ball evaluation of DF + certified
matrix bounds) against one compiled float evaluation of DF.

Run: python studies/bench_constants.py
"""

from __future__ import annotations

import itertools
import math
import os
import platform
import time

import numpy as np

import gandynamics as g
from gandynamics.analysis.constants import certify_constants
from gandynamics.analysis.intervals import interval_jacobian, matrix_bounds


def uniform_bounds(fld, reg, p, boxes):
    """Certified (L_hi, mu_lo) from a uniform grid of about ``boxes`` boxes over the bounding box."""
    n = fld.n
    k = max(1, int(round(boxes ** (1.0 / n))))
    fi = interval_jacobian(fld)
    edges = [np.linspace(a, b, k + 1) for a, b in zip(reg.lo, reg.hi)]
    L_hi, mu_lo, used = -math.inf, math.inf, 0
    for idx in itertools.product(range(k), repeat=n):
        lo = np.array([edges[i][j] for i, j in enumerate(idx)])
        hi = np.array([edges[i][j + 1] for i, j in enumerate(idx)])
        if not reg.meets(lo, hi):
            continue
        used += 1
        a, b, _ = matrix_bounds(fi.on_box(lo, hi, p), n)
        L_hi, mu_lo = max(L_hi, a), min(mu_lo, b)
    return L_hi, mu_lo, used


def case(label, fld, region, tol=1e-3, closed=None, mean_value=False, max_seconds=30.0, reference=True):
    p = fld.param_vector()
    t0 = time.perf_counter()
    fld.compiled()
    interval_jacobian(fld)
    t_setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    rep = certify_constants(fld, region, tol=tol, max_seconds=max_seconds, max_boxes=10**6, asymmetric=False,
                            mean_value=mean_value)
    t = time.perf_counter() - t0
    print(f"\n{label}{'  [mean-value form]' if mean_value else ''}")
    print(f"  setup (compile DF, translate to arb): {t_setup:.2f} s")
    for name, b in (("mu", rep.mu), ("L", rep.lipschitz)):
        rel = b.gap / max(abs(b.lo), abs(b.hi))
        print(f"  {name:>2} in [{b.lo:.8g}, {b.hi:.8g}]  rel. gap {rel:.2e}  {b.boxes:6d} boxes  {b.seconds:6.2f} s  "
              f"{'converged' if b.converged else 'BUDGET'}")
    print(f"  total certify_constants (sampling + refinement + both searches): {t:.2f} s, {rep.boxes} boxes")
    if closed is not None:
        print(f"  closed form mu = {closed:.8g}: inside the bracket: {rep.mu.lo <= closed <= rep.mu.hi + 1e-15}")
    if not reference:
        return t
    # reference: a uniform grid with the same number of boxes
    reg = rep.region
    t0 = time.perf_counter()
    L_u, mu_u, used = uniform_bounds(fld, reg, p, rep.boxes)
    tu = time.perf_counter() - t0
    print(f"  uniform grid, {used} boxes meeting the region ({tu:.2f} s): L_hi = {L_u:.6g} (rel. gap "
          f"{(L_u - rep.lipschitz.lo) / rep.lipschitz.lo:.2e}), mu_lo = {mu_u:.6g} (rel. gap "
          f"{(rep.mu.hi - mu_u) / abs(rep.mu.hi):.2e})")
    print(f"  ratio of relative gaps, uniform / branch-and-bound: L {((L_u - rep.lipschitz.lo) / rep.lipschitz.gap):.0f}x, "
          f"mu {((rep.mu.hi - mu_u) / rep.mu.gap):.0f}x")
    # per-box cost against a float evaluation
    fi = interval_jacobian(fld)
    m = fld.compiled()
    lo, hi = reg.lo + 0.1 * (reg.hi - reg.lo), reg.lo + 0.12 * (reg.hi - reg.lo)
    N = 2000
    t0 = time.perf_counter()
    for _ in range(N):
        matrix_bounds(fi.on_box(lo, hi, p), fld.n)
    tb = (time.perf_counter() - t0) / N
    out = np.empty((fld.n, fld.n))
    z = 0.5 * (lo + hi)
    t0 = time.perf_counter()
    for _ in range(N):
        m.jacobian(z, p, out)
    tf = (time.perf_counter() - t0) / N
    print(f"  one certified box {tb * 1e6:.0f} us vs one compiled float DF {tf * 1e6:.1f} us (ratio {tb / tf:.0f}x)")
    return t


def main():
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    fld = g.VectorField(g.games.dirac(), [g.R1(gamma=0.3)])
    t = case("Dirac-GAN + R1 (gamma 0.3), ball radius 1, tol 1e-3", fld, "ball:1", closed=-0.25)
    print(f"  target < 5 s: {'met' if t < 5 else 'MISSED'} ({t:.2f} s)")
    case("Dirac-GAN + R1 (gamma 0.3), ball radius 1, tol 1e-3", fld, "ball:1", closed=-0.25, mean_value=True,
         reference=False)
    # docs/mathematics.md §4.5 with a Tikhonov anchor at the equilibrium: mu(B_r) = eps - 2 r (the theta block
    # eps I - 2 w2 I reaches its minimum at w2 = r), here 0.1
    lq = g.VectorField(g.games.make_game("lq-wgan", m=0.0, s=1.0), [g.Asymmetric(eps=0.5, gamma=1.0, anchor="1,0")])
    case("LQ-WGAN (a, b, w1, w2) + asymmetric (eps 0.5, gamma 1, anchor (1, 0)), ball radius 0.2, tol 1e-2", lq,
         "ball:0.2", tol=1e-2, closed=0.1)
    d2 = g.VectorField(g.games.dirac_nd(2), [g.R1(gamma=0.3)])
    case("Dirac-GAN d=2 (4 parameters) + R1 (gamma 0.3), ball radius 0.5, tol 1e-2", d2, "ball:0.5", tol=1e-2,
         closed=-0.25 * 0.25)


if __name__ == "__main__":
    main()
