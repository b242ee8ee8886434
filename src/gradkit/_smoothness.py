"""Is f differentiable at x? One-sided difference quotients tell a kink, a jump or an edge.

`gradkit diff` puts a numerical check beside autodiff. Where f is smooth the two
agree; where it is not, they may agree or not, and either way f′(x) does not
exist. This module finds out which case holds, from f's values near x only:

- a **jump**: f(x + h) − f(x − h) does not shrink with h (f is not continuous);
- a **kink**: f is continuous, but the slope from the left, (f(x) − f(x − h))/h,
  and the slope from the right, (f(x + h) − f(x))/h, stay apart as h shrinks;
- the **edge of the domain**: f is not finite on one side (``sqrt`` at 0).

For a smooth f the gap between the one-sided slopes is about |f″|·h, so it
shrinks tenfold when h does; at a kink it stays at |right − left|. Steps are
1e-4 and 1e-5 times max(1, |x|), where float64 rounding (~1e-11 relative) is far
below the gaps measured.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

_STEPS = (1e-4, 1e-5)


@dataclasses.dataclass(frozen=True)
class Finding:
    """Why f is not differentiable at a point, along one coordinate.

    Attributes:
        kind: ``"kink"``, ``"jump"`` or ``"edge"``.
        index: the coordinate of x (None for a scalar x) and of f(x) (None for a
            scalar f) where it was found.
        left, right: the one-sided slopes (kink), the one-sided values (jump), or
            f just left and right of x (edge).
    """

    kind: str
    index: tuple[int | None, int | None]
    left: float
    right: float


def examine(f: Callable[[Any], Any], x: Any) -> Finding | None:
    """Return why `f` is not differentiable at `x`, or None when it looks smooth there.

    `f` maps an array (or a scalar) to an array (or a scalar); each coordinate of
    x is moved on its own, and every element of f(x) is watched.
    """
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    f0 = np.ravel(np.asarray(f(x), dtype=np.float64))
    for i in range(max(x.size, 1)):
        scale = max(1.0, abs(float(x.ravel()[i]) if x.size else 0.0))
        rows = []
        for step in _STEPS:
            h = step * scale
            below = _moved(f, x, i, -h)
            above = _moved(f, x, i, h)
            rows.append((h, below, above))
        found = _classify(f0, rows)
        if found is not None:
            kind, k, left, right = found
            index = (None if x.ndim == 0 else i, None if f0.size == 1 else k)
            return Finding(kind, index, left, right)
    return None


def _moved(f: Callable[[Any], Any], x: Any, i: int, h: float) -> Any:
    import numpy as np

    y = x.copy()
    if y.ndim == 0:
        y = y + h
    else:
        y.reshape(-1)[i] += h
    return np.ravel(np.asarray(f(y), dtype=np.float64))


def _classify(f0: Any, rows: list[tuple[float, Any, Any]]) -> tuple[str, int, float, float] | None:
    import numpy as np

    (h1, below1, above1), (h2, below2, above2) = rows
    for k in range(f0.size):
        if not (np.isfinite(below2[k]) and np.isfinite(above2[k])):
            return "edge", k, float(below2[k]), float(above2[k])
        size = max(1.0, abs(f0[k]))
        step1, step2 = abs(above1[k] - below1[k]), abs(above2[k] - below2[k])
        if step2 > 1e-3 * size and step2 > 0.5 * step1:
            return "jump", k, float(below2[k]), float(above2[k])
        left1, right1 = (f0[k] - below1[k]) / h1, (above1[k] - f0[k]) / h1
        left2, right2 = (f0[k] - below2[k]) / h2, (above2[k] - f0[k]) / h2
        gap1, gap2 = abs(right1 - left1), abs(right2 - left2)
        slope = max(1.0, abs(left2), abs(right2))
        if gap2 > 1e-3 * slope and gap2 > 0.5 * gap1:
            return "kink", k, _round(left2), _round(right2)
    return None


def _round(slope: float) -> float:
    """A one-sided slope, rounded to the 6 digits its difference quotient is good for."""
    if slope == 0 or not math.isfinite(slope):
        return slope
    digits = 6 - int(math.floor(math.log10(abs(slope))))
    return round(slope, digits) + 0.0
