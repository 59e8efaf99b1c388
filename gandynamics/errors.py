"""The one exception type a user sees.

Every check on user input raises :class:`GandynamicsError` with a one-line message that says what was
wrong and what is accepted. The CLI prints it as ``gandynamics: error: <message>`` and exits with status 2.
"""

from __future__ import annotations

from typing import Iterable

__all__ = ["GandynamicsError", "GandynamicsWarning", "require", "EXTRAS", "install_hint", "choice_refusal",
           "accepted_text", "names_refusal", "refused_names", "names_phrase", "applies_to_none", "quoted"]


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


def accepted_text(options: Iterable, also: str = "", near=None, nears=None) -> str:
    """The end of a refusal of a name (:func:`choice_refusal`, :func:`names_refusal`): ``; accepted: a, b, c`` and
    ``also`` (``, or none``), then the accepted name nearest to the refused one, letter case aside (``which='lr'`` is
    near ``LR``), when one is near: ``near`` the one refused value (``(did you mean b?)``; a value that is itself a
    tuple is one value), or ``nears`` several refused names, each with its own, in the order of the refusal's names
    (``(did you mean beta for 'bta', gamma for 'gama'?)``; names near none are left out, one name as ``near``)."""
    opts = [str(o) for o in options]
    text = f"; accepted: {', '.join(opts) or 'none'}" + (f", {also}" if also else "")
    if nears is not None:
        vals = _sorted_names(nears) if nears else []
        if len(vals) == 1:
            near = vals[0]
        else:
            pairs = [(n, c) for n in vals for c in [_nearest(n, opts)] if c is not None]
            return text + (f" (did you mean {', '.join(f'{c} for {n!r}' for n, c in pairs)}?)" if pairs else "")
    close = _nearest(near, opts)
    return text + (f" (did you mean {close}?)" if close is not None else "")


def _nearest(name, opts: list) -> str | None:
    """The one of ``opts`` nearest to ``name`` (difflib's ratio at least 0.6, letter case aside), or None."""
    import difflib
    if not (isinstance(name, str) and name.strip()):
        return None
    low = {o.lower(): o for o in reversed(opts)}  # (the first of options differing only in case)
    close = difflib.get_close_matches(name.strip().lower(), list(low), n=1)
    return low[close[0]] if close else None


def names_refusal(values, what: str, options: Iterable, also: str = "", plural: str | None = None,
                  near: bool = True, of: str = "", head: str = "unknown") -> str:
    """The one line refusing one or several names for ``what``: one name as :func:`choice_refusal` says it
    (``unknown parameter 'gama'; accepted: gamma, beta (did you mean gamma?)``; but as ``repr`` shows it, spaces
    kept, for these names are matched as given), several in the same shape, each quoted, in sorted order, each with
    its nearest accepted name (``unknown parameters 'bta', 'gama'; accepted:
    gamma, beta (did you mean beta for 'bta', gamma for 'gama'?)``).  ``plural`` the plural of ``what`` (default
    ``what + 's'``); ``of`` follows the names (``for gd``: ``unknown option 'betta' for gd``); ``head`` replaces
    ``unknown`` (``gd takes no``: ``gd takes no options 'n_d', 'n_g'; accepted: box``); ``near=False`` leaves the
    suggestions to the caller (who knows better ones).  Every refusal of several names at once has this form (they
    said ``unknown parameter(s) bta, gama``, unquoted, with no suggestion)."""
    vals = _sorted_names(values)
    return refused_names(vals, what, plural, of, head) + accepted_text(options, also, nears=vals if near else None)


def refused_names(values, what: str, plural: str | None = None, of: str = "", head: str = "unknown") -> str:
    """The head of :func:`names_refusal` without its end (``unknown parameters 'bta', 'gama'``), for a refusal that
    says more between the two (:func:`gandynamics.methods.refuse_methods`: known methods not accepted here, each
    with its reason)."""
    return f"{head} {names_phrase(values, what, plural)}" + (f" {of}" if of else "")


def names_phrase(values, what: str, plural: str | None = None) -> str:
    """``what`` and the ``values``, each once, as ``repr`` shows them (``'gamma '`` with its space: these names are
    matched as given), sorted, in the singular for one (``method 'gd'``) and the plural for several (``methods 'eg',
    'gd'``): the names of every refusal of names (:func:`refused_names`; "given twice", "applies to none of" said
    ``method(s) gd``, ``option(s) la_k apply``)."""
    vals = _sorted_names(values)
    word = what if len(vals) == 1 else (plural or what + "s")
    return f"{word} {', '.join(repr(v) for v in vals)}"


def applies_to_none(values, what: str, among) -> str:
    """``option 'la_k' applies to none of gd, eg`` / ``options 'a', 'b' apply to none of ...``: the refusal of names
    that no one of ``among`` takes (a sweep's and rates' options)."""
    vals = _sorted_names(values)
    return f"{names_phrase(vals, what)} appl{'ies' if len(vals) == 1 else 'y'} to none of {', '.join(map(str, among))}"


def _sorted_names(values) -> list:
    if isinstance(values, str):  # (one name, not its letters)
        values = [values]
    # (each once, by its repr: a refused value may be unhashable, a list given as a method's name)
    vals = sorted({repr(v): v for v in values}.values(), key=lambda v: (not isinstance(v, str), str(v)))
    if not vals:
        raise ValueError("names_refusal: no name to refuse")
    return vals
