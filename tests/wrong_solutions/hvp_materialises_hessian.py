# exercise: autodiff.second-derivative-cost
# fails: cost ≤ 4× forward-over-reverse at n = 256
# mistake: forms the n×n Hessian, then multiplies
import jax


def hvp(f, x, v):
    return jax.hessian(f)(x) @ v
