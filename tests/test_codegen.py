import os
import subprocess
import sys
import textwrap

import numpy as np
import sympy as sp

from gandynamics import Game, R1, VectorField, games

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
    np.testing.assert_allclose(f.eval_F((1.5, -2.0)), [2 * -2.0 + 3.0, -(2 * 1.5)])
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
    np.testing.assert_allclose(f.eval_v((1e3, -1e3)), [1e3, 1e3], rtol=1e-15)
    np.testing.assert_allclose(f.eval_v((1e3, 1e3)), [0.0, 0.0], atol=1e-300)
