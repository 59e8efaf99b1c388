"""The asymmetric Tikhonov + zero-centred penalty scheme (Giagtzoglou, Winands & Franci 2026; reconstruction of
docs/mathematics.md §4.3–4.5): the named readings, the default, the r1+r2 penalty, and the local quantities of
gandynamics.analysis.asymmetric.

Independent references: the closed forms of docs/mathematics.md §4.4 (Dirac-GAN) and §4.5 (LQ-WGAN), the exact
``||DF_reg(z*)||_2`` and ``lambda_min(sym DF_reg(z*))`` of the compiled field (every reported bound is checked
against them on every reading), and Jacobians rebuilt by hand.
"""

import math

import numpy as np
import pytest

from gandynamics import Asymmetric, GandynamicsError, R1, VectorField, games
from gandynamics.analysis import asymmetric_local
from gandynamics.analysis.asymmetric import _part_symbols
from gandynamics.regularizers import make_regularizer

FP = 0.5   # f'(0) of the standard loss


def _norm2(a, eps, gamma):
    """||[[eps, a], [-a, gamma]]||_2 (docs/mathematics.md §4.4)."""
    return math.sqrt(a * a + (eps**2 + gamma**2) / 2 + abs(eps - gamma) * math.sqrt(a * a + (eps + gamma) ** 2 / 4))


# ----------------------------------------------------------------------------- readings and the default
def test_default_is_the_discriminator_only_reading():
    reg = Asymmetric(eps=0.1, gamma=1.0)
    assert reg.opts["reading"] == "discriminator-only" and reg.letter == "R-b"
    assert reg.opts["tikhonov_on"] == "discriminator" and reg.opts["penalty"] == "r1"
    f = VectorField(games.dirac(), [reg])
    # (R-b) = R1 with weight eps + gamma on the Dirac-GAN: DF(0) = [[0, f'], [-f', eps + gamma]] (§4.5)
    np.testing.assert_allclose(f.eval_DF((0, 0)), [[0, FP], [-FP, 1.1]], rtol=0, atol=1e-15)


@pytest.mark.parametrize("opts, letter, on, pen", [
    ({"reading": "generator-tikhonov"}, "R-a", "generator", "r1"),
    ({"reading": "R-a", "penalty": "r2"}, "R-a", "generator", "r2"),
    ({"reading": "discriminator-only", "penalty": "r1+r2"}, "R-b", "discriminator", "r1+r2"),
    ({"reading": "nk"}, "R-c", "discriminator", "nk"),
    ({"reading": "R-c"}, "R-c", "discriminator", "nk"),
    ({"tikhonov_on": "generator"}, "R-a", "generator", "r1"),
    ({"penalty": "nk"}, "R-c", "discriminator", "nk"),
])
def test_named_readings(opts, letter, on, pen):
    reg = Asymmetric(eps=0.2, gamma=0.5, **opts)
    assert (reg.letter, reg.opts["tikhonov_on"], reg.opts["penalty"]) == (letter, on, pen)


@pytest.mark.parametrize("opts, match", [
    ({"reading": "both"}, "unknown reading 'both'; accepted: discriminator-only, generator-tikhonov, nk"),
    ({"reading": "nk", "penalty": "r1"}, "not one of the readings"),
    ({"reading": "R-a", "tikhonov_on": "discriminator"}, "not one of the readings"),
    ({"tikhonov_on": "generator", "penalty": "nk"}, "not one of the readings"),
    ({"penalty": "l2"}, r"r1, r2, r1\+r2 or nk"),
])
def test_bad_readings_are_refused(opts, match):
    with pytest.raises(GandynamicsError, match=match):
        make_regularizer("asymmetric", **opts)


def test_r1_plus_r2_penalises_real_and_generated_samples():
    """Dirac-GAN, D = psi x: grad_x D = psi on both distributions, so the penalty is gamma/2 (psi^2 + psi^2)
    and DF(0) = [[0, f'], [-f', eps + 2 gamma]] (R-b); the Gramian is 1 + 1 = 2."""
    eps, gamma = 0.1, 0.7
    f = VectorField(games.dirac(), [Asymmetric(eps=eps, gamma=gamma, penalty="r1+r2")])
    np.testing.assert_allclose(f.eval_DF((0, 0)), [[0, FP], [-FP, eps + 2 * gamma]], rtol=0, atol=1e-15)
    assert {s.name for s in f.hyper} == {"gamma", "eps"}          # one weight for both sample sets
    out = asymmetric_local(f)
    assert out["gramian"] == [[pytest.approx(2.0, rel=1e-14, abs=0)]] and out["penalty"] == "r1+r2"
    # LQ-WGAN at z* (m = 0, s = 1): R2's Gramian equals R1's there (§4.5), so r1+r2 gives 2 G
    f = VectorField(games.lq_wgan(), [Asymmetric(eps=0.5, gamma=1.0, penalty="r1+r2")])
    np.testing.assert_allclose(asymmetric_local(f)["gramian"], 2 * np.diag([1.0, 4.0]), rtol=0, atol=1e-12)


# ----------------------------------------------------------------------------- the L_loc bound (bug of issue 11 §4)
def test_reported_reproducers_now_hold():
    f = VectorField(games.dirac(), [Asymmetric(eps=1.0, gamma=1.0, reading="discriminator-only")])
    out = asymmetric_local(f)
    assert out["L_loc"] == pytest.approx(2.118033988749895, rel=1e-12, abs=0)   # was > the old bound 1.5
    assert out["L_loc_bound"] == pytest.approx(0.5 + 1 + 1, rel=1e-12, abs=0)     # ||DF_u|| + eps + gamma lmax(G)
    assert out["L_loc"] <= out["L_loc_bound"]
    f = VectorField(games.lq_wgan(), [Asymmetric(eps=2.0, gamma=1.0, reading="discriminator-only")])
    out = asymmetric_local(f)
    assert out["L_loc"] == pytest.approx(6.605551275463989, rel=1e-9, abs=0)    # was > the old bound 6.0
    assert out["L_loc_bound"] == pytest.approx(2 + 2 + 4, rel=1e-12, abs=0)     # ||DF_u|| = 2, G = diag(1, 4)
    assert out["L_loc"] <= out["L_loc_bound"]


READINGS = [{"reading": "generator-tikhonov"}, {"reading": "generator-tikhonov", "penalty": "r2"},
            {"reading": "generator-tikhonov", "penalty": "r1+r2"}, {"reading": "discriminator-only"},
            {"reading": "discriminator-only", "penalty": "r2"}, {"reading": "discriminator-only", "penalty": "r1+r2"},
            {"reading": "nk"}]


@pytest.mark.parametrize("opts", READINGS, ids=lambda o: "-".join(o.values()))
@pytest.mark.parametrize("game", ["dirac", "dirac-ns", "lq-wgan", "lq-wgan-m"])
@pytest.mark.parametrize("eps, gamma", [(1.0, 1.0), (2.0, 1.0), (0.1, 3.0), (0.0, 0.5)])
def test_every_reported_bound_against_the_exact_value(opts, game, eps, gamma):
    if game.startswith("dirac"):
        model = games.dirac(loss="non-saturating" if game == "dirac-ns" else "standard")
        anchor = "0"
    else:
        m, s = (0.0, 1.0) if game == "lq-wgan" else (0.5, 0.8)
        model = games.lq_wgan(m=m, s=s)
        anchor = f"{s},{m}" if opts["reading"] == "generator-tikhonov" else "0"   # oracle anchor at z* (R-a)
    fld = VectorField(model, [Asymmetric(eps=eps, gamma=gamma, anchor=anchor, **opts)])
    out = asymmetric_local(fld)
    D = fld.eval_DF(np.array(out["point"]))
    assert np.linalg.norm(fld.eval_F(np.array(out["point"]))) < 1e-9           # an equilibrium
    exact_L = float(np.linalg.norm(D, 2))
    exact_mu = float(np.linalg.eigvalsh((D + D.T) / 2)[0])
    assert out["L_loc"] == pytest.approx(exact_L, rel=1e-12, abs=1e-14)
    assert out["mu_loc"] == pytest.approx(exact_mu, rel=1e-12, abs=1e-14)
    assert out["formula_exact"], out["note"]              # zero-centred penalties at these equilibria
    assert out["L_loc"] <= out["L_loc_bound"] * (1 + 1e-12)
    assert out["mu_loc_formula"] == pytest.approx(exact_mu, rel=1e-9, abs=1e-12)
    if opts["reading"] == "discriminator-only":
        assert out["mu_loc"] == pytest.approx(0.0, abs=1e-12)   # grad^2_theta theta L = 0 at these equilibria


@pytest.mark.parametrize("eps, gamma", [(0.3, 1.0), (1.0, 1.0), (2.0, 0.5)])
def test_dirac_closed_forms_per_reading(eps, gamma):
    # docs/mathematics.md §4.4–4.5: DF(0) per reading, hence L_loc and mu_loc in closed form
    for opts, (a11, a22) in (({"reading": "R-a"}, (eps, gamma)), ({"reading": "R-b"}, (0.0, eps + gamma)),
                             ({"reading": "R-c"}, (gamma * FP**2, eps))):
        out = asymmetric_local(VectorField(games.dirac(), [Asymmetric(eps=eps, gamma=gamma, **opts)]))
        assert out["L_loc"] == pytest.approx(_norm2(FP, a11, a22), rel=1e-12, abs=0)
        assert out["mu_loc"] == pytest.approx(min(a11, a22), rel=1e-12, abs=1e-15)


def test_moved_equilibrium_is_reported_not_silently_bounded():
    """A fixed anchor 0 on the LQ-WGAN generator (R-a) moves z* to a = sqrt(1 - 2 eps), w2 = eps/2
    (docs/mathematics.md §4.3): the bound is still checked against the exact value."""
    fld = VectorField(games.lq_wgan(), [Asymmetric(eps=0.1, gamma=1.0, anchor=0, reading="R-a")])
    out = asymmetric_local(fld)
    assert out["point"][0] == pytest.approx(math.sqrt(0.8), rel=1e-9, abs=0)
    assert out["L_loc"] <= out["L_loc_bound"] * (1 + 1e-12)
    assert out["mu_loc"] == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------------------- moved from test_constants.py
@pytest.mark.parametrize("eps,gamma", [(0.1, 1.0), (0.7, 0.2)])
def test_asymmetric_local_dirac_reading_a(eps, gamma):
    fld = VectorField(games.dirac(), [Asymmetric(eps=eps, gamma=gamma, reading="R-a")])
    out = asymmetric_local(fld)
    assert out["reading"] == "R-a" and out["gramian"] == [[1.0]]  # grad_x D = psi: G = 1 (docs/mathematics.md §4.4)
    assert out["mu_loc"] == pytest.approx(min(eps, gamma), abs=1e-14)
    assert out["mu_loc_formula"] == pytest.approx(min(eps, gamma), abs=1e-14)
    assert out["L_loc"] == pytest.approx(_norm2(FP, eps, gamma), rel=1e-13)
    assert out["L_loc_bound"] == pytest.approx(FP + max(eps, gamma), rel=1e-13)
    assert (out["eps"], out["gamma"]) == (eps, gamma)


def test_asymmetric_local_reading_c_and_b_dirac():
    fc = VectorField(games.dirac(), [Asymmetric(eps=0.1, gamma=1.0, tikhonov_on="discriminator", penalty="nk")])
    out = asymmetric_local(fc)
    # docs/mathematics.md §4.5: DF_c(0) = [[gamma f'(0)^2, f'(0)], [-f'(0), eps]], G = K^T K = f'(0)^2
    assert out["reading"] == "R-c" and out["gramian"] == [[pytest.approx(0.25, rel=1e-14, abs=0)]]
    assert out["mu_loc"] == pytest.approx(min(0.25, 0.1), abs=1e-14)
    fb = VectorField(games.dirac(), [Asymmetric(eps=0.4, gamma=1.0, tikhonov_on="discriminator")])
    out = asymmetric_local(fb)
    assert out["reading"] == "R-b" and out["mu_loc"] == pytest.approx(0.0, abs=1e-14)  # mu_loc = 0 under R-b


def test_asymmetric_local_lq_wgan_gramian():
    m, s, eps, gamma = 0.5, 0.8, 0.3, 2.0
    # anchored at the equilibrium (a, b) = (s, m): an oracle choice (it needs z*), which the field then keeps
    fld = VectorField(games.make_game("lq-wgan", m=m, s=s),
                      [Asymmetric(eps=eps, gamma=gamma, anchor=f"{s},{m}", reading="R-a")])
    out = asymmetric_local(fld)
    np.testing.assert_allclose(out["point"], [s, m, 0, 0], rtol=0, atol=1e-12)
    G = np.array([[1, 2 * m], [2 * m, 4 * (m * m + s * s)]])   # docs/mathematics.md §4.5, det G = 4 s^2
    np.testing.assert_allclose(out["gramian"], G, rtol=0, atol=1e-12)
    assert out["gramian_lambda_min"] == pytest.approx(np.linalg.eigvalsh(G)[0], rel=1e-12, abs=0)
    assert out["identifiable"]
    # sym DF_reg(z*) = diag(eps I_2, gamma G)  =>  mu_loc = min(eps, gamma lambda_min(G))
    assert out["mu_loc"] == pytest.approx(min(eps, gamma * np.linalg.eigvalsh(G)[0]), rel=1e-10, abs=0)
    assert out["mu_loc_formula"] == pytest.approx(out["mu_loc"], rel=1e-10, abs=0)


def test_hyperparameter_names_mirror_the_regularizer_naming():
    fld = VectorField(games.dirac(), [R1(gamma=0.2), Asymmetric(eps=0.1, gamma=1.0)])
    names = {n for _, _, d in _part_symbols(fld) for n in d.values()}
    assert names == {s.name for s in fld.hyper}
    out = asymmetric_local(fld, {"gamma_r1": 0.9})         # the asymmetric part's own gamma is overridden
    assert out["gamma"] == 0.9 and out["eps"] == 0.1


def test_import_paths():
    from gandynamics.analysis import asymmetric_local as a
    from gandynamics.analysis.asymmetric import asymmetric_local as b
    from gandynamics.analysis.constants import asymmetric_local as c   # old path, re-exported
    assert a is b is c


def test_lq_wgan_is_labelled_an_assumed_example():
    import gandynamics.games.lq_wgan as mod
    from gandynamics.games import GAMES
    assert "not the paper's" in mod.__doc__ and "not the paper's" in GAMES["lq-wgan"].description
