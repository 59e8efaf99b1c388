"""Provenance records: contents, JSON, CSV sidecar and comment header read back by pandas."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest

from gandynamics import JARE, R1, VectorField, games, __version__
from gandynamics.errors import GandynamicsError
from gandynamics.provenance import (PER_ROW, per_row_text, attach, comment_header, provenance, read_comment_header, read_sidecar,
                                    sidecar_path, to_json, write_sidecar)
from gandynamics.regularizers import Consensus

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def fld():
    return VectorField(games.dirac(loss="non-saturating"), [R1(gamma=0.3), Consensus(gamma=0.2)])


def test_record_contents(fld):
    rec = provenance(fld, method="altgd", options={"step": 0.1, "n_d": 2}, steps=500, seed=7,
                     params={"gamma": 0.5}, game_params={"d": 1})
    assert rec["game"]["name"] == "dirac" and rec["game"]["kind"] == "GAN"
    assert rec["game"]["loss"]["name"] == "non-saturating" and rec["game"]["loss"]["non_saturating"] is True
    assert rec["game"]["parameters"] == ["theta", "psi"] and rec["game"]["equilibrium"] == [0.0, 0.0]
    assert [r["name"] for r in rec["regularizers"]] == ["r1", "consensus"]
    # the strengths used: params' gamma = 0.5 over R1's declared 0.3; consensus's own gamma_co its declared 0.2
    assert rec["regularizers"][0]["strengths"] == {"gamma": 0.5} and rec["regularizers"][1]["strengths"] == {"gamma": 0.2}
    # the second gamma became gamma_co in the compiled code: the record says so
    assert rec["regularizers"][1]["parts"][0]["symbols"] == {"gamma": "gamma_co"}
    assert rec["hyperparameters"] == {"gamma": 0.5, "gamma_co": 0.2}  # the values used, defaults filled in
    assert rec["method"] == "altgd" and rec["options"] == {"step": 0.1, "n_d": 2}
    assert rec["steps"] == 500 and rec["seed"] == 7 and rec["extra"] == {"game_params": {"d": 1}}
    assert rec["versions"]["gandynamics"] == __version__
    for k in ("numpy", "sympy", "numba", "python"):
        assert rec["versions"][k]
    when = dt.datetime.fromisoformat(rec["date"])
    assert abs((dt.datetime.now(dt.timezone.utc) - when).total_seconds()) < 600
    json.loads(to_json(rec))  # strict JSON


def test_record_of_plain_game_and_infinities():
    f = VectorField(games.bilinear(), [JARE(gamma=1.0)])
    rec = provenance(f, options={"bound": float("inf")})
    assert rec["game"]["loss"] is None and rec["regularizers"][0]["name"] == "jare"
    assert rec["options"] == {"bound": "inf"} and rec["method"] is None and rec["steps"] is None
    assert attach({"x": 1}, rec)["provenance"] == rec


def test_bad_input(fld):
    with pytest.raises(GandynamicsError, match="unknown hyperparameter"):
        provenance(fld, params={"nope": 1})
    with pytest.raises(GandynamicsError, match="VectorField"):
        provenance(games.dirac())
    with pytest.raises(GandynamicsError, match="steps"):
        provenance(fld, steps=-1)


def _table():
    return pd.DataFrame({"k": np.arange(5), "theta": np.linspace(1, 0, 5), "psi": [0.5, -0.25, 1e-3, 2.0, 3.5]})


def test_csv_sidecar_round_trip(tmp_path, fld):
    rec = provenance(fld, method="gd", steps=4)
    csv = tmp_path / "run.csv"
    _table().to_csv(csv, index=False)
    side = write_sidecar(csv, rec)
    assert side == sidecar_path(csv) and side.name == "run.csv.json"
    assert read_sidecar(csv) == rec and read_sidecar(side) == rec
    pd.testing.assert_frame_equal(pd.read_csv(csv), _table())  # the CSV itself is untouched
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary left behind
    with pytest.raises(GandynamicsError, match="no provenance sidecar"):
        read_sidecar(tmp_path / "other.csv")
    with pytest.raises(GandynamicsError, match="does not exist"):
        write_sidecar(tmp_path / "nope" / "x.csv", rec)


def test_csv_comment_header_is_skipped_by_pandas(tmp_path, fld):
    rec = provenance(fld, method="eg", options={"step": 0.2}, steps=4, note="a # inside a value, and 'quotes', \"too\"")
    buf = io.StringIO()
    buf.write(comment_header(rec))
    _table().to_csv(buf, index=False)
    text = buf.getvalue()
    assert all(line.startswith("#") for line in text.splitlines()[:2])
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(text), comment="#"), _table())
    assert read_comment_header(text) == rec
    path = tmp_path / "r.csv"
    path.write_text(text)
    assert read_comment_header(path) == rec
    assert "r1(gamma=0.3)" in text.splitlines()[0] and "method eg" in text.splitlines()[0]
    with pytest.raises(GandynamicsError, match="no gandynamics provenance"):
        read_comment_header("k,theta\n1,2\n")


def test_figure_json_carries_provenance(tmp_path, fld):
    from gandynamics.reproduce import Context, Study
    st = Study("demo", "t", "p", lambda ctx: None)
    ctx = Context(st, tmp_path)
    ctx.provenance(fld, method="gd", steps=10)
    d = ctx.result.to_dict()
    assert d["provenance"]["versions"]["gandynamics"] == __version__
    assert d["provenance"]["fields"][0]["method"] == "gd"
    assert d["provenance"]["fields"][0]["regularizers"][0]["name"] == "r1"
    json.dumps(d, allow_nan=False)


def test_versions_are_the_installed_distributions_read_once_and_handed_out_as_copies():
    from importlib import metadata
    from gandynamics import provenance as P
    a = P._versions()
    for pkg in ("numpy", "scipy", "sympy", "numba"):
        assert a[pkg] == metadata.version(pkg)
    a["numpy"] = "tampered"
    assert P._versions()["numpy"] == metadata.version("numpy")  # a caller's edit does not reach the next record
    assert P._installed_versions.cache_info().currsize == 1


def test_the_record_has_the_games_factory_arguments_and_the_strengths_used(tmp_path, capsys):
    """Reviewer's cases: bilinear --param B=2 left no B in the provenance (a table could not be made again), and
    --reg r1 --param gamma=0.7 recorded (and printed) r1's declared gamma = 1; --random-inits with --seed recorded
    seed null."""
    from gandynamics.cli import main
    from gandynamics.games import make_game
    rec = provenance(VectorField(make_game("bilinear", B=2.0)))
    assert rec["game"]["factory"] == "bilinear" and rec["game"]["arguments"] == {"B": 2.0}
    f = VectorField(games.dirac(), [R1()])
    rec = provenance(f, params={"gamma": 0.7})
    assert rec["regularizers"][0]["strengths"] == {"gamma": 0.7} and rec["hyperparameters"] == {"gamma": 0.7}
    assert provenance(f)["regularizers"][0]["strengths"] == {"gamma": 1.0}
    out = tmp_path / "s.csv"
    assert main(["sweep", "bilinear", "--param", "B=2", "--method", "eg", "--steps", "10", "--step", "0.1",
                 "--random-inits", "3:-1:1", "--seed", "5", "--out", str(out)]) == 0
    side = read_sidecar(out)["provenance"]
    assert side["game"]["arguments"] == {"B": 2.0} and side["seed"] == 5
    assert side["extra"]["random_inits"]["spec"] == "3:-1:1"
    capsys.readouterr()
    assert main(["analyze", "dirac", "--reg", "r1", "--param", "gamma=0.7"]) == 0
    assert "regularizers: r1(gamma=0.7)" in capsys.readouterr().out


@pytest.mark.parametrize("axes", [("gamma",), ("gamma_co",), ("gamma", "step"), ("step_g",), ("step_d",),
                                  ("gamma", "gamma_co", "step_g", "step_d"), ()])
def test_an_axis_of_a_sweep_is_recorded_per_row_not_as_its_default(fld, axes):
    # the kind: every hyperparameter or step a sweep varies (a grid axis) had been recorded with its declared default
    # (r1's gamma = 1 in the sidecar of a sweep over gamma); the values fixed beside them are recorded as given, and
    # the text names the column that holds the values (consensus's gamma is the column gamma_co, not gamma)
    from gandynamics import sweep
    grid = {a: [0.1, 0.2] for a in axes}
    every = "step" in axes or {"step_g", "step_d"} <= set(axes)  # (then no fixed step may be given)
    r = sweep(fld, "gd", inits=[0.5, 0.5], grid=grid, step=None if every else (0.05, 0.07), steps=20,
              params={"gamma": 0.4, "gamma_co": 0.3}, engine="interpreted")
    rec = r.meta["provenance"]
    fixed = {"gamma": 0.4, "gamma_co": 0.3}
    for name, value in rec["hyperparameters"].items():
        assert value == (per_row_text(name) if name in axes else fixed[name]), name
    strengths = [rec["regularizers"][0]["strengths"]["gamma"], rec["regularizers"][1]["strengths"]["gamma"]]
    assert strengths == [per_row_text(n) if n in axes else fixed[n] for n in ("gamma", "gamma_co")]
    hg = per_row_text("step_g") if {"step", "step_g"} & set(axes) else 0.05
    hd = per_row_text("step_d") if {"step", "step_d"} & set(axes) else 0.07
    assert rec["options"]["step"] == [hg, hd]
    # the columns named hold the values the grid gave
    for text in [v for v in rec["hyperparameters"].values() if isinstance(v, str)] + \
            [v for v in rec["options"]["step"] if isinstance(v, str)]:
        col = text.split("'")[1]  # (per row: column 'gamma_co' of the table)
        assert sorted(set(np.asarray(r.columns[col]).tolist())) == [0.1, 0.2]
    json.loads(to_json(rec))


def test_a_renamed_hyperparameter_is_recorded_under_its_own_name_with_its_column():
    # hopf's beta is the table's column hyper_beta (beta is momentum's own): the reviewer's two cases
    from gandynamics import sweep
    f = VectorField(games.hopf())
    r = sweep(f, "gd", inits=[0.5, 0.5], grid={"hyper_beta": [0.1, -0.2]}, step=0.05, steps=20,
              engine="interpreted")
    assert r.meta["provenance"]["hyperparameters"]["beta"] == per_row_text("hyper_beta")
    r = sweep(f, "momentum", inits=[0.5, 0.5], grid={"beta": [0.1, 0.3]}, step=0.05, steps=20,
              params={"beta": 0.25}, engine="interpreted")
    assert r.meta["provenance"]["hyperparameters"]["beta"] == 0.25  # fixed: the axis was momentum's beta
    assert set(np.asarray(r.columns["hyper_beta"]).tolist()) == {0.25}


def test_per_row_names_are_checked(fld):
    with pytest.raises(GandynamicsError, match="per_row"):
        provenance(fld, per_row={"nope": "nope"})


def test_a_record_without_a_grid_keeps_every_value(fld):
    rec = provenance(fld, options={"step": [0.1, 0.2]}, params={"gamma": 0.5})
    assert PER_ROW not in json.dumps(rec) and rec["options"]["step"] == [0.1, 0.2]
    rec = provenance(fld, options={"step": 0.1}, per_row={"step_g": "step_g"})  # a single step made the pair
    assert rec["options"]["step"] == [per_row_text("step_g"), 0.1]


def test_a_swept_factory_argument_is_per_row_and_the_sidecar_holds_the_record_once(tmp_path, capsys):
    # quadratic's b is a factory argument and a hyperparameter: a sweep over it said arguments b = 1.0 (a new user)
    from gandynamics.cli import main
    from gandynamics.runs.results import SweepResult
    path = tmp_path / "q.csv"
    assert main(["sweep", "quadratic", "--param", "a=2", "--method", "eg", "--steps", "20", "--grid", "b=0.5:2:4",
                 "--step", "0.1", "--init", "1,1", "--out", str(path), "--engine", "interpreted"]) == 0
    capsys.readouterr()
    side = json.loads(path.with_name("q.csv.json").read_text())
    args = side["provenance"]["game"]["arguments"]
    assert args["b"] == per_row_text("b") and args["a"] == 2.0
    assert "provenance" not in side["meta"]  # once, at the top
    assert SweepResult.load(str(path)).meta["provenance"] == side["provenance"]
