"""Tight worst-case rates by performance estimation (gandynamics.analysis.pep; docs/math/basin-and-pep.md §2).

Independent references: PEPit's own published examples (the values printed in their docstrings, solved
there with MOSEK), the closed forms of the proximal point method (Gu & Yang 2020, PEPit's
``proximal_point`` example) and of one GD step (``sqrt(1 - 2 h mu + h^2 L^2)``, attained by
``mu I + sqrt(L^2 - mu^2) J``), and the iteration matrices of linear operators of the class (measured).
"""

import importlib.util
import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gandynamics import GandynamicsError
from gandynamics.analysis import pep
from gandynamics.analysis.rates import iteration_matrix, theoretical_bound

# installed, found without importing them (cvxpy's import, 1.2 s, is paid by the tests that run them, not by every
# worker's collection)
needs_pep = pytest.mark.skipif(not all(importlib.util.find_spec(m) for m in ("cvxpy", "PEPit")),
                               reason='needs the [pep] extra: pip install -e ".[pep]"')
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")   # cvxpy's "solution may be inaccurate" notes


# ----------------------------------------------------------------------------- PEPit's published examples
@needs_pep
@pytest.mark.parametrize("method, published", [
    # PEPit/examples/monotone_inclusions_variational_inequalities/past_extragradient.py:
    # wc_past_extragradient(n=5, gamma=1/4, L=1) -> 0.060266385 (MOSEK), ||x_n - x_{n-1}||^2
    ("eftp", 0.06026638536388006),
    # .../optimistic_gradient.py: wc_optimistic_gradient(n=5, gamma=1/4, L=1) -> 0.06631413218999846
    ("ogda", 0.06631413218999846),
])
@pytest.mark.slow  # 3.6 s with warm caches on the 2-core CI machine
def test_reproduces_pepit_published_monotone_vi_examples(method, published):
    tau = pep.worst_case(method, 0.25, 0.0, 1.0, n=5, measure="consecutive", constrained=True)
    assert tau == pytest.approx(published, rel=2e-5, abs=1e-9)


@needs_pep
@pytest.mark.parametrize("n, h", [(10, 2.0), (5, 1.0), (3, 0.5)])
def test_proximal_point_matches_closed_form(n, h):
    # PEPit's proximal_point example: ||x_n - x_{n-1}||^2 <= (1 - 1/n)^(n-1)/n * ||x0 - x*||^2 / h^0 ... for a
    # monotone operator the tight value is (1 - 1/n)^(n-1)/n (Gu & Yang 2020), independent of the step;
    # the example's published value at alpha = 2, n = 10 is 0.038742.
    tau = pep.worst_case("proximal", h, 0.0, math.inf, n=n, measure="consecutive")
    assert tau == pytest.approx((1 - 1 / n) ** (n - 1) / n, rel=1e-5, abs=1e-9)
    if (n, h) == (10, 2.0):
        assert tau == pytest.approx(0.038742048, rel=1e-5, abs=1e-9)


@needs_pep
@pytest.mark.parametrize("mu, h", [(0.5, 1.0), (0.1, 3.0)])
def test_strongly_monotone_proximal_point_is_the_resolvent_contraction(mu, h):
    # (I + hF)^{-1} of a mu-strongly monotone F is 1/(1 + h mu)-Lipschitz, attained by F = mu I
    assert pep.tight_rate("proximal", h, mu, math.inf) == pytest.approx(1 / (1 + h * mu), rel=1e-6, abs=1e-9)


@needs_pep
@pytest.mark.parametrize("mu, L, h", [(0.1, 1.0, 0.1), (0.5, 2.0, 0.2), (1.0, 1.0, 0.5), (0.3, 1.0, 0.45)])
def test_gd_one_step_is_tight_and_equals_the_theorem(mu, L, h):
    # one GD step: the theorem's factor sqrt(1 - 2 h mu + h^2 L^2) is attained by mu I + sqrt(L^2 - mu^2) J
    t = pep.tight_rate("gd", h, mu, L)
    closed = math.sqrt(1 - 2 * h * mu + h * h * L * L)
    assert t == pytest.approx(closed, rel=1e-6, abs=1e-9)
    A = np.array([[mu, math.sqrt(L * L - mu * mu)], [-math.sqrt(L * L - mu * mu), mu]])
    assert np.linalg.norm(iteration_matrix("gd", A, h), 2) == pytest.approx(closed, rel=1e-12, abs=0)


# ----------------------------------------------------------------------------- measured <= tight <= theorem
def _random_class_operator(rng, n, mu, L):
    """A linear operator with lambda_min(sym A) = mu and ||A||_2 = L exactly (or as close as the draw allows:
    mu and L are then recomputed, so the operator is in the class (mu, L) it is tested in)."""
    S = rng.standard_normal((n, n))
    S = S - S.T
    P = rng.standard_normal((n, n))
    P = P @ P.T
    A = mu * np.eye(n) + 0.3 * P / np.linalg.norm(P, 2) + S
    A *= L / np.linalg.norm(A, 2)
    return A


@needs_pep
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("method", ["gd", "eg"])
def test_measured_le_tight_le_theorem(method, seed):
    rng = np.random.default_rng(seed)
    A = _random_class_operator(rng, 4, 0.2, 1.0)
    mu = float(np.linalg.eigvalsh((A + A.T) / 2)[0])
    L = float(np.linalg.norm(A, 2))
    assert mu > 0
    h = {"gd": mu / L**2, "eg": 1 / (4 * L)}[method] * (0.5 + rng.random())
    thm = theoretical_bound(method, h, mu, L)
    tight = pep.tight_rate(method, h, mu, L)
    M = iteration_matrix(method, A, h)
    one_step = np.linalg.norm(M, 2)                          # worst start for this operator
    rho = float(np.max(np.abs(np.linalg.eigvals(M))))        # asymptotic rate for this operator
    assert rho <= one_step * (1 + 1e-12)
    assert one_step <= tight * (1 + 1e-12)                   # the PEP is a sup over the class (an upper bound)
    if thm.factor is not None:                               # where the theorem's conditions hold
        assert tight <= thm.factor * (1 + 1e-6) + 1e-9


@needs_pep
def test_measured_le_tight_on_a_compiled_game():
    """measured (gandynamics.simulate on the quadratic game, in the class with mu = min(a, c), L = ||DF||)
    <= tight <= theorem, for gd and eg at the theorem's steps."""
    from gandynamics import VectorField, games
    from gandynamics.analysis.rates import measured_rate, theory_step
    fld = VectorField(games.quadratic(a=0.3, b=1.0, c=0.5))
    A = fld.eval_DF(np.zeros(2))
    mu, L = 0.3, float(np.linalg.norm(A, 2))
    assert float(np.linalg.eigvalsh((A + A.T) / 2)[0]) == pytest.approx(mu, rel=1e-12, abs=1e-12)
    for m in ("gd", "eg"):
        h = theory_step(m, mu, L)
        tr = measured_rate(fld, m, h, [0.7, -0.4], steps=400)
        tight = pep.tight_rate(m, h, mu, L)
        d = tr.distance
        assert len(d) > 100 and not tr.diverged
        assert tr.rate <= tight * (1 + 1e-9)
        # every single step, not only the fitted rate (while the distance is above rounding)
        big = d[:-1] > 1e-12
        assert np.all(d[1:][big] <= tight * d[:-1][big] * (1 + 1e-9))
        assert tight <= theoretical_bound(m, h, mu, L).factor * (1 + 1e-6)


@needs_pep
@pytest.mark.parametrize("method", ["eftp", "ogda"])
def test_single_call_methods_n_step_worst_case_bounds_every_operator(method):
    mu, L, h, n = 0.1, 1.0, 0.25, 6
    t = pep.tight_rate(method, h, mu, L, n=n)
    rng = np.random.default_rng(1)
    worst = 0.0
    for _ in range(40):
        A = _random_class_operator(rng, 3, mu, L)
        m_, L_ = float(np.linalg.eigvalsh((A + A.T) / 2)[0]), float(np.linalg.norm(A, 2))
        if m_ < mu or L_ > L * (1 + 1e-12):
            continue
        M = iteration_matrix("eftp", A, h)                   # state (z_k, w_{k-1})
        Mn = np.linalg.matrix_power(M, n)
        E = np.vstack([np.eye(3), np.eye(3)])                # w_{-1} = z_0
        if method == "eftp":
            P = np.hstack([np.eye(3), np.zeros((3, 3))])     # z_n
        else:                                                # w_n = z_n - h A w_{n-1}
            P = np.hstack([np.eye(3), -h * A])
        worst = max(worst, np.linalg.norm(P @ Mn @ E, 2) ** (1 / n))
    assert 0.9 < worst <= t * (1 + 1e-12)
    # the worst case over n = 6 steps stays below the theorem's asymptotic factor sqrt(1 - h mu) here
    assert t <= theoretical_bound(method, h, mu, L).factor


# ----------------------------------------------------------------------------- errors and the rates column
@needs_pep
def test_bad_arguments_raise():
    with pytest.raises(GandynamicsError, match="accepted: gd, eg, eftp, ogda, proximal"):
        pep.tight_rate("altgd", 0.1, 0.1, 1.0)
    with pytest.raises(GandynamicsError, match="step"):
        pep.tight_rate("gd", -1, 0.1, 1.0)
    with pytest.raises(GandynamicsError, match="L >= mu"):
        pep.tight_rate("gd", 0.1, 2.0, 1.0)
    with pytest.raises(GandynamicsError, match="finite Lipschitz"):
        pep.tight_rate("eg", 0.1, 0.1, math.inf)


@needs_pep
def test_tight_rate_column():
    rows = [{"method": "gd", "step": 0.1}, {"method": "altgd", "step": 0.1}, {"method": "eg", "step": None}]
    col = pep.tight_rate_column(rows, 0.1, 1.0)
    assert col[0] == pytest.approx(math.sqrt(1 - 0.02 + 0.01), rel=1e-6, abs=1e-9)
    assert col[1].startswith("n/a") and col[2].startswith("n/a")
    assert all(isinstance(c, str) for c in pep.tight_rate_column(rows, 0.0, 1.0))


def test_missing_pepit_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "PEPit", None)          # import PEPit -> ImportError
    assert not pep.available()
    with pytest.raises(GandynamicsError, match=r'pip install -e "\.\[pep\]"'):
        pep.tight_rate("gd", 0.1, 0.1, 1.0)
    assert pep.tight_rate_column([{"method": "gd", "step": 0.1}], 0.1, 1.0) == [pep.INSTALL_HINT]


@needs_pep
def test_eftp_asymptotic_rates_of_the_class_stay_below_the_8_step_worst_case():
    """Observed (not a theorem for finite n): the exact local rate of EFTP (rates.local_rate) on 400 sampled
    2x2 operators of the class (mu = 0.1, L = 1) stays below tight_rate(n = 8) < the theorem's factor."""
    from gandynamics.analysis.rates import local_rate
    mu, L, h = 0.1, 1.0, 0.25
    t = pep.tight_rate("eftp", h, mu, L, n=8)
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(400):
        S = rng.standard_normal((2, 2))
        P = rng.standard_normal((2, 2))
        A = rng.random() * (S - S.T) + rng.random() * P @ P.T / np.linalg.norm(P @ P.T, 2)
        A *= L / np.linalg.norm(A, 2)
        m = np.linalg.eigvalsh((A + A.T) / 2)[0]
        if m < mu:
            A = A + (mu - m) * np.eye(2)
            A *= L / np.linalg.norm(A, 2)
        if np.linalg.eigvalsh((A + A.T) / 2)[0] < mu - 1e-12:
            continue
        worst = max(worst, local_rate("eftp", A, h))
    assert 0.97 < worst <= t <= theoretical_bound("eftp", h, mu, L).factor


# ----------------------------------------------------------------------------- an upper bound at every scale
@pytest.mark.slow  # a long generator (7-13 s on the 2-core Zen 3 machine); CI runs it with -m slow
@needs_pep
@settings(max_examples=80, deadline=None)
@given(logL=st.floats(-6, 6), logratio=st.floats(-8, 0), frac=st.floats(0.01, 1.99), logh=st.floats(-3, 3))
def test_tight_is_an_upper_bound_on_the_exact_worst_case_at_every_scale(logL, logratio, frac, logh):
    """Where the worst case is known exactly, the PEP value must not fall below it (it is used as a guarantee:
    measured <= tight): one gd step, ``sqrt(1 - 2 h mu + h^2 L^2)``, attained by ``mu I + sqrt(L^2 - mu^2) J``
    (its iteration matrix's norm, computed here); the proximal point on mu-strongly monotone operators,
    ``1/(1 + h mu)``, attained by ``mu I``.  Before the problem was scaled and the solver's accuracy added, the
    value fell below them (by 1.5e-9 at L = 1e6, mu = 1, h = mu/L^2; by up to 8e-10 in tau at unit scale);
    it stays within the slack of them (in tau)."""
    L = 10.0**logL
    mu = L * 10.0**logratio
    h = frac * mu / L**2
    b = math.sqrt(max(L * L - mu * mu, 0.0))
    exact = np.linalg.norm(iteration_matrix("gd", np.array([[mu, b], [-b, mu]]), h), 2)
    t = pep.tight_rate("gd", h, mu, L)
    assert exact <= t and t * t <= exact * exact + 2 * pep.MAX_SLACK
    hp = 10.0**logh / mu
    tp = pep.tight_rate("proximal", hp, mu, math.inf)
    assert 1 / (1 + hp * mu) <= tp and tp * tp <= (1 / (1 + hp * mu)) ** 2 + 2 * pep.MAX_SLACK


@needs_pep
def test_an_inaccurate_solve_is_not_taken_as_a_bound():
    """Clarabel solved the proximal PEP at ``h mu = 774.69`` scaled by ``s = mu`` only to 'optimal_inaccurate', 22 %
    below ``1/(1 + h mu)`` (the example hypothesis found); that status is not taken: the balanced scale
    ``sqrt(mu/h)`` is solved first, the next tolerance and scale tried, the value above the exact one."""
    hp = 774.6890275301417
    assert pep.tight_rate("proximal", hp, 1.0, math.inf) >= 1 / (1 + hp)


@needs_pep
def test_with_no_optimal_solve_the_value_comes_with_a_warning(monkeypatch):
    from gandynamics.errors import GandynamicsWarning
    calls = []

    def inaccurate(*args):
        calls.append(args[-1])
        return 0.25, "optimal_inaccurate"
    monkeypatch.setattr(pep, "_solve", inaccurate)
    with pytest.warns(GandynamicsWarning, match="optimal_inaccurate"):
        tau = pep.worst_case("gd", 0.1, 0.5, 1.0)
    # every tolerance at every scale tried (gd at (0.1, 0.5, 1): s = L, sqrt(mu/h), mu, 1/h) before the warned value
    assert tau == 0.25 + pep.MAX_SLACK
    assert len(calls) == len(pep._SOLVER_OPTIONS["CLARABEL"]) * len(pep._unit_scales(0.1, 0.5, 1.0)) == 12


@needs_pep
def test_a_solver_whose_accuracy_is_not_measured_comes_with_a_warning():
    """SCS stops at 1e-4 by default: its value plus the slack measured for Clarabel is no guaranteed bound, and says
    so; the default is Clarabel, whose accuracy is measured."""
    import cvxpy
    from gandynamics.errors import GandynamicsWarning
    assert pep._default_solver(cvxpy) == "CLARABEL"
    if "SCS" not in cvxpy.installed_solvers():
        pytest.skip("SCS is not installed")
    with pytest.warns(GandynamicsWarning, match="not measured"):
        pep.worst_case("gd", 0.1, 0.5, 1.0, solver="SCS")


@needs_pep
def test_a_solver_failure_at_one_tolerance_and_scale_tries_the_next(monkeypatch):
    """Clarabel fails outright on some PEPs at some tolerances (proximal, h = 140.568, mu = 0.21788, L = 1, n = 8
    failed at every tolerance at the scale s = L): the failure is one attempt, not the end of the ladder."""
    from gandynamics.errors import GandynamicsError
    real, calls = pep._solve, []

    def flaky(*args):
        calls.append(args[1:4])
        if len(calls) < 4:
            raise GandynamicsError("the SDP solver CLARABEL failed on the gd PEP: Solver 'CLARABEL' failed")
        return real(*args)
    monkeypatch.setattr(pep, "_solve", flaky)
    tau = pep.worst_case("gd", 0.1, 0.5, 1.0)
    assert len(calls) == 4 and calls[3][0] != calls[0][0]  # the fourth attempt is at another scale
    assert 1 - 2 * 0.1 * 0.5 + 0.01 <= tau <= 1 - 2 * 0.1 * 0.5 + 0.01 + pep.MAX_SLACK
    monkeypatch.setattr(pep, "_solve", lambda *a: (_ for _ in ()).throw(GandynamicsError("solver failed")))
    with pytest.raises(GandynamicsError, match="every other tolerance and scale"):
        pep.worst_case("gd", 0.1, 0.5, 1.0)


@needs_pep
def test_the_tight_column_shows_no_unguaranteed_value(monkeypatch):
    """A value worst_case warns about (no 'optimal' solve) is not an entry of the rates --tight column, which is
    read as guarantees (reproduce compares measured <= tight): it is 'n/a: not guaranteed (...)'."""
    monkeypatch.setattr(pep, "_solve", lambda *a: (0.25, "optimal_inaccurate"))
    col = pep.tight_rate_column([{"method": "gd", "step": 0.1}], 0.5, 1.0)
    assert isinstance(col[0], str) and col[0].startswith("n/a: not guaranteed")
