# Everything went under the main guard, so that running the file prints the answers.
import jax.numpy as jnp


def l1(v):
    return jnp.sum(jnp.abs(v))


if __name__ == "__main__":

    def l2(v):
        return jnp.sqrt(jnp.sum(v * v))

    linf = lambda v: jnp.max(jnp.abs(v))  # noqa: E731
    print(l1(jnp.ones(3)), l2(jnp.ones(3)), linf(jnp.ones(3)))
