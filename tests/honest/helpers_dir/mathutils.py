import jax.numpy as jnp


def sq_sum(a, axis=None):
    return jnp.sum(a * a, axis=axis)


def safe_norm(v):
    s = sq_sum(v)
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)
