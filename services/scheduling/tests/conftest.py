"""Shared fixtures of the scheduling tests: a small campus term as a snapshot."""
from __future__ import annotations

import pytest

from scheduling.snapshot import CampusTerm, RoomInfo, SectionInfo, TeacherInfo, TimeslotInfo

PERIOD_TIMES = {1: ("08:30", "10:00"), 2: ("10:15", "11:45"), 3: ("14:00", "15:30"),
                4: ("15:45", "17:15")}


def small_campus(students: dict[str, frozenset[str]] | None = None) -> CampusTerm:
    """5 days × 4 periods, 3 rooms (one lab with computers), 3 teachers, 4 sections."""
    students = students or {}
    timeslots = [TimeslotInfo(d, p, *PERIOD_TIMES[p]) for d in range(1, 6) for p in range(1, 5)]
    rooms = [RoomInfo("r-101", "101", 30, frozenset({"projector"})),
             RoomInfo("r-102", "102", 20),
             RoomInfo("r-lab", "Lab", 25, frozenset({"computers", "projector"}))]
    teachers = [TeacherInfo("t-wang", "王老师", frozenset({"math", "physics"})),
                TeacherInfo("t-li", "李老师", frozenset({"english"}),
                            unavailable=frozenset({(1, 1), (1, 2)})),
                TeacherInfo("t-zhao", "赵老师", frozenset({"python", "math"}))]
    sections = [
        SectionInfo("s-math", "Math A", "math", 3, 25, "数学", teacher_id="t-wang",
                    min_working_days=3, student_groups=frozenset({"g1"}),
                    students=students.get("s-math", frozenset())),
        SectionInfo("s-eng", "English A", "english", 2, 20, "英语", teacher_id="t-li",
                    min_working_days=2, student_groups=frozenset({"g1"}),
                    students=students.get("s-eng", frozenset())),
        SectionInfo("s-py", "Python A", "python", 2, 24, "Python",
                    teacher_candidate_ids=("t-zhao",), required_features=frozenset({"computers"}),
                    students=students.get("s-py", frozenset())),
        SectionInfo("s-phy", "Physics A", "physics", 2, 18, "物理", teacher_id="t-wang",
                    student_groups=frozenset({"g2"}),
                    students=students.get("s-phy", frozenset())),
    ]
    return CampusTerm.of("campus-1", "term-1", timeslots, rooms, teachers, sections)


@pytest.fixture
def campus() -> CampusTerm:
    return small_campus()
