"""Contract checks for norm variants: the axioms, gradients, and transformations.

`check_norm` runs on any `NormSpec` (or registered name), so a plugin author
can test a variant before publishing it, and gradkit's own tests run it over
every registered norm. The axioms are checked as properties with hypothesis
(shrinking a failure to a small input), in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from ._contracts import TRACED_HINT, ContractReport, ContractResult, Outcome, finish, raised_hint
from ._errors import InvalidInputError
from ._registry import NormSpec

AXIOMS = ("non-negativity", "definiteness", "absolute homogeneity", "triangle inequality")
_NOT_A_NORM = (
    "fix the formula; if it is not meant to be a norm (a squared norm, a seminorm), "
    "register it with is_norm=False, which checks only non-negativity of the axioms"
)
# what a plugin author can do about each failed check
HINTS = {
    "scalar output": "return one number per input: reduce with jnp.sum, jnp.max, ...",
    "non-negativity": "take jnp.abs (or square) of the entries before reducing them",
    "definiteness": _NOT_A_NORM,
    "absolute homogeneity": _NOT_A_NORM,
    "triangle inequality": _NOT_A_NORM,
    "finite gradient at 0": (
        "keep 0 out of sqrt/pow with a double jnp.where: safe = jnp.where(s > 0, s, 1.0), "
        "then jnp.where(s > 0, jnp.sqrt(safe), 0.0): the gradient at 0 is then 0"
    ),
    "gradient matches finite differences": (
        "check the derivative rule of your jax.custom_jvp/custom_vjp against the function"
    ),
    "jit and vmap": TRACED_HINT,
}
CHECKS = (
    "scalar output",
    *AXIOMS,
    "finite gradient at 0",
    "gradient matches finite differences",
    "jit and vmap",
)


class _Failed(AssertionError):
    """Raised inside a hypothesis property; its message names the input."""


def check_norm(
    spec: NormSpec | str,
    *,
    examples: int = 25,
    seed: int = 0,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    raise_on_failure: bool = True,
) -> ContractReport:
    """Check that a norm variant satisfies the norm contract.

    Checks, each in float64: the output is a scalar; the axioms (non-negativity
    ``f(x) ≥ 0``, definiteness ``f(0) = 0`` and ``f(x) > 0`` for ``x ≠ 0``,
    absolute homogeneity ``f(αx) = |α|f(x)``, triangle inequality
    ``f(x + y) ≤ f(x) + f(y)``) as hypothesis properties; the gradient at 0 is
    finite under `jax.grad`, `jax.jacfwd` and `jax.jacrev`; forward- and
    reverse-mode derivatives match finite differences (`gradkit.check_grad`)
    at a random, almost surely smooth, point; `jax.jit` and
    `jax.vmap` give the same values as plain calls.
    A spec with ``is_norm=False`` skips definiteness, homogeneity and the
    triangle inequality. Inputs are vectors of length 1–4 (``kind="vector"``)
    or matrices of shapes 1×1, 2×3, 3×2 and 3×3, with entries 0 or ``1e-3 ≤ |xᵢ| ≤ 1e3`` (tiny
    entries would test underflow, not the axioms).

    Args:
        spec: a `NormSpec`, or the name of a registered one.
        examples: hypothesis examples per property.
        seed: seeds hypothesis and the random points, for reproducible runs.
        rtol: relative tolerance of the equalities and inequalities.
        atol: absolute tolerance of the same.
        raise_on_failure: raise `ContractViolation` when a check fails; with
            False, return the report either way.

    Returns:
        A `ContractReport`, one row per check (kind ``"norm"``): the passed
        checks, then the failed ones, then the skipped ones.

    Raises:
        ContractViolation: a check failed; the message names the check and
            the input.
        InvalidInputError: ``spec`` is neither a `NormSpec` nor a string.
        UnknownNameError: ``spec`` names no registered norm.
    """
    spec = _resolve(spec)
    from ._config import float64

    skipped = () if spec.is_norm else AXIOMS[1:]

    def row(check: str, outcome: Outcome, detail: str = "", hint: str = "") -> ContractResult:
        return ContractResult("norm", spec.name, check, outcome, detail, hint)

    passed: list[ContractResult] = []
    failed: list[ContractResult] = []
    with float64():
        checker = _Checker(spec, examples=examples, seed=seed, rtol=rtol, atol=atol)
        for check in CHECKS:
            if check in skipped:
                continue
            try:
                checker.run(check)
            except _Failed as failure:
                failed.append(row(check, "fail", str(failure), HINTS.get(check, "")))
            except Exception as error:  # a plugin's bug must become a report, not a crash
                summary = " ".join(str(error).split())[:300]
                detail = f"raised {type(error).__name__}: {summary}"
                failed.append(row(check, "fail", detail, raised_hint(error)))
            else:
                passed.append(row(check, "pass"))
            if check == "scalar output" and failed:
                break  # every other check needs a scalar
    skips = [row(check, "skip", "is_norm=False") for check in skipped]
    return finish([*passed, *failed, *skips], raise_on_failure=raise_on_failure)


def _resolve(spec: NormSpec | str) -> NormSpec:
    if isinstance(spec, NormSpec):
        return spec
    if isinstance(spec, str):
        from ._registry import norms

        return norms.get(spec)
    raise InvalidInputError(
        f"check_norm expects a NormSpec or the name of a registered norm, got {spec!r}"
    )


class _Checker:
    """The individual checks, sharing one jitted function and the settings."""

    def __init__(self, spec: NormSpec, *, examples: int, seed: int, rtol: float, atol: float):
        import jax

        self.spec = spec
        self.fn = jax.jit(spec.fn)
        self.examples = examples
        self.seed = seed
        self.rtol = rtol
        self.atol = atol

    def run(self, check: str) -> None:
        method = {
            "scalar output": self.scalar_output,
            "non-negativity": self.non_negativity,
            "definiteness": self.definiteness,
            "absolute homogeneity": self.homogeneity,
            "triangle inequality": self.triangle,
            "finite gradient at 0": self.gradient_at_zero,
            "gradient matches finite differences": self.gradient_matches,
            "jit and vmap": self.transformations,
        }[check]
        method()

    # helpers

    def value(self, x: np.ndarray) -> float:
        return float(self.fn(x))

    def shapes(self) -> list[tuple[int, ...]]:
        if self.spec.kind == "vector":
            return [(n,) for n in range(1, 5)]
        return [(1, 1), (2, 3), (3, 2), (3, 3)]

    def close(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.atol + self.rtol * max(abs(a), abs(b))

    def given(self, prop: Callable[..., None], *strategies: Any) -> None:
        """Run ``prop`` on hypothesis examples; a failure re-raises shrunk."""
        import hypothesis
        from hypothesis import HealthCheck, settings

        settings_ = settings(
            max_examples=self.examples,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=cast("list[HealthCheck]", list(HealthCheck)),
            print_blob=False,
        )
        test = hypothesis.seed(self.seed)(settings_(hypothesis.given(*strategies)(prop)))
        test()

    def arrays(self, shape: tuple[int, ...] | None = None) -> Any:
        from hypothesis import strategies as st
        from hypothesis.extra import numpy as hnp

        element = st.one_of(
            st.just(0.0), st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3), st.integers(-3, 3)
        ).map(float)
        if shape is not None:
            return hnp.arrays(np.float64, shape, elements=element)
        return st.sampled_from(self.shapes()).flatmap(
            lambda s: hnp.arrays(np.float64, s, elements=element)
        )

    def pairs(self) -> Any:
        from hypothesis import strategies as st

        return st.sampled_from(self.shapes()).flatmap(
            lambda s: st.tuples(self.arrays(s), self.arrays(s))
        )

    # the checks

    def scalar_output(self) -> None:
        for shape in (self.shapes()[0], self.shapes()[-1]):
            out = self.fn(np.ones(shape))
            if getattr(out, "shape", None) != ():
                got = getattr(out, "shape", type(out).__name__)
                raise _Failed(f"fn returned {got} for input of shape {shape}; expected a scalar")

    def non_negativity(self) -> None:
        def prop(x: np.ndarray) -> None:
            y = self.value(x)
            if not y >= 0:
                raise _Failed(f"f(x) = {y!r} < 0 at x = {x.tolist()!r}")

        self.given(prop, self.arrays())

    def definiteness(self) -> None:
        for shape in self.shapes():
            y = self.value(np.zeros(shape))
            if y != 0:
                raise _Failed(f"f(0) = {y!r}, not 0, at x = zeros{shape}")

        def prop(x: np.ndarray) -> None:
            y = self.value(x)
            if np.any(x != 0) and not y > 0:
                raise _Failed(f"f(x) = {y!r} for non-zero x = {x.tolist()!r}")

        self.given(prop, self.arrays())

    def homogeneity(self) -> None:
        from hypothesis import strategies as st

        def prop(x: np.ndarray, alpha: float) -> None:
            lhs, rhs = self.value(alpha * x), abs(alpha) * self.value(x)
            if not self.close(lhs, rhs):
                raise _Failed(
                    f"f(αx) = {lhs!r} but |α|·f(x) = {rhs!r} at α = {alpha!r}, x = {x.tolist()!r}"
                )

        self.given(prop, self.arrays(), st.floats(-10, 10))

    def triangle(self) -> None:
        def prop(xy: tuple[np.ndarray, np.ndarray]) -> None:
            x, y = xy
            lhs, fx, fy = self.value(x + y), self.value(x), self.value(y)
            if lhs > fx + fy + self.atol + self.rtol * (fx + fy):
                raise _Failed(
                    f"f(x + y) = {lhs!r} > f(x) + f(y) = {fx!r} + {fy!r} at "
                    f"x = {x.tolist()!r}, y = {y.tolist()!r}"
                )

        self.given(prop, self.pairs())

    def gradient_at_zero(self) -> None:
        import jax

        fn = self.spec.fn
        modes = jax.jit(lambda z: (jax.grad(fn)(z), jax.jacfwd(fn)(z), jax.jacrev(fn)(z)))
        for shape in (self.shapes()[0], self.shapes()[-1]):
            for mode, g in zip(("grad", "jacfwd", "jacrev"), modes(np.zeros(shape)), strict=True):
                g = np.asarray(g)
                if not np.all(np.isfinite(g)):
                    raise _Failed(f"{mode} at x = zeros{shape} is {g.tolist()!r}, not finite")

    def gradient_matches(self) -> None:
        from ._autodiff import check_grad

        rng = np.random.default_rng(self.seed)
        for shape in self.shapes()[-1:]:
            x = rng.normal(size=shape)
            report = check_grad(self.spec.fn, x, seed=self.seed)
            if not report:
                summary = " ".join(str(report).split())[:400]
                raise _Failed(f"at x = {x.tolist()!r}: {summary}")

    def transformations(self) -> None:
        import jax

        rng = np.random.default_rng(self.seed + 1)
        for shape in self.shapes()[-1:]:
            batch = rng.normal(size=(3, *shape))
            plain = np.array([float(self.spec.fn(b)) for b in batch])
            mapped = np.asarray(jax.vmap(self.spec.fn)(batch))
            jitted = np.array([self.value(b) for b in batch])
            for label, got in (("jax.vmap", mapped), ("jax.jit", jitted)):
                if got.shape != plain.shape or not np.allclose(
                    got, plain, rtol=self.rtol, atol=self.atol
                ):
                    raise _Failed(
                        f"{label} gives {got.tolist()!r} but plain calls give {plain.tolist()!r} "
                        f"at x = {batch.tolist()!r}"
                    )
