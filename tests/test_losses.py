import math

import numpy as np
import pytest
import sympy as sp

from gandynamics import LOSSES, GandynamicsError
from gandynamics._numeric import sigmoid as nsigmoid, softplus as nsoftplus
from gandynamics.losses import get_loss, sigmoid, softplus, stabilize

t = sp.Symbol("t", real=True)


def test_standard_loss_derivatives_at_zero():
    # docs/mathematics.md §1.1: f'(0) = 1/2, f''(0) = -1/4 for f(t) = -log(1 + e^{-t})
    assert LOSSES["standard"].derivatives_at_zero() == pytest.approx((0.5, -0.25), abs=1e-15)
    assert LOSSES["wgan"].derivatives_at_zero() == (1.0, 0.0)


def test_symbolic_derivatives_match_log_form():
    f = LOSSES["standard"].f(t)
    ref = -sp.log(1 + sp.exp(-t))
    for k in range(1, 4):
        d = sp.diff(f, t, k).rewrite(sp.exp)
        dr = sp.diff(ref, t, k)
        for x in (-3.0, -0.2, 0.0, 1.7):
            assert float(d.subs(t, x)) == pytest.approx(float(dr.subs(t, x)), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("x", [-800.0, -710.0, -40.0, -1.0, 0.0, 1e-8, 2.5, 40.0, 710.0, 800.0])
def test_numeric_helpers_are_finite_and_accurate(x):
    s = nsigmoid(x)
    sp_ = nsoftplus(x)
    assert math.isfinite(s) and math.isfinite(sp_)
    # independent references with mpmath at 50 digits
    import mpmath as mp
    mp.mp.dps = 50
    assert s == pytest.approx(float(1 / (1 + mp.exp(-x))), rel=1e-15, abs=0)
    assert sp_ == pytest.approx(float(mp.log(1 + mp.exp(x))), rel=1e-15, abs=1e-300)


def test_naive_form_would_overflow_but_helpers_do_not():
    # the trap the custom functions avoid: exp(-t)/(exp(-t)+1) is inf/inf for t < -709
    with np.errstate(all="ignore"):
        naive = np.exp(800.0) / (np.exp(800.0) + 1)
    assert not np.isfinite(naive)
    assert nsigmoid(-800.0) == 0.0 or nsigmoid(-800.0) > 0


def test_numeric_helpers_propagate_nan():
    assert math.isnan(nsigmoid(float("nan")))
    assert math.isnan(nsoftplus(float("nan")))


def test_stabilize_rewrites_hand_typed_losses():
    u = sp.Symbol("u", real=True)
    e = stabilize(-sp.log(1 + sp.exp(-u)) + 1 / (1 + sp.exp(-u)))
    assert e.has(softplus) and e.has(sigmoid)
    assert not e.has(sp.log)
    assert float(e.subs(u, 0.3).evalf()) == pytest.approx(float((-sp.log(1 + sp.exp(-0.3)) + 1 / (1 + sp.exp(-0.3)))))


def test_special_values():
    assert sigmoid(0) == sp.Rational(1, 2)
    assert softplus(0) == sp.log(2)


def test_custom_lambda_and_bad_names():
    loss = get_loss(sp.Lambda(t, -sp.log(1 + sp.exp(-t))))
    assert loss.derivatives_at_zero() == pytest.approx((0.5, -0.25))
    with pytest.raises(GandynamicsError, match="accepted: standard, non-saturating, wgan, lsgan, hinge"):
        get_loss("relativistic")
