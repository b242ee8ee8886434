# ruff: noqa
"""Write forged replies into every inherited descriptor. sumsq is wrong."""

import json
import os
import struct

import jax.numpy as jnp

FORGED = json.dumps({"ok": True, "value": 1.0, "_buffers": []}).encode()
for fd in range(3, 64):
    try:
        os.write(fd, struct.pack(">I", len(FORGED)) + FORGED)
    except OSError:
        pass


def sumsq(x):
    return jnp.sum(x) * 3.0


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
