"""Reference solutions of the automatic differentiation exercises (§2.5)."""

import jax
import jax.numpy as jnp


def grad_2xtx(x):
    return jax.grad(lambda x: 2 * jnp.dot(x, x))(x)


def backward(f, x, v=None):
    y, pullback = jax.vjp(f, x)
    if v is None:
        v = jnp.ones_like(y)
    (x_bar,) = pullback(v)
    return x_bar


def z(x):
    u = jax.lax.stop_gradient(x * x)
    return u * x


def _doubling(a):
    # The loop only decides how often to double; doubling is exact in floating point, so
    # running it on the (detached) norm and scaling once gives the book's b bit for bit,
    # and the result is linear in a: reverse mode works under jit. (a = 0 never leaves the
    # book's loop; here it stops at once and gives 0.)
    b0 = 2 * a
    n0 = jnp.linalg.norm(jax.lax.stop_gradient(b0))

    def double(state):
        n, scale = state
        return 2 * n, 2 * scale

    _, scale = jax.lax.while_loop(
        lambda s: (s[0] < 1000) & (s[0] > 0), double, (n0, jnp.ones_like(n0))
    )
    b = b0 * scale
    return jnp.where(jnp.sum(b) > 0, b, 100 * b)


# jitted so that eager checks do not dispatch the loop op by op
fun = jax.jit(_doubling)


def hvp(f, x, v):
    # forward over reverse: one JVP of the gradient, never the n×n Hessian
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    return jnp.sum(jax.vmap(jax.grad(f))(xs), axis=0)


fun_jacobian = jax.jit(jax.jacrev(_doubling))


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


def df(x):
    # f = log(x²)·sin x + 1/x:  f′ = (2/x)·sin x + log(x²)·cos x − 1/x²
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    # forward mode costs one pass per input, reverse one per output
    if x.size <= out.size:
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)


dependency_graph_answer = (
    "x → a = x², b = sin x, d = 1/x; a → c = log a; (c, b) → e = c·b; (e, d) → f = e + d."
)
why_second_derivative_answer = (
    "A second derivative differentiates the first derivative's computation, which is itself "
    "a graph as large as the forward pass; the full Hessian of f: Rⁿ → R needs n such passes "
    "(O(n) gradients) and n² memory, while a gradient costs a small constant times f."
)
when_forward_answer = (
    "Forward mode costs one pass per input, reverse one per output and stores the "
    "intermediates: use forward for few inputs and many outputs (tall Jacobians) or when "
    "memory is short, reverse for many inputs and few outputs (losses)."
)
