"""Small exercises for the grader's own tests (registered by the ``-p`` plugin below).

The reference solutions live in this module, so the sandbox hides this
directory: a submission that tries to read it finds nothing.
"""

from __future__ import annotations

import jax.numpy as jnp

import gradkit as gk
from gradkit.grading import Entry, ExerciseSpec, Values, samplers


def sumsq(x):
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))


REFERENCE = {"sumsq": sumsq, "scale": scale, "softsign": softsign}

SUMSQ = ExerciseSpec(
    id="h6.sumsq",
    title="Sum of squares and its gradient",
    section="2.5",
    prompt="Define `sumsq(x)` = Σ xᵢ².",
    entries=(Entry("sumsq", "(x)", "Σ xᵢ²."),),
    checks=(
        Values(entry="sumsq", args=(samplers.normal((3,)),), samples=2),
        Values(
            entry="sumsq",
            args=(samplers.normal((4,)),),
            transform="grad",
            samples=2,
            visibility="hidden",
        ),
    ),
    points=2.0,
    reference=REFERENCE,
)
SCALE = ExerciseSpec(
    id="h6.scale",
    title="Double a vector",
    section="2.3",
    prompt="Define `scale(x)` = 2x.",
    entries=(Entry("scale", "(x)", "2x."),),
    checks=(
        Values(entry="scale", args=(samplers.normal((3,)),), samples=2),
        Values(
            entry="scale",
            args=(samplers.normal((2, 3)),),
            transform="jit",
            samples=1,
            visibility="hidden",
        ),
    ),
    points=1.0,
    reference=REFERENCE,
)
SOFTSIGN = ExerciseSpec(
    id="h6.softsign",
    title="Softsign",
    section="2.4",
    prompt="Define `softsign(x)` = x / (1 + |x|).",
    entries=(Entry("softsign", "(x)", "x / (1 + |x|)."),),
    checks=(Values(entry="softsign", args=(samplers.normal((5,)),), samples=2, mode="eager"),),
    points=1.0,
    reference=REFERENCE,
)
SPECS = (SUMSQ, SCALE, SOFTSIGN)


@gk.hookimpl
def register_exercises(register):
    for spec in SPECS:
        register(spec)
