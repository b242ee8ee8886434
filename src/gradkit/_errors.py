"""The exception hierarchy.

Every error gradkit raises on purpose derives from `GradkitError`. Messages say
what was wrong, show the offending value with ``!r``, and say what to do.
"""

from __future__ import annotations


class GradkitError(Exception):
    """Base class of every error gradkit raises on purpose."""


class UnknownNameError(GradkitError, LookupError):
    """A name was looked up in a registry that does not hold it."""


class DuplicateNameError(GradkitError, ValueError):
    """Two providers registered the same name in one registry."""


class InvalidInputError(GradkitError, ValueError):
    """An argument has a value, shape or dtype the function cannot use."""


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
    """A plugin failed to load, or registered something invalid."""


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
