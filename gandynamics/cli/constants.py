"""``gandynamics constants``: certified brackets for the strong-monotonicity modulus mu and the Lipschitz
constant L of F on a region (a thin layer over :func:`gandynamics.analysis.constants.certify_constants`)."""

from __future__ import annotations

import math


def add_budget_arguments(p, boxes: int = 20000) -> None:
    """``--region``, ``--tol``, ``--max-boxes``, ``--max-seconds`` (shared with ``check``; ``boxes`` the default
    budget, the library function's own: 20,000 for constants, 50,000 for check)."""
    p.add_argument("--region", required=True, metavar="ball:R | box:lo1:hi1,lo2:hi2,...",
                   help="a ball of radius R around the equilibrium, or a box (one lo:hi per parameter)")
    p.add_argument("--max-boxes", type=str, default=str(boxes), metavar="N",
                   help=f"box budget per constant (default {boxes})")
    p.add_argument("--max-seconds", type=str, default="30", metavar="S", help="time budget per constant (default 30)")
    p.add_argument("--order", choices=("1", "2"), default="2",
                   help="2 (default): mean-value form of DF with interval second derivatives, many boxes per call; "
                        "1: the Arb engine box by box (the reference engine).  Only where F has no kink or "
                        "jump in the region: a switching set (Abs, Max/Min, Piecewise, sign, floor, ...) that may "
                        "meet the region's bounding box makes it certified by order 1 with the natural extension of "
                        "DF (the second-order forms are not valid across a kink), so --order 2 is refused there and "
                        "--order 1 asks for what runs; the output's 'engine' line says which engine ran")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar on stderr (shown anyway when stderr is a terminal, unless -q; asked for "
                        "here, it is shown with -q too) with the bracket "
                        "and an estimate of the boxes still needed")


def refuse_engine_options(args, fld, region, hyper) -> None:
    """``--order`` and ``--mean-value`` where they would do nothing (the project's rule, :func:`.common.
    refuse_inapplicable`): either on a field with a switching set that may meet the region (certified by order 1
    with the natural extension of DF whatever is asked; :func:`gandynamics.analysis.constants._engine`; ``--order
    1`` there is what runs and is accepted), ``--mean-value`` also without ``--order 1`` (order 2 always uses the
    second-order forms)."""
    from ..analysis.constants import region_blocker
    from .common import refuse_inapplicable
    blocker = region_blocker(fld, region, fld._p(hyper))
    smooth = "where F has no kink or jump in the region" + ("" if blocker is None else (
        f" (this F has a switching set that may meet the region, {blocker.describe()}: across it DF may jump and the "
        "second-order forms are not valid, so it is certified by order 1 with the natural extension of DF whatever is "
        "asked)"))
    rules = []
    if hasattr(args, "mean_value"):  # constants (check has no --mean-value)
        rules += [("mean_value", blocker is None, smooth),
                  ("mean_value", args.order == "1",
                   "with --order 1 (the default --order 2 always encloses DF by its second-order mean-value and vertex "
                   "forms)")]
    # (--order 1 on such a field asks for what runs: accepted; --order 2 would silently run order 1: refused)
    refuse_inapplicable(args, rules + [("order", blocker is None or args.order == "1", smooth)])


def _digits(b) -> int:
    """Significant digits that show a bracket's two ends apart: 10, or more (at most 17) when its gap is below the
    10th digit of its ends (``L in [1, 1.000000001] gap 2e-15`` printed a bracket a million times its gap)."""
    scale = max(abs(b.lo), abs(b.hi)) if math.isfinite(b.lo) and math.isfinite(b.hi) else 0.0
    if not (scale > 0.0 and b.gap > 0.0):
        return 10
    return int(min(17, max(10, math.ceil(math.log10(scale / b.gap)) + 2)))


def number(text, what, positive=False, integer=False, accepted="a number"):
    """A CLI number, or a one-line GandynamicsError (``accepted`` says what the option takes besides, for the text
    that is not a number: "a number, or the word optimal")."""
    from ..errors import GandynamicsError
    from ..validate import plain_float
    try:
        v = plain_float(text)  # (no '1_0' read as 10)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be {accepted}, got {text!r}") from None
    if not math.isfinite(v):
        raise GandynamicsError(f"{what} must be finite, got {text!r}")
    if positive and not v > 0:
        raise GandynamicsError(f"{what} must be > 0, got {text!r}")
    if integer:
        from ..validate import whole
        return whole(text, what)
    return v


def add_parser(sub):
    from . import summary
    from .common import add_game_arguments
    p = sub.add_parser(
        "constants", help=summary("constants"),
        description="Bracket the strong-monotonicity modulus mu = inf lambda_min((DF + DF^T)/2) and the Lipschitz "
                    "constant L = sup ||DF||_2 of the operator F on a region (docs/mathematics.md §0.5): the estimate side "
                    "from sampled and locally refined points (witnesses), the certified side by ball arithmetic "
                    "(python-flint arb) over sub-boxes with branch-and-bound.  Ctrl-C prints the brackets found so far, "
                    "certified all the same, and exits with status 130.",
        epilog="example: gandynamics constants dirac --reg r1:gamma=0.3 --region ball:1 --tol 1e-3")
    add_game_arguments(p)
    add_budget_arguments(p)
    p.add_argument("--tol", type=str, default="1e-3", help="relative gap hi - lo <= tol max(|lo|, |hi|) (default 1e-3)")
    p.add_argument("--mean-value", action="store_true",
                   help="with --order 1 where F has no kink or jump in the region: also enclose DF by its mean-value "
                        "form "
                        "(fewer, dearer boxes); refused elsewhere, where it would do nothing (order 2 always uses "
                        "that form; across a kink it is not valid)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)
    return p


def _pt(z):
    return "(" + ", ".join(f"{v:z.6g}" for v in z) + ")"


def sampled_side_not_finite(label: str, b) -> bool:
    """Whether the sampled side of a bracket (mu's upper end, L's lower end: values at points) is not finite."""
    return not b.hi < math.inf if label == "mu" else not b.lo > -math.inf


def not_finite_note(fld, hyper, brackets, order: int = 2) -> str | None:
    """The note for the brackets (pairs ``(label, bracket)`` of mu and L) whose sampled side is not finite because DF
    is not finite at the points the search evaluated (an intermediate value overflowing: ``u^2`` beyond 1.3e154), with
    the reason from the exact value at the first one's witness: no budget of the second-order engine narrows them
    there (its enclosures rest on DF at points); the first-order one (``--order 1``) encloses DF's entries directly
    and may.  None when every sampled side is finite, or DF is finite at the witness (a region on a switching set,
    where the sampled side is left open for another reason: "not finite" was said of ``|x| x`` at the origin, DF
    finite there; a review)."""
    blind = [(label, b) for label, b in brackets if sampled_side_not_finite(label, b)]
    if not blind:
        return None
    w = blind[0][1].witness
    import numpy as np
    with np.errstate(all="ignore"):
        if np.all(np.isfinite(fld.eval_DF(w, hyper))):
            return None
    # (the advice in double precision's terms: "a region where DF is finite" was read against the exact value the
    # same note calls finite, a new user's reading; no point value there can refute a false claim, whatever the engine)
    advice = ("no point value there can refute a claim either; take a region where DF computes to finite doubles"
              if order == 1 else "--order 1 encloses DF's entries directly and may certify a true claim (none can "
              "refute a false one there: no point value is finite), or take a region where DF computes to finite "
              "doubles")
    return (f"note: DF is not finite at any point the search for {' or '.join(x[0] for x in blind)} evaluated "
            f"(at z = {_pt(w)}: {fld.why_not_finite(w, hyper, jacobian=True)}): no budget "
            f"{'of this engine ' if order != 1 else ''}narrows {'these brackets' if len(blind) > 1 else 'its bracket'} "
            f"there; {advice}")


def built_region(args, built, engine: bool = True, **options):
    """``(fld, hyper, region)``: the game ``built`` by :func:`~gandynamics.cli.common.build_field` (None when it was
    refused: nothing to read the region of) with its --region (and the engine options it leaves in use checked), for
    a command's :class:`~gandynamics.cli.common.gathered` block: `check dirac --mu x --region ball:-1` named --mu, and
    --region only on the next run.  ``engine``: check --order and --mean-value (:func:`refuse_engine_options`; constants
    and check); ``options``: :func:`~gandynamics.analysis.constants.parse_region`'s."""
    if built is None:  # (the region's own mistakes named all the same: beside an unknown game's, a review)
        from ..analysis.constants import region_syntax
        if getattr(args, "region", None) is not None:
            region_syntax(args.region)
        return None
    from ..analysis.constants import parse_region
    fld, hyper = built
    region = parse_region(args.region, fld, hyper, **options)
    if engine:
        refuse_engine_options(args, fld, region, hyper)
    return fld, hyper, region


def _witnesses(*brackets, extra=()):
    """The brackets' witnesses that are points (None brackets skipped) and the points ``extra`` (a check's
    counterexamples), as (k, n), or None when there is none (the quadrature check then takes the equilibrium)."""
    import numpy as np
    pts = [np.asarray(b.witness, float) for b in brackets if b is not None and np.size(b.witness)
           and np.all(np.isfinite(b.witness))] + [np.asarray(z, float) for z in extra]
    return np.array(pts) if pts else None


def run(args) -> int:
    from ..analysis.constants import certify_constants
    from .common import build_field, dumps, gathered, refuse
    with gathered() as check:  # (every value and the game, refused together)
        tol = check(number, args.tol, "--tol", positive=True)
        if tol is not None and not tol < 1.0:  # (a relative gap: [lo, 3 lo] read "converged" at --tol 2, a new user)
            tol = check(refuse, f"--tol is the bracket's relative gap, hi - lo <= tol max(|lo|, |hi|): a number in "
                                f"(0, 1), got {args.tol}")
        max_boxes = check(number, args.max_boxes, "--max-boxes", integer=True)
        max_seconds = check(number, args.max_seconds, "--max-seconds", positive=True)
        got = check(built_region, args, check(build_field, args))
    fld, hyper, region = got
    rep = certify_constants(fld, region, hyper, tol=tol, max_boxes=max_boxes, max_seconds=max_seconds,
                            mean_value=args.mean_value, order=int(args.order), progress=True if args.progress else None,
                            interruptible=True)
    d = rep.to_dict()
    from .common import game_lines, game_record
    d.update({k: v for k, v in game_record(fld, hyper).items() if k == "game" or k not in d})
    d["parameters"] = fld.names
    # a GAN's rule checked at the witnesses: the brackets are those of its finite sum (docs/mathematics.md §0.6)
    from .common import quadrature_note
    d["quadrature"], quad = quadrature_note(fld, hyper, _witnesses(rep.mu, rep.lipschitz))
    if args.json:
        print(dumps(d))
        return _status(rep, 0)
    # (the game's lines as every command prints them: a regularizer's strength in the header alone; check printed
    # "hyperparameters: m=1.5" where this printed "m=1.5, gamma=0.5" for one field)
    print(game_lines(fld, hyper, f"   region: {region.describe()}   parameters: ({', '.join(fld.names)})"))
    from .._display import bound, box_count, bracket_ends, rounding_note  # the ends rounded outward: still a bracket
    for name, b, side in (("mu", rep.mu, "hi"), ("L", rep.lipschitz, "lo")):
        state = ("converged" if b.converged else
                 "interrupted" if b.stopped == "interrupted" else
                 "not searched: a Ctrl-C stopped the search before it" if b.stopped == "not begun" else
                 "not converged: the search closed on the witness's floating-point value, which its rigorous bound "
                 "does not confirm (F's rounding there is as large as its values)" if not b.stopped else
                 ("budget exhausted" if math.isfinite(b.gap) else "budget exhausted, not bounded yet"))
        if b.stalled:
            state += (f"; the certified end last moved at box {b.improved_at}" if b.improved_at else
                      "; the certified end never moved from the whole region's bound")
        dg = _digits(b)
        # (the witness's end of the bracket, as the bracket prints it: the float value there could read beyond it)
        print(f"{name:>3} in [{bound(b.lo, 'lo', dg)}, {bound(b.hi, 'hi', dg)}]   gap {bound(b.gap, 'hi', 3)}   witness {_pt(b.witness)} gives {side} = "
              f"{bound(getattr(b, side), side, dg)}   ({box_count(b.boxes)}, {b.seconds:z.2f} s, {state})")
    note = rounding_note(bracket_ends("mu", rep.mu.lo, rep.mu.hi) + bracket_ends("L", rep.lipschitz.lo, rep.lipschitz.hi))
    if note:
        print(note)
    blind = not_finite_note(fld, hyper, (("mu", rep.mu), ("L", rep.lipschitz)), int(args.order))
    if blind:
        print(blind)
    # (a stalled end of a bracket whose sampled side is finite keeps its note beside the other's: a review)
    if any(b.stalled and not (blind and sampled_side_not_finite(k, b)) for k, b in (("mu", rep.mu), ("L", rep.lipschitz))):
        print(f"note: a certified end that stood still over the last 90 % of its boxes will not move soon with more "
              f"budget: branch and bound splits one side of a box at a time, {fld.n} sides here; a smaller region "
              "(--region ball:R with a smaller R, or a box) narrows it")
    print("certified: mu >= lo (mu's lower end) and L <= hi (L's upper end), by outward-rounded interval arithmetic "
          "(docs/math/certification.md)")
    print(f"engine: {rep.engine}")
    if quad:
        print(quad)
    if rep.asymmetric:
        a = rep.asymmetric
        print(f"\nasymmetric scheme ({a['reading']}, penalty {a['penalty']}, eps={a['eps']:zg}, gamma={a['gamma']:zg}) "
              f"at {_pt(a['point'])}:")
        print(f"  Gauss-Newton Gramian G = {a['gramian']}   lambda_min(G) = {a['gramian_lambda_min']:z.6g}   "
              f"identifiable: {'yes' if a['identifiable'] else 'no'}")
        print(f"  mu_loc = {a['mu_loc']:z.6g} (block formula {a['mu_loc_formula']:z.6g})   "
              f"L_loc = {a['L_loc']:z.6g} (<= {a['L_loc_bound']:z.6g})")
    return _status(rep, 0)


def _status(res, code: int) -> int:
    """``code``, or 130 where a Ctrl-C stopped a search of ``res`` (a ConstantsReport or CheckResult): the brackets so
    far are printed, certified all the same, and this says so on standard error
    (:func:`~gandynamics.cli.common.interrupted_status`; check and constants had printed only "interrupted", the
    brackets lost, a new user)."""
    from .common import interrupted_status
    return interrupted_status(res.interrupted, f"{res.boxes} boxes") or code
