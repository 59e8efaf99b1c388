r"""Convergence rates of the training methods: exact local rates, optimal and largest stable steps,
theoretical global bounds from (mu, L), and measured rates.

Linearised at an equilibrium z* with ``A = DF(z*)`` (docs/mathematics.md §0.4; ``F = -v``, step ``h``), each method is
a linear map of its state, with iteration matrix

=============  ===================================================  ====================================
method         iteration matrix                                     state
=============  ===================================================  ====================================
gd             ``I - h A``                                          ``z_k``
altgd          ``P_psi^{n_d} P_theta^{n_g}``, ``P_theta = I - h E_theta A``, ``P_psi = I - h E_psi A``   ``z_k``
eg             ``I - h A + h^2 A^2``                                ``z_k``
eftp           ``[[I - h A, h^2 A^2], [I, -h A]]``                  ``(z_k, w_{k-1})``
ogda           ``[[I - 2h A, h A], [I, 0]]``                        ``(z_k, z_{k-1})``
momentum       ``[[(1 + beta) I - h A, -beta I], [I, 0]]``          ``(z_k, z_{k-1})``
altmomentum    ``M_psi M_theta`` (NegMom, theta first; see below)   ``(z_k, z_{k-1})``
flow           ``z' = -A z``: ``exp(-h A)`` over a time ``h``       ``z(t)``
=============  ===================================================  ====================================

``E_theta``/``E_psi`` select the generator's/discriminator's rows.  Alternating momentum (Gidel et al.
2019, docs/mathematics.md §0.4): ``theta+ = theta - h F_theta(theta, psi) + beta (theta - theta_prev)``, then
``psi+ = psi - h F_psi(theta+, psi) + beta (psi - psi_prev)``; ``M_theta`` and ``M_psi`` are these two
half-updates as linear maps of ``(z, z_prev)``.  The **exact local rate** is the spectral radius
``rho(M)``: ``||z_k - z*|| ~ rho^k`` (docs/mathematics.md §0.1, §5.4); for the flow it is ``exp(h alpha)`` with the
spectral abscissa ``alpha = max Re lambda(-A)``.

**Optimal step** (:func:`optimal_step`): ``rho(h)`` on 400 log-spaced steps in
``[1e-4, 30] / max|lambda(A)|``, then bounded Brent minimisation (golden section with parabolic steps,
``scipy.optimize.minimize_scalar(method="bounded")``) between the grid neighbours of the best grid point,
then a golden-section refinement within ``±1e-6`` relative to a width of ``1e-15 h`` (Brent stops at
``~sqrt(eps)``, too coarse at cusps).  None when no step has ``rho < 1 - 1e-12`` (no stable step; the
smallest rho found is still returned).  At a defective optimum (a Jordan block, e.g. EFTP on the bilinear
game at h = 1/2) the distance decays like ``k rho^k``, so a measured rate approaches rho only slowly.  **Largest stable step** (:func:`largest_stable_step`): from the optimal step upward on a
log grid to the first ``h`` with ``rho(h) >= 1``, then bisection on ``rho(h) = 1`` to a relative width of
``1e-12`` (``inf`` when no unstable step is met up to ``1e6 / max|lambda|``; None when no step is stable).
**Smallest stable step** (:func:`smallest_stable_step`): the lower end of that interval, 0 where every smaller step
is stable (a stable flow), else found downward from the optimal step and bisected: at an equilibrium the flow leaves
(``v`` spiralling out), extragradient, EFTP and OGDA are stable on an interval away from 0.  A method with no stable
step is **unstable at every step** (:func:`unstable_at_every_step`) where ``rho > 1`` beyond rounding at each
step tried (gd at eigenvalues on the imaginary axis), and undecided only where ``rho`` is 1 to rounding.

**Theoretical global bounds** (:func:`theoretical_bound`) for F mu-strongly monotone and L-Lipschitz on a
region (docs/mathematics.md §5; constants from :mod:`gandynamics.analysis.constants`, certified ``mu_lo``, ``L_hi``,
valid because a mu-strongly monotone, L-Lipschitz F is also mu'-, L'-so for mu' <= mu, L' >= L):

* gd: ``||z_{k+1} - z*||^2 <= (1 - 2 h mu + h^2 L^2) ||z_k - z*||^2`` for ``0 < h < 2 mu / L^2``
  (docs/mathematics.md §5.1; Facchinei & Pang 2003);
* eg: factor ``1 - h mu`` on the squared distance when ``1 - h^2 L^2 - 2 h mu >= 0``, e.g. ``h = 1/(4L)``:
  ``1 - mu/(4L)`` (docs/mathematics.md §5.2; Korpelevich 1976, Tseng 1995);
* eftp, ogda: ``1 - mu/(4L)`` on (a potential dominating) the squared distance with ``h = 1/(4L)``, hence
  ``1 - h mu`` for every ``h <= 1/(4L)`` (apply it with ``L' = 1/(4h) >= L``) (docs/mathematics.md §4.6, §5.3;
  Gidel et al. 2019, Mokhtari et al. 2020, recalled there and checked numerically);
* flow: ``||z(t) - z*|| <= exp(-mu t) ||z(0) - z*||`` since ``d/dt ||z - z*||^2 = -2 <F(z), z - z*> <=
  -2 mu ||z - z*||^2`` [derived];
* altgd, momentum, altmomentum: no theorem in docs/mathematics.md (None).

Where ``mu <= 0`` there is no linear-rate guarantee (None, with that note).  Bounds are reported per step on
the distance (the square root of the factor above) so that they compare with measured rates.

**Measured rate** (:func:`measured_rate`): :func:`gandynamics.simulate.simulate` from a start point in the
region (at half its radius along a fixed direction), its ``rate`` fit (least squares of ``log ||z_k - z*||``
over the second half of the run).
"""

from __future__ import annotations

import math
from dataclasses import field

import numpy as np
from scipy import optimize

from ..errors import GandynamicsError, applies_to_none
from ..methods import ALIASES as METHOD_ALIASES, METHODS, beta_for
from ..validate import split_names
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["RATE_METHODS", "STABLE_TOL", "iteration_matrix", "multipliers", "spectral_radius", "local_rate",
           "rate_upper", "upper_rate_function", "optimal_step",
           "largest_stable_step", "smallest_stable_step", "unstable_at_every_step", "theoretical_bound", "theory_step",
           "Bound", "measured_rate", "start_point",
           "RateRow", "rates", "sublinear_order", "RATE_ALIASES", "rate_options"]

#: a step is stable when rho < 1 - STABLE_TOL (rho = 1 up to rounding, e.g. altgd on the bilinear game,
#: is marginal, not stable)
STABLE_TOL = 1e-12
#: what a method without a stable step is told (its rho_opt, the smallest rho found, may lie below 1 by rounding:
#: a neutral spectrum, |lambda| = 1 exactly, computes as 1 - 1e-16 now and then)
NO_STABLE_STEP = f"no stable step: rho >= 1 - {STABLE_TOL:zg} for every step tried"

#: rate-only aliases: a name -> (method, options) (declared beside the methods: simulate's refusal names them)
RATE_ALIASES = METHOD_ALIASES


def _rate_methods() -> tuple:
    return tuple(m.name for m in METHODS.values() if m.iteration_matrix is not None) + tuple(RATE_ALIASES)


#: the methods with an iteration matrix at an equilibrium (from the registry), and the aliases
RATE_METHODS = _rate_methods()


def _resolve(method: str):
    """``(Method, options)`` for a rate method name (an alias adds its options).  Several where one is taken
    (``rate_map(field, "gd,eg", ...)``) are refused as such, as :func:`gandynamics.methods.get_method` words it."""
    if isinstance(method, (list, tuple)) or (isinstance(method, str) and "," in method):
        items = split_names(method)
        if len(items) > 1 and all(isinstance(t, str) and t for t in items):
            from ..methods import get_method
            get_method(method)  # ("one method is run here, not several ('gd', 'eg')": it said "unknown method 'gd,eg'")
        refuse_methods([method])  # (["gd"], "gd,": unknown, with the rate methods as the accepted ones)
    if method in RATE_ALIASES:
        name, extra = RATE_ALIASES[method]
        return METHODS[name], dict(extra)
    if method not in METHODS or METHODS[method].iteration_matrix is None:
        refuse_methods([method])
    return METHODS[method], {}


#: the momentum coefficient when none is given (negative momentum, Gidel et al. 2019: at beta = 0 momentum is gd, a
#: row that says nothing new): momentum's declaration, its default in the library as in every command
CLI_BETA = METHODS["momentum"].options[METHODS["momentum"].option_names.index("beta")].cli_default


def refuse_methods(methods, accepted=RATE_METHODS, what: str = "method", reasons: dict | None = None) -> None:
    """One GandynamicsError naming every name of ``methods`` not in ``accepted``, each with its reason (from
    ``reasons``, else, for a method of the registry, why it has no iteration matrix: ``Method.no_matrix``), and
    what is accepted; nothing when all are accepted (the CLI's ``rates`` and ``classify`` refuse their
    ``--methods`` with it; :func:`gandynamics.methods.refuse_methods` words it, as for every method name)."""
    from ..methods import refuse_methods as refuse
    methods = split_names(methods)  # ("gd,eg": not letter by letter)
    reasons = dict(reasons or {})
    for m in methods:
        if isinstance(m, str) and m not in accepted and m not in reasons and m in METHODS and METHODS[m].no_matrix:
            reasons[m] = f"it has no iteration matrix, since {METHODS[m].no_matrix}"
    refuse(methods, accepted, reasons, what=what)


def _check_method(method: str) -> str:
    _resolve(method)
    return method


def _kw(m, base: dict, beta, n_g, n_d) -> dict:
    """The keyword options of method ``m``'s iteration matrix or multipliers: ``base`` (its other options) with
    ``beta``, ``n_g`` and ``n_d`` where it takes them (``beta=None``: its declared default,
    :func:`gandynamics.methods.beta_for`, momentum's -0.5).  A value other than the default (beta None or 0,
    n_g = n_d = 1) of one it does not take (:func:`takes`) is refused: it would be ignored (``local_rate("gd", A, h, beta=0.5)``
    gave gd's rate)."""
    if m.name == "lookahead" and base.get("base") is not None:  # (where lookahead's options are read)
        refuse_base(base["base"])
    for name, value, default in (("beta", beta, 0.0), ("n_g", n_g, 1), ("n_d", n_d, 1)):
        if value is not None and value != default and not takes(name, [m.name], base.get("base")):
            raise GandynamicsError(f"{m.name} takes no {name} (given {value!r}; {_users(name)})")
    names = m.option_names
    kw = dict(base)
    # (lookahead declares its bases' options: each only where its base takes it, as Option.when requires)
    if "beta" in names and takes("beta", [m.name], base.get("base")):
        kw.setdefault("beta", beta_for(m.name, beta, base.get("base")))  # (None: the method's own, momentum's -0.5)
    if "n_g" in names and takes("n_g", [m.name], base.get("base")):
        kw.setdefault("n_g", n_g)
        kw.setdefault("n_d", n_d)
    return kw


def rate_options(method: str) -> tuple:
    """The options ``method`` takes in rates (its declared ``rate_options``; an alias's are its method's)."""
    m, _ = _resolve(method)
    return tuple(m.extra.get("rate_options", ()))


def refuse_base(base, what: str = "base") -> None:
    """Refuse a base method of lookahead that rates cannot analyse (``what``: the option as the user named it,
    ``--base`` on the command line): an unknown name, a name lookahead does not take as its base, or a base with no
    iteration matrix (adam, rmsprop), each with its reason.  ``rates --base x`` said "unknown method 'x'" with the
    rate methods as the accepted ones, naming neither the option nor the bases (a new user's trial)."""
    from ..methods.lookahead import BASES
    bases = _rate_bases()
    reasons = {m: f"it has no iteration matrix, since {BASES[m].no_matrix}" for m in BASES if m not in bases}
    reasons.update({m: "lookahead does not take it as its base" for m in [*METHODS, *METHOD_ALIASES]
                    if m not in BASES})
    refuse_methods([base], bases, what=what, reasons=reasons)


def takes(name: str, methods, base=None) -> bool:
    """Whether one of ``methods`` takes the rate option ``name`` (``beta``, ``n_g``, ``n_d``, ...): its own, or
    lookahead's base method's (``base``, default gd; a question, not a check: a base is refused where the options
    are read, :func:`refuse_base`)."""
    methods = split_names(methods)  # ("gd,eg": not letter by letter)
    return any(name in rate_options(m) or (m == "lookahead" and name in _base_options(base or "gd")) for m in methods)


def _base_options(base) -> tuple:
    """The rate options of lookahead's ``base``, none for a name lookahead does not take as its base (refused where
    the options are read)."""
    return rate_options(base) if isinstance(base, str) and base in _rate_bases() else ()


def _rate_bases() -> list:
    """The base methods of lookahead that rates can analyse (those with an iteration matrix)."""
    from ..methods.lookahead import BASES
    return [b for b, m in BASES.items() if m.iteration_matrix is not None]


def _users(name: str) -> str:
    """Which methods take the rate option ``name``, for the refusals of one given where none does."""
    users = [m for m in RATE_METHODS if m != "lookahead" and name in rate_options(m)]
    return f"it is for {', '.join(users)} and lookahead over them"


def _method_rate_options(fld, method: str, given: dict) -> dict:
    """The entries of ``given`` that ``method`` takes (besides beta, n_g, n_d), checked by its declaration."""
    m, fixed = _resolve(method)
    names = [k for k in rate_options(method) if k in given and k not in ("beta", "n_g", "n_d")]
    out = {k: m.options[m.option_names.index(k)].coerce(given[k], m.name) for k in names}
    for k, v in fixed.items():  # an alias's own options (altmomentum: alternating) cannot be changed
        if k in out and out[k] != v:
            raise GandynamicsError(f"{method} is {m.name} with {k}={v}; for {k}={out[k]} use {m.name}")
    if out and m.validate is not None:
        m.validate(fld, m.normalise(fld, out))
    return out


def _check_step(h) -> float:
    try:
        h = float(h)
    except (TypeError, ValueError):
        raise GandynamicsError(f"the step must be a positive number, got {h!r}") from None
    if not math.isfinite(h) or h <= 0:
        raise GandynamicsError(f"the step must be a positive finite number, got {h!r}")
    return h


# --------------------------------------------------------------------------- iteration matrices
def iteration_matrix(method: str, A, h: float, n_theta: int | None = None, beta: float | None = None, n_g: int = 1,
                     n_d: int = 1, **options) -> np.ndarray:
    """The iteration matrix of ``method`` for ``F(z) = A z`` with step ``h`` (declared by the method's
    module in :mod:`gandynamics.methods`; table in the module docstring; docs/mathematics.md §0.4).
    ``n_theta`` (generator coordinates first) is needed by altgd and altmomentum.  For flow the matrix is
    ``expm(-h A)``."""
    m, base = _resolve(method)
    if method == "altmomentum" and (n_g, n_d) != (1, 1):
        raise GandynamicsError("alternating momentum takes one step per player (n_g = n_d = 1)")
    A = np.asarray(A, dtype=float)
    kw = _kw(m, {**base, **options}, beta, n_g, n_d)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            return m.iteration_matrix(A, h, n_theta=n_theta, **kw)
    except np.linalg.LinAlgError:
        raise GandynamicsError(f"{method} is not defined at h = {h:z.6g}: its implicit step solves a singular linear "
                               "system at the equilibrium") from None


def matrix_eigenvalues(M) -> np.ndarray:
    """The eigenvalues of an iteration matrix ``M`` (n, n); all ``inf`` where ``M`` has an entry that is not finite:
    an iteration matrix overflows at a huge step (altgd's ``h^2 A^2`` at h = 1e300, inf - inf NaN beside it), where
    its spectral radius is beyond the largest double (numpy's eigvals raised LinAlgError, a traceback of ``rates
    --step 1e300``)."""
    M = np.asarray(M, dtype=complex)
    if not np.all(np.isfinite(M)):
        return np.full(M.shape[0], complex(math.inf, 0.0))
    return np.linalg.eigvals(M)


def spectral_radius(M) -> float:
    """``max |lambda(M)|`` (``inf`` for a matrix that overflowed: :func:`matrix_eigenvalues`)."""
    return float(np.max(np.abs(matrix_eigenvalues(M))))


def multipliers(method: str, lam, h: float, beta: float | None = None) -> np.ndarray:
    """The multipliers of the iteration matrix per eigenvalue ``lam`` of A (docs/mathematics.md §0.4 table, §5.4):
    gd ``1 - h lam``; eg ``1 - h lam + h^2 lam^2``; eftp/ogda the roots of ``m^2 - (1 - 2 h lam) m - h lam``;
    momentum the roots of ``m^2 - (1 + beta - h lam) m + beta``.  Exact for every A: the blocks of these
    iteration matrices are polynomials in A, so their spectrum is the union of these roots."""
    lam = np.asarray(lam, dtype=complex).reshape(-1)
    m = METHODS.get(method) if method not in RATE_ALIASES else None
    out = None
    if m is not None and m.multipliers is not None:
        out = m.multipliers(lam, h, **_kw(m, {}, beta, 1, 1))
    if out is None:
        raise GandynamicsError(f"{method} has no per-eigenvalue multipliers")
    return out


def local_rate(method: str, A, h: float, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1,
               **options) -> float:
    """The exact local rate: ``rho`` of the iteration matrix (flow: ``exp(h max Re lambda(-A))``).

    For gd, eg, eftp, ogda and momentum it is computed from the eigenvalues of A through
    :func:`multipliers` (accurate at defective optima such as EFTP's on the bilinear game, where the
    eigenvalues of the companion matrix are ill-conditioned); the iteration matrix gives the same numbers
    (tested).  ``options``: the method's other rate options (its ``rate_options``, e.g. lookahead's ``base``,
    ``la_k``, ``la_alpha``)."""
    return rate_function(method, A, n_theta, beta, n_g, n_d, **options)(h)


def rate_function(method: str, A, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1, **options):
    """``h -> local_rate(method, A, h, ...)`` with the eigenvalues of ``A`` computed once (``O(n^3)``), so that a
    step search costs ``O(n)`` per step tried where the method has per-eigenvalue multipliers (the searches of
    :func:`optimal_step` and :func:`largest_stable_step` try about a thousand steps, each an eigen-decomposition of
    ``A`` before: 3,800 per ``classify`` of the 100-parameter mlp; one takes 17.8 s at ``n = 1,000`` on 2 busy
    vCPUs); methods without them form and decompose the iteration matrix per step."""
    if method == "flow":
        _kw(_resolve(method)[0], options, beta, n_g, n_d)  # (flow takes none of them)
        alpha = float(np.max(np.real(-_eigenvalues(A))))
        return lambda h: math.exp(h * alpha)
    m, base = _resolve(method)
    if m.multipliers is not None and not base:
        lam = _eigenvalues(A).astype(complex)
        kw = _kw(m, options, beta, n_g, n_d)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            probe = m.multipliers(lam, 1.0, **kw)
        if probe is not None:
            def closed(h):
                # (1 / (1 + h lam) = inf where the step is undefined)
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    return float(np.max(np.abs(m.multipliers(lam, h, **kw))))
            return closed

    def matrix(h):
        rho = spectral_radius(iteration_matrix(method, A, h, n_theta, beta, n_g, n_d, **options))
        if "period" in m.extra:  # a matrix per cycle of several steps (lookahead): the rate per step
            rho = rho ** (1.0 / m.extra["period"](_kw(m, {**base, **options}, beta, n_g, n_d)))
        return rho
    return matrix


#: angles at which each eigenvalue's disc of rounding is sampled by :func:`rate_upper` (its boundary: the
#: multipliers are analytic in lambda, so their modulus is largest there)
_DISC = np.exp(2j * np.pi * np.arange(32) / 32)


def upper_rate_function(method: str, A, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1, **options):
    """``h -> rate_upper(method, A, h, ...)`` with the eigenvalues of ``A`` and their radii computed once."""
    from ..eigbounds import eigen_radii, rho_upper
    m, base = _resolve(method) if method != "flow" else (None, {})
    if method == "flow":
        w, r = eigen_radii(-np.asarray(A, dtype=float))
        top = float(np.max(w.real + r)) if w.size else -math.inf
        return lambda h: math.exp(h * top)
    if m.multipliers is not None and not base:
        w, r = eigen_radii(np.asarray(A, dtype=float))
        pts = np.concatenate([w, (w[:, None] + r[:, None] * _DISC[None, :]).ravel()])
        kw = _kw(m, options, beta, n_g, n_d)

        def closed(h):
            with np.errstate(divide="ignore", invalid="ignore"):
                mult = m.multipliers(pts, h, **kw)
            if mult is None:
                return matrix(h)
            return float(np.max(np.abs(mult)))
    else:
        closed = None

    def matrix(h):
        M = iteration_matrix(method, A, h, n_theta, beta, n_g, n_d, **options)
        rho = rho_upper(M) if np.all(np.isfinite(M)) else math.inf
        if "period" in m.extra:  # a matrix per cycle of several steps (lookahead): the rate per step
            rho = rho ** (1.0 / m.extra["period"](_kw(m, {**base, **options}, beta, n_g, n_d)))
        return rho
    return closed or matrix


def rate_upper(method: str, A, h: float, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1,
               **options) -> float:
    """An upper estimate of :func:`local_rate` that rounding cannot undercut: the largest ``|multiplier|`` over each
    eigenvalue of ``A``'s disc of rounding (:func:`gandynamics.eigbounds.eigen_radii`, sampled on its
    boundary), or ``max |mu| + r`` over the iteration matrix's own eigenvalues and radii (methods without closed-form
    multipliers), ``exp(h max (Re lambda + r))`` for the flow.  A step is *stable* only where this is below
    ``1 - STABLE_TOL``: for a nilpotent A (eigenvalues exactly 0, computed -3e-17) gd's ``I - h A`` has rho = 1 exactly
    (a Jordan block: the distance grows linearly), which the plain rate read as ``1 - 3e-18 h`` and the step scans
    as stable for every h up to 1e15."""
    return upper_rate_function(method, A, n_theta, beta, n_g, n_d, **options)(h)


def _eigenvalues(A) -> np.ndarray:
    """The eigenvalues of ``A`` (n, n) (LAPACK, remembered by contents: :func:`gandynamics.eigbounds.memo`;
    the step searches ask for them at every step tried)."""
    from ..eigbounds import memo, peek
    A = np.asarray(A, dtype=float)
    if A.ndim == 2 and A.shape[0] >= SHARED_EIGEN_MIN:
        known = peek("eigen_radii", A)
        if known is not None:
            return known[0]
    return memo("eigvals", A, np.linalg.eigvals)


#: from this size on, the eigenvalues the step searches read are those of
#: :func:`~gandynamics.eigbounds.eigen_radii` when it has decomposed ``A`` (or ``-A``: ``classify`` reads the
#: flow first), not a second LAPACK call (``eigvals``: 40 % of the first's time, 17.8 s at n = 1,000 measured on 2
#: vCPUs at load 6).
#: Both are backward stable; they differ by rounding, ~sqrt(eps) at a defective eigenvalue, which is why small games
#: keep ``eigvals`` (the R1 Dirac-GAN's momentum limit h = 2, a double eigenvalue, read 1.99999998 otherwise)
SHARED_EIGEN_MIN = 65


def _scale(A) -> float:
    """The spectrum's scale for the step grids: ``max |lambda(A)|``, or ``||A||_2`` when that is zero to rounding (a
    nilpotent A: its eigenvalues compute as 1e-17, which put the grid's steps at 1e18)."""
    from ..eigbounds import REAL_TOL, norm2
    s = float(np.max(np.abs(_eigenvalues(A))))
    norm = norm2(A)
    if s <= REAL_TOL * norm:
        s = norm
    return s


def optimal_step(method: str, A, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1, **options):
    """``(h*, rho(h*))`` minimising the local rate over ``h > 0`` (grid + bounded Brent, see the module
    docstring).  ``(None, None)`` for the flow or a zero operator.  When ``rho`` still decreases at the top
    of the grid and on to ``1e12 / max|lambda|`` (e.g. the proximal point method on a monotone game, whose
    rate ``max 1/|1 + h lambda|`` falls to 0 as ``h -> inf``) no step is optimal: ``(inf, rho_inf)``, the rate
    approached as ``h`` grows: 0 when it still falls like ``1/h`` or faster at ``1e12 / s``, else its value there."""
    if method == "flow":
        return None, None
    s = _scale(A)
    if s == 0.0:
        return None, None
    grid = np.logspace(-4, math.log10(30.0), 400) / s
    f = rate_function(method, A, n_theta, beta, n_g, n_d, **options)
    vals = np.array([f(h) for h in grid])
    k = int(np.argmin(vals))
    if k == len(grid) - 1 and vals[-1] < 1 - STABLE_TOL:
        tail = np.logspace(math.log10(30.0), 12, 24)[1:] / s
        tvals = np.array([f(h) for h in tail])
        if np.all(np.diff(np.concatenate(([vals[-1]], tvals))) <= 0):
            # the infimum, approached as h grows: 0 when the rate still falls like 1/h (or faster) between the last two
            # probes (the proximal point method on a monotone game, max 1/|1 + h lambda|: its 1e-12 at h = 1e12 / s
            # was shown as an optimal rate), else the last probe's value, the limit to about its own change
            falling = tvals[-1] <= 1.1 * tvals[-2] * tail[-2] / tail[-1]  # (like h^-p, p >= 0.9: probes 2.9x apart)
            return math.inf, 0.0 if falling else float(tvals[-1])
        grid, vals = np.concatenate((grid, tail)), np.concatenate((vals, tvals))  # an optimum beyond 30 / s
        k = int(np.argmin(vals))
    a = grid[max(k - 1, 0)]
    b = grid[min(k + 1, len(grid) - 1)]
    best_h, best = float(grid[k]), float(vals[k])
    res = optimize.minimize_scalar(f, bounds=(a, b), method="bounded",
                                   options={"xatol": 1e-13 * float(grid[k]), "maxiter": 500})
    if res.success and res.fun <= best:
        best_h, best = float(res.x), float(res.fun)
    # golden-section refinement: Brent's bounded search stops at ~sqrt(eps) relative, too coarse at a cusp
    # (e.g. EFTP's defective optimum on the bilinear game, where rho - rho* ~ sqrt(h - h*))
    lo_, hi_ = max(a, best_h * (1 - 1e-6)), min(b, best_h * (1 + 1e-6))
    g = (math.sqrt(5) - 1) / 2
    x1, x2 = hi_ - g * (hi_ - lo_), lo_ + g * (hi_ - lo_)
    f1, f2 = f(x1), f(x2)
    # (to 1e-15 relative, or to a few spacings of doubles where those are coarser: a game with |lambda| ~ 1e308 has
    # its steps ~1e-312, subnormal, spaced 5e-12 relative, and the loop never ended: rates hung)
    while hi_ - lo_ > max(1e-15 * best_h, 4.0 * math.ulp(best_h)):
        if f1 <= f2:
            hi_, x2, f2 = x2, x1, f1
            x1 = hi_ - g * (hi_ - lo_)
            f1 = f(x1)
        else:
            lo_, x1, f1 = x1, x2, f2
            x2 = lo_ + g * (hi_ - lo_)
            f2 = f(x2)
    for x, v in ((x1, f1), (x2, f2)):
        if v < best:
            best_h, best = float(x), float(v)
    if not upper_rate_function(method, A, n_theta, beta, n_g, n_d, **options)(best_h) < 1 - STABLE_TOL:
        # no step contracts (e.g. GD or alternating GD on the bilinear game; gd on a nilpotent A, whose rate is 1
        # exactly while it computes as 1 - 3e-18 h): not with the multipliers' radii of rounding (rate_upper).  The
        # least rate at the grid's smallest step is the infimum approached as h -> 0: its limit there (1 for every
        # method whose map is the identity at h = 0), not the 1.00001 of the smallest step tried (an unstable game
        # showed rho_opt 1.00007)
        # (the grid's least rate at its smallest step: Brent's bounded search never evaluates its bound, and stopped
        # a little above it, 1 + 7.41e-10 for momentum on the bilinear game, a reviewer)
        if k == 0 or best_h <= grid[0] * (1 + 1e-9):
            return None, float(f(0.0))  # (the map at h = 0, its rate exactly)
        if abs(best - 1.0) <= STABLE_TOL:  # (1 to rounding: alternating GD's multipliers on the unit circle computed
            return None, 1.0               # as 1 - 9.99e-16 read as a barely contracting optimum, a reviewer)
        return None, best
    return best_h, best


def largest_stable_step(method: str, A, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1,
                        h_opt: float | None = None, rtol: float = 1e-12, **options):
    """The largest ``h`` with ``rho(h) < 1`` above the optimal step (bisection, see the module docstring);
    for the flow (exact for every h) the stability limit of its RK4 integrator (``Tableau.stability_limit``),
    None when no step is stable."""
    f = rate_function(method, A, n_theta, beta, n_g, n_d, **options)
    if method == "flow":  # the exact flow is stable for every h; the RK4 integrator only up to its limit
        from ..methods.tableaux import RK4
        from ..eigbounds import eigen_radii
        w, r = eigen_radii(-np.asarray(A, dtype=float))
        # eigenvalues zero to rounding (a nilpotent J's -3e-17) bound no step: RK4 follows the flow's own growth there
        return RK4.stability_limit(np.where(np.abs(w) <= r, 0.0, w))
    if h_opt is None:
        h_opt, r = optimal_step(method, A, n_theta, beta, n_g, n_d, **options)
    elif math.isinf(h_opt):
        r = 0.0  # given as "no optimal step: rho decreases for every h" (optimal_step's inf)
    else:
        r = f(h_opt)
    if h_opt is None or r is None or not r < 1 - STABLE_TOL:
        return None
    if math.isinf(h_opt):  # rho decreases for every step: every step is stable
        return math.inf
    if not upper_rate_function(method, A, n_theta, beta, n_g, n_d, **options)(h_opt) < 1 - STABLE_TOL:
        return None
    from .._bisect import last_holding
    grid = np.logspace(math.log10(h_opt), math.log10(1e6 / _scale(A)), 600)[1:]
    # the boundary where the rate itself reaches 1 (the estimate of the exact matrix's, to rtol); that some step is
    # stable at all was decided above with each multiplier's radius of rounding (rate_upper at the optimal step)
    return last_holding(lambda h: f(h) < 1 - STABLE_TOL, h_opt, grid, rtol)


def smallest_stable_step(method: str, A, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1,
                         h_opt: float | None = None, rtol: float = 1e-12, **options) -> float | None:
    """The lower end of the interval of stable steps (``rho(h) < 1``) that holds the optimal step: 0.0 when every
    smaller step is stable too (a stable flow: ``Re lambda(A) > 0`` with each eigenvalue's radius of rounding, or the
    rate within rounding of 1 from below as ``h -> 0``), else the edge, by bisection to ``rtol`` (the smallest step
    known stable); None when no step is stable.  The stable steps of a method at an unstable equilibrium form an
    interval away from 0: extragradient at ``lambda = -0.1 +- i`` (``v`` spiralling out) is stable only for
    ``0.2300 < h < 0.7337``, where "for h < 0.73375" had been said (a new user's finding).  The flow: 0.0 (its
    RK4 integrator's stability region holds a neighbourhood of 0 of every stable spectrum)."""
    if method == "flow":
        return 0.0 if largest_stable_step(method, A, n_theta, beta, n_g, n_d, **options) is not None else None
    f = rate_function(method, A, n_theta, beta, n_g, n_d, **options)
    if h_opt is None:
        h_opt, _ = optimal_step(method, A, n_theta, beta, n_g, n_d, **options)
    if h_opt is None:
        return None
    from ..eigbounds import eigen_radii
    w, r = eigen_radii(np.asarray(A, dtype=float))
    if np.all(w.real - r > 0):  # a stable flow: every consistent method is stable for all small steps
        return 0.0
    if math.isinf(h_opt):  # rho falls as h grows, to 0 or a limit: the scan starts at a large stable step.  "every
        # step is stable" was said of the proximal point method at a z* that v spirals out of (1 / |1 + h lambda|
        # with Re lambda < 0 is above 1 for h < -2 Re lambda / |lambda|^2: a new user's finding)
        big = [float(h) for h in np.logspace(-12.0, 6.0, 721) / _scale(A) if f(h) < 1 - STABLE_TOL]
        if not big:
            return None
        h_opt = big[-1]
    if not f(h_opt) < 1 - STABLE_TOL:
        return None
    ok = h_opt
    for h in h_opt * np.logspace(0.0, -12.0, 481)[1:]:  # down from the optimal step, ~6 % apart
        v = f(h)
        if v < 1 - STABLE_TOL:
            ok = float(h)
            continue
        if v <= 1 + STABLE_TOL:  # the rate reaches 1 only to rounding: the small steps are stable, their rate 1 - O(h^p)
            return 0.0
        bad = float(h)  # (a multiplier clearly outside the circle below here: the edge lies in (bad, ok))
        while ok - bad > rtol * ok:
            mid = 0.5 * (bad + ok)
            if not bad < mid < ok:
                break
            if f(mid) < 1 - STABLE_TOL:
                ok = mid
            else:
                bad = mid
        return ok
    return 0.0


def unstable_at_every_step(method: str, A, n_theta=None, beta: float | None = None, n_g: int = 1, n_d: int = 1,
                           **options) -> bool:
    """Whether the method's linearisation has a multiplier outside the unit circle (``rho(h) > 1`` beyond rounding
    and :data:`STABLE_TOL`) at every step of :func:`optimal_step`'s grid: the equilibrium is then unstable under the
    method at every step (a multiplier outside the circle decides instability of the nonlinear map), its least rate
    1 only in the limit ``h -> 0`` (gd where ``v`` has eigenvalues on the imaginary axis or spirals out: ``rho =
    |1 - h lambda| > 1``).  False where some step's rate is 1 to rounding (a multiplier on the circle: the
    linearisation cannot decide) or below."""
    if method == "flow":
        return False
    s = _scale(A)
    if s == 0.0:
        return False
    up = upper_rate_function(method, A, n_theta, beta, n_g, n_d, **options)
    rate = rate_function(method, A, n_theta, beta, n_g, n_d, **options)
    for h in np.logspace(-4, math.log10(30.0), 120) / s:
        v = rate(float(h))
        if not 2 * v - up(float(h)) > 1 + STABLE_TOL:  # (its lower end, the radius of rounding taken off)
            return False
    return True


# --------------------------------------------------------------------------- theoretical bounds
@dataclass
class Bound:
    """A theoretical per-step rate on the distance (``factor = sqrt(squared)``) or None with a note."""

    method: str
    step: float
    mu: float
    L: float
    factor: float | None
    squared: float | None
    condition: str
    reference: str
    note: str = ""

    def to_dict(self) -> dict:
        """The bound as built-in Python values (:func:`gandynamics.jsonio.plain`; its method and step are the row's)."""
        from ..jsonio import plain
        return plain({"factor": self.factor, "squared": self.squared, "condition": self.condition,
                      "reference": self.reference, "note": self.note, "mu": self.mu, "L": self.L})

    def __repr__(self) -> str:
        from .._display import bound_text
        return bound_text(self)


def theory_step(method: str, mu: float, L: float):
    """The step of each theorem (declared by the method: gd ``mu/L^2``, eg/eftp/ogda ``1/(4L)``, flow
    ``1/L``); None otherwise or when ``mu <= 0`` (no guarantee to aim at)."""
    if not (mu > 0 and L > 0 and math.isfinite(L)):
        return None
    m = METHODS.get(method)
    if m is None or m.theory_step is None:
        return None
    return m.theory_step(mu, L)


def theoretical_bound(method: str, h: float, mu: float, L: float) -> Bound:
    """The global per-step bound of the theorem for ``method`` at step ``h`` (module docstring), or a
    Bound with ``factor=None`` and the reason."""
    _check_method(method)
    m = METHODS.get(method) if method not in RATE_ALIASES else None
    ref = m.bound_reference if m is not None and m.bound is not None else ""
    mk = lambda sq, cond, note="": Bound(method, h, mu, L, None if sq is None else math.sqrt(max(sq, 0.0)), sq,
                                         cond, ref, note)
    if m is None or m.bound is None:
        return mk(None, "", "no theorem in docs/mathematics.md for this method")
    if not math.isfinite(L) or not math.isfinite(mu):
        return mk(None, "", "the constants are not finite on this region")
    if mu <= 0:
        return mk(None, "mu > 0", "no linear-rate guarantee (mu <= 0 on this region)")
    sq, cond, note = m.bound(h, mu, L)
    if sq is None and cond and cond not in note:  # (which condition: "step outside the theorem's condition" named
        # none, a new user; the theorem's step is the one --theory-step runs at)
        note = f"{note} ({cond}, from the certified mu and L; rates --theory-step runs each method at its theorem's step)"
    if method == "flow":
        return Bound(method, h, mu, L, math.exp(-mu * h), sq, cond, ref)
    return mk(sq, cond, note)


# --------------------------------------------------------------------------- measured rate
def start_point(center, radius: float, seed: int = 0) -> np.ndarray:
    """The start of measured trajectories: ``center + radius/2 * u`` with a fixed random unit ``u``."""
    c = np.asarray(center, dtype=float)
    u = np.random.default_rng(seed).standard_normal(c.size)
    u /= np.linalg.norm(u)
    return c + 0.5 * radius * u


def _steps_for(rho: float, decades: float = 10.0) -> int:
    if not (rho > 0 and rho < 1):
        return 2000
    return int(min(200000, max(400, math.ceil(decades * math.log(10) / -math.log(rho)))))


def measured_rate(fld, method: str, h: float, z0, params=None, steps: int | None = None, beta: float | None = None,
                  n_g: int = 1, n_d: int = 1, expected: float | None = None, equilibrium=None, bound: float = 1e6,
                  **options):
    """Simulate ``method`` from ``z0`` with :func:`gandynamics.simulate.simulate` and return its
    Trajectory (``.rate`` the fitted rate, ``.diverged``/``.diverged_at``).  ``steps`` defaults to what
    shrinks the distance by ~10 decades at the ``expected`` rate (400–200000); ``options`` are the method's
    other options (e.g. lookahead's ``base``, ``la_k``, ``la_alpha``); ``bound`` is simulate's."""
    from ..runs.trajectory import simulate  # lazy: it compiles kernels
    m, base = _resolve(method)
    zs = equilibrium if equilibrium is not None else fld.equilibrium
    # the rounding floor is 1e-12 |z*|: about 10 decades are usable around a non-zero z*; around z* = 0 the run
    # can go on to 1e-150, and a longer run shrinks the lower-order terms a fit cannot model (a k rho^k + b rho^k)
    decades = 150.0 if zs is not None and not np.any(np.asarray(zs, dtype=float)) else 10.0
    K = steps if steps is not None else _steps_for(expected if expected is not None else 0.9, decades)
    opts = _kw(m, {**base, **options}, None if beta is None else float(beta), int(n_g), int(n_d))
    if m.name == "flow":  # the flow itself, not an integrator's error: adaptive Dormand-Prince at tight tolerance
        opts = dict(opts, scheme="dopri5", rtol=1e-12, atol=1e-300)
    return simulate(fld, m.name, z0, K, h, params, record_every=1, equilibrium=equilibrium, bound=bound, **opts)


#: a run at an unstable step (local rate >= 1) is measured over its steps up to the first that leaves this many times
#: its start's distance to z* (:func:`linear_window`): beyond, F's higher-order terms rule it, not the iteration
#: matrix (gd at h = 0.9 on the Dirac-GAN: local rate 1.0966, measured 1.00037 over 5,000 steps that reached a
#: distance of 8.3 from 0.05, where the sigmoid saturates)
LINEAR_WINDOW = 10.0
#: ... when at least this many steps come before it (fewer: the whole run's rate is kept)
LINEAR_WINDOW_STEPS = 8


def linear_window(steps, dist) -> tuple[int, float] | None:
    """``(k, rate)``: the rate per step fitted (:func:`gandynamics.runs.ratefit.fit_rate`) over a run's samples up to
    step ``k``, the last before its distance to z* first exceeds :data:`LINEAR_WINDOW` times its start's; None where
    the run never exceeds it, leaves within :data:`LINEAR_WINDOW_STEPS` steps, or no rate is fitted there.

    ``steps``: (R,) the samples' step indices, from 0; ``dist``: (R,) their distances (NaN after a divergence)."""
    from ..runs.ratefit import fit_rate
    steps, dist = np.asarray(steps), np.asarray(dist, dtype=float)
    if dist.size < 2 or not (np.isfinite(dist[0]) and dist[0] > 0):
        return None
    out = np.flatnonzero(~(dist <= LINEAR_WINDOW * dist[0]))  # (NaN: a divergence, outside too)
    if not out.size or out[0] < 1:
        return None
    k = int(steps[out[0] - 1])
    if k < LINEAR_WINDOW_STEPS:
        return None
    rate = float(fit_rate(steps[:out[0]], dist[None, :out[0]], np.array([k]))[0])
    return (k, rate) if np.isfinite(rate) else None


def sublinear_order(fld, trajectory, params=None) -> float:
    """The measured sublinear order of ``|F(z_k)|``: the least-squares slope of ``log |F(z_k)|`` against
    ``log k`` over the recorded states with ``k`` in the second half ``[K/2, K]`` of the run (``k >= 1``,
    ``|F| > 0``); ``-1`` is the ``O(1/k)`` of the EAG theorem (Yoon & Ryu 2021, Theorem 2).  NaN when fewer
    than 3 states qualify."""
    ks = np.asarray(trajectory.times, dtype=float)
    K = float(trajectory.steps)
    p = params if params is not None else trajectory.params
    norms = np.array([np.linalg.norm(fld.eval_F(z, p)) for z in trajectory.states])
    sel = (ks >= max(1.0, K / 2)) & (norms > 0) & np.isfinite(norms)
    if sel.sum() < 3:
        return math.nan
    return float(np.polyfit(np.log(ks[sel]), np.log(norms[sel]), 1)[0])


# --------------------------------------------------------------------------- the table
@dataclass
class RateRow:
    """One method's rates (see :func:`rates`)."""

    method: str
    step: float | None
    local_rate: float | None
    optimal_step: float | None
    optimal_rate: float | None
    largest_stable_step: float | None
    measured_rate: float | None
    start: list | None
    bound: float | None
    bound_info: dict = field(default_factory=dict)
    bound_holds: bool | None = None
    diverged_at: int | None = None
    options: dict = field(default_factory=dict)
    #: how ``step`` was chosen: "given", "optimal", "theorem", "1/L" (the flow); "<rule>, as <why>" where a
    #: theorem's step was asked for and none applies (the method has no theorem step, mu <= 0, or L infinite);
    #: "none optimal: ..." where rho decreases for every step (then measured at ``30 / max|lambda|``)
    step_rule: str = "optimal"
    #: why a measured rate exceeds the local one, when it does (a non-normal iteration matrix amplifying the
    #: start beyond the linear regime); empty otherwise
    note: str = ""
    #: how the measured trajectory ended before its last step (:meth:`Trajectory.describe`: "diverged at step k
    #: (reason)" or "stopped at step k: why"); empty when it ran to the end or nothing was measured
    ended: str = ""
    #: the lower end of the interval of stable steps that holds the optimal one (:func:`smallest_stable_step`: 0.0
    #: where every smaller step is stable too; None where no step is)
    smallest_stable_step: float | None = None
    #: no stable step, and a multiplier outside the unit circle at every step (:func:`unstable_at_every_step`)
    unstable_at_every_step: bool = False
    #: the last step the measured rate was fitted over, where it is not the whole run's (an unstable step's run, over
    #: its steps within :data:`LINEAR_WINDOW` times its start's distance: :func:`linear_window`); else None
    measured_until: int | None = None
    #: the measured run (a :class:`gandynamics.runs.trajectory.Trajectory`: its distances for a convergence figure,
    #: ``rates --plot``), None where nothing was measured; not in :meth:`to_dict` nor compared
    trajectory: object = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {"method": self.method, "step": self.step, "step_rule": self.step_rule, "local_rate": self.local_rate,
                "optimal_step": self.optimal_step, "optimal_rate": self.optimal_rate,
                "largest_stable_step": self.largest_stable_step, "smallest_stable_step": self.smallest_stable_step,
                "unstable_at_every_step": self.unstable_at_every_step, "measured_rate": self.measured_rate,
                "start": self.start, "bound": self.bound, "bound_holds": self.bound_holds,
                "bound_info": self.bound_info, "diverged_at": self.diverged_at, "ended": self.ended,
                "options": self.options, "measured_until": self.measured_until,
                "note": self.note}


    def __repr__(self) -> str:
        from .._display import rate_row_text
        return rate_row_text(self)

    def _repr_html_(self) -> str:
        from .._display import rates_html
        return rates_html([self])

def rates(fld, methods=("gd", "eg", "eftp"), step="optimal", params=None, region="ball:0.1", beta: float | None = None,
          n_g: int | None = None, n_d: int | None = None, measure: bool = True, constants=None, steps: int | None = None,
          tol: float = 1e-3, max_seconds: float = 10.0, options: dict | None = None) -> tuple[list, dict]:
    """Rates of each method at the equilibrium, side by side.

    Parameters
    ----------
    fld : VectorField
    methods : sequence of str          names from :data:`RATE_METHODS`
    step : float, "optimal" or "theory"
        One step for every method, each method's locally optimal step, or each theorem's step
        (:func:`theory_step`; the optimal step where no theorem applies).
    region : Region or str             the region of the constants (mu, L) and of the start point
    constants : ConstantsReport, optional   precomputed constants for the region
    beta, n_g, n_d, options : the methods' rate options (:func:`rate_options`): ``beta`` for momentum and
        altmomentum (default None: their declared -0.5, :func:`gandynamics.methods.beta_for`, as on the command line;
        the row's ``options`` records the value run), ``n_g``/``n_d`` for altgd (default 1), each also for lookahead over such a base;
        ``options`` any other (e.g. ``{"base": "eg", "la_k": 10}`` for lookahead); each method takes the ones it
        declares.  ``beta``, ``n_g`` or ``n_d`` given when none of ``methods`` takes it is refused (it would be
        ignored).

    Returns
    -------
    (rows, info)
        ``rows`` a list of :class:`RateRow`; ``info`` the equilibrium, ``A = DF(z*)``, the constants.
    """
    from ..validate import field
    from .constants import _as_region, _pdict, certify_constants
    from .spectrum import find_equilibrium
    from ..validate import finite, name_list, whole
    fld = field(fld, "rates")
    # checked here, not per method: an error inside the loop becomes that method's row ("undefined")
    steps = None if steps is None else whole(steps, "steps")
    methods = name_list(methods, "methods")  # "gd,eg" as on the command line, or a list
    for m in methods:
        _check_method(m)
    from collections.abc import Mapping
    if options is not None and not isinstance(options, Mapping):
        raise GandynamicsError(f"options must be a mapping option -> value, e.g. {{'base': 'eg', 'la_k': 10}}; got "
                               f"{type(options).__name__}")
    if constants is not None and not all(hasattr(constants, a) for a in ("mu", "lipschitz")):
        raise GandynamicsError(f"constants must be a ConstantsReport (from certify_constants on the same region) or "
                               f"None; got {type(constants).__name__}")
    given = dict(options or {})
    if "lookahead" in methods and given.get("base") is not None:  # (once, where the options are read)
        refuse_base(given["base"])
    for name, value in (("beta", beta), ("n_g", n_g), ("n_d", n_d)):
        if value is not None and not takes(name, methods, given.get("base")):
            raise GandynamicsError(f"{name} applies to none of {', '.join(methods)} ({_users(name)})")
    beta = None if beta is None else finite(beta, "beta")  # (None: each method's own default, momentum's -0.5)
    n_g, n_d = (1 if n_g is None else whole(n_g, "n_g")), (1 if n_d is None else whole(n_d, "n_d"))
    allowed = set().union(*[rate_options(m) for m in methods]) - {"beta", "n_g", "n_d"}
    stray = sorted(set(given) - allowed)
    if stray:
        own = [k for k in stray if k in ("beta", "n_g", "n_d")]
        if own:
            raise GandynamicsError(f"{', '.join(own)}: give {' and '.join(own)} as rates({', '.join(k + '=...' for k in own)}),"
                                   f" not in options; options accepted for {', '.join(methods)}: "
                                   f"{', '.join(sorted(allowed)) or 'none'}")
        raise GandynamicsError(applies_to_none(stray, "option", methods) + "; accepted: "
                               f"{', '.join(sorted(allowed)) or 'none'} (beta, n_g and n_d are rates' own arguments)")
    p = fld.param_vector(params)
    pd = _pdict(fld, p)
    zstar, _ = find_equilibrium(fld, pd)
    reg = _as_region(region, fld, pd)
    if not reg.contains(zstar, slack=0.0):
        raise GandynamicsError(f"the region does not contain the equilibrium {np.round(zstar, 6).tolist()}")
    A = fld.eval_DF(zstar, p)
    if not np.all(np.isfinite(A)):
        raise GandynamicsError(f"the Jacobian is not finite at the equilibrium: "
                               f"{fld.why_not_finite(zstar, p, jacobian=True)}")
    bad = fld.nonsmooth_at(zstar, pd)
    if bad:
        from .nonsmooth import NotDifferentiable, not_differentiable
        raise NotDifferentiable(f"{not_differentiable(bad, 'at the equilibrium')}: no linearisation, no local rate", bad)
    if constants is None:
        constants = certify_constants(fld, reg, p, tol=tol, max_seconds=max_seconds, asymmetric=False)
    mu, L = constants.mu.lo, constants.lipschitz.hi
    if isinstance(step, str) and step not in ("optimal", "theory"):
        raise GandynamicsError(f"step must be a number, 'optimal' or 'theory', got {step!r}")
    from ..validate import boolean, positive
    if not isinstance(step, str):
        step = positive(step, "step")  # (True is not 1)
    measure = boolean(measure, "measure")
    tol, max_seconds = positive(tol, "tol"), positive(max_seconds, "max_seconds")
    fixed = None if isinstance(step, str) else _check_step(step)
    radius = reg.radius if reg.kind == "ball" else 0.5 * float(np.min(reg.hi - reg.lo))
    center = reg.center if reg.kind == "ball" else zstar
    z0 = start_point(center, radius)
    if not reg.contains(z0):
        z0 = reg.project(z0)
    # the measured runs' bound (simulate's divergence test): its default, or 1000 times the region's extent where that
    # is larger (a start in a ball of radius 1e9 lay beyond the default 1e6: every column of every row was blank)
    run_bound = max(1e6, 1e3 * float(np.max(np.abs(np.concatenate([reg.lo, reg.hi])))))
    rows = []
    nt = fld.n_theta
    for m in methods:
        mo = _method_rate_options(fld, m, given)
        # beta, n_g and n_d where the method (or lookahead's base) takes them (takes), their defaults elsewhere
        tb, tg = takes("beta", [m], mo.get("base")), takes("n_g", [m], mo.get("base"))
        mb = beta_for(m, beta, mo.get("base")) if tb else 0.0  # (the beta it runs at, recorded in its row)
        kw = dict(n_theta=nt, beta=mb, n_g=n_g if tg else 1, n_d=n_d if tg else 1)
        kw.update(mo)
        opts = {k: v for k, v in (("beta", mb), ("n_g", n_g), ("n_d", n_d)) if (tb if k == "beta" else tg)}
        opts.update(mo)
        try:  # a method undefined at this equilibrium or step (a singular implicit system) gets a row saying so
            h_opt, r_opt = optimal_step(m, A, **kw)
            h_max = largest_stable_step(m, A, h_opt=h_opt, **kw)
            if fixed is not None:
                h, rule = fixed, "given"
            elif step == "theory" and theory_step(m, mu, L) is not None:
                h, rule = theory_step(m, mu, L), "theorem"
            else:
                h = h_opt if h_opt is not None else (1.0 / max(L, 1e-12) if m == "flow" else None)
                rule = "1/L" if m == "flow" and h_opt is None else "optimal"
                if h is not None and math.isinf(h):  # no optimal step: measure at a large finite one
                    h = 30.0 / _scale(A)
                    rule = ("none optimal: rho decreases with h " + ("toward 0 as h -> inf" if r_opt == 0 else
                                                                       f"toward {r_opt:z.3g}")
                            + f"; measured at h = {h:z.3g}")
                if step == "theory":
                    why = (f"{m} has no theorem step" if _resolve(m)[0].theory_step is None else
                           f"the theorem's step needs mu > 0 (certified mu_lo = {mu:z.3g})" if not mu > 0 else
                           f"the theorem's step needs a finite L > 0 (certified L_hi = {L:z.3g})")
                    rule = f"{rule}, as {why}"
            if h is None:
                rows.append(RateRow(m, None, None, h_opt, r_opt, h_max, None, None, None,
                                    {"note": NO_STABLE_STEP}, None, None, opts, rule,
                                    unstable_at_every_step=h_max is None and unstable_at_every_step(m, A, **kw)))
                continue
            loc = local_rate(m, A, h, **kw)
            if m == "flow":
                from ..eigbounds import flow_reading
                reading, w_, _ = flow_reading(-A)  # of J = -A; rate exp(h alpha)
                opts["spectral_abscissa"] = float(np.max(np.real(w_)))
                opts["flow_reading"] = reading  # marginal: on the imaginary axis to rounding (a nilpotent J)
            b = theoretical_bound(m, h, mu, L)
            meas = start = div = tr = None
            ended = ""
            far = None  # the measured run's last distance to z*, against its first (it left the linear regime)
            unmeasured = ""
            if measure:
                try:  # (a run that cannot be made leaves the row's other columns: they do not depend on it)
                    tr = measured_rate(fld, m, h, z0, pd, steps=steps, beta=kw["beta"], n_g=kw["n_g"], n_d=kw["n_d"],
                                       expected=loc, equilibrium=zstar, bound=run_bound, **mo)
                except GandynamicsError as exc:
                    tr, unmeasured = None, f"not measured: {exc}"
            window = None
            if tr is not None:
                meas = float(tr.rate) if np.isfinite(tr.rate) else None
                start = z0.tolist()
                div = tr.diverged_at
                ended = tr.describe() if tr.diverged else ""
                dist = np.asarray(tr.distance, dtype=float)
                if dist.size and np.isfinite(dist[-1]):
                    far = (float(dist[0]), float(dist[-1]))
                if loc is not None and loc >= 1 and m != "flow":
                    window = linear_window(np.asarray(tr.times), dist)
                    if window is not None:
                        meas, whole = window[1], meas
                        window = (window[0], whole)
            holds = None
            if b.factor is not None and meas is not None:
                holds = bool(meas <= b.factor * (1 + 1e-9))
            note = unmeasured
            if window is not None:  # (an unstable step's run, measured while it stayed near its start)
                big = float(np.nanmax(dist))
                note = (f"measured over the first {window[0]} steps, while |z - z*| stayed within {LINEAR_WINDOW:zg} "
                        f"times its start ({dist[0]:z.3g}): the linear regime, where rho rules; the run went on to "
                        f"{big:z.3g}" + (f", and its rate over all its steps was {window[1]:z.6g}"
                                         if window[1] is not None else ""))
            elif tr is not None and loc is not None and m != "flow" and (meas is None or meas > loc + 1e-2 or div is not None):
                T = iteration_matrix(m, A, h, **kw)
                # (an iteration matrix that overflowed at a huge step has no SVD: its norm is beyond the doubles)
                norm = float(np.linalg.norm(T, 2)) if np.all(np.isfinite(T)) else math.inf
                # (the non-normal explanation is for rho < 1; at rho >= 1 the step is unstable, which the row's own
                # note 'local rate ... >= 1: no convergence there' says: a reviewer read "non-normal" at rho = 49.7)
                if norm > 1 and loc < 1:
                    note = (f"the measured rate is not the local one: the iteration matrix is non-normal, |T|_2 = "
                            f"{norm:z.3g} > 1 although rho = {loc:z.3g}, so the first steps grow and carry the start "
                            f"(|z0 - z*| = {float(np.linalg.norm(z0 - zstar)):z.3g}) beyond the linear regime; a "
                            "smaller --region gives a start where rho rules")
            elif (tr is not None and loc is not None and loc >= 1 and meas is not None and far is not None
                    and abs(meas - loc) > 1e-3 * loc and far[1] > 2 * far[0]):
                # an unstable step's run moves away from z* and out of the linear regime, where rho no longer rules
                # (gd at h = 0.2 on the Dirac-GAN: local 1.00499, measured 1.00026 over a run that reached 3.7)
                note = (f"the measured rate is not the local one: the run moved away from z* (|z - z*| from "
                        f"{far[0]:z.3g} to {far[1]:z.3g}) and out of the linear regime, where rho no longer rules; "
                        "fewer --steps or a smaller --region measure the local rate")
            if tr is not None and not tr.diverged and meas is not None and getattr(tr, "verdict", "") != "converging":
                # a run that did not converge reads a rate near 1 (eftp at 0.999996 from a start that went to another
                # attractor, without a word: a new user's finding)
                note = ((note + "; ") if note else "") + (f"the measured run did not converge to z*, so its fitted rate is "
                                                          f"no rate of convergence: {tr.describe()}")
            if m == "flow":  # the row is the exact flow; what simulate's default integrator does at this step
                from ..methods.tableaux import RK4  # (w_: the eigenvalues of J = -A, flow_reading's above)
                rk4 = float(np.max(np.abs(RK4.stability_function(h * np.asarray(w_))))) if np.size(w_) else math.nan
                note = ((note + "; ") if note else "") + (
                    f"the exact flow over a time h (measured with adaptive Dormand-Prince); `simulate --method flow` "
                    f"integrates it with RK4 by default, stable for h < {h_max:z.6g}, whose rate at this step is "
                    f"{rk4:z.6g}" if h_max is not None else "the exact flow over a time h (measured with adaptive "
                    "Dormand-Prince)")
            rows.append(RateRow(m, h, loc, h_opt, r_opt, h_max, meas, start, b.factor, b.to_dict(), holds, div, opts,
                                rule, note, ended,
                                smallest_stable_step=smallest_stable_step(m, A, h_opt=h_opt, **kw)
                                if h_max is not None else None,
                                unstable_at_every_step=h_max is None and unstable_at_every_step(m, A, **kw),
                                measured_until=None if window is None else window[0], trajectory=tr))
        except GandynamicsError as exc:
            rows.append(RateRow(m, None, None, None, None, None, None, None, None, {"note": str(exc)}, None, None,
                                opts, "undefined", str(exc)))
    info = {"equilibrium": zstar.tolist(), "A": A.tolist(), "region": reg.to_dict(),
            "mu": constants.mu.to_dict(), "lipschitz": constants.lipschitz.to_dict()}
    return rows, info
