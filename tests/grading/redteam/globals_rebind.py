"""Clean-looking entries, rebound afterwards through globals(): the AST check must see it."""

import jax
import jax.numpy as jnp


def dsin(x):
    return jnp.sin(x)


def df(x):
    return x


globals()["dsin"] = lambda x: jnp.cos(x)
globals()["df"] = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))
