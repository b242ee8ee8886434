__all__ = ['l1', 'l2', 'linf', 'col_norms', 'row_norms', 'frobenius']


import jax
import jax.numpy as jnp
import gradkit as gk


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    s = jnp.sum(v * v)
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)


def linf(v):
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=0))


def row_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=1))


def frobenius(M):
    return jnp.sqrt(jnp.sum(M * M))
