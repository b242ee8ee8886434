"""Contract tests over every registered function (built-in or plugin).

A new plugin's functions are tested the moment they register: autodiff agrees
with finite differences and with the analytic derivative, check_grad passes,
and derivative/backward work under jit and vmap.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit as gk
from gradkit._config import float64

BUILTIN = (
    "quadratic",
    "dot2",
    "doubling",
    "sin",
    "log-sin",
    "x-pow-x",
    "cubic-minus-inverse",
    "quad-exp",
)
NAMES = gk.functions.names()


def test_builtins_are_registered_by_gradkit():
    for name in BUILTIN:
        spec = gk.functions[name]
        assert "built-in" in spec.provider
        assert spec.description and spec.derivative is not None


@pytest.mark.parametrize(
    "name,x,value,slope",
    [
        ("quadratic", 1.0, -1.0, 2.0),
        ("sin", 0.0, 0.0, 1.0),
        ("log-sin", 1.0, 1.0, np.log(1.0) * np.cos(1.0) + 2 * np.sin(1.0) - 1.0),
        ("x-pow-x", 2.0, 4.0, 4.0 * (np.log(2.0) + 1)),
        ("cubic-minus-inverse", 1.0, 0.0, 4.0),  # D2L §2.4 ex. 1: tangent y = 4x - 4
    ],
)
def test_known_values(name, x, value, slope):
    spec = gk.functions[name]
    with float64():
        x = jnp.float64(x)
        assert float(spec(x)) == pytest.approx(value, rel=1e-12, abs=1e-12)
        assert float(spec.derivative(x)) == pytest.approx(slope, rel=1e-12)
        assert float(gk.derivative(spec.fn)(x)) == pytest.approx(slope, rel=1e-12)


def test_vector_functions():
    x = jnp.arange(4.0)
    assert float(gk.functions["dot2"](x)) == 28.0
    np.testing.assert_array_equal(gk.grad(gk.functions["dot2"].fn)(x), 4 * x)
    q = jnp.array([1.0, 0.0])
    np.testing.assert_allclose(gk.grad(gk.functions["quad-exp"].fn)(q), [6.0, 5.0])


@functools.cache
def _ad(name):
    """Autodiff derivative of a registered function, jitted once per name."""
    spec = gk.functions[name]
    x = spec.sampler(jax.random.key(0))
    if jnp.shape(spec.fn(x)) == ():
        return jax.jit(gk.grad(spec.fn)), "grad"
    return jax.jit(gk.derivative(spec.fn)), "elementwise"


@functools.cache
def _exact(name):
    return jax.jit(gk.functions[name].derivative)


def _sample(name, seed):
    with float64():
        return gk.functions[name].sampler(jax.random.key(seed)).astype(jnp.float64)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_autodiff_matches_numerics_and_analytic(name, seed):
    spec = gk.functions[name]
    x = _sample(name, seed)
    with float64():
        ad, _ = _ad(name)
        got = np.asarray(ad(x))
        num = np.asarray(gk.numerical_derivative(spec.fn, method="richardson")(x))
        np.testing.assert_allclose(got, num, rtol=1e-7, atol=1e-9, err_msg=f"{name} at {x}")
        if spec.derivative is not None:
            exact = np.asarray(_exact(name)(x))
            np.testing.assert_allclose(got, exact, rtol=1e-10, atol=1e-12, err_msg=name)
    assert gk.check_grad(spec.fn, x), name


@pytest.mark.parametrize("name", NAMES)
def test_check_grad_second_order(name):
    spec = gk.functions[name]
    report = gk.check_grad(spec.fn, _sample(name, 7), order=2, modes=("fwd",))
    assert report, str(report)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_and_backward_under_jit_and_vmap(name):
    spec = gk.functions[name]
    keys = jax.random.split(jax.random.key(3), 3)
    xs = jnp.stack([spec.sampler(k) for k in keys])
    ad, kind = _ad(name)
    one_by_one = jnp.stack([ad(x) for x in xs])
    np.testing.assert_allclose(jax.vmap(ad)(xs), one_by_one, rtol=1e-6)
    # backward with ones is the gradient of the sum: equal to the derivative here
    back = jax.jit(jax.vmap(lambda x: gk.backward(spec.fn, x)))(xs)
    np.testing.assert_allclose(back, one_by_one, rtol=1e-6, err_msg=f"{name} ({kind})")


def test_check_grad_on_doubling_a_little_away_from_a_jump():
    # Regression: with fewer, larger Richardson steps the numerical side crossed
    # one of doubling's jumps (at 1000 / 2**k) and check_grad failed at this a.
    with float64():
        assert gk.check_grad(gk.functions["doubling"].fn, jnp.float64(0.00225233))
