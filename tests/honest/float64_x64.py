# Everything in float64 from the start, as the limit-table exercise recommends.
import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402

import gradkit as gk  # noqa: E402


def l1(v):
    v = jnp.asarray(v, dtype=jnp.float64)
    return jnp.sum(jnp.abs(v))


def l2(v):
    v = jnp.asarray(v, dtype=jnp.float64)
    s = v @ v
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)


def linf(v):
    return jnp.max(jnp.abs(jnp.asarray(v, jnp.float64)))


def col_norms(M):
    return jnp.sqrt(jnp.sum(jnp.asarray(M, jnp.float64) ** 2, axis=0))


def row_norms(M):
    return col_norms(M.T)


def frobenius(M):
    return jnp.sqrt(jnp.sum(jnp.asarray(M, jnp.float64) ** 2))


def limit_table(f, x, hs):
    hs = jnp.asarray(hs, jnp.float64)
    x = jnp.asarray(x, jnp.float64)
    return jnp.array([(f(x + h) - f(x)) / h for h in hs])


def d_const(c, x):
    return jnp.zeros_like(x, dtype=jnp.float64)


def d_power(n, x):
    return n * x ** (n - 1)


def d_exp(x):
    return jnp.exp(jnp.asarray(x, jnp.float64))


def d_log(x):
    return 1 / jnp.asarray(x, jnp.float64)


def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f, g, df, dg):
    return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2


constant_multiple_answer = "product rule, derivative of the constant is zero"


def d_x_pow_x(x):
    x = jnp.asarray(x, jnp.float64)
    return x**x * (jnp.log(x) + 1)


def g(x):
    return x**4 - 2 * x**2  # g' = 4x^3 - 4x = 0 at x = 1


x_star = 1.0


def tangent_line(f, x0):
    x0 = jnp.asarray(x0, jnp.float64)
    s = jax.grad(f)(x0)
    return s, f(x0) - s * x0


def grad_f(x):
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])], dtype=jnp.float64)


def grad_l2(x):
    n = jnp.sqrt(jnp.sum(x**2))
    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1), 0)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + x * b + 2 * a * jnp.cos(z), y + x * a - jnp.cos(z)


def inverse_derivative(df, f_inv):
    return lambda y: 1 / df(f_inv(y))


def grad_2xtx(x):
    return jax.grad(lambda x: 2 * x.T @ x)(x)


def backward(f, x, v=None):
    y, f_vjp = jax.vjp(f, x)
    return f_vjp(jnp.ones_like(y) if v is None else v)[0]


def z(x):
    return gk.detach(x * x) * x


def _book(a):
    b = gk.while_loop(
        lambda b: jnp.linalg.norm(b) < 1000.0, lambda b: 2.0 * b, 2.0 * a, max_steps=5000
    )
    return jax.lax.cond(jnp.sum(b) > 0, lambda b: b, lambda b: 100.0 * b, b)


def fun(a):
    return _book(a)


def fun_jacobian(a):
    return jax.jacrev(_book)(a)


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    return jnp.einsum("kn->n", jax.vmap(jax.grad(f))(xs))


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(jnp.asarray(x, jnp.float64))


dependency_graph_answer = "x -> {x^2, sin x, 1/x}; log(x^2) * sin x; + 1/x"


def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.vjp(f, x)[1](jnp.ones_like(x))[0]


def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    if x.size <= out.size:
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)


why_second_derivative_answer = "Hessian: n^2 numbers, n passes."
when_forward_answer = "Forward: few inputs. Reverse: few outputs."
