# Correct answers, with the debugging a student leaves behind in every entry.
import pdb

import jax
import jax.numpy as jnp
from jax.debug import print as dprint


def l1(v):
    print("l1 input:", v)
    jax.debug.print("l1 v = {v}", v=v)
    breakpoint()
    return jnp.sum(jnp.abs(v))


def l2(v):
    jax.debug.callback(lambda a: print("callback sees", a), v)
    jax.debug.print("no arguments at all")
    pdb.set_trace()
    sq = jnp.sum(v * v)
    safe = jnp.where(sq > 0, sq, 1.0)
    return jnp.where(sq > 0, jnp.sqrt(safe), 0.0)


def linf(v):
    dprint("linf {}", v, ordered=True)
    jax.debug.breakpoint()
    return jnp.max(jnp.abs(v))


def z(x):
    u = jax.lax.stop_gradient(x * x)
    print(f"z: u = {u:.3f}, total {jnp.sum(x):8.2e}")  # a format spec on a traced value
    jax.debug.print("u={u} x={x}", u=u, x=x)
    return u * x


def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    print("output shape", out.shape)
    jax.debug.print("x = {}", x)
    if x.size <= out.size:
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)
