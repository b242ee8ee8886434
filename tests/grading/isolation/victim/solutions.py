# ruff: noqa
"""Another student's honest work, on the same disk as every submission."""

import jax.numpy as jnp


def sumsq(x):
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
