"""Convergence curves: the distance to the equilibrium of runs per step on a log scale, with their predicted or
certified rates (:func:`convergence`)."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from ..errors import GandynamicsError
from ._coinciding import (MARKER_WORDS, PREDICTION_HEADROOM, _Overlaid, _coinciding_rates_text, _drawn_copy,
                          _interleave_coinciding, _line_decades, _mark_coinciding, short_label)
from ._colors import INTERLEAVED_WIDTH, certified_tint, interleaved_shade, predicted_shade
from ._fit import _legend_outside, _length_room, _readable_log, _shorten, _title_with_notes
from ._runs import _told_apart, trajectory_items
from ._style import _axes, number_text, style


#: the legend's words for the rates of :func:`convergence`: a prediction (a local rate) or a certified upper bound; the
#: relation outside the mathtext, spaced as the equals sign (mathtext spaces a relation only between two operands:
#: ``$\rho \leq$ 0.9975`` was drawn "ρ≤ 0.9975", a figure review)
RATE_KINDS = {"predicted": r"predicted $\rho$ = {}", "certified": r"certified $\rho$ ≤ {}"}


def _measured_rate(tr) -> str:
    """The measured rate per step of a :class:`gandynamics.simulate.Trajectory` that converged at a rate (its fit), to
    four decimals; "" for anything else (an array of distances, a run without a rate, an algebraic decay)."""
    rate = getattr(tr, "rate", None)
    if not isinstance(rate, (float, np.floating)) or not math.isfinite(rate) or not 0.0 < rate:
        return ""
    if getattr(tr, "verdict", "") != "converging" or (getattr(tr, "reading", None) or {}).get("algebraic"):
        return ""
    return f"{float(rate):z.4f}"


def convergence(trajectories, *, rates=None, every: int = 1, anchor: float = 0.2,
                floor: float = 1e-14, title: str | None = None, legend: str = "auto", ax=None,
                rate_kind: str = "predicted"):
    r"""Distance to the equilibrium against iteration (log scale), with the predicted rate as a slope.

    Parameters
    ----------
    trajectories : sequence
        :class:`gandynamics.simulate.Trajectory` objects (labelled by their method), or items ``(label, distances)``,
        ``(label, distances, color)`` or ``(label, distances, color, linestyle)``
        (a linestyle tells apart curves that coincide; without one, a curve that would hide an earlier one is drawn
        as open markers on it, so that both show, its legend entry ending in ``(circles on EFTP's line)``); ``distances`` is an array or an
        object with ``.distance`` (a :class:`gandynamics.simulate.Trajectory`, recorded every ``every``
        steps; its ``record_every`` is used when present).  Runs that would be labelled alike (several runs of one
        method) are told apart by what differs between them (``gd, h = 0.2`` and ``gd, h = 0.4``; the step, the
        start, hyperparameters, method options; else a number), and runs of one method in shades of its colour.
    rates : mapping label -> float, or sequence of float or None, optional
        Predicted local rates ``rho``: the line ``d_k0 * rho^(k - k0)`` is drawn dashed in its run's colour,
        anchored on the curve at ``k0 = anchor * k_max`` (past the transient).  A mapping is looked up by the run's
        label as drawn, then as given, then by its method (``{"gd": 0.97}`` applies to every run labelled ``gd`` or
        of gd; ``{"momentum": 0.82}`` to a run drawn as ``momentum (β = −0.5)``); a key that names no run is refused
        with the labels and methods it may name, and a method's name for runs of it at different options (two
        betas: key each by its label); a sequence gives
        one rate per run, in the order of ``trajectories``.  A run with a rate has one legend entry showing its
        curve and its dashed prediction side by side (``gd, h = 0.2: predicted rho = 0.9747``), followed by the rate
        measured on the run where it is a converging Trajectory (``, measured 0.9747``).
    floor : float
        Distances below this are not drawn (round-off); a run whose distances fall below it before its end says in
        its key after which step (``gd (below 1e-14 after k = 289)``).
    legend : str
        ``"auto"``/``"outside"``: beside the axes on the right (never over the data), or where the figure has no
        room there (a figure without layout engine, a small one) below them or inside (see :data:`MIN_SHARE`);
        ``"below"``: under the x label first (long entries: the plot keeps the figure's width); or a matplotlib
        location.
    title : str, optional
        Wrapped to the width the axes' cell gives it.  (The y label is shortened to ``||z_k - z*||`` on a plot
        shorter than it.)
    rate_kind : {"predicted", "certified"}
        What the rates are, in the legend (:data:`RATE_KINDS`): ``predicted rho = ...`` (local rates, the default) or
        ``certified rho <= ...`` (upper bounds, as a certified ball's rate), whose dashes take a tint of their run's
        colour (:func:`certified_tint`: each bound in its method's hue) where predictions take a dark shade of it
        (:func:`predicted_shade`: they lie on the run).  Rates whose lines lie on one another (within a line's width:
        EG's 0.9911 and EFTP's 0.9913 from one start) are drawn as one line of interleaved dashes in their colours
        (predictions in :func:`interleaved_shade`: a lighter shade of each one's colour than a lone prediction's),
        and the key says so in an entry of its own showing that line (``EG and EFTP: certified rates 0.9911 and
        0.9913, one line at this scale, its dashes alternating``).

    Returns
    -------
    ax : matplotlib Axes
        With ``ax.coinciding_rates``: a ``(runs, words)`` per line of several rates, ``runs`` their ``(label, rho)``
        and ``words`` the key's entry for it (for a caption to say too).

    Raises
    ------
    GandynamicsError
        No runs, an unknown ``rate_kind``, a rate that is not a number > 0, a key of ``rates`` that names no run, a
        sequence of rates of another length than the runs, a negative
        floor, an anchor outside [0, 1], or ``every`` not a whole number >= 1.
    """
    raw = trajectory_items(trajectories, "convergence")
    if not raw:
        raise GandynamicsError("convergence: no trajectories to draw; give Trajectory objects (from simulate) or "
                               "(label, distances) tuples")
    from ..validate import nonnegative, positive, real, whole
    items = _told_apart(raw)
    if rates is None or isinstance(rates, Mapping):
        given = dict(rates or {})
        rates = {k: (None if v is None else positive(v, f"rates[{k!r}]")) for k, v in given.items()}
        # by the label drawn, as given, then the run's method (``{"momentum": 0.95}`` for a run labelled ``momentum
        # (β = −0.5)``: it drew nothing, and a key that matched no run was ignored, a new user's finding)
        names = [(new[0], old[0], getattr(old[1], "method", None)) for new, old in zip(items, raw)]
        per_run = [next((rates[k] for k in keys if k in rates), None) for keys in names]
        known = list(dict.fromkeys(k for keys in names for k in keys if k is not None))
        unmatched = [k for k in rates if k not in known]
        if unmatched:
            from ..errors import names_refusal
            raise GandynamicsError("convergence: " + names_refusal(unmatched, "rates key", known))
        for k in rates:  # a method's name for runs of it at different options (momentum at two betas): not one rate
            runs = list(dict.fromkeys(old for new, old, m in names if m == k and k not in (new, old)))
            if len(runs) > 1:
                raise GandynamicsError(f"convergence: rates key {k!r} names runs of {k} at different options "
                                       f"({', '.join(runs)}), whose rates differ; key each by its label")
    else:
        try:
            per_run = list(rates)
        except TypeError:
            raise GandynamicsError(f"rates must be a mapping label -> rate or a sequence of rates, got "
                                   f"{type(rates).__name__}") from None
        if len(per_run) != len(items):
            raise GandynamicsError(f"rates gives {len(per_run)} rates for {len(items)} runs")
        per_run = [None if v is None else positive(v, f"rates[{k}]") for k, v in enumerate(per_run)]
    floor = nonnegative(floor, "floor")
    every = whole(every, "every", lo=1)
    anchor = real(anchor, "anchor", lo=0.0, hi=1.0)
    ax = _axes(ax, figsize=(4.8, 3.6))
    if rate_kind not in RATE_KINDS:
        raise GandynamicsError(f"rate_kind must be one of {', '.join(RATE_KINDS)}, got {rate_kind!r}")
    texts = [None if rho is None else RATE_KINDS[rate_kind].format(f"{float(rho):z.4f}") for rho in per_run]
    # beside it the rate measured on the run (a Trajectory's fit), so that curves of close rates drawn on one another
    # can be checked by their numbers (three variants within 0.01 of each other, a figure review)
    texts = [t if t is None or not _measured_rate(tr) else f"{t}, measured {_measured_rate(tr)}"
             for t, (_, tr, _, _) in zip(texts, items)]
    # each run's legend entry shows its curve and its prediction side by side, the rate in its words: listed apart,
    # the predictions' dark dashes could not be told from one another (the figure review), and predictions of equal
    # rates (several runs of one method given one rate; two methods of one rate) were listed alike
    paired = any(t is not None for t in texts)
    drawn, k_end, empty, entries, shown, predicted, pred_runs, run_colors = False, 0, [], [], [], [], [], []
    # the predictions stay within PREDICTION_HEADROOM of the largest distance drawn: a rate above 1 of a run that stays
    # bounded (an iteration that is locally unstable but held by the nonlinearity) ran its dashes to 1e47 and set the
    # axis, the runs squeezed into its bottom (a figure review)
    tops = [float(np.max(dd[np.isfinite(dd) & (dd > floor)])) for dd in
            (np.asarray(getattr(tr, "distance", tr), float) for _, tr, _, _ in items) if np.any(np.isfinite(dd) & (dd > floor))]
    ceiling = PREDICTION_HEADROOM * max(tops) if tops else math.inf
    for (label, tr, color, style), rho, text in zip(items, per_run, texts):
        d = np.asarray(getattr(tr, "distance", tr), float)
        ev = int(getattr(tr, "record_every", every) or every)
        k = np.arange(d.size) * ev
        ok = np.isfinite(d) & (d > floor)
        drawn, k_end = drawn or bool(np.any(ok)), max(k_end, int(k[-1]) if k.size else 0)
        # a run with nothing to draw says why in the legend: no distance above the floor (started at z*, or there at
        # once), or no finite one at all (a run that overflowed at once)
        why = "" if np.any(ok) else (f" (all \u2264 {number_text(floor, '.3g')})" if np.any(np.isfinite(d)) else " (no finite distance)")
        if np.any(ok) and not ok[-1] and np.all(np.isfinite(d[np.flatnonzero(ok)[-1]:])):
            # a run that fell below the floor before its end: its line stops there, and says so (EG and EFTP ended at k
            # = 289 of 300 in basin_dirac_convergence, unexplained, a new user)
            # (words, not "(≤ ...": a relation is spaced on both sides in every text of a figure)
            why = f" (below {number_text(floor, '.3g')} after k = {int(k[np.flatnonzero(ok)[-1]]):,})"
        line, = ax.semilogy(k[ok], d[ok], color=color, ls=style if style is not None else "-", label=label + why)
        if np.any(ok):
            shown.append((line, k[ok], d[ok], style is None))
        empty.append(why)
        entries.append(([line], label + why))
        if rho is not None and np.any(ok):
            rho = float(rho)
            idx = np.flatnonzero(ok)
            i0 = idx[min(len(idx) - 1, int(anchor * len(idx)))]
            kk = np.linspace(k[i0], k[idx[-1]], 50)
            with np.errstate(over="ignore"):
                pred = d[i0] * rho ** (kk - k[i0])
            keep = (pred > floor) & (pred <= ceiling)
            # dashed and thinner, above the measured curve, in a darker shade of its colour: visible where the two
            # coincide, with the measured line showing on both sides of it (a white halo wider than the measured line
            # made every measured curve look dashed where the prediction held: the figure review)
            shade = certified_tint if rate_kind == "certified" else predicted_shade
            p_line, = ax.semilogy(kk[keep], pred[keep], ls=(0, (4, 2.5)), color=shade(line.get_color()),
                                  lw=1.3 if rate_kind == "certified" else 1.0, zorder=4, label=text)
            if np.any(keep):
                predicted.append((p_line, kk[keep][0], kk[keep][-1], math.log10(pred[keep][0]), math.log10(rho)))
                pred_runs.append((label, rho))
                run_colors.append(line.get_color())
            if paired:
                entries[-1] = ([line, p_line], f"{label}{why}: {text}")
            else:
                entries.append(([p_line], text))
    _mark_coinciding(shown)
    # a curve drawn as markers on another's line says so at the end of its entry, naming the markers and the other
    # curve by its short name (EG's circles on EFTP's line in the basin figure read as a missing curve: the figure
    # review; "EG (start in B_r) (markers on the line of EFTP (start in B_r))" nested parentheses: the next one)
    marked = False
    names = [ln.get_label() for ln, _, _, _ in shown]
    for e, (h, t) in enumerate(entries):
        on = getattr(h[0], "_gandynamics_on", None)
        if on is not None:
            words = MARKER_WORDS.get(h[0].get_marker(), "markers")
            entries[e] = (h, f"{t} ({words} on {short_label(on, names)}'s line)")
            marked = True
    ax.coinciding_rates = []
    if shown:
        for g in _interleave_coinciding(predicted, max(_line_decades(shown), math.log10(1.01))):
            # one line on the plot of its runs' rates, its dashes alternating in their colours: said in a key entry of
            # its own, drawn as it is (EG's and EFTP's certified lines in the basin study, 0.9911 and 0.9913, were
            # one line of alternating dashes that no entry named: the figure review)
            members = [predicted[i][0] for i in g]
            if rate_kind == "predicted":  # (each its hue, not the near-black of predicted_shade, and as wide as a
                # certified line's: at a predicted line's width the alternation was not to be seen, a figure review)
                for i in g:
                    predicted[i][0].set_color(interleaved_shade(run_colors[i]))
                    predicted[i][0].set_linewidth(max(predicted[i][0].get_linewidth(), INTERLEAVED_WIDTH))
            runs = [pred_runs[i] for i in g]
            said = _coinciding_rates_text(runs, [lab for lab, _ in pred_runs], rate_kind)
            ax.coinciding_rates.append((runs, said))
            entries.append((_Overlaid(_drawn_copy(line) for line in members), said))
    legend_kw = {}
    if marked and not paired:  # (the entries' words, the lines' own labels left as they are)
        shown_entries = [(h[0], t) for h, t in entries if not t.startswith("_")]
        legend_kw = {"handles": [h for h, _ in shown_entries], "labels": [t for _, t in shown_entries]}
    if paired:
        from matplotlib.legend_handler import HandlerTuple
        legend_kw = {"handles": [h if isinstance(h, _Overlaid) else tuple(h) if len(h) > 1 else h[0]
                                 for h, _ in entries],
                     "labels": [t for _, t in entries], "handler_map": {tuple: HandlerTuple(ndivide=None, pad=0.6),
                                                                         _Overlaid: HandlerTuple(ndivide=1, pad=0.0)},
                     "handlelength": 3.2}
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel(r"distance to equilibrium $\|z_k - z^*\|$")
    if title:
        _title_with_notes(ax, title, [])
    if not drawn:  # nothing above the floor: an empty log axis of matplotlib's default range says nothing
        ax.set_xlim(0, max(k_end, 1))
        lo = floor / 10 if floor > 0 else 1e-16
        ax.set_ylim(lo, max(1.0, 100 * lo))
        ax.text(0.5, 0.5, f"every distance\n\u2264 {number_text(floor, '.3g')}" if any("\u2264" in w for w in empty)
                else "no finite distance",
                transform=ax.transAxes, ha="center", va="center", color="0.35")
    _readable_log(ax, "y")
    if legend in ("auto", "outside", "below"):  # never over the data
        leg = _legend_outside(ax, loc="below" if legend == "below" else "right", **legend_kw)
    else:
        leg = ax.legend(loc=legend, **legend_kw)
    # the y label no longer than the plot (it overhung both ends of a short one: past the figure's top)
    _shorten(ax.yaxis.label, (r"distance $\|z_k - z^*\|$", r"$\|z_k - z^*\|$"), _length_room(ax, leg))
    if title:
        _title_with_notes(ax, title, [])
    return ax
