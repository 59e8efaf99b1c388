"""sympy -> Python source -> Numba, cached on disk by a hash of the source.

The expressions of F and DF are reduced by :func:`gandynamics._cse.cse` (sympy's cse, with a choice of signs in
linear time), printed into a real ``.py`` module in a cache directory (:func:`cache_dir`: ``$GANDYNAMICS_CACHE_DIR``, else the platform's user cache folder,
``$XDG_CACHE_HOME/gandynamics`` or ``~/.cache/gandynamics`` on Linux) named by the SHA-256 of its source, imported, and compiled with ``@njit(cache=True)`` so that a second process loads the machine
code instead of recompiling (numba cannot cache ``njit(lambdify(...))``: numba #5128/#3501).

Generated functions (``z`` the state, ``p`` the hyperparameter vector, ``out`` preallocated):

* ``field(z, p, out)``     — ``out[:] = F(z; p)``
* ``jacobian(z, p, out)``  — ``out[:, :] = DF(z; p)``

plus any *kernel templates* appended by the caller (the integrators of :mod:`gandynamics.kernels`),
which call ``field``/``jacobian`` by name so that each generated module is self-contained and cacheable
(passing jitted functions as arguments breaks ``cache=True``: numba #6251).
Hyperparameters are arguments, never constants: changing gamma never recompiles.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ._cse import cse
from ._interpreted import deep_recursion
from .errors import GandynamicsError, GandynamicsWarning
from .log import notice_if_slow

__all__ = ["cache_dir", "cache_location", "generate_source", "load_module", "CODEGEN_VERSION",
           "read_cached_text", "write_cached_text", "check_printable", "SUPPORTED_FUNCTIONS"]

CODEGEN_VERSION = "6"

#: cache folders already checked in this process (path -> the folder to use)
_CHECKED: dict = {}


def cache_location() -> tuple[Path, str]:
    """The configured cache folder and where the setting comes from: ``$GANDYNAMICS_CACHE_DIR`` if set,
    else the platform's user cache folder (platformdirs: ``$XDG_CACHE_HOME/gandynamics``,
    ``~/.cache/gandynamics`` on Linux, ``~/Library/Caches/gandynamics`` on macOS, ``%LOCALAPPDATA%`` on
    Windows)."""
    d = os.environ.get("GANDYNAMICS_CACHE_DIR")
    if d:
        return Path(d).expanduser(), "GANDYNAMICS_CACHE_DIR"
    import platformdirs
    src = "XDG_CACHE_HOME" if os.environ.get("XDG_CACHE_HOME") else "platform default"
    return Path(platformdirs.user_cache_dir("gandynamics", appauthor=False)), src


def _usable(path: Path) -> str | None:
    """None if ``path`` can be created and written, else the reason."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def cache_dir() -> Path:
    """Where generated modules live (:func:`cache_location`).

    A folder that cannot be created or written (read-only, no permission, a file in the way) is replaced,
    for the rest of the process, by a private temporary folder (removed at exit), with one
    :class:`~gandynamics.errors.GandynamicsWarning`: compiled code is then not kept between runs.
    """
    path, src = cache_location()
    use = _CHECKED.get(path)
    if use is None:
        reason = _usable(path)
        if reason is None:
            use = path
        else:
            use = Path(tempfile.mkdtemp(prefix="gandynamics-cache-"))
            atexit.register(shutil.rmtree, use, True)
            warnings.warn(f"the cache folder {str(path)!r} ({src}) is not usable ({reason}); using a private "
                          f"temporary cache for this run (compiled code is not kept; set GANDYNAMICS_CACHE_DIR "
                          f"to a writable folder)", GandynamicsWarning, stacklevel=2)
        _CHECKED[path] = use
    return use


def count_ops(text: str) -> int:
    """The arithmetic operators and calls in a piece of generated source (``+ - * / (``): the deterministic
    measure of its work that the engine choices use (:meth:`gandynamics.VectorField.point_module`,
    :func:`gandynamics.runs.engine.choose_engine`)."""
    return sum(text.count(c) for c in "+-*/(")


def lock_path(name: str) -> Path:
    """The path of the lock file ``name`` in the cache's ``locks`` folder (created; used with
    :class:`filelock.FileLock` so that processes compile a shared kernel once)."""
    d = cache_dir() / "locks"
    d.mkdir(parents=True, exist_ok=True)
    return d / f"{name}.lock"


_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # compiles running now; whether the cyclic collector was enabled before the first


@contextlib.contextmanager
def gc_paused():
    """Pause CPython's cyclic garbage collector while numba compiles (threads may overlap: it resumes, if it was
    enabled before the first, when the last one ends).  The compiler allocates millions of container objects; each
    full collection meanwhile walks the whole heap (sympy's and numba's objects included) and finds little.

    The pause is the process's (the collector has no per-thread switch): other threads' cycles wait until the
    compile ends (5-25 s), and a ``gc.disable()`` called by another thread meanwhile is undone when it ends."""
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


#: the engines a run can use: ``"compiled"`` (numba), ``"interpreted"`` (the same generated source run by Python:
#: :func:`load_interpreted`) or ``"auto"`` (:func:`gandynamics.runs.engine.choose_engine`); here, below the runs, so
#: that the command line lists them without importing the runs (and numba)
ENGINES = ("auto", "compiled", "interpreted")


#: the interleave count of the kernels whose inlined fused steps evaluate the branch-free exp or logistic function
#: (:func:`loop_interleave`; measured 2, the cost model's choice, and 1, 3, 4, 6, 8: 4 the fastest)
LONG_CHAIN_INTERLEAVE = 4
#: the LLVM option of the loop vectorizer's interleave count (0, its default: the cost model chooses)
_INTERLEAVE_OPTION = "-force-vector-interleave"
#: the LLVM major versions the option is set with (measured with 22): LLVM ends the *process* on an option it does not
#: know, and before LLVM 15 on an option given twice (an option allowed multiple occurrences only from 15 on; the put
#: back is a second occurrence), so any other LLVM keeps the cost model's choice
_INTERLEAVE_LLVM = (15, 22)


@contextlib.contextmanager
def loop_interleave(count: int):
    """Compile what numba compiles in this block with LLVM's loop vectorizer interleaving ``count`` vector iterations
    of every vectorized loop (``count`` 0 or None: nothing changes).  The generated modules whose fused steps evaluate
    a long chain of dependent operations (the branch-free ``exp`` or logistic function) declare
    ``LOOP_INTERLEAVE = 4`` (:func:`generate_block_source`): LLVM's cost model interleaves their steps' loops twice,
    and four independent vectors in flight run the R1 Dirac-GAN's gd / eg / eftp kernels 10-15 % faster (the same
    numbers bitwise; data-line's +4-17 %, though dirac-nd's eftp 7 % and nk-scale's eg 3 % slower; on fields without
    such a chain it was up to 29 % slower: they keep the cost model's choice, studies/RESULTS_sweep.md).  Only the
    first compile of a kernel goes through here (:func:`gandynamics.runs.engine._compile_once`): a later signature of
    the same kernel (arrays of another layout) compiles with the cost model's choice, the same numbers, slower.

    The option is LLVM's, for the whole process: it is set and put back (to LLVM's default) while holding numba's
    compiler lock, so that no other numba compile runs meanwhile.  Where llvmlite cannot set it, or its LLVM is not
    one of :data:`_INTERLEAVE_LLVM` (LLVM ends the process on an option it does not know), the block runs with the
    cost model's choice."""
    import llvmlite.binding as llvm
    if not count or not _INTERLEAVE_LLVM[0] <= llvm.llvm_version_info[0] <= _INTERLEAVE_LLVM[1]:
        yield
        return
    from numba.core.compiler_lock import global_compiler_lock
    with global_compiler_lock:
        try:
            llvm.set_option("gandynamics", f"{_INTERLEAVE_OPTION}={int(count)}")
            changed = True
        except Exception:  # (an llvmlite that cannot set options: the cost model's choice)
            changed = False
        try:
            yield
        finally:
            if changed:
                llvm.set_option("gandynamics", f"{_INTERLEAVE_OPTION}=0")


#: numba compilations running now in this process (numba's ``"numba:compile"`` events, which a load from its disk cache
#: does not raise), and first calls waiting for the lock of another process's compile (:func:`first_call_once`)
_COMPILES = {"running": 0, "waiting": 0, "listening": False}
_COMPILES_LOCK = threading.Lock()


def _compiling_now() -> bool:
    return _COMPILES["running"] > 0 or _COMPILES["waiting"] > 0


def watch_compiles():
    """``compiling()``: whether numba is compiling in this process now, or a first call here waits for another
    process's compile of the same code (:func:`first_call_once`) -- the ``still`` of a "compiling ..." notice
    (:func:`gandynamics.log.notice_if_slow`), so that it is given when numba compiles and not when it loads the code
    from its disk cache.  A first call after a silent wait (a portrait's 17 s of recording, a long simulate's
    setup) has only the notice's grace of 0.25 s before it speaks, and loading a cached kernel takes longer: "compiling
    the eg kernel ... (first time only ...)" was said on every run, the kernel cached on disk (a review).  Listens to
    numba's compile events from the first call on (a compile that began before is not seen)."""
    with _COMPILES_LOCK:
        if not _COMPILES["listening"]:
            from numba.core import event as ev

            class _Count(ev.Listener):  # (nested compiles -- a kernel's inner functions -- each start and end)
                def on_start(self, event):
                    with _COMPILES_LOCK:
                        _COMPILES["running"] += 1

                def on_end(self, event):
                    with _COMPILES_LOCK:
                        _COMPILES["running"] = max(0, _COMPILES["running"] - 1)

            ev.register("numba:compile", _Count())
            _COMPILES["listening"] = True
    return _compiling_now


def first_call_once(name: str, call, notice: str | None = None) -> bool:
    """Run ``call()`` -- a first call of a numba function, which compiles it or loads it from the disk cache --
    holding the lock file ``name`` (:func:`lock_path`): processes that need the same code at the same time
    compile it once, the others then find it in numba's disk cache.  Without a usable lock file (a read-only
    cache) the call runs unlocked.  ``notice``: what is being compiled, said if the wait (for the lock and the
    call) lasts more than 2 s (:func:`gandynamics.log.notice_if_slow`) while numba compiles, or this process waits for
    another's compile (:func:`watch_compiles`): not while the call loads the code from numba's disk cache.

    The call runs in a thread of its own and is always finished: a Ctrl-C that arrives meanwhile would otherwise
    cut numba's compiler short and leave its state half-built (a later compile of the module then fails).
    Returns True when a Ctrl-C arrived during the call: the caller stops at its next safe point."""
    from filelock import FileLock
    err = []
    finished = threading.Event()

    compiling = watch_compiles() if notice else None  # (listening before the call starts)

    def locked():
        try:
            try:
                lock = FileLock(str(lock_path(name)))
                _acquire(lock)
            except OSError:
                lock = None  # the call runs unlocked
            try:
                with gc_paused():
                    call()
            finally:
                if lock is not None:
                    lock.release()
        except BaseException as exc:  # re-raised in the caller's thread
            err.append(exc)
        finally:
            finished.set()

    threading.Thread(target=locked, name="gandynamics-compile", daemon=True).start()
    interrupted = False
    with notice_if_slow(notice, still=compiling) if notice else contextlib.nullcontext():
        # an Event, not Thread.join: a KeyboardInterrupt inside join() can make is_alive() false too early
        while not finished.is_set():
            try:
                finished.wait(0.2)
            except KeyboardInterrupt:
                if not interrupted:  # (said at once: a Ctrl-C during a first compile of 10 s seemed ignored, a
                    # new user's trial)
                    from .log import notice as say  # (not the parameter's name)
                    say("Ctrl-C: stopping as soon as the compile under way has finished (numba's compiler "
                           "cannot be cut short) ...")
                interrupted = True
    if err:
        raise err[0]
    return interrupted


def _acquire(lock) -> None:
    """Acquire the file ``lock``, counted as waiting for another process's compile (:func:`watch_compiles`) while
    another holds it."""
    from filelock import Timeout
    try:
        lock.acquire(timeout=0)
        return
    except Timeout:
        pass
    with _COMPILES_LOCK:
        _COMPILES["waiting"] += 1
    try:
        lock.acquire()
    finally:
        with _COMPILES_LOCK:
            _COMPILES["waiting"] -= 1


def row_copy(a, rows: int = 1):
    """A copy of the first ``rows`` rows of array ``a`` (all of a 0-d or empty one) with ``a``'s write flag, so
    that a call on it has the argument types of a call on ``a`` (numba types read-only arrays apart)."""
    c = a[:rows].copy() if a.ndim >= 1 and a.shape[0] else a.copy()
    c.setflags(write=a.flags.writeable)
    return c


_STAMP = "# gandynamics cached text sha256="


def write_cached_text(path: Path, text: str) -> None:
    """Write ``text`` to the cache file ``path`` atomically, with a first line holding its SHA-256 so that a
    damaged file is recognised (:func:`read_cached_text`).  A read-only cache only costs time."""
    from .io import atomic_write_text
    try:
        atomic_write_text(path, f"{_STAMP}{hashlib.sha256(text.encode()).hexdigest()}\n{text}")
    except (OSError, GandynamicsError):  # a read-only or vanished cache folder
        pass


def read_cached_text(path: Path) -> str | None:
    """The text :func:`write_cached_text` stored at ``path``, or None when missing or damaged (truncated,
    edited, not UTF-8, no stamp); a damaged file is deleted so that it is regenerated."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        raw = ""
    head, _, body = raw.partition("\n")
    if head.startswith(_STAMP) and head[len(_STAMP):] == hashlib.sha256(body.encode()).hexdigest():
        return body
    try:
        path.unlink()
    except OSError:
        pass
    return None


#: terms of a sum (factors of a product) printed in one chain: Python parses ``a + b + c + ...`` as a nest of
#: binary operations as deep as the sum is long, and its compiler (about 4,000 levels), ``ast.unparse`` and any
#: recursive AST pass (about 1,000 / 3) fail on deep nests; a longer sum is printed as a sum of parenthesised sums
#: of at most this many terms (:func:`_chain`), so the depth of printed code grows like ``WIDE log_WIDE(terms)``
#: (a mlp with 10,000 parameters has sums of 5,000 terms)
WIDE = 32


def _chain(parts: list, op: str) -> str:
    """``parts`` (each printed code of one operand; parenthesised where its own operators could bind with
    ``op``'s neighbours) joined by ``op``; more than :data:`WIDE` parts as a balanced nest of parenthesised
    groups of at most ``WIDE`` (left to right within a group), so that no chain of binary operations is longer
    than ``WIDE``."""
    while len(parts) > WIDE:
        parts = ["(" + op.join(parts[i:i + WIDE]) + ")" for i in range(0, len(parts), WIDE)]
    return op.join(parts)


class _Printer(PythonCodePrinter):
    """Prints scalar code for numba: ``math.*`` functions and the stable helpers of ``_numeric``."""

    def _print_sigmoid(self, e):
        return f"_sigmoid({self._print(e.args[0])})"

    def _print_softplus(self, e):
        return f"_softplus({self._print(e.args[0])})"

    # the stable functions of losses.stabilize (docs/math/stable_rewrites.md, rules 6-8), gandynamics._numeric's routines
    def _print_logcosh(self, e):
        return f"_logcosh({self._print(e.args[0])})"

    def _print_logsinh(self, e):
        return f"_logsinh({self._print(e.args[0])})"

    def _print_log1mexp(self, e):
        return f"_log1mexp({self._print(e.args[0])})"

    def _print_invexpm1(self, e):
        return f"_invexpm1({self._print(e.args[0])})"

    def _print_erfcx(self, e):
        return f"_erfcx({self._print(e.args[0])})"

    def _print_rerfcx(self, e):
        return f"_rerfcx({self._print(e.args[0])})"

    def _print_logerfc(self, e):
        return f"_logerfc({self._print(e.args[0])})"

    def _print_erfcx_d(self, e):  # (the order an integer literal: numba compiles one routine for int64 orders)
        return f"_erfcx_d({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_rerfcx_d(self, e):
        return f"_rerfcx_d({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_tanhs(self, e):
        return f"math.tanh({self._print(e.args[0])})"

    def _print_expm1(self, e):
        return f"math.expm1({self._print(e.args[0])})"

    def _print_sign(self, e):
        return f"_sign({self._print(e.args[0])})"

    def _print_safediv(self, e):
        return f"_safe_div({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_vnorm(self, e):
        return "math.sqrt(" + _chain([f"({self._print(a)})**2" for a in e.args], " + ") + ")"

    def _print_Add(self, e, order=None):
        terms = self._as_ordered_terms(e, order=order)
        if len(terms) <= WIDE:
            return super()._print_Add(e, order=order)
        return _chain(["(" + self._print(sp.Add(*terms[i:i + WIDE], evaluate=False)) + ")"
                       for i in range(0, len(terms), WIDE)], " + ")

    def _print_Mul(self, e):
        factors = e.args
        if len(factors) <= WIDE:
            return super()._print_Mul(e)
        return _chain(["(" + self._print(sp.Mul(*factors[i:i + WIDE], evaluate=False)) + ")"
                       for i in range(0, len(factors), WIDE)], "*")

    def _print_DiracDelta(self, e):
        # the derivative of sign/Heaviside: zero almost everywhere; the point where it is not is
        # reported as non-differentiable by VectorField.nonsmooth_at
        return "0.0"

    def _print_Heaviside(self, e):
        a = self._print(e.args[0])
        return f"(1.0 if ({a}) > 0.0 else (0.0 if ({a}) < 0.0 else 0.5))"

    def _print_Pow(self, e, rational=False):
        # numba raises ZeroDivisionError for 0.0**-k with an integer k even under error_model="numpy";
        # 1.0/b**k gives inf there (and NaN propagates), so a divergence is flagged, not raised
        if e.exp.is_Integer and e.exp < -1:
            return f"(1.0/({self._print(e.base)})**{int(-e.exp)})"
        if e.exp == -1:
            return f"(1.0/({self._print(e.base)}))"
        return super()._print_Pow(e, rational=rational)

    def _print_Float(self, e):
        return repr(float(e))

    def _print_Rational(self, e):
        return f"({int(e.p)}.0/{int(e.q)}.0)"

    def _print_Half(self, e):
        return "0.5"


def _printer() -> _Printer:
    """The code printer of every generated statement.  Terms and factors are printed in the order sympy keeps them
    (``order="none"``): its canonical order, the same in every process, so the text (and the module's hash) is
    deterministic; sorting them for display (``as_ordered_terms``) was a fifth of the time of a field's source."""
    return _Printer({"fully_qualified_modules": True, "inline": True, "standard": "python3", "order": "none"})


@functools.lru_cache(maxsize=1)
def _runtime_digest() -> str:
    """Digests of :mod:`gandynamics._jvp` and :mod:`gandynamics._numeric` (``"jvp <12 hex>, numeric <12 hex>"``),
    whose functions the generated modules import: numba inlines _numeric's into them and links the machine code of
    _jvp's ``propagate`` (a large game's ``jacobian``) into their cache entries, and its disk cache checks only the
    generated file, so a change of either file (the kernels' sigmoid, say) must change the generated text, and with
    it the module's name and cache entries."""
    from . import _jvp, _numeric
    return ", ".join(f"{name} {hashlib.sha256(Path(m.__file__).read_bytes()).hexdigest()[:12]}"
                     for name, m in (("jvp", _jvp), ("numeric", _numeric)))


_HEADER = '''"""Generated by gandynamics (codegen v{version}, {runtime}); do not edit. Source hash {{hash}}."""
import math
import numpy as np
from numba import njit, prange
from gandynamics._numeric import sigmoid as _sigmoid, softplus as _softplus, sign as _sign, safe_div as _safe_div
from gandynamics._numeric import (logcosh as _logcosh, logsinh as _logsinh, log1mexp as _log1mexp, invexpm1 as _invexpm1,
                                  erfcx as _erfcx, rerfcx as _rerfcx, logerfc as _logerfc, erfcx_d as _erfcx_d,
                                  rerfcx_d as _rerfcx_d)

NZ = {nz}
NP = {np_}
'''


def _body(assignments, outputs, indent="    "):
    printer = _printer()
    lines = [f"{indent}{name} = {printer.doprint(expr)}" for name, expr in assignments]
    lines += [f"{indent}{target} = {printer.doprint(expr)}" for target, expr in outputs]
    return "\n".join(lines)


#: statements per compiled function: numba's type inference and LLVM's passes grow superlinearly with the
#: length of one straight-line function (1000 lines ~ 17 s, 2000 ~ 80 s on the 2-core CI machine), so long
#: programs are split into chunks of this many statements that pass values through a scratch array
CHUNK = 150
#: ... and of at most about this many characters of expression text
CHUNK_CHARS = 6000


def _emit(name: str, args: str, stmts, loads: dict, export=(), chunk: int = CHUNK, prelude: str = "",
          scratch: dict | None = None, ret: str = "out", external_w: bool = False):
    """Print a straight-line program ``stmts`` (``(target, expr)``; target a temp Symbol or an output slot
    string) as one ``@njit`` function ``name(args)``, or, when longer than ``chunk``, as chunk functions
    ``name_c0, name_c1, ...`` called in order by ``name``.  ``loads`` maps input symbols to array reads
    (``z_0 -> "z[0]"``); temps used by a later chunk, and those in ``export``, are kept in the scratch
    array ``w`` (``scratch`` maps them to slots and is extended; with ``external_w`` the caller allocates
    it and ``name`` takes it as its last argument).  Returns ``(source, n_scratch_slots)``.
    """
    printer = _printer()
    scratch = {} if scratch is None else scratch
    export = set(export)
    # each statement printed once, by the code printer: its length is the size the chunks are cut by (sympy's str()
    # of every expression, only for its length, was about a third of the printing of a field's source)
    printed = [printer.doprint(e) for _, e in stmts]
    text_of = {id(st): txt for st, txt in zip(stmts, printed)}
    small = len(stmts) <= chunk and sum(map(len, printed)) <= CHUNK_CHARS
    if small and not export and not scratch and not external_w:
        used = set().union(*[e.free_symbols for _, e in stmts]) if stmts else set()
        code = ['@njit(cache=True, error_model="numpy")', f"def {name}({args}):"]
        if prelude:
            code.append(prelude)
        code += [f"    {s} = {loads[s]}" for s in sorted(used & set(loads), key=str)]
        code += [f"    {t} = {txt}" for (t, _), txt in zip(stmts, printed)]
        code.append(f"    return {ret}")
        return "\n".join(code), 0
    # split by printed size (a proxy for numba IR instructions)
    pieces = _chunks(stmts, [len(t) for t in printed], chunk)
    defined_in = {t: c for c, piece in enumerate(pieces) for t, _ in piece if isinstance(t, sp.Symbol)}
    needed_later = set(export)
    for c, piece in enumerate(pieces):
        for _, e in piece:
            for s in e.free_symbols:
                if s in defined_in and defined_in[s] < c:
                    needed_later.add(s)
    for s in sorted(needed_later, key=lambda s: (defined_in.get(s, -1), str(s))):
        scratch.setdefault(s, len(scratch))
    funcs = []
    for c, piece in enumerate(pieces):
        here = {t for t, _ in piece if isinstance(t, sp.Symbol)}
        used = set().union(*[e.free_symbols for _, e in piece]) if piece else set()
        code = ['@njit(cache=True, error_model="numpy")', f"def {name}_c{c}({args}, w):"]
        code += [f"    {s} = {loads[s]}" for s in sorted(used & set(loads), key=str)]
        code += [f"    {s} = w[{scratch[s]}]" for s in sorted((used - here) & set(scratch), key=lambda s: scratch[s])]
        for st in piece:
            t = st[0]
            code.append(f"    {t} = {text_of[id(st)]}")
            if isinstance(t, sp.Symbol) and t in scratch:
                code.append(f"    w[{scratch[t]}] = {t}")
        code.append("    return 0")
        funcs.append("\n".join(code))
    call_args = ", ".join(a.strip() for a in args.split(","))
    main = ['@njit(cache=True, error_model="numpy")', f"def {name}({args}{', w' if external_w else ''}):"]
    if prelude:
        main.append(prelude)
    if not external_w:
        main.append(f"    w = np.empty({max(1, len(scratch))})")
    main += [f"    {name}_c{c}({call_args}, w)" for c in range(len(pieces))]
    main.append(f"    return {ret}")
    return "\n\n\n".join(funcs + ["\n".join(main)]), len(scratch)


def _chunks(stmts, sizes, chunk: int | None = None):
    """Split a program into pieces of at most ``chunk`` (default :data:`CHUNK`) statements and about
    :data:`CHUNK_CHARS` characters (``sizes``: the statements' printed lengths)."""
    chunk = CHUNK if chunk is None else chunk
    pieces, cur, size = [], [], 0
    for st, n in zip(stmts, sizes):
        if cur and (len(cur) >= chunk or size + n > CHUNK_CHARS):
            pieces.append(cur)
            cur, size = [], 0
        cur.append(st)
        size += n
    pieces.append(cur)
    return pieces


def _emit_flat(name: str, args: str, stmts, loads: dict, ret: str) -> str:
    """Print ``stmts`` as chunk functions ``name_c0, ...`` with signature ``args`` and a function ``name``
    calling them in order.  Every temp (a Symbol target) is also stored to ``loads[temp]`` (an array slot
    such as ``w[3]``), and read back from there by later chunks."""
    printer = _printer()
    funcs = []
    printed = [printer.doprint(e) for _, e in stmts]  # printed once: the chunk sizes are these lengths
    text_of = {id(st): txt for st, txt in zip(stmts, printed)}
    pieces = _chunks(stmts, [len(t) for t in printed])
    for c, piece in enumerate(pieces):
        here = {t for t, _ in piece if isinstance(t, sp.Symbol)}
        used = set().union(*[e.free_symbols for _, e in piece]) if piece else set()
        code = ['@njit(cache=True, error_model="numpy")', f"def {name}_c{c}({args}):"]
        code += [f"    {q} = {loads[q]}" for q in sorted((used - here) & set(loads), key=str)]
        for st in piece:
            t = st[0]
            code.append(f"    {t} = {text_of[id(st)]}")
            if isinstance(t, sp.Symbol):
                code.append(f"    {loads[t]} = {t}")
        code.append("    return 0")
        funcs.append("\n".join(code))
    main = ['@njit(cache=True, error_model="numpy")', f"def {name}({args}):"] + [f"    {name}_c{c}({args})" for c in range(len(pieces))]
    main.append(f"    return {ret}")
    return "\n\n\n".join(funcs + ["\n".join(main)])


def _atomize(reps, state=None):
    """Give every composite argument of a function (and every composite base of a power) its own temp,
    ``t = c sigmoid(a + b)`` -> ``s = a + b; t = c sigmoid(s)``, so that a local partial never repeats a
    large argument once per symbol inside it (which made the partials program quadratic in its size)."""
    made, names = state if state is not None else ({}, sp.numbered_symbols("a_", real=True))
    out = []

    def temp(a):
        if a.is_Atom:
            return a
        s_ = made.get(a)
        if s_ is None:
            s_ = next(names)
            made[a] = s_
            out.append((s_, a))
        return s_

    def walk(e):
        if e.is_Atom:
            return e
        args = [walk(a) for a in e.args]
        if isinstance(e, sp.Function) or e.is_Pow:
            args = [temp(a) for a in args]
        return e.func(*args)

    for t, e in reps:
        out.append((t, walk(e)))
    return out


def _large_program(f_exprs, zs, ps, loads) -> str:
    """``field`` and ``jacobian`` for a large game (see :mod:`gandynamics._jvp`).

    ``_primal(z, p, w)`` computes F's cse program into ``w`` (every output is a temp); ``field`` copies
    the outputs; ``_partials(z, p, w, g)`` computes the local partials that are not a number times at
    most two values; ``jacobian`` propagates unit tangents along the edge lists ``_TGT, _SRC, _WC, _I1,
    _I2`` (exact chain rule on the expression DAG, partials by :mod:`gandynamics.symdiff`).
    """
    from .symdiff import Differentiator

    nz = len(zs)
    reps, reduced = cse(f_exprs, sp.numbered_symbols("t_"))
    state = ({}, sp.numbered_symbols("a_", real=True))
    reps = _atomize(list(reps), state)
    node = {s: i for i, s in enumerate(zs)}
    outnode = []
    zset, temp_set = set(zs), {t for t, _ in reps}  # sets made once: per output they made this loop quadratic
    for i, e in enumerate(reduced):
        if e.is_Symbol and (e in node or e in temp_set):
            outnode.append(e)
            continue
        fs = e.free_symbols
        if fs & zset or fs & temp_set:
            o = sp.Symbol(f"o_{i}", real=True)
            new = _atomize([(o, e)], state)
            reps.extend(new)
            temp_set.update(t for t, _ in new)
            outnode.append(o)
        else:
            outnode.append(e)  # a constant (or hyperparameter-only) component: zero row of DF
    temps = [t for t, _ in reps]
    for k, t in enumerate(temps):
        node[t] = nz + k
    tloads = dict(loads)
    tloads.update({t: f"w[{k}]" for k, t in enumerate(temps)})
    npar, nw = len(ps), max(1, len(temps))
    # V = (1, z, p, w, g): every value a weight can be made of
    vindex = {s_: 1 + j for j, s_ in enumerate(zs)}
    vindex.update({s_: 1 + nz + j for j, s_ in enumerate(ps)})
    vindex.update({t: 1 + nz + npar + k for k, t in enumerate(temps)})
    g0 = 1 + nz + npar + nw
    D = Differentiator(list(zs) + temps)
    edges, partials = [], []
    for t, e in reps:
        for s_ in sorted(D.deps(e), key=lambda q: node[q]):
            d = D.diff(e, s_)
            if d == 0:
                continue
            coeff, factors = d.as_coeff_mul()
            if coeff.is_Number and len(factors) <= 2 and all(f in vindex for f in factors):
                idx = [vindex[f] for f in factors] + [0] * (2 - len(factors))
                edges.append((node[t], node[s_], float(coeff), idx[0], idx[1]))
            else:
                edges.append((node[t], node[s_], 1.0, g0 + len(partials), 0))
                partials.append((f"g[{len(partials)}]", d))
    ng = max(1, len(partials))
    prim = _emit_flat("_primal", "z, p, w", list(reps), tloads, ret="w")
    part = _emit_flat("_partials", "z, p, w, g", partials, tloads, ret="g")

    def arr(vals, dtype):
        return f"np.array([{', '.join(map(repr, vals))}], dtype=np.{dtype})"

    def out_value(o):
        if isinstance(o, sp.Symbol) and o in node:
            j = node[o]
            return f"z[{j}]" if j < nz else f"w[{j - nz}]"
        return _printer().doprint(
            o.xreplace({s: sp.Symbol(v) for s, v in loads.items()}))

    onodes = [node[o] if isinstance(o, sp.Symbol) and o in node else -1 for o in outnode]
    field_lines = "\n".join(f"    out[{i}] = {out_value(o)}" for i, o in enumerate(outnode))
    return f"""from gandynamics._jvp import propagate as _propagate

_TGT = {arr([e[0] for e in edges], "int64")}
_SRC = {arr([e[1] for e in edges], "int64")}
_WC = {arr([e[2] for e in edges], "float64")}
_I1 = {arr([e[3] for e in edges], "int64")}
_I2 = {arr([e[4] for e in edges], "int64")}
_OUTNODE = {arr(onodes, "int64")}


{prim}


{part}


@njit(cache=True, error_model="numpy")
def field(z, p, out):
    w = np.empty({nw})
    _primal(z, p, w)
{field_lines}
    return out


NNODES = {nz + nw}


@njit(cache=True, error_model="numpy")
def values(z, p):
    w = np.empty({nw})
    _primal(z, p, w)
    g = np.empty({ng})
    _partials(z, p, w, g)
    V = np.empty({g0 + ng})
    V[0] = 1.0
    for j in range(NZ):
        V[1 + j] = z[j]
    for j in range(NP):
        V[{1 + nz} + j] = p[j]
    for k in range({nw}):
        V[{1 + nz + npar} + k] = w[k]
    for m in range({ng}):
        V[{g0} + m] = g[m]
    return V


@njit(cache=True, error_model="numpy")
def jacobian(z, p, out):
    return _propagate(values(z, p), NNODES, _TGT, _SRC, _WC, _I1, _I2, _OUTNODE, out)
"""


def rename(exprs, sub: dict) -> list:
    """``[e.xreplace(sub) for e in exprs]`` in time linear in the size of the expression DAG.

    ``xreplace`` walks each expression as a tree, so subexpressions shared between (and within) the
    components of a large field are visited once per path to them (246 s for the 256-parameter mlp); here
    every distinct node is rebuilt once, memoised across all ``exprs``, without re-evaluating it (a renaming
    of symbols preserves the canonical form)."""
    memo: dict = dict(sub)

    def walk(e):
        try:
            return memo[e]
        except KeyError:
            pass
        if e.is_Atom or not e.args:
            out = e
        else:
            args = [walk(a) for a in e.args]
            if all(a is b for a, b in zip(args, e.args)):
                out = e
            else:
                try:
                    out = e.func(*args, evaluate=False)
                except TypeError:  # a function class without the keyword
                    out = e.func(*args)
        memo[e] = out
        return out

    with deep_recursion():
        return [walk(sp.sympify(e)) for e in exprs]


def generate_source(F: sp.Matrix, DF: sp.Matrix, z, p, kernels: str = "") -> str:
    """The module source for ``F`` and ``DF`` in the state symbols ``z`` and hyperparameters ``p``.

    Symbols are renamed to ``z_i`` / ``p_j`` (so any name a user picks is safe), common subexpressions
    of F and DF are shared, and only the non-zero Jacobian entries are written.

    ``DF = None`` selects the route for large games (:func:`_large_program`): ``jacobian`` is the
    forward-mode derivative of the cse'd program of F, propagated along its edges by the static kernel
    :func:`gandynamics._jvp.propagate`, so the generated code grows like the size of F instead of the
    ``n^2`` entries of DF, and no symbolic DF is needed.
    Long programs are split into chunks of :data:`CHUNK` statements (numba compiles a long function in
    superlinear time).
    """
    nz, npar = len(z), len(p)
    zs = [sp.Symbol(f"z_{i}", real=True) for i in range(nz)]
    ps = [sp.Symbol(f"p_{j}", real=True) for j in range(npar)]
    sub = dict(zip(z, zs))
    sub.update(zip(p, ps))
    loads = {s: f"z[{i}]" for i, s in enumerate(zs)}
    loads.update({s: f"p[{j}]" for j, s in enumerate(ps)})
    f_exprs = rename(F, sub)

    def function(name, exprs, targets, prelude=""):
        reps, reduced = cse(exprs, sp.numbered_symbols("t_"))
        text, _ = _emit(name, "z, p, out", list(reps) + list(zip(targets, reduced)), loads, prelude=prelude)
        return text

    src = [_HEADER.format(version=CODEGEN_VERSION, runtime=_runtime_digest(), nz=nz, np_=npar)]
    if DF is not None:
        src.append(function("field", f_exprs, [f"out[{i}]" for i in range(nz)]))
        src.append("")
        jac_idx = [(i, j) for i in range(nz) for j in range(nz) if DF[i, j] != 0]
        j_exprs = rename([DF[i, j] for i, j in jac_idx], sub)
        src.append(function("jacobian", j_exprs, [f"out[{i}, {j}]" for i, j in jac_idx], prelude="    out[:, :] = 0.0"))
    else:
        src.append(_large_program(f_exprs, zs, ps, loads))
    src.append("")
    if kernels:
        src.append(kernels)
    text = "\n\n".join(src) + "\n"
    return text


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _heal_numba_cache(module) -> list[str]:
    """Discard the damaged on-disk numba cache entries of the jitted functions of ``module``.

    Numba reads a function's index (``*.nbi``) and machine code (``*.nbc``) on its first call and raises
    (``UnpicklingError``, ``EOFError``, ...) on a damaged file, on every run, until the file is deleted.
    Each index is loaded here with numba's own reader, and each data file it lists unpickled; a file that
    fails is deleted (with the entries of that function), so numba recompiles and rewrites it.  Returns
    the deleted paths.  Internal numba attributes are used defensively: if they change, nothing is done.
    """
    import pickle
    removed = []
    for obj in list(vars(module).values()):
        cf = getattr(getattr(obj, "_cache", None), "_cache_file", None)
        index_path = getattr(cf, "_index_path", None)
        if cf is None or index_path is None or not os.path.exists(index_path):
            continue
        bad = False
        try:
            overloads = cf._load_index()
            for data_name in overloads.values():
                data_path = os.path.join(cf._cache_path, data_name)
                if os.path.exists(data_path):
                    with open(data_path, "rb") as fh:
                        pickle.loads(fh.read())
        except Exception:  # any failure to read is damage: numba would raise the same on the first call
            bad = True
        if bad:
            stem = os.path.basename(index_path)[:-len(".nbi")]
            for f in [index_path] + [str(q) for q in Path(cf._cache_path).glob(f"{stem}.*.nbc")]:
                try:
                    os.unlink(f)
                    removed.append(f)
                except OSError:
                    pass
    return removed


_HEALED_STATIC = False


def load_module(text: str, prefix: str = "field"):
    """Write ``text`` (unless already there) to the cache directory and import it as a module.

    The file is written atomically (concurrent processes never see half a file) and rewritten when its
    content differs (a damaged or edited file is replaced); damaged numba cache entries of its functions
    (and of the static helpers it calls) are discarded before the first call (:func:`_heal_numba_cache`).
    """
    global _HEALED_STATIC
    known = _LOADED.get((prefix, text))  # (the same text object: its str hash is cached, no sha256 of it again)
    if known is not None and sys.modules.get(known[0]) is known[1]:
        return known[1]
    from .io import atomic_write_text
    source = text
    h = source_hash(text)
    text = text.replace("{hash}", h)
    modname = f"gandynamics_gen_{prefix}_{h}"
    if modname in sys.modules:
        _remember(prefix, source, modname, sys.modules[modname])
        return sys.modules[modname]
    path = cache_dir() / f"{modname}.py"
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current != text:
        atomic_write_text(path, text)
    if not _HEALED_STATIC:
        from . import _jvp, _numeric
        for m in (_numeric, _jvp):
            _heal_numba_cache(m)
        _HEALED_STATIC = True
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    _heal_numba_cache(module)
    _remember(prefix, source, modname, module)
    return module


#: (prefix, text) -> (module name, module) of :func:`load_module`: a text seen before (the same string object, whose
#: hash Python keeps) skips the sha256 of its 60 KB and the copy that names its hash (about 60 us; three loads a
#: sweep); used only while ``sys.modules`` still holds that module
_LOADED: dict = {}
#: ... and at most this many texts (a process that makes many fields)
_LOADED_MAX = 64


def _remember(prefix: str, text: str, modname: str, module) -> None:
    if len(_LOADED) >= _LOADED_MAX:
        _LOADED.clear()
    _LOADED[(prefix, text)] = (modname, module)


def load_interpreted(text: str, overrides: dict | None = None):
    """The same generated module run by the Python interpreter, compiling nothing.

    ``njit`` is the identity here and every numba helper the module calls (the overflow-free scalar
    functions of :mod:`gandynamics._numeric`, the forward-mode propagation of :mod:`gandynamics._jvp`) is
    its interpreted copy, so the expressions evaluated are the very ones the compiled module evaluates, with
    the same IEEE 754 results where numba's ``error_model="numpy"`` gives inf or NaN (division by zero,
    ``exp`` overflow, ``log(0)``; :mod:`gandynamics._interpreted`).  Point analyses (``spectrum``,
    ``find_equilibrium``) and short runs (:mod:`gandynamics.runs.engine`) use it: a new game is analysed
    and simulated without waiting for numba.

    The rewritten text is cached on disk next to the compiled modules (Python keeps its bytecode).
    ``overrides`` sets module globals after loading (the interpreted kernels' block width ``NB``).

    Returns a namespace with the module's functions (``field``, ``jacobian``, and the kernels if appended), each
    called with NumPy's floating-point warnings off (the compiled functions give inf and NaN silently too).
    """
    import types
    from ._interpreted import REWRITE_VERSION, finish, ieee_source, quiet
    h = source_hash(text)
    modname = f"gandynamics_gen_interp_{h}_r{REWRITE_VERSION}"
    ns = None
    try:  # imported from a file in the cache: Python keeps its bytecode (compiling 10^4 lines takes seconds)
        path = cache_dir() / f"{modname}.py"
        if read_cached_text(path) is None:
            write_cached_text(path, ieee_source(text.replace("{hash}", h)))
            if read_cached_text(path) is None:
                raise OSError("the cache is not writable")
        spec = importlib.util.spec_from_file_location(modname, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        ns = vars(module)
    except (OSError, SyntaxError, ValueError):  # unwritable or damaged between write and read: compile in memory
        ns = {"__name__": "gandynamics_interpreted"}
        exec(compile(ieee_source(text.replace("{hash}", h)), f"<gandynamics generated {h} (interpreted)>", "exec"), ns)
    finish(ns)
    ns.update(overrides or {})
    return types.SimpleNamespace(**{k: quiet(v) if isinstance(v, types.FunctionType) else v
                                    for k, v in ns.items() if not k.startswith("__")})


#: the fused steps of a field whose loop body has at most this many lines are inlined into the drivers by
#: numba (see :func:`generate_block_source`); larger ones are called (LLVM may still inline them)
INLINE_MAX_LINES = 40
#: the kernels' block width (columns per inner loop) of a field whose fused steps are inlined and whose state has at
#: most :data:`WIDE_BLOCK_MAX_N` coordinates; every other field's kernels keep :data:`gandynamics.kernels.DEFAULT_NB`
#: (declared as ``BLOCK_WIDTH`` by :func:`generate_block_source`).  The per-step work outside the vector loop (the
#: driver's tests, the loop's set-up) is then spread over twice the columns, while a block's arrays still fit the
#: core's L1 cache.  Kernels alone, one thread, 256 against 128 columns (7-11 interleaved rounds, 2026-12-03,
#: studies/RESULTS_sweep.md): gd / eg / eftp +10 / +5 / +8 % on the R1 Dirac-GAN, +2 to +16 % on hopf, quadratic,
#: data-line, dirac-nd, gaussian-mean, lq-wgan and nk-scale (dirac-nd's eftp -0.2 %); proximal and adam -2 to 0 %;
#: on larger or not-inlined fields it lost: jare-gaussian (n = 4, called steps) +2 / -5 / -4 %, mlp (n = 10, 30) -7 to -15 %
WIDE_BLOCK = 256
#: ... see :data:`WIDE_BLOCK`
WIDE_BLOCK_MAX_N = 4


def _vectorizable(body: str) -> str:
    """The block evaluators' calls of the logistic function and of ``exp`` through the branch-free variants of
    :mod:`gandynamics._numeric` (``_sigmoid_v``, ``_exp_v``): LLVM vectorizes no loop that calls libm's exp."""
    return body.replace("_sigmoid(", "_sigmoid_v(").replace("math.exp(", "_exp_v(")


def generate_block_source(F: sp.Matrix, z, p, name: str = "field_block") -> str:
    """Source of the *block* evaluators of F for the batch integrators (:mod:`gandynamics.kernels`).

    ``{name}(Z, P, OUT, m)`` sets ``OUT[i, b] = F_i(Z[:, b]; P[:, b])`` for the first ``m`` columns ``b``:
    states and hyperparameters are stored component-major (``Z`` of shape ``(n, NB)``, ``P`` of shape
    ``(n_p, NB)``) so the loop over the block's columns has independent iterations that LLVM vectorizes:
    the logistic function and ``exp`` are printed as ``_sigmoid_v`` and ``_exp_v`` (branch-free, :mod:`gandynamics._numeric`) and
    the function is compiled with ``error_model="numpy"`` (no ZeroDivisionError branch; a division by zero
    gives inf/NaN, which the integrators flag as divergence).  The caller imports ``_sigmoid_v`` and ``_exp_v``.  Same
    expressions and common subexpressions as ``field``; not decorated with a cache-breaking closure:
    hyperparameters are read from ``P``.

    With the default name the source also defines the fused steps, each *one* loop over the columns
    ``b < m`` (the whole step of gd / eg / eftp in one vectorized loop, its values kept in registers):
    ``field_step_gd(Z, P, HS, BP, m)``: ``Z -= HS * F(Z)``; ``field_step_to(Z, P, HS, T, m)``:
    ``T = Z - HS * F(Z)``; ``field_step_at(W, Z, P, HS, BP, m)``: ``Z -= HS * F(W)``;
    ``field_step_past(Z, A, P, HS, BP, m)``: ``A = F(Z - HS * A)``, then ``Z -= HS * A`` (column-wise, so ``F``
    and the hyperparameters as in ``{name}``).  The three that write ``Z`` return 1 when some column of
    the new state has ``not (|x_0| + ... + |x_{n-1}| <= BP)`` (every column with a NaN, infinite or beyond-``BP``
    coordinate, and also one whose sum alone exceeds ``BP``; ``BP`` the bound of the divergence test, the largest
    double for an infinite bound), else 0: the driver's test folded into the step (the largest bit pattern of the
    columns' sums, compared once with ``BP``'s), a nonzero value making the driver run its exact per-coordinate
    test (``field_step_to`` returns ``m``).  They give bitwise the values of ``{name}`` followed by the separate
    update loops.  The source also declares ``LOOP_INTERLEAVE``, the loop interleave count its kernels are compiled
    with (:func:`loop_interleave`: 4 when the inlined steps evaluate the branch-free exp or logistic function, else
    0, LLVM's cost model), and ``BLOCK_WIDTH``, their block width (:data:`WIDE_BLOCK` when the steps are inlined
    and ``n <= WIDE_BLOCK_MAX_N``, else 0: :data:`gandynamics.kernels.DEFAULT_NB`).  They are inlined into the drivers at numba's level (``inline="always"``) when the field's
    loop body has at most :data:`INLINE_MAX_LINES` lines: each inlined copy is compiled again, which doubled
    the first compile of a 4-parameter Gauss-Hermite game (jare-gaussian: 44-48 s -> 24-26 s without it, load
    1-2) and cost nothing measurable on the 2-parameter Dirac-GAN, whose sweep it speeds up by 3-10 %.
    """
    nz, npar = len(z), len(p)
    zs = [sp.Symbol(f"z_{i}", real=True) for i in range(nz)]
    ps = [sp.Symbol(f"p_{j}", real=True) for j in range(npar)]
    sub = dict(zip(z, zs))
    sub.update(zip(p, ps))
    exprs = rename(F, sub)
    reps, reduced = cse(exprs, sp.numbered_symbols("t_"))
    used = set().union(*[e.free_symbols for e in exprs]) if exprs else set()
    ind = "        "
    # fastmath={"contract"} only lets LLVM fuse a*b+c into one FMA (one rounding instead of two; +20%
    # measured); no nnan/ninf flags, so NaN/inf still propagate and divergence checks stay valid
    lines = ['@njit(cache=True, error_model="numpy", fastmath={"contract"})', f"def {name}(Z, P, OUT, m):"]
    # 1-D row views: LLVM vectorizes these loops about twice as fast as 2-D indexing (measured)
    lines += [f"    Z_{i} = Z[{i}]" for i in range(nz) if zs[i] in used]
    lines += [f"    P_{j} = P[{j}]" for j in range(npar) if ps[j] in used]
    lines += [f"    OUT_{i} = OUT[{i}]" for i in range(nz)]
    lines.append("    for b in range(m):")
    lines += [f"{ind}z_{i} = Z_{i}[b]" for i in range(nz) if zs[i] in used]
    lines += [f"{ind}p_{j} = P_{j}[b]" for j in range(npar) if ps[j] in used]
    body = _body(reps, [(f"OUT_{i}[b]", e) for i, e in enumerate(reduced)], indent=ind)
    body = _vectorizable(body)
    if body:
        lines.append(body)
    lines.append("    return OUT")
    if name != "field_block":
        return "\n".join(lines) + "\n"
    # the fused steps (see the docstring); inline="always" at numba's level (each rule calls one or two of
    # them), so that the arrays read and written are the same variables: LLVM sees one pointer per array
    # and vectorizes the loop without run-time overlap checks
    body = _vectorizable(_body(reps, [(f"f_{i}", e) for i, e in enumerate(reduced)], indent=ind))
    R = range(nz)
    # the steps that write the state also test whether some column's new state may have left the bound, by
    # ``not (|x_0| + ... + |x_{n-1}| <= BP)``: true for NaN, +-inf and any coordinate beyond the bound (a sum of
    # non-negative numbers is at least its largest term, also rounded), and also when the sum alone exceeds BP
    # (a column near the bound, or an overflowing sum): BP is the largest double for an infinite bound.  The
    # driver's divergence test folded into the step's loop on values already in registers: the largest *bit
    # pattern* of the columns' sums, an int64 maximum (LLVM's max reduction: one vpmaxsq per vector with AVX-512),
    # compared with BP's once after the loop -- for doubles whose sign bit is clear (a sum of absolute values,
    # NaN included: no operation here makes a NaN with its sign set) the order of the bit patterns is the order of
    # the numbers, and a NaN's pattern is above +inf's, so ``max bits > bits(BP)`` is exactly "some column is not
    # <= BP".  A nonzero result only makes the driver run its exact per-coordinate test on the block
    # (gandynamics.kernels.driver: _gk_check), which decides.  One test per column instead of one per coordinate:
    # gd's step 711 -> 785 million trajectory-steps per CPU-second on the R1 Dirac-GAN; the bit-pattern maximum
    # instead of a compare and an integer count per column (a compare, a mask-to-vector move and a subtraction),
    # a further 3-6 % for gd, eg and eftp (the kernels alone on the R1 Dirac-GAN, the same numbers bitwise, 40
    # interleaved rounds in one process, 2026-12-03; studies/RESULTS_sweep.md)
    specs = {  # name: (arguments, row views, loads before F (x_i is F's argument), stores after F, tested values)
        "field_step_gd": ("Z, P, HS, BP, m", ("Z", "HS"), [f"x_{i} = Z_{i}[b]" for i in R],
                          [s_ for i in R for s_ in (f"u_{i} = x_{i} - HS_{i}[b] * f_{i}", f"Z_{i}[b] = u_{i}")], True),
        "field_step_to": ("Z, P, HS, T, m", ("Z", "HS", "T"), [f"x_{i} = Z_{i}[b]" for i in R],
                          [f"T_{i}[b] = x_{i} - HS_{i}[b] * f_{i}" for i in R], False),
        "field_step_at": ("W, Z, P, HS, BP, m", ("W", "Z", "HS"), [f"x_{i} = W_{i}[b]" for i in R],
                          [s_ for i in R for s_ in (f"u_{i} = Z_{i}[b] - HS_{i}[b] * f_{i}", f"Z_{i}[b] = u_{i}")], True),
        "field_step_past": ("Z, A, P, HS, BP, m", ("Z", "A", "HS"),
                            [s_ for i in R for s_ in (f"y_{i} = Z_{i}[b]", f"x_{i} = y_{i} - HS_{i}[b] * A_{i}[b]")],
                            [s_ for i in R for s_ in (f"A_{i}[b] = f_{i}", f"u_{i} = y_{i} - HS_{i}[b] * f_{i}",
                                                      f"Z_{i}[b] = u_{i}")], True),
    }
    fs = []
    inline = ', inline="always"' if body.count("\n") + 1 <= INLINE_MAX_LINES else ""
    # the interleave count the kernels of this module are compiled with (loop_interleave): 4 where the inlined steps
    # evaluate the branch-free exp or logistic function (a long chain of dependent operations), else the cost model's
    interleave = LONG_CHAIN_INTERLEAVE if inline and ("_sigmoid_v(" in body or "_exp_v(" in body) else 0
    fs += ["", "", "#: LLVM's loop interleave count for this module's kernels (gandynamics.codegen.loop_interleave)",
           f"LOOP_INTERLEAVE = {interleave}"]
    # the kernels' block width (gandynamics.kernels.kernel_source): WIDE_BLOCK columns where the steps are inlined and
    # the state small, else 0 (the kernels' default)
    width = WIDE_BLOCK if inline and nz <= WIDE_BLOCK_MAX_N else 0
    fs += ["#: the block width of this module's kernels (0: gandynamics.kernels.DEFAULT_NB; gandynamics.codegen.WIDE_BLOCK)",
           f"BLOCK_WIDTH = {width}"]
    for fname, (args, views, loads, stores, tested) in specs.items():
        fs += ["", "", f'@njit(cache=True, error_model="numpy", fastmath={{"contract"}}{inline})',
               f"def {fname}({args}):"]
        fs += [f"    {v}_{i} = {v}[{i}]" for v in views for i in R]
        fs += [f"    P_{j} = P[{j}]" for j in range(npar) if ps[j] in used]
        if tested:
            fs.append("    nout_ = _float_to_bits(0.0)")
        fs.append("    for b in range(m):")
        fs += [ind + x for x in loads]
        fs += [f"{ind}z_{i} = x_{i}" for i in R if zs[i] in used]
        fs += [f"{ind}p_{j} = P_{j}[b]" for j in range(npar) if ps[j] in used]
        if body:
            fs.append(body)
        fs += [ind + x for x in stores]
        if tested:
            fs.append(f"{ind}nout_ = max(nout_, _float_to_bits({_chain([f'abs(u_{i})' for i in R], ' + ')}))")
        fs.append("    return 1 if nout_ > _float_to_bits(BP) else 0" if tested else "    return m")
    return "\n".join(lines + fs) + "\n"


# ------------------------------------------------------------------------------------- what can be compiled
#: functions numba cannot compile although the printer writes them (math.factorial of a float)
_NOT_IN_NUMBA = ("math.factorial",)
#: our own printable functions, besides the printer's ``known_functions`` (math.*)
_OWN_FUNCTIONS = ("sigmoid", "softplus", "sign", "Heaviside", "DiracDelta", "Piecewise", "vnorm", "safediv")
# (the stable functions that losses.stabilize writes -- tanhs, logcosh, logsinh, log1mexp, invexpm1, erfcx, rerfcx,
# logerfc, expm1, and the derivatives erfcx_d, rerfcx_d -- print too (the _print_* methods above; check_printable probes the printer), but are not
# functions a user writes: they are the rewritten forms of log(cosh(u)), exp(u) - 1, ... that are listed)


def _supported_names() -> list[str]:
    known = set(_Printer({"fully_qualified_modules": True}).known_functions)
    known -= {"factorial", "Sqrt", "ln", "isinf", "isnan"}
    return sorted(known | set(_OWN_FUNCTIONS) | {"sqrt"}, key=str.lower)


#: the sympy functions generated code can contain (besides + - * / and powers)
SUPPORTED_FUNCTIONS = _supported_names()


def _short(e, n: int = 60) -> str:
    t = str(e)
    return t if len(t) <= n else t[:n - 3] + "..."


def check_printable(exprs, what: str = "the field") -> None:
    """Refuse, in one line, expressions the code printer cannot turn into numba code.

    Walks the expression DAG once (shared subexpressions visited once) and checks every node:

    * a function must be printable to compiled code (:data:`SUPPORTED_FUNCTIONS`; e.g. ``gamma`` is, but
      its derivative ``polygamma`` is not; ``besselj``, ``zeta``, undefined functions are not);
    * no imaginary unit (the losses must be real-valued);
    * a relational or logical value (``x > 0``, ``And``) only as the condition of a ``Piecewise``.

    Raises
    ------
    GandynamicsError
        ``"<what> contains polygamma(0, x), which cannot be compiled; supported functions: ..."``.
    """
    from sympy.logic.boolalg import Boolean
    seen: set = set()
    ok_types: dict = {}
    supported = ", ".join(SUPPORTED_FUNCTIONS)
    stack = [(sp.sympify(e), False) for e in exprs]
    while stack:
        e, is_condition = stack.pop()
        key = (e, is_condition)
        if key in seen:
            continue
        seen.add(key)
        if e is sp.I:
            raise GandynamicsError(f"{what} is complex-valued (contains the imaginary unit I); the losses must be "
                                   "real-valued")
        if isinstance(e, Boolean) and not e.is_Symbol and not is_condition and e not in (sp.true, sp.false):
            raise GandynamicsError(f"{what} uses the logical value {_short(e)} as a number; write it as "
                                   "Piecewise((1, cond), (0, True)) or Heaviside(...)")
        if e.is_Atom:
            # symbols and numbers print; any other atom (an AtomicExpr, a matrix atom) must print too: it reached
            # the printer and raised PrintMethodNotImplementedError (a traceback)
            if not (e.is_Symbol or e.is_Number or e.is_NumberSymbol or e in (sp.true, sp.false)) \
                    and not _printable(e):
                name = getattr(e.func, "__name__", type(e).__name__)
                raise GandynamicsError(f"{what} contains {_short(e)}: the function {name} cannot be compiled; "
                                       f"supported functions: {supported}")
            continue
        if isinstance(e, sp.Piecewise):
            for expr_, cond in e.args:
                stack.append((expr_, False))
                stack.append((cond, True))
            continue
        if isinstance(e, (sp.Add, sp.Mul, sp.Pow, sp.Tuple)):
            stack.extend((a, False) for a in e.args)
            continue
        if is_condition and isinstance(e, Boolean):  # And/Or/Not of conditions; a relational's sides are values
            from sympy.core.relational import Relational
            stack.extend((a, not isinstance(e, Relational)) for a in e.args)
            continue
        bound = getattr(e, "bound_symbols", None)
        if bound:  # Sum, Product, Integral, Subs: common-subexpression elimination lifts terms in the bound
            # variable out of the node, so printable-looking code referred to an undefined name (NameError 'n')
            name = getattr(e.func, "__name__", type(e).__name__)
            raise GandynamicsError(f"{what} contains {_short(e)}: the function {name} cannot be compiled (it binds "
                                   f"{', '.join(map(str, bound))}; write it out, e.g. with .doit() for finite "
                                   f"limits); supported functions: {supported}")
        t = (type(e), len(e.args))
        if t not in ok_types:
            ok_types[t] = _printable_type(e)
        if not ok_types[t]:
            name = getattr(e.func, "__name__", type(e).__name__)
            raise GandynamicsError(f"{what} contains {_short(e)}: the function {name} cannot be compiled; "
                                   f"supported functions: {supported}")
        stack.extend((a, False) for a in e.args)


def _printable(text_of) -> bool:
    printer = _printer()
    try:
        text = printer.doprint(text_of)
    except Exception:
        return False
    return not getattr(printer, "_not_supported", None) and not any(f in text for f in _NOT_IN_NUMBA)


def _printable_type(e) -> bool:
    """Whether nodes of ``type(e)`` print to numba code (probed once per type, with symbols as arguments
    so that the probe does not print the whole subtree)."""
    try:
        probe = e.func(*[sp.Dummy(f"a{i}") for i in range(len(e.args))])
    except Exception:
        probe = e
    if probe.is_Atom and not probe.is_Symbol:
        probe = e
    return _printable(probe)
