"""A module inside a zip archive written to /tmp and put on `sys.path`."""

import io
import sys
import zipfile

buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    archive.writestr(
        "zz_zipped.py",
        "import jax\nimport jax.numpy as jnp\n"
        "d = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))\n",
    )
with open("/tmp/data.bin", "wb") as fh:
    fh.write(buffer.getvalue())
sys.path.append("/tmp/data.bin")

from zz_zipped import d  # noqa: E402


def df(x):
    return d(x)
