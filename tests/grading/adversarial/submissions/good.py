# ruff: noqa
"""Honest: every exercise right."""

import jax.numpy as jnp


def sumsq(x):
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
