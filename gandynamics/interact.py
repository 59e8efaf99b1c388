r"""Interactive exploration in Jupyter: sliders for every hyperparameter and the step, method check boxes,
a start point by click; the phase portrait, the eigenvalues of ``J = Dv`` at the equilibrium and the local
rates redraw as they move.

Nothing is re-derived or recompiled while exploring: regularizer strengths and game hyperparameters are
arguments of the compiled code (the parameter vector ``p`` of :class:`gandynamics.field.VectorField`), so a
redraw is a few thousand calls of the compiled ``F`` plus one integration per method.

Needs the optional extra ``notebook`` (ipywidgets): ``pip install -e ".[notebook]"`` from the project's
directory.  With the interactive matplotlib backend (``%matplotlib widget``, ipympl) a click on the phase plane
sets the start point; with the inline backend type it into the start boxes.

>>> from gandynamics import VectorField, R1, games, interact     # doctest: +SKIP
>>> interact(VectorField(games.dirac(), [R1(gamma=0.3)]), methods=("gd", "altgd"))   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .errors import GandynamicsError, install_hint, names_refusal

__all__ = ["interact", "Explorer"]


def _widgets():
    try:
        import ipywidgets
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise GandynamicsError(f"gandynamics.interact needs ipywidgets: {install_hint('notebook')}") from None
    return ipywidgets


def _default_range(name: str, value: float) -> tuple[float, float]:
    if value > 0:
        return 0.0, max(5.0 * value, 2.0)
    if value < 0:
        return min(5.0 * value, -2.0), max(-5.0 * value, 2.0)
    return -2.0, 2.0


class Explorer:
    """The widgets and the figure behind :func:`interact` (an object, so that tests and scripts can drive it).

    Attributes
    ----------
    sliders : dict name -> FloatSlider      one per hyperparameter (``field.defaults``) and ``"step"``
    checkboxes : dict method -> Checkbox
    start : list of FloatText                the start point, one box per parameter
    widget : ipywidgets.VBox                 what the notebook displays
    fig : matplotlib Figure                  three panels: portrait, eigenvalues, local rates
    data : dict                              the numbers of the last redraw: ``params`` (vector), ``step``,
        ``methods``, ``start``, ``field_grid`` ``(X, Y, U, V)``, ``trajectories`` (method -> states),
        ``equilibrium``, ``eigenvalues``, ``rates`` (method -> local rate ``rho``)
    redraws : int                            how many redraws have run
    """

    def __init__(self, field, methods: Sequence[str] = ("gd",), init=None, steps: int = 200, step: float = 0.1,
                 params: Mapping | None = None, *, ranges: Mapping | None = None, step_range=(1e-3, 1.0),
                 plane=None, xlim=None, ylim=None, n: int = 21, methods_offered=None):
        w = _widgets()
        import matplotlib.pyplot as plt
        from .methods import METHODS
        from .plotting import plane_indices
        self.field = field
        self.steps = int(steps)
        if self.steps < 1:
            raise GandynamicsError(f"steps must be >= 1, got {steps!r}")
        from .validate import name_list
        if isinstance(methods_offered, str):  # ("gd,eg": it read the letters as names, a review)
            methods_offered = name_list(methods_offered, "methods_offered")
        offered = list(methods_offered or [m for m in ("gd", "altgd", "eg", "eftp", "ogda", "momentum", "flow")
                                           if m in METHODS])
        methods = name_list(methods, "methods") if isinstance(methods, str) else [str(m).strip() for m in methods]
        bad = [m for m in methods if m not in offered]
        if bad:
            raise GandynamicsError(names_refusal(bad, "method", offered))
        self.plane, i, j = plane_indices(field, plane)
        self.ij = (i, j)
        self.n = int(n)
        p0 = field.param_vector(params)
        ranges = dict(ranges or {})
        unknown = set(ranges) - set(field.defaults)
        if unknown:
            note = field.factory_arguments_note(sorted(k for k in unknown if isinstance(k, str)))
            raise GandynamicsError("ranges: " + names_refusal(unknown, "hyperparameter", field.defaults)
                                   + (f"; {note}" if note else ""))
        self.sliders = {}
        for name, v in zip(field.defaults, p0.tolist()):
            lo, hi = ranges.get(name, _default_range(name, v))
            self.sliders[name] = w.FloatSlider(value=v, min=lo, max=hi, step=(hi - lo) / 200, description=name,
                                               continuous_update=False, readout_format=".3g")
        lo, hi = step_range
        if not 0 < lo < hi:
            raise GandynamicsError(f"step_range must be 0 < lo < hi, got {step_range!r}")
        self.sliders["step"] = w.FloatLogSlider(value=float(step), base=10, min=np.log10(lo), max=np.log10(hi),
                                                step=0.01, description="step h", continuous_update=False,
                                                readout_format=".3g")
        self.checkboxes = {m: w.Checkbox(value=m in methods, description=m, indent=False) for m in offered}
        from .plotting import slice_center
        c = slice_center(field, params)  # (the zero the portrait stars, at the starting hyperparameters)
        if init is None:
            z0 = c.copy()
            z0[self.ij[0]] += 1.0
            z0[self.ij[1]] += 1.0
        else:
            z0 = field.point(init)
        self.center = c
        from .plotting import window_around  # (around the starred zero unless given, as phase_portrait's)
        self.xlim = window_around(c, self.ij[0], xlim, "xlim")
        self.ylim = window_around(c, self.ij[1], ylim, "ylim")
        self.start = [w.FloatText(value=float(v), description=nm, layout=w.Layout(width="160px"))
                      for nm, v in zip(field.names, z0)]
        self.fig, self.axes = plt.subplots(1, 3, figsize=(13.5, 4.3), layout="constrained",
                                           gridspec_kw={"width_ratios": [1.2, 1.0, 0.9]})
        self.fig.canvas.mpl_connect("button_press_event", self.on_click)
        self.out = w.Output()
        self.status = w.HTML()
        self.redraws = 0
        self.data: dict = {}
        for wd in list(self.sliders.values()) + list(self.checkboxes.values()) + self.start:
            wd.observe(self._changed, names="value")
        controls = w.VBox([w.HTML("<b>hyperparameters and step</b>"), *self.sliders.values(),
                           w.HTML("<b>methods</b>"), w.HBox(list(self.checkboxes.values())),
                           w.HTML("<b>start</b> (or click on the phase plane)"), w.HBox(self.start), self.status])
        from matplotlib import get_backend
        self._live_canvas = "ipympl" in get_backend().lower() or "widget" in get_backend().lower()
        self.widget = w.VBox([controls, self.fig.canvas if self._live_canvas else self.out])
        self._hold = False
        self.redraw()

    # ------------------------------------------------------------------ events
    def _changed(self, change) -> None:
        if not self._hold:
            self.redraw()

    def on_click(self, event) -> None:
        """A click on the phase plane moves the start point there (other coordinates unchanged)."""
        if event.inaxes is not self.axes[0] or event.xdata is None or event.ydata is None:
            return
        self._hold = True
        try:
            self.start[self.ij[0]].value = float(event.xdata)
            self.start[self.ij[1]].value = float(event.ydata)
        finally:
            self._hold = False
        self.redraw()

    # ------------------------------------------------------------------ computation and drawing
    def values(self) -> dict:
        """The hyperparameter values on the sliders (name -> value)."""
        return {k: float(s.value) for k, s in self.sliders.items() if k != "step"}

    def compute(self) -> dict:
        """The numbers for the current widget values (no drawing)."""
        from .analysis import spectrum
        from .analysis.rates import RATE_METHODS, local_rate
        from .plotting import direction_field
        from .simulate import simulate
        fld = self.field
        p = fld.param_vector(self.values())
        h = float(self.sliders["step"].value)
        methods = [m for m, cb in self.checkboxes.items() if cb.value]
        z0 = fld.point([b.value for b in self.start])
        grid = direction_field(fld, p, self.plane, self.center, self.xlim, self.ylim, self.n)
        trs = {}
        for m in methods:
            tr = simulate(fld, m, z0, self.steps, h, p)
            trs[m] = tr.states
        rep = spectrum(fld, p)
        eig = np.asarray(rep.eigenvalues, complex) if rep.differentiable else np.array([], complex)
        rates = {}
        if rep.differentiable:
            A = fld.eval_DF(rep.point, p)
            for m in methods:
                if m in RATE_METHODS:
                    rates[m] = float(local_rate(m, A, h, n_theta=fld.n_theta))
        return {"params": p, "step": h, "methods": methods, "start": z0, "field_grid": grid, "trajectories": trs,
                "equilibrium": np.asarray(rep.point, float), "eigenvalues": eig, "rates": rates,
                "verdict": rep.verdict}

    def redraw(self) -> None:
        """Recompute and redraw the three panels."""
        from .plotting import METHOD_COLORS, OKABE_ITO, ZERO_LINE_COLOR, describe, phase_portrait
        try:
            d = self.compute()
        except GandynamicsError as exc:
            self.status.value = f"<span style='color:#b00'>{exc}</span>"
            return
        self.status.value = f"equilibrium: {d['verdict']}"
        self.data = d
        ax0, ax1, ax2 = self.axes
        for a in self.axes:
            a.clear()
        trs = [(m, d["trajectories"][m], METHOD_COLORS.get(m)) for m in d["methods"]]
        phase_portrait(self.field, d["params"], plane=self.plane, center=self.center, xlim=self.xlim, ylim=self.ylim,
                       n=self.n, trajectories=trs, density=0.8, legend="below", ax=ax0,
                       title=f"phase plane, h = {d['step']:z.3g}")
        e = d["eigenvalues"]
        ax1.axhline(0, color=ZERO_LINE_COLOR, lw=0.8)
        ax1.axvline(0, color=ZERO_LINE_COLOR, lw=0.8)
        if e.size:
            ax1.plot(e.real, e.imag, "o", color=OKABE_ITO["blue"], ms=6)
            r = max(1e-9, float(np.max(np.abs(e)))) * 1.25
            ax1.set_xlim(-r, r)
            ax1.set_ylim(-r, r)
        ax1.set_box_aspect(1)  # square box, equal ranges: equal scales
        ax1.set_xlabel(r"Re $\lambda$")
        ax1.set_ylabel(r"Im $\lambda$")
        ax1.set_title("eigenvalues of J at the equilibrium")
        names = list(d["rates"])
        vals = [d["rates"][m] for m in names]
        bars = ax2.bar(range(len(names)), vals, color=[METHOD_COLORS.get(m, "tab:gray") for m in names])
        ax2.bar_label(bars, fmt="%.4f", fontsize=8, label_type="center", color="white")  # rates near 1 differ in the third digit
        ax2.axhline(1.0, color="black", lw=1.0, ls=(0, (4, 2)))
        ax2.set_ylim(0, max([1.1] + [1.12 * v for v in vals if np.isfinite(v)]))
        ax2.set_xticks(range(len(names)), names)
        ax2.set_ylabel(r"local rate $\rho$ (1 = neutral)")
        ax2.set_title(f"local rates at h = {d['step']:z.3g}")
        self.fig.suptitle(describe(self.field, d["params"]))
        self.redraws += 1
        if self._live_canvas:
            self.fig.canvas.draw_idle()
        else:
            from IPython import get_ipython
            from IPython.display import display
            if get_ipython() is None:  # a script or a test: nothing to show the figure in
                return
            with self.out:
                self.out.clear_output(wait=True)
                display(self.fig)

    def _ipython_display_(self):  # pragma: no cover - notebook only
        from IPython.display import display
        display(self.widget)


def interact(field, methods: Sequence[str] = ("gd",), init=None, steps: int = 200, step: float = 0.1,
             params: Mapping | None = None, *, ranges: Mapping | None = None, step_range=(1e-3, 1.0), plane=None,
             xlim=None, ylim=None, n: int = 21) -> Explorer:
    """Explore a field in Jupyter with sliders.

    Parameters
    ----------
    field : VectorField
    methods : str or sequence of str
        Methods checked at the start, text ``"gd,eg"`` or a list (all of gd, altgd, eg, eftp, ogda, momentum, flow are
        offered).
    init : sequence of float, optional
        The start point (default: the equilibrium + 1 in the plane).
    steps : int
        Iterations per trajectory.
    step : float
        Initial step size (the ``step h`` slider, log scale over ``step_range``).
    params : mapping, optional
        Initial hyperparameter values (by name).
    ranges : mapping name -> (lo, hi), optional
        Slider ranges (default ``[0, max(5 v, 2)]`` for a positive default ``v``, ``[-2, 2]`` for 0).
    plane, xlim, ylim, n : the phase plane (see :func:`gandynamics.plotting.phase_portrait`).

    Returns
    -------
    Explorer
        Displayed by a notebook cell; ``.widget`` is the ipywidgets box, ``.data`` the last redraw's numbers.

    Raises
    ------
    GandynamicsError
        Without ipywidgets (``pip install -e ".[notebook]"`` from the project's directory), for unknown methods
        or hyperparameters.
    """
    from .validate import field as _as_field
    field = _as_field(field, "the interactive explorer")  # a Game, a name or None: what it takes, not an AttributeError
    return Explorer(field, methods, init, steps, step, params, ranges=ranges, step_range=step_range, plane=plane,
                    xlim=xlim, ylim=ylim, n=n)
