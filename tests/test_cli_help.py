"""Every ``--help`` text that documents a registry (losses, methods) names each of its members: the help is built
from the registry the command validates against, so a new loss or method cannot be left out of it."""

import argparse
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gandynamics.analysis.basin import BASIN_METHODS
from gandynamics.analysis.continuation import DISCRETE_METHODS
from gandynamics.analysis.cycles import MAP_METHODS
from gandynamics.analysis.rates import RATE_METHODS
from gandynamics.cli import build_parser
from gandynamics.losses import LOSSES
from gandynamics.methods import METHODS


def _subparsers():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


#: (command, option dest) -> the names its validation accepts
ACCEPTED = {
    ("simulate", "method"): list(METHODS),
    ("sweep", "method"): list(METHODS),
    ("portrait", "methods"): list(METHODS),
    ("rates", "methods"): list(RATE_METHODS),
    ("classify", "methods"): [m for m in RATE_METHODS if m != "flow"],
    ("continue", "method"): list(DISCRETE_METHODS),
    ("cycle", "method"): list(MAP_METHODS),
    ("basin", "method"): list(BASIN_METHODS),
}


def _help(cmd, dest):
    p = _subparsers()[cmd]
    return " ".join(a.help or "" for a in p._actions if a.dest == dest)


@pytest.mark.parametrize("cmd,dest", sorted(ACCEPTED))
def test_method_help_names_every_accepted_method(cmd, dest):
    text = _help(cmd, dest)
    missing = [m for m in ACCEPTED[(cmd, dest)] if m not in text]
    assert not missing, f"{cmd} --{dest} help omits {missing}: {text!r}"


def test_every_command_with_a_loss_option_names_every_loss():
    with_loss = {name: p for name, p in _subparsers().items() if any(a.dest == "loss" for a in p._actions)}
    assert {"analyze", "simulate", "sweep", "constants", "rates"} <= set(with_loss)
    for name in with_loss:
        text = _help(name, "loss")
        missing = [k for k in LOSSES if k not in text]
        assert not missing, f"{name} --loss help omits {missing}"


def test_the_accepted_lists_are_what_validation_accepts():
    """The tables above are the sets the library checks against: a name outside them is refused with the list."""
    import sympy as sp
    from gandynamics import Game, VectorField
    from gandynamics.analysis.continuation import continuation
    from gandynamics.errors import GandynamicsError
    x, y = sp.symbols("x y")
    fld = VectorField(Game([x], [y], x * y, -x * y, equilibrium=(0, 0)))
    with pytest.raises(GandynamicsError, match="accepted: " + ", ".join(DISCRETE_METHODS) + ", or none \\(the flow\\)$"):
        continuation(fld, "h", 0.1, 0.2, method="no-such-method", step=0.1)


@pytest.mark.parametrize("cmd,dest", sorted(ACCEPTED))
def test_the_command_refuses_an_unknown_method_listing_what_its_help_names(capsys, tmp_path, cmd, dest):
    """The list a command's refusal of an unknown method gives is the list its help names (cycle listed every method
    of simulate, then refused most of them)."""
    from test_cli_bad_input import _accepted, _argv, one_line_error
    line = one_line_error(capsys, _argv(cmd, f"--{dest}", "no-such-method", tmp_path))
    assert [m for m in _accepted(line) if m != "none"] == ACCEPTED[(cmd, dest)], line


def test_every_command_shows_an_example_that_parses():
    # `gandynamics COMMAND --help` ends with an example of its use (list had none); each example, with its
    # placeholders as written, is a command line the parser accepts
    import shlex
    parser = build_parser()
    for name, p in _subparsers().items():
        epilog = p.epilog or ""
        assert epilog.startswith(("example: ", "examples: ")), f"gandynamics {name} --help shows no example"
        for cmd in epilog.split(":", 1)[1].split(";"):
            argv = shlex.split(cmd)
            assert argv[:2] == ["gandynamics", name], (name, cmd)
            parser.parse_args(argv[1:])


def test_a_command_that_changes_its_arguments_leaves_the_next_command_its_defaults(monkeypatch):
    """gandynamics.cli builds its parser once per process (cli._parser); each command gets copies of the parser's
    default lists (--reg, --param), so a command that edits its arguments in place cannot change what a later
    command of the same process reads.  Every command's own examples, each run twice through cli.main with a
    command that appends to every list it is given: the second sees what a freshly built parser gives."""
    import copy
    import shlex

    from gandynamics import cli
    assert cli._parser("sweep") is cli._parser("sweep")
    seen = []

    def meddle(args):
        seen.append(copy.deepcopy(vars(args)))
        for value in vars(args).values():
            if isinstance(value, list):
                value.append("changed")
            elif isinstance(value, (dict, set)):
                value.clear()
        return 0

    for name in cli.COMMANDS:  # the parser each command line is parsed with (its own command's, built once)
        p = next(a for a in cli._parser(name)._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        monkeypatch.setitem(p._defaults, "run", meddle)
    fresh = build_parser()
    lists = 0
    for name, p in _subparsers().items():
        for cmd in p.epilog.split(":", 1)[1].split(";"):
            argv = shlex.split(cmd)[1:]
            expected = {k: v for k, v in vars(fresh.parse_args(argv)).items() if k != "run"}
            for _ in range(2):
                seen.clear()
                assert cli.main(argv) == 0 and len(seen) == 1, cmd
                got = {k: v for k, v in seen[0].items() if k != "run"}
                assert got == expected, cmd
            lists += sum(isinstance(v, list) for v in expected.values())
    assert lists >= 10  # the examples do reach commands with default lists


# ---- a command line builds the options of its own command only (cli.build_parser(command))
def test_a_command_parses_alone_as_it_does_among_all():
    """The parser a command line is parsed with holds the options of its command only, the other commands by
    name and summary (``gandynamics --help`` 2.3 -> 0.1 s): the top-level help, each command's help and each of
    its examples parsed are the same as with every command built."""
    import shlex

    from gandynamics.cli import COMMANDS, command_of
    full = build_parser()
    subs = _subparsers()
    assert list(subs) == list(COMMANDS)
    assert build_parser("").format_help() == full.format_help()
    for name, p in subs.items():
        alone = build_parser(name)
        assert alone.format_help() == full.format_help()
        mine = next(a for a in alone._actions if isinstance(a, argparse._SubParsersAction)).choices
        assert mine[name].format_help() == p.format_help(), name
        assert all(not q._actions for other, q in mine.items() if other != name)  # the others: names only
        for cmd in p.epilog.split(":", 1)[1].split(";"):
            argv = shlex.split(cmd)[1:]
            assert command_of(argv) == name
            assert vars(alone.parse_args(argv)) == vars(full.parse_args(argv)), cmd


@given(st.lists(st.sampled_from(["-q", "-v", "--verbose", "--quiet", "--version", "-h"]), max_size=3),
       st.sampled_from(["", "analyze", "sweep", "reproduce", "frob", "list"]),
       st.lists(st.sampled_from(["dirac", "--reg", "r1", "--init", "-1,1", "-h", "analyze", "cache"]), max_size=4))
def test_the_command_of_a_command_line_is_its_first_word(opts, word, rest):
    """``command_of``: the first word that is not an option (the top-level options take no value), "" when that
    word is no command: the one argparse itself selects, or an error argparse reports with every command's name."""
    from gandynamics.cli import COMMANDS, command_of
    argv = opts + ([word] if word else []) + (rest if word else [])
    expected = word if word in COMMANDS else ""
    assert command_of(argv) == expected


def test_the_portrait_window_default_is_the_librarys():
    """``gandynamics portrait``'s default --xlim/--ylim is the library's default window (plotting.HALF_WIDTH on each
    side of the equilibrium), as its help says: the CLI keeps its own copy of the number (plotting imports matplotlib,
    which --help does not), checked here."""
    from gandynamics import plotting
    from gandynamics.cli import build_parser
    from gandynamics.cli import portrait

    assert portrait.HALF_WIDTH == plotting.HALF_WIDTH
    p = build_parser()
    args = p.parse_args(["portrait", "dirac", "--out", "p.png"])  # (parsed only: nothing is drawn)
    assert args.xlim is None and args.ylim is None  # (None: the default window, which may widen for the starts)
    sub = next(a for a in p._subparsers._group_actions[0].choices.values() if a.prog.endswith("portrait"))
    help_text = sub.format_help()
    assert f"(default {-plotting.HALF_WIDTH:zg},{plotting.HALF_WIDTH:zg})" in " ".join(help_text.split())


@pytest.mark.parametrize("before, after, level", [([], [], "INFO"), (["-q"], [], "WARNING"), ([], ["-q"], "WARNING"),
                                                   ([], ["--verbose"], "DEBUG"), (["-v"], [], "DEBUG"),
                                                   (["-q"], ["-v"], None), (["-v"], ["--quiet"], None)])
def test_quiet_and_verbose_work_before_or_after_the_command(capsys, monkeypatch, before, after, level):
    """gandynamics sweep ... -q was "unrecognized arguments: -q": -q and -v are taken before or after the command (not
    given after it, the one given before stands); one of each is refused, in one line, as two before the command.  The
    level holds while the command runs and is restored after it (a -q run left a test process's logger at WARNING, and
    a later test's bar undrawn)."""
    import logging

    from gandynamics.cli import main
    from gandynamics.log import logger
    set_to = []
    real = logger.setLevel
    monkeypatch.setattr(logger, "setLevel", lambda lv: (set_to.append(lv), real(lv))[1])
    monkeypatch.setattr(logger, "level", logging.ERROR)  # (what a script set before: kept after the command)
    if level is None:  # (a parse error: SystemExit(2), as argparse's own)
        with pytest.raises(SystemExit) as info:
            main(before + ["list"] + after)
        err = capsys.readouterr().err
        assert info.value.code == 2 and err.count("\n") == 1 and "not allowed with" in err, err
    else:
        assert main(before + ["list"] + after) == 0 and set_to[0] == getattr(logging, level)
        assert logger.level == logging.ERROR


def test_sweep_help_describes_the_flags_as_the_table_writes_them(tmp_path):
    """The table writes its flags as the words True/False and an absent algebraic exponent as nan: sweep's help said
    "1 where ..." and "empty" (a new user), and left out the verdict 'not run'.  Checked against a table written."""
    import csv

    from gandynamics.cli import build_parser, main
    text = " ".join(build_parser()._subparsers._group_actions[0].choices["sweep"].format_help().split())
    out = tmp_path / "t.csv"
    assert main(["sweep", "dirac", "--method", "gd", "--steps", "20", "--step", "0.1", "--out", str(out), "-q"]) == 0
    with open(out) as fh:
        row = next(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert row["final_zero"] in ("True", "False") and row["finished"] == "True"
    assert "final_zero (True where" in text and "(1 where" not in text and "'not run'" in text
    assert "NaN for the others" in text and row["algebraic"].lower() == "nan"


def test_every_option_named_out_has_the_short_form_o():
    """``-o FILE`` for ``--out FILE`` (a new user typed ``portrait ... -o p.png`` and was told --out was missing):
    every command with an option --out takes -o alike, to the same destination."""
    from gandynamics.cli import COMMANDS, build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    with_out = []
    for name in COMMANDS:
        for action in sub.choices[name]._actions:
            if "--out" in action.option_strings:
                with_out.append(name)
                assert "-o" in action.option_strings, name
    assert {"portrait", "sweep", "reproduce"} <= set(with_out)
    a = parser.parse_args(["portrait", "dirac", "--methods", "gd", "--step", "0.2", "-o", "p.png"])
    b = parser.parse_args(["portrait", "dirac", "--methods", "gd", "--step", "0.2", "--out", "p.png"])
    assert a.out == b.out == "p.png"


def _stderr_of(capsys, monkeypatch, argv, tty: bool) -> str:
    """Standard error of ``gandynamics argv`` run in this process, its stream a terminal or not."""
    from gandynamics.cli import main
    capsys.readouterr()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty, raising=False)
    assert main(argv) == 0, argv
    return capsys.readouterr().err


# what each command writes on standard error that is neither an error nor a warning: a summary moved there by
# `--out -`, a note beside --json output, a progress bar (on a terminal)
_CHATTER = [
    (["sweep", "dirac", "--method", "gd", "--steps", "20", "--step", "0.1", "--out", "-"], False),
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--max-points", "3", "--json"], False),
    (["basin", "dirac", "--reg", "asymmetric:eps=0.3,gamma=1,reading=generator-tikhonov", "--method", "eg", "--json"],
     True),
    (["continue", "dirac", "--reg", "r1", "--method", "gd", "--vary", "gamma=0.02:2", "--vary2", "h=0.02:5"], True),
]


@pytest.mark.parametrize("argv, tty", _CHATTER, ids=lambda a: a[0] if isinstance(a, list) else str(a))
def test_quiet_leaves_errors_and_warnings_alone_on_standard_error(capsys, monkeypatch, argv, tty):
    """-q promises "only errors and warnings on standard error"; `sweep --out - -q` still printed its summary there
    (a new user's check), `continue --json` its note, and a bar was drawn on a terminal.  Each such output is
    there without -q (so the check can fail) and gone with it (cli.common.quiet, bars, auto_progress)."""
    loud = _stderr_of(capsys, monkeypatch, argv, tty)
    assert loud.strip(), argv
    quiet = _stderr_of(capsys, monkeypatch, argv + ["-q"], tty)
    assert all(line.startswith(("gandynamics: error:", "gandynamics: warning:")) for line in quiet.splitlines()), quiet


@pytest.mark.parametrize("cmd,dest", sorted(ACCEPTED))
def test_a_wrong_game_regularizer_and_method_are_refused_together(capsys, tmp_path, cmd, dest):
    """`gandynamics simulate dirx --reg r11 --method gdx` was refused one mistake at a time (and some commands
    named the method first, others the game): every command that takes methods names every unknown name of its
    game, regularizers and methods in one line (cli.common.check_names, with the command's own method refusal and
    accepted list), before any work."""
    from test_cli_bad_input import _accepted, _argv, one_line_error
    argv = _argv(cmd, f"--{dest}", "no-such-method", tmp_path)
    argv[1] = "dirx"
    argv += ["--reg", "r11"]
    line = one_line_error(capsys, argv)
    assert "unknown game 'dirx'" in line and "did you mean dirac?" in line, line
    assert "unknown regularizer 'r11'" in line, line
    # the method's part is the command's own refusal, with the list its help names (the table above)
    part = line[line.index("unknown method 'no-such-method'"):]
    assert [m for m in _accepted(part) if m != "none"] == ACCEPTED[(cmd, dest)], line


@pytest.mark.parametrize("cmd, dest", [("simulate", "method"), ("sweep", "method"), ("portrait", "methods"),
                                       ("rates", "methods")])
def test_a_malformed_regularizer_and_a_wrong_base_are_named_with_the_other_mistakes(capsys, tmp_path, cmd, dest):
    """A malformed --reg hid every other mistake, and a wrong --base (lookahead's base method, a method name too) was
    named on a later run (a review): both join the one line."""
    from test_cli_bad_input import _argv, one_line_error
    argv = _argv(cmd, f"--{dest}", "lookahead", tmp_path)
    argv[1] = "dirx"
    argv += ["--reg", "r1:gamma", "--base", "gdx"]
    line = one_line_error(capsys, argv)
    assert "unknown game 'dirx'" in line and "malformed --reg r1 option 'gamma'" in line, line
    assert "unknown --base 'gdx'" in line and "did you mean gd?" in line, line


def test_quiet_keeps_the_json_summary_asked_for(capsys, monkeypatch):
    """`sweep --out - --json -q`: -q silences the summary moved to standard error, but --json asked for it (a review
    found it thrown away): the JSON stays, the only output there."""
    import json
    err = _stderr_of(capsys, monkeypatch, _CHATTER[0][0] + ["--json", "-q"], False)
    assert json.loads(err)["rows"] == 1


@pytest.mark.parametrize("argv", [[], ["-q"], ["-v"]])
def test_no_command_lists_the_commands_and_says_what_is_wrong_in_one_line(capsys, argv):
    """An adversarial review: `gandynamics` alone printed the help on standard output and nothing on standard error,
    with exit status 2 (an error said nowhere).  The help stays on standard output; one error line goes to standard
    error."""
    from gandynamics.cli import COMMANDS, main
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert all(name in out for name in COMMANDS)
    assert err.count("\n") == 1 and err.startswith("gandynamics: error: no command given"), err


def test_every_commands_quiet_help_names_only_options_the_command_takes():
    """Every command's -q help said "unless --progress asks for one", which constants and check alone take (a new user
    typed simulate --progress: unrecognized arguments)."""
    import re

    from gandynamics.cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    seen = set()
    for name, p in sub.choices.items():
        q = p._option_string_actions["-q"].help
        named = set(re.findall(r"--[a-z][a-z-]*", q))
        assert named <= set(p._option_string_actions), (name, named - set(p._option_string_actions))
        seen |= named
    assert {"--progress", "--json", "--out", "--csv"} <= seen  # (the wording still names them where they apply)


@pytest.mark.parametrize("word", ["spectrum", "Find_Equilibrium", "spectrm", "bifurcation", "lipschitz", "plot"])
def test_a_word_for_a_command_names_the_command(capsys, word):
    """`gandynamics spectrum` said only "unknown command" to a new user coming from the Python spectrum()."""
    from gandynamics.cli import COMMAND_SYNONYMS, COMMANDS, main
    assert {c for c, _ in COMMAND_SYNONYMS.values()} <= set(COMMANDS)
    with pytest.raises(SystemExit) as exc:
        main([word])
    err = capsys.readouterr().err.strip()
    key = {"Find_Equilibrium": "find-equilibrium", "spectrm": "spectrum"}.get(word, word)
    assert exc.value.code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"gandynamics: error: unknown command {word!r}: ")
    assert f"is `gandynamics {COMMAND_SYNONYMS[key][0]}`" in err
