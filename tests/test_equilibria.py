"""gandynamics.runs.equilibria.row_norms against math.hypot (an independent, overflow-safe norm)."""

import math

import numpy as np

from gandynamics.runs.equilibria import row_norms


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
