"""Many trajectories at once: :func:`sweep` over methods x initial points x grid values.

``sweep`` builds a picklable :class:`~gandynamics.runs.engine.Plan` and runs it in chunks of rows: locally in
order in this process (a tqdm bar when the sweep takes more than ~2 s; Ctrl-C stops after the running
chunk and keeps the finished rows; rows so long that a chunk of the fewest rows is much more than a chunk's work
also run their steps in chunks, so the bar moves and a Ctrl-C is honoured within them), or with ``client=`` (a ``dask.distributed.Client`` or a
``concurrent.futures.Executor``) through :func:`gandynamics.distributed.map_rows`, which sizes the chunks
from the row cost measured on the workers and gathers the results in grid order.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import NamedTuple

import numpy as np

from ..equilibrium import norm
from ..errors import GandynamicsError, applies_to_none, install_hint, names_phrase, names_refusal
from ..kernels import REASONS, block_width
from ..methods import METHODS, get_methods, named_defaults
from .engine import (INTERPRETED_NB, Interrupted, Plan, StepChunks, _HeldCtrlC, alloc, choose_engine,
                     interpreted_eval_seconds, run_rows, threaded, warm)
from .equilibria import (SETTLED_RTOL, equilibria_shared, fixed_step_tableau, integrator_damping, reference_points,
                         row_distances_recorded, row_norms, settled_at_zero, slower_than_contracting,
                         spurious_fixed_point, stands_still, stuck_reason, zeros_from_final_states, zstar_instability,
                         zstar_norms)
from .module import kernel_module_source
from ..provenance import provenance, provenance_date
from .ratefit import (RATE_FIT, VERDICT_RULE, VERDICTS, at_rounding_of_F, divergence_span, drop_transient_algebraic,
                      fit_rate, mark_no_zstar, mark_stopped, moving_below_floor, poly_cap, rounding_candidates,
                      rounding_floor_norm, row_reader, state_rounding_norm)  # noqa: F401 (fit_rate: re-exported)
from ..verdict import BOUNDED, CONVERGING, DIVERGED, ENVELOPE_FACTOR, ENVELOPE_MIN_SAMPLES, FLOOR_REL
from .progress import Progress, progress_option
from .results import ROW_VERDICTS, Columns, SweepResult
from .validate import (bound_value, check_step_work, coordinate_steps, int_option, method_options, sample_steps,
                       shared_options, step_pair, steps_count)

__all__ = ["sweep", "sweep_plan", "hyper_axis_names"]


_STEP_AXES = ("step", "step_g", "step_d", "beta")


def sweep(field, method, *, inits=None, grid=None, steps, step=None, params=None, product=True, client=None,
          chunk_size=None, progress=None, bound=1e6, equilibrium=None, samples=65, engine="auto",
          **options) -> SweepResult:
    """Run many trajectories: methods x initial points x grid values (product) or zipped.

    Parameters
    ----------
    field : VectorField
    method : str or list of str
        Method name(s) of :data:`gandynamics.methods.METHODS`: one name, names joined by commas (``"gd,eg"``, as on
        the command line) or a list (rows are ordered method first).
    inits : array (m, n) or (n,), optional
        Initial points (default: the equilibrium + 1 in every coordinate, the start of :func:`simulate`'s command
        line, ``sweep`` and ``portrait``: ``equilibrium`` when given, else
        :func:`gandynamics.equilibrium.reference_point` at ``params``, plus 1).
    grid : dict name -> 1-D array, optional
        Axes over hyperparameters of the field (``gamma``, ``sigma``, ...), ``step`` (both players),
        ``step_g``/``step_d`` (per player) and ``beta`` (the methods that take a momentum coefficient; a method of
        the same sweep that takes none has a row per value all the same, the same run, its ``beta`` column NaN).
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
        Rows per chunk (default: locally about 8e7 trajectory-steps of a 2-parameter game, ~0.1 s on 2 cores, or
        on the interpreted engine about 0.1 s by its estimated cost per step, and one chunk for a sweep of at most
        2.5 times that unless ``progress=True``; with ``client`` sized from the row cost measured on the workers,
        :func:`gandynamics.distributed.auto_chunk_size`).
    progress : bool, callable or None, optional
        Force the tqdm bar on/off (default ``None``: on when the sweep is estimated to take more than ~2 s, where a
        bar can be seen: :func:`gandynamics.log.bars_wanted`), or a
        function ``progress(done, total)`` called with the rows finished and the rows in all as a bar would move
        (the same counts with ``client``); any other value is refused before any work.  Unless ``False``, a local
        sweep with more than :data:`PACE_NOTICE_LEFT` seconds to go after :data:`gandynamics.log.NOTICE_AFTER`
        seconds says once how long it will take in all at its pace so far (a notice: :mod:`gandynamics.log`); rows
        of very many steps move the bar in parts of a row.
    bound, equilibrium, options : as in :func:`simulate`
    samples : int
        Distances recorded per trajectory for the rate fit: at steps 0 and ``steps`` and one step at a fixed
        pseudo-random position in each of ``samples - 2`` equal runs of ``[1, steps - 1]``
        (:func:`gandynamics.runs.validate.sample_steps`: a constant stride can resonate with an orbit).
    engine : {"auto", "compiled", "interpreted"}
        Where the steps run (:func:`gandynamics.runs.engine.choose_engine`): ``"auto"`` interprets a sweep
        small enough to finish within about a second without compiling (recorded in ``meta["engine"]``).

    Returns
    -------
    SweepResult
    """
    progress = progress_option(progress)
    (plan, B, K, rec_idx, ZSTAR, evals, ms, L, Z0, axes, hyper_names, axis_vals, nm, P, H, BETA, dims, hg0, hd0, bnd,
     base_p, inits, zstar_shared, poly_max, missing, uses_beta) = _prepare(field, method, inits, grid, steps, step, params, product, bound, equilibrium, samples,
                               engine, options)  # a _Prepared, unpacked
    # each range of rows is read (rate fit, verdict) by the thread that ran it, right after its kernel (filling the
    # table's run columns there too was measured 8 % slower on 2 threads: numpy calls on small ranges hold the GIL)
    out = alloc(plan, B, dist=False, unset=True)  # (divat: the rows not run are set below)
    # (plan.ZSTAR: each row's z*, its start for a row with none; reference_points)
    zn = zstar_norms(plan.ZSTAR, zstar_shared)
    reader, then, ends = row_reader(rec_idx, K, out["divat"], zn, poly_max)
    without_zstar = missing  # (the rows read from their start: their recorded distances are not from z*)
    given = {}  # the table's columns of what was given, and the provenance record: made while the kernels run

    def make_given():
        cols = {}
        for j, name in enumerate(field.names):
            cols[f"init_{name}"] = Z0[:, j]
        for name, _ in axes:
            if name in hyper_names or name in ("step_g", "step_d", "beta"):
                continue
            cols[name] = np.tile(axis_vals[name], nm)  # (a copy: no two columns share their memory)
        for j, name in enumerate(hyper_names):
            cols[name] = P[:, j]
        if "step" not in cols:  # (a grid axis step gives it above) the step of both players, NaN where they differ:
            # every table has it, however the step was given (a new user's script read r["step"] of a sweep at a
            # fixed --step)
            cols["step"] = np.where(H[:, 0] == H[:, 1], H[:, 0], np.nan)
        cols["step_g"], cols["step_d"], cols["beta"] = H[:, 0], H[:, 1], BETA
        record = provenance(field, method=",".join(m.name for m in ms),
                            options={"grid": {name: _axis_record(v) for name, v in axes},
                                     "step": [hg0, hd0], "bound": bnd, "samples": int(len(rec_idx)),
                                     "product": bool(product),
                                     "inits": inits.tolist() if len(inits) <= 16 else
                                     {"count": len(inits), "first": inits[:4].tolist()},
                                     **named_defaults({k: v for k, v in options.items() if v is not None}, ms,
                                                      skip=[name for name, _ in axes])},
                            steps=K, params={s_.name: float(v) for s_, v in zip(field.hyper, base_p)},
                            per_row=_per_row_columns(field, hyper_names, [name for name, _ in axes]))
        given.update(cols=cols, provenance=record)

    res, finished, info = _execute(plan, client=client, chunk_size=chunk_size, progress=progress, evals=evals,
                                   out=out, then=then, meanwhile=make_given)
    if not given:  # (no rows run here -- Dask, or none at all -- or a Ctrl-C came first)
        make_given()
    info["engine"] = plan.engine
    # table
    divat = res["divat"]
    div = finished & (divat >= 0)
    every = bool(finished.all())
    diverged_at = divat  # (the kernels' own array, -1 where alive: set to -1 in place for the rows not run)
    if not every:
        diverged_at[~div] = -1
    reading = mark_stopped(reader.reading(), diverged_at, res["reason"])
    if missing is not None and every:  # rows with no z*: a zero from where they ended, if they headed for one, read
        # again (not after a Ctrl-C: the sweep stops there)
        ZSTAR, missing, cut, unsearched = _read_again_from_zeros(field, plan, K, rec_idx, poly_max, res["final"],
                                                                 finished & ~div, ZSTAR, missing, reading, evals)
        if cut:  # (a Ctrl-C during the second run: its rows not finished kept their first reading)
            info["zstar_search_interrupted"] = info["interrupted"] = True
        if unsearched:  # (rows whose |F| fell, beyond the cap on searches from final states)
            info["zstar_unsearched"] = unsearched
    if every and not info.get("interrupted"):  # (not after a Ctrl-C: the sweep stops there)
        _read_again_at_rounding_of_F(field, plan, K, rec_idx, poly_max, res["final"], ZSTAR, missing, reading, evals,
                                     ends, without_zstar, zn if np.ndim(zn) == 0 and without_zstar is None else None)
        below = _read_again_below_floor(field, plan, K, rec_idx, poly_max, ZSTAR, missing, reading, evals, ms, options,
                                        zn if np.ndim(zn) == 0 and without_zstar is None else None)
        if _read_again_diverged_early(plan, K, len(rec_idx), poly_max, ZSTAR, missing, reading, evals, zn, diverged_at):
            info["rate_reread_interrupted"] = info["interrupted"] = True
        if below:  # (rows under their floor whose linearisation the cap on tests left: read by the floor alone)
            info["below_floor_untested"] = below
    reading = mark_no_zstar(reading, missing)
    if len(rec_idx) < ENVELOPE_MIN_SAMPLES:  # (rows "bounded" whose envelope halved: a slow or modulated decay, perhaps
        # a power law's, that too few samples cannot read; simulate's 1,025 read it: the summary says so)
        falling = int(np.count_nonzero((reading.code == BOUNDED) & (reading.envelope_ratio <= ENVELOPE_FACTOR)
                                       & finished))
        if falling:
            info["bounded_falling"] = falling
    final_zero, spurious, stuck = np.zeros(B, dtype=bool), np.zeros(B, dtype=bool), np.zeros(B, dtype=bool)
    if every and not info.get("interrupted"):  # (rows read "bounded" that stand still at another zero of F: converged,
        # to another point than z*; or at
        # a spurious fixed point of their method)
        untested = _mark_other_zeros(field, plan, res["final"], ZSTAR, missing, reading, ~div, final_zero,
                                     spurious=spurious, methods=ms, options=options, stuck=stuck)
        if untested:
            info["final_zero_untested"] = untested
    alg = np.flatnonzero(np.isfinite(reading.algebraic))  # (a power law's reading where the linearisation contracts the
    if alg.size:  # run is a transient's: simulate's test, on the few rows read algebraic)
        reading = drop_transient_algebraic(
            reading, alg, field, [ms[i] for i in plan.method_index[alg]], ZSTAR[alg], P[alg], K,
            [h[0] if h[0] == h[1] else np.nan for h in H[alg]], [{**options, "beta": b} for b in BETA[alg]])
    if every and not info.get("interrupted"):  # (flow rows with a fixed-step scheme read "converging" by the
        # integrator's damping alone: "bounded, not converging", as simulate reads such a run)
        damped, untested = _mark_integrator_damping(field, plan, ZSTAR, missing, reading, ms, options)
        if damped:
            info["integrator_damping"] = damped
        if untested:
            info["integrator_damping_untested"] = untested

    def run_column(x):
        # a measure of the distance to z* (the rate, its spread, the tails): NaN for the rows not run and for the rows
        # with no z*, whose reading was of their displacement |z_k - z_0| (reference_points: their verdict alone is kept); the
        # reading's own (contiguous) column when every row ran and had its z*
        if not every:
            x = np.where(finished, x, np.nan)
        if missing is not None:
            x = np.where(missing, np.nan, x)
        return x

    # the verdicts as codes into ROW_VERDICTS, "not run" for the rows not run: the table's text columns are built from
    # their codes when first read (Columns)
    code = reading.code  # (a fresh array: RunReading.code is a conversion)
    if not every:
        code[~finished] = len(VERDICTS)
    final = res["final"]
    if not every:
        final[~finished] = np.nan
    distance = row_distances_recorded(final, ZSTAR, ends[1], redo=without_zstar)
    if not every:
        distance[~finished] = np.nan
    if not uses_beta.all():  # the beta column NaN on the rows of a method that has none (gd's rows read beta 0, or
        # the grid's values, as if it had acted: a new user), in place, every re-run of rows done
        BETA[~uses_beta[plan.method_index]] = np.nan
    cols = {"method": None, **given["cols"]}  # (method's place: Columns puts the coded column there)
    for j, name in enumerate(field.names):
        cols[f"final_{name}"] = final[:, j]
    for j, name in enumerate(field.names):  # the point each row's distance and rate are measured from
        cols[f"zstar_{name}"] = ZSTAR[:, j]
    cols["distance"] = distance
    cols["rate"] = run_column(reading.rate)
    # the rate's spread: the geometric log-rate's uncertainty over [T/2, T] (the difference of its two half-window
    # slopes plus its standard error) times the rate; a rate read from the 65 samples of a strongly modulated run (a
    # sheared rotation) may be off by 1e-3 without the table saying so
    with np.errstate(over="ignore", invalid="ignore"):  # (a diverging run's rate may be huge, its spread inf)
        cols["rate_err"] = run_column(np.multiply(reading.rate, reading.log_rate_err, out=reading.log_rate_err))
    # the exponent p of a decay like k^p (a converging or bounded row), NaN elsewhere: such a row has no rate per step
    cols["algebraic"] = run_column(reading.algebraic)
    cols["verdict"] = None
    cols["tail_min"] = run_column(reading.tail_min)
    cols["tail_max"] = run_column(reading.tail_max)
    cols["final_zero"] = final_zero
    cols["spurious_fixed_point"] = spurious
    cols["stuck"] = stuck
    cols["diverged"] = div
    cols["diverged_at"] = diverged_at
    names = tuple(REASONS[c] for c in sorted(REASONS)) + ("",)  # "" for the rows not run
    why = res["reason"]
    if not every or why.min(initial=0) < 0 or why.max(initial=0) > len(names) - 2:
        why = np.clip(why, 0, len(names) - 2)
        why[~finished] = len(names) - 1
    cols["reason"] = None
    cols["finished"] = finished
    cols = Columns(cols, coded={"method": ([m.name for m in ms], plan.method_index), "verdict": (ROW_VERDICTS, code),
                                "reason": (names, why)})
    all_dims = [("method", np.array([m.name for m in ms]))] + dims
    meta = dict(info, rate_fit=RATE_FIT, verdict_rule=VERDICT_RULE, samples=int(len(rec_idx)), bound=bnd,
                methods=[m.name for m in ms])
    meta["provenance"] = {**given["provenance"], "date": provenance_date()}  # (made while the rows ran: dated now)
    return SweepResult(columns=cols, dims=all_dims, product=bool(product), steps=K, names=list(field.names), meta=meta)


def _read_again_from_zeros(field, plan: Plan, K: int, rec_idx, poly_max, final, alive, ZSTAR, missing, reading, evals):
    """The rows with no z* that ran to the end (``missing & alive``) and headed for a zero of F
    (:func:`~gandynamics.runs.equilibria.zeros_from_final_states`): run again with that zero as their z* (the same
    steps, bitwise: only the distances recorded change), their readings put in place in ``reading``.  Returns
    ``(ZSTAR, missing, interrupted, unsearched)`` updated (a copy of ``ZSTAR``; ``missing`` None when no row is left
    without a z*; ``interrupted`` True after a Ctrl-C during the second run; ``unsearched`` the rows the cap on
    searches left)."""
    found, zs, unsearched = zeros_from_final_states(field, plan.P, final, plan.Z0, np.flatnonzero(missing & alive),
                                                    interpreted=plan.engine == "interpreted")
    if found.size == 0:
        return ZSTAR, missing, False, unsearched
    new, done, info = _run_again(plan, found, zs, row_norms(zs), K, rec_idx, poly_max, evals)
    _put_readings(reading, found, new, done)
    found, zs = found[done], zs[done]  # (a Ctrl-C during this run: the rows it did not finish keep their first reading)
    ZSTAR = ZSTAR.copy()
    ZSTAR[found] = zs
    missing = missing.copy()
    missing[found] = False
    return ZSTAR, (missing if missing.any() else None), bool(info.get("interrupted")), unsearched


#: at most this many bounded (or stalled converging) rows near their z* are tested by at_rounding_of_F in a sweep (each an evaluation of F and
#: DF at its final state and a zero test)
MAX_ROUNDING_TESTS = 5000


def _read_again_at_rounding_of_F(field, plan: Plan, K: int, rec_idx, poly_max, final, ZSTAR, missing, reading,
                                 evals, ends, redo=None, zstar_norm=None) -> None:
    """The rows read "bounded, not converging" (and "converging" ones that stopped falling before their end:
    :func:`~gandynamics.runs.ratefit.may_stand_at_rounding`) that ended within the rounding of F from their z*
    (:func:`~gandynamics.runs.ratefit.at_rounding_of_F`, as ``simulate`` tests a run): run again (the same steps,
    bitwise) and read with their rounding floor where they ended (:func:`~gandynamics.runs.ratefit.
    rounding_floor_norm`); the readings that are then "converging" put in place in ``reading`` (at most
    :data:`MAX_ROUNDING_TESTS` rows tested).  A new user's game with ``y - log(1 + y)`` in a loss: 11 rows of 25
    ended 4e-17 to 1.3e-16 from z* = 0 and read "bounded".  ``ends`` (first, last), two (B,) arrays: the distances the kernels recorded at
    the rows' first and last recording steps (:func:`~gandynamics.runs.ratefit.row_reader`), from which the
    candidates' start and final distances are taken where they are :func:`row_norms`' own numbers
    (:func:`row_distances_recorded`; the rows of ``redo``, which had no z* when they ran, computed);
    ``zstar_norm`` the one ``|z*|`` of rows that share their z* (None: computed per row)."""
    # (the bounded rows first, which the budget of tests was written for: a converging row is only re-read for its rate;
    # in row order the converging ones could crowd out a bounded row whose verdict was wrong, a review of the change)
    # (the converging rows whose last distance, as the kernels recorded it, is not their smallest: over the whole
    # arrays in blocks, without norms; the candidates' distances from the recorded ones: the norms of every converging
    # row took 11 ms of a 100,000-row sweep's 90, those of the candidates 1.5 ms of its serial 6)
    code = reading.code
    first, last = ends
    if redo is not None and redo.any():  # (rows that had no z* when they ran: their recorded distances are from their
        # start, and a zero found from where they ended is their z* now; their last distance to it computed here)
        r = np.flatnonzero(redo)
        last = last.copy()
        last[r] = row_norms(final[r] - ZSTAR[r])
    bounded, stalled = rounding_candidates(code, last, reading.tail_min)
    rows = np.concatenate([bounded, stalled])
    if missing is not None:
        rows = rows[~missing[rows]]
    df = row_distances_recorded(final, ZSTAR, last, rows=rows)  # (redo's rows: their distance in last, just made)
    d0 = row_distances_recorded(plan.Z0, ZSTAR, first, redo=redo, rows=rows)
    zn = row_norms(ZSTAR[rows]) if zstar_norm is None else np.full(rows.size, float(zstar_norm))
    close = (df > 0.0) & (df <= FLOOR_REL * np.maximum(zn, d0))
    rows, df, zn, d0 = rows[close], df[close], zn[close], d0[close]
    near = np.arange(min(rows.size, MAX_ROUNDING_TESTS))
    ok = near[[at_rounding_of_F(field, plan.P[rows[i]], final[rows[i]], ZSTAR[rows[i]], float(d0[i]),
                                converging=bool(code[rows[i]] == CONVERGING))
               for i in near]] if near.size else near
    if ok.size == 0:
        return
    rows = rows[ok]
    new, done, _ = _run_again(plan, rows, ZSTAR[rows], rounding_floor_norm(df[ok], zn[ok]), K, rec_idx, poly_max, evals)
    _put_readings(reading, rows, new, done & (new.code == CONVERGING))


def _row_options(field, m, options, beta: float, cache: dict) -> dict:
    """The options of method ``m`` in a row of the sweep: the sweep's ``options`` normalised for ``m`` (once per
    method, in ``cache``) with the row's ``beta`` where ``m`` takes one."""
    if m.name not in cache:
        cache[m.name] = method_options(field, m.name, options or {}, check_when=False)
    o = dict(cache[m.name])
    o.update({x.name: beta for x in m.options if x.slot == "beta"})  # (the row's beta)
    return o


def _read_again_below_floor(field, plan: Plan, K: int, rec_idx, poly_max, ZSTAR, missing, reading, evals, methods,
                            options, zstar_norm=None) -> int:
    """The rows read "converging" by the rounding floor alone, moving under it
    (:func:`~gandynamics.runs.ratefit.moving_below_floor`), whose z* is unstable for their method at their step
    (:func:`~gandynamics.runs.equilibria.zstar_instability`, tested once per method, step, beta, hyperparameters and
    z*; rows whose players' steps differ, and a sweep with a box, whose projection the linearisation does not see,
    are not tested), as ``simulate`` tests a run: run again (the same steps, bitwise) and read with the floor at the
    state's rounding (:func:`~gandynamics.runs.ratefit.state_rounding_norm`); the readings that are then not
    "converging" put in place in ``reading``.  At most :data:`MAX_ROUNDING_TESTS` distinct linearisations are tested;
    the rows of the others are counted (returned: the sweep's ``info["below_floor_untested"]``).  A sweep about
    z* = 0 has none: its floor is absolute.  ``zstar_norm`` the one ``|z*|`` of rows that share their z* (None:
    computed per row)."""
    if (zstar_norm is not None and not zstar_norm > 0.0) or plan.use_box:
        return 0
    # (the rows' |z*|, each by the norm the reading's floor took)
    zn = row_norms(ZSTAR) if zstar_norm is None else np.broadcast_to(float(zstar_norm), (ZSTAR.shape[0],))
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(reading.tail_max <= FLOOR_REL * zn)  # (the few under their floor first)
    rows = rows[moving_below_floor(reading.code[rows], reading.tail_min[rows], reading.tail_max[rows], zn[rows])]
    if missing is not None:
        rows = rows[~missing[rows]]
    rows = rows[plan.H[rows, 0] == plan.H[rows, 1]]
    opts, tested, unstable, untested = {}, {}, [], 0  # (the normalised options of each method met, once)
    for r in rows:
        key = (int(plan.method_index[r]), float(plan.H[r, 0]), float(plan.BETA[r]), plan.P[r].tobytes(),
               ZSTAR[r].tobytes())
        if key not in tested:
            if len(tested) >= MAX_ROUNDING_TESTS:
                untested += 1
                continue
            m = methods[plan.method_index[r]]
            o = _row_options(field, m, options, float(plan.BETA[r]), opts)
            tested[key] = zstar_instability(field, m, ZSTAR[r], plan.P[r], float(plan.H[r, 0]), o) is not None
        if tested[key]:
            unstable.append(r)
    if unstable:
        rows = np.asarray(unstable)
        new, done, _ = _run_again(plan, rows, ZSTAR[rows], state_rounding_norm(zn[rows]), K, rec_idx, poly_max, evals)
        _put_readings(reading, rows, new, done & (new.code != CONVERGING))
    return untested


def _fixed_step_continuous(field, m, options, cache: dict) -> bool:
    """Whether method ``m`` runs as a continuous flow with a fixed-step tableau under the sweep's ``options``
    (flow with scheme rk4: :func:`~gandynamics.runs.equilibria.integrator_damping` applies to its rows)."""
    if not m.continuous or m.rule is None:
        return False
    return fixed_step_tableau(m, _row_options(field, m, options, 0.0, cache)) is not None


def _mark_integrator_damping(field, plan: Plan, ZSTAR, missing, reading, methods, options) -> tuple[int, int]:
    """The rows of a continuous method run with a fixed-step scheme (flow with scheme rk4) read "converging" with a
    rate per step (not algebraic) whose convergence is the integrator's damping alone
    (:func:`~gandynamics.runs.equilibria.integrator_damping` and :func:`~gandynamics.runs.equilibria.
    damped_by_integrator`, tested once per method, step, hyperparameters and z*, as simulate tests a run: the flow's
    linearisation at z* does not contract, RK4's does, and the row converges slower than any mode the flow contracts):
    their code set to "bounded, not converging" in ``reading``.  Rows whose players' steps differ, rows with no z*
    and a sweep with a box are not tested; at most :data:`MAX_ROUNDING_TESTS` distinct linearisations are.  Returns
    ``(re-read, untested)``: the counts of rows read again so and of rows the cap left.  A sweep with no such method
    returns at once."""
    opts = {}  # (the normalised options of each method met, once)
    which = [i for i, m in enumerate(methods) if _fixed_step_continuous(field, m, options, opts)]
    if not which or plan.use_box:
        return 0, 0
    code = reading.code
    sel = code == CONVERGING
    if len(which) < len(methods):
        sel &= np.isin(plan.method_index, which)
    rows = np.flatnonzero(sel)
    rows = rows[~np.isfinite(reading.algebraic[rows]) & (plan.H[rows, 0] == plan.H[rows, 1])]
    if missing is not None:
        rows = rows[~missing[rows]]
    if rows.size == 0:
        return 0, 0
    # (the distinct linearisations by their rows' keys, at once: a Python loop over 100,000 converging rows of a flow
    # sweep took a third of a second)
    keys = np.column_stack([plan.method_index[rows].astype(float), plan.H[rows, 0], plan.P[rows], ZSTAR[rows]])
    uniq, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(first, kind="stable")  # (the linearisations in the order of their first rows, for the cap)
    contracting = np.full(uniq.shape[0], np.nan)  # NaN: no claim, or not tested
    for u in order[:MAX_ROUNDING_TESTS]:
        r = rows[first[u]]
        m = methods[plan.method_index[r]]
        o = _row_options(field, m, options, float(plan.BETA[r]), opts)
        found = integrator_damping(field, m, ZSTAR[r], plan.P[r], float(plan.H[r, 0]), o)
        if found is not None and found["flow"] != "stable":
            contracting[u] = found["contracting_rate"]
    untested = int(np.count_nonzero(np.isin(inverse, order[MAX_ROUNDING_TESTS:])))
    # (equilibria.damped_by_integrator over the rows)
    damped = rows[slower_than_contracting(reading.rate[rows], reading.log_rate_err[rows], contracting[inverse])]
    if damped.size:
        code[damped] = BOUNDED
    return int(damped.size), untested


def _mark_other_zeros(field, plan: Plan, final, ZSTAR, missing, reading, alive, out, spurious=None, methods=(),
                      options=None, stuck=None) -> int:
    """Set ``out[r]`` (B,) bool for the rows ``r`` read "bounded, not converging" that stand still at a zero of F
    other than their z* (:func:`~gandynamics.runs.equilibria.settled_at_zero`, the test of ``simulate``'s
    ``final_zero``): their distance to z* over the last half within
    :data:`~gandynamics.runs.equilibria.SETTLED_RTOL` of its size (an orbit at a fixed radius also keeps it: F's zero
    test tells them apart).  A sweep records distances, not states: the distance standing still is what it sees of a
    state standing still.  ``spurious`` (B,) bool, optional: set for those of the rows not at a zero of F that stand
    still at a spurious fixed point of their method (:func:`~gandynamics.runs.equilibria.spurious_fixed_point`,
    simulate's test; ``methods`` the plan's methods by method index, ``options`` the sweep's).  ``stuck`` (B,) bool,
    optional: set for the rows, those with no z* included, that stand still where F is not 0 but too small for a step
    to change the state (stuck, not converged: :func:`~gandynamics.runs.equilibria.stuck_reason`, the test of
    simulate's description, tested before the spurious fixed point as simulate tests it), the step ``H F`` repeated
    over the last half standing still coordinate by coordinate (an orbit whose distance to z* keeps still is not
    stuck, nor a state creeping along a small coordinate).  At most :data:`MAX_ROUNDING_TESTS` rows are tested, the
    others counted (returned)."""
    rows = np.flatnonzero(reading.code == BOUNDED)  # (the few bounded rows first: no pass over the whole arrays)
    lo, hi = reading.tail_min[rows], reading.tail_max[rows]
    no_zstar = np.zeros(rows.size, dtype=bool) if missing is None else missing[rows]
    with np.errstate(invalid="ignore"):
        # (a row with no z* is read on its displacement from its start, 0 for one that never moved: stuck from its
        # first step, the saturated loss's case)
        rows = rows[alive[rows] & ((lo > 0.0) | no_zstar & (lo == 0.0)) & (hi - lo <= SETTLED_RTOL * hi)]
    if missing is not None:  # (the rows with a z* first, for the cap; those with none only for the stuck test)
        rows = rows[~missing[rows]] if stuck is None else np.concatenate([rows[~missing[rows]], rows[missing[rows]]])
    rows = rows[np.all(np.isfinite(final[rows]), axis=1)]
    opts = {}  # (the normalised options of each method met, once)
    for r in rows[:MAX_ROUNDING_TESTS]:
        # (the state's own size, or its distance to z* if larger: simulate's scale, by the same norm)
        scale = max(norm(final[r]), float(reading.tail_max[r]))
        hs = coordinate_steps(field, plan.H[r, 0], plan.H[r, 1])
        lost = missing is not None and bool(missing[r])  # (no z*: read on its displacement from its start; only the
        # stuck test is made: a row standing at a zero of F had it found from its final state)
        # (a sweep sees the distance stand still, not the state: the step H F repeated over the last half must too,
        # coordinate by coordinate, as simulate's states do)
        zero, res = settled_at_zero(field, final[r], plan.P[r], scale, hs=hs, steps=plan.K)[:2]
        if not lost:
            out[r] = zero
        if zero or res != res:
            continue
        m = methods[plan.method_index[r]] if len(methods) else None
        why = None if m is None else stuck_reason(res, scale, float(max(plan.H[r])), m.moves_by_hF)
        if why is not None:  # (F too small to move it: simulate's description says "stuck, not converged" first)
            if stuck is not None:
                with np.errstate(over="ignore", invalid="ignore"):
                    moves = np.abs(np.asarray(hs, dtype=float) * field.eval_F(final[r], plan.P[r]))
                stuck[r] = stands_still(moves, final[r], scale, plan.K)
            continue
        if spurious is not None and not lost and m.extrapolated_points is not None:  # (eg, lookahead over it)
            o = _row_options(field, m, options, float(plan.BETA[r]), opts)
            spurious[r] = spurious_fixed_point(field, m, o, final[r], plan.P[r], hs, scale,
                                                  box=plan.box if plan.use_box else None, steps=plan.K) is not None
    return max(rows.size - MAX_ROUNDING_TESTS, 0)


def _read_again_diverged_early(plan: Plan, K: int, samples: int, poly_max, ZSTAR, missing, reading, evals, zstar_norm,
                               diverged_at) -> bool:
    """The rows that diverged with no rate (too few of the sweep's recording steps before their divergence to tell
    the rate's spread: :meth:`gandynamics.verdict.Reader.reading`) run again (the same steps, bitwise, so they diverge
    at the same step) over ``K' = 2^ceil(log2 d)`` steps, ``d`` the step they diverged at, with ``samples`` recording
    steps over ``[0, K']``: at least half of them before the divergence; their readings, where they now have a rate,
    put in place in ``reading`` (the rows of one ``K'`` run together: at most ``log2 K`` runs).  A step-size sweep of gd
    on the bilinear game at B = 2 read the rates of its rows at h = 0.05 and 0.1 and NaN from h = 0.2 on, where each
    row diverged before step 213 of 2,000 with 7 recording steps before it; ``simulate``, which records 1,025, read
    sqrt(1 + 4 h^2) (a new user).  Rows with no z* (read on their displacement) are left as they are.  Returns True
    after a Ctrl-C (the rows not yet read again keep their first reading)."""
    rows = np.flatnonzero((reading.code == DIVERGED) & np.isnan(reading.rate))
    if missing is not None:
        rows = rows[~missing[rows]]
    d = diverged_at[rows]
    rows, d = rows[d >= 2], d[d >= 2]
    if rows.size == 0:
        return False
    span = divergence_span(d)
    keep = span < K  # (K' = K: the sweep's own recording steps, nothing more to read)
    rows, span = rows[keep], span[keep]
    if rows.size == 0:
        return False
    from ..log import notice_if_slow
    with notice_if_slow(f"reading again the {rows.size} rows that diverged before the sweep's recording steps could "
                        "tell their rate: each run once more up to its divergence, recorded densely there ..."):
        for Kb in np.unique(span):
            rb = rows[span == Kb]
            zn = zstar_norm if np.ndim(zstar_norm) == 0 else zstar_norm[rb]
            new, done, info = _run_again(plan, rb, ZSTAR[rb], zn, int(Kb), sample_steps(int(Kb), samples), poly_max,
                                         evals)
            _put_readings(reading, rb, new, done & (new.code == DIVERGED) & np.isfinite(new.rate))
            if info.get("interrupted"):  # (a Ctrl-C: the rows not read again keep their first reading, NaN)
                return True
    return False


def _run_again(plan: Plan, rows, zs, zstar_norm, K: int, rec_idx, poly_max, evals):
    """Rows ``rows`` of ``plan`` run again with ``zs`` as their z* (the same steps, bitwise: only the distances recorded
    change) for ``K`` steps recorded at ``rec_idx`` and read with ``zstar_norm`` as their ``|z*|`` (their rounding
    floor): ``(reading, done, info)``, ``done`` the rows the run finished (all but after a Ctrl-C)."""
    sub = dataclasses.replace(plan, method_index=plan.method_index[rows], Z0=plan.Z0[rows], P=plan.P[rows],
                              H=plan.H[rows], BETA=plan.BETA[rows], ZSTAR=zs, K=int(K), rec_idx=rec_idx)
    out = alloc(sub, len(rows), dist=False)
    again, then, _ = row_reader(rec_idx, K, out["divat"], zstar_norm,
                                poly_max if np.ndim(poly_max) == 0 else poly_max[rows])
    _, done, info = _execute(sub, progress=False, evals=evals, out=out, then=then)
    return again.reading(), done, info


def _put_readings(reading, rows, new, keep) -> None:
    """``new``'s readings where ``keep`` in place of ``reading``'s rows ``rows`` (every field of the reading)."""
    for f in dataclasses.fields(new):
        getattr(reading, f.name)[rows[keep]] = getattr(new, f.name)[keep]


def row_bytes(field, method_names) -> int:
    """Bytes a sweep of ``field`` holds per row, its table and its working arrays together (the largest they can be):
    the table's numbers (``init_``, ``final_``, ``zstar_`` per coordinate, the hyperparameters, ``step``, ``step_g``,
    ``step_d``, ``beta``, ``distance``, ``rate``, ``rate_err``, ``algebraic``, ``tail_min``, ``tail_max``, ``diverged_at``), its flags
    (``final_zero``, ``spurious_fixed_point``, ``stuck``, ``diverged``, ``finished``) and text (``method``, ``verdict``, ``reason``: 4 bytes a character), and the plan and reading (the rows' starts,
    hyperparameters, steps, z* and reference points, final states, the reading's eight numbers, the kernels' stop
    records).  What :func:`sweep` checks against :func:`gandynamics.limits.memory_limit` before it allocates."""
    n, h = field.n, len(field.defaults)
    table = 8 * (3 * n + h + 11) + 5 + 4 * (max(map(len, method_names), default=0)
                                            + max(map(len, ROW_VERDICTS)) + max(map(len, REASONS.values())))
    work = 8 * (4 * n + h + 3 + 8 + 3)
    return int(table + work)


def check_rows(field, method_names, rows) -> None:
    """Refuse a sweep of ``rows`` rows whose table and working arrays (:func:`row_bytes`) exceed the memory limit
    (a GandynamicsError saying the rows, the bytes per row and the limit), before anything is computed."""
    from decimal import Decimal

    from ..limits import _count, check_bytes
    per = row_bytes(field, method_names)
    check_bytes(Decimal(float(rows)) * per, "the sweep's table", f"{_count(rows)} rows x {per} bytes a row")


def sweep_plan(field, method, *, inits=None, grid=None, steps, step=None, params=None, product=True, client=None,
               chunk_size=None, progress=None, bound=1e6, equilibrium=None, samples=65, engine="auto",
               **options) -> Plan:
    """The engine's :class:`~gandynamics.runs.engine.Plan` of ``sweep(field, method, ...)`` (same arguments, same
    checks and errors; ``client``, ``chunk_size`` and ``progress`` are how a sweep runs, not what: ignored) without
    running it: its rows run with :func:`gandynamics.runs.engine.run_rows` (to time the kernels alone, or to run a
    part of a sweep elsewhere)."""
    return _prepare(field, method, inits, grid, steps, step, params, product, bound, equilibrium, samples, engine,
                    options).plan


class _Prepared(NamedTuple):
    """A checked sweep: its plan and what the table is built from (the names of :func:`sweep`'s locals)."""

    plan: Plan
    B: int
    K: int
    rec_idx: np.ndarray
    ZSTAR: np.ndarray
    evals: int
    ms: list
    L: int
    Z0: np.ndarray
    axes: list
    hyper_names: list
    axis_vals: dict
    nm: int
    P: np.ndarray
    H: np.ndarray
    BETA: np.ndarray
    dims: list
    hg0: float
    hd0: float
    bnd: float
    base_p: np.ndarray
    inits: np.ndarray
    zstar_shared: bool  # every row's z* is the same point (equilibria_shared)
    poly_max: float | np.ndarray  # the cap of the rows' fitted polynomial exponent (ratefit.poly_cap of their method):
    # one number when every method has the same, else (B,)
    missing: np.ndarray | None  # (B,) the rows with no z* (read on |z_k - z_0|: reference_points), or None
    uses_beta: np.ndarray  # (number of methods,) bool: whether each method's kernel reads the row's beta


def _prepare(field, method, inits, grid, steps, step, params, product, bound, equilibrium, samples, engine, options):
    """Check a sweep's arguments and build its plan: returns the plan and what the table needs (see :func:`sweep`)."""
    from ..validate import field as _as_field
    field = _as_field(field, "sweep")  # a Game, a name or None: what it takes, not an AttributeError
    from ..validate import name_list
    # text "gd,eg" as on the command line (and as rates and classify take it; it read "unknown method 'gd,eg'")
    methods = name_list(method, "method") if isinstance(method, str) else \
        list(method) if isinstance(method, (list, tuple)) else [method]
    if not methods:
        raise GandynamicsError(f"give at least one method; accepted: {', '.join(METHODS)}")
    ms = get_methods(methods)
    twice = sorted({m.name for m in ms if sum(x.name == m.name for x in ms) > 1})
    if twice:
        raise GandynamicsError(f"{names_phrase(twice, 'method')} given twice: each method's rows are the same for every "
                               "mention; give each method once")
    if not isinstance(product, (bool, np.bool_)):
        raise GandynamicsError(f"product is True (every combination) or False (zipped rows); got {product!r}")
    from collections.abc import Mapping
    if grid is not None and not isinstance(grid, Mapping):
        raise GandynamicsError(f"grid must be a mapping name -> values, e.g. {{'gamma': [0.1, 0.3], 'step': "
                               f"'0.05,0.1'}}; got {type(grid).__name__}")
    if grid and "beta" in grid and not any(o.slot == "beta" for m in ms for o in m.options):
        takers = [n for n, m in METHODS.items() if any(o.slot == "beta" for o in m.options)]
        own = "beta" in field.defaults
        raise GandynamicsError(f"grid beta applies to none of {', '.join(m.name for m in ms)}: it is an option of "
                               f"{', '.join(takers)}" + ("; the game's hyperparameter beta is the grid axis hyper_beta"
                                                         if own else ""))
    K = steps_count(steps)
    bnd = bound_value(bound)
    grid = dict(grid or {})
    if inits is None:  # the command line's default start (it was required here alone), from the equilibrium given
        from ..equilibrium import reference_point
        field.param_vector(params)  # (a bad value named as such, not from inside the search for the zero)
        inits = (field.point(equilibrium) if equilibrium is not None else reference_point(field, params)) + 1.0
    try:
        inits = np.asarray(inits, dtype=float)  # (not copied: the plan's Z0 below is a copy)
    except (TypeError, ValueError):
        raise GandynamicsError(f"inits must be points of {field.n} entries ({', '.join(field.names)}): an array of "
                               f"shape (k, {field.n}); got {inits!r:.80}") from None
    if inits.size == 0:  # ([] read as one point of no entries: "got shape (1, 0)")
        raise GandynamicsError(f"inits must be at least one point of {field.n} entries ({', '.join(field.names)}), "
                               "got none")
    if inits.ndim == 1:
        inits = inits[None, :]
    if inits.ndim != 2 or inits.shape[1] != field.n:
        raise GandynamicsError(f"inits must be points of {field.n} entries ({', '.join(field.names)}), got shape {inits.shape}")
    # finite, and within the bound, from the extremes alone (NaN propagates through both; no temporaries of the B
    # rows: the rows' count only when some coordinate is beyond, a max along rows of a few columns is slow in numpy,
    # 3.6 ms for 100,000 points of 2)
    lo, hi = float(inits.min()), float(inits.max())
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise GandynamicsError("inits must be finite")
    beyond = int(np.count_nonzero((np.abs(inits) > bnd).any(axis=1))) if max(-lo, hi) > bnd else 0
    if beyond:  # their rows end at step 1 as diverged (reason "bound"): said, not left to look like the dynamics
        import warnings

        from ..errors import GandynamicsWarning
        warnings.warn(GandynamicsWarning(f"{beyond} of {len(inits)} initial points lie beyond the bound {bnd:zg} "
                                         "(max-norm): their rows end at step 1 as diverged (reason 'bound'); raise the "
                                         "bound (bound=, --bound) to run them"), stacklevel=3)
    hyper_names = hyper_axis_names(field)  # (the hyperparameters' names as grid axes and table columns)
    symbol_of = dict(zip(hyper_names, field.defaults))
    axes = []
    check_grid_axes(field, list(grid))  # (every unknown axis at once, before any axis's values)
    for name, vals in grid.items():
        v = _axis_values(vals, f"grid {name}")  # an array, a sequence, or text "v1,v2,..."
        key = symbol_of.get(name)
        if key is not None:  # a strength (>= 0), a hyperparameter declared of one sign: the one rule however it is
            # set (VectorField.hyper_value), tested as an array; the first offender gets the rule's message
            lo, hi = field.hyper_limits(key)
            if v.size and not (v.min() >= lo and v.max() <= hi):  # (the extremes first: no temporaries of the axis)
                for x in v[~((v >= lo) & (v <= hi))][:1]:
                    field.hyper_value(key, float(x))
        if name in _STEP_AXES and name.startswith("step") and np.any(v <= 0):
            raise GandynamicsError(f"grid {name}: step sizes must be positive")
        if product and v.size > 1:
            _refuse_repeated(v, name)
        axes.append((name, v))
    base_p = field.param_vector(params)
    check_step_sources(grid, step)
    need_step = not ("step" in grid or ("step_g" in grid and "step_d" in grid))
    hg0, hd0 = step_pair(step) if (step is not None or need_step) else (np.nan, np.nan)
    if "beta" in grid and options.get("beta") is not None:  # (the grid's beta replaced it on every row, silently)
        raise GandynamicsError(f"beta={options['beta']!r} and the grid axis beta both give every row its beta: give one "
                               "of them")
    # per-method options
    per = []
    for m in ms:
        o = method_options(field, m.name, options, check_when=False)  # (applicability: shared_options below)
        per.append(o)
        if not m.two_timescale and (("step_g" in grid) or ("step_d" in grid) or hg0 != hd0 and not math.isnan(hg0)):
            raise GandynamicsError(f"{m.name} takes one time step h, not a pair (h_G, h_D)")
    # an option (or the grid axis beta) that applies to none of the methods named is refused, for one method as for
    # several: momentum and lookahead over gd share --beta (momentum uses it), lookahead over gd alone would ignore it
    shared_options(field, ms, {**options, **({"beta": 0.0} if "beta" in grid else {})})
    allowed = set().union(*[set(m.option_names) for m in ms]) | {"box"}
    stray = {k for k, v in options.items() if v is not None} - allowed
    if stray:
        raise GandynamicsError(applies_to_none(stray, "option", [m.name for m in ms]))
    # rows (per method)
    if product:
        shape = (len(inits),) + tuple(len(v) for _, v in axes)
        L = math.prod(shape)
    else:
        lens = {len(inits)} | {len(v) for _, v in axes}
        lens.discard(1)
        if len(lens) > 1:  # (each length named by its axis: "got [2, 3]" did not say which was which, a new user)
            got = ", ".join([f"inits {len(inits)}"] + [f"{name} {len(v)}" for name, v in axes])
            raise GandynamicsError(f"zip sweep: inits and every grid axis must have the same length (or 1); got {got}")
        L = lens.pop() if lens else 1
    # the grid's beta is each method's beta slot (momentum's beta, adam's beta1, lookahead's base's): its values
    # checked by that option's own rule, at their extremes (the rules are ranges; adam ran at beta1 = -0.5 from a grid
    # where --beta1 -0.5 is refused: a new user's check)
    for name, v in axes:
        if name == "beta" and v.size:
            for m, o_ in zip(ms, per):
                for o in m.options:
                    if o.slot == "beta" and (o.when is None or o.when(o_)):
                        for x in (float(v.min()), float(v.max())):
                            o.coerce(x, m.name, f"grid beta ({m.name}'s {o.name})")
    # before any array of the rows (a product of 10^5 x 10^5 points was a MemoryError from np.indices)
    check_rows(field, [m.name for m in ms], len(ms) * L)
    if product:
        dims = [("init", np.arange(len(inits)))] + [(name, v.copy()) for name, v in axes]  # (the table's own)
        idx = np.indices(shape).reshape(len(shape), -1)
        init_i = idx[0]
        axis_vals = {name: v[idx[j + 1]] for j, (name, v) in enumerate(axes)}
    else:
        init_i = None  # (the rows' initial points: inits itself, or its one point repeated)
        axis_vals = {name: np.broadcast_to(v, (L,)).copy() if len(v) == 1 else v for name, v in axes}
        dims = [("row", np.arange(L))]
    nm = len(ms)
    B = nm * L
    slots = [m.slots(field, o) for m, o in zip(ms, per)]
    # the rows' arrays, method by method (the L rows of one method repeated for each), filled range by range of
    # rows: on the engine's threads for a large sweep, where their first touch (a page fault per 4 KB of new
    # memory, ~1.7 us on a virtual machine: 1,900 of them for 100,000 rows) and the check of the declared z* are
    # shared by the cores (_fill_rows)
    Z0, P, H = np.empty((B, field.n)), np.empty((B, len(base_p))), np.empty((B, 2))
    BETA, method_index = np.empty(B), np.empty(B, dtype=np.int64)
    hyper_cols = [(j, axis_vals[name]) for j, name in enumerate(hyper_names) if name in axis_vals]
    h_cols = [axis_vals.get("step", axis_vals.get("step_g", hg0)), axis_vals.get("step", axis_vals.get("step_d", hd0))]

    def fill(lo, hi):  # plan rows [lo, hi)
        for k in range(lo // L, (hi - 1) // L + 1):
            r0, r1 = max(lo, k * L), min(hi, (k + 1) * L)
            a, b = r0 - k * L, r1 - k * L  # (the rows of one method)
            if init_i is not None:
                Z0[r0:r1] = inits[init_i[a:b]]
            else:  # a zip sweep: one initial point per row, or one point for every row
                Z0[r0:r1] = inits[a:b] if len(inits) == L else inits[0]
            P[r0:r1] = base_p
            for j, v in hyper_cols:
                P[r0:r1, j] = v[a:b]
            for c, v in enumerate(h_cols):
                H[r0:r1, c] = v[a:b] if np.ndim(v) else v
            BETA[r0:r1] = axis_vals["beta"][a:b] if "beta" in axis_vals else slots[k][2]
            method_index[r0:r1] = k

    # the model's conditions of several hyperparameters, or nonlinear: each row's values (the first method's rows
    # hold every row's), refused before any row's z* is checked (the check runs the field's residual kernel, compiled
    # on its first use: a sweep with one bad row was refused after that compile, 1.5 s for a 2-parameter GAN, where
    # it had been at once); only for a model with such conditions, whose first method's rows are then filled here
    # first (the same numbers written again below)
    if L and field._joint_conditions:
        fill(0, L)
        field.check_conditions(P[:L])

    def split(check):  # the rows filled, each range's declared z* written and checked right after it by the same
        # thread: one wake of the engine's pool (a pool thread idle for a while takes ~0.25 ms to wake on a virtual
        # machine; two passes, the second woke them again and handed them the GIL twice more)
        _fill_rows(lambda lo, hi: (fill(lo, hi), check(lo, hi)), B)

    ZSTAR, shared = equilibria_shared(field, P, equilibrium, split=split)
    # (rows sharing the declared z*, verified at every row: none is without one)
    ZREF, missing = (ZSTAR, None) if shared and np.all(np.isfinite(ZSTAR[:1])) else reference_points(ZSTAR, Z0)
    kernels = [m.select(o).name for m, o in zip(ms, per)]
    iopt = np.vstack([s_[0] for s_ in slots])
    fopt = np.vstack([s_[1] for s_ in slots])
    box = per[0]["box"]
    S = int_option(samples, "samples", 2)
    rec_idx = sample_steps(K, S)
    plan = Plan(source=kernel_module_source(field), kernels=kernels, method_index=method_index, Z0=Z0, P=P, H=H,
                BETA=BETA, ZSTAR=ZREF, K=K, rec_idx=rec_idx, record=False, bound=bnd,
                box=box if box is not None else np.zeros((field.n, 2)), use_box=box is not None,
                iopt=iopt, fopt=fopt)
    work = [m.evaluations(o) + m.jacobians(o) * field.n for m, o in zip(ms, per)]  # evaluations per step
    for m, o, w in zip(ms, per, work):
        check_step_work(w, m.name, o)
    evals = max(work)
    plan.engine = choose_engine(engine, plan.source, B, K, evals)
    return _Prepared(plan=plan, B=B, K=K, rec_idx=rec_idx, ZSTAR=ZSTAR, evals=evals, ms=ms, L=L, Z0=Z0, axes=axes,
                     hyper_names=hyper_names, axis_vals=axis_vals, nm=nm, P=P, H=H, BETA=BETA, dims=dims, hg0=hg0,
                     hd0=hd0, bnd=bnd, base_p=base_p, inits=inits, zstar_shared=shared,
                     poly_max=_per_row([float(poly_cap(m, field, o)) for m, o in zip(ms, per)], method_index),
                     missing=missing,
                     uses_beta=np.array([any(o.slot == "beta" and (o.when is None or o.when(o_)) for o in m.options)
                                         for m, o_ in zip(ms, per)], dtype=bool))


#: a sweep of at least this many rows fills its rows' arrays on the engine's threads (:func:`_fill_rows`), in ranges of
#: this many rows (a pool thread idle for a while takes ~0.25 ms to wake on a virtual machine: a few thousand rows
#: are filled sooner by the calling thread alone)
FILL_ROWS = 16384


def _fill_rows(fill, B: int) -> None:
    """``fill(lo, hi)`` over the rows ``[0, B)``: in ranges of :data:`FILL_ROWS` rows on the engine's threads
    (:func:`~gandynamics.runs.engine.threaded`; NumPy's copies release the GIL) when there are at least two, else
    at once in this thread.  ``fill`` writes each row's numbers from its own row's inputs only: the split changes
    none."""
    units = B // FILL_ROWS
    if units < 2:
        fill(0, B)
        return
    threaded(lambda u0, u1: fill(u0 * FILL_ROWS, B if u1 == units else u1 * FILL_ROWS), units)


def _per_row(values: list, method_index: np.ndarray):
    """One value per method -> the value of every row (``method_index`` (B,)): the one number itself when the methods
    share it (what :class:`gandynamics.verdict.Reader` takes for every row without an array of B copies)."""
    if len(set(values)) == 1:
        return values[0]
    return np.asarray(values)[method_index]


#: the table's own columns and the sweep's own grid axes: a hyperparameter of one of these names is the axis and
#: column ``hyper_<name>`` (the Hopf game's ``beta`` beside momentum's ``beta``: one column had overwritten the other,
#: and a grid over ``beta`` had set both)
_OWN_COLUMNS = ("method", "row", "init", "step", "step_g", "step_d", "beta", "distance", "rate", "rate_err", "algebraic",
                "verdict",
                "tail_min",
                "tail_max", "final_zero", "spurious_fixed_point", "stuck", "diverged", "diverged_at", "reason", "finished")


def check_step_sources(grid_names, step, cli: bool = False) -> None:
    """Refuse a sweep whose rows' steps do not come from exactly one source: ``step`` (None: not given) and the grid
    axes ``grid_names`` (``step`` for both players, ``step_g`` and ``step_d`` for one each).  Refused: ``step`` with
    axes that give every row its steps (the grid replaced it, silently), ``step`` with ``step_g`` or ``step_d``
    together, one player's axis with no step for the other, and (``cli``) no step at all.  The words are the
    library's (``step=``, "the grid axis") or, with ``cli``, the command line's (``--step``, ``--grid``): the one
    rule for both."""
    grid = set(grid_names)
    given, axis_word = ("--step", "--grid ") if cli else (f"step={step!r}", "the grid axis ")
    if "step" in grid and grid & {"step_g", "step_d"}:
        raise GandynamicsError(f"give {axis_word}step, or step_g and step_d, not both")
    if step is not None and ("step" in grid or {"step_g", "step_d"} <= grid):
        axis = "step" if "step" in grid else "step_g and step_d"
        raise GandynamicsError(f"{given} and {axis_word}{axis} both give every row its step size: give one of them")
    one = [a for a in ("step_g", "step_d") if a in grid]
    if step is None and len(one) == 1:  # (before "step is required", which did not say why)
        other = "step_d" if one[0] == "step_g" else "step_g"
        whose = "discriminator" if one[0] == "step_g" else "generator"
        need = "--step H" if cli else "step= (a number, or a pair)"
        raise GandynamicsError(f"{axis_word}{one[0]} gives one player's steps: the {whose}'s need {need} or "
                               + (f"--grid {other}=..." if cli else f"a grid axis {other}"))
    if cli and step is None and not grid & {"step", "step_g", "step_d"}:
        raise GandynamicsError("--step is required: h or h_G,h_D, or a grid axis of steps (--grid "
                               "step=START:STOP:COUNT)")


def check_grid_axes(field, names) -> None:
    """Refuse a grid axis that is not one of ``field``'s (its hyperparameters as :func:`hyper_axis_names` names
    them, ``step``, ``step_g``, ``step_d``, ``beta``): GandynamicsError naming the accepted ones, and what the name
    is when it is something else (an argument of the game's factory; the strength of a regularizer the field does
    not have).  The command line checks its ``--grid`` axes with it before any other option.  Several unknown axes
    are refused at once (:func:`gandynamics.errors.names_refusal`; the first alone was named)."""
    hyper_names = hyper_axis_names(field)
    accepted = hyper_names + list(_STEP_AXES)
    bad = [name for name in names if name not in accepted]
    for name in bad:
        note = field.factory_arguments_note([name])
        if note:  # fixed when the game was made: not a grid axis
            raise GandynamicsError(f"grid axis {note}; accepted axes: {', '.join(accepted)}")
    if bad:
        from ..regularizers import REGULARIZERS
        hints = []
        for name in sorted(set(bad)):
            owners = [n for n, cls in REGULARIZERS.items() if name in cls.defaults]
            if owners:
                hints.append(f"{name} is the strength of the regularizer{'s' if len(owners) > 1 else ''} "
                             f"{', '.join(owners)}, which this field does not have (regularize it first: --reg "
                             f"{owners[0]} on the command line, VectorField(game, [{REGULARIZERS[owners[0]].__name__}()]) "
                             "in Python)")
        raise GandynamicsError(names_refusal(bad, "grid axis", accepted, plural="grid axes")
                               + "".join(f"; {h}" for h in hints))


def _per_row_columns(field, hyper_names, axis_names) -> dict:
    """What varies from row to row, for the provenance record: each hyperparameter that is a grid axis and the
    players' steps when ``step``, ``step_g`` or ``step_d`` is one, -> the table's column that holds its values
    (``hyper_beta`` for a game's ``beta``, ``gamma_co`` for consensus's strength)."""
    axes = set(axis_names)
    out = {h: col for h, col in zip(field.defaults, hyper_names) if col in axes}
    for player in ("step_g", "step_d"):
        if "step" in axes or player in axes:
            out[player] = player
    return out


def hyper_axis_names(field) -> list:
    """The names of ``field``'s hyperparameters as a sweep's grid axes and table columns, in their order: the
    hyperparameter's own name, or ``hyper_<name>`` where that is one of the table's own columns (``beta``, ``step``,
    ``rate``, ``init_<state>``, ...)."""
    reserved = set(_OWN_COLUMNS) | {f"{k}_{n}" for k in ("init", "final", "zstar") for n in field.names}
    out = []
    for h in field.defaults:
        name = h
        while name in reserved or (name != h and name in field.defaults) or name in out:  # (beta and hyper_beta)
            name = f"hyper_{name}"
        out.append(name)
    return out


def _refuse_repeated(v: np.ndarray, name: str) -> None:
    """Refuse an axis of a product grid that holds a value twice: its rows would repeat others exactly (the runs are
    deterministic), and a range with equal ends (``a=1:1:5`` on the command line: five rows of a = 1) says nothing
    of what was meant.  A zipped grid pairs values row by row and may repeat them."""
    u, counts = np.unique(v, return_counts=True)
    if u.size < v.size:
        x = float(u[np.argmax(counts > 1)])
        raise GandynamicsError(f"grid {name}: the value {x:zg} appears {int(counts.max())} times; an axis of a product "
                               "grid takes each value once (its rows would repeat others exactly); zip the axes "
                               "(product=False, --zip) to pair values row by row")


def _axis_values(vals, what: str) -> np.ndarray:
    """A grid axis as a float array: a 1-D numeric array of finite values is checked as an array (a sweep's
    axes have up to millions of values); anything else, and every array that fails, goes through
    :func:`gandynamics.validate.vector` (text, sequences, and the error message)."""
    if (isinstance(vals, np.ndarray) and vals.ndim == 1 and vals.size > 0 and vals.dtype.kind in "fiu"
            and math.isfinite(float(vals.min())) and math.isfinite(float(vals.max()))):  # (NaN propagates to both)
        return np.asarray(vals, dtype=float)  # (not copied: the plan and the table copy what they keep)
    from ..validate import vector
    return vector(vals, what)


def _axis_record(v) -> list | dict:
    """A grid axis for the provenance: its values, or for a long axis its count, ends and first values."""
    v = np.asarray(v, dtype=float)
    if v.size <= 32:
        return v.tolist()
    return {"count": int(v.size), "min": float(v.min()), "max": float(v.max()), "first": v[:4].tolist()}


#: the work of a local chunk of rows (trajectory-steps x evaluations x n/2): about 0.1 s on 2 cores
CHUNK_WORK = 8e7
#: the time a chunk of CHUNK_WORK takes (compiled): an interpreted plan's work is counted in estimated seconds
#: (:func:`gandynamics.runs.engine.interpreted_eval_seconds`) at this rate, so that its chunks take about as long
CHUNK_SECONDS = 0.1
#: a sweep of at most this many CHUNK_WORKs (~0.25 s on 2 cores) runs as one chunk: the barrier at the end of a chunk
#: (the threads' last ranges finish unevenly) cost 2 ms of a 75 ms sweep of 100,000 rows x 1,000 gd steps on 2 threads
ONE_CHUNK_FACTOR = 2.5
#: a chunk of the fewest rows (whole kernel blocks) estimated at more than this many CHUNK_WORKs (~0.5 s) also runs its
#: steps in chunks (at 50, a field costlier than its estimate -- 8 parameters and tanh, 15x -- ran 87 s unchunked
#: before a Ctrl-C was honoured)
LONG_ROWS_FACTOR = 5
#: ... chunks of steps of about this many seconds each, timed (:class:`~gandynamics.runs.engine.StepChunks`: the first
#: of CHUNK_WORK by the estimate, the next ones from the pace of the one before): the bar moves and a Ctrl-C stops
#: within about this time, whatever the field costs; None: every chunk the first one's steps
STEP_CHUNK_SECONDS = 0.25


def _bar(total: int, done: int, fn=None, fractions: bool = False, auto: bool = False):
    """The sweep's progress over its ``total`` rows, ``done`` of them finished: a tqdm bar, or ``fn(done, total)``
    called instead when given (:class:`~gandynamics.runs.progress.Progress`, the distributed sweep's too);
    ``fractions``: the bar moves in parts of a row (rows run in chunks of steps); ``auto`` (``progress=None``): a bar
    only where one can be seen (:class:`~gandynamics.runs.progress.Progress`'s rule: a terminal or a notebook, not a
    log file, which filled with its redrawn frames)."""
    return Progress(fn if fn is not None else (None if auto else True), total, unit="row", done=done,
                    fractions=fractions)


#: a sweep that will still run for more than this many seconds says, once, how long it will take in all
PACE_NOTICE_LEFT = 10.0


class _Pace:
    """Says once, after :data:`gandynamics.log.NOTICE_AFTER` seconds, how long a sweep of ``rows`` rows of ``steps``
    steps will take in all at the pace so far, when more than :data:`PACE_NOTICE_LEFT` seconds are left (``sweep
    --steps 1e12`` ran for hours with a bar standing at 0/1 and no word of how long)."""

    def __init__(self, t0: float, rows: int, steps: int):
        self.t0, self.rows, self.steps, self.said = t0, rows, steps, False

    def at(self, done: float) -> None:
        """``done`` rows finished so far (a fraction of a row within rows run in chunks of steps)."""
        from ..log import NOTICE_AFTER, notice
        if self.said or not done > 0:
            return
        elapsed = time.perf_counter() - self.t0
        if elapsed < NOTICE_AFTER:
            return
        self.said = True
        total = elapsed * self.rows / done
        if total - elapsed > PACE_NOTICE_LEFT:
            from ..limits import _count, format_duration
            stop = ("Ctrl-C stops it and keeps the trajectories that finished" if self.rows > 1 else
                    "Ctrl-C stops it, with nothing kept (simulate --record-every N keeps the steps a trajectory "
                    "has done)")
            notice(f"sweep: about {format_duration(total)} in all for {self.rows:,} "
                   f"{'trajectories' if self.rows > 1 else 'trajectory'} x {_count(self.steps)} steps, at the pace "
                   f"of the first {format_duration(elapsed)} ({done / self.rows:z.2%} done); {stop}")



def _execute(plan: Plan, client=None, chunk_size=None, progress=None, evals=1, out=None, then=None, meanwhile=None):
    """Run all rows of ``plan``: returns (columns, finished mask, info).  ``out``: the result arrays
    (:func:`~gandynamics.runs.engine.alloc`; default allocated here); ``then``: the reading of each range of
    rows as it finishes (:func:`~gandynamics.runs.engine.run_rows`; rows run elsewhere are handed to it as they
    are gathered); ``meanwhile``: the caller's work that does not depend on the rows, run once by this thread while
    the first chunk's kernels run (:func:`~gandynamics.runs.engine.run_rows`); not where no rows run here (Dask, no
    rows) nor after a Ctrl-C that came first: the caller makes it then."""
    B = plan.rows
    step_work = evals * max(1.0, plan.n / 2)  # the work of one row's step (CHUNK_WORK's unit)
    block = block_width(plan.source)  # rows of a kernel block (the module's NB): chunks hold whole blocks
    if plan.engine == "interpreted":  # 10^4-10^5 times slower per step: counted in time, so that a long interpreted
        # sweep (engine="interpreted" asked for) runs in chunks with a bar and a prompt Ctrl-C like a compiled one;
        # its blocks are at most INTERPRETED_NB rows wide
        step_work = evals * interpreted_eval_seconds(plan.source) * CHUNK_WORK / CHUNK_SECONDS
        block = INTERPRETED_NB
    row_work = plan.K * step_work
    if chunk_size is None:
        # about 8e7 trajectory-steps of a 2-parameter game per chunk (~0.1 s on 2 cores): few barriers
        # between chunks, yet a progress bar and a prompt Ctrl-C; equal chunks, so no small tail chunk
        budget = CHUNK_WORK / max(1.0, row_work)
        if B * row_work <= ONE_CHUNK_FACTOR * CHUNK_WORK and progress is not True:
            budget = B  # a short sweep needs no bar (unless forced: one chunk never shows it) nor prompt Ctrl-C
        chunk = int(max(2 * block, min(max(B, 1), budget)))
        chunk = -(-B // -(-B // chunk)) if B > 0 else chunk
    else:
        chunk = int_option(chunk_size, "chunk_size")
    if chunk < B:  # whole kernel blocks per chunk
        chunk = -(-chunk // block) * block
    ranges = [(lo, min(B, lo + chunk)) for lo in range(0, B, chunk)]
    finished = np.zeros(B, dtype=bool)
    info = {"chunks": len(ranges), "chunk_size": chunk, "interrupted": False}
    if client is not None:
        try:
            from .. import distributed
        except ImportError:
            raise GandynamicsError(f"sweep(client=...) needs Dask: {install_hint('distributed')}") from None
        out = alloc(plan, B) if out is None else out
        t0 = time.perf_counter()
        try:  # chunks sized from the cost of a row measured on the workers (gandynamics.distributed)
            ranges, parts, dinfo = distributed.map_rows(client, plan, B, block=block_width(plan.source), warm=warm,
                                                        progress=progress, chunk_size=None if chunk_size is None else chunk)
        except distributed.ChunksInterrupted as exc:  # Ctrl-C: keep the finished chunks
            ranges, parts, dinfo = exc.ranges, exc.results, exc.info
            info["interrupted"] = True
        info.update(dinfo)
        for (lo, hi), part in zip(ranges, parts):
            if part is None:
                continue
            for k in ("final", "divat", "reason") + (("dist",) if out["dist"].shape[0] else ()):
                out[k][lo:hi] = part[k]
            if then is not None:
                then(lo, hi, np.ascontiguousarray(part["dist"].T))  # sample-major, as run_rows hands them
            finished[lo:hi] = True
        info["seconds"] = time.perf_counter() - t0
        return out, finished, info
    out = alloc(plan, B) if out is None else out
    fn = progress if callable(progress) else None  # a function: called as a bar would be updated, always
    if fn is not None:
        progress = True
    t0 = time.perf_counter()
    warm(plan)
    info["compile_seconds"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    bar = None
    pace = _Pace(t1, B, plan.K) if progress is not False else None
    # rows so long that one chunk of them is more than ~50 chunks' work (a sweep of 10^9 steps): their steps run in
    # chunks too (run_rows' step_chunk, the state carried: the same numbers), so that the bar moves and a Ctrl-C stops
    # within a chunk of steps instead of after the whole range
    step_chunk = None
    if ranges and (ranges[0][1] - ranges[0][0]) * row_work > LONG_ROWS_FACTOR * CHUNK_WORK:
        first = max(1, int(CHUNK_WORK / max(1.0, (ranges[0][1] - ranges[0][0]) * step_work)))
        info["step_chunk"] = first
        step_chunk = StepChunks(first, STEP_CHUNK_SECONDS)  # (one for every range: each starts at the pace learnt)
        # the bar moves in whole rows ('84/300'), or in parts of a row when whole rows would stand still from one
        # chunk of steps to the next (one row of 10^12 steps stood at '0/1' for days): '0.31/1'
        fractions = ranges[0][1] - ranges[0][0] < -(-plan.K // first)
        if progress is not False:
            bar = _bar(B, 0, fn, fractions=fractions, auto=progress is None)
    elif progress is True and len(ranges) == 1:  # forced: a bar made after a first chunk of several never comes
        bar = _bar(B, 0, fn)
    try:
        for j, (lo, hi) in enumerate(ranges):
            if step_chunk is None:
                # a chunk is whole or not run: a Ctrl-C during it is held until every method's rows of it have run and
                # been read, then raised with the chunk counted as finished (raised as its first method's ranges ended,
                # a new user's interrupted sweep put "not run" on a chunk of rows whose numbers were all there, and a
                # chunk of two methods could end with the second not run)
                with _HeldCtrlC():
                    run_rows(plan, lo, hi, out, then=then, meanwhile=meanwhile)
                    finished[lo:hi] = True
                meanwhile = None
            else:
                def report(k, K, lo=lo, hi=hi):
                    done = lo + ((hi - lo) * k / max(K, 1) if fractions else (hi - lo) * k // max(K, 1))
                    if bar is not None:
                        bar.to(done)
                    if pace is not None:
                        pace.at(done)
                part = run_rows(plan, lo, hi, step_chunk=step_chunk, progress=report, meanwhile=meanwhile)
                meanwhile = None
                for key in ("final", "divat", "reason"):
                    out[key][lo:hi] = part[key]
                if then is not None:
                    then(lo, hi, np.ascontiguousarray(part["dist"].T))
                else:
                    out["dist"][lo:hi] = part["dist"]
                finished[lo:hi] = True
            if pace is not None:
                pace.at(hi)
            if step_chunk is not None:
                continue
            if j == 0 and len(ranges) > 1 and progress is not False:
                est = (time.perf_counter() - t1) * len(ranges)
                if progress or est > 2.0:
                    bar = _bar(B, hi, fn, auto=progress is None)
            elif bar is not None:
                bar.update(hi - lo)
    except (KeyboardInterrupt, Interrupted):  # Interrupted: run_rows's form of a Ctrl-C that came while it ran
        info["interrupted"] = True
    finally:
        if bar is not None:
            bar.close()
    info["seconds"] = time.perf_counter() - t1
    return out, finished, info
