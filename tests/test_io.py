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
        check_output_path(ro / "x.csv", "--out", (".csv",))


def test_a_write_protected_file_is_not_replaced(tmp_path, monkeypatch):
    """A file its owner made read-only (chmod 0444) in a writable folder was replaced by the atomic rename (the
    folder's permission is what a rename needs): refused by name and mode before any work.  os.access is what the
    check asks (as root it says yes to every file: here it answers as for a user)."""
    f = tmp_path / "ro.png"
    f.write_text("mine")
    os.chmod(f, 0o444)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if str(p) == str(f) and mode == os.W_OK
                        else real(p, mode, *a, **k))
    with pytest.raises(GandynamicsError, match=r"'.*ro.png' is write-protected \(mode 444\); make it writable"):
        check_output_path(f, "--out", (".png",))
    assert f.read_text() == "mine"
    check_output_path(tmp_path / "new.png", "--out", (".png",))  # (a new file in the same folder: accepted)


def test_a_write_protected_file_is_not_replaced_by_any_writer_even_as_root(tmp_path):
    """The mode bits are read too (as root os.access allows everything, and simulate --csv rewrote a 0444 file); a
    protected sidecar (FILE.csv.json) and the library's writers (atomic_open: SweepResult.save and every other) refuse
    alike, and the file is left as it was."""
    from gandynamics.io import atomic_write_text
    data = tmp_path / "t.csv"
    side = tmp_path / "t.csv.json"
    for f in (data, side):
        f.write_text("mine")
        os.chmod(f, 0o444)
    with pytest.raises(GandynamicsError, match="write-protected"):
        check_output_path(data, "--out", (".csv",))
    os.chmod(data, 0o644)
    with pytest.raises(GandynamicsError, match=r"its provenance file .*t.csv.json' is write-protected"):
        check_output_path(data, "--out", (".csv",), sidecar=True)
    with pytest.raises(GandynamicsError, match="write-protected"):
        atomic_write_text(side, "theirs")
    assert side.read_text() == "mine"
    atomic_write_text(data, "theirs")  # (writable: replaced)
    assert data.read_text() == "theirs"


def test_check_output_dir(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(GandynamicsError, match="existing file, not a folder"):
        check_output_dir(tmp_path / "f")
    with pytest.raises(GandynamicsError, match="is a file"):
        check_output_dir(tmp_path / "f" / "sub")
    assert check_output_dir(tmp_path / "new") == tmp_path / "new"


@pytest.mark.parametrize("depth", [2, 3, 5])
def test_an_output_folder_whose_parent_is_missing_is_refused_and_nothing_is_created(tmp_path, capsys, depth):
    """``reproduce --out /nonexistent/x`` created both folders (as root, a new folder at the file system's root: a new
    user's trial), where a file's --out in a missing folder is refused.  A new folder is made only inside an existing
    one: any deeper path is refused, before any work, in the one-line form, and nothing is created."""
    from gandynamics.cli import main
    path = tmp_path.joinpath(*[f"typo{k}" for k in range(depth)])
    with pytest.raises(GandynamicsError, match=r"its parent folder .* does not exist"):
        check_output_dir(path)
    assert main(["reproduce", "spectra", "--out", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("gandynamics: error: --out ") and "does not exist" in err[0], err
    assert not (tmp_path / "typo0").exists()


# ---- the target of a write: '~' expanded, links followed, devices / pipes / sockets refused (resolve_target)
def _fifo(tmp_path):
    p = tmp_path / "pipe.csv"
    os.mkfifo(p)
    return p


def test_a_named_pipe_is_refused_and_left_a_pipe(tmp_path):
    # renaming over it would replace the pipe (or, as root, a device such as /dev/full) by a regular file
    p = _fifo(tmp_path)
    with pytest.raises(GandynamicsError, match=r"^--csv '.*pipe.csv': '.*pipe.csv' is a named pipe, not a regular "
                                               r"file; give a file path"):
        check_output_path(p, "--csv", (".csv",))
    for write in (lambda: atomic_write_text(p, "x"), lambda: atomic_write_bytes(p, b"x")):
        with pytest.raises(GandynamicsError, match=r"^cannot write '.*pipe.csv': '.*pipe.csv' is a named pipe"):
            write()
    assert stat.S_ISFIFO(os.stat(p).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["pipe.csv"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_refused_by_the_check(device):
    if not os.path.exists(device):  # pragma: no cover
        pytest.skip(f"no {device}")
    with pytest.raises(GandynamicsError, match=rf"^--out '{device}': '{device}' is a device, not a regular file"):
        check_output_path(device, "--out", (".csv",))      # (only the check here: a regression must not replace /dev/null)


def test_a_device_node_is_left_a_device(tmp_path):
    dev = tmp_path / "null.csv"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))   # a private /dev/null
    except (PermissionError, OSError):  # pragma: no cover - needs root (CI runs as root here)
        pytest.skip("creating a device node needs root")
    with pytest.raises(GandynamicsError, match=r"^cannot write '.*null.csv': '.*null.csv' is a device"):
        atomic_write_text(dev, "x")
    assert stat.S_ISCHR(os.stat(dev).st_mode)
    assert os.listdir(tmp_path) == ["null.csv"]


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "table.csv"
    real.write_text("old\n")
    link = tmp_path / "table.csv"
    link.symlink_to(real)
    atomic_write_text(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n"
    assert sorted(os.listdir(tmp_path / "data")) == ["table.csv"]
    dangling = tmp_path / "d.csv"
    dangling.symlink_to(tmp_path / "data" / "new.csv")
    atomic_write_text(dangling, "made\n")        # as `echo made > d.csv`: the link's target is created
    assert dangling.is_symlink() and (tmp_path / "data" / "new.csv").read_text() == "made\n"


def test_home_is_expanded_as_by_check_output_path(tmp_path, monkeypatch):
    # `--out=~/t.csv` is not expanded by the shell: the check expanded it, the write did not, so the run
    # computed everything and then failed with "cannot write '~/t.csv'"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert check_output_path("~/t.csv", "--out", (".csv",)) == tmp_path / "t.csv"
    atomic_write_text("~/t.csv", "a\n")
    assert (tmp_path / "t.csv").read_text() == "a\n"


@pytest.mark.parametrize("make, match", [
    (lambda d: d / "nodir" / "x.csv", r"^cannot write '.*x.csv': the folder '.*nodir' does not exist$"),
    (lambda d: d, r"^cannot write '.*': it is a folder; give a file name inside it$"),
])
def test_atomic_open_refuses_a_missing_folder_or_a_folder(tmp_path, make, match):
    with pytest.raises(GandynamicsError, match=match):
        atomic_write_text(make(tmp_path), "x")
    assert os.listdir(tmp_path) == []


def test_the_library_writers_share_the_mechanism(tmp_path):
    # SweepResult.to_json (jsonio) and the provenance sidecar had their own temporary-file code (no fsync, no
    # checks): a missing folder ended in FileNotFoundError, a link was replaced by a regular file
    from gandynamics.jsonio import write_text_atomic
    from gandynamics.provenance import write_sidecar
    with pytest.raises(GandynamicsError, match="does not exist"):
        write_text_atomic(tmp_path / "no" / "x.json", "{}")
    with pytest.raises(GandynamicsError, match="does not exist"):
        write_sidecar(tmp_path / "no" / "x.csv", {"a": 1})
    real = tmp_path / "real.csv.json"
    real.write_text("{}")
    os.chmod(real, 0o640)
    (tmp_path / "x.csv.json").symlink_to(real)
    side = write_sidecar(tmp_path / "x.csv", {"a": 1})
    assert side.is_symlink() and real.read_text() == '{\n "a": 1\n}\n'
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    write_text_atomic(tmp_path / "r.json", "[1]")
    assert (tmp_path / "r.json").read_text() == "[1]"
    assert sorted(os.listdir(tmp_path)) == ["r.json", "real.csv.json", "x.csv.json"]


@pytest.mark.parametrize("fail_at", [0, 1, 2, None])
def test_atomic_files_replace_all_or_none(tmp_path, fail_at):
    """Three files written together: an error while writing any one of them (a real EFBIG is tested below) leaves
    all three as they were, no temporary file behind, and the error names the file being written; without one, all
    three are replaced."""
    import errno
    from gandynamics.io import atomic_files
    paths = [tmp_path / f"f{i}.txt" for i in range(3)]
    for p in paths:
        p.write_text("old")
    try:
        with atomic_files() as open_:
            for i, p in enumerate(paths):
                fh = open_(p, "w")
                fh.write("new")
                if i == fail_at:
                    raise OSError(errno.EFBIG, "File too large")
    except OSError as exc:
        assert fail_at is not None and exc.filename == str(paths[fail_at])
        assert [p.read_text() for p in paths] == ["old"] * 3
    else:
        assert fail_at is None and [p.read_text() for p in paths] == ["new"] * 3
    assert sorted(os.listdir(tmp_path)) == [p.name for p in paths]


@pytest.mark.parametrize("writer", ["sweep", pytest.param("simulate", marks=pytest.mark.slow)])  # (4 s each)
@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_table_and_its_sidecar_are_replaced_together_or_not_at_all(tmp_path, writer):
    """The kind: every CSV written with a provenance sidecar (sweep --out, simulate --csv).  Under a file-size limit
    that the new table passes and its sidecar does not (a new user's trial: the new table was left beside the old
    sidecar, and SweepResult.load read them as one), both files keep their previous content and the one line names
    the sidecar; a pair from two writes is refused when the sweep table is loaded."""
    import resource
    import shutil
    base = ["--reg", "r1", "--method", "gd", "--step", "0.1", "--steps", "20"]
    if writer == "sweep":
        out = tmp_path / "t.csv"
        argv = ["sweep", "dirac", *base, "--grid", "gamma=0:0.5:3", "--out", str(out)]
        argv2 = ["sweep", "dirac", *base, "--grid", "gamma=0:0.5:4", "--out", str(out)]
    else:
        out = tmp_path / "t.csv"
        base[-1] = "2"  # (a table of 3 rows: shorter than its sidecar)
        argv = ["simulate", "dirac", *base, "--init", "1,1", "--csv", str(out)]
        argv2 = ["simulate", "dirac", *base, "--init", "1,0.5", "--csv", str(out)]
    from gandynamics.cli import main
    run = lambda a, **kw: subprocess.run([sys.executable, "-m", "gandynamics", *a], capture_output=True, text=True,  # noqa: E731
                                         timeout=300, **kw)
    assert main(argv) == 0  # (in this process: only the write under the limit needs a process of its own)
    before = {p: p.read_bytes() for p in (out, tmp_path / "t.csv.json")}
    limit = len(before[out]) * 4 // 3 + 200  # the new table fits (4 rows for 3), its sidecar (1-6 KB) does not
    assert len(before[tmp_path / "t.csv.json"]) > limit

    def small():
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    r = run(argv2 + ["-q"], preexec_fn=small)  # (-q: a notice of a slow reading on a loaded machine made two lines)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("gandynamics: error: cannot write ") and "t.csv.json" in r.stderr, r.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(os.listdir(tmp_path)) == ["t.csv", "t.csv.json"]
    if writer == "sweep":  # a pair from two writes: the old sidecar beside another table
        from gandynamics.runs.results import SweepResult
        keep = tmp_path / "keep.json"
        shutil.copy(tmp_path / "t.csv.json", keep)
        assert main(argv2) == 0
        assert len(SweepResult.load(out)) == 4
        shutil.copy(keep, tmp_path / "t.csv.json")
        with pytest.raises(GandynamicsError, match="is not the file its provenance .* describes"):
            SweepResult.load(out)


# ------------------------------------------------------------------------------- files gandynamics did not write
#: every writer of the command line: (argv before the output, the option, the file's extension)
_WRITERS = [
    (["simulate", "dirac", "--method", "gd", "--step", "0.1", "--steps", "5"], "--csv", ".csv"),
    (["sweep", "dirac", "--method", "gd", "--steps", "5", "--grid", "step=0.1:0.2:2", "--no-progress"], "--out", ".csv"),
    (["sweep", "dirac", "--method", "gd", "--steps", "5", "--grid", "step=0.1:0.2:2", "--no-progress"], "--out", ".npz"),
    (["sweep", "dirac", "--method", "gd", "--steps", "5", "--grid", "step=0.1:0.2:2", "--no-progress"], "--out", ".json"),
    (["portrait", "dirac", "--methods", "gd", "--steps", "5"], "--out", ".png"),
    (["portrait", "dirac", "--methods", "gd", "--steps", "5"], "--out", ".pdf"),
    (["portrait", "dirac", "--methods", "gd", "--steps", "5"], "--out", ".svg"),
    (["portrait", "dirac", "--methods", "gd", "--steps", "4", "--frames", "3", "--out", "{tmp}/a.png"], "--animate", ".gif"),
]


@pytest.mark.parametrize("argv, option, ext", _WRITERS, ids=[f"{w[0][0]}{w[2]}" for w in _WRITERS])
@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_no_writer_replaces_a_file_gandynamics_did_not_write(tmp_path, capsys, argv, option, ext):
    """A new user's "precious,data" was replaced by simulate --csv without a word (sweep --out and portrait --out
    alike): a file of that name that gandynamics did not write is refused before any work, exit 2 and one line, and
    left as it was; the command's own file of a first run is replaced by a second run."""
    from gandynamics.cli import main
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    out = tmp_path / f"r{ext}"
    out.write_bytes(b"precious,data\n")
    assert main([*argv, option, str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "was not written by gandynamics" in err
    assert out.read_bytes() == b"precious,data\n"
    out.unlink()
    assert main([*argv, option, str(out)]) == 0  # its own file, written ...
    capsys.readouterr()
    assert main([*argv, option, str(out)]) == 0  # ... and replaced
    from gandynamics.io import written_by_gandynamics
    assert written_by_gandynamics(out)


def test_an_interrupted_sweep_does_not_replace_a_finished_table(tmp_path, capsys, monkeypatch):
    """A new user's Ctrl-C replaced a finished 56-row table by rows that all read "not run": an unfinished table goes
    beside an existing --out (STEM.partial.EXT), the finished one kept byte for byte; without an existing file it is
    written under the name given."""
    import sys
    from gandynamics.cli import main
    S = sys.modules["gandynamics.simulate"]
    argv = ["sweep", "dirac", "--method", "gd", "--steps", "50", "--grid", "step=0.05:0.5:40", "--no-progress"]
    out = tmp_path / "t.csv"
    assert main([*argv, "--out", str(out)]) == 0
    kept = out.read_bytes(), (tmp_path / "t.csv.json").read_bytes()
    real = S.sweep

    def interrupted(*a, **k):
        def progress(done, total):
            raise KeyboardInterrupt
        k["progress"] = progress
        k["chunk_size"] = 8
        return real(*a, **k)
    monkeypatch.setattr(S, "sweep", interrupted)
    assert main([*argv, "--out", str(out)]) == 130
    assert (out.read_bytes(), (tmp_path / "t.csv.json").read_bytes()) == kept
    part = tmp_path / "t.partial.csv"
    assert part.exists() and "t.partial.csv" in capsys.readouterr().out
    assert main([*argv, "--out", str(tmp_path / "new.csv")]) == 130  # (no file of that name: written there)
    assert (tmp_path / "new.csv").exists()


_CSV_WRITERS = [w for w in _WRITERS if w[2] == ".csv"]


@pytest.mark.parametrize("argv, option, ext", _CSV_WRITERS, ids=[w[0][0] for w in _CSV_WRITERS])
@pytest.mark.parametrize("foreign", [b'{"my notes": "important"}', b"plain text notes\n", b"[1, 2]",
                                     b'{"provenance": {"versions": {"numpy": "2"}}}'])
def test_no_writer_replaces_a_sidecar_gandynamics_did_not_write(tmp_path, capsys, argv, option, ext, foreign):
    """A new user's FILE.csv.json (notes kept beside a table) was replaced by simulate --csv FILE.csv and sweep --out
    FILE.csv, which refused a foreign FILE.csv itself: a file of the sidecar's name that is no provenance of
    gandynamics' is refused before any work, exit 2 and one line, and left as it was (JSON of other content, text,
    a list, a provenance of something else); the command's own sidecar of a first run is replaced by a second."""
    from gandynamics.cli import main
    out = tmp_path / "r.csv"
    side = tmp_path / "r.csv.json"
    side.write_bytes(foreign)
    assert main([*argv, option, str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "r.csv.json" in err and "was not written by gandynamics" in err, err
    assert side.read_bytes() == foreign and not out.exists()
    side.unlink()
    assert main([*argv, option, str(out)]) == 0 and main([*argv, option, str(out)]) == 0
    capsys.readouterr()
    from gandynamics.io import is_provenance_sidecar
    assert is_provenance_sidecar(side)


def test_an_interrupted_sweeps_table_avoids_a_foreign_sidecar(tmp_path):
    """The name an interrupted sweep writes beside a finished table (STEM.partial.csv) is not one whose sidecar is
    a user's file."""
    from gandynamics.cli.sweep import _partial_name
    (tmp_path / "t.csv").write_text("x\n")
    (tmp_path / "t.partial.csv.json").write_text("my notes\n")
    assert _partial_name(str(tmp_path / "t.csv")) == str(tmp_path / "t.partial-2.csv")


#: the kind each writer of _WRITERS writes (gandynamics.io.KINDS)
def _writer_kind(argv, ext):
    return {".gif": "animation", ".png": "figure", ".pdf": "figure", ".svg": "figure"}.get(
        ext, "trajectory table" if argv[0] == "simulate" else "sweep table")


@pytest.mark.slow  # (about 10 s: every writer once, then every other writer onto its files)
def test_no_writer_replaces_a_gandynamics_file_of_another_kind(tmp_path, capsys):
    """simulate --csv sweep1.csv replaced a sweep's table of 150 rows by a trajectory's states without a word (a new
    user): the rule "replace only files gandynamics wrote" did not ask which kind.  Every file each writer leaves
    (its table or figure, a CSV's provenance sidecar) is refused by every writer of another kind whose extension it
    has, exit 2 and one line naming both kinds and how to proceed, the file left as it was; a writer of its kind
    replaces it (test_no_writer_replaces_a_file_gandynamics_did_not_write)."""
    from gandynamics.cli import main
    from gandynamics.io import KINDS, file_kind
    tried = set()
    for i, (argv_a, option_a, ext_a) in enumerate(_WRITERS):
        d = tmp_path / f"w{i}"
        d.mkdir()
        argv_a = [a.replace("{tmp}", str(d)) for a in argv_a]
        assert main([*argv_a, option_a, str(d / f"r{ext_a}")]) == 0
        capsys.readouterr()
        files = {f: file_kind(f) for f in d.iterdir() if f.is_file()}
        assert files[d / f"r{ext_a}"] == _writer_kind(argv_a, ext_a) and set(files.values()) <= set(KINDS), files
        for argv_b, option_b, ext_b in _WRITERS:
            kind_b = _writer_kind(argv_b, ext_b)
            for f, kind in files.items():
                if not f.name.endswith(ext_b) or kind == kind_b:
                    continue
                tried.add((kind, kind_b))
                before = {g: g.read_bytes() for g in files}
                argv = [a.replace("{tmp}", str(d)) for a in argv_b]
                assert main([*argv, option_b, str(f)]) == 2, (argv_b, f)
                err = capsys.readouterr().err
                assert err.count("\n") == 1 and f"is a {kind} that gandynamics wrote, not a {kind_b}" in err, err
                assert "another file name, or remove it" in err
                assert {g: g.read_bytes() for g in files} == before
    # (the pairs that can meet: a CSV of either table, and a sweep's .json over a CSV's provenance sidecar)
    assert {("sweep table", "trajectory table"), ("trajectory table", "sweep table"),
            ("provenance file", "sweep table")} <= tried, tried


def test_file_kind_tells_each_kind_gandynamics_writes(tmp_path):
    """The kinds behind check_not_foreign's refusal, from the files the library writes (a sweep's table in each of
    its formats, a trajectory's CSV and the sidecars of both), and none for a file gandynamics did not write."""
    import gandynamics as gd
    from gandynamics.io import check_not_foreign, file_kind
    fld = gd.VectorField(gd.games.make_game("quadratic"))
    gd.simulate(fld, "gd", [1.0, 1.0], 5, 0.1, engine="interpreted").to_csv(tmp_path / "t.csv")
    res = gd.sweep(fld, "gd", inits=[[1.0, 1.0]], grid={"step": [0.1, 0.2]}, steps=5, engine="interpreted", progress=False)
    for ext in (".csv", ".npz", ".json"):
        res.save(tmp_path / f"s{ext}")
    (tmp_path / "mine.csv").write_text("a,b\n")
    kinds = {f.name: file_kind(f) for f in tmp_path.iterdir()}
    assert kinds == {"t.csv": "trajectory table", "t.csv.json": "provenance file", "s.csv": "sweep table",
                     "s.csv.json": "provenance file", "s.npz": "sweep table", "s.json": "sweep table", "mine.csv": None}
    check_not_foreign(tmp_path / "s.csv", "x", "sweep table")  # (its own kind: replaced)
    with pytest.raises(gd.GandynamicsError, match=r"^x is a sweep table that gandynamics wrote, not a trajectory "
                                                  r"table; .*remove it and its provenance '.*s\.csv\.json' first\)$"):
        check_not_foreign(tmp_path / "s.csv", "x", "trajectory table")
    with pytest.raises(gd.GandynamicsError, match="was not written by gandynamics"):
        check_not_foreign(tmp_path / "mine.csv", "x", "trajectory table")


@pytest.mark.parametrize("writer", ["save.csv", "save.npz", "save.json", "save.nc", "to_csv", "to_npz", "to_json",
                                    "trajectory.csv"])
def test_a_library_writer_never_replaces_a_file_it_did_not_write(tmp_path, writer):
    """``SweepResult.save("notmine.csv")`` replaced a user's file where the command line refuses (a new user's
    finding): every library writer refuses a file gandynamics did not write and one of another kind, keeping it
    byte for byte, and replaces its own kind."""
    import gandynamics as gd
    from gandynamics import R1, VectorField, games
    if writer == "save.nc":
        pytest.importorskip("xarray")
    fld = VectorField(games.dirac(), [R1()])
    res = gd.sweep(fld, "gd", inits=[[1.0, 1.0]], steps=5, step=0.1, engine="interpreted")
    tr = gd.simulate(fld, "gd", [1.0, 1.0], 5, 0.1, engine="interpreted")
    how, ext = writer.split(".") if "." in writer else (writer, {"to_csv": "csv", "to_npz": "npz", "to_json": "json"}[writer])
    write = (lambda p: tr.to_csv(p)) if how == "trajectory" else \
        (lambda p: res.save(p)) if how == "save" else (lambda p: getattr(res, how)(p))
    mine = tmp_path / f"mine.{ext}"
    mine.write_bytes(b"precious,data\n1,2\n")
    with pytest.raises(GandynamicsError, match="was not written by gandynamics; refusing to replace it"):
        write(mine)
    assert mine.read_bytes() == b"precious,data\n1,2\n"
    own = tmp_path / f"own.{ext}"
    write(own)
    write(own)  # (its own kind: replaced)
    if ext == "csv":  # (the other kind of CSV table: refused, kept)
        other = tmp_path / "other.csv"
        (res.save if how == "trajectory" else tr.to_csv)(other)
        before = other.read_bytes()
        with pytest.raises(GandynamicsError, match="that gandynamics wrote, not a"):
            write(other)
        assert other.read_bytes() == before


def test_a_library_writer_keeps_a_users_sidecar_and_replaces_a_table_it_made_by_hand(tmp_path):
    """A review: save("notes.csv") replaced a user's notes.csv.json (the table's sidecar name); a SweepResult made with
    meta={} wrote no word of gandynamics, so its own next save refused to replace it; save_animation replaced a
    write-protected GIF."""
    import numpy as np

    import gandynamics as gd
    from gandynamics import R1, SweepResult, VectorField, games
    fld = VectorField(games.dirac(), [R1()])
    res = gd.sweep(fld, "gd", inits=[[1.0, 1.0]], steps=5, step=0.1, engine="interpreted")
    tr = gd.simulate(fld, "gd", [1.0, 1.0], 5, 0.1, engine="interpreted")
    for write, name in ((res.save, "notes.csv"), (tr.to_csv, "t.csv")):
        side = tmp_path / (name + ".json")
        side.write_text('{"mine": 1}')
        with pytest.raises(GandynamicsError, match="its provenance goes to .* not written by gandynamics"):
            write(tmp_path / name)
        assert side.read_text() == '{"mine": 1}' and not (tmp_path / name).exists()
    bare = SweepResult(columns=res.columns, dims=res.dims, product=res.product, steps=res.steps, names=res.names,
                       meta={})
    for ext in ("csv", "npz", "json"):
        bare.save(tmp_path / f"bare.{ext}")
        bare.save(tmp_path / f"bare.{ext}")  # (its own table: replaced)
        np.testing.assert_array_equal(SweepResult.load(tmp_path / f"bare.{ext}").columns["distance"],
                                      res.columns["distance"])
    anim = gd.plotting.animate(fld, "gd", steps=5, frames=2, data_panel=False)
    gif = tmp_path / "a.gif"
    gd.plotting.save_animation(anim, gif, fps=5)
    gif.chmod(0o444)
    with pytest.raises(GandynamicsError, match="write-protected"):
        gd.plotting.save_animation(anim, gif, fps=5)
    assert oct(gif.stat().st_mode & 0o777) == "0o444"
    import matplotlib.pyplot as plt
    plt.close("all")


# ------------------------------------------------------------------ names too long, and what marks a file as ours
def _name_max(folder) -> int:
    return int(os.pathconf(folder, "PC_NAME_MAX"))


@pytest.mark.parametrize("sidecar", [False, True])
def test_a_name_the_file_system_cannot_take_is_refused_before_any_work_and_the_longest_accepted_is_written(
        tmp_path, sidecar):
    """An adversarial review: a --csv name of 300 bytes was a 23-line OSError ("File name too long") from every
    output check, and one of 250 bytes passed the check while its temporary file and sidecar could not be written.
    The longest name accepted (the file system's PC_NAME_MAX less the temporary file's 14 bytes and, for a table with
    provenance, its sidecar's 5) is written, both files; one byte more is refused in one line naming the limit."""
    import gandynamics as gd
    from gandynamics import R1, VectorField, games
    from gandynamics.io import check_output_path
    n = _name_max(tmp_path) - 14 - (5 if sidecar else 0)
    ext = ".csv" if sidecar else ".png"
    ok = tmp_path / ("a" * (n - len(ext)) + ext)
    check_output_path(ok, "--out", ext, sidecar=sidecar)
    if sidecar:  # (written: the table, its temporary file and its sidecar all fit)
        tr = gd.simulate(VectorField(games.dirac(), [R1()]), "gd", [1.0, 1.0], 5, 0.1, engine="interpreted")
        tr.to_csv(ok)
        assert ok.is_file() and (tmp_path / (ok.name + ".json")).is_file()
    else:
        import matplotlib.pyplot as plt
        fig = plt.figure()
        atomic_savefig(fig, ok)
        plt.close(fig)
        assert ok.is_file()
    for name in ("b" * (n - len(ext) + 1) + ext, "c" * 300 + ext, "d" * 300 + "/x" + ext):
        with pytest.raises(GandynamicsError) as e:
            check_output_path(tmp_path / name, "--out", ext, sidecar=sidecar)
        assert "\n" not in str(e.value) and ("bytes long" in str(e.value) or "too long" in str(e.value)), e.value


@pytest.mark.parametrize("argv", [
    ["simulate", "dirac", "--method", "gd", "--steps", "5", "--step", "0.1", "--csv", "{long}.csv"],
    ["sweep", "dirac", "--method", "gd", "--steps", "5", "--step", "0.1", "-o", "{long}.npz"],
    ["portrait", "dirac", "--steps", "5", "-o", "{long}.png"],
    ["portrait", "dirac", "--steps", "5", "-o", "{tmp}/a.png", "--animate", "{long}.gif"],
    ["reproduce", "-o", "{long}/figs"],
    ["analyze", "--game", "{long}.py:make"],
    ["analyze", "--game", "{long}.py"],
])
def test_every_path_option_refuses_a_name_too_long_in_one_line(tmp_path, capsys, argv):
    from gandynamics.cli import main
    long = str(tmp_path / ("z" * 300))
    assert main([a.replace("{long}", long).replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gandynamics: error: ") and "long" in err, err
    assert os.listdir(tmp_path) == []


def test_only_a_files_own_marker_makes_it_gandynamics(tmp_path):
    """An adversarial review: a user's SVG or PDF that mentioned "gandynamics" anywhere was replaced by a portrait,
    a user's JSON with columns and dims by a sweep, a user's CSV put beside a copied sidecar, and a table edited since
    it was written, by a rerun.  Only the marker each writer puts counts (the figure's metadata, a table's writer or
    provenance, a CSV's recorded hash); every file gandynamics writes still has it."""
    import json

    import matplotlib.pyplot as plt

    import gandynamics as gd
    from gandynamics import R1, VectorField, games
    from gandynamics.io import check_not_foreign, written_by_gandynamics
    fld = VectorField(games.dirac(), [R1()])
    res = gd.sweep(fld, "gd", inits=[[1.0, 1.0]], steps=5, step=0.1, engine="interpreted")
    tr = gd.simulate(fld, "gd", [1.0, 1.0], 5, 0.1, engine="interpreted")
    fig = plt.figure()
    own = []
    for ext in (".png", ".pdf", ".svg"):
        atomic_savefig(fig, tmp_path / f"own{ext}")
        own.append(tmp_path / f"own{ext}")
    plt.close(fig)
    for ext in (".csv", ".npz", ".json"):
        res.save(tmp_path / f"table{ext}")
        own.append(tmp_path / f"table{ext}")
    tr.to_csv(tmp_path / "traj.csv")
    own.append(tmp_path / "traj.csv")
    assert all(written_by_gandynamics(p) for p in own), [p.name for p in own if not written_by_gandynamics(p)]
    users = {
        "diagram.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><text>the gandynamics pipeline</text></svg>',
        "thesis.pdf": b"%PDF-1.4\n1 0 obj << /Title (On gandynamics) /Creator (LaTeX) >> endobj\n%%EOF\n",
        "notes.json": json.dumps({"columns": {"a": [1]}, "dims": [], "note": "made with gandynamics"}).encode(),
        "clip.mp4": b"\x00\x00\x00\x18ftypmp42 gandynamics in the title",
        "data.nc": b"CDF\x01 a dataset about gandynamics",
    }
    for name, data in users.items():
        (tmp_path / name).write_bytes(data)
        assert not written_by_gandynamics(tmp_path / name), name
    # a user's CSV beside a sidecar copied from a table gandynamics wrote
    (tmp_path / "mine.csv").write_text("user,own,data\n")
    (tmp_path / "mine.csv.json").write_bytes((tmp_path / "traj.csv.json").read_bytes())
    with pytest.raises(GandynamicsError, match="was changed since gandynamics wrote it"):
        check_not_foreign(tmp_path / "mine.csv", "x", "trajectory table")
    # a table edited since it was written: kept
    with open(tmp_path / "traj.csv", "a") as fh:
        fh.write("my,own,row\n")
    assert not written_by_gandynamics(tmp_path / "traj.csv")
    with pytest.raises(GandynamicsError, match="was changed since gandynamics wrote it"):
        tr.to_csv(tmp_path / "traj.csv")
    assert (tmp_path / "traj.csv").read_text().endswith("my,own,row\n")


def test_a_sidecar_name_taken_by_a_table_of_another_kind_is_named_as_such(tmp_path):
    """A review: `sweep -o q.csv` where q.csv.json was a sweep's JSON table said the file was not written by
    gandynamics; it says which kind it is."""
    import gandynamics as gd
    from gandynamics import R1, VectorField, games
    fld = VectorField(games.dirac(), [R1()])
    res = gd.sweep(fld, "gd", inits=[[1.0, 1.0]], steps=5, step=0.1, engine="interpreted")
    res.save(tmp_path / "q.csv.json")
    with pytest.raises(GandynamicsError, match=r"q\.csv\.json', which is a sweep table gandynamics wrote, not a "
                                               r"provenance file; refusing"):
        res.save(tmp_path / "q.csv")


def test_a_netcdf_tables_marker_is_found_anywhere_in_it_and_with_no_version(tmp_path):
    """A review: the .nc marker was searched in the first MB only (a 19 MB table's header attribute lies past its
    data) and needed a version string (a source checkout records "gandynamics": null), so gandynamics' own table
    could not be replaced by a rerun; a user's NetCDF that merely mentions gandynamics still is not its own."""
    from gandynamics.io import written_by_gandynamics
    pad = b"\0" * (3 << 20)
    for i, marker in enumerate((b'"written_by": "gandynamics 0.1.0"', b'"versions": {"gandynamics": null, "numpy"',
                                b'"versions": {"gandynamics": "0.1.0"')):
        (tmp_path / f"own{i}.nc").write_bytes(b"CDF\x01" + pad + marker + pad[:1000])
        assert written_by_gandynamics(tmp_path / f"own{i}.nc"), marker
    (tmp_path / "user.nc").write_bytes(b"CDF\x01" + pad + b"a dataset about gandynamics, versions: gandynamics")
    assert not written_by_gandynamics(tmp_path / "user.nc")


def test_a_folder_path_near_the_systems_limit_is_refused_as_too_long_not_as_not_writable(tmp_path):
    """A review: under a folder path of about 4,076 bytes the writable-folder probe's own name hit ENAMETOOLONG and the
    path was refused as "not writable"; the whole path's length is checked, with the temporary file's."""
    from gandynamics.io import check_output_path
    d = tmp_path
    while len(os.fsencode(str(d))) < 3890:
        d = d / ("d" * 50)
    d.mkdir(parents=True)
    name = "e" * (4090 - len(os.fsencode(str(d))) - 1 - 4)  # (a path of 4090 bytes: its temporary file's is over 4096)
    with pytest.raises(GandynamicsError) as e:
        check_output_path(d / (name + ".png"), "--out", ".png")
    assert "not writable" not in str(e.value) and ("long" in str(e.value)), e.value
