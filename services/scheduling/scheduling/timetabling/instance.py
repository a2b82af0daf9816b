"""The CB-CTT problem instance: courses, rooms, curricula and availability.

Periods are numbered `day * periods_per_day + slot` everywhere in the package; names are
kept only at the edges (file formats, reports).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import cached_property

import numpy as np


@dataclasses.dataclass(frozen=True)
class Course:
    name: str
    teacher: str
    lectures: int
    min_working_days: int
    students: int
    double_lectures: bool = False  # .ectt only; not scored by the ITC-2007 rules


@dataclasses.dataclass(frozen=True)
class Room:
    name: str
    capacity: int
    building: str = ""  # .ectt only


@dataclasses.dataclass(frozen=True)
class Curriculum:
    name: str
    courses: tuple[str, ...]


@dataclasses.dataclass(frozen=True, eq=False)
class Instance:
    """An instance; `unavailable` holds (course, day, slot) triples, `room_constraints`
    (course, room) pairs a course may not use (.ectt), `closed_rooms` (room, day, slot)
    triples in which a room cannot be used (re-solving, not in the file formats)."""

    name: str
    days: int
    periods_per_day: int
    courses: tuple[Course, ...]
    rooms: tuple[Room, ...]
    curricula: tuple[Curriculum, ...]
    unavailable: frozenset[tuple[str, int, int]] = frozenset()
    room_constraints: frozenset[tuple[str, str]] = frozenset()
    closed_rooms: frozenset[tuple[str, int, int]] = frozenset()
    min_daily_lectures: int | None = None  # .ectt only; not scored by the ITC-2007 rules
    max_daily_lectures: int | None = None

    def __post_init__(self) -> None:
        for kind, names in (("course", [c.name for c in self.courses]),
                            ("room", [r.name for r in self.rooms]),
                            ("curriculum", [q.name for q in self.curricula])):
            if len(set(names)) != len(names):
                raise ValueError(f"duplicate {kind} names in instance {self.name!r}")
        for q in self.curricula:
            for c in q.courses:
                if c not in self.course_index:
                    raise ValueError(f"curriculum {q.name!r} names unknown course {c!r}")
        for c, d, s in self.unavailable:
            self._check_slot(d, s)
            if c not in self.course_index:
                raise ValueError(f"unavailability names unknown course {c!r}")
        for c, r in self.room_constraints:
            if c not in self.course_index or r not in self.room_index:
                raise ValueError(f"room constraint names unknown course/room {c!r}/{r!r}")
        for r, d, s in self.closed_rooms:
            self._check_slot(d, s)
            if r not in self.room_index:
                raise ValueError(f"closed room names unknown room {r!r}")

    def _check_slot(self, day: int, slot: int) -> None:
        if not (0 <= day < self.days and 0 <= slot < self.periods_per_day):
            raise ValueError(f"day/period {day}/{slot} out of range")

    # --- sizes and indices -------------------------------------------------------------
    @property
    def periods(self) -> int:
        return self.days * self.periods_per_day

    @cached_property
    def total_lectures(self) -> int:
        return sum(c.lectures for c in self.courses)

    @cached_property
    def course_index(self) -> dict[str, int]:
        return {c.name: i for i, c in enumerate(self.courses)}

    @cached_property
    def room_index(self) -> dict[str, int]:
        return {r.name: i for i, r in enumerate(self.rooms)}

    def period(self, day: int, slot: int) -> int:
        return day * self.periods_per_day + slot

    # --- derived arrays (read-only views for the checker and the solver) ---------------
    @cached_property
    def course_curricula(self) -> tuple[tuple[int, ...], ...]:
        """For each course, the indices of the curricula it belongs to."""
        member: list[list[int]] = [[] for _ in self.courses]
        for g, q in enumerate(self.curricula):
            for c in dict.fromkeys(q.courses):  # a course listed twice counts once
                member[self.course_index[c]].append(g)
        return tuple(tuple(m) for m in member)

    @cached_property
    def conflicts(self) -> np.ndarray:
        """conflicts[c1, c2]: the courses share a teacher or a curriculum (diagonal False)."""
        n = len(self.courses)
        m = np.zeros((n, n), dtype=np.bool_)
        by_teacher: dict[str, list[int]] = {}
        for i, c in enumerate(self.courses):
            by_teacher.setdefault(c.teacher, []).append(i)
        groups: Iterable[list[int]] = list(by_teacher.values()) + [
            [self.course_index[c] for c in q.courses] for q in self.curricula]
        for group in groups:
            idx = np.array(group, dtype=np.int64)
            m[np.ix_(idx, idx)] = True
        np.fill_diagonal(m, False)
        return m

    @cached_property
    def available(self) -> np.ndarray:
        """available[c, p]: course c may be taught in period p."""
        a = np.ones((len(self.courses), self.periods), dtype=np.bool_)
        for c, d, s in self.unavailable:
            a[self.course_index[c], self.period(d, s)] = False
        return a

    @cached_property
    def room_allowed(self) -> np.ndarray:
        """room_allowed[c, r]: course c may use room r (.ectt room constraints)."""
        a = np.ones((len(self.courses), len(self.rooms)), dtype=np.bool_)
        for c, r in self.room_constraints:
            a[self.course_index[c], self.room_index[r]] = False
        return a

    @cached_property
    def room_open(self) -> np.ndarray:
        """room_open[r, p]: room r can be used in period p."""
        a = np.ones((len(self.rooms), self.periods), dtype=np.bool_)
        for r, d, s in self.closed_rooms:
            a[self.room_index[r], self.period(d, s)] = False
        return a

    # --- variants for re-solving --------------------------------------------------------
    def with_restrictions(
        self,
        unavailable: Iterable[tuple[str, int, int]] = (),
        room_constraints: Iterable[tuple[str, str]] = (),
        closed_rooms: Iterable[tuple[str, int, int]] = (),
    ) -> Instance:
        """A copy with more forbidden (course, day, slot), (course, room) and
        (room, day, slot) combinations, e.g. a teacher or a room became unavailable."""
        return dataclasses.replace(
            self,
            unavailable=self.unavailable | frozenset(unavailable),
            room_constraints=self.room_constraints | frozenset(room_constraints),
            closed_rooms=self.closed_rooms | frozenset(closed_rooms),
        )

    def teacher_unavailable(self, teacher: str, day: int, slot: int) -> list[tuple[str, int, int]]:
        """The (course, day, slot) triples that make `teacher` unavailable at (day, slot)."""
        return [(c.name, day, slot) for c in self.courses if c.teacher == teacher]
