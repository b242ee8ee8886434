# Main file; the shared pieces live in mathutils.py and loops.py next to it.
import jax
import jax.numpy as jnp
from loops import book_function
from mathutils import safe_norm, sq_sum

import gradkit as gk


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    return safe_norm(v)


def linf(v):
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.sqrt(sq_sum(M, axis=0))


def row_norms(M):
    return jnp.sqrt(sq_sum(M, axis=1))


def frobenius(M):
    return jnp.sqrt(sq_sum(M))


def limit_table(f, x, hs):
    return (jax.vmap(f)(x + hs) - f(x)) / hs


def d_const(c, x):
    return jnp.zeros_like(x)


def d_power(n, x):
    return n * x ** (n - 1)


def d_exp(x):
    return jnp.exp(x)


def d_log(x):
    return 1 / x


def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f, g, df, dg):
    return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2


constant_multiple_answer = "c' = 0, product rule"


def d_x_pow_x(x):
    return x**x * (jnp.log(x) + 1)


def g(x):
    return (x - 3.0) ** 2


x_star = 3.0


def tangent_line(f, x0):
    s = jax.grad(f)(x0)
    return s, f(x0) - s * x0


def grad_f(x):
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])


def grad_l2(x):
    n = safe_norm(x)
    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + x * b + jnp.cos(z) * 2 * a, y + x * a - jnp.cos(z)


def inverse_derivative(df, f_inv):
    return lambda y: 1 / df(f_inv(y))


def grad_2xtx(x):
    return gk.grad(lambda x: 2 * sq_sum(x))(x)


def backward(f, x, v=None):
    y, vjp = jax.vjp(f, x)
    return vjp(jnp.ones_like(y) if v is None else v)[0]


def z(x):
    return jax.lax.stop_gradient(x * x) * x


fun = book_function
fun_jacobian = jax.jacfwd(book_function)


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    return jax.vmap(jax.grad(f))(xs).sum(0)


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "see my notes: x^2, log, sin, product, 1/x, sum"


def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    if x.size <= jax.eval_shape(f, x).size:
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)


why_second_derivative_answer = "Hessian = n passes"
when_forward_answer = "forward for few inputs"
