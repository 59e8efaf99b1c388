r"""Certified convergence regions: the largest ball around the equilibrium on which F is certified
strongly monotone, the certified ``(mu, L)`` there, the steps for which a method's theorem applies, and the
certified rate from every start in an invariant ball (docs/math/basin-and-pep.md §1).

Procedure (:func:`basin`):

1. ``R`` = the largest radius with ``mu_lo(B_R(z*)) > margin`` certified by
   :func:`~gandynamics.analysis.constants.certify_constants` (interval branch and bound): the predicate is
   tested on a doubling/halving search, then bisected to ``(R_fail - R) <= rtol * R`` (default
   ``rtol = 1e-3``); each radius tried runs only the mu search, stopped once the predicate is decided
   (:func:`~gandynamics.analysis.constants.mu_certified_above`), and the whole certificate runs at ``R``.
   ``R`` is a certified radius: the predicate was *proved* at ``R``; ``R_fail`` is a radius where it could not
   be proved (a radius between them may still hold).  When ``DF`` does not depend on
   ``z`` (a linear field) the constants are the same on every ball and ``R = inf``.
2. ``(mu, L)`` = the certified ``(mu_lo, L_hi)`` on ``B_R``.
3. The step range is the theorem's (:func:`gandynamics.analysis.rates.theoretical_bound`):
   gd ``0 < h < 2 mu / L^2``; eg ``1 - h^2 L^2 - 2 h mu >= 0``; eftp ``0 < h <= 1/(4L)``.  The default step
   is :func:`gandynamics.analysis.rates.theory_step`.
4. The invariant ball of starts ``B_r`` and the rate (docs/math/basin-and-pep.md §1.2–1.4):

   * **gd**: ``|z+ - z*|^2 = |z - z* - h (F(z) - F(z*))|^2 <= (1 - 2 h mu + h^2 L^2) |z - z*|^2`` uses the
     constants on the segment ``[z, z*]`` only, which lies in ``B_R``: ``B_R`` itself is invariant,
     ``r = R``, rate = the theorem's ``sqrt(1 - 2 h mu + h^2 L^2)``.
   * **eg**: the theorem's proof uses strong monotonicity between ``w = z - h F(z)`` and ``z*`` and the
     Lipschitz bound between ``z`` and ``w``; ``|w - z*| <= (1 + h L) |z - z*|``, so for starts in
     ``B_r``, ``r = R / (1 + h L)``, every extrapolated point lies in ``B_R``, the theorem gives
     ``|z+ - z*| <= sqrt(1 - h mu) |z - z*|`` and ``z+`` is back in ``B_r``: invariant by induction.
   * **eftp** (``w_k = z_k - h F(w_{k-1})``, ``z_{k+1} = z_k - h F(w_k)``, ``w_{-1} = z_0``): the potential
     ``Phi_k = |z_k - z*|^2 + 2 h L |z_k - w_{k-1}|^2`` satisfies ``Phi_{k+1} <= Phi_k / (1 + t h mu)`` with
     ``t = min(1, (1 - 3 h L) / (2 h mu (1 + h L)))`` whenever ``h L < 1/3`` and ``w_k, w_{k-1}`` lie where
     the constants hold (derived in docs/math/basin-and-pep.md §1.4).  ``Phi_0 = |z_0 - z*|^2``, so
     ``|z_k - z*| <= Phi_k^{1/2} <= Phi_0^{1/2} <= r``, and ``|w_k - z*| <= |z_k - z*| + h L |w_{k-1} - z*|
     <= r + h L R <= R`` for ``r = R (1 - h L)``: invariant by induction, and the certified rate is
     ``(1 + t h mu)^{-1/2}`` per step, ``|z_k - z*| <= rate^k |z_0 - z*|``.  The recalled theorem's factor
     ``sqrt(1 - h mu)`` (docs/mathematics.md §5.3; its potential is not written down there, so it gives no
     invariance argument) is reported beside it as ``theorem_rate``.

``rate`` always bounds every iterate: ``|z_k - z*| <= rate^k |z_0 - z*|`` for every start in ``B_r``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import field

import numpy as np

from ..errors import GandynamicsError
from .constants import Region, RegionMeetsJump, _jump_switches, certify_constants, mu_certified_above
from .rates import theoretical_bound, theory_step
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["BASIN_METHODS", "BasinReport", "basin", "monotone_radius", "step_range", "certified_rate"]

BASIN_METHODS = ("gd", "eg", "eftp")


@dataclass
class BasinReport:
    """The certified convergence region of one method (see :func:`basin`).

    Attributes
    ----------
    method : str
    equilibrium : (n,) array                  the centre z*
    radius : float                            r: every start in B_r(z*) converges at ``rate`` (``inf`` for a linear field)
    region_radius : float                     R: the ball on which (mu, L) are certified (R >= r; ``R = r`` for gd)
    failed_radius : float or None             a radius where mu > margin could not be certified (bisection bracket)
    mu, L : float                             certified ``mu_lo``, ``L_hi`` on B_R
    step : float or None                      the step h used
    step_range : (float, float, bool)         ``(0, h_max, closed)``: the theorem's steps, closed at h_max or not
    rate : float or None                      certified per-step factor on ``|z_k - z*|`` from every start in B_r
    theorem_rate : float or None              the factor of :func:`theoretical_bound` (same as ``rate`` for gd, eg)
    certified : bool                          True iff ``mu > margin``, a step in range and a rate < 1 were certified
    invariance : str                          the argument that keeps the iterates where the constants hold
    note : str
    """

    method: str
    equilibrium: np.ndarray
    radius: float
    region_radius: float
    failed_radius: float | None
    mu: float
    L: float
    step: float | None
    step_range: tuple
    rate: float | None
    theorem_rate: float | None
    certified: bool
    invariance: str
    margin: float = 0.0
    rtol: float = 1e-3
    linear: bool = False
    note: str = ""
    evaluations: int = 0
    constants: object = field(default=None, repr=False)
    #: the non-smooth terms of F at the equilibrium, where it has no derivative there (the note lists the first few)
    nonsmooth: list = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        """The report as built-in Python values (:mod:`gandynamics.jsonio`), as ``gandynamics basin --json`` writes
        it."""
        from ..jsonio import plain
        return plain({"method": self.method, "radius": self.radius, "mu": self.mu, "L": self.L, "step": self.step,
                      "rate": self.rate, "certified": self.certified, "region_radius": self.region_radius,
                      "failed_radius": self.failed_radius, "step_range": list(self.step_range),
                      "theorem_rate": self.theorem_rate, "equilibrium": np.asarray(self.equilibrium),
                      "margin": self.margin, "rtol": self.rtol, "linear": self.linear, "invariance": self.invariance,
                      "note": self.note, **({"nonsmooth": list(self.nonsmooth)} if self.nonsmooth else {})})

    def __repr__(self) -> str:
        from .._display import basin_text
        return basin_text(self)

    def _repr_html_(self) -> str:
        from .._display import basin_html
        return basin_html(self)


# --------------------------------------------------------------------------- steps and rates
def step_range(method: str, mu: float, L: float) -> tuple:
    """``(0, h_max, closed)``: the steps for which the theorem of ``method`` applies with ``(mu, L)``
    (conditions of :func:`gandynamics.analysis.rates.theoretical_bound`): gd ``h < 2 mu/L^2`` (open),
    eg ``1 - h^2 L^2 - 2 h mu >= 0`` i.e. ``h <= (sqrt(mu^2 + L^2) - mu)/L^2``, eftp ``h <= 1/(4L)``.
    ``(0, 0, False)`` when ``mu <= 0`` or L is not finite."""
    _check_method(method)
    if not (mu > 0 and L > 0 and math.isfinite(L)):
        return (0.0, 0.0, False)
    if method == "gd":
        return (0.0, 2 * mu / (L * L), False)
    if method == "eg":
        # 1/(sqrt(mu^2 + L^2) + mu) = (sqrt(mu^2 + L^2) - mu)/L^2, rounded down to the largest double that meets the
        # theorem's condition as theoretical_bound evaluates it: the closed range's end is a step the theorem takes
        # (the rounded root failed it for 41 % of random (mu, L), and basin took it and certified nothing)
        h = 1 / (math.sqrt(mu * mu + L * L) + mu)
        while h > 0 and 1 - h * h * L * L - 2 * h * mu < 0:
            h = math.nextafter(h, 0.0)
        return (0.0, h, True)
    return (0.0, 1 / (4 * L), True)


def certified_rate(method: str, h: float, mu: float, L: float) -> float | None:
    """The per-step factor on ``|z_k - z*|`` that :func:`basin` certifies (module docstring): gd and eg the
    theorem's (:func:`theoretical_bound`), eftp ``(1 + t h mu)^{-1/2}`` of the potential of
    docs/math/basin-and-pep.md §1.4.  None outside the step range."""
    _check_method(method)
    if not h > 0:
        return None
    if method in ("gd", "eg"):
        return theoretical_bound(method, h, mu, L).factor
    lo, hi, _ = step_range(method, mu, L)
    if not (0 < h <= hi * (1 + 1e-12)) or not h * L < 1 / 3:
        return None
    from ..methods.eftp import potential_factor
    return potential_factor(h, mu, L)


def _inner_radius(method: str, R: float, h: float, L: float) -> float:
    if method == "gd" or math.isinf(R):
        return R
    if method == "eg":
        return R / (1 + h * L)
    return R * (1 - h * L)


_INVARIANCE = {
    "gd": "B_R is invariant: one GD step uses (mu, L) on the segment [z, z*] only and contracts |z - z*| "
          "by sqrt(1 - 2 h mu + h^2 L^2) < 1 (docs/math/basin-and-pep.md §1.2)",
    "eg": "starts in B_r, r = R/(1 + h L): the extrapolated point w = z - h F(z) has |w - z*| <= (1 + h L)|z - z*| "
          "<= R, so (mu, L) hold at every point the theorem uses, and |z+ - z*| <= sqrt(1 - h mu)|z - z*| "
          "(docs/math/basin-and-pep.md §1.3)",
    "eftp": "starts in B_r, r = R (1 - h L): the potential |z_k - z*|^2 + 2hL|z_k - w_{k-1}|^2 decreases, so "
            "|z_k - z*| <= r and |w_k - z*| <= r + h L R <= R by induction (docs/math/basin-and-pep.md §1.4)",
}


def _check_method(method):
    """Refuse a method with no certified convergence region: an unknown name, or a method of the registry whose
    region is not implemented (:data:`BASIN_METHODS` have their theorems: docs/math/basin-and-pep.md §1)."""
    from ..methods import ALIASES, METHODS, refuse_methods
    why = "no theorem of a certified convergence region is implemented for it: docs/math/basin-and-pep.md §1"
    refuse_methods([method], BASIN_METHODS, reasons={m: why for m in [*METHODS, *ALIASES] if m not in BASIN_METHODS})


# --------------------------------------------------------------------------- the radius
def _is_linear(fld) -> bool:
    zs = set(fld.z)
    return not any(sym in zs for e in fld.DF for sym in getattr(e, "free_symbols", ()))


#: the smallest radius :func:`monotone_radius` searches by default (no certified ball above it gives R = 0)
R_MIN = 1e-6
#: a refused radius more than this many times ``r_min`` is followed by the geometric mean of the two, not its half
WIDE = 2.0 ** 20


def monotone_radius(fld, params=None, margin: float = 0.0, rtol: float = 1e-3, r0: float = 0.5,
                    r_max: float = 1e3, r_min: float = R_MIN, tol: float = 1e-2, max_seconds: float = 5.0,
                    progress=None, max_boxes: int = 20000):
    r"""The largest ``R`` (to relative ``rtol``) with ``mu_lo(B_R(z*)) > margin`` certified.

    Parameters
    ----------
    fld : VectorField
    params : mapping, optional          hyperparameter values
    margin : float                      required certified lower bound on mu (``>= 0``)
    rtol : float                        bisection stops when ``R_fail - R <= rtol * R``
    r0, r_max, r_min : float            first radius tried; the search range (``R = r_max`` is reported as
                                        capped; no certified ball above ``r_min`` gives ``R = 0``)
    tol, max_seconds, max_boxes         the budget of the search on each radius tried (mu alone, stopped once
                                        decided: :func:`~gandynamics.analysis.constants.mu_certified_above`) and
                                        of the whole certificate at the radius found (a box budget without a
                                        time limit makes the result independent of load)
    progress : callable, optional       called with ``(R_ok, R_fail)`` after each test

    A ball that meets a switching set where F may jump (:class:`~gandynamics.analysis.constants.RegionMeetsJump`)
    counts as refused: the search stops short of the jump.

    Returns
    -------
    (R, R_fail, report, zstar, evaluations)
        ``report`` the :class:`~gandynamics.analysis.constants.ConstantsReport` at ``R`` (None when ``R = 0``),
        ``R_fail`` the smallest radius tried where the certificate failed (None if none failed).
    """
    from .spectrum import find_equilibrium
    from ..validate import callback, nonnegative, positive
    from .constants import _check_tol
    nonnegative(margin, "margin")
    for name, v in (("rtol", rtol), ("r0", r0), ("r_max", r_max), ("r_min", r_min)):
        positive(v, name)  # (True is not 1; NaN refused)
    _check_tol(tol, 0.0, max_boxes, max_seconds)  # checked here: an early return (mu(z*) <= margin) skipped them
    if progress is not None:  # progress="abc": a TypeError after the first certificate
        callback(progress, "progress", "progress(R_ok, R_fail)", 2, or_none=True)
    if not r_min < r_max:
        raise GandynamicsError(f"r_min must be below r_max, got {r_min!r} >= {r_max!r}")
    p = fld._p(params)
    pd = dict(zip([s.name for s in fld.hyper], p))
    zstar, _ = find_equilibrium(fld, pd)
    A = fld.eval_DF(zstar, p)
    if not np.all(np.isfinite(A)):
        raise GandynamicsError(f"the Jacobian is not finite at the equilibrium: "
                               f"{fld.why_not_finite(zstar, p, jacobian=True)}")
    count = [0]
    jumps = {}   # radius -> the RegionMeetsJump that refused its ball
    mu0 = float(np.linalg.eigvalsh((A + A.T) / 2)[0])
    # near the boundary mu -> 0 and a relative gap is never reached: stop at an absolute gap small against
    # mu(z*) as well (the predicate is only the sign of mu_lo - margin; a smaller gap moves R by ~atol/mu')
    atol = 1e-4 * max(abs(mu0), 1e-300)
    if margin > 0:   # the sign of mu_lo - margin needs a gap small against margin, not only against mu
        tol = min(tol, rtol)

    ball = dict(tol=tol, atol=atol, max_seconds=max_seconds, max_boxes=max_boxes)  # one search for both below

    def cert(r):  # the whole report on B_r, or None where B_r meets a jump of F (nothing certified there)
        try:
            with np.errstate(over="ignore"):  # (a huge ball's bounds overflow to inf: no claim, no numpy warning)
                return certify_constants(fld, Region.ball(zstar, r), p, asymmetric=False, **ball)
        except RegionMeetsJump as exc:  # the search chose this ball, not the user: mu > margin is unproved there
            jumps[r] = exc
            return None

    if _is_linear(fld):
        count[0] += 1
        rep = cert(1.0)
        if rep is not None and rep.mu.lo > margin:
            return _radius((math.inf, None, rep, zstar, count[0]))
        # the same constants on every ball: refused on all of them, none found (it read "could not be certified on any
        # ball of radius >= 0.5", as if a smaller ball might do, whatever r0 was asked)
        return _radius((0.0, 0.0, None, zstar, count[0]), jumps.get(1.0))
    if not mu0 > margin:          # no ball at all: the centre itself violates the claim
        return _radius((0.0, 0.0, None, zstar, count[0]))
    lows = {}     # radius -> the certified lower bound on mu over B_r of the search that decided there
    held, refused = [], []   # the radii where mu > margin was certified, and where it was not

    why = {}      # radius -> [how its refusal came about (witness, closed, budget), boxes, seconds] (mu_certified_above)

    def probe(r):  # decide "mu > margin" on B_r by the mu search alone (constants.mu_certified_above: the
        count[0] += 1  # answer of the whole certificate's mu bracket, found sooner); no report here
        try:
            with np.errstate(over="ignore"):
                lows[r], *why[r] = mu_certified_above(fld, Region.ball(zstar, r), p, margin, detail=True, **ball)
        except RegionMeetsJump as exc:
            jumps[r] = exc
        if r in lows and lows[r] > margin:
            held.append(r)
        else:
            refused.append(r)
        if progress:
            progress(max(held, default=None), min(refused, default=None))

    def refusal(r):  # what refused B_r: a jump of F the whole certificate meets there (the decision may have
        # stopped before its boxes reached it), else None; only a field with switching sets across which F may
        # jump has one to meet (the domain was checked before the decision's search)
        if r is not None and r > 0 and r not in jumps and _jump_switches(fld)[0]:
            cert(r)
        return jumps.get(r)

    from ..log import notice_if_slow
    with notice_if_slow(f"finding the largest ball around z* on which mu > {margin:zg} is certified (bisection on its "
                        f"radius to {rtol:zg} relative, each ball a branch and bound of at most {max_seconds:zg} s) ...",
                        quiet_inside=True):
        rep, ok, fail = _bisect_radius(probe, cert, held, refused, r0, r_min, r_max, rtol, zstar, count, refusal)
        if rep is None:
            return ok  # (no ball: the _radius of the refusal)
    if rep.mu.lo < lows[ok]:  # only a time budget cut short (under load) leaves it below: both bounds are certified
        rep.mu = dataclasses.replace(rep.mu, lo=lows[ok])
    out = _radius((ok, fail, rep, zstar, count[0]), refusal(fail))
    out.why = tuple(why.get(fail, ())) if fail is not None else ()
    out.budget = (max_boxes, max_seconds)
    return out


def _bisect_radius(probe, cert, held, refused, r0, r_min, r_max, rtol, zstar, count, refusal):
    """:func:`monotone_radius`'s search: ``(report, R, R_fail)`` at the largest radius certified, or ``(None,
    _radius(...), None)`` when no ball is."""
    probe(min(max(r0, r_min), r_max))
    while True:
        ok, fail = max(held, default=None), min(refused, default=None)
        if fail is None and ok < r_max:   # doubling up from a certified radius
            probe(min(2 * ok, r_max))
        elif ok is None:                  # halving down from a refused one
            if fail / 2 < r_min:
                return None, _radius((0.0, fail, None, zstar, count[0]), refusal(fail)), None
            # (far above r_min, the geometric mean: from --r-max 1e300 halving took a thousand certificates)
            probe(math.sqrt(fail * r_min) if fail > WIDE * r_min else fail / 2)
        elif fail is not None and fail - ok > rtol * ok:  # bisection between the two
            probe(math.sqrt(ok * fail) if fail > 4 * ok else 0.5 * (ok + fail))
        else:                             # the whole report at the radius found (capped at r_max without a fail)
            rep = cert(ok)
            if rep is not None:
                break
            held.remove(ok)               # it met a jump the decision's boxes did not reach: refused after all
            refused.append(ok)
    return rep, ok, fail


class _Radius(tuple):
    """:func:`monotone_radius`'s ``(R, R_fail, report, zstar, evaluations)`` with ``jump``: the
    :class:`~gandynamics.analysis.constants.RegionMeetsJump` that refused the ball of radius ``R_fail`` (None when
    the certificate failed there for another reason)."""

    jump = None
    #: how the certificate failed at ``R_fail`` when no jump did: mu_certified_above's detail ``(why, boxes, seconds)``
    why = ()
    budget = (0, 0.0)


def _radius(values, jump=None) -> _Radius:
    out = _Radius(values)
    out.jump = jump
    return out


def _jump_note(radius) -> str:
    """``"; the ball of radius R_fail meets ..."`` when a jump of F refused that ball (what stopped the search
    there), else what did: a point with mu <= margin found in it, or the search's budget spent (then R is a lower
    bound that more boxes may raise: a new user's ball was refused at 0.15 for want of boxes, its true radius 0.25),
    else ``""``."""
    from .constants import RegionLeavesDomain, _fmt_point
    exc, R_fail = getattr(radius, "jump", None), radius[1]
    if exc is None:
        why, boxes, secs = getattr(radius, "why", ()) or ("", 0, 0.0)
        if R_fail is None or not why:
            return ""
        if why == "witness":
            return f"; at radius {R_fail:z.6g} a point with mu <= the margin was found (refused)"
        if why == "closed":
            return f"; at radius {R_fail:z.6g} mu's bracket closed about the margin (mu is the margin there, to the search's gap)"
        limit, limit_s = getattr(radius, "budget", (0, 0.0))
        # (a round splits boxes in pairs: the box budget is spent within one pair of its end)
        spent = (f"its {int(boxes)} boxes (max_boxes, --max-boxes {limit})" if int(boxes) + 2 > limit else
                 f"its {float(secs):z.2g} s (max_seconds, --max-seconds {limit_s:zg})")
        return (f"; at radius {R_fail:z.6g} the certificate was undecided: the branch and bound spent {spent} "
                "before deciding, so the true radius may be larger (give a larger budget)")
    if isinstance(exc, RegionLeavesDomain):  # (a RegionMeetsJump too, so that the search stops there)
        verb = "leaves" if exc.certain else "may leave (not proven inside)"
        return (f"; the ball of radius {R_fail:z.6g} {verb} the domain of F ({exc.switch.describe()}, "
                f"{'e.g. at' if exc.certain else 'near'} z = {_fmt_point(exc.point)}): nothing is certified outside it")
    return (f"; the ball of radius {R_fail:z.6g} meets a switching set where F may jump ({exc.switch.describe()}, "
            f"e.g. at z = {_fmt_point(exc.point)}): no constant is certified across it")


def basin(fld, method: str = "eftp", step: float | None = None, params=None, margin: float = 0.0,
          rtol: float = 1e-3, r0: float = 0.5, r_max: float = 1e3, tol: float = 1e-2, max_seconds: float = 5.0,
          progress=None, radius=None, max_boxes: int = 20000) -> BasinReport:
    r"""The certified convergence region of ``method`` around the equilibrium (module docstring;
    docs/math/basin-and-pep.md §1).

    Parameters
    ----------
    fld : VectorField
    method : {"gd", "eg", "eftp"}
    step : float, optional
        The step h (default :func:`gandynamics.analysis.rates.theory_step` with the certified constants);
        must lie in the theorem's range (:func:`step_range`).
    params : mapping, optional           hyperparameter values
    margin : float                       certify ``mu > margin`` (default 0: the largest strongly monotone ball)
    rtol : float                         relative accuracy of the bisection on the radius (default 1e-3)
    r0, r_max, tol, max_seconds, max_boxes, progress : see :func:`monotone_radius`
        ``max_seconds`` (default 5) and ``max_boxes`` bound the certificate of *each* radius the bisection tries,
        not the whole call: with ``rtol = 1e-3`` it tries about 10 to 30 radii, so the call can take that many times
        ``max_seconds`` (``progress`` reports each radius as it is decided).
    radius : tuple, optional
        The result of :func:`monotone_radius` for the same field, params and margin (to reuse it for
        several methods); computed otherwise.

    Returns
    -------
    BasinReport
        ``radius`` r (starts), ``region_radius`` R (constants), ``mu``, ``L``, ``step``, ``step_range``,
        ``rate`` (``|z_k - z*| <= rate^k |z_0 - z*|`` for every start in B_r), ``certified``.

    Raises
    ------
    GandynamicsError
        Unknown method, a step outside the theorem's range, or no equilibrium.
    """
    from ..validate import field as _as_field
    fld = _as_field(fld, "basin")  # a Game, a name or None: what it takes, not an AttributeError
    _check_method(method)
    if step is not None:
        from ..validate import positive
        step = positive(step, "the step")  # (True is not 1)
    searched = radius is None
    if radius is None:
        radius = monotone_radius(fld, params, margin, rtol, r0=r0, r_max=r_max, tol=tol, max_seconds=max_seconds,
                                 progress=progress, max_boxes=max_boxes)
    elif not (isinstance(radius, tuple) and len(radius) == 5):  # basin(fld, radius=0.5) ended in a TypeError
        raise GandynamicsError(f"radius must be the tuple monotone_radius(fld, ...) returned for this field (R, "
                               f"R_fail, report, z*, evaluations), or None; got {radius!r} (the ball's radius is "
                               "found by the search: r0 and r_max bound it)")
    first = _basin_report(fld, method, step, params, margin, rtol, r_max, radius)
    vacuous = (first.mu > 0.0 and first.L > 0.0 and not first.certified and first.radius == first.radius
               and (first.rate is None or not first.rate < 1.0))  # (mu > 0 certified; the rate rounds to 1)
    if not (searched and margin == 0.0 and vacuous):
        return first
    # the largest ball of mu > 0 certifies nothing in double precision (mu tiny against L at its edge: a new user's
    # game whose mu decays like exp(-R) gave R = 173, mu = 5.9e-302, "certified: no", where --r-max 3 certified a
    # rate of 0.9993): the largest ball of mu > RESOLVE_MU L_ref instead, L_ref the norm of DF(z*) at first, then the
    # L of the ball found while that ball certifies nothing (L falls as the balls shrink, and mu >= RESOLVE_MU L_ref
    # >= RESOLVE_MU L certifies a rate once L_ref bounds the ball's L: two or three searches)
    A = fld.eval_DF(first.equilibrium, fld._p(params))
    L_ref = float(np.linalg.norm(A, 2)) if np.all(np.isfinite(A)) else math.nan
    r_top, best, m_best = first.region_radius, first, 0.0
    for _ in range(RESOLVE_SEARCHES):
        if not (L_ref > 0.0 and L_ref < math.inf):
            break
        m2 = RESOLVE_MU * L_ref
        radius2 = monotone_radius(fld, params, m2, rtol, r0=min(r0, r_top), r_max=r_top, tol=tol,
                                  max_seconds=max_seconds, progress=progress, max_boxes=max_boxes)
        second = _basin_report(fld, method, step, params, m2, rtol, r_top, radius2)
        if second.certified:
            best, m_best = second, m2
            if second.mu >= RESOLVE_MU * second.L:  # (its rate resolved from 1: done)
                break
        if not (second.L > L_ref and second.region_radius > 0.0):  # (no ball, or its L no larger: nothing to gain)
            break
        L_ref, r_top = second.L, second.region_radius
    if best is first:
        return first
    why = (f"the largest ball of certified mu > 0 (R = {first.region_radius:z.6g}) has mu = {first.mu:z.3g} against "
           f"L = {first.L:z.3g}, a contraction below what a double resolves from 1: this is the largest ball of mu > "
           f"{m_best:z.3g} ({RESOLVE_MU:z.0e} times an L; a larger --margin trades the ball's size for a faster rate)")
    return dataclasses.replace(best, note=f"{why}; {best.note}" if best.note else why)


#: where the largest ball of certified mu > 0 certifies no rate below 1 in double precision, :func:`basin` takes the
#: largest ball of ``mu > RESOLVE_MU L_ref`` (``L_ref`` bounding the ball's L: its theorem's contraction, of order
#: (mu/L)^2, is then resolved from 1), in at most RESOLVE_SEARCHES searches
RESOLVE_MU = 1e-6
RESOLVE_SEARCHES = 3


def _basin_report(fld, method, step, params, margin, rtol, r_max, radius) -> BasinReport:
    """:func:`basin`'s report on the ball ``radius`` (:func:`monotone_radius`'s result for ``margin``)."""
    R, R_fail, rep, zstar, n_eval = radius
    lin = _is_linear(fld)
    inv = _INVARIANCE[method]
    bad = fld.nonsmooth_at(zstar, params) if rep is None else []
    if bad:  # (DF there is a convention's value, sign(0) = 0: its lambda_min was read as a fact about F)
        from .nonsmooth import not_differentiable
        note = (f"{not_differentiable(bad, 'at the equilibrium')}: no linearisation there, and no ball around it was "
                "certified strongly monotone") + _jump_note(radius)
        return BasinReport(method, zstar, 0.0, 0.0, 0.0, math.nan, math.nan, None, (0.0, 0.0, False), None, None,
                           False, inv, margin, rtol, lin, note, n_eval, None, nonsmooth=list(bad))
    if rep is None:
        A = fld.eval_DF(zstar, fld._p(params))
        mu0 = float(np.linalg.eigvalsh((A + A.T) / 2)[0]) + 0.0   # no -0
        not_mono = ("F is not strongly monotone at the equilibrium" if margin == 0 else
                    f"mu > {margin:zg} fails at the equilibrium")
        note = (f"lambda_min(sym DF(z*)) = {mu0:z.6g} <= {margin:zg}: {not_mono}"
                f"{' and on every ball (DF is constant: a linear field)' if lin else ', no ball'} "
                "(local convergence may still hold: see `gandynamics rates`)" if R_fail == 0.0 else
                f"mu > {margin:zg} could not be certified on any ball of radius >= {R_fail / 2:z.3g}")
        note += _jump_note(radius)
        return BasinReport(method, zstar, 0.0, 0.0, R_fail, mu0 if R_fail == 0.0 else math.nan, math.nan, None,
                           (0.0, 0.0, False), None, None, False, inv, margin, rtol, lin, note, n_eval, None)
    mu, L = float(rep.mu.lo), float(rep.lipschitz.hi)
    rng = step_range(method, mu, L)
    h = theory_step(method, mu, L) if step is None else step
    # one test: a step is taken iff the rate of the argument (module docstring) is defined there
    rate = None if h is None else certified_rate(method, h, mu, L)
    q = (mu / L) ** 2 if mu > 0 and L > 0 else 0.0
    q = f"{q:z.3g}" if q > 0 else (f"10^{2 * (math.log10(mu) - math.log10(L)):z.0f}" if mu > 0 and L > 0 else "0")
    vacuous = (f"on this ball mu = {mu:z.3g} and L = {L:z.3g}: the theorem's contraction per step, about (mu/L)^2 = "
               f"{q}, is below what a double resolves from 1, so nothing contracts in double precision; a smaller "
               "ball (r_max=, --r-max) certifies a rate below 1")
    if step is None and (h is None or not h > 0 or not rng[1] > 0):  # (the theorem's step underflowed to 0: the
        # ball the search found is as large as mu > margin allows, its mu tiny against L; a new user's game whose mu
        # decays like exp(-R) gave "0 < h < 0" for a step they had not given, and eftp a ZeroDivisionError)
        return BasinReport(method, zstar, 0.0, R, R_fail, mu, L, None, rng, None, None, False, inv, margin, rtol, lin,
                           vacuous, n_eval, rep)
    if rate is None:
        raise GandynamicsError(f"the step {h!r} is outside the range of the {method} theorem on this ball: "
                               f"0 < h {'<=' if rng[2] else '<'} {rng[1]:z.6g} (mu = {mu:z.6g}, L = {L:z.6g})")
    thm = theoretical_bound(method, h, mu, L).factor
    r = _inner_radius(method, R, h, L)
    note = ""
    if lin:
        note = "DF is constant (a linear field): the constants hold on every ball, radius = inf"
    elif R_fail is None:
        note = f"capped: mu > {margin:zg} certified on the largest ball tried (r_max = {r_max:zg})"
    else:
        note = _jump_note(radius).lstrip("; ")
    if rate is not None and not rate < 1:  # (h mu underflowed in the factor: it rounds to 1)
        note = f"{note}; {vacuous}" if note else vacuous
    certified = bool(rate is not None and rate < 1 and r > 0)
    return BasinReport(method, zstar, r, R, R_fail, mu, L, h, rng, rate, thm, certified, inv, margin, rtol, lin,
                       note, n_eval, rep)
