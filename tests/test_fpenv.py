"""The compiled kernels' floating-point environment (gandynamics._fpenv): subnormals flushed to zero while a kernel
runs, the register restored afterwards."""
from __future__ import annotations

import numpy as np
import pytest

import gandynamics as gd
from gandynamics import _fpenv

TINY = 2.2250738585072014e-308  # the smallest normal double

pytestmark = pytest.mark.skipif(not _fpenv.X86, reason="no MXCSR on this processor")


def test_flushing_sets_and_restores_the_register_however_the_block_ends():
    get, _ = _fpenv.mxcsr_functions()
    before = int(get())
    with _fpenv.flushing_subnormals():
        assert int(get()) & _fpenv.FTZ_DAZ == _fpenv.FTZ_DAZ
    assert int(get()) == before
    with pytest.raises(RuntimeError):
        with _fpenv.flushing_subnormals():
            raise RuntimeError("a Ctrl-C or an error inside the kernel call")
    assert int(get()) == before


def test_a_compiled_run_sinking_below_the_normal_numbers_is_flushed_to_zero_and_the_interpreted_keeps_ieee():
    """gd on the R1 Dirac-GAN at h = 1 halves its distance each step (rate 0.5013): from step ~1030 its state is below
    2.2e-308.  IEEE arithmetic (the interpreted engine) keeps subnormal coordinates there, 10-30 times slower a step in
    the compiled kernels (a new user's sweep); the compiled run flushes them to 0 and reads the same.  Above the
    subnormals the two engines' states are the same bitwise here."""
    fld = gd.VectorField(gd.games.dirac(), [gd.R1(gamma=1.0)])
    c = gd.simulate(fld, "gd", [1.0, 1.0], 1500, 1.0, engine="compiled", record_every=1)
    i = gd.simulate(fld, "gd", [1.0, 1.0], 1500, 1.0, engine="interpreted", record_every=1)
    Sc, Si = np.abs(c.states), np.abs(i.states)
    assert not np.any((Sc > 0) & (Sc < TINY))  # flushed
    assert np.any((Si > 0) & (Si < TINY))  # (the run does reach them: IEEE keeps them)
    normal = np.all(Si >= TINY, axis=1) | np.all(Si == 0, axis=1)
    first = int(np.argmin(normal))  # the first step with a subnormal coordinate
    assert first > 1000 and np.array_equal(c.states[:first], i.states[:first])
    assert c.verdict == i.verdict == "converging" and c.rate == pytest.approx(i.rate, rel=1e-12)


def test_where_the_register_functions_cannot_be_built_nothing_is_flushed(monkeypatch):
    """A review: a failure to build the MXCSR functions (numba's JIT disabled) made every compiled kernel call fail.
    It now leaves the arithmetic as it is, once, whatever the threads."""
    monkeypatch.setattr(_fpenv, "_functions", None)

    def fail():
        raise NotImplementedError("no JIT")
    monkeypatch.setattr(_fpenv, "_build", fail)
    assert _fpenv.mxcsr_functions() is None
    with _fpenv.flushing_subnormals():
        assert np.float64(1e-310) * 1.0 > 0.0  # (IEEE: a subnormal product is kept)
