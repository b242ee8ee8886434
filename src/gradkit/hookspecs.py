"""The plugin contract: the hooks a gradkit plugin may implement.

A plugin is a module (or an object) with functions marked ``@gradkit.hookimpl``
whose names are the hook names below. Each hook receives a ``register``
callable; call it once per item you add::

    import gradkit as gk

    @gk.hookimpl
    def register_norms(register):
        register(gk.NormSpec("l3", lambda v: gk.norm(v, ord=3), kind="vector"))

Plugins may implement any subset of the hooks, and may leave out the
``register`` argument of a hook they do not use. A misspelled hook name is
reported when the plugins load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ._registry import FunctionSpec, NormSpec
    from .grading import ExerciseSpec

PROJECT = "gradkit"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_functions(register: Callable[[FunctionSpec], None]) -> None:
    """Add differentiable functions to `gradkit.functions`.

    Signature: ``register_functions(register)`` where ``register(spec)`` takes a
    `gradkit.FunctionSpec`.

    Example::

        @gk.hookimpl
        def register_functions(register):
            register(gk.FunctionSpec(
                name="softplus",
                fn=lambda x: jnp.logaddexp(x, 0.0),
                description="log(1 + eˣ)",
                derivative=jax.nn.sigmoid,
            ))
    """


@hookspec
def register_norms(register: Callable[[NormSpec], None]) -> None:
    """Add norm variants to `gradkit.norms`, usable as ``gk.norm(x, ord=name)``.

    Signature: ``register_norms(register)`` where ``register(spec)`` takes a
    `gradkit.NormSpec`.

    Example::

        @gk.hookimpl
        def register_norms(register):
            register(gk.NormSpec(
                name="l3",
                fn=lambda v: gk.norm(v, ord=3),
                kind="vector",
                description="(Σ|vᵢ|³)^(1/3)",
            ))
    """


@hookspec
def register_exercises(register: Callable[[ExerciseSpec], None]) -> None:
    """Add exercises to `gradkit.exercises`, gradable with ``gradkit grade``.

    Signature: ``register_exercises(register)`` where ``register(spec)`` takes a
    `gradkit.ExerciseSpec`.

    Example::

        @gk.hookimpl
        def register_exercises(register):
            register(gk.ExerciseSpec(
                id="mycourse.square",
                title="The derivative of x²",
                section="2.4",
                prompt="Define `d_square(x)` returning 2x.",
                entries=(gk.Entry("d_square", "(x)", "Return the derivative of x² at x."),),
                checks=(gk.checks.values("d_square", sampler=gk.samplers.normal(())),),
                reference={"d_square": lambda x: 2 * x},
            ))
    """
