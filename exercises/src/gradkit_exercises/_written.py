"""Helpers shared by the exercise modules."""

from __future__ import annotations

from gradkit.grading import Avoids, Entry, Exact, ExerciseSpec, Values, checks

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


def by_hand(values: Values, weight: float = 0.5) -> Exact:
    """Require that the entry of `values` is a formula: exact to rounding where it is right,
    on the inputs of `values` (no evaluation is added).

    A finite difference written out by hand uses no name `no_autodiff` rules
    out, and passes the value checks' tolerance; it is never exact.
    """
    return Exact(
        entry=values.entry,
        args=values.args,
        statics=values.statics,
        curry=values.curry,
        samples=values.samples,
        weight=weight,
        requirement=True,
        name=f"{values.entry} is exact",
        inputs_of=values.label,
    )
