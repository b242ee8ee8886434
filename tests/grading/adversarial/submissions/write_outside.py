# ruff: noqa
"""Write files outside the working directory (marker files the test looks for)."""

import os
from pathlib import Path

import jax.numpy as jnp

import gradkit

MARK = "gradkit-adversarial-was-here"
targets = [
    Path(gradkit.__file__).resolve().parent / MARK,
    Path("/tmp") / MARK,
    Path("/var/tmp") / MARK,
    Path(os.getcwd()).parent / MARK,
    Path.home().parent / MARK,
]
for target in targets:
    try:
        target.write_text("pwned")
    except OSError:
        pass


def sumsq(x):
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
