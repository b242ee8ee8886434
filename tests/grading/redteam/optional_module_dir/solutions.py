"""A file beside solutions.py named like a module a library imports if it is there
(numpy's show_config tries `import yaml`): it would run and put an autodiff `slope` in
builtins. Nothing imports it, so the worker is not given it."""

import numpy as np


def df(x):
    np.show_config()
    return slope(x)  # noqa: F821 - what yaml.py would have put in builtins
