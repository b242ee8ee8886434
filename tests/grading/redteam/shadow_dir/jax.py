"""A decoy: the rules read `jax.grad` as this harmless function; the worker imports JAX."""


def grad(f):
    return f


def vmap(f):
    return f
