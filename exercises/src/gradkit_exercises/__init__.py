"""The exercises of D2L §2.3–2.5 as a gradkit plugin.

Installing this package registers every exercise in `gradkit.exercises`
through the ``register_exercises`` hook (entry point group ``gradkit``), and
two assignments in `gradkit.assignments` (``register_assignments``): §2.3–2.4
(norms and calculus) and §2.5 (automatic differentiation), in book order.
The reference solutions live in `gradkit_exercises.reference`; they are
trusted code and run only in the grader's own process.
"""

from __future__ import annotations

from collections.abc import Callable

from gradkit.hookspecs import hookimpl


def all_exercises() -> tuple:
    """Return every exercise spec of the set, in book order."""
    from ._autodiff import EXERCISES as AUTODIFF
    from ._calculus import EXERCISES as CALCULUS
    from ._norms import EXERCISES as NORMS

    return (*NORMS, *CALCULUS, *AUTODIFF)


@hookimpl
def register_exercises(register: Callable[..., None]) -> None:
    """Register the D2L §2.3–2.5 exercise set."""
    for spec in all_exercises():
        register(spec)


@hookimpl
def register_assignments(register: Callable[..., None]) -> None:
    """Register the set's two assignments: §2.3–2.4 and §2.5, in book order."""
    from gradkit import AssignmentSpec

    register(
        AssignmentSpec(
            id="d2l-2.3-2.4",
            title="D2L §2.3–2.4: norms and calculus",
            exercises=("norms.vector", "norms.matrix", "calculus.*"),
        )
    )
    register(
        AssignmentSpec(
            id="d2l-2.5",
            title="D2L §2.5: automatic differentiation",
            exercises=("autodiff.*",),
        )
    )
