# exercise: autodiff.chain-rule-by-hand
# fails: df uses no autodiff
# mistake: uses autodiff through a helper, which the check follows
import jax
import jax.numpy as jnp


def _f(x):
    return jnp.log(x**2) * jnp.sin(x) + 1 / x


def _derivative(x):
    return jnp.vectorize(jax.grad(_f))(x)


def df(x):
    return _derivative(x)
