"""The stable rewrites of ``log cosh``, ``log sinh``, logs of differences of exponentials, ``exp(u) - 1``, ratios of
``cosh`` and the complementary error function (gandynamics.losses.stabilize, docs/math/stable_rewrites.md, rules 6-8):
the generated F and DF are finite wherever the exact values are, and accurate.

Every reference is computed from the *original* expression (not the rewritten one) with mpmath at 1000 digits (the derivatives of the original forms cancel: see DPS); the
games are drawn from a generator of the kind (random kinds, scales, offsets and sums of two of them), evaluated at
points where the arguments reach ``|u| ~ 700`` (where exp, cosh and sinh overflow and erfc underflows) and
``|u| ~ 1e-20`` (where ``exp(u) - 1`` rounds to 0), through the interpreted and the compiled generated code."""

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
#: digits of the references: sympy's derivatives of the original forms cancel (exp(u)/(exp(u) - 1) - exp(2u)/(exp(u)
#: - 1)^2 at u = 720 loses 625 digits), so the working precision covers the largest exponent
DPS = 1000


# ------------------------------------------------------------------------------------- the scalar routines
def _ref(name):
    return {
        "logcosh": lambda t: mp.log(mp.cosh(t)),
        "logsinh": lambda t: mp.log(mp.sinh(t)),
        "log1mexp": lambda t: mp.log1p(-mp.exp(-t)),
        "invexpm1": lambda t: 1 / mp.expm1(t),
        "erfcx": lambda t: mp.exp(t * t) * mp.erfc(t),
        "rerfcx": lambda t: 1 / (mp.exp(t * t) * mp.erfc(t)),
        "logerfc": lambda t: mp.log(mp.erfc(t)),
    }[name]


def _points(rng, k=600):
    return np.concatenate([rng.uniform(-6, 6, k), 10 ** rng.uniform(-20, 2.85, k), -(10 ** rng.uniform(-20, 2.85, k)),
                           [0.5, 1.0, 5.0, math.log(2), 1e7, 709.0, 710.0, 26.5, -26.5]])


@pytest.mark.parametrize("name", ["logcosh", "logsinh", "log1mexp", "invexpm1", "erfcx", "rerfcx", "logerfc"])
@pytest.mark.parametrize("engine", ["compiled", "interpreted"])
@pytest.mark.slow  # 1.2-11 s each with warm caches (1,800 mpmath references per routine): in CI's -m slow pass
def test_numeric_routines_are_accurate_wherever_finite(name, engine):
    f = getattr(N, name) if engine == "compiled" else getattr(static_module("gandynamics._numeric"), name)
    ref = _ref(name)
    worst = 0.0
    with mp.workdps(DPS):
        for t in _points(np.random.default_rng(7)):
            t = float(t)
            v = f(t)
            try:
                r = ref(mp.mpf(t))
            except (ValueError, ZeroDivisionError):
                continue
            if mp.im(r) != 0 or not mp.isfinite(r) or abs(r) > 1.7e308 or (r != 0 and abs(r) < 2.3e-308):
                # no finite normal double: the routine gives inf/NaN/underflow like the exact value
                continue
            assert math.isfinite(v), f"{name}({t!r}) = {v}, exact {mp.nstr(r, 17)}"
            err = float(abs(mp.mpf(v) - r) / abs(r)) if r != 0 else abs(v)
            # log sinh has a zero at asinh(1) = 0.8814: there the error is an ulp of the terms, not of the value
            tol = 8 * EPS + (2 * EPS / float(abs(r)) if name == "logsinh" else 0.0)
            assert err <= tol, f"{name}({t!r}) = {v!r}, exact {mp.nstr(r, 20)}, relative error {err:.3g}"
            worst = max(worst, err / tol)
    assert worst <= 1.0


def test_numeric_routines_at_the_edges_of_their_domains():
    assert math.isnan(N.logsinh(-1.0)) and N.logsinh(0.0) == -math.inf
    assert math.isnan(N.log1mexp(-1.0)) and N.log1mexp(0.0) == -math.inf
    assert N.invexpm1(0.0) == math.inf and N.invexpm1(800.0) == 0.0 and N.invexpm1(-800.0) == -1.0
    assert N.erfcx(-30.0) == math.inf and N.rerfcx(-30.0) == 0.0 and N.erfcx(math.inf) == 0.0
    assert N.logerfc(-40.0) == math.log(2.0) and N.logcosh(1e308) == 1e308 - math.log(2.0)
    for f in (N.logcosh, N.logsinh, N.log1mexp, N.invexpm1, N.erfcx, N.rerfcx, N.logerfc):
        assert math.isnan(f(math.nan))


# ------------------------------------------------------------------------------------- the rewrites
def test_rewritten_forms():
    S = L.stabilize
    assert S(sp.log(sp.cosh(x))) == L.logcosh(x)
    assert S(sp.log(sp.sinh(x))) == L.logsinh(x)
    assert S(sp.log(-sp.sinh(x))) == L.logsinh(-x)
    assert S(sp.log(sp.exp(x) - 1)) == x + L.log1mexp(x)
    assert S(sp.log(1 - sp.exp(-x))) == L.log1mexp(x)
    assert S(sp.log(sp.exp(x) - sp.exp(y))) == x + L.log1mexp(x - y)
    assert S(sp.exp(x) - 1) == L.expm1(x)
    assert S(1 - sp.exp(-x)) == -L.expm1(-x)
    assert S(sp.exp(x**2) * sp.erfc(x)) == L.erfcx(x)
    assert S(sp.log(sp.erfc(x))) == L.logerfc(x)
    # the reciprocals: rerfcx, whose derivative rerfcx_d is finite and accurate everywhere (1/erfcx's quotient was
    # inf/inf below -26.6; exp(-x^2 - logerfc(-x)) cancelled in its derivative)
    assert S(sp.exp(-x**2) / sp.erfc(x)) == L.rerfcx(x)
    assert S(sp.exp(-x**2) / sp.erfc(-x)) == L.rerfcx(-x)
    assert S(3 * sp.exp(-x**2) / (2 - sp.erfc(x))) == 3 * L.rerfcx(-x)
    assert S(sp.cosh(x) / sp.cosh(y)) == sp.exp(L.logcosh(x) - L.logcosh(y))
    # (e^x - 1)/(e^x + 1) is merged into sigmoids first, not into expm1(x) sigmoid(-x) (inf * 0 at x = 800)
    assert not S((sp.exp(x) - 1) / (sp.exp(x) + 1)).has(L.expm1)


def test_derivatives_stay_in_stable_forms():
    # each derivative, to the third, is built of the stable functions, sigmoids and polynomials: no exp, cosh, erfc
    for f in L.STABLE_FUNCTIONS:
        if f is L.expm1:
            continue
        d = f(x)
        for _ in range(3):
            d = sp.diff(d, x)
            assert not d.has(sp.exp, sp.cosh, sp.sinh, sp.erfc, sp.tanh), (f, d)


# a member of the kind: (builder of the original expression in u, domain of u where it is real, erfc-like)
KINDS = {
    "log cosh": (lambda u: sp.log(sp.cosh(u)), None),
    "log sinh": (lambda u: sp.log(sp.sinh(u)), 0.0),
    "log(e^u - 1)": (lambda u: sp.log(sp.exp(u) - 1), 0.0),
    "log(1 - e^-u)": (lambda u: sp.log(1 - sp.exp(-u)), 0.0),
    "log(3 e^u - 2)": (lambda u: sp.log(3 * sp.exp(u) - 2), math.log(2 / 3)),
    "e^u - 1": (lambda u: sp.exp(u) - 1, None),
    "1 - e^-u": (lambda u: 1 - sp.exp(-u), None),
    "cosh ratio": (lambda u: sp.cosh(u) / sp.cosh(u / 2 + 1), None),
    "erfcx": (lambda u: sp.exp(u**2) * sp.erfc(u), None),
    "log erfc": (lambda u: sp.log(sp.erfc(u)), None),
    # typed with erf and tanh (an adversarial review: -inf, NaN, 2 % off): log(k (1 -+ erf u)), log(k (1 -+ tanh u))
    "log(1 - erf u)": (lambda u: sp.log(1 - sp.erf(u)), None),
    "log(2 + 2 erf u)": (lambda u: sp.log(2 + 2 * sp.erf(u)), None),
    "log(1 + tanh u)": (lambda u: sp.log(1 + sp.tanh(u)), None),
    "log(3 - 3 tanh u)": (lambda u: sp.log(3 - 3 * sp.tanh(u)), None),
}


def _member(rng):
    """A random member: one or a sum of two kinds of random linear arguments ``a x + b``, times y."""
    names = list(rng.choice(list(KINDS), size=int(rng.integers(1, 3)), replace=False))
    terms, args = [], []
    for nm in names:
        a = sp.Rational(int(rng.choice([1, -1, 2, -3, 5])), int(rng.choice([1, 1, 2, 7])))
        b = sp.Rational(int(rng.integers(-3, 4)), 4) if rng.random() < 0.4 else sp.S.Zero
        u = a * x + b
        terms.append(KINDS[nm][0](u) * sp.Rational(int(rng.integers(1, 5)), int(rng.integers(1, 4))))
        args.append((nm, a, b))
    return sp.Add(*terms), args


def _xs(args, rng):
    """Points x where the arguments reach |u| ~ 700 and |u| ~ 1e-20 (and ordinary values)."""
    xs = [1e-20, -1e-20, 3e-9, 0.37, -2.2, 40.0, -40.0]
    for _nm, a, b in args:
        a = float(a)
        xs += [float(s * 700 / abs(a)) for s in (1, -1)] + [float(-b) / a if b else 1e-18]
        xs.append(float(rng.uniform(300, 720)) / a)
    return xs


def _as_reference(T):
    """``T`` as the references evaluate it, and at how many digits: as written, except ``log(k (1 + s erf u))`` as
    ``log k + log erfc(-s u)`` (the same function; ``1 - erf(48)`` is 0 at 1000 digits, where mpmath's erfc has every
    digit: 1 - erf(700) would need 212,800), and at 3000 digits
    with tanh (``1 + tanh(u)`` at ``u = -720`` cancels 625 digits, its second derivative about twice that)."""
    def erfc_form(e):  # log(k + s k erf u) = log k + log erfc(-s u), each side exact
        a = e.args[0]
        if a.is_Add and len(a.args) == 2:
            k = next((t for t in a.args if t.is_Number), None)
            rest = [t for t in a.args if t is not k]
            if k is not None and len(rest) == 1:
                c, f = rest[0].as_coeff_Mul()
                if f.func is sp.erf and abs(c) == k:
                    return sp.log(k) + sp.log(sp.erfc(-f.args[0] if c > 0 else f.args[0], evaluate=False))
        return e
    T = T.replace(lambda e: e.func is sp.log, erfc_form)
    return T, (3 * DPS if T.has(sp.tanh) else DPS)


def _reference(T, z):
    """F and DF of the game (loss_g = T y, loss_d = -T y + y^2/2) at z, from T as written (:func:`_as_reference`)."""
    T, dps = _as_reference(T)
    lg, ld = T * y, -T * y + y**2 / 2
    F = [sp.diff(lg, x), sp.diff(ld, y)]
    DF = [sp.diff(F[0], x), sp.diff(F[0], y), sp.diff(F[1], x), sp.diff(F[1], y)]
    fs = sp.lambdify((x, y), [T] + F + DF, modules="mpmath")
    with mp.workdps(dps):
        try:
            vals = fs(mp.mpf(z[0]), mp.mpf(z[1]))
        except (ValueError, ZeroDivisionError, OverflowError):
            return None
        vals = [mp.mpc(v) for v in vals]
    if vals[0].imag != 0:  # the loss is not real at z (log of a negative number): no game there
        return None
    return vals[1:]


def _close(got, exact, tol):
    """``got`` (a double) is finite and within ``tol`` relative of ``exact`` (an mpmath number, real and finite as a
    double); a value below the normal range is compared absolutely."""
    if not math.isfinite(got):
        return False
    return float(abs(mp.mpf(got) - exact.real)) <= tol * max(float(abs(exact.real)), 2.3e-308)


def _finite_double(v):
    return v.imag == 0 and mp.isfinite(v.real) and abs(v.real) < 1e300


def _check(fld, T, args, z, F, DF, where):
    ref = _reference(T, z)
    if ref is None:
        return 0
    n = 0
    for i, (got, exact) in enumerate(zip(list(F) + list(np.ravel(DF)), ref)):
        if not _finite_double(exact):
            continue
        # F within 1e-12; DF within 1e-11 (the second derivative of a sum of kinds cancels their terms); erfc kinds
        # too (their derivatives lost u^2 ulps in F and u^4 in DF while erfcx' was 2 u erfcx(u) - 2/sqrt(pi): now
        # erfcx_d, docs/math/stable_rewrites.md, rule 8)
        tol = 1e-12 if i < 2 else 1e-11
        if len(args) > 1 and i >= 2:   # (a sum of two kinds: cancellation between them, scaled to the terms)
            tol = max(tol, 1e-11)
        assert _close(float(got), exact, tol), (
            f"{where}: T = {T}, z = {z}, component {i}: got {got!r}, exact {mp.nstr(exact.real, 20)}")
        n += 1
    return n


@pytest.mark.parametrize("seed", [s if s in (1, 6, 7, 9, 11) else pytest.param(s, marks=pytest.mark.slow)
                                  for s in range(12)])  # (the seeds of 1-6 s with warm caches: in -m slow)
@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_members_of_the_kind_are_finite_and_accurate_interpreted(seed):
    rng = np.random.default_rng(seed)
    T, args = _member(rng)
    fld = gd.VectorField(gd.Game(theta=[x], psi=[y], loss_g=T * y, loss_d=-T * y + y**2 / 2))
    it = fld.interpreted
    n = 0
    for x0 in _xs(args, rng):
        for y0 in (0.7, -1.3):
            z = np.array([x0, y0])
            F = it.field(z, np.empty(0), np.empty(2))
            DF = it.jacobian(z, np.empty(0), np.empty((2, 2)))
            n += _check(fld, T, args, z, F, DF, "interpreted")
            # eval_F / eval_DF (the public route) agree with it
            np.testing.assert_array_equal(fld.eval_F(z), np.asarray(F, float))
    if n == 0:
        pytest.skip(f"{T} is real at none of the points")


#: the kinds in compiled games of at most the dense Jacobian's 12 parameters (whose entries are rewritten too; a larger
#: game's Jacobian products are not: docs/math/stable_rewrites.md)
KIND_GROUPS = [dict(list(KINDS.items())[:7]), dict(list(KINDS.items())[7:])]


@pytest.mark.slow  # 2-4 s: compiles two fields no other test needs
@pytest.mark.parametrize("group", range(len(KIND_GROUPS)))
def test_all_kinds_compiled(group):
    # compiled games holding every kind, each in its own generator parameter (one compilation per group)
    KINDS = KIND_GROUPS[group]
    xs = sp.symbols(f"x0:{len(KINDS)}", real=True)
    T = sp.Add(*[build(xi) for xi, (build, _dom) in zip(xs, KINDS.values())])
    g = gd.Game(theta=list(xs), psi=[y], loss_g=T * y, loss_d=-T * y + y**2 / 2)
    fld = gd.VectorField(g)
    m = fld.compiled()
    it = fld.interpreted
    T_ref, dps = _as_reference(T)
    lg, ld = T_ref * y, -T_ref * y + y**2 / 2
    z_all = list(xs) + [y]
    F = [sp.diff(lg, v) for v in xs] + [sp.diff(ld, y)]
    DF_diag = [sp.diff(F[i], xs[i]) for i in range(len(xs))]
    fs = sp.lambdify(z_all, F + DF_diag, modules="mpmath")
    k = len(xs)
    checked = 0
    for u in (700.0, -700.0, 1e-20, -1e-20, 3e-9, 0.4, 26.0, 40.0, 300.0):
        z = np.array([u] * k + [0.7])
        # a kind not real at u (log sinh at u < 0, ...): its coordinate moved to 1
        for j, (nm, (build, dom)) in enumerate(KINDS.items()):
            if dom is not None and not u > dom:
                z[j] = 1.0
        with mp.workdps(dps):
            ref = [mp.mpc(v) for v in fs(*[mp.mpf(float(t)) for t in z])]
        Fc, DFc = m.field(z, np.empty(0), np.empty(k + 1)), m.jacobian(z, np.empty(0), np.empty((k + 1, k + 1)))
        Fi, DFi = it.field(z, np.empty(0), np.empty(k + 1)), it.jacobian(z, np.empty(0), np.empty((k + 1, k + 1)))
        got_c = list(Fc) + [DFc[i, i] for i in range(k)]
        got_i = list(Fi) + [DFi[i, i] for i in range(k)]
        names = list(KINDS) + ["y"] + [f"d{nm}" for nm in KINDS]
        for j, exact in enumerate(ref):
            if not _finite_double(exact):
                continue
            tol = 1e-11  # (erfc kinds too: u^2 and u^4 ulps more before erfcx_d)
            for got, eng in ((got_c[j], "compiled"), (got_i[j], "interpreted")):
                assert _close(float(got), exact, tol), f"{eng} {names[j]} at u={u}: {got!r} vs {mp.nstr(exact.real, 20)}"
            checked += 1
    assert checked > 50


# ------------------------------------------------------------------------------------- the reviewer's cases
def test_log_cosh_game_from_800_converges():
    g = gd.Game(theta=[x], psi=[y], loss_g=x**2 / 20, loss_d=(y - sp.log(sp.cosh(x)))**2 / 2, equilibrium=(0, 0))
    fld = gd.VectorField(g)
    z = np.array([800.0, 0.0])
    for _ in range(400):
        z = z - 0.5 * fld.eval_F(z)
        assert np.all(np.isfinite(z))
    assert np.linalg.norm(z) < 1e-5


@pytest.mark.parametrize("T, z, F_exact", [
    (sp.log(sp.exp(x) - 1) * y, (800.0, 0.7), (0.7, -799.3)),
    (sp.log(sp.exp(x) - 1) * y, (1e-20, 0.7), (7e19, 46.75170185988091)),
    (sp.exp(x**2) * sp.erfc(x) * y, (40.0, 0.3), (-1.0568652847e-4, None)),
])
def test_reviewer_points(T, z, F_exact):
    fld = gd.VectorField(gd.Game(theta=[x], psi=[y], loss_g=T, loss_d=-T + y**2 / 2))
    F = fld.eval_F(np.array(z))
    assert np.all(np.isfinite(F)) and np.all(np.isfinite(fld.eval_DF(np.array(z))))
    for got, ex in zip(F, F_exact):
        if ex is not None:
            assert got == pytest.approx(ex, rel=1e-9)


# ------------------------------------------------------------------------------------- interval enclosures
@pytest.mark.parametrize("f", L.STABLE_FUNCTIONS, ids=lambda f: f.__name__)
def test_interval_enclosures_are_sound(f):
    """Both interval engines enclose the exact value at sample points of random boxes (their own enclosure in the
    arb engine, the ``_interval_form`` fallback in the vectorised one)."""
    from gandynamics.analysis.boxeval import BoxFunction
    from gandynamics.analysis.intervals import compile_interval, lower, upper
    I, B = compile_interval([f(x)], [x]), BoxFunction([f(x)], [x])
    rng = np.random.default_rng(3)
    ev = {L.expm1: mp.expm1, L.tanhs: mp.tanh, L.logcosh: _ref("logcosh"), L.logsinh: _ref("logsinh"),
          L.log1mexp: _ref("log1mexp"), L.invexpm1: _ref("invexpm1"), L.erfcx: _ref("erfcx"),
          L.rerfcx: _ref("rerfcx"), L.logerfc: _ref("logerfc")}[f]
    finite = 0
    with mp.workdps(60):
        for _ in range(150):
            c = float(rng.choice([rng.uniform(-3, 3), rng.uniform(-800, 800),
                                  10 ** rng.uniform(-20, 0) * rng.choice([-1, 1])]))
            w = abs(c) * 10 ** rng.uniform(-12, -1)
            lo, hi = c - w, c + w
            ball = I.on_box([lo], [hi], [])[0]
            blo, bhi = B(np.array([[lo]]), np.array([[hi]]), [])
            encl = [(lower(ball), upper(ball)), (float(blo[0, 0]), float(bhi[0, 0]))]
            finite += math.isfinite(encl[0][0]) and math.isfinite(encl[0][1])
            for t in np.linspace(lo, hi, 5):
                try:
                    v = ev(mp.mpf(float(t)))
                except (ValueError, ZeroDivisionError):
                    continue
                if mp.im(v) != 0 or not mp.isfinite(v):
                    continue
                for a, b in encl:
                    assert a <= v <= b, f"{f.__name__} on [{lo!r}, {hi!r}] at {t!r}: [{a}, {b}] misses {v}"
    assert finite > 50   # and the arb enclosures are finite on most boxes


def test_cosh_ratio_is_certified_finite():
    # cosh(300 x)/cosh(300 y) on [2.36, 2.37]^2: cosh overflows there, the ratio (exp(logcosh - logcosh)) does not
    from gandynamics.analysis.intervals import interval_jacobian, upper
    a, b = sp.symbols("a b", real=True)
    L0 = sp.cosh(300 * a) / sp.cosh(300 * b)
    fld = gd.VectorField(gd.Game(theta=[a], psi=[b], loss_g=L0 / 300**2, loss_d=-L0 / 300**2 + b**2 / 2))
    enc = interval_jacobian(fld).on_box([2.36, 2.36], [2.37, 2.37], [])
    assert all(math.isfinite(upper(abs(e))) for e in enc)


@pytest.mark.parametrize("T", [sp.exp(y) * sp.erfc(x), sp.exp(y) / sp.erfc(x), sp.exp(x**2 + y) * sp.erfc(x),
                               sp.log(sp.sinh(x)**2) * y, sp.log((sp.exp(x) - 1)**2) * y,
                               sp.log((sp.exp(x) - sp.exp(y))**2) + y**2])
def test_members_the_first_rewrites_broke_are_finite_and_real(T):
    """The diff reviewer's members: erfc(u)^k e^v became erfcx(u)^k e^{v - k u^2}, inf * 0 = NaN below u = -26.6 (now
    exp(v + k logerfc(u)) unless v = k u^2); log(b^2) became 2 log b, NaN for b < 0 (now left as it is).  F and DF at
    points of both signs against mpmath on the original expression (60 digits)."""
    fld = gd.VectorField(gd.Game(theta=[x], psi=[y], loss_g=T, loss_d=-T + y**2 / 2))
    Fx = [sp.diff(T, x), sp.diff(-T + y**2 / 2, y)]
    tested = 0
    for z in ((-30.0, 0.3), (-27.0, -0.2), (-0.7, 0.4), (0.9, 0.25), (30.0, 0.1)):
        exact = [sp.N(e.subs({x: sp.Float(z[0], 60), y: sp.Float(z[1], 60)}), 40) for e in Fx]
        if any(abs(complex(v)) > 1e300 for v in exact):  # (the exact value overflows itself: inf is right)
            continue
        F = fld.eval_F(np.array(z))
        assert np.all(np.isfinite(F)) and np.all(np.isfinite(fld.eval_DF(np.array(z)))), (T, z, F)
        for got, v in zip(F, exact):
            v = complex(v)
            assert abs(v.imag) < 1e-30 and got == pytest.approx(v.real, rel=1e-9, abs=1e-300), (T, z, got, v)
        tested += 1
    assert tested >= 3


_T, _P = sp.symbols("theta psi", real=True)


@pytest.mark.parametrize("term", [sp.atan(sp.exp(_T)), sp.sqrt(1 + sp.exp(_T)), sp.sqrt(1 + sp.exp(2 * _T)),
                                  sp.log(1 + sp.exp(_T)) ** 2, sp.atan(sp.exp(-_T)),
                                  # (a second adversarial review: sympy's derivatives of these are -sinh/cosh^2,
                                  # e^u (1 - tanh(e^u)^2) and (1 - e^u) e^{u - e^u}, inf/inf, inf * 0 and -inf * 0
                                  # beyond |u| = 710 in F or in DF, where the exact values are finite; two in the
                                  # default run, the rest with -m slow: each a field to derive)
                                  1 / sp.cosh(_T), sp.tanh(sp.exp(_T))] + [
                                  pytest.param(t, marks=pytest.mark.slow) for t in (
                                      1 / sp.cosh(sp.Rational(5, 2) * _T), sp.tanh(sp.exp(-sp.Rational(6, 5) * _T)),
                                      sp.exp(_T - sp.exp(_T)), sp.exp(-sp.exp(_T)), sp.tanh(_T) ** 2)])
@pytest.mark.parametrize("t", [-800.0, -710.0, -30.0, 0.5, 30.0, 400.0, 710.0, 800.0])
def test_the_field_of_a_stable_loss_is_stable_too(term, t):
    """An adversarial reviewer: the losses were rewritten to stable forms but their derivatives were not, and F
    was NaN or -inf where its exact value is finite (atan(e^t) has the derivative e^t / (1 + e^{2t}): inf/inf at t =
    710; sqrt(1 + e^t): -inf for +1.8e86 in DF).  F is rewritten as the losses are.  Against mpmath at 60 digits on
    sympy's own derivative of the loss: F and DF finite wherever the exact value is a finite double, and within
    1e-12 relative (or 1e-300 absolute)."""
    import mpmath
    from gandynamics import Game, VectorField
    fld = VectorField(Game([_T], [_P], term + _T * _P, _P ** 2 / 2 - _T * _P, equilibrium=(0.0, 0.0)))
    z, p = np.array([t, 1.0]), np.zeros(0)
    F, D = fld.eval_F(z, p), fld.eval_DF(z, p)
    dF = sp.diff(term, _T) + _P
    ddF = sp.diff(dF, _T)
    with mpmath.workdps(60):
        exact = [float(sp.N(e.subs({_T: sp.Float(t, 60), _P: 1}), 60)) for e in (dF, ddF)]
    for got, want in ((F[0], exact[0]), (D[0, 0], exact[1])):
        if math.isfinite(want):
            assert math.isfinite(got), (term, t, got, want)
            assert abs(got - want) <= 1e-12 * abs(want) + 1e-300, (term, t, got, want)


@pytest.mark.parametrize("seed", range(12))
def test_a_product_of_logistic_factors_typed_by_hand_has_an_accurate_field(seed):
    """A trust review: c e^{sum k_i a_i x} / prod (e^{a_i x} + 1)^{k_i} (c prod sigmoid(a_i x)^{k_i} typed by hand) had a
    derivative (k - sum c_i sigmoid(a_i x)) e^{...} that the product rule distributed into a difference of exponentials:
    0 or of the wrong sign where the sigmoids round to 1 (47 of 60 members off by more than 1e-6).  F and DF against
    sympy's derivatives of the typed loss in 100-digit mpmath, at saturated points on both sides."""
    import mpmath as mp
    rng = np.random.default_rng(seed)
    x, y = sp.symbols("x y", real=True)
    k = int(rng.integers(1, 4))
    a = [sp.Rational(int(rng.choice([1, 2, 3])), int(rng.choice([1, 1, 2]))) for _ in range(k)]
    p = [int(rng.choice([1, 2])) for _ in range(k)]
    c = sp.Integer(int(rng.integers(1, 4)))
    typed = c * sp.exp(sum(pi * ai * x for ai, pi in zip(a, p))) / sp.Mul(*[(sp.exp(ai * x) + 1) ** pi
                                                                           for ai, pi in zip(a, p)])
    fld = gd.VectorField(gd.Game([x], [y], typed, y**2 / 2))
    f1, f2 = (sp.lambdify(x, sp.diff(typed, x, m), "mpmath") for m in (1, 2))
    for xv in (-55.0, -30.0, -8.0, 8.0, 30.0, 55.0):
        with mp.workdps(100):
            e1, e2 = float(f1(mp.mpf(xv))), float(f2(mp.mpf(xv)))
        F, D = fld.eval_F(np.array([xv, 0.0]))[0], fld.eval_DF(np.array([xv, 0.0]))[0, 0]
        for got, want in ((F, e1), (D, e2)):
            if abs(want) > 1e-290:
                assert abs(got - want) <= 1e-9 * abs(want), (typed, xv, got, want)


def _gauss_cdf_member(form: int, s: int, a, c):
    """``-c log Phi`` of ``s a y`` typed one of six usual ways (Phi by erfc or erf, the complement 1 - Phi likewise) and
    the exact F_y, DF_yy of it as a function of y (mpmath's ncdf, npdf: no cancellation)."""
    y = sp.Symbol("y", real=True)
    u = s * a * y
    r2 = sp.sqrt(2)
    Phi = [sp.erfc(-u / r2) / 2, (1 + sp.erf(u / r2)) / 2, 1 - sp.erfc(u / r2) / 2,
           sp.erfc(u / r2) / 2, (1 - sp.erf(u / r2)) / 2, 1 - (1 + sp.erf(u / r2)) / 2][form]
    sign = -1 if form >= 3 else 1  # (the last three are 1 - Phi(u) = Phi(-u))

    def exact(yy):
        dv = sign * s * mp.mpf(a.p) / a.q
        v = dv * mp.mpf(yy)
        r = mp.npdf(v) / mp.ncdf(v)
        return -c * r * dv, -c * dv * dv * (-v * r - r * r)  # d/dv (p/P) = -v p/P - (p/P)^2
    return y, -c * sp.log(Phi), exact


@pytest.mark.parametrize("form", range(6))
def test_gaussian_cdf_losses_typed_by_hand_are_finite_and_accurate(form):
    """A trust review: the probit loss -log Phi(y) with Phi typed erfc(-y/sqrt 2)/2 (which sympy keeps as
    1 - erfc(y/sqrt 2)/2) had F 6.6 % off at y = -8, -inf from -8.5 and NaN at -40, DF of the wrong sign (9 of 40
    typings).  Each of the six usual typings, both signs, random scales and factors, against mpmath at 50 digits at
    |y| from 5 to 60, interpreted (the printed code the kernels compile)."""
    rng = np.random.default_rng(form)
    x = sp.Symbol("x", real=True)
    with mp.workdps(50):
        for s in (-1, 1):
            a = sp.Rational(int(rng.integers(1, 5)), int(rng.integers(1, 4)))
            c = int(rng.integers(1, 4))
            y, LD, exact = _gauss_cdf_member(form, s, a, c)
            fld = gd.VectorField(gd.Game(theta=[x], psi=[y], loss_g=x * y, loss_d=LD, name="probit"), [])
            for yy in np.concatenate([rng.uniform(5, 60, 4), -rng.uniform(5, 60, 4), [-8.0, -8.5, -40.0]]):
                eF, eD = exact(float(yy))
                gF = float(fld.eval_F([0.0, yy])[1])
                gD = float(np.asarray(fld.eval_DF([0.0, yy]))[1, 1])
                for what, e, g in (("F", eF, gF), ("DF", eD, gD)):
                    assert math.isfinite(g) and abs(mp.mpf(g) - e) <= 1e-9 * abs(e) + 1e-300, \
                        (form, s, a, c, float(yy), what, g, float(e))


# ------------------------------------------------------------------------------------- symmetric pairs of exponentials
def _cosh_pair_member(rng):
    """``log(c0 + c e^{v + a x} + c e^{v - a x})``: a random member of the kind (``v`` 0 or ``y``)."""
    c0 = sp.Rational(int(rng.choice([0, 1, 5])), int(rng.choice([1, 2])))
    c = sp.Rational(int(rng.choice([1, 3])), int(rng.choice([1, 2, 3])))
    a = sp.Rational(int(rng.choice([1, 2, -3])), int(rng.choice([1, 2])))
    v = y if rng.random() < 0.5 else sp.S.Zero
    return sp.log(c0 + c * sp.exp(v + a * x) + c * sp.exp(v - a * x))


@pytest.mark.parametrize("seed", range(6))
def test_symmetric_exponential_pairs_are_exact_near_their_zero(seed):
    """An adversarial review: log(1 + e^x + e^-x) became softplus(-x + softplus(2x)), whose derivative (distributed by
    rule 2) is a difference of two terms of 2/3 at x = 0: F(0, 0) = 1.1e-16 for 0, and gd stalled at 4.7e-17 (typed
    log(1 + 2 cosh x), it reached 1e-202).  Each pair e^{v+ax} + e^{v-ax} is e^v 2 cosh(ax) now: F_x is a product with
    tanh(ax), exact at 0 and within 1e-14 relative of mpmath at every x (the members of the kind, random c0, c, a, v)."""
    T = _cosh_pair_member(np.random.default_rng(seed))
    fld = gd.VectorField(gd.Game(theta=[x], psi=[y], loss_g=T, loss_d=y**2 / 2))
    it = fld.interpreted
    assert it.field(np.zeros(2), np.empty(0), np.empty(2))[0] == 0.0
    dT = sp.lambdify((x, y), sp.diff(T, x), modules="mpmath")
    for xv in (1e-300, 1e-20, -1e-20, 3e-9, -0.3, 2.0, 40.0, -300.0):
        for yv in (0.0, 1.7, -50.0):
            z = np.array([xv, yv])
            got = it.field(z, np.empty(0), np.empty(2))[0]
            with mp.workdps(1000):  # (the original derivative's sinh(x) cancels 300 digits at x = 1e-300)
                exact = dT(mp.mpf(xv), mp.mpf(yv))
            assert _close(float(got), exact, 1e-14), (T, xv, yv, got, mp.nstr(exact, 20))  # (subnormals absolutely)


def test_cosh_pair_game_converges_past_rounding():
    """The reviewer's game: gd from (0.5, 0.3) falls geometrically past 1e-17 (it stalled at 4.7e-17)."""
    g = gd.Game([x], [y], sp.log(1 + sp.exp(x) + sp.exp(-x)) + x * y, y**2 / 2 - x * y, equilibrium=(0, 0))
    it = gd.VectorField(g).interpreted
    z = np.array([0.5, 0.3])
    for _ in range(800):
        z = z - 0.1 * it.field(z, np.empty(0), np.empty(2))
    assert np.abs(z).max() < 1e-28
    # pairs sharing a variable between their half sum and half difference are left to softplus (e^x + e^y: the cosh
    # form's derivative (1 + tanh((x - y)/2))/2 would cancel where sigmoid(x - y) is tiny)
    assert L.stabilize(sp.log(sp.exp(x) + sp.exp(y))) == y + L.softplus(x - y)
    assert L.stabilize(sp.log(1 + sp.exp(x) + sp.exp(-x))) == L.softplus(L.logcosh(x) + sp.log(2))
