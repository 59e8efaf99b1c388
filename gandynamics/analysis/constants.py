r"""Lipschitz and strong-monotonicity constants of the operator F on a region: estimates with witnesses,
certified brackets by branch-and-bound over boxes, and claim checking.

Definitions (docs/mathematics.md §0.5, §5): on a convex region S,

.. math::

    L_S = \sup_{z\in S} \|DF(z)\|_2, \qquad \mu_S = \inf_{z\in S} \lambda_{\min}\big((DF(z) + DF(z)^T)/2\big),

so that ``||F(z) - F(z')|| <= L_S ||z - z'||`` and ``<F(z) - F(z'), z - z'> >= mu_S ||z - z'||^2`` on S
(mean-value theorem on the segment, which S contains because it is convex).  For a linear operator
``F(z) = A z`` these are ``||A||_2`` and ``lambda_min(sym A)`` exactly (docs/mathematics.md §5).

* **Estimates** (:func:`estimate_constants`): DF at sampled points of S (uniform in the region plus, for
  a ball, points on its sphere), the best few refined by ``scipy.optimize.minimize`` (SLSQP with the ball
  constraint, L-BFGS-B on a box).  They give *witnesses*: ``L_lo = ||DF(z_a)||`` and
  ``mu_hi = lambda_min(sym DF(z_b))`` with the points ``z_a, z_b`` in S.
* **Certified bounds** (:func:`certify_constants`): the region's bounding box is split (widest side,
  best-first: a priority queue ordered by each box's bound) and DF is enclosed on each box by interval
  arithmetic: ``order=2`` (default) the vectorised engine :mod:`gandynamics.analysis.boxeval` with the
  second-order mean-value/vertex form, many boxes per call; ``order=1`` the Arb engine
  :mod:`gandynamics.analysis.intervals`, box by box.  ``L_hi`` and ``mu_lo`` come from certified matrix
  bounds (Weyl, Rump's interval Cholesky test).  Boxes that do not meet S are dropped, boxes that cannot hold
  the extremum (bound no better than the current witness) are pruned; the search stops when
  ``hi - lo <= tol * max(|lo|, |hi|)`` (or ``<= atol``) with both ends finite, or the budget (boxes, seconds)
  runs out.  ``L_hi >= L_S`` and ``mu_lo <= mu_S`` hold whatever the stopping reason.
* **Non-smooth fields**: a region on which F may jump (``sign``, ``Heaviside``, ``floor``, a discontinuous
  ``Piecewise``, ...; :mod:`gandynamics.analysis.nonsmooth`) is refused with the switching set and a point;
  kinks (``Abs``, ``Max``, a continuous ``Piecewise``, a jump function whose jump is multiplied by 0 such as
  ``x sign(x)`` from the gradient of ``x |x| / 2``) are certified from enclosures of DF taken piece by piece
  that contain every branch (Clarke's generalised Jacobian).  Where a switching set may meet the region
  (:func:`region_blocker`) the second-order forms of DF are not valid (a kink of F is a jump of DF), so
  ``order=2`` runs as ``order=1`` with the natural extension, and
  ``mean_value=True`` is refused (:func:`_engine`); the report's ``order`` and ``engine`` say which ran.
* **The domain of F**: the interval engines enclose a function where it is defined (``sqrt([-1, 4]) = [0, 2]``,
  IEEE 1788), so a region is first proven inside the domain of F (:func:`_require_defined`: ``x**(3/2)`` needs
  ``x >= 0``, ``log(x)`` ``x > 0``, a divisor ``!= 0``, ``asin`` ``[-1, 1]``, ...); one that is not is refused
  (:class:`RegionLeavesDomain`) with the condition and a point.  A pole of DF where F is defined (``sqrt(x)`` at
  0) is not refused: ``L = inf`` is the answer there.  Witnesses and counterexamples are points where F is finite.
* **Claims** (:func:`check_constants`): "F is mu-strongly monotone and L-Lipschitz on S" is *holds*
  (certified up to the relative tolerance ``rtol``), *refuted* (a point of S where the claim fails, with a
  pair of points violating the defining inequality) or *undecided* (with the current brackets).

The mathematics, with references: docs/math/certification.md.

For the asymmetric scheme (Tikhonov + zero-centred gradient penalty, docs/mathematics.md §4.3),
:func:`asymmetric_local` gives the Gauss–Newton Gramian of the penalty at the equilibrium, its smallest
eigenvalue (local identifiability) and the local constants ``mu_loc``, ``L_loc``.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import time
from dataclasses import field

import numpy as np
import sympy as sp
from scipy import optimize

from .._display import bound
from ..equilibrium import norm
from ..errors import GandynamicsError
from ..validate import optional_flag, plain_float
from .intervals import NE0, JacobianEnclosure, matrix_bounds
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["Region", "parse_region", "Bracket", "ConstantsReport", "CheckResult", "estimate_constants",
           "certify_constants", "check_constants", "asymmetric_local", "jacobian_values"]


# --------------------------------------------------------------------------- regions
@dataclass(frozen=True)
class Region:
    """A ball ``||z - center|| <= radius`` or a box ``lo <= z <= hi`` (both convex).

    Made by :meth:`ball` or :meth:`box`, or directly as ``Region("box", lo, hi)`` /
    ``Region("ball", lo, hi, center, radius)`` (a ball's ``lo`` and ``hi`` are ``center - radius`` and
    ``center + radius``, and may be given as None); every way is checked by the one rule of :meth:`__post_init__`.

    Raises
    ------
    GandynamicsError
        ``kind`` not ``"box"`` or ``"ball"``; a box whose ``lo``/``hi`` are not vectors of finite numbers of one length
        with ``lo <= hi`` in every coordinate, or that is given a centre or radius; a ball without a finite ``center``
        vector and a finite ``radius > 0`` (a zero radius leaves no region to certify anything on), or whose ``lo``/
        ``hi`` are not ``center -/+ radius``.
    """

    kind: str
    lo: np.ndarray
    hi: np.ndarray
    center: np.ndarray | None = None
    radius: float | None = None

    def __post_init__(self):
        """The one check of a region however it is made (``Region(...)``, :meth:`ball`, :meth:`box`): the plain
        constructor took any kind, ``lo > hi`` and a radius of -1, and the report of such a region was meaningless
        (a "ball of radius -1", mu in [-inf, -0.25]) or a TypeError from inside."""
        from ..validate import choice, positive, vector
        kind = choice(self.kind, "region kind", ("box", "ball"))
        if kind == "ball":
            if self.center is None or self.radius is None:
                raise GandynamicsError("Region: a ball needs a center and a radius, Region('ball', None, None, center, "
                                       f"radius) or Region.ball(center, radius); got center={self.center!r}, "
                                       f"radius={self.radius!r}")
            c = vector(self.center, "Region: center")
            r = positive(self.radius, "Region: radius")
            lo, hi = c - r, c + r
            for name, given, want in (("lo", self.lo, lo), ("hi", self.hi, hi)):
                if given is None:
                    continue
                g = vector(given, f"Region: {name}", n=c.size)
                if not np.allclose(g, want, rtol=1e-12, atol=1e-12 * r):
                    raise GandynamicsError(f"Region: a ball's {name} is center {'-' if name == 'lo' else '+'} radius "
                                           f"= {want.tolist()}, got {g.tolist()} (give None, or make it with "
                                           "Region.ball(center, radius))")
            object.__setattr__(self, "center", c)
            object.__setattr__(self, "radius", r)
        else:
            if self.center is not None or self.radius is not None:
                raise GandynamicsError(f"Region: a box takes lo and hi, not a center or radius (got center="
                                       f"{self.center!r}, radius={self.radius!r}); for a ball: Region.ball(center, "
                                       "radius)")
            lo = vector(self.lo, "Region: lo")
            hi = vector(self.hi, "Region: hi", n=lo.size)
            if np.any(lo > hi):
                raise GandynamicsError(f"Region: a box needs lo <= hi in every coordinate, got lo={lo.tolist()} "
                                       f"hi={hi.tolist()}")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @classmethod
    def ball(cls, center, radius) -> "Region":
        """The ball ``||z - center|| <= radius``.

        Raises
        ------
        GandynamicsError
            ``center`` not a vector of finite numbers, ``radius`` not a finite number > 0.
        """
        return cls("ball", None, None, center, radius)

    @classmethod
    def box(cls, lo, hi) -> "Region":
        """The box ``lo <= z <= hi``.

        Raises
        ------
        GandynamicsError
            ``lo`` and ``hi`` not vectors of finite numbers of one length, or ``lo > hi`` in a coordinate.
        """
        return cls("box", lo, hi)

    @property
    def dim(self) -> int:
        return self.lo.size

    def contains(self, z, slack: float = 1e-12) -> bool:
        z = np.asarray(z, dtype=float)
        if self.kind == "ball":
            return bool(norm(z - self.center) <= self.radius * (1 + slack))  # (hypot: no overflow of squares)
        w = 2 * slack * np.maximum(0.5, self.hi / 2 - self.lo / 2)  # (halves: 1e308 - (-1e308) overflows)
        return bool(np.all(z >= self.lo - w) and np.all(z <= self.hi + w))

    def meets(self, lo, hi) -> bool:
        """Whether the box ``[lo, hi]`` meets the region (never False when it does: the test is
        inflated by a relative 1e-9)."""
        if self.kind == "box":
            return bool(np.all(hi >= self.lo) and np.all(lo <= self.hi))
        nearest = np.clip(self.center, lo, hi)
        return bool(norm(nearest - self.center) <= self.radius * (1 + 1e-9))

    def project(self, z) -> np.ndarray:
        """The nearest point of the region."""
        z = np.asarray(z, dtype=float)
        if self.kind == "box":
            return np.clip(z, self.lo, self.hi)
        d = z - self.center
        nd = norm(d)  # (a ball of radius 1e306: numpy's norm overflowed to inf and every point projected to the centre)
        if nd <= self.radius:
            return z.copy()
        return self.center + d * (self.radius / nd) * (1 - 1e-15)

    def sample(self, n: int, rng) -> np.ndarray:
        """``n`` points of the region: uniform inside, and for a ball half of them on its sphere (a box: its corners,
        up to 256, and its centre besides); in a region wider than :data:`SCALES_FROM` about its centre, ``n // 4``
        more drawn toward the centre at every scale (:meth:`_scaled`)."""
        d = self.dim
        if self.kind == "box":
            t = rng.random((n, d))
            pts = self.lo * (1 - t) + self.hi * t  # (not lo + (hi - lo) t: the width of [-1e308, 1e308] overflows)
            corners = np.array([[self.hi[i] if (k >> i) & 1 else self.lo[i] for i in range(d)]
                                for k in range(min(2 ** d, 256))])
            mid = (self.lo / 2 + self.hi / 2)[None]
            return np.vstack([pts, corners, mid] + self._scaled(pts, mid[0], float(np.max(self.hi / 2 - self.lo / 2)),
                                                                   n, rng))
        g = rng.standard_normal((n, d))
        g /= np.linalg.norm(g, axis=1, keepdims=True)  # (standard normal: no overflow)
        m = n // 2
        radii = np.concatenate([np.ones(m), rng.random(n - m) ** (1.0 / d)])
        pts = self.center + self.radius * (1 - 1e-15) * g * radii[:, None]
        return np.vstack([pts, self.center[None]] + self._scaled(pts, self.center, self.radius, n, rng))

    def _scaled(self, pts, centre, size: float, n: int, rng) -> list:
        """``[n // 4 points]`` of ``pts`` drawn toward ``centre`` by factors log-uniform from 1 down to
        ``SCALES_FROM / size`` (``size`` the region's radius or half-width), or ``[]`` where ``size`` is at most
        :data:`SCALES_FROM`.  Uniform points of a region of radius 1e160 all lie near its edge, where F and DF of a
        quartic overflow: the witnesses were the centre alone, and a false claim (L = 5 where DF grows without bound)
        read "undecided" (a new user); these find the growth at every scale between."""
        if not size > SCALES_FROM:
            return []
        k = n // 4
        span = min(math.log(size / SCALES_FROM), 700.0)
        s = np.exp(-rng.random(k) * span)
        return [centre + (pts[rng.integers(0, len(pts), k)] - centre) * s[:, None]]

    def describe(self) -> str:
        if self.kind == "ball":
            return f"ball of radius {self.radius:zg} around ({', '.join(f'{v:zg}' for v in self.center)})"
        return "box " + " x ".join(f"[{a:zg}, {b:zg}]" for a, b in zip(self.lo, self.hi))

    def to_dict(self) -> dict:
        if self.kind == "ball":
            return {"kind": "ball", "center": self.center.tolist(), "radius": self.radius}
        return {"kind": "box", "lo": self.lo.tolist(), "hi": self.hi.tolist()}

    def __repr__(self) -> str:
        from .._display import region_text
        return region_text(self)


#: a region wider than this about its centre (its radius, or a box's largest half-width) is also sampled toward its
#: centre at every scale down to this (Region.sample)
SCALES_FROM = 1e3


def parse_region(text: str, fld, params=None, need_equilibrium: bool = False) -> Region:
    """``ball:R`` (around the equilibrium, found with :func:`~gandynamics.analysis.find_equilibrium`) or
    ``box:lo1:hi1,lo2:hi2,...`` (one ``lo:hi`` per parameter, generator first).  With
    ``need_equilibrium`` a box must contain the equilibrium."""
    from .spectrum import find_equilibrium
    kind, value = region_syntax(text)
    if kind == "ball":
        z, _ = find_equilibrium(fld, _pdict(fld, params))
        return Region.ball(z, value)
    if kind == "box":
        if len(value.lo) != fld.n:
            raise GandynamicsError(f"box needs {fld.n} ranges lo:hi ({', '.join(fld.names)}), got {len(value.lo)}")
        reg = value
        if need_equilibrium:
            z, _ = find_equilibrium(fld, _pdict(fld, params))
            if not reg.contains(z, slack=0.0):
                raise GandynamicsError(f"the box does not contain the equilibrium {np.round(z, 6).tolist()}; "
                                       f"give a box around it or use ball:R")
        return reg
    raise GandynamicsError(f"unknown region kind {kind!r}; accepted: ball:R, box:lo1:hi1,lo2:hi2,...")


def region_syntax(text: str) -> tuple:
    """What a region's text says without its game: ``("ball", R)`` or ``("box", Region)``; the refusals of
    :func:`parse_region` that need no game (a command line names them beside an unknown game's: `check dirac --reg r11
    --region ball:-1` named the regularizer alone, a review)."""
    if not isinstance(text, str) or ":" not in text:
        raise GandynamicsError(f"a region is ball:R or box:lo1:hi1,lo2:hi2,...; got {text!r}")
    kind, _, rest = text.partition(":")
    kind = kind.strip().lower()
    if kind == "ball":
        try:
            r = plain_float(rest)
        except ValueError:
            raise GandynamicsError(f"ball:R needs a number R > 0, got {rest!r}") from None
        if not math.isfinite(r) or r <= 0:
            raise GandynamicsError(f"ball:R needs a finite radius R > 0, got {rest!r}")
        return kind, r
    if kind == "box":
        lo, hi = [], []
        for t in rest.split(","):
            try:
                a, b = (plain_float(u) for u in t.split(":"))
            except ValueError:
                raise GandynamicsError(f"box ranges are lo:hi with numbers lo <= hi, got {t!r}") from None
            lo.append(a)
            hi.append(b)
        return kind, Region.box(lo, hi)
    raise GandynamicsError(f"unknown region kind {kind!r}; accepted: ball:R, box:lo1:hi1,lo2:hi2,...")


def _pdict(fld, params):
    """Hyperparameters as a name -> value dict (accepts the vector p too)."""
    if isinstance(params, np.ndarray):
        return {s.name: float(v) for s, v in zip(fld.hyper, params)}
    return params


def _as_region(region, fld, params) -> Region:
    if isinstance(region, Region):
        reg = region
    elif isinstance(region, str):
        reg = parse_region(region, fld, params)
    else:
        raise GandynamicsError(f"a region must be a Region or a string like ball:0.5, got {region!r}")
    if reg.dim != fld.n:
        raise GandynamicsError(f"the region has dimension {reg.dim}, the game has {fld.n} parameters")
    return reg


# --------------------------------------------------------------------------- point values
def jacobian_values(fld, points, params=None):
    """``(||DF(z)||_2, lambda_min(sym DF(z)), DF(z))`` for each row of ``points`` (DF generated code: interpreted
    for a few points, compiled for many, :meth:`gandynamics.VectorField.point_module`)."""
    p = fld._p(params)
    pts = np.atleast_2d(np.asarray(points, dtype=float))
    m = fld.point_module(calls=pts.shape[0])
    D = np.empty((pts.shape[0], fld.n, fld.n))
    for k, z in enumerate(pts):
        m.jacobian(z, p, D[k])
    ok = np.all(np.isfinite(D.reshape(len(pts), -1)), axis=1)
    norms = np.full(len(pts), np.nan)
    lmins = np.full(len(pts), np.nan)
    if np.any(ok):
        norms[ok] = np.linalg.svd(D[ok], compute_uv=False)[:, 0]
        lmins[ok] = np.linalg.eigvalsh((D[ok] + np.swapaxes(D[ok], 1, 2)) / 2)[:, 0]
    return norms, lmins, D


def _on_a_set(fld, pts, p) -> np.ndarray:
    """For each row of ``pts``: whether the point may lie on a switching set of F (a kink or a jump,
    :func:`gandynamics.analysis.nonsmooth.switches`), by the interval enclosure of each switching function at the
    point widened by a margin far above its rounding, read by :func:`~gandynamics.analysis.nonsmooth.straddles`
    (every point when the switching functions cannot be enclosed).  There F has no derivative and the generated
    DF's value is no witness: it takes each node at its value on the set (``sign(0) = 0``, ``Heaviside(0) = 1/2``, a
    ``Piecewise``'s branch), which can lie outside Clarke's generalized Jacobian (the hull of the limits from the
    pieces around it): ``x sign(x) (2 Heaviside(x) - 1)`` is ``x``, with DF 1 off ``x = 0`` and 0 on it."""
    from .boxeval import compile_boxes
    from .nonsmooth import field_switches, straddles
    pts = np.atleast_2d(np.asarray(pts, dtype=float))
    cache = fld.__dict__.setdefault("_interval_cache", {})
    if "witness_sets" not in cache:
        sw = field_switches(fld)
        try:
            fn = compile_boxes([s.u for s in sw], fld.z, fld.hyper) if sw else None
        except GandynamicsError:  # not enclosed: any point may be on a set
            fn = False
        cache["witness_sets"] = (sw, fn)
    sw, fn = cache["witness_sets"]
    if fn is None:
        return np.zeros(len(pts), dtype=bool)
    if fn is False:
        return np.ones(len(pts), dtype=bool)
    lo, hi = fn(pts, pts, p)
    lo, hi = np.asarray(lo, float).reshape(len(pts), -1), np.asarray(hi, float).reshape(len(pts), -1)
    with np.errstate(invalid="ignore", over="ignore"):
        pad = 1e-9 * np.maximum(1.0, np.maximum(np.abs(lo), np.abs(hi)))
        lo, hi = lo - pad, hi + pad
    out = np.zeros(len(pts), dtype=bool)
    for k, s in enumerate(sw):
        out |= straddles(s.kind, lo[:, k], hi[:, k])
    return out


def _witness_values(fld, points, p):
    """:func:`jacobian_values` with NaN (no value) at the points that may lie on a switching set of F
    (:func:`_on_a_set`) and where F is not finite (:func:`_defined_at`): the values the estimates and witnesses of
    the constants are taken from."""
    norms, lmins, D = jacobian_values(fld, points, p)
    on = _on_a_set(fld, points, p) | ~_defined_at(fld, points, p)
    norms[on] = np.nan
    lmins[on] = np.nan
    return norms, lmins, D


def _jacobian_at(fld, p, z) -> np.ndarray | None:
    """DF at one point (the generated code :func:`jacobian_values` runs for one point), None where not finite."""
    D = np.empty((fld.n, fld.n))
    fld.point_module(calls=1).jacobian(np.asarray(z, dtype=float), p, D)
    return D if np.all(np.isfinite(D)) else None


# (one point, as the local refinements call them hundreds of times: the values of jacobian_values, bitwise (the same
# LAPACK routines on the same matrix), without its batch bookkeeping, which was three quarters of a call)
def _norm_at(fld, p, z):
    D = _jacobian_at(fld, p, z)
    return math.nan if D is None else float(np.linalg.svd(D, compute_uv=False)[0])


def _lmin_at(fld, p, z):
    D = _jacobian_at(fld, p, z)
    return math.nan if D is None else float(np.linalg.eigvalsh((D + D.T) / 2)[0])


# --------------------------------------------------------------------------- results
#: a search of fewer boxes is never called stalled (:attr:`Bracket.stalled`)
STALL_MIN_BOXES = 100
#: the :attr:`Bracket.stopped` of a search a Ctrl-C stopped, and of one it kept from beginning
CUT_SHORT = ("interrupted", "not begun")


@dataclass
class Bracket:
    """``lo <= constant <= hi``; ``witness`` the point of the region (exactly, in rational arithmetic) that gives the
    estimate side (``lo`` for L: a lower bound on ``||DF(witness)||_2``; ``hi`` for mu: an upper bound on
    ``lambda_min(sym DF(witness))``; both in ball arithmetic), ``value`` the constant's local value there (a
    floating-point value).  The other side (``hi`` for L, ``lo`` for mu) is the certified one: ``certified`` names it."""

    name: str
    lo: float
    hi: float
    witness: np.ndarray
    value: float
    boxes: int = 0
    seconds: float = 0.0
    converged: bool = False
    certified: str = "hi"
    #: the number of boxes bounded when the certified end last moved (0: it never moved from the region's first bound)
    improved_at: int = 0
    #: "budget" where the box or time budget ended the search, "interrupted" where a Ctrl-C did (the bracket found so far,
    #: certified all the same), "not begun" where a Ctrl-C stopped the search before it (mu's after L's: no box, the
    #: bracket the sampled estimate's alone, certifying nothing), else "" (closed, or decided).  (A search interrupted
    #: in its first round has no box either, and is "interrupted": the label is said, not inferred from ``boxes``.)
    stopped: str = ""

    @property
    def cut_short(self) -> bool:
        """Whether a Ctrl-C stopped this search or kept it from beginning (:attr:`stopped` "interrupted" or
        "not begun")."""
        return self.stopped in CUT_SHORT

    @property
    def gap(self) -> float:
        return self.hi - self.lo

    @property
    def stalled(self) -> bool:
        """The search ran out of budget (at least :data:`STALL_MIN_BOXES` boxes) with its certified end unmoved over
        the last 90 % of its boxes: more of the same budget is unlikely to narrow the bracket.  Branch and bound
        halves one side of a box per split, so on a region of ``n`` dimensions a box's enclosure tightens only after
        about ``n`` splits of its descendants (a 20-parameter ball: the certified ends of mu and L never left the
        region's first bound in 3,800 boxes); a smaller region narrows it."""
        return (not self.converged and self.boxes >= STALL_MIN_BOXES
                and self.improved_at * 10 <= self.boxes)

    def to_dict(self) -> dict:
        return {"lo": self.lo, "hi": self.hi, "witness": self.witness.tolist(), "value_at_witness": self.value,
                "boxes": self.boxes, "seconds": self.seconds, "converged": self.converged,
                "certified": self.certified, "improved_at": self.improved_at, "stalled": self.stalled,
                "stopped": self.stopped}


    def __repr__(self) -> str:
        from .._display import bracket_text
        return bracket_text(self)

@dataclass
class ConstantsReport:
    """Certified brackets for mu and L on a region (see the module docstring)."""

    region: Region
    params: dict
    mu: Bracket
    lipschitz: Bracket
    tol: float
    asymmetric: dict | None = None
    #: the engine that ran (1 or 2: order 2 falls back to 1 on a field with a switching set) and why
    order: int = 2
    engine: str = ""

    @property
    def boxes(self) -> int:
        return self.mu.boxes + self.lipschitz.boxes

    @property
    def interrupted(self) -> bool:
        """Whether a Ctrl-C stopped a search: its bracket is the one found so far (certified all the same), and a search
        after it was not begun (its bracket from the sampled estimate alone: :attr:`Bracket.stopped`)."""
        return self.mu.cut_short or self.lipschitz.cut_short

    @property
    def seconds(self) -> float:
        return self.mu.seconds + self.lipschitz.seconds

    def to_dict(self) -> dict:
        out = {"region": self.region.to_dict(), "hyperparameters": self.params, "tol": self.tol,
               "mu": self.mu.to_dict(), "lipschitz": self.lipschitz.to_dict(), "boxes": self.boxes,
               "seconds": self.seconds, "order": self.order, "engine": self.engine, "interrupted": self.interrupted}
        if self.asymmetric is not None:
            out["asymmetric"] = self.asymmetric
        return out

    def __repr__(self) -> str:
        from .._display import constants_text
        return constants_text(self)

    def _repr_html_(self) -> str:
        from .._display import constants_html
        return constants_html(self)


@dataclass
class CheckResult:
    """The verdict on claimed constants: ``status`` in ``holds``, ``refuted``, ``undecided``."""

    status: str
    claims: dict
    #: the brackets of the claimed constants; None for a constant that was not claimed (not bracketed)
    mu: Bracket | None = None
    lipschitz: Bracket | None = None
    counterexample: dict | None = None
    verdicts: dict = field(default_factory=dict)
    #: the relative tolerance of "holds" (see :func:`check_constants`)
    rtol: float = 0.0
    #: the absolute slack each claim was given (``rtol`` times its scale)
    tolerances: dict = field(default_factory=dict)
    #: for each claim that holds: whether it is certified without the tolerance
    exact: dict = field(default_factory=dict)
    #: the engine that ran (1 or 2: order 2 falls back to 1 on a field with a switching set) and why
    order: int = 2
    engine: str = ""
    #: a counterexample for every refuted claim, by claim (``"lipschitz"``, ``"mu"``); ``counterexample`` is the
    #: first of them (a new user's check of two false claims got the pair for L only)
    counterexamples: dict = field(default_factory=dict)

    @property
    def boxes(self) -> int:
        """The boxes bounded by the searches of the claims."""
        return sum(b.boxes for b in (self.mu, self.lipschitz) if b is not None)

    @property
    def interrupted(self) -> bool:
        """Whether a Ctrl-C stopped a search (:attr:`ConstantsReport.interrupted`)."""
        return any(b is not None and b.cut_short for b in (self.mu, self.lipschitz))

    def to_dict(self) -> dict:
        out = {"status": self.status, "claims": self.claims, "verdicts": self.verdicts, "interrupted": self.interrupted,
               "rtol": self.rtol, "tolerances": self.tolerances, "exact": self.exact,
               "order": self.order, "engine": self.engine,
               "mu": None if self.mu is None else self.mu.to_dict(),
               "lipschitz": None if self.lipschitz is None else self.lipschitz.to_dict()}
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample
        if self.counterexamples:
            out["counterexamples"] = self.counterexamples
        return out

    def __repr__(self) -> str:
        from .._display import check_text
        return check_text(self)

    def _repr_html_(self) -> str:
        from .._display import check_html
        return check_html(self)


# --------------------------------------------------------------------------- estimates
def _refine(obj, z0, region: Region):
    """Local minimisation of ``obj`` over the region from ``z0``; returns ``(value, point)``."""
    try:
        with np.errstate(all="ignore"):
            if region.kind == "box":
                res = optimize.minimize(obj, z0, method="L-BFGS-B", bounds=list(zip(region.lo, region.hi)),
                                        options={"maxiter": 200})
            else:
                c, r2 = region.center, region.radius ** 2
                cons = {"type": "ineq", "fun": lambda z: r2 - float(np.sum((z - c) ** 2)),
                        "jac": lambda z: -2 * (z - c)}
                res = optimize.minimize(obj, z0, method="SLSQP", constraints=[cons],
                                        options={"maxiter": 200, "ftol": 1e-15})
        z = region.project(res.x)
        v = obj(z)
        if np.isfinite(v):
            return float(v), z
    except Exception:  # pragma: no cover - a failed refinement keeps the sampled witness
        pass
    return float(obj(z0)), np.asarray(z0, float)


#: local refinements of the best samples in :func:`estimate_constants` (and in :func:`mu_certified_above`, whose
#: search must start where :func:`certify_constants`'s does)
REFINE = 3


def estimate_constants(fld, region, params=None, samples: int = 1000, seed: int = 0, refine: int = REFINE) -> dict:
    """Sampled and locally refined estimates with witnesses.

    Returns ``{"lipschitz": (L_lo, z_a), "mu": (mu_hi, z_b)}``: ``L_lo = ||DF(z_a)||_2 <= L_S`` and
    ``mu_hi = lambda_min(sym DF(z_b)) >= mu_S``, ``z_a, z_b`` points of the region.  Sampling: ``samples``
    points (see :meth:`Region.sample`), then ``refine`` local optimisations from the best samples.
    """
    from ..validate import field as _as_field
    fld = _as_field(fld, "estimate_constants")  # a Game, a name or None: what it takes, not an AttributeError
    from ..validate import whole
    samples, refine = whole(samples, "samples", lo=0), whole(refine, "refine", lo=0)
    seed = whole(seed, "seed", lo=0)
    from ..limits import check_array  # DF at every sample, and the copies eigvalsh works on (samples=1e11: MemoryError)
    check_array((samples + 258, fld.n, fld.n), "the Jacobians at the sampled points", copies=4)
    return _estimate(fld, _as_region(region, fld, params), fld._p(params), samples, seed, refine)


def _estimate(fld, reg: Region, p, samples: int, seed: int, refine: int, which=("lipschitz", "mu")) -> dict:
    """:func:`estimate_constants` on checked arguments, of the constants in ``which`` only (each one's estimate
    is the same whether the other is estimated or not: the samples are shared, the refinements separate)."""
    rng = np.random.default_rng(seed)
    pts = reg.sample(samples, rng)
    norms, lmins, _ = _witness_values(fld, pts, p)
    nn = np.where(np.isfinite(norms), norms, -np.inf)
    ll = np.where(np.isfinite(lmins), lmins, np.inf)
    out = {}
    fL = lambda z: -_norm_at(fld, p, z)
    fm = lambda z: _lmin_at(fld, p, z)
    best_L = (float(nn.max()), pts[int(np.argmax(nn))])
    # (the local optimisations run on the generated DF as it is, which is fast; a point they end at on a switching
    # set is no witness, _witness_values)
    for k in (np.argsort(-nn)[:refine] if "lipschitz" in which else ()):
        v, z = _refine(fL, pts[k], reg)
        if -v > best_L[0] and not _on_a_set(fld, z, p)[0] and _defined_at(fld, z, p)[0]:
            best_L = (-v, z)
    best_m = (float(ll.min()), pts[int(np.argmin(ll))])
    for k in (np.argsort(ll)[:refine] if "mu" in which else ()):
        v, z = _refine(fm, pts[k], reg)
        if v < best_m[0] and not _on_a_set(fld, z, p)[0] and _defined_at(fld, z, p)[0]:
            best_m = (v, z)
    if "lipschitz" in which:
        out["lipschitz"] = best_L
    if "mu" in which:
        out["mu"] = best_m
    return out


# --------------------------------------------------------------------------- branch and bound
class _Progress:
    """tqdm bar on stderr (only when asked, or by :func:`gandynamics.log.bars_wanted` with ``progress=None``): boxes
    evaluated, the current bracket and relative gap, and an estimate of the boxes still needed, from the
    rate at which the gap has been shrinking (a log-log fit of gap against boxes over the run so far)."""

    def __init__(self, enabled, label, total, target):
        import sys
        if enabled is None:  # (where a bar can be seen, not with -q: gandynamics.log.bars_wanted)
            from ..log import bars_wanted
            enabled = bars_wanted()
        self.bar = None
        self.target = target
        self.hist: list = []
        if enabled:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=label, unit="box", file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(self, boxes, lo, hi):
        if self.bar is None:
            return
        self.bar.n = boxes
        gap = hi - lo
        rel = gap / max(abs(lo), abs(hi), 1e-300) if math.isfinite(gap) else math.inf
        msg = f"[{bound(lo, 'lo')}, {bound(hi, 'hi')}] rel.gap {rel:z.2e}"
        if math.isfinite(rel) and rel > 0:
            self.hist.append((boxes, rel))
            if len(self.hist) >= 4 and self.target and rel > self.target:
                (b0, r0), (b1, r1) = self.hist[len(self.hist) // 2], self.hist[-1]
                if b1 > b0 and r1 < r0:
                    slope = math.log(r1 / r0) / math.log(b1 / b0)
                    more = b1 * ((self.target / r1) ** (1.0 / slope)) - b1
                    msg += f" -> {self.target:z.0e} in ~{more:z.2g} more boxes"
        self.bar.set_postfix_str(msg, refresh=False)
        self.bar.refresh()

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _make_bounder(fld, p, which: str, order: int, mean_value: bool, reg=None):
    """:func:`_engine_bounder`, with ``ub = inf`` on the boxes not proven inside the domain of F when the region
    is a ball: its bounding box, which the search splits, may leave the domain where the ball does not
    (:func:`_require_defined` proved the ball inside it), and an enclosure over such a box is that of the values
    where DF is defined (:mod:`gandynamics.analysis.intervals`), whose mean-value and vertex forms need the
    segments of the box inside the domain.  A box region needs no test: every box of the search lies in it."""
    bound = _engine_bounder(fld, p, which, order, mean_value, reg)
    conds, fn = _domain(fld)
    if reg is None or reg.kind != "ball" or not conds:
        return bound

    def bound_in_domain(LO, HI):
        ub, jumps = bound(LO, HI)
        Lb, Hb = fn(np.atleast_2d(LO), np.atleast_2d(HI), p)
        ok = np.ones(len(ub), dtype=bool)
        for k, c in enumerate(conds):
            ok &= c.holds(Lb[:, k], Hb[:, k])
        return np.where(ok, np.asarray(ub, float), math.inf), jumps
    return bound_in_domain


def _engine_bounder(fld, p, which: str, order: int, mean_value: bool, reg=None):
    """``bound(LO, HI) -> (ub, jump)`` for K boxes (arrays K x n): ``ub[i] >= sup g`` over box i (inf where
    nothing is known) and ``jump[i]`` the switching set of a jump of F the box may meet (or None).

    ``order=1``: the Arb engine box by box (natural extension of DF, optionally intersected with the
    mean-value form); ``order=2``: the vectorised engine (:mod:`gandynamics.analysis.boxeval`) on all boxes at
    once with the mean-value form of DF from an interval enclosure of the second derivatives."""
    n = fld.n
    if order == 1:
        smooth = region_blocker(fld, reg, p) is None  # (across a kink the vertex bounds close the bracket)
        fi = JacobianEnclosure(fld, mean_value=mean_value, smooth=smooth)

        def bound(LO, HI):
            ub = np.empty(len(LO))
            jumps = []
            for i, (lo, hi) in enumerate(zip(LO, HI)):
                jumps.append(_box_jump(fld, p, lo, hi))
                L_hi, mu_lo, _ = matrix_bounds(fi.on_box(lo, hi, p), n, which, vertices=not smooth)
                u = L_hi if which == "L" else -mu_lo
                if not smooth and jumps[-1] is None:
                    u = min(u, _kinks_bound(fld, lo, hi, p, n, which, cap=u))
                ub[i] = math.inf if (math.isnan(u) or jumps[-1] is not None) else u
            return ub, jumps
        return bound
    from .boxeval import field_bounder
    ball = (reg.center, reg.radius) if reg is not None and reg.kind == "ball" else None
    return field_bounder(fld, p, which, ball)


#: a box that may meet more switching sets than this is bounded by the vertex bounds alone (2^m pieces per box)
MAX_KINK_SETS = 4


def _kink_pieces(fld, reps: tuple):
    """The interval functions of DF on each side of each of the switching sets ``reps`` (one
    :class:`~gandynamics.analysis.nonsmooth.Switch` per set): ``{signs: function}`` over the ``2^m`` sign vectors
    (``signs[i]`` True for the side ``u_i > 0`` of ``reps[i].u``), DF piece by piece
    (:func:`~gandynamics.analysis.nonsmooth.piecewise_derivative`) with every set's nodes forced to its side
    (:func:`~gandynamics.analysis.nonsmooth.force_side`, set after set); None where some node cannot be forced.
    Compiled when a box first needs them, cached on the field."""
    from .intervals import compile_interval
    from .nonsmooth import _set_key, force_side, piecewise_derivative
    done = fld.__dict__.setdefault("_interval_cache", {}).setdefault("kink_pieces", {})
    key = tuple(_set_key(r.u) for r in reps)
    if key not in done:
        DF = piecewise_derivative(fld.DF)
        pieces = {}
        for signs in itertools.product((True, False), repeat=len(reps)):
            e = DF
            for r, positive in zip(reps, signs):
                e = force_side(e, r, positive)
                if e is None:
                    break
            if e is None:
                pieces = None
                break
            pieces[signs] = e
        try:
            done[key] = None if pieces is None else {k: compile_interval(e, fld.z, fld.hyper)
                                                     for k, e in pieces.items()}
        except GandynamicsError:
            done[key] = None
    return done[key]


def _axis_cut(fld, s, p):
    """``(j, t, up, exact)`` when the switching set of ``s`` is the hyperplane ``z_j = t`` (``u = c z_j + b`` with
    ``c`` a nonzero number and ``b`` free of ``z``, both at the hyperparameters ``p``): ``u > 0`` on the side
    ``z_j > t`` when ``up`` (``c > 0``), and ``exact`` when the double ``t`` is ``-b/c`` exactly (``b``, ``c`` free of
    the hyperparameters, e.g. ``Max(x, 0)``'s ``t = 0``); None for any other set.  Cached on the field per set and
    ``p``."""
    from .nonsmooth import _set_key
    cache = fld.__dict__.setdefault("_interval_cache", {}).setdefault("axis_cuts", {})
    key = (_set_key(s.u), tuple(np.asarray(p, float).ravel().tolist()))
    if key not in cache:
        cut = None
        u = sp.expand(s.u)
        zs = [z for z in fld.z if u.has(z)]
        if len(zs) == 1:
            z = zs[0]
            c, b = u.coeff(z, 1), u.coeff(z, 0)
            if not (c.has(z) or b.has(z)) and sp.expand(c * z + b - u) == 0:
                sub = dict(zip(fld.hyper, np.asarray(p, float).ravel().tolist()))
                try:
                    cv, bv = float(c.subs(sub)), float(b.subs(sub))
                except (TypeError, ValueError):
                    cv = bv = math.nan
                if math.isfinite(cv) and math.isfinite(bv) and cv != 0.0:
                    t = -bv / cv
                    t_exact = -b / c
                    exact = bool(t_exact.is_Rational) and sp.Rational(t) == t_exact
                    cut = (fld.z.index(z), t, cv > 0.0, exact)
        cache[key] = cut
    return cache[key]


def _kinks_bound(fld, lo, hi, p, n: int, which: str, cap: float = math.inf) -> float:
    """An upper bound of ``||DF||`` (``which="L"``) or of ``-lambda_min(sym DF)`` over the box ``[lo, hi]`` when
    the box may meet one to :data:`MAX_KINK_SETS` switching sets of F, all kinks: the largest of the bounds of the
    pieces of DF on the ``2^m`` sides of the sets (:func:`_kink_pieces`), each enclosed over the box or, where
    some of the sets are coordinate hyperplanes ``z_j = t`` (:func:`_axis_cut`), over the part of the box on
    those sides (the box cut at each ``t``, moved outward by a relative ``2^-40`` unless the double ``t`` is
    exact, so that the part holds the side's closure whatever the rounding of ``t``; a part that holds no point
    is skipped).

    Why it holds: off the sets DF is the piece of the sides the point is on, which lies in that piece's part.
    On the sets, Clarke's generalized Jacobian is the hull of the limits of DF from the sides around the point;
    each limit is a piece's value at the point (the pieces have no switch on these sets, and no other set meets
    the box), which lies in that piece's part since the parts are closed; ``||.||`` is convex and
    ``lambda_min(sym .)`` concave, so the largest bound holds on the hull.  A combination of sides that the box
    does not hold costs tightness, never soundness.  The enclosure of every branch (:func:`_make_bounder`) moves
    entries that switch together independently (``|x - y|``: the row ``(s, -s)``, whose mixed vertices are no
    piece); this does not.  Cutting makes the bound tight at a coordinate set: ``Max(x, 0)**3`` has
    ``lambda_min = 0`` there, which the whole box's enclosure of ``6 x`` on the side ``x > 0`` (``[-6w, 6w]``)
    never reaches.  ``inf`` when the box may meet no set, more than :data:`MAX_KINK_SETS`, a jump, or a set's
    nodes cannot be forced; also, as soon as one piece's bound reaches ``cap`` (a bound the caller has already:
    the rest cannot improve on it, and each piece costs an enclosure of DF)."""
    from .nonsmooth import _set_key
    near = _near_switches(fld, lo, hi, p)
    if not near or any(s.jump for s in near):
        return math.inf
    reps = {}
    for s_ in near:  # one Switch per set (Max(0, x) and Heaviside(x) switch on one set)
        reps.setdefault(_set_key(s_.u), s_)
    if len(reps) > MAX_KINK_SETS:
        return math.inf
    reps = tuple(reps[k] for k in sorted(reps))
    pieces = _kink_pieces(fld, reps)
    if pieces is None:
        return math.inf
    cuts = [_axis_cut(fld, r, p) for r in reps]
    out = -math.inf
    for signs in itertools.product((True, False), repeat=len(reps)):
        a, b = np.array(lo, float), np.array(hi, float)
        for cut, positive in zip(cuts, signs):
            if cut is None:
                continue
            j, t, up, exact = cut
            pad = 0.0 if exact else abs(t) * 2.0 ** -40 + 2.0 ** -1000
            if positive == up:  # this side is z_j > t
                a[j] = max(a[j], t - pad)
            else:
                b[j] = min(b[j], t + pad)
        if np.any(a > b):  # the box holds no point of these sides
            continue
        # (the vertex bounds: a cut side's entries that move with z_j are widest, and their end at the cut is exact)
        L_hi, mu_lo, _ = matrix_bounds(pieces[signs].on_box(a, b, p), n, which, vertices=True)
        v = L_hi if which == "L" else -mu_lo
        out = max(out, math.inf if math.isnan(v) else v)
        if out >= cap:
            return math.inf
    return out


def _branch_and_bound(fld, reg: Region, p, which: str, start, tol: float, atol: float, max_boxes: int,
                      max_seconds: float, threshold: float | None = None, mean_value: bool = False,
                      order: int = 2, batch: int | None = None, progress=False, keep: list | None = None,
                      again: str = "", interruptible: bool = False):
    """Best-first branch-and-bound for ``g = ||DF||`` (which="L") or ``g = -lambda_min(sym DF)``
    (which="mu"), maximised over the region.

    Each round pops the ``batch`` boxes with the largest upper bounds (1 for ``order=1``: pure best-first),
    bisects each along its widest side, bounds all children at once, evaluates g at each child's centre
    (projected into the region) as a witness, and prunes children whose bound is no better than the best
    witness.  A box on which F may jump gets an infinite bound (it is split, never certified); one narrower
    than ``1e-9`` of the region that still may meet a jump ends the search with an error naming it.

    Returns ``(best, best_point, global_ub, boxes, seconds, converged, decided, improved_at, stopped)``: ``best = g(best_point)``
    at a point of the region, ``global_ub >= sup g`` (certified).  ``converged`` only with a finite
    ``global_ub``.  With ``threshold`` the search stops as soon as ``global_ub <= threshold`` or ``best >
    threshold`` (``decided``), or, undecided, when the gap closes to ``tol`` / ``atol`` as without it (0 and 0: only
    by the decision); ``converged`` then says whether the gap closed.  ``improved_at``: the number of boxes bounded
    when the certified bound last tightened.  ``stopped``: ``"budget"`` where ``max_boxes`` or ``max_seconds`` ended the
    search (at most ``max_boxes`` boxes: a round bounds pairs of children), else ``""``.  ``keep`` (a list): the boxes left unsettled at the end are appended to
    it as ``(ub, lo, hi)`` (their bound on g and corners).  ``again``: why the search runs a second time, said in its
    notice (a new user read the same notice twice and took it for a repeat).  ``interruptible``: a Ctrl-C ends the
    search with its bracket so far (``stopped`` "interrupted"; the certified end no lower than the bound as the round
    under way began), else it is raised (the searches inside other analyses: a radius of a basin, a rate).
    """
    t0 = time.perf_counter()
    bound = _make_bounder(fld, p, which, order, mean_value, reg)
    if batch is None:
        batch = 1 if order == 1 else 64
    best, best_z = start
    best = float(best)
    best_z = np.asarray(best_z, float)
    diam = float(np.max(reg.hi - reg.lo)) or 1.0

    def witnesses(C):
        norms, lmins, _ = _witness_values(fld, C, p)
        v = norms if which == "L" else -lmins
        return np.where(np.isfinite(v), v, -math.inf)

    def done(gub):
        if not math.isfinite(gub):
            return False
        if not math.isfinite(best):  # no witness yet (every point so far on a switching set): no gap to speak of
            return False
        gap = gub - best
        return gap <= atol or gap <= tol * max(abs(best), abs(gub))

    heap: list = []
    counter = 0
    pruned = -math.inf
    lo0, hi0 = reg.lo.copy(), reg.hi.copy()
    ub0, j0 = bound(lo0[None], hi0[None])
    boxes = 1
    heapq.heappush(heap, (-float(ub0[0]), counter, lo0, hi0))
    target = tol if threshold is None else None  # (the bar's estimate of the boxes left is for a gap)
    prog = _Progress(progress, f"{'L' if which == 'L' else 'mu'}", max_boxes, target)

    def bracket_now():
        gub = max(-heap[0][0] if heap else -math.inf, pruned)
        return (best, gub) if which == "L" else (-gub, -best)

    converged = decided = False
    stopped = ""
    rounds = 0
    # the certified bound's last tightening (Bracket.improved_at): 0 while it is the whole region's first bound
    last_gub, improved_at = max(float(ub0[0]), pruned), 0
    from ..log import notice_if_slow
    what = ("the Lipschitz constant L" if which == "L" else "the strong-monotonicity constant mu")
    stop = (f"until decided or {max_boxes} boxes or {max_seconds:zg} s" if threshold is not None else
            f"until its bracket closes to {tol:zg} or {max_boxes} boxes or {max_seconds:zg} s")
    # (a wait of more than 2 s says what it is: without a terminal there is no bar, and a search ran 15 s silent)
    slow = notice_if_slow(f"bounding {what} on the {reg.describe()} by branch and bound ({stop})"
                          + (f", again: {again}" if again else "") + " ...",
                          still=lambda: prog.bar is None)
    try:
        with slow:
            popped: list = []  # (the boxes of the round under way: put back after a Ctrl-C)
            round_gub = -math.inf  # (the certified bound as the round under way began)
            try:
                while heap:
                    gub = max(-heap[0][0], pruned)
                    round_gub = gub
                    if threshold is not None and (best > threshold or (math.isfinite(gub) and gub <= threshold)):
                        decided = True
                        break
                    if done(gub):
                        converged = True
                        break
                    # (a round bounds two children of each box it splits: at most max_boxes in all, where the last round's
                    # pair made it 50,001 of a budget of 50,000, a new user)
                    if boxes + 2 > max_boxes or time.perf_counter() - t0 > max_seconds:
                        stopped = "budget"
                        break
                    k = min(batch, len(heap), (max_boxes - boxes) // 2)
                    popped = [heapq.heappop(heap) for _ in range(k)]
                    LO, HI, PU = [], [], []
                    for neg_u, _, lo, hi in popped:
                        for clo, chi in _halves(lo, hi, *_widest(lo, hi), reg):
                            LO.append(clo)
                            HI.append(chi)
                            PU.append(-neg_u)
                    if not LO:
                        continue
                    LO, HI = np.array(LO), np.array(HI)
                    ub, jumps = bound(LO, HI)
                    # the parent's bound holds on each child too: a child's own bound can be looser (the enclosures are not
                    # monotone in the box: Arb's midpoint-radius balls, the mean-value and vertex forms), so a refinement
                    # never loosens the bracket (on Abs(x) + ..., 20,001 boxes gave L <= 2.638 where the root box gave 2.618)
                    ub = np.minimum(np.asarray(ub, dtype=float), np.array(PU))
                    boxes += len(LO)
                    for i, jmp in enumerate(jumps):
                        if jmp is not None and float(np.max(HI[i] - LO[i])) <= 1e-9 * diam:
                            raise _discontinuity_error(jmp, reg.project(0.5 * (LO[i] + HI[i])))
                    C = np.array([reg.project(0.5 * (a + b)) for a, b in zip(LO, HI)])
                    v = witnesses(C)
                    i = int(np.argmax(v))
                    if v[i] > best:
                        best, best_z = float(v[i]), C[i]
                    for i in range(len(LO)):
                        u = float(ub[i])
                        if u <= best:
                            pruned = max(pruned, u)
                        else:
                            counter += 1
                            # the boxes that may meet a jump (bound inf) newest first: depth-first down to the 1e-9 box that
                            # names the jump (or out of a box that only seemed to meet it); first in, first out, a jump along a
                            # curve (atan2's cut) spread the search over ever more boxes across the curve until the budget
                            heapq.heappush(heap, (-u, -counter if jumps[i] is not None else counter, LO[i], HI[i]))
                    popped = []  # (the round's boxes are replaced by their children)
                    rounds += 1
                    if heap:
                        now = max(-heap[0][0], pruned)
                        if now < last_gub:
                            last_gub, improved_at = now, boxes
                    if prog.bar is not None and rounds % 4 == 0:
                        prog.update(boxes, *bracket_now())
            except KeyboardInterrupt:  # (a Ctrl-C: the search so far is kept, its bracket still certified: the round's
                # boxes put back, and its bound as the round began kept among the pruned, which covers a box popped
                # before the list of them was made, a review: L certified 3.04 where it is 3.36; the callers stop there:
                # Bracket.stopped)
                if not interruptible:
                    raise
                for item in popped:
                    heapq.heappush(heap, item)
                pruned = max(pruned, round_gub)
                stopped = "interrupted"
    finally:
        prog.close()
    gub = max(-heap[0][0] if heap else -math.inf, pruned)
    if keep is not None:
        keep.extend((-u, lo, hi) for u, _, lo, hi in heap)
    if not heap and pruned == -math.inf:
        gub = math.inf  # pragma: no cover - no box left and none recorded: claim nothing
    if not converged:
        converged = done(gub)
    if threshold is not None and not decided:
        decided = best > threshold or (math.isfinite(gub) and gub <= threshold)
    return best, best_z, gub, boxes, time.perf_counter() - t0, converged, decided, improved_at, stopped


def _check_tol(tol, atol, max_boxes, max_seconds):
    from ..validate import nonnegative, positive, whole
    for name, v in (("atol", atol), ("max_seconds", max_seconds)):
        nonnegative(v, name)  # (True is not 1: the package's one reading of numbers)
    positive(tol, "tol")
    if not tol < 1.0:  # (a relative gap of 1 or more: [lo, 3 lo] read "converged" at tol 2, a new user)
        raise GandynamicsError(f"tol is the bracket's relative gap, hi - lo <= tol max(|lo|, |hi|): a number in (0, 1), "
                               f"got {tol!r}")
    max_boxes = whole(max_boxes, "max_boxes")


def _jump_switches(fld):
    """The switching sets across which F may jump (:func:`gandynamics.analysis.nonsmooth.switches`) and an
    interval function of their switching functions; cached on the field."""
    from .intervals import compile_interval
    from .nonsmooth import field_switches
    cache = fld.__dict__.setdefault("_interval_cache", {})
    if "jumps" not in cache:
        sw = [s for s in field_switches(fld) if s.jump]  # (of z: fixed hyperparameters)
        cache["jumps"] = (sw, compile_interval([s.u for s in sw], fld.z, fld.hyper) if sw else None)
    return cache["jumps"]


def _fmt_point(z) -> str:
    return "(" + ", ".join(f"{v:z.6g}" for v in np.asarray(z, float)) + ")"


class RegionMeetsJump(GandynamicsError):
    """:func:`certify_constants` refused the region: it meets a switching set across which F may jump (a point
    of the region on it, two points on either side, or a box of 1e-9 of the region's size that may meet it).
    ``switch`` is the set (:class:`~gandynamics.analysis.nonsmooth.Switch`), ``point`` a point of the region on
    or next to it.  A :class:`~gandynamics.errors.GandynamicsError`: callers that choose the region themselves
    (:func:`gandynamics.analysis.basin.monotone_radius`) read it as "not certified here"."""

    def __init__(self, message, switch=None, point=None):
        super().__init__(message)
        self.switch, self.point = switch, point


def _discontinuity_error(sw, z) -> GandynamicsError:
    return RegionMeetsJump(
        f"F may be discontinuous on the region: {sw.describe()}, e.g. at z = {_fmt_point(z)}; across a jump "
        f"no Lipschitz constant exists and nothing is certified (docs/math/certification.md §4); choose a "
        f"region that avoids it", sw, np.asarray(z, float))


def _box_jump(fld, p, lo, hi):
    """The first switching set of a jump of F that the box ``[lo, hi]`` may meet, or None (the decision of
    :func:`gandynamics.analysis.nonsmooth.straddles` on the enclosure of its switching function)."""
    from .intervals import lower, upper
    from .nonsmooth import straddles
    sw, fn = _jump_switches(fld)
    if not sw:
        return None
    for s, e in zip(sw, fn.on_box(lo, hi, p)):
        if straddles(s.kind, lower(e), upper(e)):
            return s
    return None


def _require_continuous(fld, reg: Region, p, samples: int = 256, seed: int = 0) -> None:
    """Refuse a region that certainly meets a switching set across which F may jump (a point of the region
    on it, or two points on either side: the segment between them, inside the convex region, crosses it;
    located by bisection).  Regions that only *may* meet it are resolved box by box in the search."""
    from .nonsmooth import INTEGER
    sw, fn = _jump_switches(fld)
    if not sw or _box_jump(fld, p, reg.lo, reg.hi) is None:
        return
    pts = np.vstack([reg.sample(samples, np.random.default_rng(seed)), reg.project(0.5 * (reg.lo + reg.hi))])

    def vals(z):
        return [float(e.mid()) if e.is_finite() else math.nan for e in fn.at(z, p)]

    V = np.array([vals(z) for z in pts])
    for k, s in enumerate(sw):
        u = V[:, k]
        ok = np.isfinite(u)
        if not np.any(ok):
            continue
        key = np.floor(u) if s.kind == INTEGER else np.sign(u)
        on = np.flatnonzero(ok & ((u == np.round(u)) if s.kind == INTEGER else (u == 0)))
        if on.size:
            raise _discontinuity_error(s, pts[on[0]])
        idx = np.flatnonzero(ok)
        a = idx[np.argmin(key[idx])]
        b = idx[np.argmax(key[idx])]
        if key[a] == key[b]:
            continue
        za, zb, ka = pts[a], pts[b], key[a]
        for _ in range(60):
            zm = 0.5 * (za + zb)
            um = vals(zm)[k]
            km = math.floor(um) if s.kind == INTEGER else np.sign(um)
            if km == ka:
                za = zm
            else:
                zb = zm
        raise _discontinuity_error(s, 0.5 * (za + zb))


# --------------------------------------------------------------------------- the domain of F
class RegionLeavesDomain(RegionMeetsJump):
    """:func:`certify_constants` refused the region: it is not proven inside the domain of F (a point of the
    region where F is undefined or infinite, ``sqrt`` or ``x**(3/2)`` of a negative number, ``log`` of a number
    <= 0, a division by 0, ``asin`` outside ``[-1, 1]``, ...; or a condition interval arithmetic could not prove
    within :data:`DOMAIN_MAX_BOXES` boxes).  ``condition`` is the
    :class:`~gandynamics.analysis.intervals.DomainCondition`, ``point`` a point of the region where it fails (or,
    when not proven, the centre of a box where it may), ``certain`` whether it certainly fails there.  A
    :class:`RegionMeetsJump` (so that :func:`gandynamics.analysis.basin.monotone_radius`, which chooses its balls
    itself, reads it as "not certified here"): its ``switch`` is the condition, whose ``describe()`` says what
    fails."""

    def __init__(self, message, condition=None, point=None, certain=True):
        super().__init__(message, condition, point)
        self.condition, self.certain = condition, certain


#: boxes :func:`_require_defined` may split before it refuses a region on which it could not prove a condition
DOMAIN_MAX_BOXES = 20000
#: ... and the narrowest box it splits, relative to the region's size (a boundary the region touches where the
#: condition is strict, at a point no sample hits: ``log(x)`` on a ball tangent to ``x = 0``)
DOMAIN_MIN_WIDTH = 2.0 ** -40


def _domain(fld):
    """The conditions under which F and DF are defined (:func:`gandynamics.analysis.intervals.domain_conditions`:
    F's strictly, poles outside; DF's only where its value would be complex, since DF may have a pole where F is
    defined, ``sqrt(x)`` at 0) and a box function of their tests; cached on the field."""
    from .boxeval import compile_boxes
    from .intervals import GT0, domain_conditions
    cache = fld.__dict__.setdefault("_interval_cache", {})
    if "domain" not in cache:
        conds = domain_conditions(list(fld.F), strict=True)
        keys = {(c.u, c.kind, c.guard) for c in conds}
        for c in domain_conditions(list(fld.DF), strict=False):
            if (c.u, c.kind, c.guard) not in keys and (c.u, GT0, c.guard) not in keys:
                conds.append(c)
        cache["domain"] = (conds, compile_boxes([c.test for c in conds], fld.z, fld.hyper) if conds else None)
    return cache["domain"]


def _value_of(fld, p, expr, z) -> str:
    """``expr`` at the point z (50 digits, printed to 6), for a refusal's message."""
    sub = dict(zip(fld.z, (sp.Float(float(v), 30) for v in np.asarray(z, float))))
    sub.update(zip(fld.hyper, (sp.Float(float(v), 30) for v in np.asarray(p, float).ravel())))
    try:
        v = sp.N(sp.sympify(expr).xreplace(sub), 30)
        if v.is_real:
            return f"{float(v):z.6g}"
        return str(sp.N(v, 6))
    except (TypeError, ValueError):  # pragma: no cover - a value sympy cannot print
        return "undefined"


def _domain_error(fld, p, c, z, *, certain=True, box=None, crossing=None) -> RegionLeavesDomain:
    shown = c.shown if c.shown is not None else c.u
    if certain and crossing is not None:
        za, zb = crossing
        what = (f"but {shown} changes sign in the region (from {_value_of(fld, p, shown, za)} at z = {_fmt_point(za)} "
                f"to {_value_of(fld, p, shown, zb)} at z = {_fmt_point(zb)}), so it is 0 on the segment between, "
                f"near z = {_fmt_point(z)}")
    elif certain:
        what = f"but the region reaches {shown} = {_value_of(fld, p, shown, z)} (at z = {_fmt_point(z)})"
    else:
        lo, hi = box
        what = (f"which interval arithmetic could not prove on the part [{_fmt_point(lo)}, {_fmt_point(hi)}] of the "
                f"region (split down to boxes of {DOMAIN_MIN_WIDTH:z.2g} of its size, at most {DOMAIN_MAX_BOXES}), "
                f"near z = {_fmt_point(z)}")
    head = "F is not defined on all of the region" if certain else "F may not be defined on all of the region"
    return RegionLeavesDomain(f"{head}: {c.describe()}, {what}; nothing is certified outside the domain of F "
                              f"(docs/math/certification.md §4a); give a region inside the domain", c,
                              np.asarray(z, float), certain)


def _continuous_test(c) -> bool:
    """Whether the test function of the condition is continuous (no guard, no node that jumps, defined
    everywhere), so that a change of sign on a segment means a zero on it."""
    from .intervals import domain_conditions
    from .nonsmooth import switches
    if c.guard is not sp.true or domain_conditions([c.u]):  # (a pole of u's own: its own condition decides)
        return False
    try:
        return not any(s.jump for s in switches([c.u]))
    except Exception:  # pragma: no cover - undecidable: claim no zero
        return False


class _DomainTester:
    """The decisions of :func:`_require_defined` on boxes and points, for the conditions of :func:`_domain`.

    A box: the vectorised enclosure of each condition's test (:mod:`gandynamics.analysis.boxeval`); where it
    does not decide, the Arb enclosure (exact on dyadic boxes, which bisection of a box with dyadic ends makes:
    ``1 - x**2`` on ``[-1, 1]`` is ``[0, 1]``), over the box reduced by monotonicity: where the test is an
    expression defined and smooth everywhere (no domain condition, no switching set, no guard) and the enclosure
    of its partial derivative in ``z_j`` over the box has a sign, its minimum over the box lies on the face
    ``z_j = lo_j`` (increasing) or ``hi_j``, so that face is enclosed instead (Hansen's monotonicity test): a
    boundary the region touches, ``sqrt(1 - x**2)`` at ``x = 1``, is proven at the corner, exactly.  The vectorised
    engine rounds every operation outwards, and would leave ``1 - x**2`` at ``x = 1`` at ``-2^-1074``.  A point:
    the vectorised enclosure, then Arb's (exact at ``x - 1`` for ``x = 1``) where it does not decide."""

    def __init__(self, fld, p):
        from .intervals import compile_interval
        from .nonsmooth import switches
        self.conds, self.fn = _domain(fld)
        self.p = np.asarray(p, float)
        cache = fld.__dict__.setdefault("_interval_cache", {})
        if "domain_arb" not in cache:
            from .boxeval import compile_boxes
            from .intervals import domain_conditions
            tests = [c.test for c in self.conds]
            arbf = compile_interval(tests, fld.z, fld.hyper)
            mono = []
            for c in self.conds:
                ok = c.guard is sp.true and not domain_conditions([c.u]) and not switches([c.u])
                mono.append(ok)
            grads = [sp.diff(c.u, zj) for c, ok in zip(self.conds, mono) if ok for zj in fld.z]
            try:
                gfn = compile_boxes(grads, fld.z, fld.hyper) if grads else None
            except GandynamicsError:  # pragma: no cover - a derivative the engine cannot enclose
                gfn, mono = None, [False] * len(mono)
            cache["domain_arb"] = (arbf, mono, gfn)
        self.arbf, self.mono, self.gfn = cache["domain_arb"]
        self.mono_index = {k: i for i, k in enumerate(k for k, ok in enumerate(self.mono) if ok)}
        self.n = fld.n

    def boxes(self, LO, HI, OPEN):
        """The conditions of ``OPEN[i]`` still not proven on box i."""
        Lb, Hb = self.fn(LO, HI, self.p)
        out = []
        G = None
        for i, ks in enumerate(OPEN):
            still = [k for k in ks if not self.conds[k].holds(Lb[i, k], Hb[i, k])]
            if still:
                if G is None and self.gfn is not None:
                    G = self.gfn(LO, HI, self.p)
                still = [k for k in still if not self._arb_box(LO[i], HI[i], k, G, i)]
            out.append(still)
        return out

    def _arb_box(self, lo, hi, k, G, i) -> bool:
        lo, hi = np.array(lo, float), np.array(hi, float)
        c = self.conds[k]
        if self.mono[k] and G is not None and c.kind != NE0:  # (a divisor's value nearest 0 is on no one face)
            base = self.mono_index[k] * self.n
            for j in range(self.n):
                glo, ghi = G[0][i, base + j], G[1][i, base + j]
                if glo >= 0:      # increasing in z_j: the minimum on the face z_j = lo_j
                    hi[j] = lo[j]
                elif ghi <= 0:
                    lo[j] = hi[j]
        return c.holds_ball(self.arbf.on_box(lo, hi, self.p)[k])

    def points(self, Z, ks):
        """``(Lz, Hz, fails)``: the vectorised enclosures at the points and, per condition of ``ks``, a boolean
        array of the points where it certainly fails (Arb where the vectorised enclosure does not decide)."""
        Lz, Hz = self.fn(Z, Z, self.p)
        fails = {}
        for k in ks:
            c = self.conds[k]
            f = np.asarray(c.fails(Lz[:, k], Hz[:, k]), bool)
            unsure = np.flatnonzero(~f & ~np.asarray(c.holds(Lz[:, k], Hz[:, k]), bool))
            for i in unsure[:64]:
                if c.fails_ball(self.arbf.at(Z[i], self.p)[k]):
                    f[i] = True
            fails[k] = f
        return Lz, Hz, fails


def _require_defined(fld, reg: Region, p, samples: int = 256, seed: int = 0,
                     max_boxes: int | None = None) -> None:
    """Refuse a region that is not proven inside the domain of F (:class:`RegionLeavesDomain`).

    Each condition of :func:`_domain` is proven over the region by interval arithmetic (the region's box, then
    halves, quarters, ... of it that meet the region, breadth first, at most :data:`DOMAIN_MAX_BOXES` boxes;
    :class:`_DomainTester`).  The enclosures are those of the expressions where they are defined (IEEE 1788
    style: ``sqrt([-1, 4]) = [0, 2]``, :mod:`gandynamics.analysis.intervals`), so a proof of a condition says
    "wherever its argument is defined"; all conditions proven, inner nodes' included, the region lies in the
    domain (the innermost node that failed at a point would have a defined argument there).  A condition that
    fails at a point of the region (sampled points, the corners of a box region, the projected centres of the
    boxes; decided by the enclosure at the point, so never by rounding), or a divisor that takes both signs there
    (a continuous one: it is 0 between), refuses the region with the point; a condition still unproven when the
    budget runs out refuses it as *may not be defined*."""
    conds, fn = _domain(fld)
    if not conds:
        return
    max_boxes = DOMAIN_MAX_BOXES if max_boxes is None else max_boxes
    p = np.asarray(p, float)
    lo0, hi0 = reg.lo[None].astype(float), reg.hi[None].astype(float)
    L, H = fn(lo0, hi0, p)
    if all(c.holds(L[0, k], H[0, k]) for k, c in enumerate(conds)):
        return
    T = _DomainTester(fld, p)
    open0 = T.boxes(lo0, hi0, [list(range(len(conds)))])[0]
    if not open0:
        return
    signs = {k: {} for k in open0 if conds[k].kind == NE0}   # k -> {+1: z, -1: z}

    def points(Z):
        """Refuse at the first point of Z (region points) where an open condition certainly fails; record the
        signs of the divisors."""
        Z = np.atleast_2d(Z)
        Lz, Hz, fails = T.points(Z, open0)
        for k in open0:
            c = conds[k]
            bad = np.flatnonzero(fails[k])
            if bad.size:
                i = bad[np.argmin(Hz[bad, k])] if c.kind != NE0 else bad[0]
                raise _domain_error(fld, p, c, Z[i])
            if c.kind == NE0 and 0 not in signs[k]:
                pos, neg = np.flatnonzero(Lz[:, k] > 0), np.flatnonzero(Hz[:, k] < 0)
                if pos.size and 1 not in signs[k]:
                    signs[k][1] = Z[pos[0]]
                if neg.size and -1 not in signs[k]:
                    signs[k][-1] = Z[neg[0]]
                if len(signs[k]) == 2:
                    crossing(k)

    def crossing(k):
        c = conds[k]
        za, zb = signs[k][1], signs[k][-1]
        if not _continuous_test(c):  # both signs without a zero between (a guard): the boxes decide
            signs[k][0] = None
            return
        a, b = za.copy(), zb.copy()
        for _ in range(200):
            m = 0.5 * (a + b)
            if np.array_equal(m, a) or np.array_equal(m, b):
                break
            lm, hm = fn(m[None], m[None], p)
            if lm[0, k] > 0:
                a = m
            elif hm[0, k] < 0:
                b = m
            else:
                break
        raise _domain_error(fld, p, c, 0.5 * (a + b), crossing=(za, zb))

    rng = np.random.default_rng(seed)
    points(np.vstack([reg.sample(samples, rng), reg.project(0.5 * (reg.lo + reg.hi))]))
    LO, HI, OPEN = lo0, hi0, [open0]
    count = 1
    diam = float(np.max(reg.hi - reg.lo))
    while len(LO):
        if count + 2 * len(LO) > max_boxes:
            k = OPEN[0][0]
            raise _domain_error(fld, p, conds[k], reg.project(0.5 * (LO[0] + HI[0])), certain=False,
                                box=(LO[0], HI[0]))
        cLO, cHI, cPARENT = [], [], []
        for i, (lo, hi) in enumerate(zip(LO, HI)):
            j, mid = _widest(lo, hi)
            if hi[j] - lo[j] <= DOMAIN_MIN_WIDTH * diam or not lo[j] < mid < hi[j]:  # (a boundary it touches)
                raise _domain_error(fld, p, conds[OPEN[i][0]], reg.project(0.5 * (lo + hi)), certain=False,
                                    box=(lo, hi))
            for clo, chi in _halves(lo, hi, j, mid, reg):
                cLO.append(clo)
                cHI.append(chi)
                cPARENT.append(i)
        count += len(cLO)
        if not cLO:
            break
        cLO, cHI = np.array(cLO), np.array(cHI)
        still = T.boxes(cLO, cHI, [OPEN[i] for i in cPARENT])
        keep = [i for i, ks in enumerate(still) if ks]
        LO, HI, OPEN = cLO[keep], cHI[keep], [still[i] for i in keep]
        if len(LO):
            points(np.array([reg.project(0.5 * (a + b)) for a, b in zip(LO, HI)]))


def _defined_at(fld, points, p) -> np.ndarray:
    """For each row of ``points``: whether F's generated code gives finite values there (a witness or a
    counterexample is a point where F is defined)."""
    pts = np.atleast_2d(np.asarray(points, dtype=float))
    if not _domain(fld)[0]:
        return np.ones(len(pts), dtype=bool)
    m = fld.point_module(calls=pts.shape[0])
    out = np.empty(fld.n)
    ok = np.zeros(len(pts), dtype=bool)
    with np.errstate(all="ignore"):
        for k, z in enumerate(pts):
            m.field(z, p, out)
            ok[k] = bool(np.all(np.isfinite(out)))
    return ok


def _bracket(name, which, res, fld, reg: Region, p) -> Bracket:
    """The bracket of a branch and bound's result ``res``: its certified end, and on the other side a rigorous value at
    a point of the region (:func:`_exactly_inside`): for L a lower bound on ``||DF(z)||_2``, for mu an upper bound on
    ``lambda_min(sym DF(z))`` (:func:`_certified_witness`), so that the true constant lies in the bracket.  The
    floating-point value at a witness the search projected into a ball could be outside it (by an ulp) and above the
    constant (by rounding): mu's upper end at -0.8000000000000002 where mu = -0.7999999999999999889."""
    best, z, gub, boxes, secs, conv, _, improved, stopped = res
    if not math.isfinite(best):  # no witness (every point on a switching set): the side stays open
        return (Bracket(name, best, gub, z, best, boxes, secs, conv, "hi", improved, stopped) if which == "L" else
                Bracket(name, -gub, -best, z, -best, boxes, secs, conv, "lo", improved, stopped))
    z = _exactly_inside(reg, z)
    side = _certified_witness(fld, p, z, which)
    if not math.isfinite(side):  # (ball arithmetic has no finite value there: x**2.0 at x < 0)
        side = _witness_high_precision(fld, p, z, which)
    if which == "L":
        lo = max(side, 0.0) if math.isfinite(side) else 0.0  # (L >= 0 whatever the witness)
        return Bracket(name, lo, gub, z, best, boxes, secs, conv, "hi", improved, stopped)
    hi = side if math.isfinite(side) else math.inf
    return Bracket(name, -gub, hi, z, -best, boxes, secs, conv, "lo", improved, stopped)


#: digits of :func:`_witness_high_precision`'s evaluation, and the relative margin its value is moved outward by
WITNESS_DIGITS = 50
WITNESS_MARGIN = 1e-30


def _witness_high_precision(fld, p, z, which: str) -> float:
    """:func:`_certified_witness`'s one-sided value where ball arithmetic has none: ``DF`` at the exact values of the
    doubles ``z``, ``p`` evaluated to :data:`WITNESS_DIGITS` digits (sympy's ``evalf``, whose digits it guarantees),
    the float singular or eigen-vector's ratio taken in that precision (a lower bound on ``||DF(z)||_2``, an upper
    bound on ``lambda_min(sym DF(z))``, whatever the vector) and moved outward by :data:`WITNESS_MARGIN` relative, then
    to the next double outward.  NaN where DF is not finite there."""
    import mpmath
    subs = {s: sp.Rational(float(v)) for s, v in zip(tuple(fld.z) + tuple(fld.hyper), list(z) + list(p))}
    try:
        with mpmath.workdps(WITNESS_DIGITS + 10):
            D = [[mpmath.mpf(sp.Float(fld.DF[i, j].evalf(WITNESS_DIGITS, subs=subs), WITNESS_DIGITS))
                  for j in range(fld.n)] for i in range(fld.n)]
            Df = np.array([[float(x) for x in row] for row in D])
            if not np.all(np.isfinite(Df)):
                return math.nan
            if which == "L":
                v = [mpmath.mpf(float(t)) for t in np.linalg.svd(Df)[2][0]]
                q = mpmath.sqrt(sum(sum(D[i][j] * v[j] for j in range(fld.n)) ** 2 for i in range(fld.n))
                                / sum(t * t for t in v))
                return math.nextafter(float(q * (1 - WITNESS_MARGIN)), -math.inf)
            v = [mpmath.mpf(float(t)) for t in np.linalg.eigh((Df + Df.T) / 2)[1][:, 0]]
            q = sum(v[i] * (D[i][j] + D[j][i]) / 2 * v[j] for i in range(fld.n) for j in range(fld.n)) / sum(t * t for t in v)
            return math.nextafter(float(q + abs(q) * WITNESS_MARGIN), math.inf)
    except (TypeError, ValueError, ArithmeticError):
        return math.nan


def _exactly_inside(reg: Region, z) -> np.ndarray:
    """``z`` (a point of the region to rounding) moved into the region as exact arithmetic decides it: a box's
    coordinates clipped to its ends; in a ball, moved towards the centre until ``sum (z_i - c_i)^2 <= r^2`` holds in
    rational numbers (the float test and ``Region.project`` may leave it an ulp outside)."""
    from fractions import Fraction
    z = np.asarray(z, dtype=float)
    if reg.kind == "box":
        return np.clip(z, reg.lo, reg.hi)
    c, r2 = reg.center, Fraction(reg.radius) ** 2
    for k in range(64):
        if sum((Fraction(float(a)) - Fraction(float(b))) ** 2 for a, b in zip(z, c)) <= r2:
            return z
        z = c + (z - c) * (1.0 - 2.0 ** (k - 52))
    return c.copy()


def _near_switches(fld, lo, hi, p) -> list | None:
    """The switching sets of F that may meet the box ``[lo, hi]``: the Arb enclosure of each switching function
    over the box, read by :func:`~gandynamics.analysis.nonsmooth.straddles` (non-finite: may meet); None when
    the switching functions cannot be enclosed (any set may meet any box).  Compiled once, cached on the field."""
    from .intervals import compile_interval, lower, upper
    from .nonsmooth import field_switches, straddles
    cache = fld.__dict__.setdefault("_interval_cache", {})
    if "switches" not in cache:
        sw = field_switches(fld)
        try:
            fn = compile_interval([s.u for s in sw], fld.z, fld.hyper) if sw else None
        except GandynamicsError:  # a switching function the engine cannot enclose
            fn = False
        cache["switches"] = (sw, fn)
    sw, fn = cache["switches"]
    if fn is False:
        return None
    if fn is None:
        return []
    enc = fn.on_box(np.asarray(lo, float), np.asarray(hi, float), p)
    return [s for s, e in zip(sw, enc) if straddles(s.kind, lower(e), upper(e))]


def region_blocker(fld, reg: Region | None, p):
    """:func:`gandynamics.analysis.nonsmooth.second_order_blocker` of F counting only the switching sets that may
    meet the region's bounding box (every box a certification encloses lies in it; :func:`_near_switches`).  A
    kink outside the region leaves DF continuous on it and the second-order forms valid.  ``reg`` None, or
    switching functions that cannot be enclosed: every switching set counts."""
    from .nonsmooth import field_switches, first_blocker
    near = None if reg is None else _near_switches(fld, reg.lo, reg.hi, p)
    if near is None:
        return first_blocker(field_switches(fld))
    return first_blocker(near)


def _engine(fld, order: int, mean_value: bool = False, reg: Region | None = None, p=None) -> tuple[int, str]:
    """The engine that is sound for this field, and the sentence that says which one runs and why.

    The second-order forms (the order-2 engine's mean-value/vertex form, the order-1 engine's optional
    mean-value intersection) model DF as continuous on a box, which fails where F has a kink or a jump (DF jumps
    there); a field with any switching set (Piecewise, Abs, Max/Min, sign, floor, ...;
    :func:`gandynamics.analysis.nonsmooth.second_order_blocker`) is therefore certified by the first-order engine
    with the natural extension of DF, which encloses every branch of an undecided condition
    (docs/math/certification.md §3-4).  Only switching sets that may meet the region ``reg`` count
    (:func:`region_blocker`).  ``mean_value=True`` where it would do nothing (with ``order=2``, or on such a field)
    is refused."""
    blocker = region_blocker(fld, reg, p)
    if mean_value and blocker is not None:
        raise GandynamicsError(f"mean_value=True does nothing here: F has a switching set that may meet the region "
                               f"({blocker.describe()}), "
                               "across which DF may jump, so its mean-value form is not valid and the natural extension "
                               "of DF is used (docs/math/certification.md §3); leave mean_value out")
    if mean_value and order != 1:
        raise GandynamicsError("mean_value=True applies with order=1 only: order=2 always encloses DF by its second-order "
                               "mean-value and vertex forms; pass order=1, or leave mean_value out")
    if order == 2 and blocker is None:
        return 2, "order 2 (vectorised boxes; DF enclosed by its second-order mean-value and vertex forms)"
    text = "order 1 (Arb, box by box; DF enclosed by its natural extension)"
    if mean_value:
        used = JacobianEnclosure(fld, True, smooth=blocker is None).mean_value
        text = text[:-1] + (", intersected with its mean-value form)" if used else
                            "; its mean-value form was asked, but the second derivatives of F cannot be enclosed)")
    if order == 2:
        text += (f", not order 2: F has a switching set that may meet the region ({blocker.describe()}), where the "
                 "second-order forms are not valid (docs/math/certification.md §3)")
    return 1, text


def _check_order(order, batch):
    if isinstance(order, (bool, np.bool_)) or order not in (1, 2):
        raise GandynamicsError(f"order must be 1 (Arb, box by box) or 2 (vectorised, mean-value form), got {order!r}")
    if batch is not None:
        from ..validate import whole
        whole(batch, "batch")


def certify_constants(fld, region, params=None, tol: float = 1e-3, atol: float = 1e-12, max_boxes: int = 20000,
                      max_seconds: float = 30.0, samples: int = 1000, seed: int = 0,
                      asymmetric: bool = True, mean_value: bool = False, order: int = 2,
                      batch: int | None = None, progress=None, interruptible: bool = False) -> ConstantsReport:
    """Certified brackets ``[L_lo, L_hi]`` and ``[mu_lo, mu_hi]`` on a region (see the module docstring and
    docs/math/certification.md).

    Parameters
    ----------
    fld : VectorField
    region : Region or str
        ``ball:R`` (around the equilibrium) or ``box:lo1:hi1,...``.
    params : dict, optional
        Hyperparameter values (defaults of the field otherwise).
    tol, atol : float
        Stop each search when ``hi - lo <= tol * max(|lo|, |hi|)`` or ``hi - lo <= atol`` (never with an
        infinite end: such a bracket is reported with ``converged=False``, "budget exhausted").
    max_boxes, max_seconds : budget per constant.  The first call on a field (in a process) also derives and
        compiles the interval forms of DF and of its ``n^3`` second derivatives (under a second for a few
        parameters, about 4 s for 20 on the project's 2-core machine; a notice says so when it takes over 2 s),
        counted in the first constant's ``max_seconds``: it cannot stop midway, so a budget shorter than it is
        overrun by it, and that constant's bracket is then the whole region's first bound.
    order : {1, 2}
        2 (default): DF enclosed by its mean-value form with an interval enclosure of the second derivatives,
        many boxes per call (:mod:`gandynamics.analysis.boxeval`); 1: the Arb engine box by box (the
        reference engine; natural extension of DF, see ``mean_value``).  On a field with a switching set
        (a kink or jump of F) order 1 runs whatever is asked, as the report's ``order`` and ``engine`` say
        (:func:`_engine`; docs/math/certification.md §3).
    mean_value : bool
        ``order=1`` on a field without a switching set only: intersect the natural ball extension of DF with
        its mean-value form (:class:`~gandynamics.analysis.intervals.JacobianEnclosure`).  Elsewhere it would
        do nothing (order 2 always uses the form; across a kink it is not valid) and is refused.
    batch : int, optional
        Boxes split per round (``order=2``; default 64).
    progress : bool or None
        A tqdm bar on stderr with the bracket and an estimate of the boxes still needed; ``None`` shows it
        where a bar can be seen (:func:`gandynamics.log.bars_wanted`: a terminal or a notebook, not with ``-q``).
    interruptible : bool
        A Ctrl-C returns the brackets found so far, certified all the same (:attr:`ConstantsReport.interrupted`; a
        search after it is not begun: its bracket is the sampled side alone), where it is raised by default (the
        command line's ``constants`` and ``check`` take it).

    Returns
    -------
    ConstantsReport
        ``lipschitz.lo = ||DF(z_a)||`` and ``mu.hi = lambda_min(sym DF(z_b))`` at witnesses in the region;
        ``lipschitz.hi >= L_S`` and ``mu.lo <= mu_S`` are guaranteed (outward-rounded interval arithmetic).
        For a field with the :class:`~gandynamics.regularizers.Asymmetric` regularizer the report also
        carries :func:`asymmetric_local`.

    Raises
    ------
    GandynamicsError
        When F may be discontinuous on the region (a jump of ``sign``, ``Heaviside``, ``floor``, a
        discontinuous ``Piecewise``, ... not proven cancelled): the message names the switching set and a point
        of the region.
        When the region is not proven inside the domain of F (:class:`RegionLeavesDomain`: ``sqrt`` or a
        fractional power of a negative number, ``log`` of a number <= 0, a division by 0, ``asin`` outside
        ``[-1, 1]``, ...): the message names the node, its condition and a point of the region where it fails.
        ``mean_value=True`` where it does nothing (see ``mean_value``).
    """
    from ..validate import field as _as_field
    fld = _as_field(fld, "certify_constants")  # a Game, a name or None: what it takes, not an AttributeError
    from ..validate import boolean
    asymmetric, mean_value = boolean(asymmetric, "asymmetric"), boolean(mean_value, "mean_value")
    _check_tol(tol, atol, max_boxes, max_seconds)
    _check_order(order, batch)
    progress = optional_flag(progress)
    p, reg, order, engine = _prepare(fld, region, params, order, mean_value)
    est = estimate_constants(fld, reg, p, samples=samples, seed=seed)
    kw = dict(mean_value=mean_value, order=order, batch=batch, progress=progress,
              interruptible=boolean(interruptible, "interruptible"))
    resL = _branch_and_bound(fld, reg, p, "L", est["lipschitz"], tol, atol, max_boxes, max_seconds, **kw)
    mu_est = est["mu"]
    resM = (_unsearched((-mu_est[0], mu_est[1])) if resL[-1] == "interrupted" else
            _branch_and_bound(fld, reg, p, "mu", (-mu_est[0], mu_est[1]), tol, atol, max_boxes, max_seconds, **kw))
    hyper = {s.name: float(v) for s, v in zip(fld.hyper, p)}
    asym = None
    if asymmetric and _find_asymmetric(fld) is not None:
        asym = asymmetric_local(fld, p)
    brackets = [_closed_as_certified(_bracket(name, which, res, fld, reg, p), tol, atol)
                for name, which, res in (("mu", "mu", resM), ("lipschitz", "L", resL))]
    return ConstantsReport(reg, hyper, *brackets, tol, asym, order=order, engine=engine)


def _closed_as_certified(b: Bracket, tol: float, atol: float) -> Bracket:
    """``b``, "converged" only where its ends as reported (the certified one and the witness's rigorous value) are
    within ``tol`` / ``atol`` of each other: the search's own test reads the witness's floating-point value, which on a
    ball of radius 1e100 (sin of arguments near 1e197: rounding noise) was -1.8e200 where its rigorous bound is
    +1.8e200, and a bracket [-1.8e200, 1.8e200] read "converged" (a new user)."""
    gap = b.hi - b.lo
    closed = math.isfinite(gap) and (gap <= atol or gap <= tol * max(abs(b.lo), abs(b.hi)))
    return b if closed or not b.converged else dataclasses.replace(b, converged=False)


def _unsearched(start) -> tuple:
    """The result of a branch and bound that did not run, a Ctrl-C having stopped the one before it: its witness
    ``start`` (the sampled estimate ``(g, point)``) on one side, nothing certified on the other (``inf``), ``stopped``
    "not begun": a bracket that holds, and says no more than the sampling did."""
    best, z = start
    return float(best), np.asarray(z, float), math.inf, 0, 0.0, False, False, 0, "not begun"


def _prepare(fld, region, params, order: int, mean_value: bool = False):
    """``(p, region, order, engine)`` for a search on ``region``: the hyperparameter vector, the region, the engine
    that runs (:func:`_engine`), after proving F defined and continuous there (else :class:`RegionLeavesDomain` /
    :class:`RegionMeetsJump`)."""
    p = fld._p(params)
    reg = _as_region(region, fld, params)
    order, engine = _engine(fld, order, mean_value, reg, p)
    _require_defined(fld, reg, p)
    _require_continuous(fld, reg, p)
    return p, reg, order, engine


def mu_certified_above(fld, region, p, margin: float, tol: float = 1e-3, atol: float = 1e-12,
                       max_boxes: int = 20000, max_seconds: float = 30.0, samples: int = 1000, seed: int = 0,
                       order: int = 2, batch: int | None = None, detail: bool = False):
    """A certified lower bound on mu over ``region`` that is above ``margin`` exactly when the lower end of
    :func:`certify_constants`'s mu bracket is (the same search: same start, same boxes, same stop at the gap ``tol``
    / ``atol`` or the budget), found without the Lipschitz search and stopping as soon as that is decided: as soon
    as the certified lower bound exceeds ``margin`` or a point of the region has ``lambda_min(sym DF) <= margin``.
    The bracket only tightens as the search goes on, so the answer is the one the whole search would give (up to
    its ``max_seconds``).  Used by :func:`gandynamics.analysis.basin.monotone_radius` for each radius it tries (the whole
    report is computed once, at the radius found).  ``p`` is the hyperparameter vector (shape (n_p,)); the other
    keywords are :func:`certify_constants`'s, with the same defaults (the same search only with the same ones).

    With ``detail``, ``(bound, why, boxes, seconds)``: ``why`` says how a bound not above ``margin`` came about:
    ``"witness"`` (a point with ``lambda_min <= margin`` was found: refuted), ``"closed"`` (the bracket closed to its
    gap about ``margin``) or ``"budget"`` (the boxes or seconds ran out first); ``""`` when the bound is above.

    Raises the errors of :func:`certify_constants` (a jump of F or a point outside its domain in the region)."""
    _check_tol(tol, atol, max_boxes, max_seconds)
    _check_order(order, batch)
    p, reg, order, _ = _prepare(fld, region, p, order)
    m0 = _estimate(fld, reg, p, samples, seed, REFINE, which=("mu",))["mu"]
    # g = -lambda_min; decided when g's certified upper bound < -margin (strictly: mu_lo > margin) or a witness has
    # g >= -margin (mu <= margin there)
    threshold = float(np.nextafter(-float(margin), -math.inf))
    res = _branch_and_bound(fld, reg, p, "mu", (-m0[0], m0[1]), tol, atol, max_boxes, max_seconds,
                            threshold=threshold, order=order, batch=batch)
    lo = float(-res[2])
    if not detail:
        return lo
    best, _, _, boxes, secs, converged, decided, _, _ = res
    why = "" if lo > margin else ("witness" if decided and -float(best) <= margin else
                                  ("closed" if converged else "budget"))
    return lo, why, int(boxes), float(secs)


def _claim(value, name):
    if value is None:
        return None
    if isinstance(value, bool):
        raise GandynamicsError(f"the claimed {name} must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise GandynamicsError(f"the claimed {name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise GandynamicsError(f"the claimed {name} must be finite, got {value!r}")
    return v


def _shrink(reg: Region, z, kappa: float) -> np.ndarray:
    """``z`` moved a fraction ``kappa`` towards the centre of the region (stays in it: convexity)."""
    c = reg.center if reg.kind == "ball" else 0.5 * (reg.lo + reg.hi)
    return c + (np.asarray(z, float) - c) * (1.0 - kappa)


def _find_pair(fld, p, reg, z, v, test):
    """Points ``z1 = b - t v``, ``z2 = b + t v`` of the region around ``b`` (z, or z moved slightly inwards
    when v is tangent to the boundary) for which ``test(z1, z2)`` returns a number that violates the claim."""
    scale = float(np.max(reg.hi - reg.lo))
    for kappa in (0.0, 1e-6, 1e-4, 1e-3, 1e-2):
        b = _shrink(reg, z, kappa)
        for t in scale * np.array([1e-4, 1e-5, 1e-3, 1e-6, 1e-7]):
            z1, z2 = b - t * v, b + t * v
            if not (reg.contains(z1, slack=0.0) and reg.contains(z2, slack=0.0)):
                continue
            r = test(z1, z2)
            if r is not None:
                return {"z": z1.tolist(), "z2": z2.tolist(), "ratio": r}
    return None


#: working precision (bits) of the pair ratios' ball arithmetic: F's values at the two points are differenced, and
#: a skew part 1e18 times the symmetric one cancelled to 0 in doubles (a ratio of exactly 1e-8 printed as 0)
PAIR_PREC = 256


def _pair_ratio(fld, p, z1, z2, which: str):
    """``(lo, hi, value)`` of the pair's ratio ``<F(z2) - F(z1), dz> / |dz|^2`` (``which`` "mu") or
    ``|F(z2) - F(z1)| / |dz|`` ("L"): an enclosure from ball arithmetic at :data:`PAIR_PREC` bits, ``F`` evaluated by
    its interval translation at the two double points (exact inputs), and its midpoint; where F has no interval
    translation, the double-precision value three times (what the pair shows then, unconfirmed)."""
    from flint import arb, ctx
    from .intervals import interval_field, lower, upper
    old = ctx.prec
    ctx.prec = PAIR_PREC  # (process-wide in python-flint: restored below on every path)
    try:
        try:
            Fi = interval_field(fld)  # compiled at this precision: its constants (1/3, pi) are 256-bit balls too
        except GandynamicsError:
            Fi = None
        if Fi is not None:
            a = Fi.at(z1, p)
            b = Fi.at(z2, p)
            dz = [arb(float(u)) - arb(float(v)) for u, v in zip(z2, z1)]
            dF = [y - x for x, y in zip(a, b)]
            dd = sum((d * d for d in dz), arb(0))
            if which == "mu":
                q = sum((f * d for f, d in zip(dF, dz)), arb(0)) / dd
            else:
                q = (sum((f * f for f in dF), arb(0)) / dd).sqrt()
            return lower(q), upper(q), float(q.mid())
    finally:
        ctx.prec = old
    dz, dF = z2 - z1, fld.eval_F(z2, p) - fld.eval_F(z1, p)
    # by norms without squares (equilibrium.norm: hypot): dz ~ 1e-170 made dot(dz, dz) underflow to 0, dF ~ 1e160 made
    # its squares overflow, for a ratio of ordinary size
    nz = norm(dz)
    r = float(np.dot(dF, dz / nz) / nz) if which == "mu" else float(norm(dF) / nz)
    return r, r, r


def _pair_lipschitz(fld, p, reg, z, claim):
    """Two points of the region with ``||F(z2) - F(z)|| > claim ||z2 - z||`` (or None); the ratio from
    :func:`_pair_ratio`, the pair kept only where its whole enclosure lies above the claim."""
    D = fld.eval_DF(z, p)
    v = np.linalg.svd(D)[2][0]

    def test(z1, z2):
        lo, _, value = _pair_ratio(fld, p, z1, z2, "L")
        return value if lo > claim else None
    return _find_pair(fld, p, reg, z, v, test)


def _pair_monotone(fld, p, reg, z, claim):
    """Two points with ``<F(z2) - F(z), z2 - z> < claim ||z2 - z||^2`` (or None); the ratio from :func:`_pair_ratio`,
    the pair kept only where its whole enclosure lies below the claim."""
    D = fld.eval_DF(z, p)
    v = np.linalg.eigh((D + D.T) / 2)[1][:, 0]

    def test(z1, z2):
        _, hi, value = _pair_ratio(fld, p, z1, z2, "mu")
        return value if hi < claim else None
    return _find_pair(fld, p, reg, z, v, test)


def _certified_witness(fld, p, z, which: str) -> float:
    """A rigorous one-sided value at the point z (ball arithmetic): for "L" a lower bound on
    ``||DF(z)||_2`` (``||DF v|| / ||v||`` with v the float top right singular vector), for "mu" an upper
    bound on ``lambda_min(sym DF(z))`` (the Rayleigh quotient of the float bottom eigenvector)."""
    from flint import arb
    from .intervals import interval_jacobian, lower, upper
    n = fld.n
    E = interval_jacobian(fld).at(z, p)
    D = fld.eval_DF(z, p)
    if which == "L":
        v = np.linalg.svd(D)[2][0]
        w = [sum((E[i * n + j] * arb(float(v[j])) for j in range(n)), arb(0)) for i in range(n)]
        num = sum((x * x for x in w), arb(0)).sqrt()
        den = sum((arb(float(x)) ** 2 for x in v), arb(0)).sqrt()
        return lower(num / den)
    v = np.linalg.eigh((D + D.T) / 2)[1][:, 0]
    va = [arb(float(x)) for x in v]
    q = sum((va[i] * (E[i * n + j] + E[j * n + i]) / 2 * va[j] for i in range(n) for j in range(n)), arb(0))
    return upper(q / sum((x * x for x in va), arb(0)))


#: the part of ``check``'s slack for a monotonicity claim that scales with DF's size ``L_est``, relative to it: the
#: rounding of DF's entries (a few thousand ulps), not a tolerance on the claim (that is ``rtol |mu|``)
ROUNDING_REL = 2.0 ** -40
#: the absolute part of ``check``'s tolerance (with ``rtol > 0``): the outward rounding of an exact 0, the ends a
#: certified bracket of a constant that is exactly 0 keeps (``[-1e-323, 0]`` for mu, ``[0, 1e-300]`` for L: the norm
#: bound's absolute term, :func:`gandynamics.analysis.boxeval`): "mu >= 0" and "L <= 0" of F = 0 ran the whole budget
#: and stayed undecided, a relative tolerance of 0 being 0 (an adversarial review)
ZERO_SLACK = 2e-300


def _rounding_covers(fld, p, boxes: list, mu_c: float, tr: float, rtol: float) -> tuple[bool, float]:
    """Whether every box the search left unsettled (``boxes``: ``(ub, lo, hi)`` as :func:`_branch_and_bound` keeps them,
    ``ub`` bounding ``-lambda_min``) whose lower bound on mu lies below the claim ``mu_c`` does so by
    no more than ``tr`` plus the rounding of DF's entries *on that box*: ``min(rtol, ROUNDING_REL)`` times the
    Frobenius norm of the entries' smallest magnitudes there (their mignitudes: 0 for an entry whose enclosure holds
    0, so a box still wide around the minimiser of mu is covered by nothing but ``tr``).  Returns ``(covered,
    least)``, ``least`` the smallest such norm (inf when no box lies below the claim).  A box's rounding is that
    of the values DF takes on it, not of DF's largest size in the region, which let a false claim hold (F = (x^3,
    3y) on a box of width 3e6: mu = 0, "mu >= 1" within a slack of 10.9)."""
    below = [(-ub, lo, hi) for ub, lo, hi in boxes if -ub < mu_c]  # (ub bounds g = -lambda_min: -ub bounds mu below)
    if not below:
        return True, math.inf
    from .boxeval import df_enclosure
    LB = np.array([b[0] for b in below])
    LO, HI = np.array([b[1] for b in below]), np.array([b[2] for b in below])
    try:
        with np.errstate(all="ignore"):
            dlo, dhi = df_enclosure(fld, p, LO, HI)
        mig = np.where(dlo > 0, dlo, np.where(dhi < 0, -dhi, 0.0))
        size = np.sqrt(np.sum(mig * mig, axis=(1, 2)))
        size = np.where(np.isfinite(size), size, 0.0)
    except Exception:  # noqa: BLE001  (no enclosure of this kind for the field: no slack beyond tr)
        size = np.zeros(len(below))
    slack = tr + min(rtol, ROUNDING_REL) * size
    return bool(np.all(mu_c - LB <= slack)), float(size.min())


def _widest(lo, hi) -> tuple[int, float]:
    """The widest coordinate of the box ``[lo, hi]`` and its midpoint (where the branch and bound and the domain
    proof split a box)."""
    j = int(np.argmax(hi - lo))
    return j, 0.5 * (lo[j] + hi[j])


def _halves(lo, hi, j, mid, reg) -> list:
    """The halves ``(lo, hi)`` of the box split at ``mid`` across coordinate ``j`` that meet the region ``reg``."""
    out = []
    for a, b in ((lo[j], mid), (mid, hi[j])):
        clo, chi = lo.copy(), hi.copy()
        clo[j], chi[j] = a, b
        if reg.meets(clo, chi):
            out.append((clo, chi))
    return out


def check_constants(fld, region, params=None, mu=None, L=None, max_boxes: int = 50000, max_seconds: float = 30.0,
                    samples: int = 1000, seed: int = 0, rtol: float = 1e-9, order: int = 2,
                    batch: int | None = None, progress=None, interruptible: bool = False) -> CheckResult:
    """Check the claims "F is ``mu``-strongly monotone" and/or "F is ``L``-Lipschitz" on the region.

    Returns a :class:`CheckResult` with ``status``:

    * ``"holds"`` — every claim is certified up to the relative tolerance ``rtol``: ``L_hi <= L (1 +
      rtol) + z``, and for mu every box of the search whose certified lower bound lies below ``mu`` lies below it by at
      most ``rtol |mu| + z + min(rtol, ROUNDING_REL) |DF|_box`` (``z`` = :data:`ZERO_SLACK`, the rounding of an exact
      0, when ``rtol > 0``) (:func:`_rounding_covers`: ``|DF|_box`` the Frobenius
      norm of the smallest magnitudes DF's entries take on that box), all by outward-rounded interval arithmetic:
      the second term is the rounding of DF's entries where mu is taken, :data:`ROUNDING_REL` = 2^-40 of them, a
      slack of about 4,000 ulps, not ``rtol`` of them (which let "mu >= 500" hold for a field of mu = -0.001 and
      L = 1e12), nor of DF's largest size in the region (which let "mu >= 1" hold for F = (x^3, 3y), mu = 0, on a
      box of width 3e6).  ``tolerances["mu"]`` reports the slack at the box below the claim with the smallest
      entries.  ``exact[claim]`` says whether it is
      certified without the tolerance.  The tolerance lets a claim *equal* to the true value hold: rounding
      keeps every certified end a few ulps on the safe side of the exact value
      (docs/math/certification.md §6);
    * ``"refuted"`` — some claim fails at a point of the region (confirmed in ball arithmetic: a
      rigorous Rayleigh-quotient bound at the point passes the claim; ``counterexamples``: one for every refuted
      claim, by claim; ``counterexample``: the first of them, L's before mu's): each has the point, the
      local value there (``lambda_min(sym DF)`` or ``||DF||_2``), and where found a pair ``(z, z2)`` of
      points of the region violating the defining inequality directly
      (``<F(z2) - F(z), z2 - z> < mu ||z2 - z||^2`` or ``||F(z2) - F(z)|| > L ||z2 - z||``);
    * ``"undecided"`` — the budget ran out first; the brackets say how far it got.

    Only the claimed constants are bracketed: the bracket of a constant that was not claimed (``mu`` or
    ``lipschitz``) is None, and ``None`` in ``to_dict()``.  Bracketing it too spent a whole second branch and bound
    (3x the wall time of ``check --mu 0.3`` on a 3-parameter game, a new user) for a number the command's text
    never printed; :func:`certify_constants` brackets both.

    The other keywords (``max_boxes``, ``max_seconds``, ``samples``, ``seed``, ``order``, ``batch``, ``progress``,
    ``interruptible``) are those of :func:`certify_constants`; a claim an interrupted search leaves is undecided, never
    held by the rounding slack of the boxes left (a box lost to the Ctrl-C is in no list).

    Raises
    ------
    GandynamicsError
        Bad claims or budget; or F may be discontinuous on the region, or the region is not proven inside the
        domain of F (no claim is certified there; :class:`RegionLeavesDomain`).
    """
    from ..validate import field as _as_field
    fld = _as_field(fld, "check_constants")  # a Game, a name or None: what it takes, not an AttributeError
    mu_c = _claim(mu, "mu")
    L_c = _claim(L, "Lipschitz constant")
    if L_c is not None and L_c < 0:
        raise GandynamicsError(f"a Lipschitz constant is >= 0, got the claim {L!r}; accepted: a number >= 0")
    if mu_c is None and L_c is None:
        raise GandynamicsError("nothing to check: give a claimed mu and/or a claimed Lipschitz constant")
    _check_tol(1e-3, 0.0, max_boxes, max_seconds)
    if not isinstance(rtol, (int, float)) or not math.isfinite(rtol) or not 0 <= rtol < 1e-2:
        raise GandynamicsError(f"rtol must be a number in [0, 1e-2), got {rtol!r}")
    _check_order(order, batch)
    progress = optional_flag(progress)
    p, reg, order, engine = _prepare(fld, region, params, order)
    est = estimate_constants(fld, reg, p, samples=samples, seed=seed)
    from ..validate import boolean
    kw = dict(order=order, batch=batch, progress=progress, interruptible=boolean(interruptible, "interruptible"))
    scale = max(float(est["lipschitz"][0]), 0.0) if math.isfinite(est["lipschitz"][0]) else 0.0
    verdicts, exact, counters, tolerances = {}, {}, {}, {}
    brL = brM = None
    if L_c is not None:
        tl = rtol * abs(L_c) + (ZERO_SLACK if rtol > 0 else 0.0)
        tolerances["lipschitz"] = tl
        res = _branch_and_bound(fld, reg, p, "L", est["lipschitz"], 0.0, 0.0, max_boxes, max_seconds,
                                threshold=L_c + tl, **kw)
        brL = _bracket("lipschitz", "L", res, fld, reg, p)
        # refuted first: a point where the claim certifiably fails is never covered by the tolerance (which is for
        # a claim equal to the true value, whose witness cannot fall beyond it).  The bracket's lower end is that
        # point's rigorous value (_bracket: _certified_witness at the witness, or its high-precision fallback; 0 where
        # neither has one, and L >= 0 always): it was computed there, not again here
        if brL.lo > L_c:
            verdicts["lipschitz"] = "refuted"
            counters["lipschitz"] = {"claim": "lipschitz", "claimed": L_c, "point": brL.witness.tolist(),
                                     "value": brL.value, "quantity": "||DF(z)||_2",
                                     "pair": _pair_lipschitz(fld, p, reg, brL.witness, L_c)}
        elif brL.hi <= L_c + tl:
            verdicts["lipschitz"] = "holds"
            exact["lipschitz"] = brL.hi <= L_c
        else:
            verdicts["lipschitz"] = "undecided"
    if mu_c is not None:
        m0 = est["mu"]
        # the slack for the rounding of DF's entries is that of DF's size on each box the search leaves below the
        # claim (_rounding_covers); the search runs first down to the most it may be (DF's largest size sampled), then,
        # where that does not cover the claim, again down to the slack of the boxes below it.  The largest ||DF|| of
        # the region alone (4e12 on a box of width 3e6 where F = (x^3, 3y)) let "mu >= 1" hold for a field of mu = 0
        # (a trust review; 43 of 100 false claims)
        tr = rtol * abs(mu_c) + (ZERO_SLACK if rtol > 0 else 0.0)
        slack = lambda size: tr + min(rtol, ROUNDING_REL) * size  # noqa: E731
        tm = slack(scale)
        for again in ("", "with the rounding slack of DF's size on the boxes the first search left below the claim"):
            boxes_left: list = []
            if brL is not None and brL.cut_short:  # (a Ctrl-C during L's search: mu's is not begun)
                res = _unsearched((-m0[0], m0[1]))
            else:
                res = _branch_and_bound(fld, reg, p, "mu", (-m0[0], m0[1]), 0.0, 0.0, max_boxes, max_seconds,
                                        threshold=-(mu_c - tm), keep=boxes_left, again=again, **kw)
            brM = _bracket("mu", "mu", res, fld, reg, p)
            # (an interrupted search's boxes left may miss one the Ctrl-C took, and a search not begun has none:
            # _rounding_covers of no box is True; neither covers anything)
            covered, least = ((False, scale) if res[-1] in CUT_SHORT else
                              _rounding_covers(fld, p, boxes_left, mu_c, tr, rtol))
            if brM.hi < mu_c or brM.lo >= mu_c or covered or brM.cut_short:
                break
            tm = slack(min(least, scale))
        tolerances["mu"] = slack(min(least, scale))
        if brM.hi < mu_c:  # refuted first (as L above: the bracket's upper end is the witness's rigorous value)
            verdicts["mu"] = "refuted"
            counters["mu"] = {"claim": "mu", "claimed": mu_c, "point": brM.witness.tolist(), "value": brM.value,
                              "quantity": "lambda_min((DF(z) + DF(z)^T)/2)",
                              "pair": _pair_monotone(fld, p, reg, brM.witness, mu_c)}
        elif brM.lo >= mu_c or covered:
            verdicts["mu"] = "holds"
            exact["mu"] = brM.lo >= mu_c
        else:
            verdicts["mu"] = "undecided"
    # (the constant nobody claimed is not bracketed: its bracket stays None; certify_constants brackets both)
    vals = set(verdicts.values())
    status = "refuted" if "refuted" in vals else ("holds" if vals == {"holds"} else "undecided")
    claims = {"mu": mu_c, "lipschitz": L_c}
    counter = next(iter(counters.values()), None)  # (the first: L's, then mu's)
    return CheckResult(status, claims, brM, brL, counter, verdicts, rtol=rtol, tolerances=tolerances,
                       exact=exact, order=order, engine=engine, counterexamples=counters)


# the asymmetric scheme's local quantities live in analysis/asymmetric.py (re-exported for old imports)
from .asymmetric import _find_asymmetric, _part_symbols, asymmetric_local  # noqa: E402,F401
