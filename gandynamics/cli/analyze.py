"""``gandynamics analyze``: the field, its Jacobian and the spectrum at the equilibrium (or a point)."""

from __future__ import annotations

import math

import numpy as np

from .._display import ROUNDING, rounded_eigenvalues, rounding_zeros as _rounding_zeros  # (one rule for every text)


def add_parser(sub):
    from .._display import FORMULA_CHARS
    from . import summary
    from .common import add_game_arguments
    p = sub.add_parser(
        "analyze", help=summary("analyze"),
        description="Derive v = -F and J = Dv for a game under regularizers, and report the eigenvalues of J, the "
                    "spectral abscissa, the phase factor max|Im|/|Re|, the conditioning factor max|l|/min|l| and "
                    "whether the continuous flow is locally asymptotically stable.  The point is the known "
                    "equilibrium (verified: |F| < 1e-10 and Newton's correction there small) or one found by "
                    "scipy.optimize.root.  For a GAN whose expectations are sums over a quadrature rule (Normal, "
                    "Uniform: every non-polynomial integrand) the Jacobian is derived again with twice the nodes per "
                    "dimension and the change reported; beyond 1e-6 (relative) the rule is NOT settled and the numbers are "
                    "those of the finite sum: raise the distributions' order (docs/mathematics.md §0.6).",
        epilog="example: gandynamics analyze dirac --reg r1:gamma=0.3 --json")
    add_game_arguments(p)
    p.add_argument("--at", metavar="v1,v2,...", help="analyse at this point instead of the equilibrium; a point within 1e-5 (relative) of a zero of F, as a zero's printed digits, is taken as that "
                   "zero, with a note; F must be finite there")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object (every formula and number in full)")
    out.add_argument("--full", action="store_true",
                   help=f"print every component of the field in full, the whole Jacobian and every eigenvalue, one "
                        f"line each, a repeated one as often as it occurs (by default a formula is cut after about "
                        f"{FORMULA_CHARS} characters, at most {ROWS} components are listed, those left out -- beyond "
                        f"them, or too long to print at all -- counted in one line, and a game of more than "
                        f"{ROWS} parameters has its eigenvalues in {ROWS} lines, conjugate pairs and repeated values "
                        f"once, and its Jacobian left out); at a point where F is not differentiable, every "
                        f"non-smooth term there, one a line (by default those that fit in a line, the rest counted)")
    p.set_defaults(run=run)
    return p


#: without --full: the components, eigenvalues and Jacobian rows shown at most (a game of hundreds of parameters
#: printed megabytes, its formulas' text alone taking most of a minute)
ROWS = 12


def _more(what: str = "it") -> str:
    """How to see what a cut listing leaves out."""
    return f"--full or --json prints {what}"


def report_dict(args, fld, hyper, rep, limit: int | None = None) -> dict:
    from .common import game_record
    spec = rep.to_dict()  # (the report's own dict: point and residual first, the field's formulas after them)
    game = game_record(fld, hyper)
    return {
        **{k: game[k] for k in ("game", "loss", "regularizers")},
        "parameters": fld.names,
        "hyperparameters": game["hyperparameters"],
        "point": spec.pop("point"),
        "residual": spec.pop("residual"),
        "field": fld.v_strings(limit=limit, more=f"; {_more()}"),
        **spec,
    }


def _fmt(x):
    if x is None:
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return f"{x:z.6g}"


def run(args) -> int:
    from ..analysis import quadrature_check, spectrum
    from ..analysis.spectrum import spectral_abscissa
    from .._display import FORMULA_CHARS, eigenvalue_entries
    from .common import build_field, dumps, gathered, parse_vector
    with gathered() as check:  # (the game and --at, refused together)
        built = check(build_field, args)
        at = check(parse_vector, args.at, built[0].n, "--at", built[0].names) if built and args.at else None
    fld, hyper = built
    rep = spectrum(fld, hyper, at=at)
    # a GAN's expectations by a quadrature rule: the Jacobian again with twice the nodes (docs/mathematics.md §0.6)
    quad = quadrature_check(fld, hyper, at=rep.point) if rep.differentiable else None
    full = args.json or args.full
    d = report_dict(args, fld, hyper, rep, limit=None if full else FORMULA_CHARS)
    d["quadrature"] = None if quad is None else quad.to_dict()
    if args.json:
        print(dumps(d))
        return 0
    from .common import game_lines  # (a regularizer's strength in the header alone, as every command prints it)
    print(game_lines(fld, hyper, "" if fld.regularizers else "   regularizers: none"))
    print("\nfield v = -F:")
    n = fld.n
    shown = n if full else min(n, ROWS)
    # (the formulas too long to print counted in one line with those beyond ROWS: one line each said so for a game of
    # 1,000 parameters, a new user's trial)
    from .._display import formula_lines
    for line in formula_lines([f"d{name}/dt" for name in fld.names], d["field"], shown, _more("them")):
        print(f"  {line}")
    pt = np.asarray(d["point"], float)
    names, point = fld.names[:shown], _rounding_zeros(pt, max(1.0, *np.abs(pt)))[:shown]
    cut = ", …" if shown < n else ""
    print(f"\npoint ({', '.join(names)}{cut}) = ({', '.join(f'{v:z.6g}' for v in point)}{cut})   |F| = "
          f"{d['residual']:z.3g}" + (f"   ({n - shown} more coordinates; {_more('them')})" if cut else ""))
    if rep.note:  # (--at given as a zero's rounded digits: analysed at the zero itself)
        print(f"note: {rep.note}")
    if not rep.differentiable:
        print(f"\n{rep.verdict}")
        if args.full:  # (the verdict lists the first terms within a line's width; here every one, one a line)
            print(f"non-smooth terms of F at the point ({len(rep.nonsmooth)}):")
            for a in rep.nonsmooth:
                print(f"  {a}")
        else:
            from .common import kinks_left_out
            more = kinks_left_out(rep.nonsmooth, "--full or --json")
            if more:
                print(more)
        return 0
    # numbers at rounding level shown as 0 (3.8e-17 read as a positive eigenvalue beside the verdict "marginal"); the
    # JSON keeps them as computed
    J = np.asarray(rep.jacobian, float)
    jac = _rounding_zeros(J)
    computed = np.asarray(rep.eigenvalues, complex)
    lam = rounded_eigenvalues(computed)
    zeroed = bool(np.any((jac == 0) & (J != 0)) or np.any(lam != computed))
    if full or n <= ROWS:
        print("\nJacobian J = Dv:")
        for row in jac:
            print("  [" + "  ".join(f"{v:z10.6g}" for v in row) + " ]")
    else:
        print(f"\nJacobian J = Dv: {n} x {n} ({_more()})")
    if full or n <= ROWS:
        print("\neigenvalues of J:")
        for e in lam:
            print(f"  {e.real:+z.6g} {'+' if e.imag >= 0 else '-'} {abs(e.imag):z.6g} i")
    else:  # by real part, conjugate pairs and repeated values once (a cut list of single values split the pairs)
        entries, count = eigenvalue_entries(lam, limit=ROWS)
        print(f"\neigenvalues of J ({n}, by real part; a ± b i: a conjugate pair, (×m): m times):")
        for e in entries:
            print(f"  {e}")
        if count > len(entries):
            print(f"  … ({count - len(entries)} more; {_more('them')})")
    if zeroed:
        print(f"  (entries and parts below {ROUNDING:z.0e} times the largest shown as 0: rounding; --json has them)")
    print(f"\nspectral abscissa   {_fmt(spectral_abscissa(lam) if lam.size else d['spectral_abscissa'])}")
    print(f"phase factor        {_fmt(d['phase_factor'])}   (max |Im l| / |Re l|)")
    print(f"conditioning factor {_fmt(d['conditioning_factor'])}   (max |l| / min |l|; condition number "
          f"sigma_max / sigma_min: {_fmt(d['singular_value_condition'])})")
    print(f"verdict             {rep.verdict}")
    if quad is not None:
        print(f"\n{quad.text()}")
    return 0
