r"""Is a GAN's quadrature fine enough?  Its Jacobian at a point against the one of the rules with twice the nodes.

A GAN's expectations of integrands that are not polynomials in the data (a sigmoid loss of a ``tanh`` critic, say)
are sums over a Gauss rule of ``order`` nodes per dimension (:mod:`gandynamics.distributions`): a finite-sum game
close to the one written, not the same.  How close depends on the integrand, not on the rule alone: a critic
``w tanh(2x)`` on ``U[-1, 1]``, whose ``sech^2(2x)`` has poles at ``x = ±i pi/4``, near the interval, moves an
eigenvalue pair of the R1-regularized Jacobian from ``-0.4621 ± 0.1368 i`` (converged) to ``-0.4816 ± 0.0705 i``
with the default 5 nodes: a phase factor of 0.146 in place of 0.296, with nothing in the numbers to show it.

:func:`quadrature_check` derives the same GAN with every rule's nodes per dimension doubled (the regularizers applied
to it as to the original) and compares the two Jacobians at the point.  A Gauss rule of ``n`` nodes is exact to
degree ``2n - 1`` and converges geometrically for an analytic integrand, so the difference of the ``n``- and
``2n``-node values estimates the ``n``-node rule's error and overestimates the ``2n``-node rule's (docs/mathematics.md
§0.6).  A field built from a :class:`~gandynamics.game.Game` (its expectations written out by the user) or from atoms
alone has nothing to refine.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)
from ..distributions import Distribution
from ..errors import GandynamicsError

__all__ = ["QuadratureCheck", "quadrature_check", "refined", "rule_orders", "QUADRATURE_TOL", "CHECK_MAX_ATOMS"]

#: relative change of the Jacobian (Frobenius norm) up to which the rule counts as settled at the point
QUADRATURE_TOL = 1e-6
#: the most atoms (both distributions of the GAN, after doubling) the check derives a field for: the doubled rule of
#: a d-dimensional distribution has 2^d times the atoms (the JARE Gaussian GAN's 729 would become 46,656)
CHECK_MAX_ATOMS = 400


def _fields(dist) -> list:
    """``(name, value)`` of each field of ``dist`` (a dataclass: Normal, Uniform, Pushforward, Convolution; none for
    any other distribution), the walk that :func:`rule_orders`, :func:`refined` and :func:`_atom_count` share: a value
    that is a :class:`Distribution` is a part, the field ``order`` (a whole number) a rule's nodes per dimension."""
    return [(f.name, getattr(dist, f.name)) for f in dataclasses.fields(dist)] if dataclasses.is_dataclass(dist) else []


def _is_order(name: str, value) -> bool:
    return name == "order" and isinstance(value, int) and not isinstance(value, bool)


def rule_orders(dist: Distribution) -> tuple[int, ...]:
    """The nodes per dimension of every quadrature rule inside ``dist`` (a pushforward's latent, a convolution's
    parts), in the order of its fields; empty for atoms."""
    out: list[int] = []
    for name, v in _fields(dist):
        if isinstance(v, Distribution):
            out += rule_orders(v)
        elif _is_order(name, v):
            out.append(v)
    return tuple(out)


def refined(dist: Distribution, factor: int = 2) -> Distribution:
    """``dist`` with every quadrature rule inside it of ``factor`` times the nodes per dimension (the same object
    when it has none)."""
    changes = {}
    for name, v in _fields(dist):
        if isinstance(v, Distribution):
            r = refined(v, factor)
            if r is not v:
                changes[name] = r
        elif _is_order(name, v):
            changes[name] = v * factor
    return dataclasses.replace(dist, **changes) if changes else dist


@dataclass
class QuadratureCheck:
    """The Jacobian at a point with the GAN's quadrature rules as given and with their nodes doubled.

    Attributes
    ----------
    orders, refined_orders : tuple of int   nodes per dimension of each rule: the data's, the generator's, then the
                                            regularizers' own (instance noise, DRAGAN, WGAN-GP's interpolation)
    atoms : int                             atoms of the doubled rules (both distributions, each of their points
                                            times a regularizer's own rule's)
    checked : bool                          False when the doubled rules were not derived (``reason`` says why)
    jacobian_change : float                 ``||J_2n - J_n||_F / ||J_2n||_F`` (NaN unless ``checked``)
    eigenvalue_change : float               the largest ``|mu - lambda|`` over the eigenvalues of the two Jacobians
                                            matched one to one (least total distance), over ``max(1, max |mu|)``
    residual : float                        ``|F_2n|`` at the point (the point may be a zero of ``F_n`` alone)
    eigenvalues : (n,) complex array        of ``J_2n``, by real part (empty unless ``checked``)
    reason : str                            why the check was not made (empty when it was)
    rules : tuple of str                    whose each rule is: ``"data"``, ``"generator"`` or a regularizer's name
    points : int                            the points compared (the changes are the largest over them)
    """

    orders: tuple
    refined_orders: tuple
    atoms: int
    checked: bool
    jacobian_change: float = math.nan
    eigenvalue_change: float = math.nan
    residual: float = math.nan
    eigenvalues: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, complex))
    reason: str = ""
    rules: tuple = ()
    points: int = 1

    @property
    def settled(self) -> bool:
        """Whether the Jacobian moved by at most :data:`QUADRATURE_TOL` (relative) when the nodes were doubled."""
        return self.checked and self.jacobian_change <= QUADRATURE_TOL

    def text(self) -> str:
        """One line for a report: what was compared and what it says."""
        n = _orders(self.orders)
        if not self.checked:
            return f"quadrature: {n} nodes per dimension; not checked ({self.reason})"
        where = "" if self.points == 1 else f" (the largest over {self.points} points)"
        head = (f"quadrature: with {_orders(self.refined_orders)} nodes per dimension in place of {n}, the Jacobian "
                f"changes by {self.jacobian_change:z.2g} (relative), its eigenvalues by up to "
                f"{self.eigenvalue_change:z.2g}{where}")
        if self.checked and self.jacobian_change == 0.0 and np.all(self.eigenvalue_change == 0.0):
            # (nothing moved, bitwise: the expectations are exact, polynomial integrands in closed form or by a rule
            # exact for them; "the rule is fine enough" read as if a 5-node rule had been used, a new user)
            return (f"quadrature: the same Jacobian, bitwise, with {_orders(self.refined_orders)} nodes per dimension "
                    f"as with {n}{where}: these expectations are exact here (polynomial integrands, in closed form or "
                    "by a rule exact for them)")
        if self.settled:
            return head + ": the rule is fine enough here"
        return (head + f": NOT settled; the expectations of this GAN's non-polynomial integrands are sums over the "
                f"rule, and these numbers are those of the {n}-node sum: raise the order until they settle: "
                f"{self._whose()}")

    def _whose(self) -> str:
        """Where the orders are set (the distributions' ``order=``, a regularizer's ``order`` option), each with twice
        its present value."""
        out, dists = [], {}
        for r, o in zip(self.rules, self.orders):
            if r in ("data", "generator"):
                dists[r] = max(dists.get(r, 0), 2 * o)
            else:
                out.append(f"--reg {r}:order={2 * o} or more")
        if dists:
            whose = " and the ".join(f"{r}'s" for r in dists)
            plural = "s" if len(dists) > 1 else ""
            out.insert(0, f"order={max(dists.values())} or more for the {whose} distribution{plural}")
        return "; ".join(out)

    def to_dict(self) -> dict:
        """The check as built-in Python values (:mod:`gandynamics.jsonio`), as ``gandynamics analyze --json`` writes
        it under ``"quadrature"``."""
        from ..jsonio import pairs, plain
        return plain({"orders": list(self.orders), "refined_orders": list(self.refined_orders), "atoms": self.atoms,
                      "rules": list(self.rules), "checked": self.checked, "settled": self.settled,
                      "jacobian_change": self.jacobian_change,
                      "eigenvalue_change": self.eigenvalue_change, "residual": self.residual,
                      "eigenvalues": pairs(self.eigenvalues), "reason": self.reason, "points": self.points})

    def __repr__(self) -> str:
        return self.text()


def _orders(orders: tuple) -> str:
    u = sorted(set(orders))
    return str(u[0]) if len(u) == 1 else "/".join(str(o) for o in orders)


def quadrature_check(fld, params=None, at=None, factor: int = 2,
                     max_atoms: int = CHECK_MAX_ATOMS) -> QuadratureCheck | None:
    """Compare the Jacobian of ``fld`` at a point with the one of the same GAN whose rules have ``factor`` times the
    nodes per dimension.

    Parameters
    ----------
    fld : VectorField           a field built from a :class:`~gandynamics.game.GAN` (else: None, nothing to check); its
                                regularizers with a rule of their own (an ``order`` option) are refined with it
    params : mapping or (n_p,) array, optional    hyperparameters (the field's defaults otherwise)
    at : (n,) or (k, n) array, optional   the point (default: the equilibrium, as :func:`gandynamics.analysis.spectrum`
                                takes it), or k points (a region's witnesses), the largest change over them reported
    factor : int                nodes per dimension multiplied by this (>= 2)
    max_atoms : int             derive the refined field only when its distributions have at most this many atoms

    Returns
    -------
    QuadratureCheck, or None when the field's GAN has no quadrature rule (atoms only) or the field is not a GAN's.

    Raises
    ------
    GandynamicsError
        bad ``factor`` or ``max_atoms`` (a whole number >= 1); as :func:`gandynamics.analysis.spectrum` for the point;
        a Jacobian not finite there.
    """
    from ..field import VectorField
    from ..game import GAN
    from ..validate import field as check_field
    from .spectrum import analysis_point
    fld = check_field(fld, "quadrature_check")
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 2:
        raise GandynamicsError(f"factor must be a whole number >= 2 (nodes per dimension multiplied by it), got "
                               f"{factor!r}")
    from ..validate import whole
    max_atoms = whole(max_atoms, "quadrature_check: max_atoms")  # (-1 was taken: every check "not checked")
    model = fld.model
    if not isinstance(model, GAN):
        return None
    regs = [r for r in fld.regularizers if "order" in r.opts]  # their own rules (instance noise, DRAGAN, WGAN-GP)
    own = (rule_orders(model.real), rule_orders(model.fake))
    orders = own[0] + own[1] + tuple(int(r.opts["order"]) for r in regs)
    rules = ("data",) * len(own[0]) + ("generator",) * len(own[1]) + tuple(r.name for r in regs)
    if not orders:
        return None
    f = int(factor)
    finer = model.with_(real=refined(model.real, f), fake=refined(model.fake, f))
    finer_regs = [type(r)(**{**r.params, "order": int(r.opts["order"]) * f}) if "order" in r.opts else r
                  for r in fld.regularizers]
    new_orders = tuple(o * f for o in orders)
    # the doubled rules' atoms: the data's and the generator's, each point integrated again over a regularizer's rule
    atoms = (_atom_count(finer.real) + _atom_count(finer.fake)) * math.prod(
        (int(r.opts["order"]) * f) ** len(model.x) for r in regs)
    if atoms > max_atoms:
        return QuadratureCheck(orders, new_orders, atoms, False, rules=rules,
                               reason=f"the doubled rules have {atoms} atoms, more than the {max_atoms} this check "
                                      "derives a field for")
    several = at is not None and np.ndim(at) == 2
    points = [fld.point(z) for z in at] if several else [analysis_point(fld, params, at)[0]]
    if not points:
        raise GandynamicsError("quadrature_check: no point given (at of shape (0, n))")
    pv = fld.param_vector(params)
    p2 = {s.name: float(v) for s, v in zip(fld.hyper, pv)}
    from ..log import notice_if_slow
    with notice_if_slow(f"game {fld.name!r}: checking its quadrature, the field again with {_orders(new_orders)} nodes "
                        f"per dimension in place of {_orders(orders)} ({atoms} atoms) ...", quiet_inside=True):
        fine = VectorField(finer, finer_regs, name=fld.name)
    worst = None
    for z in points:  # (several: the largest change, with the eigenvalues and residual of its point)
        one = _compare(fld, fine, z, pv, p2)
        if worst is None or not one[0] <= worst[0]:
            worst = one
    change, ev, res, l2 = worst
    return QuadratureCheck(orders, new_orders, atoms, True, change, ev, res, l2, rules=rules, points=len(points))


def _compare(fld, fine, z, pv, p2) -> tuple:
    """``(jacobian_change, eigenvalue_change, |F_2n(z)|, eigenvalues of J_2n)`` at one point."""
    J1 = fld.eval_J(z, pv)
    J2 = fine.eval_J(z, p2)
    if not (np.all(np.isfinite(J1)) and np.all(np.isfinite(J2))):
        raise GandynamicsError(f"the Jacobian is not finite at {z.tolist()}: "
                               f"{fld.why_not_finite(z, pv, jacobian=True)}")
    scale = float(np.linalg.norm(J2))
    # (both zero: no change; 0 * inf had made it NaN, read "NOT settled")
    change = float(np.linalg.norm(J2 - J1)) / scale if scale > 0 else (math.inf if np.any(J1 != 0) else 0.0)
    l1, l2 = np.linalg.eigvals(J1), np.linalg.eigvals(J2)
    from scipy.optimize import linear_sum_assignment
    cost = np.abs(l2[:, None] - l1[None, :])
    r, c = linear_sum_assignment(cost)
    ev = float(cost[r, c].max()) / max(1.0, float(np.abs(l2).max())) if l2.size else 0.0
    from ..equilibrium import norm
    res = norm(fine.eval_F(z, p2))
    return change, ev, res, l2[np.lexsort((-l2.imag, -l2.real))]


def _atom_count(dist: Distribution) -> int:
    """The atoms of ``dist`` without building them: ``order ** dim`` for a rule, the product of its parts' counts for a
    pushforward or a convolution, the atoms themselves otherwise."""
    fields = _fields(dist)
    order = next((v for name, v in fields if _is_order(name, v)), None)
    if order is not None:
        return order ** int(dist.dim)
    parts = [v for _, v in fields if isinstance(v, Distribution)]
    return math.prod(_atom_count(d) for d in parts) if parts else len(dist.atoms())
