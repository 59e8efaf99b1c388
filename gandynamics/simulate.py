r"""Simulation: one trajectory (:func:`simulate`) or a batch over a grid (:func:`sweep`).

Both run the compiled kernels of :mod:`gandynamics.kernels` (update rules in :mod:`gandynamics.methods`);
a single trajectory is a batch of one, so ``simulate`` and each row of a ``sweep`` give bit-identical
results.

Divergence.  After every step the state is checked: a NaN component gives ``reason="nan"``, an infinite
one ``"overflow"``, a max-norm above ``bound`` ``"bound"`` (and the adaptive flow may stop with
``"stepsize"`` when its step underflows).  ``diverged_at`` is the index ``k`` of the first such state
``z_k``; the trajectory stops there, ``final`` holds that state.

Measured rate (``rate_fit``).  ``rate`` is ``exp(slope)`` of the ordinary least-squares line through
``(k, log |z_k - z*|)`` over the recorded states of the second half ``[T/2, T]`` of the trajectory's life
(``T = steps``, or ``diverged_at - 1``), leaving out distances at or below the floor
``max(1e-290, 1e-12 |z*|)`` (where rounding, not the dynamics, sets the distance) and non-finite ones; when
fewer than 3 samples qualify, the last half (at least 2) of all qualifying samples is used, else NaN.  For a
linear rate ``|z_k - z*| ~ C rho^k`` this returns ``rho`` (docs/mathematics.md §5.4); ``rate < 1`` converges.
``sweep`` records ``samples`` equally spaced distances per trajectory for the fit.

Parallel sweeps.  ``sweep`` builds a picklable :class:`Plan` (the generated module's *source text* plus the
row arrays); :func:`run_rows` runs rows ``[lo, hi)`` of a plan and returns their columns, splitting them
into contiguous ranges run by ``numba.get_num_threads()`` threads (the kernels release the GIL; no number
depends on the split).  Locally the chunks run in order in this process (a tqdm bar when the sweep takes more than ~2 s; Ctrl-C stops after
the running chunk and keeps the finished rows); with ``client=`` (a ``dask.distributed.Client`` or a
``concurrent.futures.Executor``) they are handed to :func:`gandynamics.distributed.map_rows`, which sizes
the chunks from the row cost measured on the workers and gathers the results in grid order.
"""

from __future__ import annotations

import csv
import json
import math
import threading
import time
from dataclasses import dataclass, field as dc_field
from typing import Mapping

import numpy as np
from numba import njit

from . import codegen
from .errors import GandynamicsError
from .kernels import CODES, DEFAULT_NB, REASONS, kernel_source
from .methods import METHODS, ORDERS, SCHEMES, get_method

__all__ = ["simulate", "sweep", "Trajectory", "SweepResult", "Plan", "run_rows", "fit_rate", "RATE_FIT",
           "kernel_module", "grid_axis"]

RATE_FIT = ("least-squares slope of log|z_k - z*| against k over the recorded states in the second half "
            "[T/2, T] of the trajectory (T = steps or the step before divergence), distances above the floor "
            "max(1e-290, 1e-12 |z*|); rate = exp(slope)")

_OPTION_NAMES = {"beta", "n_g", "n_d", "order", "alternating", "rtol", "atol", "scheme", "box"}


# --------------------------------------------------------------------------------------------- module
def _module_source(fld, nb: int = DEFAULT_NB) -> str:
    """The full text of the generated module with the kernels (what :func:`codegen.load_module` imports)."""
    kernels = kernel_source(codegen.generate_block_source(fld.F, fld.z, fld.hyper), nb)
    base = fld._base_source
    return base + "\n\n" + kernels + "\n"


def kernel_module(fld, nb: int = DEFAULT_NB):
    """The field's generated module with every integrator kernel (compiled lazily, cached on disk)."""
    return codegen.load_module(kernel_module_source(fld, nb))


# --------------------------------------------------------------------------------------------- validation
def _steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        try:
            f = float(steps)
        except (TypeError, ValueError):
            raise GandynamicsError(f"steps must be a whole number >= 1, got {steps!r}") from None
        if not f.is_integer():
            raise GandynamicsError(f"steps must be a whole number >= 1, got {steps!r}")
        steps = int(f)
    if steps < 1:
        raise GandynamicsError(f"steps must be a whole number >= 1, got {steps!r}")
    return int(steps)


def _positive(v, what) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be a positive number, got {v!r}") from None
    if not (math.isfinite(f) and f > 0):
        raise GandynamicsError(f"{what} must be a positive finite number, got {v!r}")
    return f


def _step_pair(step) -> tuple[float, float]:
    """``h`` or ``(h_G, h_D)`` -> ``(h_G, h_D)``, both positive and finite."""
    if step is None:
        raise GandynamicsError("step is required: a positive number h or a pair (h_G, h_D)")
    if isinstance(step, (tuple, list, np.ndarray)):
        vals = list(np.asarray(step, dtype=object).reshape(-1))
        if len(vals) == 1:
            vals = vals * 2
        if len(vals) != 2:
            raise GandynamicsError(f"step must be a number h or a pair (h_G, h_D), got {step!r}")
        return _positive(vals[0], "step h_G"), _positive(vals[1], "step h_D")
    h = _positive(step, "step")
    return h, h


def _int_opt(v, what, lo=1) -> int:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be a whole number >= {lo}, got {v!r}") from None
    if not f.is_integer() or f < lo:
        raise GandynamicsError(f"{what} must be a whole number >= {lo}, got {v!r}")
    return int(f)


def _box(fld, box) -> np.ndarray | None:
    """``box`` as an ``(n, 2)`` array of bounds (``-inf``/``inf`` where free) or None."""
    if box is None:
        return None
    out = np.empty((fld.n, 2))
    out[:, 0], out[:, 1] = -np.inf, np.inf
    if isinstance(box, Mapping):
        for name, lohi in box.items():
            if name not in fld.names:
                raise GandynamicsError(f"box: unknown parameter {name!r}; accepted: {', '.join(fld.names)}")
            try:
                lo, hi = (float(x) for x in lohi)
            except (TypeError, ValueError):
                raise GandynamicsError(f"box: {name} needs a pair (lo, hi), got {lohi!r}") from None
            out[fld.names.index(name)] = lo, hi
    else:
        try:
            arr = np.asarray(box, dtype=float)
        except (TypeError, ValueError):
            raise GandynamicsError("box must be an (n, 2) array of bounds or a dict name -> (lo, hi)") from None
        if arr.shape != (fld.n, 2):
            raise GandynamicsError(f"box must have shape ({fld.n}, 2) (one (lo, hi) per parameter), got {arr.shape}")
        out[:] = arr
    if np.any(np.isnan(out)) or np.any(out[:, 0] > out[:, 1]):
        raise GandynamicsError("box: each bound pair must satisfy lo <= hi (use -inf/inf for no bound)")
    return out


def _options(fld, method, options: dict) -> dict:
    """Validate the keyword options for ``method``; returns normalised values."""
    unknown = set(options) - _OPTION_NAMES
    if unknown:
        raise GandynamicsError(f"unknown option(s) {', '.join(sorted(unknown))}; accepted: {', '.join(sorted(_OPTION_NAMES))}")
    m = get_method(method)
    given = {k for k, v in options.items() if v is not None}
    extra = given - set(m.options) - {"box"}
    # options meant for another method of a multi-method sweep are accepted silently there; here strict
    out = {"extra": extra}
    order = options.get("order") or "generator-first"
    if order not in ORDERS:
        raise GandynamicsError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    out["dfirst"] = int(order == "discriminator-first")
    out["n_g"] = _int_opt(options.get("n_g", 1) if options.get("n_g") is not None else 1, "n_g")
    out["n_d"] = _int_opt(options.get("n_d", 1) if options.get("n_d") is not None else 1, "n_d")
    out["alternating"] = int(bool(options.get("alternating") or False))
    beta = options.get("beta")
    beta = 0.0 if beta is None else beta
    try:
        out["beta"] = float(beta)
    except (TypeError, ValueError):
        raise GandynamicsError(f"beta must be a number, got {beta!r}") from None
    if not math.isfinite(out["beta"]):
        raise GandynamicsError(f"beta must be finite, got {beta!r}")
    scheme = options.get("scheme") or "rk4"
    if scheme not in SCHEMES:
        raise GandynamicsError(f"scheme must be one of {', '.join(SCHEMES)}, got {scheme!r}")
    out["scheme"] = scheme
    out["rtol"] = _positive(options.get("rtol") if options.get("rtol") is not None else 1e-8, "rtol")
    out["atol"] = _positive(options.get("atol") if options.get("atol") is not None else 1e-10, "atol")
    out["box"] = _box(fld, options.get("box"))
    if m.name == "flow" and out["box"] is not None:
        raise GandynamicsError("box (projection) applies to the discrete methods, not to flow")
    if m.name == "momentum" and out["alternating"] and (out["n_g"] != 1 or out["n_d"] != 1):
        raise GandynamicsError("alternating momentum takes one step per player (n_g = n_d = 1)")
    return out


# --------------------------------------------------------------------------------------------- plan
@dataclass
class Plan:
    """Everything needed to run rows of a sweep anywhere (picklable: source text, no dispatcher).

    Rows are ordered method-major: ``method_index`` is non-decreasing.
    """

    source: str
    kernels: list                 # kernel name per method index
    method_index: np.ndarray      # (B,) int
    Z0: np.ndarray                # (B, n)
    P: np.ndarray                 # (B, n_p)
    H: np.ndarray                 # (B, 2)
    BETA: np.ndarray              # (B,)
    ZSTAR: np.ndarray             # (B, n)
    K: int
    rec_idx: np.ndarray           # (R,) int64
    record: bool
    bound: float
    box: np.ndarray               # (n, 2)
    use_box: bool
    iopt: np.ndarray              # per method index: (n_methods, 5) int64
    fopt: np.ndarray              # per method index: (n_methods, 2)

    @property
    def rows(self) -> int:
        return int(self.Z0.shape[0])

    @property
    def n(self) -> int:
        return int(self.Z0.shape[1])


def _alloc(plan: Plan, m: int) -> dict:
    R = len(plan.rec_idx)
    return {
        "final": np.empty((m, plan.n)),
        "dist": np.empty((m, R)),
        "divat": np.full(m, -1, dtype=np.int64),
        "reason": np.zeros(m, dtype=np.int64),
        "rec": np.full((m, R, plan.n), np.nan) if plan.record else np.zeros((1, 1, plan.n)),
    }


def run_rows(plan: Plan, lo: int, hi: int, out: dict | None = None) -> dict:
    """Run rows ``[lo, hi)`` of ``plan``; returns ``{"final", "dist", "divat", "reason", "rec"}`` for them.

    With ``out`` (arrays for all rows, as from a full allocation) the kernels write into its rows
    ``[lo, hi)`` in place and the same dict is returned.
    """
    mod = codegen.load_module(plan.source)
    if out is None:
        res = _alloc(plan, hi - lo)
        off = lo
    else:
        res = out
        off = 0
    mi = plan.method_index
    start = lo
    while start < hi:
        k = int(mi[start])
        stop = start + int(np.searchsorted(mi[start:hi], k, side="right"))
        a, b = start - off, stop - off
        kname = plan.kernels[k]
        rec = res["rec"][a:b] if plan.record else res["rec"]
        args = (plan.Z0[start:stop], plan.P[start:stop], plan.H[start:stop], plan.BETA[start:stop],
                plan.ZSTAR[start:stop], plan.K, plan.rec_idx, plan.record, rec, res["dist"][a:b],
                res["final"][a:b], res["divat"][a:b], res["reason"][a:b], plan.bound, plan.box, plan.use_box,
                plan.iopt[k], plan.fopt[k])
        rows = stop - start
        if kname == "dopri5":
            units, call = rows, (lambda u0, u1, args=args: mod.run_dopri5(u0, u1, *args))
        else:
            code = CODES[kname]
            units = (rows + DEFAULT_NB - 1) // DEFAULT_NB
            call = (lambda u0, u1, args=args, code=code: mod.run_discrete(code, u0, u1, *args))
        _threaded(call, units)
        start = stop
    return res


_POOLS: dict = {}
_POOLS_LOCK = threading.Lock()


def _threaded(call, units: int) -> None:
    """Run ``call(u0, u1)`` over ``[0, units)`` split into contiguous ranges, one per numba thread
    (``numba.get_num_threads()`` of the calling thread; the kernels release the GIL).  Each unit's result
    depends only on its own rows, so the split does not change any number."""
    import numba
    nt = max(1, min(int(numba.get_num_threads()), units))
    if nt == 1:
        call(0, units)
        return
    with _POOLS_LOCK:  # one pool per size, never shut down while another thread may submit to it
        pool = _POOLS.get(nt)
        if pool is None:
            from concurrent.futures import ThreadPoolExecutor
            pool = _POOLS[nt] = ThreadPoolExecutor(max_workers=nt, thread_name_prefix="gandynamics")
    parts = min(units, 4 * nt)  # a few ranges per thread: the pool balances uneven rows (early divergence)
    cuts = np.linspace(0, units, parts + 1).round().astype(int)
    futs = [pool.submit(call, int(cuts[j]), int(cuts[j + 1])) for j in range(parts)]
    try:
        for f in futs:
            f.result()
    except KeyboardInterrupt:
        for f in futs:  # let the running ranges finish: they write into the caller's arrays
            f.result()
        raise


def _warm(plan: Plan) -> None:
    """Compile (or load from the disk cache) every kernel the plan uses, on a one-row, one-step problem."""
    for k in np.unique(plan.method_index):
        i = int(np.searchsorted(plan.method_index, k))
        small = Plan(plan.source, plan.kernels, np.array([k]), plan.Z0[i:i + 1], plan.P[i:i + 1], plan.H[i:i + 1],
                     plan.BETA[i:i + 1], plan.ZSTAR[i:i + 1], 1, np.array([0, 1], dtype=np.int64), plan.record,
                     plan.bound, plan.box, plan.use_box, plan.iopt, plan.fopt)
        run_rows(small, 0, 1)


# --------------------------------------------------------------------------------------------- equilibria
def _equilibria(fld, P: np.ndarray, equilibrium=None) -> np.ndarray:
    """The equilibrium ``z*`` for each row's hyperparameters (NaN where none could be found)."""
    B = P.shape[0]
    if equilibrium is not None:
        zs = fld.point(equilibrium)
        return np.ascontiguousarray(np.broadcast_to(zs, (B, fld.n)))
    from .analysis import find_equilibrium
    Z = np.full((B, fld.n), np.nan)
    if fld.equilibrium is not None and B:
        Z[:] = fld.equilibrium
        F = kernel_module(fld).field_rows(Z, np.ascontiguousarray(P), np.empty_like(Z))
        bad = ~(np.linalg.norm(F, axis=1) < 1e-10)
    else:
        bad = np.ones(B, dtype=bool)
    if bad.any():
        uniq, inv = np.unique(P[bad], axis=0, return_inverse=True)
        Zu = np.full((uniq.shape[0], fld.n), np.nan)
        for j in range(min(len(uniq), 1000)):  # searches are cheap but not free; beyond 1000: NaN
            try:
                Zu[j] = find_equilibrium(fld, uniq[j])[0]
            except GandynamicsError:
                pass
        Z[bad] = Zu[np.asarray(inv).reshape(-1)]
    return Z


# --------------------------------------------------------------------------------------------- rates
def fit_rate(idx, dist, life, zstar_norm=None):
    """Geometric rate per step from recorded distances (see :data:`RATE_FIT`).

    Parameters
    ----------
    idx : (R,) step indices of the samples
    dist : (B, R) distances ``|z_k - z*|`` (NaN after divergence)
    life : (B,) last step of each trajectory's life (``steps``, or ``diverged_at - 1``)
    zstar_norm : (B,) ``|z*|`` (sets the rounding floor); default 0

    Returns
    -------
    (B,) array: ``exp`` of the least-squares slope of ``log dist`` against ``k``.
    """
    idx = np.ascontiguousarray(idx, dtype=float)
    dist = np.ascontiguousarray(np.atleast_2d(np.asarray(dist, dtype=float)))
    B = dist.shape[0]
    life = np.ascontiguousarray(np.broadcast_to(np.asarray(life, dtype=float), (B,)))
    zn = np.zeros(B) if zstar_norm is None else np.nan_to_num(np.broadcast_to(np.asarray(zstar_norm, float), (B,)))
    floor = np.ascontiguousarray(np.maximum(1e-290, 1e-12 * zn))
    out = np.empty(B)
    # rows are independent: split them over numba's threads (the kernel releases the GIL)
    _threaded(lambda r0, r1: _fit_rows(idx, dist, life, floor, out, r0, r1), B)
    return out


@njit(cache=True, nogil=True)
def _line_slope(x, y, sel, lo, hi):
    """Least-squares slope of y against x over the entries sel[lo:hi]."""
    c = 0.0
    sx = 0.0
    sy = 0.0
    for j in range(lo, hi):
        c += 1.0
        sx += x[sel[j]]
        sy += y[sel[j]]
    mx = sx / c
    my = sy / c
    num = 0.0
    den = 0.0
    for j in range(lo, hi):
        dx = x[sel[j]] - mx
        num += dx * (y[sel[j]] - my)
        den += dx * dx
    return num / den


@njit(cache=True, nogil=True)
def _fit_rows(idx, dist, life, floor, out, r0, r1):
    R = idx.shape[0]
    logd = np.empty(R)
    ok = np.empty(R, dtype=np.int64)
    win = np.empty(R, dtype=np.int64)
    for r in range(r0, r1):
        nwin = 0
        half = 0.5 * life[r]
        for j in range(R):  # the window [T/2, T] first: logs only where they are used
            d = dist[r, j]
            if half <= idx[j] <= life[r] and d > floor[r] and d < math.inf:
                logd[j] = math.log(d)
                win[nwin] = j
                nwin += 1
        if nwin >= 3:
            out[r] = math.exp(_line_slope(idx, logd, win, 0, nwin))
            continue
        nok = 0
        for j in range(R):
            d = dist[r, j]
            if idx[j] <= life[r] and d > floor[r] and d < math.inf:
                logd[j] = math.log(d)
                ok[nok] = j
                nok += 1
        if nok >= 2:
            lo = nok // 2 if nok >= 4 else 0
            out[r] = math.exp(_line_slope(idx, logd, ok, lo, nok))
        else:
            out[r] = math.nan


# --------------------------------------------------------------------------------------------- Trajectory
@dataclass
class Trajectory:
    """One simulated trajectory.

    Attributes
    ----------
    states : (k, n) array        recorded states ``z_t`` for ``t`` in ``times`` (up to divergence)
    times : (k,) int array       iteration indices of the recorded states (for flow: ``t = times * step``)
    distance : (k,) array        ``|z_t - z*|`` (Euclidean)
    final : (n,) array           the last state (the offending one if the trajectory diverged)
    diverged : bool
    diverged_at : int or None    index of the first non-finite or out-of-bound state
    reason : str                 ``"nan"``, ``"overflow"``, ``"bound"``, ``"stepsize"`` or ``""``
    rate : float                 measured last-iterate rate per step (see :data:`RATE_FIT`)
    rate_fit : str               how ``rate`` was fit
    method, step, steps, params, equilibrium, names, options
    """

    states: np.ndarray
    times: np.ndarray
    distance: np.ndarray
    final: np.ndarray
    diverged: bool
    diverged_at: int | None
    reason: str
    rate: float
    rate_fit: str
    method: str
    step: tuple
    steps: int
    params: dict
    equilibrium: np.ndarray
    names: list = dc_field(default_factory=list)
    options: dict = dc_field(default_factory=dict)

    @property
    def final_distance(self) -> float:
        return float(np.linalg.norm(self.final - self.equilibrium))

    def to_dict(self, states: bool = True) -> dict:
        """A JSON-ready summary (``method``, ``steps``, ``final``, ``distance``, ``rate``, ``diverged``,
        ``diverged_at``, ...; with ``states`` also the recorded states)."""
        d = {
            "method": self.method, "steps": self.steps, "step": list(self.step), "parameters": self.names,
            "params": self.params, "options": self.options, "init": self.states[0].tolist() if len(self.states) else None,
            "final": self.final.tolist(), "equilibrium": self.equilibrium.tolist(),
            "distance": self.final_distance, "rate": self.rate, "rate_fit": self.rate_fit,
            "diverged": self.diverged, "diverged_at": self.diverged_at, "reason": self.reason,
        }
        if states:
            d["times"] = self.times.tolist()
            d["states"] = self.states.tolist()
            d["distances"] = self.distance.tolist()
        return d

    def to_csv(self, path) -> None:
        """Recorded states as CSV: ``k, <parameter names>, distance``."""
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["k"] + self.names + ["distance"])
            for t, z, d in zip(self.times, self.states, self.distance):
                w.writerow([int(t)] + [repr(float(v)) for v in z] + [repr(float(d))])


def _opt_arrays(fld, kernel, o) -> tuple[np.ndarray, np.ndarray]:
    iopt = np.array([fld.n_theta, o["n_g"], o["n_d"], o["dfirst"], o["alternating"]], dtype=np.int64)
    fopt = np.array([o["rtol"], o["atol"]], dtype=float)
    return iopt, fopt


def simulate(field, method, z0, steps, step, params=None, *, record_every=1, bound=1e6, equilibrium=None,
             **options) -> Trajectory:
    """Run one trajectory of ``method`` from ``z0``.

    Parameters
    ----------
    field : VectorField
    method : str
        One of :data:`gandynamics.methods.METHODS` (gd, altgd, eg, eftp, ogda, momentum, flow).
    z0 : sequence of float
        Initial state ``(theta, psi)``.
    steps : int
        Number of iterations ``K >= 1`` (for ``flow``: output intervals of length ``step``).
    step : float or (float, float)
        ``h`` or ``(h_G, h_D)`` (two-timescale); for ``flow`` the time step (one value).
    params : dict, optional
        Hyperparameter values by name (defaults of the field otherwise).
    record_every : int
        Record every ``record_every``-th state (the last one always).
    bound : float
        A state with max-norm above ``bound`` counts as diverged (``reason="bound"``); ``inf`` disables.
    equilibrium : sequence, optional
        ``z*`` for the distances; default the field's (verified, or searched with scipy for these params).
    **options
        ``beta``, ``alternating`` (momentum); ``n_g``, ``n_d``, ``order`` (altgd; order also for alternating
        momentum); ``scheme`` ("rk4"/"dopri5"), ``rtol``, ``atol`` (flow); ``box`` (projection bounds,
        ``(n, 2)`` array or dict name -> (lo, hi)).

    Returns
    -------
    Trajectory
    """
    m = get_method(method)
    K = _steps(steps)
    hg, hd = _step_pair(step)
    if m.name == "flow" and hg != hd:
        raise GandynamicsError("flow takes one time step h, not a pair (h_G, h_D)")
    o = _options(field, m.name, options)
    if o["extra"]:
        raise GandynamicsError(f"{m.name} takes no option(s) {', '.join(sorted(o['extra']))}; accepted: "
                               f"{', '.join(m.options + ('box',)) if m.name != 'flow' else ', '.join(m.options)}")
    z = field.point(z0)
    p = field.param_vector(params)
    ev = _step_index(K, record_every)
    bnd = _bound(bound)
    kernel = m.kernel_for(o["scheme"])
    zstar = _equilibria(field, p[None, :], equilibrium)
    iopt, fopt = _opt_arrays(field, kernel, o)
    box = o["box"]
    plan = Plan(source=kernel_module_source(field), kernels=[kernel], method_index=np.zeros(1, dtype=np.int64),
                Z0=z[None, :].copy(), P=p[None, :].copy(), H=np.array([[hg, hd]]), BETA=np.array([o["beta"]]),
                ZSTAR=zstar, K=K, rec_idx=ev, record=True, bound=bnd,
                box=box if box is not None else np.zeros((field.n, 2)), use_box=box is not None,
                iopt=iopt[None, :], fopt=fopt[None, :])
    res = run_rows(plan, 0, 1)
    div = int(res["divat"][0])
    keep = ev <= div if div >= 0 else np.ones(len(ev), dtype=bool)
    life = K if div < 0 else div - 1
    rate = float(fit_rate(ev, res["dist"], [life], [np.linalg.norm(zstar[0])])[0])
    states = res["rec"][0][keep]
    dist = res["dist"][0][keep]
    pd = {s.name: float(v) for s, v in zip(field.hyper, p)}
    opts = {k: v for k, v in options.items() if v is not None and k != "box"}
    if box is not None:
        opts["box"] = box.tolist()
    return Trajectory(states=states, times=ev[keep], distance=dist, final=res["final"][0].copy(),
                      diverged=div >= 0, diverged_at=div if div >= 0 else None, reason=REASONS[int(res["reason"][0])],
                      rate=rate, rate_fit=RATE_FIT, method=m.name, step=(hg, hd), steps=K, params=pd,
                      equilibrium=zstar[0].copy(), names=list(field.names), options=opts)


def kernel_module_source(fld, nb: int = DEFAULT_NB) -> str:
    """The generated module's source text (what a :class:`Plan` carries)."""
    cache = fld.__dict__.setdefault("_kernel_modules", {})
    if nb not in cache:
        cache[nb] = _module_source(fld, nb)
    return cache[nb]


def _step_index(K, record_every) -> np.ndarray:
    e = _int_opt(record_every, "record_every")
    idx = np.arange(0, K + 1, e, dtype=np.int64)
    if idx[-1] != K:
        idx = np.append(idx, K)
    return idx


def _bound(bound) -> float:
    try:
        b = float(bound)
    except (TypeError, ValueError):
        raise GandynamicsError(f"bound must be a positive number (or inf), got {bound!r}") from None
    if not b > 0:
        raise GandynamicsError(f"bound must be a positive number (or inf), got {bound!r}")
    return b


# --------------------------------------------------------------------------------------------- sweep
def grid_axis(spec: str) -> tuple[str, np.ndarray]:
    """Parse ``name=start:stop:count`` (inclusive linspace) or ``name=v1,v2,...``."""
    if not isinstance(spec, str) or "=" not in spec or not spec.split("=", 1)[0].strip():
        raise GandynamicsError(f"malformed grid {spec!r}; expected name=start:stop:count or name=v1,v2,...")
    name, rhs = (s.strip() for s in spec.split("=", 1))
    try:
        if ":" in rhs:
            a, b, c = rhs.split(":")
            cf = float(c)
            if not cf.is_integer() or cf < 1:
                raise ValueError
            vals = np.linspace(float(a), float(b), int(cf))
        else:
            vals = np.array([float(v) for v in rhs.split(",")])
    except ValueError:
        raise GandynamicsError(f"malformed grid {spec!r}; expected name=start:stop:count (count a whole number >= 1) "
                               "or name=v1,v2,...") from None
    if not np.all(np.isfinite(vals)) or vals.size == 0:
        raise GandynamicsError(f"grid {name}: values must be finite, got {rhs!r}")
    return name, vals


@dataclass
class SweepResult:
    """The table of a sweep: one row per trajectory, columns as named 1-D arrays.

    Columns: ``method``, ``init_<name>`` (initial state), one column per grid axis and per hyperparameter,
    ``step_g``, ``step_d``, ``beta``, ``final_<name>``, ``distance`` (final ``|z - z*|``), ``rate`` (see
    :data:`RATE_FIT`), ``diverged``, ``diverged_at`` (-1 if not), ``reason``, ``finished`` (False for rows
    not run because the sweep was interrupted).  ``dims`` lists the grid axes ``(name, values)`` in row-major
    order when the sweep was a product (``method``, ``init``, then the grid), else ``(method, row)``.
    """

    columns: dict
    dims: list
    product: bool
    steps: int
    names: list
    meta: dict = dc_field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["distance"])

    def __getitem__(self, key):
        return self.columns[key]

    @property
    def complete(self) -> bool:
        return bool(np.all(self.columns["finished"]))

    @property
    def final(self) -> np.ndarray:
        """``(rows, n)`` final states."""
        return np.column_stack([self.columns[f"final_{n}"] for n in self.names])

    # ---- export
    def to_dict(self) -> dict:
        return {"columns": {k: v.tolist() for k, v in self.columns.items()},
                "dims": [[n, np.asarray(v).tolist()] for n, v in self.dims], "product": self.product,
                "steps": self.steps, "parameters": self.names, "meta": self.meta}

    def to_json(self, path) -> None:
        from .cli.common import dumps
        with open(path, "w") as fh:
            fh.write(dumps(self.to_dict()))

    def to_csv(self, path) -> None:
        keys = list(self.columns)
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(keys)
            cols = [self.columns[k] for k in keys]
            for i in range(len(self)):
                w.writerow([_cell(c[i]) for c in cols])

    def to_npz(self, path) -> None:
        np.savez(path, **self.columns, _meta=json.dumps({"dims": [[n, np.asarray(v).tolist()] for n, v in self.dims],
                                                         "product": self.product, "steps": self.steps,
                                                         "parameters": self.names, "meta": self.meta}, default=str))

    def save(self, path) -> str:
        """Write by extension: ``.csv``, ``.npz`` or ``.json``."""
        p = str(path)
        if p.endswith(".csv"):
            self.to_csv(p)
        elif p.endswith(".npz"):
            self.to_npz(p)
        elif p.endswith(".json"):
            self.to_json(p)
        else:
            raise GandynamicsError(f"output file {p!r}: the extension must be .csv, .npz or .json")
        return p

    def to_pandas(self):
        """A :class:`pandas.DataFrame` of the table (requires pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise GandynamicsError("to_pandas needs pandas: pip install pandas") from None
        return pd.DataFrame(self.columns)

    def to_xarray(self):
        """An :class:`xarray.Dataset` labelled by the grid axes (requires xarray).

        Product sweeps: dimensions ``method``, ``init`` and one per grid axis; zip sweeps: ``method``,
        ``row``.  Final and initial states (``final``, ``initial``) carry an extra dimension ``parameter``."""
        try:
            import xarray as xr
        except ImportError:
            raise GandynamicsError("to_xarray needs xarray: pip install xarray") from None
        names = [n for n, _ in self.dims]
        shape = tuple(len(v) for _, v in self.dims)
        coords = {n: np.asarray(v) for n, v in self.dims}
        data = {}
        for k in ("distance", "rate", "diverged", "diverged_at", "reason", "finished", "step_g", "step_d", "beta"):
            data[k] = (names, np.asarray(self.columns[k]).reshape(shape))
        data["final"] = (names + ["parameter"], self.final.reshape(shape + (len(self.names),)))
        init = np.column_stack([self.columns[f"init_{n}"] for n in self.names]).reshape(shape + (len(self.names),))
        data["initial"] = (names + ["parameter"], init)
        coords["parameter"] = self.names
        return xr.Dataset(data, coords=coords, attrs={"steps": self.steps, "rate_fit": RATE_FIT})


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (np.bool_, bool)):
        return int(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


_STEP_AXES = ("step", "step_g", "step_d", "beta")


def sweep(field, method, *, inits, grid=None, steps, step=None, params=None, product=True, client=None,
          chunk_size=None, progress=None, bound=1e6, equilibrium=None, samples=65, **options) -> SweepResult:
    """Run many trajectories: methods x initial points x grid values (product) or zipped.

    Parameters
    ----------
    field : VectorField
    method : str or list of str
        Method name(s) (rows are ordered method first).
    inits : array (m, n) or (n,)
        Initial points.
    grid : dict name -> 1-D array, optional
        Axes over hyperparameters of the field (``gamma``, ``sigma``, ...), ``step`` (both players),
        ``step_g``/``step_d`` (per player) and ``beta``.
    steps : int
        Iterations per trajectory.
    step : float or (h_G, h_D), optional
        Step when ``step`` is not a grid axis.
    params : dict, optional
        Fixed hyperparameter values (the grid overrides them).
    product : bool
        True: every combination (dims ``method, init, <grid axes>``); False: ``inits`` and every grid array
        have the same length L (or 1) and are zipped into L rows per method.
    client : dask.distributed.Client or concurrent.futures.Executor, optional
        Run the chunks there (:func:`gandynamics.distributed.map_rows`); the table is bitwise the local one.
    chunk_size : int, optional
        Rows per chunk (default: locally about 2e7 trajectory-steps; with ``client`` sized from the row
        cost measured on the workers, :func:`gandynamics.distributed.auto_chunk_size`).
    progress : bool, optional
        Force the tqdm bar on/off (default: on when the sweep is estimated to take more than ~2 s).
    bound, equilibrium, options : as in :func:`simulate`
    samples : int
        Distances recorded per trajectory for the rate fit (equally spaced over ``[0, steps]``).

    Returns
    -------
    SweepResult
    """
    methods = [method] if isinstance(method, str) or not isinstance(method, (list, tuple)) else list(method)
    if not methods:
        raise GandynamicsError(f"give at least one method; accepted: {', '.join(METHODS)}")
    ms = [get_method(m) for m in methods]
    K = _steps(steps)
    bnd = _bound(bound)
    grid = dict(grid or {})
    inits = np.asarray(inits, dtype=float) if not isinstance(inits, np.ndarray) else inits.astype(float)
    if inits.ndim == 1:
        inits = inits[None, :]
    if inits.ndim != 2 or inits.shape[1] != field.n:
        raise GandynamicsError(f"inits must be points of {field.n} entries ({', '.join(field.names)}), got shape {inits.shape}")
    if not np.all(np.isfinite(inits)):
        raise GandynamicsError("inits must be finite")
    hyper_names = list(field.defaults)
    axes = []
    for name, vals in grid.items():
        if name not in hyper_names and name not in _STEP_AXES:
            raise GandynamicsError(f"unknown grid axis {name!r}; accepted: {', '.join(hyper_names + list(_STEP_AXES))}")
        v = np.asarray(vals, dtype=float).reshape(-1)
        if v.size == 0 or not np.all(np.isfinite(v)):
            raise GandynamicsError(f"grid {name}: values must be a non-empty array of finite numbers")
        if name.startswith("step") and np.any(v <= 0):
            raise GandynamicsError(f"grid {name}: step sizes must be positive")
        axes.append((name, v))
    if "step" in grid and ("step_g" in grid or "step_d" in grid):
        raise GandynamicsError("give the grid axis step, or step_g/step_d, not both")
    base_p = field.param_vector(params)
    need_step = not ("step" in grid or ("step_g" in grid and "step_d" in grid))
    hg0, hd0 = _step_pair(step) if (step is not None or need_step) else (np.nan, np.nan)
    if "step_g" in grid and "step_d" not in grid and step is None:
        raise GandynamicsError("grid step_g needs step= (or a step_d axis) for the discriminator")
    # per-method options
    per = []
    for m in ms:
        o = _options(field, m.name, options)
        per.append(o)
        if m.name == "flow" and (("step_g" in grid) or ("step_d" in grid) or hg0 != hd0 and not math.isnan(hg0)):
            raise GandynamicsError("flow takes one time step h, not a pair (h_G, h_D)")
    allowed = set().union(*[set(m.options) for m in ms]) | {"box"}
    stray = {k for k, v in options.items() if v is not None} - allowed
    if stray:
        raise GandynamicsError(f"option(s) {', '.join(sorted(stray))} apply to none of {', '.join(m.name for m in ms)}")
    # rows (per method)
    if product:
        dims = [("init", np.arange(len(inits)))] + axes
        shape = tuple(len(v) for _, v in dims)
        L = int(np.prod(shape))
        idx = np.indices(shape).reshape(len(shape), -1)
        init_i = idx[0]
        axis_vals = {name: v[idx[j + 1]] for j, (name, v) in enumerate(axes)}
    else:
        lens = {len(inits)} | {len(v) for _, v in axes}
        lens.discard(1)
        if len(lens) > 1:
            raise GandynamicsError(f"zip sweep: inits and every grid axis must have the same length (or 1); got {sorted(lens)}")
        L = lens.pop() if lens else 1
        init_i = np.arange(L) if len(inits) == L else np.zeros(L, dtype=int)
        axis_vals = {name: np.broadcast_to(v, (L,)).copy() if len(v) == 1 else v for name, v in axes}
        dims = [("row", np.arange(L))]
    nm = len(ms)
    B = nm * L
    Z0 = np.ascontiguousarray(np.tile(inits[init_i], (nm, 1)))
    P = np.tile(base_p, (L, 1))
    for j, name in enumerate(hyper_names):
        if name in axis_vals:
            P[:, j] = axis_vals[name]
    P = np.ascontiguousarray(np.tile(P, (nm, 1)))
    H = np.empty((L, 2))
    H[:, 0] = axis_vals.get("step", axis_vals.get("step_g", np.full(L, hg0)))
    H[:, 1] = axis_vals.get("step", axis_vals.get("step_d", np.full(L, hd0)))
    H = np.ascontiguousarray(np.tile(H, (nm, 1)))
    BETA = np.empty(B)
    for k, o in enumerate(per):
        BETA[k * L:(k + 1) * L] = axis_vals.get("beta", np.full(L, o["beta"]))
    ZSTAR = _equilibria(field, P, equilibrium)
    method_index = np.repeat(np.arange(nm, dtype=np.int64), L)
    kernels = [m.kernel_for(o["scheme"]) for m, o in zip(ms, per)]
    iopt = np.vstack([_opt_arrays(field, kk, o)[0] for kk, o in zip(kernels, per)])
    fopt = np.vstack([_opt_arrays(field, kk, o)[1] for kk, o in zip(kernels, per)])
    box = per[0]["box"]
    S = _int_opt(samples, "samples", 2)
    rec_idx = np.unique(np.round(np.linspace(0, K, min(S, K + 1))).astype(np.int64))
    plan = Plan(source=kernel_module_source(field), kernels=kernels, method_index=method_index, Z0=Z0, P=P, H=H,
                BETA=BETA, ZSTAR=ZSTAR, K=K, rec_idx=rec_idx, record=False, bound=bnd,
                box=box if box is not None else np.zeros((field.n, 2)), use_box=box is not None,
                iopt=iopt, fopt=fopt)
    res, finished, info = _execute(plan, client=client, chunk_size=chunk_size, progress=progress,
                                   evals=max(_evals(m, o) for m, o in zip(ms, per)))
    # table
    divat = res["divat"]
    div = finished & (divat >= 0)
    life = np.where(div, divat - 1, K)
    rate = fit_rate(rec_idx, res["dist"], life, np.linalg.norm(np.nan_to_num(ZSTAR), axis=1))
    rate[~finished] = np.nan
    final = res["final"]
    final[~finished] = np.nan
    with np.errstate(invalid="ignore"):
        distance = np.linalg.norm(final - ZSTAR, axis=1)
    distance[~finished] = np.nan
    cols = {"method": np.repeat(np.array([m.name for m in ms]), L)}
    for j, name in enumerate(field.names):
        cols[f"init_{name}"] = Z0[:, j]
    for name, _ in axes:
        if name in hyper_names or name in ("step_g", "step_d", "beta"):
            continue
        cols[name] = np.tile(axis_vals[name], nm)
    for j, name in enumerate(hyper_names):
        cols[name] = P[:, j]
    cols["step_g"], cols["step_d"], cols["beta"] = H[:, 0], H[:, 1], BETA
    for j, name in enumerate(field.names):
        cols[f"final_{name}"] = final[:, j]
    cols["distance"] = distance
    cols["rate"] = rate
    cols["diverged"] = div
    cols["diverged_at"] = np.where(div, divat, -1)
    names = np.array([REASONS[c] for c in sorted(REASONS)])
    cols["reason"] = np.where(finished, names[np.clip(res["reason"], 0, len(names) - 1)], "")
    cols["finished"] = finished
    all_dims = [("method", np.array([m.name for m in ms]))] + dims
    meta = dict(info, rate_fit=RATE_FIT, samples=int(len(rec_idx)), bound=bnd, methods=[m.name for m in ms])
    return SweepResult(columns=cols, dims=all_dims, product=bool(product), steps=K, names=list(field.names), meta=meta)


def _evals(m, o) -> int:
    return {"gd": 1, "altgd": o["n_g"] + o["n_d"], "eg": 2, "eftp": 1, "ogda": 1,
            "momentum": 2 if o["alternating"] else 1, "flow": 4 if o["scheme"] == "rk4" else 8}[m.name]


def _execute(plan: Plan, client=None, chunk_size=None, progress=None, evals=1):
    """Run all rows of ``plan``: returns (columns, finished mask, info)."""
    B = plan.rows
    if chunk_size is None:
        # about 8e7 trajectory-steps of a 2-parameter game per chunk (~0.1 s on 2 cores): few barriers
        # between chunks, yet a progress bar and a prompt Ctrl-C; equal chunks, so no small tail chunk
        budget = 8e7 / max(1.0, plan.K * evals * max(1.0, plan.n / 2))
        chunk = int(max(256, min(max(B, 1), budget)))
        chunk = -(-B // -(-B // chunk)) if B > 0 else chunk
    else:
        chunk = _int_opt(chunk_size, "chunk_size")
    if chunk < B:  # whole kernel blocks per chunk
        chunk = -(-chunk // DEFAULT_NB) * DEFAULT_NB
    ranges = [(lo, min(B, lo + chunk)) for lo in range(0, B, chunk)]
    finished = np.zeros(B, dtype=bool)
    info = {"chunks": len(ranges), "chunk_size": chunk, "interrupted": False}
    if client is not None:
        try:
            from . import distributed
        except ImportError:
            raise GandynamicsError("sweep(client=...) needs gandynamics.distributed: pip install gandynamics[distributed]") from None
        out = _alloc(plan, B)
        t0 = time.perf_counter()
        try:  # chunks sized from the cost of a row measured on the workers (gandynamics.distributed)
            ranges, parts, dinfo = distributed.map_rows(client, plan, B, block=DEFAULT_NB, warm=_warm, progress=progress,
                                                        chunk_size=None if chunk_size is None else chunk)
        except distributed.ChunksInterrupted as exc:  # Ctrl-C: keep the finished chunks
            ranges, parts, dinfo = exc.ranges, exc.results, exc.info
            info["interrupted"] = True
        info.update(dinfo)
        for (lo, hi), part in zip(ranges, parts):
            if part is None:
                continue
            for k in ("final", "dist", "divat", "reason"):
                out[k][lo:hi] = part[k]
            finished[lo:hi] = True
        info["seconds"] = time.perf_counter() - t0
        return out, finished, info
    out = _alloc(plan, B)
    t0 = time.perf_counter()
    _warm(plan)
    info["compile_seconds"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    bar = None
    try:
        for j, (lo, hi) in enumerate(ranges):
            run_rows(plan, lo, hi, out)
            finished[lo:hi] = True
            if j == 0 and len(ranges) > 1 and progress is not False:
                est = (time.perf_counter() - t1) * len(ranges)
                if progress or est > 2.0:
                    from tqdm.auto import tqdm
                    bar = tqdm(total=B, initial=hi, unit="traj", desc="sweep", leave=False)
            elif bar is not None:
                bar.update(hi - lo)
    except KeyboardInterrupt:
        info["interrupted"] = True
    finally:
        if bar is not None:
            bar.close()
    info["seconds"] = time.perf_counter() - t1
    return out, finished, info
