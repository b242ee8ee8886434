# %% [markdown]
# # HW2 (VS Code interactive window, percent cells)
# Run a cell with Shift+Enter.

# %%
import sys
import unittest

import jax
import jax.numpy as jnp
import numpy as np
import gradkit as gk

np.set_printoptions(threshold=sys.maxsize, linewidth=200)

# %% norms
def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    s = jnp.sum(v**2)
    nonzero = s > 0
    return jnp.where(nonzero, jnp.sqrt(jnp.where(nonzero, s, 1.0)), 0.0)


def linf(v):
    return jnp.max(jnp.abs(v))


def col_norms(M):
    return jnp.array([l2(M[:, j]) for j in range(M.shape[1])])


def row_norms(M):
    return jnp.array([l2(M[i]) for i in range(M.shape[0])])


def frobenius(M):
    return jnp.sqrt(jnp.sum(col_norms(M) ** 2))


# %% calculus
def limit_table(f, x, hs):
    results = jnp.zeros_like(hs)
    for i, h in enumerate(hs):
        results = results.at[i].set((f(x + h) - f(x)) / h)
    return results


def d_const(c, x):
    return x * 0


def d_power(n, x):
    return n * x ** (n - 1)


def d_exp(x):
    return jnp.exp(x)


def d_log(x):
    return x**-1


def sum_rule(df, dg):
    def h(x):
        return df(x) + dg(x)
    return h


def product_rule(f, g, df, dg):
    def h(x):
        return df(x) * g(x) + f(x) * dg(x)
    return h


def quotient_rule(f, g, df, dg):
    def h(x):
        return (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
    return h


constant_multiple_answer = r"$\frac{d}{dx}[C f(x)] = C' f(x) + C f'(x) = C f'(x)$ since $C' = 0$"


def d_x_pow_x(x):
    return x**x * (jnp.log(x) + 1)


def g(x):
    return -((x - 3) ** 2)  # a maximum


x_star = 3.0


def tangent_line(f, x0):
    slope = jax.grad(f)(x0)
    intercept = f(x0) - slope * x0
    return jnp.stack([slope, intercept])


def grad_f(x):
    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])


def grad_l2(x):
    norm = l2(x)
    return jnp.where(norm == 0, jnp.zeros_like(x), x / jnp.where(norm == 0, 1.0, norm))


def chain_rule(a, b):
    x = a + b
    y = a * b
    z = a**2 - b
    du_da = y * 1 + x * b + jnp.cos(z) * (2 * a)
    du_db = y * 1 + x * a + jnp.cos(z) * (-1)
    return du_da, du_db


def inverse_derivative(df, f_inv):
    return lambda y: 1 / df(f_inv(y))


# %% autograd
def grad_2xtx(x):
    return jax.grad(lambda x: 2 * x.T @ x)(x)


def backward(f, x, v=None):
    y, vjp_fn = jax.vjp(f, x)
    if v is None:
        v = jnp.ones(y.shape, y.dtype)
    return vjp_fn(v)[0]


def z(x):
    u = gk.detach(x * x)
    return u * x


def fun(a):
    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2, max_steps=8000)
    return jnp.where(jnp.sum(b) > 0, b, 100 * b)


def fun_jacobian(a):
    return jax.jacrev(fun)(a)


def hvp(f, x, v):
    return jax.jvp(lambda x: jax.grad(f)(x), (x,), (v,))[1]


def accumulate_grads(f, xs):
    total = jnp.zeros(xs.shape[1])
    for row in xs:
        total += jax.grad(f)(row)
    return total


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = """
    x ──► x² ──► log(x²) ─┐
    x ──► sin(x) ─────────┴─► log(x²)·sin(x) ─┐
    x ──► 1/x ─────────────────────────────────┴─► f
"""


def df(x):
    return (2 / x) * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


def forward_derivative(f, x):
    return jax.jacfwd(f)(x)


def reverse_derivative(f, x):
    return jax.jacrev(f)(x)


def jacobian_auto(f, x):
    n, m = x.shape[0], jax.eval_shape(f, x).shape[0]
    if n <= m:
        return jax.jacfwd(f)(x)
    return jax.jacrev(f)(x)


why_second_derivative_answer = "Hessian needs n gradient evaluations (n x n entries)"
when_forward_answer = "Forward when n_inputs < n_outputs; backward otherwise (loss functions)."

# %% look at the Jacobian (it is diagonal!)
J = jax.jacfwd(fun)(jnp.linspace(0.5, 1.5, 120))
print(np.asarray(J))  # big, but I want to see it all


# %% tests
class TestHW2(unittest.TestCase):
    def test_l2(self):
        self.assertAlmostEqual(float(l2(jnp.array([3.0, 4.0]))), 5.0, places=5)

    def test_grad(self):
        np.testing.assert_allclose(grad_2xtx(jnp.arange(4.0)), [0, 4, 8, 12])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], exit=False)
