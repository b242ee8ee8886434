"""HW2 -- calculus & autograd. Ported from my PyTorch notebook, so the names look torch-y."""

import jax
import jax.numpy as jnp

import gradkit as gk

# ---------------------------------------------------------------- norms (2.3)


def l1(v):
    return jnp.abs(v).sum()


def l2(v):
    # like torch.linalg.vector_norm but with a safe grad at 0
    sumsq = (v**2).sum()
    is_zero = sumsq == 0
    return jnp.where(is_zero, 0.0, jnp.sqrt(jnp.where(is_zero, 1.0, sumsq)))


def linf(v):
    return jnp.abs(v).max()


def col_norms(M):
    return jax.vmap(l2, in_axes=1)(M)


def row_norms(M):
    return jax.vmap(l2)(M)


def frobenius(M):
    return l2(M.ravel())


# ---------------------------------------------------------------- calculus (2.4)


def limit_table(f, x, hs):
    out = []
    for i in range(hs.shape[0]):  # like iterating over a torch tensor
        h = hs[i]
        out.append((f(x + h) - f(x)) / h)
    return jnp.stack(out)


def d_const(c, x):
    return jnp.zeros_like(x)


def d_power(n, x):
    return n * jnp.power(x, n - 1)


def d_exp(x):
    return jnp.exp(x)


def d_log(x):
    return jnp.reciprocal(x)


def sum_rule(df, dg):
    def d(x):
        return df(x) + dg(x)

    return d


def product_rule(f, g, df, dg):
    def d(x):
        return df(x) * g(x) + f(x) * dg(x)

    return d


def quotient_rule(f, g, df, dg):
    def d(x):
        return (g(x) * df(x) - f(x) * dg(x)) / g(x) ** 2

    return d


constant_multiple_answer = "product rule with g = c: (cf)' = c'f + cf' = 0*f + cf' = cf'"


def d_x_pow_x(x):
    return jnp.exp(x * jnp.log(x)) * (1.0 + jnp.log(x))


def g(x):
    return x**2 - 4 * x + 7  # minimum at x = 2


x_star = 2.0


def tangent_line(f, x0):
    y0, slope = jax.value_and_grad(f)(x0)
    return slope, y0 - slope * x0


def grad_f(x):
    x1, x2 = x[0], x[1]
    return jnp.array([6.0 * x1, 5.0 * jnp.exp(x2)])


def grad_l2(x):
    n = jnp.sqrt((x**2).sum())
    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    du_dx, du_dy, du_dz = y, x, jnp.cos(z)
    grad_a = du_dx * 1.0 + du_dy * b + du_dz * 2 * a
    grad_b = du_dx * 1.0 + du_dy * a + du_dz * (-1.0)
    return grad_a, grad_b


def inverse_derivative(df, f_inv):
    return lambda y: 1.0 / df(f_inv(y))


# ---------------------------------------------------------------- autograd (2.5)


def grad_2xtx(x):
    y = lambda x: 2 * x @ x  # noqa: E731
    return jax.grad(y)(x)


def backward(f, x, v=None):
    """y.backward(v); return x.grad"""
    y, vjp_fn = jax.vjp(f, x)
    if v is None:
        v = jnp.ones_like(y)
    (x_grad,) = vjp_fn(v)
    return x_grad


def z(x):
    u = jax.lax.stop_gradient(x * x)  # u.detach()
    return u * x


def _book_f(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=4000)
    return jax.lax.cond(b.sum() > 0, lambda: b, lambda: 100 * b)


fun = _book_f
fun_jacobian = jax.jacrev(_book_f)


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    x_grad = jnp.zeros_like(xs[0])
    for i in range(xs.shape[0]):  # loss.backward() k times, grads accumulate in .grad
        x_grad = x_grad + jax.grad(f)(xs[i])
    return x_grad


def dsin(x):
    return jax.vmap(jax.grad(jnp.sin))(x.reshape(-1)).reshape(x.shape)


dependency_graph_answer = (
    "x -> x^2 -> log; x -> sin; (log, sin) -> mul; x -> 1/x; (mul, 1/x) -> add"
)


def df(x):
    return 2 * jnp.sin(x) / x + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    _, tangent = jax.jvp(f, (x,), (jnp.ones_like(x),))
    return tangent


def reverse_derivative(f, x):
    _, pullback = jax.vjp(f, x)
    return pullback(jnp.ones_like(x))[0]


def jacobian_auto(f, x):
    n_out = jax.eval_shape(f, x).size
    if n_out >= x.size:
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)


why_second_derivative_answer = "the hessian is n x n and needs n backward passes"
when_forward_answer = "forward for few inputs many outputs, reverse for many inputs few outputs"
