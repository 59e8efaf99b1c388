"""Load a user's game from ``path/to/file.py:factory`` (the CLI's ``--game``).

FACTORY names a :class:`~gandynamics.game.Game` or :class:`~gandynamics.game.GAN` the file defines (then every
``--param`` value is a hyperparameter of the field), or a factory: it is called with no arguments (or with the
``--param`` values it names as keyword parameters, converted to the type of the parameter's default like the
built-in games' parameters; the remaining ``--param`` values are hyperparameters of the field) and must return a
Game or GAN.  A name is matched exactly (no abbreviation); a factory taking ``**kwargs`` is given every name it does
not declare; a name given to the factory that is also a hyperparameter of the field must give both the same value
(``cli.common`` refuses it otherwise: the hyperparameter silently kept its default).  Example file (``--game mygame.py:game``, ``--game mygame.py:tilted``)::

    import sympy as sp
    from gandynamics import Game

    def game(scale=1.0):
        x, y = sp.symbols("x y")
        return Game([x], [y], scale * x * y + x**2 / 2, -scale * x * y + y**2 / 2, equilibrium=(0, 0))

    tilted = game(scale=2.0)

FACTORY is any public name the file binds itself (``def``, ``class``, assignment; not an import) whose value is a
Game or GAN, or is callable: a function or lambda, a ``functools.partial``, a ``functools.cache``/``lru_cache`` function, an instance
of a class with ``__call__``, or a Game/GAN subclass (not a sympy object: ``sp.Lambda`` is callable, but an
expression); a name that is none of these is refused with the list of the
ones that are (one rule, :func:`_is_factory`, for both).  An error inside the user's file is reported as one line
naming the file and line (and the factory, when it was running: ``g.py:5: in tilted(): the game: ...``), never as a
traceback from inside gandynamics.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import importlib.util
import inspect
import os
import sys
import threading
import traceback
from pathlib import Path

import sympy as sp

from .errors import GandynamicsError
from .game import GAN, Game
from .games import _coerce

__all__ = ["load_user_game"]


def _where(exc: BaseException, path: Path, shown: str | None = None) -> str:
    """``file:line`` of the innermost frame of ``exc`` inside the user's file (``shown`` as the user typed it)."""
    shown = shown or str(path)
    if isinstance(exc, SyntaxError) and exc.lineno and exc.filename and Path(exc.filename).resolve() == path:
        return f"{shown}:{exc.lineno}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path]
    if frames:
        return f"{shown}:{frames[-1].lineno}"
    return shown


class _ProcessExit(BaseException):
    """``os._exit(code)`` called by the user's file while it is loaded or its factory runs (:func:`_no_process_exit`)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


#: the process and thread loading a game file (None: none is); os._exit refuses only there (_no_process_exit)
_LOADING: list = [None]
_REAL_EXIT = os._exit


def _guarded_exit(code=0):
    """``os._exit`` while :func:`_no_process_exit` is installed: :class:`_ProcessExit` in the process and thread
    loading a game file, the real exit anywhere else (a child process the factory forks, another thread) and at any
    other time (a game file that did ``from os import _exit`` keeps this function)."""
    if _LOADING[0] == (os.getpid(), threading.get_ident()):
        raise _ProcessExit(code)
    _REAL_EXIT(code)


@contextlib.contextmanager
def _no_process_exit():
    """``os._exit`` raising :class:`_ProcessExit` for the duration, in this process and thread only: a game file that
    ends the process with it (no clean-up, no message) would otherwise end every command with exit status 0 and no
    output (a reviewer's file)."""
    mods = [os] + ([sys.modules["posix"]] if "posix" in sys.modules else [])  # (os._exit is posix._exit)
    real = [m._exit for m in mods]
    outer = _LOADING[0]
    _LOADING[0] = (os.getpid(), threading.get_ident())
    for m in mods:
        m._exit = _guarded_exit
    try:
        yield
    finally:
        _LOADING[0] = outer
        for m, f in zip(mods, real):
            m._exit = f


def _prints_to_stderr():
    """What the user's game file prints (at its import, in its factory) goes to standard error: standard output is the
    command's result (a ``print`` at the top of a game file put its line before ``analyze --json``'s document)."""
    return contextlib.redirect_stdout(sys.stderr)


def _user_error(exc: BaseException, path: Path, shown: str, within: str | None = None) -> BaseException:
    """The one-line error for an exception raised by the user's file (a Ctrl-C stays an interrupt); ``within``: the
    factory that was running (``g.py:5: in tilted(): the game: ...``: the Game it builds has no name of its own yet)."""
    if isinstance(exc, KeyboardInterrupt):
        return exc
    where = _where(exc, path, shown) + (f": in {within}()" if within else "")
    if isinstance(exc, GandynamicsError):
        return GandynamicsError(f"{where}: {exc}")
    if isinstance(exc, _ProcessExit):
        return GandynamicsError(f"{where}: the game file called os._exit({exc.code!r}); a game file must define "
                                "a function that returns a Game or GAN")
    if isinstance(exc, SystemExit):
        return GandynamicsError(f"{where}: the game file called sys.exit({exc.code!r}); a game file must define "
                                "a function that returns a Game or GAN")
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return GandynamicsError(f"{where}: {type(exc).__name__}" + (f": {msg}" if msg else ""))


def _file_names(path: Path) -> tuple[set, set]:
    """``(defined, imported)``: the names the file's top-level code binds itself (``def``, ``class``, an assignment
    such as ``game = functools.partial(...)`` or ``game = lambda: ...``, an assignment expression ``(game := ...)``
    outside a def, lambda or class body, a ``match`` statement's capture pattern; also inside top-level ``if``/``try``/``with``/``for``/``while`` blocks) and the names it binds by ``import``.  Read from the file's syntax tree (it
    has just been executed, so it parses)."""
    defined, imported = set(), set()

    def targets(t):
        if isinstance(t, ast.Name):
            defined.add(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                targets(e)
        elif isinstance(t, ast.Starred):
            targets(t.value)

    def walrus(node):  # ``(NAME := ...)`` in a top-level statement binds NAME in the module (also inside a
        # comprehension); inside a def, lambda or class body it binds a name of that scope.  A stack, not recursion
        # (an expression as deep as the compiler allows is deeper than Python's recursion limit)
        stack = [node]
        while stack:
            for child in ast.iter_child_nodes(stack.pop()):
                if isinstance(child, ast.NamedExpr):
                    targets(child.target)
                if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    stack.append(child)

    def walk(body):
        for st in body:
            if not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                walrus(st)  # (the blocks of a compound statement are walked below: their walruses found twice)
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(st.name)
                continue  # its body binds no name of the module
            if isinstance(st, (ast.Import, ast.ImportFrom)):
                imported.update((a.asname or a.name).split(".")[0] for a in st.names)
                continue
            if isinstance(st, ast.Assign):
                for t in st.targets:
                    targets(t)
            elif isinstance(st, (ast.AnnAssign, ast.AugAssign)) and st.value is not None:
                targets(st.target)
            elif isinstance(st, (ast.For, ast.AsyncFor)):
                targets(st.target)
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                for item in st.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
            # the blocks of a compound statement (if, try, with, for, while, match) run at the top level too
            for block in ("body", "orelse", "finalbody"):
                walk(getattr(st, block, []))
            for part in getattr(st, "handlers", []) + getattr(st, "cases", []):
                walk(part.body)
            for case in getattr(st, "cases", []):  # a match statement's capture patterns bind names too
                for node in ast.walk(case.pattern):
                    for attr in ("name", "rest"):  # MatchAs/MatchStar name, MatchMapping rest
                        if isinstance(getattr(node, attr, None), str):
                            defined.add(getattr(node, attr))

    walk(ast.parse(path.read_bytes(), filename=str(path)).body)
    return defined, imported


_MISSING = object()


def _is_factory(module, name: str, defined: set) -> bool:
    """The one rule for ``FILE.py:NAME`` (what :func:`load_user_game` takes and what its errors list): a public
    name (no leading underscore) the file binds itself (:func:`_file_names`; not an import) whose value is a Game
    or GAN (taken as it is), or is callable: a function (a lambda too), a ``functools.partial``, a ``functools.cache``/``lru_cache`` wrapper, an
    instance of a class with ``__call__``, but not a sympy object (``sp.Lambda`` is callable: an expression, e.g.
    a loss); a class only when its instances are a Game or GAN."""
    if name.startswith("_") or name not in defined:
        return False
    v = vars(module).get(name, _MISSING)
    if isinstance(v, type):
        return issubclass(v, (Game, GAN))
    if isinstance(v, (Game, GAN)):
        return True
    return v is not _MISSING and callable(v) and not isinstance(v, sp.Basic)  # (sp.Lambda: an expression)


def _factories_text(module, defined: set) -> str:
    """What a game file offers for ``FILE.py:FACTORY``: the names :func:`_is_factory` accepts."""
    own = sorted(k for k in defined if _is_factory(module, k, defined))
    if not own:
        return "the file defines no game: define a Game or GAN, or a public function that returns one"
    return "the file defines " + ", ".join(own[:12]) + (f" and {len(own) - 12} more" if len(own) > 12 else "")


def _not_a_factory(module, file: str, name: str, defined: set, imported: set) -> GandynamicsError:
    """Why ``name`` is no factory of the file (:func:`_is_factory` said no), and what the file offers."""
    offer = _factories_text(module, defined)
    v = vars(module).get(name, _MISSING)
    if name in defined and v is not _MISSING:
        if name.startswith("_"):
            why = f"{name!r} is private to the file (a leading underscore)"
        elif isinstance(v, type):
            why = f"{name!r} is a class whose instances are no Game or GAN"
        elif isinstance(v, sp.Basic):
            why = f"{name!r} is a sympy {type(v).__name__}, not a function"
        else:
            kind = type(v).__name__
            why = f"{name!r} is {'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}, not a function"
        return GandynamicsError(f"{file}: {why}; {offer} (FACTORY: a Game or GAN the file defines, or a public "
                                "function, or other callable, the file defines that returns one)")
    if v is not _MISSING and not (name.startswith("__") and name.endswith("__")):  # dunders: the module's own
        how = ("imported by the file, not defined in it" if name in imported or "*" in imported else
               "not bound by a def, class or assignment of the file")
        return GandynamicsError(f"{file}: {name!r} is {how} (bind it to a name there, e.g. factory = {name}, and give "
                                f"FILE.py:factory); {offer}")
    return GandynamicsError(f"{file}: no factory named {name!r}; {offer}")


def _run_file(path: Path, file: str):
    """The module of the game file at ``path`` (``file`` as the user gave it), its code run once: a GandynamicsError
    naming the user's own line where it fails."""
    modname = _module_name(path)
    try:
        mspec = importlib.util.spec_from_file_location(modname, path)
        module = importlib.util.module_from_spec(mspec)
        sys.modules[modname] = module
        with _no_process_exit(), _prints_to_stderr(), _folder_importable(path):
            mspec.loader.exec_module(module)
    except BaseException as exc:  # report the user's line, not ours
        sys.modules.pop(modname, None)
        raise _user_error(exc, path, file) from None
    return module


def load_user_game(spec: str, params: dict | None = None):
    """``"file.py:factory"`` -> ``(game, rest)``: the Game/GAN the factory returns (the ``params`` it names passed
    as keywords) and the remaining ``params``; or, when ``factory`` names a Game/GAN, that game and every
    ``params`` value.

    ``factory`` is a public name the file binds itself (``def``, ``class``, assignment; not an import) whose value
    is a Game or GAN, or is callable: a function or lambda, a ``functools.partial``, a ``functools.cache``/``lru_cache`` function, an
    instance of a class with ``__call__``, or a Game/GAN subclass (:func:`_is_factory`).  Any other name is a
    :class:`GandynamicsError` that lists the names this rule accepts.
    """
    if ":" not in spec:
        from .games import GAMES  # (a built-in game's name given to --game: say how it is given)
        hint = (f"; {spec!r} is a built-in game: give its name as the GAME argument, without --game"
                if spec in GAMES else "")
        whole = Path(spec).expanduser()
        from .io import path_refusals
        with path_refusals(f"--game {spec!r}"):
            whole_is_file = whole.is_file()
        if not hint and whole.suffix == ".py" and whole_is_file:  # (a game file without its factory: which it has)
            module = _run_file(whole.resolve(), spec)
            offer = _factories_text(module, _file_names(whole.resolve())[0])
            hint = f" (no FACTORY after the file name); {offer}"
        raise GandynamicsError(f"--game must be FILE.py:FACTORY, got {spec!r}{hint}")
    file, _, name = spec.rpartition(":")
    if not file.strip():  # (Path("") is the working folder: "'' is a directory, not a file")
        raise GandynamicsError(f"--game must be FILE.py:FACTORY, got {spec!r} (no file name before the colon)")
    from .io import path_refusals
    with path_refusals(f"--game {file!r}"):  # (a name too long for the file system: a traceback, a review)
        path = Path(file).expanduser().resolve()
        is_file, is_dir = path.is_file(), path.is_dir()
    if not is_file:
        raise GandynamicsError(f"--game: {file!r} is a directory, not a file" if is_dir else
                               f"--game: no such file {file!r}")
    if path.suffix != ".py":
        raise GandynamicsError(f"--game: {file!r} is not a Python file; expected FILE.py:FACTORY")
    if not name.strip():  # (which names the file has, as for a file with no colon: "gameB.py:" named none)
        offer = _factories_text(_run_file(path, file), _file_names(path)[0])
        raise GandynamicsError(f"--game must be FILE.py:FACTORY, got {spec!r} (no FACTORY after the colon); {offer}")
    if not name.isidentifier():  # (the file is not run for a name that cannot be one: a review)
        raise GandynamicsError(f"--game: {name!r} is not a function name; expected FILE.py:FACTORY")
    module = _run_file(path, file)
    # one rule (_is_factory) for what is called here and what the errors list; a dunder name is the module object's
    # own attribute (__class__ is ModuleType: calling it blamed the user's file), an import is another module's
    defined, imported = _file_names(path)
    if not _is_factory(module, name, defined):
        raise _not_a_factory(module, file, name, defined, imported)
    factory = vars(module)[name]
    params = dict(params or {})
    if isinstance(factory, (Game, GAN)):  # a game defined at the file's top level: no factory keywords to take
        from .games import with_origin
        return with_origin(_named(factory, name), f"{file}:{name}", {}, **_file_record(path)), params
    try:
        sig = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        sig = {}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.values())
    accepted = {k for k, p in sig.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    kwargs = {}
    for k, v in params.items():
        if k in accepted:
            default = sig[k].default
            # CLI values arrive as text: convert like the built-in games' parameters; without a default, a number
            # when the text is one (make(c) had been called with the string '2'), else the text
            kwargs[k] = (_coerce(default, v, k, f"{file}:{name}") if default is not inspect.Parameter.empty
                         else _number_or_text(v))
        elif takes_any:
            kwargs[k] = _number_or_text(v)
    missing = [k for k, p in sig.items() if p.default is inspect.Parameter.empty and k not in kwargs
               and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if missing:  # (the factory's own TypeError named no way to give them)
        raise GandynamicsError(f"{file}:{name} needs {', '.join(missing)}: give "
                               + " ".join(f"--param {k}=VALUE" for k in missing))
    try:
        with _no_process_exit(), _prints_to_stderr(), _folder_importable(path):
            game = factory(**kwargs)
    except BaseException as exc:
        raise _user_error(exc, path, file, within=name) from None
    if not isinstance(game, (Game, GAN)):
        raise GandynamicsError(f"{file}:{name} returned {type(game).__name__}, expected a gandynamics Game or GAN")
    from .games import with_origin
    defaults = {k: p.default for k, p in sig.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                and p.default is not inspect.Parameter.empty}
    game = with_origin(_named(game, name), f"{file}:{name}", {**defaults, **kwargs}, **_file_record(path))
    rest = {k: v for k, v in params.items() if k not in kwargs}
    return game, rest


@contextlib.contextmanager
def _folder_importable(path: Path):
    """The game file's own folder first on ``sys.path`` while the file runs (and its factory), as ``python FILE.py``
    has it: a game file importing a helper module beside it failed under the ``gandynamics`` command and worked
    under ``python -m gandynamics`` from that folder (a new user).  Taken off again afterwards."""
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        try:
            sys.path.remove(folder)  # (the first occurrence: the one put there)
        except ValueError:
            pass


def _file_record(path: Path) -> dict:
    """What a result's provenance records of the game file it came from: its absolute path and the SHA-256 of its
    bytes (a relative ``--game`` path alone named no file once the table moved, and no version of it)."""
    import hashlib
    return {"file": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def _named(game, name: str):
    """``game`` named ``name`` (the factory's) when it was given no name of its own (its class's default, "game" or
    "gan"): every header, title and table of a user's game read "game".  A name the game was given is kept."""
    default = next((f.default for f in dataclasses.fields(game) if f.name == "name"), None)
    if game.name != default:
        return game
    game = copy.copy(game)  # (shallow: a factory's shared game stays as it is)
    object.__setattr__(game, "name", name)
    return game


def _module_name(path: Path) -> str:
    """The name a user's game file is imported under (one per resolved path)."""
    return f"gandynamics_user_{abs(hash(str(path)))}"


def factory_parameters(spec: str) -> list[str]:
    """The keyword names the factory of ``"file.py:factory"`` takes (for the list of accepted ``--param`` names);
    empty when it cannot be read."""
    file, _, name = spec.rpartition(":")
    module = sys.modules.get(_module_name(Path(file).expanduser().resolve()))
    factory = vars(module).get(name) if module is not None else None
    if factory is None or isinstance(factory, (Game, GAN)):
        return []
    try:
        sig = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return []
    return [k for k, p in sig.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _number_or_text(v):
    """A ``--param`` value for a factory keyword without a default: an int when the text is a whole number, a float
    when it is a decimal number, the text otherwise; a Python value unchanged."""
    if not isinstance(v, str):
        return v
    import re
    t = v.strip()
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", t):
        return float(t)
    return v
