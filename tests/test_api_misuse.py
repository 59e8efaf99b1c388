"""Python API misuse gets a GandynamicsError saying what is accepted (never an AttributeError from inside)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp

from gandynamics import R1, Game, GandynamicsError, VectorField, games

x, y = sp.symbols("x y")


@pytest.mark.parametrize("call, match", [
    (lambda: VectorField(None), "VectorField needs a Game or GAN as its first argument, got NoneType"),
    (lambda: VectorField("dirac"), r"got str \(for the built-in game 'dirac': gandynamics.games.make_game"),
    (lambda: VectorField(games.dirac(), R1()), r"must be a list of Regularizers, e.g. VectorField\(game, \[R1"),
    (lambda: VectorField(games.dirac(), ["r1"]), "must be Regularizer objects"),
    (lambda: VectorField(games.dirac(), "r1"), "must be a list of Regularizers"),
    (lambda: Game([x], [y], None, x * y), "loss_g must be a sympy expression"),
    (lambda: Game([x], [y], x * y, None), "loss_d must be a sympy expression"),
    (lambda: Game([x], [y], x > 0, x), "must be a real-valued expression"),
    (lambda: Game([x], [y], sp.I * x * y, -x * y), "complex-valued"),
    (lambda: Game(5, [y], x, y), "theta must be a sympy Symbol or a sequence of Symbols"),
    (lambda: Game([x], [y], x * y, -x * y, equilibrium=("a", 0)), "equilibrium must be a sequence of numbers"),
    (lambda: games.bilinear(B="x"), "bilinear: B must be a finite number or a matrix"),
    (lambda: games.dirac_nd(d=2.5), "dirac-nd: d must be a whole number >= 1"),
])
def test_misuse(call, match):
    with pytest.raises(GandynamicsError, match=match):
        call()


def test_strength_rule_is_the_same_through_params():
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    for bad in (-1, "-1", float("nan"), "x"):
        with pytest.raises(GandynamicsError, match=r"^r1: gamma must be a finite number >= 0"):
            fld.param_vector({"gamma": bad})
        with pytest.raises(GandynamicsError, match=r"^r1: gamma must be a finite number >= 0"):
            R1(gamma=bad)


def test_bilinear_accepts_a_matrix():
    g = games.bilinear(B=[[1, 0], [0, 2]])
    fld = VectorField(g)
    # F = (B y, -B^T x): DF = [[0, B], [-B^T, 0]]
    B = np.array([[1.0, 0.0], [0.0, 2.0]])
    ref = np.block([[np.zeros((2, 2)), B], [-B.T, np.zeros((2, 2))]])
    np.testing.assert_allclose(np.array(fld.DF.tolist(), dtype=float), ref, rtol=0, atol=0)
    g2 = games.make_game("bilinear", B="1,0;0,2")
    assert g2.params == g.params


def test_spectrum_of_a_game_says_how_to_make_a_field():
    from gandynamics import spectrum
    with pytest.raises(GandynamicsError, match=r"spectrum takes a VectorField, got a GAN; build one with VectorField"):
        spectrum(games.dirac())
    with pytest.raises(GandynamicsError, match="spectrum takes a VectorField"):
        spectrum(None)


@pytest.mark.parametrize("text", ["(1,2)", "[1,2]", "1,2", " ( 1 , 2 ) "])
def test_vector_parameters_accept_the_format_they_ask_for(text):
    g = games.make_game("gaussian-mean", v=text)
    assert len(g.params) == 4                 # theta in R^2, w in R^2
    with pytest.raises(GandynamicsError, match=r"gaussian-mean: parameter v must be comma-separated numbers v1,v2"):
        games.make_game("gaussian-mean", v="(1,x)")


#: strings that are no expression in Python's syntax: a missing operand, a missing '*', unbalanced brackets
_MALFORMED = ["x*y +", "x*(y", "x y", "2x", "x**", "(x*y))", "exp(x", "x*y = 1"]


@pytest.mark.parametrize("text", _MALFORMED)
@pytest.mark.parametrize("which", ["loss_g", "loss_d"])
def test_a_loss_string_that_is_no_expression_is_named_as_such(text, which):
    """Game(loss_g="x*y +") was refused as "loss_g must be a sympy expression of the parameters (e.g. x*y), got str":
    a string is accepted (and "x*y" works), so the message blamed the type, not the typo."""
    losses = {"loss_g": x * y, "loss_d": -x * y, which: text}
    with pytest.raises(GandynamicsError, match=f"{which} '.*' is not an expression in Python's syntax") as exc:
        Game([x], [y], losses["loss_g"], losses["loss_d"])
    assert "got str" not in str(exc.value)
    with pytest.raises(GandynamicsError, match="the value '.*' is not an expression in Python's syntax"):
        Game.zero_sum([x], [y], text)  # (the other way to make a game from an expression)
    Game([x], [y], "x*y", "-x*y")  # (a well-formed string is read)


@pytest.mark.parametrize("loss, names", [(sp.Function("foo")(x) * y, "foo"), ("foo(x)*y", "foo"),
                                         ("exq(x)*y + bar(y)", "bar, exq"), (sp.Function("g")(x, y), "g")])
def test_a_loss_calling_an_undefined_function_names_it(loss, names):
    """An undefined sympy Function (or a misspelt name in a string) in a loss or a discriminator reached the code
    generator as "contains Derivative(foo(x), x): the function Derivative cannot be compiled"; it is named where the
    game is made."""
    with pytest.raises(GandynamicsError, match=f"loss_g calls {names}, .*with no definition"):
        Game([x], [y], loss, -x * y)
    from gandynamics import GAN, Atoms
    with pytest.raises(GandynamicsError, match=f"the discriminator calls {names}, "):
        GAN(theta=[x], psi=[y], x=[sp.Symbol("u")], discriminator=loss, real=Atoms([0]), fake=Atoms([x]),
            loss="standard")


@pytest.mark.parametrize("value, words", [
    ([], "a sequence of numbers"), (["a"], "a sequence of numbers"), (np.zeros((2, 2)), "a sequence of numbers"),
    ([float("nan")], "a sequence of numbers"), ("", "comma-separated numbers v1,v2"), ("a,b", "comma-separated numbers"),
    ("0.1:0.5", "comma-separated numbers")])
def test_a_python_value_is_refused_in_python_terms_and_text_in_the_command_line_s(value, words):
    """A grid axis given to sweep() as [] was refused as "must be comma-separated numbers v1,v2,...", the command
    line's terms (a new user's finding); a Python value is now described as a sequence of numbers, text as text."""
    from gandynamics import R1, VectorField, sweep
    with pytest.raises(GandynamicsError, match=re.escape(words)):
        sweep(VectorField(games.dirac(), [R1(gamma=0.3)]), "gd", inits=[[1.0, 1.0]], step=0.1, steps=10,
              grid={"gamma": value}, progress=False)


def test_an_unknown_option_names_the_method_s_own_and_the_near_miss():
    """simulate(..., betta=1) listed all 18 options of every method; it names the method's own and the near miss."""
    from gandynamics import VectorField, simulate
    fld = VectorField(games.dirac())
    with pytest.raises(GandynamicsError) as e:
        simulate(fld, "gd", [1.0, 1.0], 10, 0.1, betta=1)
    assert str(e.value) == ("unknown option 'betta' for gd; accepted: box; betta: did you mean beta (lookahead, "
                            "momentum take it)?")
    with pytest.raises(GandynamicsError, match=r"^unknown option 'beta3' for adam; accepted: beta1, beta2, box, eps; "
                                               r"beta3: did you mean beta2\?$"):
        simulate(fld, "adam", [1.0, 1.0], 10, 0.1, beta3=1)


def test_a_missing_column_of_a_sweep_table_says_which_there_are():
    from gandynamics import VectorField, sweep
    r = sweep(VectorField(games.dirac()), "gd", inits=[[1.0, 1.0]], step=0.1, steps=10, progress=False)
    with pytest.raises(KeyError, match=r"no column 'verdic' in the table \(did you mean 'verdict'\?\); its columns: "
                                       r"method, "):
        r["verdic"]
    assert r.columns.get("verdic") is None and "verdict" in r.columns


def test_a_list_of_columns_is_refused_in_words():
    from gandynamics import VectorField, sweep
    r = sweep(VectorField(games.dirac()), "gd", inits=[[1.0, 1.0]], step=0.1, steps=10, progress=False)
    with pytest.raises(TypeError, match=r"indexed by one column name, got list \['verdict', 'nope'\]"):
        r[["verdict", "nope"]]
