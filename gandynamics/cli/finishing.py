"""A command's last phase, printing and writing what it computed, run whole through a Ctrl-C.

A Ctrl-C during a computation stops it and keeps what finished (the runs' chunks, a sweep's rows, a search's
brackets); one that came just after, while the results were being printed or their file written, stopped that
instead, and a whole run was lost (``simulate --steps 1e8 --csv``: "gandynamics: interrupted", no report, no file, a
new user's trial).  :func:`finish` holds the Ctrl-C until the results are out, and says that it came.
"""

from __future__ import annotations

import sys

__all__ = ["finish"]


def finish(fn, what: str = "the results"):
    """``fn()`` run to its end (:func:`gandynamics.runs.engine.whole`: a Ctrl-C meanwhile is held, not raised), and
    its value; where a Ctrl-C came, a line on standard error saying that ``what`` were kept, and the exit status 130
    (else ``fn``'s value).  Raises what ``fn`` raises."""
    from ..runs.engine import whole
    out = []
    late = whole(lambda: out.append(fn()), f"Ctrl-C: writing {what} to the end first, then stopping ...")
    if not late:
        return out[0]
    sys.stderr.write(f"gandynamics: interrupted while {what} were written; they are kept above\n")
    return 130
