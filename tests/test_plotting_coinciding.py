"""Paths lying on one another (gandynamics.plotting._coinciding): the test by chunks with a spread subset first
answers as the whole query of every point, on paths that lie on another and paths that leave it at one point."""

import numpy as np
import pytest

from gandynamics.plotting._coinciding import (POLYLINE_SAMPLES, WITHIN_FIRST, _all_within, _polyline_distance,
                                              _polyline_tree, _segment_samples)


@pytest.mark.parametrize("seed", range(12))
def test_all_within_answers_as_every_points_distance(seed):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 6 * np.pi, int(rng.integers(50, 400)))
    Q = np.column_stack([np.exp(-0.1 * t) * np.cos(t), np.exp(-0.1 * t) * np.sin(t)])  # a spiral
    tol = 0.01
    box = [(None, None), ((-0.5, 0.5), (-0.5, 0.5))][seed % 2]
    # points on the spiral's polyline (its own samples), some moved off by 0..3 tol: at one spot, or none
    a, b = Q[:-1], Q[1:]
    P = _segment_samples(a, b, tol / POLYLINE_SAMPLES)
    P = P + rng.normal(0.0, 0.2 * tol, P.shape)
    if seed % 3:
        k = int(rng.integers(len(P)))
        P[k] += rng.uniform(0.0, 3.0 * tol) * np.array([1.0, 0.0])
    if seed % 4 == 0:  # (more points than a chunk: the chunked path)
        P = np.concatenate([P] * (1 + 100 * WITHIN_FIRST // len(P)))
    expected = bool(np.all(_polyline_distance(P, Q, tol, box) <= tol))
    assert _all_within(_polyline_tree(Q, tol, box), P, tol) == expected


def test_no_polyline_holds_only_no_points():
    assert _all_within(None, np.empty((0, 2)), 0.1) and not _all_within(None, np.zeros((1, 2)), 0.1)
