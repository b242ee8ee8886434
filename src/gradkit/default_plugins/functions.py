"""Built-in functions, registered through the same hook plugins use."""

from gradkit.hookspecs import hookimpl


@hookimpl
def register_functions(register):  # filled in by the foundation issue
    del register
