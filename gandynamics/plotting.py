r"""Figures of the dynamics: phase portraits, eigenvalue loci, rate maps, convergence curves, factors.

Every drawing function takes an optional matplotlib ``ax`` (a new figure is made when it is ``None``) and
returns the axes it drew on.  The numbers drawn are computed here from the field (compiled ``F``, exact
``DF``, :func:`gandynamics.analysis.spectrum`) or passed in by the caller from the library's
integrators and rate functions; nothing is typed in.  The ``*_data`` functions return those numbers
without drawing, so that tests and :mod:`gandynamics.reproduce` can check them.

Conventions (docs/mathematics.md §0.1): ``z = (theta, psi)``, ``v = -F`` is the direction of motion drawn by the
streamlines, ``J = Dv``; the phase factor is ``max |Im lambda| / |Re lambda|`` and the conditioning
factor ``max |lambda| / min |lambda|`` (docs/mathematics.md §0.5, §3.3).

The Agg backend is selected when there is no display and no backend was chosen.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Mapping

import matplotlib

if not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY") and "matplotlib.pyplot" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from scipy import optimize  # noqa: E402

from .errors import GandynamicsError  # noqa: E402

__all__ = [
    "STYLE", "METHOD_COLORS", "symbol", "style",
    "direction_field", "phase_portrait",
    "locus_data", "critical_strength", "eigenvalue_locus",
    "rate_grid", "rate_map", "convergence",
    "factor_data", "factors",
]

#: rcParams used by every figure of gandynamics (small, legible, no overlapping text)
STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 130,
    "savefig.bbox": "tight",
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9.5,
    "legend.fontsize": 7.5,
    "legend.framealpha": 0.85,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "lines.linewidth": 1.4,
}

#: one colour per method, the same in every figure
METHOD_COLORS = {
    "gd": "tab:red", "simgd": "tab:red", "altgd": "tab:blue", "eg": "tab:green", "eftp": "tab:purple",
    "ogda": "tab:brown", "momentum": "tab:orange", "altgd-momentum": "tab:orange", "flow": "black",
}

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda",
          "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}


def style():
    """A context manager applying :data:`STYLE` (``with style(): ...``)."""
    return plt.rc_context(STYLE)


def symbol(name: str) -> str:
    r"""A parameter name as mathtext: ``theta`` -> ``$\theta$``, ``psi2`` -> ``$\psi_2$``, ``gamma_co`` ->
    ``$\gamma_{co}$``, ``a`` -> ``$a$``."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\d*)(?:_(\w+))?", name)
    if not m:
        return name
    base, digits, sub = m.groups()
    if base == "eps":
        base = "epsilon"
    b = "\\" + ("varepsilon" if base == "epsilon" else base) if base in _GREEK | {"epsilon"} else base
    s = digits or sub or ""
    return f"${b}_{{{s}}}$" if s else f"${b}$"


def _axes(ax, figsize=(4.6, 4.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _params(field, params):
    return field.param_vector(params) if not isinstance(params, np.ndarray) else params


def _index(field, name: str) -> int:
    if name not in field.names:
        raise GandynamicsError(f"unknown parameter {name!r} for the plane; accepted: {', '.join(field.names)}")
    return field.names.index(name)


def _strength(field, parameter: str) -> str:
    """The hyperparameter name for ``parameter`` (``gamma`` may have become ``gamma_co`` when two
    regularizers share a key: the first match is taken)."""
    if parameter in field.defaults:
        return parameter
    for k in field.defaults:
        if k.startswith(parameter + "_"):
            return k
    acc = ", ".join(field.defaults) or "none"
    raise GandynamicsError(f"the field has no hyperparameter {parameter!r}; accepted: {acc}")


# ---------------------------------------------------------------------------------------------- phase portraits
def direction_field(field, params=None, plane=None, center=None, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), n: int = 41):
    """``v = -F`` on an ``n x n`` grid of a 2-D plane.

    Parameters
    ----------
    field : VectorField
    params : mapping or array, optional
        Hyperparameter values (defaults otherwise).
    plane : pair of str, optional
        The two coordinates spanning the plane (default: the first generator and the first discriminator
        parameter).  The other coordinates are held at ``center``.
    center : array, optional
        The point the slice passes through (default: the equilibrium, else 0).
    xlim, ylim : pairs of float
    n : int

    Returns
    -------
    X, Y, U, V : arrays of shape (n, n)
        Grid and the components of v along the two plane coordinates (NaN where v is not finite).
    """
    names = plane or (field.names[0], field.names[field.n_theta] if field.n_theta < field.n else field.names[1])
    i, j = _index(field, names[0]), _index(field, names[1])
    if i == j:
        raise GandynamicsError("the plane needs two different parameters")
    c = np.array(center, float) if center is not None else (
        field.equilibrium.copy() if field.equilibrium is not None else np.zeros(field.n))
    c = field.point(c)
    p = _params(field, params)
    mod = field.compiled()
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys)
    U, V = np.full_like(X, np.nan), np.full_like(X, np.nan)
    out = np.empty(field.n)
    z = c.copy()
    with np.errstate(all="ignore"):
        for a in range(n):
            for b in range(n):
                z[i], z[j] = X[a, b], Y[a, b]
                F = mod.field(z, p, out)
                if np.all(np.isfinite(F)):
                    U[a, b], V[a, b] = -F[i], -F[j]
    return X, Y, U, V


def _states(tr):
    s = getattr(tr, "states", tr)
    return np.asarray(s, dtype=float)


def phase_portrait(field, params=None, *, plane=None, center=None, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                   n: int = 41, streamlines: bool = True, arrows: bool = False, speed: bool = False,
                   nullclines: bool = False, trajectories=(), equilibrium=True, clip=None, density: float = 1.0,
                   title: str | None = None, legend: bool = True, ax=None):
    r"""The direction field of ``v = -F`` on a plane, with trajectories overlaid.

    For games with more than two parameters the plane is the 2-D slice through ``center`` (default: the
    equilibrium) along the two named parameters ``plane``.

    Parameters
    ----------
    field : VectorField
    params : mapping, optional
        Hyperparameter values.
    plane : pair of str, optional
        x- and y-axis parameters (default: first generator, first discriminator parameter).
    center, xlim, ylim, n : see :func:`direction_field`.
    streamlines : bool
        Draw ``streamplot`` streamlines of v.
    arrows : bool
        Draw a quiver of v (M18's notebook draws a 10 x 10 quiver; docs/mathematics.md §1.11).
    speed : bool
        Colour streamlines by ``|v|`` in the plane (with a labelled colorbar).
    nullclines : bool
        Draw the curves where each plane component of v vanishes.
    trajectories : sequence
        Items ``(label, states)`` or ``(label, states, color)``, where ``states`` is an array of shape
        ``(k, n)`` or an object with ``.states`` (a :class:`gandynamics.simulate.Trajectory`).  The start
        is marked with a red dot (M18, Fig. 1: "the starting iterate is marked in red").
    equilibrium : bool or array
        Mark the equilibrium (``field.equilibrium``) or the given point with a black star.
    clip : float, optional
        WGAN weight clipping ``|psi| <= clip``: the forbidden values of the y-axis parameter are shaded
        (M18 Fig. 1c).
    density : float
        Streamline density.
    title : str, optional
    legend : bool
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    names = plane or (field.names[0], field.names[field.n_theta] if field.n_theta < field.n else field.names[1])
    i, j = _index(field, names[0]), _index(field, names[1])
    X, Y, U, V = direction_field(field, params, names, center, xlim, ylim, n)
    ok = np.isfinite(U) & np.isfinite(V)
    Um, Vm = np.where(ok, U, 0.0), np.where(ok, V, 0.0)
    if streamlines:
        kw = {}
        if speed:
            spd = np.hypot(Um, Vm)
            kw = {"color": spd, "cmap": "viridis"}
        else:
            kw = {"color": "0.55"}
        sp = ax.streamplot(X[0], Y[:, 0], np.ma.masked_where(~ok, U), np.ma.masked_where(~ok, V),
                           density=density, linewidth=0.7, arrowsize=0.8, zorder=1, **kw)
        if speed:
            cb = ax.figure.colorbar(sp.lines, ax=ax, shrink=0.85, pad=0.02)
            cb.set_label(r"speed $\|v\|$ in the plane")
    if arrows:
        k = max(1, n // 10)
        ax.quiver(X[::k, ::k], Y[::k, ::k], Um[::k, ::k], Vm[::k, ::k], color="0.35", angles="xy",
                  width=0.004, zorder=2)
    handles = []
    if nullclines:
        ax.contour(X, Y, np.where(ok, U, np.nan), levels=[0.0], colors="tab:cyan", linestyles="--", linewidths=1.0)
        ax.contour(X, Y, np.where(ok, V, np.nan), levels=[0.0], colors="tab:olive", linestyles=":", linewidths=1.2)
        handles += [Line2D([], [], color="tab:cyan", ls="--", label=f"nullcline d{symbol(names[0])}/dt = 0"),
                    Line2D([], [], color="tab:olive", ls=":", label=f"nullcline d{symbol(names[1])}/dt = 0")]
    if clip is not None:
        c = float(clip)
        kw = {"color": "tab:red", "alpha": 0.12, "lw": 0, "zorder": 0}
        ax.axhspan(max(c, ylim[0]), max(ylim[1], c), **kw)
        ax.axhspan(min(ylim[0], -c), min(-c, ylim[1]), **kw)
        handles.append(matplotlib.patches.Patch(color="tab:red", alpha=0.25,
                                                label=f"forbidden |{symbol(names[1])}| > {c:g} (clipping)"))
    for item in trajectories:
        label, tr = item[0], item[1]
        color = item[2] if len(item) > 2 else None
        S = _states(tr)
        if S.ndim != 2 or S.shape[1] != field.n:
            raise GandynamicsError(f"trajectory {label!r} has shape {S.shape}; expected (steps, {field.n})")
        fin = np.all(np.isfinite(S), axis=1)
        S = S[fin]
        line, = ax.plot(S[:, i], S[:, j], color=color, lw=1.2, label=label, zorder=3)
        ax.plot(S[-1, i], S[-1, j], marker="o", ms=3, color=line.get_color(), zorder=4)
        ax.plot(S[0, i], S[0, j], "o", color="red", ms=5, zorder=5)
        handles.append(line)
    if trajectories:
        handles.append(Line2D([], [], color="red", marker="o", ls="", label="start"))
    if equilibrium is not False and equilibrium is not None:
        e = field.equilibrium if equilibrium is True else np.asarray(equilibrium, float)
        if e is not None:
            h, = ax.plot(e[i], e[j], "*", color="black", ms=9, zorder=6, label="equilibrium")
            handles.append(h)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(symbol(names[0]))
    ax.set_ylabel(symbol(names[1]))
    if title:
        ax.set_title(title)
    if legend and handles:
        ax.legend(handles=handles, loc="lower left")
    return ax


# ---------------------------------------------------------------------------------------------- eigenvalue loci
def locus_data(field, parameter: str, values, params=None):
    """Eigenvalues of ``J = Dv`` at the equilibrium as one hyperparameter varies.

    The equilibrium is found (or verified) for every value by :func:`gandynamics.analysis.spectrum`, so a
    regularizer that moves it (a Tikhonov anchor) is handled.

    Returns
    -------
    values : array (m,)
    eigenvalues : complex array (m, n), each row sorted by spectrum's order (real part descending)
    """
    from .analysis import spectrum
    name = _strength(field, parameter)
    vals = np.asarray(values, float)
    base = dict(params or {})
    rows = []
    for g in vals:
        rep = spectrum(field, {**base, name: float(g)})
        if not rep.differentiable:
            raise GandynamicsError(f"{field.name}: no Jacobian at the equilibrium for {name} = {g:g} ({rep.verdict})")
        rows.append(rep.eigenvalues)
    return vals, np.array(rows)


def critical_strength(field, parameter: str, bounds, params=None, xatol: float = 1e-10) -> dict:
    """The strength that minimises the spectral abscissa ``max Re lambda(J)`` on ``bounds``.

    For R1 on the Dirac-GAN this is M18's critical regularization ``gamma = 2 f'(0)`` ("locally rotation
    free", docs/mathematics.md §1.7), where the complex pair meets the real axis; it is found numerically (coarse
    scan, then bounded Brent) from the field, not typed in.

    Returns
    -------
    dict with ``value``, ``abscissa`` and ``eigenvalues`` at the minimiser.
    """
    from .analysis import spectrum
    name = _strength(field, parameter)
    base = dict(params or {})

    def absc(g):
        return float(spectrum(field, {**base, name: float(g)}).spectral_abscissa)

    lo, hi = map(float, bounds)
    grid = np.linspace(lo, hi, 61)
    a = np.array([absc(g) for g in grid])
    k = int(np.argmin(a))
    blo, bhi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(absc, bounds=(blo, bhi), method="bounded", options={"xatol": xatol, "maxiter": 500})
    g = float(res.x) if res.fun <= a[k] else float(grid[k])
    rep = spectrum(field, {**base, name: g})
    return {"parameter": name, "value": g, "abscissa": float(rep.spectral_abscissa), "eigenvalues": rep.eigenvalues}


def _field_of(game, regularizer):
    from .field import VectorField
    from .games import make_game
    from .regularizers import Regularizer, make_regularizer
    if hasattr(game, "compiled") and hasattr(game, "DF"):
        return game
    if isinstance(game, str):
        game = make_game(game)
    regs = []
    for r in ([] if regularizer is None else (regularizer if isinstance(regularizer, (list, tuple)) else [regularizer])):
        regs.append(make_regularizer(r) if isinstance(r, str) else r)
        if not isinstance(regs[-1], Regularizer):
            raise GandynamicsError(f"not a regularizer: {r!r}")
    return VectorField(game, regs)


def eigenvalue_locus(game, regularizer, parameter: str, values, params=None, *, critical: bool = True,
                     data=None, label: str | None = None, marker: str = "o", size: float = 18, cmap: str = "viridis",
                     colorbar: bool = True, title: str | None = None, ax=None):
    r"""Eigenvalues of ``J = Dv`` in the complex plane as a regularization strength varies.

    Parameters
    ----------
    game : Game, GAN, VectorField or str
        The game (a registered name is built with defaults); a VectorField is used as is.
    regularizer : Regularizer, str or None
        Applied to ``game`` (ignored when ``game`` is a VectorField).
    parameter : str
        The strength that varies (``gamma``, ``sigma``, ``eta``...).
    values : array
    params : mapping, optional
        Other hyperparameters.
    critical : bool
        Mark the strength minimising the spectral abscissa (:func:`critical_strength`), computed from the
        field on ``[min(values), max(values)]``.
    data : tuple, optional
        ``(values, eigenvalues)`` from :func:`locus_data` (to avoid recomputing).
    label, marker, size, cmap, colorbar, title, ax : drawing options; points are coloured by the strength.

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    fld = _field_of(game, regularizer)
    vals, eigs = data if data is not None else locus_data(fld, parameter, values, params)
    name = _strength(fld, parameter)
    V = np.repeat(vals[:, None], eigs.shape[1], axis=1)
    sc = ax.scatter(eigs.real.ravel(), eigs.imag.ravel(), c=V.ravel(), cmap=cmap, marker=marker, s=size,
                    label=label or f"eigenvalues ({symbol(name)} varies)", zorder=3)
    if colorbar:
        cb = ax.figure.colorbar(sc, ax=ax, shrink=0.85, pad=0.02)
        cb.set_label(symbol(name))
    ax.axhline(0, color="0.6", lw=0.8, zorder=1)
    ax.axvline(0, color="0.6", lw=0.8, zorder=1)
    if critical:
        c = critical_strength(fld, parameter, (float(vals.min()), float(vals.max())), params)
        e = c["eigenvalues"]
        ax.plot(e.real, e.imag, "*", color="tab:red", ms=12, zorder=5,
                label=f"critical {symbol(name)} = {c['value']:.4g} (min. abscissa {c['abscissa']:.3g})")
    ax.set_xlabel(r"Re $\lambda$")
    ax.set_ylabel(r"Im $\lambda$")
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left")
    return ax


# ---------------------------------------------------------------------------------------------- rate maps
def rate_map(field, method: str, gamma, step, params=None, *, parameter: str = "gamma", rho=None, measured=None,
             vmax: float = 1.5, title: str | None = None, ax=None, **options):
    r"""The exact local rate ``rho`` (spectral radius of the linearised iteration, docs/mathematics.md §5.4) over a
    (strength, step) grid, with the ``rho = 1`` contour and optional measured rates on top.

    Parameters
    ----------
    field : VectorField
    method : str
        A method name of :data:`gandynamics.analysis.rates.RATE_METHODS` (gd, altgd, eg, eftp, ...).
    gamma, step : 1-D arrays
        Strength values (x-axis) and step sizes (y-axis).
    params : mapping, optional
    parameter : str
        The strength varied along the x-axis.
    rho : array (len(step), len(gamma)), optional
        Precomputed rates (e.g. from :func:`rate_grid`); computed with the rates module otherwise.
    measured : tuple, optional
        ``(gammas, steps, rates)`` measured from simulated trajectories, drawn as numbered markers.
    vmax : float
        Upper end of the colour scale (rates above it are shown saturated).
    options : passed to the rate function (``n_g``, ``n_d``, ``beta``).

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax, figsize=(4.8, 3.8))
    G, H = np.asarray(gamma, float), np.asarray(step, float)
    R = np.asarray(rho, float) if rho is not None else rate_grid(field, method, G, H, params, parameter=parameter, **options)
    if R.shape != (H.size, G.size):
        raise GandynamicsError(f"rate grid has shape {R.shape}; expected ({H.size}, {G.size})")
    from matplotlib.colors import TwoSlopeNorm
    norm = TwoSlopeNorm(vmin=max(0.0, float(np.nanmin(R))) if np.nanmin(R) < 1 else 0.0, vcenter=1.0, vmax=vmax)
    pc = ax.pcolormesh(G, H, np.clip(R, None, vmax), cmap="RdYlGn_r", norm=norm, shading="auto", zorder=1)
    cb = ax.figure.colorbar(pc, ax=ax, pad=0.02)
    cb.set_label(r"local rate $\rho$ (spectral radius)")
    handles = []
    if np.nanmin(R) < 1 < np.nanmax(R):
        ax.contour(G, H, R, levels=[1.0], colors="black", linewidths=1.4, zorder=3)
        handles.append(Line2D([], [], color="black", lw=1.4, label=r"$\rho = 1$ (computed)"))
    if measured is not None:
        mg, mh, mr = (np.asarray(a, float) for a in measured)
        ax.scatter(mg, mh, c=np.clip(mr, None, vmax), cmap="RdYlGn_r", norm=norm, edgecolors="black", s=36,
                   zorder=4, marker="s")
        handles.append(Line2D([], [], color="black", marker="s", ls="", mfc="white", label="measured rate"))
    ax.set_xlabel(symbol(_strength(field, parameter)))
    ax.set_ylabel("step $h$")
    ax.set_xlim(G.min(), G.max())
    ax.set_ylim(H.min(), H.max())
    ax.grid(False)
    if title:
        ax.set_title(title)
    if handles:
        ax.legend(handles=handles, loc="upper left")
    return ax


def rate_grid(field, method: str, gamma, step, params=None, *, parameter: str = "gamma", **options):
    """``rho[i, j]``: the exact local rate of ``method`` at step ``step[i]`` and strength ``gamma[j]``,
    i.e. the spectral radius of the iteration matrix linearised at the equilibrium
    (:func:`gandynamics.analysis.rates.local_rate` with ``A = DF(z*)``; docs/mathematics.md §0.4, §5.4)."""
    from .analysis.rates import local_rate
    from .analysis.spectrum import find_equilibrium
    name = _strength(field, parameter)
    base = dict(params or {})
    G, H = np.asarray(gamma, float), np.asarray(step, float)
    R = np.empty((H.size, G.size))
    for j, g in enumerate(G):
        pj = {**base, name: float(g)}
        zs, _ = find_equilibrium(field, pj)
        A = field.eval_DF(zs, pj)
        for i, h in enumerate(H):
            R[i, j] = local_rate(method, A, float(h), n_theta=field.n_theta, **options)
    return R


# ---------------------------------------------------------------------------------------------- convergence
def convergence(trajectories, *, rates: Mapping | None = None, every: int = 1, anchor: float = 0.2,
                floor: float = 1e-14, title: str | None = None, legend: str = "auto", ax=None):
    r"""Distance to the equilibrium against iteration (log scale), with the predicted rate as a slope.

    Parameters
    ----------
    trajectories : sequence
        Items ``(label, distances)`` or ``(label, distances, color)``; ``distances`` is an array or an
        object with ``.distance`` (a :class:`gandynamics.simulate.Trajectory`, recorded every ``every``
        steps; its ``record_every`` is used when present).
    rates : mapping label -> float, optional
        Predicted local rates ``rho``: the line ``d_k0 * rho^(k - k0)`` is drawn dashed, anchored on the
        curve at ``k0 = anchor * k_max`` (past the transient).
    floor : float
        Distances below this are not drawn (round-off).
    legend : str
        A matplotlib legend location, or ``"auto"``: ``"best"`` up to six curves, outside on the right beyond.

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax, figsize=(4.8, 3.6))
    rates = dict(rates or {})
    for item in trajectories:
        label, tr = item[0], item[1]
        color = item[2] if len(item) > 2 else None
        d = np.asarray(getattr(tr, "distance", tr), float)
        ev = int(getattr(tr, "record_every", every) or every)
        k = np.arange(d.size) * ev
        ok = np.isfinite(d) & (d > floor)
        line, = ax.semilogy(k[ok], d[ok], color=color, label=label)
        if label in rates and rates[label] is not None and np.any(ok):
            rho = float(rates[label])
            idx = np.flatnonzero(ok)
            i0 = idx[min(len(idx) - 1, int(anchor * len(idx)))]
            kk = np.linspace(k[i0], k[idx[-1]], 50)
            pred = d[i0] * rho ** (kk - k[i0])
            keep = pred > floor
            ax.semilogy(kk[keep], pred[keep], ls="--", color=line.get_color(), lw=1.0, alpha=0.9,
                        label=fr"predicted $\rho$ = {rho:.4f}")
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel(r"distance to equilibrium $\|z_k - z^*\|$")
    if title:
        ax.set_title(title)
    if legend == "outside" or (legend == "auto" and len(ax.get_lines()) > 6):  # keep the legend off the data
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    else:
        ax.legend(loc="best" if legend == "auto" else legend)
    return ax


# ---------------------------------------------------------------------------------------------- factors
def factor_data(game, regularizers: Mapping, parameter: str, values, params=None) -> dict:
    """Phase and conditioning factors (docs/mathematics.md §0.5, §3.3) of ``J`` at the equilibrium for several
    regularizers as their strength varies.

    Parameters
    ----------
    game : Game or GAN
    regularizers : mapping label -> Regularizer or None
        ``None`` is the unregularized game (constant in the strength).
    parameter : str
        The strength key of each regularizer (``gamma``; for NK give the regularizer ``eta`` and the
        values are mapped through ``eta = gamma/2``, docs/mathematics.md §0.3, when ``parameter`` is not its key).
    values : array

    Returns
    -------
    dict label -> dict with ``values``, ``eigenvalues`` (m, n), ``phase``, ``conditioning``.
    """
    from .analysis import conditioning_factor, phase_factor
    vals = np.asarray(values, float)
    out = {}
    for label, reg in regularizers.items():
        fld = _field_of(game, reg)
        if reg is None:
            from .analysis import spectrum
            e = spectrum(fld, params).eigenvalues
            eigs = np.repeat(e[None, :], vals.size, axis=0)
        else:
            key = parameter if parameter in reg.defaults else next(iter(reg.defaults))
            scale = 0.5 if (key == "eta" and parameter != "eta") else 1.0
            _, eigs = locus_data(fld, key, vals * scale, params)
        out[label] = {"values": vals, "eigenvalues": eigs,
                      "phase": np.array([phase_factor(r) for r in eigs]),
                      "conditioning": np.array([conditioning_factor(r) for r in eigs])}
    return out


def factors(game, regularizers: Mapping, parameter: str, values, params=None, *, which: str = "phase",
            data: dict | None = None, title: str | None = None, ax=None):
    r"""Phase factor ``max |Im lambda|/|Re lambda|`` or conditioning factor ``max|lambda|/min|lambda|`` of
    ``J`` against the regularization strength, one curve per regularizer (Nie & Patel 2019, §3; docs/mathematics.md
    §3.3–3.4).

    Parameters
    ----------
    game, regularizers, parameter, values, params : see :func:`factor_data`.
    which : ``"phase"`` or ``"conditioning"``
    data : dict, optional
        The output of :func:`factor_data` (to avoid recomputing).

    Returns
    -------
    ax : matplotlib Axes
    """
    if which not in ("phase", "conditioning"):
        raise GandynamicsError(f"which must be 'phase' or 'conditioning', got {which!r}")
    ax = _axes(ax, figsize=(4.6, 3.6))
    data = data if data is not None else factor_data(game, regularizers, parameter, values, params)
    for label, d in data.items():
        y = np.where(np.isfinite(d[which]), d[which], np.nan)
        ls = "--" if label.lower().startswith(("simgd", "none", "unreg")) else "-"
        ax.semilogy(d["values"], y, ls=ls, label=label)
    ax.set_xlabel(symbol(parameter) + " (regularization strength)")
    ax.set_ylabel(r"phase factor $\max|\mathrm{Im}\,\lambda|/|\mathrm{Re}\,\lambda|$" if which == "phase"
                  else r"conditioning $\max|\lambda|/\min|\lambda|$")
    if title:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax
