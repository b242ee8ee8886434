import warnings
warnings.filterwarnings("ignore")
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np
import matplotlib
import matplotlib.pyplot as plt
from functools import partial

np.random.seed(0)
key = jax.random.PRNGKey(42)
A = np.random.randn(3, 4)
print("random matrix", A)

# ---------- 2.3 ----------
@jax.jit
def l1(v):
	return jnp.sum(jnp.abs(v))

@jax.jit
def l2(v):
	σ = jnp.sum(v * v)
	return jnp.where(σ > 0, jnp.sqrt(jnp.where(σ > 0, σ, 1.0)), 0.0)

@jax.jit
def linf(v):
	return jnp.max(jnp.abs(v))

@partial(jax.jit, static_argnums=1)
def _norms_along(M, axis):
	σ = jnp.sum(M ** 2, axis=axis)
	return jnp.where(σ > 0, jnp.sqrt(jnp.where(σ > 0, σ, 1.0)), 0.0)

def col_norms(M):
	return _norms_along(M, 0)

def row_norms(M):
	return _norms_along(M, 1)

frobenius = jax.jit(lambda M: l2(M.ravel()))

print(l1(jnp.array(A[0])), l2(jnp.zeros(3)), frobenius(jnp.array(A)))

# ---------- 2.4 ----------
def limit_table(f, x, hs):
	def body(i, out):
		h = hs[i]
		return out.at[i].set((f(x + h) - f(x)) / h)
	return jax.lax.fori_loop(0, hs.shape[0], body, jnp.zeros_like(hs))

def d_const(c, x):
	return 0.0 * x

def d_power(n, x):
	return n * x ** (n - 1)

def d_exp(x):
	return jnp.exp(x)

def d_log(x):
	return x ** -1

def sum_rule(df, dg):
	return lambda x: df(x) + dg(x)

def product_rule(f, g, df, dg):
	return lambda x: df(x) * g(x) + f(x) * dg(x)

def quotient_rule(f, g, df, dg):
	return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2

constant_multiple_answer = "c' = 0 so (cf)' = c'f + cf' = cf'"

@jax.jit
def d_x_pow_x(x):
	return x ** x * (jnp.log(x) + 1)

def g(x):
	return jnp.cosh(x - 0.5)

x_star = 0.5

def tangent_line(f, x0):
	ŷ, m = jax.value_and_grad(f)(x0)
	return (m, ŷ - m * x0)

xs = np.linspace(0.2, 3, 100)
m, b = tangent_line(lambda x: x ** 3 - 1 / x, 1.0)
plt.plot(xs, xs ** 3 - 1 / xs, label="f")
plt.plot(xs, m * xs + b, "--", label="tangent")
plt.legend()
plt.show()

def grad_f(x):
	return jnp.array([6. * x[0], 5. * jnp.exp(x[1])])

def grad_l2(x):
	n2 = jnp.dot(x, x)
	return jnp.where(n2 > 0, x / jnp.sqrt(jnp.where(n2 > 0, n2, 1.0)), jnp.zeros_like(x))

def chain_rule(a, b):
	x, y, z = a + b, a * b, a ** 2 - b
	return (y + x * b + 2 * a * jnp.cos(z), y + x * a - jnp.cos(z))

def inverse_derivative(df, f_inv):
	return lambda y: 1 / df(f_inv(y))

# ---------- 2.5 ----------
@jax.jit
def grad_2xtx(x):
	return jax.grad(lambda t: 2 * jnp.dot(t, t))(x)

def backward(f, x, v=None):
	y, f_vjp = jax.vjp(f, x)
	if v is None:
		v = jnp.ones_like(y)
	return f_vjp(v)[0]

@jax.jit
def z(x):
	u = jax.lax.stop_gradient(x * x)
	return u * x

def _book(a):
	b = 2 * a
	n = jax.lax.stop_gradient(jnp.linalg.norm(b))
	def step(carry):
		n, s = carry
		return n * 2, s * 2
	_, s = jax.lax.while_loop(lambda c: c[0] < 1000, step, (n, jnp.ones_like(n)))
	b = b * s
	return jax.lax.cond(b.sum() > 0, lambda: b, lambda: 100 * b)

fun = jax.jit(_book)
fun_jacobian = jax.jit(jax.jacfwd(_book))

@partial(jax.jit, static_argnums=0)
def hvp(f, x, v):
	return jax.jvp(jax.grad(f), (x,), (v,))[1]

@partial(jax.jit, static_argnums=(0,))
def accumulate_grads(f, xs):
	def step(acc, x):
		return acc + jax.grad(f)(x), None
	total, _ = jax.lax.scan(step, jnp.zeros_like(xs[0]), xs)
	return total

def dsin(x):
	return jax.vmap(jax.grad(jnp.sin))(x.reshape(-1)).reshape(jnp.shape(x))

dependency_graph_answer = "x→x²→log(x²); x→sin x; product; x→1/x; sum"

def df(x):
	return 2 / x * jnp.sin(x) + jnp.log(x ** 2) * jnp.cos(x) - 1 / x ** 2

def forward_derivative(f, x):
	_, t = jax.jvp(f, (x,), (jnp.ones_like(x),))
	return t

def reverse_derivative(f, x):
	y, pull = jax.vjp(f, x)
	return pull(jnp.ones_like(y))[0]

def jacobian_auto(f, x):
	out = jax.eval_shape(f, x)
	if x.size <= out.size:
		return jax.jacfwd(f)(x)
	else:
		return jax.jacrev(f)(x)

why_second_derivative_answer = "n reverse passes for the Hessian"
when_forward_answer = "forward when inputs are few"

if __name__ == "__main__":
	name = input("your name: ")
	print("hello", name)
	xs = jnp.linspace(-6, 6, 200)
	plt.plot(xs, jnp.sin(xs), xs, dsin(xs))
	plt.savefig("sin.png")
	plt.show()
