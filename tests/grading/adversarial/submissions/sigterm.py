# ruff: noqa
"""Ignore SIGTERM, then hang in sumsq."""

import signal

import jax.numpy as jnp

signal.signal(signal.SIGTERM, signal.SIG_IGN)


def sumsq(x):
    while True:
        signal.pause()


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
