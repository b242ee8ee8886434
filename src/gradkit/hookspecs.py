"""The plugin contract: the hooks a gradkit plugin may implement.

A plugin is a module (a package's entry point in group ``gradkit``, a ``*.py``
file in a plugin directory, or a module named with ``gradkit -p``) holding
functions marked ``@gradkit.hookimpl`` whose names are the hook names below.
Each hook receives a ``register`` callable; call it once per item you add::

    import gradkit as gk

    @gk.hookimpl
    def register_norms(register):
        register(gk.NormSpec("l3", lambda v: gk.norm(v, ord=3), kind="vector"))

Rules the plugin manager enforces (see ``docs/plugins.md``):

* A plugin may implement any subset of the hooks, and may leave out the
  ``register`` argument of a hook it does not use.
* ``register`` takes one frozen spec (`gradkit.FunctionSpec`,
  `gradkit.NormSpec`, `gradkit.ExerciseSpec`, `gradkit.AssignmentSpec`); the
  manager fills in its
  ``provider``. Hooks return None: call ``register`` rather than returning or
  yielding specs.
* A plugin whose hook raises, that registers something that is not a spec
  of the right type, a function or norm that does not trace under
  `jax.eval_shape`, or a name another plugin already registered, is skipped
  as a whole with a `gradkit.PluginWarning` (an error with
  ``GRADKIT_STRICT_PLUGINS=1``). So is a plugin with a misspelt hook name,
  and one that marks a hook ``wrapper=True``, ``hookwrapper=True``,
  ``tryfirst=True`` or ``trylast=True``: gradkit calls each plugin's hooks
  once, in load order, and cannot honour them (``specname`` and
  ``optionalhook`` work as in pluggy).
* Keep the module cheap to import: import JAX inside the hooks or the
  functions, and never compile or touch devices at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ._assignments import AssignmentSpec
    from ._registry import FunctionSpec, NormSpec
    from .grading import ExerciseSpec

PROJECT = "gradkit"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_functions(register: Callable[[FunctionSpec], None]) -> None:
    """Add differentiable functions to `gradkit.functions`.

    Signature: ``register_functions(register)``, where ``register(spec)``
    takes one `gradkit.FunctionSpec` and returns None. A function takes one
    array (drawn by ``spec.sampler(key)``) and must trace under `jax.jit`,
    `jax.vmap` and `jax.grad`; ``derivative``, when given, is f′ applied
    elementwise (or ∇f for a scalar-valued function), and
    ``gradkit check-plugin`` compares it with autodiff.

    Example::

        import jax
        import jax.numpy as jnp
        import gradkit as gk

        @gk.hookimpl
        def register_functions(register):
            register(gk.FunctionSpec(
                name="softplus",
                fn=lambda x: jnp.logaddexp(x, 0.0),
                description="log(1 + eˣ)",
                sampler=lambda key: jax.random.normal(key, (5,)),
                derivative=jax.nn.sigmoid,
            ))
    """


@hookspec
def register_norms(register: Callable[[NormSpec], None]) -> None:
    """Add norm variants to `gradkit.norms`, usable as ``gk.norm(x, ord=name)``.

    Signature: ``register_norms(register)``, where ``register(spec)`` takes
    one `gradkit.NormSpec` and returns None. ``spec.fn`` maps one vector
    (``kind="vector"``) or one matrix (``kind="matrix"``) to a scalar;
    `gradkit.norm` handles ``axis``, ``keepdims`` and batches. Give it a
    finite gradient everywhere (the zero subgradient at 0, not NaN);
    `gradkit.testing.check_norm` checks that and the norm axioms (skipped
    for ``is_norm=False``).

    Example::

        import jax.numpy as jnp
        import gradkit as gk

        def l1_l2(v):
            return jnp.sum(jnp.abs(v)) + gk.norm(v)

        @gk.hookimpl
        def register_norms(register):
            register(gk.NormSpec(
                name="l1-plus-l2",
                fn=l1_l2,
                kind="vector",
                description="Σ|vᵢ| + ‖v‖₂ (elastic-net penalty)",
            ))
    """


@hookspec
def register_exercises(register: Callable[[ExerciseSpec], None]) -> None:
    """Add exercises to `gradkit.exercises`, gradable with ``gradkit grade``.

    Signature: ``register_exercises(register)``, where ``register(spec)``
    takes one `gradkit.ExerciseSpec` and returns None. Exercises are keyed by
    ``spec.id``; their reference solutions are trusted code that runs only in
    the grader's process, never in a student's.

    Example::

        import gradkit as gk

        @gk.hookimpl
        def register_exercises(register):
            register(gk.ExerciseSpec(
                id="mycourse.square-derivative",
                title="The derivative of x²",
                section="2.4",
                prompt="Define `d_square(x)` returning the derivative of x² at x.",
                entries=(gk.Entry("d_square", "(x)", "Return 2x."),),
                checks=(gk.checks.values("d_square", gk.samplers.normal(3)),),
                reference={"d_square": lambda x: 2 * x},
            ))
    """


@hookspec
def register_assignments(register: Callable[[AssignmentSpec], None]) -> None:
    """Add assignments to `gradkit.assignments`: exercises handed out and graded together.

    Signature: ``register_assignments(register)``, where ``register(spec)``
    takes one `gradkit.AssignmentSpec` and returns None. ``spec.exercises``
    lists exercise ids or globs in the order students see them (they may come
    from any plugin, and are resolved when the assignment is used);
    ``spec.points`` optionally gives an exercise other points in this
    assignment. ``gradkit grade --assignment ID``, ``gradkit exercises stubs
    --assignment ID`` and ``gradkit autograder gradescope --assignment ID``
    use it.

    Example::

        import gradkit as gk

        @gk.hookimpl
        def register_assignments(register):
            register(gk.AssignmentSpec(
                id="mycourse.hw1",
                title="Homework 1: derivatives",
                exercises=("mycourse.square-derivative", "mycourse.cube-*"),
                points={"mycourse.square-derivative": 2},
            ))
    """
