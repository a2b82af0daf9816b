"""Independent scoring of a solution by the ITC-2007 track 3 rules.

Written from the rules, not from the solver's incremental cost code, so that the two can
check each other. Counting follows the competition's validator:

Hard
  lectures        for each course, required lectures minus the distinct periods it is taught
                  in (a repeated course/period counts as missing); lectures beyond the required
                  number are counted too (the competition's reader cannot represent them).
  conflicts       one per period and pair of courses sharing a teacher or a curriculum that are
                  both taught in that period.
  availability    one per lecture in a period its course is unavailable.
  room_occupancy  per room and period, lectures beyond the first.
  room_constraints one per lecture in a room its course may not use (.ectt; and rooms closed
                  in a period when re-solving).
Soft (weighted)
  room_capacity          students over capacity, x1, per lecture.
  min_working_days       days short of the minimum, x5, per course.
  curriculum_compactness lectures of a curriculum with no lecture of it in an adjacent slot of
                         the same day, x2 (several lectures in one period each count).
  room_stability         distinct rooms minus one, x1, per course.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

from .instance import Instance
from .solution import Solution

HARD_RULES = ("lectures", "conflicts", "availability", "room_occupancy", "room_constraints")
SOFT_RULES = ("room_capacity", "min_working_days", "curriculum_compactness", "room_stability")
SOFT_WEIGHTS = {
    "room_capacity": 1,
    "min_working_days": 5,
    "curriculum_compactness": 2,
    "room_stability": 1,
}


@dataclasses.dataclass(frozen=True)
class Report:
    hard: dict[str, int]
    soft: dict[str, int]  # already weighted
    moved_lectures: int | None = None  # vs a previous solution, when one was given

    @property
    def hard_violations(self) -> int:
        return sum(self.hard.values())

    @property
    def soft_cost(self) -> int:
        return sum(self.soft.values())

    @property
    def feasible(self) -> bool:
        return self.hard_violations == 0

    def format(self) -> str:
        lines = [f"hard violations: {self.hard_violations}"]
        lines += [f"  {rule:<24}{self.hard[rule]:>8}" for rule in HARD_RULES]
        lines.append(f"soft cost: {self.soft_cost}")
        lines += [
            f"  {rule:<24}{self.soft[rule]:>8}  (x{SOFT_WEIGHTS[rule]})" for rule in SOFT_RULES
        ]
        if self.moved_lectures is not None:
            lines.append(f"moved lectures (vs previous): {self.moved_lectures}")
        return "\n".join(lines)


def check(instance: Instance, solution: Solution, previous: Solution | None = None) -> Report:
    inst = instance
    ppd = inst.periods_per_day
    course_of = {c.name: c for c in inst.courses}
    capacity = {r.name: r.capacity for r in inst.rooms}
    closed = inst.closed_rooms

    # the timetable as the validator sees it: one room per (course, period), last line wins
    placed: dict[tuple[str, int], str] = {}
    for a in solution:
        placed[(a.course, a.day * ppd + a.slot)] = a.room

    hard = dict.fromkeys(HARD_RULES, 0)
    soft = dict.fromkeys(SOFT_RULES, 0)

    periods_of: dict[str, set[int]] = defaultdict(set)
    for c, p in placed:
        periods_of[c].add(p)
    for c in inst.courses:
        taught = len(periods_of[c.name])
        hard["lectures"] += abs(c.lectures - taught)

    courses_in_period: dict[int, list[str]] = defaultdict(list)
    for c, p in placed:
        courses_in_period[p].append(c)
    ci = inst.course_index
    conflicts = inst.conflicts
    for cs in courses_in_period.values():
        idx = [ci[c] for c in cs]
        for i in range(len(idx)):
            for j in range(i + 1, len(idx)):
                hard["conflicts"] += int(conflicts[idx[i], idx[j]])

    for (c, p), room in placed.items():
        d, s = divmod(p, ppd)
        if (c, d, s) in inst.unavailable:
            hard["availability"] += 1
        if (c, room) in inst.room_constraints or (room, d, s) in closed:
            hard["room_constraints"] += 1
        students = course_of[c].students
        if students > capacity[room]:
            soft["room_capacity"] += students - capacity[room]

    room_use = Counter((room, p) for (c, p), room in placed.items())
    hard["room_occupancy"] = sum(n - 1 for n in room_use.values() if n > 1)

    for c in inst.courses:
        days = {p // ppd for p in periods_of[c.name]}
        if len(days) < c.min_working_days:
            soft["min_working_days"] += 5 * (c.min_working_days - len(days))
        rooms = {placed[(c.name, p)] for p in periods_of[c.name]}
        if len(rooms) > 1:
            soft["room_stability"] += len(rooms) - 1

    for q in inst.curricula:
        members = set(q.courses)
        count = Counter(p for (c, p) in placed if c in members)
        for p, n in count.items():
            s = p % ppd
            before = count.get(p - 1, 0) if s > 0 else 0
            after = count.get(p + 1, 0) if s < ppd - 1 else 0
            if before == 0 and after == 0:
                soft["curriculum_compactness"] += 2 * n

    moved = None
    if previous is not None:
        moved = moved_lectures(previous, solution)
    return Report(hard, soft, moved)


def moved_lectures(previous: Solution, solution: Solution) -> int:
    """Lectures of `previous` whose (course, room, day, period) is not in `solution`
    (lectures of one course are interchangeable, so this is a multiset difference)."""
    before = Counter((a.course, a.room, a.day, a.slot) for a in previous)
    after = Counter((a.course, a.room, a.day, a.slot) for a in solution)
    return sum((before - after).values())
