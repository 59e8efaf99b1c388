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
    # (a grid axis whose column is not its coordinate repeated: beta, NaN in gd's rows)
    beta = sweep(fld, ["gd", "momentum"], inits=[[1.0, 1.0]], grid={"beta": [-0.5, 0.2]}, step=0.2, steps=30)
    return {"product": prod, "zip": zipped, "beta": beta}


def _same(a: SweepResult, b: SweepResult):
    assert list(a.columns) == list(b.columns)
    for k in a.columns:
        x, y = np.asarray(a.columns[k]), np.asarray(b.columns[k])
        assert x.shape == y.shape, k
        if x.dtype.kind in "fc":
            # the same kind of array (a .json table's rate came back as floats and None in an object array, which
            # assert_array_equal took for equal), bitwise, NaN where NaN
            assert y.dtype.kind == x.dtype.kind, (k, x.dtype, y.dtype)
            np.testing.assert_array_equal(x, y, err_msg=k)
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), k
    assert [n for n, _ in a.dims] == [n for n, _ in b.dims]
    for (_, u), (_, v) in zip(a.dims, b.dims):
        assert np.asarray(u).astype(str).tolist() == np.asarray(v).astype(str).tolist()
    assert (a.product, a.steps, a.names) == (b.product, b.steps, b.names)
    assert a.meta.get("provenance") == b.meta.get("provenance")


@pytest.mark.parametrize("kind", ["product", "zip", "beta"])
@pytest.mark.parametrize("ext", [".csv", ".npz", ".json", ".nc"])
def test_every_saved_format_loads_back_to_the_same_table(tables, tmp_path, kind, ext):
    if ext == ".nc":
        pytest.importorskip("xarray")
        pytest.importorskip("scipy.io")
    res = tables[kind]
    assert np.any(res["diverged"]) or kind != "product"  # the product table holds diverged rows (h = 2.5)
    if kind == "beta":  # (gd's rows NaN, momentum's the grid's: through xarray too, where beta is a coordinate)
        assert np.isnan(res["beta"][:2]).all() and res["beta"][2:].tolist() == [-0.5, 0.2]
    path = res.save(tmp_path / f"t{ext}")
    _same(res, SweepResult.load(path))


def test_a_foreign_netcdf_file_is_refused(tmp_path):
    xr = pytest.importorskip("xarray")
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_netcdf(tmp_path / "other.nc")
    with pytest.raises(GandynamicsError, match="not written by SweepResult.to_xarray"):
        SweepResult.load(tmp_path / "other.nc")


# ---- a damaged or foreign file is one GandynamicsError naming the file (a new user's trial, session 21: a truncated
# CSV gave an IndexError, a foreign .npz numpy's advice to load it with pickles, a foreign .json the bare word 'columns')
def _damaged(tables, tmp_path):
    import json
    res = tables["product"]
    for ext in (".csv", ".npz", ".json"):
        res.save(str(tmp_path / f"ok{ext}"))
    text = (tmp_path / "ok.csv").read_text()
    out = {}
    for cut in (len(text) // 3, len(text) // 2, len(text) - 7):  # truncated at three places, sidecar intact
        (tmp_path / f"cut{cut}.csv").write_text(text[:cut])
        (tmp_path / f"cut{cut}.csv.json").write_text((tmp_path / "ok.csv.json").read_text())
        out[f"csv cut at {cut}"] = tmp_path / f"cut{cut}.csv"
    np.savez(tmp_path / "objects.npz", a=np.array([object()], dtype=object))
    out["npz of objects"] = tmp_path / "objects.npz"
    np.savez(tmp_path / "other.npz", a=np.arange(3.0))
    out["npz without a header"] = tmp_path / "other.npz"
    (tmp_path / "other.json").write_text(json.dumps({"x": 1}))
    out["json of something else"] = tmp_path / "other.json"
    d = json.loads((tmp_path / "ok.json").read_text())
    del d["dims"]
    (tmp_path / "nodims.json").write_text(json.dumps(d))
    out["json without dims"] = tmp_path / "nodims.json"
    (tmp_path / "text.npz").write_text("not a zip")
    out["npz of text"] = tmp_path / "text.npz"
    return out


def test_a_damaged_or_foreign_file_is_one_error_naming_it(tables, tmp_path):
    for what, path in _damaged(tables, tmp_path).items():
        with pytest.raises(GandynamicsError, match=r"is not a sweep table written by gandynamics: ") as exc:
            SweepResult.load(str(path))
        msg = str(exc.value)
        assert str(path) in msg and "pickle=" not in msg and "\n" not in msg, (what, msg)
        # only an archive of Python objects is said to hold pickles (a text file named .npz was: numpy's guess for
        # any file that is neither a zip nor an .npy)
        assert "pickles" not in msg or what == "npz of objects", (what, msg)


@pytest.mark.parametrize("ext", [".npz", ".json", ".csv"])
def test_a_file_cut_or_altered_anywhere_loads_whole_or_is_one_error(tables, tmp_path, ext):
    """The kind, generated: a saved table cut at 12 places (bytes; its sidecar intact) or with one byte changed at 12
    places either loads (a cut after the last byte that matters, a changed digit) or raises one GandynamicsError naming
    the file; never another exception (a truncated .npz raised zipfile.BadZipFile, a new user's trial)."""
    res = tables["product"]
    ok = tmp_path / f"ok{ext}"
    res.save(str(ok))
    data = ok.read_bytes()
    rng = np.random.default_rng(len(data))
    damaged = [data[:int(c)] for c in np.linspace(0, len(data) - 1, 12)]
    for k in rng.integers(0, len(data), 12):
        damaged.append(data[:k] + bytes([data[k] ^ 0x5A]) + data[k + 1:])
    for j, blob in enumerate(damaged):
        path = tmp_path / f"d{j}{ext}"
        path.write_bytes(blob)
        if ext == ".csv":
            (tmp_path / f"d{j}{ext}.json").write_bytes((tmp_path / "ok.csv.json").read_bytes())
        try:
            SweepResult.load(str(path))
        except GandynamicsError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc), str(exc)


def test_every_table_has_the_step_column_however_the_step_was_given():
    """A new user's script read r["step"] of a sweep at a fixed step (tutorial 05 does of a grid over steps): the
    column was there only for a grid axis step.  It is the step of both players, NaN where they differ."""
    fld = VectorField(games.dirac(), [R1()])
    fixed = sweep(fld, "gd", inits=[[1.0, 1.0]], grid={"gamma": [0.1, 0.5]}, steps=10, step=0.2)
    axis = sweep(fld, "gd", inits=[[1.0, 1.0]], grid={"gamma": [0.1, 0.5], "step": [0.2]}, steps=10)
    two = sweep(fld, "gd", inits=[[1.0, 1.0]], steps=10, step=(0.1, 0.3))
    np.testing.assert_array_equal(fixed["step"], [0.2, 0.2])
    np.testing.assert_array_equal(fixed["step"], axis["step"])
    np.testing.assert_array_equal(fixed["final_theta"], axis["final_theta"])
    assert np.isnan(two["step"]).all() and two["step_g"][0] == 0.1 and two["step_d"][0] == 0.3


def test_a_missing_table_is_said_to_be_missing(tmp_path):
    for ext in (".csv", ".npz", ".json", ".nc"):
        with pytest.raises(GandynamicsError, match="no such file"):
            SweepResult.load(tmp_path / f"absent{ext}")
        (tmp_path / f"dir{ext}").mkdir()
        with pytest.raises(GandynamicsError, match="a directory, not a file"):
            SweepResult.load(tmp_path / f"dir{ext}")


def test_a_json_table_with_infinities_loads_them_as_numbers(tmp_path):
    """jsonio writes inf as "inf" (strict JSON has none): a reviewer's .json table with a diverging run's rate_err of
    inf came back as text.  Every format now loads the same float columns, inf and NaN included."""
    fld = VectorField(games.dirac(), [R1()])
    res = sweep(fld, ["gd", "eg"], inits=[[0.5, 0.5]], steps=3000, grid={"step": [0.5, 5.0, 50.0, 1e3]}, bound=1e300)
    # (a rate's spread is now finite, or NaN from fewer than 3 samples, which the sweep's re-read of early divergences
    # leaves to few rows: an inf and a NaN put in their place, and an inf in the rate)
    res["rate_err"][1] = np.inf
    res["rate_err"][3] = np.nan
    res["rate"][2] = -np.inf
    assert np.isinf(res["rate_err"]).any() and np.isnan(res["rate_err"]).any() and np.isfinite(res["rate_err"]).any()
    for ext in (".json", ".npz", ".csv"):
        _same(res, SweepResult.load(res.save(tmp_path / f"t{ext}")))


def _coded_tables(seed: int):
    """Random tables held as codes (Columns) beside the same tables built eagerly (a plain dict of arrays): text
    columns of 1-5 labels with any subset present, number and flag columns between them, 0-40 rows."""
    from gandynamics.runs.results import Columns, text_column
    rng = np.random.default_rng(seed)
    B = int(rng.integers(0, 41))
    labels = ("converging", "diverged", "growing", "bounded, not converging", "not run")[:int(rng.integers(1, 6))]
    present = rng.choice(len(labels), int(rng.integers(1, len(labels) + 1)), replace=False)
    codes = rng.choice(present, B).astype(rng.choice([np.int8, np.int64]))
    mcodes = np.sort(rng.integers(0, 2, B))
    names = ["gd", "eftp"]
    plain = {"method": text_column(names, mcodes), "rate": rng.uniform(size=B), "verdict": text_column(labels, codes),
             "finished": rng.uniform(size=B) < 0.5}
    coded = Columns({"method": None, "rate": plain["rate"], "verdict": None, "finished": plain["finished"]},
                    coded={"method": (names, mcodes), "verdict": (labels, codes)})
    return plain, coded


def _equal(a, b):
    assert list(a) == list(b)
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        assert x.dtype == y.dtype and x.tolist() == y.tolist(), k


READS = {  # every route by which a dict's values are read
    "index": lambda c: {k: c[k] for k in c},
    "get": lambda c: {k: c.get(k) for k in c},
    "items": lambda c: dict(c.items()),
    "values": lambda c: dict(zip(list(c), list(c.values()))),
    "dict": lambda c: dict(c),
    "unpack": lambda c: {**c},
    "kwargs": lambda c: (lambda **kw: kw)(**c),
    "copy": lambda c: c.copy(),
    "pickle": lambda c: __import__("pickle").loads(__import__("pickle").dumps(c)),
    "deepcopy": lambda c: __import__("copy").deepcopy(c),
    "copy.copy": lambda c: __import__("copy").copy(c),
    "or": lambda c: c | {},
    "ror": lambda c: {} | c,
    "update": lambda c: (lambda d: (d.update(c), d)[1])({}),
    "setdefault": lambda c: {k: c.setdefault(k, None) for k in list(c)},
    "pop": lambda c: {k: c.copy().pop(k) for k in c},
    "json": lambda c: {k: np.asarray(v, dtype=c_.dtype) for (k, v), c_ in
                       zip(__import__("json").loads(__import__("gandynamics.jsonio", fromlist=["dumps"]).dumps(
                           {k: v.tolist() for k, v in c.items()})).items(), c.values())},
    "savez": lambda c: (lambda f: (np.savez(f, **c), f.seek(0), dict(np.load(f)))[2])(__import__("io").BytesIO()),
}


@pytest.mark.parametrize("route", sorted(READS))
def test_a_table_held_as_codes_reads_as_its_built_text_by_every_route(route):
    """Columns: the text columns held as codes are, by every route a dict is read (indexing, get, items, values,
    dict(), **, copy, pickle, deepcopy, |, update, setdefault, pop, JSON, savez), the string arrays text_column builds
    -- labels[codes] as wide as the longest label present -- on random tables of 0-40 rows."""
    for seed in range(25):
        plain, coded = _coded_tables(seed)
        _equal(plain, READS[route](coded))
        _equal(plain, coded)  # (and the table itself afterwards)


def test_a_table_held_as_codes_compares_prints_and_goes_to_pandas_as_its_text():
    from gandynamics.runs.results import Columns
    for seed in range(10):
        plain, coded = _coded_tables(seed)
        other = _coded_tables(seed)[1]
        assert repr(coded) == repr(plain)
        if len(plain["rate"]) <= 1:  # (== of dicts of arrays: only where the arrays' truth is defined)
            assert coded == other and other == plain and not coded != plain
        assert isinstance(coded, dict) and isinstance(coded.copy(), Columns)
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(_coded_tables(seed)[1])
        assert frame["verdict"].tolist() == plain["verdict"].tolist()
        assert frame["method"].tolist() == plain["method"].tolist()


def test_verdict_counts_from_codes_are_those_of_the_text():
    """SweepResult.verdict_counts read from the codes (no text built) equals the count of the built text, over random
    tables, for all rows and per method, and an unknown method is refused naming the table's methods."""
    for seed in range(40):
        plain, coded = _coded_tables(seed)
        a = SweepResult(columns=coded, dims=[], product=False, steps=1, names=[])
        b = SweepResult(columns=plain, dims=[], product=False, steps=1, names=[])
        assert a.verdict_counts() == b.verdict_counts()
        by_text = {}
        for v in plain["verdict"].tolist():
            by_text[v] = by_text.get(v, 0) + 1
        assert {k: c for k, c in a.verdict_counts().items() if c} == by_text
        assert coded.coded("verdict") is not None  # (counted from the codes: nothing built)
        for m in set(plain["method"].tolist()):
            assert a.verdict_counts(m) == b.verdict_counts(m)
            assert sum(a.verdict_counts(m).values()) == int(np.sum(plain["method"] == m))
        if len(plain["rate"]):
            with pytest.raises(GandynamicsError, match="no rows of method 'adam'; the table's methods: (gd|eftp)"):
                a.verdict_counts("adam")


def test_no_two_columns_of_a_sweep_share_their_memory():
    """Writing into one column of a sweep's table changes no other (the step column was briefly a view of step_g's
    memory)."""
    from gandynamics.runs.results import Columns
    fld = VectorField(games.dirac(), [R1()])
    for kw in (dict(grid={"gamma": [0.1, 0.5], "step": [0.1, 0.2]}, product=True),
               dict(grid={"gamma": [0.1, 0.5], "step": [0.1, 0.2]}, product=False),
               dict(grid={"gamma": [0.1, 0.5]}, step=0.1, product=True)):
        r = sweep(fld, ["gd", "eg"], inits=[[1.0, 1.0]], steps=20, progress=False, **kw)
        assert isinstance(r.columns, Columns)
        cols = {k: np.asarray(v) for k, v in r.columns.items()}
        for a in cols:
            for b in cols:
                if a < b:
                    assert not np.shares_memory(cols[a], cols[b]), (a, b)


# ---- boolean columns in a CSV file (a new user's trial, session 50: pandas.read_csv gave finished, diverged, final_zero
# and spurious_fixed_point as 0/1 integers; only SweepResult.load made them booleans again)
@pytest.mark.parametrize("kind", ["product", "zip"])
def test_every_boolean_column_of_a_csv_table_reads_as_booleans_in_pandas(tables, tmp_path, kind):
    pd = pytest.importorskip("pandas")
    res = tables[kind]
    flags = [k for k in res.columns if np.asarray(res.columns[k]).dtype == bool]
    assert {"diverged", "finished", "final_zero", "spurious_fixed_point"} <= set(flags)
    df = pd.read_csv(res.save(tmp_path / "t.csv"))
    for k in flags:
        assert df[k].dtype == bool, (k, df[k].dtype)
        assert df[k].tolist() == np.asarray(res.columns[k]).tolist(), k
    assert [k for k in df.columns if df[k].dtype == bool] == flags  # (no other column read as booleans)


@pytest.mark.parametrize("kind", ["product", "zip"])
def test_a_csv_table_with_its_flags_as_0_and_1_still_loads_them_as_booleans(tables, tmp_path, kind, monkeypatch):
    """A table written before the flags were the words True/False (as 0/1) loads as before: SweepResult.load reads
    both, the same table."""
    import gandynamics.runs.results as results
    res = tables[kind]
    cell = results._cell
    monkeypatch.setattr(results, "_cell", lambda v: int(v) if isinstance(v, (bool, np.bool_)) else cell(v))
    path = res.save(tmp_path / "old.csv")
    monkeypatch.undo()
    body = open(path).read().splitlines()[1:]
    assert body and not any("True" in r or "False" in r for r in body)  # (written as the old writer did)
    back = SweepResult.load(path)
    for k in ("diverged", "finished", "final_zero", "spurious_fixed_point"):
        assert back.columns[k].dtype == bool, k
    _same(res, back)


def test_a_table_of_before_the_stuck_flag_keeps_a_number_column_of_that_name(tables, tmp_path):
    """A table written before the sweep had its flag ``stuck`` may hold a column of that name of other numbers (a
    hyperparameter called stuck): it loads as the numbers it holds, not cast to booleans as a flag written as 0/1
    is."""
    import dataclasses
    res = tables["zip"]
    cols = {k: v for k, v in res.columns.items() if k != "stuck"}
    cols["stuck"] = np.linspace(0.25, 2.0, len(res))
    old = dataclasses.replace(res, columns=cols)
    back = SweepResult.load(old.save(tmp_path / "old.csv"))
    np.testing.assert_array_equal(back.columns["stuck"], cols["stuck"])
    cols["stuck"] = np.arange(len(res)) % 2  # (a 0/1 column of that name: a flag, as the old writer wrote flags)
    back = SweepResult.load(dataclasses.replace(res, columns=cols).save(tmp_path / "flag.csv"))
    assert back.columns["stuck"].dtype == bool and back.columns["stuck"].tolist() == (cols["stuck"] == 1).tolist()


@pytest.mark.parametrize("ext", [".CSV", ".Npz", ".JSON", ".Csv"])
def test_an_extension_in_capitals_is_saved_and_loaded_as_its_format(tmp_path, ext):
    """An adversarial review: `sweep -o x.CSV` passed the command line's check (extensions compared in lower case) and
    the sweep ran, then SaveResult.save refused the name ("the extension must be .csv, ..."): the result was lost.
    save and load read the extension in any case, as the check does."""
    import numpy as np

    import gandynamics as gd
    from gandynamics import R1, VectorField, games
    res = gd.sweep(VectorField(games.dirac(), [R1()]), "gd", inits=[[1.0, 1.0]], steps=5, step=0.1,
                   engine="interpreted")
    p = tmp_path / f"t{ext}"
    res.save(p)
    back = gd.SweepResult.load(p)
    assert np.array_equal(back["final_theta"], res["final_theta"])
