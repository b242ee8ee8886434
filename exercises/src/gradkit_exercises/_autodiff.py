"""Automatic differentiation exercises (§2.5)."""

from __future__ import annotations

from gradkit.grading import Entry, ExerciseSpec, FunctionRef, checks, samplers

from ._written import FORWARD_MODE, REVERSE_MODE, by_autodiff, by_hand, no_autodiff, written

REF = "gradkit_exercises.reference.autodiff"


def F(name: str) -> FunctionRef:
    return FunctionRef(name)


DOT_GRADIENT = ExerciseSpec(
    id="autodiff.dot-gradient",
    title="The gradient of 2xᵀx",
    section="2.5.1",
    prompt="""\
The book's first example differentiates $y = 2\\mathbf{x}^\\top\\mathbf{x}$ with respect
to $\\mathbf{x}$: at `x = jnp.arange(4.0)` the gradient is `[0, 4, 8, 12]`, which is $4\\mathbf{x}$.

Write `grad_2xtx(x)` returning $\\nabla_{\\mathbf{x}}\\, 2\\mathbf{x}^\\top\\mathbf{x}$ for a 1-D
float array, **by automatic differentiation** (`jax.grad` or `gk.grad`), not by the
formula: the grader checks that your source uses an autodiff transform.
""",
    entries=(Entry("grad_2xtx", "(x)", "Return the gradient of 2·xᵀx at x, by autodiff."),),
    checks=(
        checks.shape("grad_2xtx", samplers.normal(4)),
        checks.values(
            "grad_2xtx",
            samplers.fixed([0.0, 1.0, 2.0, 3.0]),
            samples=1,
            name="the book's [0, 4, 8, 12]",
        ),
        checks.values(
            "grad_2xtx", samplers.normal(6), visibility="hidden", name="grad_2xtx (hidden)"
        ),
        checks.jit("grad_2xtx", samplers.normal(5), samples=1),
        by_autodiff("grad_2xtx"),
    ),
    points=1,
    reference=REF,
)

NON_SCALAR = ExerciseSpec(
    id="autodiff.non-scalar-backward",
    title="Backward for non-scalar outputs",
    section="2.5.2",
    prompt="""\
In PyTorch, `y.backward(v)` on a non-scalar `y = f(x)` stores the vector-Jacobian
product $\\mathbf{v}^\\top \\partial f / \\partial \\mathbf{x}$ in `x.grad`; `y.sum().backward()`
is the case $\\mathbf{v} = \\mathbf{1}$. JAX has no stored graph: `jax.grad` needs a
scalar output, and `jax.vjp` gives the product directly.

Write `backward(f, x, v=None)`, PyTorch's `y.backward(v)` as a function: return
$\\mathbf{v}^\\top J_f(\\mathbf{x})$ (shaped like `x`), with `v = None` meaning ones
shaped like `f(x)`. Do not build the Jacobian. Use JAX's autodiff (`jax.vjp`, or
`gk.backward`): the grader checks that your source uses an autodiff transform.
""",
    entries=(
        Entry("backward", "(f, x, v=None)", "Return vᵀ ∂f/∂x at x (v = None: ones like f(x))."),
    ),
    checks=(
        checks.values(
            "backward",
            samplers.normal(4),
            statics=((F("sin"),), (F("probe.wide"),)),
            samples=1,
            name="v = None (sum of outputs)",
        ),
        checks.values(
            "backward",
            samplers.normal(4),
            samplers.normal(4),
            static=(F("sin"),),
            samples=2,
            name="with a cotangent v",
        ),
        checks.values(
            "backward",
            samplers.normal(2),
            samplers.normal(256),
            static=(F("probe.tall"),),
            samples=1,
            name="with v, R² → R²⁵⁶",
        ),
        checks.values(
            "backward",
            samplers.normal(3),
            samplers.normal(2),
            static=(F("probe.wide"),),
            visibility="hidden",
            name="with v (hidden)",
        ),
        by_autodiff("backward"),
    ),
    points=1,
    reference=REF,
)

DETACH = ExerciseSpec(
    id="autodiff.detach",
    title="Detaching computation",
    section="2.5.3",
    prompt="""\
Sometimes we want to treat part of a computation as a constant. The book
computes $u = x \\cdot x$ (elementwise), then $z = u \\cdot x$, and wants the
gradient of $\\sum_i z_i$ with respect to $x$ **with $u$ held fixed**: that is $u = x^2$,
not the $3x^2$ you get when $u$ is differentiated too.

Write `z(x)` returning `u * x` with `u` detached from the computation
(`jax.lax.stop_gradient` or `gk.detach`). Its values are $x^3$; its Jacobian is
$\\mathrm{diag}(x^2)$.
""",
    entries=(Entry("z", "(x)", "Return u·x where u = x·x is treated as a constant."),),
    checks=(
        checks.values("z", samplers.normal(4)),
        checks.Values(
            entry="z",
            args=(samplers.normal(4),),
            transform="jacrev",
            samples=2,
            name="gradient with u detached",
        ),
        checks.Values(
            entry="z",
            args=(samplers.normal(6),),
            transform="jacrev",
            visibility="hidden",
            name="gradient with u detached (hidden)",
        ),
    ),
    points=1,
    reference=REF,
)

_NONZERO = samplers.away_from_zero(low=0.05, high=5.0)

CONTROL_FLOW = ExerciseSpec(
    id="autodiff.control-flow",
    title="Gradients through control flow, under jit",
    section="2.5.4",
    prompt="""\
The book differentiates a function with a data-dependent `while` loop and `if`:

```python
def f(a):
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
```

`jax.grad(f)(a)` works eagerly, and equals `f(a) / a`. But under `jax.jit` the
Python `while` and `if` see abstract tracers and fail, and `jax.lax.while_loop`
jits but cannot be reverse-differentiated.

Write `fun(a)` computing the same function for a scalar float `a ≠ 0`, so that it
works under `jax.jit` **and** `jax.jit(jax.grad(fun))` works. Use `gk.while_loop`
(or `equinox.internal.while_loop(..., kind="checkpointed")`) and `jax.lax.cond` /
`jnp.where`.
""",
    entries=(Entry("fun", "(a)", "Return the book's while/if function of a scalar a ≠ 0."),),
    checks=(
        checks.values("fun", _NONZERO, mode="eager", samples=3),
        checks.jit("fun", _NONZERO, samples=3),
        checks.jit("fun", _NONZERO, samples=3, visibility="hidden", name="fun under jit (hidden)"),
        checks.jit_grad("fun", _NONZERO, samples=3, weight=2.0),
    ),
    points=2,
    reference=REF,
)

HVP = ExerciseSpec(
    id="autodiff.second-derivative-cost",
    title="Hessian-vector products without the Hessian",
    section="2.5 ex. 1",
    prompt="""\
*Why is the second derivative much more expensive to compute than the first
derivative?*

For $f: \\mathbb{R}^n \\to \\mathbb{R}$ the gradient costs a small multiple of $f$, but the
Hessian has $n^2$ entries and costs $n$ gradient-sized passes. Often only a
Hessian-vector product $H\\mathbf{v}$ is needed, and it costs about as much as a gradient.

Write `hvp(f, x, v)` returning $\\nabla^2 f(\\mathbf{x})\\,\\mathbf{v}$ for a scalar function
`f` of a 1-D array, **without forming the Hessian** (e.g. forward-over-reverse:
`jax.jvp` of `jax.grad(f)`). The grader compares XLA's flop count of your `hvp`
with a forward-over-reverse HVP at $n = 256$: it must cost at most 4× as much.
""",
    entries=(Entry("hvp", "(f, x, v)", "Return ∇²f(x) v without forming the Hessian."),),
    checks=(
        checks.values(
            "hvp",
            samplers.normal(5),
            samplers.normal(5),
            statics=((F("probe.sin-dot"),), (F("dot2"),)),
            samples=1,
        ),
        checks.values(
            "hvp",
            samplers.normal(8),
            samplers.normal(8),
            static=(F("probe.sin-dot"),),
            visibility="hidden",
            name="hvp (hidden)",
        ),
        checks.cost(
            "hvp",
            samplers.normal(256),
            samplers.normal(256),
            factor=4.0,
            static=(F("probe.sin-dot"),),
            weight=2.0,
            name="cost ≤ 4× forward-over-reverse at n = 256",
        ),
    ),
    points=2,
    reference=REF,
)

BACKWARD_TWICE = ExerciseSpec(
    id="autodiff.backward-twice",
    title="Running backward twice: accumulating gradients",
    section="2.5 ex. 2",
    prompt="""\
*After running the function for backpropagation, immediately run it again and see
what happens. Investigate.*

In PyTorch the second `backward()` fails (the graph was freed) unless you keep it,
and with `retain_graph=True` the gradients **accumulate** in `x.grad`. In JAX,
`jax.grad(f)(x)` is a pure function: calling it twice gives the same answer twice,
nothing accumulates. Accumulation is explicit.

Write `accumulate_grads(f, xs)` returning $\\sum_i \\nabla f(\\mathbf{x}_i)$, the sum of the
gradients of the scalar function `f` at each row of `xs` (shape `(k, n)`), shaped
like one row: what PyTorch's `x.grad` would hold after `k` backward calls. Take the
gradients with JAX's autodiff (`jax.grad`): the grader checks that your source uses it.
""",
    entries=(Entry("accumulate_grads", "(f, xs)", "Return Σᵢ ∇f(xs[i]), shape (n,)."),),
    checks=(
        checks.shape("accumulate_grads", samplers.normal((3, 4)), static=(F("dot2"),)),
        checks.values(
            "accumulate_grads",
            samplers.normal((3, 4)),
            statics=((F("dot2"),), (F("probe.sin-dot"),)),
            samples=1,
        ),
        checks.values(
            "accumulate_grads",
            samplers.normal((5, 3)),
            static=(F("probe.sin-dot"),),
            visibility="hidden",
            name="accumulate_grads (hidden)",
        ),
        by_autodiff("accumulate_grads"),
    ),
    points=1,
    reference=REF,
)

VECTOR_CONTROL_FLOW = ExerciseSpec(
    id="autodiff.vector-control-flow",
    title="Control flow with a vector input: the Jacobian",
    section="2.5 ex. 3",
    prompt="""\
*In the control flow example where we calculate the derivative of `d` with respect
to `a`, what would happen if we changed the variable `a` to a random vector or a
matrix? At this point, the result of the calculation `f(a)` is no longer a scalar.
What happens to the result? How do we analyze this?*

With a vector `a` the function maps $\\mathbb{R}^n \\to \\mathbb{R}^n$ and `jax.grad` refuses
a non-scalar output; the derivative is a Jacobian. Write `fun_jacobian(a)` returning
the $n \\times n$ Jacobian of the book's function (the `while` loop on the norm of
`b`, the `if` on its sum) at a 1-D float array `a` ≠ 0. It must work under
`jax.jit`. (Look at the result: what structure does it have, and why?)
""",
    entries=(
        Entry("fun_jacobian", "(a)", "Return the Jacobian (n × n) of the book's function at a."),
    ),
    checks=(
        checks.shape("fun_jacobian", samplers.away_from_zero(3, low=0.05, high=3.0), mode="eager"),
        checks.values(
            "fun_jacobian", samplers.away_from_zero(3, low=0.05, high=3.0), mode="eager", samples=2
        ),
        checks.jit(
            "fun_jacobian", samplers.away_from_zero(4, low=0.05, high=3.0), samples=2, weight=2.0
        ),
        checks.jit(
            "fun_jacobian",
            samplers.away_from_zero(5, low=0.05, high=3.0),
            samples=2,
            visibility="hidden",
            name="fun_jacobian under jit (hidden)",
        ),
    ),
    points=2,
    reference=REF,
)

SIN_DERIVATIVE = ExerciseSpec(
    id="autodiff.sin-derivative",
    title="The derivative of sin, by autodiff",
    section="2.5 ex. 4",
    prompt="""\
*Let $f(x) = \\sin(x)$. Plot the graph of $f$ and of its derivative $f'$. Do not exploit
the fact that $f'(x) = \\cos(x)$ but rather use automatic differentiation to get the
result.*

Write `dsin(x)` returning $f'(x)$ elementwise for a float array `x` of any shape,
computed with automatic differentiation. `jax.grad` needs a scalar function:
apply it elementwise (`jax.vmap`, `jnp.vectorize`, or `gk.derivative`). Your
source must use an autodiff transform and must not use `cos`. To plot:
`gradkit plot "sin(x)" --derivative -o sin.svg`.
""",
    entries=(Entry("dsin", "(x)", "Return d/dx sin x at x, elementwise, by autodiff."),),
    checks=(
        checks.values("dsin", samplers.normal(6), samples=2),
        checks.values("dsin", samplers.normal((2, 3)), samples=1, name="dsin on a matrix"),
        checks.values(
            "dsin", samplers.normal(9, scale=4.0), visibility="hidden", name="dsin (hidden)"
        ),
        checks.avoids("dsin", "cos", requirement=True),
        by_autodiff("dsin"),
    ),
    points=1,
    reference=REF,
)

DEPENDENCY_GRAPH = written(
    "autodiff.dependency-graph",
    "A dependency graph",
    "2.5 ex. 5",
    """\
*Let $f(x) = ((\\log x^2) \\cdot \\sin x) + x^{-1}$. Write out a dependency graph tracing
results from $x$ to $f(x)$.*

Write the graph in the string `dependency_graph_answer`: one line per intermediate
value, e.g. `a = x²  (from x)`. It is graded by hand. gradkit draws the reference
graph from the computation's jaxpr: `gradkit graph "log(x**2)*sin(x) + 1/x" -o graph.svg`.
""",
    "dependency_graph_answer",
    REF,
)

_DF_VALUES = checks.values("df", samplers.away_from_zero(5, low=0.2, high=4.0), samples=2)
_CHAIN_BY_HAND_VALUES = (
    _DF_VALUES,
    checks.values(
        "df",
        samplers.away_from_zero(7, low=0.1, high=6.0),
        visibility="hidden",
        name="df (hidden)",
    ),
)
CHAIN_BY_HAND = ExerciseSpec(
    id="autodiff.chain-rule-by-hand",
    title="The chain rule on the dependency graph",
    section="2.5 ex. 6",
    prompt="""\
*Use the chain rule to compute the derivative $\\frac{df}{dx}$ of the aforementioned
function, placing each term on the dependency graph that you constructed previously.*

For $f(x) = \\log(x^2) \\cdot \\sin x + 1/x$, write `df(x)` returning $f'(x)$ elementwise
($x \\neq 0$) from your formula. No autodiff in `df` or anything it calls
(`grad`, `jvp`, `vjp`, `jacfwd`, `jacrev`, `gk.derivative`, ...), and no finite
difference or complex step: `df` must be exact to rounding.
""",
    entries=(Entry("df", "(x)", "Return f′(x) for f(x) = log(x²)·sin x + 1/x, by hand."),),
    checks=(
        *_CHAIN_BY_HAND_VALUES,
        *by_hand(_CHAIN_BY_HAND_VALUES, "df"),
        no_autodiff("df"),
    ),
    points=1,
    reference=REF,
)

FORWARD_BACKWARD = ExerciseSpec(
    id="autodiff.forward-backward",
    title="Forward and backward differentiation",
    section="2.5 ex. 7",
    prompt="""\
*Given the graph and the intermediate derivative results, you have a number of
options when computing the gradient. Evaluate the result once starting from $x$ to $f$
and once from $f$ tracing back to $x$. The path from $x$ to $f$ is commonly known as
forward differentiation, whereas the path from $f$ to $x$ is known as backward
differentiation.*

Write `forward_derivative(f, x)` with forward mode (`jax.jvp`, or `jax.jacfwd`) and
`reverse_derivative(f, x)` with reverse mode (`jax.vjp`, `jax.grad` or `jax.jacrev`),
each returning $f'(x)$ for a scalar function `f` at a scalar `x`. Each must use its
own mode, and only its own mode.
""",
    entries=(
        Entry("forward_derivative", "(f, x)", "Return f′(x) by forward mode (jvp)."),
        Entry("reverse_derivative", "(f, x)", "Return f′(x) by reverse mode (vjp/grad)."),
    ),
    checks=(
        checks.values(
            "forward_derivative",
            samplers.uniform(0.5, 2.0),
            statics=((F("log-sin"),), (F("x-pow-x"),)),
            samples=1,
        ),
        checks.values(
            "reverse_derivative",
            samplers.uniform(0.5, 2.0),
            statics=((F("log-sin"),), (F("x-pow-x"),)),
            samples=1,
        ),
        checks.values(
            "forward_derivative",
            samplers.uniform(0.3, 3.0),
            static=(F("quadratic"),),
            visibility="hidden",
            name="forward_derivative (hidden)",
        ),
        checks.values(
            "reverse_derivative",
            samplers.uniform(0.3, 3.0),
            static=(F("quadratic"),),
            visibility="hidden",
            name="reverse_derivative (hidden)",
        ),
        checks.avoids(
            "forward_derivative",
            "grad",
            "value_and_grad",
            "vjp",
            "jacrev",
            "jacobian",  # jax.jacobian is jacrev
            "hessian",
            "backward",
            "numerical_derivative",  # finite differences are neither mode
            "difference_quotient",
            name="forward_derivative uses forward mode only",
            requirement=True,
        ),
        checks.avoids(
            "reverse_derivative",
            "jvp",
            "jacfwd",
            "linearize",
            "numerical_derivative",
            "difference_quotient",
            name="reverse_derivative uses reverse mode only",
            requirement=True,
        ),
        by_autodiff("forward_derivative", FORWARD_MODE, "forward mode"),
        by_autodiff("reverse_derivative", REVERSE_MODE, "reverse mode"),
    ),
    points=1,
    reference=REF,
)

FORWARD_OR_REVERSE = ExerciseSpec(
    id="autodiff.forward-or-reverse",
    title="Choosing forward or reverse mode",
    section="2.5 ex. 8",
    prompt="""\
*When might you want to use forward, and when backward, differentiation? Hint:
consider the amount of intermediate data needed, the ability to parallelize steps,
and the size of matrices and vectors involved.*

For $f: \\mathbb{R}^n \\to \\mathbb{R}^m$, forward mode builds the Jacobian one input
direction at a time ($n$ passes), reverse mode one output at a time ($m$ passes).
Write `jacobian_auto(f, x)` returning the $m \\times n$ Jacobian of `f` at the 1-D
array `x`, choosing the cheaper mode from the sizes (`jax.eval_shape` tells you
the output's shape without computing it). The grader measures XLA's flops on a
wide function $\\mathbb{R}^{256} \\to \\mathbb{R}^2$ and a tall one
$\\mathbb{R}^2 \\to \\mathbb{R}^{256}$: each must cost at most 4× the better of
`jax.jacfwd` and `jax.jacrev`, and your source must use JAX's autodiff.
""",
    entries=(
        Entry("jacobian_auto", "(f, x)", "Return the Jacobian of f at x, by the cheaper mode."),
    ),
    checks=(
        checks.values(
            "jacobian_auto",
            samplers.normal(6),
            static=(F("probe.wide"),),
            samples=1,
            name="Jacobian of a wide function",
        ),
        checks.values(
            "jacobian_auto",
            samplers.normal(2),
            static=(F("probe.tall"),),
            samples=1,
            name="Jacobian of a tall function",
        ),
        checks.cost(
            "jacobian_auto",
            samplers.normal(256),
            static=(F("probe.wide"),),
            factor=4.0,
            name="cost ≤ 4× best on R²⁵⁶ → R²",
        ),
        checks.cost(
            "jacobian_auto",
            samplers.normal(2),
            static=(F("probe.tall"),),
            factor=4.0,
            name="cost ≤ 4× best on R² → R²⁵⁶",
        ),
        by_autodiff("jacobian_auto"),
    ),
    points=2,
    reference=REF,
)

WHY_SECOND = written(
    "autodiff.why-second-derivative",
    "Why second derivatives cost more",
    "2.5 ex. 1",
    """\
*Why is the second derivative much more expensive to compute than the first
derivative?*

Answer in the string `why_second_derivative_answer` (graded by hand). Relate it to
what you measured in `autodiff.second-derivative-cost`.
""",
    "why_second_derivative_answer",
    REF,
)

WHEN_FORWARD = written(
    "autodiff.when-forward",
    "When forward, when backward",
    "2.5 ex. 8",
    """\
*When might you want to use forward, and when backward, differentiation? Hint:
consider the amount of intermediate data needed, the ability to parallelize steps,
and the size of matrices and vectors involved.*

Answer in the string `when_forward_answer` (graded by hand).
""",
    "when_forward_answer",
    REF,
)

EXERCISES = (
    DOT_GRADIENT,
    NON_SCALAR,
    DETACH,
    CONTROL_FLOW,
    HVP,
    BACKWARD_TWICE,
    VECTOR_CONTROL_FLOW,
    SIN_DERIVATIVE,
    DEPENDENCY_GRAPH,
    CHAIN_BY_HAND,
    FORWARD_BACKWARD,
    FORWARD_OR_REVERSE,
    WHY_SECOND,
    WHEN_FORWARD,
)
