"""Generated bad input: every option of every command (read from the parser itself, so a new option is
covered when it is added) with values of each bad kind; the outcome must be one line ``gandynamics: error:
...`` and exit status 2.  The kinds (each was a defect of some members before it was fixed at one place):

* an empty value (``--init ''``, ``--csv=``): taken as "not given" and silently ignored (the parser refuses
  it: ``_Parser._get_values``);
* a value of no meaning (``@bad@``) for an option that does not apply to what was asked (``--frames``
  without ``--animate``, ``--seed`` without ``--random-inits``, ``cycle --period`` with ``--from-hopf``,
  ``rates --steps`` with ``--no-measure``, ``reproduce --list --jobs 2``): never read, so the command
  succeeded (``common.refuse_inapplicable``, with the options the parser saw typed);
* a list of names with an empty item (``--methods gd,``, ``--methods ,``): the empty item was dropped, so
  ``,`` ran the default methods (``validate.name_list``, also in the library's ``rates``/``classify``);
* a count beyond 64 bits (``--steps 1e308``): a numpy traceback, or a hang (``--workers 1e308``)
  (``validate.whole``; ``distributed.parse_workers``).

The full generator with more kinds (NaN, inf, paths, user game files) is ``studies/fuzz_bad_input.py``.
"""

from __future__ import annotations

import os
import re

import pytest

from gandynamics.cli import build_parser, main

#: a valid command line of each command: one option at a time is added to it (or replaces its value)
BASE = {
    "analyze": ["analyze", "dirac"],
    "simulate": ["simulate", "dirac", "--method", "gd", "--steps", "10", "--step", "0.1"],
    "sweep": ["sweep", "dirac", "--method", "gd", "--steps", "10", "--step", "0.1", "--out", "{tmp}/x.csv",
              "--no-progress"],
    "constants": ["constants", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:1", "--max-seconds", "3"],
    "check": ["check", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:1", "--mu", "0.1", "--max-seconds", "3"],
    "rates": ["rates", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd", "--no-measure"],
    "basin": ["basin", "dirac", "--reg", "r1:gamma=0.3", "--max-seconds", "2"],
    "portrait": ["portrait", "dirac", "--steps", "5", "--out", "{tmp}/x.png"],
    "continue": ["continue", "dirac", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--max-points", "20"],
    "cycle": ["cycle", "hopf", "--from-hopf", "beta=0:0.2"],
    "classify": ["classify", "dirac"],
    "reproduce": ["reproduce", "--list"],
    "cache": ["cache", "info"],
    "list": ["list"],
}

#: options whose every text is a meaningful value (a title), or a path (checked by their own tests below)
FREE_TEXT = {"--title"}
PATHS = {"--out", "--csv", "--animate"}


def _value_options():
    p = build_parser()
    sub = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    assert set(sub.choices) == set(BASE), "a new command: add a valid command line of it to BASE"
    for cmd, sp in sub.choices.items():
        for a in sp._actions:
            if a.option_strings and a.nargs != 0 and a.dest != "help":
                yield cmd, a.option_strings[-1]


VALUE_OPTIONS = sorted(set(_value_options()))


def _argv(cmd, opt, value, tmp):
    argv = [t.replace("{tmp}", str(tmp)) for t in BASE[cmd]]
    if opt in argv:
        argv[argv.index(opt) + 1] = value
    else:
        argv += [opt, value]
    return argv


def one_line_error(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusals (choices, exclusive options) leave this way
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2, (argv, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gandynamics: error: "), (argv, err)
    # refused before any work: nothing printed on stdout (portrait --plane theta,theta simulated its runs and printed
    # their notes, then was refused)
    assert out == "", (argv, out)
    return lines[0]


def test_the_generator_sees_the_options():
    assert len(VALUE_OPTIONS) > 100
    assert ("portrait", "--frames") in VALUE_OPTIONS and ("sweep", "--seed") in VALUE_OPTIONS


@pytest.mark.parametrize("cmd, opt", VALUE_OPTIONS, ids=[f"{c} {o}" for c, o in VALUE_OPTIONS])
def test_an_empty_value_is_refused(capsys, tmp_path, cmd, opt):
    for value in ("", "  "):
        line = one_line_error(capsys, _argv(cmd, opt, value, tmp_path))
        assert f"{opt} needs a value (" in line and "got an empty string" in line


NONSENSE = [(c, o) for c, o in VALUE_OPTIONS if o not in FREE_TEXT | PATHS]


@pytest.mark.parametrize("cmd, opt", NONSENSE, ids=[f"{c} {o}" for c, o in NONSENSE])
def test_a_value_of_no_meaning_is_read_and_refused(capsys, tmp_path, cmd, opt):
    # an option that is not read in the mode asked for let the command succeed with any value.  A refusal that blames
    # an option blames the one given (continue --vary2 h=0:nan was refused as "--vary needs two different finite
    # numbers"); others say what the value should be ("unknown method '@bad@'; accepted: ...")
    line = one_line_error(capsys, _argv(cmd, opt, "@bad@", tmp_path))
    blamed = set(re.findall(r"(?:malformed |bad )(--[a-z0-9-]+)|(--[a-z0-9-]+) (?:needs|must|expects|takes|is not)",
                            line))
    assert {a or b for a, b in blamed} <= {opt}, line


@pytest.mark.parametrize("argv, match", [
    (["portrait", "dirac", "--out", "{tmp}/x.png", "--fps", "30"],
     "--fps does nothing here: it applies only with --animate FILE.gif|FILE.mp4; leave it out"),
    (["portrait", "dirac", "--out", "{tmp}/x.png", "--frames", "60"], "--frames does nothing here"),
    (["sweep", "dirac", "--method", "gd", "--steps", "5", "--step", "0.1", "--seed", "3", "--out", "{tmp}/x.csv"],
     "--seed does nothing here: it applies only with --random-inits N:LO:HI"),
    (["rates", "dirac", "--methods", "gd", "--no-measure", "--steps", "100"], "--steps does nothing here"),
    (["cycle", "hopf", "--from-hopf", "beta=0:0.2", "--period", "6"], "--period does nothing here"),
    (["cycle", "hopf", "--from-hopf", "beta=0:0.2", "--k", "3"], "--k does nothing here"),
    (["cycle", "hopf", "--from-hopf", "beta=0:0.2", "--points", "3"], "--points does nothing here"),
    (["continue", "dirac", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--seeds", "1,2"], "--seeds does nothing here"),
    (["reproduce", "--list", "--jobs", "2"], "--jobs does nothing here"),
    (["reproduce", "--list", "--out", "{tmp}/f"], "--out does nothing here"),
    (["reproduce", "spectra", "--list"], "--list lists every figure"),
])
def test_an_option_that_does_nothing_is_refused_with_its_default_value_too(capsys, tmp_path, argv, match):
    # --fps 30 equals nothing the command could tell from the default 15 by value: the parser records it as typed
    assert match in one_line_error(capsys, [t.replace("{tmp}", str(tmp_path)) for t in argv])


LISTS = [("portrait", "--methods"), ("rates", "--methods"), ("classify", "--methods"), ("sweep", "--method")]


@pytest.mark.parametrize("cmd, opt", LISTS)
@pytest.mark.parametrize("value", [",", "gd,", ",gd", "gd,,eg", " , "])
def test_a_list_of_names_with_an_empty_item_is_refused(capsys, tmp_path, cmd, opt, value):
    line = one_line_error(capsys, _argv(cmd, opt, value, tmp_path))
    assert "must be comma-separated names" in line and "no empty ones" in line


@pytest.mark.parametrize("cmd, opt", LISTS)
def test_a_list_of_names_with_a_name_twice_is_refused(capsys, tmp_path, cmd, opt):
    # rates and classify printed the same row twice, portrait drew the same trajectory twice; sweep alone refused
    line = one_line_error(capsys, _argv(cmd, opt, "gd,eg,gd", tmp_path))
    assert "'gd' given twice" in line or "gd given twice" in line


#: a valid KEY=... item of each repeatable option whose items are keyed, and a second item with the same key
KEYED = {
    "--param": ("gamma=0.1", "gamma=0.2"),
    "--box": ("psi=-1:1", "psi=-2:2"),
    "--grid": ("step=0.1,0.2", "step=0.3"),
}


def _keyed_options():
    p = build_parser()
    sub = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    for cmd, sp in sub.choices.items():
        for a in sp._actions:
            if a.__class__.__name__ == "_AppendAction" and "=" in (a.metavar or "") and a.option_strings[-1] != "--reg":
                yield cmd, a.option_strings[-1]


KEYED_OPTIONS = sorted(set(_keyed_options()))


def test_the_generator_sees_the_keyed_options():
    assert {o for _, o in KEYED_OPTIONS} == set(KEYED), "a new keyed option: add a pair of its items to KEYED"
    assert len(KEYED_OPTIONS) >= 14


@pytest.mark.parametrize("cmd, opt", KEYED_OPTIONS, ids=[f"{c} {o}" for c, o in KEYED_OPTIONS])
def test_a_key_given_twice_is_refused(capsys, tmp_path, cmd, opt):
    # the later value silently replaced the earlier one (--param gamma=1 --param gamma=2 ran at gamma = 2)
    first, second = KEYED[opt]
    argv = [t.replace("{tmp}", str(tmp_path)) for t in BASE[cmd]]
    if cmd in ("analyze", "classify", "portrait", "simulate", "sweep", "basin", "rates", "constants", "check",
               "continue") and "--reg" not in argv:
        argv += ["--reg", "r1"]
    line = one_line_error(capsys, argv + [opt, first, opt, second])
    assert "twice" in line or "has a range already" in line


@pytest.mark.parametrize("argv, match", [
    (["analyze", "dirac", "--reg", "r1:gamma=1,gamma=2"], "--reg r1 option 'gamma' given twice"),
    (["analyze", "dirac", "--reg", "r1", "--reg", "r1:gamma=0.5"], "--reg r1 given twice"),  # (the penalty twice)
    (["analyze", "dirac", "--reg", "r1:"], r"malformed --reg 'r1:'"),  # (r1 with its defaults: an option list lost)
    (["simulate", "dirac", "--method", "gd", "--steps", "3", "--step", "0.1", "--clip", "1", "--box", "psi=-5:-4"],
     r"psi has a range already \(--clip 1\)"),
])
def test_a_key_given_twice_inside_one_option_or_by_two_options_is_refused(capsys, argv, match):
    import re
    assert re.search(match, one_line_error(capsys, argv))


#: a value the command line sets by one option and again by a grid axis or a varied parameter (the second had silently
#: won: a reviewer's --reg r1:gamma=0.5 with --grid gamma ran gamma 0, 0.5, 1); generated over the ways of setting a
#: hyperparameter (--param, a regularizer's option) and the method flags (--beta, --step)
_SET = {"--param": ["--reg", "r1", "--param", "gamma=0.5"], "--reg": ["--reg", "r1:gamma=0.5"]}
_TWICE = ([(["sweep", "dirac", *how, "--method", "gd", "--steps", "5", "--step", "0.1", "--grid", "gamma=0:1:3",
             "--out", "{tmp}/s.csv"], f"gamma set twice: by {'--param ' + how[-1] if h == '--param' else '--reg ' + how[1]}")
           for h, how in _SET.items()]
          + [(["continue", "dirac", *how, "--vary", "gamma=0:1"], "gamma set twice") for how in _SET.values()]
          + [(["sweep", "dirac", "--method", "momentum", "--beta", "0.3", "--grid", "beta=0:1:3", "--steps", "5",
               "--step", "0.1", "--out", "{tmp}/s.csv"], "beta set twice: by --beta 0.3 and by --grid beta"),
             (["sweep", "hopf", "--param", "beta=0.2", "--method", "gd", "--grid", "hyper_beta=0:1:3", "--steps", "5",
               "--step", "0.1", "--out", "{tmp}/s.csv"], "hyper_beta set twice: by --param beta=0.2"),
             (["continue", "dirac", "--reg", "r1", "--method", "gd", "--step", "0.3", "--vary", "h=0.1:1"],
              "h set twice: by --step 0.3 and by --vary h"),
             (["continue", "dirac", "--reg", "r1", "--method", "momentum", "--beta", "0.3", "--vary", "beta=0:0.5"],
              "beta set twice")])


@pytest.mark.parametrize("argv, match", _TWICE)
def test_a_value_set_by_an_option_and_again_by_a_grid_or_a_varied_parameter_is_refused(capsys, tmp_path, argv, match):
    line = one_line_error(capsys, [a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert match in line, line
    assert not (tmp_path / "s.csv").exists()


def test_a_grid_over_the_games_own_beta_beside_momentums_beta_is_not_refused(capsys, tmp_path):
    assert main(["sweep", "hopf", "--method", "momentum", "--beta", "0.3", "--grid", "hyper_beta=0:1:2", "--steps",
                 "5", "--step", "0.1", "--out", str(tmp_path / "s.csv")]) == 0


def test_the_library_refuses_such_lists_too():
    from gandynamics import GandynamicsError, VectorField, games
    from gandynamics.analysis import classify, rates
    fld = VectorField(games.dirac())
    for call in (lambda: rates(fld, methods="gd,", region="ball:0.1"), lambda: classify(fld, methods=",")):
        with pytest.raises(GandynamicsError, match="methods must be comma-separated names"):
            call()


#: grid axes whose values repeat (a new user: a=1:1:5 ran five identical rows, a=1:2:1 dropped its stop unsaid, a=1,1,2
#: repeated a row), generated over the axes, counts and places of the repeat; continue's --vary 1:1 was refused already
_REPEATS = ([(ax, f"{v}:{v}:{n}", "start and stop are both") for ax, v in (("gamma", "0.5"), ("step", "0.2"))
             for n in (2, 5)]
            + [(ax, f"{a}:{b}:1", "a count of 1 gives the start") for ax, a, b in (("gamma", "0", "1"), ("step", "0.3", "0.1"))]
            + [(ax, vals, "appears 2 times") for ax in ("gamma", "step") for vals in ("0.1,0.1,0.2", "0.1,0.2,0.1",
                                                                                    "0.2,0.3,0.3")])


@pytest.mark.parametrize("axis, values, match", _REPEATS)
def test_a_grid_axis_whose_values_repeat_is_refused(capsys, tmp_path, axis, values, match):
    argv = ["sweep", "dirac", "--reg", "r1", "--method", "gd", "--steps", "5", "--grid", f"{axis}={values}",
            "--out", str(tmp_path / "s.csv")] + (["--step", "0.1"] if axis != "step" else [])
    line = one_line_error(capsys, argv)
    assert match in line and f"grid {axis}" in line
    assert not (tmp_path / "s.csv").exists()


def test_a_product_grid_axis_with_a_value_twice_is_refused_by_the_library_and_a_zipped_one_is_not():
    """The rule is the library's (the command line adds the words of its range form): a product grid's axis holding a
    value twice repeats rows exactly; zipped axes pair values row by row and may repeat them."""
    from gandynamics import GandynamicsError, R1, VectorField, games, sweep
    fld = VectorField(games.dirac(), [R1()])
    with pytest.raises(GandynamicsError, match="grid gamma: the value 0.5 appears 3 times"):
        sweep(fld, "gd", inits=[(1.0, 1.0)], grid={"gamma": [0.5, 0.1, 0.5, 0.5]}, step=0.1, steps=5, progress=False)
    r = sweep(fld, "gd", inits=[(1.0, 1.0)], grid={"gamma": [0.5, 0.5], "step": [0.1, 0.2]}, steps=5, product=False,
              progress=False)
    assert list(r["gamma"]) == [0.5, 0.5] and list(r["step"]) == [0.1, 0.2]


@pytest.mark.parametrize("argv", [
    ["sweep", "dirac", "--method", "gd", "--step", "0.1", "--steps", "1e308", "--out", "{tmp}/x.csv"],  # traceback
    ["simulate", "dirac", "--method", "gd", "--step", "0.1", "--steps", "1e19", "--record-every", "1e19"],
    ["portrait", "dirac", "--steps", "1e300", "--out", "{tmp}/x.png"],
    ["sweep", "dirac", "--method", "gd", "--step", "0.1", "--steps", "5", "--seed", "1e20", "--random-inits",
     "2:0:1", "--out", "{tmp}/x.csv"],
])
def test_a_count_beyond_64_bits_is_refused(capsys, tmp_path, argv):
    line = one_line_error(capsys, [t.replace("{tmp}", str(tmp_path)) for t in argv])
    assert "(a 64-bit integer)" in line


def test_workers_are_bounded_by_the_machine(capsys, tmp_path):
    import os
    # --workers 1e308 hung: LocalCluster started processes without end
    line = one_line_error(capsys, _argv("sweep", "--workers", "1e308", tmp_path))
    assert f"--workers must be a whole number between 1 and {4 * (os.cpu_count() or 1)}" in line


def test_a_huge_request_is_described_in_a_few_digits(capsys):
    # the size check printed 'inf EB' and the count in 309 digits
    line = one_line_error(capsys, ["simulate", "dirac", "--method", "gd", "--step", "0.1", "--steps", "9e18"])
    assert "would need 288 EB of memory (9.00e+18 x 4 float64)" in line
    from gandynamics.limits import _count, format_bytes
    assert (format_bytes(10**400), _count(10**308), _count(12345678901234567)) == ("1.00e+382 EB", "10^308",
                                                                                   "1.23e+16")
    assert not re.search(r"\d{20}", format_bytes(8 * 10**308))


@pytest.mark.parametrize("argv, what", [
    # each ran until the machine ran out of memory (the process killed), or drew for minutes first
    (["cycle", "dirac", "--method", "gd", "--step", "0.1", "--init", "0.1,0.1", "--k", "1e12"], "orbit's points"),
    (["cycle", "hopf", "--from-hopf", "beta=0:0.2", "--continue-to", "0.3", "--points", "1e12"], "--points cycles"),
    (["portrait", "dirac", "--steps", "5", "--out", "{tmp}/p.png", "--animate", "{tmp}/a.gif", "--frames", "1e12"],
     "frame indices"),
    (["portrait", "dirac", "--steps", "5", "--out", "{tmp}/p.png", "--animate", "{tmp}/a.gif", "--frames", "1e6"],
     "a GIF of 1000000 frames"),
])
def test_a_count_beyond_memory_is_refused_before_computing(capsys, tmp_path, monkeypatch, argv, what):
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", "1G")
    line = one_line_error(capsys, [t.replace("{tmp}", str(tmp_path)) for t in argv])
    assert what in line and "more than the limit of 1.07 GB" in line
    assert not (tmp_path / "p.png").exists()  # refused before the portrait was drawn


PATH_OPTIONS = [(c, o) for c, o in VALUE_OPTIONS if o in PATHS]
EXT = {"--csv": ".csv", "--animate": ".gif"}


@pytest.mark.parametrize("cmd, opt", PATH_OPTIONS, ids=[f"{c} {o}" for c, o in PATH_OPTIONS])
@pytest.mark.parametrize("folder", ["/proc", "/sys"])
def test_an_output_folder_where_no_file_can_be_created_is_refused_before_computing(capsys, tmp_path, monkeypatch,
                                                                                   cmd, opt, folder):
    # os.access says yes to root for /proc and /sys: the check passed and the result was lost after the run
    import os
    import gandynamics.cli.common as common

    def boom(args):
        raise AssertionError("computed before finding that the output cannot be written")
    monkeypatch.setattr(common, "build_field", boom)
    ext = EXT.get(opt, {"sweep": ".csv", "portrait": ".png"}.get(cmd, ""))
    value = os.path.join(folder, f"gd-probe{ext}")
    argv = _argv(cmd, opt, value, tmp_path)
    if cmd == "reproduce":
        argv = ["reproduce", "spectra", "--out", value]
    line = one_line_error(capsys, argv)
    assert "not writable" in line and not os.path.exists(value)


@pytest.mark.parametrize("cmd", ["simulate", "sweep", "portrait"])
@pytest.mark.parametrize("value", ["inf", "1e999", "nan", "0", "-1"])
def test_clip_is_a_finite_positive_bound(capsys, tmp_path, cmd, value):
    # simulate/sweep took --clip inf (clipping nothing: an option that did nothing) and said "must be positive"
    # without the finite; portrait read it with validate.positive already
    line = one_line_error(capsys, _argv(cmd, "--clip", value, tmp_path))
    assert "--clip must be a finite number > 0" in line


def _unused_method_options():
    from gandynamics.cli.simulate import _method_option_table
    from gandynamics.methods import METHODS
    out = []
    for name, (o, users) in _method_option_table().items():
        other = next(m for m in ("gd", "eg", "flow") if m not in users)
        out.append((name, o.kind is bool, other, users))
    return out


UNUSED = _unused_method_options()


@pytest.mark.parametrize("cmd", ["simulate", "sweep"])
@pytest.mark.parametrize("name, is_flag, method, users", UNUSED, ids=[u[0] for u in UNUSED])
def test_a_method_option_no_chosen_method_takes_is_refused_by_its_flag(capsys, tmp_path, cmd, name, is_flag, method,
                                                                        users):
    # the library's refusal named the keyword ('gd takes no option(s) n_g'), sweep's not who takes it
    flag = "--" + name.replace("_", "-")
    argv = _argv(cmd, "--method", method, tmp_path) + ([flag] if is_flag else [flag, "1"])
    line = one_line_error(capsys, argv)
    assert f"{flag} applies to {', '.join(users)}, not to {method}; leave it out" in line


def _methods_without_a_matrix():
    from gandynamics.methods import METHODS
    return [m for m, spec in METHODS.items() if spec.iteration_matrix is None]


def test_the_generator_sees_methods_without_an_iteration_matrix():
    assert {"eag", "adam", "rmsprop"} <= set(_methods_without_a_matrix())


@pytest.mark.parametrize("cmd", ["rates", "classify"])
@pytest.mark.parametrize("method", _methods_without_a_matrix())
def test_a_method_without_an_iteration_matrix_is_refused_with_the_reason(capsys, cmd, method):
    """rates gave the reason (the method's no_matrix text) and classify did not ('unknown method(s) eag'): both
    refuse through analysis.rates.refuse_methods, for every method of the registry without an iteration matrix."""
    from gandynamics.methods import METHODS
    err = one_line_error(capsys, [cmd, "dirac", "--reg", "r1", "--methods", f"gd,{method}"])
    assert f"{method} is not accepted here: it has no iteration matrix, since {METHODS[method].no_matrix}; " in err
    assert "gd" in err.split("accepted: ")[1].split(", ")


def _strengths():
    """(regularizer, parameter) for every parameter of every regularizer of the registry."""
    from gandynamics import REGULARIZERS
    return [(n, p) for n, r in REGULARIZERS.items() for p in r().defaults]


@pytest.mark.parametrize("reg,param", _strengths())
def test_a_regularizer_parameter_set_in_reg_and_by_param_is_refused(capsys, reg, param):
    """--reg r1:gamma=1 --param gamma=2 ran with gamma = 2, the --reg value silently dropped: every parameter of every
    regularizer given both ways is refused in one line naming both (the game need not fit: the check comes first)."""
    err = one_line_error(capsys, ["simulate", "dirac", "--reg", f"{reg}:{param}=0.3", "--param", f"{param}=0.4",
                                  "--method", "gd", "--step", "0.1", "--steps", "5"])
    assert f"{param} set twice: in --reg {reg}:{param}=0.3 and by --param {param}=0.4; set it once" in err


@pytest.mark.parametrize("grid", [["step=0.1:0.2:3"], ["step_g=0.1,0.2", "step_d=0.1,0.3"]])
def test_a_step_that_every_rows_grid_step_replaces_is_refused(capsys, grid):
    """sweep --step 0.5 --grid step=0.1:0.2:3 ran at 0.1-0.2, the --step silently dropped (the library too)."""
    import numpy as np

    import gandynamics as gd
    from gandynamics.errors import GandynamicsError
    argv = ["sweep", "dirac", "--reg", "r1", "--method", "altgd", "--steps", "10", "--step", "0.5", "--out", "-"]
    for g in grid:
        argv += ["--grid", g]
    err = one_line_error(capsys, argv)
    assert "--step and --grid step" in err and "both give every row its step size" in err
    F = gd.VectorField(gd.games.dirac(), [gd.R1()])
    axes = {g.split("=")[0]: [0.1, 0.2] for g in grid}
    with pytest.raises(GandynamicsError, match=r"^step=0.5 and the grid axis step"):
        gd.sweep(F, "altgd", inits=np.ones((1, 2)), steps=10, step=0.5, grid=axes)


# ---- every output file's extension is checked before any computation (a new user's trial, session 21:
# `simulate --csv x.png` wrote a CSV file named .png; io.check_output_path now requires the accepted extensions)
@pytest.mark.parametrize("argv, wrong", [
    (["simulate", "dirac", "--method", "gd", "--steps", "5", "--step", "0.1", "--init", "1,1", "--csv"], "x.png"),
    (["sweep", "dirac", "--method", "gd", "--steps", "5", "--grid", "step=0.1", "--out"], "x.txt"),
    (["portrait", "dirac", "--out"], "x.csv"),
    (["portrait", "dirac", "--out", "ok.png", "--animate"], "x.png"),
], ids=["simulate-csv", "sweep-out", "portrait-out", "portrait-animate"])
def test_an_output_file_of_the_wrong_extension_is_refused_before_any_work(tmp_path, capsys, argv, wrong):
    from gandynamics.cli import main
    assert main(argv + [str(tmp_path / wrong)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gandynamics: error: ") and err.count("\n") == 1 and "the extension must be" in err, err
    assert os.listdir(tmp_path) == []


# ---- what a new user's mistypes met (session 21)
def test_every_positional_argument_shows_its_values_not_its_internal_name():
    """`gandynamics cache foo` said "argument action: invalid choice" (the parser's internal name): every positional
    of every command has a metavar, so its errors name what is accepted."""
    import argparse
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    for name, p in sub.items():
        for a in p._actions:
            if not a.option_strings and not isinstance(a, argparse._HelpAction):
                assert a.metavar, (name, a.dest)


def test_cache_with_an_unknown_action_names_the_actions(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["cache", "foo"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == "gandynamics: error: unknown cache action 'foo'; accepted: info, clear\n"


@pytest.mark.parametrize("argv", [
    ["simulate", "dirac", "--method", "gd", "--steps", "5", "--init", "1,1"],
    ["rates", "dirac", "--reg", "r1", "--methods", "gd"],
    ["basin", "dirac", "--reg", "r1", "--method", "gd"],
    ["classify", "dirac", "--reg", "r1"],
    ["continue", "dirac", "--reg", "r1", "--method", "gd", "--vary", "gamma=0.5:1"],
    ["cycle", "dirac", "--reg", "r1", "--method", "gd", "--k", "2", "--init", "0.1,0.1"],
    ["portrait", "dirac", "--out", "x.png"],
], ids=lambda a: a[0])
@pytest.mark.parametrize("typed", ["0", "-1", "-0.0"])
def test_a_step_that_is_not_positive_is_refused_naming_the_option_and_the_value_typed(tmp_path, monkeypatch, capsys,
                                                                                   argv, typed):
    """simulate said "step must be a finite number > 0, got 0.0" (the library's words: no option, not what was typed)."""
    monkeypatch.chdir(tmp_path)
    assert main(argv + ["--step", typed]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gandynamics: error: --step ") and f"'{typed}'" in err and err.count("\n") == 1, err
    assert os.listdir(tmp_path) == []


def test_a_strength_given_without_its_regularizer_names_the_regularizers_that_have_it(capsys):
    from gandynamics.regularizers import REGULARIZERS
    assert main(["analyze", "dirac", "--param", "gamma=0.3"]) == 2
    err = capsys.readouterr().err
    owners = [n for n, cls in REGULARIZERS.items() if "gamma" in cls.defaults]
    assert len(owners) >= 5 and all(o in err for o in owners) and "--reg r1:gamma=VALUE" in err, err
    assert main(["analyze", "dirac", "--param", "foo=1"]) == 2
    assert capsys.readouterr().err == "gandynamics: error: unknown parameter 'foo'; accepted: none\n"


def test_no_progress_bar_is_written_into_a_file(capsys):
    """continue --vary2 drew its tqdm bar on stderr when stderr was a file (a log) and not a terminal."""
    assert main(["continue", "dirac", "--reg", "r1", "--method", "gd", "--vary", "gamma=0.02:2", "--vary2",
                 "h=0.02:5", "--seeds", "0.5"]) == 0
    err = capsys.readouterr().err
    assert "boundaries" not in err and "%|" not in err, err


def _out_of_range_options():
    """(method, flag, typed value) for every numeric option some method declares with a lower bound: one value
    below it as a user would type it (the kind of a new user's "--n-d 0": "n_d must be ..., got 0.0")."""
    from gandynamics.methods import METHODS
    seen = {}
    for m in METHODS.values():
        for o in m.options:
            if o.kind in (int, float) and o.low is not None and o.name not in seen:
                low = int(o.low) if float(o.low).is_integer() else o.low
                seen[o.name] = (m.name, "--" + o.name.replace("_", "-"), str(low - 1) if o.kind is int else str(low) if
                                o.low_open else str(low - 1))
    assert len(seen) >= 5, seen
    return list(seen.values())


@pytest.mark.parametrize("method,flag,typed", _out_of_range_options(), ids=lambda v: str(v))
@pytest.mark.parametrize("command", ["simulate", "sweep", "portrait"])
def test_a_method_option_out_of_range_is_refused_naming_the_flag_and_the_value_typed(tmp_path, monkeypatch, capsys,
                                                                                    command, method, flag, typed):
    monkeypatch.chdir(tmp_path)
    argv = {"simulate": ["simulate", "dirac", "--method", method],
            "sweep": ["sweep", "dirac", "--method", method, "--init", "1,1", "--out", "x.csv"],
            "portrait": ["portrait", "dirac", "--methods", method, "--out", "x.png"]}[command]
    assert main(argv + ["--steps", "10", "--step", "0.1", flag, typed]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gandynamics: error: {flag} must be ") and f"got '{typed}'" in err and err.count("\n") == 1, err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("command", ["simulate", "sweep"])
def test_a_bound_that_is_not_positive_is_refused_naming_the_flag_and_the_value_typed(tmp_path, monkeypatch, capsys,
                                                                                      command):
    monkeypatch.chdir(tmp_path)
    # (sweep: before the cluster is reached; a scheduler nobody listens on waited 10 s and reported the connection)
    argv = ["simulate", "dirac", "--method", "gd"] if command == "simulate" else [
        "sweep", "dirac", "--method", "gd", "--init", "1,1", "--out", "x.csv", "--scheduler", "tcp://127.0.0.1:9"]
    assert main(argv + ["--steps", "10", "--step", "0.1", "--bound", "0"]) == 2
    assert capsys.readouterr().err == "gandynamics: error: --bound must be a number > 0 (inf allowed), got '0'\n"


def test_varying_a_parameter_that_is_no_hyperparameter_says_how_to_make_it_one(capsys):
    assert main(["continue", "dirac", "--vary", "a=0:1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gandynamics: error: cannot vary 'a'") and "hyper=" in err and err.count("\n") == 1, err


def test_a_window_with_its_ends_reversed_is_echoed(capsys, tmp_path):
    """``--xlim 3,-3``: the message names the option and echoes what was given (it said only what is accepted).
    (In this process: a real process's exit status is test_cli_simulate's test_exit_status_in_a_real_process.)"""
    line = one_line_error(capsys, ["portrait", "dirac", "--xlim", "3,-3", "--out", str(tmp_path / "p.png")])
    assert line == "gandynamics: error: --xlim must be LO,HI with LO < HI; got '3,-3'"
    assert not (tmp_path / "p.png").exists()


@pytest.mark.parametrize("option", ["--xlim", "--ylim"])
@pytest.mark.parametrize("typed", ["3,-3", "1,1", "-1e308,1e308", "-1.7976931348623157e308,1e-300", "0,1e306",
                                   "-1e301,0", "1e-320,2e-320", "1,1.000000000000001"])
def test_a_window_the_library_refuses_is_refused_in_the_options_words_before_any_work(capsys, tmp_path, option, typed):
    """The kind: every window that :func:`gandynamics.plotting.phase_portrait` refuses (ends reversed or equal, an end
    beyond WINDOW_MAX, where matplotlib's arithmetic overflows: a width of 1.8e308 was accepted and its ticks raised
    ValueError, a traceback; a window so narrow that matplotlib widens it into another) is refused by the command line under the same rule (one function, plotting._window),
    naming the option and echoing its text, before the runs; the library's words for the same window are its own."""
    from gandynamics import R1, VectorField, games
    from gandynamics.errors import GandynamicsError
    from gandynamics.plotting import phase_portrait
    line = one_line_error(capsys, ["portrait", "dirac", option, typed, "--out", str(tmp_path / "p.png")])
    assert line.startswith(f"gandynamics: error: {option} ") and repr(typed) in line, line
    assert not (tmp_path / "p.png").exists()
    lo, hi = (float(v) for v in typed.split(","))
    with pytest.raises(GandynamicsError, match="lo < hi" if not lo < hi else "reaches beyond" if hi - lo > 1 else
                       "too narrow"):
        phase_portrait(VectorField(games.dirac(), [R1()]), **{option[2:]: (lo, hi)})


def test_an_unknown_loss_lists_the_names_a_command_line_can_give(capsys):
    """``--loss nonsat``: the accepted names, not the library's "or a sympy Lambda" (no command line can give one)."""
    from gandynamics.losses import LOSSES
    line = one_line_error(capsys, ["analyze", "dirac", "--loss", "nonsat"])
    assert line == (f"gandynamics: error: unknown --loss 'nonsat'; accepted: {', '.join(LOSSES)} "
                    "(did you mean non-saturating?)")


@pytest.mark.parametrize("axis, other, whose", [("step_g", "step_d", "discriminator"), ("step_d", "step_g", "generator")])
def test_a_grid_of_one_players_steps_without_the_others_names_what_is_missing(capsys, tmp_path, axis, other, whose):
    """sweep --grid step_g=... without --step was refused with the library's words ("step is required: a positive
    number h or a pair (h_G, h_D)"), and step_d alone so too: both name the player whose steps are missing, in the
    command line's options and in the library's arguments."""
    import numpy as np

    from gandynamics import GandynamicsError, VectorField, games, sweep
    line = one_line_error(capsys, ["sweep", "dirac", "--method", "gd", "--grid", f"{axis}=0.1:0.5:3", "--steps", "10",
                                   "--out", str(tmp_path / "s.csv")])
    assert f"--grid {axis} gives one player's steps: the {whose}'s need --step H or --grid {other}=" in line, line
    with pytest.raises(GandynamicsError, match=f"the {whose}'s need step= .* or a grid axis {other}"):
        sweep(VectorField(games.dirac()), "gd", inits=np.ones(2), grid={axis: [0.1, 0.2]}, steps=10)


def test_the_library_and_the_command_line_refuse_the_same_sources_of_steps(capsys, tmp_path):
    """The kind: every combination of a step given or not with the grid axes step, step_g and step_d.  The command
    line and the library apply one rule (runs.sweep.check_step_sources): they refuse the same combinations, each in its
    own words, and run the others (a copy of the rule in the command line had drifted from the library's)."""
    import itertools

    import numpy as np

    from gandynamics import GandynamicsError, VectorField, games, sweep
    fld = VectorField(games.dirac())
    refused = []
    for given in (False, True):
        for axes in itertools.chain.from_iterable(itertools.combinations(("step", "step_g", "step_d"), k)
                                                  for k in range(4)):
            try:
                sweep(fld, "altgd", inits=np.ones(2), grid={a: [0.1, 0.2] for a in axes}, steps=3,
                      step=0.1 if given else None, progress=False, engine="interpreted")
                lib = None
            except GandynamicsError as exc:
                lib = str(exc)
            argv = ["sweep", "dirac", "--method", "altgd", "--steps", "3", "--engine", "interpreted", "--out",
                    str(tmp_path / "s.csv")] + (["--step", "0.1"] if given else [])
            for a in axes:
                argv += ["--grid", f"{a}=0.1,0.2"]
            code = main(argv)
            out, err = capsys.readouterr()
            assert (code == 2) == (lib is not None), (given, axes, lib, err)
            if lib is not None:
                assert err.startswith("gandynamics: error: ") and err.count("\n") == 1, err
                assert ("--step" in err or "--grid" in err) and "step=" not in err.replace("--grid step=", ""), err
                refused.append((given, axes))
    # (the rule, written out: steps from exactly one source, both players' steps given)
    expect = [(g, a) for g in (False, True) for a in itertools.chain.from_iterable(
        itertools.combinations(("step", "step_g", "step_d"), k) for k in range(4))
        if ("step" in a and len(a) > 1) or (g and ("step" in a or len(a) == 2)) or (not g and len(a) == 1 and a != ("step",))
        or (not g and not a)]
    assert sorted(refused) == sorted(expect)


@pytest.mark.parametrize("plane, match", [("theta,theta", "two different parameters, got 'theta' twice"),
                                          ("theta", "two parameters X, Y, got 1"),
                                          ("theta,psi,theta", "two parameters X, Y, got 3"),
                                          ("theta,bogus", "unknown parameter 'bogus'")])
def test_a_plane_that_is_not_two_parameters_is_refused_before_the_runs(capsys, tmp_path, plane, match):
    """portrait --plane theta,theta simulated its runs and printed their notes, then was refused by the plotting
    library; the plane is checked first, by the library's one check (plotting.plane_indices), which lists the
    parameters accepted.  (one_line_error also asserts that nothing was printed on stdout.)"""
    line = one_line_error(capsys, ["portrait", "dirac", "--plane", plane, "--out", str(tmp_path / "x.png")])
    assert match in line and "accepted: theta, psi" in line, line


def test_the_library_refuses_such_a_plane_in_every_figure():
    from gandynamics import GandynamicsError, VectorField, games
    from gandynamics.plotting import animate, direction_field, phase_portrait
    fld = VectorField(games.dirac())
    for draw in (lambda: direction_field(fld, plane=("psi", "psi")), lambda: phase_portrait(fld, plane=("psi", "psi")),
                 lambda: animate(fld, trajectories=[], plane=("psi", "psi"))):
        with pytest.raises(GandynamicsError, match="two different parameters"):
            draw()


def test_a_table_format_whose_module_is_missing_is_refused_before_the_sweep(capsys, tmp_path, monkeypatch):
    """sweep --out t.nc without xarray ran the sweep, then was refused as "to_xarray needs xarray" (a Python method's
    name, after the computation).  Each format's modules are checked first (runs.results.FORMAT_NEEDS), by the command
    line and by SweepResult.save alike; xarray is hidden here by find_spec."""
    import importlib.util

    from gandynamics.runs import results
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xarray" else real(name, *a))
    for suffix, modules in results.FORMAT_NEEDS.items():
        for module, extra in modules:
            path = tmp_path / f"t{suffix}"
            line = one_line_error(capsys, ["sweep", "dirac", "--method", "gd", "--steps", "10", "--step", "0.1",
                                           "--out", str(path)])
            assert f"--out '{path}': writing {suffix} needs {module}" in line and f"[{extra}]" in line, line
            assert ".csv, .npz, .json need nothing more" in line and not path.exists()


@pytest.mark.parametrize("bad", [["--xlim", "3,-3"], ["--ylim", "1,1"], ["--init", "1,2,3"], ["--steps", "0"]])
def test_a_portrait_of_a_game_with_no_zero_checks_its_values_before_any_work(capsys, tmp_path, bad):
    """The search for the zero ran, and printed "no zero of F found ... nothing starred", before --xlim 3,-3 was
    refused (every game of the generated bad inputs above has a zero, so their empty stdout did not show it): a game
    with none, F = (e^x, e^y), and each value that is read."""
    f = tmp_path / "nozero.py"
    f.write_text("import sympy as sp\nimport gandynamics as gd\nx, y = sp.symbols('x y', real=True)\n"
                 "def g():\n    return gd.Game(theta=[x], psi=[y], loss_g=sp.exp(x), loss_d=sp.exp(y), equilibrium=None)\n")
    one_line_error(capsys, ["portrait", "--game", f"{f}:g", *bad, "--out", str(tmp_path / "p.png")])


@pytest.mark.parametrize("argv, hint", [
    (["simulate", "dirac", "--method", "momentum", "--steps", "10", "--step", "0.1", "--betta", "0.5"],
     "(--betta: did you mean --beta?)"),
    (["simulate", "dirac", "--method", "gd", "--steps", "10", "--step", "0.1", "--inti", "1,1"],
     "(--inti: did you mean --init?)"),
    (["sweep", "dirac", "--method", "gd", "--steps", "10", "--step", "0.1", "--out", "x.csv", "--gird", "gamma=0:1:3"],
     "(--gird: did you mean --grid?)"),
])
def test_a_misspelt_option_is_named_with_its_near_miss(capsys, argv, hint):
    """argparse said "unrecognized arguments: --betta 0.5" alone (the Python API names the near miss)."""
    # (refused with the command line's other mistakes, after its checks: not at the parse, cli._Parser.parse_args)
    code, err = _error(capsys, argv)
    assert code == 2
    err += "\n"
    assert err.startswith("gandynamics: error: unrecognized arguments: ") and err.rstrip().endswith(hint), err
    assert err.count("\n") == 1


def test_a_pair_of_steps_given_to_portrait_says_it_takes_one(capsys, tmp_path):
    """`portrait --step 0.3,0.5` (a new user, after simulate and sweep took the pair h_G,h_D): refused with what a
    portrait takes and which commands take a pair, not only "must be a finite number > 0"."""
    line = one_line_error(capsys, ["portrait", "dirac", "--step", "0.3,0.5", "--out", str(tmp_path / "p.png")])
    assert "a portrait takes one step h for both players" in line and "taken by simulate and sweep" in line, line
    assert not (tmp_path / "p.png").exists()


# ---- a method name refused alike by every command (a new user's trial, session 50: `basin --method ...` was refused
# in argparse's words, "argument --method: invalid choice: 'x' (choose from 'eg', 'eftp', 'gd')", continue said
# "unknown method 'x' for continuation", cycle listed every method of simulate, most of which it then refused)
def _method_options():
    sub = [a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    return sorted((cmd, a.option_strings[-1]) for cmd, sp in sub.choices.items() for a in sp._actions
                  if a.option_strings and "method" in a.dest)


METHOD_OPTIONS = _method_options()


def test_the_generator_sees_every_method_option():
    assert {c for c, _ in METHOD_OPTIONS} == {"simulate", "sweep", "rates", "basin", "portrait", "continue", "cycle",
                                              "classify"}


def _accepted(line):
    """The names after ``accepted: `` (and ``or none (the flow)``'s word none), up to the next mistake the line names
    after ``; `` (cli.common.gathered: a command line's mistakes in one line)."""
    return [n.removeprefix("or ").split(" (")[0] for n in line.split("; accepted: ", 1)[1].split("; ")[0].split(", ")]


@pytest.mark.parametrize("cmd, opt", METHOD_OPTIONS, ids=[f"{c} {o}" for c, o in METHOD_OPTIONS])
def test_an_unknown_method_is_refused_in_one_wording_by_every_command(capsys, tmp_path, cmd, opt):
    from gandynamics.methods import ALIASES, METHODS
    line = one_line_error(capsys, _argv(cmd, opt, "sgd", tmp_path))
    assert line.startswith("gandynamics: error: unknown method 'sgd'; accepted: "), line
    accepted = _accepted(line)
    assert accepted and set(accepted) <= set(METHODS) | set(ALIASES) | {"none"}, line
    assert "invalid choice" not in line and "choose from" not in line


@pytest.mark.parametrize("cmd, opt", METHOD_OPTIONS, ids=[f"{c} {o}" for c, o in METHOD_OPTIONS])
def test_a_known_method_a_command_cannot_take_is_refused_with_its_reason(capsys, tmp_path, cmd, opt):
    """Every method of the registry (and alias) that a command does not list as accepted is refused naming it, not
    as unknown, with why, and with the same list of what is accepted; every one it lists is taken (not refused as
    unknown or not accepted)."""
    from gandynamics.methods import ALIASES, METHODS
    accepted = _accepted(one_line_error(capsys, _argv(cmd, opt, "sgd", tmp_path)))
    for m in [*METHODS, *ALIASES]:
        if m in accepted:
            continue
        line = one_line_error(capsys, _argv(cmd, opt, m, tmp_path))
        assert line.startswith(f"gandynamics: error: {m} is not accepted here: "), line
        assert _accepted(line) == accepted, line


from conftest import paren_depth as _depth  # noqa: E402


def _choice_cases():
    """(command, argv builder, the option as the refusal names it, the values it accepts) for every option of every
    command that takes a value from a fixed set: argparse's choices (--engine, --order, cache's action, the command
    itself), the methods' options with choices (--base, --scheme, altgd's --order: with a method that takes them),
    the method options, the game, --loss, --reg's name and reproduce's figures."""
    import argparse
    from gandynamics.games import GAMES
    from gandynamics.losses import LOSSES
    from gandynamics.methods import ALIASES, METHODS
    from gandynamics.regularizers import REGULARIZERS
    from gandynamics.reproduce import studies
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    cases = [("gandynamics", lambda v, tmp: [v, "dirac"], "command", list(sub.choices))]
    for cmd, sp in sub.choices.items():
        flags = {o for a in sp._actions for o in a.option_strings}
        for a in sp._actions:
            if a.choices is not None and not isinstance(a, argparse._SubParsersAction):
                if a.option_strings:
                    cases.append((cmd, lambda v, tmp, c=cmd, o=a.option_strings[-1]: _argv(c, o, v, tmp),
                                  a.option_strings[-1], list(a.choices)))
                else:
                    cases.append((cmd, lambda v, tmp, c=cmd: [c, v], f"{cmd} {a.dest}", list(a.choices)))
        method_flag = next((f for f in ("--method", "--methods") if f in flags), None)
        for m in METHODS.values():
            for o in m.options:
                flag = "--" + o.name.replace("_", "-")
                if o.choices and flag in flags and method_flag:
                    cases.append((cmd, lambda v, tmp, c=cmd, mf=method_flag, mn=m.name, f=flag:
                                  [*_argv(c, mf, mn, tmp), f, v], flag, list(o.choices)))
        if method_flag:
            cases.append((cmd, lambda v, tmp, c=cmd, mf=method_flag: _argv(c, mf, v, tmp), "method", [*METHODS, *ALIASES]))
        if "--loss" in flags:
            cases.append((cmd, lambda v, tmp, c=cmd: _argv(c, "--loss", v, tmp), "--loss", list(LOSSES)))
            cases.append((cmd, lambda v, tmp, c=cmd: _argv(c, "--reg", v, tmp), "regularizer", list(REGULARIZERS)))
            cases.append((cmd, lambda v, tmp, c=cmd: [c, v, *[t.replace("{tmp}", str(tmp)) for t in BASE[c][2:]]],
                          "game", list(GAMES)))
        if cmd == "reproduce":
            cases.append((cmd, lambda v, tmp: ["reproduce", v], "figure", list(studies())))
    return cases


CHOICE_CASES = _choice_cases()


def test_the_choice_generator_sees_every_kind():
    kinds = {(c, w) for c, _, w, _ in CHOICE_CASES}
    for want in [("simulate", "--engine"), ("sweep", "--base"), ("rates", "--base"), ("portrait", "--scheme"),
                 ("simulate", "--order"), ("constants", "--order"), ("cache", "cache action"), ("gandynamics", "command"),
                 ("basin", "method"), ("analyze", "game"), ("classify", "--loss"), ("reproduce", "figure"),
                 ("continue", "regularizer")]:
        assert want in kinds, want


@pytest.mark.parametrize("cmd, build, what, accepted", CHOICE_CASES,
                         ids=[f"{c} {w} {i}" for i, (c, _, w, _) in enumerate(CHOICE_CASES)])
def test_every_choice_of_every_command_is_refused_in_one_form(capsys, tmp_path, cmd, build, what, accepted):
    """Every option of every command with a fixed set of values refuses another in one form: one line
    ``gandynamics: error: unknown WHAT 'VALUE'; accepted: a, b, c``, exit status 2, no parentheses within
    parentheses, and the accepted one nearest to a near miss named (``(did you mean auto?)``).  --engine said "must
    be one of ...; got", --base "must be one of ..., got", a game "unknown game ...; accepted: ...", rates --base
    "unknown method", and continue's refusal of adam nested three deep (a new user)."""
    line = one_line_error(capsys, build("nonsense", tmp_path))
    m = re.match(r"^gandynamics: error: unknown (.+?) 'nonsense'; accepted: (.+)$", line)
    assert m and m.group(1) == what, line
    listed = [n.split(" (")[0] for n in m.group(2).split("; ")[0].split(", ")]  # (up to another mistake named)
    assert listed and set(listed) - {"or none", "or --game FILE.py:FACTORY", "or a sympy Lambda"} <= set(accepted), line
    assert _depth(line) <= 1 and "must be one of" not in line and "invalid choice" not in line, line
    near = accepted[0] + "x"  # (a typo of an accepted value)
    line = one_line_error(capsys, build(near, tmp_path))
    assert line.startswith(f"gandynamics: error: unknown {what} '{near}'; accepted: "), line
    # (the refusal ends with its near miss, the line too unless another mistake follows it)
    assert re.search(r"\?\)(; |$)", line) and "(did you mean " in line and _depth(line) <= 1, line


@pytest.mark.slow  # (every known method through every command that refuses some: 7.4 s; CI's -m slow pass)
def test_a_known_name_refused_with_its_reason_nests_no_parentheses(capsys, tmp_path):
    """A method or base a command knows but cannot take is refused with its reason after a colon: the reasons have
    parentheses of their own (adam's "sqrt(v)", "(m, v)"), and continue's "adam is not accepted here (no iteration
    matrix at a fixed point (the update divides by sqrt(v) ... (m, v) ...))" nested them three deep (a new user)."""
    from gandynamics.methods import ALIASES, METHODS
    seen = 0
    for cmd, opt in METHOD_OPTIONS:
        for m in [*METHODS, *ALIASES]:
            code, line = _error(capsys, _argv(cmd, opt, m, tmp_path))
            if code == 0 or " is not accepted here" not in line:  # (taken; or refused later, for another reason)
                continue
            assert code == 2 and line.startswith(f"gandynamics: error: {m} is not accepted here: "), line
            assert _depth(line) <= 1, line
            seen += 1
    for base in ("adam", "rmsprop", "ftr", "flow"):
        line = one_line_error(capsys, _argv("rates", "--methods", "lookahead", tmp_path) + ["--base", base])
        assert line.startswith(f"gandynamics: error: --base {base} is not accepted here: ") and _depth(line) <= 1, line
        assert line.endswith("; accepted: gd, altgd, eg, eftp, ogda, momentum, proximal"), line
    assert seen > 20


def _error(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, err.strip()


def _required_cases():
    import argparse
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    out = []
    for cmd, sp in sub.choices.items():
        # (a positional that takes any number, reproduce's names, is no required one: reproduce alone runs them all)
        if any(a.required and a.nargs not in ("*", "?") for a in sp._actions) or \
                any(g.required for g in sp._mutually_exclusive_groups):
            out.append([cmd] + (["dirac"] if any(a.dest == "game" for a in sp._actions) else []))
    return out


@pytest.mark.parametrize("argv", _required_cases(), ids=lambda a: a[0])
def test_a_required_option_left_out_is_named_with_an_example(capsys, argv):
    """A first run with defaults (`gandynamics simulate dirac`) said "the following arguments are required: --method,
    --steps, --step" and nothing of what they take (a new user's trial): every command with a required option or
    argument adds its first example, in one line, exit status 2."""
    line = one_line_error(capsys, argv)
    assert "required" in line and f"; e.g. gandynamics {argv[0]}" in line, line


def _one_value_options():
    """(command, flag, a value it accepts to parse) of every option that takes one value (not a list: --reg, --grid,
    --init of sweep and --method of sweep are given several times)."""
    import argparse
    p = build_parser()
    sub = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    for cmd, sp in sub.choices.items():
        for a in sp._actions:
            if a.option_strings and isinstance(a, argparse._StoreAction):
                yield cmd, a.option_strings[-1], (str(list(a.choices)[0]) if a.choices else "true" if a.nargs == "?"
                                                  else "1")


ONE_VALUE = sorted(set(_one_value_options()))


def test_the_generator_sees_the_one_value_options():
    assert len(ONE_VALUE) > 100 and ("simulate", "--method", "1") in ONE_VALUE and ("sweep", "--out", "1") in ONE_VALUE
    assert not any(o in ("--reg", "--grid", "--param") for _, o, _ in ONE_VALUE)


@pytest.mark.parametrize("cmd, opt, value", ONE_VALUE, ids=[f"{c} {o}" for c, o, _ in ONE_VALUE])
def test_an_option_of_one_value_given_twice_is_refused(capsys, tmp_path, cmd, opt, value):
    """`simulate --method gd --method eg` ran eg alone, without a word (the last value won; a new user comparing two
    methods lost one): every option that takes one value, typed twice, is refused in one line naming both."""
    argv = [t.replace("{tmp}", str(tmp_path)) for t in BASE[cmd]]
    if (cmd, opt) == ("cycle", "--init"):  # (its base command line starts from --from-hopf, exclusive with --init)
        argv = ["cycle", "hopf"]
    first = argv[argv.index(opt) + 1] if opt in argv else value  # (the command line's own value first)
    line = one_line_error(capsys, argv + ([opt, value] if opt in argv else [opt, value, opt, value]))
    assert f"{opt} given twice ({opt} {first} and {opt} {value}): it takes one value; give it once" in line, line


def _required_options():
    """(command, flag) of every required option of every command."""
    p = build_parser()
    sub = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    return sorted((cmd, a.option_strings[-1]) for cmd, sp in sub.choices.items() for a in sp._actions
                  if a.option_strings and a.required)


REQUIRED = _required_options()


def test_the_generator_sees_the_required_options():
    assert ("simulate", "--method") in REQUIRED and ("sweep", "--out") in REQUIRED and len(REQUIRED) >= 6


@pytest.mark.parametrize("cmd, opt", REQUIRED, ids=[f"{c} {o}" for c, o in REQUIRED])
def test_a_mistyped_required_option_is_named_with_its_near_miss(capsys, tmp_path, cmd, opt):
    """`simulate --methd eg` said only "the following arguments are required: --method": the user who typed it was
    told they had left it out (a new user's finding).  The typo is named first, with the option it is near, then
    what is missing, in one line."""
    argv = [t.replace("{tmp}", str(tmp_path)) for t in BASE[cmd]]
    if opt not in argv:
        pytest.skip(f"{cmd}'s base command line does not give {opt}")
    name = opt[2:]  # (two letters swapped, --method -> --mtehod: a shortening would be an abbreviation argparse takes)
    typo = "--" + name[0] + name[2] + name[1] + name[3:]
    argv[argv.index(opt)] = typo
    line = one_line_error(capsys, argv)
    assert f"unrecognized arguments: {typo} ({typo}: did you mean {opt}?); the following arguments are required: " \
           in line and opt in line.split("required: ", 1)[1], line
    p = build_parser()
    sub = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"][0].choices[cmd]
    flags = [o for a in sub._actions for o in a.option_strings]
    if len(opt) > 5 and [o for o in flags if o.startswith(opt[:-1])] == [opt]:
        # (an abbreviation argparse takes, --metho for --method, is no typo: only what is missing is named)
        argv[argv.index(typo)] = opt[:-1]
        other = next((o for c, o in REQUIRED if c == cmd and o != opt and o in argv), None)
        if other is not None:
            i = argv.index(other)
            del argv[i:i + 2]
            line = one_line_error(capsys, argv)
            assert line.startswith("gandynamics: error: the following arguments are required: "), line


#: per command: its valid command line, then mistakes of value (option, bad value, what the refusal names) that need
#: no game, gathered into one line (cli.common.gathered)
_VALUE_MISTAKES = {
    "simulate": (["simulate", "dirac", "--method", "gd", "--steps", "10", "--step", "0.1"],
                 [("--steps", "0", "--steps"), ("--step", "-1", "--step"), ("--bound", "-1", "--bound"),
                  ("--record-every", "0", "--record-every")]),
    "sweep": (["sweep", "dirac", "--reg", "r1", "--method", "gd", "--steps", "10", "--grid", "step=0.1:0.2:2",
               "-o", "{tmp}/t.csv"],
              [("--steps", "x", "--steps"), ("--bound", "nan", "--bound"), ("--samples", "1", "--samples"),
               ("-o", "{tmp}/t.txt", "the extension must be")]),
    "check": (["check", "dirac", "--reg", "r1", "--region", "ball:0.5", "--mu", "0.1"],
              [("--mu", "abc", "--mu"), ("--lipschitz", "-1", "--lipschitz"), ("--rtol", "-1", "--rtol"),
               ("--max-seconds", "0", "--max-seconds")]),
    "constants": (["constants", "dirac", "--reg", "r1", "--region", "ball:0.5"],
                  [("--tol", "0", "--tol"), ("--max-boxes", "x", "--max-boxes"), ("--max-seconds", "-1",
                                                                                  "--max-seconds")]),
    "basin": (["basin", "dirac", "--reg", "r1", "--method", "gd"],
              [("--step", "-1", "--step"), ("--margin", "-1", "--margin"), ("--rtol", "0", "--rtol"),
               ("--max-boxes", "0", "--max-boxes"), ("--r-max", "0", "--r-max")]),
    "rates": (["rates", "dirac", "--reg", "r1"],
              [("--step", "-1", "--step"), ("--steps", "0", "--steps"), ("--n-g", "x", "--n-g")]),
    "classify": (["classify", "dirac", "--reg", "r1"], [("--step", "-2", "--step"), ("--beta", "y", "--beta")]),
}


@pytest.mark.parametrize("command", sorted(_VALUE_MISTAKES))
def test_several_mistakes_of_value_are_named_in_one_line(tmp_path, capsys, command):
    """An adversarial review: `simulate dirac --method gd --steps 0 --step -1 --bound -1 --record-every 0` named only
    --bound, and so one mistake per run in check, constants, basin, rates and sweep.  Generator: every subset of two
    or more of each command's mistakes of value; each is named, in one line, exit 2, nothing written."""
    import itertools
    from gandynamics.cli import main
    base, mistakes = _VALUE_MISTAKES[command]
    fill = lambda a: a.replace("{tmp}", str(tmp_path))  # noqa: E731
    for k in range(2, len(mistakes) + 1):
        for chosen in itertools.combinations(mistakes, k):
            argv = [fill(a) for a in base]
            for option, value, _ in chosen:
                if option in argv:  # (the valid value replaced)
                    argv[argv.index(option) + 1] = fill(value)
                else:
                    argv += [option, fill(value)]
            assert main(argv) == 2, argv
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and err.startswith("gandynamics: error: "), err
            for _, _, named in chosen:
                assert named in err, (argv, err)
            assert not any(p.name.startswith("t.") for p in tmp_path.iterdir())
