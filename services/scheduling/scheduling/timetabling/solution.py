"""A timetable: where and when each lecture takes place."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence


@dataclasses.dataclass(frozen=True, order=True)
class Assignment:
    """One lecture: `course` is taught in `room` on `day` at `slot` (both 0-based)."""

    course: str
    room: str
    day: int
    slot: int


@dataclasses.dataclass(frozen=True)
class Solution:
    assignments: tuple[Assignment, ...]

    @classmethod
    def of(cls, assignments: Iterable[Assignment | Sequence]) -> Solution:
        return cls(tuple(a if isinstance(a, Assignment) else Assignment(*a) for a in assignments))

    def __len__(self) -> int:
        return len(self.assignments)

    def __iter__(self):
        return iter(self.assignments)
