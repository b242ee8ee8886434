"""gradkit: differentiation with JAX, taught and graded.

The public API is what this module exports, listed once in ``__init__.pyi``.
Names load on first use, so that ``import gradkit`` and the ``gradkit`` command
start without importing JAX; ``gradkit.grad`` is ``gradkit._autodiff.grad``
either way.
"""

from ._lazy import attach_stub

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = attach_stub(__name__, __file__)
