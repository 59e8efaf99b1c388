import json

import pytest

from gandynamics.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_done_when_r1_eigenvalues(capsys):
    code, out, _ = run(capsys, "analyze", "dirac", "--reg", "r1:gamma=0.3", "--json")
    assert code == 0
    d = json.loads(out)
    for key in ("game", "loss", "regularizers", "parameters", "point", "field", "jacobian", "eigenvalues",
                "spectral_abscissa", "phase_factor", "conditioning_factor", "stable"):
        assert key in d
    assert d["regularizers"] == [{"name": "r1", "params": {"gamma": 0.3}}]
    assert d["parameters"] == ["theta", "psi"]
    eig = sorted(d["eigenvalues"], key=lambda e: e[1])
    # -0.15 ± 0.4770 i: -gamma/2 ± i sqrt(f'(0)^2 - gamma^2/4)
    assert eig[0] == pytest.approx([-0.15, -(0.25 - 0.0225) ** 0.5], abs=1e-12)
    assert eig[1] == pytest.approx([-0.15, (0.25 - 0.0225) ** 0.5], abs=1e-12)
    assert d["stable"] is True


def test_human_report_and_every_regularizer(capsys):
    for reg in ("r1", "r2", "wgan-gp", "instance-noise:order=4", "consensus", "nagarajan-kolter", "jare",
                "tikhonov:on=discriminator", "asymmetric:eps=0.2,gamma=0.5,tikhonov_on=discriminator,penalty=nk"):
        code, out, err = run(capsys, "analyze", "dirac", "--reg", reg)
        assert code == 0, err
        assert "verdict" in out or "not differentiable" in out


def test_unregularized_json_marks_infinite_phase(capsys):
    code, out, _ = run(capsys, "analyze", "dirac", "--json")
    d = json.loads(out)
    assert d["phase_factor"] == "inf" and d["stable"] is False


def test_at_and_param(capsys):
    code, out, _ = run(capsys, "analyze", "dirac-nd", "--param", "d=2", "--reg", "r1", "--param", "gamma=0.5",
                       "--at", "0,0,0,0", "--json")
    d = json.loads(out)
    assert code == 0 and len(d["parameters"]) == 4 and d["hyperparameters"] == {"gamma": 0.5}


@pytest.mark.parametrize("argv,match", [
    (["analyze", "nope"], "unknown game 'nope'; accepted: dirac"),
    (["analyze", "dirac", "--loss", "relativistic"], "unknown --loss 'relativistic'"),
    (["analyze", "dirac", "--reg", "l2"], "unknown regularizer 'l2'; accepted"),
    (["analyze", "dirac", "--reg", "r1:gamma"], "malformed --reg r1 option 'gamma'; expected key=value"),
    (["analyze", "dirac", "--reg", "r1:gamma=-0.5"], "finite number >= 0"),
    (["analyze", "dirac", "--reg", "r1:gamma=inf"], "finite number >= 0"),
    (["analyze", "dirac", "--param", "zeta=1"], "unknown parameter.*zeta"),
    (["analyze", "dirac", "--param", "zeta"], "malformed --param 'zeta'"),
    (["analyze", "dirac", "--at", "1"], "--at must have 2 entries"),
    (["analyze", "dirac", "--at", "1,x"], "--at must be 2 comma-separated numbers"),
    (["analyze", "dirac", "--at", "1,nan"], "--at must be finite"),
    (["analyze", "bilinear", "--reg", "r1"], "needs a GAN's structure"),
    (["analyze", "bilinear", "--loss", "wgan"], "takes no --loss"),
])
def test_bad_input_one_line_exit_2(capsys, argv, match):
    import re
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("gandynamics: error: ")
    assert re.search(match, err), err


def test_user_game_with_unknown_symbol(tmp_path, capsys):
    f = tmp_path / "g.py"
    f.write_text("import sympy as sp\nfrom gandynamics import Game\n\ndef make():\n"
                 "    x, y, a = sp.symbols('x y a')\n    return Game.zero_sum(x, y, a*x*y)\n")
    import re
    code, out, err = run(capsys, "analyze", "--game", f"{f}:make")
    assert code == 2 and re.search(r"g\.py:6: .*neither parameters nor hyperparameters: a", err), err


def test_list(capsys):
    code, out, _ = run(capsys, "list", "--json")
    d = json.loads(out)
    assert {"dirac", "dirac-nd", "bilinear"} <= {g["name"] for g in d["games"]}
    names = [r["name"] for r in d["regularizers"]]
    assert names[:9] == ["r1", "r2", "wgan-gp", "instance-noise", "consensus", "nagarajan-kolter", "jare", "tikhonov",
                         "asymmetric"]
    assert {"dragan", "lecam"} <= set(names)  # appended (issue 17)
    assert [lo["name"] for lo in d["losses"]][:5] == ["standard", "non-saturating", "wgan", "lsgan", "hinge"]
    assert "sga" in names  # appended (issue 10)
    assert [m["name"] for m in d["methods"]][:7] == ["gd", "altgd", "eg", "eftp", "ogda", "momentum", "flow"]
    # the aliases rates and classify accept are listed too (altmomentum was accepted but listed nowhere)
    assert d["aliases"] == [{"name": "altmomentum", "method": "momentum", "options": {"alternating": True}}]


@pytest.mark.slow  # (1.3-8 s: CI's default pass is kept under 3 minutes, session 45)
def test_a_large_game_is_summarised_and_full_prints_everything(capsys):
    # a new user's analyze of jare-gaussian printed lines of 1,300 characters; of a 200-parameter game 3 MB
    from gandynamics.cli.analyze import ROWS
    code, out, _ = run(capsys, "analyze", "mlp", "--param", "k=8")
    assert code == 0
    lines = out.splitlines()
    comps = [ln for ln in lines if ln.startswith("  d") and "/dt = " in ln]
    assert len(comps) == ROWS and any("more components" in ln for ln in lines)
    assert max(len(ln) for ln in comps) < 400
    assert any(ln.startswith("Jacobian J = Dv: ") and " x " in ln for ln in lines)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("eigenvalues of J"))
    eig = [ln for ln in lines[at + 1:lines.index("", at)] if not ln.startswith("  (entries")]
    assert 0 < len(eig) <= ROWS + 1
    # every eigenvalue accounted for: a pair (a ± b i) counts 2, a repeated value (×m) m times (or a "more" line)
    counted = sum((2 if "±" in ln else 1) * (int(ln.split("(×")[1].rstrip(")")) if "(×" in ln else 1)
                  for ln in eig if "more" not in ln)
    n = int(lines[at].split("(")[1].split(",")[0])
    assert counted == n or "more" in eig[-1]
    code, full, _ = run(capsys, "analyze", "mlp", "--param", "k=8", "--full")
    code2, js, _ = run(capsys, "analyze", "mlp", "--param", "k=8", "--json")
    d = json.loads(js)
    fl = full.splitlines()
    assert [ln.split("/dt = ", 1)[1] for ln in fl if ln.startswith("  d") and "/dt = " in ln] == d["field"]
    assert len(d["field"]) == len(d["parameters"]) > ROWS
    assert sum(1 for ln in fl if ln.startswith("  [")) == len(d["parameters"])  # the whole Jacobian
    assert "more" not in full


@pytest.mark.slow  # (1-4.5 s: CI's default pass is kept under 3 minutes, session 45)
def test_rounding_noise_is_shown_as_zero_in_the_text_and_kept_in_the_json(capsys):
    # mlp's zero eigenvalues computed as +3.8e-17 read as a positive spectral abscissa beside "marginal" (a new user)
    import numpy as np
    from gandynamics.cli.analyze import ROUNDING
    code, js, _ = run(capsys, "analyze", "mlp", "--param", "k=8", "--json")
    d = json.loads(js)
    eig = np.array([complex(*e) for e in d["eigenvalues"]])
    noise = (np.abs(eig.real) > 0) & (np.abs(eig.real) <= ROUNDING * np.abs(eig).max())
    assert noise.any()  # the JSON keeps the numbers as computed
    code, out, _ = run(capsys, "analyze", "mlp", "--param", "k=8")
    assert "spectral abscissa   0\n" in out and "shown as 0: rounding" in out
    zeros = int(np.sum(np.abs(eig) <= ROUNDING * np.abs(eig).max()))
    assert f"  0 (×{zeros})" in out


@pytest.mark.parametrize("argv, label", [
    (["analyze", "dirac-nd", "--param", "d=3"], "dirac-nd(d=3)"),
    (["analyze", "dirac-nd", "--param", "d=2"], "dirac-nd   "),  # (its default: the name alone)
    (["analyze", "bilinear", "--param", "B=2"], "bilinear(B=2)"),
    (["analyze", "bilinear", "--param", "B=1,0;0,2"], "bilinear(B=[[1, 0], [0, 2]])"),
    (["simulate", "dirac-nd", "--param", "d=3", "--method", "gd", "--steps", "5", "--step", "0.1"], "dirac-nd(d=3)"),
    (["analyze", "dirac"], "dirac   "),
    (["analyze", "quadratic", "--param", "a=2"], "quadratic   "),  # (a is a hyperparameter, shown on its own line)
])
def test_the_factorys_arguments_given_are_part_of_the_games_name(capsys, argv, label):
    """--param d=3 for dirac-nd (an argument of the game's factory, fixed when it is made) appeared in no header or
    title, only in the provenance; the headers and titles now say it (games.game_label, from the game's origin),
    the JSON keeps the bare name, the game's identifier."""
    code, out, _ = run(capsys, *argv)
    assert code == 0 and f"game: {label}" in out.splitlines()[0], out
    if argv[0] == "analyze":
        code, out, _ = run(capsys, *argv, "--json")
        assert json.loads(out)["game"] == argv[1]


def test_a_user_factorys_arguments_are_part_of_its_games_name(capsys, tmp_path):
    f = tmp_path / "g.py"
    f.write_text("import sympy as sp\nimport gandynamics as gd\nu, w = sp.symbols('u w', real=True)\n"
                 "def bil(k=1.0):\n    return gd.Game(theta=[u], psi=[w], loss_g=k*u*w, loss_d=-k*u*w, "
                 "equilibrium=(0, 0), name='bil-reg')\n")
    code, out, _ = run(capsys, "analyze", "--game", f"{f}:bil", "--param", "k=2")
    assert code == 0 and out.splitlines()[0].startswith("game: bil-reg(k=2)"), out
    code, out, _ = run(capsys, "analyze", "--game", f"{f}:bil")
    assert code == 0 and out.splitlines()[0].startswith("game: bil-reg "), out


@pytest.mark.parametrize("cmd", [["rates", "--methods", "gd", "--no-measure"], ["check", "--region", "ball:1", "--mu", "0"],
                                 ["classify"], ["basin", "--max-seconds", "2"], ["constants", "--region", "ball:1",
                                                                                 "--max-seconds", "2"],
                                 ["analyze"]])
def test_every_analysis_records_its_game_regularizers_and_hyperparameters(capsys, cmd):
    """rates, check, classify and basin printed and recorded the game's name alone (classify's JSON not even that):
    two tables at gamma = 0.3 and gamma = 0.7 read alike.  Each command's text and JSON now carry the regularizers
    with their strengths and the hyperparameters (cli.common.game_record)."""
    for gamma in ("0.3", "0.7"):
        code, out, _ = run(capsys, cmd[0], "dirac", "--reg", f"r1:gamma={gamma}", *cmd[1:], "--json")
        assert code in (0, 1, 3), out  # (check: 1 refuted, 3 undecided)
        d = json.loads(out)
        rows = d if isinstance(d, list) else [d]
        for r in rows:
            assert r["game"] == "dirac" and r["regularizers"] == [{"name": "r1", "params": {"gamma": float(gamma)}}], r
            assert r["hyperparameters"] == {"gamma": float(gamma)}, r
        code, out, _ = run(capsys, cmd[0], "dirac", "--reg", f"r1:gamma={gamma}", *cmd[1:])
        assert f"regularizers: r1(gamma={gamma})" in out.splitlines()[0], out


_CLASH = ("import sympy as sp, gandynamics as gd\n"
          "x, y, {h}, t = sp.symbols('x y {h} t')\n"
          "game = gd.GAN(theta=[x], psi=[y], x=[t], discriminator={h}*y*t, real=gd.Atoms([0]), fake=gd.Atoms([x]), "
          "hyper={{{h}: 2.0}}, equilibrium=(0, 0), name='clash')\n")


@pytest.mark.parametrize("reg, key", [("r1", "gamma"), ("r2", "gamma"), ("consensus", "gamma"), ("instance-noise", "sigma")])
def test_a_games_hyperparameter_named_as_a_regularizers_strength_is_its_own(capsys, tmp_path, reg, key):
    """A new user's GAN with a hyperparameter gamma and --reg r1: R1's strength is gamma_r1 in that field, but
    `--reg r1:gamma=0.3 --param gamma=0.5` was refused as "gamma set twice", and analyze printed no hyperparameters
    line (the game's gamma left out as if it were R1's).  Generated over regularizers whose strength shares the
    name of the game's hyperparameter: both values are set and shown; the strength set twice under its field name
    is refused, naming it."""
    import json
    from gandynamics.cli import main
    path = tmp_path / "clash.py"
    path.write_text(_CLASH.format(h=key))
    game = f"{path}:game"
    assert main(["analyze", "--game", game, "--reg", f"{reg}:{key}=0.3", "--param", f"{key}=0.5", "--json"]) == 0
    hyper = json.loads(capsys.readouterr().out)["hyperparameters"]
    strength = [k for k in hyper if k != key]
    assert hyper[key] == 0.5 and len(strength) == 1 and hyper[strength[0]] == 0.3 and strength[0].startswith(f"{key}_")
    assert main(["analyze", "--game", game, "--reg", reg, "--param", f"{key}=0.5"]) == 0
    assert f"\nhyperparameters: {key}=0.5\n" in capsys.readouterr().out
    assert main(["analyze", "--game", game, "--reg", f"{reg}:{key}=0.3", "--param", f"{strength[0]}=0.4"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{strength[0]} set twice" in err and f"named {strength[0]} in this field" in err


def _kinked_game(tmp_path, k):
    """A game whose F has k non-smooth terms sign(x + i y + y^3/i) at its equilibrium (0, 0)."""
    f = tmp_path / f"kinks{k}.py"
    f.write_text("import sympy as sp\nimport gandynamics as gd\nx, y = sp.symbols('x y', real=True)\n"
                 f"g = gd.Game(theta=[x], psi=[y], loss_g=x*y + sum(sp.Abs(x + i*y + y**3/i) for i in range(1, {k + 1}))"
                 "/1000, loss_d=-x*y + y**2/2, equilibrium=(0, 0), name='kinks')\n")
    return f"{f}:g"


@pytest.mark.slow  # (1.5-3 s a case: five commands on a new game; the message's rule is tests/test_nonsmooth.py's)
@pytest.mark.parametrize("k", [1, 4, 40])
def test_a_point_with_many_kinks_is_summarised_and_full_and_json_list_them_all(capsys, tmp_path, k):
    """analyze printed 'F is not differentiable here (...)' with 75 sign(...) terms on one line of 7 KB (WGAN-GP on a
    GAN with a quadrature rule, a new user); classify, rates and basin printed the same list.  The shared message
    (analysis.nonsmooth.not_differentiable) lists the first terms within a line, counts the rest and the commands
    say where all of them are; --full and --json keep every one."""
    import re

    from gandynamics.analysis.nonsmooth import KINK_CHARS
    game = _kinked_game(tmp_path, k)
    terms = {f"sign({'x + y**3 + y' if i == 1 else f'x + y**3/{i} + {i}*y'})" for i in range(1, k + 1)}

    def check_summary(line):
        assert len(line) <= KINK_CHARS + 400, line
        m = re.search(r"and (\d+) more non-smooth terms, (\d+) in all", line)
        shown = set(re.findall(r"sign\([^()]*\)", line.split(" and ")[0] if m else line))
        assert shown <= terms and (len(shown) + int(m.group(1)) if m else len(shown)) == k, line
        assert (m is None) == (len(", ".join(terms)) <= KINK_CHARS) and (m is None or int(m.group(2)) == k)
        return m is not None

    code, out, _ = run(capsys, "analyze", "--game", game)
    line = next(t for t in out.splitlines() if t.startswith("F is not differentiable"))
    assert code == 0 and check_summary(line) == (f"(all {k} non-smooth terms: --full or --json)" in out)
    code, out, _ = run(capsys, "analyze", "--game", game, "--full")
    listed = out.split("non-smooth terms of F at the point")[1].splitlines()[1:]
    assert {t.strip() for t in listed} == terms
    code, out, _ = run(capsys, "analyze", "--game", game, "--json")
    assert set(json.loads(out)["nonsmooth"]) == terms
    for cmd in (["classify"], ["rates", "--methods", "gd", "--step", "0.1", "--no-measure"]):
        code, out, err = run(capsys, *cmd, "--game", game)
        assert code == 2 and err.count("\n") == 1 and err.startswith("gandynamics: error: F is not differentiable")
        assert check_summary(err) == (f"(all {k} non-smooth terms: gandynamics analyze --full" in err)
    code, out, _ = run(capsys, "basin", "--game", game, "--max-seconds", "2")
    line = next(t for t in out.splitlines() if t.startswith("note: F is not differentiable"))
    assert check_summary(line) == (f"(all {k} non-smooth terms: --json, or gandynamics analyze --full)" in out)
    code, out, _ = run(capsys, "basin", "--game", game, "--max-seconds", "2", "--json")
    assert set(json.loads(out)["nonsmooth"]) == terms


def test_classify_names_its_spurious_stable_point_apart_from_a_methods_spurious_fixed_point(capsys, tmp_path):
    """classify's line says which "spurious" it means (a stable point that is no solution: Mazumdar, Ratliff & Sastry
    2020), not the sweep's spurious_fixed_point (a method standing still where F is not zero; a new user read the two
    as one): f = 3/2 x^2 + 2xy + 1/2 y^2, DF = [[3, 2], [-2, -1]] (trace 2 > 0, det 1 > 0: stable) while the max
    player sits at a minimum of f in y (f_yy = 1 > 0), and the R1 Dirac-GAN's equilibrium, a stable solution."""
    (tmp_path / "q.py").write_text("import sympy as sp\nfrom gandynamics import Game\n\n\ndef q():\n"
                                   "    x, y = sp.symbols('x y', real=True)\n"
                                   "    f = sp.Rational(3, 2) * x**2 + 2 * x * y + y**2 / 2\n"
                                   "    return Game([x], [y], f, -f, equilibrium=(0, 0))\n")
    for argv, word in ((["--game", f"{tmp_path / 'q.py'}:q"], "yes"), (["dirac", "--reg", "r1"], "no")):
        code, out, _ = run(capsys, "classify", *argv)
        line = next(t for t in out.splitlines() if t.startswith("spurious"))
        assert code == 0 and line.split() == ["spurious", "stable", "point:", word], line


@pytest.mark.parametrize("d, chars", [(3, 3), (20, 20)])  # (within the listing's rows, and beyond them)
def test_formulas_too_long_to_print_are_counted_in_one_line(capsys, monkeypatch, d, chars):
    """A game of 1,000 parameters (dirac-nd, d = 500) printed one line "… (a formula of about 2,005 operations and
    symbols, too long to print here; ...)" for each component shown (a new user's trial): every such formula is now
    counted in one line with the components beyond the listing's rows, with how to see them.  (Formulas are made too
    long by a small FORMULA_CHARS: the same path as 2,005 operations under the default 240 characters.)"""
    import gandynamics._display as display
    from gandynamics.cli.analyze import ROWS
    monkeypatch.setattr(display, "FORMULA_CHARS", chars)
    code, out, err = run(capsys, "analyze", "dirac-nd", "--param", f"d={d}")
    assert code == 0, err
    lines = out.splitlines()
    at = lines.index("field v = -F:")
    listing = lines[at + 1:lines.index("", at)]
    assert [ln for ln in out.splitlines() if "too long to print" in ln] == listing and len(listing) == 1, out
    assert listing[0].startswith(f"  … ({2 * d} components too long to print here (dtheta1/dt, dtheta2/dt, dtheta3/dt")
    assert listing[0].endswith("operations and symbols each); --full or --json prints them)")
    assert 2 * d <= ROWS or "more components" not in out  # (every component left out is counted in that one line)
    code, full, _ = run(capsys, "analyze", "dirac-nd", "--param", f"d={d}", "--full")
    assert "too long" not in full and sum("/dt = " in ln for ln in full.splitlines()) == 2 * d
