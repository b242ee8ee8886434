import jax
import jax.numpy as jnp

d = jnp.cos
e = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))
