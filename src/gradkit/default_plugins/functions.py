"""Built-in functions, registered through the same hook plugins use.

The seed notebook's functions and D2L §2.4–2.5's exercise functions, under
stable names that exercises and the grader pass to students' code. Scalar
functions act elementwise; each sampler stays inside its function's domain and
away from points where the derivative is undefined.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from gradkit._control import while_loop
from gradkit._registry import FunctionSpec
from gradkit.hookspecs import hookimpl

# Enough doublings to take any non-zero float32 (down to 1e-45) past 1000;
# a float64 below ~1e-45 exhausts the loop and yields NaN, never a wrong number.
DOUBLING_MAX_STEPS = 160


def quadratic(x: jax.Array) -> jax.Array:
    """Return 3x² − 4x (D2L §2.4), elementwise."""
    return 3 * x**2 - 4 * x


def dot2(x: jax.Array) -> jax.Array:
    """Return 2xᵀx (D2L §2.5.1); the gradient is 4x."""
    return 2 * jnp.dot(x, x)


def doubling(a: jax.Array) -> jax.Array:
    """Double ``2a`` until its norm reaches 1000, then keep it if its sum is positive, else ×100.

    D2L §2.5.4's Python-control-flow function, written with `gradkit.while_loop`
    (the default ``kind="auto"``: forward and reverse mode, costing the ~10
    steps taken whatever the bound) and `jax.lax.cond`, so it
    jits, vmaps and differentiates in both modes. It is piecewise linear, so
    ``grad(doubling)(a) == doubling(a) / a`` for scalar ``a ≠ 0``. At ``a = 0`` the
    loop never ends and the result is NaN (the loop's exhaustion signal).
    """
    b = while_loop(
        lambda b: jnp.linalg.norm(b) < 1000,
        lambda b: 2 * b,
        2 * a,
        max_steps=DOUBLING_MAX_STEPS,
    )
    return jax.lax.cond(jnp.sum(b) > 0, lambda b: b, lambda b: 100 * b, b)


def log_sin(x: jax.Array) -> jax.Array:
    """Return log(x²)·sin x + 1/x (D2L §2.5 ex. 5), elementwise, for x ≠ 0."""
    return jnp.log(x**2) * jnp.sin(x) + 1 / x


def x_pow_x(x: jax.Array) -> jax.Array:
    """Return xˣ, elementwise, for x > 0."""
    return x**x


def cubic_minus_inverse(x: jax.Array) -> jax.Array:
    """Return x³ − 1/x (D2L §2.4 ex. 6), elementwise, for x ≠ 0."""
    return x**3 - 1 / x


def quad_exp(x: jax.Array) -> jax.Array:
    """Return 3x₁² + 5e^{x₂} for x ∈ R² (D2L §2.4 ex. 7)."""
    return 3 * x[0] ** 2 + 5 * jnp.exp(x[1])


def _uniform(low: float, high: float, shape: tuple[int, ...] = ()) -> Callable[[Any], jax.Array]:
    def sample(key: Any) -> jax.Array:
        return jax.random.uniform(key, shape, minval=low, maxval=high)

    return sample


def _signed(low: float, high: float) -> Callable[[Any], jax.Array]:
    """Sample |x| in [low, high] with a random sign: stays away from a pole at 0."""

    def sample(key: Any) -> jax.Array:
        k_sign, k_mag = jax.random.split(key)
        mag = jax.random.uniform(k_mag, (), minval=low, maxval=high)
        return jnp.where(jax.random.bernoulli(k_sign), mag, -mag)

    return sample


def _log_uniform_signed(low: float, high: float) -> Callable[[Any], jax.Array]:
    """Sample |x| log-uniformly in [low, high] with a random sign (tiny to large)."""

    def sample(key: Any) -> jax.Array:
        k_sign, k_mag = jax.random.split(key)
        logs = jax.random.uniform(k_mag, (), minval=jnp.log(low), maxval=jnp.log(high))
        mag = jnp.exp(logs)
        return jnp.where(jax.random.bernoulli(k_sign), mag, -mag)

    return sample


def _normal(shape: tuple[int, ...]) -> Callable[[Any], jax.Array]:
    def sample(key: Any) -> jax.Array:
        return jax.random.normal(key, shape)

    return sample


SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="quadratic",
        fn=quadratic,
        description="3x² − 4x (D2L §2.4)",
        sampler=_uniform(-3.0, 3.0),
        derivative=lambda x: 6 * x - 4,
    ),
    FunctionSpec(
        name="dot2",
        fn=dot2,
        description="2xᵀx for x ∈ R⁴ (D2L §2.5.1)",
        sampler=_normal((4,)),
        derivative=lambda x: 4 * x,
    ),
    FunctionSpec(
        name="doubling",
        fn=doubling,
        description="double 2a until ‖b‖ ≥ 1000; b if Σb > 0 else 100b (D2L §2.5.4)",
        sampler=_log_uniform_signed(1e-3, 1e3),
        derivative=lambda a: doubling(a) / a,
    ),
    FunctionSpec(
        name="sin",
        fn=jnp.sin,
        description="sin x (D2L §2.5 ex. 4)",
        sampler=_uniform(-6.0, 6.0),
        derivative=jnp.cos,
    ),
    FunctionSpec(
        name="log-sin",
        fn=log_sin,
        description="log(x²)·sin x + 1/x, x ≠ 0 (D2L §2.5 ex. 5)",
        sampler=_signed(0.5, 4.0),
        derivative=lambda x: 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2,
    ),
    FunctionSpec(
        name="x-pow-x",
        fn=x_pow_x,
        description="xˣ, x > 0 (D2L §2.4 ex. 4)",
        sampler=_uniform(0.5, 3.0),
        derivative=lambda x: x**x * (jnp.log(x) + 1),
    ),
    FunctionSpec(
        name="cubic-minus-inverse",
        fn=cubic_minus_inverse,
        description="x³ − 1/x, x ≠ 0 (D2L §2.4 ex. 6)",
        sampler=_signed(0.5, 3.0),
        derivative=lambda x: 3 * x**2 + 1 / x**2,
    ),
    FunctionSpec(
        name="quad-exp",
        fn=quad_exp,
        description="3x₁² + 5e^{x₂}, x ∈ R² (D2L §2.4 ex. 7)",
        sampler=_normal((2,)),
        derivative=lambda x: jnp.stack([6 * x[0], 5 * jnp.exp(x[1])]),
    ),
)


@hookimpl
def register_functions(register: Callable[[FunctionSpec], None]) -> None:
    """Register the built-in functions."""
    for spec in SPECS:
        register(spec)
