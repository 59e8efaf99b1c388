"""What a message tells a user to install works: gandynamics is not on PyPI, so ``pip install
"gandynamics[tables]"`` fails; every hint is :func:`gandynamics.errors.install_hint`'s
``pip install -e ".[EXTRA]" from the project's directory`` and names an extra pyproject.toml defines.

Found by a new-user review (session 13): the library and the CLI said ``pip install "gandynamics[tables]"``,
``gandynamics[distributed]``, ``gandynamics[notebook]``.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

import gandynamics
from gandynamics.errors import EXTRAS, GandynamicsError, install_hint

ROOT = Path(__file__).resolve().parents[1]  # the project's files (a clone, or CI's unpacked sdist: the installed
PKG = ROOT / "gandynamics"                   # package in site-packages has no pyproject.toml beside it)
PYPROJECT = ROOT / "pyproject.toml"
#: the helper's wording, with the extra's name as a group
WORDING = re.compile(r"""pip install -e (?:``)?"\.\[(?P<extra>[\w,]+)\]"(?:``)? from the project's directory""")


def defined_extras() -> set[str]:
    return set(tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"])


def test_the_helper_knows_exactly_the_extras_of_pyproject():
    assert set(EXTRAS) == defined_extras()
    for extra in EXTRAS:
        hint = install_hint(extra)
        m = WORDING.fullmatch(hint)
        assert m and m["extra"] == extra, hint
        assert "gandynamics[" not in hint
    with pytest.raises(ValueError, match="no extra 'table'"):
        install_hint("table")


def _docstrings(tree) -> set[int]:
    """ids of the docstring nodes of a module's tree."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def _strings(path: Path):
    """(line, text, is_docstring) of every string constant of a module, f-strings' literal parts included."""
    tree = ast.parse(path.read_text())
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, " ".join(node.value.split()), id(node) in docs  # docstrings wrap lines


@pytest.mark.slow  # 1.3 s with warm caches on the 2-core CI machine
def test_no_source_string_says_pip_install_but_the_helper():
    """Messages and help texts build the command with install_hint (the only literal is the helper's own);
    docstrings, which cannot call it, use its wording for an extra pyproject.toml defines; nothing says
    gandynamics[...]."""
    extras, bad, seen = defined_extras(), [], 0
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(ROOT)
        for line, text, is_doc in _strings(path):
            if "gandynamics[" in text and rel != Path("gandynamics/errors.py"):  # (the helper says what fails)
                bad.append(f"{rel}:{line}: names gandynamics[...]: {text[:80]!r}")
            if "pip install" not in text:
                continue
            seen += 1
            if rel == Path("gandynamics/errors.py"):
                continue  # the helper and its docstring
            if not is_doc:
                bad.append(f"{rel}:{line}: a 'pip install' literal instead of errors.install_hint: {text[:80]!r}")
                continue
            for hit in re.finditer(r"pip install.{0,60}", text):
                m = WORDING.match(hit.group(0))
                if not m or not set(m["extra"].split(",")) <= extras:
                    bad.append(f"{rel}:{line}: not the helper's wording or an unknown extra: {hit.group(0)!r}")
    assert seen >= 5  # the scan reads the strings (the helper, pep's, distributed's and interact's docstrings)
    assert not bad, "\n".join(bad)


def test_the_documents_name_existing_extras_only():
    extras, bad = defined_extras(), []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / "docs" / "conf.py"]:
        text = path.read_text()
        if "gandynamics[" in text:
            bad.append(f"{path.relative_to(ROOT)}: names gandynamics[...]")
        for m in re.finditer(r"""pip install -e ["']?\.\[([\w,]+)\]""", text):
            if not set(m.group(1).split(",")) <= extras:
                bad.append(f"{path.relative_to(ROOT)}: unknown extra in {m.group(0)!r}")
    assert not bad, "\n".join(bad)


# ---- every optional dependency, missing, is reported with the helper's text (the module blocked in sys.modules)
def _sweep_result():
    from gandynamics.runs.results import SweepResult
    cols = {"method": np.array(["gd"]), "distance": np.ones(1), "verdict": np.array(["converging"]),
            "diverged": np.zeros(1, bool), "finished": np.ones(1, bool), "init_x": np.ones(1), "final_x": np.ones(1)}
    return SweepResult(columns=cols, dims=[("method", ["gd"]), ("row", np.arange(1))], product=False, steps=1,
                       names=["x"])


def _trajectory():
    import gandynamics as gd
    return gd.simulate(gd.VectorField(gd.games.bilinear()), "gd", [1.0, 0.0], 5, 0.1)


def _sweep_on_a_client():
    import gandynamics as gd
    gd.sweep(gd.VectorField(gd.games.bilinear()), "gd", inits=[[1.0, 0.0]], grid={"step": [0.1]}, steps=5,
             progress=False, client=object())


def _pep():
    from gandynamics.analysis import pep
    pep.tight_rate("gd", 0.1, 0.1, 1.0)


def _interact():
    from gandynamics.interact import _widgets
    _widgets()


def _distributed():
    from gandynamics.distributed import require_distributed
    require_distributed()


MISSING = [  # (blocked modules, extra, call)
    (("pandas",), "tables", lambda tmp: _sweep_result().to_pandas()),
    (("xarray",), "tables", lambda tmp: _sweep_result().to_xarray()),
    (("xarray",), "tables", lambda tmp: (tmp / "t.nc").write_bytes(b"") or
     gandynamics.runs.results.SweepResult.load(tmp / "t.nc")),
    (("xarray",), "tables", lambda tmp: _trajectory().to_xarray()),
    (("ipywidgets",), "notebook", lambda tmp: _interact()),
    (("distributed",), "distributed", lambda tmp: _distributed()),
    (("gandynamics.distributed",), "distributed", lambda tmp: _sweep_on_a_client()),
    (("PEPit",), "pep", lambda tmp: _pep()),
]


@pytest.mark.parametrize("blocked, extra, call", MISSING, ids=[f"{b[0]}-{i}" for i, (b, _, _) in enumerate(MISSING)])
def test_a_missing_optional_dependency_names_its_extra_in_the_helpers_words(blocked, extra, call, monkeypatch,
                                                                             tmp_path):
    import gandynamics.runs.results  # noqa: F401 (loaded before the blocking)
    _trajectory()  # compiled/interpreted code loaded before the blocking
    for name in blocked:
        monkeypatch.setitem(sys.modules, name, None)  # import name -> ImportError
        parent, _, child = name.rpartition(".")
        if parent:  # `from .. import distributed` finds the attribute first
            monkeypatch.delattr(sys.modules[parent], child, raising=False)
    with pytest.raises(GandynamicsError) as exc:
        call(tmp_path)
    msg = str(exc.value)
    assert install_hint(extra) in msg and "\n" not in msg, msg


def test_pep_without_a_solver_names_the_extra(monkeypatch):
    cvxpy = pytest.importorskip("cvxpy")
    from gandynamics.analysis import pep
    monkeypatch.setattr(cvxpy, "installed_solvers", lambda: ["ECOS"])
    with pytest.raises(GandynamicsError) as exc:
        pep._default_solver(cvxpy)
    assert install_hint("pep") in str(exc.value) and "PEPit is not installed" not in str(exc.value)


@pytest.mark.parametrize("command, extra", [("sweep", "distributed"), ("rates", "pep")])
def test_the_cli_help_names_the_extra_in_the_helpers_words(command, extra, capsys):
    from gandynamics.cli import main
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help
    assert install_hint(extra) in out and "gandynamics[" not in out


def test_the_cli_without_dask_says_the_helpers_words(monkeypatch, tmp_path, capsys):
    from gandynamics.cli import main
    monkeypatch.setitem(sys.modules, "distributed", None)
    rc = main(["sweep", "bilinear", "--method", "gd", "--steps", "5", "--step", "0.1", "--workers", "2",
               "--out", str(tmp_path / "t.csv")])
    err = capsys.readouterr().err
    assert rc == 2 and install_hint("distributed") in err and err.count("\n") == 1, err
