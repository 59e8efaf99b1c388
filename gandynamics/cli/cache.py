"""``gandynamics cache``: where compiled code is kept, how much, and clearing it.

The cache folder is :func:`gandynamics.codegen.cache_location`: ``$GANDYNAMICS_CACHE_DIR`` if set, else the
platform's user cache folder (``$XDG_CACHE_HOME/gandynamics`` or ``~/.cache/gandynamics`` on Linux).
``clear`` deletes only the files gandynamics puts there (generated modules, cached sources, their
``__pycache__`` and numba caches, the lock files of shared compilations), never anything else a user may keep in that folder.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

#: the files gandynamics writes into its cache folder
_OURS = re.compile(r"^(gandynamics_gen_\w+\.py|source_[0-9a-f]+\.txt|\.[\w.-]+\.tmp|gandynamics_gen_\w+\.tmp\d+)$")
_OURS_PYCACHE = re.compile(r"^gandynamics_gen_\w+(\.[\w-]+)*\.(nbi|nbc|pyc)$")
#: the lock files of compilations shared between processes (``locks/``, :func:`gandynamics.codegen.lock_path`)
_OURS_LOCKS = re.compile(r"^compile-[\w-]+\.lock$")


def add_parser(sub):
    from . import summary
    p = sub.add_parser(
        "cache", help=summary("cache"),
        description="Generated numba modules and their machine code are kept in a cache folder so that a second "
                    "run skips symbolic differentiation and compilation.  The folder is $GANDYNAMICS_CACHE_DIR if "
                    "set, else the platform's user cache folder ($XDG_CACHE_HOME/gandynamics or "
                    "~/.cache/gandynamics on Linux).  A folder that cannot be written is replaced by a private "
                    "temporary one for that run (with one warning line).",
        epilog="examples: gandynamics cache info;  gandynamics cache info --json;  gandynamics cache clear")
    p.add_argument("action", choices=["info", "clear"], metavar="{info,clear}",
                   help="info: location, files and size; clear: delete them")
    p.add_argument("--json", action="store_true", help="print one JSON object (info: the folder, files and size; clear: what was removed)")
    p.set_defaults(run=run)
    return p


def _files(root: Path) -> list[Path]:
    """The files of ``root`` that gandynamics wrote (top level, and its __pycache__)."""
    out = []
    if not root.is_dir():
        return out
    for f in root.iterdir():
        if f.is_file() and _OURS.match(f.name):
            out.append(f)
    pyc = root / "__pycache__"
    if pyc.is_dir():
        out += [f for f in pyc.iterdir() if f.is_file() and _OURS_PYCACHE.match(f.name)]
    locks = root / "locks"
    if locks.is_dir():
        out += [f for f in locks.iterdir() if f.is_file() and _OURS_LOCKS.match(f.name)]
    return out


def _numba_dir(root: Path) -> Path | None:
    """Where numba keeps the machine code of the generated modules when NUMBA_CACHE_DIR is set (a subfolder
    named by numba's own rule for the source folder)."""
    import os
    d = os.environ.get("NUMBA_CACHE_DIR")
    if not d:
        return None
    try:
        from numba.core.caching import _CacheLocator
        return Path(d) / _CacheLocator.get_suitable_cache_subpath(str(root / "gandynamics_gen_x.py"))
    except (ImportError, AttributeError):  # pragma: no cover - numba internals moved
        return None


def run(args) -> int:
    from ..codegen import cache_location
    from ..limits import format_bytes
    from .common import dumps
    root, source = cache_location()
    files = _files(root)
    nb = _numba_dir(root)
    nb_files = [f for f in nb.iterdir() if f.is_file() and _OURS_PYCACHE.match(f.name)] if nb and nb.is_dir() else []
    allf = files + nb_files
    size = sum(f.stat().st_size for f in allf if f.exists())
    if args.action == "info":
        mods = sum(1 for f in files if f.suffix == ".py")
        info = {"folder": str(root), "set_by": source, "exists": root.is_dir(), "files": len(allf),
                "generated_modules": mods, "bytes": size, "numba_cache": str(nb) if nb else str(root / "__pycache__")}
        if args.json:
            print(dumps(info))
        else:
            print(f"cache folder     {root}   ({source})")
            print(f"numba code       {info['numba_cache']}")
            print(f"files            {len(allf)} ({mods} generated modules), {format_bytes(size)}")
        return 0
    removed = 0
    for f in allf:
        try:
            f.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:
            from ..errors import GandynamicsError
            raise GandynamicsError(f"cannot delete {str(f)!r}: {exc.strerror}") from None
    for sub in (root / "__pycache__", root / "locks"):
        if sub.is_dir() and not any(sub.iterdir()):
            shutil.rmtree(sub, ignore_errors=True)
    if args.json:  # --json was ignored by clear (text printed instead)
        print(dumps({"folder": str(root), "removed_files": removed, "bytes": size}))
    else:
        print(f"removed {removed} files ({format_bytes(size)}) from {root}")
    return 0
