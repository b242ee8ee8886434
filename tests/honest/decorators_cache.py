"""Lab 2 -- calculus & autograd. Everything jitted, because speed (the lecture said so)."""

import argparse
import functools
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as onp

import gradkit as gk

warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", message=".*Explicitly requested dtype.*")
onp.random.seed(0)
KEY = jax.random.PRNGKey(42)
VERBOSE = "--verbose" in sys.argv


def logged(fn):
    """Print calls when run with --verbose."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if VERBOSE:
            print(f"calling {fn.__name__}")
        return fn(*args, **kwargs)

    return wrapper


@lru_cache(maxsize=None)
def _grad_of(f):
    return jax.grad(f)


@dataclass(frozen=True)
class Norms:
    eps: float = 0.0
    axes: dict = field(default_factory=lambda: {"col": 0, "row": 1})

    def l2(self, v):
        s = jnp.sum(v**2)
        return jnp.where(s > self.eps, jnp.sqrt(jnp.where(s > self.eps, s, 1.0)), 0.0)

    def along(self, M, which):
        return jnp.sqrt(jnp.sum(M**2, axis=self.axes[which]))


NORMS = Norms()


@jax.jit
def l1(v):
    return jnp.linalg.norm(v, ord=1)


@jax.jit
@logged
def l2(v):
    return NORMS.l2(v)


@jax.jit
def linf(v):
    return jnp.linalg.norm(v, ord=jnp.inf)


col_norms = jax.jit(partial(NORMS.along, which="col"))
row_norms = jax.jit(partial(NORMS.along, which="row"))


@jax.jit
def frobenius(M):
    return NORMS.l2(M.reshape(-1))


@partial(jax.jit, static_argnames=("f",))
def limit_table(f, x, hs):
    return jax.vmap(lambda h: (f(x + h) - f(x)) / h)(hs)


@jax.jit
def d_const(c, x):
    return 0.0 * x


@logged
@partial(jax.jit, static_argnums=0)
def d_power(n, x):
    return n * x ** (n - 1)


@jax.jit
def d_exp(x):
    return jnp.exp(x)


@jax.jit
def d_log(x):
    return 1 / x


class Rules(NamedTuple):
    add: object
    mul: object
    div: object


def _add(df, dg):
    return lambda x: df(x) + dg(x)


def _mul(f, g, df, dg):
    return lambda x: f(x) * dg(x) + df(x) * g(x)


def _div(f, g, df, dg):
    return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2


RULES = Rules(_add, _mul, _div)
sum_rule = RULES.add
product_rule = RULES.mul
quotient_rule = RULES.div

constant_multiple_answer = "(c f)' = c' f + c f' (product rule) and c' = 0, so (c f)' = c f'."


@jax.jit
def d_x_pow_x(x):
    return jnp.exp(x * jnp.log(x)) * (jnp.log(x) + 1)


@jax.jit
def g(x):
    return x**3  # saddle at 0


x_star = 0.0


def tangent_line(f, x0):
    slope = _grad_of(f)(x0)
    return jnp.array([slope, f(x0) - slope * x0])


@jax.jit
def grad_f(x):
    return jnp.array([6.0, 5.0]) * jnp.array([x[0], jnp.exp(x[1])])


@jax.jit
def grad_l2(x):
    n = NORMS.l2(x)
    return x / jnp.where(n == 0, 1.0, n)


@jax.jit
def chain_rule(a, b):
    x, y, zz = a + b, a * b, a**2 - b
    return y + x * b + 2 * a * jnp.cos(zz), y + x * a - jnp.cos(zz)


def inverse_derivative(df, f_inv):
    @jax.jit
    def dinv(y):
        return 1.0 / df(f_inv(y))

    return dinv


@jax.jit
def grad_2xtx(x):
    return jax.grad(lambda t: 2.0 * t @ t)(x)


@partial(jax.jit, static_argnums=0)
def _backward(f, x, v):
    return jax.vjp(f, x)[1](v)[0]


def backward(f, x, v=None):
    if v is None:
        v = jnp.ones(jax.eval_shape(f, x).shape)
    return _backward(f, x, v)


@jax.jit
def z(x):
    u = jax.lax.stop_gradient(x * x)
    return u * x


@jax.jit
def fun(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=2000)
    return jax.lax.cond(b.sum() > 0, lambda: b, lambda: 100 * b)


fun_jacobian = jax.jit(jax.jacfwd(fun))


@partial(jax.jit, static_argnames="f")
def hvp(f, x, v):
    return jax.jvp(_grad_of(f), (x,), (v,))[1]


@partial(jax.jit, static_argnums=(0,))
def accumulate_grads(f, xs):
    return jax.lax.fori_loop(0, xs.shape[0], lambda i, acc: acc + _grad_of(f)(xs[i]), jnp.zeros(xs.shape[1:], xs.dtype))


@jax.jit
def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = """x -> u = x^2 -> v = log(u)
x -> w = sin(x);  p = v * w
x -> q = 1/x;     f = p + q"""


@jax.jit
def df(x):
    return 2 * jnp.sin(x) / x + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


@partial(jax.jit, static_argnums=0)
def forward_derivative(f, x):
    return jax.jacfwd(f)(x)


@partial(jax.jit, static_argnums=0)
def reverse_derivative(f, x):
    return _grad_of(f)(x)


@partial(jax.jit, static_argnames=["f"])
def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    return jax.jacfwd(f)(x) if x.size <= out.size else jax.jacrev(f)(x)


why_second_derivative_answer = "H has n^2 entries: n reverse passes vs 1 for the gradient"
when_forward_answer = "forward when inputs are few, reverse when outputs are few (e.g. a loss)"


def main(argv=None):
    parser = argparse.ArgumentParser(description="plot sin and its derivative")
    parser.add_argument("--out", default="sin.png")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    import matplotlib.pyplot as plt

    xs = jnp.linspace(-5, 5, 200)
    plt.plot(xs, jnp.sin(xs), label="sin")
    plt.plot(xs, dsin(xs), label="d sin")
    plt.legend()
    plt.savefig(args.out)
    print(limit_table(lambda x: 3 * x**2 - 4 * x, 1.0, jnp.array([0.1, 0.01])))


if __name__ == "__main__":
    for name in ("l1", "l2", "linf"):
        print(name, globals()[name](jnp.arange(3.0)))
    sys.exit(main())
