"""``gandynamics reproduce``: regenerate the figures of the papers into ``figures/`` (see
:mod:`gandynamics.reproduce`)."""

from __future__ import annotations

import os
import sys


def add_parser(sub):
    from . import summary
    p = sub.add_parser(
        "reproduce", help=summary("reproduce"),
        description="Recompute and redraw the figures of the papers (Mescheder et al. 2018, Nagarajan & Kolter "
                    "2017, Nie & Patel 2019, the asymmetric scheme of Giagtzoglou et al. 2026, rate maps, the "
                    "bilinear game) and figures/spectra.md, and write figures/README.md: each image, the paper "
                    "figure it corresponds to, its exact parameters and the numbers it checks (computed vs closed "
                    "form, predicted vs measured).  Exit status 0 when every check passes, 1 otherwise, 2 on bad input.",
        epilog="examples: gandynamics reproduce;  gandynamics reproduce --list;  gandynamics reproduce m18-fig2 --out /tmp/f")
    p.add_argument("names", nargs="*", metavar="NAME", help="figures to regenerate (default: all; see --list)")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.add_argument("-o", "--out", default="figures", metavar="DIR",
                   help="output folder (default: figures); created if missing, inside an existing folder (a path whose parent is missing "
                        "too is refused). Files in it are replaced only when "
                        "gandynamics wrote them; an existing file (not a folder) is refused before any work")
    p.add_argument("--pdf", action="store_true", help="also write PDF files")
    p.add_argument("--jobs", default=None, metavar="N",
                   help="studies run in N processes at once (default: one per CPU; 1 = in this process)")
    p.set_defaults(run=run)
    return p


def _read_names_and_values(args, reg, check):
    """Refuse, by ``check`` (a :class:`~gandynamics.cli.common.gathered` block), every unknown figure name, a bad
    --jobs and an --out where the figures cannot go (before any work: a folder, nothing foreign replaced); the number
    of --jobs (None: the default)."""
    from .. import reproduce
    from ..errors import names_refusal  # (the form of every refusal of names; --list says what each draws)
    from ..validate import whole
    from .common import refuse
    unknown = [n for n in args.names if n not in reg]
    if unknown:
        check(refuse, names_refusal(unknown, "figure", reg))
    jobs = None if args.jobs is None else check(whole, args.jobs, "--jobs")  # as every whole number: 1e3 accepted
    check(reproduce.check_out, args.out, [n for n in args.names if n in reg] or list(reg))
    return jobs


def run(args) -> int:
    from .. import reproduce
    from ..reproduce import _print_result, missing_needs, name_width, studies
    reg = studies()
    from .common import bars, gathered, refuse, refuse_inapplicable
    with gathered() as check:  # (the figures' names and the values, refused together)
        check(refuse_inapplicable, args, [(o, not args.list, "when regenerating figures (not with --list)")
                                          for o in ("out", "pdf", "jobs")])
        if args.list and args.names:
            check(refuse, f"--list lists every figure; leave out the names ({', '.join(args.names)}) or --list")
        if not args.list:
            jobs = _read_names_and_values(args, reg, check)
    if args.list:
        for st in reg.values():
            miss = missing_needs(st)
            extra = f"   [missing: {', '.join(miss)}]" if miss else ""
            print(f"{st.name:<{name_width()}} {st.paper}{extra}")
        return 0
    from tqdm import tqdm
    bar = lambda it, total=None: tqdm(it, total=total, desc="reproduce", unit="figure", file=sys.stderr, leave=True,
                                      disable=not bars(args))  # (no redrawn frames in a log file, nor with -q)
    try:
        results = reproduce.run(args.names or None, out=args.out, pdf=args.pdf, progress=bar, jobs=jobs)
    except KeyboardInterrupt as exc:
        kept = [r.name for r in getattr(exc, "finished", [])]
        sys.stderr.write(f"gandynamics: interrupted; queued studies cancelled, kept {len(kept)} finished"
                         + (f" ({', '.join(kept)})" if kept else "") + f" in {os.path.join(args.out, '')}\n")
        return 130
    for res in results:
        _print_result(res)
    total = sum(len(r.checks) for r in results)
    ok = sum(c.passed for r in results for c in r.checks)
    print(f"\n{ok}/{total} checks pass; gallery: {os.path.join(args.out, 'README.md')}")
    return 0 if all(r.ok for r in results) else 1
