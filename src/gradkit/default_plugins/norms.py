"""Built-in norm variants, registered through the same hook plugins use.

Each ``fn`` takes one vector (``kind="vector"``) or one matrix
(``kind="matrix"``) and returns a scalar; ``gradkit.norm(x, ord=name, axis=...)``
maps it over the rest of ``x``. The kernels live in ``gradkit._vector_norms``
and ``gradkit._matrix_norms``, whose docstrings state the gradient at kinks.
"""

from __future__ import annotations

from collections.abc import Callable

from gradkit._registry import NormSpec
from gradkit.hookspecs import hookimpl


def _specs() -> list[NormSpec]:
    from gradkit import _matrix_norms as mat
    from gradkit import _vector_norms as vec

    vector, matrix = "vector", "matrix"
    # name, fn, kind, is_norm, description
    table = [
        ("l0", vec.count_nonzero, vector, False, "#{i : xᵢ ≠ 0}, not a norm; gradient 0"),
        ("l1", vec.l1, vector, True, "Σ|xᵢ|; gradient sign(x), sign(0) = 0"),
        ("l2", vec.l2, vector, True, "sqrt(Σxᵢ²); gradient x/‖x‖, 0 at x = 0"),
        ("l2-scaled", vec.l2_scaled, vector, True, "sqrt(Σxᵢ²) scaled first (LAPACK nrm2)"),
        ("linf", vec.linf, vector, True, "max|xᵢ|; ties share the gradient, 0 at x = 0"),
        ("min-abs", vec.neg_inf, vector, False, "min|xᵢ|, numpy's ord=-inf; not a norm"),
        ("rms", vec.rms, vector, True, "sqrt(Σxᵢ²/n); 0 for an empty vector"),
        ("fro", mat.fro, matrix, True, "sqrt(Σaᵢⱼ²); gradient 0 at A = 0"),
        ("nuc", _singular("nuc"), matrix, True, "Σσᵢ; gradient U_r V_rᵀ over σᵢ > 0"),
        ("spectral", _singular("max"), matrix, True, "σ_max; tied σ average their uᵢvᵢᵀ"),
    ]
    return [
        NormSpec(name, fn, kind=kind, is_norm=is_norm, description=description)
        for name, fn, kind, is_norm, description in table
    ]


def _singular(which: str) -> Callable[[object], object]:
    from gradkit import _matrix_norms as mat

    def fn(a: object) -> object:
        return mat.singular_value_norm(a, which)

    fn.__name__ = f"singular_value_norm_{which}"
    return fn


@hookimpl
def register_norms(register: Callable[[NormSpec], None]) -> None:
    """Register gradkit's built-in norm variants."""
    for spec in _specs():
        register(spec)
