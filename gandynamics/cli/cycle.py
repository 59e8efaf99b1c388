"""``gandynamics cycle``: a limit cycle of the flow (shooting; from a Hopf point or a start point) or a
period-k orbit of a method's map, with its period and Floquet multipliers (a thin layer over
:mod:`gandynamics.analysis.cycles`; docs/math/bifurcations.md §4)."""

from __future__ import annotations


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    p = sub.add_parser(
        "cycle", help=summary("cycle"),
        description="Find a periodic orbit and its Floquet multipliers.  Flow: single shooting with the "
                    "variational equations (one multiplier is 1; the cycle is stable when the others lie inside "
                    "the unit circle), started from the normal-form prediction at a Hopf point (--from-hopf "
                    "NAME=VALUE_H:AT: the Hopf point of parameter NAME at VALUE_H, cycle at AT) or from --init "
                    "with a --period guess (default: the period is estimated from a short simulation).  "
                    "With --method and --k: a period-k orbit of the method's map by Newton on G^k(x) = x.",
        epilog="examples: gandynamics cycle hopf --from-hopf beta=0:0.2 ;  "
               "gandynamics cycle hopf --param beta=0.2 --init 0.5,0 --period 6 --json")
    add_game_arguments(p)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-hopf", metavar="NAME=VH:AT",
                     help="start from the Hopf point of hyperparameter NAME at VH (e.g. located by `gandynamics "
                          "continue`) and find the cycle at NAME = AT (a regularizer strength may be negative here: "
                          "the Hopf point of the R1 Dirac-GANs is at gamma = 0)")
    src.add_argument("--init", metavar="v1,v2,...", help="a point near the cycle (flow) or on the orbit (map)")
    from ..analysis.cycles import FATE_PERIODS, MAX_EVALUATIONS
    p.add_argument("--period", default=None,
                   help=f"a guess of the period (flow, with --init); shooting stops with an error after "
                        f"{MAX_EVALUATIONS:,} evaluations of the field in all (one budget per cycle found), so a "
                        "guess far beyond the cycle's time scale is refused rather than integrated for hours; an "
                        "--init whose orbit does not nearly close within [guess/2, 2 guess] is first relaxed onto the "
                        "attractor (docs/math/bifurcations.md §4.1), so a far start with a good guess finds the cycle; when "
                        "shooting fails, or its period runs off, the orbit from --init is followed over up to "
                        f"{FATE_PERIODS} period guesses and the error says what it does (spirals into an equilibrium, "
                        "drifts toward a non-hyperbolic one, moves away from one, or leaves every bounded region)")
    from ..analysis.cycles import MAP_METHODS
    p.add_argument("--method", default=None,
                   help=f"a discrete method ({', '.join(MAP_METHODS)}): a period-k orbit of its map")
    p.add_argument("--step", default=None, metavar="H", help="the step h of --method")
    p.add_argument("--k", default="2", help="the period of the map orbit (default 2)")
    p.add_argument("--beta", default=None, help="momentum coefficient (momentum only; default -0.5, negative momentum, "
                                                "as in every command)")
    p.add_argument("--continue-to", metavar="VALUE", default=None,
                   help="with --from-hopf: continue the cycle in NAME from AT to VALUE and report the branch "
                        "(amplitude, period, stability per value: the bifurcation diagram); a branch that ends "
                        "before VALUE says where no cycle was found and why (and when its period was growing fast, "
                        "as near a homoclinic orbit or a saddle-node on the cycle)")
    p.add_argument("--points", default="10", metavar="N",
                   help="continuation steps from the first cycle to --continue-to (default 10): the branch lists N + 1 "
                        "cycles, the first one included")
    p.add_argument("--json", action="store_true", help="print one JSON object with period, multipliers, stable")
    p.set_defaults(run=run, check_methods=check_methods)
    return p



def check_methods(args) -> None:
    """Refuse a --method without a map (:func:`gandynamics.cli.common.check_names`)."""
    if args.method is not None:  # (before its options are read: an unknown name was refused with every method)
        from ..analysis.cycles import check_map_method
        check_map_method(args.method)


def run(args) -> int:
    from ..analysis.cycles import cycle_from_hopf, estimate_period, hopf_prediction, limit_cycle, map_cycle
    from ..analysis.spectrum import find_equilibrium
    from ..errors import GandynamicsError
    from .common import dumps, gathered
    with gathered() as check:  # (every value and the game, refused together)
        v = check(_read_values, args)
        # (--from-hopf's parameter read also when its values are refused: set twice, it is named with them)
        name = args.from_hopf.partition("=")[0].strip() or None if args.from_hopf and args.method is None else None
        fld, hyper, z0 = check(_read_game, args, name) or (None, None, None)
    if args.method is not None:
        mc = map_cycle(fld, args.method, v["step"], v["k"], z0, hyper, beta=v["beta"])
        d = mc.to_dict()
        if args.json:
            print(dumps(d))
            return 0
        print(f"period-{mc.k} orbit of {mc.method} (h = {mc.step:zg}): residual {mc.residual:z.2g}")
        for x in mc.points:
            print("  (" + ", ".join(f"{v:z.8g}" for v in x) + ")")
        print("multipliers: " + ", ".join(f"{v.real:+z.6g}{v.imag:+z.6g}i (|.| = {abs(v):z.6g})" for v in mc.multipliers))
        print(f"stable: {'yes' if mc.stable else 'no'}")
        return 0
    pred = None
    name, vh, at, npts = v["name"], v["vh"], v["at"], v["points"]
    if args.from_hopf:
        hyper.pop(name, None)
        pred = hopf_prediction(fld, name, vh, at, hyper)
        cyc = cycle_from_hopf(fld, name, vh, at, hyper)
    else:
        if v["period"] is not None:
            T0 = v["period"]
        else:
            T0, z0 = estimate_period(fld, z0, hyper)
        try:
            center, _ = find_equilibrium(fld, hyper)
        except GandynamicsError:
            center = None
        cyc = limit_cycle(fld, z0, T0, hyper, center=center)
    d = cyc.to_dict()
    if pred is not None:
        d["predicted"] = {"amplitude": pred["amplitude"], "period": pred["period"], "lyapunov": pred["lyapunov"]}
    branch = None
    if args.continue_to is not None:
        from ..analysis.cycles import continue_cycle
        from ..jsonio import pairs
        from ..limits import check_array
        end = v["end"]
        # every cycle of the branch is kept (its orbit of 200 samples): refused before the first shooting, and the
        # values made one at a time (np.linspace of --points 1e9 values, then its copy, ran out of memory)
        check_array((npts + 1, len(cyc.orbit.ravel()) + len(cyc.multipliers) * 2 + 3 * fld.n),
                    "the --points cycles of the branch")
        branch = continue_cycle(fld, name, _Values(at, end, npts), cyc, hyper)  # (a bar where one can be seen)
        d["branch"] = [{"parameter": c.params[name], "period": c.period, "amplitude": c.amplitude,
                        "stable": c.stable, "multipliers": pairs(c.multipliers)}
                       for c in branch]
        d["branch_ended"] = (None if branch.ended_at is None else
                             {"at": branch.ended_at, "reason": branch.reason, "period_growth": branch.period_growth})
        d["branch_interrupted"] = branch.interrupted  # (a Ctrl-C: the cycles found before it, kept)
    if args.json:
        print(dumps(d))
        return _interrupted(branch)
    what = "limit cycle of the flow" if cyc.isolated else "periodic orbit of the flow (NOT isolated)"
    print(f"{what}: period {cyc.period:z.10g}   amplitude {cyc.amplitude:z.8g}   residual {cyc.residual:z.2g}")
    if pred is not None:
        print(f"normal-form prediction: period {pred['period']:z.8g}   amplitude {pred['amplitude']:z.8g}   "
              f"(l1 = {pred['lyapunov']:z.6g})")
    print("point on the cycle: (" + ", ".join(f"{v:z.8g}" for v in cyc.point) + ")")
    print("Floquet multipliers: " + ", ".join(f"{v.real:+z.8g}{v.imag:+z.8g}i" for v in cyc.multipliers))
    print(f"stable: {'yes' if cyc.stable else 'no'}")
    if not cyc.isolated:
        print("two Floquet multipliers equal 1: either the orbit is one of a continuous family of closed orbits "
              "(a first integral, as in a conservative game: neighbouring starts lie on neighbouring orbits, so it "
              "attracts nothing and is not a limit cycle) or it sits at a fold of cycles (semi-stable)")
    if branch is not None:
        print(f"\ncontinued in {name} ({len(branch)} of {npts + 1} cycles found):")
        print(f"  {name:>12s} {'period':>14s} {'amplitude':>14s}  stable")
        for c in branch:
            print(f"  {c.params[name]:z12.6g} {c.period:z14.8g} {c.amplitude:z14.8g}  {'yes' if c.stable else 'no'}")
        if branch.ended_at is not None:
            print(_branch_end_text(branch, name))
    return _interrupted(branch)


def _interrupted(branch) -> int:
    """0, or 130 for a branch of cycles a Ctrl-C stopped (:func:`~gandynamics.cli.common.interrupted_status`)."""
    from .common import interrupted_status
    return interrupted_status(branch is not None and branch.interrupted, f"{len(branch) if branch else 0} cycles")


class _Values:
    """The ``points`` values from ``at`` to ``end`` (``end`` exactly the last), made one at a time as they are followed,
    with their count: the branch's bar counts them, and the field's module is chosen for that many shootings
    (:func:`gandynamics.analysis.cycles.continue_cycle`; a generator had no length, and the 200 shootings of
    ``--points 200`` ran interpreted, 25% slower, without a bar)."""

    def __init__(self, at: float, end: float, points: int):
        self.at, self.end, self.points = at, end, points

    def __len__(self) -> int:
        return self.points

    def __iter__(self):
        at, end, n = self.at, self.end, self.points
        # (each value the shortest decimal within 4 ulps of the range's scale, as a sweep's grid: -0.1:0 in steps of
        # 0.05 printed a = 6.93889e-18 for 0, a new user)
        import numpy as np

        from .sweep import _round_grid
        return (end if i == n else float(_round_grid(np.array([at, at + (end - at) * i / n, end]), at, end)[1])
                for i in range(1, n + 1))


def _branch_end_text(branch, name: str) -> str:
    """Why a continued branch of cycles ended before its last value: where no cycle was found and the failure there,
    and, when the period grew by more than PERIOD_BLOWUP over the last step, that this looks like the period's
    blow-up (a homoclinic orbit or a saddle-node on the cycle), not a failure of the solver alone."""
    from ..analysis.cycles import PERIOD_BLOWUP
    last = branch[-1].params[name]
    why = branch.reason.split("; ")[0].rstrip(".")  # (what failed; the advice after it is for a single shooting)
    text = f"the branch ended after {name} = {last:z.6g}: no cycle found at {name} = {branch.ended_at:z.6g} ({why})"
    g = branch.period_growth
    if g is not None and g > PERIOD_BLOWUP:
        text += (f"; the period grew x{g:z.3g} over the last step ({branch[-2].period:z.6g} -> {branch[-1].period:z.6g}): "
                 "it may grow without bound before there, as near a homoclinic orbit or a saddle-node of equilibria on "
                 "the cycle")
    fold = branch.fold_multipliers
    if fold is not None:
        text += (f"; a nontrivial Floquet multiplier moved towards 1 (|mu| or 1/|mu| {fold[0]:z.4g} -> {fold[1]:z.4g}): "
                 "the branch may end at a fold of cycles (a saddle-node of cycles), where it meets another branch of "
                 "cycles (of the other stability) and turns back; stepping the parameter cannot follow it round the "
                 "turn")
    return text


def _read_values(args) -> dict:
    """The values of the command line that need no game, each refusal with the others' (`cycle hopf --from-hopf x
    --k 0 --continue-to y` named them one run at a time: a review): ``step``, ``k``, ``beta`` (a map's), ``name``,
    ``vh``, ``at`` (--from-hopf's), ``period``, ``end`` (--continue-to's) and ``points``; None for one not given."""
    from ..validate import whole
    from .common import gathered, refuse, refuse_inapplicable
    from .continue_cmd import _num
    flow_init = args.method is None and args.init is not None
    v = dict.fromkeys(("step", "k", "beta", "name", "vh", "at", "period", "end", "points"))
    with gathered() as check:
        check(refuse_inapplicable, args, [
            ("period", flow_init, "with --init and no --method (a cycle of the flow; --from-hopf predicts its own)"),
            ("k", args.method is not None, "with --method (a period-k orbit of a method's map)"),
            ("beta", args.method == "momentum", "with --method momentum"),
            ("points", args.continue_to is not None, "with --continue-to VALUE")])
        if args.method is None and args.step is not None:  # it was ignored
            check(refuse, "--step applies to a discrete --method only (the flow's cycles need no step)")
        if args.method is not None:
            if args.from_hopf:
                check(refuse, "--from-hopf is for cycles of the flow; with --method give --init")
            if args.step is None:
                check(refuse, f"--method {args.method} needs --step H")
            else:
                v["step"] = check(_num, args.step, "--step", positive=True)
            v["k"] = check(whole, args.k, "--k")
            from ..analysis.cycles import MAP_METHODS
            if args.method in MAP_METHODS:  # (another name is refused with the names)
                v["beta"] = check(_cycle_beta, args)
        elif args.from_hopf:
            got = check(_from_hopf, args.from_hopf)
            if got is not None:
                v["name"], v["vh"], v["at"] = got
        elif args.period is not None:
            v["period"] = check(_num, args.period, "--period", positive=True)
        if args.continue_to is not None:
            if not args.from_hopf:
                check(refuse, "--continue-to needs --from-hopf (it names the parameter)")
            v["points"] = check(whole, args.points, "--points")
            v["end"] = check(_num, args.continue_to, "--continue-to")
    return v


def _from_hopf(text: str) -> tuple:
    """--from-hopf NAME=VALUE_H:AT -> ``(name, value_h, at)``, both values refused together."""
    from .common import gathered
    from .continue_cmd import _num
    name, _, rng = text.partition("=")
    vh, _, at = rng.partition(":")
    if not (name and vh and at):
        from ..errors import GandynamicsError
        raise GandynamicsError(f"malformed --from-hopf {text!r}; expected NAME=VALUE_H:AT, e.g. beta=0:0.2")
    with gathered() as check:
        vh, at = check(_num, vh, "--from-hopf VALUE_H"), check(_num, at, "--from-hopf AT")
    return name.strip(), vh, at


def _read_game(args, name) -> tuple:
    """``(fld, hyper, z0)``: the game (:func:`~gandynamics.cli.common.build_field`) and what is read with it, --init
    (by its size) and --from-hopf's parameter ``name`` (None when it was refused) not set twice; each refusal with the
    others'."""
    from .common import build_field, gathered, given_values, parse_vector, refuse_set_twice
    with gathered() as check:
        built = check(build_field, args)
        fld, hyper = built or (None, None)
        z0 = None
        if fld is not None and args.init is not None:
            z0 = check(parse_vector, args.init, fld.n, "--init", fld.names)
        if fld is not None and name is not None:
            # (--param beta=0.3 beside --from-hopf beta=0:0.2 was silently dropped: refused as continue and sweep
            # refuse it)
            check(refuse_set_twice, given_values(args, fld), [name], "--from-hopf")
    return fld, hyper, z0


def _cycle_beta(args) -> float:
    """--beta as given, else the method's command-line default as in every command (momentum's -0.5), else 0."""
    from .continue_cmd import _num
    from .simulate import with_cli_defaults
    if args.beta is not None:
        return _num(args.beta, "--beta")
    return with_cli_defaults({}, [args.method]).get("beta", 0.0)
