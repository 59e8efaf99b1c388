"""gandynamics.errors: the one form of every refusal of a name or of several names at once.

The kind tested: every entry point that refuses names not in a fixed set (a regularizer's or a game's parameters, a
field's hyperparameters, a method's options, the figures of ``reproduce``, method names, ``--param`` on the command
line) says it in one line, ``[prefix: ]unknown <what|whats> 'a', 'b'[ of]; accepted: ...``, each name quoted, the
plural when there are several, with the nearest accepted name of each near miss.  They had said ``unknown
parameter(s) bta, gama; accepted: ...``, unquoted and with no suggestion, each in its own words."""

import os
import re
import string
import tempfile

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import gandynamics as gd
from gandynamics import GandynamicsError, R1, VectorField, games
from gandynamics.errors import accepted_text, choice_refusal, names_refusal


def test_one_name_is_refused_as_choice_refusal_refuses_it():
    for value, options in (("gama", ("gamma", "beta")), ("zzz", ("a", "b")), ("lr", ("LR", "SR")), (3, ("x",))):
        assert names_refusal([value], "parameter", options) == choice_refusal(value, "parameter", options)
    # (but as given: these names are matched with their spaces, so a refusal of 'gamma ' must show the space; a
    # choice is stripped before it is matched, and refused stripped)
    assert names_refusal(["gamma "], "hyperparameter", ["gamma"]) == \
        "unknown hyperparameter 'gamma '; accepted: gamma (did you mean gamma?)"
    assert choice_refusal(("numbx", "autox"), "engine", ("numba", "auto")) == \
        "unknown engine ('numbx', 'autox'); accepted: numba, auto"  # (a tuple given is one value, not two names)
    assert names_refusal("gdx", "method", ["gd"]) == "unknown method 'gdx'; accepted: gd (did you mean gd?)"


def test_several_names_are_quoted_sorted_plural_and_each_near_miss_named():
    msg = names_refusal(["gama", "zzz", "bta"], "parameter", ["gamma", "beta"])
    assert msg == ("unknown parameters 'bta', 'gama', 'zzz'; accepted: gamma, beta "
                   "(did you mean beta for 'bta', gamma for 'gama'?)")
    assert names_refusal(["q", "zz"], "option", ["box"]) == "unknown options 'q', 'zz'; accepted: box"
    assert names_refusal({"b", "a"}, "entry", (), plural="entries", of="of the table", near=False) == \
        "unknown entries 'a', 'b' of the table; accepted: none"
    assert names_refusal(["n_g", "n_d"], "option", ["box"], head="gd takes no", near=False) == \
        "gd takes no options 'n_d', 'n_g'; accepted: box"
    assert names_refusal(["a", "a"], "x", ["b"]) == "unknown x 'a'; accepted: b"  # (a name given twice, once)
    assert names_refusal([["gd"], "a"], "method", ["gd"]) == "unknown methods 'a', ['gd']; accepted: gd"  # (unhashable)
    with pytest.raises(ValueError):
        names_refusal([], "x", ["b"])


def test_names_in_other_refusals_agree_in_number():
    """Refusals that are not "unknown" (given twice, applies to none of) name their names in the same way, and a
    sweep and rates say them in the singular or the plural (they said "method(s) gd", "option(s) la_k apply")."""
    from gandynamics.errors import names_phrase
    assert names_phrase(["gd"], "method") == "method 'gd'"
    assert names_phrase(["gd", "eg", "gd"], "method") == "methods 'eg', 'gd'"
    fld = VectorField(games.dirac(), [R1()])
    for ms, said in ((["gd", "eg", "gd"], "method 'gd' given twice"), (["gd", "eg", "gd", "eg"], "methods 'eg', 'gd' given twice")):
        with pytest.raises(GandynamicsError, match=f"^{said}"):
            gd.sweep(fld, ms, inits=[[1.0, 1.0]], steps=5, step=0.1)
    for opts, said in (({"la_k": 3}, "option 'la_k' applies"), ({"la_k": 3, "la_alpha": 0.5}, "options 'la_alpha', 'la_k' apply")):
        with pytest.raises(GandynamicsError, match=f"^{said} to none of gd, eg"):
            gd.sweep(fld, ["gd", "eg"], inits=[[1.0, 1.0]], steps=5, step=0.1, **opts)
        with pytest.raises(GandynamicsError, match=f"^{said} to none of gd, eg"):
            gd.rates(fld, ["gd", "eg"], options=opts, measure=False, max_seconds=1)


def test_accepted_text_names_each_near_miss_of_a_list():
    assert accepted_text(["LR", "SR"], nears=["lr"]) == "; accepted: LR, SR (did you mean LR?)"
    assert accepted_text(["LR", "SR"], nears=["sr", "lr", "sr"]) == \
        "; accepted: LR, SR (did you mean LR for 'lr', SR for 'sr'?)"  # (sorted, each once: the refusal's order)
    assert accepted_text(["LR", "SR"], nears=[]) == accepted_text(["LR", "SR"], nears=["qqqq"]) == "; accepted: LR, SR"


_name = st.text(string.ascii_lowercase + "_", min_size=1, max_size=10)
_word = st.text(string.ascii_lowercase + "_ ", min_size=1, max_size=10)  # (a refused name may hold spaces)


@settings(max_examples=200, deadline=None)
@given(options=st.lists(_name, min_size=0, max_size=6, unique=True), refused=st.lists(_word, min_size=1, max_size=5),
       plural=st.booleans())
def test_a_refusal_of_any_names_has_the_one_form(options, refused, plural):
    """Generated names and accepted sets: one line; the word in the singular for one name and the plural for several;
    every refused name quoted once, in sorted order; every accepted name listed; each suggestion an accepted name,
    for a refused one."""
    refused = [r for r in dict.fromkeys(refused) if r not in options] or ["zz_not_an_option"]
    msg = names_refusal(refused, "thing", options, plural="thingz" if plural else None)
    word = "thing" if len(refused) == 1 else ("thingz" if plural else "things")
    head = f"unknown {word} {', '.join(repr(r) for r in sorted(refused))}; accepted: {', '.join(options) or 'none'}"
    assert msg.startswith(head) and "\n" not in msg, msg
    rest = msg[len(head):]
    if rest:
        inner = re.fullmatch(r" \(did you mean (.*)\?\)", rest).group(1)
        if len(refused) == 1:
            assert inner in options, msg
        else:
            pairs = re.findall(r"(\S+) for ('(?:[^'\\]|\\.)*')", inner)
            assert ", ".join(f"{n} for {t}" for n, t in pairs) == inner, msg  # (every suggestion in that form)
            for name, target in pairs:
                assert name in options and eval(target) in refused, msg  # (target is a repr of a str)


def _sites():
    """Every entry point that refuses several names at once: (id, call with the names, prefix, word, plural,
    accepted names).  Each is called with a near miss of an accepted name and a name near none."""
    fld = VectorField(games.dirac(), [R1()])
    from gandynamics.cli import main as cli

    def command(argv):  # (a command line's refusal: its one line, raised here as the library's would be)
        import contextlib
        import io
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = cli(argv)
        line = err.getvalue().strip()
        assert code == 2 and line.count("\n") == 0 and line.startswith("gandynamics: error: "), (code, line)
        raise GandynamicsError(line[len("gandynamics: error: "):])

    yield ("sweep --method", lambda bad: command(["sweep", "dirac", *sum((["--method", b] for b in bad), []),
                                                   "--init", "1,1", "--steps", "5", "--step", "0.1", "--out", "-"]),
           "", "method", "methods", ["gd", "eg", "eftp"])
    yield ("portrait --methods", lambda bad: command(["portrait", "dirac", "--methods", ",".join(bad), "--steps", "5",
                                                      "--step", "0.1", "--out", os.path.join(tempfile.gettempdir(),
                                                                                     "gandynamics-never-drawn.png")]),
           "", "method", "methods", ["gd", "eg", "eftp"])
    from gandynamics.validate import name_list
    yield ("name list", lambda bad: name_list(bad, "--methods", ["gd", "eg", "eftp"]), "--methods: ",
           "name", "names", ["gd", "eg", "eftp"])
    yield ("regularizer", lambda bad: R1(**{b: 1.0 for b in bad}), "r1: ", "parameter", "parameters", ["gamma"])
    yield ("game", lambda bad: games.make_game("dirac-nd", **{b: 1 for b in bad}), "dirac-nd: ", "parameter",
           "parameters", list(games.GAMES["dirac-nd"].params))
    yield ("field", lambda bad: fld.param_vector({b: 1.0 for b in bad}), "", "hyperparameter", "hyperparameters",
           ["gamma"])
    yield ("method options", lambda bad: gd.simulate(fld, "adam", [1.0, 1.0], 5, 0.1, **{b: 1 for b in bad}), "",
           "option", "options", ["eps", "beta1", "beta2", "box"])
    yield ("methods", lambda bad: gd.sweep(fld, bad, inits=[[1.0, 1.0]], steps=5, step=0.1), "", "method", "methods",
           ["gd", "eg", "eftp"])
    yield ("grid axes", lambda bad: gd.sweep(fld, "gd", inits=[[1.0, 1.0]], steps=5, step=0.1,
                                             grid={b: [0.1] for b in bad}), "", "grid axis", "grid axes",
           ["gamma", "step", "step_g", "step_d", "beta"])
    yield ("--grid", lambda bad: command(["sweep", "dirac", "--reg", "r1", "--method", "gd", *sum((["--grid", f"{b}=0.1,0.2"] for b in bad), []),
                                          "--init", "1,1", "--steps", "5", "--step", "0.1", "--out", "-"]),
           "", "grid axis", "grid axes", ["gamma", "step", "step_g", "step_d", "beta"])
    from gandynamics import reproduce
    yield ("figures", lambda bad: reproduce.run(bad, out="/nonexistent/never-written"), "", "figure", "figures",
           list(reproduce.studies()))


def _miss(name):
    return name[:-1] if len(name) > 3 else name + "x"


@pytest.mark.parametrize("site", list(_sites()), ids=lambda s: s[0])
def test_every_refusal_of_several_names_has_the_one_form(site):
    _, call, prefix, word, plural, accepted = site
    near = _miss(accepted[0])
    for bad in ([near], ["qqqqzz", near], ["qqqqzz", "zzqqqq"]):
        with pytest.raises(GandynamicsError) as exc:
            call(bad)
        msg = str(exc.value)
        w = word if len(bad) == 1 else plural
        assert msg.startswith(f"{prefix}unknown {w} {', '.join(repr(b) for b in sorted(bad))}"), msg
        assert "\n" not in msg and all(a in msg for a in accepted), msg
        if near in bad:  # (the nearest accepted name suggested, in the one form or in the site's own richer hint)
            assert re.search(rf"did you mean {re.escape(accepted[0])}\b", msg), msg


def test_the_command_line_refuses_several_parameters_in_the_one_form(capsys):
    from gandynamics.cli import main
    assert main(["analyze", "dirac", "--reg", "r1", "--param", "gama=1", "--param", "zzqq=2"]) == 2
    err = capsys.readouterr().err
    assert err == ("gandynamics: error: unknown parameters 'gama', 'zzqq'; accepted: gamma "
                   "(did you mean gamma for 'gama'?)\n"), err


def test_several_methods_where_one_is_run_are_refused_as_such(capsys):
    """simulate given two methods (a list, or names joined by a comma on the command line) said "unknown method
    'gd,eg'" or "unknown method ['gd', 'eg']": it says that one method is run there, and what takes several."""
    from gandynamics.cli import main
    fld = VectorField(games.dirac(), [R1()])
    import numpy as np
    A = np.array([[0.0, 1.0], [-1.0, 0.3]])
    for several in (["gd", "eg"], ("gd", "eg"), "gd,eg", "gd, eg"):
        for call in (lambda: gd.simulate(fld, several, [1.0, 1.0], 5, 0.1),  # (and the analyses of one method: the
                     lambda: gd.plotting.rate_map(fld, several, [0.1, 0.5], [0.1, 0.2]),  # rate map said "unknown
                     lambda: gd.plotting.rate_grid(fld, several, [0.1, 0.5], [0.1, 0.2])):  # method 'gd,eg'")
            with pytest.raises(GandynamicsError, match=r"^one method is run here, not several \('gd', 'eg'\): sweep, "
                                                       r"portrait, rates and classify take several, as a list of names$"):
                call()
        from gandynamics.analysis.rates import local_rate
        with pytest.raises(GandynamicsError, match=r"^one method is run here, not several"):
            local_rate(several, A, 0.1)
    with pytest.raises(GandynamicsError, match=r"^unknown method \['gd'\]"):  # (a list of one: refused as before)
        gd.simulate(fld, ["gd"], [1.0, 1.0], 5, 0.1)
    for typo in ([], (), "gd,", ",", ["gd", ""]):  # (an empty list or item is no second method: refused as unknown)
        with pytest.raises(GandynamicsError, match=r"^unknown method "):
            gd.simulate(fld, typo, [1.0, 1.0], 5, 0.1)
    assert main(["simulate", "dirac", "--method", "gd,eg", "--step", "0.1", "--steps", "5", "--init", "1,1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gandynamics: error: one method is run here, not several ('gd', 'eg')") and \
        err.count("\n") == 1, err


@pytest.mark.filterwarnings("ignore:Animation was deleted")
def test_every_function_of_several_methods_takes_them_as_text_joined_by_commas():
    """Methods joined by commas (``"gd,eg"``, as the command line takes them) are the list of those names for every
    function that runs several: rates and classify took them, sweep said "unknown method 'gd,eg'" (a new user's
    check) and animate and interact too.  Each is compared with the same call given the list."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    fld = VectorField(games.dirac(), [R1()])
    for text in ("gd,eg", "gd, eg", " gd ,eg "):
        a = gd.sweep(fld, text, inits=[[1.0, 1.0], [0.5, -0.2]], steps=20, step=0.1, engine="interpreted")
        b = gd.sweep(fld, ["gd", "eg"], inits=[[1.0, 1.0], [0.5, -0.2]], steps=20, step=0.1, engine="interpreted")
        assert list(a.columns["method"]) == list(b.columns["method"]) == ["gd", "gd", "eg", "eg"]
        assert np.array_equal(a.columns["final_theta"], b.columns["final_theta"]) and np.array_equal(a.columns["distance"], b.columns["distance"])
    by_text = gd.rates(fld, "gd, eg", step=0.1, measure=False)[0]
    by_list = gd.rates(fld, ["gd", "eg"], step=0.1, measure=False)[0]
    assert [r.method for r in by_text] == [r.method for r in by_list] == ["gd", "eg"]
    assert [r.local_rate for r in by_text] == [r.local_rate for r in by_list]
    anim = gd.plotting.animate(fld, "gd, eg", steps=10, frames=2, data_panel=False)
    assert [t.method for _, t, *_ in anim.trajectories] == ["gd", "eg"]
    anim._draw_was_started = True  # (not drawn on purpose: matplotlib warns when it is collected otherwise)
    del anim
    plt.close("all")
    for bad in ("gd,", ",", ""):  # (an empty name is refused, not dropped)
        with pytest.raises(GandynamicsError, match="no empty ones"):
            gd.sweep(fld, bad, inits=[[1.0, 1.0]], steps=5, step=0.1)
    with pytest.raises(GandynamicsError, match=r"^unknown methods 'egg', 'gdx'; accepted: gd, .*did you mean"):
        gd.sweep(fld, "gdx,egg", inits=[[1.0, 1.0]], steps=5, step=0.1)


@pytest.mark.parametrize("mistakes", [m for k in range(1, 5) for m in __import__("itertools").combinations(
    ("game", "loss", "reg1", "reg2"), k)], ids=lambda m: "+".join(m))
def test_every_wrong_name_of_a_field_is_refused_in_one_line(capsys, mistakes):
    """`gandynamics analyze dirx --reg r11 --reg r22` was refused one mistake at a time (three runs to learn of three):
    the game's, the loss's and every regularizer's name are checked together, each unknown one named in one line
    with its suggestion, whatever the mix."""
    from gandynamics.cli import main
    argv = ["analyze", "dirx" if "game" in mistakes else "dirac", "--loss",
            "stdd" if "loss" in mistakes else "standard", "--reg", "r11" if "reg1" in mistakes else "r1",
            "--reg", "r22" if "reg2" in mistakes else "r2"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("gandynamics: error: ") and err.count("\n") == 1, err
    for kind, word in (("game", "dirx"), ("loss", "stdd"), ("reg1", "r11"), ("reg2", "r22")):
        assert (f"'{word}'" in err) == (kind in mistakes), (kind, err)
    if "game" in mistakes:
        assert "did you mean dirac?" in err
    if "reg1" in mistakes and "reg2" in mistakes:
        assert "unknown regularizers 'r11', 'r22'" in err and "r1 for 'r11', r2 for 'r22'" in err


def test_a_string_of_method_names_is_never_read_letter_by_letter():
    """get_methods("gd") said "unknown methods 'd', 'g'", named_defaults({}, "momentum") named six letters,
    portrait_title(methods="gd,eg") titled "g, d, ,, e, g" (a review): text is names joined by commas everywhere."""
    from gandynamics.interact import Explorer
    from gandynamics.methods import get_methods, named_defaults
    from gandynamics.plotting import portrait_title
    assert [m.name for m in get_methods("gd")] == ["gd"] and [m.name for m in get_methods(" gd, eg ")] == ["gd", "eg"]
    from gandynamics.analysis.rates import refuse_methods as refuse_rates, takes
    from gandynamics.methods import refuse_methods
    with pytest.raises(GandynamicsError, match=r"^eg is not accepted here; accepted: gd$"):
        refuse_methods("gd,eg", ["gd"])
    with pytest.raises(GandynamicsError, match=r"^adam is not accepted here: it has no iteration matrix"):
        refuse_rates("gd, adam")
    assert takes("beta", "momentum") and takes("beta", "gd,momentum") and not takes("beta", "gd,eg")
    # an item of a list holding names joined by commas is those names (rates(methods=("gd,eg",)) was refused as
    # "one method is run here", naming rates among those that take several: a new user)
    assert [m.name for m in get_methods(["gd, eg", "eftp"])] == ["gd", "eg", "eftp"]
    fld0 = VectorField(games.dirac(), [R1()])
    assert [r.method for r in gd.rates(fld0, ("gd,eg",), step=0.1, measure=False)[0]] == ["gd", "eg"]
    with pytest.raises(GandynamicsError, match=r"^one method is run here, not several \('gd', 'eg'\)"):
        gd.simulate(fld0, ["gd,eg"], [1.0, 1.0], 5, 0.1)
    with pytest.raises(GandynamicsError, match=r"^unknown method 'gd,'"):  # (an empty name: refused as typed)
        get_methods(["gd,"])
    res = gd.sweep(fld0, "gd", inits=[[1.0, 1.0]], steps=5, step=0.1, engine="interpreted")
    with pytest.raises(GandynamicsError, match=r"^write_csv writes to an open text stream .* use to_csv\(path\)"):
        res.write_csv("x.csv")  # (a path: a TypeError from the csv module, a new user)
    assert named_defaults({}, "momentum") == named_defaults({}, ["momentum"]) == {"beta": -0.5}
    fld = VectorField(games.dirac(), [R1()])
    assert portrait_title(fld, methods="gd, eg", step=0.1) == portrait_title(fld, methods=["gd", "eg"], step=0.1)
    assert portrait_title(fld, methods="gd", step=0.1).endswith(": gd, h = 0.1")
    pytest.importorskip("ipywidgets")
    ex = Explorer(fld, methods=" gd ", methods_offered="gd,eg", steps=5)
    assert list(ex.checkboxes) == ["gd", "eg"] and ex.data["methods"] == ["gd"]
