"""Tests of gandynamics.reproduce, the studies' computed data and ``gandynamics reproduce``.

The data of each study is asserted against closed forms of docs/mathematics.md written here (never against the
study's own output); the CLI is smoke-tested on one figure into a temporary folder.
"""

import json
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from gandynamics.cli import main  # noqa: E402
from gandynamics.reproduce import Check, Context, Study, studies, write_readme  # noqa: E402

FP = 0.5


def test_registry_lists_every_issue_figure():
    names = set(studies())
    assert {"spectra", "m18-fig1", "m18-fig2", "r1-locus", "nk17-scale", "jare-factors", "asymmetric-eftp",
            "rate-maps", "bilinear"} <= names
    for st in studies().values():
        assert st.title and st.paper


def test_context_check_tolerances(tmp_path):
    ctx = Context(Study("x", "t", "p", lambda c: None), tmp_path)
    assert ctx.check("a", 1.0 + 1e-10, 1.0, "s", tol=1e-9).passed
    assert not ctx.check("b", 1.1, 1.0, "s", tol=1e-9).passed
    assert ctx.check("c", [1j, -1j], np.array([1j, -1j]), "s", tol=1e-12).passed
    assert not ctx.check("d", float("nan"), 1.0, "s", tol=1.0).passed
    assert ctx.check("e", 1.05, 1.0, "s", tol=0.1, rel=True).passed
    assert not ctx.result.ok


def test_smoke_cli_one_figure(tmp_path, capsys):
    rc = main(["reproduce", "r1-locus", "--out", str(tmp_path)])
    assert rc == 0
    assert (tmp_path / "dirac_r1_eigenvalues.png").stat().st_size > 10000
    assert (tmp_path / "dirac_r1_vs_instance_noise.png").exists()
    readme = (tmp_path / "README.md").read_text()
    assert "![" in readme and "dirac_r1_eigenvalues.png" in readme
    assert "docs/mathematics.md §1.7" in readme
    res = json.loads((tmp_path / "r1-locus.json").read_text())
    assert res["ok"] and len(res["checks"]) >= 5
    assert "checks pass" in capsys.readouterr().out


def test_cli_list_and_bad_name(capsys):
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    assert "m18-fig1" in out and "bilinear" in out
    assert main(["reproduce", "no-such-figure"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown figure" in err


def test_failed_study_is_recorded_not_raised(tmp_path):
    from gandynamics import reproduce as R

    def boom(ctx):
        raise RuntimeError("kaput")
    st = Study("boom", "t", "p", boom)
    res = R.run_study(st, tmp_path)
    assert res.error.startswith("RuntimeError") and not res.ok
    miss = R.run_study(Study("m", "t", "p", boom, needs=("gandynamics.no_such_module",)), tmp_path)
    assert "gandynamics.no_such_module" in miss.missing


def test_r1_locus_data_closed_form():
    from gandynamics.studies.mescheder import r1_locus_data
    fp, gam, _, _, e_r1, e_in = r1_locus_data(m=13)
    assert fp == 0.5
    assert gam[-1] == pytest.approx(3 * FP)
    for g, a, b in zip(gam, e_r1, e_in):
        ref = np.array([-g / 2 + s * np.sqrt(complex(g * g / 4 - FP**2)) for s in (1, -1)])   # docs/mathematics.md §1.7
        assert np.max(np.min(np.abs(a[:, None] - ref[None, :]), axis=1)) < 1e-7
        assert np.max(np.min(np.abs(b[:, None] - ref[None, :]), axis=1)) < 1e-7              # IN at sigma = sqrt(2 gamma)


def test_fig2_spiral_grows_and_orbit_is_conserved():
    from gandynamics.studies.mescheder import fig2_data
    _, sim, alt, flow = fig2_data()
    # simultaneous GD, reference loop in plain numpy: z <- z + h v(z), v = (-psi f'(psi theta), theta f'(psi theta))
    z = np.array([1.0, 1.0])
    ref = [z.copy()]
    for _ in range(500):
        s = 1 / (1 + np.exp(z[0] * z[1]))
        z = z + 0.2 * np.array([-z[1] * s, z[0] * s])
        ref.append(z.copy())
    ref = np.array(ref)
    assert np.allclose(sim.states, ref, rtol=1e-12, atol=1e-12)
    r = np.linalg.norm(sim.states, axis=1)
    assert np.all(np.diff(r) > 0) and r[-1] > 2.5
    # the exact orbit: theta^2 + psi^2 conserved by the flow (M18 lemma, docs/mathematics.md §1.2)
    rf = np.linalg.norm(flow.states, axis=1)
    assert flow.states.shape[0] == 501
    assert np.max(np.abs(rf - math.sqrt(2))) < 1e-6
    # alternating GD stays on a bounded orbit
    ra = np.linalg.norm(alt.states, axis=1)
    assert 0.9 * math.sqrt(2) < ra.min() and ra.max() < 1.1 * math.sqrt(2)


def test_nk_wgan_orbit_conserves_H():
    from gandynamics.studies.nagarajan_kolter import orbits
    _, trs = orbits("wgan")
    for tr in trs:
        a, w = tr.states[:, 0], tr.states[:, 1]
        H = w**2 - np.log(a) + a**2 / 2          # docs/mathematics.md §2.3
        assert np.max(np.abs(H - H[0])) < 1e-6
        assert np.ptp(a) > 0.2                   # a genuine orbit, not a fixed point


def test_rate_map_contour_is_the_stability_limit():
    from gandynamics import VectorField, games
    from gandynamics.plotting import rate_grid
    from gandynamics.regularizers import R1
    from gandynamics.studies.rate_maps import contour_h
    fld = VectorField(games.dirac(), [R1()])
    G = np.linspace(0.05, 1.0, 20)
    H = np.linspace(0.02, 4.5, 90)
    V = contour_h(G, H, rate_grid(fld, "gd", G, H))
    sel = V[:, 0] <= 0.95
    assert np.max(np.abs(V[sel, 1] - V[sel, 0] / FP**2)) < H[1] - H[0]   # h = gamma / f'(0)^2, docs/mathematics.md §1.9


def test_jare_closed_form_polynomials_match_spectrum():
    from gandynamics import VectorField, spectrum
    from gandynamics.games import make_game
    from gandynamics.regularizers import JARE
    from gandynamics.studies.nie_patel import closed_form_eigs
    fld = VectorField(make_game("jare-gaussian", order=2), [JARE()])  # order >= 2 is exact at z*
    e = np.sort_complex(spectrum(fld, {"gamma": 2.0}).eigenvalues)
    # docs/mathematics.md §3.4 JARE: lambda^2 + (k d + 2 gamma c^2) lambda + c^2 (1 + gamma^2 c^2), d in {s^2, s^2 + |v|^2}
    ref = []
    for d in (0.49, 4.49):
        ref += list(np.roots([1, 0.5 * d + 2 * 2.0 * 0.25, 0.25 * (1 + 4.0 * 0.25)]))
    assert np.allclose(e, np.sort_complex(np.array(ref)), atol=1e-9)
    assert np.allclose(closed_form_eigs("JARE (γ)", 2.0), np.sort_complex(np.array(ref)), atol=1e-12)


def test_altgd_invariant_used_by_the_bilinear_study():
    # the altGD map of the bilinear game x' = x - h y, y' = y + h x' preserves Q = x^2 + y^2 - h x y
    x, y, h = sp.symbols("x y h", real=True)
    x1 = x - h * y
    y1 = y + h * x1
    Q = lambda a, b: a**2 + b**2 - h * a * b
    assert sp.expand(Q(x1, y1) - Q(x, y)) == 0


def test_write_readme_from_results(tmp_path):
    (tmp_path / "spectra.json").write_text(json.dumps({
        "name": "spectra", "title": "T", "paper": "P", "params": {"a": 1}, "notes": [], "tables": ["| x |"],
        "missing": "", "error": "", "seconds": 0.1, "images": [["img", "cap"]],
        "checks": [Check("w", 1.0, 1.0, "src", 1e-9, True).as_dict()], "ok": True}))
    text = write_readme(tmp_path).read_text()
    assert "![cap](img.png)" in text and "| w | 1 | 1 | src | 1e-09 | ✓ |" in text and "1 of 1 checks pass" in text


def test_every_study_has_a_runnable_script(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "studies"
    texts = {p.name: p.read_text() for p in root.glob("fig_*.py")}
    for name in studies():
        assert any(f'script_main("{name}")' in t for t in texts.values()), name
    r = subprocess.run([sys.executable, str(root / "fig_r1_locus.py"), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "dirac_r1_eigenvalues.png").exists() and "6/6 checks" in r.stdout


def test_fig1_panels_data():
    from gandynamics.regularizers import R1
    from gandynamics.studies.mescheder import _field, _run
    # (g) R1 gamma = 0.3, alternating GD, h = 0.2: det = 1 - h gamma, complex pair -> rho = sqrt(1 - h gamma)
    tr = _run(_field("standard", [R1(gamma=0.3)]), "altgd", {})
    assert tr.rate == pytest.approx(math.sqrt(1 - 0.2 * 0.3), abs=2e-3)          # docs/mathematics.md §1.9
    assert tr.states.shape == (501, 2) and np.array_equal(tr.states[0], [1.0, 1.0])
    # (c) WGAN with clipping: psi never leaves [-1, 1], and the run does not converge
    tr = _run(_field("wgan", []), "altgd", {"n_d": 5, "clip": 1.0})
    assert np.max(np.abs(tr.states[:, 1])) <= 1.0 and tr.distance[-1] > 0.1


def test_asymmetric_fixed_anchor_biases_the_lq_equilibrium():
    from gandynamics import VectorField, find_equilibrium
    from gandynamics.games import make_game
    from gandynamics.regularizers import Asymmetric
    eps = 0.1
    fld = VectorField(make_game("lq-wgan"), [Asymmetric(eps=eps, gamma=1.0, anchor=0, tikhonov_on="generator")])
    z, _ = find_equilibrium(fld)
    assert z[0] == pytest.approx(math.sqrt(1 - 2 * eps), abs=1e-9)   # docs/mathematics.md §4.3: a* = sqrt(1 - 2 eps)
    assert z[3] == pytest.approx(eps / 2, abs=1e-9)                   # w2* = eps/2 (derived: dL_G/da = a(eps - 2 w2))
    A = fld.eval_DF(z)
    assert np.min(np.linalg.eigvalsh((A + A.T) / 2)) == pytest.approx(0.0, abs=1e-12)
