"""Compare a submission's answer with the reference's, in float64, strictly.

Rules (documented in docs/exercises.md):

- Structure: tuples and lists must match in kind-insensitive length and
  nesting (a tuple answer may come back as a list, or as an array whose first
  axis has the tuple's length: a pair may be a length-2 array); a scalar
  answer is a 0-d array; where an array is expected, a (nested) list or tuple
  of numbers is the array ``np.array`` makes of it.
- Leaves must be plain `numpy.ndarray` values (a Python number is turned into
  one first); anything else, including ndarray subclasses, is rejected, so no
  user-defined ``__eq__`` or ``__array_ufunc__`` ever runs.
- Shapes must be equal exactly: no broadcasting, ``(1, n)`` is not ``(n,)``.
- Dtype class: a floating reference needs a floating answer (float16/32/64);
  an integer or boolean reference needs an integer or boolean answer; complex
  answers are never accepted for real references.
- NaN and ±inf must sit exactly where the reference has them; the finite
  entries must satisfy ``|got − expected| ≤ atol + rtol·|expected|`` (the
  reference is the ``b`` of numpy's `isclose`), all computed in float64.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .._sandboxed import FunctionRef

_FLOAT_KINDS = "f"
_INT_KINDS = "iub"


@dataclasses.dataclass(frozen=True)
class Mismatch:
    """Why an answer differs from the reference.

    ``public`` may be shown for any check; ``detail`` adds values and is shown
    only for visible checks.
    """

    public: str
    detail: str = ""


def _leaf(value: Any) -> np.ndarray | None:
    if isinstance(value, bool | int | float) and not isinstance(value, np.generic):
        return np.asarray(value)
    if type(value) is np.ndarray:
        return value
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return np.asarray(value)
    return None


def _text(a: np.ndarray) -> str:
    return " ".join(np.array2string(a, precision=6, threshold=8, separator=", ").split())


def describe(value: Any) -> str:
    """Say what an answer is, in words (never its values)."""
    if isinstance(value, tuple | list):
        n = len(value)
        return f"a {type(value).__name__} of {n} item{'' if n == 1 else 's'}"
    if type(value) is np.ndarray:
        return f"a {value.ndim}-d array" if value.ndim else "a single number"
    return f"a value of type {type(value).__name__}"


def _values(n: int) -> str:
    return "1 value" if n == 1 else f"{n} values"


def as_parts(value: Any, n: int) -> Any:
    """An array whose first axis has length `n` as a tuple of its `n` rows; else `value`.

    Where a statement asks for a pair, a tuple, a list and a length-2 array
    all answer it.
    """
    if type(value) is np.ndarray and value.ndim >= 1 and value.shape[0] == n:
        return tuple(value)
    return value


def _stacked(value: tuple | list) -> np.ndarray | None:
    """A (nested) list or tuple of numbers as one array, as ``np.array`` makes it (a list
    comprehension of quotients where a 1-d array is expected); None for anything else:
    an empty or ragged one, or one holding something that is not a number."""

    def numbers(v: Any) -> bool:
        if isinstance(v, tuple | list):
            return len(v) > 0 and all(numbers(item) for item in v)
        leaf = _leaf(v)
        return leaf is not None and leaf.ndim == 0 and leaf.dtype.kind in "fiub"

    if not numbers(value):
        return None
    try:
        out = np.array(value)
    except ValueError:  # ragged
        return None
    return out if out.dtype.kind in "fiub" else None


def compare(
    got: Any,
    expected: Any,
    *,
    rtol: float,
    atol: float | np.ndarray,
    path: str = "result",
    values: bool = True,
) -> Mismatch | None:
    """Return None when `got` matches `expected`, else the first `Mismatch`.

    With ``values=False`` only structure, shapes and dtype classes are compared.
    """
    if isinstance(expected, tuple | list):
        got = as_parts(got, len(expected))
        if not isinstance(got, tuple | list):
            return Mismatch(
                f"{path} is {describe(got)}; expected {_values(len(expected))} (a tuple, a list "
                f"or an array of length {len(expected)})"
            )
        if len(got) != len(expected):
            return Mismatch(f"{path} has {_values(len(got))}; expected {len(expected)}")
        atols = atol if isinstance(atol, tuple | list) else [atol] * len(expected)
        for i, (g, e, a) in enumerate(zip(got, expected, atols, strict=True)):
            found = compare(g, e, rtol=rtol, atol=a, path=f"{path}[{i}]", values=values)
            if found is not None:
                return found
        return None
    exp = _leaf(expected)
    if exp is None:  # the reference is ours; this is a bug in an exercise
        raise TypeError(f"reference value at {path} is not an array: {expected!r}")
    arr = _leaf(got) if not isinstance(got, tuple | list) else _stacked(got)
    if arr is None:
        return Mismatch(f"{path} is {describe(got)}; expected an array")
    if arr.shape != exp.shape:
        # the shapes go in the detail: a hidden input's shape is hidden too
        return Mismatch(
            f"{path} does not have the reference's shape",
            f"got shape {arr.shape}, expected {exp.shape}",
        )
    if exp.dtype.kind in _FLOAT_KINDS and arr.dtype.kind not in _FLOAT_KINDS:
        return Mismatch(f"{path} has dtype {arr.dtype}; expected a floating-point array")
    if exp.dtype.kind in _INT_KINDS and arr.dtype.kind not in _INT_KINDS:
        return Mismatch(f"{path} has dtype {arr.dtype}; expected an integer or boolean array")
    if not values:
        return None
    a = arr.astype(np.float64)
    e = exp.astype(np.float64)
    for mask, what in ((np.isnan, "NaN"), (np.isposinf, "+inf"), (np.isneginf, "-inf")):
        ma, me = mask(a), mask(e)
        if not np.array_equal(ma, me):
            extra = int(np.sum(ma & ~me))
            if extra:
                return Mismatch(
                    f"{path} has {extra} {what} entr{'y' if extra == 1 else 'ies'} "
                    "where the reference is finite"
                )
            return Mismatch(f"{path} lacks a {what} the reference has")
    finite = np.isfinite(e)
    tol = np.broadcast_to(np.asarray(atol, dtype=np.float64), e.shape)
    err = np.abs(a - e)
    with np.errstate(invalid="ignore", over="ignore"):
        bad = finite & ~(err <= tol + rtol * np.abs(e))
    if np.any(bad):
        worst = float(np.max(err[bad]))
        # counts go in the detail: "of 7 entries" would tell a hidden input's size
        return Mismatch(
            f"{path} differs from the reference",
            f"wrong at {int(np.sum(bad))} of {e.size} entr{'y' if e.size == 1 else 'ies'}, "
            f"largest error {worst:.3g}; got {_text(a)}, expected {_text(e)}",
        )
    return None


def rounding_units(got: Any, expected: Any) -> float:
    """How far an answer `compare` accepted is from the reference, in units of rounding.

    Each entry's error is divided by ``ε·(|expected| + s)``: ε is the machine
    epsilon of the answer's own dtype (a float32 answer is held to float32's
    rounding), and s the largest ``|expected|`` in the whole answer, so an
    entry near 0 that sums terms of size s may carry their rounding. A
    formula computed another way than the reference's lands within a few
    units; a finite difference, whatever its step, hundreds or more. Entries
    that are not finite on both sides are skipped (`compare` placed them).
    """
    pairs = _leaf_pairs(got, expected)
    scale = 0.0
    for _, e in pairs:
        finite = e[np.isfinite(e)]
        if finite.size:
            scale = max(scale, float(np.max(np.abs(finite))))
    worst = 0.0
    for g, e in pairs:
        eps = float(np.finfo(g.dtype if g.dtype.kind in _FLOAT_KINDS else np.float64).eps)
        a, b = g.astype(np.float64), e.astype(np.float64)
        both = np.isfinite(a) & np.isfinite(b)
        err = np.abs(a[both] - b[both])
        unit = eps * (np.abs(b[both]) + scale)
        if np.any((unit == 0) & (err > 0)):
            return float("inf")
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(unit > 0, err / np.where(unit > 0, unit, 1.0), 0.0)
        worst = max(worst, float(np.max(ratio, initial=0.0)))
    return worst


def _leaf_pairs(got: Any, expected: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (answer, reference) arrays of an answer `compare` accepted, in order."""
    if isinstance(expected, tuple | list):
        parts = as_parts(got, len(expected))
        return [p for g, e in zip(parts, expected, strict=True) for p in _leaf_pairs(g, e)]
    g = _leaf(got) if not isinstance(got, tuple | list) else _stacked(got)
    e = _leaf(expected)
    assert g is not None and e is not None  # compare accepted them
    return [(g, e)]


def tuples(value: Any) -> Any:
    """Lists to tuples, all the way down (leaves unchanged): answers are tuples of arrays.

    The in-process candidate returns pytrees that way; a sandboxed child's
    decoded reply and the warmed reference answers are made to match.
    """
    if isinstance(value, list | tuple):
        return tuple(tuples(v) for v in value)
    return value


def leaves(value: Any) -> list[np.ndarray] | None:
    """An answer's numeric leaves as arrays, or None when one is not a number or array.

    Tuples and lists are flattened in order; a Python int or float becomes a
    0-d float64 array; a bool, an object or a non-numeric array makes it None.
    """
    if isinstance(value, tuple | list):
        out: list[np.ndarray] = []
        for v in value:
            sub = leaves(v)
            if sub is None:
                return None
            out.extend(sub)
        return out
    if type(value) is np.ndarray and value.dtype.kind in "fiub":
        return [value]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return [np.asarray(float(value))]
    return None


# What a student reads for a grader probe (its registry name means nothing to them).
_PROBE_NAMES = {
    "probe.wide": "a wide function Rⁿ → R²",
    "probe.tall": "a tall function R² → R²⁵⁶",
    "probe.sin-dot": "x ↦ Σ sin(xᵢ)·xᵢ",
    "probe.exp": "exp",
    "probe.log": "log",
    "probe.sinh": "sinh",
    "probe.asinh": "arcsinh",
}


def show(value: Any) -> str:
    """An input or a value as a student reads it in a check's message (4 digits, short)."""
    if isinstance(value, FunctionRef):
        base = value.name.rstrip("'")  # a derivative: probe.exp'
        return _PROBE_NAMES.get(base, base) + value.name[len(base) :]
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"{float(value):.6g}"
        text = np.array2string(value, precision=4, threshold=8, separator=", ")
        return " ".join(text.split())
    return repr(value)
