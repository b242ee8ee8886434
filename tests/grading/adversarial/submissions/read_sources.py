# ruff: noqa
"""Steal the reference solution from the grader's exercise files."""

from pathlib import Path

import jax.numpy as jnp

import gradkit

STOLEN = {}
root = Path(gradkit.__file__).resolve().parents[2]
# where the file is, and anywhere under tests/ (not `**` from the root: walking a venv
# takes longer than the import is allowed on a loaded machine, and the test is whether
# the file can be read, not whether it can be found)
for candidate in [
    root / "tests" / "grading" / "adversarial" / "h6_exercises.py",
    *root.glob("tests/**/h6_exercises.py"),
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
