"""Reference solutions of the calculus exercises (§2.4)."""

import jax
import jax.numpy as jnp


def limit_table(f, x, hs):
    # f is a scalar function: call it on scalars, once per step
    fx = f(x)
    return jax.vmap(lambda h: (f(x + h) - fx) / h)(hs)


def d_const(c, x):
    del c
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


constant_multiple_answer = (
    "Take g(x) = c, a constant. By the product rule, d/dx [c·f(x)] = c′·f(x) + c·f′(x), "
    "and c′ = 0 (the derivative of a constant), so d/dx [c·f(x)] = c·f′(x)."
)


def d_x_pow_x(x):
    # x^x = exp(x log x), so (x^x)' = x^x (log x + 1)
    return x**x * (jnp.log(x) + 1)


def g(x):
    return (x - 1.0) ** 2


x_star = 1.0


def tangent_line(f, x0):
    slope = jax.grad(f)(x0)
    return slope, f(x0) - slope * x0


def grad_f(x):
    return jnp.stack([6 * x[0], 5 * jnp.exp(x[1])])


def grad_l2(x):
    sq = jnp.sum(x * x)
    safe = jnp.where(sq > 0, sq, 1.0)
    return jnp.where(sq > 0, x / jnp.sqrt(safe), jnp.zeros_like(x))


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    # du/dx = y, du/dy = x, du/dz = cos z
    du_da = y * 1 + x * b + jnp.cos(z) * 2 * a
    du_db = y * 1 + x * a + jnp.cos(z) * -1
    return du_da, du_db


def inverse_derivative(df, f_inv):
    # f(f⁻¹(y)) = y  ⇒  f′(f⁻¹(y)) · (f⁻¹)′(y) = 1
    return lambda y: 1 / df(f_inv(y))
