r"""What kind of point is it: local Nash, local minimax, differential Stackelberg, stable, spurious
(docs/math/bifurcations.md §5).

At a point ``z = (theta, psi)`` (an equilibrium by default) with the players' losses ``L_G, L_D`` of the
*regularized game* (penalties included; a field transform such as consensus optimization changes the
training operator, not the game, and is ignored here):

* **local Nash** (differential Nash, Ratliff, Burden & Sastry 2013): ``grad_theta L_G = 0``,
  ``grad_psi L_D = 0`` and each player's own Hessian ``H_G = d^2 L_G / d theta^2``,
  ``H_D = d^2 L_D / d psi^2`` positive definite (sufficient: True); a negative eigenvalue violates the
  necessary condition (False); positive semidefinite but singular is inconclusive (None);
* **zero-sum** is decided symbolically: the game is zero-sum *up to terms in one player's own parameters* (a regularizer's, or the game's own)
  when ``d^2 (L_G + L_D) / d theta d psi = 0`` identically (then ``L_D = -L_G + r_G(theta) + r_D(psi)``
  and both players face the same strategic interaction as ``min_theta max_psi f`` with ``f`` having
  ``f_thth = d^2 L_G/d theta^2``, ``f_psps = -d^2 L_D/d psi^2``, ``f_thps = d^2 L_G/d theta d psi``);
* **local minimax** (Jin, Netrapalli & Jordan 2020, second-order conditions): sufficient (strict) when
  ``f_psps < 0`` and the Schur complement ``f_thth - f_thps f_psps^{-1} f_psth > 0``; necessary
  ``f_psps <= 0`` and (when ``f_psps < 0``) the Schur complement ``>= 0``; None for a general-sum game;
* **differential Stackelberg** with the generator leading (Fiez, Chasnov & Ratliff 2020): the
  follower's best response ``psi*(theta)`` (implicit function of ``grad_psi L_D = 0``),
  ``H_D > 0``, the leader's total derivative ``D f1 = grad_theta L_G + Dpsi*^T grad_psi L_G = 0`` and its
  total second derivative ``D^2 f1 > 0`` (exact: the third derivatives of L_D give the best response's second
  derivative, :func:`_leader_hessian`; for a zero-sum game at an equilibrium it equals the Schur complement above);
* **stable**: None where the linearisation cannot decide (eigenvalues on the imaginary axis, a multiplier on the unit
  circle) unless F is affine (then False); under the flow (``max Re lambda(J) < 0`` beyond the spectrum's tolerance, as
  :func:`gandynamics.spectrum` reads it: a marginal point is not stable) and under each discrete method at a step h
  (spectral radius of its iteration matrix < 1, :func:`gandynamics.analysis.rates.local_rate`);
* **spurious** (Mazumdar, Ratliff & Sastry 2020; Wang, Zhang & Ba 2020): stable for the flow or a method
  but neither local Nash nor local minimax (zero-sum) / differential Stackelberg (general-sum, the
  sequential analogue of local minimax); None when the second-order tests are inconclusive.
"""

from __future__ import annotations

from dataclasses import field as dfield

import numpy as np
import sympy as sp

from ..errors import GandynamicsError
from ._symbolic import _MODULES
from .._equality import dataclass  # (dataclasses.dataclass with an == that compares arrays)

__all__ = ["Classification", "classify", "is_zero_sum", "own_hessians"]

#: eigenvalues within this (relative to the matrix scale, absolute below 1) of 0 count as zero
DEF_TOL = 1e-9
#: the largest ||F|| at a point classify accepts as stationary (with Newton's correction there small)
STATIONARY_TOL = 1e-8


def _definiteness(H, tol=DEF_TOL, scale=None):
    """'pd', 'psd' (singular), 'indefinite' or 'negative' (has a negative eigenvalue: same as indefinite for our
    purposes), for a symmetric matrix; also the eigenvalues.  An eigenvalue within ``tol`` times ``scale`` of zero
    (default: the matrix's own largest |eigenvalue|; ``classify`` passes the game's scale at the point, so that a game
    and the same game times ``s`` read alike: an absolute floor of 1 read the Hessian [1e-12] of a game of scale 1e-12
    as singular, and the same game times 1e12 as definite) counts as zero."""
    H = 0.5 * (H + H.T)
    if H.size == 0:
        return "pd", np.array([])
    w = np.linalg.eigvalsh(H)
    s = float(np.max(np.abs(w)))
    if scale is not None:
        s = max(s, float(scale))
    if s == 0.0:
        return "psd", w
    if np.all(w > tol * s):
        return "pd", w
    if np.all(w > -tol * s):
        return "psd", w
    return "not-psd", w


def _tri(kind):
    return True if kind == "pd" else (None if kind == "psd" else False)


@dataclass
class Classification:
    """The verdicts at one point (see the module docstring for each)."""

    point: np.ndarray
    residual: float
    zero_sum: bool
    local_nash: bool | None
    local_minimax: bool | None
    differential_stackelberg: bool | None
    flow_stable: bool | None
    methods: dict
    spurious: bool | None
    hessians: dict = dfield(default_factory=dict)
    notes: list = dfield(default_factory=list)
    flow_reading: str = ""  # "stable", "unstable" or "marginal" (gandynamics.eigbounds.flow_reading)

    def to_dict(self) -> dict:
        """The verdicts as built-in Python values (:mod:`gandynamics.jsonio`), as ``gandynamics classify --json``
        writes them."""
        from ..jsonio import plain
        return plain({"point": self.point, "residual": self.residual, "zero_sum": self.zero_sum,
                      "local_nash": self.local_nash, "local_minimax": self.local_minimax,
                      "differential_stackelberg": self.differential_stackelberg, "flow_stable": self.flow_stable,
                      "flow_reading": self.flow_reading, "methods": self.methods, "spurious": self.spurious,
                      "hessians": {k: np.asarray(v) for k, v in self.hessians.items()}, "notes": self.notes})

    from ..jsonio import as_dict_deprecated as as_dict

    def __repr__(self) -> str:
        from .._display import classification_text
        return classification_text(self)

    def _repr_html_(self) -> str:
        from .._display import classification_html
        return classification_html(self)


def _lamb(fld, exprs):
    f = sp.lambdify(list(fld.z) + list(fld.hyper), exprs, modules=_MODULES, cse=True)
    return lambda z, p: np.asarray(f(*np.asarray(z, float), *np.asarray(p, float)), dtype=float)


def _parts(fld):
    """The derivatives classify reads, each a function ``(z (n,), p (n_p,)) -> array`` (flattened, row-major):
    the players' gradients and the Hessian blocks of their losses.  Up to :attr:`~gandynamics.VectorField.DENSE_MAX`
    parameters each block is a sympy Hessian compiled by lambdify (its entries exact expressions); above, they are
    read from the dense Jacobian of F at the point (:class:`_NumericParts`), whose symbolic cost is linear in the
    game's size (lambdify of the blocks grows like ``n^2`` expressions: the 100-parameter mlp took more than 11
    minutes)."""
    if fld.n > fld.DENSE_MAX:
        d = fld.__dict__.get("_numeric_parts")
        if d is None:
            d = fld.__dict__["_numeric_parts"] = _NumericParts(fld)
        return d
    return _symbolic_parts(fld)


def _symbolic_parts(fld):
    """:func:`_parts` by sympy: each block's Hessian derived and compiled by lambdify (``O(n^2)`` expressions)."""
    d = fld.__dict__.get("_bif_parts")
    if d is None:
        g = fld.game
        th, ps = list(g.theta), list(g.psi)
        LG, LD = g.loss_g, g.loss_d
        d = {
            "gradG_th": _lamb(fld, sp.Matrix([LG]).jacobian(th)),
            "gradG_ps": _lamb(fld, sp.Matrix([LG]).jacobian(ps)),
            "gradD_ps": _lamb(fld, sp.Matrix([LD]).jacobian(ps)),
            "G_thth": _lamb(fld, sp.hessian(LG, th)),
            "G_thps": _lamb(fld, sp.Matrix([LG]).jacobian(th).T.jacobian(ps)),
            "G_psps": _lamb(fld, sp.hessian(LG, ps)),
            "D_psps": _lamb(fld, sp.hessian(LD, ps)),
            "D_psth": _lamb(fld, sp.Matrix([LD]).jacobian(ps).T.jacobian(th)),
        }
        fld.__dict__["_bif_parts"] = d
    return d


class _NumericParts(dict):
    r"""The blocks of :func:`_parts` for a large game, evaluated numerically at the point.

    ``F = (grad_theta L_G, grad_psi L_D)`` and its Jacobian

    .. math::

        DF = \begin{pmatrix} \partial^2_{\theta\theta} L_G & \partial^2_{\theta\psi} L_G \\
                              \partial^2_{\psi\theta} L_D & \partial^2_{\psi\psi} L_D \end{pmatrix}

    hold the gradients ``gradG_th``, ``gradD_ps`` and the blocks ``G_thth``, ``G_thps``, ``D_psth``, ``D_psps``
    (:meth:`gandynamics.VectorField.eval_DF`: for more than ``DENSE_MAX`` parameters the forward-mode program of F
    solved for the ``n`` unit directions, :class:`gandynamics._jvp.JacobianOperator`: generated code and work linear
    in the size of F's program per direction, memory ``n^2`` doubles).  ``gradG_ps`` and ``G_psps``, which F does
    not contain, come the same way from the field of the leader's loss alone, ``(grad_theta L_G, grad_psi L_G)``,
    derived (and cached on disk) on first use.  The last point's matrices are kept, so the blocks of one point cost
    one dense Jacobian."""

    def __init__(self, fld):
        super().__init__()
        self._fld = fld
        self._memo = {}
        nt = fld.n_theta
        self.update({
            "gradG_th": lambda z, p: self._F("F", z, p)[:nt],
            "gradD_ps": lambda z, p: self._F("F", z, p)[nt:],
            "G_thth": lambda z, p: self._DF("F", z, p)[:nt, :nt].ravel(),
            "G_thps": lambda z, p: self._DF("F", z, p)[:nt, nt:].ravel(),
            "D_psps": lambda z, p: self._DF("F", z, p)[nt:, nt:].ravel(),
            "D_psth": lambda z, p: self._DF("F", z, p)[nt:, :nt].ravel(),
            "gradG_ps": lambda z, p: (-self._F("F", z, p)[nt:] if self._psi_free_sum() else self._F("G", z, p)[nt:]),
            "G_psps": lambda z, p: (-self._DF("F", z, p)[nt:, nt:].ravel() if self._psi_free_sum()
                                    else self._DF("G", z, p)[nt:, nt:].ravel()),
        })

    def _psi_free_sum(self) -> bool:
        """Whether ``L_G + L_D`` is free of psi (a zero-sum game, ``L_D = -L_G`` up to terms in theta): then
        ``grad_psi L_G = -grad_psi L_D`` and ``d^2 L_G/d psi^2 = -d^2 L_D/d psi^2`` exactly, read from the game's F."""
        def psi_free():
            g = self._fld.game
            return not ((g.loss_g + g.loss_d).free_symbols & set(g.psi))
        return _game_fact(self._fld, "psi_free", psi_free)


    def jacobian(self, z, p):
        """``DF`` of the field itself (its field-stage transforms included: what stability reads), shape ``(n, n)``,
        shared with the blocks when the field has no such transform."""
        fld = self._fld
        if self._field("F") is fld:
            return self._DF("F", z, p).copy()
        return np.asarray(fld.eval_DF(z, p), dtype=float)

    def _field(self, which):
        if which == "F":  # the game's own F: a field-stage transform (consensus) changes F, not the losses
            if not self._fld._pending:
                return self._fld
            gf = self._fld.__dict__.get("_game_field")
            if gf is None:
                from ..field import VectorField
                gf = self._fld.__dict__["_game_field"] = VectorField(self._fld.game, name=self._fld.name)
            return gf
        lf = self._fld.__dict__.get("_leader_field")
        if lf is None:
            from ..field import VectorField
            from ..game import Game
            g = self._fld.game
            lf = VectorField(Game(theta=g.theta, psi=g.psi, loss_g=g.loss_g, loss_d=g.loss_g, hyper=dict(g.hyper),
                                  name=f"{self._fld.name} (the generator's loss alone)"))
            self._fld.__dict__["_leader_field"] = lf
        return lf

    def _key(self, what, which, z, p):
        return (what, which, np.asarray(z, float).tobytes(), np.asarray(p, float).tobytes())

    def _F(self, which, z, p):
        k = self._key("F", which, z, p)
        if k not in self._memo:
            self._memo = {kk: v for kk, v in self._memo.items() if kk[2:] == k[2:]}  # (one point at a time)
            self._memo[k] = np.asarray(self._field(which).eval_F(np.asarray(z, float), p), dtype=float)
        return self._memo[k]

    def _DF(self, which, z, p):
        k = self._key("DF", which, z, p)
        if k not in self._memo:
            from ..log import notice_if_slow
            self._memo = {kk: v for kk, v in self._memo.items() if kk[2:] == k[2:]}
            f = self._field(which)
            what = "the Jacobian of F" if which == "F" else "the Hessian of the generator's loss"
            with notice_if_slow(f"classify: evaluating {what} at the point ({f.n} x {f.n}, forward mode over the "
                                f"program of {'F' if which == 'F' else 'its gradient'}, {f.n} directions) ..."):
                self._memo[k] = np.asarray(f.eval_DF(np.asarray(z, float), p), dtype=float)
        return self._memo[k]


def _facts_path(fld):
    """The cache file of :func:`_game_fact` (None without a cache), named as the derivation cache's files, which
    ``gandynamics cache clear`` removes."""
    import hashlib
    from .. import codegen
    try:
        name = hashlib.sha256((fld._definition_key + "|classify").encode()).hexdigest()[:24]
        return codegen.cache_dir() / f"source_{name}.txt"
    except Exception:  # noqa: BLE001 - no cache: computed each time
        return None


def _game_fact(fld, name: str, compute) -> bool:
    """A fact of the game's losses (``zero_sum``, ``psi_free``), remembered on disk beside the derivation cache
    (keyed on the game's definition, :attr:`gandynamics.VectorField._definition_key`): a process that finds F's program
    in the cache need not build the losses for it (seconds at 100 parameters, growing with the game)."""
    import json
    from .. import codegen
    facts = fld.__dict__.get("_classify_facts")
    path = _facts_path(fld)
    if facts is None:
        facts = {}
        text = codegen.read_cached_text(path) if path is not None else None
        if text is not None:
            try:
                facts = {k: v for k, v in json.loads(text).items() if isinstance(v, bool)}
            except (ValueError, AttributeError):
                facts = {}
        fld.__dict__["_classify_facts"] = facts
    if name not in facts:
        facts[name] = bool(compute())
        if path is not None:
            codegen.write_cached_text(path, json.dumps(facts, sort_keys=True))
    return facts[name]

def is_zero_sum(fld) -> bool:
    """True when ``d^2 (L_G + L_D) / d theta d psi`` vanishes identically (module docstring): symbolic
    simplification first (a nonzero number is no zero, however small: ``s (3 theta psi)`` at ``s = 1e-11`` read
    zero-sum, an adversarial review); expressions sympy cannot reduce are checked at 20 random points, each mixed
    derivative of the sum against the sizes of the players' own (at most 1e-10 of ``|d^2 L_G| + |d^2 L_D|``, so that
    a game and the same game times any ``s > 0`` read alike)."""
    return _game_fact(fld, "zero_sum", lambda: _is_zero_sum(fld))


def _is_zero_sum(fld) -> bool:
    from ..game import zero_sum_symbolic
    decided, undecided = zero_sum_symbolic(fld.game)
    if decided is not None:
        return decided
    f = _lamb(fld, [e for e, _, _ in undecided])
    scale = _lamb(fld, [a for _, a, _ in undecided] + [b for _, _, b in undecided])
    rng = np.random.default_rng(0)
    p = fld.param_vector()
    k = len(undecided)
    for _ in range(20):
        z = rng.normal(size=fld.n)
        v = np.atleast_1d(f(z, p))
        sc = np.atleast_1d(scale(z, p))
        size = np.abs(sc[:k]) + np.abs(sc[k:])
        if np.any(~np.isfinite(v)) or np.any(np.abs(v) > 1e-10 * size):
            return False
    return True


def own_hessians(fld, z, params=None) -> dict:
    """``H_G = d^2 L_G/d theta^2`` (n_theta, n_theta) and ``H_D = d^2 L_D/d psi^2`` (n_psi, n_psi) at z, with the
    mixed blocks ``G_thps = d^2 L_G/d theta d psi`` (n_theta, n_psi), ``D_psth = d^2 L_D/d psi d theta`` (n_psi,
    n_theta) and ``G_psps = d^2 L_G/d psi^2`` (n_psi, n_psi).  Up to :attr:`~gandynamics.VectorField.DENSE_MAX`
    parameters from sympy's Hessians of the losses; above, from the dense Jacobian of F at z (its blocks are the
    first four: :class:`_NumericParts`), ``G_psps`` from the Jacobian of the generator's gradient (or ``-H_D`` when
    ``L_G + L_D`` is free of psi), each to rounding of the generated code's evaluation."""
    P = _parts(fld)
    p = fld.param_vector(params)
    nt, npsi = fld.n_theta, fld.n - fld.n_theta
    return {"H_G": P["G_thth"](z, p).reshape(nt, nt), "H_D": P["D_psps"](z, p).reshape(npsi, npsi),
            "G_thps": P["G_thps"](z, p).reshape(nt, npsi), "D_psth": P["D_psth"](z, p).reshape(npsi, nt),
            "G_psps": P["G_psps"](z, p).reshape(npsi, npsi)}


def _third_parts(fld):
    """The third derivatives of the follower's loss ``d^3 L_D / d psi_a d z_b d z_c`` (a over psi, b and c over all
    coordinates; shape ``(n_psi, n, n)`` once reshaped): what the best response's second derivative needs."""
    d = fld.__dict__.get("_third_parts")
    if d is None:
        g = fld.game
        z = list(g.theta) + list(g.psi)
        n = len(z)
        exprs = [0] * (len(g.psi) * n * n)
        for a, q in enumerate(g.psi):
            dq = sp.diff(g.loss_d, q)
            for b in range(n):
                dqb = sp.diff(dq, z[b])
                for c in range(b, n):
                    exprs[(a * n + b) * n + c] = exprs[(a * n + c) * n + b] = sp.diff(dqb, z[c])
        d = fld.__dict__["_third_parts"] = _lamb(fld, exprs)
    return d


def _leader_hessian(fld, z, p) -> np.ndarray:
    """The leader's total second derivative ``D^2 f1`` (shape ``(n_theta, n_theta)``), exactly, at a point ``z`` on
    the follower's best response (``grad_psi L_D = 0``), docs/math/bifurcations.md §5.  With ``A = d^2 L_D/d psi^2``,
    ``B = d^2 L_D/d psi d theta`` and the best response's derivative ``r' = -A^{-1} B``,

    ``D^2 f1 = G_thth + G_thps r' + r'^T G_psth + r'^T G_psps r' + sum_k (d L_G/d psi_k) R_k``,

    ``R_{:, :, i} = d r'/d theta_i = -A^{-1} (dB/d theta_i + dA/d theta_i r')``, each ``d/d theta_i`` the total one
    along the best response (``d_theta_i + sum_l r'_{l i} d_psi_l``) of the third derivatives of L_D.  Exact
    derivatives where central differences of ``D f1`` were read (an adversarial review: with ``cos(k theta)/k^2`` at
    ``k = 2e6`` the differences aliased and a leader Hessian of -0.04 read +2.39, its Richardson error estimate fooled
    alike)."""
    P = _parts(fld)
    nt, n = fld.n_theta, fld.n
    npsi = n - nt
    A = P["D_psps"](z, p).reshape(npsi, npsi)
    B = P["D_psth"](z, p).reshape(npsi, nt)
    r1 = -np.linalg.solve(A, B)                                           # (npsi, nt)
    Gthth = P["G_thth"](z, p).reshape(nt, nt)
    Gthps = P["G_thps"](z, p).reshape(nt, npsi)
    Gpsps = P["G_psps"](z, p).reshape(npsi, npsi)
    gps = P["gradG_ps"](z, p).reshape(npsi)
    D2 = Gthth + Gthps @ r1 + r1.T @ Gthps.T + r1.T @ Gpsps @ r1
    if np.any(gps != 0):  # (the third-derivative term carries d L_G/d psi: exactly 0 where that gradient is 0)
        if n > THIRD_SYMBOLIC_MAX:
            raise _NoThirdDerivatives(n)
        T = _third_parts(fld)(z, p).reshape(npsi, n, n)                  # d psi_a d z_b d z_c of L_D
        # the total derivative along the best response of each second derivative d psi_a d z_b: T . (I; r') over c
        E = np.vstack([np.eye(nt), r1])                                   # (n, nt): dz/d theta
        dT = T @ E                                                       # (npsi, n, nt): d/d theta_i of L_D's psi_a z_b
        dA, dB = dT[:, nt:, :], dT[:, :nt, :]                            # (npsi, npsi, nt), (npsi, nt, nt)
        R = np.empty((npsi, nt, nt))
        for i in range(nt):
            R[:, :, i] = -np.linalg.solve(A, dB[:, :, i] + dA[:, :, i] @ r1)
        D2 = D2 + np.einsum("k,kji->ji", gps, R)
    return 0.5 * (D2 + D2.T)


#: the most parameters for which the third derivatives of L_D (``n_psi n (n + 1) / 2`` sympy expressions) are derived
#: for the leader's total second derivative; a larger game whose leader's loss has a nonzero psi-gradient at the point
#: gets no Stackelberg verdict (None, with a note)
THIRD_SYMBOLIC_MAX = 40


class _NoThirdDerivatives(Exception):
    """The leader's total second derivative needs third derivatives not derived for a game this large."""


#: the leader's total gradient counts as zero below this fraction of the game's scale at the point times (1 + |z|)
STACKELBERG_GRAD_REL = 1e-7


def _stackelberg(fld, z, p, tol, scale=1.0):
    """(verdict, D^2 f1, |D f1|) for the generator leading (module docstring); ``scale`` the game's at the point (the
    definiteness of D^2 f1 is read relative to it, as the Hessian blocks' are)."""
    P = _parts(fld)
    nt = fld.n_theta
    npsi = fld.n - nt

    def best_response(th, ps0):
        ps = ps0.copy()
        for _ in range(50):
            zz = np.concatenate([th, ps])
            g = P["gradD_ps"](zz, p).reshape(npsi)
            Hd = P["D_psps"](zz, p).reshape(npsi, npsi)
            d = np.linalg.solve(Hd, -g)
            ps = ps + d
            if np.linalg.norm(d) < 1e-14 * (1 + np.linalg.norm(ps)):
                break
        return ps

    def total_grad(th, ps0):
        ps = best_response(th, ps0)
        zz = np.concatenate([th, ps])
        Hd = P["D_psps"](zz, p).reshape(npsi, npsi)
        Dps = -np.linalg.solve(Hd, P["D_psth"](zz, p).reshape(npsi, nt))      # d psi* / d theta
        return P["gradG_th"](zz, p).reshape(nt) + Dps.T @ P["gradG_ps"](zz, p).reshape(npsi)

    th0, ps0 = z[:nt], z[nt:]
    g1 = total_grad(th0, ps0)
    first = float(np.linalg.norm(g1))
    try:
        D2 = _leader_hessian(fld, np.concatenate([th0, best_response(th0, ps0)]), p)
    except _NoThirdDerivatives:
        if first > STACKELBERG_GRAD_REL * scale * (1 + np.linalg.norm(z)):
            return False, None, first
        return None, None, first
    kind, _ = _definiteness(D2, tol, scale=scale)
    # the total gradient zero relative to the game's scale at the point (its Jacobian's and Hessian blocks' size),
    # as the definiteness is read: a fixed 1e-7 made every general-sum point a Stackelberg one once its losses were
    # scaled by 1e-8 (Df1 = s there; a trust review's generator: 11 of 200 quadratic games)
    if first > STACKELBERG_GRAD_REL * scale * (1 + np.linalg.norm(z)):
        return False, D2, first
    return _tri(kind), D2, first


def classify(fld, params=None, at=None, *, step: float | None = None, methods=("gd", "eg", "eftp", "ogda"),
             beta: float | None = None, tol: float = 1e-10) -> Classification:
    """Classify a point of a game (module docstring).

    Parameters
    ----------
    fld : VectorField
    params : mapping, optional
        Hyperparameter values.
    at : sequence (n,), optional
        The point (default: the equilibrium, known or searched).
    step : float, optional
        The step h at which the discrete ``methods`` are tested; without it each method reports its
        largest stable step instead (:func:`gandynamics.analysis.rates.largest_stable_step`).
    methods : sequence of str
        Methods to test, those with an iteration matrix at a fixed point
        (:data:`gandynamics.analysis.rates.RATE_METHODS`: gd, altgd, eg, eftp, ogda, momentum, flow, proximal, ftr,
        lookahead, altmomentum); text ``"gd,eg"`` or a list.
    beta : float, optional
        The momentum coefficient of the methods that take one (momentum, altmomentum; recorded in their entry of
        ``methods``; default their declared -0.5, as ``gandynamics classify`` and ``rates``:
        :func:`gandynamics.methods.beta_for`); the others are tested without.

    Returns
    -------
    Classification

    Notes
    -----
    Cost: for more than :attr:`~gandynamics.VectorField.DENSE_MAX` parameters the Hessian blocks are read from the
    dense Jacobian of F at the point (forward mode over F's program, linear in the game's size per direction:
    :func:`own_hessians`), and every verdict is dense LAPACK on ``n x n`` matrices: symmetric eigenvalues of the
    own Hessians and the Schur complement, one nonsymmetric eigen-decomposition of the Jacobian with its left and
    right eigenvectors (:func:`gandynamics.eigbounds.eigen_radii`), shared by the flow and every method's
    step search (:func:`gandynamics.analysis.rates.rate_function`).  ``O(n^3)`` time and ``O(n^2)`` memory: meant
    for games of up to a few thousand parameters (n = 1,000: seconds; studies/bench_classify.py).

    Raises
    ------
    GandynamicsError
        At a point that is not stationary (``||F|| >= 1e-8``, :data:`STATIONARY_TOL`, or F merely flat there:
        :func:`gandynamics.equilibrium.zero_test`): the solution concepts are about stationary points.
    """
    from ..validate import field as _as_field
    fld = _as_field(fld, "classify")  # a Game, a name or None: what it takes, not an AttributeError
    from ..validate import finite, name_list, positive
    from .rates import (STABLE_TOL, largest_stable_step, local_rate, optimal_step, rate_upper, smallest_stable_step,
                        unstable_at_every_step)
    from ..equilibrium import why_not_zero
    from .spectrum import analysis_point, is_equilibrium
    step = None if step is None else positive(step, "step")  # a negative step was tested as given
    beta = None if beta is None else finite(beta, "beta")
    methods = name_list(methods, "methods")  # "gd,eg" as on the command line, or a list
    from .rates import RATE_METHODS, refuse_methods
    refuse_methods(methods, RATE_METHODS)  # up front: a method undefined at the point is an entry, a bad name is not
    p = fld.param_vector(params)
    notes = []
    z, res = analysis_point(fld, p, at, tol, notes)  # (a zero's rounded digits: the zero, said in the notes)
    if not is_equilibrium(fld, z, p, res, STATIONARY_TOL):  # (F merely flat there: no zero either)
        why = f"||F|| = {res:z.3g}" if not res < STATIONARY_TOL else why_not_zero(fld, z, p, res, STATIONARY_TOL)
        raise GandynamicsError(f"the point is not stationary ({why}); local Nash, minimax and "
                               "stability are defined at equilibria")
    nonsmooth = fld.nonsmooth_at(z, p)
    if nonsmooth:
        from .nonsmooth import NotDifferentiable, not_differentiable
        raise NotDifferentiable(f"{not_differentiable(nonsmooth, 'at this point')}: no second-order classification "
                                "exists", nonsmooth)
    if any(r.stage == "field" for r in _field_regs(fld)):
        notes.append("a field transform (e.g. consensus) changes the training operator, not the game: "
                     "Nash/minimax use the losses, stability uses the transformed field")
    H = own_hessians(fld, z, p)
    # the game's scale at the point: what "zero to rounding" is relative to (the Jacobian and the Hessian blocks)
    P = _parts(fld)
    A = P.jacobian(z, p) if isinstance(P, _NumericParts) else fld.eval_DF(z, p)
    from ..eigbounds import norm2  # (remembered: eigen_radii reads ||A||_2 too)
    blocks = [v for k, v in H.items() if np.size(v)]
    if isinstance(P, _NumericParts) and not fld._pending:  # H_G, G_thps, D_psth, H_D are blocks of A: ||.|| <= ||A||
        blocks = [H["G_psps"]] if np.size(H["G_psps"]) and not P._psi_free_sum() else []
    scale = max(norm2(np.atleast_2d(np.asarray(v, dtype=float))) for v in [A] + blocks)
    kG, wG = _definiteness(H["H_G"], scale=scale)
    kD, wD = _definiteness(H["H_D"], scale=scale)
    nash = True if (kG == "pd" and kD == "pd") else (False if "not-psd" in (kG, kD) else None)
    zs = is_zero_sum(fld)
    minimax = None
    if zs:
        fyy = -H["H_D"]
        kyy, _ = _definiteness(-fyy, scale=scale)          # -f_psps = H_D
        if kyy == "not-psd":
            minimax = False
        else:
            if kyy == "pd":
                schur = H["H_G"] - H["G_thps"] @ np.linalg.solve(fyy, H["G_thps"].T)
                ks, ws = _definiteness(schur, scale=scale)
                H["schur"] = schur
                minimax = True if ks == "pd" else (None if ks == "psd" else False)
            else:
                minimax = None
    if kD == "pd":
        stack, D2, first = _stackelberg(fld, z, p, tol, scale)
        if D2 is not None:
            H["leader_total_hessian"] = D2
        elif stack is None:
            notes.append(f"differential Stackelberg undecided: the leader's total second derivative needs the third "
                         f"derivatives of L_D (the generator's loss has a nonzero psi-gradient here), derived only for "
                         f"games of at most {THIRD_SYMBOLIC_MAX} parameters")
        # the norm of the leader's total derivative D_theta L_G(theta, psi*(theta)) at the point: a "no" for it not
        # zero is a property of the losses, not of F (a general-sum pair whose F is a zero-sum game's: F's zero-sum
        # twin is a Stackelberg point where this pair is not, which classify then says, a new user's question; only where
        # the twin's point is one, its local minimax test above: at a saddle of the twin the clause was false, a new
        # user's game x y + x^3/3 - x against -x y + y^2/2 at (-1.618, -1.618))
        H["leader_total_gradient"] = first
        if stack is False and first > STACKELBERG_GRAD_REL * scale * (1 + float(np.linalg.norm(z))):
            notes.append(f"not a differential Stackelberg point: the leader's total derivative D_theta L_G(theta, "
                         f"psi*(theta)) is {first:z.3g} here, not zero (the generator's loss depends on psi there)"
                         + (": the losses are not a zero-sum pair, though F is a zero-sum game's, whose point "
                            "would be one" if zs and minimax is True else ""))
    else:
        stack = False if kD == "not-psd" else None
    from ..eigbounds import flow_reading
    from ..log import notice_if_slow
    with notice_if_slow(f"classify: eigenvalues of the {fld.n} x {fld.n} Jacobian with their condition numbers "
                        f"(LAPACK, left and right eigenvectors), then the stable steps of "
                        f"{', '.join(methods) or 'no method'} ...", quiet_inside=True):
        reading, lam, _ = flow_reading(-A)  # each eigenvalue with its radius of rounding (a nilpotent J is marginal)
        # stable, unstable, or None where the linearisation cannot decide (eigenvalues on the imaginary axis: a centre
        # manifold's x' = -1.5 x^3 converges, "no" was printed; a new user's singular game)
        flow = {"stable": True, "unstable": False}.get(reading)
        # (where F is affine the linearisation is F: a centre is no asymptotically stable point)
        affine = is_affine(fld)
        if flow is None and affine:
            flow = False
        meth = {}
        from .rates import takes
        for m in methods:
            # (beta is momentum's: the others are refused a beta; None: its declared default, -0.5)
            from ..methods import beta_for
            kb = {"beta": beta_for(m, beta)} if takes("beta", [m]) else {}
            try:  # a method undefined at this point (ftr at a singular DF_psipsi) gets an entry saying why, as in rates
                if step is not None:
                    rho = local_rate(m, A, float(step), n_theta=fld.n_theta, **kb)
                    # stable when the rate is below 1 with every multiplier's radius of rounding (rate_upper): I - h A
                    # of a nilpotent A has rho = 1 exactly, computed 1 - 3e-18 h
                    up = rate_upper(m, A, float(step), n_theta=fld.n_theta, **kb)
                    # None where rho is 1 within its radius of rounding (a multiplier on the unit circle: the
                    # linearisation cannot decide, as the flow's marginal reading)
                    on_circle = up >= 1 - STABLE_TOL and rho <= 1 + STABLE_TOL + (up - rho)
                    meth[m] = {"step": float(step), "spectral_radius": rho,
                               "stable": None if on_circle and not affine else bool(up < 1 - STABLE_TOL), **kb}
                else:
                    h_opt = None if m == "flow" else optimal_step(m, A, n_theta=fld.n_theta, **kb)[0]  # (once for both)
                    hmax = largest_stable_step(m, A, n_theta=fld.n_theta, h_opt=h_opt, **kb)
                    hmin = (smallest_stable_step(m, A, n_theta=fld.n_theta, h_opt=h_opt, **kb) if hmax is not None
                            else None)
                    # no stable step: undetermined only where some step's rate is 1 to rounding (a multiplier on the
                    # circle); a multiplier outside it at every step decides: unstable (gd at eigenvalues on the
                    # imaginary axis, |1 - h lambda| > 1, was "the linearisation cannot decide")
                    never = hmax is None and unstable_at_every_step(m, A, n_theta=fld.n_theta, **kb)
                    meth[m] = {"largest_stable_step": hmax, "smallest_stable_step": hmin,
                               "stable": True if hmax is not None else
                               (None if reading == "marginal" and not affine and not never else False),
                               "unstable_at_every_step": bool(never), **kb}
            except GandynamicsError as exc:
                why = str(exc)
                meth[m] = {"undefined": why[len(m) + 2:] if why.startswith(m + ": ") else why, "stable": None, **kb}
    stable_any = bool(flow) or any(v["stable"] for v in meth.values())
    undecided_stability = flow is None or any(v["stable"] is None and "undefined" not in v for v in meth.values())
    solution = nash if not zs else (True if (nash or minimax) else (None if (nash is None or minimax is None) else False))
    if not zs:
        solution = True if (nash or stack) else (None if (nash is None or stack is None) else False)
    if solution is True:  # (a solution is never spurious, stable or not)
        spurious = False
    elif stable_any:
        spurious = None if solution is None else True
    else:
        spurious = None if undecided_stability else False
    H["eig_H_G"], H["eig_H_D"], H["eig_J"] = wG, wD, lam
    H = {k: (v if not np.iscomplexobj(v) else np.stack([v.real, v.imag], -1)) for k, v in H.items()}
    return Classification(point=z, residual=res, zero_sum=zs, local_nash=nash, local_minimax=minimax,
                          differential_stackelberg=stack, flow_stable=flow, flow_reading=reading, methods=meth,
                          spurious=spurious, hessians=H, notes=notes)


def is_affine(fld) -> bool:
    """Whether F is affine in the state (DF free of it, symbolically): then its linearisation is F itself, and
    eigenvalues on the imaginary axis decide (a centre is not asymptotically stable).  False for a game of more than
    :attr:`~gandynamics.VectorField.DENSE_MAX` parameters (no dense DF to read)."""
    if fld.n > fld.DENSE_MAX:
        return False
    zs = set(fld.z)
    return not any(e.free_symbols & zs for e in fld.DF)


def _field_regs(fld):
    out = []
    for r in fld.regularizers:
        for part in getattr(r, "parts", lambda: [r])():
            out.append(part)
    return [r for r in out if hasattr(r, "stage")]
