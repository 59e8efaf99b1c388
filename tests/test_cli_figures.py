"""The command line's convergence figures (gandynamics.cli.figures): `rates --plot` (simulate --plot in
tests/test_cli_simulate.py): each measured run drawn, its local rate dashed at its own slope where the run converges
to z*, the path checked before anything is computed, one-line refusals."""

import re

import pytest

from gandynamics.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(text):
    """method -> (step, local, measured) of rates' table."""
    got = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+)\s+([0-9.e+-]+)\s+([0-9.e+-]+)\s+([0-9.e+-]+)\s", line)
        if m:
            got[m.group(1)] = tuple(float(v) for v in m.groups()[1:])
    return got


def test_rates_plot_draws_each_measured_run_at_the_slope_of_its_local_rate(capsys, tmp_path, saved_figures):
    """Every method's run, and a dashed line whose rate per step is the table's local rate (the closed form of §5.4 is
    tested on that column in tests/test_rates.py), the key giving the table's measured rate too."""
    out = tmp_path / "r.png"
    code, text, err = run(capsys, "rates", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd,eg,momentum",
                          "--plot", str(out))
    assert code == 0 and f"figure written to {out}" in text and out.read_bytes()[:4] == b"\x89PNG"
    table = _rows(text)
    (path, title, lines, keys), = saved_figures
    assert path == str(out)
    dashed = [(x, y) for ls, x, y in lines if ls == "--"]
    assert len(dashed) == 3 and len(keys) == 3
    slopes = sorted((y[-1] / y[0]) ** (1.0 / (x[-1] - x[0])) for x, y in dashed)
    assert slopes == pytest.approx(sorted(local for _, local, _ in table.values()), rel=1e-6)
    for (method, (_, local, measured)), key in zip(table.items(), keys):
        assert key.startswith(method) and f"predicted $\\rho$ = {local:.4f}, measured {measured:.4f}" in key
    assert "local rates predicted at z*" in " ".join(title.split())


def test_rates_plot_of_an_unstable_step_draws_the_run_without_its_rate(capsys, tmp_path, saved_figures):
    """At a given step where gd is unstable (local rate > 1) its run is drawn, keyed with its verdict, and no slope;
    eg, stable at the same step, keeps its own."""
    out = tmp_path / "u.svg"
    code, text, _ = run(capsys, "rates", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd,eg", "--step", "2.5",
                        "--plot", str(out))
    table = _rows(text)
    assert code == 0 and table["gd"][1] > 1.0 > table["eg"][1]
    (_, _, lines, keys), = saved_figures
    assert len([ln for ln in lines if ln[0] == "--"]) == 1
    assert keys[0] == f"gd: bounded, not converging; local rate at z* {table['gd'][1]:.4g} > 1: z* unstable at this step"
    assert "predicted" in keys[1]


def test_rates_plot_is_checked_before_anything_is_computed(capsys, tmp_path, count_calls):
    import importlib
    calls = count_calls(importlib.import_module("gandynamics.analysis.rates"), "rates")
    for argv, said in [(["--plot", str(tmp_path / "x.gif")], "the extension must be .png, .pdf or .svg"),
                       (["--plot", str(tmp_path / "no" / "x.png")], "does not exist"),
                       (["--plot", str(tmp_path / "x.png"), "--no-measure"], "not with --no-measure")]:
        code, text, err = run(capsys, "rates", "dirac", *argv)
        assert code == 2 and text == "" and err.startswith("gandynamics: error: ") and said in err, err
        assert len(err.strip().splitlines()) == 1
    assert calls[0] == 0


def test_rates_plot_with_no_run_measured_writes_nothing_and_says_so(capsys, tmp_path):
    """gd and eg unstable at every step on the Hopf normal form's repelling focus: nothing measured, no figure."""
    out = tmp_path / "h.png"
    code, text, err = run(capsys, "rates", "hopf", "--methods", "gd,eg", "--plot", str(out))
    assert code == 0 and not out.exists() and "figure written" not in text
    assert err.strip() == f"gandynamics: warning: {out} not written: no method's run was measured"



def test_a_growing_runs_key_gives_its_measured_rate_and_its_local_rate(capsys, tmp_path, saved_figures):
    """gd on the bilinear game grows by |1 - i h| = sqrt(1 + h^2) a step (its multipliers, closed form): the key says
    the measured and the local rate, which no slope shows (a figure review: "gd: growing" alone)."""
    import math
    out = tmp_path / "g.png"
    assert main(["simulate", "bilinear", "--method", "gd", "--step", "0.3", "--steps", "100", "--plot", str(out)]) == 0
    capsys.readouterr()
    (_, _, _, keys), = saved_figures
    rho = math.sqrt(1 + 0.3**2)
    assert keys == [f"gd: growing, measured {rho:.4g} per step; local rate at z* {rho:.4g} > 1: z* unstable at this step"]


def test_a_degenerate_hopf_point_says_what_is_degenerate(capsys, tmp_path, saved_figures):
    """The R1 Dirac-GAN at gamma = 0: the unregularized flow conserves theta^2 + psi^2, l1 = 0 (docs/mathematics.md
    §1.2); "degenerate" alone read as a fault (a figure review)."""
    assert main(["continue", "dirac", "--reg", "r1", "--vary", "gamma=0.5:-0.5", "--plot", str(tmp_path / "c.png")]) == 0
    capsys.readouterr()
    (_, _, _, keys), = saved_figures
    assert keys[-1] == "Hopf (H) at $\\gamma$ = 0, degenerate (first Lyapunov coefficient 0)"
