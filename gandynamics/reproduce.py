r"""The registry of reproduced figures and the runner behind ``gandynamics reproduce``.

A *study* is a function ``study(ctx)`` that computes what a paper figure shows, draws it, saves it with
:meth:`Context.save`, and records every number the figure rests on with :meth:`Context.check`: a value
computed by the library beside an independent reference (a closed form of docs/mathematics.md, or a prediction
against a measurement), a tolerance, and whether they agree.  The runner writes, into the output folder
(``figures/`` by default),

* the images (PNG, and PDF with ``pdf=True``),
* ``<study>.json`` — the study's parameters and checked numbers,
* ``README.md`` — a gallery assembled from every ``<study>.json`` present: image, the paper figure it
  corresponds to, the exact parameters, and the checks.

A study whose building blocks are missing from this checkout (``needs``) is reported as such, never
faked.

A study's files are written when it has finished, each only where its content changed beyond the last
digits (:func:`same_content`: numbers of the JSON and the tables within a relative ``1e-9`` or an absolute
``1e-12``, pictures within a few pixels by a few levels): the last digits of eigenvalue routines, SDP solvers and
compiled kernels vary with the CPU and the BLAS build, and a run that reproduces the recorded results to that
precision leaves the folder (a version-controlled ``figures/``) exactly as it was.

Nothing is lost: every file is written atomically (:mod:`gandynamics.io`), and the runner never replaces a
file it did not write — a file in the output folder is replaced only when gandynamics wrote it (recognised
by its content: the gallery's marker line, the ``Software: gandynamics`` tag of a PNG, the creator of a PDF,
the fields of a study's JSON; see :func:`written_by_gandynamics`); the README and the studies' JSON are
checked before any study runs.  Ctrl-C cancels the queued studies, stops the worker processes, and keeps
what finished (its files, and a README listing it).  The studies live in :mod:`gandynamics.studies`; the scripts ``studies/fig_*.py`` of the
repository are thin entry points to the same functions.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import os
import re
import time
import traceback
from dataclasses import asdict, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .errors import GandynamicsError, names_refusal
from .io import atomic_write_bytes, atomic_write_text, check_output_dir
from .studies.base import STUDIES, Study, register
from ._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["Check", "Study", "Context", "StudyResult", "STUDIES", "register", "studies", "run", "write_readme",
           "script_main"]


@dataclass
class Check:
    """One checked number: ``computed`` (by the library) against ``reference`` (closed form or
    prediction), agreeing when ``|computed - reference| <= tol`` (or when ``passed`` was set directly for
    qualitative checks)."""

    what: str
    computed: object
    reference: object
    source: str
    tol: float | None = None
    passed: bool = True

    def to_dict(self) -> dict:
        """The check as written to ``<study>.json`` (its own encoding of the figures' records: a complex number as
        the text ``a + bi``, a non-finite number as ``"nan"``/``"inf"``/``"-inf"``)."""
        return {k: _jsonable(v) for k, v in asdict(self).items()}

    from .jsonio import as_dict_deprecated as as_dict

    def __repr__(self) -> str:
        from ._display import study_check_text
        return study_check_text(self)


@dataclass
class StudyResult:
    name: str
    title: str
    paper: str
    images: list = field(default_factory=list)      # [(file stem, caption)]
    params: dict = field(default_factory=dict)
    checks: list = field(default_factory=list)      # [Check]
    notes: list = field(default_factory=list)
    tables: list = field(default_factory=list)      # markdown blocks
    missing: str = ""
    error: str = ""
    seconds: float = 0.0
    provenance: list = field(default_factory=list)  # gandynamics.provenance records of the fields drawn

    @property
    def ok(self) -> bool:
        return not self.missing and not self.error and all(c.passed for c in self.checks)

    def to_dict(self) -> dict:
        """The study's record as written to ``<study>.json``: reproducible content only (the time it took,
        the date and the host go to the untracked run log, :data:`RUN_LOG`), so that regenerating the figures
        leaves a version-controlled folder unchanged unless a result changed."""
        d = {k: getattr(self, k) for k in ("name", "title", "paper", "params", "notes", "tables", "missing",
                                              "error")}
        d["images"] = [list(x) for x in self.images]
        d["checks"] = [c.to_dict() for c in self.checks]
        d["ok"] = self.ok
        from .provenance import environment
        d["provenance"] = _reproducible({**environment(), "fields": self.provenance})
        return _jsonable(d)

    from .jsonio import as_dict_deprecated as as_dict

    def __repr__(self) -> str:
        from ._display import study_text
        return study_text(self)

    def _repr_html_(self) -> str:
        from ._display import study_html
        return study_html(self)


def _jsonable(o):
    if isinstance(o, (np.floating, float)):
        o = float(o)
        return o if math.isfinite(o) else ("inf" if o > 0 else "-inf" if o < 0 else "nan")
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.bool_,)):
        return bool(o)
    if isinstance(o, complex) or isinstance(o, np.complexfloating):
        return _fmt_complex(complex(o))
    if isinstance(o, np.ndarray):
        return _jsonable(o.tolist())
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    return o


def _fmt_complex(z: complex) -> str:
    if abs(z.imag) < 1e-15:
        return f"{z.real:z.10g}"
    return f"{z.real:z.10g} {'+' if z.imag >= 0 else '-'} {abs(z.imag):z.10g}i"


class Context:
    """What a study writes into: images, parameters, checks, notes, tables."""

    def __init__(self, study: Study, out: Path, formats: Sequence[str] = ("png",)):
        self.study = study
        self.out = Path(out)
        self.formats = tuple(formats)
        self.result = StudyResult(study.name, study.title, study.paper)
        #: the files the study made, ``{path: bytes}``: written by :func:`run_study` when the study has finished,
        #: each where its content changed (:func:`same_content`)
        self.files: dict = {}

    def param(self, **kw) -> None:
        """Record the exact parameters of the figure."""
        self.result.params.update(kw)

    def note(self, text: str) -> None:
        self.result.notes.append(text)

    def provenance(self, field, **kw) -> None:
        """Record how a drawn result was made: :func:`gandynamics.provenance.provenance` of ``field`` with
        ``method``, ``options``, ``steps``, ``seed``, ``params`` and extras, written to ``<study>.json``."""
        from .provenance import provenance
        self.result.provenance.append(provenance(field, **kw))

    def table(self, markdown: str) -> None:
        self.result.tables.append(markdown)

    def save(self, fig, stem: str, caption: str) -> None:
        """Render ``fig`` as ``stem.png`` (and ``stem.pdf``) and close it; the files are written when the study has
        finished, where they changed (:func:`run_study`).  A file of that name that gandynamics did not write is never replaced
        (:class:`GandynamicsError`, raised here, before the study goes on)."""
        import matplotlib.pyplot as plt
        from .plotting import fit_suptitle
        try:
            fit_suptitle(fig)  # (a suptitle wider than the figure, wrapped)
            for fmt in self.formats:
                path = self.out / f"{stem}.{fmt}"
                refuse_foreign(path)
                buf = io.BytesIO()
                fig.savefig(buf, format=fmt, metadata=_METADATA.get(fmt))
                self.files[path] = buf.getvalue()
        finally:
            plt.close(fig)
        self.result.images.append((stem, caption))

    def write_text(self, name: str, text: str) -> Path:
        """A text file (a table) of the study in the output folder, written when the study has finished, where
        it changed (:func:`run_study`), never replacing a file gandynamics did not write.  Markdown files get the marker line
        of :data:`MARKER`.  Returns the file's path."""
        path = self.out / name
        refuse_foreign(path)
        if path.suffix == ".md" and MARKER not in text:
            text = text.rstrip("\n") + "\n\n" + MARKER + "\n"
        self.files[path] = text.encode("utf-8")
        return path

    def check(self, what: str, computed, reference, source: str, tol: float | None = None,
              passed: bool | None = None, rel: bool = False) -> Check:
        """Record ``computed`` against ``reference``.  Numeric (real or complex) values agree when
        ``|computed - reference| <= tol`` (times ``|reference|`` with ``rel=True``); arrays elementwise;
        ``passed`` overrides for qualitative checks."""
        if passed is None:
            if tol is None:
                raise GandynamicsError("a numeric check needs a tolerance (or passed=...)")
            c = np.asarray(computed, dtype=complex)
            r = np.asarray(reference, dtype=complex)
            err = np.abs(c - r)
            bound = tol * (np.abs(r) if rel else 1.0)
            passed = bool(c.shape == r.shape or r.size == 1) and bool(np.all(np.isfinite(err)) and np.all(err <= bound))
        chk = Check(what, _simplify(computed), _simplify(reference), source, tol, bool(passed))
        self.result.checks.append(chk)
        return chk


def _simplify(v):
    a = np.asarray(v)
    if a.dtype.kind == "c":
        if np.all(np.abs(a.imag) < 1e-300):
            a = a.real
        else:
            return [_fmt_complex(complex(x)) for x in a.ravel()] if a.ndim else _fmt_complex(complex(a))
    if a.dtype.kind in "fi" and a.ndim == 0:
        return float(a)
    if a.dtype.kind in "fi":
        return [float(x) for x in a.ravel()]
    return v


# ---------------------------------------------------------------------------------------------- ownership
#: the line that marks a markdown file (the gallery README, tables) as written by gandynamics
MARKER = "<!-- written by gandynamics reproduce: regenerated on every run, edits are lost -->"
_METADATA = {"png": {"Software": "gandynamics"}, "pdf": {"Creator": "gandynamics"}, "svg": None}
#: the first line of galleries written before the marker line existed
_LEGACY_TITLES = ("# Figures reproduced by gandynamics", "# Spectra of the built-in games")


def written_by_gandynamics(path) -> bool:
    """Whether the existing file ``path`` was written by gandynamics (so a new run may replace it).

    Recognised by content: a markdown file with :data:`MARKER` (or the first line of an earlier gallery), a JSON
    object with a study result's fields (``name``, ``checks``, ``ok``), and the figures and tables of every command
    as :func:`gandynamics.io.written_by_gandynamics` recognises them (a PNG's ``Software: gandynamics``, a PDF's
    creator, ...)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    suffix = path.suffix.lower()
    if suffix == ".md":
        text = head.decode("utf-8", "replace")
        return MARKER in text or text.splitlines()[0].strip() in _LEGACY_TITLES if text else False
    if suffix == ".json":
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(d, dict) and {"name", "checks", "ok"} <= set(d)
    from .io import written_by_gandynamics as written  # (a figure or table of the commands)
    return written(path)


def refuse_foreign(path) -> None:
    """Raise :class:`GandynamicsError` if ``path`` exists and gandynamics did not write it."""
    path = Path(path)
    if path.exists() and (path.is_dir() or not written_by_gandynamics(path)):
        raise GandynamicsError(f"{str(path)!r} exists and was not written by gandynamics; refusing to replace it "
                               "(choose another --out folder, or move the file)")


# ---------------------------------------------------------------------------------------------- registry


def name_width() -> int:
    """The width of the column of study names in the tables ``reproduce`` prints: the longest registered name (at
    least 18 characters), so that every row's columns line up ("stability-boundaries" had pushed its row's right)."""
    return max([18] + [len(n) for n in studies()])


def studies() -> dict[str, Study]:
    """All registered studies, in gallery order (loads :mod:`gandynamics.studies`)."""
    from .studies import STUDY_MODULES  # noqa: F401  (importing them registers their studies)
    return dict(sorted(STUDIES.items(), key=lambda kv: (kv[1].order, kv[0])))


def missing_needs(study: Study) -> list[str]:
    """The requirements of ``study`` that this checkout lacks."""
    out = []
    for need in study.needs:
        if need.startswith("game:"):
            from .games import GAMES
            if need[5:] not in GAMES:
                out.append(f"game {need[5:]!r}")
            continue
        mod, _, attr = need.partition(":")
        try:
            m = importlib.import_module(mod)
        except ImportError:
            out.append(mod)
            continue
        if attr and not hasattr(m, attr):
            out.append(f"{mod}.{attr}")
    return out


def run_study(study: Study, out: Path, formats=("png",)) -> StudyResult:
    """Run one study (never raises for the study's own failures: they are recorded)."""
    from .plotting import style
    ctx = Context(study, out, formats)
    t0 = time.perf_counter()
    miss = missing_needs(study)
    if miss:
        ctx.result.missing = "not yet available in this checkout: " + ", ".join(miss)
    else:
        try:
            with style():
                study.func(ctx)
        except Exception as exc:  # recorded, shown in README and by the CLI
            ctx.result.error = f"{type(exc).__name__}: {exc}"
            ctx.result.notes.append("traceback:\n" + traceback.format_exc(limit=6))
    ctx.result.seconds = round(time.perf_counter() - t0, 2)
    Path(out).mkdir(parents=True, exist_ok=True)
    path = Path(out) / f"{study.name}.json"
    refuse_foreign(path)
    files = dict(ctx.files)
    files[path] = (json.dumps(ctx.result.to_dict(), indent=1) + "\n").encode("utf-8")
    for p, data in files.items():  # each file rewritten only where its content changed (same_content)
        if not same_content(p, data):
            atomic_write_bytes(p, data)
    _log_run(out, ctx.result)
    return ctx.result


#: results that differ by at most this relative amount (or :data:`AGREE_ABS`) are the same result
AGREE_REL = 1e-9
AGREE_ABS = 1e-12
#: an image is the same picture when at most this fraction of its pixels differ, each by at most
#: :data:`PIXEL_LEVELS` of 255 (a last-digit change of the data moves an anti-aliased edge by a level here and
#: there: 2 and 16 pixels of two gallery figures; a moved legend or line changes thousands by up to 255)
PIXEL_FRACTION = 1e-3
PIXEL_LEVELS = 4
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _close(a: float, b: float) -> bool:
    if a == b or (math.isnan(a) and math.isnan(b)):
        return True
    return abs(a - b) <= AGREE_REL * max(abs(a), abs(b)) + AGREE_ABS


def same_content(path: Path, data: bytes) -> bool:
    """Whether the existing file ``path`` already holds what ``data`` would write, up to the last digits that vary
    with the machine: a study's JSON or a text with the same words and every number within :data:`AGREE_REL`
    (:func:`results_agree`), a PNG of the same size whose pixels differ in at most :data:`PIXEL_FRACTION` of them
    by at most :data:`PIXEL_LEVELS` levels, anything else byte for byte.  False when ``path`` is missing or
    unreadable."""
    try:
        old = path.read_bytes()
    except OSError:
        return False
    if old == data:
        return True
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return results_agree(json.loads(data), json.loads(old))
        if suffix in (".md", ".txt", ".csv"):
            return results_agree(data.decode("utf-8"), old.decode("utf-8"))
        if suffix == ".png":
            import matplotlib.image as mpimg
            a, b = mpimg.imread(io.BytesIO(data), format="png"), mpimg.imread(io.BytesIO(old), format="png")
            if a.shape != b.shape:
                return False
            d = np.abs(a.astype(float) - b.astype(float)).max(axis=-1) if a.ndim == 3 else np.abs(a - b)
            return bool(d.max() <= PIXEL_LEVELS / 255 + 1e-9 and np.count_nonzero(d) <= PIXEL_FRACTION * d.size)
    except (ValueError, UnicodeDecodeError, SyntaxError, OSError):
        return False
    return False


def results_agree(new, old) -> bool:
    """Whether two study records (``<study>.json``, as dicts) hold the same results: the same structure, texts
    and flags, and every number within a relative :data:`AGREE_REL` or an absolute :data:`AGREE_ABS` of the
    other, numbers written inside texts (tables, formatted complex values) included.  The package versions of the
    provenance are not compared: what is kept beside kept results is the record that produced them."""
    if isinstance(new, dict) and isinstance(old, dict):
        if new.keys() != old.keys():
            return False
        return all(k == "versions" or results_agree(new[k], old[k]) for k in new)
    if isinstance(new, list) and isinstance(old, list):
        return len(new) == len(old) and all(results_agree(a, b) for a, b in zip(new, old))
    if isinstance(new, bool) or isinstance(old, bool) or new is None or old is None:
        return new is old or new == old and type(new) is type(old)
    if isinstance(new, (int, float)) and isinstance(old, (int, float)):
        return _close(float(new), float(old))
    if isinstance(new, str) and isinstance(old, str):
        if new == old:
            return True
        a, b = _NUMBER.split(new), _NUMBER.split(old)
        if a != b:  # the words between the numbers differ
            return False
        return all(_close(float(x), float(y)) for x, y in zip(_NUMBER.findall(new), _NUMBER.findall(old)))
    return False


def _worker_init() -> None:
    """A study process: one numba thread (the processes already share the cores), Ctrl-C left to the
    parent (which cancels the queue and stops the workers), warnings and notices kept off the terminal; the libraries every
    study uses imported first and frozen out of the cyclic garbage collector's reach (``gc.freeze``), so that
    its full collections walk only what the studies build, not sympy's, numba's and matplotlib's own objects."""
    import gc
    import signal
    import warnings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")
    import logging
    # the parent's bar says what runs: a worker's own notice of a long compile (written to standard error in a
    # process that configured no logging, gandynamics.log) would cut through it
    logging.getLogger("gandynamics").setLevel(logging.WARNING)
    import matplotlib.pyplot  # noqa: F401
    import numba
    import scipy.integrate  # noqa: F401
    import scipy.optimize  # noqa: F401

    from . import studies  # noqa: F401 -- the study registry and with it the library
    numba.set_num_threads(1)
    gc.collect()
    gc.freeze()


def _stop_pool(pool) -> None:
    """Cancel the queued studies and stop the worker processes now (their finished files are complete:
    every write is atomic)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # before shutdown, which forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():  # pragma: no cover - a worker stuck in uninterruptible code
            p.kill()
            p.join(timeout=5)


def check_out(out, names) -> Path:
    """Validate the output folder before any study runs: a folder (or creatable), and its README and the
    studies' JSON files, where they exist, written by gandynamics (never replaced otherwise)."""
    out = check_output_dir(out)
    for name in ["README.md"] + [f"{n}.json" for n in names]:
        refuse_foreign(out / name)
    return out


def run(names: Sequence[str] | None = None, out="figures", pdf: bool = False, progress=None,
        jobs: int | None = None) -> list[StudyResult]:
    """Run the named studies (all by default) into ``out`` and rewrite ``out/README.md``.

    Parameters
    ----------
    names : sequence of str, optional
    out : path
    pdf : bool
        Also write PDFs.
    progress : callable, optional
        ``progress(iterable, total=...)`` wrapper (the CLI passes ``tqdm``).
    jobs : int, optional
        Studies run in this many processes at once (default: one per CPU); 1 runs them in this process.
        Results are the same either way (each study is deterministic and writes only its own files).
    """
    reg = studies()
    names = list(names) if names else list(reg)
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise GandynamicsError(names_refusal(unknown, "figure", reg))
    if jobs is not None:
        from .validate import whole
        jobs = whole(jobs, "jobs")
    out = check_out(out, names)
    formats = ("png", "pdf") if pdf else ("png",)
    todo = [reg[n] for n in names]
    jobs = min(jobs or os.cpu_count() or 1, len(todo))
    wrap = progress if progress is not None else (lambda it, total=None: it)
    done: dict = {}
    try:
        if jobs == 1:
            it = wrap(todo, total=len(todo))
            for st in it:
                if hasattr(it, "set_postfix_str"):
                    it.set_postfix_str(st.name)
                done[st.name] = run_study(st, out, formats)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed
            # the slowest studies first, so the processes finish together
            order = sorted(todo, key=lambda st: -_last_seconds(out, st.name))
            pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)
            try:
                futures = {pool.submit(run_study, st, out, formats): st.name for st in order}
                for fut in wrap(as_completed(futures), total=len(futures)):
                    done[futures[fut]] = fut.result()
            except BaseException:
                _stop_pool(pool)
                raise
            pool.shutdown(wait=True)
    except KeyboardInterrupt as exc:
        # keep what finished: its files are written (atomically); the gallery lists what is there
        write_readme(out)
        exc.finished = [done[st.name] for st in todo if st.name in done]
        raise
    write_readme(out)
    return [done[st.name] for st in todo]


#: the untracked log of the last runs beside the figures: per study, seconds, date and host
RUN_LOG = ".run-log.json"
_VOLATILE = ("date", "host", "seconds")


def _reproducible(record):
    """``record`` without the keys that change from run to run (date, host, seconds), recursively."""
    if isinstance(record, dict):
        return {k: _reproducible(v) for k, v in record.items() if k not in _VOLATILE}
    if isinstance(record, list):
        return [_reproducible(v) for v in record]
    return record


def _read_log(out) -> dict:
    try:
        return json.loads((Path(out) / RUN_LOG).read_text())
    except (OSError, ValueError):
        return {}


def _log_run(out, result) -> None:
    """Record the study's time, date and host in the run log (not in tracked files)."""
    from .provenance import environment
    log = _read_log(out)
    env = environment()
    log[result.name] = {"seconds": result.seconds, "date": env["date"], "host": env["host"]}
    try:
        atomic_write_text(Path(out) / RUN_LOG, json.dumps(log, indent=1, sort_keys=True) + "\n")
    except OSError:  # a log that cannot be written costs only the scheduling order of the next run
        pass


def _last_seconds(out: Path, name: str) -> float:
    """How long the study took last time (0 if never run): used to schedule the slow ones first."""
    try:
        return float(_read_log(out).get(name, {}).get("seconds", 0.0))
    except (TypeError, ValueError):
        return 0.0


def _load_results(out: Path) -> list[dict]:
    reg = studies()
    res = []
    for name in reg:
        p = out / f"{name}.json"
        if p.exists():
            try:
                res.append(json.loads(p.read_text()))
            except json.JSONDecodeError:
                continue
    return res


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:z.10g}"
    if isinstance(v, list):
        if len(v) > 6:
            return "[" + ", ".join(_cell(x) for x in v[:3]) + f", … ({len(v)} values)]"
        return "[" + ", ".join(_cell(x) for x in v) + "]"
    return str(v).replace("|", "\\|").replace("\n", " ")


def write_readme(out="figures") -> Path:
    """Assemble ``out/README.md`` from every ``<study>.json`` in ``out``."""
    from .verdict import POW_MAX
    out = Path(out)
    res = _load_results(out)
    lines = ["# Figures reproduced by gandynamics", "",
             "Regenerate everything with `gandynamics reproduce` (one figure: `gandynamics reproduce NAME`; "
             "list: `gandynamics reproduce --list`).  Every curve, arrow and eigenvalue below is computed by the "
             "library from the game's field (symbolic F and DF, compiled with numba); closed forms appear "
             "as *checks* in the tables and, labelled as such in a legend, as reference lines drawn over "
             "the computed ones (the step limit h = γ/f'(0)² in rate-maps and stability-boundaries, e^(−γt) in "
             "r1-manifold, the normal form's amplitude and period in hopf-cycle), never in place of a computed curve.  Each check compares a number computed by the "
             "library with an independent reference (a closed form of `docs/mathematics.md`, or a predicted against a "
             "measured rate).", "",
             "Trajectories are read as `docs/mathematics.md` §5.6 states: *converging* (the distance reached the "
             "rounding floor, or its envelope fell by half between the first and last quarter and the log-rate "
             "over the last half is negative beyond three times its uncertainty and the envelope is still falling; or "
             "it fell by two orders of magnitude and is still falling at the end, its band of distances too), "
             "*growing* (within the bound, its envelope doubled and still rising, at a significant rate above 1 or like k^p, "
             f"p >= {-POW_MAX:zg}, or it rose 100-fold and is still rising), *diverged* (with step and reason), *stopped* (the method could not take its next step), otherwise "
             "*bounded, not converging*.  A check passes when |computed - reference| <= tol "
             "(the tolerance is in its row); certified constants are rigorous enclosures, and a claimed constant "
             "holds up to the relative tolerance printed with it (`docs/mathematics.md` §5.7).", "",
             f"How long each study took, and when and where it last ran, is in `{RUN_LOG}` beside this file "
             "(not tracked: regenerating the figures changes tracked files only where a result changed).", ""]
    total = sum(len(r.get("checks", [])) for r in res)
    passed = sum(1 for r in res for c in r.get("checks", []) if c.get("passed"))
    lines += [f"**{passed} of {total} checks pass.**", "", "| figure | paper | status |", "|---|---|---|"]
    for r in res:
        status = ("missing: " + r["missing"]) if r.get("missing") else ("error" if r.get("error") else
                                                                       ("ok" if r.get("ok") else "check failed"))
        lines.append(f"| [{r['name']}](#{r['name']}) | {_cell(r['paper'])} | {_cell(status)} |")
    lines.append("")
    for r in res:
        lines += [f"## {r['name']}", "", f"**{r['title']}** — {r['paper']}", ""]
        if r.get("missing"):
            lines += [f"> Not generated: {r['missing']}.", ""]
        if r.get("error"):
            lines += [f"> Failed: `{r['error']}`", ""]
        for stem, caption in r.get("images", []):
            lines += [f"![{caption}]({stem}.png)", "", f"*{caption}*", ""]
        if r.get("params"):
            lines += ["Parameters:", ""]
            lines += [f"- `{k}` = {_cell(v)}" for k, v in r["params"].items()]
            lines.append("")
        if r.get("checks"):
            lines += ["| check | computed | reference | source | tol | ok |", "|---|---|---|---|---|---|"]
            for c in r["checks"]:
                tol = "" if c.get("tol") is None else f"{c['tol']:z.0e}"
                lines.append(f"| {_cell(c['what'])} | {_cell(c['computed'])} | {_cell(c['reference'])} | "
                             f"{_cell(c['source'])} | {tol} | {'✓' if c['passed'] else '✗'} |")
            lines.append("")
        for t in r.get("tables", []):
            lines += [t, ""]
        for n in r.get("notes", []):
            if n.startswith("traceback:"):
                continue
            lines += [f"- {n}"]
        if r.get("notes"):
            lines.append("")
    lines += [MARKER]
    path = out / "README.md"
    out.mkdir(parents=True, exist_ok=True)
    refuse_foreign(path)
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def script_main(name: str, argv=None) -> int:
    """Entry point of ``studies/fig_*.py``: ``python studies/fig_x.py [--out DIR] [--pdf]``."""
    import argparse
    p = argparse.ArgumentParser(description=f"Reproduce figure {name!r} (see gandynamics reproduce --list).")
    p.add_argument("--out", default="figures", help="output folder (default: figures)")
    p.add_argument("--pdf", action="store_true", help="also write PDFs")
    a = p.parse_args(argv)
    try:
        (res,) = run([name], out=a.out, pdf=a.pdf)
    except GandynamicsError as exc:
        p.exit(2, f"{p.prog}: error: {exc}\n")  # (one line on stderr, status 2: as every command's bad input)
    _print_result(res)
    return 0 if res.ok else 1


def _print_result(res: StudyResult, file=None) -> None:
    import sys
    f = file or sys.stdout
    n_ok = sum(c.passed for c in res.checks)
    status = "missing" if res.missing else "error" if res.error else "ok" if res.ok else "CHECK FAILED"
    w = name_width()
    counts = f"{n_ok}/{len(res.checks)}"
    print(f"{res.name:<{w}} {status:<12} {counts:>7} checks  {res.seconds:z6.1f} s  "
          f"{', '.join(s + '.png' for s, _ in res.images)}", file=f)
    if res.missing:
        print(f"    {res.missing}", file=f)
    if res.error:
        print(f"    {res.error}", file=f)
    for c in res.checks:
        if not c.passed:
            print(f"    failed: {c.what}: computed {c.computed} vs {c.reference} ({c.source})", file=f)
