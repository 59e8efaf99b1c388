"""The shared validation vocabulary: each kind of value is accepted by one rule and refused with one line
saying what was wrong and what is accepted (generated members of each kind, not only examples)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gandynamics import validate
from gandynamics.errors import GandynamicsError

finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(st.integers(min_value=1, max_value=10**15))
def test_whole_accepts_every_spelling_of_a_whole_number(n):
    for v in (n, str(n), float(n) if n < 2**53 else n, np.int64(n)):
        assert validate.whole(v, "--steps") == n
    if n < 2**53:
        assert validate.whole(f"{float(n):e}", "--steps") == int(float(f"{float(n):e}"))


@given(st.one_of(st.floats(allow_nan=True).filter(lambda f: not (math.isfinite(f) and f.is_integer() and f >= 1)),
                 st.integers(max_value=0), st.sampled_from(["", "x", "1.5", "true", "1,2", "nan", "-inf", "--1"]),
                 st.booleans(), st.none()))
def test_whole_refuses_the_rest_in_one_line(v):
    with pytest.raises(GandynamicsError) as e:
        validate.whole(v, "--steps")
    msg = str(e.value)
    assert msg.startswith("--steps must be a whole number >= 1, got ") and "\n" not in msg


def test_whole_bounds_are_stated():
    with pytest.raises(GandynamicsError, match=r"--seed must be a whole number >= 0, got '-5'"):
        validate.whole("-5", "--seed", lo=0)
    with pytest.raises(GandynamicsError, match="between 1 and 3"):
        validate.whole(4, "k", lo=1, hi=3)


@given(finite_floats)
def test_real_kinds(x):
    assert validate.finite(repr(x), "a") == x
    assert validate.finite(x, "a") == x
    if x > 0:
        assert validate.positive(x, "h") == x
    else:
        with pytest.raises(GandynamicsError, match="h must be a finite number > 0"):
            validate.positive(x, "h")
    if 0 <= x <= 1:
        assert validate.probability(x, "p") == x
    else:
        with pytest.raises(GandynamicsError, match=r"p must be a finite number >= 0 and <= 1"):
            validate.probability(x, "p")


@pytest.mark.parametrize("v", ["nan", float("nan"), "inf", float("-inf"), "1e999", True, None, "abc", [1.0], 1j])
def test_finite_refuses_non_finite_and_non_numbers(v):
    with pytest.raises(GandynamicsError, match="must be a finite number"):
        validate.finite(v, "x")


def test_allow_inf():
    assert validate.positive("inf", "--bound", allow_inf=True) == math.inf
    with pytest.raises(GandynamicsError):
        validate.positive("nan", "--bound", allow_inf=True)


@given(finite_floats)
def test_strength_is_one_rule(x):
    if x >= 0:
        assert validate.strength(str(x), "r1: gamma") == x
    else:
        with pytest.raises(GandynamicsError, match=r"^r1: gamma must be a finite number >= 0, got"):
            validate.strength(str(x), "r1: gamma")


@given(st.sampled_from(["true", "false", "TRUE", "False", " true "]))
def test_boolean_accepts_true_false(t):
    assert validate.boolean(t, "bias") is (t.strip().lower() == "true")


@given(st.one_of(st.sampled_from(["maybe", "yes", "no", "1", "0", "", "t"]), st.integers(), st.floats()))
def test_boolean_refuses_the_rest(v):
    with pytest.raises(GandynamicsError, match="bias must be true or false"):
        validate.boolean(v, "bias")


@settings(max_examples=60)
@given(st.lists(finite_floats, min_size=1, max_size=6), st.sampled_from(["{}", "({})", "[{}]", " {} "]))
def test_vector_round_trips_every_bracketing(vals, wrap):
    text = wrap.format(",".join(repr(v) for v in vals))
    np.testing.assert_array_equal(validate.vector(text, "v", len(vals)), vals)
    np.testing.assert_array_equal(validate.vector(vals, "v", len(vals)), vals)


@pytest.mark.parametrize("text, match", [("1,2,3", "must have 2 entries"), ("1,,2", "2 comma-separated"),
                                         ("a,b", "2 comma-separated"), ("1,nan", "finite"), ("", "2 comma")])
def test_vector_errors_name_the_format(text, match):
    with pytest.raises(GandynamicsError, match=match) as e:
        validate.vector(text, "--init", 2, ["theta", "psi"])
    assert "v1,v2" in str(e.value) or "entries" in str(e.value)


@pytest.mark.parametrize("text, shape", [("2", (1, 1)), ("1,0;0,2", (2, 2)), ("[[1,0],[0,2]]", (2, 2)),
                                         ("1,2,3", (1, 3)), ("1;2", (2, 1)), ([[1, 2], [3, 4]], (2, 2)), (3.0, (1, 1))])
def test_matrix_spellings(text, shape):
    assert validate.matrix(text, "B").shape == shape


@pytest.mark.parametrize("text", ["1,2;3", "[[1,2],[3]]", "x", "1;;2", "inf", [[1, float("nan")]], True])
def test_matrix_refused(text):
    with pytest.raises(GandynamicsError, match="B must be a finite number or a matrix"):
        validate.matrix(text, "B")


def test_choice():
    assert validate.choice(" gd ", "--method", ["gd", "eg"]) == "gd"
    with pytest.raises(GandynamicsError, match=r"^unknown --method 'sgd'; accepted: gd, eg \(did you mean gd\?\)$"):
        validate.choice("sgd", "--method", ["gd", "eg"])


@pytest.mark.parametrize("default, text, expected", [(True, "false", False), (3, "1e1", 10), (1.5, "-2", -2.0),
                                                     ((1.0, 2.0), "(3,4)", (3.0, 4.0)), ((1.0,), "[5]", (5.0,)),
                                                     ((1.0, 2.0), "1,2,3", (1.0, 2.0, 3.0))])
def test_like_default(default, text, expected):
    assert validate.like_default(default, text, "p") == expected


@pytest.mark.parametrize("value", ["gd,eg,gd", ["gd", "gd"], " gd , gd"])
def test_name_list_refuses_a_name_given_twice(value):
    # rates(methods="gd,gd") and classify printed the same row twice; sweep alone refused it
    with pytest.raises(GandynamicsError, match=r"--methods: 'gd' given twice; give each name once"):
        validate.name_list(value, "--methods")


def test_the_library_refuses_a_method_twice():
    from gandynamics import VectorField, games
    from gandynamics.analysis import classify, rates
    fld = VectorField(games.dirac())
    for call in (lambda: rates(fld, methods="gd,gd", region="ball:0.1", measure=False),
                 lambda: classify(fld, methods=["eg", "eg"])):
        with pytest.raises(GandynamicsError, match="given twice"):
            call()


@pytest.mark.parametrize("n", [2**53 + 1, 2**63 - 2, -(2**63 - 1), 9007199254740993])
def test_whole_numbers_in_digits_are_read_exactly(n):
    """--seed 9007199254740993 drew the points of 2^53 (read through a float); --steps 2^63 - 2 was refused."""
    assert validate.whole(str(n), "--seed", lo=None) == n
    assert validate.whole(f" {n} ", "x", lo=None) == n
