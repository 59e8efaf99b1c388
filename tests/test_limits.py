"""Size limits: every request is estimated before allocating and refused with the estimate and the limit."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from gandynamics import limits
from gandynamics.errors import GandynamicsError


def test_limit_is_half_the_physical_memory(monkeypatch):
    monkeypatch.delenv("GANDYNAMICS_MEMORY_LIMIT", raising=False)
    import os
    phys = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert limits.memory_limit() == int(0.5 * phys)


@pytest.mark.parametrize("text, n", [("8G", 8 * 2**30), ("500M", 500 * 2**20), ("1000", 1000), ("2k", 2048)])
def test_limit_from_environment(monkeypatch, text, n):
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", text)
    assert limits.memory_limit() == n


def test_bad_environment_limit(monkeypatch):
    monkeypatch.setenv("GANDYNAMICS_MEMORY_LIMIT", "lots")
    with pytest.raises(GandynamicsError, match="GANDYNAMICS_MEMORY_LIMIT must be a size"):
        limits.memory_limit()


@given(st.lists(st.integers(min_value=1, max_value=10**13), min_size=1, max_size=3))
def test_check_array_refuses_exactly_above_the_limit(shape):
    limit = limits.memory_limit()
    nbytes = 8.0
    for s in shape:
        nbytes *= s
    if nbytes <= limit:
        limits.check_array(shape, "x")
    else:
        with pytest.raises(GandynamicsError) as e:
            limits.check_array(shape, "the recorded states")
        msg = str(e.value)
        assert msg.startswith("the recorded states would need ") and "more than the limit of" in msg
        assert limits.format_bytes(limit) in msg and limits.format_bytes(nbytes) in msg


def test_message_example():
    with pytest.raises(GandynamicsError, match=r"would need 16 TB of memory \(10\^12 x 2 float64\)"):
        limits.check_array((10**12, 2), "the recorded states")


@pytest.mark.parametrize("n, text", [(999, "999 B"), (1500, "1.5 KB"), (16e12, "16 TB"), (8e10, "80 GB")])
def test_format_bytes(n, text):
    assert limits.format_bytes(n) == text
