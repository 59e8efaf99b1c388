"""``gandynamics basin``: the certified convergence region of a method around the equilibrium (a thin layer
over :func:`gandynamics.analysis.basin.basin`; docs/math/basin-and-pep.md §1)."""

from __future__ import annotations

import math


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    p = sub.add_parser(
        "basin", help=summary("basin"),
        description="The largest ball B_R around the equilibrium on which mu > 0 (strong monotonicity of F) is "
                    "certified by interval branch and bound (bisection on R to relative --rtol), the certified "
                    "(mu, L) on it, the steps for which the method's theorem applies, and the ball B_r of starts "
                    "that the method provably never leaves, with the certified per-step rate on |z_k - z*| from "
                    "every start in it: gd r = R; eg r = R/(1 + hL) (the extrapolated point stays in B_R); eftp "
                    "r = R(1 - hL) (a potential argument, docs/math/basin-and-pep.md §1.4).  R is a certified lower "
                    "bound on the true radius.  Where mu decays towards 0 so that that ball certifies no rate below 1 "
                    "in double precision (mu 1e-302 against L), a smaller ball that does: the largest of mu > 1e-6 L_ref, L_ref "
                    "at least that ball's L (not the largest ball certifying some rate: --margin and --r-max choose "
                    "others, a larger --margin trading the ball's size for a faster rate; docs/math/basin-and-pep.md "
                    "§1.1).",
        epilog="example: gandynamics basin dirac --reg asymmetric:eps=0.3,gamma=1,reading=generator-tikhonov --method eg --json")
    add_game_arguments(p)
    from ..analysis.basin import BASIN_METHODS
    p.add_argument("--method", default="eftp", metavar="M",
                   help=f"the method whose convergence region is certified: one of {', '.join(BASIN_METHODS)} "
                        "(default eftp)")
    p.add_argument("--step", metavar="H", default=None,
                   help="the step; default the theorem's step (gd mu/L^2, eg and eftp 1/(4L)); must lie in the "
                        "theorem's range, which is printed")
    p.add_argument("--margin", default="0", metavar="MU",
                   help="certify mu > MU instead of mu > 0: a smaller ball with a better rate (default 0)")
    p.add_argument("--rtol", default="1e-3", help="relative accuracy of the bisection on the radius (default 1e-3)")
    p.add_argument("--r0", default=None, metavar="R",
                   help="the first radius tried (default 0.5, or --r-max when that is smaller); the search doubles "
                        "up from it or halves down")
    p.add_argument("--r-max", default="1e3", metavar="R",
                   help="the largest radius searched (default 1e3; above 1e-6, the smallest radius searched): R = "
                        "R_MAX means the ball of that radius is certified, so that --r-max R asks whether the ball of "
                        "radius R is (and gives the largest certified ball below it when it is not)")
    p.add_argument("--max-seconds", default="5", metavar="S",
                   help="time budget of the search on each radius tried, and of the certificate at the radius "
                        "found (default 5): per radius, not in all (the bisection tries about 10 to 30 radii)")
    p.add_argument("--max-boxes", default="20000", metavar="N",
                   help="box budget of the branch and bound on each radius tried (default 20000): where it runs out "
                        "the radius is refused undecided, the note says so, and a larger budget may certify a larger "
                        "ball")
    p.add_argument("--json", action="store_true",
                   help="print JSON: radius, mu, L, step, rate, certified (and the details)")
    p.set_defaults(run=run, check_methods=check_methods)
    return p


def _f(x, fmt="z.6g"):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return format(x, fmt)


def _b(x, side):
    """A certified bound (``side`` "lo" or "hi") as text that is still one; ``-`` for None or NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    from .._display import bound
    return bound(x, side)



def check_methods(args) -> None:
    """Refuse a --method with no certified region (:func:`gandynamics.cli.common.check_names`)."""
    from ..analysis.basin import _check_method
    _check_method(args.method)  # (as every command refuses a method name: gandynamics.methods.refuse_methods)


def run(args) -> int:
    from ..analysis.basin import R_MIN, basin
    from .common import bars, build_field, dumps, rate_text
    from .constants import number
    from ..validate import whole
    from .common import gathered, refuse
    with gathered() as check:  # (every value and the game, refused together)
        step = check(number, args.step, "--step", positive=True) if args.step is not None else None
        margin = check(number, args.margin, "--margin")
        if margin is not None and margin < 0:
            check(refuse, f"--margin must be >= 0, got {args.margin!r}")
        rtol = check(number, args.rtol, "--rtol", positive=True)
        secs = check(number, args.max_seconds, "--max-seconds", positive=True)
        boxes = check(whole, args.max_boxes, "--max-boxes", lo=1)
        r_max = check(number, args.r_max, "--r-max", positive=True)
        if r_max is not None and not r_max > R_MIN:
            check(refuse, f"--r-max must be above {R_MIN:zg} (the smallest radius searched), got {args.r_max!r}")
        r0 = check(number, args.r0, "--r0", positive=True) if args.r0 is not None else None
        if r0 is not None and r_max is not None and r0 > r_max:
            check(refuse, f"--r0 must be at most --r-max, got {args.r0!r} > {args.r_max!r}")
        built = check(build_field, args)
    if r0 is None:
        r0 = min(0.5, r_max)
    fld, hyper = built
    import sys

    from tqdm import tqdm
    with tqdm(desc="basin: certifying balls", unit="ball", file=sys.stderr, leave=False,
              disable=not bars(args)) as bar:
        def progress(ok, fail):
            bar.update(1)
            bar.set_postfix_str(f"certified R = {ok if ok is not None else '-'}, not at {fail if fail is not None else '-'}")
        rep = basin(fld, args.method, step=step, params=hyper, margin=margin, rtol=rtol, max_seconds=secs,
                    progress=progress, r0=r0, r_max=r_max, max_boxes=boxes)
    from .common import game_lines, game_record, quadrature_note
    # a GAN's rule checked at z* and at the ball's ends along each axis: the certificates are of its finite sum
    # (docs/mathematics.md §0.6)
    import numpy as np
    zs = np.asarray(rep.equilibrium, float)
    pts = [zs]
    if 0 < rep.region_radius < np.inf and zs.size <= 10:
        pts += [zs + s * rep.region_radius * e for e in np.eye(zs.size) for s in (-1.0, 1.0)]
    qd, quad = quadrature_note(fld, hyper, np.array(pts))
    if args.json:
        print(dumps({**game_record(fld, hyper), **rep.to_dict(), "quadrature": qd}))
        return 0
    z = ", ".join(f"{v:z.6g}" for v in rep.equilibrium)
    print(game_lines(fld, hyper, f"   method: {rep.method}   equilibrium ({', '.join(fld.names)}) = ({z})"))
    if not rep.region_radius > 0:  # no ball at all: the verdict and why, not a column of dashes under "certified"
        print("certified:                       no (no ball around the equilibrium on which F is certified strongly "
              "monotone)")
        if rep.note:
            print(f"note: {rep.note}")
        from .common import kinks_left_out
        more = kinks_left_out(rep.nonsmooth, "--json, or gandynamics analyze --full")
        if more:
            print(more)
        return 0
    fail = "" if not rep.failed_radius else f"  (not certified at {_f(rep.failed_radius)})"
    # what is certified is shown on its safe side (_display.bound: exact when short, else rounded outward): the
    # radii, mu and the largest step no larger, L no smaller than computed
    print(f"ball of certified mu > {rep.margin:zg}:  R = {_b(rep.region_radius, 'lo')}{fail}")
    print(f"certified on B_R:                mu >= {_b(rep.mu, 'lo')}   L <= {_b(rep.L, 'hi')}")
    lo, hi, closed = rep.step_range
    if hi > 0:
        print(f"theorem's steps:                 0 < h {'<=' if closed else '<'} {_b(hi, 'lo')}")
    # the step on the same side as its limit (rounded down: the theorem's step is often the limit itself, and a
    # nearest rounding printed eftp's h = 0.176777 beside 0 < h <= 0.176776)
    print(f"step:                            h = {_b(rep.step, 'lo')}")
    print(f"invariant ball of starts:        r = {_b(rep.radius, 'lo')}")
    # the claim and its argument only for a ball that was certified (with R = 0 there is no ball to speak of)
    claim = "   (|z_k - z*| <= rate^k |z_0 - z*| for |z_0 - z*| <= r)" if rep.certified else ""
    print(f"certified rate per step:         {rate_text(rep.rate)}{claim}")
    if rep.theorem_rate is not None and rep.theorem_rate != rep.rate:
        print(f"theorem's factor (recalled):     {rate_text(rep.theorem_rate)}   (docs/mathematics.md §5.3)")
    print(f"certified:                       {'yes' if rep.certified else 'no'}")
    if rep.certified:
        print(f"why the ball is invariant: {rep.invariance}")
    if rep.note:
        print(f"note: {rep.note}")
    if quad:
        print(quad)
    return 0
