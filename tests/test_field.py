"""Symbolic Jacobians against central finite differences of the compiled F (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gandynamics import REGULARIZERS, GandynamicsError, VectorField, games, make_regularizer
from gandynamics.game import GAN

_CACHE = {}


def _field(game, reg):
    key = (game, reg)
    if key not in _CACHE:
        model = games.make_game(game) if game != "dirac-wgan" else games.dirac("wgan")
        regs = [] if reg is None else [make_regularizer(reg, **({"order": 4} if reg == "instance-noise" else {}))]
        if reg == "asymmetric" and not isinstance(model, GAN):
            regs = [make_regularizer(reg, penalty="nk", tikhonov_on="discriminator")]  # reading (R-c)
        if reg is not None and REGULARIZERS[reg].stage == "gan" and not isinstance(model, GAN):
            with pytest.raises(GandynamicsError, match="needs a GAN's structure"):
                VectorField(model, regs)  # refused with one clear line
            _CACHE[key] = None
        else:
            _CACHE[key] = VectorField(model, regs)
    return _CACHE[key]


def central_difference(f, z, h=1e-6):
    n = len(z)
    out = np.empty((n, n))
    for j in range(n):
        e = np.zeros(n); e[j] = h
        out[:, j] = (f(z + e) - f(z - e)) / (2 * h)
    return out


CASES = [(g, r) for g in ("dirac", "dirac-nd", "bilinear", "dirac-wgan") for r in [None, *REGULARIZERS]]


@pytest.mark.parametrize("game,reg", CASES)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_symbolic_jacobian_matches_finite_differences(game, reg, data):
    fld = _field(game, reg)
    if fld is None:
        return  # a structural regularizer on a plain game: the refusal was asserted in _field
    z = np.array(data.draw(st.lists(st.floats(-2, 2), min_size=fld.n, max_size=fld.n)))
    if reg in ("wgan-gp", "dragan") and np.min(np.abs(z[fld.n_theta:])) < 1e-3:
        return  # finite differences across the kink of WGAN-GP / DRAGAN (|grad_x D| = 0) are meaningless
    fd = central_difference(lambda u: fld.eval_F(u), z)
    np.testing.assert_allclose(fld.eval_DF(z), fd, rtol=1e-6, atol=1e-6)


def test_param_vector_validation():
    fld = _field("dirac", "r1")
    with pytest.raises(GandynamicsError, match="unknown hyperparameter.*accepted: gamma"):
        fld.param_vector({"sigma": 1})
    with pytest.raises(GandynamicsError, match="must be a finite number"):
        fld.param_vector({"gamma": float("inf")})
    with pytest.raises(GandynamicsError, match="2 entries"):
        fld.point([1, 2, 3])
