# exercise: norms.matrix
# fails: col_norms values | row_norms values | col_norms (hidden) | row_norms (hidden)
# mistake: axis 1 for columns and axis 0 for rows
import jax.numpy as jnp


def col_norms(M):
    return jnp.linalg.norm(M, axis=1)


def row_norms(M):
    return jnp.linalg.norm(M, axis=0)


def frobenius(M):
    return jnp.linalg.norm(M)
