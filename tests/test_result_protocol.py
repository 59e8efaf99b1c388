"""The one protocol of the public result classes (the module docstring of gandynamics/__init__.py): each has
``to_dict()`` (built-in Python values, strict JSON through :func:`gandynamics.jsonio.clean`, complex numbers as
``[re, im]``), a short ``repr`` (a few lines however big the result), ``_repr_html_`` where it is a table-like
summary, and ``as_dict()`` only as the deprecated alias of ``to_dict()`` where a class had it.

:data:`RESULTS` is the one list of the classes and of a cheap call that builds each (tiny built-in games, no
compiled kernels); :func:`test_every_result_class_is_listed` finds the classes in the code (what the public
functions are annotated to return, and every class that defines ``to_dict``, ``as_dict`` or ``_repr_html_``), so
that a new result class that is not listed here fails."""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import json
import math
import os
import warnings

import numpy as np
import pytest

import gandynamics
import gandynamics.analysis  # noqa: F401  (scipy and sympy imported at collection, not in the first test's time)
from gandynamics import jsonio


@functools.lru_cache(maxsize=None)
def _field(name: str):
    from gandynamics import VectorField
    from gandynamics.games import make_game
    from gandynamics.regularizers import make_regularizer
    if name == "dirac-r1":
        return VectorField(make_game("dirac"), [make_regularizer("r1", gamma=0.3)])
    if name == "dirac-wgan-gp":  # not differentiable at its equilibrium: the report without a linearisation
        return VectorField(make_game("dirac", loss="wgan"), [make_regularizer("wgan-gp", gamma=0.7)])
    return VectorField(make_game(name), [])


@functools.lru_cache(maxsize=None)
def _build(name: str):
    """One instance of each result class (cached: one call per session), from the cheapest public call."""
    import gandynamics as gd
    from gandynamics import analysis
    d = _field("dirac-r1")
    if name == "SpectralReport":
        return gd.spectrum(d)
    if name == "SpectralReport (not differentiable)":
        return gd.spectrum(_field("dirac-wgan-gp"))
    if name == "ConstantsReport":
        return gd.certify_constants(d, "ball:0.5", tol=0.1)
    if name == "Bracket":
        return _build("ConstantsReport").lipschitz
    if name == "Region":
        return _build("ConstantsReport").region
    if name == "CheckResult":
        return gd.check_constants(d, "ball:0.5", mu=0.1)
    if name == "RateRow":
        return gd.rates(d, ("gd",), measure=False)[0][0]
    if name == "Bound":
        return analysis.theoretical_bound("gd", 0.1, 0.3, 1.0)
    if name == "BasinReport":  # not certified (R1 is not strongly monotone here): L is NaN, step and rate None
        return gd.basin(d, "gd")
    if name == "Classification":
        return gd.classify(d)
    if name == "Branch":
        return gd.continuation(d, "gamma", 0.5, -0.5)
    if name == "Event":
        return _build("Branch").events[0]
    if name == "Curve":
        return gd.stability_boundaries(d, ("gamma", "h"), [(0.1, 1), (0.1, 2)], method="gd")[0]
    if name == "Cycle":  # its orbit of 200 samples is what a dataclass repr dumped
        return gd.limit_cycle(_field("hopf"), (0.5, 0.0), 12.0)
    if name == "MapCycle":
        return analysis.map_cycle(d, "gd", 0.5, 1, (0.1, 0.1))
    if name == "QuadratureCheck":  # a GAN of a Gauss-Legendre rule: its Jacobian again with twice the nodes
        return analysis.quadrature_check(_field("nk-scale"))
    if name == "Trajectory":  # a short run: interpreted, no kernel compiled
        return gd.simulate(d, "gd", (1.0, 1.0), 20, 0.1)
    if name == "SweepResult":
        return gd.sweep(d, "gd", inits=[(1.0, 1.0), (0.5, 0.5)], steps=20, step=0.1)
    if name == "Check":
        from gandynamics.reproduce import Check
        return Check("an eigenvalue", complex(-0.15, 0.477), complex(-0.15, 0.477), "closed form", 1e-9, True)
    if name == "StudyResult":
        from gandynamics.reproduce import Check, StudyResult
        checks = [Check(f"check {i}", float(i), np.float64(i), "closed form", 1e-9, True) for i in range(40)]
        return StudyResult("demo", "A demo study", "nobody 2026", images=[("demo", "a picture")],
                           params={"grid": np.linspace(0, 1, 50)}, checks=checks, notes=["a note"],
                           tables=["| a |\n|---|\n| 1 |"])
    raise KeyError(name)


#: every public result class: display name -> (class name, has ``_repr_html_``, had ``as_dict``)
RESULTS = {
    "SpectralReport": ("SpectralReport", True, False),
    "SpectralReport (not differentiable)": ("SpectralReport", True, False),
    "ConstantsReport": ("ConstantsReport", True, False),
    "Bracket": ("Bracket", False, False),
    "Region": ("Region", False, False),
    "CheckResult": ("CheckResult", True, False),
    "RateRow": ("RateRow", True, False),
    "Bound": ("Bound", False, False),
    "BasinReport": ("BasinReport", True, False),
    "Classification": ("Classification", True, True),
    "Branch": ("Branch", True, True),
    "Event": ("Event", False, True),
    "Curve": ("Curve", False, True),
    "Cycle": ("Cycle", True, True),
    "MapCycle": ("MapCycle", True, True),
    "QuadratureCheck": ("QuadratureCheck", False, False),
    "Trajectory": ("Trajectory", True, False),
    "SweepResult": ("SweepResult", True, False),
    "Check": ("Check", False, True),
    "StudyResult": ("StudyResult", True, True),
}

#: classes the discovery finds that are not results: what the public functions take or build to compute
NOT_RESULTS = {"Convolution", "Regularizer", "Explorer"}

#: a short repr: at most this many characters and lines, whatever the size of the result
MAX_REPR, MAX_LINES = 800, 3


def _plain(x, where="to_dict()"):
    """Fail unless ``x`` is built of dict (str keys), list, str, int, float, bool and None only (no NumPy
    scalar or array, no tuple, no complex number)."""
    if isinstance(x, dict):
        for k, v in x.items():
            assert type(k) is str, f"{where}: key {k!r} is a {type(k).__name__}, not a str"
            _plain(v, f"{where}[{k!r}]")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            _plain(v, f"{where}[{i}]")
    else:
        assert x is None or type(x) in (str, int, float, bool), f"{where} is a {type(x).__name__}: {x!r:.80}"


@pytest.mark.parametrize("name", list(RESULTS))
def test_to_dict_is_json(name):
    obj = _build(name)
    assert type(obj).__name__ == RESULTS[name][0]
    d = obj.to_dict()
    assert isinstance(d, dict) and d
    _plain(d)
    json.dumps(d)  # (Python's own rules: NaN and infinities written as NaN, Infinity)
    strict = jsonio.clean(d)  # the project's: NaN -> null, +-inf -> "inf"/"-inf" (what --json prints)
    assert json.loads(json.dumps(strict, allow_nan=False)) == strict
    assert json.loads(jsonio.dumps(d)) == strict
    assert jsonio.clean(strict) == strict


@pytest.mark.parametrize("name", list(RESULTS))
def test_repr_is_short_and_html_where_a_table(name):
    obj = _build(name)
    _, has_html, _ = RESULTS[name]
    for o in (obj, _inflated(obj)):
        text = repr(o)
        assert not text.startswith(type(o).__name__ + "("), f"the dataclass repr of {name}: {text[:200]}"
        assert len(text) <= MAX_REPR and text.count("\n") < MAX_LINES, f"{name}: {len(text)} characters: {text[:300]}"
        if has_html:
            html = o._repr_html_()
            assert html.startswith("<div class='gandynamics-repr'>") and len(html) < 20000, (name, len(html))
    assert has_html == hasattr(obj, "_repr_html_")


#: list fields that stay as they are in :func:`_inflated`: a sweep's grid axes are a few, however big the sweep
FIXED_LISTS = {"dims"}


def _inflated(obj):
    """``obj`` with every array field 500 times longer (and every list field 100 times): a big result, for the
    repr to summarise (the fields need not be consistent with each other: only the repr reads them)."""
    if not dataclasses.is_dataclass(obj):
        return obj
    new = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, np.ndarray) and v.ndim:
            new[f.name] = np.repeat(v, 500, axis=0)
        elif isinstance(v, list) and v and f.name not in FIXED_LISTS:
            new[f.name] = v * 100
    return dataclasses.replace(obj, **new)


def test_repr_of_a_big_report_shows_a_few_entries():
    """A conservative game of 2000 parameters: 1000 conjugate pairs on the imaginary axis."""
    from gandynamics.analysis import SpectralReport
    n = 2000
    eigs = np.concatenate([1j * np.arange(1, n // 2 + 1), -1j * np.arange(1, n // 2 + 1)])
    rep = SpectralReport(point=np.arange(n, dtype=float), residual=0.0, differentiable=True,
                         eigenvalues=eigs, spectral_abscissa=-1.0, verdict="locally asymptotically stable")
    text = repr(rep)
    assert "(0, 1, 2, 3, 4, 5, … (1994 more))" in text
    assert "eigenvalues=0 ± 1000i, 0 ± 999i, 0 ± 998i, 0 ± 997i, 0 ± 996i, 0 ± 995i, … (994 more)," in text
    assert len(text) < 400
    cyc = _build("Cycle")
    assert "orbit" not in repr(cyc) and cyc.orbit.shape[0] == 200 and "200 × 2" in cyc._repr_html_()


@pytest.mark.parametrize("name", [n for n, (_, _, had) in RESULTS.items() if had])
def test_as_dict_is_the_deprecated_alias(name):
    obj = _build(name)
    with pytest.warns(DeprecationWarning, match=r"as_dict\(\) is deprecated: use \w+\.to_dict\(\)"):
        d = obj.as_dict()
    assert jsonio.dumps(d) == jsonio.dumps(obj.to_dict())


def test_no_other_class_has_as_dict():
    for name, (cls, _, had) in RESULTS.items():
        assert hasattr(_build(name), "as_dict") == had, name


def test_complex_values_are_pairs_as_in_the_cli():
    """The one encoding of complex numbers: ``[re, im]`` (gandynamics analyze --json's eigenvalues)."""
    rep = _build("SpectralReport")
    d = rep.to_dict()
    assert d["eigenvalues"] == [[float(e.real), float(e.imag)] for e in rep.eigenvalues]
    assert jsonio.clean([complex(1, -math.inf), np.complex128(math.nan)]) == [[1.0, "-inf"], [None, 0.0]]
    assert jsonio.plain({"z": np.array([1 + 2j]), "n": np.int64(3), "b": np.bool_(True)}) == \
        {"z": [[1.0, 2.0]], "n": 3, "b": True}
    nd = _build("SpectralReport (not differentiable)").to_dict()
    assert nd["eigenvalues"] is None and nd["nonsmooth"] and nd["differentiable"] is False
    basin = _build("BasinReport").to_dict()
    assert math.isnan(basin["L"]) and jsonio.clean(basin)["L"] is None  # NaN kept as a float, null in JSON


# ------------------------------------------------------------------------------------------ discovery
ROOT = os.path.dirname(gandynamics.__file__)
HOOKS = {"to_dict", "as_dict", "_repr_html_"}


def _classes_with_hooks() -> set[tuple[str, str]]:
    """(module, class) of every class in the package's source that defines one of :data:`HOOKS` (read, not
    imported: the plotting and notebook modules stay unimported)."""
    out = set()
    for d, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".py"):
                continue
            path = os.path.join(d, f)
            with open(path, encoding="utf-8") as fh:
                src = fh.read()
            if not any(h in src for h in HOOKS):
                continue
            mod = "gandynamics." + os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
            for node in ast.walk(ast.parse(src)):
                if isinstance(node, ast.ClassDef):
                    names = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
                    names |= {a.asname or a.name for n in node.body if isinstance(n, ast.ImportFrom) for a in n.names}
                    if names & HOOKS:
                        out.add((mod.removesuffix(".__init__"), node.name))
    return out


def _returned_classes() -> set[str]:
    """The classes the public functions (of gandynamics and gandynamics.analysis) are annotated to return."""
    from gandynamics import analysis
    out = set()
    for mod in (gandynamics, analysis):
        for n in mod.__all__:
            if n == "interact":  # (the notebook explorer: an optional extra, not a result)
                out.add("Explorer")
                continue
            fn = getattr(mod, n)
            if not inspect.isfunction(fn):
                continue
            ret = fn.__annotations__.get("return")
            home = importlib.import_module(fn.__module__)
            if isinstance(ret, str) and inspect.isclass(getattr(home, ret, None)):
                out.add(ret)
    return out


def test_every_result_class_is_listed():
    listed = {cls for cls, _, _ in RESULTS.values()}
    found = {cls for _, cls in _classes_with_hooks()} | _returned_classes()
    missing = found - listed - NOT_RESULTS
    assert not missing, f"result classes not in RESULTS (add a cheap builder to _build): {sorted(missing)}"
    assert listed <= found, sorted(listed - found)


def test_the_deprecation_warning_names_the_caller():
    """``stacklevel``: the warning points at the line that called ``as_dict()``, not into gandynamics."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        _build("MapCycle").as_dict()
    assert len(w) == 1 and w[0].filename == __file__


def test_fields_left_empty_or_given_as_numpy_values_keep_the_protocol():
    # a reviewer's cases: Curve's repr raised TypeError for parameters=None; Bound.to_dict passed NumPy floats through
    import dataclasses
    curve = dataclasses.replace(_build("Curve"), parameters=None)
    assert "Curve" in repr(curve) and len(repr(curve)) <= 800
    bound = _build("Bound")
    bound = dataclasses.replace(bound, mu=np.float64(bound.mu), L=np.float64(bound.L),
                                squared=None if bound.squared is None else np.float64(bound.squared))
    _plain(bound.to_dict())
