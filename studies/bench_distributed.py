"""The cluster path of `sweep` against the local path, side by side in one run.

A gradient-descent sweep of the d-dimensional Dirac-GAN with R1 (``dirac-nd``, 2d parameters; default
d = 50: the 100-parameter game of issue 7) over (initial point x gamma x step), sized so that the local
sweep on all cores takes about ``--seconds`` (default 20 s), is run

1. locally, numba on all cores (the default sweep: ``prange`` over blocks of trajectories);
2. locally, numba on 1 core;
3. on a 1-worker ``LocalCluster`` (1 process, numba limited to 1 thread);
4. on a 2-worker ``LocalCluster`` (2 processes x 1 thread each; each uses 1 core).

Every run is the full ``sweep(...)`` call (plan, equilibria, chunk sizing, scatter, gather; the clusters
are started and their workers have loaded the compiled module before timing — start-up is printed apart).
Every table is checked bitwise against the local one.  Printed: seconds, throughput (trajectories/s and
trajectory-steps/s), the overhead of the cluster path over the local path at equal cores
(``t_cluster / t_local - 1``: 1 worker vs local on 1 core, 2 workers vs local on 2 cores; target < 10 %),
and the efficiency of 2 workers vs 1 (``t_1 / (2 t_2)``).

On a machine shared with other jobs the wall-clock ratios are noisy: the load average is printed before
and after, the configurations are interleaved and ``--repeats N`` keeps the best of N.  The share of the
cluster sweep's wall time during which the workers were idle (from Dask's task stream: compute time of
the chunks vs workers x wall time) isolates the cluster path's own overhead and is less sensitive to load.

Run: python studies/bench_distributed.py [--seconds 20] [--d 50] [--repeats 1]
     python studies/bench_distributed.py --quick        # d = 10, ~4 s sweeps: a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time

import numpy as np


def machine() -> str:
    import dask
    import numba
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} CPUs ({cpus} usable), Python {platform.python_version()}, numba {numba.__version__} "
            f"({numba.config.THREADING_LAYER} layer), dask {dask.__version__}")


def loadavg() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:  # pragma: no cover
        return "load average n/a"


def same(a, b) -> bool:
    for k in a.columns:
        x, y = np.asarray(a.columns[k]), np.asarray(b.columns[k])
        if x.dtype.kind == "f":
            if not np.array_equal(x.view(np.int64), y.view(np.int64)):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20.0, help="target duration of the local sweep on all cores")
    ap.add_argument("--d", type=int, default=50, help="dimension of dirac-nd (2d parameters)")
    ap.add_argument("--repeats", type=int, default=1, help="keep the best of N timings per configuration")
    ap.add_argument("--quick", action="store_true", help="d = 10 and 4 s sweeps")
    args = ap.parse_args()
    if args.quick:
        args.d, args.seconds = 10, 4.0

    import numba

    from gandynamics import R1, VectorField, games
    from gandynamics.distributed import local_cluster
    from gandynamics.simulate import sweep

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(machine())
    print(loadavg(), "(start)")
    t = time.perf_counter()
    fld = VectorField(games.make_game("dirac-nd", d=args.d), [R1(gamma=0.3)])
    print(f"game: dirac-nd d={args.d} with R1 ({fld.n} parameters); symbolic field {time.perf_counter() - t:.1f} s")

    rng = np.random.default_rng(0)
    inits = 0.5 * rng.normal(size=(8, fld.n))
    grid = {"gamma": np.linspace(0.1, 1.0, 16), "step": np.linspace(0.02, 0.2, 8)}  # 8 x 16 x 8 = 1024 rows
    rows = len(inits) * 16 * 8

    def run(steps, client=None):
        return sweep(fld, "gd", inits=inits, grid=grid, steps=steps, client=client, progress=False)

    t = time.perf_counter()
    run(10)  # compile (or load numba's cache)
    print(f"compile or cache load: {time.perf_counter() - t:.1f} s")
    # calibrate: steps such that the local sweep on all cores lasts about --seconds
    probe = 400
    t = time.perf_counter()
    run(probe)
    per_step = (time.perf_counter() - t) / probe
    steps = max(100, int(args.seconds / per_step))
    print(f"sweep: gd, {rows} trajectories x {steps} steps = {rows * steps:.3g} trajectory-steps")

    from distributed import get_task_stream

    ncores = {"local, all cores": cores, "local, 1 core": 1, "cluster, 1 worker": 1, "cluster, 2 workers": 2}
    best = {k: np.inf for k in ncores}
    tables, busy, chunks = {}, {}, {}
    with contextlib.ExitStack() as stack:
        clients = {}
        for n in (1, 2):
            t = time.perf_counter()
            c = stack.enter_context(local_cluster(n, threads_per_worker=1, env={"NUMBA_NUM_THREADS": "1"}))
            run(10, c)  # workers load the compiled module (numba cache) once
            clients[n] = c
            print(f"cluster of {n}: start-up + worker warm-up {time.perf_counter() - t:.1f} s")
        for rep in range(args.repeats):  # interleaved, so that a burst of load on the machine hits all alike
            for label in ncores:
                client = None
                if label.startswith("cluster"):
                    client = clients[ncores[label]]
                numba.set_num_threads(1 if label == "local, 1 core" else cores)
                ts = get_task_stream(client) if client is not None else contextlib.nullcontext()
                with ts as stream:
                    t0 = time.perf_counter()
                    res = run(steps, client)
                    sec = time.perf_counter() - t0
                if sec < best[label]:
                    best[label], tables[label] = sec, res
                    if client is not None:
                        busy[label] = sum(ss["stop"] - ss["start"] for task in stream.data
                                          for ss in task.get("startstops", ()) if ss.get("action") == "compute")
                        chunks[label] = (res.meta["chunks"], res.meta["chunk_size"], res.meta.get("seconds_per_row"))
        numba.set_num_threads(cores)
    print(loadavg(), "(end)")
    results = {k: (best[k], tables[k]) for k in ncores}
    reference = tables["local, all cores"]
    for label, (nch, size, spr) in chunks.items():
        print(f"{label}: {nch} chunks of {size} rows (measured {spr * 1e3:.3g} ms per trajectory on one core); "
              f"workers computed {busy[label]:.2f} s of {best[label] * ncores[label]:.2f} s available "
              f"({100 * busy[label] / (best[label] * ncores[label]):.0f} % busy)")

    print()
    print(f"{'configuration':<22} {'cores':>5} {'seconds':>8} {'traj/s':>9} {'traj-steps/s':>13}  identical")
    for label, (sec, res) in results.items():
        print(f"{label:<22} {ncores[label]:>5} {sec:>8.2f} {rows / sec:>9.1f} {rows * steps / sec:>13.3g}  "
              f"{'yes' if same(reference, res) else 'NO'}")
    t_l1 = results["local, 1 core"][0]
    t_l2 = results["local, all cores"][0]
    t_c1 = results["cluster, 1 worker"][0]
    t_c2 = results["cluster, 2 workers"][0]
    print()
    print(f"overhead of the cluster path at 1 core : {100 * (t_c1 / t_l1 - 1):+.1f} %  (1 worker vs local on 1 core)")
    if cores == 2:
        over = 100 * (t_c2 / t_l2 - 1)
        print(f"overhead of the cluster path at 2 cores: {over:+.1f} %  (2 workers vs local on 2 cores; "
              f"target < 10 %: {'met' if over < 10 else 'NOT met'})")
    else:
        print(f"(2 workers use 2 of {cores} cores: compare with local on 1 core x 2: "
              f"{100 * (t_c2 / (t_l1 / 2) - 1):+.1f} %)")
    print(f"efficiency of 2 workers vs 1           : {100 * t_c1 / (2 * t_c2):.1f} %  (t_1 / (2 t_2))")
    for label in ("cluster, 1 worker", "cluster, 2 workers"):
        idle = 100 * (1 - busy[label] / (best[label] * ncores[label]))
        print(f"{label}: workers idle {idle:.1f} % of the sweep's wall time (orchestration, chunk tail, "
              f"plan shipping; less sensitive to other load on the machine than the ratios above)")
    print(f"local speed-up, all cores vs 1 core    : {t_l1 / t_l2:.2f}x")
    return 0 if all(same(reference, r) for _, r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
