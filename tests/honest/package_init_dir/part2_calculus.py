__all__ = ['limit_table', 'd_const', 'd_power', 'd_exp', 'd_log', 'sum_rule', 'product_rule', 'quotient_rule', 'd_x_pow_x', 'g', 'x_star', 'tangent_line', 'grad_f', 'grad_l2', 'chain_rule', 'inverse_derivative', 'df', 'constant_multiple_answer']


import jax
import jax.numpy as jnp
import gradkit as gk


def limit_table(f, x, hs):
    fx = f(x)
    return jax.vmap(lambda h: (f(x + h) - fx) / h)(hs)


def d_const(c, x):
    return jnp.zeros_like(x)


def d_power(n, x):
    return n * x ** (n - 1)


def d_exp(x):
    return jnp.exp(x)


def d_log(x):
    return 1.0 / x


def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f, g, df, dg):
    return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2


def d_x_pow_x(x):
    return x**x * (jnp.log(x) + 1.0)


def g(x):
    return (x - 1.5) ** 2


x_star = 1.5


def tangent_line(f, x0):
    s = jax.grad(f)(x0)
    return s, f(x0) - s * x0


def grad_f(x):
    return jnp.stack([6.0 * x[0], 5.0 * jnp.exp(x[1])])


def grad_l2(x):
    s = jnp.sum(x * x)
    return jnp.where(s > 0, x / jnp.sqrt(jnp.where(s > 0, s, 1.0)), jnp.zeros_like(x))


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + x * b + 2 * a * jnp.cos(z), y + x * a - jnp.cos(z)


def inverse_derivative(df, f_inv):
    return lambda y: 1.0 / df(f_inv(y))


def df(x):
    return 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2


constant_multiple_answer = "Take g = c: (c f)' = c' f + c f' = c f' since c' = 0."
