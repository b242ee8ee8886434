# exercise: autodiff.backward-twice
# fails: accumulate_grads values | accumulate_grads (hidden)
# mistake: averages the gradients instead of accumulating them
import jax
import jax.numpy as jnp


def accumulate_grads(f, xs):
    return jnp.mean(jax.vmap(jax.grad(f))(xs), axis=0)
