# exercise: autodiff.forward-backward
# fails: forward_derivative uses forward mode only
# fails: forward_derivative uses forward mode
# mistake: "forward" computed with jax.grad (reverse mode)
import jax


def forward_derivative(f, x):
    return jax.grad(f)(x)


def reverse_derivative(f, x):
    return jax.grad(f)(x)
