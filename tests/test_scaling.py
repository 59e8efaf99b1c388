"""The large-game pipeline: memoised differentiation (gandynamics.symdiff), the forward-mode Jacobian
route of codegen (F's cse program + edge lists, gandynamics._jvp), chunked printing, and the source cache.

References are independent: ``sympy.diff`` for derivatives, the entry-by-entry symbolic route and central
finite differences for the compiled Jacobian.  The timings themselves live in studies/bench_scaling.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from gandynamics import R1, VectorField, codegen, games
from gandynamics.losses import sigmoid, softplus
from gandynamics.symdiff import Differentiator, gradient, jacobian

x, y, z = sp.symbols("x y z", real=True)
a = sp.Symbol("a", real=True)   # a constant (not differentiated)

EXPRS = [
    x * y + a * x**2,
    sigmoid(x * y - z) * softplus(-x + a),
    sp.tanh(x + y) ** 3 / (1 + z**2),
    sp.exp(x * z) * sp.log(1 + y**2) + sp.sqrt(1 + x**2 + y**2),
    x**y + sp.Abs(x - 2 * y),
    sp.Max(x, y) + sp.sin(z) * sp.cos(x),
    softplus(-(x * sp.tanh(y) + z * sp.tanh(x))) + softplus(x * sp.tanh(y) + z * sp.tanh(x)),
]


@pytest.mark.parametrize("e", EXPRS, ids=range(len(EXPRS)))
def test_symdiff_equals_sympy_diff(e):
    D = Differentiator((x, y, z))
    rng = np.random.default_rng(3)
    for v in (x, y, z):
        d1, d2 = D.diff(e, v), sp.diff(e, v)
        for _ in range(3):
            pt = {x: sp.Float(rng.uniform(0.3, 2)), y: sp.Float(rng.uniform(-1, 1)), z: sp.Float(rng.uniform(-1, 1)),
                  a: sp.Float(0.7)}
            u = complex(sp.N(sp.sympify(d1).xreplace(pt).rewrite(sp.exp), 20))
            w = complex(sp.N(sp.sympify(d2).xreplace(pt).rewrite(sp.exp), 20))
            assert abs(u - w) < 1e-12 * max(1, abs(w)), (e, v)
    assert D.diff(e, a) == 0 or a in e.free_symbols   # a is not a variable: never differentiated


def _wide(rng, m, vs):
    """A sum (or product) of ``m`` random terms, each in one to three of the variables ``vs``: the shape of a sum
    over a network's units, wider than the 8 arguments below which :class:`Differentiator` scans its arguments."""
    fs = (sp.tanh, sigmoid, sp.sin, lambda u: u**2, softplus)
    terms = []
    for _ in range(m):
        pick = [vs[j] for j in rng.choice(len(vs), size=int(rng.integers(1, 4)), replace=False)]
        u = sum(sp.Integer(int(rng.integers(1, 4))) * p for p in pick)
        terms.append(sp.Float(rng.uniform(0.5, 1.5), 3) * fs[int(rng.integers(len(fs)))](u) + a)
    return sp.Add(*terms) if rng.random() < 0.6 else sp.Mul(*terms[: max(9, m // 8)])


@pytest.mark.parametrize("seed", range(8))
def test_symdiff_of_wide_sums_and_products_equals_sympy_diff(seed):
    rng = np.random.default_rng(seed)
    vs = sp.symbols(f"v0:{12}", real=True)
    e = softplus(_wide(rng, 40, vs)) * _wide(rng, 12, vs)
    D = Differentiator(vs)
    pt = {v: sp.Float(rng.uniform(-1, 1)) for v in vs} | {a: sp.Float(0.3)}
    for v in vs:
        u = complex(sp.N(D.diff(e, v).xreplace(pt).rewrite(sp.exp), 20))
        w = complex(sp.N(sp.diff(e, v).xreplace(pt).rewrite(sp.exp), 20))
        assert abs(u - w) < 1e-12 * max(1, abs(w)), (seed, v)


def test_gradient_of_a_sum_over_units_costs_its_size_not_n_times_it(count_calls):
    """The gradient of sum_i w_i tanh(v_i x) by its 2m parameters looks up which variables each term holds about
    once per term; scanning the m terms for each of the 2m variables was O(m^2) (4 m^2 lookups)."""
    m = 200
    w, v = sp.symbols(f"w0:{m}", real=True), sp.symbols(f"v0:{m}", real=True)
    s = sp.Add(*[w[i] * sp.tanh(v[i] * x) for i in range(m)])
    loss = softplus(s)
    calls = count_calls(Differentiator, "deps")
    g = gradient(loss, w + v)
    assert calls[0] < 40 * m, calls[0]
    assert sp.simplify(g[3] - sigmoid(s) * sp.tanh(v[3] * x)) == 0
    assert sp.simplify(g[m + 5] - sigmoid(s) * w[5] * x * (1 - sp.tanh(v[5] * x) ** 2)) == 0


def test_gradient_and_jacobian_helpers():
    f = x**2 * y + sp.tanh(z)
    assert [sp.simplify(g - h) for g, h in zip(gradient(f, (x, y, z)), [2 * x * y, x**2, 1 - sp.tanh(z) ** 2])] == [0, 0, 0]
    J = jacobian([x * y, y + z], (x, y, z))
    assert J == sp.Matrix([[y, x, 0], [0, 1, 1]])


def test_vectorfield_F_matches_plain_sympy_diff():
    fld = VectorField(games.mlp(k=2, dim=2, bias=True), [R1(gamma=0.3)])
    g = fld.game
    ref = [sp.diff(g.loss_g, t) for t in g.theta] + [sp.diff(g.loss_d, q) for q in g.psi]
    rng = np.random.default_rng(5)
    pt = dict(zip(fld.z, rng.normal(size=fld.n)))
    pt.update(zip(fld.hyper, fld.param_vector()))
    a_ = np.array([float(e.xreplace(pt)) for e in fld.F])
    b_ = np.array([float(e.xreplace(pt)) for e in ref])
    assert np.abs(a_ - b_).max() < 1e-13


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Force every program through the chunked printer (a few statements per compiled function)."""
    monkeypatch.setattr(codegen, "CHUNK", 3)
    monkeypatch.setattr(codegen, "CHUNK_CHARS", 60)


@pytest.mark.parametrize("model,regs,params,load", [
    # compiled (numba) in CI's -m slow pass: the 4-parameter chunked route 3.5 s cold, the quadratic 2.4 s (compiling
    # the chunks); the default pass runs the quadratic's same source interpreted (codegen.load_interpreted)
    pytest.param(lambda: games.dirac_nd(d=2), [R1(gamma=0.3)], {"gamma": 0.7}, "compiled", marks=pytest.mark.slow),
    pytest.param(lambda: games.quadratic(), [], {"a": 0.3, "b": -2.0, "c": 1.5}, "compiled", marks=pytest.mark.slow),
    (lambda: games.quadratic(), [], {"a": 0.3, "b": -2.0, "c": 1.5}, "interpreted"),
])
def test_forward_mode_route_equals_symbolic_and_finite_differences(model, regs, params, load, tiny_chunks):
    big = VectorField(model(), regs)
    big.DENSE_MAX = 0                          # the large-game route, whatever the size
    src = big.source()
    assert "_propagate" in src and "def _primal_c0" in src     # forward mode
    if big.n == 4:
        assert "def _primal_c1" in src   # and chunked
    m = codegen.load_module(src) if load == "compiled" else codegen.load_interpreted(src)
    p = big.param_vector(params)
    rng = np.random.default_rng(11)
    n = big.n
    for _ in range(3):
        zz = rng.normal(size=n)
        F = m.field(zz, p, np.empty(n))
        J = m.jacobian(zz, p, np.empty((n, n)))
        sub = dict(zip(big.z, zz))
        sub.update(zip(big.hyper, p))
        assert np.abs(F - np.array([float(e.xreplace(sub)) for e in big.F])).max() < 1e-13
        DF = np.array(big.DF.xreplace(sub), dtype=float)           # entry-by-entry symbolic reference
        assert np.abs(J - DF).max() < 1e-13
        h = 1e-6
        fd = np.column_stack([(m.field(zz + h * e, p, np.empty(n)) - m.field(zz - h * e, p, np.empty(n))) / (2 * h)
                              for e in np.eye(n)])
        assert np.abs(J - fd).max() < 1e-7


def test_source_cache_skips_generation(monkeypatch, tmp_path):
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path))
    first = VectorField(games.quadratic())._base_source
    assert list(tmp_path.glob("source_*.txt"))

    def boom(*args, **kw):
        raise AssertionError("a warm process must not regenerate the source")

    monkeypatch.setattr(codegen, "generate_source", boom)
    assert VectorField(games.quadratic())._base_source == first
    # a different game (different F) is a different entry
    with pytest.raises(AssertionError, match="warm process"):
        VectorField(games.quadratic_sga().with_losses(loss_g=games.quadratic().loss_g * 2))._base_source


def test_sympy_s_memo_is_sized_for_large_games_unless_the_user_set_it():
    """sympy memoises constructed expressions in caches of SYMPY_CACHE_SIZE entries, read once when sympy is first
    imported: gandynamics, imported first, sets a size that holds a large game's derivation (with sympy's 1,000, F of
    the 2,000-parameter mlp took 56 s instead of 24 s: each expression built again was a copy compared term by term),
    and keeps a size the user set.  In fresh processes, read from sympy itself."""
    import os
    import subprocess
    import sys

    import gandynamics
    code = "import gandynamics, sympy.core.cache as c; print(c.SYMPY_CACHE_SIZE)"
    env = {k: v for k, v in os.environ.items() if k != "SYMPY_CACHE_SIZE"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert int(out) == gandynamics._SYMPY_MEMO > 1000
    out = subprocess.run([sys.executable, "-c", code], env={**env, "SYMPY_CACHE_SIZE": "77"}, capture_output=True,
                         text=True, check=True).stdout
    assert int(out) == 77
