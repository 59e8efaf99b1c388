r"""Nie & Patel (2019), JARE: on their Gaussian example (game ``jare-gaussian``: data ``N(v, sigma^2 I)``,
``v = (0, 2)``, ``sigma = 0.7``, ``G = phi + z``, linear D), the eigenvalues and the phase and conditioning
factors of ``J`` under simultaneous GD, consensus optimization, the Nagarajan–Kolter penalty
(``eta = gamma/2``) and JARE as gamma varies (docs/mathematics.md §3.2–3.4), plus GD convergence curves at each
method's optimal step with the predicted rate.
"""

from __future__ import annotations

import numpy as np

from .._palette import OKABE_ITO, TOL
from .base import register

GAMMAS = np.logspace(-2, 1, 31)
G_CURVES = 1.0
#: one colour per method in every panel (SimGD, consensus, NK, JARE); consensus Tol's dark yellow (Okabe and Ito's
#: orange was 2.25:1 on white, a faint line: a figure review)
COLORS = (OKABE_ITO["blue"], TOL["dark-scheme dark yellow"], OKABE_ITO["bluish green"], OKABE_ITO["vermillion"])
#: the convergence figure's names of the curves whose short names the factor panels use
CURVE_NAMES = {"SimGD (none)": "simultaneous GD (no regularizer)"}
#: panel (a)'s rows of real eigenvalues: each method's this many points above the next one's, the four centred on Im = 0
REAL_ROWS = 7.0


def _regs(gamma=1.0):
    from ..regularizers import JARE, Consensus, NagarajanKolter
    return {"SimGD (none)": None, "consensus (γ)": Consensus(gamma=gamma),
            "Nagarajan–Kolter (η = γ/2)": NagarajanKolter(eta=gamma / 2), "JARE (γ)": JARE(gamma=gamma)}


def closed_form_eigs(method: str, gamma: float, c=0.5, k=0.5, sigma=0.7, vnorm2=4.0):
    """Roots of the per-direction characteristic polynomials of docs/mathematics.md §3.4 for ``d = sigma^2`` and
    ``d = sigma^2 + |v|^2`` (standard loss: ``c = k = 1/2``)."""
    out = []
    for d in (sigma**2, sigma**2 + vnorm2):
        if method.startswith("SimGD"):
            p = [1, k * d, c * c]
        elif method.startswith("consensus"):
            p = [1, k * d + 2 * gamma * c * c + gamma * k * k * d * d, c * c * (1 + gamma * k * d + gamma**2 * c * c)]
        elif method.startswith("Nagarajan"):
            p = [1, k * d + gamma * c * c, c * c]
        else:
            p = [1, k * d + 2 * gamma * c * c, c * c * (1 + gamma**2 * c * c)]
        out.extend(np.roots(p))
    return np.sort_complex(np.array(out, dtype=complex))


@register("jare-factors", "Nie & Patel's Gaussian example: eigenvalues, phase factor and condition number vs γ; GD "
          "convergence",
          "Nie & Patel 2019 (JARE), §3 analysis of eq. (3) (phase and conditioning factors); docs/mathematics.md §3.2–3.4",
          needs=("game:jare-gaussian",), order=30)
def study(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..field import VectorField
    from ..games import make_game
    from ..plotting import ZERO_LINE_COLOR, _legend_outside, factor_data, factors
    game = make_game("jare-gaussian")
    ctx.param(game="jare-gaussian: n = 2, v = (0, 2), σ = 0.7, standard loss (Gauss–Hermite order 3)",
              gamma=f"{len(GAMMAS)} log-spaced values in [0.01, 10]", nk="eta = gamma/2 (docs/mathematics.md §0.3)",
              convergence=f"simultaneous GD at each method's optimal step, γ = {G_CURVES:zg}, start = equilibrium + (0.3, -0.2, 0.1, 0.2)")
    data = factor_data(game, _regs(), "gamma", GAMMAS)
    with canvas(1, 3, figsize=(14.0, 4.4)) as (fig, axes):
        ax = axes[0]
        i1 = int(np.argmin(np.abs(GAMMAS - 1.0)))
        markers = {"SimGD (none)": "s", "consensus (γ)": "o", "Nagarajan–Kolter (η = γ/2)": "^", "JARE (γ)": "D"}
        # the real eigenvalues in a row per method, REAL_ROWS points apart on the page (four methods' near -0.12 and
        # three near -2.2 lay on one another, nested markers of sizes falling in the order drawn hid the small ones:
        # the figure review); consensus filled and JARE hollow (orange and vermillion are near)
        from matplotlib.transforms import offset_copy
        for k, ((label, d), col) in enumerate(zip(data.items(), COLORS)):
            e = d["eigenvalues"][i1]
            real = np.abs(e.imag) <= 1e-12 * np.maximum(1.0, np.abs(e))
            hollow = label.startswith(("SimGD", "JARE"))
            style = dict(s=46, marker=markers[label], edgecolors=col, linewidths=1.4 if hollow else 0.8,
                         facecolors="none" if hollow else col, zorder=3 + k)
            ax.scatter(e.real[~real], e.imag[~real], label=label, **style)
            up = REAL_ROWS * (1.5 - k)
            row = offset_copy(ax.transData, fig=fig, y=up, units="points")
            ax.scatter(e.real[real], e.imag[real], transform=row, clip_on=False, **style)
            for x in e.real[real]:  # (a stem from Im = 0 to its row: the rows are not values of Im λ)
                ax.annotate("", xy=(x, 0.0), xytext=(0.0, up), textcoords="offset points", zorder=2,
                            arrowprops={"arrowstyle": "-", "color": col, "lw": 0.8, "shrinkA": 0, "shrinkB": 0})
        ax.axhline(0, color=ZERO_LINE_COLOR, lw=0.8)
        ax.axvline(0, color=ZERO_LINE_COLOR, lw=0.8)
        # Re λ on a symmetric log scale, linear within 0.5 of 0: consensus's eigenvalue near -7.7 stretched a linear
        # axis so that the cluster near 0 (the four methods' eigenvalues within 0.5 of it) shrank to a tenth of the
        # panel (the figure review)
        ax.set_xscale("symlog", linthresh=0.5, linscale=1.5)
        from ..plotting import number_text
        left = min(float(np.min(d["eigenvalues"][i1].real)) for d in data.values())
        ticks = [t for t in (-16, -8, -4, -2, -1, -0.5, -0.25, 0) if t >= 1.6 * left]
        ax.set_xticks(ticks, [number_text(t, "g") for t in ticks])
        ax.set_xlim(1.6 * left, 0.15)  # (room for the leftmost marker; nothing lies right of 0)
        ax.set_xlabel(r"Re $\lambda$ (linear within 0.5 of 0, logarithmic beyond)")
        ax.set_ylabel(r"Im $\lambda$")
        ax.set_title(f"(a) eigenvalues of J at the equilibrium, γ = {GAMMAS[i1]:zg}\n(the real ones in a row per method)")
        # below the axes' label, as panels (b) and (c) place theirs (fixed at -0.14 of the axes it covered "Re λ")
        _legend_outside(ax, loc="below", handles=ax.get_legend_handles_labels()[0])
        factors(game, None, "gamma", GAMMAS, which="phase", data=data, ax=axes[1], title="(b) phase factor",
                colors=COLORS)
        factors(game, None, "gamma", GAMMAS, which="singular", data=data, ax=axes[2], colors=COLORS,
                title=r"(c) singular-value condition number $\sigma_{\max}(J)/\sigma_{\min}(J)$")
        for a in axes[1:]:
            a.set_xscale("log")
        fig.suptitle("Nie & Patel 2019, Gaussian example (v = (0, 2), σ = 0.7): SimGD, consensus, NK and JARE")
        ctx.save(fig, "jare_factors", "JARE Gaussian example: eigenvalues of J at γ = 1 (a; the real ones drawn in a row "
                                      "per method, a few points apart), and the phase factor (b) and singular-value "
                                      "condition number σ_max(J)/σ_min(J) (c) against the regularization strength γ")
    # checks: eigenvalues vs closed-form characteristic polynomials (docs/mathematics.md §3.4) at gamma = 1 and 10
    for g in (1.0, 10.0):
        i = int(np.argmin(np.abs(GAMMAS - g)))
        for label, d in data.items():
            ctx.check(f"{label} at γ = {GAMMAS[i]:zg}: eigenvalues", np.sort_complex(d["eigenvalues"][i]),
                      closed_form_eigs(label, float(GAMMAS[i])), "docs/mathematics.md §3.4 (per-direction polynomials)", tol=1e-8)
    # the quantity of panel (c): sigma_max(J)/sigma_min(J), the plotted curves themselves
    s0 = float(np.linalg.cond(VectorField(game, []).eval_J(game.equilibrium)))  # independent: numpy's 2-norm cond
    sv = data["JARE (γ)"]["singular"]
    ctx.check("panel (c), JARE: σ_max/σ_min of J equals SimGD's for every γ (max relative difference)",
              float(np.max(np.abs(sv / s0 - 1))), 0.0, "docs/mathematics.md §3.4 (J_JARE = scaled rotation · J)", tol=1e-9)
    ctx.check("panel (c), SimGD curve: σ_max/σ_min vs numpy.linalg.cond(J)",
              float(np.max(np.abs(data["SimGD (none)"]["singular"] / s0 - 1))), 0.0, "numpy.linalg.cond", tol=1e-9)
    co = data["consensus (γ)"]["singular"]
    s_sim = data["SimGD (none)"]["singular"][0]
    ctx.check("panel (c): consensus worsens conditioning: κ(γ = 10) / κ(SimGD), κ = σ_max/σ_min", float(co[-1] / s_sim),
              "> 1", "docs/mathematics.md §3.4 (J_CO = J - γ JᵀJ: κ grows towards κ(J)²)", passed=bool(co[-1] > s_sim))
    nk = data["Nagarajan–Kolter (η = γ/2)"]["phase"]
    ctx.check("NK reduces the phase factor: ξ(γ = 10) / ξ(SimGD)", float(nk[-1] / data["SimGD (none)"]["phase"][0]),
              "< 1", "docs/mathematics.md §3.4", passed=bool(nk[-1] < data["SimGD (none)"]["phase"][0]))
    _curves(ctx, game)


def _curves(ctx, game):
    from ..plotting import canvas
    from ..analysis.rates import local_rate, optimal_step
    from ..field import VectorField
    from ..plotting import convergence
    try:
        from ..simulate import simulate
    except ImportError:
        ctx.note("convergence curves not drawn: gandynamics.simulate is missing")
        return
    import matplotlib.pyplot as plt
    trs, pred = [], {}
    z0 = None
    for (label, reg), col in zip(_regs(G_CURVES).items(), COLORS):
        fld = VectorField(game, [] if reg is None else [reg])
        zs = fld.equilibrium
        z0 = zs + np.array([0.3, -0.2, 0.1, 0.2])
        A = fld.eval_DF(zs)
        h, rho = optimal_step("gd", A)
        tr = simulate(fld, "gd", z0, 600, h)
        ctx.provenance(fld, method="gd", options={"step": float(h)}, steps=600, start=z0, curve=label)
        # (the unregularized run named as the title names the method: its key said "SimGD (none)" under a title of
        # "simultaneous GD", a figure review; the panels of jare_factors keep their short name)
        lab = f"{CURVE_NAMES.get(label, label)}, h* = {h:z.3g}"
        trs.append((lab, tr, col))
        pred[lab] = local_rate("gd", A, h)
        ctx.check(f"{label}: measured GD rate vs predicted local rate at h*", tr.rate, pred[lab],
                  "simulate vs rates.local_rate (docs/mathematics.md §5.4)", tol=5e-3)
    with canvas(figsize=(8.6, 4.2)) as (fig, ax):
        # (the legend below: beside the axes it took 45 % of the width, a figure review)
        convergence(trs, rates=pred, ax=ax, legend="below",
                    title=f"Nie & Patel Gaussian example: simultaneous GD at the optimal step, γ = {G_CURVES:zg}")
        ctx.save(fig, "jare_convergence", "Distance to the equilibrium under simultaneous GD at each method's optimal "
                                          "step; dashed: predicted local rate")
