"""Built-in norm variants, registered through the same hook plugins use."""

from gradkit.hookspecs import hookimpl


@hookimpl
def register_norms(register):  # filled in by the norms issue
    del register
