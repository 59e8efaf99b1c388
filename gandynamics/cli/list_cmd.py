"""``gandynamics list``: games, losses and regularizers with their parameters and defaults."""

from __future__ import annotations


def add_parser(sub):
    from . import summary
    p = sub.add_parser("list", help=summary("list"),
                       description="List the built-in games, losses, regularizers and methods with their parameters and defaults.",
                       epilog="examples: gandynamics list;  gandynamics list --json")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)
    return p


def catalogue() -> dict:
    from ..games import GAMES
    from ..losses import LOSSES
    from ..methods import ALIASES, METHODS
    from ..regularizers import REGULARIZERS
    return {
        "games": [{"name": s.name, "params": s.params, "loss": s.takes_loss, "description": s.description,
                   "source": s.source} for s in GAMES.values()],
        "losses": [{"name": l.name, "description": l.description} for l in LOSSES.values()],
        "regularizers": [{"name": c.name, "stage": c.stage, "params": {**c.defaults, **c.options},
                          "description": c.summary} for c in REGULARIZERS.values()],
        "methods": [{"name": m.name, "summary": m.summary, "formula": m.formula, "source": m.reference,
                     "options": {o.name: o.default for o in m.options},
                     # the command line's own default where it differs (momentum's beta: -0.5 there, 0 in the library)
                     "command_line": {o.name: o.cli_default for o in m.options if o.cli_default is not None} or None,
                     "iteration_matrix": m.iteration_matrix is not None,
                     "no_iteration_matrix": m.no_matrix or None} for m in METHODS.values()],
        # names that stand for a method with options (taken by rates and classify, which name a method's iteration
        # matrix; simulate and sweep take the method with its options; altmomentum had been listed nowhere)
        "aliases": [{"name": a, "method": base, "options": dict(opts)} for a, (base, opts) in ALIASES.items()],
    }


def column(entries, least: int) -> int:
    """The width of a column of the entries' names: the longest name and two spaces, at least ``least``."""
    return max([least] + [len(e["name"]) + 2 for e in entries])


def run(args) -> int:
    from .common import dumps
    cat = catalogue()
    if args.json:
        print(dumps(cat))
        return 0
    # each section's names in a column as wide as its longest name and two spaces (at least as before)
    wg, wl = column(cat["games"], 16), column(cat["losses"], 16)
    wr, wm = column(cat["regularizers"], 18), column(cat["methods"] + cat["aliases"], 12)
    print("Games (gandynamics analyze GAME [--param key=value]):")
    for g in cat["games"]:
        ps = ", ".join(f"{k}={v}" for k, v in g["params"].items())
        loss = " [--loss]" if g["loss"] else ""
        print(f"  {g['name']:<{wg}}{g['description']}{loss}")
        if ps:
            print(f"  {'':<{wg}}params: {ps}")
        print(f"  {'':<{wg}}source: {g['source']}")
    print("\nLosses (--loss NAME, GAN games):")
    for l in cat["losses"]:
        print(f"  {l['name']:<{wl}}{l['description']}")
    print("\nRegularizers (--reg NAME[:key=value,...], repeatable; applied gan -> game -> field stage):")
    for r in cat["regularizers"]:
        ps = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        print(f"  {r['name']:<{wr}}[{r['stage']}] {ps}")
        print(f"  {'':<{wr}}{r['description']}")
    print("\nMethods (simulate/sweep --method NAME [--option value ...]; rates --methods for those with an "
          "iteration matrix):")
    for m in cat["methods"]:
        cli = m["command_line"] or {}
        ps = ", ".join(f"{k}={v}" + (f" (command line: {cli[k]})" if k in cli else "") for k, v in m["options"].items())
        print(f"  {m['name']:<{wm}}{m['summary']}")
        print(f"  {'':<{wm}}{m['formula']}")
        if ps:
            print(f"  {'':<{wm}}options: {ps}")
        if m["no_iteration_matrix"]:
            print(f"  {'':<{wm}}no iteration matrix: {m['no_iteration_matrix']}")
        print(f"  {'':<{wm}}source: {m['source']}")
    for a in cat["aliases"]:
        opts = ", ".join(f"{k}={v}" for k, v in a["options"].items())
        flags = " ".join(f"--{k.replace('_', '-')}" if v is True else f"--{k.replace('_', '-')} {v}"
                         for k, v in a["options"].items())
        # (simulate and sweep take the method and its options; a new user's --method altmomentum was refused there)
        print(f"  {a['name']:<{wm}}{a['method']} with {opts}: a name for rates and classify only (simulate, sweep: "
              f"--method {a['method']} {flags})")
    return 0
