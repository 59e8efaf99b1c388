import math

import numpy as np
import pytest
import sympy as sp

from gandynamics import LOSSES, GandynamicsError
from gandynamics._numeric import sigmoid as nsigmoid, softplus as nsoftplus
from gandynamics.losses import get_loss, sigmoid, softplus, stabilize

t = sp.Symbol("t", real=True)


def test_standard_loss_derivatives_at_zero():
    # docs/mathematics.md §1.1: f'(0) = 1/2, f''(0) = -1/4 for f(t) = -log(1 + e^{-t})
    assert LOSSES["standard"].derivatives_at_zero() == pytest.approx((0.5, -0.25), abs=1e-15)
    assert LOSSES["wgan"].derivatives_at_zero() == (1.0, 0.0)


def test_symbolic_derivatives_match_log_form():
    f = LOSSES["standard"].f(t)
    ref = -sp.log(1 + sp.exp(-t))
    for k in range(1, 4):
        d = sp.diff(f, t, k).rewrite(sp.exp)
        dr = sp.diff(ref, t, k)
        for x in (-3.0, -0.2, 0.0, 1.7):
            assert float(d.subs(t, x)) == pytest.approx(float(dr.subs(t, x)), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("x", [-800.0, -710.0, -40.0, -1.0, 0.0, 1e-8, 2.5, 40.0, 710.0, 800.0])
def test_numeric_helpers_are_finite_and_accurate(x):
    s = nsigmoid(x)
    sp_ = nsoftplus(x)
    assert math.isfinite(s) and math.isfinite(sp_)
    # independent references with mpmath at 50 digits
    import mpmath as mp
    mp.mp.dps = 50
    assert s == pytest.approx(float(1 / (1 + mp.exp(-x))), rel=1e-15, abs=0)
    assert sp_ == pytest.approx(float(mp.log(1 + mp.exp(x))), rel=1e-15, abs=1e-300)


def test_naive_form_would_overflow_but_helpers_do_not():
    # the trap the custom functions avoid: exp(-t)/(exp(-t)+1) is inf/inf for t < -709
    with np.errstate(all="ignore"):
        naive = np.exp(800.0) / (np.exp(800.0) + 1)
    assert not np.isfinite(naive)
    assert nsigmoid(-800.0) == 0.0 or nsigmoid(-800.0) > 0


def test_numeric_helpers_propagate_nan():
    assert math.isnan(nsigmoid(float("nan")))
    assert math.isnan(nsoftplus(float("nan")))


def test_stabilize_rewrites_hand_typed_losses():
    u = sp.Symbol("u", real=True)
    e = stabilize(-sp.log(1 + sp.exp(-u)) + 1 / (1 + sp.exp(-u)))
    assert e.has(softplus) and e.has(sigmoid)
    assert not e.has(sp.log)
    assert float(e.subs(u, 0.3).evalf()) == pytest.approx(float((-sp.log(1 + sp.exp(-0.3)) + 1 / (1 + sp.exp(-0.3)))))


def test_special_values():
    assert sigmoid(0) == sp.Rational(1, 2)
    assert softplus(0) == sp.log(2)


def test_custom_lambda_and_bad_names():
    loss = get_loss(sp.Lambda(t, -sp.log(1 + sp.exp(-t))))
    assert loss.derivatives_at_zero() == pytest.approx((0.5, -0.25))
    with pytest.raises(GandynamicsError, match="accepted: standard, non-saturating, wgan, lsgan, hinge"):
        get_loss("relativistic")



# ------------------------------------------------------------------------------------------------------
# The stable rewrite is general: random compositions of exp / log / hand-written sigmoid, softplus,
# log-sum-exp, softmax ratios, log cosh, real powers of cosh and of sums of exponentials, and logs of differences
# of two exponential terms, evaluated (value and gradient) at large arguments from the printed code, are finite
# wherever the exact value is finite, and agree with it (mpmath at 1,200 and 2,400 digits: _mp_eval).  The printed
# code is run by plain Python (math.exp raises OverflowError, 0.0**-k raises ZeroDivisionError): any exception
# counts as a non-finite result, so this is stricter than numba.
import hypothesis.strategies as st
from hypothesis import HealthCheck, assume, example, given, settings

from gandynamics import _numeric
from gandynamics.codegen import _Printer

X, Y = sp.symbols("x y", real=True)
E = sp.exp


def _sig(a):
    return E(a) / (1 + E(a))


_LEAVES = st.sampled_from([X, Y, -X, 2 * Y, X - Y, X + Y, X * Y / 1000, -X / 2 + Y / 3])
_UNARY = [lambda a: sp.log(1 + E(a)),                 # softplus by hand
          _sig,                                        # sigmoid by hand
          lambda a: 1 / (1 + E(-a)),                   # the other sigmoid
          lambda a: sp.log(1 / (1 + E(-a))),           # log-sigmoid
          lambda a: E(a) * (1 - _sig(a)),              # e^a sigmoid(-a) = sigmoid(a)
          lambda a: a / 7,
          lambda a: sp.log(sp.cosh(a))]                # log cosh: cosh(1000) overflows
_BINARY = [lambda a, b: sp.log(E(a) + E(b)),          # log-sum-exp
           lambda a, b: E(a) / (E(a) + E(b)),          # softmax
           lambda a, b: E(2 * a) / (E(a) + E(b)) ** 2,  # a negative power of a sum that under/overflows
           lambda a, b: sp.log(2 + E(a) + 3 * E(b)),   # with coefficients and a constant
           lambda a, b: (E(a) - E(b)) / (E(a) + E(b)),  # tanh-like ratio
           lambda a, b: a + b,
           lambda a, b: a * _sig(b)]


# forms added at the top of a drawn tree, of leaves: real powers of cosh and of sums of exponentials (values like
# e^{|a|/2}: under a further exp their cancellations would be beyond the reference's 2,400 digits), and logs of
# differences of two exponential terms (undefined where the difference is <= 0: those points have no reference).  Of
# leaves: under an exp sympy collapses exp(log(A - B)) to the bare difference A - B (powers and ratios of differences
# are not rewritten, nor are signed sums of more than two terms, which e^b is for b = log(1 + e^x)); and an exponent
# that underflows (e^b - 1 for b = sigmoid(x) = 0.0 at x = -1000, exactly e^-1000) leaves no double form finite
_TOP = [lambda a, b: sp.sqrt(sp.cosh(a)),
        lambda a, b: sp.cosh(a) ** sp.Rational(-1, 3),
        lambda a, b: sp.sqrt(1 + E(a)),
        lambda a, b: (1 + 2 * E(a)) ** 0.25,
        lambda a, b: sp.log(E(a) - E(b)),
        lambda a, b: sp.log(E(a) - 2 * E(b)),
        lambda a, b: sp.log(E(a) - 1),
        lambda a, b: sp.log(1 - E(b)),
        lambda a, b: sp.log(sp.cosh(a) - E(b)),
        lambda a, b: sp.log(sp.cosh(a) - 1),
        lambda a, b: sp.log(sp.sinh(a))]


def _exprs():
    def extend(children):
        un = st.tuples(st.sampled_from(_UNARY), children).map(lambda t: t[0](t[1]))
        bi = st.tuples(st.sampled_from(_BINARY), children, children).map(lambda t: t[0](t[1], t[2]))
        return un | bi
    tree = st.recursive(_LEAVES, extend, max_leaves=4)
    top = st.tuples(tree, st.sampled_from(_TOP), _LEAVES, _LEAVES).map(lambda t: t[0] + t[1](t[2], t[3]))
    return tree | top


_NS = {"math": math, "_sigmoid": _numeric.sigmoid.py_func, "_softplus": _numeric.softplus.py_func,
       "_sign": _numeric.sign.py_func, "_safe_div": _numeric.safe_div.py_func}


def _py_eval(expr, x, y):
    text = _Printer({"fully_qualified_modules": True, "inline": True, "standard": "python3"}).doprint(expr)
    try:
        v = eval(text, dict(_NS), {"x": x, "y": y})
    except (OverflowError, ZeroDivisionError, ValueError):
        return float("nan")
    return float(v)


#: :func:`_mp_eval`'s value where the exact value is not real
_COMPLEX = object()


def _mp_eval(expr, x, y):
    """The exact value: the expression evaluated by mpmath at 1,200 and at 2,400 digits (``1 - e^1000/(e^1000 + 1)``
    needs ~470), kept only when the two agree to 30 digits -- a nest whose cancellations exceed even that
    (``exp(exp(1000))``) gives no reference and that point is not checked; :data:`_COMPLEX` where the value is not
    real (``log(e^x - e^y)`` at ``x < y``).  (sympy's ``evalf`` was used before: past
    its ``maxn`` it silently returned a number with no correct digit, e.g. 1.3e-3166447134276817 for 0.731.)"""
    import mpmath as mp
    import signal
    import time
    f = sp.lambdify((X, Y), expr, modules="mpmath")

    def too_slow(*_):
        raise TimeoutError
    # a drawn nest of exponentials can be slow even for mpmath: a reference that takes more than 5 s is not computed
    old = signal.signal(signal.SIGALRM, too_slow)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, 5.0)  # pytest-timeout's alarm, if set: restored below
    t0 = time.monotonic()
    vals = []
    try:
        for dps in (1200, 2400):
            with mp.workdps(dps):
                vals.append(mp.mpmathify(f(mp.mpf(x), mp.mpf(y))))
    except (ZeroDivisionError, ValueError, OverflowError, TypeError, TimeoutError):
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - t0), 1e-3))
    lo, hi = vals
    if isinstance(hi, mp.mpc) and hi.imag != 0:
        return _COMPLEX  # a log of a negative number: a real loss is undefined there
    if not all(isinstance(v, mp.mpf) and mp.isfinite(v) for v in vals):
        return None
    with mp.workdps(2400):
        if abs(hi - lo) > mp.mpf(10) ** -30 * abs(hi):
            return None  # not converged in precision: no reference
    return +hi


_POINTS = [(-1000.0, -1000.0), (1000.0, 1000.0), (-1000.0, 1000.0), (800.0, -750.0), (-40.0, 35.0), (0.0, 0.0),
           (3.0, -2.5)]


_U = -X / 2 + Y / 3


@pytest.mark.slow  # (4 s of hypothesis examples; run in CI's -m slow pass)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_exprs())
# members of the kind found by earlier runs: a difference of ratios of exponential sums that cancels to a small
# ratio (1 - (e^u + 1)/(e^u + 2) = 1/(e^u + 2)), and the same inside an exponent
@example((1 - (sp.exp(_U) + 1) / (sp.exp(_U) + 2)) * (sp.exp(_U) + 1))
@example((1 - sp.exp(X) / (sp.exp(X) + 1)) * sp.exp(X))
@example((sp.exp(X) - sp.exp(Y)) / (sp.exp(X) + sp.exp(Y)))
# sympy's evalf returned 1.3e-3166447134276817 for this one's x-derivative at x = 1000 (the value is 0.731): the
# reference is mpmath at two precisions now
@example(X * sp.exp((1 - sp.exp(X) / (sp.exp(X) + 1)) * sp.exp(X)) / (sp.exp((1 - sp.exp(X) / (sp.exp(X) + 1)) * sp.exp(X)) + 1))
@example((1 - sp.exp((1 - sp.exp(X) / (sp.exp(X) + 1)) * sp.exp(X)) / (sp.exp((1 - sp.exp(X) / (sp.exp(X) + 1)) * sp.exp(X)) + 1))
         * sp.exp((1 - sp.exp(X) / (sp.exp(X) + 1)) * sp.exp(X)))
# members of the kinds cosh, real powers and differences (cosh(1000) overflowed, sqrt(1 + e^1000) too, log(e^800 -
# e^-750) was log(inf)): log cosh, a sum of exponentials with cosh in it, cosh times an exponential, real powers of
# cosh and of positive sums of exponentials, logs of differences of two exponential terms, log sinh
@example(sp.log(sp.cosh(X)) + sp.log(1 + sp.cosh(X - Y)) + sp.log(sp.cosh(X * Y / 1000)))
@example(sp.cosh(X) * sp.exp(-X) + sp.sqrt(sp.cosh(X)) * sp.cosh(Y) ** sp.Rational(-1, 3))
@example(sp.sqrt(1 + sp.exp(X)) * (sp.exp(X) + sp.exp(Y)) ** sp.Rational(-1, 2) + (sp.exp(X) + 3 * sp.exp(-Y)) ** -1.5)
@example(sp.log(sp.exp(X) - sp.exp(Y)))
@example(sp.log(sp.exp(X) - 1) + sp.log(2 * sp.exp(X) - sp.exp(Y)))
@example(sp.log(sp.cosh(X) - 1) + sp.log(1 - sp.exp(-X**2 - 1)) + sp.log(sp.exp(X) / (1 + sp.exp(-Y)) - sp.exp(Y - 5)))
@example(sp.log(sp.sinh(X)) + sp.log(sp.exp(sp.exp(-X / 2)) - 1))  # at x = 1000: e^(e^-500) - 1 = e^-500 in doubles
def test_stabilize_is_finite_wherever_the_exact_value_is(expr):
    import mpmath as mp
    assume(not expr.has(sp.zoo, sp.nan))  # log(e^a - e^a) is log(0) = zoo: nothing to rewrite
    stable = stabilize(expr)
    targets = [(expr, stable), (sp.diff(expr, X), sp.diff(stable, X)), (sp.diff(expr, Y), sp.diff(stable, Y))]
    # where the exact value is not real (a log of a negative difference) the loss is undefined, and so are its
    # derivatives as a real function (sympy's, of the complex log, are real there): not checked
    values = {p: _mp_eval(expr, *p) for p in _POINTS}
    for i, (exact_e, stable_e) in enumerate(targets):
        for x, y in [p for p in _POINTS if values[p] is not _COMPLEX]:
            ref = _mp_eval(exact_e, x, y) if i else values[x, y]
            if ref is None or ref is _COMPLEX or not mp.isfinite(ref) or abs(ref) > 1e300:
                continue
            got = _py_eval(stable_e, x, y)
            assert math.isfinite(got), (str(exact_e), str(stable_e), x, y, float(ref))
            # the rewritten forms lose at most |argument| * eps in an exponent: rtol 1e-9, atol 1e-9
            assert got == pytest.approx(float(ref), rel=1e-9, abs=1e-9), (str(exact_e), str(stable_e), x, y)


def test_ratios_are_combined_only_with_what_can_cancel_them():
    """A difference of ratios goes over its common denominator (1 - e^x/(e^x + 1) = sigmoid(-x)), without the terms in
    other variables: e^{2y} inside the combination made the x-derivative exp(800 + ...) (1 - sigmoid(x)) = inf * 0 at
    (x, y) = (1000, 400), where it is finite; a sum of positive terms (no difference to remove) is not combined; and a
    constant sympy keeps unevaluated (2**(2/3), from exp(u - log(2)/3)) is a positive coefficient of an exponential."""
    e = E(2 * Y) + 1 - E(X) / (E(X) + 1)
    stable = stabilize(e)
    assert stable == E(2 * Y) + sigmoid(-X)
    for p in [(1000.0, 400.0), (-1000.0, 300.0), (2.0, -1.0)]:
        ref = float(_mp_eval(sp.diff(e, X), *p))
        assert _py_eval(sp.diff(stable, X), *p) == pytest.approx(ref, rel=1e-13, abs=1e-300), p
    s = sp.sqrt(1 + E(2 * X)) + E(X) / (E(X) + E(Y))
    assert stabilize(s) == stabilize(s.args[0]) + stabilize(s.args[1])
    c = sp.log(2 ** sp.Rational(2, 3) * E(X) + E(Y))
    assert _py_eval(stabilize(c), -1000.0, -1000.0) == pytest.approx(-1000 + math.log(1 + 2 ** (2 / 3)), rel=1e-15)


@pytest.mark.parametrize("expr, expected", [
    (sp.log(1 + E(X)), softplus(X)),
    (_sig(X), sigmoid(X)),
    (1 / (1 + E(-X)), sigmoid(X)),
    (E(X) / (E(X) + E(Y)), sigmoid(X - Y)),
    (sp.log(1 / (1 + E(-X))), -softplus(-X)),
])
def test_stabilize_recognises_the_named_forms(expr, expected):
    assert stabilize(expr) == expected


def test_log_sum_exp_becomes_a_softplus_chain():
    e = stabilize(sp.log(E(X) + E(Y)))
    assert not e.has(sp.log) and e.has(softplus)
    assert _py_eval(e, -1000.0, -1000.0) == pytest.approx(-1000 + math.log(2), rel=1e-15, abs=0)


def test_negative_power_prints_as_a_division_numba_does_not_raise():
    # numba raises ZeroDivisionError for 0.0**-2 (integer exponent) even with error_model="numpy";
    # the printer writes 1.0/b**2, which is inf there
    from numba import njit
    text = _Printer({"fully_qualified_modules": True}).doprint(X ** -2)
    assert text == "(1.0/(x)**2)"
    f = njit(error_model="numpy")(eval(f"lambda x: {text}"))
    assert f(0.0) == math.inf
    assert f(2.0) == 0.25


def test_hand_written_log_sum_exp_game_is_finite_at_minus_1000():
    from gandynamics import Game, VectorField
    x, y = sp.symbols("x y")
    L = sp.log(E(x) + E(y)) + x * y
    fld = VectorField(Game([x], [y], L, -L + y**2, equilibrium=(0, 0)))
    z = (-1000.0, -1000.0)
    F, DF = fld.eval_F(z), fld.eval_DF(z)
    # exact: F = (sigma_x + y, -sigma_y - x + 2y), sigma = softmax = 1/2 each at x = y;
    # DF = [[1/4, 1 - 1/4], [-1 + 1/4, -1/4 + 2]]
    np.testing.assert_allclose(F, [0.5 - 1000, -0.5 + 1000 - 2000], rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(DF, [[0.25, 0.75], [-0.75, 1.75]], rtol=1e-14, atol=1e-14)


def test_stabilize_stays_linear_on_sums_of_many_logistic_terms():
    """Many distinct denominators are never put over one common denominator (its numerator would be a product of
    all of them: exponential growth, and a RecursionError at eight terms): the result grows linearly."""
    psi, th = sp.symbols("psi theta", real=True)
    D = lambda v: 1 / (1 + sp.exp(-psi * v))  # noqa: E731
    ops = []
    for n in (1, 2, 4, 8, 12):
        e = sum(D(sp.Integer(i + 1)) for i in range(n)) - sum(D(th * (i + 1)) for i in range(n))
        ops.append(sp.count_ops(stabilize(e)))
    # 7 operations per pair of terms: 11, 25, 53, 81 for 2, 4, 8, 12 pairs (linear; the common denominator of 12
    # pairs would have thousands)
    assert all(k <= 8 * n for n, k in zip((1, 2, 4, 8, 12), ops)), ops
    xs = sp.symbols("x0:8", real=True)
    s = stabilize(sum(1 / (1 + E(x)) for x in xs))
    assert s == sum(sigmoid(-x) for x in xs)


# ------------------------------------------------------------------------------------------------------
# cosh, real powers of positive sums of exponentials, logs of differences of two exponential terms: each member at
# points where its naive float form overflows (value or a first derivative inf/nan), against mpmath at 600 digits
# (the exact expression and sympy's derivative of it, never the rewritten form).
#: (expression, points, is_exp_form): points where the naive form fails; is_exp_form when the rewritten value is
#: exp(E) of a computed exponent E (a power): E carries a few ulps of |E| of absolute error, so the value is within a
#: few ulps times |E| (the condition number of exp), not a few ulps
_MEMBERS = [
    (sp.log(sp.cosh(X)), [(1000.0, 0.0), (-1000.0, 0.0)], False),
    (sp.log(sp.cosh(X * Y)), [(40.0, 25.0), (-40.0, 25.0), (1000.0, 1.25)], False),
    (sp.log(1 + sp.cosh(X)), [(1000.0, 0.0), (-800.0, 3.0)], False),
    (sp.log(2 * sp.cosh(X) * E(Y)), [(1000.0, -990.0)], False),
    (sp.cosh(X) * E(-X), [(1000.0, 0.0)], False),
    (sp.sqrt(sp.cosh(X)), [(1000.0, 0.0)], True),
    (sp.cosh(X) ** sp.Rational(-1, 3), [(-1000.0, 0.0)], True),
    (sp.sqrt(1 + E(X)), [(1000.0, 0.0)], True),
    ((E(X) + E(Y)) ** sp.Rational(1, 3), [(1000.0, 1000.0)], True),
    ((E(X) + E(Y)) ** sp.Rational(-1, 2), [(-1000.0, -1000.0)], True),
    ((1 + 2 * E(X)) ** 0.25, [(800.0, 0.0)], True),
    (sp.log(E(X) - E(Y)), [(800.0, -750.0), (-1000.0, -1001.0), (1000.0, 999.0)], False),
    (sp.log(E(X) - 1), [(1000.0, 0.0)], False),
    (sp.log(2 * E(X) - E(Y)), [(1000.0, 1000.0)], False),
    (sp.log(sp.cosh(X) - 1), [(1000.0, 0.0)], False),
    (sp.log(E(X) / (1 + E(-Y)) - E(Y - 5)), [(1000.0, 1000.0)], False),
    (sp.log(sp.sinh(X)), [(1000.0, 0.0)], False),
    (sp.log(sp.sinh(-X * Y)), [(-40.0, 25.0)], False),
    # a difference far below its terms: e^s - 1 = 1e-200 at s = e^-460 (log A + log1p(-B/A) would be log1p(-1) = -inf)
    (sp.log(E(E(-X)) - 1), [(460.0, 0.0)], False),
]
_MEMBER_CASES = [pytest.param(e, p, f, id=f"{e}@{p}") for e, ps, f in _MEMBERS for p in ps]


def _targets(expr):
    return [expr, sp.diff(expr, X), sp.diff(expr, Y)]


def _mp_at(expr, p, dps=600):
    import mpmath as mp
    with mp.workdps(dps):
        return mp.mpmathify(sp.lambdify((X, Y), expr, modules="mpmath")(mp.mpf(p[0]), mp.mpf(p[1])))


@pytest.mark.parametrize("expr, p, exp_form", _MEMBER_CASES)
def test_each_member_fails_without_the_rewrite(expr, p, exp_form):
    """The naive form (sympy's lambdify to NumPy, value and first derivatives) is inf or NaN at the point."""
    with np.errstate(all="ignore"):
        naive = [float(sp.lambdify((X, Y), t, modules="numpy")(np.float64(p[0]), np.float64(p[1])))
                 for t in _targets(expr)]
    assert not all(map(math.isfinite, naive)), naive


@pytest.mark.parametrize("expr, p, exp_form", _MEMBER_CASES)
def test_each_member_is_finite_and_accurate_after_the_rewrite(expr, p, exp_form):
    """Value and gradient of the rewritten form (the printed code, run by plain Python: any overflow raises) are
    within 4 ulps of mpmath's at 600 digits -- ulps of max(|value|, 1): a derivative below 1 is a sum of sigmoids
    and tanh terms of order 1, each rounded --, times |log value| for an exp form."""
    import mpmath as mp
    stable = stabilize(expr)
    for exact_t, stable_t in zip(_targets(expr), _targets(stable)):
        ref = _mp_at(exact_t, p)
        assert isinstance(ref, mp.mpf) and mp.isfinite(ref) and abs(ref) < 1e300
        got = _py_eval(stable_t, *p)
        assert math.isfinite(got), (str(stable_t), p)
        r = float(ref)
        if exp_form and ref != 0:
            tol = 4 * max(1.0, float(abs(mp.log(abs(ref))))) * math.ulp(r)
        else:
            tol = 4 * math.ulp(max(abs(r), 1.0))
        assert abs(got - r) <= tol, (str(stable_t), p, got, r, abs(got - r) / math.ulp(r))


_MP_FUNCTIONS = {"softplus": lambda t: __import__("mpmath").log1p(__import__("mpmath").exp(t)),
                 "sigmoid": lambda t: 1 / (1 + __import__("mpmath").exp(-t))}


@pytest.mark.parametrize("expr", [e for e, _, _ in _MEMBERS])
def test_the_rewrite_keeps_the_value(expr):
    """The rewritten form is the same function: at 25 random points of [-4, 4]^2 (where the naive form is fine) it
    agrees with the expression as written to 45 digits in mpmath (softplus and sigmoid by their definitions), and
    its printed float code agrees with the naive float form to 1e-13; where the exact value is not real (a log of a
    negative difference) the rewritten float value is NaN, like the naive one."""
    import mpmath as mp
    stable = stabilize(expr)
    assert stable != expr and stable.has(softplus, sp.exp)
    f_exact = sp.lambdify((X, Y), expr, modules="mpmath")
    f_stable = sp.lambdify((X, Y), stable, modules=[_MP_FUNCTIONS, "mpmath"])
    f_naive = sp.lambdify((X, Y), expr, modules="numpy")
    rng = np.random.default_rng(12)
    for x, y in rng.uniform(-4, 4, size=(25, 2)):
        with mp.workdps(60):
            a, b = f_exact(mp.mpf(x), mp.mpf(y)), f_stable(mp.mpf(x), mp.mpf(y))
            got = _py_eval(stable, x, y)
            if isinstance(a, mp.mpc) and a.imag != 0:
                assert math.isnan(got), (x, y, got)
                continue
            assert abs(a - b) <= mp.mpf(10) ** -45 * max(1, abs(a)), (x, y, a, b)
        with np.errstate(all="ignore"):
            naive = float(f_naive(np.float64(x), np.float64(y)))
        assert got == pytest.approx(naive, rel=1e-13, abs=1e-13), (x, y)


@pytest.mark.parametrize("expr", [
    sp.log(E(X) - E(X + 1)),            # A < B everywhere: the log is undefined either way
    sp.log(X * sp.cosh(Y)),             # a cosh inside something else
    sp.cosh(Y) + X,
    sp.cosh(X),                         # alone: cosh(1000) overflows because the value does
    sp.log(1 + E(X) - E(Y)),            # more than two signed terms: as written, 0 at x = y = 40
    (E(X) - E(Y)) ** 2,                 # powers of differences (defined where e^x < e^y too)
    sp.sqrt(E(X) - E(Y)),
    sp.sqrt(sp.sinh(X)),                # (sinh is not positive: only its log is rewritten)
    sp.sinh(X) * E(-X),
    sp.log(E(X) - Y * E(Y)),            # a term that is not an exponential term
])
def test_not_rewritten_where_it_would_be_wrong(expr):
    assert stabilize(expr) == expr


def test_log_of_a_difference_is_undefined_where_the_difference_is_negative_either_way():
    stable = stabilize(sp.log(E(X) - E(Y)))
    assert stable == X + softplus(Y - X) + sp.log(sp.tanh((X - Y) / 2))
    assert math.isnan(_py_eval(stable, 1.0, 2.0))  # log of tanh(-1/2) < 0 raises, as math.log(e - e^2) does
    assert math.isnan(_py_eval(sp.log(E(X) - E(Y)), 1.0, 2.0))
    assert math.isnan(_py_eval(stable, 3.0, 3.0))  # log(0): ValueError in plain Python, -inf in numba (exact: -inf)
    # log(1 + e^x - e^y) is left as written: there e^x - e^y cancels exactly (value 0), two log-sum-exps would not
    assert _py_eval(stabilize(sp.log(1 + E(X) - E(Y))), 40.0, 40.0) == 0.0
