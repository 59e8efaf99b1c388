"""Options shared by the commands: which game, which loss, which regularizers, which parameters."""

from __future__ import annotations

import argparse
import contextlib
import contextvars
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
    was asked, and the phrase saying when it does (``"with --animate FILE"``).  Every option given that does
    not apply is refused, all in one line (GandynamicsError): ``"--frames does nothing here: it applies only with
    --animate FILE; leave it out"``."""
    found = [f"{'--' + dest.replace('_', '-')} does nothing here: it applies only {when}; leave it out"
             for dest, applies, when in rules if not applies and given(args, dest)]
    refuse_all(found=found)


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
                   help="a game parameter (e.g. d=3) or a hyperparameter value (e.g. gamma=0.5); repeatable. A name is "
                        "matched exactly; one that is both (a game's parameter and a regularizer's strength) must give "
                        "them one value: set the strength with --reg NAME:key=VALUE")
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


def interrupted_status(stopped: bool, found: str) -> int:
    """The exit status of a result printed whole or as far as a Ctrl-C let it go: 0, or 130 when ``stopped``, said on
    standard error after what was printed (``found``: what it holds, "12 points", "198 cycles"), as simulate and sweep
    say theirs: the work found before the Ctrl-C is kept above it."""
    if not stopped:
        return 0
    import sys
    sys.stdout.flush()
    sys.stderr.write(f"gandynamics: interrupted after {found}; what was found is kept above\n")
    return 130


def refuse(message: str):
    """Raise ``message`` as a command line's GandynamicsError (a refusal among :class:`gathered` checks)."""
    raise GandynamicsError(message)


#: the refusals of a command line's names (:func:`names_waiting`) not said yet: they join the first refusal of its
#: values (the outermost :class:`gathered` block, :func:`build_field`, or a command's own error), names first
_WAITING: contextvars.ContextVar = contextvars.ContextVar("gandynamics_names_waiting", default=None)
#: how many :class:`gathered` blocks are open: only the outermost one says the waiting names (an inner one's
#: refusals join the outer one's, each once)
_OPEN: contextvars.ContextVar = contextvars.ContextVar("gandynamics_gathered_open", default=0)


#: the text of a placeholder (:func:`placeholder`): a refusal that quotes it is about an option left out, said already
LEFT_OUT = "@@required-option-left-out@@"
#: whether the command line runs with placeholders (a required option left out): its run only names mistakes
_PLACEHOLDERS: contextvars.ContextVar = contextvars.ContextVar("gandynamics_placeholders", default=False)


def placeholder(flag: str) -> str:
    """The value a required option ``flag`` left out has while its command runs to name the command line's other
    mistakes (``cli._Parser``): a text no user types, which every :class:`gathered` check passes over (a check given
    it is not run) and whose refusals are dropped (:func:`joined`: one that quotes it is about the option, which is
    said as left out)."""
    return f"{LEFT_OUT}{flag.lstrip('-')}"


def _holds_placeholder(x) -> bool:
    """Whether ``x`` (a check's argument: a text, or a list or tuple of them) is or holds a :func:`placeholder`."""
    if isinstance(x, str):
        return LEFT_OUT in x
    if isinstance(x, (list, tuple)):
        return any(_holds_placeholder(v) for v in x)
    return False


def refusals(exc: BaseException) -> list[str]:
    """The refusals a GandynamicsError says: those it joined (:func:`joined`), else its message."""
    said = getattr(exc, "refusals", None)
    return list(said) if said is not None else [str(exc)]


def joined(messages) -> GandynamicsError:
    """One GandynamicsError saying every one of ``messages`` once, in order, joined by ``"; "`` (its ``refusals``:
    the list, so that a block it joins says each of them once, not twice)."""
    # (a refusal of a placeholder's value is the option's left out, said by the parser: dropped)
    items = [m for m in dict.fromkeys(messages) if m and LEFT_OUT not in m]
    err = GandynamicsError("; ".join(items))
    err.refusals = items
    return err


def take_waiting() -> list[str]:
    """The refusals of names waiting to be said (:func:`names_waiting`), handed over once: none are left."""
    waiting = _WAITING.get()
    if not waiting:
        return []
    out = list(waiting)
    waiting.clear()
    return out


class gathered:
    """The values of a command line checked together: inside ``with gathered() as check:``, ``v = check(fn, *a,
    **k)`` runs one check (a function that returns the value or raises GandynamicsError), keeping a refusal and
    giving None for it; leaving the block refuses every one in one line, in order (as :func:`refuse_all`), and a
    command's own GandynamicsError raised inside the block joins them.  Only checks belong inside: a value is used
    after the block, where every one is good (or inside it, guarded, to check what depends on it: the game built by
    ``check(build_field, args)``, then ``--init`` by its size).  A new user's ``simulate --steps 0 --step -1 --bound
    -1`` was refused one mistake at a time (an adversarial review), as names had been before :func:`check_names`.

    The outermost block also says the refusals of the command line's names waiting (:func:`names_waiting`), first,
    also when every value is good: `simulate nogame --steps 0` named the game, and --steps only on the next run."""

    def __init__(self):
        self.found = []

    def __call__(self, fn, *a, **k):
        if _holds_placeholder(a) or _holds_placeholder(tuple(k.values())):  # (an option left out: said as such)
            return None
        try:
            return fn(*a, **k)
        except GandynamicsError as exc:
            self.found.extend(refusals(exc))
            return None

    def __enter__(self):
        self._token = _OPEN.set(_OPEN.get() + 1)
        return self

    def __exit__(self, kind, exc, tb):
        _OPEN.reset(self._token)
        if kind is not None and not issubclass(kind, GandynamicsError):
            if not (_PLACEHOLDERS.get() and issubclass(kind, Exception)):
                return False
            # a value read around its check where a required option was left out (simulate's --method.strip()): the
            # command line is refused, with what was found so far
            exc, kind = None, GandynamicsError
        found = (take_waiting() if _OPEN.get() == 0 else []) + self.found
        if found or (kind is not None and exc is None):
            raise joined(found + (refusals(exc) if exc is not None else [])) from None
        return False



def name_problems(args) -> list[str]:
    """The refusal of every unknown name a command line gives: its game's, loss's and regularizers' (:func:`build_field`
    checks them again) and its methods' (the command's ``check_methods(args)``, declared with its parser: each
    command's own refusal, with its own accepted list)."""
    check = getattr(args, "check_methods", None)
    found = _field_name_problems(args) if hasattr(args, "game") else []
    if check is not None:
        try:
            check(args)
        except GandynamicsError as exc:
            found += refusals(exc)
    return found


def check_names(args) -> None:
    """Refuse, in one line, every unknown name a command line gives (:func:`name_problems`).  A new user's `dirx
    --reg r11 --reg r22 --method gdx` was refused one mistake at a time."""
    refuse_all(found=name_problems(args))


@contextlib.contextmanager
def names_waiting(args):
    """Run a command (``cli._run``) with the refusals of its command line's names (:func:`name_problems`, found
    once: the commands' ``run`` functions do not check their method names again) waiting to be said with the first
    refusal of its values, in the same line, names first: by the outermost :class:`gathered` block (every command
    checks its values in one), by :func:`build_field` (before any game is built), or with a GandynamicsError the
    command raises itself.  A command that would end with names still unsaid is refused then (none does: each builds
    its field).  `simulate nogame --steps 0` and `analyze nogame --param c=x` named the game alone, the value on the
    next run (a review).

    The parser's own refusals wait first (``args.parse_problems``: an option mistyped, a required option left out,
    ``cli._Parser.parse_args``): `simulate dirx --param a=x` without --steps named the missing option alone, the rest
    on the next runs.  A required option left out runs the command with a :func:`placeholder` in its place: only to
    name the other mistakes, none of its work (its first check block refuses the line)."""
    problems = list(getattr(args, "parse_problems", None) or [])
    placeholders = _PLACEHOLDERS.set(bool(getattr(args, "missing_required", None)))
    try:
        token = _WAITING.set(problems + _name_problems_around(args))
        try:
            yield
            left = take_waiting()
            if left:
                raise joined(left)
        except GandynamicsError as exc:
            left = take_waiting()
            if left:
                raise joined(left + refusals(exc)) from None
            raise
        except Exception:  # (a value read around its checks where a placeholder stands: the line is refused)
            left = take_waiting()
            if left and _PLACEHOLDERS.get():
                raise joined(left) from None
            raise
        finally:
            _WAITING.reset(token)
    finally:
        _PLACEHOLDERS.reset(placeholders)


def _name_problems_around(args) -> list[str]:
    """:func:`name_problems`, where a required option left out (a placeholder) may make a method check fail otherwise
    than by a refusal: what it found before."""
    try:
        return name_problems(args)
    except Exception:
        if not _PLACEHOLDERS.get():
            raise
        return _field_name_problems(args) if hasattr(args, "game") else []


def build_field(args):
    """The VectorField and hyperparameter overrides the common arguments describe.  Every mistake among them is
    refused in one line, with the names waiting (:func:`names_waiting`): the names of the game, loss and
    regularizers, each malformed --param, a game parameter's or a regularizer option's value, --equilibrium, a
    --param that names no hyperparameter and each hyperparameter's value (`analyze dirac --param aa=1 --param c=x`
    named aa alone, c on the next run: a review)."""
    with gathered() as check:
        params = check(parse_kv, args.param, "--param")
        wrong = _field_name_problems(args)
        check.found.extend(wrong)
        # (the game read when its name and loss are known, the regularizers when theirs are: each one's values named
        # beside the other's unknown names)
        made = check(_game_model, args, params) if params is not None and _game_named(args) else None
        regs = check(_regularizers, args) if _regularizers_parsed(args) else None
        fld = None
        if made is not None and regs is not None and not wrong:
            check(_refuse_strength_twice, made[0], regs[0], args.reg, made[1], params)
            # (a bad --equilibrium refused, the declared one kept to check the rest)
            model = check(_at_equilibrium, args, made[0]) or made[0]
            fld = check(_field_of, args, (model, *made[1:]), regs[0])
        hyper = made[1] if made is not None else {}
        if fld is not None:
            check(_refuse_unknown_hyper, args, fld, hyper, regs[1])
            check(_refuse_two_meanings, args, fld, made[2], params)
            for k in (k for k in hyper if k in fld.defaults):  # (each value, not the first wrong one alone)
                check(fld.hyper_value, k, hyper[k])
    fld.param_vector(hyper)  # validates values (and the model's conditions on several of them)
    return fld, {k: float(v) for k, v in hyper.items()}


def _game_named(args) -> bool:
    """Whether the command line's game and loss are known names (a user's game file: known until it is loaded)."""
    from ..games import GAMES
    from ..losses import LOSSES
    return ((getattr(args, "game_file", None) is not None or args.game is None or args.game in GAMES)
            and (args.loss is None or args.loss in LOSSES))


def _regularizers_parsed(args) -> bool:
    """Whether every --reg is well formed (NAME[:key=value,...])."""
    try:
        for r in args.reg:
            parse_reg(r)
    except GandynamicsError:
        return False
    return True


def _game_model(args, params: dict):
    """The game the command line names (a built-in one, or a user's --game FILE.py:FACTORY) with the parameters
    among ``params`` it takes: ``(model, hyper, given)``, ``hyper`` the other ``params`` (hyperparameters) and
    ``given`` the game's (the factory's arguments)."""
    from ..games import GAMES, make_game
    from ..userload import load_user_game
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
        return model, hyper, given
    if not args.game:
        raise GandynamicsError(f"name a game ({', '.join(GAMES)}) or give --game FILE.py:FACTORY")
    spec = GAMES[args.game]  # (a name that is none was refused before)
    gp = {k: v for k, v in params.items() if k in spec.params}
    hyper = {k: v for k, v in params.items() if k not in spec.params}
    from ..games import _coerce
    kinds = getattr(spec.factory, "param_kinds", {})
    with gathered() as check:  # (each value, as make_game reads it: it names the first wrong one alone)
        for k, v in gp.items():
            check(_coerce, spec.params[k], v, k, args.game, kinds.get(k))
    return make_game(args.game, loss=args.loss, **gp), hyper, gp


def _regularizers(args):
    """The regularizers of the --reg options, in order, and ``named``: name -> its option's text; each one given
    twice and each value of an option refused, in one line (an unknown name is left out: refused with the names)."""
    from ..regularizers import REGULARIZERS, make_regularizer
    regs = []
    named: dict = {}
    with gathered() as check:
        for r in args.reg:
            name, opts = parse_reg(r)
            if name not in REGULARIZERS:
                continue
            if name in named:  # (--reg r1 --reg r1 added the penalty twice, as gamma and gamma_r1)
                check(refuse, f"--reg {name} given twice ({named[name]!r} and {r!r}); give each regularizer once, "
                              "its options set its strength")
                continue
            named[name] = r
            regs.append(check(make_regularizer, name, **opts))
    return regs, named


def _at_equilibrium(args, model):
    """``model`` at the equilibrium --equilibrium gives (all parameters, generator first), or as it is without it."""
    typed = getattr(args, "equilibrium", None)
    if typed is None:
        return model
    # (the declared point replaced: every command studies this one; rates and basin could only look at the declared
    # saddle of a new user's game with three equilibria)
    from dataclasses import replace
    syms = list(model.theta) + list(model.psi)
    point = parse_vector(typed, len(syms), "--equilibrium", [s.name for s in syms])
    return replace(model, equilibrium=tuple(float(v) for v in point))


def _field_of(args, made, regs):
    """The VectorField of the game ``made`` (:func:`_game_model`) with the regularizers ``regs``, its equilibrium
    said to be given by --equilibrium when it is, labelled with the factory's arguments given."""
    from ..field import VectorField
    model, hyper, given = made
    field = VectorField(model, regs)
    if getattr(args, "equilibrium", None) is not None:
        field.equilibrium_given = "given by --equilibrium"  # (the messages on a point that is no zero name it so)
    # a user factory's arguments given, for the headers and titles (games.game_label; a built-in game's are read from
    # its origin): those that are also hyperparameters (shown with them) left out; the name stays the identifier
    shown = {k: v for k, v in given.items() if k not in field.defaults}
    if shown and getattr(args, "game_file", None):
        field.label = f"{model.name}({', '.join(f'{k}={v}' for k, v in shown.items())})"
    return field


def _refuse_strength_twice(model, regs, texts, hyper: dict, params: dict) -> None:
    """Refuse a strength set in --reg and again by --param under the name it has in the field (the --param value
    silently won); a game's own hyperparameter of the same word is another one (R1's gamma of a game with a gamma is
    gamma_r1: --reg r1:gamma=0.3 --param gamma=0.5 was refused as "gamma set twice")."""
    set_by_reg = reg_strengths(model, regs, texts)
    clash = [n for n in set_by_reg if n in hyper]
    if clash:  # (the first --reg that sets one, with each it sets)
        text = set_by_reg[clash[0]][0]
        twice = sorted(n for n in clash if set_by_reg[n][0] == text)
        said = "".join(f" (its {k}, named {n} in this field)" for n in twice for t, k in [set_by_reg[n]] if n != k)
        raise GandynamicsError(f"{', '.join(twice)} set twice: in --reg {text}{said} and by --param "
                               f"{', '.join(f'{k}={params[k]}' for k in twice)}; set it once")


def _refuse_unknown_hyper(args, field, hyper: dict, named: dict) -> None:
    """Refuse every --param that names neither a game parameter nor a hyperparameter of ``field``, with the accepted
    names, and say whose a regularizer's strength given without its regularizer is (--param gamma=0.3 without --reg
    r1)."""
    unknown = set(hyper) - set(field.defaults)
    if not unknown:
        return
    from ..games import GAMES
    from ..regularizers import REGULARIZERS
    from ..userload import factory_parameters
    gp_names = (list(GAMES[args.game].params) if not getattr(args, "game_file", None)
                else factory_parameters(args.game_file))
    acc = list(dict.fromkeys(gp_names + list(field.defaults)))  # (a game's parameter once)
    owners = {k: [n for n, cls in REGULARIZERS.items() if k in cls.defaults and n not in named] for k in unknown}
    hint = "; ".join(f"{k} is a parameter of the regularizer{'s' if len(o) > 1 else ''} {', '.join(o)} "
                     f"(add e.g. --reg {o[0]}:{k}=VALUE)" for k, o in sorted(owners.items()) if o)
    raise GandynamicsError(names_refusal(unknown, "parameter", acc) + (f"; {hint}" if hint else ""))


def _refuse_two_meanings(args, field, given: dict, params: dict) -> None:
    """Refuse every --param that names both a parameter of the game (a built-in game's, or a keyword of a user's
    factory, also one its ``**kwargs`` takes: it was given to the game) and a hyperparameter of ``field`` that it does
    not set: `jare-gaussian --reg instance-noise --param sigma=0.3` set the game's sigma and left the noise's at 0.7,
    without a word, and a factory ``f(a=1)`` whose game declares a hyperparameter ``a`` of its own default was given
    --param a while its hyperparameter kept that default.  A name whose two meanings get the same value is one value
    (quadratic's ``a``: its factory makes it the default of its hyperparameter ``a``).  Each one, with the names
    accepted and how to set the other value."""
    from ..regularizers import strength_symbols
    owners = {sym.name: (reg, key) for reg, _, syms in strength_symbols(field.model, field.regularizers)
              for key, sym in syms.items()}
    game = (f"of the game's factory {args.game_file}" if getattr(args, "game_file", None)
            else f"of the game {args.game}")
    said = []
    for k, v in given.items():
        if k not in field.defaults:
            continue
        try:
            if float(v) == float(field.defaults[k]):
                continue
        except (TypeError, ValueError):
            pass
        if k in owners:
            reg, key = owners[k]
            other, how = (f"the strength {key} of --reg {reg.name}",
                          f"set the regularizer's with --reg {reg.name}:{key}=VALUE")
        else:
            other, how = ("a hyperparameter of the game it makes", "give them two names in the game's file")
        said.append(f"--param {k}={params.get(k, v)} names two values: the parameter {k} {game}, which it sets, and "
                    f"{other}, which stays {field.defaults[k]:zg}; {how}")
    if said:
        raise joined(said)


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
