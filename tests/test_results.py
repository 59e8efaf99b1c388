"""SweepResult: every format save() writes, load() reads back to the same table (columns in order, values
bitwise, dimensions, steps, parameter names, provenance), for product and zipped sweeps."""

import numpy as np
import pytest

from gandynamics import R1, VectorField, games, sweep
from gandynamics.errors import GandynamicsError
from gandynamics.runs.results import SweepResult


@pytest.fixture(scope="module")
def tables():
    fld = VectorField(games.dirac(), [R1()])
    prod = sweep(fld, ["gd", "eg"], inits=[[1.0, 1.0], [0.5, -0.5]], grid={"gamma": [0.0, 0.3, 1.0], "step": [0.1, 2.5]},
                 steps=40)
    zipped = sweep(fld, "gd", inits=[[1.0, 1.0], [0.2, 0.1], [3.0, -1.0]], grid={"gamma": [0.1, 0.5, 0.9]}, step=0.2,
                   steps=30, product=False)
    return {"product": prod, "zip": zipped}


def _same(a: SweepResult, b: SweepResult):
    assert list(a.columns) == list(b.columns)
    for k in a.columns:
        x, y = np.asarray(a.columns[k]), np.asarray(b.columns[k])
        assert x.shape == y.shape, k
        if x.dtype.kind in "fc":
            np.testing.assert_array_equal(x, y, err_msg=k)  # bitwise, NaN where NaN
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), k
    assert [n for n, _ in a.dims] == [n for n, _ in b.dims]
    for (_, u), (_, v) in zip(a.dims, b.dims):
        assert np.asarray(u).astype(str).tolist() == np.asarray(v).astype(str).tolist()
    assert (a.product, a.steps, a.names) == (b.product, b.steps, b.names)
    assert a.meta.get("provenance") == b.meta.get("provenance")


@pytest.mark.parametrize("kind", ["product", "zip"])
@pytest.mark.parametrize("ext", [".csv", ".npz", ".json", ".nc"])
def test_every_saved_format_loads_back_to_the_same_table(tables, tmp_path, kind, ext):
    if ext == ".nc":
        pytest.importorskip("xarray")
        pytest.importorskip("scipy.io")
    res = tables[kind]
    assert np.any(res["diverged"]) or kind == "zip"  # the product table holds diverged rows (h = 2.5)
    path = res.save(tmp_path / f"t{ext}")
    _same(res, SweepResult.load(path))


def test_a_foreign_netcdf_file_is_refused(tmp_path):
    xr = pytest.importorskip("xarray")
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_netcdf(tmp_path / "other.nc")
    with pytest.raises(GandynamicsError, match="not written by SweepResult.to_xarray"):
        SweepResult.load(tmp_path / "other.nc")
