# exercise: autodiff.dot-gradient
# fails: the book's [0, 4, 8, 12] | grad_2xtx (hidden) | grad_2xtx works under jit
# mistake: differentiates xᵀx instead of 2xᵀx
import jax
import jax.numpy as jnp


def grad_2xtx(x):
    return jax.grad(lambda x: jnp.dot(x, x))(x)
