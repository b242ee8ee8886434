# exercise: autodiff.control-flow
# fails: fun reverse-mode under jit
# mistake: lax.while_loop jits but cannot be reverse-differentiated
import jax
import jax.numpy as jnp


def fun(a):
    b = jax.lax.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2)
    return jnp.where(b.sum() > 0, b, 100 * b)
