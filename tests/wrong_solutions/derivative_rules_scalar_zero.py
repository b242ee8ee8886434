# exercise: calculus.derivative-rules
# fails: d_const values
# mistake: returns the scalar 0 instead of zeros shaped like x
import jax.numpy as jnp


def d_const(c, x):
    return jnp.zeros(())


def d_power(n, x):
    return n * x ** (n - 1)


def d_exp(x):
    return jnp.exp(x)


def d_log(x):
    return 1 / x
