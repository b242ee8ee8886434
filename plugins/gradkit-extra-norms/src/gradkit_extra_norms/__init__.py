"""gradkit-extra-norms: Huber, Schatten-p and group L2,1 norms, log-cosh and swish.

The hooks import the JAX kernels (`gradkit_extra_norms._kernels`) only when
gradkit calls them, so importing the plugin stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable

import gradkit as gk

__version__ = "0.1.0"


@gk.hookimpl
def register_norms(register: Callable[[gk.NormSpec], None]) -> None:
    """Register huber, schatten-1, schatten-3 and l21."""
    from . import _kernels as k

    register(
        gk.NormSpec(
            name="huber",
            fn=k.huber,
            kind="vector",
            is_norm=False,
            description="Σ hᵟ(vᵢ), δ=1: vᵢ²/2 if |vᵢ| ≤ 1 else |vᵢ| − ½; gradient clip(v, −1, 1)",
        )
    )
    for p in (1, 3):
        register(
            gk.NormSpec(
                name=f"schatten-{p}",
                fn=k.schatten(p),
                kind="matrix",
                description=f"(Σσᵢ^{p})^(1/{p}) over the singular values; gradient 0 at A = 0",
            )
        )
    register(
        gk.NormSpec(
            name="l21",
            fn=k.l21,
            kind="matrix",
            description="Σⱼ ‖a₍:,j₎‖₂, the sum of the column L2 norms; 0 gradient on zero columns",
        )
    )


@gk.hookimpl
def register_functions(register: Callable[[gk.FunctionSpec], None]) -> None:
    """Register log-cosh and swish, elementwise, with their derivatives."""
    from . import _kernels as k

    register(
        gk.FunctionSpec(
            name="log-cosh",
            fn=k.log_cosh,
            description="log(cosh x), a smooth |x|; derivative tanh x",
            sampler=k.normal_vector,
            derivative=k.tanh,
        )
    )
    register(
        gk.FunctionSpec(
            name="swish",
            fn=k.swish,
            description="x·σ(x) (SiLU); derivative σ(x)(1 + x(1 − σ(x)))",
            sampler=k.normal_vector,
            derivative=k.swish_derivative,
        )
    )
