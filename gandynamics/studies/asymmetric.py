r"""The asymmetric scheme (Giagtzoglou, Winands & Franci 2026) under EFTP, on the Dirac-GAN (§4.4) and on
the LQ-WGAN (§4.5; an assumed academic example, not the paper's): trajectories and distances for unregularized /
Tikhonov only / penalty only / both in reading (R-a) ``generator-tikhonov`` of docs/mathematics.md §4.3, with
the predicted local rate, a table of certified brackets for mu and L on a ball around the equilibrium with the
EFTP bound ``sqrt(1 - h mu)`` at ``h = 1/(4L)`` (the generic theorem for mu-strongly monotone, L-Lipschitz
operators, docs/mathematics.md §4.6, §5.3 -- not the paper's own constant), and rows for the
``discriminator-only`` reading (R-b, the library's default), where ``mu_loc = 0`` (no strong monotonicity, so
no bound) and EFTP still converges: predicted (local) and measured rates.

The paper's body was not available: the operator is the reconstruction of docs/mathematics.md §4.3.  The
R-a Tikhonov anchor is placed at the generator's equilibrium value: an oracle choice (it needs z*); under R-b
the anchor 0 is the discriminator's equilibrium value of these games, so nothing is assumed there.
"""

from __future__ import annotations

import math

import numpy as np

from .._display import bound
from .._palette import OKABE_ITO, TOL
from .base import GUARD_SECONDS, register

EPS, GAMMA = 0.1, 1.0
H = 0.2
STEPS = 600
RADIUS = 0.02


def _variants(anchor=0):
    """The five variants: none, each half and both of reading (R-a), and reading (R-b); the Tikhonov anchor is the generator's part of the unregularized
    equilibrium (an oracle choice), so that the regularized equilibrium does not move (the limit of the
    proximal "Tikhonov step"; docs/mathematics.md §4.3)."""
    from ..regularizers import R1, Asymmetric, Tikhonov
    # (the unregularized run black: its dark grey "0.3" was lost among the portraits' grey streamlines)
    return [("unregularized", [], "black"), (f"Tikhonov only (ε = {EPS}, oracle anchor)", [Tikhonov(eps=EPS, anchor=anchor)],
             TOL["dark-scheme dark yellow"]),  # (Okabe and Ito's orange was 2.25:1 on white: a faint line)
            (f"R1 only (γ = {GAMMA})", [R1(gamma=GAMMA)], OKABE_ITO["blue"]),
            (f"both, R-a (ε = {EPS}, γ = {GAMMA}, oracle anchor)",
             [Asymmetric(eps=EPS, gamma=GAMMA, anchor=anchor, reading="generator-tikhonov")], OKABE_ITO["vermillion"]),
            (f"both, R-b discriminator-only (ε = {EPS}, γ = {GAMMA}; $\\mu_{{\\rm loc}}$ = 0)",
             [Asymmetric(eps=EPS, gamma=GAMMA, reading="discriminator-only")], OKABE_ITO["reddish purple"])]


def _rb_rows(ctx, game_name, model):
    """Rows of the discriminator-only reading (R-b): mu_loc = 0, no theorem, EFTP at the generic steps
    1/(4 L_loc) and 1/(2 L_loc); predicted = exact local rate (spectral radius, docs/mathematics.md §5.4), measured = simulated."""
    from ..analysis import asymmetric_local, find_equilibrium
    from ..analysis.rates import local_rate
    from ..field import VectorField
    from ..regularizers import Asymmetric
    from ..simulate import simulate
    lines = [f"**{game_name}, discriminator-only reading (R-b, the default)**: Tikhonov ε and the penalty both on "
             "the discriminator, anchor 0 = the discriminator's equilibrium value.  μ_loc = λ_min(sym DF(z*)) = 0: not "
             "strongly monotone, so the generic EFTP theorem gives no bound; EFTP still converges (the paper's "
             "headline claim, here on the reconstruction).", "",
             "| penalty | ε | γ | μ_loc | L_loc ≤ bound | step h | predicted (local) rate | measured rate |",
             "|---|---|---|---|---|---|---|---|"]
    n = len(model.params)
    for pen in ("r1", "r1+r2"):
        for eps, gamma in ((EPS, GAMMA), (0.5, 1.0)):
            fld = VectorField(model, [Asymmetric(eps=eps, gamma=gamma, penalty=pen)])
            out = asymmetric_local(fld)
            zs = find_equilibrium(fld)[0]
            A = fld.eval_DF(zs)
            ok = bool(out["L_loc"] <= out["L_loc_bound"] * (1 + 1e-12))
            ctx.check(f"{game_name} R-b ({pen}, ε = {eps:zg}, γ = {gamma:zg}): L_loc ≤ L_loc_bound = ||DF_u|| + ε + γ λ_max(G)",
                      out["L_loc"], out["L_loc_bound"], "docs/mathematics.md §4.3 (same-block bound)", passed=ok)
            # generic steps 1/(4 L_loc) and 1/(2 L_loc) (no theorem applies: mu_loc = 0); away from a defective
            # optimum, so the measured rate is a clean exponential
            for h in (1 / (4 * out["L_loc"]), 1 / (2 * out["L_loc"])):
                rho = local_rate("eftp", A, h)
                # ~8 decades of decay from |z0 - z*| ~ 0.6, staying well above rounding of z*
                steps = int(min(20000, max(60, math.ceil(8 * math.log(10) / -math.log(rho))))) if rho < 1 else 200
                tr = simulate(fld, "eftp", zs + np.full(n, 0.3), steps, h, equilibrium=zs)
                lines.append(f"| {pen} | {eps:zg} | {gamma:zg} | {out['mu_loc'] + 0.0:z.3g} | {out['L_loc']:z.5g} ≤ "
                             f"{out['L_loc_bound']:z.5g} | {h:z.5g} | {rho:z.6f} | {tr.rate:z.6f} |")
                ctx.check(f"{game_name} R-b ({pen}, ε = {eps:zg}, γ = {gamma:zg}, h = {h:z.4g}): μ_loc = 0, EFTP "
                          "converges (local rate < 1) at the predicted local rate", [out["mu_loc"], tr.rate], [0.0, rho],
                          "asymmetric_local (exact) vs 0; simulate vs rates.local_rate (docs/mathematics.md §5.4)",
                          tol=3e-3, passed=None if rho < 1 else False)
    ctx.table("\n".join(lines))


def _table(ctx, game_name, fields):
    from ..analysis.rates import rates
    lines = [f"**{game_name}**: EFTP at the theorem's step h = 1/(4 L_hi) where μ_lo > 0 (else at the locally "
             f"optimal step: no theorem applies); μ and L certified on the ball of radius {RADIUS} around the "
             "equilibrium (docs/mathematics.md §4.6, §5.3); measured = simulated EFTP from inside the ball.", "",
             "The bound is the generic EFTP theorem for μ-strongly monotone, L-Lipschitz operators "
             "(docs/mathematics.md §5.3), not the paper's own constant.", "",
             "| variant | μ bracket | L bracket | step h | EFTP bound sqrt(1 - hμ) | local rate | measured rate | bound holds |",
             "|---|---|---|---|---|---|---|---|"]
    out = {}
    for label, fld in fields:
        rows, info = rates(fld, ("eftp",), step="theory", region=f"ball:{RADIUS}", tol=1e-2,
                           max_seconds=GUARD_SECONDS)  # (box-limited: see GUARD_SECONDS)
        r = rows[0]
        mu, L = info["mu"], info["lipschitz"]
        f = lambda x: "—" if x is None else f"{x:z.6g}"
        lines.append(f"| {label} | [{bound(mu['lo'], 'lo', 5)}, {bound(mu['hi'], 'hi', 5)}] | "
                     f"[{bound(L['lo'], 'lo', 5)}, {bound(L['hi'], 'hi', 5)}] | {f(r.step)} | "
                     f"{f(r.bound) if r.bound is not None else 'none (μ ≤ 0)'} | {f(r.local_rate)} | {f(r.measured_rate)} | "
                     f"{'—' if r.bound_holds is None else ('yes' if r.bound_holds else 'NO')} |")
        out[label] = (r, info)
    ctx.table("\n".join(lines))
    return out


@register("asymmetric-eftp", "Asymmetric Tikhonov + zero-centred penalty scheme under EFTP on the Dirac-GAN and the "
          "LQ-WGAN (an assumed example, not the paper's)",
          "Giagtzoglou, Winands & Franci 2026 (reconstruction, docs/mathematics.md §4.3–4.6); lq-wgan is an assumed "
          "academic example",
          needs=("gandynamics.simulate", "gandynamics.analysis.rates", "gandynamics.analysis.constants",
                 "game:lq-wgan"), order=60)
def study(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..analysis import find_equilibrium, spectrum
    from ..analysis.rates import local_rate
    from ..field import VectorField
    from ..games import make_game
    from ..plotting import convergence, phase_portrait
    from ..simulate import simulate
    ctx.param(reading="(R-a) generator-tikhonov: Tikhonov eps on the generator, R1 gamma on the discriminator; "
                      "plus rows for (R-b) discriminator-only (the default reading)",
              tikhonov_anchor="R-a: the generator's equilibrium value (an oracle choice): dirac 0; lq-wgan (a, b) = "
                              "(s, m) = (1, 0); R-b: 0 (the discriminator's equilibrium value)",
              eftp_bound="the generic theorem for mu-strongly monotone, L-Lipschitz operators, not the paper's constant",
              lq_wgan_label="an assumed academic example, not the paper's",
              eps=EPS, gamma=GAMMA, method="EFTP", step_h=H, steps=STEPS, dirac_start=(1.0, 1.0),
              lq_wgan="m = 0, s = 1; start = equilibrium + (0.3, 0.3, 0.3, 0.3)", ball_radius=RADIUS)
    for game_name, start_off, stem, anchor in (("dirac", np.array([1.0, 1.0]), "asym_dirac", "0"),
                                               ("lq-wgan", np.full(4, 0.3), "asym_lq_wgan", "1,0")):
        model = make_game(game_name)
        fields, trs, pred = [], [], {}
        for label, regs, col in _variants(anchor):
            fld = VectorField(model, regs)
            zs = find_equilibrium(fld)[0]   # a fixed-anchor Tikhonov term moves it (docs/mathematics.md §4.3)
            tr = simulate(fld, "eftp", fld.equilibrium + start_off, STEPS, H, equilibrium=zs)
            A = fld.eval_DF(zs)
            rho = local_rate("eftp", A, H)
            fields.append((label, fld))
            trs.append((label, tr, col))
            pred[label] = rho
            if rho < 0.999:
                ctx.check(f"{game_name}, {label}: measured EFTP rate vs local rate (h = {H})", tr.rate, rho,
                          "simulate vs rates.local_rate (docs/mathematics.md §5.4)", tol=3e-3)
        if game_name == "dirac":
            # one panel per variant (four axes dropped the fifth, reading R-b, from the zip), in rows of three, the key
            # in the last cell (five in a row made a figure 17 inches wide, its text 4 pt at a page's width: a figure
            # review)
            cols = 3
            rows = -(-len(fields) // cols)
            with canvas(rows, cols, figsize=(3.6 * cols, 3.7 * rows + 0.6)) as (fig, grid):
                cells = list(np.ravel(grid))
                axes, spare = cells[:len(fields)], cells[len(fields):]
                for ax in spare:
                    ax.set_axis_off()
                shown = []
                for ax, (label, fld), (_, tr, col) in zip(axes, fields, trs, strict=True):
                    phase_portrait(fld, xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), n=31, density=0.7,
                                   trajectories=[("EFTP", tr, col)], title=label, ax=ax, legend=False)
                    for ln in ax.get_lines():  # (1.2 pt in a panel 3.5 in wide was hardly seen on the streamlines)
                        if ln.get_label() == "EFTP":
                            ln.set_linewidth(2.0)
                    shown.append(ax.last_state_shown)
                from matplotlib.lines import Line2D
                from ..plotting import portrait_handles
                # (no "last state" entry: every panel's lies under the star; the trajectories keyed, their colour the
                # panel's regularization: the key named the markers alone, a figure reviewer's finding)
                runs = Line2D([], [], color="0.25", lw=2.0, label="EFTP trajectory\n(its colour: the panel's\nregularization)")
                handles = [runs] + portrait_handles(last=any(shown))
                if spare:
                    spare[0].legend(handles=handles, loc="center", frameon=False)
                else:
                    fig.legend(handles=handles, loc="outside lower center", ncol=3)
                fig.suptitle(f"Asymmetric regularization (readings R-a and R-b) on the Dirac-GAN:\nEFTP trajectories, "
                             f"h = {H}, start (1, 1); the colours tell the regularizations apart (every run is EFTP)")
                ctx.save(fig, stem, "Dirac-GAN: streamlines of each regularized field with its EFTP trajectory")
        with canvas(figsize=(8.8, 4.4)) as (fig, ax):
            convergence(trs, rates=pred, ax=ax, legend="outside",
                        title=f"{game_name}{' (assumed example)' if game_name == 'lq-wgan' else ''}, EFTP h = {H}: "
                              "distance to each variant's own equilibrium; dashed: local rate")
            ctx.save(fig, stem + "_convergence", f"{game_name}: distance to the equilibrium under EFTP without "
                                                 "regularization, Tikhonov only, R1 only and both; predicted local rates dashed")
        tab = _table(ctx, game_name, fields)
        _rb_rows(ctx, game_name, model)
        if game_name == "dirac":
            # docs/mathematics.md §4.4: mu(r) = min(eps - r^2/4, gamma) on the ball of radius r (standard loss)
            r, info = tab[fields[3][0]]
            ctx.check("dirac asymmetric: certified μ bracket contains min(ε - r²/4, γ)", [info["mu"]["lo"], info["mu"]["hi"]],
                      min(EPS - RADIUS**2 / 4, GAMMA), "docs/mathematics.md §4.4",
                      passed=bool(info["mu"]["lo"] <= min(EPS - RADIUS**2 / 4, GAMMA) + 1e-12 <= info["mu"]["hi"] + 2e-12))
            # eigenvalues of DF_reg(0) = [[eps, f'], [-f', gamma]]: (eps+gamma)/2 ± sqrt((eps-gamma)^2/4 - f'^2)
            A = fields[3][1].eval_DF(np.zeros(2))
            ref = np.sort_complex(np.array([(EPS + GAMMA) / 2 + s * np.sqrt(complex((EPS - GAMMA) ** 2 / 4 - 0.25)) for s in (1, -1)]))
            ctx.check("dirac asymmetric: eigenvalues of DF(0)", np.sort_complex(np.linalg.eigvals(A)), ref, "docs/mathematics.md §4.4", tol=1e-12)
        else:
            A = fields[3][1].eval_DF(fields[3][1].equilibrium)
            ref = np.sort_complex(np.array([0.5 + 0.5j * math.sqrt(3), 0.5 - 0.5j * math.sqrt(3), 2, 2], dtype=complex))
            from ..regularizers import Asymmetric
            fb = VectorField(model, [Asymmetric(eps=EPS, gamma=GAMMA, anchor=0, reading="generator-tikhonov")])
            zb = find_equilibrium(fb)[0]
            ctx.check("lq-wgan asymmetric with anchor 0: a* = sqrt(1 - 2ε) (biased equilibrium)", zb[0], math.sqrt(1 - 2 * EPS),
                      "docs/mathematics.md §4.3, §4.5 (a fixed anchor biases the equilibrium)", tol=1e-9)
            Ab = fb.eval_DF(zb)
            mu0 = float(np.min(np.linalg.eigvalsh((Ab + Ab.T) / 2)))
            ctx.check("lq-wgan asymmetric with anchor 0: λ_min(sym DF) at the biased equilibrium", mu0, 0.0,
                      "derived here: w2* = ε/2 so the generator curvature -2 w2* + ε vanishes (docs/mathematics.md §4.5's "
                      "mu_loc = min(ε, γ λ_min(G)) needs the anchor at the equilibrium)", tol=1e-12)
            A = fields[3][1].eval_DF(fields[3][1].equilibrium)
            Gm = np.array([[1.0, 0.0], [0.0, 4.0]])  # G = [[1, 2m], [2m, 4(m^2 + s^2)]], m = 0, s = 1
            ctx.check("lq-wgan asymmetric (anchor at z*): λ_min(sym DF(z*)) vs min(ε, γ λ_min(G))",
                      float(np.min(np.linalg.eigvalsh((A + A.T) / 2))), min(EPS, GAMMA * float(np.min(np.linalg.eigvalsh(Gm)))),
                      "docs/mathematics.md §4.5", tol=1e-12)
            ctx.note("LQ-WGAN: with the Tikhonov anchor at 0 instead of the equilibrium, the equilibrium moves to "
                     "a* = sqrt(1 - 2ε), w2* = ε/2, where the generator's curvature -2 w2* cancels ε exactly: "
                     "λ_min(sym DF) = 0 there, so no strong-monotonicity bound applies (docs/mathematics.md §4.5 assumes the "
                     "anchor at the equilibrium).")
            fA = [f for f in fields if f[0].startswith("R1 only")][0][1]
            ctx.check("lq-wgan, R1 only (ε = 0, γ = 1): eigenvalues of DF(z*) = 1/2 ± i√3/2, 2, 2",
                      # (through spectrum: LAPACK splits the defective double eigenvalue 2 into 2 +- 4e-8 i)
                      np.sort_complex(-spectrum(fA, at=fA.equilibrium).eigenvalues), ref, "docs/mathematics.md §4.5",
                      tol=1e-9)
        for label, (r, info) in tab.items():
            if r.bound is not None and r.measured_rate is not None:
                ctx.check(f"{game_name}, {label}: measured EFTP rate ≤ bound at h = 1/(4L)", r.measured_rate, r.bound,
                          "docs/mathematics.md §4.6 (EFTP bound)", passed=bool(r.measured_rate <= r.bound * (1 + 1e-9)))
