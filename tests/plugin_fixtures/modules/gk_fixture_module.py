"""A plugin loaded with `-p gk_fixture_module`."""

import gradkit as gk

__version__ = "2.5"


@gk.hookimpl
def register_functions(register):
    register(gk.FunctionSpec("fixture-module-square", lambda x: x * x))
