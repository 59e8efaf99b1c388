"""``gandynamics portrait``: a phase portrait of a game's field with trajectories overlaid (a thin layer
over :func:`gandynamics.plotting.phase_portrait` and :func:`gandynamics.simulate.simulate`)."""

from __future__ import annotations

import re
import sys

#: the default window's half-width around the equilibrium: gandynamics.plotting.HALF_WIDTH, the library's default
#: (not imported from there: plotting imports matplotlib, which ``--help`` does not need; tests/test_cli_help.py checks
#: that they agree)
HALF_WIDTH = 2.0
#: the most states of one trajectory a portrait records and draws: a longer run is recorded every ``ceil(steps /
#: PORTRAIT_POINTS)`` steps (its verdict and rate are read on the run's own samples all the same)
PORTRAIT_POINTS = 1_000_000


def add_parser(sub):
    from . import summary
    from ..methods import METHODS
    from .common import add_game_arguments
    p = sub.add_parser(
        "portrait", help=summary("portrait"),
        description="Draw the direction field v = -F of a game on a 2-D plane (for games with more than two "
                    "parameters: the slice through the equilibrium along --plane) with trajectories of the chosen "
                    "methods from --init, the start marked by a white circle and the equilibrium starred.  The equilibrium is the zero of F "
                    "that analyze and simulate use: the game's declared one, else one found from it (or from 0 for a "
                    "game that declares none); the window is centred on it.",
        epilog="example: gandynamics portrait dirac --reg r1:gamma=0.3 --methods gd,altgd --init 1,1 --out r1.png")
    add_game_arguments(p)
    p.add_argument("--methods", default="gd", metavar="M1,M2",
                   help=f"comma-separated methods ({', '.join(METHODS)}; options as in `gandynamics simulate "
                        "--help`: every method option, and --clip); default gd")
    p.add_argument("--init", action="append", default=[], metavar="v1,v2,...",
                   help="a start point (all parameters), repeatable; default: the equilibrium + 1 in the plane (the start "
                        "of simulate and sweep too, for a game of two parameters)")
    p.add_argument("--steps", default="500", metavar="K", help="iterations per trajectory (default 500)")
    p.add_argument("--step", default=None, metavar="H", help="step size h (default 0.2)")
    from .simulate import add_method_option_flags
    add_method_option_flags(p)  # every method option, as in simulate and sweep (--n-g, --alternating, ...)
    p.add_argument("--clip", default=None, metavar="C",
                   help="WGAN weight clipping |psi| <= C: projected updates and a shaded forbidden band")
    p.add_argument("--plane", default=None, metavar="X,Y", help="the two parameters spanning the plane (default: the generator and the "
                        "discriminator parameter most strongly coupled at the game's equilibrium, |DF_ij| + |DF_ji|; "
                        "the first of each when none is)")
    window = f"{-HALF_WIDTH:zg},{HALF_WIDTH:zg}"
    p.add_argument("--xlim", default=None, metavar="LO,HI",
                   help=f"the window's x range as offsets from the equilibrium z* (default {window}): x from z*_x + LO "
                        "to z*_x + HI (--init is a point, not an offset); for a game with no zero of F found, offsets from the "
                        "declared equilibrium, else from 0")
    p.add_argument("--ylim", default=None, metavar="LO,HI",
                   help=f"the window's y range as offsets from the equilibrium z* (default {window}), as --xlim")
    p.add_argument("--arrows", action="store_true", help="draw a quiver of v = -F (instead of the streamlines, unless --speed asks for them)")
    p.add_argument("--nullclines", action="store_true", help="draw the nullclines: the curves where each coordinate's component of v is 0 (wide translucent grey bands, dashed and dotted)")
    p.add_argument("--speed", action="store_true", help="colour streamlines by speed |v| (with --arrows too: the streamlines, coloured, "
                   "are drawn beside the quiver)")
    p.add_argument("--title", default=None,
                   help="figure title (default: the game, methods and step, with the figure's notes under it -- a run "
                        "leaving the window or the slice; with --title the notes are printed here instead, and the "
                        "title is yours, over a line naming the game, its methods and their step h (the step left out "
                        "when your title names it: h = ...)")
    p.add_argument("-o", "--out", required=True, metavar="FILE.png", help="output image (.png, .pdf or .svg); an existing file is replaced only if it is a "
                   "figure gandynamics wrote")
    p.add_argument("--animate", default=None, metavar="FILE.gif|FILE.mp4",
                   help="also write an animation: the trajectories growing on the phase plane beside the data space "
                        "(real and generated distributions and D(x) for GANs on 1-D data; distance and |F| against "
                        "k otherwise); .gif via Pillow, .mp4 needs ffmpeg")
    p.add_argument("--frames", default=60, help="frames of the animation (default 60, >= 2), paced half by the steps and half by the motion (a run that converges early gets frames while it moves; each frame says its step k)")
    p.add_argument("--fps", default=15, help="frames per second of the animation (default 15; a GIF plays at most 50)")
    p.set_defaults(run=run, check_methods=check_methods)
    return p


def _output_paths(args, check) -> tuple:
    """--out and --animate (with ffmpeg for an .mp4) checked before any computation, each refusal kept by ``check``
    (a :class:`~gandynamics.cli.common.gathered` block): ``(out, anim_out)``, None for one refused or not given; the
    options that apply only to an animation refused without one."""
    from ..io import check_output_path
    from .common import refuse, refuse_inapplicable
    check(refuse_inapplicable, args, [(o, args.animate is not None, "with --animate FILE.gif|FILE.mp4")
                                      for o in ("frames", "fps")])
    out = check(check_output_path, args.out, "--out", (".png", ".pdf", ".svg"), kind="figure")
    anim_out = None
    if args.animate is not None:  # check the animation's path (and ffmpeg) before computing anything
        anim_out = check(check_output_path, args.animate, "--animate", (".gif", ".mp4"), kind="animation")
        if anim_out is not None and anim_out.suffix.lower() == ".mp4":
            import matplotlib.animation as mpl_anim
            if not mpl_anim.writers.is_available("ffmpeg"):
                anim_out = check(refuse, "--animate FILE.mp4 needs ffmpeg, which was not found on PATH; install ffmpeg "
                                         "or write a .gif")
    if anim_out is not None:
        check(_read_animation_values, args, anim_out)
    return out, anim_out


def _read_animation_values(args, anim_out) -> None:
    """--frames and --fps of the animation ``anim_out``, read in place (each refusal with the other's)."""
    from ..plotting import check_animation_size, check_fps
    from ..validate import whole
    from .common import gathered
    with gathered() as check:
        frames = check(whole, args.frames, "--frames", lo=2)
        if frames is not None:
            check(check_animation_size, frames, anim_out)  # before any computation (--frames 1e9 drew for minutes)
        fps = check(check_fps, args.fps, anim_out, "--fps")  # (before any computation)
    args.frames, args.fps = frames, fps


def _read_values(args) -> None:
    """--steps, --step (one h, default 0.2) and --clip, read in place (None for one refused), each refusal with the
    others'."""
    from ..validate import positive, whole
    from .common import gathered, refuse
    step_given = args.step is not None
    with gathered() as check:  # (assigned inside: a value refused is None, the others are read)
        steps = check(whole, args.steps, "--steps")
        step = None
        if isinstance(args.step, str) and "," in args.step:  # (simulate and sweep take a pair h_G,h_D; a portrait one h)
            check(refuse, f"--step: a portrait takes one step h for both players, e.g. --step 0.2; got {args.step!r} "
                          "(a pair of steps h_G,h_D is taken by simulate and sweep)")
        else:
            step = check(positive, args.step if step_given else "0.2", "--step")
        clip = check(positive, args.clip, "--clip") if args.clip is not None else None
        args.steps, args.step, args.clip = steps, step, clip


def _plane_values(args, fld, hyper) -> tuple:
    """What the figure's plane reads of the game ``fld``: ``(names, i, j, xl, yl, typed_x, typed_y, inits)``, the
    plane's parameters and indices, the windows (relative to the slice's centre; typed or the default), whether each
    was typed, and the starts; every refusal in one line, before any work (the search for the zero printed its note,
    then --xlim 3,-3 was refused; a plane of one parameter twice was refused after the runs were simulated)."""
    import numpy as np
    from ..errors import GandynamicsError
    from ..limits import check_array
    from ..plotting import _window, plane_indices
    from .common import gathered, parse_vector, refuse

    def plane():
        try:
            return plane_indices(fld, tuple(s.strip() for s in args.plane.split(",")) if args.plane else None)
        except GandynamicsError as exc:
            raise GandynamicsError(f"--plane: {exc}") from None
    # (None: the default window, which widens to hold starts near its edge; a window typed is kept as typed, even
    # the default's values: a review)
    window = f"{-HALF_WIDTH:zg},{HALF_WIDTH:zg}"
    typed_x, typed_y = args.xlim is not None, args.ylim is not None
    args.xlim, args.ylim = args.xlim or window, args.ylim or window
    with gathered() as check:
        got = check(plane)
        xl = check(parse_vector, args.xlim, 2, "--xlim")
        yl = check(parse_vector, args.ylim, 2, "--ylim")
        # a figure draws at most PORTRAIT_POINTS states of each trajectory, one every `every` steps (the last always): a
        # portrait of 2e7 steps recorded and drew every one of them, 35 s for one trajectory (a tester); the verdict
        # and rate read the run's own samples (runs.trajectory.READ_SAMPLES), not these
        every = max(1, -(-args.steps // PORTRAIT_POINTS))
        check(check_array, (len(args.init) or 1, len(methods_list(args)), args.steps // every + 2, fld.n),
              "the trajectories of the portrait")
        for what, lim, typed in (("--xlim", xl, args.xlim), ("--ylim", yl, args.ylim)):
            if lim is not None:
                check(_window, lim, what, typed)  # (the library's rule, in the option's words, before any work)
        inits = [check(parse_vector, s, fld.n, "--init", fld.names) for s in args.init]
        good = [(s, z) for s, z in zip(args.init, inits) if z is not None]
        twice = [s for k, (s, z) in enumerate(good) if any(np.array_equal(z, good[q][1]) for q in range(k))]
        if twice:  # (as a method given twice: the same runs drawn twice, their notes printed twice, gd out of its red)
            check(refuse, f"--init {twice[0]} given twice: each start is drawn once; give each start once")
    return (*got, xl, yl, typed_x, typed_y, inits)


def _converging_text(tr) -> str:
    """One converging run in a few words: its verdict with its rate per step, or its algebraic exponent
    (:meth:`~gandynamics.runs.trajectory.Trajectory.describe` says the rest)."""
    import math
    p = (tr.reading or {}).get("algebraic")
    if p is not None and math.isfinite(p):
        return f"converging like k^{p:z.2g}"
    text = tr.describe()
    rate = tr.rate
    from .common import rate_text  # (1 - 4e-07 where six digits round to 1, as simulate writes it: "rate 1" read as none)
    return f"{text}, rate {rate_text(rate)} per step" if text == "converging" and math.isfinite(rate) else text


def _not_converging_text(tr) -> str:
    """What the key says of a run read neither converging nor diverged, in a few words after its verdict: where it
    stands still and why (the reading's ``final_zero``, ``spurious_fixed_point``, ``step_below_rounding``,
    ``flat_F``, ``final_residual``), else its distance to z* over its last half as a band (an orbit's last
    distance depends only on where the run stopped on it: "ends 1.4 from z*" and "ends 0.8 from z*" were said of
    two runs on one ellipse, and "ends 1 from z*" read like a count, a figure review)."""
    import math
    r = tr.reading or {}
    if r.get("integrator_damping") and tr.verdict != "converging":  # (the flow at a fixed step: its states contract
        # by the scheme's damping alone, where the flow's linearisation at z* does not)
        return f"contracting by {str(r['integrator_damping'].get('scheme', 'the scheme')).upper()}'s damping alone"
    if r.get("final_zero"):
        return "ends at another zero of F"
    if r.get("spurious_fixed_point"):
        return "stands at a spurious fixed point"
    if r.get("step_below_rounding") is not None:
        return "stuck: its steps below the state's rounding"
    if r.get("flat_F") or r.get("final_residual") == 0.0:
        return "stuck: F flat below the state's rounding, a saturated loss?"
    if r.get("final_residual") is not None:
        return "stands still where F is not zero"
    lo, hi = r.get("tail_min", math.nan), r.get("tail_max", math.nan)
    dist = "|z\u00a0\u2212\u00a0z*|"  # (no-break spaces: the key's wrap broke it after "|z -"; a minus sign)
    if math.isfinite(lo) and math.isfinite(hi):
        return f"{dist} in [{lo:z.2g}, {hi:z.2g}] over its last half"
    d = tr.final_distance
    return f"{dist} = {d:z.2g} at its end" if math.isfinite(d) else ""


def _verdict_tally(runs) -> str:
    """The verdicts of one method's runs from several starts other than "converging", said once for a factored key:
    ``""`` when every run converges, else `` (bounded, not converging: 4 of 4)``, ``(diverged: 1 of 4; stopped: 1 of
    4)`` (a run that diverged or stopped by its own word, the others by their verdict)."""
    from collections import Counter
    said = Counter("stopped" if tr.stopped else "diverged" if tr.diverged else tr.verdict for tr in runs)
    said.pop("converging", None)
    return f" ({'; '.join(f'{v}: {c} of {len(runs)}' for v, c in said.items())})" if said else ""


def methods_list(args) -> list[str]:
    from ..validate import name_list
    return name_list(args.methods, "--methods")



def check_methods(args) -> None:
    """Refuse every unknown name among --methods (:func:`gandynamics.cli.common.check_names`)."""
    from ..methods import get_methods
    from .common import refuse_all
    from .simulate import check_base
    refuse_all(lambda: get_methods(methods_list(args)), lambda: check_base(args, str(args.methods).split(",")))


def run(args) -> int:
    import numpy as np
    from ..errors import GandynamicsError
    from ..io import atomic_savefig
    from .common import build_field, gathered, given
    from .simulate import method_option_values, refuse_unused_method_options, with_cli_defaults
    step_given = args.step is not None
    with gathered() as check:  # (every value, both output paths and the game, refused together)
        out, anim_out = _output_paths(args, check)
        check(_read_values, args)  # (--steps, --step, --clip, and --frames and --fps of an animation, in place)
        chosen = check(methods_list, args) or []
        check(refuse_unused_method_options, args, chosen)  # an option no chosen method takes would be ignored
        # (the game is built only when the output paths are good: nothing is computed before they are checked)
        # (or --out left out: nothing is written, the line is refused with the game's mistakes too)
        built = (check(build_field, args) if (out is not None or not given(args, "out"))
                 and (anim_out is not None or args.animate is None) else None)
        plane = check(_plane_values, args, *built) if built is not None and args.steps is not None else None
    # (checked above by the chosen methods' declarations, with the flags' names; momentum's beta -0.5 when not given)
    given = with_cli_defaults(method_option_values(args), chosen)
    fld, hyper = built
    names, i, j, xl, yl, typed_x, typed_y, inits = plane
    every = max(1, -(-args.steps // PORTRAIT_POINTS))  # (one state drawn every `every` steps: _plane_values)
    from ..plotting import equilibrium_point, slice_center
    star = equilibrium_point(fld, hyper)  # (the zero analyze and simulate use, also for a game that declares none)
    center = slice_center(fld, hyper, star=star)
    # (the offsets of --xlim/--ylim are from z*, or where F has no zero found from the window's centre: a note said
    # "(offsets from z*)" of a game with none, a new user)
    about = "z*" if star is not None else f"the centre ({', '.join(f'{v:zg}' for v in center[[i, j]])})"
    if star is None:  # (the star would just be missing: say why)
        print(f"no zero of F found (from {'the point given by --equilibrium' if args.equilibrium else 'the declared equilibrium'}, "
              "or 0): nothing starred")
    if fld.n > 2:  # where the plane is cut (the title said runs "leave the slice" of a 3-parameter game, never where
        # it was, a new user)
        from ..plotting._portrait import slice_text
        print(f"plane ({names[0]}, {names[1]}): {slice_text(fld.names, (i, j), center)}")
    xlim, ylim = tuple(xl + center[i]), tuple(yl + center[j])
    # the default window widened to hold the starts near its edge with room for their circles (--init 2,2 drew a
    # quarter of its circle in the corner, a figure reviewer's finding); a start far outside is said to be, below
    xlim = xlim if typed_x else _room_for_starts(xlim, [z[i] for z in inits])
    ylim = ylim if typed_y else _room_for_starts(ylim, [z[j] for z in inits])
    if not inits:
        z = center.copy()
        z[i] += 1.0
        z[j] += 1.0
        inits = [z]
    methods = methods_list(args)
    from ..methods import get_methods
    from ..plotting import (KEY_FACTOR_MIN, METHOD_COLORS, START_STYLES, TRAJECTORY_COLORS, method_text, number_text,
                            outside_rows, phase_portrait, style, window_holding)
    from ..simulate import simulate
    get_methods(methods)  # (every unknown name refused at once)
    trs = []
    plain = {}
    from ..runs.validate import shared_options
    own = shared_options(fld, methods, given)  # (each method its own options, those that apply to it)
    # several methods from several starts, more runs than a key names one by one: the key is factored (a colour per
    # method, a line style per start: plotting.factored_key), each method's verdicts said once in its name.  Each
    # method its colour (METHOD_COLORS, as in every figure), the starts told apart by line style; one method from
    # several starts: a colour per start (16 runs of 8 methods from 2 starts had shared 9 colours).  More starts than
    # styles (or than colours) cannot be told apart: each method's runs are then drawn alike, one legend entry per
    # method (the 7th start took the 1st one's style, a reviewer's finding)
    several = len(inits) > 1 and len(methods) > 1
    factored = several and len(inits) <= len(START_STYLES) and len(inits) * len(methods) > KEY_FACTOR_MIN
    crowd = len(inits) > (len(START_STYLES) if several else len(TRAJECTORY_COLORS))
    starts = [f"({', '.join(f'{v:zg}' for v in z0)})" for z0 in inits]  # (as typed: the terminal's notes)
    # (in the figure with the minus sign, as every number plotting writes into it: a title read "gd from (1.5, -1)
    # starts outside the window, at (1.5, −1)", two signs in one line, a figure review)
    drawn = [f"({', '.join(number_text(float(v), 'g') for v in z0)})" for z0 in inits]
    for m, mine in zip(methods, own):
        kw = {}
        if args.clip is not None:
            kw["box"] = {fld.names[k]: (-args.clip, args.clip) for k in range(fld.n_theta, fld.n)}
        kw.update(mine)
        runs = []
        for k, z0 in enumerate(inits):
            tr = simulate(fld, m, z0, args.steps, args.step, hyper, record_every=every, **kw)
            if tr.options.get("interrupted") or tr.options.get("ctrl_c_after_run"):
                # a Ctrl-C: the run cut short was read and drawn as a whole one ("bounded, not converging ... a longer
                # run decides", exit 0), and with several starts the next runs went on as if none came (a new user)
                sys.stdout.flush()
                sys.stderr.write(f"gandynamics: interrupted while computing the trajectories ({m} from {starts[k]}, "
                                 f"after {tr.steps:,} of {args.steps:,} steps): {out} was not written (it keeps what it "
                                 "held); fewer --steps draw sooner\n")
                return 130
            runs.append(tr)
        tally = _verdict_tally(runs) if factored else ""
        keyed = method_text(m, mine)  # (the key names each method's options, as the title: momentum's beta was
        for k, tr in enumerate(runs):  # missing from a multi-start portrait's key, a figure review)
            lab = keyed if len(inits) == 1 else f"{keyed}{tally} from {drawn[k]}"
            plain[id(tr)] = m if len(inits) == 1 else f"{m} from {starts[k]}"  # (the run's name in the notes below,
            # without what the key adds)
            if factored:
                if tr.verdict != "converging" or tr.diverged:
                    print(f"{plain[id(tr)]}: {tr.describe()}")
            elif tr.stopped:  # the method could not take its next step (kernels.STOPS): not a divergence
                lab += f" (stopped at step {tr.diverged_at})"
                print(f"{plain[id(tr)]}: {tr.describe()}")  # (named with its start: two diverging runs of one
            elif tr.diverged:                                 # method from two starts were told apart by nothing)
                lab += f" (diverged at step {tr.diverged_at})"
                print(f"{plain[id(tr)]}: diverged at step {tr.diverged_at} ({tr.reason})")
            elif tr.verdict != "converging":  # (a run that settles beside z*, or circles, looked converged in the
                # picture: eftp at h = 0.3 on jare-gaussian ends 0.48 from z*, bounded, a figure reviewer's finding)
                print(f"{plain[id(tr)]}: {tr.describe()}")
                said = _not_converging_text(tr)
                lab += f" ({tr.verdict}{f': {said}' if said else ''})"
            elif not crowd:  # (a converging run said too, with its rate: a portrait of runs that all converged printed
                # nothing but the file's name, and the reader could not tell it from one that read nothing)
                print(f"{plain[id(tr)]}: {_converging_text(tr)}")
            if crowd:
                trs.append((f"{keyed} (from {len(inits)} starts)" if k == 0 else "_" + lab,
                            tr, METHOD_COLORS.get(m, TRAJECTORY_COLORS[0]), "-"))
                continue
            trs.append((lab, tr, METHOD_COLORS.get(m) if len(inits) == 1 or several else None,
                        START_STYLES[k % len(START_STYLES)] if several else None))
    cut = []  # (label, rows outside, finite rows, last step outside, last point outside, window holding it)
    for lab, tr, *_ in trs:  # a trajectory that leaves the window is drawn cut at its edge: say so (a new user's
        lab = plain.get(id(tr), lab.lstrip("_"))  # (a run not named in the legend: named here)
        # trial: gd on the bilinear game ended 4.97 from z*, off the default -2,2 window, its end marker not drawn)
        S = np.asarray(tr.states, float)[:, [i, j]]
        rows = outside_rows(S, xlim, ylim)
        if rows.size:
            fin = int(np.all(np.isfinite(S), axis=1).sum())
            cut.append((lab, rows.size, fin, int(np.asarray(tr.times)[rows[-1]]), S[rows[-1]],
                        window_holding(S[:, 0], xlim, center[i]), window_holding(S[:, 1], ylim, center[j])))
    window = f"{names[0]} in [{xlim[0]:zg}, {xlim[1]:zg}], {names[1]} in [{ylim[0]:zg}, {ylim[1]:zg}]"
    if len(cut) > CUT_NOTES:  # (one line for them all: a zoom on four methods from three starts printed twelve)
        # (NaN propagated: a run with no window worth suggesting makes the hint "widen the window"; Python's min and
        # max would pass over a NaN that is not first, an adversarial review)
        wx = (float(np.min([c[5][0] for c in cut])), float(np.max([c[5][1] for c in cut])))
        wy = (float(np.min([c[6][0] for c in cut])), float(np.max([c[6][1] for c in cut])))
        none = sum(1 for c in cut if c[1] == c[2])
        print(f"note: {len(cut)} of the {len(trs)} runs leave the window {window} ({', '.join(c[0] for c in cut)})"
              f": drawn cut at its edges{f', {none} of them with no state inside' if none else ''}; "
              f"{_window_hint(wx, wy, xlim, ylim, 'all of them', about)}")
    else:
        for lab, n_out, fin, at, far, wx, wy in cut:
            where = f"at {n_out:,} of its {fin:,} recorded points, the last at step {at:,}, ({far[0]:z.4g}, {far[1]:z.4g})"
            drawn = "no state of it is inside" if n_out == fin else "it is drawn cut at the edge"
            print(f"note: {lab} leaves the window {window} {where}: {drawn}; {_window_hint(wx, wy, xlim, ylim, 'all of it', about)}")
    import matplotlib.pyplot as plt
    from ..log import notice_if_slow
    if every > 1:  # (a zig-zag across z* at every step was drawn as a one-sided approach from
        # every 2nd state, without a word: a review)
        nth = f"{every}{'th' if every % 100 in (11, 12, 13) else {1: 'st', 2: 'nd', 3: 'rd'}.get(every % 10, 'th')}"
        print(f"note: each trajectory is drawn from every {nth} of its {args.steps:,} steps (at most "
              f"{PORTRAIT_POINTS:,} points); a motion faster than that is not drawn, and each verdict above reads the "
              "run itself")
    # (the figure of long runs -- up to PORTRAIT_POINTS states each -- takes seconds to draw: said when it does)
    drawing = (f"portrait: drawing the phase plane with its {len(trs)} trajector{'y' if len(trs) == 1 else 'ies'} "
               f"and writing {out} ...")
    with notice_if_slow(drawing), style():
        # (the library's own figure: widened by its key's width, the plot keeping its size; a figure of fixed size
        # shrank the plot to a third of it beside the key of five methods from four starts)
        ax = phase_portrait(fld, hyper, plane=names, center=center, xlim=xlim, ylim=ylim, streamlines=None,
                       arrows=args.arrows, speed=args.speed, nullclines=args.nullclines, trajectories=trs,
                       clip=args.clip, title=_titled(args, methods, step_given, fld, hyper, own),
                       equilibrium=star if star is not None else False,
                       notes="attribute" if args.title else "title")  # (a title given is the user's own)
        fig = ax.figure
        if args.title:
            for n in ax.portrait_notes:
                if "outside the window" not in n and "inside the window" not in n:  # (those were said above)
                    print(f"note: {n}")
    try:
        # the animation first, then the portrait: a Ctrl-C while its frames are drawn (the long part) leaves both files
        # as they were, where the new portrait beside the old animation was a pair of two runs (a new user)
        if anim_out is not None and _animation_interrupted(args, fld, hyper, trs, names, center, xlim, ylim,
                                                           _titled(args, methods, step_given, fld, hyper, own),
                                                           anim_out, style):
            sys.stdout.flush()
            sys.stderr.write(f"gandynamics: interrupted while drawing the frames of {anim_out}: neither {out} nor "
                             f"{anim_out} was written (each keeps what it held)\n")
            return 130
        with notice_if_slow(drawing), style():  # (matplotlib draws the figure as it writes it)
            atomic_savefig(fig, out)
    except OSError as exc:
        from ..io import describe_oserror
        raise GandynamicsError(describe_oserror(exc, out)) from None
    finally:
        plt.close(fig)
    print(f"wrote {out}")
    if anim_out is not None:
        print(f"wrote {anim_out} ({args.frames} frames)")
    return 0


def _animation_interrupted(args, fld, hyper, trs, names, center, xlim, ylim, title, anim_out, style) -> bool:
    """Draw and write the animation of ``portrait --animate`` (atomically); True where a Ctrl-C stopped it (nothing
    written)."""
    import matplotlib.pyplot as plt

    from ..log import notice_if_slow
    from ..plotting import animate, save_animation
    anim = None
    try:
        with style():
            anim = animate(fld, params=hyper, trajectories=trs, frames=args.frames, plane=names, center=center,
                           xlim=xlim, ylim=ylim, step=args.step, title=title)
            with notice_if_slow(f"drawing the {args.frames} frames of {anim_out} ..."):
                save_animation(anim, anim_out, fps=args.fps)
    except KeyboardInterrupt:
        return True
    finally:
        if anim is not None:
            plt.close(anim._fig)
    return False


#: a start within this fraction of the default window's width from its edge (or outside it by up to half the width)
#: widens that window to hold it with this margin
START_ROOM = 0.05


def _room_for_starts(lim, values) -> tuple:
    """The default window ``lim`` widened, each side by itself, to hold the starts' ``values`` near or just beyond
    that side with a margin of :data:`START_ROOM` of the width (starts farther out than half the width are left to
    the note on runs leaving the window)."""
    lo, hi = float(lim[0]), float(lim[1])
    w = hi - lo
    near = [v for v in values if lo - w / 2 <= v <= hi + w / 2]
    if near:
        lo = min(lo, min(near) - START_ROOM * w)
        hi = max(hi, max(near) + START_ROOM * w)
    return lo, hi


#: at most this many runs leaving a portrait's window get a note each on the terminal; more get one note for all
CUT_NOTES = 3


def _window_hint(wx, wy, xlim, ylim, what: str, about: str = "z*") -> str:
    """The --xlim/--ylim that would hold ``what`` (the window ``wx`` x ``wy``, offsets from ``about``: z*, or the
    point the window is centred on where F has no zero found), while it is a window worth looking at (a run that left
    for 1e300 has none: "--xlim/--ylim widen the window")."""
    import numpy as np
    with np.errstate(over="ignore", invalid="ignore"):
        width = max(wx[1] - wx[0], wy[1] - wy[0])
    if not np.isfinite(width) or width > 1e4 * max(xlim[1] - xlim[0], ylim[1] - ylim[0]):
        return "--xlim/--ylim widen the window"
    # (to 15 digits: a window far from 0, 1234560 to 1234582, printed to 6 was 1.23458e+06, short of the run)
    return f"--xlim={wx[0]:z.15g},{wx[1]:z.15g} --ylim={wy[0]:z.15g},{wy[1]:z.15g} (offsets from {about}) would hold {what}"


def _titled(args, methods, step_given: bool, fld, hyper, own) -> str:
    """The portrait's title: :func:`gandynamics.plotting.portrait_title` (the game with its regularizers, the methods
    with their options, the step h of the discrete ones), or under the user's --title as its head: a title of one's
    own had replaced the game's description (a portrait of dirac + R1 said only "M18 figure 1 (b)", a figure review).
    The step is said to be the default one when --step was not given (M18's figure (b) ran at the default step, which
    the figure nowhere said), and left out when the user's title names it (``h = 0.3``: the step run, not another --
    "EG at h = 0.5" over runs at h = 0.3 hid the step run, a new user)."""
    import numpy as np

    from ..plotting import portrait_title
    said = re.search(r"(?<![A-Za-z_])h\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)", args.title or "")
    step = args.step
    named = said is not None and step is not None and np.ndim(step) == 0 and float(said.group(1)) == float(step)
    line = portrait_title(fld, hyper, methods, None if named else args.step, own, horizon=_horizon(args),
                          step_note=" (the default step)" if args.title and not step_given else "")
    return f"{args.title}\n{line}" if args.title else line


def _horizon(args):
    """The flow's time span in a portrait: ``--steps`` records ``--step`` apart (t = k h), None for a pair of steps."""
    step = args.step
    if isinstance(step, (tuple, list)):
        return None if step[0] != step[1] else float(step[0]) * args.steps
    return None if step is None else float(step) * args.steps
