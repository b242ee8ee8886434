# Part 2: calculus (2.4). Uses l2 from a_norms.py (same namespace).
import jax
import jax.numpy as jnp


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


constant_multiple_answer = "c' = 0 in the product rule."


def d_x_pow_x(x):
    return x**x * (jnp.log(x) + 1)


def g(x):
    return jnp.cosh(x)


x_star = 0.0


def tangent_line(f, x0):
    s = jax.grad(f)(x0)
    return s, f(x0) - s * x0


def grad_f(x):
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])


def grad_l2(x):
    n = l2(x)  # noqa: F821 - defined in a_norms.py
    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + x * b + jnp.cos(z) * 2 * a, y + x * a - jnp.cos(z)


def inverse_derivative(df, f_inv):
    return lambda y: 1 / df(f_inv(y))
