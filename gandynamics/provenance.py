r"""Provenance: how a written result was made, in a form that travels with the file.

:func:`provenance` records the game (name, kind, loss), the regularizers with their strengths and options,
the hyperparameter values used, the method with its options, the number of steps, the seed, the versions
of gandynamics and of the numeric stack, and the date.  Where it goes:

* **JSON** results carry it under the key ``"provenance"`` (:func:`attach`).
* **CSV** results get a *sidecar* ``FILE.csv.json`` (:func:`write_with_sidecar`, both files replaced together or
  neither, the table's hash in the sidecar; :func:`read_sidecar` checks it): the CSV
  itself stays a plain table that every reader (pandas, R, spreadsheets, ``np.loadtxt``) opens unchanged,
  and the provenance is a strict JSON document, not key/value text to re-parse.  When a CSV goes to standard
  output (``--out -``) there is no second file: :func:`comment_header` gives the same record as ``# ``
  lines, which ``pandas.read_csv(..., comment="#")`` skips and :func:`read_comment_header` reads back.
* **NPZ** archives store it as the JSON string ``provenance`` (:func:`to_json`), **NetCDF** / xarray as the
  global attribute ``provenance`` (a JSON string: netCDF attributes cannot nest).

The record is plain JSON (infinities as the strings ``"inf"``/``"-inf"``, as everywhere in gandynamics).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import os
import platform
from pathlib import Path
from typing import Mapping

import numpy as np

from .errors import GandynamicsError

__all__ = ["PER_ROW", "per_row_text", "provenance", "provenance_date", "environment", "to_json", "attach", "sidecar_path", "write_sidecar", "write_with_sidecar", "read_sidecar", "TABLE_HASH", "comment_header",
           "read_comment_header"]

#: the version of the record's layout (bumped when keys change meaning; 2: a value that differs from row to row
#: of a table is recorded as the text :func:`per_row_text` gives, naming its column, not as a number)
SCHEMA = 2

#: the start of what the record says of a value that differs from row to row (:func:`per_row_text`)
PER_ROW = "per row: column"


def per_row_text(column: str) -> str:
    """What the record says of a hyperparameter or a step that takes its value row by row from the table's column
    ``column`` (a sweep's grid axis): ``per row: column 'gamma_co' of the table``.  It has no one value, and its
    default is not what was used (a sweep over gamma had recorded r1's declared gamma = 1)."""
    return f"{PER_ROW} {column!r} of the table"


def _jsonable(o):
    t = type(o)  # (the plain types first, by their type alone: the generic tests below, Mapping's above all, took
    # most of a sweep's 0.3 ms of provenance)
    if o is None or t is str or t is int:
        return o
    if t is dict:
        return {str(k): _jsonable(v) for k, v in o.items()}
    if t is list or t is tuple:
        return [_jsonable(v) for v in o]
    if isinstance(o, (bool, np.bool_)):
        return bool(o)
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (float, np.floating)):
        o = float(o)
        return o if math.isfinite(o) else ("inf" if o > 0 else "-inf" if o < 0 else "nan")
    if isinstance(o, (complex, np.complexfloating)):
        return [_jsonable(o.real), _jsonable(o.imag)]
    if isinstance(o, np.ndarray):
        return _jsonable(o.tolist())
    if isinstance(o, Mapping):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if o is None or isinstance(o, (str, int)):
        return o
    return str(o)


def _versions() -> dict:
    """The versions of the packages that compute (a copy of :func:`_installed_versions`)."""
    return dict(_installed_versions())


@functools.lru_cache(maxsize=1)
def _installed_versions() -> dict:
    """Read once per process: the installed distributions' metadata takes 5-15 ms to parse, and every run
    records it (a test session or a study makes thousands of runs)."""
    from importlib import metadata
    out = {}
    for pkg in ("gandynamics", "numpy", "scipy", "sympy", "numba"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    if out["gandynamics"] is None:  # a source checkout that is not installed
        from ._version import __version__
        out["gandynamics"] = __version__
    out["python"] = platform.python_version()
    return out


def environment() -> dict:
    """``versions``, ``date`` (UTC, ISO 8601) and ``host``: the part of a record that needs no field."""
    return {"versions": _versions(), "date": provenance_date(), "host": platform.platform(terse=True)}


def provenance_date() -> str:
    """The record's ``date``: now, UTC, ISO 8601 to the second (a sweep makes its record while its rows run and
    dates it when they have run)."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _game_record(field) -> dict:
    model = getattr(field, "model", None)
    game = getattr(field, "game", None)
    rec = {"name": getattr(field, "name", None) or getattr(model, "name", None),
           "kind": type(model).__name__ if model is not None else None,
           "parameters": list(getattr(field, "names", [])),
           "equilibrium": None if getattr(field, "equilibrium", None) is None else np.asarray(field.equilibrium).tolist()}
    loss = getattr(model, "loss", None)
    if loss is not None and hasattr(loss, "f"):
        rec["loss"] = {"name": loss.name, "f": str(loss.f), "non_saturating": bool(loss.non_saturating),
                       "generator": None if getattr(loss, "generator", None) is None else str(loss.generator)}
    else:
        rec["loss"] = None
    if game is not None and getattr(game, "nonsmooth", ""):
        rec["nonsmooth"] = game.nonsmooth
    origin = getattr(model, "origin", None) or getattr(game, "origin", None)
    if origin:  # the factory and its arguments (bilinear's B, a --game file's keywords), a game file's path and digest
        rec["factory"] = origin.get("factory")
        rec["arguments"] = dict(origin.get("arguments", {}))
        for k in ("file", "sha256"):
            if k in origin:
                rec[k] = origin[k]
    return rec


def _regularizer_records(field, values: Mapping | None = None, varies: Mapping | None = None) -> list:
    """One record per regularizer of ``field``: its strengths as used with ``values`` (:func:`per_row_text` of the
    column for a strength whose hyperparameter ``varies`` maps to one), its options and the symbol of each
    strength."""
    varies = dict(varies or {})
    from .regularizers import strength_symbols, used_strengths
    regs = list(getattr(field, "regularizers", []) or [])
    if not regs:
        return []
    used = used_strengths(field, values)  # the strengths used (a --param gamma=0.7 over r1's default 1)
    # the symbol each strength became in the compiled code (gamma, gamma_co, ...), by the library's own rule
    named = strength_symbols(field.model, regs)
    out = []
    for reg in regs:
        parts = [{"name": part.name, "symbols": {k: s.name for k, s in sym.items()}}
                 for r, part, sym in named if r is reg]
        strengths = dict(used[len(out)])
        for part in parts:
            for key, name in part["symbols"].items():
                if name in varies and key in strengths:
                    strengths[key] = per_row_text(varies[name])
        out.append({"name": reg.name, "strengths": strengths, "options": dict(reg.opts), "parts": parts})
    return out


def provenance(field, method: str | None = None, options: Mapping | None = None, steps: int | None = None,
               seed: int | None = None, params: Mapping | np.ndarray | None = None, per_row: Mapping | None = None,
               **extra) -> dict:
    """The provenance record of a result computed from ``field``.

    Parameters
    ----------
    field : VectorField
        The field the result was computed from (game, loss and regularizers are read from it).
    method : str, optional
        The integrator (``gd``, ``altgd``, ``eg``, ...), if any.
    options : mapping, optional
        The method's options (``step``, ``n_d``, ``beta``, a projection box...).
    steps : int, optional
        Iterations per trajectory.
    seed : int, optional
        The random seed (of sampled start points), if any.
    params : mapping or array, optional
        Hyperparameter values used (names as in ``field.defaults``); the record lists every hyperparameter,
        these values overriding the defaults.
    per_row : mapping, optional
        The values that differ from row to row of the result's table (a sweep's grid axes): hyperparameter name, or
        ``"step_g"`` / ``"step_d"`` (the players' steps), -> the table's column that holds them.  Each is recorded
        as :func:`per_row_text` of its column, in ``hyperparameters``, in its regularizer's strengths, among the
        game factory's arguments of that name and in ``options["step"]`` (made the pair ``[h_G, h_D]`` when one of them varies).
    **extra
        Anything else worth recording (game factory parameters, grid axes, the command line...).

    Returns
    -------
    dict
        Plain JSON: ``schema``, ``game`` (name, kind, parameters, equilibrium, loss), ``regularizers`` (name,
        strengths, options, and the hyperparameter symbol of each strength), ``hyperparameters`` (name ->
        value used), ``method``, ``options``, ``steps``, ``seed``, ``versions``, ``date`` (UTC, ISO 8601),
        ``host`` (platform string) and ``extra``.

    Raises
    ------
    GandynamicsError
        When ``params`` names unknown hyperparameters (from ``field.param_vector``).
    """
    if not hasattr(field, "param_vector"):
        raise GandynamicsError(f"provenance needs a VectorField, got {type(field).__name__}")
    p = field.param_vector(params)
    if steps is not None:
        from .validate import whole
        steps = whole(steps, "steps", lo=0)
    values = dict(zip(field.defaults, p.tolist()))
    rows = {str(k): str(v) for k, v in dict(per_row or {}).items()}
    unknown = sorted(set(rows) - set(values) - {"step_g", "step_d"})
    if unknown:
        raise GandynamicsError(f"provenance: per_row names {unknown}: neither hyperparameters of the field "
                               f"({', '.join(values) or 'none'}) nor step_g / step_d")
    varies = {k: c for k, c in rows.items() if k in values}
    options = dict(options or {})
    if ("step_g" in rows or "step_d" in rows) and "step" in options:
        options["step"] = _per_row_steps(options["step"], rows)
    game = _game_record(field)
    if "arguments" in game:  # a factory argument that is also a hyperparameter varied row by row (quadratic's b)
        game["arguments"] = {k: (per_row_text(varies[k]) if k in varies else v) for k, v in game["arguments"].items()}
    rec = {
        "schema": SCHEMA,
        "game": game,
        "regularizers": _regularizer_records(field, values, varies),
        "hyperparameters": {k: (per_row_text(varies[k]) if k in varies else v) for k, v in values.items()},
        "method": method,
        "options": options,
        "steps": None if steps is None else int(steps),
        "seed": None if seed is None else int(seed),
        **environment(),
        "extra": dict(extra),
    }
    return _jsonable(rec)


def _per_row_steps(step, rows: Mapping) -> list:
    """A recorded step (a number, or the pair ``[h_G, h_D]``) as the pair, with :func:`per_row_text` of the column for
    ``step_g`` / ``step_d`` where ``rows`` names one."""
    pair = list(step) if isinstance(step, (list, tuple, np.ndarray)) and len(step) == 2 else [step, step]
    return [per_row_text(rows["step_g"]) if "step_g" in rows else pair[0],
            per_row_text(rows["step_d"]) if "step_d" in rows else pair[1]]


def to_json(record: Mapping) -> str:
    """The record as one line of strict JSON (for NPZ entries and netCDF attributes)."""
    return json.dumps(_jsonable(record), allow_nan=False, sort_keys=False)


def attach(result: dict, record: Mapping) -> dict:
    """``result`` with the record under ``"provenance"`` (a new dict; for JSON results)."""
    out = dict(result)
    out["provenance"] = _jsonable(record)
    return out


from .io import check_sidecar, sidecar_path  # noqa: E402,F401  (the sidecar's name and its check live with the writes)


from .io import TABLE_HASH, file_sha256  # noqa: E402  (the sidecar's hash entry, and the one hash of a file)


def write_sidecar(path, record: Mapping) -> Path:
    """Write the record next to ``path`` as ``path + ".json"``, atomically (:func:`gandynamics.io.atomic_open`:
    a temporary file in the same folder, fsync-ed, then :func:`os.replace`).  Returns the sidecar's path."""
    from .io import atomic_write_text
    side = sidecar_path(path)
    atomic_write_text(side, _sidecar_text(record))
    return side


def _sidecar_text(record: Mapping) -> str:
    return json.dumps(_jsonable(record), indent=1, allow_nan=False) + "\n"


class _HashingText:
    """A text stream over a binary file that hashes what it writes (UTF-8, newlines as given: as ``newline=""``)."""

    def __init__(self, fh):
        import hashlib
        self.fh, self.hash = fh, hashlib.sha256()

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.hash.update(data)
        self.fh.write(data)
        return len(text)


def write_with_sidecar(path, write, record: Mapping) -> Path:
    """Write the data file ``path`` and its sidecar ``path + ".json"`` (the record, with the data's SHA-256 as
    :data:`TABLE_HASH`) together (:func:`gandynamics.io.atomic_files`): both are replaced, or neither;
    :func:`read_sidecar` refuses a pair whose data does not match the hash (files from two different writes).
    ``write``: a function ``write(stream)`` that writes the data to a text stream (a table row by row: streamed to
    the file, never held whole in memory); UTF-8, newlines as given.  Returns the sidecar's path."""
    from .io import atomic_files
    side = sidecar_path(path)
    with atomic_files() as open_:
        out = _HashingText(open_(path, "wb"))
        write(out)
        open_(side, "w").write(_sidecar_text({**record, TABLE_HASH: out.hash.hexdigest()}))
    return side


def read_sidecar(path) -> dict:
    """The record written by :func:`write_sidecar` or :func:`write_with_sidecar` for ``path`` (the data file or the
    sidecar itself); with the data's hash (:data:`TABLE_HASH`, not in the record returned) the data file must match
    it.

    Raises
    ------
    GandynamicsError
        No sidecar, not a provenance record, or a data file that is not the one the sidecar describes."""
    p = Path(path)
    side = p if p.suffix == ".json" and p.exists() else sidecar_path(p)
    try:
        record = json.loads(side.read_text())
    except FileNotFoundError:
        raise GandynamicsError(f"no provenance sidecar {str(side)!r} next to {str(p)!r}") from None
    except json.JSONDecodeError as exc:
        raise GandynamicsError(f"{str(side)!r} is not a provenance record: {exc}") from None
    want = record.pop(TABLE_HASH, None) if isinstance(record, dict) else None
    data = Path(str(side)[:-len(".json")])
    if want is not None and data.is_file() and file_sha256(data) != want:
        raise GandynamicsError(f"{str(data)!r} is not the file its provenance {str(side)!r} describes (they come from "
                               "different writes, or the table was edited): write the table again")
    return record


_PREFIX = "# gandynamics-provenance: "


def comment_header(record: Mapping) -> str:
    """The record as ``#`` comment lines to put before a CSV's header row (for a CSV on standard output,
    where no sidecar can be written).

    The first line says what follows; the record itself is one line of JSON after
    ``# gandynamics-provenance: ``, so :func:`read_comment_header` recovers it exactly.  No line contains
    a newline or starts without ``#``: ``pandas.read_csv(f, comment="#")`` skips them all (pandas skips a
    line whose first character is the comment character; note that it also cuts any *data* field at a
    ``#``, which gandynamics' numeric tables never contain).

    Returns
    -------
    str
        Lines ending in ``"\\n"``.
    """
    rec = _jsonable(record)
    g = rec.get("game") or {}
    regs = ", ".join(f"{r['name']}(" + ", ".join(f"{k}={v}" for k, v in r.get("strengths", {}).items()) + ")"
                     for r in rec.get("regularizers") or [])
    head = (f"# made by gandynamics {rec.get('versions', {}).get('gandynamics', '?')} on {rec.get('date', '?')}: "
            f"game {g.get('name')}" + (f", loss {g['loss']['name']}" if g.get("loss") else "")
            + (f", regularizers {regs}" if regs else "") + (f", method {rec['method']}" if rec.get("method") else ""))
    return head.replace("\n", " ") + "\n" + _PREFIX + json.dumps(rec, allow_nan=False) + "\n"


def read_comment_header(path_or_text) -> dict:
    """The record of a CSV written with :func:`comment_header` (a path, or the text itself)."""
    if isinstance(path_or_text, (str, os.PathLike)) and "\n" not in str(path_or_text) and Path(path_or_text).exists():
        lines = Path(path_or_text).read_text().splitlines()
    else:
        lines = str(path_or_text).splitlines()
    for line in lines:
        if not line.startswith("#"):
            break
        if line.startswith(_PREFIX):
            return json.loads(line[len(_PREFIX):])
    raise GandynamicsError("no gandynamics provenance comment at the head of this CSV")
