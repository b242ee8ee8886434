# -*- coding: utf-8 -*-
"""D2L 2.3-2.5 with gradkit's own transforms and lax loops (functional style, no classes)."""

from __future__ import annotations

import os

os.environ["JAX_PLATFORMS"] = "cpu"  # my laptop has a broken CUDA install
os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1")

import logging
import operator
import time
from functools import reduce
from pathlib import Path

import jax
import jax.numpy as jnp
from jax import lax, tree_util

import gradkit as gk
from gradkit import derivative, detach, jacobian, while_loop
from gradkit import hvp as gk_hvp

__all__ = ["l1", "l2", "linf", "fun", "hvp"]

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
log = logging.getLogger("hw2")
jax.config.update("jax_platform_name", "cpu")
T0 = time.perf_counter()
CALLS = 0


def _count():
    global CALLS
    CALLS += 1


l1 = lambda v: reduce(operator.add, [jnp.abs(v).sum()], 0.0)
linf = lambda v: lax.reduce_max(jnp.abs(v), axes=(0,))


def l2(v):
    _count()
    s = jnp.einsum("i,i->", v, v)
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)


col_norms = lambda M: jnp.sqrt(jnp.einsum("ij,ij->j", M, M))
row_norms = lambda M: jnp.sqrt(jnp.einsum("ij,ij->i", M, M))
frobenius = lambda M: jnp.sqrt(tree_util.tree_reduce(operator.add, tree_util.tree_map(jnp.sum, M**2)))


def limit_table(f, x, hs):
    fx = f(x)

    def step(carry, h):
        return carry, (f(x + h) - fx) / h

    _, qs = lax.scan(step, None, hs)
    return qs


d_const = lambda c, x: jnp.full_like(x, 0.0)
d_power = lambda n, x: n * jnp.exp((n - 1) * jnp.log(x))
d_exp = lambda x: jnp.exp(x)
d_log = lambda x: jnp.reciprocal(x)
sum_rule = lambda df, dg: lambda x: df(x) + dg(x)
product_rule = lambda f, g, df, dg: lambda x: df(x) * g(x) + f(x) * dg(x)
quotient_rule = lambda f, g, df, dg: lambda x: (df(x) * g(x) - f(x) * dg(x)) / jnp.square(g(x))
constant_multiple_answer = "product rule, g = c, g' = 0 => (c f)' = c f'"
d_x_pow_x = lambda x: jnp.exp(x * jnp.log(x)) * (1 + jnp.log(x))


def g(x):
    return jnp.log1p(x**2)  # min at 0


x_star = 0.0


def tangent_line(f, x0):
    y0, m = jax.value_and_grad(f)(x0)
    return (m, y0 - m * x0)


grad_f = lambda x: jnp.stack([6 * x[..., 0], 5 * jnp.exp(x[..., 1])], axis=-1)


def grad_l2(x):
    n = l2(x)
    return x / jnp.maximum(n, jnp.finfo(x.dtype).tiny) * (n > 0)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    partials = {"x": y, "y": x, "z": jnp.cos(z)}
    da = partials["x"] + partials["y"] * b + partials["z"] * 2 * a
    db = partials["x"] + partials["y"] * a - partials["z"]
    return da, db


inverse_derivative = lambda df, f_inv: lambda y: 1.0 / df(f_inv(y))

grad_2xtx = gk.grad(lambda x: 2 * jnp.sum(x * x))


def backward(f, x, v=None):
    y, f_vjp = jax.vjp(f, x)
    v = tree_util.tree_map(jnp.ones_like, y) if v is None else v
    (gx,) = f_vjp(v)
    return gx


def z(x):
    return detach(x * x) * x


def fun(a):
    b = while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=4096)
    jax.debug.print("b = {b}", b=b)
    return lax.select(b.sum() > 0, b, 100 * b)


fun_jacobian = jacobian(fun, mode="rev")


def hvp(f, x, v):
    return gk_hvp(f, x, v)


def accumulate_grads(f, xs):
    df_ = jax.grad(f)
    return lax.fori_loop(0, xs.shape[0], lambda i, acc: acc + df_(xs[i]), jnp.zeros_like(xs[0]))


dsin = derivative(jnp.sin)

dependency_graph_answer = "x->a=x^2->b=log a; x->c=sin x; d=b*c; x->e=1/x; f=d+e"


def df(x):
    a = x**2
    b = jnp.log(a)
    c = jnp.sin(x)
    dd_db, dd_dc = c, b
    return dd_db * (1 / a) * 2 * x + dd_dc * jnp.cos(x) - 1 / a


def forward_derivative(f, x):
    _, f_lin = jax.linearize(f, x)
    return f_lin(jnp.ones_like(x))


def reverse_derivative(f, x):
    return derivative(f)(x)


def jacobian_auto(f, x):
    return jacobian(f)(x)


why_second_derivative_answer = "second derivative = n first-derivative passes (one per Hessian column)"
when_forward_answer = "forward when few inputs, reverse when few outputs; reverse stores intermediates"

log.info("l2 = %s, fun(0.3) = %s", l2(jnp.arange(3.0)), fun(0.3))
Path("hw2_log.txt").write_text(f"loaded in {time.perf_counter() - T0:.2f}s, {CALLS} l2 calls\n")
del T0
