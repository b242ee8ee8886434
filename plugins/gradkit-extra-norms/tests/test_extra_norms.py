"""gradkit-extra-norms keeps gradkit's contracts and has the textbook values."""

import gradkit_extra_norms as plugin
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gradkit.testing import check_function, check_norm


def registered(hook):
    items = []
    hook(items.append)
    return {spec.name: spec for spec in items}


NORMS = registered(plugin.register_norms)
FUNCTIONS = registered(plugin.register_functions)


def test_it_registers_four_norms_and_two_functions():
    assert list(NORMS) == ["huber", "schatten-1", "schatten-3", "l21"]
    assert list(FUNCTIONS) == ["log-cosh", "swish"]


@pytest.mark.parametrize("name", list(NORMS))
def test_norm_contract(name):
    check_norm(NORMS[name], examples=10)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_contract(name):
    check_function(FUNCTIONS[name])


def test_values():
    a = jnp.array([[3.0, 0.0], [0.0, -4.0]])
    assert float(NORMS["schatten-1"].fn(a)) == pytest.approx(7.0)
    assert float(NORMS["schatten-3"].fn(a)) == pytest.approx(91 ** (1 / 3))
    assert float(NORMS["l21"].fn(a)) == pytest.approx(7.0)
    assert float(NORMS["huber"].fn(jnp.array([0.5, -2.0]))) == pytest.approx(0.125 + 1.5)


def test_gradients_at_zero_are_zero():
    for name in ("schatten-1", "schatten-3", "l21"):
        g = jax.grad(NORMS[name].fn)(jnp.zeros((2, 3)))
        np.testing.assert_array_equal(g, np.zeros((2, 3)))
    np.testing.assert_array_equal(jax.grad(NORMS["huber"].fn)(jnp.zeros(3)), np.zeros(3))


def test_schatten_p_needs_p_at_least_1():
    from gradkit_extra_norms._kernels import schatten

    with pytest.raises(ValueError, match=r"the Schatten p-norm needs p >= 1, got p=0.5"):
        schatten(0.5)
