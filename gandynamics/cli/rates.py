"""``gandynamics rates``: exact local rate, optimal and largest stable step, theoretical bound and measured
rate of each method, side by side (a thin layer over :func:`gandynamics.analysis.rates.rates`)."""

from __future__ import annotations

import math

DEFAULT_METHODS = "gd,altgd,eg,eftp,ogda,momentum"


def _rate_methods():
    from ..analysis.rates import RATE_METHODS
    return RATE_METHODS


def _extra_rate_options() -> dict:
    """option name -> (Option, [methods]) for every rate option some method declares, besides --beta, --n-g, --n-d
    (lookahead's base, la_k, la_alpha, ...): one flag each, from the declarations."""
    from .simulate import _method_option_table
    return _method_option_table(lambda m: [k for k in m.extra.get("rate_options", ()) if k not in ("beta", "n_g", "n_d")])


def add_parser(sub):
    from . import summary
    from ..errors import install_hint
    from .common import add_game_arguments, add_switch
    p = sub.add_parser(
        "rates", help=summary("rates"),
        description="For each method: the exact local rate (spectral radius of the iteration matrix at the "
                    "equilibrium; docs/mathematics.md §0.4, §5.4), the locally optimal step and its rate, the largest stable "
                    "step (h_max; where the small steps are unstable too, a note gives the interval of stable steps), the global bound of the theorem from certified (mu, L) on the region (docs/mathematics.md §5; none "
                    "where no theorem applies or mu <= 0) and the rate measured on a simulated trajectory started "
                    "in the region (at an unstable step, over its steps while its distance to the equilibrium stays "
                    "within 10 times its start's: the linear regime, where the local rate rules; the note says so, "
                    "with the whole run's rate).  Rates are per step, on the distance to the equilibrium.  A GAN whose "
                    "expectations are sums over a quadrature rule gets a note when the Jacobian moves by more than "
                    "1e-6 (relative) with twice the nodes (docs/mathematics.md §0.6).",
        epilog="example: gandynamics rates dirac --reg r1:gamma=0.3 --methods gd,eg,eftp --optimal")
    add_game_arguments(p)
    p.add_argument("--methods", default=DEFAULT_METHODS,
                   help=f"comma-separated, from {', '.join(_rate_methods())} (altmomentum: momentum with alternating "
                        f"updates, as --alternating; default {DEFAULT_METHODS})")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--step", metavar="H", help="one step size for every method, or the word optimal or theory "
                                           "(the same as --optimal, --theory-step)")
    g.add_argument("--optimal", action="store_true", help="each method at its locally optimal step (the default)")
    g.add_argument("--theory-step", action="store_true", help="each method at its theorem's step (gd mu/L^2, eg/eftp/ogda 1/(4L)); where none "
                        "applies (no theorem for the method, or certified mu <= 0) the locally optimal step, "
                        "named in a note below the table and as step_rule in --json")
    p.add_argument("--region", default="ball:0.1", metavar="ball:R | box:...",
                   help="region of the constants and of the start point (default ball:0.1)")
    p.add_argument("--beta", default=None, help="momentum coefficient for momentum/altmomentum (and lookahead over momentum; default -0.5)")
    p.add_argument("--n-g", default=None, help="generator steps per round (altgd, lookahead over altgd; default 1)")
    p.add_argument("--n-d", default=None, help="discriminator steps per round (altgd, lookahead over altgd; default 1)")
    for name, (o, users) in _extra_rate_options().items():
        choices = f" [{' | '.join(o.choices)}]" if o.choices else ""
        if o.kind is bool:
            add_switch(p, "--" + name.replace("_", "-"), name, f"{', '.join(users)}: {o.help} (default {o.default})")
            continue
        p.add_argument("--" + name.replace("_", "-"), dest=name, default=None,
                       metavar=name.upper() if o.kind is str else "X",
                       help=f"{', '.join(users)}: {o.help}{choices} (default {o.default})")
    p.add_argument("--steps", default=None, help="length of the measured trajectories (default: ~10 decades of decay)")
    p.add_argument("--no-measure", action="store_true", help="skip the simulations")
    p.add_argument("--tight", action="store_true",
                   help="add the tight worst case over all mu-strongly monotone, L-Lipschitz operators at each step, "
                        f"by performance estimation (PEPit: {install_hint('pep')}); measured <= tight <= bound "
                        "where the theorem's conditions hold")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per method")
    p.add_argument("--plot", metavar="FILE.png", help="also draw each measured run's distance to z* against k (log "
                   "scale) with its local rate as a dashed slope where the run converges to z*, and write the figure to "
                   "FILE (.png, .pdf or .svg; an existing file is replaced only if gandynamics wrote it)")
    p.set_defaults(run=run, check_methods=check_methods)
    return p


def _refuse_unused_flags(args, methods) -> None:
    """A method flag (--beta, --n-d, --la-k, --alternating, ...) none of ``methods`` takes would be ignored: refuse
    it naming the flag as typed and the methods that take it (the library's refusal names the keyword, la_k)."""
    from ..analysis.rates import RATE_METHODS, rate_options, takes
    from ..errors import GandynamicsError
    base = getattr(args, "base", None) or "gd"
    for name in ("beta", "n_g", "n_d", *_extra_rate_options()):
        if getattr(args, name, None) is None or takes(name, methods, base):
            continue
        users = [m for m in RATE_METHODS if name in rate_options(m)]
        if name not in rate_options("lookahead"):
            users.append("lookahead over " + (" or ".join(m for m in users if m != "lookahead") or "them"))
        raise GandynamicsError(f"--{name.replace('_', '-')} applies to {', '.join(users)}, not to {', '.join(methods)}; "
                               f"leave it out or add one of those methods to --methods")


def _f(x, fmt="z.6g"):
    if x is None:
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return format(x, fmt)


def _unstable_note(r, tol: float) -> str:
    """The note of a rates row whose step does not converge to within ``tol`` (:data:`STABLE_TOL`): a rate at or
    above 1 says so and where the method is stable; a rate below 1 by less than ``tol``, or one that rounds to 1 at a
    step inside the stable range ``h < h_max``, that it converges too slowly for a run to show (h = 1e-12 gave
    "local rate 1 >= 1: no convergence there (stable for h < 1.2)" beside the table's 1 - 1.5e-13).  The step is
    written with the digits that tell it from ``h_max`` (h = 3.999999999999 is not "h = 4" beside "h < 4")."""
    from .common import rate_text
    rate, h, hmax = r.local_rate, r.step, r.largest_stable_step
    hs = f"{h:z.6g}"
    if hmax is not None and hs == f"{hmax:z.6g}" and h != hmax:
        hs = f"{h:z.15g}"
    from .._display import stable_steps_text  # (the interval, small steps unstable or not: "stable for h < inf" was
    # said of the proximal point method stable only for h > 0.206, a new user)
    where = "" if hmax is None else f" (stable {stable_steps_text(r.to_dict())})"
    if rate < 1.0:
        return (f"local rate {rate_text(rate)} at h = {hs}, within {tol:z.0e} of 1: it converges, too slowly for a run "
                f"to show{where}")
    if rate == 1.0 and hmax is not None and 0 < h < hmax:
        return (f"local rate 1 to rounding at h = {hs}, a step far inside the stable range h < {hmax:z.6g}: it "
                "converges, too slowly for a run to show")
    return f"local rate {rate_text(rate)} >= 1 at h = {hs}: no convergence there" + (
        " (no step is stable)" if hmax is None else where)


def check_methods(args) -> None:
    """Refuse every name of --methods without a rate (:func:`gandynamics.cli.common.check_names`)."""
    from ..analysis.rates import refuse_base, refuse_methods
    from ..validate import name_list
    from .common import refuse_all
    refuse_all(lambda: refuse_methods(name_list(args.methods, "--methods")),  # at least one, no empty item
               lambda: args.base is None or "lookahead" not in str(args.methods) or refuse_base(args.base, "--base"))


def run(args) -> int:
    from ..analysis.rates import rates
    from .common import build_field, dumps, rate_text
    from .constants import number
    from ..validate import name_list
    from .common import gathered, refuse_inapplicable
    methods = name_list(args.methods, "--methods")  # (a wrong list was refused with the names: check_methods)
    step = "optimal"
    with gathered() as check:  # (every value and the game, refused together)
        if getattr(args, "base", None) is not None:  # (before any use of it: named as the option it is)
            from ..analysis.rates import refuse_base
            check(refuse_base, args.base, "--base")
        check(refuse_inapplicable, args, [("steps", not args.no_measure,
                                           "to the measured trajectories (not with --no-measure)"),
                                          ("plot", not args.no_measure,
                                           "to the measured trajectories (not with --no-measure)")])
        if args.plot:  # (before any computation)
            from .figures import check_plot_path
            check_plot_path(check, args.plot)
        check(_refuse_unused_flags, args, methods)
        if args.step is not None and args.step.strip() in ("optimal", "theory"):  # the API's words, exactly as there
            step = args.step.strip()  # (names are exact everywhere: --method GD is refused as gd.simulate's "GD" is)
        elif args.step is not None:
            step = check(number, args.step, "--step", positive=True,
                         accepted="a positive number, or the word optimal or theory (the same as --optimal, "
                                  "--theory-step)")
        elif args.theory_step:
            step = "theory"
        # an option none of --methods takes would be ignored: rates() refuses it (analysis.rates.takes)
        beta = check(number, args.beta, "--beta") if args.beta is not None else None  # (None: each method's own)
        n_g = check(number, args.n_g, "--n-g", integer=True) if args.n_g is not None else None
        n_d = check(number, args.n_d, "--n-d", integer=True) if args.n_d is not None else None
        steps = check(number, args.steps, "--steps", integer=True) if args.steps is not None else None
        from .constants import built_region
        got = check(built_region, args, check(build_field, args), engine=False, need_equilibrium=True)
    fld, hyper, region = got
    extra = {name: getattr(args, name) for name in _extra_rate_options() if getattr(args, name, None) is not None}
    rows, info = rates(fld, methods, step=step, params=hyper, region=region, beta=beta, n_g=n_g, n_d=n_d,
                       measure=not args.no_measure, steps=steps, options=extra)
    mu, L = info["mu"], info["lipschitz"]
    tight = None
    if args.tight:
        from ..analysis.pep import tight_rate_column
        tight = tight_rate_column(rows, mu["lo"], L["hi"])
    from .common import game_lines, game_record, quadrature_note
    qd, quad = quadrature_note(fld, hyper, info["equilibrium"])
    if args.json:
        game = game_record(fld, hyper)  # (each row says what game it is of, as a table's rows do)
        out = [{**game, **r.to_dict(), "quadrature": qd} for r in rows]
        if tight is not None:
            for d, t in zip(out, tight):
                d["tight"] = t if isinstance(t, float) else None
                d["tight_note"] = t if isinstance(t, str) else ""
        print(dumps(out))
        _plot(args.plot, fld, hyper, rows)
        return 0
    print(game_lines(fld, hyper, f"   equilibrium ({', '.join(fld.names)}) = "
                                 f"({', '.join(f'{v:z.6g}' for v in info['equilibrium'])})"))
    from .._display import bound, bracket_ends, rounding_note  # the ends rounded outward: still a bracket (-1e-323, not -9.88131e-324)
    from ..analysis.rates import NO_STABLE_STEP, STABLE_TOL
    from ..analysis.solution_concepts import is_affine
    print(f"region: {region.describe()}   mu in [{bound(mu['lo'], 'lo')}, {bound(mu['hi'], 'hi')}]   "
          f"L in [{bound(L['lo'], 'lo')}, {bound(L['hi'], 'hi')}]")
    note = rounding_note(bracket_ends("mu", mu["lo"], mu["hi"]) + bracket_ends("L", L["lo"], L["hi"]))
    if note:
        print(note)
    ran = next((r.options["beta"] for r in rows if (r.options or {}).get("beta") is not None), None)  # (as run)
    print("rates per step on |z_k - z*|; bound from certified (mu_lo, L_hi) where a theorem applies"
          + ("" if ran is None else f"; momentum coefficient beta = {ran:zg}"
             + ("" if args.beta is not None else " (the default of rates; --beta sets it)")) + "\n")
    head = ["method", "step", "local", "measured", "bound"] + (["tight"] if tight is not None else []) + \
        ["holds", "h_opt", "rho_opt", "h_max"]
    table = []
    for i, r in enumerate(rows):
        holds = "-" if r.bound_holds is None else ("yes" if r.bound_holds else "NO")
        t = [] if tight is None else [rate_text(tight[i]) if isinstance(tight[i], float) else "-"]
        table.append([r.method, _f(r.step), rate_text(r.local_rate), rate_text(r.measured_rate), rate_text(r.bound)]
                     + t + [holds, _f(r.optimal_step), rate_text(r.optimal_rate), _f(r.largest_stable_step)])
    # each column as wide as its widest entry plus two spaces: values never run together (1.2e-05 included)
    widths = [max(len(row[j]) for row in [head] + table) + 2 for j in range(len(head))]
    fmt = lambda row: row[0].ljust(widths[0]) + "".join(v.rjust(w) for v, w in zip(row[1:], widths[1:]))  # noqa: E731
    print(fmt(head))
    for row in table:
        print(fmt(row))
    # (a bound's note: why there is none, or what the bound given is, e.g. eftp's recalled theorem beside the proved one)
    notes = {r.method: r.bound_info.get("note") for r in rows if r.bound_info.get("note")}
    if tight is not None:
        from ..analysis.pep import INSTALL_HINT
        if all(t == INSTALL_HINT for t in tight):
            notes["tight"] = INSTALL_HINT
        else:
            for r, t in zip(rows, tight):
                if isinstance(t, str):
                    notes[r.method] = (notes[r.method] + "; " if r.method in notes else "") + f"tight: {t}"
    for r in rows:
        if r.diverged_at is not None:
            notes[r.method] = (notes.get(r.method, "") + "; " if r.method in notes else "") + \
                f"the measured trajectory {r.ended or f'ended at step {r.diverged_at}'}" + \
                ("" if r.measured_until is not None else " (rate fitted before it)")
        if r.step is None and r.step_rule != "undefined":  # (an undefined method's note says why)
            flat = r.optimal_rate is not None and abs(r.optimal_rate - 1) <= STABLE_TOL
            # (of a nonlinear F the linearisation cannot decide there: a centre manifold's x' = -1.5 x^3 converges)
            undecided = flat and not is_affine(fld)
            if r.unstable_at_every_step:  # (rho > 1 at every step: decided, whatever F is)
                notes[r.method] = (f"{NO_STABLE_STEP}: rho > 1 at every step, 1 only in the limit h -> 0 (a multiplier "
                                   "outside the unit circle: unstable for every step); nothing measured")
            else:
                notes[r.method] = f"{NO_STABLE_STEP}" + (" (rho_opt is 1 to rounding" + (
                    ": a multiplier on the unit circle, the linearisation cannot decide whether it converges)"
                    if undecided else ")") if flat else "") + "; nothing measured"
        elif r.smallest_stable_step:  # (the small steps unstable: the column h_max alone read as "stable below it")
            notes[r.method] = (notes.get(r.method, "") + "; " if r.method in notes else "") + (
                f"stable only for h in ({r.smallest_stable_step:z.6g}, {r.largest_stable_step:z.6g}): smaller steps "
                "are unstable")
        extra = [r.note] if r.note and r.note not in notes.get(r.method, "") else []  # (said once)
        if r.step is not None and r.local_rate is not None and not r.local_rate < 1 - STABLE_TOL:
            # a step that does not converge (given, or the flow's at an unstable point): the table showed it unsaid
            if r.method == "flow":
                a = r.options.get("spectral_abscissa")
                if r.options.get("flow_reading") == "marginal":  # (as spectrum and classify read it)
                    extra.append("the equilibrium is marginal under the flow (eigenvalues on the imaginary axis to "
                                 "rounding: no conclusion from the linearisation)")
                else:
                    extra.append("the equilibrium is not stable under the flow" + (
                        f" (spectral abscissa {a:z.6g} >= 0: local rate exp(h alpha) >= 1)" if a is not None else ""))
            else:
                extra.append(_unstable_note(r, STABLE_TOL))
        if r.step is not None and r.step_rule not in ("given", "theorem", "optimal", "1/L"):  # why not the step asked for
            extra.append(f"step: {r.step_rule}")
        for text in extra:
            notes[r.method] = (notes[r.method] + "; " if r.method in notes else "") + text
    if notes:
        print()
        for m, n in notes.items():  # (a library note that names its method already: once)
            print(f"  {m}: {n[len(m) + 2:] if n.startswith(m + ': ') else n}")
    starts = {tuple(r.start) for r in rows if r.start}
    if starts:
        print(f"\nmeasured from z0 = ({', '.join(f'{v:z.6g}' for v in next(iter(starts)))}): half the region's radius "
              "from its centre, in a fixed direction (the same start for every method)")
    if quad:  # (the local rates, bounds and steps are those of the finite sum's Jacobian)
        print(f"\n{quad}")
    if _plot(args.plot, fld, hyper, rows):
        print(f"\nfigure written to {args.plot}")
    return 0


def _plot(path, fld, hyper, rows) -> bool:
    """Write ``rates --plot``'s figure (``path`` None: none) of the rows' measured runs
    (:func:`gandynamics.cli.figures.write_convergence`): whether it was written (no row measured a run: a warning)."""
    if not path:
        return False
    import sys

    from ..plotting import describe, steps_text
    from .figures import run_label, write_convergence
    runs = [(run_label(r.method, r.options), r.trajectory, r.local_rate) for r in rows if r.trajectory is not None]
    if not runs:
        sys.stderr.write(f"gandynamics: warning: {path} not written: no method's run was measured\n")
        return False
    steps = {label: tr.step[0] for label, tr, _ in runs}
    write_convergence(path, runs, f"{describe(fld, hyper)}, {steps_text(steps, '.4g')}: distance to z* and the local rates "
                                  "predicted at z* (dashed, where the run converges to z*)")
    return True
