"""A figure's plane and window: the checked plot range (:func:`_window`), the default window around a zero, the plane
(two parameters) a figure is drawn in, the axes' values of loci and rate maps, and the points of a run outside a
window (where it leaves it, where it jumps, a window holding it)."""

from __future__ import annotations

import math

import numpy as np

from ..errors import GandynamicsError


def _window(lim, what: str, typed: str | None = None) -> tuple[float, float]:
    """A plot range ``(lo, hi)`` of finite numbers with ``lo < hi`` (streamplot's "'x' must be strictly increasing"
    came out of the Python API; an overflowing ``hi - lo``, matplotlib's ticks' ValueError from numpy.arange).  The
    one rule of the library and the command line: ``typed``, the option's text as given (``what`` then the option,
    ``"--xlim"``), puts the refusal in the command line's words."""
    from ..validate import vector
    lo, hi = vector(lim, what, n=2)
    shown = repr(typed) if typed is not None else f"({lo:zg}, {hi:zg})"
    if not lo < hi:
        form = "LO,HI with LO < HI; got" if typed is not None else "(lo, hi) with lo < hi, got"
        raise GandynamicsError(f"{what} must be {form} {shown if typed is not None else repr(tuple(lim))}")
    big = max(abs(float(lo)), abs(float(hi)))
    if not big <= WINDOW_MAX:
        raise GandynamicsError(f"{what} {shown} reaches beyond +-{WINDOW_MAX:zg}, where matplotlib's arithmetic on a "
                               "window (its ticks, the arrows of streamlines) overflows; give a narrower window")
    if not (big >= WINDOW_MIN and float(hi) - float(lo) >= WINDOW_MIN_RELATIVE * big):
        raise GandynamicsError(f"{what} {shown} is too narrow for matplotlib to draw (it widens a window narrower than "
                               f"{WINDOW_MIN_RELATIVE:zg} of its ends' magnitude, or whose ends are both within "
                               f"{WINDOW_MIN:zg} of 0, into another one); give a wider window")
    return float(lo), float(hi)


#: the largest magnitude of a plot window's ends (:func:`_window`): matplotlib's streamlines raised StopIteration for a
#: window of +-1e306 and its ticks "arange: cannot compute length" for one 1.8e308 wide; +-1e305 drew (2026-12-04)
WINDOW_MAX = 1e300
#: the smallest magnitude of a plot window's larger end, and its smallest width relative to it (:func:`_window`):
#: matplotlib's ``nonsingular`` replaced (1e-300, 2e-300) and (0, 1e-287) by (-0.05, 0.05), and widens a window of
#: width at most 1e-15 of its ends (the axes then showed another window than the one asked for; 2026-12-04)
WINDOW_MIN = 1e-280
WINDOW_MIN_RELATIVE = 1e-13


#: half the width of a plane's default window, on each side of its centre (the starred zero)
HALF_WIDTH = 2.0


def window_around(point, index: int, lim=None, what: str = "xlim") -> tuple[float, float]:
    """``lim`` checked (:func:`_window`), or by default ``point[index] -/+`` :data:`HALF_WIDTH` (or ``1e-9`` of the
    point's magnitude where that is wider: 2 is below the spacing of doubles past 2**53), checked the same way: a
    plane's window is centred on its zero unless given (a portrait of a game whose zero is away from 0 looked at an
    empty corner)."""
    if lim is None:  # (wider than +-HALF_WIDTH where that would be below the spacing of doubles: a window of one point)
        c = float(point[index])
        half = max(HALF_WIDTH, 1e-9 * abs(c))
        return _window((c - half, c + half), f"the default {what} around the zero's {c:zg}")
    return _window(lim, what)


def _values(values, what: str, positive: bool = False) -> np.ndarray:
    """A 1-D axis of at least one finite number (positive ones for step sizes): ``[]`` indexed past the end, a
    negative step drew a rate for a step no method takes."""
    from ..validate import vector
    v = vector(values, what)
    if positive and np.any(v <= 0):
        raise GandynamicsError(f"{what} must be step sizes > 0, got {v[v <= 0][0]:zg}")
    return v


def _params(field, params):
    return field.param_vector(params) if not isinstance(params, np.ndarray) else params


def default_plane(field) -> tuple:
    """The plane a figure of ``field`` is drawn in when none is given: the generator parameter and the discriminator
    parameter most strongly coupled at the game's declared equilibrium (at 0 for a game that declares none), the
    pair ``(i, j)`` with the largest ``|DF[i, j]| + |DF[j, i]|`` at the default hyperparameters (the first such pair;
    the first generator and the first discriminator parameter when no pair is coupled or DF is not finite there).
    A game of two players' single parameters is its own plane.  Along an uncoupled pair the field of a larger game
    often has no component at all through the equilibrium (``mlp``'s generator scale and first hidden weight: an
    empty figure whose field pointed out of its plane, a figure review), while the coupled pair carries the
    rotation the figure is drawn to show.  Returns the two names."""
    n, nt = field.n, field.n_theta
    if nt >= n or nt == 0:
        return field.names[0], field.names[1]
    first = (field.names[0], field.names[nt])
    if n == 2:
        return first
    z = field.equilibrium.copy() if field.equilibrium is not None else np.zeros(n)
    try:
        with np.errstate(all="ignore"):
            J = np.asarray(field.point_module().jacobian(z, field.param_vector(None), np.empty((n, n))), float)
    except (ArithmeticError, ValueError):  # (outside a loss's domain at that point: the first pair)
        return first
    C = np.abs(J[:nt, nt:]) + np.abs(J[nt:, :nt]).T
    if not np.all(np.isfinite(C)) or not np.any(C > 0):
        return first
    i, j = np.unravel_index(int(np.argmax(C)), C.shape)
    return field.names[i], field.names[nt + j]


def plane_indices(field, plane=None) -> tuple:
    """``(names, i, j)``: the two coordinates spanning a figure's plane (``plane``, a pair of parameter names; default
    :func:`default_plane`: the most strongly coupled generator and discriminator parameters) and their indices in
    ``field.names``.

    Raises
    ------
    GandynamicsError
        when ``plane`` is not a pair of two different parameters of the field (the message lists them): checked
        before any work (the command line's portrait simulated its runs first).
    """
    if plane is None:
        names = default_plane(field)
    else:
        names = (plane,) if isinstance(plane, str) else tuple(plane)
        if len(names) != 2:
            raise GandynamicsError(f"the plane needs two parameters X, Y, got {len(names)} ({', '.join(map(str, names))}); "
                                   f"accepted: {', '.join(field.names)}")
    for name in names:
        if name not in field.names:
            raise GandynamicsError(f"unknown parameter {name!r} for the plane; accepted: {', '.join(field.names)}")
    if names[0] == names[1]:
        raise GandynamicsError(f"the plane needs two different parameters, got {names[0]!r} twice; accepted: "
                               f"{', '.join(field.names)}")
    return names, field.names.index(names[0]), field.names.index(names[1])


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


def _broken_outside(x, y, xlim, ylim):
    """``(x, y)`` of a run's states as drawn: the line broken (a NaN between them) where two consecutive states both
    lie outside the window ``xlim`` x ``ylim`` -- the jumps of a diverging discrete run between far points crossed the
    window as a fan of long straight strokes, read as motion inside it (a new user, a figure review); a run leaving
    the window is drawn up to its edge, and back in from it, as before."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    out = np.zeros(x.size, dtype=bool)
    out[outside_rows(np.c_[x, y], xlim, ylim)] = True
    cut = np.flatnonzero(out[:-1] & out[1:]) + 1
    if cut.size == 0:
        return x, y
    return np.insert(x, cut, np.nan), np.insert(y, cut, np.nan)


def last_outside(points, xlim, ylim):
    """The last of ``points`` ((k, 2): the plane's coordinates of a trajectory's states; non-finite ones skipped)
    that lies outside the window ``xlim`` x ``ylim``, as a (2,) array, or None when every one lies inside (a
    trajectory drawn cut at the window's edge: :func:`phase_portrait` notes it, the command line says where)."""
    rows = outside_rows(points, xlim, ylim)
    return np.asarray(points, float).reshape(-1, 2)[rows[-1]] if rows.size else None


#: a discrete run whose median step (over its last half, in the plane) is at least this share of the window's diagonal
#: and JUMP_TURN of its distance from the window's centre is drawn as its states, not joined (:func:`phase_portrait`)
JUMP_SHARE = 0.1
JUMP_TURN = 0.5
#: the markers of the runs drawn as their states, one per run in turn, hollow (two runs' dots on one invariant curve hid
#: each other, one colour over the other, and two starts of one method were the same dots in the key: a figure review)
JUMP_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
#: their size (points), and the key's scale of them (3 pt dots were hardly told apart in the key, a figure review)
JUMP_MARKER_SIZE, JUMP_KEY_SCALE = 3.6, 1.6


def _jumps(P, xlim, ylim) -> bool:
    """Whether the states ``P`` (T, 2) of a discrete run jump across the window ``xlim`` x ``ylim``, as they are seen
    there: of its states inside the window (in their order: runs at h = 3 on the Dirac-GAN jumped across it early,
    then stood still outside it, and were joined as a mess of chords where only the last half was tested, a figure
    review), the median length of the steps over their last half (a run that settles takes short steps at the end,
    however it started) at least
    :data:`JUMP_SHARE` of the window's diagonal, and the median of each step over the larger distance of its two ends
    from the window's centre at least :data:`JUMP_TURN` (a turn of about 30 degrees a step about a point in the
    middle: gd at h = 1.5 on the R1 Dirac-GAN's invariant curve, 0.62; gd at h = 0.3 on the bilinear game, spiralling
    out in a polygon of 21 sides a turn, 0.29, whose steps leave the window long)."""
    P = np.asarray(P, float).reshape(-1, 2)
    seen = np.ones(len(P), dtype=bool)
    seen[outside_rows(P, xlim, ylim)] = False
    P = P[seen & np.all(np.isfinite(P), axis=1)]
    tail = P[len(P) // 2:]
    if len(tail) < 3:
        return False
    steps = np.hypot(*np.diff(tail, axis=0).T)
    r = np.hypot(tail[:, 0] - (xlim[0] + xlim[1]) / 2, tail[:, 1] - (ylim[0] + ylim[1]) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = steps / np.maximum(r[1:], r[:-1])
    return bool(np.median(steps) >= JUMP_SHARE * math.hypot(xlim[1] - xlim[0], ylim[1] - ylim[0])
                and np.median(turn) >= JUMP_TURN)


def outside_rows(points, xlim, ylim) -> np.ndarray:
    """The indices of the finite ``points`` ((k, 2)) outside the window ``xlim`` x ``ylim``, increasing (empty when
    every one lies inside)."""
    P = np.asarray(points, float).reshape(-1, 2)
    with np.errstate(invalid="ignore"):
        out = (np.all(np.isfinite(P), axis=1)
               & ((P[:, 0] < xlim[0]) | (P[:, 0] > xlim[1]) | (P[:, 1] < ylim[0]) | (P[:, 1] > ylim[1])))
    return np.flatnonzero(out)


def window_holding(points, lim, center: float = 0.0):
    """The limits ``(lo, hi)`` of one axis, relative to ``center`` as ``--xlim``/``--ylim`` are, that hold the
    window ``lim`` (absolute) and every finite value of ``points`` (1-D) with a margin of 5 % of the span, rounded
    outward to two significant digits of the span (what the command line suggests for a trajectory drawn cut); not
    finite where the span overflows or an end would lie beyond :data:`WINDOW_MAX` (no window :func:`_window` accepts
    holds them)."""
    v = np.asarray(points, float).reshape(-1)
    v = v[np.isfinite(v)]
    lo = min(float(lim[0]), float(v.min(initial=np.inf))) - center
    hi = max(float(lim[1]), float(v.max(initial=-np.inf))) - center
    with np.errstate(over="ignore", invalid="ignore"):
        pad = 0.05 * (hi - lo)
        unit = 10.0 ** (np.floor(np.log10(hi - lo)) - 1) if hi > lo else 1.0
        a, b = float(np.floor((lo - pad) / unit) * unit), float(np.ceil((hi + pad) / unit) * unit)
    # (NaN or inf where the span overflows: the caller tells the user to widen the window instead)
    if not max(abs(a + center), abs(b + center)) <= WINDOW_MAX:
        return math.nan, math.nan
    return a, b
