"""gandynamics.runs.equilibria: row_norms against math.hypot (an independent, overflow-safe norm) and the plain sum of
squares; the check of a declared equilibrium against a closed form."""

import math

import numpy as np

import pytest
from hypothesis import given, settings, strategies as st

from gandynamics.runs.equilibria import reference_points, row_distances, row_norms, zstar_norms


def test_row_norms_are_hypot_over_the_whole_double_range():
    rng = np.random.default_rng(0)
    rows = []
    for n in (1, 2, 3, 7):
        mant = rng.uniform(-1, 1, (400, n))
        expo = rng.choice([-320, -300, -160, -150, -1, 0, 5, 150, 160, 300, 307], (400, n))
        rows += list(mant * 10.0 ** expo)
    got = [row_norms(np.array([r]))[0] for r in rows]
    want = [math.hypot(*r) for r in rows]
    np.testing.assert_allclose(got, want, rtol=4e-16 * 4, atol=0)
    assert all(np.isfinite(got))


def test_row_norms_special_values():
    x = np.array([[0.0, 0.0], [np.inf, 1.0], [np.nan, 1.0], [-np.inf, np.nan], [1e300, 1e300], [1e-300, -1e-300],
                  [3.0, 4.0]])
    got = row_norms(x)
    assert got[0] == 0.0 and got[1] == np.inf and np.isnan(got[2]) and np.isnan(got[3])
    np.testing.assert_allclose(got[4:], [math.hypot(1e300, 1e300), math.hypot(1e-300, 1e-300), 5.0], rtol=4e-16, atol=0)
    assert got[6] == 5.0


def test_row_norms_of_many_rows_in_one_call_are_hypot_and_the_plain_sum():
    """row_norms sums the squares in blocks of rows (equilibria._BLOCK): every block of a call of several blocks,
    and the last partial one, holds each row's hypot, and, where no square overflows or underflows, bitwise the
    plain NumPy sum of squares added left to right (the formula, computed here on the whole array at once)."""
    from gandynamics.runs.equilibria import _BLOCK
    rng = np.random.default_rng(1)
    for n in (1, 2, 3):
        B = 2 * _BLOCK + 37
        x = rng.uniform(-1, 1, (B, n)) * 10.0 ** rng.choice([-300, -160, -1, 0, 3, 160, 300], (B, n))
        got = row_norms(x)
        want = [math.hypot(*r) for r in x]
        np.testing.assert_allclose(got, want, rtol=4e-16 * 4, atol=0)
        with np.errstate(over="ignore", under="ignore"):
            s = x[:, 0] * x[:, 0]
            for j in range(1, n):
                s += x[:, j] * x[:, j]
        plain = (s > 1e-290) & (s < np.inf)
        assert plain[:_BLOCK].any() and plain[-37:].any()
        np.testing.assert_array_equal(got[plain], np.sqrt(s[plain]))


def test_row_distances_are_hypot_of_the_differences_in_every_block():
    """row_distances(a, b) (the sweep's final distances, in blocks of rows without the (B, n) difference): each row's
    math.hypot of the difference (an independent norm) over the double range, in every block and the last partial
    one; inf and NaN coordinates give inf / NaN as the norm of the difference does."""
    from gandynamics.runs.equilibria import _BLOCK
    rng = np.random.default_rng(2)
    for n in (1, 2, 3):
        B = 2 * _BLOCK + 37
        a = rng.uniform(-1, 1, (B, n)) * 10.0 ** rng.choice([-300, -160, -1, 0, 3, 160, 300], (B, n))
        b = rng.uniform(-1, 1, (B, n)) * 10.0 ** rng.choice([-300, -1, 0, 160], (B, n))
        a[5, 0], a[_BLOCK + 3, -1], b[-2, 0] = np.inf, np.nan, -np.inf
        got = row_distances(a, b)
        with np.errstate(invalid="ignore"):
            want = np.array([math.hypot(*r) for r in (a - b)])
        assert got.shape == (B,)
        np.testing.assert_allclose(got, want, rtol=4e-16 * 4, atol=0)
        assert got[5] == np.inf and np.isnan(got[_BLOCK + 3]) and got[-2] == np.inf


def test_zstar_norms_is_one_number_for_shared_rows_and_row_norms_otherwise():
    """zstar_norms: rows sharing one point -> that point's norm as one float, bitwise each entry of row_norms
    (math.hypot the independent check), over the double range; otherwise row_norms itself."""
    for row in ([0.0, 0.0], [3.0, 4.0], [1e300, 1e300], [1e-300, -1e-300], [np.inf, 1.0]):
        Z = np.tile(row, (1000, 1))
        got = zstar_norms(Z, True)
        assert isinstance(got, float)
        assert got == math.hypot(*row) or abs(got - math.hypot(*row)) <= 4e-16 * math.hypot(*row)
        np.testing.assert_array_equal(np.full(1000, got), row_norms(Z))
        np.testing.assert_array_equal(zstar_norms(Z, False), row_norms(Z))
    assert zstar_norms(np.empty((0, 2)), True).shape == (0,)


def test_rows_share_their_equilibrium_exactly_when_every_row_is_the_declared_or_given_one():
    """equilibria_shared says "shared" for a given point and for a declared equilibrium verified at every row's
    hyperparameters (then every row is that point), not when a row's equilibrium was searched for (LQ-WGAN's declared
    (s, m, 0, 0) is the defaults' only: rows with another m are searched), nor without a declared one."""
    from gandynamics import VectorField, games
    from gandynamics.runs.equilibria import equilibria_shared
    fld = VectorField(games.make_game("lq-wgan"), [])
    m_col = [s.name for s in fld.hyper].index("m")
    for B in (10, 3000):  # the point evaluator and the compiled rows
        P = np.tile(fld.param_vector(), (B, 1))
        Z, shared = equilibria_shared(fld, P)
        assert shared and (Z == fld.equilibrium).all()
        P[B // 2, m_col] = 2.0
        Z, shared = equilibria_shared(fld, P)
        assert not shared and np.allclose(Z[B // 2], [1.0, 2.0, 0.0, 0.0], rtol=0, atol=1e-9)
        Z, shared = equilibria_shared(fld, P, equilibrium=[1.0, 0.0, 0.0, 0.0])
        assert shared and (Z == [1.0, 0.0, 0.0, 0.0]).all()


def test_split_fills_the_rows_once_before_they_are_read_in_every_case():
    """``equilibria_shared(split=)``: a sweep fills its rows' hyperparameters inside ``split`` (each range, then its
    declared z* checked by the same thread).  So ``split`` is called exactly once, before ``P`` is read, whether the
    point is given, declared (then each range is handed to the check; it fails at some rows) or searched for (no
    declared point); the result is the one of a ``P`` filled before the call, bitwise, in ranges of any size."""
    from gandynamics import Game, VectorField
    from gandynamics.runs.equilibria import equilibria_shared
    rng = np.random.default_rng(3)
    g = _affine_game(rng, np.zeros(4))[0]
    declared = VectorField(g, [])
    searched = VectorField(Game(g.theta, g.psi, g.loss_g, g.loss_d, hyper=g.hyper, name="affine, none declared"), [])
    assert declared.equilibrium is not None and searched.equilibrium is None
    for fld, given in ((declared, None), (declared, [1.0, 0.0, 0.0, 0.0]), (searched, None)):
        for B in (10, 3000):  # the point evaluator and the compiled rows
            full = np.where(rng.random((B, 1)) < 0.02, 2.0, 1.0)  # (s = 2: the declared point fails there)
            want = equilibria_shared(fld, full.copy(), given)
            for size in (1, 7, 1000):
                P, calls = np.full_like(full, np.nan), []

                def split(fn, P=P, size=size, calls=calls, B=B, full=full):
                    calls.append(1)
                    for lo in range(0, B, size):
                        hi = min(B, lo + size)
                        P[lo:hi] = full[lo:hi]  # (the rows filled here, as the sweep's threads do)
                        fn(lo, hi)

                got = equilibria_shared(fld, P, given, split=split)
                assert calls == [1], (fld.name, given, B, size)
                assert got[1] == want[1]
                np.testing.assert_array_equal(got[0], want[0])


def test_the_declared_equilibrium_is_checked_in_every_block_of_rows():
    """equilibria checks the field's declared equilibrium on more than INTERPRET_MAX_ROWS rows with the compiled
    residual_rows in blocks of the kernels' width: rows of every block whose hyperparameters move the equilibrium get
    their own (the LQ-WGAN's closed form (s, m, 0, 0), docs/mathematics.md §4.5), the others the declared one."""
    from gandynamics import VectorField, games
    from gandynamics.kernels import block_width
    from gandynamics.runs.equilibria import equilibria
    from gandynamics.runs.module import kernel_module_source
    fld = VectorField(games.lq_wgan())  # hyperparameters (m, s), declared equilibrium (1, 0, 0, 0) at (0, 1)
    nb = block_width(kernel_module_source(fld))
    rng = np.random.default_rng(0)
    B = 20 * nb + 100
    P = np.tile([0.0, 1.0], (B, 1))
    moved = rng.random(B) < 0.01
    moved[[5, nb - 1, nb, 7 * nb + 5, B - 5]] = True  # in several blocks, at a block's edges, in the last partial one
    P[moved] = np.column_stack([rng.choice([-0.5, 0.5, 2.0], moved.sum()), rng.choice([0.5, 2.0], moved.sum())])
    Z = equilibria(fld, P)
    want = np.column_stack([P[:, 1], P[:, 0], np.zeros(B), np.zeros(B)])
    np.testing.assert_allclose(Z, want, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(Z[~moved], np.tile([1.0, 0.0, 0.0, 0.0], ((~moved).sum(), 1)))


def test_compiled_residuals_are_those_of_the_point_evaluator():
    """residual_squares on many rows (the compiled residual_rows of the kernel module) against the point evaluator
    row by row (interpreted=True): the same |F|^2 to rounding, not finite where a square overflows, NaN for a NaN state,
    below 1e-30 at a zero, in every block including a partial last one (the same NaN or inf where a square is not finite)."""
    from gandynamics import R1, VectorField, games
    from gandynamics.runs.equilibria import INTERPRET_MAX_ROWS, residual_squares
    rng = np.random.default_rng(7)
    for fld in (VectorField(games.dirac(), [R1()]), VectorField(games.lq_wgan())):
        B = 3 * INTERPRET_MAX_ROWS + 37
        Z = rng.normal(size=(B, fld.n)) * 3
        Z[3] = 1e200  # |F|^2 overflows
        Z[4, 0] = np.nan
        P = np.tile(fld.param_vector(), (B, 1))
        Z[5] = fld.equilibrium if fld.equilibrium is not None else 0.0
        got = residual_squares(fld, Z, P)
        want = residual_squares(fld, Z, P, interpreted=True)
        assert np.isnan(got[4]) and np.isnan(want[4])
        assert not np.isfinite(got[3]) and not np.isfinite(want[3])
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
        assert got[5] < 1e-30 and want[5] < 1e-30  # (the block evaluator's fused multiply-adds: not exactly 0)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-28)


def _affine_game(rng, declared_offset):
    """A zero-sum game x.A.y + |x|^2/2 - |y|^2/2 + b.x - c.y (2 + 2 parameters, one hyperparameter s scaling b):
    its equilibrium solves a linear system (numpy), declared shifted by ``declared_offset``."""
    import sympy as sp
    from gandynamics import Game
    x = sp.symbols("x0 x1", real=True)
    y = sp.symbols("y0 y1", real=True)
    s = sp.Symbol("s", real=True)
    A = rng.integers(-3, 4, (2, 2))
    b, c = rng.integers(-3, 4, 2), rng.integers(-3, 4, 2)
    f = (sum(x[i] * A[i, j] * y[j] for i in range(2) for j in range(2)) + (x[0]**2 + x[1]**2) / 2
         - (y[0]**2 + y[1]**2) / 2 + s * sum(b[i] * x[i] for i in range(2)) - sum(c[i] * y[i] for i in range(2)))
    # F = (df/dx, -df/dy) = (A y + x + s b, -A^T x + y + c) = 0
    M = np.block([[np.eye(2), A], [-A.T, np.eye(2)]]).astype(float)
    zstar = np.linalg.solve(M, -np.r_[b, c].astype(float))  # at s = 1
    eq = tuple(float(v) for v in zstar + declared_offset)
    return Game.zero_sum(list(x), list(y), f, hyper={s: 1.0}, name="affine", equilibrium=eq), zstar, M, b, c


def test_a_wrong_declared_equilibrium_is_warned_of_at_the_games_own_hyperparameters():
    """A declared equilibrium that is no zero of F at the game's own hyperparameters was replaced silently (a log
    line at INFO): the declaration is wrong, so simulate and sweep warn, giving |F| there (numpy's norm of the
    closed-form F); a right one, or one that only moves away at other hyperparameters of a sweep, is not warned of."""
    import warnings

    import gandynamics as gd
    from gandynamics.errors import GandynamicsWarning
    rng = np.random.default_rng(11)
    for trial in range(6):
        off = rng.normal(size=4) * (trial % 2)  # odd trials: a wrong declaration
        g, zstar, M, b, c = _affine_game(rng, off)
        F = gd.VectorField(g, [])
        Fz = M @ (zstar + off) + np.r_[b, c]
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            tr = gd.simulate(F, "gd", zstar + 0.3, 50, 0.05)
            r = gd.sweep(F, "gd", inits=[zstar + 0.3], grid={"s": [0.5, 2.0]}, steps=50, step=0.05, progress=False)
        ours = [str(w.message) for w in got if issubclass(w.category, GandynamicsWarning)]
        np.testing.assert_allclose(tr.equilibrium, zstar, atol=1e-9)  # the zero Newton's method found
        if trial % 2:
            assert len(ours) == 1 and "is not a zero of F at the game's own hyperparameters (s=1)" in ours[0]
            assert f"|F| = {np.linalg.norm(Fz):.3g} there" in ours[0]
        else:
            assert ours == [], ours  # (the sweep's rows at s = 0.5, 2 move z*: not a wrong declaration)
        assert len(r.columns["rate"]) == 2
        if trial % 2:  # once per field: a second run of it says nothing more
            with warnings.catch_warnings(record=True) as again:
                warnings.simplefilter("always")
                gd.simulate(F, "gd", zstar + 0.3, 50, 0.05)
            assert not [w for w in again if issubclass(w.category, GandynamicsWarning)]


def test_a_wrong_declared_equilibrium_with_no_zero_near_it_says_the_distances_are_nan():
    """F = (x^2 + 1, y) has no real zero: the declared (0, 0) is wrong (|F| = 1 there) and Newton's method finds
    nothing either; the warning says the distances are NaN rather than measured to a zero found instead."""
    import warnings

    import sympy as sp

    import gandynamics as gd
    from gandynamics.errors import GandynamicsWarning
    x, y = sp.symbols("x y", real=True)
    F = gd.VectorField(gd.Game.zero_sum([x], [y], x**3 / 3 + x - y**2 / 2, name="nozero", equilibrium=(0, 0)), [])
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        tr = gd.simulate(F, "gd", [0.5, 0.5], 20, 0.05)
    ours = [str(w.message) for w in got if issubclass(w.category, GandynamicsWarning)]
    assert len(ours) == 1 and "|F| = 1 there; Newton's method found no zero from it either" in ours[0], ours
    assert np.all(np.isnan(tr.equilibrium))


def test_reference_points_put_the_start_in_place_of_a_missing_zstar():
    Z = np.array([[1.0, 2.0], [np.nan, np.nan], [3.0, np.nan], [0.5, -0.5]])
    Z0 = np.arange(8.0).reshape(4, 2)
    ref, missing = reference_points(Z, Z0)
    np.testing.assert_array_equal(missing, [False, True, True, False])
    np.testing.assert_array_equal(ref, [[1.0, 2.0], [2.0, 3.0], [4.0, 5.0], [0.5, -0.5]])
    assert np.isnan(Z[1]).all()  # the caller's array is not changed
    Zf = Z[[0, 3]]
    ref, missing = reference_points(Zf, Z0[:2])
    assert ref is Zf and missing is None


def _drift(c, mu):
    """L_G = c x, L_D = mu y^2 / 2: F = (c, mu y), no zero for c != 0: x moves by -h c every gd step."""
    import sympy as sp

    import gandynamics as gd
    x, y = sp.symbols("x y", real=True)
    return gd.VectorField(gd.Game([x], [y], c * x, mu * y ** 2 / 2, name="drift"), [])


@settings(max_examples=16, deadline=None, derandomize=True)
@given(c=st.floats(0.5, 5.0), sign=st.sampled_from([-1.0, 1.0]), mu=st.floats(0.1, 2.0), h=st.floats(0.01, 0.1),
       x0=st.floats(-50.0, 50.0), method=st.sampled_from(["gd", "eg", "eftp", "flow"]))
def test_a_run_with_no_zstar_drifting_off_reads_growing_not_bounded(c, sign, mu, h, x0, method):
    """A field with no zero (F = (c, mu y)): every recorded distance to z* was NaN and the run, moving linearly off
    to infinity (x_k = x_0 - h c k under gd, against the closed form), read "bounded, not converging".  It is
    read on its displacement from its start |z_k - z_0| now, wherever it starts: growing (or diverged beyond the
    bound); its rate and distances stay NaN (there is no z* to measure them from), and its description says what was
    read."""
    import gandynamics as gd
    fld = _drift(sign * c, mu)
    K = 1000
    tr = gd.simulate(fld, method, [x0, 0.5], K, h)
    if method == "gd":
        assert tr.final[0] == pytest.approx(x0 - h * sign * c * K, rel=1e-9, abs=1e-9)
    assert tr.verdict in ("growing", "diverged"), tr.describe()
    assert math.isnan(tr.rate) and np.all(np.isnan(tr.distance)) and np.all(np.isnan(tr.equilibrium))
    if tr.verdict == "growing":
        assert tr.reading["no_zstar"] and "no zero of F found, read on the displacement from the start" in tr.describe()
        moved = float(np.linalg.norm(tr.final - np.array([x0, 0.5])))
        assert tr.reading["tail_max"] == pytest.approx(moved, rel=1e-9)


def test_sweep_rows_with_no_zstar_are_read_on_their_norm_and_the_others_as_before():
    """F = (x^2 + a, y): a zero exists for a <= 0 only.  The rows with a > 0 (no z*, read on |z_k - z_0|) drift off
    toward a blow-up (of
    x' = -(x^2 + a) at t = (atan(0.5 / sqrt(a)) + pi / 2) / sqrt(a): 4.71 for a = 1/4, 3.09 for a = 1/2, beyond and within
    the run's h K = 4.5): growing or diverged, never "bounded, not converging"; their rate, spread and tails are NaN (measures of a
    distance to z*).  The rows with a z* are bitwise those of a sweep of them alone."""
    import sympy as sp

    import gandynamics as gd
    x, y, a = sp.symbols("x y a", real=True)
    fld = gd.VectorField(gd.Game([x], [y], x ** 3 / 3 + a * x, y ** 2 / 2, hyper={a: -1.0}, name="fold"), [])
    grid = np.linspace(-1.0, 1.0, 9)
    kw = dict(inits=[[0.5, 0.5]], step=0.01, steps=450, progress=False)
    r = gd.sweep(fld, "gd", grid={"a": grid}, **kw)
    c = r.columns
    none = grid > 0
    assert np.all(np.isnan(c["zstar_x"][none])) and not np.any(np.isnan(c["zstar_x"][~none]))
    assert set(c["verdict"][none]) == {"growing", "diverged"}, c["verdict"]
    for name in ("rate", "rate_err", "tail_min", "tail_max", "distance"):
        assert np.all(np.isnan(c[name][none])), name
    alone = gd.sweep(fld, "gd", grid={"a": grid[~none]}, **kw).columns
    for name in ("rate", "rate_err", "tail_min", "tail_max", "distance", "verdict", "final_x"):
        np.testing.assert_array_equal(c[name][~none], alone[name])


def _tanh20(c=20):
    """L_G = log cosh(x - c): F = (tanh(x - c), y), its zero (c, 0), flat at the origin, where the search for z*
    starts (Newton's method from there fails: F' = sech^2(-20) ~ 1e-17)."""
    import sympy as sp

    import gandynamics as gd
    x, y = sp.symbols("x y", real=True)
    return gd.VectorField(gd.Game([x], [y], sp.log(sp.cosh(x - c)), y ** 2 / 2, name=f"tanh{c}"), [])


@pytest.mark.parametrize("method,rate", [("gd", 0.9), ("eg", 0.91)])
def test_the_zero_found_from_where_a_run_ended_is_the_zero_not_the_final_state(method, rate):
    """A reviewer's case: F = (tanh(x - 25), y) from (19, 1) at h = 0.1 ends 5e-12 from (25, 0), within the zero test's
    1e-10: taken as z*, the final state made the last distance 0 and the rate 0.8995 (gd).  Refined, z* is (25, 0)
    exactly and the rate the closed form's, 1 - h (gd) and 1 - h + h^2 (extra-gradient), F' = 1 at the zero."""
    import gandynamics as gd
    fld = _tanh20(25)
    tr = gd.simulate(fld, method, [19.0, 1.0], 300, 0.1)
    assert tr.equilibrium.tolist() == [25.0, 0.0]
    assert tr.final_distance > 0 and tr.rate == pytest.approx(rate, rel=1e-6)
    c = gd.sweep(fld, method, inits=[[19.0, 1.0]], steps=300, step=0.1, progress=False).columns
    assert c["zstar_x"][0] == 25.0 and c["distance"][0] > 0 and c["rate"][0] == pytest.approx(rate, rel=1e-6)


def test_rows_ending_at_a_zero_already_found_share_it_beyond_the_search_cap(monkeypatch):
    """A reviewer's case: 1,200 rows all ending at (20, 0) read converging for the first 1,000 (the cap on searches)
    and "bounded" for the rest.  A row that ended within 1e-6 of a zero already found at its hyperparameters takes it
    without a search: with a cap of 2 searches, all 40 rows read converging; a drift row beside them is searched for
    nothing (its |F| did not fall)."""
    import gandynamics as gd
    import gandynamics.runs.equilibria as E
    monkeypatch.setattr(E, "MAX_FINAL_SEARCHES", 2)
    calls = []
    real = E.find_equilibrium
    monkeypatch.setattr(E, "find_equilibrium", lambda *a, **k: calls.append(1) or real(*a, **k))
    inits = np.column_stack([np.linspace(12.0, 28.0, 40), np.linspace(-1.0, 1.0, 40)])
    c = gd.sweep(_tanh20(), "gd", inits=inits, steps=400, step=0.1, progress=False).columns
    assert set(c["verdict"]) == {"converging"} and np.all(c["zstar_x"] == 20.0)
    assert 1 <= len(calls) <= 2


def test_an_interpreted_sweep_of_rows_with_no_zstar_compiles_nothing(monkeypatch):
    """The search from final states evaluates F by the point evaluator for an interpreted sweep, however many rows
    (a reviewer's 257-row sweep compiled the field: 1.9 s against 0.8 s for 256 rows)."""
    import gandynamics as gd
    import gandynamics.runs.equilibria as E

    def refuse(*a, **k):
        raise AssertionError("compiled")
    monkeypatch.setattr(E, "kernel_module", refuse)
    inits = np.column_stack([np.linspace(-1.0, 1.0, 300), np.zeros(300)])
    c = gd.sweep(_drift(1.0, 0.5), "gd", inits=inits, steps=20, step=0.01, progress=False, engine="interpreted").columns
    assert set(c["verdict"]) == {"growing"}


def test_a_run_converging_to_a_zero_the_search_missed_reads_converging_at_its_rate():
    """A new user's run: gd from (10, 0) at h = 0.1 on F = (tanh(x - 20), y) converges to (20, 0), at 1 - h F'(20) =
    0.9 per step (the closed form: F' = 1 at the zero), but no z* was found before the run (the search from the origin
    fails) and it read "bounded, not converging" on its displacement.  The zero is now searched from where the run
    ended (|F| fell there), and the run read on its distance to it, in simulate as in a sweep (a drift beside it stays
    read on its displacement)."""
    import gandynamics as gd
    fld = _tanh20()
    tr = gd.simulate(fld, "gd", [10.0, 0.0], 300, 0.1)
    assert tr.verdict == "converging", tr.describe()
    np.testing.assert_allclose(tr.equilibrium, [20.0, 0.0], atol=1e-12)
    assert tr.rate == pytest.approx(0.9, rel=1e-6) and "no_zstar" not in tr.reading
    c = gd.sweep(fld, "gd", inits=[[10.0, 0.0], [19.0, 1.0], [30.0, 0.0]], steps=300, step=0.1, progress=False).columns
    assert list(c["verdict"]) == ["converging"] * 3
    np.testing.assert_allclose(c["zstar_x"], 20.0, atol=1e-12)
    np.testing.assert_allclose(c["rate"], 0.9, rtol=1e-4)
    drift = gd.sweep(_drift(1.0, 0.5), "gd", inits=[[5.0, 3.0]], steps=300, step=0.01, progress=False).columns
    assert drift["verdict"][0] == "growing" and np.isnan(drift["zstar_x"][0])


def test_zeros_are_searched_only_from_final_states_where_f_fell():
    """zeros_from_final_states: a drift's |F| does not fall (no search, nothing found), a converged run's does (its
    zero found), a non-finite final state is skipped."""
    from gandynamics.runs.equilibria import zeros_from_final_states
    fld = _tanh20()
    P = np.zeros((3, 0))
    Z0 = np.array([[10.0, 0.0], [10.0, 0.0], [10.0, 0.0]])
    Zf = np.array([[20.0 + 1e-9, 1e-12], [12.0, 0.0], [np.nan, 0.0]])
    found, Z, unsearched = zeros_from_final_states(fld, P, Zf, Z0, np.arange(3))
    assert found.tolist() == [0] and unsearched == 0
    np.testing.assert_allclose(Z, [[20.0, 0.0]], atol=1e-12)


def test_a_run_converging_to_a_missed_zero_is_searched_once_f_fell_tenfold():
    """A new user's run: gd from (20.5, 0) at h = 0.1 on F = (tanh(x - 20), y), 60 steps: its distance to (20, 0)
    fell 0.5 -> 9.4e-4 at 0.9 per step, |F| about 530-fold, short of the thousandfold the search from the final state
    first asked for: it read "bounded, not converging".  Tenfold is asked now."""
    import gandynamics as gd
    tr = gd.simulate(_tanh20(), "gd", [20.5, 0.0], 60, 0.1)
    assert tr.verdict == "converging" and tr.equilibrium.tolist() == [20.0, 0.0]
    assert tr.rate == pytest.approx(0.9, rel=1e-5)  # (F' = sech^2(x - 20) < 1 off the zero: slightly above 1 - h)


def test_a_run_with_no_zstar_coming_back_toward_its_start_is_not_converging():
    """F = (1, y) has no zero: gd from (0, 0) inside the box x in [0, 5] stands still at the wall x = 0, its
    displacement from the start 0 at every step, which the rules read "converging" (to the start).  With no z* the
    displacement falling means the run came back toward its start, not that it converged to a zero of F: bounded."""
    import gandynamics as gd
    fld = _drift(1.0, 0.5)
    tr = gd.simulate(fld, "gd", [0.0, 0.0], 100, 0.1, box={"x": (0.0, 5.0)})
    assert tr.final.tolist() == [0.0, 0.0] and tr.verdict == "bounded, not converging", tr.describe()
    c = gd.sweep(fld, "gd", inits=[[0.0, 0.0]], steps=100, step=0.1, box={"x": (0.0, 5.0)}, progress=False).columns
    assert c["verdict"][0] == "bounded, not converging"


def test_rows_left_unsearched_by_the_cap_are_counted_and_said(monkeypatch, capsys, tmp_path):
    """Rows whose |F| fell beyond the cap on searches from final states keep no z*: the sweep counts them in its
    meta and the command line says so, rather than "no zero of F found"."""
    import sympy as sp

    import gandynamics as gd
    import gandynamics.runs.equilibria as E
    from gandynamics.cli import main
    monkeypatch.setattr(E, "MAX_FINAL_SEARCHES", 1)
    x, y, c = sp.symbols("x y c", real=True)
    fld = gd.VectorField(gd.Game([x], [y], sp.log(sp.cosh(x - c)), y ** 2 / 2, hyper={c: 20.0}, name="tanhc"), [])
    r = gd.sweep(fld, "gd", inits=[[19.5, 0.0]], grid={"c": [20.0, 20.5, 21.0]}, steps=200, step=0.1, progress=False)
    assert list(r.columns["verdict"]).count("converging") == 1 and r.meta["zstar_unsearched"] == 2
    (tmp_path / "g.py").write_text("import sympy as sp\nfrom gandynamics import Game\n\n\ndef make():\n"
                                   "    x, y, c = sp.symbols('x y c', real=True)\n"
                                   "    return Game([x], [y], sp.log(sp.cosh(x - c)), y ** 2 / 2, hyper={c: 20.0})\n")
    assert main(["sweep", "--game", f"{tmp_path / 'g.py'}:make", "--method", "gd", "--steps", "200", "--step", "0.1",
                 "--init", "19.5,0", "--grid", "c=20,20.5,21", "--out", str(tmp_path / "t.csv")]) == 0
    out, err = capsys.readouterr()
    assert "2 of 3 rows have no z* (no zero of F found at their hyperparameters; 2 of them not searched from where " \
           "they ended: the cap of 1 searches per sweep)" in " ".join((out + err).split())


@pytest.mark.parametrize("seed", range(4))
def test_a_sweeps_distance_column_is_row_distances_of_its_final_states(seed, monkeypatch):
    """The table's distance is row_distances(final, z*) bitwise, computed from the final states and the zstar columns
    (independently of the distances the kernels recorded, which the sweep takes where they are the same number:
    row_distances_recorded), over every method and random rows: starts at z* itself, 1e-200 .. 1e-150 from it
    (squares that underflow), 1e140 .. 1e160 under an infinite bound (squares that overflow), runs that diverge,
    rows with no z* (a drift) and rows whose z* was found from where they ended (tanh(x - 20)); a sweep interrupted
    (rows not run) has NaN there."""
    import importlib

    import gandynamics as gd
    from gandynamics.methods import METHODS
    from gandynamics.runs.equilibria import PLAIN_DISTANCES, row_distances
    S = importlib.import_module("gandynamics.runs.sweep")
    kept = []  # (each sweep's recorded first and last distances: the start's is taken where it is row_norms' number)
    real = S.row_reader

    def spy(*a, **k):
        kept.append(real(*a, **k))
        return kept[-1]
    monkeypatch.setattr(S, "row_reader", spy)
    rng = np.random.default_rng(seed)
    cases = [(gd.VectorField(gd.games.bilinear(), []), (0.0, 0.0)), (_tanh20(), (20.0, 0.0)), (_drift(1.0, 0.5), None)]
    for fld, z in cases:
        n = 24
        scale = 10.0 ** rng.choice([0, -150, -170, -200, 140, 160, 1], n)
        inits = rng.normal(size=(n, 2)) * scale[:, None] + (np.asarray(z) if z is not None else 0.0)
        inits[0] = z if z is not None else inits[0]
        for method in rng.choice(list(METHODS), 3, replace=False):
            res = gd.sweep(fld, str(method), inits=inits, steps=int(rng.integers(5, 60)),
                           step=float(rng.choice([0.05, 0.5, 3.0])), bound=np.inf, product=False, progress=False)
            zs = np.column_stack([res[f"zstar_{k}"] for k in fld.names])
            np.testing.assert_array_equal(res["distance"], row_distances(res.final, zs), err_msg=f"{fld.name} {method}")
            first = kept[0][2][0]  # (the first run's start distances; a second run reads rows whose z* was found)
            kept.clear()
            if fld.equilibrium is not None:  # (z* known when the rows ran: their start distances recorded from it)
                d0 = row_distances(inits, zs)
                plain = (d0 >= PLAIN_DISTANCES[0]) & (d0 <= PLAIN_DISTANCES[1])
                assert plain.sum() >= 5
                np.testing.assert_array_equal(first[plain], d0[plain], err_msg=f"{fld.name} {method}")


@pytest.mark.parametrize("seed", range(4))
def test_row_distances_recorded_at_some_rows_is_row_distances_there(seed):
    """row_distances_recorded(..., rows=r) (a sweep's candidates for the rounding test: their start and final
    distances) is row_distances(a[r], b[r]) bitwise, taking the recorded numbers only within PLAIN_DISTANCES and not
    at the rows of redo (recorded there: garbage), and leaves the recorded array as it was."""
    from gandynamics.runs.equilibria import PLAIN_DISTANCES, row_distances, row_distances_recorded
    rng = np.random.default_rng(seed)
    B = int(rng.integers(1, 400))
    a = rng.normal(size=(B, 3)) * (10.0 ** rng.choice([0, -150, -170, 140, 160, 1], B))[:, None]
    b = np.where(rng.random((B, 1)) < 0.3, a, rng.normal(size=(B, 3)) * 1e-3)  # (some rows at distance 0)
    exact = row_distances(a, b)
    lo, hi = PLAIN_DISTANCES
    inside = (exact >= lo) & (exact <= hi)
    redo = rng.random(B) < 0.2
    # (outside the range the kernels' own numbers are themselves outside it; at the rows of redo anything)
    recorded = np.where(inside, exact, rng.choice([0.0, np.nan, np.inf, 1e-200, 1e200], B))
    recorded[redo] = rng.choice([0.0, np.nan, 1.0, 2.5], int(redo.sum()))
    before = recorded.copy()
    rows = np.sort(rng.choice(B, int(rng.integers(0, B + 1)), replace=False))
    for r in (redo, None):
        got = row_distances_recorded(a, b, recorded, redo=r, rows=rows)
        np.testing.assert_array_equal(got, exact[rows]) if r is not None else \
            np.testing.assert_array_equal(got[~redo[rows]], exact[rows][~redo[rows]])
        np.testing.assert_array_equal(recorded, before)


def _fd_jacobian(fld, z, p, h=1e-6):
    """DF by central differences of F (independent of the symbolic Jacobian)."""
    return np.array([(fld.eval_F(z + h * e, p) - fld.eval_F(z - h * e, p)) / (2 * h) for e in np.eye(fld.n)]).T


def _closed_form_rate(method, lam, h, beta=-0.5):
    """docs/mathematics.md §5.4: the local rate per eigenvalue lambda of A = DF(z*)."""
    if method == "gd":
        return float(np.max(np.abs(1 - h * lam)))
    if method == "eg":
        return float(np.max(np.abs(1 - h * lam + (h * lam) ** 2)))
    if method == "momentum":  # the roots of m^2 - (1 + beta - h lambda) m + beta
        return max(float(np.max(np.abs(np.roots([1.0, -(1 + beta - h * l), beta])))) for l in lam)
    raise ValueError(method)


@pytest.mark.parametrize("method", ["gd", "eg", "momentum"])
@pytest.mark.parametrize("gamma, h", [(0.3, 0.2), (0.3, 1.1), (1.5, 0.4), (0.05, 2.5)])
def test_local_rate_at_is_the_closed_form_of_the_eigenvalues_of_DF(method, gamma, h):
    """local_rate_at (the spectral radius of the method's iteration matrix at z*) against §5.4's closed forms on
    eigenvalues of a finite-difference Jacobian: rates below and above 1, real and complex eigenvalues (gamma = 1.5
    and 0.05 on either side of the R1 Dirac-GAN's critical 2 f'(0) = 1)."""
    from gandynamics import R1, VectorField, games
    from gandynamics.methods import get_method
    from gandynamics.runs.equilibria import local_rate_at
    fld = VectorField(games.dirac(), [R1(gamma=gamma)])
    p = fld.param_vector()
    z = np.zeros(2)
    lam = np.linalg.eigvals(_fd_jacobian(fld, z, p))
    opts = {"beta": -0.5} if method == "momentum" else {}
    got = local_rate_at(fld, get_method(method), z, p, h, opts)
    assert got == pytest.approx(_closed_form_rate(method, lam, h), rel=1e-7)


def test_local_rate_at_is_none_without_an_iteration_matrix():
    from gandynamics import R1, VectorField, games
    from gandynamics.methods import get_method
    from gandynamics.runs.equilibria import local_rate_at
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    assert local_rate_at(fld, get_method("adam"), np.zeros(2), fld.param_vector(), 0.1, {}) is None


@pytest.mark.parametrize("h", [0.3, 1.5, 2.5])
def test_local_rate_at_of_the_flow_is_its_schemes(h):
    """The flow run with RK4 steps by R(h w) = 1 + z + z^2/2 + z^3/6 + z^4/24 of each eigenvalue w of -DF, not by the
    exact flow map exp(h w) (its iteration matrix): at h = 2.5 on the R1 Dirac-GAN 0.6993 and 0.6873; dopri5,
    which follows the flow, keeps exp(h alpha)."""
    from gandynamics import R1, VectorField, games
    from gandynamics.methods import get_method
    from gandynamics.runs.equilibria import local_rate_at
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    p = fld.param_vector()
    w = np.linalg.eigvals(-_fd_jacobian(fld, np.zeros(2), p))
    z = h * w
    rk4 = float(np.max(np.abs(1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24)))
    flow = get_method("flow")
    assert local_rate_at(fld, flow, np.zeros(2), p, h, {"scheme": "rk4"}) == pytest.approx(rk4, rel=1e-7)
    exact = math.exp(h * float(np.max(w.real)))
    assert local_rate_at(fld, flow, np.zeros(2), p, h, {"scheme": "dopri5"}) == pytest.approx(exact, rel=1e-7)
    if h == 2.5:
        assert abs(rk4 - exact) > 0.01
