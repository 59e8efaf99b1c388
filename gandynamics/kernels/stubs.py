"""Stand-ins for the names that a field's generated module defines (``NZ``, ``NP``, ``field``,
``jacobian``, ``field_block``), imported by the kernel source files only so that linters, editors and
type checkers resolve every name.  The lines that import them are dropped when the kernel source is appended
to a generated module (:func:`gandynamics.kernels.kernel_source`), where the real definitions live.
"""

NZ = 2
NP = 1


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
