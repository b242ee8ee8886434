"""Helpers shared by the exercise modules."""

from __future__ import annotations

from typing import Any

from gradkit.grading import Avoids, Entry, Exact, ExerciseSpec, Sampler, checks

AUTODIFF_NAMES = (
    "grad",
    "value_and_grad",
    "jacfwd",
    "jacrev",
    "jacobian",
    "hessian",
    "jvp",
    "vjp",
    "linearize",
    "derivative",
    "backward",
    "hvp",
    "numerical_derivative",
    "difference_quotient",
)
# a complex-step derivative, ``imag(f(x + ih)) / h``, is exact to rounding, so `by_hand`
# cannot tell it from a formula: the name it needs rules it out instead
COMPLEX_STEP_NAMES = ("imag",)


def written(
    id: str, title: str, section: str, prompt: str, constant: str, reference: str
) -> ExerciseSpec:
    """Return a written exercise whose answer is the string constant `constant`."""
    return ExerciseSpec(
        id=id,
        title=title,
        section=section,
        prompt=prompt,
        entries=(Entry(constant, "str", "Your answer, in words and formulas.", kind="constant"),),
        kind="written",
        points=0,
        reference=reference,
    )


def no_autodiff(entry: str, weight: float = 1.0) -> Avoids:
    """Require that `entry` computes its derivative by hand: no autodiff, no complex step."""
    return checks.avoids(
        entry,
        *AUTODIFF_NAMES,
        *COMPLEX_STEP_NAMES,
        weight=weight,
        name=f"{entry} uses no autodiff",
        requirement=True,
    )


def by_hand(entry: str, *args: Sampler, weight: float = 0.5, **options: Any) -> Exact:
    """Require that `entry` is a formula: exact to rounding where it is right.

    A finite difference written out by hand uses no name `no_autodiff` rules
    out, and passes the value checks' tolerance; it is never exact.
    """
    return checks.exact(
        entry, *args, weight=weight, requirement=True, name=f"{entry} is exact", **options
    )
