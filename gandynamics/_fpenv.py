"""The floating-point environment of the compiled kernels: subnormal numbers flushed to zero while they run.

A run that converges to ``z* = 0`` never reaches exactly 0: its state (and the products F forms of it) sinks into
the subnormal numbers below ``2.2e-308``, where x86 processors take a microcode assist on every operation.  A new
user's 20-parameter game ran 100,000 extragradient steps in 1.66 s once its state was subnormal, against 0.09 s for
a run of the same length whose state stayed normal (2026-12-06), and a sweep of such runs overran its estimate
twentyfold.  :func:`flushing_subnormals` sets the MXCSR's flush-to-zero (FTZ, bit 15) and denormals-are-zero (DAZ,
bit 6) bits around a kernel call, in the thread that makes it, and restores the register afterwards, so nothing
else in the process runs with them.  Numbers change only where a subnormal would have been produced or read: it is
0 instead (a distance below the smallest normal double is 0, far below the reading's floor of ``2^-511``).  On
other processors (no MXCSR) nothing is changed.
"""

from __future__ import annotations

import platform
import threading
from contextlib import contextmanager

__all__ = ["flushing_subnormals", "FTZ_DAZ", "X86"]

#: whether this process runs on an x86-64 processor (the MXCSR register exists)
X86 = platform.machine().lower() in ("x86_64", "amd64")
#: MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6) bits
FTZ_DAZ = 0x8040

_functions = None


def _build():
    """``(get, set)``: numba functions that read and write this thread's MXCSR (LLVM's ``llvm.x86.sse.stmxcsr`` and
    ``ldmxcsr``), compiled on first use (and cached on disk)."""
    from llvmlite import ir
    from numba import njit, types
    from numba.core import cgutils
    from numba.extending import intrinsic

    i8p = ir.IntType(8).as_pointer()
    i32 = ir.IntType(32)
    fnty = ir.FunctionType(ir.VoidType(), [i8p])

    @intrinsic
    def _stmxcsr(typingctx):
        def codegen(context, builder, sig, args):
            slot = cgutils.alloca_once(builder, i32)
            fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.x86.sse.stmxcsr")
            builder.call(fn, [builder.bitcast(slot, i8p)])
            return builder.zext(builder.load(slot), ir.IntType(64))
        return types.int64(), codegen

    @intrinsic
    def _ldmxcsr(typingctx, value):
        def codegen(context, builder, sig, args):
            slot = cgutils.alloca_once(builder, i32)
            builder.store(builder.trunc(args[0], i32), slot)
            fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.x86.sse.ldmxcsr")
            builder.call(fn, [builder.bitcast(slot, i8p)])
            return context.get_dummy_value()
        return types.none(types.int64), codegen

    @njit(cache=True, nogil=True)
    def get_mxcsr():
        return _stmxcsr()

    @njit(cache=True, nogil=True)
    def set_mxcsr(value):
        _ldmxcsr(value)

    return get_mxcsr, set_mxcsr


_lock = threading.Lock()


def mxcsr_functions():
    """The ``(get, set)`` pair of :func:`_build`, built once per process (under a lock: the sweep's threads call it at
    once); None off x86-64, or where they cannot be built (numba's JIT disabled: the kernels then run as they are)."""
    global _functions
    if not X86:
        return None
    if _functions is None:  # (the lock only until they are built: this runs at every kernel call)
        with _lock:
            if _functions is None:
                try:
                    get, put = _build()
                    get()  # (compiled here: a failure is known now, not in a kernel call)
                    _functions = (get, put)
                except Exception:  # noqa: BLE001  (no MXCSR access: nothing is flushed)
                    _functions = False
    return _functions or None


@contextmanager
def flushing_subnormals():
    """Within the block, this thread's arithmetic flushes subnormal results and inputs to zero (FTZ and DAZ); the
    MXCSR register is restored on leaving, however the block ends.  A no-op where there is no MXCSR."""
    fns = mxcsr_functions()
    if fns is None:
        yield
        return
    get, put = fns
    old = int(get())
    try:  # (the set inside: a Ctrl-C just after it would otherwise leave the process flushing)
        put(old | FTZ_DAZ)
        yield
    finally:
        put(old)
