"""User-defined games: ``--game FILE.py:FACTORY`` for every command, typed ``--param`` values, and errors
in the user's file reported as ``file:line`` (one line, exit status 2), never as a library traceback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gandynamics import GAN, Game, GandynamicsError, VectorField
from gandynamics.cli import build_parser, main
from gandynamics.userload import load_user_game

DATA = Path(__file__).parent / "data"
GAMES = f"{DATA / 'user_games.py'}"


def test_load_a_gan_from_parts_and_a_game_from_two_losses():
    gan, rest = load_user_game(f"{GAMES}:my_gan")
    assert isinstance(gan, GAN) and rest == {}
    game, rest = load_user_game(f"{GAMES}:my_game", {"scale": "3", "gamma": "0.5"})
    assert isinstance(game, Game)
    assert rest == {"gamma": "0.5"}            # not a factory parameter: left for the field's hyperparameters
    fld = VectorField(game)
    # L_G = s x y + x^2/2, L_D = -s x y + y^2/2  =>  DF = [[1, s], [-s, 1]] with s = 3.0 (typed from "3")
    DF = np.array(fld.DF.tolist(), dtype=float)
    assert np.array_equal(DF, [[1, 3], [-3, 1]])


def test_cli_analyze_user_gan(capsys):
    assert main(["analyze", "--game", f"{GAMES}:my_gan", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # data at 1, D = psi x: J = [[0, -f'(0)], [f'(0), 2 f''(0) * 1^2]] = [[0, -1/2], [1/2, -1/2]]
    assert np.abs(np.array(out["jacobian"]) - [[0, -0.5], [0.5, -0.5]]).max() < 1e-12
    eig = np.sort_complex(np.array([complex(a, b) for a, b in out["eigenvalues"]]))
    ref = np.sort_complex(np.array([complex(-0.25, np.sqrt(3) / 4), complex(-0.25, -np.sqrt(3) / 4)]))
    assert np.abs(eig - ref).max() < 1e-12


@pytest.mark.parametrize("spec,where", [
    ("user_games.py:broken", "user_games.py:30: ZeroDivisionError"),
    ("user_games.py:bad_symbols", "user_games.py:39:"),
    ("user_syntax_error.py:game", "user_syntax_error.py:4: SyntaxError"),
    ("user_import_error.py:game", "user_import_error.py:3: NameError"),
    ("user_games.py:not_a_game", "returned int"),
    ("user_games.py:nope", "no function named 'nope'"),
    ("missing.py:game", "no such file"),
    ("user_games.py", "FILE.py:FACTORY"),
])
def test_errors_name_the_users_file_and_line(spec, where, capsys):
    assert main(["analyze", "--game", str(DATA / spec)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gandynamics: error: ")
    assert where in err
    assert "Traceback" not in err


def test_library_errors_from_the_users_call_are_located_too():
    with pytest.raises(GandynamicsError, match=r"user_games\.py:39: .*neither parameters nor hyperparameters: q"):
        load_user_game(f"{GAMES}:bad_symbols")


def test_bad_typed_param_is_a_one_line_error(capsys):
    assert main(["analyze", "--game", f"{GAMES}:my_game", "--param", "scale=abc"]) == 2
    assert "scale" in capsys.readouterr().err


def test_every_game_command_accepts_game_file():
    """Every subcommand that takes a built-in GAME also takes --game FILE.py:FACTORY (shared plumbing:
    cli.common.add_game_arguments + build_field + userload)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    with_games = []
    for name, p in sub.choices.items():
        dests = {a.dest for a in p._actions}
        if "game" in dests:
            assert "game_file" in dests, name
            with_games.append(name)
    assert {"analyze", "simulate", "sweep"} <= set(with_games)


def test_a_missing_factory_names_the_functions_the_file_defines(tmp_path):
    """``FILE.py:NAME`` with no function NAME: the error lists the public functions the file defines itself (not
    the ones it imports, not private ones), or says it defines none."""
    src = DATA / "user_games.py"
    own = sorted(n for n, line in ((l.split("(")[0][4:], l) for l in src.read_text().splitlines() if l.startswith("def "))
                 if not n.startswith("_"))
    with pytest.raises(GandynamicsError) as info:
        load_user_game(f"{src}:nope")
    msg = str(info.value)
    assert "no function named 'nope'; the file defines " in msg
    listed = msg.split("the file defines ", 1)[1].split(" and ")[0].split(", ")
    assert listed == own[:12] and "sqrt" not in listed and "Game" not in listed
    empty = tmp_path / "empty.py"
    empty.write_text("import sympy as sp\nfrom math import sqrt\nX = 1\n")
    with pytest.raises(GandynamicsError, match="the file defines no function: define one that returns a Game or GAN"):
        load_user_game(f"{empty}:game")


def test_a_factory_name_that_is_no_function_says_what_it_is(tmp_path):
    """``FILE.py:NAME`` where NAME is a value of the file (a Game built at import) says what it is, and a module
    attribute such as ``__class__`` is no factory of the file (it was called: 'TypeError: module() missing required
    argument', blamed on the user's file)."""
    f = tmp_path / "valued.py"
    f.write_text("import sympy as sp\nfrom gandynamics.game import Game\nx, y = sp.symbols('x y', real=True)\n"
                 "game = Game([x], [y], x * y, -x * y + y**2 / 2, name='valued')\n\n\ndef make():\n    return game\n")
    with pytest.raises(GandynamicsError, match=r"^.*valued\.py: 'game' is a Game, not a function; the file defines make"
                                               r" \(FACTORY: a function that returns a Game or GAN\)$"):
        load_user_game(f"{f}:game")
    for name in ("__class__", "__loader__", "__builtins__"):
        with pytest.raises(GandynamicsError, match=rf"^.*valued\.py: no function named '{name}'; the file defines make$"):
            load_user_game(f"{f}:{name}")
    assert load_user_game(f"{f}:make")[0].name == "valued"
