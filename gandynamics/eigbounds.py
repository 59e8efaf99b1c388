r"""Eigenvalues of a matrix with the radius within which each is known: the stability readings of the point analyses.

A verdict read off computed eigenvalues ("``Re lambda < 0``: stable", "``|mu| < 1``: the method contracts") is only
as good as those eigenvalues.  LAPACK returns the exact eigenvalues of a matrix ``A + E`` with
``||E|| <= c n eps ||A||`` (backward stability), and a Jacobian evaluated in floating point carries errors of the same
order in its entries; how far an eigenvalue moves under such an ``E`` depends on its conditioning:

* a simple eigenvalue moves by at most about ``kappa ||E||`` (first order), ``kappa = ||y|| ||x|| / |y^H x|`` its
  condition number (``x``, ``y`` its right and left eigenvectors; Wilkinson 1965; Golub & Van Loan 2013, §7.2.2);
* a defective one, an ``m x m`` Jordan block, moves by about ``(||E|| ||A||^(m-1))^(1/m)``: a nilpotent 2 x 2
  Jacobian ``[[1, 1], [-1, -1]]``, whose eigenvalues are exactly 0 (twice), computes as ``-3e-17`` twice, yet a
  perturbation of its entries by ``1e-16`` moves them by ``1e-8``.  The computed eigenvalues of such a block are a
  cluster whose computed condition numbers are of the order ``eps^(-(1 - 1/m))``, so ``kappa ||E||`` is of the right
  order there too; :func:`eigen_radii` takes the smaller of the two estimates for a cluster of ``m`` eigenvalues
  (the first overestimates an exactly triangular block's, which LAPACK returns with parallel eigenvectors).

Every radius is at least :data:`REAL_TOL` times the smaller of ``max |lambda|`` and the eigenvalue's componentwise
condition ``|y|^T |A| |x| / |y^H x|`` (how far relative errors of the entries move it; Geurts 1982, Higham 2002
§7.6): the margin the analyses always allowed, relative to the spectrum, so a matrix with entries of very different
sizes keeps its reading, but not the large eigenvalue's margin for a small one that no relative error of the entries
moves as far (a stiff ``diag(-1, -1e10)`` read marginal). The nilpotent matrix's radius comes from its conditioning,
not from this floor.
A reading is *stable* when every eigenvalue's disc lies in the open left half-plane (flow) or inside the unit disc
(maps: :func:`rho_upper`), *unstable* when some disc lies in the closed right half-plane's interior, and *marginal*
otherwise (docs/mathematics.md §0.5; the linearisation decides nothing there).  Radii scale with ``A``: the readings
of ``A`` and ``s A`` agree for every ``s > 0``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["REAL_TOL", "BACKWARD", "eigen_radii", "flow_reading", "rho_upper"]

#: the smallest radius, relative to ``||A||_2``: eigenvalues with ``|Re| <= REAL_TOL ||A||`` are on the imaginary axis to
#: rounding (relative, never absolute: an absolute floor of 1 read 1e-12 [[0.5, -1], [1, 0.5]] as marginal)
REAL_TOL = 1e-9
#: the backward error of the computed eigenvalues and of the matrix's own entries, in units of ``n eps ||A||_2``
BACKWARD = 16.0

_EPS = float(np.finfo(float).eps)


#: how many matrices' results :func:`memo` keeps (the least recently used is dropped first)
MEMO_SIZE = 8
_MEMO: dict = {}


def memo(kind: str, A, compute):
    """``compute(A)``, remembered for the last :data:`MEMO_SIZE` matrices by their exact contents (shape, dtype and
    a BLAKE2 digest of the bytes: ``O(n^2)``, about 10 ms at n = 1,000 where the eigen-decomposition is ``O(n^3)``,
    seconds).  The step searches of :mod:`gandynamics.analysis.rates` ask for the eigenvalues of one ``A`` at every
    step they try (3,800 LAPACK calls per ``classify`` of the 100-parameter mlp); results are returned as copies."""
    a = np.ascontiguousarray(A)
    if MEMO_SIZE <= 0:  # (remembering nothing)
        return compute(a)
    key = _key(kind, a)
    hit = _MEMO.pop(key, None)
    if hit is None:
        hit = compute(a)
    _store(key, hit)
    return _copy(hit)


def _key(kind, a):
    import hashlib
    return (kind, a.shape, a.dtype.str, hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=20).digest())


def _store(key, value):
    _MEMO.pop(key, None)
    while len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = value


def _copy(hit):
    return tuple(np.copy(x) for x in hit) if isinstance(hit, tuple) else np.copy(hit)


def norm2(A) -> float:
    """``||A||_2`` (the largest singular value: an SVD, ``O(n^3)``), remembered by contents for ``A`` and ``-A``."""
    A = np.asarray(A, dtype=float)
    v = memo("norm2", A, lambda a: np.array(np.linalg.norm(a, 2)))
    if MEMO_SIZE > 0:
        neg = _key("norm2", -A)
        if neg not in _MEMO:
            _store(neg, np.copy(v))
    return float(v)


def peek(kind: str, A):
    """What :func:`memo` remembers of ``kind`` for ``A`` (copies), or None."""
    if MEMO_SIZE <= 0:
        return None
    hit = _MEMO.get(_key(kind, np.asarray(A)))
    return None if hit is None else _copy(hit)


def eigen_radii(A) -> tuple[np.ndarray, np.ndarray]:
    """The eigenvalues ``w`` (n,) complex of the square matrix ``A`` and radii ``r`` (n,) >= 0: the exact eigenvalues
    of ``A`` and of every matrix within ``BACKWARD n eps ||A||_2`` of it lie within ``r_i`` of ``w_i``, to the first
    order of the perturbation theory recalled in the module docstring (an estimate, not a proof: the readings built on
    it are what the double-precision linearisation can tell).  ``r_i = max(floor_i, kappa_i delta)`` (``floor_i`` the module docstring's) for a
    simple eigenvalue, ``delta = BACKWARD n eps ||A||``; for an ill-conditioned one (``kappa_i delta`` above the cap of a
    pair) in a cluster of ``m`` computed eigenvalues, at most the cluster's cap ``cap(m) = delta^(1/m) ||A||^(1 - 1/m)``:
    ``m`` the smallest size >= 2 with ``m`` eigenvalues within ``2 cap(m)`` of it, grown while a larger cap holds more,
    then raised to the size of every ill-conditioned eigenvalue's cluster whose disc ``2 cap`` contains it.  ``inf`` where an eigenvector pair is orthogonal (``y^H x = 0``).  Raises
    ValueError for a matrix that is not finite."""
    A = np.asarray(A)
    if A.shape[0] == 0:
        return np.zeros(0, complex), np.zeros(0)
    if not np.all(np.isfinite(A)):
        raise ValueError("eigen_radii: the matrix is not finite")
    w, r = memo("eigen_radii", A, _eigen_radii)
    if MEMO_SIZE > 0:  # -A has the eigenvalues -w, each as well conditioned: the flow reads J = -DF, the methods DF
        neg = _key("eigen_radii", -np.asarray(A))
        if neg not in _MEMO:
            _store(neg, (-w, r.copy()))
    return w, r


def _eigen_radii(A) -> tuple[np.ndarray, np.ndarray]:
    from scipy import linalg
    n = A.shape[0]
    norm = norm2(A)
    if norm == 0.0:
        return np.zeros(n, complex), np.zeros(n)
    # eigenvalues of A / ||A|| (then scaled back): LAPACK's eigenvector path overflows inside for entries near
    # 1e160 (it returned -7e137 +- 1.3e138 i for eigenvalues -5e159 +- 8.7e159 i)
    w, vl, vr = linalg.eig(A / norm, left=True, right=True)
    w = w * norm
    delta = BACKWARD * n * _EPS * norm
    dots = np.abs(np.einsum("ij,ij->j", vl.conj(), vr))
    lens = np.linalg.norm(vl, axis=0) * np.linalg.norm(vr, axis=0)
    with np.errstate(divide="ignore"):
        kappa = np.where(dots > 0.0, lens / np.where(dots > 0.0, dots, 1.0), math.inf)
    r = kappa * delta
    with np.errstate(over="ignore", invalid="ignore"):  # (eigenvalues near +-1e308: an inf gap is a far one)
        gaps = np.abs(w[:, None] - w[None, :])

    def cap(m):  # the radius of a defective cluster of m eigenvalues
        return delta ** (1.0 / m) * norm ** (1.0 - 1.0 / m)

    # each row's distances sorted: srt[i, k - 1] is the distance from w_i to its k-th nearest (itself first)
    srt = np.sort(gaps, axis=1)
    sizes = np.arange(2, n + 1)
    caps2 = 2.0 * cap(sizes)  # 2 cap(k), k = 2 .. n
    size = np.ones(n, dtype=np.int64)
    # only an eigenvalue whose first-order radius exceeds the smallest cluster's cap is read as a member of a cluster
    # (the cap can only lower a radius): a well-conditioned simple eigenvalue (a diagonal entry) finds some large k
    # with k eigenvalues within 2 cap(k) of it, and its disc would take a Jordan pair nearby into that size's cap
    ill = np.flatnonzero(r > cap(2))
    for i in ill:
        # the cluster of w_i: the eigenvalues within twice the radius of a cluster of its own size.  Its size is the
        # smallest k >= 2 for which k eigenvalues lie within 2 cap(k) of w_i (an exact Jordan block of m splits by
        # about cap(m) in doubles: its members are farther apart than 2 cap(2), so a search that starts at pairs
        # and grows only while it finds more missed it, and its radius, kappa delta uncapped, read a stable 4 x 4
        # block marginal at some scales), then grown while the larger radius holds more (a count at the largest
        # radius, m = n, took nearly every eigenvalue of a 20 x 20 J into one cluster: its radius the largest cap)
        hold = np.flatnonzero(srt[i, 1:] <= caps2)  # k - 2 for the k with k eigenvalues within 2 cap(k)
        if not hold.size:
            continue
        m = int(hold[0]) + 2
        while m < n:
            got = int(np.searchsorted(srt[i], 2.0 * cap(m + 1), side="right"))
            if got <= m:
                break
            m = got
        size[i] = m
    # the clusters made consistent: an eigenvalue within another's cluster disc (2 cap of its size) belongs to a
    # cluster at least that large, until no size changes (measured around each eigenvalue alone, a block's member
    # with an unrelated eigenvalue 1e-8 away saw a pair, and its radius cap(2) read a block that a perturbation of
    # ||E|| = delta moves across the axis stable; and a simple eigenvalue of a strongly non-normal triangular
    # matrix, inside a larger cluster's disc, kept the small cap of the few neighbours it saw)
    while True:
        disc = np.where(size > 1, 2.0 * cap(np.maximum(size, 2)), 0.0)  # (0 for the well-conditioned: size 1)
        grown = np.maximum(size, np.max(np.where(gaps <= disc[None, :], size[None, :], 1), axis=1))
        if np.array_equal(grown, size):
            break
        size = grown
    r = np.where(size > 1, np.minimum(r, cap(np.maximum(size, 2))), r)
    # the floor: the margin the analyses always allowed, REAL_TOL max |lambda| (relative to the spectrum: a matrix
    # with entries of very different sizes, a damped rotation in mixed units, keeps its reading), lowered for an
    # eigenvalue that relative errors of REAL_TOL in A's entries move less: REAL_TOL |y|^T |A| |x| / |y^H x|, its
    # componentwise condition (Geurts 1982; Higham 2002, §7.6).  The stiff diag(-1, -1e10) read marginal: its -1,
    # which no relative error of the entries moves by more than 1e-9, had the floor 10 of the eigenvalue -1e10
    # (|y|^T |A| |x| for every pair at once through BLAS: the einsum of the three took 1.9 s at n = 1,000)
    comp = np.sum(np.abs(vl) * (np.abs(A / norm) @ np.abs(vr)), axis=0) * norm
    with np.errstate(divide="ignore", invalid="ignore"):
        comp = np.where(dots > 0.0, comp / np.where(dots > 0.0, dots, 1.0), math.inf)
    return w, np.maximum(r, REAL_TOL * np.minimum(comp, float(np.max(np.abs(w)))))


def flow_reading(J) -> tuple[str, np.ndarray, np.ndarray]:
    """``(reading, w, r)``: ``"stable"`` when every ``Re w_i + r_i < 0``, ``"unstable"`` when some ``Re w_i - r_i > 0``,
    ``"marginal"`` otherwise, for the linearisation ``J`` (n, n) of a flow (:func:`eigen_radii`)."""
    w, r = eigen_radii(J)
    if w.size == 0 or float(np.max(w.real + r)) < 0.0:
        return "stable", w, r
    if float(np.max(w.real - r)) > 0.0:
        return "unstable", w, r
    return "marginal", w, r


def rho_upper(M) -> float:
    """``max |mu_i| + r_i`` over the eigenvalues of the iteration matrix ``M`` (:func:`eigen_radii`): the largest
    spectral radius of the matrices within rounding of ``M`` (a method contracts for certain only where it is < 1)."""
    w, r = eigen_radii(M)
    return float(np.max(np.abs(w) + r)) if w.size else 0.0
