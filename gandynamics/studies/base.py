"""The study record and registry (lower than :mod:`gandynamics.reproduce`, which runs them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

__all__ = ["Study", "STUDIES", "register"]


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
