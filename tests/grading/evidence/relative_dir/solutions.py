# My homework folder is a package, so my solutions import their helpers relatively.
import jax.numpy as jnp

from .helpers import safe_sqrt


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    return safe_sqrt(jnp.sum(v * v))


def linf(v):
    return jnp.max(jnp.abs(v))
