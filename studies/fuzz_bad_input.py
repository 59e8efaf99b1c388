"""Adversarial generator of bad command-line input: every option of every subcommand with values of every
bad kind, run in-process with a time limit; prints each outcome that breaks the project's rule (one line
``gandynamics: error: ...``, exit status 2, never a traceback, no silent success on nonsense, no hang).

    python studies/fuzz_bad_input.py [COMMAND ...] [--timeout S]

Outcomes (one line each): TRACEBACK, STATUS (exit status other than 0/2), MULTILINE (error not one line),
OK0 (exit 0 on a value of a bad kind: read and judge), TIMEOUT.  Exit 2 with one line is counted, not printed, and so
is VERDICT (``check``'s documented statuses 1 refuted, 3 undecided).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import tempfile
import traceback

from gandynamics.cli import build_parser, main

TMP = tempfile.mkdtemp(prefix="gd_fuzz_")

# the valid command line of each command, kept with the generated tests (tests/test_cli_bad_input.py)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tests"))
from test_cli_bad_input import BASE as _BASE  # noqa: E402

BASE = {cmd: [a.replace("{tmp}", TMP) for a in argv] for cmd, argv in _BASE.items()}

NUMBERS = ["abc", "nan", "inf", "-inf", "-1", "0", "1e308", "1e999", "", " ", "2.5", "1,,2", "1;2", "true",
           "0x10", "-0", "4.9e-324", "-1e308,1e308", "0,1.7976931348623157e308", "1e-320,2e-320", "1e306"]
NAMES = ["nope", "GD", " gd", "gd,", "", "r1:gamma", "r1:=1", "r1:gamma=1=2", "r1::", ","]
PATHS = [os.path.join(TMP, "missing", "x"), TMP, "/dev/full", "/proc/version", "", os.path.join(TMP, "ro", "x")]


def values_for(cmd, dest, opt):
    if dest in ("out", "csv", "animate"):
        return PATHS
    if dest in ("game", "loss", "method", "methods", "base", "scheme", "engine", "scheduler", "reg", "plane",
                "names", "action"):
        return NAMES
    if dest == "game_file":
        return GAME_FILES
    return NUMBERS + NAMES[:3]


def _write_game_files():
    d = os.path.join(TMP, "games")
    os.makedirs(d)
    os.makedirs(os.path.join(TMP, "ro"))
    os.chmod(os.path.join(TMP, "ro"), 0o500)
    files = {
        "syntax.py": "def make(:\n",
        "notgame.py": "def make():\n    return 42\n",
        "nondiff.py": ("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y')\n"
                       "def make():\n    return Game([x], [y], sp.Abs(x) * y, -sp.Abs(x) * y)\n"),
        "nanat.py": ("import sympy as sp\nfrom gandynamics import Game\nx, y = sp.symbols('x y')\n"
                     "def make():\n    return Game([x], [y], sp.sqrt(x) * y + sp.log(x) * y, -sp.sqrt(x) * y)\n"),
        "klass.py": "class make:\n    pass\n",
        "noargs.py": "make = 3\n",
    }
    out = [os.path.join(TMP, "nofile.py") + ":make", os.path.join(d, "syntax.py"), "nocolon"]
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as fh:
            fh.write(text)
        out.append(os.path.join(d, name) + ":make")
    out.append(os.path.join(d, "notgame.py") + ":other")
    return out


GAME_FILES: list = []


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def run_one(argv, timeout):
    out, err = io.StringIO(), io.StringIO()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    except Timeout:
        return "TIMEOUT", err.getvalue()
    except BaseException:  # noqa: BLE001
        return "TRACEBACK", traceback.format_exc(limit=-3)
    finally:
        signal.alarm(0)
    e = err.getvalue()
    if "Traceback" in e:
        return "TRACEBACK", e
    if code == 2:
        lines = [ln for ln in e.strip().splitlines() if ln.startswith("gandynamics: error")]
        if len(lines) != 1:
            return "MULTILINE", e
        return "ERR", lines[0]
    if code == 0:
        return "OK0", (e.strip().splitlines() or [""])[-1] + " | " + (out.getvalue().strip().splitlines() or [""])[-1]
    if argv and argv[0] == "check" and code in (1, 3):  # check's verdicts refuted / undecided (its --help)
        return "VERDICT", f"{code}"
    return "STATUS", f"{code}: {e.strip()[-300:]}"


def cases(commands):
    p = build_parser()
    sub = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    for cmd in commands:
        sp = sub.choices[cmd]
        base = BASE[cmd]
        for a in sp._actions:
            if a.dest == "help" or a.nargs == 0:
                continue
            if not a.option_strings:   # positional: replace it
                if a.dest == "game":
                    for v in NAMES[:4] + ["dirac-n", "Dirac"]:
                        yield cmd, a.dest, [cmd, v] + base[2:]
                continue
            opt = a.option_strings[0]
            for v in values_for(cmd, a.dest, opt):
                argv = list(base)
                if opt in argv:       # replace the base's value
                    i = argv.index(opt)
                    argv[i + 1] = v
                else:
                    argv += [opt, v]
                if a.dest == "game_file":
                    argv = [cmd] + argv[2:]
                yield cmd, opt, argv


def main_(argv=None):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("commands", nargs="*", default=list(BASE))
    ap.add_argument("--timeout", type=int, default=20)
    ap.add_argument("--show-errors", action="store_true")
    a = ap.parse_args(argv)
    GAME_FILES.extend(_write_game_files())
    counts = {}
    for cmd, opt, argv in cases(a.commands):
        kind, text = run_one(argv, a.timeout)
        counts[kind] = counts.get(kind, 0) + 1
        if kind not in ("ERR", "VERDICT") or a.show_errors:
            short = text.strip().replace("\n", " / ")[-400:]
            print(f"{kind:9s} {' '.join(repr(x) if (not x or ' ' in x) else x for x in argv[1:])}\n          {short}",
                  flush=True)
    print(counts)


if __name__ == "__main__":
    main_()
