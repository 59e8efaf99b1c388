"""The static half of the large-game Jacobian: forward-mode propagation over the program of F.

:func:`gandynamics.codegen.generate_source` (route ``DF = None``) prints F's common-subexpression program
``t_k = e_k(z, p, t_<k)`` and the non-trivial local partials ``d e_k / d s`` (s a state or an earlier temp)
as generated code; the chain rule itself is data, the edge lists ``(target, source, weight)``, and is
applied by :func:`propagate`, compiled once for every game:

.. math::

    \\dot t_k = \\sum_{s \\to k} \\frac{\\partial e_k}{\\partial s} \\dot s, \\qquad \\dot z = e_j
    \\ \\Rightarrow\\ DF_{ij} = \\dot F_i .

Generated code then grows like the size of F (not like the ``n^2`` entries of DF), which keeps numba's
compile time (superlinear in a function's length) in check.
"""

import numpy as np
from numba import njit

__all__ = ["propagate"]


@njit(cache=True)
def propagate(z, p, w, g, tgt, src, kind, widx, wconst, outnode, out):
    """Fill ``out`` (n x n) with DF: tangents of every node for the n unit directions.

    Nodes ``0..n-1`` are the states, ``n + k`` the temp ``t_k`` (value ``w[k]``).  Edge ``e`` adds
    ``c_e * tangent[src[e]]`` to ``tangent[tgt[e]]``, with ``c_e`` = ``wconst[e]`` (kind 0), ``z[widx]``
    (1), ``p[widx]`` (2), ``w[widx]`` (3) or ``g[widx]`` (4, a computed partial).  Edges are in program
    order, so every source is complete before it is read.  ``outnode[i]`` is F_i's node (-1: constant)."""
    n = z.shape[0]
    T = np.zeros((n + w.shape[0], n))
    for j in range(n):
        T[j, j] = 1.0
    for e in range(tgt.shape[0]):
        k = kind[e]
        if k == 0:
            c = wconst[e]
        elif k == 1:
            c = z[widx[e]]
        elif k == 2:
            c = p[widx[e]]
        elif k == 3:
            c = w[widx[e]]
        else:
            c = g[widx[e]]
        if c != 0.0:
            ti = tgt[e]
            si = src[e]
            for j in range(n):
                T[ti, j] += c * T[si, j]
    for i in range(n):
        node = outnode[i]
        for j in range(n):
            out[i, j] = T[node, j] if node >= 0 else 0.0
    return out
