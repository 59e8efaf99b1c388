r"""The asymmetric scheme (Tikhonov on the generator + zero-centred gradient penalty R1 on the
discriminator; Giagtzoglou, Winands & Franci 2026, reading (R-a) of theory.md §4.3) under EFTP, on the
Dirac-GAN (§4.4) and on the LQ-WGAN (§4.5): trajectories and distances for unregularized / Tikhonov only /
penalty only / both, with the predicted local rate, and a table of certified brackets for mu and L on a
ball around the equilibrium with the EFTP bound ``sqrt(1 - h mu)`` at ``h = 1/(4L)`` (theory.md §4.6).

The paper's body was not available: the operator is the reconstruction of theory.md §4.3.
"""

from __future__ import annotations

import math

import numpy as np

from ..reproduce import register

EPS, GAMMA = 0.1, 1.0
H = 0.2
STEPS = 600
RADIUS = 0.1


def _variants():
    from ..regularizers import R1, Asymmetric, Tikhonov
    return [("unregularized", [], "0.3"), (f"Tikhonov only (ε = {EPS})", [Tikhonov(eps=EPS)], "tab:orange"),
            (f"R1 only (γ = {GAMMA})", [R1(gamma=GAMMA)], "tab:blue"),
            (f"both: asymmetric (ε = {EPS}, γ = {GAMMA})", [Asymmetric(eps=EPS, gamma=GAMMA)], "tab:red")]


def _table(ctx, game_name, fields):
    from ..analysis.rates import rates
    lines = [f"**{game_name}**: EFTP at the theorem's step h = 1/(4 L_hi); constants certified on the ball of radius "
             f"{RADIUS} around the equilibrium (theory.md §4.6, §5.3).", "",
             "| variant | μ bracket | L bracket | h = 1/(4L) | EFTP bound sqrt(1 - hμ) | local rate | measured rate | bound holds |",
             "|---|---|---|---|---|---|---|---|"]
    out = {}
    for label, fld in fields:
        rows, info = rates(fld, ("eftp",), step="theory", region=f"ball:{RADIUS}", tol=1e-3, max_seconds=5.0)
        r = rows[0]
        mu, L = info["mu"], info["lipschitz"]
        f = lambda x: "—" if x is None else f"{x:.6g}"
        lines.append(f"| {label} | [{mu['lo']:.5g}, {mu['hi']:.5g}] | [{L['lo']:.5g}, {L['hi']:.5g}] | {f(r.step)} | "
                     f"{f(r.bound) if r.bound is not None else 'none (μ ≤ 0)'} | {f(r.local_rate)} | {f(r.measured_rate)} | "
                     f"{'—' if r.bound_holds is None else ('yes' if r.bound_holds else 'NO')} |")
        out[label] = (r, info)
    ctx.table("\n".join(lines))
    return out


@register("asymmetric-eftp", "Asymmetric Tikhonov + R1 scheme under EFTP on the Dirac-GAN and the LQ-WGAN",
          "Giagtzoglou, Winands & Franci 2026 (reconstruction, theory.md §4.3–4.6); academic example",
          needs=("gandynamics.simulate", "gandynamics.analysis.rates", "gandynamics.analysis.constants",
                 "game:lq-wgan"), order=60)
def study(ctx):
    import matplotlib.pyplot as plt
    from ..analysis.rates import local_rate
    from ..field import VectorField
    from ..games import make_game
    from ..plotting import convergence, phase_portrait
    from ..simulate import simulate
    ctx.param(reading="(R-a): Tikhonov eps on the generator (anchor 0), R1 gamma on the discriminator",
              eps=EPS, gamma=GAMMA, method="EFTP", step_h=H, steps=STEPS, dirac_start=(1.0, 1.0),
              lq_wgan="m = 0, s = 1; start = equilibrium + (0.3, 0.3, 0.3, 0.3)", ball_radius=RADIUS)
    for game_name, start_off, stem in (("dirac", np.array([1.0, 1.0]), "asym_dirac"),
                                       ("lq-wgan", np.full(4, 0.3), "asym_lq_wgan")):
        model = make_game(game_name)
        fields, trs, pred = [], [], {}
        for label, regs, col in _variants():
            fld = VectorField(model, regs)
            zs = fld.equilibrium
            tr = simulate(fld, "eftp", zs + start_off, STEPS, H)
            A = fld.eval_DF(zs)
            rho = local_rate("eftp", A, H)
            fields.append((label, fld))
            trs.append((label, tr, col))
            pred[label] = rho
            if rho < 0.999:
                ctx.check(f"{game_name}, {label}: measured EFTP rate vs local rate (h = {H})", tr.rate, rho,
                          "simulate vs rates.local_rate (theory.md §5.4)", tol=3e-3)
        if game_name == "dirac":
            fig, axes = plt.subplots(1, 5, figsize=(17.5, 3.9), layout="constrained",
                                     gridspec_kw={"width_ratios": [1, 1, 1, 1, 1.35]})
            for ax, (label, fld), (_, tr, col) in zip(axes[:4], fields, trs):
                phase_portrait(fld, xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), n=31, density=0.7,
                               trajectories=[("EFTP", tr, col)], title=label, ax=ax, legend=False)
            convergence(trs, rates=pred, ax=axes[4], title="distance; dashed: predicted local rate")
            fig.suptitle(f"Asymmetric regularization on the Dirac-GAN, EFTP h = {H}, start (1, 1)")
        else:
            fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
            convergence(trs, rates=pred, ax=ax,
                        title=f"LQ-WGAN (m = 0, s = 1), EFTP h = {H}: distance; dashed: predicted local rate")
        ctx.save(fig, stem, f"{game_name}: EFTP trajectories without regularization, Tikhonov only, R1 only and "
                            "both (asymmetric); predicted local rates dashed")
        tab = _table(ctx, game_name, fields)
        if game_name == "dirac":
            # theory.md §4.4: mu(r) = min(eps - r^2/4, gamma) on the ball of radius r (standard loss)
            r, info = tab[fields[3][0]]
            ctx.check("dirac asymmetric: certified μ bracket contains min(ε - r²/4, γ)", [info["mu"]["lo"], info["mu"]["hi"]],
                      min(EPS - RADIUS**2 / 4, GAMMA), "theory.md §4.4",
                      passed=bool(info["mu"]["lo"] <= min(EPS - RADIUS**2 / 4, GAMMA) + 1e-12 <= info["mu"]["hi"] + 2e-12))
            # eigenvalues of DF_reg(0) = [[eps, f'], [-f', gamma]]: (eps+gamma)/2 ± sqrt((eps-gamma)^2/4 - f'^2)
            A = fields[3][1].eval_DF(np.zeros(2))
            ref = np.sort_complex(np.array([(EPS + GAMMA) / 2 + s * np.sqrt(complex((EPS - GAMMA) ** 2 / 4 - 0.25)) for s in (1, -1)]))
            ctx.check("dirac asymmetric: eigenvalues of DF(0)", np.sort_complex(np.linalg.eigvals(A)), ref, "theory.md §4.4", tol=1e-12)
        else:
            A = fields[3][1].eval_DF(fields[3][1].equilibrium)
            ref = np.sort_complex(np.array([0.5 + 0.5j * math.sqrt(3), 0.5 - 0.5j * math.sqrt(3), 2, 2], dtype=complex))
            fA = [f for f in fields if f[0].startswith("R1 only")][0][1]
            ctx.check("lq-wgan, R1 only (ε = 0, γ = 1): eigenvalues of DF(z*) = 1/2 ± i√3/2, 2, 2",
                      np.sort_complex(np.linalg.eigvals(fA.eval_DF(fA.equilibrium))), ref, "theory.md §4.5",
                      tol=1e-6)
        for label, (r, info) in tab.items():
            if r.bound is not None and r.measured_rate is not None:
                ctx.check(f"{game_name}, {label}: measured EFTP rate ≤ bound at h = 1/(4L)", r.measured_rate, r.bound,
                          "theory.md §4.6 (EFTP bound)", passed=bool(r.measured_rate <= r.bound * (1 + 1e-9)))
