"""The table of a sweep (:class:`SweepResult`) and its exports (CSV, NPZ, JSON, pandas, xarray)."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from dataclasses import field as dc_field

import numpy as np

from ..errors import GandynamicsError, install_hint
from .._version import __version__
from ..io import check_target
from ..jsonio import dumps, write_text_atomic
from .ratefit import RATE_FIT, VERDICTS
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["SweepResult", "Columns", "NOT_RUN", "ROW_VERDICTS", "text_column"]

#: the verdict of a row that was not run (the sweep was interrupted before it)
NOT_RUN = "not run"
#: every label the ``verdict`` column holds, in the order the summaries list them
ROW_VERDICTS = VERDICTS + (NOT_RUN,)


#: the modules each table format needs beyond the package's own, with the extra that installs them
FORMAT_NEEDS = {".nc": (("xarray", "tables"),)}


def check_table_modules(path, what: str = "--out") -> None:
    """Refuse to write ``path`` in a format whose modules are not installed (:data:`FORMAT_NEEDS`), naming the
    format and the extra that installs them, and the formats that need nothing more: called before a sweep runs (its
    table was refused after the computation, as "to_xarray needs xarray")."""
    import importlib.util
    suffix = os.path.splitext(str(path))[1].lower()
    for module, extra in FORMAT_NEEDS.get(suffix, ()):
        if importlib.util.find_spec(module) is None:
            others = ", ".join(k for k in (".csv", ".npz", ".json") if k not in FORMAT_NEEDS)
            raise GandynamicsError(f"{what} {str(path)!r}: writing {suffix} needs {module}: {install_hint(extra)} "
                                   f"({others} need nothing more)")


def text_column(labels, codes: np.ndarray) -> np.ndarray:
    """``labels[codes]`` as a numpy string array as wide as the longest label that occurs (numpy's own width for an
    array of those strings): the verdicts of a sweep whose runs all converged take 10 characters a row, not the 23 of
    "bounded, not converging".  ``labels`` a sequence of str, ``codes`` an integer array indexing it (any shape)."""
    codes = np.asarray(codes)
    present = np.bincount(codes.reshape(-1), minlength=len(labels))[:len(labels)] > 0
    return np.array([t if p else "" for t, p in zip(labels, present)]).take(codes)


class _Coded:
    """A text column held as ``labels`` (tuple of str) and ``codes`` (integer array indexing them), until read."""

    __slots__ = ("labels", "codes")

    def __init__(self, labels, codes):
        self.labels, self.codes = tuple(labels), codes


class Columns(dict):
    """The columns of a table: a ``dict`` of name -> 1-D array, in the table's order, whose text columns may be held
    as integer codes into a few labels (:meth:`coded`) and are built as numpy string arrays (:func:`text_column`) the
    first time they are read, by any route: ``cols[name]``, ``get``, ``items``, ``values``, iteration with indexing,
    ``dict(cols)``, ``{**cols}``, ``copy``, ``pop``, ``==``, pickling, JSON, pandas.  A sweep of 100,000 rows made
    its three text columns (9 MB of new pages: 2-6 ms of a 70 ms call) whether they were read or not; its table now
    holds them as the codes the sweep has anyway.  Writing a column (``cols[name] = array``) replaces it as in any
    dict."""

    def __init__(self, columns=(), coded=None):
        """``columns`` a mapping or pairs of name -> array; ``coded`` a mapping name -> ``(labels, codes)`` of text
        columns held as codes (a name there that is also in ``columns`` takes the coded column's place, in
        ``columns``' order; the others follow in their own order)."""
        super().__init__(columns)
        for name, (labels, codes) in (coded or {}).items():
            dict.__setitem__(self, name, _Coded(labels, codes))

    def coded(self, name):
        """``(labels, codes)`` of the text column ``name`` when it is still held as codes (not yet read), else
        None (a column of numbers, or a text column already built)."""
        v = dict.get(self, name)
        return (v.labels, v.codes) if isinstance(v, _Coded) else None

    def _built(self, name, v):
        if isinstance(v, _Coded):
            v = text_column(v.labels, v.codes)
            dict.__setitem__(self, name, v)
        return v

    def _build_all(self) -> None:
        for name, v in list(dict.items(self)):
            self._built(name, v)

    def __getitem__(self, name):
        return self._built(name, dict.__getitem__(self, name))

    def __missing__(self, name):  # (dict.__getitem__ calls it: a bare KeyError('nope') said nothing of the table)
        import difflib
        near = difflib.get_close_matches(str(name), [str(k) for k in self], n=1, cutoff=0.6)
        raise KeyError(f"no column {name!r} in the table" + (f" (did you mean {near[0]!r}?)" if near else "")
                       + f"; its columns: {', '.join(map(str, self))}")

    def get(self, name, default=None):
        return self[name] if name in self else default

    def items(self):
        self._build_all()
        return dict.items(self)

    def values(self):
        self._build_all()
        return dict.values(self)

    def __iter__(self):  # (defined so that dict(cols), {**cols} and f(**cols) take the keys-and-indexing route)
        return dict.__iter__(self)

    def copy(self):
        self._build_all()
        return Columns(dict.items(self))

    def pop(self, name, *default):
        if name in self:
            self[name]
        return dict.pop(self, name, *default)

    def popitem(self):
        self._build_all()
        return dict.popitem(self)

    def setdefault(self, name, default=None):
        if name in self:
            return self[name]
        return dict.setdefault(self, name, default)

    def __or__(self, other):
        self._build_all()
        return Columns({**dict(dict.items(self)), **other})

    def __ror__(self, other):
        self._build_all()
        return Columns({**other, **dict(dict.items(self))})

    def __eq__(self, other):
        self._build_all()
        if isinstance(other, Columns):
            other._build_all()
        return dict.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        self._build_all()
        return dict.__repr__(self)

    def __reduce__(self):
        self._build_all()
        return (Columns, (list(dict.items(self)),))


#: what every saved table says of its writer, whatever its meta holds (a SweepResult made with meta={} wrote no word
#: of gandynamics, and its own next save refused to replace it, a review: gandynamics.io.written_by_gandynamics)
_WRITER = f"gandynamics {__version__}"


@dataclass
class SweepResult:
    """The table of a sweep: one row per trajectory, columns as named 1-D arrays.

    Columns: ``method``, ``init_<name>`` (initial state), one column per grid axis and per hyperparameter (named
    ``hyper_<name>`` where the hyperparameter's name is one of these columns: the Hopf game's ``beta``),
    ``step`` (both players' step size; NaN in a row where ``step_g`` and ``step_d`` differ: group such a table by
    ``step_g`` and ``step_d``, pandas' ``groupby`` leaves out NaN keys), ``step_g``, ``step_d``,
    ``beta`` (the method's momentum, momentum's ``beta``, adam's ``beta1``, lookahead's base's; NaN in the rows of a
    method that has none), ``final_<name>``, ``zstar_<name>`` (the equilibrium ``z*`` the row is measured
    from: the game's declared one, or where that is not a zero of F at the row's hyperparameters the one found by
    Newton's method, NaN where none was found), ``distance`` (final ``|z - z*|``), ``rate`` (see
    :data:`RATE_FIT`; a row that diverged with too few recorded distances before it to tell the rate's spread (from 3
    samples before step 29 of 500 a row read 0.98874 where every step reads 1.334) is run again over the power of 2 at
    or above its divergence step, its recording steps there, and read from those; NaN where that cannot tell it
    either), ``rate_err`` (the rate's spread: the uncertainty of the geometric log-rate over the last half,
    the difference of its two half-window slopes plus its standard error, times the rate; from the sweep's 65
    recorded distances a modulated run's rate may be off by about 1e-3, and this says by how much; for a run at the
    rounding floor before the last half, the standard error of the fit that gave its rate, NaN from fewer than 3
    samples), ``algebraic`` (the
    exponent ``p`` of a decay like ``|z_k - z*| ~ k^p`` in a converging or bounded row, NaN in the others: such a row has
    no rate per step, and its ``rate`` is only the last half's average; :func:`gandynamics.verdict.algebraic_exponent`),
    ``verdict`` (``converging``, ``diverged``, ``growing``, ``bounded, not converging``, ``stopped``, or ``not run``;
    :data:`gandynamics.verdict.VERDICT_RULE`), ``tail_min``/``tail_max`` (range of the distance over the last
    half), ``final_zero`` (True where a row read ``bounded, not converging`` stood still over its last half at a zero
    of F other than its z*: it converged, to another stationary point; simulate's description says it of one run,
    :func:`gandynamics.runs.equilibria.settled_at_zero`), ``spurious_fixed_point`` (True where such a row stood still, not at a
    zero of F, at a spurious fixed point of its method: a point where its update evaluates F is a zero of F, so the
    update moves by nothing, extragradient's ``z - H F(z)``; :attr:`gandynamics.methods.base.Method.extrapolated_points`,
    :func:`gandynamics.runs.equilibria.spurious_fixed_point`), ``stuck`` (True where such a row stood still at
    neither: stuck, not converged, where F is not 0 but too small for a step to change the state, as where a loss
    saturates far from the equilibrium, the sigmoid's gradient underflowing, or where the step itself is too small;
    :meth:`gandynamics.runs.trajectory.Trajectory.describe` of a ``simulate`` from its start says why, with the
    numbers), ``diverged``,
    ``diverged_at`` (-1 if not), ``reason``, ``finished`` (False for rows not run because the sweep was interrupted:
    in those rows the measured numbers are NaN, ``diverged``, ``final_zero``, ``spurious_fixed_point`` and ``stuck``
    False and
    ``diverged_at`` -1, nothing having been seen).  ``dims`` lists the grid axes ``(name, values)`` in row-major
    order when the sweep was a product (``method``, ``init``, then the grid), else ``(method, row)``.  The text
    columns (``method``, ``verdict``, ``reason``) are numpy string arrays as wide as their longest entry, as
    ``np.array`` makes them (a longer text assigned into one is cut: convert with ``astype(object)`` first); a sweep's
    table holds them as integer codes until they are first read (``columns`` is then a :class:`Columns`, a ``dict``
    that builds them on any read), and :meth:`verdict_counts` counts the codes without building them.
    """

    columns: dict
    dims: list
    product: bool
    steps: int
    names: list
    meta: dict = dc_field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["distance"])

    def __getitem__(self, key):
        if not isinstance(key, str):  # (a list of names was a bare "unhashable type: 'list'")
            raise TypeError(f"a sweep's table is indexed by one column name, got {type(key).__name__} {key!r}; for "
                            "several columns take them one by one, or res.to_pandas()[[...]]")
        return self.columns[key]

    @property
    def complete(self) -> bool:
        """Every row ran and was read to the end: False after a Ctrl-C, also one during a reading done again after the
        rows ran (``meta["interrupted"]``: the rows it had not reached keep their first reading)."""
        return bool(np.all(self.columns["finished"])) and not self.meta.get("interrupted")

    def verdict_counts(self, method: str | None = None) -> dict:
        """How many rows have each verdict: ``{verdict: count}`` with the verdict names as they are (e.g.
        ``"bounded, not converging"``), every one of :data:`gandynamics.verdict.VERDICTS` (0 when no row has it)
        in that order, then ``"not run"`` when the sweep was interrupted (and any other label a table read back
        holds, sorted).  ``method``: the rows of that method only (the table's ``method`` column)."""
        labels, codes = self._coded("verdict")
        if method is not None:
            names, mcodes = self._coded("method")
            if method not in names:
                from ..errors import GandynamicsError
                present = [names[c] for c in dict.fromkeys(mcodes.tolist())]  # (in the table's order)
                raise GandynamicsError(f"verdict_counts: no rows of method {method!r}; the table's methods: "
                                       f"{', '.join(present)}")
            codes = codes[mcodes == names.index(method)]
        got = {}
        for label, c in zip(labels, np.bincount(codes, minlength=len(labels)).tolist()):
            if c:
                got[label] = got.get(label, 0) + c
        out = {v: got.pop(v, 0) for v in VERDICTS}
        return {**out, **{k: got[k] for k in sorted(got, key=lambda k: (k != NOT_RUN, k))}}

    def varied(self) -> list:
        """The columns that tell a row from the others of its method: the grid's axes (each one's column: a
        hyperparameter of a column's name is ``hyper_<name>``; the table's order) and, from two starts on, the
        ``init_<name>`` columns.  A table read back without its provenance: the columns of ``dims`` past the method's
        and the start's."""
        prov = self.meta.get("provenance") if isinstance(self.meta, dict) else None
        grid = (prov or {}).get("options", {}).get("grid") if isinstance(prov, dict) else None
        axes = list(grid) if isinstance(grid, dict) else [n for n, _ in self.dims if n not in ("method", "init", "row")]
        out = [f"hyper_{a}" if f"hyper_{a}" in self.columns else a for a in axes]
        out = [c for c in out if c in self.columns]
        inits = [f"init_{n}" for n in self.names if f"init_{n}" in self.columns]
        if len(self) and any(len(np.unique(np.asarray(self.columns[c], float))) > 1 for c in inits):
            out += inits
        return out

    def rate_summary(self, method: str | None = None, by=None) -> list:
        """The measured rates per step of the converging rows (``verdict`` converging, with a finite ``rate``: not a
        power-law decay, whose ``rate`` is only its last half's average, the ``algebraic`` column): one dict per group
        of the rows of ``method`` (every row: None) that share the values of the columns ``by`` (None: one group of
        them all; :meth:`varied` gives the grid's), in the table's order: ``values`` (column -> value), ``rows`` (how
        many in the group), ``converging`` (how many of them have a rate), ``median``, ``min``, ``max`` (of their
        rates; None without one) and ``fastest`` (the row of the smallest rate, its index in the table, and ``at``: its
        values of :meth:`varied`), and ``not_run`` (how many of the group's rows an interrupted sweep did not run)."""
        n = len(self)
        keep = np.ones(n, bool)
        if method is not None:
            names, codes = self._coded("method")
            keep &= (codes == names.index(method)) if method in names else False
        labels, vcodes = self._coded("verdict")
        conv = (vcodes == labels.index("converging")) if "converging" in labels else np.zeros(n, bool)
        rate = np.asarray(self.columns["rate"], float).reshape(-1)
        alg = np.asarray(self.columns.get("algebraic", np.full(n, np.nan)), float).reshape(-1)
        rated = conv & np.isfinite(rate) & ~np.isfinite(alg)
        finished = np.asarray(self.columns["finished"], bool).reshape(-1) if "finished" in self.columns else \
            np.ones(n, bool)
        by = list(by or [])
        cols = [np.asarray(self.columns[c]).reshape(-1) for c in by]
        varied = self.varied()
        rows_of = np.flatnonzero(keep)

        def value(c, i):  # (a NaN, one value: each .item() is a NaN of its own, and NaN != NaN made a group per row)
            v = c[i].item()
            return None if isinstance(v, float) and v != v else v
        # (a column that is NaN in every row of the method -- beta of gd in a sweep over beta and step -- tells none of
        # them apart: left out, where it printed "beta=nan" in each group, a review)
        used = [k for k, c in enumerate(cols) if any(value(c, i) is not None for i in rows_of)]
        by, cols = [by[k] for k in used], [cols[k] for k in used]
        groups: dict = {}
        for i in rows_of:
            groups.setdefault(tuple(value(c, i) for c in cols), []).append(int(i))
        out = []
        for key, rows in groups.items():
            rows = np.array(rows, int)
            r = rows[rated[rows]]
            d = {"values": dict(zip(by, key)), "rows": int(len(rows)), "converging": int(len(r)), "median": None,
                 "min": None, "max": None, "fastest": None, "not_run": int(np.count_nonzero(~finished[rows]))}
            if len(r):
                vals = rate[r]
                best = int(r[np.argmin(vals)])
                d.update(median=float(np.median(vals)), min=float(vals.min()), max=float(vals.max()),
                         fastest={"row": best, "rate": float(rate[best]),
                                  "at": {c: value(np.asarray(self.columns[c]).reshape(-1), best) for c in varied
                                         if value(np.asarray(self.columns[c]).reshape(-1), best) is not None}})
            out.append(d)
        return out

    def _coded(self, name: str):
        """The text column ``name`` as ``(labels, codes)``: a tuple of str and an integer array (B,) indexing it; from
        its codes when the table holds them (:class:`Columns`: no text built), else from its text."""
        coded = self.columns.coded(name) if isinstance(self.columns, Columns) else None
        if coded is not None:
            return coded[0], np.asarray(coded[1]).reshape(-1)
        labels, inv = np.unique(np.asarray(self.columns[name], dtype=str), return_inverse=True)
        return tuple(labels.tolist()), inv.reshape(-1)

    @property
    def final(self) -> np.ndarray:
        """``(rows, n)`` final states."""
        return np.column_stack([self.columns[f"final_{n}"] for n in self.names])

    # ---- export
    def to_dict(self) -> dict:
        return {"columns": {k: v.tolist() for k, v in self.columns.items()},
                "dims": [[n, np.asarray(v).tolist()] for n, v in self.dims], "product": self.product,
                "steps": self.steps, "parameters": self.names, "meta": self.meta, "written_by": _WRITER}

    def to_json(self, path) -> None:
        """The whole table as one JSON object (columns, dimensions, steps, meta with the provenance), atomically."""
        check_target(path, "sweep table")
        write_text_atomic(path, dumps(self.to_dict()))

    def _header(self) -> dict:
        """Everything but the columns: dims, product, steps, parameter names, meta (with the provenance)."""
        return {"dims": [[n, np.asarray(v).tolist()] for n, v in self.dims], "product": self.product,
                "steps": self.steps, "parameters": self.names, "meta": self.meta, "written_by": _WRITER}

    def to_csv(self, path) -> None:
        """The table as CSV; the provenance and the table's dimensions go to the sidecar ``path + ".json"``
        (:mod:`gandynamics.provenance`), which :meth:`load` reads back.  Both are replaced together, or neither
        (:func:`gandynamics.provenance.write_with_sidecar`); :meth:`load` refuses a table that is not the one its
        sidecar describes."""
        from ..provenance import check_sidecar, write_with_sidecar
        check_target(path, "sweep table")
        check_sidecar(path)  # before the table: a table is never left without its provenance
        head = self._header()  # (the provenance once, at the top, where read_sidecar and load look: not in meta too)
        head["meta"] = {k: v for k, v in self.meta.items() if k != "provenance"}
        # (the table and its sidecar replaced together, or neither: write_with_sidecar)
        prov = self.meta.get("provenance") or {"versions": {"gandynamics": __version__}}  # (a table made by hand: its
        # sidecar names gandynamics still, so that a later save may replace what this one wrote, a review)
        write_with_sidecar(path, self.write_csv, json.loads(dumps(dict(head, provenance=prov))))

    def write_csv(self, fh) -> None:
        """The table as CSV rows on an open text stream (header row first); a file by its path: :meth:`to_csv`."""
        if not hasattr(fh, "write"):  # (a path given: a TypeError from the csv module, a new user)
            raise GandynamicsError(f"write_csv writes to an open text stream (e.g. sys.stdout), got "
                                   f"{type(fh).__name__}; to write the file {fh!r} use to_csv(path) or save(path)")
        keys = list(self.columns)
        w = csv.writer(fh)
        w.writerow(keys)
        cols = [self.columns[k] for k in keys]
        for i in range(len(self)):
            w.writerow([_cell(c[i]) for c in cols])

    def to_npz(self, path) -> None:
        """The columns as arrays and the header as JSON (``_meta``), written atomically."""
        from ..io import atomic_open
        check_target(path, "sweep table")
        with atomic_open(path, "wb") as fh:
            np.savez(fh, **self.columns, _meta=dumps(self._header()))

    def to_netcdf(self, path) -> None:
        """:meth:`to_xarray` written as NetCDF (needs the extra ``[tables]`` and a NetCDF engine: scipy's is
        enough), atomically; the provenance is the attribute ``provenance`` (JSON)."""
        from ..io import atomic_open
        check_table_modules(path, "the output file")
        check_target(path, "sweep table")
        ds = self.to_xarray()
        with atomic_open(path, "wb") as fh:
            fh.write(ds.to_netcdf())

    def save(self, path) -> str:
        """Write by extension: ``.csv``, ``.npz``, ``.json`` or ``.nc``, atomically.  An existing file is replaced only
        if it is a sweep table gandynamics wrote (:func:`gandynamics.io.check_target`: a user's file of that name is never lost, as
        on the command line; ``save("notmine.csv")`` had replaced a user's file)."""
        p = str(path)
        ext = os.path.splitext(p)[1].lower()  # (x.CSV passed the command line's check and was refused after the sweep)
        if ext == ".csv":
            self.to_csv(p)
        elif ext == ".npz":
            self.to_npz(p)
        elif ext == ".json":
            self.to_json(p)
        elif ext == ".nc":
            self.to_netcdf(p)
        else:
            raise GandynamicsError(f"output file {p!r}: the extension must be .csv, .npz, .json or .nc")
        return p

    @classmethod
    def load(cls, path) -> "SweepResult":
        """Read a table written by :meth:`save` back (``.csv`` with its sidecar, ``.npz``, ``.json``, ``.nc``
        with the extra ``[tables]``); the columns, dimensions, steps and provenance are restored."""
        p = str(path)
        ext = os.path.splitext(p)[1].lower()
        if ext not in (".json", ".npz", ".csv", ".nc"):
            raise GandynamicsError(f"{p!r}: SweepResult.load reads .csv (with its .csv.json sidecar), .npz, .json "
                                   "or .nc")
        if not os.path.isfile(p):  # (it said "is not a sweep table written by gandynamics")
            what = "a directory, not a file" if os.path.isdir(p) else "no such file"
            raise GandynamicsError(f"{p!r}: {what}")
        if ext == ".nc":
            try:
                import xarray as xr
            except ImportError:
                raise GandynamicsError(f"reading .nc needs xarray: {install_hint('tables')}") from None
            try:
                with xr.open_dataset(p) as ds:
                    return cls.from_xarray(ds.load())
            except (OSError, ValueError, KeyError) as exc:
                raise GandynamicsError(f"{p!r} is not a sweep table written by gandynamics: {exc}") from None
        try:
            if ext == ".json":
                d = json.loads(open(p).read())
                cols = {k: _json_column(v, k) for k, v in d["columns"].items()}
                head = d
            elif ext == ".npz":
                with open(p, "rb") as fh:  # (numpy takes any file that is neither a zip nor an .npy for a pickle)
                    if fh.read(4) != b"PK\x03\x04":
                        raise ValueError("it is not an NPZ archive (not a zip file)")
                with np.load(p, allow_pickle=False) as z:
                    if "_meta" not in z.files:
                        raise KeyError("_meta")
                    head = json.loads(str(z["_meta"]))
                    cols = {k: z[k] for k in z.files if k != "_meta"}
            elif ext == ".csv":
                from ..provenance import read_sidecar
                with open(p, newline="") as fh:
                    rows = list(csv.reader(fh))
                keys, body = rows[0], rows[1:]
                short = next((i for i, r in enumerate(body) if len(r) != len(keys)), None)
                if short is not None:  # (a truncated file: an IndexError deep in the parsing)
                    raise ValueError(f"row {short + 2} has {len(body[short])} fields, the header {len(keys)} "
                                     "(a truncated or edited file?)")
                cols = {k: _column([r[j] for r in body], k) for j, k in enumerate(keys)}
                head = read_sidecar(p)
                head.setdefault("meta", {})["provenance"] = head.get("provenance", {})
            for k in _FLAGS:  # (a CSV written before the words True/False has them as 0/1; a column of other
                # numbers is no flag: a hyperparameter called stuck in a table written before the flag was)
                v = np.asarray(cols[k]) if k in cols else None
                if v is not None and (v.dtype == bool or v.dtype.kind in "iuf" and np.isin(v, (0, 1)).all()):
                    cols[k] = v.astype(bool)
            dims = [(n, np.asarray(v)) for n, v in head["dims"]]
            return cls(columns=cols, dims=dims, product=bool(head["product"]), steps=int(head["steps"]),
                       names=list(head["parameters"]), meta=dict(head.get("meta", {})))
        except GandynamicsError:
            raise
        except KeyError as exc:  # (a bare 'columns' said nothing)
            raise GandynamicsError(f"{p!r} is not a sweep table written by gandynamics: it has no {exc} entry") from None
        except (OSError, ValueError, IndexError, TypeError, AttributeError, EOFError, zipfile.BadZipFile,
                csv.Error) as exc:  # (a truncated .npz: BadZipFile or EOFError, neither a ValueError)
            why = str(exc).split("; ")[0] if "allow_pickle" not in str(exc) else "it holds Python objects (pickles)"
            why = why or type(exc).__name__
            raise GandynamicsError(f"{p!r} is not a sweep table written by gandynamics: {why}") from None

    def __repr__(self) -> str:
        from .._display import sweep_text
        return sweep_text(self)

    def _repr_html_(self) -> str:
        from .._display import sweep_html
        return sweep_html(self)

    def to_pandas(self):
        """A :class:`pandas.DataFrame` of the table (requires pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise GandynamicsError(f"to_pandas needs pandas: {install_hint('tables')}") from None
        return pd.DataFrame(self.columns)

    def to_xarray(self):
        """An :class:`xarray.Dataset` labelled by the grid axes (requires xarray).

        Product sweeps: dimensions ``method``, ``init`` and one per grid axis; zip sweeps: ``method``,
        ``row``.  Final and initial states (``final``, ``initial``) carry an extra dimension ``parameter``."""
        try:
            import xarray as xr
        except ImportError:
            raise GandynamicsError(f"to_xarray needs xarray: {install_hint('tables')}") from None
        names = [n for n, _ in self.dims]
        shape = tuple(len(v) for _, v in self.dims)
        coords = {n: np.asarray(v) for n, v in self.dims}
        data = {}
        state = {f"{w}_{n}" for w in ("init", "final") for n in self.names}
        for k, v in self.columns.items():  # every column that is neither a grid coordinate nor a state
            if k in state:
                continue
            if k in coords and k != "row":
                # a grid coordinate's column is the coordinate repeated along the other axes, unless it differs from
                # that (the beta column, NaN in the rows of a method that has no beta): then kept whole, as a variable
                ax = names.index(k)
                grid = np.broadcast_to(coords[k].reshape([-1 if i == ax else 1 for i in range(len(shape))]), shape)
                col = np.asarray(v).reshape(shape)
                if not np.array_equal(col, grid, equal_nan=col.dtype.kind == "f" and grid.dtype.kind == "f"):
                    data[_KEPT + k] = (names, col)
                continue
            data[k] = (names, np.asarray(v).reshape(shape))
        data["final"] = (names + ["parameter"], self.final.reshape(shape + (len(self.names),)))
        init = np.column_stack([self.columns[f"init_{n}"] for n in self.names]).reshape(shape + (len(self.names),))
        data["initial"] = (names + ["parameter"], init)
        coords["parameter"] = self.names
        from ..provenance import to_json
        header = dict(self._header(), columns=list(self.columns))
        return xr.Dataset(data, coords=coords, attrs={"steps": self.steps, "rate_fit": RATE_FIT,
                                                      "provenance": to_json(self.meta.get("provenance", {})),
                                                      "gandynamics_table": dumps(header)})

    @classmethod
    def from_xarray(cls, ds) -> "SweepResult":
        """The inverse of :meth:`to_xarray` (a Dataset it made, e.g. read back from NetCDF): every column, in
        its order, with the dimensions, steps and provenance."""
        if "gandynamics_table" not in ds.attrs:
            raise GandynamicsError("the dataset was not written by SweepResult.to_xarray (no 'gandynamics_table' "
                                   "attribute)")
        head = json.loads(ds.attrs["gandynamics_table"])
        dims = [(n, np.asarray(v)) for n, v in head["dims"]]
        names, shape = [n for n, _ in dims], tuple(len(v) for _, v in dims)
        cols = {}
        for k in head["columns"]:
            w, _, par = k.partition("_")
            if k in ds.data_vars:
                cols[k] = np.asarray(ds[k].values).reshape(-1)
            elif w in ("init", "final") and par in head["parameters"]:
                var = ds["initial" if w == "init" else "final"]
                cols[k] = np.asarray(var.sel(parameter=par).values).reshape(-1)
            elif _KEPT + k in ds.data_vars:  # (a grid coordinate's column that is not the coordinate repeated)
                cols[k] = np.asarray(ds[_KEPT + k].values).reshape(-1)
            elif k in names:  # a grid coordinate, repeated along the other axes as in the table
                ax = names.index(k)
                cols[k] = np.broadcast_to(np.asarray(dims[ax][1]).reshape([-1 if i == ax else 1 for i in range(len(shape))]),
                                          shape).reshape(-1)
            else:
                raise GandynamicsError(f"the dataset has no variable for the column {k!r}")
        for k in _TEXT:
            if k in cols:
                cols[k] = cols[k].astype(str)
        if "diverged_at" in cols:  # NetCDF3 has no int64
            cols["diverged_at"] = cols["diverged_at"].astype(np.int64)
        return cls(columns=cols, dims=dims, product=bool(head["product"]), steps=int(head["steps"]),
                   names=list(head["parameters"]), meta=dict(head.get("meta", {})))


_TEXT = ("method", "reason", "verdict")
#: the name in a Dataset of a grid coordinate's column kept whole (:meth:`SweepResult.to_xarray`)
_KEPT = "table_column_"

#: the flag columns of a sweep's table: read back as booleans from every format, also from a CSV file that wrote them
#: as 0/1 (before they were written as the words True and False)
_FLAGS = ("diverged", "finished", "final_zero", "spurious_fixed_point", "stuck")

#: a CSV cell of a boolean column: the words that ``pandas.read_csv`` reads as a boolean column
_WORDS = {"True": True, "False": False}


def _json_column(values, key):
    """A JSON column back to an array: text columns stay text; a number column with ``null`` or ``"inf"``/``"-inf"``
    entries (:mod:`gandynamics.jsonio`'s NaN and infinities) is float with NaN and inf there, as the other formats load
    it (a new user's ``rate`` came back as an object array of floats and None, a reviewer's ``rate_err`` as text)."""
    from ..jsonio import SPECIAL
    if key in _TEXT:
        return np.asarray(values)
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    special = [v for v in values if not number(v)]
    if special and all(isinstance(v, (str, type(None))) and v in SPECIAL for v in special):
        return np.array([v if number(v) else SPECIAL[v] for v in values], dtype=float)
    return np.asarray(values)


def _column(values, key):
    """A CSV column back to an array: text columns stay text, a column of the words True and False is boolean, the
    rest are numbers."""
    if key in _TEXT:
        return np.asarray(values, dtype=str)
    if values and all(v in _WORDS for v in values):
        return np.array([_WORDS[v] for v in values], dtype=bool)
    out = np.asarray([float(v) if v != "" else np.nan for v in values])
    if key in ("diverged_at",):
        return out.astype(np.int64)
    return out


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (np.bool_, bool)):  # the words, not 0/1: pandas.read_csv reads a column of them as booleans
        return str(bool(v))
    if isinstance(v, np.integer):
        return int(v)
    return v
