"""Load a user's game from ``path/to/file.py:factory`` (the CLI's ``--game``).

The factory is called with no arguments (or with ``--param`` values it accepts) and must return a
:class:`~gandynamics.game.Game` or :class:`~gandynamics.game.GAN`.  An error inside the user's file is
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

__all__ = ["load_user_game"]


def _where(exc: BaseException, path: Path) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path]
    if isinstance(exc, SyntaxError) and exc.lineno:
        return f"{path}:{exc.lineno}"
    if frames:
        return f"{path}:{frames[-1].lineno}"
    return str(path)


def load_user_game(spec: str, params: dict | None = None):
    """``"file.py:factory"`` -> the Game/GAN the factory returns (``params`` passed as keywords)."""
    if ":" not in spec:
        raise GandynamicsError(f"--game must be FILE.py:FACTORY, got {spec!r}")
    file, _, name = spec.rpartition(":")
    path = Path(file).expanduser().resolve()
    if not path.is_file():
        raise GandynamicsError(f"--game: no such file {file!r}")
    modname = f"gandynamics_user_{abs(hash(str(path)))}"
    try:
        mspec = importlib.util.spec_from_file_location(modname, path)
        module = importlib.util.module_from_spec(mspec)
        sys.modules[modname] = module
        mspec.loader.exec_module(module)
    except GandynamicsError as exc:
        raise GandynamicsError(f"{_where(exc, path)}: {exc}") from None
    except Exception as exc:  # report the user's line, not ours
        raise GandynamicsError(f"{_where(exc, path)}: {type(exc).__name__}: {exc}") from None
    factory = getattr(module, name, None)
    if factory is None or not callable(factory):
        raise GandynamicsError(f"{file}: no function named {name!r}")
    params = dict(params or {})
    accepted = inspect.signature(factory).parameters
    kwargs = {k: v for k, v in params.items() if k in accepted}
    try:
        game = factory(**kwargs)
    except GandynamicsError as exc:
        raise GandynamicsError(f"{_where(exc, path)}: {exc}") from None
    except Exception as exc:
        raise GandynamicsError(f"{_where(exc, path)}: {type(exc).__name__}: {exc}") from None
    if not isinstance(game, (Game, GAN)):
        raise GandynamicsError(f"{file}:{name} returned {type(game).__name__}, expected a gandynamics Game or GAN")
    rest = {k: v for k, v in params.items() if k not in accepted}
    return game, rest
