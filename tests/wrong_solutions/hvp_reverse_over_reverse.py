# exercise: autodiff.second-derivative-cost
# fails:
# not a mistake: reverse-over-reverse costs about the same flops, and passes
import jax
import jax.numpy as jnp


def hvp(f, x, v):
    return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)
