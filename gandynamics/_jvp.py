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

__all__ = ["propagate", "JacobianOperator"]


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


class JacobianOperator:
    r"""``DF`` at one point of a large game as a sparse linear system, without compiling anything.

    The forward-mode recursion that :func:`propagate` runs is linear in the tangents: with ``E`` the
    (strictly lower-triangular, nodes in program order) matrix of edge weights ``c_e = wc_e V_{i1} V_{i2}``
    at the point, the tangents of all nodes solve ``(I - E) T = S v`` (``S`` puts ``v`` on the state nodes),
    and ``DF v = O T`` reads the output nodes.  ``I - E`` is factored once (SuperLU, natural order: a unit
    lower-triangular matrix has no fill-in), so a Jacobian-vector product ``DF v`` costs one sparse
    triangular solve over the program's edges, and ``DF^T u`` one transposed solve (reverse mode).

    Parameters
    ----------
    module : a generated module of the large-game route (``values``, ``NNODES``, ``_TGT`` ... ``_OUTNODE``),
        compiled or interpreted (:func:`gandynamics.codegen.load_interpreted`)
    z : (n,) float array, p : (n_p,) float array
    """

    def __init__(self, module, z, p):
        from scipy import sparse
        from scipy.sparse.linalg import splu

        V = np.asarray(module.values(np.asarray(z, dtype=float), np.asarray(p, dtype=float)), dtype=float)
        c = module._WC * V[module._I1] * V[module._I2]
        N = int(module.NNODES)
        self.n = len(z)
        self.N = N
        E = sparse.coo_matrix((c, (module._TGT, module._SRC)), shape=(N, N))
        A = (sparse.identity(N, format="csc") - E.tocsc()).tocsc()
        self._lu = splu(A, permc_spec="NATURAL", diag_pivot_thresh=0.0)
        on = np.asarray(module._OUTNODE, dtype=np.int64)
        self._mask = on >= 0
        self._on = np.where(self._mask, on, 0)

    def matvec(self, v):
        """``DF v``: shape ``(n,)`` (or ``(n, m)`` for ``m`` directions at once)."""
        v = np.asarray(v, dtype=float)
        rhs = np.zeros((self.N,) + v.shape[1:])
        rhs[: self.n] = v
        T = self._lu.solve(rhs)
        out = T[self._on]
        out[~self._mask] = 0.0
        return out

    def rmatvec(self, u):
        """``DF^T u``: shape ``(n,)``."""
        u = np.asarray(u, dtype=float)
        rhs = np.zeros(self.N)
        np.add.at(rhs, self._on[self._mask], u[self._mask])
        return self._lu.solve(rhs, trans="T")[: self.n]

    def dense(self, block: int = 64):
        """The full ``(n, n)`` Jacobian, ``block`` directions per solve (memory ``N x block``)."""
        out = np.empty((self.n, self.n))
        for j0 in range(0, self.n, block):
            j1 = min(self.n, j0 + block)
            E = np.zeros((self.n, j1 - j0))
            E[np.arange(j0, j1), np.arange(j1 - j0)] = 1.0
            out[:, j0:j1] = self.matvec(E)
        return out
