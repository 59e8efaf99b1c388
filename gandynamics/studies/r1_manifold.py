r"""R1 and the data manifold: data on a line in the plane, a linear discriminator, and its gradient across
the data (Mescheder et al. 2018, §4; derivation in docs/math/r1-data-manifold.md).

The game is :func:`gandynamics.games.data_line`: data atoms on the x1-axis, ``D(x) = psi1 x1 + psi2 x2``,
a generator translating its atoms along the line (state ``(theta, psi1, psi2)``) or anywhere in the plane
(``leave_line``, state ``(theta1, theta2, psi1, psi2)``).  Everything drawn is computed from the fields
(spectra, equilibrium search, :func:`gandynamics.simulate`); the closed forms of
docs/math/r1-data-manifold.md §2–§4 enter only as checks.

Without a penalty the discriminator's gradient across the line, ``psi2``, is a free direction of the
equilibrium set (eigenvalue 0, conserved along every trajectory); R1 (``L_D += gamma/2 E_{p_D}|grad_x D|^2
= gamma/2 |psi|^2`` here) damps it with eigenvalue ``-gamma``.  When the generator can leave the line, a
non-zero ``psi2`` pushes its samples off the data and the pair ``(theta2, psi2)`` rotates like the
Dirac-GAN unless regularized.
"""

from __future__ import annotations

import math

import numpy as np

from .._palette import OKABE_ITO, TOL
from .base import register

#: R1 strength of the figures (M18's Figure 1 panel (g) uses the same value)
GAMMA = 0.3
#: the several-atom variant: three equally weighted atoms on the x1-axis
POSITIONS = (-1.0, 0.0, 1.0)
#: step of GD and output interval of the flow, and the number of steps (t = 0..60)
STEP, STEPS = 0.1, 600
#: starts: generator away from the data, discriminator with a gradient across the line (psi2 != 0)
START_LINE = (1.0, 1.0, 0.8)            # (theta, psi1, psi2)
START_FREE = (0.5, 0.0, 0.5, 0.8)       # (theta1, theta2, psi1, psi2): fakes start ON the data line
FLOW = {"scheme": "dopri5", "rtol": 1e-12, "atol": 1e-12}
SRC = "docs/math/r1-data-manifold.md"


def fields():
    """The R1-regularized fields of the three games (R1's ``gamma`` is an argument: ``gamma = 0`` is the
    unregularized game, which :func:`study` checks symbolically).

    Returns
    -------
    dict  ``"line1"`` (one atom at the origin), ``"line3"`` (atoms at -1, 0, 1), ``"free3"`` (the same data,
    a generator free in the plane) -> VectorField
    """
    from ..field import VectorField
    from ..games import data_line
    from ..regularizers import R1
    return {"line1": VectorField(data_line(), [R1(gamma=GAMMA)]),
            "line3": VectorField(data_line(positions=POSITIONS), [R1(gamma=GAMMA)]),
            "free3": VectorField(data_line(positions=POSITIONS, leave_line=True), [R1(gamma=GAMMA)])}


def second_moment_sum(positions=POSITIONS) -> float:
    """``s = E_{p_D} x1^2 + E_{p_theta*} x1^2`` for a generator that is a translated copy of the data
    (``theta* = 0``): ``2 mean(a_i^2)`` (docs/math/r1-data-manifold.md §4)."""
    a = np.asarray(positions, float)
    return float(2 * np.mean(a**2))


def closed_form(fp: float, fpp: float, gamma: float, s: float, leave_line: bool) -> np.ndarray:
    """Eigenvalues of J at the equilibrium (docs/math/r1-data-manifold.md §4): the tangential pair
    ``-c/2 ± sqrt(c^2/4 - f'(0)^2)`` with ``c = gamma - f''(0) s``, and ``-gamma`` (line) or the
    Dirac-GAN pair ``-gamma/2 ± sqrt(gamma^2/4 - f'(0)^2)`` (free generator)."""
    def pair(c):
        r = np.sqrt(complex(c * c / 4 - fp * fp))
        return [-c / 2 + r, -c / 2 - r]
    out = pair(gamma - fpp * s) + (pair(gamma) if leave_line else [-gamma + 0j])
    return np.array(out, dtype=complex)


def match_error(computed, reference) -> float:
    """The largest distance between two multisets of eigenvalues under the best one-to-one matching."""
    from scipy.optimize import linear_sum_assignment
    c = np.asarray(computed, complex).ravel()
    r = np.asarray(reference, complex).ravel()
    if c.size != r.size:
        return math.inf
    d = np.abs(c[:, None] - r[None, :])
    i, j = linear_sum_assignment(d)
    return float(d[i, j].max())


def trajectories(flds=None) -> dict:
    """GD and the flow from :data:`START_LINE` / :data:`START_FREE` without (``gamma = 0``) and with R1.

    Returns
    -------
    dict  ``(game, method, gamma) -> Trajectory`` for game in line1, line3, free3, method in gd, flow and
    gamma in (0, GAMMA).
    """
    from ..simulate import simulate
    flds = flds or fields()
    out = {}
    for key, fld in flds.items():
        z0 = START_FREE if key == "free3" else START_LINE
        for g in (0.0, GAMMA):
            # with gamma = 0 the line games' equilibrium is not isolated: distances are measured to the
            # member (theta*, 0, psi2(0)) of the equilibrium line that the trajectory keeps
            eq = None
            if key != "free3" and g == 0.0:
                eq = (fld.equilibrium[0], 0.0, z0[2])
            out[key, "gd", g] = simulate(fld, "gd", z0, STEPS, STEP, {"gamma": g}, equilibrium=eq)
            out[key, "flow", g] = simulate(fld, "flow", z0, STEPS, STEP, {"gamma": g}, equilibrium=eq, **FLOW)
    return out


def _num(v: float) -> str:
    """Two decimals, without a minus sign on a value that rounds to zero, a negative one with the minus sign −."""
    from ..plotting import number_text
    return number_text(0.0 if abs(v) < 0.005 else v, ".2f")


def _fmt_eigs(e) -> str:
    """Eigenvalues for a markdown table (4 decimals, no signed zeros)."""
    out = []
    for v in np.asarray(e, complex):
        re_, im = round(v.real, 4) + 0.0, round(v.imag, 4) + 0.0
        out.append(f"{re_:z.4f}{im:+z.4f}i" if im != 0 else f"{re_:z.4f}")
    return ", ".join(out)


def _sigmoid(t):
    return 0.5 * (1.0 + np.tanh(0.5 * t))


# ---------------------------------------------------------------------------------------------- figures
def spectra_by_direction(fld, gammas):
    """Eigenvalues of J at the equilibrium for each R1 weight, split by their eigenvectors into the
    tangential block ``(theta1, psi1)`` and the orthogonal one (``psi2``, and ``theta2`` if present).

    Returns
    -------
    gammas : array (m,)
    eigenvalues : complex array (m, n)
    orthogonal : bool array (m, n)  True where the eigenvector lies in the orthogonal coordinates
    """
    from ..analysis import spectrum
    orth = [i for i, name in enumerate(fld.names) if name in ("theta2", "psi2")]
    vals, flags = [], []
    for g in np.asarray(gammas, float):
        J = spectrum(fld, {"gamma": float(g)}).jacobian
        w, V = np.linalg.eig(J)
        weight = np.sum(np.abs(V[orth, :]) ** 2, axis=0) / np.sum(np.abs(V) ** 2, axis=0)
        vals.append(w)
        flags.append(weight > 0.5)
    return np.asarray(gammas, float), np.array(vals), np.array(flags)


#: the orthogonal eigenvalues' diamonds of the spectra figure are drawn at every this many-th gamma
ORTH_EVERY = 2


def _every(k: int) -> str:
    """"every γ", "every second γ", ...: the gammas at which every k-th is drawn."""
    return "every γ" if k == 1 else f"every {({2: 'second', 3: 'third'}.get(k, f'{k}th'))} γ"


#: the notes' arrows end on the point they name, above the markers (shrunk by 2 points and under them, the arrow of
#: panel (b) seemed to end at the gamma = 0.17 diamond), with a filled head (an open one was lost among the markers)
_ARROW = {"arrowstyle": "-|>", "mutation_scale": 9, "color": "0.25", "shrinkB": 0}


#: a closed form the runs are drawn on: a tube, two thin lines of this colour (Tol's dark yellow, 6:1 on white) with the
#: runs between them.  It was a broad band of Okabe and Ito's orange at alpha 0.4, 1.4:1 on white, under the runs (a
#: figure review: every line a figure draws at least 3:1, plotting.MIN_CONTRAST); the generated atoms take it too
CLOSED_FORM_COLOR = TOL["dark-scheme dark yellow"]
#: the tube's width and its white inside, in points
CLOSED_FORM_WIDTH, CLOSED_FORM_INSIDE = 6.0, 3.6


def _tube_effects():
    from matplotlib import patheffects
    return [patheffects.Stroke(linewidth=CLOSED_FORM_WIDTH, foreground=CLOSED_FORM_COLOR),
            patheffects.Stroke(linewidth=CLOSED_FORM_INSIDE, foreground="white")]


def closed_form_tube(ax, t, y, label: str = "_closed_form"):
    """Draw the closed form ``y(t)`` as a tube under the runs (:data:`CLOSED_FORM_COLOR`, white inside); its line."""
    line, = ax.plot(t, y, "-", color=CLOSED_FORM_COLOR, lw=CLOSED_FORM_WIDTH, zorder=1, label=label,
                    solid_capstyle="butt", path_effects=_tube_effects())
    return line


def closed_form_handle(label: str):
    """The key's handle of a :func:`closed_form_tube`."""
    from matplotlib.lines import Line2D
    return Line2D([], [], color=CLOSED_FORM_COLOR, lw=CLOSED_FORM_WIDTH, label=label, solid_capstyle="butt",
                  path_effects=_tube_effects())


def _figure_spectra(ctx, flds, fp, fpp):
    from ..plotting import ZERO_LINE_COLOR, canvas, legible_cmap, number_text
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    gam = np.linspace(0.0, 1.2, 31)  # avoids gamma = 3/4, where -gamma is also a tangential eigenvalue
    with canvas(1, 2, figsize=(11.6, 4.9)) as (fig, axes):
        data = {}
        s = second_moment_sum()
        for ax, key, ttl, orth_name in ((axes[0], "line3", "(a) generator on the line: J at (θ*, 0, 0)", "ψ2"),
                                        (axes[1], "free3", "(b) generator free in the plane: J at (θ*, 0, 0, 0)", "(θ2, ψ2)")):
            g, w, orth = data[key] = spectra_by_direction(flds[key], gam)
            G = np.repeat(g[:, None], w.shape[1], axis=1)
            # the tangential dots smaller and above the orthogonal diamonds: where the two families meet (panel (b): the
            # tangential arc is the orthogonal one shifted by 1/3 in gamma) a dot shows inside its diamond, not under it
            # (viridis as far as its colours keep 3:1 on white: its green and yellow end, 3.0:1 to 1.3:1, were faint
            # dots on white, a figure review)
            sc = ax.scatter(w.real[~orth], w.imag[~orth], c=G[~orth], marker="o", s=16, cmap=legible_cmap("viridis"), vmin=0,
                            vmax=gam.max(), zorder=5)
            # the orthogonal ones hollow, their edge in gamma's colour: filled, each diamond covered a dot of another
            # gamma on the same circle |lambda| = f'(0) and read as a clash of colours (a figure review)
            import matplotlib as mpl
            # at every ORTH_EVERY-th gamma, smaller: at every gamma the diamonds overlapped one another where the
            # eigenvalues move slowly (panel (b)'s pair near ± i f'(0)) and covered the dots (a figure review)
            every = np.zeros_like(orth)
            every[::ORTH_EVERY] = True
            sel = orth & every
            edge = sc.get_cmap()(mpl.colors.Normalize(0, gam.max())(G[sel]))
            ax.scatter(w.real[sel], w.imag[sel], marker="D", s=34, facecolors="none", edgecolors=edge,
                       linewidths=1.1, zorder=4)
            ax.axhline(0, color=ZERO_LINE_COLOR, lw=0.8, zorder=1)
            ax.axvline(0, color=ZERO_LINE_COLOR, lw=0.8, zorder=1)
            ax.set_xlabel(r"Re $\lambda$")
            ax.set_ylabel(r"Im $\lambda$")
            ax.set_title(ttl)
            # room for the markers round every eigenvalue (a fixed -1.35 cut the leftmost, -1.33, in half)
            ax.set_xlim(min(-1.35, float(w.real.min()) - 0.06), max(0.12, float(w.real.max()) + 0.06))
            ax.set_ylim(min(-0.72, float(w.imag.min()) - 0.06), max(0.72, float(w.imag.max()) + 0.06))
            # (the key's markers neutral: in blue they read as one value of the colour bar's gamma, a figure review)
            ax.legend(handles=[Line2D([], [], marker="o", ls="", ms=5, color="0.3", label="tangential pair (θ, ψ1)"),
                               Line2D([], [], marker="D", ls="", ms=6, mfc="none", mec="0.3", mew=1.1,
                                      label=f"orthogonal direction {orth_name} (hollow; {_every(ORTH_EVERY)})")],
                      loc="lower left")
        cb = fig.colorbar(sc, ax=axes, shrink=0.85, pad=0.01)
        cb.set_label("R1 weight γ")
        axes[0].annotate("ψ2: eigenvalue 0\nwithout R1 (a line\nof equilibria), −γ\nwith R1", xy=(0.0, 0.0),
                         xytext=(-0.03, 0.09), ha="right", va="bottom", fontsize="small",  # (between the arcs, just
                         arrowprops={**_ARROW, "relpos": (1.0, 0.0)}, zorder=6)  # above the point: a short arrow)
        axes[0].annotate(f"γ = 0: already damped by the data's\nspread, Re λ = f''(0)·s/2 = {number_text(fpp * s / 2, '.3g')}", xy=(fpp * s / 2, 0.4714),
                         xytext=(-0.2, 0.56), ha="right", va="bottom", fontsize="small",  # (above the point: from the
                         arrowprops={**_ARROW, "relpos": (1.0, 0.0)}, zorder=6)  # left, the arrow crossed half the panel
        # above the point, the arrow from the note's lower right corner: steep, its head clear of the arc's markers (from
        # the left, along the arc, its head was lost among the diamonds)
        axes[1].annotate("γ = 0: orthogonal pair at ± i f'(0)\n(the Dirac-GAN's undamped rotation)", xy=(0.0, fp),
                         xytext=(-0.08, fp + 0.1), ha="right", va="bottom", fontsize="small",
                         arrowprops={**_ARROW, "relpos": (1.0, 0.0)}, zorder=6)
        # (a complex pair's product is its modulus squared, f'(0)^2 for both: the two families share one circle)
        axes[1].text(0.02, 0.97, f"while complex, both pairs lie\non |λ| = f'(0) = {number_text(fp, '.3g')}",
                     transform=axes[1].transAxes, ha="left", va="top", fontsize="small", color="0.25")
        fig.suptitle("Data atoms at x1 = −1, 0, 1 on the line x2 = 0, D(x) = ψ·x, standard loss; R1 weight γ = 0 … 1.2 "
                     r"(the penalty $\frac{\gamma}{2}\,E_{p_D}\,\|\nabla_x D\|^2$ added to $L_D$)")
        ctx.save(fig, "r1_manifold_spectra", "Eigenvalues of J at the equilibrium as the R1 weight γ goes 0 → 1.2, "
                                             f"split by eigenvector (the orthogonal ones, hollow, at "
                                             f"{_every(ORTH_EVERY)}): (a) generator on the line — the zero eigenvalue "
                                             "along ψ2 moves to −γ; (b) generator free in the plane — the orthogonal "
                                             "pair starts on the imaginary axis (the Dirac-GAN's rotation) and is "
                                             "damped by R1")
    return data


def _figure_trajectories(ctx, trs, fp):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from ..plotting import LAST_MARKER, LAST_STATE_LABEL, METHOD_COLORS, START_MARKER, number_text
    with canvas(2, 4, figsize=(15.0, 7.9)) as (fig, axes):
        for col, key, name in ((0, "line1", "one data atom at 0"), (2, "line3", "atoms at −1, 0, 1")):
            for row, g in enumerate((0.0, GAMMA)):
                reg = "no regularizer" if g == 0 else f"R1 γ = {g:zg}"
                ax = axes[row, col]
                for meth in ("gd", "flow"):  # (GD dashed here too, as the legend draws it: it was solid in these panels)
                    S = trs[key, meth, g].states
                    # GD's dashes above the flow's solid line (drawn after it, they had been covered where the two
                    # coincide: the figure review), as in the orthogonal panels
                    ax.plot(S[:, 0], S[:, 1], color=METHOD_COLORS[meth], lw=1.0 if meth == "flow" else 1.3,
                            ls="-" if meth == "flow" else (0, (4, 3)), zorder=2 if meth == "flow" else 3)
                    ax.plot(S[-1, 0], S[-1, 1], color=METHOD_COLORS[meth], zorder=4, **LAST_MARKER)
                ax.plot(*START_LINE[:2], zorder=5, **START_MARKER)
                ax.plot(0, 0, "*", color="black", ms=10, zorder=6)
                ax.set_xlabel("θ (generator's translation along the line)")
                ax.set_ylabel("ψ1 (D's slope along the line)")
                ax.set_title(f"{name}, {reg}\ntangential coordinates")
                ax.set_xlim(-2.6, 2.6)
                ax.set_ylim(-2.6, 2.6)
                ax.set_aspect("equal", adjustable="box")
                ax = axes[row, col + 1]
                t = np.linspace(0, STEPS * STEP, 200)
                closed_form_tube(ax, t, START_LINE[2] * np.exp(-g * t))
                for meth in ("gd", "flow"):
                    tr = trs[key, meth, g]
                    ax.plot(tr.times * STEP, tr.states[:, 2], color=METHOD_COLORS[meth], lw=1.0 if meth == "flow" else 1.6,
                            ls="-" if meth == "flow" else (0, (4, 3)), zorder=2 if meth == "flow" else 3)
                ax.set_ylim(-0.05, 1.0)
                ax.set_xlabel("time t (GD: t = k h)")
                ax.set_ylabel("ψ2 (D's slope across the line)")
                ax.set_title(f"{name}, {reg}\northogonal coordinate: " + ("ψ2 stays" if g == 0 else "ψ2 decays"))
        handles = [Line2D([], [], color=METHOD_COLORS["gd"], ls=(0, (4, 3)), label=f"simultaneous GD, h = {STEP:zg}"),
                   Line2D([], [], color=METHOD_COLORS["flow"], label=f"flow (Dormand–Prince, rtol = atol = {number_text(FLOW['rtol'])})"),
                   closed_form_handle(r"closed form ψ2(0) $e^{-\gamma t}$"),
                   Line2D([], [], label=f"start (θ, ψ1) = {START_LINE[:2]}", **START_MARKER),
                   Line2D([], [], color="0.35", label=LAST_STATE_LABEL, **LAST_MARKER),
                   Line2D([], [], color="black", marker="*", ms=10, ls="", label="equilibrium θ* = 0, ψ1 = 0")]
        fig.legend(handles=handles, loc="outside lower center", ncol=5)
        fig.suptitle(f"Generator on the data line from (θ, ψ1, ψ2) = {START_LINE}: without a penalty the gradient across "
                     f"the data (ψ2) never moves; with R1 (γ = {GAMMA:zg}) it decays like " r"$e^{-\gamma t}$")
        ctx.save(fig, "r1_manifold_trajectories",
                 "Trajectories (simultaneous GD h = 0.1 and the flow, t = 0…60) in tangential coordinates (ψ1 vs θ) "
                 "and the orthogonal one (ψ2 vs t), without and with R1; one data atom (Dirac-GAN-like tangential "
                 "rotation) and three atoms (the spread damps the tangential pair, not ψ2)")


def _figure_discriminator(ctx, trs, flds):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    times = (0.0, 6.0, 60.0)
    # (each row's name heads its row, left of it: in every panel's title, the third column's ran under the colour bar)
    rows = [("line3", 0.0, "generator on the line\nno regularizer"),
            ("line3", GAMMA, f"generator on the line\nR1 γ = {GAMMA:zg}"),
            ("free3", 0.0, "generator free in the plane\nno regularizer"),
            ("free3", GAMMA, f"generator free in the plane\nR1 γ = {GAMMA:zg}")]
    # the window a little wider than the atoms' reach (the generated atom at x1 = 2 at t = 0 sat on the frame, half
    # outside: a figure review)
    lim = 2.25
    x = np.linspace(-lim, lim, 181)
    X1, X2 = np.meshgrid(x, x)
    vmax = 2.0
    with canvas(len(rows), len(times), figsize=(10.4, 12.6)) as (fig, axes):
        a = np.asarray(POSITIONS)
        for r, (key, g, label) in enumerate(rows):
            tr = trs[key, "flow", g]
            free = key == "free3"
            for c, t in enumerate(times):
                k = round(t / STEP)
                z = tr.states[np.searchsorted(tr.times, k)]
                th1, th2 = (z[0], z[1]) if free else (z[0], 0.0)
                p1, p2 = z[-2], z[-1]
                D = p1 * X1 + p2 * X2
                ax = axes[r, c]
                # filled bands 0.25 wide, the middle one (white) centred on D = 0 so that a flat D shows one colour
                im = ax.contourf(X1, X2, D, levels=np.linspace(-vmax - 0.125, vmax + 0.125, 18), cmap="RdBu_r",
                                 extend="both")
                if np.ptp(D) > 0.5:  # contours of a (numerically) flat D would only draw round-off
                    # (solid below 0 too: matplotlib dashes negative levels, which read as the dashed data line, a
                    # figure reviewer's finding)
                    ax.contour(X1, X2, D, levels=np.linspace(-3, 3, 13), colors="0.25", linewidths=0.5,
                               negative_linestyles="solid")
                ax.axhline(0, color="black", lw=1.0, ls="--")
                # clip_on=False: an atom on the frame (x1 = 2 at t = 0) is drawn whole, not cut in half
                ax.plot(a, np.zeros_like(a), "o", mfc="white", mec="black", ms=8, label="data atoms (on x2 = 0)",
                        clip_on=False, zorder=5)
                ax.plot(a + th1, np.full_like(a, th2), "X", color=CLOSED_FORM_COLOR, mec="black", ms=7, label="generated atoms",
                        clip_on=False, zorder=6)
                ax.set_title(f"t = {t:zg}: ψ = ({_num(p1)}, {_num(p2)})", fontsize="medium")
                ax.set_aspect("equal")
                ax.set_xlim(-lim, lim)
                ax.set_ylim(-lim, lim)
                ax.set_xticks([-2, -1, 0, 1, 2])
                ax.set_yticks([-2, -1, 0, 1, 2])
                if c == 0:  # (with the row's start: the two kinds of rows start from different points, and their
                    # t = 0 columns were compared as if they did not, the figure review)
                    z0 = tr.states[0]
                    th = f"({_num(z0[0])}, {_num(z0[1])})" if free else _num(z0[0])
                    ax.set_ylabel(f"{label}\nfrom θ = {th}, ψ = ({_num(z0[-2])}, {_num(z0[-1])})\n\nx2 (across the data)")
                if r == len(rows) - 1:
                    ax.set_xlabel("x1 (along the data line)")
        h, lab = axes[0, 0].get_legend_handles_labels()
        fig.legend(h, lab, loc="outside lower center", ncol=2)
        cb = fig.colorbar(im, ax=axes, shrink=0.5, pad=0.01)
        cb.set_ticks([-2.0, -1.0, 0.0, 1.0, 2.0])
        cb.set_label("D(x) = ψ1 x1 + ψ2 x2 (fakeness logit; bands of 0.25)")
        fig.suptitle("The discriminator over the plane along the flow (dashed: the data line x2 = 0; contours every 0.5)")
        ctx.save(fig, "r1_manifold_discriminator",
                 "D(x) over the plane at t = 0, 6, 60 along the flow.  Generator on the line: without R1, D ends "
                 "zero on the data but tilted across it (ψ2 stays 0.8); with R1 it flattens to 0.  Generator free: "
                 "without R1 the tilt pushes the generated atoms off the data line and they keep oscillating; with "
                 "R1 they return to the line and D flattens.  The two kinds of rows start from different points (each "
                 "row's label gives its start)")


def _figure_leave_line(ctx, trs, flds):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..plotting import LAST_MARKER, LAST_STATE_LABEL, METHOD_COLORS, START_MARKER, number_text, phase_portrait, slice_center
    fld = flds["free3"]
    with canvas(1, 3, figsize=(14.0, 4.7)) as (fig, axes):
        said: dict = {}  # the panels' notes, each once, in order
        for ax, g in ((axes[0], 0.0), (axes[1], GAMMA)):
            reg = "no regularizer" if g == 0 else f"R1, γ = {g:zg}"
            phase_portrait(fld, {"gamma": g}, plane=("theta2", "psi2"), xlim=(-1.6, 1.6), ylim=(-1.6, 1.6), n=31,
                           density=0.7,
                           trajectories=[(f"simultaneous GD, h = {STEP:zg}", trs["free3", "gd", g], METHOD_COLORS["gd"]),
                                         ("flow", trs["free3", "flow", g], METHOD_COLORS["flow"])],
                           title=f"(θ2, ψ2) plane, {reg}\n(streamlines: slice through θ1 = θ*, ψ1 = 0)", legend=False,
                           ax=ax, notes="attribute")  # (the notes once, in the caption: five lines over each panel)
            # (the portraits' notes that the runs leave the slice said once for both, below: in each panel's words, the
            # caption said it twice, "up to 0.523" and "up to 0.5", a figure review)
            said.update({f"{reg}: {n}": None for n in ax.portrait_notes if "the slice" not in n})
            ax.set_xlabel("θ2 (generated samples' distance from the data line)")
            ax.set_ylabel("ψ2 (D's slope across the line)")
        from matplotlib.lines import Line2D
        h = axes[0].get_legend_handles_labels()[0]
        h.append(Line2D([], [], label=f"start (θ2, ψ2) = ({START_FREE[1]:zg}, {START_FREE[3]:zg})", **START_MARKER))
        if axes[0].last_state_shown or axes[1].last_state_shown:  # (the runs' end dots: named, a figure review)
            h.append(Line2D([], [], color="0.35", label=LAST_STATE_LABEL, **LAST_MARKER))
        fig.legend(handles=h, loc="outside lower center", ncol=4)
        ax = axes[2]
        for g, ls in ((0.0, "-"), (GAMMA, "--")):
            for meth in ("gd", "flow"):
                tr = trs["free3", meth, g]
                E = tr.states[:, 1] ** 2 + tr.states[:, 3] ** 2
                reg = "no reg." if g == 0 else f"R1 γ = {g:zg}"
                ax.semilogy(tr.times * STEP, E, ls=ls, color=METHOD_COLORS[meth],
                            label=f"{'GD' if meth == 'gd' else 'flow'}, {reg}")
        ax.set_xlabel("time t (GD: k h)")
        t = trs["free3", "flow", GAMMA].times * STEP
        E0 = START_FREE[1] ** 2 + START_FREE[3] ** 2
        # (not a closed form of E, which obeys dE/dt = -2 gamma psi2^2 and oscillates about it: the mean decay of the
        # linearisation, its eigenvalues' real part -gamma/2 twice over, drawn from E(0); "closed form", a figure review)
        closed_form_tube(ax, t, E0 * np.exp(-GAMMA * t),
                         label=r"E(0) $e^{-\gamma t}$ (mean decay)")
        ax.set_ylabel("θ2² + ψ2² (orthogonal energy)")
        ax.set_title("Orthogonal energy: conserved by the flow without R1,\ngrows under GD, decays with R1")
        # the legend in the lower left, below the decaying R1 curves' start and left of their end (above them, a y
        # axis to 1e6 for data below 3 left four empty decades: a figure review)
        ax.set_ylim(top=30.0)
        ax.legend(loc="lower left", ncol=1, fontsize="small")
        # how far the runs move off the portraits' slice (θ1 = θ*, ψ1 = 0 through the equilibrium), in each panel
        others = [k for k, name in enumerate(fld.names) if name not in ("theta2", "psi2")]
        moved = {}
        for g in (0.0, GAMMA):
            c = slice_center(fld, {"gamma": g})
            moved[g] = max(float(np.max(np.abs(trs["free3", m, g].states[:, others] - c[others]))) for m in ("gd", "flow"))
        off = (f"In both panels GD and the flow leave the slice θ1 = θ*, ψ1 = 0 (the other coordinates move by up to "
               f"{number_text(moved[0.0], '.3g')} without a penalty, {number_text(moved[GAMMA], '.3g')} with R1): "
               "their projections are drawn over the slice's field." if any(v > 1e-9 for v in moved.values()) else "")
        fig.suptitle(f"Generator free to leave the line, start (θ1, θ2, ψ1, ψ2) = {START_FREE} (fakes start on the data): "
                     "the gradient across the data pushes them off")
        ctx.save(fig, "r1_manifold_leave_line",
                 "A generator that can leave the data line: the orthogonal pair (θ2, ψ2) rotates like the Dirac-GAN "
                 "without a penalty (flow: closed orbit, GD: outward spiral) and spirals in with R1. " + off
                 + (f" Notes: {'; '.join(said)}." if said else ""))


# ---------------------------------------------------------------------------------------------- the study
@register("r1-manifold", "R1 and the data manifold: the discriminator's gradient across data on a line",
          "Mescheder et al. 2018, §4 (R1, R2; Theorem 4.1); docs/math/r1-data-manifold.md",
          needs=("gandynamics.simulate", "game:data-line"), order=13)
def study(ctx):
    import sympy as sp
    from ..analysis import find_equilibrium, spectrum
    from ..field import VectorField
    from ..games import data_line
    from ..losses import get_loss
    from ..regularizers import R2
    fp, fpp = get_loss("standard").derivatives_at_zero()
    s = second_moment_sum()
    ctx.param(game="data-line (standard loss)", one_atom="data and generator atom at the origin",
              three_atoms=f"data at x1 = {POSITIONS}, generator a translated copy (theta* = 0)",
              r1_gamma=GAMMA, gd_step=STEP, steps=STEPS, flow="Dormand–Prince 5(4), rtol = atol = 1e-12",
              start_line=START_LINE, start_free=START_FREE, f_prime_0=fp, f_second_0=fpp, s=s)
    ctx.check("f'(0), f''(0) of the standard loss", [fp, fpp], [0.5, -0.25], "docs/mathematics.md §1.1", tol=1e-15)
    flds = fields()
    gsym = sp.Symbol("gamma", real=True)

    # --- symbolic structure: psi2 does not enter the unregularized game; R1 at gamma = 0 is that game
    for key, kw in (("line1", {}), ("line3", {"positions": POSITIONS}), ("free3", {"positions": POSITIONS, "leave_line": True})):
        bare = VectorField(data_line(**kw), [])
        same = all(sp.simplify(a.subs(gsym, 0) - b) == 0 for a, b in zip(flds[key].F, bare.F))
        ctx.check(f"{key}: R1 field at γ = 0 equals the unregularized field (symbolic)", same, True, SRC + " §2",
                  passed=same)
        if key != "free3":
            ctx.check(f"{key}: F_ψ2 of the unregularized game is identically 0 (symbolic)", str(bare.F[2]), "0",
                      SRC + " §2", passed=bare.F[2] == 0)
            ctx.check(f"{key}: F_ψ2 with R1 is γ ψ2 (symbolic)", str(flds[key].F[2]), "gamma*psi2", SRC + " §2",
                      passed=sp.simplify(flds[key].F[2] - gsym * flds[key].z[2]) == 0)
    r2 = VectorField(data_line(), [R2(gamma=GAMMA)])
    same = all(sp.simplify(a - b) == 0 for a, b in zip(flds["line1"].F, r2.F))
    ctx.check("R2 field equals the R1 field for a linear D (symbolic)", same, True, SRC + " §2 (grad_x D = ψ for all x)",
              passed=same)

    # --- spectra against the closed forms (§4)
    rows = ["| game | γ | eigenvalues of J (computed) | closed form |", "|---|---|---|---|"]
    for key, leave, ss in (("line1", False, 0.0), ("line3", False, s), ("free3", True, s)):
        for g in (0.0, GAMMA):
            eig = spectrum(flds[key], {"gamma": g}).eigenvalues
            ref = closed_form(fp, fpp, g, ss, leave)
            ctx.check(f"{key}, γ = {g:zg}: eigenvalues of J vs closed form (max matched error)", match_error(eig, ref), 0.0,
                      SRC + " §4" + (" (Dirac-GAN pair, M18 §4)" if key == "line1" else ""), tol=1e-12)
            rows.append(f"| {key} | {g:zg} | {_fmt_eigs(eig)} | {_fmt_eigs(ref)} |")
    ctx.table("\n".join(rows))
    r2eig = spectrum(r2).eigenvalues
    ctx.check(f"line1 + R2 γ = {GAMMA:zg}: eigenvalues vs -γ/2 ± sqrt(γ²/4 - f'(0)²), -γ", match_error(r2eig, closed_form(fp, fpp, GAMMA, 0.0, False)),
              0.0, SRC + " §4; docs/mathematics.md §1.7", tol=1e-12)
    # the zero eigenvalue's eigenvector is the psi2 axis
    J0 = flds["line3"].eval_J(flds["line3"].equilibrium, {"gamma": 0.0})
    w, V = np.linalg.eig(J0)
    v0 = V[:, int(np.argmin(np.abs(w)))]
    ctx.check("line3, no regularizer: eigenvector of the zero eigenvalue, |component along ψ2|",
              float(abs(v0[2]) / np.linalg.norm(v0)), 1.0, SRC + " §4", tol=1e-12)

    # --- the equilibrium set (§3)
    fl = flds["line3"]
    res = [float(np.linalg.norm(fl.eval_F((0.0, 0.0, q), {"gamma": 0.0}))) for q in (-1.0, 0.5, 2.0)]
    ctx.check("line3, no regularizer: |F(θ*, 0, ψ2)| for ψ2 = -1, 0.5, 2 (a line of equilibria)", res, [0.0] * 3,
              SRC + " §3", tol=1e-15)
    res = [float(np.linalg.norm(fl.eval_F((0.0, 0.0, q), {"gamma": GAMMA}))) for q in (-1.0, 0.5, 2.0)]
    ctx.check(f"line3, R1 γ = {GAMMA:zg}: |F(θ*, 0, ψ2)| = γ|ψ2| (not equilibria unless ψ2 = 0)", res,
              [GAMMA * 1.0, GAMMA * 0.5, GAMMA * 2.0], SRC + " §2–§3", tol=1e-15)
    start = (0.4, -0.3, 0.7)
    z0, _ = find_equilibrium(fl, {"gamma": 0.0}, start=start)
    ctx.check(f"line3, no regularizer: root search from {start} stops on the line, ψ2 ≠ 0 kept",
              [z0[0], z0[1], z0[2]], [0.0, 0.0, 0.7], SRC + " §3 (ψ2 free; F does not depend on it)", tol=1e-9)
    z1, _ = find_equilibrium(fl, {"gamma": GAMMA}, start=start)
    ctx.check(f"line3, R1 γ = {GAMMA:zg}: root search from {start} finds the isolated (θ*, 0, 0)", z1, [0.0, 0.0, 0.0],
              SRC + " §3", tol=1e-9)

    # --- trajectories
    trs = trajectories(flds)
    for key in ("line1", "line3"):
        for meth in ("gd", "flow"):
            tr = trs[key, meth, 0.0]
            ctx.check(f"{key} {meth}, no regularizer: max |ψ2(t) - ψ2(0)| (conserved)",
                      float(np.max(np.abs(tr.states[:, 2] - START_LINE[2]))), 0.0, SRC + " §2 (F_ψ2 ≡ 0)", tol=1e-15)
        tr = trs[key, "flow", GAMMA]
        t = tr.times * STEP
        sel = t <= 30.0
        rate = -np.polyfit(t[sel], np.log(tr.states[sel, 2]), 1)[0]
        ctx.check(f"{key} flow, R1: measured decay rate of ψ2 (fit of log ψ2, t ≤ 30) vs γ", float(rate), GAMMA,
                  SRC + " §2 (ψ2(t) = ψ2(0) e^(−γt))", tol=1e-7)
        tr = trs[key, "gd", GAMMA]
        q = tr.states[1:, 2] / tr.states[:-1, 2]
        ctx.check(f"{key} GD, R1: max |ψ2_(k+1)/ψ2_k - (1 - hγ)| over {STEPS} steps", float(np.max(np.abs(q - (1 - STEP * GAMMA)))),
                  0.0, SRC + " §2", tol=1e-12)
    S = trs["line1", "flow", 0.0].states
    r2_ = S[:, 0] ** 2 + S[:, 1] ** 2
    ctx.check("line1 flow, no regularizer: max |θ² + ψ1² - 2| (the Dirac-GAN's circle)", float(np.max(np.abs(r2_ - 2.0))),
              0.0, "docs/mathematics.md §1.2 (M18 lemma)", tol=1e-8)
    # free generator: the orthogonal energy theta2^2 + psi2^2
    S = trs["free3", "flow", 0.0].states
    E = S[:, 1] ** 2 + S[:, 3] ** 2
    E0 = START_FREE[1] ** 2 + START_FREE[3] ** 2
    ctx.check("free3 flow, no regularizer: max |θ2² + ψ2² - E(0)| (conserved)", float(np.max(np.abs(E - E0))), 0.0,
              SRC + " §4 (d/dt E = -2γψ2²)", tol=1e-8)
    ctx.check("free3 flow, no regularizer: the fakes leave the data line (max |θ2| vs sqrt(E(0)))",
              float(np.max(np.abs(S[:, 1]))), math.sqrt(E0), SRC + " §4–§5 (θ2 reaches the orbit's radius)", tol=2e-3)
    from scipy.integrate import simpson
    S = trs["free3", "flow", GAMMA].states
    t = trs["free3", "flow", GAMMA].times * STEP
    E = S[:, 1] ** 2 + S[:, 3] ** 2
    ctx.check(f"free3 flow, R1 γ = {GAMMA:zg}: E(T) - E(0) vs -2γ ∫ψ2² dt (Simpson)", float(E[-1] - E[0]),
              float(-2 * GAMMA * simpson(S[:, 3] ** 2, x=t)), SRC + " §4", tol=1e-5)
    sel = t >= 20.0
    slope = float(np.polyfit(t[sel], np.log(E[sel]), 1)[0])
    ctx.check(f"free3 flow, R1 γ = {GAMMA:zg}: fitted decay rate of E (log-linear fit, t ≥ 20) vs 2 α = -γ "
              "(α = spectral abscissa of the orthogonal pair)", slope, -GAMMA, SRC + " §4 (oscillation of E biases the fit)",
              tol=0.01)
    S = trs["free3", "gd", 0.0].states
    b = np.asarray(POSITIONS)
    tj = S[:-1, 2:3] * (S[:-1, 0:1] + b[None, :]) + (S[:-1, 3] * S[:-1, 1])[:, None]
    Sk = np.mean(_sigmoid(-tj), axis=1)  # S = sum_j u_j f'(t_j), f'(t) = sigmoid(-t)
    E = S[:, 1] ** 2 + S[:, 3] ** 2
    err = float(np.max(np.abs(E[1:] / (E[:-1] * (1 + STEP**2 * Sk**2)) - 1)))
    ctx.check("free3 GD, no regularizer: max rel. error of E_(k+1) = E_k (1 + h² S_k²) (outward spiral)", err, 0.0,
              SRC + " §4", tol=1e-12)
    ctx.check("free3 GD, no regularizer: E grows (final / initial)", float(E[-1] / E[0]), "> 1", SRC + " §4",
              passed=bool(E[-1] > E[0]))

    # --- figures
    loci = _figure_spectra(ctx, flds, fp, fpp)
    for key, leave in (("line3", False), ("free3", True)):
        g, w, orth = loci[key]
        err_o = err_t = 0.0
        for gi, wi, oi in zip(g, w, orth):
            ref = closed_form(fp, fpp, gi, s, leave)
            err_t = max(err_t, match_error(wi[~oi], ref[:2]))
            err_o = max(err_o, match_error(wi[oi], ref[2:]))
        what = "ψ2: -γ" if not leave else "(θ2, ψ2): -γ/2 ± sqrt(γ²/4 - f'(0)²)"
        ctx.check(f"{key}: orthogonal eigenvalues (by eigenvector) vs {what}, max error over {len(g)} γ in [0, 1.2]",
                  err_o, 0.0, SRC + " §4", tol=1e-12)
        ctx.check(f"{key}: tangential eigenvalues (by eigenvector) vs -c/2 ± sqrt(c²/4 - f'(0)²), c = γ - f''(0)s, "
                  f"max error over {len(g)} γ", err_t, 0.0, SRC + " §4", tol=1e-12)
    _figure_trajectories(ctx, trs, fp)
    _figure_discriminator(ctx, trs, flds)
    _figure_leave_line(ctx, trs, flds)
    ctx.note("R1 and R2 coincide here: for a linear D the input gradient ψ is the same at every x, so "
             "E_pD|∇x D|² = E_pθ|∇x D|² = |ψ|².  They differ only for discriminators whose input gradient varies.")
