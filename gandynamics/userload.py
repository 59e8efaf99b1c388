"""Load a user's game from ``path/to/file.py:factory`` (the CLI's ``--game``).

The factory is called with no arguments (or with the ``--param`` values it names as keyword parameters,
converted to the type of the parameter's default like the built-in games' parameters; the remaining
``--param`` values are hyperparameters of the field) and must return a :class:`~gandynamics.game.Game` or
:class:`~gandynamics.game.GAN`.  Example file (``--game mygame.py:game``)::

    import sympy as sp
    from gandynamics import Game

    def game(scale=1.0):
        x, y = sp.symbols("x y")
        return Game([x], [y], scale * x * y + x**2 / 2, -scale * x * y + y**2 / 2, equilibrium=(0, 0))
  An error inside the user's file is
reported as one line naming the file and line, never as a traceback from inside gandynamics.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from pathlib import Path

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


def _user_error(exc: BaseException, path: Path, shown: str) -> BaseException:
    """The one-line error for an exception raised by the user's file (a Ctrl-C stays an interrupt)."""
    if isinstance(exc, KeyboardInterrupt):
        return exc
    where = _where(exc, path, shown)
    if isinstance(exc, GandynamicsError):
        return GandynamicsError(f"{where}: {exc}")
    if isinstance(exc, SystemExit):
        return GandynamicsError(f"{where}: the game file called sys.exit({exc.code!r}); a game file must define "
                                "a function that returns a Game or GAN")
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return GandynamicsError(f"{where}: {type(exc).__name__}" + (f": {msg}" if msg else ""))


def _functions_text(module, modname: str) -> str:
    """What a game file offers for ``FILE.py:FACTORY``: the functions it defines itself (not those it imports)."""
    own = sorted(k for k, v in vars(module).items()
                 if inspect.isfunction(v) and v.__module__ == modname and not k.startswith("_"))
    if not own:
        return "the file defines no function: define one that returns a Game or GAN"
    return "the file defines " + ", ".join(own[:12]) + (f" and {len(own) - 12} more" if len(own) > 12 else "")


def load_user_game(spec: str, params: dict | None = None):
    """``"file.py:factory"`` -> the Game/GAN the factory returns (``params`` passed as keywords)."""
    if ":" not in spec:
        raise GandynamicsError(f"--game must be FILE.py:FACTORY, got {spec!r}")
    file, _, name = spec.rpartition(":")
    path = Path(file).expanduser().resolve()
    if not path.is_file():
        raise GandynamicsError(f"--game: no such file {file!r}")
    if path.suffix != ".py":
        raise GandynamicsError(f"--game: {file!r} is not a Python file; expected FILE.py:FACTORY")
    if not name.isidentifier():
        raise GandynamicsError(f"--game: {name!r} is not a function name; expected FILE.py:FACTORY")
    modname = f"gandynamics_user_{abs(hash(str(path)))}"
    try:
        mspec = importlib.util.spec_from_file_location(modname, path)
        module = importlib.util.module_from_spec(mspec)
        sys.modules[modname] = module
        mspec.loader.exec_module(module)
    except BaseException as exc:  # report the user's line, not ours
        sys.modules.pop(modname, None)
        raise _user_error(exc, path, file) from None
    # a dunder name is the module object's own attribute (__class__ is ModuleType: calling it blamed the user's file)
    factory = None if name.startswith("__") and name.endswith("__") else getattr(module, name, None)
    if factory is None:
        raise GandynamicsError(f"{file}: no function named {name!r}; " + _functions_text(module, modname))
    if not callable(factory):  # a value of the file (a Game built at import): say what it is
        raise GandynamicsError(f"{file}: {name!r} is a {type(factory).__name__}, not a function; "
                               + _functions_text(module, modname) + " (FACTORY: a function that returns a Game or GAN)")
    params = dict(params or {})
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
            # CLI values arrive as text: convert like the built-in games' parameters
            kwargs[k] = v if default is inspect.Parameter.empty else _coerce(default, v, k, f"{file}:{name}")
        elif takes_any:
            kwargs[k] = v
    try:
        game = factory(**kwargs)
    except BaseException as exc:
        raise _user_error(exc, path, file) from None
    if not isinstance(game, (Game, GAN)):
        raise GandynamicsError(f"{file}:{name} returned {type(game).__name__}, expected a gandynamics Game or GAN")
    rest = {k: v for k, v in params.items() if k not in kwargs}
    return game, rest
