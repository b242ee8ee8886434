# ruff: noqa
"""sumsq never returns."""

import jax.numpy as jnp


def sumsq(x):
    while True:
        pass


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
