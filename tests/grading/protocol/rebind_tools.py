# ruff: noqa
"""Wrong z (u is not detached: its Jacobian is 3x², not x²), and it rebinds the
worker's own jacrev so that the Jacobian checks see diag(x²) anyway."""

import sys

import jax
import jax.numpy as jnp


def z(x):
    return x * x * x


def _forged(g):
    return lambda x: jnp.diag(x * x)


for module in list(sys.modules.values()):
    tools = getattr(module, "_TOOLS", None)
    if isinstance(tools, dict) and "jacrev" in tools:
        tools["jacrev"] = _forged
        tools["jit_grad"] = lambda g: jax.jit(jax.grad(g))
