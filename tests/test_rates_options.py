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
    with pytest.raises(GandynamicsError, match="la_k apply to none of gd, eg"):
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
