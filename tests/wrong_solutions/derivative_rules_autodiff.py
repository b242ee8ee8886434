# exercise: calculus.derivative-rules
# fails: d_exp uses no autodiff
# mistake: uses jax.grad (through an alias) instead of the formula
import jax.numpy as jnp
from jax import grad as G


def d_const(c, x):
    return jnp.zeros_like(x)


def d_power(n, x):
    return n * x ** (n - 1)


def d_exp(x):
    return jnp.vectorize(G(jnp.exp))(x)


def d_log(x):
    return 1 / x
