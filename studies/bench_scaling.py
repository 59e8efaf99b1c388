"""Growth with dimension: from sympy losses to eigenvalues, each stage timed separately.

For ``mlp`` (1-D data, no hidden bias: n = 2 + 2k = 4, 8, ..., 128 parameters) and ``dirac-nd``
(n = 2d, d = 1 .. 64) this measures, each in a fresh process with an empty cache ("cold"):

* ``F``        building the game and deriving F = (grad_theta L_G, grad_psi L_D) (gandynamics.symdiff),
* ``DF``       the symbolic Jacobian (used by the entry-by-entry route for n <= 12; the forward-mode route
  for larger n needs none, so ``cold`` excludes it there),
* ``DF_sympy`` the reference: the same Jacobian by ``sympy.Matrix.jacobian`` (the pipeline before this
  change), measured side by side up to ``--ref-max`` parameters; the ratio column is DF_sympy / DF,
* ``gen``      common subexpressions + printing the numba module,
* ``compile``  numba compilation of ``field`` and ``jacobian`` (first calls),
* ``evalJ``    one Jacobian evaluation (median of 200, compiled),
* ``spectrum`` ``gandynamics.spectrum`` at the equilibrium (nonsmooth check + eigenvalues),
* ``cold``     the whole chain in the cold process (losses -> eigenvalues),
* ``warm``     the whole chain in a second process that finds the generated source and numba's machine code
  in the cache.

The growth exponent is the least-squares slope of log(time) on log(n) over the sizes measured.  Target
(issue 5): n = 100 from losses to eigenvalues in < 60 s cold and < 2 s warm.

Large games (issue 16, ``--large 250,500,1000``; ``--large ...,10000`` for the growth up to 10,000): the mlp
from sympy losses to its 10 leading eigenvalues (``spectrum(fld, k=10)``: ARPACK on Jacobian-vector products,
nothing compiled), each size cold (fresh process, empty caches) and warm (second process: the derivation cache
keyed on the game's definition skips the losses, F, cse and printing), with the dense eigenvalues of the
Jacobian by central differences of F (independent of the JVP) as the reference at the smallest size
(studies/bench_leading_eigenvalues.py).  Target: n =
1,000 within 120 s cold and 5 s warm; the growth exponents of cold and warm.

Usage: ``python studies/bench_scaling.py [--quick] [--max-n 128] [--ref-max 32] [--large 250,500,1000]``
(``--max-n 0 --target 0 --large 1000`` for the n = 1,000 target alone).
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

STAGES = ["F", "DF", "DF_sympy", "gen", "compile", "evalJ", "spectrum", "cold"]


def one(game: str, size: int, ref: bool, warm: bool) -> dict:
    """Run in a child process: time every stage for one game and size."""
    t_start = time.perf_counter()
    import sympy as sp

    from gandynamics import VectorField, games, spectrum
    t_import = time.perf_counter() - t_start
    out = {"import": t_import}
    t0 = time.perf_counter()
    model = games.mlp(k=(size - 2) // 2) if game == "mlp" else games.dirac_nd(d=size // 2)
    fld = VectorField(model)
    out["F"] = time.perf_counter() - t0
    out["n"] = fld.n
    if warm:
        rep = spectrum(fld)
        out["warm"] = time.perf_counter() - t0
        out["abscissa"] = float(rep.spectral_abscissa)
        return out
    t = time.perf_counter()
    DF = fld.DF
    out["DF"] = time.perf_counter() - t
    t = time.perf_counter()
    m = fld.compiled()
    out["gen"] = time.perf_counter() - t
    z, p = fld.equilibrium, fld.param_vector()
    t = time.perf_counter()
    m.field(z, p, np.empty(fld.n))
    m.jacobian(z, p, np.empty((fld.n, fld.n)))
    out["compile"] = time.perf_counter() - t
    t = time.perf_counter()
    rep = spectrum(fld)
    out["spectrum"] = time.perf_counter() - t
    out["cold"] = time.perf_counter() - t0 - (out["DF"] if fld.n > fld.DENSE_MAX else 0.0)  # DF unused then
    buf = np.empty((fld.n, fld.n))
    ts = []
    for _ in range(200):
        t = time.perf_counter()
        m.jacobian(z, p, buf)
        ts.append(time.perf_counter() - t)
    out["evalJ"] = float(np.median(ts))
    if ref:
        t = time.perf_counter()
        DF_ref = fld.F.jacobian(fld.z)
        out["DF_sympy"] = time.perf_counter() - t
        # the two Jacobians agree (numerically at a random point)
        rng = np.random.default_rng(0)
        pt = dict(zip(fld.z, rng.normal(size=fld.n) * 0.5))
        a = np.array(DF.xreplace(pt).evalf(), dtype=float)
        b = np.array(DF_ref.xreplace(pt).evalf(), dtype=float)
        out["DF_agree"] = float(np.abs(a - b).max())
    # compiled (forward-mode route for n > 12) against the symbolic DF at the equilibrium
    sym = np.array(DF.xreplace(dict(zip(fld.z, [sp.Float(v) for v in z]))).evalf(), dtype=float)
    out["J_vs_symbolic"] = float(np.abs(-rep.jacobian - sym).max())
    out["abscissa"] = float(rep.spectral_abscissa)
    return out


def run_json(cmd, cache, timeout) -> dict:
    """Run ``cmd`` (a child process of a benchmark) with ``cache`` as its GANDYNAMICS_CACHE_DIR: the JSON object of its
    last line of output, ``{"timeout": timeout}`` or ``{"error": its last line of standard error}``."""
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=cache)
    try:
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def child(game, size, cache, ref, warm, timeout):
    return run_json([sys.executable, __file__, "--child", game, str(size)] + (["--ref"] if ref else [])
                    + (["--warm"] if warm else []), cache, timeout)


def slope(ns, ts):
    ns, ts = np.asarray(ns, float), np.asarray(ts, float)
    ok = np.isfinite(ts) & (ts > 0)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(ns[ok]), np.log(ts[ok]), 1)[0])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes up to 32 only")
    ap.add_argument("--max-n", type=int, default=128)
    ap.add_argument("--ref-max", type=int, default=32, help="largest n for the sympy.jacobian reference")
    ap.add_argument("--games", default="mlp,dirac-nd")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--target", type=int, default=100, help="mlp size for the cold/warm target check (0: skip)")
    ap.add_argument("--large", default="250,500,1000",
                    help="mlp sizes for the leading-eigenvalue chain, cold and warm (empty: skip; up to 10000)")
    ap.add_argument("--child", nargs=2, metavar=("GAME", "N"))
    ap.add_argument("--ref", action="store_true")
    ap.add_argument("--warm", action="store_true")
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(one(a.child[0], int(a.child[1]), a.ref, a.warm)))
        return 0
    max_n = min(32, a.max_n) if a.quick else a.max_n
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, python {platform.python_version()}; load average {os.getloadavg()}")
    for game in a.games.split(",") if max_n else []:
        sizes = [n for n in (2, 4, 8, 16, 32, 64, 128) if n <= max_n and (game != "mlp" or n >= 4)]
        rows = []
        print(f"\n{game}: seconds per stage (cold = fresh process and cache; warm = second process)")
        head = f"{'n':>4} " + " ".join(f"{s:>9}" for s in STAGES) + f" {'warm':>7} {'ratio':>7} {'|J-DF|':>8}"
        print(head)
        for n in sizes:
            with tempfile.TemporaryDirectory() as cache:
                r = child(game, n, cache, n <= a.ref_max, False, a.timeout)
                if "timeout" in r or "error" in r:
                    print(f"{n:>4} {r}")
                    rows.append({"n": n})
                    break
                r.update({"warm": child(game, n, cache, False, True, a.timeout).get("warm", float("nan"))})
            rows.append(r)
            ratio = r["DF_sympy"] / r["DF"] if "DF_sympy" in r and r["DF"] > 0 else float("nan")
            cells = " ".join(f"{r.get(s, float('nan')):9.3g}" for s in STAGES)
            print(f"{n:>4} {cells} {r['warm']:7.3g} {ratio:7.3g} {r.get('J_vs_symbolic', float('nan')):8.1e}", flush=True)
        good = [r for r in rows if "cold" in r]
        if len(good) >= 2:
            ns = [r["n"] for r in good]
            print("growth exponent (time ~ n^p): " + ", ".join(
                f"{s} {slope(ns, [r.get(s, np.nan) for r in good]):.2f}" for s in STAGES + ["warm"]))
    if a.target and "mlp" in a.games.split(","):
        with tempfile.TemporaryDirectory() as cache:
            r = child("mlp", a.target, cache, False, False, a.timeout)
            w = child("mlp", a.target, cache, False, True, a.timeout)
        cold, warm = r.get("cold", float("nan")) + r.get("import", 0.0), w.get("warm", float("nan")) + w.get("import", 0.0)
        print(f"\ntarget: mlp with n = {a.target}, losses -> eigenvalues (including `import gandynamics`): "
              f"cold {cold:.1f} s (target < 60), warm {warm:.2f} s (target < 2); "
              f"spectral abscissa {r.get('abscissa', float('nan')):.3g} (cold) vs {w.get('abscissa', float('nan')):.3g} (warm)")
    if a.large:
        large(sorted(int(x) for x in a.large.split(",")))
    print(f"load average after: {tuple(round(x, 2) for x in os.getloadavg())}")
    return 0


def large(sizes) -> None:
    """The leading-eigenvalue chain for large mlp games, cold and warm (see the module docstring)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_leading_eigenvalues import run as run_large
    print(f"\nlarge mlp, losses -> 10 leading eigenvalues (spectrum(fld, k=10), nothing compiled); seconds after "
          f"`import gandynamics` (import in brackets); load average {tuple(round(x, 2) for x in os.getloadavg())}")
    print(f"{'n':>6} {'F':>8} {'gen':>8} {'eigs':>8} {'cold':>8} {'warm':>8}  leading Re(lambda)  reference")
    rows = []
    for i, n in enumerate(sizes):
        with tempfile.TemporaryDirectory() as cache:
            c = run_large((n - 2) // 2, cache, ref=(i == 0))
            w = run_large((n - 2) // 2, cache)
        rows.append((c["n"], c["total"], w["total"]))
        same = max(abs(complex(*x) - complex(*y)) for x, y in zip(c["eig"], w["eig"]))
        print(f"{c['n']:>6} {c['F']:>8.2f} {c['gen']:>8.2f} {c['eigs']:>8.2f} {c['total']:>8.2f} {w['total']:>8.2f}  "
              f"{c['eig'][0][0]:+.3e}  warm-cold {same:.1e}"
              + (f"; dense eigvals {c['dense']:.2f} s, max gap {c['dense_gap']:.1e}" if "dense" in c else "")
              + f"  [import {c['import']:.2f} / {w['import']:.2f}]", flush=True)
        if c["n"] == 1000:
            print(f"target n = 1000 (including import): cold {c['total'] + c['import']:.1f} s (< 120), "
                  f"warm {w['total'] + w['import']:.2f} s (< 5)", flush=True)
    if len(rows) > 1:
        ns, cs, ws = (np.log(np.array(x, dtype=float)) for x in zip(*rows))
        print(f"growth exponent (time ~ n^p) over n = {sizes[0]}..{sizes[-1]}: cold {np.polyfit(ns, cs, 1)[0]:.2f}, "
              f"warm {np.polyfit(ns, ws, 1)[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
