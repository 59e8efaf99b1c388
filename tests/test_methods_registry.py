"""The method registry is complete, the kernels are real source, and the Runge--Kutta tableaux satisfy their
conditions (exact rationals); the adaptive flow shrinks its step on a stiff finite flow; a long simulate
stops on Ctrl-C keeping what finished."""

import inspect
from fractions import Fraction

import numpy as np
import pytest

from gandynamics import GandynamicsError, VectorField, simulate
from gandynamics.kernels import DRIVER_LOCALS, rule_body
from gandynamics.methods import METHODS, RULES
from gandynamics.methods.tableaux import TABLEAUX, conditions

from conftest import cubic_quadratic  # the kernel tests' polynomial game (one compiled module)

# the compiled kernels, even for runs that engine="auto" would interpret (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("compiled_engine")


@pytest.mark.parametrize("name", list(METHODS))
def test_every_method_declares_every_piece(name):
    m = METHODS[name]
    assert m.summary and m.formula and m.reference
    assert m.rules and all(r.group in ("discrete", "adaptive", "implicit", "dopri5") for r in m.rules)
    for r in m.rules:
        if r.group != "dopri5":
            assert r.step is not None or r.post is not None  # an update rule, or a hook on a base's (lookahead)
            for fn in (r.step, r.init, r.post):
                if fn is not None:
                    body, params = rule_body(fn)
                    assert body.strip() and set(params) <= DRIVER_LOCALS
    for o in m.options:
        assert o.help and o.kind in (int, float, bool, str)
        assert o.coerce(None, name) == o.default or o.kind is bool
    assert (m.iteration_matrix is not None) != bool(m.no_matrix)  # a matrix, or the reason why there is none
    if m.bound is not None:
        assert m.bound_reference and m.theory_step is not None
    o = m.normalise(None, {})
    assert m.evaluations(o) >= 1 and m.jacobians(o) >= 0


def test_rule_names_are_unique_and_every_rule_belongs_to_a_method():
    names = [r.name for m in METHODS.values() for r in m.rules]
    assert len(names) == len(set(names)) == len(RULES)


def test_kernel_files_are_real_source():
    import gandynamics.kernels.common as common
    import gandynamics.kernels.driver as driver
    import gandynamics.kernels.dopri5 as dopri5
    for mod in (common, driver, dopri5):
        src = inspect.getsource(mod)
        compile(src, mod.__file__, "exec")
    assert "def run_discrete(" in inspect.getsource(driver) and "pass  # @step" in inspect.getsource(driver)


@pytest.mark.parametrize("name", list(TABLEAUX))
def test_tableau_conditions_hold_exactly(name):
    t = TABLEAUX[name]
    c = conditions(t)
    assert all(r == 0 for r in c["row_sums"])           # row sums equal the nodes
    assert c["weights"] == 0                             # weights sum to one
    if t.b_hat is not None:
        assert c["error_weights"] == 0                   # error weights sum to zero
        assert sum(Fraction(x) for x in t.b_hat) == 1
    for k, v in c.items():
        if k.startswith("order"):
            assert v == 0, k


def test_tableau_conditions_detect_a_wrong_coefficient():
    from dataclasses import replace
    t = TABLEAUX["rk4"]
    bad = replace(t, b=(Fraction(1, 6), Fraction(1, 3), Fraction(1, 3), Fraction(1, 5)))
    assert conditions(bad)["weights"] != 0


def test_dopri5_shrinks_its_step_on_a_stiff_finite_flow():
    # z' = -F(z) with F = (lam (x - cos y) , y): x relaxes at rate lam = 1e4 onto cos(y); finite for all t.
    # An output interval h = 1 lets the first trial step overflow (|1 - h lam| huge, then the cubic term);
    # the adaptive step must reject it and follow the flow, not report divergence.
    # L_G = lam (x^2/2 + x^4), L_D = y^2/2: the member a = lam, d = 4 lam, c = 1 of tests/conftest.py's polynomial
    # game, F = (lam x + 0 y + 4 lam x^3, -0 x + y); its zero terms make a trial stage's y NaN (0 * inf) where its
    # x is already -inf and the next stage's x NaN (checked stage by stage in NumPy): the rejection tested is the same
    lam = 1e4
    fld = cubic_quadratic(a=lam, c=1.0, d=4 * lam)
    tr = simulate(fld, "flow", [1.0, 1.0], 3, 1.0, scheme="dopri5", rtol=1e-6, atol=1e-9)
    assert not tr.diverged, tr.reason
    # exact: y(t) = e^{-t}; x decays to 0 far faster than the output interval
    np.testing.assert_allclose(tr.final, [0.0, np.exp(-3.0)], rtol=1e-5, atol=1e-9)


def test_simulate_keeps_the_finished_steps_on_ctrl_c(monkeypatch):
    import gandynamics.runs.engine as E
    from gandynamics import R1, games
    fld = VectorField(games.dirac(), [R1(gamma=0.3)])
    full = simulate(fld, "gd", [1.0, 1.0], 50, 0.1)
    real = E._run_range
    calls = {"n": 0}

    def flaky(mod, plan, lo, hi, res, off, state, k0, k1, last, then=None, meanwhile=None):
        calls["n"] += 1
        real(mod, plan, lo, hi, res, off, state, k0, k1, last, then, meanwhile)
        if calls["n"] == 3:  # Ctrl-C arrives while the third chunk runs: the chunk completes (nogil call)
            raise KeyboardInterrupt

    monkeypatch.setattr(E, "_run_range", flaky)
    plan_chunk = {}
    real_rows = E.run_rows

    def rows(plan, lo, hi, out=None, step_chunk=None):
        plan_chunk["c"] = 10
        return real_rows(plan, lo, hi, out, step_chunk=10)

    import gandynamics.runs.trajectory as T
    monkeypatch.setattr(T, "run_rows", rows)
    tr = simulate(fld, "gd", [1.0, 1.0], 50, 0.1)
    assert tr.options.get("interrupted") is True and tr.steps == 30
    np.testing.assert_allclose(tr.states, full.states[:31], rtol=0, atol=0)   # bit-identical to the full run
    np.testing.assert_allclose(tr.final, full.states[30], rtol=0, atol=0)


@pytest.mark.parametrize("value", [-0.5, 1, 1.0, "1", 2])
def test_an_open_upper_bound_is_stated_as_one(value):
    # adam's beta1 = 1 was refused as "in [0, 1)" but -0.5 as "a number >= 0 and <= 1", which 1 is
    fld = cubic_quadratic(a=1.0, c=1.0)  # F = z: a field whose adaptive kernels other tests compile anyway
    with pytest.raises(GandynamicsError, match=r"^beta1 must be a number >= 0 and < 1, got "):
        simulate(fld, "adam", [1.0, 1.0], 5, 0.1, beta1=value)
    with pytest.raises(GandynamicsError, match=r"^beta2 must be a number >= 0 and < 1, got "):
        simulate(fld, "lookahead", [1.0, 1.0], 5, 0.1, base="adam", beta2=value)
    assert simulate(fld, "adam", [1.0, 1.0], 5, 0.1, beta1=0.999999).steps == 5


@pytest.mark.parametrize("value", [0.5, 2, 1, 0, "yes", "on", "1", [], None.__class__])
def test_boolean_options_take_true_or_false_only(value):
    """A method's boolean option follows the project's one rule for booleans (validate.boolean: True/False or the
    text true/false): it had its own, which read any other value as bool(value) (0.5, 2 and [] were accepted,
    "yes"/"on"/"1" too, where the README says true/false)."""
    from gandynamics.methods import METHODS
    opt = [o for o in METHODS["momentum"].options if o.name == "alternating"][0]
    with pytest.raises(GandynamicsError, match="momentum: alternating must be true or false"):
        opt.coerce(value, "momentum")
    assert opt.coerce("TRUE", "momentum") is True and opt.coerce(np.False_, "momentum") is False
    assert opt.coerce(None, "momentum") is opt.default


@pytest.mark.parametrize("alias", sorted(__import__("gandynamics.methods", fromlist=["ALIASES"]).ALIASES))
def test_an_alias_of_the_rate_analyses_is_explained_where_it_is_not_a_method(alias):
    """rates and classify take altmomentum (momentum with alternating=True); simulate and sweep said only 'unknown
    method': now the refusal names the method and options it stands for, and the rates of both names agree."""
    import numpy as np

    from gandynamics import GandynamicsError, R1, VectorField, games, simulate
    from gandynamics.analysis.rates import local_rate
    from gandynamics.methods import ALIASES
    base, opts = ALIASES[alias]
    F = VectorField(games.dirac(), [R1()])
    with pytest.raises(GandynamicsError, match=rf"^{alias} is not accepted here: the name rates and classify give to {base} with "):
        simulate(F, alias, [0.5, 0.5], 10, 0.1)
    A = np.array([[1.0, 0.5], [-0.5, 0.0]])
    assert local_rate(alias, A, 0.3, n_theta=1, beta=-0.3) == local_rate(base, A, 0.3, n_theta=1, beta=-0.3, **opts)


def test_an_option_given_where_it_does_nothing_is_refused():
    """Every option with a condition (Option.when: flow's rtol/atol with dopri5, lookahead's base options with a base
    that takes them) is refused when given outside it and accepted inside, for every choice of the options it depends
    on (generated from the registry): --scheme rk4 --rtol 1e-3 and --base gd --beta1 0.5 were accepted and ignored."""
    import itertools

    from gandynamics import R1, VectorField, games
    from gandynamics.errors import GandynamicsError
    from gandynamics.methods import METHODS
    fld = VectorField(games.dirac(), [R1()])
    seen = 0
    for m in METHODS.values():
        conds = [o for o in m.options if o.when is not None]
        choices = [o for o in m.options if o.choices and o.when is None]  # (what the conditions depend on)
        for o in conds:
            for combo in itertools.product(*[c.choices for c in choices]):
                given = dict(zip([c.name for c in choices], combo))
                full = m.normalise(fld, given)
                ok = o.when(full)
                try:
                    m.normalise(fld, {**given, o.name: o.default})
                    refused = False
                except GandynamicsError as err:
                    refused = True
                    assert f"{o.name} applies only" in str(err) and "leave it out" in str(err)
                assert refused != ok, (m.name, o.name, given)
                seen += 1
    assert seen >= 20


def test_methods_sharing_an_option_each_get_it_where_it_applies():
    """momentum and lookahead over gd share --beta: momentum uses it, so a sweep or a portrait of both runs (the first
    Option.when refused it for lookahead, the diff reviewer); an option or grid beta that applies to none of the
    methods is refused; explicit cases, not drawn from Option.when itself."""
    from gandynamics import R1, VectorField, games, sweep
    from gandynamics.errors import GandynamicsError
    from gandynamics.runs.validate import shared_options
    fld = VectorField(games.dirac(), [R1()])
    assert shared_options(fld, ["momentum", "lookahead"], {"beta": 0.3}) == [{"beta": 0.3}, {}]
    assert shared_options(fld, ["adam", "lookahead"], {"beta1": 0.5, "base": "adam"}) == [
        {"beta1": 0.5}, {"beta1": 0.5, "base": "adam"}]
    with pytest.raises(GandynamicsError, match="beta1 applies only with a base method that takes it"):
        shared_options(fld, ["lookahead"], {"beta1": 0.5})
    with pytest.raises(GandynamicsError, match="rtol applies only with scheme dopri5"):
        shared_options(fld, ["flow"], {"rtol": 1e-3})
    res = sweep(fld, ["momentum", "lookahead"], inits=[[0.5, 0.5]], steps=5, step=0.1, beta=0.3, progress=False)
    assert res["beta"][0] == 0.3 and np.isnan(res["beta"][1])  # (lookahead over gd: no momentum; the column says so)
    with pytest.raises(GandynamicsError, match="beta applies only with a base method that takes it"):
        sweep(fld, "lookahead", inits=[[0.5, 0.5]], grid={"beta": [0.0, 0.5]}, steps=5, step=0.1, progress=False)
    sweep(fld, "lookahead", inits=[[0.5, 0.5]], grid={"beta": [0.0, 0.5]}, steps=5, step=0.1, base="momentum",
          progress=False)


def test_ftr_on_a_general_sum_game_warns_once_and_not_on_a_zero_sum_one():
    """A new user ran ftr, whose guarantees are for zero-sum games, on a general-sum game without a word (it diverged
    where the flow converged): one GandynamicsWarning per field; none on the Dirac-GAN (zero-sum)."""
    import warnings
    import sympy as sp
    import gandynamics as gd
    x, y = sp.symbols("x y")
    general = gd.VectorField(gd.Game([x], [y], x**2 / 2 + x * y, y**2 / 2 - 2 * x * y, equilibrium=(0, 0)))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        gd.simulate(general, "ftr", [0.3, 0.1], 5, 0.1, engine="interpreted")
        gd.simulate(general, "ftr", [0.3, 0.2], 5, 0.1, engine="interpreted")
        gd.simulate(gd.VectorField(gd.games.make_game("dirac")), "ftr", [1.0, 1.0], 5, 0.1, engine="interpreted")
    from gandynamics.errors import GandynamicsWarning
    told = [m for m in w if issubclass(m.category, GandynamicsWarning) and "ftr" in str(m.message)]
    assert len(told) == 1 and "general-sum" in str(told[0].message)


def _listed_methods(doc: str, names) -> list[set]:
    """The lists of method names a docstring gives in parentheses or braces (``(gd, eg, eftp)``, ``{"gd", "eg"}``),
    of three names or more and not marked as examples (``e.g.``, ``...``)."""
    import re
    out = []
    for group in re.findall(r"[({]([^(){}]*)[)}]", doc):
        if "e.g." in group or "..." in group:
            continue
        listed = {w.strip(" \"'`:.;") for w in re.split(r"[,\s]+", group)} & set(names)
        if len(listed) >= 3:
            out.append(listed)
    return out


def _accepted(call) -> set:
    """The method names a call's own refusal of an unknown name lists as accepted."""
    with pytest.raises(GandynamicsError) as exc:
        call()
    text = str(exc.value)
    assert "; accepted: " in text, text
    return {w.strip() for w in text.split("; accepted: ", 1)[1].split(" (")[0].split(",")}


def test_the_methods_a_docstring_lists_are_those_its_function_accepts():
    """A function's docstring that lists the methods it takes lists all of them: classify's named 7 of the 11 it
    accepts, simulate's 7 of the 13 (a new user's check).  Each list is compared with the function's own refusal of an
    unknown name (what it accepts), for every public function that takes methods."""
    import gandynamics as gd
    from gandynamics import R1, games
    from gandynamics.analysis.pep import worst_case
    from gandynamics.methods import ALIASES
    fld = VectorField(games.dirac(), [R1()])
    names = set(METHODS) | set(ALIASES)
    calls = {
        gd.simulate: lambda m: gd.simulate(fld, m, [1.0, 1.0], 5, 0.1),
        gd.sweep: lambda m: gd.sweep(fld, m, inits=[[1.0, 1.0]], steps=5, step=0.1),
        gd.rates: lambda m: gd.rates(fld, [m], step=0.1),
        gd.classify: lambda m: gd.classify(fld, methods=[m], step=0.1),
        gd.basin: lambda m: gd.basin(fld, m),
        worst_case: lambda m: worst_case(m, mu=0.1, L=1.0, step=0.1),
        gd.plotting.animate: lambda m: gd.plotting.animate(fld, [m], steps=5, frames=2),
    }
    try:
        import ipywidgets  # noqa: F401
        calls[gd.interact] = lambda m: gd.interact(fld, methods=[m])
    except ImportError:
        pass
    checked = 0
    for fn, call in calls.items():
        accepted = _accepted(lambda: call("zzq"))
        assert accepted and accepted <= names | {"none"}, (fn.__name__, accepted)
        for listed in _listed_methods(fn.__doc__ or "", names):
            assert listed == accepted, (fn.__name__, sorted(accepted - listed), sorted(listed - accepted))
            checked += 1
    assert checked >= 3  # (basin's, the PEP's and interact's lists at least: the check reads them)


def test_the_docstring_check_finds_a_list_short_of_what_is_accepted():
    names = set(METHODS)
    assert _listed_methods("methods : sequence of str\n    Methods to test (gd, eg, eftp, ogda).", names) == \
        [{"gd", "eg", "eftp", "ogda"}]
    assert _listed_methods("(gd, altgd, eg, eftp, ...)", names) == []  # (an example, not the list)
    assert _listed_methods('method : {"gd", "eg", "eftp"}', names) == [{"gd", "eg", "eftp"}]


def test_ftr_warns_of_a_game_whose_mixed_derivatives_differ_by_a_polynomial():
    """The new user's nzs game: L_D holds y x^2 / 4, so d^2(L_G + L_D)/dx dy = x / 2, not a number: ftr said nothing."""
    import warnings

    import sympy as sp

    import gandynamics as gd
    from gandynamics.errors import GandynamicsWarning
    x, y, a, c = sp.symbols("x y a c", real=True)
    fld = gd.VectorField(gd.Game([x], [y], x * y + a * x**2 / 2, -x * y + c * y**2 / 2 + y * x**2 / 4,
                                 hyper={a: 0.3, c: 0.5}, equilibrium=(0, 0)))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        gd.simulate(fld, "ftr", [0.3, 0.1], 5, 0.1, engine="interpreted")
    assert [m for m in w if issubclass(m.category, GandynamicsWarning) and "general-sum" in str(m.message)]
