"""The private channel between the grader and its sandboxed children.

A message is a JSON header plus raw array bytes, never pickle::

    [4-byte big-endian header length][header JSON][buffer 0][buffer 1]...

The header lists the buffer lengths under ``"_buffers"``. Every read has a
deadline and a size cap, so a child that stalls, floods or sends garbage costs
the grader one `ChannelError`, never a hang or an unbounded allocation. Arrays
inside a header are ``{"a": index, "d": dtype, "s": shape}``; tuples are
``{"t": [...]}``; decoding accepts only plain numeric dtypes and checks that
the byte count matches the shape.
"""

from __future__ import annotations

import json
import math
import os
import select
import socket
import struct
import threading
import time
from typing import Any, Literal

import numpy as np

# dtypes a child may send back: plain numbers only (no objects, no structured types)
_DTYPES = frozenset(
    np.dtype(name).str
    for name in (
        "float64",
        "float32",
        "float16",
        "int64",
        "int32",
        "int16",
        "int8",
        "uint64",
        "uint32",
        "uint16",
        "uint8",
        "bool",
        "complex128",
        "complex64",
    )
)
MAX_HEADER = 4 << 20
MAX_DEPTH = 32

ErrorKind = Literal["timeout", "closed", "invalid"]


class ChannelError(Exception):
    """The peer timed out, closed the channel or sent something malformed."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def encode(value: Any, buffers: list[bytes]) -> Any:
    """Turn arrays (nested in tuples and lists) and JSON data into a header value."""
    if isinstance(value, np.ndarray | np.generic):
        array = np.array(value, order="C", copy=None)  # ascontiguousarray makes 0-d arrays 1-d
        if array.dtype.str not in _DTYPES:
            raise TypeError(f"cannot send an array of dtype {array.dtype}")
        buffers.append(array.tobytes())
        return {"a": len(buffers) - 1, "d": array.dtype.str, "s": list(array.shape)}
    if isinstance(value, tuple):
        return {"t": [encode(item, buffers) for item in value]}
    if isinstance(value, list):
        return [encode(item, buffers) for item in value]
    if isinstance(value, dict):
        return {"m": {str(key): encode(item, buffers) for key, item in value.items()}}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot send a value of type {type(value).__name__}")


def decode(value: Any, buffers: list[bytes], depth: int = 0) -> Any:
    """Invert `encode`, trusting nothing: bad dtypes, sizes or nesting raise ``ValueError``."""
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    if isinstance(value, list):
        return [decode(item, buffers, depth + 1) for item in value]
    if isinstance(value, dict):
        if set(value) == {"a", "d", "s"}:
            return _decode_array(value, buffers)
        if set(value) == {"t"} and isinstance(value["t"], list):
            return tuple(decode(item, buffers, depth + 1) for item in value["t"])
        if set(value) == {"m"} and isinstance(value["m"], dict):
            return {key: decode(item, buffers, depth + 1) for key, item in value["m"].items()}
        raise ValueError("unknown object in message")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise ValueError(f"unexpected {type(value).__name__} in message")


def _decode_array(spec: dict[str, Any], buffers: list[bytes]) -> np.ndarray:
    index, dtype, shape = spec["a"], spec["d"], spec["s"]
    if not isinstance(dtype, str) or dtype not in _DTYPES:
        raise ValueError(f"array dtype {dtype!r} is not a plain numeric dtype")
    if not (isinstance(index, int) and 0 <= index < len(buffers)):
        raise ValueError("array refers to a missing buffer")
    if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
        raise ValueError("array shape is not a list of sizes")
    if len(shape) > MAX_DEPTH:
        raise ValueError("array has too many dimensions")
    data = buffers[index]
    if math.prod(shape) * np.dtype(dtype).itemsize != len(data):
        raise ValueError("array byte count does not match its shape")
    # a copy: the result owns writable memory and shares nothing with the buffer
    return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(shape).copy()


def send(sock: socket.socket, header: dict[str, Any], buffers: list[bytes]) -> None:
    """Send one message (blocking; the peer's buffer bounds how long)."""
    header = {**header, "_buffers": [len(b) for b in buffers]}
    text = json.dumps(header, allow_nan=True).encode()
    sock.sendall(struct.pack(">I", len(text)) + text)
    for buffer in buffers:
        sock.sendall(buffer)


def recv(sock: socket.socket, deadline: float, limit: int) -> tuple[dict[str, Any], list[bytes]]:
    """Receive one message before ``deadline`` (`time.monotonic`), at most ``limit`` bytes."""
    (size,) = struct.unpack(">I", _read(sock, 4, deadline))
    if size > min(MAX_HEADER, limit):
        raise ChannelError("invalid", f"message header of {size} bytes is too large")
    try:
        header = json.loads(_read(sock, size, deadline))
    # ValueError: besides JSONDecodeError, an int over Python's 4300-digit limit
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ChannelError("invalid", "message header is not JSON") from error
    lengths = header.pop("_buffers", None) if isinstance(header, dict) else None
    if not (isinstance(lengths, list) and all(isinstance(n, int) and n >= 0 for n in lengths)):
        raise ChannelError("invalid", "message header lists no buffers")
    if size + sum(lengths) > limit:
        raise ChannelError("invalid", f"message of {size + sum(lengths)} bytes exceeds {limit}")
    return header, [_read(sock, n, deadline) for n in lengths]


def _read(sock: socket.socket, count: int, deadline: float) -> bytes:
    chunks = bytearray()
    while len(chunks) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ChannelError("timeout", "no answer before the deadline")
        ready, _, _ = select.select([sock], [], [], None if math.isinf(remaining) else remaining)
        if not ready:
            continue
        chunk = sock.recv(min(count - len(chunks), 1 << 20))
        if not chunk:
            raise ChannelError("closed", "the process closed the channel")
        chunks += chunk
    return bytes(chunks)


def hung_up(sock: socket.socket, timeout: float | None = 0.0) -> bool:
    """Say whether the other end of ``sock`` closed, waiting up to ``timeout`` s (None: forever).

    Data still unread does not count: only the peer's hang-up (or an error).
    """
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLRDHUP)
    wait = None if timeout is None else int(timeout * 1000)
    gone = select.POLLRDHUP | select.POLLHUP | select.POLLERR | select.POLLNVAL
    return any(events & gone for _, events in poller.poll(wait))


def exit_when_closed(sock: socket.socket) -> None:
    """Exit this process (status 0, as when serving ends) once the grader's end of ``sock`` closes.

    A daemon thread waits for the hang-up, so the process goes even while its
    main thread is busy: a grader killed with SIGKILL cannot close its
    children, and an evaluator running a loop that never ends (inside XLA,
    where no read notices the closed channel) would otherwise spin on until its
    CPU limit, hours later.
    """

    def watch() -> None:
        while not hung_up(sock, None):
            pass
        os._exit(0)

    threading.Thread(target=watch, name="exit-when-closed", daemon=True).start()


def call_to_json(call: Any) -> dict[str, Any]:
    """Describe a `Call` as JSON (a `FunctionRef` travels by name only)."""
    from ._protocol import FunctionRef

    static = [{"f": s.name} if isinstance(s, FunctionRef) else s for s in call.static]
    return {
        "entry": call.entry,
        "static": static,
        "transform": call.transform,
        "curry": call.curry,
        "mode": call.mode,
        "x64": call.x64,
    }


def call_from_json(data: dict[str, Any]) -> Any:
    """Rebuild a `Call` from `call_to_json` output."""
    from ._protocol import Call, FunctionRef

    static = tuple(FunctionRef(s["f"]) if isinstance(s, dict) else s for s in data["static"])
    return Call(
        entry=data["entry"],
        static=static,
        transform=data["transform"],
        curry=data["curry"],
        mode=data["mode"],
        x64=data["x64"],
    )
