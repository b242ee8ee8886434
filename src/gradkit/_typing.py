"""The array annotations of gradkit's public maths, in jaxtyping's notation.

Annotations only: nothing here checks at run time (gradkit checks its inputs
itself, with messages that say what to do). A runtime checker such as
``jaxtyping.jaxtyped(typechecker=beartype)`` can hold a call to them, which is
how ``tests/test_typing.py`` keeps them true. A dtype class says what gradkit
accepts (`Inexact`: real or complex floating point, as `gk.grad` needs; `Real`:
integers too, converted) and a shape string what it returns (``"*shape"``: the
input's shape; ``""``: a scalar; ``"..."``: any).
"""

from __future__ import annotations

from jaxtyping import Array, ArrayLike, Inexact, Num, PyTree, Shaped

# A point to differentiate at: one array (or number) or a pytree of them, real or
# complex floating point. " X" names its structure: what is shaped like the point
# (a gradient, an hvp, a tangent) has the same structure.
Point = PyTree[Inexact[ArrayLike, "..."], " X"]
Tangent = PyTree[Inexact[Array, "..."], " X"]

# Floating-point arguments, each its own array or pytree (check_grad's)
Arguments = PyTree[Inexact[ArrayLike, "..."]]

# What grad, jacobian and hessian return: arrays shaped like the arguments they
# differentiate (a pytree for a pytree argument).
Derivatives = PyTree[Inexact[Array, "..."]]

# gk.backward's weights, one per output of f (a pytree for a pytree output)
Cotangent = PyTree[Num[ArrayLike, "..."]]

# detach: any arrays (or numbers) in, the same structure out, cut from
# differentiation (a Python number stays a number)
Values = PyTree[Shaped[ArrayLike, "..."], " T"]
