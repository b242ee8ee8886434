# exercise: autodiff.forward-backward
# fails: forward_derivative uses forward mode only
# fails: forward_derivative uses forward mode
# mistake: "forward" computed with jax.jacobian, which is reverse mode (jacrev)
import jax


def forward_derivative(f, x):
    return jax.jacobian(f)(x)


def reverse_derivative(f, x):
    return jax.grad(f)(x)
