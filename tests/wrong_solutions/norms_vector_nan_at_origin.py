# exercise: norms.vector
# fails: grad(l2) finite at the origin | grad(l2) at the origin
# mistake: the plain sqrt of a sum of squares has a NaN gradient at 0
import jax.numpy as jnp


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    return jnp.sqrt(jnp.sum(v**2))


def linf(v):
    return jnp.max(jnp.abs(v))
