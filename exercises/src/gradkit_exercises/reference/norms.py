"""Reference solutions of the norm exercises (§2.3)."""

import jax.numpy as jnp


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    # double-where: the gradient at 0 is 0 (the zero subgradient), not NaN
    sq = jnp.sum(v * v)
    safe = jnp.where(sq > 0, sq, 1.0)
    return jnp.where(sq > 0, jnp.sqrt(safe), 0.0)


def linf(v):
    return jnp.max(jnp.abs(v))


def _l2_columns(M):
    sq = jnp.sum(M * M, axis=0)
    safe = jnp.where(sq > 0, sq, 1.0)
    return jnp.where(sq > 0, jnp.sqrt(safe), 0.0)


def col_norms(M):
    return _l2_columns(M)


def row_norms(M):
    return _l2_columns(M.T)


def frobenius(M):
    return l2(M.reshape(-1))
