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
    ("user_games.py:broken", "user_games.py:30: in broken(): ZeroDivisionError"),
    ("user_games.py:bad_symbols", "user_games.py:39: in bad_symbols(): the game"),
    ("user_syntax_error.py:game", "user_syntax_error.py:4: SyntaxError"),
    ("user_import_error.py:game", "user_import_error.py:3: NameError"),
    ("user_games.py:not_a_game", "returned int"),
    ("user_games.py:nope", "no factory named 'nope'"),
    ("missing.py:game", "no such file"),
    ("user_games.py", "FILE.py:FACTORY"),
])
def test_errors_name_the_users_file_and_line(spec, where, capsys):
    assert main(["analyze", "--game", str(DATA / spec)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gandynamics: error: ")
    assert where in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["bilinear", "dirac", "nk-scale"])
def test_a_built_in_name_given_to_game_says_how_to_give_it(name, capsys):
    """`--game bilinear` (a new user): the one-line error says it is a built-in game, given as the GAME argument;
    a name that is none says only what --game takes."""
    assert main(["analyze", "--game", name]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.strip().endswith(
        f"got {name!r}; {name!r} is a built-in game: give its name as the GAME argument, without --game")
    assert main(["analyze", "--game", name + "x"]) == 2
    assert "built-in" not in capsys.readouterr().err


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
    assert "no factory named 'nope'; the file defines " in msg
    listed = msg.split("the file defines ", 1)[1].split(" and ")[0].split(", ")
    assert listed == own[:12] and "sqrt" not in listed and "Game" not in listed
    empty = tmp_path / "empty.py"
    empty.write_text("import sympy as sp\nfrom math import sqrt\nX = 1\n")
    with pytest.raises(GandynamicsError, match="the file defines no game: define a Game or GAN, or a public function that "
                                               "returns one"):
        load_user_game(f"{empty}:game")


def test_a_name_that_is_no_game_and_no_function_says_what_it_is(tmp_path):
    """``FILE.py:NAME`` where NAME is a value of the file that is no Game (a number) says what it is, and a module
    attribute such as ``__class__`` is no factory of the file (it was called: 'TypeError: module() missing required
    argument', blamed on the user's file)."""
    f = tmp_path / "valued.py"
    f.write_text("import sympy as sp\nfrom gandynamics.game import Game\nx, y = sp.symbols('x y', real=True)\n"
                 "game = Game([x], [y], x * y, -x * y + y**2 / 2, name='valued')\nscale = 2.0\n\n\n"
                 "def make():\n    return game\n")
    with pytest.raises(GandynamicsError, match=r"^.*valued\.py: 'scale' is a float, not a function; the file defines "
                                               r"game, make \(FACTORY: a Game or GAN the file defines, or a public "
                                               r"function, or other callable, the file defines that returns one\)$"):
        load_user_game(f"{f}:scale")
    for name in ("__class__", "__loader__", "__builtins__"):
        with pytest.raises(GandynamicsError, match=rf"^.*valued\.py: no factory named '{name}'; the file defines "
                                                   r"game, make$"):
            load_user_game(f"{f}:{name}")
    assert load_user_game(f"{f}:make")[0].name == "valued"


def test_a_game_the_file_defines_is_taken_as_it_is_with_every_param_a_hyperparameter(tmp_path, capsys):
    """``game = Game(...)`` at a file's top level is what a new user writes first: ``FILE.py:game`` takes it (it was
    refused as "a Game, not a function"), every ``--param`` going to the field's hyperparameters; the CLI's
    analysis of it equals the closed form ``DF = [[1, s], [-s, 1]]`` with the hyperparameter ``s`` set by --param."""
    f = tmp_path / "inst.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\nx, y, s = sp.symbols('x y s', real=True)\n"
                 "game = Game([x], [y], s * x * y + x**2 / 2, -s * x * y + y**2 / 2, equilibrium=(0, 0), "
                 "hyper={s: 1.0}, name='inst')\n")
    game, rest = load_user_game(f"{f}:game", {"s": "3"})
    assert isinstance(game, Game) and game.name == "inst" and rest == {"s": "3"}
    assert main(["analyze", "--game", f"{f}:game", "--param", "s=3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert np.array_equal(np.array(out["jacobian"], dtype=float), [[-1, -3], [3, -1]])    # J = -DF
    eig = sorted((complex(a, b) for a, b in out["eigenvalues"]), key=lambda c: c.imag)
    assert np.allclose(eig, [-1 - 3j, -1 + 3j], rtol=0, atol=1e-12)     # -1 ± i s


# ------------------------------------------------------------------ one rule for what FILE.py:NAME accepts and lists
_HEADER = '''import functools
from functools import partial, lru_cache
from math import sqrt
import sympy as sp
from gandynamics import GAN, Game

x, y = sp.symbols("x y")
N = 3


def _tiny(scale=1.0):
    return Game([x], [y], scale * x * y + x**2 / 2, -scale * x * y + y**2 / 2, equilibrium=(0, 0))


class Helper:                       # a public class whose instances are no Game: no factory
    def __call__(self):
        return _tiny()


class _Maker:
    def __call__(self, scale=1.0):
        return _tiny(scale)


_private = lambda: _tiny()          # private: no factory
'''

#: every kind of callable a game file may bind to a public name (NAME is replaced), each returning a Game
_KINDS = {
    "def": "def NAME(scale=1.0):\n    return _tiny(scale)\n",
    "lambda": "NAME = lambda: _tiny()\n",
    "partial_of_own": "NAME = functools.partial(_tiny, scale=2.0)\n",
    "partial_of_import": "NAME = partial(Game, [x], [y], x * y, -x * y)\n",
    "cache": "@functools.cache\ndef NAME():\n    return _tiny()\n",
    "lru_cache": "@lru_cache(maxsize=None)\ndef NAME(scale=1.0):\n    return _tiny(scale)\n",
    "callable_instance": "NAME = _Maker()\n",
    "game_subclass": ("class NAME(Game):\n    def __init__(self, scale=1.0):\n"
                      "        super().__init__((x,), (y,), scale * x * y, -scale * x * y + y**2 / 2)\n"),
    "in_an_if_block": "if N > 0:\n    NAME = lambda: _tiny()\n",
    "in_a_try_block": "try:\n    NAME = functools.partial(_tiny)\nexcept ImportError:\n    pass\n",
    "annotated": "NAME: object = _Maker()\n",
    "game_value": "NAME = _tiny(2.0)\n",           # a Game the file defines: taken as it is
}


def _game_file(tmp_path, kinds):
    """A game file with one factory ``make_<kind>`` of each of ``kinds`` among non-factories of every sort."""
    f = tmp_path / ("g_" + "_".join(sorted(kinds)) + ".py")
    f.write_text(_HEADER + "".join("\n\n" + _KINDS[k].replace("NAME", f"make_{k}") for k in kinds))
    return f


def _listed(f):
    """The names the error for a name the file lacks lists (all of them: at most 12 here)."""
    with pytest.raises(GandynamicsError) as info:
        load_user_game(f"{f}:no_such_name")
    msg = str(info.value)
    assert "\n" not in msg and f"{f}: no factory named 'no_such_name'; the file defines " in msg
    return msg.split("the file defines ", 1)[1].split(", ")


@pytest.mark.parametrize("kinds", [[k] for k in _KINDS] + [list(_KINDS)[-12:]], ids=list(_KINDS) + ["all"])
def test_the_names_listed_are_exactly_the_names_that_load(tmp_path, kinds):
    """One rule for ``FILE.py:NAME``: every name the error lists loads, and every name of the file's namespace that
    loads (tried one by one: imports, dunders, values, private names, helper classes, the factories) is listed.
    functools.partial/cache/lru_cache factories and callable instances loaded but were not listed (only ``def``s
    and lambdas were), and imported callables (``sqrt``, ``Game``) were called as factories."""
    import runpy
    f = _game_file(tmp_path, kinds)
    listed = _listed(f)
    assert listed == sorted(f"make_{k}" for k in kinds)
    for name in listed:
        game, rest = load_user_game(f"{f}:{name}")
        assert isinstance(game, Game) and rest == {}
        assert game.name == name  # (every kind's game has no name of its own: it is named after its factory)
    loads = []
    for name in runpy.run_path(str(f)):           # the file's namespace, read independently of userload
        try:
            load_user_game(f"{f}:{name}")
        except GandynamicsError as e:
            msg = str(e)
            assert "\n" not in msg and f"the file defines {', '.join(listed)}" in msg, msg
        else:
            loads.append(name)
    assert sorted(loads) == listed


@pytest.mark.parametrize("name,why", [
    ("sqrt", "'sqrt' is imported by the file, not defined in it (bind it to a name there, e.g. factory = sqrt, and "
             "give FILE.py:factory)"),
    ("Game", "'Game' is imported by the file, not defined in it"),
    ("_private", "'_private' is private to the file (a leading underscore)"),
    ("Helper", "'Helper' is a class whose instances are no Game or GAN"),
    ("N", "'N' is an int, not a function"),
    ("absent", "no factory named 'absent'"),
    ("__class__", "no factory named '__class__'"),
])
def test_a_name_that_is_no_factory_is_a_one_line_cli_error_with_the_list(tmp_path, capsys, name, why):
    f = _game_file(tmp_path, ["def", "cache"])
    assert main(["analyze", "--game", f"{f}:{name}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gandynamics: error: {f}: {why}") and err.count("\n") == 1
    assert "the file defines make_cache, make_def" in err and "Traceback" not in err


def test_names_from_a_star_import_or_globals_are_no_factories_and_say_so(tmp_path):
    """A name that reaches the module other than by the file's own def/class/assignment (``from m import *``,
    ``globals()[...] = ...``) is no factory, and the error says where it came from rather than 'no factory named'."""
    f = tmp_path / "star.py"
    f.write_text("from gandynamics.games import *\nglobals()['made'] = lambda: dirac()\n\n\ndef mine():\n"
                 "    return dirac()\n")
    with pytest.raises(GandynamicsError, match=r"^.*star\.py: 'dirac' is imported by the file, not defined in it "
                                               r"\(bind it to a name there, e.g\. factory = dirac, and give "
                                               r"FILE\.py:factory\); the file defines mine$"):
        load_user_game(f"{f}:dirac")
    with pytest.raises(GandynamicsError, match=r"^.*star\.py: 'made' is imported by the file"):
        load_user_game(f"{f}:made")     # with a star import, any name not bound by the file may come from it
    g = tmp_path / "glob.py"
    g.write_text("from gandynamics.games import dirac\nglobals()['made'] = lambda: dirac()\n")
    with pytest.raises(GandynamicsError, match=r"^.*glob\.py: 'made' is not bound by a def, class or assignment of "
                                               r"the file .*; the file defines no game: define a Game or GAN, or a "
                                               r"public function"):
        load_user_game(f"{g}:made")
    assert isinstance(load_user_game(f"{f}:mine")[0], (Game, GAN))      # the file's own def still loads


def test_the_factory_parameters_of_wrapped_factories_are_typed_params(tmp_path):
    """``--param scale=3`` reaches a partial / lru_cache / callable-instance factory as the float 3.0 (the type of
    its default), as it does a plain function: DF = [[1, s], [-s, 1]] with s = 3."""
    f = _game_file(tmp_path, ["lru_cache", "callable_instance", "def"])
    for name in ("make_lru_cache", "make_callable_instance", "make_def"):
        game, rest = load_user_game(f"{f}:{name}", {"scale": "3", "gamma": "0.5"})
        assert rest == {"gamma": "0.5"}
        DF = np.array(VectorField(game).DF.tolist(), dtype=float)
        assert np.array_equal(DF, [[1, 3], [-3, 1]]), name


def test_a_name_bound_by_an_assignment_expression_is_the_file_s_own(tmp_path):
    """``(NAME := ...)`` at the top level (also inside an ``if`` test or a comprehension, which bind in the module)
    is an assignment of the file: the name is a factory like ``NAME = ...``; one inside a function body binds
    nothing of the module.  It was refused as 'not bound by a def, class or assignment of the file'."""
    f = tmp_path / "walrus.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y')\n\n\n"
                 "def _tiny():\n    return Game([x], [y], x * y + x**2 / 2, -x * y + y**2 / 2, equilibrium=(0, 0))\n\n\n"
                 "if (chosen := _tiny):\n    pass\n"
                 "picked = [(last := g) for g in (_tiny,)]\n"
                 "(plain := _tiny)\n\n\n"
                 "def helper():\n    inner = _tiny\n    return (inner2 := inner)\n")
    assert _listed(f) == ["chosen", "helper", "last", "plain"]
    for name in ("chosen", "last", "plain"):
        assert isinstance(load_user_game(f"{f}:{name}")[0], Game)
    with pytest.raises(GandynamicsError, match=r"no factory named 'inner2'"):
        load_user_game(f"{f}:inner2")
    g = tmp_path / "matched.py"     # a match statement's capture patterns bind names of the module as well
    g.write_text(f.read_text() + "\n\nmatch [_tiny, {'k': _tiny}]:\n    case [first, {'k': keyed, **others}]:\n"
                 "        pass\nmatch (_tiny, _tiny):\n    case (head, *tail):\n        pass\n")
    assert _listed(g) == ["chosen", "first", "head", "helper", "keyed", "last", "plain"]
    assert isinstance(load_user_game(f"{g}:keyed")[0], Game)
    with pytest.raises(GandynamicsError, match=r"'tail' is a list, not a function"):
        load_user_game(f"{g}:tail")


def test_sympy_objects_are_no_factories(tmp_path):
    """A game file's sympy objects are expressions, not factories, though some are callable (``sp.Lambda``, e.g.
    a loss ``phi = sp.Lambda(t, ...)`` as in gandynamics.losses; ``sp.Function('f')`` is a class): they are not
    listed, and ``FILE.py:phi`` says what it is instead of calling it (which blamed the file: 'BadArgumentsError:
    Lambda(t, ...) takes exactly 1 argument (0 given)')."""
    f = tmp_path / "symbolic.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\nx, y, t = sp.symbols('x y t')\n"
                 "phi = sp.Lambda(t, sp.log(1 + sp.exp(t)))\nf = sp.Function('f')\n\n\n"
                 "def game():\n    return Game([x], [y], phi(x * y), -phi(x * y) + y**2 / 2)\n")
    assert _listed(f) == ["game"]
    with pytest.raises(GandynamicsError, match=r"^.*symbolic\.py: 'phi' is a sympy Lambda, not a function; the file "
                                               r"defines game \(FACTORY"):
        load_user_game(f"{f}:phi")
    with pytest.raises(GandynamicsError, match=r"^.*symbolic\.py: 'f' is a class whose instances are no Game or GAN"):
        load_user_game(f"{f}:f")


def test_a_deep_expression_in_the_file_is_read_without_recursion(tmp_path):
    """The file's syntax tree is walked with a stack: a top-level expression deeper than Python's recursion limit
    (a 600-term sum, lowered limit of 400 here; the compiler itself allows ~1000) raised RecursionError, a traceback
    out of load_user_game, from the recursive walk looking for assignment expressions."""
    import sys
    f = tmp_path / "deep.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y')\nbig = "
                 + " + ".join(["x"] * 600) + "\n\n\ndef game():\n"
                 "    return Game([x], [y], x * y + x**2 / 2, -x * y + y**2 / 2, equilibrium=(0, 0))\n")
    limit = sys.getrecursionlimit()
    load_user_game(f"{f}:game")        # (compiled once at the usual limit)
    sys.setrecursionlimit(400)
    try:
        game, _ = load_user_game(f"{f}:game")
    finally:
        sys.setrecursionlimit(limit)
    assert isinstance(game, Game)


def test_factory_keywords_without_defaults_get_numbers_and_are_listed_as_accepted(tmp_path, capsys):
    """``def make(c)``: --param c=2 passed the text '2' (a TypeError in the user's arithmetic); an unknown name listed
    "accepted: none" though c is accepted.  The factory and its arguments go to the game's origin (the provenance)."""
    f = tmp_path / "g.py"
    f.write_text("import sympy as sp\nimport gandynamics as gd\nx, y = sp.symbols('x y', real=True)\n"
                 "def make(c, kind='bilinear'):\n"
                 "    assert isinstance(c, int) and kind == 'bilinear', (c, kind)\n"
                 "    return gd.Game([x], [y], c * x * y, -c * x * y, equilibrium=(0, 0))\n")
    game, rest = load_user_game(f"{f}:make", {"c": "2"})
    assert rest == {} and {k: game.origin[k] for k in ("factory", "arguments")} == {
        "factory": f"{f}:make", "arguments": {"c": 2, "kind": "bilinear"}}
    assert main(["analyze", "--game", f"{f}:make", "--param", "c=2", "--param", "d=3"]) == 2
    assert "unknown parameter 'd'; accepted: c, kind" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["analyze", "--json"], ["classify", "--json"]])
def test_what_a_game_file_prints_goes_to_stderr_not_into_the_result(tmp_path, capsys, argv):
    """A ``print`` at the top of a game file and in its factory put its lines before ``analyze --json``'s document
    (invalid JSON on standard output: a new user's finding); they go to standard error."""
    f = tmp_path / "noisy.py"
    f.write_text("import sympy as sp\nimport gandynamics as gd\nprint('hello from the game file')\n\n\n"
                 "def game(a: float = 0.5):\n    print('hello from the factory')\n"
                 "    x, y = sp.symbols('x y', real=True)\n    L = x * y + a * x**2 / 2 - a * y**2 / 2\n"
                 "    return gd.Game(theta=[x], psi=[y], loss_g=L, loss_d=-L, equilibrium=(0, 0), name='noisy')\n")
    assert main([argv[0], "--game", f"{f}:game", *argv[1:]]) == 0
    out, err = capsys.readouterr()
    json.loads(out)  # the document alone
    assert "hello from the game file" in err and "hello from the factory" in err


@pytest.mark.parametrize("source,name,expected", [
    ("g = Game([x], [y], x * y, -x * y)", "g", "g"),
    ("def bilinear(a=1.0):\n    return Game.zero_sum([x], [y], a * x * y)", "bilinear", "bilinear"),
    ("def f():\n    return Game.zero_sum([x], [y], x * y, name='mine')", "f", "mine"),
    ("from gandynamics.distributions import Atoms\nX = sp.Symbol('X')\n"
     "def g():\n    return GAN([x], [y], [X], y * X, Atoms([1]), Atoms([x]))", "g", "g"),
    ("from gandynamics.distributions import Atoms\nX = sp.Symbol('X')\n"
     "def g():\n    return GAN([x], [y], [X], y * X, Atoms([1]), Atoms([x]), name='mygan')", "g", "mygan"),
    ("def g():\n    return Game([x], [y], x * y, -x * y, name='game')", "g", "g"),
])
def test_a_game_without_a_name_of_its_own_is_named_after_its_factory(tmp_path, capsys, source, name, expected):
    """Headers, titles and tables of a user's game read "game" (the class's default name) for every game file
    that did not name its game; a name the game was given is kept (the default name given explicitly reads as none)."""
    f = tmp_path / "mine.py"
    f.write_text("import sympy as sp\nfrom gandynamics import GAN, Game\nx, y = sp.symbols('x y')\n" + source + "\n")
    game, _ = load_user_game(f"{f}:{name}")
    assert game.name == expected
    assert main(["analyze", "--game", f"{f}:{name}"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith(f"game: {expected} ")


@pytest.mark.parametrize("argv, says", [
    (["analyze", "mine.py:f"], "a game file is given with --game: --game mine.py:f;"),
    (["analyze", "mine.py"], "--game mine.py:FACTORY (FACTORY: the function or game the file defines)"),
    (["analyze", "--game", "mine.py:needs"], "mine.py:needs needs k, s: give --param k=VALUE --param s=VALUE"),
])
def test_a_game_file_in_the_wrong_place_or_without_its_factory_s_arguments_says_how_to_give_them(
        tmp_path, monkeypatch, capsys, argv, says):
    """New users' findings: 'analyze games38.py:shifted' was an unknown game with no word of --game; a factory's
    keyword without a default was the factory's own TypeError, with no word of --param."""
    (tmp_path / "mine.py").write_text("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y')\n"
                                      "def f():\n    return Game.zero_sum([x], [y], x * y)\n"
                                      "def needs(k, s, t=1.0):\n    return Game.zero_sum([x], [y], k * s * t * x * y)\n")
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gandynamics: error: ") and "\n" not in err and says in err, err


@pytest.mark.parametrize("name", ["f", "g"])
def test_a_result_s_provenance_names_the_game_file_by_its_absolute_path_and_digest(tmp_path, monkeypatch, name):
    """A new user's finding: a sweep's sidecar recorded only 'games38.py:shifted' (relative) and the factory's
    arguments: no table could be traced to the file, or the version of it, that made it."""
    import hashlib

    from gandynamics import simulate
    from gandynamics.provenance import provenance
    f = tmp_path / "mine.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y')\n"
                 "def f(a=1.0):\n    return Game.zero_sum([x], [y], a * x * y + x**2 / 2, equilibrium=(0, 0))\n"
                 "g = f(2.0)\n")
    monkeypatch.chdir(tmp_path)
    game, _ = load_user_game(f"mine.py:{name}")
    fld = VectorField(game)
    rec = provenance(fld, method="gd")["game"]
    assert rec["factory"] == f"mine.py:{name}" and rec["file"] == str(f.resolve())
    assert rec["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    tr = simulate(fld, "gd", [0.1, 0.1], 5, 0.1)
    assert tr.provenance["game"]["sha256"] == rec["sha256"]


# every refusal of the Game constructor, raised inside a user's factory: (the body's line that builds the game, what
# the message must say)
_UNNAMED_GAME_ERRORS = [
    ("Game([x], [y], x*y + c*x**2, -x*y)", "symbols that are neither parameters nor hyperparameters: c"),
    ("Game([x], [y], x*y, -x*y, hyper={'x': 1.0})", "x named both as a parameter"),
    ("Game([x], [y], 'x*y +', -x*y)", "is not an expression in Python's syntax"),
    ("Game([x], [y], x*y, -x*y, equilibrium=('a', 0))", "equilibrium"),
    ("Game([x], [y], x*y + sp.oo, -x*y)", "non-finite constant"),
    ("Game([x], [y], sp.I*x*y, -x*y)", "complex-valued"),
]


@pytest.mark.parametrize("body, says", _UNNAMED_GAME_ERRORS)
def test_a_factorys_game_errors_name_the_factory_not_a_default_name(tmp_path, capsys, body, says):
    """The Game a factory builds has no name of its own until the loader names it after the factory: its refusals
    say 'the game', and the loader adds the file, line and factory (a new user's factory ``tilted`` was reported as
    "game 'game'"); a named game keeps its name."""
    f = tmp_path / "g.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\n\ndef tilted(scale=1.0):\n"
                 "    x, y, c = sp.symbols('x y c')\n"
                 f"    return {body}\n")
    assert main(["analyze", "--game", f"{f}:tilted"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"gandynamics: error: {f}:6: in tilted(): the game") and says in err, err
    assert "'game'" not in err and len(err.splitlines()) == 1
    named = body[:-1] + ", name='mine')"
    with pytest.raises(GandynamicsError, match=r"game 'mine'"):
        import sympy as sp
        x, y, c = sp.symbols("x y c")
        eval(named, {"Game": Game, "sp": sp, "x": x, "y": y, "c": c})


@pytest.mark.parametrize("where", ["same", "parent", "elsewhere"])
def test_a_game_file_imports_a_helper_module_beside_it(tmp_path, monkeypatch, capsys, where):
    """A new user split a game into two files (``from helper import coupling``): the ``gandynamics`` command said
    "No module named 'helper'" while ``python -m gandynamics`` run in that folder worked.  The file's own folder is on
    sys.path while it runs, as for ``python FILE.py``, from any working folder, and is taken off afterwards."""
    import sys
    from gandynamics.cli import main
    folder = tmp_path / "sub dir"
    folder.mkdir()
    (folder / f"helper_{where}.py").write_text("def coupling(x, y):\n    return x * y\n")
    (folder / "uses.py").write_text(f"import sympy as sp\nimport gandynamics as gd\nfrom helper_{where} import coupling\n"
                                    "x, y = sp.symbols('x y', real=True)\n"
                                    "game = gd.Game(theta=[x], psi=[y], loss_g=coupling(x, y) + x**2/2, "
                                    "loss_d=-coupling(x, y) + y**2/2, equilibrium=(0, 0))\n")
    run_in = {"same": folder, "parent": tmp_path, "elsewhere": tmp_path.parent}[where]
    monkeypatch.chdir(run_in)
    path = str((folder / "uses.py").relative_to(run_in)) if where != "elsewhere" else str(folder / "uses.py")
    before = list(sys.path)
    assert main(["analyze", "--game", f"{path}:game"]) == 0
    assert "locally asymptotically stable" in capsys.readouterr().out
    assert sys.path == before
    sys.modules.pop(f"helper_{where}", None)


@pytest.mark.parametrize("spec, words", [(":game", "no file name before the colon"), (" :game", "no file name")])
def test_a_game_spec_without_a_file_name_says_so(capsys, spec, words):
    from gandynamics.cli import main
    assert main(["analyze", "--game", spec]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "directory" not in err


def test_a_game_file_given_without_its_factory_lists_the_files_games(tmp_path, capsys):
    """`--game mygames.py` (no :NAME, a new user): the one-line error lists the games the file defines, as
    `--game mygames.py:nosuch` does; a file that defines none says so."""
    (tmp_path / "mygames.py").write_text("import sympy as sp\nfrom gandynamics import Game\n\n\n"
                                         "def bilin():\n    x, y = sp.symbols('x y', real=True)\n"
                                         "    return Game([x], [y], x * y, -x * y)\n\n\n"
                                         "def cubic(c=1.0):\n    x, y = sp.symbols('x y', real=True)\n"
                                         "    return Game([x], [y], x**3 / 3 - c * x + x * y, y**2 / 2 - x * y)\n")
    (tmp_path / "empty.py").write_text("a = 1\n")
    for spec, tail in ((tmp_path / "mygames.py", "(no FACTORY after the file name); the file defines bilin, cubic"),
                       (tmp_path / "empty.py", "the file defines no game: define a Game or GAN, or a public function "
                                               "that returns one")):
        assert main(["analyze", "--game", str(spec)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("gandynamics: error: --game must be FILE.py:FACTORY"), err
        assert err.strip().endswith(tail), err
    # with the colon and no name (a new user's "gameB.py:"), the same list; a name that cannot be one is refused
    # without running the file
    for spec, tail in ((f"{tmp_path / 'mygames.py'}:", "(no FACTORY after the colon); the file defines bilin, cubic"),
                       (f"{tmp_path / 'mygames.py'}: ", "(no FACTORY after the colon); the file defines bilin, cubic"),
                       (f"{tmp_path / 'mygames.py'}:1x", "'1x' is not a function name; expected FILE.py:FACTORY")):
        assert main(["analyze", "--game", spec]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.strip().endswith(tail), err
