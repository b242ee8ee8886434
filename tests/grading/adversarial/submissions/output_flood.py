# ruff: noqa
"""Print 50 MB while importing; every answer is right."""

import sys

import jax.numpy as jnp

for _ in range(50):
    sys.stdout.write("x" * (1 << 20))
sys.stdout.flush()


def sumsq(x):
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
