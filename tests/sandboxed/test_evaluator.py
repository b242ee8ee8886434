"""The evaluator's artifact check allows known-good StableHLO and refuses the rest.

Honest code of every kind the exercises need passes; each row of the reject
matrix is an artifact a hostile worker could send: host callbacks, custom
calls, effects and tokens, infeed/outfeed, collectives, another platform,
several devices. Forged modules are written as MLIR text and serialized the
way JAX does, so the check sees exactly what it would receive.
"""

from __future__ import annotations

import dataclasses
import hashlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import export, lax

from gradkit._config import float64
from gradkit._sandboxed import ALLOWED_OPS, Rejected, check_artifact, decode, encode
from gradkit._sandboxed._evaluator import Evaluator

F32 = jax.ShapeDtypeStruct((3,), np.float32)


# The grader's worker exports for the CPU (`platforms=("cpu",)`) and the evaluator
# accepts only CPU artifacts: the tests export the same way, so they check the same
# thing when the suite itself runs on an accelerator (GRADKIT_TEST_PLATFORM=gpu).
CPU = ("cpu",)


def _exported(fn, *specs, **options):
    options.setdefault("platforms", CPU)
    return export.deserialize(export.export(jax.jit(fn), **options)(*specs).serialize())


def _forged(body: str, signature: str = "(%arg0: tensor<3xf32>) -> tensor<3xf32>", attrs=""):
    """An honest export whose module is replaced by hand-written MLIR."""
    from jax._src.interpreters import mlir
    from jax._src.lib import _jax
    from jax._src.lib.mlir import ir
    from jax._src.lib.mlir.dialects import hlo

    text = (
        f"module @jit_f attributes {{mhlo.num_partitions = 1 : i32, "
        f"mhlo.num_replicas = 1 : i32{attrs}}} {{\n"
        f"  func.func public @main{signature} {{\n{body}\n  }}\n}}\n"
    )
    with mlir.make_ir_context():
        module = ir.Module.parse(text)
        target = hlo.get_version_from_compatibility_requirement(
            hlo.StablehloCompatibilityRequirement.WEEK_4
        )
        blob = _jax.mlir.serialize_portable_artifact(module, target)
    honest = _exported(jnp.sin, F32)
    return dataclasses.replace(honest, mlir_module_serialized=blob)


# make a device id part of the result, so that nothing removes it as dead code
_USE = (
    "    %f = stablehlo.convert {id} : (tensor<ui32>) -> tensor<f32>\n"
    "    %b = stablehlo.broadcast_in_dim %f, dims = [] : (tensor<f32>) -> tensor<3xf32>\n"
    "    %s = stablehlo.add {x}, %b : tensor<3xf32>\n"
    "    return %s : tensor<3xf32>"
)

HONEST = {
    "elementwise": lambda x: jnp.sum(jnp.sin(x) ** 2) + jnp.linalg.norm(x),
    "grad": jax.grad(lambda x: jnp.sum(jnp.tanh(x) * jnp.exp(x))),
    "hessian": lambda x: jax.hessian(lambda v: jnp.sum(v**3))(x).sum(0),
    "linalg": lambda x: (
        jnp.linalg.svd(jnp.outer(x, x) + jnp.eye(3))[1]
        + jnp.linalg.solve(jnp.outer(x, x) + jnp.eye(3), x)
        + jnp.linalg.eigh(jnp.outer(x, x))[0]
        + jnp.linalg.norm(jnp.outer(x, x), "nuc")
    ),
    "special": lambda x: (
        jax.scipy.special.gammaln(jnp.abs(x) + 1)
        + lax.erf_inv(x / 10)
        + jnp.cumsum(x)
        + jnp.sort(x)
        + lax.top_k(x, 2)[0].sum()
        + jnp.fft.fft(x).real
        + jnp.round(x)
    ),
    "control": lambda x: (
        lax.fori_loop(0, 3, lambda i, c: c * x, x)
        + lax.cond(x[0] > 0, lambda: x, lambda: -x)
        + lax.scan(lambda c, v: (c + v, c), 0.0, x)[1]
        + lax.switch(1, [lambda: x, lambda: 2 * x])
    ),
    "indexing": lambda x: x.at[1].set(5.0) + x[jnp.array([2, 0, 1])] + jnp.roll(x, 1),
    "nn": lambda x: jax.nn.softmax(x) + jax.nn.logsumexp(x) + jnp.convolve(x, x, mode="same"),
    "random": lambda x: x + jax.random.normal(jax.random.key(0), x.shape),
    "vmap-jvp": lambda x: (
        jax.vmap(jnp.dot)(jnp.stack([x, x]), jnp.stack([x, x])).sum()
        + jax.jvp(jnp.sin, (x,), (jnp.ones_like(x),))[1]
    ),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_artifacts_pass(name):
    check_artifact(_exported(HONEST[name], F32))


def test_honest_derivatives_pass():
    blob = export.export(jax.jit(HONEST["linalg"]), platforms=CPU)(F32).serialize(vjp_order=2)
    check_artifact(export.deserialize(blob))


def _ffi(target, **kwargs):
    def f(x):
        return jax.ffi.ffi_call(target, jax.ShapeDtypeStruct(x.shape, x.dtype), **kwargs)(x)

    checks = [export.DisabledSafetyCheck.custom_call(target)]
    return _exported(f, F32, disabled_checks=checks)


REJECT = {
    "custom call": (
        lambda: _ffi("read_hidden_inputs"),
        "a custom call \\('read_hidden_inputs'\\), which is not allowed",
    ),
    "host callback target": (
        lambda: _ffi("xla_ffi_python_cpu_callback"),
        "a host callback \\('xla_ffi_python_cpu_callback'\\)",
    ),
    "allowed target with a side effect": (
        lambda: _ffi("lapack_sgetrf_ffi", has_side_effect=True),
        "side effects",
    ),
    "outfeed": (
        lambda: _forged(
            "    %t = stablehlo.create_token : !stablehlo.token\n"
            '    %o = "stablehlo.outfeed"(%arg0, %t) : (tensor<3xf32>, !stablehlo.token)'
            " -> !stablehlo.token\n    return %arg0 : tensor<3xf32>"
        ),
        "the operation 'stablehlo.create_token', which is not allowed",
    ),
    "infeed": (
        lambda: _forged(
            "    %t = stablehlo.after_all : !stablehlo.token\n"
            '    %r:2 = "stablehlo.infeed"(%t) : (!stablehlo.token) -> '
            "(tensor<3xf32>, !stablehlo.token)\n    return %r#0 : tensor<3xf32>",
            "(%arg0: tensor<3xf32>) -> tensor<3xf32>",
        ),
        "the operation 'stablehlo.after_all', which is not allowed",
    ),
    "token argument": (
        lambda: _forged(
            "    return %arg0 : tensor<3xf32>",
            "(%arg0: tensor<3xf32>, %tok: !stablehlo.token) -> tensor<3xf32>",
        ),
        "takes a token",
    ),
    "collective": (
        lambda: _forged(
            '    %0 = "stablehlo.all_reduce"(%arg0) ({\n'
            "    ^bb0(%a: tensor<f32>, %b: tensor<f32>):\n"
            "      %s = stablehlo.add %a, %b : tensor<f32>\n"
            "      stablehlo.return %s : tensor<f32>\n"
            "    }) {replica_groups = dense<[[0]]> : tensor<1x1xi64>} : "
            "(tensor<3xf32>) -> tensor<3xf32>\n    return %0 : tensor<3xf32>"
        ),
        "the operation 'stablehlo.all_reduce', which is not allowed",
    ),
    "device id": (
        lambda: _forged(
            "    %0 = stablehlo.partition_id : tensor<ui32>\n" + _USE.format(id="%0", x="%arg0")
        ),
        "the operation 'stablehlo.partition_id', which is not allowed",
    ),
    "stateful rng": (
        lambda: _forged(
            "    %a = stablehlo.constant dense<0.0> : tensor<f32>\n"
            "    %b = stablehlo.constant dense<1.0> : tensor<f32>\n"
            "    %s = stablehlo.constant dense<3> : tensor<1xi64>\n"
            "    %0 = stablehlo.rng %a, %b, %s, distribution = UNIFORM : "
            "(tensor<f32>, tensor<f32>, tensor<1xi64>) -> tensor<3xf32>\n"
            "    return %0 : tensor<3xf32>"
        ),
        "the operation 'stablehlo.rng', which is not allowed",
    ),
    "nested in a loop body": (
        lambda: _forged(
            "    %0 = stablehlo.sine %arg0 : tensor<3xf32>\n"
            "    %c = stablehlo.constant dense<true> : tensor<i1>\n"
            '    %1 = "stablehlo.if"(%c) ({\n'
            "      %r = stablehlo.replica_id : tensor<ui32>\n"
            + _USE.format(id="%r", x="%0").replace("return", "stablehlo.return")
            + "    }, {\n      stablehlo.return %arg0 : tensor<3xf32>\n"
            "    }) : (tensor<i1>) -> tensor<3xf32>\n    return %1 : tensor<3xf32>"
        ),
        "the operation 'stablehlo.replica_id', which is not allowed",
    ),
    "another platform": (
        lambda: _exported(jnp.sin, F32, platforms=["cuda"]),
        "targets \\('cuda',\\), not \\('cpu',\\)",
    ),
    "cpu and another platform": (
        lambda: _exported(jnp.sin, F32, platforms=["cpu", "cuda"]),
        "targets \\('cpu', 'cuda'\\), not \\('cpu',\\)",
    ),
    "several devices": (
        lambda: dataclasses.replace(_exported(jnp.sin, F32), nr_devices=2),
        "wants 2 devices",
    ),
    "several partitions in the module": (
        lambda: _several_partitions(),
        "several devices \\(mhlo.num_partitions is not 1\\)",
    ),
    "custom call in the serialized derivative": (
        lambda: _vjp_with_a_custom_call(),
        "its derivative: the artifact uses a custom call \\('read_hidden_inputs'\\)",
    ),
    "ordered effects": (
        lambda: dataclasses.replace(_exported(jnp.sin, F32), ordered_effects=("io",)),
        "side effects",
    ),
}


def _vjp_with_a_custom_call():
    """An honest primal whose serialized derivative calls out (the evaluator runs jax.vjp)."""

    @jax.custom_vjp
    def f(x):
        return jnp.sin(x)

    def bwd(x, g):
        spec = jax.ShapeDtypeStruct(x.shape, x.dtype)
        return (jax.ffi.ffi_call("read_hidden_inputs", spec)(g),)

    f.defvjp(lambda x: (jnp.sin(x), x), bwd)
    checks = [export.DisabledSafetyCheck.custom_call("read_hidden_inputs")]
    exported = export.export(jax.jit(f), disabled_checks=checks, platforms=CPU)(F32)
    blob = exported.serialize(vjp_order=1)
    return export.deserialize(blob)


def _several_partitions():
    from jax._src.interpreters import mlir
    from jax._src.lib import _jax
    from jax._src.lib.mlir import ir
    from jax._src.lib.mlir.dialects import hlo

    text = (
        "module @jit_f attributes {mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32} {\n"
        "  func.func public @main(%arg0: tensor<3xf32>) -> tensor<3xf32> {\n"
        "    return %arg0 : tensor<3xf32>\n  }\n}\n"
    )
    with mlir.make_ir_context():
        target = hlo.get_version_from_compatibility_requirement(
            hlo.StablehloCompatibilityRequirement.WEEK_4
        )
        blob = _jax.mlir.serialize_portable_artifact(ir.Module.parse(text), target)
    return dataclasses.replace(_exported(jnp.sin, F32), mlir_module_serialized=blob)


@pytest.mark.parametrize("row", sorted(REJECT))
def test_the_reject_matrix(row):
    make, message = REJECT[row]
    with pytest.raises(Rejected, match=message):
        check_artifact(make())


def test_the_allow_list_holds_no_effectful_operation():
    forbidden = {"infeed", "outfeed", "send", "recv", "after_all", "create_token", "rng"}
    forbidden |= {"all_reduce", "all_gather", "all_to_all", "collective_permute"}
    forbidden |= {"partition_id", "replica_id", "reduce_scatter", "collective_broadcast"}
    assert {f"stablehlo.{op}" for op in forbidden} & ALLOWED_OPS == set()


def _bundle(artifacts: list[bytes], x: np.ndarray) -> tuple[dict, list[bytes]]:
    """A bundle as the grader sends it: each artifact run once on ``x``."""
    buffers: list[bytes] = []
    items = []
    for artifact in artifacts:
        buffers.append(artifact)
        index = len(buffers) - 1
        key = hashlib.sha256(artifact).hexdigest()
        items.append({"key": key, "artifact": index, "args": encode([x], buffers), "cost": False})
    return {"items": items}, buffers


def test_an_artifact_seen_before_is_not_compiled_again_whatever_it_comes_with(monkeypatch):
    """A submission that differs in one part from another compiles that part only."""
    x = np.linspace(0.0, 1.0, 5)
    with float64():
        parts = {
            name: export.export(jax.jit(lambda v, f=f: [f(v)]), platforms=CPU)(x).serialize()
            for name, f in {"sin": jnp.sin, "cos": jnp.cos, "exp": jnp.exp}.items()
        }
        evaluator = Evaluator()
        jitted = []
        jit = jax.jit

        def counting(function, **options):
            jitted.append(function)
            return jit(function, **options)

        monkeypatch.setattr(jax, "jit", counting)
        first, buffers = _bundle([parts["sin"], parts["cos"]], x)
        reply, out = evaluator.bundle(first, buffers)
        assert [r["ok"] for r in reply["results"]] == [True, True]
        assert len(jitted) == 2
        second, buffers = _bundle([parts["sin"], parts["exp"]], x)
        reply, out = evaluator.bundle(second, buffers)
    keys = [item["key"] for item in (*first["items"], second["items"][1])]
    assert len(jitted) == 3  # exp only: sin was compiled for the first bundle
    assert [signature[0] for signature in evaluator.compiled] == [keys[1], keys[0], keys[2]]
    (sin,), (exp,) = (decode(r["value"], out) for r in reply["results"])
    np.testing.assert_allclose(sin, np.sin(x), rtol=1e-15)
    np.testing.assert_allclose(exp, np.exp(x), rtol=1e-15)


def _complex_step(x):
    h = 1e-20
    z = lax.complex(x, jnp.full_like(x, h))
    return (jnp.log(z**2) * jnp.sin(z)).imag / h


def test_complex_numbers_inside_a_real_function_are_reported():
    """A complex step is exact to rounding: its complex numbers are what gives it away."""
    assert check_artifact(_exported(_complex_step, F32)).complex_inside is True
    assert check_artifact(_exported(jnp.sin, F32)).complex_inside is False
    # complex inputs or results are the function's own business (a holomorphic exercise)
    c64 = jax.ShapeDtypeStruct((3,), np.complex64)
    assert check_artifact(_exported(lambda z: jnp.sin(z) * z, c64)).complex_inside is False
    assert check_artifact(_exported(lambda x: lax.complex(x, x), F32)).complex_inside is False


def _f(t):
    return jnp.log(t**2) * jnp.sin(t) + 1 / t


def _by_hand(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


@jax.jit
def _jitted_grad(x):
    return jax.grad(lambda t: jnp.sum(jnp.sin(t)))(x)


def jvp(x):  # a student's own function, named like JAX's transform
    return jnp.cos(x) * x


def transpose(x):
    return x[::-1]


RUNS = {
    # run: (function, computed with JAX's autodiff?)
    "a formula": (_by_hand, False),
    "jax.grad, vectorized": (lambda x: jnp.vectorize(jax.grad(_f))(x), True),
    "jax.jvp": (lambda x: jax.jvp(_f, (x,), (jnp.ones_like(x),))[1], True),
    "jax.vjp": (lambda x: jax.vjp(_f, x)[1](jnp.ones_like(x))[0], True),
    "jax.linearize": (lambda x: jax.linearize(_f, x)[1](jnp.ones_like(x)), True),
    "jax.jacfwd": (lambda x: jnp.diag(jax.jacfwd(_f)(x)), True),
    "a jitted grad in a cond": (lambda x: lax.cond(x[0] > 0, _jitted_grad, jnp.sin, x), True),
    "a while loop": (
        lambda x: lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, 2 * c[1]), (0, x))[1],
        False,
    ),
    "own functions named jvp and transpose, jitted": (
        lambda x: jax.jit(jvp)(jax.jit(transpose)(x)),
        False,
    ),
    "a named scope": (lambda x: _named(x), False),
    "a formula beside a grad, one result each": (
        lambda x: (_by_hand(x), jax.grad(lambda t: jnp.sum(_f(t)))(x)),
        True,
    ),
    "a custom_jvp function's value": (lambda x: jax.nn.softplus(x) + jax.nn.relu(x), False),
}


def _named(x):
    with jax.named_scope("jvp"):
        return jnp.sin(x) * 2


def test_the_runs_jax_differentiated_are_read_from_the_artifact():
    """A combined artifact marks exactly the runs whose results JAX's autodiff computed.

    JAX names every operation by the transforms it was traced under; a run is
    followed back from its results, through calls and loops, so a formula
    beside a ``jax.grad`` in the same artifact is not marked.
    """
    fns = [fn for fn, _ in RUNS.values()]

    def combined(*xs):
        return [fn(x) for fn, x in zip(fns, xs, strict=True)]

    findings = check_artifact(_exported(combined, *[F32] * len(fns)))
    marked = {name for k, name in enumerate(RUNS) if k in findings.differentiated}
    assert marked == {name for name, (_, derived) in RUNS.items() if derived}
    assert findings.complex_inside is False


def test_the_evaluator_says_which_runs_were_differentiated():
    """The reply names the runs; nothing is said of what the evaluator derives itself."""
    blob = bytes(
        export.export(
            jax.jit(lambda x, y: [_by_hand(x), jax.grad(lambda t: jnp.sum(_f(t)))(y)]),
            platforms=CPU,
        )(F32, F32).serialize(vjp_order=1)
    )
    x = np.array([0.5, 1.0, 2.0], np.float32)
    key = hashlib.sha256(blob).hexdigest()
    buffers = [blob]
    plain = {"key": key, "artifact": 0, "args": encode([x, x], buffers), "cost": False}
    derive = {**plain, "args": encode([x, x], buffers), "derive": [["jacrev", 1], ["jacrev", 1]]}
    reply, _ = Evaluator().bundle({"items": [plain, derive]}, buffers)
    plain, derived = reply["results"]
    assert plain["ok"] and plain["differentiated"] == [1]
    assert derived["ok"] and "differentiated" not in derived
