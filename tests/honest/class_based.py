"""OOP habits from PyTorch modules: one class per topic, the entries are its methods."""

import jax
import jax.numpy as jnp

import gradkit as gk


class Norms:
    @staticmethod
    def l1(v):
        return jnp.abs(v).sum()

    @staticmethod
    def l2(v):
        sq = (v * v).sum()
        return jnp.where(sq > 0, jnp.sqrt(jnp.where(sq > 0, sq, 1.0)), 0.0)

    @staticmethod
    def linf(v):
        return jnp.abs(v).max()

    @classmethod
    def cols(cls, M):
        return jax.vmap(cls.l2, in_axes=1)(M)

    @classmethod
    def rows(cls, M):
        return jax.vmap(cls.l2)(M)


l1, l2, linf = Norms.l1, Norms.l2, Norms.linf
col_norms, row_norms = Norms.cols, Norms.rows


def frobenius(M):
    return Norms.l2(M.flatten())


class Rules:
    """Derivative rules; each returns a callable, like an nn.Module."""

    def __init__(self, df, dg, f=None, g=None):
        self.f, self.g, self.df, self.dg = f, g, df, dg

    def sum(self, x):
        return self.df(x) + self.dg(x)

    def product(self, x):
        return self.df(x) * self.g(x) + self.f(x) * self.dg(x)

    def quotient(self, x):
        return (self.df(x) * self.g(x) - self.f(x) * self.dg(x)) / self.g(x) ** 2


def sum_rule(df, dg):
    return Rules(df, dg).sum


def product_rule(f, g, df, dg):
    return Rules(df, dg, f, g).product


def quotient_rule(f, g, df, dg):
    return Rules(df, dg, f, g).quotient


class Limit:
    def __init__(self, f, x):
        self.f, self.x = f, x
        self.fx = f(x)

    def __call__(self, h):
        return (self.f(self.x + h) - self.fx) / h


def limit_table(f, x, hs):
    return jax.vmap(Limit(f, x))(hs)


def d_const(c, x):
    return jnp.zeros_like(x)


def d_power(n, x):
    return n * x ** (n - 1)


def d_exp(x):
    return jnp.exp(x)


def d_log(x):
    return 1 / x


constant_multiple_answer = "(c f)' = c' f + c f' and c' = 0."


def d_x_pow_x(x):
    return x**x * (jnp.log(x) + 1)


class Parabola:
    def __call__(self, x):
        return 3.0 * (x + 0.25) ** 2 + 1.0


g = Parabola()
x_star = -0.25


def tangent_line(f, x0):
    slope = jax.grad(f)(x0)
    return slope, f(x0) - slope * x0


def grad_f(x):
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])


def grad_l2(x):
    n = Norms.l2(x)
    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + x * b + jnp.cos(z) * 2 * a, y + x * a - jnp.cos(z)


def inverse_derivative(df, f_inv):
    return lambda y: 1 / df(f_inv(y))


def grad_2xtx(x):
    return jax.grad(lambda x: 2 * jnp.dot(x, x))(x)


def backward(f, x, v=None):
    y, vjp = jax.vjp(f, x)
    return vjp(jnp.ones_like(y) if v is None else v)[0]


def z(x):
    return gk.detach(x * x) * x


class BookFunction:
    max_steps = 4000

    def __call__(self, a):
        b = gk.while_loop(
            lambda b: jnp.linalg.norm(b) < 1000, lambda b: 2 * b, 2 * a, max_steps=self.max_steps
        )
        return jnp.where(jnp.sum(b) > 0, b, 100 * b)

    def jacobian(self, a):
        return jax.jacrev(self)(a)


fun = BookFunction()
fun_jacobian = BookFunction().jacobian


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    return jax.vmap(jax.grad(f))(xs).sum(0)


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "x -> x^2 -> log; x -> sin; x -> 1/x; multiply, add"


def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    wide = x.size > jax.eval_shape(f, x).size
    return jax.jacrev(f)(x) if wide else jax.jacfwd(f)(x)


why_second_derivative_answer = "n gradient passes for the Hessian"
when_forward_answer = "forward: tall; reverse: wide"
