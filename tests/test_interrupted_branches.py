"""A Ctrl-C never loses the work done (the project's rule): a continuation interrupted at any point returns the branch
found before it, marked ``ended == "interrupted"``, each of its numbers those of the uninterrupted branch; a branch of
cycles the cycles found, marked ``interrupted``; the command line prints them, says so on one line and exits 130, as
simulate and sweep do.  The bar of a continuation counts the share of its range covered, not points of a cap.

The interruptions are raised by a trace function at each line the continuation runs (``sys.settrace``): a Ctrl-C
arrives between two bytecodes, and the lines of the loop (between two appends of one step, before the step is
recorded as kept, ...) are where one may land."""

import dis
import importlib
import inspect
import json
import sys

import numpy as np
import pytest
import sympy as sp

from gandynamics import R1, Game, VectorField, games

NOP = dis.opmap["NOP"]
C = importlib.import_module("gandynamics.analysis.continuation")  # (the module: the package's name is its function)


def _dirac_branch(**kw):
    """The R1 Dirac-GAN's equilibria in gamma from 0.5 to -0.5: z* = 0 throughout, J = [[0, -f'(0)], [f'(0), -gamma]],
    a Hopf point at gamma = 0 (trace -gamma); 10 points at steps from 0.02 growing to at most 0.25."""
    return C.continuation(VectorField(games.dirac(), [R1()]), "gamma", 0.5, -0.5, ds_max=0.25, progress=False, **kw)


def _interrupted_at_line(k: int):
    """The continuation of :func:`_dirac_branch` with a KeyboardInterrupt raised at the ``k``-th line event of
    :func:`continuation`'s frame: ``(branch or None when it raised, the line it was raised at)``."""
    code = C.continuation.__code__
    count, where = [0], [None]

    def local(frame, event, arg):
        # (not at a NOP, which a ``try:`` line compiles to: a signal is honoured at calls and jumps, never there, and
        # CPython 3.11 covers a try's NOP with no handler, the enclosing one's included)
        if event == "line" and code.co_code[frame.f_lasti] != NOP:
            count[0] += 1
            if count[0] == k:
                where[0] = frame.f_lineno
                raise KeyboardInterrupt
        return local

    def outer(frame, event, arg):
        return local if frame.f_code is code else None

    sys.settrace(outer)
    try:
        return _dirac_branch(), where[0]
    except KeyboardInterrupt:
        return None, where[0]
    finally:
        sys.settrace(None)


def _guarded_lines():
    """The source lines of :func:`continuation`'s loop, which a Ctrl-C ends keeping the branch: ``(first, last)``, the
    line after the ``with ..., ctrl_c:`` that guards it and the ``if ctrl_c.caught:`` after it."""
    lines, start = inspect.getsourcelines(C.continuation)
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("ctrl_c:")) + 1
    last = next(i for i, line in enumerate(lines) if line.strip().startswith("if ctrl_c.caught:"))
    return start + first, start + last


def _assert_prefix(part, full):
    """``part``'s points, values, spectra and stability bitwise those of ``full``'s first points; its events those of
    ``full`` found by then."""
    m = len(part.values)
    assert 1 <= m <= len(full.values)
    for a, b in ((part.values, full.values[:m]), (part.points, full.points[:m]), (part.stable, full.stable[:m])):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert all(np.asarray(s).tobytes() == np.asarray(t).tobytes() for s, t in zip(part.spectra, full.spectra[:m]))
    assert len(part.spectra) == m
    assert part.events == full.events[:len(part.events)]


@pytest.mark.slow  # 6 s with cold caches: a Ctrl-C at each of the loop's lines (the step kept whole: the default run)
def test_a_ctrl_c_at_any_line_of_a_continuation_keeps_every_point_found_before_it():
    full = _dirac_branch()
    assert full.ended == "range" and len(full.values) == 10 and full.values[-1] == -0.5
    (hopf,) = full.events
    assert hopf.type == "hopf" and abs(hopf.value) < 1e-10  # (closed form: trace -gamma = 0 at gamma = 0)
    first, last = _guarded_lines()
    lengths, k = set(), 0
    while True:
        k += 1
        part, line = _interrupted_at_line(k)
        if line is None:  # (k beyond the lines the continuation runs: it finished untouched)
            assert part == full
            break
        if not first <= line < last:  # (before the first point's loop, or building the result: nothing to keep yet)
            assert part is None, line
            continue
        assert part is not None and part.ended == "interrupted", (k, line)
        _assert_prefix(part, full)
        # the Hopf point is located in the step that crosses gamma = 0, and kept with that step's point
        assert (part.events == [hopf]) == (part.values[-1] < 0)
        lengths.add(len(part.values))
    assert k > 100 and lengths == set(range(1, 11))  # (within every step: the first point alone, ..., all 10)


def test_a_ctrl_c_keeps_the_step_whole_or_not_at_all(monkeypatch):
    """A Ctrl-C as the fourth point is told to the bar: the four points found are kept, with the three shares of the
    range covered heard before it (the farthest |gamma - 0.5| reached, of 1)."""
    heard = []

    def ctrl_c(done, total):
        heard.append((done, total))
        if len(heard) == 3:
            raise KeyboardInterrupt
    part = C.continuation(VectorField(games.dirac(), [R1()]), "gamma", 0.5, -0.5, ds_max=0.25, progress=ctrl_c)
    full = _dirac_branch()
    assert part.ended == "interrupted" and len(part.values) == 4
    _assert_prefix(part, full)
    assert heard == [(0.5 - v, 1.0) for v in full.values[1:4]]


def test_the_progress_of_a_continuation_is_the_share_of_its_range_covered():
    """Told after each point: the farthest the parameter has gone from the start toward the end, over the range (it
    counted points of max_points, 2000, a cap the branch never reached).  A branch that turns back at a fold keeps the
    share it reached: F = (x^2 - mu, y) from mu = 1 toward -1 turns at mu = 0 (half the range) and ends at mu = 1."""
    x, y, mu = sp.symbols("x y mu", real=True)
    g = Game([x], [y], x**3 / 3 - mu * x, y**2 / 2, hyper={mu: 1.0}, equilibrium=(1, 0))
    heard = []
    br = C.continuation(VectorField(g), "mu", 1.0, -1.0, start=(1.0, 0.0), progress=lambda d, t: heard.append((d, t)))
    share = np.maximum.accumulate(np.clip((1.0 - br.values[1:]) / 2.0, 0.0, 1.0))
    assert [t for _, t in heard] == [1.0] * (len(br.values) - 1)
    np.testing.assert_allclose([d for d, _ in heard], share, rtol=1e-15, atol=0)
    assert br.ended == "range" and br.values[-1] == 1.0 and 0.45 < heard[-1][0] <= 0.5
    heard.clear()
    full = C.continuation(VectorField(games.dirac(), [R1()]), "gamma", 0.5, -0.5, ds_max=0.25,
                          progress=lambda d, t: heard.append((d, t)))
    assert heard == [(0.5 - v, 1.0) for v in full.values[1:]] and heard[-1] == (1.0, 1.0)


def test_the_bar_of_a_continuation_ends_full_and_names_its_points(monkeypatch):
    """The bar (forced) counts toward 1.0, the whole range, and reaches it when the branch reaches the range's end."""
    import tqdm.auto
    made = []

    class Bar:
        def __init__(self, *a, total=None, initial=0, desc="", **kw):
            self.total, self.n, self.desc, self.kw = total, initial, desc, kw
            made.append(self)

        def update(self, k):
            self.n += k

        def set_description_str(self, desc, refresh=True):
            self.desc = desc

        def close(self):
            pass
    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    br = C.continuation(VectorField(games.dirac(), [R1()]), "gamma", 0.5, -0.5, ds_max=0.25, progress=True)
    (bar,) = made
    assert bar.total == 1.0 and bar.n == pytest.approx(1.0, abs=1e-15) and bar.kw["bar_format"] == C.COVERED_BAR
    assert bar.desc == f"gamma range covered, {len(br.values)} points (at -0.5)"


def _cycle_branch(monkeypatch=None, stop=None):
    """hopf's cycle (r' = beta r - r^3: radius sqrt(beta), period 2 pi) from beta = 0.2 through 0.25, 0.3, 0.35, 0.4,
    with a KeyboardInterrupt at the ``stop``-th shooting when given."""
    from gandynamics.analysis import cycles
    fld = VectorField(games.make_game("hopf"))
    first = cycles.cycle_from_hopf(fld, "beta", 0.0, 0.2)
    if stop is not None:
        calls, real = [0], cycles._shoot_next

        def shoot(*a, **kw):
            calls[0] += 1
            if calls[0] == stop:
                raise KeyboardInterrupt
            return real(*a, **kw)
        monkeypatch.setattr(cycles, "_shoot_next", shoot)
    return cycles.continue_cycle(fld, "beta", [0.25, 0.3, 0.35, 0.4], first, progress=False)


@pytest.mark.parametrize("stop", [1, 2, 3, 4])
def test_a_ctrl_c_in_a_branch_of_cycles_keeps_the_cycles_found(monkeypatch, stop):
    full = _cycle_branch()
    assert not full.interrupted and full.ended_at is None and len(full) == 5
    np.testing.assert_allclose([c.amplitude for c in full], np.sqrt([0.2, 0.25, 0.3, 0.35, 0.4]), rtol=1e-6)
    np.testing.assert_allclose([c.period for c in full], 2 * np.pi, rtol=1e-7)
    part = _cycle_branch(monkeypatch, stop)
    assert part.interrupted and part.ended_at is None and len(part) == stop
    for a, b in zip(part, full):
        assert a.point.tobytes() == b.point.tobytes() and a.period == b.period and a.params == b.params


def test_a_cycle_from_a_hopf_point_interrupted_on_its_way_is_no_cycle(monkeypatch):
    """cycle_from_hopf continues a cycle found nearer the Hopf point to the value asked: cut short there it would
    return a cycle at another value; the Ctrl-C is raised to its caller instead."""
    from gandynamics.analysis import cycles
    real_shoot, real_follow = cycles.limit_cycle, cycles._follow_branch
    monkeypatch.setattr(cycles, "limit_cycle", _fail_first(real_shoot))
    monkeypatch.setattr(cycles, "_follow_branch", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        cycles.cycle_from_hopf(VectorField(games.make_game("hopf")), "beta", 0.0, 0.2)
    monkeypatch.setattr(cycles, "limit_cycle", _fail_first(real_shoot))
    monkeypatch.setattr(cycles, "_follow_branch", real_follow)
    cyc = cycles.cycle_from_hopf(VectorField(games.make_game("hopf")), "beta", 0.0, 0.2)
    assert cyc.params["beta"] == 0.2 and cyc.amplitude == pytest.approx(np.sqrt(0.2), rel=1e-6)


def _fail_first(limit_cycle):
    """``limit_cycle`` whose first call fails (the shooting from the prediction at the value asked): the search then
    continues a cycle found nearer the Hopf point."""
    from gandynamics.errors import GandynamicsError
    calls = [0]

    def shoot(*a, **kw):
        calls[0] += 1
        if calls[0] == 1:
            raise GandynamicsError("no cycle (a test)")
        return limit_cycle(*a, **kw)
    return shoot


def _cli(capsys, *argv):
    from gandynamics.cli import main
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("json_out", [False, True])
def test_continue_prints_an_interrupted_branch_and_exits_130(capsys, monkeypatch, json_out):
    """The Ctrl-C as the fourth point is reported: four points printed (or in the JSON, ended "interrupted"), the
    branch's numbers those of the uninterrupted one, one line on standard error, exit 130."""
    calls, real = [0], C._Covered.at

    def at(self, a):
        calls[0] += 1
        if calls[0] == 3:
            raise KeyboardInterrupt
        return real(self, a)
    argv = ["continue", "dirac", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--max-step", "0.25"]
    code, out_full, _ = _cli(capsys, *argv, "--json")
    full = json.loads(out_full)["branch"]
    monkeypatch.setattr(C._Covered, "at", at)
    code, out, err = _cli(capsys, *argv, *(["--json"] if json_out else []))
    assert code == 130
    assert err.splitlines()[-1] == "gandynamics: interrupted after 4 points; what was found is kept above"
    if json_out:
        got = json.loads(out)
        assert got["branch"]["ended"] == "interrupted" and got["branch"]["values"] == full["values"][:4]
        assert got["branch"]["points"] == full["points"][:4] and got["events"] == []
    else:
        assert ": 4 points" in out.splitlines()[0]
        assert (f"The branch stops at gamma = {full['values'][3]:.12g} after 4 points: interrupted (Ctrl-C); the rest "
                "of [-0.5, 0.5] is not followed; what follows is of the part followed") in out
        assert "no bifurcation located in the range followed" in out
