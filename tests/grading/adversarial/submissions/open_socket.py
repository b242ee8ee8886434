# ruff: noqa
"""Phone home: sumsq is right only if the network is reachable."""

import socket

import jax.numpy as jnp


def _online():
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=1).close()
        return True
    except OSError:
        return False


def sumsq(x):
    return jnp.sum(x**2) if _online() else jnp.sum(x)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
