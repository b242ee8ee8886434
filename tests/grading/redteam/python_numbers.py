"""PyTorch habits, honest: `.item()`, `.tolist()` and format specs in debug prints, and
`float()` of a norm (right values, but Python numbers need concrete arrays)."""

import jax.numpy as jnp


def l1(v):
    total = jnp.sum(jnp.abs(v))
    print(f"l1 = {total:.4f}, entries {jnp.abs(v).tolist()}")
    return total


def linf(v):
    biggest = jnp.max(jnp.abs(v)).item()  # PyTorch's `.item()`, then more maths
    print("linf:", biggest)
    return biggest * 1.0


def l2(v):
    return float(jnp.sqrt(jnp.sum(v * v)))
