"""What the grader asks of a submission, and what comes back.

A check never touches a submission directly. It states *requests* (evaluate
this entry under this transformation at these inputs; measure its cost; read
this constant; read the source) and later *judges* the responses. A
`Candidate` answers requests: in-process for trusted reference solutions, or
through the sandboxed worker and evaluator for untrusted submissions. Because
requests are plain data, the grader can batch, de-duplicate and cache them
(the same request for the reference is answered once per run), and nothing a
submission returns is more than JSON values and arrays.

Everything here is plain data: it crosses process boundaries as JSON plus raw
array bytes, never pickle.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal, Protocol

import numpy as np

Transform = Literal[
    "call",  # g(*args), eager Python (mode="eager") or traced and exported (mode="export")
    "jit",  # jax.jit(g)(*args)
    "grad",  # jax.grad(g)(*args): gradient with respect to the first argument
    "jit_grad",  # jax.jit(jax.grad(g))(*args): reverse mode under jit
    "vmap",  # jax.vmap(g)(*args): mapped over axis 0 of every array argument
    "jacfwd",  # jax.jacfwd(g)(*args)
    "jacrev",  # jax.jacrev(g)(*args)
]
TRANSFORMS: tuple[str, ...] = ("call", "jit", "grad", "jit_grad", "vmap", "jacfwd", "jacrev")

Mode = Literal["export", "eager"]


@dataclasses.dataclass(frozen=True)
class FunctionRef:
    """A function from the public registry `gradkit.functions`, by name.

    Higher-order entries (``tangent_line(f, x0)``) receive these: the worker
    resolves the name in its own registry, so no code travels to a submission.
    """

    name: str


def resolve_function(name: str) -> Any:
    """Return the callable a `FunctionRef` names, on the answering side.

    Looks in the grader's probe functions first (``"probe.wide"``,
    ``"probe.tall"``, ...: shapes the built-in registry lacks, shipped with
    gradkit itself so the sandboxed worker has them), then in
    `gradkit.functions`. A trailing prime (``"sin'"``) names the derivative:
    the spec's analytic one when it has it, else autodiff applied elementwise.
    Raises `UnknownNameError` for an unknown name.
    """
    from ._probes import derivative, lookup

    if name.endswith("'"):
        return derivative(name[:-1])
    return lookup(name)


Static = FunctionRef | float | int | bool | str


@dataclasses.dataclass(frozen=True)
class Call:
    """How to call an entry the submission defines.

    With ``curry=False`` the callable is ``g = partial(entry, *static)``; with
    ``curry=True`` it is ``g = entry(*static)`` (an entry that returns a
    function, like ``sum_rule(df, dg)``). The array arguments then go to
    ``transform(g)``. ``static`` values are bound before tracing and never
    traced.
    """

    entry: str
    static: tuple[Static, ...] = ()
    transform: Transform = "call"
    curry: bool = False
    mode: Mode = "export"
    x64: bool = True


@dataclasses.dataclass(frozen=True)
class Evaluate:
    """Evaluate ``call`` at ``args``; the response value is a pytree of arrays."""

    call: Call
    args: tuple[np.ndarray, ...]


@dataclasses.dataclass(frozen=True)
class Cost:
    """XLA's estimated flops of ``jit(transform(g))`` compiled for ``args``."""

    call: Call
    args: tuple[np.ndarray, ...]


@dataclasses.dataclass(frozen=True)
class Constant:
    """The module-level value ``name`` (JSON data only: str, number, bool, None, lists)."""

    name: str


@dataclasses.dataclass(frozen=True)
class Source:
    """The submission's source text (read by the parent; never executed)."""


Request = Evaluate | Cost | Constant | Source

FaultKind = Literal[
    "missing",  # the submission does not define the entry or constant
    "not-implemented",  # the entry raised NotImplementedError (a stub)
    "error",  # the entry raised, or could not be traced/exported
    "invalid",  # the response is not data of the expected kind (e.g. not an array)
    "timeout",  # a deadline passed
    "crash",  # the worker died (segfault, memory, exit)
    "forbidden",  # the artifact used something outside the allow-list
]


@dataclasses.dataclass(frozen=True)
class Ok:
    """A successful response: arrays (nested in tuples/lists), a float, or JSON data.

    ``complex_inside``: the evaluator computed it with complex numbers, from
    real inputs to real results (a complex step; see `Exact`).
    ``autodiff_inside``: it was computed with JAX's automatic differentiation,
    as the evaluator reads the artifact (see `Avoids`). An artifact's answer
    (one result per run) says which runs were in ``runs_differentiated``.
    """

    value: Any
    complex_inside: bool = False
    autodiff_inside: bool = False
    runs_differentiated: frozenset[int] = frozenset()


@dataclasses.dataclass(frozen=True)
class Fault:
    """A failed response. ``message`` is safe to show for visible checks; it
    never contains the inputs (the candidate does not echo them)."""

    kind: FaultKind
    message: str


Response = Ok | Fault


class Candidate(Protocol):
    """Something that answers requests: a reference solution or a submission."""

    def run(self, requests: Sequence[Request]) -> list[Response]:
        """Answer each request, in order. Never raises for a submission's fault."""
        ...
