"""Atomic writes (a failed write leaves the previous file intact) and output paths checked up front."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from gandynamics.errors import GandynamicsError
from gandynamics.io import (atomic_open, atomic_savefig, atomic_write_bytes, atomic_write_text, check_output_dir,
                            check_output_path)


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    p = tmp_path / "t.csv"
    atomic_write_text(p, "a\n")
    atomic_write_text(p, "b\n")
    assert p.read_text() == "b\n"
    assert sorted(os.listdir(tmp_path)) == ["t.csv"]


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=2000), st.integers(min_value=0, max_value=1999))
def test_an_exception_mid_write_leaves_the_old_file(tmp_path_factory, data, cut):
    d = tmp_path_factory.mktemp("w")
    p = d / "table.bin"
    atomic_write_bytes(p, b"old content")
    with pytest.raises(RuntimeError):
        with atomic_open(p, "wb") as fh:
            fh.write(data[:cut])
            raise RuntimeError("formatting a row failed")
    assert p.read_bytes() == b"old content"
    assert os.listdir(d) == ["table.bin"]


def test_file_size_limit_leaves_the_old_file(tmp_path):
    # a real failed write: RLIMIT_FSIZE makes write() fail with EFBIG half-way through (like a full disk)
    p = tmp_path / "table.csv"
    p.write_text("k,x\n0,1\n")
    code = textwrap.dedent(f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        from gandynamics.io import atomic_write_text
        try:
            atomic_write_text({str(p)!r}, "k,x\\n" + "1,2\\n" * 100000)
        except OSError as exc:
            print("failed", exc.errno)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.startswith("failed"), r.stderr
    assert p.read_text() == "k,x\n0,1\n"
    assert os.listdir(tmp_path) == ["table.csv"]


def test_permissions_are_kept(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{}")
    os.chmod(p, 0o640)
    atomic_write_text(p, "[]")
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640


def test_atomic_savefig(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    atomic_savefig(fig, tmp_path / "f.png")
    plt.close(fig)
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("make, match", [
    (lambda d: str(d / "nodir" / "x.csv"), "does not exist"),
    (lambda d: str(d), "is a folder"),
    (lambda d: str(d / "x.txt"), "the extension must be"),
    (lambda d: "", "needs a file name"),
    (lambda d: str(d / "afile" / "x.csv"), "not a folder|does not exist"),
])
def test_check_output_path_refuses(tmp_path, make, match):
    (tmp_path / "afile").write_text("")
    with pytest.raises(GandynamicsError, match=match):
        check_output_path(make(tmp_path), "--out", (".csv", ".npz", ".json"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_check_output_path_refuses_read_only_folder(tmp_path):  # pragma: no cover - CI runs as root here
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    with pytest.raises(GandynamicsError, match="not writable"):
        check_output_path(ro / "x.csv")


def test_check_output_dir(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(GandynamicsError, match="existing file, not a folder"):
        check_output_dir(tmp_path / "f")
    with pytest.raises(GandynamicsError, match="is a file"):
        check_output_dir(tmp_path / "f" / "sub")
    assert check_output_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
