"""Derivatives of every order of erfcx and rerfcx = 1/erfcx (gandynamics.losses.erfcx_d, rerfcx_d;
docs/math/stable_rewrites.md, rule 8).

An adversarial review: ``erfcx' = 2x erfcx(x) - 2/sqrt(pi)`` and ``rerfcx' = -2x r + (2/sqrt(pi)) r^2`` cancel for large
x (relative error eps x^2, the second derivative eps x^4), so the game ``exp(x^2) erfc(x) + k x`` had J_xx = +5.2e-11 at
its equilibrium x = 1e6 (exact -1.1e-18) and read unstable, and ``-log erfc(x y)`` had DF_xx = 8.0000320 at (1e5, 2)
(exact 8 - 1e-10).  Every reference here is mpmath's numerical differentiation of the *original* expression
(``exp(t^2) erfc(t)``, its reciprocal) at 60 digits, independent of the recurrences the library evaluates."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import gandynamics as gd
from gandynamics import _numeric as N
from gandynamics import losses as L
from gandynamics._interpreted import static_module

x, y = sp.symbols("x y", real=True)
EPS = 2.0 ** -52
ORDERS = range(4)


def _erfcx(t):
    return mp.exp(t * t) * mp.erfc(t)


def _ref(name, k, t):
    """The k-th derivative of erfcx ("erfcx_d") or 1/erfcx ("rerfcx_d") at the double t, and of order k + 1 (for the
    condition of the value): mpmath's ``diff`` at 60 digits."""
    f = _erfcx if name == "erfcx_d" else (lambda s: 1 / _erfcx(s))
    with mp.workdps(60):
        return mp.diff(f, mp.mpf(t), k), mp.diff(f, mp.mpf(t), k + 1)


def _points(rng, n=60):
    """x from -26 to 1e8: log-spaced of both signs (|x| from 1e-3), uniform on [-6, 6], and the ends of the
    branches of the routines (the split at 1)."""
    pos = 10 ** rng.uniform(-3, 8, n)
    neg = -(10 ** rng.uniform(-3, math.log10(26.0), n // 2))
    return np.concatenate([pos, neg, rng.uniform(-6, 6, n // 2),
                           [0.0, 1.0, np.nextafter(1.0, 0.0), 1e6, 1e8, -26.0, 0.99, 1.01, 5.0]])


#: measured worst relative errors (in units of EPS, on the points of _points and 10 seeds more): erfcx_d 5 EPS at
#: every order; rerfcx_d 2 EPS at order 0 and 1, 45 EPS at order 2 and 190 EPS at order 3 (the Riccati recurrence
#: just below 1); the bound allows twice that, plus the condition of the value |x f^(k+1)| EPS (the zeros of
#: rerfcx''' at -0.70 and rerfcx'''' near 0)
#: ulps of |f| + |x f'| (the forward recurrence kept where it loses at most ~3e-14, for speed: _numeric._erfcxd_split;
#: measured worst 6, 26, 92 for erfcx_d of orders 1-3 and 18 for rerfcx_d' = -erfcx' r^2)
TOL = {"erfcx_d": (8, 16, 64, 256), "rerfcx_d": (8, 32, 96, 384)}


@pytest.mark.parametrize("name", ["erfcx_d", "rerfcx_d"])
@pytest.mark.parametrize("engine", ["compiled", "interpreted"])
@pytest.mark.slow  # (1.3-2 s each: 1,600 mpmath derivatives at 60 digits)
def test_derivative_routines_are_accurate(name, engine):
    f = getattr(N, name) if engine == "compiled" else getattr(static_module("gandynamics._numeric"), name)
    worst = 0.0
    for t in _points(np.random.default_rng(47)):
        t = float(t)
        for k in ORDERS:
            r, r1 = _ref(name, k, t)
            v = f(k, t)
            assert math.isfinite(v), (name, k, t, v)
            bound = TOL[name][k] * EPS * (abs(r) + abs(t * r1))
            err = abs(mp.mpf(v) - r)
            assert err <= bound, f"{name}({k}, {t!r}) = {v!r}, exact {mp.nstr(r, 20)}, error {float(err / abs(r)):.3g}"
            worst = max(worst, float(err / bound))
    assert worst <= 1.0


def test_derivative_routines_at_the_edges():
    for k in (1, 2, 3):
        assert math.isnan(N.erfcx_d(k, math.nan)) and math.isnan(N.rerfcx_d(k, math.nan))
        assert abs(N.erfcx_d(k, -30.0)) == math.inf and N.rerfcx_d(k, -30.0) == 0.0
        assert N.erfcx_d(k, math.inf) == 0.0
    assert N.erfcx_d(0, 3.0) == N.erfcx(3.0) and N.rerfcx_d(0, 3.0) == N.rerfcx(3.0)
    # the reviewer's numbers: erfcx''(1e4) = 1.128e-12 (the forward form 3.798e-12), erfcx''(1e5) = 1.13e-15 (1.78e-11)
    assert N.erfcx_d(2, 1e4) == pytest.approx(float(_ref("erfcx_d", 2, 1e4)[0]), rel=4 * EPS)
    assert N.erfcx_d(2, 1e5) == pytest.approx(float(_ref("erfcx_d", 2, 1e5)[0]), rel=4 * EPS)


def test_symbolic_derivatives_and_mpmath_values():
    assert sp.diff(L.erfcx(x), x) == L.erfcx_d(1, x) and sp.diff(L.erfcx_d(2, x), x) == L.erfcx_d(3, x)
    assert sp.diff(L.rerfcx(x), x) == L.rerfcx_d(1, x)
    assert sp.diff(L.logerfc(x), x, 3) == -2 / sp.sqrt(sp.pi) * L.rerfcx_d(2, x)
    assert L.erfcx_d(0, x) == L.erfcx(x) and L.rerfcx_d(0, x) == L.rerfcx(x)
    with pytest.raises(TypeError):
        L.erfcx_d(sp.Rational(1, 2), x)
    # evalf (sympy's N, lambdify's _imp_) at raised precision: the constants of a field
    for name, cls in (("erfcx_d", L.erfcx_d), ("rerfcx_d", L.rerfcx_d)):
        for k in (1, 2, 3):
            for t in (-7.5, 0.3, 40.0, 1e6):
                r = _ref(name, k, t)[0]
                with mp.workdps(60):
                    assert abs(mp.mpf(str(sp.N(cls(k, sp.Float(t)), 30))) - r) <= 1e-28 * abs(r), (name, k, t)
                assert sp.lambdify(x, cls(k, x))(t) == getattr(N, name)(k, t)
    # the derivative prints as the function a user knows
    assert str(L.erfcx_d(2, x)) == "erfcx''(x)" and str(L.rerfcx_d(5, x)) == "rerfcx^(5)(x)"


@pytest.mark.parametrize("cls", [L.erfcx_d, L.rerfcx_d], ids=lambda c: c.__name__)
@pytest.mark.slow  # (3 s each)
def test_interval_enclosures_are_sound(cls):
    """Both interval engines enclose every order on random boxes (arb: erfcx_d monotone at exact end points, raised
    precision; the Riccati form in x and the function otherwise): sound, never a wrong enclosure."""
    from gandynamics.analysis.boxeval import BoxFunction
    from gandynamics.analysis.intervals import compile_interval, lower, upper
    name = cls.__name__
    rng = np.random.default_rng(5)
    finite = 0
    for k in (1, 2, 3):
        I, B = compile_interval([cls(k, x)], [x]), BoxFunction([cls(k, x)], [x])
        for _ in range(25):
            c = float(rng.choice([rng.uniform(-6, 6), -rng.uniform(0, 26), 10 ** rng.uniform(0, 8)]))
            w = max(abs(c), 1.0) * 10 ** rng.uniform(-12, -2)
            lo, hi = c - w, c + w
            ball = I.on_box([lo], [hi], [])[0]
            blo, bhi = B(np.array([[lo]]), np.array([[hi]]), [])
            encl = [(lower(ball), upper(ball)), (float(blo[0, 0]), float(bhi[0, 0]))]
            finite += math.isfinite(encl[0][0]) and math.isfinite(encl[0][1])
            for t in (lo, c, hi):
                v = _ref(name, k, t)[0]
                for a, b in encl:
                    assert a <= v <= b, f"{name}({k}) on [{lo!r}, {hi!r}] at {t!r}: [{a}, {b}] misses {v}"
    assert finite > 40


@pytest.mark.slow  # (compiles a field no other test needs)
def test_erfcx_game_verdict_is_stable_at_1e6():
    """The reviewer's game (its discriminator scaled to k y^2/2, so that J_xx = -1.1e-18 is above the rounding floor
    of the spectrum, 1e-14 of the largest eigenvalue): stable, J_xx exact to rounding (it was +5.2e-11: unstable)."""
    from gandynamics.analysis import spectrum
    k = 5.641895835477563e-13
    g = gd.Game([x], [y], sp.exp(x**2) * sp.erfc(x) + k * x, k * y**2 / 2, equilibrium=(1e6, 0.0))
    fld = gd.VectorField(g)
    rep = spectrum(fld, {})
    exact = -float(_ref("erfcx_d", 2, float(rep.point[0]))[0])
    assert rep.jacobian[0][0] == pytest.approx(exact, rel=1e-13)
    assert rep.stable and "stable" in rep.verdict and "unstable" not in rep.verdict, rep.verdict


@pytest.mark.parametrize("engine", ["compiled", "interpreted"])
@pytest.mark.slow  # (compiles a field no other test needs)
def test_field_derivatives_of_erfc_losses(engine):
    """F and DF through the field's eval_F/eval_DF (compiled and interpreted) of erfcx, log erfc and its reciprocal
    form in u = x y, at points from x = -26 to 1e8 (y = 1, 2): within 1e-13 relative of mpmath's derivatives of the
    original losses (the reviewer's -log erfc(x y) had DF_xx = 8.0000320 at (1e5, 2))."""
    u = x * y
    # (e^{-u^2}/erfc(u) and e^{-u^2}/erfc(-u) are rerfcx(u), rerfcx(-u) now; the second was exp(-u^2 - logerfc(-u)),
    # whose DF lost 1e-12 at u = -6, the first 1/erfcx(u), whose DF was NaN below u = -26.6)
    losses = [sp.exp(u**2) * sp.erfc(u), -sp.log(sp.erfc(u)), sp.exp(-u**2) / sp.erfc(-u), sp.exp(-u**2) / sp.erfc(u)]
    refs = [lambda t: _erfcx(t), lambda t: -mp.log(mp.erfc(t)), lambda t: mp.exp(-t * t) / mp.erfc(-t),
            lambda t: 1 / _erfcx(t)]
    for T, Tr in zip(losses, refs):
        fld = gd.VectorField(gd.Game([x], [y], T, y**2 / 2))
        it = fld.interpreted if engine == "interpreted" else fld.compiled()
        for xv in list(10 ** np.linspace(-2, 8, 11)) + [-0.3, -3.0, -12.0, -13.0, -26.0 if T.has(sp.exp) else -8.0]:
            for yv in (1.0, 2.0):
                if T.has(sp.exp) and xv * yv < -26.0 or T is losses[2] and xv * yv > 26.0:
                    continue  # (values beyond the doubles: erfcx overflows, rerfcx(-u) underflows)
                z = np.array([xv, yv])
                F = it.field(z, np.empty(0), np.empty(2))
                DF = it.jacobian(z, np.empty(0), np.empty((2, 2)))
                # (log erfc(u) at u < 0 is log 2 less e^(-u^2)/(sqrt(pi) |u|): its derivatives need u^2/2.3 digits more)
                with mp.workdps(60 + (int(xv * xv * yv * yv) // 2 if xv < 0 else 0)):
                    g = lambda s, t: Tr(s * t)  # noqa: E731
                    fx = mp.diff(g, (mp.mpf(xv), mp.mpf(yv)), (1, 0))
                    fxx = mp.diff(g, (mp.mpf(xv), mp.mpf(yv)), (2, 0))
                for got, ex, what in ((F[0], fx, "F_x"), (DF[0, 0], fxx, "DF_xx")):
                    assert abs(mp.mpf(float(got)) - ex) <= 1e-13 * abs(ex) + 1e-300, (
                        f"{engine} {T} at ({xv}, {yv}): {what} = {got!r}, exact {mp.nstr(ex, 20)}")


class _Erfc(sp.Function):
    """erfc as the reference takes it: no rewriting of erfc(-x) as 2 - erfc(x), which is 0 at 60 digits for x = 40."""

    def fdiff(self, argindex=1):
        return -2 / sp.sqrt(sp.pi) * sp.exp(-self.args[0] ** 2)


@pytest.mark.slow  # (about 3 s: 48 typings x 8 points at 60 digits)
@pytest.mark.parametrize("shift", [0, 1, 2])
def test_mills_ratio_typings_with_factors_and_shifts_stay_accurate(shift):
    """c e^{-u^2}/erfc(u) with a factor c other than 1 kept c/erfcx(u), whose derivatives divide by erfcx^2 (NaN below
    u = -26.6, the wrong sign at u = 1e8), and e^{v - u^2}/erfc(u) with v in other variables cancelled (F 0.5 for 3.42
    at x = 1e8): a review.  The kind: factors (-1, 2, a hyperparameter, sqrt(2/pi)), arguments (x, x/sqrt 2, 3x, -x),
    shifts (none, y, y^2 / 2) in the exponent; F and DF against 50-digit values of the typed expression."""
    g = sp.Symbol("g", real=True)
    v = (0, y, y**2 / 2)[shift]
    worst = 0.0
    for c in (-1, 2, g, sp.sqrt(2 / sp.pi)):
        for a in (1, 1 / sp.sqrt(2), 3, -1):
            u = a * x
            lg = c * sp.exp(v - u**2) / sp.erfc(u) + x**2 / 2 + x * y
            fld = gd.VectorField(gd.Game([x], [y], lg, y**2 / 2 - x * y, hyper={g: 0.7}))
            ref = c * sp.exp(v - u**2) / _Erfc(u) + x**2 / 2 + x * y  # (erfc(-x) kept, not sympy's 2 - erfc(x))
            exact = [sp.lambdify((x, y, g), e, [{"_Erfc": mp.erfc}, "mpmath"])
                     for e in (sp.diff(ref, x), sp.diff(ref, x, 2), sp.diff(ref, x, y))]
            for X in (-40.0, -27.0, -3.0, 0.4, 2.5, 1e3, 1e6, 1e8):
                if a == 3 and X < -9:  # (u = 3x below -26.6: erfcx overflows, e^{-u^2}/erfc(u) ~ 0 exactly there)
                    continue
                F, D = fld.eval_F([X, 0.5]), fld.eval_DF([X, 0.5])
                for got, ex in zip((F[0], D[0, 0], D[0, 1]), exact):
                    with mp.workdps(60):
                        t = float(ex(mp.mpf(X), mp.mpf(0.5), mp.mpf(0.7)))
                    assert math.isfinite(got), (c, a, v, X, got, t)
                    err = abs(got - t) / max(abs(t), 1e-300)
                    worst = max(worst, err)
                    assert err < 1e-12, (c, a, v, X, got, t)
    assert worst < 1e-12
