"""Honest: helpers in a sibling module; only the helper each entry calls is read."""

from __future__ import annotations

import helpers
from helpers import chain


def dsin(x):
    return helpers.by_autodiff(x)


def df(x):
    return chain(x)
