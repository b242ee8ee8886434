import jax.numpy as jnp


def d(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2
