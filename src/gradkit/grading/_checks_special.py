"""Checks that read the source or depend on a submitted constant."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from .._errors import ExerciseError
from .._sandboxed import Call, Constant, Evaluate, Fault, Ok, Request, Response, Source, place
from ._checks import Check, fault_message
from ._compare import leaves, show
from ._samplers import Sampler
from ._source import Usage, usage


@dataclasses.dataclass(frozen=True, kw_only=True)
class _SourceRule(Check):
    """A rule on the names `entry` uses, read from the source (`_source`)."""

    entry: str
    names: frozenset[str]

    static: ClassVar[bool] = True
    rule: ClassVar[bool] = True

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "names", frozenset(self.names))
        object.__setattr__(self, "needs_reference", False)

    def entries(self) -> tuple[str, ...]:
        return (self.entry,)

    def requests(self, rng: np.random.Generator) -> tuple[Request, ...]:
        return (Source(),)

    def judge(
        self, requests: Sequence[Request], got: Sequence[Response], ref: Sequence[Response] | None
    ) -> tuple[bool, str]:
        found = _read_usage(self.entry, got)
        return found if isinstance(found, tuple) else self._judge_usage(found)

    def _judge_usage(self, found: Usage) -> tuple[bool, str]:
        raise NotImplementedError


# the transforms all of JAX's automatic differentiation is made of: a rule naming the
# three rules it out whole
AUTODIFF_CORE = frozenset({"grad", "jvp", "vjp"})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Avoids(_SourceRule):
    """Require that `entry`, and everything it reaches in the submission, avoids `names`.

    A name is what it resolves to (see `_source`): ``jax.grad``, ``gk.grad``
    and ``from jax import grad as g`` are ``grad``; a function the student
    wrote and named ``grad`` is not. Dynamic lookups (`eval`, `exec`,
    `getattr` with a computed name, `__import__`, ...) fail the check too,
    since they could spell a forbidden name at run time.

    A rule that names ``grad``, ``jvp`` and ``vjp`` rules out JAX's automatic
    differentiation itself (every transform of it is built on these), so it
    also reads what the entry ran: where the evaluator found JAX's
    differentiation steps in the compiled program of one of the entry's value
    checks (`Ok.autodiff_inside`), the rule is broken, however the source hid
    them (`judge_runs`).
    """

    @property
    def rules_out_autodiff(self) -> bool:
        """Whether this rule forbids JAX's autodiff as a whole (``grad``, ``jvp`` and ``vjp``)."""
        return AUTODIFF_CORE <= self.names

    def _default_name(self) -> str:
        return f"{self.entry} does not use " + ", ".join(f"`{n}`" for n in sorted(self.names))

    def judge_runs(self, where: str | None) -> tuple[bool, str] | None:
        """The verdict when the entry was computed with autodiff ``where`` (None: it was not)."""
        if where is None or not self.rules_out_autodiff:
            return None
        return False, (
            f"`{self.entry}` computes with automatic differentiation as it runs: JAX's "
            f"differentiation steps (jvp, transpose) are in its compiled program {where}, "
            "which this exercise rules out; compute it from a formula"
        )

    def _judge_usage(self, found: Usage) -> tuple[bool, str]:
        # why code far from the entry counts: say so, or the student hunts in vain
        why = (
            f" (it is read as reaching all of the submission's code, since "
            f"{found.everything} could change any name)"
            if found.everything
            else ""
        )
        used = found.names & self.names
        if used:
            where = _where(found, used)
            return False, f"`{self.entry}` uses {where}, which this exercise rules out{why}"
        if found.dynamic:
            where = _where(found, found.dynamic)
            return False, (
                f"`{self.entry}` uses {where}: dynamic code could hide a name this exercise "
                f"rules out; call functions directly{why}"
            )
        return True, f"`{self.entry}` avoids " + ", ".join(sorted(self.names))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Uses(_SourceRule):
    """Require that `entry`, or what it reaches in the submission, uses one of `names`.

    Names resolve as for `Avoids`: ``gk.derivative`` and ``eqx.filter_grad``
    use ``grad``, ``jax.vmap(jax.grad(jnp.sin))`` uses ``grad``; a function
    the student wrote and named ``grad`` does not. It answers "by automatic
    differentiation" in a prompt: a formula, a finite difference or a complex
    step in its place uses none of the transforms.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.names:
            raise ExerciseError(f"check uses on {self.entry!r} needs at least one name")

    def _default_name(self) -> str:
        return f"{self.entry} uses " + " or ".join(f"`{n}`" for n in sorted(self.names))

    def _judge_usage(self, found: Usage) -> tuple[bool, str]:
        used = found.names & self.names
        if used:
            return True, f"`{self.entry}` uses {_where(found, used)}"
        return False, (
            f"`{self.entry}` uses none of "
            + ", ".join(f"`{n}`" for n in sorted(self.names))
            + ", which this exercise asks for: a formula or a numerical approximation in "
            "their place does not count"
        )


def _where(found: Usage, names: Iterable[str]) -> str:
    """``"`grad` (line 4), `jvp` (line 9)"``: each name, sorted, with where it is used."""
    return ", ".join(f"`{n}` ({found.lines[n]})" for n in sorted(names))


def _read_usage(entry: str, got: Sequence[Response]) -> Usage | tuple[bool, str]:
    """What `entry` uses in the submitted source, or a failed verdict saying why not."""
    (answer,) = got
    if isinstance(answer, Fault):
        return False, f"the source could not be read ({answer.kind}): {answer.message}"
    text = answer.value
    if not (
        isinstance(text, str)
        or (isinstance(text, dict) and all(isinstance(v, str) for v in text.values()))
    ):
        return False, "the source is not text"
    try:
        found = usage(text, entry)
    except SyntaxError as error:
        where = place(text if isinstance(text, str) else "", error.lineno or 0)
        return False, f"the source does not parse: {error.msg} ({where})"
    if found.found and found.stub:
        return False, f"`{entry}` is not implemented yet (it raises NotImplementedError)"
    if found.found:
        return found
    if found.dynamic:
        where = _where(found, found.dynamic)
        return False, (
            f"`{entry}` is not defined in the source, which uses {where}: dynamic code "
            "could hide a name this exercise rules out; define it with `def` or `=`"
        )
    return False, f"`{entry}` is not defined in the source"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Stationary(Check):
    """Require ``f′(point) = 0`` for the submitted constant `point`, with f not constant.

    The derivative is the submission's own ``grad(f)``, evaluated first at
    sampled inputs (some must be non-zero: f is not constant) and then, in a
    follow-up request, at the submitted point.
    """

    function: str
    point: str
    args: Sampler
    samples: int = 5
    atol: float = 1e-8

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "needs_reference", False)

    def _default_name(self) -> str:
        return f"{self.function}′({self.point}) = 0"

    def entries(self) -> tuple[str, ...]:
        return (self.function, self.point)

    def requests(self, rng: np.random.Generator) -> tuple[Request, ...]:
        call = Call(self.function, transform="grad")
        draws = tuple(Evaluate(call, (self.args.draw(rng),)) for _ in range(self.samples))
        return (Constant(self.point), *draws)

    def followup(self, got: Sequence[Response]) -> tuple[Request, ...]:
        point = got[0]
        if isinstance(point, Ok) and _is_number(point.value):
            call = Call(self.function, transform="grad")
            return (Evaluate(call, (np.asarray(float(point.value)),)),)
        return ()

    def judge(
        self, requests: Sequence[Request], got: Sequence[Response], ref: Sequence[Response] | None
    ) -> tuple[bool, str]:
        point = got[0]
        if isinstance(point, Fault):
            return False, fault_message(point, self.point, hidden=False)
        if not _is_number(point.value):
            return False, f"`{self.point}` must be a float, got {_brief_value(point.value)}"
        slopes = got[1 : 1 + self.samples]
        for answer in slopes:
            if isinstance(answer, Fault):
                return False, fault_message(answer, self.function, hidden=False)
        values = [leaves(a.value) for a in slopes]  # type: ignore[union-attr]
        if not any(v and np.any(np.abs(v[0]) > self.atol) for v in values):
            return (
                False,
                f"`{self.function}` has zero slope everywhere sampled: it must not be constant",
            )
        at = got[1 + self.samples] if len(got) > 1 + self.samples else None
        if at is None or isinstance(at, Fault):
            reason = fault_message(at, self.function, hidden=False) if at else "no answer"
            return False, f"cannot differentiate `{self.function}` at {point.value!r}: {reason}"
        slope = leaves(at.value)
        if not slope or slope[0].shape != () or not abs(float(slope[0])) <= self.atol:
            return (
                False,
                f"{self.function}′({point.value!r}) = {show(slope[0]) if slope else '?'}, not 0",
            )
        return True, f"{self.function}′({point.value!r}) = 0 and `{self.function}` is not constant"


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool; an int too large for a float is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # 10**400
        return False


def _brief_value(value: Any) -> str:
    """A submitted constant, shown briefly (it may be a 5 MB string or a huge int)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"an integer of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + f"... ({len(text):,} characters)"
