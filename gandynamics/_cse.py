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
            commutative[m.func(*c)] = None
    cse_main.match_common_args(sp.Add, list(adds), opt_subs)
    cse_main.match_common_args(sp.Mul, list(commutative), opt_subs)
    return opt_subs
