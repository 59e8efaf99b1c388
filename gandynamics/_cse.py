"""Common-subexpression elimination in time linear in the size of the expression DAG.

:func:`cse` returns what ``sympy.cse(exprs, symbols=..., order="none")`` returns (replacements, reduced
expressions), and finds the same kinds of sharing: repeated subexpressions (sympy's ``tree_cse``), an Add shared
with its negation, powers with a negative exponent, and common partial sums and products (sympy's
``match_common_args``).  It differs from ``sympy.cse`` in one place, the choice of sign: sympy's ``opt_cse`` asks
each Add whether it "could extract a minus sign", and where its terms are half negative it breaks the tie by
comparing the sort keys of the Add and of its negation, each computed over the whole expression *tree* (not the
DAG), whose size grows exponentially with the depth of sharing.  For the field of the ``mlp`` game that one
comparison was 98 % of code generation: 6 s at 600 parameters, 262 s at 1,000 (a cliff, not a power law).  Here
the tie is left as it is (the Add is kept as written), and the other sign rules are sympy's, with each inner
Add's answer remembered.

The matching of common arguments (partial sums and products shared by several Adds or Muls) is sympy's
``match_common_args``, restated in :func:`_match_common_args` with one change of cost, not of result: the Adds
or Muls that hold a given set of common arguments are looked for among the candidates already found, not by
copying the whole list of functions that hold its first argument for each match (in a field where one argument,
a discriminator's ``sigmoid(D(x))``, stands in every entry that was O(n) per match, n^2 in all: the 10,000-parameter
mlp's code generation had not ended after 26 minutes; with this it takes under 6).
"""

from __future__ import annotations

import sympy as sp
from sympy.simplify import cse_main

__all__ = ["cse"]


def cse(exprs, symbols=None) -> tuple[list, list]:
    """Common subexpressions of ``exprs`` (a sequence of sympy expressions).

    Returns ``(replacements, reduced)`` as :func:`sympy.cse` with ``order="none"``: ``replacements`` a list of
    ``(symbol, expression)`` in the order to compute them (``symbols``: an iterator of fresh symbols, default
    ``x0, x1, ...``), ``reduced`` the expressions in those symbols.  Time linear in the number of distinct
    subexpressions, apart from the matching of common arguments of Adds and Muls (sympy's, as in ``sympy.cse``).
    """
    exprs = [sp.sympify(e) for e in exprs]
    symbols = sp.numbered_symbols() if symbols is None else iter(symbols)
    return cse_main.tree_cse(exprs, symbols, opt_subs=_opt_subs(exprs), order="none")


def _opt_subs(exprs) -> dict:
    """The substitutions sympy's ``opt_cse`` finds (see the module docstring for the one difference)."""
    Unevaluated = cse_main.Unevaluated
    opt_subs: dict = {}
    adds: dict = {}  # (insertion-ordered sets)
    muls: dict = {}
    seen: set = set()
    lean: dict = {}  # Add -> whether it is written with more negative terms than positive ones

    def minus(e) -> bool:
        """Whether ``e`` is written negated: a negative number, a product with a negative coefficient, a sum
        with more such terms than others (a tie: no)."""
        if e.is_Number:
            return bool(e.is_extended_negative)
        if e.is_Mul:
            c = e.args[0]
            return bool(c.is_Number and c.is_extended_negative)
        if e.is_Add:
            got = lean.get(e)
            if got is None:
                neg = sum(1 for a in e.args if minus(a))
                got = lean[e] = 2 * neg > len(e.args)
            return got
        return False

    stack = [(e, False) for e in reversed(exprs)]
    while stack:  # (iterative: the DAG of a large field is deeper than Python's recursion limit)
        e, done = stack.pop()
        if not isinstance(e, sp.Basic) or e.is_Atom or e.is_Order:
            continue
        if not done:
            if e in seen:
                continue
            seen.add(e)
            stack.append((e, True))
            stack.extend((a, False) for a in reversed(e.args))
            continue
        if (e.is_Add or e.is_Mul) and minus(e):
            neg = sp.Add(*(-a for a in e.args)) if e.is_Add else -e
            if not neg.is_Atom:
                opt_subs[e] = Unevaluated(sp.Mul, (sp.S.NegativeOne, neg))
                seen.add(neg)
                e = neg
        if e.is_Mul:
            if len(e.args) > 1:
                muls[e] = None
        elif e.is_Add:
            if len(e.args) > 1:
                adds[e] = None
        elif e.is_Pow and minus(e.exp):
            opt_subs[e] = Unevaluated(sp.Pow, (sp.Pow(e.base, -e.exp), -1))
    commutative = {}
    for m in muls:
        c, nc = m.args_cnc(cset=False)
        if nc:  # (a game's symbols commute; kept as sympy does it for completeness)
            opt_subs[m] = m.func(*nc) if c == [] else m.func(m.func(*c), m.func(*nc), evaluate=False)
        if len(c) > 1:
            # (a product of commuting factors is its own commutative part: sympy rebuilds it, evaluating the
            # product and asking each factor's assumptions again, 15 of the 52 s of a 2,000-parameter mlp's code;
            # rebuilt still where a factor repeats, as in an unevaluated x*x*y: the matching keeps each function's
            # arguments as a set, so x*x*y would be matched as x*y)
            commutative[m if not nc and len(set(c)) == len(c) else m.func(*c)] = None
    _match_common_args(sp.Add, list(adds), opt_subs)
    _match_common_args(sp.Mul, list(commutative), opt_subs)
    return opt_subs


class _Tracker(cse_main.FuncArgTracker):
    """sympy's tracker of which functions hold which arguments, with a cheaper search for the functions that hold
    a whole set of arguments."""

    def get_subset_candidates(self, argset, restrict_to_funcset=None):
        """The functions (numbers) that hold every argument of ``argset``, among ``restrict_to_funcset`` if given:
        the smallest of those sets filtered by membership in the others (sympy copies the set of the first
        argument and intersects, O(its size) whatever the restriction).  In an order that differs from sympy's,
        which the caller does not depend on (each function found is rewritten on its own)."""
        sets = [self.arg_to_funcset[a] for a in argset]
        if restrict_to_funcset is not None:
            sets.append(restrict_to_funcset)
        sets.sort(key=len)
        first, rest = sets[0], sets[1:]
        return [f for f in first if all(f in s for s in rest)]


def _match_common_args(func_class, funcs, opt_subs) -> None:
    """sympy's ``cse_main.match_common_args`` (same steps, same substitutions into ``opt_subs``), with
    :class:`_Tracker`'s search for the functions holding a set of common arguments."""
    OrderedSet = cse_main.OrderedSet
    Unevaluated = cse_main.Unevaluated
    funcs = sorted(funcs, key=lambda f: len(f.args))  # (whole-function subexpressions before those that use them)
    tracker = _Tracker(funcs)
    changed = OrderedSet()
    for i in range(len(funcs)):
        counts = tracker.get_common_arg_candidates(tracker.func_to_argset[i], min_func_i=i + 1)
        candidates = OrderedSet(sorted(counts.keys(), key=lambda k: (counts[k], k)))  # (smaller matches first)
        while candidates:
            j = candidates.pop(last=False)
            com_args = tracker.func_to_argset[i].intersection(tracker.func_to_argset[j])
            if len(com_args) <= 1:  # (combined already in an earlier step)
                continue
            diff_i = tracker.func_to_argset[i].difference(com_args)
            if diff_i:  # the common part as a new (unevaluated, to match again) function of the same class
                com_func = Unevaluated(func_class, tracker.get_args_in_value_order(com_args))
                com_number = tracker.get_or_add_value_number(com_func)
                tracker.update_func_argset(i, diff_i | OrderedSet([com_number]))
                changed.add(i)
            else:  # funcs[i] whole is the common part (an evaluated one: tree_cse counts it as seen again)
                com_number = tracker.get_or_add_value_number(funcs[i])
            diff_j = tracker.func_to_argset[j].difference(com_args)
            tracker.update_func_argset(j, diff_j | OrderedSet([com_number]))
            changed.add(j)
            for k in tracker.get_subset_candidates(com_args, candidates):
                diff_k = tracker.func_to_argset[k].difference(com_args)
                tracker.update_func_argset(k, diff_k | OrderedSet([com_number]))
                changed.add(k)
        if i in changed:
            opt_subs[funcs[i]] = Unevaluated(func_class, tracker.get_args_in_value_order(tracker.func_to_argset[i]))
        tracker.stop_arg_tracking(i)
