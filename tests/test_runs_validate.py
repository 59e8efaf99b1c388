"""gandynamics.runs.validate: the recording steps a run's verdict and rate are read from (sample_steps).

An orbit must never read "converging" because of where it was sampled: orbits of alternating GD on the bilinear
game (spectral radius exactly 1) seen at a constant stride that resonates with their angle per step looked like a
slow decay (``gandynamics sweep bilinear --method altgd --step 1.52 --steps 1280`` read "converging", rate 0.9988).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gandynamics as gd
from gandynamics.runs.validate import jitter, sample_steps
from gandynamics.verdict import read_runs


@settings(max_examples=300, deadline=None)
@given(K=st.integers(1, 10**13), S=st.integers(2, 300))
def test_sample_steps_are_one_per_run_of_steps_with_both_ends(K, S):
    idx = sample_steps(K, S)
    n = min(S, K + 1)
    assert idx.dtype == np.int64 and len(idx) == n
    assert idx[0] == 0 and idx[-1] == K and np.all(np.diff(idx) > 0)
    if n == K + 1:
        assert idx.tolist() == list(range(K + 1))
    elif n > 2:  # one interior step in each of n - 2 equal runs of [1, K - 1] (widths differ by at most 1)
        m = n - 2
        edges = 1 + np.floor(np.arange(m + 1) * ((K - 1) / m)).astype(np.int64)
        edges[-1] = K
        assert np.all((edges[:-1] <= idx[1:-1]) & (idx[1:-1] < edges[1:]))
        w = np.diff(edges)
        assert w.max() - w.min() <= 1
    np.testing.assert_array_equal(sample_steps(K, S), idx)  # the same steps every call


def test_jitter_is_splitmix64():
    """The positions are splitmix64's outputs (reference values computed here with Python's integers)."""
    def splitmix(i):
        z = (i + 0x9E3779B97F4A7C15) % 2**64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
        return (z ^ (z >> 31)) >> 11
    want = [splitmix(i) / 2.0**53 for i in range(1000)]
    np.testing.assert_array_equal(jitter(1000), want)
    u = jitter(10**5)
    assert 0 <= u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 5e-3  # spread over [0, 1)


def _altgd_bilinear_distances(idx, hs, z0=(1.0, 1.0)):
    """|z_k| of alternating GD (generator first) on min_x max_y x y from z0, at the steps idx, for each step size
    in hs (0 < h < 2): z_k = M^k z0 with M = [[1, -h], [h, 1 - h^2]] (det 1, trace 2 - h^2: eigenvalues e^{+-i th},
    cos th = 1 - h^2/2, spectral radius exactly 1), by Chebyshev's M^k = U_{k-1} M - U_{k-2} I,
    U_j = sin((j + 1) th) / sin th: exact to rounding at any k, no iteration."""
    z0 = np.asarray(z0, float)
    k = np.asarray(idx, float)
    out = np.empty((len(hs), len(k)))
    for i, h in enumerate(hs):
        M = np.array([[1.0, -h], [h, 1.0 - h * h]])
        th = np.arccos(1.0 - h * h / 2.0)
        u1, u2 = np.sin(k * th) / np.sin(th), np.sin((k - 1) * th) / np.sin(th)
        out[i] = np.linalg.norm(u1[:, None] * (M @ z0)[None, :] - u2[:, None] * z0[None, :], axis=1)
    return out


def test_the_closed_form_orbit_is_the_iteration():
    hs = np.array([0.3, 1.52, 1.97])
    idx = np.array([0, 1, 2, 7, 50, 333])
    d = _altgd_bilinear_distances(idx, hs)
    for h, row in zip(hs, d):
        M = np.array([[1.0, -h], [h, 1.0 - h * h]])
        want = [np.linalg.norm(np.linalg.matrix_power(M, int(k)) @ [1.0, 1.0]) for k in idx]
        np.testing.assert_allclose(row, want, rtol=1e-10, atol=0)


@pytest.mark.slow  # a long generator (7-13 s on the 2-core Zen 3 machine); CI runs it with -m slow
def test_orbits_sampled_at_any_resonant_stride_never_read_converging():
    """Generator of the kind: orbits of spectral radius 1 (alternating GD on the bilinear game, 100 step sizes in
    [1, 1.99]: ellipses up to 200:1) read at the recording steps of runs of 64 s steps, s = 15..299, whose
    equally spaced samples (a whole stride s) resonate with the angle per step whenever s th is near a multiple of
    pi.  Equally spaced samples read 15 of these 28,500 orbits "converging"; none may be."""
    hs = np.linspace(1.0, 1.99, 100)
    wrong = []
    for s in range(15, 300):
        T = 64 * s
        idx = sample_steps(T, 65)
        r = read_runs(idx.astype(float), _altgd_bilinear_distances(idx, hs), T)
        wrong += [(float(h), T, float(rate)) for h, v, rate in zip(hs, r.verdict, r.rate) if v == "converging"]
    assert not wrong, wrong[:5]


def test_converging_runs_still_read_converging():
    """The other side: oscillating decays by 1e-6 over the run (complex pairs at every angle, ellipses up to e:1,
    runs of 200 to 20,000 steps) read "converging" from the jittered steps.  (Equally spaced steps missed 7 of
    these 300; a decay of only 1e-3 over the run on an ellipse of 20:1 is missed by both about as often, its
    phase noise hiding the fall: "bounded, not converging" there is the evidence, not a wrong label.)"""
    rng = np.random.default_rng(3)
    wrong = []
    for _ in range(300):
        T = int(rng.integers(200, 20000))
        rho = 1e-6 ** (1.0 / T)
        th = rng.uniform(0, np.pi)
        a = np.exp(rng.uniform(0, 1))
        idx = sample_steps(T, 65).astype(float)
        d = rho**idx * np.sqrt((a * np.cos(idx * th + 0.3)) ** 2 + np.sin(idx * th + 0.3) ** 2)
        r = read_runs(idx, d, T)
        if r.verdict[0] != "converging":
            wrong.append((T, th, a, r.verdict[0]))
    assert not wrong, wrong


@pytest.mark.parametrize("h, steps", [(1.52, 1280), (1.79, 2176), (1.84, 2498), (1.83, 8959)])
def test_sweep_reads_the_altgd_orbit_as_bounded_with_its_range(h, steps):
    """End to end (each read "converging" before): the sweep's verdict and its tail range inside the orbit's exact
    range [min, max] of |z_k| (the ellipse's semi-axes through z0 = (1, 1), from its closed form)."""
    res = gd.sweep(gd.VectorField(gd.games.bilinear()), "altgd", inits=[[1.0, 1.0]], steps=steps, step=h)
    assert list(res["verdict"]) == ["bounded, not converging"]
    d = _altgd_bilinear_distances(np.arange(0, 4000), [h])[0]
    assert d.min() * (1 - 1e-9) <= res["tail_min"][0] <= res["tail_max"][0] <= d.max() * (1 + 1e-9)


def test_simulate_recording_at_a_resonant_stride_reads_the_orbit_as_bounded():
    """simulate(record_every=20) reads its verdict from every 20th step and READ_SAMPLES more: at h = 1.52 the
    20-step stride resonates (20 th = 34.53 rad, 0.02 from 11 pi) and the run read "converging" before."""
    tr = gd.simulate(gd.VectorField(gd.games.bilinear()), "altgd", [1.0, 1.0], 1280, 1.52, record_every=20)
    assert tr.verdict == "bounded, not converging"
