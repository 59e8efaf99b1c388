"""The continue, cycle and classify commands: JSON schema, numbers against closed forms, errors."""

import json
import math
import re

import numpy as np
import pytest

from gandynamics.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_continue_json_schema_and_neimark_sacker(capsys):
    code, out, _ = run(capsys, "continue", "dirac", "--reg", "r1", "--param", "gamma=0.5", "--method", "gd",
                       "--vary", "h=0.1:6", "--json")
    assert code == 0
    d = json.loads(out)
    assert set(d) == {"branch", "events"}
    assert d["branch"]["parameter"] == "h" and len(d["branch"]["values"]) == len(d["branch"]["multipliers"])
    (ev,) = d["events"]
    assert set(ev) >= {"type", "parameter", "value", "point", "multipliers"}
    assert ev["type"] == "neimark-sacker" and ev["parameter"] == "h"
    assert ev["value"] == pytest.approx(0.5 / 0.25, rel=1e-10, abs=0)
    assert all(math.hypot(*m) == pytest.approx(1.0, rel=1e-10, abs=0) for m in ev["multipliers"])


def test_continue_flow_hopf_text_and_json(capsys):
    code, out, _ = run(capsys, "continue", "hopf", "--vary", "beta=-0.3:0.3", "--json")
    d = json.loads(out)
    (ev,) = d["events"]
    assert ev["type"] == "hopf" and "eigenvalues" in ev and ev["criticality"] == "supercritical"
    assert ev["lyapunov"] == pytest.approx(-2.0, rel=1e-10, abs=0)   # 2 sigma / omega, sigma = -1, omega = 1
    code, out, _ = run(capsys, "continue", "hopf", "--vary", "beta=-0.3:0.3")
    assert code == 0 and "hopf" in out and "supercritical" in out


def test_cycle_from_hopf(capsys):
    code, out, _ = run(capsys, "cycle", "hopf", "--from-hopf", "beta=0:0.2", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["period"] == pytest.approx(2 * math.pi, rel=1e-9, abs=0)
    assert d["amplitude"] == pytest.approx(math.sqrt(0.2), rel=1e-9, abs=0)
    assert d["stable"] is True and len(d["multipliers"]) == 2
    assert sorted(m[0] for m in d["multipliers"]) == pytest.approx(sorted([math.exp(-0.4 * 2 * math.pi), 1.0]),
                                                                   rel=1e-7, abs=1e-9)


def test_cycle_from_init_estimates_the_period(capsys):
    code, out, _ = run(capsys, "cycle", "hopf", "--param", "beta=0.2", "--init", "0.3,0", "--json")
    assert code == 0
    assert json.loads(out)["period"] == pytest.approx(2 * math.pi, rel=1e-9, abs=0)


def test_classify_keys(capsys):
    code, out, _ = run(capsys, "classify", "quadratic", "--param", "a=3", "--param", "b=2", "--param", "c=-1",
                       "--step", "0.1", "--json")
    assert code == 0
    d = json.loads(out)
    assert {k: d[k] for k in ("local_nash", "local_minimax", "differential_stackelberg", "flow_stable", "spurious")} \
        == {"local_nash": False, "local_minimax": False, "differential_stackelberg": False, "flow_stable": True,
            "spurious": True}
    code, out, _ = run(capsys, "classify", "hopf", "--param", "beta=-0.1", "--json")
    assert json.loads(out)["local_minimax"] is None          # general-sum
    code, out, _ = run(capsys, "classify", "quadratic")
    assert code == 0 and "local Nash" in out


@pytest.mark.parametrize("argv,msg", [
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma"], "NAME=LO:HI"),
    (["continue", "dirac", "--reg", "r1", "--vary", "zeta=0:1"], "cannot vary"),
    (["continue", "dirac", "--reg", "r1", "--vary", "h=0.1:1"], "discrete method"),
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--method", "gd", "--step", "-1"], "positive"),
    (["cycle", "hopf", "--from-hopf", "beta=0"], "NAME=VALUE_H:AT"),
    (["cycle", "hopf", "--from-hopf", "beta=0:-0.2"], "other side"),
    (["classify", "quadratic", "--at", "1,0"], "not stationary"),
    (["classify", "quadratic", "--methods", "adam"], "accepted"),
    # hopf at beta = -0.25 (a stable focus, no cycle): the orbit from --init settles at the equilibrium, which used to
    # be reported as "the initial point is an equilibrium" (a start it was not)
    (["cycle", "hopf", "--param", "beta=-0.25", "--init", "0.5,0"], "the orbit from --init settles at the point"),
    (["cycle", "hopf", "--param", "beta=0.2", "--init", "0.5,0", "--step", "0.1"],
     "--step applies to a discrete --method only"),
    (["continue", "dirac", "--reg", "r1", "--method", "gd", "--vary", "gamma=0:1", "--vary2",
      "h=0.1:2", "--seeds", "5"], "seeds must lie in the box's range of gamma, [0, 1]; got 5"),
    # (--step 0.5 with --vary2 h: refused as h set twice, test_cli_bad_input)
    # an option the method does not take was ignored
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--beta", "0.5"],
     "--beta applies to --method momentum only, not to the flow"),
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--method", "gd", "--step", "0.5", "--beta", "0.5"],
     "--beta applies to --method momentum only, not to gd"),
    (["rates", "dirac", "--reg", "r1", "--methods", "gd,eg", "--beta", "0.5", "--no-measure"],
     "--beta applies to momentum, altmomentum, lookahead over momentum or altmomentum, not to gd, eg"),
    (["rates", "dirac", "--reg", "r1", "--methods", "gd", "--n-g", "3", "--no-measure"],
     "--n-g applies to altgd, lookahead over altgd, not to gd"),
    # an unknown method was refused with every method of simulate (adam, eag, flow...), which continue then refused
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--method", "egg"],
     "unknown method 'egg'; accepted: gd, altgd, eg, eftp, ogda, momentum, proximal, ftr, lookahead, or none (the flow)"),
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--method", "adam"],
     "adam is not accepted here: it has no iteration matrix at a fixed point, since the update divides"),
])
def test_errors_are_one_line(capsys, argv, msg):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("gandynamics: error:") and msg in err and err.count("\n") == 1



@pytest.mark.parametrize("period,budget", [("1e12", 20_000), ("3", 2_000)])
def test_cycle_past_the_evaluation_budget_is_a_one_line_error(capsys, monkeypatch, period, budget):
    """The shooting budget of one call (MAX_EVALUATIONS, lowered here), exceeded by one integration (a period guess
    of 1e12) or only by the integrations together (a guess of 3: ~15 integrations of ~440 evaluations), is the
    CLI's one-line error with status 2, naming the guess and the budget."""
    from gandynamics.analysis import cycles
    monkeypatch.setattr(cycles, "MAX_EVALUATIONS", budget)
    code, out, err = run(capsys, "cycle", "hopf", "--param", "beta=0.2", "--init", "0.5,0.1", "--period", period)
    assert code == 2 and out == ""
    assert err.startswith(f"gandynamics: error: limit_cycle from the period guess {float(period):g} took more than "
                          f"{budget:,} evaluations of the field (the budget of one call") and err.count("\n") == 1


def test_cycle_period_estimate_past_the_evaluation_budget_is_a_one_line_error(capsys, monkeypatch):
    """Without --period the period is estimated from a simulation to t = 400, which on a stiff field took hours: it
    has the budget of one shooting call (MAX_EVALUATIONS, lowered here below the ~15,000 this orbit needs); an orbit
    the budget leaves too short to oscillate is a one-line error asking for --period."""
    from gandynamics.analysis import cycles
    monkeypatch.setattr(cycles, "MAX_EVALUATIONS", 500)
    code, out, err = run(capsys, "cycle", "hopf", "--param", "beta=0.2", "--init", "0.5,0.1")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("gandynamics: error: estimating the period from --init: the orbit reached only t = ")
    assert err.endswith("(of 400) within the budget of 500 evaluations of the field (MAX_EVALUATIONS), too short to "
                        "see it oscillate: the field is stiff there; give --period\n")
    monkeypatch.setattr(cycles, "MAX_EVALUATIONS", 2)    # below the solver's start-up: no step at all
    code, out, err = run(capsys, "cycle", "hopf", "--param", "beta=0.2", "--init", "0.5,0.1")
    assert code == 2 and err == ("gandynamics: error: estimating the period from --init: the budget of 2 evaluations of "
                                 "the field (MAX_EVALUATIONS) ended before the first step; give --period\n")


@pytest.mark.parametrize("omega", [20.0, pytest.param(80.0, marks=pytest.mark.slow)])  # (80: 0.9 s cold, -m slow)
def test_cycle_period_estimate_of_a_fast_cycle_stops_at_the_budget_and_finds_it(capsys, monkeypatch, omega):
    """A fast cycle (Hopf normal form, omega = 20 or 80: period 2 pi / omega, docs/mathematics.md §6) is not stiff, but
    t = 400 is 1,300-5,100 of its periods, past the budget (lowered to 30,000 here; with the real one the same
    happened from omega ~ 150: the old estimate found omega = 200's cycle in 24 s, the budgeted one refused it as
    'stiff').  The estimate now reads the orbit as far as the budget took it (here t ~ 20-70, hundreds of periods)
    and shooting finds the cycle: period 2 pi / omega and amplitude sqrt(beta / -sigma) = 0.5 (closed forms)."""
    from gandynamics.analysis import cycles
    monkeypatch.setattr(cycles, "MAX_EVALUATIONS", 30_000)
    code, out, err = run(capsys, "cycle", "hopf", "--param", f"omega={omega:g}", "--init", "0.5,0", "--json")
    assert code == 0, err
    d = json.loads(out)
    np.testing.assert_allclose(d["period"], 2 * np.pi / omega, rtol=1e-9, atol=0)
    np.testing.assert_allclose(d["amplitude"], 0.5, rtol=1e-8, atol=0)

def test_continue_two_parameter_mode(capsys):
    code, out, _ = run(capsys, "continue", "dirac", "--reg", "r1", "--method", "gd", "--vary", "gamma=0.02:2",
                       "--vary2", "h=0.02:5", "--json")
    assert code == 0
    curves = json.loads(out)["curves"]
    assert {c["kind"] for c in curves} == {"neimark-sacker", "flip"}
    ns = next(c for c in curves if c["kind"] == "neimark-sacker")
    pts = [(g, h) for g, h, on in zip(ns["a1"], ns["a2"], ns["on_boundary"]) if on]
    assert len(pts) > 10
    for g, h in pts:
        assert h == pytest.approx(g / 0.25, rel=1e-9, abs=0)      # h = gamma / f'(0)^2
    code, out, err = run(capsys, "continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--vary2", "gamma=0:1")
    assert code == 2 and "different" in err


def test_cycle_branch_from_hopf(capsys):
    code, out, _ = run(capsys, "cycle", "hopf", "--from-hopf", "beta=0:0.1", "--continue-to", "0.5", "--points", "4",
                       "--json")
    assert code == 0
    br = json.loads(out)["branch"]
    assert [b["parameter"] for b in br] == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5], rel=1e-12, abs=1e-12)
    for b in br:   # sigma = -1, omega = 1: radius sqrt(beta), period 2 pi
        assert b["amplitude"] == pytest.approx(math.sqrt(b["parameter"]), rel=1e-9, abs=0)
        assert b["period"] == pytest.approx(2 * math.pi, rel=1e-9, abs=0) and b["stable"]


def test_continue_max_step_gives_a_denser_branch(capsys):
    argv = ["continue", "dirac", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--json"]
    _, out, _ = run(capsys, *argv)
    coarse = json.loads(out)
    _, out, _ = run(capsys, *argv, "--max-step", "0.01")
    fine = json.loads(out)
    assert len(fine["branch"]["values"]) > 100 > len(coarse["branch"]["values"])
    assert fine["events"][0]["value"] == pytest.approx(coarse["events"][0]["value"], rel=0, abs=1e-12)


def test_classify_text_keeps_a_space_between_every_label_and_its_answer(capsys):
    """Labels of any length (a long method name, a long step) stay separated from the answer."""
    code, out, _ = run(capsys, "classify", "dirac", "--reg", "r1", "--methods", "gd,eftp,altmomentum,proximal")
    assert code == 0
    code2, out2, _ = run(capsys, "classify", "dirac", "--reg", "r1", "--methods", "eftp,altmomentum", "--step", "0.0123457")
    lines = [ln for ln in (out + out2).splitlines() if ln.startswith("stable under")]
    assert len(lines) == 1 + 4 + 1 + 2  # the flow and each method, twice the flow
    for ln in lines:
        label, _, answer = ln.partition(":")
        assert answer.startswith(" ") and answer.strip().split()[0] in ("yes", "no", "for"), ln


@pytest.mark.parametrize("rng, start, tail", [("0:1", "marginal (on the stability boundary", ""),
                                                ("1:0", "yes", "; the range ends on the stability boundary")])
def test_a_range_that_starts_or_ends_at_a_hopf_point_says_so(capsys, rng, start, tail):
    """dirac + r1 has its Hopf point at gamma = 0 (J's eigenvalues -gamma/2 +- i sqrt(...), §1.7): a range that starts
    there read 'stable at the start: no; stability changes 1 time(s)' beside 'no bifurcation located'.  It says that
    it starts or ends on the stability boundary, and lists the Hopf point there, degenerate (the R1 Dirac-GAN at
    gamma = 0 is a centre: its first Lyapunov coefficient is 0), at either end alike (a range ending on an event did
    not list it, one starting on it did for maps)."""
    from gandynamics.cli import main
    assert main(["continue", "dirac", "--reg", "r1", "--vary", f"gamma={rng}"]) == 0
    out = capsys.readouterr().out
    line = next(s for s in out.splitlines() if s.startswith("stable at the start"))
    assert line.startswith(f"stable at the start: {start}") and "stability changes 0 times" in line
    assert line.endswith(tail) and "no bifurcation located" not in out
    assert re.search(r"^hopf +gamma = 0 +point \(0, 0\)$", out, re.M) and "degenerate" in out, out


@pytest.mark.parametrize("extra", [["--max-points", "50", "--max-step", "0.001"], ["--max-points", "5"]])
def test_a_branch_that_uses_up_its_points_says_where_it_stopped(capsys, extra):
    """A branch that ended inside the range (--max-points used up) said "no bifurcation located in the range" of a
    range it never reached (the Hopf point at gamma = 0 lay beyond its end at 0.95: a new user's finding).  It says
    where it stopped, in the text and, with --json, on standard error; a branch over the whole range says nothing."""
    argv = ["continue", "dirac", "--reg", "r1", "--vary", "gamma=1:-1"]
    code, out, _ = run(capsys, *argv, *extra)
    assert code == 0
    stop = re.search(r"The branch stops at gamma = (\S+) after (\d+) points \(--max-points (\d+)\)", out)
    assert stop and float(stop.group(1)) > 0 and stop.group(2) == stop.group(3), out
    assert "no bifurcation located in the range followed" in out and "hopf" not in out
    code, out, err = run(capsys, *argv, *extra, "--json")
    assert code == 0 and json.loads(out)["branch"]["values"][-1] > 0
    assert err.startswith("gandynamics: note: the branch stops at gamma = ") and err.count("\n") == 1, err
    code, out, err = run(capsys, *argv)
    assert "stops at" not in out and "hopf" in out
    code, out, err = run(capsys, *argv, "--json")
    assert err == ""


_TURNING = """import sympy as sp
from gandynamics import Game


def turning(kind="pitchfork", mu=1.0):
    x, y, m = sp.symbols("x y mu", real=True)
    f = {"pitchfork": x**3 - m * x, "fold": x**2 - m, "s": x**3 - x - m, "cross": (x**2 - m) * (x**2 - 4 + m),
         "narrow": x**3 - x / 100 - m}[kind]
    return Game([x], [y], sp.integrate(f, x), y**2 / 2, hyper={m: mu}, name=kind)
"""


@pytest.mark.parametrize("kind, rng, start, turns, cover, end", [
    ("pitchfork", "1:-1", "1,0", [0.0], (0.0, 1.0), 1.0),      # the trial's: x^2 = mu, turning at its vertex
    ("pitchfork", "4:-1", "2,0", [0.0], (0.0, 4.0), 4.0),
    ("fold", "2:-3", "1.4142135623730951,0", [0.0], (0.0, 2.0), 2.0),
    ("fold", "-1:2", "0,0", [], None, None),                   # (no equilibrium at -1: refused, see below)
    ("s", "-1:1", "-1.324717957244746,0", [2 / 27**0.5, -2 / 27**0.5], (-1.0, 1.0), 1.0),  # mu = x^3 - x: two folds
    ("cross", "0.5:3", "0.7071067811865476,0", [], None, None),  # x^2 = mu crosses x^2 = 4 - mu at mu = 2: no turn
    # both folds of mu = x^3 - x/100 (at -+2 (1/300)^(3/2)) inside one step: located, no sampled point shows the turns
    ("narrow", "-1:1", "-1.0033,0", [2 / 300**1.5, -2 / 300**1.5], (-1.0, 1.0), 1.0),
])
def test_a_branch_that_turns_back_says_where_and_where_it_ends(capsys, tmp_path, monkeypatch, kind, rng, start,
                                                              turns, cover, end):
    """The header said "mu from 1 to -1" of the symmetric pitchfork's nonzero branch, which turns back at mu = 0 and
    ends at mu = 1 (a new user's finding).  It says where the branch turns (the located event's value, closed form),
    what it covers and where it ends; a branch that does not turn says nothing of it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "turning.py").write_text(_TURNING)
    code, out, err = run(capsys, "continue", "--game", "turning.py:turning", "--param", f"kind={kind}",
                         "--vary", f"mu={rng}", "--start", start)
    if kind == "fold" and not turns:
        assert code == 2 and err.startswith("gandynamics: error: ") and err.count("\n") == 1
        return
    assert code == 0, err
    if not turns:
        assert "turns back" not in out and "branch-point    mu = 2" in out
        return
    line = re.search(r"The branch turns back (\d+) times?, at mu = ([-+0-9.e, ]+?), covers mu in \[(\S+), (\S+)\] and "
                     r"ends at mu = ([^,\s]+), (back at the start of the range|the end of the range)", out)
    assert line, out
    start = float(rng.split(":")[0])  # (why it ended there: back at its start, or at the far end)
    assert line.group(6) == ("back at the start of the range" if end == start else "the end of the range")
    assert int(line.group(1)) == len(turns)
    assert [float(v) for v in line.group(2).split(",")] == pytest.approx(turns, abs=1e-10)  # (printed to 12 digits)
    assert (float(line.group(3)), float(line.group(4))) == pytest.approx(cover, abs=1e-9)
    assert float(line.group(5)) == pytest.approx(end, abs=1e-12)


def test_a_branch_that_does_not_turn_says_nothing_of_turning(capsys):
    code, out, _ = run(capsys, "continue", "dirac", "--reg", "r1", "--vary", "gamma=1:-1")
    assert code == 0 and "turns back" not in out


_SHRINKING = """import sympy as sp
import gandynamics as gd

def shrinking():
    t, w, x, a = sp.symbols("theta w x a", real=True)
    return gd.GAN(theta=[t], psi=[w], x=[x], discriminator=w * x - w**2 / 2, real=gd.Normal(0, 1 - a**2),
                  fake=gd.Normal(t, 1.0), hyper={a: 0.5}, equilibrium=(0, 0), name="shrinking")
"""


@pytest.mark.parametrize("rng", ["0.5:1", "0.9:50", "-0.5:-1e6"])
def test_continue_stops_at_the_edge_of_where_the_game_is_defined(capsys, tmp_path, monkeypatch, rng):
    """A reviewer's finding: a = 0.9:50 of Normal(0, 1 - a**2) printed a ZeroDivisionError traceback (the range cut at
    a = 1 exactly, where the variance is 0 and the quadrature nodes' derivative in a infinite); 0.5:1 stalled.  Each
    range ending on or past the edge now ends at it, in one note naming the condition; one starting there or past
    it is one line of error."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shrinking.py").write_text(_SHRINKING)
    code, out, err = run(capsys, "continue", "--game", "shrinking.py:shrinking", "--vary", f"a={rng}")
    assert code == 0, err
    note = re.search(r"^The branch stops at a = (\S+) after \d+ points, at the edge of where the game is defined, where "
                     r"the model degenerates \(the model's condition on a variance of Normal\(mean=0, cov=1 - a\*\*2\): "
                     r"1 - a\*\*2 must be >= 0\); the rest of \[\S+, \S+\] is not followed", out, re.M)
    assert note and "Traceback" not in err, (out, err)
    assert abs(abs(float(note.group(1))) - 1.0) <= 1e-6
    for bad in ("1:2", "2:3", "-1:-2"):
        code, out, err = run(capsys, "continue", "--game", "shrinking.py:shrinking", "--vary", f"a={bad}")
        assert code == 2 and err.startswith("gandynamics: error: ") and err.count("\n") == 1 and "1 - a**2" in err, err


def test_the_values_of_a_cycle_branch_are_short_decimals_and_the_hopf_point_itself_is_named():
    """A new user: a branch from a = -0.1 printed a = 6.93889e-18 for 0 (the values as at + (end - at) i / n), and
    `--from-hopf a=-0.1:-0.1` said the cycle "exists on the other side" of the Hopf point itself."""
    import pytest
    from gandynamics import GandynamicsError, VectorField, games
    from gandynamics.analysis.cycles import cycle_from_hopf
    from gandynamics.cli.cycle import _Values
    raw = [-0.1 + 0.3 * i / 6 for i in range(1, 7)]
    assert raw[1] != 0.0  # (the arithmetic's own value near 0)
    assert list(_Values(-0.1, 0.2, 6)) == [-0.05, 0.0, 0.05, 0.1, 0.15, 0.2]
    with pytest.raises(GandynamicsError, match="is the Hopf point itself, where the cycle is born with amplitude 0"):
        cycle_from_hopf(VectorField(games.make_game("hopf")), "beta", 0.0, 0.0)
