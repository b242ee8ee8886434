"""``df`` computes with ``jax.grad``, put in a class's list by an ``__eq__`` the rules trust.

``assert Rule.shared == Expect()`` looks like a comparison, but ``Expect.__eq__`` fills the
list ``Rule.shared`` that ``df`` (an instance of ``Rule``) reads. Only the compiled program
shows it: JAX's differentiation steps are in it.
"""

import jax
import jax.numpy as jnp


def f(t):
    return jnp.log(t**2) * jnp.sin(t) + 1 / t


class Rule:
    shared = [jnp.cos]

    def __call__(self, x):
        return self.shared[0](x)


df = Rule()


class Expect:
    def __eq__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return True


assert Rule.shared == Expect()
