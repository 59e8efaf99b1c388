"""Every mistake of a command line named at once, in one line (the project's rule; ``cli.common.names_waiting`` and
``cli.common.gathered``).  A review found the unknown names of a command line (game, regularizer, method) refused on
one run and its bad values on the next (`simulate nogame --steps 0`), `analyze --param aa=1 --param c=x` naming one
of the two, and check, cycle and portrait stopping at the first of their own mistakes.  For every command of
``gandynamics --help``: command lines with two or more independent mistakes (a bad name with a bad value, two bad
values), each refused with exit status 2 in one line ``gandynamics: error: ...`` (no traceback, nothing on standard
output) that names every mistake."""

from __future__ import annotations

import pytest

from gandynamics.cli import COMMANDS
from test_cli_bad_input import one_line_error

#: per command: (command line with {tmp} for a folder, the words that name each of its mistakes)
CASES = {
    "list": [(["list", "--jsn", "--foo"], ["--jsn", "--foo"])],
    "cache": [(["cache", "info", "--jsn", "--foo"], ["--jsn", "--foo"])],
    "reproduce": [(["reproduce", "nofigure", "--jobs", "0"], ["unknown figure 'nofigure'", "--jobs"]),
                  (["reproduce", "--list", "--jobs", "2", "--pdf"], ["--jobs does nothing", "--pdf does nothing"])],
    "analyze": [(["analyze", "quadratic", "--reg", "r11", "--param", "a=x"], ["unknown regularizer 'r11'",
                                                                              "parameter a must"]),
                (["analyze", "dirac", "--reg", "r1", "--param", "aa=1", "--param", "gamma=x"],
                 ["unknown parameter 'aa'", "gamma must"]),
                (["analyze", "quadratic", "--param", "a=x", "--param", "b=y"], ["parameter a must", "parameter b must"]),
                (["analyze", "dirac", "--reg", "r1:gamma=x", "--reg", "r22"], ["unknown regularizer 'r22'",
                                                                               "gamma must"]),
                (["analyze", "dirac", "--reg", "r1", "--equilibrium", "1", "--param", "zz=1"],
                 ["--equilibrium", "unknown parameter 'zz'"]),
                (["analyze", "dirac", "--at", "1", "--reg", "r1:gamma=-1"], ["gamma must"])],  # (--at needs the game)
    "simulate": [(["simulate", "nogame", "--method", "gd", "--steps", "0", "--step", "0.1"],
                  ["unknown game 'nogame'", "--steps"]),
                 (["simulate", "dirac", "--method", "gdx", "--steps", "5", "--step", "-1"],
                  ["unknown method 'gdx'", "--step must"])],
    "sweep": [(["sweep", "dirx", "--method", "gd", "--steps", "0", "--step", "0.1", "-o", "{tmp}/t.csv"],
               ["unknown game 'dirx'", "--steps"]),
              (["sweep", "dirac", "--method", "gdx", "--steps", "5", "--step", "0.1", "-o", "{tmp}/t.txt"],
               ["unknown method 'gdx'", "--out"])],
    "constants": [(["constants", "dirx", "--region", "ball:1", "--tol", "0"], ["unknown game 'dirx'", "--tol"]),
                  (["constants", "dirac", "--reg", "r1", "--region", "ball:-1", "--tol", "0"], ["--tol", "ball:R"])],
    "check": [(["check", "dirx", "--region", "ball:1", "--mu", "x"], ["unknown game 'dirx'", "--mu"]),
              (["check", "dirac", "--reg", "r1", "--mu", "x", "--region", "ball:-1"], ["--mu", "ball:R"]),
              (["check", "dirac", "--reg", "r1:gamma=x", "--region", "ball:1", "--rtol", "-1"], ["gamma must",
                                                                                                 "--rtol"]),
              (["check", "dirx", "--region", "ball:1"], ["unknown game 'dirx'", "nothing to check"])],
    "rates": [(["rates", "dirac", "--reg", "r11", "--methods", "gdx", "--step", "-1"],
               ["unknown regularizer 'r11'", "unknown method 'gdx'", "--step"]),
              (["rates", "dirac", "--reg", "r1", "--region", "ball:-1", "--steps", "0"], ["--steps", "ball:R"])],
    "basin": [(["basin", "dirx", "--reg", "r1", "--method", "gd", "--margin", "-1"], ["unknown game 'dirx'",
                                                                                      "--margin"]),
              (["basin", "dirac", "--reg", "r1:gamma=x", "--method", "gd", "--rtol", "0"], ["--rtol", "gamma must"])],
    "portrait": [(["portrait", "dirx", "--steps", "0", "--out", "{tmp}/p.png"], ["unknown game 'dirx'", "--steps"]),
                 (["portrait", "dirac", "--methods", "gdx", "--out", "{tmp}/p.txt"], ["unknown method 'gdx'",
                                                                                      "--out"]),
                 (["portrait", "dirac", "--steps", "x", "--out", "{tmp}/p.txt", "--animate", "{tmp}/a.txt"],
                  ["--steps", "--out", "--animate"]),
                 (["portrait", "dirac", "--steps", "5", "--out", "{tmp}/p.png", "--xlim", "3,-3", "--init", "1",
                   "--plane", "theta,theta"], ["--xlim", "--init", "--plane"]),
                 (["portrait", "dirac", "--step", "1,2", "--clip", "-1", "--out", "{tmp}/p.png", "--frames", "3"],
                  ["--step", "--clip", "--frames"])],
    "continue": [(["continue", "dirx", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--seeds", "3"],
                  ["unknown game 'dirx'", "--seeds"]),
                 (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--param", "zz=1",
                   "--equilibrium", "1"], ["--equilibrium", "unknown parameter 'zz'"])],
    "cycle": [(["cycle", "hopf", "--from-hopf", "beta=0:0.2", "--reg", "r11", "--k", "0"],
               ["unknown regularizer 'r11'", "--k does nothing"]),
              (["cycle", "hopf", "--from-hopf", "beta=x:y", "--continue-to", "z", "--points", "0"],
               ["VALUE_H", "--from-hopf AT", "--continue-to", "--points"]),
              (["cycle", "hopf", "--from-hopf", "beta=0:0.2", "--param", "beta=0.1", "--continue-to", "z"],
               ["beta set twice", "--continue-to"]),
              (["cycle", "dirac", "--method", "gdx", "--init", "1", "--k", "0"],
               ["unknown method 'gdx'", "needs --step", "--k must", "--init"])],
    "classify": [(["classify", "dirx", "--methods", "gdx", "--step", "-2"],
                  ["unknown game 'dirx'", "unknown method 'gdx'", "--step"]),
                 (["classify", "dirac", "--at", "1", "--step", "-1"], ["--at", "--step"])],
}


def test_every_command_has_cases():
    """A command added to ``gandynamics --help`` gets its command lines here."""
    assert set(CASES) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(CASES))
def test_every_mistake_of_a_command_line_is_named_in_one_line(capsys, tmp_path, command):
    """Each command line: exit 2, one line ``gandynamics: error: ...`` (one_line_error: nothing on standard output,
    no traceback), every mistake named, each refusal once, nothing written."""
    for argv, named in CASES[command]:
        argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
        line = one_line_error(capsys, argv)
        assert "Traceback" not in line, line
        for word in named:
            assert word in line, (argv, word, line)
            if word.startswith("unknown "):  # (a name's refusal said once: checked again by build_field)
                assert line.count(word) == 1, line
        assert list(tmp_path.iterdir()) == [], argv


def test_names_come_first_and_join_a_command_own_error(capsys):
    """The unknown names lead the line, then the values; a command's own error raised outside a gathered block
    (continue's --seeds without --vary2, refused by refuse_inapplicable before its game) joins them."""
    line = one_line_error(capsys, ["simulate", "nogame", "--method", "gdx", "--steps", "0", "--step", "0.1"])
    assert line.index("unknown game") < line.index("unknown method") < line.index("--steps"), line
    line = one_line_error(capsys, ["continue", "dirx", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--seeds", "3"])
    assert line.index("unknown game") < line.index("--seeds"), line


def test_a_good_command_line_leaves_no_names_waiting(capsys):
    """A command line without mistakes runs (the names' check leaves nothing behind for the next command run in the
    same process)."""
    from gandynamics.cli import main
    from gandynamics.cli.common import take_waiting
    assert main(["analyze", "dirac", "--reg", "r1:gamma=0.3"]) == 0
    assert "game: dirac" in capsys.readouterr().out
    assert take_waiting() == []


def _left_out_cases():
    """(command, what is left out, its flags): every required option of every command, and every required group of
    options (cycle's --from-hopf | --init), read from the parser (a new one is covered when it is added)."""
    import argparse

    from gandynamics.cli import build_parser
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    out = []
    for cmd, sp in sub.choices.items():
        for a in sp._actions:
            if a.required and a.option_strings:
                out.append((cmd, a.option_strings[-1], list(a.option_strings)))
        for g in sp._mutually_exclusive_groups:
            if g.required:
                flags = [o for a in g._group_actions for o in a.option_strings]
                out.append((cmd, " | ".join(a.option_strings[-1] for a in g._group_actions), flags))
    return out


LEFT_OUT = _left_out_cases()

#: the other mistakes put beside a required option left out: (what is changed, the words that name it)
#: ``game``: the GAME replaced by an unknown name; ``option``: a mistyped option added; ``param``: a --param no game
#: has; ``value``: the base line's first other option given a value of no meaning (from BASE: the command's own)
OTHER = ("game", "option", "param", "value")


def test_the_generator_sees_every_required_option():
    assert {c for c, _, _ in LEFT_OUT} == {"simulate", "sweep", "constants", "check", "continue", "cycle", "portrait"}
    assert ("simulate", "--step", ["--step"]) in LEFT_OUT and ("cycle", "--from-hopf | --init",
                                                              ["--from-hopf", "--init"]) in LEFT_OUT


def _without(argv, flags):
    """``argv`` with each of ``flags`` and its value taken out."""
    out, skip = [], False
    for i, t in enumerate(argv):
        if skip:
            skip = False
        elif t in flags:
            skip = True
        else:
            out.append(t)
    return out


@pytest.mark.parametrize("cmd, left, flags", LEFT_OUT, ids=[f"{c} {o}" for c, o, _ in LEFT_OUT])
@pytest.mark.parametrize("other", OTHER)
def test_a_required_option_left_out_is_named_with_the_other_mistakes(capsys, tmp_path, cmd, left, flags, other):
    """argparse refused a required option left out alone, before any other check: `simulate dirx --param a=x` without
    --steps named --steps, and the game and the value on the next runs (a tester).  For every required option (and
    required group) of every command, a command line that leaves it out and makes one other mistake of each kind: both
    named in one line ``gandynamics: error: ...``, the option with the command's example, exit status 2, nothing on
    standard output, nothing written (``cli._Parser``: a placeholder in the option's place; ``common.names_waiting``)."""
    from test_cli_bad_input import BASE
    argv = _without([t.replace("{tmp}", str(tmp_path)) for t in BASE[cmd]], flags)
    if other == "game":
        argv[1], named = "nogame", "unknown game 'nogame'"
    elif other == "option":
        argv, named = argv + ["--zzqx", "1"], "unrecognized arguments: --zzqx"
    elif other == "param":
        argv, named = argv + ["--param", "zzqx=1"], "unknown parameter 'zzqx'"
    else:  # the first option of the base line left, given a value of no meaning (none: a value of its own)
        opts = [t for t in argv[2:] if t.startswith("--") and t not in ("--reg", "--no-progress")]
        if not opts:
            opts = ["--steps"] if cmd != "cycle" else ["--points"]
            argv += [opts[0], "1"]
        argv[argv.index(opts[0]) + 1] = "@bad@"
        named = opts[0]
    line = one_line_error(capsys, argv)
    head = "one of the arguments" if " | " in left else "the following arguments are required:"
    assert head in line and left.split(" | ")[0] in line and f"; e.g. gandynamics {cmd}" in line, (argv, line)
    assert named in line, (argv, line)
    assert "left-out" not in line and "Traceback" not in line, line  # (the placeholder never shown)
    assert not list(tmp_path.iterdir()), (argv, list(tmp_path.iterdir()))


def test_a_required_option_left_out_alone_is_named_alone(capsys):
    """With no other mistake, the line is argparse's (the option, the example), as before: no refusal of the
    placeholder that stands in the option's place while the other checks run (its value quoted by a check)."""
    line = one_line_error(capsys, ["check", "dirac", "--reg", "r1", "--mu", "0.1"])
    assert line == ("gandynamics: error: the following arguments are required: --region; e.g. gandynamics check dirac "
                    "--reg asymmetric:eps=0.5,gamma=1,tikhonov_on=generator --region ball:0.5 --mu 0.4 --lipschitz 2")
    line = one_line_error(capsys, ["simulate", "dirac"])
    assert line.startswith("gandynamics: error: the following arguments are required: --method, --steps, --step; "
                           "e.g. gandynamics simulate ") and line.count(";") == 1, line
