"""``gandynamics simulate``: one trajectory of a method on a game (a thin layer over
:func:`gandynamics.simulate.simulate`)."""

from __future__ import annotations

from ..errors import GandynamicsError


def _method_option_table(names=lambda m: m.option_names) -> dict:
    """option name -> (Option, [methods declaring it]) over the registry (first declaration's kind), for the
    option names ``names(method)`` selects (default: all its options)."""
    from ..methods import METHODS
    table = {}
    for m in METHODS.values():
        for name in names(m):
            table.setdefault(name, (m.options[m.option_names.index(name)], []))[1].append(m.name)
    return table


def add_method_option_flags(p) -> None:
    """One flag for every option some method declares (:mod:`gandynamics.methods`; the help names the methods that
    take it and their default): simulate, sweep and portrait take the same flags."""
    from ..methods import METHODS
    from .common import add_switch
    for name, (o, users) in _method_option_table().items():
        flag = "--" + name.replace("_", "-")
        decl = [METHODS[u].options[METHODS[u].option_names.index(name)] for u in users]
        defaults = {d.default for d in decl}
        cli = {d.cli_default for d in decl} - {None}
        dflt = (f" (default {cli.pop():zg} on the command line, as in every command; the library's {defaults.pop()})"
                if len(cli) == 1 and len(defaults) == 1 and cli != defaults else
                f" (default {defaults.pop()})" if len(defaults) == 1 else "")
        choices = f" [{' | '.join(o.choices)}]" if o.choices else ""
        text = f"{', '.join(users)}: {o.help}{choices}{dflt}"
        if o.kind is bool:
            add_switch(p, flag, name, text)
        else:
            p.add_argument(flag, dest=name, metavar=name.upper() if o.kind is str else "X", help=text)


def method_option_values(args) -> dict:
    """The method options given on the command line (numbers as numbers; the methods' declarations check them)."""
    opts = {}
    for name, (o, _) in _method_option_table().items():
        v = getattr(args, name, None)
        if v is None:
            continue
        if o.kind is int:  # exactly (as a float, --maxit 2^63 - 1 became 2^63 and was refused, named maxit)
            from ..validate import whole
            v = whole(v, "--" + name.replace("_", "-"))
        elif o.kind is float:
            v = _float(v, "--" + name.replace("_", "-"))
        opts[name] = v
    return opts


def with_cli_defaults(opts: dict, methods, skip=()) -> dict:
    """``opts`` with the command line's default of each option none was given for that one of ``methods`` declares
    with a ``cli_default`` (:class:`~gandynamics.methods.base.Option`: momentum's beta, -0.5), unless it is in
    ``skip`` (a sweep's grid axis); the same value in every command (simulate, sweep and portrait had run momentum at
    0, which is gd, where rates and classify used -0.5; momentum's beta now has -0.5 as its own default)."""
    from ..methods import get_method, named_defaults
    names = [str(m).strip() for m in methods]
    for m in names:
        if "," in m:  # (simulate --method gd,eg: one method is run there, said so; not "unknown method 'gd,eg'")
            get_method(m)
    return named_defaults(opts, names, skip)  # (every unknown name refused at once)


def add_method_arguments(p, several: bool = False) -> None:
    """Options shared by ``simulate`` and ``sweep``: method, steps, step sizes, and every option some method
    declares (:mod:`gandynamics.methods`; the help names the methods that take it and their defaults)."""
    from ..methods import METHODS
    listing = "; ".join(f"{m.name}: {m.summary}" for m in METHODS.values())
    if several:
        p.add_argument("--method", action="append", default=None, metavar="M", required=True,
                       help=f"method (repeatable or comma-separated): {listing}")
    else:
        p.add_argument("--method", required=True, metavar="M", help=f"one of {listing}")
    p.add_argument("--steps", required=True, metavar="K", help="number of iterations (>= 1)")
    p.add_argument("--step", metavar="H[,H_D]", required=not several,  # (the usage line shows what is required)
                   help="step size h, or h_G,h_D (two-timescale); flow: the time step. Required"
                        + (" unless a --grid axis step (or step_g and step_d) gives it" if several else ""))
    add_method_option_flags(p)
    p.add_argument("--box", action="append", default=[], metavar="NAME=LO:HI",
                   help="project NAME onto [LO, HI] after every step (repeatable)")
    p.add_argument("--clip", metavar="C", help="WGAN weight clipping: psi (all discriminator parameters) in [-C, C]")
    p.add_argument("--bound", default="1e6", metavar="X", help="max-norm above which a trajectory counts as diverged (default 1e6; inf disables)")
    from ..codegen import ENGINES  # (not from the runs: listing them imports no numba)
    p.add_argument("--engine", default="auto", choices=ENGINES,
                   help="where the steps run: compiled (numba; compiled once per game, then cached), interpreted (the "
                        "same kernel source in Python with numba's IEEE results; nothing to compile) or auto (default: "
                        "interpreted when the run takes about a second or less there; $GANDYNAMICS_ENGINE sets it)")


def _float(text, what):
    from ..validate import plain_float
    try:
        v = plain_float(text)  # (no '1_0' read as 10)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be a number, got {text!r}") from None
    return v


def _bound(text) -> float:
    """``--bound``: a number > 0, inf allowed (the library's check, naming the flag and the value as typed)."""
    from ..validate import positive
    return positive(text, "--bound", allow_inf=True)


def refuse_unused_method_options(args, methods) -> None:
    """Refuse a method option (``--n-g``, ``--beta``, ...) none of ``methods`` takes, naming the flag as typed and
    the methods that take it (the library's refusal named the keyword, ``gd takes no option(s) n_g``, and
    sweep's did not say which methods take it), and check each given value by the declaration of every chosen
    method that takes it, the error naming the flag and the value as typed (the library's named ``n_d`` and echoed
    ``0.0`` for ``--n-d 0``).  Unknown method names are left to the library's refusal."""
    from ..methods import METHODS
    if not methods or any(m not in METHODS for m in methods):
        return
    for name, (_, users) in _method_option_table().items():
        value = getattr(args, name, None)
        if value is None:
            continue
        flag = "--" + name.replace("_", "-")
        if not set(users) & set(methods):
            raise GandynamicsError(f"{flag} applies to {', '.join(users)}, not to {', '.join(methods)}; leave it out "
                                   f"or choose one of those methods")
        for m in dict.fromkeys(methods):
            spec = METHODS[m]
            if name in spec.option_names:
                spec.options[spec.option_names.index(name)].coerce(value, m, name=flag)


def method_options(args, fld) -> dict:
    """The keyword options of simulate/sweep from the parsed arguments (numbers as given: the method's
    declaration converts and checks them)."""
    opts = method_option_values(args)
    box = {}
    if args.clip is not None:
        from ..validate import positive
        c = positive(args.clip, "--clip")  # (--clip inf clipped nothing: leave it out for no clipping)
        for name in fld.names[fld.n_theta:]:
            box[name] = (-c, c)
    given: dict = {}
    for item in args.box:
        name, sep, rng = item.partition("=")
        parts = rng.split(":")
        if not sep or len(parts) != 2:
            raise GandynamicsError(f"malformed --box {item!r}; expected NAME=LO:HI (e.g. psi=-1:1)")
        if name.strip() in box:  # the later range silently replaced the earlier one (or --clip's)
            raise GandynamicsError(f"--box {item.strip()}: {name.strip()} has a range already "
                                   f"({given.get(name.strip(), f'--clip {args.clip}')}); give one range per parameter")
        box[name.strip()] = (_float(parts[0], "--box bound"), _float(parts[1], "--box bound"))
        given[name.strip()] = f"--box {item.strip()}"
    if box:
        opts["box"] = box
    return opts


def parse_step(text):
    """``"0.1"`` -> 0.1, ``"0.1,0.2"`` (or ``"[0.1, 0.2]"``, as vectors are written) -> (0.1, 0.2)."""
    if text is None:
        return None
    from ..validate import _strip_brackets
    parts = _strip_brackets(text).split(",")
    if len(parts) > 2:
        raise GandynamicsError(f"--step must be h or h_G,h_D, got {text!r}")
    from .constants import number
    # each step checked here, named as typed ("--step must be > 0, got '0'"; the library's "step must be a finite
    # number > 0, got 0.0" named no option and not what was typed)
    vals = tuple(number(t, "--step", positive=True) for t in parts)
    return vals[0] if len(vals) == 1 else vals


def parse_steps(text) -> int:
    from ..validate import whole
    return whole(text, "--steps")


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    p = sub.add_parser(
        "simulate", help=summary("simulate"),
        description="Integrate one trajectory with a method's update rule (z <- z - h F(z) and relatives; see "
                    "`gandynamics.methods`; compiled, or interpreted for a short run: --engine) and report the final state, its distance to the equilibrium, the "
                    "measured last-iterate rate (least-squares fit of log|z_k - z*|: over the second half of the "
                    "run, or over its last three quarters with a log k term when the decay is k^m rho^k; "
                    "docs/mathematics.md §5.6; none for a decay like a power of k, said to converge algebraically "
                    "with its exponent: docs/math/runs.md; printed as 'rate +- spread' when the fit's spread, the two "
                    f"half-window slopes' difference plus its standard error, is at least {SPREAD_SHOWN:zg} of the rate) and the verdict: 'converging', 'growing' (within the bound), 'bounded, not converging', "
                    "'diverged' (NaN, overflow, or max-norm above --bound) or 'stopped' (the method could not take its "
                    "next step).  A bounded run whose state stands still is said to stand at another zero of F (it "
                    "converged there), at a spurious fixed point of its method, where the point its update evaluates F "
                    "at, extragradient's z - H F(z), is a zero of F (docs/math/bifurcations.md §1), or to be stuck, not "
                    "converged: F is not 0 there, but too small for a step to change the state, as where a loss "
                    "saturates far from the equilibrium (the sigmoid's gradient underflows) or where the step is too "
                    "small; the verdict gives the numbers and what to try.",
        epilog="example: gandynamics simulate dirac --reg r1:gamma=0.3 --method altgd --step 0.2 --steps 500 --init 1,1")
    add_game_arguments(p)
    add_method_arguments(p)
    p.add_argument("--init", metavar="v1,v2,...", help="initial point (default: the equilibrium + 1 in every coordinate: (1, 1) on the Dirac-GAN, as in "
                        "M18's figures; the start of portrait and sweep too)")
    p.add_argument("--record-every", default="1", metavar="N", help="keep every N-th state (default 1; the last one "
                   "always; the verdict and rate do not depend on N)")
    p.add_argument("--json", action="store_true", help="print one JSON object (with the recorded states)")
    p.add_argument("--csv", metavar="FILE.csv|-", help="write the recorded states to FILE.csv (k, parameters, distance; provenance in "
                   "FILE.csv.json).  An existing file is replaced only if it is a trajectory table gandynamics wrote "
                   "(another file, or a sweep's table, is refused: give another name or remove it).  '-' writes the CSV "
                   "to standard output, the provenance as leading '#' lines (pandas.read_csv(..., comment='#') skips "
                   "them) and the summary to standard error (none with -q), as sweep --out - does")
    from ..methods import METHODS
    none = sorted({m.name for m in METHODS.values() if m.iteration_matrix is None})
    p.add_argument("--plot", metavar="FILE.png", help="also draw the run's distance to z* against k (log scale) with the "
                   "local rate its linearisation at z* predicts, the spectral radius of the method's iteration matrix "
                   f"(dashed; none for {', '.join(none)}), and write it to FILE (.png, .pdf or .svg; an existing file "
                   "is replaced only if gandynamics wrote it)")
    p.set_defaults(run=run, check_methods=check_methods)
    return p



def check_base(args, methods) -> None:
    """Refuse a --base that is not one of lookahead's base methods (its declaration's choices) where lookahead is
    among ``methods``, as a method name is refused: with the others (:func:`gandynamics.cli.common.check_names`; a
    review found it named on a later run).  Given without lookahead it is refused later, as doing nothing."""
    base = getattr(args, "base", None)
    if base is not None and "lookahead" in [str(m).strip() for m in methods]:
        from ..methods import METHODS
        spec = METHODS["lookahead"]
        spec.options[spec.option_names.index("base")].coerce(base, "lookahead", name="--base")


def check_methods(args) -> None:
    """Refuse an unknown --method (one method, the library's refusal) and --base
    (:func:`gandynamics.cli.common.check_names`)."""
    from ..methods import get_method
    from .common import refuse_all
    refuse_all(lambda: get_method(args.method), lambda: check_base(args, [args.method]))


def run(args) -> int:
    from ..simulate import simulate
    from ..validate import whole
    from .common import build_field, gathered, parse_vector, refuse
    with gathered() as check:  # (every value and the game, refused together)
        if args.csv == "-" and args.json:  # (both on standard output)
            check(refuse, "--csv - and --json both write to standard output; give one of them")
        if args.csv and args.csv != "-":
            from ..io import check_output_path
            check(check_output_path, args.csv, "--csv", (".csv",), sidecar=True, kind="trajectory table")  # before any computation (and its provenance)
        if args.plot:
            from .figures import check_plot_path
            check_plot_path(check, args.plot)
        paths_ok = not check.found  # (the game is built only when they are good: nothing computed before)
        check(refuse_unused_method_options, args, [args.method.strip()])
        bound = check(_bound, args.bound)
        steps = check(parse_steps, args.steps)
        every = check(whole, args.record_every, "--record-every")
        step = check(parse_step, args.step)  # (required by the parser)
        # (the game with them: `simulate dirac --steps 0 --param zz=1` named --steps alone, zz on the next run)
        built = check(build_field, args) if paths_ok else None
    fld, hyper = built
    with gathered() as check:  # (the values read with the game's size and options)
        z0 = check(parse_vector, args.init, fld.n, "--init", fld.names) if args.init else None
        opts = check(method_options, args, fld)
    if z0 is None:  # the equilibrium + 1, the start portrait and sweep take too
        from ..equilibrium import reference_point
        z0 = reference_point(fld, hyper) + 1.0
    from ..limits import check_array
    check_array((steps // every + 2, fld.n + 2), "the recorded states (--steps / --record-every)")
    opts = with_cli_defaults(opts, [args.method])
    tr = simulate(fld, args.method, z0, steps, step, hyper, record_every=every,
                  bound=bound, engine=args.engine, **opts)
    from .finishing import finish  # (a Ctrl-C while the run is printed and written: held until they are out)
    code = finish(lambda: _results(args, fld, tr, z0), "the run's report and table")
    if tr.options.get("ctrl_c_after_run") and code == 0:  # (a Ctrl-C while its states were read: the run is whole)
        import sys
        sys.stderr.write(f"gandynamics: interrupted after the run's last step, while its states were read; the run "
                         f"(all {tr.steps} steps) is kept above\n")
        return 130
    return 130 if tr.options.get("interrupted") else code


def _results(args, fld, tr, z0) -> int:
    """Print (and write with --csv and --plot) the run ``tr``: the exit status."""
    if args.plot:
        _plot(args.plot, fld, tr)
    if args.csv == "-":  # the table on standard output, what is printed below on standard error (as sweep --out -)
        import contextlib
        import io
        import sys

        from ..provenance import comment_header
        from .common import quiet
        sys.stdout.write(comment_header(tr.provenance))
        tr.write_csv(sys.stdout)
        with contextlib.redirect_stdout(sys.stderr if not quiet(args) else io.StringIO()):
            return _print_run(args, fld, tr, z0)
    if args.csv:
        try:
            tr.to_csv(args.csv)
        except OSError as exc:
            from ..io import describe_oserror  # (the file that failed: the table or its sidecar)
            raise GandynamicsError(describe_oserror(exc, args.csv)) from None
    return _print_run(args, fld, tr, z0)


def _print_run(args, fld, tr, z0) -> int:
    """What simulate prints of a run (or its JSON with --json); the exit status (130 for a run interrupted)."""
    import numpy as np

    from .common import dumps, game_lines, method_label, rate_text
    order = None
    from ..methods import get_method
    m = get_method(tr.method)
    if "theory_order" in m.extra:  # time-varying methods with a sublinear guarantee on |F(z_k)| (eag)
        from ..analysis.rates import sublinear_order
        order = {"measured": sublinear_order(fld, tr), "theorem": m.extra["theory_order"],
                 "fit": "least-squares slope of log|F(z_k)| against log k over [K/2, K]"}
    if args.json:
        d = tr.to_dict(states=True)
        d["game"] = fld.name
        if order is not None:
            d["order_of_F"] = order
        if args.plot:
            d["figure"] = args.plot if not tr.reading.get("no_zstar") else None
        print(dumps(d))
        return 130 if tr.options.get("interrupted") else 0
    # a game of many parameters: its first ROWS coordinates of each point, as analyze shows its point, and one line
    # saying how many more and where they are (a game of 1,000 printed lines of 11,000 characters: a new user's trial)
    from .analyze import ROWS
    cut = fld.n > ROWS
    names = ", ".join(fld.names[:ROWS]) + (", …" if cut else "")

    def point(z):
        return ", ".join(f"{v:z.6g}" for v in np.asarray(z, float)[:ROWS]) + (", …" if cut else "")
    # (the game as every command's header names it: its loss and regularizers with their strengths; simulate's named
    # the game alone, and "hyperparameters: gamma=0.3" did not say of what: a new user)
    print(game_lines(fld, tr.params, f"   method: {method_label(tr.method, tr.options)}   steps: {tr.steps}   step: "
          + (f"{tr.step[0]:zg}" if tr.step[0] == tr.step[1] else f"h_G={tr.step[0]:zg}, h_D={tr.step[1]:zg}")))
    print(f"init  ({names}) = ({point(z0)})")
    print(f"final ({names}) = ({point(tr.final)})")
    if cut:
        print(f"  ({fld.n - ROWS:,} more coordinates of each point here: --json prints them all, --csv FILE.csv "
              "writes the recorded states)")
    if tr.reading.get("no_zstar"):  # (no zero of F found: no distance nor rate; the verdict read on |z_k - z_0|)
        print("distance to z*: none (no zero of F found)")
        print("rate per step: - (no z* to measure it from)")
    else:
        print(f"distance to z* = ({point(tr.equilibrium)}): {tr.final_distance:z.6g}")
        why = ""
        if not tr.rate == tr.rate and not tr.diverged and tr.verdict == "converging":
            # (the rate is fitted on the read samples above the rounding floor, and is undefined with fewer than two:
            # docs/math/runs.md, "The measured rate")
            from ..runs.trajectory import READ_SAMPLES
            gap = max(1, round(tr.steps / (READ_SAMPLES - 1)))
            why = (f"   (the distance fell to the rounding floor before the second of the steps it is read at, one "
                   f"about every {gap:,}: nothing to fit; fewer --steps measure it)")
        if not tr.rate == tr.rate and tr.diverged:  # (verdict.Reader.reading: no rate without its spread)
            from ..runs.trajectory import READ_SAMPLES
            gap = max(1, round(tr.steps / (READ_SAMPLES - 1)))
            ended = "stopped" if tr.stopped else "diverged"
            every = "every step" if gap == 1 else f"one about every {gap:,} steps"
            why = (f"   (too few distances recorded before it {ended} at step {tr.diverged_at}, {every}, to fit a rate and "
                   "its spread" + ("" if gap == 1 else "; fewer --steps record more of them") + ")")
        if "algebraic" in tr.reading:  # (a decay like k^p: the rate fitted over the last half holds for no longer run)
            print(f"rate per step: none (an algebraic decay, see the verdict; the last half's average, "
                  f"{rate_text(tr.rate)}, holds for no longer run)")
        else:
            print(f"rate per step: {rate_text(tr.rate)}" + _spread_text(tr)
                  + (f"   (polynomial factor k^{tr.reading['poly_order']:z.2g} fitted)"
                     if abs(tr.reading.get("poly_order", 0.0)) > 0.5 else "") + why)
    print(f"verdict: {tr.describe()}")
    if order is not None:
        print(f"order of |F(z_k)| in k: {order['measured']:z.4g} measured (theorem: {order['theorem']:zg}, "
              f"O(1/k) for monotone F when h <= 1/(8L))")
    if args.csv and args.csv != "-":
        print(f"states written to {args.csv} (provenance in {args.csv}.json)")
    if args.plot and not tr.reading.get("no_zstar"):
        print(f"figure written to {args.plot}")
    if tr.options.get("interrupted"):
        import sys
        sys.stderr.write(f"gandynamics: interrupted after {tr.steps} steps; the steps that finished are kept above\n")
        return 130
    return 0


def _plot(path: str, fld, tr) -> None:
    """Write the convergence figure of ``simulate --plot`` (:func:`gandynamics.cli.figures.write_convergence`): the
    run's distance to z* against k, with the local rate its method's iteration matrix predicts at z*
    (:func:`gandynamics.runs.equilibria.local_rate_at`) as a dashed slope.  A run with no z* draws nothing and says so
    on standard error."""
    import sys

    from ..methods import get_method
    from ..plotting import describe, steps_text
    from ..runs.equilibria import local_rate_at
    from ..runs.validate import method_options
    from .figures import predicted_is_drawn, run_label, write_convergence
    if tr.reading.get("no_zstar"):
        sys.stderr.write(f"gandynamics: warning: {path} not written: the run has no z* (no zero of F found) to draw "
                         "its distance from\n")
        return
    h_g, h_d = tr.step
    m = get_method(tr.method)
    own = {k: v for k, v in tr.options.items() if k in m.option_names}
    # (the options as the run took them, defaults filled in: the flow's scheme, rk4, is recorded by none)
    o = method_options(fld, tr.method, own)
    rho = local_rate_at(fld, m, tr.equilibrium, fld.param_vector(tr.params), h_g, o) if h_g == h_d else None
    label = run_label(tr.method, own)
    # (a rate not drawn is said in the run's key, with why: figures.undrawn_label)
    what = ("distance to z* and the local rate predicted at z* (dashed)" if predicted_is_drawn(tr, rho) else
            "distance to z*")
    write_convergence(path, [(label, tr, rho)],
                      f"{describe(fld, tr.params)}: {label}, {steps_text(tr.step if h_g != h_d else h_g)}: {what}")


#: a measured rate's spread is printed beside it (``0.457493 +- 0.00435``) when it is at least this fraction of the
#: rate: the six digits printed then claim more than the fit knows
SPREAD_SHOWN = 1e-6


def _spread_text(tr) -> str:
    """`` +- s`` after a measured rate whose spread ``s`` (the table's ``rate_err``: the two half-window slopes'
    difference plus the standard error, times the rate; docs/math/runs.md) is at least :data:`SPREAD_SHOWN` of it ("" otherwise):
    a new user's run read 0.457493 for the linearisation's 0.5, printed to six digits, its fit cut short by the
    rounding floor while a faster mode's transient still shaped it (its spread 0.0044 said so).  (Which steps the fit
    used is not said: the reading does not report its window, and the distances printed are not those it read.)"""
    import math
    rate, lre = tr.rate, tr.reading.get("log_rate_err", math.nan)
    if not (rate == rate and lre == lre and rate > 0) or lre < SPREAD_SHOWN:
        return ""
    return f" +- {rate * lre:z.3g}"
