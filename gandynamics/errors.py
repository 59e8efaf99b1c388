"""The one exception type a user sees.

Every check on user input raises :class:`GandynamicsError` with a one-line message that says what was
wrong and what is accepted. The CLI prints it as ``gandynamics: error: <message>`` and exits with status 2.
"""

from __future__ import annotations

__all__ = ["GandynamicsError", "GandynamicsWarning", "require", "EXTRAS", "install_hint"]


class GandynamicsError(ValueError):
    """Bad input or a failed analysis step, described in one line for the user."""


class GandynamicsWarning(UserWarning):
    """A notice for the user that does not stop the work (e.g. the cache folder fell back to a temporary
    one).  The CLI prints it as one line ``gandynamics: warning: <message>``."""


def require(condition: bool, message: str) -> None:
    """Raise :class:`GandynamicsError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise GandynamicsError(message)


#: the optional extras (pyproject.toml's ``[project.optional-dependencies]``; tests/test_install_hints.py keeps
#: the two equal)
EXTRAS = ("tables", "distributed", "notebook", "pep", "test", "mutation", "docs")


def install_hint(extra: str) -> str:
    """How to install the optional extra ``extra``, worded so that the command works: gandynamics is not
    published on PyPI, so ``pip install "gandynamics[tables]"`` fails; the extra is installed from the clone,
    in its directory, with ``pip install -e ".[tables]"``.  Every message and help text that says what to
    install uses this text."""
    if extra not in EXTRAS:
        raise ValueError(f"no extra {extra!r}; the extras: {', '.join(EXTRAS)}")
    return f'pip install -e ".[{extra}]" from the project\'s directory'
