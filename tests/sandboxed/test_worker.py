"""The worker's transforms of a submission's entries: gradkit's messages, blamed rightly."""

from __future__ import annotations

import types
from typing import NamedTuple

import jax
import jax.numpy as jnp
import pytest

import gradkit as gk
from gradkit._sandboxed import Call, capture_tools, transformed
from gradkit._sandboxed._worker import export_artifact

X = jnp.arange(1.0, 4.0)


@pytest.fixture(scope="module")
def submission() -> types.ModuleType:
    capture_tools()
    module = types.ModuleType("submission")
    exec(  # noqa: S102 - a submission of our own
        "import jax, jax.numpy as jnp\n"
        "def l2(x):\n"
        "    return jnp.sqrt(x * x)  # elementwise: not a scalar\n"
        "def helper(x):\n"
        "    return jnp.stack([x, 2 * x])  # never a scalar\n"
        "def uses_jax_grad(x):\n"
        "    return jax.grad(helper)(x).sum()  # the student's own mistake, inside\n",
        module.__dict__,
    )
    return module


@pytest.mark.parametrize("transform", ["grad", "jit_grad"])
def test_the_graders_gradient_of_a_non_scalar_says_so(submission, transform):
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"^jax\.grad needs l2 to return a scalar, but it returned shape \(3,\) \(PyTorch's ",
    ) as info:
        transformed(submission, Call("l2", transform=transform))(X)
    assert isinstance(info.value.__cause__, TypeError)


@pytest.mark.parametrize("transform", ["grad", "jit_grad", "jit", "vmap", "jacfwd"])
def test_a_jax_grad_inside_the_submission_keeps_jaxs_words(submission, transform):
    with pytest.raises(TypeError) as info:
        transformed(submission, Call("uses_jax_grad", transform=transform))(X)
    assert not isinstance(info.value, gk.GradkitError)


def test_a_jacobian_of_a_non_scalar_is_jaxs(submission):
    got = transformed(submission, Call("l2", transform="jacfwd"))(X)
    assert jnp.array_equal(got, jax.jacfwd(lambda x: jnp.sqrt(x * x))(X))


class _Tangent(NamedTuple):
    slope: jax.Array
    intercept: jax.Array


def test_a_named_tuple_result_is_exported_as_the_pair_it_is():
    """`Tangent(slope, intercept)` is a pair; JAX cannot serialize the student's own type."""
    capture_tools()

    def tangent_line(x0):
        return _Tangent(3 * x0**2, -2 * x0**3)

    data = export_artifact([(tangent_line, [[((), "float32")]])], x64=False)
    (out,) = jax.export.deserialize(bytearray(data)).call(jnp.float32(1.0))
    assert type(out) is tuple
    assert [float(v) for v in out] == [3.0, -2.0]


def test_a_data_file_beside_the_submission_gets_a_hint_an_absolute_path_does_not():
    from gradkit._sandboxed._worker import _load_hint

    missing = FileNotFoundError(2, "No such file or directory", "expected_dxx.npy")
    assert _load_hint(missing, {}, {}) == (
        "; the grader gives your code only its .py files (and a folder's notebook), not "
        "'expected_dxx.npy': compute what you need in code, or load files only under "
        '`if __name__ == "__main__":`'
    )
    assert _load_hint(FileNotFoundError(2, "No such file", "/data/x.npy"), {}, {}) == ""
