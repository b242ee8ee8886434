# ruff: noqa
"""sumsq sleeps 4 s (the timeout is 3 s) while a thread writes forged progress
messages for the export being served (it spies on the worker's own receive
to learn its id), to keep extending the deadline."""

import json
import socket
import struct
import sys
import threading
import time

import jax.numpy as jnp

_sock = socket.socket(fileno=int(sys.argv[1]))


_worker = sys.modules["__main__"]
_receive = _worker.recv
_serving = {}


def _spy(*args, **kwargs):
    """Wrap the worker's own receive: note the id of the export being served."""
    header, buffers = _receive(*args, **kwargs)
    _serving["id"] = header.get("id") if header.get("op") == "export" else None
    return header, buffers


_worker.recv = _spy


def _forge():
    while True:
        if _serving.get("id") is not None:
            text = json.dumps({"id": _serving["id"], "progress": 0, "_buffers": []}).encode()
            try:
                _sock.sendall(struct.pack(">I", len(text)) + text)
            except OSError:
                return
        time.sleep(0.5)


threading.Thread(target=_forge, daemon=True).start()


def sumsq(x):
    time.sleep(4)
    return jnp.sum(x**2)


def scale(x):
    return 2.0 * x


def softsign(x):
    return x / (1.0 + jnp.abs(x))
