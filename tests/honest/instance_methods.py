"""All my answers live on one object, set up in __init__ (the way I write nn.Modules).

(An honest-submission round's file: a PyTorch migrant's class, aliased member by member at
module level, with the habits that cost points before: warnings and logging configured by
assignment, `"__file__" in globals()`, `Annotated` hints, `.item()`/`.tolist()` in debug
prints, a list comprehension for a table, a scratch answer redefined below, an optional
widget with a `None` fallback, and the dependency graph built as objects.)
"""

import logging
import pathlib
import time
import warnings
from typing import Annotated

import jax
import jax.numpy as jnp

warnings.formatwarning = lambda message, category, *rest, **kw: f"{category.__name__}: {message}\n"
logging.Formatter.converter = time.gmtime  # UTC timestamps, from the logging cookbook
logging.basicConfig(level=logging.WARNING)
log = logging.getLogger("hw2")
HERE = pathlib.Path(__file__).parent if "__file__" in globals() else pathlib.Path.cwd()

# scratch: what should d/dx x^x give at 2? (my formula is below, on the class)
d_x_pow_x = jax.grad(lambda x: x**x)
log.info("x^x' at 2 = %s", d_x_pow_x(2.0))


class Node:
    """One node of the dependency graph: its value and d(value)/dx, by the chain rule."""

    def __init__(self, value, local):
        self.value, self.local = value, local

    def backward(self):
        return self.local


def build(x):
    u = Node(jnp.log(x**2), 2 / x)
    v = Node(jnp.sin(x), jnp.cos(x))
    w = Node(u.value * v.value, u.local * v.value + u.value * v.local)
    r = Node(1 / x, -1 / x**2)
    return x, Node(w.value + r.value, w.local + r.local)


class Homework2:
    def __init__(self, eps: float = 0.0):
        self.eps = eps
        # autodiff tools I use in section 2.5
        self._dsin = jnp.vectorize(jax.grad(jnp.sin))
        self._grad = jax.grad

    # ---- 2.3
    def l1(self, v):
        return jnp.abs(v).sum()

    def l2(self, v):
        s = (v * v).sum()
        return jnp.where(s > self.eps, jnp.sqrt(jnp.where(s > self.eps, s, 1.0)), 0.0)

    def linf(self, v):
        return jnp.abs(v).max()

    def col_norms(self, M):
        return jnp.sqrt((M * M).sum(0))

    def row_norms(self, M):
        return jnp.sqrt((M * M).sum(1))

    def frobenius(self, M):
        return jnp.sqrt((M * M).sum())

    # ---- 2.4
    def limit_table(self, f, x, hs):
        fx = f(x)
        return [(f(x + h) - fx) / h for h in hs]

    def d_const(self, c, x):
        return jnp.zeros_like(x)

    def d_power(self, n, x):
        return n * x ** (n - 1)

    def d_exp(self, x):
        return jnp.exp(x)

    def d_log(self, x: Annotated[jax.Array, "x > 0"]) -> Annotated[jax.Array, "1/x"]:
        return 1 / x

    def sum_rule(self, df, dg):
        return lambda x: df(x) + dg(x)

    def product_rule(self, f, g, df, dg):
        return lambda x: df(x) * g(x) + f(x) * dg(x)

    def quotient_rule(self, f, g, df, dg):
        return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2

    def d_x_pow_x(self, x):
        return x**x * (jnp.log(x) + 1)

    def g(self, x):
        return (x + 1.0) ** 2

    def tangent_line(self, f, x0):
        slope = self._grad(f)(x0).item()  # as I would in PyTorch
        print(f"slope at {x0:.3f}: {slope:.4f}", jnp.atleast_1d(slope).tolist())
        return slope, f(x0) - slope * x0

    def grad_f(self, x):
        return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])

    def grad_l2(self, x):
        n = self.l2(x)
        return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)

    def chain_rule(self, a, b):
        x, y, z = a + b, a * b, a**2 - b
        return y + x * b + 2 * a * jnp.cos(z), y + x * a - jnp.cos(z)

    def inverse_derivative(self, df, f_inv):
        return lambda y: 1 / df(f_inv(y))

    # ---- 2.5
    def grad_2xtx(self, x):
        return self._grad(lambda t: 2 * t @ t)(x)

    def backward(self, f, x, v=None):
        y, pb = jax.vjp(f, x)
        return pb(jnp.ones_like(y) if v is None else v)[0]

    def z(self, x):
        return jax.lax.stop_gradient(x * x) * x

    def _book(self, a):
        b = 2 * a
        n = jax.lax.stop_gradient(jnp.linalg.norm(b))
        k = jax.lax.while_loop(lambda s: s[0] < 1000, lambda s: (2 * s[0], s[1] + 1.0), (n, 0.0))[1]
        b = b * 2.0**k
        return jnp.where(b.sum() > 0, b, 100 * b)

    def fun(self, a):
        return self._book(a)

    def fun_jacobian(self, a):
        return jax.jacrev(self._book)(a)

    def hvp(self, f, x, v):
        return jax.jvp(self._grad(f), (x,), (v,))[1]

    def accumulate_grads(self, f, xs):
        return jax.vmap(self._grad(f))(xs).sum(0)

    def dsin(self, x):
        return self._dsin(x)

    def df(self, x):
        _, out = build(x)  # the graph of f, each node with its local derivative
        return out.backward()

    def forward_derivative(self, f, x):
        return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]

    def reverse_derivative(self, f, x):
        return self._grad(f)(x)

    def jacobian_auto(self, f, x):
        m = jax.eval_shape(f, x).size
        return jax.jacfwd(f)(x) if x.size <= m else jax.jacrev(f)(x)


hw = Homework2()
l1, l2, linf = hw.l1, hw.l2, hw.linf
col_norms, row_norms, frobenius = hw.col_norms, hw.row_norms, hw.frobenius
limit_table = hw.limit_table
d_const, d_power, d_exp, d_log = hw.d_const, hw.d_power, hw.d_exp, hw.d_log
sum_rule, product_rule, quotient_rule = hw.sum_rule, hw.product_rule, hw.quotient_rule
d_x_pow_x = hw.d_x_pow_x
g = hw.g
x_star = -1.0
tangent_line = hw.tangent_line
grad_f = hw.grad_f
grad_l2 = hw.grad_l2
chain_rule = hw.chain_rule
inverse_derivative = hw.inverse_derivative
grad_2xtx = hw.grad_2xtx
backward = hw.backward
z = hw.z
fun = hw.fun
fun_jacobian = hw.fun_jacobian
hvp = hw.hvp
accumulate_grads = hw.accumulate_grads
dsin = hw.dsin
df = hw.df
forward_derivative = hw.forward_derivative
reverse_derivative = hw.reverse_derivative
jacobian_auto = hw.jacobian_auto

constant_multiple_answer = "product rule with g = c"
dependency_graph_answer = "x->x^2->log; x->sin; *; 1/x; +"
why_second_derivative_answer = "n^2 Hessian"
when_forward_answer = "fwd for tall"


def show(x0=1.0):
    print(tangent_line(lambda x: x**3 - 1 / x, x0))


try:
    from ipywidgets import interact
except ImportError:  # not installed where it is graded
    interact = None
if interact is not None:
    interact(show, x0=(0.5, 2.0))
