"""A strongly monotone game whose modulus on the unit ball, 1/2, is attained only at the origin:
F = (x/2 + x^3 + y, y/2 + y^3 - x), sym DF = diag(1/2 + 3x^2, 1/2 + 3y^2)."""
import sympy as sp

import gandynamics as gd

x, y = sp.symbols("x y", real=True)
game = gd.Game(theta=[x], psi=[y], loss_g=x ** 2 / 4 + x ** 4 / 4 + x * y, loss_d=y ** 2 / 4 + y ** 4 / 4 - x * y,
               equilibrium=(0, 0), name="quartic-monotone")
