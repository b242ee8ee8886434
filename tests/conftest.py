"""Test configuration: CPU only, strict dtype promotion, a fresh plugin state."""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402

jax.config.update("jax_platforms", "cpu")
jax.config.update("jax_numpy_dtype_promotion", "strict")

# CI runs are reproducible: hypothesis draws the same examples every run (set
# CI=1 to get this locally). Interactive runs keep exploring new examples.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
