r"""Sweeps beyond one process: run the chunks of a sweep on a Dask cluster or any executor.

A sweep (:func:`gandynamics.runs.sweep.sweep`) is a table of independent rows (one trajectory each).  The
rows ``[0, n)`` are cut into contiguous chunks (:func:`chunk_ranges`); each chunk is one task that runs
``run_rows(plan, lo, hi)`` on a worker, and :func:`map_chunks` gathers the partial results back *in grid
order*, so the table is the same as the local one, row for row and bit for bit (same compiled code, same
inputs; no value ever crosses between rows) — on workers with the same CPU model as the client; numba
compiles for the host CPU, so machines with other vector units may differ in the last bits.
:func:`map_rows` sizes the chunks from the cost of a row measured on the workers by a first wave of one
block per worker (:func:`auto_chunk_size`).

What is shipped
    The *plan* is plain data: the generated module's **source text** plus the row arrays.  A worker turns
    the text into the compiled module with :func:`gandynamics.codegen.load_module` — the file is named by
    the hash of its source and numba caches the machine code next to it (``cache=True``), so a worker
    process compiles a field at most once and later processes on the same machine load the cache.  A
    numba dispatcher is never pickled.  With Dask the plan is scattered once (replicated to every worker)
    and each task refers to it; with a ``concurrent.futures`` executor it travels with each task.

Losing a worker
    Dask reschedules the chunks of a worker that dies (up to ``distributed.scheduler.allowed-failures``
    times, default 3) and a chunk that raises is retried ``retries`` times (``Client.submit(retries=)``).
    :func:`map_chunks` keeps each chunk's result the first time it arrives, so the gathered table has
    every row exactly once.

Ctrl-C
    cancels the outstanding chunks and raises :class:`ChunksInterrupted` (a ``KeyboardInterrupt``)
    carrying the finished chunks, so that a caller can keep them.

Chunk sizes
    :func:`map_rows` runs a first wave of one block (the batch kernels' unit: their module's block width
    ``NB`` of rows, :func:`gandynamics.kernels.block_width`) per worker slot, takes the median of their run times
    on the workers as the cost of a block, and cuts the rest into chunks of about ``T / (32 slots)`` seconds (``T`` the remaining work), within
    [0.2 s, 60 s] and at least 4 per slot (:func:`auto_chunk_size`): the per-task overhead (about a
    millisecond) stays under 1 %, the slots finish within about half a chunk of each other, and a dying
    worker loses little.

Cores
    Each task runs under a per-process lock and sets numba's thread count (which the kernels' thread pool
    follows, :func:`gandynamics.runs.engine.run_rows`) to this process's share of the machine
    (``cpus // worker processes on the host``): a 2-process cluster on 2 cores runs 2 single-threaded
    kernels, a 1-process cluster one kernel on 2 threads — the cores of the local, in-process sweep.
    Threaded workers (``threads_per_worker > 1``) therefore run one chunk at a time per process.

Dask is optional (the extra ``distributed``: ``pip install -e ".[distributed]"`` from the project's
directory); without it, asking for a scheduler or for local workers raises a one-line
:class:`~gandynamics.errors.GandynamicsError` that says what to install.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import math
import numbers
import os
import sys
import threading
import time
import uuid
from typing import Callable, Sequence

from .errors import GandynamicsError, install_hint
from .runs.progress import Progress

__all__ = ["chunk_ranges", "auto_chunk_size", "map_chunks", "map_rows", "n_slots",
           "require_distributed", "connect", "local_cluster", "cluster_client", "parse_workers", "ChunksInterrupted",
           "INSTALL_HINT"]

#: what to install when Dask is missing (:func:`gandynamics.errors.install_hint`)
INSTALL_HINT = install_hint("distributed")

#: chunks per worker slot aimed at: the slots then finish within about half a chunk, ~1/64 of their share
CHUNKS_PER_SLOT = 32
#: bounds on a chunk's duration: long against Dask's ~1 ms per-task overhead; short enough that a dying
#: worker loses little and the progress bar moves, yet a long sweep on many workers stays at tens of
#: thousands of tasks, not millions (a 10-hour sweep on 100 workers: 60 000 chunks of 60 s)
MIN_CHUNK_SECONDS, MAX_CHUNK_SECONDS = 0.2, 60.0
#: and never fewer than this many chunks per slot (load balance when rows are few and slow)
MIN_CHUNKS_PER_SLOT = 4


class ChunksInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`map_chunks`: the outstanding chunks were cancelled.

    Attributes
    ----------
    results : list
        Aligned with the ranges; the partial result of each finished chunk, ``None`` for the others.
    done : list of int
        Indices of the finished chunks, sorted.
    ranges : list of (lo, hi)
        The chunks (as submitted).
    info : dict
        For :func:`map_rows`: the chunking so far.
    """

    def __init__(self, results: list, done: Sequence[int], ranges=None, info=None):
        super().__init__(f"interrupted: {len(done)} of {len(results)} chunks finished")
        self.results = results
        self.done = sorted(done)
        self.ranges = ranges
        self.info = dict(info or {})


# --------------------------------------------------------------------------------------------- chunking
def chunk_ranges(n_rows: int, chunk_size: int) -> list[tuple[int, int]]:
    """Contiguous half-open ranges ``[lo, hi)`` covering ``[0, n_rows)`` exactly once, in order.

    Every range has ``chunk_size`` rows except possibly the last, which has ``n_rows mod chunk_size``
    (when that is non-zero).  ``n_rows = 0`` gives no ranges.

    >>> chunk_ranges(7, 3)
    [(0, 3), (3, 6), (6, 7)]
    """
    n_rows, chunk_size = _int(n_rows, "the number of rows", 0), _int(chunk_size, "the chunk size", 1)
    return [(lo, min(lo + chunk_size, n_rows)) for lo in range(0, n_rows, chunk_size)]


def _int(value, what: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise GandynamicsError(f"{what} must be an integer >= {least}, got {value!r}")
    value = int(value)
    if value < least:
        raise GandynamicsError(f"{what} must be an integer >= {least}, got {value}")
    return value


def auto_chunk_size(n_rows: int, seconds_per_row: float, slots: int) -> int:
    r"""Rows per chunk from the measured single-thread cost of one row.

    With ``T = n_rows * seconds_per_row`` the work of the sweep, a chunk should last
    ``c = clip(T / (CHUNKS_PER_SLOT * slots), MIN_CHUNK_SECONDS, MAX_CHUNK_SECONDS)`` seconds, so

    ``size = clip(min(ceil(c / seconds_per_row), ceil(n_rows / (MIN_CHUNKS_PER_SLOT * slots))), 1, n_rows)``.

    About 32 chunks per slot make the slots finish within ~1/64 of their share (load balance at the
    end); chunks of at least 0.2 s keep Dask's per-task overhead (~1 ms) under 1 %; at most 60 s bound
    what a dying worker loses and keep the bar moving.  A zero or unknown cost gives the balance bound
    alone.
    """
    n_rows = _int(n_rows, "the number of rows", 0)
    slots = max(1, int(slots))
    if n_rows == 0:
        return 1
    by_balance = math.ceil(n_rows / (MIN_CHUNKS_PER_SLOT * slots))
    if seconds_per_row is not None and math.isfinite(seconds_per_row) and seconds_per_row > 0:
        c = min(max(n_rows * seconds_per_row / (CHUNKS_PER_SLOT * slots), MIN_CHUNK_SECONDS), MAX_CHUNK_SECONDS)
        size = min(math.ceil(c / seconds_per_row), by_balance)
    else:
        size = by_balance
    return int(min(max(size, 1), n_rows))


# --------------------------------------------------------------------------------------------- engines
def require_distributed():
    """The ``distributed`` module, or a one-line error saying what to install."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise GandynamicsError(f"dask.distributed is not installed: {INSTALL_HINT}") from None
    return distributed


def _is_dask(client) -> bool:
    mod = type(client).__module__ or ""
    if not mod.startswith("distributed"):
        return False
    import distributed
    return isinstance(client, distributed.Client)


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _host(address: str) -> str:
    """``tcp://127.0.0.1:4567`` -> ``127.0.0.1``."""
    rest = address.split("://", 1)[-1]
    return rest.rsplit(":", 1)[0] if ":" in rest else rest


def _workers(client) -> dict:
    """Address -> info of every worker (some dask versions list only 5 unless asked for all)."""
    try:
        return client.scheduler_info(n_workers=-1).get("workers", {})
    except Exception:  # older dask: no n_workers argument, and all workers listed
        return client.scheduler_info().get("workers", {})


def n_slots(client) -> int:
    """How many chunks the engine runs at once: worker processes of a Dask cluster (tasks within one
    process are serialized, see the module docstring), ``max_workers`` of a process pool, 1 otherwise."""
    if _is_dask(client):
        return max(1, len(_workers(client)))
    if isinstance(client, cf.ProcessPoolExecutor):
        return max(1, int(getattr(client, "_max_workers", 1)))
    if isinstance(client, cf.Executor):
        return 1
    raise GandynamicsError(f"client must be a dask.distributed.Client or a concurrent.futures.Executor, "
                           f"got {type(client).__name__}")


_LOCK = threading.Lock()
_WARMED: set = set()


def _numba_share(threads):
    """Set numba's thread count for this thread (``threads`` an int, or a dict host -> processes)."""
    if not threads:
        return
    if isinstance(threads, dict):
        try:
            from distributed import get_worker
            procs = threads.get(_host(get_worker().address), 1)
        except (ImportError, ValueError):
            procs = 1
        threads = max(1, _available_cpus() // max(1, procs))
    import numba
    numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))


def _run_chunk(fn, warm, plan, lo, hi, threads):
    """The task run on a worker: ``fn(plan, lo, hi)`` with this process's share of the cores.

    Returns ``(seconds, result)``: the seconds of ``fn`` alone, after ``warm(plan)`` (run once per plan
    and process: it compiles the kernels or loads them from numba's cache).
    """
    with _LOCK:
        _numba_share(threads)
        if warm is not None and (id(warm), id(plan)) not in _WARMED:
            warm(plan)
            _WARMED.add((id(warm), id(plan)))
        t0 = time.perf_counter()
        res = fn(plan, lo, hi)
        return time.perf_counter() - t0, res


def _default_fn():
    from .runs.engine import run_rows
    return run_rows


def map_chunks(client, plan, ranges: Sequence[tuple[int, int]], progress=None, *,
               fn: Callable | None = None, retries: int = 3, threads=None, warm: Callable | None = None) -> list:
    """Run ``fn(plan, lo, hi)`` for every ``(lo, hi)`` in ``ranges`` on ``client``; results in order.

    Parameters
    ----------
    client : dask.distributed.Client or concurrent.futures.Executor
        With Dask the plan is scattered once to every worker and each chunk is a task with ``retries``
        retries; chunks lost with a dying worker are rescheduled by the scheduler.  A process pool should
        use the ``spawn`` start method (numba's OpenMP runtime does not survive ``fork``).
    plan : picklable
        Everything a worker needs (for sweeps: the generated source text and the row arrays).
    ranges : sequence of (lo, hi)
        Usually :func:`chunk_ranges`.
    progress : bool or callable, optional
        ``True``: a tqdm bar over chunks (``None``: :func:`gandynamics.log.bars_wanted`, a terminal or a notebook,
        not with ``-q``); a callable: called as
        ``progress(done, total)`` after each chunk.
    fn : callable, optional
        Module-level (picklable by reference); default :func:`gandynamics.runs.engine.run_rows`.
    retries : int
        Re-runs of a chunk that raised (Dask: ``submit(retries=)``; executors: resubmission).
    threads : int, optional
        numba threads per task; default this process's share of the worker's cores (module docstring).
    warm : callable, optional
        ``warm(plan)`` run once per worker process before its first chunk (compiles or loads kernels).

    Returns
    -------
    list
        ``fn``'s result for each range, aligned with ``ranges`` (each chunk counted once).

    Raises
    ------
    ChunksInterrupted
        on Ctrl-C, after cancelling the outstanding chunks; carries the finished ones.
    """
    ranges = [(int(lo), int(hi)) for lo, hi in ranges]
    if not ranges:
        return []
    bar = Progress(progress, len(ranges))
    try:
        with _session(client, plan, fn, warm, retries, threads) as run:
            results, _ = run(ranges, bar)
    finally:
        bar.close()
    return results


def map_rows(client, plan, n_rows: int, *, block: int = 1, chunk_size: int | None = None, progress=None,
             fn: Callable | None = None, warm: Callable | None = None, retries: int = 3, threads=None):
    """Run rows ``[0, n_rows)`` of ``plan`` on ``client`` in chunks sized from their measured cost.

    With ``chunk_size`` given: :func:`chunk_ranges` and :func:`map_chunks`.  Otherwise the cost is
    measured *on the workers*, by the work itself: a first wave of one block (``block`` rows: the
    batch kernels' unit of work) per worker slot runs while nothing else is known; the median of their
    run times (compile and cache loading excluded, see ``warm``) gives the single-thread seconds per
    row, and the remaining rows are cut by :func:`auto_chunk_size` (rounded up to whole blocks).  No
    worker waits for a probe, and the cost is that of the machines that do the work.

    Returns
    -------
    ranges : list of (lo, hi)
        covering ``[0, n_rows)`` exactly once, in order.
    results : list
        ``fn``'s result per range, aligned with ``ranges``.
    info : dict
        ``chunks``, ``chunk_size`` (of the bulk), ``seconds_per_row`` (measured; absent when given).

    Raises
    ------
    ChunksInterrupted
        on Ctrl-C; its ``ranges``, ``results`` and ``info`` describe what finished.
    """
    n_rows = _int(n_rows, "the number of rows", 0)
    block = _int(block, "the block width", 1)
    if n_rows == 0:
        return [], [], {"chunks": 0, "chunk_size": 0}
    slots = n_slots(client)
    if chunk_size is not None:
        first = chunk_ranges(n_rows, chunk_size)
        info = {"chunk_size": _int(chunk_size, "the chunk size", 1)}
    else:
        first = chunk_ranges(min(n_rows, slots * block), block)
        info = {"chunk_size": block}
    bar = Progress(progress, n_rows, unit="row")
    try:
        with _session(client, plan, fn, warm, retries, threads) as run:
            try:
                res1, secs = run(first, bar)
            except ChunksInterrupted as exc:
                info["chunks"] = len(first)
                raise ChunksInterrupted(exc.results, exc.done, ranges=first, info=info) from None
            lo = first[-1][1]
            if lo == n_rows:
                info["chunks"] = len(first)
                if chunk_size is None:
                    info["seconds_per_row"] = sorted(secs)[len(secs) // 2] / block
                return first, res1, info
            spr = sorted(secs)[len(secs) // 2] / block
            size = auto_chunk_size(n_rows - lo, spr, slots)
            size = min(n_rows - lo, -(-size // block) * block)
            rest = [(a + lo, b + lo) for a, b in chunk_ranges(n_rows - lo, size)]
            info.update(chunks=len(first) + len(rest), chunk_size=size, seconds_per_row=spr)
            try:
                res2, _ = run(rest, bar)
            except ChunksInterrupted as exc:
                done = list(range(len(first))) + [len(first) + j for j in exc.done]
                raise ChunksInterrupted(res1 + exc.results, done, ranges=first + rest, info=info) from None
    finally:
        bar.close()
    return first + rest, res1 + res2, info


@contextlib.contextmanager
def _session(client, plan, fn, warm, retries, threads):
    """Yields ``run(ranges, bar) -> (results, seconds)`` for ``client`` (the plan shipped once)."""
    fn = fn or _default_fn()
    if _is_dask(client):
        if threads is None:
            procs: dict[str, int] = {}
            for addr in _workers(client):
                procs[_host(addr)] = procs.get(_host(addr), 0) + 1
            threads = procs or None
        [plan_f] = client.scatter([plan], broadcast=True, hash=False)
        try:
            yield lambda ranges, bar: _run_dask(client, plan_f, ranges, bar, fn, warm, retries, threads)
        finally:
            client.cancel([plan_f])
    elif isinstance(client, cf.Executor):
        if threads is None and isinstance(client, cf.ProcessPoolExecutor):
            threads = max(1, _available_cpus() // n_slots(client))
        yield lambda ranges, bar: _run_executor(client, plan, ranges, bar, fn, warm, retries, threads)
    else:
        raise GandynamicsError(f"client must be a dask.distributed.Client or a concurrent.futures.Executor, "
                               f"got {type(client).__name__}")


def _run_dask(client, plan_f, ranges, bar, fn, warm, retries, threads):
    import distributed

    token = uuid.uuid4().hex[:12]
    futures = [client.submit(_run_chunk, fn, warm, plan_f, lo, hi, threads, key=f"gandynamics-chunk-{token}-{i}",
                             retries=retries, pure=False)
               for i, (lo, hi) in enumerate(ranges)]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list = [None] * len(ranges)
    seconds: list = [None] * len(ranges)
    done: set[int] = set()
    try:
        for fut in distributed.as_completed(futures):
            i = index[fut.key]
            if i in done:  # pragma: no cover - as_completed yields each future once
                continue
            try:
                seconds[i], results[i] = fut.result()  # re-raises a chunk's error after its retries
            except distributed.KilledWorker:
                lo, hi = ranges[i]
                raise GandynamicsError(f"rows {lo}:{hi} were lost with their worker too many times "
                                       f"(distributed.scheduler.allowed-failures): the workers keep dying "
                                       f"(out of memory?)") from None
            except ImportError as exc:  # the worker's environment lacks a module the task needs
                raise GandynamicsError(f"a Dask worker cannot import {exc.name or 'a module'}: install gandynamics "
                                       f"(the same version) in the workers' environment") from None
            done.add(i)
            fut.release()  # the worker may drop it: nothing to recompute if it dies later
            bar.update(ranges[i][1] - ranges[i][0])
    except KeyboardInterrupt:
        # cancel first (nothing more starts), then keep the chunks that had finished by then
        ready = [j for j, f in enumerate(futures) if j not in done and f.status == "finished"]
        client.cancel([f for j, f in enumerate(futures) if j not in done and j not in ready])
        if ready:
            try:
                for j, (_, res) in zip(ready, client.gather([futures[j] for j in ready])):
                    results[j] = res
                    done.add(j)
            except Exception:  # pragma: no cover - lost in between: they count as not finished
                pass
        raise ChunksInterrupted(results, done, ranges=ranges) from None
    except BaseException:
        client.cancel([f for j, f in enumerate(futures) if j not in done])
        raise
    return results, seconds


def _run_executor(executor, plan, ranges, bar, fn, warm, retries, threads):
    def submit(i):
        lo, hi = ranges[i]
        return executor.submit(_run_chunk, fn, warm, plan, lo, hi, threads)

    futures = {submit(i): i for i in range(len(ranges))}
    tries = {i: 0 for i in range(len(ranges))}
    results: list = [None] * len(ranges)
    seconds: list = [None] * len(ranges)
    done: set[int] = set()
    try:
        while futures:
            finished, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                i = futures.pop(fut)
                try:
                    seconds[i], results[i] = fut.result()
                except cf.BrokenExecutor:
                    raise
                except Exception:
                    if tries[i] >= retries:
                        raise
                    tries[i] += 1
                    futures[submit(i)] = i
                    continue
                done.add(i)
                bar.update(ranges[i][1] - ranges[i][0])
    except KeyboardInterrupt:
        for fut, i in futures.items():  # cancel first, then keep what had finished
            fut.cancel()
        for fut, i in futures.items():
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                results[i] = fut.result()[1]
                done.add(i)
        raise ChunksInterrupted(results, done, ranges=ranges) from None
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return results, seconds


# --------------------------------------------------------------------------------------------- clusters
def connect(address: str, timeout: float = 10.0):
    """A Dask client connected to the scheduler at ``address`` (e.g. ``tcp://10.0.0.5:8786``), or a
    one-line error when dask is missing, nothing answers there within ``timeout`` seconds (something that
    accepts the connection but never speaks Dask's protocol included), or the cluster has no worker
    after another ``timeout`` seconds."""
    distributed = require_distributed()
    if not isinstance(address, str) or not address.strip():
        raise GandynamicsError(f"--scheduler must be an address such as tcp://HOST:8786, got {address!r}")
    address = address.strip()
    box: dict = {}

    def attempt():
        try:
            box["client"] = distributed.Client(address, timeout=timeout)
        except BaseException as exc:  # reported below, in the caller's thread
            box["error"] = exc

    from .log import notice_if_slow
    thread = threading.Thread(target=attempt, daemon=True, name="gandynamics-connect")
    thread.start()
    with notice_if_slow(f"connecting to the Dask scheduler at {address} (giving up after {timeout + 5.0:z.0f} s) ..."):
        thread.join(timeout + 5.0)  # Client's own timeout does not cover a peer that accepts and stays silent
    if thread.is_alive() or "error" in box:
        exc = box.get("error")
        msg = (str(exc).splitlines()[0] if exc is not None and str(exc) else type(exc).__name__) if exc is not None \
            else f"no answer within {timeout + 5.0:z.0f} s"
        raise GandynamicsError(f"cannot connect to a Dask scheduler at {address!r} ({msg}); "
                               f"start one with `dask scheduler` or use --workers N") from None
    client = box["client"]
    if not _workers(client):
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            client.close()
            raise GandynamicsError(f"the Dask scheduler at {address!r} has no workers (waited {timeout:z.0f} s); "
                                   f"start some with `dask worker {address}`") from None
    return client


@contextlib.contextmanager
def local_cluster(n_workers: int, threads_per_worker: int = 1, **kwargs):
    """A ``LocalCluster`` of ``n_workers`` processes on loopback (no dashboard) and its client, shut
    down on exit.  Workers start with the ``spawn`` method (fresh interpreters; numba-safe).  Extra
    keyword arguments go to ``LocalCluster`` (e.g. ``env={"NUMBA_NUM_THREADS": "1"}`` for the workers)."""
    distributed = require_distributed()
    n_workers = _int(n_workers, "--workers", 1)
    if n_workers > max_local_workers():  # 1e308 workers hung in LocalCluster, starting processes without end
        raise GandynamicsError(f"--workers must be a whole number between 1 and {max_local_workers()} (4 per "
                               f"CPU of this machine), got {n_workers}")
    # loopback only: no dashboard, and the scheduler's HTTP endpoint (health, metrics) on a free
    # loopback port instead of *:8787
    opts = dict(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
                dashboard_address=None, host="127.0.0.1", silence_logs=logging.ERROR,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    opts.update(kwargs)
    cluster = distributed.LocalCluster(**opts)
    try:
        client = distributed.Client(cluster)
        try:
            from ._dask_plugins import IgnoreSigint
            client.register_plugin(IgnoreSigint())  # Ctrl-C is the client's to handle

            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def max_local_workers() -> int:
    """The most worker processes a local cluster may start: 4 per CPU of this machine (more only queue)."""
    return 4 * (os.cpu_count() or 1)


def parse_workers(text) -> int | None:
    """``--workers N`` -> N (an integer between 1 and :func:`max_local_workers`), ``None`` -> ``None``, else a
    one-line error."""
    if text is None:
        return None
    from .validate import whole
    return whole(text, "--workers", hi=max_local_workers())


@contextlib.contextmanager
def cluster_client(scheduler: str | None = None, workers: int | None = None):
    """The client the CLI options ask for: ``--scheduler ADDRESS`` (a running cluster), ``--workers N``
    (a local cluster for the duration), or ``None`` (the local, in-process sweep)."""
    if scheduler and workers:
        raise GandynamicsError("give either --scheduler ADDRESS or --workers N, not both")
    if scheduler:
        client = connect(scheduler)
        try:
            yield client
        finally:
            client.close()
    elif workers:
        with local_cluster(workers) as client:
            yield client
    else:
        yield None
