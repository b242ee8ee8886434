# exercise: autodiff.forward-or-reverse
# fails: cost ≤ 4× best on R²⁵⁶ → R²
# mistake: always forward mode: 256 passes for a wide function
import jax


def jacobian_auto(f, x):
    return jax.jacfwd(f)(x)
