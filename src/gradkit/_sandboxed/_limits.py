"""What a sandboxed child does to itself before it runs anything untrusted.

The grader (`gradkit.grading._sandbox`) starts the child; the child limits
itself here (`apply_limits`: ``RLIMIT_DATA``, ``RLIMIT_CPU``,
``RLIMIT_FSIZE``, no core files; not ``RLIMIT_AS``, which kills JAX at
start) and reads the modules it must refuse to import from `REFUSE_ENV`.
Standard library only.
"""

from __future__ import annotations

REFUSE_ENV = "GRADKIT_REFUSE"  # modules a child refuses to import (the exercises')


def apply_limits(memory_mb: int, cpu_seconds: int) -> None:
    """Limit this process (called by a child before it runs anything untrusted)."""
    import resource

    data = memory_mb << 20
    limits = {
        resource.RLIMIT_DATA: (data, data),
        resource.RLIMIT_CPU: (cpu_seconds, cpu_seconds + 1),
        resource.RLIMIT_FSIZE: (16 << 20, 16 << 20),
        resource.RLIMIT_CORE: (0, 0),
    }
    for kind, value in limits.items():
        resource.setrlimit(kind, value)
