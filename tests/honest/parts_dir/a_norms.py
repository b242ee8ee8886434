# Part 1: norms (2.3). The files are run in name order: a_, b_, c_.
import jax.numpy as jnp


def l1(v):
    return jnp.sum(jnp.abs(v))


def _sqrt0(s):
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)


def l2(v):
    return _sqrt0(jnp.sum(v * v))


def linf(v):
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=0))


def row_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=1))


def frobenius(M):
    return _sqrt0(jnp.sum(M * M))
