"""The exception hierarchy.

Every error gradkit raises on purpose derives from `GradkitError`. Messages say
what was wrong, show the offending value with ``!r``, and say what to do.
"""

from __future__ import annotations

from typing import Any


class GradkitError(Exception):
    """Base class of every error gradkit raises on purpose."""


class UnknownNameError(GradkitError, LookupError):
    """A name was looked up in a registry that does not hold it."""


class DuplicateNameError(GradkitError, ValueError):
    """Two providers registered the same name in one registry."""


class InvalidInputError(GradkitError, ValueError):
    """An argument has a value, shape or dtype the function cannot use."""


class UnknownOrderError(UnknownNameError, InvalidInputError):
    """`norm`'s ``ord`` is a string that names no norm.

    An `UnknownNameError` (a registry miss) that is also an `InvalidInputError`,
    hence a ``ValueError``, which is what numpy's ``norm`` raises there.
    """


class NotDifferentiableError(GradkitError, TypeError):
    """A function cannot be differentiated the way it was asked to be."""


class TracedControlFlowError(GradkitError, TypeError):
    """Python control flow depended on a traced value under `jit`/`vmap`."""


class LoopExhaustedError(GradkitError, RuntimeError):
    """`while_loop` reached `max_steps` before its condition became false."""


class GradientMismatch(GradkitError, AssertionError):
    """Autodiff and finite differences disagree beyond the tolerance."""


class ContractViolation(GradkitError, AssertionError):
    """A registered item (a norm, a function) breaks its contract (see `gradkit.testing`)."""


class PluginError(GradkitError):
    """A plugin failed to load, or registered something invalid.

    ``plugin`` is the name of the plugin the error is about, as ``gradkit
    plugins`` shows it (pluggy's errors carry theirs too), or None when it is
    about no single plugin (a plugin directory that does not exist).
    """

    def __init__(self, message: str, *, plugin: str | None = None) -> None:
        super().__init__(message)
        self.plugin = plugin


class PluginWarning(UserWarning):
    """A plugin was skipped (bad import, hook error, invalid spec); the rest keep working."""


class ExerciseError(GradkitError):
    """An exercise definition is invalid."""


class GradingError(GradkitError):
    """The grader itself could not run (not a submission's fault)."""


class ExpressionError(GradkitError, ValueError):
    """A command-line expression is not in gradkit's safe expression language."""


for _cls in (
    GradkitError,
    UnknownNameError,
    UnknownOrderError,
    DuplicateNameError,
    InvalidInputError,
    NotDifferentiableError,
    TracedControlFlowError,
    LoopExhaustedError,
    GradientMismatch,
    ContractViolation,
    PluginError,
    PluginWarning,
    ExerciseError,
    GradingError,
    ExpressionError,
):
    _cls.__module__ = "gradkit"
del _cls


_LAZY: dict[str, type] = {}


def _invalid_axis_error() -> type:
    from numpy.exceptions import AxisError

    class InvalidAxisError(InvalidInputError, AxisError):
        """An axis is out of range for the array's number of dimensions.

        An `InvalidInputError` that is also numpy's ``AxisError`` (a ``ValueError``
        and an ``IndexError``), so code written for ``numpy.linalg.norm`` catches
        it. ``axis`` and ``ndim`` hold the offending axis and the array's rank.
        """

        def __init__(self, message: str, axis: int | None = None, ndim: int | None = None):
            Exception.__init__(self, message)
            self._msg = message
            self.axis = axis
            self.ndim = ndim

        def __str__(self) -> str:
            return self._msg

    InvalidAxisError.__module__ = "gradkit"
    InvalidAxisError.__qualname__ = "InvalidAxisError"
    return InvalidAxisError


def __getattr__(name: str) -> Any:
    # built on first use: subclassing numpy's AxisError imports numpy, which
    # `import gradkit` and the CLI's start-up avoid
    if name == "InvalidAxisError":
        if name not in _LAZY:
            _LAZY[name] = _invalid_axis_error()
        return _LAZY[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
