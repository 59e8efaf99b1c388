"""Tests of gandynamics.reproduce, the studies' computed data and ``gandynamics reproduce``.

The data of each study is asserted against closed forms of docs/mathematics.md written here (never against the
study's own output); the CLI is smoke-tested on one figure into a temporary folder.
"""

import json
import math
import os

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
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


@pytest.mark.slow  # 1.9 s with warm caches on the 2-core CI machine
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
    # a second run leaves every written file byte-identical (timings, dates, hosts go to the untracked run log)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.name != ".run-log.json"}
    assert main(["reproduce", "r1-locus", "--out", str(tmp_path)]) == 0
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.name != ".run-log.json"}
    assert after == before
    log = json.loads((tmp_path / ".run-log.json").read_text())
    assert log["r1-locus"]["seconds"] > 0 and "date" in log["r1-locus"]


def test_cli_list_and_bad_name(capsys):
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    assert "m18-fig1" in out and "bilinear" in out
    assert main(["reproduce", "no-such-figure"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown figure" in err


def test_the_lists_columns_line_up_whatever_the_longest_name(capsys):
    """reproduce --list (and each run's row, and gandynamics list's sections) put the second column at one offset: a
    name longer than the column ("stability-boundaries", 20 characters in 18) had pushed its row's text right."""
    from gandynamics.cli.list_cmd import catalogue
    from gandynamics.reproduce import name_width
    assert main(["reproduce", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    w = name_width()
    assert w >= max(len(n) for n in studies())
    for line, name in zip(lines, studies()):
        assert line[:w].rstrip() == name and line[w] == " " and line[w + 1] != " ", line
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    cat = catalogue()
    for section in ("games", "losses", "regularizers", "methods"):
        starts = set()
        for e in cat[section]:
            line = next(x for x in out if x.startswith(f"  {e['name']} "))
            starts.add(len(line) - len(line[2 + len(e["name"]):].lstrip()))
        assert len(starts) == 1, (section, starts)


def test_a_figure_script_refuses_bad_input_in_one_line(tmp_path):
    """python studies/fig_NAME.py --out FILE (an existing file, not a folder): one line on stderr, prog: error: ...,
    status 2 (it printed "error: ..." on stdout and returned 2)."""
    import subprocess
    import sys
    f = tmp_path / "a_file"
    f.write_text("x")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = subprocess.run([sys.executable, os.path.join(root, "studies", "fig_bilinear.py"), "--out", str(f)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stdout == "", (p.stdout, p.stderr)
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("fig_bilinear.py: error: "), p.stderr


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
        "checks": [Check("w", 1.0, 1.0, "src", 1e-9, True).to_dict()], "ok": True}))
    text = write_readme(tmp_path).read_text()
    assert "![cap](img.png)" in text and "| w | 1 | 1 | src | 1e-09 | ✓ |" in text and "1 of 1 checks pass" in text


@pytest.mark.slow  # 3.8 s with warm caches on the 2-core CI machine
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


# ------------------------------------------------------------------------------------------------------
# Nothing lost: files gandynamics did not write are never replaced; Ctrl-C keeps what finished
def test_ownership_is_recognised_by_content(tmp_path):
    from gandynamics import reproduce as R
    import matplotlib.pyplot as plt

    def study(ctx):
        fig, ax = plt.subplots()
        ax.plot([0, 1])
        ctx.save(fig, "fig", "cap")
        ctx.write_text("table.md", "| a |\n")
    res = R.run_study(Study("own", "t", "p", study), tmp_path, formats=("png", "pdf"))
    assert res.ok, res.error
    for name in ("fig.png", "fig.pdf", "table.md", "own.json"):
        assert R.written_by_gandynamics(tmp_path / name), name
    assert R.written_by_gandynamics(write_readme(tmp_path))
    # a second run replaces its own files
    assert R.run_study(Study("own", "t", "p", study), tmp_path, formats=("png", "pdf")).ok
    # a user's file of the same name is never replaced: the study records the refusal
    (tmp_path / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n user's picture")
    res = R.run_study(Study("own", "t", "p", study), tmp_path)
    assert "was not written by gandynamics" in res.error
    assert (tmp_path / "fig.png").read_bytes() == b"\x89PNG\r\n\x1a\n user's picture"
    for text in ("# My notes\n", "{\"name\": 1}"):
        (tmp_path / "README.md").write_text(text)
        assert not R.written_by_gandynamics(tmp_path / "README.md")


def test_a_rerun_that_agrees_to_the_last_digits_leaves_every_file_as_it_was(tmp_path):
    """The last digits of eigenvalue routines, SDP solvers and compiled kernels vary with the CPU (the gallery
    committed on one machine was rewritten on another: 0.9412701148297576 -> ...287291, 3.0011e-14 -> 3.0705e-14,
    and two PNGs, so the README's first command left the tree dirty).  Each file is written only where its content
    changed beyond that (reproduce.same_content: numbers of the JSON and texts by more than 1e-9 relative / 1e-12
    absolute, a picture by more than a few pixels); a missing file is always written; a real change of a result,
    or of the drawing alone, rewrites the files it changes."""
    from gandynamics import reproduce as R
    import matplotlib.pyplot as plt
    drift = {"eps": 0.0, "tiny": 3.0011e-14, "style": "-"}

    def study(ctx):
        v = 0.9412701148297576 * (1 + drift["eps"])
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, v], drift["style"])
        ax.set_title(f"rate {v:.6f}")
        ctx.save(fig, "drift", "cap")
        ctx.write_text("drift.md", f"| rate | {v:.17g} |\n")
        ctx.check("rate", v, 0.9412701148, "closed form", tol=1e-6)
        ctx.check("deviation", drift["tiny"], 0.0, "closed form", tol=1e-9)

    def files():
        return {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.name != ".run-log.json"}

    assert R.run_study(Study("drift", "t", "p", study), tmp_path).ok
    first = files()
    assert set(first) == {"drift.png", "drift.md", "drift.json"}
    drift.update(eps=1e-14, tiny=3.0705e-14)               # another machine's last digits
    assert R.run_study(Study("drift", "t", "p", study), tmp_path).ok
    assert files() == first
    (tmp_path / "drift.png").unlink()                      # a missing file is written, the rest kept
    assert R.run_study(Study("drift", "t", "p", study), tmp_path).ok
    again = files()
    assert set(again) == set(first) and again["drift.json"] == first["drift.json"]
    drift.update(style="--")                               # the drawing alone changed: the picture, only
    assert R.run_study(Study("drift", "t", "p", study), tmp_path).ok
    drawn = files()
    assert drawn["drift.png"] != again["drift.png"] and {k: drawn[k] for k in ("drift.json", "drift.md")} == \
        {k: first[k] for k in ("drift.json", "drift.md")}
    drift.update(eps=1e-7)                                 # a real change of the result: its texts rewritten
    assert R.run_study(Study("drift", "t", "p", study), tmp_path).ok
    changed = files()
    assert all(changed[k] != drawn[k] for k in ("drift.json", "drift.md"))
    assert json.loads(changed["drift.json"])["checks"][0]["computed"] == pytest.approx(0.9412701148297576 * (1 + 1e-7),
                                                                                      rel=1e-15)


@given(st.recursive(st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-5, 5), st.booleans(),
                              st.text("ab =", max_size=4)),
                    lambda kids: st.one_of(st.lists(kids, max_size=3),
                                           st.dictionaries(st.sampled_from("xyz"), kids, max_size=3)),
                    max_leaves=12), st.data())
@settings(max_examples=200, deadline=None)
def test_results_agree_is_equality_up_to_the_last_digits(record, data):
    """results_agree against a perturbation of every number of a record (floats, and numbers inside texts): a
    relative 1e-13 agrees, a relative 1e-6 of a number of size >= 1e-3 does not, nor a changed word."""
    from gandynamics.reproduce import results_agree

    def perturb(r, rel, texts=True):
        if isinstance(r, bool) or isinstance(r, int):
            return r
        if isinstance(r, float):
            return r * (1 + rel)
        if isinstance(r, str):
            return r
        if isinstance(r, list):
            return [perturb(v, rel) for v in r]
        return {k: perturb(v, rel) for k, v in r.items()}

    wrapped = {"v": record, "t": f"rate {0.9412701148297576!r} at h = 0.05"}
    assert results_agree(wrapped, wrapped)
    near = perturb(wrapped, 1e-13)
    near["t"] = "rate 0.9412701148297670 at h = 0.05"
    assert results_agree(near, wrapped)
    far = perturb(wrapped, 1e-6)
    far["t"] = "rate 0.9412710000000000 at h = 0.05"
    assert not results_agree(far, wrapped)
    assert not results_agree(dict(wrapped, t="rate 0.9412701148297576 at k = 0.05"), wrapped)
    big = [x for x in _floats(wrapped["v"]) if abs(x) >= 1e-3]
    if big:
        assert not results_agree({"v": perturb(wrapped["v"], 1e-6), "t": wrapped["t"]}, wrapped)


def _floats(r):
    if isinstance(r, bool) or isinstance(r, int) or isinstance(r, str):
        return []
    if isinstance(r, float):
        return [r]
    if isinstance(r, list):
        return [x for v in r for x in _floats(v)]
    return [x for v in r.values() for x in _floats(v)]


def test_run_refuses_foreign_files_before_any_study(tmp_path):
    from gandynamics import reproduce as R
    from gandynamics.errors import GandynamicsError
    (tmp_path / "spectra.json").write_text("{\"mine\": true}\n")
    with pytest.raises(GandynamicsError, match="spectra.json' exists and was not written by gandynamics"):
        R.run(["spectra"], out=tmp_path)
    assert (tmp_path / "spectra.json").read_text() == "{\"mine\": true}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spectra.json"]


@pytest.mark.slow  # a fresh process importing every study's libraries (3 s)
def test_a_study_process_starts_with_one_numba_thread_sigint_ignored_and_its_libraries_frozen():
    """reproduce._worker_init: the libraries the studies share are imported and moved out of the cyclic garbage
    collector's reach (gc.freeze: its full collections then walk only what the studies build), and the collector
    still runs for the studies' own objects."""
    import subprocess
    import sys
    code = ("import gc, signal, sys; from gandynamics import reproduce as R; R._worker_init(); import numba, sympy; "
            "frozen = gc.get_freeze_count(); "
            "assert gc.isenabled() and numba.get_num_threads() == 1, 'threads'; "
            "assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN, 'sigint'; "
            "assert frozen > 50000, frozen; "
            "a = []; a.append(a); del a; assert gc.collect() >= 1, 'the collector finds new cycles'")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]


@pytest.mark.slow  # 3.6 s with warm caches on the 2-core CI machine
def test_ctrl_c_cancels_queued_studies_stops_workers_keeps_finished(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path
    out = tmp_path / "out"
    data = Path(__file__).parent / "data"
    # SIGINT as a terminal delivers it (a test runner started in the background may have it ignored)
    code = (f"import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            f"sys.path.insert(0, {str(data)!r}); import robust_studies as rs; "
            "from gandynamics import reproduce as R; R.STUDIES.clear(); "
            "R.STUDIES.update({s.name: s for s in rs.STUDIES}); "
            "R.studies = lambda: dict(R.STUDIES); "
            "from gandynamics.cli.reproduce import run; import argparse; "
            f"sys.exit(run(argparse.Namespace(list=False, names=[], out={str(out)!r}, pdf=False, jobs=2)))")
    p = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, MPLBACKEND="Agg"))
    deadline = time.time() + 300
    while time.time() < deadline:  # the quick study has finished and both workers are busy with slow ones
        if (out / "quick.json").exists() and len(list(out.glob("pid-*"))) >= 2:
            break
        time.sleep(0.5)
    else:
        p.kill()
        pytest.fail("the studies did not start")
    pids = [int(f.name[4:]) for f in out.glob("pid-*")]
    t0 = time.time()
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        raise
    assert time.time() - t0 < 20
    assert p.returncode == 130, err
    assert "interrupted; queued studies cancelled, kept 1 finished (quick)" in err and "Traceback" not in err
    time.sleep(1)
    for pid in pids:  # the workers are gone
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert not alive, pid
    assert len(pids) == 2  # slow-c was queued, never started
    readme = (out / "README.md").read_text()
    assert "## quick" in readme and "slow-a" not in readme.split("## quick")[1]
    assert (out / "quick.png").read_bytes()[:4] == b"\x89PNG"


def _layout_defects(fig):
    """Text boxes of ``fig`` that overlap (suptitle, axes titles and labels, legends) and axes legends that
    cover plotted points, after drawing; ``[]`` for a clean layout."""
    import itertools
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        boxes.append(("suptitle", fig._suptitle.get_window_extent(r)))
    for i, ax in enumerate(fig.axes):
        for t in (ax.title, ax.xaxis.label, ax.yaxis.label):
            if t.get_text():
                boxes.append((f"axes {i} {t.get_text()[:20]!r}", t.get_window_extent(r)))
        if ax.get_legend() is not None:
            boxes.append((f"axes {i} legend", ax.get_legend().get_window_extent(r)))
    bad = [f"{a} overlaps {b}" for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]
    for i, ax in enumerate(fig.axes):
        lg = ax.get_legend()
        if lg is None:
            continue
        b = lg.get_window_extent(r)
        for ln in ax.lines:
            p = ax.transData.transform(np.asarray(ln.get_xydata(), float))
            p = p[np.all(np.isfinite(p), axis=1)]
            if np.any((p[:, 0] > b.x0) & (p[:, 0] < b.x1) & (p[:, 1] > b.y0) & (p[:, 1] < b.y1)):
                bad.append(f"axes {i} legend covers {ln.get_label()!r}")
    return bad


@pytest.mark.slow  # (draws two whole studies, ~13 s: in CI's `-m slow` run, keeping the README's command under 3 min)
@pytest.mark.parametrize("name", ["basin", "stability-boundaries"])
def test_figure_layout_has_no_overlap(tmp_path, monkeypatch, name):
    # basin_dirac had its suptitle over the panel titles and legends over trajectories; stability_boundaries
    # a legend over the GD Neimark-Sacker curve (found by looking at the gallery; the figures are drawn in full)
    seen = {}
    save = Context.save

    def checked_save(self, fig, stem, caption):
        seen[stem] = _layout_defects(fig)
        return save(self, fig, stem, caption)

    monkeypatch.setattr(Context, "save", checked_save)
    assert main(["reproduce", name, "--out", str(tmp_path), "--jobs", "1"]) == 0
    assert seen and all(v == [] for v in seen.values()), seen


#: the library calls that certify with a wall-clock budget (max_seconds)
_BUDGETED = {"rates", "certify_constants", "check_constants", "monotone_radius", "basin"}


def test_every_certification_of_a_study_is_bounded_by_boxes_not_the_clock():
    """The gallery's numbers must not depend on the machine's load: each certifying call in the studies
    (gandynamics/studies/*.py: rates, certify_constants, check_constants, monotone_radius, basin) passes
    max_seconds=GUARD_SECONDS, a guard, so that it stops on its box budget or tolerance (asymmetric-eftp gave its
    2 s budget: under load its mu bracket came out different)."""
    import ast
    from pathlib import Path

    import gandynamics.studies as pkg
    from gandynamics.studies.base import GUARD_SECONDS
    assert GUARD_SECONDS >= 300
    calls = []
    for path in sorted(Path(pkg.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in _BUDGETED:
                    kw = {k.arg: k.value for k in node.keywords}
                    guard = isinstance(kw.get("max_seconds"), ast.Name) and kw["max_seconds"].id == "GUARD_SECONDS"
                    calls.append((path.name, node.lineno, name, guard))
    assert len(calls) >= 6, calls  # (the test reads the studies: asymmetric's rates, basin's radii and basins)
    assert all(guard for *_, guard in calls), [c for c in calls if not c[3]]


@pytest.mark.slow  # 5.4 s with warm caches on the 2-core CI machine
def test_a_box_limited_certification_gives_the_same_brackets_on_a_clock_30_times_faster(monkeypatch):
    """The asymmetric-eftp table's Dirac-GAN 'Tikhonov only' row, whose mu bracket never meets its tolerance
    (mu = 0 at the equilibrium) and stops at the 20,000-box budget (about 1 s idle): with the certification's clock
    running 30 times fast (a machine 30 times slower, for the wall-clock budget) the brackets are the same, bitwise;
    with the study's former 2 s budget they were not (the budget bound first)."""
    import time
    import types

    import gandynamics.analysis.constants as C
    from gandynamics import VectorField, games
    from gandynamics.analysis.rates import rates
    from gandynamics.regularizers import Tikhonov
    from gandynamics.studies.base import GUARD_SECONDS
    fld = VectorField(games.make_game("dirac"), [Tikhonov(eps=0.1, anchor=0)])

    def brackets(seconds):
        _, info = rates(fld, ("eftp",), step="theory", region="ball:0.02", tol=1e-2, max_seconds=seconds, measure=False)
        return [info[k][e] for k in ("mu", "lipschitz") for e in ("lo", "hi")], info["mu"]["boxes"]

    want, boxes = brackets(GUARD_SECONDS)
    assert 20000 - 2 < boxes <= 20000  # (the box budget bound, spent in pairs: the case this test is about)
    t0 = time.perf_counter()
    monkeypatch.setattr(C, "time", types.SimpleNamespace(perf_counter=lambda: t0 + 30 * (time.perf_counter() - t0)))
    assert brackets(GUARD_SECONDS) == (want, boxes)
    assert brackets(2.0)[1] < boxes  # the former budget: the clock bound first
