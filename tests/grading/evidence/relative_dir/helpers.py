import jax.numpy as jnp


def safe_sqrt(s):
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)
