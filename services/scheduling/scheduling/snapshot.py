"""Plain, immutable views of one campus term that the rule modules work on.

`repository.py` builds them from the database; tests build them by hand. Nothing here knows
about SQLAlchemy, gRPC or the solver.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

Slot = tuple[int, int]  # (ISO weekday 1..7, 1-based period)

DAY_NAMES_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def slot_label(slot: Slot) -> str:
    """"Tue p2" — how a slot is named in English messages."""
    return f"{DAY_NAMES_EN[slot[0] - 1]} p{slot[1]}"


def slot_label_zh(slot: Slot) -> str:
    return f"{DAY_NAMES_ZH[slot[0] - 1]}第{slot[1]}节"


@dataclasses.dataclass(frozen=True)
class TimeslotInfo:
    day: int
    period: int
    start_time: str  # "HH:MM"
    end_time: str

    @property
    def slot(self) -> Slot:
        return (self.day, self.period)


@dataclasses.dataclass(frozen=True)
class RoomInfo:
    id: str
    name: str
    capacity: int
    features: frozenset[str] = frozenset()
    unavailable: frozenset[Slot] = frozenset()
    active: bool = True


@dataclasses.dataclass(frozen=True)
class TeacherInfo:
    id: str
    name: str
    course_ids: frozenset[str] = frozenset()
    unavailable: frozenset[Slot] = frozenset()
    active: bool = True

    def qualified_for(self, course_id: str) -> bool:
        return course_id in self.course_ids


@dataclasses.dataclass(frozen=True)
class SectionInfo:
    id: str
    name: str
    course_id: str
    lessons_per_week: int
    capacity: int
    course_name: str = ""
    teacher_id: str | None = None
    teacher_candidate_ids: tuple[str, ...] = ()
    min_working_days: int = 1
    student_groups: frozenset[str] = frozenset()
    required_features: frozenset[str] = frozenset()
    students: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class LectureInfo:
    """One weekly lecture of a section in a timetable."""
    section_id: str
    lecture_number: int
    day: int
    period: int
    room_id: str
    teacher_id: str

    @property
    def slot(self) -> Slot:
        return (self.day, self.period)

    @property
    def key(self) -> tuple[str, int]:
        return (self.section_id, self.lecture_number)


@dataclasses.dataclass(frozen=True)
class CampusTerm:
    """Everything the timetable of one campus and term depends on."""
    campus_id: str
    term_id: str
    timeslots: tuple[TimeslotInfo, ...]
    rooms: Mapping[str, RoomInfo]
    teachers: Mapping[str, TeacherInfo]
    sections: Mapping[str, SectionInfo]

    @classmethod
    def of(cls, campus_id: str, term_id: str, timeslots: Iterable[TimeslotInfo],
           rooms: Iterable[RoomInfo], teachers: Iterable[TeacherInfo],
           sections: Iterable[SectionInfo]) -> CampusTerm:
        return cls(campus_id, term_id,
                   tuple(sorted(timeslots, key=lambda t: t.slot)),
                   {r.id: r for r in rooms}, {t.id: t for t in teachers},
                   {s.id: s for s in sections})

    @property
    def slots(self) -> frozenset[Slot]:
        return frozenset(t.slot for t in self.timeslots)

    def timeslot(self, slot: Slot) -> TimeslotInfo | None:
        for t in self.timeslots:
            if t.slot == slot:
                return t
        return None
