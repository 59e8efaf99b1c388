"""Writing files so that no result is ever lost: atomic replacement and output paths checked up front.

Every file gandynamics writes (tables, trajectories, figures, JSON, the gallery README) goes through
:func:`atomic_open` (or its shorthands): the content is written to a temporary file beside the target,
flushed and ``fsync``-ed, then renamed over the target with :func:`os.replace`, which is atomic on POSIX and
Windows.  A write that fails half-way (disk full, file-size limit, an exception while formatting a row)
removes the temporary file and leaves the previous file intact; a reader never sees half a file.

:func:`check_output_path` validates an output path *before* any computation (the folder exists and is
writable, the name is not a folder, the extension is one of those accepted), so that a long run never ends
with "cannot write".

Both read a path the same way (:func:`resolve_target`): ``~`` is expanded (``--out=~/t.csv``, which the shell
leaves alone), a symbolic link is followed (the file it points to is replaced and the link stays a link), and
an existing target that is not a regular file (a device such as ``/dev/full`` or ``/dev/stdout``, a named
pipe, a socket) is refused: renaming over it would replace the device node or the pipe by a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import GandynamicsError

__all__ = ["atomic_open", "atomic_files", "atomic_write_text", "atomic_write_bytes", "atomic_savefig", "check_output_path",
           "check_output_dir", "resolve_target", "sidecar_path", "check_sidecar", "check_sidecar_not_foreign",
           "is_provenance_sidecar",
           "written_by_gandynamics", "file_kind", "KINDS",
           "check_not_foreign", "FIGURE_METADATA"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_open(path, mode: str = "w", **kwargs):
    """Open a temporary file beside ``path`` for writing; on normal exit it replaces ``path`` atomically.

    Parameters
    ----------
    path : str or Path
        The target (read by :func:`resolve_target`: ``~`` expanded, a symbolic link followed).  Its folder
        must exist.
    mode : {"w", "wb"}
        Text or binary.
    **kwargs
        Passed to :func:`open` (``newline=""`` for CSV, ``encoding``).

    The new file gets the permissions of the file it replaces (or ``0o666 & ~umask`` for a new one).
    If the block raises, or flushing/syncing fails, the temporary file is removed, ``path`` is left as it
    was, and the exception propagates (an OSError names ``path`` as its ``filename``).  One file of
    :func:`atomic_files`.

    Raises
    ------
    GandynamicsError
        Before anything is written: ``path`` is a folder, an existing file that is not a regular file
        (device, named pipe, socket), or its folder does not exist.
    """
    with atomic_files() as open_:
        yield open_(path, mode, **kwargs)


@contextlib.contextmanager
def atomic_files():
    """Replace several files together, or none: ``with atomic_files() as open_:`` and ``fh = open_(path, mode,
    **kwargs)`` for each (as :func:`atomic_open`; do not close the handles).  Each is written to a temporary file
    beside its target; when the block ends normally every one is flushed and ``fsync``-ed, and only then are they
    renamed over their targets, in the order opened.  If the block raises, or a flush or sync fails, every temporary
    file is removed and no target changes: a table and its provenance sidecar are never left from two different
    writes (a sidecar that hit the file-size limit had left the new table beside the old sidecar).  An OSError of
    a write is raised with the target it was writing as its ``filename`` (the last one opened, for an error inside
    the block), so that the message names the file that could not be written."""
    staged = []  # [target, temporary path, handle]

    def open_(path, mode: str = "w", **kwargs):
        if mode not in ("w", "wb"):
            raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', got {mode!r}")
        path = resolve_target(path)
        if not path.parent.is_dir():
            raise GandynamicsError(f"cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist")
        check_replaceable(path, f"cannot write {str(path)!r}: it")
        if "b" not in mode:
            kwargs.setdefault("encoding", "utf-8")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        item = [path, tmp, None]
        staged.append(item)
        try:
            try:
                st_mode = os.stat(path).st_mode & 0o7777
            except OSError:
                st_mode = 0o666 & ~_umask()
            os.chmod(tmp, st_mode)
            item[2] = os.fdopen(fd, mode, **kwargs)
        except BaseException:
            os.close(fd)
            raise
        return item[2]

    def named(exc: OSError, path) -> OSError:
        return exc if exc.filename is not None else OSError(exc.errno, exc.strerror, str(path))

    try:
        try:
            yield open_
        except OSError as exc:
            raise named(exc, staged[-1][0] if staged else None) from exc
        for path, _, fh in staged:
            try:
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()
            except OSError as exc:
                raise named(exc, path) from exc
        while staged:
            path, tmp, fh = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
    finally:
        for _, tmp, fh in staged:
            if fh is not None:
                with contextlib.suppress(OSError):
                    fh.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


#: what a figure gandynamics writes says of its maker (recognised by :func:`written_by_gandynamics`)
FIGURE_METADATA = {"png": {"Software": "gandynamics"}, "pdf": {"Creator": "gandynamics"},
                   "svg": {"Creator": "gandynamics"}}
#: a GIF comment extension naming gandynamics, inserted before a written GIF's trailer
GIF_COMMENT = b"\x21\xfe\x0bgandynamics\x00"


def atomic_savefig(fig, path, **kwargs) -> Path:
    """``fig.savefig(path, **kwargs)`` through :func:`atomic_open` (the format is the file's extension), with
    :data:`FIGURE_METADATA` naming gandynamics as its maker (so that a later run may replace it)."""
    path = Path(path)
    kwargs.setdefault("format", path.suffix.lstrip(".").lower() or None)
    if kwargs["format"] in FIGURE_METADATA:
        kwargs.setdefault("metadata", FIGURE_METADATA[kwargs["format"]])
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, **kwargs)
    return path


#: what marks a file of each format as gandynamics' own (:func:`written_by_gandynamics`), as its writers put it: the
#: figures' metadata (:data:`FIGURE_METADATA`, as matplotlib writes it), an MP4's comment (ffmpeg's ``\xa9cmt``
#: atom), a NetCDF table's header attribute (its ``written_by`` or its provenance's versions, JSON text).  The word
#: "gandynamics" anywhere in a file was taken for them: a user's SVG or PDF that mentioned it was replaced by a
#: portrait (an adversarial review)
OWN_MARKERS = {
    ".png": re.compile(rb"Software\x00gandynamics"),
    ".pdf": re.compile(rb"/Creator \(gandynamics\)"),
    ".svg": re.compile(rb"<dc:creator>\s*<cc:Agent>\s*<dc:title>gandynamics</dc:title>"),
    ".mp4": re.compile(rb"\xa9cmt.{0,40}?gandynamics", re.DOTALL),
    ".nc": re.compile(rb'"written_by": "gandynamics |"versions": \{"gandynamics": ["n]'),
}


def names_gandynamics(record) -> bool:
    """Whether a table's JSON header (a ``.json`` table, an ``.npz``'s ``_meta``) or a provenance record names
    gandynamics as its writer: ``written_by`` (every table saved since it was added), or gandynamics among the
    ``versions`` of its provenance (the record itself, its ``provenance``, or its ``meta``'s)."""
    if not isinstance(record, dict):
        return False
    if isinstance(record.get("written_by"), str) and record["written_by"].startswith("gandynamics"):
        return True
    for prov in (record, record.get("provenance"), (record.get("meta") or {}).get("provenance")
                 if isinstance(record.get("meta"), dict) else None):
        if isinstance(prov, dict) and isinstance(prov.get("versions"), dict) and "gandynamics" in prov["versions"]:
            return True
    return False


def written_by_gandynamics(path) -> bool:
    """Whether the existing file ``path`` was written by gandynamics, so that a new run may replace it: a table with
    its provenance (a CSV's sidecar ``FILE.csv.json``, whose recorded hash the CSV must still match; the ``_meta`` of
    an ``.npz`` and a ``.json`` table, :func:`names_gandynamics`; the attributes of a ``.nc``), a figure with
    :data:`FIGURE_METADATA`, a GIF with :data:`GIF_COMMENT`, an MP4 with gandynamics as its comment
    (:data:`OWN_MARKERS`).  Anything else, or a file that cannot be read, is not (a new user's ``precious,data`` was
    replaced by ``simulate --csv`` without a word; a CSV put beside a copied sidecar, or a table edited since it was
    written, by a rerun: an adversarial review)."""
    p = Path(os.path.expanduser(str(path)))
    suffix = p.suffix.lower()
    if suffix == ".csv":
        side = sidecar_path(p)
        if not is_provenance_sidecar(side):
            return False
        record = _json_file(side)
        want = record.get(TABLE_HASH) if isinstance(record, dict) else None
        return want is None or file_sha256(p) == want
    try:
        with open(p, "rb") as fh:
            head = fh.read(1 << 20)
            if suffix in (".gif", ".mp4", ".pdf"):  # (their maker may be written at the end: a PDF's Info, a GIF's comment)
                fh.seek(max(0, p.stat().st_size - (1 << 16)))
                head += fh.read()
            elif suffix == ".nc":  # (the table's header attribute may lie past the data: the whole file, a review found
                # a 19 MB table of its own that a rerun could not replace)
                head += fh.read()
    except (OSError, ValueError):
        return False
    if suffix in OWN_MARKERS:
        return OWN_MARKERS[suffix].search(head) is not None
    if suffix == ".json":
        return names_gandynamics(_json_file(p))
    if suffix == ".npz":  # (a zip: the header is the compressed or stored _meta member, a str array of JSON)
        import io as _io
        import json
        import zipfile

        import numpy as np
        try:
            with zipfile.ZipFile(p) as z:
                if "_meta.npy" not in z.namelist():
                    return False
                meta = np.load(_io.BytesIO(z.read("_meta.npy")), allow_pickle=False)
            return names_gandynamics(json.loads(str(meta)))
        except (OSError, ValueError, zipfile.BadZipFile, KeyError):
            return False
    if suffix == ".gif":
        return GIF_COMMENT in head
    return False


#: the sidecar's entry holding the SHA-256 of the data file it describes
#: (:func:`gandynamics.provenance.write_with_sidecar`; read by :func:`written_by_gandynamics` and
#: :func:`gandynamics.provenance.read_sidecar`)
TABLE_HASH = "table_sha256"


def file_sha256(p) -> str | None:
    """The SHA-256 of the file ``p`` (hex), read in blocks; None when it cannot be read."""
    import hashlib
    h = hashlib.sha256()
    try:
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def is_provenance_sidecar(side: Path) -> bool:
    """Whether ``side`` is a table's provenance sidecar as gandynamics writes it (JSON naming gandynamics' version)."""
    import json
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    prov = data.get("provenance") if isinstance(data.get("provenance"), dict) else data  # (sweep, simulate)
    return isinstance(prov.get("versions"), dict) and "gandynamics" in prov["versions"]


#: the kinds of file the commands write (:func:`file_kind`): a sweep's table (``sweep --out``: .csv with its sidecar,
#: .npz, .json, .nc), a trajectory's states (``simulate --csv``: .csv with its sidecar), a table's provenance sidecar
#: (``FILE.csv.json``), a figure (``portrait --out``) and an animation (``portrait --animate``)
KINDS = ("sweep table", "trajectory table", "provenance file", "figure", "animation")


def _json_file(p: Path):
    import json
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def file_kind(path) -> str | None:
    """The kind (one of :data:`KINDS`) of the existing file ``path`` that gandynamics wrote, by what it holds: a CSV
    by its sidecar (a sweep's has the table's ``dims``, a trajectory's is the provenance itself), an ``.npz`` or
    ``.nc`` is a sweep's table, a ``.json`` a sweep's table (``columns`` and ``dims``) or a table's provenance
    sidecar, a figure or an animation by its extension.  None when gandynamics did not write it
    (:func:`written_by_gandynamics`) or it is of no kind a command writes (a JSON that only mentions gandynamics)."""
    p = Path(os.path.expanduser(str(path)))
    if not p.is_file() or not written_by_gandynamics(p):
        return None
    suffix = p.suffix.lower()
    if suffix == ".csv":
        side = _json_file(sidecar_path(p))
        return "sweep table" if isinstance(side, dict) and "dims" in side else "trajectory table"
    if suffix in (".npz", ".nc"):
        return "sweep table"
    if suffix == ".json":
        data = _json_file(p)
        if isinstance(data, dict) and "columns" in data and "dims" in data:
            return "sweep table"
        return "provenance file" if is_provenance_sidecar(p) else None
    return {".png": "figure", ".pdf": "figure", ".svg": "figure", ".gif": "animation", ".mp4": "animation"}.get(suffix)


def check_not_foreign(path, head: str, kind: str | None = None) -> None:
    """Refuse to replace an existing file that gandynamics did not write (:func:`written_by_gandynamics`): what a
    user keeps under a name a command is given is never lost.  With ``kind`` (one of :data:`KINDS`: what the
    command writes there), refuse also a file gandynamics wrote of another kind (:func:`file_kind`):
    ``simulate --csv sweep1.csv`` replaced a sweep's table of 150 rows by a trajectory's states without a word (a new
    user).  ``head`` starts the one-line GandynamicsError."""
    p = Path(os.path.expanduser(str(path)))
    if not p.is_file():
        return
    if not written_by_gandynamics(p):
        side = sidecar_path(p)
        if p.suffix.lower() == ".csv" and is_provenance_sidecar(side):  # (its sidecar is ours, its hash not the CSV's)
            raise GandynamicsError(f"{head} was changed since gandynamics wrote it (it no longer matches the hash its "
                                   f"provenance {str(side)!r} records), or is not the table that provenance describes; "
                                   "refusing to replace it (move or delete it, or give another file name)")
        raise GandynamicsError(f"{head} exists and was not written by gandynamics; refusing to replace it (move or "
                               "delete it, or give another file name)")
    if kind is None:
        return
    if kind not in KINDS:
        raise ValueError(f"check_not_foreign: kind must be one of {KINDS}, got {kind!r}")
    found = file_kind(p)
    if found != kind:
        side = sidecar_path(p)
        also = f" and its provenance {str(side)!r}" if p.suffix.lower() == ".csv" and side.is_file() else ""
        what = f"a {found}" if found else "a file of another kind"
        raise GandynamicsError(f"{head} is {what} that gandynamics wrote, not a {kind}; refusing to replace it with "
                               f"one (give another file name, or remove it{also} first)")


def resolve_target(path, what: str | None = None) -> Path:
    """The file a write to ``path`` replaces: ``~`` expanded and symbolic links followed.

    Raises
    ------
    GandynamicsError
        When the target is an existing folder, or an existing file that is not a regular file (a device, a
        named pipe, a socket): an atomic rename would replace it by a regular file.  ``what`` (e.g. ``"--csv"``)
        starts the message.
    """
    given = str(path)
    head = f"{what} {given!r}" if what else f"cannot write {given!r}"
    p = Path(os.path.realpath(os.path.expanduser(given)))
    try:
        st = os.stat(p)
    except OSError:
        return p
    if stat.S_ISDIR(st.st_mode):
        raise GandynamicsError(f"{head}: it is a folder; give a file name inside it")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "a named pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else
                "not a regular file")
        raise GandynamicsError(f"{head}: {str(p)!r} is {kind}, not a regular file; give a file path (results are "
                               "written to a temporary file and renamed into place)")
    return p


def _writable_dir(d: Path) -> bool:
    """Whether a file can be created in ``d``, tried as the atomic writers will do it (a temporary file, then
    removed): ``os.access`` alone says yes to root for /proc or /sys, and the result was lost after the run
    ("cannot write '/proc/x.csv'")."""
    if not os.access(d, os.W_OK | os.X_OK):
        return False
    try:
        fd, probe = tempfile.mkstemp(dir=d, prefix=".gandynamics-probe-")
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:  # (a path near PATH_MAX was said "not writable": path_refusals says it)
            raise
        return False
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return True


def check_output_path(path, what: str = "--out", suffixes: Iterable[str] = (), sidecar: bool = False,
                      kind: str | None = None) -> Path:
    """Validate an output *file* path before any computation.

    Accepted: a path whose folder exists and is writable, that is not itself a folder, and whose extension is one
    of ``suffixes`` (e.g. ``(".csv", ".npz", ".json")``, or one as a string; none given is a ValueError, so that no
    writer forgets them: ``simulate --csv x.png`` wrote a CSV file named .png).  An existing
    regular file is accepted (it will be replaced atomically) unless it is write-protected; a device, named pipe or
    socket is refused
    (:func:`resolve_target`).  With ``sidecar`` (a CSV written with its provenance in ``FILE.csv.json``,
    :func:`gandynamics.provenance.write_sidecar`) the sidecar's path is checked the same way: a folder of that name
    had stopped a sweep after its computation, its table written without provenance.  An existing file gandynamics
    did not write is refused, and with ``kind`` (one of :data:`KINDS`) one it wrote of another kind
    (:func:`check_not_foreign`).

    Raises
    ------
    GandynamicsError
        One line naming the problem and what is accepted.
    """
    suffixes = tuple(s.lower() for s in ((suffixes,) if isinstance(suffixes, str) else suffixes))
    if not suffixes:
        raise ValueError("check_output_path: give the accepted extensions (suffixes=)")
    if path is None or str(path).strip() == "":
        raise GandynamicsError(f"{what} needs a file name")
    with path_refusals(f"{what} {str(path)!r}"):
        return _check_output_path(path, what, suffixes, sidecar, kind)


@contextlib.contextmanager
def path_refusals(head: str):
    """An OSError raised while a path is checked (a name longer than the file system takes, a loop of symbolic links,
    a folder that cannot be searched) as the one-line GandynamicsError ``HEAD: <the system's reason>``: ``Path.is_dir``
    raised "File name too long" as a traceback from every command's output check (an adversarial review)."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise GandynamicsError(f"{head}: {reason[0].lower() + reason[1:] if reason else 'cannot be read'}") from None


#: bytes beyond a file's name that the names gandynamics derives from it take: the temporary file of an atomic write
#: (``.NAME.xxxxxxxx.tmp``, :func:`atomic_files`) and, for a table with provenance, its sidecar (``NAME.json``)
TEMP_NAME_EXTRA = 14
SIDECAR_NAME_EXTRA = 5


def _nearest_existing(p: Path) -> Path:
    """The nearest existing folder above ``p`` (its absolute path's; the root at worst)."""
    anc = p.absolute().parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    return anc


def check_name_length(p: Path, head: str, sidecar: bool = False) -> None:
    """Refuse, before any computation, a path with a name longer than its file system takes (``PC_NAME_MAX`` of the
    nearest existing folder, else 255 bytes), the file's own name counted with the temporary file beside it and, with
    ``sidecar``, its provenance sidecar's (:data:`TEMP_NAME_EXTRA`, :data:`SIDECAR_NAME_EXTRA`): a name of 250 bytes
    passed every check and its table could not be written after the sweep."""
    anc = _nearest_existing(p)
    try:
        name_max = int(os.pathconf(anc, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # (no pathconf, or no such limit: the common one)
        name_max = 255
    for part in p.parts[:-1]:
        if len(os.fsencode(part)) > name_max:
            raise GandynamicsError(f"{head}: the folder name {part[:40]!r}... is {len(os.fsencode(part))} bytes long, "
                                   f"more than the {name_max} this file system takes")
    extra = TEMP_NAME_EXTRA + (SIDECAR_NAME_EXTRA if sidecar else 0)
    try:
        path_max = int(os.pathconf(anc, "PC_PATH_MAX"))
    except (OSError, ValueError, AttributeError):
        path_max = 4096
    whole = len(os.fsencode(str(p.absolute())))
    if whole + extra >= path_max:  # (a folder path near PATH_MAX was said "not writable", a review)
        raise GandynamicsError(f"{head}: the path is {whole} bytes long; at most {path_max - extra - 1} are accepted "
                               f"here (the file system's {path_max}, less {extra} for the temporary file"
                               + (" and the provenance sidecar" if sidecar else "") + ")")
    n = len(os.fsencode(p.name))
    if n + extra > name_max:
        raise GandynamicsError(f"{head}: the file name is {n} bytes long; at most {name_max - extra} are accepted here "
                               f"(the file system's {name_max}, less {extra} for the temporary file of its atomic write"
                               + (" and its provenance sidecar FILE.json" if sidecar else "") + ")")


def _check_output_path(path, what, suffixes, sidecar, kind) -> Path:
    p = Path(os.path.expanduser(str(path)))
    check_name_length(p, f"{what} {str(path)!r}", sidecar)
    if p.is_dir():
        raise GandynamicsError(f"{what} {str(path)!r} is a folder; give a file name inside it")
    resolve_target(path, what)  # an existing device, pipe or socket is refused
    if p.suffix.lower() not in suffixes:
        listed = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
        raise GandynamicsError(f"{what} {str(path)!r}: the extension must be {listed}")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        raise GandynamicsError(f"{what} {str(path)!r}: the folder {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise GandynamicsError(f"{what} {str(path)!r}: {str(parent)!r} is not a folder")
    if not _writable_dir(parent):
        raise GandynamicsError(f"{what} {str(path)!r}: the folder {str(parent)!r} is not writable")
    check_replaceable(p, f"{what} {str(path)!r}")
    if sidecar:
        check_sidecar(p, f"{what} {str(path)!r}")
    check_not_foreign(p, f"{what} {str(path)!r}", kind)
    if sidecar:
        check_sidecar_not_foreign(p, f"{what} {str(path)!r}")
    return p


def sidecar_path(path) -> Path:
    """``FILE.csv`` -> ``FILE.csv.json`` (the suffix is appended, so ``a.csv`` and ``a.npz`` never collide): where
    :func:`gandynamics.provenance.write_sidecar` puts a CSV's provenance."""
    p = Path(path)
    return p.with_name(p.name + ".json")


def check_target(path, kind: str) -> None:
    """Refuse, before a library writer writes ``path``, to replace a file that is write-protected
    (:func:`check_replaceable`), that gandynamics did not write, or that it wrote of another ``kind`` (one of
    :data:`KINDS`; :func:`check_not_foreign`), and for a ``.csv`` its provenance sidecar ``FILE.csv.json`` likewise:
    the rule of the command line's outputs (:func:`check_output_path`) for ``SweepResult.save`` and
    ``Trajectory.to_csv`` too (``save("notmine.csv")`` replaced a user's file, a new user's
    finding).  One-line GandynamicsError."""
    head = repr(str(path))
    csv = str(path).lower().endswith(".csv")
    with path_refusals(head):
        check_name_length(Path(os.path.expanduser(str(path))), head, sidecar=csv)
        check_replaceable(path, head)
        check_not_foreign(path, head, kind)
        if csv:  # (its provenance sidecar too: a user's FILE.csv.json was replaced)
            check_sidecar_not_foreign(path, head)
            check_replaceable(sidecar_path(path), repr(str(sidecar_path(path))))


def check_replaceable(path, head: str) -> None:
    """Refuse to replace a file its owner write-protected (no write permission bit, or none for this user): the atomic
    rename needs only the folder's permission, and a protected file was silently overwritten (also as root, for whom
    ``os.access`` allows everything: the mode bits are read too).  ``head`` starts the one-line GandynamicsError."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:  # (no such file: nothing to protect)
        return
    if stat.S_ISREG(st.st_mode) and (not st.st_mode & 0o222 or not os.access(p, os.W_OK)):
        raise GandynamicsError(f"{head} is write-protected (mode {st.st_mode & 0o777:o}); make it writable "
                               "(chmod u+w) or give another file name")


def check_sidecar(path, head: str | None = None) -> None:
    """Refuse, before anything is written, a data file whose sidecar cannot be written: its name is a folder, a
    device, a pipe or a socket (a folder of that name had stopped a sweep after its computation, its table written
    without provenance).  ``head`` starts the one-line GandynamicsError (default ``cannot write 'FILE'``)."""
    side = sidecar_path(path)
    head = head or f"cannot write {str(path)!r}"
    if side.is_dir():
        raise GandynamicsError(f"{head}: its provenance goes to {str(side)!r}, which is a folder; remove it or give "
                               "another file name")
    resolve_target(str(side), f"{head}: its provenance file")  # a device, pipe or socket is refused
    check_replaceable(side, f"{head}: its provenance file {str(side)!r}")


def check_sidecar_not_foreign(path, head: str) -> None:
    """Refuse to replace a file of the sidecar's name (``FILE.csv.json``) that is no provenance gandynamics wrote:
    notes a user kept beside a table were replaced by ``simulate --csv`` and ``sweep --out`` (a new user's finding),
    which refuse a foreign ``FILE.csv`` itself (:func:`check_not_foreign`)."""
    side = sidecar_path(Path(os.path.expanduser(str(path))))
    if side.is_file() and not is_provenance_sidecar(side):
        kind = file_kind(side)  # (a sweep's JSON table of that name was said "not written by gandynamics", a review)
        what = f"which is a {kind} gandynamics wrote, not a provenance file" if kind else \
            "which exists and was not written by gandynamics"
        raise GandynamicsError(f"{head}: its provenance goes to {str(side)!r}, {what}; refusing to replace it (move "
                               "or delete it, or give another file name)")


def check_output_dir(path, what: str = "--out") -> Path:
    """Validate an output *folder* before any computation: an existing writable folder, or a new one in an
    existing writable folder (created when writing).  An existing *file* is refused, and so is a path whose parent
    folder does not exist either: ``reproduce --out /nonexistent/x`` created both, a typo's stray folders (a new
    user's trial), where a file's --out in a missing folder is refused."""
    if path is None or str(path).strip() == "":
        raise GandynamicsError(f"{what} needs a folder name")
    with path_refusals(f"{what} {str(path)!r}"):
        return _check_output_dir(path, what)


def _check_output_dir(path, what: str) -> Path:
    p = Path(os.path.expanduser(str(path)))
    check_name_length(p / "x", f"{what} {str(path)!r}")  # (its folders' names; the files' own are short)
    if p.exists():
        if not p.is_dir():
            raise GandynamicsError(f"{what} {str(path)!r} is an existing file, not a folder; give a folder")
        if not _writable_dir(p):
            raise GandynamicsError(f"{what} {str(path)!r}: the folder is not writable")
        return p
    anc = _nearest_existing(p)
    if not anc.is_dir():
        raise GandynamicsError(f"{what} {str(path)!r}: {str(anc)!r} is a file, not a folder")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        raise GandynamicsError(f"{what} {str(path)!r}: its parent folder {str(parent)!r} does not exist; give a new "
                               "folder inside an existing one, or create the parent first")
    if not _writable_dir(anc):
        raise GandynamicsError(f"{what} {str(path)!r}: cannot create it inside {str(anc)!r} (not writable)")
    return p


def describe_oserror(exc: OSError, path) -> str:
    """One line for a failed write: ``cannot write 'x.csv': No space left on device``; the file named is the one
    the error names (:func:`atomic_files` sets it: a table's sidecar), else ``path``."""
    reason = exc.strerror or (errno.errorcode.get(exc.errno, "") if exc.errno else "") or str(exc)
    where = exc.filename if isinstance(exc.filename, str) and not os.path.basename(exc.filename).endswith(".tmp") \
        else path
    return f"cannot write {str(where)!r}: {reason} (the previous file, if any, is unchanged)"
