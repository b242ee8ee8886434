# exercise: autodiff.forward-or-reverse
# fails: cost ≤ 4× best on R²⁵⁶ → R² | cost ≤ 4× best on R² → R²⁵⁶
# mistake: the rule backwards: reverse mode for few inputs, forward for many
import jax


def jacobian_auto(f, x):
    m = jax.eval_shape(f, x).size
    if x.size <= m:
        return jax.jacrev(f)(x)
    return jax.jacfwd(f)(x)
