# Right on 1-D input, fails to trace on 2-D input.
import jax
import jax.numpy as jnp

dsin = jax.vmap(jax.grad(jnp.sin))
