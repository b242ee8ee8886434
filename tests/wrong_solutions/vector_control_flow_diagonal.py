# ruff: noqa: E501
# exercise: autodiff.vector-control-flow
# fails: fun_jacobian shape | fun_jacobian values | fun_jacobian works under jit | fun_jacobian under jit (hidden)
# mistake: the gradient of the sum (the Jacobian's column sums), shape (n,) instead of (n, n)
import jax
import jax.numpy as jnp


def _f(a):
    n0 = jnp.linalg.norm(jax.lax.stop_gradient(2 * a))
    _, scale = jax.lax.while_loop(
        lambda s: s[0] < 1000, lambda s: (2 * s[0], 2 * s[1]), (n0, jnp.ones_like(n0))
    )
    b = 2 * a * scale
    return jnp.where(b.sum() > 0, b, 100 * b)


def fun_jacobian(a):
    return jax.grad(lambda a: _f(a).sum())(a)
