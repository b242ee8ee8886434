# The book's control-flow function, verbatim: a Python `while` on a traced value.
import jax.numpy as jnp


def fun(a):
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
