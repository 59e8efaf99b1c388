"""gandynamics._cse: the replacements rebuild every expression; the same sharing as sympy.cse; linear in the DAG."""

import random

import numpy as np
import pytest
import sympy as sp
from sympy.core import expr as sympy_expr

from gandynamics._cse import cse
from gandynamics.losses import sigmoid, softplus

x, y, z = sp.symbols("x y z", real=True)


def rebuilt(reps, reduced):
    """The reduced expressions with every replacement substituted back (in order: each replacement's own expression
    is small, its temps standing for expressions already rebuilt, so this is linear in the DAG)."""
    value = {}
    for s, e in reps:
        value[s] = e.xreplace(value)
    return [e.xreplace(value) for e in reduced]


def random_exprs(rng, count=4, depth=5):
    """A few random expressions sharing subexpressions (a pool drawn from again), with negated sums, negative
    powers, and the project's own functions."""
    pool = [x, y, z, sp.Integer(2), sp.Rational(-1, 3)]
    ops = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: -a - b,
           lambda a, b: a / (1 + b ** 2), lambda a, b: sigmoid(a - b), lambda a, b: softplus(b - a),
           lambda a, b: sp.exp(-a) * b, lambda a, b: (a - b) ** -2 + a]
    while len(pool) < 5 + depth * 4:
        e = rng.choice(ops)(rng.choice(pool), rng.choice(pool))
        if not e.has(sp.zoo, sp.nan):  # (a power of a difference that is 0)
            pool.append(e)
    return [rng.choice(pool[5:]) for _ in range(count)]


@pytest.mark.parametrize("seed", range(40))
def test_replacements_rebuild_every_expression(seed):
    rng = random.Random(seed)
    exprs = random_exprs(rng)
    reps, reduced = cse(exprs, sp.numbered_symbols("t_"))
    assert len(reduced) == len(exprs)
    back = rebuilt(reps, reduced)
    f = sp.lambdify((x, y, z), exprs, modules=[{"sigmoid": lambda v: 1 / (1 + np.exp(-v)),
                                                "softplus": lambda v: np.logaddexp(0, v)}, "numpy"])
    g = sp.lambdify((x, y, z), back, modules=[{"sigmoid": lambda v: 1 / (1 + np.exp(-v)),
                                               "softplus": lambda v: np.logaddexp(0, v)}, "numpy"])
    pts = np.random.default_rng(seed).uniform(-2, 2, size=(5, 3))
    for p in pts:
        a = np.asarray(f(*p), float)
        b = np.asarray(g(*p), float)
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
    # every replacement is used, and computed before it is used
    defined = set()
    for s, e in reps:
        assert e.free_symbols & {t for t, _ in reps} <= defined
        defined.add(s)


@pytest.mark.parametrize("seed", range(40))
def test_as_few_operations_as_sympy_cse_give_or_take(seed):
    """The same kinds of sharing as sympy's cse: the operation count of the program within 10 % of sympy's (only
    the choice of sign in a tie differs)."""
    exprs = random_exprs(random.Random(seed))

    def ops(reps, reduced):
        return sum(sp.count_ops(e) for _, e in reps) + sum(sp.count_ops(e) for e in reduced)
    mine = ops(*cse(exprs, sp.numbered_symbols("t_")))
    theirs = ops(*sp.cse(exprs, symbols=sp.numbered_symbols("t_"), order="none"))
    assert mine <= 1.1 * theirs + 2


def test_finds_common_partial_sums_negations_and_negative_powers():
    reps, reduced = cse([x + y + z, sp.sin(x + y)])  # a partial sum shared
    assert any(e == x + y for _, e in reps)
    reps, reduced = cse([sp.sin(x - y - z) + sp.cos(-x + y + z)])  # a sum and its negation: one temp
    assert sum(1 for _, e in reps if e.is_Add) == 1
    reps, reduced = cse([x ** -2 + sp.sin(x ** 2)])  # x**-2 as 1/(x**2): x**2 shared
    assert any(e == x ** 2 for _, e in reps)


def test_single_expression_and_name_clashes():
    """Names of the replacements avoid the expressions' own symbols (as sympy's do)."""
    x0 = sp.Symbol("x0")
    reps, reduced = cse([sp.sin(x0 + y) + sp.cos(x0 + y)])
    assert all(s.name != "x0" for s, _ in reps)
    assert rebuilt(reps, reduced)[0] == sp.sin(x0 + y) + sp.cos(x0 + y)


def test_time_linear_in_the_dag_where_sympy_sorts_the_tree(monkeypatch):
    """The kind of the mlp field's cliff: sums of two terms of opposite signs nested in functions, each level
    using the one below twice, so that the expression *tree* doubles with each level while the DAG grows by a few
    nodes.  sympy's cse compares sort keys of the whole tree for each such tie: ``sort_key`` is memoised, but
    in a cache of 1,000 entries, which the mlp field's DAG overflows, so it walked the tree.  Counted here without
    that cache (about 4^depth calls for sympy's cse), the number of calls stays within a small multiple of the DAG's
    size."""
    e = x - y
    for _ in range(18):
        e = sigmoid(e) - sp.cos(e)
    calls = [0]
    real = sympy_expr.Expr.sort_key.__wrapped__  # (sympy's function without its bounded cache)

    def counted(self, order=None):
        calls[0] += 1
        return real(self, order)
    monkeypatch.setattr(sympy_expr.Expr, "sort_key", counted)
    reps, reduced = cse([e, -e + z])
    dag = len(_dag_nodes(e))
    assert calls[0] <= 20 * dag
    assert rebuilt(reps, reduced)[0] == e
    # and sympy's own does sort the tree (so that the count above would catch a return to it)
    calls[0] = 0
    e5 = x - y
    for _ in range(5):
        e5 = sigmoid(e5) - sp.cos(e5)
    sp.cse([e5, -e5 + z], order="none")
    assert calls[0] > 20 * len(_dag_nodes(e5))


def _dag_nodes(e) -> set:
    seen, stack = set(), [e]
    while stack:
        a = stack.pop()
        if a not in seen:
            seen.add(a)
            stack.extend(a.args)
    return seen


def _chain(m, shared=sp.Symbol("A")):
    """m products each sharing two arguments with the next: ``shared`` (in all of them, and first in each) and
    one symbol of its neighbour's."""
    b = sp.symbols(f"b0:{m + 1}")
    return [sp.cos(shared * b[i] * b[i + 1]) for i in range(m)]


@pytest.mark.parametrize("seed", range(40))
def test_common_argument_matching_gives_sympys_result(seed, monkeypatch):
    """The matching of common partial sums and products (``_match_common_args``) finds what sympy's
    ``match_common_args`` finds: the whole result the same, on random expression sets and on chains of products."""
    from sympy.simplify import cse_main

    from gandynamics import _cse
    exprs = random_exprs(random.Random(seed), count=6) + (_chain(10 + seed) if seed % 2 else [])
    ours = cse(exprs, sp.numbered_symbols("t_"))
    monkeypatch.setattr(_cse, "_match_common_args", cse_main.match_common_args)
    assert cse(exprs, sp.numbered_symbols("t_")) == ours


def test_common_argument_matching_linear_where_sympys_copies_sets(monkeypatch):
    """Products each sharing two arguments with the next, one of them in all: sympy's matching copies the set of
    functions holding that argument for each match (m^2 / 2 elements copied); the count here stays a small
    multiple of m."""
    from sympy.simplify import cse_main

    from gandynamics import _cse
    copied = [0]
    init = cse_main.OrderedSet.__init__

    def counted(self, iterable=None):
        if iterable is not None:
            iterable = list(iterable)
            copied[0] += len(iterable)
        init(self, iterable)
    monkeypatch.setattr(cse_main.OrderedSet, "__init__", counted)
    m = 400
    reps, reduced = cse(_chain(m))
    assert copied[0] <= 20 * m, copied[0]
    assert len(reps) == m // 2
    copied[0] = 0
    monkeypatch.setattr(_cse, "_match_common_args", cse_main.match_common_args)
    cse(_chain(m))
    assert copied[0] > 100 * m  # (sympy's own: so that the count above would catch a return to it)


def test_products_are_not_rebuilt_to_find_their_commutative_part(monkeypatch):
    """A product of commuting factors is its own commutative part: not rebuilt (sympy's opt_cse rebuilds each,
    evaluating the product and asking its factors' assumptions again: 15 of the 52 s of a 2,000-parameter mlp's
    code generation), and the matching of common factors applies to the products in the expressions."""
    from sympy.core.cache import clear_cache

    from gandynamics import _cse
    b = sp.symbols("b0:30", positive=True)
    exprs = [sp.cos(sigmoid(x + y) * b[i] * b[i + 1] * sp.exp(b[i])) for i in range(29)]
    clear_cache()
    built = [0]
    flatten = sp.Mul.flatten.__func__

    def counted(cls, seq):
        built[0] += 1
        return flatten(cls, seq)
    monkeypatch.setattr(sp.Mul, "flatten", classmethod(counted))
    subs = _cse._opt_subs(exprs)
    monkeypatch.undo()
    assert built[0] == 0
    products = {e.args[0] for e in exprs}
    assert len(products & set(subs)) >= 20  # (rewritten over the shared partial products)


def test_an_unevaluated_product_with_a_repeated_factor_is_matched_as_what_it_is():
    """The matching keeps each product's arguments as a set: an unevaluated ``x*x*y`` taken as it stands was matched
    as ``x*y`` (its partial product with ``x*y*z`` written ``x**2*y``, ``x*y*z`` then off by a factor of x: a
    review); such a product is rebuilt (``x**2*y``) before the matching, as sympy's cse does."""
    w = sp.Symbol("w")
    exprs = [sp.Mul(x, x, y, evaluate=False), x * y * z, x * y * w]
    back = rebuilt(*cse(exprs))
    pt = {x: 1.3, y: -0.7, z: 2.1, w: 0.4}
    for e, b in zip(exprs, back):
        assert abs(float(e.subs(pt)) - float(b.subs(pt))) < 1e-12, (e, b)
