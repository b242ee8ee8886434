"""Helpers shared by the exercise modules."""

from __future__ import annotations

from gradkit.grading import Avoids, Check, Entry, Exact, ExerciseSpec, Uses, Values, checks

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
# a complex-step derivative, ``imag(f(x + ih)) / h``, is exact to rounding: `by_hand` fails
# it when the grader traced it (complex numbers inside a real function); an entry run
# untraced is ruled out by the names a complex number needs (``1j`` reads as `complex`)
COMPLEX_STEP_NAMES = (
    "imag",
    "complex",  # also `1j`, and numpy.emath, numpy.lib.scimath, cmath
    "complex64",
    "complex128",
    "csingle",
    "cdouble",
    "clongdouble",
    "conj",
    "conjugate",
    "fft",  # what turns real numbers complex
    "ifft",
    "rfft",
    "roots",
    "eig",
    "eigvals",
)
# matrix functions: f of ``xI + N`` (N nilpotent) holds f′(x) in its corner, dual numbers
# without writing a derivative rule
MATRIX_FUNCTION_NAMES = ("expm", "logm", "sqrtm", "funm", "expm_frechet", "expm_multiply")


# what "by automatic differentiation" means, as the rules read a source: JAX's transforms
# and gradkit's (`gk.derivative` reads as `grad`, `gk.jacobian` as `jacfwd` or `jacrev`,
# `eqx.filter_grad` as `grad`); `gk.backward` is PyTorch's `y.backward(v)`
FORWARD_MODE = ("jvp", "jacfwd", "linearize")
REVERSE_MODE = ("grad", "value_and_grad", "vjp", "jacrev", "jacobian", "backward")
AUTODIFF = (*FORWARD_MODE, *REVERSE_MODE, "hessian")


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
    """Require that `entry` computes its derivative by hand: no autodiff, no complex step, no
    matrix function of a nilpotent perturbation."""
    return checks.avoids(
        entry,
        *AUTODIFF_NAMES,
        *COMPLEX_STEP_NAMES,
        *MATRIX_FUNCTION_NAMES,
        weight=weight,
        name=f"{entry} uses no autodiff",
        requirement=True,
    )


def by_autodiff(entry: str, names: tuple[str, ...] = AUTODIFF, what: str = "autodiff") -> Uses:
    """Require that `entry` uses automatic differentiation (one of `names`), not a formula,
    a finite difference or a complex step."""
    return checks.uses(entry, *names, name=f"{entry} uses {what}", requirement=True)


def by_hand(checks_: tuple[Check, ...], *entries: str, weight: float = 0.5) -> tuple[Exact, ...]:
    """Require that each of `entries` is a formula: exact to rounding where it is right, at
    the inputs of each of its values checks in `checks_`, hidden ones too (no evaluation is
    added). Each entry's share `weight`.

    A finite difference written out by hand uses no name `no_autodiff` rules
    out, and passes the value checks' tolerance; it is never exact. Every
    values check gets its own, so an answer made wrong where one is judged is
    judged where it is right.
    """
    return tuple(exact for entry in entries for exact in _exact_twins(checks_, entry, weight))


def _exact_twins(checks_: tuple[Check, ...], entry: str, weight: float) -> tuple[Exact, ...]:
    twins = [c for c in checks_ if type(c) is Values and c.entry == entry and not c.shape_only]
    return tuple(
        Exact(
            entry=entry,
            args=check.args,
            statics=check.statics,
            transform=check.transform,
            curry=check.curry,
            mode=check.mode,
            samples=check.samples,
            rtol=check.rtol,
            atol=check.atol,
            roundoff=check.roundoff,
            weight=weight / len(twins),
            requirement=True,
            visibility=check.visibility,
            name=f"{check.label.removesuffix(' values')} is exact",
            inputs_of=check.label,
        )
        for check in twins
    )
