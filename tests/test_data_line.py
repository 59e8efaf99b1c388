"""The data-line game (gandynamics.games.data_line): the compiled field against a plain-NumPy transcription of
docs/math/r1-data-manifold.md §2, the compiled Jacobian against central finite differences of the compiled F,
the spectra at the equilibrium against the closed forms of §4 (written out here, not taken from the library),
and the equilibrium set of §3.
"""

from __future__ import annotations

import numpy as np
import pytest

from gandynamics import R1, R2, GandynamicsError, VectorField, find_equilibrium, games, spectrum
from gandynamics.games import data_line

# f'(t) of the losses (docs/mathematics.md §1.1): standard / non-saturating sigmoid(-t), WGAN 1
FPRIME = {"standard": lambda t: 1 / (1 + np.exp(t)), "non-saturating": lambda t: 1 / (1 + np.exp(t)),
          "wgan": lambda t: np.ones_like(t)}
F0 = {"standard": (0.5, -0.25), "non-saturating": (0.5, -0.25), "wgan": (1.0, 0.0)}   # f'(0), f''(0)

CONFIGS = {
    "one atom": dict(positions=(0.0,)),
    "three atoms": dict(positions=(-1.0, 0.0, 1.0)),
    "weighted, offsets": dict(positions=(0.5, 2.0), weights=(1.0, 3.0), offsets=(0.0, 1.0)),
    "offset weights": dict(positions=(-0.5, 1.5), offsets=(0.0, 0.25, 1.0), offset_weights=(2.0, 1.0, 1.0)),
}


def parts(kw):
    """(a, w, b, u) as NumPy arrays, weights normalised, defaults as documented."""
    a = np.asarray(kw.get("positions", (0.0,)), float)
    w = np.asarray(kw.get("weights") or np.ones_like(a), float)
    w = w / w.sum()
    if kw.get("offsets"):
        b = np.asarray(kw["offsets"], float)
        u = np.asarray(kw.get("offset_weights") or np.ones_like(b), float)
        u = u / u.sum()
    else:
        b, u = a, w
    return a, w, b, u


def F_ref(z, kw, loss="standard", gamma=0.0, leave=False):
    """F = (grad_theta L_G, grad_psi L_D) of docs/math/r1-data-manifold.md §2, by hand."""
    a, w, b, u = parts(kw)
    fp = FPRIME[loss]
    if leave:
        th1, th2, p1, p2 = z
    else:
        (th1, p1, p2), th2 = z, 0.0
    t = p1 * (th1 + b) + p2 * th2
    g = fp(-t) if loss == "non-saturating" else fp(t)      # the generator's f' argument
    S = np.sum(u * g)
    F_th1, F_th2 = p1 * S, p2 * S
    F_p1 = -np.sum(u * (th1 + b) * fp(t)) + np.sum(w * a * fp(-p1 * a)) + gamma * p1
    F_p2 = -th2 * np.sum(u * fp(t)) + gamma * p2
    return np.array([F_th1, F_th2, F_p1, F_p2] if leave else [F_th1, F_p1, F_p2])


def closed_J_eigs(kw, loss, gamma, leave):
    """Eigenvalues at the equilibrium, §4: -c/2 ± sqrt(c²/4 - f'(0)²) with c = gamma - f''(0) s, and -gamma
    (line) or the Dirac-GAN pair (free)."""
    a, w, b, u = parts(kw)
    fp, fpp = F0[loss]
    theta = np.sum(w * a) - np.sum(u * b)
    s = np.sum(w * a**2) + np.sum(u * (theta + b) ** 2)

    def pair(c):
        r = np.sqrt(complex(c * c / 4 - fp * fp))
        return [-c / 2 + r, -c / 2 - r]
    return np.array(pair(gamma - fpp * s) + (pair(gamma) if leave else [-gamma]), complex), theta


def same_multiset(x, y, tol):
    x, y = list(np.asarray(x, complex)), list(np.asarray(y, complex))
    assert len(x) == len(y)
    for v in x:
        k = int(np.argmin([abs(v - q) for q in y]))
        assert abs(v - y[k]) <= tol, (x, y)
        y.pop(k)


# every configuration with the standard loss, on and off the line; the other losses on one configuration
CASES = ([(name, "standard", leave) for name in CONFIGS for leave in (False, True)]
         + [("weighted, offsets", loss, leave) for loss in ("non-saturating", "wgan") for leave in (False, True)])


@pytest.mark.parametrize("name,loss,leave", CASES)
def test_compiled_field_and_jacobian(name, loss, leave):
    """Compiled F equals the hand-written F (rtol 1e-13, atol 1e-14); compiled DF equals central differences
    of compiled F (atol 1e-7); at random points, with R1."""
    kw = CONFIGS[name]
    rng = np.random.default_rng(7)
    fld = VectorField(data_line(**kw, leave_line=leave, loss=loss), [R1(gamma=0.37)])
    for _ in range(3):
        z = rng.normal(size=fld.n)
        np.testing.assert_allclose(fld.eval_F(z), F_ref(z, kw, loss, 0.37, leave), rtol=1e-13, atol=1e-14)
        h = 1e-6
        fd = np.column_stack([(fld.eval_F(z + h * e) - fld.eval_F(z - h * e)) / (2 * h) for e in np.eye(fld.n)])
        np.testing.assert_allclose(fld.eval_DF(z), fd, rtol=0, atol=1e-7)


@pytest.mark.parametrize("name,loss,leave", CASES)
def test_spectrum_at_equilibrium_matches_closed_form(name, loss, leave):
    kw = CONFIGS[name]
    fld = VectorField(data_line(**kw, leave_line=leave, loss=loss), [R1(gamma=0.3)])
    for gamma in (0.0, 0.3, 1.7):
        ref, theta = closed_J_eigs(kw, loss, gamma, leave)
        assert fld.equilibrium[0] == pytest.approx(theta, rel=1e-14, abs=1e-15)
        rep = spectrum(fld, {"gamma": gamma})
        np.testing.assert_allclose(rep.point, fld.equilibrium, rtol=0, atol=1e-15)
        same_multiset(rep.eigenvalues, ref, 1e-12)


def test_one_atom_is_the_dirac_gan_plus_a_free_psi2():
    """One atom: the tangential block is M18's Dirac-GAN J = [[0, -f'], [f', -gamma]] (docs/mathematics.md §1.7),
    psi2 carries 0 (no penalty) or -gamma (R1 or R2); R1 and R2 give the same J (grad_x D = psi for every x)."""
    for reg in (R1, R2):
        fld = VectorField(data_line(), [reg(gamma=0.3)])
        for g in (0.0, 0.3):
            J = fld.eval_J(np.zeros(3), {"gamma": g})
            np.testing.assert_allclose(J, [[0, -0.5, 0], [0.5, -g, 0], [0, 0, -g]], rtol=0, atol=1e-15)


def test_equilibrium_set_is_a_line_without_penalty_and_a_point_with_r1():
    kw = CONFIGS["weighted, offsets"]
    fld = VectorField(data_line(**kw), [R1(gamma=0.3)])
    theta = fld.equilibrium[0]
    assert theta == pytest.approx(0.25 * 0.5 + 0.75 * 2.0 - 0.5, rel=1e-15)      # m_a - m_b
    for q in (-2.0, 0.3, 5.0):
        np.testing.assert_allclose(fld.eval_F((theta, 0.0, q), {"gamma": 0.0}), 0.0, rtol=0, atol=1e-14)
        np.testing.assert_allclose(fld.eval_F((theta, 0.0, q), {"gamma": 0.3}), [0, 0, 0.3 * q], rtol=1e-15, atol=1e-15)
        # every member of the line has the same Jacobian, with a zero eigenvalue along psi2
        J = fld.eval_J((theta, 0.0, q), {"gamma": 0.0})
        np.testing.assert_allclose(J[:, 2], 0.0, rtol=0, atol=1e-15)
        np.testing.assert_allclose(J[2, :], 0.0, rtol=0, atol=1e-15)
    z, _ = find_equilibrium(fld, {"gamma": 0.0}, start=(1.5, 0.2, -0.9))
    np.testing.assert_allclose(z, [theta, 0.0, -0.9], rtol=0, atol=1e-9)          # psi2 is not moved
    z, _ = find_equilibrium(fld, {"gamma": 0.3}, start=(1.5, 0.2, -0.9))
    np.testing.assert_allclose(z, [theta, 0.0, 0.0], rtol=0, atol=1e-9)           # isolated with R1
    # the free generator: isolated equilibrium even without a penalty
    free = VectorField(data_line(**kw, leave_line=True), [])
    z, _ = find_equilibrium(free, start=(1.0, 0.2, 0.1, -0.3))
    np.testing.assert_allclose(z, [theta, 0.0, 0.0, 0.0], rtol=0, atol=1e-9)


def test_psi2_does_not_enter_the_unregularized_line_game():
    fld = VectorField(data_line(positions=(-1.0, 0.5, 2.0)), [])
    assert fld.F[2] == 0
    assert all(fld.z[2] not in e.free_symbols for e in fld.F)


def test_registry_and_parameter_errors():
    g = games.make_game("data-line", positions="-1,0,1", leave_line="true")
    assert [s.name for s in g.params] == ["theta1", "theta2", "psi1", "psi2"]
    assert games.make_game("data-line", loss="wgan").loss.name == "wgan"
    for kw, msg in [({"positions": ()}, "at least one"), ({"positions": (0.0, 1.0), "weights": (1.0,)}, "one weight"),
                    ({"weights": (-1.0,)}, "positive"), ({"offset_weights": (1.0,)}, "needs offsets"),
                    ({"positions": (float("nan"),)}, "finite"), ({"positions": ("x",)}, "numbers")]:
        with pytest.raises(GandynamicsError, match=msg):
            data_line(**kw)
