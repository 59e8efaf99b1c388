"""``gandynamics sweep``: many trajectories over a grid, written to CSV / NPZ / JSON (a thin layer over
:func:`gandynamics.simulate.sweep`)."""

from __future__ import annotations

import io
import sys

from ..errors import GandynamicsError, install_hint


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    from .simulate import add_method_arguments
    p = sub.add_parser(
        "sweep", help=summary("sweep"),
        description="Run a method (or several) over the product of initial points and grid axes (or zipped "
                    "with --zip) and write one row per trajectory: final state, distance to the equilibrium, "
                    "measured rate, algebraic (the exponent p of a decay like |z_k - z*| ~ k^p, which has no rate per "
                    "step; NaN for the others), verdict ('converging', 'growing', 'bounded, not converging', 'diverged', "
                    "'stopped', or 'not run' after a Ctrl-C), final_zero (True where a 'bounded, not converging' row stood "
                    "still at another zero of F than its z*: it converged there), spurious_fixed_point (True where such a row "
                    "stood still at a spurious fixed point of its method, not a zero of F: a point where its update evaluates "
                    "F is one, extragradient's z - H F(z)), stuck (True where such a row stood still at neither: stuck, not "
                    "converged, where F is not 0 but too small for a step to change the state, as where a loss "
                    "saturates far from the equilibrium and the sigmoid's gradient underflows, or where the step is too "
                    "small; simulate from its start says which, with the numbers and what to try), the flags diverged and finished (True/False; finished "
                    "is False only for the rows a Ctrl-C left not run, a diverged row is finished) and "
                    "step; then print how many trajectories have each verdict, with what it means, the measured rates "
                    "of each method's converging rows (median, range and the fastest row with its grid values; a "
                    "line per grid point for a grid of at most 6 points), and how many decay like a power of k.  Grid "
                    "axes: the game's hyperparameters (e.g. gamma), step, step_g, step_d, beta (the beta column is NaN in "
                    "the rows of a method that has none).",
        epilog="example: gandynamics sweep dirac --reg r1 --method gd --steps 1000 --grid gamma=0:2:101 "
               "--grid step=0.01:1:100 --out table.csv")
    add_game_arguments(p)
    add_method_arguments(p, several=True)
    p.add_argument("--grid", action="append", default=[], metavar="NAME=START:STOP:COUNT",
                   help="a grid axis (inclusive linspace) or NAME=v1,v2,...; repeatable. NAME: a hyperparameter of the "
                        "game, step, step_g, step_d or beta (the method's momentum); a hyperparameter named like one "
                        "of the table's own columns (the hopf game's beta) is hyper_NAME")
    p.add_argument("--init", action="append", default=[], metavar="v1,v2,...",
                   help="an initial point (repeatable; default the equilibrium + 1 in every coordinate, the start of "
                        "simulate and portrait too: the equilibrium at the game's hyperparameters as given, also when "
                        "a --grid axis moves it)")
    p.add_argument("--random-inits", metavar="N:LO:HI",
                   help="N initial points uniform in [LO, HI]^n (seeded by --seed)")
    p.add_argument("--seed", default="0", metavar="S", help="seed for --random-inits (default 0)")
    p.add_argument("--samples", default="65", metavar="N",
                   help="distances recorded per trajectory, read for its rate and verdict (default 65; at least 2, and "
                        "fewer than 17 are too few for the verdicts' rules); "
                        "simulate reads 1025: --samples 1025 reads a run as simulate does (a run that diverges early "
                        "has few of the 65 before its divergence, and its rate is read from those)")
    p.add_argument("--zip", action="store_true", help="zip the axes (equal lengths) instead of their product")
    p.add_argument("-o", "--out", required=True, metavar="FILE|-",
                   help="output table: .csv (provenance in the sidecar FILE.csv.json), .npz, .json or .nc (NetCDF "
                        "via xarray); '-' writes CSV to standard output, the provenance as leading '#' lines "
                        "(pandas.read_csv(..., comment='#') skips them) and the summary to standard error.  An existing "
                        "file is replaced only if it is a sweep table gandynamics wrote (another file, or a "
                        "trajectory's table of simulate --csv, is refused: give another name or remove it)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON (counts by verdict, rates of the "
                   "converging rows by method, time, file)")
    p.add_argument("--no-progress", action="store_true",
                   help="never show a progress bar, nor the estimate of how long a long sweep will take (a sweep "
                        "with more than 10 s to go says it after 2 s otherwise; the bar is shown only when standard "
                        "error is a terminal, not into a log file)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the chunks on a running Dask cluster, e.g. tcp://10.0.0.5:8786 "
                        f"(needs Dask: {install_hint('distributed')})")
    p.add_argument("--workers", metavar="N",
                   help="start a local Dask cluster of N worker processes for this command "
                        f"(needs Dask: {install_hint('distributed')})")
    p.set_defaults(run=run, check_methods=check_methods)
    return p


def _random_inits(spec, n, seed):
    import numpy as np

    from ..validate import plain_float
    parts = spec.split(":")
    try:
        if len(parts) != 3:
            raise ValueError
        count = plain_float(parts[0])
        lo, hi = plain_float(parts[1]), plain_float(parts[2])
        if not count.is_integer() or count < 1 or not lo <= hi or not np.isfinite([lo, hi]).all():
            raise ValueError
    except ValueError:
        raise GandynamicsError(f"malformed --random-inits {spec!r}; expected N:LO:HI with N a whole number >= 1 "
                               "and finite LO <= HI") from None
    from ..limits import check_array
    from ..validate import whole
    s = whole(seed, "--seed", lo=0)
    check_array((count, n), f"--random-inits {spec}")
    return np.random.default_rng(s).uniform(lo, hi, (int(count), n))


def _check_rows(args, sizes: dict, fld, methods) -> None:
    """The table's size before anything is run (before the random initial points are drawn): rows = methods x inits
    x grid points (product; zipped, methods x the longest of them), the bytes of a row as the library counts them
    (:func:`gandynamics.runs.sweep.row_bytes`)."""
    import math

    from ..runs.sweep import check_rows
    from ..validate import plain_float
    try:
        n_random = plain_float(args.random_inits.split(":")[0]) if args.random_inits else 0.0
    except ValueError:
        n_random = 0.0  # malformed: refused with its format by _random_inits
    if not math.isfinite(n_random):  # 1e999: an OverflowError in the size check; _random_inits refuses it
        n_random = 0.0
    n_init = max(1.0, len(args.init) + n_random)
    sizes = list(sizes.values())
    # zipped, the inits and the axes are the rows side by side (each of one length, or 1); else their product
    rows = max([n_init] + sizes) if args.zip else n_init * math.prod(sizes)
    check_rows(fld, methods, len(methods) * rows)



def check_methods(args) -> None:
    """Refuse every unknown name among the --method options (:func:`gandynamics.cli.common.check_names`)."""
    from ..methods import get_methods
    from ..validate import name_list
    from .common import refuse_all
    from .simulate import check_base
    refuse_all(lambda: get_methods([n for m in args.method or [] for n in name_list(m, "--method")]),
               lambda: check_base(args, [t for m in args.method or [] for t in m.split(",")]))


def run(args) -> int:
    import time

    import numpy as np

    from ..runs.sweep import check_grid_axes, check_step_sources
    from ..simulate import sweep
    from .common import build_field, gathered, parse_vector, refuse
    from .simulate import _bound, method_options, parse_step, parse_steps, with_cli_defaults
    from ..io import check_output_path
    out = args.out
    from ..validate import name_list, whole
    from .common import refuse_inapplicable
    from .simulate import refuse_unused_method_options
    methods = []
    for m in args.method or []:
        methods += name_list(m, "--method")
    grid = {}
    with gathered() as check:  # (every value that needs no game, refused together, before the game is built)
        if out != "-":
            check(check_output_path, out, "--out", (".csv", ".npz", ".json", ".nc"),  # before any computation
                  sidecar=out.lower().endswith(".csv"), kind="sweep table")
            from ..runs.results import check_table_modules
            check(check_table_modules, out, "--out")  # (.nc needs xarray)
        paths_ok = not check.found  # (the game is built only when it is good: nothing computed before)
        check(whole, args.seed, "--seed", lo=0)
        samples = check(whole, args.samples, "--samples", lo=2)
        check(refuse_inapplicable, args, [("seed", args.random_inits is not None, "with --random-inits N:LO:HI")])
        check(refuse_unused_method_options, args, methods)
        bound = check(_bound, args.bound)  # (before a cluster is started or reached)
        steps = check(parse_steps, args.steps)
        step = check(parse_step, args.step)
        for g in args.grid:
            spec = check(grid_axis_spec, g)
            if spec is None:
                continue
            name, count, build = spec
            if name in grid:
                check(refuse, f"grid axis {name!r} given twice")
            grid[name] = (count, build)
        # (the game with them, no cluster started: `sweep dirac --steps 0 --param zz=1` named --steps alone)
        built = check(build_field, args) if paths_ok else None
    fld, hyper = built
    from .common import given_values, refuse_set_twice
    # a grid axis over a value the command line set already (--reg r1:gamma=0.5 with --grid gamma, --beta with
    # --grid beta): the grid had silently replaced it (--step with --grid step is refused below, with its own words)
    given = given_values(args, fld, [("method beta", "beta")])  # (momentum's; a game's own beta is hyper_beta)
    refuse_set_twice(given, [(n[len("hyper_"):], n) if n.startswith("hyper_") and n[len("hyper_"):] in fld.defaults
                             else ("method beta", n) if n == "beta" else n
                             for n in grid if n not in ("step", "step_g", "step_d")], "--grid")
    check_grid_axes(fld, list(grid))  # (first: a mistyped axis is what is wrong, not a missing --step)
    _check_rows(args, {name: count for name, (count, _) in grid.items()}, fld, [str(m) for m in methods])
    grid = {name: build() for name, (_, build) in grid.items()}  # (made once the table is known to fit)
    inits = [parse_vector(v, fld.n, "--init", fld.names) for v in args.init]
    if args.random_inits:
        inits += list(_random_inits(args.random_inits, fld.n, args.seed))
    inits = np.array(inits) if inits else None  # (none given: the library's default, the equilibrium + 1)
    check_step_sources(grid, step, cli=True)  # (the library's rule, in the command line's words)
    opts = with_cli_defaults(method_options(args, fld), methods, skip=grid)  # (momentum's beta: -0.5)
    from ..distributed import cluster_client, parse_workers
    workers = parse_workers(getattr(args, "workers", None))
    t0 = time.perf_counter()
    with cluster_client(getattr(args, "scheduler", None), workers) as client:
        res = sweep(fld, methods, inits=inits, grid=grid, steps=steps, step=step, params=hyper,
                    product=not args.zip, progress=False if args.no_progress else None,
                    bound=bound, client=client, engine=args.engine, samples=samples, **opts)
    dt = time.perf_counter() - t0
    from .finishing import finish  # (a Ctrl-C while the table is written and the summary printed: held until they
    # are out, as simulate's: the rows of a finished sweep were lost with them)

    def results() -> int:
        return _results(args, res, methods, opts, steps, samples, dt)
    return finish(results, "the sweep's table and summary")


def _results(args, res, methods, opts, steps, samples, dt: float) -> int:
    """The sweep's results, once it has run: its table written (``--out``, or standard output for ``-``), its summary
    and notes printed, an interruption said: the exit status (130 for an unfinished sweep)."""
    _record_random_inits(args, res)
    out, summary_to = _write_table(args, res)
    _print_summary(args, res, methods, opts, steps, dt, out, summary_to)

    def say(text):  # (the notes after the summary, wrapped to its width as its legend is: one had 250 characters)
        import textwrap
        print(textwrap.fill(text, width=WIDTH, break_long_words=False, break_on_hyphens=False), file=summary_to)

    if not args.json:
        _say_row_notes(res, say)
        _say_sample_notes(res, samples, say)
    if not res.complete:
        _say_interrupted(res, out, args.out)
        return 130
    return 0


def _record_random_inits(args, res) -> None:
    """How ``--random-inits`` drew the points, in the table's provenance (they are in the table; the seed makes them
    again)."""
    from ..validate import whole
    if args.random_inits:
        prov = res.meta.get("provenance")
        if isinstance(prov, dict):
            prov["seed"] = whole(args.seed, "--seed", lo=0)
            prov.setdefault("extra", {})["random_inits"] = {"spec": args.random_inits, "seed": prov["seed"],
                                                            "given_inits_first": len(args.init)}


def _write_table(args, res) -> tuple[str, object]:
    """Write the table where ``--out`` says: ``(where it went, where the summary goes)``.  An unfinished table never
    replaces a finished one (:func:`_partial_name`); with ``--out -`` the table is standard output and the summary
    goes to standard error (nowhere under ``-q`` without ``--json``)."""
    from .common import quiet
    out = args.out
    summary_to = sys.stdout
    if out == "-":
        from ..provenance import comment_header
        sys.stdout.write(comment_header(res.meta.get("provenance", {})))
        res.write_csv(sys.stdout)
        # (-q: errors and warnings alone there, but --json's summary was asked for: it stays, a review)
        summary_to = sys.stderr if not quiet(args) or args.json else io.StringIO()
    else:
        if not res.complete:  # (an interrupted table never replaces a finished one: it goes beside it)
            out = _partial_name(out)
        try:
            res.save(out)
        except OSError as exc:
            from ..io import describe_oserror  # (the file that failed: the table or its sidecar)
            raise GandynamicsError(describe_oserror(exc, out)) from None
    return out, summary_to


def _print_summary(args, res, methods, opts, steps, dt: float, out: str, summary_to) -> None:
    """The summary of the verdicts and rates (``--json``: one JSON object) to ``summary_to``."""
    n = len(res)
    tally = res.verdict_counts()  # every verdict (0 when no row has it), then "not run" when interrupted
    if args.json:
        from ..verdict import VERDICT_RULE
        from .common import dumps
        print(dumps({"rows": n, "steps": steps, "methods": methods, "seconds": dt, "verdicts": tally,
                     "verdicts_by_method": {m: res.verdict_counts(m) for m in methods},
                     "rates_by_method": rate_groups(res, methods),
                     "converging_steps_by_method": step_ranges(res, methods),
                     "verdict_rule": VERDICT_RULE, "table": None if out == "-" else out, "complete": res.complete}),
              file=summary_to)
    else:
        by = {m: res.verdict_counts(m) for m in methods} if len(methods) > 1 else None
        from .common import method_label
        labels = [method_label(m, opts) for m in methods]  # ("momentum (beta=-0.5)": the options that ran)
        print(summary_text(n, steps, labels, dt, tally, res.meta.get("bound"), None if out == "-" else out, by,
                           complete=res.complete), file=summary_to)
        print(rates_text(rate_groups(res, methods), labels), file=summary_to)
        ranges = step_ranges(res, methods)
        if ranges:
            print(step_ranges_text(ranges, [lab for m, lab in zip(methods, labels) if m in ranges]), file=summary_to)


def _say_row_notes(res, say) -> None:
    """The notes on rows the verdicts alone do not tell (power laws, other zeros, spurious fixed points, stuck rows,
    RK4's damping, tests left out by their caps, rows without z*), each through ``say``."""
    import numpy as np
    n = len(res)
    alg = np.asarray(res["algebraic"])
    has = alg[np.isfinite(alg)]
    if has.size:  # (a power law has no rate per step: the table's rate is the last half's average)
        p = (f"p = {has.min():z.3g}" if format(has.min(), "z.3g") == format(has.max(), "z.3g") else
             f"p from {has.min():z.3g} to {has.max():z.3g}")  # (it read "from -0.5 to -0.5")
        say(f"{has.size} of them decay like a power of k, |z_k - z*| ~ k^p with {p} (the table's algebraic "
              "column): no rate per step, their rate is the last half's average")
    settled = int(np.count_nonzero(res["final_zero"])) if "final_zero" in res.columns else 0
    if settled:  # (simulate's description says it of one run: "converged to a stationary point other than z*")
        nb = int(np.count_nonzero(np.asarray(res["verdict"]) == "bounded, not converging"))
        # (which zeros, and how many rows each: a new user read the table to find 13 rows at one well, 7 at the
        # other; the final states to 4 digits, the 3 commonest)
        fz = np.column_stack([res[f"final_{v}"] for v in res.names])[np.asarray(res["final_zero"], dtype=bool)]
        keys, counts = np.unique(np.array([[float(f"{v:z.4g}") for v in row] for row in fz]), axis=0,
                                 return_counts=True)
        order = np.argsort(-counts, kind="stable")
        where = "; ".join(f"{int(counts[i])} at ({', '.join(f'{v:zg}' for v in keys[i])})" for i in order[:3])
        more = f"; {len(keys) - 3} more points" if len(keys) > 3 else ""
        say(f"{settled} of the {nb} 'bounded, not converging' rows stand still at a zero of F other than their z* (the "
              f"table's final_zero column): they converged, to another stationary point: {where}{more}")
    spur = int(np.count_nonzero(res["spurious_fixed_point"])) if "spurious_fixed_point" in res.columns else 0
    if spur:  # (simulate's description says it of one run: "a spurious fixed point of eg: its extrapolated point")
        say(f"{spur} 'bounded, not converging' " + ("row stands still at a spurious fixed point of its method"
                                                      if spur == 1 else
                                                      "rows stand still at a spurious fixed point of their method")
              + ", not a zero of F (the table's spurious_fixed_point column): a point where the update evaluates F "
              "(extragradient's z - H F(z)) is a zero of F, so the update moves by nothing")
    stuck = int(np.count_nonzero(res["stuck"])) if "stuck" in res.columns else 0
    if stuck:  # (simulate's description says it of one run, with the numbers and what to try)
        say(f"{stuck} 'bounded, not converging' " + ("row stands" if stuck == 1 else "rows stand")
              + " still where F is not 0 (the table's stuck column): stuck, not converged: a step there, h F, is too "
              "small to change the state, because F is (as where a loss saturates far from the equilibrium) or the "
              "step is; simulate from " + ("its start says which" if stuck == 1 else "a start of one says which"))
    left = res.meta.get("final_zero_untested", 0)
    if left:
        from ..runs.sweep import MAX_ROUNDING_TESTS
        say(f"{left} rows that stood still were not tested for standing at another zero of F or at a spurious "
              f"fixed point (the cap of {MAX_ROUNDING_TESTS} tests per sweep): final_zero, spurious_fixed_point "
              "and stuck are 0 for them")
    damped = res.meta.get("integrator_damping", 0)
    if damped:  # (simulate's description says it of one run, with the flow's and RK4's rates at z*)
        say(f"{damped} flow " + ("row" if damped == 1 else "rows") + " whose distance fell steadily read 'bounded, "
            "not converging': RK4's damping alone contracted " + ("it" if damped == 1 else "them") + ", where the "
            "flow's linearisation at z* does not contract (a centre, or a repelling focus, of the flow); the "
            "adaptive --scheme dopri5 integrates the flow itself; simulate of " +
            ("that row" if damped == 1 else "one of them") + " gives the flow's and RK4's rates at z*")
    left = res.meta.get("integrator_damping_untested", 0)
    if left:
        from ..runs.sweep import MAX_ROUNDING_TESTS
        say(f"{left} 'converging' flow rows were not tested for a convergence by RK4's damping alone (the cap of "
            f"{MAX_ROUNDING_TESTS} linearisations per sweep)")
    left = res.meta.get("below_floor_untested", 0)
    if left:
        from ..runs.sweep import MAX_ROUNDING_TESTS
        say(f"{left} 'converging' rows that moved under their rounding floor were not tested for an unstable z* "
            f"(the cap of {MAX_ROUNDING_TESTS} linearisations per sweep): read 'converging' by the floor alone, "
            "as an orbit below it would be (docs/howto/verdicts.md)")
    from ..runs.equilibria import MAX_FINAL_SEARCHES
    none = int(np.count_nonzero(np.isnan(np.column_stack([res[f"zstar_{v}"] for v in res.names])).any(axis=1)))
    if none:
        left = res.meta.get("zstar_unsearched", 0)
        say(f"{none} of {n} rows have no z* (no zero of F found at their hyperparameters"
              + (f"; {left} of them not searched from where they ended: the cap of {MAX_FINAL_SEARCHES} searches "
                 "per sweep" if left else "")
              + "): read on their displacement |z_k - z_0| from their start, their distance, rate and tails NaN")


def _say_sample_notes(res, samples: int, say) -> None:
    """The notes on what the number of samples per run left unread."""
    read = int(res.meta.get("samples", samples))
    falling = res.meta.get("bounded_falling", 0)
    if falling:  # (a sweep's 65 samples against simulate's 1,025: a new user's slow k^-1/2 decays)
        from ..verdict import ENVELOPE_MIN_SAMPLES
        say(f"note: {falling} of the rows read 'bounded, not converging' fell to half or less of their first "
            f"quarter's largest distance: a decay too slow or too modulated for {read} samples to read, perhaps a "
            f"power law's; --samples {ENVELOPE_MIN_SAMPLES + 1} reads them as simulate does")
    if read < FEW_SAMPLES and read == samples:  # (not a short run's every step: its own choice)
        say(f"note: each run was read on {read} samples (--samples): too few for the verdicts' rules, which compare "
              f"the quarters of a run and fit at least 6 samples, so most runs read 'bounded, not converging'; the "
              f"default is 65")


def _say_interrupted(res, out: str, asked: str) -> None:
    """Say on standard error how far an interrupted sweep got, and where its table went."""
    import numpy as np
    n = len(res)
    ran = int(np.sum(res["finished"]))  # (on standard error, as every command's Ctrl-C: it was the summary's last line)
    sys.stderr.write((f"gandynamics: interrupted after {ran} of {n} rows; the rows not run are in the table, "
                      "marked finished=False" if ran < n else
                      f"gandynamics: interrupted after all {n} rows ran, while some were read again (their rates "
                      "from denser samples, or their z* from where they ended): those keep their first reading")
                     + (f"; the table went to {out}, as an existing --out is not replaced by an unfinished table"
                        if out != asked and out != "-" else "") + "\n")


def _partial_name(out: str) -> str:
    """Where an interrupted sweep's table goes: ``out`` itself when no file has that name, else ``STEM.partial.EXT``
    beside it (``STEM.partial-2.EXT``, ... where that is taken by a file gandynamics did not write): a new user's
    Ctrl-C replaced a finished table of 56 rows by 80 rows that read "not run"."""
    from pathlib import Path
    from ..io import file_kind, is_provenance_sidecar, sidecar_path
    p = Path(out)
    if not p.exists():
        return out
    k = 1
    while True:
        q = p.with_name(f"{p.stem}.partial{'' if k == 1 else f'-{k}'}{p.suffix}")
        side = sidecar_path(q)  # (a CSV's provenance beside it: not a file of the user's either)
        # (a sweep's table only: a file of another kind gandynamics wrote is not replaced either, as check_not_foreign)
        if ((not q.exists() or file_kind(q) == "sweep table")
                and (q.suffix.lower() != ".csv" or not side.exists() or is_provenance_sidecar(side))):
            return str(q)
        k += 1


#: fewer samples per run than this (four quarters of four) are too few for the verdicts' rules: the summary says so
FEW_SAMPLES = 17


def verdict_meanings(steps: int, bound=None) -> dict:
    """What each verdict of a sweep's rows says, briefly, for the summary's legend: the rules of
    :data:`gandynamics.verdict.VERDICT_RULE` shortened (its envelope factor, its words for diverged and stopped;
    tests/test_cli_simulate.py keeps them consistent)."""
    from ..verdict import ENVELOPE_FACTOR, FALL_FACTOR, POW_MAX, RISE_FACTOR
    beyond = "beyond the bound" + ("" if bound is None else f" ({bound:zg})")
    return {
        "converging": f"the distance to z* reached the rounding floor and stayed there, or fell (its last quarter at most "
                      f"{ENVELOPE_FACTOR:zg}x its first) and was still falling, at a fitted rate clearly < 1 or like "
                      f"k^p, p <= {POW_MAX:zg} (or by {FALL_FACTOR:zg}x and still falling, not creeping onto a level nor moving on a "
                      "bounded motion, whatever the rate's scatter)",
        "diverged": f"a state not finite or {beyond}",
        "growing": f"within the bound, but its last quarter at least {1 / ENVELOPE_FACTOR:zg}x its first and still rising, "
                   f"at a fitted rate clearly > 1 or like k^p, p >= {-POW_MAX:zg}, or accelerating (or by {RISE_FACTOR:zg}x, whatever "
                   "the rate's scatter; a longer run shows whether it levels off or leaves the bound)",
        "bounded, not converging": f"none of these, in {steps} steps: an orbit, a limit cycle, a convergence or "
                                   "growth too slow to show, or a run stuck where F is too small for a step to change "
                                   "the state, as where a loss saturates far from the equilibrium: not converged "
                                   "(range over the last half: tail_min, tail_max, equal for a run that stood still)",
        "stopped": "the method could not take its next step (a singular linear solve, an adaptive step size that "
                   "underflowed)",
        "not run": "the sweep was interrupted before these rows (finished = False)",
    }


def summary_text(rows: int, steps: int, methods, seconds: float, tally: dict, bound=None, table=None,
                 by_method: dict | None = None, complete: bool = True) -> str:
    """The summary of ``gandynamics sweep``: what ran, where the table went, and how many rows have each verdict
    (of how many), each with what it means; verdicts no row has are left out of the legend.  ``by_method``
    (``{method: tally}``, several methods): a line per method with its own counts below the legend."""
    meaning = verdict_meanings(steps, bound)
    when = f"in {seconds:z.2f} s" if complete else f"interrupted after {seconds:z.2f} s"
    runs = "trajectory" if rows == 1 else "trajectories"
    lines = [f"{rows} {runs} x {steps} steps ({', '.join(methods)}) {when}"
             + ("" if table is None else f"; table written to {table}"),
             f"verdicts of the {rows} {runs} (rules: docs/howto/verdicts.md, the table's verdict_rule):"]
    shown = {k: v for k, v in tally.items() if v}
    wc = max((len(str(v)) for v in shown.values()), default=1)
    wk = max((len(k) for k in shown), default=0)
    import textwrap
    for k, v in shown.items():
        head = f"  {v:>{wc}} {k + ':':<{wk + 1}} "
        lines.append(textwrap.fill(meaning.get(k, ""), width=WIDTH, initial_indent=head,
                                   subsequent_indent=" " * len(head), break_on_hyphens=False) if meaning.get(k)
                     else head.rstrip())
    if by_method:
        from .._display import counts_text
        lines.append("by method:")
        wm = max(len(m) for m in by_method)
        for m, t in by_method.items():
            lines.append(textwrap.fill(counts_text({k: v for k, v in t.items() if v}), width=WIDTH,
                                       initial_indent=f"  {m + ':':<{wm + 1}} ", subsequent_indent=" " * (wm + 4),
                                       break_on_hyphens=False))
    return "\n".join(lines)


#: the summary's lines are wrapped at this width
WIDTH = 100
#: a grid of at most this many points (per method) has a line of rates per point in the summary; a larger one, the
#: range and the fastest row
SMALL_GRID = 6


def rate_groups(res, methods) -> dict:
    """Per method: the rates of its converging rows (:meth:`gandynamics.runs.results.SweepResult.rate_summary`),
    ``{"all": summary, "by": [summary per grid point] or None}`` (``by`` for a grid of 2 to :data:`SMALL_GRID`
    points: the grid's axes of :meth:`~gandynamics.runs.results.SweepResult.varied`, each point's starts together)."""
    varied = [c for c in res.varied() if not c.startswith("init_")]
    out = {}
    for m in methods:
        by = res.rate_summary(m, by=varied) if varied else []
        out[m] = {"all": (res.rate_summary(m) or [None])[0],
                  "by": by if 1 < len(by) <= SMALL_GRID else None}
    return out


def step_ranges(res, methods) -> dict:
    """For a sweep over the step (a grid axis ``step``): per method, one dict per point of its other grid axes (at
    most :data:`SMALL_GRID`; none beyond): ``values`` (those axes' values), ``steps`` (the grid's steps, sorted),
    ``converging`` (the steps at which every start converged: the question a step-size sweep asks, which the summary
    left to the table, a new user) and ``contiguous`` (whether they are a run of neighbouring grid steps).  Empty when
    the step is not a grid axis."""
    import numpy as np
    varied = [c for c in res.varied() if not c.startswith("init_")]
    if "step" not in varied:
        return {}
    others = [c for c in varied if c != "step"]
    method_col = np.asarray(res["method"]).astype(str)
    step = np.asarray(res["step"], float)
    ok = (np.asarray(res["verdict"]).astype(str) == "converging") & np.asarray(res["finished"], bool)
    cols = [np.asarray(res[c]) for c in others]
    out = {}
    for m in methods:
        rows = np.flatnonzero(method_col == m)
        groups: dict = {}
        for i in rows:
            groups.setdefault(tuple(c[i].item() for c in cols), []).append(int(i))
        if len(groups) > SMALL_GRID:
            continue
        out[m] = []
        for key, idx in groups.items():
            idx = np.array(idx, int)
            steps = np.unique(step[idx])
            conv = np.array([bool(np.all(ok[idx[step[idx] == h]])) for h in steps])
            where = np.flatnonzero(conv)
            out[m].append({"values": dict(zip(others, key)), "steps": steps.tolist(),
                           "converging": steps[conv].tolist(),
                           "contiguous": bool(where.size and where[-1] - where[0] + 1 == where.size)})
    return out


def step_ranges_text(ranges: dict, labels) -> str:
    """The summary's lines of :func:`step_ranges`: per method (and point of the other axes) the grid steps at which
    every start converged, as a range where they are neighbours, and the grid's next step beyond it."""
    import textwrap
    lines = ["steps at which every start converged (the grid's step axis):"]
    for (m, groups), lab in zip(ranges.items(), labels):
        for g in groups:
            steps, conv = g["steps"], g["converging"]
            head = f"  {lab}" + (f", {_values_text(g['values'])}" if g["values"] else "") + ": "
            if not conv:
                text = f"none of the {len(steps)} steps"
            elif g["contiguous"]:
                after = [h for h in steps if h > conv[-1]]
                below = [h for h in steps if h < conv[0]]
                text = ((f"every step from {conv[0]:zg} to {conv[-1]:zg}" if len(conv) > 1 else f"h = {conv[0]:zg} alone")
                        + f" ({len(conv)} of {len(steps)})"
                        + (f"; not at the grid's next step, {after[0]:zg}" if after else "; the grid's largest step")
                        + (f", nor below {conv[0]:zg}" if below else ""))
            else:
                text = (f"{len(conv)} of the {len(steps)} steps, from {conv[0]:zg} to {conv[-1]:zg}, with steps that "
                        "do not converge between them (the table says which)")
            lines.append(textwrap.fill(text, width=WIDTH, initial_indent=head, subsequent_indent=" " * len(head)))
    return "\n".join(lines) if len(lines) > 1 else ""


def _values_text(values: dict) -> str:
    return ", ".join(f"{k}={v:zg}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())


def _rates_line(s: dict, fastest: bool) -> str:
    """One group's rates: ``median 0.8154, from 0.559 to 0.9055, of 6 converging rows (of 6); fastest ...``."""
    from .common import rate_text
    if s is None or not s["converging"]:
        rows, idle = (s["rows"], s.get("not_run", 0)) if s else (0, 0)
        # (after a Ctrl-C: "eg: no converging row (of 20000)" of 20,000 rows none of which ran, a new user)
        return (f"not run (all {rows} rows: the sweep was interrupted)" if idle and idle == rows else
                f"no converging row (of {rows}" + (f", {idle} not run" if idle else "") + ")")
    r = lambda x: rate_text(x, "z.4g")  # noqa: E731
    of = "" if s["converging"] == s["rows"] else f" (of {s['rows']})"
    if s["rows"] == 1:  # (a grid point of one row: its rate)
        return r(s["median"])
    if s["converging"] == 1:
        text = f"{r(s['median'])}, 1 converging row{of}"
    elif r(s["min"]) == r(s["max"]):  # (its starts alike: "from 0.9055 to 0.9055" said nothing)
        text = f"{r(s['median'])} in each of {s['converging']} converging rows{of}"
    else:
        text = f"median {r(s['median'])}, from {r(s['min'])} to {r(s['max'])}, of {s['converging']} converging rows{of}"
    at = s["fastest"]["at"] if s["fastest"] else {}
    if fastest and s["converging"] > 1 and at:
        text += f"; fastest {r(s['fastest']['rate'])} at {_values_text(at)}"
    return text


def rates_text(groups: dict, labels) -> str:
    """The summary's lines of measured rates (:func:`rate_groups`): per method its converging rows' median and
    range and its fastest row with its grid values, and for a small grid one line per grid point.  The sweep
    counted verdicts and said nothing of how fast its converging rows converged (a user had to open the table)."""
    import textwrap
    lines = [textwrap.fill("rates per step of the converging rows (the table's rate: |z_k - z*| shrinks by that "
                           "factor a step over the last half; power-law decays left out):", width=WIDTH)]
    wm = max((len(lab) for lab in labels), default=0)
    for (m, g), lab in zip(groups.items(), labels):
        head = f"  {lab + ':':<{wm + 1}} "
        lines.append(textwrap.fill(_rates_line(g["all"], fastest=g["by"] is None), width=WIDTH, initial_indent=head,
                                   subsequent_indent=" " * len(head), break_on_hyphens=False))
        for s in g["by"] or []:
            lines.append(f"    {_values_text(s['values'])}: {_rates_line(s, fastest=False)}")
    return "\n".join(lines)


def _round_grid(vals, a: float, b: float):
    """The points of ``linspace(a, b, n)`` each replaced by the shortest decimal within 4 ulps of the grid's scale
    ``max(|a|, |b|)`` of it: ``-0.2:0.1:7`` wrote 2.775558e-17 for its point 0 (and 0.15000000000000002 for 0.15),
    a new user's table.  The ends stay as given.
    Vectorised over the points, one pass per number of decimals D (the nearer of the decimals ``k / 10^D`` and
    ``(k + 1) / 10^D`` about ``x``, each computed as the double nearest it while ``10^D`` is exact, ``|D| <= 22``;
    beyond, point by point): a Python loop over a million points took 9 s before the sweep said anything (an
    adversarial review)."""
    import numpy as np
    scale = max(abs(a), abs(b))
    tol = 4 * np.finfo(float).eps * scale
    out = np.array(vals, dtype=float)
    inner = out[1:-1]  # (a view: the ends stay as given)
    inner[np.abs(inner) <= tol] = 0.0
    todo = np.flatnonzero(np.abs(inner) > tol)
    if todo.size == 0 or not scale > 0.0:
        return out
    first = -int(np.floor(np.log10(scale))) - 1  # (the fewest decimals: one significant digit of the largest point)
    with np.errstate(over="ignore", invalid="ignore"):
        for D in range(first, first + 17):
            if abs(D) > 22:  # (10^D no longer exact: the point's own formatting, as before, for what is left)
                for i in todo:
                    v = float(inner[i])
                    for d in range(1, 17):
                        c = float(f"{v:z.{d}g}")
                        if abs(c - v) <= tol:
                            inner[i] = c
                            break
                break
            x = inner[todo]
            # (the two decimals of D places either side of x, k / 10^D and (k + 1) / 10^D, each the double nearest
            # it: np.round's own rint(x 10^D) missed the nearer one for some x, a digit longer than needed)
            s = 10.0 ** abs(D)
            k = np.floor(x * s) if D >= 0 else np.floor(x / s)
            lo, hi = (k / s, (k + 1) / s) if D >= 0 else (k * s, (k + 1) * s)
            r = np.where(np.abs(lo - x) <= np.abs(hi - x), lo, hi)
            ok = np.abs(r - x) <= tol
            inner[todo[ok]] = r[ok]
            todo = todo[~ok]
            if todo.size == 0:
                break
    return out


def grid_axis(spec: str) -> tuple[str, np.ndarray]:
    """Parse ``name=start:stop:count`` (inclusive linspace) or ``name=v1,v2,...``: ``(name, values)``."""
    name, _, build = grid_axis_spec(spec)
    return name, build()


def grid_axis_spec(spec: str):
    """``(name, count, build)`` of a grid axis (:func:`grid_axis`), its values made by ``build()``: the table's size
    is checked from the counts before any axis is made (``step=0.1:0.2:1e9`` made its 8 GB of points, and rounded
    them, before the table's check refused it: 15.8 GB and 40 s, an adversarial review)."""
    import numpy as np
    if not isinstance(spec, str) or "=" not in spec or not spec.split("=", 1)[0].strip():
        raise GandynamicsError(f"malformed grid {spec!r}; expected name=start:stop:count or name=v1,v2,...")
    name, rhs = (s.strip() for s in spec.split("=", 1))
    from ..limits import check_array
    from ..validate import finite, vector, whole
    if ":" in rhs:
        parts = rhs.split(":")
        if len(parts) != 3:
            raise GandynamicsError(f"malformed grid {spec!r}; expected name=start:stop:count (count a whole number "
                                   ">= 1) or name=v1,v2,...")
        try:
            a = finite(parts[0], f"grid {name}: start")
            b = finite(parts[1], f"grid {name}: stop")
            count = whole(parts[2], f"grid {name}: count")
        except GandynamicsError as exc:
            raise GandynamicsError(f"{exc} (a grid is name=start:stop:count or name=v1,v2,...)") from None
        check_array((count,), f"grid {name}")  # before allocating: a count of 1e10 is refused with the estimate
        if count > 1 and a == b:  # (five rows of a = 1: continue's --vary 1:1 is refused alike)
            raise GandynamicsError(f"grid {name}: start and stop are both {a:zg}, so its {count} values are one; give "
                                   f"two different ends, or the one value ({name}={a:zg})")
        if count == 1 and a != b:  # (linspace's one point is the start: the stop was dropped unsaid)
            raise GandynamicsError(f"grid {name}: a count of 1 gives the start {a:zg} alone, not the range "
                                   f"{a:zg}:{b:zg}; give a count >= 2, or the one value ({name}={a:zg})")
        return name, count, lambda: _round_grid(np.linspace(a, b, count), a, b)
    try:
        vals = np.asarray(vector(rhs, f"grid {name}"), dtype=float)
    except GandynamicsError as exc:  # (the other form too: "0.1-0.5-10" meant a range)
        raise GandynamicsError(f"{exc} (a grid is name=v1,v2,... or name=start:stop:count)") from None
    return name, len(vals), lambda: vals
