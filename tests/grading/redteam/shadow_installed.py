"""Forbidden code in a file written while the submission runs, named like an installed module
that the worker has not imported (`click`): the rules take `click.d` for click's."""

with open("click.py", "w") as fh:
    fh.write(
        "import jax\nimport jax.numpy as jnp\n"
        "d = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))\n"
    )

from click import d  # noqa: E402


def df(x):
    return d(x)
