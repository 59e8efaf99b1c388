r"""Tight worst-case rates by performance estimation (PEP) with PEPit.

For a method, a step ``h`` and constants ``(mu, L)``, the worst case of the method over *every*
``mu``-strongly monotone, ``L``-Lipschitz operator F is a semidefinite program over the Gram matrix of the
iterates and the operator values (Drori & Teboulle 2014; Taylor, Hendrickx & Glineur 2017; Ryu, Taylor,
Bergeling & Giselsson 2020); PEPit (Goujaud, Moucer, Glineur, Hendrickx, Taylor & Dieuleveut 2024) builds
and solves it.  The mathematics is in docs/math/basin-and-pep.md §2.

Quantity (consistent with :func:`gandynamics.analysis.rates.theoretical_bound`, which reports per-step
contraction factors of the *distance*):

* ``gd``, ``eg``, ``proximal`` (proximal point, implicit step ``z+ = (I + hF)^{-1} z``): the worst case of
  ``||z_1 - z*|| / ||z_0 - z*||`` over one iteration — the per-step contraction factor of the distance
  (the square root of the SDP's value, which is the factor of the squared distance).
* ``eftp`` and ``ogda``: the state is ``(z_k, w_{k-1})``, so a one-step factor of ``||z - z*||`` alone does
  not exist.  ``tight_rate`` returns ``tau(n)^(1/(2n))``, ``tau(n) = sup ||z_n - z*||^2 / ||z_0 - z*||^2``
  after ``n`` iterations started at ``w_{-1} = z_0`` (eftp measures ``z``, ogda — the ``w``-sequence of eftp,
  docs/mathematics.md §5.3 — measures ``w``): the worst average per-step factor of the distance over ``n``
  steps.  It includes the transient of the worst start, so it decreases towards the asymptotic worst rate
  as ``n`` grows.

The operator class is PEPit's ``LipschitzStronglyMonotoneOperatorCheap`` (pairwise
``<F z - F z', z - z'> >= mu ||z - z'||^2`` and ``||F z - F z'|| <= L ||z - z'||``), or ``"expensive"``
(the stronger conditions of Rubbens, Hendrickx & Taylor 2025).  These conditions are necessary for
membership of the class but not known to be sufficient for interpolation beyond two points, so the value
is an upper bound on the worst case (the SDP dual), tight whenever the conditions interpolate
(gd: two points z_0, z*; the gd value equals the closed form ``sqrt(1 - 2 h mu + h^2 L^2)``, tested).  The
SDP is solved at unit scale (``L = 1``) and :data:`SOLVER_SLACK` is added to its value: the dual value of an SDP
solved to finite accuracy can fall below the supremum (a ``measured <= tight`` that failed by ~1e-9).

PEPit and an SDP solver are an optional extra: ``pip install -e ".[pep]"`` from the project's directory;
without them :func:`tight_rate` raises :class:`~gandynamics.errors.GandynamicsError` naming the extra.
"""

from __future__ import annotations

import math
import warnings

from ..errors import GandynamicsError, GandynamicsWarning, choice_refusal, install_hint

__all__ = ["PEP_METHODS", "INSTALL_HINT", "available", "worst_case", "tight_rate", "tight_rate_column"]

#: the methods :func:`tight_rate` knows
PEP_METHODS = ("gd", "eg", "eftp", "ogda", "proximal")
#: what to install when PEPit is missing
INSTALL_HINT = f"PEPit is not installed: {install_hint('pep')}, which installs pepit, cvxpy and the Clarabel SDP solver"
_MEASURES = ("distance", "consecutive")
#: added to the solver's value of ``tau`` (at unit scale, ``||z_0 - z*|| <= 1``) so that the result is an upper bound:
#: the dual value of an SDP solved to a finite accuracy can fall below the supremum.  Measured against the exact
#: one-step gd value ``1 - 2 h mu + h^2 L^2`` (attained by ``mu I + sqrt(L^2 - mu^2) J``) over 80 random ``(h, mu, L)``:
#: undershoots up to 8.3e-10 with Clarabel's default tolerances (1e-8), 1.7e-10 with the 1e-10 of
#: :data:`_SOLVER_OPTIONS`; the 8-step eftp/ogda values moved by up to 3.8e-11 when solved to 1e-13.  2e-9 covers them
#: with a factor above 10 (on the rate: ``sqrt(tau + 2e-9)``, at most 4.5e-5 above it where ``tau -> 0``).
SOLVER_SLACK = 2e-9
#: tolerances passed to the solver, tried in turn until it reports the status "optimal", each with the slack added to
#: its value (Clarabel's defaults are 1e-8).  Measured against the exact one-step gd and proximal values over scales
#: (tests/test_pep.py): every "optimal" value at 1e-10 or 1e-9 was within 1e-9 of the exact worst case (so
#: :data:`SOLVER_SLACK`); at 1e-8 one fell 8.4e-8 below it (proximal, ``h mu = 3000`` scaled by ``s = 1/h``), so a value
#: taken at 1e-8 carries 100 times the slack.  Multi-step PEPs (eftp, ogda, the proximal point's n steps) often end
#: "optimal_inaccurate" at 1e-9 and "optimal" at 1e-8.
_SOLVER_OPTIONS = {"CLARABEL": (({"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}, SOLVER_SLACK),
                                ({"tol_gap_abs": 1e-9, "tol_gap_rel": 1e-9, "tol_feas": 1e-9}, SOLVER_SLACK),
                                ({}, 100 * SOLVER_SLACK))}
#: the largest slack any value carries
MAX_SLACK = 100 * SOLVER_SLACK


def available() -> bool:
    """True when PEPit and cvxpy import."""
    try:
        import cvxpy  # noqa: F401
        import PEPit  # noqa: F401
    except ImportError:
        return False
    return True


def _require():
    try:
        import cvxpy
        import PEPit  # noqa: F401
    except ImportError:
        raise GandynamicsError(INSTALL_HINT) from None
    return cvxpy


def _default_solver(cvxpy):
    inst = cvxpy.installed_solvers()
    for s in ("CLARABEL", "MOSEK", "SCS"):  # Clarabel first: the one whose accuracy is measured (_SOLVER_OPTIONS)
        if s in inst:
            return s
    raise GandynamicsError(f"no SDP solver for cvxpy is installed (found {', '.join(inst)}): {install_hint('pep')}, "
                           "which installs the Clarabel SDP solver")


def _check(method, step, mu, L, n):
    if method not in PEP_METHODS:
        raise GandynamicsError(f"unknown method {method!r} for the performance estimation; accepted: "
                               f"{', '.join(PEP_METHODS)}")
    try:
        step, mu, L = float(step), float(mu), float(L)
    except (TypeError, ValueError):
        raise GandynamicsError(f"step, mu and L must be numbers, got {step!r}, {mu!r}, {L!r}") from None
    if not (math.isfinite(step) and step > 0):
        raise GandynamicsError(f"the step must be a positive finite number, got {step!r}")
    if not (math.isfinite(mu) and mu >= 0):
        raise GandynamicsError(f"mu must be a finite number >= 0, got {mu!r}")
    if not (L > 0 and (L >= mu)):
        raise GandynamicsError(f"L must satisfy L >= mu and L > 0 (L = inf: no Lipschitz bound, proximal only), "
                               f"got L = {L!r}, mu = {mu!r}")
    if math.isinf(L) and method != "proximal":
        raise GandynamicsError(f"{method} needs a finite Lipschitz constant L (only the proximal point method "
                               "runs on merely (strongly) monotone operators)")
    from ..validate import whole
    n = whole(n, "the number of iterations n")
    return step, mu, L


def _unit_scales(step: float, mu: float, L: float) -> list:
    """The same problem at unit scale, in the order tried: ``F`` is in the class ``(mu, L)`` iff ``G = F / s`` is in
    ``(mu/s, L/s)``, and ``z - h F(z) = z - (h s) G(z)``, ``(I + h F)^{-1} = (I + h s G)^{-1}``, so every iterate and
    ``tau`` are the same with ``(h s, mu/s, L/s)``.  In the order tried: ``s = L`` (finite), ``s = sqrt(mu/h)``
    (``h s = mu/s = sqrt(h mu)``), ``s = mu`` (for ``mu > 0``), ``s = 1/h`` (on monotone operators without ``L``
    the only one: ``h F`` is monotone, ``tau`` does not depend on ``h``).  The SDP solver's tolerances are
    absolute: at ``L = 1e6, mu = 1`` the unscaled gd value fell 1.5e-9 *below* the exact worst case
    ``sqrt(1 - 2 h mu + h^2 L^2)``; the proximal value at ``h mu = 774.7`` scaled by ``s = mu`` was solved only
    inaccurately, 22 % below ``1/(1 + h mu)`` (by ``sqrt(mu/h)``: optimal, within the slack)."""
    scales = ([L] if math.isfinite(L) else []) + ([math.sqrt(mu / step), mu] if mu > 0 else []) + [1.0 / step]
    out = []
    for sc in scales:  # the first is the usual one; the others are tried when the solver fails or is inaccurate there
        t = (step * sc, mu / sc, L / sc)
        if t not in out:
            out.append(t)
    return out


def worst_case(method: str, step: float, mu: float, L: float, n: int = 1, measure: str = "distance",
               constrained: bool = False, operator: str = "cheap", solver: str | None = None) -> float:
    r"""The PEP value ``tau`` with ``perf(z_n) <= tau ||z_0 - z*||^2`` for every operator of the class.

    Parameters
    ----------
    method : {"gd", "eg", "eftp", "ogda", "proximal"}
        gd ``z+ = z - h F(z)``; eg ``w = z - h F(z)``, ``z+ = z - h F(w)``; eftp ``w_k = z_k - h F(w_{k-1})``,
        ``z_{k+1} = z_k - h F(w_k)`` with ``w_{-1} = z_0``; ogda ``w_k = P[z_k - h F(w_{k-1})]``,
        ``z_{k+1} = w_k + h (F(w_{k-1}) - F(w_k))`` measured on ``w`` (unconstrained: the ``w``-sequence of
        eftp, i.e. OGDA ``w_{k+1} = w_k - 2h F(w_k) + h F(w_{k-1})``; constrained: the optimistic gradient
        method of Gorbunov, Taylor & Gidel 2022, as in PEPit's ``optimistic_gradient`` example);
        proximal ``z+ = (I + h F)^{-1} z`` (docs/mathematics.md §0.4; docs/math/basin-and-pep.md §2).
    step : float             the step ``h > 0``
    mu, L : float            the class: ``mu >= 0`` strong monotonicity, ``L`` Lipschitz (``inf`` only for
                             proximal: then the class is the (strongly) monotone operators)
    n : int                  iterations
    measure : {"distance", "consecutive"}
        ``||z_n - z*||^2`` or ``||z_n - z_{n-1}||^2`` (the measure of PEPit's monotone examples).
    constrained : bool
        Add a closed convex set C (a convex indicator) and project every update onto it, as in PEPit's
        ``past_extragradient``/``optimistic_gradient`` examples (variational inequality over C).
    operator : {"cheap", "expensive"}  PEPit's class of Lipschitz strongly monotone operators
    solver : str, optional   a cvxpy solver name (default CLARABEL, else MOSEK, else SCS); a value from a solver other
                             than CLARABEL comes with a warning: its accuracy is not measured here

    Returns
    -------
    float
        The dual value of the SDP plus the slack of the tolerance it was solved to (:data:`SOLVER_SLACK`, or 100
        times it at the solver's default tolerance; :data:`_SOLVER_OPTIONS`): an upper bound on the worst case,
        within :data:`MAX_SLACK` of it when the class's conditions interpolate.  The SDP is solved at unit
        scale (``L = 1``; :func:`_unit_scales`): ``tau`` depends on ``(h L, mu / L)`` only; a solution the solver
        reports as inaccurate is no bound: the next tolerance and scale are tried; with none "optimal", the first
        inaccurate value plus :data:`MAX_SLACK` is returned with a :class:`~gandynamics.errors.GandynamicsWarning`
        (Clarabel ends PEPit's published eftp example and the 10-step proximal point there).

    Raises
    ------
    GandynamicsError
        PEPit or a solver missing (names the ``[pep]`` extra), bad arguments, or the solver failing.
    """
    cvxpy = _require()
    step, mu, L = _check(method, step, mu, L, n)
    if measure not in _MEASURES:
        raise GandynamicsError(choice_refusal(measure, "measure", _MEASURES))
    if operator not in ("cheap", "expensive"):
        raise GandynamicsError(choice_refusal(operator, "operator", ("cheap", "expensive")))
    if constrained and method == "proximal":
        raise GandynamicsError("constrained=True is for the explicit methods (gd, eg, eftp, ogda)")
    s = solver or _default_solver(cvxpy)
    if s not in _SOLVER_OPTIONS:  # a solver whose accuracy was never measured here (SCS stops at 1e-4 by default)
        step, mu, L = _unit_scales(step, mu, L)[0]
        tau, status = _solve(method, step, mu, L, n, measure, constrained, operator, s, {})
        return _not_guaranteed(tau, f"the accuracy of the SDP solver {s} is not measured by gandynamics (status "
                                    f"{status})", "; the default solver is CLARABEL")
    first = None  # the first value of a solve the solver reported as inaccurate
    failed = []  # the solver's own failures (Clarabel's InsufficientProgress at a tolerance): the next one is tried
    for step, mu, L in _unit_scales(step, mu, L):
        for opts, slack in _SOLVER_OPTIONS[s]:
            try:
                tau, status = _solve(method, step, mu, L, n, measure, constrained, operator, s, opts)
            except GandynamicsError as exc:
                failed.append(str(exc))
                continue
            if status == "optimal":
                return max(float(tau), 0.0) + slack
            if first is None:
                first = (tau, status)
    if first is None:
        raise GandynamicsError(f"{failed[0]} (and at every other tolerance and scale tried)")
    return _not_guaranteed(first[0], f"the SDP solver {s} solved the {method} PEP only to status {first[1]} at every "
                                     "tolerance and scale tried")


def _not_guaranteed(tau: float, why: str, then: str = "") -> float:
    """``tau`` plus :data:`MAX_SLACK`, with a :class:`~gandynamics.errors.GandynamicsWarning` saying ``why`` it is not
    guaranteed to bound the worst case (``tight_rate_column`` turns such a value into ``n/a: not guaranteed``)."""
    warnings.warn(f"{why}: its value (plus {MAX_SLACK:zg}) is not guaranteed to bound the worst case{then}",
                  GandynamicsWarning, stacklevel=3)
    return max(float(tau), 0.0) + MAX_SLACK


def _solve(method, step, mu, L, n, measure, constrained, operator, s, opts):
    """The PEP of :func:`worst_case` at the given (unit) scale, solved by ``s`` with options ``opts``: ``(tau,
    status)``, the status cvxpy's."""
    from PEPit import PEP
    from PEPit.functions import ConvexIndicatorFunction
    from PEPit.operators import (LipschitzStronglyMonotoneOperatorCheap, LipschitzStronglyMonotoneOperatorExpensive,
                                 MonotoneOperator, StronglyMonotoneOperator)
    from PEPit.primitive_steps import proximal_step

    problem = PEP()
    if math.isinf(L):
        F = (problem.declare_function(StronglyMonotoneOperator, mu=mu) if mu > 0
             else problem.declare_function(MonotoneOperator))
    else:
        cls = LipschitzStronglyMonotoneOperatorCheap if operator == "cheap" else LipschitzStronglyMonotoneOperatorExpensive
        F = problem.declare_function(cls, mu=mu, L=L)
    if constrained:
        C = problem.declare_function(ConvexIndicatorFunction)
        xs = (F + C).stationary_point()
        proj = lambda y: proximal_step(y, C, step)[0]
    else:
        xs = F.stationary_point()
        proj = lambda y: y
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - xs) ** 2 <= 1)

    x = x0
    prev = None
    if method in ("eftp", "ogda"):
        x = proj(x0)                 # z_0 <- P[z_0] and w_{-1} = z_0 (as in PEPit's examples)
        w = x
        V = F.gradient(w)
        for _ in range(n):
            w_prev, x_prev, V_prev = w, x, V
            w = proj(x - step * V)     # w_k = P[z_k - h F(w_{k-1})]
            V = F.gradient(w)
            if method == "eftp":
                x = proj(x - step * V)                 # z_{k+1} = P[z_k - h F(w_k)]
            else:
                x = w + step * (V_prev - V)            # optimistic form: z_{k+1} = w_k + h (F(w_{k-1}) - F(w_k))
            prev = w_prev if method == "ogda" else x_prev
        out = w if method == "ogda" else x
    else:
        for _ in range(n):
            prev = x
            if method == "gd":
                x = proj(x - step * F.gradient(x))
            elif method == "eg":
                w = proj(x - step * F.gradient(x))
                x = proj(x - step * F.gradient(w))
            else:  # proximal point
                x, _, _ = proximal_step(x, F, step)
        out = x
    problem.set_performance_metric((out - xs) ** 2 if measure == "distance" else (out - prev) ** 2)
    try:
        with warnings.catch_warnings():  # "Solution may be inaccurate": the status says it, and it is not taken
            warnings.simplefilter("ignore", UserWarning)
            tau = problem.solve(wrapper="cvxpy", solver=s, verbose=0, **opts)
    except Exception as exc:  # the solver's own failure, reported in one line
        raise GandynamicsError(f"the SDP solver {s} failed on the {method} PEP: {exc}") from None
    if tau is None or not math.isfinite(float(tau)):
        raise GandynamicsError(f"the SDP solver {s} returned no finite value for the {method} PEP")
    return float(tau), str(problem.wrapper.prob.status)


def tight_rate(method: str, step: float, mu: float, L: float, n: int | None = None, operator: str = "cheap",
               solver: str | None = None) -> float:
    r"""The worst-case per-step contraction factor of the distance ``||z_k - z*||`` over every
    ``mu``-strongly monotone, ``L``-Lipschitz operator (module docstring).

    gd, eg, proximal: ``sqrt(tau)`` of one iteration (``n`` must be 1 or None).  eftp, ogda:
    ``tau(n)^(1/(2n))`` over ``n`` iterations (default ``n = 8``), started at ``w_{-1} = z_0``.

    Compare with :func:`gandynamics.analysis.rates.theoretical_bound` (same quantity: a factor on the
    distance per step).  Where the theorem holds, ``measured <= tight_rate <= theorem`` for gd, eg and
    proximal (tests/test_pep.py); for eftp/ogda the finite-``n`` value carries the transient of the worst
    start and may exceed the asymptotic theorem factor for small ``n`` (docs/math/basin-and-pep.md §2.3).

    Raises
    ------
    GandynamicsError
        PEPit missing (``pip install -e ".[pep]"`` from the project's directory), or bad arguments.
    """
    _require()
    if method in ("eftp", "ogda"):
        n = 8 if n is None else n
    elif n not in (None, 1):
        raise GandynamicsError(f"{method}: tight_rate is the one-step factor (n = 1); use worst_case for n steps")
    else:
        n = 1
    tau = worst_case(method, step, mu, L, n=n, operator=operator, solver=solver)
    return tau ** (1.0 / (2 * n))


def tight_rate_column(rows, mu: float, L: float, n: int | None = None, solver: str | None = None) -> list:
    r"""The ``rates --tight`` column: for each row (a :class:`~gandynamics.analysis.rates.RateRow` or a dict
    with ``method`` and ``step``) the tight worst-case factor, or a string saying why there is none.

    Returns a list, one entry per row: a float, ``"n/a: <reason>"`` (no PEP for the method, no step,
    ``mu <= 0`` / infinite L: no linear worst case, or a value :func:`worst_case` warned is not guaranteed), or :data:`INSTALL_HINT` (in every entry) when PEPit is
    missing — so the column says how to get it and nothing else changes.
    """
    get = lambda r, k: r.get(k) if isinstance(r, dict) else getattr(r, k, None)
    if not available():
        return [INSTALL_HINT for _ in rows]
    out = []
    for r in rows:
        m, h = get(r, "method"), get(r, "step")
        if m not in PEP_METHODS:
            out.append(f"n/a: no performance estimation for {m}")
        elif h is None:
            out.append("n/a: no step")
        elif not (mu is not None and mu > 0 and L is not None and math.isfinite(L)):
            out.append("n/a: needs mu > 0 and a finite L")
        else:
            try:
                with warnings.catch_warnings(record=True) as caught:  # a value the solver did not certify is no
                    warnings.simplefilter("always", GandynamicsWarning)  # entry of a column read as guarantees
                    t = tight_rate(m, h, mu, L, n=n if m in ("eftp", "ogda") else None, solver=solver)
                bad = [w for w in caught if issubclass(w.category, GandynamicsWarning)]
                out.append(f"n/a: not guaranteed ({str(bad[0].message).split(':')[0]})" if bad else t)
            except GandynamicsError as exc:
                out.append(f"n/a: {exc}")
    return out
