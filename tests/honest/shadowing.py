# My own helpers happen to share names with library functions.
import jax
import jax.numpy as jnp
from jax import grad as jax_grad  # noqa: F401 - used in the autodiff part


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    norm = jnp.sum(v * v)
    grad = norm > 0  # not a gradient: a mask
    return jnp.where(grad, jnp.sqrt(jnp.where(grad, norm, 1.0)), 0.0)


def linf(v):
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=0))


def row_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=1))


def frobenius(M):
    return jnp.sqrt(jnp.sum(M * M))


def limit_table(f, x, hs):
    derivative = (jax.vmap(f)(x + hs) - f(x)) / hs
    return derivative


def d_const(c, x):
    jacobian = jnp.zeros_like(x)
    return jacobian


def d_power(n, x):
    grad = n * x ** (n - 1)
    return grad


def d_exp(x):
    derivative = jnp.exp(x)
    return derivative


def d_log(x):
    def derivative(t):
        return 1.0 / t

    return derivative(x)


def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f, g, df, dg):
    def derivative(x):
        return (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2

    return derivative


constant_multiple_answer = "Product rule with a constant factor: c' = 0, so (cf)' = c f'."


def sigmoid(x):
    return 1 / (1 + jnp.exp(-x))


def d_x_pow_x(x):
    grad = x**x
    return grad * (jnp.log(x) + 1)


def g(x):
    return (x - 0.5) ** 2


x_star = 0.5


def tangent_line(f, x0):
    slope = jax.grad(f)(x0)
    return slope, f(x0) - slope * x0


def grad_f(x):
    grad = jnp.stack([6 * x[0], 5 * jnp.exp(x[1])])
    return grad


def grad_l2(x):
    jvp = jnp.sqrt(jnp.sum(x**2))  # the norm, whatever I called it
    return jnp.where(jvp > 0, x / jnp.where(jvp > 0, jvp, 1.0), 0.0)


def chain_rule(a, b):
    vjp = a + b  # x
    jacfwd = a * b  # y
    jacrev = a**2 - b  # z
    return jacfwd + vjp * b + jnp.cos(jacrev) * 2 * a, jacfwd + vjp * a - jnp.cos(jacrev)


def inverse_derivative(df, f_inv):
    return lambda y: 1 / df(f_inv(y))


def grad_2xtx(x):
    return jax.grad(lambda x: 2 * jnp.dot(x, x))(x)


def backward(f, x, v=None):
    y, pull = jax.vjp(f, x)
    return pull(jnp.ones_like(y) if v is None else v)[0]


def z(x):
    u = jax.lax.stop_gradient(x * x)
    return u * x


def _book(a):
    import gradkit as gk

    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=5000)
    return jnp.where(b.sum() > 0, b, 100 * b)


fun = _book
fun_jacobian = jax.jacfwd(_book)


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    return jax.vmap(jax.grad(f))(xs).sum(axis=0)


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "x -> x^2 -> log; x -> sin; log * sin; x -> 1/x; sum"


def df(x):
    def derivative(t):  # my own derivative, by the chain rule
        return 2 / t * jnp.sin(t) + jnp.log(t**2) * jnp.cos(t) - 1 / t**2

    return derivative(x)


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax_grad(f)(x)


def jacobian_auto(f, x):
    jacobian = jax.jacfwd if x.size <= jax.eval_shape(f, x).size else jax.jacrev
    return jacobian(f)(x)


why_second_derivative_answer = "The Hessian costs n gradient passes."
when_forward_answer = "Forward for tall Jacobians, reverse for wide ones."
