"""The sandboxed process that runs submissions' artifacts on the grader's inputs.

Run as ``python -I -m gradkit._sandboxed._evaluator FD MEMORY_MB CPU_SECONDS``.
It never imports or runs student Python: it receives serialized StableHLO
(``jax.export``) from the grader, checks it (`check_artifact`: CPU only, one
device, no effects or tokens, and every operation, read with the MLIR parser,
in the allow-list `ALLOWED_OPS`, custom calls only to `ALLOWED_CUSTOM_CALLS`
and LAPACK), compiles it, runs it on
the (possibly hidden) inputs and measures its cost with XLA's cost analysis.

One evaluator lives per grading job slot and serves many submissions, so it
keeps compiled executables by artifact hash and input shapes, one per
artifact: students who write the same code share one compile, and a
submission that differs from one seen before in one entry compiles only its
part (the grader has the worker cut each export into a few artifacts).
Results go back as plain arrays and numbers. A malformed artifact can crash
this process only; the grader then starts a fresh one.
"""

from __future__ import annotations

import re
import socket
import sys
import traceback
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, NamedTuple

from ._channel import decode, encode, exit_when_closed, recv, send
from ._limits import apply_limits

MESSAGE_LIMIT = 256 << 20
CACHE_SIZE = 512
# custom calls JAX itself emits on CPU for honest code: shape checks of symbolic
# exports, sharding annotations and LAPACK kernels (jnp.linalg)
ALLOWED_CUSTOM_CALLS = frozenset(
    {"shape_assertion", "Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape"}
)
ALLOWED_PREFIXES = ("lapack_",)
# The operations an artifact may hold: pure, single-device StableHLO and the
# structure around it. Anything else is refused, whatever JAX prints: host
# transfers (infeed, outfeed, send, recv), tokens (after_all, create_token),
# collectives and device ids (all_reduce, partition_id, ...), stateful random
# numbers (rng) and any dialect not listed.
ALLOWED_OPS = frozenset(
    {"builtin.module", "func.func", "func.call", "func.return", "sdy.mesh"}
    | {
        f"stablehlo.{name}"
        for name in (
            "abs add and atan2 batch_norm_grad batch_norm_inference batch_norm_training "
            "bitcast_convert broadcast broadcast_in_dim case cbrt ceil cholesky clamp compare "
            "complex composite concatenate constant convert convolution cosine "
            "count_leading_zeros custom_call divide dot dot_general dynamic_broadcast_in_dim "
            "dynamic_conv dynamic_gather dynamic_iota dynamic_pad dynamic_reshape dynamic_slice "
            "dynamic_update_slice einsum exponential exponential_minus_one fft floor gather "
            "get_dimension_size get_tuple_element if imag iota is_finite log log_plus_one "
            "logistic map maximum minimum multiply negate not optimization_barrier or pad popcnt "
            "power real real_dynamic_slice reduce reduce_precision reduce_window remainder "
            "reshape return reverse rng_bit_generator round_nearest_afz round_nearest_even "
            "rsqrt scatter select select_and_scatter shift_left shift_right_arithmetic "
            "shift_right_logical sign sine slice sort sqrt subtract tan tanh transpose "
            "triangular_solve tuple unary_einsum while xor"
        ).split()
    }
)


class Rejected(Exception):
    """The artifact uses something outside the allow-list."""


class Findings(NamedTuple):
    """What `check_artifact` read in an artifact that it allows."""

    # it computes with complex numbers though its inputs and results are all real: how
    # a complex-step derivative, ``imag(f(x + ih)) / h``, looks, whatever its source
    # calls it (`Exact` refuses it)
    complex_inside: bool
    # the runs (the artifact returns a list of results, one per run) computed with
    # JAX's automatic differentiation: their operations carry its steps (`jvp`,
    # `transpose`) in the names JAX gives them (`Avoids` refuses it where it rules
    # autodiff out, whatever the source looks like)
    differentiated: frozenset[int]


def check_artifact(exported: Any) -> Findings:
    """Raise `Rejected` unless the artifact is a plain, effect-free CPU computation.

    The module is read with the MLIR parser JAX ships (never by matching
    printed text) and every operation in it, nested ones included, must be in
    `ALLOWED_OPS`; a custom call must target `ALLOWED_CUSTOM_CALLS` (or a
    LAPACK kernel) and have no side effect; no value may be a token.

    Return what else it read (`Findings`): complex numbers inside a real
    function, and which runs JAX differentiated (`differentiated_results`).
    """
    if tuple(exported.platforms) != ("cpu",):
        raise Rejected(f"the artifact targets {tuple(exported.platforms)!r}, not ('cpu',)")
    if exported.nr_devices != 1:
        raise Rejected(f"the artifact wants {exported.nr_devices} devices")
    if exported.ordered_effects or exported.unordered_effects:
        raise Rejected("the artifact has side effects (a host callback, print or debug?)")
    from jax._src.interpreters import mlir

    # JAX has no public API for the module's operations: read them as jax.export does
    from jax._src.lib import _jax  # pyright: ignore[reportPrivateImportUsage]
    from jax._src.lib.mlir import ir  # pyright: ignore[reportPrivateImportUsage]

    problems: list[str] = []
    complex_values: list[str] = []

    def visit(op: Any) -> Any:
        problem = _op_problem(op, ir)
        if problem is not None:
            problems.append(problem)
            return ir.WalkResult.INTERRUPT
        if not complex_values:
            complex_values.extend(op.name for value in op.results if "complex<" in str(value.type))
        return ir.WalkResult.ADVANCE

    with mlir.make_ir_context():
        module = _jax.mlir.deserialize_portable_artifact(exported.mlir_module_serialized)
        for key in ("mhlo.num_partitions", "mhlo.num_replicas"):
            attrs = module.operation.attributes
            if key in attrs and ir.IntegerAttr(attrs[key]).value != 1:
                raise Rejected(f"the artifact wants several devices ({key} is not 1)")
        module.operation.walk(visit)
        if problems:
            raise Rejected(problems[0])
        differentiated = differentiated_results(module, ir)
    if exported.has_vjp():  # the evaluator differentiates through it: check it too
        try:
            check_artifact(exported.vjp())
        except Rejected as error:
            raise Rejected(f"its derivative: {error}") from None
    import numpy as np

    real = all(
        not np.issubdtype(aval.dtype, np.complexfloating)
        for aval in (*exported.in_avals, *exported.out_avals)
    )
    return Findings(real and bool(complex_values), _runs(exported, differentiated))


# JAX names each operation by the transforms it was traced under, in its location's
# name: `jit(f)/vmap(jvp(g))/sin`, `transpose(jvp(g))/mul`. A function the student named
# `jvp` shows as `jit(jvp)` (or in the location's call sites), never followed by `(`.
_AUTODIFF_STEP = re.compile(r"(?:^|[/(])(?:jvp|transpose)\(")


def _differentiates(op: Any) -> bool:
    try:
        name = op.location.name_str  # only a named location has one
    except AttributeError:
        return False
    return _AUTODIFF_STEP.search(name) is not None


def differentiated_results(module: Any, ir: Any) -> frozenset[int]:
    """The results of ``main`` computed by an operation JAX traced under autodiff.

    One pass over ``main`` in program order: an operation is marked when its
    name says so, when an operation nested in it (a loop's body, a branch) or
    a function it calls is, or when it reads a marked value. So an artifact
    that combines a formula with a ``jax.grad`` marks only the ``jax.grad``'s
    results.
    """
    functions = {
        ir.StringAttr(op.operation.attributes["sym_name"]).value: op.operation
        for op in module.body.operations
        if op.operation.name == "func.func"
    }
    calls: dict[str, bool] = {}

    def callee(name: str) -> bool:
        if name not in calls:
            calls[name] = False  # a recursive call adds nothing
            function = functions.get(name)
            calls[name] = function is not None and marked(function, set())
        return calls[name]

    def marked(op: Any, values: set[Any]) -> bool:
        """Whether ``op``, or anything nested in it, differentiates or reads ``values``."""
        found = False

        def visit(nested: Any) -> Any:
            nonlocal found
            if (
                _differentiates(nested)
                or any(operand in values for operand in nested.operands)
                or (
                    nested.name == "func.call"
                    and callee(ir.FlatSymbolRefAttr(nested.attributes["callee"]).value)
                )
            ):
                found = True
                return ir.WalkResult.INTERRUPT
            return ir.WalkResult.ADVANCE

        op.walk(visit)
        return found

    main = functions.get("main")
    if main is None:
        return frozenset()
    (block,) = main.regions[0].blocks
    derived: set[Any] = set()
    operations = list(block.operations)
    for op in operations[:-1]:
        if marked(op.operation, derived):
            derived.update(op.operation.results)
    returned = operations[-1].operation
    return frozenset(k for k, value in enumerate(returned.operands) if value in derived)


def differentiated(exported: Any) -> frozenset[int]:
    """The runs of an artifact computed with JAX's autodiff (`differentiated_results`).

    `check_artifact` finds the same while it reads the module for the
    evaluator; the grader's in-process candidate, which allows any artifact,
    asks this.
    """
    from jax._src.interpreters import mlir
    from jax._src.lib import _jax  # pyright: ignore[reportPrivateImportUsage]
    from jax._src.lib.mlir import ir  # pyright: ignore[reportPrivateImportUsage]

    with mlir.make_ir_context():
        module = _jax.mlir.deserialize_portable_artifact(exported.mlir_module_serialized)
        return _runs(exported, differentiated_results(module, ir))


def _runs(exported: Any, results: frozenset[int]) -> frozenset[int]:
    """The runs whose results include one of ``results`` (flat indices)."""
    import jax

    if not results:
        return frozenset()
    runs = jax.tree_util.treedef_children(exported.out_tree)
    if exported.out_tree.num_nodes == 1 or not runs:
        return frozenset({0})
    out, start = set(), 0
    for k, run in enumerate(runs):
        if any(start <= r < start + run.num_leaves for r in results):
            out.add(k)
        start += run.num_leaves
    return frozenset(out)


def _op_problem(op: Any, ir: Any) -> str | None:
    """Why one operation is not allowed, or None."""
    name = op.name
    if name not in ALLOWED_OPS:
        return f"the artifact uses the operation {name!r}, which is not allowed"
    for value in (*op.operands, *op.results):
        if "token" in str(value.type):
            return f"the artifact passes a token ({name!r}): side effects are not allowed"
    if name == "func.func":
        for block in op.regions[0].blocks if op.regions else ():
            for argument in block.arguments:
                if "token" in str(argument.type):
                    return "the artifact takes a token: side effects are not allowed"
    if name == "stablehlo.custom_call":
        attrs = op.attributes
        target = ir.StringAttr(attrs["call_target_name"]).value
        if target not in ALLOWED_CUSTOM_CALLS and not target.startswith(ALLOWED_PREFIXES):
            kind = "a host callback" if "callback" in target else "a custom call"
            return f"the artifact uses {kind} ({target!r}), which is not allowed"
        if "has_side_effect" in attrs and ir.BoolAttr(attrs["has_side_effect"]).value:
            return f"the artifact's custom call {target!r} has side effects, which is not allowed"
    return None


# an HLO while instruction: `%while.3 = (s32[], f64[8]{0}) while(%tuple.1), condition=...`
_WHILE = re.compile(r"\swhile\(")
LOOP_COST = (
    "its cost cannot be measured: it runs a loop (lax.while_loop, fori_loop, scan or map), "
    "and XLA counts a loop's body once, whatever the number of iterations; "
    "write it without a loop (vmap, or JAX's transforms, batch the work)"
)


class Unmeasurable(Exception):
    """XLA's flop estimate would undercount this computation."""


def check_measurable(compiled: Any) -> None:
    """Raise `Unmeasurable` when a compiled computation runs a loop (see `_flops`)."""
    try:
        text = compiled.as_text()
    except Exception:  # noqa: BLE001 - no text: nothing to check against
        text = ""
    if text and _WHILE.search(text):
        raise Unmeasurable(LOOP_COST)


def _flops(compiled: Any) -> float:
    """XLA's flop estimate; raise `Unmeasurable` for a computation with a loop.

    XLA's cost analysis counts a while loop's body once, so a loop over the n
    rows of a Hessian would cost as little as one of them.
    """
    check_measurable(compiled)
    analysis = compiled.cost_analysis()
    if isinstance(analysis, list | tuple):  # older jax: one dict per computation
        analysis = analysis[0] if analysis else {}
    return float((analysis or {}).get("flops", 0.0))


class Evaluator:
    """Check, compile (once per hash and shapes) and run artifacts."""

    def __init__(self) -> None:
        self.artifacts: OrderedDict[str, Any] = OrderedDict()
        self.compiled: OrderedDict[tuple, Any] = OrderedDict()
        self.findings: dict[str, Findings] = {}  # what `check_artifact` read, by key

    def _artifact(self, key: str, data: bytes) -> Any:
        if key in self.artifacts:
            self.artifacts.move_to_end(key)
            return self.artifacts[key]
        from jax import export

        try:
            exported = export.deserialize(bytearray(data))
            self.findings[key] = check_artifact(exported)
            entry: Any = exported
        except Rejected as error:
            entry = error
        except Exception as error:  # noqa: BLE001 - any malformed artifact
            entry = Rejected(f"the artifact could not be read ({type(error).__name__})")
        self.artifacts[key] = entry
        if len(self.artifacts) > CACHE_SIZE:
            old, _ = self.artifacts.popitem(last=False)
            self.findings.pop(old, None)
        return entry

    def bundle(self, header: dict[str, Any], buffers: list[bytes]) -> tuple[dict, list]:
        """Answer a bundle: artifacts, each with its flat list of arguments.

        Every artifact returns a list of results (one per run). Each is
        compiled on its own and cached by its hash and argument shapes, so
        one bad artifact spoils nothing else and an artifact seen before
        costs no compile, whatever it came with. A ``cost`` item returns
        ``(flops, results)`` of its artifact instead. A result says
        ``"complex": true`` and ``"differentiated": [runs]`` for what
        `check_artifact` found (the latter only where nothing is derived here).
        """
        out: list[bytes] = []
        results: list[dict[str, Any]] = []
        for item in header["items"]:
            exported = self._artifact(item["key"], buffers[item["artifact"]])
            if isinstance(exported, Rejected):
                results.append({"ok": False, "kind": "forbidden", "message": str(exported)})
                continue
            try:
                args = self._cast(exported, decode(item["args"], buffers))
                if item.get("cost"):
                    value = self._cost(item["key"], exported, args)
                else:
                    value = self._run(*_function(item, exported), args)
            except Unmeasurable as error:
                results.append({"ok": False, "kind": "invalid", "message": str(error)})
                continue
            except Exception as error:  # noqa: BLE001 - a submission's function failed
                results.append({"ok": False, "kind": "error", "message": _brief(error)})
                continue
            result = self._ok(value, out)
            findings = self.findings[item["key"]]
            if findings.complex_inside and result["ok"]:
                result["complex"] = True
            if findings.differentiated and result["ok"] and item.get("derive") is None:
                result["differentiated"] = sorted(findings.differentiated)
            results.append(result)
        return {"ok": True, "results": results}, out

    @staticmethod
    def _ok(value: Any, out: list[bytes]) -> dict[str, Any]:
        try:
            return {"ok": True, "value": encode(value, out)}
        except TypeError as error:  # e.g. a bfloat16 result: say so, do not crash
            if not isinstance(value, list):
                return {"ok": False, "kind": "invalid", "message": _unplain(error)}
        # one result per run: only the runs that cannot be sent are marked
        runs = []
        for item in value:
            try:
                runs.append(encode(item, out))
            except TypeError as error:
                runs.append(encode({"invalid": _unplain(error)}, out))
        return {"ok": True, "value": runs}

    @staticmethod
    def _cast(exported: Any, args: list[Any]) -> list[Any]:
        import numpy as np

        if len(args) != len(exported.in_avals):
            raise TypeError(f"expects {len(exported.in_avals)} arguments, got {len(args)}")
        return [
            np.asarray(a, dtype=aval.dtype) for a, aval in zip(args, exported.in_avals, strict=True)
        ]

    def _compiled(self, key: str, function: Any, args: list[Any]) -> Any:
        """``function`` compiled for ``args``' shapes, kept by ``key`` and those shapes."""
        import jax

        signature = (key, tuple((a.shape, a.dtype.str) for a in args))
        compiled = self.compiled.get(signature)
        if compiled is None:
            compiled = jax.jit(function).lower(*args).compile()
            self.compiled[signature] = compiled
            if len(self.compiled) > CACHE_SIZE:
                self.compiled.popitem(last=False)
        else:
            self.compiled.move_to_end(signature)
        return compiled

    def _cost(self, key: str, exported: Any, args: list[Any]) -> tuple[float, Any]:
        """The flops of an artifact and its results: the values checked are what was costed."""
        compiled = self._compiled(key, exported.call, args)
        return _flops(compiled), _values(compiled, args)

    def _run(self, key: str, function: Any, args: list[Any]) -> Any:
        return _values(self._compiled(key, function, args), args)


def _values(compiled: Any, args: list[Any]) -> Any:
    """Run ``compiled`` on ``args``; its results as numpy arrays."""
    import jax
    import numpy as np

    return jax.tree.map(lambda leaf: np.asarray(leaf), compiled(*args))


DERIVED = ("grad", "jit_grad", "jacrev")


def _function(item: dict[str, Any], exported: Any) -> tuple[str, Any]:
    """The function an item runs and its cache key: the artifact, or derivatives of it.

    With ``derive = [[transform, arguments], ...]`` (one pair per run) the
    transforms are applied HERE, to the submission's exported function and
    its serialized VJP, so nothing in the worker (which the submission
    controls) applies them.
    """
    derive = item.get("derive")
    if derive is None:
        return item["key"], exported.call
    runs = [(t, n) for t, n in derive]
    if not all(t in DERIVED and isinstance(n, int) and n > 0 for t, n in runs):
        raise ValueError(f"unknown derivatives {derive!r}")
    return f"{item['key']}/{runs}", derivative(exported.call, runs)


def derivative(call: Any, runs: Sequence[tuple[str, int]]) -> Any:
    """Run k's ``grad`` or ``jacrev``: of its result with respect to its first argument.

    ``call`` takes every run's arguments, flattened, and returns the list of
    run results; ``runs`` holds each run's transform and argument count.
    Reverse mode through ONE ``jax.vjp`` of all runs' first arguments: the
    gradients come from one pullback (the runs are independent), a Jacobian's
    rows from a ``lax.map`` of the pullback (an exported function has no
    batching rule).
    """
    import jax
    import jax.numpy as jnp
    import numpy as np

    starts = np.cumsum([0] + [n for _, n in runs[:-1]]).tolist()

    def derived(*flat: Any) -> list[Any]:
        firsts = [flat[start] for start in starts]
        for (transform, _), x in zip(runs, firsts, strict=True):
            if not jnp.issubdtype(x.dtype, jnp.inexact):
                raise TypeError(
                    f"{transform} requires real- or complex-valued inputs, but got {x.dtype}"
                )

        def f(*xs: Any) -> list[Any]:
            args = list(flat)
            for start, x in zip(starts, xs, strict=True):
                args[start] = x
            return list(call(*args))

        ys, pullback = jax.vjp(f, *firsts)
        zeros = [_zero_cotangent(y) for y in ys]
        ones = list(zeros)
        for k, (transform, _) in enumerate(runs):
            if transform != "jacrev":
                if jnp.shape(ys[k]) != ():
                    raise TypeError(
                        "Gradient only defined for scalar-output functions. "
                        f"Output had shape: {jnp.shape(ys[k])}."
                    )
                ones[k] = jnp.ones_like(ys[k])
        grads = pullback(ones) if any(t != "jacrev" for t, _ in runs) else None
        out = []
        for k, (transform, _) in enumerate(runs):
            if transform != "jacrev":
                out.append(grads[k])  # type: ignore[index]
                continue

            def pull(cotangent: Any, k: int = k) -> Any:
                return pullback([cotangent if j == k else z for j, z in enumerate(zeros)])[k]

            out.append(_jacobian(pull, ys[k], firsts[k]))
        return out

    return derived


def _zero_cotangent(y: Any) -> Any:
    import jax
    import jax.numpy as jnp
    import numpy as np

    def zero(leaf: Any) -> Any:
        if jnp.issubdtype(jnp.result_type(leaf), jnp.inexact):
            return jnp.zeros_like(leaf)
        return np.zeros(jnp.shape(leaf), dtype=jax.dtypes.float0)

    return jax.tree.map(zero, y)


def _jacobian(pullback: Any, y: Any, x: Any) -> Any:
    """The reverse-mode Jacobian of ``y`` (a pytree) with respect to ``x``, row by row.

    ``pullback`` maps a cotangent of ``y`` to the one of ``x``.
    """
    import jax
    import jax.numpy as jnp

    leaves, tree = jax.tree.flatten(y)
    jacobians = []
    for j, leaf in enumerate(leaves):

        def row(b: Any, j: int = j) -> Any:
            cotangent = [jnp.zeros_like(other) for other in leaves]
            cotangent[j] = b.reshape(jnp.shape(leaves[j]))
            return pullback(jax.tree.unflatten(tree, cotangent))

        shape = jnp.shape(leaf) + jnp.shape(x)
        if leaf.size == 0:
            jacobians.append(jnp.zeros(shape, x.dtype))
            continue
        jacobians.append(jax.lax.map(row, jnp.eye(leaf.size, dtype=leaf.dtype)).reshape(shape))
    return jax.tree.unflatten(tree, jacobians)


def _unplain(error: TypeError) -> str:
    return f"the result is not plain numbers ({error}); return float64 or float32"


def _brief(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    first = lines[0][:200] if lines else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def main(argv: list[str]) -> None:
    """Limit this process, then serve ``run`` messages until the channel closes."""
    fd, memory_mb, cpu_seconds = int(argv[0]), int(argv[1]), int(argv[2])
    apply_limits(memory_mb, cpu_seconds)
    sock = socket.socket(fileno=fd)
    exit_when_closed(sock)
    import jax  # noqa: F401 - warm up before the first request

    from .._config import float64

    evaluator = Evaluator()
    send(sock, {"op": "ready"}, [])
    try:
        with float64():
            while True:
                header, buffers = recv(sock, float("inf"), MESSAGE_LIMIT)
                reply, out = evaluator.bundle(header, buffers)
                send(sock, reply, out)
    except Exception:  # the grader closed the channel: done
        traceback.print_exc()


if __name__ == "__main__":
    main(sys.argv[1:])
