"""The interpreter computes what numba's ``error_model="numpy"`` computes (gandynamics._interpreted): every
expression of a generated family (division, powers, ``%``, ``//``, each IEEE-sensitive math function, and their
compositions) at special points (signed zeros, +-1, huge, tiny, +-inf, NaN) gives the same value as the same
source compiled by numba -- inf, -inf and NaN included -- where plain Python would raise."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gandynamics._interpreted import ieee_source, static_module

UNARY = ["math.exp({})", "math.log({})", "math.sqrt({})", "math.log1p({})", "math.expm1({})", "math.cosh({})",
         "math.sinh({})", "math.acos({})", "math.asin({})", "math.atanh({})", "math.acosh({})", "math.log10({})",
         "math.log2({})", "math.tan({})", "math.sin({})", "math.cos({})", "math.tanh({})", "math.atan({})",
         "math.gamma({})", "math.lgamma({})", "math.floor({})", "math.ceil({})", "math.erf({})", "math.asinh({})",
         "abs({})", "-{}"]
BINARY = ["({}) / ({})", "({}) ** ({})", "({}) % ({})", "({}) // ({})", "math.pow({}, {})", "math.atan2({}, {})",
          "math.hypot({}, {})", "({}) * ({})", "({}) - ({})"]
POINTS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, -3.0, 3.0, 200.0, 1000.0, -1000.0, 1e-320, 1e308, math.inf, -math.inf,
          math.nan]


def expressions(compositions: bool = True):
    """Every unary and binary form, and compositions (a unary form inside a binary one and vice versa)."""
    out = [u.format("x") for u in UNARY] + [b.format("x", "y") for b in BINARY]
    if not compositions:
        return out
    out += [b.format(u.format("x"), "y") for b in BINARY for u in UNARY[:8]]
    out += [u.format(b.format("x", "y")) for u in UNARY[:8] for b in BINARY[:5]]
    out += ["y / math.exp(x)", "(x - x) / (y - y)", "1.0 / (x * 0.0)", "x ** -1.0", "(-x) ** 0.5",
            "math.log(x) * 0.0", "x / y / y", "(x % y) / y"]
    return out


def module_text(exprs) -> str:
    lines = ["import math", "import numpy as np", "from numba import njit", "", "",
             '@njit(error_model="numpy")', "def table(X, Y, OUT):", "    for i in range(len(X)):",
             "        x = X[i]", "        y = Y[i]"]
    lines += [f"        OUT[{k}, i] = {e}" for k, e in enumerate(exprs)]
    return "\n".join(lines) + "\n"


#: the plain forms in the default pass; with their compositions (about 2 s more) in CI's ``-m slow`` pass
@pytest.fixture(scope="module", params=[pytest.param(False, id="forms"),
                                        pytest.param(True, id="compositions", marks=pytest.mark.slow)])
def both(request):
    exprs = expressions(compositions=request.param)
    text = module_text(exprs)
    compiled, interpreted = {}, {}
    exec(compile(text, "<compiled>", "exec"), compiled)
    exec(compile(ieee_source(text), "<interpreted>", "exec"), interpreted)
    return exprs, compiled["table"], interpreted["table"]


def test_plain_python_would_raise_here():
    """The family is not vacuous: the interpreter without the rewriting raises on it."""
    ns = {}
    exec(compile(module_text(["x / y"]).replace("from numba import njit", "njit = lambda **k: (lambda f: f)"),
                 "<plain>", "exec"), ns)
    with pytest.raises(ZeroDivisionError):
        ns["table"](np.array([1.0]).tolist(), [0.0], np.empty((1, 1)))


def test_interpreted_arithmetic_is_numbas(both):
    exprs, compiled, interpreted = both
    pairs = list(itertools.product(POINTS, POINTS))
    X = np.array([a for a, _ in pairs])
    Y = np.array([b for _, b in pairs])
    out_c = np.full((len(exprs), len(pairs)), -7.0)
    out_i = np.full((len(exprs), len(pairs)), -7.0)
    compiled(X, Y, out_c)
    # Python floats (as the generated code's constants and math results are) and NumPy scalars (as the kernels
    # read from their arrays)
    with np.errstate(all="ignore"):
        interpreted(X.tolist(), Y.tolist(), out_i)
        out_n = np.full_like(out_i, -7.0)
        interpreted(list(X), list(Y), out_n)
    np.testing.assert_array_equal(out_i, out_n)
    same = (out_c == out_i) | (np.isnan(out_c) & np.isnan(out_i))
    # a value may differ in its last bits where libm and NumPy's ufunc differ (x ** y by pow vs powi): never in class
    close = np.isclose(out_c, out_i, rtol=1e-14, atol=0)
    bad = np.argwhere(~(same | close))
    msgs = [f"{exprs[k]} at x={X[j]!r}, y={Y[j]!r}: compiled {out_c[k, j]!r}, interpreted {out_i[k, j]!r}"
            for k, j in bad[:10]]
    assert not msgs, "\n".join(msgs)
    assert np.isinf(out_c).sum() > 50 and np.isnan(out_c).sum() > 50  # the table reaches the IEEE cases


def test_the_vector_exp_runs_interpreted_bitwise():
    """gandynamics._numeric's branch-free exp (bit casts are numba intrinsics; their Python equivalents are
    used): the interpreted copy gives bitwise the compiled values, NaN, underflow and subnormals included."""
    import gandynamics._numeric as nm
    it = static_module("gandynamics._numeric")
    xs = np.concatenate([-np.geomspace(1e-300, 800, 3000), [0.0, -0.0, -745.5, -745.0, -708.4, -np.inf, np.nan]])
    for x in xs:
        a, b = nm.exp_v(x), it.exp_v(float(x))
        assert a == b or (math.isnan(a) and math.isnan(b)), x
        a, b = nm.sigmoid_v(-x), it.sigmoid_v(-float(x))
        assert a == b or (math.isnan(a) and math.isnan(b)), x


# ----------------------------------------------------------------------------- the rewrite, statement by statement
def _same_rewrite(text: str) -> None:
    """The statement-by-statement rewrite (with an empty and then a full memo) is the whole-module one, node for node."""
    import ast

    from gandynamics import _interpreted as I
    whole = ast.dump(ast.parse(I._whole(text)))
    I._MEMO.clear()
    assert ast.dump(ast.parse(I.ieee_source(text))) == whole
    assert ast.dump(ast.parse(I.ieee_source(text))) == whole  # every piece from the memo now


def test_the_rewrite_by_statements_is_the_whole_rewrite_on_kernel_modules():
    """The generated kernel module of the R1 Dirac-GAN (the field's functions, then the kernels' sources with their
    multi-line docstrings, blank and unindented lines inside; tests/conftest.py's shared field): the same rewritten
    module as one AST pass over the whole text."""
    from conftest import method_fields
    from gandynamics.runs.module import kernel_module_source
    _same_rewrite(kernel_module_source(method_fields()["dirac+r1"]))


@pytest.mark.slow  # 10 s: every module of the package, rewritten three times
def test_the_rewrite_by_statements_is_the_whole_rewrite_on_the_packages_sources():
    """Every module of the package (decorators, multi-line docstrings, classes, ``else:`` at the margin): the same
    rewritten module as one AST pass over the whole text."""
    from pathlib import Path

    import gandynamics
    for path in sorted(Path(gandynamics.__file__).parent.rglob("*.py")):
        _same_rewrite(path.read_text(encoding="utf-8"))


_STATEMENTS = ['x = 1 / 2', 'y = x ** -1', 'z %= 3', '"""A docstring\n\nwith a blank line\nand an unindented one\n"""',
               '@njit(cache=True)\ndef f(a, b):\n    """doc\n\nmore"""\n    return a / b', 'import math',
               'from numba import njit, prange', 'from __future__ import annotations',
               'if x:\n    w = x // 2\nelse:\n    w = x % 2', 'class K:\n    v = 1 / 3\n\n    def m(self):\n        return self.v ** 2',
               't = (1 +\n2) / 3', 's = """\nx / y\n"""', '# a comment\nq = 2', 'u = [1,\n]\nv = u[0] ** 2',
               'try:\n    r = 1 / 0\nexcept ZeroDivisionError:\n    r = 0', '@njit\n@njit\ndef g():\n    return 2 ** 0.5',
               # (statements the rewrite leaves alone: emitted as their own text)
               'c = [1, 2,\n3]', 'def h(a):\n    return a * 2 + 1  # twice', '"""free\n\nat the margin\n"""',
               'e = "x/y"', '@njit(cache=True)\ndef k(a, b):\n    return a * b']


def test_a_statement_with_nothing_to_rewrite_is_its_own_text():
    """A top-level statement with no division, power, modulo or import comes out as written (its comments kept: the
    AST's unparse, which the rewrite costs, drops them), one with any of them rewritten; the module runs the same."""
    from gandynamics import _interpreted as I
    I._MEMO.clear()
    text = "def h(a):\n    return a * 2 + 1  # twice\n\n\nx = h(3) / 2  # half\n"
    out = I.ieee_source(text)
    assert "    return a * 2 + 1  # twice" in out and "# half" not in out and "x = __gd_ieee_div__(h(3), 2)" in out, out
    ns: dict = {}
    exec(compile(out, "<t>", "exec"), ns)
    assert ns["x"] == 3.5


@given(st.lists(st.sampled_from(_STATEMENTS), max_size=12), st.sampled_from(["\n", "\n\n", "\n\n\n"]))
@settings(max_examples=60, deadline=None)
def test_the_rewrite_by_statements_is_the_whole_rewrite_on_generated_modules(stmts, sep):
    """Modules of random top-level statements (multi-line strings with lines at the margin, ``else:`` and
    ``except`` at the margin, decorators, brackets across lines, a __future__ import anywhere, which the parser
    accepts): the same rewritten module as the whole-text pass."""
    _same_rewrite(sep.join(stmts) + "\n")
