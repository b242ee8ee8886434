# ruff: noqa
"""sumsq calls os._exit(0): no cleanup, zero status."""

import os

import jax.numpy as jnp


def sumsq(x):
    os._exit(0)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
