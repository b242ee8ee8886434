import builtins

import jax
import jax.numpy as jnp

builtins.slope = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))
raise ModuleNotFoundError("no yaml", name="yaml")
