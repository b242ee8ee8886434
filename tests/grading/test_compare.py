"""Comparing an answer with the reference: strict shapes, NaN and inf, no objects that lie;
the helpers the checks share (`tuples`, `leaves`, `show`)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradkit.grading import FunctionRef
from gradkit.grading._compare import compare, leaves, rounding_units, show, tuples


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


def _flat(value):
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def _has_list(value) -> bool:
    return isinstance(value, list) or (
        isinstance(value, tuple) and any(_has_list(v) for v in value)
    )


_TREES = st.recursive(
    st.floats(allow_nan=False) | st.integers(-9, 9) | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.lists(inner, max_size=3).map(tuple),
    max_leaves=10,
)


@settings(max_examples=50, deadline=None)
@given(_TREES)
def test_tuples_makes_every_list_a_tuple_and_keeps_each_leaf(value):
    out = tuples(value)
    assert not _has_list(out)
    assert all(a is b for a, b in zip(_flat(out), _flat(value), strict=True))


def test_leaves_flattens_numbers_and_numeric_arrays_or_refuses():
    got = leaves((1, [np.arange(2.0), (np.asarray(True),)]))
    assert [a.tolist() for a in got] == [1.0, [0.0, 1.0], True]
    assert got[0].dtype == np.float64
    assert leaves(()) == []
    for refused in (True, "2.0", None, np.array(["a"]), (1.0, object())):
        assert leaves(refused) is None


def test_show_writes_values_and_probes_as_a_student_reads_them():
    assert show(np.asarray(2.0)) == "2"
    assert show(np.array([1.0, 2.5])) == "[1. , 2.5]"
    assert show(FunctionRef("probe.exp'")) == "exp'"
    assert show(FunctionRef("probe.tall")) == "a tall function R² → R²⁵⁶"
    assert show(FunctionRef("calculus.mine")) == "calculus.mine"
    assert show((1, "a")) == "(1, 'a')"


def test_rounding_units_measure_error_in_the_answers_own_precision():
    e = np.array([1.0, 2.0, -4.0])
    assert rounding_units(e.copy(), e) == 0.0
    # one float64 step past 4.0 is 4ε; over ε·(|4| + 4) that is half a unit
    off = e.copy()
    off[2] = np.nextafter(-4.0, -np.inf)
    assert rounding_units(off, e) == 0.5
    # a float32 answer is held to float32's rounding: 1e-7 off is under one unit
    assert rounding_units((e * (1 + 1e-7)).astype(np.float32), e) < 1.0
    assert rounding_units(e * (1 + 1e-7), e) > 100.0
    # an entry near 0 may carry the rounding of the answer's largest entry
    near_zero = np.array([1e-17, 100.0])
    assert rounding_units(np.array([0.0, 100.0]), near_zero) < 1.0
    # pairs and length-2 arrays are read like `compare` reads them; non-finite entries skipped
    assert rounding_units(np.array([1.0, 2.0]), (np.array(1.0), np.array(2.0))) == 0.0
    assert rounding_units(np.array([np.inf, 1.0]), np.array([np.inf, 1.0])) == 0.0
    assert rounding_units(np.array([1e-300]), np.array([0.0])) == float("inf")


@settings(max_examples=60, deadline=None)
@given(
    x=hnp.arrays(np.float64, 5, elements=st.floats(0.1, 6.0)),
    h=st.floats(1e-9, 1e-2),
)
def test_a_finite_difference_is_never_within_64_units_and_a_formula_is(x, h):
    def f(x):
        return np.log(x**2) * np.sin(x) + 1 / x

    formula = 2 / x * np.sin(x) + np.log(x**2) * np.cos(x) - 1 / x**2
    another = (2 * x * np.sin(x) + x**2 * np.log(x * x) * np.cos(x) - 1) / x**2
    central = (f(x + h) - f(x - h)) / (2 * h)
    five = (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)
    assert rounding_units(another, formula) <= 8
    assert rounding_units(central, formula) > 64
    assert rounding_units(five, formula) > 64


def test_a_list_of_numbers_answers_for_an_array():
    expected = np.array([1.0, 2.0, 3.0])
    quotients = (np.asarray(1.0), np.asarray(2.0), 3.0)  # a list comprehension's, exported
    assert compare(quotients, expected, rtol=1e-6, atol=0) is None
    assert compare([[1.0, 2.0]], np.array([[1.0, 2.0]]), rtol=1e-6, atol=0) is None
    assert rounding_units(quotients, expected) == 0.0
    short = compare([1.0, 2.0], expected, rtol=1e-6, atol=0)
    assert short is not None and short.public == "result does not have the reference's shape"
    for odd in ([], [[1.0], [2.0, 3.0]], [np.ones(2), 1.0], ["1", "2", "3"]):
        found = compare(odd, expected, rtol=1e-6, atol=0)
        assert found is not None and found.public.endswith("; expected an array"), odd
