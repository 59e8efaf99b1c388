"""Options shared by the commands: which game, which loss, which regularizers, which parameters."""

from __future__ import annotations

import argparse
import math

import numpy as np

from ..errors import GandynamicsError, choice_refusal, names_refusal

__all__ = ["add_game_arguments", "parse_kv", "parse_reg", "parse_vector", "build_field", "dumps", "rate_text",
           "given", "refuse_inapplicable"]


def rate_text(x, fmt: str = "z.6g") -> str:
    """A rate per step as text: 6 significant digits, except that a rate which those digits would round to 1
    is written ``1 - 2.08e-08`` / ``1 + 3e-08``: a certified rate 0.99999998 printed as ``1`` read as "no
    contraction".  None and NaN are ``-``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    x = float(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = format(x, fmt)
    if text == "1" and x != 1.0:
        return f"1 - {1.0 - x:z.3g}" if x < 1 else f"1 + {x - 1.0:z.3g}"
    return text


def given(args, dest: str) -> bool:
    """Whether the user typed the option stored in ``dest`` (recorded by the parser, also when the option has a
    default value); without that record (a hand-made Namespace), whether its value is set."""
    rec = getattr(args, "given_options", None)
    return dest in rec if rec is not None else getattr(args, dest, None) not in (None, False, [], "")


def quiet(args) -> bool:
    """Whether the command was given ``-q``: standard error then carries errors and warnings alone (no progress
    notices, bars, notes or a summary moved there by ``--out -``)."""
    return bool(getattr(args, "quiet", False))


def bars(args) -> bool:
    """Whether the command draws a progress bar of its own: the library's rule for a bar left to itself
    (:func:`gandynamics.log.bars_wanted`: on a terminal, not with ``-q``, which sets the package logger to WARNING)."""
    from ..log import bars_wanted
    return bars_wanted() and not quiet(args)


def refuse_inapplicable(args, rules) -> None:
    """Refuse an option that would do nothing in the mode asked for (the project's rule: no silent
    acceptance of an option that does nothing), before any computation.

    ``rules``: ``(dest, applies, when)`` triples: the option stored in ``dest``, whether it applies to what
    was asked, and the phrase saying when it does (``"with --animate FILE"``).  The first option given that
    does not apply raises ``GandynamicsError``: ``"--frames does nothing here: it applies only with --animate
    FILE; leave it out"``."""
    for dest, applies, when in rules:
        if not applies and given(args, dest):
            flag = "--" + dest.replace("_", "-")
            raise GandynamicsError(f"{flag} does nothing here: it applies only {when}; leave it out")


def add_switch(p: argparse.ArgumentParser, flag: str, dest: str, help: str) -> None:
    """A boolean method option: a switch (``--alternating``), or with an explicit value (``--alternating false``,
    any case of true/false); the same form in every command (simulate and sweep took only the bare switch, rates
    also the value).  The parsed value is a bool (True for the bare switch; None when not given), so that JSON
    and provenance record true/false, not text."""
    def value(text: str) -> bool:  # a word that is not true/false was most likely the next positional argument
        from ..validate import boolean
        try:
            return boolean(text, flag)
        except GandynamicsError:
            raise argparse.ArgumentTypeError(f"takes true or false, or nothing (a bare switch); got {text!r} (a "
                                             f"positional argument after {flag} is read as its value: put it "
                                             "before the options)") from None
    p.add_argument(flag, dest=dest, default=None, nargs="?", const=True, type=value, metavar="true|false",
                   help=help)


def add_game_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("game", nargs="?", metavar="GAME",
                   help="a built-in game (see `gandynamics list`); or give --game FILE.py:FACTORY instead")
    p.add_argument("--game", dest="game_file", metavar="FILE.py:FACTORY",
                   help="a user-defined game: a Python file and FACTORY, a public name the file defines (not an "
                        "import) for a Game or GAN (every --param is then a hyperparameter), or for a callable that "
                        "returns one (its keyword parameters are --param values too): a function or lambda, a "
                        "functools.partial or functools.cache function, a callable instance, a Game or GAN subclass. "
                        "The file runs as `python FILE.py` would: modules in its folder can be imported")
    from ..losses import LOSSES
    p.add_argument("--loss", metavar="NAME",
                   help="GAN loss (GAN games only; default: the game's own): "
                        + "; ".join(f"{k}: {v.description}" for k, v in LOSSES.items()))
    p.add_argument("--reg", action="append", default=[], metavar="NAME[:key=value,...]",
                   help="a regularizer, repeatable, e.g. r1:gamma=0.3 or asymmetric:eps=0.1,gamma=1,tikhonov_on=discriminator")
    p.add_argument("--param", action="append", default=[], metavar="key=value",
                   help="a game parameter (e.g. d=3) or a hyperparameter value (e.g. gamma=0.5); repeatable")
    p.add_argument("--equilibrium", metavar="v1,v2,...", default=None,
                   help="the equilibrium to study in place of the game's declared one (all parameters, generator "
                        "first; taken as a declared one is: the zero of F Newton's method finds from it): every "
                        "analysis is made there and runs measure their distance to it -- for a game with several "
                        "equilibria")


def parse_kv(items, what: str) -> dict:
    """``["a=1", "b=x,y"]`` -> ``{"a": "1", "b": "x,y"}`` with a clear error for malformed items and for a key
    given twice (the last value silently won)."""
    out = {}
    for item in items:
        if "=" not in item or not item.split("=", 1)[0].strip():
            raise GandynamicsError(f"malformed {what} {item!r}; expected key=value")
        k, v = item.split("=", 1)
        if k.strip() in out:  # ``--param gamma=1 --param gamma=2``, ``r1:gamma=1,gamma=2``: the first was dropped
            raise GandynamicsError(f"{what} {k.strip()!r} given twice ({k.strip()}={out[k.strip()]} and "
                                   f"{k.strip()}={v.strip()}); give each key once")
        out[k.strip()] = v.strip()
    return out


def parse_reg(spec: str):
    """``"r1:gamma=0.3"`` -> ``("r1", {"gamma": "0.3"})``.  A comma-separated token without ``=``
    continues the previous value (``tikhonov:anchor=1,2`` gives ``anchor="1,2"``)."""
    name, colon, rest = spec.partition(":")
    name = name.strip()
    if not name or (colon and not rest.strip()):  # ("r1:" was r1 with its defaults: an option list left out)
        raise GandynamicsError(f"malformed --reg {spec!r}; expected NAME[:key=value,...]")
    items: list[str] = []
    for tok in rest.split(",") if rest.strip() else []:
        if not tok.strip():  # "r1:gamma=1,,x" or "tikhonov:anchor=1,,2": an item was left out
            raise GandynamicsError(f"malformed --reg {spec!r}: an empty item between commas; expected "
                                   f"NAME[:key=value,...]")
        if "=" in tok or not items:
            items.append(tok)
        else:
            items[-1] += "," + tok
    return name, parse_kv(items, f"--reg {name} option")


def parse_vector(text: str, n: int, what: str, names=None) -> np.ndarray:
    """``"1,2.5"`` (or ``"(1,2.5)"``) -> array of length n (finite), or a one-line error
    (:func:`gandynamics.validate.vector`)."""
    from ..validate import vector
    return vector(text, what, n, names)


def _field_name_problems(args) -> list[str]:
    """The refusal of each unknown name among a command line's game, loss and regularizers (the names of the game,
    its loss and its regularizers are checked together: a new user's `dirx --reg r11 --reg r22` was refused one
    mistake at a time, three runs to learn of three)."""
    from ..games import GAMES
    from ..regularizers import REGULARIZERS
    wrong = []
    if args.loss is not None:  # (the library's message also offers a sympy Lambda, which a command line cannot give)
        from ..losses import LOSSES
        if args.loss not in LOSSES:
            wrong.append(choice_refusal(args.loss, "--loss", LOSSES))
    if not getattr(args, "game_file", None) and args.game and args.game not in GAMES:
        file = args.game.rpartition(":")[0] or args.game
        if file.endswith(".py"):  # a game file given where a built-in name goes: the option it needs
            wrong.append(f"a game file is given with --game: --game {args.game}"
                         + ("" if ":" in args.game else ":FACTORY (FACTORY: the function or game the file defines)")
                         + f"; the built-in games are {', '.join(GAMES)}")
        else:
            wrong.append(choice_refusal(args.game, "game", GAMES, also="or --game FILE.py:FACTORY"))
    unknown = []
    for r in args.reg:  # (a malformed one named with the others: it hid every other mistake, a review)
        try:
            unknown.append(parse_reg(r)[0])
        except GandynamicsError as exc:
            wrong.append(str(exc))
    unknown = [name for name in unknown if name not in REGULARIZERS]
    if unknown:
        wrong.append(names_refusal(list(dict.fromkeys(unknown)), "regularizer", REGULARIZERS))
    return wrong


def refuse_all(*checks, found=()) -> None:
    """Run each of ``checks`` (functions of no arguments that raise GandynamicsError) and refuse every failure in one
    line, in order, after the refusals ``found`` already (a command line's mistakes named at once, not one run at a
    time)."""
    with gathered() as check:
        check.found.extend(found)
        for c in checks:
            check(c)


def refuse(message: str):
    """Raise ``message`` as a command line's GandynamicsError (a refusal among :class:`gathered` checks)."""
    raise GandynamicsError(message)


class gathered:
    """The values of a command line checked together: inside ``with gathered() as check:``, ``v = check(fn, *a,
    **k)`` runs one check (a function that returns the value or raises GandynamicsError), keeping a refusal and
    giving None for it; leaving the block refuses every one in one line, in order (as :func:`refuse_all`), and a
    command's own GandynamicsError raised inside the block joins them.  Only checks belong inside: a value is used
    after the block, where every one is good.  A new user's ``simulate --steps 0 --step -1 --bound -1`` was refused
    one mistake at a time (an adversarial review), as names had been before :func:`check_names`."""

    def __init__(self):
        self.found = []

    def __call__(self, fn, *a, **k):
        try:
            return fn(*a, **k)
        except GandynamicsError as exc:
            self.found.append(str(exc))
            return None

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if self.found and (kind is None or issubclass(kind, GandynamicsError)):
            raise GandynamicsError("; ".join(self.found + ([str(exc)] if exc is not None else []))) from None
        return False


def check_names(args) -> None:
    """Refuse, in one line, every unknown name a command line gives: its game's, loss's and regularizers'
    (:func:`build_field` checks them again) and its methods' (the command's ``check_methods(args)``, declared with
    its parser: each command's own refusal, with its own accepted list).  Run before the command (``cli._run``), once:
    the commands' ``run`` functions do not check their method names again.  A new user's `dirx --reg r11 --reg r22
    --method gdx` was refused one mistake at a time."""
    check = getattr(args, "check_methods", None)
    refuse_all(*([lambda: check(args)] if check is not None else []),
               found=_field_name_problems(args) if hasattr(args, "game") else ())


def build_field(args):
    """The VectorField and hyperparameter overrides the common arguments describe."""
    from ..field import VectorField
    from ..games import GAMES, make_game
    from ..regularizers import make_regularizer
    from ..userload import load_user_game

    params = parse_kv(args.param, "--param")
    refuse_all(found=_field_name_problems(args))
    parsed = [(r, *parse_reg(r)) for r in args.reg]
    if getattr(args, "game_file", None):
        if args.game:
            raise GandynamicsError("give either a built-in GAME or --game FILE.py:FACTORY, not both")
        model, hyper = load_user_game(args.game_file, params)
        given = {k: v for k, v in params.items() if k not in hyper}  # (the factory's arguments)
        if args.loss:
            from ..game import GAN
            if not isinstance(model, GAN):
                raise GandynamicsError("--loss applies to GAN games only; this game is a plain Game")
            model = model.with_(loss=args.loss)
    else:
        if not args.game:
            raise GandynamicsError(f"name a game ({', '.join(GAMES)}) or give --game FILE.py:FACTORY")
        spec = GAMES[args.game]  # (a name that is none was refused above)
        gp = {k: v for k, v in params.items() if k in spec.params}
        hyper = {k: v for k, v in params.items() if k not in spec.params}
        model = make_game(args.game, loss=args.loss, **gp)
        given = gp
    regs = []
    named: dict = {}
    for r, name, opts in parsed:
        if name in named:  # (--reg r1 --reg r1 added the penalty twice, as gamma and gamma_r1)
            raise GandynamicsError(f"--reg {name} given twice ({named[name]!r} and {r!r}); give each regularizer once, "
                                   "its options set its strength")
        named[name] = r
        regs.append(make_regularizer(name, **opts))
    # a strength set in --reg and again by --param under the name it has in the field (the --param value silently
    # won); a game's own hyperparameter of the same word is another one (R1's gamma of a game with a gamma is
    # gamma_r1: --reg r1:gamma=0.3 --param gamma=0.5 was refused as "gamma set twice")
    set_by_reg = reg_strengths(model, regs, args.reg)
    clash = [n for n in set_by_reg if n in hyper]
    if clash:  # (the first --reg that sets one, with each it sets)
        text = set_by_reg[clash[0]][0]
        twice = sorted(n for n in clash if set_by_reg[n][0] == text)
        said = "".join(f" (its {k}, named {n} in this field)" for n in twice for t, k in [set_by_reg[n]] if n != k)
        raise GandynamicsError(f"{', '.join(twice)} set twice: in --reg {text}{said} and by --param "
                               f"{', '.join(f'{k}={params[k]}' for k in twice)}; set it once")
    typed = getattr(args, "equilibrium", None)
    if typed is not None:  # (the declared point replaced: every command studies this one; rates and basin could only
        # look at the declared saddle of a new user's game with three equilibria)
        from dataclasses import replace
        syms = list(model.theta) + list(model.psi)
        point = parse_vector(typed, len(syms), "--equilibrium", [s.name for s in syms])
        model = replace(model, equilibrium=tuple(float(v) for v in point))
    field = VectorField(model, regs)
    if typed is not None:
        field.equilibrium_given = "given by --equilibrium"  # (the messages on a point that is no zero name it so)
    # a user factory's arguments given, for the headers and titles (games.game_label; a built-in game's are read from
    # its origin): those that are also hyperparameters (shown with them) left out; the name stays the identifier
    shown = {k: v for k, v in given.items() if k not in field.defaults}
    if shown and getattr(args, "game_file", None):
        field.label = f"{model.name}({', '.join(f'{k}={v}' for k, v in shown.items())})"
    unknown = set(hyper) - set(field.defaults)
    if unknown:
        from ..userload import factory_parameters
        gp_names = (list(GAMES[args.game].params) if not getattr(args, "game_file", None)
                    else factory_parameters(args.game_file))
        acc = list(dict.fromkeys(gp_names + list(field.defaults)))  # (a game's parameter once)
        # a regularizer's strength given without its regularizer (--param gamma=0.3 without --reg r1): say whose it is
        from ..regularizers import REGULARIZERS
        owners = {k: [n for n, cls in REGULARIZERS.items() if k in cls.defaults and n not in named] for k in unknown}
        hint = "; ".join(f"{k} is a parameter of the regularizer{'s' if len(o) > 1 else ''} {', '.join(o)} "
                         f"(add e.g. --reg {o[0]}:{k}=VALUE)" for k, o in sorted(owners.items()) if o)
        raise GandynamicsError(names_refusal(unknown, "parameter", acc) + (f"; {hint}" if hint else ""))
    field.param_vector(hyper)  # validates values
    return field, {k: float(v) for k, v in hyper.items()}


def game_label(fld) -> str:
    """The game's name as headers show it, with its factory's arguments given (:func:`gandynamics.games.game_label`;
    imported when called: the parser is built without the games)."""
    from ..games import game_label as label
    return label(fld)


def method_label(name: str, options: dict) -> str:
    """``name`` with the options in effect that the method declares, as the text output shows them:
    ``'momentum (beta=-0.5)'`` (a new user could not tell from ``simulate --method momentum`` which beta ran);
    ``name`` alone when none is given or the name is unknown."""
    from ..methods import get_method
    try:
        declared = [o.name for o in get_method(name).options]
    except Exception:  # (an alias or a name refused elsewhere: shown as given)
        return name
    shown = [f"{k}={options[k]:zg}" if isinstance(options[k], float) else f"{k}={options[k]}"
             for k in declared if k in options and options[k] is not None]
    return f"{name} ({', '.join(shown)})" if shown else name


def quadrature_note(fld, hyper, at, unchecked: bool = False) -> tuple[dict | None, str]:
    """A GAN's quadrature checked at ``at`` ((n,), or (k, n): the largest change over the points; None: the
    equilibrium; :func:`gandynamics.quadrature_check`): its dict for ``--json`` (None without a rule) and a
    ``note: ...`` line when the rule is NOT settled there (else empty), for classify and rates (at the point) and for
    constants, check and basin (at the certificates' witnesses, counterexamples and the ball's ends), and with
    ``unchecked`` also when the rule could not be checked (check: its claims are then undecided for the GAN);
    ``analyze`` prints the check's line in every case."""
    from ..analysis import quadrature_check
    q = quadrature_check(fld, hyper, at=at)
    if q is None:
        return None, ""
    return q.to_dict(), ("" if q.settled or not (q.checked or unchecked) else f"note: {q.text()}")


def game_record(fld, hyper) -> dict:
    """What game a command's output is about, for its JSON: ``game`` (the name, with the factory's arguments given),
    ``loss`` (a GAN's), ``regularizers`` (each with the strengths used) and ``hyperparameters`` (every one, as used).
    rates, check, classify and basin recorded the name alone: two saved tables at gamma = 0.3 and 1 read alike."""
    from ..regularizers import used_strengths
    values = {**fld.defaults, **(hyper or {})}
    return {"game": fld.name, "loss": getattr(getattr(fld.model, "loss", None), "name", None),
            "regularizers": [{"name": r.name, "params": {**r.params, **s}}  # the strengths used, not the declared
                             for r, s in zip(fld.regularizers, used_strengths(fld, values))],
            "hyperparameters": {k: float(values[k]) for k in fld.defaults}}


def game_header(fld, hyper) -> str:
    """The first words of a command's text: ``game: NAME`` with its loss and its regularizers and their strengths
    (:func:`game_record`), the command's own fields following on the line; the hyperparameters not set by a
    regularizer are :func:`game_lines`'."""
    d = game_record(fld, hyper)
    d["game"] = game_label(fld)
    regs = ", ".join(f"{r['name']}({', '.join(f'{k}={v:zg}' if isinstance(v, float) else f'{k}={v}' for k, v in r['params'].items())})"
                     for r in d["regularizers"])
    return (f"game: {d['game']}" + (f"   loss: {d['loss']}" if d["loss"] else "")
            + (f"   regularizers: {regs}" if regs else ""))


def game_lines(fld, hyper, rest: str = "") -> str:
    """A command's first lines: :func:`game_header` followed by ``rest`` (the command's own fields), then
    ``hyperparameters: a=1, c=0.5`` for the game's own hyperparameters when it has any (those of its regularizers are
    in the header)."""
    from ..regularizers import strength_symbols
    # (the strengths by the names they have in this field: a game's own gamma beside R1's gamma_r1 was left out as if
    # it were R1's, and analyze showed no hyperparameter at all)
    strengths = {sym.name for _, _, syms in strength_symbols(fld.model, fld.regularizers) for sym in syms.values()}
    own = {k: v for k, v in game_record(fld, hyper)["hyperparameters"].items() if k not in strengths}
    return game_header(fld, hyper) + rest + (
        "\nhyperparameters: " + ", ".join(f"{k}={v:zg}" for k, v in own.items()) if own else "")


def reg_strengths(model, regs, texts) -> dict:
    """The strengths the ``--reg`` options ``texts`` set, by the names they have in the field of ``model`` with the
    regularizers ``regs`` (made from ``texts``, in order): field name -> (the option's text, its key).  R1's gamma of
    a game with a hyperparameter gamma is gamma_r1 (:func:`gandynamics.regularizers.strength_symbols`)."""
    if not regs:
        return {}
    from ..regularizers import strength_symbols
    named = strength_symbols(model, regs)
    out = {}
    for text, reg in zip(texts, regs):
        opts = parse_reg(text)[1]
        out.update({s.name: (text, k) for r, _part, syms in named if r is reg for k, s in syms.items() if k in opts})
    return out


def given_values(args, fld, flags=()) -> dict:
    """Every value the command line set explicitly: hyperparameter name -> the option that set it (``--param
    gamma=0.7``, or ``--reg r1:gamma=0.3`` under the name its strength got, e.g. ``gamma_co``), and each of ``flags``
    (``(name, dest)``, e.g. ``("h", "step")``) given a value.  A grid axis or a varied parameter that is one of
    these would silently replace it: :func:`refuse_set_twice`."""
    out = {k: f"--param {k}={v}" for k, v in parse_kv(getattr(args, "param", None) or [], "--param").items()}
    regs = list(getattr(fld, "regularizers", []) or [])
    out.update({n: f"--reg {text}" for n, (text, _) in reg_strengths(fld.model, regs, getattr(args, "reg", None) or [])
                .items()})
    for name, dest in flags:
        v = getattr(args, dest, None)
        if v is not None:
            out[name] = f"--{dest.replace('_', '-')} {v}"
    return out


def refuse_set_twice(given: dict, names, by: str) -> None:
    """Refuse a value set twice: each of ``names`` (keys of :func:`given_values`, or ``(key, label)`` pairs: the
    label as ``by`` writes it) that ``by`` (e.g. ``"--grid"``) also sets; the second value had silently won."""
    for n in names:
        key, label = n if isinstance(n, tuple) else (n, n)
        if key in given:
            raise GandynamicsError(f"{label} set twice: by {given[key]} and by {by} {label}; set it once")


from ..jsonio import dumps  # noqa: E402,F401  (strict JSON: one writer for the library and the CLI)


def kinks_left_out(atoms, where: str) -> str:
    """What lists the non-smooth terms a message of :func:`gandynamics.analysis.nonsmooth.not_differentiable` left
    out (``where``: the option or command that lists them all, e.g. "--full or --json"), or "" when it listed every
    one: ``analyze`` printed 75 ``sign(...)`` terms on one line of 7 KB (a new user); the message lists the first,
    and this says how to see the rest."""
    from ..analysis.nonsmooth import kinks_shown
    atoms = list(atoms or ())
    left = len(atoms) - kinks_shown(atoms)
    return f"(all {len(atoms)} non-smooth terms: {where})" if left > 0 else ""
