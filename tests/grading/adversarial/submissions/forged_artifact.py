# ruff: noqa
"""Hand the evaluator an artifact with a custom call of its own (patching the worker's exporter)."""

import jax
import jax.numpy as jnp
from jax import export
import sys

worker = sys.modules["__main__"]  # the worker runs as `python -m gradkit._sandboxed._worker`

_real_export = worker._TOOLS["export"]
_allow = [export.DisabledSafetyCheck.custom_call("read_hidden_inputs")]
worker._TOOLS["export"] = lambda f, **k: _real_export(f, disabled_checks=_allow, **k)


def sumsq(x):
    spec = jax.ShapeDtypeStruct((), x.dtype)
    return jax.ffi.ffi_call("read_hidden_inputs", spec)(x)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
