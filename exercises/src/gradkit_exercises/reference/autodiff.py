"""Reference solutions of the automatic differentiation exercises (§2.5)."""

import jax


def z(x):
    u = jax.lax.stop_gradient(x * x)
    return u * x
