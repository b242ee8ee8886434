# exercise: calculus.multivariate-chain-rule
# fails: du_db | chain_rule (hidden)
# mistake: forgets that ∂z/∂b = −1
import jax.numpy as jnp


def chain_rule(a, b):
    x, y, z = a + b, a * b, a**2 - b
    return y + x * b + jnp.cos(z) * 2 * a, y + x * a + jnp.cos(z)
