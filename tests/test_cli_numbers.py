"""The numbers the CLI prints (text and JSON) are the library's: analyze, rates, constants and simulate.

Each command is run once as text and once as JSON; the JSON numbers equal the library's values computed here
by the public API with the same arguments (bit for bit: the CLI is a thin layer), and every number of the
text report equals the same value rounded to the digits printed (relative 5e-p for p significant digits); the ends
of certified brackets are rounded outward (within one unit of the last digit, on their safe side)."""

import json
import math
import re

import numpy as np
import pytest

from gandynamics import R1, VectorField, games, simulate, spectrum
from gandynamics.analysis.constants import certify_constants, parse_region
from gandynamics.analysis.rates import rates
from gandynamics.cli import main

NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def printed(text: str, value: float):
    """The printed number ``text`` is ``value`` to its significant digits."""
    digits = len(re.sub(r"[^0-9]", "", text.split("e")[0].split("E")[0]).lstrip("0")) or 1
    assert float(text) == pytest.approx(value, rel=5 * 10.0 ** -digits, abs=5e-15), (text, value)


def printed_bound(text: str, value: float, side: str):
    """A printed end of a certified bracket (``_display.bound``): on its safe side of ``value`` (``side`` "lo":
    not above it, "hi": not below) and within one unit of its last significant digit."""
    t = float(text)
    assert t <= value if side == "lo" else t >= value, (text, value, side)
    digits = len(re.sub(r"[^0-9]", "", text.split("e")[0].split("E")[0]).lstrip("0")) or 1
    assert t == pytest.approx(value, rel=10.0 ** (1 - digits), abs=5e-15), (text, value)


def test_analyze_prints_the_spectrum_of_the_library(capsys):
    rep = spectrum(VectorField(games.dirac(), [R1(gamma=0.3)]))
    d = json.loads(run(capsys, "analyze", "dirac", "--reg", "r1:gamma=0.3", "--json"))
    np.testing.assert_allclose(d["jacobian"], rep.jacobian, rtol=0, atol=0)
    key = lambda c: (c.real, c.imag)  # noqa: E731
    got = sorted((complex(*e) for e in d["eigenvalues"]), key=key), sorted((complex(e) for e in rep.eigenvalues), key=key)
    np.testing.assert_allclose(got[0], got[1], rtol=0, atol=0)
    for key, val in (("spectral_abscissa", rep.spectral_abscissa), ("phase_factor", rep.phase_factor),
                     ("conditioning_factor", rep.conditioning_factor),
                     ("singular_value_condition", rep.singular_condition)):
        assert d[key] == val, key
    text = run(capsys, "analyze", "dirac", "--reg", "r1:gamma=0.3")
    ev = re.findall(rf"^\s+({NUM}) ([+-]) ({NUM}) i$", text, re.M)
    assert len(ev) == 2
    for (re_, sign, im), lam in zip(ev, sorted(rep.eigenvalues, key=lambda c: -c.imag)):
        printed(re_, lam.real)
        printed(("-" if sign == "-" else "") + im, lam.imag)
    printed(re.search(rf"spectral abscissa\s+({NUM})", text).group(1), rep.spectral_abscissa)
    printed(re.search(rf"phase factor\s+({NUM})", text).group(1), rep.phase_factor)
    printed(re.search(rf"sigma_max / sigma_min: ({NUM})", text).group(1), rep.singular_condition)
    rows = re.findall(rf"^\s+\[\s+({NUM})\s+({NUM}) \]$", text, re.M)
    assert len(rows) == 2
    for row, lib in zip(rows, rep.jacobian):
        for t, v in zip(row, lib):
            printed(t, v)


def test_rates_prints_the_library_rates(capsys):
    argv = ("rates", "quadratic", "--param", "a=0.5", "--param", "c=1.5", "--methods", "gd,eg", "--step", "0.1",
            "--region", "ball:0.5")
    fld = VectorField(games.make_game("quadratic", a=0.5, c=1.5), [])
    region = parse_region("ball:0.5", fld, {}, need_equilibrium=True)
    lib, info = rates(fld, ["gd", "eg"], step=0.1, params={}, region=region)
    d = json.loads(run(capsys, *argv, "--json"))
    assert [r["method"] for r in d] == ["gd", "eg"]
    keys = ("step", "local_rate", "measured_rate", "bound", "optimal_step", "optimal_rate", "largest_stable_step")
    for r, l in zip(d, lib):
        for k in keys:
            assert r[k] == getattr(l, k), (r["method"], k)
    text = run(capsys, *argv)
    for l in lib:
        cells = re.search(rf"^{l.method}\s+(.*)$", text, re.M).group(1).split()
        vals = [l.step, l.local_rate, l.measured_rate, l.bound]
        for t, v in zip(cells[:4], vals):
            printed(t, v)
        assert cells[4] == "yes"
        for t, v in zip(cells[5:], [l.optimal_step, l.optimal_rate, l.largest_stable_step]):
            printed(t, v)
    mu, L = info["mu"], info["lipschitz"]
    m = re.search(rf"mu in \[({NUM}), ({NUM})\]\s+L in \[({NUM}), ({NUM})\]", text)
    for t, v, side in zip(m.groups(), (mu["lo"], mu["hi"], L["lo"], L["hi"]), ("lo", "hi", "lo", "hi")):
        printed_bound(t, v, side)


def test_constants_prints_the_library_brackets(capsys):
    argv = ("constants", "dirac", "--reg", "r1:gamma=0.3", "--region", "ball:0.5")
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    rep = certify_constants(fld, parse_region("ball:0.5", fld, {}), {})
    d = json.loads(run(capsys, *argv, "--json"))
    for name, b in (("mu", rep.mu), ("lipschitz", rep.lipschitz)):
        assert (d[name]["lo"], d[name]["hi"]) == (b.lo, b.hi), name
        np.testing.assert_allclose(d[name]["witness"], b.witness, rtol=0, atol=0)
    text = run(capsys, *argv)
    for name, b in (("mu", rep.mu), ("L", rep.lipschitz)):
        m = re.search(rf"{name} in \[({NUM}), ({NUM})\]   gap ({NUM})", text)
        printed_bound(m.group(1), b.lo, "lo")
        printed_bound(m.group(2), b.hi, "hi")
        printed(m.group(3), b.gap)


def test_simulate_prints_the_library_trajectory(capsys):
    argv = ("simulate", "dirac", "--reg", "r1:gamma=0.3", "--method", "eg", "--step", "0.3", "--steps", "200",
            "--init", "1,-0.5")
    tr = simulate(VectorField(games.dirac(), [R1(gamma=0.3)]), "eg", [1.0, -0.5], 200, 0.3)
    d = json.loads(run(capsys, *argv, "--json"))
    np.testing.assert_allclose(d["states"], tr.states, rtol=0, atol=0)
    np.testing.assert_allclose(d["final"], tr.final, rtol=0, atol=0)
    assert d["rate"] == tr.rate and d["distance"] == pytest.approx(float(tr.distance[-1]), rel=0, abs=0)
    text = run(capsys, *argv)
    fin = re.search(rf"final \(theta, psi\) = \(({NUM}), ({NUM})\)", text).groups()
    for t, v in zip(fin, tr.final):
        printed(t, v)
    printed(re.search(rf"distance to z\* = \(0, 0\): ({NUM})", text).group(1), float(tr.distance[-1]))
    printed(re.search(rf"rate per step: ({NUM})", text).group(1), tr.rate)


@pytest.mark.parametrize("x, text", [
    (0.9999999791666707, "1 - 2.08e-08"), (1 + 3e-8, "1 + 3e-08"), (1.0, "1"), (0.999999, "0.999999"),
    (0.9999994, "0.999999"), (0.9999996, "1 - 4e-07"), (0.894427191, "0.894427"), (None, "-"),
    (float("nan"), "-"), (float("inf"), "inf"),
])
def test_rate_text_never_prints_a_contraction_as_1(x, text):
    # basin printed "certified rate per step: 1" for 1 - 2.08e-08 beside "certified: yes"
    from gandynamics.cli.common import rate_text
    assert rate_text(x) == text
    if text.startswith("1 ") and x is not None:
        sign = -1.0 if text[2] == "-" else 1.0
        assert 1.0 + sign * float(text[4:]) == pytest.approx(x, rel=0, abs=5e-3 * abs(x - 1.0))


def test_simulate_prints_a_rate_near_1_with_its_distance_to_1(capsys):
    fld_args = ["hopf", "--param", "beta=-0.5"]
    out = run(capsys, "simulate", *fld_args, "--method", "gd", "--step", "1e-7", "--steps", "50", "--init", "0.1,0")
    line = [ln for ln in out.splitlines() if ln.startswith("rate per step:")][0]
    assert re.match(r"^rate per step: 1 - \d(\.\d+)?e-0[78]", line), line


@pytest.mark.parametrize("argv", [
    ["simulate", "dirac", "--method", "gd", "--steps", "10", "--step", "1_0"],
    ["analyze", "dirac", "--reg", "r1:gamma=1_0"],
    ["simulate", "dirac", "--method", "gd", "--steps", "1_0", "--step", "0.1"],
    ["constants", "dirac", "--region", "ball:1", "--tol", "1_0e-3"],
    ["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1", "--max-step", "1_0"],
    ["constants", "dirac", "--region", "ball:1_0"],  # (certified a ball of radius 10: the diff reviewer)
    ["constants", "dirac", "--region", "box:-1:1_0,-1:1"],
    ["sweep", "dirac", "--method", "gd", "--steps", "5", "--step", "0.1", "--random-inits", "1_0:-1:1", "--out",
     "/tmp/never-written.csv"],
    ["continue", "dirac", "--reg", "r1", "--vary", "gamma=0:1_0"],
    ["sweep", "dirac", "--method", "gd", "--steps", "5", "--step", "0.1", "--grid", "gamma=0:1_0:3", "--out",
     "/tmp/never-written.csv"],
])
def test_digit_group_underscores_are_not_numbers(capsys, argv):
    """Python's float() reads '1_0' as 10; the command line took --step 1_0 as h = 10 (validate.plain_float)."""
    from gandynamics.cli import main
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gandynamics: error:") and "1_0" in err and len(err.splitlines()) == 1


def test_a_step_pair_may_be_written_in_brackets_like_every_vector(capsys):
    from gandynamics.cli import main
    assert main(["simulate", "dirac", "--method", "gd", "--steps", "10", "--step", "[0.1, 0.2]", "--json"]) == 0
    import json
    assert json.loads(capsys.readouterr().out)["step"] == [0.1, 0.2]


def test_grid_points_that_are_short_decimals_are_written_as_them():
    """--grid beta=-0.2:0.1:7 wrote 2.775558e-17 for its point 0 (a new user's table).  Generator: ends i/100, j/100
    and counts that make every point a multiple of 1/100; each point is the double nearest its decimal (from exact
    fractions), and an end-point is kept as given."""
    from fractions import Fraction
    from gandynamics.cli.sweep import grid_axis
    rng = np.random.default_rng(3)
    for _ in range(300):
        i, gaps = int(rng.integers(-300, 300)), int(rng.integers(1, 12))
        step = int(rng.integers(1, 40))
        j = i + gaps * step
        _, vals = grid_axis(f"g={i / 100}:{j / 100}:{gaps + 1}")
        want = [float(Fraction(i + k * step, 100)) for k in range(gaps + 1)]
        assert vals.tolist() == want, (i, j, gaps + 1)


def _shortest_within(v: float, tol: float) -> float:
    """The reference: the decimal of fewest significant digits within ``tol`` of ``v``, by formatting (the per-point
    loop the vectorised rounding replaced)."""
    if abs(v) <= tol:
        return 0.0
    for d in range(1, 17):
        c = float(f"{v:.{d}g}")
        if abs(c - v) <= tol:
            return c
    return v


def test_grid_rounding_is_the_shortest_decimal_of_each_point_on_any_grid():
    """The vectorised rounding of a range's points (``np.round`` per number of decimals) against the per-point
    shortest decimal found by formatting, on random ranges of every scale and sign; each point moves by at most
    4 ulps of the grid's scale and is as short as the reference's."""
    from gandynamics.cli.sweep import _round_grid
    rng = np.random.default_rng(11)
    for _ in range(200):
        e = int(rng.integers(-12, 12))
        a, b = sorted(rng.uniform(-1, 1, 2) * 10.0 ** e)
        if rng.random() < 0.5:  # (ends that are short decimals themselves, as typed)
            a, b = float(f"{a:.2g}"), float(f"{b:.3g}")
        if a == b:
            continue
        n = int(rng.integers(3, 400))
        v = np.linspace(a, b, n)
        got = _round_grid(v, a, b)
        tol = 4 * np.finfo(float).eps * max(abs(a), abs(b))
        assert got[0] == v[0] and got[-1] == v[-1]
        assert np.all(np.abs(got - v) <= tol)
        want = [_shortest_within(float(x), tol) for x in v[1:-1]]
        longer = [(float(g), w) for g, w in zip(got[1:-1], want) if len(repr(float(g))) > len(repr(w))]
        assert not longer, (a, b, n, longer[:3])


@pytest.mark.parametrize("axis", ["step=0.1:0.2:1e9", "gamma=0:1:3e8", "step=0.1,0.2 --grid gamma=0:1:2e8"])
def test_a_grid_too_large_for_memory_is_refused_before_its_points_are_made(tmp_path, capsys, monkeypatch, axis):
    """An adversarial review: --grid step=0.1:0.2:1e9 made (and rounded) its 8 GB of points before the table's size
    was checked: 15.8 GB and 40 s of silence.  The counts are checked first: refused in one line, no axis made."""
    import gandynamics.cli.sweep as cli_sweep
    from gandynamics.cli import main
    made = []
    monkeypatch.setattr(cli_sweep, "_round_grid", lambda *a: made.append(1) or a[0])
    argv = ["sweep", "dirac", "--reg", "r1", "--method", "gd", "--steps", "5", "-o", str(tmp_path / "x.csv")]
    for part in axis.split(" --grid "):
        argv += ["--grid", part]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "would need" in err and "GB of memory" in err, err
    assert made == [] and not (tmp_path / "x.csv").exists()


def test_equilibrium_option_studies_another_zero_of_a_game_with_several(tmp_path, capsys):
    """A new user's game with three equilibria, f = (x^2 - 1)^2/4 + x y/2 - y^2/2 (zero-sum): rates, basin, simulate
    and the rest could only look at the declared one, the saddle (0, 0).  ``--equilibrium`` studies another: at
    x = sqrt(3)/2, y = x/2 the Jacobian DF = [[5/4, 1/2], [-1/2, 1]] has the eigenvalues 9/8 +- i sqrt(15)/8, so gd's
    local rate at h = 3/4 is |1 - 3/4 lambda| = sqrt(5/32) (closed form); a point typed to a few digits is refined
    to the zero (with a warning naming the option)."""
    import json
    import warnings
    from gandynamics.cli import main
    f = tmp_path / "multi.py"
    f.write_text("import sympy as sp\nimport gandynamics as gd\n\n\ndef make():\n    x, y = sp.symbols('x y', real=True)\n"
                 "    f = (x**2 - 1)**2 / 4 + x * y / 2 - y**2 / 2\n"
                 "    return gd.Game(theta=[x], psi=[y], loss_g=f, loss_d=-f, name='multi', equilibrium=(0, 0))\n")
    lam = complex(9 / 8, math.sqrt(15) / 8)
    assert abs(1 - 0.75 * lam) == pytest.approx(math.sqrt(5 / 32), rel=1e-15)
    for typed in ("0.8660254037844386,0.4330127018922193", "0.866,0.433"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert main(["rates", "--game", f"{f}:make", "--methods", "gd", "--step", "0.75", "--no-measure",
                         "--equilibrium", typed, "--json"]) == 0
        out, err = capsys.readouterr()
        row = json.loads(out)[0]
        assert row["local_rate"] == pytest.approx(math.sqrt(5 / 32), rel=1e-12)
    assert main(["rates", "--game", f"{f}:make", "--methods", "gd", "--step", "0.75", "--no-measure", "--json"]) == 0
    assert json.loads(capsys.readouterr()[0])[0]["local_rate"] != pytest.approx(math.sqrt(5 / 32), rel=1e-3)
    assert main(["simulate", "--game", f"{f}:make", "--method", "gd", "--equilibrium", "1,0", "--steps", "5",
                 "--step", "0.1"]) == 0
    _, err = capsys.readouterr()
    assert "the point given by --equilibrium (1, 0) is not a zero of F" in err and "check the game's" not in err
    assert main(["rates", "--game", f"{f}:make", "--equilibrium", "1,2,3"]) == 2  # (bad input: one line, status 2)
    assert "--equilibrium" in capsys.readouterr()[1]
    # with a hyperparameter set by --param (or a regularizer), a point typed that is no zero is said to be replaced too
    # (a review: it was taken silently, and Newton's method reached the saddle (0, 0), not the zero typed near)
    g = tmp_path / "multia.py"
    g.write_text("import sympy as sp\nimport gandynamics as gd\n\n\ndef make():\n"
                 "    x, y, a = sp.symbols('x y a', real=True)\n    f = (x**2 - a)**2 / 4 + x * y / 2 - y**2 / 2\n"
                 "    return gd.Game(theta=[x], psi=[y], loss_g=f, loss_d=-f, hyper={a: 1.0}, equilibrium=(0, 0))\n")
    for extra in (["--param", "a=1.2"], ["--reg", "jare:gamma=0.01"]):
        assert main(["rates", "--game", f"{g}:make", "--methods", "gd", "--step", "0.3", "--no-measure",
                     "--equilibrium", "0.45,0.22"] + extra) == 0
        err = capsys.readouterr()[1]
        assert "the point given by --equilibrium (0.45, 0.22) is not a zero of F at the hyperparameters" in err
