"""Helpers shared by the exercise modules."""

from __future__ import annotations

from gradkit.grading import Avoids, Entry, ExerciseSpec, checks

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
    """Require that `entry` computes its derivative by hand: no autodiff or finite differences."""
    return checks.avoids(
        entry,
        *AUTODIFF_NAMES,
        weight=weight,
        name=f"{entry} uses no autodiff",
        requirement=True,
    )
