"""Benchmark: batch sweeps of the R1-regularized Dirac-GAN (standard loss) through the public API.

B trajectories x K steps (default 100,000 x 1,000), initial points uniform in [-2, 2]^2, gamma uniform in
[0, 1], h uniform in [0.01, 0.3] (one value per trajectory, zipped), for gd, eg and eftp, on the field
that gandynamics derives from sympy (M18 §2.2 + R1, docs/mathematics.md §1.7).  Measured side by side in one run:

* gandynamics ``sweep`` (all numba threads; also one thread), wall time of the whole call (equilibria,
  kernels, rate fit, table);
* a plain NumPy implementation of the same update rules vectorized over the batch (stable sigmoid via
  exp(-|t|); no divergence checks or rate samples, i.e. less work than the engine does);
* JAX ``jit(vmap(lax.scan))`` in float64, when JAX is installed;
* the practical SIMD limit (issue #16): a C kernel of the same update rules, built at run time with the
  system compiler (``$CC``, default ``gcc``) as ``-O3 -ffast-math -march=native -fopenmp`` (and once
  without ``-ffast-math``), blocked in 64 trajectories per inner loop so that GCC vectorizes the whole step
  including ``exp`` (glibc's libmvec: ``_ZGVeN8v_exp`` with AVX-512, ``_ZGVdN4v_exp`` with AVX2), run on the same number of threads
  (OpenMP, static schedule over blocks), doing the same work as the engine's kernel: the same
  trajectories, steps and recording points (distance to the equilibrium at the sweep's 65 recording
  steps, final states), but no divergence detection (under ``-ffast-math`` a NaN test is not even
  reliable).  Measured alternately with the sweep (several repetitions, the best of each), the load average noted;
* the first-call compile time (fresh cache, separate process) and the start-up time of a second process
  that loads the compiled kernels from the disk cache.

Figures are million trajectory-steps per second (Mts/s).  Run: ``python studies/bench_sweep.py``
(``--quick`` for B = 20,000; ``--write studies/RESULTS_sweep.md`` to save the table; ``--c-only`` for the
comparison with the C kernel alone).
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
    """The machine in one line: the CPU's model name with its family/model numbers and widest SIMD (the hosted
    machines all say "AMD EPYC", but were Zen 3, 4 and 5 on different days, and the ratios to the C kernel move with
    the vector width: AVX2 here is 4 doubles, AVX-512 8), LLVM's name for it, the thread counts, the versions."""
    cpu = platform.processor() or "?"
    fam = mod = ""
    simd = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                key, _, val = line.partition(":")
                key, val = key.strip(), val.strip()
                if key == "model name" and cpu in ("?", platform.processor()):
                    cpu = val
                elif key == "cpu family" and not fam:
                    fam = val
                elif key == "model" and not mod:
                    mod = val
                elif key == "flags" and simd == "?":
                    flags = set(val.split())
                    simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
    except OSError:
        pass
    try:
        import llvmlite.binding as llvm
        host = llvm.get_host_cpu_name()
    except Exception:  # noqa: BLE001  (only a label)
        host = "?"
    cpu = f"{cpu} (family {fam or '?'}, model {mod or '?'}, {simd}; LLVM host CPU {host})"
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


# ----------------------------------------------------------------------------------------------- C (SIMD limit)
C_SOURCE = r"""
#include <math.h>
#include <omp.h>
#define NB 64  /* trajectories per block: measured 8 / 16 / 32 / 64 -> 169 / 130 / 281 / 505 Mts/s (gd, 1 thread) */
/* the R1 Dirac-GAN, standard loss: s = sigmoid(-th ps) = 1/(1+exp(th ps)); F = (s ps, g ps - s th) */
void run(int method, long B, int K, const double *Z0, const double *G, const double *H, const double *ZS,
         const long *REC, int R, double *DIST, double *FINAL, int nthreads)
{
    long nblk = (B + NB - 1) / NB;
    #pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long blk = 0; blk < nblk; blk++) {
        long lo = blk * NB;
        int m = (B - lo < NB) ? (int)(B - lo) : NB;
        /* 64-byte aligned: unaligned, each AVX-512 load spans two cache lines and the kernel ran up to 1.6x slower in
           some processes than in others (the stack alignment of the call) */
        double th[NB] __attribute__((aligned(64))), ps[NB] __attribute__((aligned(64))), g[NB] __attribute__((aligned(64))),
               h[NB] __attribute__((aligned(64))), t0[NB] __attribute__((aligned(64))), t1[NB] __attribute__((aligned(64))),
               zs0[NB] __attribute__((aligned(64))), zs1[NB] __attribute__((aligned(64)));
        for (int b = 0; b < NB; b++) {        /* padding columns: copies of the first row, step 0 */
            long r = lo + (b < m ? b : 0);
            th[b] = Z0[2*r]; ps[b] = Z0[2*r+1]; g[b] = G[r]; h[b] = b < m ? H[r] : 0.0;
            zs0[b] = ZS[2*r]; zs1[b] = ZS[2*r+1];
        }
        int ri = 0;
        if (method == 2) {                    /* eftp: w_{-1} = z_0, so the first extrapolation uses F(z_0) */
            #pragma omp simd
            for (int b = 0; b < NB; b++) {
                double s = 1.0 / (1.0 + exp(th[b] * ps[b]));
                t0[b] = s * ps[b]; t1[b] = g[b] * ps[b] - s * th[b];
            }
        }
        for (int k = 0; k <= K; k++) {
            if (k > 0) {
                if (method == 0) {            /* gd */
                    #pragma omp simd
                    for (int b = 0; b < NB; b++) {
                        double s = 1.0 / (1.0 + exp(th[b] * ps[b]));
                        double f0 = s * ps[b], f1 = g[b] * ps[b] - s * th[b];
                        th[b] -= h[b] * f0; ps[b] -= h[b] * f1;
                    }
                } else if (method == 1) {     /* eg */
                    #pragma omp simd
                    for (int b = 0; b < NB; b++) {
                        double s = 1.0 / (1.0 + exp(th[b] * ps[b]));
                        double w0 = th[b] - h[b] * (s * ps[b]), w1 = ps[b] - h[b] * (g[b] * ps[b] - s * th[b]);
                        double s2 = 1.0 / (1.0 + exp(w0 * w1));
                        th[b] -= h[b] * (s2 * w1); ps[b] -= h[b] * (g[b] * w1 - s2 * w0);
                    }
                } else {                      /* eftp */
                    #pragma omp simd
                    for (int b = 0; b < NB; b++) {
                        double w0 = th[b] - h[b] * t0[b], w1 = ps[b] - h[b] * t1[b];
                        double s = 1.0 / (1.0 + exp(w0 * w1));
                        t0[b] = s * w1; t1[b] = g[b] * w1 - s * w0;
                        th[b] -= h[b] * t0[b]; ps[b] -= h[b] * t1[b];
                    }
                }
            }
            if (ri < R && REC[ri] == k) {     /* a recording step: distance to the equilibrium */
                for (int b = 0; b < m; b++) {
                    double d0 = th[b] - zs0[b], d1 = ps[b] - zs1[b];
                    DIST[(lo + b) * R + ri] = sqrt(d0 * d0 + d1 * d1);
                }
                ri++;
            }
        }
        for (int b = 0; b < m; b++) { FINAL[2*(lo+b)] = th[b]; FINAL[2*(lo+b)+1] = ps[b]; }
    }
}
"""

C_FLAGS = {"C -O3 -ffast-math": ["-O3", "-ffast-math", "-march=native", "-fopenmp"],
           "C -O3": ["-O3", "-march=native", "-fopenmp"]}


def small_pages(shape):
    """A zeroed float array in anonymous memory of ordinary (4 KB) pages, touched once.

    NumPy asks the kernel for transparent huge pages on every allocation of 4 MB or more; on this machine
    (``transparent_hugepage`` = madvise) whether it gets them varies from process to process, and the C kernel
    writing its 52 MB of distances into such an array ran at 415-466 instead of 575-800 Mts per CPU-s in two of
    three processes (gd and eftp, 1 thread; 3 of 3 normal with ``NUMPY_MADVISE_HUGEPAGE=0``; 2026-11-30). An
    anonymous ``mmap`` is never advised, so the reference measures the computation, not the page size it drew."""
    import mmap
    n = int(np.prod(shape))
    buf = mmap.mmap(-1, max(8 * n, 8))
    a = np.frombuffer(buf, dtype=np.float64, count=n).reshape(shape)
    a[...] = 0.0  # first touch here, not in the first timed call
    return a


MXCSR_SOURCE = r"""
#include <xmmintrin.h>
unsigned int mxcsr(void) { return _mm_getcsr() & ~0x3Fu; }  /* the mode bits, not the sticky exception flags */
"""


def _mxcsr_reader(cc, tmp):
    """A function returning the calling thread's SSE control register (MXCSR) without its exception flags (bit 15
    flush-to-zero, bit 6 denormals-are-zero, the rounding mode, the masks), built with ``cc`` without any
    fast-math flag; None off x86-64."""
    import ctypes
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    src, lib = os.path.join(tmp, "mxcsr.c"), os.path.join(tmp, "mxcsr.so")
    with open(src, "w") as fh:
        fh.write(MXCSR_SOURCE)
    subprocess.run([cc, "-O1", "-fPIC", "-shared", src, "-o", lib], check=True)
    fn = ctypes.CDLL(lib).mxcsr
    fn.restype = ctypes.c_uint
    return fn


def c_kernels(tmp):
    """Build the C kernel with each set of flags: ``{label: callable(method, inits, gam, h, K, rec, nthreads)}``
    (empty when no compiler is found)."""
    import ctypes
    import shutil
    cc = os.environ.get("CC", "gcc")
    if shutil.which(cc) is None:
        print(f"no C compiler ({cc}): the C reference is skipped", flush=True)
        return {}
    # libgomp's threads spin for a while after each parallel region (OMP_WAIT_POLICY unset: GOMP_SPINCOUNT =
    # 300,000), on the CPU the next measurement needs and inside this process: the engine's 1-thread sweep timed
    # after a 2-thread C call was charged their CPU time (gd 691 instead of 726 Mts per CPU-s, 2026-11-30 22:30) and its
    # 2-thread sweep lost a CPU to them (scaling 1.77x instead of 1.84x); passive, they sleep at once.  The C
    # kernel's own figures do not change (one parallel region of 60+ ms per call: the wake-up is microseconds)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # (read by libgomp when the first kernel library loads)
    src = os.path.join(tmp, "sweep_ref.c")
    with open(src, "w") as fh:
        fh.write(C_SOURCE)
    mxcsr = _mxcsr_reader(cc, tmp)
    out = {}
    for label, flags in C_FLAGS.items():
        lib = os.path.join(tmp, f"sweep_ref_{len(out)}.so")
        obj = lib[:-3] + ".o"
        # compiled with the flags, linked without them: GCC before 13 links crtfastmath.o into a *shared* library
        # built with -ffast-math, whose constructor sets flush-to-zero and denormals-are-zero (MXCSR 0x1f80 -> 0x9fc0)
        # in the thread that loads it -- this process's main thread, where the engine's one-thread sweeps then ran
        # with subnormals flushed (2026-12-02: MXCSR 0x1fa0 before the load, 0x9fe0 after, gcc 12.2).  Both sides
        # now run in IEEE mode (checked below).
        subprocess.run([cc, *flags, "-fPIC", "-c", src, "-o", obj], check=True)
        subprocess.run([cc, "-fopenmp", "-shared", obj, "-o", lib, "-lm", "-lmvec"], check=True)
        before = mxcsr() if mxcsr else None
        fn = ctypes.CDLL(lib).run
        if mxcsr and mxcsr() != before:
            raise RuntimeError(f"loading the C kernel changed the floating-point mode (MXCSR {before:#x} -> "
                               f"{mxcsr():#x}): the engine would be timed with subnormals flushed")
        P = ctypes.c_void_p
        fn.argtypes = [ctypes.c_int, ctypes.c_long, ctypes.c_int, P, P, P, P, P, ctypes.c_int, P, P, ctypes.c_int]

        buffers = {}

        def call(method, inits, gam, h, K, rec, nthreads, fn=fn, buffers=buffers):
            # the output arrays are allocated once and reused: a fresh 52 MB array's first touch costs the C kernel
            # (and the engine) 20-60 % more in some processes than in others (page faults, transparent huge pages
            # granted or not), which made this reference bimodal; reused, it measures the computation alone
            B = len(inits)
            z0 = np.ascontiguousarray(inits, dtype=float)
            g, hh = np.ascontiguousarray(gam, dtype=float), np.ascontiguousarray(h, dtype=float)
            rec = np.ascontiguousarray(rec, dtype=np.int64)
            key = (B, len(rec))
            if key not in buffers:
                buffers[key] = (small_pages((B, 2)), small_pages((B, len(rec))), small_pages((B, 2)))
            zs, dist, final = buffers[key]
            fn(["gd", "eg", "eftp"].index(method), B, int(K), z0.ctypes.data, g.ctypes.data, hh.ctypes.data,
               zs.ctypes.data, rec.ctypes.data, len(rec), dist.ctypes.data, final.ctypes.data, int(nthreads))
            return dist, final
        out[label] = call
    return out


def sweep_plan(fld, m, inits, gam, h, K):
    """The engine's :class:`~gandynamics.runs.engine.Plan` of this sweep, to time the kernels alone with ``run_rows``."""
    import importlib
    S = importlib.import_module("gandynamics.runs.sweep")
    return S.sweep_plan(fld, m, inits=inits, grid={"gamma": gam, "step": h}, steps=K, product=False)

#: seconds of pause after each C kernel call before the next measurement: a sweep timed right after a C call (AVX-512
#: on both cores) ran ~5 % slower (its 2 threads over 1: 1.64-1.77x where alone 1.87-1.90x, 2026-12-06)
C_PAUSE = 0.2


def versus_c(fld, inits, gam, h, K, repeat, nt, cks=None):
    """Sweep and C kernel alternately, ``repeat`` times per method: the best Mts/s of each (the shortest time), on
    ``nt`` threads (wall) and on one thread (wall and CPU-seconds of this process), for the whole ``sweep`` call and
    for the kernels alone (``run_rows`` on the sweep's plan, as the sweep runs them: distances into the scratch
    blocks its reading reads, the reading skipped).  Best rather than median: on a shared 2-CPU virtual machine the
    C kernel alone ran at 605-800 Mts/s (gd, 1 thread) in processes minutes apart, and the median of five then
    depends on which process it was; the best of each side is the comparison of what each can do."""
    import numba

    from gandynamics import sweep, verdict
    from gandynamics.runs.engine import alloc, run_rows
    rec = np.unique(np.round(np.linspace(0, K, 65)).astype(np.int64))  # the sweep's default recording steps
    B = len(inits)
    w = B * K / 1e6
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cks = c_kernels(tmp) if cks is None else cks
        if not cks:
            return rows
        fm = "C -O3 -ffast-math"
        for m in ("gd", "eg", "eftp"):
            plan = sweep_plan(fld, m, inits, gam, h, K)
            kout = alloc(plan, plan.rows, dist=False)  # reused (see c_kernels)
            skip = lambda r0, r1, dist: None  # noqa: E731  (the sweep's reading of each scratch block, skipped)
            t = {k: [] for k in ("sweep", "engine", "kernel", "sweep1", "engine1", "kernel1", "fm", "fm1", "nofm",
                                 "sweep1_cpu", "kernel1_cpu", "fm1_cpu", "sweep1_rows_cpu", "sweep1_noread_cpu")}
            load0 = os.getloadavg()[0]
            same_reading = True
            for _ in range(repeat):
                a = time.perf_counter()
                dist_c, final_c = cks[fm](m, inits, gam, h, K, rec, nt)
                t["fm"].append(time.perf_counter() - a)
                time.sleep(C_PAUSE)
                a = time.perf_counter()
                r = sweep(fld, m, inits=inits, grid={"gamma": gam, "step": h}, steps=K, product=False, progress=False)
                t["sweep"].append(time.perf_counter() - a)
                t["engine"].append(r.meta["seconds"])
                a = time.perf_counter()
                run_rows(plan, 0, plan.rows, kout, then=skip)
                t["kernel"].append(time.perf_counter() - a)
                a = time.perf_counter()
                cks["C -O3"](m, inits, gam, h, K, rec, nt)
                t["nofm"].append(time.perf_counter() - a)
                time.sleep(C_PAUSE)
                numba.set_num_threads(1)
                try:
                    a, c = time.perf_counter(), time.process_time()
                    r1 = sweep(fld, m, inits=inits, grid={"gamma": gam, "step": h}, steps=K, product=False, progress=False)
                    t["sweep1"].append(time.perf_counter() - a)
                    t["sweep1_cpu"].append(time.process_time() - c)
                    t["engine1"].append(r1.meta["seconds"])
                    a, c = time.perf_counter(), time.process_time()
                    run_rows(plan, 0, plan.rows, kout, then=skip)
                    t["kernel1"].append(time.perf_counter() - a)
                    t["kernel1_cpu"].append(time.process_time() - c)
                    verdict._VECTOR = False  # the reading row by row (before issue #16's grouped reading)
                    try:
                        c = time.process_time()
                        r0 = sweep(fld, m, inits=inits, grid={"gamma": gam, "step": h}, steps=K, product=False,
                                   progress=False)
                        t["sweep1_rows_cpu"].append(time.process_time() - c)
                    finally:
                        verdict._VECTOR = True
                    same_reading &= all(np.array_equal(r0.columns[c_], r1.columns[c_], equal_nan=c_ != "verdict")
                                        for c_ in ("rate", "tail_min", "tail_max", "verdict"))
                    # the whole call with its reading skipped (every row marked read, code 0): what the sweep costs
                    # beyond the steps when no row gets a rate fit or a verdict (the floor of the whole call)
                    read = verdict.Reader.read_checked  # (what the sweep's reading of each block calls)
                    verdict.Reader.read_checked = _skip_reading
                    try:
                        c = time.process_time()
                        sweep(fld, m, inits=inits, grid={"gamma": gam, "step": h}, steps=K, product=False,
                              progress=False)
                        t["sweep1_noread_cpu"].append(time.process_time() - c)
                    finally:
                        verdict.Reader.read_checked = read
                finally:
                    numba.set_num_threads(nt)
                a, c = time.perf_counter(), time.process_time()
                cks[fm](m, inits, gam, h, K, rec, 1)
                t["fm1"].append(time.perf_counter() - a)
                t["fm1_cpu"].append(time.process_time() - c)
                time.sleep(C_PAUSE)
            load1 = os.getloadavg()[0]
            fin = np.column_stack([r.columns[f"final_{n}"] for n in r.names])
            agree = float(np.max(np.abs(fin - final_c)))
            v = {k: w / float(np.min(x)) for k, x in t.items()}
            v.update(method=m, load=(load0, load1), agree=agree, same_reading=same_reading)
            rows.append(v)
            print({k: (round(x, 1) if isinstance(x, float) else x) for k, x in v.items()}, flush=True)
    return rows


def _skip_reading(self, lo, hi, dist, life, div):
    """``Reader.read_checked`` (the sweep's reading of each block) doing nothing but marking the rows read (code 0, no algebraic exponent, no tails):
    the sweep without its reading.  (Without the NaN, the algebraic column held whatever the memory held, and the
    sweep tested each such row's linearisation: 28 Mts/s; likewise tail_min since converging rows whose last distance
    is not their smallest are tested for standing at the rounding of F, session 46.)"""
    self._read[lo:hi] = True
    self._out[6, lo:hi] = 0.0
    self._out[4, lo:hi] = float("nan")
    self._out[7, lo:hi] = float("nan")


def scaling(fld, inits, gam, h, K, repeat, nt, c=None):
    """The whole ``sweep`` call on ``nt`` threads over one thread (issue #16's target: at least 1.8x on an idle
    machine), the two alternating with nothing else between (:func:`versus_c` runs the C kernels between them), in
    two states of memory: *reused*, each call's previous result dropped before it (its arrays come from memory the
    allocator holds, as the C kernel's buffers are allocated once: few page faults), then *fresh*, every result kept
    until the end (each call's arrays are new memory: ~3,800 page faults, about 1.7 us each on this project's
    virtual machine, 1,600 of them in the serial preparation of the rows, the rest where the threads first write).
    ``repeat`` rounds of each; the best and the median of each side, and the median page faults of a call (minor
    faults of this process, ``getrusage``).

    ``c``, the C kernel (``-O3 -ffast-math``, :func:`c_kernels`), is the control: in each round it also runs on
    ``nt`` threads and on one, after the two sweeps and followed by a pause (a sweep timed right after it runs ~5 %
    slower), so that its own scaling is measured in the same minutes and the same state of memory as the sweep's: its
    output arrays reused in the reused state, new and kept in the fresh state (55 MB a call for 100,000 rows: ~13,500
    page faults, in its threads).  With fresh memory on this project's virtual machine the C kernel's own ratio fell
    to 1.51-1.76x (2026-12-07, two idle runs at 15:13 and 15:16, studies/RESULTS_sweep.md) where the sweep's was
    1.60-1.93x: the machine's first touch of new pages, not a program's, limits the fresh state.  On this
    project's virtual machine the two vCPUs are not always two cores' worth: in some minutes an eg sweep on 2
    threads took 96-101 ms against 60 in the next (its 1-thread runs unchanged), and the C kernel's scaling falls with
    it; the ratio of the two ratios is the sweep's scaling against what the machine gave.  Returns one dict per
    method."""
    import resource

    import numba

    from gandynamics import sweep

    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    rec = np.unique(np.round(np.linspace(0, K, 65)).astype(np.int64))  # (the sweep's default recording steps)
    rows = []
    w = len(inits) * K / 1e6
    for m in ("gd", "eg", "eftp"):
        t, f = {}, {}
        for state in ("reused", "fresh"):
            kept = []
            r = sweep(fld, m, inits=inits, grid={"gamma": gam, "step": h}, steps=K, product=False, progress=False)
            for _ in range(repeat):
                for threads in (nt, 1):
                    numba.set_num_threads(threads)
                    try:
                        if state == "reused":
                            r = None  # (freed before the call: its memory is the next call's)
                        f0, a = faults(), time.perf_counter()
                        r = sweep(fld, m, inits=inits, grid={"gamma": gam, "step": h}, steps=K, product=False,
                                  progress=False)
                        t.setdefault((state, threads), []).append(time.perf_counter() - a)
                        f.setdefault((state, threads), []).append(faults() - f0)
                        if state == "fresh":
                            kept.append(r)
                    finally:
                        numba.set_num_threads(nt)
                if c is not None:
                    for threads in (nt, 1):
                        a = time.perf_counter()
                        if state == "reused":
                            c(m, inits, gam, h, K, rec, threads)
                        else:  # (new output arrays each call, all kept: the C kernel in fresh memory)
                            kept.append(c(m, inits, gam, h, K, rec, threads, buffers={}))
                        t.setdefault((state, "C", threads), []).append(time.perf_counter() - a)
                    time.sleep(C_PAUSE)
            del kept, r
        v = {"method": m}
        for state in ("reused", "fresh"):
            a, b = np.array(t[(state, nt)]), np.array(t[(state, 1)])
            v[state] = (w / a.min(), w / b.min(), b.min() / a.min(), float(np.median(b) / np.median(a)),
                        float(np.median(f[(state, nt)])), float(np.median(f[(state, 1)])))
        if c is not None:
            for state, key in (("reused", "C"), ("fresh", "C fresh")):
                a, b = np.array(t[(state, "C", nt)]), np.array(t[(state, "C", 1)])
                v[key] = (b.min() / a.min(), float(np.median(b) / np.median(a)))
        rows.append(v)
        print(v, flush=True)
    return rows


def scaling_table(rows, nt, repeat):
    control = all("C" in v and "C fresh" in v for v in rows)
    out = [f"**The whole call, {nt} threads over 1** (sweeps alone, alternating, {repeat} rounds; Mts/s of the best; "
           "'reused': each call's previous result dropped before it, as the C kernel's buffers above are reused; "
           "'fresh': every result kept, each call's arrays new memory; the median page faults of a call"
           + ("; 'C' and 'C fresh': the C kernel's own ratio in the same rounds of each state (its output arrays reused, "
              "or new and kept), the control; 'sweep / C': the sweep's ratio of bests over C's" if control else "") + "; see scaling):",
           "", f"| method | reused: {nt} thr | 1 thr | ratio of bests | of medians | faults | "
           + ("C: ratio of bests | of medians | sweep / C | " if control else "")
           + f"fresh: {nt} thr | 1 thr | ratio of bests | of medians | faults |"
           + ("C fresh: ratio of bests | of medians | sweep / C |" if control else ""),
           "|---|---|---|---|---|---|" + ("---|---|---|" if control else "") + "---|---|---|---|---|"
           + ("---|---|---|" if control else "")]
    for v in rows:
        a, b = v["reused"], v["fresh"]
        out.append(f"| {v['method']} | {a[0]:.0f} | {a[1]:.0f} | {a[2]:.2f}x | {a[3]:.2f}x | {a[4]:.0f}, {a[5]:.0f} | "
                   + (f"{v['C'][0]:.2f}x | {v['C'][1]:.2f}x | {a[2] / v['C'][0]:.2f} | " if control else "")
                   + f"{b[0]:.0f} | {b[1]:.0f} | {b[2]:.2f}x | {b[3]:.2f}x | {b[4]:.0f}, {b[5]:.0f} |"
                   + (f" {v['C fresh'][0]:.2f}x | {v['C fresh'][1]:.2f}x | {b[2] / v['C fresh'][0]:.2f} |"
                      if control else ""))
    return out


def c_table(rows, nt, repeat):
    out = [f"best of {repeat} alternating repetitions (see versus_c); Mts/s = million trajectory-steps per second; 'kernel' = the "
           "engine's kernels alone as the sweep runs them (run_rows on the sweep's plan, distances into the reading's scratch "
           "blocks, the reading skipped); 'sweep' = the whole call (equilibria, kernels, "
           "rate fit and verdicts, table, provenance); 'sweep, reading skipped' = the whole call with no row read (the "
           "floor of the whole call: the steps, the table, no rate fit or verdict); 'sweep, reading row by row' = the whole call with the rows "
           "read one by one (gandynamics.verdict._VECTOR = False, the reading before sweep3; the same numbers); C on the same "
           f"thread count, each of its calls followed by a pause of {C_PAUSE} s, its output arrays allocated once, "
           "OpenMP's idle threads "
           f"{os.environ.get('OMP_WAIT_POLICY', 'spinning').lower()} (OMP_WAIT_POLICY; see c_kernels)", "",
           f"**{nt} threads, wall clock** (meaningful only on an idle machine):", "",
           f"| method | C -O3 -ffast-math | kernel | kernel / C | sweep | sweep / C | C -O3 | kernel / C -O3 | "
           f"kernel {nt} thr / 1 thr | sweep {nt} thr / 1 thr | C {nt} thr / 1 thr | load avg (start, end) | "
           "max abs diff of final states, sweep vs C |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for v in rows:
        out.append(f"| {v['method']} | {v['fm']:.0f} | {v['kernel']:.0f} | {v['kernel'] / v['fm']:.2f}x | {v['sweep']:.0f} | "
                   f"{v['sweep'] / v['fm']:.2f}x | {v['nofm']:.0f} | {v['kernel'] / v['nofm']:.2f}x | "
                   f"{v['kernel'] / v['kernel1']:.2f}x | {v['sweep'] / v['sweep1']:.2f}x | {v['fm'] / v['fm1']:.2f}x | "
                   f"{v['load'][0]:.1f}, {v['load'][1]:.1f} | {v['agree']:.1e} |")
    out += ["", "**1 thread, per CPU-second of this process** (the comparison that survives a shared machine):", "",
            "| method | C -O3 -ffast-math | kernel | kernel / C | sweep | sweep / C | sweep, reading row by row | "
            "its / C | same rate, tails, verdicts | sweep, reading skipped | its / C |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for v in rows:
        out.append(f"| {v['method']} | {v['fm1_cpu']:.0f} | {v['kernel1_cpu']:.0f} | {v['kernel1_cpu'] / v['fm1_cpu']:.2f}x | "
                   f"{v['sweep1_cpu']:.0f} | {v['sweep1_cpu'] / v['fm1_cpu']:.2f}x | {v['sweep1_rows_cpu']:.0f} | "
                   f"{v['sweep1_rows_cpu'] / v['fm1_cpu']:.2f}x | {'bitwise' if v['same_reading'] else 'NO'} | "
                   f"{v['sweep1_noread_cpu']:.0f} | {v['sweep1_noread_cpu'] / v['fm1_cpu']:.2f}x |")
    return out


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
              steps=10, product=False, progress=False, engine="compiled")  # (auto would interpret them)
    t3 = time.perf_counter()
    print(t1 - t0, t2 - t1, t3 - t2)
""")


def child(cache):
    # both caches empty: the generated modules' and numba's (a NUMBA_CACHE_DIR of the caller's would hold the
    # compiled reading and the static kernels' machine code)
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=cache, NUMBA_CACHE_DIR=os.path.join(cache, "numba"))
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
    ap.add_argument("--c-only", action="store_true", help="only the comparison with the C kernel (SIMD limit)")
    ap.add_argument("--c-repeat", type=int, default=5, help="repetitions of the C comparison (best)")
    args = ap.parse_args(argv)
    B = 20_000 if args.quick else args.B
    K = args.K
    import numba

    from gandynamics import R1, VectorField, games, sweep

    lines = [f"machine: {machine()}", f"problem: R1 Dirac-GAN (standard loss), B = {B:,} trajectories x K = {K:,} steps, "
             "inits U[-2,2]^2, gamma U[0,1], h U[0.01,0.3]"]
    print(lines[0], flush=True)
    if args.c_only:
        fld = VectorField(games.dirac(), [R1()])
        inits, gam, h = data(B)
        sweep(fld, ["gd", "eg", "eftp"], inits=inits[:1024], grid={"gamma": gam[:1024], "step": h[:1024]}, steps=5,
              product=False)
        nt = numba.get_num_threads()
        with tempfile.TemporaryDirectory() as tmp:
            cks = c_kernels(tmp)
            out = "\n".join(lines + [""] + c_table(versus_c(fld, inits, gam, h, K, args.c_repeat, nt, cks), nt,
                                                   args.c_repeat)
                            + [""] + scaling_table(scaling(fld, inits, gam, h, K, args.c_repeat + 2, nt,
                                                           cks.get("C -O3 -ffast-math")), nt, args.c_repeat + 2))
        print()
        print(out)
        if args.write:
            with open(args.write, "a") as fh:
                fh.write("\n" + out + "\n")
        return

    # compile time (fresh cache) and second-process start (warm cache), in child processes
    with tempfile.TemporaryDirectory() as cache:
        imp1, field1, first = child(cache)
        imp2, field2, second = child(cache)
    comp = (f"first call in a fresh process with empty caches (engine='compiled': compiles the discrete kernel for "
            f"gd/eg/eftp and the reading): {first:.2f} s; "
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
    with tempfile.TemporaryDirectory() as tmp:
        cks = c_kernels(tmp)
        crow = versus_c(fld, inits, gam, h, K, args.c_repeat, nt, cks)
        srow = scaling(fld, inits, gam, h, K, args.c_repeat + 2, nt, cks.get("C -O3 -ffast-math"))
    out = "\n".join(lines + ["", "million trajectory-steps per second (wall time of the whole sweep call, best of "
                                 f"{args.repeat}):", ""] + table + ["", comp, "", "against the C kernel (SIMD limit):"]
                     + c_table(crow, nt, args.c_repeat) + [""] + scaling_table(srow, nt, args.c_repeat + 2))
    if have_jax:
        out += "\nJAX compile (first call, per method): " + ", ".join(f"{r['method']} {r['jax_compile']:.2f} s" for r in rows)
    print()
    print(out)
    if args.write:
        with open(args.write, "w") as fh:
            fh.write(out + "\n")


if __name__ == "__main__":
    main()
