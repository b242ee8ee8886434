# exercise: calculus.x-to-the-x
# fails: d_x_pow_x uses no autodiff
# mistake: lets autodiff do the work
import jax
import jax.numpy as jnp


def _f(x):
    return x**x


def d_x_pow_x(x):
    return jnp.vectorize(jax.grad(_f))(x)
