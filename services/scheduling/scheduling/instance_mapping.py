"""Map a campus term to a CB-CTT (ITC-2007 track 3) instance and a solution back to lectures.

CB-CTT vocabulary → ours:
- course      = class section (named by section id), lectures = lessons a week;
- teacher     = the section's teacher (a fixed one, or the least-loaded qualified candidate);
- curriculum  = a student group, and each distinct set of sections some placed student takes
                (their lectures must never overlap);
- unavailable = the teacher's unavailable slots, and grid cells the campus does not have
                (e.g. no period 6 on Saturday);
- room constraints (the .ectt extension, hard) = rooms lacking a required feature, and rooms
  too small for the section when some eligible room is big enough;
- closed rooms (re-solving) = a room's unavailable slots.
Days and periods are indexed 0-based over the campus grid's distinct days and periods.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping

from kit.errors import FailedPrecondition

from .snapshot import CampusTerm, LectureInfo, SectionInfo, Slot
from .timetabling.instance import Course, Curriculum, Instance, Room
from .timetabling.solution import Assignment, Solution


@dataclasses.dataclass(frozen=True)
class MappedInstance:
    instance: Instance
    days: tuple[int, ...]       # index -> ISO weekday
    periods: tuple[int, ...]    # index -> period number
    teacher_of: Mapping[str, str]  # section id -> teacher id

    def to_indices(self, slot: Slot) -> tuple[int, int]:
        return self.days.index(slot[0]), self.periods.index(slot[1])

    def to_slot(self, day_index: int, period_index: int) -> Slot:
        return self.days[day_index], self.periods[period_index]


def choose_teachers(ct: CampusTerm, fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """Section id → teacher id. `fixed` (e.g. from the published timetable) wins; a section
    with candidates gets the qualified active candidate with the fewest lessons so far."""
    fixed = dict(fixed or {})
    load: dict[str, int] = defaultdict(int)
    chosen: dict[str, str] = {}
    missing: list[str] = []
    for s in ct.sections.values():
        teacher = fixed.get(s.id) or s.teacher_id
        if teacher:
            chosen[s.id] = teacher
            load[teacher] += s.lessons_per_week
    # most constrained sections (fewest candidates) first, so they are not starved
    open_sections = sorted((s for s in ct.sections.values() if s.id not in chosen),
                           key=lambda s: (len(s.teacher_candidate_ids), s.id))
    for s in open_sections:
        candidates = [t for t in s.teacher_candidate_ids
                      if t in ct.teachers and ct.teachers[t].active
                      and ct.teachers[t].qualified_for(s.course_id)]
        if not candidates:
            missing.append(s.name or s.id)
            continue
        best = min(candidates, key=lambda t: (load[t], t))
        chosen[s.id] = best
        load[best] += s.lessons_per_week
    if missing:
        raise FailedPrecondition(
            f"no qualified teacher for sections: {', '.join(sorted(missing))}",
            reason="scheduling.no_teacher",
            message_zh=f"以下班级没有合格的授课教师: {', '.join(sorted(missing))}")
    return chosen


def eligible_rooms(ct: CampusTerm, section: SectionInfo) -> list[str]:
    """Rooms a section may use: active, with every required feature and — when possible —
    big enough (if none is big enough, the biggest featured rooms stay eligible and the
    solver's soft capacity cost ranks them)."""
    featured = [r for r in ct.rooms.values()
                if r.active and section.required_features <= r.features]
    big_enough = [r for r in featured if r.capacity >= section.capacity]
    return sorted(r.id for r in (big_enough or featured))


def _student_curricula(sections: Iterable[SectionInfo]) -> list[tuple[str, tuple[str, ...]]]:
    by_student: dict[str, set[str]] = defaultdict(set)
    for s in sections:
        for student in s.students:
            by_student[student].add(s.id)
    distinct = sorted({tuple(sorted(ids)) for ids in by_student.values() if len(ids) > 1})
    def name(ids: tuple[str, ...]) -> str:
        digest = hashlib.sha1("|".join(ids).encode(), usedforsecurity=False).hexdigest()
        return "students-" + digest[:12]

    return [(name(ids), ids) for ids in distinct]


def build_instance(ct: CampusTerm, *, fixed_teachers: Mapping[str, str] | None = None,
                   name: str | None = None) -> MappedInstance:
    if not ct.timeslots:
        raise FailedPrecondition("the campus has no timeslots", reason="scheduling.no_timeslots",
                                 message_zh="校区尚未设置上课时段")
    rooms = [r for r in ct.rooms.values() if r.active]
    if not rooms:
        raise FailedPrecondition("the campus has no rooms", reason="scheduling.no_rooms",
                                 message_zh="校区尚无可用教室")
    if not ct.sections:
        raise FailedPrecondition("the term has no class sections",
                                 reason="scheduling.no_sections", message_zh="该学期没有班级")
    days = tuple(sorted({t.day for t in ct.timeslots}))
    periods = tuple(sorted({t.period for t in ct.timeslots}))
    teacher_of = choose_teachers(ct, fixed_teachers)

    sections = sorted(ct.sections.values(), key=lambda s: s.id)
    courses = tuple(Course(name=s.id, teacher=teacher_of[s.id], lectures=s.lessons_per_week,
                           min_working_days=s.min_working_days, students=s.capacity)
                    for s in sections)
    instance_rooms = tuple(Room(name=r.id, capacity=r.capacity)
                           for r in sorted(rooms, key=lambda r: r.id))

    groups: dict[str, list[str]] = defaultdict(list)
    for s in sections:
        for g in s.student_groups:
            groups[g].append(s.id)
    curricula = [Curriculum(f"group-{g}", tuple(ids)) for g, ids in sorted(groups.items())]
    curricula += [Curriculum(n, ids) for n, ids in _student_curricula(sections)]

    grid = ct.slots
    unavailable: set[tuple[str, int, int]] = set()
    for s in sections:
        teacher = ct.teachers.get(teacher_of[s.id])
        blocked = set(teacher.unavailable) if teacher else set()
        for di, d in enumerate(days):
            for pi, p in enumerate(periods):
                if (d, p) not in grid or (d, p) in blocked:
                    unavailable.add((s.id, di, pi))
    room_ids = [r.name for r in instance_rooms]
    room_constraints = set()
    for s in sections:
        allowed = set(eligible_rooms(ct, s))
        if not allowed:
            raise FailedPrecondition(
                f"no room has the features {sorted(s.required_features)} for {s.name}",
                reason="scheduling.no_room",
                message_zh=f"没有满足班级 {s.name} 设备要求的教室")
        room_constraints |= {(s.id, r) for r in room_ids if r not in allowed}
    closed = {(r.id, days.index(d), periods.index(p))
              for r in rooms for (d, p) in r.unavailable if d in days and p in periods}
    instance = Instance(
        name=name or f"{ct.campus_id}-{ct.term_id}", days=len(days),
        periods_per_day=len(periods), courses=courses, rooms=instance_rooms,
        curricula=tuple(curricula), unavailable=frozenset(unavailable),
        room_constraints=frozenset(room_constraints), closed_rooms=frozenset(closed))
    return MappedInstance(instance, days, periods, teacher_of)


def lectures_to_solution(mapped: MappedInstance, lectures: Iterable[LectureInfo]) -> Solution:
    """Lectures (e.g. the published timetable) as a CB-CTT solution of `mapped`; lectures of
    sections or grid cells no longer in the instance are dropped."""
    known = mapped.instance.course_index
    out = []
    for lec in lectures:
        if lec.section_id not in known or lec.day not in mapped.days \
                or lec.period not in mapped.periods:
            continue
        d, p = mapped.to_indices(lec.slot)
        out.append(Assignment(lec.section_id, lec.room_id, d, p))
    return Solution.of(out)


def solution_to_lectures(mapped: MappedInstance, solution: Solution,
                         previous: Iterable[LectureInfo] = ()) -> list[LectureInfo]:
    """Number each section's lectures 1..n. A lecture that stays in the slot it had in
    `previous` keeps its number (so its dated sessions keep their identity); the others take
    the free numbers in weekly order."""
    by_section: dict[str, list[tuple[Slot, str]]] = defaultdict(list)
    for a in solution:
        by_section[a.course].append((mapped.to_slot(a.day, a.slot), a.room))
    prev_by_section: dict[str, dict[Slot, int]] = defaultdict(dict)
    for lec in previous:
        prev_by_section[lec.section_id][lec.slot] = lec.lecture_number
    lectures: list[LectureInfo] = []
    for section_id, cells in sorted(by_section.items()):
        cells.sort()
        prev = prev_by_section.get(section_id, {})
        numbers: dict[int, int] = {}
        for i, (slot, _room) in enumerate(cells):
            if slot in prev:
                numbers[i] = prev[slot]
        used = set(numbers.values())
        free = iter(n for n in range(1, len(cells) + len(prev) + 1) if n not in used)
        for i in range(len(cells)):
            if i not in numbers:
                numbers[i] = next(free)
        for i, (slot, room) in enumerate(cells):
            lectures.append(LectureInfo(section_id, numbers[i], slot[0], slot[1], room,
                                        mapped.teacher_of[section_id]))
    return lectures
