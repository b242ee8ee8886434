"""Seeded input samplers: each draws one float64 array from a numpy Generator.

Checks draw their inputs with a generator seeded from the grading seed and
the check's identity, so the same seed gives the same inputs, hence the same
grade. Inputs are always floating-point arrays (never ints).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._errors import ExerciseError

Shape = tuple[int, ...]


def _shape(shape: Shape | int) -> Shape:
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if not all(isinstance(d, int) and d >= 0 for d in shape):
        raise ExerciseError(f"invalid sampler shape {shape!r}: use a tuple of non-negative ints")
    return shape


@dataclasses.dataclass(frozen=True)
class Sampler:
    """Draw arrays of one shape from one distribution.

    Attributes:
        kind: ``"normal"``, ``"uniform"``, ``"away"`` (|x| in [low, high], random
            sign) or ``"fixed"``.
        shape: the array shape; ``()`` gives a 0-d array.
        low, high: bounds (``uniform``, ``away``); mean and scale (``normal``).
        value: the fixed value (``fixed``), as nested tuples.
    """

    kind: str
    shape: Shape = ()
    low: float = 0.0
    high: float = 1.0
    value: tuple | float | None = None

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """Return one float64 sample."""
        if self.kind == "fixed":
            return np.array(self.value, dtype=np.float64)
        if self.kind == "normal":
            return np.asarray(self.low + self.high * rng.standard_normal(self.shape))
        if self.kind == "uniform":
            return np.asarray(rng.uniform(self.low, self.high, self.shape))
        if self.kind == "away":
            magnitude = rng.uniform(self.low, self.high, self.shape)
            sign = np.where(rng.random(self.shape) < 0.5, -1.0, 1.0)
            return np.asarray(magnitude * sign)
        raise ExerciseError(f"unknown sampler kind {self.kind!r}")


def normal(shape: Shape | int = (), *, mean: float = 0.0, scale: float = 1.0) -> Sampler:
    """Sample N(mean, scale²) entries."""
    return Sampler("normal", _shape(shape), mean, scale)


def uniform(low: float, high: float, shape: Shape | int = ()) -> Sampler:
    """Sample entries uniformly in [low, high)."""
    if not low < high:
        raise ExerciseError(f"uniform sampler needs low < high, got low={low!r}, high={high!r}")
    return Sampler("uniform", _shape(shape), low, high)


def away_from_zero(shape: Shape | int = (), *, low: float = 0.1, high: float = 3.0) -> Sampler:
    """Sample entries with |x| in [low, high) and a random sign (never 0)."""
    if not 0 < low < high:
        raise ExerciseError(
            f"away_from_zero sampler needs 0 < low < high, got low={low!r}, high={high!r}"
        )
    return Sampler("away", _shape(shape), low, high)


def fixed(value: float | list | tuple) -> Sampler:
    """Always give `value` (a number or nested list), e.g. the origin."""
    arr = np.array(value, dtype=np.float64)
    return Sampler("fixed", arr.shape, value=_freeze(arr.tolist()))


def _freeze(value: object) -> tuple | float:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return float(value)  # type: ignore[arg-type]
