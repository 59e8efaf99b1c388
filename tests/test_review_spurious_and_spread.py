"""Adversarial review (session 48, rev2) of the day's spurious-fixed-point reading and simulate's rate text: failing
tests, each expected value from a closed form or a plain NumPy iteration."""

import re

import numpy as np
import sympy as sp

from gandynamics import Game, VectorField, simulate
from gandynamics.cli import main

X, Y = sp.symbols("x y", real=True)


def _run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def _rate_line(out):
    return next(t for t in out.splitlines() if t.startswith("rate per step:"))


def test_the_rate_line_claims_no_window_the_reading_did_not_report(capsys, tmp_path):
    """The commit's own game (F = (x^2 - 1, y), gd at (0.3, 0.5) from (4, 0.2)) reaches 1e-12 |z*| at step 38 (plain
    NumPy); the rate is read on every step whatever --record-every, but the text named the first *printed* sample below
    the floor: step 50 (and 'from about step 25') with --record-every 50.  The line now gives the rate and its spread
    alone, the same with any --record-every."""
    (tmp_path / "c.py").write_text("import sympy as sp\nfrom gandynamics import Game\n\n\ndef cubic():\n"
                                   "    x, y = sp.symbols('x y', real=True)\n"
                                   "    return Game([x], [y], x**3 / 3 - x, y**2 / 2, equilibrium=(1, 0))\n")
    lines = []
    for every in ("1", "7", "50"):
        code, out = _run(capsys, "simulate", "--game", f"{tmp_path / 'c.py'}:cubic", "--method", "gd", "--step",
                         "0.3,0.5", "--steps", "400", "--init", "4,0.2", "--record-every", every)
        lines.append(_rate_line(out))
        assert code == 0 and re.fullmatch(r"rate per step: \S+ \+- \S+", lines[-1]), lines[-1]
    assert len(set(lines)) == 1, lines


def test_a_growing_rate_is_not_said_to_be_read_before_the_floor(capsys, tmp_path):
    """gd at h = 0.5 near a saddle z* = (1e-3, 0): the distance falls like 0.5^k to below 1e-12 |z*| (step ~50), then
    grows like 1.5^k (y from 1e-30).  The rate printed (~1.5) is the growth's, read after the dip, yet the text says it
    was read 'over the steps before the distance reached the rounding floor ... from about step 25' (a fit there gives
    0.5)."""
    (tmp_path / "s.py").write_text("import sympy as sp\nfrom gandynamics import Game\n\n\ndef saddle():\n"
                                   "    x, y = sp.symbols('x y', real=True)\n"
                                   "    return Game([x], [y], (x - sp.Rational(1, 1000))**2 / 2, -y**2 / 2 - 10**4 * y**3 / 3,"
                                   " equilibrium=(sp.Rational(1, 1000), 0))\n")
    code, out = _run(capsys, "simulate", "--game", f"{tmp_path / 's.py'}:saddle", "--method", "gd", "--step", "0.5",
                     "--steps", "150", "--init", "1,1e-30")
    line = _rate_line(out)
    rate = float(re.match(r"rate per step: (\S+)", line).group(1))
    assert code == 0 and rate > 1.2, line
    assert "read over the steps before the distance reached the rounding floor" not in line, line


def test_an_extrapolated_point_that_is_not_a_zero_is_not_printed_as_one():
    """F = (x, y - 1000), eg at (h_G, h_D) = (1 - 5e-8, 1) from (1, 0): x shrinks by the factor 1 - h + h^2 each step
    (0.99975 -> 0.99950 over the last half); z - H F(z) = (5e-8 x, 1000), where F = (5e-8 x, 0) is no zero.  The
    reading said 'a spurious fixed point of eg ... is a zero of F, so its update moves by nothing'."""
    g = VectorField(Game([X], [Y], X**2 / 2, (Y - 1000) ** 2 / 2, equilibrium=(0.0, 1000.0)))
    tr = simulate(g, "eg", (1.0, 0.0), 10000, (1 - 5e-8, 1.0))
    half = np.asarray(tr.states)[len(tr.states) // 2]
    assert abs(half[0] - tr.final[0]) > 1e-4  # (it moved)
    assert not tr.reading.get("spurious_fixed_point"), tr.describe()


def test_eag_started_at_a_spurious_fixed_point_of_eg_stands_there():
    """bifurcations.md §1: 'eag: its map changes with k ..., so it has no fixed points'.  From z_0 the anchor term
    (z_0 - z_k)/(k + 2) is 0 while z_k = z_0, so a spurious fixed point of eg (two wells, h = 0.3: z - h F(z) = (0, 0))
    is one of eag too; the run stands there, read 'not at a zero of F' with no word of why."""
    W = float(np.sqrt(0.99))
    g = VectorField(Game([X], [Y], (X**2 - 1) ** 2 / 4 + X * Y / 10, Y**2 / 2 - X * Y / 10, equilibrium=(W, W / 10)))
    h = 0.3
    x = np.sqrt((1 + h + h * h / (100 * (1 - h))) / h)
    zs = np.array([x, -h * x / (10 * (1 - h))])
    tr = simulate(g, "eag", tuple(zs), 300, h, engine="interpreted")
    assert np.allclose(tr.final, zs, atol=1e-12)
    assert tr.reading.get("spurious_fixed_point") is True, tr.describe()


def test_a_projected_extrapolated_point_is_named_as_the_projection():
    """F = (4 (x - 1), y) in the box x in [0, 1], eg at h = 0.5 from (0, 0): z - H F(z) = (2, 0), its projection (1, 0)
    a zero of F, so projected extragradient stands still at (0, 0) where |F| = 4 (by hand).  The text printed
    "z - H F(z) = (1, 0)", the projection under the name of the point it projects; it is named as the projection."""
    g = VectorField(Game([X], [Y], 2 * (X - 1) ** 2, Y**2 / 2, equilibrium=(1, 0)))
    tr = simulate(g, "eg", (0.0, 0.0), 100, 0.5, box=[[0, 1], [-1, 1]], engine="interpreted")
    assert np.array_equal(tr.final, [0.0, 0.0]) and tr.reading.get("spurious_fixed_point") is True
    assert tr.reading["extrapolated_point"] == [1.0, 0.0]
    assert "z - H F(z) projected on the box = (1, 0) is a zero of F" in tr.describe(), tr.describe()


def test_a_small_coordinate_creeping_beside_a_large_one_does_not_stand_still():
    """F = (x^2 + x, y - 1000), z* = (-1, 1000) declared, gd at (h_G, h_D) = (1e-7, 0.5) from (0.5, 1000): x creeps
    toward the other zero 0 by 3.7e-4 over the last half (a plain NumPy iteration here), which is 1e-6 of the state's
    norm (1000) but not of x's own size.  simulate said "it stands still, but not at a zero of F"; standing still is now
    judged coordinate by coordinate (runs.equilibria.stands_still)."""
    from gandynamics.runs.equilibria import SETTLED_RTOL, SETTLED_TINY, stands_still
    g = VectorField(Game([X], [Y], X**3 / 3 + X**2 / 2, (Y - 1000) ** 2 / 2, equilibrium=(-1, 1000)))
    z = np.array([0.5, 1000.0])
    half = None
    for k in range(10000):
        z = z - np.array([1e-7, 0.5]) * np.array([z[0] ** 2 + z[0], z[1] - 1000])
        if k + 1 == 5000:
            half = z.copy()
    moved = abs(half[0] - z[0])
    assert 1e-4 < moved < SETTLED_RTOL * np.linalg.norm(z)  # (still under the whole norm's tolerance)
    tr = simulate(g, "gd", (0.5, 1000.0), 10000, (1e-7, 0.5), engine="interpreted")
    assert np.allclose(tr.final, z, rtol=1e-12) and "stands still" not in tr.describe(), tr.describe()
    # the rule itself: each coordinate against its own size, a coordinate at 0 against SETTLED_TINY of the state's
    assert not stands_still([moved, 0.0], z, 1000.0)
    assert stands_still([0.9 * SETTLED_RTOL * 0.5, 0.0], [0.5, 1000.0], 1000.0)
    assert stands_still([0.9 * SETTLED_RTOL * SETTLED_TINY * 1000, 0.0], [0.0, 1000.0], 1000.0)
    assert not stands_still([1.1 * SETTLED_RTOL * SETTLED_TINY * 1000, 0.0], [0.0, 1000.0], 1000.0)
