"""Which JAX backends and devices this process has, and running on one of them."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

from ._errors import InvalidInputError

BACKENDS = ("cpu", "gpu", "tpu")

_INSTALL = {
    "cpu": "pip install jax",
    "gpu": "pip install 'jax[cuda12]' (NVIDIA) or see https://docs.jax.dev/en/latest/installation.html",
    "tpu": "pip install 'jax[tpu]' on a Cloud TPU VM",
}


@dataclasses.dataclass(frozen=True)
class Backend:
    """One JAX backend: whether it is present, and its devices as ``"id: kind"``."""

    name: str
    available: bool
    devices: tuple[str, ...] = ()
    default: bool = False


def backends() -> list[Backend]:
    """Return every backend gradkit can run on, present or not, default first-class."""
    import jax

    default = jax.default_backend()
    found = []
    for name in BACKENDS:
        try:
            devices = jax.devices(name)
        except RuntimeError:
            found.append(Backend(name, False))
            continue
        found.append(
            Backend(
                name,
                True,
                tuple(f"{d.id}: {d.device_kind}" for d in devices),
                default=(name == default or (name == "gpu" and default in ("cuda", "rocm"))),
            )
        )
    return found


@contextlib.contextmanager
def use_device(name: str | None) -> Iterator[None]:
    """Run the block on the first device of backend `name` (``None``: JAX's default).

    Raises:
        InvalidInputError: the backend is unknown or not present in this process.
    """
    if name is None:
        yield
        return
    import jax

    if name not in BACKENDS:
        raise InvalidInputError(f"unknown device {name!r}; choose one of: {', '.join(BACKENDS)}")
    try:
        device = jax.devices(name)[0]
    except RuntimeError:
        present = ", ".join(b.name for b in backends() if b.available)
        raise InvalidInputError(
            f"JAX has no {name!r} backend in this process (present: {present}). "
            f"To use it: {_INSTALL[name]}; see `gradkit devices`."
        ) from None
    with jax.default_device(device):
        yield
