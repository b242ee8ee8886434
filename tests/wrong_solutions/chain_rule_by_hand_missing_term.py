# exercise: autodiff.chain-rule-by-hand
# fails: df values | df (hidden) | df is exact | df uses no autodiff
# fails: df (hidden) is exact
# mistake: drops the derivative of 1/x
import jax.numpy as jnp


def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x)
