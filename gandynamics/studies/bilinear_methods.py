r"""The bilinear game ``min_x max_y x y`` under simultaneous GD, alternating GD, extragradient,
EFTP / OGDA and alternating GD with negative momentum (Gidel et al. 2019, NegMom), with the closed-form
rates of docs/mathematics.md §5.5.
"""

from __future__ import annotations

import math

import numpy as np

from .base import register

H = 0.3
H_MOM, BETA = 0.5, -0.5
START = (1.0, 1.0)
STEPS = 300


def _methods():
    """(label, method, step, options, closed-form rate or None, source)."""
    from ..plotting import method_text  # (the label's β with the minus sign −, as every title and key names options)
    sq = math.sqrt
    return [
        ("simultaneous GD", "gd", H, {}, sq(1 + H * H), "docs/mathematics.md §5.5: sqrt(1 + h²)"),
        ("alternating GD", "altgd", H, {}, 1.0, "docs/mathematics.md §5.5: 1 for h ≤ 2"),
        ("extragradient", "eg", H, {}, sq(1 - H * H + H**4), "docs/mathematics.md §5.5: sqrt(1 - h² + h⁴)"),
        ("EFTP", "eftp", H, {}, sq((1 + sq(1 - 4 * H * H)) / 2), "docs/mathematics.md §5.5: sqrt((1 + sqrt(1 - 4h²))/2)"),
        ("OGDA", "ogda", H, {}, sq((1 + sq(1 - 4 * H * H)) / 2), "docs/mathematics.md §5.3, §5.5 (same spectrum as EFTP)"),
        (method_text("alt. GD + momentum", {"beta": BETA}), "momentum", H_MOM, {"beta": BETA, "alternating": True}, 0.962543703197,
         "docs/mathematics.md §5.5 (h = 0.5, β = -0.5)"),
    ]


@register("bilinear", "Bilinear game x·y: GD, alternating GD, EG, EFTP/OGDA, alternating GD with negative momentum",
          "Gidel et al. 2019 (VI-GAN; Negative Momentum); Daskalakis et al. 2018; docs/mathematics.md §5.5",
          needs=("gandynamics.simulate",), order=80)
def study(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..analysis.rates import local_rate
    from ..field import VectorField
    from ..games import bilinear
    from ..plotting import METHOD_COLORS, convergence, describe, phase_portrait, steps_text
    from ..simulate import simulate
    fld = VectorField(bilinear(1.0), [])
    A = fld.eval_DF(np.zeros(2))
    ctx.param(game="bilinear, B = 1 (min_x max_y x y)", start=START, steps=STEPS, step_h=H,
              momentum=f"alternating, h = {H_MOM}, β = {BETA}")
    with canvas(2, 3, figsize=(12.0, 8.0)) as (fig, axes):
        trs, pred = [], {}
        shown = []  # (each panel's last state seen, or under the star)
        for ax, (label, meth, h, opts, closed, src) in zip(axes.ravel(), _methods()):
            tr = simulate(fld, meth, START, STEPS, h, **opts)
            ctx.provenance(fld, method=meth, options={"step": h, **opts}, steps=STEPS, start=START)
            key = "altmomentum" if opts.get("alternating") else meth
            rho = local_rate(key, A, h, n_theta=1, beta=opts.get("beta", 0.0))
            col = METHOD_COLORS.get("momentum" if meth == "momentum" else meth, None)
            lab = f"{label}, h = {h:zg}"  # (the title's names, the key's: the title said "GD, alt. GD, EG", a review)
            trs.append((lab, tr, col))
            pred[lab] = rho
            phase_portrait(fld, xlim=(-3, 3), ylim=(-3, 3), n=31, density=0.7, trajectories=[(label, tr, col)],
                           title=f"{label}, h = {h:zg}: ρ = {rho:z.4f}", ax=ax, legend=False)
            shown.append(ax.last_state_shown)
            ctx.check(f"{label}: local rate (rates module) vs closed form", rho, closed, src, tol=1e-9)
            if meth in ("eg", "eftp", "ogda", "momentum"):
                ctx.check(f"{label}: measured rate vs predicted", tr.rate, rho, "simulate vs rates.local_rate", tol=2e-3)
            if meth == "gd":
                r = tr.distance
                ctx.check("simultaneous GD: |z_k| = |z_0| (1 + h²)^(k/2) exactly (linear field)",
                          float(np.max(np.abs(r / (r[0] * (1 + H * H) ** (np.arange(r.size) / 2)) - 1))), 0.0,
                          "docs/mathematics.md §5.5", tol=1e-12)
            if meth == "altgd":
                x, y = tr.states.T
                Q = x * x + y * y - h * x * y
                ctx.check("alternating GD: Q = x² + y² - h x y conserved (max |Q - Q0|)", float(np.max(np.abs(Q - Q[0]))), 0.0,
                          "derived: the altGD map [[1, -h], [h, 1 - h²]] has det 1 and preserves Q (verified in tests)",
                          tol=1e-12)
        from ..plotting import portrait_handles
        fig.legend(handles=portrait_handles(last=any(shown)), loc="outside lower center", ncol=3)  # (one key for the six
        # panels; a last state's dot where one is seen)
        fig.suptitle(r"Bilinear game $\min_x \max_y\, x y$ from (1, 1): six methods")
        ctx.save(fig, "bilinear_methods", "Bilinear game: trajectories of six methods over the field v = (-y, x)")
    with canvas(figsize=(8.4, 5.6)) as (fig, ax):
        # the legend's six long entries below the plot (beside it they took 45 % of the width)
        # (the game and the steps in the title, as every convergence figure's: a figure review)
        steps = {label: h for label, _, h, _, _, _ in _methods()}
        convergence(trs, rates=pred, ax=ax, title=f"{describe(fld)} game " + r"$\min_x \max_y\, x y$" +
                    f", {steps_text(steps)}: distance to 0 and predicted rates (dashed)",
                    legend="below")
        ctx.save(fig, "bilinear_convergence", "Bilinear game: distance to the equilibrium against iteration; dashed: the "
                                              "local rate ρ of each method")
