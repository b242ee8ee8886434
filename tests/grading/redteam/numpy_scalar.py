"""Honest: a numpy scalar is a number (np.float64 is even a float subclass)."""

import jax
import jax.numpy as jnp
import numpy as np


def g(x):
    return (x - 1.0) ** 2


x_star = np.float64(1.0)


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):  # a bfloat16 result: an invalid answer for l2 only, not a crash
    return jnp.sqrt(jnp.sum(v * v)).astype(jnp.bfloat16)


def linf(v):
    return jnp.max(jnp.abs(v))


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)
