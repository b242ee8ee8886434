# Homework 2 -- I think in numpy; jnp only where JAX has to see the values.
import math

import jax
import jax.numpy as jnp
import numpy as np

EPS = np.finfo(np.float64).tiny
THRESHOLD = np.float64(1000.0)


def l1(v):
    return jnp.linalg.norm(v, ord=1)


def l2(v):
    s = jnp.dot(v, v)
    ok = s > EPS
    return jnp.where(ok, jnp.sqrt(jnp.where(ok, s, 1.0)), 0.0)


def linf(v):
    return jnp.linalg.norm(v, ord=np.inf)


def col_norms(M):
    return jnp.sqrt(jnp.einsum("ij,ij->j", M, M))


def row_norms(M):
    return jnp.sqrt(jnp.einsum("ij,ij->i", M, M))


def frobenius(M):
    return jnp.sqrt(jnp.einsum("ij,ij->", M, M))


def limit_table(f, x, hs):
    fx = f(x)
    return jnp.array([(f(x + hs[i]) - fx) / hs[i] for i in range(np.shape(hs)[0])])


def d_const(c, x):
    return jnp.zeros(np.shape(x), dtype=x.dtype)


def d_power(n, x):
    return n * x ** (n - 1.0)


def d_exp(x):
    return np.e**x


def d_log(x):
    return 1.0 / x


def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: f(x) * dg(x) + g(x) * df(x)


def quotient_rule(f, g, df, dg):
    return lambda x: df(x) / g(x) - f(x) * dg(x) / (g(x) * g(x))


constant_multiple_answer = "d(cf)/dx = dc/dx f + c df/dx and dc/dx = 0, so d(cf)/dx = c df/dx"


def d_x_pow_x(x):
    return jnp.power(x, x) * (jnp.log(x) + 1.0)


def g(x):
    return jnp.cos(x)  # max at 0


x_star = np.float64(0.0)


def tangent_line(f, x0):
    m = jax.grad(f)(x0)
    b = f(x0) - m * x0
    return [m, b]


def grad_f(x):
    return jnp.array([6.0, 0.0]) * x + jnp.array([0.0, 5.0]) * jnp.exp(x * np.array([0.0, 1.0]))


def grad_l2(x):
    n = jnp.linalg.norm(x)
    return x / jnp.maximum(n, EPS) * (n > 0)


def chain_rule(a, b):
    x = a + b
    y = a * b
    zz = a**2 - b
    J_xyz_ab = jnp.array([[1.0, 1.0], [b, a], [2 * a, -1.0]])
    du_dxyz = jnp.array([y, x, jnp.cos(zz)])
    du = du_dxyz @ J_xyz_ab
    return du[0], du[1]


def inverse_derivative(df, f_inv):
    def dinv(y):
        return 1.0 / df(f_inv(y))

    return dinv


def grad_2xtx(x):
    return jax.grad(lambda x: 2.0 * np.float64(1.0) * jnp.sum(x * x))(x)


def backward(f, x, v=None):
    y, pull = jax.vjp(f, x)
    v = jnp.ones(np.shape(y), y.dtype) if v is None else v
    return pull(v)[0]


def z(x):
    u = jax.lax.stop_gradient(jnp.square(x))
    return u * x


def _book(a):
    def cond(b):
        return jnp.linalg.norm(b) < THRESHOLD

    b = gk_while(cond, lambda b: 2.0 * b, 2.0 * a)
    return jnp.where(jnp.sum(b) > 0, b, 100.0 * b)


def gk_while(cond, body, init):
    import gradkit

    return gradkit.while_loop(cond, body, init, max_steps=int(math.log2(1e300)))


fun = jax.jit(_book)


def fun_jacobian(a):
    return jax.jacfwd(_book)(a)


def hvp(f, x, v):
    return jax.jvp(lambda y: jax.grad(f)(y), [x], [v])[1]


def accumulate_grads(f, xs):
    return jnp.sum(jax.vmap(jax.grad(f))(xs), axis=0)


def dsin(x):
    flat = jnp.ravel(x)
    return jnp.reshape(jax.vmap(jax.grad(jnp.sin))(flat), np.shape(x))


dependency_graph_answer = "a = x**2; b = log(a); c = sin(x); d = b*c; e = 1/x; f = d + e"


def df(x):
    a = x**2
    return (2.0 * x / a) * jnp.sin(x) + jnp.log(a) * jnp.cos(x) - 1.0 / a


def forward_derivative(f, x):
    return jax.jacfwd(f)(x)


def reverse_derivative(f, x):
    return jax.jacrev(f)(x)


def jacobian_auto(f, x):
    m = int(np.prod(jax.eval_shape(f, x).shape))
    n = int(np.prod(np.shape(x)))
    return jax.jacfwd(f)(x) if n <= m else jax.jacrev(f)(x)


why_second_derivative_answer = "n^2 entries, n passes of backprop"
when_forward_answer = "forward: tall jacobians. reverse: wide ones (losses)."
