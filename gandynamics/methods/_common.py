"""Options and helpers shared by several method declarations."""

from __future__ import annotations

import numpy as np

from .base import Option

ORDERS = ("generator-first", "discriminator-first")

ORDER = Option("order", str, "generator-first", "which player moves first: generator-first or discriminator-first",
               choices=ORDERS, slot="dfirst", encode=lambda v: int(v == "discriminator-first"))


def quadratic_roots(b, c):
    """Both roots of ``m^2 - b m + c`` (arrays), concatenated."""
    d = np.sqrt(b * b - 4 * c)
    return np.concatenate([(b + d) / 2, (b - d) / 2])
