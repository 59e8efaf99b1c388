"""A region that leaves the domain of F is refused by the certification (docs/math/certification.md §4a).

The interval engines enclose an expression where it is defined (``sqrt([-1, 4]) = [0, 2]``), so before this
``check`` said "holds" for ``y + (2/3) x**(3/2)`` on ``[-1, 1]^2`` (half of it outside the domain) and "refuted"
``x log x`` with a counterexample at ``x = -1.7e-9``, where F is NaN.  Now: a region not proven inside the domain
is refused with the condition and a point; a pole that the region does not contain (``log(x)`` on ``[1e-9, 1]``,
``asin`` at ``|x| = 1``, where DF is unbounded and F is defined) is certified as before, with ``L = inf`` where
that is the truth.  The generator at the end builds games from domain-restricted functions of shifted arguments
and checks the kind: a certificate only on a region inside the domain (F, DF finite at sampled points, the
brackets hold there), a refusal only for a region with a point outside it (the original sympy expressions
evaluated there are not finite and real)."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from gandynamics import GandynamicsError, Game, VectorField
from gandynamics.analysis.basin import monotone_radius
from gandynamics.analysis.constants import (Region, RegionLeavesDomain, RegionMeetsJump, certify_constants,
                                            check_constants)
from gandynamics.analysis.intervals import GE0, GT0, NE0, domain_conditions
from gandynamics.cli import main

x, y = sp.symbols("x y", real=True)


def sqrtx():
    return Game([x], [y], x * y + sp.Rational(4, 15) * x ** sp.Rational(5, 2), -x * y + y**2 / 2, name="sqrtx")


def xlogx():
    return Game([x], [y], x * y + x * sp.log(x), -x * y + y**2 / 2, name="xlogx")


def acosx():
    return Game([x], [y], x * y + x**2 / 2, -x * y + y**2 / 2 + y * sp.sqrt(1 - x**2) / 10, name="acosx")


def recip():
    return Game([x], [y], x * y + sp.log(x**2) / 2 + x**2 / 2, -x * y + y**2 / 2, name="recip")


# ----------------------------------------------------------------------------- the conditions
def test_domain_conditions_name_each_node_inner_first():
    conds = domain_conditions([sp.log(sp.sqrt(x) - 1) + sp.asin(y) / (x + 2)])
    text = [c.describe() for c in conds]
    assert text.index("sqrt(x) needs x >= 0") < text.index("log(sqrt(x) - 1) needs sqrt(x) - 1 > 0")
    assert "asin(y) needs y <= 1" in text and "asin(y) needs y >= -1" in text and "1/(x + 2) needs x + 2 != 0" in text
    kinds = {c.describe(): c.kind for c in conds}
    assert kinds["sqrt(x) needs x >= 0"] == GE0 and kinds["1/(x + 2) needs x + 2 != 0"] == NE0
    # a derivative may have a pole where F is defined: only the complex side counts there
    assert [c.kind for c in domain_conditions([1 / sp.sqrt(x)], strict=False)] == [GE0]
    assert [c.kind for c in domain_conditions([1 / sp.sqrt(x)])] == [GT0]
    assert domain_conditions([x**2 + sp.exp(y) + 2**x + sp.atan(x)]) == []
    pw = domain_conditions([sp.Piecewise((sp.log(x), y > 0), (0, True))])
    assert len(pw) == 1 and pw[0].describe() == "log(x) needs x > 0 where y > 0"
    # a branch selected only where its node is defined needs nothing; x >= 1 does not give log's 2x - 2 > 0
    pw = domain_conditions([sp.Piecewise((sp.sqrt(x - 1), x > 1), (sp.log(2 * x - 2), x >= 1), (0, True))])
    assert [c.describe() for c in pw] == ["log(2*x - 2) needs 2*x - 2 > 0 where (x >= 1) & (x <= 1)"]


# ----------------------------------------------------------------------------- the reviewer's cases
def test_sqrt_power_on_a_box_half_outside_its_domain_is_refused():
    fld = VectorField(sqrtx())
    for call in (lambda: check_constants(fld, "box:-1:1,-1:1", L=5, mu=-3),
                 lambda: certify_constants(fld, "box:-1:1,-1:1")):
        with pytest.raises(RegionLeavesDomain, match=r"^F is not defined on all of the region: x\*\*\(3/2\) needs "
                                                     r"x >= 0, but the region reaches x = -1 \(at z = \(-1, "):
            call()
    # touching the boundary is inside the domain (x**(3/2) is 0 at 0): mu = min(sqrt(x), 1) = 0, L finite
    res = check_constants(fld, "box:0:1,-1:1", L=5, mu=-3)
    assert res.status == "holds" and res.mu.lo <= 0.0 <= res.mu.hi + 1e-12 and res.lipschitz.hi <= 2.0 + 1e-9


def test_log_on_a_box_reaching_zero_is_refused_and_its_pole_is_certified_off_zero():
    fld = VectorField(xlogx())
    with pytest.raises(RegionLeavesDomain, match=r"^F is not defined on all of the region: log\(x\) needs x > 0, "
                                                 r"but the region reaches x = -1 "):
        check_constants(fld, "box:-1:1,-1:1", L=5, mu=-3)
    with pytest.raises(RegionLeavesDomain, match=r"needs x > 0, but the region reaches x = 0 \(at z = \(0, "):
        check_constants(fld, "box:0:1,-1:1", L=5)           # log(0): F is -inf there
    # the pole of DF = [[1/x, 1], [-1, 1]] outside [1e-9, 1]: L = 1e9 certified, as before
    rep = certify_constants(fld, "box:1e-9:1,-1:1")
    assert rep.lipschitz.lo == pytest.approx(1e9, rel=1e-6) and rep.lipschitz.hi <= 1e9 * (1 + 1e-3)
    res = check_constants(fld, "box:1e-9:1,-1:1", L=5)
    assert res.status == "refuted" and res.counterexample["point"][0] >= 1e-9


def test_a_pole_of_df_on_the_boundary_of_the_domain_leaves_l_infinite_not_refused():
    # sqrt(1 - x^2) is defined on [-1, 1], its derivative is not bounded there: L = inf is the answer
    fld = VectorField(acosx())
    rep = certify_constants(fld, "box:-1:1,-1:1", max_boxes=300, max_seconds=2)
    assert rep.lipschitz.hi == math.inf and not rep.lipschitz.converged
    with pytest.raises(RegionLeavesDomain, match=r"sqrt\(1 - x\*\*2\) needs 1 - x\*\*2 >= 0, but the region "
                                                 r"reaches 1 - x\*\*2 = -0\.21"):
        certify_constants(fld, "box:-1:1.1,-1:1")


def test_a_divisor_that_changes_sign_in_the_region_is_refused_near_its_zero():
    fld = VectorField(recip())   # F_x = y + 1/x + x
    with pytest.raises(RegionLeavesDomain, match=r"1/x needs x != 0, but x changes sign in the region .* so it is "
                                                 r"0 on the segment between") as exc:
        certify_constants(fld, "box:-1:2,-1:1")
    assert abs(exc.value.point[0]) < 1e-12 and exc.value.certain
    rep = certify_constants(fld, "box:0.5:2,-1:1")
    L = np.linalg.norm([[-3.0, 1.0], [-1.0, 1.0]], 2)          # DF_xx = 1 - 1/x^2, largest at x = 0.5
    assert rep.lipschitz.lo == pytest.approx(L, rel=1e-9) and L <= rep.lipschitz.hi <= L * (1 + 1.01e-3)


@pytest.mark.slow  # 1.6 s with warm caches
def test_a_guarded_branch_is_checked_where_it_is_selected_only():
    # (x - 1)**(3/2) only where x > 1: defined on [-1, 2]
    g = Game([x], [y], x * y + sp.Piecewise((sp.Rational(4, 15) * (x - 1) ** sp.Rational(5, 2), x > 1), (0, True)),
             -x * y + y**2 / 2, name="guarded")
    fld = VectorField(g)
    rep = certify_constants(fld, "box:-1:2,-1:1", max_boxes=2000)
    assert rep.mu.lo <= 0.0 and math.isfinite(rep.lipschitz.hi)


def test_a_ball_is_checked_itself_not_its_bounding_box():
    # log(x + y) on the ball of radius 1 around (1, 1): min x + y = 2 - sqrt(2) > 0; its box reaches x + y = -0
    g = Game([x], [y], x * y + (x + y) * sp.log(x + y) + x**2 / 2, -x * y + y**2 / 2, name="diag")
    fld = VectorField(g)
    rep = certify_constants(fld, Region.ball([1.0, 1.0], 1.0), max_boxes=3000, max_seconds=5)
    # DF = [[s, s], [-1, 1]] with s = 1 + 1/(x + y), largest at x + y = 2 - sqrt 2: ||DF|| = s sqrt 2 (orthogonal rows)
    L = (1 + 1 / (2 - math.sqrt(2))) * math.sqrt(2)
    assert rep.lipschitz.lo == pytest.approx(L, rel=1e-6) and L <= rep.lipschitz.hi <= L * (1 + 1.01e-3)
    with pytest.raises(RegionLeavesDomain, match=r"log\(x \+ y\) needs x \+ y > 0"):
        certify_constants(fld, Region.ball([1.0, 1.0], 1.5))


@pytest.mark.slow  # 2.2 s with warm caches (a basin search)
def test_the_refusal_is_a_region_meets_jump_so_the_basin_search_stops_short_of_the_boundary():
    # F = (y + x + log(1 + x), y - x): the domain is x > -1; the monotone ball around z* = 0 stops at radius 1
    g = Game([x], [y], x * y + (1 + x) * sp.log(1 + x) - x + x**2 / 2, -x * y + y**2 / 2, equilibrium=(0, 0),
             name="edge")
    fld = VectorField(g)
    assert issubclass(RegionLeavesDomain, RegionMeetsJump)
    R, R_fail, rep, zstar, _ = monotone_radius(fld, r0=0.5, r_max=4.0, rtol=0.05, max_boxes=2000, max_seconds=2)
    assert np.allclose(zstar, 0.0, atol=1e-9)
    assert R < 1.0 and R_fail is not None and R_fail <= 1.0 + 1e-9
    assert rep is not None and rep.mu.lo > 0
    # basin's note says the ball left the domain (not that it met a jump)
    from gandynamics.analysis.basin import basin
    note = basin(fld, "eg", r0=0.5, r_max=4.0, rtol=0.05, max_boxes=2000, max_seconds=2).note
    # (the ball of radius 1 touches x = -1: 'may leave (not proven inside)'; a larger one certainly 'leaves')
    assert ("leaves the domain of F" in note or "may leave (not proven inside) the domain of F" in note), note
    assert "log(x + 1) needs x + 1 > 0" in note.replace("1 + x", "x + 1") and "switching set" not in note, note


def test_cli_check_refuses_in_one_line(capsys, tmp_path):
    f = tmp_path / "g.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y', real=True)\n"
                 "def sqrtx():\n    return Game([x], [y], x*y + sp.Rational(4, 15)*x**sp.Rational(5, 2), -x*y + y**2/2)\n"
                 "def xlogx():\n    return Game([x], [y], x*y + x*sp.log(x), -x*y + y**2/2)\n")
    for name, need in (("sqrtx", "x**(3/2) needs x >= 0"), ("xlogx", "log(x) needs x > 0")):
        code = main(["check", "--game", f"{f}:{name}", "--region", "box:-1:1,-1:1", "--lipschitz", "5", "--mu", "-3"])
        out, err = capsys.readouterr()
        assert code == 2 and "holds" not in out and "refuted" not in out
        assert len(err.strip().splitlines()) == 1 and "F is not defined on all of the region" in err and need in err


# ----------------------------------------------------------------------------- the generator
#: name -> (A(l), the domain of A as a predicate on an exact rational interval [lo, hi] of l: inside?)
_ATOMS = {
    "sqrt": (sp.sqrt, lambda lo, hi: lo >= 0),
    "cbrt": (lambda l: l ** sp.Rational(1, 3), lambda lo, hi: lo >= 0),
    "pow23": (lambda l: l ** sp.Rational(2, 3), lambda lo, hi: lo >= 0),
    "pow32": (lambda l: l ** sp.Rational(3, 2), lambda lo, hi: lo >= 0),
    "pow-12": (lambda l: l ** sp.Rational(-1, 2), lambda lo, hi: lo > 0),
    "log": (sp.log, lambda lo, hi: lo > 0),
    "llogl": (lambda l: l * sp.log(l), lambda lo, hi: lo > 0),
    "recip": (lambda l: 1 / l, lambda lo, hi: lo > 0 or hi < 0),
    "recip2": (lambda l: 1 / l**2, lambda lo, hi: lo > 0 or hi < 0),
    "asin": (sp.asin, lambda lo, hi: lo >= -1 and hi <= 1),
    "acos": (sp.acos, lambda lo, hi: lo >= -1 and hi <= 1),
    "acosh": (sp.acosh, lambda lo, hi: lo >= 1),
    "atanh": (sp.atanh, lambda lo, hi: lo > -1 and hi < 1),
}


#: the lower end of each atom's domain (the shift puts the region's lower end of l there, or above, or anywhere)
_LOW = {"asin": -1, "acos": -1, "acosh": 1, "atanh": -1}


def _case(rng):
    """A game ``F = (y + x + c1 A(a1 y + s1), -x + y + c2 B(a2 x + s2))`` (A, B from :data:`_ATOMS`), a region (a
    box on a grid of 1/8, or a ball), and the exact truth: whether the region lies in the domain of F.  Each shift
    is drawn so that the region's least value of l is on the domain's lower end (touching), above it by a few
    eighths, or anywhere on the grid (crossing or not)."""
    names = sorted(_ATOMS)
    A, B = rng.choice(names), rng.choice(names)
    if rng.random() < 0.7:
        ends = [sorted(Fraction(int(v), 8) for v in rng.choice(np.arange(-16, 17), 2, replace=False)) for _ in range(2)]
        reg = Region.box([float(e[0]) for e in ends], [float(e[1]) for e in ends])
        rx, ry = ends
    else:
        c = [Fraction(int(rng.integers(-8, 9)), 8) for _ in range(2)]
        r = Fraction(int(rng.integers(1, 9)), 8)
        reg = Region.ball([float(v) for v in c], float(r))
        rx, ry = (c[0] - r, c[0] + r), (c[1] - r, c[1] + r)
    # the range of l = a v + s over the region is exact: the region's range of v is exact (box: its ends; ball:
    # centre -+ radius, reached on its sphere)

    def atom(name, v):
        a = Fraction(int(rng.choice([1, -1, 2]))) / int(rng.choice([1, 2]))
        lo_av = min(a * v[0], a * v[1])
        mode = rng.random()
        if mode < 0.3:
            s = Fraction(_LOW.get(name, 0)) - lo_av                       # touching
        elif mode < 0.6:
            s = Fraction(_LOW.get(name, 0)) - lo_av + Fraction(int(rng.integers(1, 6)), 8)
        else:
            s = Fraction(int(rng.integers(-12, 13)), 8)
        lo, hi = sorted([a * v[0] + s, a * v[1] + s])
        return a, s, _ATOMS[name][1](lo, hi)

    a1, s1, in1 = atom(A, ry)
    a2, s2, in2 = atom(B, rx)
    c1, c2 = (Fraction(int(rng.integers(1, 5)), 4) for _ in range(2))
    l1 = sp.Rational(a1) * y + sp.Rational(s1)
    l2 = sp.Rational(a2) * x + sp.Rational(s2)
    g = Game([x], [y], x * y + x**2 / 2 + sp.Rational(c1) * x * _ATOMS[A][0](l1),
             -x * y + y**2 / 2 + sp.Rational(c2) * y * _ATOMS[B][0](l2), name=f"{A}-{B}")
    return g, reg, in1 and in2, (A, B, l1, l2)


def _uniform(reg, n, rng):
    if reg.kind == "box":
        return reg.lo + (reg.hi - reg.lo) * rng.random((n, reg.dim))
    g = rng.standard_normal((n, reg.dim))
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    return reg.center + reg.radius * g * rng.random((n, 1)) ** (1 / reg.dim) * (1 - 1e-12)


def _not_finite_real(fld, z) -> bool:
    """The original expressions of F at z (exact rationals of the doubles, 30 digits): some component is not a
    finite real number."""
    sub = {s: sp.Rational(float(v)) for s, v in zip(fld.z, z)}
    for e in fld.F:
        v = sp.N(e.xreplace(sub), 30)
        if not (v.is_real and v.is_finite):
            return True
    return False


def _run_generator(n_cases, seed):
    rng = np.random.default_rng(seed)
    tally = {"certified": 0, "refused": 0, "may": 0, "unsupported": 0}
    for k in range(n_cases):
        game, reg, inside, (A, B, l1, l2) = _case(rng)
        fld = VectorField(game)
        which = "check" if k % 2 else "certify"
        try:
            if which == "check":
                res = check_constants(fld, reg, L=3.0, mu=-2.0, max_boxes=400, max_seconds=1.0, samples=200)
            else:
                res = certify_constants(fld, reg, max_boxes=400, max_seconds=1.0, samples=200, tol=1e-2)
        except RegionLeavesDomain as exc:
            assert not inside, (k, game.name, reg, str(exc))
            if exc.certain and "changes sign" in str(exc):
                # a divisor's zero: F is not defined on the segment (the truth says the range reaches 0)
                assert "1/" in str(exc) or "**(-2)" in str(exc), str(exc)
            elif exc.certain:
                assert reg.contains(exc.point), (k, str(exc))
                assert _not_finite_real(fld, exc.point), (k, game.name, reg, str(exc))
            tally["refused" if exc.certain else "may"] += 1
            continue
        except GandynamicsError as exc:
            # the interval engines cannot enclose asin, acos, acosh, atanh: refused after the domain check passed
            assert inside and "soundly with interval arithmetic" in str(exc), (k, game.name, reg, str(exc))
            tally["unsupported"] += 1
            continue
        assert inside, (k, game.name, reg, "certified a region that leaves the domain")
        tally["certified"] += 1
        Z = _uniform(reg, 400, rng)
        Fv = np.array([fld.eval_F(z) for z in Z])
        Dv = np.array([fld.eval_DF(z) for z in Z])
        assert np.all(np.isfinite(Fv)) and np.all(np.isfinite(Dv)), (k, game.name, reg)
        norms = np.linalg.svd(Dv, compute_uv=False)[:, 0]
        lmins = np.linalg.eigvalsh((Dv + np.swapaxes(Dv, 1, 2)) / 2)[:, 0]
        assert res.lipschitz.hi >= norms.max() * (1 - 1e-9), (k, game.name, reg, res.lipschitz, norms.max())
        assert res.mu.lo <= lmins.min() + 1e-9 * max(1.0, abs(lmins.min())), (k, game.name, reg, res.mu)
        for br in (res.lipschitz, res.mu):
            w = np.asarray(br.witness, float)
            assert reg.contains(w) and np.all(np.isfinite(fld.eval_F(w))) and np.all(np.isfinite(fld.eval_DF(w)))
        if which == "check" and res.status == "refuted":
            z = np.asarray(res.counterexample["point"], float)
            assert reg.contains(z) and np.all(np.isfinite(fld.eval_F(z))) and np.all(np.isfinite(fld.eval_DF(z)))
    return tally


@pytest.mark.slow  # 3.2 s with warm caches (the -m slow pass runs the larger generator as well)
def test_generator_of_domain_restricted_games_certifies_only_inside_the_domain():
    tally = _run_generator(28, seed=1)
    assert tally["certified"] >= 4 and tally["refused"] >= 6, tally
    assert tally["may"] <= tally["refused"] // 2, tally   # (a ball tangent to a strict boundary: no sample on it)


@pytest.mark.slow
def test_generator_of_domain_restricted_games_many():
    tally = _run_generator(160, seed=7)
    assert tally["certified"] >= 25 and tally["refused"] >= 40, tally
    assert tally["may"] <= 0.05 * sum(tally.values()), tally


def test_float_exponents_get_the_condition_of_their_value():
    """x**2.0 is defined for x < 0 (a whole float exponent: the condition of x**2, none), x**0.5 is not (that of
    x**(1/2)), x**-1.0 needs x != 0; a float exponent had the symbolic exponent's x > 0."""
    from gandynamics.analysis.intervals import domain_conditions
    texts = lambda e: [c.describe() for c in domain_conditions([e])]  # noqa: E731
    assert texts(x**2.0 * y) == []
    assert any("x >= 0" in t for t in texts(x**0.5 * y))
    assert any("x != 0" in t for t in texts(x**-1.0 * y))
    g = Game([x], [y], x * y + x**3.0 / 3, -x * y + y**2 / 2, equilibrium=(0, 0), name="float-power")
    rep = certify_constants(VectorField(g), Region.box([-1, -1], [1, 1]), samples=50, max_boxes=500)  # not refused
    assert rep.lipschitz.lo >= 2.6  # (||DF||_2 = (3 + sqrt 5)/2 at x = -1, DF = [[2x, 1], [-1, 1]]; the engines bound x**2.0 loosely)
