"""The package's lazy public names (gandynamics/__init__.py): every name resolves to its module's object, the
names shared with submodules stay the functions, and importing the command line costs no numerical imports (so a
Ctrl-C during those imports reaches the CLI's handler)."""

import importlib
import subprocess
import sys

import pytest

import gandynamics as gd


@pytest.mark.parametrize("name", gd.__all__)
def test_every_public_name_is_its_modules_object(name):
    where = gd._LAZY[name]
    want = importlib.import_module(f"gandynamics.{name}" if where is None else f"gandynamics.{where}")
    if where is not None:
        want = getattr(want, name)
    assert getattr(gd, name) is want
    assert name in dir(gd)


@pytest.mark.slow  # 1.8 s with warm caches on the 2-core CI machine
def test_names_shared_with_submodules_stay_the_functions_after_the_submodule_is_imported():
    code = ("import gandynamics as gd, importlib\n"
            "importlib.import_module('gandynamics.simulate'); importlib.import_module('gandynamics.interact')\n"
            "from gandynamics.simulate import sweep\n"
            "print(callable(gd.simulate) and gd.simulate.__module__, callable(gd.interact) and gd.interact.__module__,"
            " gd.sweep is sweep)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["gandynamics.runs.trajectory", "gandynamics.interact", "True"]


#: the libraries the start-up tests look for
NUMERICAL = ("numpy", "sympy", "numba", "scipy", "matplotlib")


def _loaded_after(code: str, modules=NUMERICAL) -> list:
    """Which of ``modules`` a fresh interpreter has imported after running ``code``."""
    probe = code + f"\nimport sys\nprint(sorted(m for m in {tuple(modules)!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return eval(out.strip().splitlines()[-1])


def test_importing_the_command_line_imports_no_numerical_library():
    assert _loaded_after("import gandynamics.cli") == []


def test_the_top_level_help_and_an_unknown_command_import_no_numerical_library():
    # the parser of a command line builds the options of its command only (cli.build_parser): `gandynamics --help`
    # took 2.3 s, most of it importing numba for the method registry that the options of simulate and sweep list
    code = ("import contextlib, io\n"
            "from gandynamics.cli import main\n"
            "for argv in (['--help'], ['frob'], [], ['-q']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            "        try:\n"
            "            main(argv)\n"
            "        except SystemExit:\n"
            "            pass\n")
    assert _loaded_after(code) == []


@pytest.mark.slow  # 1.8 s (a fresh process that builds every command's options)
def test_no_commands_options_import_numba():
    """Every command's options (the method registry, the losses, the engines) are built without numba: the methods'
    update rules name the kernels' helpers through gandynamics.kernels.stubs, the engines live in codegen
    (`gandynamics sweep --help` 2.0 -> 1.0 s, 2026-12-02)."""
    code = "from gandynamics.cli import build_parser\nbuild_parser()\nimport gandynamics.methods"
    assert _loaded_after(code, ("numba", "llvmlite", "matplotlib")) == []


def test_a_ctrl_c_during_the_commands_imports_ends_with_130_and_one_line(monkeypatch, capsys):
    import gandynamics.cli as cli

    def interrupted(command=None):
        raise KeyboardInterrupt  # what a Ctrl-C during the imports of the subcommands raises
    monkeypatch.setattr(cli, "build_parser", interrupted)
    cli._parser.cache_clear()  # the parser is built once per process: here, the first time, interrupted
    assert cli.main(["analyze", "dirac"]) == 130
    assert capsys.readouterr().err == "gandynamics: interrupted\n"


# ---- found by the adversarial review of session 5 (each failed before its fix)
@pytest.mark.slow  # 1.4 (a fresh process) s with warm caches on the 2-core CI machine
def test_lazy_subpackage_attribute_works_when_importlib_util_was_never_imported():
    # `import importlib` does not bind importlib.util: an interpreter whose start-up imported no importlib.util
    # (python -S, an embedded interpreter, a venv without .pth hooks) got "module 'importlib' has no attribute
    # 'util'" for gd.plotting, the documented way to reach the plotting module
    code = ("import sys\n"
            "assert 'importlib.util' not in sys.modules, 'start-up imported importlib.util'\n"
            "import gandynamics as gd\n"
            "print(gd.plotting.__name__, gd.errors.__name__)\n"
            "try:\n"
            "    gd.no_such_name\n"
            "except AttributeError as e:\n"
            "    print('AttributeError', 'no_such_name' in str(e))\n")
    import os
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p), MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env)
    if "start-up imported importlib.util" in run.stderr:
        pytest.skip("this interpreter imports importlib.util at start-up even with -S")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["gandynamics.plotting", "gandynamics.errors", "AttributeError", "True"]
