"""Animations of runs in the phase plane, with the generator's distribution beside them (:func:`animate`), and their
checks and saving (:func:`check_animation_size`, :func:`check_fps`, :func:`save_animation`)."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from ..errors import GandynamicsError
from ._coinciding import _dash_coinciding_paths
from ._fit import _readable_log, _right_of, _title_with_notes
from ._portrait import _slice_warning, equilibrium_point, phase_portrait, slice_center
from ._runs import _states, trajectory_items
from ._style import (METHOD_COLORS, START_MARKER, TRAJECTORY_COLORS, ZERO_LINE_COLOR, describe, number_text,
                     portrait_handles, style)
from ._windows import plane_indices


def _data_space(field, params):
    """For a GAN on 1-D data: callables for the real atoms, the generated atoms at theta and D(x; psi);
    ``None`` for games without data (or multi-dimensional data)."""
    import sympy as sp
    from ..game import GAN
    gan = getattr(field, "model", None)
    if not isinstance(gan, GAN) or len(gan.x) != 1:
        return None
    hyper = list(field.hyper)
    p = field.param_vector(params)
    sub = {s: float(v) for s, v in zip(hyper, p)}
    x = gan.x[0]
    th, ps = list(gan.theta), list(gan.psi)
    real = [(float(sp.N(sp.sympify(w).xreplace(sub))), float(sp.N(sp.sympify(pt[0]).xreplace(sub))))
            for w, pt in gan.real.atoms()]
    fake_atoms = gan.fake.atoms()
    fw = sp.lambdify([th], [sp.sympify(w).xreplace(sub) for w, _ in fake_atoms], "numpy")
    fx = sp.lambdify([th], [sp.sympify(pt[0]).xreplace(sub) for _, pt in fake_atoms], "numpy")
    D = sp.lambdify([x, ps], gan.discriminator.xreplace(sub), "numpy")
    n_th = len(th)

    def fake(z):
        t = list(np.asarray(z, float)[:n_th])
        return np.asarray(fw(t), float) * np.ones(len(fake_atoms)), np.asarray(fx(t), float) * np.ones(len(fake_atoms))

    def disc(xs, z):
        return np.asarray(D(xs, list(np.asarray(z, float)[n_th:])), float) * np.ones_like(xs)

    out = {"real": real, "fake": fake, "D": disc, "x": x.name}
    # a density, drawn as the curve it is (a Normal's quadrature atoms drew it as five stems of "probability weight": a
    # new user's finding), for every distribution that has one (Distribution.density: Normal, Uniform); the data's and
    # the generator's both, else both stems
    dens = [d.density(x) for d in (gan.real, gan.fake)]
    if all(e is not None for e in dens):
        def law(e):
            f = sp.lambdify([x, th], sp.sympify(e).xreplace(sub), "numpy")

            def pdf(xs, z):
                xs = np.asarray(xs, float)
                with np.errstate(all="ignore"):  # (a variance 0 has no density: 0 drawn, not NaN that hid the axes)
                    y = np.asarray(f(xs, list(np.asarray(z, float)[:n_th])), float) * np.ones_like(xs)
                return np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0)
            return pdf
        out["real_pdf"], out["fake_pdf"] = law(dens[0]), law(dens[1])
    return out


def check_animation_size(frames, path=None, dpi: int = 100, panels: int = 2) -> int:
    """Refuse, before any drawing, an animation the machine cannot hold (:mod:`gandynamics.limits`): the frame
    indices (``frames`` integers, and their working copies) and, for a ``.gif`` ``path``, every frame as an RGBA
    image (Pillow keeps them all until it writes the file) at :func:`animate`'s figure size (``panels`` side by
    side) and ``dpi``.  ``--frames 1e9`` drew for minutes before running out of memory.  Returns ``frames`` as
    an int.

    Raises
    ------
    GandynamicsError
        ``frames`` not a whole number >= 2, or the estimate beyond the memory limit.
    """
    from pathlib import Path

    from ..limits import check_array
    from ..validate import whole
    frames = whole(frames, "frames", lo=2)
    check_array((frames,), "the animation's frame indices", dtype=np.int64, copies=3)
    if path is not None and Path(path).suffix.lower() == ".gif":
        w, h = round((5.0 * panels + 0.8) * dpi), round(4.4 * dpi)
        check_array((frames, h, w, 4), f"a GIF of {frames} frames (Pillow keeps every frame until the file is "
                    f"written)", dtype=np.uint8)
    return frames


def animation_data(trajectories, frames: int) -> np.ndarray:
    """The state index shown at each frame (``frames`` of them, non-decreasing, the first 0 and the last ``k - 1``
    for the longest recorded trajectory of ``k`` states), paced by the motion: frame ``f`` is the first index where
    ``s_j = (j / (k - 1) + P_j) / 2`` reaches ``f / (frames - 1)``, ``P_j`` the mean over the trajectories of the
    fraction of each one's path length (in the state space, finite states only) travelled by its state ``j``.  Half
    the frames follow the steps, half the motion: frames spaced evenly in the steps showed a run that converged by step
    30 of 500 in 2 of 20 frames, the other 18 alike (a new user).  The counter in the frame says the step."""
    if not isinstance(frames, (int, np.integer)) or frames < 2:
        raise GandynamicsError(f"an animation needs frames >= 2, got {frames!r}")
    k = max(_states(tr).shape[0] for _, tr, *_ in trajectories)
    if k <= 1:
        return np.zeros(int(frames), dtype=int)
    paths = []
    for _, tr, *_ in trajectories:
        S = _states(tr)
        with np.errstate(invalid="ignore", over="ignore"):
            step = np.linalg.norm(np.diff(S, axis=0), axis=1) if S.shape[0] > 1 else np.zeros(0)
        step = np.where(np.isfinite(step), step, 0.0)
        c = np.concatenate(([0.0], np.cumsum(step)))
        c = np.concatenate((c, np.full(k - c.size, c[-1])))  # (a shorter run stands at its end)
        if c[-1] > 0.0 and np.isfinite(c[-1]):
            paths.append(c / c[-1])
    P = np.mean(paths, axis=0) if paths else np.linspace(0.0, 1.0, k)
    s_ = 0.5 * (np.arange(k) / (k - 1) + P)
    idx = np.searchsorted(s_, np.linspace(0.0, 1.0, int(frames)) * s_[-1] - 1e-12, side="left")
    idx = np.clip(idx, 0, k - 1)
    idx[0], idx[-1] = 0, k - 1
    return np.maximum.accumulate(idx).astype(int)


def animate(field, methods=("gd",), init=None, steps: int = 200, step: float = 0.1, params=None, *,
            trajectories=None, frames: int = 60, interval: int = 60, plane=None, center=None,
            xlim=None, ylim=None, n: int = 31, density: float = 0.8, data_panel: bool = True,
            title: str | None = None, **method_options):
    r"""An animation of training: the trajectory growing on the phase plane, beside the data space.

    Left: the direction field of ``v = -F`` (:func:`phase_portrait`) with each method's trajectory drawn up to
    the current iterate.  Right, for a GAN on 1-D data: the real distribution (black stems, or its density where the data
    and the generator both have one: :meth:`gandynamics.distributions.Distribution.density`, a Normal or a Uniform of
    one dimension), the generated one (stems, or its density, in the method's colour) and the discriminator ``D(x)`` at the current iterate (M18's Dirac-GAN
    videos); for other games: the distance to the equilibrium and ``||F(z_k)||`` against ``k`` (log scale).

    Parameters
    ----------
    field : VectorField
    methods : str or sequence of str
        Methods to run (:data:`gandynamics.methods.METHODS`; text ``"gd,eg"`` or a list); ignored when
        ``trajectories`` is given.
    init : sequence of float, optional
        The start (default: the equilibrium + 1 in the plane).
    steps, step : int, float
        Iterations and step size (``flow``: output intervals of length ``step``).
    params : mapping, optional
        Hyperparameter values.
    trajectories : sequence, optional
        Items ``(label, Trajectory)`` or ``(label, Trajectory, color)`` to animate instead of simulating.
    frames : int
        Number of frames (>= 2); frame ``f`` shows the states up to :func:`animation_data`'s index.
    interval : int
        Milliseconds between frames (inline display; :func:`save_animation` takes ``fps``).
    plane, center, xlim, ylim, n, density : as in :func:`phase_portrait` (limits default to the
        trajectories' extent, padded).
    data_panel : bool
        Draw the right-hand panel.
    **method_options : passed to :func:`gandynamics.simulate.simulate` (``n_d``, ``beta``, ``box``...).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        With extra attributes ``frame_indices`` (the state index of every frame), ``trajectories`` (the
        items drawn) and ``artists`` (per trajectory: the growing line and the head marker), so that callers
        and tests can check what a frame shows.  Display in a notebook with ``HTML(anim.to_jshtml())``;
        write with :func:`save_animation`.

    Raises
    ------
    GandynamicsError
        For an unknown method, a bad start or ``frames < 2``.
    """
    import matplotlib.animation as mpl_anim
    from ..simulate import simulate
    frames = check_animation_size(frames)
    names, i, j = plane_indices(field, plane)
    star = equilibrium_point(field, params)  # (found once: the slice's centre and the star)
    c = slice_center(field, params, center, star=star)
    if trajectories is None:
        from ..validate import name_list
        methods = name_list(methods, "methods") if isinstance(methods, str) else [m.strip() for m in methods]
        if not methods:
            raise GandynamicsError("animate needs at least one method")
        if init is None:
            z0 = c.copy()
            z0[i] += 1.0
            z0[j] += 1.0
        else:
            z0 = field.point(init)
        from ..runs.validate import shared_options  # (each method its own options of those given, that apply to it)
        own = shared_options(field, methods, {k: v for k, v in method_options.items() if k != "box"})
        box = {"box": method_options["box"]} if method_options.get("box") is not None else {}
        trajectories = [(m, simulate(field, m, z0, steps, step, params, **o, **box), METHOD_COLORS.get(m))
                        for m, o in zip(methods, own)]
    items, styles = [], []  # (styles: each run's line style given, or None: as phase_portrait's)
    for t_index, it in enumerate(trajectory_items(trajectories, "animate")):
        col = it[2] if it[2] is not None else TRAJECTORY_COLORS[t_index % len(TRAJECTORY_COLORS)]
        S = _states(it[1])
        if S.ndim != 2 or S.shape[1] != field.n or S.shape[0] < 1:
            raise GandynamicsError(f"trajectory {it[0]!r} has shape {S.shape}; expected (steps, {field.n})")
        items.append((it[0], it[1], col))
        styles.append(it[3])
    idx = animation_data(items, frames)
    if xlim is None or ylim is None:
        allS = np.vstack([_states(tr)[np.all(np.isfinite(_states(tr)), axis=1)] for _, tr, _ in items] + [c[None, :]])
        def _lim(k):
            lo, hi = float(allS[:, k].min()), float(allS[:, k].max())
            pad = max(0.15 * (hi - lo), 0.5)
            return (lo - pad, hi + pad)
        xlim = xlim or _lim(i)
        ylim = ylim or _lim(j)
    dspace = _data_space(field, params) if data_panel else None
    ncols = 2 if data_panel else 1
    fig, axes = plt.subplots(1, ncols, figsize=(5.0 * ncols + 0.8, 4.4), layout="constrained", squeeze=False)
    ax = axes[0, 0]
    phase_portrait(field, params, plane=names, center=c, xlim=xlim, ylim=ylim, n=n, density=density,
                   trajectories=(), legend=False, title="", ax=ax, equilibrium=star if star is not None else False)
    artists, paths = [], []
    for (label, tr, col), style in zip(items, styles):
        S = _states(tr)
        line, = ax.plot(S[:1, i], S[:1, j], color=col, lw=1.3, ls=style if style is not None else "-", label=label,
                        zorder=3)
        head, = ax.plot(S[:1, i], S[:1, j], "o", color=col, ms=5, mec="white", zorder=5)
        ax.plot(S[0, i], S[0, j], zorder=4, **START_MARKER)
        artists.append((line, head))
        paths.append((line, S[np.all(np.isfinite(S), axis=1)][:, [i, j]]))
    _dash_coinciding_paths(ax, paths, xlim, ylim)  # (as the portrait: a run drawn over an equal one hid it)
    notes = list(getattr(ax, "warnings", []))
    others = [k for k in range(field.n) if k not in (i, j)]
    for label, tr, _ in items:
        S = _states(tr)
        w = _slice_warning(S[np.all(np.isfinite(S), axis=1)], others, c, label)
        if w:
            notes.append(w)
    ax.warnings = notes
    # (the markers named too: the animated key had the runs alone, no start nor equilibrium, a new user)
    current = Line2D([], [], marker="o", ls="", color="0.35", ms=5, mec="white", label="current iterate")
    ax.legend(handles=[a[0] for a in artists] + [current] + portrait_handles(equilibrium=star is not None, last=False),
              **_right_of(ax))
    _title_with_notes(ax, "phase plane: " + ", ".join(lab for lab, _, _ in items), notes)
    counter = ax.text(0.02, 0.98, "", transform=ax.transAxes, ha="left", va="top", fontsize=8,
                      bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.85}, zorder=7)
    times = [np.asarray(getattr(tr, "times", np.arange(_states(tr).shape[0]))) for _, tr, _ in items]
    is_flow = [getattr(tr, "method", lab) == "flow" for lab, tr, _ in items]
    dyn = []  # artists of the right panel, per trajectory
    anim_d_axis = None
    if data_panel:
        ax2 = axes[0, 1]
        if dspace is not None:
            xs_all = [x for _, x in dspace["real"]]
            for _, tr, _ in items:
                S = _states(tr)
                S = S[np.all(np.isfinite(S), axis=1)]
                # the states shown in the phase window (a diverged run's last finite state put its fakes at -4e12 and
                # stretched the data axis until every other stem sat at 0: a new user's finding)
                shown = S[(S[:, i] >= xlim[0]) & (S[:, i] <= xlim[1]) & (S[:, j] >= ylim[0]) & (S[:, j] <= ylim[1])]
                for z in ((shown[0], shown[-1]) if len(shown) else S[:1]):
                    xs_all.extend(dspace["fake"](z)[1].tolist())
            lo, hi = min(xs_all), max(xs_all)
            pad = max(0.3 * (hi - lo), 1.0)
            xs = np.linspace(lo - pad, hi + pad, 400)
            wr = np.array([w for w, _ in dspace["real"]])
            dens = "fake_pdf" in dspace  # (densities: curves; atoms: stems)
            if dens:
                z0 = _states(items[0][1])[0]
                pr = dspace["real_pdf"](xs, z0)
                ax2.fill_between(xs, 0, pr, color="0.85", zorder=1)
                ax2.plot(xs, pr, color="black", lw=1.6, label="real data (density)")
                wr = np.array([float(pr.max())])
            else:
                ax2.vlines([x for _, x in dspace["real"]], 0, wr, color="black", lw=2.2, label="real data")
                ax2.plot([x for _, x in dspace["real"]], wr, "o", color="black", ms=4)
            # D(x) on its own axis (right): its values and the atoms' weights have unrelated scales
            axd = ax2.twinx()
            axd.grid(False)
            dmax, wmax = 1e-12, float(wr.max())
            for _, tr, _ in items:
                S = _states(tr)
                S = S[np.all(np.isfinite(S), axis=1)]
                for z in S[idx.clip(max=len(S) - 1)]:
                    dmax = max(dmax, float(np.nanmax(np.abs(dspace["D"](xs, z)))))
                    wmax = max(wmax, float(np.max(dspace["fake_pdf"](xs, z) if dens else dspace["fake"](z)[0])))
            dlim = min(dmax, 10.0) * 1.05
            axd.set_ylim(-dlim, dlim)
            ax2.set_ylim(-1.05 * wmax, 1.05 * wmax)  # zero in the middle on both axes
            for (label, tr, col), style in zip(items, styles):
                z = _states(tr)[0]
                w, x = dspace["fake"](z)
                # (in the run's own line style: two starts of one method in one colour had identical entries)
                if dens:
                    st, = ax2.plot(xs, dspace["fake_pdf"](xs, z), color=col, lw=1.6, label=f"generated ({label})",
                                   ls=style if style is not None else "-")
                else:
                    st = ax2.vlines(x, 0, w, color=col, lw=2.0, alpha=0.75, label=f"generated ({label})",
                                    linestyles=style if style is not None else "solid")
                dl, = axd.plot(xs, dspace["D"](xs, z), color=col, ls=(0, (4, 2)), lw=1.1, label=f"D(x) ({label})")
                dyn.append((st, dl))
            ax2.axhline(0, color=ZERO_LINE_COLOR, lw=0.8)
            ax2.set_xlim(xs[0], xs[-1])
            ax2.set_xlabel(f"data ${dspace['x']}$")
            ax2.set_ylabel("density" if dens else "probability weight (stems)")
            axd.set_ylabel("discriminator D(x) (dashed; fakeness logit)")
            ax2.set_title("data space: real, generated and D(x)")
            h1, l1 = ax2.get_legend_handles_labels()
            h2, l2 = axd.get_legend_handles_labels()
            ax2.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
            anim_d_axis = axd
        else:
            mod = field.point_module(calls=sum(len(_states(tr)) for _, tr, _ in items))
            p = field.param_vector(params)
            ymin, ymax = np.inf, 0.0
            for label, tr, col in items:
                S = _states(tr)
                d = np.asarray(getattr(tr, "distance", np.linalg.norm(S - c, axis=1)), float)
                Fn = np.array([np.linalg.norm(mod.field(z, p, np.empty(field.n))) if np.all(np.isfinite(z)) else np.nan
                               for z in S])
                t = times[items.index((label, tr, col))]
                # |F| equal to the distance within a line's width at every k (a normal linear field: the bilinear game,
                # the WGAN Dirac-GAN): one curve, so named (its dashed |F| lay on the distance and could not be seen)
                with np.errstate(divide="ignore", invalid="ignore"):
                    both = np.isfinite(d) & np.isfinite(Fn) & (d > 0) & (Fn > 0)
                    same = bool(both.any()) and float(np.max(np.abs(np.log10(Fn[both] / d[both])))) < 0.01
                ld, = ax2.semilogy(t[:1], d[:1], color=col, lw=1.3,
                                   label=f"{label}: distance" + (" = ‖F‖" if same else ""))
                from matplotlib import patheffects
                lf, = ax2.semilogy(t[:1], Fn[:1], color=col, lw=0.9, ls=(0, (4, 2)), label=f"{label}: ‖F‖", zorder=4,
                                   path_effects=[patheffects.withStroke(linewidth=2.4, foreground="white")],
                                   visible=not same)
                if same:
                    lf.set_label("_" + lf.get_label())  # (not in the legend: the distance's entry names it)
                dyn.append((ld, lf, t, d, Fn))
                pos = np.concatenate([d[np.isfinite(d) & (d > 0)], Fn[np.isfinite(Fn) & (Fn > 0)]])
                if pos.size:
                    ymin, ymax = min(ymin, pos.min()), max(ymax, pos.max())
            tmax = max(float(t[-1]) for t in times) or 1.0
            ax2.set_xlim(0, tmax)
            if np.isfinite(ymin) and ymax > 0:
                ax2.set_ylim(max(ymin, 1e-16) / 2, ymax * 2)
                _readable_log(ax2, "y")
            ax2.set_xlabel("iteration $k$" if not all(is_flow) else "time $t / h$")
            ax2.set_ylabel(r"$\|z_k - z^*\|$ (solid), $\|F(z_k)\|$ (dashed)")
            ax2.set_title("distance to the equilibrium and |F| against k")
            ax2.legend(**_right_of(ax2))
    fig.suptitle(title if title is not None else describe(field, params))

    def update(f):
        k = int(idx[f])
        out = []
        for (line, head), (label, tr, col), t in zip(artists, items, times):
            S = _states(tr)
            kk = min(k, S.shape[0] - 1)
            line.set_data(S[:kk + 1, i], S[:kk + 1, j])
            head.set_data(S[kk:kk + 1, i], S[kk:kk + 1, j])
            out += [line, head]
        kmax = min(k, len(times[0]) - 1)
        counter.set_text(f"k = {int(times[0][kmax])}" + (f"  (t = {number_text(times[0][kmax] * step, 'g')})" if is_flow[0] else ""))
        out.append(counter)
        if data_panel and dspace is not None:
            for (st, dl), (label, tr, col) in zip(dyn, items):
                S = _states(tr)
                z = S[min(k, S.shape[0] - 1)]
                if np.all(np.isfinite(z)):
                    if "fake_pdf" in dspace:
                        st.set_ydata(dspace["fake_pdf"](st.get_xdata(), z))
                    else:
                        w, x = dspace["fake"](z)
                        st.set_segments([np.array([[xa, 0.0], [xa, wa]]) for xa, wa in zip(x, w)])
                    dl.set_ydata(dspace["D"](dl.get_xdata(), z))
                out += [st, dl]
        elif data_panel:
            for ld, lf, t, d, Fn in dyn:
                kk = min(k, len(t) - 1)
                ld.set_data(t[:kk + 1], d[:kk + 1])
                lf.set_data(t[:kk + 1], Fn[:kk + 1])
                out += [ld, lf]
        return out

    update(0)
    anim = mpl_anim.FuncAnimation(fig, update, frames=len(idx), interval=interval, blit=False, repeat=False)
    anim.frame_indices = idx
    anim.trajectories = items
    anim.artists = artists
    anim.update = update
    anim.plane = (i, j)
    anim.data_axes = (axes[0, 1] if data_panel else None, anim_d_axis)  # (stems / distances, D(x) or None)
    return anim


#: the most frames per second a GIF plays: its frame delay is a whole number of hundredths of a second, and browsers
#: play a delay below 2/100 s as 10/100 s (a GIF written at 100,000 fps played slower than one at the default 15)
GIF_MAX_FPS = 50


def check_fps(fps, path, what: str = "fps") -> float:
    """``fps``, the frames per second of an animation written to ``path``: for a ``.gif`` a whole number from 1 to
    :data:`GIF_MAX_FPS` (the refusal says why, and that an ``.mp4`` plays more), for an ``.mp4`` any positive number.  ``what`` names the
    option in the refusal (``--fps``)."""
    from pathlib import Path

    from ..validate import positive, whole
    gif = Path(str(path)).suffix.lower() == ".gif"
    if not gif:  # (a video's frame rate may be a fraction: 29.97)
        return positive(fps, what)
    v = whole(fps, what, lo=1)
    if v > GIF_MAX_FPS:
        raise GandynamicsError(f"{what} {v} is more than a GIF plays: at most {GIF_MAX_FPS} (its frame delay is a "
                               "whole number of hundredths of a second, and browsers play a delay under 2/100 s as "
                               "10/100 s); write an .mp4 for more")
    return v


def save_animation(anim, path, fps: int = 15, dpi: int = 100) -> "os.PathLike":
    """Write an animation as GIF (Pillow) or MP4 (ffmpeg), atomically.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    path : str or Path
        Ends in ``.gif`` or ``.mp4``.
    fps, dpi : int

    Raises
    ------
    GandynamicsError
        For another suffix, a missing folder, ``.mp4`` when ffmpeg is not installed (the message says
        to install it or to write a ``.gif``), or a ``.gif`` at more than :data:`GIF_MAX_FPS` frames per second.
    """
    from pathlib import Path
    import matplotlib.animation as mpl_anim
    from ..io import resolve_target
    suffix = Path(path).suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise GandynamicsError(f"an animation is written as .gif or .mp4, got {str(path)!r}")
    fps = check_fps(fps, path)

    out = resolve_target(path)  # ~ expanded, a link followed, a device or pipe refused (as every other output)
    from ..io import check_target
    check_target(out, "animation")  # (a file gandynamics did not write, one of another kind or write-protected: kept)
    if not out.parent.is_dir():
        raise GandynamicsError(f"the folder of {str(path)!r} does not exist")
    if getattr(anim, "frame_indices", None) is not None:
        check_animation_size(len(anim.frame_indices), path, dpi, 2 if anim.data_axes[0] is not None else 1)
    if suffix == ".mp4":
        if not mpl_anim.writers.is_available("ffmpeg"):
            raise GandynamicsError("writing .mp4 needs ffmpeg, which was not found on PATH (matplotlib's "
                                   "animation.ffmpeg_path); install ffmpeg or write a .gif")
        writer = mpl_anim.FFMpegWriter(fps=fps, metadata={"comment": "gandynamics"})
    else:
        writer = mpl_anim.PillowWriter(fps=fps)
    tmp = out.with_name(f".{out.stem}.tmp{os.getpid()}{suffix}")
    try:
        anim.save(tmp, writer=writer, dpi=dpi)
        if suffix == ".gif":  # (a comment extension before the trailer names its maker: written_by_gandynamics)
            from ..io import GIF_COMMENT
            data = tmp.read_bytes()
            if data.endswith(b"\x3b"):
                tmp.write_bytes(data[:-1] + GIF_COMMENT + b"\x3b")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
