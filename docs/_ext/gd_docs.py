"""Pages of the gandynamics documentation that are generated from the code, so that they cannot drift.

On ``builder-inited`` this writes, under ``docs/_generated/`` (not in git):

* ``cli.md`` — the ``--help`` of ``gandynamics`` and of every subcommand, from
  :func:`gandynamics.cli.build_parser` (the parser the command itself uses);
* ``api.md`` — one autodoc entry for every name in ``gandynamics.__all__`` (grouped; a name added to
  ``__all__`` appears here without editing the docs), plus the :mod:`gandynamics.plotting` module;
* ``figures.md`` — ``figures/README.md`` (the checks behind every reproduced figure) with its images and
  data files linked into the site, and each citation of the mathematics chapter turned into a link.

A file is rewritten only when its text changes, so incremental builds stay incremental.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
GENERATED = DOCS / "_generated"

#: sections of the API page: title -> names of gandynamics.__all__ (anything not listed goes to "Other")
API_GROUPS = {
    "Games and fields": ["Game", "GAN", "VectorField", "games"],
    "Distributions": ["Atoms", "Normal", "Uniform", "Pushforward", "convolve"],
    "Losses": ["Loss", "LOSSES", "sigmoid", "softplus"],
    "Regularizers": ["R1", "R2", "WGANGP", "InstanceNoise", "Consensus", "NagarajanKolter", "JARE", "Tikhonov",
                     "Asymmetric", "REGULARIZERS", "make_regularizer"],
    "Spectra": ["spectrum", "find_equilibrium", "SpectralReport"],
    "Constants": ["Region", "estimate_constants", "certify_constants", "check_constants"],
    "Rates": ["rates"],
    "Simulation and sweeps": ["simulate", "sweep", "Trajectory", "SweepResult", "METHODS"],
    "Errors": ["GandynamicsError"],
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------------------------------------ CLI
def _subparsers(parser: argparse.ArgumentParser) -> dict:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cli_page() -> str:
    from gandynamics.cli import build_parser

    parser = build_parser()
    out = ["# Command-line reference", "",
           "Generated from the parser of the `gandynamics` command when the documentation is built; it is "
           "exactly what `gandynamics --help` and `gandynamics COMMAND --help` print.", "",
           "Exit status: 0 on success, 2 for bad input (one line `gandynamics: error: ...`); `check` also "
           "exits 1 (refuted) and 3 (undecided). See {doc}`/howto/verdicts`. Warnings "
           "(`gandynamics: warning: ...`) wait until a command shows something else or has run for two seconds: "
           "a command that fails before that prints its one error line alone (`-v` shows the warnings too).", "",
           "## gandynamics", "", "```text", parser.format_help().rstrip(), "```", ""]
    for name, sub in _subparsers(parser).items():
        out += [f"## gandynamics {name}", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ API
def _directive(name: str, obj) -> list[str]:
    target = f"gandynamics.{name}"
    if inspect.ismodule(obj):
        return ["```{eval-rst}", f".. automodule:: {obj.__name__}", "   :members:", "```", ""]
    if inspect.isclass(obj):
        lines = ["```{eval-rst}", f".. autoclass:: {target}", "   :members:"]
        if dataclasses.is_dataclass(obj):   # fields are described in the docstring, not as empty entries
            lines.append("   :exclude-members: " + ", ".join(f.name for f in dataclasses.fields(obj)))
        return lines + ["```", ""]
    if callable(obj):
        return ["```{eval-rst}", f".. autofunction:: {target}", "```", ""]
    what = type(obj).__name__
    desc = f"A {what}"
    if isinstance(obj, dict):
        keys = ", ".join(f"``{k}``" for k in obj)
        desc = f"A registry (``dict``) from name to object; the names: {keys}."
    return ["```{eval-rst}", f".. py:data:: {target}", "", f"   {desc}", "```", ""]


def results_protocol(doc: str) -> str:
    """The paragraphs of the package's docstring on its results (from ``Results.`` to the end): the one place the
    protocol of the result classes is written."""
    text = doc[doc.index("Results.  "):].strip()
    return text.replace("Results.  ", "", 1)


def api_page() -> str:
    import gandynamics as gd

    names = list(gd.__all__)
    seen = set()
    out = ["# API reference", "",
           "Every public name of the package (`gandynamics.__all__`), generated from the numpy-style "
           "docstrings. Import them from the top level: `import gandynamics as gd; gd.simulate(...)`. "
           "Formulas cite {doc}`the mathematics chapter </mathematics>` by section.", "",
           "```{eval-rst}", ".. module:: gandynamics", "   :no-index:", "```", ""]
    out += ["## Results", "", "```{eval-rst}", results_protocol(gd.__doc__), "```", ""]
    groups = dict(API_GROUPS)
    groups["Other"] = [n for n in names if not any(n in g for g in API_GROUPS.values())]
    for title, members in groups.items():
        members = [m for m in members if m in names]
        if not members:
            continue
        out += [f"## {title}", ""]
        for m in members:
            seen.add(m)
            out += _directive(m, getattr(gd, m))
    out += ["## Plotting", "",
            "`gandynamics.plotting` (reachable as `gd.plotting`, imported on first use so that "
            "`import gandynamics` does not import matplotlib).", "",
            "```{eval-rst}", ".. automodule:: gandynamics.plotting", "   :members:", "   :no-index:", "```", ""]
    missing = set(names) - seen
    assert not missing, f"API page misses {missing}"
    return "\n".join(out)


# -------------------------------------------------------------------------------------------- figures
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s#][^)\s]*)\)")
_CITE = re.compile(r"docs/mathematics\.md §(\d+(?:\.\d+)?)")
_LABEL = re.compile(r"^\((math-[0-9.]+)\)=\s*$", re.M)


def math_labels() -> set[str]:
    text = (DOCS / "mathematics.md").read_text(encoding="utf-8")
    return set(_LABEL.findall(text))


def figures_page() -> str:
    readme = ROOT / "figures" / "README.md"
    if not readme.exists():
        return "# Figures gallery\n\nRun `gandynamics reproduce` to generate the figures.\n"
    text = readme.read_text(encoding="utf-8")
    labels = math_labels()
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    body = "\n".join(lines)
    rel = "../../figures/"
    body = _IMAGE.sub(lambda m: f"![{m.group(1)}]({rel}{m.group(2)})", body)

    def link(m):
        label, target = m.group(1), m.group(2)
        if re.match(r"^[a-z]+:", target):
            return m.group(0)
        return f"{{download}}`{label} <{rel}{target}>`"

    body = _LINK.sub(link, body)

    def cite(m):
        sec = m.group(1)
        return f"{{ref}}`docs/mathematics.md §{sec} <math-{sec}>`" if f"math-{sec}" in labels else m.group(0)

    body = _CITE.sub(cite, body)
    head = ["# Figures gallery", "",
            "Every figure that `gandynamics reproduce` draws, with the parameters and the checks it passed "
            "(from `figures/README.md`, regenerated with the figures). Each check compares a number the "
            "library computed with an independent reference: a closed form of {doc}`/mathematics` or a "
            "predicted against a measured rate.", ""]
    return "\n".join(head) + body + "\n"


def generate(app=None) -> None:
    _write(GENERATED / "cli.md", cli_page())
    _write(GENERATED / "api.md", api_page())
    _write(GENERATED / "figures.md", figures_page())


def plotting_attr_docs(app=None) -> dict:
    """Let autodoc find the ``#:`` comments documenting the data of ``gandynamics.plotting.__all__`` (``STYLE``,
    ``METHOD_COLORS``, ...): the package re-exports the names of its private modules (``_style``, ``_fit``, ...),
    and autodoc reads the comments of a module's data in that module's own source only, the package's ``__init__``,
    which has none (Sphinx 9 then leaves such a datum out of the page).  Each comment is added to the analysis of the
    package that autodoc reads (``ModuleAnalyzer.for_module``, cached for the build), as the single module
    ``plotting.py`` had it.  Returns the comments added."""
    import pkgutil

    import gandynamics.plotting as P
    from sphinx.pycode import ModuleAnalyzer
    package = ModuleAnalyzer.for_module("gandynamics.plotting")
    package.analyze()
    added = {}
    for m in pkgutil.iter_modules(P.__path__):
        for (ns, name), lines in ModuleAnalyzer.for_module(f"gandynamics.plotting.{m.name}").find_attr_docs().items():
            if not ns and name in P.__all__ and ("", name) not in package.attr_docs:
                package.attr_docs["", name] = added["", name] = list(lines)
    return added


def setup(app):
    app.connect("builder-inited", generate)
    app.connect("builder-inited", plotting_attr_docs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
