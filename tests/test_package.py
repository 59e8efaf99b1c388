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


def test_names_shared_with_submodules_stay_the_functions_after_the_submodule_is_imported():
    code = ("import gandynamics as gd, importlib\n"
            "importlib.import_module('gandynamics.simulate'); importlib.import_module('gandynamics.interact')\n"
            "from gandynamics.simulate import sweep\n"
            "print(callable(gd.simulate) and gd.simulate.__module__, callable(gd.interact) and gd.interact.__module__,"
            " gd.sweep is sweep)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["gandynamics.runs.trajectory", "gandynamics.interact", "True"]


def test_importing_the_command_line_imports_no_numerical_library():
    code = ("import sys, gandynamics.cli\n"
            "print(sorted(m for m in ('numpy', 'sympy', 'numba', 'scipy', 'matplotlib') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_a_ctrl_c_during_the_commands_imports_ends_with_130_and_one_line(monkeypatch, capsys):
    import gandynamics.cli as cli

    def interrupted():
        raise KeyboardInterrupt  # what a Ctrl-C during the imports of the subcommands raises
    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(["analyze", "dirac"]) == 130
    assert capsys.readouterr().err == "gandynamics: interrupted\n"
