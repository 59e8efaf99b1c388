r"""Local quantities of the asymmetric Tikhonov + zero-centred penalty scheme (Giagtzoglou, Winands & Franci
2026; reconstruction of docs/mathematics.md §4.3, whose readings R-a/R-b/R-c are
:class:`~gandynamics.regularizers.Asymmetric`'s ``generator-tikhonov``/``discriminator-only``/``nk``).

At the equilibrium z*, with ``DF_u`` the unregularized Jacobian of ``(grad_theta L, -grad_psi L)`` and
``Delta = DF_reg(z*) - DF_u(z*)`` the regularization's part:

* Gauss–Newton Gramian: penalties ``r1``/``r2``/``r1+r2``:
  ``G = sum_mu E_mu[J_psi(grad_x D_psi(x))^T J_psi(grad_x D_psi(x))]`` over the data (r1), generated (r2)
  or both (r1+r2) distributions; ``nk``: ``G = K^T K``, ``K = d(grad_psi L)/d theta``.
  Local identifiability: ``lambda_min(G) > 0``.
* ``Delta`` by the block formula of §4.3 (valid when the penalty's cross terms vanish at z*, as for a
  zero-centred penalty at an equilibrium with ``grad_x D = 0`` on the penalised samples):
  R-a ``diag(eps I, gamma G)``; R-b ``diag(0, eps I + gamma G)``; R-c ``diag(gamma K^T K, eps I)``.
* ``mu_loc = lambda_min(sym DF_reg(z*))`` and ``L_loc = ||DF_reg(z*)||_2`` exact (from the field);
  ``mu_loc_formula``: R-a ``min(lambda_min(H_tt) + eps, lambda_min(-H_pp + gamma G))``, R-b
  ``min(lambda_min(H_tt), lambda_min(-H_pp + eps I + gamma G))``, R-c
  ``min(lambda_min(H_tt + gamma K^T K), lambda_min(-H_pp + eps I))`` (exact when sym DF_reg(z*) is block
  diagonal); ``L_loc_bound = ||DF_u(z*)||_2 + ||Delta||_2`` with the formula's
  ``||Delta||_2``: R-a ``max(eps, gamma lambda_max(G))``, **R-b ``eps + gamma lambda_max(G)``** (both terms
  act on the same block: ``eps I + gamma G`` has norm ``eps + gamma lambda_max(G)`` since G is PSD; an earlier
  version used the R-a ``max`` here, which the exact value exceeds, e.g. Dirac-GAN eps = gamma = 1:
  L_loc = 2.118 > 1.5), R-c ``max(gamma lambda_max(K^T K), eps)``.  Triangle inequality: the bound holds
  whenever the formula's Delta is the field's (``formula_exact``); otherwise the report uses
  ``||DF_u|| + ||Delta||`` with the field's Delta and says so.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..errors import GandynamicsError

__all__ = ["asymmetric_local"]


def _find_asymmetric(fld):
    from ..regularizers import Asymmetric
    for r in fld.regularizers:
        if isinstance(r, Asymmetric):
            return r
    return None


def _part_symbols(fld):
    """For each elementary regularizer part, ``{key: hyperparameter symbol name}`` (the names
    :func:`gandynamics.regularizers.strength_symbols` gives the field's strengths)."""
    from ..regularizers import strength_symbols
    return [(r, q, {k: s.name for k, s in sym.items()}) for r, q, sym in strength_symbols(fld.model, fld.regularizers)]


def asymmetric_local(fld, params=None, at=None) -> dict:
    r"""Local quantities of the asymmetric scheme at the equilibrium (module docstring; docs/mathematics.md §4.3).

    Parameters
    ----------
    fld : VectorField           with one :class:`~gandynamics.regularizers.Asymmetric` regularizer, on a GAN
    params : mapping, optional  hyperparameter values
    at : sequence, optional     the point (default: the equilibrium found from the field's known one)

    Returns
    -------
    dict
        ``reading`` (R-a/R-b/R-c), ``reading_name``, ``point``, ``eps``, ``gamma``, ``penalty``, ``gramian``
        (``(n_psi, n_psi)`` for r1/r2/r1+r2, ``(n_theta, n_theta)`` for nk), ``gramian_lambda_min``/``max``,
        ``identifiable``, ``mu_loc``, ``L_loc`` (exact), ``mu_loc_formula``, ``L_loc_bound``,
        ``formula_exact`` (the block formula's Delta equals the field's to 1e-9), ``delta_norm``, ``note``.

    Raises
    ------
    GandynamicsError
        No asymmetric regularizer, or the model is not a GAN.
    """
    from ..game import GAN
    from .spectrum import find_equilibrium
    reg = _find_asymmetric(fld)
    if reg is None:
        raise GandynamicsError("the field has no asymmetric regularizer (--reg asymmetric:...)")
    gan = fld.model
    if not isinstance(gan, GAN):
        raise GandynamicsError("the Gauss-Newton Gramian needs a GAN (discriminator and distributions)")
    p = fld._p(params)
    pv = dict(zip([s.name for s in fld.hyper], p))
    zstar = fld.point(at) if at is not None else find_equilibrium(fld, pv)[0]
    eps = gamma = None
    for r, q, names in _part_symbols(fld):
        if r is not reg:
            continue
        if q.name == "tikhonov":
            eps = float(pv[names["eps"]])
        elif q.name in ("r1", "r2", "r1r2"):
            gamma = float(pv[names["gamma"]])
        elif q.name == "nagarajan-kolter":
            gamma = 2 * float(pv[names["eta"]])
    pen = reg.opts["penalty"]
    sub = {s: sp.Float(float(v)) for s, v in zip(gan.params, zstar)}
    hsub = {s: sp.Float(float(pv.get(s.name, v))) for s, v in dict(gan.hyper).items()}
    theta, psi = list(gan.theta), list(gan.psi)
    L = gan.objective()
    if pen in ("r1", "r2", "r1+r2"):
        dists = {"r1": [gan.real], "r2": [gan.fake], "r1+r2": [gan.real, gan.fake]}[pen]
        G = sp.zeros(len(psi), len(psi))
        for dist in dists:
            for w, x in dist.atoms():
                K = sp.Matrix(gan.grad_x_D(x)).jacobian(psi)
                G += w * (K.T * K)
    else:
        K = sp.Matrix([sp.diff(L, q) for q in psi]).jacobian(theta)
        G = K.T * K
    Gn = np.array(G.xreplace(sub).xreplace(hsub).evalf(), dtype=float)
    Htt = np.array(sp.hessian(L, theta).xreplace(sub).xreplace(hsub).evalf(), dtype=float)
    Hpp = np.array(sp.hessian(L, psi).xreplace(sub).xreplace(hsub).evalf(), dtype=float)
    D = fld.eval_DF(zstar, p)
    w = np.linalg.eigvalsh(Gn)
    S = (D + D.T) / 2
    mu_loc = float(np.linalg.eigvalsh(S)[0])
    L_loc = float(np.linalg.norm(D, 2))
    lmin = lambda M: float(np.linalg.eigvalsh((M + M.T) / 2)[0])
    nt, npsi = len(theta), len(psi)
    It, Ip = np.eye(nt), np.eye(npsi)
    Zt = np.zeros((nt, nt))
    Ztp = np.zeros((nt, npsi))
    letter = reg.letter
    if letter == "R-a":
        mu_formula = min(lmin(Htt) + eps, lmin(-Hpp + gamma * Gn))
        delta = np.block([[eps * It, Ztp], [Ztp.T, gamma * Gn]])
        delta_norm = max(eps, gamma * float(w[-1]))
    elif letter == "R-b":
        mu_formula = min(lmin(Htt), lmin(-Hpp + eps * Ip + gamma * Gn))
        delta = np.block([[Zt, Ztp], [Ztp.T, eps * Ip + gamma * Gn]])
        delta_norm = eps + gamma * float(w[-1])        # same block: ||eps I + gamma G|| (G PSD)
    else:
        mu_formula = min(lmin(Htt + gamma * Gn), lmin(-Hpp + eps * Ip))
        delta = np.block([[gamma * Gn, Ztp], [Ztp.T, eps * Ip]])
        delta_norm = max(gamma * float(w[-1]), eps)
    # the unregularised DF at z*: grad of (L, -L) w.r.t. (theta, psi)
    Fu = sp.Matrix([sp.diff(L, t) for t in theta] + [-sp.diff(L, q) for q in psi])
    Du = np.array(Fu.jacobian(theta + psi).xreplace(sub).xreplace(hsub).evalf(), dtype=float)
    delta_field = D - Du
    scale = max(1.0, float(np.max(np.abs(delta_field))))
    exact = bool(np.max(np.abs(delta_field - delta)) <= 1e-9 * scale)
    note = ""
    if exact:
        L_bound = float(np.linalg.norm(Du, 2) + delta_norm)
    else:
        L_bound = float(np.linalg.norm(Du, 2) + np.linalg.norm(delta_field, 2))
        note = ("the penalty's cross terms do not vanish here (e.g. an equilibrium moved by a fixed anchor): "
                "the block formula does not apply; L_loc_bound uses the field's Delta")
    mu_exact = bool(np.max(np.abs(S[:nt, nt:])) <= 1e-9 * max(1.0, float(np.max(np.abs(S)))))
    if not mu_exact:
        note = (note + "; " if note else "") + "sym DF_reg(z*) is not block diagonal: mu_loc_formula is not exact"
    return {"reading": letter, "reading_name": reg.opts["reading"], "point": zstar.tolist(), "eps": eps,
            "gamma": gamma, "penalty": pen, "gramian": Gn.tolist(), "gramian_lambda_min": float(w[0]),
            "gramian_lambda_max": float(w[-1]),
            "identifiable": bool(w[0] > 1e-12 * max(1.0, abs(float(w[-1])))),
            "mu_loc": mu_loc, "L_loc": L_loc, "mu_loc_formula": mu_formula, "L_loc_bound": L_bound,
            "formula_exact": exact and mu_exact, "delta_norm": float(np.linalg.norm(delta_field, 2)), "note": note}
