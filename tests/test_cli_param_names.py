"""Which value a ``--param NAME=VALUE`` sets, when NAME is a game's parameter (a built-in game's, or a keyword of a
user's factory: ``--game FILE.py:FACTORY``), a hyperparameter of the field (the game's own, or a regularizer's
strength), both, or neither (``cli.common.build_field``).  A tester found names "resolved silently": a factory taking
``**kwargs`` swallowed a hyperparameter's name, a factory's keyword shadowed the game's hyperparameter of the same
name, and `jare-gaussian --reg instance-noise --param sigma=0.3` set the game's sigma and left the noise's at 0.7.
The rule, for every member the generators below make (factories with parameters a, a0, alpha, ``**kwargs``, a
hyperparameter of one of those names; --param names that are prefixes and extensions of the others): a name is
either used for each thing it names, with its value, or refused in one line with the names accepted."""

from __future__ import annotations

import itertools

import pytest

from gandynamics.cli import build_parser
from gandynamics.cli.common import build_field
from gandynamics.errors import GandynamicsError

FILE = '''
import functools
import sympy as sp
from gandynamics import Game

x, y = sp.symbols("x y")
A0 = sp.Symbol("a0")
AS = sp.Symbol("a")


def _game(a=1.0, a0=0.0, alpha=0.5, hyper=None, extra=0):
    return Game([x], [y], a * x * y + alpha * (x - a0)**2 / 2 + extra, -a * x * y + y**2 / 2,
                equilibrium=(a0, 0) if not hyper else None, hyper=hyper or {})


def f_a(a=1.0):
    return _game(a=a)


def f_a_a0(a=1.0, a0=0.0):
    return _game(a=a, a0=a0)


def f_a_alpha(a=1.0, alpha=0.5):
    return _game(a=a, alpha=alpha)


def f_kw(a=1.0, **kw):  # (its **kw swallowed every name: a0, the game's hyperparameter, too)
    return _game(a=a, a0=A0, hyper={"a0": 0.0})


def f_hyper_a0(a=1.0):
    return _game(a=a, a0=A0, hyper={"a0": 0.0})


def f_same(a=1.0):  # (the built-in quadratic's way: the keyword is its hyperparameter's default, one value)
    return _game(a=1.0, extra=AS * x**2, hyper={"a": a})


def f_clash(a=1.0):  # (a keyword and a hyperparameter of one name, of two values)
    return _game(a=a, extra=AS * x**2, hyper={"a": 1.0})


lam = lambda a=1.0, alpha=0.5: _game(a=a, alpha=alpha)  # noqa: E731
part = functools.partial(f_a_a0, a0=0.5)
'''

#: each factory: (its keywords, whether it takes **kwargs, its game's hyperparameters: name -> default, given the
#: keywords' values)
FACTORIES = {
    "f_a": (["a"], False, lambda kw: {}),
    "f_a_a0": (["a", "a0"], False, lambda kw: {}),
    "f_a_alpha": (["a", "alpha"], False, lambda kw: {}),
    "f_kw": (["a"], True, lambda kw: {"a0": 0.0}),
    "f_hyper_a0": (["a"], False, lambda kw: {"a0": 0.0}),
    "f_same": (["a"], False, lambda kw: {"a": float(kw.get("a", 1.0))}),
    "f_clash": (["a"], False, lambda kw: {"a": 1.0}),
    "lam": (["a", "alpha"], False, lambda kw: {}),
    "part": (["a", "a0"], False, lambda kw: {}),
}

#: --param names tried: each keyword, a prefix and extensions of the others
NAMES = ["a", "a0", "al", "alpha", "alp", "aa"]
VALUES = {"a": "2", "a0": "0.25", "al": "3", "alpha": "0.75", "alp": "4", "aa": "5"}


def _members():
    for factory in FACTORIES:
        for k in (1, 2):
            for names in itertools.combinations(NAMES, k):
                yield factory, names
        yield factory, ("a",) if factory != "f_same" else ("a", "a0")


MEMBERS = list(dict.fromkeys(_members()))
#: every third member in the default pass, each factory's first among them; the others in CI's -m slow pass (the
#: default pass was 3:00 on the 2-core CI machine with all 200, session 58)
MEMBER_CASES = [pytest.param(f, n, id=f"{f}-{'+'.join(n)}",
                             marks=[] if k % 3 == 0 or k == [m[0] for m in MEMBERS].index(f) else [pytest.mark.slow])
                for k, (f, n) in enumerate(MEMBERS)]


def _build(path, factory, given: dict):
    argv = ["analyze", "--game", f"{path}:{factory}"] + [t for k, v in given.items() for t in ("--param", f"{k}={v}")]
    args = build_parser("analyze").parse_args(argv)
    return build_field(args)


@pytest.fixture(scope="module")
def game_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("games") / "names.py"
    p.write_text(FILE)
    return p


@pytest.mark.parametrize("factory, names", MEMBER_CASES)
def test_each_param_name_is_used_for_what_it_names_or_refused(game_file, factory, names):
    keywords, takes_any, hyper_of = FACTORIES[factory]
    given = {n: VALUES[n] for n in names}
    to_factory = {n: v for n, v in given.items() if n in keywords or takes_any}
    hyper = hyper_of(to_factory)
    accepted = list(dict.fromkeys(keywords + list(hyper)))
    unknown = [n for n in given if n not in keywords and n not in hyper and not takes_any]
    two = [n for n in to_factory if n in hyper and float(given[n]) != hyper[n]]
    try:
        fld, values = _build(game_file, factory, given)
    except GandynamicsError as exc:
        text = str(exc)
        assert "\n" not in text and (unknown or two), (given, text)
        for n in unknown:
            assert f"'{n}'" in text and "accepted: " + ", ".join(accepted) in text, (given, text)
        for n in two:
            assert f"--param {n}={given[n]} names two values" in text, (given, text)
        return
    assert not unknown and not two, (given, "accepted")
    arguments = fld.model.origin["arguments"]
    for n, v in given.items():
        if n in to_factory:  # (given to the factory, with its value)
            assert float(arguments[n]) == float(v), (n, arguments)
        if n in fld.defaults:  # (the field's value of it is the one given)
            assert float(values.get(n, fld.defaults[n])) == float(v), (n, values, fld.defaults)
        assert n in to_factory or n in fld.defaults, n


def _builtin_members():
    """(game, regularizer or None, name) for every built-in game parameter that is also a hyperparameter of the field
    the game makes alone or with a regularizer (quadratic's a: its own; jare-gaussian's sigma: instance-noise's)."""
    from gandynamics.games import GAMES
    from gandynamics.regularizers import REGULARIZERS
    out = []
    for game, spec in GAMES.items():
        for reg, cls in [(None, None), *REGULARIZERS.items()]:
            names = set(spec.params) & set(cls.defaults if cls is not None else spec.params)
            out += [(game, reg, n) for n in sorted(names)]
    return out


BUILTIN = _builtin_members()


def test_the_builtin_generator_sees_the_shared_names():
    assert ("jare-gaussian", "instance-noise", "sigma") in BUILTIN and ("quadratic", None, "a") in BUILTIN


# (a member whose game is a GAN with a quadrature, 10 s to build twice, in CI's -m slow pass: the default pass is kept
# under 3 minutes; the games built in a second or less stay in it)
_SLOW_GAMES = ("jare-gaussian",)
BUILTIN_CASES = [pytest.param(g, r, n, id=f"{g}-{r}-{n}", marks=[pytest.mark.slow] if g in _SLOW_GAMES else [])
                 for g, r, n in BUILTIN]


@pytest.mark.parametrize("game, reg, name", BUILTIN_CASES)
def test_a_builtin_game_parameter_that_is_a_hyperparameter_too(game, reg, name):
    """Given a value its two meanings do not share (the regularizer's strength at its own default), refused naming
    both and how to set the other; given the value they share, accepted."""
    argv = ["analyze", game] + (["--reg", reg] if reg else [])
    try:
        fld, _ = build_field(build_parser("analyze").parse_args(argv))
    except GandynamicsError:
        pytest.skip(f"{game} takes no {reg}")
    if name not in fld.defaults:  # (not a hyperparameter of this field: one meaning)
        return
    default = fld.defaults[name]
    other = repr(default + 0.125)
    try:
        fld2, values = build_field(build_parser("analyze").parse_args(argv + ["--param", f"{name}={other}"]))
    except GandynamicsError as exc:
        assert reg is not None and f"--param {name}={other} names two values" in str(exc), str(exc)
        assert f"--reg {reg}:" in str(exc), str(exc)
        fld2, values = build_field(build_parser("analyze").parse_args(argv + ["--param", f"{name}={default!r}"]))
        assert float(values.get(name, fld2.defaults[name])) == default
        return
    # (one value: the game's parameter is its hyperparameter's default, as quadratic's a)
    assert float(values.get(name, fld2.defaults[name])) == float(other)
