"""Soundness and tightness of the ball-arithmetic evaluation (gandynamics.analysis.intervals).

Expected values are computed independently: sampled float values of the same expressions (which every
enclosure must contain), mpmath at 50 digits for matrix norms and eigenvalues, and closed forms."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from gandynamics import GandynamicsError, R1, VectorField, games, sigmoid, softplus, Asymmetric, InstanceNoise
from gandynamics.analysis.intervals import (compile_interval, interval_jacobian, lambda_min_lower, lower,
                                            matrix_bounds, norm2_upper, upper)

x, y = sp.symbols("x y", real=True)
g = sp.Symbol("g", real=True)

# expressions covering every translated construct, with plain-float evaluators written independently
CASES = [
    (sigmoid(x * y), lambda a, b, p: 1 / (1 + math.exp(-a * b))),
    (softplus(x - 2 * y), lambda a, b, p: math.log1p(math.exp(a - 2 * b))),
    (sigmoid(-x) * (1 - sigmoid(-x)) * y**2, lambda a, b, p: (1 / (1 + math.exp(a))) * (1 - 1 / (1 + math.exp(a))) * b * b),
    (sp.exp(x) - sp.exp(-y) * g, lambda a, b, p: math.exp(a) - math.exp(-b) * p),
    (x**3 - y**4 + x * y / 3, lambda a, b, p: a**3 - b**4 + a * b / 3),
    (sp.Abs(x - y) + sp.sign(y) * g, lambda a, b, p: abs(a - b) + np.sign(b) * p),
    (sp.sqrt(x**2 + y**2 + 1), lambda a, b, p: math.sqrt(a * a + b * b + 1)),
    (sp.log(1 + x**2) * sp.Rational(2, 7) + sp.Float(0.3) * y, lambda a, b, p: math.log(1 + a * a) * 2 / 7 + 0.3 * b),
    (sp.tanh(x) * sp.cos(y) + sp.Max(x, y) - sp.Min(x, g), lambda a, b, p: math.tanh(a) * math.cos(b) + max(a, b) - min(a, p)),
    ((x + 2) ** sp.Rational(3, 2) / (y**2 + 1), lambda a, b, p: (a + 2) ** 1.5 / (b * b + 1)),
]


@pytest.fixture(scope="module")
def compiled():
    return [(compile_interval([e], (x, y), (g,)), f) for e, f in CASES]


@settings(max_examples=60, deadline=None)
@given(st.floats(-1.9, 1.9), st.floats(-3, 3), st.floats(0, 2), st.floats(0, 2), st.floats(-2, 2), st.integers(0, 2**31))
def test_enclosures_contain_sampled_values(compiled, a, b, wa, wb, p, seed):
    lo, hi = [a, b], [a + wa, b + wb]
    rng = np.random.default_rng(seed)
    pts = np.column_stack([rng.uniform(lo[0], hi[0], 30), rng.uniform(lo[1], hi[1], 30)])
    pts = np.vstack([pts, [lo, hi, [lo[0], hi[1]], [hi[0], lo[1]]]])
    for fn, ref in compiled:
        enc = fn.on_box(lo, hi, [p])[0]
        for u, v in pts:
            val = ref(u, v, p)
            # the float reference carries its own rounding (a few ulps)
            slack = 1e-13 * (1 + abs(val))
            if enc.is_finite():
                assert lower(enc) - slack <= val <= upper(enc) + slack, (fn.exprs[0], lo, hi, u, v)


def test_monotone_forms_are_tight_at_the_end_points():
    f = compile_interval([sigmoid(x), softplus(x), sp.exp(x), sp.log(2 + x)], (x,))
    enc = f.on_box([-1.5], [0.5], [])
    exact = [(1 / (1 + math.exp(1.5)), 1 / (1 + math.exp(-0.5))), (math.log1p(math.exp(-1.5)), math.log1p(math.exp(0.5))),
             (math.exp(-1.5), math.exp(0.5)), (math.log(0.5), math.log(2.5))]
    for e, (a, b) in zip(enc, exact):
        # Arb stores radii with a 30-bit mantissa, so a box's ball is wider by ~1e-9 of its width
        assert lower(e) <= a and upper(e) >= b
        assert lower(e) == pytest.approx(a, abs=2e-8) and upper(e) == pytest.approx(b, abs=2e-8)


def test_even_powers_and_abs_of_a_ball_across_zero_are_nonnegative():
    # [0, max] rather than ball arithmetic's symmetric [-max, max] (up to Arb's 30-bit radius rounding)
    f = compile_interval([x**2, x**4, sp.Abs(x), sp.sqrt(x**2)], (x,))
    for e, top in zip(f.on_box([-1.0], [2.0], []), (4.0, 16.0, 2.0, 2.0)):
        assert lower(e) >= -1e-8 * top and upper(e) >= top and upper(e) == pytest.approx(top, rel=1e-7)


def test_sigmoid_never_overflows_and_undefined_values_are_unbounded():
    f = compile_interval([sigmoid(x), softplus(x)], (x,))
    s, sp_ = f.on_box([-1e6], [1e6], [])
    assert s.is_finite() and -1e-8 <= lower(s) and upper(s) <= 1 + 1e-8
    assert upper(sp_) >= 1e6
    h = compile_interval([sp.log(x), 1 / x, sp.DiracDelta(x)], (x,))
    for e in h.on_box([-1.0], [1.0], []):
        assert not e.is_finite()  # callers read that as "unbounded on this box"
    assert h.on_box([1.0], [2.0], [])[2].is_zero()
    # sqrt is bounded on the part of the box where it is real
    r = compile_interval([sp.sqrt(x)], (x,)).on_box([-1.0], [4.0], [])[0]
    assert lower(r) >= -1e-8 and 2.0 <= upper(r) <= 2.0 + 1e-8


def test_unsupported_functions_are_refused_in_one_line():
    with pytest.raises(GandynamicsError, match="cannot bound gamma"):
        compile_interval([sp.gamma(x)], (x,))
    with pytest.raises(GandynamicsError, match="unknown symbols"):
        compile_interval([x + y], (x,))


def test_rational_constants_are_enclosed_exactly():
    f = compile_interval([sp.Rational(1, 3) * x], (x,))
    e = f.at([3.0], [])[0]
    assert lower(e) <= 1.0 <= upper(e) and upper(e) - lower(e) < 1e-15


# ----------------------------------------------------------------------------- DF of the built-in fields
FIELDS = [
    lambda: VectorField(games.dirac(), [R1(gamma=0.3)]),
    lambda: VectorField(games.dirac(loss="non-saturating"), [Asymmetric(eps=0.2, gamma=1.0)]),
    lambda: VectorField(games.dirac(), [InstanceNoise(sigma=0.5, order=3)]),
    lambda: VectorField(games.make_game("nk-scale")),
]


@pytest.mark.parametrize("make", FIELDS)
def test_interval_jacobian_contains_compiled_jacobian(make):
    fld = make()
    fi = interval_jacobian(fld)
    p = fld.param_vector()
    rng = np.random.default_rng(3)
    n = fld.n
    for _ in range(6):
        c = rng.uniform(-1, 1, n)
        w = rng.uniform(0.01, 0.6, n)
        lo, hi = c - w, c + w
        enc = fi.on_box(lo, hi, p)
        for z in rng.uniform(lo, hi, (20, n)):
            D = fld.eval_DF(z, p).ravel()
            for e, v in zip(enc, D):
                slack = 1e-12 * (1 + abs(v))
                assert lower(e) - slack <= v <= upper(e) + slack


def test_constant_jacobian_has_zero_radius():
    fld = VectorField(games.bilinear(np.array([[1.0, 2.0], [-0.5, 3.0]])))
    M0, R = __import__("gandynamics.analysis.intervals", fromlist=["split_matrix"]).split_matrix(
        interval_jacobian(fld).on_box([-1] * 4, [1] * 4, []), 4)
    assert not np.any(R)
    np.testing.assert_array_equal(M0, fld.eval_DF(np.zeros(4)))


# ----------------------------------------------------------------------------- matrix bounds
def _mp_norm_and_lmin(M):
    A = mpmath.matrix(M.tolist())
    with mpmath.workdps(50):
        s = max(mpmath.svd_r(A, compute_uv=False))
        S = (A + A.T) / 2
        lm = min(mpmath.eigsy(S)[0])
    return float(s), float(lm)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(0, 2**31), st.sampled_from([1.0, 1e-3, 1e3]))
def test_point_matrix_bounds_are_on_the_right_side_and_tight(n, seed, scale):
    M = np.random.default_rng(seed).standard_normal((n, n)) * scale
    s, lm = _mp_norm_and_lmin(M)
    up = norm2_upper(M)
    lo = lambda_min_lower(M)
    assert s <= up <= s * (1 + 1e-11) + 1e-300
    assert lo <= lm and lm - lo <= 1e-11 * max(abs(lm), np.abs(M).max())


def test_rotation_like_matrices_with_repeated_singular_values():
    # the Dirac-GAN at its equilibrium: a multiple of a rotation (double singular value) and sym = 0
    M = np.array([[0.0, 0.5], [-0.5, 0.0]])
    assert 0.5 <= norm2_upper(M) <= 0.5 * (1 + 1e-12)
    assert -1e-13 <= lambda_min_lower(M) <= 0.0


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(0, 2**31))
def test_interval_matrix_bounds_hold_for_every_member(n, seed):
    from flint import arb
    rng = np.random.default_rng(seed)
    M0 = rng.standard_normal((n, n))
    R = rng.uniform(0, 0.3, (n, n)) * (rng.random((n, n)) < 0.7)
    balls = [arb(float(m), float(r)) for m, r in zip(M0.ravel(), R.ravel())]
    L_hi, mu_lo, _ = matrix_bounds(balls, n)
    for _ in range(50):
        E = rng.uniform(-1, 1, (n, n)) * R
        E[rng.random((n, n)) < 0.3] = 0.0  # some entries at the centre
        M = M0 + E
        assert np.linalg.norm(M, 2) <= L_hi + 1e-12
        assert np.linalg.eigvalsh((M + M.T) / 2)[0] >= mu_lo - 1e-12
    # vertices: every sign pattern of the radius matrix (n = 2) reaches the extremes of the box
    if n == 2:
        for k in range(16):
            S = np.array([1 if (k >> i) & 1 else -1 for i in range(4)]).reshape(2, 2)
            M = M0 + S * R
            assert np.linalg.norm(M, 2) <= L_hi + 1e-12
            assert np.linalg.eigvalsh((M + M.T) / 2)[0] >= mu_lo - 1e-12


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(1, 4), st.integers(0, 2**31), st.sampled_from([0.0, 1e-9, 1e-4]))
@pytest.mark.slow  # 1.1 s with warm caches on the 2-core CI machine
def test_a_few_wide_entries_are_bounded_by_their_vertices(n, k, seed, thin):
    """An interval matrix whose radius sits in k entries (the Jacobian on a box across a kink: the jumping
    entries wide, the rest of the box's width ``thin``): the bounds hold for every member (sampled, and every
    vertex of the wide entries), and are within the thin part of the exact extremes, which numpy's 2-norm and
    eigvalsh over all 2^k vertices give.  The Weyl/Rump bounds alone stayed about ||R|| above them however thin
    the rest (L <= 2.414 for the pieces [[0 or 2, 1], [-1, 1]], whose largest norm is 2.303)."""
    import itertools
    from flint import arb
    rng = np.random.default_rng(seed)
    M0 = rng.standard_normal((n, n))
    R = np.full((n, n), thin)
    cells = rng.choice(n * n, size=min(k, n * n), replace=False)
    R.flat[cells] = rng.uniform(0.5, 1.5, len(cells))
    balls = [arb(float(m), float(r)) for m, r in zip(M0.ravel(), R.ravel())]
    L_hi, mu_lo, _ = matrix_bounds(balls, n)
    norms, lmins = [], []
    for signs in itertools.product((-1.0, 1.0), repeat=len(cells)):
        M = M0.copy()
        M.flat[cells] += np.array(signs) * R.flat[cells]
        norms.append(np.linalg.norm(M, 2))
        lmins.append(np.linalg.eigvalsh((M + M.T) / 2)[0])
    for _ in range(200):
        M = M0 + rng.uniform(-1, 1, (n, n)) * R
        norms.append(np.linalg.norm(M, 2))
        lmins.append(np.linalg.eigvalsh((M + M.T) / 2)[0])
    assert max(norms) <= L_hi * (1 + 1e-12) + 1e-12 and min(lmins) >= mu_lo - 1e-12 * (1 + abs(mu_lo))
    slack = n * thin + 1e-9 * (1 + np.abs(M0).max() + R.max())   # the thin part's norm (<= n thin) and rounding
    assert L_hi <= max(norms[:2 ** len(cells)]) + slack and mu_lo >= min(lmins[:2 ** len(cells)]) - slack


# ----------------------------------------------------------------------------- the vectorised engine (boxeval)
from gandynamics.analysis.boxeval import compile_boxes, matrix_bounds_batch  # noqa: E402

PIECEWISE = [
    (sp.Piecewise((-x, x > 0.3), (y * y, True)), lambda a, b, p: -a if a > 0.3 else b * b),
    (sp.Piecewise((x, sp.And(x > 0, y < 0.5)), (2 * y, sp.Or(y > 1, x < -1)), (1, True)),
     lambda a, b, p: a if (a > 0 and b < 0.5) else (2 * b if (b > 1 or a < -1) else 1.0)),
    (sp.floor(2 * x) + sp.ceiling(y) + sp.Mod(x, 0.75), lambda a, b, p: math.floor(2 * a) + math.ceil(b) + a % 0.75),
    (sp.Heaviside(x - y) * 3 + sp.sign(x) * y, lambda a, b, p: 3.0 * (a > b) + (0.5 * 3 if a == b else 0) + np.sign(a) * b),
    (sp.cosh(x) + sp.sin(3 * y) + sp.cos(x * y) + sp.atan(x) + 1 / (1 + x * x) ** 2,
     lambda a, b, p: math.cosh(a) + math.sin(3 * b) + math.cos(a * b) + math.atan(a) + 1 / (1 + a * a) ** 2),
]


@pytest.fixture(scope="module")
def both_engines():
    exprs = [e for e, _ in CASES + PIECEWISE]
    refs = [f for _, f in CASES + PIECEWISE]
    return compile_interval(exprs, (x, y), (g,)), compile_boxes(exprs, (x, y), (g,)), refs


@settings(max_examples=40, deadline=None)
@given(st.floats(-1.9, 1.9), st.floats(-3, 3), st.floats(0, 2), st.floats(0, 2), st.floats(-2, 2), st.integers(0, 2**31))
def test_both_engines_enclose_sampled_values_including_piecewise(both_engines, a, b, wa, wb, p, seed):
    arbf, boxf, refs = both_engines
    lo, hi = [a, b], [a + wa, b + wb]
    rng = np.random.default_rng(seed)
    pts = np.column_stack([rng.uniform(lo[0], hi[0], 30), rng.uniform(lo[1], hi[1], 30)])
    pts = np.vstack([pts, [lo, hi, [lo[0], hi[1]], [hi[0], lo[1]], [0.3, b], [0.0, b], [a, 0.5]]])
    pts = pts[(pts[:, 0] >= lo[0]) & (pts[:, 0] <= hi[0]) & (pts[:, 1] >= lo[1]) & (pts[:, 1] <= hi[1])]
    enc_arb = arbf.on_box(lo, hi, [p])
    LO, HI = boxf(np.array([lo]), np.array([hi]), [p])
    for k, ref in enumerate(refs):
        for u, v in pts:
            val = ref(u, v, p)
            slack = 1e-12 * (1 + abs(val))
            assert LO[0, k] - slack <= val <= HI[0, k] + slack, (boxf.exprs[k], lo, hi, u, v)
            if enc_arb[k].is_finite():
                assert lower(enc_arb[k]) - slack <= val <= upper(enc_arb[k]) + slack, (arbf.exprs[k], lo, hi, u, v)


def test_even_powers_and_reciprocals_are_tight_in_both_engines():
    # issue #11 §2: (1 + x^2)^2 on [-3, 3] is [1, 100] and its reciprocal [0.01, 1] (not negative / NaN)
    exprs = [(1 + x**2) ** 2, 1 / (1 + x**2) ** 2, 1 / (x + 4), (x - 4) ** -3]
    exact = [(1.0, 100.0), (0.01, 1.0), (1 / 7, 1.0), (1 / -343, -1 / 1.0)]
    arbf, boxf = compile_interval(exprs, (x,)), compile_boxes(exprs, (x,))
    LO, HI = boxf(np.array([[-3.0]]), np.array([[3.0]]), [])
    for k, (e, (a, b)) in enumerate(zip(arbf.on_box([-3.0], [3.0], []), exact)):
        lo_, hi_ = min(a, b), max(a, b)
        for L_, H_, tight in ((lower(e), upper(e), 1e-6), (LO[0, k], HI[0, k], 1e-13)):  # Arb: 30-bit radii
            assert L_ <= lo_ and H_ >= hi_
            assert L_ == pytest.approx(lo_, rel=tight, abs=tight) and H_ == pytest.approx(hi_, rel=tight, abs=tight)


def test_undecided_piecewise_encloses_every_branch():
    f = compile_interval([sp.Piecewise((-1, x > 0), (0, True))], (x,))
    b = compile_boxes([sp.Piecewise((-1, x > 0), (0, True))], (x,))
    e = f.on_box([-1.0], [1.0], [])[0]
    LO, HI = b(np.array([[-1.0], [0.5], [-1.0]]), np.array([[1.0], [1.0], [0.0]]), [])
    assert lower(e) <= -1 and upper(e) >= 0
    np.testing.assert_allclose(LO[:, 0], [-1, -1, 0], rtol=0, atol=0)
    np.testing.assert_allclose(HI[:, 0], [0, -1, 0], rtol=0, atol=0)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(0, 2**31), st.sampled_from([1.0, 1e-3, 1e2]))
def test_batched_matrix_bounds_hold_for_every_member_and_are_tight_at_points(n, seed, scale):
    rng = np.random.default_rng(seed)
    B = 6
    M0 = rng.standard_normal((B, n, n)) * scale
    R = rng.uniform(0, 0.3, (B, n, n)) * scale * (rng.random((B, n, n)) < 0.7)
    R[0] = 0.0                                      # a point matrix: tight to rounding
    L_hi = matrix_bounds_batch(M0 - R, M0 + R, "L")
    mu_lo = matrix_bounds_batch(M0 - R, M0 + R, "mu")
    for b in range(B):
        for _ in range(40):
            M = M0[b] + rng.uniform(-1, 1, (n, n)) * R[b]
            assert np.linalg.norm(M, 2) <= L_hi[b]
            assert np.linalg.eigvalsh((M + M.T) / 2)[0] >= mu_lo[b]
    s, lm = _mp_norm_and_lmin(M0[0])
    # tight to the margins the point-matrix test tries (8 n u, then 1e-12 where rounding defeats the first:
    # seed 143075, n = 3), plus the outward rounding of the bound itself
    assert s <= L_hi[0] <= s * (1 + 1e-12) * (1 + 8 * 2.0**-52) + 1e-300
    assert lm >= mu_lo[0] >= lm - 1e-12 * max(abs(lm), np.abs(M0[0]).max())


@pytest.mark.parametrize("a,b,c", [(1.0, 3.0, 0.0), (2.0, -1.0, 0.25), (0.5, 4.0, -0.3)])
def test_the_mean_value_form_is_not_used_across_a_kink_of_f(a, b, c):
    """F_x = (a x below c, b x + (a - b) c above) + y is continuous with a kink at x = c, where DF_xx jumps from a
    to b.  The mean-value form DF(m) + D2F(X)(X - m) took D2F piece by piece (0 on both pieces) and so enclosed
    DF_xx over a box across the kink by the single value at the midpoint; intersected with the natural extension
    it excluded the other piece's value, and certify_constants(order=1, mean_value=True) returned L <= 1.41 with
    a witness of 3.24 on [-1, 0.3] x [-1, 1].  On a field with a switching set the natural extension alone is
    used: every enclosure holds DF at sampled points on both sides and both closed-form values a and b."""
    from gandynamics.analysis.intervals import JacobianEnclosure
    from gandynamics.analysis.nonsmooth import second_order_blocker
    from gandynamics import Game
    game = Game([x], [y], sp.Piecewise((a * x**2 / 2, x < c), (b * x**2 / 2 + (a - b) * c * x, True)) + x * y,
                      -x * y + y**2 / 2, equilibrium=(0, 0))
    fld = VectorField(game)
    blocker = second_order_blocker(fld.F)
    assert blocker is not None and not blocker.jump and "is not differentiable where" in blocker.describe()
    fi = JacobianEnclosure(fld, mean_value=True)
    rng = np.random.default_rng(5)
    for _ in range(8):
        lo = np.array([c - rng.uniform(0.01, 1), -1.0])
        hi = np.array([c + rng.uniform(0.01, 1), 1.0])
        enc = fi.on_box(lo, hi, [])
        assert lower(enc[0]) <= min(a, b) and upper(enc[0]) >= max(a, b)
        for z in rng.uniform(lo, hi, (20, 2)):
            for e, v in zip(enc, fld.eval_DF(z).ravel()):
                assert lower(e) <= v <= upper(e)
    assert not fi.mean_value


def test_the_mean_value_form_is_used_and_narrower_on_a_smooth_field():
    """The other side of the rule: on a smooth field (the R1 Dirac-GAN) the mean-value form is in use, holds DF at
    sampled points, and is strictly narrower than the natural extension alone on a box (it is intersected with it)."""
    from gandynamics.analysis.intervals import JacobianEnclosure
    from gandynamics.analysis.nonsmooth import second_order_blocker
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    assert second_order_blocker(fld.F) is None
    fi, nat = JacobianEnclosure(fld, mean_value=True), JacobianEnclosure(fld, mean_value=False)
    assert fi.mean_value and not nat.mean_value
    p = fld.param_vector()
    lo, hi = np.array([0.4, -0.3]), np.array([0.45, -0.25])
    enc, wide = fi.on_box(lo, hi, p), nat.on_box(lo, hi, p)
    for z in np.random.default_rng(6).uniform(lo, hi, (50, 2)):
        for e, v in zip(enc, fld.eval_DF(z, p).ravel()):
            assert lower(e) - 1e-12 <= v <= upper(e) + 1e-12
    assert sum(upper(e) - lower(e) for e in enc) < sum(upper(e) - lower(e) for e in wide)


def _vertex_extremes_mp(balls, n, prec=2600):
    """The exact max ||M||_2 and min lambda_min(sym M) over the interval matrix of ``balls`` (both reached at a
    vertex: the norm is convex and lambda_min concave), in mpmath at ``prec`` bits over all 2^(n^2) vertices."""
    import itertools
    with mpmath.workprec(prec):
        ends = []
        for b in balls:
            (mm, me), (rm, re_) = b.mid().man_exp(), b.rad().man_exp()
            m, r = mpmath.ldexp(int(mm), int(me)), mpmath.ldexp(int(rm), int(re_))
            ends.append((m - r, m + r))
        top, bottom = -mpmath.inf, mpmath.inf
        for pick in itertools.product((0, 1), repeat=n * n):
            M = mpmath.matrix(n, n)
            for k, s in enumerate(pick):
                M[k // n, k % n] = ends[k][s]
            sv = mpmath.svd_r(M, compute_uv=False)
            ev = mpmath.eigsy((M + M.T) / 2, eigvals_only=True)
            top = max(top, max(sv[i] for i in range(n)))
            bottom = min(bottom, min(ev[i] for i in range(n)))
        return top, bottom


@pytest.mark.parametrize("mid, rad", [([9.0461027040817457751e-201], [1.9734e-200]),
                                      ([1.3e-200, 1.1e-200, -1.5e-200, -1.7e-200], [6.6e-201, 0, 6.6e-201, 2.6e-200]),
                                      ([3e-310, -1e-309, 2e-320, 0.0], [1e-308, 0, 5e-324, 4e-309])])
def test_matrix_bounds_of_tiny_balls_hold(mid, rad):
    """Radii below 1.5e-154: their squares underflowed to 0 in the nonnegative-norm bound, which then gave its
    absolute term 1e-300 for ||R|| (the 1x1 ball 9.05e-201 +- 1.97e-200 got L <= 9.05e-201 and mu >= 9.05e-201,
    the midpoint's values, against the members' 2.88e-200 and -1.07e-200)."""
    from flint import arb
    n = math.isqrt(len(mid))
    balls = [arb(m, r) for m, r in zip(mid, rad)]
    L_hi, mu_lo, _ = matrix_bounds(balls, n)
    top, bottom = _vertex_extremes_mp(balls, n)
    assert L_hi >= top and mu_lo <= bottom
    # and not vacuous: within a factor 3 (Weyl at worst) of the exact extremes, up to the absolute 1e-300 that
    # norm2_upper / lambda_min_lower add to their certified guesses
    assert L_hi <= 3 * top + 1e-299 and mu_lo >= bottom - 2 * (top - bottom) - 1e-299


@pytest.mark.slow  # 3.0 s with warm caches on the 2-core CI machine
def test_matrix_bounds_near_overflow_are_bounds_not_an_exception():
    """A diagonal entry 1.79e308: the floating-point guess (M + M^T)/2 overflowed and LAPACK raised LinAlgError out
    of matrix_bounds; the bounds now hold for every vertex (mpmath at 2600 bits)."""
    from flint import arb
    M0 = [-0.7426313444777592, 0.6616770103042492, 1.2439127923015527, -0.4854084227585812, 1.79e+308,
          -1.1550032613171153, -0.0335424776051312, 0.8037172747752789, 0.962024428643539]
    R = [1.3202521861783687] + [0.08010965755217803] * 8
    balls = [arb(m, r) for m, r in zip(M0, R)]
    L_hi, mu_lo, _ = matrix_bounds(balls, 3)
    top, bottom = _vertex_extremes_mp(balls, 3, prec=2200)
    assert L_hi >= top and mu_lo <= bottom


@pytest.mark.parametrize("mid, rad", [([9.05e-201], [1.97e-200]), ([1e-170], [3e-170]),
                                      ([1.3e-200, 1.1e-200, -1.5e-200, -1.7e-200], [5e-201] * 4),
                                      ([3e-160, -1e-161, 2e-165, 4e-160], [1e-160, 0.0, 3e-161, 2e-160])])
def test_matrix_bounds_batch_of_tiny_boxes_hold(mid, rad):
    """The vectorised engine's ||R|| bound underflowed the same way: L <= 1e-300 for the 1x1 box
    [-1.07e-200, 2.88e-200], and mu >= its midpoint 9.05e-201; checked against mpmath's vertex extremes."""
    n = math.isqrt(len(mid))
    M0, R = np.array(mid).reshape(1, n, n), np.array(rad).reshape(1, n, n)
    lo, hi = M0 - R, M0 + R
    L_hi = matrix_bounds_batch(lo, hi, "L")[0]
    mu_lo = matrix_bounds_batch(lo, hi, "mu")[0]
    from flint import arb
    balls = [arb(float(a)).union(arb(float(b))) for a, b in zip(lo.ravel(), hi.ravel())]   # contains [lo, hi]
    top, bottom = _vertex_extremes_mp(balls, n)
    exact = _vertex_extremes_mp([arb(float(a)) for a in lo.ravel()], n)   # one member: a vertex
    assert L_hi >= exact[0] and mu_lo <= exact[1]
    assert L_hi >= top * (1 - 1e-6) and mu_lo <= bottom + 1e-6 * abs(bottom)   # the arb hull is 1e-9 wider
    assert L_hi <= 3 * top + 1e-299 and mu_lo >= bottom - 2 * (top - bottom) - 1e-299


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**30, 10**30), st.integers(1, 10**30), st.integers(0, 5))
def test_the_doubles_of_a_ball_s_ends_are_outward_and_tight(num, den, exact_kind):
    """``upper``/``lower``: a double on the right side of the ball's exact end, the nearest such one (an end that is a
    double is itself: a constant of exactly 0 read 5e-324)."""
    from fractions import Fraction

    from flint import arb
    from gandynamics.analysis.intervals import upper
    q = Fraction(num, den)
    x = arb(num) / arb(den) if exact_kind else arb(float(q))  # (exact_kind 0: an exact double, radius 0)
    hi, lo = upper(x), lower(x)
    def exact(a):  # an exact arb (radius 0) as a fraction: mantissa * 2^exponent
        m, e = a.man_exp()
        return Fraction(int(m)) * (Fraction(2) ** int(e))
    ub, lb = exact(x.upper()), exact(x.lower())
    assert Fraction(hi) >= ub and Fraction(lo) <= lb
    assert Fraction(math.nextafter(hi, -math.inf)) < ub and Fraction(math.nextafter(lo, math.inf)) > lb
    if not exact_kind:
        assert hi == lo == float(q)
