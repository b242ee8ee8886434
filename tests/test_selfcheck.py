"""`gk.check` in a notebook: the student's own functions, written the way students write them.

Debugging leftovers and decorators cost nothing in the self-check, as in the grader, and
the student's JAX is left as it was found.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gradkit as gk

EXERCISE = "autodiff.sin-derivative"  # values on a vector and a matrix, avoids `cos`, uses autodiff


def _messages(result: Any) -> list[str]:
    return [c.message for c in result.result.checks]


def dsin_printing(x):
    jax.debug.print("x is {}", x)
    print("tracing with", x.shape)
    return jax.vmap(jax.grad(jnp.sin))(x.ravel()).reshape(x.shape)


@jax.jit
def dsin_jitted(x):
    jax.debug.print("shape {}", x.shape)
    return jax.vmap(jax.grad(jnp.sin))(x.ravel()).reshape(x.shape)


def test_debug_prints_cost_nothing(capsys: pytest.CaptureFixture[str]):
    result = gk.check(EXERCISE, dsin_printing)
    assert result.passed, _messages(result)
    assert len(result.result.checks) == 4
    assert "tracing with" in capsys.readouterr().out


def test_a_jitted_function_already_called_with_a_print_passes():
    # the call caches a jaxpr holding the print, which the export would reuse
    assert jnp.allclose(dsin_jitted(jnp.zeros(6)), 1.0)
    result = gk.check(EXERCISE, dsin_jitted)
    assert result.passed, _messages(result)
    # the decorated function's source is found: the source rules are judged on it
    assert _messages(result)[-2:] == ["`dsin` avoids cos", "`dsin` uses `grad` (line 4)"]


def test_the_students_jax_is_left_as_it_was(capsys: pytest.CaptureFixture[str]):
    gk.check(EXERCISE, dsin_printing)

    @jax.jit
    def f(x):
        jax.debug.print("still printing {}", x)
        return x

    jax.block_until_ready(f(2.0))
    jax.effects_barrier()
    assert "still printing 2.0" in capsys.readouterr().out


def test_a_python_callback_is_named_as_in_the_grader():
    def dsin(x):
        shape = jax.ShapeDtypeStruct(x.shape, x.dtype)
        return jax.pure_callback(lambda v: np.ones_like(v), shape, x)

    result = gk.check(EXERCISE, dsin)
    assert not result.passed
    assert _messages(result)[0].startswith(
        "`dsin` failed (error): GradingError: `jax.pure_callback` runs Python (numpy, scipy, "
        "...) on the values, which graded code cannot do: the grader runs your function as a "
        "compiled JAX program. Compute the result with jax.numpy (jnp) instead"
    )


def test_a_self_check_left_in_a_graded_file_runs_nothing(monkeypatch: pytest.MonkeyPatch):
    # the grader's worker sets this: there the exercises are refused, and the grade counts
    from gradkit import _selfcheck

    monkeypatch.setattr(_selfcheck, "GRADED", True)
    result = gk.check("no.such-exercise", dsin_printing)
    assert result.passed
    assert str(result) == "no.such-exercise: not run here: this file is being graded"
    assert "not run here" in result._repr_html_()
