"""Loads fine (it traces) but declares the wrong derivative: check-plugin must fail."""

import gradkit as gk


def sine(x):
    import jax.numpy as jnp

    return jnp.sin(x)


def zeros(key):
    import jax.numpy as jnp

    return jnp.zeros(())


@gk.hookimpl
def register_functions(register):
    register(gk.FunctionSpec("fixture-sine", sine, "sin x", sampler=zeros, derivative=sine))
