# Part 3: autodiff (2.5).
import jax
import jax.numpy as jnp

import gradkit as gk


def grad_2xtx(x):
    return jax.grad(lambda x: 2 * jnp.dot(x, x))(x)


def backward(f, x, v=None):
    y, vjp = jax.vjp(f, x)
    return vjp(jnp.ones_like(y) if v is None else v)[0]


def z(x):
    return jax.lax.stop_gradient(x * x) * x


def _book(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=5000)
    return jnp.where(b.sum() > 0, b, 100 * b)


fun = _book


def fun_jacobian(a):
    return jax.jacrev(_book)(a)


def hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def accumulate_grads(f, xs):
    return jax.vmap(jax.grad(f))(xs).sum(0)


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "x^2 -> log; sin; product; 1/x; sum"


def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    if x.size <= jax.eval_shape(f, x).size:
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)


why_second_derivative_answer = "n passes"
when_forward_answer = "forward for few inputs"
