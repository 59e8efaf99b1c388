r"""Figures of the dynamics: phase portraits, eigenvalue loci, rate maps, convergence curves, factors.

Every drawing function takes an optional matplotlib ``ax`` (a new figure is made when it is ``None``) and
returns the axes it drew on.  The numbers drawn are computed here from the field (compiled ``F``, exact
``DF``, :func:`gandynamics.analysis.spectrum`) or passed in by the caller from the library's
integrators and rate functions; nothing is typed in.  The ``*_data`` functions return those numbers
without drawing, so that tests and :mod:`gandynamics.reproduce` can check them.

Conventions (docs/mathematics.md §0.1): ``z = (theta, psi)``, ``v = -F`` is the direction of motion drawn by the
streamlines, ``J = Dv``; the phase factor is ``max |Im lambda| / |Re lambda|`` and the conditioning
factor ``max |lambda| / min |lambda|`` (docs/mathematics.md §0.5, §3.3).

Fitting to the figure: what a drawing places beside its axes (title, legend, colorbar) is fitted to the figure it is
given, whose layout engine is never changed (as seaborn's and pandas' axes-level plots leave it).  In a figure with
constrained or tight layout (the library's own figures, made with ``layout="constrained"``) the layout makes room
for it; a legend beside the axes that would leave the plot less than :data:`MIN_SHARE` of its cell (the part of the
figure its grid rows and columns span) goes to the other side (right or below) or inside the axes, and a speed
colorbar is made compact.  In a figure without layout engine (``fig, ax = plt.subplots()``) the axes keep their
place: a legend goes beside them only where it lies within their cell, else inside them where it covers the fewest
drawn points, and a title too tall for the room above them is set smaller (down to 6 pt), then inside their top;
where nothing fits, a :class:`gandynamics.errors.GandynamicsWarning` says so.  Titles are wrapped (never inside
``$...$``) to the width their cell gives them, which does not depend on panels drawn later, and kept within the
figure at draw time by matplotlib (``Text.set_wrap``); in a figure with a plain constrained layout, a one-line
title that this would split in two after the layout's last pass (a panel the layout brought nearer the figure's edge)
is written out in two lines and the layout run again (the figure's constrained layout is replaced by one that does
this, with the same parameters: without it the title's first line was cut off at the figure's top).  Constrained
layout settles square plots (phase portraits)
over several draws: in a figure short for their titles and legends a first draw (a single ``savefig``) can leave a
title or legend a few pixels past an edge; ``layout="compressed"`` (constrained layout for fixed-aspect plots) or
``savefig(..., bbox_inches="tight")`` does not.

The Agg backend is selected when there is no display and no backend was chosen.
"""

from __future__ import annotations

import math
import os
import re
import sys
from contextlib import contextmanager
from typing import Mapping

import matplotlib

if not os.environ.get("MPLBACKEND") and not os.environ.get("DISPLAY") and "matplotlib.pyplot" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.legend_handler import HandlerLine2D  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from scipy import optimize  # noqa: E402

from .._palette import BREWER, CYAN, OKABE_ITO, TOL  # noqa: E402
from ..errors import GandynamicsError  # noqa: E402

# The modules of the package, lowest first; each imports only from those above it (tests/test_import_graph.py
# checks that there is no cycle).  Everything is re-exported here: the package's namespace is the one of the
# single module plotting.py that it was split from (the private names that other modules and tests use
# included), and its public API is __all__.  A test that patches a name a function reads patches it in the
# module that defines it (monkeypatch.setattr(gandynamics.plotting._portrait, ...)).
#   _style        rcParams, colours, markers, the canvas and its text sizes, the texts written into figures
#   _windows      a figure's plane and window, the points of a run outside it
#   _fit          fitting titles, legends and colorbars to the figure
#   _colors       colours legible on white: contrast, legible colour maps, shades of a run's colour
#   _runs         the runs a figure draws: items, colours, states, default title, labels told apart
#   _coinciding   curves and paths lying on one another: found, drawn apart, said in key and notes
#   _portrait     phase portraits (direction_field, jump_mask, phase_portrait, slice_center, ...)
#   _loci         eigenvalue loci (locus_data, critical_strength, eigenvalue_locus)
#   _ratemaps     rate maps (rate_grid, rate_map, rate_norm, rate_colorbar, faded_cmap)
#   _convergence  convergence curves (convergence)
#   _factors      phase and conditioning factors (factor_data, factors)
#   _branches     bifurcation diagrams of continued branches (branch_diagram)
#   _animate      animations (animate, animation_data, check_animation_size, check_fps, save_animation)

from ._style import (CANVAS_PANELS_MAX, EQUILIBRIUM_MARKER, FORBIDDEN_STYLE, LAST_MARKER, LAST_STATE_LABEL,
                     LAST_UNDER_STAR, METHOD_COLORS, NBSP, OTHER_ZERO_MARKER, QUIVER_CAP, QUIVER_COLOR, QUIVER_SPREAD,
                     SPEED_WIDTH, START_MARKER, START_STYLES, STEPS_GROUP_KEEP, STREAM_CMAP, STREAM_COLOR, STYLE,
                     TEXT_SIZES, TEXT_WIDTH, TRAJECTORY_COLORS, ZERO_LINE_COLOR, _GREEK, _and, _axes, _greek_text,
                     _short, canvas, describe, method_text, number_text, portrait_handles, portrait_title,
                     quiver_handle, run_text, speed_cmap, steps_text, style, symbol, text_scale, text_sizes)
from ._windows import (HALF_WIDTH, JUMP_KEY_SCALE, JUMP_MARKER_SIZE, JUMP_MARKERS, JUMP_SHARE, JUMP_TURN, WINDOW_MAX, WINDOW_MIN, WINDOW_MIN_RELATIVE, _broken_outside,
                       _jumps, _params, _strength, _values, _window, default_plane, last_outside, outside_rows,
                       plane_indices, window_around, window_holding)
from ._fit import (BRACKET_KEEP, GLUED_SIGNS, GLUED_WORDS, INSIDE_MAX_COVER, MAX_EQUAL_ASPECT, MIN_SHARE,
                   NAMED_BRACKET_KEEP, OUTSIDE_MIN_SHARE, REFIT_PASSES, RIGHT_GAP, SETTLE_PASSES, SUPTITLE_SHARE,
                   TITLE_BREAK_WIDER, _INSIDE, _MIN_TITLE_PT, _NOTE_CHARS, _ONE_LINE, _RefittingLayout, _abbreviation,
                   _below, _below_room, _below_suptitle, _box_ratio, _cell, _cell_fraction, _colorbar_height,
                   _colorbar_width, _data_room, _decorations, _drawn_points, _fill, _fill_title, _first_usable,
                   _fit_colorbar_label, _font_points, _head_break, _inside_cover, _inside_kw, _inside_loc,
                   _layout_renderer, _legend_fits, _legend_inside_now, _legend_kw, _legend_outside, _length_room,
                   _make_legend, _managed, _measure, _note_lines, _plot_in, _points_under, _portrait_aspect, _px,
                   _readable_log, _refit_titles, _renderer, _right_of, _room_beside, _room_top, _root, _short_brackets,
                   _shorten, _slow_to_settle, _square, _title_room, _title_with_notes, _usable, _within, _words,
                   fit_suptitle)
from ._colors import (CERTIFIED_SHADE, CERTIFIED_TINT, DARK_CONTRAST, GREY_CHROMA, GREY_DARK, INTERLEAVED_SHADE,
                      INTERLEAVED_WIDTH, LIGHT, LIGHT_SHADE, MIN_CONTRAST, MIN_TINT, PREDICTED_SHADE, SHADES_APART,
                      STAND_OUT, _dark, _darker, _legible, _lighter, _room, _shades, _stands_out, certified_tint,
                      contrast_on_white, interleaved_shade, legible_cmap, predicted_shade, relative_luminance)
from ._runs import _runs_title, _states, _told_apart, trajectory_items
from ._coinciding import (COINCIDE_MARKERS, COINCIDING_RATES, LYING_MIN_LENGTH, MARKER_WORDS, NEAR_WIDTHS,
                          PATTERN_BLOCK, POLYLINE_MAX_SAMPLES, POLYLINE_SAMPLES, PREDICTION_HEADROOM, SOLID_BLOCK,
                          _Coinciding, _InterleavedLine, _Overlaid, _clipped, _clipped_segments, _coinciding_note,
                          _coinciding_paths, _coinciding_rates_text, _components, _dash_coinciding_paths, _dash_key,
                          _drawn_copy, _drawn_length, _drawn_samples, _drawn_scale, _drawn_segments, _factored_names,
                          _interleave_coinciding, _line_decades, _lying_on, _mark_coinciding, _one_line_entries,
                          _own_style_in_legend, _path_of, _polyline_distance, _segment_samples, _set_interleaved,
                          interleave_dashes, interleave_pattern, short_label)
from ._portrait import (FLOW_CURVE_POINTS, FLOW_CURVE_TURN, KEY_BELOW_COLUMNS, KEY_BELOW_GAP, KEY_FACTOR_MIN,
                        NULLCLINE_ALPHA, NULLCLINE_COLOR, NULLCLINE_STYLES, _BelowPlot, _FittingTicks, _SEARCH,
                        _draw_speed_colorbar, _factored, _key_below, _key_of_own_figure, _other_field_warning,
                        _slice_deviation, _slice_warning, _speed_across, _speed_colorbar, _widen_for_legend, _wrap,
                        direction_field, equilibrium_point, factored_key, flow_curve, jump_mask, phase_portrait,
                        slice_center, zero_plateau)
from ._loci import (LOCUS_ASPECT, LOCUS_KEY_COLOR, _field_of, _geometric, _locus_reports, critical_strength,
                    eigenvalue_locus, locus_data)
from ._ratemaps import (RATE_CMAP, RATE_TICKS, RATE_TICK_GAP, _cell_edges, _clipped_cmap, _level_crossings,
                        _mark_split, _marker_side, _rate_options_said, _rate_ticks, faded_cmap, rate_colorbar,
                        rate_grid, rate_map, rate_norm)
from ._convergence import RATE_KINDS, _measured_rate, convergence
from ._factors import _MARKER_NEAR, _near_strengths, factor_data, factors
from ._branches import EVENT_STYLES, branch_coordinate, branch_diagram
from ._animate import GIF_MAX_FPS, _data_space, animate, animation_data, check_animation_size, check_fps, save_animation

__all__ = [
    "STYLE", "METHOD_COLORS", "symbol", "style", "number_text", "canvas", "text_scale", "text_sizes", "TEXT_WIDTH",
    "direction_field", "jump_mask", "phase_portrait", "equilibrium_point", "slice_center",
    "locus_data", "critical_strength", "eigenvalue_locus",
    "rate_grid", "rate_map", "rate_colorbar", "faded_cmap", "convergence",
    "factor_data", "factors", "branch_diagram",
    "OKABE_ITO", "ZERO_LINE_COLOR", "legible_cmap", "contrast_on_white", "MIN_CONTRAST", "describe", "portrait_title", "method_text", "run_text", "steps_text", "START_STYLES", "last_outside", "outside_rows", "window_holding", "interleave_dashes", "interleave_pattern", "TRAJECTORY_COLORS", "animate", "animation_data", "save_animation",
    "check_animation_size", "MIN_SHARE", "START_MARKER", "plane_indices", "default_plane",
]
