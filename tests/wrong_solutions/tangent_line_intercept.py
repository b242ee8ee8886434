# exercise: calculus.tangent-line
# fails: intercept of x³ − 1/x at 1 | tangent lines (hidden)
# mistake: uses f(x0) as the intercept
import jax


def tangent_line(f, x0):
    return jax.grad(f)(x0), f(x0)
