"""numpy's own norm tests, run against `gk.norm`.

The test classes and functions come from the installed numpy wheel
(``numpy/linalg/tests/test_linalg.py``); nothing is copied. Each runs with
``numpy.linalg.norm`` (and ``vector_norm``/``matrix_norm``) replaced by gradkit,
in float64 (gradkit's scoped x64, as the rest of the suite uses). The tests
that cannot pass are marked, each with the reason docs/norms.md gives.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
import pytest

import gradkit as gk
from gradkit._config import float64

np_tests = pytest.importorskip("numpy.linalg.tests.test_linalg")

LONG_DOUBLE = (
    "numpy's long double (float128/complex256) has no JAX dtype; gk.norm raises "
    "InvalidInputError asking for float64 (docs/norms.md, 'What differs from numpy')"
)


def _result(y: Any) -> Any:
    out = np.asarray(y)
    return out[()] if out.ndim == 0 else out


def gk_norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    with float64():
        return _result(gk.norm(x, ord, axis, keepdims))


def gk_vector_norm(
    x: Any,
    /,
    *,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    ord: float = 2,  # noqa: A002
) -> Any:
    # the array-API signature, spelled with gk.norm: a tuple of axes (or None,
    # all of them) is one vector, so move them last and flatten them
    x = np.asarray(x)
    axes = tuple(range(x.ndim)) if axis is None else np.atleast_1d(axis).tolist()
    axes = [a % x.ndim for a in axes]
    moved = np.moveaxis(x, axes, range(-len(axes), 0))
    flat = moved.reshape(*moved.shape[: x.ndim - len(axes)], math.prod(moved.shape[-len(axes) :]))
    out = gk_norm(flat, ord, -1)
    if keepdims:
        out = np.expand_dims(out, axes)
    return _result(out)


def gk_matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:  # noqa: A002
    return gk_norm(x, ord, (-2, -1), keepdims)


@pytest.fixture(autouse=True)
def _gradkit_norm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(np_tests, "norm", gk_norm)
    monkeypatch.setattr(np.linalg, "norm", gk_norm)
    monkeypatch.setattr(np.linalg, "vector_norm", gk_vector_norm)
    monkeypatch.setattr(np.linalg, "matrix_norm", gk_matrix_norm)


def test_the_suite_really_calls_gradkit() -> None:
    with pytest.raises(gk.UnknownOrderError):
        np_tests.norm(np.ones(3), "l3")


_return_types = pytest.mark.xfail(
    raises=gk.InvalidInputError, strict=True, reason=f"loops over every dtype; {LONG_DOUBLE}"
)


class TestNormDouble(np_tests.TestNormDouble):
    test_vector_return_type = _return_types(np_tests.TestNormDouble.test_vector_return_type)


class TestNormSingle(np_tests.TestNormSingle):
    test_vector_return_type = _return_types(np_tests.TestNormSingle.test_vector_return_type)

    @pytest.fixture(autouse=True)
    def _single_decimals_on_an_accelerator(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """numpy asks float32 results to 6 decimals; a GPU gets 4 (the CPU keeps 6).

        numpy's own test compares a batched matrix norm with one matrix at a time.
        On the CPU both go through the same LAPACK SVD and agree to the last bit. A
        GPU solves a batch with another cuSOLVER algorithm than a single matrix: on
        an H200 the ord=-2 norm of one 3x4 block of ``arange(1, 25)`` differed by
        2.1e-6 (5 ulps of 3.73), and the nuclear norm 65.19 by 1.5e-5 (2 ulps), both
        inside a float32 SVD's accuracy (``max(m, n)·eps·σ₁`` ≈ 3e-5 there): numpy's
        decimals are absolute, so 5 decimals (1.5e-5) is 2 ulps at 65.
        """
        if jax.default_backend() != "cpu":
            close = functools.partial(np_tests.assert_almost_equal, single_decimal=4)
            monkeypatch.setattr(np_tests, "assert_almost_equal", close)


class TestNormInt64(np_tests.TestNormInt64):
    test_vector_return_type = _return_types(np_tests.TestNormInt64.test_vector_return_type)


class TestNorm_NonSystematic(np_tests.TestNorm_NonSystematic):  # noqa: N801
    test_longdouble_norm = pytest.mark.xfail(
        raises=gk.InvalidInputError, strict=True, reason=LONG_DOUBLE
    )(np_tests.TestNorm_NonSystematic.test_longdouble_norm)
    test_complex_high_ord = pytest.mark.xfail(
        raises=gk.InvalidInputError,
        strict=True,
        reason=f"its first case is clongdouble; {LONG_DOUBLE}",
    )(np_tests.TestNorm_NonSystematic.test_complex_high_ord)


test_matrix_norm = np_tests.test_matrix_norm
test_matrix_norm_empty = np_tests.test_matrix_norm_empty
test_vector_norm = np_tests.test_vector_norm
test_vector_norm_empty = np_tests.test_vector_norm_empty


# The marked tests fail only on long double: with numpy's long double names
# pointing at float64/complex128 (and the dtype loop without them) they pass.
@pytest.fixture
def _no_long_double(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        np.typecodes, "AllFloat", np.typecodes["AllFloat"].replace("g", "").replace("G", "")
    )
    monkeypatch.setattr(np, "longdouble", np.float64)
    monkeypatch.setattr(np, "clongdouble", np.complex128)


@pytest.mark.usefixtures("_no_long_double")
@pytest.mark.parametrize(
    "test",
    [
        np_tests.TestNormDouble().test_vector_return_type,
        np_tests.TestNormSingle().test_vector_return_type,
        np_tests.TestNormInt64().test_vector_return_type,
        np_tests.TestNorm_NonSystematic().test_longdouble_norm,
        np_tests.TestNorm_NonSystematic().test_complex_high_ord,
    ],
    ids=lambda t: f"{type(t.__self__).__name__}.{t.__name__}",
)
def test_marked_tests_pass_without_long_double(test: Any) -> None:
    assert "e" in np.typecodes["AllFloat"] and "g" not in np.typecodes["AllFloat"]
    test()
