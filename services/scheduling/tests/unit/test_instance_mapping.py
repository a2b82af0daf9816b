import dataclasses

import pytest
from kit.errors import FailedPrecondition
from scheduling.cpsat_solver import solve_cpsat
from scheduling.instance_mapping import build_instance, lectures_to_solution, solution_to_lectures
from scheduling.snapshot import CampusTerm
from scheduling.timetabling.checker import check, moved_lectures

from ..conftest import small_campus  # noqa: TID252


def test_sections_become_courses_with_constraints():
    ct = small_campus(students={"s-math": frozenset({"a", "b"}), "s-py": frozenset({"a"}),
                                "s-phy": frozenset({"b"})})
    mapped = build_instance(ct)
    inst = mapped.instance
    assert (inst.days, inst.periods_per_day) == (5, 4)
    courses = {c.name: c for c in inst.courses}
    assert courses["s-math"].lectures == 3 and courses["s-math"].teacher == "t-wang"
    assert courses["s-py"].teacher == "t-zhao"  # the only qualified candidate
    # Python A needs computers: only the lab is allowed
    assert {r for (c, r) in inst.room_constraints if c == "s-py"} == {"r-101", "r-102"}
    # Math A (25 students) does not fit room 102 (20 seats) while bigger rooms exist
    assert ("s-math", "r-102") in inst.room_constraints
    # 李老师 is unavailable on Monday periods 1 and 2 → English A unavailable there
    assert ("s-eng", 0, 0) in inst.unavailable and ("s-eng", 0, 1) in inst.unavailable
    names = {q.name: set(q.courses) for q in inst.curricula}
    assert names["group-g1"] == {"s-math", "s-eng"}
    student_sets = [v for k, v in names.items() if k.startswith("students-")]
    assert sorted(map(sorted, student_sets)) == [["s-math", "s-phy"], ["s-math", "s-py"]]


def test_grid_holes_are_unavailable():
    ct = small_campus()
    ct = dataclasses.replace(ct, timeslots=tuple(t for t in ct.timeslots
                                                 if (t.day, t.period) != (5, 4)))
    inst = build_instance(ct).instance
    assert all((s, 4, 3) in inst.unavailable for s in ct.sections)


def test_no_qualified_teacher_is_reported():
    ct = small_campus()
    py = dataclasses.replace(ct.sections["s-py"], teacher_candidate_ids=("t-li",))
    ct = CampusTerm.of(ct.campus_id, ct.term_id, ct.timeslots, ct.rooms.values(),
                       ct.teachers.values(),
                       [*[s for s in ct.sections.values() if s.id != "s-py"], py])
    with pytest.raises(FailedPrecondition, match="Python A"):
        build_instance(ct)


def test_cpsat_solves_and_repairs_with_few_moves():
    ct = small_campus()
    mapped = build_instance(ct)
    solution = solve_cpsat(mapped.instance, time_limit=10)
    assert solution is not None and check(mapped.instance, solution).feasible
    lectures = solution_to_lectures(mapped, solution)
    assert sorted(lec.lecture_number for lec in lectures if lec.section_id == "s-math") == [1, 2, 3]
    # The round trip keeps every assignment; their order follows the sections' order.
    assert sorted(lectures_to_solution(mapped, lectures).assignments) == sorted(
        solution.assignments)

    # 王老师 becomes unavailable where his first lecture is: only what must move moves
    first = next(lec for lec in lectures if lec.teacher_id == "t-wang")
    idx = mapped.to_indices(first.slot)
    restricted = mapped.instance.with_restrictions(
        unavailable=mapped.instance.teacher_unavailable("t-wang", *idx))
    repaired = solve_cpsat(restricted, time_limit=10, previous=solution)
    report = check(restricted, repaired, solution)
    assert report.feasible
    assert moved_lectures(solution, repaired) == 1
    new_lectures = solution_to_lectures(mapped, repaired, previous=lectures)
    unchanged = {(lec.key, lec.slot, lec.room_id) for lec in lectures} & \
        {(lec.key, lec.slot, lec.room_id) for lec in new_lectures}
    assert len(unchanged) == len(lectures) - 1
