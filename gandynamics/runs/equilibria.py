"""The equilibrium ``z*`` of each row of a run (for distances and rates)."""

from __future__ import annotations

import math

import numpy as np

from ..equilibrium import find_equilibrium, norm, zero_test
from ..errors import GandynamicsError
from ..log import logger
from .module import kernel_module

__all__ = ["damped_by_integrator", "equilibria", "equilibria_shared", "integrator_damping", "reference_points", "residual_squares", "row_norms", "row_distances",
           "row_distances_recorded",
           "settled_at_zero", "stuck_reason", "zeros_from_final_states", "zstar_norms"]

#: up to this many rows are checked by the point evaluator (about 50 us a row), more by the compiled residual_rows
INTERPRET_MAX_ROWS = 256


def equilibria(fld, P: np.ndarray, equilibrium=None) -> np.ndarray:
    """The equilibrium ``z*`` for each row's hyperparameters (NaN where none could be found)."""
    return equilibria_shared(fld, P, equilibrium)[0]


def equilibria_shared(fld, P: np.ndarray, equilibrium=None, split=None) -> tuple[np.ndarray, bool]:
    """:func:`equilibria`, and whether every row holds the same point (the one given, or the declared equilibrium
    verified at every row's hyperparameters): then ``|z*|`` is one number (:func:`zstar_norms`).  ``split``: a
    function that runs ``fn(lo, hi)`` over ranges of the rows, called once, before ``P`` is read (a sweep's: its
    rows' arrays, ``P`` among them, filled range by range on its threads, each range's declared z* written and
    checked by the same thread right after it, ``sweep._prepare``): the same numbers as one pass."""
    B = P.shape[0]
    declared = equilibrium is None and fld.equilibrium is not None and B > 0
    if split is not None and not declared:  # (nothing of the rows' own to do: P filled)
        split(lambda lo, hi: None)
    if equilibrium is not None:
        zs = fld.point(equilibrium)
        return np.ascontiguousarray(np.broadcast_to(zs, (B, fld.n))), True
    if declared:
        Z = np.empty((B, fld.n))
        # |F| < 1e-10 as |F|^2 < 1e-20: no sqrt, no scaling (an overflowing square is inf, not below; an
        # underflowing one is).  Where F is merely flat at the declared point (a point of the Dirac-GAN's saturated
        # region declared its equilibrium: |F| < 1e-10, no zero there) the whole declaration is refused, by the zero
        # test of gandynamics.equilibrium at the game's own hyperparameters (once: the test costs a Jacobian, the
        # rows' residuals a field evaluation each); its rows' z* are then searched as for any other row.  A point
        # flat at some rows' hyperparameters and not at the game's own is not caught (docs/mathematics.md §0.1)
        holds = _declared_holds(fld)
        bad = np.ones(B, dtype=bool)
        rows = None if B <= INTERPRET_MAX_ROWS else kernel_module(fld).residual_rows  # (the whole sweep's choice)

        def check(lo, hi):
            for j, v in enumerate(fld.equilibrium):  # (column by column: Z[:] = point runs numpy's inner loop over
                Z[lo:hi, j] = v if holds else np.nan  # the n entries of each row, 0.75 vs 0.1 ms for 100,000 rows)
            if holds:
                res = (residual_squares(fld, Z[lo:hi], P[lo:hi]) if rows is None else
                       rows(Z[lo:hi], np.ascontiguousarray(P[lo:hi]), np.empty(hi - lo)))
                np.less(res, 1e-20, out=bad[lo:hi])
                np.logical_not(bad[lo:hi], out=bad[lo:hi])

        (split or (lambda fn: fn(0, B)))(check)
    else:
        Z = np.full((B, fld.n), np.nan)
        bad = np.ones(B, dtype=bool)
    if not bad.any():
        return Z, fld.equilibrium is not None
    uniq, inv = np.unique(P[bad], axis=0, return_inverse=True)
    Zu = np.full((uniq.shape[0], fld.n), np.nan)
    for j in range(min(len(uniq), 1000)):  # searches are cheap but not free; beyond 1000: NaN
        try:
            Zu[j] = find_equilibrium(fld, uniq[j])[0]
        except GandynamicsError:
            pass
    Z[bad] = Zu[np.asarray(inv).reshape(-1)]
    if declared:  # the declared point is the game's claim: say where it does not hold and what replaced it
        nb, lost = int(np.count_nonzero(bad)), int(np.count_nonzero(_rows_with_nan(Z[bad])))
        where = "at these hyperparameters" if B == 1 else f"at the hyperparameters of {nb:,} of {B:,} rows"
        eq = ", ".join(f"{v:zg}" for v in fld.equilibrium)
        # (find_equilibrium warned of a wrong declaration of the game itself, once per field: not said again here)
        wrong = not fld.regularizers and _at_defaults(fld, P[bad])
        what = (f"the point {fld.equilibrium_given} ({eq})" if fld.equilibrium_given else
                f"the declared equilibrium ({eq}) of {fld.name}")
        (logger.debug if wrong else logger.info)(f"{what} is not "
                    f"a zero of F {where}: z* found by Newton's method there"
                    # (then a zero is searched for from where each such run ends: the run's own z*, or NaN)
                    + ((" (none found there: one is searched for from where the run ends)" if B == 1 else
                        f" (none found for {lost:,}: one is searched for from where each of their runs ends)")
                       if lost else "")
                    + ("" if B == 1 else "; each row's z* is in the table's zstar_ columns"))
    return Z, False


def residual_squares(fld, Z: np.ndarray, P: np.ndarray, interpreted: bool = False) -> np.ndarray:
    """``|F(Z[r]; P[r])|^2`` of each row (B,), added left to right (overflow, underflow and NaN quiet): by the point
    evaluator for a few rows or when ``interpreted`` (interpreted until compiled: no compile), else by the compiled
    ``residual_rows`` of the field's kernel module (F of each block of rows squared and added there, never stored)."""
    B = Z.shape[0]
    if B <= INTERPRET_MAX_ROWS or interpreted:
        f = fld.evaluator()[0]
        return _row_squares(np.array([f(Z[r], P[r]) for r in range(B)]).reshape(B, fld.n))
    return kernel_module(fld).residual_rows(np.ascontiguousarray(Z), np.ascontiguousarray(P), np.empty(B))


#: a run with no z* whose |F| at its final state is below this fraction of |F| at its start is searched for a zero
#: of F from there (zeros_from_final_states): it may have converged to a zero the search for z* did not find (at 1e-3
#: a run converging at 0.9 per step for 60 steps, its distance 0.5 -> 9.4e-4, was not searched and read "bounded")
SETTLED_FALL = 0.1
#: ... at most this many searches per sweep (each a scipy root-finding of about a millisecond; the rows left unsearched
#: are counted: SweepResult.meta["zstar_unsearched"])
MAX_FINAL_SEARCHES = 5000


def zeros_from_final_states(fld, P: np.ndarray, Zf: np.ndarray, Z0: np.ndarray, rows: np.ndarray,
                            interpreted: bool = False):
    """Zeros of F found from the final states ``Zf[rows]`` of runs that had no z* (``P``, ``Zf``, ``Z0`` (B, ...)):
    only where ``|F|`` fell there below :data:`SETTLED_FALL` times its value at the start ``Z0`` (a run heading for
    a zero; a drift's ``|F|`` does not fall).  Each zero is refined from the final state (scipy's root to
    ``|F| < 1e-14`` where it gets there: the final state itself passes the zero test at 1e-10 and, taken as z*,
    made the last distance 0 and biased the rate), accepted by :func:`gandynamics.equilibrium.find_equilibrium`'s zero
    test, and shared by the rows of the same hyperparameters that ended within 1e-6 of it (relative); at most
    :data:`MAX_FINAL_SEARCHES` searches.  ``interpreted``: F by the point evaluator however many rows (no compile
    for an interpreted sweep).  A run converging to a zero the search from the declared point or the origin missed
    (``F = (tanh(x - 20), y)``: flat at the origin) read "bounded, not converging" on its displacement.  Returns
    ``(found, Z, unsearched)``: the rows (a subset of ``rows``, increasing), their zeros, and how many rows whose
    |F| fell were left unsearched by the cap."""
    rows = np.asarray(rows, dtype=np.int64)
    n = Zf.shape[1]
    none = (np.empty(0, dtype=np.int64), np.empty((0, n)), 0)
    if rows.size == 0:
        return none
    rows = rows[np.all(np.isfinite(Zf[rows]), axis=1)]
    if rows.size == 0:
        return none
    with np.errstate(all="ignore"):
        fell = (residual_squares(fld, Zf[rows], P[rows], interpreted)
                < SETTLED_FALL ** 2 * residual_squares(fld, Z0[rows], P[rows], interpreted))
    rows = rows[fell]
    if rows.size == 0:
        return none
    _, group = np.unique(P[rows], axis=0, return_inverse=True)
    group = np.asarray(group).reshape(-1)
    known: dict = {}  # group -> zeros found there
    found, Z = [], []
    searches = unsearched = 0
    for r, g in zip(rows, group):
        zf = Zf[r]
        z = next((z for z in known.get(g, ()) if norm(zf - z) <= 1e-6 * max(1.0, norm(z))), None)
        if z is None:
            if searches >= MAX_FINAL_SEARCHES:
                unsearched += 1
                continue
            searches += 1
            for tol in (1e-14, 1e-10):  # refined where it can be; else the final state, a zero to 1e-10
                try:
                    z = find_equilibrium(fld, P[r], start=zf, tol=tol)[0]
                    break
                except GandynamicsError:
                    z = None
            if z is None:
                continue
            known.setdefault(g, []).append(z)
        found.append(r)
        Z.append(z)
    return np.array(found, dtype=np.int64), (np.array(Z) if Z else np.empty((0, n))), unsearched


#: a bounded run whose recorded states over its last half lie within this (relative to the state's and the distance's
#: size) of its final state has stood still (a sweep's row: its distance to z*, which is what it records): its
#: description then says whether it stands at a zero of F (:func:`settled_at_zero`), another stationary point
SETTLED_RTOL = 1e-6


def stands_still(moves, z, scale: float, steps: int | None = None) -> bool:
    """Whether a run at ``z`` (n,) that moves by ``moves`` (n,) per coordinate over its last half stands still: each
    coordinate within :data:`SETTLED_RTOL` of its own size, plus ``SETTLED_RTOL * SETTLED_TINY * scale`` for one at 0
    (``scale`` the run's size).  With ``steps`` (the run's length), ``moves`` is one step's, repeated over the last
    half.  Relative to the whole state's norm alone, a coordinate of size 1 creeping by 2.5e-4 beside one of 1000
    stood still (an adversarial review)."""
    z = np.abs(np.asarray(z, dtype=float))
    with np.errstate(invalid="ignore", over="ignore"):
        moves = np.asarray(moves, dtype=float) * (max(1.0, 0.5 * steps) if steps else 1.0)
        return bool(np.all(moves <= SETTLED_RTOL * (z + SETTLED_TINY * scale)))


def settled_at_zero(fld, z, p, scale: float, hs=None, steps: int | None = None) -> tuple[bool, float, float]:
    """Whether the point ``z`` (n,) where a run stands still (its last half within
    :data:`SETTLED_RTOL` of it) is a zero of F at the hyperparameters ``p``: ``(is_zero,
    |F(z)|, ||DF(z)||_2 scale)``, ``scale`` the run's size there (its state's norm, or its distance to z* if larger).
    A zero when ``|F(z)| <= SETTLED_F ||DF(z)||_2 scale`` (a zero of F to rounding, relative to the game's scale there)
    and it passes the zero test of :func:`gandynamics.equilibrium.zero_test` (not merely flat there: gd on the
    Dirac-GAN at h = 8 stands still where F and DF underflow to 0).  With ``hs`` (n,) the steps per coordinate and
    ``steps`` the run's length, a zero also where a step ``H F(z)`` repeated over the last half stands still
    coordinate by coordinate (:func:`stands_still`): a sweep sees distances, not states, and F small against the
    state's norm may still move a small coordinate.  ``(False, NaN, NaN)`` where F or DF is not
    finite at ``z``.  The one test of ``simulate`` (a run's ``final_zero``) and of ``sweep`` (its column ``final_zero``)."""
    from ..verdict import SETTLED_F
    fz, D = fld.eval_F(z, p), fld.eval_DF(z, p)
    if not (np.all(np.isfinite(fz)) and np.all(np.isfinite(D))):
        return False, math.nan, math.nan
    res, res_scale = norm(fz), float(np.linalg.norm(D, 2)) * scale
    zero = bool(res <= SETTLED_F * res_scale and zero_test(fld, z, p, math.inf, F=fz, D=D)[1])
    if zero and hs is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            zero = stands_still(np.abs(np.asarray(hs, dtype=float) * np.asarray(fz, dtype=float)), z, scale, steps)
    return zero, res, res_scale


def stuck_reason(residual: float, scale: float, h: float, moves_by_hF: bool) -> str | None:
    """Why a run that stands still where F is not zero (:func:`settled_at_zero` said no) cannot move, from ``residual``
    = |F| at its final state, ``scale`` its size there and ``h`` its largest step: ``"step"`` when its method moves it
    by ``h F`` and ``h |F|`` is below the rounding of a state of that size while ``|F|`` is not (a larger step moves
    it); ``"flat"`` when ``0 < |F| <= eps scale`` (F itself below the state's rounding: a loss saturated far from the
    equilibrium); ``"underflow"`` when F computes as 0 there; None for neither (something else holds it: a spurious
    fixed point of its method, :func:`spurious_fixed_point`, or an orbit whose distance to z* keeps still).  The one
    test of ``simulate``'s description ("stuck, not converged") and of the sweep's column ``stuck``."""
    eps = float(np.finfo(float).eps)
    if moves_by_hF and h * residual <= eps * scale < residual:
        return "step"
    if 0.0 < residual <= eps * scale:
        return "flat"
    return "underflow" if residual == 0.0 else None


def spurious_fixed_point(fld, method, opts: dict, z, p, hs, scale: float, box=None, steps: int | None = None):
    """Whether the point ``z`` (n,) where a run of ``method`` stands still, no zero of F, is a spurious fixed point of
    the method: one of the points where its update evaluates F
    (:attr:`gandynamics.methods.base.Method.extrapolated_points`, for the normalised options ``opts``; each projected
    on ``box`` (n, 2) when given, as the update projects it) is a zero of F (:func:`settled_at_zero`, relative to the
    larger of its own size and ``scale``), so the update moves by nothing -- coordinate by coordinate: the step
    ``H F(w)`` the update takes from ``z`` (projected on ``box``), times half the run's ``steps`` when given (its last
    half at that pace), at most :data:`SETTLED_RTOL` of each coordinate's size (plus ``SETTLED_RTOL * SETTLED_TINY
    * scale`` for a coordinate at 0).  Without that, a point 5e-8 from a zero in a coordinate of size 1, beside one of
    size 1000, was "a zero of F" relative to the state's norm, and a run still moving there (by 2.5e-4 over its last
    half) was read as standing at a spurious fixed point (an adversarial review).  ``hs`` the (n,) steps per coordinate
    (``h_G`` on the generator's, ``h_D`` on the discriminator's).  Returns ``(label, w)`` for the first such point, else
    None (always for a method that declares no extrapolated points).  The one test of ``simulate`` (a run's reading
    ``spurious_fixed_point``) and of ``sweep`` (its column ``spurious_fixed_point``)."""
    from ..methods import get_method
    m = get_method(method)
    if m.extrapolated_points is None:
        return None
    F = lambda u: np.asarray(fld.eval_F(u, p), dtype=float)  # noqa: E731
    with np.errstate(all="ignore"):
        points = m.extrapolated_points(F, np.asarray(z, dtype=float), np.asarray(hs, dtype=float),
                                       **{k: v for k, v in opts.items() if k not in ("box", "extra")})
    z = np.asarray(z, dtype=float)
    hs = np.asarray(hs, dtype=float)
    for label, w in points:
        w = np.asarray(w, dtype=float)
        if box is not None:
            at = np.clip(w, box[:, 0], box[:, 1])
            if not np.array_equal(at, w):  # (the point the update evaluates F at is the projection: named so)
                label, w = f"{label} projected on the box", at
        if not (np.all(np.isfinite(w)) and settled_at_zero(fld, w, p, max(norm(w), scale))[0]):
            continue
        with np.errstate(all="ignore"):
            to = z - hs * F(w)
            if box is not None:
                to = np.clip(to, box[:, 0], box[:, 1])
        if stands_still(np.abs(to - z), z, scale, steps):
            return label, w
    return None


#: a coordinate at 0 may move by :data:`SETTLED_RTOL` times this fraction of the state's size and still stand still
#: (:func:`stands_still`, the test coordinate by coordinate)
SETTLED_TINY = 1e-3


def _declared_holds(fld) -> bool:
    """Whether the game's declared equilibrium passes the zero test at the field's own hyperparameters when its
    residual there is below 1e-10 (:func:`gandynamics.equilibrium.zero_test`; a larger residual is judged row by
    row, as before).  Cached on the field."""
    cache = fld.__dict__.setdefault("_declared_holds", {})
    if "ok" not in cache:
        p = fld.param_vector()
        r, ok = zero_test(fld, np.asarray(fld.equilibrium, dtype=float), p)
        cache["ok"] = ok or not r < 1e-10
    return cache["ok"]


def _at_defaults(fld, P: np.ndarray) -> bool:
    """Whether a row of ``P`` (m, n_p) holds the field's default hyperparameters (every value equal)."""
    if P.shape[0] == 0:
        return False
    return bool(np.any(np.all(P == fld.param_vector()[None, :], axis=1)))


def row_norms(x: np.ndarray) -> np.ndarray:
    """The Euclidean norm of each row of ``x`` (B, n), shape (B,): ``sqrt`` of the sum of squares added left to
    right (``numpy.linalg.norm(x, axis=1)`` is several times slower on the few columns of a game's state); rows
    whose squares overflow or underflow (coordinates beyond ~1e154 or below ~1e-145) are computed scaled by their
    largest coordinate, so the norm is finite wherever the exact one is (inf for an infinite coordinate, NaN for
    NaN)."""
    s = _row_squares(x)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        # overflowed (or an inf coordinate), or underflowed: tiny but not a row of zeros (rows at an equilibrium
        # are, and are the common case: testing them through the scaled path cost 7 ms per 100,000 rows; whether
        # the tiny rows hold a nonzero coordinate is asked of them alone, and not at all when none does)
        odd = s == np.inf
        tiny = s < 1e-290
        out = np.sqrt(s, out=s)  # in place (a new array of B numbers costs more in page faults than the roots)
        if tiny.any():
            xt = x if tiny.all() else x[tiny]
            if np.count_nonzero(xt):
                odd[tiny] |= np.any(xt != 0.0, axis=1)
        if odd.any():
            xb = np.abs(x[odd])
            m = xb.max(axis=1)
            ok = (m > 0.0) & (m < np.inf)
            r = np.where(ok, m, np.where(m > 0.0, np.inf, 0.0))
            xs = xb[ok] / m[ok, None]
            r[ok] = m[ok] * np.sqrt((xs * xs).sum(axis=1))
            out[odd] = r
    return out


def reference_points(Z: np.ndarray, Z0: np.ndarray):
    """The points the runs' distances are measured from: each row's ``z*`` (``Z``, (B, n)), and for a row with none
    (NaN: no zero of F found) its own start ``Z0`` (B, n), so that such a run is still read, on its displacement
    ``|z_k - z_0|``: whether it diverged, grew or stayed bounded (with no ``z*`` every recorded distance was NaN,
    and a run drifting off to infinity read "bounded, not converging").  The start, not the origin: a drift
    ``x_k = x_0 - hk`` moves ``|z_k - z_0| = hk`` from any start, while its norm from a far start barely changes.
    Returns ``(Zref, missing)``, ``missing`` (B,) bool, or None when every row has its ``z*`` (``Zref`` is then
    ``Z`` itself)."""
    missing = _rows_with_nan(Z)
    if not missing.any():
        return Z, None
    Zref = Z.copy()
    Zref[missing] = Z0[missing]
    return Zref, missing


def _rows_with_nan(Z: np.ndarray) -> np.ndarray:
    """``np.isnan(Z).any(axis=1)`` of ``Z`` (B, n), column by column: a reduction along rows of a few entries runs
    numpy's inner loop per row (1.34 vs 0.05 ms for 100,000 rows of 2)."""
    out = np.zeros(Z.shape[0], dtype=bool)
    for j in range(Z.shape[1]):
        out |= np.isnan(Z[:, j])
    return out


def zstar_norms(Z: np.ndarray, shared: bool):
    """``row_norms(Z)``, or, when every row of ``Z`` (B, n) is the same point (``shared``, from
    :func:`equilibria_shared`: the usual sweep), its norm as one float: what :class:`gandynamics.verdict.Reader`
    takes as ``|z*|`` (the rows' norms cost more than the rest of the reader's set-up)."""
    if shared and Z.shape[0]:
        return float(row_norms(Z[:1])[0])
    return row_norms(Z)


def row_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``row_norms(a - b)`` for ``a``, ``b`` (B, n), shape (B,), bitwise, without the (B, n) difference: in blocks of
    rows through one small buffer (a new array of B rows costs more in page faults than the arithmetic)."""
    B, n = a.shape
    out = np.empty(B)
    buf = np.empty((min(B, _BLOCK), n))
    with np.errstate(invalid="ignore", over="ignore"):
        for i in range(0, B, _BLOCK):
            j = min(B, i + _BLOCK)
            out[i:j] = row_norms(np.subtract(a[i:j], b[i:j], out=buf[:j - i]))
    return out


#: a distance the kernels recorded in this range is the plain square root of the plain sum of squares
#: (``sqrt(sum (a_i - b_i)^2)`` added left to right, no fused multiply-add): :func:`row_norms`' own number there,
#: whose squares neither underflow (row_norms scales rows whose sum is below 1e-290) nor overflow
PLAIN_DISTANCES = (1e-144, 1e150)


def row_distances_recorded(a: np.ndarray, b: np.ndarray, recorded: np.ndarray, redo=None, rows=None) -> np.ndarray:
    """:func:`row_distances` ``(a, b)`` (B,), bitwise, taking ``recorded`` (B,) where it holds the same number: the
    distances the kernels recorded at the runs' last step (:func:`gandynamics.runs.ratefit.row_reader`'s ``ends``)
    within :data:`PLAIN_DISTANCES`, whose sums of squares are formed as row_norms forms them; the other rows (NaN: a
    run that diverged; inf; tiny or huge, scaled differently) and the rows of ``redo`` ((B,) bool: rows whose
    recorded distance was measured from another point) are computed by :func:`row_distances`.  ``recorded`` is
    overwritten and returned (a sweep's 100,000 distances computed again: 0.7 ms of its serial time).  With ``rows``
    (an index array) only those rows: a new array of ``len(rows)`` distances, ``recorded`` untouched, and ``a``, ``b``
    indexed only at the rows computed (a gather of 10,000 rows of a (B, 2) array costs 0.17 ms, of the recorded
    (B,) numbers 0.013)."""
    lo, hi = PLAIN_DISTANCES
    if rows is not None:
        recorded = recorded[rows]
        redo = None if redo is None else redo[rows]
    with np.errstate(invalid="ignore"):
        bad = ~((recorded >= lo) & (recorded <= hi))
    if redo is not None:
        bad |= redo
    at = np.flatnonzero(bad)
    if at.size:
        src = at if rows is None else rows[at]
        recorded[at] = row_distances(a[src], b[src])
    return recorded


def _row_squares(x: np.ndarray) -> np.ndarray:
    """The sum of squares of each row of ``x`` (B, n), added left to right (overflow, underflow and NaN quiet).
    In blocks of rows: each square's temporary is then a small array, reused, not a new one of B numbers (whose
    page faults cost more than the arithmetic: 1.0 vs 0.3 ms for 100,000 rows of 2 columns in a sweep)."""
    B, n = x.shape
    s = np.empty(B)
    t = np.empty(min(B, _BLOCK))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for a in range(0, B, _BLOCK):
            b = min(B, a + _BLOCK)
            sa, ta = s[a:b], t[:b - a]
            np.multiply(x[a:b, 0], x[a:b, 0], out=sa)
            for j in range(1, n):
                np.multiply(x[a:b, j], x[a:b, j], out=ta)
                sa += ta
    return s


#: rows per block of :func:`_row_squares`
_BLOCK = 8192


#: the largest game whose z* is tested for instability after a bounded run (an eigen-decomposition of its Jacobian)
UNSTABLE_TEST_MAX_N = 400


def zstar_instability(field, m, zs, p, h: float, o: dict) -> tuple[float, bool] | None:
    """Whether ``zs`` is unstable for method ``m`` at step ``h`` (both players), from the spectral radius of its
    iteration matrix there (its linearisation at ``A = DF(zs)``, :attr:`gandynamics.methods.base.Method.
    iteration_matrix`, with every option of the run that applies: lookahead's base and the base's own, altgd's n_d;
    lookahead's matrix spans its k inner steps).  An eigenvalue counts as outside the unit circle when it lies there
    beyond its rounding: ``|mu_i| - r_i > 1 + 1e-12`` with ``r_i = n eps ||M||_F / s_i``, ``s_i = |y_i^H x_i|`` the
    eigenvalue's condition (unit left and right eigenvectors; the first-order bound of a backward-stable eigensolver),
    so that a defective eigenvalue (a Jordan block: a nilpotent Jacobian's exact rate 1, computed a hair above) has
    ``s_i`` near 0 and makes no claim.

    Returns ``(rate, manifold)`` when one eigenvalue is outside: ``rate`` the local rate per step (the largest
    ``|mu_i|``; lookahead's k-th root), and ``manifold`` True when some other eigenvalue is not outside, so that z*
    has a stable (or centre-stable) manifold along which a run may still converge to it (a start with no part along
    the unstable directions: the saddle F = (e x, -y) from (1, 0)); False when every eigenvalue is outside, so that no
    run other than one landing on z* exactly converges to it.  None otherwise, or where it is not computed (a method
    without an iteration matrix, a game of more than :data:`UNSTABLE_TEST_MAX_N` parameters, a matrix that is not
    finite)."""
    if field.n > UNSTABLE_TEST_MAX_N:
        return None
    M = iteration_matrix_at(field, m, zs, p, h, o)
    if M is None:
        return None
    if not np.max(np.abs(np.linalg.eigvals(M)), initial=0.0) > 1.0 + 1e-12:  # (no claim possible: the eigenvalues
        return None  # alone, a third of the cost of the eigenvectors below, for the common z* that attracts)
    w, r = _first_order_radii(M)
    outside = np.abs(w) - r > 1.0 + 1e-12
    if not np.any(outside):
        return None
    return _per_step(m, o, float(np.max(np.abs(w)))), bool(not np.all(outside))


def _per_step(m, o: dict, radius: float) -> float:
    """The rate per step of a spectral radius of ``m``'s iteration matrix: lookahead's matrix spans its k inner steps
    (``m.extra["period"]``), the rate per step its k-th root."""
    period = m.extra.get("period")
    return radius ** (1.0 / (period(o) if period is not None else 1))


def iteration_matrix_at(field, m, zs, p, h: float, o: dict) -> np.ndarray | None:
    """The iteration matrix (n, n) of method ``m`` (a :class:`gandynamics.methods.base.Method`) at step ``h`` (both
    players) about ``zs``, from ``A = DF(zs)`` with ``p`` the parameter vector, taking every option of ``o`` that
    applies (:attr:`gandynamics.methods.base.Method.iteration_matrix`: lookahead's base and the base's own, altgd's
    n_d).  None for a method without one (the flow, adaptive and time-varying methods), a Jacobian or matrix that
    is not finite, or a method undefined there (a singular implicit system)."""
    if m.iteration_matrix is None:
        return None
    A = field.eval_DF(zs, p)
    if not np.all(np.isfinite(A)):
        return None
    applies = [k for k in m.option_names if k in o and k not in ("box", "extra")]
    off = {k for k, _ in m.inapplicable(o, applies)}  # (lookahead's pass-through options its base does not take)
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            M = np.asarray(m.iteration_matrix(A, float(h), n_theta=field.n_theta,
                                              **{k: o[k] for k in applies if k not in off}), dtype=float)
    except (GandynamicsError, np.linalg.LinAlgError, ValueError, TypeError):
        return None
    return M if np.all(np.isfinite(M)) else None


def local_rate_at(field, m, zs, p, h: float, o: dict) -> float | None:
    """The local rate per step of method ``m`` at step ``h`` about ``zs``: the spectral radius of its iteration matrix
    there (:func:`iteration_matrix_at`; lookahead's k-th root), the rate ``|z_k - z*| ~ C rho^k`` of a run near a
    z* it converges to (docs/mathematics.md §5.4).  A continuous method run with a fixed-step scheme
    (:func:`fixed_step_tableau`: the flow with RK4) steps by the scheme's matrix, not the exact flow map its
    iteration matrix is: its rate is ``max |R(h w_i)|`` over the eigenvalues ``w_i`` of ``-DF(zs)`` (``R`` the
    scheme's stability function; at h = 2.5 on the R1 Dirac-GAN, RK4's 0.6993 against the flow's ``exp(h alpha)``,
    0.6873).
    None where there is no such matrix."""
    tab = fixed_step_tableau(m, o)
    if tab is not None:
        A = field.eval_DF(zs, p)
        if not np.all(np.isfinite(A)):
            return None
        with np.errstate(over="ignore", invalid="ignore"):
            rate = float(np.max(np.abs(tab.stability_function(h * np.linalg.eigvals(-np.asarray(A, float)))),
                                initial=0.0))
        return rate if math.isfinite(rate) else None
    M = iteration_matrix_at(field, m, zs, p, h, o)
    if M is None:
        return None
    return _per_step(m, o, float(np.max(np.abs(np.linalg.eigvals(M)), initial=0.0)))


def fixed_step_tableau(m, o: dict):
    """The Butcher tableau (:class:`gandynamics.methods.tableaux.Tableau`) a continuous method ``m`` steps with at a
    fixed step under its options ``o`` (the flow with ``scheme="rk4"``: its rule of group ``"discrete"``), or None (a
    discrete method, an adaptive scheme such as dopri5, which follows the flow to its tolerances)."""
    if not m.continuous or m.rule is None:
        return None
    try:
        rule = m.rule(o)
    except (KeyError, TypeError):
        return None
    tab = (m.extra or {}).get("tableaux", {}).get(o.get("scheme"))
    return tab if rule.group == "discrete" else None


def _first_order_radii(M) -> tuple[np.ndarray, np.ndarray]:
    """The eigenvalues ``w`` of ``M`` and their first-order rounding radii ``r_i = n eps ||M||_F / s_i``
    (``s_i = |y_i^H x_i|``, unit left and right eigenvectors; ``inf`` where ``s_i = 0``): the bound of a
    backward-stable eigensolver that :func:`zstar_instability` takes."""
    from scipy import linalg
    w, vl, vr = linalg.eig(M, left=True, right=True)
    s = np.abs(np.sum(np.conj(vl) * vr, axis=0))
    with np.errstate(divide="ignore"):
        return w, M.shape[0] * np.finfo(float).eps * float(np.linalg.norm(M)) / s


def integrator_damping(field, m, zs, p, h: float, o: dict) -> dict | None:
    """Where a continuous method run with a fixed-step scheme (flow with ``scheme="rk4"``: a rule of group
    ``"discrete"``, its tableau ``m.extra["tableaux"][scheme]``) contracts about ``zs`` by its integrator's damping
    where the flow itself does not: ``A = DF(zs)``, the flow's linearisation ``J = -A`` with eigenvalues ``w_i`` and
    their rounding radii ``r_i`` (:func:`gandynamics.eigbounds.flow_reading`, the point analyses' reading), the exact
    flow's rate per
    step ``exp(h alpha)`` (``alpha = max Re w_i``, the spectral abscissa) and the scheme's ``max |R(h w_i)|`` (``R``
    its stability function, :meth:`gandynamics.methods.tableaux.Tableau.stability_function`; taken at ``w_i + r_i``
    too, the side where rounding would lift it).

    Returns a dict when the flow's linearisation is marginal or unstable (no geometric convergence of the flow to
    ``zs`` but along a stable manifold) while the scheme's rate is below 1: ``scheme``, ``alpha``, ``flow`` (the
    reading: "marginal" or "unstable"), ``flow_rate`` ``exp(h alpha)``, ``scheme_rate`` ``max |R(h w_i)|``, and
    ``contracting_rate``, the largest ``|R(h w_i)|`` over the eigenvalues the flow contracts (``Re w_i + r_i < 0``;
    0 with none): a run converging slower than that converges by the damping of a mode the flow does not contract
    (:func:`damped_by_integrator`).  Also, with ``flow`` "stable", when the scheme contracts at least twice as fast
    as the flow (``log scheme_rate <= 2 log flow_rate``): the run's rate is the integrator's, not the flow's.  None
    otherwise, for a method without a fixed-step tableau (``scheme="dopri5"``, adaptive, follows the flow to its
    tolerance), a game of more than :data:`UNSTABLE_TEST_MAX_N` parameters, or a Jacobian that is not finite."""
    tab = fixed_step_tableau(m, o)
    if tab is None or field.n > UNSTABLE_TEST_MAX_N or not h > 0.0:
        return None
    scheme = o.get("scheme")
    from ..eigbounds import flow_reading
    A = field.eval_DF(zs, p)
    if not np.all(np.isfinite(A)):
        return None
    try:
        reading, w, r = flow_reading(-np.asarray(A, dtype=float))
    except (ValueError, np.linalg.LinAlgError):
        return None
    if w.size == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        R = np.abs(tab.stability_function(h * w))
        up = np.maximum(R, np.abs(tab.stability_function(h * (w + r))))
        alpha = float(np.max(w.real))
        flow_rate = math.exp(h * alpha) if h * alpha < 700.0 else math.inf
    scheme_rate = float(np.max(R))
    if not np.all(np.isfinite(up)):
        return None
    contracts = w.real + r < 0.0
    out = {"scheme": str(scheme), "alpha": alpha, "flow": reading, "flow_rate": flow_rate, "scheme_rate": scheme_rate,
           "contracting_rate": float(np.max(R[contracts], initial=0.0)), "step": float(h)}
    if reading != "stable":
        return out if float(np.max(up)) < 1.0 else None
    # (both contract: the scheme clearly faster, its rate at least the square of the flow's per step)
    if 0.0 < scheme_rate < 1.0 and flow_rate < 1.0 and math.log(scheme_rate) <= 2.0 * math.log(flow_rate):
        return out
    return None


def damped_by_integrator(found: dict | None, rate: float, rate_err: float = math.nan) -> bool:
    """Whether a run read converging at ``rate`` per step (``rate_err`` its uncertainty as a fraction of the rate,
    the reading's ``log_rate_err``; NaN: none) converges by its integrator's damping alone
    (:func:`integrator_damping`'s ``found``): the flow's linearisation does not contract (``found["flow"]`` not
    "stable") and the run converges slower than any mode the flow contracts could make it, ``rate`` above
    ``found["contracting_rate"]`` by more than three times its uncertainty (at least 1e-9): its slowest mode is one
    the flow keeps or repels, which the scheme damps."""
    if found is None or found["flow"] == "stable":
        return False
    return bool(slower_than_contracting(rate, rate_err, found["contracting_rate"]))


def slower_than_contracting(rate, rate_err, contracting):
    """:func:`damped_by_integrator`'s test of rates against the contracting modes' rate, elementwise over arrays (a
    sweep's rows): ``0 < rate < 1`` and ``rate > contracting + max(3 rate rate_err, 1e-9)`` (``rate_err`` NaN: no
    uncertainty; ``contracting`` NaN: no claim, False)."""
    rate, rate_err = np.asarray(rate, float), np.asarray(rate_err, float)
    with np.errstate(invalid="ignore", over="ignore"):
        margin = np.maximum(np.where(np.isnan(rate_err), 0.0, 3.0 * rate * rate_err), 1e-9)
        return (rate > 0.0) & (rate < 1.0) & (rate > np.asarray(contracting, float) + margin)
