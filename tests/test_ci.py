"""CI's time budget (``.ci/run``): the tests marked slow run in what is left of its 20 minutes, a test not started by
``GANDYNAMICS_TEST_DEADLINE`` skipped with the reason (tests/conftest.py)."""

import os
import pathlib
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not os.environ.get("GANDYNAMICS_CI_PROBE"), reason="run by the tests below in a child pytest")
def test_probe():
    assert True


def _probe(deadline: float) -> str:
    env = dict(os.environ, GANDYNAMICS_CI_PROBE="1", GANDYNAMICS_TEST_DEADLINE=repr(deadline))
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "-rs", "-m", "",
                          f"{__file__}::test_probe"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    return out.stdout


def test_a_test_not_started_by_the_deadline_is_skipped_saying_why_and_one_before_it_runs():
    late = _probe(time.time() - 1)
    assert "1 skipped" in late and "the time CI gives this pass was spent (GANDYNAMICS_TEST_DEADLINE)" in late, late
    assert "1 passed" in _probe(time.time() + 3600)


def test_ci_gives_the_deadline_to_the_slow_pass_only():
    script = (ROOT / ".ci" / "run").read_text()  # (the sdist carries it: MANIFEST.in)
    lines = [ln for ln in script.splitlines() if "python -P -m pytest" in ln and not ln.lstrip().startswith("#")]
    slow = [ln for ln in lines if "-m slow" in ln]
    assert slow and all("GANDYNAMICS_TEST_DEADLINE" in ln for ln in slow)
    assert all("GANDYNAMICS_TEST_DEADLINE" not in ln for ln in lines if ln not in slow)
