"""LSGAN and hinge losses, DRAGAN and LeCam regularizers: closed-form Dirac-GAN spectra
(docs/math/losses-and-regularizers.md, derived by hand there), finite differences of F, and the registries."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from gandynamics import GAN, Atoms, VectorField, games
from gandynamics.analysis import spectrum
from gandynamics.errors import GandynamicsError
from gandynamics.losses import LOSSES
from gandynamics.regularizers import DRAGAN, R1, REGULARIZERS, InstanceNoise, LeCam, make_regularizer

RTOL, ATOL = 1e-9, 1e-9


def _sorted(e):
    e = np.asarray(e, complex)
    return e[np.lexsort((np.round(e.imag, 9), np.round(e.real, 9)))]


def _eig(fld, params=None, at=None):
    at = fld.equilibrium if at is None else at
    return _sorted(np.linalg.eigvals(fld.eval_J(at, params)))


def _pair(re, disc):
    r = complex(disc) ** 0.5
    return [re + r, re - r]


def _fd_DF(fld, z, params=None, h=1e-6):
    z = np.asarray(z, float)
    cols = []
    for k in range(z.size):
        e = np.zeros_like(z)
        e[k] = h
        cols.append((fld.eval_F(z + e, params) - fld.eval_F(z - e, params)) / (2 * h))
    return np.array(cols).T


# ------------------------------------------------------------------------------------------------ losses
def test_new_losses_are_registered_at_the_end_with_sources():
    names = list(LOSSES)
    assert names[:3] == ["standard", "non-saturating", "wgan"]
    assert "lsgan" in names and "hinge" in names
    assert "Mao" in LOSSES["lsgan"].source and "Lim" in LOSSES["hinge"].source and "Miyato" in LOSSES["hinge"].source


def test_lsgan_losses_are_mao_et_al():
    """The players' losses of the Dirac-GAN, written out by hand: D regresses fake to +1 and real to -1,
    G pulls D(fake) to -1 (fakeness logit), i.e. Mao et al.'s a = -1, b = c = 1 in realness coding."""
    g = games.dirac(loss="lsgan").to_game()
    th, ps = g.params
    assert sp.simplify(g.loss_d - ((ps * th - 1) ** 2 / 2 + sp.Rational(1, 2))) == 0
    assert sp.simplify(g.loss_g - (ps * th + 1) ** 2 / 2) == 0


def test_hinge_losses_are_lim_ye():
    g = games.dirac(loss="hinge").to_game()
    th, ps = g.params
    # L_D = E_pD max(0, 1 + D) + E_ptheta max(0, 1 - D) with D(0) = 0, D(theta) = psi theta; L_G = E_ptheta D
    for t, p in [(0.3, 0.4), (2.0, 1.5), (-1.0, 3.0), (0.0, 0.0)]:
        ld = float(g.loss_d.subs({th: t, ps: p}))
        assert np.isclose(ld, max(0, 1 - p * t) + 1.0, rtol=RTOL, atol=ATOL)
    assert sp.simplify(g.loss_g - ps * th) == 0


@pytest.mark.parametrize("loss", ["lsgan", "hinge"])
def test_dirac_plain_spectrum_is_a_pure_rotation(loss):
    # J = [[0, -g'(0)], [f'(0), 0]] with f'(0) = g'(0) = 1: eigenvalues ±i (docs/math §1, §2)
    fld = VectorField(games.dirac(loss=loss))
    np.testing.assert_allclose(_eig(fld), _sorted([1j, -1j]), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("loss", ["lsgan", "hinge"])
@pytest.mark.parametrize("gamma", [0.3, 2.0, 3.0])
def test_dirac_r1_closed_form(loss, gamma):
    fld = VectorField(games.dirac(loss=loss), [R1(gamma=gamma)])
    np.testing.assert_allclose(_eig(fld), _sorted(_pair(-gamma / 2, gamma**2 / 4 - 1)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("sigma", [0.3, 0.7, 1.2])
def test_dirac_instance_noise_closed_form(sigma):
    # lsgan: J22 = 2 sigma^2 f''(0) = -2 sigma^2 (exact for any Gauss-Hermite order >= 2: a quadratic loss)
    fld = VectorField(games.dirac(loss="lsgan"), [InstanceNoise(sigma=sigma, order=3)])
    np.testing.assert_allclose(_eig(fld), _sorted(_pair(-sigma**2, sigma**4 - 1)), rtol=RTOL, atol=ATOL)
    # hinge: f'' = 0 near 0, every node inside the linear piece near the equilibrium: noise changes nothing
    fld = VectorField(games.dirac(loss="hinge"), [InstanceNoise(sigma=sigma, order=3)])
    np.testing.assert_allclose(_eig(fld), _sorted([1j, -1j]), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("loss", ["lsgan", "hinge"])
def test_new_losses_jacobian_matches_finite_differences(loss):
    fld = VectorField(games.dirac(loss=loss), [R1(gamma=0.4)])
    for z in ([0.3, -0.2], [0.9, 0.5], [-0.7, 1.1]):  # hinge: psi*theta != 1 at these points
        np.testing.assert_allclose(fld.eval_DF(z), _fd_DF(fld, z), rtol=1e-6, atol=1e-7)


def test_hinge_flow_is_exactly_the_rotation_inside_the_hinge():
    # where psi*theta < 1 the hinge field is F = (psi, -theta) exactly
    fld = VectorField(games.dirac(loss="hinge"))
    for z in ([0.3, -0.2], [0.9, 0.5], [-2.0, 3.0]):
        np.testing.assert_allclose(fld.eval_F(z), [z[1], -z[0]], rtol=RTOL, atol=ATOL)
    # beyond the kink the discriminator's hinge is flat: F_psi = 0
    np.testing.assert_allclose(fld.eval_F([2.0, 1.0]), [1.0, 0.0], rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------------------------------------------ DRAGAN
def _quadratic_d_gan():
    """p_theta = delta_theta, D = a x + b x^2/2, data delta_0; state (theta, a, b)."""
    th, a, b, x = sp.symbols("theta a b x", real=True)
    return GAN(theta=[th], psi=[a, b], x=[x], discriminator=a * x + b * x**2 / 2, real=Atoms([0]),
               fake=Atoms([th]), loss="standard", equilibrium=(0, 0, 0), name="quad-d")


@pytest.mark.parametrize("gamma,sigma", [(0.6, 0.5), (1.7, 0.3), (0.2, 1.5)])
def test_dragan_zero_centred_quadratic_discriminator_closed_form(gamma, sigma):
    """E_delta (a + b delta)^2 = a^2 + sigma^2 b^2: J = [[0, -f', 0], [f', -gamma, 0], [0, 0, -gamma sigma^2]]."""
    fp = 0.5
    fld = VectorField(_quadratic_d_gan(), [DRAGAN(gamma=gamma, sigma=sigma, target=0, order=3)])
    want = _pair(-gamma / 2, gamma**2 / 4 - fp**2) + [-gamma * sigma**2]
    np.testing.assert_allclose(_eig(fld), _sorted(want), rtol=RTOL, atol=ATOL)
    # R1 (delta = 0) leaves b undamped: eigenvalue 0 instead of -gamma sigma^2
    r1 = VectorField(_quadratic_d_gan(), [R1(gamma=gamma)])
    np.testing.assert_allclose(_eig(r1), _sorted(_pair(-gamma / 2, gamma**2 / 4 - fp**2) + [0.0]), rtol=RTOL, atol=ATOL)


def test_dragan_sigma_is_a_strength_no_recompilation():
    fld = VectorField(_quadratic_d_gan(), [DRAGAN(gamma=0.6, sigma=0.5, target=0, order=3)])
    assert not any(e.has(sp.Abs) for e in fld.F)  # sigma enters linearly: no |sigma| kink in the field
    mod = fld.compiled()
    for s in (0.1, 0.9):
        np.testing.assert_allclose(_eig(fld, {"sigma": s}),
                                   _sorted(_pair(-0.3, 0.09 - 0.25) + [-0.6 * s * s]), rtol=RTOL, atol=ATOL)
    assert fld.compiled() is mod


def test_dragan_on_dirac_zero_target_equals_r1_and_default_is_nonsmooth():
    g = 0.8
    d0 = VectorField(games.dirac(), [DRAGAN(gamma=g, target=0)])
    np.testing.assert_allclose(_eig(d0), _sorted(_pair(-g / 2, g * g / 4 - 0.25)), rtol=RTOL, atol=ATOL)
    d1 = VectorField(games.dirac(), [DRAGAN(gamma=g)])
    rep = spectrum(d1)
    assert not rep.differentiable
    # F away from psi = 0: F_psi = -theta f'(psi theta) + gamma (|psi| - 1) sign(psi)
    th, ps = 0.4, -0.6
    want_psi = -th / (1 + np.exp(ps * th)) + g * (abs(ps) - 1) * np.sign(ps)
    np.testing.assert_allclose(d1.eval_F([th, ps])[1], want_psi, rtol=RTOL, atol=ATOL)


def test_dragan_bad_options():
    with pytest.raises(GandynamicsError, match="order"):
        DRAGAN(order=0)
    with pytest.raises(GandynamicsError, match="target"):
        DRAGAN(target=-1)
    with pytest.raises(GandynamicsError, match="needs a GAN"):
        VectorField(games.bilinear(), [DRAGAN()])


# ------------------------------------------------------------------------------------------------ LeCam
@pytest.mark.parametrize("gamma,a_real", [(0.3, 0.0), (0.5, 0.4), (1.0, -0.2)])
def test_lecam_dirac_closed_form(gamma, a_real):
    """J = [[0, -f'], [f' + 2 gamma a_real, 0]]: eigenvalues ±i sqrt(f'(f' + 2 gamma a_real))."""
    fp = 0.5
    fld = VectorField(games.dirac(), [LeCam(gamma=gamma, anchor_real=a_real, anchor_fake=0.7)])
    np.testing.assert_allclose(fld.eval_F([0.0, 0.0]), [0.0, 0.0], rtol=RTOL, atol=ATOL)
    w = np.sqrt(fp * (fp + 2 * gamma * a_real))
    np.testing.assert_allclose(_eig(fld), _sorted([1j * w, -1j * w]), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("gamma", [0.1, 0.3, 2.0])
def test_lecam_bias_direction_closed_form(gamma):
    """Affine discriminator D = a x + c: J = diag-block([[0, -f'], [f', 0]], 2 f''(0) - 4 gamma)."""
    th, a, c, x = sp.symbols("theta a c x", real=True)
    gan = GAN(theta=[th], psi=[a, c], x=[x], discriminator=a * x + c, real=Atoms([0]), fake=Atoms([th]),
              equilibrium=(0, 0, 0), name="affine-d")
    fld = VectorField(gan, [LeCam(gamma=gamma)])
    want = [0.5j, -0.5j, 2 * (-0.25) - 4 * gamma]
    np.testing.assert_allclose(_eig(fld), _sorted(want), rtol=RTOL, atol=ATOL)
    z = [0.3, -0.4, 0.2]
    np.testing.assert_allclose(fld.eval_DF(z), _fd_DF(fld, z), rtol=1e-6, atol=1e-7)


def test_lecam_bad_anchor():
    with pytest.raises(GandynamicsError, match="anchor_real"):
        LeCam(anchor_real="x")


# ------------------------------------------------------------------------------------------------ registries
def test_registered_and_listed(capsys):
    assert REGULARIZERS["dragan"] is DRAGAN and REGULARIZERS["lecam"] is LeCam
    assert isinstance(make_regularizer("lecam", gamma=0.2), LeCam)
    from gandynamics.cli import main
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("lsgan", "hinge", "dragan", "lecam", "Kodali", "Tseng", "Mao", "Lim & Ye"):
        assert name in out, name
