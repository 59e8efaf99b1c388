"""Method options in rates (every option a method declares as a rate option reaches its rates, measured and
local; gandynamics.analysis.rates.rates(options=...) and the CLI flags made from the declarations)."""

import json

import numpy as np
import pytest

from gandynamics import R1, VectorField, games
from gandynamics.analysis.rates import rate_options, rates
from gandynamics.cli import main
from gandynamics.errors import GandynamicsError
from gandynamics.methods import METHODS

FLD = VectorField(games.dirac(), [R1(gamma=0.3)])


def _lookahead_rate(A, h, base, k, alpha):
    """rho(I + alpha (M^k - I))^(1/k), M the base's iteration matrix written out here (gd, eg)."""
    I = np.eye(len(A))
    M = I - h * A if base == "gd" else I - h * A + h * h * A @ A
    L = I + alpha * (np.linalg.matrix_power(M, k) - I)
    return float(np.max(np.abs(np.linalg.eigvals(L)))) ** (1.0 / k)


@pytest.mark.parametrize("base,k,alpha", [("gd", 5, 0.5), ("eg", 10, 0.3), ("gd", 3, 0.9)])
def test_lookahead_options_reach_the_local_and_the_measured_rate(base, k, alpha):
    rows, info = rates(FLD, ["lookahead"], step=0.4, options={"base": base, "la_k": k, "la_alpha": alpha},
                       max_seconds=2)
    r = rows[0]
    assert r.options == {"base": base, "la_k": k, "la_alpha": alpha}
    want = _lookahead_rate(np.array(info["A"]), 0.4, base, k, alpha)
    assert r.local_rate == pytest.approx(want, rel=1e-12, abs=0)
    assert r.measured_rate == pytest.approx(want, rel=2e-3, abs=0)


def test_options_no_method_takes_are_refused_and_values_are_checked():
    with pytest.raises(GandynamicsError, match="^option 'la_k' applies to none of gd, eg"):
        rates(FLD, ["gd", "eg"], options={"la_k": 3}, measure=False, max_seconds=1)
    with pytest.raises(GandynamicsError, match="la_k must be a whole number"):
        rates(FLD, ["lookahead"], options={"la_k": 0}, measure=False, max_seconds=1)
    assert set(rate_options("lookahead")) == {"base", "la_k", "la_alpha"}
    assert rate_options("altmomentum") == rate_options("momentum")


def test_every_declared_rate_option_is_a_flag_of_the_rates_command(capsys):
    import argparse
    from gandynamics.cli.rates import add_parser
    p = add_parser(argparse.ArgumentParser().add_subparsers())
    flags = {a.dest for a in p._actions}
    for m in METHODS.values():
        assert set(m.extra.get("rate_options", ())) <= flags, m.name
    code = main(["rates", "dirac", "--reg", "r1:gamma=0.3", "--methods", "lookahead", "--base", "eg", "--la-k", "10",
                 "--la-alpha", "0.3", "--step", "0.4", "--no-measure", "--json"])
    assert code == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert row["options"] == {"base": "eg", "la_k": 10, "la_alpha": 0.3}
    assert row["local_rate"] == pytest.approx(_lookahead_rate(FLD.eval_DF(np.zeros(2)), 0.4, "eg", 10, 0.3),
                                              rel=1e-12, abs=0)


def test_a_method_undefined_at_the_equilibrium_or_step_gets_its_own_row_not_a_traceback():
    import warnings

    import sympy as sp
    from gandynamics import Game
    x, y = sp.symbols("x y", real=True)
    minus_z = VectorField(Game([x], [y], -x**2 / 2, -y**2 / 2, equilibrium=(0, 0)))  # A = -I: I + 1 * A = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from 1 / (1 + h lam) either
        rows, _ = rates(minus_z, ["proximal", "gd"], step=1.0, max_seconds=1)
        bil, _ = rates(VectorField(games.bilinear()), ["ftr", "eg"], max_seconds=1)
    assert rows[0].step_rule == "undefined" and "singular linear system" in rows[0].note and rows[0].local_rate is None
    assert rows[1].local_rate == pytest.approx(2.0, rel=1e-12, abs=0)  # gd: 1 - h(-1) = 2
    # z <- 2 z: the start's largest entry, 0.0362, passes the bound 1e6 at step 25 (0.0362 * 2^25 = 1.2e6)
    assert rows[1].ended == "diverged at step 25 (bound)"
    assert bil[0].step_rule == "undefined" and "DF_psipsi is singular" in bil[0].note
    assert bil[1].optimal_rate == pytest.approx(np.sqrt(3) / 2, rel=1e-9, abs=0)  # eg on the bilinear game


def test_the_rates_command_names_an_undefined_method_once(capsys):
    assert main(["rates", "bilinear", "--methods", "ftr,eg", "--no-measure"]) == 0
    out = capsys.readouterr().out
    assert "ftr: the discriminator's Hessian block DF_psipsi is singular" in out and "no stable step" not in out
    # (with measuring on, the row's note and its bound's note were both printed, each naming the method: "ftr: ftr: ...")
    assert main(["rates", "bilinear", "--methods", "ftr,eg"]) == 0
    out = capsys.readouterr().out
    assert out.count("DF_psipsi is singular") == 1 and "ftr: ftr:" not in out


# ---- found by the adversarial review of session 5 (each failed before its fix)
@pytest.fixture(scope="module")
def dirac_r1():
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


@pytest.mark.parametrize("methods, kw, msg", [
    (["gd", "eg"], {"beta": 0.5}, r"beta applies to none of gd, eg \(it is for momentum, altmomentum"),
    ("momentum", {"n_g": 2}, r"n_g applies to none of momentum \(it is for altgd"),
    ("lookahead", {"beta": 0.5}, r"beta applies to none of lookahead"),  # lookahead over gd (its default base)
    (["eftp"], {"n_d": 3}, r"n_d applies to none of eftp"),
])
def test_rates_refuses_beta_n_g_n_d_that_no_method_takes(dirac_r1, methods, kw, msg):
    """rates(beta=0.5) over gd and eg ignored beta and returned gd's and eg's rows as if it were not given (the CLI
    refused --beta there, the library did not): the rule is the library's now (analysis.rates.takes)."""
    with pytest.raises(GandynamicsError, match=msg):
        rates(dirac_r1, methods, measure=False, **kw)


def test_rates_beta_defaults_and_applies_where_taken(dirac_r1):
    rows, _ = rates(dirac_r1, ["gd", "momentum"], step=0.2, measure=False)  # beta not given: 0 for momentum
    mom0 = [r for r in rows if r.method == "momentum"][0].local_rate
    rows, _ = rates(dirac_r1, ["gd", "momentum"], step=0.2, beta=-0.3, measure=False)
    mom = [r for r in rows if r.method == "momentum"][0].local_rate
    assert mom != mom0
    rows, _ = rates(dirac_r1, "lookahead", options={"base": "altgd"}, n_d=3, step=0.2, measure=False)
    assert rows[0].options.get("n_d") == 3


@pytest.mark.parametrize("step,says", [(5.0, True), (4.5, True), (3.9, False), (1.0, False)])
def test_a_given_step_without_convergence_is_said(capsys, step, says):
    """rates --step h beyond the largest stable step printed the local rate above 1 in the table and nothing more:
    the note says so and where the method is stable. gd on the R1 Dirac-GAN (gamma = 1): DF(0)'s double eigenvalue
    1/2 gives |1 - h/2| < 1 for h < 4 (closed form)."""
    assert main(["rates", "dirac", "--reg", "r1", "--methods", "gd", "--step", str(step), "--no-measure"]) == 0
    out = capsys.readouterr().out
    assert (f"local rate {abs(1 - step / 2):g} >= 1 at h = {step:g}: no convergence there (stable for h < 4)" in out) == says


@pytest.mark.parametrize("step", [5e-324, 1e-300, 1e-13, 1e-12, 1.5e-12, 4 - 1e-12, 4 - 1.7e-12, 4 - 1e-13, 4.0, 4.0 + 1e-12,
                                  1e-11, 4 - 1e-11, 0.3, 3.9])
def test_a_step_within_rounding_of_no_contraction_is_said_to_converge_slowly(capsys, step):
    """rates --step 1e-12 printed 1 - 5e-13 in the table and "local rate 1 >= 1 at h = 1e-12: no convergence there
    (stable for h < 4)" below it.  By the closed form (gd on the R1 Dirac-GAN, gamma = 1: rate |1 - h/2|, stable for
    0 < h < 4), a step in (0, 4) whose rate is within STABLE_TOL (1e-12) of 1 converges, too slowly for a run to show,
    and only h >= 4 has no convergence; the note's step is told apart from h_max (3.999999999999 is not "4")."""
    assert main(["rates", "dirac", "--reg", "r1", "--methods", "gd", "--step", repr(step), "--no-measure"]) == 0
    out = capsys.readouterr().out
    exact = abs(1 - step / 2)
    slow = 0 < step < 4 and 1 - exact < 1e-12
    assert ("it converges, too slowly for a run to show" in out) == slow
    assert ("no convergence there" in out) == (step >= 4)
    if slow or step > 4:
        assert f"h = {float(f'{step:.6g}'):g}" in out or f"h = {step:.15g}" in out
    if slow and f"{step:.6g}" == "4":
        assert f"h = {step:.15g}," in out


@pytest.mark.parametrize("step", ["1e10", "1e160", "1e300"])
def test_rates_at_a_huge_step_is_a_table_not_a_traceback(capsys, step):
    """rates --step 1e300: altgd's and lookahead's iteration matrices overflow (h^2 A^2, inf - inf NaN beside it) and
    numpy's eigvals and SVD raised LinAlgError, a traceback (a new user).  Such a matrix's spectral radius is beyond
    the doubles: inf, every method's row printed."""
    from gandynamics.cli import main
    code = main(["rates", "dirac", "--reg", "r1", "--step", step, "--methods", "gd,altgd,eg,eftp,lookahead"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err, err
    for m in ("gd", "altgd", "eg", "eftp", "lookahead"):
        assert f"  {m}: " in out, (m, out)


def test_the_spectral_radius_of_an_overflowed_iteration_matrix_is_inf():
    from gandynamics.analysis.rates import matrix_eigenvalues, spectral_radius
    assert spectral_radius(np.array([[np.inf, 1.0], [np.nan, 0.0]])) == np.inf
    assert np.all(np.isinf(matrix_eigenvalues(np.array([[1e308, np.inf], [0.0, 1.0]]))))
    assert spectral_radius(np.array([[0.0, 2.0], [-2.0, 0.0]])) == pytest.approx(2.0, rel=1e-15)  # (finite: numpy's)


def test_a_flow_step_far_longer_than_the_solutions_scale_stops_instead_of_running_for_ever():
    """rates --step 1e10 --methods flow measured the flow with adaptive Dormand-Prince at rtol 1e-12: each output
    step of length 1e10 needed ~10^9 sub-steps (stability bounds them by ~1/|lambda|), for ever and deaf to Ctrl-C.
    One output step may take at most DP_MAX_SUBSTEPS sub-steps: the run stops there, reason 'stepsize'."""
    from gandynamics import R1, VectorField, games, simulate
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    tr = simulate(fld, "flow", [1.0, 1.0], 3, 1e10, scheme="dopri5", rtol=1e-12, atol=1e-300, engine="compiled")
    assert tr.stopped and tr.reason == "stepsize" and tr.diverged_at == 1
    assert "needed more than 10^5 sub-steps" in tr.describe()
    # a step within the solution's scale is integrated as before (the flow's exact decay, docs/mathematics.md §1.9)
    ok = simulate(fld, "flow", [1.0, 1.0], 3, 1.0, scheme="dopri5", rtol=1e-12, atol=1e-300, engine="compiled")
    assert not ok.diverged


@pytest.mark.parametrize("base", ["x", "adam", "lookahead", "GD", 3])
def test_a_bad_base_is_refused_where_the_options_are_read_and_takes_only_answers(base):
    """``takes`` is a question (does one of these methods take this option?), never a check with a refusal as its
    side effect; a base lookahead cannot take is refused where rates and local_rate read their options, naming
    lookahead's bases, and by the command line's --base."""
    from gandynamics.analysis.rates import local_rate, takes
    for name in ("beta", "n_g", "n_d", "la_k"):
        assert takes(name, ["lookahead"], base) in (True, False)
    with pytest.raises(GandynamicsError, match="base"):
        rates(FLD, ["lookahead"], step=0.4, options={"base": base}, measure=False)
    with pytest.raises(GandynamicsError, match="base"):
        local_rate("lookahead", np.array([[0.3, 1.0], [-1.0, 0.3]]), 0.1, 1, base=base)


def _momentum_rho(A, h, beta):
    """The spectral radius of heavy ball's iteration matrix [[(1 + beta) I - h A, -beta I], [I, 0]], in plain NumPy."""
    n = A.shape[0]
    M = np.block([[(1 + beta) * np.eye(n) - h * A, -beta * np.eye(n)], [np.eye(n), np.zeros((n, n))]])
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def test_every_analysis_runs_momentum_at_its_declared_beta_unless_given():
    """The library's rate analyses ran momentum at beta = 0 (which is gd) where simulate, sweep and every command ran
    its declared -0.5 (a new user's finding: rates(field, ("momentum",)) printed gd's rate 0.953939, the command line
    0.824427).  Each function with a beta=None argument, called without it, gives what it gives at beta = -0.5 and
    not what it gives at 0; the rates against a plain NumPy heavy-ball matrix."""
    import gandynamics as gd
    from gandynamics import R1, VectorField, games
    import importlib
    R = importlib.import_module("gandynamics.analysis.rates")
    from gandynamics.analysis.continuation import continuation
    from gandynamics.analysis.cycles import method_map
    from gandynamics.methods import METHODS, beta_for
    from gandynamics.plotting import rate_grid
    declared = METHODS["momentum"].options[METHODS["momentum"].option_names.index("beta")].default
    assert declared == -0.5 and beta_for("momentum") == beta_for("altmomentum") == declared
    assert beta_for("gd") == 0.0 and beta_for("lookahead") == 0.0 and beta_for("lookahead", base="momentum") == declared
    assert beta_for("momentum", 0.3) == 0.3
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    A = fld.eval_DF(np.zeros(2), fld.param_vector(None))
    h = 0.7
    assert R.local_rate("momentum", A, h) == pytest.approx(_momentum_rho(A, h, -0.5), rel=1e-12)
    assert R.local_rate("momentum", A, h) != pytest.approx(_momentum_rho(A, h, 0.0), rel=1e-6)
    for fn in (lambda **kw: R.local_rate("momentum", A, h, **kw), lambda **kw: R.optimal_step("momentum", A, **kw),
               lambda **kw: R.largest_stable_step("momentum", A, **kw),
               lambda **kw: R.iteration_matrix("momentum", A, h, **kw).tolist(),
               lambda **kw: gd.rates(fld, ("momentum",), measure=False, **kw)[0][0].optimal_rate,
               lambda **kw: gd.classify(fld, methods="momentum", step=h, **kw).methods["momentum"]["spectral_radius"],
               lambda **kw: [round(e.value, 9) for e in continuation(fld, "gamma", 0.01, 0.5, method="momentum",
                                                                     step=2.7, **kw).events],
               lambda **kw: method_map(fld, "momentum", h, **kw)[0](np.array([0.3, 0.2, 0.1, 0.4])).tolist(),
               lambda **kw: rate_grid(fld, "momentum", [0.2, 0.5], [0.3, 0.9], **kw).tolist()):
        assert fn() == fn(beta=-0.5) != fn(beta=0.0)
    branch = continuation(fld, "gamma", 0.01, 0.5, method="momentum", step=2.7)
    assert branch.options == {"beta": -0.5} and branch.to_dict()["branch"]["options"] == {"beta": -0.5}
    assert continuation(fld, "gamma", 0.01, 0.5, method="gd", step=0.5).options == {}  # (the beta it ran at, recorded)
    row = gd.rates(fld, ("momentum", "gd"), measure=False)[0]
    assert row[0].options["beta"] == -0.5 and "beta" not in row[1].options  # (the value run, recorded)
    assert "momentum (beta=-0.5)" in repr(row[0])


def test_the_rates_command_names_the_beta_momentum_ran_at(capsys):
    """`gandynamics rates` said "momentum coefficient beta = -0.5 (the default of rates; --beta sets it)"; once the
    library chose the default, the command passed None and the clause was lost (a review): it is read from the rows."""
    from gandynamics.cli import main
    game = ["rates", "dirac", "--reg", "r1:gamma=0.3", "--no-measure"]
    assert main(game + ["--methods", "gd,momentum"]) == 0
    assert "; momentum coefficient beta = -0.5 (the default of rates; --beta sets it)" in capsys.readouterr().out
    assert main(game + ["--methods", "momentum", "--beta", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "; momentum coefficient beta = 0.2\n" in out and "the default" not in out
    assert main(game + ["--methods", "gd"]) == 0
    assert "momentum coefficient" not in capsys.readouterr().out
