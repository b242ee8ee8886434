"""A single-file gradkit plugin: the pseudo-Huber function and norm.

Use it without installing anything::

    gradkit --plugins-dir plugins/single_file functions
    GRADKIT_PLUGINS_DIR=plugins/single_file python -c "import gradkit as gk; print(gk.norms)"

Every ``*.py`` file in a plugin directory is a plugin named after the file
(here ``smooth_abs``, so ``-p no:smooth_abs`` blocks it).
"""

import gradkit as gk


def smooth_abs(x):
    """Return sqrt(x² + 1) − 1 elementwise: ≈ x²/2 near 0, ≈ |x| − 1 far away."""
    import jax.numpy as jnp

    return jnp.sqrt(x * x + 1.0) - 1.0


def smooth_abs_derivative(x):
    """Return x / sqrt(x² + 1), the derivative of `smooth_abs` (0 at x = 0)."""
    import jax.numpy as jnp

    return x / jnp.sqrt(x * x + 1.0)


def pseudo_huber(v):
    """Return Σᵢ (sqrt(vᵢ² + 1) − 1); smooth, gradient 0 at v = 0, not homogeneous."""
    import jax.numpy as jnp

    return jnp.sum(smooth_abs(v))


def sample(key):
    import jax

    return jax.random.normal(key, (4,))


@gk.hookimpl
def register_functions(register):
    register(
        gk.FunctionSpec(
            name="smooth-abs",
            fn=smooth_abs,
            description="sqrt(x² + 1) − 1, a smooth |x|; derivative x/sqrt(x² + 1)",
            sampler=sample,
            derivative=smooth_abs_derivative,
        )
    )


@gk.hookimpl
def register_norms(register):
    register(
        gk.NormSpec(
            name="pseudo-huber",
            fn=pseudo_huber,
            kind="vector",
            is_norm=False,
            description="Σ (sqrt(vᵢ² + 1) − 1), the smooth Huber penalty",
        )
    )
