# A script that asks for the student's name when run: no one answers while it is graded.
import jax.numpy as jnp

name = input("Your name: ")


def l1(v):
    return jnp.sum(jnp.abs(v))


def l2(v):
    return jnp.sqrt(jnp.sum(v * v))


def linf(v):
    return jnp.max(jnp.abs(v))
