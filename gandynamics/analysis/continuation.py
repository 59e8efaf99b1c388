r"""Numerical continuation of equilibria and fixed points, and their codimension-one bifurcations.

The mathematics (pseudo-arclength, test functions, the first Lyapunov coefficient, two-parameter
continuation of the boundaries) is written out in docs/math/bifurcations.md; the design follows MatCont
(Dhooge, Govaerts & Kuznetsov 2003), AUTO-07p and BifurcationKit.jl.

* :func:`continuation` follows the curve ``F(z, a) = 0`` of equilibria of the flow ``z' = -F(z; p)`` as one
  hyperparameter ``a`` (a regularizer strength, a game parameter) varies, by Keller's pseudo-arclength
  method: tangent predictor, Newton corrector on the bordered system ``[F; t.(x - x_pred)] = 0`` with the
  exact ``D_z F`` (compiled) and ``D_a F`` (sympy), adaptive arclength step.  For a discrete ``method``
  (gd, eg, eftp, ogda, momentum, altgd) the curve is the branch of fixed points ``F(z*) = 0`` of the
  method's map and the multipliers are the eigenvalues of the map's Jacobian at the fixed point, which is
  the iteration matrix :func:`gandynamics.analysis.rates.iteration_matrix` of ``A = DF(z*)`` (every
  evaluation of F in one step happens at z* there).  The step ``h`` may be the varied parameter; the
  fixed point then does not move and the continuation is that of the spectrum.
* Events are detected as sign changes of test functions between consecutive points and located by regula
  falsi on the branch itself (each evaluation is a point corrected from the Hermite interpolant of the current
  bracket: :func:`_root_on_branch`), to a parameter accuracy far below ``1e-8`` relative; branch points are then
  refined on the minimally extended system (:func:`_refine_branch_point`).  Flow: ``fold`` (the parameter component of the tangent),
  ``branch-point`` (determinant of the bordered Jacobian), ``hopf`` (``prod_{i<j} (lambda_i + lambda_j)``,
  the determinant of the bialternate product ``2J (.) I``; a neutral saddle is not reported), with the
  first Lyapunov coefficient from the exact second and third derivatives of F (Kuznetsov's formula).
  Maps: ``fold`` (``prod (mu_i - 1) = det(M - I)``), ``flip`` (``det(M + I)``), ``neimark-sacker``
  (``prod_{i<j} (mu_i mu_j - 1) = det(M (.) M - I)``, neutral saddles excluded), ``branch-point`` (the
  bordered determinant, as for the flow: the fixed points are the zeros of F, so a multiplier +1 where the curve
  does not turn -- a pitchfork -- is a branch point, and a fold only where the parameter turns).
* :func:`boundary_curve` continues one such event in two parameters: the defining system
  ``F(z, a1) = 0, g(z, a1, a2) = 0`` with ``g`` the event's test function, by the same pseudo-arclength
  method in ``(z, a1, a2)``; the stability boundaries of a method in a (strength, step) plane are these
  curves.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import field as dfield

import numpy as np
from scipy import linalg

from ..errors import GandynamicsError
from ..limits import _count
from ..methods import METHODS, beta_for
from ._symbolic import derivatives
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["DISCRETE_METHODS", "STEP_NAMES", "FLOW_EVENTS", "MAP_EVENTS", "Event", "Branch", "Curve",
           "continuation", "boundary_curve", "stability_boundaries", "first_lyapunov_coefficient", "map_multipliers",
           "map_normal_form", "test_functions", "spectrum_stable"]

#: discrete methods whose fixed points are the zeros of F (the map's Jacobian there is the iteration matrix): every
#: method that declares an iteration matrix (:attr:`gandynamics.methods.base.Method.iteration_matrix`)
DISCRETE_METHODS = tuple(name for name, m in METHODS.items() if m.iteration_matrix is not None and not m.continuous)
#: names under which the step h can be the varied parameter
STEP_NAMES = ("h", "step")
FLOW_EVENTS = ("fold", "hopf", "branch-point")
MAP_EVENTS = ("fold", "flip", "neimark-sacker", "branch-point")
#: the events continued as curves in two parameters (a branch point is not a codimension-one event of a generic family)
CURVE_EVENTS_FLOW = ("fold", "hopf")
#: (a map's ``branch-point`` curve is its multiplier +1 curve, ``det(M - I) = 0``, where the branch of zeros of F does
#: not turn: fixed points of the map that are not zeros of F cross it, EG's ``h = 1/lambda``; ``fold`` the same test
#: where it turns)
CURVE_EVENTS_MAP = ("fold", "branch-point", "flip", "neimark-sacker")

#: a located Hopf point's pair has |Re lambda| below this (relative to max(1, |lambda|)), and
#: :func:`first_lyapunov_coefficient` is refused elsewhere
HOPF_TOL = 1e-6

#: the largest magnitude of a continued parameter's range (:func:`continuation`, :func:`stability_boundaries`): the
#: arclength's Euclidean norms of the points (z, parameter) overflow beyond about 1.3e154 (sqrt of the largest double)
PARAMETER_MAX = 1e150
#: a pair counts as complex (Hopf, Neimark-Sacker rather than a neutral saddle) when |Im| exceeds this
#: (relative to max(1, |lambda|))
COMPLEX_TOL = 1e-7


# --------------------------------------------------------------------------- results
def _pairs(vals) -> list:
    from ..jsonio import pairs
    return pairs(vals)


@dataclass
class Event:
    """A located bifurcation on a branch.

    Attributes
    ----------
    type : str
        ``fold``, ``hopf``, ``branch-point`` (flow); ``fold``, ``flip``, ``neimark-sacker``, ``branch-point``
        (maps: the branch of fixed points is the curve of zeros of F, so a multiplier +1 where the curve does not
        turn is a branch point, as for the flow).
    parameter : str
        The varied parameter.
    value : float
        Its value at the event.
    point : ndarray, shape (n,)
        The equilibrium / fixed point z there.
    eigenvalues : ndarray or None
        Eigenvalues of ``J = -DF`` (flow events).
    multipliers : ndarray or None
        Multipliers of the map (discrete events).
    extra : dict
        ``hopf``: ``frequency`` (omega), ``lyapunov`` (first Lyapunov coefficient l1, Kuznetsov's
        normalisation <q, q> = 1), ``c1`` (complex normal-form coefficient), ``criticality``
        (supercritical / subcritical / degenerate); ``neimark-sacker``: ``angle`` (arg of the critical
        multiplier, radians); ``flip`` and ``neimark-sacker`` of gd/eg: ``normal_form`` (the coefficient
        c or d of :func:`map_normal_form`) and ``criticality``.
    """

    type: str
    parameter: str
    value: float
    point: np.ndarray
    eigenvalues: np.ndarray | None = None
    multipliers: np.ndarray | None = None
    extra: dict = dfield(default_factory=dict)

    def to_dict(self) -> dict:
        """The event as built-in Python values (complex numbers as ``[re, im]`` pairs; :mod:`gandynamics.jsonio`)."""
        from ..jsonio import plain
        out = {"type": self.type, "parameter": self.parameter, "value": float(self.value),
               "point": np.asarray(self.point, float).tolist()}
        if self.eigenvalues is not None:
            out["eigenvalues"] = _pairs(self.eigenvalues)
        if self.multipliers is not None:
            out["multipliers"] = _pairs(self.multipliers)
        for k, v in self.extra.items():
            out[k] = plain(v)
        return out

    from ..jsonio import as_dict_deprecated as as_dict

    def __repr__(self) -> str:
        from .._display import event_text
        return event_text(self)


@dataclass
class Branch:
    """A continued branch: ``values[k]`` of the parameter, ``points[k]`` the equilibrium / fixed point,
    ``spectra[k]`` eigenvalues of J (flow) or multipliers (maps), ``stable[k]``, and the events."""

    parameter: str
    method: str | None
    step: float | None
    values: np.ndarray
    points: np.ndarray
    spectra: list
    stable: np.ndarray
    events: list
    params: dict = dfield(default_factory=dict)
    #: why the branch ended: "range" (it left the range, at one of its ends), "max-points" (max_points used up),
    #: "singular" (Newton's method could not reach the range's end: a singular point at it or just before it),
    #: "condition" (the varied hyperparameter reached the end of the model's condition: :attr:`condition` says which)
    #: or "interrupted" (a Ctrl-C: the points found before it, the rest of the range not followed)
    ended: str = "range"
    #: with ``ended == "condition"``: the condition of the model that ends the range there (its text), else ""
    condition: str = ""
    #: the method's options that shape its map (momentum's ``{"beta": -0.5}``; empty for the flow and the others)
    options: dict = dfield(default_factory=dict)

    def to_dict(self) -> dict:
        """The branch as built-in Python values (spectra as ``[re, im]`` pairs; :mod:`gandynamics.jsonio`), as
        ``gandynamics continue --json`` writes it."""
        from ..jsonio import plain
        key = "eigenvalues" if self.method is None else "multipliers"
        return {"branch": plain({"parameter": self.parameter, "method": self.method or "flow", "step": self.step,
                                 "options": self.options, "hyperparameters": self.params, "values": self.values, "points": self.points,
                                 key: [_pairs(s) for s in self.spectra], "stable": [bool(s) for s in self.stable],
                                 "ended": self.ended, "condition": self.condition or None}),
                "events": [e.to_dict() for e in self.events]}

    from ..jsonio import as_dict_deprecated as as_dict

    def turning_points(self) -> np.ndarray:
        """Indices ``k`` of the points where the branch turns back in its parameter (``values[k]`` a local extremum of
        ``values``, steps of zero length skipped: a fold, or the vertex of a pitchfork's branch), shape ``(m,)``, as the
        points sampled show them (two folds within one step show none: ``gandynamics continue`` counts the located
        folds too).  A branch that turned an odd number of times ends at the start's side of the range."""
        d = np.diff(np.asarray(self.values, dtype=float))
        d = d[d != 0]  # (a step landing on the same value: no turn)
        k = np.flatnonzero(d[:-1] * d[1:] < 0) + 1
        idx = np.flatnonzero(np.diff(np.asarray(self.values, dtype=float)) != 0)  # the points after each nonzero move
        return idx[k - 1] + 1 if len(k) else np.zeros(0, dtype=int)

    def __repr__(self) -> str:
        from .._display import branch_text
        return branch_text(self)

    def _repr_html_(self) -> str:
        from .._display import branch_html
        return branch_html(self)


@dataclass
class Curve:
    """A two-parameter curve of a codimension-one event: ``a1[k], a2[k]`` the parameters, ``points[k]``
    the equilibrium, ``genuine[k]`` False where the test function vanishes for another reason (a neutral
    saddle: a real pair with ``lambda_i + lambda_j = 0`` or ``mu_i mu_j = 1``); ``on_boundary[k]`` (set by
    :func:`stability_boundaries`, and by :func:`boundary_curve` with ``boundary=True``; else None) True where the
    curve is genuine and bounds the stable region (spectral radius 1, or spectral abscissa 0 for the flow)."""

    kind: str
    parameters: tuple
    method: str | None
    a1: np.ndarray
    a2: np.ndarray
    points: np.ndarray
    genuine: np.ndarray
    on_boundary: np.ndarray | None = None

    def to_dict(self) -> dict:
        """The curve as built-in Python values, as ``gandynamics continue --vary2 --json`` writes it."""
        out = {"kind": self.kind, "parameters": list(self.parameters), "method": self.method or "flow",
               "a1": self.a1.tolist(), "a2": self.a2.tolist(), "points": self.points.tolist(),
               "genuine": [bool(g) for g in self.genuine]}
        if self.on_boundary is not None:
            out["on_boundary"] = [bool(g) for g in self.on_boundary]
        return out

    from ..jsonio import as_dict_deprecated as as_dict

    def __repr__(self) -> str:
        from .._display import curve_text
        return curve_text(self)


# --------------------------------------------------------------------------- spectra and test functions
def refusal(method: str) -> GandynamicsError:
    """The error for a method that cannot be continued: unknown, the flow given by name, or one without an
    iteration matrix (its own reason), worded as every refusal of a method name
    (:func:`gandynamics.methods.refuse_methods`)."""
    from ..methods import refuse_methods
    reasons = {m.name: ("the flow's equilibria are continued with no method given: no --method, method=None in Python"
                        if m.continuous else f"it has no iteration matrix at a fixed point, since {m.no_matrix}"
                        if m.no_matrix else "it has no iteration matrix") for m in METHODS.values()
               if m.name not in DISCRETE_METHODS}
    try:
        refuse_methods([method], DISCRETE_METHODS, reasons, also="or none (the flow)")
    except GandynamicsError as exc:
        return exc
    raise ValueError(f"{method!r} can be continued")  # pragma: no cover - called for a refused method only


def map_options(method, beta: float | None) -> dict:
    """The options a method's map was built with, for its record: ``{"beta": beta}`` for a method that takes a
    momentum coefficient (its default, -0.5, when ``beta`` is None: :func:`gandynamics.methods.beta_for`), else
    empty (the flow, gd, eg, ...)."""
    return {"beta": beta_for(method, beta)} if method in METHODS and "beta" in METHODS[method].option_names else {}


def map_multipliers(method: str, A, h: float, n_theta: int | None = None, beta: float | None = None) -> np.ndarray:
    """The multipliers of ``method``'s map at a fixed point with ``A = DF(z*)`` and step ``h``: the
    eigenvalues of :func:`gandynamics.analysis.rates.iteration_matrix` (computed from the eigenvalues of A
    by :func:`gandynamics.analysis.rates.multipliers` where the method declares them in closed form)."""
    from .rates import iteration_matrix, matrix_eigenvalues, multipliers
    if METHODS[method].multipliers is not None:  # a closed form per eigenvalue of A (None: not for these options)
        try:
            return multipliers(method, np.linalg.eigvals(np.asarray(A, float)), h, beta)
        except GandynamicsError:
            pass
    return matrix_eigenvalues(iteration_matrix(method, A, h, n_theta=n_theta, beta=beta))


def _pair_prod(vals, op) -> float:
    vals = np.asarray(vals, dtype=complex)
    out = 1.0 + 0j
    for i in range(vals.size):
        for j in range(i + 1, vals.size):
            out *= op(vals[i], vals[j])
    return float(out.real)


def test_functions(spec, discrete: bool) -> dict:
    """The spectral test functions at one point: ``hopf`` = prod_{i<j}(l_i + l_j) (flow); ``fold`` =
    prod(mu - 1), ``flip`` = prod(mu + 1), ``neimark-sacker`` = prod_{i<j}(mu_i mu_j - 1) (maps).  Each is
    a real polynomial in the matrix entries (a determinant), so it changes sign where the event occurs."""
    spec = np.asarray(spec, dtype=complex)
    if not discrete:
        return {"hopf": _pair_prod(spec, lambda a, b: a + b)}
    return {"fold": float(np.prod(spec - 1).real), "flip": float(np.prod(spec + 1).real),
            "neimark-sacker": _pair_prod(spec, lambda a, b: a * b - 1)}


class _Problem:
    """F, its derivatives and the spectrum as functions of (z, a) for one varied parameter."""

    def __init__(self, fld, vary, params, method, step, beta):
        if method is not None and (not isinstance(method, str) or method not in DISCRETE_METHODS):
            raise refusal(method)
        from ..validate import finite
        # (None: the method's declared default, momentum's -0.5, as on the command line: gandynamics.methods.beta_for)
        self.fld, self.method = fld, method
        self.beta = beta_for(method, None if beta is None else finite(beta, "beta"))
        self.p = fld.param_vector(params, signed=True)
        self.vary = vary
        if vary in STEP_NAMES:
            if method is None:
                raise GandynamicsError("the step h can vary only for a discrete method (give --method gd|eg|eftp|...)")
            self.ivary = None
            self.step = None
        else:
            names = [s.name for s in fld.hyper]
            if vary not in names:
                acc = ", ".join(names + ([] if method is None else ["h"])) or "none"
                note = fld.factory_arguments_note([vary]) if isinstance(vary, str) else ""
                if note:
                    raise GandynamicsError(f"cannot vary {vary!r}: {note}; accepted: {acc}")
                raise GandynamicsError(f"cannot vary {vary!r}: not a hyperparameter of this field; accepted: {acc} "
                                       "(a regularizer's strength is one once the regularizer is applied, --reg NAME; "
                                       "a game's own parameter when the game declares it, Game(..., hyper={symbol: "
                                       "value}); a factory's keyword fixes it at build time)")
            self.ivary = names.index(vary)
            if method is not None:
                if step is None:
                    raise GandynamicsError(f"method {method} needs a step h (--step H)")
                step = float(step)
                if not (math.isfinite(step) and step > 0):
                    raise GandynamicsError(f"the step must be a positive number, got {step!r}")
            self.step = step
        self.m = fld.point_module(calls=fld.SOLVER_CALLS)
        self.n = fld.n
        self._dfp = None if self.ivary is None else derivatives(fld).dF_dp(vary)

    def pv(self, a):
        if self.ivary is None:
            return self.p
        p = self.p.copy()
        p[self.ivary] = a
        return p

    def h(self, a):
        return a if self.ivary is None else self.step

    def F(self, z, a):
        return self.m.field(np.asarray(z, float), self.pv(a), np.empty(self.n))

    def Fz(self, z, a):
        return self.m.jacobian(np.asarray(z, float), self.pv(a), np.empty((self.n, self.n)))

    def Fa(self, z, a):
        if self.ivary is None:
            return np.zeros(self.n)
        try:  # (interpreted: 0.0 ** -0.5 raises where the compiled F and DF give inf, as d/da sqrt(1 - a**2) at a = 1)
            with np.errstate(all="ignore"):
                return self._dfp(z, self.pv(a))
        except ArithmeticError:
            return np.full(self.n, np.nan)

    def spectrum(self, z, a):
        A = self.Fz(z, a)
        if self.method is None:
            return np.linalg.eigvals(-A)
        return map_multipliers(self.method, A, self.h(a), self.fld.n_theta, self.beta)

    def stable_at(self, z, a) -> bool:
        """Stability of the branch's point ``(z, a)`` read as :func:`gandynamics.spectrum`, ``classify`` and ``rates``
        read it: every eigenvalue of ``J = -DF`` with its radius of rounding in the open left half-plane (flow), the
        method's rate with its multipliers' radii below 1 (maps; :func:`gandynamics.analysis.rates.rate_upper`).  The
        spectrum alone (:func:`spectrum_stable`) called a nilpotent J stable: its eigenvalues compute as -3e-17 (0)."""
        A = self.Fz(z, a)
        if not np.all(np.isfinite(A)):
            return False
        if self.method is None:
            from ..eigbounds import flow_reading
            return flow_reading(-A)[0] == "stable"
        from .rates import STABLE_TOL, rate_upper
        try:
            return bool(rate_upper(self.method, A, self.h(a), n_theta=self.fld.n_theta, beta=self.beta)
                        < 1 - STABLE_TOL)
        except GandynamicsError:  # a method undefined at this point (a singular implicit system)
            return False


# --------------------------------------------------------------------------- the corrector
class _NoConvergence(Exception):
    pass


def _bordered(Hx, t):
    return np.vstack([Hx, t[None, :]])


def _tangent(Hx, t_prev):
    if not np.all(np.isfinite(Hx)):
        raise _NoConvergence("non-finite derivative")
    rhs = np.zeros(Hx.shape[0] + 1)
    rhs[-1] = 1.0
    try:
        t = np.linalg.solve(_bordered(Hx, t_prev), rhs)
    except np.linalg.LinAlgError:
        raise _NoConvergence("singular bordered Jacobian") from None
    t /= np.linalg.norm(t)
    return t if t @ t_prev >= 0 else -t


def _newton(H, Hx, x_pred, t, tol=1e-13, maxit=12):
    """Newton on ``[H(x); t.(x - x_pred)] = 0`` from ``x_pred``; returns (x, iterations).  Converged when the step is
    below ``tol (1 + |x|)``, or below ``1e-8 (1 + |x|)`` and no longer falling (rounding), and ``|H|`` below ``1e-9 (1 + |x|) max(1, |D_x H|)`` (the residual in the units of F
    times those of x: F scaled by 1e4 about x ~ 1000 stalled the continuation, its rounding alone above 1e-9 |x|)."""
    x = x_pred.copy()
    prev = math.inf
    for it in range(1, maxit + 1):
        r = np.append(H(x), t @ (x - x_pred))
        if not np.all(np.isfinite(r)):
            raise _NoConvergence("non-finite residual")
        A = Hx(x)
        if not np.all(np.isfinite(A)):
            raise _NoConvergence("non-finite derivative")
        try:
            dx = np.linalg.solve(_bordered(A, t), -r)
        except np.linalg.LinAlgError:
            raise _NoConvergence("singular bordered Jacobian") from None
        x = x + dx
        size, step = 1.0 + np.linalg.norm(x), float(np.linalg.norm(dx))
        # converged: the step below tol, or at rounding level where the steps stopped falling (an ill-conditioned
        # bordered matrix near a branch point, |x| ~ 1000: steps of 1e-9 that no iteration reduces to 1e-13 |x|)
        if step <= tol * size or (step <= 1e-8 * size and step > 0.25 * prev):
            if np.linalg.norm(H(x)) <= 1e-9 * size * max(1.0, float(np.linalg.norm(A))):
                return x, it
        prev = step
    raise _NoConvergence(f"no convergence in {maxit} Newton steps")


# --------------------------------------------------------------------------- Lyapunov coefficient
def first_lyapunov_coefficient(fld, z, params=None):
    """The first Lyapunov coefficient at a Hopf point of the flow ``z' = v(z) = -F(z)``.

    Kuznetsov (2004, Elements of Applied Bifurcation Theory, 3rd ed.: the planar formula in §3.5, its
    n-dimensional form by centre-manifold projection in §5.4; MatCont uses the same) with
    ``A = J = Dv``, ``A q = i omega q``, ``A^T p = -i omega p``, ``<q, q> = <p, q> = 1``
    (``<p, q> = conj(p)^T q``), ``B, C`` the second and third derivatives of v (exact, from sympy):

    ``c1 = 1/2 <p, C(q,q,qbar) - 2 B(q, A^{-1} B(q,qbar)) + B(qbar, (2 i omega I - A)^{-1} B(q,q))>``,
    ``l1 = Re c1 / omega``.

    Returns
    -------
    dict with ``lyapunov`` (l1), ``c1`` (complex), ``frequency`` (omega), ``q``, ``p`` (complex vectors,
    shape (n,)).  Raises GandynamicsError when J has no purely imaginary pair (none with ``|Re lambda|`` within
    :data:`HOPF_TOL` of 0, relative to ``max(1, |lambda|)``: the tolerance with which a located Hopf point's pair
    is accepted): the formula at any other point returned a number that is no Lyapunov coefficient (``gandynamics
    cycle --from-hopf NAME=VH:AT`` with VH no Hopf value printed it as the prediction's l1).
    """
    p = fld.param_vector(params, signed=True)
    z = fld.point(z)
    A = fld.eval_J(z, p)
    w, vl, vr = linalg.eig(A, left=True, right=True)
    cand = [i for i in range(w.size) if w[i].imag > COMPLEX_TOL * max(1.0, abs(w[i]))]
    if not cand:
        raise GandynamicsError("no complex pair of eigenvalues: not a Hopf point")
    i = min(cand, key=lambda k: abs(w[k].real))
    if abs(w[i].real) > HOPF_TOL * max(1.0, abs(w[i])):
        raise GandynamicsError(f"not a Hopf point: the complex pair nearest the imaginary axis is {w[i].real:z.6g} +- "
                               f"{w[i].imag:z.6g}i (|Re| above {HOPF_TOL:zg} |lambda|); the first Lyapunov coefficient is "
                               "defined where a pair is purely imaginary (locate it with continuation)")
    omega = float(w[i].imag)
    others = [k for k in range(w.size) if k != i and abs(w[k] - np.conj(w[i])) > COMPLEX_TOL * max(1.0, abs(w[i]))]
    _refuse_codimension_two(w, others, w[i], flow=True, what="the first Lyapunov coefficient")
    # refine the eigenvector for exactly i omega (the point is a Hopf point up to rounding)
    q = vr[:, i] / np.linalg.norm(vr[:, i])
    pl = vl[:, i]                       # conj(pl)^T A = w_i conj(pl)^T, i.e. A^T conj? -> <pl, .> works
    pl = pl / np.conj(np.vdot(pl, q))   # <p, q> = vdot(p, q) = 1
    D = derivatives(fld)
    B = lambda u, v_: -D.B(z, p, u, v_)  # derivatives of v = -F
    C = lambda u, v_, y: -D.C(z, p, u, v_, y)
    qb = np.conj(q)
    a1 = np.linalg.solve(A.astype(complex), B(q, qb))
    a2 = np.linalg.solve(2j * omega * np.eye(fld.n) - A, B(q, q))
    c1 = 0.5 * np.vdot(pl, C(q, q, qb) - 2 * B(q, a1) + B(qb, a2))
    l1 = float(c1.real / omega)
    return {"lyapunov": l1, "c1": complex(c1), "frequency": omega, "q": q, "p": pl}


def _refuse_codimension_two(w, others, lam, flow: bool, what: str) -> None:
    """Refuse a normal form at a point of codimension two: the formulas of :func:`first_lyapunov_coefficient` and
    :func:`map_normal_form` reduce to a centre manifold spanned by the critical eigenvalue ``lam`` (and its conjugate)
    alone, and their resolvents (``A^{-1}`` and ``(2 i omega I - A)^{-1}`` for a Hopf point, ``(A - I)^{-1}`` for a
    flip, ``(I - A)^{-1}`` and ``(mu0^2 I - A)^{-1}`` for a Neimark-Sacker point) are singular exactly when another
    eigenvalue lies at their point of the critical set (the imaginary axis of a flow, the unit circle of a map).  So
    any other eigenvalue ``w[others]`` on the critical set (within :data:`HOPF_TOL`) makes a point of codimension
    two, named as Kuznetsov (2004, ch. 8 and 9) names it (zero-Hopf, double Hopf, fold-flip, flip-Neimark-Sacker,
    fold-Neimark-Sacker, double Neimark-Sacker); a Neimark-Sacker pair ``e^{+-i theta}`` with ``e^{i k theta} = 1``,
    ``k = 3, 4`` is a strong resonance (Kuznetsov 2004, Theorem 4.6 excludes k = 1..4; k = 1, 2 are no complex pair).
    Raises GandynamicsError saying which, with the eigenvalue, and that ``what`` is not defined there."""
    scale = max(1.0, abs(lam))
    on = [k for k in others if (abs(w[k].real) <= HOPF_TOL * max(1.0, abs(w[k])) if flow
                                else abs(abs(w[k]) - 1.0) <= HOPF_TOL)]
    pair = f"+-{abs(lam.imag):z.6g}i" if flow else (f"{lam.real:z.6g}" if abs(lam.imag) <= COMPLEX_TOL else
                                                   f"{lam.real:z.6g} +- {abs(lam.imag):z.6g}i")
    crit = "the pair " + pair if flow or abs(lam.imag) > COMPLEX_TOL else "the multiplier " + pair
    if on:
        v = w[on[0]]
        real = abs(v.imag) <= COMPLEX_TOL * max(1.0, abs(v))
        at_one, at_minus_one = real and v.real > 0, real and v.real < 0
        if flow:
            name = "a zero-Hopf point (fold-Hopf, " if abs(v) <= HOPF_TOL * scale else "a double Hopf point (Hopf-Hopf, "
        elif abs(lam.imag) <= COMPLEX_TOL:  # a flip
            name = ("a fold-flip point (" if at_one else "a flip point of multiplicity two (" if at_minus_one
                    else "a flip-Neimark-Sacker point (")
        else:
            name = ("a fold-Neimark-Sacker point (" if at_one else "a flip-Neimark-Sacker point (" if at_minus_one
                    else "a double Neimark-Sacker point (")
        name += "codimension two)"
        shown = f"{v.real:z.3g}" if real else f"{v.real:z.6g} {'+' if v.imag >= 0 else '-'} {abs(v.imag):z.6g}i"
        raise GandynamicsError(f"{name}: {'J has the eigenvalue' if flow else 'the map has the multiplier'} {shown} "
                               f"besides {crit}, so {what} (of a centre manifold of the critical eigenvalues alone) is "
                               "not defined and no criticality follows")
    if not flow and abs(lam.imag) > COMPLEX_TOL:
        for k in (3, 4):
            if abs(lam**k - 1.0) <= HOPF_TOL * k:
                raise GandynamicsError(f"a strong resonance 1:{k} (codimension two): the multipliers {crit} are "
                                       f"e^(+-2 pi i/{k}), where {what} does not decide the dynamics (resonant terms "
                                       "of the same order) and no criticality follows")


def _map_derivatives(fld, method, z, p, h):
    """``A, B, C``: first, second and third derivatives of the map of ``method`` at a fixed point z
    (``F(z) = 0``), exact from the symbolic derivatives of F by the chain rule.  gd: ``G = z - h F(z)``;
    eg: ``G = z - h F(w(z))`` with ``w = z - h F(z)`` (``w(z*) = z*``)."""
    D = derivatives(fld)
    AF = fld.eval_DF(z, p)
    BF = lambda u, v: D.B(z, p, u, v)
    CF = lambda u, v, y: D.C(z, p, u, v, y)
    n = fld.n
    if method == "gd":
        return np.eye(n) - h * AF, (lambda u, v: -h * BF(u, v)), (lambda u, v, y: -h * CF(u, v, y))
    if method == "eg":
        Dw = np.eye(n) - h * AF
        w1 = lambda u: Dw @ u
        w2 = lambda u, v: -h * BF(u, v)
        A = np.eye(n) - h * AF @ Dw
        B = lambda u, v: -h * (BF(w1(u), w1(v)) + AF @ w2(u, v))
        C = lambda u, v, y: -h * (CF(w1(u), w1(v), w1(y)) + BF(w2(u, v), w1(y)) + BF(w2(u, y), w1(v))
                                  + BF(w1(u), w2(v, y)) + AF @ (-h * CF(u, v, y)))
        return A, B, C
    return None


def map_normal_form(fld, method: str, kind: str, z, params=None, h: float = None):
    """The normal-form coefficient of a flip or Neimark–Sacker point of a method's map (gd and eg; exact
    derivatives of the map by the chain rule).

    Kuznetsov (2004, §5.4; docs/math/bifurcations.md §2.5), with ``A q = mu0 q``, ``A^T p = conj(mu0) p``,
    ``<q, q> = <p, q> = 1``:

    * flip (``mu0 = -1``): ``c = 1/6 <p, C(q,q,q)> - 1/2 <p, B(q, (A - I)^{-1} B(q,q))>``; the map on the
      centre manifold is ``eta -> -eta + c eta^3``, so its square is ``eta -> eta - 2 c eta^3``: c > 0
      supercritical (a stable period-2 orbit is born), c < 0 subcritical;
    * Neimark–Sacker (``mu0 = e^{i theta}``): ``d = 1/2 Re{e^{-i theta} [<p, C(q,q,qbar)>
      + 2 <p, B(q, (I - A)^{-1} B(q,qbar))> + <p, B(qbar, (e^{2 i theta} I - A)^{-1} B(q,q))>]}``; d < 0
      supercritical (a stable invariant circle), d > 0 subcritical.

    Returns
    -------
    dict with ``coefficient`` and ``criticality``, or None for other methods.

    Raises
    ------
    GandynamicsError
        When the map has no multiplier -1 (flip) or no complex pair on the unit circle (Neimark–Sacker) within
        :data:`HOPF_TOL`: the formulas elsewhere give numbers that are no normal-form coefficient.
    """
    p = fld.param_vector(params, signed=True)
    z = fld.point(z)
    der = _map_derivatives(fld, method, z, p, float(h))
    if der is None:
        return None
    A, B, C = der
    w, vl, vr = linalg.eig(A, left=True, right=True)
    n = fld.n
    if kind == "flip":
        i = int(np.argmin(np.abs(w + 1)))
        if abs(w[i] + 1) > HOPF_TOL:
            raise GandynamicsError(f"not a flip point: the multiplier nearest -1 is {w[i].real:z.6g}{w[i].imag:+z.6g}i "
                                   f"(farther than {HOPF_TOL:zg}); the normal form is defined at a multiplier -1")
        _refuse_codimension_two(w, [k for k in range(w.size) if k != i], w[i], flow=False,
                                what="the flip's normal-form coefficient")
        q = vr[:, i].real
        q = q / np.linalg.norm(q)
        pl = vl[:, i].real
        pl = pl / (pl @ q)
        Bqq = B(q, q).real
        c = float(pl @ C(q, q, q).real / 6 - 0.5 * pl @ B(q, np.linalg.solve(A - np.eye(n), Bqq)).real)
        return {"coefficient": c, "criticality": _criticality(-c, abs(c))}
    if kind == "neimark-sacker":
        cand = [k for k in range(w.size) if w[k].imag > COMPLEX_TOL]
        if not cand:
            return None
        i = min(cand, key=lambda k: abs(abs(w[k]) - 1))
        if abs(abs(w[i]) - 1) > HOPF_TOL:
            raise GandynamicsError(f"not a Neimark-Sacker point: the complex multiplier nearest the unit circle has "
                                   f"modulus {abs(w[i]):z.9g}; the normal form is defined where a pair lies on it")
        mu0 = w[i]
        _refuse_codimension_two(w, [k for k in range(w.size) if k != i and abs(w[k] - np.conj(mu0)) > COMPLEX_TOL],
                                mu0, flow=False, what="the Neimark-Sacker normal-form coefficient")
        q = vr[:, i] / np.linalg.norm(vr[:, i])
        pl = vl[:, i]
        pl = pl / np.conj(np.vdot(pl, q))
        qb = np.conj(q)
        term = (np.vdot(pl, C(q, q, qb)) + 2 * np.vdot(pl, B(q, np.linalg.solve(np.eye(n) - A, B(q, qb))))
                + np.vdot(pl, B(qb, np.linalg.solve(mu0**2 * np.eye(n) - A, B(q, q)))))
        d = float(0.5 * (np.conj(mu0) / abs(mu0) * term).real)
        return {"coefficient": d, "criticality": _criticality(d, abs(term))}
    raise GandynamicsError(f"no map normal form for {kind!r}; accepted: flip, neimark-sacker")


def _criticality(l1, scale, tol=1e-9):
    if abs(l1) <= tol * max(1.0, scale):
        return "degenerate"
    return "supercritical" if l1 < 0 else "subcritical"


# --------------------------------------------------------------------------- one-parameter continuation
#: a range wider than this is crossed in steps of at most a tenth of the parameter's size, and near 0 of a fiftieth
#: of this (:func:`_step_cap`)
WIDE_SPAN = 10.0


def _step_cap(span: float):
    """The largest arclength step at a point of parameter value ``a`` of a branch over a range ``span`` wide:
    unbounded for a range of at most :data:`WIDE_SPAN` (the steps are fractions of the span), else ``max(WIDE_SPAN /
    50, |a| / 10)``: a range far wider than where the branch changes is crossed near 0 in the steps of a range
    ``WIDE_SPAN`` wide and elsewhere in steps that grow with the parameter's size, not in fiftieths of the span
    (``-1:1e20`` stepped from -1 to 2e18 in one, over the Hopf point at 0, and read a fold at -1)."""
    if span <= WIDE_SPAN:
        return lambda a: math.inf
    return lambda a: max(WIDE_SPAN / 50, 0.1 * abs(a))


class _CtrlC:
    """A block that a Ctrl-C (KeyboardInterrupt) ends without raising it: ``caught`` says whether one did, and the
    caller keeps what the block found (a continuation's points).  Other exceptions pass."""

    caught = False

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb) -> bool:
        self.caught = kind is not None and issubclass(kind, KeyboardInterrupt)
        return self.caught


#: the bar of a continuation: the share of its range covered, and the time left at that pace (no count of points
#: out of max_points: a cap the branch seldom reaches, where the bar stood near 0 to the end)
COVERED_BAR = "{desc}: {percentage:z3.0f}%|{bar}| [{elapsed}<{remaining}]"


class _Covered:
    """The share of the range from ``lo`` to ``hi`` (two different floats) that a branch has covered: the farthest its
    parameter has gone from ``lo`` toward ``hi``, as a fraction in [0, 1]; a branch that turns back at a fold keeps the
    share it reached (it covers no new values going back)."""

    def __init__(self, lo: float, hi: float):
        self.lo, self.span, self.share = lo, hi - lo, 0.0

    def at(self, a: float) -> float:
        """The share covered once the branch has reached parameter value ``a``."""
        self.share = max(self.share, min(1.0, max(0.0, (a - self.lo) / self.span)))
        return self.share


def continuation(fld, vary: str, lo: float, hi: float, *, params=None, method: str | None = None,
                 step: float | None = None, beta: float | None = None, start=None, ds: float | None = None,
                 ds_max: float | None = None, max_points: int = 2000, events=True, progress=None) -> Branch:
    """Pseudo-arclength continuation of equilibria (``method=None``) or of a method's fixed points.

    Parameters
    ----------
    fld : VectorField
    vary : str
        The varied parameter: a hyperparameter name of ``fld`` (``gamma``, ``eps``, a game parameter
        declared as hyperparameter), or ``h`` (alias ``step``) for a discrete method.
    lo, hi : float
        The branch starts at ``vary = lo`` and is followed until the parameter leaves ``[min, max]`` of
        the two (it may turn back at folds), or ``max_points`` points.  Both within ``+-PARAMETER_MAX`` (1e150:
        beyond, the arclength's norms overflow); the steps are fractions of ``|hi - lo|`` and, over a range wider
        than :data:`WIDE_SPAN`, at most a tenth of the parameter's size or a fiftieth of WIDE_SPAN
        (:func:`_step_cap`).
    params : mapping, optional
        Values of the other hyperparameters.
    method : None or str
        None for the flow; else one of :data:`DISCRETE_METHODS` (multipliers of its map).
    step : float
        The step h of a discrete method (unless h varies).
    beta : float, optional
        Momentum coefficient (momentum only; default its declared -0.5, as on the command line:
        :func:`gandynamics.methods.beta_for`).
    start : sequence, optional
        A guess of the equilibrium at ``lo`` (default: the game's known equilibrium, else 0).
    ds, ds_max : float, optional
        Initial and largest arclength steps (default ``|hi - lo| / 50``, at most :func:`_step_cap`'s at ``lo``, and
        ``|hi - lo| / 10``).
    events : bool or sequence of str
        Which events to locate (True: all of :data:`FLOW_EVENTS` or :data:`MAP_EVENTS`).
    progress : bool, None or callable
        A bar of the share of the range covered (the farthest the parameter has gone from ``lo`` toward ``hi``, or
        toward the end of the model's condition when that cuts the range): True always, False never, None (default)
        where a bar can be seen once the continuation is long; or ``progress(done, total)``, called after each point
        with ``done`` that share, a float in [0, 1], and ``total`` 1.0 (:func:`gandynamics.runs.progress.counted`).
        A continuation still going after a few seconds with no bar drawn says what it follows (a notice).  Ctrl-C
        (KeyboardInterrupt) stops it and returns the branch found so far, with ``ended == "interrupted"``: its
        points, spectra and events those of the uninterrupted branch up to the last step that finished.

    Returns
    -------
    Branch
        Points, spectra, stability and located :class:`Event` s (docs/math/bifurcations.md §1–§3).

    Raises
    ------
    GandynamicsError
        Unknown parameter or method, no equilibrium at ``lo``, a singular start (D_z F singular with
        D_a F in its range), a continuation that cannot proceed, or a branch whose points (as many as
        ``max_points``, or as the range needs at steps of at most ``ds_max``: :func:`_check_branch_memory`) would not
        fit in memory.
    """
    from ..validate import field as _as_field
    fld = _as_field(fld, "continuation")  # a Game, a name or None: what it takes, not an AttributeError
    from ..validate import positive, whole
    from .spectrum import find_equilibrium
    if any(isinstance(v, (bool, np.bool_)) for v in (lo, hi)):  # (True is not 1)
        raise GandynamicsError(f"the parameter range must be two different finite numbers, got {lo!r}:{hi!r}")
    try:
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        raise GandynamicsError(f"the parameter range must be two different finite numbers, got {lo!r}:{hi!r}") from None
    if method is None and step is not None:  # it was ignored: the flow has no step (the CLI refused it already)
        raise GandynamicsError("step applies to a discrete method only; give method=... or leave out step")
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo == hi:
        raise GandynamicsError(f"the parameter range must be two different finite numbers, got {lo}:{hi}")
    ds = None if ds is None else positive(ds, "ds")              # a negative ds gave a branch standing still
    ds_max = None if ds_max is None else positive(ds_max, "ds_max")
    max_points = whole(max_points, "max_points", lo=2)
    from ..runs.progress import progress_option
    progress = progress_option(progress)
    prob = _Problem(fld, vary, params, method, step, beta)
    if prob.ivary is None and min(lo, hi) <= 0:
        raise GandynamicsError(f"the step range must be positive, got {lo}:{hi}")
    if prob.ivary is not None:  # a hyperparameter declared of one sign (lq-wgan's s > 0): its range too; a strength
        for end in (lo, hi):    # may cross 0 here (signed: the Hopf point of a Dirac-GAN at gamma = 0)
            fld.hyper_value(vary, end, signed=True)
        # the start within the model's other conditions (Normal(0, 1 - s**2) at s = 2 read as an overflow of F); the far
        # end may break them: the branch then ends where they do (_condition_end)
        fld.check_conditions(prob.pv(lo))
    discrete = method is not None
    accepted = MAP_EVENTS if discrete else FLOW_EVENTS
    if events is True:
        kinds = accepted
    elif events is None or events is False or (not isinstance(events, str) and hasattr(events, "__len__")
                                               and len(events) == 0):
        kinds = ()
    else:  # a name from the wrong family or a number was a KeyError / TypeError inside the loop
        from ..validate import name_list
        kinds = tuple(name_list(events, "events", accepted))
    z0, _ = find_equilibrium(fld, prob.pv(lo), start=start)
    bad = fld.nonsmooth_at(z0, prob.pv(lo))
    if bad:  # (its eigenvalues were a convention's DF there: "stable at the start: yes" of WGAN-GP's kink)
        from .nonsmooth import NotDifferentiable, not_differentiable
        raise NotDifferentiable(f"{not_differentiable(bad, 'at the branch' + chr(39) + 's first point')}, {vary} = "
                                f"{lo:zg}: no linearisation, no eigenvalues to follow", bad)
    n = prob.n
    H = lambda x: prob.F(x[:n], x[n])
    Hx = lambda x: np.column_stack([prob.Fz(x[:n], x[n]), prob.Fa(x[:n], x[n])])
    span = abs(hi - lo)
    if not max(abs(lo), abs(hi)) <= PARAMETER_MAX:  # (a span of inf: steps of inf, a continuation that never ended;
        # ends beyond 1.3e154: the norms of the points (z, a) overflow, and a fold was "found" at beta = -3.2e183)
        raise GandynamicsError(f"the parameter range {lo:zg}:{hi:zg} reaches beyond +-{PARAMETER_MAX:zg}, where the "
                               "arclength of the branch (a Euclidean norm of the points (z, parameter)) overflows; "
                               "give a narrower range")
    cut = _condition_end(fld, prob, lo, hi)  # (the model defined only on part of the range: the branch ends there)
    sgn = 1.0 if hi > lo else -1.0
    ds_max = float(ds_max or span / 10)
    # (the points the range takes up to where the model ends, if it ends in it: 999,501 points were refused for a
    # branch that ends at the model's condition after 481, a review)
    _check_branch_memory(max_points, (abs(cut[0] - lo) if cut is not None else span) / ds_max, n, vary)
    cap = _step_cap(span)
    ds = float(ds or min(span / 50, cap(lo)))
    ds_min = lambda a: 1e-9 * min(span, cap(a))  # noqa: E731  (a step this small: the continuation stalled)
    if cut is not None:
        if abs(cut[0] - lo) <= ds_min(lo):  # (the start on the edge, or nearer it than the smallest step: a branch of
            # one point, "stops ... after 1 points", the rest of the range "not followed"; a reviewer's finding)
            where = f"at {vary} = {lo:zg}" if cut[0] == lo else f"up to {vary} = {cut[0]:z.12g}"
            raise GandynamicsError(f"the model is defined only {where} of the range {lo:z.12g}:{hi:zg} ({cut[1]}); "
                                   "give a range within it")
        hi = cut[0]
    pmin, pmax = min(lo, hi), max(lo, hi)
    x = np.append(z0, lo)
    e = np.zeros(n + 1)
    e[n] = sgn
    try:
        t = _tangent(Hx(x), e)
    except _NoConvergence:
        if not np.all(np.isfinite(Hx(x))):  # (a start on the edge of the model's domain: d/da sqrt(1 - a**2) at a = 1)
            edge = _broken(fld, prob, lo - sgn * CONDITION_NEAR * span) if prob.ivary is not None else None
            raise GandynamicsError(
                f"a derivative of F is not finite at the branch's first point, {vary} = {lo:zg}"
                + (f", on the edge of {_condition_text(edge)}" if edge else "")
                + "; start inside") from None
        raise GandynamicsError(f"the branch is singular at {vary} = {lo:zg} (D_z F singular); start elsewhere") from None

    def tests(x, t):
        spec = prob.spectrum(x[:n], x[n])
        out = test_functions(spec, discrete)
        if not discrete:
            out["fold"] = float(t[n])
        # (maps too: their fixed points are the zeros of F, the same curve: a multiplier +1 where the bordered
        # determinant changes sign is a branch point -- a pitchfork of the fixed points -- not a fold)
        out["branch-point"] = float(np.linalg.det(_bordered(Hx(x), t)))
        return {k: v for k, v in out.items() if k in kinds}, spec

    tv, spec = tests(x, t)
    last = dict(tv)
    xs, specs = [x.copy()], [spec]
    stab = [prob.stable_at(x[:n], float(x[n]))]
    ended = "range"
    definite = None if spectrum_marginal(spec, discrete) else spec  # the last spectrum off the stability boundary
    found: list[Event] = []
    # the branch so far, whole: (points, events) of the last step that finished; a Ctrl-C keeps these (one store of a
    # tuple, made after the step's appends: an interrupt between two appends keeps the step before)
    kept = (1, 0)
    # a long branch says what it follows, with a bar of the range covered where one can be seen (--max-points 1e9
    # --max-step 1e-9 ran for hours without a word: a tester; its bar counted toward max_points, a cap it never
    # reached); Ctrl-C stops it and keeps the points found (ended "interrupted")
    from ..runs.progress import counted
    what = "equilibria of the flow" if method is None else f"fixed points of {method}"
    covered, ctrl_c = _Covered(lo, hi), _CtrlC()
    with counted(f"continuation: following the {what} in {vary} from {lo:zg} to {hi:zg} (at most "
                 f"{_count(max_points)} points; Ctrl-C stops it and keeps the points found) ...", 1.0,
                 desc=f"{vary} range covered", unit="range", progress=progress, bar_format=COVERED_BAR) as bar, \
            ctrl_c:  # (a Ctrl-C ends the loop; what it found is kept below)
        while len(xs) < max_points:
            ds = min(ds, cap(x[n]))
            try:
                x_new, its = _newton(H, Hx, x + ds * t, t)
                t_new = _tangent(Hx(x_new), t)
            except _NoConvergence:
                ds /= 2
                if ds < ds_min(x[n]):
                    if cut is not None and abs(x[n] - cut[0]) <= CONDITION_NEAR * span:  # (the model degenerates at the
                        ended = "condition"  # end of its condition -- a variance 0 -- and Newton's method with it)
                        break
                    raise GandynamicsError(f"continuation stalled at {vary} = {x[n]:z.10g} (step below "
                                           f"{ds_min(x[n]):z.2g})") from None
                continue
            # a step must not jump across a fold unnoticed or reverse: keep steps small relative to curvature
            if t_new @ t < 0.9 and ds > 4 * ds_min(x[n]):
                ds /= 2
                continue
            # a step that turns back in the parameter beyond the range's end (a fold just past it) left the range within the
            # step: shorter steps end the branch at the bound instead (it read a fold at 6.5e-40 in mu = 1:1e-6); one that
            # turns and leaves the range is shortened too, so that the end is placed on a step that does not turn (from
            # a start at the bound, mu = 1e-4 with a fold at 0, the end was placed back on the start)
            if (t[n] * t_new[n] < 0 and ds > 4 * ds_min(x[n])
                    and (not pmin <= x_new[n] <= pmax or not _turns_in(H, Hx, x, t, x_new, t_new, n, pmin, pmax))):
                ds /= 2
                continue
            end = not (pmin <= x_new[n] <= pmax)
            if end:  # land exactly on the end of the range: natural-parameter correction at the bound
                bound = pmax if x_new[n] > pmax else pmin
                frac = (bound - x[n]) / (x_new[n] - x[n])
                eb = np.zeros(n + 1)
                eb[n] = 1.0
                pred = x + frac * (x_new - x)
                pred[n] = bound
                try:
                    xb, _ = _newton(H, Hx, pred, eb)
                except _NoConvergence:  # (a singular point at the bound: Newton converges linearly there)
                    xb, ok = _newton_last(H, Hx, pred, eb)
                    if not ok:
                        # the predictor itself a zero of F to rounding (a branch that does not move, x = 0, meeting a
                        # branch point exactly at the bound, where D_x H is 0 and Newton cannot start: it stopped short)
                        scale = (1.0 + np.linalg.norm(pred)) * max(1.0, float(np.linalg.norm(Hx(pred))))
                        xb = pred if np.linalg.norm(H(pred)) <= 1e-12 * scale else None
                # the point at the bound on this step's arc, not another zero on that hyperplane (a branch that turned at a
                # fold within the step was corrected back onto its start: two points, both the start)
                if xb is None or np.linalg.norm(xb - pred) > 0.5 * np.linalg.norm(x_new - x):
                    ds /= 2
                    if ds < ds_min(x[n]):
                        # (the bound cannot be reached: a singular point there, or just before it; the edge of the model's
                        # domain, a variance 0, where the derivatives may be infinite)
                        ended = "condition" if cut is not None and bound == cut[0] else "singular"
                        break
                    continue
                xb[n] = bound
                try:
                    t_new = _tangent(Hx(xb), t)
                except _NoConvergence:
                    t_new = t  # (exactly singular at the bound: its tangent is undefined; the last one is kept)
                x_new = xb
            tv_new, spec_new = tests(x_new, t_new)
            here = []
            # (the last spectrum off the stability boundary before this step: a pair crossing within the spectrum's
            # tolerance over several steps, a Hopf point in a range 1e-8 wide, changed its counts on the steps before and
            # after the one where the test function changed sign, and was not located)
            ref = specs[-1] if definite is None else definite
            for kind in kinds:
                if kind in ("hopf", "neimark-sacker") and not _crosses(ref, spec_new, discrete):
                    continue  # a sign change of the test function at rounding level: a pair that stays critical
                if (tv[kind] * tv_new[kind] < 0 or (tv[kind] == 0.0 and last[kind] * tv_new[kind] < 0)
                        or (end and tv_new[kind] == 0.0 and tv[kind] != 0.0)
                        or (len(xs) == 1 and tv[kind] == 0.0 and tv_new[kind] != 0.0)):
                    # (a point landed exactly on a zero of the test function: the sign before it, last[kind], against
                    # the one after; the zero itself is at this interval's start, where the root finder finds it; the
                    # range's end or start exactly on a zero (a flip at h = 1 ending h = 0.1:1, the R1 Dirac-GAN's Hopf
                    # point at gamma = 0 ending gamma = 1:0) is the zero of its last or first interval)
                    ev = _locate(prob, kind, x, t, x_new, t_new, H, Hx, tests, discrete)
                    if ev is not None:
                        here.append(ev)
                if kind in ("hopf", "neimark-sacker") and not any(e.type == kind for e in here):
                    # a pair crossed (the counts say so) and no event was found: a second zero of the test function in the
                    # same step (a neutral saddle, a real pair of product 1) cancelled the sign change, or was the zero
                    # located; found on a finer subdivision of the step (a trust review: 28 of 40 Hopf points beside a
                    # neutral saddle were lost)
                    here.extend(_hidden_crossings(prob, kind, x, t, tv[kind], specs[-1], x_new, t_new, tv_new[kind],
                                                  spec_new, H, Hx, tests, discrete))
            # a crossing exactly at the range's start or end, reached from the stable side: the test function is zero to
            # rounding there, not of the other sign (gd's flip at h = 2 ending h = 0.5:2, a Hopf point at the start of
            # mu = 1:-1 were "on the stability boundary" with no event); where the end point is marginal and its
            # neighbour is not, the event is at the end point, named by its critical eigenvalues
            for xe, here_marginal, other in ((x, specs[-1], spec_new) if len(xs) == 1 else (None, None, None),
                                             (x_new, spec_new, specs[-1]) if end else (None, None, None)):
                if xe is None or not spectrum_marginal(here_marginal, discrete) or spectrum_marginal(other, discrete):
                    continue
                if any(_same_event(xe[n], xe[:n], e, SAME_EVENT) for e in here):
                    continue
                ev = _event_at(prob, xe[:n].copy(), float(xe[n]), discrete, kinds)
                if ev is not None:
                    here.append(ev)
            c0, c1 = _n_unstable(specs[-1], discrete), _n_unstable(spec_new, discrete)
            if c0 != c1 and not any(e.type in ("hopf", "neimark-sacker", "flip", "fold", "branch-point") for e in here):
                # an even number of simultaneous crossings (e.g. a Hopf pair of multiplicity 2 in a symmetric
                # game) leaves the product test functions unchanged: locate the crossing eigenvalue directly
                ev = _locate_crossing(prob, x, t, x_new, t_new, H, Hx, discrete, min(c0, c1), kinds)
                if ev is not None:
                    here.append(ev)
            if discrete:  # a multiplier +1 (det(M - I) = 0) where the curve of zeros of F does not turn back (its tangent's
                # parameter component keeps its sign) is a branch point, not a fold: fixed points of the map that are not
                # zeros of F (spurious ones: EG's at h = 1/lambda) cross the branch there, as at a transcritical point
                turned = t[n] * t_new[n] <= 0
                here = [dataclasses.replace(e, type="branch-point", extra={
                            **e.extra, "crossing": "fixed points of the map that are not zeros of F cross the branch "
                                                   "(a multiplier +1 where the branch does not turn)"})
                        if e.type == "fold" and not turned else e for e in here]
                # a multiplier +1 that is a branch point of the zeros of F (the extended system converges from it) is placed
                # there: the bordered determinant's, found in the same step, is then the same point (it was listed twice,
                # 1e-6 apart: the root finder stops where the points near a branch point are refused)
                here = [_as_branch_point(prob, H, Hx, e) if "crossing" in e.extra else e for e in here]
            # a fold at a branch point is the branch point; a branch point found twice (bordered determinant, multiplier +1)
            # is kept once: events at one parameter value AND one point (two branch points at mu = 0, x = -1 and x = +1,
            # were one: the second dropped)
            near = lambda e, b: _same_event(e.value, e.point, b, SAME_EVENT)  # noqa: E731
            # (the bordered determinant's, refined on the extended system, first: a map's multiplier +1 at the same point
            # is the same branch point of the zeros of F, located less precisely, and nothing "not zeros of F" crosses)
            here.sort(key=lambda e: e.type == "branch-point" and "crossing" in e.extra)
            bps = [e for e in here if e.type == "branch-point"]
            here = [e for k, e in enumerate(here)
                    if not (e.type == "fold" and any(near(e, b) for b in bps)
                            or e.type == "branch-point" and any(near(e, b) for b in here[:k] if b.type == "branch-point"))]
            # an event at a point the branch landed on exactly is seen from both of its intervals (by the crossing count
            # arriving, by the test function's sign leaving): kept once
            new = []
            for e in here:  # (one at a time: two of one step near each other are one event too)
                if not any(f.type == e.type and near(e, f) for f in (found[-4:] + new)[-4:]):
                    new.append(e)
            stable_new = prob.stable_at(x_new[:n], float(x_new[n]))  # (here, not after the loop: under its notice)
            x, t, tv = x_new, t_new, tv_new
            last = {k: v if v != 0.0 else last[k] for k, v in tv.items()}  # each test's last nonzero value
            xs.append(x.copy())
            specs.append(spec_new)
            stab.append(stable_new)
            found.extend(new)
            kept = (len(xs), len(found))
            bar.to(covered.at(x[n]), desc=f"{vary} range covered, {len(xs):,} points (at {x[n]:z.6g})"
                   if bar.bar is not None else None)
            if not spectrum_marginal(spec_new, discrete):
                definite = spec_new
            if end:
                break
            ds = min(ds * 1.5, ds_max) if its <= 3 else (ds / 1.5 if its > 6 else ds)
        else:
            ended = "max-points"
    if ctrl_c.caught:  # (the step that was running is dropped; every point before it is kept, as it was)
        ended = "interrupted"
        del xs[kept[0]:], specs[kept[0]:], stab[kept[0]:], found[kept[1]:]
    X = np.array(xs)
    condition = ""
    if cut is not None and cut[2] and ended == "range" and X[-1, n] == hi:  # (it reached the cut, not the start's
        ended = "condition"                                               # side again; a range ending on the edge: whole)
    if ended == "condition":
        condition = cut[1]
        if not cut[2] and X[-1, n] == hi:  # (the edge of the range's end reached after all: the range is followed)
            ended, condition = "range", ""
    return Branch(parameter=vary, method=method, step=prob.step, values=X[:, n], points=X[:, :n],
                  spectra=specs, stable=np.array(stab, dtype=bool), events=found,
                  params={s.name: float(v) for s, v in zip(fld.hyper, prob.p) if s.name != vary}, ended=ended,
                  condition=condition, options=map_options(method, prob.beta))


#: a branch that stalls within this fraction of its range of the end of the model's condition ends there (``ended`` is
#: "condition"), where the model may degenerate (a variance reaching 0), instead of raising "continuation stalled"
CONDITION_NEAR = 1e-6
#: the model's conditions are sampled at this many values of the varied hyperparameter between the range's ends
#: (:func:`_condition_end`), then the first end met is located by bisection
CONDITION_SAMPLES = 4097


#: the bytes of one point of a branch while it grows beyond its numbers: the Python objects of its state and spectrum
#: arrays and their list slots (measured ~250 bytes with numpy 2 on a 64-bit build)
POINT_OVERHEAD = 256


def _check_branch_memory(max_points: int, needed: float, n: int, vary: str) -> None:
    """Refuse a branch whose points would not fit in memory (:func:`gandynamics.limits.check_bytes`): as many as
    ``max_points``, or fewer, the ``needed`` steps the range takes at the largest arclength step (the branch stops at the
    range's end: a ``max_points`` of 10^9 is only a cap at the default steps), each point its state, parameter,
    spectrum and stability twice (the lists, then the branch's arrays) and :data:`POINT_OVERHEAD` (``continue
    --max-points 1e9 --max-step 1e-9`` would have run for days into a MemoryError, silent)."""
    from ..limits import check_bytes
    # (in floats: a max_step of 1e-320 made `needed` inf, and math.ceil(inf) an OverflowError, a review)
    points = min(float(max_points), math.ceil(needed) + 1.0) if math.isfinite(needed) else float(max_points)
    each = 2 * 8 * (3 * n + 2) + POINT_OVERHEAD
    why = (f"the range in {vary} at its largest arclength step, max_step (--max-step), with max_points (--max-points) "
           f"{_count(max_points)}" if points < max_points else "max_points, --max-points")
    check_bytes(points * each, f"a branch of {_count(int(points))} points ({why})", f"about {each} bytes a point")


def _condition_end(fld, prob, lo: float, hi: float):
    """Where the varied hyperparameter, going from ``lo`` to ``hi`` with the others fixed, first breaks a condition of
    the model that no bound of one hyperparameter states (:meth:`gandynamics.VectorField.check_conditions`:
    ``Normal(0, 1 - s**2)`` needs ``|s| <= 1``; the branch ran into NaN there and stalled), or the range ends on the
    edge of a condition (of either kind: ``s2 = 0`` of ``Normal(0, s2)``, where the model degenerates and a derivative
    of F may be infinite): ``(value, text, inside)``, the last value that keeps every condition (to the resolution of
    bisection, 60 halvings after :data:`CONDITION_SAMPLES` samples) and the condition broken just beyond it; ``inside``
    is True when that value cuts the range short, False when it is ``hi`` itself on the edge.  None when every sample
    keeps them all and ``hi`` is no edge (``lo`` keeps them: :func:`continuation` refused it before)."""
    if prob.ivary is None:
        return None
    span = abs(hi - lo)
    if fld._joint_conditions:
        grid = np.linspace(lo, hi, CONDITION_SAMPLES)
        P = np.repeat(prob.p[None, :], len(grid), axis=0)
        P[:, prob.ivary] = grid
        ok = _conditions_hold(fld, P)
        if not ok.all():
            k = max(int(np.flatnonzero(~ok)[0]), 1)  # (lo keeps them: checked by check_conditions before)
            a, b = float(grid[k - 1]), float(grid[k])
            for _ in range(60):
                m = 0.5 * (a + b)
                if m == a or m == b:
                    break
                if _broken(fld, prob, m) is None:
                    a = m
                else:
                    b = m
            return a, _condition_text(_broken(fld, prob, b)), True
    beyond = _broken(fld, prob, hi + math.copysign(CONDITION_NEAR * span, hi - lo))
    return None if beyond is None else (hi, _condition_text(beyond), False)


def _broken(fld, prob, a: float) -> str | None:
    """The error of the condition (a bound of the varied hyperparameter's own, or of the model jointly) that the
    varied hyperparameter at ``a`` breaks, the others fixed; None where it keeps them all."""
    try:
        fld.hyper_value(prob.vary, a, signed=True)
        fld.check_conditions(prob.pv(a))
    except GandynamicsError as exc:
        return str(exc)
    return None


def _condition_text(why: str | None) -> str:
    """The condition named in :func:`_broken`'s error, without the offending values: "hyperparameter s = 1.0000001
    breaks the model's condition on X: E must be >= 0, is -2e-07 there" -> "the model's condition on X: E must be >=
    0"; "hyperparameter s2 (a variance of N) must be a finite number >= 0, got -1e-07" -> "the model's condition s2
    (a variance of N) must be >= 0"."""
    if not why:
        return "a condition of the model"
    if " the model's condition " in why:
        return "the model's condition " + why.split(" the model's condition ", 1)[1].split(", is ")[0]
    return "the model's condition " + why.removeprefix("hyperparameter ").rsplit(", got ", 1)[0].replace(
        "a finite number ", "")


def _conditions_hold(fld, P) -> np.ndarray:
    """Whether each row of hyperparameter vectors ``P`` (m, h) keeps every condition of the model that no bound of one
    hyperparameter states (:meth:`gandynamics.VectorField.check_conditions`, as arrays): (m,) bool."""
    ok = np.ones(len(P), dtype=bool)
    for fn, cols, expr, strict, what in fld._joint_conditions:
        with np.errstate(all="ignore"):
            val = np.broadcast_to(np.asarray(fn(*(P[:, c] for c in cols)), dtype=float), (len(P),))
        ok &= (val > 0) if strict else (val >= 0)  # (NaN: not defined there)
    return ok


def _refuse_box_outside_conditions(fld, vary, box, params) -> None:
    """Refuse a box of two hyperparameters (or one and the step h) that reaches values where the model is not defined
    (:func:`_conditions_hold` on a 65 x 65 grid of it, the other hyperparameters at ``params``): a curve traced there
    ran into NaN.  The error names the condition and the first such point."""
    names = [s.name for s in fld.hyper]
    if not fld._joint_conditions or vary[0] not in names:  # (a name that is none: refused by _Problem2)
        return
    p = fld.param_vector(params, signed=True)
    g1, g2 = (np.linspace(lo_, hi_, 65) for lo_, hi_ in box)
    A1, A2 = np.meshgrid(g1, g2, indexing="ij")
    P = np.repeat(p[None, :], A1.size, axis=0)
    P[:, names.index(vary[0])] = A1.ravel()
    if vary[1] in names:
        P[:, names.index(vary[1])] = A2.ravel()
    ok = _conditions_hold(fld, P)
    if not ok.all():
        try:
            fld.check_conditions(P[int(np.flatnonzero(~ok)[0])])
        except GandynamicsError as exc:
            fixed = [f"{s.name} = {v:zg}" for s, v in zip(fld.hyper, p) if s.name not in vary]
            if not ok.any() and fixed:  # (no point of the box is defined: the fixed values break it, not the box)
                raise GandynamicsError(f"the game is not defined anywhere in the box at {', '.join(fixed)}: {exc}; "
                                       "give other values of those (params, --param) or another box") from None
            raise GandynamicsError(f"the box reaches values where the game is not defined: {exc}; give a box within "
                                   "the model's conditions") from None


#: events within this relative distance in the parameter and in the point are one (:func:`_same_event`): the root
#: finder stops about 1e-6 from a branch point, where the points near it are refused
SAME_EVENT = 1e-6


def _same_event(value: float, point, e: Event, tol: float = SAME_EVENT) -> bool:
    """Whether the event ``e`` lies at the parameter ``value`` and the point ``point`` to the relative ``tol``: both
    (events at one value and different points are different: three branch points at mu = 0 were one)."""
    return (abs(value - e.value) <= tol * max(1.0, abs(e.value))
            and np.linalg.norm(np.asarray(point) - e.point) <= tol * (1.0 + np.linalg.norm(e.point)))


def _turns_in(H, Hx, x0, t0, x1, t1, n: int, lo: float, hi: float) -> bool:
    """Whether a branch that turns back in its parameter (component ``n``) between two of its points does so inside
    ``[lo, hi]``: the turning point located on the branch (:func:`_root_on_branch` on the tangent's parameter
    component; a cubic interpolant of the step put the turn of x^2 = mu at 1e-5, inside mu >= 1e-6, where it is 0)."""
    try:
        xf, _, _ = _root_on_branch(H, Hx, x0, t0, x1, t1, lambda x, t: float(t[n]))
    except _NoConvergence:
        return True  # (not located: the step stands, as before)
    return bool(lo <= xf[n] <= hi)


def _growth(spec, discrete):
    """``Re lambda`` (flow) or ``|mu| - 1`` (maps) of each eigenvalue, and the tolerance below which such a number
    is zero to rounding: :func:`~gandynamics.analysis.spectrum.real_part_tol` (``REAL_TOL max |lambda|``: the
    spectrum's verdict; for maps the multipliers' scale is 1)."""
    from .spectrum import REAL_TOL, real_part_tol
    spec = np.asarray(spec, dtype=complex)
    if discrete:
        return np.abs(spec) - 1.0, REAL_TOL
    return spec.real, real_part_tol(spec)


def spectrum_stable(spec, discrete: bool) -> bool:
    """Stability of a point of a branch as :func:`gandynamics.spectrum` reads it (:attr:`SpectralReport.stable`): every
    ``Re lambda`` (flow) or ``|mu| - 1`` (map) below minus the tolerance of :func:`_growth`; a marginal point (an
    eigenvalue on the imaginary axis / a multiplier on the unit circle, to rounding) is not stable.  The sign test
    without tolerance flipped along branches that stay marginal (alternating GD on the bilinear game, |mu| = 1 for
    every h < 2, read 'stable at the start: yes; stability changes 4 times')."""
    g, tol = _growth(spec, discrete)
    return bool(g.size == 0 or np.max(g) < -tol)


def spectrum_marginal(spec, discrete: bool) -> bool:
    """Neither stable nor unstable to rounding: the largest growth (:func:`_growth`) within its tolerance (an
    eigenvalue on the imaginary axis, a multiplier on the unit circle), e.g. a branch that starts at a Hopf point."""
    g, tol = _growth(spec, discrete)
    return bool(g.size > 0 and abs(float(np.max(g))) <= tol)


def _n_unstable(spec, discrete) -> int:
    g, tol = _growth(spec, discrete)
    return int(np.sum(g > tol))


def _crosses(spec0, spec1, discrete) -> bool:
    """Whether some complex pair can have crossed the imaginary axis (flow) or the unit circle (map) between two
    points: the number of eigenvalues with ``Im > 0`` whose growth (:func:`_growth`) is beyond the tolerance on one
    side (above it, or below minus it) differs between them.  A pair that stays on the axis / circle to rounding
    along the step (a centre, an orbit of alternating GD) changes the sign of the hopf / neimark-sacker test
    function at random, never this count; a genuine crossing changes one of the two counts even when one end lies
    within the tolerance of it."""
    counts = []
    for spec in (spec0, spec1):
        spec = np.asarray(spec, dtype=complex)
        g, tol = _growth(spec, discrete)
        up = spec.imag > COMPLEX_TOL * np.maximum(1.0, np.abs(spec))
        counts.append((int(np.sum(up & (g > tol))), int(np.sum(up & (g < -tol)))))
    return counts[0] != counts[1]


def _hermite(x0, t0, x1, t1, s):
    """The cubic Hermite interpolant ``p`` of two points of a branch (arrays ``(n + 1,)``) and their unit tangents,
    scaled by the chord's length, at ``s`` in [0, 1]: ``(p(s), p'(s))``."""
    L = float(np.linalg.norm(x1 - x0))
    a, b = L * t0, L * t1
    s2, s3 = s * s, s * s * s
    p = (2 * s3 - 3 * s2 + 1) * x0 + (s3 - 2 * s2 + s) * a + (-2 * s3 + 3 * s2) * x1 + (s3 - s2) * b
    dp = (6 * s2 - 6 * s) * x0 + (3 * s2 - 4 * s + 1) * a + (-6 * s2 + 6 * s) * x1 + (3 * s2 - 2 * s) * b
    return p, dp


#: the tangent of a located point agrees with the interpolant's direction to this cosine, 10 degrees (else Newton
#: landed on another branch, one crossing this one at a branch point; 60 degrees let a transcritical point's other
#: branch, crossing at 53 degrees, through).  Branches crossing at less than 10 degrees are not told apart by it: the
#: points of both are taken, and the sign test's zero may be placed on the other branch's side of the branch point
SAME_BRANCH_COS = math.cos(math.radians(10.0))


def _root_on_branch(H, Hx, x0, t0, x1, t1, g, maxit: int = 200):
    """A zero of a test function ``g(x, t)`` (``x`` a point of the branch, ``t`` its unit tangent) between two points
    ``x0``, ``x1`` of the branch (tangents ``t0``, ``t1``) where ``g`` has opposite signs: regula falsi (Illinois)
    with a bisection every third step, on the branch itself.  Each new point is the zero of ``H`` on the hyperplane
    normal to ``p'(s)`` through ``p(s)``, ``p`` the cubic Hermite interpolant of the *current bracket's* two points and
    tangents (:func:`_hermite`), so the predictor's error falls as the bracket's length to the fourth power and
    Newton lands on the branch from next to it.  A point whose tangent turns from ``p'(s)`` by more than 10 degrees
    (:data:`SAME_BRANCH_COS`) lies on another branch (one crossing at a branch point) and is refused in favour of
    the bisection's, then of the quarter points'.

    Simpler parametrisations failed where a branch turns within a step: hyperplanes normal to the tangent at ``x0``
    miss the branch beyond a fold or a symmetric pitchfork's vertex (the test functions were then evaluated at
    predictors off the branch: a pitchfork's branch point was placed at mu = -7.5e-4, closed form 0, at a point that
    was no equilibrium); a fixed interpolant of the whole step leaves the predictor ~1e-4 off the branch, and within
    that of a branch point Newton reached the crossing branch.

    Returns ``(x, t, width)``: the end of the final bracket with the smaller ``|g|`` (the true values, not those
    Illinois halved) and the bracket's length (0 at an exact zero); raises ``_NoConvergence`` where no point of the
    branch inside the first bracket can be computed."""
    ga, gb = g(x0, t0), g(x1, t1)
    if ga == 0.0:
        return x0, t0, 0.0
    if gb == 0.0:
        return x1, t1, 0.0
    if ga * gb > 0:
        raise _NoConvergence("no sign change of the test function")
    a, b = (x0, t0, ga, ga), (x1, t1, gb, gb)  # (point, tangent, g as Illinois weights it, g)
    kept = 0  # which end was kept by the last step (-1: a, +1: b), for Illinois' halving
    for it in range(maxit):
        (xa, ta, wa, _), (xb, tb, wb, _) = a, b
        if np.linalg.norm(xb - xa) <= 1e-15 * (1.0 + np.linalg.norm(xa)):
            break
        found = None
        tries = (0.5, 0.25, 0.75) if it % 3 == 2 else (min(max(wa / (wa - wb), 0.01), 0.99), 0.5, 0.25, 0.75)
        for s in tries:
            pred, dp = _hermite(xa, ta, xb, tb, s)
            try:
                x = _newton(H, Hx, pred, dp, tol=1e-15, maxit=30)[0]
            except _NoConvergence:
                x, ok = _newton_last(H, Hx, pred, dp)
                if not ok:
                    continue
            u = dp / np.linalg.norm(dp)
            try:
                t = _tangent(Hx(x), u)
            except _NoConvergence:  # the bordered matrix exactly singular: x is the singular point itself
                return x, u, 0.0
            if t @ u >= SAME_BRANCH_COS:
                found = x, t
                break
        if found is None:
            if it == 0:
                raise _NoConvergence("no point of the branch within the step")
            break
        x, t = found
        gx = g(x, t)
        if gx == 0.0:
            return x, t, 0.0
        if (gx > 0) == (wa > 0):
            a = (x, t, gx, gx)
            b = (xb, tb, wb / 2, b[3]) if kept == 1 else b
            kept = 1
        else:
            b = (x, t, gx, gx)
            a = (xa, ta, wa / 2, a[3]) if kept == -1 else a
            kept = -1
    end = min((a, b), key=lambda e: abs(e[3]))
    return end[0], end[1], float(np.linalg.norm(b[0] - a[0]))


def _newton_last(H, Hx, x_pred, t, maxit=60):
    """Newton on the bordered system from ``x_pred`` as in :func:`_newton`, for where that fails next to a singular
    point (a branch point: the bordered matrix singular there, Newton converges only linearly): ``(x, ok)``, its last
    iterate and whether its steps fell below ``1e-12 (1 + |x|)`` with ``H`` finite (a test of the steps, not of
    ``|H|``, whose rounding is in the units of F: a residual test of ``1e-12`` refused the points of F scaled by 1e4).
    It stops at the first step that small, or where the bordered matrix is exactly singular."""
    x = x_pred.copy()
    for _ in range(maxit):
        r = np.append(H(x), t @ (x - x_pred))
        if not np.all(np.isfinite(r)):
            return x, False
        try:
            dx = np.linalg.solve(_bordered(Hx(x), t), -r)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(dx)):
            return x, False
        x = x + dx
        if np.linalg.norm(dx) <= 1e-12 * (1.0 + np.linalg.norm(x)):
            return x, bool(np.all(np.isfinite(H(x))))
    return x, False


def _locate_crossing(prob, x0, t0, x1, t1, H, Hx, discrete, k, kinds):
    """Locate where the (k+1)-th largest Re lambda (flow) or |mu| - 1 (map) vanishes between x0 and x1 and
    name the event by the critical eigenvalues (with their multiplicity)."""
    n = prob.n

    def g(x, t):
        spec = prob.spectrum(x[:n], x[n])
        vals = np.sort(np.abs(spec) - 1 if discrete else spec.real)[::-1]
        return float(vals[k])

    try:
        xs, _, _ = _root_on_branch(H, Hx, x0, t0, x1, t1, g)
    except _NoConvergence:
        return None
    return _event_at(prob, xs[:n], float(xs[n]), discrete, kinds)


def _event_at(prob, z, a: float, discrete: bool, kinds):
    """The event at a point ``(z, a)`` of the branch with a critical eigenvalue, named by the critical eigenvalues
    (with their multiplicity): hopf / neimark-sacker (a complex pair), flip (a multiplier -1), else fold; None where
    that kind is not asked for."""
    spec = prob.spectrum(z, a)
    scale = max(1.0, float(np.max(np.abs(spec))))
    crit = [v for v in spec if (abs(abs(v) - 1) if discrete else abs(v.real)) < 1e-6 * scale]
    upper = [v for v in crit if v.imag > COMPLEX_TOL * scale]
    if upper:
        kind = "neimark-sacker" if discrete else "hopf"
        extra = {"multiplicity": len(upper)}
        if discrete:
            extra["angle"] = float(np.angle(upper[0]))
            if len(upper) == 1:  # (its normal form, as a located one has: a range starting on it had none)
                extra.update(_map_nf(prob, "neimark-sacker", z, a))
        elif len(upper) == 1:  # one pair (a crossing the test functions missed: one landed on its zero): a Hopf point
            extra.update(_hopf_extra(prob, z, a, upper))
        else:
            extra["frequency"] = float(upper[0].imag)
            extra["lyapunov"] = None
            freqs = sorted({round(float(v.imag), 9) for v in upper}, reverse=True)
            if len(freqs) > 1:  # distinct pairs: a double Hopf point, as cycle and the normal forms name it (a new
                # user read "multiplicity 2" of the pairs +-2.92i and +-0.685i as one repeated pair)
                extra["frequencies"] = [float(v) for v in freqs]
                extra["criticality"] = ("not computed (a double Hopf point (Hopf-Hopf, codimension two): the pairs "
                                        + ", ".join(f"+-{v:z.6g}i" for v in freqs)
                                        + f" on the imaginary axis together, a centre manifold of dimension "
                                        f"{2 * len(upper)})")
            else:
                extra["criticality"] = (f"not computed (multiplicity {len(upper)}: the centre manifold has dimension "
                                        f"{2 * len(upper)})")
    elif discrete and any(abs(v + 1) < 1e-6 for v in crit):
        kind, extra = "flip", {"multiplicity": sum(abs(v + 1) < 1e-6 for v in crit)}
        if extra["multiplicity"] == 1:  # (its normal form and criticality, as a located flip's)
            extra.update(_map_nf(prob, "flip", z, a))
    else:
        kind, extra = ("fold", {"multiplicity": len(crit)})
    if kind not in kinds:
        return None
    return Event(type=kind, parameter=prob.vary, value=a, point=z.copy(), eigenvalues=None if discrete else spec,
                 multipliers=spec if discrete else None, extra=extra)


def _hopf_extra(prob, z, a, pair) -> dict:
    """The frequency, first Lyapunov coefficient and criticality of a Hopf point ``(z, a)`` of one critical pair
    (``pair``: its eigenvalues with positive imaginary part)."""
    try:
        ly = first_lyapunov_coefficient(prob.fld, z, prob.pv(a))
        c1 = ly["c1"]
        return {"frequency": ly["frequency"], "lyapunov": ly["lyapunov"], "c1": c1,
                "criticality": _criticality(ly["lyapunov"], abs(c1) / max(ly["frequency"], 1e-300))}
    except GandynamicsError as exc:  # (a zero-Hopf point: no l1 exists)
        return {"frequency": float(min(pair, key=lambda v: abs(v.real)).imag), "lyapunov": None,
                "criticality": f"not defined: {exc}"}
    except Exception as exc:  # noqa: BLE001 - symbolic derivatives unavailable: report without l1
        return {"frequency": float(min(pair, key=lambda v: abs(v.real)).imag), "lyapunov": None,
                "criticality": f"unknown ({type(exc).__name__})"}


def _refine_tol(x, width: float) -> float:
    """How far :func:`_refine_branch_point` may move a branch point located to a bracket of ``width``: the sign test
    is reliable to about ``sqrt(eps)`` of the point's size (the tangent is lost to rounding nearer), or to its
    bracket where that is wider (a bracket the root finder left open)."""
    return 1e-6 * (1.0 + float(np.linalg.norm(x))) + 10.0 * width


def _refine_branch_point(H, Hx, x, tol: float, maxit: int = 30):
    """A branch point located by the sign of ``det [H_x; t]`` (:func:`_root_on_branch`), refined as the regular zero
    of the minimally extended system (Govaerts 2000, Numerical Methods for Bifurcations of Dynamical Equilibria,
    its minimally extended systems; MatCont's branch-point locator): unknowns ``(x, b, psi)`` (sizes n + 1, 1, n) with

        H(x) + b psi = 0,   H_x(x)^T psi = 0,   psi . psi = 1,

    solved by Newton from ``b = 0`` and ``psi`` the left singular vector of ``H_x`` of its smallest singular value;
    the second derivatives in its Jacobian, ``d/dx (H_x^T psi)``, by central differences (an inexact Jacobian slows
    Newton, the zero it converges to is exact).  The sign test alone leaves the point where the branch's tangent
    is lost to rounding, ~sqrt(eps) from the branch point (a crossing of x^2 = mu and x^2 = 4 - mu was placed at
    mu = 2 - 5e-10); this zero is exact to rounding.  ``psi`` is tried from the three smallest singular values' vectors
    (where F's components have unequal scales the smallest is not the branch point's a little away from it).  Kept
    when Newton's steps in x fall below ``1e-14 (1 + |x|)`` (or stop falling below ``1e-9 (1 + |x|)``: rounding) within
    ``maxit`` iterations (and two more), with ``|b|`` within ``1e-6`` of ``|H_x| (1 + |x|)`` and the point moved at most ``tol``:
    returns ``(point, True)``; otherwise ``(x, False)`` (a non-generic branch point, where the system is singular too,
    or a point that is no branch point of the zeros of F: a map's multiplier +1 where fixed points that are not zeros
    of F cross).  (A test
    of ``|H|`` before and after refused correct refinements: the unrefined point of a polynomial field often has
    ``H = 0`` exactly, the refined one ``|H| = 2e-15``.)"""
    x = np.asarray(x, dtype=float)
    A = Hx(x)
    if not np.all(np.isfinite(A)):
        return x, False
    try:
        U = np.linalg.svd(A)[0]
    except np.linalg.LinAlgError:
        return x, False
    # psi from the left singular vectors, the smallest singular value's first: where F's components have unequal
    # scales (one scaled by 1e5) the null row of D_x H at the branch point is not the smallest a little away from it
    for k in range(U.shape[1] - 1, max(U.shape[1] - 4, -1), -1):
        got, ok = _extended_newton(H, Hx, x, U[:, k], tol, maxit)
        if ok:
            return got, True
    return x, False


def _extended_newton(H, Hx, x, u, tol: float, maxit: int):
    """Newton on :func:`_refine_branch_point`'s extended system from ``(x, 0, u)``: ``(point, converged)``."""
    m = x.size  # n + 1
    y = np.concatenate([x, [0.0], u])
    n = m - 1
    prev = math.inf
    done = 0

    def residual(y):
        xx, b, psi = y[:m], y[m], y[m + 1:]
        return np.concatenate([H(xx) + b * psi, Hx(xx).T @ psi, [psi @ psi - 1.0]])

    for _ in range(maxit):
        xx, b, psi = y[:m], y[m], y[m + 1:]
        r = residual(y)
        if not np.all(np.isfinite(r)):
            return x, False
        J = np.zeros((2 * n + 2, 2 * n + 2))
        A = Hx(xx)
        J[:n, :m], J[:n, m], J[:n, m + 1:] = A, psi, b * np.eye(n)
        for j in range(m):  # d/dx_j (H_x^T psi), central differences
            e = np.zeros(m)
            e[j] = 1e-6 * max(1.0, abs(xx[j]))
            J[n:n + m, j] = (Hx(xx + e).T @ psi - Hx(xx - e).T @ psi) / (2 * e[j])
        J[n:n + m, m + 1:] = A.T
        J[-1, m + 1:] = 2 * psi
        try:
            dy = np.linalg.solve(J, -r)
        except np.linalg.LinAlgError:
            return x, False
        y = y + dy
        if not np.all(np.isfinite(y)) or np.linalg.norm(y[:m] - x) > tol:
            return x, False
        size, step = 1.0 + np.linalg.norm(y[:m]), float(np.linalg.norm(dy[:m]))
        if done:  # (two more steps once x converged: b and psi converge with it, b was still 1e-5 from its zero)
            done += 1
            if done == 3:
                break
        elif step <= 1e-14 * size or (step <= 1e-9 * size and step > 0.25 * prev):  # (converged, or at rounding)
            done = 1
        prev = step
    else:
        return x, False
    # b is 0 at a branch point, to the rounding of H (in F's units: 1e-6 where F is scaled by 1e4 about |x| ~ 600)
    scale = 1.0 + float(np.linalg.norm(Hx(y[:m]))) * (1.0 + float(np.linalg.norm(y[:m])))
    return (y[:m], True) if abs(y[m]) <= 1e-6 * scale else (x, False)


def _as_branch_point(prob, H, Hx, e: Event) -> Event:
    """A map's multiplier-+1 event where the branch does not turn (``e.extra["crossing"]``), placed at the branch point
    of the zeros of F it is when :func:`_refine_branch_point` converges from it (then nothing "not zeros of F"
    crosses: that note is dropped); unchanged otherwise (fixed points of the map that are not zeros of F cross)."""
    x0 = np.append(e.point, e.value)
    x, ok = _refine_branch_point(H, Hx, x0, tol=_refine_tol(x0, 0.0))
    if not ok:
        return e
    n = prob.n
    spec = prob.spectrum(x[:n], float(x[n]))
    extra = {k: v for k, v in e.extra.items() if k != "crossing"}
    return dataclasses.replace(e, value=float(x[n]), point=x[:n].copy(), multipliers=spec, extra=extra)


#: the pieces a step is cut into to find a pair's crossing hidden by a second zero of its test function in the same
#: step, and how many times a piece where the pair still crosses unseen is cut again (16^3 pieces at most)
HIDDEN_PIECES = 16
HIDDEN_DEPTH = 3
#: a piece's end whose test function is below this fraction of the largest at the pieces' ends (and whose spectrum is
#: on the axis / circle to rounding) is the crossing itself
HIDDEN_ZERO = 1e-9


def _hidden_crossings(prob, kind, x0, t0, g0, spec0, x1, t1, g1, spec1, H, Hx, tests, discrete, depth=HIDDEN_DEPTH):
    """The Hopf or Neimark-Sacker events (``kind``) between two points of a branch where a complex pair crossed the
    imaginary axis / unit circle (:func:`_crosses`) and no event was found: another zero of the test function lies in
    the same step, which cancelled its sign change or was the zero located (the bialternate product also vanishes at
    a neutral saddle, ``lambda, -lambda`` real; ``det(M (.) M - I)`` at a real pair of product 1).  The step is cut into :data:`HIDDEN_PIECES` pieces on
    the branch (Hermite predictor, Newton corrector), each sign change between pieces located by :func:`_locate`
    (which names a neutral saddle's zero no event), and a piece where the pair still crosses unseen cut again, up
    to ``depth`` times.  Events found, in the order of the branch."""
    out = []
    pts = [(x0, t0, g0, spec0)]
    n = prob.n
    for sv in np.linspace(0.0, 1.0, HIDDEN_PIECES + 1)[1:-1]:
        xp, dp = _hermite(x0, t0, x1, t1, float(sv))
        tp = dp / max(float(np.linalg.norm(dp)), 1e-300)
        try:
            xs, _ = _newton(H, Hx, xp, tp)
            ts = _tangent(Hx(xs), tp)
            tvs, specs_ = tests(xs, ts)
        except (_NoConvergence, np.linalg.LinAlgError, FloatingPointError, ValueError):
            continue
        pts.append((xs, ts, tvs[kind], specs_))
    pts.append((x1, t1, g1, spec1))
    gmax = max(abs(float(q[2])) for q in pts)
    for (xa, ta, ga, sa), (xb, tb, gb, sb) in zip(pts[:-1], pts[1:]):
        if not _crosses(sa, sb, discrete):
            continue
        before = len(out)
        if ga * gb < 0:
            ev = _locate(prob, kind, xa, ta, xb, tb, H, Hx, tests, discrete)
            if ev is not None:
                out.append(ev)
                continue
        # a piece's end on the crossing itself (its spectrum on the axis / circle to rounding, the other end's not,
        # and its test function 0 against the others': the pieces' grid, or the step's own end, met the point; a
        # spectrum merely within its tolerance of the axis, its test function 2e-9 where the pieces' are 1e-8, is no
        # crossing: a Hopf point in a range 1e-8 wide was placed at the first such piece, 1e-9 off)
        for xe, ge, se, so in ((xa, ga, sa, sb), (xb, gb, sb, sa)):
            if ((ge == 0.0 or (spectrum_marginal(se, discrete) and abs(ge) <= HIDDEN_ZERO * gmax))
                    and not spectrum_marginal(so, discrete)):
                ev = _event_at(prob, xe[:n].copy(), float(xe[n]), discrete, (kind,))
                if ev is not None and not any(_same_event(ev.value, ev.point, e) for e in out):
                    out.append(ev)
        if len(out) > before:
            continue
        if depth > 1:
            out.extend(_hidden_crossings(prob, kind, xa, ta, ga, sa, xb, tb, gb, sb, H, Hx, tests, discrete,
                                         depth - 1))
    return out


def _locate(prob, kind, x0, t0, x1, t1, H, Hx, tests, discrete):
    """The zero of the test function ``kind`` on the branch between x0 and x1 (:func:`_root_on_branch`), and the
    event there (None where it is not one: a neutral saddle's sign change of the Hopf test, ...)."""
    n = prob.n
    try:
        xs, _, width = _root_on_branch(H, Hx, x0, t0, x1, t1, lambda x, t: tests(x, t)[0][kind])
    except _NoConvergence:
        return None
    if kind == "branch-point":
        xs, _ = _refine_branch_point(H, Hx, xs, tol=_refine_tol(xs, width))
    z, a = xs[:n], float(xs[n])
    spec = prob.spectrum(z, a)
    extra = {}
    if kind == "hopf":
        pair = [v for v in spec if v.imag > COMPLEX_TOL * max(1.0, abs(v))]
        if not pair or min(abs(v.real) for v in pair) > HOPF_TOL * max(1.0, max(abs(spec))):
            return None  # a neutral saddle (real pair lambda, -lambda)
        extra = _hopf_extra(prob, z, a, pair)
    elif kind == "neimark-sacker":
        pair = [v for v in spec if v.imag > COMPLEX_TOL * max(1.0, abs(v)) and abs(abs(v) - 1) < 1e-6]
        if not pair:
            return None
        extra = {"angle": float(np.angle(pair[0]))}
        extra.update(_map_nf(prob, kind, z, a))
    elif kind == "flip":
        if not np.any(np.abs(spec + 1) < 1e-6):
            return None
        extra = _map_nf(prob, kind, z, a)
    elif kind == "fold" and discrete and not np.any(np.abs(spec - 1) < 1e-6):
        return None
    ev = Event(type=kind, parameter=prob.vary, value=a, point=z.copy(),
               eigenvalues=None if discrete else spec, multipliers=spec if discrete else None, extra=extra)
    return ev


def _map_nf(prob, kind, z, a):
    try:
        nf = map_normal_form(prob.fld, prob.method, kind, z, prob.pv(a), prob.h(a))
    except GandynamicsError as exc:  # (a point of codimension two: no coefficient exists)
        return {"normal_form": None, "criticality": f"not defined: {exc}"}
    except Exception as exc:  # noqa: BLE001 - symbolic derivatives unavailable: report the event without it
        return {"normal_form": None, "criticality": f"unknown ({type(exc).__name__})"}
    if nf is None:
        return {"normal_form": None, "criticality": "not computed for this method"}
    return {"normal_form": nf["coefficient"], "criticality": nf["criticality"]}


# --------------------------------------------------------------------------- two-parameter continuation
def _event_function(prob2, kind):
    """The scalar defining function g(z, a1, a2) of ``kind`` for two varied parameters."""
    discrete = prob2.method is not None

    def g(z, a1, a2):
        A = prob2.Fz2(z, a1, a2)
        if not discrete:
            if kind == "fold":
                return float(np.linalg.det(A))
            return test_functions(np.linalg.eigvals(-A), False)["hopf"]
        spec = map_multipliers(prob2.method, A, prob2.h2(a1, a2), prob2.fld.n_theta, prob2.beta)
        return test_functions(spec, True)["fold" if kind == "branch-point" else kind]  # (a multiplier +1 either way)
    return g


class _Problem2:
    def __init__(self, fld, vary, params, method, step, beta):
        a1, a2 = vary
        names = [s.name for s in fld.hyper]
        if a1 not in names:
            raise GandynamicsError(f"the first parameter must be a hyperparameter ({', '.join(names) or 'none'}), got {a1!r}")
        self.fld, self.method, self.beta = fld, method, beta_for(method, beta)
        self.p = fld.param_vector(params, signed=True)
        self.i1 = names.index(a1)
        if a2 in STEP_NAMES:
            if method is None:
                raise GandynamicsError("the step h can vary only for a discrete method")
            self.i2 = None
        elif a2 in names and a2 != a1:
            self.i2 = names.index(a2)
        else:
            raise GandynamicsError(f"the second parameter must be another hyperparameter or h, got {a2!r}")
        if method is not None and method not in DISCRETE_METHODS:
            raise refusal(method)
        self.step = None if self.i2 is None else (None if step is None else float(step))
        if method is not None and self.i2 is not None and self.step is None:
            raise GandynamicsError(f"method {method} needs a step h")
        self.m = fld.point_module(calls=fld.SOLVER_CALLS)
        self.n = fld.n
        D = derivatives(fld)
        self.d1 = D.dF_dp(a1)
        self.d2 = None if self.i2 is None else D.dF_dp(a2)

    def pv(self, a1, a2):
        p = self.p.copy()
        p[self.i1] = a1
        if self.i2 is not None:
            p[self.i2] = a2
        return p

    def h2(self, a1, a2):
        return a2 if self.i2 is None else self.step

    def F2(self, z, a1, a2):
        return self.m.field(np.asarray(z, float), self.pv(a1, a2), np.empty(self.n))

    def Fz2(self, z, a1, a2):
        return self.m.jacobian(np.asarray(z, float), self.pv(a1, a2), np.empty((self.n, self.n)))


def _sign_limits(fld, name: str) -> tuple[float, float]:
    """The range a varied parameter may take: a hyperparameter's signed limits (:meth:`VectorField.hyper_limits`: a
    declared sign's side of 0), ``(-inf, inf)`` for the step ``h``."""
    return fld.hyper_limits(name, signed=True) if name in fld.defaults else (-math.inf, math.inf)


def boundary_curve(fld, kind: str, vary: tuple, start: tuple, *, params=None, method: str | None = None,
                   step: float | None = None, beta: float | None = None, box=None, ds: float = 0.02,
                   ds_max: float | None = None, max_points: int = 800, z_start=None,
                   both_directions: bool = True, boundary: bool = False, hold: int = 0) -> Curve:
    """Two-parameter continuation of a codimension-one event (``fold``, ``hopf`` for the flow; ``fold``,
    ``flip``, ``neimark-sacker`` for a method's map).

    The defining system in the unknowns ``(z, a1, a2)`` is ``F(z; a1, a2) = 0`` (n equations) and
    ``g(z, a1, a2) = 0`` with g the event's test function (a determinant: ``det DF`` for a fold of the
    flow, ``det(2J (.) I)`` for Hopf, ``det(M - I)``, ``det(M + I)``, ``det(M (.) M - I)`` for a map with
    iteration matrix M); its solution set is a curve, followed by pseudo-arclength as in
    :func:`continuation` (exact ``D_z F``, ``D_a F``; the gradient of g by central differences, which only
    affects the Newton rate, not the accuracy of the converged points).

    Parameters
    ----------
    fld : VectorField
    kind : str
    vary : (str, str)
        ``(a1, a2)``: a hyperparameter and either another hyperparameter or ``h``.
    start : (float, float)
        A point near the curve; it is first corrected with ``a1`` fixed (``hold=1``: ``a2`` fixed, for a start found
        along ``a1``: a curve along ``a2`` has no point to correct to at a fixed ``a1`` but its own).
    box : ((lo1, hi1), (lo2, hi2)), optional
        The curve is followed until it leaves this box (default: +-inf).
    ds, ds_max : float
        Initial and largest arclength step in the (z, a1, a2) space.
    boundary : bool
        Also mark ``on_boundary``: the points where the curve bounds the stable region (spectral radius of the
        iteration matrix 1, or spectral abscissa of the flow 0, up to 1e-8).

    Returns
    -------
    Curve
        Ordered points; ``genuine`` marks where the event is the named one (not a neutral saddle).  Where
        ``genuine`` (or ``on_boundary``) changes between two consecutive points of the march, the change is
        located along the curve to within 1e-6 (:func:`_refine_switches`) and a point on each side of it is
        inserted: a genuine part ends at the codimension-two point where it ends (a Neimark–Sacker curve at the
        1:1 or 1:2 resonance where its pair of multipliers turns real), not up to one step before it.
    """
    from .spectrum import find_equilibrium
    allowed = CURVE_EVENTS_MAP if method is not None else CURVE_EVENTS_FLOW
    if kind not in allowed:
        raise GandynamicsError(f"unknown event {kind!r} for {'a map' if method else 'the flow'}; accepted: {', '.join(allowed)}")
    prob = _Problem2(fld, tuple(vary), params, method, step, beta)
    g = _event_function(prob, kind)
    n = prob.n
    box = box or ((-np.inf, np.inf), (-np.inf, np.inf))
    # a hyperparameter declared of one sign (lq-wgan's s > 0) is followed within it: its start checked, the box cut
    # there (a Hopf curve marched to w = -13.6 and marked points with w <= 0 genuine: a reviewer's finding)
    for name, v in zip(vary, start):
        if name in fld.defaults:
            fld.hyper_value(name, v, signed=True)
    box = tuple((max(float(lo_), _sign_limits(fld, name)[0]), min(float(hi_), _sign_limits(fld, name)[1]))
                for name, (lo_, hi_) in zip(vary, box))

    def H(x):
        z, a1, a2 = x[:n], x[n], x[n + 1]
        return np.append(prob.F2(z, a1, a2), g(z, a1, a2))

    def Hx(x):
        z, a1, a2 = x[:n], x[n], x[n + 1]
        top = np.column_stack([prob.Fz2(z, a1, a2), prob.d1(z, prob.pv(a1, a2)),
                               np.zeros(n) if prob.d2 is None else prob.d2(z, prob.pv(a1, a2))])
        grad = np.empty(n + 2)
        for k in range(n + 2):
            hk = 1e-6 * max(1.0, abs(x[k]))
            xp, xm = x.copy(), x.copy()
            xp[k] += hk
            xm[k] -= hk
            grad[k] = (g(xp[:n], xp[n], xp[n + 1]) - g(xm[:n], xm[n], xm[n + 1])) / (2 * hk)
        return np.vstack([top, grad])

    a1, a2 = map(float, start)
    z0, _ = find_equilibrium(fld, prob.pv(a1, a2), start=z_start)
    e = np.zeros(n + 2)
    e[n + (1 if hold else 0)] = 1.0
    try:
        x0, _ = _newton(H, Hx, np.concatenate([z0, [a1, a2]]), e, tol=1e-14, maxit=30)
    except _NoConvergence as exc:
        raise GandynamicsError(f"no {kind} point near {vary[0]} = {a1:zg}, {vary[1]} = {a2:zg} ({exc})") from None
    ds_max = ds_max or 5 * ds

    def inside(x):
        return box[0][0] <= x[n] <= box[0][1] and box[1][0] <= x[n + 1] <= box[1][1]

    def march(sign):
        # initial direction: the kernel of Hx at x0, oriented by sign along a2 (then a1)
        J = Hx(x0)
        _, _, Vt = np.linalg.svd(J)
        t = Vt[-1]
        ref = np.zeros(n + 2)
        ref[n + 1] = 1.0
        if abs(t[n + 1]) < 1e-12:
            ref = np.zeros(n + 2)
            ref[n] = 1.0
        if t @ ref * sign < 0:
            t = -t
        x, step_ = x0.copy(), ds
        out = []
        while len(out) < max_points:
            try:
                xn, its = _newton(H, Hx, x + step_ * t, t, tol=1e-13, maxit=12)
                tn = _tangent(Hx(xn), t)
            except _NoConvergence:
                step_ /= 2
                if step_ < 1e-9:
                    break
                continue
            if tn @ t < 0.95 and step_ > 1e-6:
                step_ /= 2
                continue
            if not inside(xn):
                # end exactly on the box: correct with the violated parameter fixed at its bound
                for k, (lo_, hi_) in ((n, box[0]), (n + 1, box[1])):
                    if not lo_ <= xn[k] <= hi_:
                        bound = hi_ if xn[k] > hi_ else lo_
                        if not (math.isfinite(bound) and xn[k] != x[k]):
                            continue
                        frac = (bound - x[k]) / (xn[k] - x[k])
                        ek = np.zeros(n + 2)
                        ek[k] = 1.0
                        try:
                            xb, _ = _newton(H, Hx, x + frac * (xn - x), ek, tol=1e-13, maxit=12)
                        except _NoConvergence:
                            break
                        xb[k] = bound
                        if inside(xb):
                            out.append(xb)
                        break
                break
            out.append(xn)
            if len(out) > 10 and np.linalg.norm(xn - x0) < 0.5 * step_:
                break  # closed curve
            x, t = xn, tn
            step_ = min(step_ * 1.3, ds_max) if its <= 3 else step_
        return out

    fwd = march(+1)
    bwd = march(-1) if both_directions else []
    pts = bwd[::-1] + [x0] + fwd

    def genuine(x):
        z, a1_, a2_ = x[:n], x[n], x[n + 1]
        A = prob.Fz2(z, a1_, a2_)
        if method is None:
            spec = np.linalg.eigvals(-A)
            if kind == "fold":
                return True
            return any(abs(v.real) < 1e-6 * max(1.0, abs(v)) and abs(v.imag) > COMPLEX_TOL for v in spec)
        spec = map_multipliers(method, A, prob.h2(a1_, a2_), fld.n_theta, prob.beta)
        if kind == "neimark-sacker":
            return any(abs(abs(v) - 1) < 1e-6 and abs(v.imag) > COMPLEX_TOL for v in spec)
        target = 1.0 if kind in ("fold", "branch-point") else -1.0
        return bool(np.any(np.abs(spec - target) < 1e-6))

    def on_boundary(x):
        z, a1_, a2_ = x[:n], x[n], x[n + 1]
        A = prob.Fz2(z, a1_, a2_)
        if method is None:
            return abs(float(np.max(np.linalg.eigvals(-A).real))) <= 1e-8
        from .rates import local_rate
        return abs(local_rate(method, A, prob.h2(a1_, a2_), n_theta=fld.n_theta, beta=prob.beta) - 1) <= 1e-8

    def key(x):
        return (bool(genuine(x)), bool(on_boundary(x))) if boundary else (bool(genuine(x)),)

    pts, keys = _refine_switches(H, Hx, pts, [key(x) for x in pts], key)
    pts = np.array(pts)
    keys = np.array(keys, dtype=bool).reshape(len(pts), -1)
    return Curve(kind=kind, parameters=tuple(vary), method=method, a1=pts[:, n], a2=pts[:, n + 1],
                 points=pts[:, :n], genuine=keys[:, 0], on_boundary=keys[:, 0] & keys[:, 1] if boundary else None)


#: :func:`_refine_switches` locates a change along a curve to within this distance in (z, a1, a2) (closer to a
#: codimension-two point the multipliers of a nearly defective iteration matrix lose digits: about sqrt(eps) at it)
SWITCH_TOL = 1e-6


def _refine_switches(H, Hx, pts: list, keys: list, key_of, tol: float = SWITCH_TOL):
    """``(pts, keys)`` of a continued curve with, between each two consecutive points whose keys differ, the last
    point with the first one's key and the first point without it inserted, located by bisection along the
    secant: each trial point ``x_a + s (x_b - x_a)`` corrected onto the curve by Newton in the hyperplane normal to
    the secant through it, until the two are within ``tol``.  A trial point where Newton fails ends the bisection
    there (what was located so far is kept)."""
    out_p, out_k = pts[:1], keys[:1]
    for i in range(1, len(pts)):
        a, b, ka = pts[i - 1], pts[i], keys[i - 1]
        if ka != keys[i]:
            d = b - a
            length = float(np.linalg.norm(d))
            lo, hi, xa, xb, kb = 0.0, 1.0, None, None, None
            while length > 0 and (hi - lo) * length > tol:
                s = 0.5 * (lo + hi)
                try:
                    x, _ = _newton(H, Hx, a + s * d, d / length)
                except _NoConvergence:
                    break
                k = key_of(x)
                if k == ka:
                    lo, xa = s, x
                else:
                    hi, xb, kb = s, x, k
            if xa is not None:
                out_p.append(xa)
                out_k.append(ka)
            if xb is not None:
                out_p.append(xb)
                out_k.append(kb)
        out_p.append(b)
        out_k.append(keys[i])
    return out_p, out_k


def _near_curve(curve, kind, a1, a2, w1, w2, tol=0.01) -> bool:
    """Whether (a1, a2) lies within ``tol`` of ``curve`` (of that kind), distances measured with each parameter in
    units of its range (``w1``, ``w2``), to the polyline through the curve's points."""
    if curve.kind != kind or not len(curve.a1):
        return False
    P = np.column_stack([curve.a1 / w1, curve.a2 / w2])
    q = np.array([a1 / w1, a2 / w2])
    if len(P) == 1:
        return bool(np.linalg.norm(P[0] - q) <= tol)
    A, B = P[:-1], P[1:]
    d = B - A
    t = np.clip(np.einsum("ij,ij->i", q - A, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-300), 0.0, 1.0)
    return bool(np.min(np.linalg.norm(A + t[:, None] * d - q, axis=1)) <= tol)


def stability_boundaries(fld, vary: tuple, box, *, method: str | None = None, step: float | None = None,
                         params=None, beta: float | None = None, seeds=None, ds: float | None = None,
                         progress: bool = False) -> list:
    """The codimension-one curves that bound the stable region in a parameter plane.

    Seeds: a one-parameter :func:`continuation` in ``vary[1]`` at each value of ``seeds`` (default: 4
    values spread over ``vary[0]``'s range), and one in ``vary[0]`` at 4 values spread over ``vary[1]``'s range (a
    curve along one parameter is crossed only by lines along the other); every located event (fold, hopf / fold,
    flip, neimark-sacker) not already on a computed curve (within 1 % of the box, each parameter in units of its
    range) is continued in both parameters by :func:`boundary_curve`, inside ``box``.

    Parameters
    ----------
    fld : VectorField
    vary : (str, str)
        A hyperparameter and either another hyperparameter or ``h`` (discrete methods).
    box : ((lo1, hi1), (lo2, hi2))
    method, step, params, beta : as in :func:`continuation`.
    seeds : sequence of float, optional
    ds : float, optional
        Arclength step of the curves (default 1/60 of the box diagonal).

    Returns
    -------
    list of Curve
        With ``on_boundary`` set where the spectral radius (maps) is 1 / the spectral abscissa (flow) is 0
        up to 1e-8.
    """
    from ..validate import boolean
    progress = boolean(progress, "progress")  # (a truthy "no" showed the bar)
    from ..validate import field as _as_field
    fld = _as_field(fld, "stability_boundaries")  # a Game, a name or None: what it takes, not an AttributeError
    from ..validate import positive
    if isinstance(vary, str) or not isinstance(vary, (tuple, list)) or len(vary) != 2 or vary[0] == vary[1]:
        raise GandynamicsError(f"vary must be two different parameter names (name1, name2), got {vary!r}")
    try:
        b = None if isinstance(box, str) else np.asarray(box, dtype=float)
    except (TypeError, ValueError):
        b = None
    if b is None or b.shape != (2, 2) or not np.all(np.isfinite(b)):
        raise GandynamicsError(f"box must be ((lo1, hi1), (lo2, hi2)) with finite numbers, got {box!r}")
    (lo1, hi1), (lo2, hi2) = b.tolist()
    if not (lo1 < hi1 and lo2 < hi2):
        raise GandynamicsError(f"the box must have lo < hi in both parameters, got {box}")
    if not max(abs(lo1), abs(hi1), abs(lo2), abs(hi2)) <= PARAMETER_MAX:
        raise GandynamicsError(f"the box {box} reaches beyond +-{PARAMETER_MAX:zg} in a parameter, where the arclength "
                               "of a curve (a Euclidean norm of its points) overflows; give a narrower box")
    for name, (lo_, hi_) in zip(vary, ((lo1, hi1), (lo2, hi2))):
        slo, shi = _sign_limits(fld, name)
        if lo_ < slo or hi_ > shi:
            raise GandynamicsError(f"the box's range of {name}, [{lo_:zg}, {hi_:zg}], leaves its domain: {name} is "
                                   f"declared {fld.hyper_sign(name)[0]} (give a range within it)")
    _refuse_box_outside_conditions(fld, vary, ((lo1, hi1), (lo2, hi2)), params)
    ds = None if ds is None else positive(ds, "ds")
    if seeds is not None:  # NaN failed after the progress bar had started; a seed outside the box gave curves outside it
        from ..validate import vector
        seeds = vector(seeds, "seeds").tolist()
        outside = [v for v in seeds if not lo1 <= v <= hi1]
        if outside:
            raise GandynamicsError(f"seeds must lie in the box's range of {vary[0]}, [{lo1:zg}, {hi1:zg}]; got "
                                   f"{', '.join(f'{v:zg}' for v in outside)}")
    spread = np.array([0.15, 0.4, 0.65, 0.9])
    seeds = list(seeds) if seeds is not None else list(lo1 + (hi1 - lo1) * spread)
    ds = ds or float(np.hypot(hi1 - lo1, hi2 - lo2) / 60)
    a1n, a2n = vary
    kinds = CURVE_EVENTS_MAP if method is not None else CURVE_EVENTS_FLOW
    curves: list[Curve] = []
    # the lines the seeds are found on: in a2 at the seeds' values of a1, and in a1 at 4 values of a2 (seeded in a2
    # alone, a curve along a2 -- a Hopf line a = 0 whatever c -- was never crossed: found with vary=(c, a), nothing with
    # vary=(a, c), a new user's finding)
    lines = [(a2n, lo2, hi2, a1n, float(g)) for g in seeds] + [(a1n, lo1, hi1, a2n, float(g)) for g in lo2 + (hi2 - lo2) * spread]
    # (a notice when it takes more than a few seconds, where no bar shows it: runs.progress.counted; the seeds'
    # continuations and the curves inside it say nothing of their own)
    from ..runs.progress import counted
    what = "the flow" if method is None else method
    with counted(f"continuation: the curves that bound the stable region of {what} in ({a1n}, {a2n}), seeded on "
                 f"{len(lines)} lines (Ctrl-C stops it) ...", len(lines), desc="boundaries", unit="seed",
                 progress=progress, quiet_inside=True) as bar:
        for done, (along, lo_, hi_, fixed, g0) in enumerate(lines, 1):
            bar.to(done - 1)
            base, stp = dict(params or {}), step
            if fixed in STEP_NAMES:
                stp = g0
            else:
                base[fixed] = g0
            try:
                br = continuation(fld, along, lo_, hi_, params=base, method=method, step=stp, beta=beta,
                                  events=kinds, progress=False)  # (this one's bar and notice speak for it)
                if br.ended == "interrupted":  # (a seed line cut short finds fewer curves: the Ctrl-C is the caller's)
                    raise KeyboardInterrupt
            except GandynamicsError:
                if along == a2n:  # (the seeds' own lines: their errors are the caller's, as before)
                    raise
                continue
            for ev in br.events:
                a1, a2 = (g0, ev.value) if along == a2n else (ev.value, g0)
                if any(_near_curve(c, ev.type, a1, a2, hi1 - lo1, hi2 - lo2) for c in curves):
                    continue
                try:
                    c = boundary_curve(fld, ev.type, (a1n, a2n), (a1, a2), params=params, method=method,
                                       step=step, beta=beta, box=box, ds=ds, ds_max=3 * ds, z_start=ev.point,
                                       boundary=True, hold=0 if along == a2n else 1)
                except GandynamicsError:
                    continue
                curves.append(c)
    return curves
