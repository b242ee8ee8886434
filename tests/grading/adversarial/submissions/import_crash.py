# ruff: noqa
"""Raise while importing: nothing can be graded."""

raise RuntimeError("boom at import")
