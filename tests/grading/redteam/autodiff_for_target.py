"""``df`` computes with ``jax.grad``, stored by a ``for`` target the source rules do not follow.

``for _box[0] in [use]`` stores into the list ``df`` reads, as an assignment would.
Only the compiled program shows it: JAX's differentiation steps are in it.
"""

import jax
import jax.numpy as jnp


def f(t):
    return jnp.log(t**2) * jnp.sin(t) + 1 / t


_box = [jnp.cos]


def df(x, use=None):
    if use is not None:
        for _box[0] in [use]:
            pass
        return None
    return _box[0](x)


df(0.0, jnp.vectorize(jax.grad(f)))
