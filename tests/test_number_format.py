"""No printed number is a negative zero: every float format spec of the package carries the 'z' option
(PEP 682), which prints -0.0, and negatives that round to zero, as 0."""

import pathlib
import re

import pytest

import gandynamics
from gandynamics._display import num

#: a format spec of a replacement field ({expr:spec}) whose type is a float presentation
SPEC = re.compile(r"\{[^{}:!]+(?:![rsa])?:(?:.?[<>=^])?[+\-]?(?P<z>z?)#?0?(?:\d+|\{\w+\})?[,_]?(?:\.(?:\d+|\{\w+\}))?[eEfFgG%]\}")


#: a spec given as a string: format(x, ".6g") or a helper's fmt=".6g"
LITERAL = re.compile(r"""(?:format\([^()]*,\s*|fmt\s*=\s*)["'](?P<spec>[^"']*[eEfFgG%])["']""")


def test_every_float_format_spec_prints_negative_zero_as_zero():
    root = pathlib.Path(gandynamics.__file__).parent
    missing = []
    for path in sorted(root.rglob("*.py")):
        for i, line in enumerate(path.read_text().splitlines(), 1):
            missing += [f"{path.relative_to(root)}:{i}: {m.group(0)}" for m in SPEC.finditer(line) if not m.group("z")]
            missing += [f"{path.relative_to(root)}:{i}: {m.group(0)}" for m in LITERAL.finditer(line)
                        if "z" not in m.group("spec") and not m.group("spec").startswith("%")]
    assert not missing, "float format specs without 'z':\n" + "\n".join(missing[:20])


@pytest.mark.parametrize("x", [-0.0, -1e-9, -4e-7])
def test_negative_zero_and_what_rounds_to_it_print_as_zero(x):
    assert num(-0.0) == "0"
    assert f"{x:z.3f}" == "0.000" and not num(x).startswith("-0")  # -1e-9 stays -1e-09 in num (6 digits)


def test_the_cli_prints_no_negative_zero(capsys):
    from gandynamics.cli import main
    assert main(["analyze", "dirac", "--reg", "r1", "--at", "-0,-0"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"(?<![\w.])-0(?![\d.]*[1-9eE])", out), out


# ---- the ends of certified brackets (_display.bound): still bounds once printed, and no subnormal noise
# (review of session 13: `gandynamics rates bilinear` printed mu in [-9.88131e-324, 0])
import math as _math  # noqa: E402
import struct  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from gandynamics._display import bound  # noqa: E402

TINY = 2.0 ** -1074  # the smallest subnormal


def _from_bits(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def _tiny_and_subnormal_values():
    """Every subnormal k 2^-1074 for k < 4096, the subnormals at every power of two and just around it, the
    normals next to the smallest normal, random subnormal bit patterns: both signs."""
    import random
    rng = random.Random(13)
    mags = [k * TINY for k in range(1, 4096)]
    mags += [2.0 ** -e for e in range(1000, 1075)] + [2.0 ** -e * (1 + 2.0 ** -20) for e in range(1000, 1052)]
    mags += [_math.nextafter(2.2250738585072014e-308, 0) * f for f in (1, 0.5, 0.999)]  # the largest subnormals
    mags += [2.2250738585072014e-308 * (1 + k * 2.0 ** -52) for k in range(5)]  # the smallest normals
    mags += [_from_bits(rng.getrandbits(52)) for _ in range(2000)]  # random subnormal bit patterns
    return [s * m for m in mags if m > 0 for s in (1.0, -1.0)]


def _check(x, digits):
    lo, hi = bound(x, "lo", digits), bound(x, "hi", digits)
    assert float(lo) <= x <= float(hi), (x, digits, lo, hi)  # still bounds, read back
    from decimal import Decimal
    assert Decimal(lo) <= Decimal(x) <= Decimal(hi), (x, digits, lo, hi)  # and as real numbers (0.3 is above 0.3)
    for t in (lo, hi):
        assert t != "0" and t not in ("-0", "+0")  # a nonzero bound is never shown as zero
        assert t.lstrip("-")[0] != "0" or t.startswith(("0.", "-0.")) and float(t) != 0, t
        mantissa = t.lstrip("-").partition("e")[0].replace(".", "").strip("0")
        exact_integer = float(t) == x == int(x) and "e" not in t  # num writes whole numbers < 1e15 in full
        assert 1 <= len(mantissa) <= digits or exact_integer, (x, digits, t)  # (6 digits: never 9.88131e-324)
    return lo, hi


@pytest.mark.slow  # 4.9 s with warm caches on the 2-core CI machine
def test_tiny_and_subnormal_bounds_of_both_signs_stay_bounds_and_short():
    for x in _tiny_and_subnormal_values():
        for digits in (1, 3, 5, 6, 10, 17):
            _check(x, digits)
    # the reported case: two units of the last place below zero is -1e-323, which reads back as that very double
    x = -2 * TINY
    assert bound(x, "lo") == "-1e-323" and float("-1e-323") == x
    assert bound(x, "hi") == "-9e-324" and float("-9e-324") == x  # the decimal -1e-323 is below the double: no upper bound
    assert bound(TINY, "lo") == "4e-324" and bound(TINY, "hi") == "5e-324" and float("4e-324") == TINY
    assert bound(0.0, "lo") == bound(-0.0, "hi") == "0"  # zero (either sign) only for an exact zero
    # a tie: 2^-24 = 5.9604644775390625e-08 at 16 digits; written through a float it came back as ...062e-08, below
    # (the exact 5.9604644775390625e-08 needs 17 digits: at 16 the lower bound rounds down, below the double)
    assert float(bound(2.0 ** -24, "hi", 16)) == 2.0 ** -24 and bound(2.0 ** -24, "lo", 16) == "5.960464477539062e-08"


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True), st.integers(1, 17))
@pytest.mark.slow  # 2.9 s with warm caches on the 2-core CI machine
def test_every_double_is_shown_on_its_safe_side(x, digits):
    if x == 0:
        assert bound(x, "lo", digits) == "0"
        return
    _check(x, digits)


@pytest.mark.parametrize("x, lo, hi", [
    (0.3, "0.299999", "0.3"),                     # the decimal 0.3 is above the double 0.3: no lower bound of it
    (0.5, "0.5", "0.5"),                          # exact when short
    (1.000000000000001, "1", "1.00001"),          # an upper bound is not shown as 1 when above it
    (0.12345678, "0.123456", "0.123457"),         # a lower bound rounded down
    (9.9999999, "9.99999", "10"),                 # rounded up to the next power of ten
    (-9.9999999, "-10", "-9.99999"),
    (_math.inf, "inf", "inf"), (-_math.inf, "-inf", "-inf"),
])
def test_bound_examples(x, lo, hi):
    assert (bound(x, "lo"), bound(x, "hi")) == (lo, hi)


def _bracket_numbers(text):
    m = re.search(r"\[(\S+), (\S+)\]", text)
    return float(m.group(1)), float(m.group(2))


def test_brackets_are_shown_through_bound_in_the_reprs():
    from types import SimpleNamespace

    from gandynamics._display import bracket_text, constants_text
    for x in _tiny_and_subnormal_values()[::7] + [0.12345678, 1.000000000000001]:
        b = SimpleNamespace(lo=min(x, 0.0), hi=max(x, 0.0), certified="lo")
        lo, hi = _bracket_numbers(bracket_text(b))
        assert lo <= b.lo and hi >= b.hi, (x, bracket_text(b))
        rep = SimpleNamespace(region="ball", mu=b, lipschitz=SimpleNamespace(lo=1.0, hi=1.000000000000001))
        text = constants_text(rep)
        assert "L=[1, 1.00001]" in text and "9.88131" not in text, text  # L's upper end 1 + 1e-15 is not "1"


def test_the_cli_shows_certified_brackets_on_their_safe_side(capsys):
    """rates, constants and check on the bilinear game, whose mu's certified lower end is a subnormal below 0
    and L's upper end just above 1: the printed ends, read back, contain the certified ones."""
    import json

    import gandynamics as gd
    from gandynamics.cli import main
    fld = gd.VectorField(gd.games.bilinear())
    rep = gd.certify_constants(fld, gd.Region.ball([0.0, 0.0], 0.1))
    assert 0 < -rep.mu.lo < 2.2250738585072014e-308 and rep.lipschitz.hi > 1  # the case this test is about
    for argv, pat in [(["rates", "bilinear", "--methods", "eg", "--no-measure"], r"mu in \[(\S+), (\S+)\]\s+L in \[(\S+), (\S+)\]"),
                      (["constants", "bilinear", "--region", "ball:0.1"], r"mu in \[(\S+), (\S+)\].*\n\s*L in \[(\S+), (\S+)\]"),
                      (["check", "bilinear", "--region", "ball:0.1", "--mu", "-1", "--lipschitz", "2"],
                       r"mu claimed.*bracket \[(\S+), (\S+)\].*\n\s*L claimed.*bracket \[(\S+), (\S+)\]")]:
        code = main(argv)
        out = capsys.readouterr().out
        assert code == 0, out
        m = re.search(pat, out)
        assert m, out
        mu_lo, mu_hi, L_lo, L_hi = map(float, m.groups())
        assert mu_lo <= rep.mu.lo and L_hi >= rep.lipschitz.hi, (argv, m.group(0))
        assert "9.88131" not in out and "e-324" not in out.replace("5e-324", ""), out  # no subnormal noise
    assert json.loads(json.dumps(rep.mu.lo)) == rep.mu.lo  # (the JSON output keeps the exact values)


def test_basin_shows_its_certified_numbers_on_their_safe_side(capsys):
    """basin quadratic: L = sqrt 2 was printed 1.41421 (below the certified L, so 'L <= 1.41421' was false)."""
    import json

    from gandynamics.cli import main
    assert main(["basin", "quadratic", "--method", "gd", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert main(["basin", "quadratic", "--method", "gd"]) == 0
    out = capsys.readouterr().out
    mu, L = map(float, re.search(r"mu >= (\S+)\s+L <= (\S+)", out).groups())
    h = float(re.search(r"0 < h <=? (\S+)", out).group(1))
    assert mu <= d["mu"] and L >= d["L"] and L >= 2 ** 0.5 and h <= d["step_range"][1], (out, d)


# ---- a value beside the claim it refutes is printed on its side of the claim (a new user's trial, session 21:
# "||DF(z)||_2 = 1.618033989 (claimed 1.61803)" beside the typed claim 1.6180339885, "= -1 (claimed -1)")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gandynamics._display import apart, claim_text  # noqa: E402

_FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


@given(_FINITE, st.integers(-40, 40), st.integers(1, 10))
def test_a_value_is_printed_on_its_side_of_the_claim(claim, ulps, digits):
    """apart(value, claim): read back, on the same side of the claim as the value and not equal to it, with at least
    `digits` significant digits; the claim as typed reads back exactly (claim_text)."""
    import numpy as np
    value = float(claim)
    for _ in range(abs(ulps)):
        value = float(np.nextafter(value, np.inf if ulps > 0 else -np.inf))
    assert float(claim_text(claim)) == claim
    s = apart(value, claim, digits)
    if value == claim:
        assert float(s) == claim
        return
    assert (float(s) > claim) == (value > claim) and float(s) != claim, (value, claim, s)


def test_check_prints_its_counterexample_on_the_refuted_side(capsys, tmp_path):
    """The kink game (L = golden ratio exactly, mu = -1 exactly: by hand from DF = [[|x|, 1], [-1, 0]] on the unit
    ball): claims a hair off each are refuted, and each printed number lies on its side of the claim as typed."""
    import re

    from gandynamics.cli import main
    (tmp_path / "kink.py").write_text(
        "import sympy as sp, gandynamics as gd\nx, y = sp.symbols('x y', real=True)\n"
        "kink = gd.Game(theta=[x], psi=[y], loss_g=x*y + x*sp.Abs(x)/2, loss_d=-x*y, equilibrium=(0, 0), name='kink')\n")
    for flag, claim, refuted_above in (("--lipschitz", "1.6180339885", True), ("--mu", "-0.9999999999", False)):
        assert main(["check", "--game", f"{tmp_path}/kink.py:kink", "--region", "ball:1", flag, claim]) == 1
        out = capsys.readouterr().out
        m = re.search(r"\) \S.* = (\S+) \(claimed (\S+)\)", out)
        assert m and m.group(2) == claim, out
        assert (float(m.group(1)) > float(claim)) == refuted_above, out
