"""Size limits: every request is estimated before allocating and refused with the estimate and the limit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from gandynamics import limits
from gandynamics.errors import GandynamicsError


def test_limit_is_half_the_physical_memory(monkeypatch):
    monkeypatch.delenv("GANDYNAMICS_MEMORY_LIMIT", raising=False)
    import os
    phys = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert limits.memory_limit() == int(0.5 * phys)


@pytest.mark.parametrize("text, n", [("8G", 8 * 2**30), ("500M", 500 * 2**20), ("1000", 1000), ("2k", 2048)])
def test_limit_from_environment(monkeypatch, text, n):
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", text)
    assert limits.memory_limit() == n


def test_bad_environment_limit(monkeypatch):
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", "lots")
    with pytest.raises(GandynamicsError, match="GANDYNAMICS_MEMORY_LIMIT must be a size"):
        limits.memory_limit()


@given(st.lists(st.integers(min_value=1, max_value=10**13), min_size=1, max_size=3))
def test_check_array_refuses_exactly_above_the_limit(shape):
    limit = limits.memory_limit()
    nbytes = 8.0
    for s in shape:
        nbytes *= s
    if nbytes <= limit:
        limits.check_array(shape, "x")
    else:
        with pytest.raises(GandynamicsError) as e:
            limits.check_array(shape, "the recorded states")
        msg = str(e.value)
        assert msg.startswith("the recorded states would need ") and "more than the limit of" in msg
        assert limits.format_bytes(limit) in msg and limits.format_bytes(nbytes) in msg


def test_message_example():
    with pytest.raises(GandynamicsError, match=r"would need 16 TB of memory \(10\^12 x 2 float64\)"):
        limits.check_array((10**12, 2), "the recorded states")


@pytest.mark.parametrize("n, text", [(999, "999 B"), (1500, "1.5 KB"), (16e12, "16 TB"), (8e10, "80 GB")])
def test_format_bytes(n, text):
    assert limits.format_bytes(n) == text


# ---------------------------------------------------------------------------------------------------------------
# The kind "a count that sizes what is kept": every such keyword of the public functions is refused with the
# estimate before anything of that size is allocated.  Members that ran out of memory (or were killed by the
# machine) before: estimate_constants(samples=1e11), limit_cycle(samples=1e10), the period-k orbit of
# `cycle --k 1e9`, direction_field / phase_portrait(n=1e6), animate(frames=1e9) and a GIF of 1e5 frames.

def _sized_calls():
    import numpy as np

    import gandynamics as gd
    from gandynamics import R1, VectorField, games, plotting
    from gandynamics.analysis.cycles import map_cycle
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    hopf = VectorField(games.make_game("hopf"))
    tr = gd.simulate(fld, "gd", (1, 1), 5, 0.1)

    def gif(dpi):
        anim = plotting.animate(fld, trajectories=[("gd", tr)], frames=2)
        import tempfile
        try:
            return plotting.save_animation(anim, f"{tempfile.gettempdir()}/gd-never-written.gif", dpi=dpi)
        finally:  # refused on purpose, nothing rendered: matplotlib would warn "Animation was deleted without
            anim._draw_was_started = True  # rendering anything" when the object is collected, in a later test
    return {
        ("estimate_constants", "samples"): lambda c: gd.estimate_constants(fld, "ball:1", samples=c),
        ("certify_constants", "samples"): lambda c: gd.certify_constants(fld, "ball:1", samples=c, max_seconds=1),
        ("check_constants", "samples"): lambda c: gd.check_constants(fld, "ball:1", mu=0.1, samples=c,
                                                                     max_seconds=1),
        ("limit_cycle", "samples"): lambda c: gd.limit_cycle(hopf, (0.5, 0), 6.0, {"beta": 0.2}, samples=c),
        ("map_cycle", "k"): lambda c: map_cycle(fld, "gd", 0.1, c, (0.1, 0.1)),
        ("direction_field", "n"): lambda c: plotting.direction_field(fld, n=c),
        ("phase_portrait", "n"): lambda c: plotting.phase_portrait(fld, n=c),
        ("animate", "n"): lambda c: plotting.animate(fld, trajectories=[("gd", tr)], frames=2, n=c),
        ("animate", "frames"): lambda c: plotting.animate(fld, trajectories=[("gd", tr)], frames=c),
        ("save_animation", "dpi"): gif,
        ("simulate", "steps"): lambda c: gd.simulate(fld, "gd", (1, 1), c, 0.1),
        ("animate", "steps"): lambda c: plotting.animate(fld, "gd", steps=c, frames=2),
    }


#: whole-number keywords of the public functions that are budgets, seeds, orders or strides, not sizes of
#: what is kept (a budget stops the work; it allocates nothing in proportion)
NOT_SIZES = {("canvas", "nrows"), ("canvas", "ncols"),  # (bounded by plotting.CANVAS_PANELS_MAX, tested there)
             ("estimate_constants", "seed"), ("estimate_constants", "refine"), ("certify_constants", "seed"),
             ("certify_constants", "max_boxes"), ("certify_constants", "order"), ("check_constants", "seed"),
             ("check_constants", "max_boxes"), ("check_constants", "order"), ("basin", "max_boxes"),
             ("simulate", "record_every"), ("continuation", "max_points"), ("limit_cycle", "maxit"),
             ("animate", "interval"), ("save_animation", "fps"), ("convergence", "every"),
             ("sweep", "samples"),  # sizes what is kept; checked in gandynamics/runs (not here)
             ("interact", "steps"), ("interact", "n"),
             ("eigenvalue_locus", "size"),  # a marker size in points
             ("quadrature_check", "max_atoms"),  # a budget: the doubled rules are derived only within it
             ("quadrature_check", "factor"),  # bounded by max_atoms and by the limit of a rule's atoms (distributions)
             ("check_animation_size", "dpi"), ("check_animation_size", "panels")}  # (the check itself)  # (need the [notebook] extra; they call simulate/animate)


def test_every_whole_number_keyword_of_the_public_functions_is_classified():
    import inspect

    import gandynamics as gd
    from gandynamics import plotting
    found = set()
    for mod, names in ((gd, gd.__all__), (plotting, plotting.__all__)):
        for name in names:
            f = getattr(mod, name)
            if not inspect.isfunction(f):
                continue
            for p in inspect.signature(f).parameters.values():
                if isinstance(p.default, int) and not isinstance(p.default, bool):
                    found.add((name, p.name))
    sized = set(SIZED)
    assert found <= sized | NOT_SIZES, f"a new count keyword: add it to _sized_calls or NOT_SIZES: {found - sized - NOT_SIZES}"


SIZED = [("estimate_constants", "samples"), ("certify_constants", "samples"), ("check_constants", "samples"),
         ("limit_cycle", "samples"), ("map_cycle", "k"), ("direction_field", "n"), ("phase_portrait", "n"),
         ("animate", "n"), ("animate", "frames"), ("save_animation", "dpi"), ("simulate", "steps"),
         ("animate", "steps")]


@pytest.fixture(scope="module")
def sized_calls():
    calls = _sized_calls()
    assert set(calls) == set(SIZED)
    yield calls
    import matplotlib.pyplot as plt
    plt.close("all")


@pytest.mark.parametrize("key", [pytest.param(k, marks=[pytest.mark.slow] if k == ("save_animation", "dpi") else [])
                                 for k in SIZED], ids=[f"{f}({k})" for f, k in SIZED])  # (save_animation: 1.5 s, -m slow)
def test_a_count_beyond_memory_is_refused_with_the_estimate_before_allocating(monkeypatch, sized_calls, key):
    import tracemalloc
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", "256M")
    count = 10**12 if key != ("save_animation", "dpi") else 10**5
    tracemalloc.start()
    try:
        with pytest.raises(GandynamicsError, match="would need .* of memory .*more than the limit of 268 MB"):
            sized_calls[key](count)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, (key, peak)


def test_a_sweep_is_refused_by_the_size_of_its_rows_before_any_array(monkeypatch):
    """The kind: however the rows arise (a product of axes, zipped axes, several methods, from the library or the
    command line), a sweep beyond the memory limit is one GandynamicsError naming its rows and bytes a row, raised
    before any array of its rows (a product of 10^5 x 10^5 points was a MemoryError from numpy); the bytes a row
    bound what a run's table really holds."""
    import gandynamics as G
    from gandynamics.runs.sweep import row_bytes

    fld = G.VectorField(G.games.dirac(), [G.R1()])
    for methods, n in ((["gd"], 3), (["gd", "eg", "adam"], 5)):
        r = G.sweep(fld, methods, inits=np.random.default_rng(0).uniform(-1, 1, (n, 2)), grid={"gamma": [0.1, 0.2]},
                    steps=5, step=0.1, progress=False)
        held = sum(v.nbytes for v in r.columns.values()) / len(r.columns["rate"])
        assert held <= row_bytes(fld, methods), (held, row_bytes(fld, methods))
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", "10M")
    big = np.linspace(0.01, 1.0, 200_000)
    cases = [dict(inits=[[1.0, 1.0]], grid={"gamma": big, "step": big}),                     # product: 4e10 rows
             dict(inits=[[1.0, 1.0]], grid={"gamma": big, "step": big + 0.01}, product=False),  # zipped: 2e5 rows
             dict(inits=np.zeros((30_000, 2)), grid={"gamma": [0.1, 0.2]})]                    # inits x axis
    for kw in cases:
        with pytest.raises(G.GandynamicsError, match=r"the sweep's table would need .* rows x \d+ bytes a row"):
            G.sweep(fld, ["gd", "eg"], steps=5, **({"step": 0.1} if "step" not in kw["grid"] else {}), **kw)


def test_the_command_line_counts_a_zipped_sweep_by_its_rows(monkeypatch, tmp_path, capsys):
    """--zip puts the inits and the axes side by side: 600 random inits zipped with a 600-point axis are 600 rows, not
    360,000 (a reviewer: a zipped sweep the library ran was refused by the command line's count); the same product is
    refused, naming the rows."""
    from gandynamics.cli import main
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", "20M")
    argv = ["sweep", "dirac", "--method", "gd", "--steps", "5", "--random-inits", "600:-1:1",
            "--grid", "step=0.01:0.2:600"]
    assert main(argv + ["--zip", "--out", str(tmp_path / "z.csv")]) == 0
    capsys.readouterr()
    assert main(argv + ["--out", str(tmp_path / "p.csv")]) == 2
    assert "(360000 rows x " in capsys.readouterr().err


@pytest.mark.parametrize("seconds, text", [
    (0.5, "0.5 s"), (9.96, "10 s"), (59.4, "59 s"), (59.97, "1 min"), (60, "1 min"), (95, "1.6 min"),
    (3599, "1 h"), (3600, "1 h"), (5400, "1.5 h"), (86300, "1 day"), (86400, "1 day"), (86400 * 2.5, "2.5 days"),
    (86400 * 116, "116 days"), (86400 * 99.6, "100 days"), (86400 * 365.2, "1 year"), (365.25 * 86400, "1 year"),
    (150 * 365.25 * 86400, "150 years"), (1e12, "31,688 years"), (math.inf, "inf s")])
def test_durations_are_written_in_the_unit_a_person_would_use(seconds, text):
    from gandynamics.limits import format_duration
    assert format_duration(seconds) == text
