"""``gandynamics check``: is F mu-strongly monotone and/or L-Lipschitz on a region?  Exit status 0 holds
(certified), 1 refuted (with a counterexample), 3 undecided (budget exhausted), 2 bad input, 130 interrupted."""

from __future__ import annotations

import math

EXIT = {"holds": 0, "refuted": 1, "undecided": 3}


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    from .constants import add_budget_arguments
    p = sub.add_parser(
        "check", help=summary("check"),
        description="Check the claims 'F is mu-strongly monotone' (inf lambda_min(sym DF) >= mu) and/or 'F is "
                    "L-Lipschitz' (sup ||DF||_2 <= L) on a region.  holds: certified by ball arithmetic; refuted: "
                    "a point of the region where the claim fails, with a pair of points violating the defining "
                    "inequality; undecided: the budget ran out (the current brackets are shown).  Exit status: 0 holds "
                    "(every claim certified), 1 refuted (a counterexample is shown), 3 undecided (the budget ran out first; "
                    "or, for a GAN, its quadrature rule is not settled at the certificate's points: the claims are then "
                    "decided for the rule's sum only, and the note says so), 2 bad input, 130 interrupted (Ctrl-C: the brackets found so "
                    "far are printed, certified all the same; a search not begun gives the sampled estimate's side "
                    "alone).  Only the claimed constants are bracketed: with --mu alone L is not "
                    "computed (nor mu with --lipschitz alone), and --json gives null for the unclaimed one; "
                    "'gandynamics constants' brackets both.",
        epilog="example: gandynamics check dirac --reg asymmetric:eps=0.5,gamma=1,tikhonov_on=generator --region ball:0.5 --mu 0.4 --lipschitz 2")
    add_game_arguments(p)
    import inspect

    from ..analysis.constants import check_constants
    # (the library's own budget: the command line's 20,000 left "undecided" a claim at the exact value that Python's
    # check_constants decided, a new user)
    add_budget_arguments(p, inspect.signature(check_constants).parameters["max_boxes"].default)
    p.add_argument("--mu", metavar="MU", help="claimed strong-monotonicity modulus")
    p.add_argument("--lipschitz", metavar="L", help="claimed Lipschitz constant")
    p.add_argument("--rtol", default="1e-9", metavar="R",
                   help="relative tolerance of 'holds' (default 1e-9): L <= claim (1 + R) and mu >= claim - (R |claim| + "
                        "min(R, 2^-40) |DF|) are certified, |DF| the size of DF's entries where mu is least (on each box "
                        "the search leaves below the claim); a claim equal to the true value holds, "
                        "given enough boxes (rounding keeps every certified end a few ulps on the safe side; where the "
                        "extremum is attained on a whole curve the bracket closes slowly).  0 demands the claim itself")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)
    return p


def run(args) -> int:
    from ..analysis.constants import CUT_SHORT, check_constants
    from .common import build_field, dumps
    from .._display import apart, bound, box_count, bracket_ends, claim_text, rounding_note
    from .constants import _status, built_region, not_finite_note, number, sampled_side_not_finite
    from .common import gathered, refuse
    with gathered() as check:  # (every value and the game, refused together)
        if args.mu is None and args.lipschitz is None:
            check(refuse, "nothing to check: give --mu and/or --lipschitz")
        mu = check(number, args.mu, "--mu") if args.mu is not None else None
        L = check(number, args.lipschitz, "--lipschitz") if args.lipschitz is not None else None
        if L is not None and not L >= 0:  # (the library's refusal echoed the claim as a float: "got the claim -1.0")
            check(refuse, f"--lipschitz must be a number >= 0 (a Lipschitz constant), got {args.lipschitz!r}")
        max_boxes = check(number, args.max_boxes, "--max-boxes", integer=True)
        max_seconds = check(number, args.max_seconds, "--max-seconds", positive=True)
        rtol = check(number, args.rtol, "--rtol")
        if rtol is not None and not 0 <= rtol < 1e-2:
            check(refuse, f"--rtol must be in [0, 0.01), got {args.rtol!r}")
        got = check(built_region, args, check(build_field, args))
    fld, hyper, region = got
    res = check_constants(fld, region, hyper, mu=mu, L=L, max_boxes=max_boxes, max_seconds=max_seconds, rtol=rtol,
                          order=int(args.order), progress=True if args.progress else None, interruptible=True)
    d = res.to_dict()
    from .common import game_lines, game_record
    d.update({k: v for k, v in game_record(fld, hyper).items() if k == "game" or k not in d})
    d["region"] = region.to_dict()
    # a GAN's rule checked at the brackets' witnesses and the counterexamples (docs/mathematics.md §0.6)
    from .common import quadrature_note
    from .constants import _witnesses
    pts = _witnesses(res.mu, res.lipschitz,  # (None for a constant not claimed: not bracketed)
                     extra=[c["point"] for c in res.counterexamples.values()])  # (the claims' brackets only)
    d["quadrature"], quad = quadrature_note(fld, hyper, pts, unchecked=True)
    # a GAN's expectations summed over a rule that is NOT settled at these points: the certificate (or the counterexample)
    # is the rule's sum's, and of the GAN as written nothing is decided (a new user's claim mu >= -0.6052 held for the
    # 5-node sum, exit 0, while the adaptive quadrature's lambda_min was -0.605422)
    status = "undecided" if quad and res.status != "undecided" else res.status
    if status != res.status:
        d["status"], d["status_of_the_quadrature_sum"] = status, res.status
    if args.json:
        print(dumps(d))
        return _status(res, EXIT[status])
    print(game_lines(fld, hyper, f"   region: {region.describe()}"))
    ends = []  # (the certified ends, for one note on those that are zero up to rounding, below the claims)
    for key, label, claim in (("mu", "mu", mu), ("lipschitz", "L", L)):
        if claim is None:  # (not bracketed: a second branch and bound tripled the wait for a number never printed)
            print(f"{label:>3} not bracketed: no {'--mu' if key == 'mu' else '--lipschitz'} given "
                  "('gandynamics constants' brackets both)")
            continue
        b = getattr(res, key)
        v = res.verdicts[key]
        note = ""
        if v == "holds" and not res.exact.get(key, True):
            note = f" (within the tolerance {res.tolerances[key]:z.3g})"
        # the claim as typed (the shortest decimal that reads back as the same double: 0.2, not
        # 0.20000000000000001); the bracket's ends the same way (_display.bound with 17 digits: exact for every
        # double, -1e-323 rather than -9.8813129168249309e-324)
        print(f"{label:>3} claimed {claim_text(claim)}: {v}{note}  "
              f"bracket [{bound(b.lo, 'lo', 17)}, {bound(b.hi, 'hi', 17)}]  "
              f"({box_count(b.boxes)}, {b.seconds:z.2f} s)")
        ends += bracket_ends(label, b.lo, b.hi)
    note = rounding_note(ends)
    if note:
        print(note)
    for c in (res.counterexamples[k] for k in ("mu", "lipschitz") if k in res.counterexamples):  # (the claims' order)
        # one for every refuted claim; the value with the digits that put it on its side of the claim, the claim as
        # typed: "1.618033989 (claimed 1.61803)" read as no refutation
        print(f"counterexample ({'mu' if c['claim'] == 'mu' else 'L'}): at z = ({', '.join(f'{v:z.6g}' for v in c['point'])}) {c['quantity']} = "
              f"{apart(c['value'], c['claimed'], 10)} (claimed {claim_text(c['claimed'])})")
        if c.get("pair"):
            q = c["pair"]
            rel = "<F(z2)-F(z), z2-z>/|z2-z|^2" if c["claim"] == "mu" else "|F(z2)-F(z)|/|z2-z|"
            # (a ratio whose enclosure lies beyond the doubles, certified above the claim all the same: "= inf" read as
            # an overflow, a new user's quartic on a ball of radius 1e300)
            val = ("= " + apart(q['ratio'], c['claimed'], 10) if math.isfinite(q['ratio']) else
                   f"{'>' if q['ratio'] > 0 else '<'} {'-' if q['ratio'] < 0 else ''}1.797e308 (beyond the doubles)"
                   if math.isinf(q['ratio']) else "not computed (not a number in double precision)")
            print(f"  pair z = ({', '.join(f'{v:z.9g}' for v in q['z'])}), z2 = ({', '.join(f'{v:z.9g}' for v in q['z2'])}): "
                  f"{rel} {val}")
    if status != res.status:  # (the claims decided for the rule's sum only: the note at the end says why)
        print(f"status: undecided for this GAN's expectations: the claims {'hold' if res.status == 'holds' else 'are refuted'}"
              " for their sum over the quadrature rule, which is NOT settled or could not be checked (the note below); "
              "a higher order of the distributions may decide them")
    else:
        from ..analysis.constants import ZERO_SLACK
        absolute = f", absolute {ZERO_SLACK:zg}" if res.rtol > 0 else ""
        print(f"status: {res.status}   (relative tolerance {res.rtol:zg}{absolute}; the certified end is mu's lo and "
              "L's hi)")
    if res.status == "undecided":  # which budget ran out, and how to give more; or why none would decide it
        undecided = [(key, label, getattr(res, key)) for key, label in (("mu", "mu"), ("lipschitz", "L"))
                     if res.verdicts.get(key) == "undecided"]
        # a claim whose sampled side is not finite (no point the search evaluated had a finite DF) is decided by no
        # budget: said with the reason, not "a larger budget may decide it"
        note = not_finite_note(fld, hyper, [(label, b) for _, label, b in undecided], int(args.order))
        blind = [(key, label, b) for key, label, b in undecided if note and sampled_side_not_finite(label, b)]
        if note:
            print(note)
        ran_out = [(key, label, b) for key, label, b in undecided if (key, label, b) not in blind
                   and b.stopped == "budget"]
        spent = [f"{label} after {box_count(b.boxes)} and {b.seconds:z.1f} s" for _, label, b in ran_out]
        from ..analysis.solution_concepts import is_affine
        if spent and res.rtol == 0 and is_affine(fld):  # (every box has the same bounds: no budget closes them)
            print(f"note: the budget ran out ({'; '.join(spent)}), as any would: DF is constant (F is affine), so "
                  "every box of the search has the same bounds, a few ulps on the safe side of the true value; a "
                  "claim equal to it is neither refuted nor certified at --rtol 0; with a positive --rtol it can hold")
        elif spent:
            print(f"note: the budget ran out ({'; '.join(spent)}; --max-boxes {max_boxes}, --max-seconds "
                  f"{max_seconds:zg}): a larger --max-boxes or --max-seconds, or a smaller --region, may decide it")
        for key, label, b in undecided:
            if (key, label, b) in ran_out or (key, label, b) in blind or b.cut_short:
                continue
            # (the search stopped at a point whose value is the claim to rounding, before any budget ran out: "the
            # budget ran out after 1 box and 0.0 s" was said of the exact mu, claimed at --rtol 0, a new user's trial)
            at = ", ".join(f"{v:z.6g}" for v in b.witness)
            print(f"note: {label} is {claim_text(b.value)} at z = ({at}), the claim to rounding (its "
                  f"certified bracket [{b.lo!r}, {b.hi!r}] holds the claim): a claim equal to the true value to its "
                  "last digits is neither refuted nor certified at --rtol 0; with a positive --rtol it can hold")
    cut = {why: [label for key, label in (("mu", "mu"), ("lipschitz", "L"))
                 if getattr(res, key) is not None and getattr(res, key).stopped == why] for why in CUT_SHORT}
    if cut["interrupted"]:  # (said with the results, not only on standard error: an interrupted check read as a budget's end)
        print(f"note: a Ctrl-C stopped the search of {' and '.join(cut['interrupted'])}: its bracket is the one found so "
              "far, certified all the same")
    if cut["not begun"]:
        print(f"note: the search of {' and '.join(cut['not begun'])} was not begun (a Ctrl-C stopped the one before "
              "it): its bracket is the sampled side alone, and certifies nothing")
    print(f"engine: {res.engine}")
    if quad:
        print(quad)
    return _status(res, EXIT[status])
