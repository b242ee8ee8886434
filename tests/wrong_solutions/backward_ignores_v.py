# exercise: autodiff.non-scalar-backward
# fails: with a cotangent v | with v, R² → R²⁵⁶ | with v (hidden)
# mistake: always sums the outputs (y.sum().backward()), ignoring v
import jax


def backward(f, x, v=None):
    return jax.grad(lambda x: f(x).sum())(x)
