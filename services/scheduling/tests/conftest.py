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


def seed_published_term(db) -> None:
    """One campus (c1), term (term1, from tomorrow, two weeks), section sec1 (math, teacher
    t1, capacity 1) with a published timetable: lectures Monday and Wednesday, period 1, room
    r1; its dated sessions are reconciled (and their session.scheduled events written)."""
    import datetime as dt

    from scheduling import models as m
    from scheduling import reference_data, repository, sessions
    from scheduling.snapshot import LectureInfo

    start = dt.date.today() + dt.timedelta(days=1)
    with db.session() as s:
        reference_data.upsert_campus(s, "c1", "校区", "Asia/Shanghai")
        reference_data.set_timeslots(s, "c1", [(d, p, f"0{7 + p}:00", f"0{7 + p}:45")
                                               for d in range(1, 6) for p in (1, 2)])
        reference_data.save_room(s, m.Room(id="r1"), campus_id="c1", name="101", capacity=30,
                                 features=[], unavailable=[], active=True)
        reference_data.upsert_course(s, "math", "数学")
        reference_data.save_teacher(s, m.Teacher(id="t1"), campus_id="c1", name="王老师",
                                    course_ids=["math"], unavailable=[], active=True)
        reference_data.create_term(s, term_id="term1", campus_id="c1", name="春季",
                                   start=start.isoformat(),
                                   end=(start + dt.timedelta(days=13)).isoformat())
        reference_data.save_section(
            s, m.ClassSection(id="sec1"), campus_id="c1", term_id="term1", course_id="math",
            name="Math A", teacher_id="t1", teacher_candidate_ids=[], lessons_per_week=2,
            min_working_days=2, capacity=1, student_groups=[], required_room_features=[])
        draft = repository.save_timetable(s, "c1", "term1", [
            LectureInfo("sec1", 1, 1, 1, "r1", "t1"), LectureInfo("sec1", 2, 3, 1, "r1", "t1")],
            status="draft", hard=0, soft=0)
        # published without scheduling.timetables, which imports the solvers (numba,
        # ortools): they have no business in an eventlet-patched process
        draft.status = "published"
        sessions.reconcile(s, draft, repository.lectures_of(s, draft.id))


@pytest.fixture
def seed_published():
    return seed_published_term
