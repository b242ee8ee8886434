"""The check library: composable, frozen values that ask for answers and judge them.

A check never touches a submission. ``requests(rng)`` states what it needs
(evaluations, costs, constants, the source), drawing inputs from seeded
samplers; ``judge(got, ref)`` turns the submission's responses, and the
reference solution's responses to the same requests, into a verdict and a
message. Hidden checks never put inputs or expected values in the message.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from .._errors import ExerciseError
from .._sandboxed import (
    Call,
    Cost,
    Evaluate,
    Fault,
    Mode,
    Request,
    Response,
    Static,
    Transform,
)
from ._compare import as_parts, compare, describe, leaves, rounding_units, show
from ._results import Visibility
from ._samplers import Sampler

_EPS64 = float(np.finfo(np.float64).eps)
_TRANSFORM_LABEL = {
    "call": "values",
    "jit": "works under jit",
    "grad": "gradient",
    "jit_grad": "reverse-mode under jit",
    "vmap": "works under vmap",
    "jacfwd": "forward-mode Jacobian",
    "jacrev": "reverse-mode Jacobian",
}


def fault_message(fault: Fault, entry: str, *, hidden: bool) -> str:
    """Say why an entry could not answer, in words safe for the check's visibility."""
    if fault.kind == "missing":
        return (
            f"`{entry}` is not defined: {fault.message}"
            if fault.message
            else (f"`{entry}` is not defined")
        )
    if fault.kind == "not-implemented":
        return f"`{entry}` is not implemented yet (it raises NotImplementedError)"
    text = fault.message.strip().splitlines()[0] if fault.message.strip() else ""
    if hidden:
        text = hide_numbers(text)[:600]
    return (
        f"`{entry}` failed ({fault.kind}): {text}" if text else f"`{entry}` failed ({fault.kind})"
    )


def hide_numbers(text: str) -> str:
    """``text`` with every number masked: what a hidden check may say about an error.

    A trace error names the shapes it saw (``Output had shape: (9,)``,
    ``f32[9]``); on a hidden input that is the hidden input's shape.
    """
    return _NUMBER.sub("…", text)


_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d*)?(?:e[-+]?\d+)?(?![\w])")


def _reference_failed(expected: Fault) -> str:
    """What a check says when the reference itself could not answer."""
    what = f"{expected.kind}: {expected.message}"
    return f"the reference solution failed (a bug in the exercise): {what}"


def _count(n: int, noun: str) -> str:
    """``1 sampled input``, ``3 sampled inputs``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Check:
    """Base of every check: a weight, a visibility, an optional display name.

    ``requirement=True`` makes the check a rule of the exercise: if it fails,
    the exercise scores 0 and its feedback says which rule was broken. A
    *static* check (one that reads the source, such as `Avoids`) earns its
    weight only when its entry passes at least one value check.
    """

    weight: float = 1.0
    visibility: Visibility = "visible"
    name: str | None = None
    requirement: bool = False

    static: ClassVar[bool] = False  # reads the source; runs nothing
    # a rule on how the entry works, not on its values (a source rule, exactness): it
    # earns its weight only when the entry passes a value check
    rule: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not isinstance(self.requirement, bool):
            raise ExerciseError(
                f"check requirement must be True or False, got {self.requirement!r}"
            )
        if self.visibility not in ("visible", "hidden"):
            raise ExerciseError(
                f"check visibility must be 'visible' or 'hidden', got {self.visibility!r}"
            )
        if not (isinstance(self.weight, int | float) and self.weight > 0):
            raise ExerciseError(f"check weight must be > 0, got {self.weight!r}")

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"

    @property
    def label(self) -> str:
        """The name shown in reports."""
        return self.name or self._default_name()

    def _default_name(self) -> str:
        return type(self).__name__.lower()

    def entries(self) -> tuple[str, ...]:
        """The entries (and constants) this check reads."""
        raise NotImplementedError

    needs_reference: bool = dataclasses.field(default=True, init=False, repr=False)

    def requests(self, rng: np.random.Generator) -> tuple[Request, ...]:
        """Return the requests to send, inputs drawn from `rng`."""
        raise NotImplementedError

    def followup(self, got: Sequence[Response]) -> tuple[Request, ...]:
        """Return requests that depend on the first answers (rare; default none)."""
        del got
        return ()

    def judge(
        self, requests: Sequence[Request], got: Sequence[Response], ref: Sequence[Response] | None
    ) -> tuple[bool, str]:
        """Return (passed, message) for the submission's responses."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True, kw_only=True)
class Values(Check):
    """Compare ``transform(entry)`` with the reference at sampled inputs.

    Every combination of a ``statics`` row (bound before tracing: numbers,
    strings, `FunctionRef`) and ``samples`` draws of ``args`` is one request.
    ``roundoff=i`` widens ``atol`` by ``1000·ε₆₄/|hᵢ|`` elementwise, with h
    the i-th argument: the float64 round-off bound of a difference quotient.
    ``part=k`` compares only item k of a tuple answer (e.g. the slope of a
    ``(slope, intercept)`` pair); ``shape_only=True`` compares structure,
    shapes and dtype classes but not values.
    """

    entry: str
    args: tuple[Sampler, ...]
    statics: tuple[tuple[Static, ...], ...] = ((),)
    transform: Transform = "call"
    curry: bool = False
    mode: Mode = "export"
    samples: int = 3
    rtol: float = 1e-6
    atol: float = 1e-9
    roundoff: int | None = None
    part: int | None = None
    shape_only: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.hidden and self.mode == "eager":
            raise ExerciseError(
                f"check on {self.entry!r}: a hidden check cannot use mode='eager' (eager "
                "inputs reach the submission's Python); use mode='export' or make it visible"
            )
        if self.samples < 1 or not self.statics:
            raise ExerciseError(f"check on {self.entry!r} needs samples >= 1 and one static row")

    def _default_name(self) -> str:
        return f"{self.entry} {_TRANSFORM_LABEL.get(self.transform, self.transform)}"

    def entries(self) -> tuple[str, ...]:
        return (self.entry,)

    def _call(self, static: tuple[Static, ...]) -> Call:
        return Call(self.entry, tuple(static), self.transform, self.curry, self.mode)

    def requests(self, rng: np.random.Generator) -> tuple[Request, ...]:
        out: list[Request] = []
        for static in self.statics:
            call = self._call(static)
            for _ in range(self.samples):
                out.append(Evaluate(call, tuple(s.draw(rng) for s in self.args)))
        return tuple(out)

    def _atol(self, request: Request) -> Any:
        if self.roundoff is None or not isinstance(request, Evaluate):
            return self.atol
        h = np.abs(request.args[self.roundoff])
        return self.atol + 1000.0 * _EPS64 / h

    def judge(
        self, requests: Sequence[Request], got: Sequence[Response], ref: Sequence[Response] | None
    ) -> tuple[bool, str]:
        assert ref is not None
        failures: list[str] = []
        for request, answer, expected in zip(requests, got, ref, strict=True):
            assert isinstance(request, Evaluate)
            if isinstance(expected, Fault):
                return False, _reference_failed(expected)
            where = self._where(request)
            if isinstance(answer, Fault):
                msg = fault_message(answer, self.entry, hidden=self.hidden)
                if answer.kind in ("missing", "not-implemented") or self.hidden:
                    return False, msg
                return False, f"{msg} ({where})"
            got_value, exp_value = answer.value, expected.value
            if self.part is not None:
                got_value = as_parts(got_value, len(exp_value))
                if not isinstance(got_value, tuple | list) or len(got_value) <= self.part:
                    return False, (
                        f"`{self.entry}` must return {len(exp_value)} values (a tuple, a list or "
                        f"an array of length {len(exp_value)}); got {describe(got_value)}"
                    )
                got_value, exp_value = got_value[self.part], exp_value[self.part]
            found = compare(
                got_value,
                exp_value,
                rtol=self.rtol,
                atol=self._atol(request),
                values=not self.shape_only,
            )
            if found is not None:
                if self.hidden:  # the public part names no shape, size or value
                    failures.append(found.public)
                else:
                    detail = f"; {found.detail}" if found.detail else ""
                    return False, f"{where}: {found.public}{detail}"
        if failures:
            return False, (
                f"wrong at {len(failures)} of {_count(len(requests), 'hidden input')}: "
                f"{failures[0]}"
            )
        kind = "hidden" if self.hidden else "sampled"
        what = "has the reference's shape" if self.shape_only else "matches the reference"
        return True, f"{what} at {_count(len(requests), kind + ' input')}"

    def _where(self, request: Evaluate) -> str:
        parts = [show(s) for s in request.call.static] + [show(a) for a in request.args]
        fn = self.entry if self.transform == "call" else f"{self.transform}({self.entry})"
        return f"{fn}({', '.join(parts)})"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Finite(Values):
    """Require finite answers (no NaN or inf) of ``transform(entry)``; no reference needed."""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "needs_reference", False)

    def _default_name(self) -> str:
        what = "gradient" if self.transform in ("grad", "jit_grad") else "value"
        return f"{self.entry} finite {what}"

    def judge(
        self, requests: Sequence[Request], got: Sequence[Response], ref: Sequence[Response] | None
    ) -> tuple[bool, str]:
        for request, answer in zip(requests, got, strict=True):
            assert isinstance(request, Evaluate)
            where = "at a hidden input" if self.hidden else f"at {self._where(request)}"
            if isinstance(answer, Fault):
                return False, fault_message(answer, self.entry, hidden=self.hidden)
            arrays = leaves(answer.value)
            if arrays is None:
                return False, f"`{self.entry}` returned something that is not an array {where}"
            if not all(np.all(np.isfinite(leaf)) for leaf in arrays):
                return False, f"`{self.entry}` gave NaN or inf {where}"
        return True, f"finite at {_count(len(requests), 'input')}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Exact(Values):
    """Require a formula, not a numerical approximation of one (a finite difference).

    Where ``entry`` matches the reference within the value checks' tolerance
    (``rtol``, ``atol``), it must match it to rounding: within ``ulps`` units
    of its own dtype's precision (`rounding_units`). A formula computed
    another way lands within a few units; a finite difference, whatever its
    step or order, hundreds to millions (docs/exercises.md). Inputs where the
    entry is wrong or fails are not judged here (the value checks say so): give
    each values check, hidden ones too, its own (``inputs_of``), or an answer
    made wrong where one is judged escapes it. A complex step, ``imag(f(x + ih)) / h``, is
    exact to rounding: the evaluator sees it instead, as complex numbers inside
    a function of real inputs and results (`Ok.complex_inside`), and it fails.
    Like a source rule, it earns its weight only when the entry passes a
    value check.
    """

    ulps: float = 64.0
    # the name of a check whose inputs this one judges (with its samplers, statics and
    # samples): the same requests, answered once, so no evaluation is added
    inputs_of: str | None = None

    rule: ClassVar[bool] = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if not (isinstance(self.ulps, int | float) and self.ulps >= 1):
            raise ExerciseError(f"check on {self.entry!r} needs ulps >= 1, got {self.ulps!r}")

    def _default_name(self) -> str:
        return f"{self.entry} is exact"

    def judge(
        self, requests: Sequence[Request], got: Sequence[Response], ref: Sequence[Response] | None
    ) -> tuple[bool, str]:
        assert ref is not None
        judged = 0
        worst: tuple[float, Evaluate] | None = None
        for request, answer, expected in zip(requests, got, ref, strict=True):
            assert isinstance(request, Evaluate)
            if isinstance(expected, Fault):
                return False, _reference_failed(expected)
            if isinstance(answer, Fault):
                continue
            got_value, exp_value = answer.value, expected.value
            if self.part is not None:
                got_value = as_parts(got_value, len(exp_value))
                if not isinstance(got_value, tuple | list) or len(got_value) <= self.part:
                    continue
                got_value, exp_value = got_value[self.part], exp_value[self.part]
            if compare(got_value, exp_value, rtol=self.rtol, atol=self._atol(request)):
                continue  # wrong here: the value checks say so
            if answer.complex_inside:
                return False, (
                    f"`{self.entry}` computes with complex numbers, though its inputs and "
                    "result are real: that is a complex-step derivative, a numerical method "
                    "exact to rounding; compute it from a formula, in real numbers"
                )
            judged += 1
            units = rounding_units(got_value, exp_value)
            if units > self.ulps and (worst is None or units > worst[0]):
                worst = (units, request)
        kind = "hidden" if self.hidden else "sampled"
        if worst is not None:
            units, request = worst
            where = "at a hidden input" if self.hidden else f"at {self._where(request)}"
            return False, (
                f"`{self.entry}` is close to the reference but not exact: {units:.3g} units of "
                f"rounding off {where} (a formula is within {self.ulps:g}); that is what a "
                "numerical approximation such as a finite difference gives: compute it from "
                "a formula"
            )
        if not judged:
            return True, (
                f"not judged: `{self.entry}` does not match the reference at these inputs "
                "(the value checks say where)"
            )
        return True, (
            f"exact to rounding (within {self.ulps:g} units) at {_count(judged, kind + ' input')}"
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostAtMost(Values):
    """Require XLA's flop estimate ≤ ``factor`` × the reference's, on the same inputs."""

    factor: float = 4.0
    samples: int = 1

    def _default_name(self) -> str:
        return f"cost ≤ {self.factor:g}× reference"

    def requests(self, rng: np.random.Generator) -> tuple[Request, ...]:
        # each cost comes with the values at the same input: a submission that answers
        # cheaply (and wrongly) at the measured size must not pass; the sandbox answers
        # both from the one artifact it measures
        out: list[Request] = []
        for r in super().requests(rng):
            out += [Cost(r.call, r.args), r]  # type: ignore[union-attr]
        return tuple(out)

    def judge(
        self, requests: Sequence[Request], got: Sequence[Response], ref: Sequence[Response] | None
    ) -> tuple[bool, str]:
        assert ref is not None
        worst = 0.0
        values = list(zip(requests[1::2], got[1::2], ref[1::2], strict=True))
        for request, answer, expected in values:
            assert isinstance(request, Evaluate)
            if isinstance(expected, Fault):
                return False, f"the reference failed (a bug in the exercise): {expected.message}"
            if isinstance(answer, Fault):
                return False, fault_message(answer, self.entry, hidden=self.hidden)
            found = compare(answer.value, expected.value, rtol=self.rtol, atol=self._atol(request))
            if found is not None:
                shape = "×".join(str(d) for d in request.args[0].shape) or "scalar"
                return False, (
                    f"`{self.entry}` is wrong on the {shape} input whose cost is measured "
                    f"({found.public}): a cost counts only for right answers"
                )
        for request, answer, expected in zip(requests[::2], got[::2], ref[::2], strict=True):
            assert isinstance(request, Cost)
            if isinstance(expected, Fault) or not isinstance(expected.value, int | float):
                return (
                    False,
                    f"the reference's cost is unknown (a bug in the exercise): {expected!r}",
                )
            if isinstance(answer, Fault):
                return False, fault_message(answer, self.entry, hidden=self.hidden)
            flops = answer.value
            if (
                isinstance(flops, bool)
                or not isinstance(flops, int | float)
                or not np.isfinite(flops)
                or flops < 0
            ):
                return False, f"cost of `{self.entry}` is unknown (got {flops!r})"
            ratio = float(flops) / max(float(expected.value), 1.0)
            worst = max(worst, ratio)
            if ratio > self.factor:
                shape = "×".join(str(d) for d in request.args[0].shape) or "scalar"
                return False, (
                    f"`{self.entry}` costs {ratio:.1f}× the reference's flops on a {shape} input "
                    f"(limit {self.factor:g}×)"
                )
        return True, f"costs at most {worst:.2f}× the reference's flops"
