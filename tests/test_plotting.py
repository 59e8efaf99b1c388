"""Tests of gandynamics.plotting: the numbers behind each drawing against closed forms of docs/mathematics.md
(computed here, independently of the library), and the drawings' basic contract (returns ax, labels)."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gandynamics import GandynamicsError, VectorField, games  # noqa: E402
from gandynamics.plotting import (critical_strength, convergence, direction_field, eigenvalue_locus,  # noqa: E402
                                  factor_data, factors, locus_data, phase_portrait, rate_grid, rate_map, symbol)
from gandynamics.regularizers import R1, Consensus, NagarajanKolter  # noqa: E402

FP = 0.5  # f'(0) of the standard loss (docs/mathematics.md §1.1)


def fprime(t):
    return 1.0 / (1.0 + np.exp(t))  # f'(t) = sigmoid(-t)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def dirac():
    return VectorField(games.dirac(), [])


@pytest.fixture(scope="module")
def dirac_r1():
    return VectorField(games.dirac(), [R1()])


def test_symbol():
    assert symbol("theta") == r"$\theta$"
    assert symbol("psi2") == r"$\psi_{2}$"
    assert symbol("gamma_co") == r"$\gamma_{co}$"
    assert symbol("eps") == r"$\varepsilon$"
    assert symbol("a") == "$a$"


def test_direction_field_matches_dirac_closed_form(dirac):
    # v = (-psi f'(psi theta), theta f'(psi theta))  (docs/mathematics.md §1.1)
    X, Y, U, V = direction_field(dirac, xlim=(-2, 2), ylim=(-1.5, 1.5), n=9)
    t = X * Y
    assert np.allclose(U, -Y * fprime(t), atol=1e-14, rtol=0)
    assert np.allclose(V, X * fprime(t), atol=1e-14, rtol=0)


def test_direction_field_slice_of_a_higher_dimensional_game():
    fld = VectorField(games.dirac_nd(2), [])
    c = np.array([0.3, 0.0, 0.0, 0.2])  # (theta1, theta2, psi1, psi2)
    X, Y, U, V = direction_field(fld, plane=("theta1", "psi2"), center=c, n=5)
    # dirac-nd: v_theta = -psi f'(psi.theta), v_psi = theta f'(psi.theta) with the other coordinates at c
    for a in range(5):
        for b in range(5):
            th = np.array([X[a, b], 0.0])
            ps = np.array([0.0, Y[a, b]])
            s = fprime(ps @ th)
            assert U[a, b] == pytest.approx(-ps[0] * s, abs=1e-14)
            assert V[a, b] == pytest.approx(th[1] * s, abs=1e-14)


def test_phase_portrait_contract(dirac):
    traj = np.array([[1.0, 1.0], [0.5, 1.2], [0.0, 1.0]])
    ax = phase_portrait(dirac, trajectories=[("test", traj)], arrows=True, nullclines=True, clip=1.0, speed=True)
    assert ax.get_xlabel() == r"$\theta$" and ax.get_ylabel() == r"$\psi$"
    assert ax.get_aspect() == 1.0
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "test" in labels and "start" in labels and "equilibrium" in labels
    assert any("forbidden" in s for s in labels)
    line = [ln for ln in ax.get_lines() if ln.get_label() == "test"][0]
    assert np.array_equal(line.get_xydata(), traj)


def test_phase_portrait_rejects_bad_input(dirac):
    with pytest.raises(GandynamicsError, match="unknown parameter"):
        phase_portrait(dirac, plane=("theta", "nope"))
    with pytest.raises(GandynamicsError, match="shape"):
        phase_portrait(dirac, trajectories=[("bad", np.zeros((3, 3)))])


def test_locus_matches_r1_closed_form(dirac_r1):
    g = np.linspace(0, 1.5, 16)
    vals, eigs = locus_data(dirac_r1, "gamma", g)
    for gi, e in zip(g, eigs):
        ref = np.array([-gi / 2 + s * np.sqrt(complex(gi * gi / 4 - FP * FP)) for s in (1, -1)])  # docs/mathematics.md §1.7
        assert np.max(np.min(np.abs(e[:, None] - ref[None, :]), axis=1)) < 1e-7


def test_critical_strength_is_two_fprime(dirac_r1):
    c = critical_strength(dirac_r1, "gamma", (0.0, 1.5))
    assert c["value"] == pytest.approx(2 * FP, abs=1e-6)       # docs/mathematics.md §1.7: gamma_crit = 2 f'(0)
    assert c["abscissa"] == pytest.approx(-FP, abs=1e-6)


def test_eigenvalue_locus_draws_computed_points(dirac_r1):
    g = np.linspace(0, 1.5, 7)
    ax = eigenvalue_locus(games.dirac(), R1(), "gamma", g)
    pts = ax.collections[0].get_offsets()
    assert len(pts) == 14
    assert ax.get_xlabel() == r"Re $\lambda$"
    assert any("critical" in t.get_text() for t in ax.get_legend().get_texts())


def test_factor_data_closed_forms():
    g = np.array([0.5, 1.0, 2.0])
    d = factor_data(games.dirac(), {"CO": Consensus(), "NK": NagarajanKolter(), "none": None}, "gamma", g)
    # consensus: -gamma f'^2 ± i f' (docs/mathematics.md §1.5) -> xi = 1/(gamma f'), kappa = 1
    assert np.allclose(d["CO"]["phase"], 1 / (g * FP), rtol=1e-9)
    assert np.allclose(d["CO"]["conditioning"], 1.0, rtol=1e-9)
    # NK with eta = gamma/2: -eta f'^2 ± i sqrt(f'^2 - eta^2 f'^4) (docs/mathematics.md §1.8)
    eta = g / 2
    assert np.allclose(d["NK"]["phase"], np.sqrt(FP**2 - eta**2 * FP**4) / (eta * FP**2), rtol=1e-9)
    assert np.all(np.isinf(d["none"]["phase"]))
    ax = factors(games.dirac(), None, "gamma", g, data=d, which="conditioning")
    assert "conditioning" in ax.get_ylabel()
    with pytest.raises(GandynamicsError):
        factors(games.dirac(), None, "gamma", g, data=d, which="nope")


def test_rate_grid_is_gd_spectral_radius(dirac_r1):
    G = np.array([0.3, 0.8, 1.6])
    H = np.array([0.1, 1.0, 3.0])
    R = rate_grid(dirac_r1, "gd", G, H)
    for j, g in enumerate(G):
        lam = np.array([-g / 2 + s * np.sqrt(complex(g * g / 4 - FP * FP)) for s in (1, -1)])  # eig of J = Dv
        for i, h in enumerate(H):
            assert R[i, j] == pytest.approx(np.max(np.abs(1 + h * lam)), abs=1e-12)  # I + hJ (docs/mathematics.md §1.9)


def test_rate_map_contour_is_the_closed_form_limit(dirac_r1):
    import contourpy
    G = np.linspace(0.05, 0.95, 19)
    H = np.linspace(0.02, 4.5, 113)
    R = rate_grid(dirac_r1, "gd", G, H)
    lines = contourpy.contour_generator(G, H, R).lines(1.0)
    V = np.vstack(lines)
    # GD stable iff h < gamma / f'(0)^2 for gamma <= 2 f'(0) (docs/mathematics.md §1.9)
    assert np.max(np.abs(V[:, 1] - V[:, 0] / FP**2)) < (H[1] - H[0])
    ax = rate_map(dirac_r1, "gd", G, H, rho=R, measured=([0.5], [1.0], [0.9]))
    assert "rate" in ax.figure.axes[-1].get_ylabel()
    with pytest.raises(GandynamicsError, match="shape"):
        rate_map(dirac_r1, "gd", G, H, rho=R[:-1])


def test_convergence_draws_predicted_slope():
    k = np.arange(100)
    d = 2.0 * 0.9**k
    ax = convergence([("m", d)], rates={"m": 0.9})
    pred = [ln for ln in ax.get_lines() if "predicted" in ln.get_label()][0]
    x, y = pred.get_xdata(), pred.get_ydata()
    assert np.allclose(np.diff(np.log(y)) / np.diff(x), math.log(0.9))
    assert np.allclose(y, 2.0 * 0.9**x)  # anchored on the curve
    assert ax.get_yscale() == "log"


def test_portrait_cli(tmp_path, capsys):
    from gandynamics.cli import main
    out = tmp_path / "p.png"
    assert main(["portrait", "dirac", "--reg", "r1:gamma=0.3", "--methods", "gd,altgd", "--init", "1,1",
                 "--steps", "200", "--out", str(out)]) == 0
    assert out.stat().st_size > 10000
    for bad in (["--out", str(tmp_path / "p.txt")], ["--plane", "theta,zz", "--out", str(out)],
                ["--methods", "nope", "--out", str(out)], ["--init", "1", "--out", str(out)],
                ["--xlim", "2,1", "--out", str(out)]):
        capsys.readouterr()
        assert main(["portrait", "dirac"] + bad) == 2
        err = capsys.readouterr().err
        assert err.startswith("gandynamics: error:") and err.count("\n") == 1
