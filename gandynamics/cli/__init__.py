"""The ``gandynamics`` command: a thin layer over the library (argument parsing and printing only).

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
Bad input prints one line ``gandynamics: error: ...`` and exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import GandynamicsError

__all__ = ["main"]

#: subcommand name -> module (in the order shown by --help)
COMMANDS = {
    "list": "list_cmd",
    "analyze": "analyze",
    "simulate": "simulate",
    "sweep": "sweep",
    "constants": "constants",
    "check": "check",
    "rates": "rates",
    "basin": "basin",
    "portrait": "portrait",
    "continue": "continue_cmd",
    "cycle": "cycle",
    "classify": "classify",
    "reproduce": "reproduce",
}

DESCRIPTION = """\
Training dynamics of small GAN games, numerically and symbolically.

A game is written once as sympy losses; gandynamics derives the operator F = (grad_theta L_G, grad_psi L_D),
its exact Jacobian, applies regularizers, compiles with numba, and analyses the result.
Conventions: z = (theta, psi), generator first; v = -F is the direction of motion; the reported
Jacobian is J = Dv (stable iff every eigenvalue has negative real part).

Start with `gandynamics list`, then e.g. `gandynamics analyze dirac --reg r1:gamma=0.3`."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2 (argparse's own convention too)
        sys.stderr.write(f"gandynamics: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gandynamics", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    from .. import __version__
    parser.add_argument("--version", action="version", version=f"gandynamics {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, modname in COMMANDS.items():
        try:
            mod = importlib.import_module(f".{modname}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{modname}":
                continue  # command not built yet
            raise
        mod.add_parser(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except GandynamicsError as exc:
        sys.stderr.write(f"gandynamics: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("gandynamics: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
