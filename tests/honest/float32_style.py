# I wrote this on a laptop without x64, so everything says float32 explicitly --
# but the maths follows the input's dtype.
import jax
import jax.numpy as jnp

import gradkit as gk

HALF = jnp.float32(0.5)
TWO = jnp.float32(2.0)
LIMIT = jnp.float32(1000.0)


def l1(v):
    return jnp.sum(jnp.abs(v), dtype=v.dtype)


def l2(v):
    sq = jnp.sum(v * v)
    zero = sq == jnp.zeros((), v.dtype)
    return jnp.where(zero, jnp.zeros((), v.dtype), jnp.sqrt(jnp.where(zero, 1, sq)))


def linf(v):
    return jnp.abs(v).max(initial=jnp.float32(0.0))


def col_norms(M):
    return jnp.linalg.norm(M, axis=0)


def row_norms(M):
    return jnp.linalg.norm(M, axis=1)


def frobenius(M):
    return jnp.linalg.norm(M, ord="fro")


def limit_table(f, x, hs):
    hs = jnp.asarray(hs)  # keep the dtype I am given: float64 for this one
    return (jax.vmap(f)(x + hs) - f(x)) / hs


def d_const(c, x):
    return jnp.zeros(x.shape, x.dtype)


def d_power(n, x):
    return n * x ** (n - jnp.float32(1.0))


def d_exp(x):
    return jnp.exp(x)


def d_log(x):
    return jnp.float32(1.0) / x


def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f, g, df, dg):
    return lambda x: (df(x) * g(x) - f(x) * dg(x)) / jnp.square(g(x))


constant_multiple_answer = "c' = 0 so by the product rule (cf)' = cf'."


def d_x_pow_x(x):
    return jnp.exp(x * jnp.log(x)) * (jnp.log(x) + jnp.float32(1.0))


def g(x):
    return HALF * (x - TWO) ** 2


x_star = 2.0


def tangent_line(f, x0):
    slope = jax.grad(f)(x0)
    return slope, f(x0) - slope * x0


def grad_f(x):
    return jnp.stack([jnp.float32(6.0) * x[0], jnp.float32(5.0) * jnp.exp(x[1])])


def grad_l2(x):
    n = jnp.linalg.norm(x)
    return jnp.where(n > 0, x / jnp.where(n > 0, n, jnp.float32(1.0)), jnp.zeros_like(x))


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + x * b + jnp.cos(z) * TWO * a, y + x * a - jnp.cos(z)


def inverse_derivative(df, f_inv):
    return lambda y: jnp.float32(1.0) / df(f_inv(y))


def grad_2xtx(x):
    return jax.grad(lambda x: TWO * jnp.dot(x, x))(x)


def backward(f, x, v=None):
    y, vjp = jax.vjp(f, x)
    if v is None:
        v = jnp.ones(y.shape, y.dtype)
    return vjp(v)[0]


def z(x):
    return jax.lax.stop_gradient(x * x) * x


def _book(a):
    b = gk.while_loop(
        lambda b: jnp.linalg.norm(b) < LIMIT, lambda b: b * TWO, a * TWO, max_steps=3000
    )
    return jnp.where(jnp.sum(b) > 0, b, jnp.float32(100.0) * b)


fun = jax.jit(_book)
fun_jacobian = jax.jit(jax.jacrev(_book))


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    return jnp.sum(jax.vmap(jax.grad(f))(xs), axis=0, dtype=xs.dtype)


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "x: a=x^2, b=log a, c=sin x, d=b*c, e=1/x, f=d+e"


def df(x):
    return TWO / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    return (jax.jacfwd if x.size <= out.size else jax.jacrev)(f)(x)


why_second_derivative_answer = "The Hessian needs n reverse passes."
when_forward_answer = "Forward for few inputs, reverse for few outputs."
