# -*- coding: latin-1 -*-
# Devoir 2 -- Zoé. Copied from my Jupyter notebook (the magics came along as calls).
get_ipython().run_line_magic("matplotlib", "inline")
get_ipython().system("pip install -q gradkit")
from IPython.display import display, Markdown  # noqa: E402
import jax
import jax.numpy as jnp


class Solver:
    """Homework 2."""

    # ---- norms
    @staticmethod
    def l1(v):
        return jnp.sum(jnp.abs(v))

    @staticmethod
    def l2(v):
        s = jnp.sum(v * v)
        return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)

    @staticmethod
    def linf(v):
        return jnp.max(jnp.abs(v))

    @staticmethod
    def col_norms(M):
        return jax.vmap(Solver.l2, in_axes=1)(M)

    @staticmethod
    def row_norms(M):
        return jax.vmap(Solver.l2)(M)

    @staticmethod
    def frobenius(M):
        return Solver.l2(M.ravel())

    # ---- calculus by hand
    @staticmethod
    def limit_table(f, x, hs):
        return jax.vmap(lambda h: (f(x + h) - f(x)) / h)(hs)

    @staticmethod
    def d_const(c, x):
        return jnp.zeros_like(x)

    @staticmethod
    def d_power(n, x):
        return n * x ** (n - 1)

    @staticmethod
    def d_exp(x):
        return jnp.exp(x)

    @staticmethod
    def d_log(x):
        return 1 / x

    @staticmethod
    def sum_rule(df, dg):
        return lambda x: df(x) + dg(x)

    @staticmethod
    def product_rule(f, g, df, dg):
        return lambda x: df(x) * g(x) + f(x) * dg(x)

    @staticmethod
    def quotient_rule(f, g, df, dg):
        return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2

    @staticmethod
    def d_x_pow_x(x):
        return x**x * (jnp.log(x) + 1)

    @staticmethod
    def g(x):
        return (x + 1.0) ** 2

    @staticmethod
    def tangent_line(f, x0):
        s = jax.grad(f)(x0)
        return s, f(x0) - s * x0

    @staticmethod
    def grad_f(x):
        return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])

    @staticmethod
    def grad_l2(x):
        n = Solver.l2(x)
        return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)

    @staticmethod
    def chain_rule(a, b):
        x, y, z = a + b, a * b, a**2 - b
        return y + x * b + jnp.cos(z) * 2 * a, y + x * a - jnp.cos(z)

    @staticmethod
    def inverse_derivative(df, f_inv):
        return lambda y: 1 / df(f_inv(y))

    # ---- autograd
    @staticmethod
    def grad_2xtx(x):
        return jax.grad(lambda x: 2 * x @ x)(x)

    @staticmethod
    def backward(f, x, v=None):
        y, pb = jax.vjp(f, x)
        return pb(jnp.ones_like(y) if v is None else v)[0]

    @staticmethod
    def z(x):
        return jax.lax.stop_gradient(x * x) * x

    @staticmethod
    def _book(a):
        b = 2 * a
        n = jax.lax.stop_gradient(jnp.linalg.norm(b))
        k = jax.lax.while_loop(lambda c: c[0] < 1000, lambda c: (2 * c[0], 2 * c[1]), (n, 1.0))[1]
        b = b * k
        return jnp.where(jnp.sum(b) > 0, b, 100 * b)

    @staticmethod
    def fun_jacobian(a):
        return jax.jacfwd(Solver._book)(a)

    @staticmethod
    def hvp(f, x, v):
        return jax.jvp(jax.grad(f), (x,), (v,))[1]

    @staticmethod
    def accumulate_grads(f, xs):
        return jax.vmap(jax.grad(f))(xs).sum(0)

    @staticmethod
    def dsin(x):
        """d/dx sin x by autodiff (I know it is cos, but I may not use that)."""
        return jnp.vectorize(jax.grad(jnp.sin))(x)

    @staticmethod
    def df(x):
        return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2

    @staticmethod
    def forward_derivative(f, x):
        return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]

    @staticmethod
    def reverse_derivative(f, x):
        return jax.grad(f)(x)

    @staticmethod
    def jacobian_auto(f, x):
        small = x.size <= jax.eval_shape(f, x).size
        return jax.jacfwd(f)(x) if small else jax.jacrev(f)(x)

    # ---- my own checks, never graded
    def self_test(self):
        assert jnp.allclose(self.d_power(3.0, 2.0), jax.grad(lambda x: x**3)(2.0))
        assert jnp.allclose(self.dsin(1.0), jnp.cos(1.0))
        assert jnp.allclose(self.df(2.0), jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x)(2.0))
        print("all good")


l1, l2, linf = Solver.l1, Solver.l2, Solver.linf
col_norms, row_norms, frobenius = Solver.col_norms, Solver.row_norms, Solver.frobenius
limit_table = Solver.limit_table
d_const, d_power, d_exp, d_log = Solver.d_const, Solver.d_power, Solver.d_exp, Solver.d_log
sum_rule, product_rule, quotient_rule = Solver.sum_rule, Solver.product_rule, Solver.quotient_rule
d_x_pow_x = Solver.d_x_pow_x
g = Solver.g
x_star = -1.0  # minimum de (x + 1)²
tangent_line = Solver.tangent_line
grad_f = Solver.grad_f
grad_l2 = Solver.grad_l2
chain_rule = Solver.chain_rule
inverse_derivative = Solver.inverse_derivative
grad_2xtx = Solver.grad_2xtx
backward = Solver.backward
z = Solver.z
fun = jax.jit(Solver._book)
fun_jacobian = Solver.fun_jacobian
hvp = Solver.hvp
accumulate_grads = Solver.accumulate_grads
dsin = Solver.dsin
df = Solver.df
forward_derivative = Solver.forward_derivative
reverse_derivative = Solver.reverse_derivative
jacobian_auto = Solver.jacobian_auto
constant_multiple_answer = "c' = 0"
dependency_graph_answer = "x -> x^2 -> log; sin; product; 1/x; sum"
why_second_derivative_answer = "n passes"
when_forward_answer = "few inputs"

if __name__ == "__main__":
    Solver().self_test()
    display(Markdown("**terminé** : réponses vérifiées"))
