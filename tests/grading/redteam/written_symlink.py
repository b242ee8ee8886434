"""A symlink written as the submission runs, named like an installed module the worker has not
imported (`cycler`), to a file of /tmp: the rules take `cycler.d` for cycler'."""

import os
import sys

with open("/tmp/real.py", "w") as fh:
    fh.write(
        "import jax\nimport jax.numpy as jnp\n"
        "d = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))\n"
    )
os.symlink("/tmp/real.py", "cycler.py")
sys.path.insert(0, ".")

from cycler import d  # noqa: E402


def df(x):
    return d(x)
