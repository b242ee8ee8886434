# exercise: autodiff.sin-derivative
# fails: dsin values | dsin on a matrix | dsin (hidden) | dsin does not use `cos`
# fails: dsin uses autodiff
# mistake: jax.grad of a non-scalar function (sin of a vector) raises
import jax
import jax.numpy as jnp


def dsin(x):
    return jax.grad(jnp.sin)(x)
