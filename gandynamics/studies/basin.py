r"""Certified convergence regions (docs/math/basin-and-pep.md §1) and tight worst-case rates (§2).

On the Dirac-GAN with the asymmetric scheme in reading (R-a) (Tikhonov eps on the generator, R1 gamma; the
anchor 0 is the equilibrium: an oracle choice), ``mu(r) = min(eps - r^2/4, gamma)`` on the ball of radius r
(docs/mathematics.md §4.4), so the largest strongly monotone ball has radius ``2 sqrt(eps)`` and the ball with
``mu > m`` radius ``2 sqrt(eps - m)``.  :func:`gandynamics.analysis.basin.basin` certifies these radii by
bisection, and for GD, EG and EFTP the invariant ball of starts with its certified rate; the figure draws the
balls on the phase portrait with trajectories from inside (each iterate checked against ``rate^k``) and from
outside.  A table gives the certified regions of several games with, where PEPit is installed, the tight
worst-case rate of performance estimation beside the certified one.
"""

from __future__ import annotations

import math

import numpy as np

from .base import GUARD_SECONDS, register

EPS, GAMMA, MARGIN = 0.3, 1.0, 0.1
#: the shade of the invariant ball of starts in the figure: a light grey under the streamlines, no method's colour
INVARIANT_FILL = "0.87"


def draw_ball(ax, center, radius, plane=(0, 1), **kw):
    """Draw the circle ``|z - center| = radius`` of a ball in the (plane) coordinates on ``ax`` (its
    intersection with the plane through the centre), as a line (its legend entry a line in its style); returns it."""
    c = np.asarray(center, float)
    t = np.linspace(0.0, 2.0 * np.pi, 721)
    line, = ax.plot(c[plane[0]] + radius * np.cos(t), c[plane[1]] + radius * np.sin(t), **kw)
    return line


@register("basin", "Certified convergence regions (largest strongly monotone ball, invariant ball, certified rate) "
          "and tight worst-case rates",
          "docs/math/basin-and-pep.md (Gorbunov, Taylor & Gidel 2022; Taylor, Hendrickx & Glineur 2017; PEPit)",
          needs=("gandynamics.simulate", "gandynamics.analysis.basin"), order=65)
def study(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..analysis import pep
    from ..analysis.basin import basin, monotone_radius
    from ..field import VectorField
    from ..games import make_game
    from ..plotting import METHOD_COLORS, convergence, describe, phase_portrait, steps_text
    from ..regularizers import Asymmetric, Tikhonov
    from ..simulate import simulate
    ctx.param(game="dirac (standard loss)", regularizer=f"asymmetric R-a: eps = {EPS}, gamma = {GAMMA}, anchor 0 "
              "(= the equilibrium: an oracle choice)", margin=MARGIN, rtol=1e-3,
              methods="gd, eg, eftp at the theorem's steps (gd mu/L^2, eg and eftp 1/(4L))")
    fld = VectorField(make_game("dirac"), [Asymmetric(eps=EPS, gamma=GAMMA, reading="generator-tikhonov")])
    rad0 = monotone_radius(fld, max_seconds=GUARD_SECONDS)  # (box-limited: see GUARD_SECONDS)
    ctx.check("dirac R-a: largest certified strongly monotone ball vs 2 sqrt(ε)", rad0[0], 2 * math.sqrt(EPS),
              "docs/mathematics.md §4.4: mu(r) = min(ε - r²/4, γ)", tol=2e-3, rel=True)
    ctx.check("dirac R-a: the certified radius never exceeds the true one", rad0[0], 2 * math.sqrt(EPS),
              "a certificate is never wrong", passed=bool(rad0[0] <= 2 * math.sqrt(EPS)))
    radm = monotone_radius(fld, margin=MARGIN, max_seconds=GUARD_SECONDS)
    ctx.check(f"dirac R-a: largest ball with certified μ > {MARGIN} vs 2 sqrt(ε - {MARGIN})", radm[0],
              2 * math.sqrt(EPS - MARGIN), "docs/mathematics.md §4.4", tol=2e-3, rel=True)
    reports = {m: basin(fld, m, margin=MARGIN, radius=radm, max_seconds=GUARD_SECONDS) for m in ("gd", "eg", "eftp")}
    lim = 1.6
    # neutral greys and line styles for the runs and the balls: in the method colours, green and orange runs and a pink
    # ball here meant other things than the green EG and pink EFTP of the convergence figure below (a figure review)
    inside_style, outside_style = ("0.1", "-"), ("0.1", (0, (4, 2.2)))
    ball_grey = "0.35"
    with canvas(1, 3, figsize=(14.5, 5.9)) as (fig, axes):
        angles_in = np.linspace(0, 2 * np.pi, 6, endpoint=False) + 0.3
        conv = []
        rates = {}
        shown = []
        for ax, (m, rep) in zip(axes, reports.items()):
            zs = rep.equilibrium
            trs = []
            worst = 0.0
            holds = True
            for a in angles_in:
                z0 = zs + 0.98 * rep.radius * np.array([math.cos(a), math.sin(a)])
                tr = simulate(fld, m, z0, 300, rep.step, equilibrium=zs)
                k = tr.times
                holds &= bool(np.all(tr.distance <= tr.distance[0] * rep.rate ** k * (1 + 1e-9) + 1e-15))
                holds &= bool(np.all(tr.distance <= rep.radius * (1 + 1e-12)))
                worst = max(worst, float(tr.rate))
                trs.append(("inside", tr) + inside_style)
            ctx.check(f"{m}: every iterate from 6 starts in B_r obeys |z_k - z*| <= rate^k |z_0 - z*| and stays in B_r "
                      "(computed: worst measured rate)", worst, rep.rate, "analysis.basin (docs/math/basin-and-pep.md §1)", passed=holds)
            outs = []
            for a, rr in ((0.2, 1.5), (2.4, 1.45), (4.0, 1.4)):
                z0 = zs + rr * np.array([math.cos(a), math.sin(a)])
                outs.append(("outside", simulate(fld, m, z0, 300, rep.step, equilibrium=zs)) + outside_style)
            phase_portrait(fld, xlim=(-lim, lim), ylim=(-lim, lim), n=31, density=0.6,
                           # (each its own hidden label: runs of one label and colour are drawn in shades of it)
                           trajectories=[(f"_{lab} {k}", tr, c, ls) for k, (lab, tr, c, ls) in enumerate(trs + outs)],
                           title=f"{m.upper()}: h = {rep.step:z.4g}, r = {rep.radius:z.4f}\ncertified ρ ≤ {rep.rate:z.4f}",
                           ax=ax, legend=False)
            shown.append(ax.last_state_shown)
            draw_ball(ax, zs, rad0[0], ls=":", color=ball_grey, lw=1.5, zorder=2.4)
            draw_ball(ax, zs, rep.region_radius, ls="-.", color=ball_grey, lw=1.5, zorder=2.2)
            # the invariant ball shaded, under the streamlines: where it is the whole μ > 0.1 ball (gd) the dash-dotted
            # circle is its edge, no second circle to interleave with it
            ax.add_patch(plt.Circle(tuple(zs[:2]), rep.radius, facecolor=INVARIANT_FILL, edgecolor="none", zorder=0.5))
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_aspect("equal")
            lab = m.upper()  # (the title says where it starts: "start in $B_r$" here was undefined, a new user)
            # each method in its colour (METHOD_COLORS); eg and eftp coincide on the log scale: the one drawn last is
            # marked on the other by convergence(), so that both show (a dotted eg under eftp's line was hidden)
            conv.append((lab, trs[0][1], METHOD_COLORS[m]))
            rates[lab] = rep.rate
        conv.sort(key=lambda item: item[0].startswith("EG"))
        # one key for the three panels (each had its own, alike but for the invariant ball's radius: a figure review)
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        from ..plotting import portrait_handles

        def radii(values):
            v = {f"{x:z.4f}" for x in values}
            return v.pop() if len(v) == 1 else ", ".join(f"{x:z.4f} ({mm.upper()})" for mm, x in zip(reports, values))
        handles = [Line2D([], [], color=inside_style[0], ls=inside_style[1], lw=1.5, label="run from inside $B_r$"),
                   Line2D([], [], color=outside_style[0], ls=outside_style[1], lw=1.5, label="run from outside"),
                   *portrait_handles(last=any(shown)),
                   Line2D([], [], ls=":", color=ball_grey, lw=1.5, label=f"μ > 0 certified: R = {rad0[0]:z.4f}"),
                   Line2D([], [], ls="-.", color=ball_grey, lw=1.5,
                          label=f"μ > {MARGIN} certified: R = {radii([r.region_radius for r in reports.values()])}"),
                   Patch(facecolor=INVARIANT_FILL, edgecolor="none",
                         label="invariant ball $B_r$ of starts: r = " + radii([r.radius for r in reports.values()]))]
        fig.legend(handles=handles, loc="outside lower center", ncol=4)
        fig.suptitle(f"Dirac-GAN, asymmetric R-a (ε = {EPS}, γ = {GAMMA}): certified balls; trajectories from starts "
                     "inside the invariant ball (shaded) solid, from outside dashed")
        same = [m.upper() for m, rep in reports.items() if math.isclose(rep.radius, rep.region_radius, rel_tol=1e-9)]
        same_text = f"; for {' and '.join(same)} the whole μ > 0.1 ball" if same else ""
        ctx.save(fig, "basin_dirac", "Certified strongly monotone balls (dotted: μ > 0; dash-dotted: μ > 0.1) and the "
                 f"invariant ball of starts (shaded{same_text}) of GD, EG and EFTP, with trajectories from inside (solid) "
                 "and outside (dashed)")
    with canvas(figsize=(8.0, 4.2)) as (fig, ax):
        # (the game and the steps in the title, as every convergence figure's: it named neither, a figure review)
        steps = {m.upper(): float(rep.step) for m, rep in reports.items()}
        convergence(conv, rates=rates, anchor=0.0, ax=ax, legend="outside", rate_kind="certified",
                    title=f"{describe(fld)}, {steps_text(steps, '.4g')} (the theorem's steps): distance from a start on the "
                          "invariant ball; dashed, in a shade of each method's colour: certified rate (an upper bound)")
        # (certified lines that lie on one another are one line of alternating dashes: the key's words for it, here
        # too; the caption said nothing of EG's and EFTP's, a figure review)
        shared = "".join(f"; {words}" for _, words in ax.coinciding_rates)
        ctx.save(fig, "basin_dirac_convergence", "Distances of one trajectory per method against the certified rate "
                 f"(dashed, in a shade of the method's colour){shared}")

    # the table: certified regions of several games, with the tight worst case of PEP beside the certified rate
    cases = [("dirac, R-a ε = 0.3, γ = 1", fld, {}),
             ("quadratic a = 0.3, b = 1, c = 0.5", VectorField(make_game("quadratic", a=0.3, b=1.0, c=0.5)), {}),
             ("bilinear + Tikhonov 0.2 on both", VectorField(make_game("bilinear"), [Tikhonov(eps=0.2),
                                                                                       Tikhonov(eps=0.2, on="discriminator")]), {}),
             ("lq-wgan (assumed example), R-a ε = 0.5, γ = 1, oracle anchor",
              VectorField(make_game("lq-wgan"), [Asymmetric(eps=0.5, gamma=1.0, anchor="1,0", reading="R-a")]),
              {"rtol": 1e-2})]
    have_pep = pep.available()
    lines = [f"Certified convergence regions: the largest balls with certified μ > {MARGIN}; rate per step on |z_k - z*| from every "
             "start in B_r.  tight = worst case over all μ-strongly monotone, L-Lipschitz operators by performance "
             "estimation (PEPit; eftp: worst average factor over 8 steps)" + ("" if have_pep else
             f" — {pep.INSTALL_HINT}") + ".", "",
             "| game | method | R (constants) | r (starts) | μ | L | step h | certified rate | tight (PEP) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for label, f, kw in cases:
        margin = MARGIN
        rad = radm if f is fld else monotone_radius(f, margin=margin, max_seconds=GUARD_SECONDS, **kw)
        for m in ("gd", "eg", "eftp"):
            rep = basin(f, m, margin=margin, radius=rad, max_seconds=GUARD_SECONDS)
            tight = pep.tight_rate_column([{"method": m, "step": rep.step}], rep.mu, rep.L)[0] if rep.certified else "-"
            if isinstance(tight, float):
                # the PEP value carries the solver's slack (pep.MAX_SLACK in tau, ~1e-7 in the rate at most): for gd it
                # equals the certified rate up to that, so the comparison allows 1e-6 relative, and says so
                ctx.check(f"{label}, {m}: tight worst case <= certified rate (up to 1e-6 relative: the PEP value "
                          "carries the SDP solver's slack)", tight, rep.rate,
                          "PEP (docs/math/basin-and-pep.md §2) vs analysis.basin", tol=1e-6,
                          passed=bool(tight <= rep.rate * (1 + 1e-6)))
            t = f"{tight:z.6f}" if isinstance(tight, float) else ("-" if tight == "-" else "n/a")
            lines.append(f"| {label} | {m} | {rep.region_radius:z.5g} | {rep.radius:z.5g} | "
                         f"{rep.mu:z.5g} | {rep.L:z.5g} | {rep.step:z.5g} | {rep.rate:z.6f} | {t} |")
    ctx.table("\n".join(lines))
    ctx.note("Why the balls are invariant: GD contracts |z - z*| using the constants on [z, z*] only; EG's extrapolated "
             "point lies within (1 + hL)|z - z*| of z*, hence r = R/(1 + hL); EFTP's potential |z_k - z*|² + "
             "2hL|z_k - w_(k-1)|² decreases and |w_k - z*| <= r + hLR <= R for r = R(1 - hL) "
             "(docs/math/basin-and-pep.md §1.2–1.4).")
    ctx.note("lq-wgan is an assumed academic example, not the paper's; its Tikhonov anchor at the equilibrium is an "
             "oracle choice.")
