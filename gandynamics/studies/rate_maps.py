r"""Rate maps of the R1-regularized Dirac-GAN over (gamma, h) for GD, EG and EFTP: the exact local rate
(spectral radius of the linearised iteration, docs/mathematics.md §5.4), its ``rho = 1`` contour, and rates measured
by a sweep of simulated trajectories on top.  For GD the contour is checked against the closed-form
stability limit ``h = gamma / f'(0)^2`` (``gamma <= 2 f'(0)``; M17 lemma, docs/mathematics.md §1.9).
"""

from __future__ import annotations

import numpy as np

from .._palette import CYAN  # (tab:cyan darkened to 3.5:1 on white: tab:cyan was 2.26:1)
from .base import register

GAMMA = np.linspace(0.02, 2.0, 67)
STEP = np.linspace(0.02, 5.0, 84)
SWEEP_GAMMA = np.array([0.3, 0.7, 1.2, 1.8])
SWEEP_STEP = np.array([0.3, 1.0, 2.0, 3.2])
SWEEP_START = (0.3, 0.3)
SWEEP_STEPS = 600
METHODS = ("gd", "eg", "eftp")


def contour_h(G, H, R, level=1.0):
    """The vertices ``(gamma, h)`` of the ``rho = level`` contour of a grid (contourpy, as matplotlib)."""
    import contourpy
    lines = contourpy.contour_generator(G, H, R).lines(level)
    return np.vstack(lines) if lines else np.empty((0, 2))


@register("rate-maps", "Local rate over (γ, h) for GD, EG and EFTP on the R1 Dirac-GAN, with measured sweep rates",
          "Mescheder et al. 2017 lemma (step limit, docs/mathematics.md §1.9); docs/mathematics.md §5.4 (exact local rates)",
          needs=("gandynamics.simulate", "gandynamics.analysis.rates"), order=70)
def study(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from scipy.optimize import brentq
    from ..analysis.rates import local_rate
    from ..field import VectorField
    from ..games import dirac
    from ..plotting import rate_colorbar, rate_grid, rate_map
    from ..regularizers import R1
    from ..simulate import sweep
    fld = VectorField(dirac(), [R1()])
    ctx.param(game="dirac (standard loss) + R1", gamma=f"{GAMMA.size} values in [{GAMMA[0]:zg}, {GAMMA[-1]:zg}]",
              step=f"{STEP.size} values in [{STEP[0]:zg}, {STEP[-1]:zg}]",
              sweep=f"gamma {SWEEP_GAMMA.tolist()} x h {SWEEP_STEP.tolist()}, start {SWEEP_START}, {SWEEP_STEPS} steps")
    with canvas(1, 3, figsize=(14.5, 4.3)) as (fig, axes):
        grids = {}
        key = {}  # label -> handle, each once, from the three panels
        for ax, m in zip(axes, METHODS):
            R = rate_grid(fld, m, GAMMA, STEP)
            grids[m] = R
            sw = sweep(fld, m, inits=np.array([SWEEP_START]), grid={"gamma": SWEEP_GAMMA, "step": SWEEP_STEP},
                       steps=SWEEP_STEPS, progress=False)
            ctx.provenance(fld, method=m, options={"grid": {"gamma": SWEEP_GAMMA, "step": SWEEP_STEP}},
                           steps=SWEEP_STEPS, start=SWEEP_START, kind="sweep",
                           per_row={"gamma": "gamma", "step_g": "step_g", "step_d": "step_d"})
            g, h, r = np.asarray(sw["gamma"]), np.asarray(sw["step_g"]), np.asarray(sw["rate"], float)
            div = np.asarray(sw["diverged"], bool)
            r = np.where(div, np.inf, r)
            # a run that neither converged nor diverged (settled on a cycle where rho > 1) has no rate to compare: a cross
            shown = np.where(np.asarray(sw["verdict"]) == "bounded, not converging", np.nan, r)
            rate_map(fld, m, GAMMA, STEP, rho=R, measured=(g, h, shown), title=f"{m.upper()}: local rate ρ(γ, h)", ax=ax,
                     colorbar=False)  # one shared colour scale, one colorbar for the three panels
            # one key for the three panels: theirs, each under its panel, were of three widths and GD's, placed by
            # hand, touched its "γ" (a figure review)
            leg = ax.get_legend()
            if leg is not None:
                for hd, tx in zip(leg.legend_handles, leg.get_texts()):
                    key.setdefault(tx.get_text(), hd)
                leg.remove()
            if m == "gd":
                gg = np.linspace(0, 1.0, 50)
                ln, = ax.plot(gg, gg / 0.25, ls=(0, (4, 2.5)), color=CYAN, lw=1.1, zorder=5,
                              label="GD: closed form h = γ/f'(0)²")
                key[ln.get_label()] = ln
            pred = np.array([local_rate(m, fld.eval_DF(np.zeros(2), {"gamma": gi}), hi) for gi, hi in zip(g, h)])
            ok = (pred < 0.99) & ~div
            err = float(np.max(np.abs(r[ok] - pred[ok]))) if np.any(ok) else np.nan
            ctx.check(f"{m}: measured (sweep) vs local rate at the {int(ok.sum())} convergent sweep points with ρ < 0.99",
                      err, 0.0, "simulate.sweep vs rates.local_rate", tol=5e-3)
            dist = np.asarray(sw["distance"], float)
            bad = pred > 1.01
            conv = bad & ~div & (dist < 1e-2)
            ctx.check(f"{m}: sweep points with ρ > 1.01 that converged (final distance < 1e-2; expected none)",
                      int(np.sum(conv)), 0, "docs/mathematics.md §0.1 (ρ > 1: the equilibrium repels; the nonlinear run diverges "
                                            "or settles on a cycle)", passed=bool(np.sum(conv) == 0))
        fig.legend(handles=list(key.values()), labels=list(key), loc="outside lower center", ncol=len(key))
        rate_colorbar(axes)
        fig.suptitle("Dirac-GAN + R1: exact local rate over (γ, h); black: ρ = 1; squares: rates measured by a sweep")
        ctx.save(fig, "rate_maps_dirac_r1", "Local rate of GD, EG and EFTP over (γ, h) for the R1 Dirac-GAN; ρ = 1 "
                                            "contour in black; measured sweep rates as squares (same colour scale)")
    # GD stability limit: closed form h = gamma / f'(0)^2 (gamma <= 2 f'(0) = 1)
    V = contour_h(GAMMA, STEP, grids["gd"])
    sel = (V[:, 0] <= 0.95) & (V[:, 0] >= 0.05)
    dev = float(np.max(np.abs(V[sel, 1] - V[sel, 0] / 0.25)))
    ctx.check("GD: ρ = 1 contour of the grid vs h = γ/f'(0)² (max deviation, γ ∈ [0.05, 0.95])", dev, 0.0,
              "docs/mathematics.md §1.9 (M17 lemma)", tol=float(STEP[1] - STEP[0]))
    for gq in (0.2, 0.5, 0.8):
        A = fld.eval_DF(np.zeros(2), {"gamma": gq})
        hq = brentq(lambda h: local_rate("gd", A, h) - 1.0, 1e-3, 10.0, xtol=1e-14)
        ctx.check(f"GD: root of ρ(h) = 1 at γ = {gq} vs γ/f'(0)²", hq, gq / 0.25, "docs/mathematics.md §1.9", tol=1e-8)
    gq = 0.5
    A = fld.eval_DF(np.zeros(2), {"gamma": gq})
    hs = gq / 0.5  # optimal step gamma / (2 f'(0)^2), docs/mathematics.md §1.9
    ctx.check("GD: ρ at h* = γ/(2f'(0)²) vs sqrt(1 - γ²/(4f'(0)²)) (γ = 0.5)", local_rate("gd", A, hs),
              float(np.sqrt(1 - gq**2 / (4 * 0.25))), "docs/mathematics.md §1.9", tol=1e-12)
