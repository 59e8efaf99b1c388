"""Every long computation says what it does (gandynamics.runs.progress.counted): a notice after NOTICE_AFTER seconds
where no bar shows it, a bar of its count where one can be seen once the wait is long, Ctrl-C stopping it -- a
simulation's steps, a continuation's points, a branch's cycles, a period-k orbit's steps, the stability boundaries'
seeds (each ran 8 s to hours without a word where no terminal showed a bar: a tester).  No real waits: the notices'
clock and watch are fakes, as in test_log.py."""

import logging
import sys

import numpy as np
import pytest

import gandynamics.log as glog
from gandynamics import R1, VectorField, games
from gandynamics.errors import GandynamicsError


from test_log import fake_time  # noqa: E402,F401  (the fake clock and its watch: one fixture for both files)


class _AtOnce:
    """A watch that fires a deadline of 0 as it is armed, in the arming thread, and drops later ones: with
    NOTICE_AFTER = 0 every block's notice is said as it starts, deterministically."""

    def add(self, delay, fire, entry=None):
        entry = [fire, True] if entry is None else entry
        if delay <= 0:
            fire()
        return entry

    cancel = staticmethod(lambda entry: entry.__setitem__(1, False))


@pytest.fixture
def at_once(monkeypatch, caplog):
    """Every notice said as its block starts (NOTICE_AFTER 0, :class:`_AtOnce`); returns the messages said."""
    said = []
    monkeypatch.setattr(glog, "NOTICE_AFTER", 0.0)
    monkeypatch.setattr(glog, "_WATCH", _AtOnce())
    real = glog.notice
    monkeypatch.setattr(glog, "notice", lambda m: (said.append(m), real(m)))
    caplog.set_level(logging.INFO, logger="gandynamics")
    return said


class _Bar:
    """A tqdm stand-in that records how it was made and moved."""
    made = []

    def __init__(self, *a, total=None, initial=0, desc="", **kw):
        self.total, self.n, self.desc, self.closed = total, initial, desc, False
        _Bar.made.append(self)

    def update(self, k):
        self.n += k

    def set_description_str(self, desc, refresh=True):
        self.desc = desc

    def reset(self, total=None):
        self.n, self.total = 0, total

    def close(self):
        self.closed = True


@pytest.fixture
def bars(monkeypatch):
    """A terminal that shows bars (gandynamics.log.bars_wanted true), its bars recorded (_Bar.made)."""
    import tqdm
    import tqdm.auto
    _Bar.made = []
    monkeypatch.setattr(tqdm, "tqdm", _Bar)
    monkeypatch.setattr(tqdm.auto, "tqdm", _Bar)  # (runs.progress draws with tqdm.auto: a notebook's widget there)
    monkeypatch.setattr(glog, "bars_wanted", lambda: True)
    return _Bar.made


# --------------------------------------------------------------------------- the mechanism

def test_a_long_counted_wait_is_said_where_no_bar_shows_it(fake_time):
    from gandynamics.runs.progress import counted
    clock, watch, said = fake_time
    with counted("working on 100 things ...", 100, desc="things", unit="thing", progress=None) as c:
        c.to(10)
        watch.advance(1.9)
        assert said == []
        watch.advance(2.5)
        c.to(60)
    assert said == [(2.0, "working on 100 things ...")] and c.bar is None  # (no terminal here: no bar)


def test_a_bar_is_drawn_once_the_pace_says_the_wait_is_long_and_then_no_notice(fake_time, bars):
    """Where a bar can be seen it is drawn once the wait has run BAR_AFTER seconds and its pace says it runs longer than
    NOTICE_AFTER in all (the Dirac-GAN of 80 parameters, estimated at fewer than 2e8 field evaluations, ran 11 s with
    no bar on a terminal); the bar then says what runs, and the notice is not given too."""
    from gandynamics.runs.progress import BAR_AFTER, counted
    clock, watch, said = fake_time
    with counted("long ...", 100, desc="things", unit="thing") as c:
        watch.advance(BAR_AFTER / 2)
        c.to(1)  # (too early to tell)
        assert bars == []
        watch.advance(BAR_AFTER)
        c.to(2)  # 2 of 100 in BAR_AFTER s: 25 s in all
        assert len(bars) == 1 and bars[0].total == 100 and bars[0].n == 2
        watch.advance(5.0)
        c.to(50, desc="things (at 50)")
        assert bars[0].n == 50 and bars[0].desc == "things (at 50)"
    assert said == [] and bars[0].closed
    with counted("short ...", 100, desc="things", unit="thing") as c:  # a wait that will be short: no bar, no notice
        watch.advance(clock[0] + BAR_AFTER)
        c.to(99)
    assert len(bars) == 1 and said == []


def test_a_bar_forced_or_refused_and_a_progress_function(fake_time, bars):
    from gandynamics.runs.progress import counted
    clock, watch, said = fake_time
    with counted("a ...", 10, desc="a", unit="x", progress=True):
        pass
    assert len(bars) == 1
    got = []
    with counted("b ...", 10, desc="b", unit="x", progress=lambda d, t: got.append((d, t))) as c:
        c.to(3)
        c.again(total=5)
        c.to(5)
    with counted("c ...", 10, desc="c", unit="x", progress=False) as c:
        watch.advance(clock[0] + 10.0)
        c.to(5)
    assert got == [(3, 10), (5, 5)] and len(bars) == 1 and [m for _, m in said] == ["c ..."]


def test_a_sweeps_progress_is_the_same_mechanism_with_its_own_counts(bars):
    """runs.progress.Progress (a sweep's rows or chunks, local and distributed) is a Counted: drawn at once where a
    bar can be seen, a function told of the rows already done at once, then of each whole row finished (not of parts of
    one, when rows run in chunks of steps), a chunk counted as one in chunk units whatever its rows."""
    from gandynamics.runs.progress import Counted, Progress
    got = []
    p = Progress(lambda d, t: got.append((d, t)), 10, unit="row", done=2, fractions=True)
    assert isinstance(p, Counted) and p.bar is None and got == [(2, 10)]
    for done in (2.3, 2.9, 3.0, 3.4, 5.5):
        p.to(done)
    p.update(3)
    assert got == [(2, 10), (3, 10), (5, 10), (8, 10)] and p.n == 8
    chunks = Progress(lambda d, t: got.append((d, t)), 4)
    chunks.update(1000)
    chunks.update(7)
    assert got[-2:] == [(1, 4), (2, 4)] and bars == []
    drawn = Progress(None, 10, unit="row", done=4, fractions=True)  # (a terminal: drawn at once)
    drawn.to(6.25)
    assert len(bars) == 1 and bars[0].total == 10 and bars[0].n == 6.25 and bars[0].desc == "sweep"
    assert Progress(False, 10).bar is None and len(bars) == 1


# --------------------------------------------------------------------------- the kind: every long loop

def _hopf():
    return VectorField(games.make_game("hopf"))


def _dirac_r1():
    return VectorField(games.dirac(), [R1(gamma=0.3)])


def _simulate(progress):
    from gandynamics import simulate
    simulate(_dirac_r1(), "gd", [1.0, 1.0], 3000, 0.1, progress=progress)
    return "simulate: 3000 steps of gd on dirac from (1, 1)"


def _continuation(progress):
    from gandynamics.analysis.continuation import continuation
    continuation(VectorField(games.dirac(), [R1()]), "gamma", 0.1, 1.0, progress=progress)
    return "continuation: following the equilibria of the flow in gamma from 0.1 to 1 (at most 2000 points"


def _branch(progress):
    from gandynamics.analysis.cycles import continue_cycle, cycle_from_hopf
    fld = _hopf()
    continue_cycle(fld, "beta", [0.25, 0.3], cycle_from_hopf(fld, "beta", 0.0, 0.2), progress=progress)
    return "following the cycle from beta = 0.2 through 2 values"


def _orbit(progress):
    from gandynamics.analysis.cycles import map_cycle
    with pytest.raises(GandynamicsError, match="no period-600 orbit found"):
        map_cycle(_hopf(), "gd", 0.1, 600, [0.5, 0.0], maxit=2, progress=progress)
    return "period-600 orbit of gd (h = 0.1): Newton's method on G^600(x) = x, each iteration 600 steps"


LOOPS = {"simulate": _simulate, "continuation": _continuation, "branch of cycles": _branch, "map orbit": _orbit}


@pytest.mark.parametrize("loop", list(LOOPS))
def test_every_long_loop_says_what_it_does_and_counts_its_work(at_once, loop):
    got = []
    said = LOOPS[loop](lambda done, total: got.append((done, total)))
    assert any(m.startswith(said) for m in at_once), at_once
    done = [d for d, _ in got]
    assert got and done == sorted(done) or loop == "map orbit", got  # (an orbit counts each Newton iteration's steps)
    if loop == "simulate":
        assert got[-1] == (3000, 3000)
    elif loop == "continuation":  # (the share of the range covered, not points of a cap of 2000 never reached)
        assert all(t == 1.0 for _, t in got) and 0 < done[0] < done[-1] == 1.0
    elif loop == "branch of cycles":
        assert got == [(1, 2), (2, 2)]
    else:
        assert got == [(256, 600), (512, 600)] * 2


def test_a_period_k_orbit_stops_at_a_ctrl_c():
    """A Ctrl-C (here raised where the loop reports its progress) ends the search for an orbit as KeyboardInterrupt,
    which the command line turns into "gandynamics: interrupted" and exit 130: a Newton iteration cut short has no
    orbit to keep (simulate keeps the steps done: test_simulate.py; a continuation and a branch of cycles the points
    and cycles found: test_interrupted_branches.py)."""
    def ctrl_c(done, total):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        LOOPS["map orbit"](ctrl_c)


def test_the_stability_boundaries_speak_for_the_continuations_inside_them(at_once, monkeypatch):
    """One notice and one bar for the seeds of a two-parameter continuation, not one of each continuation inside."""
    import importlib
    C = importlib.import_module("gandynamics.analysis.continuation")  # (the module: the package's name is its function)
    seen = []
    real = C.continuation
    monkeypatch.setattr(C, "continuation", lambda *a, **kw: (seen.append(kw.get("progress")), real(*a, **kw))[1])
    C.stability_boundaries(VectorField(games.dirac(), [R1()]), ("gamma", "h"), ((0.02, 2.0), (0.02, 5.0)), method="gd")
    assert [m for m in at_once if m.startswith("continuation:")] == [
        "continuation: the curves that bound the stable region of gd in (gamma, h), seeded on 8 lines (Ctrl-C stops "
        "it) ..."]
    assert seen and set(seen) == {False}


def test_a_simulation_estimated_short_draws_its_bar_once_it_proves_long(monkeypatch, bars):
    """dirac-nd at d = 40, 2e6 steps of gd, was estimated at fewer than 2e8 field evaluations: no bar on a terminal for
    its 11 s.  The bar now follows the run's pace (here every wait counts as long: BAR_AFTER and NOTICE_AFTER 0)."""
    from gandynamics import simulate
    from gandynamics.runs import progress as P
    monkeypatch.setattr(P, "BAR_AFTER", 0.0)
    monkeypatch.setattr(glog, "NOTICE_AFTER", 0.0)
    simulate(_dirac_r1(), "gd", [1.0, 1.0], 3000, 0.1)
    assert len(bars) == 1 and bars[0].total == 3000 and bars[0].n == 3000 and bars[0].closed


from conftest import cli_run as _cli  # noqa: E402 (the command line run in this process)


@pytest.mark.parametrize("quiet", [False, True])
def test_the_commands_say_what_runs_unless_quiet(at_once, capsys, quiet):
    q = ["-q"] if quiet else []
    code, _, err = _cli(capsys, "simulate", "dirac", "--reg", "r1", "--method", "gd", "--steps", "300", "--step",
                        "0.1", *q)
    assert code == 0 and ("gandynamics: simulate: 300 steps of gd on dirac" in err) != quiet, err
    code, _, err = _cli(capsys, "cycle", "hopf", "--from-hopf", "beta=0:0.2", "--continue-to", "0.3", "--points", "2", *q)
    assert code == 0 and ("gandynamics: following the cycle from beta = 0.2 through 2 values" in err) != quiet, err
    if quiet:
        assert err == ""


def test_a_ctrl_c_in_a_branch_of_cycles_keeps_its_cycles_and_is_one_line_and_130(capsys, monkeypatch):
    """The Ctrl-C comes as the branch reports its first cycle after the start (at beta = 0.25): the two cycles found
    are printed, the line says so, exit 130 as simulate's and sweep's."""
    from gandynamics.runs import progress as P

    def ctrl_c(self, done, desc=None):
        raise KeyboardInterrupt
    monkeypatch.setattr(P.Counted, "to", ctrl_c)
    code, out, err = _cli(capsys, "cycle", "hopf", "--from-hopf", "beta=0:0.2", "--continue-to", "0.3", "--points", "2")
    assert code == 130 and err.strip().splitlines()[-1] == ("gandynamics: interrupted after 2 cycles; what was found "
                                                            "is kept above")
    assert "continued in beta (2 of 3 cycles found):" in out
    rows = [line.split() for line in out.splitlines()[out.splitlines().index("continued in beta (2 of 3 cycles found):")
                                                       + 2:]]
    assert [float(r[0]) for r in rows] == [0.2, 0.25]
    # hopf's cycle: radius sqrt(beta) (sigma = -1), period 2 pi / omega (omega = 1, b = 0): docs of games.hopf
    np.testing.assert_allclose([float(r[2]) for r in rows], np.sqrt([0.2, 0.25]), rtol=1e-6)
    np.testing.assert_allclose([float(r[1]) for r in rows], 2 * np.pi, rtol=1e-7)


# --------------------------------------------------------------------------- what the waits were spent on

@pytest.mark.parametrize("K, every", [(0, 1), (5, 1), (1024, 1), (1025, 1), (5000, 1), (5000, 7), (5000, 1000),
                                      (5000, 5000), (5000, 10**6), (123457, 1), (123457, 389)])
def test_the_recorded_steps_are_the_union_of_the_asked_and_the_samples(K, every):
    """simulate merged the steps asked for and the reading's samples with np.union1d and found them again with np.isin:
    sorting every step of a run recorded at each, 17 s of a portrait of 2e7 steps before its first step.  The merge in
    linear time gives the same steps and masks."""
    from gandynamics.runs.trajectory import READ_SAMPLES, _recorded_steps
    from gandynamics.runs.validate import sample_steps, step_index
    ev, samples = step_index(K, every) if K else np.array([0]), sample_steps(K, READ_SAMPLES)
    rec, is_ev, is_sample = _recorded_steps(ev, samples)
    np.testing.assert_array_equal(rec, np.union1d(ev, samples))
    np.testing.assert_array_equal(is_ev, np.isin(rec, ev))
    np.testing.assert_array_equal(is_sample, np.isin(rec, samples))


def test_a_portrait_draws_at_most_its_points_and_reads_the_run_as_simulate_does(capsys, monkeypatch, tmp_path):
    """A portrait of 2e7 steps recorded and drew every step (35 s, silent); it records at most PORTRAIT_POINTS states
    of each run now, every ceil(steps / PORTRAIT_POINTS)-th, and its verdict is the run's read on its own samples:
    the same as a run recording every step."""
    import importlib

    from gandynamics.cli import portrait
    S = importlib.import_module("gandynamics.simulate")  # (the module portrait imports simulate from)
    runs = []
    real = S.simulate
    monkeypatch.setattr(S, "simulate", lambda *a, **kw: (runs.append((a, kw, real(*a, **kw))), runs[-1][2])[1])
    monkeypatch.setattr(portrait, "PORTRAIT_POINTS", 100)
    code, out, _ = _cli(capsys, "portrait", "hopf", "--methods", "eg", "--steps", "2000", "--step", "0.05", "-o",
                        str(tmp_path / "p.png"))
    assert code == 0
    (a, kw, tr), = runs
    assert kw["record_every"] == 20 and len(tr.states) == 101 and tr.times[-1] == 2000
    full = real(*a, **dict(kw, record_every=1))
    assert (tr.verdict, tr.rate, tr.reading) == (full.verdict, full.rate, full.reading)
    np.testing.assert_array_equal(tr.states, full.states[::20])


# --------------------------------------------------------------------------- cycle: one value set once

@pytest.mark.parametrize("game, hopf, given", [
    (["hopf"], "beta=0:0.2", ["--param", "beta=0.3"]),
    (["dirac", "--reg", "r1:gamma=0.3"], "gamma=0:0.2", []),
])
def test_cycle_refuses_the_hopf_parameter_set_twice(capsys, game, hopf, given):
    """`cycle hopf --from-hopf beta=0:0.2 --param beta=0.3` dropped --param beta without a word; continue and sweep
    refuse the same conflict (cli.common.refuse_set_twice), and so does cycle now, before any work."""
    code, out, err = _cli(capsys, "cycle", *game, *given, "--from-hopf", hopf)
    name = hopf.split("=")[0]
    by = " ".join(given) if given else "--reg r1:gamma=0.3"
    assert code == 2 and out == ""
    assert err.strip() == f"gandynamics: error: {name} set twice: by {by} and by --from-hopf {name}; set it once"


# --------------------------------------------------------------------------- refused up front, or as soon as known

def test_a_period_k_orbit_whose_jacobians_overflow_is_refused_when_they_do():
    """--k 1e6 ran every step of every Newton iteration; where the product of the orbit's Jacobians overflows (gd at
    h = 10 on the Hopf game, about x10 a step, from its equilibrium: the state stays 0) the search stops at the next
    check, after 512 of 1,024 steps, with what happened."""
    from gandynamics.analysis.cycles import map_cycle
    with pytest.raises(GandynamicsError, match=r"^the product of the map's Jacobians along the orbit overflowed after 512 "
                                               r"of its 1,024 steps \(the state still finite\)"):
        map_cycle(_hopf(), "gd", 10.0, 1024, [0.0, 0.0])


def test_a_branch_whose_points_cannot_fit_is_refused_and_a_large_cap_alone_is_not():
    """continue --max-points 1e9 --max-step 1e-9 would have run for days into a MemoryError: the 9e8 points its range
    needs at that step are refused up front; --max-points 1e9 at the default steps is a cap the branch never nears."""
    from gandynamics.analysis.continuation import continuation
    fld = VectorField(games.dirac(), [R1()])
    with pytest.raises(GandynamicsError, match=r"^a branch of 900_000_001 points \(the range in gamma at its largest "
                                               r"arclength step.*more than the limit of"):
        continuation(fld, "gamma", 0.1, 1.0, max_points=10**9, ds_max=1e-9)
    br = continuation(fld, "gamma", 0.1, 1.0, max_points=10**9)
    assert br.ended == "range" and len(br.values) < 100
    assert br.stable.dtype == bool and br.stable.tolist() == [True] * len(br.values)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal sized with TIOCSWINSZ")
def test_a_terminal_of_zero_columns_gets_the_notices_not_an_invisible_bar(monkeypatch):
    """On a pseudo-terminal whose size was never set (0 columns: a program driving another through a pty), tqdm drew
    its bar cut to nothing, and the notice, given only where no bar is drawn, was not given either: a simulation of 7 s
    showed nothing (a tester).  Such a terminal shows no bar (gandynamics.log.bars_wanted); a sized one does."""
    import fcntl
    import os
    import pty
    import struct
    import termios
    master, slave = pty.openpty()
    try:
        with open(slave, "w", closefd=False) as tty:
            monkeypatch.setattr(sys, "stderr", tty)
            monkeypatch.setattr(glog.logger, "level", logging.NOTSET)
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
            assert tty.isatty() and not glog.bars_wanted()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            assert glog.bars_wanted()
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize("bad", ["yes", 1, 0.5])
def test_map_cycle_and_continue_cycle_check_their_progress_before_any_work(bad):
    """A review: map_cycle(progress="yes") or progress=1 showed no bar without a word, and a function of the wrong
    arity failed after 256 steps of work; both check it at entry, as simulate and continuation do."""
    from gandynamics.analysis.cycles import continue_cycle, cycle_from_hopf, map_cycle
    fld = VectorField(games.make_game("hopf"))
    with pytest.raises(GandynamicsError, match="progress must be True, False, None or a function"):
        map_cycle(fld, "gd", 0.1, 3, [0.5, 0.0], progress=bad)
    first = cycle_from_hopf(fld, "beta", 0.0, 0.2)
    with pytest.raises(GandynamicsError, match="progress must be True, False, None or a function"):
        continue_cycle(fld, "beta", [0.25], first, progress=bad)


def test_a_continuation_step_too_small_for_its_count_is_no_traceback(capsys):
    """A review: --max-step 1e-320 made the count of points inf and math.ceil(inf) an OverflowError traceback."""
    from gandynamics.cli import main
    code = main(["continue", "dirac", "--reg", "r1", "--vary", "gamma=0.1:1", "--max-step", "1e-320", "-q"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and (code == 0 or err.startswith("gandynamics: error: ")), err
