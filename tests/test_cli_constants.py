"""The constants, check and rates commands: exit statuses, JSON fields, one-line errors.

Expected numbers are closed forms (docs/mathematics.md §4.4: mu(B_r) = min(eps - r^2/4, gamma) for the Dirac-GAN
with the asymmetric scheme; §1.9 for R1 + GD)."""

import json
import math

import re

import numpy as np
import pytest

from gandynamics.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_constants_json_brackets(capsys):
    code, out, _ = run(capsys, "constants", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:1", "--json")
    assert code == 0
    d = json.loads(out)
    for key in ("mu", "lipschitz"):
        assert {"lo", "hi", "witness", "boxes", "seconds"} <= set(d[key])
        assert d[key]["lo"] <= d[key]["hi"]
    assert d["mu"]["lo"] <= -0.25 <= d["mu"]["hi"] + 1e-12          # -r^2/4
    assert d["mu"]["hi"] - d["mu"]["lo"] <= 1.001e-3 * 0.25
    assert d["boxes"] == d["mu"]["boxes"] + d["lipschitz"]["boxes"]


def test_constants_mean_value_form_gives_a_bracket_of_the_same_constants(capsys):
    code, out, _ = run(capsys, "constants", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:0.5", "--mean-value",
                       "--order", "1", "--json")
    d = json.loads(out)
    assert code == 0 and d["mu"]["lo"] <= -0.0625 <= d["mu"]["hi"] + 1e-12    # -r^2/4
    assert d["order"] == 1 and d["engine"].endswith("intersected with its mean-value form)")


def test_constants_text_and_asymmetric_block(capsys):
    code, out, _ = run(capsys, "constants", "dirac", "--reg", "asymmetric:eps=0.3,gamma=1,tikhonov_on=generator", "--region", "ball:0.5")
    assert code == 0
    assert "mu in [" in out and "L in [" in out and "Gauss-Newton Gramian" in out and "mu_loc = 0.3" in out


def test_check_exit_statuses_and_json(capsys):
    base = ("check", "dirac", "--reg", "asymmetric:eps=0.3,gamma=1,tikhonov_on=generator", "--region", "ball:0.5")
    # true mu = 0.3 - 0.25/4 = 0.2375
    code, out, _ = run(capsys, *base, "--mu", "0.2", "--lipschitz", "2", "--json")
    d = json.loads(out)
    assert code == 0 and d["status"] == "holds" and d["mu"]["lo"] >= 0.2 and d["lipschitz"]["hi"] <= 2
    code, out, _ = run(capsys, *base, "--mu", "0.25", "--json")
    d = json.loads(out)
    assert code == 1 and d["status"] == "refuted"
    assert d["lipschitz"] is None and d["claims"]["lipschitz"] is None  # unclaimed: not bracketed (null)
    c = d["counterexample"]
    assert c["value"] < 0.25 and math.hypot(*c["point"]) <= 0.5 * (1 + 1e-12)
    code, out, _ = run(capsys, *base, "--lipschitz", "0.9", "--max-boxes", "2")
    # the first sampled point already has ||DF||_2 > 0.9: refuted (exit 1) before any box is split
    assert code == 1 and "status: refuted" in out
    code, out, _ = run(capsys, "check", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:1",
                       "--lipschitz", "1.0245", "--max-boxes", "3")          # L(B_1) = 1.02399...
    assert code == 3 and "undecided" in out


@pytest.mark.parametrize("claim, claimed, unclaimed", [("--mu", "mu", "lipschitz"), ("--lipschitz", "L", "mu")])
def test_check_brackets_only_the_claimed_constants(capsys, monkeypatch, claim, claimed, unclaimed):
    """`check --mu 0.3` also ran a branch and bound for L (3x the wall time, a new user), a number its text never
    printed: only the claimed constant is searched for, the other's bracket is null in --json, and the text and
    --help say so."""
    from gandynamics.analysis import constants as C
    searched = []
    real = C._branch_and_bound

    def spy(fld, reg, p, which, *a, **kw):
        searched.append(which)
        return real(fld, reg, p, which, *a, **kw)
    monkeypatch.setattr(C, "_branch_and_bound", spy)
    base = ("check", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:1", claim, "0.3")
    code, out, _ = run(capsys, *base, "--json")
    d = json.loads(out)
    assert set(searched) == {claimed} and d[unclaimed] is None and d[{"L": "lipschitz"}.get(claimed, claimed)]
    searched.clear()
    code, out, _ = run(capsys, *base)
    assert set(searched) == {claimed} and "not bracketed" in out
    from gandynamics.cli import build_parser
    sub = next(a for a in build_parser()._actions if hasattr(a, "choices") and a.choices and "check" in a.choices)
    assert "Only the claimed constants are bracketed" in " ".join(sub.choices["check"].format_help().split())


def test_rates_says_what_it_does_once_the_command_has_been_silent_for_the_delay(capsys, monkeypatch):
    """rates sat 4.7 s silent: two branch-and-bound searches, each under the 2-s delay of its own notice (a new
    user).  Every command counts the delay from its own start (gandynamics.log.silence_clock): here on a fake clock
    on which each search starts after 1.9 s of other work, so the first is named within the grace."""
    import heapq

    from gandynamics import log
    from gandynamics.analysis import constants as C
    clock, heap, said = [0.0], [], []

    class Watch:  # deadlines on the fake clock, fired when it passes them
        def add(self, delay, fire, entry=None):
            entry = [fire, True] if entry is None else entry
            heapq.heappush(heap, (clock[0] + delay, id(entry), entry))
            return entry
        cancel = staticmethod(lambda entry: entry.__setitem__(1, False))

    def advance(dt):
        clock[0] += dt
        while heap and heap[0][0] <= clock[0]:
            entry = heapq.heappop(heap)[2]
            if entry[1]:
                entry[0]()
    monkeypatch.setattr(log, "_clock", lambda: clock[0])
    monkeypatch.setattr(log, "_WATCH", Watch())
    monkeypatch.setattr(log, "notice", lambda m: (said.append(m), log._spoke()))
    real = C._branch_and_bound

    def search(*a, **kw):  # (1.9 s of other work before it, 1 s inside it: the old notice's 2 s never passed)
        advance(1.9)
        with log.notice_if_slow("bounding (spy)"):  # (the real search's own notice is armed inside it, below)
            out = real(*a, **kw)
            advance(1.0)
        return out
    monkeypatch.setattr(C, "_branch_and_bound", search)
    code, out, _ = run(capsys, "rates", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd", "--step", "0.1")
    assert code == 0 and said and all(m == "bounding (spy)" for m in said), said
    assert log._SILENCE["since"] is None  # (the command's clock ended with it)


def test_check_help_states_the_exit_statuses_the_command_returns(capsys):
    """`check --help` said nothing of its exit statuses 1 and 3 (a fuzzer read them as stray statuses): the help
    names each of check.EXIT's statuses with its code, and 2 for bad input."""
    from gandynamics.cli.check import EXIT
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for status, code in EXIT.items():
        assert f"{code} {status}" in text
    assert "2 bad input" in text


def test_rates_json_fields(capsys):
    code, out, _ = run(capsys, "rates", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd,eg,eftp", "--optimal", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["method"] for r in rows] == ["gd", "eg", "eftp"]
    for r in rows:
        assert {"method", "step", "local_rate", "optimal_step", "optimal_rate", "measured_rate", "bound",
                "bound_holds"} <= set(r)
        assert r["bound"] is None and r["bound_holds"] is None         # mu <= 0 for R1 on any ball
        assert r["measured_rate"] == pytest.approx(r["local_rate"], rel=1e-3)
    gd = rows[0]
    assert gd["optimal_step"] == pytest.approx(0.6, rel=1e-7)          # gamma / (2 f'(0)^2)
    assert gd["optimal_rate"] == pytest.approx(math.sqrt(1 - 0.09), rel=1e-12)


def test_rates_step_and_bound(capsys):
    code, out, _ = run(capsys, "rates", "quadratic", "--param", "a=0.5", "--param", "c=1.5", "--methods", "gd,eg",
                       "--step", "0.1", "--region", "ball:0.5", "--json")
    rows = json.loads(out)
    assert code == 0 and all(r["step"] == 0.1 for r in rows)
    assert all(r["bound"] is not None and r["bound_holds"] is True for r in rows)
    # a linear game, A = [[a, 1], [-1, c]]: the certified constants collapse to mu = min(a, c) = 0.5 and
    # L = ||A||_2 = sqrt(lambda_max(A^T A)) = sqrt(9/4 + sqrt 2); the bounds are docs/mathematics.md §5.1, §5.2
    mu, L, h = 0.5, math.sqrt(2.25 + math.sqrt(2)), 0.1
    by = {r["method"]: r["bound"] for r in rows}
    assert by["gd"] == pytest.approx(math.sqrt(1 - 2 * h * mu + h * h * L * L), rel=1e-9, abs=0)
    assert by["eg"] == pytest.approx(math.sqrt(1 - h * mu), rel=1e-9, abs=0)


@pytest.mark.parametrize("word,flag", [("theory", "--theory-step"), ("optimal", "--optimal"), (" theory ", "--theory-step")])
def test_rates_step_takes_the_words_of_its_switches(capsys, word, flag):
    # the API's rates(step="theory" | "optimal") as typed on the command line: the same table as the switch
    argv = ("rates", "quadratic", "--param", "a=0.5", "--param", "c=1.5", "--methods", "gd,eg", "--region", "ball:0.5",
            "--no-measure", "--json")
    code, by_word, _ = run(capsys, *argv, "--step", word)
    code2, by_flag, _ = run(capsys, *argv, flag)
    assert code == code2 == 0 and json.loads(by_word) == json.loads(by_flag)
    assert len({r["step"] for r in json.loads(by_word)}) == 2  # a step per method, not one number


@pytest.mark.parametrize("argv,match", [
    (("constants", "dirac", "--region", "ball:-1"), "radius"),
    (("constants", "dirac", "--region", "ball:1", "--tol", "0"), "--tol must be > 0"),
    (("constants", "dirac", "--region", "ball:1", "--tol", "2"), "--tol is the bracket's relative gap"),
    (("constants", "dirac", "--region", "ball:1", "--tol", "1"), "a number in (0, 1), got 1"),
    (("constants", "dirac", "--region", "ball:1", "--tol=-1e-3"), "--tol must be > 0"),
    (("check", "dirac", "--region", "ball:1", "--mu", "abc"), "--mu must be a number"),
    (("check", "dirac", "--region", "ball:1", "--lipschitz", "nan"), "--lipschitz must be finite"),
    (("check", "dirac", "--region", "ball:1"), "nothing to check"),
    (("rates", "dirac", "--region", "box:1:2,1:2"), "does not contain the equilibrium"),
    (("rates", "dirac", "--methods", "gd,sgd"), "unknown method"),
    (("rates", "dirac", "--step", "-0.1"), "--step must be > 0"),
    (("rates", "dirac", "--step", "thery"), "--step must be a positive number, or the word optimal or theory"),
    # names are exact, as the API's rates(step=...) and every --method: "THEORY" is no word of it
    (("rates", "dirac", "--step", "THEORY"), "--step must be a positive number, or the word optimal or theory"),
    (("constants", "dirac", "--region", "box:0:1"), "2 ranges"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, match):
    code, out, err = run(capsys, *argv)
    assert code == 2 and match in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


GAMES_FILE = '''
import sympy as sp
from gandynamics import Game


def jump():
    x, y = sp.symbols("x y", real=True)
    return Game([x], [y], x**2 / 2 + sp.Piecewise((-x, x > 0), (0, True)) + x * y, -x * y + y**2 / 2,
                equilibrium=(0, 0), name="pw")


def kink():
    x, y = sp.symbols("x y", real=True)
    return Game([x], [y], sp.Piecewise((x**2 / 2, x < 0), (3 * x**2 / 2, True)) + x * y, -x * y + y**2 / 2,
                equilibrium=(0, 0), name="kink")



def logg():
    x, y = sp.symbols("x y", real=True)
    return Game([x], [y], sp.log(x) * y + (x - 1) ** 2 / 2, -sp.log(x) * y + y**2 / 2, equilibrium=(1, 0), name="logg")
'''


@pytest.fixture
def game_file(tmp_path):
    f = tmp_path / "games.py"
    f.write_text(GAMES_FILE)
    return str(f)


@pytest.mark.parametrize("claim", [("--lipschitz", "1.5"), ("--mu", "0.5")])
def test_check_refuses_a_jump_of_f_with_its_location(capsys, game_file, claim):
    # issue #11 §1: this returned "holds" after one box
    code, out, err = run(capsys, "check", "--game", f"{game_file}:jump", "--region", "box:-1:1,-1:1", *claim)
    assert code == 2 and "Piecewise((-1, x > 0), (0, True)) jumps where x = 0" in err and "z = (0, " in err
    assert len(err.strip().splitlines()) == 1 and "holds" not in out


def test_constants_never_calls_an_infinite_bracket_converged(capsys, game_file):
    # issue #11 §2: "L in [2.63, inf] ... converged" after one box
    code, out, _ = run(capsys, "constants", "--game", f"{game_file}:logg", "--region", "ball:0.5", "--max-boxes", "1")
    assert code == 0
    for line in out.splitlines():
        if "inf]" in line:
            assert "budget exhausted" in line and "converged" not in line
    code, out, _ = run(capsys, "constants", "--game", f"{game_file}:logg", "--region", "ball:0.5", "--json",
                       "--max-boxes", "3000")
    d = json.loads(out)
    assert d["lipschitz"]["hi"] != "inf" and d["lipschitz"]["lo"] == pytest.approx(2.6346533, rel=1e-6)


def test_check_claim_equal_to_the_true_value_prints_the_tolerance(capsys):
    code, out, _ = run(capsys, "check", "quadratic", "--region", "ball:1", "--mu", "1")
    assert code == 0 and "holds" in out and "relative tolerance 1e-09" in out
    assert "bracket [0.99999999999999" in out                       # 17 significant digits show why
    code, out, _ = run(capsys, "check", "quadratic", "--region", "ball:1", "--mu", "1", "--json")
    d = json.loads(out)
    assert code == 0 and d["rtol"] == 1e-9 and d["verdicts"]["mu"] == "holds" and "mu" in d["tolerances"]
    code, out, _ = run(capsys, "check", "quadratic", "--region", "ball:1", "--mu", "1", "--rtol", "0", "--max-boxes", "50")
    assert code == 3 and "undecided" in out
    code, out, err = run(capsys, "check", "quadratic", "--region", "ball:1", "--mu", "1", "--rtol", "0.5")
    assert code == 2 and "--rtol must be in [0, 0.01)" in err


@pytest.mark.slow  # 1.2 s with warm caches on the 2-core CI machine
def test_constants_order_1_and_2_bracket_the_same_closed_form(capsys):
    for order in ("1", "2"):
        code, out, _ = run(capsys, "constants", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:1", "--json",
                           "--order", order)
        d = json.loads(out)
        assert code == 0 and d["mu"]["lo"] <= -0.25 <= d["mu"]["hi"] + 1e-12               # -r^2/4
        assert d["mu"]["hi"] - d["mu"]["lo"] <= 1.001e-3 * 0.25


@pytest.mark.slow  # (moved to -m slow: the default pass over 3 min on CI, session 47)
def test_rates_tight_column_sits_between_measured_and_bound(capsys):
    """rates --tight (PEPit): on a mu-strongly monotone quadratic game at the theorem's steps, measured <= tight
    <= bound; for one GD step the performance-estimation worst case is exactly sqrt(1 - 2 h mu + h^2 L^2), the
    theorem's bound (docs/mathematics.md §5.1)."""
    pytest.importorskip("PEPit")
    code, out, err = run(capsys, "rates", "quadratic", "--param", "a=0.3", "--param", "b=1", "--param", "c=0.5",
                         "--methods", "gd,eg", "--theory-step", "--tight", "--json")
    assert code == 0, err
    rows = {r["method"]: r for r in json.loads(out)}
    for m in ("gd", "eg"):
        r = rows[m]
        assert r["measured_rate"] <= r["tight"] * (1 + 1e-9) and r["tight"] <= r["bound"] * (1 + 1e-6), m
    gd = rows["gd"]
    mu, L, h = 0.3, gd["bound_info"]["L"], gd["step"]  # mu = min(a, c) of the symmetric part; L certified
    assert gd["tight"] == pytest.approx(math.sqrt(1 - 2 * h * mu + h * h * L * L), rel=1e-5, abs=0)
    code, out, err = run(capsys, "rates", "quadratic", "--param", "a=0.3", "--param", "b=1", "--param", "c=0.5",
                         "--methods", "gd,eg", "--theory-step", "--tight")
    head = [line for line in out.splitlines() if line.startswith("method")]
    assert code == 0 and len(head) == 1 and "tight" in head[0], out
    # the game the table is of: its hyperparameters (rates printed the game's name alone)
    assert "hyperparameters: a=0.3, b=1, c=0.5" in out.splitlines()[1], out


def test_negative_lipschitz_claim_is_bad_input(capsys):
    code, out, err = run(capsys, "check", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:1", "--lipschitz", "-1")
    # (the flag and the value as typed: the library's refusal said "got the claim -1.0")
    assert code == 2 and err == "gandynamics: error: --lipschitz must be a number >= 0 (a Lipschitz constant), got '-1'\n"


SMOOTH_ONLY = ("(this F has a switching set that may meet the region, Piecewise((x, x < 0), (3*x, True)) is not "
               "differentiable where x = 0: across it DF may jump and the second-order forms are not valid, so it is certified by order 1 with the natural "
               "extension of DF whatever is asked); leave it out")


@pytest.mark.parametrize("argv,message", [
    # --mean-value did nothing with the (default) order 2, and on a kinked field (where order 2 falls back to 1) it
    # was applied and certified L <= 1.41 against a witness of 3.24
    (("constants", "dirac", "--reg", "r1:gamma=0.3", "--mean-value"),
     "--mean-value does nothing here: it applies only with --order 1 (the default --order 2 always encloses DF by its "
     "second-order mean-value and vertex forms); leave it out"),
    (("constants", "dirac", "--reg", "r1:gamma=0.3", "--mean-value", "--order", "2"),
     "--mean-value does nothing here: it applies only with --order 1"),
    (("constants", "GAME:kink", "--mean-value", "--order", "1"),
     "--mean-value does nothing here: it applies only where F has no kink or jump in the region " + SMOOTH_ONLY),
    (("constants", "GAME:kink", "--mean-value"), "--mean-value does nothing here: it applies only where F has no kink"),
    # --order on a kinked field: order 1 runs whatever is asked
    (("constants", "GAME:kink", "--order", "2"), "--order does nothing here: it applies only where F has no kink "
                                                 "or jump in the region " + SMOOTH_ONLY),
    (("check", "GAME:kink", "--order", "2", "--lipschitz", "4"), "--order does nothing here: it applies only where F "
                                                                 "has no kink or jump in the region " + SMOOTH_ONLY),
])
def test_engine_options_that_would_do_nothing_are_refused(capsys, game_file, argv, message):
    argv = [a if a != "GAME:kink" else "--game" for a in argv]
    if "--game" in argv:
        argv.insert(argv.index("--game") + 1, f"{game_file}:kink")
    region = "box:-1:0.3,-1:1" if "--game" in argv else "ball:0.5"
    code, out, err = run(capsys, *argv, "--region", region)
    assert code == 2 and out == "" and err.startswith(f"gandynamics: error: {message}") and err.endswith("; leave it out\n")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_order_1_on_a_kinked_field_is_what_runs_and_is_accepted(capsys, game_file):
    """--order 1 asks for the engine that certifies a field with a switching set anyway: accepted (--order 2 is
    refused there, above), the engine line says order 1 without a fallback, and the brackets hold the closed forms
    L = ||[[3, 1], [-1, 1]]||_2 = sqrt(6 + sqrt(20)), mu = 1 on the box reaching past the kink."""
    for cmd in (("constants",), ("check", "--lipschitz", "4")):
        code, out, err = run(capsys, *cmd, "--game", f"{game_file}:kink", "--region", "box:-1:0.3,-1:1", "--order", "1",
                             "--max-boxes", "300", "--json")
        assert code == 0 and err == "", err
        d = json.loads(out)
        assert d["order"] == 1 and d["engine"] == "order 1 (Arb, box by box; DF enclosed by its natural extension)"
        L = math.sqrt(6 + math.sqrt(20))
        assert d["lipschitz"]["lo"] <= L * (1 + 1e-12) and L <= d["lipschitz"]["hi"] * (1 + 1e-12)


def test_a_kink_outside_the_region_leaves_the_second_order_engine(capsys, game_file):
    """On box:0.2:1,-1:1 the kinked field is its piece x > 0 (DF = [[3, 1], [-1, 1]]): order 2 runs and --order 2,
    --order 1 --mean-value are accepted (refused on a region across the kink, above); every engine brackets the
    piece's closed forms L = sqrt(6 + sqrt(20)), mu = 1."""
    L = math.sqrt(6 + math.sqrt(20))
    for extra, order in (((), 2), (("--order", "2"), 2), (("--order", "1", "--mean-value"), 1)):
        code, out, err = run(capsys, "constants", "--game", f"{game_file}:kink", "--region", "box:0.2:1,-1:1",
                             "--max-boxes", "300", "--json", *extra)
        assert code == 0 and err == "", err
        d = json.loads(out)
        assert d["order"] == order and "not order 2" not in d["engine"]
        assert order == 2 or d["engine"].endswith("intersected with its mean-value form)")
        assert d["lipschitz"]["lo"] <= L * (1 + 1e-12) and L <= d["lipschitz"]["hi"] * (1 + 1e-12)
        assert d["mu"]["lo"] <= 1 + 1e-12 and 1 <= d["mu"]["hi"] + 1e-12


def test_the_output_says_which_engine_ran(capsys, game_file):
    """The engine line (text) and ``order``/``engine`` (JSON): order 2 on a smooth field, order 1 on the kinked one
    (its brackets hold the closed forms L = ||[[3, 1], [-1, 1]]||_2 = sqrt(6 + sqrt(20)), mu = 1)."""
    code, out, _ = run(capsys, "constants", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:0.5")
    assert code == 0 and "\nengine: order 2 (vectorised boxes; DF enclosed by its second-order mean-value and vertex " \
                         "forms)\n" in out
    code, out, _ = run(capsys, "constants", "--game", f"{game_file}:kink", "--region", "box:-1:0.3,-1:1",
                       "--max-boxes", "300")
    assert code == 0 and ("\nengine: order 1 (Arb, box by box; DF enclosed by its natural extension), not order 2: F has "
                          "a switching set that may meet the region (Piecewise((x, x < 0), (3*x, True)) is not differentiable where x = 0), where "
                          "the second-order forms are not valid (docs/math/certification.md §3)\n") in out
    code, out, _ = run(capsys, "constants", "--game", f"{game_file}:kink", "--region", "box:-1:0.3,-1:1",
                       "--max-boxes", "300", "--json")
    d = json.loads(out)
    L = math.sqrt(6 + math.sqrt(20))
    assert d["order"] == 1 and d["engine"].startswith("order 1 (Arb, box by box; DF enclosed by its natural extension)")
    assert d["lipschitz"]["lo"] <= L * (1 + 1e-12) and L <= d["lipschitz"]["hi"] * (1 + 1e-12)
    assert d["mu"]["lo"] <= 1 + 1e-12 and 1 <= d["mu"]["hi"] + 1e-12
    code, out, _ = run(capsys, "check", "--game", f"{game_file}:kink", "--region", "box:-1:0.3,-1:1",
                       "--lipschitz", "4", "--max-boxes", "300")
    assert code == 0 and "\nengine: order 1 (Arb, box by box; DF enclosed by its natural extension), not order 2" in out


def test_check_prints_the_claim_as_typed(capsys):
    # the claim was printed with 17 significant digits ("mu claimed 0.20000000000000001"); the shortest decimal
    # that reads back as the same double is the number the user typed
    for typed in ("0.2", "0.3", "1e-05", "0.1234567890123"):
        code, out, _ = run(capsys, "check", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:0.5",
                           "--lipschitz", typed, "--max-seconds", "2")
        line = next(t for t in out.splitlines() if "claimed" in t)
        assert f"L claimed {typed}:" in line, line
        assert float(line.split("claimed ")[1].split(":")[0]) == float(typed)


def test_rates_alternating_is_a_switch_as_in_simulate(capsys):
    # simulate and sweep take --alternating as a switch; rates demanded a value ("expected one argument")
    from gandynamics.cli import build_parser
    sim = build_parser().parse_args(["simulate", "dirac", "--method", "momentum", "--steps", "1", "--step", "0.1", "--alternating"])
    assert sim.alternating is True
    outs = {}
    for argv in (["--alternating"], ["--alternating", "true"], ["--alternating=false"], []):
        code, out, err = run(capsys, "rates", "dirac", "--reg", "r1:gamma=0.3", "--methods", "momentum", "--beta", "0.3",
                             "--step", "0.5", "--no-measure", "--json", *argv)
        assert code == 0, err
        outs[" ".join(argv)] = json.loads(out)[0]["local_rate"]
    assert outs["--alternating"] == outs["--alternating true"]
    assert outs["--alternating=false"] == outs[""]
    assert outs["--alternating"] != outs[""]


def test_rates_refuses_every_method_flag_no_listed_method_takes_naming_the_flag(capsys):
    # the refusal named the library's keyword (la_k, n_g) and said "accepted: none"; every method flag of
    # `gandynamics rates`, given with methods that take none of them, is refused naming the flag as typed
    from gandynamics.analysis.rates import RATE_METHODS, rate_options
    from gandynamics.cli import build_parser
    import argparse
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["rates"]
    flags = {a.dest: a.option_strings[0] for a in sub._actions
             if any(a.dest in rate_options(m) for m in RATE_METHODS)}
    assert {"beta", "n_g", "n_d", "alternating", "base", "la_k", "la_alpha"} <= set(flags)
    values = {"base": "eg", "alternating": "true"}
    for dest, flag in flags.items():
        code, out, err = run(capsys, "rates", "dirac", "--methods", "gd,eg", flag, values.get(dest, "2"), "--no-measure")
        assert code == 2 and err.count("\n") == 1, (flag, err)
        users = [m for m in RATE_METHODS if dest in rate_options(m)]
        assert err.startswith(f"gandynamics: error: {flag} applies to {users[0]}"), err
        assert "not to gd, eg" in err, err


def _switches():
    """(command, flag) for every boolean method option of every command (add_switch's metavar 'true|false')."""
    import argparse
    from gandynamics.cli import build_parser
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return [(cmd, a.option_strings[0]) for cmd, p in sub.choices.items() for a in p._actions
            if a.metavar == "true|false"]


def test_the_generator_sees_the_switches():
    assert {("simulate", "--alternating"), ("sweep", "--alternating"), ("rates", "--alternating")} <= set(_switches())


@pytest.mark.parametrize("cmd,flag", _switches())
def test_every_boolean_method_option_is_a_switch_that_also_takes_true_or_false(capsys, cmd, flag):
    """simulate and sweep took --alternating only as a bare switch, rates also with a value: every command now
    takes all three forms (bare, true, FALSE in any case), and a word that is not true/false (the game typed after
    the switch) is refused in one line saying so."""
    from gandynamics.cli import build_parser
    p = build_parser()
    dest = flag[2:].replace("-", "_")
    base = {"simulate": ["simulate", "dirac", "--method", "momentum", "--steps", "1", "--step", "0.1"],
            "sweep": ["sweep", "dirac", "--method", "momentum", "--steps", "1", "--out", "x.csv"],
            "rates": ["rates", "dirac"],
            "portrait": ["portrait", "dirac", "--methods", "momentum", "--out", "x.png"]}.get(cmd, [cmd, "dirac"])
    for tail, want in (([flag], True), ([flag, "true"], True), ([flag, "FALSE"], False), ([], None)):
        assert getattr(p.parse_args(base + tail), dest) is want, (cmd, tail)
    with pytest.raises(SystemExit) as exc:
        main([cmd, flag, "dirac"] + base[2:])
    err = capsys.readouterr().err.strip().splitlines()
    assert exc.value.code == 2 and len(err) == 1
    assert f"argument {flag}: takes true or false, or nothing (a bare switch); got 'dirac'" in err[0]


def test_a_bracket_narrower_than_ten_digits_is_printed_with_the_digits_that_show_it(capsys):
    """gaussian-mean's L is exactly 1: its certified bracket [1, 1 + 2e-15] was printed [1, 1.000000001] beside
    'gap 2e-15' (a new user's trial); the ends now carry the digits that keep them apart, still rounded outward."""
    code, out, err = run(capsys, "constants", "gaussian-mean", "--region", "ball:1", "--json")
    d = json.loads(out)
    lo, hi = d["lipschitz"]["lo"], d["lipschitz"]["hi"]
    assert code == 0 and 0 < hi - lo < 1e-12
    code, out, err = run(capsys, "constants", "gaussian-mean", "--region", "ball:1")
    line = next(x for x in out.splitlines() if x.strip().startswith("L in ["))
    plo, phi = (float(v) for v in line.split("[", 1)[1].split("]", 1)[0].split(","))
    assert plo <= lo and phi >= hi and phi - plo < 1e-13, line  # outward, and about the gap


@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_portrait_says_when_a_trajectory_leaves_its_window(capsys, tmp_path):
    """gd on the bilinear game spirals out (|I - h J| = sqrt(1 + h^2) per step: from |(1, 0.5)| = 1.118 to 1.118 x
    1.005^300 = 5.0 in 300 steps at h = 0.1, computed here with numpy), off the default window [-2, 2]^2: the portrait
    says which trajectory is drawn cut and how to widen the window; eg (converging) and a window that holds every
    state say nothing."""
    h, K = 0.1, 300
    M = np.eye(2) - h * np.array([[0.0, 1.0], [-1.0, 0.0]])
    z = np.array([1.0, 0.5])
    far = max(np.abs(np.linalg.matrix_power(M, k) @ z).max() for k in range(K + 1))
    assert far > 2
    out_png = tmp_path / "p.png"
    code, out, err = run(capsys, "portrait", "bilinear", "--methods", "gd,eg", "--init", "1,0.5", "--step", str(h),
                         "--steps", str(K), "--out", str(out_png))
    assert code == 0, err
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and notes[0].startswith("note: gd leaves the window") and "--xlim/--ylim" not in notes[0]
    # where it is last outside (the last step: it spirals out), and a window that holds it all, which is then quiet
    last = M.dot(np.linalg.matrix_power(M, K - 1) @ z)
    assert f"the last at step {K}, ({last[0]:.4g}, {last[1]:.4g})" in notes[0], notes[0]
    xl, yl = (s_.split(",") for s_ in re.findall(r"--[xy]lim=(\S+)", notes[0]))
    states = np.array([np.linalg.matrix_power(M, k) @ z for k in range(K + 1)])
    assert float(xl[0]) < states[:, 0].min() and states[:, 0].max() < float(xl[1])
    assert float(yl[0]) < states[:, 1].min() and states[:, 1].max() < float(yl[1])
    code, out, err = run(capsys, "portrait", "bilinear", "--methods", "gd,eg", "--init", "1,0.5", "--step", str(h),
                         "--steps", str(K), f"--xlim={','.join(xl)}", f"--ylim={','.join(yl)}", "--out", str(out_png))
    assert code == 0 and "note:" not in out
    # a run gone far beyond any window worth looking at is told to widen it, without numbers
    code, out, err = run(capsys, "portrait", "bilinear", "--methods", "gd", "--init", "1,0.5", "--step", "0.5",
                         "--steps", "3000", "--out", str(out_png))
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert code == 0 and len(notes) == 1 and notes[0].endswith("--xlim/--ylim widen the window"), out


@pytest.mark.slow  # (2-4 s: CI's default pass was 3:02 idle on aad1074, session 58)
def test_portrait_says_in_one_note_when_many_trajectories_leave_its_window(capsys, tmp_path):
    """A zoom on four methods from three starts printed twelve notes, one per run cut at the window's edge (a new
    user's finding): more than CUT_NOTES runs leaving get one note naming them all, and a window that holds every one
    of them (gd on the bilinear game from four starts, each spiralling out by sqrt(1 + h^2) a step, computed here with
    numpy), which is then quiet."""
    from gandynamics.cli.portrait import CUT_NOTES
    h, K = 0.1, 300
    M = np.eye(2) - h * np.array([[0.0, 1.0], [-1.0, 0.0]])
    starts = [(1.0, 0.5), (-1.0, 0.5), (0.5, -1.0), (-0.5, -1.0)]
    assert len(starts) > CUT_NOTES
    states = np.array([np.linalg.matrix_power(M, k) @ np.array(z) for z in starts for k in range(K + 1)])
    out_png = tmp_path / "p.png"
    argv = ["portrait", "bilinear", "--methods", "gd", "--step", str(h), "--steps", str(K), "--out", str(out_png)]
    for z in starts:
        argv += ["--init", f"{z[0]},{z[1]}"]
    code, out, err = run(capsys, *argv)
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert code == 0 and len(notes) == 1 and notes[0].startswith("note: 4 of the 4 runs leave the window"), out
    xl, yl = (s_.split(",") for s_ in re.findall(r"--[xy]lim=(\S+)", notes[0]))
    assert float(xl[0]) < states[:, 0].min() and states[:, 0].max() < float(xl[1])
    assert float(yl[0]) < states[:, 1].min() and states[:, 1].max() < float(yl[1])
    code, out, err = run(capsys, *argv, f"--xlim={','.join(xl)}", f"--ylim={','.join(yl)}")
    assert code == 0 and "note:" not in out


@pytest.mark.slow  # (4 s: a portrait and a GIF; the notice's mechanism is tests/test_log.py's)
def test_writing_an_animation_says_what_it_draws_when_it_is_slow(capsys, monkeypatch, tmp_path):
    """A GIF of 60 frames took 36 s after "wrote p.png" with nothing printed (a new user's trial): a wait longer than
    the notice delay says what is being drawn (forced here by a delay of 0.01 s on 3 frames)."""
    from gandynamics import log
    from gandynamics.cli import main
    monkeypatch.setattr(log, "NOTICE_AFTER", 0.01)
    gif = tmp_path / "a.gif"
    assert main(["portrait", "dirac", "--steps", "5", "--out", str(tmp_path / "p.png"), "--animate", str(gif),
                 "--frames", "3"]) == 0
    err = capsys.readouterr().err
    assert f"gandynamics: drawing the 3 frames of {gif} ..." in err and gif.exists()


def test_portrait_says_when_a_trajectory_has_no_state_inside_its_window(capsys, tmp_path):
    """gd from (1, 1) in a window of +-0.5 around z*: none of its 21 states is inside; the note says so, not that the
    run "is drawn cut at the edge"."""
    from gandynamics.cli import main
    assert main(["portrait", "dirac", "--methods", "gd", "--init", "1,1", "--steps", "20", "--xlim=-0.5,0.5",
                 "--ylim=-0.5,0.5", "--out", str(tmp_path / "p.png")]) == 0
    notes = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("note:")]
    assert len(notes) == 1 and "at 21 of its 21 recorded points" in notes[0] and "no state of it is inside" in notes[0]


@pytest.mark.parametrize("argv", [["constants", "--region", "ball:0.2"], ["check", "--region", "ball:0.2", "--mu", "0.01"],
                                  ["analyze"]])
def test_every_command_names_a_regularizer_strength_in_its_header_and_the_game_s_own_hyperparameters_below(argv, capsys):
    """A new user's finding: for one field check printed 'hyperparameters: m=1.5' and constants 'm=1.5, gamma=0.5':
    each command's first lines are the same (the strength in the header's regularizers, the game's own below)."""
    from gandynamics.cli import main
    assert main([argv[0], "lq-wgan", "--reg", "r1:gamma=0.5", *argv[1:]]) in (0, 1)  # (check: 1 when not held)
    lines = capsys.readouterr().out.splitlines()
    assert "regularizers: r1(gamma=0.5)" in lines[0]
    assert lines[1].startswith("hyperparameters: ") and "gamma" not in lines[1], lines[:2]


def test_a_certified_end_at_zero_is_explained_where_brackets_print(capsys):
    """The bilinear game's mu is exactly 0 (F = (y, -x): <DF v, v> = 0); its certified lower end is the outward
    rounding of that zero, a subnormal double.  constants, check and rates each print the bracket and a note saying
    so (a new user read '-1e-323' as a computed value), and a single box is '1 box'."""
    for argv in (["constants", "bilinear", "--region", "ball:1"], ["check", "bilinear", "--region", "ball:1", "--mu", "0"],
                 ["rates", "bilinear", "--region", "ball:1", "--methods", "eg"]):
        main(argv)
        out = capsys.readouterr().out
        assert "mu in [-1e-323, 0]" in out or "bracket [-1e-323, 0]" in out, out
        assert "note: mu's lower end -1e-323: zero up to outward rounding" in out, argv
        assert "1 boxes" not in out
        assert "mu's upper end" not in out  # (an exact 0 needs no note)


@pytest.mark.slow  # (about 1 s a case: CI's default pass is kept under 3 minutes, session 45)
def test_portrait_windows_are_offsets_from_the_equilibrium_and_its_note_says_so(capsys, tmp_path):
    """A new user typed --ylim 1,3 for y in [1, 3] on a game whose equilibrium is (0, 2) and got y in [3, 5]: the
    window is given as offsets from z* (the help says so now), and the note's suggestion says it is in offsets.
    The bilinear game shifted to z* = (1, 2): gd spirals out (closed form |I - h J|^k with numpy); the absolute window
    printed is z* plus the offsets typed, and the suggested offsets, added to z*, hold every state."""
    h, K = 0.1, 300
    src = tmp_path / "shifted.py"
    src.write_text("import sympy as sp, gandynamics as gd\nx, y = sp.symbols('x y', real=True)\n"
                   "game = gd.Game(theta=[x], psi=[y], loss_g=(x - 1)*(y - 2), loss_d=-(x - 1)*(y - 2), "
                   "equilibrium=(1, 2))\n")
    M = np.eye(2) - h * np.array([[0.0, 1.0], [-1.0, 0.0]])
    z0 = np.array([2.0, 2.5])
    states = np.array([np.array([1.0, 2.0]) + np.linalg.matrix_power(M, k) @ (z0 - [1.0, 2.0]) for k in range(K + 1)])
    code, out, err = run(capsys, "portrait", "--game", f"{src}:game", "--methods", "gd", "--init", "2,2.5", "--step",
                         str(h), "--steps", str(K), "--xlim", "-1,1", "--ylim", "-1,1", "--out", str(tmp_path / "p.png"))
    assert code == 0, err
    note = next(line for line in out.splitlines() if line.startswith("note:"))
    assert "x in [0, 2], y in [1, 3]" in note and "(offsets from z*)" in note, note
    xl, yl = ([float(v) for v in s_.split(",")] for s_ in re.findall(r"--[xy]lim=(\S+)", note))
    assert 1 + xl[0] < states[:, 0].min() and states[:, 0].max() < 1 + xl[1]
    assert 2 + yl[0] < states[:, 1].min() and states[:, 1].max() < 2 + yl[1]
    code, out, err = run(capsys, "portrait", "--game", f"{src}:game", "--methods", "gd", "--init", "2,2.5", "--step",
                         str(h), "--steps", str(K), "--xlim", f"{xl[0]},{xl[1]}", "--ylim", f"{yl[0]},{yl[1]}",
                         "--out", str(tmp_path / "q.png"))
    assert code == 0 and "note:" not in out
    with pytest.raises(SystemExit):
        run(capsys, "portrait", "--help")
    assert "offsets from the equilibrium" in " ".join(capsys.readouterr().out.split())


_QUARTIC = __import__("pathlib").Path(__file__).parent / "data" / "quartic_monotone.py"


def test_check_undecided_says_which_budget_ran_out_and_defaults_to_the_librarys(capsys):
    """A new user's exact claim was "undecided" at the command line's 20,000 boxes, decided by Python's
    check_constants at its 50,000, and nothing said which budget ran out: the default is the library's, and an
    undecided check names the budget spent and how to give more."""
    import inspect

    from gandynamics.analysis.constants import check_constants
    from gandynamics.cli import build_parser
    args = build_parser().parse_args(["check", "dirac", "--region", "ball:1", "--mu", "0.1"])
    assert int(args.max_boxes) == inspect.signature(check_constants).parameters["max_boxes"].default
    # the quartic game's mu on the unit ball is 1/2, at the origin (sym DF = diag(1/2 + 3x^2, 1/2 + 3y^2)): a claim at
    # the exact value with no tolerance is not decided by 20 boxes; a claim well below it is, with no note
    game = ["--game", f"{_QUARTIC}:game"]
    assert main(["check", *game, "--region", "ball:1", "--mu", "0.5", "--max-boxes", "20", "--max-seconds", "5",
                 "--rtol", "0"]) == 3  # (no tolerance: the bracket's lower end stays below 0.5)
    out = capsys.readouterr().out
    assert "note: the budget ran out (mu after " in out and "--max-boxes 20, --max-seconds 5)" in out
    assert main(["check", *game, "--region", "ball:1", "--mu", "0.1", "--max-boxes", "20", "--max-seconds", "5"]) == 0
    assert "budget ran out" not in capsys.readouterr().out


def test_check_says_why_a_claim_equal_to_the_true_value_is_undecided_at_rtol_0(capsys, tmp_path):
    """A new user claimed the exact mu = 0.0705 of r' = r(beta + r^2 - r^4) on the ball 0.1 at --rtol 0 (beta = -0.1;
    lambda_min(sym DF) on |z| = r is -beta - 3 r^2 + 5 r^4, least at r = 0.1): the search stopped at once at a point
    where mu is the claim to rounding, and the note said "the budget ran out after 1 box and 0.0 s".  The note now
    names that point and value; the budget note is kept for a search that spent its budget."""
    from gandynamics.cli import main
    assert 0.1 - 3 * 0.01 + 5 * 0.0001 == pytest.approx(0.0705, abs=1e-15)
    f = tmp_path / "bautin.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\n\n\ndef make():\n"
                 "    x, y, b = sp.symbols('x y beta_b', real=True)\n    r2 = x**2 + y**2\n"
                 "    return Game([x], [y], -b * x**2 / 2 - r2**2 / 4 + r2**3 / 6 + x * y,\n"
                 "                -b * y**2 / 2 - r2**2 / 4 + r2**3 / 6 - x * y, hyper={b: -0.1}, equilibrium=(0, 0))\n")
    code = main(["check", "--game", f"{f}:make", "--region", "ball:0.1", "--mu", "0.0705", "--rtol", "0",
                 "--max-boxes", "20000"])
    out = capsys.readouterr().out
    assert code == 3 and "undecided" in out
    assert "budget ran out" not in out and "the claim to rounding" in out


def test_check_at_rtol_zero_on_an_affine_field_says_no_budget_decides(capsys):
    """A new user: check of mu = 0.3 exactly on a linear game at --rtol 0 said "a larger --max-boxes or --max-seconds,
    or a smaller --region, may decide it"; on an affine F every box has the same bounds and none would.  A nonlinear
    field keeps the budget note."""
    from gandynamics.cli import main
    assert main(["check", "quadratic", "--region", "ball:1", "--mu", "1", "--rtol", "0", "--max-boxes", "300"]) == 3
    out = capsys.readouterr().out
    assert "as any would: DF is constant (F is affine)" in out and "may decide it" not in out
    assert main(["check", "dirac", "--reg", "r1", "--region", "ball:1", "--mu", "-0.26", "--rtol", "0",
                 "--max-boxes", "40"]) == 3
    out = capsys.readouterr().out
    assert "may decide it" in out and "F is affine" not in out


@pytest.mark.parametrize("power", [2, 3])
def test_check_where_df_is_not_finite_says_no_budget_decides(capsys, tmp_path, power):
    """log(1 + x^2) (and x^3's square) overflow an intermediate value of DF beyond |x| = 1.3e154: every point of a box
    there has a non-finite DF, so the bracket is [-inf, inf] whatever the budget; the note said "a larger
    --max-boxes or --max-seconds ... may decide it".  It now says why none will, from the exact value at the
    search's witness (an overflow of an intermediate value, the exact value finite)."""
    f = tmp_path / "rat.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\n\n\ndef make():\n"
                 "    x, y = sp.symbols('x y', real=True)\n"
                 f"    L = sp.log(1 + x**{2 * power - 2}) + x * y - sp.log(1 + y**2)\n"
                 "    return Game([x], [y], L, -L, equilibrium=(0, 0))\n")
    assert 1e155 * 1e155 == math.inf  # (the overflow the note explains)
    code = main(["check", "--game", f"{f}:make", "--region", "box:1e155:2e155,-1:1", "--lipschitz", "10", "--mu",
                 "0.1", "--max-boxes", "300", "-q"])
    out = capsys.readouterr().out
    assert code == 3
    assert "DF is not finite at any point the search for mu or L evaluated" in out and "overflows" in out
    assert "may decide it" not in out and "--order 1 encloses DF's entries directly" in out
    # (the first-order engine encloses the entries themselves: it decides the claim there, as the note says it may)
    assert main(["check", "--game", f"{f}:make", "--region", "box:1e155:2e155,-1:1", "--lipschitz", "10",
                 "--max-boxes", "300", "--order", "1", "-q"]) == 0
    capsys.readouterr()
    assert main(["constants", "--game", f"{f}:make", "--region", "box:1e155:2e155,-1:1", "--max-boxes", "300",
                 "-q"]) == 0
    out = capsys.readouterr().out
    assert "DF is not finite at any point the search for mu or L evaluated" in out
    assert "a smaller region" not in out  # (the stalled-end note's advice: no region there helps)


def test_the_not_finite_note_is_not_given_where_df_is_finite():
    """A review: on a region on the switching set of |x| x (the box 0:0 x 0:0), DF = [[0, 1], [-1, 0]] is finite, yet
    the sampled side is left open (every point on the switching set) and the note said "DF is not finite ... an
    intermediate value overflows".  The reason is given only where DF at the witness is not finite."""
    import sympy as sp
    from gandynamics import Game, VectorField
    from gandynamics.analysis.constants import check_constants, parse_region
    from gandynamics.cli.constants import not_finite_note
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], sp.Abs(x) * x / 3 + x * y, -x * y - sp.Abs(y) * y / 3, equilibrium=(0, 0)))
    res = check_constants(fld, parse_region("box:0:0,0:0", fld), mu=0.1, L=10, max_boxes=200)
    assert np.all(np.isfinite(fld.eval_DF(res.lipschitz.witness)))
    assert not_finite_note(fld, None, [("mu", res.mu), ("L", res.lipschitz)]) is None


def test_a_counterexample_pair_beyond_the_doubles_says_so(tmp_path, capsys):
    """A false 'L = 5' of a quartic on a ball of radius 1e300: the pair of points found has |F(z2) - F(z)| / |z2 - z|
    certified above the claim by ball arithmetic, its value beyond the largest double; printed "= inf" (a new user),
    it now says where it lies.  The ratio is checked apart: F's x-component there is x^3/3 of 2e296, about 2.7e888."""
    game = tmp_path / "quartic.py"
    game.write_text("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y', real=True)\n"
                    "game = Game(theta=[x], psi=[y], loss_g=x**4 / 12 + x * y, loss_d=-x * y + y**2 / 4, "
                    "equilibrium=(0, 0))\n")
    code = main(["check", "--game", f"{game}:game", "--region", "ball:1e300", "--lipschitz", "5"])
    out = capsys.readouterr().out
    assert code == 1
    (pair,) = [line for line in out.splitlines() if line.lstrip().startswith("pair z")]
    assert pair.endswith("|F(z2)-F(z)|/|z2-z| > 1.797e308 (beyond the doubles)") and "inf" not in pair
    import re
    from fractions import Fraction
    z = [Fraction(v) for v in re.search(r"pair z = \(([^)]*)\)", pair).group(1).split(", ")]
    z2 = [Fraction(v) for v in re.search(r"z2 = \(([^)]*)\)", pair).group(1).split(", ")]
    F = lambda p: (p[0] ** 3 / 3 + p[1], -p[0] + p[1] / 2)  # noqa: E731 (exact, in rationals)
    dF = [a - b for a, b in zip(F(z2), F(z))]
    dz = [a - b for a, b in zip(z2, z)]
    assert sum(d * d for d in dF) > Fraction(1.797e308) ** 2 * sum(d * d for d in dz)


@pytest.mark.parametrize("command", ["check", "constants"])
@pytest.mark.parametrize("region, said", [("ball:-1", "ball:R needs a finite radius R > 0"),
                                          ("box:1:0,0:1", "a box needs lo <= hi"),
                                          ("disk:1", "unknown region kind 'disk'")])
def test_a_region_mistake_is_named_beside_an_unknown_regularizer(capsys, command, region, said):
    """A review: `check dirac --reg r11 --mu x --region ball:-1` named the regularizer and --mu, and the region only
    on the next run (the region was read only with its game).  Its own mistakes need no game: named in the same line."""
    argv = [command, "dirac", "--reg", "r11", "--region", region] + (["--mu", "0.1"] if command == "check" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown regularizer 'r11'" in err and said in err, err
