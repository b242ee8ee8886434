"""Calculus exercises (§2.4)."""

EXERCISES: tuple = ()
