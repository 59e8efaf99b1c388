r"""Data on a line in the plane: what a discriminator gradient orthogonal to the data does (R1, M18 §4).

The data ``p_D`` are weighted atoms on the x1-axis of the plane, ``x = (a_i, 0)`` with weights ``w_i``;
the discriminator is linear, ``D_psi(x) = psi1 x1 + psi2 x2`` (a fakeness logit, M18 eq. 1), so
``psi2`` is its gradient *orthogonal* to the data line.  Two generators:

* ``leave_line=False`` (default): ``p_theta`` is the data's shape translated *along* the line,
  atoms ``(theta + b_j, 0)`` with weights ``u_j`` (``theta`` a scalar).  State ``(theta, psi1, psi2)``.
  The objective ``L = sum_j u_j f(psi1 (theta + b_j)) + sum_i w_i f(-psi1 a_i)`` does not contain
  ``psi2``: without a regularizer ``F_psi2 = 0`` identically and the equilibria form the line
  ``theta = m_a - m_b, psi1 = 0, psi2`` free (``m_a = sum w_i a_i``, ``m_b = sum u_j b_j``).
* ``leave_line=True``: the generator may also leave the line, atoms ``(theta1 + b_j, theta2)``.
  State ``(theta1, theta2, psi1, psi2)``; the equilibrium ``(m_a - m_b, 0, 0, 0)`` is isolated.

At the equilibrium, with ``s = E_{p_D} x1^2 + E_{p_theta} x1^2`` (raw second moments) and an R1 or R2
weight ``gamma`` (``L_D += gamma/2 E ||grad_x D||^2 = gamma/2 |psi|^2`` for this D),

* tangential block on ``(theta, psi1)``: ``J = [[0, -f'(0)], [f'(0), f''(0) s - gamma]]``;
* ``psi2`` (line generator): ``J = -gamma`` (zero without a regularizer);
* orthogonal pair ``(theta2, psi2)`` (``leave_line=True``): ``J = [[0, -f'(0)], [f'(0), -gamma]]``,
  the Dirac-GAN's (M18 §2.2, §4).

Derivation: docs/math/r1-data-manifold.md.
"""

from __future__ import annotations

import math

import sympy as sp

from ..distributions import Atoms
from ..errors import GandynamicsError
from ..validate import boolean
from ..game import GAN

__all__ = ["data_line"]


def _numbers(values, what: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        raise GandynamicsError(f"data-line: {what} must be numbers, got {values!r}") from None
    if not all(math.isfinite(v) for v in out):
        raise GandynamicsError(f"data-line: {what} must be finite, got {out}")
    return out


def _exact(v: float) -> sp.Expr:
    """A float as an exact rational where it is a short decimal (0.5, -1, 0.25), else a 17-digit Float."""
    r = sp.Rational(repr(float(v)))  # the shortest decimal that round-trips, as a fraction
    return r if r.q <= 10**6 else sp.Float(v, 17)


def _weights(weights, n: int, what: str) -> list[sp.Expr]:
    if not weights:
        return [sp.Rational(1, n)] * n
    w = _numbers(weights, what)
    if len(w) != n:
        raise GandynamicsError(f"data-line: {len(w)} {what} for {n} atoms (give one weight per atom, or none)")
    if any(x <= 0 for x in w):
        raise GandynamicsError(f"data-line: {what} must be positive, got {w}")
    ws = [_exact(x) for x in w]
    total = sp.Add(*ws)
    return [x / total for x in ws]


def data_line(positions=(0.0,), weights=(), offsets=(), offset_weights=(), leave_line: bool = False,
              loss="standard") -> GAN:
    """Data atoms on the x1-axis of the plane, a linear discriminator ``D(x) = psi . x`` and a generator
    that translates its atoms along the line (or, with ``leave_line``, anywhere in the plane).

    Parameters
    ----------
    positions : sequence of float
        x1-coordinates ``a_i`` of the data atoms (default one atom at the origin).
    weights : sequence of float, optional
        Their positive weights ``w_i`` (normalised to sum 1); default uniform.
    offsets : sequence of float, optional
        x1-offsets ``b_j`` of the generator's atoms, which sit at ``(theta + b_j, 0)``; default: the data's
        positions and weights, so that the generator is a translated copy of the data and ``theta* = 0``.
    offset_weights : sequence of float, optional
        Weights ``u_j`` of the generator's atoms (default uniform; with default ``offsets``, the data's).
    leave_line : bool
        Let the generator translate orthogonally too: atoms at ``(theta1 + b_j, theta2)``.
    loss : str
        ``standard``, ``non-saturating``, ``wgan`` or a custom ``f``.

    Returns
    -------
    GAN
        State ``(theta, psi1, psi2)`` or ``(theta1, theta2, psi1, psi2)``; ``equilibrium`` is
        ``(m_a - m_b, 0, 0)`` (the member with ``psi2 = 0`` of the equilibrium line) or
        ``(m_a - m_b, 0, 0, 0)``.

    Raises
    ------
    GandynamicsError
        Empty, non-finite or mismatched positions/weights, non-positive weights.

    Notes
    -----
    Spectra at the equilibrium in closed form: module docstring and docs/math/r1-data-manifold.md.
    """
    leave_line = boolean(leave_line, "data-line: leave_line")
    a = _numbers(positions, "positions")
    if not a:
        raise GandynamicsError("data-line: positions needs at least one data atom (x1-coordinates)")
    w = _weights(weights, len(a), "weights")
    if offsets:
        b = _numbers(offsets, "offsets")
        u = _weights(offset_weights, len(b), "offset_weights")
    else:
        if offset_weights:
            raise GandynamicsError("data-line: offset_weights needs offsets (default: the data's atoms and weights)")
        b, u = a, w
    ae, be = [_exact(v) for v in a], [_exact(v) for v in b]
    x1, x2 = sp.symbols("x1 x2", real=True)
    psi = sp.symbols("psi1 psi2", real=True)
    theta_star = sp.Add(*[wi * ai for wi, ai in zip(w, ae)]) - sp.Add(*[ui * bi for ui, bi in zip(u, be)])
    real = Atoms([[ai, 0] for ai in ae], w)
    if leave_line:
        theta = sp.symbols("theta1 theta2", real=True)
        fake = Atoms([[theta[0] + bi, theta[1]] for bi in be], u)
        eq = (float(theta_star), 0.0, 0.0, 0.0)
    else:
        theta = (sp.Symbol("theta", real=True),)
        fake = Atoms([[theta[0] + bi, 0] for bi in be], u)
        eq = (float(theta_star), 0.0, 0.0)
    return GAN(theta=theta, psi=psi, x=(x1, x2), discriminator=psi[0] * x1 + psi[1] * x2, real=real, fake=fake,
               loss=loss, equilibrium=eq, name="data-line-plane" if leave_line else "data-line")
