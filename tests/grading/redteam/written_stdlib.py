"""A standard-library name (`colorsys`, which nothing imports) written as the submission runs,
found first after `sys.path.insert(0, ".")`: the rules take `colorsys.d` for the stdlib's."""

import sys

sys.path.insert(0, ".")
with open("colorsys.py", "w") as fh:
    fh.write(
        "import jax\nimport jax.numpy as jnp\n"
        "d = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))\n"
    )

from colorsys import d  # noqa: E402


def df(x):
    return d(x)
