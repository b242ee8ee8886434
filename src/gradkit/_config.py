"""Scoped JAX configuration that never changes the user's global settings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def float64() -> Iterator[None]:
    """Enable 64-bit types inside the block only.

    gradkit computes numerical references in float64 (the seed's limit table is
    wrong in float32: h=1e-5 gives 2.00272 instead of 2.00003) without flipping
    ``jax_enable_x64`` for the rest of the user's program.
    """
    import jax

    enable = getattr(jax, "enable_x64", None)
    if enable is None:  # jax < 0.12 kept it in jax.experimental
        from jax.experimental import enable_x64 as enable  # type: ignore[no-redef]
    with enable(True):
        yield
