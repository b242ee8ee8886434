"""``gradkit new-plugin NAME``: write a plugin package that passes its own tests."""

from __future__ import annotations

import os
import re

from . import __version__
from ._errors import InvalidInputError

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "{dist}"
version = "0.1.0"
description = "A gradkit plugin: {name} functions, norms, exercises and an assignment."
requires-python = ">=3.12"
dependencies = ["gradkit>={gradkit_version}"]

[project.optional-dependencies]
test = ["pytest>=8", "hypothesis>=6.100"]

# gradkit loads every entry point of group "gradkit"; `gradkit -p no:{ep}` blocks this one.
[project.entry-points.gradkit]
{ep} = "{module}"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]
# every warning fails a test, except two that pytest-benchmark (<= 4.x, common on GPU
# images) gives at start-up: datetime.utcnow() on Python 3.12, and "off under xdist"
filterwarnings = [
    "error",
    "ignore::DeprecationWarning:pytest_benchmark",
    "ignore:Benchmarks are automatically disabled:pytest.PytestWarning",
]
"""

_README = """\
# {dist}

A [gradkit](https://pypi.org/project/gradkit/) plugin. It registers the function
`{name}-cube` (x³), the norm `{name}-l4` ((Σ|vᵢ|⁴)^¼), the exercise
`{name}.cube-derivative` (its reference solution is in
`src/{module}/reference.py`) and the assignment `{name}-hw1`.

```bash
pip install -e .            # gradkit now loads it: `gradkit plugins` lists {ep}
python -m pytest            # contract checks on everything it registers
gradkit check-plugin {ep}   # the same checks, from gradkit's side
gradkit exercises stubs handout --assignment {name}-hw1      # the students' handout
gradkit autograder gradescope --assignment {name}-hw1        # the Gradescope zip
gradkit autograder github --assignment {name}-hw1            # the GitHub Classroom workflow
```
"""

_MODULE = '''\
"""{dist}: a gradkit plugin.

Keep this module cheap to import: gradkit imports every installed plugin when
it first reads a registry. Import JAX inside the hooks or the functions.
"""

from __future__ import annotations

from collections.abc import Callable

import gradkit as gk


def cube(x):
    """Return x³ elementwise."""
    return x**3


def cube_derivative(x):
    """Return 3x², the derivative of `cube`."""
    return 3 * x**2


def l4(v):
    """Return (Σ|vᵢ|⁴)^¼; gk.norm gives it a finite (zero) gradient at v = 0."""
    return gk.norm(v, ord=4)


def sample_vector(key):
    """Draw an input for the contract checks: five standard normal numbers."""
    import jax

    return jax.random.normal(key, (5,))


@gk.hookimpl
def register_functions(register: Callable[[gk.FunctionSpec], None]) -> None:
    """Add {name}-cube to gk.functions."""
    register(
        gk.FunctionSpec(
            name="{name}-cube",
            fn=cube,
            description="x³",
            sampler=sample_vector,
            derivative=cube_derivative,
        )
    )


@gk.hookimpl
def register_norms(register: Callable[[gk.NormSpec], None]) -> None:
    """Add {name}-l4 to gk.norms, usable as gk.norm(x, ord="{name}-l4")."""
    register(gk.NormSpec(name="{name}-l4", fn=l4, kind="vector", description="(Σ|vᵢ|⁴)^¼"))


CUBE_DERIVATIVE = gk.ExerciseSpec(
    id="{name}.cube-derivative",
    title="The derivative of x³, by hand",
    section="2.4",
    prompt="Write `d_cube(x)`, the derivative of x³ at x, elementwise, without autodiff.",
    entries=(gk.Entry("d_cube", "(x)", "Return 3x², elementwise."),),
    checks=(
        gk.checks.values("d_cube", gk.samplers.normal(5)),
        gk.checks.values(
            "d_cube",
            gk.samplers.normal(7, scale=10.0),
            visibility="hidden",
            name="d_cube (hidden)",
            weight=2.0,
        ),
        gk.checks.avoids("d_cube", "grad", "jvp", "vjp", "derivative", name="d_cube by hand"),
    ),
    points=2,
    # trusted code, imported only by the grader: never shipped to students
    reference="{module}.reference",
)


@gk.hookimpl
def register_exercises(register: Callable[[gk.ExerciseSpec], None]) -> None:
    """Add {name}.cube-derivative to gk.exercises."""
    register(CUBE_DERIVATIVE)


@gk.hookimpl
def register_assignments(register: Callable[[gk.AssignmentSpec], None]) -> None:
    """Add the assignment {name}-hw1: every {name}.* exercise, in book order."""
    register(gk.AssignmentSpec(id="{name}-hw1", title="Homework 1", exercises=("{name}.*",)))
'''

_REFERENCE = '''\
"""Reference solutions of {dist}'s exercises (trusted; the grader imports them)."""


def d_cube(x):
    """Return 3x², the derivative of x³."""
    return 3 * x**2
'''

_TEST = '''\
"""The plugin keeps gradkit's contracts; once installed, gradkit loads it."""

import importlib.metadata

import pytest
from gradkit.testing import check_exercise, check_function, check_norm

import {module} as plugin


def registered(hook):
    items = []
    hook(items.append)
    return items


def test_it_registers_a_function_a_norm_an_exercise_and_an_assignment():
    assert [s.name for s in registered(plugin.register_functions)] == ["{name}-cube"]
    assert [s.name for s in registered(plugin.register_norms)] == ["{name}-l4"]
    assert [s.id for s in registered(plugin.register_exercises)] == ["{name}.cube-derivative"]
    assert [s.id for s in registered(plugin.register_assignments)] == ["{name}-hw1"]


def test_functions_trace_under_jit_vmap_grad_and_match_their_derivative():
    for spec in registered(plugin.register_functions):
        check_function(spec)


def test_norms_satisfy_the_norm_contract():
    for spec in registered(plugin.register_norms):
        check_norm(spec, examples=10)


def test_the_exercise_reference_scores_full_marks_and_the_stub_zero():
    for spec in registered(plugin.register_exercises):
        check_exercise(spec)


INSTALLED = bool(importlib.metadata.entry_points(group="gradkit", name="{ep}"))


@pytest.mark.skipif(not INSTALLED, reason="not installed: run `pip install -e .` first")
def test_gradkit_loads_it_through_its_entry_point():
    import gradkit as gk
    import jax.numpy as jnp

    assert gk.norms.get("{name}-l4").provider.startswith("{dist} ")
    assert float(gk.norm(jnp.array([1.0, -1.0]), ord="{name}-l4")) == pytest.approx(2**0.25)


@pytest.mark.skipif(not INSTALLED, reason="not installed: run `pip install -e .` first")
def test_course(gradkit_verify):
    gradkit_verify("{name}.*")  # gradkit's pytest plugin: as `gradkit check-plugin` does
    gradkit_verify(assignment="{name}-hw1")
'''


def scaffold(name: str, directory: str = ".") -> tuple[str, list[str]]:
    """Write the package ``gradkit-NAME`` into `directory`.

    Returns:
        The package's root folder and the files written, relative to it.

    Raises:
        InvalidInputError: `name` is not lower-case letters, digits and single
            dashes, or the folder already exists.
    """
    if not _NAME.match(name):
        raise InvalidInputError(
            f"invalid plugin name {name!r}: use lower-case letters, digits and single '-' "
            "between them, starting with a letter (e.g. 'my-norms')"
        )
    dist = f"gradkit-{name}"
    module = dist.replace("-", "_")
    fields = {
        "name": name,
        "dist": dist,
        "module": module,
        "ep": name.replace("-", "_"),
        "gradkit_version": __version__,
    }
    root = os.path.join(directory, dist)
    if os.path.exists(root):
        raise InvalidInputError(
            f"{root!r} already exists; choose another NAME or --dir, or remove it first"
        )
    files = {
        "pyproject.toml": _PYPROJECT,
        "README.md": _README,
        f"src/{module}/__init__.py": _MODULE,
        f"src/{module}/reference.py": _REFERENCE,
        f"tests/test_{module}.py": _TEST,
    }
    for relative, template in files.items():
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(template.format(**fields))
    return root, list(files)
