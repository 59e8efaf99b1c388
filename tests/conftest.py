import functools
import gc
import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")


import pytest  # noqa: E402


@pytest.fixture
def compiled_engine(monkeypatch):
    """Run simulate/sweep on the compiled kernels even where ``engine="auto"`` would interpret a short run
    (gandynamics.runs.engine.choose_engine): the tests of the numeric core test the compiled kernels against
    their references; tests/test_interpreted_engine.py checks the interpreter against them."""
    monkeypatch.setenv("GANDYNAMICS_ENGINE", "compiled")


@pytest.fixture
def count_calls(monkeypatch):
    """``count_calls(owner, name, when=None)``: replaces ``owner.name`` (a function of a module, or a method of a
    class) for the test by one that counts its calls (those for whose arguments ``when`` is true) and returns the
    one-element list holding the count.  The tests of costs count operations with it, not seconds."""
    def count(owner, name, when=None):
        calls = [0]
        real = getattr(owner, name)

        def counted(*args, **kw):
            if when is None or when(*args, **kw):
                calls[0] += 1
            return real(*args, **kw)
        monkeypatch.setattr(owner, name, counted)
        return calls
    return count


@functools.lru_cache(maxsize=None)
def cli_run(capsys, *argv):
    """``(exit status, standard output, standard error)`` of ``gandynamics ARGV`` run in this process."""
    from gandynamics.cli import main
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def cubic_quadratic(a: float = 0.0, b: float = 0.0, c: float = 0.0, d: float = 0.0):
    """The one 2-parameter polynomial game of the kernel tests, as a VectorField whose hyperparameters
    ``a, b, c, d`` have these defaults:

        L_G = a x^2/2 + b x y + d x^4/4,   L_D = c y^2/2 - b x y,
        F(x, y) = (a x + b y + d x^3, -b x + c y),   DF = [[a + 3 d x^2, b], [-b, c]],   equilibrium (0, 0).

    Defaults are not part of the generated source (only the expressions are), so every member -- the
    rotation F = (y, -x) (b = 1), the quadratic game (d = 0), F = -z (a = c = -1), F = (x^3, y) (d = c = 1),
    the stiff (lam (x + 4 x^3), y) (a = lam, d = 4 lam, c = 1), any linear A = [[a, b], [-b, c]] -- runs on
    ONE compiled kernel module, each kernel group (discrete, adaptive, implicit, dopri5) compiled once per
    cold cache instead of once per field.

    Not for overflow tests: with d = 0 the term d x^3 is 0 * inf = NaN once |x| > 5.6e102, so a run that
    should overflow to inf reports NaN earlier (the overflow tests run on :func:`expanding` instead; the NaN
    tests use this very NaN: one made by the field at a finite state).  Rounding: hyperparameters are runtime
    numbers, so a hand-written reference must compute ``a x + b y + d x^3`` in that order to match bit for bit."""
    import sympy as sp

    from gandynamics import VectorField
    from gandynamics.game import Game
    x, y = sp.symbols("x y", real=True)
    A, B, C, D = sp.symbols("a b c d", real=True)
    game = Game(theta=[x], psi=[y], loss_g=A * x**2 / 2 + B * x * y + D * x**4 / 4, loss_d=C * y**2 / 2 - B * x * y,
                hyper={A: a, B: b, C: c, D: d}, equilibrium=(0, 0), name="cubic-quadratic")
    return VectorField(game, [])


@functools.lru_cache(maxsize=None)
def expanding():
    """The overflow tests' field: L_G = -theta^2/2, L_D = psi^2/2, F = (-theta, psi), equilibrium (0, 0); gd
    multiplies theta by 1 + h and psi by 1 - h (exactly, at h = 1: theta doubles).

    A field of its own, not :func:`cubic_quadratic` at a = -1, c = 1: an overflow test needs a state to reach
    inf, and the family's 0 * x^3 is NaN once |x| > 5.6e102 (its -0 * x in F_y once eg's extrapolation
    overflows), which ends such runs earlier with reason "nan".  Shared by tests/test_kernels.py,
    tests/test_simulate.py and tests/test_interpreted_engine.py: one compiled module."""
    import sympy as sp

    from gandynamics import VectorField
    from gandynamics.game import Game
    a, b = sp.symbols("a b", real=True)
    return VectorField(Game(theta=[a], psi=[b], loss_g=-a**2 / 2, loss_d=b**2 / 2, equilibrium=(0, 0)), [])


@functools.lru_cache(maxsize=None)
def four_parameter_game():
    """The kernel tests' field on more than two coordinates (tests/test_methods_new.py,
    tests/test_interpreted_engine.py: one compiled module), as a Game:

        L_G = x y + u v + (x^2 + u^2)/10 + x^2 y/5,   L_D = -(x y + u v) + (y^2 + v^2)/2 + y v/4,   equilibrium 0."""
    import sympy as sp

    from gandynamics.game import Game
    x, y, u, v = sp.symbols("x y u v")
    return Game(theta=[x, u], psi=[y, v],
                loss_g=x * y + u * v + sp.Rational(1, 10) * (x**2 + u**2) + x**2 * y / 5,
                loss_d=-(x * y + u * v) + sp.Rational(1, 2) * (y**2 + v**2) + y * v / 4,
                equilibrium=(0, 0, 0, 0))


@functools.lru_cache(maxsize=None)
def method_fields():
    """name -> VectorField: the fields every method's kernels are checked on (tests/test_methods_new.py against
    NumPy references, tests/test_interpreted_engine.py against the interpreter): the sigmoid R1 Dirac-GAN, the
    4-parameter game, and a monotone member of the polynomial family with an invertible discriminator block (for
    FTR), whose kernels of every group the kernel tests compile anyway."""
    from gandynamics import R1, VectorField, games
    return {"dirac+r1": VectorField(games.dirac(), [R1(gamma=0.3)]), "game4": VectorField(four_parameter_game(), []),
            "family": cubic_quadratic(a=0.3, b=1.0, c=0.2, d=0.1)}


def _shared_compiles():
    """The compiled code that tests of many modules share, as ``(CPU seconds, what, compile)`` triples: the
    reading of runs and the kernel drivers of the shared fields (CPU seconds of each first compile on the two-core
    CI machine with cold caches, 2026-12-01, studies/RESULTS_tests.md)."""
    import numpy as np

    from gandynamics import simulate

    def run(fld, method, **opts):
        return lambda: simulate(fld, method, [0.1] * fld.n, 2, 0.1, engine="compiled", progress=False, **opts)

    def reading():
        from gandynamics.verdict import _compile_reading_once
        _compile_reading_once(np.arange(3.0))  # recording steps as the runs pass them (float64)

    dirac, game4, family = method_fields()["dirac+r1"], method_fields()["game4"], cubic_quadratic()
    return [(13.2, "the reading of runs", reading),
            (14.7, "expanding(): discrete methods", run(expanding(), "gd")),
            (13.1, "the R1 Dirac-GAN: discrete methods", run(dirac, "gd")),
            (12.3, "the 4-parameter game: discrete methods", run(game4, "gd")),
            (11.2, "the polynomial family: discrete methods", run(family, "gd")),
            (6.5, "the polynomial family: implicit methods", run(family, "proximal")),
            (5.6, "the polynomial family: adaptive methods", run(family, "eag")),
            (3.4, "the polynomial family: dopri5", run(family, "flow", scheme="dopri5")),
            (2.8, "the R1 Dirac-GAN: dopri5", run(dirac, "flow", scheme="dopri5"))]


@pytest.fixture(scope="session", autouse=True)
def _compile_shared_code_once_per_worker_share(request):
    """With cold caches, split the compiles that tests of many modules share between the xdist workers of a whole
    run, each worker compiling its share (longest first, to the least loaded worker) before its first test.

    Without it both workers start on tests that need the same kernel: one compiles it, the other waits for the
    first one's lock (gandynamics.codegen.first_call_once), a core idle for 13 s at a time (twice in a cold run on
    the CI machine, 2026-12-01).  Runs of a few files (under 500 tests) or in one process skip it: they compile
    only what their tests need.  With warm caches each compile is a load from numba's disk cache."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    me = os.environ.get("PYTEST_XDIST_WORKER", "")
    if workers < 2 or not me.startswith("gw") or len(request.session.items) < 500:
        return
    load = [0.0] * workers
    mine = []
    for cost, what, compile_ in sorted(_shared_compiles(), key=lambda job: -job[0]):
        w = load.index(min(load))
        load[w] += cost
        if w == int(me[2:]):
            mine.append(compile_)
    for compile_ in mine:
        try:
            compile_()
        except Exception:  # noqa: BLE001 -- a compile that fails fails again, reported, in the tests that need it
            pass


def pytest_runtest_setup(item):
    """With ``GANDYNAMICS_TEST_DEADLINE`` set (seconds since the epoch), a test not started by then is skipped, saying
    why: CI (``.ci/run``) runs the tests marked slow in what is left of its 20 minutes, as many as fit on the machine
    at hand (on a machine half as fast as the one they were sized on, they alone took 17.5 minutes)."""
    deadline = os.environ.get("GANDYNAMICS_TEST_DEADLINE")
    if deadline and time.time() > float(deadline):
        pytest.skip("left out: the time CI gives this pass was spent (GANDYNAMICS_TEST_DEADLINE)")


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    """Collect with CPython's cyclic garbage collector paused, then freeze what collection built (the imported
    libraries, the test items, the module-level fields) so that no later collection walks it again.  Each full
    collection otherwise walks every object sympy, numba and scipy hold: collection alone took 10 s instead of
    13-14 s per worker, and a cold default pass 342 s of CPU instead of 363 s in one pair of runs, at the edge of
    the host's noise (studies/RESULTS_tests.md, session 20).  New objects are collected as before."""
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.freeze()
        gc.enable()


def sweep_plan(fld, method, **kw):
    """The engine's Plan of ``sweep(fld, method, **kw)``, compiled kernels."""
    from gandynamics.runs.sweep import sweep_plan as plan_of
    return plan_of(fld, method, engine="compiled", **kw)


@pytest.fixture(scope="module")
def stopped_sweep():
    # the proximal point method on F(z) = -z: z+ = z / (1 - h); at h = 1 the linear solve is singular (a stop),
    # h = 2 flips the sign every step (an orbit): one row stopped, one bounded, none diverged
    import sympy as sp

    from gandynamics import Game, VectorField, sweep
    x, y = sp.symbols("x y", real=True)
    fld = VectorField(Game([x], [y], -x**2 / 2, -y**2 / 2, equilibrium=(0, 0)))
    res = sweep(fld, "proximal", inits=[[1.0, 1.0]], grid={"step": [1.0, 2.0]}, steps=50, progress=False)
    assert list(res["verdict"]) == ["stopped", "bounded, not converging"]
    return fld, res


def paren_depth(text: str) -> int:
    """The deepest nesting of parentheses in ``text`` (a message or a verdict nests none: tests of their wording)."""
    d = deepest = 0
    for ch in text:
        d += (ch == "(") - (ch == ")")
        deepest = max(deepest, d)
    return deepest


@pytest.fixture
def saved_figures(monkeypatch):
    """The figures the command line writes (gandynamics.io.atomic_savefig), still written: a list of ``(path, title,
    lines, key)`` of each figure's first axes, ``lines`` its ``(linestyle, x, y)`` and ``key`` its legend's texts."""
    import numpy as np

    import gandynamics.io as gio
    real, seen = gio.atomic_savefig, []

    def keep(fig, path, **kw):
        seen.append((str(path), fig.axes[0].get_title(), [(ln.get_linestyle(), np.asarray(ln.get_xdata(), float),
                                                          np.asarray(ln.get_ydata(), float)) for ln in fig.axes[0].lines],
                     [t.get_text() for t in fig.axes[0].get_legend().get_texts()]))
        return real(fig, path, **kw)
    monkeypatch.setattr(gio, "atomic_savefig", keep)
    return seen

