import sympy as sp

x = undefined_name + 1


def game():
    return None
