"""The ``==`` of every result dataclass (gandynamics._equality): never raises on arrays, equal to its copy, unequal
when any number differs; every result class of the package uses it."""

import copy
import dataclasses
import importlib
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gandynamics
from gandynamics import VectorField, games
from gandynamics._equality import fields_equal, same


def _dataclasses():
    """Every dataclass defined in the package (the command line's modules are not results)."""
    found = {}
    for m in pkgutil.walk_packages(gandynamics.__path__, "gandynamics."):
        if ".cli" in m.name or m.name.endswith("__main__"):
            continue
        mod = importlib.import_module(m.name)
        for name, v in vars(mod).items():
            if isinstance(v, type) and dataclasses.is_dataclass(v) and v.__module__ == m.name:
                found[f"{m.name}.{name}"] = v
    return found


def test_every_result_dataclass_compares_arrays():
    """The kind: every dataclass that is not frozen (results, reports, records) has the array-aware ==; a frozen one
    (a declaration: game, method, loss, distribution) annotates no field as an array."""
    found = _dataclasses()
    assert len(found) > 30
    for name, cls in found.items():
        if cls.__dataclass_params__.frozen and cls.__eq__ is not fields_equal:
            for f in dataclasses.fields(cls):
                assert "ndarray" not in str(f.type), (name, f.name)
        else:
            assert cls.__eq__ is fields_equal, name


@pytest.fixture(scope="module")
def results():
    fld = VectorField(games.dirac(), [gandynamics.R1()])
    sq = VectorField(games.quadratic()) if hasattr(games, "quadratic") else fld
    return {
        "sweep": gandynamics.sweep(fld, "gd", inits=[[1.0, 1.0], [0.5, -0.5], [0.1, 0.2]], steps=30, step=0.1,
                                   progress=False),
        "trajectory": gandynamics.simulate(fld, "gd", [1.0, 1.0], steps=30, step=0.1),
        "spectrum": gandynamics.spectrum(fld),
        "classify": gandynamics.classify(fld),
        "check": gandynamics.check_constants(sq, gandynamics.Region.box([-1.0] * sq.n, [1.0] * sq.n), mu=10.0, L=0.01,
                                           max_seconds=5),
        "rates": gandynamics.rates(fld, "gd"),
    }


def _bump(obj) -> bool:
    """Change one number held by ``obj`` (a float array of several numbers, else a float) in place, looking through
    dataclass fields, dicts and lists; True when one was changed."""
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and obj.size > 1 and obj.flags.writeable:
            obj.flat[-1] = obj.flat[-1] + 1.0
            return True
        return False
    if dataclasses.is_dataclass(obj):
        items = [(obj, f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.compare]
    elif isinstance(obj, dict):
        items = [(obj, k, v) for k, v in obj.items()]
    elif isinstance(obj, list):
        items = list(zip([obj] * len(obj), range(len(obj)), obj))
    else:
        return False
    for holder, key, v in items:
        if isinstance(v, float) and v == v:
            if dataclasses.is_dataclass(holder):
                object.__setattr__(holder, key, v + 1.0)
            else:
                holder[key] = v + 1.0
            return True
        if _bump(v):
            return True
    return False


@pytest.mark.parametrize("name", ["sweep", "trajectory", "spectrum", "classify", "check", "rates"])
def test_results_equal_their_copies_and_differ_when_a_number_does(results, name):
    r = results[name]
    if not dataclasses.is_dataclass(r):  # (rates: the rows and the summary)
        r = r[0][0]
    assert dataclasses.is_dataclass(r)
    twin = copy.deepcopy(r)
    assert (r == twin) is True and (r != twin) is False
    assert (r == object()) is False
    changed = copy.deepcopy(r)
    assert _bump(changed)
    assert (r == changed) is False and (changed == r) is False


_leaf = st.one_of(st.floats(allow_nan=True), st.integers(-5, 5), st.text(max_size=3), st.none(),
                  st.lists(st.floats(allow_nan=True), min_size=0, max_size=4).map(np.array),
                  st.lists(st.integers(-3, 3), min_size=2, max_size=4).map(lambda x: np.array(x).reshape(-1, 1)))
_tree = st.recursive(_leaf, lambda c: st.one_of(st.lists(c, max_size=3), st.tuples(c, c),
                                                st.dictionaries(st.text(max_size=2), c, max_size=3)), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(_tree, _tree)
def test_same_is_an_equality_that_never_raises(x, y):
    """Reflexive on a copy (NaN equal to NaN), symmetric, a bool, and False between structures of different shape."""
    assert same(x, copy.deepcopy(x)) is True
    a, b = same(x, y), same(y, x)
    assert isinstance(a, bool) and a == b


def test_a_recomputed_result_equals_the_first():
    """Wall-clock timings are not part of a result (a reviewer: a recomputed check or sweep compared unequal on its
    seconds alone); the numbers are."""
    import gandynamics as G
    fld = VectorField(games.quadratic()) if hasattr(games, "quadratic") else VectorField(games.dirac())
    box = G.Region.box([-1.0] * fld.n, [1.0] * fld.n)
    a = G.check_constants(fld, box, mu=10.0, L=0.01, max_seconds=5)
    b = G.check_constants(fld, box, mu=10.0, L=0.01, max_seconds=5)
    assert a == b
    d = VectorField(games.dirac(), [G.R1()])
    kw = dict(inits=[[1.0, 1.0], [0.3, -0.2]], grid={"gamma": [0.2, 0.5]}, steps=20, step=0.1, progress=False)
    s1, s2 = G.sweep(d, "gd", **kw), G.sweep(d, "gd", **kw)
    assert s1 == s2
    s3 = G.sweep(d, "gd", **{**kw, "steps": 21})
    assert s1 != s3
    # the provenance's date (to the second) is when, not what: two sweeps a second apart are equal
    s4 = copy.deepcopy(s1)
    s4.meta["provenance"]["date"] = "1999-01-01T00:00:00+00:00"
    assert s1 == s4
    s4.meta["provenance"]["steps"] = 21
    assert s1 != s4


@pytest.mark.parametrize("nan", [float("nan"), complex(float("nan"), 0.0), complex(0.0, float("nan")),
                                 np.float32("nan"), np.float64("nan"), np.complex128(complex(float("nan"), 1.0))])
def test_a_nan_scalar_equals_a_nan_scalar(nan):
    assert same(nan, copy.copy(nan)) and same({"x": [nan]}, {"x": [float("nan")]})
    assert not same(nan, 1.0) and not same(1.0, nan)
