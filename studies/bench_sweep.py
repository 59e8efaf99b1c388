"""Benchmark: batch sweeps of the R1-regularized Dirac-GAN (standard loss) through the public API.

B trajectories x K steps (default 100,000 x 1,000), initial points uniform in [-2, 2]^2, gamma uniform in
[0, 1], h uniform in [0.01, 0.3] (one value per trajectory, zipped), for gd, eg and eftp, on the field
that gandynamics derives from sympy (M18 §2.2 + R1, docs/mathematics.md §1.7).  Measured side by side in one run:

* gandynamics ``sweep`` (all numba threads; also one thread), wall time of the whole call (equilibria,
  kernels, rate fit, table);
* a plain NumPy implementation of the same update rules vectorized over the batch (stable sigmoid via
  exp(-|t|); no divergence checks or rate samples, i.e. less work than the engine does);
* JAX ``jit(vmap(lax.scan))`` in float64, when JAX is installed;
* the first-call compile time (fresh cache, separate process) and the start-up time of a second process
  that loads the compiled kernels from the disk cache.

Figures are million trajectory-steps per second (Mts/s).  Run: ``python studies/bench_sweep.py``
(``--quick`` for B = 20,000; ``--write studies/RESULTS_sweep.md`` to save the table).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import numba
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (f"{platform.platform()}; CPU: {cpu}; os.cpu_count() = {os.cpu_count()}; numba threads = "
            f"{numba.get_num_threads()}; Python {platform.python_version()}, numpy {np.__version__}, numba "
            f"{numba.__version__}; load average at start {load[0]:.2f}")


def data(B, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-2, 2, (B, 2)), rng.uniform(0, 1, B), rng.uniform(0.01, 0.3, B)


def best(fn, repeat):
    """(best wall time, best CPU time of this process summed over its threads) over ``repeat`` runs."""
    ts, cs = [], []
    for _ in range(repeat):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
        cs.append(time.process_time() - c)
    return min(ts), min(cs)


# ----------------------------------------------------------------------------------------------- NumPy
def np_sigmoid(x):
    e = np.exp(-np.abs(x))
    r = 1.0 / (1.0 + e)
    return np.where(x >= 0, r, e * r)


def np_F(th, ps, g):
    s = np_sigmoid(-th * ps)
    return s * ps, g * ps - s * th


def numpy_run(method, inits, gam, h, K):
    th, ps = inits[:, 0].copy(), inits[:, 1].copy()
    if method == "gd":
        for _ in range(K):
            f0, f1 = np_F(th, ps, gam)
            th -= h * f0
            ps -= h * f1
    elif method == "eg":
        for _ in range(K):
            f0, f1 = np_F(th, ps, gam)
            f0, f1 = np_F(th - h * f0, ps - h * f1, gam)
            th -= h * f0
            ps -= h * f1
    elif method == "eftp":
        g0, g1 = np_F(th, ps, gam)
        for _ in range(K):
            g0, g1 = np_F(th - h * g0, ps - h * g1, gam)
            th -= h * g0
            ps -= h * g1
    return th, ps


# ----------------------------------------------------------------------------------------------- JAX
def jax_runner(method, K):
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax import lax

    def sig(x):
        e = jnp.exp(-jnp.abs(x))
        r = 1.0 / (1.0 + e)
        return jnp.where(x >= 0, r, e * r)

    def F(z, g):
        s = sig(-z[0] * z[1])
        return jnp.stack([s * z[1], g * z[1] - s * z[0]])

    def one(z0, g, h):
        if method == "gd":
            def body(z, _):
                return z - h * F(z, g), None
            z, _ = lax.scan(body, z0, None, length=K)
            return z
        if method == "eg":
            def body(z, _):
                w = z - h * F(z, g)
                return z - h * F(w, g), None
            z, _ = lax.scan(body, z0, None, length=K)
            return z

        def body(c, _):
            z, gp = c
            gn = F(z - h * gp, g)
            return (z - h * gn, gn), None
        (z, _), _ = lax.scan(body, (z0, F(z0, g)), None, length=K)
        return z

    return jax.jit(jax.vmap(one))


# ----------------------------------------------------------------------------------------------- processes
CHILD = textwrap.dedent("""
    import time, sys
    t0 = time.perf_counter()
    import numpy, sympy, numba
    t1 = time.perf_counter()
    import numpy as np
    from gandynamics import VectorField, R1, games, sweep
    fld = VectorField(games.dirac(), [R1()])
    rng = np.random.default_rng(0)
    t2 = time.perf_counter()
    for m in ("gd", "eg", "eftp"):
        sweep(fld, m, inits=rng.uniform(-2, 2, (64, 2)), grid={"gamma": rng.uniform(0, 1, 64)}, step=0.1,
              steps=10, product=False, progress=False)
    t3 = time.perf_counter()
    print(t1 - t0, t2 - t1, t3 - t2)
""")


def child(cache):
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=cache)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--B", type=int, default=100_000)
    ap.add_argument("--K", type=int, default=1_000)
    ap.add_argument("--numpy-K", type=int, default=100, help="steps timed for NumPy (its cost is linear in K)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="B = 20,000")
    ap.add_argument("--write", metavar="FILE", help="also write the markdown table to FILE")
    args = ap.parse_args(argv)
    B = 20_000 if args.quick else args.B
    K = args.K
    import numba

    from gandynamics import R1, VectorField, games, sweep

    lines = [f"machine: {machine()}", f"problem: R1 Dirac-GAN (standard loss), B = {B:,} trajectories x K = {K:,} steps, "
             "inits U[-2,2]^2, gamma U[0,1], h U[0.01,0.3]"]
    print(lines[0], flush=True)

    # compile time (fresh cache) and second-process start (warm cache), in child processes
    with tempfile.TemporaryDirectory() as cache:
        imp1, field1, first = child(cache)
        imp2, field2, second = child(cache)
    comp = (f"first call in a fresh process with an empty cache (compiles gd/eg/eftp: one kernel): {first:.2f} s; "
            f"second process with the cache: {field2 + second:.2f} s beyond the {imp2:.2f} s import of numpy/sympy/numba "
            f"(building the sympy field {field2:.2f} s, loading the kernels and three tiny sweeps {second:.2f} s)")
    print(comp, flush=True)

    fld = VectorField(games.dirac(), [R1()])
    inits, gam, h = data(B)
    grid = {"gamma": gam, "step": h}
    sweep(fld, ["gd", "eg", "eftp"], inits=inits[:1024], grid={"gamma": gam[:1024], "step": h[:1024]}, steps=5,
          product=False)  # load/compile (also the row-wise equilibrium check used above 256 rows)

    try:
        import jax  # noqa: F401
        have_jax = True
    except ImportError:
        have_jax = False

    rows = []
    nt = numba.get_num_threads()
    for m in ("gd", "eg", "eftp"):
        run = lambda: sweep(fld, m, inits=inits, grid=grid, steps=K, product=False, progress=False)
        t_all, c_all = best(run, args.repeat)
        numba.set_num_threads(1)
        t_one, c_one = best(run, args.repeat)
        numba.set_num_threads(nt)
        Kn = args.numpy_K
        t_np, c_np = best(lambda: numpy_run(m, inits, gam, h, Kn), args.repeat)
        t_np, c_np = t_np * K / Kn, c_np * K / Kn
        w = B * K / 1e6
        r = {"method": m, "gd": w / t_all, "gd1": w / t_one, "np": w / t_np,
             "gd_cpu": w / c_all, "gd1_cpu": w / c_one, "np_cpu": w / c_np}
        if have_jax:
            import jax
            f = jax_runner(m, K)
            zi, gi, hi = jax.numpy.asarray(inits), jax.numpy.asarray(gam), jax.numpy.asarray(h)
            t = time.perf_counter()
            f(zi, gi, hi).block_until_ready()
            r["jax_compile"] = time.perf_counter() - t
            t_jax, c_jax = best(lambda: f(zi, gi, hi).block_until_ready(), args.repeat)
            r["jax"], r["jax_cpu"] = w / t_jax, w / c_jax
        rows.append(r)
        print({k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()}, flush=True)

    head = "| method | gandynamics (%d threads) | gandynamics (1 thread) | NumPy (vectorized) | ratio vs NumPy |" % nt
    sep = "|---|---|---|---|---|"
    if have_jax:
        head += " JAX jit(vmap(scan)) | ratio vs JAX |"
        sep += "---|---|"
    table = [head, sep]
    cpu = ["| method | gandynamics (%d threads) | gandynamics (1 thread) | NumPy | JAX |" % nt, "|---|---|---|---|---|"]
    for r in rows:
        line = f"| {r['method']} | {r['gd']:.1f} | {r['gd1']:.1f} | {r['np']:.1f} | {r['gd'] / r['np']:.2f}x |"
        if have_jax:
            line += f" {r['jax']:.1f} | {r['gd'] / r['jax']:.2f}x |"
        table.append(line)
        cpu.append(f"| {r['method']} | {r['gd_cpu']:.1f} | {r['gd1_cpu']:.1f} | {r['np_cpu']:.1f} | "
                   + (f"{r['jax_cpu']:.1f} |" if have_jax else "- |"))
    table += ["", "the same runs per CPU-second of this process (Mts per CPU-s; less sensitive to other load on the "
                  "machine; NumPy runs on one core):", ""] + cpu
    out = "\n".join(lines + ["", "million trajectory-steps per second (wall time of the whole sweep call, best of "
                                 f"{args.repeat}):", ""] + table + ["", comp])
    if have_jax:
        out += "\nJAX compile (first call, per method): " + ", ".join(f"{r['method']} {r['jax_compile']:.2f} s" for r in rows)
    print()
    print(out)
    if args.write:
        with open(args.write, "w") as fh:
            fh.write(out + "\n")


if __name__ == "__main__":
    main()
