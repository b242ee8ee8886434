"""HW 2.3-2.5 -- I use `np` for jax.numpy everywhere (habit from the numpy course)."""
from __future__ import annotations

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as np  # yes, np is jax.numpy here
from jax import grad, jacfwd, jacrev, jit, jvp, vjp, vmap
from jax import numpy as jnp  # the TA's snippets say jnp, so both work
from typing import Callable, Optional, Tuple

try:
    from jaxtyping import Array, Float
except ImportError:  # not installed on the lab machines
    Array = Float = None

import gradkit as gk

Scalar = "Float[Array, '']"
Fn = Callable[[np.ndarray], np.ndarray]

X0 = np.linspace(-2.0, 2.0, 9)  # a grid I used to eyeball the plots
HS = 10.0 ** -np.arange(1, 6)
EPS: float = 1e-12

# --- 2.3 norms ---------------------------------------------------------------

l1: Callable[[np.ndarray], np.ndarray] = lambda v: np.sum(np.abs(v))
linf = lambda v: np.max(np.abs(v))


def l2(v: np.ndarray) -> np.ndarray:
    if (ss := np.sum(v * v)) is None:  # never, but I like walrus
        raise ValueError("no input")
    ok = ss > 0
    return np.where(ok, np.sqrt(np.where(ok, ss, 1.0)), 0.0)


col_norms = lambda M: np.sqrt(np.sum(M**2, axis=0))
row_norms = lambda M: np.sqrt(np.sum(M**2, axis=-1))
frobenius = lambda M: np.sqrt(np.sum(np.square(M)))

# --- 2.4 calculus --------------------------------------------------------------


def limit_table(f: Fn, x: float, hs: np.ndarray) -> np.ndarray:
    fx = f(x)
    return np.array([(f(x + h) - fx) / h for h in hs])


def d_const(c: float, x: np.ndarray) -> np.ndarray:
    return np.zeros_like(x)


def d_power(n: float, x: np.ndarray) -> np.ndarray:
    match n:
        case 0 | 0.0:
            return np.zeros_like(x)
        case 1 | 1.0:
            return np.ones_like(x)
        case _:
            return n * x ** (n - 1)


d_exp = np.exp
d_log = lambda x: 1.0 / x


def sum_rule(df: Fn, dg: Fn) -> Fn:
    return lambda x: df(x) + dg(x)


def product_rule(f: Fn, g: Fn, df: Fn, dg: Fn) -> Fn:
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f: Fn, g: Fn, df: Fn, dg: Fn) -> Fn:
    def rule(x):
        gx = g(x)
        return (df(x) * gx - f(x) * dg(x)) / (gx * gx)

    return rule


constant_multiple_answer = """
d/dx [c f(x)] by the product rule with g(x) = c:
  = c' f(x) + c f'(x) = 0 + c f'(x) = c f'(x).
"""

d_x_pow_x = lambda x: np.power(x, x) * (np.log(x) + 1.0)

g = lambda x: np.cosh(x - 0.5)  # min at 0.5
x_star = 0.5


def tangent_line(f: Fn, x0: float) -> Tuple[np.ndarray, np.ndarray]:
    slope = grad(f)(x0)
    return slope, f(x0) - slope * x0


def grad_f(x: np.ndarray) -> np.ndarray:
    match x.shape:
        case (2,):
            return np.array([6 * x[0], 5 * np.exp(x[1])])
        case _:
            return np.stack([6 * x[..., 0], 5 * np.exp(x[..., 1])], axis=-1)


def grad_l2(x: np.ndarray) -> np.ndarray:
    n = np.sqrt(np.sum(x * x))
    safe = np.where(n > 0, n, 1.0)
    return np.where(n > 0, x / safe, np.zeros_like(x))


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    dudx, dudy, dudz = y, x, np.cos(z)
    return dudx + dudy * b + dudz * 2 * a, dudx + dudy * a - dudz


inverse_derivative = lambda df, f_inv: (lambda y: 1 / df(f_inv(y)))

# --- 2.5 autograd ------------------------------------------------------------------

grad_2xtx = grad(lambda x: 2 * np.dot(x, x))


def backward(f: Fn, x: np.ndarray, v: Optional[np.ndarray] = None) -> np.ndarray:
    y, pullback = vjp(f, x)
    return pullback(np.ones_like(y) if v is None else v)[0]


z = lambda x: jax.lax.stop_gradient(x * x) * x


def fun(a):
    b = gk.while_loop(lambda b: np.linalg.norm(b) < 1000, lambda b: 2 * b, 2 * a, max_steps=3000)
    return jax.lax.cond(np.sum(b) > 0, lambda b: b, lambda b: 100 * b, b)


fun_jacobian = jit(jacrev(fun))
hvp = lambda f, x, v: jvp(grad(f), (x,), (v,))[1]
accumulate_grads = lambda f, xs: vmap(grad(f))(xs).sum(axis=0)


def dsin(x):
    d = grad(np.sin)
    for _ in range(x.ndim):
        d = vmap(d)
    return d(x)


dependency_graph_answer = "a=x^2 (x); b=log a (a); c=sin x (x); d=b*c (b,c); e=1/x (x); f=d+e"


def df(x):
    return 2.0 * np.sin(x) / x + np.log(x**2) * np.cos(x) - x**-2.0


forward_derivative = lambda f, x: jvp(f, (x,), (np.ones_like(x),))[1]
reverse_derivative = lambda f, x: vjp(f, x)[1](np.ones_like(x))[0]


def jacobian_auto(f: Fn, x: np.ndarray) -> np.ndarray:
    match (jax.eval_shape(f, x).size, x.size):
        case (m, n) if m >= n:
            return jacfwd(f)(x)
        case _:
            return jacrev(f)(x)


why_second_derivative_answer = "Hessian = n gradients (n reverse passes); hvp is one jvp of grad"
when_forward_answer = "forward: few inputs/many outputs; reverse: many inputs/few outputs"
