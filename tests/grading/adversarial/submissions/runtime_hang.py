# ruff: noqa
"""sumsq traces fine but never stops running: a while_loop whose condition stays true."""

import jax
import jax.numpy as jnp


def sumsq(x):
    total = jnp.sum(x**2)
    return jax.lax.while_loop(lambda t: t > -1.0, lambda t: t + 1.0, total)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
