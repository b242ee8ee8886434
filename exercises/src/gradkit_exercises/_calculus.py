"""Calculus exercises (§2.4)."""

from __future__ import annotations

from gradkit.grading import Entry, ExerciseSpec, FunctionRef, checks, samplers

from ._written import by_hand, no_autodiff, written

REF = "gradkit_exercises.reference.calculus"


def F(name: str) -> FunctionRef:
    return FunctionRef(name)


SEED_HS = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5]
SCALAR_FUNCTIONS = ((F("quadratic"),), (F("sin"),), (F("cubic-minus-inverse"),))

LIMIT_TABLE = ExerciseSpec(
    id="calculus.limit-table",
    title="The limit table: difference quotients in float64",
    section="2.4.1",
    prompt="""\
The book approximates the derivative of $f(x) = 3x^2 - 4x$ at $x = 1$ by the
difference quotient $\\frac{f(x + h) - f(x)}{h}$ for $h = 10^{-1}, \\dots, 10^{-5}$
and watches it approach 2:

```text
h=0.10000, numerical limit=2.30000
h=0.01000, numerical limit=2.03000
...
h=0.00001, numerical limit=2.00003
```

Write `limit_table(f, x, hs)` returning the 1-D array of quotients
$\\frac{f(x + h_i) - f(x)}{h_i}$, one per step in `hs` (same shape as `hs`).
`f` is a scalar function (the grader passes registered ones such as
`quadratic`, `sin`, `cubic-minus-inverse`), `x` a scalar, `hs` a float array.

The grader runs with float64 enabled and checks your quotients against the
float64 round-off bound. In float32 the table goes wrong at small `h`
(2.00272 instead of 2.00003 at $h = 10^{-5}$): do not convert to float32.
""",
    entries=(
        Entry(
            "limit_table",
            "(f, x, hs)",
            "Return the difference quotients (f(x + h) - f(x)) / h for each h in hs.",
        ),
    ),
    checks=(
        checks.shape(
            "limit_table",
            samplers.uniform(0.5, 2.0),
            samplers.fixed(SEED_HS),
            static=(F("quadratic"),),
        ),
        checks.values(
            "limit_table",
            samplers.uniform(0.5, 2.0),
            samplers.fixed([0.5, 0.1, 0.05]),
            statics=SCALAR_FUNCTIONS,
            samples=1,
            rtol=1e-4,
            atol=1e-4,
            name="quotients at coarse steps",
        ),
        checks.values(
            "limit_table",
            samplers.fixed(1.0),
            samplers.fixed(SEED_HS),
            static=(F("quadratic"),),
            samples=1,
            rtol=0.0,
            atol=0.0,
            roundoff=1,
            name="the seed's table, float64-accurate",
        ),
        checks.values(
            "limit_table",
            samplers.uniform(0.5, 2.0),
            samplers.fixed([1e-3, 1e-5, 1e-7, 1e-8]),
            statics=SCALAR_FUNCTIONS,
            samples=2,
            rtol=0.0,
            atol=0.0,
            roundoff=1,
            visibility="hidden",
            name="float64-accurate at small steps (hidden)",
        ),
    ),
    points=2,
    reference=REF,
)

_D_POWER = checks.values(
    "d_power",
    samplers.uniform(0.5, 2.0, 4),
    statics=((2.0,), (3.0,), (0.5,), (-1.5,)),
    samples=1,
)
_D_EXP = checks.values("d_exp", samplers.normal(4), samples=2)
_D_LOG = checks.values("d_log", samplers.uniform(0.2, 5.0, 4), samples=2)
_RULES_VALUES = (
    # `c` is a Python number, as `n` is: a student may mark both static (`static_argnums`)
    checks.values("d_const", samplers.normal((2, 3)), statics=((-1.5,), (2.0,)), samples=1),
    _D_POWER,
    _D_EXP,
    _D_LOG,
    checks.values(
        "d_power",
        samplers.uniform(0.3, 3.0, 5),
        statics=((4.0,), (-2.0,), (1.5,)),
        samples=1,
        visibility="hidden",
        name="d_power (hidden)",
    ),
    checks.values(
        "d_log", samplers.uniform(0.1, 9.0, 6), visibility="hidden", name="d_log (hidden)"
    ),
)
DERIVATIVE_RULES = ExerciseSpec(
    id="calculus.derivative-rules",
    title="Derivatives from the definition: c, xⁿ, eˣ, log x",
    section="2.4 ex. 1",
    prompt="""\
*So far we took the rules for derivatives for granted. Using the definition and
limits prove the properties for (i) $f(x) = c$, (ii) $f(x) = x^n$, (iii) $f(x) = e^x$
and (iv) $f(x) = \\log x$.*

Work out each limit $\\lim_{h \\to 0} \\frac{f(x+h) - f(x)}{h}$ on paper, then code
the results **as formulas** (no autodiff, no finite differences: the grader checks
that they are exact to rounding), elementwise on float arrays:

- `d_const(c, x)`: the derivative of the constant `c`, as zeros **shaped like `x`**;
- `d_power(n, x)`: the derivative of $x^n$ (`n` a float; `x > 0`);
- `d_exp(x)`: the derivative of $e^x$;
- `d_log(x)`: the derivative of $\\log x$ (`x > 0`).
""",
    entries=(
        Entry("d_const", "(c, x)", "Return d/dx c: zeros with the shape of x."),
        Entry("d_power", "(n, x)", "Return d/dx xⁿ at x (elementwise)."),
        Entry("d_exp", "(x)", "Return d/dx eˣ at x (elementwise)."),
        Entry("d_log", "(x)", "Return d/dx log x at x > 0 (elementwise)."),
    ),
    checks=(
        *_RULES_VALUES,
        *by_hand(_RULES_VALUES, "d_power", "d_exp", "d_log", weight=0.25),
        no_autodiff("d_power", weight=0.5),
        no_autodiff("d_exp", weight=0.5),
        no_autodiff("d_log", weight=0.5),
    ),
    points=2,
    reference=REF,
)

_PAIRS = (
    (F("sin"), F("quadratic"), F("sin'"), F("quadratic'")),
    (F("probe.exp"), F("sin"), F("probe.exp'"), F("sin'")),
)
_QUOTIENTS = (
    (F("sin"), F("probe.exp"), F("sin'"), F("probe.exp'")),
    (F("quadratic"), F("probe.exp"), F("quadratic'"), F("probe.exp'")),
)

_QUOTIENT_RULE = checks.values(
    "quotient_rule", samplers.normal(4), statics=_QUOTIENTS, curry=True, samples=1
)
_SPQ_VALUES = (
    checks.values(
        "sum_rule",
        samplers.normal(4),
        statics=((F("sin'"), F("quadratic'")),),
        curry=True,
        samples=2,
    ),
    checks.values("product_rule", samplers.normal(4), statics=_PAIRS, curry=True, samples=1),
    _QUOTIENT_RULE,
    checks.values(
        "product_rule",
        samplers.uniform(0.5, 2.0, 5),
        statics=((F("cubic-minus-inverse"), F("sin"), F("cubic-minus-inverse'"), F("sin'")),),
        curry=True,
        visibility="hidden",
        name="product_rule (hidden)",
    ),
    checks.values(
        "quotient_rule",
        samplers.uniform(0.5, 2.0, 5),
        statics=((F("sin"), F("cubic-minus-inverse"), F("sin'"), F("cubic-minus-inverse'")),),
        curry=True,
        visibility="hidden",
        name="quotient_rule (hidden)",
    ),
)
SUM_PRODUCT_QUOTIENT = ExerciseSpec(
    id="calculus.sum-product-quotient",
    title="The sum, product and quotient rules",
    section="2.4 ex. 2",
    prompt="""\
*In the same vein, prove the product, sum, and quotient rule from first principles.*

Once proved, the rules build derivatives out of derivatives. Write functions that
take scalar functions and their derivatives and **return the derivative function**
of the combination (elementwise on arrays):

- `sum_rule(df, dg)` → $x \\mapsto f'(x) + g'(x)$;
- `product_rule(f, g, df, dg)` → the derivative of $f \\cdot g$;
- `quotient_rule(f, g, df, dg)` → the derivative of $f / g$ (where $g \\neq 0$).

No autodiff inside, and no finite differences: combine the functions you are given.
""",
    entries=(
        Entry("sum_rule", "(df, dg)", "Return the function x ↦ (f + g)′(x)."),
        Entry("product_rule", "(f, g, df, dg)", "Return the function x ↦ (f·g)′(x)."),
        Entry("quotient_rule", "(f, g, df, dg)", "Return the function x ↦ (f/g)′(x)."),
    ),
    checks=(
        *_SPQ_VALUES,
        *by_hand(_SPQ_VALUES, "quotient_rule"),
        no_autodiff("quotient_rule", weight=0.5),
    ),
    points=2,
    reference=REF,
)

CONSTANT_MULTIPLE = written(
    "calculus.constant-multiple",
    "The constant multiple rule from the product rule",
    "2.4 ex. 3",
    """\
*Prove that the constant multiple rule follows as a special case of the product rule.*

Write your proof in the string `constant_multiple_answer` (plain text or
Markdown with `$...$` maths). It is graded by hand.
""",
    "constant_multiple_answer",
    REF,
)

_D_X_POW_X = checks.values("d_x_pow_x", samplers.uniform(0.2, 3.0, 5), samples=2)
_X_POW_X_VALUES = (
    checks.shape("d_x_pow_x", samplers.uniform(0.2, 3.0, 5)),
    _D_X_POW_X,
    checks.values(
        "d_x_pow_x",
        samplers.uniform(0.05, 4.0, 7),
        visibility="hidden",
        name="d_x_pow_x (hidden)",
    ),
)
X_POW_X = ExerciseSpec(
    id="calculus.x-to-the-x",
    title="The derivative of xˣ",
    section="2.4 ex. 4",
    prompt="""\
*Calculate the derivative of $f(x) = x^x$.*

Neither the power rule nor the exponential rule applies directly. Write
$x^x = e^{x \\log x}$ and use the chain rule. Then code your result as a formula in
`d_x_pow_x(x)` (elementwise, $x > 0$), without autodiff or a finite difference (the
grader checks that it is exact to rounding). You can check it against
`jax.grad(lambda x: x ** x)(2.0)` ≈ 6.7726 in a scratch cell, but the graded
function must not use autodiff.
""",
    entries=(Entry("d_x_pow_x", "(x)", "Return d/dx xˣ at x > 0 (elementwise), as a formula."),),
    checks=(
        *_X_POW_X_VALUES,
        *by_hand(_X_POW_X_VALUES, "d_x_pow_x"),
        no_autodiff("d_x_pow_x"),
    ),
    points=1,
    reference=REF,
)

STATIONARY = ExerciseSpec(
    id="calculus.stationary-point",
    title="Where the derivative vanishes",
    section="2.4 ex. 5",
    prompt="""\
*What does it mean that $f'(x) = 0$ for some $x$? Give an example of a function $f$
and a location $x$ for which this might hold.*

Define a differentiable, **non-constant** scalar function `g(x)` (with
`jax.numpy`) and a float `x_star` where $g'(x^\\star) = 0$. The grader
differentiates your `g` with `jax.grad`, at `x_star` and at other points.
(What kinds of points have a zero derivative? Minima, maxima, and saddle points
such as $x^3$ at 0.)
""",
    entries=(
        Entry("g", "(x)", "Return g(x) for a scalar x: a smooth, non-constant function."),
        Entry("x_star", "float", "A point where g′(x_star) = 0.", kind="constant"),
    ),
    checks=(
        checks.finite("g", samplers.normal(), samples=3, name="g finite"),
        checks.stationary("g", "x_star", samplers.normal(scale=3.0), weight=3.0),
    ),
    points=1,
    reference=REF,
)

TANGENT = ExerciseSpec(
    id="calculus.tangent-line",
    title="The tangent line",
    section="2.4 ex. 6",
    prompt="""\
*Plot the function $y = f(x) = x^3 - \\frac{1}{x}$ and plot its tangent line at $x = 1$.*

The tangent line of $f$ at $x_0$ is $y = f'(x_0)\\,x + \\big(f(x_0) - f'(x_0)\\,x_0\\big)$.
Write `tangent_line(f, x0)` returning the pair `(slope, intercept)` for a scalar
function `f` and a scalar `x0` (use `jax.grad` for the slope). A pair may be a
tuple, a list or an array of length 2. For
$x^3 - 1/x$ at $x_0 = 1$ it is `(4.0, -4.0)`.

To see it, plot both (e.g. `gradkit plot "x**3 - 1/x" --tangent-at 1 -o tangent.svg`,
or `gradkit.plot.tangent_line`).
""",
    entries=(
        Entry("tangent_line", "(f, x0)", "Return (slope, intercept) of the tangent of f at x0."),
    ),
    checks=(
        checks.shape("tangent_line", samplers.fixed(1.0), static=(F("cubic-minus-inverse"),)),
        checks.values(
            "tangent_line",
            samplers.fixed(1.0),
            static=(F("cubic-minus-inverse"),),
            samples=1,
            part=0,
            name="slope of x³ − 1/x at 1",
        ),
        checks.values(
            "tangent_line",
            samplers.fixed(1.0),
            static=(F("cubic-minus-inverse"),),
            samples=1,
            part=1,
            name="intercept of x³ − 1/x at 1",
        ),
        checks.values(
            "tangent_line",
            samplers.uniform(0.5, 2.0),
            statics=SCALAR_FUNCTIONS,
            samples=1,
            part=0,
            name="slopes",
        ),
        checks.values(
            "tangent_line",
            samplers.uniform(0.5, 2.0),
            statics=SCALAR_FUNCTIONS,
            samples=2,
            visibility="hidden",
            name="tangent lines (hidden)",
        ),
    ),
    points=1,
    reference=REF,
)

_GRAD_F = checks.values("grad_f", samplers.normal(2), samples=2)
_GRADIENT_VALUES = (
    checks.shape("grad_f", samplers.normal(2)),
    _GRAD_F,
    checks.values("grad_f", samplers.normal(2), visibility="hidden", name="grad_f (hidden)"),
    checks.vmap("grad_f", samplers.normal((4, 2)), samples=1),
)
GRADIENT = ExerciseSpec(
    id="calculus.gradient",
    title="A gradient by hand",
    section="2.4 ex. 7",
    prompt="""\
*Find the gradient of the function $f(\\mathbf{x}) = 3x_1^2 + 5e^{x_2}$.*

Write `grad_f(x)` for $\\mathbf{x} \\in \\mathbb{R}^2$ (a float array of shape `(2,)`)
returning $\\nabla f(\\mathbf{x})$, shape `(2,)`, from your formula (no autodiff, no finite
differences: it must be exact to rounding). It
should also work under `jax.vmap` (a batch of points, shape `(k, 2)`).
""",
    entries=(Entry("grad_f", "(x)", "Return ∇f(x) for f(x) = 3x₁² + 5e^{x₂}, shape (2,)."),),
    checks=(
        *_GRADIENT_VALUES,
        *by_hand(_GRADIENT_VALUES, "grad_f"),
        no_autodiff("grad_f", weight=0.5),
    ),
    points=1,
    reference=REF,
)

L2_GRADIENT = ExerciseSpec(
    id="calculus.l2-gradient",
    title="The gradient of the L2 norm",
    section="2.4 ex. 8",
    prompt="""\
*What is the gradient of the function $f(\\mathbf{x}) = \\|\\mathbf{x}\\|_2$? What happens
for $\\mathbf{x} = \\mathbf{0}$?*

Write `grad_l2(x)` returning $\\nabla \\|\\mathbf{x}\\|_2 = \\mathbf{x} / \\|\\mathbf{x}\\|_2$ for a
1-D float array. At $\\mathbf{x} = \\mathbf{0}$ the norm is not differentiable; return the
zero vector there (the zero subgradient), never NaN. Careful: `jnp.where` alone
does not stop a NaN computed in the branch you discard from reaching gradients;
here you only need values, but do not divide by zero.
""",
    entries=(Entry("grad_l2", "(x)", "Return x/‖x‖₂, and zeros at x = 0."),),
    checks=(
        checks.values("grad_l2", samplers.normal(5), samples=2),
        checks.values("grad_l2", samplers.normal(8), visibility="hidden", name="grad_l2 (hidden)"),
        checks.finite("grad_l2", samplers.fixed([0.0, 0.0, 0.0, 0.0]), name="finite at 0"),
        checks.values("grad_l2", samplers.fixed([0.0, 0.0, 0.0, 0.0]), samples=1, name="zero at 0"),
    ),
    points=1,
    reference=REF,
)

_DU_DA = checks.values("chain_rule", samplers.normal(), samplers.normal(), part=0, name="du_da")
_CHAIN_RULE_VALUES = (
    checks.shape("chain_rule", samplers.normal(), samplers.normal()),
    _DU_DA,
    checks.values("chain_rule", samplers.normal(), samplers.normal(), part=1, name="du_db"),
    checks.values(
        "chain_rule",
        samplers.normal(scale=2.0),
        samplers.normal(scale=2.0),
        visibility="hidden",
        name="chain_rule (hidden)",
    ),
)
CHAIN_RULE = ExerciseSpec(
    id="calculus.multivariate-chain-rule",
    title="The multivariate chain rule",
    section="2.4 ex. 9",
    prompt="""\
*Can you write out the chain rule for the case where $u = f(x, y, z)$ and
$x = x(a, b)$, $y = y(a, b)$, and $z = z(a, b)$?*

$$\\frac{\\partial u}{\\partial a}
= \\frac{\\partial u}{\\partial x}\\frac{\\partial x}{\\partial a}
+ \\frac{\\partial u}{\\partial y}\\frac{\\partial y}{\\partial a}
+ \\frac{\\partial u}{\\partial z}\\frac{\\partial z}{\\partial a}$$
and likewise for $b$. Apply it to $u = xy + \\sin z$ with $x = a + b$, $y = ab$,
$z = a^2 - b$: write `chain_rule(a, b)` returning the pair `(du_da, du_db)` (a
tuple, a list or an array of length 2) for scalar `a`, `b`, from your formulas
(no autodiff, no finite differences: they must be exact to rounding).
""",
    entries=(
        Entry("chain_rule", "(a, b)", "Return (∂u/∂a, ∂u/∂b) for u = xy + sin z (see prompt)."),
    ),
    checks=(
        *_CHAIN_RULE_VALUES,
        *by_hand(_CHAIN_RULE_VALUES, "chain_rule"),
        no_autodiff("chain_rule", weight=0.5),
    ),
    points=1,
    reference=REF,
)

_INVERSES = ((F("probe.exp'"), F("probe.log")), (F("probe.sinh'"), F("probe.asinh")))

INVERSE = ExerciseSpec(
    id="calculus.inverse-derivative",
    title="The derivative of an inverse function",
    section="2.4 ex. 10",
    prompt="""\
*Given a function $f(x)$ that is invertible, compute the derivative of its inverse
$f^{-1}(x)$. Here we have that $f^{-1}(f(x)) = x$ and conversely $f(f^{-1}(y)) = y$.
Hint: use these properties in your derivation.*

Differentiate $f(f^{-1}(y)) = y$ with the chain rule and solve for
$(f^{-1})'(y)$. Then write `inverse_derivative(df, f_inv)` that takes $f'$ and
$f^{-1}$ and **returns the function** $y \\mapsto (f^{-1})'(y)$ (elementwise). For
$f = \\exp$ it must give $1/y$.
""",
    entries=(Entry("inverse_derivative", "(df, f_inv)", "Return the function y ↦ (f⁻¹)′(y)."),),
    checks=(
        checks.shape(
            "inverse_derivative", samplers.uniform(0.2, 5.0, 4), statics=_INVERSES, curry=True
        ),
        checks.values(
            "inverse_derivative",
            samplers.uniform(0.2, 5.0, 4),
            statics=_INVERSES,
            curry=True,
            samples=1,
        ),
        checks.values(
            "inverse_derivative",
            samplers.uniform(0.1, 9.0, 6),
            statics=_INVERSES,
            curry=True,
            samples=2,
            visibility="hidden",
            name="inverse_derivative (hidden)",
        ),
    ),
    points=1,
    reference=REF,
)

EXERCISES = (
    LIMIT_TABLE,
    DERIVATIVE_RULES,
    SUM_PRODUCT_QUOTIENT,
    CONSTANT_MULTIPLE,
    X_POW_X,
    STATIONARY,
    TANGENT,
    GRADIENT,
    L2_GRADIENT,
    CHAIN_RULE,
    INVERSE,
)
