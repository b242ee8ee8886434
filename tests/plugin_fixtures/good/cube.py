"""A correct single-file plugin: one function, one norm."""

import gradkit as gk


def cube(x):
    return x**3


def sum_abs(v):
    import jax.numpy as jnp

    return jnp.sum(jnp.abs(v))


@gk.hookimpl
def register_functions(register):
    register(gk.FunctionSpec("fixture-cube", cube, "x³", derivative=lambda x: 3 * x**2))


@gk.hookimpl
def register_norms(register):
    register(gk.NormSpec("fixture-l1", sum_abs, "vector", True, "Σ|vᵢ|"))
