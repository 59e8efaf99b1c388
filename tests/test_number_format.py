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
