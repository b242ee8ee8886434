"""The functions and constants of the expression language, and the hints for its errors.

`FUNCTIONS` maps each name an expression may call to a JAX function and its
number of arguments. ``abs`` differentiates to sign(x), 0 at 0, the convention
`gk.norm` uses at its kinks; ``relu`` is JAX's, also 0 at 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.special


def _norm(v: Any) -> Any:
    from . import norm

    return norm(v)


@jax.custom_jvp
def _abs(x: Any) -> Any:
    """|x|, whose derivative at 0 is 0: the minimum-norm subgradient, as `gk.norm` uses.

    ``jnp.abs`` differentiates to 1 at 0 (one end of the subdifferential [−1, 1]);
    here the derivative is sign(x), with sign(0) = 0, so ``abs(x)`` and ``norm(x)``
    agree, and central differences (which average the two slopes) agree too.
    """
    return jnp.abs(x)


@_abs.defjvp
def _abs_jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    return jnp.abs(x), jnp.sign(x) * t


# the expression functions that are not elementwise (they reduce or combine elements)
REDUCING = frozenset({"dot", "mean", "norm", "prod", "sum"})

_JNP_UNARY = (
    "arccos arcsin arctan cbrt cos cosh exp expm1 log log10 log1p log2 mean prod sin sinh "
    "sqrt sum tan tanh"
)
# name -> (function, number of arguments), in alphabetical order for messages
FUNCTIONS: dict[str, tuple[Callable[..., Any], int]] = dict(
    sorted(
        {
            **{name: (getattr(jnp, name), 1) for name in _JNP_UNARY.split()},
            "abs": (_abs, 1),
            "dot": (jnp.dot, 2), "max": (jnp.maximum, 2), "min": (jnp.minimum, 2),
            "erf": (jax.scipy.special.erf, 1), "norm": (_norm, 1), "relu": (jax.nn.relu, 1),
            "sigmoid": (jax.nn.sigmoid, 1), "softplus": (jax.nn.softplus, 1),
        }.items()
    )
)  # fmt: skip
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

HELP = (
    "Use numbers, x (x[0], x[1], … for a vector), + - * / **, parentheses, "
    f"the constants {', '.join(CONSTANTS)} and the functions {', '.join(FUNCTIONS)}."
)


def near_name(name: str) -> str:
    """A hint naming the known function or constant closest to `name`, else the language."""
    import difflib

    known = [*FUNCTIONS, *CONSTANTS, "x"]
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    if not close:
        return HELP
    guess = lowered[close[0]]
    example = f"{guess}(x)" if guess in FUNCTIONS else guess
    return f"Did you mean {guess!r}, as in {example}?"


# a number written against a name or parenthesis: 3x, 2.5sin(x), 2(x+1)
_IMPLICIT_PRODUCT = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?)\s*([A-Za-z_]\w*|\()")


def syntax_hint(text: str) -> str:
    """What to write instead, for the syntax errors people make most."""
    product = _IMPLICIT_PRODUCT.search(text)
    if product and not re.match(r"[eE][+-]?\d", text[product.start(2) :]):
        number, after = product.group(1), product.group(2)
        return f"To multiply, write * between them: {number}*{after}, not {number}{after}."
    if "^" in text:
        return "For a power write **, as in x**2."
    return HELP
