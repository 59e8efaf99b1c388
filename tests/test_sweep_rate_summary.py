"""The rates in ``gandynamics sweep``'s summary (``cli.sweep.rates_text`` over
:meth:`gandynamics.runs.results.SweepResult.rate_summary`): its end-of-run summary counted verdicts per method and
said nothing of how fast the converging rows converged.  The printed numbers are checked against an independent
computation: plain-NumPy iterations of gd and extragradient on the linear game ``quadratic`` (``F(z) = J z``,
``J = [[a, b], [-b, c]]``), whose per-step rate is the spectral radius of the iteration matrix (``I - h J`` for gd,
``I - h J (I - h J)`` for eg), each step's exactly for ``a = c`` (a normal matrix)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gandynamics.cli import main


def _numpy_rate(method: str, h: float, a: float, b: float, c: float, steps: int = 60) -> float:
    """The rate per step of ``method`` on quadratic over the last half of ``steps``, by plain NumPy iteration; checked
    against the spectral radius of its iteration matrix."""
    J = np.array([[a, b], [-b, c]])
    M = np.eye(2) - h * J if method == "gd" else np.eye(2) - h * J @ (np.eye(2) - h * J)
    z = np.array([1.0, 1.0])  # (the sweep's default start: the equilibrium + 1)
    norms = [np.linalg.norm(z)]
    for _ in range(steps):
        z = M @ z
        norms.append(np.linalg.norm(z))
    rate = (norms[steps] / norms[steps // 2]) ** (1.0 / (steps - steps // 2))
    assert rate == pytest.approx(max(abs(np.linalg.eigvals(M))), rel=1e-9)  # (a = c: every step's factor)
    return rate


def _summary(capsys, tmp_path, *options):
    code = main(["sweep", "quadratic", "--steps", "60", "-o", str(tmp_path / "t.csv"), "--no-progress", *options])
    out = capsys.readouterr().out
    assert code == 0, out
    return out.split("rates per step of the converging rows", 1)[1]


R = r"(\d\.\d+|0|1)"


@pytest.mark.parametrize("steps_axis, b_axis", [("0.1:0.5:3", "0.5:1:2"), ("0.05:0.45:2", "1:2:3"),
                                                ("0.2:0.6:5", "0.25")])
def test_the_summary_says_each_grid_point_rate_and_the_methods_median_range(capsys, tmp_path, steps_axis, b_axis):
    """A small grid (at most SMALL_GRID points): a line per point with its rate; per method the median, the range
    and the number of converging rows; each number the closed form's to the 4 digits shown."""
    hs = np.linspace(*[float(v) for v in steps_axis.split(":")[:2]], int(steps_axis.split(":")[2]))
    bs = (np.linspace(*[float(v) for v in b_axis.split(":")[:2]], int(b_axis.split(":")[2])) if ":" in b_axis
          else np.array([float(b_axis)]))
    grid = ["--grid", f"step={steps_axis}"] + (["--grid", f"b={b_axis}"] if ":" in b_axis else
                                               ["--param", f"b={b_axis}"])
    text = _summary(capsys, tmp_path, "--method", "gd,eg", *grid)
    for method in ("gd", "eg"):
        every = {(h, b): _numpy_rate(method, h, 1.0, b, 1.0) for h in hs for b in bs}
        assert not any(0.97 < v < 1.03 for v in every.values())  # (no row near the edge of converging in 60 steps)
        expect = {k: v for k, v in every.items() if v < 1}  # (the converging rows)
        block = text.split(f"  {method}: ", 1)[1].split("\n  eg: ", 1)[0] if method == "gd" else \
            text.split("  eg: ", 1)[1]
        head = block.splitlines()[0]
        m = re.match(rf"median {R}, from {R} to {R}, of (\d+) converging rows", head)
        assert m, head
        rates = np.array(list(expect.values()))
        for shown, value in zip(m.groups()[:3], (np.median(rates), rates.min(), rates.max())):
            assert float(shown) == pytest.approx(value, abs=6e-4 * value), (method, head, value)
        assert int(m.group(4)) == len(rates) and (f"(of {len(every)})" in head) == (len(rates) < len(every)), head
        points = re.findall(rf"^    (step=[^:]+): {R}$", block, flags=re.M)
        if len(every) == 1:
            continue
        assert len(points) == len(expect), block
        assert len(re.findall(r"^    step=[^:]+: no converging row \(of 1\)$", block, flags=re.M)) == \
            len(every) - len(expect), block
        for where, shown in points:
            vals = dict(kv.split("=") for kv in where.split(", "))
            h, b = float(vals["step"]), float(vals.get("b", bs[0]))
            key = min(expect, key=lambda k: abs(k[0] - h) + abs(k[1] - b))
            assert float(shown) == pytest.approx(expect[key], abs=6e-4 * expect[key]), (method, where, shown)


def test_a_large_grid_says_the_range_and_the_fastest_row_with_its_values(capsys, tmp_path):
    """Beyond SMALL_GRID points: no line per point; the median, the range and the fastest row with its grid
    values, which are the closed form's fastest."""
    text = _summary(capsys, tmp_path, "--method", "gd", "--grid", "step=0.05:0.95:19", "--grid", "b=0.5:1.5:3")
    hs, bs = np.linspace(0.05, 0.95, 19), np.linspace(0.5, 1.5, 3)
    expect = {(h, b): _numpy_rate("gd", h, 1.0, b, 1.0) for h in hs for b in bs}
    conv = {k: v for k, v in expect.items() if v < 0.99}  # (the rows that converge in 60 steps)
    m = re.search(rf"gd: median {R}, from {R} to {R}, of (\d+) converging rows(?: \(of 57\))?; fastest {R} at\s+"
                  rf"step=([\d.]+), b=([\d.]+)", text)
    assert m, text
    best = min(conv, key=conv.get)
    assert float(m.group(2)) == pytest.approx(conv[best], abs=6e-4) and float(m.group(5)) == float(m.group(2))
    assert (float(m.group(6)), float(m.group(7))) == pytest.approx(best)
    assert not re.search(r"^    step=", text, flags=re.M)


def test_no_converging_row_is_said():
    """A method none of whose rows converges says so, with how many rows it has (no NaN, no empty median)."""
    from gandynamics.cli.sweep import rates_text
    groups = {"gd": {"all": {"values": {}, "rows": 4, "converging": 0, "median": None, "min": None, "max": None,
                             "fastest": None}, "by": None}}
    assert rates_text(groups, ["gd"]).splitlines()[-1] == "  gd: no converging row (of 4)"


def test_rate_summary_groups_and_leaves_out_rows_without_a_rate_per_step():
    """The library's summary: converging rows with a finite rate and no power-law exponent, grouped by the columns
    asked, in the table's order; the fastest row's index and grid values."""
    from gandynamics.runs.results import SweepResult
    cols = {"method": np.array(["gd"] * 5 + ["eg"]), "step": np.array([0.1, 0.1, 0.2, 0.2, 0.3, 0.1]),
            "rate": np.array([0.9, 0.8, 0.7, np.nan, 0.5, 0.95]),
            "algebraic": np.array([np.nan, np.nan, np.nan, np.nan, -1.0, np.nan]),
            "verdict": np.array(["converging", "converging", "converging", "converging", "converging", "diverged"]),
            "distance": np.zeros(6), "finished": np.ones(6, bool)}
    res = SweepResult(cols, [("method", np.array(["gd", "eg"])), ("init", np.array([0])),
                             ("step", np.array([0.1, 0.2, 0.3]))], True, 10, ["x", "y"])
    assert res.varied() == ["step"]
    s = res.rate_summary("gd")[0]
    assert (s["rows"], s["converging"], s["median"], s["min"], s["max"]) == (5, 3, 0.8, 0.7, 0.9)
    assert s["fastest"] == {"row": 2, "rate": 0.7, "at": {"step": 0.2}}
    by = res.rate_summary("gd", by=["step"])
    assert [(g["values"]["step"], g["rows"], g["converging"], g["median"]) for g in by] == [
        (0.1, 2, 2, pytest.approx(0.85)), (0.2, 2, 1, 0.7), (0.3, 1, 0, None)]
    assert res.rate_summary("eg")[0]["converging"] == 0


def test_a_grid_value_a_method_does_not_take_neither_splits_nor_labels_its_rows(capsys, tmp_path):
    """gd has no beta: in a sweep of gd and momentum over beta and step, gd's beta column is NaN, and each of its rows
    made a group of its own ("beta=nan, step=0.1" twice: NaN != NaN), its fastest row "at" beta None (a review).  gd's
    rows group by step alone, each step's rows counted together; momentum's by both."""
    import json

    from gandynamics.cli import main
    argv = ["sweep", "dirac", "--reg", "r1:gamma=0.3", "--method", "gd,momentum", "--grid", "beta=0:0.5:2", "--grid",
            "step=0.1:0.3:2", "--steps", "500", "--out", str(tmp_path / "a.csv"), "--json", "--no-progress"]
    assert main(argv) == 0
    d = json.loads(capsys.readouterr().out)["rates_by_method"]
    gd = d["gd"]["by"]
    assert [g["values"] for g in gd] == [{"step": 0.1}, {"step": 0.3}], gd
    assert all(g["rows"] == 2 for g in gd)  # (both betas' rows of each step: one group)
    assert "beta" not in d["gd"]["all"]["fastest"]["at"]
    assert sorted(tuple(sorted(g["values"])) for g in d["momentum"]["by"]) == [("beta", "step")] * 4


def test_rows_not_run_are_said_not_to_have_run():
    """After a Ctrl-C: "eg: no converging row (of 20000)" of rows none of which ran (a new user)."""
    from gandynamics.cli.sweep import rates_text
    from gandynamics.runs.results import SweepResult
    cols = {"method": np.array(["gd", "gd", "eg", "eg"]), "step": np.array([0.1, 0.2, 0.1, 0.2]),
            "rate": np.array([0.9, np.nan, np.nan, np.nan]), "algebraic": np.full(4, np.nan),
            "verdict": np.array(["converging", "not run", "not run", "not run"]),
            "distance": np.zeros(4), "finished": np.array([True, False, False, False])}
    res = SweepResult(cols, [("method", np.array(["gd", "eg"])), ("init", np.array([0])),
                             ("step", np.array([0.1, 0.2]))], False, 10, ["x", "y"])
    assert res.rate_summary("gd")[0]["not_run"] == 1 and res.rate_summary("eg")[0]["not_run"] == 2
    groups = {m: {"all": res.rate_summary(m)[0], "by": None} for m in ("gd", "eg")}
    assert rates_text(groups, ["gd", "eg"]).splitlines()[-1] == "  eg: not run (all 2 rows: the sweep was interrupted)"
    groups["eg"]["all"] = dict(groups["eg"]["all"], rows=5)
    assert rates_text(groups, ["gd", "eg"]).splitlines()[-1] == "  eg: no converging row (of 5, 2 not run)"


@pytest.mark.parametrize("gamma", [0.3, 0.6, 1.5])
def test_a_step_sweep_says_the_steps_that_converge_up_to_the_last_below_the_stable_bound(capsys, tmp_path, gamma):
    """The question a step-size sweep asks: up to which step does every start converge?  On the R1 Dirac-GAN from near
    z* (the linear regime; its kernel is the one the other tests compile) gd's multipliers 1 - h lambda and eg's
    1 - h lambda + (h lambda)^2, lambda the eigenvalues of a finite-difference Jacobian (complex at gamma = 0.3 and 0.6,
    real at 1.5), are inside the unit circle up to a step: the summary names the grid steps below it, contiguous."""
    from test_equilibria import _fd_jacobian

    from gandynamics import R1, VectorField, games
    from gandynamics.cli.sweep import step_ranges
    grid = np.round(np.linspace(0.05, 3.0, 60), 10)
    code = main(["sweep", "dirac", "--reg", f"r1:gamma={gamma}", "--method", "gd,eg", "--steps", "3000", "--init",
                 "0.01,0.01", "--grid", "step=0.05:3:60", "-o", str(tmp_path / "s.csv"), "--no-progress", "--json"])
    import json
    d = json.loads(capsys.readouterr().out)
    assert code == 0
    fld = VectorField(games.dirac(), [R1(gamma=gamma)])
    lam = np.linalg.eigvals(_fd_jacobian(fld, np.zeros(2), fld.param_vector()))
    bound = {"gd": [h for h in grid if np.max(np.abs(1 - h * lam)) < 1 - 1e-3],
             "eg": [h for h in grid if np.max(np.abs(1 - h * lam + (h * lam) ** 2)) < 1 - 1e-3]}
    for m in ("gd", "eg"):
        (g,) = d["converging_steps_by_method"][m]
        assert g["contiguous"] and g["converging"] == pytest.approx(bound[m]), m
    from gandynamics.runs.results import SweepResult
    res = SweepResult.load(tmp_path / "s.csv")
    assert step_ranges(res, ["gd", "eg"]) == d["converging_steps_by_method"]
