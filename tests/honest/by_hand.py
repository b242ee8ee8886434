# By-hand formulas wherever the statement allows them; autodiff only where it asks for it.
import jax
import jax.numpy as jnp
from jax import lax


def l1(v):
    total = 0.0
    return total + jnp.sum(jnp.where(v < 0, -v, v))


def l2(v):
    s = jnp.sum(v * v)
    nonzero = s > 0.0
    root = jnp.sqrt(jnp.where(nonzero, s, 1.0))
    return jnp.where(nonzero, root, 0.0)


def linf(v):
    return jnp.max(jnp.maximum(v, -v))


def col_norms(M):
    sq = (M * M).sum(axis=0)
    return jnp.sqrt(sq)


def row_norms(M):
    return jnp.sqrt((M * M).sum(axis=1))


def frobenius(M):
    return jnp.sqrt((M * M).sum())


def limit_table(f, x, hs):
    return (jax.vmap(f)(x + hs) - f(x)) / hs


# (i) f = c:   (c - c)/h = 0
def d_const(c, x):
    return 0.0 * x


# (ii) f = x^n: ((x+h)^n - x^n)/h -> n x^(n-1)  (binomial theorem)
def d_power(n, x):
    return n * jnp.exp((n - 1) * jnp.log(x))


# (iii) f = e^x: e^x (e^h - 1)/h -> e^x
def d_exp(x):
    return jnp.exp(x)


# (iv) f = log x: log(1 + h/x)/h -> 1/x
def d_log(x):
    return x**-1


def sum_rule(df, dg):
    return lambda x: dg(x) + df(x)


def product_rule(f, g, df, dg):
    return lambda x: g(x) * df(x) + dg(x) * f(x)


def quotient_rule(f, g, df, dg):
    def rule(x):
        num = df(x) * g(x) - f(x) * dg(x)
        den = g(x) * g(x)
        return num / den

    return rule


constant_multiple_answer = """
Let g(x) = c. Product rule: (c f)' = (c)' f + c f'. The derivative of a constant is 0,
so (c f)' = c f'.
"""


def d_x_pow_x(x):
    # y = x^x, log y = x log x, y'/y = log x + 1
    y = x**x
    return y * jnp.log(x) + y


def g(x):
    return x**3  # saddle point at 0


x_star = 0.0


def tangent_line(f, x0):
    slope = jax.grad(f)(x0)
    intercept = f(x0) - slope * x0
    return (slope, intercept)


def grad_f(x):
    # f = 3 x1^2 + 5 e^{x2}:  df/dx1 = 6 x1, df/dx2 = 5 e^{x2}
    return jnp.stack((6 * x[..., 0], 5 * jnp.exp(x[..., 1])), axis=-1)


def grad_l2(x):
    s = jnp.sum(x * x)
    safe = jnp.where(s == 0, 1.0, s)
    return jnp.where(s == 0, 0.0 * x, x * lax.rsqrt(safe))


def chain_rule(a, b):
    # u = x y + sin z ; x = a + b ; y = a b ; z = a^2 - b
    # du/da = y*1 + x*b + cos(z)*2a ; du/db = y*1 + x*a - cos(z)
    x = a + b
    y = a * b
    z_ = a * a - b
    return y + x * b + 2 * a * jnp.cos(z_), y + x * a - jnp.cos(z_)


def inverse_derivative(df, f_inv):
    # f(f^-1(y)) = y  =>  f'(f^-1(y)) (f^-1)'(y) = 1
    return lambda y: 1 / df(f_inv(y))


def grad_2xtx(x):
    return jax.grad(lambda t: 2 * jnp.vdot(t, t))(x)


def backward(f, x, v=None):
    if v is None:
        return jax.grad(lambda t: jnp.sum(f(t)))(x)
    return jax.grad(lambda t: jnp.vdot(v, f(t)))(x)


def z(x):
    u = lax.stop_gradient(x * x)
    return u * x


def _doubling(a):
    def body(b):
        return b + b

    import gradkit

    b = gradkit.while_loop(lambda b: jnp.sqrt(jnp.sum(b * b)) < 1000, body, a + a, max_steps=2000)
    return lax.cond(jnp.sum(b) > 0, lambda b: b, lambda b: b * 100, b)


fun = _doubling


def fun_jacobian(a):
    return jax.jacobian(_doubling)(a)


def hvp(f, x, v):
    _, hv = jax.jvp(jax.grad(f), (x,), (v,))
    return hv


def accumulate_grads(f, xs):
    return jax.grad(lambda xs: jnp.sum(jax.vmap(f)(xs)))(xs).sum(0)


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


dependency_graph_answer = "x->a=x^2->c=log(a); x->b=sin(x); c,b->e=c*b; x->d=1/x; e,d->f=e+d"


def df(x):
    # df/dx = dc/dx * b + c * db/dx + dd/dx,  dc/dx = (1/a) * 2x
    a = x * x
    b = jnp.sin(x)
    c = jnp.log(a)
    dc = 2 * x / a
    db = jnp.cos(x)
    dd = -1 / a
    return dc * b + c * db + dd


def forward_derivative(f, x):
    return jax.jvp(f, (x,), (1.0 + 0 * x,))[1]


def reverse_derivative(f, x):
    y, back = jax.vjp(f, x)
    return back(jnp.ones_like(y))[0]


def jacobian_auto(f, x):
    out = jax.eval_shape(f, x)
    return jax.jacfwd(f)(x) if x.size <= out.size else jax.jacrev(f)(x)


why_second_derivative_answer = (
    "It differentiates the whole gradient graph: n passes for the Hessian."
)
when_forward_answer = "Forward when inputs are few, reverse when outputs are few."
