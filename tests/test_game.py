import numpy as np
import pytest
import sympy as sp

from gandynamics import GAN, Atoms, Game, GandynamicsError, VectorField


def test_zero_sum_game_operator():
    x, y = sp.symbols("x y")
    g = Game.zero_sum(x, y, x * y)
    f = VectorField(g)
    # F = (grad_x L, -grad_y L) = (y, -x)
    assert list(f.F) == [f.z[1], -f.z[0]]


def test_unknown_symbols_are_named():
    x, y, a = sp.symbols("x y a")
    with pytest.raises(GandynamicsError, match="neither parameters nor hyperparameters: a"):
        Game.zero_sum(x, y, a * x * y)
    # declared as a hyperparameter it is fine, with its default
    g = Game.zero_sum(x, y, a * x * y, hyper={"a": 2.0})
    assert VectorField(g).defaults == {"a": 2.0}


def test_equilibrium_length_checked():
    x, y = sp.symbols("x y")
    with pytest.raises(GandynamicsError, match="equilibrium has 3 entries"):
        Game.zero_sum(x, y, x * y, equilibrium=(0, 0, 0))


def test_gan_objective_is_mescheder_eq1():
    # Dirac-GAN: L = f(psi theta) + f(0) (M18 eq. 6)
    th, ps, xx = sp.symbols("theta psi x", real=True)
    gan = GAN([th], [ps], [xx], ps * xx, real=Atoms([0]), fake=Atoms([th]), loss="wgan")
    assert sp.simplify(gan.objective() - ps * th) == 0
    game = gan.to_game()
    assert sp.simplify(game.loss_g + game.loss_d) == 0  # zero-sum without penalties


def test_non_saturating_field_matches_mescheder_code():
    # docs/mathematics.md §1.2: v = (-psi f'(-psi theta), theta f'(psi theta)), f' = sigmoid(-t)
    from gandynamics.games import dirac
    f = VectorField(dirac("non-saturating"))
    th, ps = 0.7, -1.3
    fp = lambda u: 1 / (1 + np.exp(u))
    np.testing.assert_allclose(f.eval_v((th, ps)), [-ps * fp(-ps * th), th * fp(ps * th)], rtol=1e-14, atol=0)


def test_standard_dirac_field_matches_mescheder_code():
    from gandynamics.games import dirac
    f = VectorField(dirac())
    th, ps = -0.4, 2.2
    fp = lambda u: 1 / (1 + np.exp(u))
    np.testing.assert_allclose(f.eval_v((th, ps)), [-ps * fp(ps * th), th * fp(ps * th)], rtol=1e-14, atol=0)


def test_distinct_names_required():
    a = sp.Symbol("a")
    with pytest.raises(GandynamicsError, match="distinct"):
        Game([a], [sp.Symbol("a", real=True)], a, -a)


def test_a_symbol_is_a_parameter_or_a_hyperparameter_not_both():
    # hyper={x: 1.0} with x in theta was accepted; the analysis then failed with "equilibrium search ... failed:
    # residual ||F|| = 1" at the true equilibrium
    x, y = sp.symbols("x y")
    with pytest.raises(GandynamicsError, match=r"^game 'g': x named both as a parameter \(theta, psi\) and as "
                                               r"a hyperparameter \(hyper\); a symbol is one or the other$"):
        Game(theta=[x], psi=[y], loss_g=x * y + x**2, loss_d=-x * y, hyper={x: 1.0}, name="g")
    with pytest.raises(GandynamicsError, match=r"^game 'g': x, y named both as parameters \(theta, psi\) and as "
                                               r"hyperparameters \(hyper\);"):
        Game(theta=[x], psi=[y], loss_g=x * y + x**2, loss_d=-x * y, hyper={x: 1.0, y: 2.0}, name="g")
    with pytest.raises(GandynamicsError, match=r"^game 'g': y named both"):
        Game(theta=[x], psi=[y], loss_g=x * y, loss_d=-x * y, hyper={"y": 2.0}, name="g")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "-inf"])
def test_a_hyperparameter_default_is_finite(value):
    x, y, a = sp.symbols("x y a")
    with pytest.raises(GandynamicsError, match=r"^hyperparameter a needs a finite default, got "):
        Game(theta=[x], psi=[y], loss_g=a * x * y, loss_d=-a * x * y, hyper={a: value})


def _loss_kinds():
    """Losses that are not finite real scalars, one member of each kind that reached code generation or the
    equilibrium search (a traceback, or a misleading 'equilibrium search failed'): non-finite constants
    (oo * x * y made F NaN everywhere; nan * x * y differentiated to F = 0, a 'marginal' verdict), a matrix
    expression (Identity(2) * x printed as an undefined name I), a non-commutative value (a quaternion, printed
    with undefined names i, j, k), a malformed sympy node (CosineTransform(x), one argument of three: IndexError
    inside sympy)."""
    from sympy.algebras.quaternion import Quaternion
    x, y = sp.symbols("x y", real=True)
    q = sp.Symbol("q", commutative=False)
    return [
        (c * x * y, "non-finite constant") for c in (sp.oo, -sp.oo, sp.zoo)
    ] + [
        (sp.nan * x, "non-finite constant"),
        (x * y + sp.Piecewise((sp.oo, x > 0), (0, True)), "non-finite constant"),
        (sp.Identity(2) * x * y, "matrix expression"),
        (sp.MatrixSymbol("M", 2, 2)[0, 0] * x * y, "matrix expression"),
        (Quaternion(x * y, 0, 0, 0), "non-commutative"),
        (q * x * y, "non-commutative"),
        (sp.CosineTransform(x) * y, "not a well-formed sympy expression"),
    ]


@pytest.mark.parametrize("loss, why", _loss_kinds(), ids=lambda v: v if isinstance(v, str) else None)
def test_a_loss_that_is_not_a_finite_real_scalar_is_refused_at_construction(loss, why):
    x, y = sp.symbols("x y", real=True)
    for lg, ld in ((loss, x * y), (x * y, loss)):
        with pytest.raises(GandynamicsError, match=why) as e:
            Game([x], [y], lg, ld)
        assert "\n" not in str(e.value)


# ---- the other arguments of Game and GAN, by kind (generated members): hyper=3 or "gamma" ended in dict()'s
# TypeError/ValueError, a GAN's hyper=None in a TypeError from the regularizers, penalties=None in a TypeError from the
# field's derivation, name=3 was taken
def _bad_arguments():
    x, y, z = sp.symbols("x y z", real=True)
    game = dict(theta=[x], psi=[y], loss_g=x * y, loss_d=-x * y)
    gan = dict(theta=[x], psi=[y], x=[z], discriminator=y * z, real=Atoms([0]), fake=Atoms([x]))
    for kind, base in (("Game", game), ("GAN", gan)):
        make = Game if kind == "Game" else GAN
        for bad in (3, "gamma", [("gamma", 0.3)], float("nan"), {1, 2}):
            yield kind, "hyper", r"hyper must be a mapping of hyperparameter names", lambda m=make, b=base, v=bad: \
                VectorField(m(**b, hyper=v), [])
        for bad in ({3: 0.3}, {None: 0.3}, {"": 0.3}):
            yield kind, "hyper key", r"hyper: a hyperparameter's name must be a name or a sympy Symbol", \
                lambda m=make, b=base, v=bad: VectorField(m(**b, hyper=v), [])
        for bad in (True, np.bool_(False)):  # (read as 1.0 and 0.0)
            yield kind, "hyper value", r"^hyperparameter gamma needs a numeric default", \
                lambda m=make, b=base, v=bad: VectorField(m(**b, hyper={"gamma": v}), [])
        for bad in (3, None, ["g"], "", float("nan")):
            yield kind, "name", r"^the game: name must be non-empty text", \
                lambda m=make, b=base, v=bad: VectorField(m(**b, name=v), [])
        for bad in (3, None, ["kink"]):
            yield kind, "nonsmooth", r"nonsmooth must be text", \
                lambda m=make, b=base, v=bad: VectorField(m(**b, name="g", nonsmooth=v), [])
    for bad in (3, None, x * y, "x*y", {"p": x}):
        yield "GAN", "penalties", r"^game 'g': penalties must be a tuple of sympy expressions", \
            lambda v=bad: VectorField(GAN(**gan, name="g", penalties=v), [])
    for bad in ([None], ("x**2",), [[x]], [{"a": 1}]):
        yield "GAN", "penalties", r"^game 'g': penalties must be sympy expressions", \
            lambda v=bad: VectorField(GAN(**gan, name="g", penalties=v), [])


@pytest.mark.parametrize("kind, arg, match, make", list(_bad_arguments()),
                         ids=lambda a: a if isinstance(a, str) and not a.startswith(("^", "hyper", "nonsmooth")) else "")
def test_game_and_gan_arguments_of_the_wrong_kind_are_refused(kind, arg, match, make):
    with pytest.raises(GandynamicsError, match=match) as e:
        make()
    assert "\n" not in str(e.value)


def test_a_gan_without_hyperparameters_may_say_none():
    x, y, z = sp.symbols("x y z", real=True)
    gan = GAN([x], [y], [z], y * z, Atoms([0]), Atoms([x]), hyper=None, penalties=[x**2])
    assert gan.hyper == {} and gan.penalties == (x**2,)
    from gandynamics import R1
    assert VectorField(gan, [R1(gamma=0.3)]).defaults == {"gamma": 0.3}
