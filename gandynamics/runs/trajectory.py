"""One trajectory: :func:`simulate` and its result :class:`Trajectory`.

A single trajectory is a batch of one (:mod:`gandynamics.runs.engine`), so ``simulate`` and each row of a
``sweep`` run on the same engine give bit-identical results (a short ``simulate`` is interpreted by default,
a large sweep compiled: they then agree to a few ulps per step; pass ``engine="compiled"`` to both for
bitwise equality, :func:`gandynamics.runs.engine.choose_engine`).  Divergence: after every step the state is checked: a NaN component
gives ``reason="nan"``, an infinite one ``"overflow"``, a max-norm above ``bound`` ``"bound"`` (the adaptive
flow may stop with ``"stepsize"`` when its step underflows; an implicit method whose solve fails gives
``"solve"``).  ``diverged_at`` is the index ``k`` of the first such state ``z_k``; the trajectory stops
there, ``final`` holds that state.  Ctrl-C stops a long run between chunks of steps (about a second apart)
and returns the steps that finished, with ``options["interrupted"] = True``; one that comes after the last step,
while the run's states are read for its verdict and rate, is held until the reading is done: the run is returned
whole, with ``options["ctrl_c_after_run"] = True``.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import field as dc_field

import numpy as np

from ..errors import GandynamicsError, install_hint, names_refusal
from ..kernels import REASONS
from ..methods import get_method, named_defaults
from ..limits import check_array
from ..provenance import provenance
from ..verdict import BOUNDED, BOUNDED_LABEL, CONVERGING, GROWING_LABEL, VERDICTS
from .engine import Interrupted, Plan, StepChunks, choose_engine, interpreted_eval_seconds, run_rows, warm
from ..equilibrium import norm
from .equilibria import (SETTLED_RTOL, damped_by_integrator, equilibria, integrator_damping, reference_points,
                         row_norms, settled_at_zero, spurious_fixed_point, stands_still, stuck_reason,
                         zeros_from_final_states, zstar_instability)
from .module import kernel_module_source
from .ratefit import (RATE_FIT, VERDICT_RULE, at_rounding_of_F, divergence_span, drop_transient_algebraic,
                      mark_no_zstar, may_stand_at_rounding, moving_below_floor, poly_cap, read, rounding_floor_norm,
                      state_rounding_norm)
from .validate import (bound_value, check_step_work, coordinate_steps, method_options, sample_steps, step_index, step_pair,
                       steps_count)
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

#: the distances a trajectory's verdict and rate are read from (recorded besides the states asked for), one in each of
#: equal runs of [0, steps] at a fixed pseudo-random position (:func:`gandynamics.runs.validate.sample_steps`, a
#: sweep's ``samples``: the same steps, so a trajectory reads as the same run's sweep row): with ``record_every``
#: close to ``steps`` the recorded states alone are too few to read (two distances for ``record_every >= steps``),
#: at a stride that resonates with an orbit they read as a decay, and read beside these they made the verdict of a
#: marginal run depend on ``record_every``.  1025: every step of a run of up to 1,024 steps, and a rate as precise as
#: every step's on longer ones (65, a sweep's default, measured the R1 Dirac-GAN's gd rate 0.92221 for the closed form
#: 0.92195 over 2,000 steps: 2.8e-4 off); ``sweep(samples=1025)`` reads a row as this reads the run
READ_SAMPLES = 1025
#: after the first chunk of a long run's steps, each chunk takes about this many seconds (timed:
#: :class:`~gandynamics.runs.engine.StepChunks`), so that its bar moves and a Ctrl-C stops it within about as long
STEP_CHUNK_SECONDS = 0.5

__all__ = ["Trajectory", "simulate"]


@dataclass
class Trajectory:
    """One simulated trajectory.

    Attributes
    ----------
    states : (k, n) array        recorded states ``z_t`` for ``t`` in ``times`` (up to divergence)
    times : (k,) int array       iteration indices of the recorded states (for flow: ``t = times * step``)
    distance : (k,) array        ``|z_t - z*|`` (Euclidean); NaN when no z* was found (no zero of F)
    final : (n,) array           the last state (the offending one if the trajectory diverged)
    diverged : bool
    diverged_at : int or None    index of the first non-finite or out-of-bound state
    reason : str                 ``"nan"``, ``"overflow"``, ``"bound"``, ``"stepsize"`` or ``""``
    rate : float                 measured last-iterate rate per step (see :data:`RATE_FIT`); NaN with no z*
    rate_fit : str               how ``rate`` was fit
    verdict : str                ``"converging"``, ``"diverged"``, ``"growing"``, ``"bounded, not converging"`` or
                                 ``"stopped"``
                                 (:data:`gandynamics.verdict.VERDICT_RULE`)
    reading : dict               the numbers behind the verdict: ``poly_order`` (fitted exponent of the
                                 polynomial factor k^c), ``log_rate_err``, ``envelope_ratio``, ``tail_min``,
                                 ``tail_max`` (range of the distance over the last half), ``algebraic`` (a
                                 converging run whose distance falls like ``k^p``: ``p``, and no rate per step;
                                 :func:`gandynamics.verdict.algebraic_exponent`); with no z* the same
                                 numbers of the displacement ``|z_t - z_0|`` from the start, which the verdict was
                                 read on, and ``no_zstar`` True (docs/math/runs.md); a bounded run that stood
                                 still: ``final_zero`` (at a zero of F), or ``spurious_fixed_point`` True at a
                                 spurious fixed point of its method (``spurious_of``, ``extrapolated_label``,
                                 ``extrapolated_point``: the point where its update evaluates F that is a zero of F;
                                 :attr:`gandynamics.methods.base.Method.extrapolated_points`); a run of the
                                 flow with scheme rk4 whose convergence is RK4's damping alone, read "bounded, not
                                 converging": ``integrator_damping`` (the flow's and the scheme's rates at z*:
                                 :func:`gandynamics.runs.equilibria.integrator_damping`; also beside "converging"
                                 where the flow contracts but RK4 clearly faster)
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
    verdict: str = ""
    reading: dict = dc_field(default_factory=dict)
    provenance: dict = dc_field(default_factory=dict)

    @property
    def final_distance(self) -> float:
        """``|final - z*|``, scaled so that a huge state does not overflow to inf in the norm."""
        return norm(np.asarray(self.final, dtype=float) - np.asarray(self.equilibrium, dtype=float))

    @property
    def stopped(self) -> bool:
        """True when the run ended because the method (or the adaptive integrator) could not take its next step
        (``reason`` "solve" or "stepsize", :data:`gandynamics.kernels.STOPS`), not because it diverged."""
        from ..kernels import STOPS
        return bool(self.diverged and self.reason in STOPS)

    def describe(self) -> str:
        """The verdict in one line (the distance range for a bounded run, the step and reason for a diverged one)."""
        from ..kernels import STOPS
        from ..verdict import describe
        if self.stopped:
            if self.reason != "solve":  # a step size that underflowed may be a blow-up: not "not diverged"
                return f"stopped at step {self.diverged_at}: {STOPS[self.reason]}"
            why = get_method(self.method).solve_failure or STOPS[self.reason]
            return f"stopped at step {self.diverged_at}, not diverged: {why}"
        if self.diverged:
            return f"diverged at step {self.diverged_at} ({self.reason})"
        return describe(dict(self.reading, verdict=self.verdict)) if self.reading else self.verdict

    def __repr__(self) -> str:
        from .._display import trajectory_text
        return trajectory_text(self)

    def _repr_html_(self) -> str:
        from .._display import trajectory_html
        return trajectory_html(self)

    def to_xarray(self):
        """The recorded states as an :class:`xarray.Dataset` (``states (k, parameter)``, ``distance (k)``),
        with the summary and the provenance as attributes (needs the extra ``[tables]``)."""
        try:
            import xarray as xr
        except ImportError:  # pragma: no cover - the extra is installed in the tests
            raise GandynamicsError(f"Trajectory.to_xarray needs xarray: {install_hint('tables')}") from None
        from ..provenance import to_json
        ds = xr.Dataset({"states": (("k", "parameter"), np.asarray(self.states)),
                         "distance": ("k", np.asarray(self.distance))},
                        coords={"k": np.asarray(self.times), "parameter": list(self.names)})
        summary = self.to_dict(states=False)
        summary.pop("provenance", None)
        ds.attrs["summary"] = to_json(summary)
        ds.attrs["provenance"] = to_json(self.provenance)
        return ds

    def to_dict(self, states: bool = True) -> dict:
        """A JSON-ready summary (``method``, ``steps``, ``final``, ``distance``, ``rate``, ``diverged``,
        ``diverged_at``, ...; with ``states`` also the recorded states)."""
        d = {
            "method": self.method, "steps": self.steps, "step": list(self.step), "parameters": self.names,
            "params": self.params, "options": self.options, "init": self.states[0].tolist() if len(self.states) else None,
            "final": self.final.tolist(), "equilibrium": self.equilibrium.tolist(),
            "distance": self.final_distance, "rate": self.rate, "rate_fit": self.rate_fit,
            "verdict": self.verdict, "verdict_rule": VERDICT_RULE, "reading": self.reading,
            "diverged": self.diverged, "diverged_at": self.diverged_at, "reason": self.reason,
            "provenance": self.provenance,
        }
        if states:
            d["times"] = self.times.tolist()
            d["states"] = self.states.tolist()
            d["distances"] = self.distance.tolist()
        return d

    def to_csv(self, path) -> None:
        """Recorded states as CSV: ``k, <parameter names>, distance``, with the provenance in the sidecar
        ``path + ".json"`` (:mod:`gandynamics.provenance`), both replaced together or neither
        (:func:`gandynamics.provenance.write_with_sidecar`); an existing file is replaced only if it is a trajectory's
        table gandynamics wrote."""
        from ..provenance import check_sidecar, write_with_sidecar
        from ..io import check_target
        check_target(path, "trajectory table")  # (a user's file, or a sweep's table, is never replaced)
        check_sidecar(path)  # before the table: a table is never left without its provenance
        write_with_sidecar(path, self.write_csv, self.provenance)  # (both replaced, or neither)

    def write_csv(self, fh) -> None:
        """The recorded states as CSV rows (``k, <parameter names>, distance``, header row first) on an open text
        stream; a file with its provenance: :meth:`to_csv`."""
        if not hasattr(fh, "write"):
            raise GandynamicsError(f"write_csv writes to an open text stream (e.g. sys.stdout), got "
                                   f"{type(fh).__name__}; to write the file {fh!r} use to_csv(path)")
        w = csv.writer(fh)
        w.writerow(["k"] + self.names + ["distance"])
        for t, z, d in zip(self.times, self.states, self.distance):
            w.writerow([int(t)] + [repr(float(v)) for v in z] + [repr(float(d))])



def simulate(field, method, z0, steps, step, params=None, *, record_every=1, bound=1e6, equilibrium=None,
             engine="auto", progress=None, **options) -> Trajectory:
    """Run one trajectory of ``method`` from ``z0``.

    Parameters
    ----------
    field : VectorField
    method : str
        One name of :data:`gandynamics.methods.METHODS` (``gandynamics list`` prints them with their options
        and formulas).
    z0 : sequence of float
        Initial state ``(theta, psi)``.
    steps : int
        Number of iterations ``K >= 1`` (for ``flow``: output intervals of length ``step``).
    step : float or (float, float)
        ``h`` or ``(h_G, h_D)`` (two-timescale); for ``flow`` the time step (one value).
    params : dict, optional
        Hyperparameter values by name (defaults of the field otherwise).
    record_every : int
        Record every ``record_every``-th state (the last one always).  The verdict and rate are read from the
        distances at :data:`READ_SAMPLES` jittered steps alone (every step of a run of up to 1,024 steps; else one
        in each of equal runs of steps), recorded besides, so they do not depend on it.
    bound : float
        A state with max-norm above ``bound`` counts as diverged (``reason="bound"``); ``inf`` disables.  A start
        beyond it is refused (GandynamicsError: the run would end at its first step); a sweep warns of such rows.
    equilibrium : sequence, optional
        ``z*`` for the distances; default the field's (verified, or searched with scipy for these params).
    engine : {"auto", "compiled", "interpreted"}
        Where the steps run (:func:`gandynamics.runs.engine.choose_engine`): ``"auto"`` interprets a run short
        enough to finish within about a second without compiling, and compiles a longer one.
    progress : bool, None or callable
        A tqdm bar of the steps on stderr: True always, False never, None (default) for a long run where a bar can
        be seen (:func:`gandynamics.log.bars_wanted`: a terminal or a notebook, not with ``-q``): at once for a run
        of about 2e8 field evaluations or more, else once its pace says it runs longer than
        :data:`gandynamics.log.NOTICE_AFTER` (:func:`gandynamics.runs.progress.counted`); or a function
        ``progress(done, total)`` called with the steps done after each chunk of steps (about 2e6 field
        evaluations, then about :data:`STEP_CHUNK_SECONDS` each), as :func:`gandynamics.sweep`'s.  Whatever it is,
        a run still going after NOTICE_AFTER seconds with no bar drawn says what it runs (a notice:
        :mod:`gandynamics.log`).
    **options
        ``beta``, ``alternating`` (momentum); ``n_g``, ``n_d``, ``order`` (altgd; order also for alternating
        momentum); ``scheme`` ("rk4"/"dopri5"), ``rtol``, ``atol`` (flow); ``box`` (projection bounds,
        ``(n, 2)`` array or dict name -> (lo, hi)).

    Returns
    -------
    Trajectory
    """
    from ..validate import field as _as_field
    field = _as_field(field, "simulate")  # a Game, a name or None: what it takes, not an AttributeError
    m = get_method(method)
    K = steps_count(steps)
    hg, hd = step_pair(step)
    if not m.two_timescale and hg != hd:
        raise GandynamicsError(f"{m.name} takes one time step h, not a pair (h_G, h_D)")
    o = method_options(field, m.name, options)
    if o["extra"]:
        accepted = m.option_names + (("box",) if m.projection else ())
        raise GandynamicsError(names_refusal(o["extra"], "option", accepted, head=f"{m.name} takes no", near=False))
    z = field.point(z0)
    p = field.param_vector(params)
    from ..validate import whole
    every = whole(record_every, "record_every")
    # states and distances are recorded every `every` steps, and at READ_SAMPLES jittered steps for the
    # verdict and rate (so that they do not depend on record_every): refuse what memory cannot hold, before
    # allocating
    check_array((K // every + 2 + READ_SAMPLES, field.n + 1), "the recorded states", copies=2)
    ev = step_index(K, every)
    samples = sample_steps(K, READ_SAMPLES)
    rec, is_ev, is_sample = _recorded_steps(ev, samples)
    bnd = bound_value(bound)
    top = float(np.max(np.abs(z))) if z.size else 0.0
    if top > bnd:  # (the kernels test the states after each step: such a run "diverged at step 1 (bound)", unexplained)
        raise GandynamicsError(f"the start ({', '.join(f'{v:zg}' for v in z)}) lies beyond the bound {bnd:zg} (largest "
                               f"|coordinate| {top:zg}): the run would end at its first step; start inside the bound or "
                               "raise it (bound=, --bound)")
    kernel = m.select(o).name
    zstar = equilibria(field, p[None, :], equilibrium)
    zref, missing = reference_points(zstar, z[None, :])  # (no z*: the run is read on |z_k - z_0|)
    iopt, fopt, beta = m.slots(field, o)
    box = o["box"]
    plan = Plan(source=kernel_module_source(field), kernels=[kernel], method_index=np.zeros(1, dtype=np.int64),
                Z0=z[None, :].copy(), P=p[None, :].copy(), H=np.array([[hg, hd]]), BETA=np.array([beta]),
                ZSTAR=zref, K=K, rec_idx=rec, record=True, bound=bnd,
                box=box if box is not None else np.zeros((field.n, 2)), use_box=box is not None,
                iopt=iopt[None, :], fopt=fopt[None, :])
    evals = m.evaluations(o) + m.jacobians(o) * field.n
    check_step_work(evals, m.name, o)
    plan.engine = choose_engine(engine, plan.source, 1, K, evals)
    # chunks of steps: the first of about 2e6 field evaluations (a DF counting as n; measured on the Dirac-GAN: 0.3 s
    # (gd) and 0.6 s (ftr) per 2e6 steps), the next ones of about STEP_CHUNK_SECONDS each at the pace of the one
    # before (a field costlier than the count would keep a Ctrl-C waiting for its error), so a Ctrl-C stops the run
    # within about a second, keeping the steps that finished (the trajectory then ends there, marked interrupted)
    # (interpreted: the first chunk as many steps as are estimated to take STEP_CHUNK_SECONDS, not 2e6 evaluations)
    first = (STEP_CHUNK_SECONDS / max(1, evals) / interpreted_eval_seconds(plan.source) if plan.engine == "interpreted"
             else 2e6 / max(1, evals) / max(1.0, field.n / 2))
    chunk = StepChunks(max(1, int(first)), STEP_CHUNK_SECONDS)
    interrupted = False
    from .progress import counted, progress_option
    show = progress_option(progress)
    if plan.engine != "interpreted":  # (compiled, or loaded from the disk cache, before the run's notice and bar: a
        warm(plan)                    # compile says so itself, and is not "running N steps")
    # a run that waits says what it runs after NOTICE_AFTER seconds (unless a bar shows it): simulate hopf --steps 4e8 ran
    # 7 s, and dirac-nd at d = 40 11 s for 2e6 steps, with nothing said where no terminal showed a bar, and the second,
    # estimated at fewer than 2e8 field evaluations, without a bar on one (a tester); a bar at once for a run estimated
    # long (about 2e8 field evaluations), else once its pace says it is long (runs.progress.counted)
    from ..limits import _count
    start = ", ".join(f"{v:zg}" for v in z[:4]) + (", ..." if z.size > 4 else "")
    with counted(f"simulate: {_count(K)} steps of {m.name} on {field.name} from ({start}) (Ctrl-C stops the run and "
                 "keeps the steps done) ...", K, desc=f"{m.name} steps", unit="step", progress=show,
                 eager=K * max(1, evals) > 2e8) as bar:
        try:
            # (the chunks report when a bar is drawn or may be, or a function is told)
            res = run_rows(plan, 0, 1, step_chunk=chunk,
                           **({"progress": lambda k, _K: bar.to(int(k))} if bar.heard else {}))
        except Interrupted as exc:
            res, interrupted = exc.result, True
            K = exc.steps_done
            keep = int(np.searchsorted(rec, K, side="right"))  # (rec increasing: the steps recorded up to K)
            rec, is_ev, is_sample = rec[:keep], is_ev[:keep], is_sample[:keep]
            res = dict(res, dist=res["dist"][:, :keep], rec=res["rec"][:, :keep])
    # the reading of a long run's recorded states (half of them compared with the last, the verdict's samples) takes
    # seconds of its own after the bar: said when it does
    from ..log import notice_if_slow
    from .engine import whole

    def reading():
        with notice_if_slow(f"simulate: reading the {_count(len(rec))} recorded states of the run (verdict, rate) ..."):
            tr = _read(field, m, o, p, z, K, res, rec, is_ev, is_sample, missing, zstar, zref, plan, hg, hd, beta,
                       box, options, record_every, bnd, interrupted)
        done.append(_read_again_diverged_early(tr, K, lambda steps: simulate(
            field, method, z0, steps, step, params, record_every=record_every, bound=bound, equilibrium=equilibrium,
            engine=engine, progress=False, **options)))
    # (read whole through a Ctrl-C: one that came as a run of 1e8 steps ended, while its states were read, lost the
    # run, a new user's trial.  The run is whole: not marked "interrupted", which says that steps are missing; its
    # options say ctrl_c_after_run, and the command line exits 130)
    done: list = []
    if (whole(reading, "Ctrl-C: reading the run's states to the end first (its steps are all done) ...")
            and not done[0].options.get("interrupted")):
        done[0] = dataclasses.replace(done[0], options=dict(done[0].options, ctrl_c_after_run=True))
    return done[0]


def _read_again_diverged_early(tr: Trajectory, K: int, run) -> Trajectory:
    """``tr``, or where it diverged before its READ_SAMPLES recording steps could tell its rate (NaN), its rate and
    reading from the same run over ``K' = 2^ceil(log2 d)`` steps (``run(K')``; the same steps, bitwise, so it diverges
    at the same step ``d``; its recording steps over [0, K'], at least half before ``d``), as a sweep reads such rows
    (runs.sweep._read_again_diverged_early): gd on the bilinear game at h = 2 read sqrt(5) over 200 steps and no rate
    over 20,000, diverging at step 18 with 1 recording step before it (a new user).  Its states stay the long run's."""
    d = tr.diverged_at
    if not tr.diverged or d is None or d < 2 or math.isfinite(tr.rate) or tr.reading.get("no_zstar"):
        return tr
    steps = int(divergence_span(d))
    if steps >= K:
        return tr
    again = run(steps)
    if again.diverged_at != d or not math.isfinite(again.rate):
        return tr
    return dataclasses.replace(tr, rate=again.rate, reading=dict(again.reading))


def _read(field, m, o, p, z, K, res, rec, is_ev, is_sample, missing, zstar, zref, plan, hg, hd, beta, box, options,
          record_every, bnd, interrupted) -> Trajectory:
    """The :class:`Trajectory` of a run of :func:`simulate` from its results ``res`` at the recorded steps ``rec``."""
    div = int(res["divat"][0])
    life = K if div < 0 else div - 1
    if missing is not None and div < 0:
        # no z* was found before the run: one from where it ended, if it headed for a zero (|F| fell tenfold); its
        # distances are then those of the recorded states (every reading step is one)
        found, zs, _ = zeros_from_final_states(field, p[None, :], res["final"], z[None, :],
                                               np.zeros(1, dtype=np.int64), interpreted=plan.engine == "interpreted")
        if found.size:
            zstar = zref = zs[:1]
            missing = None
            res = dict(res, dist=row_norms(res["rec"][0] - zstar[0])[None, :])
    # read at the READ_SAMPLES steps alone: the verdict and rate do not depend on record_every (every recorded step
    # read beside them made a marginal run read differently at another record_every)
    at = is_sample
    reading = mark_no_zstar(read(rec[at], res["dist"][:, at], [life], [div], [np.linalg.norm(zref[0])],
                                 res["reason"][:1], poly_cap(m, field, o)), missing)
    if missing is None and np.isfinite(reading.algebraic[0]):  # (a transient's: the linearisation contracts the run)
        reading = drop_transient_algebraic(reading, [0], field, [m], zref, [p], life, [hg if hg == hd else math.nan],
                                           [{**o, "beta": beta}])
    rate = float(reading.rate[0]) if missing is None else math.nan
    asked = is_ev & (rec <= div) if div >= 0 else is_ev  # the states asked for (every `every`-th, last)
    whole = bool(asked.all())  # (every step recorded asked for, record_every=1: the arrays themselves, not copies)
    states = res["rec"][0] if whole else res["rec"][0][asked]
    n_asked = len(rec) if whole else int(np.count_nonzero(asked))
    dist = (res["dist"][0] if whole else res["dist"][0][asked]) if missing is None else np.full(n_asked, np.nan)
    ev = rec if whole else rec[asked]
    pd = {s.name: float(v) for s, v in zip(field.hyper, p)}
    # the options given, and the defaults a run names (momentum's beta: the command line recorded it, a Python run not)
    opts = named_defaults({k: v for k, v in options.items() if v is not None and k != "box"}, [m])
    if interrupted:
        opts["interrupted"] = True
    if box is not None:
        opts["box"] = box.tolist()
    row = {k: v for k, v in reading.row(0).items() if k != "verdict"}
    if missing is not None:  # no z*: read on |z_k - z_0| (reference_points), which the row's tails and rate measure
        row["no_zstar"] = True
        row.pop("algebraic", None)  # (of the displacement: no decay to z*)
    # (a decay like k^p, converging or bounded, has no rate per step: its exponent is the reading's "algebraic", the
    # sweep's table's column of the same name; describe says it)
    zf = res["final"][0]
    converging = reading.verdict[0] == VERDICTS[CONVERGING]
    # (the last distance as the kernels recorded it, as the sweep's row_norms computes it: math.hypot's differed by an
    # ulp, a review of the change)
    if (div < 0 and missing is None
            and may_stand_at_rounding(reading.code[0], row_norms(zf[None, :] - zref[:1])[0], reading.tail_min[0])):
        # (a run standing where F's rounding holds it, within FLOOR_REL of its scale from z*: read with its floor there,
        # as the sweep reads such rows; a "converging" one too, whose rate the samples bent by that rounding had moved)
        zn = float(np.linalg.norm(zref[0]))
        d_final = norm(zf - zref[0])
        if at_rounding_of_F(field, p, zf, zref[0], norm(z - zref[0]), converging=converging):
            again = read(rec[at], res["dist"][:, at], [life], [div], [rounding_floor_norm(d_final, zn)],
                         res["reason"][:1], poly_cap(m, field, o))
            if again.verdict[0] == VERDICTS[CONVERGING]:
                reading, rate = again, float(again.rate[0])
                row = {k: v for k, v in reading.row(0).items() if k != "verdict"}
                row["still_at"] = d_final
    # z* unstable for the method at this step (its linearisation: none with a box, whose projection it does not see, a
    # review: gd at h = 1 in a box converged onto z* by the clamp), computed at most once
    instability = []

    def unstable_zstar():
        if not instability:
            # (a box that never bound the run, about a z* strictly inside it, leaves the linearisation as it is: a
            # loose box, or portrait's --clip, dropped a true "cannot converge", a review)
            free = box is None or (bool(np.all((box[:, 0] < zref[0]) & (zref[0] < box[:, 1])))
                                   and not np.any((res["rec"][0] <= box[:, 0]) | (res["rec"][0] >= box[:, 1])))
            instability.append(zstar_instability(field, m, zref[0], p, hg, o)
                               if missing is None and hg == hd and free else None)
        return instability[0]
    if (div < 0 and missing is None
            and moving_below_floor(reading.code[0], reading.tail_min[0], reading.tail_max[0], norm(zref[0]))
            and unstable_zstar() is not None):
        # "converging" by the rounding floor alone, moving under it, z* unstable for the method: read again with the
        # floor at the state's rounding (an orbit of radius 1e-8 about z* = (1e5, 0) read "converging", a review)
        again = read(rec[at], res["dist"][:, at], [life], [div], [state_rounding_norm(norm(zref[0]))],
                     res["reason"][:1], poly_cap(m, field, o))
        if again.verdict[0] != VERDICTS[CONVERGING]:
            reading, rate = again, float(again.rate[0])
            row = {k: v for k, v in reading.row(0).items() if k != "verdict"}
    if reading.verdict[0] == BOUNDED_LABEL and div < 0:
        # a bounded run whose *states* stood still over its last half (not only its distance to z*: an orbit at a fixed
        # radius keeps that constant), and whether where it stands is a zero of F: it converged, to another stationary
        # point than z* (a game with two equilibria read "bounded, not converging (distance 2 to 2)")
        zf = res["final"][0]
        # (rec increasing: the steps of the last half as a slice, not a copy of half the recorded states)
        late = res["rec"][0][int(np.searchsorted(rec, K / 2)):int(np.searchsorted(rec, K, side="right"))]
        # (norms without underflow: numpy's norm of (6e-253, 2e-253) is 0, which read as a zero of F)
        scale = max(norm(zf), float(row.get("tail_max", 0.0)))
        off = late - zf
        moved = float(np.max(row_norms(off))) if late.size else math.inf
        # (and coordinate by coordinate: a coordinate of size 1 creeping by 2.5e-4 beside one of 1000 stood still)
        # (and by little beside its distance from z*, as a sweep's rows are tested on that distance: an orbit of radius
        # 1e-8 about z* = (1e5, 0) moved by 2e-8, nothing beside the state's size, and read "stands still at a zero of
        # F, a stationary point other than z*", a review)
        if (scale > 0.0 and moved <= SETTLED_RTOL * min(scale, float(row.get("tail_min", math.nan)))
                and stands_still(np.max(np.abs(off, out=off), axis=0), zf, scale)):
            # (|F| relative to the game's scale there, and not merely flat there: settled_at_zero)
            zero, res_f, res_scale = settled_at_zero(field, zf, p, scale)
            if res_f == res_f:
                row["final_residual"] = res_f
                row["final_residual_scale"] = res_scale
                row["final_zero"] = zero
                if zero:  # (where: a new user read "converged to a stationary point other than z*" and not which)
                    row["final_point"] = [float(v) for v in zf]
                # ... or because its step cannot move it: h |F| below the rounding of the state (h = 1e-20 from a
                # start near z* read "stands still, but not at a zero of F", the step not named as the cause)
                # (not where F itself is negligible against the state: a flat F, not the step, holds it there)
                why = None if zero else stuck_reason(res_f, scale, max(hg, hd), m.moves_by_hF)
                if why == "step":
                    row["step_below_rounding"], row["state_size"] = max(hg, hd) * res_f, scale
                elif why == "flat":  # ("underflow", |F| computed as 0: said so by the description)
                    # ... or because F is flat there, below the rounding of the state, with no zero (the Dirac-GAN's
                    # saturated sigmoid far out: |F| = 2.25e-216 at |z| = 31.6 of dirac-nd at d = 500 read "not at a
                    # zero of F" beside a number that reads as one, a new user)
                    row["flat_F"], row["state_size"] = True, scale
                elif why is None and m.extrapolated_points is not None:
                    # ... or at a spurious fixed point of its method: a point where its update evaluates F is a zero of
                    # F (Method.extrapolated_points: extragradient's w = z - H F(z), so its update z - H F(w) = z;
                    # docs/math/bifurcations.md §1; a new user's run stood still with |F| = 6.95 at (2.08, -0.089), its
                    # extrapolated point the saddle (0, 0), read "not at a zero of F" alone; per-player steps too)
                    found = spurious_fixed_point(field, m, o, zf, p, coordinate_steps(field, hg, hd), scale, box=box,
                                                 steps=K)
                    if found is not None:
                        row["spurious_fixed_point"], row["spurious_of"] = True, m.name
                        row["extrapolated_point"] = [float(v) for v in found[1]]
                        row["extrapolated_label"] = found[0]
    if (reading.verdict[0] == VERDICTS[CONVERGING] and div < 0 and missing is None and m.continuous and hg == hd
            and box is None and "algebraic" not in row and "still_at" not in row):
        # a fixed-step integrator's damping read as the flow's convergence: RK4 contracts a centre of the flow by
        # |R(i h w)| < 1 per step (the bilinear game at h = 1: 0.993905 per step, read "converging", where the flow
        # keeps |z| constant, a new user); read "bounded, not converging" where the flow's linearisation does not
        # contract and the run is slower than any mode the flow contracts; where both contract, the scheme clearly
        # faster, the flow's own rate is said beside "converging"
        damp = integrator_damping(field, m, zref[0], p, hg, o)
        if damp is not None and damped_by_integrator(damp, rate, row.get("log_rate_err", math.nan)):
            reading = dataclasses.replace(reading, code=np.full_like(reading.code, BOUNDED))
            row["integrator_damping"] = damp
        elif damp is not None and damp["flow"] == "stable":
            row["integrator_damping"] = damp
    if reading.verdict[0] in (BOUNDED_LABEL, GROWING_LABEL, VERDICTS[CONVERGING]) and div < 0:
        # z* unstable for the method at this step: the run cannot converge to it (gd at h = 1.5 on the R1 Dirac-GAN,
        # local rate 1.0548, falling onto its invariant circle read "a longer run shows whether it converges", a new
        # user's finding); or, read converging, converges in this run only, along z*'s stable manifold (the saddle
        # F = (x, -y) from (1, 1e-30): its y grows 1.1-fold a step from 1e-30 and reads "converging" at 300 steps, a
        # review)
        found = unstable_zstar()
        if found is not None:
            row["zstar_local_rate"] = found[0]
            row["zstar_stable_manifold"] = found[1]
    if reading.verdict[0] == VERDICTS[CONVERGING] and m.limit_matrix is not None and missing is None:
        r = _limit_radius(field, m, zref[0], p, hg, hd, o)
        if r is not None:
            row["limit_radius"] = r
    return Trajectory(states=states, times=ev, distance=dist, final=res["final"][0].copy(),
                      diverged=div >= 0, diverged_at=div if div >= 0 else None, reason=REASONS[int(res["reason"][0])],
                      rate=rate, rate_fit=RATE_FIT, method=m.name, step=(hg, hd), steps=K, params=pd,
                      equilibrium=zstar[0].copy(), names=list(field.names), options=opts,
                      verdict=reading.verdict[0], reading=row,
                      provenance=provenance(field, method=m.name, options=dict(opts, step=[hg, hd],
                                            record_every=record_every, bound=bnd, engine=plan.engine), steps=K, params=pd,
                                            start=z.tolist()))


def _recorded_steps(ev: np.ndarray, samples: np.ndarray):
    """The steps a run records: ``ev`` (the states asked for) and ``samples`` (the reading's), both increasing without
    repeats, merged -- ``(rec, is_ev, is_sample)``: the increasing steps and which of them are ``ev``'s and which
    ``samples``'.  In time linear in ``ev`` (the samples are few): ``np.union1d`` and ``np.isin`` sorted every step of
    a run recorded at each, 17 s of a portrait of 2e7 steps before its first step (a tester)."""
    pos = np.searchsorted(ev, samples)
    inside = pos < ev.size
    have = np.zeros(samples.size, dtype=bool)
    have[inside] = ev[pos[inside]] == samples[inside]
    new, where = samples[~have], pos[~have]
    rec = np.insert(ev, where, new) if new.size else ev.copy()
    is_ev = np.ones(rec.size, dtype=bool)
    is_ev[where + np.arange(new.size)] = False  # (the j-th new step lands j places after its place in ev)
    is_sample = np.zeros(rec.size, dtype=bool)
    is_sample[np.searchsorted(rec, samples)] = True
    return rec, is_ev, is_sample


def _limit_radius(field, m, zs, p, hg: float, hd: float, o: dict):
    """The spectral radius of ``m``'s update linearised at ``zs`` once its adaptive state has decayed
    (:attr:`gandynamics.methods.base.Method.limit_matrix`), when it is above 1 (``zs`` then unstable in the long
    run: a converging run leaves it later), else None."""
    A = field.eval_DF(zs, p)
    if not np.all(np.isfinite(A)):
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        M = m.limit_matrix(A, list(coordinate_steps(field, hg, hd)), **{k: v for k, v in o.items() if k not in ("box", "extra")})
        r = float(np.max(np.abs(np.linalg.eigvals(M)))) if np.all(np.isfinite(M)) else math.inf
    return r if r > 1.0 + 1e-9 else None
