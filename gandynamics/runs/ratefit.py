"""The reading of runs: the measured rate and the verdict (the rules live in :mod:`gandynamics.verdict`),
split over numba's threads for sweeps, or done block by block in the engine's threads as the rows finish."""

from __future__ import annotations

import math

import numpy as np

from ..equilibrium import norm, zero_test
from ..kernels import REASONS, STOPS
from ..verdict import (BOUNDED, CONVERGING, FLOOR_REL, INTERPRET_MAX_SAMPLES, POLY_MAX, RATE_FIT, STOPPED, VERDICT_RULE, VERDICTS, Reader, RunReading,
                       read_runs)
from .engine import threaded

__all__ = ["RATE_FIT", "VERDICT_RULE", "VERDICTS", "STOP_CODES", "RECORD_FLOOR", "fit_rate", "read", "row_reader", "mark_stopped",
           "mark_no_zstar", "linear_contraction", "drop_transient_algebraic", "TRANSIENT_CONTRACTION"]

#: the kernels' reason codes (:data:`gandynamics.kernels.REASONS`) of a run that ended because its method could not
#: take the next step (:data:`gandynamics.kernels.STOPS`): read "stopped", not "diverged"
STOP_CODES = tuple(c for c, name in REASONS.items() if name in STOPS)

#: the absolute rounding floor of the runs' readings: the kernels record ``|z - z*|`` as the square root of a plain
#: sum of squares, whose squares are subnormal below ``sqrt(2^-1022) = 2^-511`` (about 1.49e-154: a distance of
#: 1e-160 comes out with a relative error of about 1e-4) and zero below about 2.2e-162 (a run at 1e-170 recorded
#: 0).  Samples at or below it are not fitted (the reading's own FLOOR_ABS, 1e-290, assumes exact distances):
#: the R1 Dirac-GAN under GD at gamma = 0.9, h = 0.3 read 0.8664 (a polynomial factor k^1.9 fitted to the
#: subnormal samples) for the closed form 0.86747
RECORD_FLOOR = 2.0 ** -511


def read(idx, dist, life, diverged_at=None, zstar_norm=None, reason=None, poly_max=None) -> RunReading:
    """:func:`gandynamics.verdict.read_runs` with the rows split over the threads; with ``reason`` (the kernels'
    ``(B,)`` reason codes, :data:`gandynamics.kernels.REASONS`) a run that ended because its method could not take
    the next step (:data:`gandynamics.kernels.STOPS`) reads "stopped", not "diverged"; ``poly_max`` the cap of the
    fitted polynomial exponent (:func:`poly_cap`)."""
    reading = read_runs(idx, dist, life, diverged_at, zstar_norm, split=threaded, floor_abs=RECORD_FLOOR,
                        poly_max=poly_max)
    return mark_stopped(reading, diverged_at, reason)


def mark_stopped(reading: RunReading, diverged_at, reason) -> RunReading:
    """``reading`` with the code :data:`~gandynamics.verdict.STOPPED` for the runs that ended (``diverged_at >= 0``)
    with a reason of :data:`gandynamics.kernels.STOPS` (nothing changes when either is None)."""
    if reason is not None and diverged_at is not None:
        ended = np.flatnonzero(np.asarray(diverged_at) >= 0)  # (the few rows that ended: tested alone)
        reading.code[ended[np.isin(np.asarray(reason)[ended], STOP_CODES)]] = STOPPED
    return reading


def mark_no_zstar(reading: RunReading, missing) -> RunReading:
    """``reading`` with the runs that had no z* (``missing`` (B,) bool, or None) read "converging" on their
    displacement ``|z_k - z_0|`` marked "bounded, not converging" instead: the displacement falling means the run
    came back toward its start, not that it converged (a cycle whose third coordinate drifts back; a run standing
    still at a box's wall from its start), and a run converging to a zero of F had it found from where it ended
    (:func:`gandynamics.runs.equilibria.zeros_from_final_states`)."""
    if missing is not None:
        reading.code[np.asarray(missing) & (reading.code == CONVERGING)] = BOUNDED
    return reading


def poly_cap(method, field, opts: dict) -> int:
    """The largest whole exponent ``c`` of a polynomial factor ``k^c`` that a run of ``method`` (a
    :class:`~gandynamics.methods.base.Method`, ``opts`` its normalised options) on ``field`` can show: its state's
    dimension less 1 (:meth:`~gandynamics.methods.base.Method.state_size`; a Jordan block of the linearisation is no
    larger), at most :data:`~gandynamics.verdict.POLY_MAX` (also when the method has no iteration matrix)."""
    size = method.state_size(field.n, field.n_theta, opts)
    return POLY_MAX if size is None else max(0, min(POLY_MAX, size - 1))


def row_reader(idx, steps: int, divat: np.ndarray, zstar_norm=None, poly_max=None):
    """The reading of a sweep's ``B = len(divat)`` rows done as their kernels finish them: returns ``(reader,
    then, ends)``, ``then(r0, r1, dist)`` a callback for :func:`gandynamics.runs.engine.run_rows` that reads rows
    ``[r0, r1)`` from their distances (``dist``, (R, r1 - r0), sample-major) and the kernels' ``divat`` (already written for
    those rows; a run's life is ``steps``, or the step before it diverged), ``reader`` the
    :class:`~gandynamics.verdict.Reader` that holds the readings (``reader.reading()`` once every row is read),
    ``ends`` a pair ``(first, last)`` of (B,) arrays, each row's distances as the kernel recorded them at the first
    and the last recording step, ``idx[0]`` (the start) and ``idx[-1]`` (NaN where a run died before it;
    :func:`gandynamics.runs.equilibria.row_distances_recorded` takes a start's or a final distance from them; two
    arrays, so that the table's distance column, made in place of ``last``, keeps no other numbers alive);
    ``poly_max`` the cap of the fitted polynomial exponent, one for every row or (B,) (:func:`poly_cap`)."""
    idx = np.asarray(idx)
    B = len(divat)
    reader = Reader(idx, B, zstar_norm, interpret=B * len(idx) <= INTERPRET_MAX_SAMPLES, floor_abs=RECORD_FLOOR,
                    poly_max=poly_max)
    K = int(steps)
    if not (isinstance(divat, np.ndarray) and divat.dtype == np.int64 and divat.ndim == 1
            and divat.flags.c_contiguous):  # (the kernels' own array, read as it is: Reader.read_checked)
        raise ValueError("row_reader: divat must be the kernels' (B,) C-contiguous int64 array "
                         f"(engine.alloc); got {getattr(divat, 'dtype', type(divat).__name__)} of shape {np.shape(divat)}")
    ends = (np.empty(B), np.empty(B))  # (written by the threads that read, first touch there)

    def then(r0, r1, dist):
        dv = divat[r0:r1]
        ends[0][r0:r1] = dist[0]
        ends[1][r0:r1] = dist[-1]
        # (the engine's scratch block and divat are the compiled reading's types: no checks; life as float64, the
        # last step's number rounded as the integer's)
        reader.read_checked(r0, r1, dist, np.where(dv >= 0, dv - 1, K).astype(np.float64), dv)

    return reader, then, ends


def divergence_span(d):
    """The steps a run that diverged at step ``d`` (int or int array, >= 2) is run again over to read its rate where
    its recording steps could not: ``2^ceil(log2 d)``, so that at least half of that run's recording steps come
    before ``d`` (simulate's and a sweep's re-reads of an early divergence)."""
    return np.left_shift(1, np.ceil(np.log2(d)).astype(np.int64))


def fit_rate(idx, dist, life, zstar_norm=None):
    """The measured rate per step of each run (see :data:`RATE_FIT`): ``(B,)`` array.

    Parameters
    ----------
    idx : (R,) step indices of the samples
    dist : (B, R) distances ``|z_k - z*|`` (NaN after divergence)
    life : (B,) last step of each trajectory's life (``steps``, or ``diverged_at - 1``)
    zstar_norm : (B,) ``|z*|`` (sets the rounding floor); default 0
    """
    return read(idx, dist, life, None, zstar_norm).rate


#: the linearisation at z* contracts the run to at most this fraction over its steps (``rho^T``, ``rho`` the spectral
#: radius of the method's iteration matrix; the flow's ``exp(T h max Re lambda(J))``): then a decay the reading took for
#: a power of k is a transient's (the linear part shapes the run), and the run converges geometrically in the end.  At
#: 0.5, 8 of 2,124 linear runs of gd still read k^p (two modes handing over in 300 steps, rho^T = 0.55); at 0.9, 12 of
#: 5,040 of six other methods (slow modes, rho^T = 0.93, read "falling like k^-0.13")
TRANSIENT_CONTRACTION = 0.99


def linear_contraction(field, method, zstar, params, h: float, steps: int, options=None, _A=None) -> float:
    """How far the method's linearisation at ``zstar`` contracts over ``steps`` steps: ``rho^steps``, ``rho`` the largest
    modulus of its multipliers at ``A = DF(z*)`` (:attr:`~gandynamics.methods.base.Method.multipliers`, else the
    eigenvalues of its :attr:`~gandynamics.methods.base.Method.iteration_matrix`; the flow: ``exp(h max Re lambda(-A))``).
    NaN where it is not known (neither, a matrix per cycle of several steps, z* not finite, or ``h`` a pair of
    unequal steps).  ``params`` the hyperparameter vector, ``options`` the method's options (only those it
    takes are used).  An algebraic decay ``|z_k - z*| ~ k^p`` needs a multiplier of modulus 1: where this is at most
    :data:`TRANSIENT_CONTRACTION`, the reading's algebraic exponent was a transient's (two modes handing over at
    small steps, a Jordan block: of 2,124 linear runs of gd 18 were read as k^p, k^-8.2 for two modes)."""
    from ..methods import get_method
    m = get_method(method) if isinstance(method, str) else method
    z = np.asarray(zstar, dtype=float)
    if not (np.all(np.isfinite(z)) and np.ndim(h) == 0 and np.isfinite(h)):
        return float("nan")
    try:
        A = np.asarray(field.eval_DF(z, params) if _A is None else _A, dtype=float)
        lam = np.linalg.eigvals(A).astype(complex)
    except (np.linalg.LinAlgError, ValueError):
        return float("nan")
    if not np.all(np.isfinite(lam)):
        return float("nan")
    if m.continuous:
        return float(np.exp(steps * h * float(np.max((-lam).real))))
    if "period" in m.extra:  # (a matrix per cycle of several steps, lookahead's: not a rate per step)
        return float("nan")
    kw = {k: v for k, v in (options or {}).items() if k in m.option_names and v is not None}
    mult = None
    with np.errstate(all="ignore"):
        if m.multipliers is not None:
            mult = m.multipliers(lam, h, **kw)
        if mult is None and m.iteration_matrix is not None:  # (altgd, alternating momentum: the matrix's eigenvalues)
            try:
                M = m.iteration_matrix(A, h, n_theta=field.n_theta, **kw)
                mult = np.linalg.eigvals(np.asarray(M, dtype=float))
            except (np.linalg.LinAlgError, ValueError, TypeError):
                mult = None
    if mult is None:
        return float("nan")
    rho = float(np.max(np.abs(mult)))
    return rho ** steps if np.isfinite(rho) else float("nan")


def drop_transient_algebraic(reading: RunReading, rows, field, methods, zstars, params, steps, hs, options) -> RunReading:
    """``reading`` with the algebraic exponent of ``rows`` set to NaN where the method's linearisation at the row's z*
    contracts by :data:`TRANSIENT_CONTRACTION` or more over the run (:func:`linear_contraction`): ``methods``,
    ``zstars``, ``params``, ``hs``, ``options`` per row (sequences indexed like ``rows``)."""
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size == 0:
        return reading
    # the distinct rows (method, params, z*, step, beta): a sweep over starts or steps of a degenerate game reads every
    # row algebraic, and most share their linearisation (20,000 starts of F = x^3: one)
    names = sorted({getattr(m, "name", m) for m in methods})
    mid = np.array([names.index(getattr(m, "name", m)) for m in methods], dtype=float)
    key = np.column_stack([mid, np.asarray(params, float).reshape(len(rows), -1),
                           np.asarray(zstars, float).reshape(len(rows), -1), np.asarray(hs, float),
                           np.array([float(o.get("beta") or 0.0) for o in options])])
    key = np.where(np.isnan(key), np.inf, key)  # (np.unique and NaN: one key for them)
    uniq, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    jac = {}
    drop = np.zeros(len(uniq), dtype=bool)
    for u, i in enumerate(first):
        pz = (tuple(np.asarray(params[i], float).tolist()), tuple(np.asarray(zstars[i], float).tolist()))
        if pz not in jac and np.all(np.isfinite(zstars[i])):
            jac[pz] = np.asarray(field.eval_DF(np.asarray(zstars[i], float), params[i]), dtype=float)
        c = linear_contraction(field, methods[i], zstars[i], params[i], hs[i], steps, options[i], _A=jac.get(pz))
        drop[u] = c <= TRANSIENT_CONTRACTION
    reading.algebraic[rows[drop[np.ravel(inverse)]]] = np.nan
    return reading


#: the rounding floor of a run that stands where F's rounding holds it (:func:`rounding_floor_norm`): this many times
#: the distance where it stands; there F's rounding error is about that distance times ||DF||, and a sample at this
#: many times it is bent by about 1/ROUNDING_MARGIN of its step
ROUNDING_MARGIN = 2.0 ** 20


def may_stand_at_rounding(code, d_final, tail_min):
    """Which readings (codes, with the final distances and ``tail_min``; arrays or numbers) :func:`at_rounding_of_F`
    is asked about: "bounded, not converging", and "converging" where the last distance is not the smallest of
    ``[T/2, T]`` by more than :data:`STALL_REL` (the run stopped falling before its end).  A run that reached the
    rounding of F only in its last quarter read "converging" at once, and its rate was fitted through the samples bent
    by that rounding (1.3 % off at 250-265 steps of a new user's game, the linearisation's rate read at 270 and
    beyond).  The margin: ``d_final`` computed by another formula than the recorded distances (``math.hypot`` against
    the kernels' sum of squares) differs from them by an ulp or two, and a run still falling read as one that had
    stopped (a review of the change).  Not caught: a plateau that drifts down to the end, its last distance always its
    smallest (1.0-1.6 % off at 333-369 steps of the same game from another start): telling it from a run still
    falling needs DF at every such row's end, which a sweep does not evaluate."""
    code = np.asarray(code)
    return (code == BOUNDED) | ((code == CONVERGING)
                                & (np.asarray(d_final) > (1.0 + STALL_REL) * np.asarray(tail_min)))


#: see :func:`may_stand_at_rounding`
STALL_REL = 2.0 ** -20

#: a run that stays within this many units of the last place of ``|z*|`` from z* stands at the rounding of the state
#: itself: no double lies much nearer z* (:func:`moving_below_floor`)
STATE_ROUNDING = 64


def moving_below_floor(code, tail_min, tail_max, zn):
    """Which readings (codes, with ``tail_min``, ``tail_max`` and ``|z*|``; arrays or numbers) are "converging" only by
    the rounding floor: the whole last half of the run at or below ``FLOOR_REL |z*|`` (:data:`FLOOR_REL`, about 4,500
    units of the last place of ``|z*|``), where the reading fits nothing, while the run still moved there (its
    distance not constant over the last half: a run standing at a computed zero of F keeps it) above the rounding of
    the state (``STATE_ROUNDING eps |z*|``, :data:`STATE_ROUNDING`).  Such a run is converging if z* attracts it, and
    on an orbit below the floor if not: an adversarial review's limit cycle of radius 1e-8 about z* = (1e5, 0), z*
    unstable for gd at local rate 1.006, read "converging" from a start 3e-8 away.  ``simulate`` and ``sweep`` test
    z* there (:func:`gandynamics.runs.equilibria.zstar_instability`) and read an unstable one's runs again with the
    floor at the state's rounding (:func:`state_rounding_norm`)."""
    zn = np.asarray(zn, dtype=float)
    with np.errstate(invalid="ignore"):
        return ((np.asarray(code) == CONVERGING) & (np.asarray(tail_max) <= FLOOR_REL * zn)
                & (np.asarray(tail_max) > np.asarray(tail_min))
                & (np.asarray(tail_min) > STATE_ROUNDING * np.finfo(float).eps * zn))


def state_rounding_norm(zn):
    """The ``|z*|`` to read a run of :func:`moving_below_floor` with: its floor at the state's rounding,
    ``STATE_ROUNDING eps |z*|`` in place of ``FLOOR_REL |z*|``."""
    return np.asarray(zn, dtype=float) * (STATE_ROUNDING * np.finfo(float).eps / FLOOR_REL)


def rounding_candidates(code, d_final, tail_min, block: int = 8192):
    """:func:`may_stand_at_rounding` over a sweep's ``(B,)`` arrays, as two index arrays: ``(bounded, stalled)``, the
    rows read "bounded, not converging" and the "converging" rows whose last distance is not their smallest (the
    same rows, in order).  In blocks of ``block`` rows through small reused buffers: the test's temporaries over
    the whole arrays (a float array and three boolean ones of B entries) cost more in page faults than the
    comparisons (0.4 of the 2.3 ms a 100,000-row sweep spent on this test and the distances after it).  (A
    compiled pass, 0.09 ms against NumPy's 0.17-0.25, was tried: loading it from numba's disk cache cost the first
    sweep of each process 3.4-5.7 ms, a review of session 49.)"""
    code = np.asarray(code)
    bounded = np.flatnonzero(code == BOUNDED)
    B = code.shape[0]
    buf, hit, conv = np.empty(min(B, block)), np.empty(min(B, block), bool), np.empty(min(B, block), bool)
    parts = []
    with np.errstate(invalid="ignore"):
        for a in range(0, B, block):
            b = min(B, a + block)
            f, h, c = buf[:b - a], hit[:b - a], conv[:b - a]
            np.multiply(tail_min[a:b], 1.0 + STALL_REL, out=f)
            np.greater(d_final[a:b], f, out=h)
            np.equal(code[a:b], CONVERGING, out=c)
            h &= c
            if h.any():
                parts.append(np.flatnonzero(h) + a)
    stalled = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
    return bounded, stalled


def at_rounding_of_F(field, p, zf, zs, d_start: float, converging: bool = False) -> bool:
    """Whether a run that ended at ``zf`` (n,) reached ``zs`` (its z*, (n,)) to within the rounding of F's value: the
    distance ``d = |zf - zs|`` at most ``FLOOR_REL max(|z*|, d_start)`` (:data:`FLOOR_REL`, the relative floor of a run
    about ``z* != 0``; ``d_start`` the start's distance), and at ``zf`` ``|F| <= ||DF||_2`` times that floor (what the
    linearisation allows there) with F passing the zero test of :func:`gandynamics.equilibrium.zero_test` (a jump of F
    near ``z*`` does not), and the computed F *not* what the linearisation gives: ``|F(zf) - DF(zf) (zf - zs)|`` above
    :data:`LINEAR_DEVIATION` times ``|DF(zf) (zf - zs)|``.  So close to ``z*`` a smooth F is its linearisation to many
    digits unless rounding decides its value: where F's terms are large beside F, the computed F vanishes or drifts
    before the state reaches ``z*`` (``tanh(1 + y) - tanh(1)`` is 0 for ``|y| < 1e-16``) and the run stands there;
    about ``z* = 0`` the reading's floor is :data:`RECORD_FLOOR` only, and such a run, 2.7e-17 from ``z*``, read
    "bounded, not converging" (a new user's game with ``y - log(1 + y)`` in a loss).  A run that passes a saddle 1e-26
    from it, where F = (x, -y/10) is computed to every digit, is no such run (without the last test it read
    "converging" while its distance rose 47-fold: an adversarial review).  Such a run is read again with
    :func:`rounding_floor_norm` in place of ``|z*|``: ``simulate`` and ``sweep`` alike, from the final state, z* and
    the start's distance, which both have.  A run read "converging" (``converging``) must stray from its
    linearisation by :data:`STALLED_DEVIATION`, the order of F's value: runs still falling near z* strayed by 1.6e-4
    to 0.1 (curvature), runs on a plateau of F's rounding by 0.67 to 1 (a review of the change: without it 16 of 540
    runs still falling were read again above a floor they had not reached, their rates up to 17 times further off)."""
    zf, zs = np.asarray(zf, float), np.asarray(zs, float)
    d_final = norm(zf - zs)
    floor = FLOOR_REL * max(norm(zs), d_start)
    if not (0.0 < d_final <= floor):
        return False
    fz, D = field.eval_F(zf, p), field.eval_DF(zf, p)
    if not (np.all(np.isfinite(fz)) and np.all(np.isfinite(D))):
        return False
    lin = D @ (zf - zs)
    rounded = norm(fz - lin) > (STALLED_DEVIATION if converging else LINEAR_DEVIATION) * norm(lin)
    return bool(rounded and norm(fz) <= float(np.linalg.norm(D, 2)) * floor
                and zero_test(field, zf, p, math.inf, F=fz, D=D)[1])


#: how far the computed F at a run's end may stray from its linearisation about z* (relative) and still be read as
#: F's value there, not its rounding (:func:`at_rounding_of_F`): within 1e-12 relative of z* a smooth F is its
#: linearisation to about that and its value is computed to a few ulps, while F's rounding, where it holds a run, is
#: of the order of the value itself (0.38 for tanh(y + 1) - tanh(1) at 1e-16, which rounded to 0; 1e-16 for the
#: exact F = (x, -y/10) a saddle's run passed 1e-26 from z*)
LINEAR_DEVIATION = 1e-6
#: the same for a run already read "converging" (:func:`at_rounding_of_F`): its F is rounding's at the order of itself
STALLED_DEVIATION = 0.3


def rounding_floor_norm(d_final, zn):
    """The ``|z*|`` to read a run of :func:`at_rounding_of_F` with (numbers, or arrays of one per run): its rounding
    floor ``FLOOR_REL |z*|`` then :data:`ROUNDING_MARGIN` times ``d_final``, the distance where it ended (the samples
    just above that level are bent by the rounding of F: with the floor at twice it, gd's rate on ``F = (y + x, -x +
    (1 - 1/(1 + y))/2)`` (as F was computed before it became ``y/(2 (1 + y))``) at h = 0.3 read 0.703 for the
    linearisation's 0.8276)."""
    return np.maximum(zn, ROUNDING_MARGIN * np.asarray(d_final, dtype=float) / FLOOR_REL)
