# exercise: autodiff.vector-control-flow
# fails: fun_jacobian works under jit | fun_jacobian under jit (hidden)
# mistake: jacrev of the book's Python while/if: fine eagerly, fails under jit
import jax
import jax.numpy as jnp


def _f(a):
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def fun_jacobian(a):
    return jax.jacrev(_f)(a)
