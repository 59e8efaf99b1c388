"""The ``gandynamics`` command: a thin layer over the library (argument parsing and printing only).

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
Bad input prints one line ``gandynamics: error: ...`` and exits with status 2.  Around every command,
:func:`main` also keeps the terminal clean: warnings from numpy/matplotlib are silenced (gandynamics' own
notices, :class:`~gandynamics.errors.GandynamicsWarning`, print as one line ``gandynamics: warning: ...``),
output piped into a reader that closes early (``gandynamics list | head -1``) ends quietly, and
negative numbers are taken as option values as typed (``--init -1,1``, ``--xlim -3,3``).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import re
import sys
import threading
import warnings

from ..errors import GandynamicsError, GandynamicsWarning

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
    "cache": "cache",
}

DESCRIPTION = """\
Training dynamics of small GAN games, numerically and symbolically.

A game is written once as sympy losses; gandynamics derives the operator F = (grad_theta L_G, grad_psi L_D),
its exact Jacobian, applies regularizers, compiles with numba, and analyses the result.
Conventions: z = (theta, psi), generator first; v = -F is the direction of motion; the reported
Jacobian is J = Dv (stable iff every eigenvalue has negative real part).

Start with `gandynamics list`, then e.g. `gandynamics analyze dirac --reg r1:gamma=0.3`."""


#: a token that is a value, not an option, although it starts with '-': a negative number, possibly the first
#: of a list or range (``-1``, ``-0.5,0.5``, ``-1e-3``, ``-3:3:7``, ``-.5``, ``-inf``)
NEGATIVE_NUMBER = re.compile(r"^-(?:\d+\.?\d*|\.\d+|inf)(?:[eE][-+]?\d+)?(?:[,:;].*)?$", re.IGNORECASE)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and negative-number values (``--init -1,1``) taken as typed.

    argparse treats every token starting with '-' as an option unless it looks like a negative number,
    and its test (``-1``, ``-0.5``) misses lists (``-1,1``) and exponents; no option of gandynamics looks
    like a number, so a wider test is safe for every command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_NUMBER

    def _get_values(self, action, arg_strings):
        # every option the user typed is recorded (``args.given_options``, read by common.given): an option
        # that does not apply to what was asked is refused by name, also when it has a default value
        if action.option_strings:
            self._given.add(action.dest)
            # an empty value (``--init ''``, ``--csv=``) was taken as "not given" by the commands' truthiness
            # tests and silently ignored; it is never a meaningful value of a gandynamics option
            for s in arg_strings:
                if isinstance(s, str) and not s.strip():
                    expected = (", ".join(map(str, action.choices)) if action.choices else
                                action.metavar or action.dest.upper())
                    self.error(f"{action.option_strings[-1]} needs a value ({expected}), got an empty string")
        return super()._get_values(action, arg_strings)

    def parse_known_args(self, args=None, namespace=None):
        outer, self._given = getattr(self, "_given", None), set()
        try:
            ns, extras = super().parse_known_args(args, namespace)
            ns.given_options = set(getattr(ns, "given_options", set())) | self._given
            return ns, extras
        finally:
            self._given = outer if outer is not None else set()

    def error(self, message):  # one line, exit status 2 (argparse's own convention too)
        sys.stderr.write(f"gandynamics: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gandynamics", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    from .. import __version__
    parser.add_argument("--version", action="version", version=f"gandynamics {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true",
                           help="only errors and warnings on standard error (no progress notices)")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="also debugging messages of the library")
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


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """gandynamics' own notices as one line; nothing else reaches the terminal."""
    if issubclass(category, GandynamicsWarning):
        sys.stderr.write(f"gandynamics: warning: {message}\n")


_PARSE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _parser() -> argparse.ArgumentParser:
    """The parser of :func:`build_parser`, built once per process: everything it reads (the commands, the method
    registry and the tuples derived from it) is fixed at import, parsing leaves a parser as it was, and
    :func:`_run` hands each command copies of the parser's default lists (a process that runs many commands, as
    the tests do, builds it once: 13 ms a command)."""
    return build_parser()


def _run(argv) -> int:
    parser = _parser()
    with _PARSE_LOCK:  # the parser records the options typed on itself while it parses (_Parser._given)
        args = parser.parse_args(argv)
    for key, value in vars(args).items():  # a command never holds the parser's own default lists
        if isinstance(value, (list, dict, set)):
            setattr(args, key, type(value)(value))
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    _configure_logging(args)
    return int(args.run(args) or 0)


def _configure_logging(args) -> None:
    """The package logger (gandynamics.log) on standard error, one line per message: INFO by default (notices
    such as a first compilation), WARNING with -q, DEBUG with -v."""
    import logging
    from ..log import logger
    level = logging.WARNING if getattr(args, "quiet", False) else logging.DEBUG if getattr(args, "verbose", False) \
        else logging.INFO
    logger.setLevel(level)
    if not any(getattr(h, "_gandynamics", False) for h in logger.handlers):
        h = logging.StreamHandler(sys.stderr)
        h.setFormatter(logging.Formatter("gandynamics: %(message)s"))
        h._gandynamics = True
        logger.addHandler(h)
        logger.propagate = False


def _silence_stdout() -> None:
    """After a closed pipe: send the rest of stdout to /dev/null, so that the interpreter's final flush
    does not raise again (Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout without a file descriptor
        pass


def main(argv=None) -> int:
    """Run one command; returns the exit status (0 ok, 1 refuted/failed check, 2 bad input, 3 undecided,
    130 interrupted, 141 output pipe closed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", GandynamicsWarning)
        warnings.showwarning = _show_warning
        try:
            try:
                code = _run(argv)
            finally:
                sys.stdout.flush()
            return code
        except GandynamicsError as exc:
            sys.stderr.write(f"gandynamics: error: {exc}\n")
            return 2
        except KeyboardInterrupt:
            sys.stderr.write("gandynamics: interrupted\n")
            return 130
        except BrokenPipeError:
            _silence_stdout()
            return 141
        except MemoryError:
            sys.stderr.write("gandynamics: error: out of memory; ask for less (fewer steps, points or parameters) "
                             "or set GANDYNAMICS_MEMORY_LIMIT below the memory this machine has\n")
            return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
