import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gandynamics._bisect import last_holding


@given(st.floats(0.011, 9.9), st.sampled_from([1e-3, 1e-9, 1e-13]))
@settings(max_examples=60, deadline=None)
def test_the_edge_of_a_threshold_is_bracketed_to_the_tolerance(c, rtol):
    got = last_holding(lambda h: h <= c, 0.0, np.linspace(0.01, 10.0, 1000), rtol)
    assert got <= c and c - got <= rtol * c * 1.0001


def test_no_failure_on_the_grid_is_inf_and_a_first_point_failure_returns_the_start():
    assert last_holding(lambda h: True, 0.0, [1.0, 2.0], 1e-9) == math.inf
    assert last_holding(lambda h: h < 0.5, 0.25, [1.0, 2.0], 1e-12) == pytest_approx(0.5)


def pytest_approx(x):
    import pytest
    return pytest.approx(x, rel=1e-12, abs=0)


@pytest.mark.parametrize("edge", [1e-312, 5e-324 * 7, 1e-320, 2.5e-308])
def test_an_edge_among_subnormal_steps_ends(edge):
    """The kind of the hang of ``rates`` at |lambda| ~ 1e308 (steps ~1e-312, subnormal: no double lies between two
    neighbours spaced more coarsely than rtol, and the bisection went on for ever): it ends, with a lower bound of
    the edge within the tolerance or two spacings of doubles, whichever is coarser."""
    got = last_holding(lambda h: h <= edge, edge / 4, [edge / 2, edge * 3], 1e-12)
    assert got <= edge and edge - got <= max(2 * math.ulp(edge), 1e-12 * edge)
