"""``gandynamics classify``: is the point a local Nash, local minimax or differential Stackelberg point,
is it stable for the flow and the methods, is it spurious (a thin layer over
:func:`gandynamics.analysis.solution_concepts.classify`; docs/math/bifurcations.md §5)."""

from __future__ import annotations


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    p = sub.add_parser(
        "classify", help=summary("classify"),
        description="At the equilibrium (or --at a stationary point): local Nash (each player's own Hessian "
                    "positive definite; None when only semidefinite), local minimax for zero-sum games (Jin, "
                    "Netrapalli & Jordan 2020: the follower's Hessian and the Schur complement), differential "
                    "Stackelberg with the generator leading (Fiez, Chasnov & Ratliff 2020), stability under the "
                    "flow and under each method (at --step, or the interval of stable steps: 'for h < b', or 'for h in (a, b)' "
                    "where the small steps are unstable, or 'unstable' where rho > 1 at every step), and whether a stable "
                    "point is spurious (neither Nash nor minimax/Stackelberg; Mazumdar, Ratliff & Sastry 2020).  "
                    "Zero-sum means L_G + L_D has no mixed theta-psi term (each player's own regularizer "
                    "terms allowed).  A GAN whose expectations are sums over a quadrature rule gets a note when "
                    "the Jacobian moves by more than 1e-6 (relative) with twice the nodes (docs/mathematics.md "
                    "§0.6).",
        epilog="example: gandynamics classify quadratic --param a=3 --param b=2 --param c=-1 --step 0.1 --json")
    add_game_arguments(p)
    p.add_argument("--at", metavar="v1,v2,...", help="classify this point instead of the equilibrium; a point within 1e-5 (relative) of a zero of F, as a zero's printed digits, is taken as that "
                   "zero, with a note; F must be finite there")
    p.add_argument("--step", metavar="H", default=None, help="test the methods at this step (default: report "
                                                             "each method's interval of stable steps)")
    from ..analysis.rates import RATE_METHODS
    p.add_argument("--methods", default="gd,eg,eftp,ogda",
                   help=f"comma-separated methods to test, from {', '.join(m for m in RATE_METHODS if m != 'flow')} "
                        "(altmomentum: momentum with alternating updates; default gd,eg,eftp,ogda)")
    p.add_argument("--beta", default=None, metavar="X",
                   help="momentum coefficient for momentum/altmomentum (default -0.5, as in `gandynamics rates`)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object with local_nash, local_minimax (null for a general-sum game), "
                        "differential_stackelberg, flow_stable, flow_reading (stable, unstable or marginal: each "
                        "eigenvalue with its radius of rounding), spurious, methods, hessians")
    p.set_defaults(run=run, check_methods=check_methods)
    return p


def _b(v):
    return "inconclusive (semidefinite)" if v is None else ("yes" if v else "no")



def check_methods(args) -> None:
    """Refuse every name of --methods classify does not test (:func:`gandynamics.cli.common.check_names`)."""
    from ..analysis.rates import RATE_METHODS, refuse_methods
    from ..validate import name_list
    refuse_methods(name_list(args.methods, "--methods"), tuple(m for m in RATE_METHODS if m != "flow"),
                   reasons={"flow": "the flow is always reported, as 'stable under the flow'"})


def run(args) -> int:
    import numpy as np


    from ..analysis.solution_concepts import classify
    from ..validate import name_list
    from .common import build_field, dumps, parse_vector
    from .continue_cmd import _num
    methods = name_list(args.methods, "--methods")
    from .common import gathered
    from .rates import _refuse_unused_flags
    with gathered() as check:  # (every value and the game, refused together)
        step = check(_num, args.step, "--step", positive=True) if args.step is not None else None
        check(_refuse_unused_flags, args, methods)  # (--beta with no method that takes it: the refusal of rates)
        beta = check(_num, args.beta, "--beta") if args.beta is not None else None  # (None: the library's default)
        built = check(build_field, args)
        at = check(parse_vector, args.at, built[0].n, "--at", built[0].names) if built and args.at else None
    fld, hyper = built
    c = classify(fld, hyper, at=at, step=step, methods=methods, beta=beta)
    from .common import game_lines, game_record, quadrature_note
    d = {**game_record(fld, hyper), **c.to_dict()}  # (its JSON named no game at all)
    d["quadrature"], quad = quadrature_note(fld, hyper, c.point)
    if args.json:
        print(dumps(d))
        return 0
    print(game_lines(fld, hyper, f"   point ({', '.join(fld.names)}) = ({', '.join(f'{v:z.6g}' for v in c.point)})   "
                                 f"|F| = {c.residual:z.2g}"))
    print(f"zero-sum (up to terms in one player's own parameters): {'yes' if c.zero_sum else 'no'}")
    eg = ", ".join(f"{v:z.6g}" for v in c.hessians["eig_H_G"]) or "-"
    ed = ", ".join(f"{v:z.6g}" for v in c.hessians["eig_H_D"]) or "-"
    print(f"local Nash:                  {_b(c.local_nash)}   eig H_G = [{eg}], eig H_D = [{ed}]")
    print(f"local minimax:               {'n/a (general-sum)' if c.local_minimax is None and not c.zero_sum else _b(c.local_minimax)}")
    print(f"differential Stackelberg:    {_b(c.differential_stackelberg)}   (generator leading)")
    marginal = c.flow_reading == "marginal"  # as spectrum reads it: each eigenvalue with its radius of rounding
    flow = ("undetermined (marginal: eigenvalues on the imaginary axis, the linearisation cannot decide)" if marginal
            else ("yes" if c.flow_stable else "no"))
    print(f"stable under the flow:       {flow}")
    for m, v in c.methods.items():  # the labels padded to the 29 columns of the lines above
        if v.get("beta") is not None:  # (the beta it ran at, from the library's entry)
            m = f"{m} (beta={v['beta']:zg})"
        if "undefined" in v:
            print(f"{('stable under ' + m + ':').ljust(28)} undefined ({v['undefined']})")
        elif "spectral_radius" in v:
            label = f"stable under {m} h={v['step']:zg}:"
            verdict = "undetermined" if v["stable"] is None else ("yes" if v["stable"] else "no")
            print(f"{label.ljust(28)} {verdict} (rho = {v['spectral_radius']:z.6g}"
                  + (": a multiplier on the unit circle, the linearisation cannot decide)" if v["stable"] is None
                     else ")"))
        else:
            from .._display import stable_steps_text
            print(f"{('stable under ' + m + ':').ljust(28)} " + stable_steps_text(v))
    # (spurious in the solution-concept sense: stable, yet neither Nash nor minimax/Stackelberg -- not the sweep's
    # spurious_fixed_point, a fixed point of a method where F is not zero; a new user read the two as one)
    print(f"{'spurious stable point:':28} {_b(c.spurious) if c.spurious is not None else 'undetermined'}")
    for n in c.notes:
        print("note: " + n)
    if quad:
        print(quad)
    return 0
