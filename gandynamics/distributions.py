r"""Distributions as weighted atoms: expectations become finite sums by quadrature.

Every distribution is turned into a list of ``(weight, point)`` pairs, ``point`` a tuple of sympy
expressions (which may depend on the players' parameters), so that an expectation
``E[g(x)] = sum_i w_i g(x_i)`` stays an exact sympy expression that can be differentiated.

* :class:`Atoms`: weighted Dirac masses (Mescheder et al. 2018's Dirac-GAN uses one atom).
* :class:`Normal`: Gauss–Hermite quadrature (probabilists' form, weight ``exp(-x^2/2)``) of ``order``
  nodes per dimension, tensor product in several dimensions, mapped by ``x = mean + L u`` with
  ``L L^T = cov``.  An ``order``-node rule is exact for polynomial integrands of degree ``<= 2 order - 1``
  (Golub & Welsch 1969).
* :class:`Uniform`: Gauss–Legendre quadrature on ``[low, high]`` per dimension, same exactness.
* :class:`Pushforward`: a latent distribution pushed through a map ``G(z; theta)``.
* :func:`convolve`: the distribution of ``x + eps`` (instance noise: x from one distribution, eps from
  another, independent).

:func:`expectation` is exact for a polynomial integrand of any degree: in closed form from the exact moments for
a Normal (scalar or diagonal covariance) or a Uniform point whose expansion stays small
(:data:`CLOSED_FORM_TERMS`), otherwise by the rule raised to the nodes the integrand's degree needs
(:meth:`Distribution.exact_for`); any other integrand is summed over the distribution's own ``order``.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import sympy as sp

from .errors import GandynamicsError
from .limits import check_array, check_symbolic
from .validate import whole

__all__ = ["Distribution", "Atoms", "Normal", "Uniform", "Pushforward", "Convolution", "convolve", "expectation"]


def _as_point(p) -> tuple:
    if isinstance(p, (list, tuple, sp.Matrix, np.ndarray)):
        return tuple(sp.sympify(c) for c in (list(p) if not isinstance(p, sp.Matrix) else list(p)))
    return (sp.sympify(p),)


def _float(x: float) -> sp.Expr:
    """A quadrature node or weight as a sympy number (exact where the float is an integer or a half)."""
    x = float(x)
    if x.is_integer():
        return sp.Integer(int(x))
    if (2 * x).is_integer():
        return sp.Rational(int(2 * x), 2)
    return sp.Float(x, 17)


def _weight(w: float) -> sp.Expr:
    """A quadrature weight as a sympy number: the fraction ``p/q`` (``q <= 1000``) it approximates, when it is within
    ``1e-13`` relative of one (numpy's rules carry a few ulps of error, their tensor products more; Gauss--Legendre
    of order 3: 5/18, 4/9; Gauss--Hermite of order 3: 1/6, 2/3; an irrational weight lands that close to such a
    fraction with a chance of about 1e-7), else :func:`_float`.  Exact weights sum to exactly 1: a field whose integrand does not depend on
    the node printed ``2.0000000000000002*psi`` (the float weights' sum) and now prints ``2*psi``."""
    from fractions import Fraction
    w = float(w)
    f = Fraction(w).limit_denominator(1000)
    if f.denominator > 2 and abs(float(f) - w) <= 1e-13 * abs(w):
        return sp.Rational(f.numerator, f.denominator)
    return _float(w)


def _node(x: float) -> sp.Expr:
    """A quadrature node as a sympy number: ``±sqrt(p/q)`` (``q <= 1000``; integers and halves included) when its
    square is within ``1e-13`` relative of such a fraction, else :func:`_float`.  The nodes of Gauss--Hermite of
    orders 2 and 3 (``±1``; ``0, ±sqrt(3)``, the roots of ``He_3 = x^3 - 3x``) and of Gauss--Legendre of orders 2 and 3
    (``±sqrt(1/3)``; ``0, ±sqrt(3/5)``, the roots of ``P_3``) are such: exact, a polynomial integrand's moments come out
    exact (the rule is exact for degree ``<= 2 order - 1``), so LQ-WGAN's field prints ``2*a*w2``, not
    ``2.0000000000000003*a*w2`` (the float node's square, 3.0000000000000004, summed).  An irrational square lands that
    close to such a fraction with a chance of about 1e-7."""
    from fractions import Fraction
    x = float(x)
    if x == 0.0 or not math.isfinite(x):
        return _float(x)
    x2 = x * x
    f = Fraction(x2).limit_denominator(1000)
    if f.numerator > 0 and abs(float(f) - x2) <= 1e-13 * x2:
        r = sp.sqrt(sp.Rational(f.numerator, f.denominator))
        return -r if x < 0 else r
    return _float(x)


#: what a distribution is, as refusals of another value say it
DISTRIBUTIONS_TEXT = "a Distribution (Atoms, Normal, Uniform, Pushforward or convolve(...))"


def check_distribution(value, what: str) -> "Distribution":
    """``value`` when it is a :class:`Distribution`; otherwise a GandynamicsError naming ``what`` (the argument, e.g.
    ``"Pushforward: latent"``, ``"GAN: real"``) and what is accepted.  Every argument that takes a distribution goes
    through it when the object holding it is built: ``Pushforward(3, G)`` and ``convolve(1, 2)`` were accepted and
    ended in an AttributeError ('int' object has no attribute 'atoms') when a field was derived from the GAN."""
    if not isinstance(value, Distribution):
        hint = (f" (for a point mass at {value!r}: Atoms([{value!r}]))"
                if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else "")
        raise GandynamicsError(f"{what} must be {DISTRIBUTIONS_TEXT}, got {type(value).__name__} {value!r}{hint}")
    return value


def _check_value(v, what: str) -> sp.Expr:
    """A distribution's parameter (a mean, a variance, an end, an atom's coordinate or weight): a number or a sympy
    expression (a parameter's symbol), sympified; anything else (None, a dict, a nested list) refused naming ``what``
    (it reached sympy's arithmetic: AttributeError 'NoneType' object has no attribute 'has')."""
    if v is None or isinstance(v, (bool, np.bool_, dict, set, frozenset, bytes)):
        raise GandynamicsError(f"{what} must be a number or a sympy expression, got {v!r}")
    try:
        e = sp.sympify(v)
    except (sp.SympifyError, TypeError, ValueError, SyntaxError):
        raise GandynamicsError(f"{what} must be a number or a sympy expression, got {v!r}") from None
    if not isinstance(e, sp.Expr):
        raise GandynamicsError(f"{what} must be a number or a sympy expression, got {v!r}")
    return e


def _check_point(p, what: str) -> tuple:
    """A point: a number or expression, or a flat sequence of them (:func:`_check_value` for each coordinate)."""
    if isinstance(p, (list, tuple, np.ndarray, sp.Matrix)):
        coords = list(p) if not isinstance(p, np.ndarray) else list(p.reshape(-1)) if p.ndim <= 1 else None
        if coords is None or (isinstance(p, sp.Matrix) and min(p.shape) > 1):
            raise GandynamicsError(f"{what} must be a number or a flat sequence of numbers, got {p!r}")
        return tuple(_check_value(c, what) for c in coords)
    return (_check_value(p, what),)


def _sequence(value, what: str, example: str) -> list:
    """A sequence of values (a list, tuple, range, array of at least one dimension); anything else (a number, text, a
    mapping, None) refused naming ``what``."""
    if (isinstance(value, (Sequence, sp.Matrix)) and not isinstance(value, (str, bytes))) or \
            (isinstance(value, np.ndarray) and value.ndim >= 1):
        return list(value)
    raise GandynamicsError(f"{what} must be a sequence (a list, e.g. {example}), got {type(value).__name__} {value!r}")


class Distribution:
    """A probability distribution represented by weighted atoms (see module docstring).

    Every argument of a distribution that takes another distribution (a pushforward's ``latent``, a convolution's
    ``base`` and ``noise``) and the kind of every other argument is checked when it is built
    (:meth:`__post_init__`); the values themselves (a variance >= 0, weights summing to 1, the quadrature order) where
    the atoms are made, since a symbolic value is checked where its hyperparameter is set."""

    #: nodes per dimension of the quadrature rule (``None`` for exact atoms)
    order: int | None = None
    #: how a refusal names the constructor (``convolve`` for :class:`Convolution`)
    _called: "str | None" = None

    def __post_init__(self):
        """Check every field annotated ``Distribution`` (:func:`check_distribution`), then the subclass's own
        arguments (:meth:`_check_arguments`).

        Raises
        ------
        GandynamicsError
            an argument that takes a distribution given something else (``Pushforward(3, G)``, ``convolve(1, 2)``),
            or another argument of the wrong kind.
        """
        who = self._called or type(self).__name__
        for f in dataclasses.fields(self):
            if f.type in ("Distribution", Distribution):
                check_distribution(getattr(self, f.name), f"{who}: {f.name}")
        self._check_arguments(who)

    def _check_arguments(self, who: str) -> None:
        """The subclass's own arguments, by kind (``who`` names the constructor in a refusal)."""

    def atoms(self) -> list[tuple[sp.Expr, tuple]]:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def dim(self) -> int:
        return len(self.atoms()[0][1])

    def describe(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def exact_for(self, g) -> "Distribution":
        """The distribution with a quadrature rule that integrates ``g`` (a function of the point, a tuple) exactly
        when ``g`` is a polynomial in the point (of any symbolic coefficients): this one when its rule already does or
        ``g`` is not a polynomial (:func:`expectation`).  A rule of ``n`` nodes per dimension is exact up to degree
        ``2n - 1`` in each coordinate: ``E[x^10]`` under ``N(0, 1)`` by the 5 nodes of the default rule read 833.9, not
        945 (a critic ``w x^6`` under R1 was 13 % off)."""
        return self

    def polynomial_expectation(self, g):
        """``E[g(x)]`` in closed form when ``g`` is a polynomial in the point (its monomials replaced by the
        distribution's exact moments), else None (:func:`expectation` then sums a quadrature rule).  :class:`Atoms`
        give their exact weighted sum for every ``g``."""
        return None

    def density(self, x: sp.Symbol) -> sp.Expr | None:
        """The probability density at ``x`` of a distribution on the real line, as a sympy expression of ``x`` and the
        distribution's parameters, or None where it has none to give (atoms, a pushforward, a convolution, or more
        than one dimension).  Used to draw the data as the curve it is (:func:`gandynamics.plotting.animate`)."""
        return None

    def conditions(self) -> list[tuple[sp.Expr, bool, str]]:
        """What the distribution's symbolic parameters must satisfy to be one: ``(expr, strict, what)``, ``expr >= 0``
        (``> 0`` when ``strict``), ``what`` naming it (a variance, a weight, ``high - low``).  A numeric parameter is
        checked when the distribution is built; a hyperparameter is checked where its value is set
        (:meth:`gandynamics.VectorField.hyper_value`): ``Normal(0, s2)`` at ``s2 = -1`` gave NaN and a run "diverged
        at step 1"."""
        return []


#: the most nodes per dimension :meth:`Distribution.exact_for` raises a rule to (degree 199)
EXACT_ORDER_MAX = 100


def _degree(e, xs) -> int | None:
    """The total degree of ``e`` in the symbols ``xs`` read from its tree without expanding it (an upper bound: terms
    that cancel are counted), or None when ``e`` is no polynomial in them (a symbol of ``xs`` under a function, a
    negative or fractional power, or as an exponent).  Linear in the tree's size: ``sp.Poly`` of a deep critic (a
    width-2 network of depth 4, squared units) expanded it for minutes."""
    xs = frozenset(xs)
    memo: dict = {}

    def deg(a):
        got = memo.get(a, -1)
        if got != -1:
            return got
        if not (a.free_symbols & xs):
            d = 0
        elif a.is_Symbol:
            d = 1
        elif a.is_Add or a.is_Mul:
            parts = [deg(b) for b in a.args]
            d = None if None in parts else (max(parts) if a.is_Add else sum(parts))
        elif a.is_Pow and a.exp.is_Integer and a.exp >= 0 and not (a.exp.free_symbols & xs):
            b = deg(a.base)
            d = None if b is None else b * int(a.exp)
        else:
            d = None
        memo[a] = d
        return d

    return deg(sp.sympify(e))


#: the most terms (an upper bound counted from the tree) a polynomial integrand may expand to for its expectation to be
#: taken in closed form (:func:`_moment_expectation`); a larger one is summed over a quadrature rule raised to its
#: degree, whose size grows with the integrand's tree, not with its expansion (a width-2 critic of depth 4: 0.1 s, not
#: two minutes and 11 times the operations)
CLOSED_FORM_TERMS = 1024


def _terms(e) -> int:
    """An upper bound of the number of terms of ``sp.expand(e)`` from the tree (a sum adds its parts' counts, a
    product multiplies them, a whole power ``n`` of ``t`` terms has at most ``C(t + n - 1, n)``), capped just above
    :data:`CLOSED_FORM_TERMS`."""
    cap = CLOSED_FORM_TERMS + 1
    memo: dict = {}

    def count(a):
        got = memo.get(a)
        if got is not None:
            return got
        if a.is_Add:
            t = min(cap, sum(count(b) for b in a.args))
        elif a.is_Mul:
            t = 1
            for b in a.args:
                t = min(cap, t * count(b))
        elif a.is_Pow and a.exp.is_Integer and a.exp > 1:
            b = count(a.base)
            t = 1 if b == 1 else min(cap, math.comb(b + int(a.exp) - 1, int(a.exp)))
        else:
            t = 1
        memo[a] = t
        return t

    return count(sp.sympify(e))


def _exact_order(g, dim: int, order: int):
    """The nodes per dimension that make a Gauss rule exact for ``g`` of a ``dim``-point (``order`` when that does or
    ``g`` is no polynomial in the point); the point as fresh symbols, the degree its total degree (:func:`_degree`)."""
    xi = sp.symbols(f"_gd_xi0:{dim}", real=True)
    try:
        deg = _degree(g(tuple(xi)), xi)
    except (TypeError, ValueError, sp.SympifyError):
        return order
    if deg is None:
        return order
    need = (deg + 2) // 2  # (2n - 1 >= deg)
    return order if need <= order else min(need, EXACT_ORDER_MAX)


def _moment_expectation(g, center, scales, moment):
    """``E[g(center + scales * u)]`` for ``u`` of independent coordinates with ``E[u_i^k] = moment(k)``, when ``g`` of
    that point is a polynomial in ``u`` whose expansion stays small (at most :data:`CLOSED_FORM_TERMS` terms; exact:
    each monomial replaced by its moments), else None (a quadrature rule then)."""
    u = sp.symbols(f"_gd_u0:{len(center)}", real=True)
    try:
        e = sp.sympify(g(tuple(c + s * ui for c, s, ui in zip(center, scales, u))))
        if _degree(e, u) is None or _terms(e) > CLOSED_FORM_TERMS:
            return None
        poly = sp.Poly(sp.expand(e), *u)
    except (sp.PolynomialError, TypeError, ValueError, sp.SympifyError):
        return None
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        m = sp.Integer(1)
        for k in powers:
            m *= moment(k)
            if m == 0:
                break
        if m != 0:
            total += coeff * m
    return total


def _symbolic(v) -> bool:
    """Whether ``v`` is a sympy expression with free symbols (a parameter to check where its value is set)."""
    return bool(getattr(sp.sympify(v), "free_symbols", None))


@dataclass(frozen=True)
class Atoms(Distribution):
    """Weighted Dirac masses at ``points`` (scalars or vectors; sympy expressions allowed).

    Raises
    ------
    GandynamicsError
        when built: ``points`` (or ``weights``) not a sequence, a coordinate or weight that is no number or sympy
        expression; where the atoms are made: points of different dimensions, weights below 0 or not summing to 1.
    """

    points: Sequence
    weights: Sequence | None = None

    def _check_arguments(self, who):
        for p in _sequence(self.points, f"{who}: points", "Atoms([0.0]) or Atoms([[0, 1], [1, 0]])"):
            _check_point(p, f"{who}: a point")
        if self.weights is not None:
            for w in _sequence(self.weights, f"{who}: weights", "[0.5, 0.5]"):
                _check_value(w, f"{who}: a weight")

    def atoms(self):
        pts = [_as_point(p) for p in self.points]
        if not pts:
            raise GandynamicsError("Atoms needs at least one point")
        if len({len(p) for p in pts}) != 1:
            raise GandynamicsError("all atoms must have the same dimension")
        if self.weights is None:
            w = [sp.Rational(1, len(pts))] * len(pts)
        else:
            w = [sp.sympify(x) for x in self.weights]
            if len(w) != len(pts):
                raise GandynamicsError(f"Atoms got {len(pts)} points but {len(w)} weights")
            _check_weights(w)
        return list(zip(w, pts))

    def describe(self):
        return f"atoms({len(list(self.points))})"

    def polynomial_expectation(self, g):
        # exact for every g: the weighted sum over the atoms is the expectation itself (a convolution's closed form
        # needs its base's)
        return sp.Add(*[w * g(x) for w, x in self.atoms()])

    def conditions(self):
        return [(sp.sympify(w), False, "an atom's weight") for w in (self.weights if self.weights is not None else []) if _symbolic(w)]


def _tensor_rule(nodes_1d, weights_1d, dim):
    out = []
    for idx in itertools.product(range(len(nodes_1d)), repeat=dim):
        w = 1.0
        for i in idx:
            w *= weights_1d[i]
        out.append((w, tuple(nodes_1d[i] for i in idx)))
    return out


def _check_weights(w) -> None:
    """Atom weights: real, >= 0, summing to 1 (a probability distribution); symbolic weights are checked
    where sympy can decide."""
    for x in w:
        if x.is_real is False or x.has(sp.I):
            raise GandynamicsError(f"Atoms: weights must be real numbers >= 0, got {x}")
        if x.is_negative:
            raise GandynamicsError(f"Atoms: weights must be >= 0 (a probability distribution), got {x}")
    if all(x.is_Number for x in w):
        total = float(sum(w))
        if not abs(total - 1.0) <= 1e-12:
            raise GandynamicsError(f"Atoms: weights must sum to 1 (a probability distribution), they sum to {total:zg}")


#: a tensor-product rule of more atoms than this makes a game's field slow to build: a warning says so first (the
#: JARE Gaussian GAN, 3 nodes in 6 dimensions, 729 atoms, 12 parameters: 90 s to derive and generate its code on this
#: project's 2-core machine; 5 dimensions 17 s, 8 dimensions still running after 11 minutes at 1.5 GB, 2026-12-03)
SLOW_ATOMS = 500


@functools.lru_cache(maxsize=None)
def _warn_slow_rule(what: str, order: int, dim: int) -> None:
    """The warning of :func:`_check_order`, once per rule and process (a GAN reads its atoms several times)."""
    import warnings
    from .errors import GandynamicsWarning
    warnings.warn(GandynamicsWarning(
        f"{what} {order} in {dim} dimensions: {order ** dim:,} quadrature atoms, and every expectation a sum of that "
        f"many terms: deriving and compiling a game's field over them takes minutes to hours, growing faster than "
        f"{order}-fold per dimension (729 atoms in 6 dimensions: 90 s on a 2-core machine); a smaller order is "
        f"faster (order 2 is exact for moments up to degree 3)"), stacklevel=5)


def _check_order(order, dim: int = 1, what: str = "quadrature order") -> int:
    """A whole number >= 1, small enough that the rule (``order**dim`` atoms, and the ``order x order``
    eigenproblem of Golub–Welsch) fits in memory; a rule of more than :data:`SLOW_ATOMS` atoms is warned of
    (GandynamicsWarning): every expectation over it is a sum of that many terms."""
    order = whole(order, what)
    check_array((order, order), f"a quadrature rule of order {order} (Golub-Welsch eigenproblem)")
    check_symbolic(float(order) ** dim * (dim + 2), f"a quadrature rule of order {order} in {dim} dimensions "
                   f"({order}^{dim} atoms)")
    if order ** dim > SLOW_ATOMS:
        _warn_slow_rule(what, order, dim)
    return order


def _real_number(v, what: str):
    """A sympy value that, if it is a number, is real and finite."""
    v = _check_value(v, what)
    if v.has(sp.I) or v.is_real is False:
        raise GandynamicsError(f"{what} must be real, got {v}")
    if v.is_Number and not v.is_finite:
        raise GandynamicsError(f"{what} must be finite, got {v}")
    return v


def _variance(v):
    """A variance: a real number >= 0 (or a symbolic expression not known to be negative)."""
    v = _real_number(v, "Normal: a variance")
    if v.is_negative:
        raise GandynamicsError(f"Normal: a variance must be >= 0, got {v}")
    return v


@dataclass(frozen=True)
class Normal(Distribution):
    """``N(mean, cov)`` by Gauss–Hermite quadrature of ``order`` nodes per dimension (a polynomial integrand: its
    closed-form moments, or the nodes its degree needs; :func:`expectation`).

    ``mean`` a scalar or vector (sympy allowed); ``cov`` a scalar variance, a vector of variances
    (diagonal) or a full matrix (numeric, factorised by Cholesky).

    Raises
    ------
    GandynamicsError
        when built: a mean or variance that is no number or sympy expression (None, a mapping); where the atoms are
        made: a variance below 0, a covariance matrix of the wrong shape or not positive definite, a bad ``order``.
    """

    mean: object = 0
    cov: object = 1
    order: int = 5

    def _check_arguments(self, who):
        _check_point(self.mean, f"{who}: the mean")
        cov = self.cov
        if isinstance(cov, (list, tuple, np.ndarray, sp.Matrix)):
            if np.ndim(np.asarray(cov, dtype=object)) == 2:
                return  # (a covariance matrix: numeric, checked where the atoms are made)
            _check_point(cov, f"{who}: a variance")
        else:
            _check_value(cov, f"{who}: a variance")

    @property
    def dim(self) -> int:  # (from the mean: without the order**d atoms, or their refusal where they are too many)
        return len(_as_point(self.mean))

    def _checked(self):
        """``(mean, order, L, scales)`` checked (what :meth:`atoms` and :meth:`polynomial_expectation` share): the mean
        as a tuple, the nodes per dimension, the factor ``L`` of ``L L^T = cov`` (a sympy matrix) and the coordinates'
        scales when ``L`` is diagonal (None for a full covariance matrix).  Raises GandynamicsError for a variance
        below 0, a covariance of the wrong shape or not positive definite, an order that is no whole number >= 1."""
        mean = tuple(_real_number(m, "Normal: the mean") for m in _as_point(self.mean))
        d = len(mean)
        order = _check_order(self.order, d, "Normal: order")
        cov = self.cov
        if isinstance(cov, (list, tuple, np.ndarray, sp.Matrix)) and np.ndim(np.asarray(cov, dtype=object)) == 2:
            try:
                c = np.asarray(cov, dtype=float)
            except (TypeError, ValueError):
                raise GandynamicsError("Normal: a covariance matrix must be numeric (symbolic scales: a scalar "
                                       "or a vector of variances)") from None
            if c.shape != (d, d):
                raise GandynamicsError(f"Normal: cov has shape {c.shape}, expected ({d}, {d})")
            if not np.all(np.isfinite(c)) or not np.allclose(c, c.T, rtol=1e-12, atol=0):
                raise GandynamicsError("Normal: cov must be a finite symmetric matrix")
            try:
                return mean, order, sp.Matrix(np.linalg.cholesky(c)), None
            except np.linalg.LinAlgError:
                raise GandynamicsError(f"Normal: cov must be positive definite; its smallest eigenvalue is "
                                       f"{np.linalg.eigvalsh(c).min():z.6g}") from None
        if isinstance(cov, (list, tuple, np.ndarray)):
            if len(cov) != d:
                raise GandynamicsError(f"Normal: {len(cov)} variances for a {d}-dimensional mean")
            scales = [sp.sqrt(_variance(c)) for c in cov]
        else:
            scales = [sp.sqrt(_variance(cov))] * d
        return mean, order, sp.diag(*scales), scales

    def atoms(self):
        mean, order, chol, _ = self._checked()
        d = len(mean)
        x, w = np.polynomial.hermite_e.hermegauss(order)
        w = w / np.sqrt(2 * np.pi)
        out = []
        for wi, u in _tensor_rule(x, w, d):
            uu = sp.Matrix([_node(c) for c in u])
            pt = sp.Matrix(mean) + chol * uu
            out.append((_weight(wi), tuple(pt)))
        return out

    def density(self, x):
        mean, cov = _as_point(self.mean), np.asarray(self.cov, dtype=object)
        if len(mean) != 1 or cov.size != 1:  # (a variance given as [v] or [[v]] is one dimension too)
            return None
        m, v = sp.sympify(mean[0]), sp.sympify(cov.ravel()[0])
        return sp.exp(-(x - m) ** 2 / (2 * v)) / sp.sqrt(2 * sp.pi * v)

    def describe(self):
        return f"Normal(mean={self.mean}, cov={self.cov}; Gauss-Hermite order {self.order})"

    def exact_for(self, g):
        n = _exact_order(g, len(_as_point(self.mean)), self.order)
        return self if n == self.order else dataclasses.replace(self, order=n)

    def polynomial_expectation(self, g):
        mean, _, _, scales = self._checked()
        if scales is None:
            return None  # (a full covariance: its Cholesky factor is numeric; the quadrature rule is exact for it)
        # E[u^k] of a standard normal: 0 for odd k, (k - 1)!! for even k
        return _moment_expectation(g, mean, scales, lambda k: 0 if k % 2 else sp.factorial2(k - 1))

    def conditions(self):
        cov = self.cov
        if isinstance(cov, (list, tuple, np.ndarray, sp.Matrix)) and np.ndim(np.asarray(cov, dtype=object)) == 2:
            return []  # (a covariance matrix is numeric, checked when built)
        vs = list(cov) if isinstance(cov, (list, tuple, np.ndarray)) else [cov]
        return [(sp.sympify(v), False, f"a variance of {self.describe().split(';')[0]})") for v in vs
                if _symbolic(v)]


@dataclass(frozen=True)
class Uniform(Distribution):
    """``U[low, high]`` (per dimension) by Gauss–Legendre quadrature of ``order`` nodes per dimension (a polynomial
    integrand: its closed-form moments, or the nodes its degree needs; :func:`expectation`).

    Raises
    ------
    GandynamicsError
        when built: an end that is no number or sympy expression; where the atoms are made: ``low`` not below
        ``high``, ends of different dimensions, a bad ``order``.
    """

    low: object = -1
    high: object = 1
    order: int = 5

    def _check_arguments(self, who):
        _check_point(self.low, f"{who}: low")
        _check_point(self.high, f"{who}: high")

    @property
    def dim(self) -> int:  # (from the ends: without the order**d atoms, or their refusal where they are too many)
        return len(_as_point(self.low))

    def _checked(self):
        """``(low, high, order)`` checked (what :meth:`atoms` and :meth:`polynomial_expectation` share): the ends as
        tuples of one dimension, ``high - low`` not known to be <= 0 (a symbolic one is checked where its value is set:
        :meth:`conditions`), the nodes a whole number >= 1.  Raises GandynamicsError otherwise."""
        lo = tuple(_real_number(v, "Uniform: low") for v in _as_point(self.low))
        hi = tuple(_real_number(v, "Uniform: high") for v in _as_point(self.high))
        if len(lo) != len(hi):
            raise GandynamicsError("Uniform: low and high must have the same dimension")
        for a, b in zip(lo, hi):
            if (b - a).is_positive is False:
                raise GandynamicsError(f"Uniform: low must be below high, got low={a}, high={b}")
        return lo, hi, _check_order(self.order, len(lo), "Uniform: order")

    def atoms(self):
        lo, hi, order = self._checked()
        x, w = np.polynomial.legendre.leggauss(order)
        w = w / 2.0
        out = []
        for wi, u in _tensor_rule(x, w, len(lo)):
            pt = tuple((a + b) / 2 + (b - a) / 2 * _node(c) for a, b, c in zip(lo, hi, u))
            out.append((_weight(wi), pt))
        return out

    def density(self, x):
        lo, hi = _as_point(self.low), _as_point(self.high)
        if len(lo) != 1 or len(hi) != 1:
            return None
        a, b = sp.sympify(lo[0]), sp.sympify(hi[0])
        return sp.Piecewise((1 / (b - a), (x >= a) & (x <= b)), (0, True))

    def describe(self):
        return f"Uniform({self.low}, {self.high}; Gauss-Legendre order {self.order})"

    def exact_for(self, g):
        n = _exact_order(g, len(_as_point(self.low)), self.order)
        return self if n == self.order else dataclasses.replace(self, order=n)

    def polynomial_expectation(self, g):
        lo, hi, _ = self._checked()
        # x = (a + b)/2 + (b - a)/2 t, t uniform on [-1, 1]: E[t^k] = 0 for odd k, 1/(k + 1) for even k
        return _moment_expectation(g, tuple((a + b) / 2 for a, b in zip(lo, hi)),
                                   [(b - a) / 2 for a, b in zip(lo, hi)], lambda k: 0 if k % 2 else sp.Rational(1, k + 1))

    def conditions(self):
        # (the difference written out: "w (high - low of Uniform(-w, w))" read as if w were high - low, which is 2*w)
        return [(sp.sympify(b) - sp.sympify(a), True, f"high - low = {sp.sympify(b) - sp.sympify(a)} of "
                 f"Uniform({self.low}, {self.high})")
                for a, b in zip(_as_point(self.low), _as_point(self.high)) if _symbolic(a) or _symbolic(b)]


@dataclass(frozen=True)
class Pushforward(Distribution):
    """The law of ``G(z)`` for ``z`` from ``latent``: ``G`` is called with one sympy value per latent coordinate,
    ``G(z1, ..., zk)``, and returns the point (a sympy value, or a sequence of them for a point of several
    coordinates), e.g. ``Pushforward(Normal(0, 1), lambda z: theta * z)``.  An exception raised by ``G`` is a
    GandynamicsError naming it (G is first called when a field is built from the game).

    Raises
    ------
    GandynamicsError
        when built: ``latent`` not a :class:`Distribution`, ``G`` not callable, ``label`` not text.
    """

    latent: Distribution
    G: object
    label: str = "G(z)"

    def _check_arguments(self, who):
        if not callable(self.G):
            raise GandynamicsError(f"{who}: G must be a function of the latent coordinates, G(z1, ..., zk) -> the point "
                                   f"(e.g. lambda z: theta * z), got {type(self.G).__name__} {self.G!r}")
        if not isinstance(self.label, str):
            raise GandynamicsError(f"{who}: label must be text (how reports name G, e.g. 'G(z)'), got {self.label!r}")

    @property
    def order(self):  # type: ignore[override]
        return self.latent.order

    def _point(self, z) -> tuple:
        """``G(*z)`` as a point; an exception of G's own (a user's function) said as one, with how G is called (a
        generator written for a tuple, ``lambda zz: (c * zz[0],)``, raised "'Float' object is not subscriptable" out
        of the field's derivation: a traceback in the command line)."""
        try:
            return _as_point(self.G(*z))
        except GandynamicsError:
            raise
        except Exception as exc:  # noqa: BLE001  (the user's function: any exception is its own)
            name = getattr(self.G, "__name__", type(self.G).__name__)
            k = len(z)
            call = "G(z1)" if k == 1 else "G(z1, z2)" if k == 2 else f"G(z1, ..., z{k})"
            raise GandynamicsError(f"the generator {name} of Pushforward raised {type(exc).__name__}: {exc} (it is "
                                   f"called with one sympy value per latent coordinate, {call}, and returns the "
                                   "point)") from None

    @property
    def dim(self) -> int:  # (G at one latent point, not at every atom)
        return len(self._point([sp.Integer(0)] * self.latent.dim))

    def atoms(self):
        return [(w, self._point(z)) for w, z in self.latent.atoms()]

    def conditions(self):
        return self.latent.conditions()

    def exact_for(self, g):
        latent = self.latent.exact_for(lambda z: g(self._point(z)))
        return self if latent is self.latent else dataclasses.replace(self, latent=latent)

    def polynomial_expectation(self, g):
        # E[g(G(z))] is the latent's expectation of g o G: in closed form where that is a polynomial in z (a linear
        # generator of a Normal latent and a polynomial critic), else None
        return self.latent.polynomial_expectation(lambda z: g(self._point(z)))

    def describe(self):
        return f"{self.label}, z ~ {self.latent.describe()}"


@dataclass(frozen=True)
class Convolution(Distribution):
    """The law of ``x + eps`` with ``x ~ base`` and independent ``eps ~ noise`` (instance noise); made by
    :func:`convolve`, whose refusals it says."""

    base: Distribution
    noise: Distribution
    _called = "convolve"

    @property
    def order(self):  # type: ignore[override]
        return self.noise.order

    @property
    def dim(self) -> int:
        return self._dim()

    def _dim(self) -> int:
        # the common dimension of data and noise; the one error every route (atoms, exact_for, the closed form) gives
        db, dn = self.base.dim, self.noise.dim
        if db != dn:
            raise GandynamicsError(f"noise of dimension {dn} added to data of dimension {db}")
        return dn

    def atoms(self):
        self._dim()
        noise = self.noise.atoms()
        return [(wb * wn, tuple(a + b for a, b in zip(xb, xn))) for wb, xb in self.base.atoms() for wn, xn in noise]

    def describe(self):
        return f"{self.base.describe()} + {self.noise.describe()}"

    def conditions(self):
        return self.base.conditions() + self.noise.conditions()

    def exact_for(self, g):
        d = self._dim()
        u = sp.symbols(f"_gd_u0:{d}", real=True)  # the other's point, a symbolic coefficient
        noise = self.noise.exact_for(lambda e: g(tuple(a + b for a, b in zip(u, e))))
        base = self.base.exact_for(lambda x: g(tuple(a + b for a, b in zip(x, u))))
        return self if (noise is self.noise and base is self.base) else \
            dataclasses.replace(self, base=base, noise=noise)

    def polynomial_expectation(self, g):
        # E[g(x + e)] = E_x[ E_e[g(x + e)] ]: the noise's closed form at a symbolic point u, then the base's of that in u
        # (x and e independent); None unless both are closed forms
        d = self._dim()
        u = tuple(sp.Dummy(f"c{i}", real=True) for i in range(d))  # (fresh: _moment_expectation's own are _gd_u0..)
        inner = self.noise.polynomial_expectation(lambda e: g(tuple(a + b for a, b in zip(u, e))))
        if inner is None:
            return None
        inner = sp.sympify(inner)
        return self.base.polynomial_expectation(lambda x: inner.xreplace(dict(zip(u, x))))


def convolve(base: Distribution, noise: Distribution) -> Convolution:
    """The distribution of ``x + eps``, ``x ~ base``, ``eps ~ noise`` independent.

    Raises
    ------
    GandynamicsError
        ``base`` or ``noise`` not a :class:`Distribution` (:func:`check_distribution`).  Data and noise of different
        dimensions are refused where the atoms or an expectation are made.
    """
    return Convolution(base, noise)


def expectation(dist: Distribution, g) -> sp.Expr:
    """``E_{x ~ dist}[g(x)]``; ``g`` takes the point as a tuple.  For a polynomial ``g`` of a Normal (scalar or
    diagonal covariance) or Uniform point, in closed form from the exact moments
    (:meth:`Distribution.polynomial_expectation`: a critic's field prints ``-theta*w2``, not the 5-node rule's
    ``-0.99999999999999984*theta*w2``), also through a pushforward (``g o G`` a polynomial of the latent) and a
    convolution (both parts in closed form); otherwise ``sum_i w_i g(x_i)`` over the quadrature rule, with nodes
    enough to be exact when ``g`` is a polynomial (:meth:`Distribution.exact_for`: a full covariance, a generator
    that is no polynomial), else the distribution's own ``order``.

    Raises
    ------
    GandynamicsError
        ``dist`` not a :class:`Distribution`, or a distribution whose values are not one (a variance below 0, ...).
    """
    check_distribution(dist, "expectation: dist")
    exact = dist.polynomial_expectation(g)
    if exact is not None:
        return exact
    return sp.Add(*[w * g(x) for w, x in dist.exact_for(g).atoms()])
