"""The ``gandynamics`` command: a thin layer over the library (argument parsing and printing only).

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
Bad input prints one line ``gandynamics: error: ...`` and exits with status 2, naming every mistake of the command
line: a mistyped option and a required option left out (the parser's own refusals) wait for the command's checks of
its names and values and are said with them (:meth:`_Parser.parse_args`, :func:`.common.names_waiting`).  Around every command,
:func:`main` also keeps the terminal clean: warnings from numpy/matplotlib are silenced (gandynamics' own
notices, :class:`~gandynamics.errors.GandynamicsWarning`, print as one line ``gandynamics: warning: ...``, held
until the command shows something else so that an error stays one line: :mod:`.held`),
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
from .held import Held, ReleaseFilter
from .held import current as current_held

__all__ = ["main"]

#: subcommand name -> (its module, the one line ``gandynamics --help`` shows for it), in the order shown by --help.
#: The one line lives here, not in the module, so that the top-level help and the error for an unknown command
#: need no command module: a process builds the full parser of the command it runs and a summary of the others
#: (:func:`build_parser`), without the imports of their options (the method registry, numba, sympy)
COMMANDS = {
    "list": ("list_cmd", "list games, losses, regularizers and methods with their parameters"),
    "analyze": ("analyze", "field, Jacobian and spectrum at the equilibrium"),
    "simulate": ("simulate", "one trajectory of a method (see gandynamics list)"),
    "sweep": ("sweep", "many trajectories over grids of hyperparameters, step sizes and initial points"),
    "constants": ("constants", "certified brackets for mu and L of F on a region"),
    "check": ("check", "certify or refute claimed mu / L on a region (exit 0 holds, 1 refuted, 3 undecided)"),
    "rates": ("rates", "local, optimal, theoretical and measured rates of each method"),
    "basin": ("basin", "certified convergence region: largest strongly monotone ball, step range, certified rate"),
    "portrait": ("portrait", "phase portrait (streamlines of v = -F) with trajectories, saved as an image"),
    "continue": ("continue_cmd", "continue equilibria in a parameter and locate fold, Hopf, flip, Neimark-Sacker points"),
    "cycle": ("cycle", "limit cycles (shooting) and period-k orbits of a method, with Floquet multipliers"),
    "classify": ("classify", "local Nash / local minimax / Stackelberg / stable / spurious at an equilibrium"),
    "reproduce": ("reproduce", "regenerate the papers' figures (PNG, README gallery with checked numbers)"),
    "cache": ("cache", "show or clear the cache of generated and compiled code"),
}


def summary(name: str) -> str:
    """The one-line description of command ``name`` (:data:`COMMANDS`), for its module's ``add_parser``."""
    return COMMANDS[name][1]


DESCRIPTION = """\
Training dynamics of small GAN games, numerically and symbolically.

A game is written once as sympy losses; gandynamics derives the operator F = (grad_theta L_G, grad_psi L_D),
its exact Jacobian, applies regularizers, compiles with numba, and analyses the result.
Conventions: z = (theta, psi), generator first; v = -F is the direction of motion; the reported
Jacobian is J = Dv (exponentially stable iff every eigenvalue has negative real part, unstable if
one has positive real part).

Start with `gandynamics list`, then e.g. `gandynamics analyze dirac --reg r1:gamma=0.3`."""


#: a token that is a value, not an option, although it starts with '-': a negative number, possibly the first
#: of a list or range (``-1``, ``-0.5,0.5``, ``-1e-3``, ``-3:3:7``, ``-.5``, ``-inf``)
NEGATIVE_NUMBER = re.compile(r"^-(?:\d+\.?\d*|\.\d+|inf)(?:[eE][-+]?\d+)?(?:[,:;].*)?$", re.IGNORECASE)


def _unrecognized(extras, options, command: str | None = None) -> str:
    """argparse's "unrecognized arguments: ..." with the near miss of each mistyped option among ``options``
    (``--betta: did you mean --beta?``), else the commands that take it where ``command`` does not (``--steps is an
    option of simulate, sweep, ...``: `analyze dirac --steps 10` said "unrecognized arguments" alone, a new user)."""
    import difflib
    hints = []
    for e in extras:
        if e.startswith("--"):
            name = e.split("=", 1)[0].split()[0]  # ("--steps 10": the option and the value it took)
            near = difflib.get_close_matches(name, options, n=1, cutoff=0.7)
            if near:
                hints.append(f"{name}: did you mean {near[0]}?")
            elif command:
                takers = [c for c in _commands_taking(name) if c != command]
                if takers:
                    hints.append(f"{name} is an option of {', '.join(takers)}, not of {command}")
    return f"unrecognized arguments: {' '.join(extras)}" + (f" ({'; '.join(hints)})" if hints else "")


def _commands_taking(option: str) -> list:
    """The commands that have the option ``option`` (:func:`_option_commands`)."""
    return _option_commands().get(option, [])


@functools.lru_cache(maxsize=1)
def _option_commands() -> dict:
    """Each option of a command -> the commands that have it, in their order (every command's parser built once: on
    the path of an error only)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out: dict = {}
    for name, p in sub.choices.items():
        for o in p._option_string_actions:
            out.setdefault(o, []).append(name)
    return out


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and negative-number values (``--init -1,1``) taken as typed.

    argparse treats every token starting with '-' as an option unless it looks like a negative number,
    and its test (``-1``, ``-0.5``) misses lists (``-1,1``) and exponents; no option of gandynamics looks
    like a number, so a wider test is safe for every command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_NUMBER

    def _get_values(self, action, arg_strings):
        self._seen.add(action)  # (a required option or group given: _missing_required)
        # every option the user typed is recorded (``args.given_options``, read by common.given): an option
        # that does not apply to what was asked is refused by name, also when it has a default value
        if action.option_strings:
            # an option of one value typed twice (``--method gd --method eg``, ``--step 0.1 --step 0.3``): the last
            # silently won, and a run of one method was taken for a comparison of two (a new user's finding)
            if isinstance(action, argparse._StoreAction) and action.dest in self._typed:
                flag = action.option_strings[-1]
                first, now = " ".join(self._typed[action.dest]), " ".join(map(str, arg_strings))
                more = ("; one method is run here: sweep --method and portrait, rates and classify --methods take "
                        "several" if action.dest == "method" else "")
                self.error(f"{flag} given twice ({f'{flag} {first}'.strip()} and {f'{flag} {now}'.strip()}): it takes "
                           f"one value; give it once{more}")
            self._typed[action.dest] = [str(s) for s in arg_strings]
            self._given.add(action.dest)
            # an empty value (``--init ''``, ``--csv=``) was taken as "not given" by the commands' truthiness
            # tests and silently ignored; it is never a meaningful value of a gandynamics option
            for s in arg_strings:
                if isinstance(s, str) and not s.strip():
                    expected = (", ".join(map(str, action.choices)) if action.choices else
                                action.metavar or action.dest.upper())
                    self.error(f"{action.option_strings[-1]} needs a value ({expected}), got an empty string")
        return super()._get_values(action, arg_strings)

    def _check_value(self, action, value):
        # a value outside an option's fixed set (--engine jit, --order 3, cache foo, an unknown command) in the
        # project's words, as every other refusal, not argparse's "invalid choice: 'jit' (choose from 'auto', ...)"
        if action.choices is None or value in action.choices:
            return
        from ..errors import choice_refusal  # (not numpy's import: the top-level help and a mistyped command need none)
        what = ("command" if isinstance(action, argparse._SubParsersAction) else action.option_strings[-1]
                if action.option_strings else f"{self.prog.removeprefix('gandynamics ')} {action.dest}")
        said = choice_refusal(value, what, list(action.choices))
        word = str(value).strip().lower().replace("_", "-")
        if word not in COMMAND_SYNONYMS and word not in action.choices:  # (spectrm: spectrum's, not a command's typo)
            import difflib
            word = next(iter(difflib.get_close_matches(word, list(COMMAND_SYNONYMS), n=1, cutoff=0.8)), word)
        other = COMMAND_SYNONYMS.get(word)
        if isinstance(action, argparse._SubParsersAction) and other is not None:
            said = f"unknown command {value!r}: {other[1]} is `gandynamics {other[0]}`; accepted: " \
                   f"{', '.join(action.choices)}"
        self.error(said)

    def parse_known_args(self, args=None, namespace=None):
        self._argv = list(args) if args is not None else sys.argv[1:]  # (for error(): an option mistyped)
        outer, self._given = getattr(self, "_given", None), set()
        outer_typed, self._typed = getattr(self, "_typed", None), {}
        outer_seen, self._seen = getattr(self, "_seen", None), set()
        # a required option left out is not argparse's refusal, which ends the parse alone: a command whose checks
        # all run before any work (one with a GAME: common.build_field) is run with a placeholder in its place, and
        # the option named with every other mistake of the command line, in one line (_missing_required). The
        # options stay required outside a parse (the usage line, --help and the tests read ``required``)
        deferred = self._defers_required()
        held = [a for a in self._actions if a.required and a.option_strings] if deferred else []
        groups = [g for g in self._mutually_exclusive_groups if g.required] if deferred else []
        for x in (*held, *groups):
            x.required = False
        try:
            ns, extras = super().parse_known_args(args, namespace)
            ns.given_options = set(getattr(ns, "given_options", set())) | self._given
            if held or groups:
                self._missing_required(ns, held, groups)
            return ns, extras
        finally:
            for x in (*held, *groups):
                x.required = True
            self._given = outer if outer is not None else set()
            self._typed = outer_typed if outer_typed is not None else {}
            self._seen = outer_seen if outer_seen is not None else set()

    def _defers_required(self) -> bool:
        """Whether a required option left out is said with the command line's other mistakes: the parser is a
        command's with a GAME, whose ``run`` checks every value (:class:`.common.gathered`, ``build_field``) before it
        computes or writes anything."""
        return any(a.dest == "game" and not a.option_strings for a in self._actions)

    def _missing_required(self, ns, held, groups) -> None:
        """Record on ``ns`` the required options ``held`` and groups ``groups`` the command line left out:
        ``ns.missing_required``, argparse's words with the command's first example ("the following arguments are
        required: --steps; e.g. gandynamics simulate ..."), and a placeholder in each one's place
        (:func:`.common.placeholder`), which every check passes over."""
        from .common import placeholder
        missing = [a for a in held if a not in self._seen]
        said = []
        if missing:
            said.append("the following arguments are required: "
                        + ", ".join(argparse._get_action_name(a) for a in missing))
        for g in groups:
            if not any(a in self._seen for a in g._group_actions):
                said.append("one of the arguments " + " ".join(
                    argparse._get_action_name(a) for a in g._group_actions if a.help is not argparse.SUPPRESS)
                    + " is required")
        for a in missing:
            value = placeholder(a.option_strings[-1])
            setattr(ns, a.dest, [value] if isinstance(a, argparse._AppendAction) else value)
        if said:
            ns.missing_required = self._with_example("; ".join(said))

    def _with_example(self, message: str) -> str:
        """``message`` (a required option left out) with the command's first example: argparse named the option
        alone, with no word of a value it takes (a new user's first `gandynamics simulate dirac`)."""
        if (self.epilog or "").startswith("example"):
            message += f"; e.g. {self.epilog.split(':', 1)[1].split(';')[0].strip()}"
        return message

    def parse_args(self, args=None, namespace=None):
        ns, extras = self.parse_known_args(args, namespace)
        missing = getattr(ns, "missing_required", None)
        problems = []
        if extras:  # (argparse's message, with the near misses among the command's own options: --betta -> --beta)
            options = []
            sub = getattr(self, "_subparsers", None)
            chosen = getattr(ns, "command", None)
            for action in (sub._group_actions if sub is not None else []):
                p = getattr(action, "choices", {}).get(chosen) if isinstance(getattr(action, "choices", None),
                                                                             dict) else None
                if p is not None:
                    options = [o for a in p._actions for o in a.option_strings if o.startswith("--")]
            # an option mistyped where a required one is left out (--methd eg): named, its value not (the value of
            # the option the user meant; a stray word is named when no option is mistyped)
            typed = [e for e in extras if e.startswith("--") and e != "--"] if missing else []
            # an unknown option's value taken for the GAME (`analyze --game f.py:g --steps 10`: "10" was the game, and
            # the line said "give either a built-in GAME or --game FILE, not both"): the value is the option's
            argv = list(getattr(self, "_argv", []))
            for e in [x for x in extras if x.startswith("--") and "=" not in x]:
                k = argv.index(e) if e in argv else -1
                if 0 <= k < len(argv) - 1 and getattr(ns, "game", None) == argv[k + 1] and \
                        getattr(ns, "game_file", None):
                    ns.game = None
                    extras = [x if x != e else f"{e} {argv[k + 1]}" for x in extras]
            problems.append(_unrecognized(typed or extras, options, chosen))
        if missing:
            problems.append(missing)
        if not problems:
            return ns
        if missing or hasattr(ns, "game"):
            # a command that checks every value before any work (one with a GAME): run to name its other mistakes too,
            # in the same line (common.names_waiting); `simulate dirx --steps 0 --methd gd` named the option alone
            ns.parse_problems = problems
            return ns
        self.error("; ".join(problems))

    def error(self, message):  # one line, exit status 2 (argparse's own convention too)
        if message.startswith("the following arguments are required"):
            # an option mistyped (--methd eg): argparse said the option was left out, not that --methd is none; both
            # now, the typo first, with its near miss
            options = [o for a in self._actions for o in a.option_strings if o.startswith("--")]
            # (not "--" itself, nor an abbreviation argparse took: --meth for --method)
            typed = [t for t in getattr(self, "_argv", []) if isinstance(t, str) and t.startswith("--") and t != "--"
                     and not any(o.startswith(t.split("=", 1)[0]) for o in options)]
            if typed:
                message = f"{_unrecognized(typed, options)}; {message}"
        if "required" in message:  # (a required argument of a command that has no GAME: cache's ACTION)
            message = self._with_example(message)
        sys.stderr.write(f"gandynamics: error: {message}\n")
        raise SystemExit(2)


#: words a new user may type for a command, as the library's functions or the field's terms name what it does: the
#: command, and what the word is (``gandynamics spectrum`` said only "unknown command", a new user coming from the
#: Python ``spectrum()``)
COMMAND_SYNONYMS = {
    "spectrum": ("analyze", "the library's spectrum()"), "eigenvalues": ("analyze", "the spectrum at the equilibrium"),
    "find-equilibrium": ("analyze", "the library's find_equilibrium()"),
    "equilibrium": ("analyze", "the equilibrium and its spectrum"), "jacobian": ("analyze", "the Jacobian at a point"),
    "trajectory": ("simulate", "one trajectory"), "run": ("simulate", "one run of a method"),
    "grid": ("sweep", "a grid of runs"), "certify-constants": ("constants", "the library's certify_constants()"),
    "lipschitz": ("constants", "a certified Lipschitz constant"), "mu": ("constants", "a certified strong monotonicity"),
    "check-constants": ("check", "the library's check_constants()"), "certify": ("check", "a claim certified"),
    "continuation": ("continue", "continuation"), "bifurcation": ("continue", "a bifurcation diagram"),
    "bifurcations": ("continue", "a bifurcation diagram"), "cycles": ("cycle", "limit cycles"),
    "limit-cycle": ("cycle", "a limit cycle"), "phase-portrait": ("portrait", "a phase portrait"),
    "plot": ("portrait", "a phase portrait (simulate, rates and continue take --plot)"),
    "figures": ("reproduce", "the papers' figures"), "convergence-region": ("basin", "a certified convergence region"),
    "solution-concepts": ("classify", "the library's classify()"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``gandynamics``: every command with its options (``command`` None), or only ``command``'s
    options with the other commands present by name and summary (``command`` one of :data:`COMMANDS`, or ``""``
    for none): enough to parse a command line of ``command``, to print the top-level help and to refuse an unknown
    command, without importing what the other commands' options are built from."""
    parser = _Parser(prog="gandynamics", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    from .. import __version__
    parser.add_argument("--version", action="version", version=f"gandynamics {__version__}")
    _verbosity(parser, default=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (modname, line) in COMMANDS.items():
        if command is not None and name != command:
            sub.add_parser(name, help=line, add_help=False)
            continue
        importlib.import_module(f".{modname}", __name__).add_parser(sub)
        # -q / -v after the command too (gandynamics sweep ... -q was "unrecognized arguments"); not given there, they
        # leave the values given before the command
        _verbosity(sub.choices[name], default=argparse.SUPPRESS)
    return parser


def _verbosity(parser, default) -> None:
    """The options -q and -v (one or the other) on ``parser``, with ``default`` (SUPPRESS on a command's parser)."""
    verbosity = parser.add_mutually_exclusive_group()
    # (what -q leaves out, in the words of the parser's own options: every command's help named --progress, which
    # constants and check alone take, and sweep's --out -: a new user typed simulate --progress)
    has = parser._option_string_actions
    command = parser.prog.split()[-1]
    unless = [", unless --progress asks for one" if "--progress" in has else ""]
    if command == "sweep":
        unless.append(", nor the summary with --out -, unless --json asks for it")
    elif "--csv" in has:
        unless.append(", nor the summary with --csv -")
    verbosity.add_argument("-q", "--quiet", action="store_true", default=default,
                           help="only errors and warnings on standard error (no progress notices, notes or bars"
                                + "".join(unless) + ": without -q, a command that has said nothing for 2 s names what "
                                "it is doing)")
    verbosity.add_argument("-v", "--verbose", action="store_true", default=default,
                           help="also debugging messages of the library, and the warnings of a command that fails "
                                "before it shows anything (held otherwise: its error is one line)")


def command_of(argv) -> str:
    """The command a command line runs (its first word that is not an option: the top-level options take no
    value), ``""`` when there is none or it is not one of :data:`COMMANDS`."""
    word = next((a for a in argv if not a.startswith("-")), "")
    return word if word in COMMANDS else ""


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """gandynamics' own notices as one line (held while a command shows nothing: :mod:`.held`); nothing else
    reaches the terminal."""
    if issubclass(category, GandynamicsWarning):
        line = f"gandynamics: warning: {message}\n"
        held = current_held()
        if held is not None:
            held.warn(line)
        else:
            sys.stderr.write(line)


_PARSE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=None)
def _parser(command: str) -> argparse.ArgumentParser:
    """The parser of :func:`build_parser` for ``command``, built once per process and command: everything it reads
    (the commands, the method registry and the tuples derived from it) is fixed at import, parsing leaves a
    parser as it was, and :func:`_run` hands each command copies of the parser's default lists (a process that
    runs many commands, as the tests do, builds each once: 3-5 ms, all of them 17 ms).  ``gandynamics --help``
    builds no command's options: 0.06-0.09 s instead of 2.3 s (the method registry that the options of simulate
    and sweep list imports numba)."""
    return build_parser(command)


def _run(argv) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(command_of(argv))
    with _PARSE_LOCK:  # the parser records the options typed on itself while it parses (_Parser._given)
        args = parser.parse_args(argv)
    for key, value in vars(args).items():  # a command never holds the parser's own default lists
        if isinstance(value, (list, dict, set)):
            setattr(args, key, type(value)(value))
    if not getattr(args, "command", None):  # the commands on standard output, what was wrong on standard error
        parser.print_help()
        sys.stdout.flush()
        sys.stderr.write("gandynamics: error: no command given; give one of the commands listed above, e.g. "
                         "gandynamics list\n")
        return 2
    if getattr(args, "quiet", False) and getattr(args, "verbose", False):  # (one before the command, one after it)
        parser.error("argument -v/--verbose: not allowed with argument -q/--quiet")
    _configure_logging(args)
    with Held() as held:  # warnings wait until the command shows something: an error stays one line
        try:
            from .common import names_waiting
            # (every unknown name of the game, loss, regularizers and methods, said with the first refusal of the
            # command's values, in one line)
            with names_waiting(args):
                code = int(args.run(args) or 0)
        except (GandynamicsError, MemoryError):
            if getattr(args, "verbose", False):
                held.release()  # -v: the warnings too, before the error line
            else:
                held.drop()
            raise
        except BaseException:  # an interrupt, a closed pipe, a bug: what was warned of is still true
            held.release()
            raise
        held.release()
    return code


class _StderrHandler(__import__("logging").StreamHandler):
    """A StreamHandler on the standard error of the moment it writes (``sys.stderr`` looked up at each message): the
    handler outlives the command that installs it, and a later command run in the same process with standard error
    redirected (a test's capture, a notebook's) wrote to the first one's closed stream ("--- Logging error ---")."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):  # (StreamHandler's __init__ and setStream assign it: the lookup above wins)
        pass


def _configure_logging(args) -> None:
    """The package logger (gandynamics.log) on standard error, one line per message: INFO by default (notices
    such as a first compilation), WARNING with -q, DEBUG with -v."""
    import logging
    from ..log import logger
    level = logging.WARNING if getattr(args, "quiet", False) else logging.DEBUG if getattr(args, "verbose", False) \
        else logging.INFO
    logger.setLevel(level)
    if not any(getattr(h, "_gandynamics", False) for h in logger.handlers):
        h = _StderrHandler()
        h.setFormatter(logging.Formatter("gandynamics: %(message)s"))
        h._gandynamics = True
        h.addFilter(ReleaseFilter())  # a notice shown releases the held warnings first (.held)
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
    from ..log import logger
    level = logger.level  # (restored at the end: a -q run in a process, a test or a notebook, left the package's
    # logger at WARNING, and every bar after it, whose rule reads that level, undrawn: log.bars_wanted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", GandynamicsWarning)
        warnings.showwarning = _show_warning
        from ..log import silence_clock
        try:
            try:
                # (a notice is due after 2 s of the command's silence, not of each guarded block's: rates sat 4.7 s
                # silent through two searches of about 2 s each, a new user)
                with silence_clock():
                    code = _run(argv)
            finally:
                sys.stdout.flush()
                logger.setLevel(level)
            return code
        except GandynamicsError as exc:
            from .common import kinks_left_out
            # (a point where F has no derivative: the message lists the first non-smooth terms; 75 of them made an
            # error line of 7 KB, a new user)
            more = kinks_left_out(getattr(exc, "atoms", ()), "gandynamics analyze --full, with --at for a point "
                                  "other than the equilibrium")
            sys.stderr.write(f"gandynamics: error: {exc}{' ' + more if more else ''}\n")
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
        except ValueError as exc:  # LAPACK giving up on a matrix (numpy.linalg.LinAlgError, a ValueError): numbers
            # near the largest double that no check before it caught; one line, as for bad input
            if type(exc).__name__ != "LinAlgError":
                raise
            sys.stderr.write(f"gandynamics: error: the linear algebra failed ({exc}): the matrices of this game at "
                             "these values have entries too large or too small to compute with in double precision; "
                             "give smaller parameter values\n")
            return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
