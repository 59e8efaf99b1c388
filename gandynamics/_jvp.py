"""The static half of the large-game Jacobian: forward-mode propagation over the program of F.

:func:`gandynamics.codegen.generate_source` (route ``DF = None``) prints F's common-subexpression program
``t_k = e_k(z, p, t_<k)`` and those local partials ``d e_k / d s`` (s a state or an earlier temp) that are
not simply a number times at most two values as generated code; the chain rule itself is data, the edge
lists ``(target, source, weight)``, and is applied by :func:`propagate`, compiled once for every game:

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
def propagate(V, nnodes, tgt, src, wc, i1, i2, outnode, out):
    """Fill ``out`` (n x n) with DF: tangents of every node for the n unit directions.

    Nodes ``0..n-1`` are the states, ``n + k`` the temp ``t_k``.  Edge ``e`` adds
    ``wc[e] * V[i1[e]] * V[i2[e]] * tangent[src[e]]`` to ``tangent[tgt[e]]``; ``V`` holds ``1, z, p``, the
    temps and the computed partials (``V[0] = 1``), so a partial such as ``-t_3``, ``2 z_1`` or
    ``t_4 t_9`` is data, not code.  Edges are in program order, so every source is complete before it is
    read.  ``outnode[i]`` is F_i's node (-1: a constant component)."""
    n = out.shape[0]
    T = np.zeros((nnodes, n))
    for j in range(n):
        T[j, j] = 1.0
    for e in range(tgt.shape[0]):
        c = wc[e] * V[i1[e]] * V[i2[e]]
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
