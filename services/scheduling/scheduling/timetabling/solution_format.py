"""Reading and writing solutions: one lecture a line, `course room day period`."""

from __future__ import annotations

import os
from pathlib import Path

from .instance import Instance
from .solution import Assignment, Solution


class SolutionFormatError(ValueError):
    pass


def parse_solution(
    text: str, instance: Instance | None = None, source: str = "<string>"
) -> Solution:
    """Parse solution text. With `instance`, unknown courses/rooms and days/periods out of
    range are rejected (they cannot be scored); repeated lines are kept for the checker."""
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 4:
            raise SolutionFormatError(
                f"{source}:{n}: expected 'course room day period', got {line!r}"
            )
        try:
            a = Assignment(fields[0], fields[1], int(fields[2]), int(fields[3]))
        except ValueError:
            raise SolutionFormatError(f"{source}:{n}: day and period must be integers") from None
        if instance is not None:
            if a.course not in instance.course_index:
                raise SolutionFormatError(f"{source}:{n}: unknown course {a.course!r}")
            if a.room not in instance.room_index:
                raise SolutionFormatError(f"{source}:{n}: unknown room {a.room!r}")
            if not (0 <= a.day < instance.days and 0 <= a.slot < instance.periods_per_day):
                raise SolutionFormatError(f"{source}:{n}: day/period {a.day}/{a.slot} out of range")
        out.append(a)
    return Solution(tuple(out))


def load_solution(path: str | os.PathLike[str], instance: Instance | None = None) -> Solution:
    path = Path(path)
    return parse_solution(path.read_text(encoding="utf-8"), instance, source=str(path))


def format_solution(solution: Solution) -> str:
    return "".join(f"{a.course} {a.room} {a.day} {a.slot}\n" for a in solution)


def write_solution(solution: Solution, path: str | os.PathLike[str]) -> None:
    """Write atomically (temp file + rename) so a reader, or a kill mid-write, never sees
    half a timetable."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(format_solution(solution), encoding="utf-8")
    os.replace(tmp, path)
