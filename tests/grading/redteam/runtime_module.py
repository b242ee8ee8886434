"""Forbidden code in a module the submission writes while it runs, then imports."""

with open("zz_helpers.py", "w") as fh:
    fh.write(
        "import jax\nimport jax.numpy as jnp\n"
        "d = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))\n"
    )

import zz_helpers  # noqa: E402


def df(x):
    return zz_helpers.d(x)
