r"""Mescheder, Geiger & Nowozin (2018), *Which training methods for GANs do actually converge?* — the
Dirac-GAN figures: Figure 1 (eight training methods), Figure 2 (simultaneous vs alternating GD) and the
eigenvalue path of the gradient penalty (the notebook's ``eigval_gradpen.png``), here with the
instance-noise path beside it.

Settings as in the authors' notebook (docs/mathematics.md §1.11): start ``(theta, psi) = (1, 1)``, step ``h = 0.2``
for both players, 500 steps, alternating GD generator first with 1 discriminator step (5 for WGAN and
WGAN-GP), WGAN clipping ``|psi| <= 1`` (a box on psi: the shaded band).
"""

from __future__ import annotations

import math

import numpy as np

from .._palette import OKABE_ITO
from .base import register

START = (1.0, 1.0)
STEP = 0.2
STEPS = 500

#: the eight panels of M18 Figure 1: (label, loss, regularizer factory, options)
def _panels():
    from ..regularizers import R1, WGANGP, Consensus, InstanceNoise
    return [
        ("(a) standard GAN", "standard", [], {}),
        ("(b) non-saturating GAN", "non-saturating", [], {}),
        ("(c) WGAN, clip 1, 5 D steps", "wgan", [], {"n_d": 5, "clip": 1.0}),
        ("(d) WGAN-GP, γ = 0.7, target 1, 5 D steps", "wgan", [WGANGP(gamma=0.7, target=1.0)], {"n_d": 5}),
        ("(e) consensus optimization, γ = 1", "standard", [Consensus(gamma=1.0)], {}),
        ("(f) instance noise, σ = 0.7", "standard", [InstanceNoise(sigma=0.7)], {}),
        ("(g) R1 gradient penalty, γ = 0.3", "standard", [R1(gamma=0.3)], {}),
        ("(h) R1 critical, γ = 1", "standard", [R1(gamma=1.0)], {}),
    ]


def _field(loss, regs):
    from ..field import VectorField
    from ..games import dirac
    return VectorField(dirac(loss), regs)


def _run(fld, method, opts):
    from ..simulate import simulate
    kw = {}
    if opts.get("clip") is not None:
        kw["box"] = {"psi": (-opts["clip"], opts["clip"])}
    if method == "altgd":
        kw["n_d"] = opts.get("n_d", 1)
    return simulate(fld, method, START, STEPS, STEP, **kw)


def _local(fld, method, opts):
    """Predicted local rate at (0, 0) from the rates module, or None without a Jacobian."""
    from ..analysis.rates import local_rate
    z = np.zeros(2)
    if fld.nonsmooth_at(z):
        return None
    A = fld.eval_DF(z)
    kw = {"n_d": opts.get("n_d", 1)} if method == "altgd" else {}
    return local_rate(method, A, STEP, n_theta=1, **kw)


def _figure1(ctx, method: str, stem: str, title: str):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from ..plotting import (EQUILIBRIUM_MARKER, FORBIDDEN_STYLE, LAST_MARKER, METHOD_COLORS, START_MARKER,
                            _points_under, _title_with_notes, phase_portrait, quiver_handle)
    with canvas(2, 4, figsize=(13.2, 7.0)) as (fig, axes):
        results = {}
        notes = []  # (axes, the title with the note): the notes inside, checked once laid out
        name = {"altgd": "alternating GD", "gd": "simultaneous GD"}.get(method, method)
        for ax, (label, loss, regs, opts) in zip(axes.ravel(), _panels()):
            fld = _field(loss, regs)
            tr = _run(fld, method, opts)
            results[label] = (fld, tr, opts)
            ctx.provenance(fld, method=method, options={"step": STEP, **{k: v for k, v in opts.items() if v is not None}},
                           steps=STEPS, start=START, panel=label)
            d = tr.distance
            note = f"|z| {_from_to(d[0], d[-1])}" + (f"\ndiverged at {tr.diverged_at}" if tr.diverged else "")
            # a run that leaves the window crosses every corner of it: its note goes into the title (in the panel it sat
            # on the orbit of (a), simultaneous GD spiralling out), the others' where the trajectory is not
            outside = bool(np.any(np.abs(np.asarray(tr.states)) > 2.0))
            head = label if method == "altgd" else label.replace(", 5 D steps", "")
            phase_portrait(fld, plane=("theta", "psi"), xlim=(-2, 2), ylim=(-2, 2), n=10, streamlines=False,
                           arrows=True, clip=opts.get("clip"), trajectories=[(name, tr, METHOD_COLORS[method])],
                           title=f"{head}: {note.replace(chr(10), ', ')}" if outside else head, legend=False, ax=ax)
            if not outside:  # (a legend without a handle, placed by matplotlib's "best" as the figure is drawn)
                ax.legend([Line2D([], [], ls="")], [note], loc="best", handlelength=0, handletextpad=0, fontsize="small",
                          framealpha=0.85, edgecolor="0.7", borderpad=0.4)
                notes.append((ax, f"{head}: {note.replace(chr(10), ', ')}"))
        # "best" counts the equilibrium's star as one point: where the run fills every other place (WGAN-GP's cycle in
        # (d) of the simultaneous-GD figure) it put the note over the star; such a note goes into the title
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        for ax, text in notes:
            if _points_under(ax, ax.get_legend().get_window_extent(r)):  # (the run, its start and end, the star)
                ax.get_legend().remove()
                _title_with_notes(ax, text, [])
        import matplotlib.patches as mpatches
        handles = [Line2D([], [], color=METHOD_COLORS[method], label=f"{name} trajectory"),
                   Line2D([], [], color=METHOD_COLORS[method], label="its last iterate", **LAST_MARKER),
                   Line2D([], [], label="start (1, 1)", **START_MARKER),
                   Line2D([], [], **{**EQUILIBRIUM_MARKER, "label": "equilibrium (0, 0)"}),
                   quiver_handle(),
                   mpatches.Patch(**FORBIDDEN_STYLE, label="forbidden |ψ| > 1 (WGAN clipping)")]
        fig.legend(handles=handles, loc="outside lower center", ncol=6)
        fig.suptitle(title)
        ctx.save(fig, stem, title)
    return results


@register("m18-fig1", "Dirac-GAN under eight training methods (alternating GD, and the simultaneous-GD version)",
          "Mescheder et al. 2018, Figure 1 (a)–(h); supplementary simultaneous-GD version",
          needs=("gandynamics.simulate",), order=10)
def fig1(ctx):
    ctx.param(start=START, step_h=STEP, steps=STEPS,
              d_steps="1 (5 for WGAN, WGAN-GP in the alternating-GD figure; simultaneous GD steps both players once)",
              wgan_clip=1.0,
              wgan_gp="gamma 0.7, target 1", consensus_gamma=1.0, instance_noise_sigma=0.7,
              r1_gamma="0.3 and 1 (critical)", grid="quiver 10 x 10 on [-2, 2]^2 (as the authors' notebook)")
    alt = _figure1(ctx, "altgd", "m18_fig1_altgd",
                   "M18 Figure 1: Dirac-GAN, alternating GD (h = 0.2, 500 steps, start (1, 1) as a white circle)")
    sim = _figure1(ctx, "gd", "m18_fig1_simgd",
                   "M18 Figure 1, simultaneous-GD version: Dirac-GAN (h = 0.2, 500 steps, start (1, 1) as a white circle)")
    fp = 0.5  # f'(0) of the standard loss, docs/mathematics.md §1.1
    # (g) R1 0.3, alternating GD: complex pair, det = 1 - h gamma -> rho = sqrt(1 - h gamma) (docs/mathematics.md §1.9)
    fld, tr, opts = alt["(g) R1 gradient penalty, γ = 0.3"]
    ctx.check("(g) altGD R1 γ=0.3: measured rate vs sqrt(1 - hγ)", tr.rate, math.sqrt(1 - STEP * 0.3),
              "docs/mathematics.md §1.9 (det = 1 - hγ)", tol=2e-3)
    ctx.check("(g) altGD R1 γ=0.3: local rate (rates module) vs sqrt(1 - hγ)", _local(fld, "altgd", opts),
              math.sqrt(1 - STEP * 0.3), "docs/mathematics.md §1.9", tol=1e-12)
    # simultaneous GD with R1: |1 + h lambda|^2 = 1 - h gamma + h^2 f'(0)^2 in the complex regime (§1.9)
    fld, tr, opts = sim["(g) R1 gradient penalty, γ = 0.3"]
    ref = math.sqrt(1 - STEP * 0.3 + STEP**2 * fp**2)
    ctx.check("(g) simGD R1 γ=0.3: measured rate vs sqrt(1 - hγ + h²f'(0)²)", tr.rate, ref, "docs/mathematics.md §1.7, §1.9",
              tol=2e-3)
    for key in ("(e) consensus optimization, γ = 1", "(f) instance noise, σ = 0.7", "(h) R1 critical, γ = 1"):
        for meth, res in (("altgd", alt), ("gd", sim)):
            fld, tr, opts = res[key]
            pred = _local(fld, meth, opts)
            ctx.check(f"{key.split(',')[0]} {meth}: measured vs predicted local rate", tr.rate, pred,
                      "rates.local_rate (spectral radius, docs/mathematics.md §5.4) vs simulate", tol=5e-3)
    # (a) standard GAN, altGD: alpha = h f'(0) = 0.1 <= 2: unit circle (docs/mathematics.md §1.2) - no convergence
    fld, tr, opts = alt["(a) standard GAN"]
    ctx.check("(a) altGD standard GAN: local rate = 1 (α = h f'(0) ≤ 2)", _local(fld, "altgd", opts), 1.0,
              "docs/mathematics.md §1.2 (eigenvalues on the unit circle)", tol=1e-12)
    r = tr.distance
    ctx.check("(a) altGD standard GAN: |z_500| / |z_0| (no convergence, no divergence)", r[-1] / r[0], 1.0,
              "M18 §2.2: bounded, non-convergent", passed=bool(0.85 < r[-1] / r[0] < 1.15))
    fld, tr, opts = alt["(d) WGAN-GP, γ = 0.7, target 1, 5 D steps"]
    ctx.check("(d) WGAN-GP: no Jacobian at (0,0)", "nonsmooth" if fld.nonsmooth_at(np.zeros(2)) else "smooth",
              "nonsmooth", "docs/mathematics.md §1.4", passed=bool(fld.nonsmooth_at(np.zeros(2))))
    ctx.check("(d) WGAN-GP altGD: final distance (does not converge)", float(tr.distance[-1]), "> 0.1",
              "docs/mathematics.md §1.4; M18 abstract", passed=bool(tr.distance[-1] > 0.1))
    fld, tr, opts = alt["(c) WGAN, clip 1, 5 D steps"]
    ctx.check("(c) WGAN: |psi| <= 1 along the clipped trajectory", float(np.max(np.abs(tr.states[:, 1]))), "<= 1",
              "docs/mathematics.md §1.3 (clipping)", passed=bool(np.max(np.abs(tr.states[:, 1])) <= 1 + 1e-12))
    ctx.check("(c) WGAN altGD: final distance (does not converge)", float(tr.distance[-1]), "> 0.1",
              "docs/mathematics.md §1.3; M18 abstract", passed=bool(tr.distance[-1] > 0.1))


def fig2_data():
    """The unregularized Dirac-GAN (standard loss) from (1, 1), h = 0.2, 500 steps: simultaneous GD,
    alternating GD and the exact flow (Dormand–Prince, rtol = atol = 1e-12, output every 0.2).

    Returns
    -------
    (field, sim, alt, flow) : VectorField and three Trajectories
    """
    from ..simulate import simulate
    fld = _field("standard", [])
    sim = simulate(fld, "gd", START, STEPS, STEP)
    alt = simulate(fld, "altgd", START, STEPS, STEP)
    flow = simulate(fld, "flow", START, STEPS, STEP, scheme="dopri5", rtol=1e-12, atol=1e-12)
    return fld, sim, alt, flow


@register("m18-fig2", "Unregularized Dirac-GAN: simultaneous GD spirals outward, alternating GD orbits",
          "Mescheder et al. 2018, Figure 2 (a), (b)", needs=("gandynamics.simulate",), order=11)
def fig2(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..plotting import METHOD_COLORS, phase_portrait
    fld, sim, alt, flow = fig2_data()
    ctx.param(game="dirac (standard loss)", start=START, step_h=STEP, steps=STEPS,
              flow="Dormand–Prince 5(4), rtol = atol = 1e-12, output every 0.2 (t = 0..100)")
    with canvas(1, 2, figsize=(9.6, 4.6)) as (fig, axes):
        for ax, tr, m, lab, ttl in ((axes[0], sim, "gd", "simultaneous GD", "(a) simultaneous GD: outward spiral"),
                                    (axes[1], alt, "altgd", "alternating GD", "(b) alternating GD: bounded orbit")):
            phase_portrait(fld, xlim=(-3.5, 3.5), ylim=(-3.5, 3.5), n=41, density=0.8,
                           # the flow first: drawn over it, the alternating-GD orbit (near the circle) stays visible
                           trajectories=[("continuous flow (circle)", flow, "black"), (lab, tr, METHOD_COLORS[m])],
                           title=ttl, ax=ax, legend="below")
        for m in ("gd", "altgd"):
            ctx.provenance(fld, method=m, options={"step": STEP}, steps=STEPS, start=START)
        ctx.provenance(fld, method="flow", options={"scheme": "dopri5", "rtol": 1e-12, "atol": 1e-12, "step": STEP},
                       steps=STEPS, start=START)
        fig.suptitle("M18 Figure 2: unregularized Dirac-GAN, h = 0.2, 500 steps from (1, 1)")
        ctx.save(fig, "m18_fig2", "M18 Figure 2: simultaneous GD (outward spiral) vs alternating GD (bounded orbit); "
                                  "the exact flow's circle for reference")
    # simultaneous GD: |z_{k+1}|^2 = |z_k|^2 (1 + h^2 f'(psi_k theta_k)^2)  (docs/mathematics.md §1.2)
    S = sim.states
    r2 = np.sum(S**2, axis=1)
    t = S[:-1, 0] * S[:-1, 1]
    fprime = 1.0 / (1.0 + np.exp(t))  # f'(t) = sigmoid(-t), docs/mathematics.md §1.1
    pred = r2[:-1] * (1 + STEP**2 * fprime**2)
    ctx.check("simGD: max relative error of |z_{k+1}|² = |z_k|²(1 + h² f'(ψθ)²)", float(np.max(np.abs(r2[1:] / pred - 1))),
              0.0, "docs/mathematics.md §1.2 (identity along the computed trajectory)", tol=1e-12)
    ctx.check("simGD: radius strictly increasing", bool(np.all(np.diff(r2) > 0)), True, "docs/mathematics.md §1.2",
              passed=bool(np.all(np.diff(r2) > 0)))
    ctx.check("simGD: radius after 500 steps", float(np.sqrt(r2[-1])), "> √2", "docs/mathematics.md §1.2",
              passed=bool(r2[-1] > 2))
    ra = np.linalg.norm(alt.states, axis=1)
    ctx.check("altGD: radius stays within 10% of √2 over 500 steps", [float(ra.min()), float(ra.max())],
              [0.9 * math.sqrt(2), 1.1 * math.sqrt(2)], "docs/mathematics.md §1.2 (unit-circle multipliers, α = 0.1)",
              passed=bool(ra.min() > 0.9 * math.sqrt(2) and ra.max() < 1.1 * math.sqrt(2)))
    ctx.check("altGD: no drift (mean radius, last 100 minus first 100 steps)", float(ra[-100:].mean() - ra[:100].mean()),
              0.0, "docs/mathematics.md §1.2", tol=1e-3)
    rf = np.linalg.norm(flow.states, axis=1)
    ctx.check("flow: max |radius - √2| over t = 0..100 (closed orbit)", float(np.max(np.abs(rf - math.sqrt(2)))), 0.0,
              "docs/mathematics.md §1.2 (θ² + ψ² conserved, M18 lemma)", tol=1e-6)


def r1_locus_data(gmax_factor: float = 3.0, m: int = 41):
    """The R1 and instance-noise loci of the Dirac-GAN (standard loss) from the fields: ``gamma`` from 0 to
    ``3 f'(0)`` with ``f'(0)`` read off the unregularized field's Jacobian, ``sigma = sqrt(2 gamma)``."""
    from ..analysis import spectrum
    from ..field import VectorField
    from ..games import dirac
    from ..plotting import locus_data
    from ..regularizers import R1, InstanceNoise
    fp = float(spectrum(VectorField(dirac(), [])).jacobian[1, 0])  # J = [[0, -f'], [f', 0]]
    gam = np.linspace(0.0, gmax_factor * fp, m)
    f_r1 = VectorField(dirac(), [R1()])
    f_in = VectorField(dirac(), [InstanceNoise()])
    _, e_r1 = locus_data(f_r1, "gamma", gam)
    # sigma = 0 is the unregularized game, where |sigma| makes the field formally non-smooth in sigma:
    # the first point is taken from the R1 field at gamma = 0 (the same game)
    _, e_in = locus_data(f_in, "sigma", np.sqrt(2 * gam[1:]))
    e_in = np.vstack([e_r1[:1], e_in])
    return fp, gam, f_r1, f_in, e_r1, e_in


def _from_to(a: float, b: float) -> str:
    """``a → b`` with 3 significant digits, more (up to 8) while the two read the same but differ: an orbit whose
    distance went from 1.41421 to 1.40498 read "1.41 → 1.4" (two digits shown, as if it fell in the second)."""
    from ..plotting import number_text  # (the figure's minus sign −, the exponent's too: "2.64e−06")
    for digits in range(3, 9):
        sa, sb = number_text(a, f"#.{digits}g"), number_text(b, f"#.{digits}g")  # (#: 1.40, not 1.4)
        if sa != sb or a == b:
            break
    return f"{sa} → {sb}"


@register("r1-locus", "Eigenvalues of the R1-regularized Dirac-GAN as γ goes 0 → 3 f'(0); instance noise at σ = √(2γ)",
          "Mescheder et al. 2018, §4 lemma (eigenvalue path, notebook eigval_gradpen.png); §3 instance noise",
          order=12)
def r1_locus(ctx):
    from ..plotting import canvas
    import matplotlib.pyplot as plt
    from ..plotting import critical_strength, eigenvalue_locus
    fp, gam, f_r1, f_in, e_r1, e_in = r1_locus_data()
    ctx.param(game="dirac (standard loss)", gamma=f"41 values, 0 to 3 f'(0) = {3 * fp:zg}", f_prime_0=fp,
              instance_noise_sigma="sqrt(2 gamma)", point="equilibrium (0, 0)")
    with canvas(figsize=(5.6, 4.6)) as (fig, ax):
        eigenvalue_locus(f_r1, None, "gamma", gam, data=(gam, e_r1), label="R1: eigenvalues of J (γ varies)", ax=ax,
                         title="Dirac-GAN + R1: eigenvalues of J = Dv at (0, 0), γ from 0 to 3 f'(0)")
        ctx.save(fig, "dirac_r1_eigenvalues", "Eigenvalues of the R1-regularized Dirac-GAN, γ from 0 to 3 f'(0) "
                                             "(computed from the field); critical γ (minimal spectral abscissa) starred")
    with canvas(figsize=(5.6, 4.6)) as (fig, ax):
        eigenvalue_locus(f_r1, None, "gamma", gam, data=(gam, e_r1), critical=False, label="R1, γ (coloured dots)", ax=ax, marker="o", size=60)
        ax.scatter(e_in.real.ravel(), e_in.imag.ravel(), marker="x", s=28, color=OKABE_ITO["vermillion"], zorder=4,
                   label="instance noise, σ = √(2γ)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
        ax.set_title("Dirac-GAN: R1 (γ) and instance noise (σ = √(2γ)) give the same J at (0, 0)")
        ctx.save(fig, "dirac_r1_vs_instance_noise", "R1 locus (dots, coloured by γ) and instance-noise locus at σ = √(2γ) "
                                                    "(vermillion crosses) coincide")
    # checks against the closed forms (docs/mathematics.md §1.6, §1.7)
    closed = np.array([[-g / 2 + np.sqrt(complex(g * g / 4 - fp * fp)), -g / 2 - np.sqrt(complex(g * g / 4 - fp * fp))]
                       for g in gam])
    err = max(float(np.max(np.min(np.abs(e_r1[i][:, None] - closed[i][None, :]), axis=1))) for i in range(len(gam)))
    ctx.check("R1 locus vs -γ/2 ± sqrt(γ²/4 - f'(0)²): max error over 41 γ", err, 0.0, "docs/mathematics.md §1.7 (M18 lemma)",
              tol=1e-7)
    ctx.check("f'(0) read from the unregularized field's Jacobian", fp, 0.5, "docs/mathematics.md §1.1", tol=1e-15)
    c = critical_strength(f_r1, "gamma", (0.0, 3 * fp))
    ctx.check("critical γ (min. spectral abscissa, computed) vs 2 f'(0)", c["value"], 2 * fp, "docs/mathematics.md §1.7 (M18)",
              tol=1e-5)
    ctx.check("spectral abscissa at the critical γ vs -f'(0)", c["abscissa"], -fp, "docs/mathematics.md §1.7", tol=1e-5)
    sig = np.sqrt(2 * gam)
    fpp = -0.25
    closed_in = np.array([[fpp * s * s + np.sqrt(complex(fpp**2 * s**4 - fp**2)), fpp * s * s - np.sqrt(complex(fpp**2 * s**4 - fp**2))]
                          for s in sig])
    err_in = max(float(np.max(np.min(np.abs(e_in[i][:, None] - closed_in[i][None, :]), axis=1))) for i in range(len(gam)))
    ctx.check("instance-noise locus vs f''σ² ± sqrt(f''²σ⁴ - f'²): max error", err_in, 0.0, "docs/mathematics.md §1.6", tol=1e-7)
    diff = max(float(np.max(np.min(np.abs(e_in[i][:, None] - e_r1[i][None, :]), axis=1))) for i in range(len(gam)))
    ctx.check("R1(γ) vs instance noise(σ = √(2γ)): max eigenvalue difference", diff, 0.0,
              "docs/mathematics.md §1.6 (identical J iff γ = 2σ²|f''(0)|)", tol=1e-7)
