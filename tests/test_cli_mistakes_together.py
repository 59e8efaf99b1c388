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
