"""The r1-manifold study (gandynamics.studies.r1_manifold): its helpers against numbers written out here, and a
full run whose every check (against the closed forms of docs/math/r1-data-manifold.md) must pass."""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gandynamics.reproduce import run_study, studies  # noqa: E402
from gandynamics.studies import r1_manifold as rm  # noqa: E402


def test_closed_form_numbers():
    # three atoms at -1, 0, 1 copied by the generator: s = 2 * 2/3, standard loss f' = 1/2, f'' = -1/4
    assert rm.second_moment_sum() == pytest.approx(4 / 3, rel=1e-15)
    ev = rm.closed_form(0.5, -0.25, 0.0, 4 / 3, False)
    # c = 1/3: -1/6 ± i sqrt(1/4 - 1/36) = -1/6 ± i sqrt(2)/3, and the zero eigenvalue along psi2
    np.testing.assert_allclose(sorted(ev, key=lambda z: (z.imag, z.real)),
                               [-1 / 6 - 1j * math.sqrt(2) / 3, 0.0, -1 / 6 + 1j * math.sqrt(2) / 3], rtol=0, atol=1e-15)
    ev = rm.closed_form(0.5, -0.25, 0.3, 0.0, True)   # one atom, free generator: two Dirac-GAN R1 pairs
    r = math.sqrt(0.25 - 0.0225)
    np.testing.assert_allclose(sorted(ev, key=lambda z: (z.imag, z.real)),
                               [-0.15 - 1j * r, -0.15 - 1j * r, -0.15 + 1j * r, -0.15 + 1j * r], rtol=0, atol=1e-15)


def test_match_error_is_a_matching():
    assert rm.match_error([1, 2j, -3], [-3, 1, 2j]) == 0.0
    assert rm.match_error([1, 1], [1, 2]) == pytest.approx(1.0, rel=0, abs=1e-15)   # not a nearest-neighbour test
    assert rm.match_error([1], [1, 2]) == math.inf


@pytest.mark.slow  # the whole study: about two minutes on 2 cores with cold caches
def test_study_runs_and_every_check_passes(tmp_path):
    res = run_study(studies()["r1-manifold"], tmp_path)
    assert not res.error and not res.missing, res.error + "\n".join(res.notes)
    failed = [c.what for c in res.checks if not c.passed]
    assert not failed, failed
    assert len(res.checks) >= 40
    stems = [s for s, _ in res.images]
    assert stems == ["r1_manifold_spectra", "r1_manifold_trajectories", "r1_manifold_discriminator",
                     "r1_manifold_leave_line"]
    for s in stems:
        assert (tmp_path / f"{s}.png").stat().st_size > 20000
    data = json.loads((tmp_path / "r1-manifold.json").read_text())
    assert data["ok"] and data["params"]["r1_gamma"] == rm.GAMMA


@pytest.mark.slow  # builds the study's free-generator field
def test_both_complex_pairs_lie_on_one_circle():
    """The spectra figure's note: while complex, the tangential and the orthogonal pairs of the free generator lie on
    |lambda| = f'(0) (a complex pair's modulus squared is its product, f'(0)^2 for both): checked on the computed
    spectra against f'(0) = 1/2 of the standard loss, written here."""
    g, w, orth = rm.spectra_by_direction(rm.fields()["free3"], np.linspace(0.0, 1.2, 31))
    cx = np.abs(w.imag) > 1e-9
    assert np.any(cx & orth) and np.any(cx & ~orth)
    np.testing.assert_allclose(np.abs(w[cx]), 0.5, rtol=1e-12)
