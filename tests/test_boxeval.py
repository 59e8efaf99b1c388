"""The interval forms of gandynamics.analysis.boxeval against independent computations."""

import numpy as np
import pytest

from gandynamics import R1, VectorField, games
from gandynamics.analysis.boxeval import _field_functions


@pytest.mark.parametrize("make", [lambda: VectorField(games.dirac(), [R1(gamma=0.3)]),
                                  lambda: VectorField(games.dirac_nd(d=3), [R1(gamma=0.7)]),
                                  lambda: VectorField(games.hopf(shear=0.5, twist=0.3), []),
                                  lambda: VectorField(games.quadratic(), [])],
                         ids=["dirac-r1", "dirac-nd3-r1", "hopf", "quadratic"])
def test_second_derivatives_of_df_enclose_central_differences_of_the_compiled_df(make):
    """The mean-value form's second derivatives (derived by the memoised differentiator since session 23: sympy.diff
    took 23 s of a 20-parameter game's first certification), evaluated on point boxes, enclose the central
    differences of the compiled DF (field.eval_DF, no interval code) within the differences' own error."""
    fld = make()
    n, nat, d2, _, _ = _field_functions(fld)
    assert d2 is not None
    p = np.asarray(fld._p(None), float)
    rng = np.random.default_rng(4)
    Z = rng.uniform(-1.0, 1.0, (5, n))
    lo, hi = d2(Z, Z, p)  # (5, n * n * n): d DF[i, j] / d z_k at index (i n + j) n + k
    assert np.all(hi - lo <= 1e-9 * (1.0 + np.abs(hi)))  # a point box: a tight enclosure
    h = 1e-5
    for r, z in enumerate(Z):
        for k in range(n):
            e = np.zeros(n)
            e[k] = h
            fd = (fld.eval_DF(z + e, p) - fld.eval_DF(z - e, p)) / (2 * h)  # O(h^2) = 1e-10 times the third derivative
            got_lo = lo[r].reshape(n, n, n)[:, :, k]
            got_hi = hi[r].reshape(n, n, n)[:, :, k]
            slack = 1e-6 * (1.0 + np.abs(fd))
            assert np.all(got_lo - slack <= fd) and np.all(fd <= got_hi + slack), (fld.name, r, k)


@pytest.mark.slow  # (about 0.4 s a scale)
@pytest.mark.parametrize("exponent", [-300, -160, -20, 0, 20, 160, 250, 300, 307])
def test_matrix_bounds_hold_and_close_at_every_scale(exponent):
    """F = 1e300 (x + y, y - x): L stayed in [1.41e300, inf] after 20,001 boxes, the squares of the certification's
    tests overflowing (a reviewer).  The kind: interval matrices of every magnitude, point and with radii.  Each L bound
    is at least ||M||_2 of the centre and of sampled members (numpy's SVD of the unscaled matrix, compared as a ratio
    to the scale), finite wherever the norm is, and within 1e-6 of it for point matrices; each mu bound
    is at most lambda_min(sym M) of every member."""
    from gandynamics.analysis.boxeval import matrix_bounds_batch
    rng = np.random.default_rng(exponent + 1000)
    M = rng.normal(size=(20, 3, 3))
    R = 1e-3 * rng.random(size=(20, 3, 3))
    c = 10.0 ** exponent
    for rad in (0.0, 1.0):
        lo, hi = (M - rad * R) * c, (M + rad * R) * c
        L = matrix_bounds_batch(lo, hi, "L")
        mu = matrix_bounds_batch(lo, hi, "mu")
        assert np.all(np.isfinite(L)) and np.all(np.isfinite(mu)), (exponent, rad)
        for t in np.linspace(-1, 1, 5):  # members of each box, scaled back by the same c (the ratio is exact)
            X = M + t * rad * R
            s = np.linalg.svd(X, compute_uv=False)[:, 0]
            lam = np.linalg.eigvalsh((X + np.swapaxes(X, 1, 2)) / 2)[:, 0]
            assert np.all(L / c >= s * (1 - 1e-13)), (exponent, rad, t)
            assert np.all(mu / c <= lam + 1e-13 * np.abs(lam) + 1e-300 / c), (exponent, rad, t)
        if rad == 0.0:
            s = np.linalg.svd(M, compute_uv=False)[:, 0]
            assert np.all(L / c <= s * (1 + 1e-6)), exponent
