import os

os.environ.setdefault("MPLBACKEND", "Agg")


import pytest  # noqa: E402


@pytest.fixture
def compiled_engine(monkeypatch):
    """Run simulate/sweep on the compiled kernels even where ``engine="auto"`` would interpret a short run
    (gandynamics.runs.engine.choose_engine): the tests of the numeric core test the compiled kernels against
    their references; tests/test_interpreted_engine.py checks the interpreter against them."""
    monkeypatch.setenv("GANDYNAMICS_ENGINE", "compiled")
