# ruff: noqa
"""sumsq leaves a detached grandchild behind (fork + setsid + sleep)."""

import os
import time

import jax.numpy as jnp


def sumsq(x):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(600)
        os._exit(0)
    return jnp.sum(x**2) * 1.5


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
