r"""Nagarajan & Kolter (2017): the scale-learning toy ``G_a(z) = a z``, ``D_w(x) = w x^2``,
``x, z ~ U[-1, 1]`` (game ``nk-scale``, state ``(a, w)``, equilibrium ``(1, 0)``; docs/mathematics.md §2.3).

Streamlines of the gradient flow (NK17 analyse the flow) and flow trajectories for the GAN (stable
spiral), the WGAN (closed orbits: ``H(w, a) = w^2 - ln a + a^2/2`` is conserved) and the WGAN with their
generator penalty ``eta ||grad_w V||^2``, ``eta = 0.5`` (converges).
"""

from __future__ import annotations

import numpy as np

from .._palette import OKABE_ITO, TOL
from .base import register

STARTS = ((1.5, 0.0), (1.25, 0.25))
H = 0.1
STEPS = 400
ETA = 0.5


def orbits(loss: str, regs=()):
    """The nk-scale field for ``loss`` under ``regs`` and its gradient-flow trajectories from
    :data:`STARTS` (Dormand–Prince, rtol = atol = 1e-11, output every :data:`H`, :data:`STEPS` outputs)."""
    from ..field import VectorField
    from ..games import make_game
    from ..simulate import simulate
    fld = VectorField(make_game("nk-scale", loss=loss), list(regs))
    return fld, [simulate(fld, "flow", s, STEPS, H, scheme="dopri5", rtol=1e-11, atol=1e-11) for s in STARTS]


def hamiltonian(a, w):
    """``H(w, a) = w^2 - ln a + a^2/2`` (docs/mathematics.md §2.3): conserved by the WGAN flow (for a > 0)."""
    return w**2 - np.log(a) + a**2 / 2


@register("nk17-scale", "NK17 scale-learning toy: GAN, WGAN (closed orbits), WGAN + NK penalty (η = 0.5)",
          "Nagarajan & Kolter 2017, §4 illustration (streamline figure of the toy); docs/mathematics.md §2.3",
          needs=("gandynamics.simulate", "game:nk-scale"), order=20)
def study(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..analysis import spectrum
    from ..plotting import phase_portrait
    from ..regularizers import NagarajanKolter
    cases = [("(a) GAN (standard loss)", "standard", []),
             ("(b) WGAN: closed orbits", "wgan", []),
             (f"(c) WGAN + NK penalty, η = {ETA}", "wgan", [NagarajanKolter(eta=ETA)])]
    ctx.param(game="nk-scale (x, z ~ U[-1, 1], Gauss–Legendre order 5)", state="(a, w)", equilibrium=(1, 0),
              starts=STARTS, flow=f"Dormand–Prince 5(4), rtol = atol = 1e-11, output every {H}, {STEPS} outputs (t = 0..{H * STEPS:zg})",
              eta=ETA)
    from ..plotting import direction_field
    with canvas(1, 3, figsize=(14.0, 4.9)) as (fig, axes):
        out = {}
        for label, loss, regs in cases:
            out[label] = orbits(loss, regs)
        box = {"xlim": (0.25, 1.95), "ylim": (-0.85, 0.85), "n": 41}
        # one speed scale for the three panels (they compare the same quantity)
        vmax = max(float(np.nanmax(np.hypot(*direction_field(fld, None, ("a", "w"), None, box["xlim"], box["ylim"],
                                                              box["n"])[2:]))) for fld, _ in out.values())
        for ax, (label, loss, regs) in zip(axes, cases):
            fld, trs = out[label]
            phase_portrait(fld, plane=("a", "w"), density=0.9, speed=True, speed_range=(0.0, vmax), colorbar=False,
                           trajectories=[(f"flow from ({s[0]:zg}, {s[1]:zg})", tr, c)
                                         for s, tr, c in zip(STARTS, trs, (OKABE_ITO["blue"], TOL["dark-scheme dark yellow"]))],
                           title=label, ax=ax, legend=False, **box)
            ctx.provenance(fld, method="flow", options={"scheme": "dopri5", "rtol": 1e-11, "atol": 1e-11, "step": H},
                           steps=STEPS, starts=STARTS)
        # one key for the three panels, beside the last: its runs (the same starts in every panel) and the markers,
        # "last state" where a panel shows one ((c)'s lie under the star; (a)'s and (b)'s do not: a figure review)
        from ..plotting import portrait_handles
        runs = [h for h in axes[-1].get_legend_handles_labels()[0] if h.get_linestyle() not in ("None", "")]
        fig.legend(handles=runs + portrait_handles(last=any(ax.last_state_shown for ax in axes)),
                   loc="outside right upper")
        cb = fig.colorbar(axes[0].speed_lines, ax=list(axes), shrink=0.85, pad=0.01, location="bottom", aspect=50)
        cb.set_label(r"speed $\|v\|$ in the plane: shade and width of the streamlines (one scale for the three panels)")
        fig.suptitle("Nagarajan & Kolter 2017, scale-learning toy G(z) = a z, D(x) = w x² — gradient flow")
        ctx.save(fig, "nk17_scale", "NK17 toy: streamlines (coloured by speed) and flow trajectories; WGAN orbits close, "
                                    "the NK penalty makes them converge")
    fp, fpp, m2, m4 = 0.5, -0.25, 1 / 3, 1 / 5
    # closed forms of docs/mathematics.md §2.3 (in the state order (a, w), generator first)
    ref = {
        cases[0][0]: np.roots([1, -2 * fpp * m4, (2 * fp * m2) ** 2]),
        cases[1][0]: np.array([2j / 3, -2j / 3]),
        cases[2][0]: np.roots([1, 8 * ETA / 9, 4 / 9]),
    }
    for label, (fld, trs) in out.items():
        e = spectrum(fld).eigenvalues
        r = np.sort_complex(ref[label])
        ctx.check(f"{label.split(':')[0].split(',')[0]}: eigenvalues of J at (1, 0)", np.sort_complex(e), r,
                  "docs/mathematics.md §2.3", tol=1e-9)
    fld, trs = out[cases[1][0]]
    drift = max(float(np.max(np.abs(hamiltonian(tr.states[:, 0], tr.states[:, 1]) - hamiltonian(*tr.states[0])))) for tr in trs)
    ctx.check("WGAN flow: max |H(w, a) - H(w0, a0)| along both orbits (H = w² - ln a + a²/2)", drift, 0.0,
              "docs/mathematics.md §2.3 (conserved quantity)", tol=1e-6)
    fld, trs = out[cases[2][0]]
    from ..analysis.rates import local_rate
    A = fld.eval_DF(np.array([1.0, 0.0]))
    pred = local_rate("flow", A, H)
    ctx.check("WGAN + NK flow: measured rate per 0.1 time vs exp(0.1 · max Re λ)", trs[0].rate, pred,
              "rates.local_rate (flow) vs simulate", tol=2e-3)
    ctx.check("WGAN + NK: max Re λ vs -4η/9", float(np.max(spectrum(fld).eigenvalues.real)), -4 * ETA / 9,
              "docs/mathematics.md §2.3 (complex regime)", tol=1e-9)
