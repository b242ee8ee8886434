"""The contract report: one row per check, for functions, norms, exercises and assignments.

`gradkit.testing`'s ``check_function``, ``check_norm``, ``check_exercise``
and ``check_plugin`` all return a `ContractReport`; ``gradkit check-plugin``
prints its rows as a table (or JSON) and the ``gradkit_verify`` fixture fails
a test naming its failures.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from ._rich import RichTable

Outcome = Literal["pass", "fail", "skip"]
HEADERS = ("kind", "name", "check", "result", "detail")
# what to do when JAX could not trace a plugin's code (a check's jit, or any check that raised)
TRACED_HINT = "no Python if/while/float() on the input: use jnp.where or jax.lax.cond"


def raised_hint(error: BaseException) -> str:
    """The hint for a check that raised ``error``: `TRACED_HINT` for a tracer error, else ""."""
    import jax

    return TRACED_HINT if isinstance(error, jax.errors.ConcretizationTypeError) else ""


@dataclasses.dataclass(frozen=True)
class ContractResult:
    """One row of a contract report: which item, which check, and how it went.

    Attributes:
        kind: ``"function"``, ``"norm"``, ``"exercise"`` or ``"assignment"``.
        name: the item's registry name (an exercise's or assignment's id).
        check: the check, e.g. ``"jit"`` or ``"triangle inequality"``.
        outcome: ``"pass"``, ``"fail"`` or ``"skip"``.
        detail: for a failure the input and the difference; for a skip, why.
        hint: for a failure, what to do about it (empty when the detail says it).
    """

    kind: str
    name: str
    check: str
    outcome: Outcome
    detail: str = ""
    hint: str = ""

    @property
    def message(self) -> str:
        """The `detail` (the name ``check_norm``'s violations have always used)."""
        return self.detail


@dataclasses.dataclass(frozen=True)
class ContractReport(RichTable):
    """The rows of a contract check, in the order ``gradkit check-plugin`` prints them.

    ``str(report)`` says what was checked and lists every failed and skipped
    check; in a notebook the report shows as a table.

    Attributes:
        results: one `ContractResult` per check.
    """

    results: tuple[ContractResult, ...]

    @property
    def ok(self) -> bool:
        """Whether no check failed (skips are fine)."""
        return all(r.outcome != "fail" for r in self.results)

    @property
    def failures(self) -> tuple[ContractResult, ...]:
        """The failed checks."""
        return tuple(r for r in self.results if r.outcome == "fail")

    @property
    def violations(self) -> tuple[ContractResult, ...]:
        """The failed checks (the same as `failures`; ``check_norm``'s name for them)."""
        return self.failures

    @property
    def passed(self) -> tuple[str, ...]:
        """The names of the checks that held, e.g. ``"triangle inequality" in report.passed``."""
        return tuple(r.check for r in self.results if r.outcome == "pass")

    @property
    def skipped(self) -> tuple[str, ...]:
        """The names of the checks that did not apply (each row's `detail` says why)."""
        return tuple(r.check for r in self.results if r.outcome == "skip")

    def summary(self) -> str:
        """Return ``"39 passed, 0 failed, 3 skipped"``."""
        passed, failed = self._counts()
        return f"{passed} passed, {failed} failed, {len(self.skipped)} skipped"

    def rows(self) -> list[list[str]]:
        """The table's rows under `HEADERS`; the result is ``PASS``, ``FAIL`` or ``SKIP``.

        A failure's detail ends with its hint: ``"...; what to do: ..."``.
        """

        def detail(r: ContractResult) -> str:
            return f"{r.detail}; what to do: {r.hint}" if r.hint else r.detail

        return [[r.kind, r.name, r.check, r.outcome.upper(), detail(r)] for r in self.results]

    def __str__(self) -> str:
        one = self._one_item()

        def line(label: str, r: ContractResult, tail: str) -> str:
            item = "" if one else f"{r.kind} {r.name!r} "
            return f"  {label} {item}{r.check}{tail}"

        lines = [self._headline()]
        for r in self.failures:
            lines.append(line("FAILED", r, f": {r.detail}"))
            if r.hint:
                lines.append(f"    what to do: {r.hint}")
        lines += [line("skipped", r, f" ({r.detail})") for r in self.results if r.outcome == "skip"]
        return "\n".join(lines)

    def _counts(self) -> tuple[int, int]:
        return len(self.passed), len(self.failures)

    def _one_item(self) -> bool:
        return len({(r.kind, r.name) for r in self.results}) == 1

    def _headline(self) -> str:
        """``"norm 'l1': 8 passed, 0 failed"`` for one item; without the item for several."""
        passed, failed = self._counts()
        counts = f"{passed} passed, {failed} failed"
        if not self._one_item():
            return counts
        first = self.results[0]
        return f"{first.kind} {first.name!r}: {counts}"

    def _table(self) -> tuple[str, list[str], list[list[str]]]:
        return self._headline(), list(HEADERS), self.rows()


def finish(results: list[ContractResult], *, raise_on_failure: bool) -> ContractReport:
    """Return the report of `results`; raise `ContractViolation` on a failure if asked."""
    from ._errors import ContractViolation

    report = ContractReport(tuple(results))
    if raise_on_failure and not report.ok:
        raise ContractViolation(str(report))
    return report
