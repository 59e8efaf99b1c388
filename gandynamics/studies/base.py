"""The study record and registry (lower than :mod:`gandynamics.reproduce`, which runs them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

__all__ = ["Study", "STUDIES", "register", "GUARD_SECONDS"]

#: the wall-clock budget studies give a certification (``max_seconds``): a guard only.  Every certification of a
#: study stops on its box budget (``max_boxes``) or its tolerance, so that the gallery's numbers do not depend on
#: the machine or its load (a 2 s budget made the asymmetric-eftp table's mu bracket differ between an idle and a
#: busy run: 20,000 boxes in 1.1 s idle, fewer in 2 s under load)
GUARD_SECONDS = 600.0


@dataclass(frozen=True)
class Study:
    """A reproduced figure: ``func(ctx)`` computes, draws and checks."""

    name: str
    title: str
    paper: str
    func: Callable
    needs: tuple = ()
    order: int = 100


#: name -> Study, filled by :func:`register` when the modules of :data:`gandynamics.studies.STUDY_MODULES` load
STUDIES: dict = {}


def register(name: str, title: str, paper: str, needs: Sequence[str] = (), order: int = 100):
    """Decorator registering ``func(ctx)`` as a study.  ``needs`` lists modules (``gandynamics.simulate``)
    or games (``game:lq-wgan``) the study requires."""
    def deco(func):
        STUDIES[name] = Study(name, title, paper, func, tuple(needs), order)
        return func
    return deco
