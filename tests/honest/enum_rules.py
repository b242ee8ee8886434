# Enums for the elementary functions (I like closed sets of things).
import enum

import jax
import jax.numpy as jnp
import gradkit as gk

jax.config.update("jax_enable_x64", True)


class Elementary(enum.Enum):
    EXP = "exp"
    LOG = "log"
    XPOWX = "x^x"

    def __call__(self, x):
        if self is Elementary.EXP:
            return jnp.exp(x)
        if self is Elementary.LOG:
            return jnp.log(x)
        return x ** x

    def derivative(self, x):
        match self:
            case Elementary.EXP:
                return jnp.exp(x)
            case Elementary.LOG:
                return 1.0 / x
            case Elementary.XPOWX:
                return x ** x * (jnp.log(x) + 1.0)


class Mode(enum.Enum):
    FORWARD = enum.auto()
    REVERSE = enum.auto()


def _derive(f, x, mode):
    if mode is Mode.FORWARD:
        return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]
    return jax.grad(f)(x)


def d_exp(x):
    return Elementary.EXP.derivative(x)


def d_log(x):
    return Elementary.LOG.derivative(x)


def d_x_pow_x(x):
    return Elementary.XPOWX.derivative(x)


def forward_derivative(f, x):
    return _derive(f, x, Mode.FORWARD)


def reverse_derivative(f, x):
    return _derive(f, x, Mode.REVERSE)


REFERENCE = {Elementary.EXP: jnp.exp, Elementary.LOG: jnp.log, Elementary.XPOWX: lambda t: t ** t}
for e in Elementary:
    print(f"{e.name:6s} {e.value:4s} mine={e.derivative(1.5):.6f} jax={jax.grad(REFERENCE[e])(1.5):.6f}")
print(forward_derivative(jnp.sin, 0.4), reverse_derivative(jnp.sin, 0.4))


# ---- the rest, plain functions
def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    s = jnp.sum(v * v)
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)


def linf(v):
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=0))


def row_norms(M):
    return jnp.sqrt(jnp.sum(M * M, axis=1))


def frobenius(M):
    return jnp.sqrt(jnp.sum(M * M))


def limit_table(f, x, hs):
    fx = f(x)
    return jax.vmap(lambda h: (f(x + h) - fx) / h)(hs)


def d_const(c, x):
    return jnp.zeros_like(x)


def d_power(n, x):
    return n * x ** (n - 1)


def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f, g, df, dg):
    return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2


constant_multiple_answer = "Take g = c: (c f)' = c' f + c f' = c f' since c' = 0."


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


def grad_2xtx(x):
    return jax.grad(lambda t: 2.0 * jnp.dot(t, t))(x)


def backward(f, x, v=None):
    y, pull = jax.vjp(f, x)
    if v is None:
        v = jnp.ones_like(y)
    return pull(v)[0]


def z(x):
    u = jax.lax.stop_gradient(x * x)
    return u * x


def _book_fn(a):
    b0 = 2 * a
    n0 = jnp.linalg.norm(jax.lax.stop_gradient(b0))
    _, scale = jax.lax.while_loop(lambda s: (s[0] < 1000) & (s[0] > 0), lambda s: (2 * s[0], 2 * s[1]), (n0, jnp.ones_like(n0)))
    b = b0 * scale
    return jnp.where(jnp.sum(b) > 0, b, 100 * b)


fun = jax.jit(_book_fn)


def _book_vec(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: 2 * b, 2 * a, max_steps=80)
    return jnp.where(jnp.sum(b) > 0, b, 100 * b)


fun_jacobian = jax.jit(jax.jacrev(_book_vec))


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


why_second_derivative_answer = "The Hessian has n^2 entries, n gradient passes; an HVP costs about one gradient."


def accumulate_grads(f, xs):
    return jnp.sum(jax.vmap(jax.grad(f))(xs), axis=0)


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "a = x^2 (x); b = log a (a); c = sin x (x); d = b c; e = 1/x (x); f = d + e"


def df(x):
    return 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2


def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    return jax.jacfwd(f)(x) if x.size <= out.size else jax.jacrev(f)(x)


when_forward_answer = "Forward: few inputs, many outputs. Reverse: many inputs, few outputs (losses)."
