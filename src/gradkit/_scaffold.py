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
description = "A gradkit plugin: {name} functions and norms."
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
filterwarnings = ["error"]
"""

_README = """\
# {dist}

A [gradkit](https://pypi.org/project/gradkit/) plugin. It registers the function
`{name}-cube` (x³) and the norm `{name}-l4` ((Σ|vᵢ|⁴)^¼).

```bash
pip install -e .            # gradkit now loads it: `gradkit plugins` lists {ep}
python -m pytest            # contract checks on everything it registers
gradkit check-plugin {ep}   # the same checks, from gradkit's side
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
'''

_TEST = '''\
"""The plugin keeps gradkit's contracts; once installed, gradkit loads it."""

import importlib.metadata

import pytest
from gradkit.testing import check_function, check_norm

import {module} as plugin


def registered(hook):
    items = []
    hook(items.append)
    return items


def test_it_registers_one_function_and_one_norm():
    assert [s.name for s in registered(plugin.register_functions)] == ["{name}-cube"]
    assert [s.name for s in registered(plugin.register_norms)] == ["{name}-l4"]


def test_functions_trace_under_jit_vmap_grad_and_match_their_derivative():
    for spec in registered(plugin.register_functions):
        check_function(spec)


def test_norms_satisfy_the_norm_contract():
    for spec in registered(plugin.register_norms):
        check_norm(spec, examples=10)


INSTALLED = bool(importlib.metadata.entry_points(group="gradkit", name="{ep}"))


@pytest.mark.skipif(not INSTALLED, reason="not installed: run `pip install -e .` first")
def test_gradkit_loads_it_through_its_entry_point():
    import gradkit as gk
    import jax.numpy as jnp

    assert gk.norms.get("{name}-l4").provider.startswith("{dist} ")
    assert float(gk.norm(jnp.array([1.0, -1.0]), ord="{name}-l4")) == pytest.approx(2**0.25)
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
        f"tests/test_{module}.py": _TEST,
    }
    for relative, template in files.items():
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(template.format(**fields))
    return root, list(files)
