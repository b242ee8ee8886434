# exercise: norms.matrix
# fails: col_norms values | col_norms (hidden)
# mistake: keepdims=True gives shape (1, n), not (n,)
import jax.numpy as jnp


def col_norms(M):
    return jnp.sqrt(jnp.sum(M**2, axis=0, keepdims=True))


def row_norms(M):
    return jnp.sqrt(jnp.sum(M**2, axis=1))


def frobenius(M):
    return jnp.sqrt(jnp.sum(M**2))
