"""Defects found by the adversarial review of the session's changes (lazy package, "stopped" verdict, maps, rate
options, wide sums); each test failed before its fix."""

import os
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from gandynamics import Game, VectorField, sweep


def test_lazy_subpackage_attribute_works_when_importlib_util_was_never_imported():
    # `import importlib` does not bind importlib.util: an interpreter whose start-up imported no importlib.util
    # (python -S, an embedded interpreter, a venv without .pth hooks) got "module 'importlib' has no attribute
    # 'util'" for gd.plotting, the documented way to reach the plotting module
    code = ("import sys\n"
            "assert 'importlib.util' not in sys.modules, 'start-up imported importlib.util'\n"
            "import gandynamics as gd\n"
            "print(gd.plotting.__name__, gd.errors.__name__)\n"
            "try:\n"
            "    gd.no_such_name\n"
            "except AttributeError as e:\n"
            "    print('AttributeError', 'no_such_name' in str(e))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p), MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env)
    if "start-up imported importlib.util" in run.stderr:
        pytest.skip("this interpreter imports importlib.util at start-up even with -S")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["gandynamics.plotting", "gandynamics.errors", "AttributeError", "True"]


@pytest.fixture(scope="module")
def stopped_sweep():
    # the proximal point method on F(z) = -z: z+ = z / (1 - h); at h = 1 the linear solve is singular (a stop),
    # h = 2 flips the sign every step (an orbit): one row stopped, one bounded, none diverged
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], -x**2 / 2, -y**2 / 2, equilibrium=(0, 0)))
    res = sweep(fld, "proximal", inits=[[1.0, 1.0]], grid={"step": [1.0, 2.0]}, steps=50, progress=False)
    assert list(res["verdict"]) == ["stopped", "bounded, not converging"]
    return fld, res


def test_sweep_summary_counts_a_stopped_row_once_and_not_as_diverged(stopped_sweep):
    from gandynamics._display import _sweep_counts
    _, res = stopped_sweep
    counts = _sweep_counts(res)
    assert counts["diverged"] == 0  # was 1: the "diverged" column (True for a stop) counted beside "stopped"
    assert counts["stopped"] == 1 and counts["bounded, not converging"] == 1 and counts["not run"] == 0
    assert "diverged=0" in repr(res) and "stopped=1" in repr(res)


def test_portrait_cli_says_stopped_for_a_run_whose_method_could_not_take_its_step(tmp_path, capsys):
    from gandynamics.cli import main
    # FTR on the bilinear game: DF_psipsi = 0, the first step's solve fails (a stop, not a divergence)
    assert main(["portrait", "bilinear", "--methods", "ftr", "--init", "1,1", "--steps", "20", "--step", "0.1",
                 "--out", str(tmp_path / "p.png")]) == 0
    out = capsys.readouterr().out
    assert "ftr: stopped at step 1" in out and "diverged at" not in out


def test_a_used_vector_field_pickles_to_another_process():
    # a field that has run (simulate: its interpreted module; compiled(): the numba module) held modules in its
    # __dict__ and could not be pickled ("cannot pickle 'module' object"): no process pool, no multiprocessing
    import pickle
    from gandynamics import R1, games, simulate
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    simulate(fld, "gd", [0.5, 0.5], 20, 0.1)
    fld.compiled()
    fld.interpreted
    z = [0.3, -0.2]
    code = ("import pickle, sys\n"
            "fld = pickle.loads(sys.stdin.buffer.read())\n"
            "print(repr(fld.eval_F([0.3, -0.2]).tolist()))\n")
    run = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(fld), capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
    assert eval(run.stdout.decode()) == fld.eval_F(z).tolist()  # same generated code: bit for bit
    assert "interpreted" in fld.__dict__ and fld.__dict__.get("_modules")  # the original keeps its caches


@pytest.fixture(scope="module")
def dirac_r1():
    from gandynamics import R1, games
    return VectorField(games.dirac(), [R1(gamma=0.3)])


def test_rates_lookahead_over_altgd_takes_n_g_and_n_d(dirac_r1):
    # rates forced n_g = n_d = 1 for every method but altgd itself: lookahead over altgd silently ignored them
    from gandynamics import rates
    rows, _ = rates(dirac_r1, "lookahead", options={"base": "altgd", "la_k": 3}, n_g=2, n_d=3, measure=False)
    r = rows[0]
    assert r.options == {"base": "altgd", "la_k": 3, "n_g": 2, "n_d": 3}
    A, h, I = dirac_r1.eval_DF(np.zeros(2)), r.step, np.eye(2)
    Pt = np.linalg.matrix_power(I - h * np.diag([1.0, 0.0]) @ A, 2)  # generator first: theta n_g times
    Pp = np.linalg.matrix_power(I - h * np.diag([0.0, 1.0]) @ A, 3)  # then psi n_d times
    C = I + 0.5 * (np.linalg.matrix_power(Pp @ Pt, 3) - I)  # the lookahead cycle, la_alpha 0.5
    want = np.max(np.abs(np.linalg.eigvals(C))) ** (1 / 3)
    np.testing.assert_allclose(r.local_rate, want, rtol=1e-10, atol=0)


def test_rates_lookahead_over_momentum_reports_the_beta_it_used(dirac_r1):
    # the rate of lookahead over momentum depends on beta, but the row's options (and the CLI's JSON) left it out
    from gandynamics import rates
    rows, _ = rates(dirac_r1, "lookahead", options={"base": "momentum"}, beta=0.3, measure=False)
    assert rows[0].options == {"base": "momentum", "beta": 0.3}


def test_rates_refusal_of_beta_in_options_does_not_call_it_accepted(dirac_r1):
    from gandynamics import GandynamicsError, rates
    with pytest.raises(GandynamicsError) as e:
        rates(dirac_r1, "momentum", options={"beta": 0.3}, measure=False)
    assert "(and beta" not in str(e.value) and "rates(beta=" in str(e.value)


def test_rates_refuses_an_option_that_contradicts_an_alias(dirac_r1):
    # altmomentum is momentum with alternating = true; alternating = false silently computed simultaneous momentum
    # under the name altmomentum
    from gandynamics import GandynamicsError, rates
    with pytest.raises(GandynamicsError, match="altmomentum is momentum with alternating=True"):
        rates(dirac_r1, "altmomentum", options={"alternating": False}, measure=False)
    rows, _ = rates(dirac_r1, "altmomentum,momentum", options={"alternating": "true"}, beta=-0.5, measure=False)
    assert rows[0].local_rate == rows[1].local_rate  # agreeing with the alias is fine


@pytest.mark.parametrize("name", ["proximal", "flow", "lookahead"])
def test_a_known_method_without_a_declared_map_is_not_called_unknown(dirac_r1, name):
    from gandynamics import GandynamicsError
    from gandynamics.analysis.cycles import MAP_METHODS, method_map
    with pytest.raises(GandynamicsError) as e:
        method_map(dirac_r1, name, 0.1)
    assert "unknown" not in str(e.value) and f"{name} declares no map" in str(e.value)
    assert ", ".join(MAP_METHODS) in str(e.value)
    with pytest.raises(GandynamicsError, match="unknown method 'sgd'"):
        method_map(dirac_r1, "sgd", 0.1)


def test_a_stopped_proximal_run_ends_at_the_last_state_the_method_reached(stopped_sweep):
    # the proximal kernel wrote its unsolved Newton iterate (here the explicit predictor z - h F(z) = 2 z) into the
    # state, so a stopped run's final state and distance were a point the method never reached (FTR keeps z_k)
    from gandynamics import simulate
    fld, res = stopped_sweep
    tr = simulate(fld, "proximal", [1.0, 1.0], 20, 1.0)
    assert tr.verdict == "stopped" and tr.diverged_at == 1
    np.testing.assert_array_equal(tr.final, [1.0, 1.0])
    np.testing.assert_array_equal(tr.states, [[1.0, 1.0], [1.0, 1.0]])
    assert res["final_x"][0] == 1.0 and res["final_y"][0] == 1.0
    np.testing.assert_allclose(res["distance"][0], np.sqrt(2.0), rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", ["adam", "eag", "flow"])
def test_continuation_says_why_a_known_method_cannot_be_continued(dirac_r1, name):
    from gandynamics import GandynamicsError
    from gandynamics.analysis.continuation import DISCRETE_METHODS, boundary_curve, continuation
    with pytest.raises(GandynamicsError) as e:
        continuation(dirac_r1, "h", 0.1, 1.0, method=name, params={"gamma": 0.3})
    msg = str(e.value)
    assert "unknown" not in msg and f"{name}:" in msg and ", ".join(DISCRETE_METHODS) in msg
    with pytest.raises(GandynamicsError) as e:
        boundary_curve(dirac_r1, "flip", ("gamma", "h"), (0.3, 1.0), method=name, step=1.0)
    assert "unknown" not in str(e.value) and f"{name}:" in str(e.value)
    with pytest.raises(GandynamicsError, match="unknown method 'sgd'"):
        continuation(dirac_r1, "h", 0.1, 1.0, method="sgd", params={"gamma": 0.3})
