# exercise: autodiff.sin-derivative
# fails: dsin does not use `cos`
# fails: dsin uses autodiff
# mistake: exploits f′ = cos, which the exercise forbids ("cost" in this comment is fine)
import jax.numpy as jnp


def dsin(x):
    return jnp.cos(x)
