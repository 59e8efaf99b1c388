r"""Periodic orbits: limit cycles of the flow by shooting, cycles born at a Hopf point, and period-k
orbits of a discrete method's map, with their Floquet multipliers (docs/math/bifurcations.md §4).

**Shooting** (flow ``z' = v(z) = -F(z)``): the unknowns are a point ``x0`` of the cycle and its period
``T``; the equations are ``phi_T(x0) - x0 = 0`` and the phase condition ``<v(x_ref), x0 - x_ref> = 0``
(``x0`` on the hyperplane through the previous guess normal to the flow there).  Newton's matrix is
``[[M - I, v(phi_T(x0))], [v(x_ref)^T, 0]]`` with the monodromy matrix ``M = D_x phi_T(x0)`` integrated
with the variational equation ``Phi' = Dv(z(t)) Phi`` (scipy's DOP853 with the compiled F and DF).  The
eigenvalues of M are the **Floquet multipliers**; one is 1 (the direction of the flow); the cycle is
orbitally stable when the others lie inside the unit circle.  Shooting starts from the start's *return* (where its
orbit comes back nearest it between half and twice the guess); a start that is not nearly closed is first relaxed
onto the attractor by following its orbit (:func:`limit_cycle`).

**From a Hopf point** the normal form predicts the cycle at a parameter ``a`` near ``a_H``: with the
eigenvalue ``alpha(a) + i omega(a)`` of J at the equilibrium there and ``c1`` of
:func:`~gandynamics.analysis.continuation.first_lyapunov_coefficient`, ``|w|^2 = -alpha / Re c1``, the
orbit ``x(t) ~ z*(a) + 2 Re(w q e^{i t (omega + Im c1 |w|^2)})`` (Kuznetsov 2004, §3.5), hence the
predicted amplitude ``2 |w| s_max([Re q, Im q])`` and period ``2 pi / (omega + Im c1 |w|^2)``; shooting
starts from that prediction and the cycle is then continued in the parameter (secant predictor).

**Maps**: a period-k orbit of the map G of a method is a zero of ``G^k(x) - x`` (Newton with the chain
rule of G's exact Jacobians); its multipliers are the eigenvalues of ``DG(x_{k-1}) ... DG(x_0)``.
"""

from __future__ import annotations

import math
from dataclasses import field as dfield

import numpy as np
from scipy.integrate import solve_ivp

from ..errors import GandynamicsError
from ..methods import METHODS
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

#: Newton's matrix counts as singular where its smallest singular value is below this times its largest: a double
#: Floquet multiplier 1 is a Jordan block, which integration errors e split into 1 +- sqrt(e), leaving singular
#: values near sqrt(e) ~ 1e-6 (DOP853 at rtol 1e-12); a hyperbolic cycle's smallest is of the order of its
#: distance from 1 of the nearest nontrivial multiplier times the flow's speed
SINGULAR_RTOL = 1e-5

#: a periodic orbit with two Floquet multipliers within this distance of 1 is reported as not isolated
NOT_ISOLATED_TOL = 1e-4

__all__ = ["Cycle", "MapCycle", "limit_cycle", "estimate_period", "hopf_prediction", "cycle_from_hopf",
           "continue_cycle", "CycleBranch", "method_map", "map_cycle"]


@dataclass
class Cycle:
    """A limit cycle of the flow.

    Attributes
    ----------
    period : float
    point : ndarray (n,)          a point of the cycle (on the phase section)
    orbit : ndarray (m, n)        the cycle sampled at m equally spaced times over one period
    multipliers : ndarray (n,)    Floquet multipliers (eigenvalues of the monodromy matrix), complex
    stable : bool                 all multipliers but the trivial one strictly inside the unit circle
    amplitude : float             max_t ||x(t) - center||_2
    center : ndarray (n,)         the equilibrium inside (when known) or the orbit's mean
    residual : float              ||phi_T(x0) - x0||
    params : dict                 hyperparameter values
    isolated : bool               False when two Floquet multipliers lie within :data:`NOT_ISOLATED_TOL` of 1:
                                  a member of a continuous family of closed orbits (a first integral, as in a
                                  conservative game) or a fold of cycles; such an orbit is never ``stable``
    evaluations : int             the evaluations of the field the shooting made (:data:`MAX_EVALUATIONS` at most)
    """

    period: float
    point: np.ndarray
    orbit: np.ndarray
    multipliers: np.ndarray
    stable: bool
    amplitude: float
    center: np.ndarray
    residual: float
    params: dict = dfield(default_factory=dict)
    isolated: bool = True
    evaluations: int = 0

    @property
    def trivial_index(self) -> int:
        return int(np.argmin(np.abs(self.multipliers - 1)))

    def to_dict(self) -> dict:
        """The cycle as built-in Python values (multipliers as ``[re, im]`` pairs; :mod:`gandynamics.jsonio`)."""
        from ..jsonio import pairs, plain
        return plain({"period": self.period, "point": self.point, "amplitude": self.amplitude, "center": self.center,
                      "multipliers": pairs(self.multipliers), "stable": bool(self.stable),
                      "isolated": bool(self.isolated), "residual": self.residual, "hyperparameters": self.params,
                      "evaluations": int(self.evaluations), "orbit": self.orbit})

    from ..jsonio import as_dict_deprecated as as_dict

    def __repr__(self) -> str:
        from .._display import cycle_text
        return cycle_text(self)

    def _repr_html_(self) -> str:
        from .._display import cycle_html
        return cycle_html(self)


@dataclass
class MapCycle:
    """A period-k orbit of a method's map (state of the method: z, or (z, w) for two-state methods)."""

    method: str
    step: float
    k: int
    points: np.ndarray
    multipliers: np.ndarray
    stable: bool
    residual: float
    params: dict = dfield(default_factory=dict)
    #: the options of the method's map (momentum's ``{"beta": -0.5}``: :func:`gandynamics.analysis.continuation.
    #: map_options`)
    options: dict = dfield(default_factory=dict)

    def to_dict(self) -> dict:
        """The orbit as built-in Python values (multipliers as ``[re, im]`` pairs; :mod:`gandynamics.jsonio`)."""
        from ..jsonio import pairs, plain
        return plain({"method": self.method, "step": self.step, "options": self.options, "period": self.k,
                      "points": self.points,
                      "multipliers": pairs(self.multipliers), "stable": bool(self.stable), "residual": self.residual,
                      "hyperparameters": self.params})

    from ..jsonio import as_dict_deprecated as as_dict

    def __repr__(self) -> str:
        from .._display import map_cycle_text
        return map_cycle_text(self)

    def _repr_html_(self) -> str:
        from .._display import map_cycle_html
        return map_cycle_html(self)


# --------------------------------------------------------------------------- flow
#: evaluations of the field one :func:`limit_cycle` call may make in all, shared by all its integrations (the
#: period-only steps, the Newton steps and the final one: up to ``maxit + 9``) and its other evaluations.  DOP853
#: at the tolerances here takes about 400 per period of a cycle and a call about 15 integrations, so a cycle of a
#: hundred turns takes about 10^6 / 2; beyond, the period guess is far beyond the field's time scale (or the field
#: is stiff) and the call is refused instead of running for hours (``limit_cycle(period=1e308)`` ran on; a budget
#: per integration still let one call take ``maxit + 9`` times this)
MAX_EVALUATIONS = 1_000_000


class _Budget:
    """The evaluations of the field left to one :func:`limit_cycle` call: every evaluation, in or out of an
    integration, is charged with :meth:`charge`, which raises :class:`GandynamicsError` past the budget.  ``closes``:
    ``(point, t, q)`` once the orbit from the start of the shooting is seen to come back to within ``q`` (at most
    :data:`NEARLY_CLOSED`) of its reach after ``t``, between half and twice the guess: the guess then fits the orbit's
    time scale and the message does not blame it."""

    def __init__(self, period_guess: float, limit: int):
        self.period_guess, self.limit, self.used, self.integrations = float(period_guess), int(limit), 0, 0
        self.closes = None

    def charge(self, k: int = 1) -> None:
        self.used += k
        if self.used > self.limit:
            head = (f"limit_cycle from the period guess {self.period_guess:z.6g} took more than {self.limit:,} "
                    f"evaluations of the field (the budget of one call, MAX_EVALUATIONS, shared by its "
                    f"{self.integrations} integrations so far) without converging")
            if self.closes is not None:
                pt, t, q = self.closes
                raise GandynamicsError(
                    f"{head}, though the orbit from {_fmt_point(pt)} comes back to within {q:z.2g} of its reach after "
                    f"t = {t:z.6g}, a time the guess fits (the guess is not the cause): the field is stiff there, or "
                    "Newton's steps do not settle on a cycle from there")
            raise GandynamicsError(
                f"{head}: give a period guess of the cycle's own time scale (e.g. 2 pi / Im lambda at a Hopf point) and "
                "a start near the cycle, or the field is stiff there")


def _integrate(fld, p, x0, T, budget: _Budget, variational=True, dense=False, rtol=1e-11, atol=1e-12):
    """``phi_T(x0)`` (and the monodromy matrix with ``variational``) by DOP853, each evaluation of the field
    charged to ``budget``."""
    m = fld.point_module(calls=fld.SOLVER_CALLS)
    n = fld.n
    budget.integrations += 1

    def rhs(t, y):
        budget.charge()
        z = y[:n]
        v = -m.field(z, p, np.empty(n))
        if not variational:
            return v
        Phi = y[n:n + n * n].reshape(n, n)
        J = -m.jacobian(z, p, np.empty((n, n)))
        # (and log det Phi, by Liouville's formula d/dt log det Phi = tr J: det M to relative precision where it is
        # tiny -- a planar cycle's second multiplier, 1e-27 for Van der Pol at mu = 5, read -1.67e-16 from eig(M))
        return np.concatenate([v, (J @ Phi).ravel(), [np.trace(J)]])

    y0 = np.concatenate([x0, np.eye(n).ravel(), [0.0]]) if variational else np.asarray(x0, float)
    sol = solve_ivp(rhs, (0.0, T), y0, method="DOP853", rtol=rtol, atol=atol, dense_output=dense)
    if not sol.success or not np.all(np.isfinite(sol.y[:, -1])):
        raise GandynamicsError(f"integration over one period failed ({sol.message})")
    yT = sol.y[:, -1]
    M = yT[n:n + n * n].reshape(n, n) if variational else None
    sol.log_det = float(yT[-1]) if variational else math.nan
    return yT[:n], M, sol


def _max_distance(sol, T, c, n) -> float:
    """``max_t ||x(t) - c||`` over one period: the best of 8192 samples, refined by bounded Brent."""
    from scipy.optimize import minimize_scalar
    ts = np.linspace(0.0, T, 8192, endpoint=False)
    d = np.linalg.norm(sol.sol(ts)[:n].T - c, axis=1)
    i = int(np.argmax(d))
    dt = T / 8192
    lo, hi = max(ts[i] - dt, 0.0), min(ts[i] + dt, T)
    r = minimize_scalar(lambda t: -np.linalg.norm(sol.sol(t)[:n] - c), bounds=(lo, hi), method="bounded",
                        options={"xatol": 1e-12 * max(T, 1.0)})
    return float(max(d[i], -r.fun))


def _follow(fun, x0, t_end: float, *, rtol: float, atol: float, go=None, stop=None):
    """DOP853 on ``z' = fun(t, z)`` from ``x0`` toward ``t_end``, step by step (solve_ivp's own steps and dense output),
    while ``go(solver)`` holds before a step and until ``stop(solver)`` holds after one: the one loop of
    :func:`estimate_period`, :func:`_orbit_fate` and :func:`_first_return`, each of which stops it on its own budget.
    Returns ``(ts, pieces, solver, failed)``: the step times from 0, their dense outputs (one per step), the solver
    where it stopped, and the solver's message when a step failed or left the finite numbers (else None; that step
    is not kept)."""
    from scipy.integrate import DOP853
    solver = DOP853(fun, 0.0, np.asarray(x0, float), t_end, rtol=rtol, atol=atol)
    ts, pieces, failed = [0.0], [], None
    while solver.status == "running" and (go is None or go(solver)):
        message = solver.step()
        if solver.status == "failed" or not np.all(np.isfinite(solver.y)):
            failed = message or "the state is not finite"
            break
        ts.append(solver.t)
        pieces.append(solver.dense_output())
        if stop is not None and stop(solver):
            break
    return ts, pieces, solver, failed


def estimate_period(fld, z0, params=None) -> tuple:
    """A period guess for :func:`limit_cycle` from a simulated orbit of the flow: the mean time between upward
    crossings of the mean of the first coordinate, from t = 0 to t = 400 or as far as the budget of one shooting
    call (:data:`MAX_EVALUATIONS` evaluations of the field) takes it, read over the second half of what was reached.
    Returns ``(period, z)``, ``z`` the orbit's last point (a start on the cycle).

    Raises
    ------
    GandynamicsError
        When the orbit leaves the finite numbers, settles at a point, or shows no oscillation (the messages name the
        CLI's --init and --period, its one caller).
    """
    from scipy.integrate import OdeSolution
    p = fld.param_vector(params)
    m = fld.point_module(calls=fld.SOLVER_CALLS)
    n = fld.n
    budget, used = MAX_EVALUATIONS, [0]

    def v(t, y):
        used[0] += 1
        return -m.field(y, p, np.empty(n))

    # solve_ivp's own loop (the same steps and dense output), stopped once the budget is spent: a stiff field took
    # hours to reach t = 400, and a fast cycle (not stiff: omega = 200 turns 12,700 times by t = 400) is resolved
    # well before; the orbit is then read as far as it got (the budget is one field evaluation past a step's)
    T_END = 400.0
    ts, pieces, solver, failed = _follow(v, z0, T_END, rtol=1e-9, atol=1e-11, go=lambda s: used[0] < budget)
    t_end = ts[-1]
    if failed is not None:
        why = f" ({failed})" if solver.status == "failed" and failed else ""
        raise GandynamicsError(f"the orbit from --init did not stay finite up to t = {T_END:zg}{why}; start closer to "
                               "the cycle or give --period")
    if not pieces:  # (a budget below the solver's start-up evaluations)
        raise GandynamicsError(f"estimating the period from --init: the budget of {budget:,} evaluations of the field "
                               "(MAX_EVALUATIONS) ended before the first step; give --period")
    short = t_end < T_END
    sol = OdeSolution(ts, pieces)
    # 40,000 samples, or more when the window holds more steps (a fast cycle: at least 8 samples per step)
    steps_in = int(np.count_nonzero(np.asarray(ts) >= t_end / 2))
    t = np.linspace(t_end / 2, t_end, min(2_000_000, max(40000, 8 * steps_in)))
    zs = sol(t)
    # an orbit that settles at a point has no period: its damped wiggles (down to 1e-40 and below) used to give a
    # "period" and a start at the equilibrium, refused as "the initial point is an equilibrium".  Settled: its
    # wiggles over the second half are below SETTLED of its own size (its largest distance from its end), not of an
    # absolute 1e-8: a 4-parameter game's orbit from (0.5, 0, 0.3, 0) spiralled in to wiggles of 1.5e-8 by t = 200,
    # passed for a cycle, and shooting from its end, 2e-12 from the focus, spent the whole budget (19 s)
    size = float(np.max(np.linalg.norm(sol(np.linspace(0.0, t_end, 4097)).T - zs[:, -1], axis=1)))
    if float(np.max(np.ptp(zs, axis=1))) <= SETTLED * size:
        raise GandynamicsError(f"the orbit from --init settles at the point ({', '.join(f'{v:z.6g}' for v in zs[:, -1])}) "
                               f"by t = {t_end / 2:z.6g}: no limit cycle there (for these hyperparameters); start elsewhere, "
                               "give --period to shoot from --init itself, or start from a Hopf point's prediction, "
                               "--from-hopf NAME=VALUE_H:AT (the cycle born there, at a value AT on its side: "
                               "`gandynamics continue` finds Hopf points)")
    x = zs[0]
    x = x - x.mean()
    up = np.where((x[:-1] < 0) & (x[1:] >= 0))[0]
    if len(up) < 3:
        if short:
            raise GandynamicsError(f"estimating the period from --init: the orbit reached only t = {t_end:z.6g} (of "
                                   f"{T_END:zg}) within the budget of {budget:,} evaluations of the field (MAX_EVALUATIONS), "
                                   "too short to see it oscillate: the field is stiff there; give --period")
        raise GandynamicsError("no oscillation found from --init within t = 400; give --period")
    return float(np.mean(np.diff(t[up]))), sol(t[-1])


#: an orbit settles at a point (:func:`estimate_period`) when its wiggles over the second half of the simulation are
#: below this fraction of its own size (its largest distance from where it ends): a cycle keeps its size
SETTLED = 1e-6


# ----------------------------------------------------------------- what the orbit from a failed start does
#: when shooting fails, :func:`limit_cycle` reads what the orbit from its start does (:func:`_orbit_fate`), following
#: it over this many period guesses (on, while it has made fewer than a tenth of :data:`FATE_EVALUATIONS`: a guess
#: short against the field's own time scale) ...
FATE_PERIODS = 64
#: ... and at most this many evaluations of the field (and half of what is left), taken from the call's own budget
#: (:data:`MAX_EVALUATIONS`)
FATE_EVALUATIONS = 50_000
#: Newton's period beyond this factor of the guess, either way, is a runaway: the orbit is read before the next
#: integration (from a stable focus Newton's period ran to 10^12 times the guess, and the integrations over it spent
#: the whole budget, 55 s on a 4-parameter game, before a message that blamed the guess)
PERIOD_RUNAWAY = 16.0


def _fmt_point(z, scale: float = 0.0) -> str:
    """``(a, b, ...)`` to 6 digits, rounding noise (below 1e-12 of ``scale`` or of the largest entry) printed as 0."""
    z = np.asarray(z, float)
    big = max(float(np.max(np.abs(z))) if z.size else 0.0, scale)
    return "(" + ", ".join(f"{(v if abs(v) > 1e-12 * big else 0.0):z.6g}" for v in z) + ")"


def _fmt_factor(q: float) -> str:
    """A factor per period guess, with the digits that tell it from 1 (1.0013, not 1)."""
    if not (math.isfinite(q) and q > 0) or abs(q - 1) >= 0.01:
        return f"{q:z.3g}"
    return f"{q:z.{2 + max(1, math.ceil(-math.log10(abs(q - 1) or 1e-16)))}g}"


def _fmt_log_factor(lq: float) -> str:
    """A factor per period guess given by its natural logarithm ``lq``: :func:`_fmt_factor` of ``e^lq`` where that is
    a normal double, else its decimal mantissa and exponent (``3.16e-1374``: the factor itself underflows to 0, or
    ``2e+400``: it overflows)."""
    if not math.isfinite(lq) or -700.0 < lq < 700.0:
        return _fmt_factor(math.exp(lq) if math.isfinite(lq) else (0.0 if lq == -math.inf else math.nan))
    e10 = lq / math.log(10.0)
    k = math.floor(e10)
    return f"{10.0 ** (e10 - k):z.3g}e{k:+d}"


def _rest_point(fld, m, p, starts, budget):
    """An equilibrium (``F = 0``) by Newton's method (least squares: a continuum of equilibria has a singular DF) from
    the first of ``starts`` it converges from, with ``DF`` there; None when it converges from none.  Where Newton stops
    the point must pass the project's zero test (:func:`gandynamics.equilibrium.zero_test`, at a residual relative to
    ``DF``): a point where F underflows to 0 is no equilibrium.  Every evaluation is charged to ``budget``."""
    from ..equilibrium import zero_test
    for z in starts:
        if z is None or not np.all(np.isfinite(z)):
            continue
        z = np.array(z, float)
        n = z.size
        for _ in range(40):
            budget.charge()
            F, D = m.field(z, p, np.empty(n)), m.jacobian(z, p, np.empty((n, n)))
            if not (np.all(np.isfinite(F)) and np.all(np.isfinite(D))):
                break
            step = np.linalg.lstsq(D, -F, rcond=None)[0]
            z = z + step
            if np.linalg.norm(step) <= 1e-13 * (1.0 + np.linalg.norm(z)):
                budget.charge()
                F, D = m.field(z, p, np.empty(n)), m.jacobian(z, p, np.empty((n, n)))
                if np.all(np.isfinite(F)) and zero_test(fld, z, p, 1e-9 * max(1.0, float(np.max(np.abs(D)))), F=F,
                                                        D=D)[1]:
                    return z, D
                break
    return None


def _orbit_fate(fld, m, p, x0, T0, budget, declared=None, size=None) -> dict:
    """What the orbit of ``z' = -F(z)`` from ``x0`` does, read over :data:`FATE_PERIODS` period guesses ``T0`` (on
    while it has made fewer than a tenth of :data:`FATE_EVALUATIONS` evaluations of the field, and at most all of
    them; DOP853 at rtol 1e-9, stopped early when the orbit comes to rest or leaves every bound).  Returns
    ``{"kind", "what", "certain", "t", "z"}``: ``what`` a phrase "the orbit from (..) ..." for a message, ``(t, z)``
    where the reading ended.

    The distance to the equilibrium z* nearest the orbit's end (Newton's method from there) is read per window of the
    period guess (merged to half a turn of its slowest rotation: an orbit near a focus is an ellipse about it, whose
    largest distance over half a turn is its envelope; and to at most 256 windows).  ``kind``:

    * ``"escapes"``: non-finite, or 10^6 times its start's size; ``certain``;
    * ``"attracted"``: it comes to rest at z* (its speed below 1e-9 of its start's, or its distance to 1e-6 of its
      start's), or its distance falls over the last windows and it ends where the linear part of a stable z* rules
      the field (``|v(z) - J (z - z*)| <= 0.1 |alpha| / ||J|| |J (z - z*)|``, ``alpha < 0`` the spectral abscissa of
      J); ``certain``: no Newton step brings a cycle near such a start;
    * ``"drifts"``: its distance falls over the last four windows, over nine in ten of all, and by 10 % in all,
      toward a stable z* at the end at least half its linear rate ``alpha``, or toward a non-hyperbolic z* without
      levelling off (Aitken's limit of its distance, over an eighth of the windows apart, below 0.9 of the last);
    * ``"repelled"``: its distance grows likewise, by 10 %, over the last eighth of the windows at least half as fast
      as over the first;
    * ``"broken"``: the integration fails at a moderate size;
    * None: none of these (it keeps oscillating, or levels off: a cycle may be near).

    The last three are not ``certain``: :func:`limit_cycle` reports them only once shooting has failed.  ``size``: the
    orbit's scale for the absolute tolerance (default ``max(1, |x0|)``; an orbit 1e-12 from its equilibrium was
    integrated to an absolute 1e-13, i.e. not at all)."""
    from scipy.integrate import OdeSolution
    n = x0.size
    # (at most half of what the call has left, so that shooting from where it ends has the rest; 200: the
    # equilibrium's Newton steps)
    cap = min(FATE_EVALUATIONS, (budget.limit - budget.used) // 2 - 200)
    out = {"kind": None, "what": "", "certain": False, "t": 0.0, "z": x0}
    if cap < 100 or not (math.isfinite(T0) and T0 > 0):
        return out
    first = budget.used

    def v(t, y):
        budget.charge()
        return -m.field(y, p, np.empty(n))

    scale = max(1.0, float(np.linalg.norm(x0)))
    far = 1e6 * scale
    speed0 = []

    def go(solver):
        if not speed0:
            speed0.append(float(np.linalg.norm(solver.f)))
        return budget.used - first < cap and not (solver.t >= FATE_PERIODS * T0
                                                  and budget.used - first >= FATE_EVALUATIONS // 10)

    def stop(solver):
        return np.linalg.norm(solver.y - x0) > far or np.linalg.norm(solver.f) <= 1e-9 * speed0[0]

    atol = 1e-13 * (scale if size is None else min(scale, max(float(size), 1e-300)))
    ts, pieces, solver, failed = _follow(v, x0, 1e9 * FATE_PERIODS * T0, rtol=1e-9, atol=atol, go=go, stop=stop)
    rest = failed is None and bool(pieces) and bool(np.linalg.norm(solver.f) <= 1e-9 * speed0[0]) \
        and not np.linalg.norm(solver.y - x0) > far
    z, t = np.asarray(solver.y, float), float(ts[-1])
    out.update(t=t, z=z)
    size = float(np.linalg.norm(z)) if np.all(np.isfinite(z)) else math.inf
    gone = float(np.linalg.norm(z - x0)) if np.all(np.isfinite(z)) else math.inf
    pt, guesses = _fmt_point(x0), f"{t / T0:z.3g} period guess{'es' if t != T0 else ''}"
    if gone > far or (failed is not None and gone > 1e3 * scale):
        why = f"; {failed}" if failed and failed != "the state is not finite" else ""
        return {**out, "kind": "escapes", "certain": True,
                "what": f"the orbit from {pt} leaves every bounded region (|z| = {size:z.3g} at t = {t:z.3g}, {guesses}{why})"}
    if failed is not None:
        return {**out, "kind": "broken", "what": f"the orbit from {pt} cannot be integrated beyond t = {t:z.3g} "
                                                 f"({guesses}: {failed}), at {_fmt_point(z)}"}
    found = _rest_point(fld, m, p, [z, x0, declared], budget)
    if found is None or not pieces:
        return out
    zs, D = found
    J = -D
    lam = np.linalg.eigvals(J)
    tol = 1e-9 * max(float(np.max(np.abs(lam))), 1e-300)   # (eigbounds.REAL_TOL, relative)
    alpha = float(np.max(lam.real))
    d0, d_end = float(np.linalg.norm(x0 - zs)), float(np.linalg.norm(z - zs))
    sol = OdeSolution(ts, pieces)
    slow = [abs(e.imag) for e in lam if abs(e.imag) > tol and e.real >= alpha - 0.5 * abs(alpha) - tol]
    mult = min(8, max(1, math.ceil(math.pi / min(slow) / T0))) if slow else 1
    mult = max(mult, math.ceil(t / (256 * T0)))   # (period guesses per window)
    W = mult * T0
    K = int(t // W)
    env = np.zeros(0)
    if K:   # (257 samples a window: the largest distance to 1e-4, below a slow focus's fall per window)
        s = np.linspace(0.0, 1.0, 257)
        zz = sol((np.arange(K)[:, None] + s[None, :]).ravel() * W)
        env = np.max(np.linalg.norm(zz.T - zs, axis=1).reshape(K, 257), axis=1)

    def rate(i, j):
        """log of the envelope's factor per period guess from window i to window j"""
        return math.log(env[j] / env[i]) / ((j - i) * mult) if env[i] > 0 and env[j] > 0 else math.nan

    if K >= 2:   # over the last quarter of the windows (at least 4)
        lq_obs = rate(K - 1 - min(max(4, K // 4), K - 1), K - 1)
    else:
        lq_obs = math.log(d_end / d0) * T0 / t if d0 > 0 and d_end > 0 and t > 0 else math.nan
    # (its logarithm kept: a fall of e^-3162 per guess underflows to 0 as a factor; a rise past e^709 overflows)
    q_obs = math.exp(min(lq_obs, 709.0)) if lq_obs == lq_obs else math.nan
    spiral = any(abs(e.imag) > tol for e in lam if e.real >= alpha - tol)
    eq = _fmt_point(zs, max(scale, d0))
    # (the largest distances over the first and the last window: a start on an eccentric orbit may be nearer z*
    # than the orbit's end, where it has come nearer; the end itself where the orbit came to rest)
    first_d = float(env[0]) if K else d0
    last_d = d_end if rest or d_end <= 1e-6 * d0 or not K else float(env[-1])
    travel = f"from {first_d:z.3g} to {last_d:z.3g} by t = {t:z.3g}"
    into = "spirals into" if spiral else "converges to"

    def linear_rules():
        """the stable equilibrium's linear part rules the field at the orbit's end"""
        lin = J @ (z - zs)
        if not (alpha < -tol and np.linalg.norm(lin) > 0):
            return False
        return (np.linalg.norm(v(0.0, z) - lin)
                <= 0.1 * abs(alpha) / max(np.linalg.norm(J, 2), 1e-300) * np.linalg.norm(lin))

    falling = K >= 2 and bool(np.all(np.diff(env[-min(4, K):]) < 0))
    if rest or (d0 > 0 and d_end <= 1e-6 * d0) or (falling and env[-1] < env[0] and linear_rules()):
        # the factor of the last windows, unless they sat where the orbit came to rest (a factor of 1 or more there
        # read "falls by a factor 1.000015" beside a fall from 0.0618 to 6.9e-10: a new user); then the average
        # (as logarithms: a fall by e^-10 per unit time over a period guess of 316 is e^-3162, which underflowed to a
        # factor "0", CI, session 48)
        log_avg = math.log(last_d / first_d) * T0 / t if 0 < last_d < first_d and t > 0 else math.nan
        lq, word = ((lq_obs, "") if math.isfinite(q_obs) and 0 < q_obs < 1 and not rest and d_end > 1e-6 * d0
                    else (log_avg, " on average") if math.isfinite(log_avg) else (alpha * T0, ""))
        return {**out, "kind": "attracted", "certain": True,
                "what": f"the orbit from {pt} {into} the equilibrium {eq} (its distance falls by a factor "
                        f"{_fmt_log_factor(lq)} per period guess {T0:z.6g}{word}, {travel})"}
    if K < 8:
        return out
    steps = np.diff(env)
    if alpha <= tol and np.mean(steps < 0) >= 0.9 and np.all(steps[-4:] < 0) and env[-1] <= 0.9 * env[0]:
        if alpha < -tol:   # a stable equilibrium: its distance falls at the end at half its linear rate or faster
            if -lq_obs >= 0.5 * abs(alpha) * T0:
                return {**out, "kind": "drifts",
                        "what": f"the orbit from {pt} {into} the equilibrium {eq} (its distance falls by a factor "
                                f"{_fmt_log_factor(lq_obs)} per period guess {T0:z.6g}, {travel})"}
            return out
        gap = K // 8
        a, b, c = env[K - 1 - 2 * gap], env[K - 1 - gap], env[K - 1]
        if (a - b) - (b - c) > 0 and c - (b - c) ** 2 / ((a - b) - (b - c)) >= 0.9 * c:
            return out   # levelling off (Aitken's limit near the last distance): a cycle may be near
        eigs = ", ".join(f"{e.real:z.3g}{e.imag:+z.3g}i" for e in lam[np.abs(lam.real) <= tol][:4])
        return {**out, "kind": "drifts",
                "what": f"the orbit from {pt} drifts toward the equilibrium {eq} ever more slowly (its distance falls "
                        f"{travel}, by a factor {_fmt_log_factor(lq_obs)} per period guess {T0:z.6g} at the end; not "
                        f"hyperbolic: J there has the eigenvalues {eigs} on the imaginary axis)"}
    if np.mean(steps > 0) >= 0.9 and np.all(steps[-4:] > 0) and env[-1] >= 1.1 * env[0] and \
            rate(K - 1 - K // 8, K - 1) >= 0.5 * rate(0, K // 8):
        return {**out, "kind": "repelled",
                "what": f"the orbit from {pt} {'spirals' if spiral else 'moves'} away from the equilibrium {eq} without "
                        f"levelling off (its distance grows by a factor {_fmt_log_factor(lq_obs)} per period guess "
                        f"{T0:z.6g}, {travel})"}
    return out


#: a start is *nearly closed* when the orbit from it comes back, between half and twice the period guess, to within
#: this fraction of its reach (its largest distance from the start before then, :func:`_first_return`); a start that
#: is not is first relaxed onto the attractor by following its orbit (:func:`limit_cycle`)
NEARLY_CLOSED = 0.1


def _first_return(v, x, T0: float, budget, atol: float):
    """Where the orbit of ``z' = v(z)`` from ``x`` comes back nearest ``x`` between ``T0 / 2`` and ``2 T0``: the
    return of :func:`limit_cycle`'s start (docs/math/bifurcations.md §4.1).  Followed by DOP853 at rtol 1e-9 (one
    integration, charged to ``budget`` by ``v``) up to ``2 T0``, or until it fails or leaves 10^6 times the start's
    size; its distance to ``x`` is sampled (at least 8 samples per step), its local minima (up to :data:`MAX_TURNS`,
    the smallest) refined by bounded Brent, and the first within twice the smallest (or 1e-6 of the reach) taken: the
    first return, not a later one of the same closing (on a cycle every turn closes).  Returns ``{"t", "gap", "reach", "q"}`` (the
    return's time and distance, the largest distance before it, ``q = gap / reach``) or None when the orbit does not
    reach ``T0 / 2``."""
    from scipy.optimize import minimize_scalar
    from scipy.integrate import OdeSolution
    x = np.asarray(x, float)
    far = 1e6 * max(1.0, float(np.linalg.norm(x)))
    budget.integrations += 1
    hi = min(2.0 * T0, float(np.finfo(float).max))
    ts, pieces, _, _ = _follow(lambda t, y: v(y), x, hi, rtol=1e-9, atol=atol,
                               stop=lambda solver: np.linalg.norm(solver.y - x) > far)
    t_end, lo = ts[-1], 0.5 * T0
    if not pieces or t_end <= lo:
        return None
    sol = OdeSolution(ts, pieces)
    steps = int(np.count_nonzero(np.asarray(ts) >= lo))
    tt = np.linspace(0.0, t_end, min(2_000_000, max(16384, 8 * steps)))
    d = np.linalg.norm(sol(tt).T - x, axis=1)
    cand = np.flatnonzero(tt >= lo)
    dc = d[cand]
    # local minima of the distance over [T0/2, t_end] (an end counts when it is below its neighbour)
    left = np.concatenate([[True], dc[1:] <= dc[:-1]])
    right = np.concatenate([dc[:-1] <= dc[1:], [True]])
    mins = cand[left & right]
    mins = np.sort(mins[np.argsort(d[mins], kind="stable")[:MAX_TURNS]])
    found = []   # (t, gap) of each local minimum, refined (the samples lie up to half a sample's travel off it)
    for i in mins:
        a, b = tt[max(i - 1, cand[0])], tt[min(i + 1, tt.size - 1)]
        t, gap = float(tt[i]), float(d[i])
        if b > a:
            r = minimize_scalar(lambda s: float(np.linalg.norm(sol(s) - x)), bounds=(a, b), method="bounded",
                                options={"xatol": 1e-12 * max(b, 1.0)})
            if r.fun < gap:
                t, gap = float(r.x), float(r.fun)
        found.append((t, gap, i))
    best = min(g for _, g, _ in found)
    t, gap, i = next(f for f in found if f[1] <= 2.0 * best + 1e-6 * float(np.max(d)))
    reach = max(float(np.max(d[:i + 1])), gap, 1e-300)
    return {"t": t, "gap": gap, "reach": reach, "q": gap / reach}


def _size(fld, m, p, x, vx, T0: float) -> float:
    """The scale of the orbit through ``x`` (speed ``vx``), for the absolute tolerances of its integrations: the larger
    of its path over one period guess at that speed and ``|v| / ||Dv||`` (the distance to the equilibrium where the
    field is linear there; a guess of 1e-300 says nothing of the orbit's size).  One evaluation of the Jacobian (the
    budget counts the field's)."""
    sp = float(np.linalg.norm(vx))
    D = m.jacobian(np.asarray(x, float), p, np.empty((fld.n, fld.n)))
    lin = sp / max(float(np.linalg.norm(D, 2)), 1e-300) if np.all(np.isfinite(D)) else 0.0
    return max(sp * T0, lin)


def _no_cycle(fate: dict, shooting: str) -> str:
    """The message of a shooting that failed from a start whose orbit stays near no cycle (:func:`_orbit_fate`)."""
    kind, what = fate["kind"], fate["what"]
    hopf = "or near a Hopf point use cycle_from_hopf (`gandynamics cycle --from-hopf`)"
    if kind == "broken":
        return (f"{what}: shooting found no cycle ({shooting}); start elsewhere (where a simulation keeps oscillating), "
                f"{hopf} on the side where the normal form predicts a cycle")
    found = f"no stable cycle near this point, and shooting found no unstable one ({shooting})"
    if kind == "repelled":
        return (f"{what}: {found}; a stable cycle, if any, lies farther out: start where a simulation settles on it "
                f"(this orbit is at {_fmt_point(fate['z'])} at t = {fate['t']:z.3g}), {hopf}")
    return (f"{what}: {found}; start elsewhere (where a simulation keeps oscillating; an unstable cycle needs a start "
            f"and a period guess near its own), {hopf} on the side where the normal form predicts a cycle")


def limit_cycle(fld, init, period: float, params=None, *, center=None, tol: float = 1e-10, maxit: int = 30,
                samples: int = 200) -> Cycle:
    """A limit cycle of the flow ``z' = -F(z)`` by single shooting (module docstring; docs/math/bifurcations.md §4.1).

    The start is first *relaxed* when it is not nearly closed: when the orbit from ``init`` does not come back, between
    half and twice the period guess, to within :data:`NEARLY_CLOSED` of its reach (:func:`_first_return`), the orbit
    is followed (over :data:`FATE_PERIODS` period guesses, :func:`_orbit_fate`) and, when it neither comes to rest,
    nor escapes, nor drifts, shooting starts where it ends (a start far outside a stable cycle, or near the
    equilibrium inside it, with a good guess).  The period starts from the return's time, within ``[T/2, 2T]``.

    Parameters
    ----------
    fld : VectorField
    init : sequence (n,)
        A point near the cycle.
    period : float
        A guess of the period (> 0).
    params : mapping, optional
    center : sequence, optional
        The equilibrium the cycle surrounds (for the amplitude); default the orbit's mean.
    tol : float
        Newton stops when the update and the residual ``||phi_T(x0) - x0||`` fall below ``tol``.

    Returns
    -------
    Cycle
        With ``evaluations``, the evaluations of the field the call made (a failed call's
        :class:`~gandynamics.errors.GandynamicsError` carries them as its attribute ``evaluations``).

    Raises
    ------
    GandynamicsError
        When there is no cycle near ``init`` (docs/math/bifurcations.md §4.1).  Once shooting fails (Newton does not
        converge in ``maxit`` steps, converges to an equilibrium or onto an orbit that closes only to its tolerance,
        an integration fails or costs :data:`PERIOD_RUNAWAY` times the first one), or strays (its period or its point
        runs off by :data:`PERIOD_RUNAWAY`, or half the steps pass), the orbit from ``init`` is read: over
        :data:`FATE_PERIODS` period guesses, with at most :data:`FATE_EVALUATIONS` evaluations of the field.  The
        message then says what it does: it spirals into (or converges to) an equilibrium, by a factor per period
        guess; drifts toward a non-hyperbolic one ever more slowly; spirals away from one without levelling off; or
        leaves every bounded region.  A stray shooting stops on an orbit that comes to rest or escapes.  When the
        orbit does none of these (it keeps oscillating), shooting starts once more from where it goes (unless it
        started there already); after that a runaway (Newton's point 16 times the first orbit's reach away, or an
        integration 16 times as costly as the first) stops it, and the message is shooting's own, with where the
        orbit went.
        Also when the call has made :data:`MAX_EVALUATIONS` evaluations of the field in all (its integrations share
        one budget) without finishing: the message then asks for a period guess of the cycle's time scale (or names
        a stiff field) only when no nearly closed return was seen between half and twice the guess (else it names the
        return: the guess is not the cause), unless the orbit from ``init`` was read and told what it does.
    """
    from ..validate import field as _as_field
    fld = _as_field(fld, "limit_cycle")  # a Game, a name or None: what it takes, not an AttributeError
    from ..validate import positive, whole
    tol, maxit = positive(tol, "tol"), whole(maxit, "maxit")
    samples = whole(samples, "samples", lo=2)
    p = fld.param_vector(params, signed=True)
    x = fld.point(init).copy()
    T = positive(period, "the period guess")
    n = fld.n
    from ..limits import check_array  # before the shooting: samples=1e10 ran out of memory at its end
    check_array((samples, n + n * n), "the orbit's samples (samples x the state and its variational matrix)",
                copies=2)
    m = fld.point_module(calls=fld.SOLVER_CALLS)
    budget = _Budget(T, MAX_EVALUATIONS)  # one for the whole call: every evaluation of the field is charged
    try:
        cyc = _shoot(fld, m, p, x, T, budget, center=center, tol=tol, maxit=maxit, samples=samples)
    except GandynamicsError as e:
        e.evaluations = min(budget.used, budget.limit)
        raise
    cyc.evaluations = budget.used
    return cyc


class _Relax(Exception):
    """Internal to :func:`_shoot`: shooting failed from a start whose orbit keeps oscillating; the start was moved to
    where that orbit goes, and shooting starts again there (once)."""


def _shoot(fld, m, p, x, T, budget, *, center, tol, maxit, samples) -> Cycle:
    """The body of :func:`limit_cycle` on validated arguments, every evaluation charged to ``budget``."""
    n = fld.n
    read = []   # the orbit from init, read once: for a start that is not nearly closed, or once shooting fails
    start = x.copy()

    def read_orbit() -> dict:
        """What the orbit from init does (:func:`_orbit_fate`), read once"""
        if not read:
            read.append(_orbit_fate(fld, m, p, start, T0, budget, fld.equilibrium, size=size0))
        return read[0]

    def no_cycle(shooting: str, certain: bool = False, error=None, runaway: bool = False, drift_stops: bool = False):
        """Raise what the orbit from init does when it stays near no cycle (else return): ``shooting`` says how
        shooting failed; ``certain``: only an orbit that comes to rest or escapes tells (Newton may still recover).
        An orbit that keeps oscillating moves the start there, once (_Relax); after that a ``runaway`` (Newton's
        point far off, or its integrations far costlier) stops shooting: from the best start there is, it only
        wanders on (the Van der Pol cycle at mu = 3 from (10, 0), on the stiff slow manifold, spent the budget).
        A drift (not certain) stops shooting at a ``runaway`` or where ``drift_stops`` (Newton's period run off)."""
        fate = read_orbit()
        # (a drift, not certain, stops shooting at a runaway too: a weak focus's orbit falling ever more slowly had
        # Newton's period run to 24 times the guess, its integrations up to 16 times the first's, 252,442 evaluations)
        if fate["kind"] is not None and (fate["certain"] or not certain or runaway or drift_stops):
            raise GandynamicsError(_no_cycle(fate, shooting)) from error
        if fate["kind"] is None and relax():   # (it keeps oscillating: shoot once more, from where it goes)
            raise _Relax
        if fate["kind"] is None and runaway:
            raise GandynamicsError(f"shooting {shooting}{seen_orbit()}: {advice()}") from error

    tried = []   # the relaxation of the start, tried once

    def relax(better_than=None) -> bool:
        """Move the start to where the orbit from init ends, when it neither rests, nor escapes, nor drifts (it keeps
        oscillating or levels off: read by _orbit_fate) and the orbit from there comes back near it (_first_return),
        nearer than ``better_than`` when given.  Tried once; True when the start moved."""
        nonlocal x, xref, vref, ret, relaxed, size0
        if tried:
            return False
        tried.append(True)
        fate = read_orbit()
        z = np.asarray(fate["z"], float)
        if fate["kind"] is not None or not fate["t"] > 0 or not np.all(np.isfinite(z)):
            return False
        vz = v(z)
        if np.linalg.norm(vz) < 1e-12:
            return False
        size_z = _size(fld, m, p, z, vz, T0)
        ret_z = _first_return(v, z, T0, budget, 1e-12 * min(1.0, size_z))
        if ret_z is None or (better_than is not None and ret_z["q"] >= better_than):
            return False
        x, xref, vref, ret, relaxed, size0 = z.copy(), z.copy(), vz, ret_z, fate["t"], size_z
        return True

    def spent(error):
        """The budget is spent: what the orbit from init does, when it was read and tells (else the period's message)"""
        if read and read[0]["kind"] is not None:
            raise GandynamicsError(_no_cycle(read[0], f"spent its {budget.limit:,} evaluations of the field")) from error

    def v(z):
        try:
            budget.charge()
        except GandynamicsError as e:
            spent(e)
            raise
        return -m.field(z, p, np.empty(n))

    def integrate(z, T, **kw):
        """_integrate, a failure read as the orbit from init (a spent budget is not: only a reading made before tells)"""
        try:
            return _integrate(fld, p, z, T, budget, atol=atol, **kw)
        except GandynamicsError as e:
            if budget.used > budget.limit:
                spent(e)
                raise
            no_cycle(f"stopped: {e}", error=e)
            raise

    def collapsed(T):
        """Shooting converged to phi_T(x) = x with T -> 0 (every point closes over no time): no orbit"""
        no_cycle(f"collapsed its period to {T:z.3g}")
        raise GandynamicsError(
            f"shooting collapsed its period from the guess {T0:z.6g} to {T:z.3g}, where phi_T(x) -> x as T -> 0 "
            f"(a spurious solution, no orbit){seen_orbit()}; give a period guess nearer the cycle's own "
            "(estimate_period; `gandynamics cycle` without --period)")

    def seen_orbit() -> str:
        """The orbit from init, read and found to neither rest, nor escape, nor drift: where it went"""
        t_read, z_read = read[0]["t"], read[0]["z"]
        return (f"; the orbit from {_fmt_point(start)} neither comes to rest nor leaves a bounded region up to "
                f"t = {t_read:z.3g} ({t_read / T0:z.3g} period guesses), where it is at {_fmt_point(z_read)}"
                if t_read > 0 else "")

    def advice() -> str:
        """What to try after a failed shooting: from where the orbit goes, unless shooting already started there; a
        better guess only when no nearly closed return fitted this one"""
        fits = budget.closes is not None
        if relaxed is None:
            return "start there if it settles on a cycle" + ("" if fits else ", or give a period guess nearer the "
                                                              "cycle's own")
        said = (f"shooting started there (its orbit comes back to within {ret['q']:z.2g} of its reach after "
                f"t = {ret['t']:z.6g}")
        return (f"{said}, a time the guess fits)" if ret["q"] <= NEARLY_CLOSED else
                f"{said}); give a period guess nearer the cycle's own, or a start nearer an unstable one")

    vref = v(x)
    xref = x.copy()
    if np.linalg.norm(vref) < 1e-12:
        raise GandynamicsError("the initial point is an equilibrium; start on (or near) the cycle")
    T0 = T
    # the start's return (docs/math/bifurcations.md §4.1): where its orbit comes back nearest it between T0/2 and
    # 2 T0.  A start that is not nearly closed (far off the cycle, where the phase condition's hyperplane through it
    # may miss the cycle, or near the equilibrium inside) is relaxed first: its orbit is read (_orbit_fate, over 64
    # period guesses), and when it neither rests, nor escapes, nor drifts (it keeps oscillating or levels off),
    # shooting starts where it ends, if that closes better.  (The Hopf cycle from (3, 0) with the good guess 6 spent
    # the whole budget wandering, 20 s; on the cycle with the guess 1.5 x 2 pi the period steps sat at the distance's
    # maximum, half a turn, and Newton failed.)  The absolute tolerances are scaled by the orbit's size, its path
    # (_size), when that is below 1: an orbit 1e-12 from an equilibrium was integrated to an absolute 1e-12.
    size0 = _size(fld, m, p, x, vref, T0)
    relaxed, ret = None, _first_return(v, x, T0, budget, 1e-12 * min(1.0, size0))
    if ret is None or ret["q"] > NEARLY_CLOSED:
        relax(better_than=None if ret is None else ret["q"])
    for _ in range(2):   # once more, from where the orbit goes, when shooting fails from a start not relaxed
        try:
            T = T0
            if ret is not None and ret["q"] <= NEARLY_CLOSED:   # (else the guess: the return tells nothing)
                T = min(2.0 * T0, max(0.5 * T0, ret["t"]))
                budget.closes = (x.copy(), ret["t"], ret["q"])
            atol = 1e-12 * min(1.0, size0)
            # then the period alone (x fixed), from the return: Gauss-Newton on min_T ||phi_T(x) - x||^2,
            # d/dT phi_T(x) = v(phi_T(x)).  On a family of closed orbits this lands on the orbit through x (residual
            # ~ 0, then no Newton step moves x); with a wrong period, Newton's linear model would pull x to the
            # equilibrium, phi_T's only fixed point.
            for k in range(8):  # kept within [T0 / 2, 2 T0]: phi_T(x) -> x as T -> 0, a spurious minimum
                used = budget.used
                xT, _, sol = integrate(x, T)
                if k == 0:   # the scales of a runaway: the first orbit's reach from the start, and its evaluations
                    reach0 = float(np.max(np.linalg.norm(sol.y[:n].T - xref, axis=1)))
                    cost0 = budget.used - used
                vT = v(xT)
                if np.linalg.norm(vT) <= 1e-9 * np.linalg.norm(vref):   # at rest within a guess: no cycle passes here
                    no_cycle(f"stopped before Newton: the orbit came to rest within the period {T:z.6g}", certain=True)
                dT = -float(vT @ (xT - x)) / max(float(vT @ vT), 1e-300)
                T_new = min(2 * T0, max(0.5 * T0, T + max(-0.2 * T, min(0.2 * T, dT))))
                if abs(dT) < 1e-12 * T_new or T_new == T:   # (at a bound of the range the same T again: no news)
                    T = T_new
                    break
                T = T_new
            res = np.inf
            for step in range(1, maxit + 1):
                used = budget.used
                xT, M, _ = integrate(x, T)
                if budget.used - used > PERIOD_RUNAWAY * cost0:   # lost: an integration far costlier than the first
                    no_cycle(f"ran into integrations {(budget.used - used) / cost0:z.3g} times as costly as its first",
                             runaway=True)
                vT = v(xT)
                # the border scaled by the speeds, so that it is as dimensionless as M - I (unknown T' = |v(x_T)| T)
                sT, sr = max(float(np.linalg.norm(vT)), 1e-300), max(float(np.linalg.norm(vref)), 1e-300)
                r = np.append(xT - x, vref @ (x - xref) / sr)
                Jac = np.block([[M - np.eye(n), vT[:, None] / sT], [vref[None, :] / sr, np.zeros((1, 1))]])
                if not np.all(np.isfinite(Jac)):
                    no_cycle("reached a Newton matrix that is not finite")
                    raise GandynamicsError("shooting: the Newton matrix is not finite (the orbit left the field's "
                                           "domain)")
                # Newton's step by the SVD: where the matrix is numerically singular (a family of closed orbits, or a
                # fold of cycles) the minimum-norm step, which stays near the start instead of sliding along the family
                U, sv, Vt = np.linalg.svd(Jac)
                keep = sv > SINGULAR_RTOL * sv[0]
                d = Vt[keep].T @ ((U[:, keep].T @ -r) / sv[keep])
                d[n] /= sT
                # damp steps that would flip the sign of T or move far
                lam = 1.0
                while T + lam * d[n] <= 0.05 * T:
                    lam /= 2
                x, T = x + lam * d[:n], T + lam * d[n]
                res = float(np.linalg.norm(r[:n]))
                if np.linalg.norm(d) * lam < tol * (1 + np.linalg.norm(x)) and res < 1e3 * tol:
                    if T < T0 / PERIOD_RUNAWAY:   # converged to phi_T(x) = x with T -> 0: a point, not an orbit
                        collapsed(T)
                    break
                # a runaway (read before integrating over it: the period or the point far off), or half the steps
                # spent: the orbit from init is read, and here only an orbit that comes to rest or escapes stops Newton
                # (the point of a shooting that converges went 18 times the first orbit's reach off on its way), or,
                # once, one that keeps oscillating from a start not relaxed: shooting starts again where it goes
                if not T0 / PERIOD_RUNAWAY <= T <= PERIOD_RUNAWAY * T0:
                    no_cycle(f"ran its period off to {T:z.3g}", certain=True, drift_stops=True)
                elif np.linalg.norm(x - xref) > PERIOD_RUNAWAY * reach0:
                    no_cycle(f"ran its point off to {_fmt_point(x)}", certain=True, runaway=True)
                elif step == maxit // 2:
                    no_cycle(f"had not converged in {step} Newton steps, residual {res:z.3g}", certain=True)
            else:
                no_cycle(f"did not converge in {maxit} Newton steps, residual {res:z.3g}")
                seen = seen_orbit()
                if T < T0 / PERIOD_RUNAWAY:
                    raise GandynamicsError(
                        f"shooting did not converge in {maxit} Newton steps (residual {res:z.3g}): its period shrank "
                        f"from the guess {T0:z.6g} to {T:z.3g}, where phi_T(x) -> x as T -> 0 (a spurious solution)"
                        f"{seen}; give a period guess nearer the cycle's own (estimate_period; `gandynamics cycle` "
                        "without --period)")
                raise GandynamicsError(f"shooting did not converge in {maxit} Newton steps (residual {res:z.3g})"
                                       f"{seen}: {advice()}")
            xT, M, sol = integrate(x, T, dense=True)
            res = float(np.linalg.norm(xT - x))
            ts = np.linspace(0.0, T, samples, endpoint=False)
            orbit = sol.sol(ts)[:n].T
            fine = sol.sol(np.linspace(0.0, T, 8192, endpoint=False))[:n].T
            # a closed orbit comes back: its end is far nearer its start than its farthest point is; over a period
            # collapsed toward 0 the orbit is a segment of length |v| T whose end is as far as any of its points (it
            # "closed" only to Newton's tolerance; from a guess of 1e-300 the period stayed within the guess's runaway
            # bound)
            # (a point at rest, the equilibrium, is told apart by its speed below: it neither moves nor comes back)
            if (res >= 0.5 * float(np.max(np.linalg.norm(fine - x[None, :], axis=1), initial=0.0))
                    and np.linalg.norm(v(x)) > 1e-6 * np.linalg.norm(vref)):
                collapsed(T)
            from ..validate import vector
            c = vector(center, "center", n, fld.names) if center is not None else fine.mean(axis=0)
            amp = _max_distance(sol, T, c, n)
            if amp < 1e-8 or amp < 1e-6 * float(np.linalg.norm(xref - c)):   # (an unstable focus: 1e-8 from x0 = 1e-15)
                no_cycle("converged to the equilibrium")
                raise GandynamicsError(f"shooting converged to an equilibrium, not a cycle{seen_orbit()}: {advice()}")
            turns = _turns(sol, x, T, amp)
            if turns > 1:   # the guess spanned several turns: the orbit's own period, and its monodromy over one turn
                T = T / turns
                xT, M, sol = integrate(x, T, dense=True)
                res = float(np.linalg.norm(xT - x))
                orbit = sol.sol(np.linspace(0.0, T, samples, endpoint=False))[:n].T
                if center is None:
                    c = sol.sol(np.linspace(0.0, T, 8192, endpoint=False))[:n].T.mean(axis=0)
                amp = _max_distance(sol, T, c, n)
            mult = np.linalg.eigvals(M)
            k = int(np.argmin(np.abs(mult - 1)))
            if n == 2 and math.isfinite(sol.log_det):
                # a planar cycle's second multiplier from det M = exp(int tr J dt) (Liouville) over the first:
                # positive and to relative precision however small (eig(M) gives it only to |M| times rounding)
                mult = mult.astype(complex)
                mult[1 - k] = math.exp(sol.log_det) / mult[k].real
            others = np.delete(mult, k)
            # not isolated: two Floquet multipliers at 1 (a family's Jordan block, split by rounding into 1 +- sqrt(e);
            # at the converged orbits of the tests within 1e-6); a hyperbolic cycle keeps its other multipliers away
            isolated = int(np.sum(np.abs(mult - 1) < NOT_ISOLATED_TOL)) < 2
            if not isolated and amp < 0.1 * float(np.linalg.norm(xref - c)):
                # Newton slid from the start toward the equilibrium, onto an orbit so small that it closes to the
                # tolerance: near a weak focus (r' = l1 r^3) every small orbit does; a centre's orbit through the
                # start stays its size
                no_cycle(f"slid toward the equilibrium, onto an orbit of amplitude {amp:z.3g} about {_fmt_point(c)} "
                         "that closes only to its tolerance")
            stable = isolated and (bool(np.all(np.abs(others) < 1 - 1e-9)) if others.size else True)
            return Cycle(period=T, point=x, orbit=orbit, multipliers=mult, stable=stable, amplitude=amp, center=c,
                         residual=res, params={s.name: float(v) for s, v in zip(fld.hyper, p)}, isolated=isolated)
        except _Relax:
            continue
    raise AssertionError("unreachable: the start is relaxed at most once")

#: the most turns of one closed orbit that a converged shooting's period is searched for (:func:`_turns`)
MAX_TURNS = 512


def _turns(sol, x, T: float, amp: float) -> int:
    """How many times the converged orbit ``sol`` (dense, over ``[0, T]``) through ``x`` turns: the largest ``k <=``
    :data:`MAX_TURNS` with ``phi_{T/k}(x) = x`` to ``1e-6`` of the amplitude (a period guess of several periods
    converges to a multiple of the period: the Hopf cycle of period 2 pi read with period 596.9 = 95 x 2 pi from a
    guess of 600, and its Floquet multiplier the 95th power of its own).  An orbit through ``x`` returns to ``x``
    only at multiples of its period, so the largest such ``k`` gives the period ``T / k``."""
    ks = np.arange(MAX_TURNS, 1, -1)
    pts = sol.sol(T / ks)[:x.size].T
    close = np.linalg.norm(pts - x[None, :], axis=1) <= 1e-6 * max(amp, 1e-300)
    return int(ks[np.argmax(close)]) if close.any() else 1


def hopf_prediction(fld, vary: str, value: float, at: float, params=None, hopf_point=None) -> dict:
    """The normal-form prediction of the cycle born at a Hopf point (module docstring).

    Parameters
    ----------
    fld : VectorField
    vary : str
        The hyperparameter that crosses the Hopf point.
    value : float
        Its value at the Hopf point.
    at : float
        The parameter value where the cycle is predicted.
    hopf_point : sequence, optional
        The equilibrium at the Hopf point (default: searched).

    Returns
    -------
    dict with ``amplitude``, ``period``, ``point`` (a predicted point of the orbit), ``center``
    (equilibrium at ``at``), ``exists`` (False when the cycle lives on the other side of the Hopf point, or when the
    Hopf point is degenerate), ``criticality`` ("supercritical", "subcritical" or "degenerate": the first Lyapunov
    coefficient 0 to rounding, by continuation's test).
    """
    from .continuation import _criticality, first_lyapunov_coefficient
    from .spectrum import find_equilibrium
    base = dict(params or {})
    pH = fld.param_vector({**base, vary: float(value)}, signed=True)
    zH, _ = find_equilibrium(fld, pH, start=hopf_point)
    ly = first_lyapunov_coefficient(fld, zH, pH)
    pa = fld.param_vector({**base, vary: float(at)}, signed=True)
    za, _ = find_equilibrium(fld, pa, start=zH)
    lam = np.linalg.eigvals(fld.eval_J(za, pa))
    cand = [v for v in lam if v.imag > 0]
    if not cand:
        raise GandynamicsError(f"no complex pair at {vary} = {at:zg}: too far from the Hopf point")
    lam0 = min(cand, key=lambda v: abs(v - 1j * ly["frequency"]))
    c1 = ly["c1"]
    # eigenvector at `at` for the amplitude shape (continuous in the parameter)
    w_, V = np.linalg.eig(fld.eval_J(za, pa))
    q = V[:, int(np.argmin(np.abs(w_ - lam0)))]
    q = q / np.linalg.norm(q)
    # l1 = 0 to rounding (continuation's test): a degenerate Hopf point, whose cubic normal form predicts nothing
    # (the R1 Dirac-GAN at gamma = 0 is a centre: theta^2 + psi^2 is conserved); its c1 is rounding, of either sign
    crit = _criticality(ly["lyapunov"], abs(c1) / max(ly["frequency"], 1e-300))
    r2 = -lam0.real / c1.real if crit != "degenerate" else -1.0
    exists = r2 > 0
    r = math.sqrt(max(r2, 0.0))
    Q = np.column_stack([q.real, q.imag])
    smax = float(np.linalg.svd(Q, compute_uv=False)[0])
    freq = lam0.imag + c1.imag * max(r2, 0.0)
    # the phase where |Re(q e^{i phi})| is largest: the first right singular vector
    _, _, Vt = np.linalg.svd(Q)
    phi = math.atan2(-Vt[0, 1], Vt[0, 0])
    point = za + 2 * r * np.real(q * np.exp(1j * phi))
    return {"amplitude": 2 * r * smax, "period": 2 * math.pi / freq, "point": point, "center": za,
            "exists": bool(exists), "lyapunov": ly["lyapunov"], "c1": c1, "alpha": float(lam0.real),
            "criticality": crit}


#: the fractions of the way from the Hopf point to ``at`` where :func:`cycle_from_hopf` looks for a first cycle when
#: shooting from the normal form's prediction at ``at`` fails (nearer the Hopf point the prediction is closer)
HOPF_APPROACH = (0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125)
#: ... and the steps of the continuation from there to ``at`` per halving of the distance
HOPF_CONTINUATION_STEPS = 4


def _prediction_text(pred: dict) -> str:
    """The normal form's prediction in words: its amplitude and period, or that it is of no use where its frequency is
    not positive (far from the Hopf point: "period -294.1" was printed, a review)."""
    T = pred["period"]
    if not (math.isfinite(T) and T > 0):
        return ("of no use there: its frequency omega + Im(c1) |w|^2 is not positive, the value too far from the Hopf "
                "point")
    return f"amplitude {pred['amplitude']:z.3g}, period {T:z.4g}"


def cycle_from_hopf(fld, vary: str, value: float, at: float, params=None, hopf_point=None, **kw) -> Cycle:
    """The cycle born at the Hopf point ``vary = value``, at ``vary = at``: shooting (:func:`limit_cycle`) started from
    :func:`hopf_prediction` there.  The normal form is accurate to first order in ``at - value``, and farther out its
    point may lie off the cycle by more than shooting mends (a subcritical Hopf point's unstable cycle at 0.47 of
    amplitude predicted, 0.64 found: the orbit from the prediction spiralled into the equilibrium, a review); shooting
    then starts nearer the Hopf point, at the fractions :data:`HOPF_APPROACH` of the way, and the first cycle found
    there is continued to ``at`` (:func:`continue_cycle`, :data:`HOPF_CONTINUATION_STEPS` steps per halving), the
    standard start of a cycle's continuation from a Hopf point (docs/math/bifurcations.md §4.1).  Raises
    GandynamicsError when the normal form predicts no cycle at ``at``, or when no start finds one."""
    pred = hopf_prediction(fld, vary, value, at, params, hopf_point)
    if pred["criticality"] == "degenerate":
        raise GandynamicsError(f"the Hopf point at {vary} = {value:zg} is degenerate (first Lyapunov coefficient "
                               f"{pred['lyapunov']:z.3g}, 0 to rounding): the normal form predicts no cycle on either "
                               "side (a centre, or a criticality decided by higher-order terms); start the shooting "
                               "from a point of the orbit instead (--init, --period)")
    if float(at) == float(value):  # (said "exists on the other side" of the Hopf point itself, a new user)
        raise GandynamicsError(f"{vary} = {at:zg} is the Hopf point itself, where the cycle is born with amplitude 0: "
                               f"give a value of {vary} beside it, on the side where the {pred['criticality']} cycle "
                               "lives")
    if not pred["exists"]:
        raise GandynamicsError(f"the normal form predicts no cycle at {vary} = {at:zg} (the Hopf point at "
                               f"{value:zg} is {pred['criticality']}: the cycle exists on the other side)")
    base = dict(params or {})
    try:
        return limit_cycle(fld, pred["point"], pred["period"], {**base, vary: at}, center=pred["center"], **kw)
    except GandynamicsError:
        pass  # (what that orbit did is said below in the words of this search, not of a start from --init)
    value, at = float(value), float(at)
    for t in HOPF_APPROACH:
        a = value + t * (at - value)
        try:
            near = hopf_prediction(fld, vary, value, a, params, hopf_point)
            if not near["exists"]:
                continue
            cyc = limit_cycle(fld, near["point"], near["period"], {**base, vary: a}, center=near["center"], **kw)
        except GandynamicsError:
            continue
        n = HOPF_CONTINUATION_STEPS * max(1, round(math.log2(1.0 / t)))
        # (a step whose shooting fails is taken again in finer substeps by continue_cycle, so that the error names
        # where the cycle was last found, not a step's width short of it, a review)
        branch = continue_cycle(fld, vary, [a + (at - a) * k / n for k in range(1, n + 1)], cyc, base)
        if branch.interrupted:  # (a cycle short of ``at`` is no answer: the Ctrl-C is the caller's)
            raise KeyboardInterrupt
        used = sum(getattr(c, "evaluations", 0) or 0 for c in branch)  # (the first cycle's shooting and the branch's)
        last = branch[-1]
        if branch.ended_at is None:
            if kw:  # (the shooting's own settings, at the value asked: continue_cycle's cycles were shot with defaults)
                last = limit_cycle(fld, last.point, last.period, {**base, vary: at}, center=last.center, **kw)
                used += getattr(last, "evaluations", 0) or 0
            last.evaluations = used
            return last
        why = ("; its period was growing fast, as near a homoclinic orbit or a saddle-node on the cycle"
               if (branch.period_growth or 0.0) > PERIOD_BLOWUP else
               "; a Floquet multiplier was nearing 1, as near a fold of cycles" if branch.fold_multipliers else "")
        raise GandynamicsError(
            f"no cycle found at {vary} = {at:zg} from the Hopf point at {value:zg}: shooting from the normal form's "
            f"prediction there ({_prediction_text(pred)}) failed, and the "
            f"cycle found at {vary} = {a:zg}, nearer the Hopf point, could be followed only to {vary} = "
            f"{last.params[vary]:zg}, not to {branch.ended_at:zg}{why}; the cycle may end before {at:zg}: "
            f"choose {vary} nearer {value:zg} (`gandynamics cycle --continue-to` draws the branch), or start from a "
            "point of the orbit (--init with --period)") from None
    raise GandynamicsError(
        f"no cycle found at {vary} = {at:zg} from the Hopf point at {value:zg}: shooting from the normal form's "
        f"prediction there ({_prediction_text(pred)}) failed, "
        f"and so did shooting at {len(HOPF_APPROACH)} values nearer the Hopf point; start from a point of the orbit "
        "(--init with --period)") from None


class CycleBranch(list):
    """The cycles of :func:`continue_cycle`, in order (a list), and why the branch ended early: ``ended_at`` the value
    of the parameter where no cycle was found (None when every value gave one), ``reason`` the failure there, and
    ``period_growth`` the ratio of the last two periods (above :data:`PERIOD_BLOWUP`: the period growing without
    bound, as it does near a homoclinic orbit or a saddle-node on the cycle); ``interrupted`` True when a Ctrl-C
    ended it (the cycles found before it kept)."""

    ended_at: float | None = None
    reason: str | None = None
    #: True when a Ctrl-C stopped the branch: the cycles found before it are kept, the values after them not followed
    interrupted: bool = False
    period_growth: float | None = None
    #: ``(|mu| before, |mu| last)`` of the nontrivial Floquet multiplier nearest 1 over the branch's last two cycles,
    #: when it was moving towards 1 and within :data:`FOLD_NEAR` of it (in ``|log |mu||``): the branch ended near a fold
    #: of cycles, where it turns back (None otherwise)
    fold_multipliers: tuple | None = None


#: ``|log |mu||`` of the nontrivial multiplier nearest 1 below which a branch that ended with it moving towards 1 is
#: said to end near a fold of cycles (a new user's branch of r' = r(beta + r^2 - r^4) stopped before beta = -1/4, where
#: its stable and unstable cycles meet, with no word of why)
FOLD_NEAR = 0.5


def _nontrivial_nearest_one(cycle) -> float:
    """``|log |mu||`` of the Floquet multiplier nearest 1 once the trivial one (the nearest of all) is left out; inf
    when there is no other."""
    mu = np.asarray(cycle.multipliers, complex)
    if mu.size < 2:
        return math.inf
    d = np.abs(np.log(np.abs(mu) + 1e-300))
    order = np.argsort(np.abs(mu - 1.0))
    rest = d[order[1:]]
    return float(np.min(rest))


#: the ratio of the last two periods of a branch that ended early above which the end is said to look like the
#: period's blow-up (a new user's branch: periods 7.9, 8.7, 10.4, 16.1, then no cycle, with no word of why)
PERIOD_BLOWUP = 1.3


def continue_cycle(fld, vary: str, values, first: Cycle, params=None, *, progress=None) -> CycleBranch:
    """Follow a cycle along ``values`` of a hyperparameter (natural-parameter continuation, secant
    predictor of point and period from the two previous cycles).  Stops early (returning what it has, a
    :class:`CycleBranch` that says where and why) if shooting fails or the cycle collapses.  The shootings' work is announced to
    :meth:`~gandynamics.field.VectorField.point_module` up front (``len(values)`` times one shooting's), so that a
    long branch compiles the field once instead of interpreting each of its hundreds of integrations.  A branch that
    takes more than a few seconds says so (a notice), with a bar of the values done where one can be seen
    (``progress``: True, False, None or ``progress(done, total)``, :func:`gandynamics.runs.progress.counted`; values
    without a length count as many as are done).  Ctrl-C (KeyboardInterrupt) stops it and returns the cycles found so
    far, marked ``interrupted`` (each the cycle the uninterrupted branch has there)."""
    from ..runs.progress import counted, progress_option
    progress = progress_option(progress)  # (checked before any work: "yes" showed no bar, a function failed late)
    out = CycleBranch([first])
    base = dict(params or {})
    total = len(values) if hasattr(values, "__len__") else 0
    if total:
        fld.point_module(calls=fld.SOLVER_CALLS * max(1, total))  # (loads the module the shootings then use)
    # (200 shootings of `cycle --continue-to` ran 13 s without a word: a tester)
    through = f"through {total:,} values" if total else "through the values given"
    with counted(f"following the cycle from {vary} = {first.params.get(vary, math.nan):zg} {through} (a shooting at "
                 "each; Ctrl-C stops it and keeps the cycles found) ...", total, desc=f"cycles ({vary})", unit="cycle",
                 progress=progress) as bar:
        try:
            _follow_branch(fld, vary, values, out, base, bar)
        except KeyboardInterrupt:  # (a cycle is appended whole, in one call: every one found is kept, as it was)
            out.interrupted = True
    return out


#: the halvings of a step of :func:`continue_cycle` tried where shooting at the next value fails: 2, 4 and 8 substeps
BRANCH_REFINEMENTS = 3


def _shoot_next(fld, vary, a, last, base) -> Cycle:
    """The cycle at ``vary = a``, shot from the secant prediction of the last one or two cycles ``last``."""
    from .spectrum import find_equilibrium
    prev = last[-1]
    if len(last) >= 2:
        a_prev, a_pp = last[-1].params[vary], last[-2].params[vary]
        s = (a - a_prev) / (a_prev - a_pp) if a_prev != a_pp else 0.0
        x0 = prev.point + s * (prev.point - last[-2].point)
        T0 = prev.period + s * (prev.period - last[-2].period)
    else:
        x0, T0 = prev.point, prev.period
    pa = fld.param_vector({**base, vary: a}, signed=True)  # the branch may cross a strength's zero
    zc, _ = find_equilibrium(fld, pa, start=prev.center)
    return limit_cycle(fld, x0, T0, pa, center=zc)


def _follow_branch(fld, vary, values, out, base, bar) -> None:
    """The loop of :func:`continue_cycle`: each value's cycle appended to ``out``, until one is not found.  Where
    shooting at a value fails, the step to it is taken again in 2, 4 and 8 substeps (:data:`BRANCH_REFINEMENTS`), each
    substep's cycle the next one's predictor: an unstable cycle followed in 6 steps of 0.05 was lost at the second
    while 30 steps followed it to the end (a new user's finding)."""
    for a in values:  # (not list(values): a long generator of values was copied whole first)
        try:
            cyc = _shoot_next(fld, vary, a, out[-2:], base)
        except GandynamicsError as exc:
            cyc, failure = None, str(exc)
            for depth in range(1, BRANCH_REFINEMENTS + 1):
                n, last = 2 ** depth, list(out[-2:])
                a0 = last[-1].params[vary]
                try:
                    for k in range(1, n + 1):
                        last.append(_shoot_next(fld, vary, a0 + (a - a0) * k / n, last[-2:], base))
                except GandynamicsError:
                    continue
                cyc = last[-1]
                break
        if cyc is None:
            out.ended_at, out.reason = float(a), failure
            if len(out) >= 2 and out[-2].period > 0:
                out.period_growth = float(out[-1].period / out[-2].period)
            if len(out) >= 2:
                m1, m2 = _nontrivial_nearest_one(out[-2]), _nontrivial_nearest_one(out[-1])
                if m2 < m1 and m2 < FOLD_NEAR:
                    out.fold_multipliers = (math.exp(m1), math.exp(m2))
            break
        out.append(cyc)
        bar.to(len(out) - 1, desc=f"cycles ({vary} = {a:z.4g})")


# --------------------------------------------------------------------------- maps
#: the methods that declare their map and its Jacobian (:attr:`gandynamics.methods.base.Method.map`)
MAP_METHODS = tuple(name for name, m in METHODS.items() if m.map is not None)


def check_map_method(method) -> None:
    """Refuse a method without a map (:attr:`gandynamics.methods.base.Method.map`): an unknown name, or a method of
    the registry that declares none (the flow: its cycles are found without a method), worded as every refusal of a
    method name (:func:`gandynamics.methods.refuse_methods`)."""
    from ..methods import refuse_methods
    reasons = {m.name: ("the flow's cycles are found with no method given: no --method, method=None in Python"
                        if m.continuous else "its update is not declared as a map of the state, with its Jacobian, "
                        "which the search for periodic orbits needs") for m in METHODS.values()
               if m.name not in MAP_METHODS}
    refuse_methods([method], MAP_METHODS, reasons)


def method_map(fld, method: str, h: float, params=None, beta: float | None = None):
    """The map ``G`` of a discrete method and its exact Jacobian ``DG``, as the method declares them
    (:attr:`gandynamics.methods.base.Method.map`), on the interpreted or compiled F and DF
    (:meth:`gandynamics.field.VectorField.point_module`).

    States: gd, eg ``z``; eftp ``(z_k, w_{k-1})``; ogda, momentum ``(z_k, z_{k-1})``; at a fixed point
    ``DG`` is :func:`gandynamics.analysis.rates.iteration_matrix` of ``A = DF(z*)`` (docs/mathematics.md §0.4).

    Returns
    -------
    (G, DG, N) with ``G(x) -> x_next`` and ``DG(x) -> (N, N)``, N the state dimension.
    """
    check_map_method(method)
    p = fld.param_vector(params, signed=True)
    m = fld.point_module(calls=fld.SOLVER_CALLS)
    n = fld.n
    F = lambda z: m.field(np.asarray(z, float), p, np.empty(n))  # noqa: E731
    D = lambda z: m.jacobian(np.asarray(z, float), p, np.empty((n, n)))  # noqa: E731
    from ..methods import beta_for  # (None: the method's declared default, momentum's -0.5, as on the command line)
    return METHODS[method].map(F, D, float(h), n, beta=beta_for(method, beta))


#: :func:`map_cycle` checks that the orbit's state and the product of its Jacobians are finite every this many steps
#: (and moves its bar)
ORBIT_CHECK_EVERY = 256
#: ... and times this many steps of the map before its search, for the notice's estimate of an iteration's time
ORBIT_PROBE_STEPS = 64


def _orbit_still_finite(z, P, i: int, k: int) -> None:
    """Refuse an orbit of :func:`map_cycle` whose state (``z``, after ``i`` of ``k`` steps) or the product ``P`` of its
    Jacobians so far is no longer finite: Newton's method on ``G^k(x) = x`` cannot go on from there (a product of
    10^6 Jacobians of spectral radius 1.005 overflows after about 1.4e5 of them; the search then ran every step of every
    iteration before it read NaN as "the map diverged")."""
    if not np.all(np.isfinite(z)):
        raise GandynamicsError(f"the map diverged from the start point (after {i:,} of the {k:,} steps of the orbit); "
                               "start closer to the orbit")
    if not np.all(np.isfinite(P)):
        grow = float(np.max(np.abs(P[np.isfinite(P)]), initial=0.0))
        raise GandynamicsError(
            f"the product of the map's Jacobians along the orbit overflowed after {i:,} of its {k:,} steps (the state "
            f"still finite): Newton's method on G^{k}(x) = x cannot be solved in double precision for a period this long "
            f"here{f' (largest finite entry {grow:z.3g})' if grow else ''}; ask for a smaller period k")


def map_cycle(fld, method: str, h: float, k: int, init, params=None, *, beta: float | None = None, tol: float = 1e-12,
              maxit: int = 50, progress=None) -> MapCycle:
    """A period-``k`` orbit of ``method``'s map by Newton on ``G^k(x) - x`` from ``init`` (a point z, or a
    full state for two-state methods; ``z`` alone is doubled to ``(z, z)``).

    Returns
    -------
    MapCycle
        Points ``x_0 .. x_{k-1}`` (shape (k, N)), multipliers (eigenvalues of the product of the k
        Jacobians), stable when all lie strictly inside the unit circle.

    A search that takes more than a few seconds says so (a notice with the estimated time of one Newton iteration,
    measured on a few steps), with a bar of each iteration's steps where one can be seen (``progress``: True, False,
    None or ``progress(done, total)``, :func:`gandynamics.runs.progress.counted`); Ctrl-C stops it
    (KeyboardInterrupt).  An orbit whose state or product of Jacobians leaves the finite numbers is refused as soon as
    it does (checked every :data:`ORBIT_CHECK_EVERY` steps), not after every step of the iteration.

    Raises
    ------
    GandynamicsError
        No convergence, the map diverging or the product of its Jacobians overflowing along the orbit (a period too
        long for double precision), or the orbit has a smaller period (e.g. a fixed point when k = 2).
    """
    from ..limits import check_array
    from ..validate import whole
    from .continuation import map_options
    from ..runs.progress import progress_option
    k = whole(k, "the period k")
    progress = progress_option(progress)  # (checked before any work: "yes" showed no bar, a function failed late)
    G, DG, N = method_map(fld, method, float(h), params, beta)
    x = np.asarray(init, float).reshape(-1)
    if x.size == fld.n and N == 2 * fld.n:
        x = np.concatenate([x, x])
    if x.size != N:
        raise GandynamicsError(f"the start must have {fld.n} (or {N}) entries, got {x.size}")
    # the orbit's k + 1 states, in one array (a list of k arrays grew until the machine ran out: --k 1e9)
    check_array((k + 1, N), f"the period-{k} orbit's points")
    bar = None  # (the progress of a long search: below)

    def orbit(x):
        pts, P = np.empty((k + 1, N)), np.eye(N)
        pts[0] = x
        with np.errstate(over="ignore", invalid="ignore"):  # (an overflow is refused below, in words)
            for i in range(k):
                P = DG(pts[i]) @ P
                pts[i + 1] = G(pts[i])
                if not (i + 1) % ORBIT_CHECK_EVERY:
                    _orbit_still_finite(pts[i + 1], P, i + 1, k)
                    if bar is not None:
                        bar.to(i + 1)
        _orbit_still_finite(pts[k], P, k, k)
        return pts, P

    # one Newton iteration runs k steps of the map and its Jacobian in the interpreter: --k 20000 took 8 s and 10^6 ran
    # for minutes, with nothing said (a tester); the pace of a few steps says how long one takes
    import time as _time
    probe = min(k, ORBIT_PROBE_STEPS)
    y, Q = x.copy(), np.eye(N)
    with np.errstate(all="ignore"):  # (a start the map throws out: said by the search itself)
        Q, y = DG(y) @ Q, G(y)  # (a first call, not timed: it may load the compiled field)
        t0 = _time.perf_counter()
        for _ in range(probe):
            Q = DG(y) @ Q
            y = G(y)
    each = (_time.perf_counter() - t0) * k / max(probe, 1)
    from ..limits import format_duration
    from ..runs.progress import counted
    res = np.inf
    with counted(f"period-{k} orbit of {method} (h = {float(h):zg}): Newton's method on G^{k}(x) = x, each iteration "
                 f"{k:,} steps of the map and its Jacobian, about {format_duration(each)} each (at most {maxit} and "
                 f"the orbit found: up to {format_duration(each * (maxit + 1))} in all; Ctrl-C stops it) ...", k, desc="Newton iteration 1: steps", unit="step", progress=progress) as bar:
        for it in range(maxit):
            if it:
                bar.again(desc=f"Newton iteration {it + 1}: steps")
            pts, P = orbit(x)
            r = pts[-1] - x
            res = float(np.linalg.norm(r))
            if not np.isfinite(res):
                raise GandynamicsError("the map diverged from the start point; start closer to the orbit")
            try:
                d = np.linalg.solve(P - np.eye(N), -r)
            except np.linalg.LinAlgError:
                raise GandynamicsError("singular Newton matrix: a multiplier equals 1 (degenerate orbit)") from None
            x = x + d
            if np.linalg.norm(d) < tol * (1 + np.linalg.norm(x)):
                break
        else:
            raise GandynamicsError(f"no period-{k} orbit found (Newton residual {res:z.3g})")
        bar.again(desc="the orbit found: steps")
        pts, P = orbit(x)
    pts = pts[:k].copy()
    for j in range(1, k):
        if k % j == 0 and np.linalg.norm(pts[j] - pts[0]) < 1e-8 * (1 + np.linalg.norm(pts[0])):
            # what was found, and whether a period-k orbit can be born there: a multiplier of the period-j orbit at
            # a k/j-th root of unity (-1 for a period doubling of a fixed point)
            Pj = np.eye(N)
            for i in range(j):
                Pj = DG(pts[i]) @ Pj
            mj = np.linalg.eigvals(Pj)
            what = "a fixed point of the map" if j == 1 else f"an orbit of period {j}"
            from .._display import rounding_zeros  # (Newton's last correction, at 1e-12 (1 + |x|): shown as 0)
            at = ", ".join(f"{v:z.6g}" for v in rounding_zeros(pts[0][:fld.n], 1 + np.linalg.norm(pts[0])))
            mult = ", ".join(f"{abs(v):z.4g}" for v in sorted(mj, key=abs, reverse=True))
            raise GandynamicsError(
                f"Newton on G^{k}(x) = x converged to {what}, ({at}), not to an orbit of period {k}; its "
                f"multipliers' moduli: {mult} ({'stable' if np.max(np.abs(mj)) < 1 else 'unstable'}). A period-{k} "
                f"orbit, if there is one, needs another start (--init), or a step near one where a multiplier "
                f"crosses the unit circle at a root of unity of order {k // j} (at -1 for a period "
                f"doubling, a flip)")
    mult = np.linalg.eigvals(P)
    return MapCycle(method=method, step=float(h), k=k, points=pts, multipliers=mult,
                    stable=bool(np.max(np.abs(mult)) < 1 - 1e-12), residual=float(np.linalg.norm(G(pts[-1]) - pts[0]) if k > 1 else np.linalg.norm(G(pts[0]) - pts[0])),
                    params={s.name: float(v) for s, v in zip(fld.hyper, fld.param_vector(params, signed=True))},
                    options=map_options(method, beta))
