"""A directory submission whose helpers.py, read by the rules as handed in, is rewritten with
autodiff before solutions.py imports it."""

with open("helpers.py", "w") as fh:
    fh.write(
        "import jax\nimport jax.numpy as jnp\n"
        "d = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))\n"
    )

from helpers import d  # noqa: E402


def df(x):
    return d(x)
