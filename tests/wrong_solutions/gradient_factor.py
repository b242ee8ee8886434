# exercise: calculus.gradient
# fails: grad_f values | grad_f (hidden) | grad_f works under vmap
# mistake: forgets the factor 2 of d/dx₁ 3x₁²
import jax.numpy as jnp


def grad_f(x):
    return jnp.stack([3 * x[..., 0], 5 * jnp.exp(x[..., 1])], axis=-1)
