import ast
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import sympy as sp

from gandynamics import Game, R1, VectorField, codegen, games

PROBE = textwrap.dedent("""
    import json, gandynamics as g
    f = g.VectorField(g.games.dirac(), [g.R1(gamma=0.3)])
    m = f.compiled()
    f.eval_F((0.1, 0.2)); f.eval_J((0.1, 0.2), {"gamma": %s})
    print(json.dumps({"hits": sum(m.field.stats.cache_hits.values()) + sum(m.jacobian.stats.cache_hits.values()),
                      "misses": sum(m.field.stats.cache_misses.values()) + sum(m.jacobian.stats.cache_misses.values())}))
""")


def _run(tmp_path, gamma):
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=str(tmp_path / "gen"), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    out = subprocess.run([sys.executable, "-c", PROBE % gamma], env=env, capture_output=True, text=True, check=True)
    import json
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # 4.1 s with warm caches on the 2-core CI machine
def test_second_process_reuses_the_compiled_cache(tmp_path):
    first = _run(tmp_path, 0.3)
    assert first == {"hits": 0, "misses": 2}  # compiled field and jacobian once
    second = _run(tmp_path, 0.9)  # a new process, another gamma: nothing recompiled
    assert second == {"hits": 2, "misses": 0}
    assert len(list((tmp_path / "gen").glob("*.py"))) == 1


def test_source_is_deterministic_and_keyed_by_expression():
    a = VectorField(games.dirac(), [R1(gamma=0.3)]).source()
    b = VectorField(games.dirac(), [R1(gamma=0.9)]).source()  # same expression, other default value
    c = VectorField(games.dirac(), []).source()
    assert a == b and a != c


def test_any_symbol_name_is_safe():
    # names that are Python keywords or contain dots must not leak into generated code
    lam, cls_, g = sp.Symbol("lambda"), sp.Symbol("class"), sp.Symbol("r1.gamma")
    game = Game.zero_sum([lam], [cls_], g * lam * cls_ + lam**2, hyper={g: 2.0}, equilibrium=(0, 0))
    f = VectorField(game)
    np.testing.assert_allclose(f.eval_F((1.5, -2.0)), [2 * -2.0 + 3.0, -(2 * 1.5)], rtol=1e-14, atol=0)
    src = f.source()
    assert "lambda" not in src.split("def field")[1]


def test_only_nonzero_jacobian_entries_are_written():
    src = VectorField(games.bilinear()).source()
    body = src.split("def jacobian")[1]
    assert "out[0, 0]" not in body and "out[0, 1]" in body


def test_generated_code_is_finite_where_exact_value_is():
    # sympy's own form exp(-t)/(exp(-t)+1) is NaN for t < -709; ours stays finite and exact
    f = VectorField(games.dirac())
    for th, ps in [(30.0, -30.0), (40.0, 40.0), (1e3, -1e3), (1e3, 1e3)]:
        v = f.eval_v((th, ps))
        J = f.eval_J((th, ps))
        assert np.all(np.isfinite(v)) and np.all(np.isfinite(J))
    # exact values: sigmoid(-psi theta) with psi theta = -1e6 -> 1: v = (-psi, theta)
    np.testing.assert_allclose(f.eval_v((1e3, -1e3)), [1e3, 1e3], rtol=1e-15, atol=0)
    np.testing.assert_allclose(f.eval_v((1e3, 1e3)), [0.0, 0.0], atol=1e-300, rtol=1e-14)


# ------------------------------------------------------------------------------------------------------
# Faults of the cache: damaged files are detected, discarded and regenerated; an unusable folder falls back
@pytest.mark.slow  # compiles a module twice in a fresh cache, ~5 s: in CI's `-m slow` run
def test_damaged_source_module_and_numba_index_are_regenerated(tmp_path):
    first = _run(tmp_path, 0.3)
    assert first == {"hits": 0, "misses": 2}
    gen, nb = tmp_path / "gen", tmp_path / "numba"
    (src,) = gen.glob("source_*.txt")
    src.write_text(src.read_text()[: len(src.read_text()) // 2])          # truncated: SyntaxError before
    (mod,) = gen.glob("gandynamics_gen_*.py")
    mod.write_bytes(b"\xff\xfe garbage (")                              # not even UTF-8
    nbis = list(nb.rglob("gandynamics_gen_*.nbi"))
    assert nbis
    for f in nbis:
        f.write_bytes(b"\x80\x04garbage")                                 # UnpicklingError before
    second = _run(tmp_path, 0.9)
    assert second == {"hits": 0, "misses": 2}                            # recompiled, not raised
    third = _run(tmp_path, 0.5)
    assert third == {"hits": 2, "misses": 0}                             # and cached again
    from gandynamics.codegen import read_cached_text
    assert read_cached_text(src) is not None


@pytest.mark.slow  # compiles a module twice in a fresh cache, ~4 s: in CI's `-m slow` run
def test_damaged_numba_data_file_is_regenerated(tmp_path):
    _run(tmp_path, 0.3)
    for f in (tmp_path / "numba").rglob("gandynamics_gen_*.nbc"):
        f.write_bytes(b"\x80\x04not a pickle")
    assert _run(tmp_path, 0.9) == {"hits": 0, "misses": 2}


@pytest.mark.slow  # 2.5 s with warm caches on the 2-core CI machine
def test_unusable_cache_folder_falls_back_with_one_warning_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=str(blocker / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "numba"),
               MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, "-m", "gandynamics", "analyze", "dirac", "--reg", "r1:gamma=0.3"],
                       env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gandynamics: warning: the cache folder"), r.stderr
    assert "private temporary cache" in lines[0]
    assert "-0.15 + 0.47697 i" in r.stdout


def test_cache_location_follows_the_platform(monkeypatch, tmp_path):
    from gandynamics.codegen import cache_location
    monkeypatch.delenv("GANDYNAMICS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_location() == (tmp_path / "xdg" / "gandynamics", "XDG_CACHE_HOME")
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_location() == (tmp_path / "mine", "GANDYNAMICS_CACHE_DIR")


@pytest.mark.slow  # (2.9 s in a cold run: a fresh process compiles the field it lists and clears)
def test_cache_command_info_and_clear(tmp_path, capsys):
    import json
    from gandynamics.cli import main
    _run(tmp_path, 0.3)
    gen = tmp_path / "gen"
    (gen / "keep-me.txt").write_text("a user's file")
    (gen / "locks").mkdir(exist_ok=True)
    (gen / "locks" / "compile-0123abcd-discrete.lock").write_text("")  # a shared compilation's lock file
    env = {"GANDYNAMICS_CACHE_DIR": str(gen), "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        assert main(["cache", "info", "--json"]) == 0
        info = json.loads(capsys.readouterr().out)
        assert info["folder"] == str(gen) and info["generated_modules"] == 1 and info["files"] >= 4
        assert main(["cache", "clear"]) == 0
        capsys.readouterr()
        assert main(["cache", "info", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["files"] == 0
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert (gen / "keep-me.txt").read_text() == "a user's file"   # only our files are deleted
    assert not (gen / "locks").exists()
    assert not list((tmp_path / "numba").rglob("gandynamics_gen_*.nbi"))


# ------------------------------------------------------------------------------------------------------
# One check at load: functions the printer cannot emit are refused naming the function and the supported ones
_x, _y = sp.symbols("x y", real=True)
_n, _t = sp.Symbol("n", integer=True), sp.Symbol("t", real=True)


class _Atom(sp.AtomicExpr):
    """A real atom that is neither a symbol nor a number (a user's own sympy class)."""
    is_commutative = True
    is_real = True


@pytest.mark.parametrize("loss, name", [
    (sp.gamma(_x) * _y, "polygamma"),            # gamma itself prints (math.gamma), its derivative does not
    (sp.loggamma(_x) * _y, "polygamma"),
    (sp.besselj(0, _x) * _y, "besselj"),
    (sp.zeta(_x + 2) * _y, "zeta"),
    (sp.LambertW(_x) * _y, "LambertW"),
    (sp.Ei(_x) * _y, "Ei"),
    # (an undefined Function, sp.Function("f")(x), is refused where the game is made: test_api_misuse.py)
    (sp.factorial(_x) * _y, "factorial"),
    # a node that binds a variable: common-subexpression elimination lifted terms in the bound variable out of
    # it, and the generated code raised NameError 'n' at the first evaluation (finite limits printed at all)
    (sp.Sum(_x**_n, (_n, 0, 5)) * _y, "Sum"),
    (sp.Product(_x + _n, (_n, 1, 3)) * _y, "Product"),
    (sp.Integral(sp.exp(-_t**2 * _x), (_t, 0, 1)) * _y, "Integral"),
    (sp.Integral(_x * _t, (_t, 0, 1)) * _y, "Integral"),
    (sp.Subs(sp.exp(_t) * _t, _t, _x) * _y, "Subs"),
    # an atom that is neither a symbol nor a number was never probed: PrintMethodNotImplementedError (a traceback)
    (_Atom() * _x * _y, "_Atom"),
    (sp.Piecewise((_x > 0, _y > 0), (True, True)) * 0 + sp.Piecewise((_x * _y, _x > 0), (0, True)), None),
])
def test_unprintable_functions_are_refused_at_load(loss, name):
    from gandynamics.codegen import SUPPORTED_FUNCTIONS
    from gandynamics.errors import GandynamicsError
    if name is None:  # a relational as the condition of a Piecewise is fine
        VectorField(Game([_x], [_y], loss, -loss))
        return
    with pytest.raises(GandynamicsError) as e:
        VectorField(Game([_x], [_y], loss, -loss))
    msg = str(e.value)
    assert f"the function {name} cannot be compiled" in msg and "\n" not in msg
    assert "supported functions: " + ", ".join(SUPPORTED_FUNCTIONS) in msg


def test_every_supported_function_compiles_and_matches_numpy():
    # the other side of the check: each name in SUPPORTED_FUNCTIONS really compiles (one field holding all)
    from gandynamics.codegen import SUPPORTED_FUNCTIONS
    from gandynamics.losses import safediv, sigmoid, softplus, vnorm
    u = _x / 4 + sp.Rational(1, 3)                          # in (0, 1) near the test point: every domain is fine
    c = sp.Symbol("c", real=True)                           # gamma, loggamma, floor, ceiling: printable, but their
    #                                     derivatives (polygamma, Derivative(floor)) are not: hyperparameters only
    table = {"Abs": sp.Abs(u), "acos": sp.acos(u), "acosh": sp.acosh(u + 1), "asin": sp.asin(u), "asinh": sp.asinh(u),
             "atan": sp.atan(u), "atan2": sp.atan2(u, 2), "atanh": sp.atanh(u), "ceiling": sp.ceiling(c),
             "cos": sp.cos(u), "cosh": sp.cosh(u), "DiracDelta": sp.Heaviside(u), "erf": sp.erf(u), "erfc": sp.erfc(u),
             "exp": sp.exp(u), "expm1": sp.exp(u) - 1, "floor": sp.floor(c), "gamma": sp.gamma(c + 1),
             "Heaviside": sp.Heaviside(u) * u, "hypot": sp.sqrt(u**2 + 1), "log": sp.log(u), "log10": sp.log(u, 10),
             "log1p": sp.log(1 + u), "log2": sp.log(u, 2), "loggamma": sp.loggamma(c + 1), "Max": sp.Max(u, 0),
             "Min": sp.Min(u, 1), "Piecewise": sp.Piecewise((u, _x > 0), (0, True)), "safediv": safediv(u, 2),
             "sigmoid": sigmoid(u), "sign": sp.sign(u) * u, "sin": sp.sin(u), "sinh": sp.sinh(u),
             "softplus": softplus(u), "sqrt": sp.sqrt(u), "tan": sp.tan(u), "tanh": sp.tanh(u), "vnorm": vnorm(u, 1)}
    assert set(table) == set(SUPPORTED_FUNCTIONS)
    loss = sp.Add(*table.values()) * _y
    fld = VectorField(Game([_x], [_y], loss, -loss, hyper={c: 0.5}))
    z = (0.3, 0.7)
    exact = float(sp.Add(*table.values()).subs({_x: 0.3, c: 0.5}).evalf(30))
    np.testing.assert_allclose(fld.eval_F(z)[1], -exact, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("loss", [sp.I * _x * _y, _x * _y + sp.I * _x])
def test_complex_losses_are_refused(loss):
    from gandynamics.errors import GandynamicsError
    with pytest.raises(GandynamicsError, match="complex-valued"):
        Game([_x], [_y], loss, -loss)


# ------------------------------------------------------------------------------------------------------
# The generated-source cache key (VectorField._base_source) names the hyperparameters in their order: two
# games with the same F whose hyperparameters are declared in another order, or under other names, must not
# share generated code (the second would read the first's parameter slots and evaluate the wrong F).
def _cache_key_games():
    x, y, a, b, c = sp.symbols("x y a b c")
    # F = (a x + b y, x - b y) with hyper (a, b), then (b, a): same expressions, other slots
    g1 = Game(theta=[x], psi=[y], loss_g=a * x**2 / 2 + b * x * y, loss_d=x * y - b * y**2 / 2,
              hyper={a: 1.0, b: 2.0}, equilibrium=(0, 0))
    g2 = Game(theta=[x], psi=[y], loss_g=a * x**2 / 2 + b * x * y, loss_d=x * y - b * y**2 / 2,
              hyper={b: 2.0, a: 1.0}, equilibrium=(0, 0))
    # same F = (a x, y) but an unused hyperparameter named c before a: a moves to slot 1
    g3 = Game(theta=[x], psi=[y], loss_g=a * x**2 / 2, loss_d=y**2 / 2, hyper={a: 1.0, b: 0.0}, equilibrium=(0, 0))
    g4 = Game(theta=[x], psi=[y], loss_g=a * x**2 / 2, loss_d=y**2 / 2, hyper={c: 0.0, a: 1.0}, equilibrium=(0, 0))
    return g1, g2, g3, g4


@pytest.mark.parametrize("compiled", [True, False])
def test_cache_key_separates_hyperparameter_order_and_names(tmp_path, monkeypatch, compiled):
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path))
    g1, g2, g3, g4 = _cache_key_games()
    z = np.array([0.7, -1.3])

    def F(game, **p):
        fld = VectorField(game, [])
        if compiled:
            return fld.eval_F(z, p), fld.eval_DF(z, p)
        mod = fld.interpreted
        pv = fld.param_vector(p)
        out, jac = np.empty(2), np.empty((2, 2))
        mod.field(z, pv, out)
        mod.jacobian(z, pv, jac)
        return out, jac

    for game in (g1, g2):   # exact: F = (a x + b y, x - b y), DF = [[a, b], [1, -b]]
        f, df = F(game, a=3.0, b=5.0)
        np.testing.assert_allclose(f, [3.0 * z[0] + 5.0 * z[1], z[0] - 5.0 * z[1]], rtol=1e-15, atol=0)
        np.testing.assert_allclose(df, [[3.0, 5.0], [1.0, -5.0]], rtol=0, atol=0)
    f3, _ = F(g3, a=3.0, b=7.0)
    f4, _ = F(g4, a=3.0, c=7.0)
    np.testing.assert_allclose(f3, [3.0 * z[0], z[1]], rtol=1e-15, atol=0)
    np.testing.assert_allclose(f4, [3.0 * z[0], z[1]], rtol=1e-15, atol=0)
    # four different keys: four cached sources
    assert len(list(tmp_path.glob("source_*.txt"))) == 4


def test_fields_that_differ_anywhere_in_the_tree_never_share_generated_code(tmp_path, monkeypatch):
    # pairs that differ only in a bare symbol (F = (x, y) vs (y, x)), a coefficient or an exponent deep in
    # the tree: the key's digest must see atoms by name and every child of a node, not only node types
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path))
    x, y, a = sp.symbols("x y a")
    z = np.array([0.7, -1.3])
    X, Y = z
    cases = [  # (loss_g, loss_d, exact F at z with a = 2)
        (x**2 / 2, y**2 / 2, [X, Y]),
        (x * y, x * y, [Y, X]),
        (a * x**2 / 2 + x * y, -x * y + y**2 / 2, [2 * X + Y, -X + Y]),
        (a * x**2 / 2 + 2 * x * y, -x * y + y**2 / 2, [2 * X + 2 * Y, -X + Y]),
        (a * x**3 / 3 + x * y, -x * y + y**2 / 2, [2 * X**2 + Y, -X + Y]),
    ]
    for lg, ld, exact in cases:
        fld = VectorField(Game(theta=[x], psi=[y], loss_g=lg, loss_d=ld, hyper={a: 2.0}, equilibrium=(0, 0)), [])
        np.testing.assert_allclose(fld.eval_F(z), exact, rtol=1e-15, atol=0)
    assert len(list(tmp_path.glob("source_*.txt"))) == len(cases)


def test_a_ctrl_c_during_a_first_compile_lets_it_finish_and_is_reported(tmp_path, monkeypatch):
    """codegen.first_call_once runs the compiling call in a thread and always lets it finish (numba's compiler
    cut short by a KeyboardInterrupt leaves a half-built library: 'no compiled object yet'); the Ctrl-C is
    returned to the caller, who stops at its next safe point."""
    import os
    import signal
    import threading
    import time
    from gandynamics import codegen
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path))
    # Python's own handler, even where the test process was started with SIGINT ignored (a background job)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        done = []

        def slow_call():
            time.sleep(0.6)
            done.append(True)

        threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        said = []
        monkeypatch.setattr("gandynamics.log.notice", said.append)
        assert codegen.first_call_once("compile-test", slow_call) is True
        assert done == [True]
        # (said at once, while the call still runs: a Ctrl-C during a first compile seemed ignored, a new user)
        assert len(said) == 1 and said[0].startswith("Ctrl-C: stopping as soon as the compile under way has finished")
        assert codegen.first_call_once("compile-test", lambda: done.append(1)) is False and done == [True, 1]
        with pytest.raises(ZeroDivisionError):  # an error of the call itself reaches the caller
            codegen.first_call_once("compile-test", lambda: 1 / 0)
        assert (tmp_path / "locks" / "compile-test.lock").exists()
    finally:
        signal.signal(signal.SIGINT, old)


@given(enabled=st.booleans(), order=st.permutations(range(8)))
@settings(max_examples=60, deadline=None)
def test_the_collector_is_paused_while_any_compile_runs_and_restored_after_the_last(enabled, order):
    """codegen.gc_paused, entered by overlapping compiles that end in any order: the cyclic collector is off while
    at least one is open and afterwards as it was before the first (on, or off because the caller turned it off)."""
    import gc
    from gandynamics import codegen
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        pauses = [codegen.gc_paused() for _ in range(4)]
        # any interleaving of four enters and four exits in which each pause is entered before it exits
        events, seen = [], set()
        for e in order:
            i = e % 4
            events.append(("exit" if i in seen else "enter", i))
            seen.add(i)
        live = set()
        for kind, i in events:
            if kind == "enter":
                pauses[i].__enter__()
                live.add(i)
            else:
                pauses[i].__exit__(None, None, None)
                live.discard(i)
            assert gc.isenabled() == (enabled and not live), (events, kind, i)
        assert gc.isenabled() == enabled
        inside = []
        codegen.first_call_once("gc-test", lambda: inside.append(gc.isenabled()))
        with pytest.raises(ZeroDivisionError):
            codegen.first_call_once("gc-test", lambda: 1 / 0)
        assert inside == [False] and gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()


def _chain_depth(tree) -> int:
    """The longest path of nested expression nodes in an AST (iterative: the tree may be deep)."""
    deepest, stack = 0, [(tree, 0)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        for child in ast.iter_child_nodes(node):
            stack.append((child, d + isinstance(child, (ast.BinOp, ast.Call, ast.UnaryOp))))
    return deepest


@pytest.mark.parametrize("width", [1, 2, codegen.WIDE - 1, codegen.WIDE, codegen.WIDE + 1,
                                   pytest.param(1000, marks=pytest.mark.slow),
                                   pytest.param(5000, marks=pytest.mark.slow)])  # (1000, 5000: 0.3-3 s each, -m slow)
@pytest.mark.parametrize("kind", ["sum", "product", "norm", "nested"])
def test_printed_code_stays_shallow_whatever_the_width_of_a_sum(width, kind):
    # Python parses a + b + c + ... as a nest as deep as the sum is long: its compiler fails beyond about 4,000
    # terms, ast.unparse and the interpreter's rewrite beyond about 300 (a mlp of 1,000 parameters has sums of 500)
    if kind == "nested":
        width = min(width, 400)  # a sum of products of sums: sympy itself is slow beyond
    x = sp.symbols(f"x0:{width}", real=True)
    rng = np.random.default_rng(width)
    vals = rng.uniform(0.5, 1.5, width) * (1 if kind == "product" else rng.choice([-1, 1], width))
    if kind == "sum":
        e = sp.Add(*[(i % 7 + 1) * x[i] for i in range(width)])
        want = math.fsum((i % 7 + 1) * v for i, v in enumerate(vals))
    elif kind == "product":
        e = sp.Mul(*x)
        want = float(np.prod(vals))
    elif kind == "norm":
        from gandynamics.losses import vnorm
        e = vnorm(*x)
        want = math.sqrt(math.fsum(v * v for v in vals))
    else:  # sums inside sums: x_i * (sum) nested
        e = sp.Add(*[x[i] * sp.Add(*x[:min(width, 40)]) for i in range(width)])
        inner = math.fsum(vals[:min(width, 40)])
        want = math.fsum(v * inner for v in vals)
    text = codegen._Printer({"fully_qualified_modules": True, "inline": True, "standard": "python3"}).doprint(e)
    tree = ast.parse(text, mode="eval")
    assert _chain_depth(tree) <= 4 * codegen.WIDE + 8
    ast.unparse(tree)  # default recursion limit
    got = eval(compile(text, "<printed>", "eval"), {"math": math}, {f"x{i}": float(v) for i, v in enumerate(vals)})
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.slow  # 5.3 s with cold caches (a field of its own to derive)
def test_a_field_with_sums_of_hundreds_of_terms_runs_interpreted_and_matches_its_formula():
    # a member of the kind of the mlp-1,000 failure (RecursionError in the interpreter's rewrite): wide sums in F
    th, ps = sp.symbols("theta psi", real=True)
    m = 400  # the old printer's nest of 400 additions broke the interpreter's rewrite (limit about 330)
    loss = sp.Add(*[sp.sin(i * th + ps) / i for i in range(1, m + 1)])
    fld = VectorField(Game([th], [ps], loss, -loss))
    text = fld._base_source
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("@", "def", "#", "from", "import")):
            assert _chain_depth(ast.parse(line.strip())) <= 4 * codegen.WIDE + 8
    z, p = np.array([0.3, -0.7]), fld.param_vector()
    got = fld.interpreted.field(z, p, np.empty(2))
    # F = (dL/dtheta, d(-L)/dpsi) by hand
    want = [math.fsum(math.cos(i * 0.3 - 0.7) for i in range(1, m + 1)),
            -math.fsum(math.cos(i * 0.3 - 0.7) / i for i in range(1, m + 1))]
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)


def test_the_interpreters_rewrite_takes_any_depth_python_compiles():
    from gandynamics._interpreted import ieee_source
    deep = "def f(a):\n    return " + " + ".join(["a / a"] * 2500) + "\n"  # a chain 2,500 operations deep
    ns = {}
    exec(compile(ieee_source(deep), "<deep>", "exec"), ns)
    assert ns["f"](1.0) == 2500.0 and ns["f"](0.0) != ns["f"](0.0)  # 0/0 is NaN in numba's semantics, not an error


def _fused_flag_module(n, engine):
    """The fused steps of F = a z (n coordinates, one hyperparameter a), interpreted or compiled."""
    z = sp.symbols(f"z0:{n}", real=True)
    a = sp.Symbol("a", real=True)
    src = ("import math\nfrom numba import njit\nfrom gandynamics._numeric import _float_to_bits, sigmoid_v as _sigmoid_v"
           "\n\n" + codegen.generate_block_source(sp.Matrix([a * v for v in z]), z, [a]))
    return codegen.load_interpreted(src) if engine == "interpreted" else codegen.load_module(src)


@pytest.mark.parametrize("n, engines", [(70, ("interpreted", "compiled")), (1100, ("interpreted",))])
@pytest.mark.slow  # compiles a field of its own: 8-9 s with cold caches
def test_fused_step_flags_the_columns_whose_sum_of_absolute_values_is_not_within_the_bound(n, engines):
    """field_step_gd returns 1 when some column b has ``not (|u_0| + ... + |u_{n-1}| <= BP)`` (the sum printed in
    codegen._chain's groups of WIDE: n = 70 three groups, n = 1100 two levels of nesting), else 0; each column
    alone: NaN (of either sign), +-inf, a coordinate beyond the bound (also the last one of the last group), a sum
    beyond it with every coordinate within (flagged: the driver's exact test decides) and an overflowing sum under
    the largest double are flagged; -0.0 and coordinates exactly at the bound are not.  Expected flags by hand from
    these columns."""
    mods = [_fused_flag_module(n, e) for e in engines]
    Z = np.zeros((n, 10))
    Z[:, 1] = -0.0
    Z[n - 1, 2] = 1.0000000000000002  # the last coordinate just beyond the bound
    Z[33, 3] = math.nan
    Z[:, 4] = 0.9 / n  # within, and so is the sum
    Z[:, 5] = 0.5  # every coordinate within, the sum beyond: flagged
    Z[40, 6] = -math.inf
    Z[0, 7] = -1.0  # exactly at the bound, the others -0.0
    Z[1:, 7] = -0.0
    Z[n // 2, 8] = 1.5
    Z[n - 2, 9] = -math.nan  # a NaN with its sign bit set: its absolute value's pattern is a positive one
    assert np.signbit(Z[n - 2, 9])
    want = [False, False, True, True, False, True, True, False, True, True]
    big = np.full((n, 4), 1e307)  # each sum overflows to inf
    big[0, 1] = math.inf
    big[5, 2] = 1.7976931348623157e308
    for mod in mods:
        for b in range(Z.shape[1]):  # each column alone
            w = Z[:, [b]].copy()  # F = a z with a = 0 and step 0: the state is unchanged (inf - 0 * inf is NaN)
            assert mod.field_step_gd(w, np.zeros((1, 1)), np.zeros((n, 1)), 1.0, 1) == want[b], b
        w = Z.copy()
        assert mod.field_step_gd(w, np.zeros((1, 10)), np.zeros((n, 10)), 1.0, 10) == 1
        np.testing.assert_array_equal(np.abs(w[:, [0, 1, 2, 4, 5, 7, 8]]), np.abs(Z[:, [0, 1, 2, 4, 5, 7, 8]]))
        assert mod.field_step_gd(big.copy(), np.zeros((1, 4)), np.zeros((n, 4)), 1.7976931348623157e308, 4) == 1
        for b in range(4):
            assert mod.field_step_gd(big[:, [b]].copy(), np.zeros((1, 1)), np.zeros((n, 1)), 1.7976931348623157e308,
                                     1) == 1
        assert mod.field_step_gd(Z[:, [0, 1, 4, 7]].copy(), np.zeros((1, 4)), np.zeros((n, 4)), 1.0, 4) == 0


_SPECIAL = [0.0, -0.0, math.nan, -math.nan, math.inf, -math.inf, 5e-324, -2.2250738585072014e-308, 1.0, -1.0,
            0.999, 1.001, 0.5, 3.0, -1e300, 1.7976931348623157e308]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_SPECIAL) | st.floats(allow_nan=True, allow_infinity=True), min_size=3,
                         max_size=3), min_size=1, max_size=12),
       st.sampled_from([1.0, 2.0, 1e6, 1.7976931348623157e308]))
def test_fused_step_flag_is_the_test_of_every_column(cols, BP):
    """The kind (a generator of states, special values of either sign included): the folded test of each fused
    step that writes the state (gd, the extrapolation's second half, eftp) is 1 exactly when some column of the new
    state is not within BP by the sum of its absolute values (NumPy's test of the same sums), on the interpreted
    copy of the generated source (the same expressions as the compiled one, tests/test_interpreted_engine.py)."""
    mod = _FLAG_MOD()
    Z = np.array(cols, dtype=float).T.copy()  # (3, m)
    m = Z.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):
        s = np.abs(Z[0]) + np.abs(Z[1]) + np.abs(Z[2])  # the printed sum's order
    want = int(bool(np.any(~(s <= BP))))
    zero = np.zeros((3, m))
    assert mod.field_step_gd(Z.copy(), np.zeros((1, m)), zero, BP, m) == want
    assert mod.field_step_at(Z.copy(), Z.copy(), np.zeros((1, m)), zero, BP, m) == want
    assert mod.field_step_past(Z.copy(), np.zeros((3, m)), np.zeros((1, m)), zero, BP, m) == want


_FLAG_CACHE: list = []


def _FLAG_MOD():
    if not _FLAG_CACHE:
        _FLAG_CACHE.append(_fused_flag_module(3, "interpreted"))
    return _FLAG_CACHE[0]


def test_block_evaluators_call_the_vectorizable_exp_and_sigmoid():
    """A field with exp and the logistic function: the block evaluator and the fused steps print them as _exp_v and
    _sigmoid_v (a loop calling libm's exp does not vectorize), and agree with the pointwise ``field`` (libm's
    exp, the stable sigmoid) to a few ulps, overflow to inf included; the interpreted copy gives the same values."""
    from gandynamics.losses import sigmoid
    x, y = sp.symbols("x y", real=True)
    a = sp.Symbol("a", real=True)
    F = sp.Matrix([sp.exp(a * x) - y, sigmoid(x * y) + sp.exp(-y)])
    block = codegen.generate_block_source(F, [x, y], [a])
    assert "math.exp(" not in block and "_exp_v(" in block and "_sigmoid_v(" in block
    src = codegen.generate_source(F, F.jacobian([x, y]), [x, y], [a])
    head = "from gandynamics._numeric import exp_v as _exp_v, sigmoid_v as _sigmoid_v\n"
    point = codegen.load_module(src)
    rng = np.random.default_rng(3)
    Z = np.vstack([rng.uniform(-30, 30, 64), rng.uniform(-30, 30, 64)])
    Z[0, :4] = [800.0, -800.0, 700.0, 0.0]
    P = np.vstack([rng.uniform(-2, 2, 64)])
    P[0, :4] = 1.0
    want = np.array([point.field(Z[:, b], P[:, b], np.empty(2)) for b in range(64)]).T
    for mod in (codegen.load_module(src + "\n" + head + block), codegen.load_interpreted(src + "\n" + head + block)):
        got = mod.field_block(Z, P, np.empty((2, 64)), 64)
        assert np.isinf(got[0, 0]) and np.isinf(want[0, 0])
        np.testing.assert_allclose(got, want, rtol=8e-16, atol=1e-300)


def test_generated_header_and_field_cache_key_cover_jvp(monkeypatch, tmp_path):
    """A large game's generated ``jacobian`` calls gandynamics._jvp.propagate (a cached numba function of another
    file: numba links its machine code into the generated module's cache entry and does not see a change of that
    file, as with the inlined functions of _numeric); so the header digest and the field cache's key must change
    when _jvp.py does, as they do for _numeric.py."""
    from pathlib import Path

    import gandynamics._jvp as jvp
    import gandynamics.field as field_module
    from gandynamics.field import _generator_fingerprint
    before_digest, before_key = codegen._runtime_digest(), _generator_fingerprint()
    edited = tmp_path / "_jvp.py"
    edited.write_bytes(Path(jvp.__file__).read_bytes() + b"# edited\n")
    monkeypatch.setattr(jvp, "__file__", str(edited))
    monkeypatch.setattr(field_module, "_FINGERPRINT", None)
    codegen._runtime_digest.cache_clear()  # (computed once per process)
    try:
        assert codegen._runtime_digest() != before_digest
        assert _generator_fingerprint() != before_key
    finally:
        monkeypatch.undo()
        codegen._runtime_digest.cache_clear()
    assert codegen._runtime_digest() == before_digest


@pytest.mark.parametrize("expr, want", [
    ("a * z0 * z1", 0),  # a polynomial: the cost model's interleave
    ("sigmoid(z0 * z1) * a", codegen.LONG_CHAIN_INTERLEAVE),  # the branch-free logistic function
    ("exp(-z0 ** 2) * a", codegen.LONG_CHAIN_INTERLEAVE),  # the branch-free exp
    ("long", 0),  # 45 exps shared by both components: 45 lines of common subexpressions, too long to inline
])
def test_modules_declare_their_loop_interleave_by_the_steps_they_inline(expr, want):
    """The kind: a generated module declares LOOP_INTERLEAVE = 4 exactly when its fused steps are inlined and evaluate
    the branch-free exp or logistic function (a long chain of dependent operations), 0 otherwise (a polynomial field,
    or steps too long to inline); the declaration is what engine._compile_once compiles the kernels with."""
    z0, z1, a = sp.symbols("z0 z1 a", real=True)
    from gandynamics.losses import sigmoid
    if expr == "long":
        terms = [sp.exp(-k * z0 * z1) for k in range(1, 46)]
        F = sp.Matrix([a * sum(terms), z1 * sum(t * k for k, t in enumerate(terms))])
    else:
        F = sp.Matrix([sp.sympify(expr, locals={"sigmoid": sigmoid, "z0": z0, "z1": z1, "a": a}), z0 - z1])
    src = codegen.generate_block_source(F, [z0, z1], [a])
    assert f"\nLOOP_INTERLEAVE = {want}\n" in src
    assert ('inline="always")\ndef field_step_gd' in src) == (expr != "long")


@pytest.mark.parametrize("expr, n, want", [
    ("a * z0 * z1", 2, codegen.WIDE_BLOCK),  # small and inlined: the wide block
    ("sigmoid(z0 * z1) * a", 4, codegen.WIDE_BLOCK),
    ("a * z0 * z1", codegen.WIDE_BLOCK_MAX_N + 1, 0),  # more coordinates: the kernels' default
    ("long", 2, 0),  # steps too long to inline: the default
])
def test_modules_declare_their_block_width_by_their_size_and_inlining(expr, n, want):
    """The kind: a generated module declares BLOCK_WIDTH = WIDE_BLOCK exactly when its fused steps are inlined and its
    state has at most WIDE_BLOCK_MAX_N coordinates, 0 otherwise; kernel_source gives its kernels that width (NB, read
    back by kernels.block_width), DEFAULT_NB for 0, and an explicit width overrides the declaration."""
    from gandynamics.kernels import DEFAULT_NB, block_width, kernel_source
    from gandynamics.methods import RULES
    from gandynamics.methods.tableaux import TABLEAUX
    from gandynamics.losses import sigmoid
    z = list(sp.symbols(f"z0:{n}", real=True))
    a = sp.Symbol("a", real=True)
    if expr == "long":
        terms = [sp.exp(-k * z[0] * z[1]) for k in range(1, 46)]  # shared by both components: 45 lines
        F = sp.Matrix([a * sum(terms), z[1] * sum(t * k for k, t in enumerate(terms))])
    else:
        first = sp.sympify(expr, locals={"sigmoid": sigmoid, "z0": z[0], "z1": z[1], "a": a})
        F = sp.Matrix([first] + [z[i - 1] - z[i] for i in range(1, n)])
    src = codegen.generate_block_source(F, z, [a])
    assert f"\nBLOCK_WIDTH = {want}\n" in src
    kernels = kernel_source(src, RULES, TABLEAUX)
    assert block_width(kernels) == (want or DEFAULT_NB)
    assert block_width(kernel_source(src, RULES, TABLEAUX, 64)) == 64
    assert block_width("no kernels here") == DEFAULT_NB


def test_loop_interleave_is_set_for_its_block_and_put_back():
    """codegen.loop_interleave(count) compiles with LLVM's vectorizer interleaving ``count`` iterations and puts
    LLVM's default back after the block: the same loop compiled before, inside loop_interleave(1) and after has as
    many vector multiplies before and after (the cost model's interleave) and fewer inside (one vector iteration per
    loop trip), counted in the machine code."""
    import platform
    import re

    import llvmlite.binding as llvm
    from numba import njit

    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("counts x86-64 vector multiplies in the machine code")
    if not codegen._INTERLEAVE_LLVM[0] <= llvm.llvm_version_info[0] <= codegen._INTERLEAVE_LLVM[1]:
        pytest.skip(f"LLVM {llvm.llvm_version_info[0]}: the option is not set (test below)")

    def build():
        @njit(cache=False)
        def axpy(a, b, out):
            for i in range(out.shape[0]):
                out[i] = a[i] * 2.5 + b[i] * a[i]
        x = np.ones(64)
        axpy(x, x, np.empty(64))
        asm = next(iter(axpy.inspect_asm().values()))
        return len(re.findall(r"\bv?mulpd\b|\bvfn?m(add|sub)\d*pd\b", asm))

    before = build()
    with codegen.loop_interleave(1):
        inside = build()
    after = build()
    assert before == after and inside < before, (before, inside, after)


def test_loop_interleave_leaves_an_llvm_it_was_not_measured_with_alone(monkeypatch):
    """LLVM ends the process on an option it does not know: with an LLVM beyond codegen._INTERLEAVE_LLVM the option is
    not set at all (the loop compiles as without the block)."""
    import llvmlite.binding as llvm

    calls = []
    monkeypatch.setattr(llvm, "set_option", lambda *a: calls.append(a))
    for version in [(codegen._INTERLEAVE_LLVM[1] + 1, 0, 0), (codegen._INTERLEAVE_LLVM[0] - 1, 0, 0)]:
        monkeypatch.setattr(llvm, "llvm_version_info", version)
        with codegen.loop_interleave(4):
            pass
    assert calls == []
    monkeypatch.setattr(llvm, "llvm_version_info", (codegen._INTERLEAVE_LLVM[1], 0, 0))
    with codegen.loop_interleave(4):
        pass
    assert [c[1] for c in calls] == ["-force-vector-interleave=4", "-force-vector-interleave=0"]


def test_a_module_text_loaded_before_is_not_hashed_again_and_a_dropped_one_is_reloaded(tmp_path, monkeypatch):
    """codegen.load_module: the same text again gives the same module without the sha256 of its text (three loads
    of a 60 KB source per sweep, 60 us each); a module dropped from sys.modules since is loaded again, not the old
    object handed out."""
    from gandynamics import codegen
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path))
    text = "# {hash}\nVALUE = 41 + 1\n"
    first = codegen.load_module(text, prefix="probe")
    hashed = []
    real = codegen.source_hash
    monkeypatch.setattr(codegen, "source_hash", lambda t: hashed.append(1) or real(t))
    assert codegen.load_module(text, prefix="probe") is first and not hashed
    sys.modules.pop(first.__name__)
    again = codegen.load_module(text, prefix="probe")
    assert again is not first and again.VALUE == 42 and hashed
    assert codegen.load_module(text, prefix="probe") is again
    sys.modules.pop(again.__name__)
