"""Running rows of a :class:`Plan` on the compiled kernels or in the interpreter (threads, chunks of steps,
interruption).

A plan's ``engine`` (:func:`choose_engine`) is ``"compiled"`` (numba) or ``"interpreted"`` (the same kernel
source run by Python with numba's IEEE semantics, :func:`gandynamics.codegen.load_interpreted`, one thread,
block width of at most 8 columns): a short run is interpreted rather than waiting seconds for the compiler.

A :class:`Plan` is picklable (the generated module's *source text* plus the row arrays), so the same rows run
here or on a Dask worker (:mod:`gandynamics.distributed`).  :func:`run_rows` runs rows ``[lo, hi)``, split
into contiguous ranges run by ``numba.get_num_threads()`` threads (the kernels release the GIL; no number
depends on the split).  With ``step_chunk`` the steps are run in chunks (the state carried between them) and
Ctrl-C between chunks stops the run, keeping what finished (:class:`Interrupted`).  With ``then`` the
distances of each range of rows go to a small scratch block that ``then`` reads in the same thread right
after the kernel (a sweep's reading: no array of every row's distances, no second pass over memory).
"""

from __future__ import annotations

import threading
import time

import numpy as np

from .. import codegen
from ..log import notice_if_slow
from ..kernels import DEFAULT_NB
from ..methods import CODES, GROUPS
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["Plan", "alloc", "run_rows", "threaded", "warm", "Interrupted", "choose_engine", "ENGINES", "StepChunks"]


class StepChunks:
    """The sizes of the chunks of steps of :func:`run_rows` (``step_chunk=``), set by the time they take: ``first``
    steps, then each chunk as many steps as take about ``seconds`` at the pace of the chunk before it (at most
    :data:`GROWTH` times its steps, at least one step); ``seconds=None``: every chunk ``first`` steps.

    A chunk's size from an estimate of the work alone waited out the estimate's error before a Ctrl-C was honoured:
    a game of 8 parameters with ``tanh`` costs 60 ns a step where the estimate counted 4 ns, and a sweep of its 80
    rows x 5e6 steps took 87 s to stop.  Timed chunks stop within about ``seconds`` after the first chunk whatever
    the field costs.  The sizes never change a number: the state is carried between chunks (:func:`run_rows`).
    One object may serve several calls (a sweep's ranges of rows): each starts at the size the last one reached.
    """

    #: a chunk has at most this many times the steps of the one before it (a first chunk timed at a moment the
    #: machine was busy elsewhere must not make the next one take minutes)
    GROWTH = 8

    def __init__(self, first: int, seconds: float | None = None):
        self.size = max(1, int(first))
        self.seconds = seconds

    def after(self, steps: int, elapsed: float) -> None:
        """A chunk of ``steps`` steps took ``elapsed`` seconds: the next one's size."""
        if self.seconds is None or steps < 1:
            return
        pace = self.seconds / elapsed if elapsed > 0.0 else float(self.GROWTH)
        self.size = max(1, min(self.GROWTH * steps, int(steps * pace)))


class Interrupted(Exception):
    """Ctrl-C between two chunks of steps: ``steps_done`` steps of every row finished (results kept)."""

    def __init__(self, steps_done: int, result: dict):
        super().__init__(f"interrupted after {steps_done} steps")
        self.steps_done, self.result = steps_done, result


@dataclass
class Plan:
    """Everything needed to run rows of a sweep anywhere (picklable: source text, no dispatcher).

    Rows are ordered method-major: ``method_index`` is non-decreasing.
    """

    source: str
    kernels: list                 # kernel name per method index
    method_index: np.ndarray      # (B,) int
    Z0: np.ndarray                # (B, n)
    P: np.ndarray                 # (B, n_p)
    H: np.ndarray                 # (B, 2)
    BETA: np.ndarray              # (B,)
    ZSTAR: np.ndarray             # (B, n)
    K: int
    rec_idx: np.ndarray           # (R,) int64
    record: bool
    bound: float
    box: np.ndarray               # (n, 2)
    use_box: bool
    iopt: np.ndarray              # per method index: (n_methods, 8) int64 (methods.base.IOPT_SLOTS)
    fopt: np.ndarray              # per method index: (n_methods, 8) (methods.base.FOPT_SLOTS)
    engine: str = "compiled"      # "compiled" or "interpreted" (:func:`choose_engine`)

    @property
    def rows(self) -> int:
        return int(self.Z0.shape[0])

    @property
    def n(self) -> int:
        return int(self.Z0.shape[1])


def alloc(plan: Plan, m: int, dist: bool = True, unset: bool = False) -> dict:
    """Result arrays for ``m`` rows (``dist=False``: no distances, they go to ``run_rows(then=...)``).  ``divat`` is
    -1 in every row (not diverged), or with ``unset`` undefined until the kernels write it: they write it for every
    row they run, and its pages are then first touched in the threads that run them (a caller with rows not run sets
    theirs)."""
    R = len(plan.rec_idx)
    return {
        "final": np.empty((m, plan.n)),
        "dist": np.empty((m if dist else 0, R)),
        "divat": np.empty(m, dtype=np.int64) if unset else np.full(m, -1, dtype=np.int64),
        "reason": np.zeros(m, dtype=np.int64),
        "rec": np.full((m, R, plan.n), np.nan) if plan.record else np.zeros((1, 1, plan.n)),
    }


def run_rows(plan: Plan, lo: int, hi: int, out: dict | None = None, step_chunk: int | None = None,
             then=None, progress=None, meanwhile=None) -> dict:
    """Run rows ``[lo, hi)`` of ``plan``; returns ``{"final", "dist", "divat", "reason", "rec"}`` for them.

    With ``out`` (arrays for all rows, as from a full allocation) the kernels write into its rows
    ``[lo, hi)`` in place and the same dict is returned.  With ``step_chunk`` (a number of steps, or a
    :class:`StepChunks`: sizes that follow the time the chunks take) the ``K`` steps run in chunks, the state
    carried between them (the numbers are those of one call); a Ctrl-C
    (KeyboardInterrupt) during a chunk lets the running chunk finish and raises :class:`Interrupted` with the
    rows' results so far (``final`` the state after the last finished chunk, later distances NaN).

    With ``then`` (a callable ``then(r0, r1, dist)``, not with ``step_chunk``) the distances are not kept:
    each range of rows (about :data:`SCRATCH_BYTES` of distances) runs into a scratch block ``dist`` of shape
    (R, r1 - r0), *sample-major* (``dist[j]`` the rows' distances at their j-th recording step: what the reading
    reads with rows in vector lanes, stored by the kernels without a transposition), and ``then`` is called on it,
    in the thread that ran it, once its ``final``, ``divat`` and ``reason``
    rows are written; ``r0``, ``r1`` are plan rows.  The result's ``dist`` is then left untouched (it may be
    allocated empty: ``alloc(plan, m, dist=False)``).  The scratch block is reused for the thread's next range
    (and for the same thread's ranges in later calls) once ``then`` returns: ``then`` copies what it keeps.
    With ``progress`` (a callable ``progress(k_done, K)``) the steps done are reported before each chunk of
    ``step_chunk`` steps and once at the end.
    With ``meanwhile`` (a function of no arguments: the caller's work that does not depend on these rows) the
    calling thread runs it once, after its first range of kernel blocks while the pool's threads run theirs
    (:func:`threaded`), or after the rows where no thread pool runs them (the interpreted engine); not when an
    exception ends the call first (a Ctrl-C does not: it is held until the chunk's ranges have run).
    """
    if then is not None and step_chunk:
        raise ValueError("run_rows: then= reads whole runs; it cannot be combined with step_chunk")
    mod = _module(plan)
    if out is None:
        res = alloc(plan, hi - lo, dist=then is None)
        off = lo
    else:
        res = out
        off = 0
        # the kernels write rows [lo, hi) of these arrays without bounds checks: refuse arrays without room for them
        R = len(plan.rec_idx)
        need = {"final": (hi, plan.n), "divat": (hi,), "reason": (hi,)}
        if then is None:
            need["dist"] = (hi, R)
        if plan.record:
            need["rec"] = (hi, R, plan.n)
        for key, shape in need.items():
            have = np.shape(res[key])
            if len(have) != len(shape) or have[0] < shape[0] or tuple(have[1:]) != shape[1:]:
                raise ValueError(f"run_rows: out[{key!r}] of shape {have} has no room for rows [{lo}, {hi}) "
                                 f"(at least {shape} needed; alloc(plan, m, dist=False) only with then=)")
    K = int(plan.K)
    # the chunk ends, each decided as it is reached (a list of them for --steps 1e15 was 10^9 integers, built
    # before the first step, silently; a StepChunks sizes each from the time of the one before)
    sizes = step_chunk if isinstance(step_chunk, StepChunks) else StepChunks(step_chunk or K)
    n = plan.n
    state = np.zeros((hi - lo, 6, n)) if sizes.size < K else np.zeros((1, 1, n))
    k0 = 0
    while True:
        k1 = min(k0 + sizes.size, K)
        if progress is not None:
            progress(k0, K)
        t0 = time.perf_counter()
        try:
            _run_range(mod, plan, lo, hi, res, off, state, k0, k1, k1 == K, then, meanwhile)
            meanwhile = None  # (run by the first chunk of steps)
        except KeyboardInterrupt:
            a, b = lo - off, hi - off
            R = res["dist"].shape[1]
            later = plan.rec_idx > k1
            for key in ("dist",):
                res[key][a:b, later[:R]] = np.nan
            if plan.record:
                res["rec"][a:b][:, later] = np.nan
            raise Interrupted(k1, res) from None
        sizes.after(k1 - k0, time.perf_counter() - t0)
        k0 = k1
        if k0 >= K:
            break
    if progress is not None:
        progress(K, K)
    return res


#: with ``run_rows(then=...)``, the rows of a range handed to ``then`` at once hold about this many bytes of
#: distances (half the 1 MiB L2 cache of a current core: the block is read while it is in cache)
SCRATCH_BYTES = 1 << 19
#: ... and about at least this many trajectory-steps (so that the per-range calls stay a small cost on short runs)
SCRATCH_MIN_STEPS = 2_000_000


def _run_range(mod, plan, lo, hi, res, off, state, k0, k1, last, then=None, meanwhile=None):
    """Steps ``k0 .. k1`` of rows ``[lo, hi)`` (:func:`run_rows`), each method's rows on the threads; ``meanwhile``
    run once in the calling thread, during the first method's threads (:func:`threaded`) or at the end."""
    mi = plan.method_index
    start = lo
    while start < hi:
        k = int(mi[start])
        stop = start + int(np.searchsorted(mi[start:hi], k, side="right"))
        kname = plan.kernels[k]
        group = GROUPS[kname]
        fn = _kernel(mod, kname)
        if group == "dopri5":
            width = 1
            run = (lambda u0, u1, args: mod.run_dopri5(u0, u1, *args))
        else:
            code = CODES[kname]
            width = getattr(mod, "NB", DEFAULT_NB)
            run = (lambda u0, u1, args, code=code, fn=fn: fn(code, u0, u1, *args))
        if plan.engine != "interpreted":  # (subnormals flushed to zero while a compiled kernel runs: _fpenv)
            run = _flushing(run)
        rows = stop - start
        nb = width
        if group != "dopri5" and plan.engine != "interpreted":
            width = unit_width(rows, nb, getattr(mod, "LANES", nb))
        units = (rows + width - 1) // width

        def args_for(a, b, dist, k=k, start=start, tdist=False):
            """The kernel's arguments for plan rows ``[start + a, start + b)`` (``dist`` their distances: (b - a, R),
            or (R, b - a) with ``tdist``)."""
            r0, r1 = start + a, start + b
            o0, o1 = r0 - off, r1 - off
            rec = res["rec"][o0:o1] if plan.record else res["rec"]
            st = state[r0 - lo:r1 - lo] if state.shape[1] == 6 else state
            return (plan.Z0[r0:r1], plan.P[r0:r1], plan.H[r0:r1], plan.BETA[r0:r1], plan.ZSTAR[r0:r1], k0, k1,
                    plan.rec_idx, plan.record, rec, dist, tdist, res["final"][o0:o1], res["divat"][o0:o1],
                    res["reason"][o0:o1], plan.bound, plan.box, plan.use_box, plan.iopt[k], plan.fopt[k], st, last)

        if then is None and width == nb:
            args = args_for(0, rows, res["dist"][start - off:stop - off])
            call = (lambda u0, u1, args=args, run=run: run(u0, u1, args))
        elif then is None:  # blocks narrower than the kernels' NB: each its own call on its own rows
            def call(u0, u1, run=run, args_for=args_for, width=width, rows=rows, d0=start - off):
                for u in range(u0, u1):
                    a, b = u * width, min(rows, (u + 1) * width)
                    run(0, 1, args_for(a, b, res["dist"][d0 + a:d0 + b]))
        else:
            call = _reading_call(run, args_for, then, start, rows, width, len(plan.rec_idx), plan.K,
                                 one_block=width < nb)
        if plan.engine == "interpreted":  # one thread: the interpreter holds the GIL
            if whole(lambda call=call, units=units: call(0, units)):  # a Ctrl-C meanwhile: once the chunk is whole
                raise KeyboardInterrupt
            start = stop
            continue
        during, meanwhile = meanwhile, None
        # a first call compiles (or loads from the disk cache): say so if that takes more than 2 s
        # (a run that records its states, simulate's, calls the kernel with other array types than a sweep: a
        # second compile of the same kernel, which said "first time only" again, as if the first had been lost: a
        # new user)
        kind = "runs that record their states (simulate)" if plan.record else "sweeps"
        # (said while numba compiles, not while it loads the kernel from its disk cache: codegen.watch_compiles; "the
        # kernel has no signature yet" was true of a load too, which after a silent wait outlasted the notice's grace
        # of 0.25 s: "compiling the eg kernel ... (first time only ...)" on every portrait, a review)
        with notice_if_slow(f"compiling the {kname} kernel for this field (first time only for {kind}; cached on "
                            "disk afterwards) ...", still=codegen.watch_compiles()):
            ctrl_c = not getattr(fn, "signatures", True) and _compile_once(
                plan.source, group, fn, (code,) if group != "dopri5" else (),
                args_for(0, 1, np.empty((1, len(plan.rec_idx)))),  # one row: the types of every call
                getattr(mod, "LOOP_INTERLEAVE", 0))
        # (the chunk's run outside the notice: helpers its threads compile in every process -- the subnormal flush's
        # get/set_mxcsr -- had it say "compiling the gd kernel" of a kernel on disk, after a long silence, a review)
        threaded(call, units, during)
        if ctrl_c:  # a Ctrl-C during the compile: honoured now that this chunk's steps are done
            raise KeyboardInterrupt
        start = stop
    if meanwhile is not None:  # (no thread pool ran: the interpreted engine, or no rows)
        meanwhile()


def _flushing(run):
    """``run`` (a kernel call ``run(u0, u1, args)``) made with subnormal numbers flushed to zero in the calling thread
    (:func:`gandynamics._fpenv.flushing_subnormals`): a converging run's state sinks into them and each step then took
    10-30 times as long."""
    from .._fpenv import flushing_subnormals

    def call(u0, u1, args):
        with flushing_subnormals():
            return run(u0, u1, args)
    return call


def unit_width(rows: int, nb: int, lanes: int, nt: int | None = None) -> int:
    """The rows of a unit of work of :func:`threaded` (one block of a kernel): the kernels' block width ``nb``, or,
    for a range of fewer than ``nt * nb`` rows (``nt`` = ``numba.get_num_threads()``), its rows shared out over the
    threads in blocks of a multiple of ``lanes`` (a block steps only its active width: kernels.driver), so that a
    sweep of a few rows runs on every thread (100 rows ran as one block of 256 columns on one thread).  The numbers do
    not change: each row's are its own."""
    if nt is None:
        import numba
        nt = int(numba.get_num_threads())
    if nt <= 1 or rows >= nt * nb:
        return nb
    share = -(-rows // nt)
    return max(1, min(nb, -(-share // lanes) * lanes))


def _kernel(mod, kname: str):
    """The function of ``mod`` (a kernel module) that runs the kernel ``kname``: its group's ``run_<group>``."""
    return getattr(mod, f"run_{GROUPS[kname]}")


def _compiled(mod, kname: str) -> bool:
    """Whether the kernel ``kname`` of ``mod`` is compiled or loaded from the disk cache already."""
    return bool(getattr(_kernel(mod, kname), "signatures", None))


def _reading_call(run, args_for, then, start, rows, width, R, K, one_block=False):
    """``call(u0, u1)`` for :func:`threaded`: the units ``[u0, u1)`` (blocks of ``width`` rows) in sub-ranges of
    about :data:`SCRATCH_BYTES` of distances, each run into one scratch block and handed to ``then``
    (``one_block``: units narrower than the kernels' blocks, one per call)."""
    per_rows = max(SCRATCH_BYTES // (8 * max(R, 1)), SCRATCH_MIN_STEPS // max(int(K), 1))
    per = 1 if one_block else max(1, per_rows // width)  # units per sub-range

    def call(u0, u1):
        buf = _scratch(min(u1 - u0, per) * width * R)
        for s0 in range(u0, u1, per):
            s1 = min(u1, s0 + per)
            a, b = s0 * width, min(rows, s1 * width)
            d = buf[:R * (b - a)].reshape(R, b - a)  # sample-major and C-contiguous (the kernel's one signature)
            run(0, s1 - s0, args_for(a, b, d, tdist=True))
            then(start + a, start + b, d)
    return call


#: each thread's scratch block of :func:`_reading_call`, kept for its next call up to this many bytes (a new
#: block's page faults cost more than reading it: ~0.3 ms per 512 KB on this project's 2-CPU machine)
SCRATCH_KEEP_BYTES = 1 << 22
_SCRATCH = threading.local()


def _scratch(n: int) -> np.ndarray:
    """A float array of ``n`` numbers (undefined values): the calling thread's kept block when it is large enough,
    else a new one (kept for the next call when at most :data:`SCRATCH_KEEP_BYTES`)."""
    buf = getattr(_SCRATCH, "buf", None)
    if buf is None or buf.shape[0] < n:
        buf = np.empty(n)
        if 8 * n <= SCRATCH_KEEP_BYTES:
            _SCRATCH.buf = buf
    return buf[:n]


#: the engines a plan can run on (:func:`choose_engine`; defined in :mod:`gandynamics.codegen`)
ENGINES = codegen.ENGINES

#: a plan whose interpreted run is estimated to take at most this many seconds is interpreted when the engine is
#: "auto": compiling its kernel takes 5-25 s, once per field (then cached on disk)
INTERPRET_MAX_SECONDS = 1.0

#: interpreted seconds per field evaluation of one trajectory: ``_SECONDS_PER_EVAL + _SECONDS_PER_OP * ops``,
#: ops the arithmetic operations of the field's block evaluator (measured 2026-11-30, see :func:`choose_engine`)
_SECONDS_PER_EVAL = 8e-6
_SECONDS_PER_OP = 0.15e-6


def interpreted_eval_seconds(source: str) -> float:
    """The estimated interpreted seconds of one field evaluation of one trajectory of a kernel module's
    ``source`` (``_SECONDS_PER_EVAL + _SECONDS_PER_OP * field_ops(source)``; deterministic): what
    :func:`choose_engine` and the sweep's chunks count an interpreted run in."""
    return _SECONDS_PER_EVAL + _SECONDS_PER_OP * field_ops(source)


def field_ops(source: str) -> int:
    """The number of arithmetic operators and calls in the ``field_block`` function of a kernel module's source
    (the work of one field evaluation; a deterministic count, the input of :func:`choose_engine`)."""
    i = source.find("def field_block(")
    if i < 0:
        return 0
    j = source.find("\n    return OUT", i)
    return codegen.count_ops(source[i:j if j > 0 else None])


def choose_engine(engine: str, source: str, rows: int, steps: int, evals: float) -> str:
    """``"compiled"`` or ``"interpreted"``: the engine of a plan of ``rows`` trajectories of ``steps`` steps,
    ``evals`` field evaluations per step (a Jacobian counting as n).

    ``engine`` is ``"compiled"`` (numba: compiled once per field and method group, then cached on disk; the
    fastest per step), ``"interpreted"`` (the same kernel source run by Python with numba's IEEE semantics,
    :func:`gandynamics.codegen.load_interpreted`: nothing to compile, about 10^4-10^5 times slower per step) or
    ``"auto"``: interpreted when the estimated interpreted run takes at most :data:`INTERPRET_MAX_SECONDS`
    (``rows * steps * evals`` field evaluations at a cost per evaluation estimated from the field's size,
    :func:`field_ops`), else compiled.  The environment variable ``GANDYNAMICS_ENGINE`` replaces ``"auto"``.
    The choice depends only on these arguments (never on timing or on what is already compiled), so a run
    gives the same numbers every time; the two engines agree to a few ulps per step, not bitwise (fused
    multiply-adds in the compiled kernels).
    """
    import os
    if engine not in ENGINES:
        from ..errors import GandynamicsError, choice_refusal
        raise GandynamicsError(choice_refusal(engine, "engine", ENGINES))
    if engine == "auto":
        engine = os.environ.get("GANDYNAMICS_ENGINE", "auto").strip().lower() or "auto"
        if engine not in ENGINES:
            from ..errors import GandynamicsError, choice_refusal
            raise GandynamicsError(choice_refusal(engine, "GANDYNAMICS_ENGINE", ENGINES))
    if engine != "auto":
        return engine
    cost = rows * steps * max(1.0, evals) * interpreted_eval_seconds(source)
    return "interpreted" if cost <= INTERPRET_MAX_SECONDS else "compiled"


def _compile_once(source: str, group: str, kernel, head: tuple, args: tuple, interleave: int = 0) -> bool:
    """Compile ``kernel`` (or load it from numba's disk cache) by a one-row, one-step call on copies of the
    arguments, holding a lock file in the cache directory (:func:`gandynamics.codegen.first_call_once`):
    processes that need the same kernel at the same time (``reproduce --jobs``, test workers, Dask workers on one
    machine) compile it once, the others then load it from the disk cache instead of compiling it again.
    ``interleave``: the module's ``LOOP_INTERLEAVE`` (:func:`gandynamics.codegen.loop_interleave`).
    Returns True when a Ctrl-C arrived during the compile (which is always finished)."""
    small = [(a.copy() if j in _SHARED_ARGS else codegen.row_copy(a)) if isinstance(a, np.ndarray) else a
             for j, a in enumerate(args)]
    small[6] = min(int(small[6]), int(small[5]) + 1)  # steps K0 + 1 .. K0 + 1

    def call():
        with codegen.loop_interleave(interleave):  # (in the thread that compiles: it holds numba's compiler lock)
            kernel(*head, 0, 1, *small)

    return codegen.first_call_once(f"compile-{codegen.source_hash(source)[:20]}-{group}", call)


#: arguments of the kernels that are not per-row (``REC_IDX``, ``BOX``, ``IOPT``, ``FOPT``): copied whole
_SHARED_ARGS = frozenset({7, 15, 17, 18})


#: the widest block of rows of an interpreted kernel (a power of two; Python loops over its columns)
INTERPRETED_NB = 8
_INTERPRETED: dict = {}
_INTERPRETED_LOCK = threading.Lock()


def _module(plan: Plan):
    """The plan's kernel module: compiled, or interpreted with a block width that fits its rows."""
    if plan.engine != "interpreted":
        return codegen.load_module(plan.source)
    nb = 1
    while nb < min(plan.rows, INTERPRETED_NB):
        nb *= 2
    key = (plan.source, nb)
    with _INTERPRETED_LOCK:
        mod = _INTERPRETED.get(key)
    if mod is None:
        mod = codegen.load_interpreted(plan.source, {"NB": nb})
        with _INTERPRETED_LOCK:
            if len(_INTERPRETED) > 64:
                _INTERPRETED.clear()
            mod = _INTERPRETED.setdefault(key, mod)
    return mod


_POOLS: dict = {}
_POOLS_LOCK = threading.Lock()


def guided_cuts(units: int, nt: int) -> list:
    """The ranges :func:`threaded` hands to ``nt`` threads, as the cuts ``[0, c1, ..., units]``: each range a
    ``1/(2 nt)`` share of the units still left (rounded up, at least one), so that the ranges shrink as the work
    runs out -- OpenMP's *guided* schedule.  The pool hands them out in this order to whichever thread is free: the
    first ranges are large (few calls), the last of one unit, so that rows that diverge early (and cost little) or a
    thread slowed by the machine leave the others at most about one block's work idle at the end.  A sweep of
    100,000 rows x 1,000 steps on 2 threads (391 blocks: 19 ranges from 98 blocks down to 1), interleaved against
    the 32 equal ranges used before (2026-12-04, 20 and 25 rounds): the whole call 66.5 / 66.4 -> 65.3 / 65.2 ms best
    (gd), 74.1 / 74.9 -> 72.5 / 74.0 (eftp), 106.0 -> 104.6 (eg); the median of the rounds' ratios 0.97-0.99."""
    cuts = [0]
    while cuts[-1] < units:
        cuts.append(cuts[-1] + max(1, -(-(units - cuts[-1]) // (2 * nt))))
    return cuts


def whole(fn, said: str | None = None) -> bool:
    """Run ``fn()`` to its end and return whether a Ctrl-C (KeyboardInterrupt) arrived meanwhile (``said``: a notice
    given at the first, :func:`gandynamics.log.notice`, that the Ctrl-C was heard and what it waits for).

    In the main thread ``fn`` runs in a pool thread while this one waits: a chunk of the interpreted engine is
    Python bytecode, where a Ctrl-C would stop it mid-way and leave its rows' states and distances half-written
    while :class:`Interrupted` names the chunk's end; held until ``fn`` returns, it is honoured at the chunk's
    end, as during a compiled kernel's call.  Elsewhere (no Ctrl-C reaches other threads) ``fn`` runs here.
    Raises what ``fn`` raises."""
    if threading.current_thread() is not threading.main_thread():
        fn()
        return False
    fut = _pool("whole", 1).submit(fn)
    interrupted = False
    while True:
        try:
            fut.result()
            return interrupted
        except KeyboardInterrupt:
            if fut.done() and isinstance(fut.exception(), KeyboardInterrupt):
                raise  # (fn's own, not a Ctrl-C while waiting: raised again at every wait, it looped for ever)
            if said and not interrupted:  # (heard: a Ctrl-C set aside in silence seemed ignored, a review)
                from ..log import notice
                notice(said)
            interrupted = True


def _pool(key, size: int):
    """The thread pool ``key`` of ``size`` threads (made once, never shut down while another thread may submit
    to it)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            from concurrent.futures import ThreadPoolExecutor
            pool = _POOLS[key] = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"gandynamics-{key}")
    return pool


def threaded(call, units: int, meanwhile=None) -> None:
    """Run ``call(u0, u1)`` over ``[0, units)`` split into contiguous ranges (:func:`guided_cuts`) on
    ``numba.get_num_threads()`` threads: the calling thread and a pool of the others (the kernels release the GIL).
    Each unit's result depends only on its own rows, so the split does not change any number.

    The calling thread takes ranges too, as OpenMP's master thread does: it starts at once, where a pool thread
    idle since the last call takes 0.2-3 ms to wake on a virtual machine (a sweep's second thread started its
    first range ~3 ms late in one call of ten, and the whole call's 2 threads over 1 moved by a tenth from call to
    call); the ranges are handed out in order to whichever thread is free, so a thread that starts late takes fewer.

    ``meanwhile`` (a function of no arguments, optional): the caller's work that does not depend on the ranges, run
    by the calling thread after its first range, while the pool's threads run theirs (at the end on one thread):
    a sweep's table columns and provenance record.  Run before it, it held the GIL a waking thread needs to reach
    its kernel.

    A Ctrl-C in the calling thread (the main thread, with Python's handlers) is held until every range has run,
    then delivered (:class:`_HeldCtrlC`): the ranges write into the caller's arrays, a chunk of a sweep is whole or
    not run.  An exception of ``meanwhile`` or of a range is raised once the other threads' ranges have finished."""
    from concurrent.futures import wait

    import numba
    nt = max(1, min(int(numba.get_num_threads()), units))
    if nt == 1:
        with _HeldCtrlC():
            call(0, units)
            if meanwhile is not None:
                meanwhile()
        return
    ranges = _Ranges(guided_cuts(units, nt))  # (handed out in order: the pool balances uneven rows, early divergence)
    pool = _pool(nt - 1, nt - 1)  # (the others: one pool per size)
    futs = []
    with _HeldCtrlC():  # (from before the pool is handed its share: a Ctrl-C raised between the two left threaded
        # while the pool's thread wrote into the caller's arrays)
        try:
            first = ranges.take()  # (the caller's, taken before the pool is woken: the largest range, begun at once)
            for _ in range(nt - 1):
                futs.append(pool.submit(ranges.run, call))
            if first is not None:
                call(*first)
            if meanwhile is not None:
                meanwhile()
            ranges.run(call)
        except BaseException:  # (an error here: the others' running ranges write into the caller's arrays)
            ranges.stop()
            wait(_cancel_waiting(futs))
            raise
        # (a pool thread that has not begun finds no range left: not woken for nothing, nor waited for behind other
        # work of the pool -- another caller's, or this one's if a range ever called threaded itself)
        running = _cancel_waiting(futs)
        # (one wake-up when the last range ends: waiting on each range's result in turn woke this thread at each of
        # the ~20 ranges' ends, 0.5 ms of its CPU taken from the kernels' cores in a 40 ms sweep)
        wait(running)
        for f in running:
            f.result()  # (an exception of a range, raised here: a Ctrl-C held meanwhile is raised with it chained)


def _cancel_waiting(futs) -> list:
    """Cancel the futures of ``futs`` whose work has not begun (a pool thread's share of :func:`threaded` with no
    range left) and return the others (begun: they end once no range is left).  Only those may be waited for: a
    cancelled future counts as done for ``concurrent.futures.wait`` only once a pool thread has taken it from the
    queue, so waiting for it waited for the pool's work before it -- for ever, where that work was the waiting
    thread's own (``threaded`` called inside a range run by a pool thread)."""
    return [f for f in futs if not f.cancel()]


class _Ranges:
    """The ranges ``[c_i, c_(i+1))`` of the cuts ``c``, handed out in order, each once, to the threads that ask
    (:func:`threaded`)."""

    def __init__(self, cuts: list):
        self._cuts, self._next, self._lock = cuts, 0, threading.Lock()

    def take(self):
        """The next range ``(u0, u1)``, or None when every range has been handed out."""
        with self._lock:
            i = self._next
            if i >= len(self._cuts) - 1:
                return None
            self._next = i + 1
        return self._cuts[i], self._cuts[i + 1]

    def run(self, call) -> None:
        """``call(u0, u1)`` over the ranges left, one after another, until none is."""
        while True:
            r = self.take()
            if r is None:
                return
            call(*r)

    def stop(self) -> None:
        """Hand out no more ranges (an error in one thread: the others end with the range they run)."""
        with self._lock:
            self._next = len(self._cuts)


class _HeldCtrlC:
    """A context in which a Ctrl-C (SIGINT) reaching the main thread is held, then delivered on leaving it, to the
    handler that was there before (``signal.raise_signal``): Python's raises KeyboardInterrupt.  A range of
    :func:`threaded` run by the calling thread is a kernel and the reading of its rows; stopped half-way, the
    rows would hold a kernel's numbers and no reading, in a chunk that was to be whole.  Nothing is held outside the
    main thread (no signal reaches it) nor where SIGINT's handler was not installed by Python (``getsignal`` None:
    it could not be put back)."""

    def __enter__(self):
        import signal
        self._old = None
        self.held = False
        if threading.current_thread() is threading.main_thread():
            old = signal.getsignal(signal.SIGINT)
            if old is not None:
                self._old = old
                signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, signum, frame) -> None:
        self.held = True

    def __exit__(self, *exc) -> bool:
        import signal
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
            # (the handler runs here: Python's raises KeyboardInterrupt; with an error, the Ctrl-C, as it came first or
            # would have stopped the error's clean-up, the error chained to it; not a second KeyboardInterrupt)
            if self.held and (exc[0] is None or not issubclass(exc[0], KeyboardInterrupt)):
                signal.raise_signal(signal.SIGINT)
        return False


def warm(plan: Plan) -> None:
    """Compile (or load from the disk cache) every kernel the plan uses, on a one-row, one-step problem
    (nothing to do for an interpreted plan)."""
    if plan.engine == "interpreted":
        return
    mod = _module(plan)
    mi = plan.method_index  # non-decreasing (Plan): each method's first row is where the index changes
    for i in ([0] if len(mi) else []) + (np.flatnonzero(mi[1:] != mi[:-1]) + 1).tolist():
        k = mi[i]
        if _compiled(mod, plan.kernels[k]):  # (every call has the types of its one signature: a one-row run would
            continue  # only cost 0.1 ms per method, serial, on every sweep)
        small = Plan(plan.source, plan.kernels, np.array([k]), plan.Z0[i:i + 1], plan.P[i:i + 1], plan.H[i:i + 1],
                     plan.BETA[i:i + 1], plan.ZSTAR[i:i + 1], 1, np.array([0, 1], dtype=np.int64), plan.record,
                     plan.bound, plan.box, plan.use_box, plan.iopt, plan.fopt, plan.engine)
        try:
            run_rows(small, 0, 1)
        except Interrupted:  # a Ctrl-C during the compile: no row of the plan ran, nothing to keep
            raise KeyboardInterrupt from None
