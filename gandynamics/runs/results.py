"""The table of a sweep (:class:`SweepResult`) and its exports (CSV, NPZ, JSON, pandas, xarray)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field as dc_field

import numpy as np

from ..errors import GandynamicsError
from ..jsonio import dumps, write_text_atomic
from .ratefit import RATE_FIT

__all__ = ["SweepResult"]


@dataclass
class SweepResult:
    """The table of a sweep: one row per trajectory, columns as named 1-D arrays.

    Columns: ``method``, ``init_<name>`` (initial state), one column per grid axis and per hyperparameter,
    ``step_g``, ``step_d``, ``beta``, ``final_<name>``, ``distance`` (final ``|z - z*|``), ``rate`` (see
    :data:`RATE_FIT`), ``diverged``, ``diverged_at`` (-1 if not), ``reason``, ``finished`` (False for rows
    not run because the sweep was interrupted).  ``dims`` lists the grid axes ``(name, values)`` in row-major
    order when the sweep was a product (``method``, ``init``, then the grid), else ``(method, row)``.
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
        return self.columns[key]

    @property
    def complete(self) -> bool:
        return bool(np.all(self.columns["finished"]))

    @property
    def final(self) -> np.ndarray:
        """``(rows, n)`` final states."""
        return np.column_stack([self.columns[f"final_{n}"] for n in self.names])

    # ---- export
    def to_dict(self) -> dict:
        return {"columns": {k: v.tolist() for k, v in self.columns.items()},
                "dims": [[n, np.asarray(v).tolist()] for n, v in self.dims], "product": self.product,
                "steps": self.steps, "parameters": self.names, "meta": self.meta}

    def to_json(self, path) -> None:
        write_text_atomic(path, dumps(self.to_dict()))

    def to_csv(self, path) -> None:
        keys = list(self.columns)
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(keys)
            cols = [self.columns[k] for k in keys]
            for i in range(len(self)):
                w.writerow([_cell(c[i]) for c in cols])

    def to_npz(self, path) -> None:
        np.savez(path, **self.columns, _meta=json.dumps({"dims": [[n, np.asarray(v).tolist()] for n, v in self.dims],
                                                         "product": self.product, "steps": self.steps,
                                                         "parameters": self.names, "meta": self.meta}, default=str))

    def save(self, path) -> str:
        """Write by extension: ``.csv``, ``.npz`` or ``.json``."""
        p = str(path)
        if p.endswith(".csv"):
            self.to_csv(p)
        elif p.endswith(".npz"):
            self.to_npz(p)
        elif p.endswith(".json"):
            self.to_json(p)
        else:
            raise GandynamicsError(f"output file {p!r}: the extension must be .csv, .npz or .json")
        return p

    def to_pandas(self):
        """A :class:`pandas.DataFrame` of the table (requires pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise GandynamicsError("to_pandas needs pandas: pip install pandas") from None
        return pd.DataFrame(self.columns)

    def to_xarray(self):
        """An :class:`xarray.Dataset` labelled by the grid axes (requires xarray).

        Product sweeps: dimensions ``method``, ``init`` and one per grid axis; zip sweeps: ``method``,
        ``row``.  Final and initial states (``final``, ``initial``) carry an extra dimension ``parameter``."""
        try:
            import xarray as xr
        except ImportError:
            raise GandynamicsError("to_xarray needs xarray: pip install xarray") from None
        names = [n for n, _ in self.dims]
        shape = tuple(len(v) for _, v in self.dims)
        coords = {n: np.asarray(v) for n, v in self.dims}
        data = {}
        for k in ("distance", "rate", "diverged", "diverged_at", "reason", "finished", "step_g", "step_d", "beta"):
            data[k] = (names, np.asarray(self.columns[k]).reshape(shape))
        data["final"] = (names + ["parameter"], self.final.reshape(shape + (len(self.names),)))
        init = np.column_stack([self.columns[f"init_{n}"] for n in self.names]).reshape(shape + (len(self.names),))
        data["initial"] = (names + ["parameter"], init)
        coords["parameter"] = self.names
        return xr.Dataset(data, coords=coords, attrs={"steps": self.steps, "rate_fit": RATE_FIT})


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (np.bool_, bool)):
        return int(v)
    if isinstance(v, np.integer):
        return int(v)
    return v
