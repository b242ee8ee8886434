# ruff: noqa
"""sumsq allocates 8 GiB."""

import jax.numpy as jnp


def sumsq(x):
    hoard = bytearray(8 << 30)
    return jnp.sum(x**2) + len(hoard)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
