import sympy as sp


def game(:
    pass
