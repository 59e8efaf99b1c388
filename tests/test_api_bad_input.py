"""Generated misuse of the public functions (``gandynamics.__all__``): every function that takes a field, and
every keyword whose default is a number or a boolean, with values of each bad kind; the outcome must be a
:class:`GandynamicsError` (never an AttributeError, TypeError or KeyError from inside, never a silent success).

The kinds (each had members before it was fixed at one place):

* the field: ``simulate("dirac", ...)``, ``find_equilibrium(None)`` ended in AttributeError (validate.field at
  every entry point);
* a boolean keyword given a non-boolean (``certify_constants(mean_value="no")`` is truthy): validate.boolean;
* True as a number (``simulate(step=True)`` ran with h = 1, ``certify_constants(order=True)`` with order 1),
  NaN or text: the functions' own float() readings were replaced by validate.real/positive/whole;
* a number read as a count beyond int64 (``sweep(steps=1e308)``: a numpy casting error).
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import gandynamics as gd
from gandynamics import R1, GandynamicsError, VectorField, games


@pytest.fixture(scope="module")
def fld():
    return VectorField(games.dirac(), [R1(gamma=0.3)])


def _calls(fld):
    hopf = VectorField(games.make_game("hopf"))
    return {
        "spectrum": (gd.spectrum, (fld,), {}),
        "find_equilibrium": (gd.find_equilibrium, (fld,), {}),
        "estimate_constants": (gd.estimate_constants, (fld, "ball:1"), {"samples": 50}),
        "certify_constants": (gd.certify_constants, (fld, "ball:1"), {"max_seconds": 2}),
        "check_constants": (gd.check_constants, (fld, "ball:1"), {"mu": 0.1, "max_seconds": 2}),
        "rates": (gd.rates, (fld,), {"methods": "gd", "measure": False}),
        "simulate": (gd.simulate, (fld, "gd", (1, 1), 10, 0.1), {}),
        "sweep": (gd.sweep, (fld, "gd"), {"inits": np.ones((1, 2)), "steps": 10, "step": 0.1, "progress": False}),
        "classify": (gd.classify, (fld,), {}),
        "basin": (gd.basin, (fld,), {"max_seconds": 1}),
        "continuation": (gd.continuation, (fld, "gamma", 0.5, -0.5), {"max_points": 20}),
        "stability_boundaries": (gd.stability_boundaries, (fld, ("gamma", "h"), [(0.02, 2), (0.02, 5)]),
                                 {"method": "gd"}),
        "limit_cycle": (gd.limit_cycle, (hopf, (0.5, 0), 6.0), {"params": {"beta": 0.2}}),
    }


NAMES = ["spectrum", "find_equilibrium", "estimate_constants", "certify_constants", "check_constants", "rates",
         "simulate", "sweep", "classify", "basin", "continuation", "stability_boundaries", "limit_cycle"]


def _with(call, name, value):
    f, args, kw = call
    params = list(inspect.signature(f).parameters)
    i = params.index(name)
    args, kw = list(args), dict(kw)
    if i < len(args):
        args[i] = value
    else:
        kw[name] = value
    return lambda: f(*args, **kw)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [None, "dirac", "bad", 3.0, [1, 2]], ids=repr)
def test_the_field_argument(fld, name, bad):
    call = _calls(fld)[name]
    first = list(inspect.signature(call[0]).parameters)[0]
    with pytest.raises(GandynamicsError, match="takes a VectorField"):
        _with(call, first, bad)()


def test_a_game_is_refused_with_how_to_make_a_field(fld):
    with pytest.raises(GandynamicsError, match=r"simulate takes a VectorField, got a GAN; build one with VectorField"):
        gd.simulate(games.dirac(), "gd", (1, 1), 10, 0.1)


def _documented_type(f, name: str) -> str:
    """The type a docstring gives a parameter (``name : bool or None``), looked up in ``f``'s docstring and, for a
    parameter documented as "see :func:`g`", in ``g``'s."""
    import re
    import sys
    docs = [f.__doc__ or ""]
    mod = sys.modules[f.__module__]
    docs += [getattr(getattr(mod, g, None), "__doc__", "") or "" for g in re.findall(r":func:`~?([\w.]+)`", docs[0])]
    for doc in docs:
        m = re.search(rf"^\s*{name}\s*:\s*(.*)$", doc, re.M)
        if m:
            return m.group(1)
    return ""


def _typed_keywords():
    out = []
    for name in NAMES:
        f = getattr(gd, name)
        for p in inspect.signature(f).parameters.values():
            d = p.default
            if isinstance(d, bool):
                out.append((name, p.name, "bool"))
            elif isinstance(d, (int, float)) and p.name not in ("seed",):
                out.append((name, p.name, "number"))
            elif d is None:  # (a default of None hid the keyword's type from the generator: progress="no")
                doc = _documented_type(f, p.name)
                if re.match(r"bool(,| or None)", doc):
                    out.append((name, p.name, "bool or None"))
                elif doc.startswith("callable"):
                    out.append((name, p.name, "callable"))
    return out


TYPED = _typed_keywords()


def test_the_generator_sees_the_keywords():
    assert ("certify_constants", "mean_value", "bool") in TYPED and ("basin", "rtol", "number") in TYPED
    assert {("check_constants", "progress", "bool or None"), ("basin", "progress", "callable")} <= set(TYPED)
    assert len(TYPED) > 40


@pytest.mark.parametrize("name, kw, kind", TYPED, ids=[f"{n}({k})" for n, k, _ in TYPED])
def test_typed_keywords_refuse_values_of_the_wrong_kind(fld, name, kw, kind):
    call = _calls(fld)[name]
    # (continuation's events is True, False/None (none) or a sequence of event names)
    bads = {"bool": ["yes", 2] + ([] if kw == "events" else [None]), "bool or None": ["no", 2, [1]],
            "callable": ["abc", 3]}.get(kind, [True, "abc", float("nan")])
    for bad in bads:
        with pytest.raises(GandynamicsError):
            _with(call, kw, bad)()


@pytest.mark.parametrize("call", [
    lambda f: gd.sweep(f, "gd", inits="abc", steps=10, step=0.1),
    lambda f: gd.sweep(f, "gd", inits=np.ones((1, 2)), grid=3.0, steps=10, step=0.1),
    lambda f: gd.sweep(f, "gd", inits=np.ones((1, 2)), steps=1e308, step=0.1),
    lambda f: gd.rates(f, methods="gd", measure=False, options=[1, 2]),
    lambda f: gd.rates(f, methods="gd", measure=False, constants="abc"),
    lambda f: gd.continuation(f, "gamma", 0.5, -0.5, method=["gd"]),
    lambda f: gd.continuation(f, "gamma", 0.5, -0.5, events="flip"),        # a map event for the flow
    lambda f: gd.continuation(f, "gamma", 0.5, -0.5, step=0.1),             # the flow has no step
    lambda f: gd.continuation(f, "gamma", 0.5, -0.5, method="gd", step=0.1, beta="abc"),
    lambda f: gd.spectrum(f, which=["LR"]),
    lambda f: gd.spectrum(f, which="SR"),                                  # which without k was ignored
    lambda f: gd.limit_cycle(VectorField(games.make_game("hopf")), (0.5, 0), "abc", {"beta": 0.2}),
    lambda f: gd.limit_cycle(VectorField(games.make_game("hopf")), (0.5, 0), 6.0, {"beta": 0.2}, center="x"),
], ids=["sweep-inits", "sweep-grid", "sweep-steps", "rates-options", "rates-constants", "cont-method",
        "cont-events", "cont-step", "cont-beta", "spectrum-which", "spectrum-which-k", "cycle-period", "cycle-center"])
def test_structured_arguments(fld, call):
    with pytest.raises(GandynamicsError):
        call(fld)


@pytest.mark.slow  # 2.1 s with warm caches on the 2-core CI machine
def test_a_huge_run_starts_at_once_and_stops_on_ctrl_c(fld, monkeypatch):
    # run_rows built the list of its chunk ends before the first step: for 10^15 steps 10^9 integers (minutes
    # and gigabytes, silently); now they are generated as reached.  Ctrl-C (here: in the third chunk) keeps the
    # steps done.
    import tracemalloc

    import gandynamics.runs.engine as engine
    calls = []
    real = engine._run_range

    def run_range(*a, **k):
        calls.append(a[7:9])   # (k0, k1)
        out = real(*a, **k)
        if len(calls) == 3:    # as the engine does: a Ctrl-C during a chunk surfaces once the chunk is whole
            raise KeyboardInterrupt
        return out
    gd.simulate(fld, "gd", (1, 1), 10, 0.1, engine="compiled")   # the kernel loaded before measuring
    monkeypatch.setattr(engine, "_run_range", run_range)
    tracemalloc.start()
    try:
        tr = gd.simulate(fld, "gd", (1, 1), 10**12, 0.1, record_every=10**12, engine="compiled")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert tr.options.get("interrupted") is True
    # (the chunks follow one another; their sizes follow the time they take since session 45: runs.engine.StepChunks)
    assert len(calls) == 3 and calls[0][0] == 0 and all(a[1] == b[0] for a, b in zip(calls, calls[1:]))
    assert tr.steps == calls[-1][1]
    assert peak < 5e6, peak   # the list of the 500_000 chunk ends alone was 18 MB


@pytest.mark.slow  # 1.4 s with warm caches on the 2-core CI machine
def test_the_progress_bar_counts_the_steps(fld, capsys):
    tr = gd.simulate(fld, "gd", (1, 1), 5_000_000, 0.01, record_every=10**6, progress=True, engine="compiled")
    err = capsys.readouterr().err
    assert tr.steps == 5_000_000 and "gd steps" in err and "/5.00M [" in err
    with pytest.raises(GandynamicsError, match=r"^progress must be True, False, None or a function progress\(done, total\), got 'no'$"):
        gd.simulate(fld, "gd", (1, 1), 10, 0.1, progress="no")


def _method_options():
    from gandynamics.methods import METHODS
    return [(m.name, o) for m in METHODS.values() for o in m.options if o.kind in (int, float, bool)]


METHOD_OPTIONS = _method_options()


@pytest.mark.parametrize("method, option", METHOD_OPTIONS, ids=[f"{m}:{o.name}" for m, o in METHOD_OPTIONS])
def test_every_method_option_reads_numbers_as_the_package_does(method, option):
    # Option.coerce read numbers with float(): True ran as 1, and n_g=1e30 passed to the kernel (OverflowError)
    bads = ["yes", 2] if option.kind is bool else [True, "abc", float("nan"), float("inf")] + (
        [1e30, 2.5] if option.kind is int else [])
    for bad in bads:
        with pytest.raises(GandynamicsError, match=option.name):
            option.coerce(bad, method)
    assert option.coerce(None, method) == option.default


@pytest.mark.parametrize("method, opts", [("altgd", {"n_g": 10**18}), ("altgd", {"n_d": 10**7}),
                                          ("lookahead", {"base": "altgd", "n_g": 10**8})])
def test_a_step_that_could_not_be_interrupted_is_refused(fld, method, opts):
    # altgd with n_g=1e18 ran for ever: one step runs inside the kernel, deaf to Ctrl-C and without progress
    for call in (lambda: gd.simulate(fld, method, (1, 1), 10, 0.1, **opts),
                 lambda: gd.sweep(fld, method, inits=np.ones((1, 2)), steps=10, step=0.1, progress=False, **opts)):
        with pytest.raises(GandynamicsError, match=r"field evaluations, more than the limit of 10\^7 per step"):
            call()
    ok = {k: (5 if isinstance(v, int) else v) for k, v in opts.items()}
    assert gd.simulate(fld, method, (1, 1), 10, 0.1, **ok).steps == 10


def test_sweep_progress_function_sees_every_row_locally(fld):
    """``sweep(progress=fn)`` calls ``fn(done, total)`` on the local path too (it was read by its truth there: a bar),
    ending at (total, total), done never decreasing; a forced split into chunks reports each chunk."""
    import numpy as np

    from gandynamics.kernels import block_width
    from gandynamics.runs.module import kernel_module_source
    calls = []
    nb = block_width(kernel_module_source(fld))  # chunks hold whole blocks of the kernels' width: three chunks
    N = 2 * nb + 44
    inits = np.random.default_rng(0).uniform(-1, 1, (N, 2))
    r = gd.sweep(fld, "gd", inits=inits, steps=20, step=0.05, chunk_size=nb, progress=lambda d, t: calls.append((d, t)),
                 engine="compiled")
    assert len(r.columns["rate"]) == N
    done = [d for d, _ in calls]
    assert calls[-1] == (N, N) and all(t == N for _, t in calls) and done == sorted(done) and len(calls) >= 3
    with pytest.raises(GandynamicsError, match=r"^progress must be True, False, None or a function progress\(done, total\), got 'yes'$"):
        gd.sweep(fld, "gd", inits=inits, steps=20, step=0.05, progress="yes")


_WRONG_ARITY = [lambda: None, lambda d: None, lambda a, b, c: None, lambda *, done, total: None]
_RIGHT_ARITY = [lambda d, t: None, lambda *a: None, lambda d, t, extra=1: None, print]


@pytest.mark.parametrize("i", range(len(_WRONG_ARITY)))
def test_a_progress_function_of_another_arity_is_refused_before_any_work(fld, i):
    """A progress function that cannot be called with two positional arguments raised Python's TypeError from
    inside the run, after its first chunk; now one GandynamicsError, up front, saying how it is called."""
    import numpy as np
    fn = _WRONG_ARITY[i]
    with pytest.raises(GandynamicsError, match=r"^progress must be a function called as progress\(done, total\) "):
        gd.sweep(fld, "gd", inits=np.ones((3, 2)), steps=10, step=0.05, progress=fn)
    with pytest.raises(GandynamicsError, match=r"^progress must be a function called as progress\(R_ok, R_fail\) "):
        gd.basin(fld, "gd", 0.1, progress=fn)


@pytest.mark.parametrize("i", range(len(_RIGHT_ARITY)))
def test_progress_functions_that_take_two_positional_arguments_are_accepted(fld, i):
    import numpy as np
    r = gd.sweep(fld, "gd", inits=np.ones((3, 2)), steps=10, step=0.05, progress=_RIGHT_ARITY[i])
    assert len(r.columns["rate"]) == 3


def test_simulate_takes_a_progress_function_as_sweep_does(fld):
    """simulate(progress=f) was refused ('must be true or false') where sweep takes f(done, total): it now calls f
    with the steps done after each chunk, ending at (steps, steps); a function of another arity is refused up front."""
    calls = []
    tr = gd.simulate(fld, "gd", (1, 1), 3_000_000, 1e-6, record_every=10**6, progress=lambda d, t: calls.append((d, t)),
                     engine="compiled")  # (the kernel of test_the_progress_bar_counts_the_steps)
    done = [d for d, _ in calls]
    assert calls and calls[-1] == (3_000_000, 3_000_000) and done == sorted(done) and tr.steps == 3_000_000
    with pytest.raises(GandynamicsError, match=r"^progress must be a function called as progress\(done, total\) "):
        gd.simulate(fld, "gd", (1, 1), 10, 0.1, progress=lambda d: None)


# ---- an empty sequence where at least one value is needed (a new user's trial, session 21: grid={"gamma": []} gave a
# sweep of no row, silently; inits=[] was "got shape (1, 0)")
EMPTY = [[], (), np.array([]), np.empty((0,))]


@pytest.mark.parametrize("empty", EMPTY, ids=["list", "tuple", "array", "empty"])
def test_an_empty_sequence_is_refused_wherever_values_are_needed(fld, empty):
    from gandynamics.validate import vector
    with pytest.raises(GandynamicsError, match="at least one"):
        vector(empty, "x")
    assert vector(empty, "x", n=0).shape == (0,)   # an expected length of 0 is met
    calls = [lambda: gd.sweep(fld, "gd", inits=[[1.0, 1.0]], grid={"gamma": empty}, steps=10, step=0.1),
             lambda: gd.sweep(fld, "gd", inits=[[1.0, 1.0]], grid={"step": empty}, steps=10),
             lambda: gd.sweep(fld, "gd", inits=empty, steps=10, step=0.1),
             lambda: gd.stability_boundaries(fld, ("gamma", "h"), [[0.02, 2.0], [0.02, 5.0]], method="gd", seeds=empty),
             lambda: gd.Tikhonov(anchor=empty)]
    for call in calls:
        with pytest.raises(GandynamicsError, match="at least one"):
            call()


# ---- a list of points where one point is asked (a new user's trial, session 21: [[1, 1]] was flattened and taken)
@pytest.mark.parametrize("shape", [(1, 2), (2, 1), (1, 1, 2)])
def test_a_point_must_be_one_vector(fld, shape):
    pt = np.ones(shape) * 0.5
    calls = [lambda: gd.simulate(fld, "gd", pt, 5, 0.1), lambda: gd.spectrum(fld, at=pt),
             lambda: gd.find_equilibrium(fld, start=pt), lambda: gd.classify(fld, at=pt),
             lambda: fld.eval_F(pt)]
    for call in calls:
        with pytest.raises(GandynamicsError, match=r"a point must be one vector of 2 numbers \(theta, psi\), got an "
                                                   rf"array of shape \({shape[0]}, "):
            call()


def test_options_as_a_dict_to_simulate_says_to_give_keywords():
    """A new user passed simulate(..., options={"beta": -0.5}) as rates takes it: the refusal says what simulate and
    sweep take instead (it read "unknown option(s) options for momentum")."""
    import gandynamics as gd
    fld = gd.VectorField(gd.games.make_game("dirac"))
    for call in (lambda: gd.simulate(fld, "momentum", [1, 1], 5, 0.1, options={"beta": -0.5}),
                 lambda: gd.sweep(fld, "momentum", steps=5, step=0.1, options={"beta": -0.5})):
        with pytest.raises(gd.GandynamicsError, match=r"as keywords \(simulate\(\.\.\., beta=-0\.5\)\)"):
            call()


# (the library's options with a fixed set of values: refused in the one form of every refusal of a name,
# gandynamics.errors.choice_refusal, as the command line's are; "which must be one of ..., got" was another)
def _library_choices():
    from gandynamics.analysis import pep
    yield "which", lambda v: gd.spectrum(VectorField(games.dirac(), [R1()]), k=1, which=v), ("LR", "LM", "SR"), "lr"
    if pep.available():
        yield "measure", lambda v: pep.worst_case("eg", 0.1, 0.5, 1.0, measure=v), ("distance",), "distanse"
        yield "operator", lambda v: pep.worst_case("eg", 0.1, 0.5, 1.0, operator=v), ("cheap", "expensive"), "cheep"


@pytest.mark.parametrize("name, call, accepted, near", list(_library_choices()), ids=lambda x: x if isinstance(x, str) else "")
def test_library_choices_are_refused_in_the_one_form(name, call, accepted, near):
    for bad in ("nonsense", near):
        with pytest.raises(GandynamicsError) as exc:
            call(bad)
        msg = str(exc.value)
        assert msg.startswith(f"unknown {name} {bad!r}; accepted: "), msg
        assert all(a in msg for a in accepted) and "\n" not in msg, msg
        assert ("(did you mean " in msg) == (bad == near), msg
