import jax.numpy as jnp

import gradkit as gk


def book_function(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=5000)
    return jnp.where(b.sum() > 0, b, 100 * b)
