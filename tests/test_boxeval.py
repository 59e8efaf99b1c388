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
