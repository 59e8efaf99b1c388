r"""Numba source run by the Python interpreter, with numba's floating-point semantics.

The generated modules of a field (:func:`gandynamics.codegen.load_interpreted`) and the static numba modules
they call (:func:`static_module`) can run without compiling anything: ``njit`` becomes the identity,
``prange`` is ``range``, and the source is rewritten (:func:`ieee_source`) so that the interpreter computes
what the compiled code computes under ``error_model="numpy"``: IEEE 754 results instead of exceptions.

=====================================  =====================================  ============================
expression                             Python                                  here (and in numba)
=====================================  =====================================  ============================
``1.0 / 0.0``, ``0.0 / 0.0``           ``ZeroDivisionError``                   ``inf``, ``nan``
``1.0 % 0.0``, ``1.0 // 0.0``          ``ZeroDivisionError``                   ``nan``, ``inf``
``x ** y``, x < 0, y not an integer    a complex number                        ``nan``
``10.0 ** 400``, ``0.0 ** -1.0``       ``OverflowError``, ``ZeroDivisionError`` ``inf``
``math.exp(1000)``, ``math.log(0)``,   ``OverflowError``, ``ValueError``       ``inf``, ``-inf``, ``nan``
``math.sqrt(-1)``, ``math.gamma(0)``
``math.floor(nan)``                    ``ValueError``                          int64's minimum
=====================================  =====================================  ============================

Division, powers, ``%`` and ``//`` become calls of :func:`ieee_div`, :func:`ieee_pow`, :func:`ieee_mod` and
:func:`ieee_floordiv` (which take the plain operator
first and only look again when it raises), ``import math`` becomes :data:`ieee_math` (each function of
:mod:`math` that raises on an argument where C's libm returns inf or NaN gives NumPy's value instead), and an
``from gandynamics.X import ...`` of a static numba module imports its interpreted copy.  Numba intrinsics
have no Python body: a module that defines some lists pure-Python equivalents in a dict ``INTERPRETED``
(:mod:`gandynamics._numeric`), which replace them in the interpreted copy.

What is not the same: LLVM may contract ``a * b + c`` into one fused multiply-add in functions compiled with
``fastmath={"contract"}`` (the batch kernels), one rounding instead of two, so interpreted and compiled
kernels agree to a few ulps per step, not bitwise (``tests/test_interpreted_engine.py`` measures it).
"""

from __future__ import annotations

import ast
import contextlib
import copy
import importlib.util
import math
import re
import sys
import threading
import types

import numpy as np

__all__ = ["njit", "prange", "ieee_math", "ieee_div", "ieee_pow", "ieee_mod", "ieee_floordiv", "ieee_source", "static_module", "quiet", "STATIC"]

prange = range

#: the package's numba modules that generated code imports from: imported as interpreted copies
STATIC = ("gandynamics._numeric", "gandynamics._jvp", "gandynamics.verdict")

#: the version of the rewriting (part of the cache key of interpreted files)
REWRITE_VERSION = "3"


def njit(*args, **kwargs):
    """``@njit`` and ``@njit(...)`` both return the function unchanged."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


# ------------------------------------------------------------------------------------ IEEE arithmetic
def ieee_div(a, b):
    """``a / b`` with IEEE 754 results for a zero divisor (``±inf``, ``nan``), as numba's ``error_model="numpy"``."""
    try:
        return a / b
    except ZeroDivisionError:
        with np.errstate(all="ignore"):
            return float(np.float64(a) / np.float64(b))


def ieee_mod(a, b):
    """``a % b`` (Python's sign convention, as numba's) with ``nan`` for a zero divisor."""
    try:
        return a % b
    except ZeroDivisionError:
        return math.nan if isinstance(a, float) or isinstance(b, float) else 0


def ieee_floordiv(a, b):
    """``a // b`` with IEEE results for a zero float divisor (``±inf``, ``nan``)."""
    try:
        return a // b
    except ZeroDivisionError:
        if isinstance(a, float) or isinstance(b, float):
            with np.errstate(all="ignore"):
                return float(np.floor_divide(np.float64(a), np.float64(b)))
        return 0


def ieee_pow(a, b):
    """``a ** b`` as C's ``pow``: ``nan`` for a negative base and a non-integer exponent (Python gives a complex
    number), ``±inf`` on overflow and for a zero base with a negative exponent (Python raises)."""
    try:
        r = a ** b
    except (ZeroDivisionError, OverflowError):
        with np.errstate(all="ignore"):
            return float(np.power(np.float64(a), np.float64(b)))
    if type(r) is complex:
        return math.nan
    return r


#: math functions whose NumPy ufunc gives the IEEE result where math raises
_NUMPY_NAME = {"exp": "exp", "expm1": "expm1", "exp2": "exp2", "log": "log", "log1p": "log1p", "log2": "log2",
               "log10": "log10", "sqrt": "sqrt", "pow": "power", "cosh": "cosh", "sinh": "sinh", "acos": "arccos",
               "asin": "arcsin", "acosh": "arccosh", "atanh": "arctanh", "fmod": "fmod", "ldexp": "ldexp",
               "hypot": "hypot", "sin": "sin", "cos": "cos", "tan": "tan"}


def _ieee_function(name: str, f, npf):
    def g(*args):
        try:
            return f(*args)
        except (OverflowError, ValueError, ZeroDivisionError):
            if npf is None:
                raise
            with np.errstate(all="ignore"):
                return float(npf(*args))
    g.__name__ = name
    g.__doc__ = f"math.{name} with IEEE 754 results where it would raise (numpy.{getattr(npf, '__name__', '?')})."
    return g


_INT64_MIN = -(2 ** 63)


def _gamma(x):
    """C's ``tgamma``: ``±inf`` at ``±0`` and on overflow, NaN at the negative integers and ``-inf``."""
    try:
        return math.gamma(x)
    except OverflowError:
        return math.inf
    except ValueError:
        if x == 0.0:
            return math.copysign(math.inf, x)
        return math.nan


def _lgamma(x):
    """C's ``lgamma``: ``+inf`` at the poles (0 and the negative integers) and on overflow."""
    try:
        return math.lgamma(x)
    except (OverflowError, ValueError):
        return math.nan if x != x else math.inf


def _to_int64(f):
    def g(x):
        """numba's ``math.floor``/``math.ceil``: an int64, and int64's minimum for NaN, ``±inf`` and values out of
        its range (the x86 conversion's result)."""
        try:
            r = f(x)
        except (OverflowError, ValueError):
            return _INT64_MIN
        return r if -2 ** 63 <= r < 2 ** 63 else _INT64_MIN
    g.__name__ = f.__name__
    return g


def _make_ieee_math() -> types.ModuleType:
    mod = types.ModuleType("gandynamics_ieee_math", "The math module with IEEE 754 results instead of exceptions.")
    for k in dir(math):
        if k.startswith("_"):
            continue
        v = getattr(math, k)
        if callable(v) and k in _NUMPY_NAME:
            v = _ieee_function(k, v, getattr(np, _NUMPY_NAME[k]))
        setattr(mod, k, v)
    mod.gamma, mod.lgamma = _gamma, _lgamma
    mod.floor, mod.ceil = _to_int64(math.floor), _to_int64(math.ceil)
    return mod


#: :mod:`math` with IEEE 754 results where the interpreter would raise (``exp(1000) = inf``,
#: ``log(0) = -inf``, ``sqrt(-1) = nan``)
ieee_math = _make_ieee_math()


# ------------------------------------------------------------------------------------ rewriting the source
_DIV, _POW, _STATIC = "__gd_ieee_div__", "__gd_ieee_pow__", "__gd_static_module__"
_MOD, _FLOORDIV = "__gd_ieee_mod__", "__gd_ieee_floordiv__"


def _function_of(op) -> str | None:
    return {ast.Div: _DIV, ast.Pow: _POW, ast.Mod: _MOD, ast.FloorDiv: _FLOORDIV}.get(type(op))


def _load_ctx(node):
    node = copy.deepcopy(node)
    for sub in ast.walk(node):
        if hasattr(sub, "ctx"):
            sub.ctx = ast.Load()
    return node


class _Rewrite(ast.NodeTransformer):
    """Division and powers through ieee_div / ieee_pow; numba and math imports to their interpreted stand-ins;
    imports from the package's static numba modules to their interpreted copies."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        fn = _function_of(node.op)
        if fn is None:
            return node
        return ast.copy_location(ast.Call(ast.Name(fn, ast.Load()), [node.left, node.right], []), node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        fn = _function_of(node.op)
        if fn is None:
            return node
        call = ast.Call(ast.Name(fn, ast.Load()), [_load_ctx(node.target), node.value], [])
        return ast.copy_location(ast.Assign([node.target], call), node)

    def visit_Import(self, node):
        out = []
        for a in node.names:
            if a.name == "math":
                out.append(ast.ImportFrom("gandynamics._interpreted", [ast.alias("ieee_math", a.asname or "math")], 0))
            else:
                out.append(ast.Import([a]))
        return [ast.copy_location(x, node) for x in out]

    def visit_ImportFrom(self, node):
        if node.module == "numba" and node.level == 0:
            names = [a for a in node.names if a.name in ("njit", "prange")]
            rest = [a for a in node.names if a.name not in ("njit", "prange")]
            out = [ast.ImportFrom("gandynamics._interpreted", names, 0)] if names else []
            if rest:
                out.append(ast.ImportFrom("numba", rest, 0))
            return [ast.copy_location(x, node) for x in out]
        if node.module in STATIC and node.level == 0:
            call = ast.Call(ast.Name(_STATIC, ast.Load()), [ast.Constant(node.module)], [])
            return [ast.copy_location(ast.Assign([ast.Name(a.asname or a.name, ast.Store())],
                                                 ast.Attribute(call, a.name, ast.Load())), node)
                    for a in node.names]
        return node


@contextlib.contextmanager
def deep_recursion(limit: int = 100_000):
    """Python's recursion limit raised to at least ``limit`` for the block: the recursive walks of deep
    expressions (an AST pass and ``ast.unparse`` on generated code, sympy trees) recurse once or several times
    per level (Python 3.11 runs Python-to-Python calls without growing the C stack)."""
    global _DEEP_USERS, _DEEP_OLD
    with _DEEP_LOCK:  # threads may enter together: the first raises the limit, the last one out restores it
        if _DEEP_USERS == 0:
            _DEEP_OLD = sys.getrecursionlimit()
        _DEEP_USERS += 1
        sys.setrecursionlimit(max(sys.getrecursionlimit(), limit))
    try:
        yield
    finally:
        with _DEEP_LOCK:
            _DEEP_USERS -= 1
            if _DEEP_USERS == 0:
                sys.setrecursionlimit(_DEEP_OLD)


_DEEP_LOCK = threading.Lock()
_DEEP_USERS = 0
_DEEP_OLD = 1000


def ieee_source(text: str) -> str:
    """``text`` rewritten to run in the interpreter with numba's semantics (see the module docstring)."""
    with deep_recursion():
        return _ieee_source(text)


def _helpers() -> ast.ImportFrom:
    return ast.ImportFrom("gandynamics._interpreted", [ast.alias("ieee_div", _DIV), ast.alias("ieee_pow", _POW),
                                                       ast.alias("ieee_mod", _MOD), ast.alias("ieee_floordiv", _FLOORDIV),
                                                       ast.alias("static_module", _STATIC)], 0)


def _preamble(body) -> int:
    """How many statements of ``body`` open a module before the helpers' import: its docstring, then its
    ``from __future__`` imports."""
    i = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        i = 1
    while i < len(body) and isinstance(body[i], ast.ImportFrom) and body[i].module == "__future__":
        i += 1
    return i


def _whole(text: str) -> str:
    """The rewrite of a whole module in one AST pass."""
    tree = _Rewrite().visit(ast.parse(text))
    tree.body.insert(_preamble(tree.body), _helpers())
    return ast.unparse(tree) + "\n"  # (text: no line numbers needed, ast.fix_missing_locations was a quarter of it)


#: a line that starts a top-level statement: not indented, not a comment, not closing a bracket, not the next clause
#: of a compound statement (``else``, ``elif``, ``except``, ``finally``: reserved words)
_TOP = re.compile(r"\n(?=[^\s#)\]}])(?!(?:else|elif|except|finally)\b)")
#: pieces joined to one that does not parse before the module is rewritten whole (a long multi-line string at the
#: margin; each join parses the text again)
_MAX_JOINS = 200
#: rewritten top-level statements by their text, for this process (a run's kernel modules repeat most of their field's
#: and their methods' functions: 27 modules of one study were 3.6 times the text of their distinct functions)
_MEMO: dict = {}
#: text in which :class:`_Rewrite` may change something: a division (``/``, ``//``, ``/=``), a power (``**``), a modulo
#: (``%``) or an import (conservative: the same characters in a string or a comment only take the slower path)
_REWRITTEN = re.compile(r"/|%|\*\*|\bimport\b")
_MEMO_MAX_CHARS = 20_000_000
_MEMO_CHARS = 0


def _ieee_source(text: str) -> str:
    """The rewrite, top-level statement by statement, each distinct one rewritten once per process (the rewrite of a
    node depends on the node alone).  The text is cut before every line that starts a statement at the margin; a
    piece that does not parse (a cut inside a multi-line string or bracket) is joined to the next ones until it
    does, and if that never happens the module is rewritten whole."""
    global _MEMO_CHARS
    raw = _TOP.split(text)
    out, trees, pieces = [], {}, []
    i = 0
    while i < len(raw):
        joined = raw[i]
        i += 1
        for _ in range(_MAX_JOINS + 1):
            piece = joined.rstrip()  # (the blank lines after its statements; never inside them: it parses)
            done = _MEMO.get(piece)
            if done is not None:
                break
            try:
                tree = ast.parse(piece)
            except SyntaxError:
                if i == len(raw):
                    return _whole(text)
                joined += "\n" + raw[i]  # (a decorator line is joined to its definition this way too)
                i += 1
                continue
            trees[piece] = tree
            # (a piece with no division, power, modulo or import is its own rewrite: _Rewrite changes nothing in it,
            # and its walk and unparse were two thirds of the rewrite's time, 82 % of a large mlp's text being such
            # pieces: its constant tables and the functions of sums and products)
            done = ("" if not tree.body else piece if not _REWRITTEN.search(piece)
                    else ast.unparse(_Rewrite().visit(tree)))
            break
        else:
            return _whole(text)
        pieces.append(piece)
        out.append(done)
    # the helpers' import where the whole rewrite puts it, after the module's docstring and __future__ imports: a
    # boundary between pieces (each piece is whole statements), else the whole rewrite
    flat, k, ends = [], 0, [0]
    while k < len(pieces) and _preamble(flat) == len(flat):
        flat += (trees.get(pieces[k]) or ast.parse(pieces[k])).body
        k += 1
        ends.append(len(flat))
    n = _preamble(flat)
    if n not in ends:
        return _whole(text)
    k = ends.index(n)
    if _MEMO_CHARS > _MEMO_MAX_CHARS:
        _MEMO.clear()
        _MEMO_CHARS = 0
    for piece, done in zip(pieces, out):
        if piece not in _MEMO:
            _MEMO[piece] = done
            _MEMO_CHARS += len(piece) + len(done)
    out.insert(k, ast.unparse(_helpers()))
    return "\n".join(o for o in out if o) + "\n"


def finish(ns: dict) -> None:
    """After executing rewritten source in ``ns``: the module's ``INTERPRETED`` equivalents replace its
    intrinsics, and any numba dispatcher it imported from elsewhere is replaced by its Python function."""
    for k, v in list(ns.items()):
        py = getattr(v, "py_func", None)
        if py is not None:
            ns[k] = py
    ns.update(ns.get("INTERPRETED", {}))


def quiet(fn):
    """``fn`` called with NumPy's floating-point warnings off: interpreted code computes on NumPy scalars (read
    from arrays), which warn where the compiled code gives inf or NaN silently."""
    import functools

    @functools.wraps(fn)
    def call(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    return call


_STATIC_MODULES: dict = {}


def static_module(name: str) -> types.ModuleType:
    """The interpreted copy of one of the package's numba modules (:data:`STATIC`), made once per process."""
    mod = _STATIC_MODULES.get(name)
    if mod is not None:
        return mod
    if name not in STATIC:
        raise ValueError(f"{name} is not one of the interpreted static modules {STATIC}")
    spec = importlib.util.find_spec(name)
    with open(spec.origin, encoding="utf-8") as fh:
        text = ieee_source(fh.read())
    mod = types.ModuleType(f"gandynamics_interpreted.{name}")
    mod.__file__ = spec.origin
    mod.__package__ = name.rpartition(".")[0]
    exec(compile(text, f"<interpreted {name}>", "exec"), mod.__dict__)
    finish(mod.__dict__)
    _STATIC_MODULES[name] = mod
    sys.modules.setdefault(mod.__name__, mod)
    return mod
