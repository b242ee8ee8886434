# ruff: noqa
"""softsign forks children that sleep holding every inherited descriptor, then
answers (wrongly); the honest entries graded after it must keep their points."""

import os
import time

import jax.numpy as jnp


def sumsq(x):
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    for _ in range(200):
        try:
            if os.fork() == 0:
                time.sleep(60)
                os._exit(0)
        except OSError:
            break
    return x
