"""Scalar formulas, lifted to arrays with jnp.vectorize (my favourite trick)."""

from functools import partial

import jax
import jax.numpy as jnp

import gradkit as gk


@partial(jnp.vectorize, signature="(n)->()")
def l1(v):
    return jnp.sum(jnp.abs(v))


@partial(jnp.vectorize, signature="(n)->()")
def l2(v):
    sq = jnp.sum(v**2)
    return jnp.where(sq == 0, 0.0, jnp.sqrt(jnp.where(sq == 0, 1.0, sq)))


@partial(jnp.vectorize, signature="(n)->()")
def linf(v):
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.vectorize(l2, signature="(m)->()")(M.T)


def row_norms(M):
    return jnp.vectorize(l2, signature="(n)->()")(M)


def frobenius(M):
    return l2(jnp.reshape(M, (-1,)))


def limit_table(f, x, hs):
    quotient = jnp.vectorize(lambda h: (f(x + h) - f(x)) / h)
    return quotient(hs)


def d_const(c, x):
    return jnp.vectorize(lambda t: 0.0 * t)(x)


def d_power(n, x):
    return jnp.vectorize(lambda t: n * t ** (n - 1))(x)


d_exp = jnp.vectorize(jnp.exp)
d_log = jnp.vectorize(lambda t: 1.0 / t)


def sum_rule(df, dg):
    return jnp.vectorize(lambda x: df(x) + dg(x))


def product_rule(f, g, df, dg):
    return jnp.vectorize(lambda x: df(x) * g(x) + f(x) * dg(x))


def quotient_rule(f, g, df, dg):
    return jnp.vectorize(lambda x: (df(x) * g(x) - f(x) * dg(x)) / (g(x) ** 2))


constant_multiple_answer = "c is a function with derivative 0; the product rule gives c f'."


@jnp.vectorize
def d_x_pow_x(x):
    return x**x * (1 + jnp.log(x))


def g(x):
    return jnp.sin(x)


x_star = float(jnp.pi / 2)


def tangent_line(f, x0):
    k = jax.grad(f)(x0)
    return k, f(x0) - k * x0


@partial(jnp.vectorize, signature="(2)->(2)")
def grad_f(x):
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])


@partial(jnp.vectorize, signature="(n)->(n)")
def grad_l2(x):
    n2 = jnp.sum(x**2)
    return jnp.where(n2 > 0, x / jnp.sqrt(jnp.where(n2 > 0, n2, 1.0)), 0.0)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + b * x + 2 * a * jnp.cos(z), y + a * x - jnp.cos(z)


def inverse_derivative(df, f_inv):
    return jnp.vectorize(lambda y: 1 / df(f_inv(y)))


def grad_2xtx(x):
    return gk.grad(lambda x: 2 * (x @ x))(x)


def backward(f, x, v=None):
    return gk.backward(f, x, v)


def z(x):
    u = gk.detach(x * x)
    return u * x


def fun(a):
    b = gk.while_loop(lambda b: jnp.abs(b) < 1000, lambda b: 2 * b, 2 * a, max_steps=3000)
    return jnp.where(b > 0, b, 100 * b)


def _fun_vec(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: 2 * b, 2 * a, max_steps=3000)
    return jnp.where(b.sum() > 0, b, 100 * b)


fun_jacobian = jax.jit(jax.jacfwd(_fun_vec))


def hvp(f, x, v):
    return gk.hvp(f, x, v)


def accumulate_grads(f, xs):
    grads = jnp.vectorize(jax.grad(f), signature="(n)->(n)")(xs)
    return grads.sum(axis=0)


dsin = jnp.vectorize(jax.grad(jnp.sin))

dependency_graph_answer = "x feeds x^2 (-> log), sin, 1/x; log*sin; then + 1/x"


@jnp.vectorize
def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - x**-2


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    if x.size > jax.eval_shape(f, x).size:
        return jax.jacrev(f)(x)
    return jax.jacfwd(f)(x)


why_second_derivative_answer = "Because the Hessian has n^2 entries (n gradient passes)."
when_forward_answer = "jacfwd for R^small -> R^big, jacrev for R^big -> R^small."
