"""Sphinx configuration of the gandynamics documentation.

Build: ``python -m sphinx -W -b html docs docs/_build/html`` (after ``pip install -e ".[docs]"``).
Why Sphinx, MyST and myst-nb: see docs/README.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# Notebook kernels inherit this process's environment: an MPLBACKEND such as "Agg" (set by CI) would keep
# ipykernel from selecting its inline backend, and the tutorials would show no figures.
if os.environ.get("MPLBACKEND", "").lower() == "agg":
    del os.environ["MPLBACKEND"]

import gandynamics  # noqa: E402

project = "gandynamics"
author = "The gandynamics developers"
copyright = "2026, The gandynamics developers"
release = gandynamics.__version__
version = release

extensions = [
    "myst_nb",                      # MyST markdown + notebooks (executed at build time)
    "sphinx.ext.autodoc",           # the API reference from the docstrings
    "sphinx.ext.napoleon",          # numpy-style docstrings
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx-mathjax-offline",       # MathJax 3 bundled into _static: formulas render without a network
    "gd_docs",                      # generated pages: the CLI reference, the API reference, the figures gallery
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "jupyter_execute", "README.md", "**.ipynb_checkpoints", ".jupyter_cache"]

# --- MyST
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
myst_dmath_double_inline = True
# myst.header: sections written by several authors may skip a heading level; ref.python: docstring type
# fields ("mapping of Symbol (or name)") are cross-referenced word by word, and a word such as "name" that
# is an attribute of several classes is ambiguous — harmless, not a broken link
suppress_warnings = ["myst.header", "ref.python"]

# --- notebooks: every tutorial is executed when Sphinx reads it (a full build executes all of them; an
# incremental build only the changed ones: after changing the library, rebuild with -E); an error fails
# the build.  "force", not "cache": jupyter-cache keys on the code of the cells, not on the library, and
# would show outputs of an older gandynamics.
nb_execution_mode = os.environ.get("GANDYNAMICS_DOCS_EXECUTE", "force")
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# --- autodoc: numpy-style docstrings, signatures as written
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True   # dataclass attributes listed once, as fields

# --- HTML: the PyData theme (as numpy, scipy, pandas, xarray); no external assets
html_theme = "pydata_sphinx_theme"
html_title = f"gandynamics {release}"
html_static_path = ["_static"]
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False
