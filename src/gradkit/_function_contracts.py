"""Contract checks for registered functions, and for everything one plugin registered.

`check_function` runs on any `FunctionSpec` (or registered name): the function
traces under `jax.jit`, `jax.vmap` and `jax.grad` and gives the same values,
and a declared derivative matches autodiff at sampled points. `check_plugin`
runs these, `gradkit.testing.check_norm` and `check_exercise` over every item
a plugin registered, into one `ContractReport`; ``gradkit check-plugin NAME``
prints its table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._contracts import TRACED_HINT, ContractReport, ContractResult, Outcome, finish, raised_hint
from ._errors import InvalidInputError
from ._plugin_sources import describe_error
from ._registry import FunctionSpec

FUNCTION_CHECKS = ("finite values", "jit", "vmap", "grad", "derivative matches autodiff")
# what a plugin author can do about each failed check
HINTS = {
    "finite values": "make the FunctionSpec's sampler draw only where the function is finite",
    "jit": TRACED_HINT,
    "vmap": "write it elementwise with jnp operations, not a Python loop over the input",
    "grad": (
        "keep the gradient finite where the sampler draws (a double jnp.where around "
        "sqrt/log at 0), and use jnp operations (no numpy calls, .item() or int casts)"
    ),
    "derivative matches autodiff": "check the registered derivative's formula",
}


def check_function(
    spec: FunctionSpec | str,
    *,
    samples: int = 4,
    seed: int = 0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    raise_on_failure: bool = True,
) -> ContractReport:
    """Check that a registered function composes with JAX and matches its derivative.

    The inputs are ``spec.sampler(key)`` for `samples` keys split from
    ``jax.random.key(seed)``, drawn and evaluated in float64. Checks:
    ``finite values`` (every output is finite); ``jit`` (``jax.jit(fn)(x)``
    equals ``fn(x)``); ``vmap`` (``jax.vmap(fn)`` over the stacked inputs equals
    the stacked outputs); ``grad`` (``jax.grad(lambda x: fn(x).sum())(x)`` is
    finite with the shape of ``x``); ``derivative matches autodiff``
    (``spec.derivative(x)`` equals that gradient, which is ``f′`` elementwise
    for elementwise functions and ``∇f`` for scalar-valued ones; skipped when
    no derivative is declared). Equal means ``|a − b| ≤ atol + rtol·|b|``.

    Args:
        spec: a `FunctionSpec`, or the name of a registered one.
        samples: how many inputs to draw.
        seed: the PRNG seed of the inputs.
        rtol: relative tolerance of the comparisons.
        atol: absolute tolerance of the comparisons.
        raise_on_failure: raise `ContractViolation` when a check fails; with
            False, return the report either way.

    Returns:
        A `ContractReport` with one `ContractResult` per check, in the order above.

    Raises:
        ContractViolation: a check failed; the message names it and the input.
        InvalidInputError: `spec` is neither a `FunctionSpec` nor a string.
        UnknownNameError: `spec` names no registered function.
    """
    spec = _resolve(spec)
    from ._config import float64

    with float64():
        results = _FunctionChecker(spec, samples, seed, rtol, atol).run()
    return finish(results, raise_on_failure=raise_on_failure)


def check_plugin(name: str, *, examples: int | None = None) -> ContractReport:
    """Run the contract checks on every item that the plugin `name` registered.

    Functions get `check_function`, norms `gradkit.testing.check_norm`,
    exercises `gradkit.testing.check_exercise` and assignments a check that
    their ids and globs match registered exercises; the rows of all of them
    make one report. An item whose check raises gets one failed row,
    ``contract``, saying what was raised, and the other items are still
    checked. Nothing is raised for a failed check: read ``report.ok``.

    Args:
        name: the plugin's name as ``gradkit plugins`` shows it, or its package.
        examples: inputs per check (``samples`` of `check_function`,
            ``examples`` of ``check_norm``); None keeps their defaults.

    Raises:
        UnknownNameError: no plugin (or package) is called `name`.
        PluginError: the plugin did not load (blocked or failed), so there is
            nothing to check; the message says why.
    """
    from . import _plugins
    from ._errors import PluginError
    from ._exercise_contracts import check_assignment, check_exercise
    from ._norm_contracts import check_norm
    from ._registry import assignments, exercises, functions, norms

    info = _plugins.get_plugin(name)
    if info.status != "loaded":
        raise PluginError(
            f"plugin {info.name!r} is {info.status} ({info.reason}): nothing to check",
            plugin=info.name,
        )
    samples = {} if examples is None else {"samples": examples}
    draws = {} if examples is None else {"examples": examples}
    checks: dict[str, Callable[[str], ContractReport]] = {
        "function": lambda item: check_function(
            functions.get(item), raise_on_failure=False, **samples
        ),
        "norm": lambda item: check_norm(norms.get(item), raise_on_failure=False, **draws),
        "exercise": lambda item: check_exercise(exercises.get(item), raise_on_failure=False),
        "assignment": lambda item: check_assignment(assignments.get(item)),
    }
    results: list[ContractResult] = []
    for kind, check in checks.items():
        for item in info.registered.get(f"{kind}s", ()):  # the registry "functions", ...
            try:
                results += check(item).results
            except Exception as error:  # a broken plugin must not stop the other rows
                results.append(
                    ContractResult(kind, item, "contract", "fail", describe_error(error))
                )
    return ContractReport(tuple(results))


def _resolve(spec: FunctionSpec | str) -> FunctionSpec:
    if isinstance(spec, FunctionSpec):
        return spec
    if isinstance(spec, str):
        from ._registry import functions

        return functions.get(spec)
    raise InvalidInputError(
        f"check_function expects a FunctionSpec or the name of a registered function, got {spec!r}"
    )


class _Fail(Exception):
    """Internal: a check failed, for the reason in args[0]."""


class _FunctionChecker:
    def __init__(self, spec: FunctionSpec, samples: int, seed: int, rtol: float, atol: float):
        self.spec, self.rtol, self.atol = spec, rtol, atol
        self.samples, self.seed = samples, seed

    def run(self) -> list[ContractResult]:
        import jax

        def row(check: str, outcome: Outcome, detail: str = "", hint: str = "") -> ContractResult:
            return ContractResult("function", self.spec.name, check, outcome, detail, hint)

        try:
            keys = jax.random.split(jax.random.key(self.seed), self.samples)
            self.xs = [self.spec.sampler(k) for k in keys]
            self.ys = [self.spec.fn(x) for x in self.xs]
        except Exception as error:
            detail = f"calling it raised {describe_error(error)}"
            return [row(FUNCTION_CHECKS[0], "fail", detail, raised_hint(error))]
        results = []
        for check, method in zip(FUNCTION_CHECKS, self._methods(), strict=True):
            if check == FUNCTION_CHECKS[-1] and self.spec.derivative is None:
                results.append(row(check, "skip", "no derivative declared"))
                continue
            try:
                method()
            except _Fail as failure:
                results.append(row(check, "fail", str(failure), HINTS[check]))
            except Exception as error:
                results.append(row(check, "fail", describe_error(error), raised_hint(error)))
            else:
                results.append(row(check, "pass"))
        return results

    def _methods(self) -> list[Callable[[], None]]:
        return [self.finite, self.jit, self.vmap, self.grad, self.derivative]

    def _close(self, got: Any, want: Any, what: str, x: Any) -> None:
        import numpy as np

        got, want = np.asarray(got), np.asarray(want)
        if got.shape != want.shape:
            raise _Fail(f"{what} has shape {got.shape}, expected {want.shape} at x={_show(x)}")
        if not np.allclose(got, want, rtol=self.rtol, atol=self.atol, equal_nan=True):
            raise _Fail(f"{what} = {_show(got)}, expected {_show(want)} at x={_show(x)}")

    def finite(self) -> None:
        import numpy as np

        for x, y in zip(self.xs, self.ys, strict=True):
            if not np.all(np.isfinite(np.asarray(y))):
                raise _Fail(f"fn(x) = {_show(y)} at x={_show(x)}")

    def jit(self) -> None:
        import jax

        jitted = jax.jit(self.spec.fn)
        for x, y in zip(self.xs, self.ys, strict=True):
            self._close(jitted(x), y, "jit(fn)(x)", x)

    def vmap(self) -> None:
        import jax
        import jax.numpy as jnp

        xs = jnp.stack(self.xs)
        self._close(jax.vmap(self.spec.fn)(xs), jnp.stack(self.ys), "vmap(fn)(xs)", xs)

    def _autodiff(self, x: Any) -> Any:
        import jax
        import jax.numpy as jnp

        return jax.grad(lambda t: jnp.sum(self.spec.fn(t)))(x)

    def grad(self) -> None:
        import numpy as np

        for x in self.xs:
            g = np.asarray(self._autodiff(x))
            if g.shape != np.shape(x) or not np.all(np.isfinite(g)):
                raise _Fail(f"grad = {_show(g)} at x={_show(x)}")

    def derivative(self) -> None:
        assert self.spec.derivative is not None
        for x in self.xs:
            self._close(self.spec.derivative(x), self._autodiff(x), "derivative(x)", x)


def _show(value: Any) -> str:
    import numpy as np

    return np.array2string(np.asarray(value), precision=6, threshold=8, separator=", ")
