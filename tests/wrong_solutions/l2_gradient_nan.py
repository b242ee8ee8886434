# exercise: calculus.l2-gradient
# fails: finite at 0 | zero at 0
# mistake: divides by the norm, which is 0 at the origin
import jax.numpy as jnp


def grad_l2(x):
    return x / jnp.linalg.norm(x)
