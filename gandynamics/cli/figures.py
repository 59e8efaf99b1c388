"""The convergence figure the command line writes (``simulate --plot``, ``rates --plot``): runs' distances to z*
against k with the local rates predicted at z* as dashed slopes, where those rates are the runs' own."""

from __future__ import annotations

from ..errors import GandynamicsError

#: the size (inches) of a command's convergence figure of one or two runs; each further run's key entry adds
#: :data:`CONVERGENCE_ENTRY` inches to its height (seven runs' key and title left the plot a third of it)
CONVERGENCE_SIZE = (7.0, 4.2)
CONVERGENCE_ENTRY = 0.25
#: the size (inches) of ``continue --plot``'s bifurcation diagram
BRANCH_SIZE = (6.4, 4.6)
#: the file types a command's figure may be written as
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def predicted_is_drawn(tr, rho) -> bool:
    """Whether the local rate ``rho`` at z* (None: none) is drawn as the slope of run ``tr``: only where it is below 1
    and the run converges (to z*): an orbit about an unstable z* had the linearisation's rate 1.03 drawn rising from
    the orbit's level, where the run stays."""
    return rho is not None and 0.0 < rho < 1.0 and tr.verdict == "converging"


def check_plot_path(check, path) -> None:
    """Refuse, through a command's ``check`` (:func:`gandynamics.cli.common.gathered`), a ``--plot`` path that cannot be
    written (:func:`gandynamics.io.check_output_path`): before anything is computed."""
    from ..io import check_output_path
    check(check_output_path, path, "--plot", FIGURE_SUFFIXES, kind="figure")


def run_label(method: str, options: dict) -> str:
    """A run's method with the options of it that it ran with, for a figure
    (:func:`gandynamics.plotting.method_text`): ``momentum (β = −0.5)``; the run's other records left out."""
    from ..methods import get_method
    from ..plotting import method_text
    names = get_method(method).option_names
    return method_text(method, {k: v for k, v in options.items() if k in names})


def write_figure(path: str, figsize, draw) -> None:
    """Draw with ``draw(ax)`` on a canvas of ``figsize`` inches in the library's style
    (:func:`gandynamics.plotting.canvas`) and write it to ``path`` atomically (:func:`gandynamics.io.atomic_savefig`),
    the figure closed either way.  OSError becomes a one-line :class:`GandynamicsError` naming the file."""
    import matplotlib.pyplot as plt

    from ..io import atomic_savefig, describe_oserror
    from ..log import notice_if_slow
    from ..plotting import canvas, style
    with style(), canvas(figsize=figsize) as (fig, ax):
        try:
            draw(ax)
            with notice_if_slow(f"drawing {path}"):
                atomic_savefig(fig, path)
        except OSError as exc:
            raise GandynamicsError(describe_oserror(exc, path)) from None
        finally:
            plt.close(fig)


def undrawn_label(label: str, tr, rho) -> str:
    """The key entry of a run whose local rate ``rho`` is not drawn (:func:`predicted_is_drawn`): its verdict, its
    measured rate, and the local rate at z* with why it is not its slope (a rates figure showed "gd" with no slope and no
    word of why, where the local rate at its step was 1.346, a figure review)."""
    from .common import rate_text

    def r(x):  # (the figure's minus sign, as every number plotting writes)
        return rate_text(x, "z.4g").replace("-", "\u2212")
    text = f"{label}: {tr.verdict}"
    if tr.verdict in ("converging", "growing") and tr.rate == tr.rate:  # (a bounded run's fit is no rate of it)
        text += f", measured {r(tr.rate)} per step"
    if rho is not None:
        text += f"; local rate at z* {r(rho)}" + (" > 1: z* unstable at this step" if rho >= 1.0 else
                                                  ": the run does not converge to z*")
    return text


def write_convergence(path: str, runs, title: str) -> None:
    """Draw ``runs``, ``(label, Trajectory, local rate at z* or None)`` items, with
    :func:`gandynamics.plotting.convergence` (each rate dashed where :func:`predicted_is_drawn`; a run whose rate is not
    drawn keyed by :func:`undrawn_label`) under ``title``, and write the figure to ``path`` (:func:`write_figure`)."""
    from ..plotting import convergence
    drawn = [predicted_is_drawn(tr, rho) for _, tr, rho in runs]
    items = [(label if d else undrawn_label(label, tr, rho), tr) for (label, tr, rho), d in zip(runs, drawn)]
    w, h = CONVERGENCE_SIZE
    write_figure(path, (w, h + CONVERGENCE_ENTRY * max(0, len(runs) - 2)),
                 lambda ax: convergence(items, rates=[rho if d else None for (_, _, rho), d in zip(runs, drawn)],
                                        ax=ax, legend="below", title=title))
