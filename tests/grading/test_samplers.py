"""Samplers: seeded, float64, validated."""

from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from gradkit.grading import (
    samplers,
)


def test_samplers_are_seeded_float64_and_validated():
    rng = np.random.default_rng(3)
    x = samplers.normal((2, 3)).draw(rng)
    assert x.dtype == np.float64 and x.shape == (2, 3)
    assert np.array_equal(samplers.normal((2, 3)).draw(np.random.default_rng(3)), x)
    away = samplers.away_from_zero(1000, low=0.5, high=1.0).draw(rng)
    assert np.all((np.abs(away) >= 0.5) & (np.abs(away) < 1.0)) and np.any(away < 0)
    assert samplers.fixed([1.0, 2.0]).draw(rng).tolist() == [1.0, 2.0]
    with pytest.raises(gk.ExerciseError, match=r"uniform sampler needs low < high, got low=2"):
        samplers.uniform(2.0, 1.0)
    with pytest.raises(gk.ExerciseError, match=r"needs 0 < low < high, got low=0"):
        samplers.away_from_zero(low=0.0)
    with pytest.raises(gk.ExerciseError, match=r"invalid sampler shape \(-1,\)"):
        samplers.normal(-1)
