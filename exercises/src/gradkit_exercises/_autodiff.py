"""Automatic differentiation exercises (§2.5)."""

from __future__ import annotations

from gradkit.grading import Entry, ExerciseSpec, checks, samplers

REF = "gradkit_exercises.reference.autodiff"

DETACH = ExerciseSpec(
    id="autodiff.detach",
    title="Detaching computation",
    section="2.5.3",
    prompt="""\
Sometimes we want to treat part of a computation as a constant. The book
computes $u = x \\cdot x$ (elementwise), then $z = u \\cdot x$, and wants the
gradient of $\\sum_i z_i$ with respect to $x$ **with $u$ held fixed**: that is $u = x^2$,
not the $3x^2$ you get when $u$ is differentiated too.

Write `z(x)` returning `u * x` with `u` detached from the computation
(`jax.lax.stop_gradient` or `gk.detach`). Its values are $x^3$; its Jacobian is
$\\mathrm{diag}(x^2)$.
""",
    entries=(Entry("z", "(x)", "Return u·x where u = x·x is treated as a constant."),),
    checks=(
        checks.values("z", samplers.normal(4)),
        checks.Values(
            entry="z",
            args=(samplers.normal(4),),
            transform="jacrev",
            samples=2,
            name="gradient with u detached",
        ),
        checks.Values(
            entry="z",
            args=(samplers.normal(6),),
            transform="jacrev",
            visibility="hidden",
            name="gradient with u detached (hidden)",
        ),
    ),
    points=1,
    reference=REF,
)

EXERCISES = (DETACH,)
