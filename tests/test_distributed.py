"""Sweeps on a Dask cluster (loopback only) or an executor: same table as the local sweep, bit for bit;
a worker killed mid-sweep loses nothing; Ctrl-C keeps the finished chunks; chunking covers the grid."""

import concurrent.futures as cf
import os
import signal
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gandynamics import R1, VectorField, games
from gandynamics import distributed as D
from gandynamics.errors import GandynamicsError, install_hint
from gandynamics.kernels import block_width
from gandynamics.runs.module import kernel_module_source
from gandynamics.simulate import sweep

# the compiled kernels, even for runs that engine="auto" would interpret (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("compiled_engine")


# --------------------------------------------------------------------------------------------- helpers
def assert_same_table(a, b):
    """Bitwise equality of every column (NaN == NaN), and the same order of rows."""
    assert list(a.columns) == list(b.columns)
    for k in a.columns:
        x, y = np.asarray(a.columns[k]), np.asarray(b.columns[k])
        assert x.shape == y.shape, k
        if x.dtype.kind == "f":  # the same IEEE-754 bits (NaN payloads included)
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), k
        else:
            assert np.array_equal(x, y), k


def _dirac():
    return VectorField(games.dirac(), [R1(gamma=0.3)])


#: the Dirac-GAN's kernels' block width (rows per block: chunks hold whole blocks)
NB = block_width(kernel_module_source(_dirac()))


INITS = np.random.default_rng(7).normal(size=(5, 2))
GRID = {"gamma": np.linspace(0.05, 1.0, 6), "step": np.array([0.05, 0.3, 0.9, 2.5])}  # 2.5 diverges


def _small_sweep(client=None, **kw):
    kw.setdefault("steps", 400)
    return sweep(_dirac(), ["gd", "eg", "momentum"], inits=INITS, grid=GRID, beta=-0.1, client=client, **kw)


# --------------------------------------------------------------------------------------------- chunking
@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 5000), size=st.integers(1, 6000))
def test_chunk_ranges_cover_the_grid_exactly_once(n, size):
    ranges = D.chunk_ranges(n, size)
    covered = np.zeros(n, dtype=int)
    for lo, hi in ranges:
        assert 0 <= lo < hi <= n
        covered[lo:hi] += 1
    assert np.all(covered == 1)
    assert [lo for lo, _ in ranges] == sorted(lo for lo, _ in ranges)
    assert all(hi - lo == size for lo, hi in ranges[:-1])
    assert len(ranges) == -(-n // size)  # ceil(n / size), computed independently


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "4", None])
def test_chunk_ranges_rejects_bad_sizes(bad):
    with pytest.raises(GandynamicsError, match="chunk size"):
        D.chunk_ranges(10, bad)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 10**6), spr=st.one_of(st.floats(1e-9, 100.0), st.just(0.0)), slots=st.integers(1, 64))
def test_auto_chunk_size_bounds(n, spr, slots):
    size = D.auto_chunk_size(n, spr, slots)
    assert 1 <= size <= n
    # at least MIN_CHUNKS_PER_SLOT chunks per slot whenever there are that many rows to share
    assert size <= max(1, -(-n // (D.MIN_CHUNKS_PER_SLOT * slots)))
    if spr > 0 and size > 1:
        assert (size - 1) * spr < D.MAX_CHUNK_SECONDS  # no chunk much longer than the upper bound


def test_auto_chunk_size_hand_values():
    # 10_000 rows of 1 ms on 2 slots: T = 10 s, T/64 = 0.16 s -> 0.2 s chunks = 200 rows (balance: 1250)
    assert D.auto_chunk_size(10_000, 1e-3, 2) == 200
    # 0.125 s rows: T = 1250 s, T/64 = 19.53 s -> ceil(19.53 / 0.125) = ceil(156.25) = 157 rows
    assert D.auto_chunk_size(10_000, 0.125, 2) == 157
    # 10 us rows: 0.2 s would be 20_000 rows; balance caps at 10_000 / 8 = 1250
    assert D.auto_chunk_size(10_000, 1e-5, 2) == 1250
    # 2**20 rows of 0.5 s on 4 slots: T/128 = 4096 s -> capped at 60 s = 120 rows
    assert D.auto_chunk_size(2**20, 0.5, 4) == 120
    # slow rows: 3 s each, 50 rows on 4 slots -> balance ceil(50/16) = 4, time ceil(1.17/3) = 1 -> 1
    assert D.auto_chunk_size(50, 3.0, 4) == 1


def _sleepy(plan, lo, hi):
    time.sleep(plan * (hi - lo))  # plan: seconds per row
    return (lo, hi)


@pytest.mark.parametrize("n, block, workers", [(1, 8, 1), (8, 8, 2), (9, 8, 2), (100, 8, 3), (1000, 32, 2), (77, 1, 4)])
def test_map_rows_covers_the_grid_once_and_measures_the_row_cost(n, block, workers):
    with cf.ThreadPoolExecutor(workers) as ex:
        ranges, parts, info = D.map_rows(ex, 1e-4, n, block=block, fn=_sleepy)
    assert parts == ranges  # results aligned with their ranges
    assert [lo for lo, _ in ranges] == [0] + [hi for _, hi in ranges[:-1]] and ranges[-1][1] == n
    assert info["chunks"] == len(ranges)
    # slept 0.1 ms per row (plus the thread's overhead); the cost of a row is that of its block / block
    assert 1e-4 * min(n, block) / block <= info["seconds_per_row"] < 1e-2
    # the first wave is one block per slot (a thread pool is one slot: tasks in a process are serialized)
    assert ranges[0] == (0, min(n, block))
    # the bulk: whole blocks, sized by auto_chunk_size from the measured cost
    lo = ranges[0][1]
    if lo < n:
        size = D.auto_chunk_size(n - lo, info["seconds_per_row"], 1)
        assert info["chunk_size"] == min(n - lo, -(-size // block) * block)


# --------------------------------------------------------------------------------------------- no dask
def test_missing_dask_is_one_clear_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    for call in (D.require_distributed, lambda: D.connect("tcp://127.0.0.1:1"),
                 lambda: D.local_cluster(2).__enter__()):
        with pytest.raises(GandynamicsError) as exc:
            call()
        msg = str(exc.value)
        assert "\n" not in msg and install_hint("distributed") in msg


def test_bad_client_and_bad_worker_count():
    with pytest.raises(GandynamicsError, match="dask.distributed.Client or a concurrent.futures.Executor"):
        D.map_chunks(object(), None, [(0, 1)], fn=_sleepy)
    with pytest.raises(GandynamicsError, match="--workers"):
        D.local_cluster(0).__enter__()
    with pytest.raises(GandynamicsError, match="not both"):
        D.cluster_client("tcp://127.0.0.1:1", 2).__enter__()


# --------------------------------------------------------------------------------------------- executors
@pytest.fixture(scope="module")
def local_small():
    return _small_sweep()


def test_thread_pool_gives_the_local_table(local_small):
    with cf.ThreadPoolExecutor(2) as ex:
        assert_same_table(local_small, _small_sweep(ex, chunk_size=37))  # chunks cross method boundaries


@pytest.mark.slow  # 2.4 s with warm caches on the 2-core CI machine
def test_process_pool_gives_the_local_table(local_small):
    # everything crosses a process boundary by pickle: plan (source text + arrays), run_rows, _warm
    import multiprocessing
    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as ex:
        assert D.n_slots(ex) == 1
        assert_same_table(local_small, _small_sweep(ex))


_FAILED = set()


def _flaky(plan, lo, hi):
    """Fails the first time it sees each chunk."""
    if (lo, hi) not in _FAILED:
        _FAILED.add((lo, hi))
        raise RuntimeError("transient")
    return list(range(lo, hi))


def test_executor_retries_a_failing_chunk_and_keeps_grid_order():
    _FAILED.clear()
    ranges = D.chunk_ranges(50, 7)
    with cf.ThreadPoolExecutor(2) as ex:
        parts = D.map_chunks(ex, None, ranges, fn=_flaky, retries=1)
    assert sum(parts, []) == list(range(50))
    _FAILED.clear()
    with cf.ThreadPoolExecutor(2) as ex, pytest.raises(RuntimeError, match="transient"):
        D.map_chunks(ex, None, ranges, fn=_flaky, retries=0)


def test_ctrl_c_on_an_executor_keeps_finished_chunks():
    def progress(done, total):
        if done == 2:
            raise KeyboardInterrupt

    ranges = D.chunk_ranges(40, 4)
    with cf.ThreadPoolExecutor(1) as ex, pytest.raises(D.ChunksInterrupted) as exc:
        D.map_chunks(ex, 0.0025, ranges, progress=progress, fn=_sleepy)
    err = exc.value
    assert isinstance(err, KeyboardInterrupt)
    assert 2 <= len(err.done) < len(ranges)
    for i, part in enumerate(err.results):
        assert (part == ranges[i]) if i in err.done else part is None


# --------------------------------------------------------------------------------------------- cluster
@pytest.fixture(scope="module")
def client():
    pytest.importorskip("distributed")
    import cloudpickle
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # test helpers run on the workers
    # LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) on loopback
    with D.local_cluster(2) as c:
        addresses = [c.scheduler.address] + list(c.scheduler_info()["workers"])
        assert all(a.startswith("tcp://127.0.0.1:") for a in addresses)
        yield c


def _threads_and_pid(plan, lo, hi):
    import numba
    return numba.get_num_threads(), os.getpid()


@pytest.mark.slow  # 6.0 s with warm caches on the 2-core CI machine
def test_cluster_sweep_is_bitwise_the_local_sweep(client, local_small):
    # explicit chunks crossing method boundaries, and the measured default
    assert_same_table(local_small, _small_sweep(client, chunk_size=37))
    auto = _small_sweep(client)
    assert_same_table(local_small, auto)
    # whole blocks, or all the rows left after the first wave (fewer than one block)
    c = auto.meta["chunk_size"]
    assert c % NB == 0 or c == len(auto) or 0 < c < NB


@pytest.mark.slow  # (3-5 s; run in CI's -m slow pass, session 10: the README's command back under 3 min)
def test_cluster_n_dimensional_game_and_flow(client):
    fld = VectorField(games.make_game("gaussian-mean"), [R1(gamma=0.5)])
    inits = np.random.default_rng(3).normal(size=(4, fld.n))
    # 4 x (3 NB / 16) x 2 = 1.5 blocks of rows (96 for NB = 64): two chunks (sweep rounds chunks to whole
    # blocks), the method boundary inside one
    # interpreted: an interpreted plan runs on the workers too (and this 4-parameter field compiles nothing)
    nb = block_width(kernel_module_source(fld))
    kw = dict(inits=inits, grid={"step": np.linspace(0.01, 0.1, 3 * nb // 16)}, steps=300, scheme="dopri5",
              engine="interpreted")
    local = sweep(fld, ["ogda", "flow"], **kw)
    remote = sweep(fld, ["ogda", "flow"], client=client, chunk_size=nb, **kw)
    assert remote.meta["chunks"] == 2
    assert_same_table(local, remote)


@pytest.mark.slow  # a local cluster of worker processes (the module's client fixture): -m slow
def test_each_worker_process_uses_its_share_of_the_cores(client):
    out = D.map_chunks(client, None, D.chunk_ranges(8, 1), fn=_threads_and_pid)
    pids = {pid for _, pid in out}
    assert pids <= set(client.run(os.getpid).values())
    cpus = len(os.sched_getaffinity(0))
    assert {t for t, _ in out} == {max(1, cpus // 2)}


def _sigint_handler():
    return int(signal.getsignal(signal.SIGINT)) if isinstance(signal.getsignal(signal.SIGINT), int) else -1


@pytest.mark.slow  # a local cluster of worker processes (the module's client fixture): -m slow
def test_workers_leave_ctrl_c_to_the_client(client):
    # Ctrl-C in a terminal reaches every process of the foreground group: the workers ignore it and the
    # client cancels (checked by hand: `kill -INT -PGID` mid-sweep -> rc 130, finished rows kept, no error)
    assert set(client.run(_sigint_handler).values()) == {int(signal.SIG_IGN)}


def _cache_stats(source):
    """Numba cache hits/misses of the generated module's kernels in this worker process."""
    from gandynamics import codegen
    mod = codegen.load_module(source)
    hits = misses = 0
    for name in dir(mod):
        f = getattr(mod, name)
        if hasattr(f, "stats") and hasattr(f.stats, "cache_hits"):
            hits += sum(f.stats.cache_hits.values())
            misses += sum(f.stats.cache_misses.values())
    return hits, misses


@pytest.mark.slow  # a local cluster of worker processes (the module's client fixture): -m slow
def test_workers_load_compiled_kernels_from_the_cache(client, local_small):
    # the local sweep compiled the kernels into numba's disk cache: the workers load them, never compile
    from gandynamics.simulate import kernel_module_source
    _small_sweep(client)
    stats = client.run(_cache_stats, kernel_module_source(_dirac()))
    for hits, misses in stats.values():
        assert misses == 0 and hits >= 1


@pytest.mark.slow  # a local cluster of worker processes (the module's client fixture): -m slow
def test_ctrl_c_on_the_cluster_keeps_finished_rows(client):
    def progress(done, total):  # rows done: two chunks of one block
        if done == 2 * NB:
            raise KeyboardInterrupt

    kw = dict(inits=INITS[:4], grid={"gamma": np.linspace(0.1, 1.0, 2 * NB), "step": np.array([0.05, 0.2])},
              steps=100_000)  # 8 chunks of one block (tens of ms each): some are outstanding at Ctrl-C
    local = sweep(_dirac(), "gd", **kw)
    part = sweep(_dirac(), "gd", client=client, chunk_size=NB, progress=progress, **kw)
    fin = part["finished"]
    assert part.meta["interrupted"] and not part.complete
    assert 2 * NB <= fin.sum() < len(fin) and fin.sum() % NB == 0
    for k in ("final_theta", "final_psi", "distance", "rate", "diverged_at"):
        a, b = np.asarray(local[k])[fin], np.asarray(part[k])[fin]
        assert np.array_equal(a.view(np.int64), b.view(np.int64)), k
    assert np.all(np.isnan(part["distance"][~fin]))
    deadline = time.time() + 10  # the outstanding chunks were cancelled: the cluster goes idle
    while any(client.processing().values()) and time.time() < deadline:
        time.sleep(0.05)
    assert not any(client.processing().values())


@pytest.mark.slow  # (3-5 s; run in CI's -m slow pass, session 10: the README's command back under 3 min)
def test_worker_killed_mid_sweep_loses_nothing(client):
    """Kill a busy worker process (SIGKILL) after the first chunk: the nanny restarts it, the scheduler
    reschedules its chunk, and the table is complete and equal to the local one, every row once."""
    fld = _dirac()
    inits = np.random.default_rng(11).normal(size=(16, 2))
    grid = {"gamma": np.linspace(0.05, 1.0, 12), "step": np.linspace(0.05, 0.5, 8)}  # 1536 rows
    # chunks of 128 rows x 400,000 steps (about 0.1 s each): at the first report the others are still running
    # (with 10,000 steps a chunk took ~3 ms and, on a loaded machine, all could be done before the kill)
    kw = dict(inits=inits, grid=grid, steps=400_000)
    local = sweep(fld, "gd", **kw)
    pids = client.run(os.getpid)
    killed = {}

    def progress(done, total):
        if killed:
            return
        deadline = time.time() + 5  # wait for a worker that holds a chunk
        while not any(client.processing().values()) and time.time() < deadline:
            time.sleep(0.01)
        busy = [a for a, keys in client.processing().items() if keys] or list(pids)
        addr = busy[0]
        killed.update(addr=addr, pid=pids[addr], busy=bool(client.processing().get(addr)), done=done, total=total)
        os.kill(pids[addr], signal.SIGKILL)

    remote = sweep(fld, "gd", client=client, chunk_size=128, progress=progress, **kw)
    assert killed and killed["done"] < killed["total"] and killed["busy"]
    assert remote.complete and len(remote) == len(local)
    assert_same_table(local, remote)
    # the dead process is gone and its replacement joined
    with pytest.raises(ProcessLookupError):
        os.kill(killed["pid"], 0)
    client.wait_for_workers(2, timeout=30)
    assert killed["pid"] not in client.run(os.getpid).values()
    assert set(client.run(_sigint_handler).values()) == {int(signal.SIG_IGN)}  # the replacement too


# --------------------------------------------------------------------------------------------- CLI
SWEEP = ["sweep", "dirac", "--reg", "r1", "--method", "gd,eg", "--steps", "300", "--grid", "gamma=0.1:1:5",
         "--grid", "step=0.05,0.4,2.5", "--init", "1,0.5", "--init=-0.3,0.2"]


def _cli(argv, capsys):
    from gandynamics.cli import main
    rc = main(argv)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.slow  # a local cluster of worker processes (the module's client fixture): -m slow
def test_cli_scheduler_gives_the_local_table(client, tmp_path, capsys):
    import pandas as pd
    rc, _, _ = _cli(SWEEP + ["--out", str(tmp_path / "local.csv")], capsys)
    assert rc == 0
    rc, _, _ = _cli(SWEEP + ["--out", str(tmp_path / "remote.csv"), "--scheduler", client.scheduler.address], capsys)
    assert rc == 0
    a, b = pd.read_csv(tmp_path / "local.csv"), pd.read_csv(tmp_path / "remote.csv")
    assert len(a) == 2 * 2 * 5 * 3
    pd.testing.assert_frame_equal(a, b, check_exact=True)  # CSV floats are repr(): exact round trip


@pytest.mark.slow  # 3.6 s with warm caches on the 2-core CI machine
def test_cli_workers_starts_a_local_cluster_for_the_command(tmp_path, capsys):
    import pandas as pd
    pytest.importorskip("distributed")
    rc, _, _ = _cli(SWEEP + ["--out", str(tmp_path / "local.csv")], capsys)
    assert rc == 0
    rc, out, _ = _cli(SWEEP + ["--out", str(tmp_path / "remote.csv"), "--workers", "1"], capsys)
    assert rc == 0 and "table written" in out
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "local.csv"), pd.read_csv(tmp_path / "remote.csv"),
                                  check_exact=True)


@pytest.mark.parametrize("extra, needle", [
    (["--workers", "0"], "--workers must be a whole number between 1 and "),
    (["--workers", "two"], "--workers must be a whole number between 1 and "),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
])
def test_cli_bad_cluster_options_are_one_line(extra, needle, tmp_path, capsys):
    rc, _, err = _cli(SWEEP + ["--out", str(tmp_path / "t.csv")] + extra, capsys)
    assert rc == 2 and needle in err and err.count("\n") == 1


def test_cli_without_dask_says_what_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    for extra in (["--workers", "2"], ["--scheduler", "tcp://127.0.0.1:8786"]):
        rc, _, err = _cli(SWEEP + ["--out", str(tmp_path / "t.csv")] + extra, capsys)
        assert rc == 2 and install_hint("distributed") in err and err.count("\n") == 1


def test_unreachable_scheduler_is_one_line(caplog, monkeypatch):
    """One line; and a wait for the scheduler longer than the notice delay says what it waits for (10 s passed in
    silence before the error: a new user's trial)."""
    import logging

    from gandynamics import log
    caplog.set_level(logging.INFO, logger="gandynamics")
    monkeypatch.setattr(log, "NOTICE_AFTER", 0.01)
    address = "tcp://127.0.0.1:1"  # (refused: Dask retries until the timeout)
    with pytest.raises(GandynamicsError, match="cannot connect to a Dask scheduler") as exc:
        D.connect(address, timeout=0.5)
    assert "\n" not in str(exc.value)
    said = [r.getMessage() for r in caplog.records if r.name == "gandynamics"]
    assert any(m.startswith(f"connecting to the Dask scheduler at {address}") for m in said), said


def _missing_module(plan, lo, hi):
    raise ModuleNotFoundError("No module named 'gandynamics'", name="gandynamics")


@pytest.mark.slow  # a local cluster of worker processes (the module's client fixture): -m slow
def test_worker_without_gandynamics_is_one_line(client):
    with pytest.raises(GandynamicsError, match="cannot import gandynamics") as exc:
        D.map_chunks(client, None, [(0, 1)], fn=_missing_module, retries=0)
    assert "\n" not in str(exc.value)


def test_scheduler_without_workers_is_one_line():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None, host="127.0.0.1",
                                  scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as empty:
        with pytest.raises(GandynamicsError, match="has no workers") as exc:
            D.connect(empty.scheduler_address, timeout=0.5)
    assert "\n" not in str(exc.value)


def test_a_progress_function_counts_rows_with_a_client_as_without():
    """``sweep(progress=fn)`` gets ``fn(rows done, rows)`` on the local path and with a client alike (with a client
    it got chunks, and a total of None during the first wave)."""
    from concurrent.futures import ThreadPoolExecutor
    fld = _dirac()
    inits = np.random.default_rng(0).uniform(-1, 1, (300, 2))
    kw = dict(inits=inits, steps=20, step=0.05, chunk_size=128, engine="compiled")
    local, remote = [], []
    sweep(fld, "gd", progress=lambda d, t: local.append((d, t)), **kw)
    with ThreadPoolExecutor(2) as ex:
        sweep(fld, "gd", client=ex, progress=lambda d, t: remote.append((d, t)), **kw)
    for calls in (local, remote):
        done = [d for d, _ in calls]
        assert calls[-1] == (300, 300) and all(t == 300 for _, t in calls) and done == sorted(done), calls
    assert sorted(remote)[-1] == local[-1] and {d for d, _ in remote} <= {128, 256, 300, 172, 44}
