"""The one exception type a user sees.

Every check on user input raises :class:`GandynamicsError` with a one-line message that says what was
wrong and what is accepted. The CLI prints it as ``gandynamics: error: <message>`` and exits with status 2.
"""

from __future__ import annotations

from typing import Iterable

__all__ = ["GandynamicsError", "GandynamicsWarning", "require", "EXTRAS", "install_hint", "choice_refusal",
           "accepted_text", "quoted"]


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


def quoted(value) -> str:
    """A refused value as a refusal quotes it: ``repr``, a text stripped of its outer spaces first."""
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def choice_refusal(value, what: str, options: Iterable, also: str = "") -> str:
    """The one line refusing ``value`` for ``what``, which takes one of ``options``: ``unknown <what> '<value>';
    accepted: a, b, c`` (and ``also``, e.g. ``or --game FILE.py:FACTORY``), with the accepted one nearest to it when one
    is near (``(did you mean dirac?)``).  Every refusal of a value outside a fixed set has this form
    (:func:`gandynamics.validate.choice`;
    the command line's options with a fixed set of values, ``--engine``, ``--order``, ``--base``, a game, a loss, a
    regularizer, a command; :func:`gandynamics.methods.refuse_methods` for method names): ``--engine`` said "must be
    one of ...; got", ``--base`` "must be one of ..., got", a game "unknown game ...; accepted: ..." (a new user)."""
    return f"unknown {what} {quoted(value)}{accepted_text(options, also, value)}"


def accepted_text(options: Iterable, also: str = "", near=None) -> str:
    """The end of a refusal of a name (:func:`choice_refusal`): ``; accepted: a, b, c`` and ``also`` (``, or none``),
    then ``(did you mean b?)`` when ``near`` (the name refused) is close to one of ``options``, letter case aside
    (``which='lr'`` is near ``LR``)."""
    import difflib
    opts = [str(o) for o in options]
    text = f"; accepted: {', '.join(opts) or 'none'}" + (f", {also}" if also else "")
    close = []
    if isinstance(near, str) and near.strip():
        low = {o.lower(): o for o in reversed(opts)}  # (the first of options differing only in case)
        close = [low[k] for k in difflib.get_close_matches(near.strip().lower(), list(low), n=1)]
    return text + (f" (did you mean {close[0]}?)" if close else "")
