"""Exercises and grading: the exercise model, the check library, scoring.

Exercises are data plus trusted code (`ExerciseSpec`, registered by plugins).
Checks state requests and judge responses; a `Candidate` answers them
(`InProcessCandidate` for trusted code, the sandbox for submissions);
`grade_candidate` turns the answers into `ExerciseResult` values.
"""

from .._lazy import attach_stub

__getattr__, __dir__, __all__ = attach_stub(__name__, __file__)
