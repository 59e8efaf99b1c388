"""Stand-ins for the names that a field's generated module defines (``NZ``, ``NP``, ``field``,
``jacobian``, ``field_block``, the fused steps, and from ``common.py`` the block width ``NB`` and the helpers the
update rules call), imported by the kernel source files and the methods' update rules only so that linters, editors
and type checkers resolve every name.  The lines that import them are dropped when the kernel source is appended
to a generated module (:func:`gandynamics.kernels.kernel_source`), where the real definitions live; the rules'
bodies are spliced in without them.  No numba here: the registry of methods (every command's options list it)
imports this module, not ``common.py``.
"""

NZ = 2
NP = 1
#: the block width (the generated module's is its own: :func:`gandynamics.kernels.block_width`)
NB = 128


def _gk_project(z, BOX, i0, i1, NW):  # pragma: no cover - kernels/common.py's, in the generated module
    raise NotImplementedError("kernel source runs only inside a generated field module")


def _gk_solve(A, x, n):  # pragma: no cover - kernels/common.py's, in the generated module
    raise NotImplementedError("kernel source runs only inside a generated field module")


def field(z, p, out):  # pragma: no cover - replaced by the generated function
    raise NotImplementedError("kernel source runs only inside a generated field module")


def jacobian(z, p, out):  # pragma: no cover
    raise NotImplementedError("kernel source runs only inside a generated field module")


def field_block(Z, P, OUT, m):  # pragma: no cover
    raise NotImplementedError("kernel source runs only inside a generated field module")


def field_step_gd(Z, P, HS, BP, m):  # pragma: no cover
    raise NotImplementedError("kernel source runs only inside a generated field module")


def field_step_to(Z, P, HS, T, m):  # pragma: no cover
    raise NotImplementedError("kernel source runs only inside a generated field module")


def field_step_at(W, Z, P, HS, BP, m):  # pragma: no cover
    raise NotImplementedError("kernel source runs only inside a generated field module")


def field_step_past(Z, A, P, HS, BP, m):  # pragma: no cover
    raise NotImplementedError("kernel source runs only inside a generated field module")
