"""The one exception type a user sees.

Every check on user input raises :class:`GandynamicsError` with a one-line message that says what was
wrong and what is accepted. The CLI prints it as ``gandynamics: error: <message>`` and exits with status 2.
"""

from __future__ import annotations

__all__ = ["GandynamicsError", "GandynamicsWarning", "require"]


class GandynamicsError(ValueError):
    """Bad input or a failed analysis step, described in one line for the user."""


class GandynamicsWarning(UserWarning):
    """A notice for the user that does not stop the work (e.g. the cache folder fell back to a temporary
    one).  The CLI prints it as one line ``gandynamics: warning: <message>``."""


def require(condition: bool, message: str) -> None:
    """Raise :class:`GandynamicsError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise GandynamicsError(message)
