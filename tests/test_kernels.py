"""The batch driver with the divergence test folded into the fused steps of gd / eg / eftp
(gandynamics.kernels, codegen.generate_block_source): the first bad step is the one a plain NumPy iteration
of the same rule finds, for the fused path and for the fallback paths (projection box, lookahead), and the
compiled states agree with a plain-NumPy reference."""

import math

import numpy as np
import pytest

from gandynamics import R1, VectorField, games, simulate, sweep

from conftest import cubic_quadratic, expanding, sweep_plan  # noqa: E402 (shared fields; the engine's Plan of a sweep)

# the compiled kernels, even for runs that engine="auto" would interpret (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("compiled_engine")

DBL_MAX = 1.7976931348623157e308


EXP = expanding()  # F = (-theta, psi): the overflow tests' field (tests/conftest.py)


def np_F(z):
    return np.array([-z[0], z[1]])


def np_step(method, z, h, past):
    """One step of the plain-NumPy reference (docs/mathematics.md §0.4, §5.2, §5.3); ``past`` the eftp state."""
    if method == "gd":
        return z - h * np_F(z), past
    if method == "eg":
        return z - h * np_F(z - h * np_F(z)), past
    g = np_F(z - h * past)
    return z - h * g, g


def first_bad(method, z0, h, steps, bound):
    z = np.array(z0, float)
    past = np_F(z)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            z, past = np_step(method, z, h, past)
            if not np.all(np.abs(z) <= (bound if bound < math.inf else DBL_MAX)):
                return k, ("nan" if np.any(np.isnan(z)) else "overflow" if np.any(np.isinf(z)) else "bound")
    return -1, ""


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
@pytest.mark.parametrize("bound", [1e6, math.inf])
def test_first_bad_step_is_exact(method, bound):
    h = 1.0  # theta doubles (gd), triples (eg) per step: exact in binary floating point
    k_ref, why = first_bad(method, (1.0, 0.25), h, 2000, bound)
    assert k_ref > 0 and why == ("bound" if bound < math.inf else "overflow")
    tr = simulate(EXP, method, [1.0, 0.25], 2000, h, bound=bound)
    assert tr.diverged and (tr.diverged_at, tr.reason) == (k_ref, why)
    # in a sweep, with a neighbour that does not diverge (smaller step, bound not reached in 2000 steps)
    res = sweep(EXP, method, inits=np.array([[1.0, 0.25], [1e-300, 0.25]]), grid={"step": [h, 1e-4]},
                steps=400 if bound < math.inf else 2000, product=False, bound=bound)
    k2, why2 = first_bad(method, (1e-300, 0.25), 1e-4, 400 if bound < math.inf else 2000, bound)
    assert k2 == -1
    assert res["diverged_at"].tolist() == [k_ref, -1]
    assert res["reason"].tolist() == [why, ""]


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_fallback_paths_flag_the_same_step(method):
    """With a projection box (wide enough never to bind) or a lookahead, the step does not test its own
    state and the driver's separate test runs: the same first step."""
    k_ref, why = first_bad(method, (1.0, 0.25), 1.0, 400, 1e6)
    box = [[-1e300, 1e300], [-1e300, 1e300]]
    tr = simulate(EXP, method, [1.0, 0.25], 400, 1.0, box=box)
    assert (tr.diverged_at, tr.reason) == (k_ref, why)
    # la_alpha = 1: the anchor moves onto the fast weights, so the iterates are the base method's (exact here)
    tr = simulate(EXP, "lookahead", [1.0, 0.25], 400, 1.0, base=method, la_k=3, la_alpha=1.0)
    assert (tr.diverged_at, tr.reason) == (k_ref, why)


@pytest.mark.parametrize("bound", [math.inf, 1e200])
@pytest.mark.parametrize("x0", [1e102, 3e101, -2.5e101, 1.0])
def test_nan_is_flagged_by_the_fused_step(x0, bound):
    """A NaN made inside the field while the state is finite: on tests/conftest.py's polynomial family at
    a = -1, b = 0.5 (F = (-x + 0.5 y + 0 x^3, -0.5 x)), the term 0 * x^3 is 0 * inf = NaN once |x| > 5.6e102,
    while x itself is far from overflowing.  The fused gd / eg / eftp steps flag the run at the step a NumPy
    iteration of the same formula, in the same order, finds (reason "nan", never "overflow"); the start x0 = 1
    grows for 400-570 steps first.  With a finite bound beyond the NaN's point as well (the bound's path).  (The shared family: no field of its own to compile.)"""
    fld = cubic_quadratic(a=-1.0, b=0.5)

    def F(z):
        with np.errstate(invalid="ignore", over="ignore"):
            return np.array([-1.0 * z[0] + 0.5 * z[1] + 0.0 * z[0] ** 3, -0.5 * z[0] + 0.0 * z[1]])

    h = 1.0
    for method in ("gd", "eg", "eftp"):
        z = np.array([x0, 0.0])
        past = F(z)
        k_ref = None
        with np.errstate(invalid="ignore", over="ignore"):
            for k in range(1, 2000):
                if method == "gd":
                    z = z - h * F(z)
                elif method == "eg":
                    z = z - h * F(z - h * F(z))
                else:
                    past = F(z - h * past)
                    z = z - h * past
                if not np.all(np.isfinite(z)):
                    k_ref = k
                    assert np.any(np.isnan(z)) and np.all(np.abs(z[~np.isnan(z)]) < 1e300), (method, k, z)
                    break
        assert k_ref is not None
        tr = simulate(fld, method, [x0, 0.0], 2000, h, bound=bound)
        assert (tr.diverged_at, tr.reason) == (k_ref, "nan"), (method, x0, bound)


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_states_match_the_numpy_reference(method):
    """The R1 Dirac-GAN (docs/mathematics.md §1.7): F = (s psi, gamma psi - s theta), s = sigmoid(-theta psi);
    the compiled sweep (vectorised exp, FMA contraction) against float64 NumPy, rtol = atol = 1e-10 after
    300 steps."""
    rng = np.random.default_rng(3)
    B = 3000
    inits = rng.uniform(-2, 2, (B, 2))
    gam, h = rng.uniform(0, 1, B), rng.uniform(0.01, 0.3, B)
    res = sweep(VectorField(games.dirac(), [R1()]), method, inits=inits, grid={"gamma": gam, "step": h},
                steps=300, product=False)

    def F(th, ps):
        t = -th * ps
        s = np.where(t >= 0, 1 / (1 + np.exp(-np.abs(t))), np.exp(-np.abs(t)) / (1 + np.exp(-np.abs(t))))
        return s * ps, gam * ps - s * th

    th, ps = inits[:, 0].copy(), inits[:, 1].copy()
    g0, g1 = F(th, ps)
    for _ in range(300):
        if method == "gd":
            f0, f1 = F(th, ps)
        elif method == "eg":
            f0, f1 = F(th, ps)
            f0, f1 = F(th - h * f0, ps - h * f1)
        else:
            g0, g1 = F(th - h * g0, ps - h * g1)
            f0, f1 = g0, g1
        th, ps = th - h * f0, ps - h * f1
    np.testing.assert_allclose(res.final, np.column_stack([th, ps]), rtol=1e-10, atol=1e-10)
    assert not res["diverged"].any()


def test_generated_modules_change_with_the_numeric_functions_they_inline(monkeypatch, tmp_path):
    """The generated modules inline _numeric's functions (the pointwise sigmoid, the kernels' sigmoid and exp);
    numba's disk cache keys on the generated file alone, so the file's text must change when _numeric.py does: the
    field's module and the kernel module carry that file's sha256 (and the field cache's key covers _numeric)."""
    import hashlib
    from pathlib import Path

    import gandynamics._numeric as numeric
    from gandynamics.field import _generator_fingerprint
    from gandynamics.runs.module import kernel_module_source
    sha = hashlib.sha256(Path(numeric.__file__).read_bytes()).hexdigest()[:12]
    fld = VectorField(games.dirac(), [R1()])
    assert f"numeric {sha})" in fld.generated_source.splitlines()[0]
    assert kernel_module_source(fld).startswith(fld.generated_source)
    import gandynamics.field as field_module
    before = _generator_fingerprint()
    edited = tmp_path / "_numeric.py"
    edited.write_bytes(Path(numeric.__file__).read_bytes() + b"# edited\n")
    monkeypatch.setattr(numeric, "__file__", str(edited))
    monkeypatch.setattr(field_module, "_FINGERPRINT", None)
    assert _generator_fingerprint() != before  # the field cache's key: a stale generated header is never reused


@pytest.mark.slow  # compiles a module of its own (the called steps), ~12 s cold: in CI's `-m slow` run
@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_called_and_inlined_fused_steps_give_the_same_states(method, monkeypatch):
    """Large fields call their fused steps instead of inlining them (codegen.INLINE_MAX_LINES, compile time):
    both paths give bitwise the same states, NaN/overflow steps included."""
    from gandynamics import codegen
    rng = np.random.default_rng(5)
    inits = rng.uniform(-2, 2, (300, 2))
    kw = dict(inits=inits, grid={"gamma": [0.0, 0.3], "step": [0.2, 3.0]}, steps=200, bound=6.0)
    inlined = sweep(VectorField(games.dirac(), [R1()]), method, **kw)
    monkeypatch.setattr(codegen, "INLINE_MAX_LINES", 0)
    fld = VectorField(games.dirac(), [R1()])
    src = codegen.generate_block_source(fld.F, fld.z, fld.hyper)
    assert 'inline="always"' not in src
    called = sweep(fld, method, **kw)
    np.testing.assert_array_equal(called.final, inlined.final)
    np.testing.assert_array_equal(called["diverged_at"], inlined["diverged_at"])
    assert called["reason"].tolist() == inlined["reason"].tolist() and called["diverged"].any()


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_block_recording_gives_the_general_paths_numbers(method):
    """At a recording step where no column left the bound the driver records the block's distances at once and
    writes them row by row at the end of the block (kernels.driver._gk_record, _gk_flush); with the states
    recorded too (kernels.driver._gk_post, every step's distances written as they come) and with a projection box
    that never binds (the general step and the separate divergence test) the runs are the same: distances,
    final states, divergence steps and reasons bitwise, rows diverging at recording steps and between them, on
    every thread count."""
    import dataclasses

    import numba

    from gandynamics.runs.engine import run_rows
    rng = np.random.default_rng(11)
    B = 700
    inits = rng.uniform(-2, 2, (B, 2))
    grid = {"gamma": rng.uniform(0, 1, B), "step": rng.choice([0.05, 0.2, 1.5, 3.0], B)}
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), method, inits=inits, grid=grid, steps=240, product=False,
                 bound=6.0, samples=41)
    fast = run_rows(plan, 0, B)
    boxed = run_rows(dataclasses.replace(plan, use_box=True, box=np.array([[-1e300, 1e300]] * 2)), 0, B)
    recorded = run_rows(dataclasses.replace(plan, record=True), 0, B)
    nt = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        one = run_rows(plan, 0, B)
    finally:
        numba.set_num_threads(nt)
    at = fast["divat"]
    assert np.isin(at, plan.rec_idx).any() and (~np.isin(at, plan.rec_idx) & (at > 0)).any() and (at < 0).any()
    for name, other in (("boxed", boxed), ("recorded", recorded), ("one thread", one)):
        for key in ("dist", "final", "divat", "reason"):
            np.testing.assert_array_equal(other[key], fast[key], err_msg=f"{name}: {key}")
    assert np.isnan(fast["dist"][at > 0, -1]).all() and np.isfinite(fast["dist"][at < 0]).all()


def test_recorded_distances_are_the_plain_numpy_norms_of_the_recorded_states():
    """Every recorded distance is ``sqrt(sum_i (z_i - z*_i)^2)`` summed left to right in IEEE arithmetic: the
    plain-NumPy norm of the recorded state, bitwise (kernels.driver._gk_record is called from the drivers
    compiled with fastmath={"contract"}; a callee without fastmath of its own inherits it in numba, and the
    contracted sums differed by 1 ulp in about 8% of the samples)."""
    import dataclasses

    from gandynamics.runs.engine import run_rows
    rng = np.random.default_rng(1)
    B = 300
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), "gd", inits=rng.uniform(-2, 2, (B, 2)),
                      grid={"gamma": rng.uniform(0, 1, B), "step": rng.uniform(0.01, 0.3, B)}, steps=100,
                      product=False, samples=101)
    res = run_rows(dataclasses.replace(plan, record=True), 0, B)
    d = res["rec"] - plan.ZSTAR[:, None, :]
    ref = np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1])
    assert np.isfinite(ref).all()
    np.testing.assert_array_equal(res["dist"], ref)  # rtol = atol = 0: bitwise
    fast = run_rows(plan, 0, B)  # the block recording of a sweep (no states)
    np.testing.assert_array_equal(fast["dist"], ref)


@pytest.mark.parametrize("method,step", [("gd", 1.0), ("eftp", 0.5), ("flow", 1.0)])
def test_distances_beyond_1e154_are_finite_where_the_states_are(method, step):
    """Under an infinite bound a run's states grow past 1e154 while finite; their sum of squares overflowed and the
    recorded distances were inf (bilinear gd: 978 of 2,000 'inf' beside states up to 1e301).  The recorded distance
    is math.hypot of the recorded state (Python's overflow-free norm, a separate computation) to 2 ulps, inf only
    where the state itself is infinite; below 1e154 the plain sum's bits."""
    import math
    tr = simulate(EXP, method, [1.0, 0.25], 1500, step, bound=math.inf)
    states, dist = np.asarray(tr.states), np.asarray(tr.distance)
    big = np.isfinite(states).all(axis=1) & (np.abs(states).max(axis=1) > 1e160)
    assert big.sum() >= 10, big.sum()
    ref = np.array([math.hypot(*z) for z in states])
    fin = np.isfinite(states).all(axis=1)
    np.testing.assert_allclose(dist[fin], ref[fin], rtol=4.5e-16, atol=0)
    assert np.all(np.isinf(dist[~fin]) | np.isnan(dist[~fin]))
    small = fin & (np.abs(states).max(axis=1) < 1e150)
    np.testing.assert_array_equal(dist[small], np.sqrt((states[small] ** 2).sum(axis=1)))


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_a_run_in_chunks_of_steps_is_the_run_in_one_call(method):
    """A run cut into chunks of steps (run_rows(step_chunk=...): simulate's chunks of ~2e6 steps, so that Ctrl-C
    keeps the finished steps) is the run in one call, bitwise, also when the next recording step lies beyond
    the chunk's end (a tight loop of fused steps tried in session 6 ran on to it: review 6)."""
    from gandynamics.runs.engine import run_rows
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), method, inits=[[1.0, 0.5], [0.3, -0.2]],
                      grid={"gamma": [0.1, 0.5], "step": [0.01, 0.1]}, steps=100, samples=5)
    from gandynamics.runs.validate import sample_steps
    assert plan.rec_idx.tolist() == sample_steps(100, 5).tolist()
    assert all(k % 7 for k in plan.rec_idx[1:-1])  # chunks of 7 steps end between recording steps
    whole = run_rows(plan, 0, plan.rows)
    parts = run_rows(plan, 0, plan.rows, step_chunk=7)
    for key in ("final", "dist", "divat", "reason"):
        np.testing.assert_array_equal(parts[key], whole[key], err_msg=key)  # rtol = atol = 0: bitwise



@pytest.mark.parametrize("engine", ["interpreted", "compiled"])
def test_a_run_in_chunks_of_steps_whose_rows_all_died_is_the_run_in_one_call(engine):
    """A block whose columns have all diverged stops its step loop at the next recording step (nothing left to
    step); in a chunk of steps that is not the run's last, the recording steps after it within the chunk were left
    unwritten (np.empty's garbage, 0.0 or 5e-313, where the one-call run has NaN), since the next chunk resumes
    after the chunk's end. Rows diverging at steps 1..8, chunks of 7 and 13 steps, both engines: bitwise."""
    import dataclasses

    from gandynamics.runs.engine import run_rows
    B = 6
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), "gd", inits=np.full((B, 2), 0.5),
                      grid={"gamma": np.full(B, 0.1), "step": [10.0, 8.0, 12.0, 20.0, 40.0, 80.0]}, steps=40, samples=9,
                      product=False, bound=8.0)
    plan = dataclasses.replace(plan, engine=engine)
    from gandynamics.runs.validate import sample_steps
    assert plan.rec_idx.tolist() == sample_steps(40, 9).tolist() and plan.rec_idx[2] > 8  # 0, a step <= 8, then later
    whole = run_rows(plan, 0, B)
    assert (whole["divat"] >= 1).all() and (whole["divat"] <= 8).all(), whole["divat"]  # all die in the first chunk
    assert np.isnan(whole["dist"][:, 2:]).all()
    for chunk in (7, 13):
        parts = run_rows(plan, 0, B, step_chunk=chunk)
        for key in ("final", "dist", "divat", "reason"):
            np.testing.assert_array_equal(parts[key], whole[key], err_msg=f"{key} chunk {chunk}")  # bitwise, NaN = NaN

def test_run_rows_refuses_result_arrays_too_small_for_the_rows():
    """runs.engine.run_rows(out=...) hands slices of ``out`` to compiled kernels that do not check bounds: arrays
    without room for rows [lo, hi) -- as from alloc(plan, m, dist=False) used without then= -- are refused
    (the kernels wrote past the end of an empty distance array: heap corruption, a crash later)."""
    from gandynamics.runs.engine import alloc, run_rows
    plan = sweep_plan(VectorField(games.dirac(), [R1()]), "gd", inits=[[1.0, 0.5]], grid={"gamma": [0.1, 0.5, 0.9]},
                      step=0.1, steps=10)
    with pytest.raises(ValueError, match="dist"):
        run_rows(plan, 0, plan.rows, alloc(plan, plan.rows, dist=False))
    with pytest.raises(ValueError, match="final"):
        run_rows(plan, 0, plan.rows, alloc(plan, plan.rows - 1))
    out = alloc(plan, plan.rows, dist=False)  # with then= the distances go to scratch blocks: accepted
    run_rows(plan, 0, plan.rows, out, then=lambda r0, r1, d: None)
    assert (out["divat"] == -1).all() and np.isfinite(out["final"]).all()


def test_every_numba_function_of_the_kernels_states_its_fastmath_flags():
    """numba compiles a called function that sets no ``fastmath`` with its caller's flags, and keeps the first
    compiled version: a helper called from the drivers (contract) and from elsewhere would give numbers that
    depend on which caller compiled it first (review 6 found the recorded distances FMA-contracted that way).
    Every numba function of the kernel sources therefore states its flags."""
    import ast
    from pathlib import Path

    import gandynamics.kernels as K
    missing = []
    for name in ("driver.py", "common.py", "dopri5.py"):
        tree = ast.parse((Path(K.__file__).parent / name).read_text())
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for dec in fn.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "id", "") == "njit":
                    if not any(k.arg == "fastmath" for k in dec.keywords):
                        missing.append(f"{name}:{fn.name}")
    assert not missing, missing


@pytest.mark.parametrize("method", ["gd", "eg", "eftp"])
def test_columns_near_the_bound_are_not_flagged_and_the_first_step_beyond_it_is(method):
    """The fused steps test one sum |x| + |y| per column (codegen: a superset of the columns with a coordinate
    beyond the bound, NaN or inf); the driver's exact test decides.  On the rotation F = (y, -x), started where
    |x| + |y| exceeds the bound for many steps while both coordinates stay within it, no column dies early, and
    each run ends at the first step where a coordinate leaves the bound, as a plain NumPy iteration finds."""
    fld = cubic_quadratic(b=1.0)  # F = (y, -x)
    h, bound, steps = 0.05, 1.0, 600
    inits = np.array([[0.6, 0.6], [0.7, -0.2], [0.1, 0.05], [-0.5, 0.69]])

    def F(z):
        return np.array([z[1], -z[0]])

    want, near = [], 0
    for z0 in inits:
        z, past = z0.copy(), F(z0)
        k_bad = -1
        for k in range(1, steps + 1):
            if method == "gd":
                z = z - h * F(z)
            elif method == "eg":
                z = z - h * F(z - h * F(z))
            else:
                past = F(z - h * past)
                z = z - h * past
            if np.max(np.abs(z)) > bound:
                k_bad = k
                break
            near += np.sum(np.abs(z)) > bound  # a step the sum flags although no coordinate is beyond the bound
        want.append(k_bad)
    assert near > 100  # the driver's exact test ran on those steps and let the columns live
    res = sweep(fld, method, inits=inits, step=h, steps=steps, product=False, bound=bound, engine="compiled")
    assert res["diverged_at"].tolist() == want
    assert res["reason"].tolist() == ["bound" if w > 0 else "" for w in want]


def test_a_rules_own_step_loop_gives_the_shared_loops_numbers():
    """Rule.own_loop copies the driver's step loop for that rule (kernels._step_loops): every rule of the three
    driver groups run in a loop of its own and in the one shared loop gives bitwise the same distances, final
    states, divergence steps and reasons (rows converging, diverging at and between recording steps, a
    lookahead post-step and a projection box), on the interpreted engine (the same source text numba compiles)."""
    import dataclasses

    from gandynamics import codegen
    from gandynamics.kernels import kernel_source
    from gandynamics.methods import RULES
    from gandynamics.methods.tableaux import TABLEAUX
    from gandynamics.runs.engine import run_rows

    fld = VectorField(games.dirac(), [R1()])
    block = codegen.generate_block_source(fld.F, fld.z, fld.hyper)

    def source(own):
        rules = {nm: dataclasses.replace(r, own_loop=own(nm)) for nm, r in RULES.items()}
        return fld.generated_source + "\n\n" + kernel_source(block, rules, TABLEAUX) + "\n"

    stepped = [nm for nm, r in RULES.items() if r.step is not None and r.group != "dopri5"]
    shared, every, alternate = source(lambda nm: False), source(lambda nm: True), \
        source(lambda nm: stepped.index(nm) % 2 == 0 if nm in stepped else False)
    loops = "for k in range(K0 + 1, K + 1):"
    assert every.count(loops) == shared.count(loops) + len(stepped)  # a loop per rule beside each group's shared one
    rng = np.random.default_rng(3)
    B = 9
    inits = rng.uniform(-2, 2, (B, 2))
    grid = {"gamma": rng.uniform(0, 1, B), "step": np.array([0.05, 0.2, 1.5, 3.0, 0.1, 0.7, 2.5, 0.3, 5.0])}
    cases = [("gd", {}), ("eg", {}), ("eftp", {}), ("ogda", {}), ("momentum", {"beta": -0.3}), ("altgd", {}),
             ("adam", {}), ("rmsprop", {}), ("eag", {}), ("flow", {"scheme": "rk4"}), ("ftr", {}),
             ("proximal", {}), ("lookahead", {"base": "gd", "la_k": 3})]
    covered = set()
    for method, opts in cases:
        plan = dataclasses.replace(sweep_plan(fld, method, inits=inits, grid=grid, steps=40, product=False, bound=8.0,
                                              samples=9, **opts), engine="interpreted")
        covered |= set(plan.kernels)
        for box in (False, True):
            p = plan if not box else dataclasses.replace(plan, use_box=True, box=np.array([[-1.5, 1.5]] * 2))
            ref = run_rows(dataclasses.replace(p, source=shared), 0, B)
            for src in (every, alternate):
                got = run_rows(dataclasses.replace(p, source=src), 0, B)
                for key in ("final", "dist", "divat", "reason"):
                    np.testing.assert_array_equal(got[key], ref[key], err_msg=f"{method} {opts} box={box} {key}")
            if not box:
                assert ref["divat"].max() >= 0 or method in ("ftr", "proximal", "flow"), method  # some rows diverge
    assert set(stepped) <= covered, sorted(set(stepped) - covered)


@pytest.mark.slow  # compiles the Dirac-GAN's kernels at a second block width (about 10 s a group with cold caches)
def test_the_block_width_changes_no_number():
    """The kernels of the R1 Dirac-GAN at its own block width (codegen.WIDE_BLOCK: a small field with inlined steps)
    and at the default DEFAULT_NB give bitwise the same states, distances, divergence steps and reasons, for the
    methods of the discrete and adaptive groups, with a partial block and diverging rows: no value crosses from one
    column to another, whatever the width.  (proximal, of the implicit group, passed here but in one CI run differed by
    up to 1.4e-11 relative between the widths, so the implicit group is not held to it.  Its Newton solves stop at a
    tolerance of 1e-12: one bit of difference in an iterate shows as ~1e-12 in the state.  Not the loop interleave:
    proximal, ftr and flow gave bitwise the same numbers at both widths from empty caches, and proximal at interleave
    4 and 0, each in a fresh process (2026-12-04); which compilation in that run gave other bits is not known.)"""
    import dataclasses

    from gandynamics import codegen
    from gandynamics.kernels import DEFAULT_NB, block_width
    from gandynamics.runs import engine
    from gandynamics.runs.module import kernel_module_source

    fld = VectorField(games.dirac(), [R1()])
    rng = np.random.default_rng(5)
    B = 700  # (a multiple of neither width)
    inits = rng.uniform(-3, 3, (B, 2))
    narrow = kernel_module_source(fld, DEFAULT_NB)
    for method in ("gd", "eg", "eftp", "ogda", "momentum", "eag"):
        plan = sweep_plan(fld, method, inits=inits, grid={"gamma": rng.uniform(0, 1, B), "step": rng.uniform(0.01, 2.5, B)},
                          steps=200, product=False, bound=4.0)
        assert block_width(plan.source) == codegen.WIDE_BLOCK != DEFAULT_NB == block_width(narrow)
        a = engine.run_rows(plan, 0, B)
        b = engine.run_rows(dataclasses.replace(plan, source=narrow), 0, B)
        assert (a["divat"] >= 0).any() and (a["divat"] < 0).any(), method
        for key in ("final", "dist", "divat", "reason"):
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{method} {key}")


@pytest.mark.slow  # compiles the Dirac-GAN's kernels twice more (about 10 s each with cold caches)
def test_interleaved_kernels_give_the_same_numbers_bitwise():
    """The kernels of a module that declares LOOP_INTERLEAVE = 4 (the R1 Dirac-GAN: its steps evaluate the logistic
    function) give bitwise the states, distances and divergence steps of the same module compiled with the cost
    model's interleave (the declaration set to 0: another module), for gd, eg and eftp, diverging rows included."""
    import dataclasses

    from gandynamics.runs import engine

    fld = VectorField(games.dirac(), [R1()])
    rng = np.random.default_rng(3)
    B = 700  # (not a multiple of the block width: a partial block)
    inits = rng.uniform(-3, 3, (B, 2))
    for method in ("gd", "eg", "eftp"):
        plan = sweep_plan(fld, method, inits=inits, grid={"gamma": rng.uniform(0, 1, B), "step": rng.uniform(0.01, 2.5, B)},
                          steps=300, product=False, bound=4.0)  # (steps up to 2.5 and a bound of 4: rows that leave it)
        assert "\nLOOP_INTERLEAVE = 4\n" in plan.source
        plain = dataclasses.replace(plan, source=plan.source.replace("\nLOOP_INTERLEAVE = 4\n", "\nLOOP_INTERLEAVE = 0\n"),
                                    engine="compiled")
        a = engine.run_rows(dataclasses.replace(plan, engine="compiled"), 0, B)
        b = engine.run_rows(plain, 0, B)
        assert (a["divat"] >= 0).any() and (a["divat"] < 0).any()
        for key in ("final", "dist", "divat", "reason"):
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{method} {key}")


@pytest.mark.parametrize("field, methods", [  # (the default pass: kernels other tests compile too; the rest -m slow)
    ("dirac-r1", ("gd", "eg", "eftp", "flow")),  # (the Dirac-GAN's implicit kernel, 2.5 s cold, only in -m slow)
    pytest.param("dirac-r1", ("altgd", "ogda", "momentum", "eag", "adam", "rmsprop", "lookahead", "ftr", "proximal"),
                 marks=pytest.mark.slow),
    pytest.param("dirac-nd", ("gd", "eg", "eftp"), marks=pytest.mark.slow),
    pytest.param("dirac-r1-box", ("gd", "eg", "eftp", "altgd", "momentum"), marks=pytest.mark.slow)])
def test_a_rows_numbers_do_not_depend_on_how_many_rows_run_beside_it(field, methods):
    """A block steps only its active width NW (its rows rounded up to kernels.common.LANES columns; one trajectory
    stepped all 256 columns: 7x slower).  Rows run alone, in blocks narrower than a vector iteration, of exactly LANES,
    of one more, and within a full block give bitwise the same states, distances, divergence steps and reasons, on a
    small field with inlined fused steps (the Dirac-GAN, WIDE_BLOCK) and a 6-parameter one (DEFAULT_NB, called
    steps), diverging rows included."""
    import dataclasses

    from gandynamics.kernels import block_width
    from gandynamics.kernels.common import LANES  # noqa: F401 (read below through the module's source)
    from gandynamics.runs import engine

    fld = VectorField(games.dirac(), [R1()]) if field != "dirac-nd" else VectorField(games.dirac_nd(3), [R1(gamma=0.5)])
    rng = np.random.default_rng(11)
    B = 300
    inits = rng.uniform(-3, 3, (B, fld.n))
    box = {"box": {"psi": (-1.0, 1.0)}} if field.endswith("box") else {}  # (the projection's columns too: --clip)
    for method in methods:
        plan = sweep_plan(fld, method, inits=inits, grid={"step": rng.uniform(0.01, 1.5, B)}, steps=120, product=False,
                          bound=6.0, **box)
        assert bool(plan.use_box) == bool(box)
        plan = dataclasses.replace(plan, engine="compiled")
        lanes = int(next(ln for ln in plan.source.splitlines() if ln.startswith("LANES = ")).split()[2])
        nb = block_width(plan.source)
        whole = engine.run_rows(plan, 0, B)
        assert (whole["divat"] < 0).any() and ((whole["divat"] >= 0).any() or method in ("proximal", "flow")), method
        for lo, hi in [(5, 6), (7, 7 + lanes - 3), (30, 30 + lanes), (50, 51 + lanes), (100, 103 + 2 * lanes),
                       (B - min(nb, B) + 1, B)]:
            part = engine.run_rows(plan, lo, hi)
            for key in ("final", "dist", "divat", "reason"):
                np.testing.assert_array_equal(part[key], whole[key][lo:hi], err_msg=f"{method} rows {lo}:{hi} {key}")


def test_every_call_of_a_block_function_over_the_active_width_is_specialised_or_refused():
    """kernels._width_specialised: a call field_X(..., NW) becomes the pair over the constant NB (a full block) and
    NW; a call it cannot rewrite (NW by keyword, spaced, an argument with parentheses) is refused, not left to run
    full blocks with a runtime trip count."""
    from gandynamics.kernels import _width_specialised
    assert _width_specialised("c_ = field_step_gd(z, pb, hs, BP, NW)") == \
        "c_ = (field_step_gd(z, pb, hs, BP, NB) if NW == NB else field_step_gd(z, pb, hs, BP, NW))"
    for bad in ("field_block(z, pb, f, m=NW)", "field_block(np.asarray(z), pb, f, NW)", "field_step_gd(z, pb, hs, BP, NW )"):
        with pytest.raises(ValueError, match="over NW"):
            _width_specialised(bad)
