# l2 forgets the sum: it returns a vector, on visible and hidden inputs alike.
import jax.numpy as jnp


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    return jnp.sqrt(v * v)


def linf(v):
    return jnp.max(jnp.abs(v))
