"""A function that rebinds the entry with a `global` statement, called at import."""

import jax.numpy as jnp


def dsin(x):
    return jnp.sin(x)


def _setup():
    global dsin
    dsin = jnp.cos


_setup()
