"""The private channel: plain data only, sizes checked, deadlines kept."""

from __future__ import annotations

import json
import socket
import struct
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradkit._sandboxed import (
    ChannelError,
    Rejected,
    check_artifact,
    decode,
    encode,
    hung_up,
    recv,
    send,
)


def _pair():
    a, b = socket.socketpair()
    return a, b


@settings(max_examples=25, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32, np.int32, np.bool_, np.complex128]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    )
)
def test_arrays_round_trip_through_the_channel(array):
    a, b = _pair()
    with a, b:
        buffers: list[bytes] = []
        send(a, {"value": encode((array, [1.5, "x", None]), buffers)}, buffers)
        header, out = recv(b, time.monotonic() + 5, 1 << 20)
        value = decode(header["value"], out)
    assert isinstance(value, tuple)
    got, rest = value
    assert type(got) is np.ndarray
    assert got.dtype == array.dtype and got.shape == array.shape
    np.testing.assert_array_equal(got, array)
    assert rest == [1.5, "x", None]


def test_object_arrays_are_refused_by_the_sender():
    with pytest.raises(TypeError, match="cannot send an array of dtype object"):
        encode(np.array([object()]), [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": 0, "d": "|O", "s": [1]}, "not a plain numeric dtype"),
        ({"a": 0, "d": "<f8", "s": [3]}, "byte count does not match"),
        ({"a": 5, "d": "<f8", "s": [1]}, "missing buffer"),
        ({"a": 0, "d": "<f8", "s": [-1]}, "not a list of sizes"),
        ({"evil": 1}, "unknown object"),
    ],
)
def test_malformed_values_are_rejected(value, message):
    with pytest.raises(ValueError, match=message):
        decode(value, [np.zeros(1).tobytes()])


def test_deep_nesting_is_rejected():
    value: list = []
    for _ in range(40):
        value = [value]
    with pytest.raises(ValueError, match="nested too deeply"):
        decode(value, [])


def test_a_silent_peer_hits_the_deadline():
    a, b = _pair()
    with a, b:
        start = time.monotonic()
        with pytest.raises(ChannelError, match="no answer before the deadline") as error:
            recv(b, time.monotonic() + 0.2, 1 << 20)
    assert error.value.kind == "timeout"
    assert time.monotonic() - start < 2


def test_a_closed_peer_is_reported():
    a, b = _pair()
    a.close()
    with b, pytest.raises(ChannelError, match="closed the channel") as error:
        recv(b, time.monotonic() + 1, 1 << 20)
    assert error.value.kind == "closed"


def test_a_hang_up_is_told_apart_from_data_not_yet_read():
    ours, theirs = socket.socketpair()
    try:
        assert not hung_up(ours)
        theirs.sendall(b"unread")
        assert not hung_up(ours, 0.05)  # data waiting is not a hang-up
        theirs.close()
        assert hung_up(ours) and hung_up(ours, None)
    finally:
        ours.close()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (struct.pack(">I", 1 << 30), "too large"),
        (struct.pack(">I", 3) + b"{{{", "not JSON"),
        (struct.pack(">I", 2) + b"{}", "lists no buffers"),
    ],
)
def test_garbage_frames_are_rejected(frame, message):
    a, b = _pair()
    with a, b:
        a.sendall(frame)
        with pytest.raises(ChannelError, match=message):
            recv(b, time.monotonic() + 1, 1 << 20)


def test_a_message_over_the_limit_is_rejected_before_reading_it():
    a, b = _pair()
    with a, b:
        header = json.dumps({"_buffers": [10_000_000]}).encode()
        a.sendall(struct.pack(">I", len(header)) + header)
        with pytest.raises(ChannelError, match="exceeds 1048576"):
            recv(b, time.monotonic() + 1, 1 << 20)


def _exported(fn, *specs):
    import jax
    from jax import export

    # For the CPU, as the worker exports: the evaluator takes CPU artifacts only, also
    # when the suite runs on an accelerator.
    return export.deserialize(export.export(jax.jit(fn), platforms=("cpu",))(*specs).serialize())


def test_the_evaluator_accepts_honest_artifacts():
    import jax
    import jax.numpy as jnp

    spec = jax.ShapeDtypeStruct((3, 3), np.float32)
    check_artifact(_exported(lambda m: jnp.linalg.inv(m) @ m, spec))


def test_the_evaluator_rejects_custom_calls_outside_the_allow_list():
    import jax
    from jax import export

    def sneaky(x):
        return jax.ffi.ffi_call("read_hidden_inputs", jax.ShapeDtypeStruct(x.shape, x.dtype))(x)

    spec = jax.ShapeDtypeStruct((3,), np.float32)
    checks = [export.DisabledSafetyCheck.custom_call("read_hidden_inputs")]
    exporter = export.export(jax.jit(sneaky), disabled_checks=checks, platforms=("cpu",))
    blob = exporter(spec).serialize()
    with pytest.raises(Rejected, match="custom call \\('read_hidden_inputs'\\)"):
        check_artifact(export.deserialize(blob))
