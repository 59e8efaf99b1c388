"""Every docstring the API reference renders (docs/_ext/gd_docs.py: each name of ``gandynamics.__all__``, its public
members, and the :mod:`gandynamics.plotting` module) is reStructuredText without an error once napoleon has read its
numpy-style sections: ``|z|`` in plain text is a substitution reference, and the documentation build (``sphinx -W``,
in CI only: it takes minutes) failed on one (``plotting.number_text``, 2026-12-06).  Checked here with docutils
alone, Sphinx's own roles and directives standing in as plain literals."""

from __future__ import annotations

import inspect
import io

import pytest

docutils = pytest.importorskip("docutils")
napoleon = pytest.importorskip("sphinx.ext.napoleon")


def _defined_in(v, module) -> bool:
    """Whether ``v`` is defined in ``module`` or, for a package (``gandynamics.plotting``), in one of its private
    modules (``gandynamics.plotting._portrait``), whose names the package re-exports."""
    where = getattr(v, "__module__", None) or ""
    return where == module.__name__ or (hasattr(module, "__path__") and where.startswith(module.__name__ + "._"))


def _modules(mods) -> set:
    """``mods`` and the private modules of each package among them (where a package's re-exported names, and the
    ``#:`` comments documenting them, are defined)."""
    import importlib
    import pkgutil
    out = set(mods)
    for mod in mods:
        path = getattr(importlib.import_module(mod), "__path__", None)
        if path is not None:
            out |= {f"{mod}.{m.name}" for m in pkgutil.iter_modules(path) if m.name.startswith("_")}
    return out


def _documented():
    import gandynamics
    import gandynamics.plotting
    out = []

    def members(owner, prefix):
        for name, v in vars(owner).items():
            if name.startswith("_"):
                continue
            if inspect.ismodule(owner) and not _defined_in(v, owner):
                continue
            if inspect.isfunction(v) or inspect.isclass(v) or isinstance(v, property):
                out.append((f"{prefix}.{name}", v))
                if inspect.isclass(v):
                    members(v, f"{prefix}.{name}")

    for name in gandynamics.__all__:
        obj = getattr(gandynamics, name)
        if inspect.ismodule(obj):
            out.append((f"gandynamics.{name}", obj))
            members(obj, f"gandynamics.{name}")
        elif inspect.isfunction(obj) or inspect.isclass(obj):
            out.append((f"gandynamics.{name}", obj))
            if inspect.isclass(obj):
                members(obj, f"gandynamics.{name}")
    out.append(("gandynamics.plotting", gandynamics.plotting))
    members(gandynamics.plotting, "gandynamics.plotting")
    return out


def _rst_errors(doc: str) -> str:
    from docutils.core import publish_doctree
    from docutils.parsers.rst import Directive, directives, nodes, roles
    from docutils.utils import Reporter
    from sphinx.ext.napoleon import Config
    from sphinx.ext.napoleon.docstring import NumpyDocstring

    class _Any(Directive):  # (Sphinx's directives: their content is not checked here)
        has_content, optional_arguments, final_argument_whitespace = True, 10, True
        option_spec = {"type": directives.unchanged, "noindex": directives.flag, "value": directives.unchanged}

        def run(self):
            return []

    for r in ("func", "meth", "class", "data", "attr", "mod", "obj", "exc", "ref", "doc", "term", "math"):
        roles.register_generic_role(r, nodes.literal)
    for d in ("attribute", "method", "function", "class", "data", "rubric", "deprecated", "versionadded", "seealso"):
        directives.register_directive(d, _Any)
    text = str(NumpyDocstring(doc, Config(napoleon_use_param=True, napoleon_use_rtype=True)))
    err = io.StringIO()
    publish_doctree(text, settings_overrides={"warning_stream": err, "report_level": Reporter.ERROR_LEVEL,
                                              "halt_level": 5})
    return err.getvalue().strip()


def test_every_rendered_docstring_is_restructuredtext_without_an_error():
    objs = _documented()
    assert len(objs) > 100, len(objs)
    bad = []
    for qual, obj in objs:
        doc = inspect.getdoc(obj)
        if doc:
            e = _rst_errors(doc)
            if e:
                bad.append((qual, e.splitlines()[0][:160]))
    assert not bad, bad


def test_the_check_finds_a_substitution_reference():
    assert "Undefined substitution" in _rst_errors("the |z| boxes of a figure")
    assert _rst_errors("the ``|z|`` boxes of a figure, :func:`f` and :data:`D`") == ""


def test_every_documented_module_attribute_is_restructuredtext_without_an_error():
    """A module's public names documented by ``#:`` comments are rendered too (``plotting.METHOD_COLORS``' bullet list,
    with no blank line before it, failed the documentation build: 2026-12-06): each comment, as Sphinx reads it."""
    from sphinx.pycode import ModuleAnalyzer
    mods = {obj.__name__ for _, obj in _documented() if inspect.ismodule(obj)}
    assert "gandynamics.plotting" in mods
    mods = _modules(mods)
    assert "gandynamics.plotting._style" in mods
    bad, seen = [], 0
    for mod in sorted(mods):
        for (ns, name), lines in ModuleAnalyzer.for_module(mod).find_attr_docs().items():
            if ns or name.startswith("_"):
                continue
            seen += 1
            e = _rst_errors("\n".join(lines))
            if e:
                bad.append((f"{mod}.{name}", e.splitlines()[0][:160]))
    assert seen > 20, seen
    assert not bad, bad


def test_the_attribute_check_finds_a_list_without_a_blank_line_before_it():
    assert "Unexpected indentation" in _rst_errors("colours chosen together:\n* one\n  two\n* three")
