"""Point analyses without compilation: the generated module run by the interpreter
(gandynamics.codegen.load_interpreted, VectorField.evaluator) against the compiled module, and a fresh
process that analyses a new game without compiling anything."""

import os
import subprocess
import sys

import numpy as np
import pytest

from gandynamics import GAN, VectorField, games
from gandynamics.game import Game
from gandynamics.regularizers import (JARE, R1, R2, WGANGP, Asymmetric, Consensus, InstanceNoise, NagarajanKolter,
                                      Tikhonov)

SMALL = {"dirac": {}, "dirac-nd": {"d": 2}, "bilinear": {}, "quadratic": {}, "nk-scale": {"order": 2},
         "jare-gaussian": {"n": 1, "v": (2.0,), "order": 2}, "lq-wgan": {"order": 2}}
REGS = [None, R1(gamma=0.3), R2(gamma=0.4), WGANGP(gamma=0.5, order=2), InstanceNoise(sigma=0.5, order=2),
        Consensus(gamma=0.2), NagarajanKolter(eta=0.3), JARE(gamma=0.4), Tikhonov(eps=0.2),
        Asymmetric(eps=0.1, gamma=0.6)]


def _cases(name):
    model = games.make_game(name, **SMALL[name])
    for reg in REGS:
        if reg is not None and (reg.stage == "gan" or isinstance(reg, Asymmetric)) and not isinstance(model, GAN):
            continue
        yield reg, VectorField(model, [] if reg is None else [reg])


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in ("lq-wgan", "dirac-nd", "nk-scale",
                                                                                  "jare-gaussian") else n
                                  for n in SMALL])  # (those four: 1.4-3.5 s each with warm caches: -m slow)
def test_interpreted_equals_sympy(name):
    """The interpreted module against sympy's own evaluation of F and DF (substitution and evalf at 30 digits:
    an independent route, no generated code), for every game and applicable regularizer."""
    import sympy as sp
    rng = np.random.default_rng(7)
    for reg, fld in _cases(name):
        it = fld.interpreted
        p = fld.param_vector()
        syms = list(fld.z) + list(fld.hyper)
        for _ in range(2):
            z = rng.normal(size=fld.n) * 1.5
            sub = {s_: sp.Float(float(v), 30) for s_, v in zip(syms, list(z) + list(p))}
            F_s = np.array(fld.F.subs(sub).evalf(30).tolist(), dtype=float).reshape(-1)
            D_s = np.array(fld.DF.subs(sub).evalf(30).tolist(), dtype=float)
            assert np.all(np.isfinite(F_s)) and np.all(np.isfinite(D_s))
            F_i = np.asarray(it.field(z, p, np.empty(fld.n)))
            D_i = np.asarray(it.jacobian(z, p, np.empty((fld.n, fld.n))))
            np.testing.assert_allclose(F_i, F_s, rtol=1e-11, atol=1e-12, err_msg=f"{name} {reg}")
            np.testing.assert_allclose(D_i, D_s, rtol=1e-11, atol=1e-12, err_msg=f"{name} {reg}")


@pytest.mark.parametrize("name", ["dirac", pytest.param("jare-gaussian", marks=pytest.mark.slow)])  # (3 s cold: -m slow)
def test_interpreted_equals_compiled(name):
    rng = np.random.default_rng(7)
    for reg, fld in _cases(name):
        if reg is not None and not isinstance(reg, (R1, InstanceNoise)):
            continue
        it = fld.interpreted
        cm = fld.compiled()
        p = fld.param_vector()
        for _ in range(3):
            z = rng.normal(size=fld.n) * 1.5
            F_i = np.asarray(it.field(z, p, np.empty(fld.n)))
            F_c = cm.field(z, p, np.empty(fld.n))
            np.testing.assert_allclose(F_i, F_c, rtol=1e-13, atol=1e-15, err_msg=f"{name} {reg}")
            D_i = np.asarray(it.jacobian(z, p, np.empty((fld.n, fld.n))))
            D_c = cm.jacobian(z, p, np.empty((fld.n, fld.n)))
            np.testing.assert_allclose(D_i, D_c, rtol=1e-13, atol=1e-15, err_msg=f"{name} {reg}")


def test_evaluator_gives_ieee_values_without_compiling():
    import sympy as sp
    x, y = sp.symbols("x y")
    # exp(x) at x = 1000 and 1/x at 0: OverflowError / ZeroDivisionError in plain Python, inf under numba's
    # error_model="numpy"; the rewritten interpreter gives numba's values (gandynamics._interpreted)
    fld = VectorField(Game([x], [y], x * y + sp.exp(x) + 1 / (x - 2), -x * y, equilibrium=None))
    f, df = fld.evaluator()
    p = fld.param_vector()
    out = f(np.array([1000.0, 0.0]), p)
    assert np.isinf(out[0]) and out[1] == -1000.0
    at_pole = f(np.array([2.0, 1.0]), p)
    J = df(np.array([2.0, 1.0]), p)
    assert "" not in fld.__dict__.get("_modules", {})  # nothing compiled
    cm = fld.compiled()
    np.testing.assert_array_equal(at_pole, cm.field(np.array([2.0, 1.0]), p, np.empty(2)))
    np.testing.assert_array_equal(J, cm.jacobian(np.array([2.0, 1.0]), p, np.empty((2, 2))))
    assert not np.all(np.isfinite(at_pole))


@pytest.mark.slow  # 2.1 s with warm caches on the 2-core CI machine
def test_a_new_game_is_analysed_in_a_fresh_process_without_compiling(tmp_path):
    """`gandynamics analyze` of a game never seen before writes no numba cache entry: nothing compiled."""
    env = dict(os.environ, GANDYNAMICS_CACHE_DIR=str(tmp_path / "gd"), NUMBA_CACHE_DIR=str(tmp_path / "nb"))
    out = subprocess.run([sys.executable, "-m", "gandynamics", "analyze", "dirac", "--reg", "r1:gamma=0.37",
                          "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    compiled = [f for _, _, files in os.walk(tmp_path / "nb") for f in files if f.endswith((".nbi", ".nbc"))]
    assert compiled == []
    import json
    eig = json.loads(out.stdout)["eigenvalues"]
    # docs/mathematics.md §1.7: -gamma/2 ± i sqrt(f'(0)^2 - gamma^2/4), f'(0) = 1/2
    re = [e["re"] if isinstance(e, dict) else e[0] for e in eig]
    assert np.allclose(sorted(re), [-0.185, -0.185], rtol=1e-12, atol=1e-12)


def test_deep_recursion_restores_the_limit_when_threads_overlap():
    import sys
    import threading
    from gandynamics._interpreted import deep_recursion
    before = sys.getrecursionlimit()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with deep_recursion():
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def b():
        a_in.wait(10)
        with deep_recursion():
            b_in.set()
            a_out.wait(10)  # a leaves first, b last: the limit must still come back to the original

    ts = [threading.Thread(target=f) for f in (a, b)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(20)
    assert sys.getrecursionlimit() == before
