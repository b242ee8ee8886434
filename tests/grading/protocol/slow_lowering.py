# ruff: noqa
"""sumsq is a scan unrolled 40 000 times: quick to trace, slow to lower.

The honest entries traced with it in one combined artifact must not be blamed.
"""

import jax
import jax.numpy as jnp


def sumsq(x):
    def step(carry, _):
        return carry * 1.0, None

    total, _ = jax.lax.scan(step, jnp.sum(x**2), None, length=40000, unroll=40000)
    return total


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
