r"""The non-smooth nodes of a symbolic operator, decided in one place (docs/math/certification.md §4).

A piecewise-defined node switches on a *switching set*: ``Piecewise`` and relational conditions, ``sign``,
``Heaviside`` and ``DiracDelta`` where a function ``u`` vanishes; ``Abs`` where its argument vanishes;
``Max``/``Min`` where two arguments tie; ``floor``, ``ceiling``, ``frac`` and ``Mod`` where ``u`` is an
integer; ``acot`` where its argument vanishes; ``atan2(y, x)`` on its branch cut ``{y = 0, x <= 0}`` (the zero set of
``y^2 + max(x, 0)^2``).  A function that jumps while its derivative does not show it (``acot``, ``atan2``) must be
listed here: the certification encloses DF, which is bounded across such a jump.  :func:`switches` lists, for every such node of an expression, a :class:`Switch`: the switching
function ``u``, the kind of set (``u = 0`` or ``u`` an integer), and whether the node may make the
expression *jump* across it (``floor``, ``acot``, ``atan2``; ``sign``, ``Heaviside`` and ``DiracDelta`` unless
their jump is proven cancelled, :func:`_cancelled`; a ``Piecewise`` whose branches are not proven to agree on the
set) or only *kink* (``Abs``, ``Max``, ``Min``, the Euclidean norm, a continuous ``Piecewise``, ``x sign(x)``).
Both proofs are one test, :func:`vanishes_on`: an expression (the difference of two branches, the cofactor of
the jump) is 0 on every piece of the set, each factor of ``u`` solved exactly for one variable.

:func:`straddles` is the single test used by both interval engines: whether an enclosure ``[lo, hi]`` of
``u`` over a box may meet the switching set.  The interval engines enclose every branch of a node whose
condition is undecided on the box (:mod:`gandynamics.analysis.intervals`,
:mod:`gandynamics.analysis.boxeval`), and the certification (:mod:`gandynamics.analysis.constants`) never
certifies a box on which a jump of F is possible.

Why kinks may be certified and jumps may not: a continuous, piecewise continuously differentiable F is
Lipschitz on a convex set, and its generalized (Clarke) Jacobian at a point of a switching set is the convex
hull of the limits of DF from the pieces around it; the mean-value inclusion
``F(b) - F(a) in conv{dF(z) : z in [a, b]} (b - a)`` (Clarke 1983, Prop. 2.6.5) gives the same constants as the
supremum of ``||DF||`` and infimum of ``lambda_min(sym DF)`` over the differentiable points, and an interval
enclosure that contains every branch contains that hull.  Across a jump no Lipschitz constant exists at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from ..errors import GandynamicsError

__all__ = ["Switch", "switches", "field_switches", "straddles", "vanishes_on", "piecewise_derivative", "ZERO",
           "INTEGER", "not_differentiable", "kinks_shown", "NotDifferentiable", "KINK_CHARS"]

#: switching set {u = 0}
ZERO = "zero"
#: switching set {u is an integer}
INTEGER = "integer"


@dataclass(frozen=True)
class Switch:
    """A switching set of a non-smooth node: ``{u = 0}`` (kind ``"zero"``) or ``{u in Z}`` (kind
    ``"integer"``); ``jump`` when the node may be discontinuous across it."""

    node: sp.Expr
    u: sp.Expr
    kind: str
    jump: bool

    def describe(self) -> str:
        where = f"{self.u} = 0" if self.kind == ZERO else f"{self.u} is an integer"
        if not self.jump and isinstance(self.node, (sp.sign, sp.Heaviside, sp.DiracDelta)):
            return f"{self.node} jumps times a factor that vanishes, so F is not differentiable, where {where}"
        what = "jumps" if self.jump else "is not differentiable"
        return f"{self.node} {what} where {where}"


#: the characters of non-smooth terms :func:`not_differentiable` lists at most (the rest counted): WGAN-GP on a GAN
#: whose expectations are a quadrature rule has a ``sign(...)`` per node, 75 of them, a line of 7 KB (a new user)
KINK_CHARS = 240


def kinks_shown(atoms, limit: int | None = KINK_CHARS) -> int:
    """How many of ``atoms`` :func:`not_differentiable` lists within ``limit`` characters (at least one; all with
    ``limit`` None): the text of the message and the commands' "--full lists them" count alike."""
    atoms = list(atoms)
    if limit is None:
        return len(atoms)
    used, k = 0, 0
    for a in atoms:
        used += len(str(a)) + 2 * (k > 0)
        if k and used > limit:
            break
        k += 1
    return k


def not_differentiable(atoms, where: str = "here", limit: int | None = KINK_CHARS) -> str:
    """The words every analysis uses for a point where F has no derivative (``atoms``: what
    :meth:`gandynamics.field.VectorField.nonsmooth_at` found there): ``"F is not differentiable <where> (sign(x))"``;
    each analysis adds what it cannot then give (a linearisation, a local rate, a classification, a ball).  The commands
    had said it four ways, two without naming the atom.  The terms are listed within ``limit`` characters
    (:func:`kinks_shown`; a first term longer than that is cut, :func:`gandynamics._display.expr_text`), the rest
    counted: ``"(sign(a), sign(b) and 73 more non-smooth terms, 75 in all)"``; ``limit`` None lists every one.  The
    whole list is the analysis' own (``SpectralReport.nonsmooth``, :class:`NotDifferentiable`'s ``atoms``)."""
    atoms = list(atoms)
    k = kinks_shown(atoms, limit)
    if k == len(atoms):
        return f"F is not differentiable {where} ({', '.join(map(str, atoms))})"
    from .._display import expr_text
    first = [expr_text(a, limit) if limit is not None and len(str(a)) > limit else str(a) for a in atoms[:k]]
    return (f"F is not differentiable {where} ({', '.join(first)} and {len(atoms) - k} more non-smooth terms, "
            f"{len(atoms)} in all)")


def jump_at(fld, z, params=None) -> tuple[str, float] | None:
    """Whether F itself jumps at the point ``z`` (n,): ``(name, size)`` of the first parameter along which
    ``|F(z + d e_i) - F(z - d e_i)|`` does not shrink with ``d`` (at ``d = 1e-6`` and ``1e-12`` times ``1 + |z_i|``:
    a kink's difference falls a million times, a cusp's like ``d^p`` (``|x|^(4/3)`` in a loss, F like
    ``|x|^(1/3) sign(x)``: a hundred times), a jump's stays, above ``1e-6`` of F's size and at least half the first),
    else None.  (Two steps a hundred apart read the cusp's fall, 0.22, as a jump's, "F itself jumps here (by 0.0027)"
    where F is continuous: a review.)  A reading of the point
    evaluator for the words of a report, not a certificate (the certification's own test is
    :func:`field_switches`'s, symbolic and slower: 13 s on a WGAN-GP field of 63 switching sets).  WGAN-GP's field at a
    zero critic read "|F| = 0, not differentiable" where F jumps between -1 and 1 there (a new user)."""
    z = np.asarray(z, dtype=float)
    p = fld._p(params)
    try:
        f0 = np.asarray(fld.eval_F(z, p), dtype=float)
    except Exception:  # noqa: BLE001 (a report's words: nothing said where F cannot be evaluated)
        return None
    size = max(1.0, float(np.max(np.abs(f0), initial=0.0)))
    for i in range(z.size):
        d = []
        for rel in (1e-6, 1e-12):
            e = np.zeros_like(z)
            e[i] = rel * (1.0 + abs(z[i]))
            with np.errstate(all="ignore"):
                d.append(float(np.max(np.abs(np.asarray(fld.eval_F(z + e, p)) - np.asarray(fld.eval_F(z - e, p))))))
        if d[1] == d[1] and d[1] > 1e-6 * size and d[1] >= 0.5 * d[0]:
            return str(fld.names[i]), d[1]
    return None


class NotDifferentiable(GandynamicsError):
    """An analysis that needs DF at a point where F has none (its message from :func:`not_differentiable`, the
    terms listed within :data:`KINK_CHARS`); ``atoms``: every non-smooth term found there."""

    def __init__(self, message: str, atoms=()):
        super().__init__(message)
        self.atoms = list(atoms)


def straddles(kind: str, lo, hi):
    """Whether ``[lo, hi]`` (an enclosure of u over a box) may meet the switching set of ``kind``; always
    True for a non-finite or NaN enclosure (nothing is known there).  Scalars give a bool, arrays (one
    entry per box) a boolean array: the single test both interval engines use."""
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    unknown = ~(np.isfinite(lo) & np.isfinite(hi))
    with np.errstate(invalid="ignore"):
        if kind == ZERO:
            meets = (lo <= 0.0) & (hi >= 0.0)
        else:
            meets = np.floor(hi) >= np.ceil(lo)
    out = unknown | meets
    return bool(out) if out.ndim == 0 else out


def _relational_u(r: Relational) -> sp.Expr:
    """``lhs - rhs`` of a condition, expanded, unless that is 0 while the difference is written in the variables
    (``(x + y)^2 - x^2 - 2 x y - y^2 > 0``): its value is 0 only symbolically, and the evaluated condition decides on
    rounding errors, so the set is kept (unexpanded: an enclosure of it contains 0 on every box) rather than dropped."""
    d = r.lhs - r.rhs
    u = sp.expand(d)
    return d if u == 0 and d.free_symbols else u


#: expressions larger than this many nodes (of their DAG) are not analysed for a cancelled jump: the answer is
#: "may jump" (safe; the analysis differentiates the whole expression once per jump node)
CANCEL_MAX_NODES = 4000

#: the cancelled-jump analyses one call of :func:`switches` may run (each differentiates and simplifies; a cofactor
#: holding other jump nodes is analysed in turn, so a product of k factors ``u_i sign(u_i)`` took k! analyses, 1,956
#: and 3.4 s for k = 6, before they were remembered): past it the answer is "may jump" (safe)
CANCEL_MAX_ANALYSES = 400


def _dag_size(e, limit: int) -> int:
    """The number of distinct subexpressions of ``e``, counted up to ``limit + 1``."""
    seen, stack = set(), [e]
    while stack and len(seen) <= limit:
        a = stack.pop()
        if a in seen:
            continue
        seen.add(a)
        stack.extend(a.args)
    return len(seen)


#: at most this many selections of the Abs/Max/Min nodes of one factor of a switching function (:func:`_selections`)
SELECTIONS_MAX = 16


def _selections(f: sp.Expr) -> list | None:
    """``f`` with each ``Abs(a)`` replaced by ``a`` or ``-a`` and each ``Max``/``Min`` by one of its arguments, in
    every combination (at most :data:`SELECTIONS_MAX`, else None): at every point ``f`` equals one of them, so
    ``{f = 0}`` lies in the union of their zero sets (``|x| - 1`` on ``x - 1`` and ``-x - 1``).  A proof that an
    expression vanishes on all of them holds on ``{f = 0}``."""
    node = next((a for a in sp.preorder_traversal(f) if isinstance(a, (sp.Abs, sp.Max, sp.Min))), None)
    if node is None:
        return [f]
    out = []
    for branch in ((node.args[0], -node.args[0]) if isinstance(node, sp.Abs) else node.args):
        more = _selections(f.xreplace({node: branch}))
        if more is None or len(out) + len(more) > SELECTIONS_MAX:
            return None
        out.extend(more)
    return out


def _zero_set_pieces(u: sp.Expr, z=None) -> list | None:
    """The zero set of ``u`` as a list of substitutions ``(s, r)``, one per factor of ``u``: ``{u = 0}`` is the
    union over the factors ``f`` of ``{s = r}``, where ``f = c s + b`` with ``c`` a nonzero number and ``b`` free of
    ``s`` (so that ``f = 0`` holds exactly where ``s = -b/c``, with no other branch).  Factors free of ``z`` (the
    hyperparameters alone, fixed on every box and segment of ``z``) are left out: where such a factor vanishes,
    ``u`` is 0 for every ``z`` and the node is constant in ``z``.  A factor with ``Abs``, ``Max`` or ``Min`` is
    covered by the pieces of its selections (:func:`_selections`; a superset of its zero set, which is the safe
    side).  ``None`` when some factor is not of that form
    (``x y - 1``, ``sin x``) or ``u`` expands to 0 (``(x + y)^2 - x^2 - 2 x y - y^2``: 0 symbolically, rounding
    errors of either sign as evaluated): the set is then not described, and the caller must assume the worst."""
    try:
        content, factors = sp.factor_list(sp.expand(u))
    except Exception:  # noqa: BLE001 - sympy cannot factor u: one factor
        content, factors = sp.S.One, [(u, 1)]
    if content == 0:
        return None  # u identically 0 symbolically (not as evaluated: its sign is that of rounding errors)
    zs = set(z) if z is not None else None
    out = []
    for f, _ in factors:
        syms = f.free_symbols
        if not syms:
            if f == 0:
                return None  # (u identically 0: not a switching set in any sense)
            continue
        if zs is not None and not syms & zs:
            continue
        if f.has(sp.Abs, sp.Max, sp.Min):  # {f = 0} lies in the union of its selections' zero sets
            variants = _selections(f)
            if variants is None:
                return None
            for v in variants:
                sub = _zero_set_pieces(v, z)
                if sub is None:
                    return None
                out.extend(sub)
            continue
        for s in sorted(syms & zs if zs is not None else syms, key=str):
            try:
                c = sp.diff(f, s)
                if not (c.is_Number and c != 0):
                    continue
                b = sp.expand(f - c * s)
            except Exception:  # noqa: BLE001
                continue
            if s in b.free_symbols:
                continue
            out.append((s, -b / c))
            break
        else:
            return None
    return out


def _through_u(expr: sp.Expr, u: sp.Expr) -> bool:
    """True when ``expr`` is 0 wherever the polynomial ``u`` is, read through ``u`` itself rather than its
    factors: ``sympy.cancel(expr / u)`` is a polynomial (``expr = u q``, ``q`` finite everywhere), or ``expr`` with
    the subexpression ``u`` replaced by 0 simplifies to 0 (at a point where ``u = 0`` both are the same number:
    ``Max(0, x^2 + y^2 - 1)`` on the unit circle).  This holds however ``u`` factors (float coefficients, which
    sympy factors only approximately; a circle, which is no union of pieces ``s = r``).  ``u`` must be a
    polynomial (not identically 0): a node such as ``sign(1/x)`` or ``sign(tan x)`` also jumps where ``u`` passes
    through a pole, which is no zero of ``u`` (``1 = (1/x) x`` would "vanish" on the empty set ``{1/x = 0}``), and
    ``u = sign(x)`` jumps itself.  False on any doubt."""
    try:
        syms = sorted(sp.sympify(expr).free_symbols | u.free_symbols, key=str)
        if sp.expand(u) == 0 or not u.is_polynomial(*syms):
            return False
        q = sp.cancel(expr / u)
        if q.is_polynomial(*syms) and not q.has(sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity):
            return True
        return bool(u.free_symbols) and sp.simplify(sp.sympify(expr).xreplace({u: sp.S.Zero})) == 0
    except Exception:  # noqa: BLE001 - sympy may fail in many ways: not proven
        return False


def vanishes_on(expr: sp.Expr, u: sp.Expr, z=None) -> bool:
    """True when ``expr`` is proven (symbolically) to be 0 at every point of ``{u = 0}``: on each piece ``s = r``
    of the set (:func:`_zero_set_pieces`), ``expr`` with ``s`` replaced by ``r`` simplifies to 0.  Any doubt
    (a set that is not described, an expression that does not simplify to 0, sympy failing) answers False: the
    safe side for every caller, which reads True as "no jump here".  First, and independent of the pieces:
    ``expr`` read through the polynomial ``u`` itself (:func:`_through_u`: a multiple of ``u``, or 0 with ``u``
    replaced by 0), which holds however ``u`` factors."""
    if _through_u(expr, u):
        return True
    pieces = _zero_set_pieces(u, z)
    if pieces is None:
        return False
    for s, r in pieces:
        try:
            d = sp.simplify(expr.subs(s, r))
        except Exception:  # noqa: BLE001
            return False
        if d != 0:
            return False
    return True


def _piecewise_continuous(pw: sp.Piecewise, rels, z=None) -> bool:
    """True when every two branches of ``pw`` are proven (symbolically) to agree on every switching set
    ``{u = 0}`` of its conditions (:func:`vanishes_on` of their difference).  Any doubt answers False (a
    possible jump), which is the safe side."""
    values = list(dict.fromkeys(e for e, _ in pw.args))
    if len(values) <= 1:
        return True
    for r in rels:
        if not isinstance(r, Relational):
            return False
        u = _relational_u(r)
        for i, a in enumerate(values):
            for b in values[i + 1:]:
                if not vanishes_on(a - b, u, z):
                    return False
    return True


def _cancelled(e: sp.Expr, node: sp.Expr, z=None, state=None) -> bool:
    """True when the jump of ``node`` (``sign(u)``, ``Heaviside(u)`` or ``DiracDelta(u)``) does not make ``e``
    jump: ``e`` is ``A + B node`` with ``B`` free of ``node`` (``node`` enters linearly, and in no condition of a
    ``Piecewise``, whose jump ``diff`` does not see), ``B`` has no jump of
    its own (:func:`switches`) that may meet ``{u = 0}`` (:func:`_misses`), and ``B`` vanishes on ``{u = 0}``
    (:func:`vanishes_on`).  Then the jump of ``e``
    across the set, ``B`` times the jump of the node, is 0, and ``e`` is continuous there (its value on the set, ``A``,
    is both one-sided limits): ``x sign(x)`` (the derivative of ``x |x| / 2``), ``Max(x, 0) Heaviside(x)``
    (of ``Max(x, 0)^2 / 2``).  For ``DiracDelta(u)`` the same condition makes ``B DiracDelta(u)`` the zero
    distribution (``x^2 DiracDelta(x)`` in the derivative of ``x^2 sign(x) / 2``), which is also the value the
    compiled field gives it."""
    state = _new_state() if state is None else state
    key = (e, node)
    if key in state["memo"]:
        return state["memo"][key]
    if state["left"] <= 0:
        return False
    state["left"] -= 1
    state["memo"][key] = done = _cancelled_proof(e, node, z, state)
    return done


def _new_state() -> dict:
    """The analyses of one call of :func:`switches` (shared by its recursive calls on cofactors): those made,
    ``(expression, node) -> cancelled``, and how many more may run (:data:`CANCEL_MAX_ANALYSES`)."""
    return {"memo": {}, "left": CANCEL_MAX_ANALYSES}


def _cancelled_proof(e, node, z, state) -> bool:
    if _dag_size(e, CANCEL_MAX_NODES) > CANCEL_MAX_NODES:
        return False
    t = sp.Dummy("t")
    try:
        et = e.xreplace({node: t})
        # the node inside a condition (Piecewise((y**3, y - sign(x) > 0), (y, True)), which jumps at x = 0 for
        # |y| < 1): diff differentiates a Piecewise's branches only, so B would miss that dependence; not proven
        if any(t in r.free_symbols for r in et.atoms(Relational)):
            return False
        B = sp.diff(et, t)
    except Exception:  # noqa: BLE001
        return False
    if t in B.free_symbols or B.has(node):
        return False
    jumps = [s for s in switches([B], z, _state=state) if s.jump]
    if jumps:  # B's own jumps must miss the node's set, piece by piece
        pieces = _zero_set_pieces(node.args[0], z)
        if pieces is None or not all(_misses(s, pieces) for s in jumps):
            return False
    return vanishes_on(B, node.args[0], z)  # (also where u's set is no union of pieces: B a multiple of u)


def _misses(sw: Switch, pieces) -> bool:
    """True when the set of ``sw`` (a jump of a cofactor) is proven to miss every piece ``{s = r}`` of a node's set:
    its switching function with ``s`` replaced by ``r`` simplifies to an expression sympy proves finite and nonzero
    for all real values of the rest (``x^2 - 1`` on ``x = 0`` is ``-1``; ``y^2 + 1``).  Then the cofactor is
    continuous around the node's set, where its jump elsewhere does not matter (the Huber gradient
    ``Piecewise((x, x^2 <= 1), (sign(x), True))``: the cofactor of ``sign(x)`` jumps at ``x = +-1`` only).  Sets of
    integers are never proven to miss."""
    if sw.kind != ZERO:
        return False
    for s, r in pieces:
        try:
            v = sp.simplify(sw.u.subs(s, r))
        except Exception:  # noqa: BLE001
            return False
        if v.is_zero is not False or v.is_finite is not True:
            return False
    return True


def switches(exprs, z=None, *, _state=None) -> list[Switch]:
    """Every switching set of the non-smooth nodes of ``exprs`` (a list of sympy expressions), each once; with
    ``z`` (the variables) only those whose switching function depends on ``z``: a set of the hyperparameters
    alone (``sign(s)``, ``Abs(sigma)``) is crossed by no box or segment of ``z`` at fixed hyperparameters."""
    from ..losses import vnorm
    out: dict = {}
    state = _new_state() if _state is None else _state

    def add(node, u, kind, jump):
        key = (sp.srepr(u), kind)
        old = out.get(key)
        if old is None or (jump and not old.jump):
            out[key] = Switch(node, u, kind, jump)

    for e in exprs:
        e = sp.sympify(e)
        for a in sp.preorder_traversal(e):
            f = getattr(a, "func", None)
            if f is None or not isinstance(a, sp.Basic):
                continue
            if f in (sp.sign, sp.Heaviside):
                add(a, a.args[0], ZERO, not _cancelled(e, a, z, state))
            elif f is sp.DiracDelta:  # (a derivative of the delta, DiracDelta(u, k >= 1), is never cancelled here)
                add(a, a.args[0], ZERO, len(a.args) > 1 or not _cancelled(e, a, z, state))
            elif f is sp.Abs:
                add(a, a.args[0], ZERO, False)
            elif f in (sp.Max, sp.Min):
                args = list(a.args)
                for i, p in enumerate(args):
                    for q in args[i + 1:]:
                        add(a, p - q, ZERO, False)
            elif f is sp.atan2:
                # the branch cut {y = 0, x <= 0} of atan2(y, x): a jump of 2 pi, while the derivatives sympy gives are
                # smooth off the origin (so DF never shows it).  Its switching function y^2 + max(x, 0)^2 vanishes
                # exactly on the cut (a half-line: no continuous function changes sign across it alone)
                yy, xx = a.args
                add(a, yy**2 + sp.Max(xx, 0)**2, ZERO, True)
            elif f is sp.acot:  # sympy's acot jumps from -pi/2 to pi/2 at 0; its derivative -1/(1 + u^2) is smooth
                add(a, a.args[0], ZERO, True)
            elif f in (sp.floor, sp.ceiling, sp.frac):
                add(a, a.args[0], INTEGER, True)
            elif f is sp.Mod:
                add(a, a.args[0] / a.args[1], INTEGER, True)
            elif f is vnorm:
                add(a, sp.Add(*[t**2 for t in a.args]), ZERO, False)
            elif f is sp.Piecewise:
                rels = set()
                for _, c in a.args:
                    if isinstance(c, Relational):
                        rels.add(c)
                    elif isinstance(c, sp.logic.boolalg.Boolean) and c not in (sp.true, sp.false):
                        rels |= c.atoms(Relational)
                jump = not _piecewise_continuous(a, rels, z)
                for r in rels:
                    add(a, _relational_u(r), ZERO, jump)
    if z is not None:
        zs = set(z)
        return [s for s in out.values() if s.u.free_symbols & zs]
    return list(out.values())


@lru_cache(maxsize=4096)
def _set_key(u) -> str:
    """One name for the set ``{u = 0}`` whichever sign ``u`` is written with (``Max(x, 0)`` switches on ``x``,
    ``Max(0, x)`` on ``-x``).  Remembered: the certification asks it of the same few switching functions at every
    box (``srepr`` of a sum was most of a box's time there)."""
    return min(sp.srepr(u), sp.srepr(sp.expand(-u)))


def force_side(exprs, sw: Switch, positive: bool) -> list | None:
    """``exprs`` with every node that switches on ``sw``'s set ``{u = 0}`` (``u`` written with either sign)
    replaced by its branch on the side ``u > 0`` (``positive``) or ``u < 0``: ``sign(a)`` by +-1,
    ``Heaviside(a)`` by 1 or 0, ``Abs(a)`` by +-a, ``Max(p, q)``/``Min(p, q)`` with ``p - q = +-u`` by the argument
    that is larger resp. smaller there, and a relational condition with ``lhs - rhs = +-u`` by its truth value
    there.  On that side of the set the result equals ``exprs`` exactly, and it does not switch on the set any
    more: over a box across the set its enclosure is that of one smooth piece.  ``None`` when some node on the set
    cannot be forced (a ``Max`` of three arguments, the norm, an integer set): the caller keeps the enclosure of
    every branch."""
    if sw.kind != ZERO:
        return None
    u = sp.expand(sw.u)
    plus, minus = sp.srepr(u), sp.srepr(sp.expand(-u))

    def gt0(a):
        """Whether ``a > 0`` on the chosen side (``a = +-u``), or None (``a`` is not on this set)."""
        r = sp.srepr(sp.expand(a))
        return positive if r == plus else (not positive) if r == minus else None

    rep = {}
    for e in exprs:
        for a in sp.preorder_traversal(sp.sympify(e)):
            f = getattr(a, "func", None)
            if f in (sp.sign, sp.Heaviside, sp.Abs):
                g = gt0(a.args[0])
                if g is not None:
                    rep[a] = ({sp.sign: sp.S.One, sp.Heaviside: sp.S.One, sp.Abs: a.args[0]}[f] if g else
                              {sp.sign: sp.S.NegativeOne, sp.Heaviside: sp.S.Zero, sp.Abs: -a.args[0]}[f])
            elif f in (sp.Max, sp.Min) and len(a.args) == 2:
                p_, q_ = a.args
                g = gt0(p_ - q_)
                if g is not None:  # p > q where g
                    rep[a] = (p_ if g else q_) if f is sp.Max else (q_ if g else p_)
            elif isinstance(a, Relational):
                g = gt0(a.lhs - a.rhs)
                truth = {sp.StrictGreaterThan: g, sp.GreaterThan: g, sp.StrictLessThan: not g, sp.LessThan: not g,
                         sp.Ne: True, sp.Eq: False}.get(type(a)) if g is not None else None
                if truth is not None:
                    rep[a] = sp.true if truth else sp.false
    out = [sp.sympify(e).xreplace(rep) for e in exprs]
    for e in out:  # a node on the set left (not forced): no piece
        for a in sp.preorder_traversal(e):
            f = getattr(a, "func", None)
            if f in (sp.sign, sp.Heaviside, sp.Abs, sp.DiracDelta) and gt0(a.args[0]) is not None:
                return None
            if f in (sp.Max, sp.Min) and any(gt0(p_ - q_) is not None for i, p_ in enumerate(a.args)
                                             for q_ in a.args[i + 1:]):
                return None
            if isinstance(a, Relational) and gt0(a.lhs - a.rhs) is not None:
                return None
            if f is not None and f.__name__ == "vnorm" and gt0(sp.Add(*[t**2 for t in a.args])) is not None:
                return None
    return out


def piecewise_derivative(exprs) -> list:
    """``exprs`` (entries of ``DF``) with every ``DiracDelta`` term replaced by 0: the derivative piece by piece,
    the one the certification encloses.  ``sympy`` differentiates ``sign(u)`` and ``Heaviside(u)`` into
    ``DiracDelta(u)``; where ``F`` is continuous across ``{u = 0}`` (a cancelled jump, :func:`_cancelled`:
    ``x sign(x)`` gives ``sign(x) + 2 x DiracDelta(x)``) the delta terms of ``DF`` add up to 0 (their sum is the
    jump of ``F`` times the delta), and Clarke's generalized Jacobian there is the hull of the pieces' limits,
    which the enclosure of the remaining terms contains (docs/math/certification.md §4).  Valid on every box on
    which ``F`` cannot jump: the only boxes any certification bounds (a box that may meet a jump is never
    certified).  The compiled field evaluates ``DiracDelta`` as 0 too (:mod:`gandynamics.codegen`)."""
    return [sp.sympify(e).replace(lambda a: isinstance(a, sp.DiracDelta), lambda a: sp.S.Zero) for e in exprs]


def second_order_blocker(F, z=None, meets=None) -> Switch | None:
    """The switching set that makes the second-order enclosures of ``DF`` invalid for the operator ``F`` (a
    list of sympy expressions) in the variables ``z`` (all symbols when None), or ``None`` when they are valid.

    The mean-value form ``DF(X) ⊆ DF(m) + sum_k d_k DF(X) (X_k - m_k)`` and the vertex form built on it
    (docs/math/certification.md §3) apply the mean-value theorem to ``DF`` along segments of a box, which needs
    ``DF`` continuous there; a kink of F is a jump of ``DF``, across which ``d_k DF`` (taken piece by piece)
    misses the jump.  Any switching set of F counts (jumps first): the one test for both uses, the order-2
    engine and the order-1 engine's optional mean-value form.  A switching set of the hyperparameters alone
    (``Abs(sigma)`` from the instance-noise regularizer's ``sqrt(sigma^2)``) does not count: they are fixed while
    ``DF`` is enclosed over boxes of ``z``, so ``DF`` is as smooth in ``z`` as without it.  With ``meets`` (a
    predicate on a :class:`Switch`: whether its set may meet the boxes to be enclosed) only the sets it accepts
    count: a kink outside the region of a certification does not block it."""
    return first_blocker(switches(list(F), z), meets)


def first_blocker(sw, meets=None) -> Switch | None:
    """Of the switching sets ``sw`` (those ``meets`` accepts, all when None), the one :func:`second_order_blocker`
    names: a jump first, else the first kink; None when there is none."""
    sw = [s for s in sw if meets is None or meets(s)]
    if not sw:
        return None
    return next((s for s in sw if s.jump), sw[0])


def field_switches(fld) -> list[Switch]:
    """``switches(F, z)`` of a :class:`~gandynamics.VectorField`, computed once per field (cached on it with its
    interval functions): the one list the certification's engines, the region test and the witnesses read (the
    analysis of cancelled jumps differentiates and simplifies: 0.4 s on ``mlp --loss hinge``, where a
    ``gandynamics constants`` run had made it 7 times)."""
    cache = fld.__dict__.setdefault("_interval_cache", {})
    if "switches_of_F" not in cache:
        cache["switches_of_F"] = switches(list(fld.F), fld.z)
    return cache["switches_of_F"]
