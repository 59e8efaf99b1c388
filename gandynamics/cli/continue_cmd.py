"""``gandynamics continue``: pseudo-arclength continuation of equilibria (flow) or of a method's fixed
points as one parameter varies, with located bifurcations (a thin layer over
:func:`gandynamics.analysis.continuation.continuation`; docs/math/bifurcations.md)."""

from __future__ import annotations

import math
import sys


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    p = sub.add_parser(
        "continue", help=summary("continue"),
        description="Follow the equilibria of the flow (default) or the fixed points of a discrete method's map "
                    "while one parameter varies (pseudo-arclength: tangent predictor, Newton corrector on the "
                    "bordered system with the exact Jacobians, adaptive step), with the eigenvalues of J = -DF "
                    "(flow) or the multipliers of the map along the branch.  Events, located on the branch by regula falsi "
                    "on test functions (within 1e-10 relative of the closed forms in the tests; branch points refined "
                    "on the minimally extended system): flow fold, hopf (with "
                    "the first Lyapunov coefficient: supercritical / subcritical) and branch-point; maps fold (multiplier +1 "
                    "where the branch turns), flip (-1), neimark-sacker (a complex pair on the unit circle) and branch-point "
                    "(where two branches cross, and a multiplier +1 where the branch does not turn: fixed points of the "
                    "map that are not zeros of F cross it, as EG's at h = 1/lambda).  A branch that turns back in the parameter "
                    "says where it turned, what it covered and where it ended (back at its start, or at the far end).  "
                    "A game defined on part of the range only (a variance 1 - a**2 that must stay >= 0) is followed to "
                    "the edge of that part, and the output says where and which condition ends it; a start on the "
                    "edge, or beyond it, is refused.  See docs/math/bifurcations.md.",
        epilog="examples: gandynamics continue dirac --reg r1 --vary gamma=0.5:-0.5 ;  "
               "gandynamics continue dirac --reg r1 --param gamma=0.5 --method gd --vary h=0.1:8 --json ;  "
               "gandynamics continue dirac --reg r1 --method gd --vary gamma=0.02:2 --vary2 h=0.02:5")
    add_game_arguments(p)
    p.add_argument("--vary", required=True, metavar="NAME=LO:HI",
                   help="the varied parameter and its range: a hyperparameter (e.g. gamma=0:2) or, with --method, "
                        "the step (h=0.1:5); the branch starts at LO.  A regularizer strength varied here may cross 0 "
                        "(gamma=0.5:-0.5 passes the R1 Dirac-GAN's Hopf point); elsewhere strengths are >= 0")
    from ..analysis.continuation import DISCRETE_METHODS
    p.add_argument("--method", default=None,
                   help=f"a discrete method ({', '.join(DISCRETE_METHODS)}): continue the fixed points of its map "
                        "and report multipliers; default: the continuous flow")
    p.add_argument("--step", metavar="H", default=None, help="the step h of --method (unless h varies)")
    p.add_argument("--beta", default=None, help="momentum coefficient (momentum only; default -0.5, negative momentum, as in every command)")
    p.add_argument("--start", metavar="v1,v2,...", default=None,
                   help="a guess of the equilibrium at LO (default: the game's equilibrium, else 0)")
    p.add_argument("--max-points", default="2000", help="largest number of branch points (default 2000)")
    p.add_argument("--max-step", default=None, metavar="DS",
                   help="largest arclength step (default |HI - LO| / 10; over a range wider than 10 every step is "
                        "also at most max(0.2, |value| / 10)); smaller gives a denser branch (events are located "
                        "exactly either way)")
    p.add_argument("--vary2", metavar="NAME=LO:HI", default=None,
                   help="two-parameter mode: continue every event found in the plane (--vary) x (--vary2) as a "
                        "curve (e.g. --vary gamma=0.02:2 --vary2 h=0.02:5 --method gd: the stability boundaries "
                        "of GD); seeds are one-parameter continuations in the second parameter")
    p.add_argument("--seeds", metavar="v1,v2,...", default=None,
                   help="two-parameter mode: values of the first parameter where the seeding continuations run "
                        "(default: 4 values across its range)")
    p.add_argument("--json", action="store_true",
                   help='print {"branch": {...}, "events": [{"type", "parameter", "value", "point", '
                        '"eigenvalues" | "multipliers", ...}]}')
    p.add_argument("--plot", metavar="FILE.png", default=None,
                   help="also draw the bifurcation diagram: a coordinate of the branch's points (--plot-coordinate; "
                        "default the one that varies most) against the varied parameter, solid where the branch is "
                        "stable and dashed where not, with its events marked (fold LP, Hopf H, branch point BP, flip "
                        "PD, Neimark-Sacker NS), written to FILE (.png, .pdf or .svg; an existing file is replaced "
                        "only if gandynamics wrote it); one-parameter mode only")
    p.add_argument("--plot-coordinate", metavar="NAME", default=None,
                   help="the coordinate --plot draws (a parameter name of the game, e.g. psi)")
    p.set_defaults(run=run, check_methods=check_methods)
    return p


def parse_vary(text: str, option: str = "--vary"):
    """``"gamma=0:2"`` -> ``("gamma", 0.0, 2.0)`` or a one-line error naming ``option``."""
    from ..errors import GandynamicsError
    from ..validate import plain_float
    name, eq, rng = text.partition("=")
    lo, colon, hi = rng.partition(":")
    try:
        if not (eq and colon and name.strip()):
            raise ValueError
        lo_f, hi_f = plain_float(lo), plain_float(hi)
    except ValueError:
        raise GandynamicsError(f"malformed {option} {text!r}; expected NAME=LO:HI, e.g. gamma=0:2") from None
    if not (math.isfinite(lo_f) and math.isfinite(hi_f)) or lo_f == hi_f:
        raise GandynamicsError(f"{option} needs two different finite numbers LO:HI, got {rng!r}")
    return name.strip(), lo_f, hi_f


def _num(text, what, positive=False):
    from ..errors import GandynamicsError
    from ..validate import plain_float
    try:
        v = plain_float(text)  # (no '1_0' read as 10)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be a number, got {text!r}") from None
    if not math.isfinite(v) or (positive and v <= 0):
        raise GandynamicsError(f"{what} must be a {'positive ' if positive else ''}finite number, got {text!r}")
    return v



def check_methods(args) -> None:
    """Refuse a --method with no branch of fixed points to follow (:func:`gandynamics.cli.common.check_names`)."""
    from ..analysis.continuation import DISCRETE_METHODS, refusal
    if args.method is not None and args.method not in DISCRETE_METHODS:  # (before the methods' defaults: an unknown
        raise refusal(args.method)  # name was refused with every method of simulate, which continue then refused)


def run(args) -> int:
    from ..analysis.continuation import continuation
    from .common import build_field, dumps, game_label, parse_vector, quiet
    from .common import refuse_inapplicable
    from .common import gathered, refuse
    from ..validate import whole
    with gathered() as check:  # (the values that need no game, and the game, refused together)
        check(refuse_inapplicable, args, [("seeds", args.vary2 is not None,
                                           "with --vary2 NAME=LO:HI (two-parameter mode)"),
                                          ("plot", args.vary2 is None, "to one-parameter continuation (not with --vary2)"),
                                          ("plot_coordinate", args.plot is not None, "with --plot FILE")])
        if args.plot is not None and args.vary2 is None:  # (before any computation)
            from .figures import check_plot_path
            check_plot_path(check, args.plot)
        varied = check(parse_vary, args.vary)
        if args.beta is not None and args.method != "momentum":  # it was ignored
            check(refuse, f"--beta applies to --method momentum only, not to "
                          f"{'the flow' if args.method is None else args.method}")
        elif args.beta is not None:
            check(_num, args.beta, "--beta")
        step = check(_num, args.step, "--step", positive=True) if args.step is not None else None
        if args.method is None and args.step is not None:
            check(refuse, "--step applies to a discrete --method only")
        mp = check(whole, args.max_points, "--max-points", lo=2)
        built = check(build_field, args)
    (name, lo, hi), (fld, hyper) = varied, built
    if args.plot_coordinate is not None and args.plot_coordinate not in fld.names:
        refuse(f"--plot-coordinate {args.plot_coordinate!r}: not a parameter of {game_label(fld)}; its parameters: "
               f"{', '.join(fld.names)}")
    from .common import given_values, refuse_set_twice
    # (the varied value had silently won; --beta is momentum's, unless the game has a beta of its own, which --vary
    # names)
    given = given_values(args, fld, [("h", "step")] + ([("beta", "beta")] if "beta" not in fld.defaults else []))
    refuse_set_twice(given, [name], "--vary")
    if args.vary2:
        refuse_set_twice(given, [parse_vary(args.vary2, "--vary2")[0]], "--vary2")
    if args.beta is None:  # momentum's coefficient as in every command (at 0 momentum is gd: its branch was gd's)
        from .simulate import with_cli_defaults
        args.beta = str(with_cli_defaults({}, [args.method] if args.method else []).get("beta", 0.0))
    start = parse_vector(args.start, fld.n, "--start", fld.names) if args.start else None
    hyper.pop(name, None)
    if args.vary2:
        return _two_parameter(args, fld, hyper, name, lo, hi, step)
    ds_max = _num(args.max_step, "--max-step", positive=True) if args.max_step is not None else None
    br = continuation(fld, name, lo, hi, params=hyper, method=args.method, step=step,
                      beta=_num(args.beta, "--beta"), start=start, max_points=mp, ds_max=ds_max,
                      ds=None if ds_max is None else min(ds_max, abs(hi - lo) / 50))
    d = br.to_dict()
    # a branch that ends inside the range used up --max-points (it said "no bifurcation located in the range" of a
    # range it never reached: a new user's finding)
    end = float(br.values[-1])
    short = None
    if br.ended == "interrupted":  # (a Ctrl-C: the points found are printed, and the exit status says it, 130)
        short = (f"the branch stops at {name} = {end:z.12g} after {len(br.values)} points: interrupted (Ctrl-C); the "
                 f"rest of [{min(lo, hi):zg}, {max(lo, hi):zg}] is not followed")
    elif br.ended == "condition":  # (it stalled there, "continuation stalled at a = 0.9999999986", or ran into NaN)
        short = (f"the branch stops at {name} = {end:z.12g} after {len(br.values)} points, at the edge of where the game "
                 f"is defined, where the model degenerates ({br.condition}); the rest of [{min(lo, hi):zg}, "
                 f"{max(lo, hi):zg}] is not followed")
    elif br.ended == "singular":  # (it said "raise --max-points" of a branch stopped by a singular point at the range's end)
        short = (f"the branch stops at {name} = {end:z.12g} after {len(br.values)} points: Newton's method could not "
                 f"reach the end of [{min(lo, hi):zg}, {max(lo, hi):zg}] from there (a singular point at the end or just "
                 "before it: a branch point or fold); a range ending a little before or after it is followed")
    elif min(abs(end - lo), abs(end - hi)) > 1e-9 * max(abs(hi - lo), 1e-300):
        short = (f"the branch stops at {name} = {end:z.12g} after {len(br.values)} points (--max-points {mp}): the rest "
                 f"of [{min(lo, hi):zg}, {max(lo, hi):zg}] is not followed; raise --max-points or --max-step")
    if args.json:
        print(dumps(d))
        if short and not quiet(args) and br.ended != "interrupted":
            print(f"gandynamics: note: {short}", file=sys.stderr)
        _plot(args, fld, br, step)
        return _interrupted(br)
    what = "equilibria of the flow" if args.method is None else f"fixed points of {args.method}" + (
        f" (h = {step:zg})" if step is not None else "")
    print(f"game: {game_label(fld)}   branch of {what}   {name} from {lo:zg} to {hi:zg}: {len(br.values)} points")
    turns = _turns(br)
    if turns:  # (it said "mu from 1 to -1" of a branch that turned back at mu = 0 and ended at mu = 1)
        v = br.values
        at = [a for a, _ in turns]
        located = all(ev for _, ev in turns)
        # (12 digits, as the events': at 6, a fold at 0.999999999 read "turns back at mu = 1, covers mu in [1, 1]")
        print(f"The branch turns back {len(turns)} time{'' if len(turns) == 1 else 's'}, at {name} = {', '.join(format(a, 'z.12g') for a in at)}"
              f"{'' if located else ' (sampled where no event is located)'}, covers {name} in "
              f"[{min(float(v.min()), *at):z.12g}, {max(float(v.max()), *at):z.12g}] and ends at {name} = {end:z.12g}"
              + ("" if short else (", back at the start of the range: the rest of the range is not on this branch"
                                   if end == lo else ", the end of the range")))
    if short:
        print(short[0].upper() + short[1:] + "; what follows is of the part followed")
    stab = br.stable
    from ..analysis.continuation import spectrum_marginal
    edge = [bool(len(br.spectra)) and spectrum_marginal(br.spectra[i], args.method is not None) for i in (0, -1)]
    # a branch that starts or ends on the stability boundary (dirac + r1 at gamma = 0: a Hopf point at the range's
    # end) said 'stable at the start: no; stability changes 1 time(s)' beside 'no bifurcation located'
    changes = [i for i in range(1, len(stab)) if stab[i] != stab[i - 1]
               and not (i == 1 and edge[0]) and not (i == len(stab) - 1 and edge[1])]
    start = "yes" if stab[0] else ("marginal (on the stability boundary: the range starts at a bifurcation)" if edge[0]
                                   else "no")
    print(f"stable at the start: {start}; stability changes {len(changes)} time{'' if len(changes) == 1 else 's'}"
          + ("; the range ends on the stability boundary" if edge[1] and not stab[-1] else ""))
    if not br.events:
        print("no bifurcation located in the range" + (" followed" if short else ""))
    for e in br.events:
        spec = e.eigenvalues if e.eigenvalues is not None else e.multipliers
        s = ", ".join(f"{v.real:+z.6g}{v.imag:+z.6g}i" for v in spec)
        print(f"\n{e.type:15s} {name} = {e.value:z.12g}   point ({', '.join(f'{v:z.6g}' for v in e.point)})")
        print(f"  {'eigenvalues of J' if e.eigenvalues is not None else 'multipliers'}: {s}")
        if e.type == "hopf":
            l1 = e.extra.get("lyapunov")
            fr = e.extra.get("frequencies") or [e.extra.get("frequency")]  # (two at a double Hopf point)
            print(f"  frequenc{'ies' if len(fr) > 1 else 'y'} {', '.join(format(v, 'z.6g') for v in fr)}   first Lyapunov coefficient "
                  f"{'-' if l1 is None else format(l1, 'z.6g')}   {e.extra.get('criticality')}")
        if e.type == "neimark-sacker":
            print(f"  angle of the critical multiplier {e.extra['angle']:z.6g} rad")
        if e.type in ("flip", "neimark-sacker") and "criticality" in e.extra:
            nf = e.extra.get("normal_form")
            print(f"  normal-form coefficient {'-' if nf is None else format(nf, 'z.6g')}   {e.extra['criticality']}")
        if "crossing" in e.extra:  # (a map's branch point at a multiplier +1: what crosses the branch there)
            print(f"  {e.extra['crossing']}")
    if _plot(args, fld, br, step):
        print(f"\nfigure written to {args.plot}")
    return _interrupted(br)


def _plot(args, fld, br, step) -> bool:
    """Write ``continue --plot``'s bifurcation diagram (:func:`gandynamics.plotting.branch_diagram`) atomically:
    whether one was written (``--plot`` given)."""
    if args.plot is None:
        return False
    from ..plotting import branch_diagram, describe, number_text
    from .figures import BRANCH_SIZE, write_figure
    what = ("equilibria of the flow" if args.method is None else f"fixed points of {args.method}"
            + (f" (h = {number_text(step, '.4g')})" if step is not None else ""))
    title = (f"{describe(fld, br.params, varied=br.parameter)}: branch of {what}"
             + (" (interrupted)" if br.ended == "interrupted" else ""))
    write_figure(args.plot, BRANCH_SIZE, lambda ax: branch_diagram(br, args.plot_coordinate, fld.names, ax=ax,
                                                                   title=title))
    return True


def _interrupted(br) -> int:
    """The exit status of a branch printed: 0, or 130 after a Ctrl-C (:func:`~gandynamics.cli.common.interrupted_status`)."""
    from .common import interrupted_status
    return interrupted_status(br.ended == "interrupted", f"{len(br.values)} points")


def _turns(br) -> list:
    """Where a branch turns back in its parameter, in the order along it: ``[(value, located), ...]``.  Each sampled
    turn (:meth:`~gandynamics.analysis.continuation.Branch.turning_points`) at the located fold or branch point
    beside it where there is one (``located``), else at its sampled extreme; and each located fold that no sampled
    turn shows (two folds 8e-4 apart inside one step: the folds were listed, the header said nothing of turning)."""
    import numpy as np
    v, pts = br.values, br.points
    out, used = [], set()
    for i in br.turning_points():
        reach = abs(v[i] - v[i - 1]) + abs(v[i + 1] - v[i])
        near = [(k, e) for k, e in enumerate(br.events)
                if e.type in ("fold", "branch-point") and abs(e.value - v[i]) <= reach and k not in used]
        if near:
            k, e = min(near, key=lambda ke: abs(ke[1].value - v[i]))
            used.add(k)
            out.append((float(i), e.value, True))
        else:
            out.append((float(i), float(v[i]), False))
    for k, e in enumerate(br.events):
        if e.type == "fold" and k not in used:  # (its place along the branch: the nearest point's index)
            out.append((float(np.argmin(np.linalg.norm(pts - e.point, axis=1) + np.abs(v - e.value))), e.value, True))
    return [(a, ok) for _, a, ok in sorted(out, key=lambda o: o[0])]


def _two_parameter(args, fld, hyper, name, lo, hi, step) -> int:
    from ..analysis.continuation import stability_boundaries
    from ..errors import GandynamicsError
    from .common import bars, dumps, game_label
    name2, lo2, hi2 = parse_vary(args.vary2, "--vary2")
    if name2 == name:
        raise GandynamicsError("--vary and --vary2 must name two different parameters")
    hyper.pop(name2, None)
    seeds = None
    if args.seeds:
        from ..validate import vector
        seeds = vector(args.seeds, "--seeds").tolist()
    box = ((min(lo, hi), max(lo, hi)), (min(lo2, hi2), max(lo2, hi2)))
    curves = stability_boundaries(fld, (name, name2), box, method=args.method, step=step, params=hyper,
                                  beta=_num(args.beta, "--beta"), seeds=seeds,
                                  progress=not args.json and bars(args))  # (no bar into a log file, nor with -q)
    if args.json:
        print(dumps({"curves": [c.to_dict() for c in curves]}))
        return 0
    what = "the flow" if args.method is None else args.method
    print(f"game: {game_label(fld)}   codimension-one curves of {what} in ({name}, {name2}) over "
          f"[{box[0][0]:zg}, {box[0][1]:zg}] x [{box[1][0]:zg}, {box[1][1]:zg}]: {len(curves)}")
    for c in curves:
        on = c.on_boundary
        print(f"\n{c.kind}: {len(c.a1)} points, {int(c.genuine.sum())} genuine, {int(on.sum())} on the stability "
              f"boundary; {name} in [{c.a1.min():z.6g}, {c.a1.max():z.6g}], {name2} in [{c.a2.min():z.6g}, {c.a2.max():z.6g}]")
        idx = sorted(set([0, len(c.a1) // 4, len(c.a1) // 2, 3 * len(c.a1) // 4, len(c.a1) - 1]))
        for i in idx:
            print(f"  {name} = {c.a1[i]:z.8g}   {name2} = {c.a2[i]:z.8g}" + ("   (bounds the stable region)" if on[i] else ""))
    return 0
