# exercise: calculus.limit-table
# fails: the seed's table, float64-accurate | float64-accurate at small steps (hidden)
# mistake: computes in float32 (the seed's 2.00272 at h = 1e-5)
import jax.numpy as jnp


def limit_table(f, x, hs):
    x = jnp.asarray(x, jnp.float32)
    hs = jnp.asarray(hs, jnp.float32)
    return (f(x + hs) - f(x)) / hs
