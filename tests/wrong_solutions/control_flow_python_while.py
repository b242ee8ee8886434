# exercise: autodiff.control-flow
# fails: fun works under jit | fun under jit (hidden) | fun reverse-mode under jit
# mistake: the book's Python while/if, which fails on tracers under jit
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
