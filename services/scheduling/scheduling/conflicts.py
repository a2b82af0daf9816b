"""Conflicts of a proposed manual change to one lecture (move it to another timeslot, room
or teacher), each with a reason in English and Chinese. Pure: takes a snapshot and the
timetable's lectures, returns a list (empty = the change is safe)."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from kit.errors import NotFound

from .snapshot import CampusTerm, LectureInfo, Slot, slot_label, slot_label_zh


@dataclasses.dataclass(frozen=True)
class Conflict:
    kind: str
    message: str
    message_zh: str
    other_section_id: str = ""


@dataclasses.dataclass(frozen=True)
class ProposedChange:
    section_id: str
    lecture_number: int
    slot: Slot | None = None       # None keeps the current slot
    room_id: str | None = None     # None keeps the current room
    teacher_id: str | None = None  # None keeps the current teacher


def apply_change(lectures: Iterable[LectureInfo], change: ProposedChange) -> LectureInfo:
    for lec in lectures:
        if lec.key == (change.section_id, change.lecture_number):
            day, period = change.slot or lec.slot
            return dataclasses.replace(lec, day=day, period=period,
                                       room_id=change.room_id or lec.room_id,
                                       teacher_id=change.teacher_id or lec.teacher_id)
    raise NotFound(f"lecture {change.lecture_number} of section {change.section_id} not found",
                   reason="scheduling.lecture_not_found", message_zh="未找到该课次")


def check_change(ct: CampusTerm, lectures: Iterable[LectureInfo],
                 change: ProposedChange) -> list[Conflict]:
    lectures = list(lectures)
    new = apply_change(lectures, change)
    section = ct.sections[new.section_id]
    slot = new.slot
    at, at_zh = slot_label(slot), slot_label_zh(slot)
    out: list[Conflict] = []
    if slot not in ct.slots:
        out.append(Conflict("no_such_slot", f"the campus has no timeslot {at}",
                            f"校区没有{at_zh}这个时段"))
    others = [lec for lec in lectures if lec.key != new.key and lec.slot == slot]

    def name(section_id: str) -> str:
        s = ct.sections.get(section_id)
        return s.name if s else section_id

    teacher = ct.teachers.get(new.teacher_id)
    if teacher is None:
        out.append(Conflict("teacher_not_qualified", f"unknown teacher {new.teacher_id}",
                            f"教师 {new.teacher_id} 不存在"))
    else:
        if not teacher.qualified_for(section.course_id):
            course = section.course_name or section.course_id
            out.append(Conflict("teacher_not_qualified",
                                f"{teacher.name} is not qualified for {course}",
                                f"{teacher.name} 没有 {course} 的授课资格"))
        if slot in teacher.unavailable or not teacher.active:
            out.append(Conflict("teacher_unavailable", f"{teacher.name} is unavailable at {at}",
                                f"{teacher.name} {at_zh}不可用"))
    for lec in others:
        if lec.teacher_id == new.teacher_id:
            out.append(Conflict("teacher_busy",
                                f"teacher busy with {name(lec.section_id)} at {at}",
                                f"教师{at_zh}已有 {name(lec.section_id)} 的课", lec.section_id))

    room = ct.rooms.get(new.room_id)
    if room is None:
        out.append(Conflict("room_unavailable", f"unknown room {new.room_id}",
                            f"教室 {new.room_id} 不存在"))
    else:
        if slot in room.unavailable or not room.active:
            out.append(Conflict("room_unavailable", f"room {room.name} is unavailable at {at}",
                                f"教室 {room.name} {at_zh}不可用"))
        size = max(section.capacity, len(section.students))
        if room.capacity < size:
            out.append(Conflict("room_too_small",
                                f"room {room.name} seats {room.capacity}, the class needs {size}",
                                f"教室 {room.name} 仅 {room.capacity} 座, 班级需要 {size} 座"))
        missing = sorted(section.required_features - room.features)
        if missing:
            out.append(Conflict("room_lacks_feature",
                                f"room {room.name} lacks {', '.join(missing)}",
                                f"教室 {room.name} 缺少设备: {', '.join(missing)}"))
    for lec in others:
        if lec.room_id == new.room_id:
            out.append(Conflict("room_busy", f"room used by {name(lec.section_id)} at {at}",
                                f"教室{at_zh}已被 {name(lec.section_id)} 占用", lec.section_id))

    for lec in others:
        other = ct.sections.get(lec.section_id)
        if other is None:
            continue
        if other.id == section.id:
            out.append(Conflict("section_busy", f"{section.name} already has a lecture at {at}",
                                f"{section.name} {at_zh}已有课", other.id))
            continue
        shared = sorted(section.student_groups & other.student_groups)
        if shared:
            out.append(Conflict("student_group_clash",
                                f"group {', '.join(shared)} also has {other.name} at {at}",
                                f"学员组 {', '.join(shared)} {at_zh}还有 {other.name} 的课",
                                other.id))
        common = section.students & other.students
        if common:
            out.append(Conflict("student_clash",
                                f"{len(common)} student(s) also attend {other.name} at {at}",
                                f"{len(common)} 名学员{at_zh}还要上 {other.name}", other.id))
    return out
