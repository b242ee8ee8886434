# solutions.py of a student whose helpers live in a package folder, my_utils/norms.py
import jax.numpy as jnp
from my_utils.norms import safe_sqrt


def l2(v):
    return safe_sqrt(jnp.sum(v * v))
