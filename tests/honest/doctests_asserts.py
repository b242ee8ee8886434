#!/usr/bin/env python3
"""Homework 2 (D2L 2.3-2.5).

Self-checking: every answer is asserted at import, and the docstrings have doctests
(run ``python -m doctest hw2.py -v``).

>>> float(l1(jnp.array([3.0, -4.0])))
7.0
"""
import math
import os
import random

try:
    import pandas as pd
    from tqdm import tqdm
except ImportError:
    pd = None

    def tqdm(it, **kw):
        return it

try:
    import seaborn as sns

    sns.set_theme()
except (ImportError, ModuleNotFoundError):
    sns = None

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

import gradkit as gk

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
random.seed(1234)
np.random.seed(1234)
key = jax.random.PRNGKey(0)
key, sub = jax.random.split(key)
V = jax.random.normal(sub, (5,))
M = jax.random.normal(key, (3, 4))


def l1(v):
    """Manhattan norm.

    >>> float(l1(jnp.array([1.0, -2.0])))
    3.0
    """
    return sum(jnp.abs(v))  # builtin sum over a generator of 0-d arrays


def l2(v):
    """Euclidean norm, 0 at 0 with a finite gradient.

    >>> float(l2(jnp.array([3.0, 4.0])))
    5.0
    """
    s = jnp.vdot(v, v)
    pos = s > 0.0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, s, 1.0)), 0.0)


def linf(v):
    """>>> float(linf(jnp.array([1.0, -7.0, 2.0])))
    7.0
    """
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.stack([l2(col) for col in M.T])


def row_norms(M):
    return jnp.stack(list(map(l2, M)))


def frobenius(M):
    return l2(M.flatten())


assert abs(float(l2(V)) - float(np.linalg.norm(np.asarray(V)))) < 1e-5
assert np.allclose(col_norms(M), np.linalg.norm(np.asarray(M), axis=0), atol=1e-5)
assert np.allclose(row_norms(M), np.linalg.norm(np.asarray(M), axis=1), atol=1e-5)
assert float(l2(jnp.zeros(3))) == 0.0 and not jnp.isnan(jax.grad(l2)(jnp.zeros(3))).any()


def _quotients(f, x, hs, i=0):
    """Recursion: the quotient for hs[i], then the rest."""
    if i == len(hs):
        return []
    h = hs[i]
    return [(f(x + h) - f(x)) / h] + _quotients(f, x, hs, i + 1)


def limit_table(f, x, hs):
    """(f(x + h) - f(x)) / h for each h.

    >>> [round(float(q), 4) for q in limit_table(lambda x: 3 * x**2 - 4 * x, 1.0, jnp.array([0.1, 0.01]))]
    [2.3, 2.03]
    """
    return jnp.array(_quotients(f, x, hs))


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
    return lambda x: f(x) * dg(x) + g(x) * df(x)


def quotient_rule(f, g, df, dg):
    return lambda x: (g(x) * df(x) - f(x) * dg(x)) / (g(x) * g(x))


constant_multiple_answer = "Take g(x)=c in the product rule: (cf)'=0*f+c*f'=c f'."


def d_x_pow_x(x):
    """x^x = e^{x log x}, so d/dx = x^x (log x + 1)."""
    return x**x * (jnp.log(x) + 1)


def g(x):
    return jnp.sin(x)


x_star = math.pi / 2

assert abs(float(jax.grad(g)(x_star))) < 1e-6


def tangent_line(f, x0):
    m = jax.grad(f)(x0)
    return [m, f(x0) - m * x0]


_s, _b = tangent_line(lambda x: x**3 - 1 / x, 1.0)
assert (float(_s), float(_b)) == (4.0, -4.0), (_s, _b)


def grad_f(x):
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])


# the handout's self-check, left in: it runs nothing when the file is graded
assert gk.check("calculus.gradient", grad_f).passed


def grad_l2(x):
    n = l2(x)
    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1), 0 * x)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return (y + x * b + jnp.cos(z) * 2 * a, y + x * a - jnp.cos(z))


def inverse_derivative(df, f_inv):
    def d(y):
        return 1 / df(f_inv(y))

    return d


def grad_2xtx(x):
    """>>> grad_2xtx(jnp.arange(4.0)).tolist()
    [0.0, 4.0, 8.0, 12.0]
    """
    return jax.grad(lambda x: 2 * jnp.dot(x, x))(x)


assert grad_2xtx(jnp.arange(4.0)).tolist() == [0.0, 4.0, 8.0, 12.0]


def backward(f, x, v=None):
    out, back = jax.vjp(f, x)
    v = jnp.ones_like(out) if v is None else v
    return back(v)[0]


def z(x):
    u = lax.stop_gradient(x * x)
    return u * x


def fun(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=10_000)
    return lax.cond(b.sum() > 0, lambda b: b, lambda b: 100 * b, b)


for a0 in tqdm([0.3, -1.7, 2.2], desc="self-check"):
    assert jnp.allclose(jax.grad(fun)(a0), fun(a0) / a0)


def fun_jacobian(a):
    return jax.jacrev(fun)(a)


def hvp(f, x, v):
    return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)  # reverse-over-reverse


def accumulate_grads(f, xs):
    return sum(jax.grad(f)(x) for x in xs)


def dsin(x):
    return jax.vmap(jax.grad(jnp.sin))(x.ravel()).reshape(x.shape)


dependency_graph_answer = "\n".join(
    f"{k} = {v}" for k, v in {"a": "x^2 (from x)", "b": "log a (from a)", "c": "sin x (from x)",
                              "d": "b*c (from b, c)", "e": "1/x (from x)", "f": "d + e"}.items()
)


def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x * x) * jnp.cos(x) - 1 / (x * x)


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    m = jax.eval_shape(f, x).size
    return jax.jacfwd(f)(x) if x.size < m else jax.jacrev(f)(x)


why_second_derivative_answer = "each Hessian column is one more backward pass: n of them"
when_forward_answer = "forward when n_in << n_out, backward when n_out << n_in"

if pd is not None:
    print(pd.DataFrame({"h": [0.1, 0.01]}))

if __name__ == "__main__":
    import doctest

    doctest.testmod(verbose=True)
