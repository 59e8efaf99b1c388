"""``gandynamics simulate``: one trajectory of a method on a game (a thin layer over
:func:`gandynamics.simulate.simulate`)."""

from __future__ import annotations

from ..errors import GandynamicsError


def add_method_arguments(p, several: bool = False) -> None:
    """Options shared by ``simulate`` and ``sweep``: method, steps, step sizes, method options."""
    from ..methods import METHODS
    if several:
        p.add_argument("--method", action="append", default=None, metavar="M",
                       help=f"method (repeatable or comma-separated): {', '.join(METHODS)}")
    else:
        p.add_argument("--method", required=True, metavar="M", help=f"one of {', '.join(METHODS)}")
    p.add_argument("--steps", required=True, metavar="K", help="number of iterations (>= 1)")
    p.add_argument("--step", metavar="H[,H_D]", help="step size h, or h_G,h_D (two-timescale); flow: the time step")
    p.add_argument("--beta", metavar="B", help="momentum (negative allowed)")
    p.add_argument("--alternating", action="store_true", help="momentum: alternating (generator first)")
    p.add_argument("--n-g", dest="n_g", metavar="N", help="altgd: generator steps per round (default 1)")
    p.add_argument("--n-d", dest="n_d", metavar="N", help="altgd: discriminator steps per round (default 1)")
    p.add_argument("--order", metavar="O", help="altgd / alternating momentum: generator-first (default) or discriminator-first")
    p.add_argument("--scheme", metavar="S", help="flow: rk4 (default) or dopri5")
    p.add_argument("--rtol", metavar="X", help="flow dopri5: relative tolerance (default 1e-8)")
    p.add_argument("--atol", metavar="X", help="flow dopri5: absolute tolerance (default 1e-10)")
    p.add_argument("--box", action="append", default=[], metavar="NAME=LO:HI",
                   help="project NAME onto [LO, HI] after every step (repeatable)")
    p.add_argument("--clip", metavar="C", help="WGAN weight clipping: psi (all discriminator parameters) in [-C, C]")
    p.add_argument("--bound", default="1e6", metavar="X", help="max-norm above which a trajectory counts as diverged (default 1e6; inf disables)")


def _float(text, what):
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise GandynamicsError(f"{what} must be a number, got {text!r}") from None
    return v


def method_options(args, fld) -> dict:
    """The keyword options of simulate/sweep from the parsed arguments."""
    opts = {}
    if args.beta is not None:
        opts["beta"] = _float(args.beta, "--beta")
    if args.alternating:
        opts["alternating"] = True
    for k in ("n_g", "n_d"):
        if getattr(args, k) is not None:
            opts[k] = _float(getattr(args, k), f"--{k.replace('_', '-')}")
    for k in ("order", "scheme"):
        if getattr(args, k) is not None:
            opts[k] = getattr(args, k)
    for k in ("rtol", "atol"):
        if getattr(args, k) is not None:
            opts[k] = _float(getattr(args, k), f"--{k}")
    box = {}
    if args.clip is not None:
        c = _float(args.clip, "--clip")
        if not c > 0:
            raise GandynamicsError(f"--clip must be positive, got {args.clip!r}")
        for name in fld.names[fld.n_theta:]:
            box[name] = (-c, c)
    for item in args.box:
        name, sep, rng = item.partition("=")
        parts = rng.split(":")
        if not sep or len(parts) != 2:
            raise GandynamicsError(f"malformed --box {item!r}; expected NAME=LO:HI (e.g. psi=-1:1)")
        box[name.strip()] = (_float(parts[0], "--box bound"), _float(parts[1], "--box bound"))
    if box:
        opts["box"] = box
    return opts


def parse_step(text):
    """``"0.1"`` -> 0.1, ``"0.1,0.2"`` -> (0.1, 0.2)."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) > 2:
        raise GandynamicsError(f"--step must be h or h_G,h_D, got {text!r}")
    vals = tuple(_float(t, "--step") for t in parts)
    return vals[0] if len(vals) == 1 else vals


def parse_steps(text) -> int:
    from ..validate import whole
    return whole(text, "--steps")


def add_parser(sub):
    from .common import add_game_arguments
    p = sub.add_parser(
        "simulate", help="one trajectory of gd, altgd, eg, eftp, ogda, momentum or flow",
        description="Integrate one trajectory with a compiled update rule (z <- z - h F(z) and relatives; see "
                    "`gandynamics.methods`) and report the final state, its distance to the equilibrium, the "
                    "measured last-iterate rate (least-squares fit of log|z_k - z*| over the second half of the "
                    "run) and whether and where it diverged (NaN, overflow, or max-norm above --bound).",
        epilog="example: gandynamics simulate dirac --reg r1:gamma=0.3 --method altgd --step 0.2 --steps 500 --init 1,1")
    add_game_arguments(p)
    add_method_arguments(p)
    p.add_argument("--init", metavar="v1,v2,...", help="initial point (default: 1 in every coordinate, as in M18's figures)")
    p.add_argument("--record-every", default="1", metavar="N", help="keep every N-th state (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object (with the recorded states)")
    p.add_argument("--csv", metavar="FILE", help="write the recorded states to FILE (k, parameters, distance)")
    p.set_defaults(run=run)
    return p


def run(args) -> int:
    import numpy as np

    from ..simulate import simulate
    from .common import build_field, dumps, parse_vector
    if args.csv:
        from ..io import check_output_path
        check_output_path(args.csv, "--csv")  # before any computation
    fld, hyper = build_field(args)
    z0 = parse_vector(args.init, fld.n, "--init", fld.names) if args.init else np.ones(fld.n)
    steps = parse_steps(args.steps)
    from ..limits import check_array
    from ..validate import whole
    every = whole(args.record_every, "--record-every")
    check_array((steps // every + 2, fld.n + 2), "the recorded states (--steps / --record-every)")
    step = parse_step(args.step)
    if step is None:
        raise GandynamicsError("--step is required: h or h_G,h_D")
    opts = method_options(args, fld)
    tr = simulate(fld, args.method, z0, steps, step, hyper, record_every=args.record_every,
                  bound=_float(args.bound, "--bound"), **opts)
    if args.csv:
        try:
            tr.to_csv(args.csv)
        except OSError as exc:
            raise GandynamicsError(f"cannot write {args.csv!r}: {exc.strerror}") from None
    if args.json:
        d = tr.to_dict(states=True)
        d["game"] = fld.name
        print(dumps(d))
        return 0
    names = ", ".join(fld.names)
    print(f"game: {fld.name}   method: {tr.method}   steps: {tr.steps}   step: "
          + (f"{tr.step[0]:g}" if tr.step[0] == tr.step[1] else f"h_G={tr.step[0]:g}, h_D={tr.step[1]:g}"))
    if tr.params:
        print("hyperparameters: " + ", ".join(f"{k}={v:g}" for k, v in tr.params.items()))
    print(f"init  ({names}) = ({', '.join(f'{v:.6g}' for v in z0)})")
    print(f"final ({names}) = ({', '.join(f'{v:.6g}' for v in tr.final)})")
    print(f"distance to z* = ({', '.join(f'{v:.6g}' for v in tr.equilibrium)}): {tr.final_distance:.6g}")
    print(f"rate per step: {tr.rate:.6g}   ({'converging' if tr.rate < 1 else 'not converging' if tr.rate == tr.rate else 'n/a'})")
    if tr.diverged:
        print(f"diverged at step {tr.diverged_at} ({tr.reason})")
    else:
        print("diverged: no")
    if args.csv:
        print(f"states written to {args.csv}")
    return 0
