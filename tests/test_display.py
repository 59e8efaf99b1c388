"""gandynamics._display: short reprs, notebook HTML and LaTeX of fields and results.

Expected values are written out by hand (closed forms of docs/mathematics.md, formatted by the stated rule of
6 significant digits), the HTML is parsed as XML (well-formed, escaped), and the real result classes are
exercised once each so that a renamed attribute shows up here.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

import gandynamics as gd
from gandynamics import _display as D


def _parse(html: str) -> ET.Element:
    return ET.fromstring(f"<root>{html}</root>")


def _cells(html: str) -> list[str]:
    return ["".join(e.itertext()) for e in _parse(html).iter() if e.tag in ("td", "th")]


# ------------------------------------------------------------------------------------------ numbers
@pytest.mark.parametrize("value, text", [
    (0.5, "0.5"), (1 / 3, "0.333333"), (2.0, "2"), (-0.15, "-0.15"), (1e-20, "1e-20"), (123456789.0, "123456789"),
    (math.inf, "inf"), (-math.inf, "-inf"), (math.nan, "nan"), (None, "—"), (True, "yes"), (np.bool_(False), "no"),
    (complex(1, -2), "1 - 2i"), (complex(0.5, 0), "0.5"), (np.float64(2.5), "2.5"), ("abc", "abc"),
])
def test_num(value, text):
    assert D.num(value) == text


def test_eigenvalues_text_pairs_conjugates_and_orders_by_real_part():
    im = math.sqrt(0.25 - 0.3**2 / 4)           # R1 on the Dirac-GAN, docs/mathematics.md §1.7
    assert D.eigenvalues_text([complex(-0.15, -im), complex(-0.15, im)]) == "-0.15 ± 0.47697i"
    assert D.eigenvalues_text([-2.0, 1.0, complex(0, 1), complex(0, -1)]) == "1, 0 ± 1i, -2"
    assert D.eigenvalues_text([complex(1, 1)]) == "1 + 1i"                      # no partner: shown as is
    assert D.eigenvalues_text(np.arange(20.0), limit=3) == "19, 18, 17, … (17 more)"
    assert D.eigenvalues_text(None) == "—"


# ------------------------------------------------------------------------------------------ fields
def test_field_latex_bilinear():
    # L = x y: F = (y, -x), J = -DF = [[0, -1], [1, 0]] (docs/mathematics.md §5.5)
    s = gd.VectorField(gd.games.bilinear())._repr_latex_()
    assert s.startswith("$$") and s.endswith("$$")
    assert r"F(z) = \left[\begin{matrix}y\\- x\end{matrix}\right]" in s
    assert r"J = Dv = -DF = \left[\begin{matrix}0 & -1\\1 & 0\end{matrix}\right]" in s
    assert "J(z^*)" not in s                     # constant J is not repeated at z*


def test_field_latex_dirac_r1_at_equilibrium():
    # J(0, 0) = [[0, -f'(0)], [f'(0), -gamma]] with f'(0) = 1/2 (docs/mathematics.md §1.7)
    s = gd.VectorField(gd.games.dirac(), [gd.R1(gamma=0.3)])._repr_latex_()
    assert r"J(z^*) = \left[\begin{matrix}0 & - \frac{1}{2}\\\frac{1}{2} & - \gamma\end{matrix}\right]" in s
    assert r"\gamma = 0.3" in s and r"z = (\theta, \psi)" in s


def test_field_latex_large_field_is_summarised():
    xs = sp.symbols("x0:4", real=True)
    ys = sp.symbols("y0:4", real=True)
    L = sum(a * b for a, b in zip(xs, ys))
    s = gd.VectorField(gd.Game(theta=xs, psi=ys, loss_g=L, loss_d=-L, name="big"))._repr_latex_()
    assert "8 parameters" in s and "F(z) =" not in s


def test_field_repr_is_one_informative_line():
    # repr(field) was object.__repr__ ("<gandynamics.field.VectorField object at 0x...>"): print(field) told nothing
    fld = gd.VectorField(gd.games.dirac(), [gd.R1(gamma=0.3)])
    assert repr(fld) == str(fld) == "<VectorField name='dirac', z=(theta, psi), hyperparameters={'gamma': 0.3}, regularizers=['r1']>"
    xs = sp.symbols("x0:10", real=True)
    ys = sp.symbols("y0:10", real=True)
    L = sum(a * b for a, b in zip(xs, ys))
    big = gd.VectorField(gd.Game(theta=xs, psi=ys, loss_g=L, loss_d=-L, name="big"))
    assert repr(big) == "<VectorField name='big', z=(x0, x1, x2, x3, … (16 more)), hyperparameters={}, regularizers=[]>"


def test_tidy_fractions():
    x = sp.Symbol("x")
    e = D._tidy(sp.Float(0.5000000000000001) * x + sp.Float(math.pi))
    assert e == sp.Rational(1, 2) * x + sp.Float(math.pi, 6)


# ------------------------------------------------------------------------------------------ spectra
def test_spectral_report_repr_and_html():
    rep = gd.spectrum(gd.VectorField(gd.games.dirac(), [gd.R1(gamma=0.3)]))
    im = D.num(math.sqrt(0.25 - 0.0225))
    assert repr(rep) == (f"<SpectralReport point=(0, 0), eigenvalues=-0.15 ± {im}i, spectral_abscissa=-0.15, "
                         "verdict='locally asymptotically stable'>")
    cells = _cells(rep._repr_html_())
    row = dict(zip(cells[::2], cells[1::2]))
    assert row["eigenvalues of J"] == f"-0.15 ± {im}i"
    assert row["phase factor"] == D.num(math.sqrt(0.2275) / 0.15)
    assert row["verdict"] == "locally asymptotically stable"


def test_spectral_report_not_differentiable():
    rep = gd.spectrum(gd.VectorField(gd.games.dirac("wgan"), [gd.WGANGP()]))
    text = repr(rep)
    assert "differentiable='no: " in text.replace('"', "'") or "differentiable=no: " in text
    assert "eigenvalues" not in text
    _parse(rep._repr_html_())


# ------------------------------------------------------------------------------------------ trajectories
def test_trajectory_text_and_html_real():
    fld = gd.VectorField(gd.games.dirac(), [gd.R1(gamma=0.3)])
    t = gd.simulate(fld, "gd", [1.0, 1.0], steps=300, step=0.2)
    text = D.trajectory_text(t)
    assert text.startswith("<Trajectory method=gd, steps=300, step=0.2, ")
    assert f"rate={D.num(t.rate)}" in text
    cells = _cells(D.trajectory_html(t))
    row = dict(zip(cells[::2], cells[1::2]))
    assert row["start"] == "(1, 1)"
    assert row["distance: start → final"] == f"{D.num(math.sqrt(2))} → {D.num(t.final_distance)}"
    assert row["hyperparameters"] == "gamma=0.3"


def test_trajectory_diverged_text():
    t = SimpleNamespace(method="gd", step=(1.0, 1.0), steps=50, params={}, states=np.array([[1.0, 0.0]]),
                        distance=np.array([1.0, 2.0]), final=np.array([3e6, 1.0]), equilibrium=np.zeros(2),
                        rate=math.nan, diverged=True, diverged_at=42, reason="bound")
    assert D._status(t) == "diverged at step 42 (bound)"
    assert "status='diverged at step 42 (bound)'" in D.trajectory_text(t)
    t.classification = "bounded, not converging"
    t.diverged = False
    assert D._status(t) == "bounded, not converging"


# ------------------------------------------------------------------------------------------ sweeps
def test_sweep_text_and_html_real():
    # bilinear game, gd: |z_k| = |z_0| (1 + h^2)^(k/2) (docs/mathematics.md §5.5): after 100 steps from |z_0| = 1,
    # h = 0.05 reaches 1.13, h = 2 and h = 5 pass the divergence bound 1e6
    res = gd.sweep(gd.VectorField(gd.games.bilinear()), "gd", inits=[[1.0, 0.0]], grid={"step": [0.05, 2.0, 5.0]},
                   steps=100, progress=False)
    assert res["diverged"].tolist() == [False, True, True]
    text = D.sweep_text(res)
    assert "rows=3" in text and "'diverged': 2" in text and "'converging': 0" in text and "step (3)" in text
    html = D.sweep_html(res)
    root = _parse(html)
    body_rows = [r for r in root.iter("tr") if r.find("td") is not None and r.find("th") is None]
    assert len(body_rows) == 3
    first = ["".join(td.itertext()) for td in body_rows[0].iter("td")]
    assert first[:2] == ["gd", "0.05"]
    assert D.num(math.sqrt(1 + 0.05**2) ** 100) in first      # the final distance of the h = 0.05 run
    assert "first 3 of 3 rows" in "".join(root.itertext())


def test_sweep_html_truncates():
    n = 20
    Fake = type("Fake", (), {"__len__": lambda self: n})
    res = Fake()
    res.columns = {"method": np.array(["gd"] * n), "rate": np.linspace(0, 1, n), "diverged": np.zeros(n, bool),
                   "distance": np.ones(n)}
    res.dims, res.names, res.steps = [("method", ["gd"]), ("row", np.arange(n))], [], 10
    root = _parse(D.sweep_html(res))
    rows = [r for r in root.iter("tr") if r.find("td") is not None and r.find("th") is None]
    assert len(rows) == D.SWEEP_ROWS + 1 and "".join(rows[-1].itertext()).startswith("…")


# ------------------------------------------------------------------------------------------ constants
def _bracket(lo, hi, certified="hi", converged=True):
    return SimpleNamespace(lo=lo, hi=hi, certified=certified, converged=converged)


def test_constants_text_and_html():
    rep = SimpleNamespace(region=SimpleNamespace(describe=lambda: "ball of radius 1 around (0, 0)"),
                          params={"gamma": 0.3}, mu=_bracket(0.2499, 0.25, "lo"),
                          lipschitz=_bracket(1.4466, 1.4467, "hi", converged=False), boxes=12, seconds=0.5)
    assert D.constants_text(rep) == ("<ConstantsReport region=ball of radius 1 around (0, 0), mu=[0.2499, 0.25], "
                                     "L=[1.4466, 1.44671]>")  # (the double 1.4467 is above the decimal 1.4467)
    cells = _cells(D.constants_html(rep))
    row = dict(zip(cells[::2], cells[1::2]))
    assert row["mu (strong monotonicity of F)"] == "[0.2499, 0.25] (lower bound certified)"
    assert row["L (Lipschitz constant of F)"] == "[1.4466, 1.44671] (upper bound certified)"
    assert "budget reached" in row["note"]


def test_constants_real_bilinear():
    # F(z) = A z with A = [[0, 1], [-1, 0]]: L = ||A|| = 1, mu = lambda_min(sym A) = 0 (docs/mathematics.md §5)
    rep = gd.certify_constants(gd.VectorField(gd.games.bilinear()), "ball:1")
    cells = _cells(D.constants_html(rep))
    row = dict(zip(cells[::2], cells[1::2]))
    lo, hi = (float(v) for v in row["L (Lipschitz constant of F)"].split(" (")[0].strip("[]").split(", "))
    # 6 digits, rounded outward (_display.bound): the certified upper end 1 + 1e-15 shows as 1.00001, not 1
    np.testing.assert_allclose([lo, hi], [1.0, 1.0], rtol=0, atol=1.1e-5)
    assert lo <= rep.lipschitz.lo and hi >= rep.lipschitz.hi
    assert row["region"] == rep.region.describe()
    assert row["engine"] == rep.engine == ("order 2 (vectorised boxes; DF enclosed by its second-order mean-value and "
                                           "vertex forms)")


def test_check_text_and_html():
    res = SimpleNamespace(status="refuted", claims={"mu": 0.3, "L": None}, verdicts={"mu": "refuted"},
                          mu=_bracket(-0.8, 0.25, "lo"), lipschitz=None,
                          counterexample={"quantity": "lambda_min", "value": 0.25, "point": [0.0, 1.0]})
    assert D.check_text(res) == "<CheckResult status='refuted', claims={'mu': 0.3, 'L': None}>"
    cells = _cells(D.check_html(res))
    row = dict(zip(cells[::2], cells[1::2]))
    assert row["claim mu"] == "0.3: refuted"
    assert row["counterexample"] == "lambda_min = 0.25 at (0, 1)"
    assert row["L bracket"] == "—"


# ------------------------------------------------------------------------------------------ rates
def test_rates_text_and_html():
    rows = [SimpleNamespace(method="eg", step=1 / math.sqrt(2), local_rate=math.sqrt(3) / 2, optimal_step=None,
                            optimal_rate=None, largest_stable_step=1.0, measured_rate=None, bound=None,
                            bound_info={"note": "no linear-rate guarantee"})]
    table = D.rates_text(rows).splitlines()
    assert table[0].split()[:3] == ["method", "step", "local"]
    assert table[1].split()[:3] == ["eg", "0.707107", "0.866025"]
    assert table[1].endswith("— (no linear-rate guarantee)")
    cells = _cells(D.rates_html(rows))
    assert cells[len(D._RATE_COLUMNS):][:3] == ["eg", "0.707107", "0.866025"]


def test_rates_html_real():
    rows, _ = gd.rates(gd.VectorField(gd.games.bilinear()), methods=("eg",), measure=False)
    html = D.html(rows)                              # a list of rate rows dispatches to the table
    cells = _cells(html)
    body = cells[len(D._RATE_COLUMNS):]
    assert body[0] == "eg"
    # EG on the bilinear game: optimal step 1/sqrt 2, rate sqrt(3)/2 (docs/mathematics.md §5.5)
    assert body[3] == D.num(1 / math.sqrt(2)) and body[4] == D.num(math.sqrt(3) / 2)


# ------------------------------------------------------------------------------------------ dispatch
def test_dispatch_and_escaping():
    class Thing:
        pass

    t = Thing()
    assert D.text(t).startswith("<") and "Thing object" in D.text(t)
    assert D.html(t).startswith("<pre>&lt;")
    html = D._table("a<b", [("x&y", "<script>")])
    assert "<script>" not in html and "&lt;script&gt;" in html
    _parse(html)


def test_bracket_text():
    b = SimpleNamespace(lo=0.2, hi=0.25, certified="lo")
    assert D.bracket_text(b) == "[0.2, 0.25] (lower bound certified)"
    assert D.bracket_text(None) == "—"


@pytest.mark.slow  # 1.3 (a fresh process) s with warm caches on the 2-core CI machine
def test_plotting_reachable_lazily():
    import subprocess
    import sys
    code = ("import sys, gandynamics as gd\n"
            "assert 'matplotlib' not in sys.modules, 'import gandynamics imported matplotlib'\n"
            "assert 'plotting' in dir(gd)\n"
            "assert callable(gd.plotting.phase_portrait)\n"
            "assert 'matplotlib' in sys.modules\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


# ---- found by the adversarial review of session 5 (each failed before its fix)
def test_sweep_summary_counts_a_stopped_row_once_and_not_as_diverged(stopped_sweep):
    from gandynamics._display import _sweep_counts
    _, res = stopped_sweep
    counts = _sweep_counts(res)
    assert counts["diverged"] == 0  # was 1: the "diverged" column (True for a stop) counted beside "stopped"
    assert counts["stopped"] == 1 and counts["bounded, not converging"] == 1 and "not run" not in counts
    assert "'diverged': 0" in repr(res) and "'stopped': 1" in repr(res)


# ---- verdict names are shown as they are (review of session 13: the repr printed bounded,_not_converging=25)
def _table_with(labels, cls=None):
    """A SweepResult (or, with ``cls``, a duck-typed object) whose verdict column holds ``labels``."""
    from gandynamics.runs.results import SweepResult
    n = len(labels)
    cols = {"method": np.array(["gd"] * n), "distance": np.ones(n), "rate": np.full(n, 0.5),
            "verdict": np.array(labels), "diverged": np.array([v == "diverged" for v in labels]),
            "finished": np.array([v != "not run" for v in labels])}
    return SweepResult(columns=cols, dims=[("method", ["gd"]), ("row", np.arange(n))], product=False, steps=10,
                       names=[])


def _mangled(label):
    return {label.replace(" ", "_"), label.replace(", ", "_").replace(" ", "_"), label.replace(" ", "")} - {label}


@pytest.mark.parametrize("present", [(v,) for v in gd.verdict.VERDICTS + ("not run",)]
                         + [gd.verdict.VERDICTS, gd.verdict.VERDICTS + ("not run",)])
def test_every_verdict_is_shown_verbatim_in_the_repr_and_html(present):
    from gandynamics.runs.results import ROW_VERDICTS
    labels = [v for i, v in enumerate(present) for _ in range(i + 1)]  # counts 1, 2, 3, ...
    res = _table_with(labels)
    text, html = repr(res), res._repr_html_()
    counts = res.verdict_counts()
    assert list(counts)[:len(gd.verdict.VERDICTS)] == list(gd.verdict.VERDICTS) and set(counts) <= set(ROW_VERDICTS)
    for i, v in enumerate(present):
        assert f"{v!r}: {i + 1}" in text, text  # a dict with the name as the key
        assert f"{v}: {i + 1}" in "".join(_parse(html).itertext())
        assert counts[v] == i + 1
        for bad in _mangled(v):
            assert bad not in text and bad not in html
    assert eval(text.split("verdicts=", 1)[1].rstrip(">")) == counts  # the counts read back as a dict
    if "not run" not in present:
        assert "not run" not in text  # shown only for an interrupted sweep


def test_category_labels_are_values_not_keys_in_every_short_repr():
    """Every ``k=v`` of the short reprs has an identifier for k (a label with spaces is a value or a dict key)."""
    import re
    objs = [_table_with(list(gd.verdict.VERDICTS)),
            gd.spectrum(gd.VectorField(gd.games.dirac("wgan"), [gd.WGANGP()])),
            SimpleNamespace(status="holds (within the tolerance)", claims={"mu": 0.3})]
    texts = [repr(objs[0]), repr(objs[1]), D.check_text(objs[2])]
    assert "status='holds (within the tolerance)'" in texts[2]
    for t in texts:
        pieces = _top_level_split(t[t.index(" ") + 1:-1])
        keys = [p.partition("=")[0] for p in pieces]
        assert all(k.isidentifier() for k in keys), (t, keys)
    old = "<SweepResult dims=row (4), steps=10, rows=4, not_run=0, bounded,_not_converging=1, converging=1>"
    assert not all(p.partition("=")[0].isidentifier() for p in _top_level_split(old[13:-1]))  # the check sees it


def _top_level_split(inner):
    """``inner`` split at the ", " outside quotes and brackets."""
    out, depth, quote, cur, i = [], 0, None, "", 0
    while i < len(inner):
        c = inner[i]
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and inner.startswith(", ", i):
            out.append(cur)
            cur, i = "", i + 2
            continue
        cur += c
        i += 1
    return out + [cur]


def _random_sum(rng, terms: int):
    """A sum of ``terms`` products of random symbols, powers and functions (the shapes of a game's field)."""
    import sympy as sp
    xs = sp.symbols("theta psi phi1 phi2 w1 u1")
    out = 0
    for _ in range(terms):
        t = sp.Rational(int(rng.integers(-9, 10)) or 1, int(rng.integers(1, 10)))
        for _ in range(int(rng.integers(1, 4))):
            x = xs[int(rng.integers(len(xs)))]
            t *= [x, x ** 2, sp.tanh(x + xs[0]), sp.Function("sigmoid")(x * xs[1] - sp.sqrt(3))][int(rng.integers(4))]
        out += t
    return out


@pytest.mark.parametrize("seed", range(12))
def test_a_long_formula_is_cut_to_the_start_of_its_full_text(seed):
    # the kind: analyze printed formulas of kilobytes (jare-gaussian) and spent most of a minute printing those of a
    # larger game; the cut text is the full text's own beginning (the same terms in the printed order), then a count
    from gandynamics._display import expr_text
    rng = np.random.default_rng(seed)
    e = _random_sum(rng, int(rng.integers(1, 40)))
    full = str(e)
    limit = int(rng.integers(40, 300))
    got = expr_text(e, limit, more="; see all")
    if len(full) <= limit:
        assert got == full
        return
    assert got.endswith("; see all)")
    head, sep, tail = got.partition(" + … (")
    if not sep:  # a first term longer than the limit: the full text's beginning, cut, with its length
        cut, _, rest = got.partition(" … (")
        assert full.startswith(cut) and 0 < len(cut) <= limit
        assert rest == f"{len(full):,} characters in all; see all)"
        return
    assert full.startswith(head) and len(head) <= limit
    shown_more, _, of = tail.replace(" more term of ", " more terms of ").partition(" more terms of ")
    assert int(of.split(";")[0]) == len(e.as_ordered_terms())
    assert int(shown_more) >= 1 and ("terms of" in tail) == (int(shown_more) > 1)


@pytest.mark.parametrize("seed", range(6))
def test_a_long_formula_that_is_not_a_sum_is_cut_after_an_operator(seed):
    from gandynamics._display import expr_text
    rng = np.random.default_rng(seed)
    e = sp.tanh(sp.Symbol("x")) * _random_sum(rng, int(rng.integers(8, 30)))  # a product: no terms to list
    full = str(e)
    got = expr_text(e, 80)
    cut, _, rest = got.partition(" … (")
    assert full.startswith(cut) and len(cut) <= 80
    assert full[len(cut) - 1] in "+-*/()," or full[len(cut)] == " "  # after an operator or before a space
    assert len(cut) > 40 and rest == f"{len(full):,} characters in all)"


def test_a_huge_term_is_counted_not_printed():
    import sympy as sp
    from gandynamics._display import expr_text
    x = sp.symbols("x1:200")
    e = sp.tanh(sum(xi ** 2 for xi in x)) * sp.exp(sum(x))  # one product of ~1,200 nodes: over 4 x 100
    got = expr_text(e, 100)
    assert got.startswith("… (a formula of about ") and "too long to print" in got and len(got) < 100
    assert int(got.split("about ")[1].split(" ")[0].replace(",", "")) > 400


@pytest.mark.parametrize("seed", range(10))
def test_eigenvalue_entries_keep_pairs_together_and_count_repeats(seed):
    # analyze's cut list had split conjugate pairs (seven +i before five -i of one repeated pair) and filled its
    # lines with repeats of 0; spectra of random real block matrices with repeated blocks
    from gandynamics._display import eigenvalue_entries
    rng = np.random.default_rng(seed)
    blocks = []
    for _ in range(int(rng.integers(1, 6))):
        a, b = (round(float(x), 3) for x in rng.normal(size=2))
        B = np.array([[a, -b], [b, a]]) if rng.random() < 0.6 else np.diag([a, a])
        blocks += [B] * int(rng.integers(1, 4))
    from scipy.linalg import block_diag
    w = np.linalg.eigvals(block_diag(*blocks))
    entries, count = eigenvalue_entries(w)
    assert count == len(entries)
    total = 0
    reals = []
    for e in entries:
        m = int(e.split("(×")[1].rstrip(")")) if "(×" in e else 1
        total += (2 if "±" in e else 1) * m
        reals.append(float(e.split(" ")[0].replace("−", "-")))
    assert total == w.size
    assert reals == sorted(reals, reverse=True)
    distinct = {(round(z.real, 6), round(abs(z.imag), 6)) for z in w}
    assert len(entries) == len(distinct)
    short, count2 = eigenvalue_entries(w, limit=2)
    assert short == entries[:2] and count2 == count


@pytest.mark.parametrize("seed", range(6))
def test_a_reports_repr_shows_rounding_noise_as_zero_as_the_command_line_does(seed):
    """The repr of a SpectralReport printed ``4.16334e-17 ± 0.684742i`` for a bilinear game (real parts exactly 0)
    where ``gandynamics analyze`` printed ``0 ± 0.684742i``: one rule for every text (_display.rounding_zeros, 64 eps
    of the largest modulus); the report keeps the numbers as computed.  Members: bilinear games of random coupling
    matrices (purely imaginary spectra), and a real part of 1e-10 that is no noise and stays."""
    import gandynamics as g
    rng = np.random.default_rng(seed)
    k = 2 + seed % 2
    B = rng.normal(size=(k, k))
    rep = g.spectrum(g.VectorField(g.games.bilinear(B=B.tolist())))
    text = repr(rep)
    sv = np.linalg.svd(B, compute_uv=False)  # the spectrum is ±i times B's singular values
    for s in sv:
        assert f"0 ± {s:.6g}i" in text, (text, sv)
    assert "spectral_abscissa=0," in text and "e-1" not in text.split("verdict")[0], text
    small = g.spectrum(g.VectorField(g.games.dirac(), [g.R1(gamma=2e-10)]))
    assert "-1e-10 ± " in repr(small), repr(small)


def test_rounding_zeros_leaves_non_finite_entries_and_takes_its_scale_from_the_finite_ones():
    """An infinite entry set the scale to inf and every finite entry was zeroed (a spectrum with an overflowed
    eigenvalue printed as zeros)."""
    from gandynamics._display import rounding_zeros
    out = rounding_zeros([1.0, np.inf, 1e-17, np.nan, -2e-13])  # (64 eps of 1 is 1.4e-14)
    assert out[0] == 1.0 and out[1] == np.inf and out[2] == 0.0 and np.isnan(out[3]) and out[4] == -2e-13
    assert list(rounding_zeros([1e-17, 1.0], np.inf)) == [1e-17, 1.0]
    assert list(rounding_zeros([np.inf, -np.inf])) == [np.inf, -np.inf]


# ------------------------------------------------------------------------------------------ certified ends at zero
def test_rounding_note_names_every_subnormal_end_and_only_those():
    """Every subnormal double (the outward rounding of an exact zero, as the interval arithmetic gives it) gets the
    note, with the text :func:`bound` shows for it; zeros, normal doubles, NaN and None never do.  The subnormals
    are generated across their whole range (2^-1074 .. just below 2^-1022), both signs."""
    tiny = sys_min = np.finfo(float).tiny  # 2^-1022, the smallest normal double
    subnormals = [math.ldexp(1.0, -1074), math.ldexp(1.0, -1073), math.ldexp(3.0, -1060), sys_min / 2,
                  np.nextafter(sys_min, 0.0)]
    for v in subnormals:
        for x in (v, -v):
            for end, side in (("lower", "lo"), ("upper", "hi")):  # either end may be of either sign
                name = f"mu's {end} end"
                note = D.rounding_note([(name, x, side)])
                assert note.startswith(f"note: {name} ") and "zero up to outward rounding" in note
                # shown as the bracket shows it (rounded outward on the end's own side: a lower end +2^-1074 was
                # shown rounded up, no lower bound), and the number reads back on that side of the double
                assert D.bound(x, side) in note
                shown = float(note.split(f"{name} ")[1].split(":")[0])
                assert (shown <= x) if side == "lo" else (shown >= x)
    for x in (0.0, -0.0, tiny, -tiny, 1e-300, 0.5, -2.0, float("nan"), None):
        assert D.rounding_note([("L's upper end", x, "hi")]) == ""
    both = D.rounding_note(D.bracket_ends("mu", -math.ldexp(1.0, -1074), 0.0)
                           + D.bracket_ends("L", 1.0, math.ldexp(1.0, -1073)))
    assert "mu's lower end" in both and "L's upper end" in both and "mu's upper end" not in both


@pytest.mark.parametrize("n, text", [(0, "0 boxes"), (1, "1 box"), (2, "2 boxes"), (175, "175 boxes")])
def test_box_count(n, text):
    assert D.box_count(n) == text


@pytest.mark.parametrize("seed", range(20))
def test_a_listing_of_formulas_says_once_what_it_leaves_out(seed):
    """formula_lines (analyze's field): of any mix of formulas that print and formulas too long to print (Unprinted),
    at most `rows` print, in order, and one line counts every one left out -- too long, or beyond the rows -- with
    the first labels of those too long and their sizes, and how to see them (a game of 1,000 parameters printed a
    "too long to print here" line per component shown)."""
    from gandynamics._display import Unprinted, formula_lines
    rng = np.random.default_rng(seed)
    n, rows = int(rng.integers(0, 40)), int(rng.integers(1, 15))
    long = rng.random(n) < rng.random()
    sizes = [int(s) if rng.random() < 0.9 else None for s in rng.integers(500, 3000, n)]
    texts = [Unprinted(f"… (a formula of about {s}, too long to print here)", s) if t else f"x{i} + 1"
             for i, (t, s) in enumerate(zip(long, sizes))]
    labels = [f"dz{i}/dt" for i in range(n)]
    lines = formula_lines(labels, texts, rows, "--full prints them")
    printed = [f"{lab} = {t}" for lab, t, x in zip(labels, texts, long) if not x][:rows]
    assert lines[:len(printed)] == printed
    rest = lines[len(printed):]
    k, beyond = int(long.sum()), int((~long).sum()) - len(printed)
    if not k and not beyond:
        assert rest == []
        return
    assert len(rest) == 1 and rest[0].startswith("… (") and rest[0].endswith("; --full prints them)"), rest
    assert "too long to print here" not in "".join(lines[:len(printed)])
    if beyond:
        assert rest[0].startswith(f"… ({beyond} more component")
    if k:
        first = [lab for lab, x in zip(labels, long) if x][:3]
        assert f"{k} component" in rest[0] and f"too long to print here ({', '.join(first)}" in rest[0]
        known = [s for s, x in zip(sizes, long) if x and s is not None]
        if known:
            assert f"about {min(known):,}" in rest[0]
        if len(known) < k:
            assert "more than 100,000" in rest[0]


def test_expr_text_of_a_formula_too_long_to_print_says_its_size():
    import sympy as sp
    from gandynamics._display import Unprinted, expr_text
    x = sp.symbols("x1:200")
    got = expr_text(sp.tanh(sum(xi ** 2 for xi in x)) * sp.exp(sum(x)), 100)
    assert isinstance(got, Unprinted) and f"about {got.nodes:,} operations" in got and got.nodes > 400
    assert not isinstance(expr_text(sp.Symbol("y") + 1, 100), Unprinted)
