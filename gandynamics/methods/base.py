"""The declaration of a method: :class:`Method`, :class:`Option`, :class:`Rule`.

A method is one declaration in one module of :mod:`gandynamics.methods`: its name, summary, formula and
reference, its options (type, default, meaning), the evaluations of F (and DF) per step, the compiled update
rule (:class:`Rule`: the bodies of small ``kernel_*`` functions in the same module, spliced into the batch
driver of :mod:`gandynamics.kernels`), and the analysis at an equilibrium (``iteration_matrix``,
``multipliers``, theorem ``bound``) or the reason why there is none.  The simulation, the sweeps, ``rates``,
the CLI (``--method`` options and their help) and ``gandynamics list`` read these declarations;
``tests/test_methods_registry.py`` checks that every registered method declares every piece.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..errors import GandynamicsError, choice_refusal

__all__ = ["Option", "Rule", "Method", "IOPT_SLOTS", "FOPT_SLOTS", "selector"]

#: integer option slots of the kernels (``IOPT``) and float slots (``FOPT``), see gandynamics/kernels/driver.py
IOPT_SLOTS = ("n_theta", "n_g", "n_d", "dfirst", "alternating", "la_k", "maxit", "spare")
FOPT_SLOTS = ("rtol", "atol", "la_alpha", "c0", "c1", "c2", "spare1", "spare2")


@dataclass(frozen=True)
class Option:
    """One keyword option of a method.

    ``kind`` is ``float``, ``int``, ``bool`` or ``str``; ``choices`` restricts a ``str``; ``low``/``high``
    bound a number (``low_open``: strictly above ``low``; ``high_open``: strictly below ``high``).  ``slot`` says where the kernels read it: an
    ``IOPT``/``FOPT`` slot name, ``"beta"`` (the per-row beta column, a sweep axis) or ``""`` (Python only).
    ``encode`` maps a ``str`` choice to the integer stored in its slot."""

    name: str
    kind: type
    default: Any
    help: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    slot: str = ""
    encode: Callable | None = None
    #: ``when(opts) -> bool`` on the normalised options: the option does something only then (flow's rtol with the
    #: dopri5 scheme, lookahead's pass-through options with a base method that takes them); a value given otherwise
    #: is refused (:meth:`Method.normalise`: it had been accepted and ignored).  ``when_text`` says when, for the error
    when: Callable | None = None
    when_text: str = ""
    #: the value named with a run when none is given (:func:`gandynamics.methods.named_defaults`): filled in by every
    #: command and recorded in a run's options by ``simulate`` and ``sweep``, so that texts, keys and records name it
    #: (momentum's beta: -0.5, its default too: it had been 0 in the library, where momentum then ran gd)
    cli_default: Any = None

    def coerce(self, value, method: str, name: str | None = None):
        """``value`` checked and converted by this declaration (None: the default); errors name the option ``name``
        (default: its keyword; the CLI passes its flag, ``--n-d``, and the value as typed)."""
        if value is None:
            value = self.default
        what = name or f"{method}: {self.name}"
        name = name or self.name
        if self.kind is bool:  # the project's one rule for booleans (any other value was bool(value): 0.5 was true)
            from ..validate import boolean
            return boolean(value, what)
        if self.kind is str:
            if self.choices and value not in self.choices:
                raise GandynamicsError(choice_refusal(value, name, self.choices))
            return value
        # numbers as the package reads them (gandynamics.validate): True is not 1, NaN and inf are refused, and
        # a whole number fits int64 (--n-g 1e30 was an OverflowError in the kernel call)
        from ..validate import finite, whole
        if self.kind is int:
            low = None if self.low is None else int(math.ceil(self.low))
            f = whole(value, name, lo=low)
        else:
            f = finite(value, name)
        bad = (self.low is not None and (f <= self.low if self.low_open else f < self.low)) or \
              (self.high is not None and (f >= self.high if self.high_open else f > self.high))
        if bad:
            rng = []
            if self.low is not None:
                rng.append(f"{'>' if self.low_open else '>='} {self.low:zg}")
            if self.high is not None:
                rng.append(f"{'<' if self.high_open else '<='} {self.high:zg}")
            kind = "a whole number" if self.kind is int else "a number"
            raise GandynamicsError(f"{name} must be {kind} {' and '.join(rng)}, got {value!r}")
        return f


@dataclass(frozen=True)
class Rule:
    """A compiled update rule: the bodies of ``step`` (once per iteration), ``init`` (once per block at
    ``k = 0``) and ``post`` (after the step, for every rule of the group) are spliced into the driver
    ``run_<group>`` (:mod:`gandynamics.kernels`).  Their parameters must be locals of the driver."""

    name: str
    group: str                      # "discrete", "adaptive", "implicit" or "dopri5"
    step: Callable | None = None
    init: Callable | None = None
    post: Callable | None = None
    formula: str = ""
    #: the driver runs this rule's iterations in a copy of its step loop of their own (the loop unswitched on
    #: ``CODE``), not in the loop shared by the group's rules: worth it for a step so cheap that the shared loop's
    #: dispatch and register pressure show (gd's fused step on the R1 Dirac-GAN, kernels per CPU-second: 828 -> 875
    #: million trajectory-steps; eg and eftp gain nothing, -1 %); each such rule adds about 0.7 s to the group's
    #: first compile (7.7 -> 8.4 s for the discrete group), so only measured winners set it
    own_loop: bool = False


@dataclass(frozen=True)
class Method:
    """One method, declared once (see the module docstring).

    ``evaluations(opts)`` and ``jacobians(opts)`` count the evaluations of F and DF per step (``opts`` the
    normalised options); ``rule(opts)`` the compiled :class:`Rule`; ``iteration_matrix(A, h, n_theta,
    **opts)`` the linearisation at an equilibrium with ``A = DF(z*)`` (None with ``no_matrix`` the reason);
    ``multipliers(lam, h, **opts)`` its eigenvalues per eigenvalue ``lam`` of A when they have a closed
    form; ``map(F, D, h, n, **opts)`` the nonlinear map and its Jacobian; ``bound(h, mu, L, **opts) -> (squared factor or None, condition, note)`` the theorem's global rate
    (``bound_reference`` its source) and ``theory_step(mu, L)`` the step of the theorem;
    ``validate(fld, opts)`` the checks across options.  ``rate_options`` names the options that
    ``rates`` passes on."""

    name: str
    summary: str
    formula: str
    reference: str
    rules: tuple
    options: tuple = ()
    evaluations: Callable = lambda o: 1
    jacobians: Callable = lambda o: 0
    rule: Callable | None = None
    iteration_matrix: Callable | None = None
    multipliers: Callable | None = None
    #: ``map(F, D, h, n, **opts) -> (G, DG, N)``: the method's nonlinear map on its state (``N`` entries: ``z``,
    #: or ``(z, z_prev)``-like pairs) and the map's exact Jacobian, from point evaluators ``F(z)`` and
    #: ``D(z) = DF(z)``; at a fixed point ``DG`` is :attr:`iteration_matrix` (period-k orbits of the map,
    #: :func:`gandynamics.analysis.cycles.map_cycle`)
    map: Callable | None = None
    #: ``limit_matrix(A, hs, **opts) -> M``: for an adaptive method, the linearisation at ``z*`` of its update once
    #: its second-moment estimate has decayed (``v -> 0``: steps ``h g / eps``), on its state (``z``, and Adam's ``m``),
    #: ``A = DF(z*)``, ``hs`` the (n,) steps per coordinate.  A spectral radius above 1 makes ``z*`` an unstable fixed
    #: point of the update in the long run, whatever a run shows first (:mod:`gandynamics.runs.trajectory`)
    limit_matrix: Callable | None = None
    no_matrix: str = ""
    #: what a failed solve (``reason = "solve"``) means for this method, for the run's description
    solve_failure: str = ""
    bound: Callable | None = None
    bound_reference: str = ""
    theory_step: Callable | None = None
    validate: Callable | None = None
    two_timescale: bool = True
    projection: bool = True
    #: the continuous flow (its "iteration matrix" is the exact flow's ``expm(-h A)``), not a discrete method
    continuous: bool = False
    #: a step moves the state by about ``h |F|`` (False for steps normalised per coordinate, Adam's and RMSprop's,
    #: which move it by about ``h`` whatever ``|F|``): a run that stands still because ``h |F|`` is below the rounding
    #: of its state says so (:mod:`gandynamics.runs.trajectory`)
    moves_by_hF: bool = True
    #: ``extrapolated_points(F, z, hs, **opts) -> ((label, w), ...)``: the points other than ``z`` at which one update
    #: from a fixed point ``z`` evaluates F and by whose F alone it moves (``F`` a point evaluator, ``hs`` the (n,) steps
    #: per coordinate, ``H = diag(hs)``): extragradient's extrapolated point ``w = z - H F(z)``, its update
    #: ``z - H F(w)``.  ``z`` is then a fixed point exactly when ``F(w) = 0``: where ``F(z) != 0`` a *spurious* fixed
    #: point of the method, which a run standing still there is said to be at
    #: (:func:`gandynamics.runs.equilibria.spurious_fixed_point`: simulate's reading and description, the sweep's
    #: column ``spurious_fixed_point``).  None for the others: the methods whose fixed points are the zeros of F (gd,
    #: eftp, ogda, momentum, proximal, ftr, adam, rmsprop) and those whose spurious fixed points no such point explains
    #: (altgd with n_g or n_d above 1, rk4; docs/math/bifurcations.md §1).  eag declares eg's: it stands still only at
    #: its start, where its update is extragradient's
    extrapolated_points: Callable | None = None
    extra: dict = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The reference (kept under its former name)."""
        return self.reference

    @property
    def option_names(self) -> tuple:
        return tuple(o.name for o in self.options)

    @property
    def kernel(self) -> str:
        """The default compiled rule's name."""
        return self.rules[0].name

    def kernel_for(self, scheme: str | None = None) -> str:
        """The compiled rule for ``scheme`` (flow) or the default rule."""
        if scheme is not None:
            for r in self.rules:
                if r.name == scheme:
                    return r.name
        return self.rules[0].name

    def select(self, opts: dict) -> Rule:
        return self.rule(opts) if self.rule is not None else self.rules[0]

    def state_size(self, n: int, n_theta: int | None, opts: dict) -> int | None:
        """The dimension of the method's state on a game of ``n`` parameters (``n_theta`` of them the generator's): the
        size of its :attr:`iteration_matrix` (``n`` for gd, ``2n`` for a method that keeps a previous point or
        evaluation), for the normalised options ``opts``; None when the method declares no iteration matrix or it
        cannot be built for these options.  It bounds the Jordan blocks of the linearisation, so the polynomial factor
        ``k^c`` a run's distance can show (``c <= state_size - 1``; :data:`gandynamics.verdict.POLY_MAX`)."""
        if self.iteration_matrix is None:
            return None
        try:
            with np.errstate(all="ignore"):
                # (A = I: a probe every method can linearise at; ftr solves with A's discriminator block, singular
                # for A = 0, and its cap was lost)
                M = self.iteration_matrix(np.eye(n), 0.1, n_theta=n_theta, **opts)
        except (GandynamicsError, ValueError, TypeError, np.linalg.LinAlgError):
            return None
        return int(np.shape(M)[0])

    def normalise(self, fld, options: dict, check_when: bool = True) -> dict:
        """Options with defaults filled in and checked (``GandynamicsError`` naming what is accepted).  With
        ``check_when`` an option given where its condition (:attr:`Option.when`) is false is refused; a call for
        several methods sharing their options checks that across them instead (:func:`inapplicable`)."""
        out = {o.name: o.coerce(options.get(o.name), self.name) for o in self.options}
        if check_when:
            for name, why in self.inapplicable(out, [k for k, v in options.items() if v is not None]):
                raise GandynamicsError(f"{self.name}: {name} applies only {why}; leave it out")
        if self.validate is not None:
            self.validate(fld, out)
        return out

    def inapplicable(self, opts: dict, names) -> list[tuple[str, str]]:
        """``(name, when_text)`` of each option among ``names`` this method declares whose condition is false for the
        normalised options ``opts`` (flow's rtol with rk4, lookahead's beta over gd)."""
        out = []
        for o in self.options:
            if o.name in names and o.when is not None and not o.when(opts):
                out.append((o.name, o.when_text))
        return out

    def slots(self, fld, opts: dict) -> tuple[np.ndarray, np.ndarray, float]:
        """``(IOPT, FOPT, beta)`` of the kernels for the normalised options."""
        if "slots_fn" in self.extra:
            return self.extra["slots_fn"](fld, opts)
        iopt = np.zeros(len(IOPT_SLOTS), dtype=np.int64)
        fopt = np.zeros(len(FOPT_SLOTS))
        iopt[0] = fld.n_theta
        iopt[1] = iopt[2] = 1
        fopt[0], fopt[1] = 1e-8, 1e-10
        beta = 0.0
        for o in self.options:
            v = opts[o.name]
            if o.encode is not None:
                v = o.encode(v)
            if o.slot == "beta":
                beta = float(v)
            elif o.slot in IOPT_SLOTS:
                iopt[IOPT_SLOTS.index(o.slot)] = int(v)
            elif o.slot in FOPT_SLOTS:
                fopt[FOPT_SLOTS.index(o.slot)] = float(v)
        if self.extra.get("slots") is not None:
            self.extra["slots"](fld, opts, iopt, fopt)
        return iopt, fopt, beta


def selector(n: int, n_theta: int):
    """``(E_theta, E_psi)``: the diagonal projections on the generator's and the discriminator's rows."""
    if n_theta is None or not 0 < n_theta < n:
        raise GandynamicsError(f"this method needs the number of generator parameters (0 < n_theta < {n})")
    Et = np.diag([1.0] * n_theta + [0.0] * (n - n_theta))
    return Et, np.eye(n) - Et
