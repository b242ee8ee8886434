__all__ = ['grad_2xtx', 'backward', 'z', 'fun', 'fun_jacobian', 'hvp', 'why_second_derivative_answer', 'accumulate_grads', 'dsin', 'dependency_graph_answer', 'forward_derivative', 'reverse_derivative', 'jacobian_auto', 'when_forward_answer']


import jax
import jax.numpy as jnp
import gradkit as gk


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


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]


def reverse_derivative(f, x):
    return jax.grad(f)(x)


def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    return jax.jacfwd(f)(x) if x.size <= out.size else jax.jacrev(f)(x)


when_forward_answer = "Forward: few inputs, many outputs. Reverse: many inputs, few outputs (losses)."
