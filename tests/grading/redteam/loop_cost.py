"""n passes hidden in a fori_loop: XLA's cost analysis counts a loop body once."""

import jax
import jax.numpy as jnp


def hvp(f, x, v):
    g = jax.grad(f)

    def body(i, out):  # the Hessian, one row per iteration
        e = jnp.zeros_like(x).at[i].set(1.0)
        return out.at[i].set(jnp.dot(jax.jvp(g, (x,), (e,))[1], v))

    return jax.lax.fori_loop(0, x.shape[0], body, jnp.zeros_like(x))


def jacobian_auto(f, x):
    m = jax.eval_shape(f, x).shape[0]

    def col(i, J):  # always forward mode: one column per iteration
        e = jnp.zeros_like(x).at[i].set(1.0)
        return J.at[:, i].set(jax.jvp(f, (x,), (e,))[1])

    return jax.lax.fori_loop(0, x.shape[0], col, jnp.zeros((m, x.shape[0]), x.dtype))
