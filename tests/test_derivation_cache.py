"""The derivation cache of gandynamics.field: keyed on a game's *definition* (before any differentiation).

Proven here: a warm field (cache hit: neither the game's losses, F, DF, cse nor printing are computed) has the
very source a from-scratch derivation prints, and gives bitwise the values of the cold field; the key is the
same in another process (another hash seed) and differs when one coefficient, one strength symbol, one
quadrature node count, one regularizer option, the loss or the generator/discriminator split differs; a damaged
entry (truncated, edited, not an entry) is discarded and everything is derived again.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from gandynamics import R1, VectorField, games
from gandynamics import codegen, symdiff
from gandynamics.game import GAN, Game
from gandynamics.regularizers import SGA, Consensus, InstanceNoise, WGANGP

POINTS = [np.array([0.3, -0.7]), np.array([-1.2, 0.4]), np.array([2.0, 1.5])]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GANDYNAMICS_CACHE_DIR", str(tmp_path))
    return tmp_path


def _entries(folder):
    return sorted(folder.glob("source_*.txt"))


def _no_derivation(monkeypatch):
    """Make every derivation step raise: differentiation, building a GAN's losses, printing source."""
    def boom(*a, **k):
        raise AssertionError("a cache hit must not derive")
    monkeypatch.setattr(symdiff.Differentiator, "diff", boom)
    monkeypatch.setattr(GAN, "to_game", boom)
    monkeypatch.setattr(codegen, "generate_source", boom)


@pytest.mark.parametrize("make", [lambda: (games.dirac(), [R1(gamma=0.3)]),            # a GAN, gan-stage
                                  lambda: (games.quadratic(), [Consensus(gamma=0.2)]),  # a Game, field-stage
                                  lambda: (games.bilinear(), [])])
def test_warm_field_equals_cold_bitwise_without_deriving(cache, monkeypatch, make):
    cold = VectorField(*make())
    p = cold.param_vector()
    src = cold.generated_source
    assert src == cold.source()                       # what was stored is what F and DF print to
    f_cold = [cold.interpreted.field(z, p, np.empty(2)) for z in POINTS]
    j_cold = [cold.interpreted.jacobian(z, p, np.empty((2, 2))) for z in POINTS]
    c_cold = [cold.compiled().jacobian(z, p, np.empty((2, 2))) for z in POINTS]
    ref = VectorField(*make())          # an independent derivation from the losses (sympy.diff, no cache)
    F_ref = sp.Matrix([sp.diff(ref.game.loss_g, t) for t in ref.game.theta]
                      + [sp.diff(ref.game.loss_d, q) for q in ref.game.psi])
    for reg, g in ref._pending:
        F_ref = reg.transform(F_ref, ref.z, g)

    _no_derivation(monkeypatch)
    warm = VectorField(*make())
    assert "F" not in warm.__dict__
    assert isinstance(warm.model, Game) or "game" not in warm.__dict__
    assert warm.generated_source == src
    mod = codegen.load_interpreted(warm.generated_source)   # a fresh interpreted module of the warm source
    for i, z in enumerate(POINTS):
        np.testing.assert_array_equal(mod.field(z, p, np.empty(2)), f_cold[i])
        np.testing.assert_array_equal(mod.jacobian(z, p, np.empty((2, 2))), j_cold[i])
        np.testing.assert_array_equal(warm.compiled().jacobian(z, p, np.empty((2, 2))), c_cold[i])
        # against the symbolic F of the independent derivation, evaluated by sympy
        sub = {s_: sp.Float(float(v)) for s_, v in zip(ref.z + ref.hyper, list(z) + list(p))}
        exact = np.array([float(sp.sympify(e).xreplace(sub).evalf(30)) for e in F_ref])
        np.testing.assert_allclose(f_cold[i], exact, rtol=1e-13, atol=1e-15)
    assert warm.nonsmooth_at(POINTS[0]) == cold.nonsmooth_at(POINTS[0])
    assert len(_entries(cache)) == 1


def test_kinks_are_stored_with_the_source(cache, monkeypatch):
    # WGAN-GP on the Dirac-GAN: |grad_x D| = |psi| is not differentiable at the equilibrium (docs/mathematics.md §1.4)
    cold = VectorField(games.dirac(), [WGANGP()])
    cold.generated_source
    want = cold.nonsmooth_at((0.0, 0.0))
    assert want and cold.nonsmooth_at((0.0, 0.5)) == []
    entry = json.loads(codegen.read_cached_text(_entries(cache)[0]))
    assert entry["kinks"] and all(isinstance(k, str) for k in entry["kinks"])
    assert entry["kink_factors"] and len(entry["kink_factors"]) == len(entry["kinks"])
    _no_derivation(monkeypatch)
    warm = VectorField(games.dirac(), [WGANGP()])
    assert warm.nonsmooth_at((0.0, 0.0)) == want and warm.nonsmooth_at((0.0, 0.5)) == []
    # the kink's coefficient is stored too: target = 0 (R1's smooth field) reads smooth without deriving F,
    # as in the cold field (where F is derived)
    assert warm.nonsmooth_at((0.0, 0.0), {"target": 0.0}) == [] == cold.nonsmooth_at((0.0, 0.0), {"target": 0.0})
    assert warm.nonsmooth_at((0.0, 0.0), {"target": 0.5}) == want
    assert "F" not in warm.__dict__


@pytest.mark.slow  # 2.4 s with warm caches on the 2-core CI machine
def test_key_is_the_same_in_another_process(cache):
    code = ("from gandynamics import VectorField, games, R1; "
            "print(VectorField(games.make_game('mlp', k=2), [R1(gamma=0.3)])._definition_key)")
    keys = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr
        keys.add(r.stdout.strip().splitlines()[-1])
    keys.add(VectorField(games.make_game("mlp", k=2), [R1(gamma=0.3)])._definition_key)
    assert len(keys) == 1


def _quad(c):
    x, y = sp.symbols("x y", real=True)
    return Game([x], [y], c * x**2 / 2 + x * y, -x * y + y**2 / 2, equilibrium=(0, 0))


def _key(model, regs=()):
    return VectorField(model, list(regs))._definition_key


def test_equal_definitions_share_a_key_and_any_change_misses(cache):
    x, y, gam, gco = sp.Symbol("x", real=True), sp.Symbol("y", real=True), sp.Symbol("gamma", real=True), \
        sp.Symbol("gamma_co", real=True)
    # equal definitions, built separately, share the key (and the entry)
    assert _key(_quad(sp.Float(1.0))) == _key(_quad(sp.Float(1.0)))
    assert _key(games.dirac(), [R1(gamma=0.3)]) == _key(games.dirac(), [R1(gamma=0.9)])  # strengths are symbols
    # one coefficient
    assert _key(_quad(sp.Float(1.0))) != _key(_quad(sp.Float(1.0000001)))
    # one regularizer strength symbol: the consensus strength is gamma_co when gamma is taken, else gamma
    g1 = Game([x], [y], gam * x * y, -gam * x * y, hyper={gam: 1.0}, equilibrium=(0, 0))
    g2 = Game([x], [y], gco * x * y, -gco * x * y, hyper={gco: 1.0}, equilibrium=(0, 0))
    f1, f2 = VectorField(g1, [Consensus()]), VectorField(g2, [Consensus()])
    assert {s.name for s in f1.hyper} == {s.name for s in f2.hyper} == {"gamma", "gamma_co"}
    assert f1._definition_key != f2._definition_key
    # one quadrature node count (instance noise: Gauss-Hermite nodes per dimension)
    assert _key(games.dirac(), [InstanceNoise(order=3)]) != _key(games.dirac(), [InstanceNoise(order=4)])
    # one option of a field-stage regularizer (same symbols)
    assert _key(games.quadratic(), [SGA(align=False)]) != _key(games.quadratic(), [SGA(align=True)])
    # the loss: standard and non-saturating share f and differ only in the generator's form
    assert _key(games.dirac(loss="standard")) != _key(games.dirac(loss="non-saturating"))
    # the generator/discriminator split of the same symbols and losses
    a, b = sp.symbols("a b", real=True)
    s1 = Game([a], [b], a * b + a**2, -a * b + b**2, equilibrium=(0, 0))
    s2 = Game([a, b], [sp.Symbol("c", real=True)], a * b + a**2, -a * b + b**2, equilibrium=(0, 0, 0))
    assert _key(s1) != _key(s2)
    # one discriminator coefficient of a GAN (mlp data atoms are A* z + b*: width changes everything)
    assert _key(games.make_game("mlp", k=2)) != _key(games.make_game("mlp", k=3))


@pytest.mark.parametrize("damage", ["truncate", "edit", "not-json", "no-source"])
def test_damaged_entry_is_derived_again(cache, monkeypatch, damage):
    cold = VectorField(games.dirac(), [R1(gamma=0.3)])
    src = cold.generated_source
    (path,) = _entries(cache)
    raw = path.read_text()
    if damage == "truncate":
        path.write_text(raw[: len(raw) // 2])
    elif damage == "edit":
        path.write_text(raw.replace("def field", "def fie1d"))
    else:  # a valid stamp over something that is not an entry
        codegen.write_cached_text(path, "{not json" if damage == "not-json" else json.dumps({"kinks": []}))
    calls = []
    real = codegen.generate_source
    monkeypatch.setattr(codegen, "generate_source", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = VectorField(games.dirac(), [R1(gamma=0.3)])
    assert again.generated_source == src and calls == [1]     # regenerated, not read
    z, p = np.array([0.4, -0.2]), again.param_vector()
    np.testing.assert_array_equal(again.eval_F(z), cold.eval_F(z))
    assert json.loads(codegen.read_cached_text(path))["source"] == src   # and stored again
    calls.clear()
    VectorField(games.dirac(), [R1(gamma=0.3)]).generated_source
    assert calls == []


def test_interpreted_module_is_imported_from_the_cache(cache):
    fld = VectorField(games.bilinear(), [])
    mod = fld.interpreted
    files = list(cache.glob("gandynamics_gen_interp_*.py"))
    assert len(files) == 1 and "from gandynamics._interpreted import njit" in files[0].read_text()
    np.testing.assert_array_equal(mod.field(np.array([1.0, 2.0]), np.empty(0), np.empty(2)), [2.0, -1.0])
