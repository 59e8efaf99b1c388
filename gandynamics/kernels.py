r"""Numba source templates of the integrators (the update rules as text).

The text returned by :func:`kernel_source` is appended to a field's generated module
(:meth:`gandynamics.VectorField.compiled`, :mod:`gandynamics.codegen`), so that every kernel calls the
generated ``field_block`` / ``field`` *by name*: one self-contained module per field, cached on disk by the
hash of its source (no jitted function is passed as an argument, which would break ``cache=True`` across
processes, numba #6251), and hyperparameters, step sizes and momenta are array arguments (a sweep over
gamma or h never recompiles).

Batch layout
------------
Trajectories are processed in blocks of ``NB`` columns: the state of a block is an array ``z`` of shape
``(n, NB)`` (``NB = 64``) and the field of the whole block is evaluated in one inner loop
(``field_block``) that LLVM vectorizes (AVX-512: 8 lanes), the logistic function going through the
branch-free ``exp`` of :mod:`gandynamics._numeric` (LLVM cannot vectorize calls to libm's ``exp``).
Measured on the R1 Dirac-GAN (kernel only, million trajectory-steps per CPU-second, gd / eftp): NB = 8:
the vector loop (8 lanes x 4 interleaved) never ran, about 60; NB = 32: 295 / 231; NB = 64: 441 / 384;
NB = 128: 453 / 409; a sequential per-trajectory loop with libm's exp: about 30.  No value ever crosses from one
column to another: each trajectory's result is independent of its neighbours, of its position in the
batch and of the number of threads.  The last block is padded with inert columns (state ``z*``, step 0).

Parallelism: the kernels are ``nogil`` and process a range of blocks (``run_discrete``) or rows
(``run_dopri5``); :mod:`gandynamics.simulate` runs disjoint ranges on ``numba.get_num_threads()`` threads.
(A ``prange`` driver over the same block function did the same work, but its ``parallel=True``
compilation took about twice as long as the kernel itself, paid once per field and per process that
compiles: measured 23 s vs 11 s on the loaded 2-core machine; the threads give the same parallelism.)
Compile time is spent once per field (the module is cached on disk); the prologue, the divergence/record
slow path and the epilogue are shared helpers (``_gk_load``, ``_gk_post``, ``_gk_finish``), which halved it.

The kernels' signatures ::

    run_discrete(CODE, blk0, blk1, Z0, P, H, BETA, ZSTAR, K, REC_IDX, RECORD, REC, DIST,
                 FINAL, DIVAT, REASON, BOUND, BOX, USE_BOX, IOPT, FOPT)
    run_dopri5(row0, row1, Z0, ...same...)

``CODE`` selects the update rule (:data:`CODES`), ``[blk0, blk1)`` the blocks of ``NB`` rows to run;
compiled with ``error_model="numpy"`` (a division by zero gives inf/NaN, flagged as divergence, never an
exception inside a thread) and ``fastmath={"contract"}`` (fused multiply-add only: no ``nnan``/``ninf``, so the
NaN/inf checks are kept; the full fastmath flag set (with nnan/ninf) is never used);

``Z0 (B, n)`` initial states, ``P (B, n_p)`` hyperparameters, ``H (B, 2)`` step sizes ``(h_G, h_D)``,
``BETA (B,)`` momenta, ``ZSTAR (B, n)`` equilibria, ``K`` steps, ``REC_IDX (R,)`` the sorted step indices at
which distances ``DIST (B, R)`` (and, if ``RECORD``, states ``REC (B, R, n)``) are stored, outputs
``FINAL (B, n)``, ``DIVAT (B,)`` (first step whose state is not finite or exceeds ``BOUND`` in max-norm,
-1 if none), ``REASON (B,)`` (0 none, 1 NaN, 2 overflow to inf, 3 bound, 4 step-size underflow of the
adaptive flow), ``BOX (n, 2)`` projection bounds applied when ``USE_BOX``; ``IOPT = (n_theta, n_g, n_d,
discriminator_first, alternating)``, ``FOPT = (rtol, atol)``.

A diverged trajectory is frozen: its offending state is written to ``FINAL``, later distances are NaN.

The formulas of each update rule are documented in :mod:`gandynamics.methods` (docs/mathematics.md §0.4).
"""

from __future__ import annotations

__all__ = ["kernel_source", "KERNELS", "CODES", "REASONS", "DEFAULT_NB"]

#: block width (trajectories evaluated together in the inner loop)
DEFAULT_NB = 64

#: REASON codes written by the kernels
REASONS = {0: "", 1: "nan", 2: "overflow", 3: "bound", 4: "stepsize"}

_COMMON = '''
from gandynamics._numeric import sigmoid_v as _sigmoid_v

NB = {nb}


@njit(cache=True)
def _gk_project(z, BOX, i0, i1):
    for i in range(i0, i1):
        lo = BOX[i, 0]
        hi = BOX[i, 1]
        for b in range(NB):
            x = z[i, b]
            if x < lo:
                z[i, b] = lo
            elif x > hi:
                z[i, b] = hi


@njit(cache=True)
def _gk_check(z, alive, n, BOUND, code):
    """Per column: 0 fine, 1 NaN, 2 inf, 3 beyond BOUND (max-norm); NaN takes precedence."""
    for b in range(NB):
        code[b] = 0
        if alive[b]:
            c = 0
            for i in range(n):
                x = z[i, b]
                if x != x:
                    c = 1
                elif c == 0:
                    ax = abs(x)
                    if ax == math.inf:
                        c = 2
                    elif ax > BOUND:
                        c = 3
            code[b] = c


@njit(cache=True, error_model="numpy")
def field_rows(Z, P, OUT):
    """``OUT[r] = F(Z[r]; P[r])`` for every row, through ``field_block`` (used to verify equilibria)."""
    B = Z.shape[0]
    npar = P.shape[1]
    zb = np.empty((NZ, NB))
    pb = np.zeros((max(npar, 1), NB))
    fb = np.empty((NZ, NB))
    for lo in range(0, B, NB):
        m = min(NB, B - lo)
        for b in range(NB):
            r = lo + b if b < m else lo
            for i in range(NZ):
                zb[i, b] = Z[r, i]
            for j in range(npar):
                pb[j, b] = P[r, j]
        field_block(zb, pb, fb, NB)
        for b in range(m):
            for i in range(NZ):
                OUT[lo + b, i] = fb[i, b]
    return OUT
'''

_SKELETON = '''

@njit(cache=True, nogil=True)
def _gk_load(lo, m, Z0, P, H, BETA, ZSTAR, nth, z, zs, hs, pb, bb, alive):
    """Copy rows lo..lo+m-1 into the block (columns beyond m: inert, state z*, step 0)."""
    npar = P.shape[1]
    for b in range(NB):
        r = lo + b if b < m else lo
        for i in range(NZ):
            zs[i, b] = ZSTAR[r, i]
            z[i, b] = Z0[r, i] if b < m else ZSTAR[r, i]
            if b < m:
                hs[i, b] = H[r, 0] if i < nth else H[r, 1]
            else:
                hs[i, b] = 0.0
        for j in range(npar):
            pb[j, b] = P[r, j]
        if npar == 0:
            pb[0, b] = 0.0
        bb[b] = BETA[r] if b < m else 0.0
        alive[b] = b < m


@njit(cache=True, nogil=True)
def _gk_post(k, lo, m, nbad, rec, ri, z, zs, hs, a1, a2, a3, a4, bb, alive, code, BOUND, RECORD, REC, DIST, FINAL,
             DIVAT, REASON):
    """After step k: freeze the columns that diverged (offending state to FINAL), record distances
    (and states) when k is a recording step.  Returns the number of columns that died."""
    n = NZ
    if nbad > 0:
        _gk_check(z, alive, n, BOUND, code)
    else:
        for b in range(NB):
            code[b] = 0
    died = 0
    for b in range(m):
        if alive[b] and code[b] != 0:
            alive[b] = False
            died += 1
            DIVAT[lo + b] = k
            REASON[lo + b] = code[b]
            for i in range(n):
                FINAL[lo + b, i] = z[i, b]
            if rec:
                DIST[lo + b, ri] = math.nan
                if RECORD:
                    for i in range(n):
                        REC[lo + b, ri, i] = z[i, b]
            for i in range(n):
                z[i, b] = zs[i, b]
                hs[i, b] = 0.0
                a1[i, b] = 0.0
                a2[i, b] = 0.0
                a3[i, b] = 0.0
                a4[i, b] = 0.0
            bb[b] = 0.0
        elif rec:
            if alive[b]:
                s = 0.0
                for i in range(n):
                    d = z[i, b] - zs[i, b]
                    s += d * d
                    if RECORD:
                        REC[lo + b, ri, i] = z[i, b]
                DIST[lo + b, ri] = math.sqrt(s)
            else:
                DIST[lo + b, ri] = math.nan
                if RECORD:
                    for i in range(n):
                        REC[lo + b, ri, i] = math.nan
    return died


@njit(cache=True, nogil=True)
def _gk_finish(lo, m, ri, z, alive, RECORD, REC, DIST, FINAL, DIVAT, REASON):
    """NaN for the recording steps never reached; FINAL for the columns still alive."""
    for r2 in range(ri, DIST.shape[1]):
        for b in range(m):
            DIST[lo + b, r2] = math.nan
            if RECORD:
                for i in range(NZ):
                    REC[lo + b, r2, i] = math.nan
    for b in range(m):
        if alive[b]:
            DIVAT[lo + b] = -1
            REASON[lo + b] = 0
            for i in range(NZ):
                FINAL[lo + b, i] = z[i, b]


@njit(cache=True, nogil=True, error_model="numpy", fastmath={{"contract"}})
def run_discrete(CODE, blk0, blk1, Z0, P, H, BETA, ZSTAR, K, REC_IDX, RECORD, REC, DIST, FINAL, DIVAT, REASON, BOUND, BOX, USE_BOX, IOPT, FOPT):
    B = Z0.shape[0]
    n = NZ
    npar = P.shape[1]
    R = REC_IDX.shape[0]
    nth = IOPT[0]
    n_g = IOPT[1]
    n_d = IOPT[2]
    dfirst = IOPT[3]
    alternating = IOPT[4]
    # run-time (non-literal) values for the helper calls: literal arguments would make numba compile a
    # separate specialisation of each helper (measured: 3 copies of _gk_post)
    zero = blk0 - blk0
    nrt = Z0.shape[1]
    yes = R >= 0
    z = np.empty((n, NB))
    zs = np.empty((n, NB))
    hs = np.empty((n, NB))
    pb = np.empty((max(npar, 1), NB))
    f = np.empty((n, NB))
    a1 = np.zeros((n, NB))
    a2 = np.zeros((n, NB))
    a3 = np.zeros((n, NB))
    a4 = np.zeros((n, NB))
    bb = np.zeros(NB)
    alive = np.zeros(NB, dtype=np.bool_)
    code = np.zeros(NB, dtype=np.int64)
    for blk in range(blk0, blk1):
        lo = blk * NB
        m = min(NB, B - lo)
        a1[:, :] = 0.0
        a2[:, :] = 0.0
        a3[:, :] = 0.0
        a4[:, :] = 0.0
        _gk_load(lo, m, Z0, P, H, BETA, ZSTAR, nth, z, zs, hs, pb, bb, alive)
{init}
        ri = 0
        if R > 0 and REC_IDX[0] == 0:
            _gk_post(zero, lo, m, zero, yes, zero, z, zs, hs, a1, a2, a3, a4, bb, alive, code, BOUND, RECORD, REC,
                     DIST, FINAL, DIVAT, REASON)
            ri = 1
        nalive = m
        for k in range(1, K + 1):
{step}
            # cheap test of every column (NaN/inf make acc NaN), details only when something is off
            nbad = zero
            for b in range(NB):
                acc = 0.0
                mx = 0.0
                for i in range(n):
                    x = z[i, b]
                    acc += x * 0.0
                    ax = abs(x)
                    mx = ax if ax > mx else mx
                nbad += (acc != acc) | (mx > BOUND)
            rec = ri < R and REC_IDX[ri] == k
            if nbad == 0 and not rec:
                continue
            nalive -= _gk_post(k, lo, m, nbad, rec, ri, z, zs, hs, a1, a2, a3, a4, bb, alive, code, BOUND, RECORD, REC,
                               DIST, FINAL, DIVAT, REASON)
            if rec:
                ri += 1
            if nalive == 0:
                break
        _gk_finish(lo, m, ri, z, alive, RECORD, REC, DIST, FINAL, DIVAT, REASON)
'''

# ---------------------------------------------------------------------------------------------------
# update rules: code run once per step, indented by 12 spaces; a1..a4 are per-method state arrays
_P = "            "

_STEPS = {
    # z <- z - h F(z)
    "gd": dict(init="", step=f"""\
{_P}field_block(z, pb, f, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        z[i, b] -= hs[i, b] * f[i, b]
{_P}if USE_BOX:
{_P}    _gk_project(z, BOX, zero, nrt)"""),
    # block Gauss-Seidel: n_g generator steps, then n_d discriminator steps (or the reverse)
    "altgd": dict(init="", step=f"""\
{_P}for part in range(2):
{_P}    gen = (part == 0) != (dfirst != 0)
{_P}    i0 = zero if gen else nth
{_P}    i1 = nth if gen else nrt
{_P}    reps = n_g if gen else n_d
{_P}    for rep in range(reps):
{_P}        field_block(z, pb, f, NB)
{_P}        for i in range(i0, i1):
{_P}            for b in range(NB):
{_P}                z[i, b] -= hs[i, b] * f[i, b]
{_P}        if USE_BOX:
{_P}            _gk_project(z, BOX, i0, i1)"""),
    # w = z - h F(z); z <- z - h F(w)
    "eg": dict(init="", step=f"""\
{_P}field_block(z, pb, f, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        a1[i, b] = z[i, b] - hs[i, b] * f[i, b]
{_P}if USE_BOX:
{_P}    _gk_project(a1, BOX, zero, nrt)
{_P}field_block(a1, pb, f, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        z[i, b] -= hs[i, b] * f[i, b]
{_P}if USE_BOX:
{_P}    _gk_project(z, BOX, zero, nrt)"""),
    # a1 = F(w_{k-1}) (w_{-1} = z_0); w_k = z_k - h a1; a1 = F(w_k); z_{k+1} = z_k - h a1
    "eftp": dict(init=f"""\
        field_block(z, pb, a1, NB)""", step=f"""\
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        a2[i, b] = z[i, b] - hs[i, b] * a1[i, b]
{_P}if USE_BOX:
{_P}    _gk_project(a2, BOX, zero, nrt)
{_P}field_block(a2, pb, a1, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        z[i, b] -= hs[i, b] * a1[i, b]
{_P}if USE_BOX:
{_P}    _gk_project(z, BOX, zero, nrt)"""),
    # a1 = F(z_{k-1}) (z_{-1} = z_0); z_{k+1} = z_k - 2h F(z_k) + h a1
    "ogda": dict(init=f"""\
        field_block(z, pb, a1, NB)""", step=f"""\
{_P}field_block(z, pb, f, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        z[i, b] = z[i, b] - 2.0 * hs[i, b] * f[i, b] + hs[i, b] * a1[i, b]
{_P}        a1[i, b] = f[i, b]
{_P}if USE_BOX:
{_P}    _gk_project(z, BOX, zero, nrt)"""),
    # heavy ball, a1 = z_{k-1} (z_{-1} = z_0): z_{k+1} = z_k - h F(z_k) + beta (z_k - z_{k-1});
    # alternating: the same per player, the second player seeing the first one's new value
    "momentum": dict(init=f"""\
        for i in range(n):
            for b in range(NB):
                a1[i, b] = z[i, b]""", step=f"""\
{_P}nparts = 2 if alternating != 0 else 1
{_P}for part in range(nparts):
{_P}    if nparts == 1:
{_P}        i0 = zero
{_P}        i1 = nrt
{_P}    else:
{_P}        gen = (part == 0) != (dfirst != 0)
{_P}        i0 = zero if gen else nth
{_P}        i1 = nth if gen else nrt
{_P}    field_block(z, pb, f, NB)
{_P}    for i in range(i0, i1):
{_P}        for b in range(NB):
{_P}            zn = z[i, b] - hs[i, b] * f[i, b] + bb[b] * (z[i, b] - a1[i, b])
{_P}            a1[i, b] = z[i, b]
{_P}            z[i, b] = zn
{_P}    if USE_BOX:
{_P}        _gk_project(z, BOX, i0, i1)"""),
    # classical RK4 for z' = v(z) = -F(z), time step h
    "rk4": dict(init="", step=f"""\
{_P}field_block(z, pb, a1, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        f[i, b] = z[i, b] - 0.5 * hs[i, b] * a1[i, b]
{_P}field_block(f, pb, a2, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        f[i, b] = z[i, b] - 0.5 * hs[i, b] * a2[i, b]
{_P}field_block(f, pb, a3, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        f[i, b] = z[i, b] - hs[i, b] * a3[i, b]
{_P}field_block(f, pb, a4, NB)
{_P}for i in range(n):
{_P}    for b in range(NB):
{_P}        z[i, b] -= hs[i, b] / 6.0 * (a1[i, b] + 2.0 * a2[i, b] + 2.0 * a3[i, b] + a4[i, b])"""),
}

# Dormand & Prince (1980) RK5(4)7M tableau (Hairer, Norsett & Wanner, Solving ODEs I, Table II.5.2),
# adaptive, one trajectory at a time, output exactly at t_k = k h (steps are clipped to land
# on the output times).  Error norm: RMS of err_i / (atol + rtol max(|y_i|, |y_new_i|)) (HNW II.4 (4.11)).
_DOPRI5 = '''

@njit(cache=True)
def _gk_dp_stage(y, kstack, coeffs, nst, h, out):
    n = y.shape[0]
    for i in range(n):
        s = 0.0
        for j in range(nst):
            s += coeffs[j] * kstack[j, i]
        out[i] = y[i] + h * s


@njit(cache=True, nogil=True, error_model="numpy")
def run_dopri5(row0, row1, Z0, P, H, BETA, ZSTAR, K, REC_IDX, RECORD, REC, DIST, FINAL, DIVAT, REASON, BOUND, BOX, USE_BOX, IOPT, FOPT):
    n = Z0.shape[1]
    R = REC_IDX.shape[0]
    rtol = FOPT[0]
    atol = FOPT[1]
    A = np.zeros((7, 6))
    A[1, 0] = 1.0 / 5.0
    A[2, 0] = 3.0 / 40.0
    A[2, 1] = 9.0 / 40.0
    A[3, 0] = 44.0 / 45.0
    A[3, 1] = -56.0 / 15.0
    A[3, 2] = 32.0 / 9.0
    A[4, 0] = 19372.0 / 6561.0
    A[4, 1] = -25360.0 / 2187.0
    A[4, 2] = 64448.0 / 6561.0
    A[4, 3] = -212.0 / 729.0
    A[5, 0] = 9017.0 / 3168.0
    A[5, 1] = -355.0 / 33.0
    A[5, 2] = 46732.0 / 5247.0
    A[5, 3] = 49.0 / 176.0
    A[5, 4] = -5103.0 / 18656.0
    A[6, 0] = 35.0 / 384.0
    A[6, 2] = 500.0 / 1113.0
    A[6, 3] = 125.0 / 192.0
    A[6, 4] = -2187.0 / 6784.0
    A[6, 5] = 11.0 / 84.0
    E = np.zeros(7)
    E[0] = 71.0 / 57600.0
    E[2] = -71.0 / 16695.0
    E[3] = 71.0 / 1920.0
    E[4] = -17253.0 / 339200.0
    E[5] = 22.0 / 525.0
    E[6] = -1.0 / 40.0
    for row in range(row0, row1):
        y = Z0[row].copy()
        p = P[row]
        zs = ZSTAR[row]
        dt = H[row, 0]
        ks = np.empty((7, n))
        ytmp = np.empty(n)
        ynew = np.empty(n)
        field(y, p, ks[0])
        for i in range(n):
            ks[0, i] = -ks[0, i]
        ri = 0
        if R > 0 and REC_IDX[0] == 0:
            s = 0.0
            for i in range(n):
                d = y[i] - zs[i]
                s += d * d
                if RECORD:
                    REC[row, 0, i] = y[i]
            DIST[row, 0] = math.sqrt(s)
            ri = 1
        t = 0.0
        hstep = dt
        div = -1
        reason = 0
        for k in range(1, K + 1):
            tk = k * dt
            while t < tk and div < 0:
                last = False
                h = hstep
                if t + h >= tk:
                    h = tk - t
                    last = True
                for st in range(1, 7):
                    _gk_dp_stage(y, ks, A[st], st, h, ytmp)
                    field(ytmp, p, ks[st])
                    for i in range(n):
                        ks[st, i] = -ks[st, i]
                for i in range(n):
                    ynew[i] = ytmp[i]
                err = 0.0
                for i in range(n):
                    e = 0.0
                    for j in range(7):
                        e += E[j] * ks[j, i]
                    sc = atol + rtol * max(abs(y[i]), abs(ynew[i]))
                    q = h * e / sc
                    err += q * q
                err = math.sqrt(err / n)
                if err <= 1.0:
                    t = tk if last else t + h
                    for i in range(n):
                        y[i] = ynew[i]
                        ks[0, i] = ks[6, i]
                    c = 0
                    for i in range(n):
                        x = y[i]
                        if x != x:
                            c = 1
                        elif c == 0:
                            if abs(x) == math.inf:
                                c = 2
                            elif abs(x) > BOUND:
                                c = 3
                    if c != 0:
                        div = k
                        reason = c
                    fac = 10.0 if err == 0.0 else min(10.0, 0.9 * err ** -0.2)
                    if not last or fac < 1.0:
                        hstep = h * fac
                else:
                    if err != err:
                        div = k
                        reason = 1
                    hstep = h * max(0.2, 0.9 * err ** -0.2)
                    if hstep < 1e-14 * max(1.0, abs(t)):
                        div = k
                        reason = 4
            rec = ri < R and REC_IDX[ri] == k
            if rec:
                if div < 0 or div == k:
                    s = 0.0
                    for i in range(n):
                        d = y[i] - zs[i]
                        s += d * d
                        if RECORD:
                            REC[row, ri, i] = y[i]
                    DIST[row, ri] = math.sqrt(s) if div < 0 else math.nan
                ri += 1
            if div >= 0:
                break
        for r2 in range(ri, R):
            DIST[row, r2] = math.nan
            if RECORD:
                for i in range(n):
                    REC[row, r2, i] = math.nan
        DIVAT[row] = div
        REASON[row] = reason
        for i in range(n):
            FINAL[row, i] = y[i]

'''

#: discrete kernel name -> CODE argument of ``run_discrete``
CODES = {"gd": 0, "altgd": 1, "eg": 2, "eftp": 3, "ogda": 4, "momentum": 5, "rk4": 6}

#: kernel name -> the update rule's one-line formula (for messages; full docs in methods.py)
KERNELS = {
    "gd": "z <- z - h F(z)",
    "altgd": "theta <- theta - h_G F_theta (n_g times), then psi <- psi - h_D F_psi (n_d times)",
    "eg": "w = z - h F(z); z <- z - h F(w)",
    "eftp": "w_k = z_k - h F(w_{k-1}); z_{k+1} = z_k - h F(w_k)",
    "ogda": "z_{k+1} = z_k - 2h F(z_k) + h F(z_{k-1})",
    "momentum": "z_{k+1} = z_k - h F(z_k) + beta (z_k - z_{k-1}) (simultaneous or alternating)",
    "rk4": "classical Runge-Kutta 4 for z' = -F(z)",
    "dopri5": "Dormand-Prince 5(4), adaptive, for z' = -F(z)",
}


def kernel_source(block_field: str, nb: int = DEFAULT_NB) -> str:
    """The text of every integrator kernel, to append to a field's generated module.

    Parameters
    ----------
    block_field : str
        The ``field_block(Z, P, OUT, m)`` source (:func:`gandynamics.codegen.generate_block_source`).
    nb : int
        Block width (trajectories per inner loop).
    """
    parts = [block_field, _COMMON.format(nb=int(nb))]
    init, step = [], []
    for name, code in CODES.items():
        t = _STEPS[name]
        kw = "if" if code == 0 else "elif"
        if t["init"]:
            init.append(f"        {kw} CODE == {code}:\n" + _indent(t["init"], 4))
        step.append(f"            {kw} CODE == {code}:\n" + _indent(t["step"], 4))
    init_txt = "\n".join(init).replace("        elif", "        if", 1) if init else "        pass"
    parts.append(_SKELETON.format(init=init_txt, step="\n".join(step)))
    parts.append(_DOPRI5)
    return "\n".join(parts)


def _indent(text: str, k: int) -> str:
    return "\n".join((" " * k + line) if line.strip() else line for line in text.split("\n"))
