"""Stand-ins for numba's decorators when a generated module is run by the Python interpreter
(:func:`gandynamics.codegen.load_interpreted`): the functions stay plain Python, nothing is compiled."""

__all__ = ["njit", "prange"]

prange = range


def njit(*args, **kwargs):
    """``@njit`` and ``@njit(...)`` both return the function unchanged."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f
