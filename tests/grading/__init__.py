"""Tests of gradkit.grading (a package, so test module names never collide)."""
