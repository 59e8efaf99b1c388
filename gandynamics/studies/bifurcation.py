r"""Bifurcation studies (docs/math/bifurcations.md).

* ``stability-boundaries``: the stability region of GD, EG and EFTP for the R1 Dirac-GAN in the
  (gamma, h) plane, bounded by curves of Neimark–Sacker, flip and branch points (a multiplier +1) computed by two-parameter
  continuation (:func:`gandynamics.analysis.continuation.boundary_curve`), drawn over the exact local rate
  maps.  Checks: the GD Neimark–Sacker curve is ``h = gamma / f'(0)^2`` for ``gamma <= 2 f'(0)`` and the
  flip curve beyond it ``h = 2 / lambda_max`` (M17 lemma, docs/mathematics.md §1.9); on every boundary
  point the spectral radius of the iteration matrix (:func:`gandynamics.analysis.rates.local_rate`) is 1.
* ``hopf-cycle``: the non-saturating Dirac-GAN with R1: at ``gamma = 0`` a pair of eigenvalues of J
  crosses the imaginary axis with first Lyapunov coefficient ``-1/4`` (supercritical;
  docs/math/bifurcations.md §2.4); for ``gamma < 0`` (an anti-regularizer rewarding steep discriminator
  gradients) a stable limit cycle surrounds the repelling equilibrium.  Amplitude and period of the cycle
  (shooting) against the normal-form prediction, with Floquet multipliers.
"""

from __future__ import annotations

import math

import numpy as np

from .._palette import OKABE_ITO, TOL
from .base import register

GAMMA = np.linspace(0.02, 2.0, 67)
STEP = np.linspace(0.02, 5.0, 84)
METHODS = ("gd", "eg", "eftp")
SEED_GAMMAS = (0.3, 0.8, 1.3, 1.9)
FP0 = 0.5  # f'(0) of the standard loss
#: the continued curves' colours: none of them in the rate map's red-blue scale (a blue Neimark-Sacker curve was lost on
#: the stable region's blue)
COLORS = {"neimark-sacker": OKABE_ITO["bluish green"], "flip": OKABE_ITO["reddish purple"], "fold": TOL["dark-scheme dark yellow"],
          "branch-point": TOL["dark-scheme dark yellow"]}  # (not Okabe and Ito's orange: 2.25:1 on white, faint)
#: and each kind its line style, so that the kinds are told apart without their colours (pink flip and orange branch
#: point curves read alike to colour-blind readers: a figure review)
STYLES = {"neimark-sacker": "-", "flip": (0, (2.2, 1.1)), "fold": (0, (2.2, 0.8, 0.5, 0.8)),
          "branch-point": (0, (2.2, 0.8, 0.5, 0.8))}
#: the rate maps under the curves faded this much towards white, over this span of the map's colours (the curves were
#: lost on the full red and blue: a figure review)
MAP_FADE, MAP_SPAN = 0.45, (0.15, 0.85)
#: the continued curves' width (points)
CURVE_WIDTH = 5.0
STYLE_WORDS = {"-": "solid", (0, (2.2, 1.1)): "dashed", (0, (2.2, 0.8, 0.5, 0.8)): "dash-dotted"}
#: the legend's name of each kind of curve (a map's branch point here: a multiplier +1 where z* does not turn, EG's
#: spurious fixed points crossing it)
NAMES = {"branch-point": "multiplier +1: branch point", "neimark-sacker": "Neimark–Sacker"}


def boundaries(fld, method):
    """The GD/EG/EFTP boundary curves in the figure's box, with the spectral radius at every point."""
    from ..analysis.continuation import stability_boundaries
    from ..analysis.rates import local_rate
    curves = stability_boundaries(fld, ("gamma", "h"), ((GAMMA[0], GAMMA[-1]), (STEP[0], STEP[-1])),
                                  method=method, seeds=SEED_GAMMAS, ds=0.03)
    out = []
    for c in curves:
        rho = np.array([local_rate(method, fld.eval_DF(z, {"gamma": g}), h) for z, g, h in zip(c.points, c.a1, c.a2)])
        out.append((c, c.on_boundary, rho))
    return out


@register("stability-boundaries",
          "Stability boundaries of GD, EG and EFTP for the R1 Dirac-GAN in (γ, h) by two-parameter continuation",
          "Mescheder et al. 2017 lemma (docs/mathematics.md §1.9); docs/math/bifurcations.md §3 (Kuznetsov 2004; MatCont)",
          needs=("gandynamics.analysis.continuation", "gandynamics.analysis.rates"), order=72)
def study_boundaries(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from ..field import VectorField
    from ..games import dirac
    from ..plotting import RATE_CMAP, faded_cmap, rate_colorbar, rate_grid, rate_map
    from ..regularizers import R1
    from matplotlib import patheffects
    fld = VectorField(dirac(), [R1()])
    ctx.param(game="dirac (standard loss) + R1", seeds=f"continuation in h at gamma = {list(SEED_GAMMAS)}",
              box=f"gamma in [{GAMMA[0]:zg}, {GAMMA[-1]:zg}], h in [{STEP[0]:zg}, {STEP[-1]:zg}]",
              rate_grid=f"{GAMMA.size} x {STEP.size}")
    with canvas(1, 3, figsize=(15, 5.4)) as (fig, axes):
        all_curves = {}
        kinds = set()
        for ax, m in zip(axes, METHODS):
            R = rate_grid(fld, m, GAMMA, STEP)
            rate_map(fld, m, GAMMA, STEP, rho=R, title=f"{m.upper()}: stability boundaries over ρ(γ, h)", ax=ax,
                     colorbar=False, cmap=faded_cmap(RATE_CMAP, MAP_FADE, MAP_SPAN))  # one colour scale and one legend for the three panels (below)
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            curves = boundaries(fld, m)
            all_curves[m] = curves
            for c, on, _ in curves:
                kinds.add(c.kind)
                col = COLORS[c.kind]
                seg = np.where(on, c.a2, np.nan)
                # under the grid's black rho = 1 contour (zorder 3): the two agree, and the contour shows along the curve
                # (drawn over it, the contour the legend names was nowhere to be seen)
                # (edged in white: the dashes show on either side of the contour, on the pale map's red and blue)
                ax.plot(c.a1, seg, color=col, lw=CURVE_WIDTH, ls=STYLES.get(c.kind, "-"), zorder=2.5,
                        path_effects=[patheffects.withStroke(linewidth=CURVE_WIDTH + 1.6, foreground="white")])
                other = np.where(c.genuine & ~on, c.a2, np.nan)
                # dotted in the curve's colour on a white line: on the unstable region's dark red the dots alone were
                # nowhere to be seen (the figure review)
                ax.plot(c.a1, other, color="white", lw=2.6, alpha=0.85, zorder=5.9, solid_capstyle="round")
                ax.plot(c.a1, other, color=col, lw=1.4, ls=":", zorder=6)
            if m == "gd":
                gg = np.linspace(0.0, 2 * FP0, 12)  # (few: 40 circles covered the solid curve, which then read as dotted)
                # (white, edged in black as the key draws them: white circles were keyed black, and on white alone
                # they were not to be seen, a figure review)
                ax.plot(gg, gg / FP0**2, ls="none", marker="o", ms=3.5, mfc="white", mec="black", mew=0.8, zorder=7)
            for c, on, rho in curves:
                if on.any():
                    ctx.check(f"{m}: spectral radius on the {c.kind} boundary ({int(on.sum())} points) equals 1",
                              float(np.max(np.abs(rho[on] - 1))), 0.0, "rates.local_rate at the continued points", tol=1e-8)
        # one legend below the three panels (one per panel, each wider than its panel, set the gaps between them)
        # each entry drawn as the panels draw it: a continued curve is its thick colour with the black contour along
        # it (the swatches showed the colour alone, the panels a black line with coloured edges)
        contour = Line2D([], [], color="black", lw=1.4)
        handles = [Line2D([], [], color="black", lw=1.4)]
        # (the contour of a grid 67 x 84 runs within a cell of the continued curves, with the grid's kinks: EFTP's flip
        # curve read as a disagreement of the two, a figure reviewer's finding)
        labels = ["ρ = 1 (grid contour, to a grid cell)"]
        for k in sorted(kinds):
            handles.append((Line2D([], [], color=COLORS[k], lw=CURVE_WIDTH, ls=STYLES.get(k, "-")), contour))
            labels.append(f"{NAMES.get(k, k)} (continuation, {STYLE_WORDS[STYLES.get(k, '-')]}), with the contour along it")
        # (on a swatch of the unstable region's red, as the panels show it: a grey dotted line on the key's white did
        # not look like the white-edged dots on red it names, a new user)
        from matplotlib.patches import Patch
        unstable = faded_cmap(RATE_CMAP, MAP_FADE, MAP_SPAN)(1.0)
        handles.append((Patch(facecolor=unstable, edgecolor="none"), Line2D([], [], color="white", lw=2.6, alpha=0.85),
                        Line2D([], [], color="0.3", lw=1.4, ls=":")))
        labels.append("crossing inside the unstable region (dotted, in the curve's colour)")
        handles.append(Line2D([], [], ls="none", marker="o", ms=3.5, mfc="white", mec="black", mew=0.8))
        labels.append("GD: h = γ/f'(0)² (closed form)")
        fig.legend(handles=handles, labels=labels, loc="outside lower center", ncol=3, handlelength=4.0)
        rate_colorbar(axes)
        fig.suptitle("R1 Dirac-GAN: stability regions of GD, EG and EFTP bounded by continued Neimark–Sacker, flip "
                     "and multiplier +1 (branch point) curves (thick), over the exact local rate")
        ctx.save(fig, "stability_boundaries_dirac_r1",
                 "Stability boundaries in (γ, h) by two-parameter continuation (thick lines where they bound the "
                 "stable region: Neimark–Sacker solid, flip dashed, branch point dash-dotted; dotted where a multiplier "
                 "crosses inside the unstable region) over the local-rate maps, faded towards white")
    # closed forms for GD (M17 lemma, docs/mathematics.md §1.9)
    ns = [(c, on) for c, on, _ in all_curves["gd"] if c.kind == "neimark-sacker"]
    fl = [(c, on) for c, on, _ in all_curves["gd"] if c.kind == "flip"]
    if ns:
        c, on = ns[0]
        sel = on & (c.a1 <= 2 * FP0)
        dev = float(np.max(np.abs(c.a2[sel] - c.a1[sel] / FP0**2) / (c.a1[sel] / FP0**2)))
        ctx.check(f"GD Neimark–Sacker curve vs h = γ/f'(0)² (max relative deviation, {int(sel.sum())} points, "
                  f"γ ∈ [{c.a1[sel].min():z.3g}, {c.a1[sel].max():z.3g}])", dev, 0.0, "docs/mathematics.md §1.9 (M17 lemma)",
                  tol=1e-9)
        if fl:  # both bounding parts end where the complex pair of DF turns real: the 1:2 resonance, multipliers -1, -1
            corner = np.array([2 * FP0, 2 / FP0])
            gap = max(min(np.linalg.norm(np.column_stack([cc.a1, cc.a2])[o][end] - corner) for end in (0, -1))
                      for cc, o in (ns[0], fl[0]))
            ctx.check("GD Neimark–Sacker and flip boundaries meet at the 1:2 resonance (γ, h) = (2 f'(0), 2/f'(0)) "
                      "(largest distance of either's nearest end; the switch located to 1e-6)", float(gap), 0.0,
                      "DF's eigenvalue pair turns real at γ = 2 f'(0): 1 - h f'(0) = -1", tol=1e-5)
    else:
        ctx.check("GD Neimark–Sacker curve found", False, True, "continuation", passed=False)
    if fl:
        c, on = fl[0]
        sel = on & (c.a1 > 2 * FP0 + 1e-9)
        lmax = c.a1[sel] / 2 + np.sqrt(c.a1[sel] ** 2 / 4 - FP0**2)
        dev = float(np.max(np.abs(c.a2[sel] - 2 / lmax) / (2 / lmax)))
        ctx.check(f"GD flip curve vs h = 2/max|λ| (max relative deviation, {int(sel.sum())} points)", dev, 0.0,
                  "docs/mathematics.md §1.9: multiplier 1 - h λ_max = -1", tol=1e-9)
    else:
        ctx.check("GD flip curve found", False, True, "continuation", passed=False)


@register("hopf-cycle",
          "Hopf bifurcation of the non-saturating Dirac-GAN flow at γ = 0 (R1) and the limit cycle born there",
          "Kuznetsov 2004 §3.4–3.5 (normal form, Lyapunov coefficient); docs/math/bifurcations.md §2, §4",
          needs=("gandynamics.analysis.cycles",), order=74)
def study_hopf(ctx):
    from ..plotting import canvas, legible_cmap, number_text
    import matplotlib.pyplot as plt
    from ..analysis.continuation import continuation
    from ..analysis.cycles import continue_cycle, cycle_from_hopf, hopf_prediction
    from ..field import VectorField
    from ..games import dirac
    from ..regularizers import R1
    fld = VectorField(dirac(loss="non-saturating"), [R1()])
    br = continuation(fld, "gamma", 0.3, -0.3)
    if br.ended == "interrupted":  # (a study's numbers are of whole branches: a Ctrl-C stops the study)
        raise KeyboardInterrupt
    hopf = [e for e in br.events if e.type == "hopf"]
    ctx.param(game="dirac (non-saturating loss) + R1", branch="gamma from 0.3 to -0.3",
              cycles="gamma from -0.005 to -0.3 (shooting, continued)")
    if not hopf:
        ctx.check("Hopf point located", False, True, "continuation", passed=False)
        return
    H = hopf[0]
    ctx.check("Hopf point: γ", H.value, 0.0, "J(0) = [[0, -f'(0)], [f'(0), -γ]]: trace -γ", tol=1e-12)
    ctx.check("Hopf point: frequency ω", H.extra["frequency"], FP0, "ω = f'(0) (docs/mathematics.md §1.2)", tol=1e-12)
    ctx.check("first Lyapunov coefficient l1 (Kuznetsov normalisation <q, q> = 1)", H.extra["lyapunov"], -0.25,
              "docs/math/bifurcations.md §2.4 (closed form -1/4: supercritical)", tol=1e-10)
    gam = -np.concatenate([[0.005], np.linspace(0.01, 0.3, 30)])
    first = cycle_from_hopf(fld, "gamma", H.value, gam[0])
    cyc = continue_cycle(fld, "gamma", gam[1:], first)
    if cyc.interrupted:
        raise KeyboardInterrupt
    g = np.array([c.params["gamma"] for c in cyc])
    amp = np.array([c.amplitude for c in cyc])
    per = np.array([c.period for c in cyc])
    preds = [hopf_prediction(fld, "gamma", H.value, gi) for gi in g]
    pamp = np.array([p["amplitude"] for p in preds])
    pper = np.array([p["period"] for p in preds])
    ctx.check(f"cycles found and continued ({len(cyc)} of {len(gam)})", len(cyc), len(gam), "shooting", tol=0)
    ctx.check("all cycles orbitally stable (supercritical Hopf)", all(c.stable for c in cyc), True,
              "Floquet multipliers", passed=all(c.stable for c in cyc))
    small = np.abs(g) <= 0.03
    ctx.check("amplitude: |measured/predicted - 1| / |γ| for |γ| <= 0.03 (normal form error is O(γ))",
              float(np.max(np.abs(amp[small] / pamp[small] - 1) / np.abs(g[small]))), 0.0,
              "Kuznetsov 2004 §3.5 (the normal form is exact to leading order)", tol=0.3)
    ctx.check("period at γ = -0.005: shooting vs normal form 2π/(ω(γ) + Im c1 |w|²)", per[0], pper[0],
              "docs/math/bifurcations.md §4.2", tol=1e-4, rel=True)
    mu = np.delete(cyc[0].multipliers, cyc[0].trivial_index)[0].real
    ctx.check("non-trivial Floquet multiplier at γ = -0.005 vs exp(-2 Re λ(γ) T)", mu,
              math.exp(-2 * preds[0]["alpha"] * per[0]), "normal form r' = α r + Re c1 r³ linearised at the cycle",
              tol=2e-3, rel=True)
    with canvas(1, 3, figsize=(15, 4.4)) as (fig, axes):
        ax = axes[0]
        # the equilibrium z* = 0 is stable for gamma > gamma_H (trace of J = -gamma), unstable below
        ax.plot([H.value, br.values.max()], [0, 0], color="k", lw=2, label="equilibrium, stable")
        ax.plot([br.values.min(), H.value], [0, 0], color="k", lw=1.5, ls="--", label="equilibrium, unstable")
        ax.plot(g, amp, "o", color=OKABE_ITO["vermillion"], ms=4, label="limit cycle (shooting), stable")
        gg = -np.geomspace(1e-5, abs(g.min()), 80)
        ax.plot(gg, [hopf_prediction(fld, "gamma", H.value, gi)["amplitude"] for gi in gg], color=OKABE_ITO["blue"], lw=1.3,
                label="normal-form prediction")
        ax.axvline(H.value, color="gray", lw=0.8, ls=":")
        ax.annotate("Hopf, l₁ = −1/4", (H.value, 0), (0.03, 0.8), arrowprops={"arrowstyle": "->"})
        ax.set_xlabel("R1 strength γ")
        ax.set_ylabel("amplitude  max‖z(t) − z*‖")
        ax.set_title("bifurcation diagram")
        ax.legend(fontsize="small", loc="upper right")
        ax = axes[1]
        ax.plot(g, per, "o", color=OKABE_ITO["vermillion"], ms=4, label="period (shooting)")
        ax.plot(g, pper, color=OKABE_ITO["blue"], lw=1.3, label="normal form 2π/(ω(γ) + Im c₁|w|²)")
        ax.axhline(2 * math.pi / FP0, color="gray", lw=0.8, ls=":", label="2π/ω at the Hopf point")
        ax.set_xlabel("R1 strength γ")
        ax.set_ylabel("period T")
        ax.set_title("period of the cycle")
        ax.legend(fontsize="small")
        ax = axes[2]
        # one quantity varies along the cycles: their γ on a colour bar, each drawn cycle's γ a tick with its
        # non-trivial Floquet multiplier |μ| (a seven-entry legend for a gradient: the figure review)
        from matplotlib.colors import Normalize
        # (viridis as far as its colours keep 3:1 on white, about 0.6: its yellow end was hard to read on white, a
        # reviewer's finding, and its green from 0.6 to 0.8, 3.0:1 to 1.9:1, was faint too, a figure review)
        cmap = legible_cmap("viridis")
        drawn = cyc[::5]
        gs = [c.params["gamma"] for c in drawn]
        norm = Normalize(min(gs), max(gs))
        for c in drawn:
            orb = np.vstack([c.orbit, c.orbit[:1]])
            ax.plot(orb[:, 0], orb[:, 1], color=cmap(norm(c.params["gamma"])), lw=1.4)
        ax.plot([0], [0], "*", color="black", ms=9, zorder=6, ls="",
                label="equilibrium (0, 0), unstable for γ < 0")  # (the star of every portrait; a '+' here was read as a cycle's centre mark)
        cb = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.02)
        cb.set_ticks(gs, labels=[f"{number_text(g, '.3g')}  (|μ| = {abs(np.delete(c.multipliers, c.trivial_index)[0]):z.3f})"
                                 for g, c in zip(gs, drawn)])
        cb.set_label("R1 strength γ  (|μ|: the cycle's multiplier)")
        cb.ax.minorticks_off()
        ax.set_aspect("equal")
        ax.set_xlabel("θ")
        ax.set_ylabel("ψ")
        ax.set_title("cycles (non-trivial Floquet multiplier μ)")
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14))  # (below: inside it hid the outer cycles)
        fig.suptitle("Non-saturating Dirac-GAN + R1: supercritical Hopf at γ = 0 and the stable limit cycle for γ < 0")
        ctx.save(fig, "hopf_cycle_dirac_ns", "Bifurcation diagram (amplitude and period of the cycle vs γ, "
                                             "shooting vs normal form) and the cycles in the (θ, ψ) plane")
    ctx.table("| γ | period (shooting) | period (normal form) | amplitude (shooting) | amplitude (normal form) |\n"
              "|---|---|---|---|---|\n" + "\n".join(
                  f"| {gi:z.3g} | {pi:z.6g} | {qi:z.6g} | {ai:z.6g} | {bi:z.6g} |"
                  for gi, pi, qi, ai, bi in list(zip(g, per, pper, amp, pamp))[::5]))
