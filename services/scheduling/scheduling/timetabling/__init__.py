"""Curriculum-based course timetabling (ITC-2007 track 3): formats, checker and solver.

    from scheduling.timetabling import load_instance, solve, check
    instance = load_instance("comp01.ctt")
    result = solve(instance, time_limit=30, seed=1)
    report = check(instance, result.solution)      # per-rule breakdown

Re-solving after a teacher/room became unavailable, keeping the timetable stable:

    changed = instance.with_restrictions(unavailable=instance.teacher_unavailable("t1", 2, 3))
    result = solve(changed, time_limit=10, initial=old, previous=Previous(old, moved_weight=5))
"""
from .checker import Report, check, moved_lectures
from .instance import Course, Curriculum, Instance, Room
from .instance_format import (
    InstanceFormatError,
    format_instance,
    load_instance,
    parse_instance,
    write_instance,
)
from .solution import Assignment, Solution
from .solution_format import (
    SolutionFormatError,
    format_solution,
    load_solution,
    parse_solution,
    write_solution,
)

_SOLVER_NAMES = {"AnnealingParams", "Previous", "Progress", "SolveResult", "solve"}


def __getattr__(name: str):
    # the solver pulls in numba (slow to import); formats and checker do not need it
    if name in _SOLVER_NAMES:
        from . import solver
        return getattr(solver, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AnnealingParams", "Assignment", "Course", "Curriculum", "Instance", "InstanceFormatError",
    "Previous", "Progress", "Report", "Room", "Solution", "SolutionFormatError", "SolveResult",
    "check", "format_instance", "format_solution", "load_instance", "load_solution",
    "moved_lectures", "parse_instance", "parse_solution", "solve", "write_instance",
    "write_solution",
]
