"""Comparing an answer with the reference: strict shapes, NaN and inf, no objects that lie."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradkit.grading._compare import compare


def test_compare_is_strict_about_shapes_and_never_broadcasts():
    assert compare(np.ones(3), np.ones(3), rtol=0, atol=0) is None
    found = compare(np.ones((1, 3)), np.ones(3), rtol=1, atol=1)
    assert found.public == "result does not have the reference's shape"
    assert found.detail == "got shape (1, 3), expected (3,)"
    assert compare(np.asarray(2.0), np.full(3, 2.0), rtol=1, atol=1) is not None
    assert compare(np.ones((0, 2)), np.ones((2, 0)), rtol=1, atol=1) is not None


def test_compare_handles_nan_and_inf_explicitly():
    nan, inf = np.nan, np.inf
    assert compare(np.array([nan, 1.0]), np.array([nan, 1.0]), rtol=0, atol=0) is None
    found = compare(np.array([nan, 1.0]), np.array([0.0, 1.0]), rtol=1, atol=1)
    assert found.public == "result has 1 NaN entry where the reference is finite"
    assert compare(np.array([inf]), np.array([-inf]), rtol=1, atol=1).public == (
        "result has 1 +inf entry where the reference is finite"
    )
    assert compare(np.array([1.0]), np.array([inf]), rtol=1, atol=1).public == (
        "result lacks a +inf the reference has"
    )


def test_compare_rejects_objects_that_could_lie():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

        def __array_ufunc__(self, *args, **kwargs):
            return True

    liar = np.array([100.0, 200.0]).view(Liar)
    assert compare(liar, np.array([1.0, 2.0]), rtol=1, atol=1).public == (
        "result is a value of type Liar; expected an array"
    )
    assert compare("2.0", np.asarray(2.0), rtol=1, atol=1) is not None


def test_compare_dtype_classes_and_tuples():
    assert compare(np.array([1, 2]), np.array([1.0, 2.0]), rtol=0, atol=0).public == (
        "result has dtype int64; expected a floating-point array"
    )
    assert compare(np.float32(2.0), np.asarray(2.0), rtol=1e-6, atol=0) is None
    assert compare((1.0, 2.0), (np.asarray(1.0), np.asarray(2.0)), rtol=0, atol=0) is None
    assert compare([1.0], (np.asarray(1.0), np.asarray(2.0)), rtol=0, atol=0).public == (
        "result has 1 value; expected 2"
    )
    assert compare(np.asarray(1.0), (np.asarray(1.0),), rtol=0, atol=0).public == (
        "result is a single number; expected 1 value (a tuple, a list or an array of length 1)"
    )
    # a pair may be a tuple, a list or a length-2 array
    pair = (np.asarray(4.0), np.asarray(-4.0))
    for answer in ((4.0, -4.0), [4.0, -4.0], np.array([4.0, -4.0])):
        assert compare(answer, pair, rtol=0, atol=0) is None
    assert compare(np.array([4.0, -3.0]), pair, rtol=0, atol=0).public == (
        "result[1] differs from the reference"
    )
    assert compare(np.zeros(3), pair, rtol=0, atol=0).public == (
        "result is a 1-d array; expected 2 values (a tuple, a list or an array of length 2)"
    )
    assert (
        compare([1.0, 2.0, 3.0], pair, rtol=0, atol=0).public == "result has 3 values; expected 2"
    )


@settings(max_examples=25, deadline=None)
@given(
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4), elements=st.floats(-1e6, 1e6))
)
def test_compare_accepts_the_reference_itself_and_rejects_a_shifted_copy(x):
    assert compare(x.copy(), x, rtol=1e-12, atol=0) is None
    if x.size:
        assert compare(x + 1.0 + np.abs(x), x, rtol=1e-6, atol=1e-9) is not None
        assert (
            compare(x.reshape(-1, 1), x, rtol=1, atol=1) is not None
            or x.ndim == 2
            and (x.shape[1] == 1)
        )
