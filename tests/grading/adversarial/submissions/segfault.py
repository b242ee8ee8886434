# ruff: noqa
"""sumsq dereferences a null pointer through ctypes."""

import ctypes

import jax.numpy as jnp


def sumsq(x):
    ctypes.string_at(0)
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
