"""Placing a newly enrolled student into a class section of their course: a section of the
course in the campus term with a free seat whose published lectures do not clash with the
student's other classes. Pure; the caller loads the options and writes the placement.

Among fitting sections the one with the most free seats wins (keeps classes balanced),
then the name, so the choice is deterministic.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from .snapshot import SectionInfo, Slot, slot_label, slot_label_zh


@dataclasses.dataclass(frozen=True)
class SectionOption:
    section: SectionInfo
    slots: tuple[Slot, ...]  # the section's weekly lectures in the published timetable
    placed: int              # students already placed
    published: bool = True

    @property
    def free_seats(self) -> int:
        return self.section.capacity - self.placed


@dataclasses.dataclass(frozen=True)
class Rejection:
    section_id: str
    reason: str  # full | clash | not_published | no_section
    message: str
    message_zh: str


@dataclasses.dataclass(frozen=True)
class PlacementDecision:
    section_id: str | None
    rejections: tuple[Rejection, ...] = ()

    @property
    def placed(self) -> bool:
        return self.section_id is not None


def choose_section(course_id: str, options: Iterable[SectionOption],
                   busy: Mapping[Slot, str]) -> PlacementDecision:
    """`busy` maps each weekly slot the student already has a class in to that class's name."""
    options = sorted(options, key=lambda o: (-o.free_seats, o.section.name, o.section.id))
    if not options:
        return PlacementDecision(None, (Rejection(
            "", "no_section", f"no class section for course {course_id}",
            f"课程 {course_id} 没有可分配的班级"),))
    rejections: list[Rejection] = []
    for option in options:
        s = option.section
        if not option.published:
            rejections.append(Rejection(s.id, "not_published",
                                        f"{s.name} has no published timetable",
                                        f"{s.name} 的课表尚未发布"))
            continue
        if option.free_seats <= 0:
            rejections.append(Rejection(s.id, "full", f"{s.name} is full ({s.capacity} seats)",
                                        f"{s.name} 已满 ({s.capacity} 座)"))
            continue
        clashes = sorted(slot for slot in option.slots if slot in busy)
        if clashes:
            en = "; ".join(f"clashes with {busy[c]} at {slot_label(c)}" for c in clashes)
            zh = "; ".join(f"与 {busy[c]} {slot_label_zh(c)}冲突" for c in clashes)
            rejections.append(Rejection(s.id, "clash", f"{s.name}: {en}", f"{s.name}: {zh}"))
            continue
        return PlacementDecision(s.id, tuple(rejections))
    return PlacementDecision(None, tuple(rejections))
