"""The continuous flow ``z' = v(z) = -F(z)`` (docs/mathematics.md §0.1): explicit Runge--Kutta with the
tableaux of :mod:`gandynamics.methods.tableaux` -- ``scheme="rk4"`` (classical RK4, time step h, block
stepper below) or ``scheme="dopri5"`` (Dormand--Prince 5(4), adaptive, ``rtol``/``atol``, output every h;
``gandynamics/kernels/dopri5.py``).  Hairer, Norsett & Wanner I, §II.1, §II.4-5.

RK4 at a fixed step h is not the flow: on ``z' = J z`` one step multiplies each eigen-component by ``R(h w)``,
``R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24`` (:meth:`~gandynamics.methods.tableaux.Tableau.stability_function`), where
the flow multiplies it by ``exp(h w)``.  On the imaginary axis ``|R(i h omega)| < 1`` for ``0 < h omega < 2 sqrt 2``:
RK4 damps a centre of the flow (the bilinear game at h = 1: 0.993905 per step, where the flow keeps ``|z|``), and a
weakly repelling focus too.  A run read "converging" at such a rate is the integrator's, not the flow's: ``simulate``
and ``sweep`` read it "bounded, not converging" where the flow's linearisation at z* does not contract
(:func:`gandynamics.runs.equilibria.integrator_damping`; the reading's ``integrator_damping``), and say the flow's own
rate beside "converging" where RK4 contracts clearly faster than the flow.  ``scheme="dopri5"`` follows the flow to
its tolerances, and its rows are not read so.  The linearisation the analyses use (:func:`iteration_matrix`) is the
exact flow map."""

from __future__ import annotations

import math

import numpy as np

from ..kernels.stubs import field_block
from .base import Method, Option, Rule
from .tableaux import DOPRI5, RK4

SCHEMES = ("rk4", "dopri5")

# the block stepper reads the tableau from the module globals _RK_A (stages x stages), _RK_B (stages,),
# written by gandynamics.kernels.kernel_source from tableaux.RK4
_RK_A = RK4.A_array(cols=RK4.stages)
_RK_B = RK4.b_array()


def kernel_step(z, f, ks, hs, pb, n, NW):
    """One explicit RK step of ``z' = -F(z)``: stage ``s`` is ``F`` at ``z - h sum_{j<s} a_sj F_j``,
    then ``z <- z - h sum_s b_s F_s``."""
    S = _RK_B.shape[0]
    field_block(z, pb, ks[0], NW)
    for s in range(1, S):
        for i in range(n):
            for b in range(NW):
                acc = 0.0
                for j in range(s):
                    acc += _RK_A[s, j] * ks[j, i, b]
                f[i, b] = z[i, b] - hs[i, b] * acc
        field_block(f, pb, ks[s], NW)
    for i in range(n):
        for b in range(NW):
            acc = 0.0
            for s in range(S):
                acc += _RK_B[s] * ks[s, i, b]
            z[i, b] -= hs[i, b] * acc


def iteration_matrix(A, h, n_theta=None, **opts):
    """The exact flow map over a time ``h``: ``expm(-h A)``."""
    from scipy.linalg import expm  # (here: the registry of methods is imported by every command's options)
    return expm(-h * A)


def bound(h, mu, L, **opts):
    return math.exp(-2 * mu * h), "mu > 0", ""


def _validate(fld, o):
    pass


def _dopri5(o) -> bool:
    return o["scheme"] == "dopri5"


METHOD = Method(
    name="flow", continuous=True, summary="the continuous flow z' = -F(z): RK4 or adaptive Dormand-Prince 5(4)",
    formula="z' = -F(z)", reference="continuous flow: RK4 or Dormand-Prince 5(4) (Hairer, Norsett & Wanner I)",
    rules=(Rule("rk4", "discrete", kernel_step, formula="classical Runge-Kutta 4 for z' = -F(z)"),
           Rule("dopri5", "dopri5", formula="Dormand-Prince 5(4), adaptive, for z' = -F(z)")),
    options=(Option("scheme", str, "rk4", "rk4 (fixed step h) or dopri5 (adaptive, output every h)", choices=SCHEMES),
             Option("rtol", float, 1e-8, "dopri5: relative tolerance", low=0.0, low_open=True, slot="rtol",
                    when=_dopri5, when_text="with scheme dopri5 (rk4 takes fixed steps)"),
             Option("atol", float, 1e-10, "dopri5: absolute tolerance", low=0.0, low_open=True, slot="atol",
                    when=_dopri5, when_text="with scheme dopri5 (rk4 takes fixed steps)")),
    evaluations=lambda o: RK4.stages if o["scheme"] == "rk4" else DOPRI5.stages + 1,
    rule=lambda o: METHOD.rules[0] if o["scheme"] == "rk4" else METHOD.rules[1],
    iteration_matrix=iteration_matrix, bound=bound,
    bound_reference="derived: d/dt |z - z*|^2 <= -2 mu |z - z*|^2, so |z(t) - z*| <= exp(-mu t) |z(0) - z*|",
    theory_step=lambda mu, L: 1 / L, two_timescale=False, projection=False,
    extra={"tableaux": {"rk4": RK4, "dopri5": DOPRI5}})
