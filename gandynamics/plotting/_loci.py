"""Eigenvalue loci: the spectrum of the Jacobian at the equilibrium as a regularizer's strength varies
(:func:`locus_data`, :func:`eigenvalue_locus`) and the strength where it crosses the imaginary axis
(:func:`critical_strength`)."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from scipy import optimize

from .._palette import OKABE_ITO
from ..errors import GandynamicsError
from ._colors import legible_cmap
from ._fit import _colorbar_width, _legend_outside, _title_with_notes
from ._style import ZERO_LINE_COLOR, _axes, number_text, symbol
from ._windows import _strength, _values


def locus_data(field, parameter: str, values, params=None):
    """Eigenvalues of ``J = Dv`` at the equilibrium as one hyperparameter varies.

    The equilibrium is found (or verified) for every value by :func:`gandynamics.analysis.spectrum`, so a
    regularizer that moves it (a Tikhonov anchor) is handled.

    Returns
    -------
    values : array (m,)
    eigenvalues : complex array (m, n), each row sorted by spectrum's order (real part descending)
    """
    vals = _values(values, "values")
    return vals, np.array([rep.eigenvalues for rep in _locus_reports(field, parameter, vals, params)])


def _locus_reports(field, parameter: str, values, params=None) -> list:
    """:func:`gandynamics.analysis.spectrum` at the equilibrium for every value of one strength."""
    from ..analysis import spectrum
    name = _strength(field, parameter)
    base = dict(params or {})
    out = []
    for g in np.asarray(values, float):
        rep = spectrum(field, {**base, name: float(g)})
        if not rep.differentiable:
            raise GandynamicsError(f"{field.name}: no Jacobian at the equilibrium for {name} = {g:zg} ({rep.verdict})")
        out.append(rep)
    return out


def critical_strength(field, parameter: str, bounds, params=None, xatol: float = 1e-10) -> dict:
    """The strength that minimises the spectral abscissa ``max Re lambda(J)`` on ``bounds``.

    For R1 on the Dirac-GAN this is M18's critical regularization ``gamma = 2 f'(0)`` ("locally rotation
    free", docs/mathematics.md §1.7), where the complex pair meets the real axis; it is found numerically (coarse
    scan, then bounded Brent) from the field, not typed in.

    Returns
    -------
    dict with ``value``, ``abscissa`` and ``eigenvalues`` at the minimiser, and ``interior``: whether it lies
    inside ``bounds`` (more than 1e-6 of their width from each end); at an end the abscissa only keeps falling
    towards it, and the value is no critical strength.
    """
    from ..analysis import spectrum
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
    interior = bool(min(g - lo, hi - g) > 1e-6 * (hi - lo))
    return {"parameter": name, "value": g, "abscissa": float(rep.spectral_abscissa), "eigenvalues": rep.eigenvalues,
            "interior": interior}


def _field_of(game, regularizer):
    from ..field import VectorField
    from ..games import make_game
    from ..regularizers import Regularizer, make_regularizer
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
    label, marker, size, cmap, colorbar, title, ax : drawing options; points are coloured by the strength, in the
        part of ``cmap`` whose colours keep :data:`MIN_CONTRAST` on white (:func:`legible_cmap`).  The
        title is wrapped to the width the axes' cell gives it; the legend goes under the axes (right of them or
        inside where the figure has no room there: gandynamics.plotting's "fitting to the figure").

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    fld = _field_of(game, regularizer)
    vals, eigs = data if data is not None else locus_data(fld, parameter, values, params)
    name = _strength(fld, parameter)
    V = np.repeat(vals[:, None], eigs.shape[1], axis=1)
    # strengths spaced geometrically over two decades or more (np.logspace) coloured on a log scale: on a linear one
    # all but the last few shared the colour map's first shade (a figure review)
    norm = matplotlib.colors.LogNorm(vals.min(), vals.max()) if _geometric(vals) else None
    # (the part of the map whose colours keep MIN_CONTRAST on white: viridis' yellow end was a faint dot, a figure review)
    sc = ax.scatter(eigs.real.ravel(), eigs.imag.ravel(), c=V.ravel(), cmap=legible_cmap(cmap), norm=norm, marker=marker, s=size,
                    label="_locus", zorder=3)
    # the key's marker a neutral grey, on an empty line of its own (a study's legend made anew takes it too): the
    # scatter's own showed the colour map's first shade, read as one strength of the colour bar (a figure review)
    ax.plot([], [], ls="", marker=marker, ms=math.sqrt(size), color=LOCUS_KEY_COLOR,
            label=label or f"eigenvalues ({symbol(name)} varies)")
    beside = []
    if colorbar:
        cb = ax.figure.colorbar(sc, ax=ax, shrink=0.85, pad=0.02)
        cb.set_label(symbol(name))
        beside.append(cb.ax)
    ax.axhline(0, color=ZERO_LINE_COLOR, lw=0.8, zorder=1)
    ax.axvline(0, color=ZERO_LINE_COLOR, lw=0.8, zorder=1)
    if critical:
        c = critical_strength(fld, parameter, (float(vals.min()), float(vals.max())), params)
        e = c["eigenvalues"]
        # (a minimum at an end of the range is no critical strength: the abscissa keeps falling towards it; a new
        # user read "critical gamma = 2" and "= 6" for the ends of two ranges)
        # (open: the points under it stay visible, a locus over a small range lay wholly under the filled stars)
        ax.plot(e.real, e.imag, "*", color=OKABE_ITO["vermillion"], mfc="none", mew=1.3, ms=12, zorder=5,
                label=(f"critical {symbol(name)} = {number_text(c['value'], '.4g')} (min. abscissa {number_text(c['abscissa'], '.3g')})"
                       if c["interior"] else f"no interior minimum: smallest abscissa {number_text(c['abscissa'], '.3g')} at the "
                       f"range's end, {symbol(name)} = {number_text(c['value'], '.4g')}"))
    ax.set_xlabel(r"Re $\lambda$")
    ax.set_ylabel(r"Im $\lambda$")
    # one scale for both axes (the complex plane as it is) unless the locus is far more elongated than LOCUS_ASPECT:
    # then each axis its own (a small range of strengths moved the eigenvalues by 0.005 on an axis of 1: a dot)
    fin = eigs[np.isfinite(eigs)]
    w = float(np.ptp(np.append(fin.real, 0.0))) if fin.size else 0.0
    h = float(np.ptp(np.append(fin.imag, 0.0))) if fin.size else 0.0
    if w == 0 or h == 0 or 1.0 / LOCUS_ASPECT <= h / w <= LOCUS_ASPECT:
        ax.set_aspect("equal", adjustable="datalim")
    if title:
        _title_with_notes(ax, title, [])
    _legend_outside(ax, loc="below", reserve=(_colorbar_width(ax, cb) if colorbar else 0.0, 0.0))
    if title:
        _title_with_notes(ax, title, [], beside=beside)
    return ax


#: the key's marker of an eigenvalue locus coloured by its strength (:func:`eigenvalue_locus`): no colour of the map
LOCUS_KEY_COLOR = "0.3"

#: the most elongated eigenvalue locus (extent of the imaginary parts over that of the real parts, 0 included, or its
#: inverse) drawn with one scale for both axes (:func:`eigenvalue_locus`)
LOCUS_ASPECT = 20.0


def _geometric(values) -> bool:
    """Whether ``values`` (positive, increasing or not) span two decades or more in (nearly) geometric steps."""
    v = np.sort(np.asarray(values, float))
    if v.size < 3 or not v[0] > 0 or v[-1] / v[0] < 100.0:
        return False
    d = np.diff(np.log(v))
    return bool(np.all(d > 0) and np.std(d) <= 0.05 * np.mean(d))
