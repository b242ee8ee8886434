"""Tests of gradkit._sandboxed (a package, so test module names never collide)."""
