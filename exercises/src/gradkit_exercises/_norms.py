"""Norm exercises (§2.3)."""

from __future__ import annotations

from gradkit.grading import Entry, ExerciseSpec, checks, samplers

REF = "gradkit_exercises.reference.norms"

VECTOR = ExerciseSpec(
    id="norms.vector",
    title="Vector norms: L1, L2 and L∞",
    section="2.3",
    prompt="""\
The book measures the size of a vector with norms:
$\\|\\mathbf{v}\\|_1 = \\sum_i |v_i|$, $\\|\\mathbf{v}\\|_2 = \\sqrt{\\sum_i v_i^2}$ and
$\\|\\mathbf{v}\\|_\\infty = \\max_i |v_i|$.

Write `l1(v)`, `l2(v)` and `linf(v)` for a 1-D float array `v`, each returning a
scalar (a 0-d array). Use `jax.numpy`, so that they work under `jax.jit`, `jax.vmap`
and `jax.grad`.

The L2 norm is not differentiable at the origin, and `jnp.sqrt` gives a NaN
gradient there. Make `jax.grad(l2)` return the zero vector at $\\mathbf{v} = \\mathbf{0}$
(the zero subgradient) and the usual $\\mathbf{v}/\\|\\mathbf{v}\\|_2$ elsewhere.
Hint: the "double `where`" trick.
""",
    entries=(
        Entry("l1", "(v)", "Return the L1 norm Σ|vᵢ| of the 1-D array v."),
        Entry("l2", "(v)", "Return the L2 norm √(Σvᵢ²); its gradient at 0 is 0, not NaN."),
        Entry("linf", "(v)", "Return the L∞ norm max|vᵢ| of the 1-D array v."),
    ),
    checks=(
        checks.values("l1", samplers.normal(5), samples=2),
        checks.values("l2", samplers.normal(5), samples=2),
        checks.values("linf", samplers.normal(5), samples=2),
        checks.values("l1", samplers.normal(7), visibility="hidden", name="l1 (hidden)"),
        checks.values("l2", samplers.normal(7), visibility="hidden", name="l2 (hidden)"),
        checks.values("linf", samplers.normal(7), visibility="hidden", name="linf (hidden)"),
        checks.vmap("l2", samplers.normal((4, 3)), samples=1, name="l2 under vmap"),
        checks.finite(
            "l2",
            samplers.fixed([0.0, 0.0, 0.0]),
            transform="grad",
            name="grad(l2) finite at the origin",
        ),
        checks.grad(
            "l2", samplers.fixed([0.0, 0.0, 0.0]), samples=1, name="grad(l2) at the origin"
        ),
        checks.grad("l2", samplers.normal(5), samples=2, name="grad(l2) elsewhere"),
    ),
    points=3,
    reference=REF,
)

MATRIX = ExerciseSpec(
    id="norms.matrix",
    title="Matrix norms: columns, rows, Frobenius",
    section="2.3",
    prompt="""\
For a matrix $\\mathbf{M} \\in \\mathbb{R}^{m \\times n}$ write

- `col_norms(M)`: the L2 norm of each **column**, shape `(n,)`;
- `row_norms(M)`: the L2 norm of each **row**, shape `(m,)`;
- `frobenius(M)`: $\\|\\mathbf{M}\\|_F = \\sqrt{\\sum_{ij} m_{ij}^2}$, a scalar.

Shapes are checked exactly: a `(1, n)` answer is not an `(n,)` answer (mind
`keepdims`). The book's `jnp.linalg.norm(jnp.ones((4, 9)))` is 6.0.
""",
    entries=(
        Entry("col_norms", "(M)", "Return the L2 norm of each column of M, shape (n,)."),
        Entry("row_norms", "(M)", "Return the L2 norm of each row of M, shape (m,)."),
        Entry("frobenius", "(M)", "Return the Frobenius norm of M (a scalar)."),
    ),
    checks=(
        checks.values("col_norms", samplers.normal((3, 4)), samples=2),
        checks.values("row_norms", samplers.normal((3, 4)), samples=2),
        checks.values("frobenius", samplers.normal((3, 4)), samples=2),
        checks.values(
            "col_norms", samplers.normal((5, 2)), visibility="hidden", name="col_norms (hidden)"
        ),
        checks.values(
            "row_norms", samplers.normal((5, 2)), visibility="hidden", name="row_norms (hidden)"
        ),
        checks.values(
            "frobenius", samplers.normal((2, 6)), visibility="hidden", name="frobenius (hidden)"
        ),
    ),
    points=2,
    reference=REF,
)

EXERCISES = (VECTOR, MATRIX)
