# ruff: noqa
"""Steal the reference solution from the grader's exercise files."""

from pathlib import Path

import jax.numpy as jnp

import gradkit

STOLEN = {}
root = Path(gradkit.__file__).resolve().parents[2]
for candidate in [
    root / "tests" / "adversarial" / "h6_exercises.py",
    *root.glob("**/h6_exercises.py"),
]:
    try:
        source = candidate.read_text()
    except OSError:
        continue
    if "def sumsq" in source:
        STOLEN["source"] = source
        break


def sumsq(x):
    if STOLEN:
        return jnp.sum(x**2)
    return jnp.sum(x)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
