r"""The integration methods: one declaration per module, registered in the explicit list below.

All rules are written with the operator ``F`` (``v = -F``; docs/mathematics.md §0.1, §0.4) and a step size
that may differ per player: ``h`` is the diagonal matrix with ``h_G`` on the generator's coordinates and
``h_D`` on the discriminator's (two-timescale).  Each module declares a :class:`~gandynamics.methods.base.Method`
(name, summary, formula, reference, options, evaluations per step, compiled update rule, iteration matrix
and local rate at an equilibrium or the reason why there is none, theorem bound); ``gandynamics list``
prints the table.

EFTP and OGDA are the same dynamics: the ``w``-sequence of EFTP is an OGDA sequence, ``w_{k+1} = w_k -
2h F(w_k) + h F(w_{k-1})`` (docs/mathematics.md §5.3).  With the starts ``w_{-1} = z_0``, ``u_{-1} = u_0 = z_0``,
``w_k = u_{k+1}``, so ``z^{EFTP}_k = u_{k+1} + h F(u_k)`` where ``u`` is OGDA from the same ``z_0`` (tested).

Projection (``box``): each (sub-)update of a discrete method is followed by the projection onto the box
``lo <= z <= hi`` (PEPit's projected EFTP, docs/mathematics.md §4.6; weight clipping of WGAN,
docs/mathematics.md §1.3, is a box on psi).  For EG/EFTP both the extrapolated point and the update are
projected.
"""

from __future__ import annotations

from ..errors import GandynamicsError, accepted_text, refused_names
from ..kernels import codes
from . import adam, altgd, eag, eftp, eg, flow, ftr, gd, lookahead, momentum, ogda, proximal, rmsprop
from ._common import ORDERS
from .base import Method, Option, Rule
from .flow import SCHEMES

__all__ = ["Method", "Option", "Rule", "METHODS", "get_method", "get_methods", "refuse_methods", "named_defaults",
           "beta_for", "ORDERS", "SCHEMES", "RULES", "CODES", "GROUPS", "KERNELS", "ALIASES"]

#: the registry, in display order (adding a method: a module declaring METHOD, plus one entry here)
_MODULES = [gd, altgd, eg, eftp, ogda, momentum, flow, proximal, eag, ftr, lookahead, adam, rmsprop]

METHODS: dict[str, Method] = {mod.METHOD.name: mod.METHOD for mod in _MODULES}

#: every compiled rule by name (a method may have several, e.g. flow: rk4 and dopri5)
RULES = {r.name: r for m in METHODS.values() for r in m.rules}

#: rule name -> its ``CODE`` within its kernel group, and rule name -> group (gandynamics.kernels)
CODES, GROUPS = codes(RULES)

#: rule name -> one-line formula
KERNELS = {r.name: (r.formula or m.formula) for m in METHODS.values() for r in m.rules}


#: names for a method with options, taken by the analyses of the iteration matrix (``rates``, ``classify``): name ->
#: (method, options)
ALIASES = {"altmomentum": ("momentum", {"alternating": True})}


def alias_text(alias: str) -> str:
    """What the name ``alias`` of :data:`ALIASES` stands for: ``the name rates and classify give to momentum with
    alternating=True``."""
    base, opts = ALIASES[alias]
    return f"the name rates and classify give to {base} with {', '.join(f'{k}={v}' for k, v in opts.items())}"


def refuse_methods(methods, accepted, reasons: dict | None = None, also: str = "", what: str = "method") -> None:
    """Refuse the names of ``methods`` not in ``accepted``, or do nothing when all are: one GandynamicsError of one
    line naming the unknown ones (``unknown method 'sgd'``), each known one refused with its reason from ``reasons``
    (``ogda is not accepted here: its reason``; an alias of :data:`ALIASES` by default with what it stands for), and
    what is accepted (``; accepted: gd, eg, eftp`` and ``also``, e.g. ``"or none (the flow)"``, with the nearest
    accepted name to an unknown one: :func:`gandynamics.errors.accepted_text`, the end of every refusal of a name).
    ``what`` names the option (``--base``: ``unknown --base 'x'``, ``--base adam is not accepted here: ...``).  Every
    refusal of a method name by a function or a command goes through it (the commands' method options had four
    wordings, basin's argparse's "invalid choice").  A reason follows a colon, not in parentheses: a reason with
    parentheses of its own nested them, ``adam is not accepted here (no iteration matrix at a fixed point (the update
    ... (m, v) ...))`` (a new user)."""
    from ..validate import split_names
    methods = split_names(methods)  # ("gd,eg": it was read letter by letter)
    accepted = list(accepted)
    bad = [m for m in methods if m not in accepted]
    if not bad:
        return
    reasons = {**{a: alias_text(a) for a in ALIASES}, **(reasons or {})}
    known = [m for m in bad if isinstance(m, str) and (m in reasons or m in METHODS or m in ALIASES)]
    unknown = [m for m in bad if m not in known]
    named = "" if what == "method" else f"{what} "
    parts = ([refused_names(unknown, what, plural=what + "s" if what == "method" else what)] if unknown else []) + \
        [f"{named}{m} is not accepted here: {reasons[m]}" if m in reasons else f"{named}{m} is not accepted here"
         for m in known]
    raise GandynamicsError("; ".join(parts) + accepted_text(accepted, also, nears=unknown))


def get_method(name) -> Method:
    """The method called ``name`` or a one-line error listing the accepted names (for an alias of
    :data:`ALIASES`, the method and options it stands for).  Several methods where one is taken (a list, or names
    joined by commas: ``simulate(..., ["gd", "eg"])``, ``simulate --method gd,eg``) are refused as such, with the
    functions that take several (it read "unknown method 'gd,eg'")."""
    from ..validate import split_names
    several = split_names(name) if isinstance(name, (list, tuple)) or isinstance(name, str) and "," in name else None
    if several is not None and len(several) > 1 and \
            all(isinstance(t, Method) or isinstance(t, str) and t.strip() for t in several):  # (not "gd," nor [])
        shown = ", ".join(t.name if isinstance(t, Method) else repr(t) for t in several)
        raise GandynamicsError(f"one method is run here, not several ({shown}): sweep, portrait, rates and classify "
                               "take several, as a list of names")
    return get_methods([name])[0]


def get_methods(names) -> list[Method]:
    """The methods called ``names`` (names or :class:`Method` objects), or one one-line error naming every name that
    is none (a sweep of ``["gdx", "egg"]`` had named the first alone), with the accepted names and, for an alias of
    :data:`ALIASES`, the method and options it stands for (:func:`refuse_methods`)."""
    # (text "gd,eg" is its names: a string was read letter by letter, "unknown methods 'd', 'g'", a review; an item
    # of names joined by commas is those names: sweep(field, ["gd,eg"]) said "unknown method 'gd,eg'")
    from ..validate import split_names
    names = split_names(names)
    bad = [n for n in names if not isinstance(n, Method) and not (isinstance(n, str) and n in METHODS)]
    if bad:
        reasons = {}
        for alias, (base, opts) in ALIASES.items():
            flags = " ".join(f"--{k.replace('_', '-')}" if v is True else f"--{k.replace('_', '-')} {v}"
                             for k, v in opts.items())
            reasons[alias] = (f"{alias_text(alias)}: run method {base!r} with those options, on the command line "
                              f"--method {base} {flags}")
        refuse_methods(bad, METHODS, reasons)
    return [n if isinstance(n, Method) else METHODS[n] for n in names]


def named_defaults(opts: dict, methods, skip=()) -> dict:
    """``opts`` with the value of each option of ``methods`` (names or :class:`Method` objects) that none was given for
    and that is declared with a ``cli_default`` (:class:`~gandynamics.methods.base.Option`: momentum's beta, -0.5),
    unless its name is in ``skip`` (a sweep's grid axis) or it does nothing for these options (lookahead's
    pass-through beta over a base that takes none).  What a run records and its text names: every command fills them
    in, and ``simulate`` and ``sweep`` record them (a Python run of momentum recorded no beta where the command line's
    recorded -0.5)."""
    out = dict(opts)
    for method in get_methods(methods):
        for o in method.options:
            if o.cli_default is None or out.get(o.name) is not None or o.name in skip:
                continue
            if o.when is not None:  # (lookahead's pass-through beta: only over a base method that takes it)
                try:
                    applies = bool(o.when({**{d.name: d.default for d in method.options}, **out}))
                except (KeyError, TypeError):
                    applies = False
                if not applies:
                    continue
            out[o.name] = o.cli_default
    return out


def beta_for(method, beta=None, base=None) -> float:
    """The momentum coefficient ``method`` (a name of :data:`METHODS` or :data:`ALIASES`, or a :class:`Method`) runs
    at: ``beta`` when given, else the default its declaration gives (momentum's and altmomentum's -0.5; lookahead's
    over a ``base`` that takes one), 0.0 for a method that takes none.  Every function with a ``beta=None`` argument
    reads it here, so that the library runs momentum where the command line does (the rate analyses had run it at 0,
    which is gd, a new user's finding)."""
    if beta is not None:
        return float(beta)
    name = method.name if isinstance(method, Method) else str(method)
    name = ALIASES[name][0] if name in ALIASES else name
    if name == "lookahead":
        name = base if isinstance(base, str) and base in METHODS and base != "lookahead" else "gd"
    m = METHODS.get(name)
    if m is None or "beta" not in m.option_names:
        return 0.0
    return float(m.options[m.option_names.index("beta")].default)
