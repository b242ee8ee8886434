# exercise: calculus.gradient
# fails: grad_f shape | grad_f values | grad_f (hidden) | grad_f works under vmap
# fails: grad_f is exact | grad_f uses no autodiff
# fails: grad_f (hidden) is exact | grad_f works under vmap is exact
# mistake: returns a (2, 1) column vector
import jax.numpy as jnp


def grad_f(x):
    return jnp.array([[6 * x[0]], [5 * jnp.exp(x[1])]])
