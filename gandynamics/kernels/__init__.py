r"""The compiled integrators: real numba source appended to a field's generated module.

The text returned by :func:`kernel_source` is appended to a field's generated module
(:mod:`gandynamics.codegen`), so that every kernel calls the generated ``field_block`` / ``field`` /
``jacobian`` *by name*: one self-contained module per field, cached on disk by the hash of its source (no
jitted function is passed as an argument, which would break ``cache=True`` across processes, numba #6251),
and hyperparameters, step sizes and momenta are array arguments (a sweep over gamma or h never recompiles).

The source lives in files that tools read: ``common.py`` (projection, divergence check, ``residual_rows``),
``driver.py`` (the batch driver ``run_discrete``: load, step, check, record, freeze), ``dopri5.py`` (the
adaptive Runge--Kutta driver), and the update rules, each the body of a ``kernel_*`` function in its method's
module (:mod:`gandynamics.methods`), spliced into the driver at its ``# @init`` / ``# @step`` / ``# @post``
markers.  The per-block helpers (``_gk_load``, ``_gk_post``, ...) are appended to each module too: moved
to an ordinary module compiled once per machine and linked by every field's drivers they saved about 1 s of a
field's first compile (8.2 -> 7.1 s, R1 Dirac-GAN) but cost 10-12 % of the kernels' throughput
(2026-11-30, ``bench_sweep.py --c-only`` side by side, load 1.1: gd 1045 -> 916, eg 616 -> 556 Mts/s), since
linked machine code is not optimised with the driver; measured and rejected.  The driver is instantiated once per kernel *group* (``run_discrete``, ``run_adaptive``,
``run_implicit``): numba compiles a function on its first call, so a group costs compile time only when one
of its methods runs.  Within a driver the rules share one step loop that dispatches on ``CODE``; a rule
declared with ``own_loop`` (:class:`gandynamics.methods.base.Rule`; gd) runs in a copy of that loop of its own,
selected on ``CODE`` outside it (:func:`_step_loops`).  Runge--Kutta tableaux are written into the module as
arrays from :mod:`gandynamics.methods.tableaux`.

Batch layout
------------
Trajectories are processed in blocks of ``NB`` columns: the state of a block is an array ``z`` of shape
``(n, NB)`` (``NB = 128``, or 256 for a field of at most 4 coordinates whose fused steps are inlined:
:data:`gandynamics.codegen.WIDE_BLOCK`, :func:`block_width`) and the field of the whole block is evaluated in one inner loop
(``field_block``) that LLVM vectorizes (AVX-512: 8 lanes), the logistic function going through the
branch-free ``exp`` of :mod:`gandynamics._numeric` (LLVM cannot vectorize calls to libm's ``exp``).
The update rules of gd, eg and eftp use the fused steps of the generated module (``field_step_gd``,
``field_step_to``, ``field_step_at``, ``field_step_past``, :func:`gandynamics.codegen.generate_block_source`):
the evaluation of F and the update in one loop (inlined into the driver by numba when the field's loop body
is short, :data:`gandynamics.codegen.INLINE_MAX_LINES`), which also tells whether some column's new state may
be NaN, infinite or beyond the bound (one test of the sum of absolute values per column, true whenever a
coordinate is, as the largest bit pattern of the sums; the driver's exact test then decides: the divergence test folded into the step, no second
pass over the block; 2026-11-30, kernel alone per CPU-second: gd +15%, eg +13%, eftp +3%; one test per column
instead of one per coordinate: gd's step +10%).
Measured on the R1 Dirac-GAN (kernel only, million trajectory-steps per CPU-second, gd / eftp): NB = 8:
about 60; NB = 32: 295 / 231; NB = 64: 441 / 384; NB = 128: 453 / 409; a sequential per-trajectory loop
with libm's exp: about 30.  With the fused steps (2026-11-30, load average 5 on 2 cores, side by side in one
process): NB = 64: 429 / 399; NB = 128: 470 / 437; NB = 256: 492 / 431 (the per-step work outside the
vector loop -- divergence test, recording test, dispatch -- is spread over more columns; 128 keeps a
block's arrays within the 32 KB L1 cache).  With the kernels twice as fast (2026-12-03) the per-step work
weighed more: 256 columns gained 2-16 % on the small fields with inlined steps and lost 5-15 % on larger ones
(:data:`gandynamics.codegen.WIDE_BLOCK`).  A block steps only its *active width* ``NW``: its rows rounded up to
``LANES`` (16) columns (``kernels/common.py``), so that one trajectory (``simulate``) or a sweep of a few rows does not
pay for 256 (2026-12-04, one R1 Dirac-GAN trajectory: gd 229 -> 28.5 ns a step, eg 424 -> 56, eftp 279 -> 29.5;
``studies/bench_trajectory.py``); the calls of the field's block functions are made over the constant ``NB`` when
``NW == NB`` (:func:`_width_specialised`); a sweep of fewer rows than a block per thread is cut into narrower
blocks so that every thread has one (:func:`gandynamics.runs.engine.unit_width`: 100 rows x 10^6 gd steps 141 -> 86
ms on 2 threads).  No value ever crosses from one column to another: each trajectory's result is
independent of its neighbours, of its position in the batch and of the number of threads.  The last block
is padded with inert columns (state ``z*``, step 0).

Parallelism: the kernels are ``nogil`` and process a range of blocks (``run_<group>``) or rows
(``run_dopri5``); :mod:`gandynamics.runs` runs disjoint ranges on ``numba.get_num_threads()`` threads.
Compiled with ``error_model="numpy"`` (a division by zero gives inf/NaN, flagged as divergence, never an
exception inside a thread) and ``fastmath={"contract"}`` (fused multiply-add only: no ``nnan``/``ninf``, so
the NaN/inf checks are kept).

The kernels' signatures ::

    run_<group>(CODE, blk0, blk1, Z0, P, H, BETA, ZSTAR, K0, K, REC_IDX, RECORD, REC, DIST, TDIST,
                FINAL, DIVAT, REASON, BOUND, BOX, USE_BOX, IOPT, FOPT, STATE, LAST)
    run_dopri5(row0, row1, Z0, ...same...)

``CODE`` selects the update rule within the group (:func:`codes`), ``[blk0, blk1)`` the blocks of ``NB``
rows; ``Z0 (B, n)`` initial states, ``P (B, n_p)`` hyperparameters, ``H (B, 2)`` step sizes ``(h_G, h_D)``,
``BETA (B,)`` the per-row beta, ``ZSTAR (B, n)`` equilibria, steps ``K0 + 1 .. K`` (``STATE`` carries the
state between calls: a run may be cut into chunks of steps), ``REC_IDX (R,)`` the sorted step indices at
which distances ``DIST (B, R)`` (``(R, B)``, sample-major, when ``TDIST``: a sweep's scratch blocks, stored a
block's row per recording step and read with the rows in vector lanes) and, if ``RECORD``, states ``REC (B, R, n)``
are stored, outputs
``FINAL (B, n)``, ``DIVAT (B,)`` (first step whose state is not finite or exceeds ``BOUND`` in max-norm,
-1 if none), ``REASON (B,)`` (:data:`REASONS`), ``BOX (n, 2)`` projection bounds applied when ``USE_BOX``;
``IOPT``/``FOPT`` the option slots of :data:`gandynamics.methods.base.IOPT_SLOTS` / ``FOPT_SLOTS``.
A diverged trajectory is frozen: its offending state is written to ``FINAL``, later distances are NaN.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

__all__ = ["kernel_source", "block_width", "codes", "REASONS", "STOPS", "DEFAULT_NB", "DRIVER_LOCALS", "rule_body"]

#: block width (trajectories evaluated together in the inner loop); a small field whose fused steps are inlined
#: declares a wider one (:data:`gandynamics.codegen.WIDE_BLOCK`)
DEFAULT_NB = 128

#: REASON codes written by the kernels
REASONS = {0: "", 1: "nan", 2: "overflow", 3: "bound", 4: "stepsize", 5: "solve"}

#: the reasons that end a run without it diverging: the method (or the adaptive integrator) could not take its
#: next step -- a singular linear solve of an implicit or Hessian-corrected method, an underflowing step size
STOPS = {"solve": "the method's linear solve failed at this point (a singular matrix)",
         "stepsize": "the adaptive integrator's step size underflowed, or one step needed more than 10^5 sub-steps: "
                     "a stiff solution or a time step far longer than its scale (a smaller step h runs it), or one "
                     "that blows up in finite time where no bound stopped it first"}

_HERE = Path(__file__).parent

#: the driver's locals that an update rule may use (the parameters of its kernel_* functions)
DRIVER_LOCALS = frozenset("""z f a1 a2 a3 a4 ks la hs pb bb k n NW nth nrt zero n_g n_d dfirst alternating la_k maxit
la_alpha c0 c1 c2 USE_BOX BOX BP nout zc pc fc Jc ok""".split())

_STUB = re.compile(r"^# >>> stub\n.*?^# <<< stub\n", re.S | re.M)


def _file(name: str) -> str:
    return _STUB.sub("", (_HERE / name).read_text())


def rule_body(func) -> tuple[str, tuple]:
    """The body of a ``kernel_*`` function (docstring dropped, dedented) and its parameter names."""
    src = textwrap.dedent(inspect.getsource(func))
    tree_lines = src.split("\n")
    # the signature ends at the first line ending with "):" (possibly with a return annotation)
    end = next(i for i, line in enumerate(tree_lines) if re.search(r"\)\s*(->[^:]*)?:\s*$", line))
    body = textwrap.dedent("\n".join(tree_lines[end + 1:])).strip("\n")
    doc = re.match(r'^("""|\'\'\')(.*?)\1\n?', body, re.S)
    if doc:
        body = body[doc.end():]
    params = tuple(inspect.signature(func).parameters)
    bad = set(params) - DRIVER_LOCALS
    if bad:
        raise ValueError(f"{func.__module__}.{func.__name__}: parameters {sorted(bad)} are not driver locals")
    return body.strip("\n"), params


def _indent(text: str, k: int) -> str:
    return "\n".join((" " * k + line) if line.strip() else line for line in text.split("\n"))


def _array(name: str, arr) -> str:
    import numpy as np
    a = np.asarray(arr, dtype=float)
    return f"{name} = np.array({repr(a.tolist())}).reshape({a.shape})"


def codes(rules) -> tuple[dict, dict]:
    """``(CODES, GROUPS)``: each rule's ``CODE`` within its group, and its group."""
    codes, groups, counters = {}, {}, {}
    for name, r in rules.items():
        groups[name] = r.group
        if r.group != "dopri5" and r.step is not None:
            codes[name] = counters.get(r.group, 0)
            counters[r.group] = codes[name] + 1
    return codes, groups


_LOOP_START = " " * 8 + "for k in range(K0 + 1, K + 1):\n"
_LOOP_END = " " * 8 + "# @loop-end"


def _dispatch(steps) -> str:
    """``if CODE == c: <step> elif ...`` over ``steps`` ((code, body) pairs), or ``pass`` for none."""
    return "\n".join(f"{'if' if i == 0 else 'elif'} CODE == {c}:\n" + _indent(body, 4)
                     for i, (c, body) in enumerate(steps)) or "pass"


def _step_loops(text: str, steps, post_txt: str) -> str:
    """The driver ``text`` with its step loop (from ``for k in range(K0 + 1, K + 1):`` to the ``# @loop-end``
    line) holding the dispatch over ``steps`` ((code, body, own_loop) triples) at ``# @step`` and ``post_txt`` at
    ``# @post``; each rule with ``own_loop`` gets a copy of the loop of its own, selected on ``CODE`` outside it
    (:attr:`gandynamics.methods.base.Rule.own_loop`), the others share the one loop."""
    a = text.index(_LOOP_START)
    b = text.index(_LOOP_END, a)
    loop = text[a:b]

    def one(body: str) -> str:
        return (loop.replace(" " * 12 + "pass  # @step", _indent(body, 12))
                .replace(" " * 12 + "pass  # @post", post_txt))

    own = [(c, body) for c, body, o in steps if o]
    shared = one(_dispatch([(c, body) for c, body, o in steps if not o]))
    if not own:
        return text[:a] + shared + text[b:]
    out = []
    for i, (c, body) in enumerate(own):
        out.append(" " * 8 + f"{'if' if i == 0 else 'elif'} CODE == {c}:\n" + _indent(one(body).rstrip("\n"), 4))
    out.append(" " * 8 + "else:\n" + _indent(shared.rstrip("\n"), 4))
    return text[:a] + "\n".join(out) + "\n" + text[b:]


#: a call of the field's block functions over the block's active width ``NW`` (``field_block(z, pb, f, NW)``, the
#: fused steps ``field_step_gd(z, pb, hs, BP, NW)``, ...)
_WIDTH_CALL = re.compile(r"\b(field_block|field_step_\w+)\(([^()]*), NW\)")


def _width_specialised(text: str) -> str:
    """``text`` with each call of a field block function over ``NW`` made two: over the constant ``NB`` when the
    block is full, over ``NW`` otherwise.  The fused steps are inlined into the drivers, and a vector loop of a
    known trip count is faster: with ``NW`` alone the sweep's full blocks ran 7-13 % slower (R1 Dirac-GAN, gd, eg,
    eftp, 100,000 rows, 2026-12-04); with the constant, within 2 %."""
    out = _WIDTH_CALL.sub(lambda m: f"({m.group(1)}({m.group(2)}, NB) if NW == NB else {m.group(1)}({m.group(2)}, NW))",
                          text)
    # every call of a block function over NW is one of the pairs just made: a call the pattern missed (NW given by
    # keyword, spaced, or after an argument with parentheses) would run full blocks with a runtime trip count
    left = re.sub(r"\((field_block|field_step_\w+)\([^()]*, NB\) if NW == NB else \1\([^()]*, NW\)\)", "", out)
    missed = re.search(r"\b(field_block|field_step_\w+)\((?:[^()]|\([^()]*\))*\bNW\b", left)
    if missed:
        raise ValueError(f"kernel_source: a call of {missed.group(1)} over NW not written as field(..., NW) with "
                         f"simple arguments: {missed.group(0)!r}")
    return out


def block_width(source: str) -> int:
    """The block width ``NB`` of a generated module's kernels, read from its source text (``source``: a module of
    :func:`kernel_source`'s kernels appended to a field's generated module); :data:`DEFAULT_NB` when it has none."""
    m = re.search(r"^NB = (\d+)$", source, flags=re.M)
    return int(m.group(1)) if m else DEFAULT_NB


def kernel_source(block_field: str, rules: dict, tableaux: dict, nb: int | None = None) -> str:
    """The text of every integrator kernel, to append to a field's generated module.

    Parameters
    ----------
    block_field : str
        The ``field_block(Z, P, OUT, m)`` source (:func:`gandynamics.codegen.generate_block_source`).
    rules : dict
        name -> :class:`gandynamics.methods.base.Rule`, every compiled update rule (``methods.RULES``).
    tableaux : dict
        ``{"rk4": Tableau, "dopri5": Tableau}`` (:mod:`gandynamics.methods.tableaux`).
    nb : int, optional
        Block width (trajectories per inner loop); default the ``BLOCK_WIDTH`` that ``block_field`` declares
        (:data:`gandynamics.codegen.WIDE_BLOCK` for a small field with inlined steps), or :data:`DEFAULT_NB`.
    """
    if nb is None:
        m = re.search(r"^BLOCK_WIDTH = (\d+)$", block_field, flags=re.M)
        nb = int(m.group(1)) if m and int(m.group(1)) > 0 else DEFAULT_NB
    RK4, DOPRI5 = tableaux["rk4"], tableaux["dopri5"]
    # the kernels inline gandynamics._numeric's sigmoid and exp: the field's generated header, which the kernels are
    # appended to, carries that file's digest (gandynamics.codegen._runtime_digest)
    common = re.sub(r"^NB = 64\b.*$", f"NB = {int(nb)}", _file("common.py"), count=1, flags=re.M)
    parts = [block_field, common,
             _array("_RK_A", RK4.A_array(cols=RK4.stages)), _array("_RK_B", RK4.b_array()),
             _array("_DP_A", DOPRI5.A_array()), _array("_DP_E", DOPRI5.error_weights())]
    driver = _file("driver.py")
    cut = driver.index('@njit(cache=True, nogil=True, error_model="numpy", fastmath=FASTMATH)\ndef run_discrete(')
    parts.append(driver[:cut])
    run = driver[cut:]
    codes_, groups = codes(rules)
    posts = [r.post for r in rules.values() if r.post is not None]
    post_txt = "\n".join(_indent(rule_body(p)[0], 12) for p in posts) or " " * 12 + "pass"
    for group in ("discrete", "adaptive", "implicit"):
        names = [nm for nm, g in groups.items() if g == group and rules[nm].step is not None]
        if not names:
            continue
        init = []
        for nm in names:
            r = rules[nm]
            if r.init is not None:
                init.append(f"{'if' if not init else 'elif'} CODE == {codes_[nm]}:\n" + _indent(rule_body(r.init)[0], 4))
        text = run.replace("def run_discrete(", f"def run_{group}(")
        text = text.replace(" " * 12 + "pass  # @init", _indent("\n".join(init) or "pass", 12))
        text = _step_loops(text, [(codes_[nm], rule_body(rules[nm].step)[0], rules[nm].own_loop) for nm in names],
                           post_txt)
        parts.append(_width_specialised(text))
    parts.append(_file("dopri5.py"))
    return "\n".join(parts)
