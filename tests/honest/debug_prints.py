# Still has all my debugging in it, sorry! (and my timing, and my saved results)
import os
import pickle
import sys
import timeit

sys.path.append(os.path.dirname(os.path.abspath(__file__)))  # so my scratch modules import
sys.path.insert(0, ".")

import jax
import jax.numpy as jnp
import numpy as np

import gradkit as gk

DEBUG = True


def log(*args):
    if DEBUG:
        print("[debug]", *args)


def l1(v):
    log("l1 called with", v)
    jax.debug.print("l1: v={v}", v=v)
    out = jnp.sum(jnp.abs(v))
    jax.debug.print("l1: out={}", out)
    return out


def l2(v):
    print("l2", v.shape, v.dtype)
    s = jnp.sum(v * v)
    jax.debug.print("sum of squares {s}", s=s)
    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)


def linf(v):
    jax.debug.print("linf {v}", v=v, ordered=True)
    return jnp.max(jnp.abs(v))


def col_norms(M):
    jax.debug.print("M=\n{M}", M=M)
    return jnp.sqrt(jnp.sum(M**2, axis=0))


def row_norms(M):
    print(f"row_norms on {M}")
    return jnp.sqrt(jnp.sum(M**2, axis=1))


def frobenius(M):
    jax.debug.callback(lambda m: print("frobenius callback", m.shape), M)
    return jnp.sqrt(jnp.sum(M**2))


def limit_table(f, x, hs):
    res = (jax.vmap(f)(x + hs) - f(x)) / hs
    for h in [0.1, 0.01]:  # what the book prints
        log(f"h={h:.5f}, numerical limit={(f(1.0 + h) - f(1.0)) / h:.5f}")
    jax.debug.print("table {r}", r=res)
    return res


def d_const(c, x):
    jax.debug.print("d_const c={c}", c=c)
    return jnp.zeros_like(x)


def d_power(n, x):
    jax.debug.print("d_power n={n} x={x}", n=n, x=x)
    return n * x ** (n - 1)


def d_exp(x):
    jax.debug.print("d_exp {x}", x=x)
    return jnp.exp(x)


def d_log(x):
    jax.debug.print("d_log {x}", x=x)
    return 1 / x


def sum_rule(df, dg):
    def d(x):
        jax.debug.print("sum_rule at {x}", x=x)
        return df(x) + dg(x)

    return d


def product_rule(f, g, df, dg):
    def d(x):
        jax.debug.print("product_rule at {x}", x=x)
        return df(x) * g(x) + f(x) * dg(x)

    return d


def quotient_rule(f, g, df, dg):
    def d(x):
        jax.debug.print("quotient_rule at {x}", x=x)
        return (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2

    return d


constant_multiple_answer = "(cf)' = c'f + cf' = cf' because c' = 0"


def d_x_pow_x(x):
    jax.debug.print("xx {x}", x=x)
    return x**x * (jnp.log(x) + 1)


def g(x):
    jax.debug.print("g({x})", x=x)
    return (x + 1.5) ** 2


x_star = -1.5


def tangent_line(f, x0):
    slope = jax.grad(f)(x0)
    jax.debug.print("slope {s}", s=slope)
    print("tangent at", x0)
    return slope, f(x0) - slope * x0


def grad_f(x):
    jax.debug.print("grad_f {x}", x=x)
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])


def grad_l2(x):
    jax.debug.print("grad_l2 {x}", x=x)
    n = jnp.sqrt(jnp.sum(x * x))
    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)


def chain_rule(a, b):
    jax.debug.print("a={a} b={b}", a=a, b=b)
    x, y, zz = a + b, a * b, a**2 - b
    return y + x * b + jnp.cos(zz) * 2 * a, y + x * a - jnp.cos(zz)


def inverse_derivative(df, f_inv):
    def d(y):
        jax.debug.print("inverse at {y}", y=y)
        return 1 / df(f_inv(y))

    return d


def grad_2xtx(x):
    jax.debug.print("x={x}", x=x)
    g = jax.grad(lambda x: 2 * jnp.dot(x, x))(x)
    jax.debug.print("grad={g}", g=g)
    return g


def backward(f, x, v=None):
    jax.debug.print("backward x={x}", x=x)
    y, vjp = jax.vjp(f, x)
    return vjp(jnp.ones_like(y) if v is None else v)[0]


def z(x):
    u = jax.lax.stop_gradient(x * x)
    jax.debug.print("u={u}", u=u)
    return u * x


def _f(a):
    def body(b):
        jax.debug.print("doubling {b}", b=b)
        return b * 2

    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, body, a * 2, max_steps=5000)
    jax.debug.print("b after the loop: {b}", b=b)
    return jnp.where(b.sum() > 0, b, 100 * b)


def fun(a):
    print("fun", a)
    return _f(a)


def fun_jacobian(a):
    jax.debug.print("fun_jacobian {a}", a=a)
    return jax.jacrev(_f)(a)


def hvp(f, x, v):
    jax.debug.print("hvp {x} {v}", x=x, v=v)
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    total = 0
    for i in range(xs.shape[0]):
        gi = jax.grad(f)(xs[i])
        jax.debug.print("grad {i}: {g}", i=i, g=gi)
        total = total + gi
    return total


def dsin(x):
    jax.debug.print("dsin {x}", x=x)
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "x -> x^2 -> log(x^2); x -> sin x; x -> 1/x; product; sum"


def df(x):
    jax.debug.print("df {x}", x=x)
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    jax.debug.print("fwd {x}", x=x)
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    jax.debug.print("rev {x}", x=x)
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    shape = jax.eval_shape(f, x).shape
    print("jacobian_auto", x.shape, "->", shape)
    jax.debug.print("x={x}", x=x)
    if x.size <= jnp.size(jnp.zeros(shape)):
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)


why_second_derivative_answer = "more passes (n of them for a full Hessian)"
when_forward_answer = "forward: few inputs; backward: few outputs"


xs = jnp.linspace(0.5, 2.0, 100)
print(f"df x100: {timeit.timeit(lambda: df(xs), number=3) / 3:.4f}s per call")
print("dsin:", min(timeit.repeat(stmt=lambda: dsin(xs), repeat=2, number=5)))
seconds = timeit.Timer(lambda: grad_2xtx(xs)).timeit(number=2)

with open("results.pkl", "wb") as fh:
    pickle.dump({"x_star": x_star, "grad_2xtx seconds": seconds}, fh)
np.save("grid.npy", np.asarray(xs))
grid = np.load("grid.npy")
log("saved", grid.shape, os.path.exists("results.pkl"))
