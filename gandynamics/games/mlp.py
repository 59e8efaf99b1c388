r"""A small neural GAN for scaling studies: a one-hidden-layer tanh discriminator on data atoms.

Definition (this library's benchmark game, studies/bench_scaling.py): latent atoms ``z_i`` (equal weights), affine
generator ``G(z) = A z + b``, data atoms ``x_i = A* z_i + b*`` (so the generator can match the data
exactly), discriminator of width ``k``

.. math::

    D(x) = \sum_{j=1}^k u_j \tanh(w_j^T x + c_j)      \quad(c_j = 0 \text{ unless } bias),

and the GAN objective of M18 eq. (1) with the chosen loss.  ``dim = 1``: latent atoms ``{-1, 0, 1}``,
``A* = 1, b* = 0.5``; ``dim = 2``: latent atoms ``(1, 0), (0, 1), (-1, -1)`` (a centred triangle),
``A* = I, b* = (0.5, 0)``.  Number of parameters ``n = dim^2 + dim + k (dim + 1 + bias)``: ``dim = 1``
without bias gives ``n = 2 + 2k`` (4 for k = 1, 100 for k = 49, 128 for k = 63).

Equilibrium (M18 Assumption I, "realisable with D = 0"): ``A = A*, b = b*, u = 0`` and *any* ``w, c``
(with ``u = 0``, D vanishes identically, every discriminator gradient carries a factor ``u_j`` or
``E_fake - E_real = 0``).  The equilibria therefore form a manifold of dimension ``k (dim + bias)``
along which J has zero eigenvalues (M18 §4, reparametrisation manifolds).  The reported equilibrium picks
the deterministic hidden weights ``w_j = 0.5 + j/k`` (dim 1) or ``w_j = (cos t_j, sin t_j)``,
``t_j = 2 pi j / k + 0.3`` (dim 2), and ``c_j = (j + 1)/(k + 1) - 1/2``, ``j = 0..k-1``.  Use ``--at`` or
``find_equilibrium`` for any other point of the manifold.
"""

from __future__ import annotations

import math

import sympy as sp

from ..distributions import Atoms, Pushforward
from ..errors import GandynamicsError
from ..validate import boolean, whole
from ..game import GAN, check_game_size

__all__ = ["mlp", "mlp_equilibrium"]

_LATENT = {1: [(-1,), (0,), (1,)], 2: [(1, 0), (0, 1), (-1, -1)]}
_A_STAR = {1: ((1.0,),), 2: ((1.0, 0.0), (0.0, 1.0))}
_B_STAR = {1: (0.5,), 2: (0.5, 0.0)}


def _hidden(k: int, dim: int, bias: bool):
    w = []
    for j in range(k):
        if dim == 1:
            w.append((0.5 + j / k,))
        else:
            t = 2 * math.pi * j / k + 0.3
            w.append((math.cos(t), math.sin(t)))
    c = [(j + 1) / (k + 1) - 0.5 for j in range(k)] if bias else []
    return w, c


def _arguments(k, dim, bias, who: str) -> tuple:
    """``(k, dim, bias)`` of :func:`mlp` and :func:`mlp_equilibrium` checked by one rule (``mlp_equilibrium(dim=3)``
    was a KeyError, ``k=None`` a TypeError)."""
    k = whole(k, f"{who}: k")
    bias = boolean(bias, f"{who}: bias")  # ('false' built the model with biases: a non-empty text is truthy)
    if isinstance(dim, bool) or dim not in (1, 2):
        raise GandynamicsError(f"{who}: dim must be 1 or 2, got {dim!r}")
    return k, int(dim), bias


def mlp_equilibrium(k: int = 4, dim: int = 1, bias: bool = False) -> tuple:
    """The equilibrium point reported by :func:`mlp` (generator ``A*, b*``, hidden weights as documented,
    ``u = 0``), in the state order ``(A row-major, b, w, c, u)``.

    Raises
    ------
    GandynamicsError
        as :func:`mlp` for ``k``, ``dim`` and ``bias``.
    """
    k, dim, bias = _arguments(k, dim, bias, "mlp_equilibrium")
    w, c = _hidden(k, dim, bias)
    A = [v for row in _A_STAR[dim] for v in row]
    return tuple(A) + _B_STAR[dim] + tuple(v for wj in w for v in wj) + tuple(c) + (0.0,) * k


def mlp(k: int = 4, dim: int = 1, bias: bool = False, loss="standard") -> GAN:
    """The tanh-MLP GAN; see the module docstring for the definition and the equilibrium manifold.

    Parameters
    ----------
    k : int
        Hidden width (>= 1).
    dim : int
        Data dimension, 1 or 2.
    bias : bool
        Whether hidden units have biases ``c_j``.
    loss : str
        ``"standard"`` (default), ``"non-saturating"`` or ``"wgan"``.

    Raises
    ------
    GandynamicsError
        ``k`` not a whole number >= 1, ``dim`` not 1 or 2, ``bias`` not True or False, a game too large to analyse.
    """
    k, dim, bias = _arguments(k, dim, bias, "mlp")
    # refused before building k tanh units (sympy takes minutes for k = 1e5): dim^2 + dim generator parameters,
    # k dim weights, k biases (if any) and k output weights
    check_game_size(dim * dim + dim + k * dim + (k if bias else 0) + k, "mlp")
    if dim == 1:
        A = [[sp.Symbol("a", real=True)]]
        b = [sp.Symbol("b", real=True)]
        W = [[sp.Symbol(f"w{j + 1}", real=True)] for j in range(k)]
        x = [sp.Symbol("x", real=True)]
    else:
        A = [[sp.Symbol(f"a{r + 1}{q + 1}", real=True) for q in range(2)] for r in range(2)]
        b = [sp.Symbol(f"b{r + 1}", real=True) for r in range(2)]
        W = [[sp.Symbol(f"w{j + 1}_{q + 1}", real=True) for q in range(2)] for j in range(k)]
        x = [sp.Symbol(f"x{q + 1}", real=True) for q in range(2)]
    C = [sp.Symbol(f"c{j + 1}", real=True) for j in range(k)] if bias else [sp.S.Zero] * k
    U = [sp.Symbol(f"u{j + 1}", real=True) for j in range(k)]
    D = sp.Add(*[U[j] * sp.tanh(sp.Add(*[W[j][q] * x[q] for q in range(dim)]) + C[j]) for j in range(k)])
    latent = Atoms(_LATENT[dim])

    def G(*z):
        return tuple(sp.Add(*[A[r][q] * z[q] for q in range(dim)]) + b[r] for r in range(dim))

    Astar, bstar = _A_STAR[dim], _B_STAR[dim]
    data = [tuple(sum(sp.Float(Astar[r][q]) * z[q] for q in range(dim)) + sp.Float(bstar[r]) for r in range(dim))
            for z in _LATENT[dim]]
    theta = [v for row in A for v in row] + b
    psi = [v for row in W for v in row] + (C if bias else []) + U
    return GAN(theta=theta, psi=psi, x=x, discriminator=D, real=Atoms(data), fake=Pushforward(latent, G, "A z + b"),
               loss=loss, equilibrium=mlp_equilibrium(k, dim, bias), name="mlp")
