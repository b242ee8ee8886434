"""The jaxtyping annotations of the public maths are true: a runtime checker holds calls to them.

gradkit itself checks nothing against its annotations (no decorator, no cost);
here `jaxtyping.jaxtyped` with beartype checks each argument and result of
representative calls against them, shapes and pytree structures included.
"""

from __future__ import annotations

import typing

import jax.numpy as jnp
import numpy as np
import pytest
from beartype import beartype
from jaxtyping import Array, ArrayLike, Bool, Float, TypeCheckError, jaxtyped

import gradkit as gk

PUBLIC_MATHS = [
    "backward",
    "check_grad",
    "derivative",
    "detach",
    "difference_quotient",
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "limit_table",
    "norm",
    "numerical_derivative",
    "value_and_grad",
    "while_loop",
]

# while_loop's module imports jaxtyping for type checkers only (the CLI loads it), and its
# type parameter is not a global (Python 3.12's get_type_hints does not look at it)
LOCAL_NAMES = {
    "while_loop": {"ArrayLike": ArrayLike, "Bool": Bool, "Carry": gk.while_loop.__type_params__[0]}
}
X = jnp.array([0.5, 1.0, 2.0])
TREE = {"a": X, "b": (jnp.float32(3.0),)}


def checked(name: str) -> typing.Any:
    return jaxtyped(typechecker=beartype)(getattr(gk, name))


@pytest.mark.parametrize("name", PUBLIC_MATHS)
def test_every_annotation_resolves(name):
    # the names exist at run time and jaxtyping parses every shape string
    hints = typing.get_type_hints(getattr(gk, name), localns=LOCAL_NAMES.get(name))
    assert "return" in hints


def sq(x):
    return jnp.sum(x**2)


def tree_sq(t):
    return jnp.sum(t["a"] ** 2) + t["b"][0] ** 2


@pytest.mark.parametrize(
    "name,args,kwargs",
    [
        ("norm", (X,), {}),
        ("norm", ([[3.0, 4.0]],), {"axis": 1, "keepdims": True}),
        ("norm", (np.ones((2, 3), np.int32),), {"ord": "fro"}),
        ("backward", (jnp.sin, X), {}),
        ("backward", (lambda t: t["a"] * t["b"][0], TREE), {"cotangent": jnp.ones(3)}),
        ("backward", (jnp.sin, 0.5), {}),
        ("hvp", (sq, X, X), {}),
        ("hvp", (tree_sq, TREE, TREE), {}),
        ("detach", (TREE,), {}),
        ("detach", (3,), {}),
        ("check_grad", (sq, X), {}),
        ("check_grad", (lambda t, y: tree_sq(t) * y, TREE, 2.0), {}),
        ("difference_quotient", (sq, X, jnp.array([0.1, 0.01])), {}),
        ("difference_quotient", (lambda x: 3 * x**2, 1, 0.1), {"dtype": jnp.float64}),
        ("limit_table", (lambda x: 3 * x**2 - 4 * x, 1.0), {"exact": 2.0}),
    ],
)
def test_calls_hold_their_annotations(name, args, kwargs):
    checked(name)(*args, **kwargs)


@pytest.mark.parametrize("name", ["grad", "value_and_grad", "jacobian", "hessian", "derivative"])
def test_transforms_hold_their_annotations(name):
    transform = checked(name)(sq if name != "jacobian" else jnp.sin)
    transform(X if name != "derivative" else jnp.float32(0.5))
    df = checked("numerical_derivative")(jnp.sin)
    assert isinstance(df(X), Float[Array, "3"])


@jaxtyped(typechecker=beartype)
def derivative_of_sin(x: Float[Array, "*shape"]) -> Float[Array, "*shape"]:
    return gk.derivative(jnp.sin)(x)  # what derivative's Callable[...] promises


def test_derivative_keeps_the_shape_it_promises():
    for shape in ((), (3,), (2, 3)):
        derivative_of_sin(jnp.ones(shape))


def _wrong_shape(x: Float[Array, "*shape"]) -> Float[Array, "*shape"]:
    return gk.derivative(jnp.sin)(x)[:2]


def test_a_wrong_argument_or_result_is_caught():
    # the annotations say something: a checker refuses what they exclude
    with pytest.raises(TypeCheckError, match=r"parameter 'v'"):
        checked("hvp")(sq, X, "not an array")
    with pytest.raises(TypeCheckError, match=r"parameter 'v'"):
        checked("hvp")(tree_sq, TREE, X)  # v must have x's structure (" X")
    with pytest.raises(TypeCheckError, match=r"parameter 'x'"):
        checked("difference_quotient")(sq, 1.0 + 2.0j, 0.1)  # complex: not Real
    with pytest.raises(TypeCheckError, match=r"parameter 'x'"):
        checked("backward")(jnp.sin, jnp.arange(3))  # an integer point: not Inexact
    with pytest.raises(TypeCheckError, match=r"return value"):
        jaxtyped(typechecker=beartype)(_wrong_shape)(jnp.ones(3))
