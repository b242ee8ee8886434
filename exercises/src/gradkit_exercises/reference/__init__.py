"""Reference solutions (trusted; never shipped to students)."""
