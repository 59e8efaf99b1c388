"""The phase and conditioning factors of regularizers as their strength varies (:func:`factor_data`, :func:`factors`)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
from matplotlib.lines import Line2D

from ..errors import GandynamicsError
from ._coinciding import _mark_coinciding
from ._fit import _legend_outside, _readable_log, _title_with_notes
from ._loci import _field_of, _locus_reports
from ._style import TRAJECTORY_COLORS, _axes, symbol


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
    dict label -> dict with ``values``, ``eigenvalues`` (m, n), ``phase``, ``conditioning`` (eigenvalue
    ratio) and ``singular`` (``sigma_max(J)/sigma_min(J)``, :attr:`SpectralReport.singular_condition`).
    """
    from ..analysis import conditioning_factor, phase_factor
    vals = np.asarray(values, float)
    out = {}
    for label, reg in regularizers.items():
        fld = _field_of(game, reg)
        if reg is None:
            from ..analysis import spectrum
            rep = spectrum(fld, params)
            eigs = np.repeat(rep.eigenvalues[None, :], vals.size, axis=0)
            sing = np.full(vals.size, float(rep.singular_condition))
        else:
            key = parameter if parameter in reg.defaults else next(iter(reg.defaults))
            scale = 0.5 if (key == "eta" and parameter != "eta") else 1.0
            reps = _locus_reports(fld, key, vals * scale, params)
            eigs = np.array([r.eigenvalues for r in reps])
            sing = np.array([float(r.singular_condition) for r in reps])
        out[label] = {"values": vals, "eigenvalues": eigs,
                      "phase": np.array([phase_factor(r) for r in eigs]),
                      "conditioning": np.array([conditioning_factor(r) for r in eigs]),
                      "singular": sing}
    return out


#: triangles of :func:`factors` closer than this fraction of the strengths' span are at one place
_MARKER_NEAR = 0.02


def _near_strengths(a: float, b: float, values) -> bool:
    """Whether the strengths ``a`` and ``b`` lie within :data:`_MARKER_NEAR` of the span of ``values`` of each other on
    a linear axis or, for positive strengths, on a log one: :func:`factors` draws a linear x axis that a caller may
    make logarithmic (jare-factors does), and a triangle must not hide another on either."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size < 2:
        return True
    if abs(a - b) <= _MARKER_NEAR * (float(np.ptp(v)) or 1.0):
        return True
    return bool(np.all(v > 0)) and abs(np.log10(a / b)) <= _MARKER_NEAR * (float(np.ptp(np.log10(v))) or 1.0)


def factors(game, regularizers: Mapping, parameter: str, values, params=None, *, which: str = "phase",
            data: dict | None = None, title: str | None = None, colors=None, ax=None):
    r"""Phase factor ``max |Im lambda|/|Re lambda|``, conditioning factor ``max|lambda|/min|lambda|`` or
    singular-value condition number of ``J`` against the regularization strength, one curve per regularizer (Nie & Patel 2019, §3; docs/mathematics.md
    §3.3–3.4).

    Parameters
    ----------
    game, regularizers, parameter, values, params : see :func:`factor_data`.
    which : ``"phase"``, ``"conditioning"`` (eigenvalue ratio) or ``"singular"`` (``sigma_max(J)/sigma_min(J)``)
    data : dict, optional
        The output of :func:`factor_data` (to avoid recomputing).
    title, ax : the title (wrapped to the width the axes' cell gives it) and the axes to draw into; the legend goes
        under the axes, or where the figure has room (gandynamics.plotting's "fitting to the figure").
    colors : sequence of matplotlib colours, optional
        One per curve, in the order of ``regularizers`` (or ``data``): the colours the same regularizers have in the
        figure's other panels.  Default :data:`TRAJECTORY_COLORS` in order (Okabe and Ito's: matplotlib's default
        cycle put a green beside a red, which deuteranopes do not tell apart).

    Returns
    -------
    ax : matplotlib Axes
    """
    if which not in ("phase", "conditioning", "singular"):
        raise GandynamicsError(f"which must be 'phase', 'conditioning' or 'singular', got {which!r}")
    ax = _axes(ax, figsize=(4.6, 3.6))
    data = data if data is not None else factor_data(game, regularizers, parameter, values, params)
    real_from = False
    shown = []  # (line, indices, values, free): curves that lie on an earlier one get markers (_mark_coinciding)
    marks: list[float] = []  # the strengths already marked by a triangle: one at the same place goes above it
    from matplotlib.transforms import offset_copy
    palette = list(colors) if colors is not None else list(TRAJECTORY_COLORS)
    if not palette:
        raise GandynamicsError("colors must name at least one colour (one per curve)")
    for k, (label, d) in enumerate(data.items()):
        color = palette[k % len(palette)]
        y = np.where(np.isfinite(d[which]), d[which], np.nan)
        # a zero phase factor (every eigenvalue real) has no place on the log axis: the curve stops there and a
        # triangle on the axis marks the first such strength (it was drawn as a vertical drop off the axes)
        zero = y <= 0 if which == "phase" else np.zeros(y.shape, bool)
        y = np.where(zero, np.nan, y)
        if label.lower().startswith(("simgd", "none", "unreg")):  # the reference: dashed, on top, with a halo
            from matplotlib import patheffects
            line, = ax.semilogy(d["values"], y, ls=(0, (4, 2.5)), lw=1.1, zorder=4, label=label, color=color,
                                path_effects=[patheffects.withStroke(linewidth=2.6, foreground="white")])
        else:
            line, = ax.semilogy(d["values"], y, ls="-", label=label, color=color)
        ok = np.isfinite(y) & (y > 0)
        if not ok.any():  # nothing of it on the log axis: its legend entry says so (it was listed as if drawn)
            raw = np.asarray(d[which], float)
            why = ("infinite throughout (eigenvalues on the imaginary axis)" if which == "phase" and np.all(raw == np.inf)
                   else "infinite throughout" if np.all(raw == np.inf) else "0 throughout" if np.all(raw == 0)
                   else "no finite positive value")
            line.set_label(f"{label}: {why}, not drawn")
        if np.count_nonzero(ok) >= 2:  # (a curve with no point on the log axis -- real from the start -- is none)
            shown.append((line, np.flatnonzero(ok), y[ok], line.get_linestyle() == "-"))
        if zero.any():
            # (consensus and JARE turn real at the same strength: the second triangle hid under the first; a triangle
            # within a marker's width of an earlier one is stacked above it)
            x0 = float(np.asarray(d["values"])[np.argmax(zero)])
            above = sum(1 for m in marks if _near_strengths(x0, m, d["values"]))
            marks.append(x0)
            ax.plot([x0], [0.0], marker="v", ms=7, ls="", clip_on=False, color=line.get_color(), mec="black", mew=0.6,
                    zorder=6, label="_real_from",
                    transform=offset_copy(ax.get_xaxis_transform(), fig=ax.figure, y=8.0 * above, units="points"))
            real_from = True
    _mark_coinciding(shown, near=True)
    ax.set_xlabel(symbol(parameter) + " (regularization strength)")
    ax.set_ylabel({"phase": r"phase factor $\max|\mathrm{Im}\,\lambda|/|\mathrm{Re}\,\lambda|$",
                   "conditioning": r"conditioning $\max|\lambda|/\min|\lambda|$",
                   "singular": r"conditioning $\sigma_{\max}(J)/\sigma_{\min}(J)$"}[which])
    if title:
        _title_with_notes(ax, title, [])
    _readable_log(ax, "y")
    handles = ax.get_legend_handles_labels()[0]
    if real_from:
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], marker="v", ms=7, ls="", color="0.6", mec="black", mew=0.6,
                              label="phase factor 0 from here on (eigenvalues real)"))
    _legend_outside(ax, loc="below", handles=handles)
    if title:
        _title_with_notes(ax, title, [])
    return ax
