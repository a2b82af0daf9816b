"""The checker, rule by rule, on hand-made instances, and on the specification's example."""

from __future__ import annotations

import pytest
from scheduling.timetabling import Solution, check, load_solution

# two courses sharing curriculum Q, one of them also sharing teacher T with a third
COURSES = """
A T 2 2 10
B U 2 1 30
C T 1 1 10
"""
ROOMS = """
small 20
big 40
"""


@pytest.fixture
def inst(make_instance):
    def build(curricula: str = "Q 2 A B", unavailable: str = ""):
        return make_instance(COURSES, ROOMS, curricula, unavailable)

    return build


def sol(*lines: str) -> Solution:
    return Solution.of((c, r, int(d), int(p)) for c, r, d, p in (line.split() for line in lines))


# A: days 0/1, B: one day, both in rooms big enough, stable, compact pairs
CLEAN = ["A big 0 0", "A big 1 0", "B big 0 1", "B big 1 1", "C small 0 2"]


def test_a_clean_solution_costs_nothing(inst):
    report = check(inst(), sol(*CLEAN))
    assert report.hard_violations == 0, report.hard
    # B min 1 day fine; compactness: Q has A at 0 and B at 1 each day -> adjacent
    assert report.soft == {
        "room_capacity": 0,
        "min_working_days": 0,
        "curriculum_compactness": 0,
        "room_stability": 0,
    }


def test_missing_and_repeated_lectures(inst):
    missing = check(inst(), sol(*CLEAN[1:]))
    assert missing.hard["lectures"] == 1
    # the same course twice in one period counts as a missing lecture
    repeated = check(inst(), sol("A big 0 0", "A small 0 0", *CLEAN[2:]))
    assert repeated.hard["lectures"] == 1
    extra = check(inst(), sol(*CLEAN, "C big 1 2"))
    assert extra.hard["lectures"] == 1


def test_conflicts_by_curriculum_and_by_teacher(inst):
    curriculum = check(
        inst(), sol("A big 0 0", "A big 1 0", "B small 0 0", "B big 1 1", "C small 0 2")
    )
    assert curriculum.hard["conflicts"] == 1
    teacher = check(inst(), sol("A big 0 0", "A big 1 0", "B big 0 1", "B big 1 1", "C small 1 0"))
    assert teacher.hard["conflicts"] == 1
    # no curriculum: A and B may share a period
    assert (
        check(
            inst(curricula=""),
            sol("A big 0 0", "A big 1 0", "B small 0 0", "B big 1 1", "C small 0 2"),
        ).hard["conflicts"]
        == 0
    )


def test_availability(inst):
    report = check(inst(unavailable="A 1 0\nC 0 2"), sol(*CLEAN))
    assert report.hard["availability"] == 2


def test_room_occupancy(inst):
    report = check(inst(), sol("A big 0 0", "A big 1 0", "B big 0 1", "B big 1 1", "C big 0 1"))
    assert report.hard["room_occupancy"] == 1


def test_room_capacity_counts_students_over_capacity(inst):
    report = check(
        inst(), sol("A big 0 0", "A big 1 0", "B small 0 1", "B small 1 1", "C small 0 2")
    )
    assert report.soft["room_capacity"] == 2 * (30 - 20)


def test_min_working_days_costs_five_per_day_short(inst):
    report = check(inst(), sol("A big 0 0", "A big 0 1", "B big 0 2", "B big 1 1", "C small 1 2"))
    assert report.soft["min_working_days"] == 5


def test_compactness_costs_two_per_isolated_lecture(inst):
    # day 0: A at 0, B at 2 -> both isolated; day 1: A at 0, B at 1 -> adjacent
    report = check(inst(), sol("A big 0 0", "A big 1 0", "B big 0 2", "B big 1 1", "C small 1 2"))
    assert report.soft["curriculum_compactness"] == 2 * 2
    # adjacency does not cross days: last slot of day 0 and first of day 1
    report = check(inst(), sol("A big 0 2", "A big 1 0", "B big 0 1", "B big 1 1", "C small 1 2"))
    assert report.soft["curriculum_compactness"] == 0


def test_compactness_counts_each_lecture_in_a_shared_period(inst):
    report = check(inst(), sol("A big 0 0", "A big 1 2", "B small 0 0", "B big 1 1", "C small 1 0"))
    # day 0 period 0 has A and B (a conflict) with no neighbour: both isolated
    assert report.soft["curriculum_compactness"] == 2 * 2


def test_room_stability_costs_distinct_rooms_minus_one(inst):
    report = check(inst(), sol("A big 0 0", "A small 1 0", "B big 0 1", "B big 1 1", "C small 0 2"))
    assert report.soft["room_stability"] == 1


def test_specification_example(data_dir, toy_example):
    """ITC-2007 track 3 specification: 5 hard violations, soft cost 30."""
    report = check(toy_example, load_solution(data_dir / "toy-example.sol", toy_example))
    assert report.hard_violations == 5
    assert report.hard == {
        "lectures": 0,
        "conflicts": 3,
        "availability": 0,
        "room_occupancy": 2,
        "room_constraints": 0,
    }
    assert report.soft_cost == 30
    assert report.soft == {
        "room_capacity": 8,
        "min_working_days": 15,
        "curriculum_compactness": 4,
        "room_stability": 3,
    }
    text = report.format()
    assert "hard violations: 5" in text and "soft cost: 30" in text


def test_moved_lectures_against_previous(data_dir, toy_example):
    old = load_solution(data_dir / "toy-example.sol", toy_example)
    new = Solution(old.assignments[:-1] + (old.assignments[-1].__class__("Geotec", "B", 4, 2),))
    assert check(toy_example, new, previous=old).moved_lectures == 1
