"""`python -m scheduling.demo_seed`: two demo campuses placed in identity's demo org tree, so
data scopes show: Beijing (region North, the Beijing branch's departments; rooms, teachers, a
weekly grid, a term and class sections) and Guangzhou (region South; a smaller set).
director1 sees Beijing, director2 Guangzhou, manager1 (a Beijing department) Beijing, admin
both. Idempotent (rows are keyed by fixed ids); refuses in production.

Run after identity's demo seed (tools/seed_demo.py does): the campuses take the region and
department ids of identity's demo org units by code. Without them the campuses stay unplaced
(seen by `all`-scope staff only)."""
from __future__ import annotations

import datetime as dt
import sys

from kit.db import Database

from . import models as m
from . import reference_data
from .settings import load

CAMPUS_ID = "demo-campus-bj"
TERM_ID = "demo-term"
# (campus id, name, identity region code, identity department codes)
CAMPUSES = [
    (CAMPUS_ID, "北京演示校区 Beijing demo campus", "north",
     ["north-bj-sales", "north-bj-service", "north-bj-finance", "north-bj-teaching"]),
    ("demo-campus-gz", "广州演示校区 Guangzhou demo campus", "south", ["south-gz-sales"]),
]
SOUTH_CAMPUS_ID, SOUTH_TERM_ID = "demo-campus-gz", "demo-term-gz"
PERIODS = [("08:30", "10:00"), ("10:15", "11:45"), ("14:00", "15:30"), ("15:45", "17:15"),
           ("19:00", "20:30")]
ROOMS = [("demo-room-101", "101 教室", 40, ["projector"]), ("demo-room-102", "102 教室", 30, []),
         ("demo-room-201", "201 教室", 24, ["projector"]),
         ("demo-lab", "机房 Lab", 30, ["computers", "projector"])]
COURSES = [("demo-course-pm", "项目管理 Project management"),
           ("demo-course-en", "商务英语 Business English"),
           ("demo-course-py", "Python 数据分析"), ("demo-course-lead", "领导力 Leadership")]
TEACHERS = [("demo-t-wang", "王老师", ["demo-course-pm", "demo-course-lead"]),
            ("demo-t-li", "李老师", ["demo-course-en"]),
            ("demo-t-zhao", "赵老师", ["demo-course-py", "demo-course-pm"]),
            ("demo-t-chen", "陈老师", ["demo-course-lead", "demo-course-en"])]
# (id, name, course, teacher, teacher candidates, lessons a week, capacity, groups, features)
SECTIONS = [
    ("demo-sec-pm-a", "项目管理 A 班", "demo-course-pm", "demo-t-wang", [], 3, 35, ["g-mgmt"],
     []),
    ("demo-sec-pm-b", "项目管理 B 班", "demo-course-pm", "", ["demo-t-wang", "demo-t-zhao"], 3,
     30, [], []),
    ("demo-sec-en-a", "商务英语 A 班", "demo-course-en", "demo-t-li", [], 2, 24, ["g-mgmt"], []),
    ("demo-sec-py-a", "Python A 班", "demo-course-py", "demo-t-zhao", [], 2, 28, [],
     ["computers"]),
    ("demo-sec-lead-a", "领导力 A 班", "demo-course-lead", "", ["demo-t-wang", "demo-t-chen"], 1,
     40, ["g-mgmt"], []),
]


def _term_dates() -> tuple[str, str]:
    start = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    return start.isoformat(), (start + dt.timedelta(weeks=12, days=-1)).isoformat()


def seed(db: Database, org_units: dict[str, str] | None = None) -> None:
    """`org_units`: identity's demo org unit ids by code (identity.demo_seed.org_unit_ids)."""
    org_units = org_units or {}
    with db.session() as s:
        for campus_id, name, region, departments in CAMPUSES:
            reference_data.upsert_campus(
                s, campus_id, name, "Asia/Shanghai", region_id=org_units.get(region),
                department_ids=[org_units[d] for d in departments if d in org_units])
        reference_data.set_timeslots(s, CAMPUS_ID, [
            (d, p + 1, start, end) for d in range(1, 7) for p, (start, end) in enumerate(PERIODS)])
        for rid, name, cap, feats in ROOMS:
            reference_data.save_room(s, s.get(m.Room, rid) or m.Room(id=rid), campus_id=CAMPUS_ID,
                                     name=name, capacity=cap, features=feats, unavailable=[],
                                     active=True)
        for cid, name in COURSES:
            reference_data.upsert_course(s, cid, name)
        for tid, name, courses in TEACHERS:
            reference_data.save_teacher(s, s.get(m.Teacher, tid) or m.Teacher(id=tid),
                                        campus_id=CAMPUS_ID, name=name, course_ids=courses,
                                        unavailable=[[6, 5]], active=True)
        if s.get(m.Term, TERM_ID) is None:
            start, end = _term_dates()
            reference_data.create_term(s, term_id=TERM_ID, campus_id=CAMPUS_ID,
                                       name="演示学期 Demo term", start=start, end=end)
        for sid, name, course, teacher, candidates, lessons, cap, groups, feats in SECTIONS:
            reference_data.save_section(
                s, s.get(m.ClassSection, sid) or m.ClassSection(id=sid), campus_id=CAMPUS_ID,
                term_id=TERM_ID, course_id=course, name=name, teacher_id=teacher,
                teacher_candidate_ids=candidates, lessons_per_week=lessons, min_working_days=2,
                capacity=cap, student_groups=groups, required_room_features=feats)
        _seed_south(s)


def _seed_south(s) -> None:
    """Guangzhou: a grid, two rooms, a teacher, a term and a section."""
    reference_data.set_timeslots(s, SOUTH_CAMPUS_ID, [
        (d, p + 1, start, end) for d in range(1, 6) for p, (start, end) in enumerate(PERIODS)])
    for rid, name, cap in (("demo-gz-room-1", "广州 1 教室", 30),
                           ("demo-gz-room-2", "广州 2 教室", 20)):
        reference_data.save_room(s, s.get(m.Room, rid) or m.Room(id=rid),
                                 campus_id=SOUTH_CAMPUS_ID, name=name, capacity=cap, features=[],
                                 unavailable=[], active=True)
    teacher = "demo-gz-t-lin"
    reference_data.save_teacher(s, s.get(m.Teacher, teacher) or m.Teacher(id=teacher),
                                campus_id=SOUTH_CAMPUS_ID, name="林老师",
                                course_ids=["demo-course-en"], unavailable=[], active=True)
    if s.get(m.Term, SOUTH_TERM_ID) is None:
        start, end = _term_dates()
        reference_data.create_term(s, term_id=SOUTH_TERM_ID, campus_id=SOUTH_CAMPUS_ID,
                                   name="广州演示学期 Guangzhou demo term", start=start, end=end)
    reference_data.save_section(
        s, s.get(m.ClassSection, "demo-gz-sec-en") or m.ClassSection(id="demo-gz-sec-en"),
        campus_id=SOUTH_CAMPUS_ID, term_id=SOUTH_TERM_ID, course_id="demo-course-en",
        name="商务英语 广州班", teacher_id="demo-gz-t-lin", teacher_candidate_ids=[],
        lessons_per_week=2, min_working_days=2, capacity=30, student_groups=[],
        required_room_features=[])


def identity_org_units() -> dict[str, str]:
    """identity's demo org unit ids by code, when identity (and its demo data) is there."""
    try:
        from identity.demo_seed import org_unit_ids
    except ModuleNotFoundError:
        return {}
    return org_unit_ids()


def main() -> int:
    settings = load()
    if settings.production:
        print("refusing to seed demo data in production (EDUCRM_ENV=production)", file=sys.stderr)
        return 2
    org_units = identity_org_units()
    if not org_units:
        print("identity's demo org units not found: the demo campuses stay unplaced "
              "(seen by all-scope staff only)", file=sys.stderr)
    db = Database(settings.database_url)
    try:
        seed(db, org_units)
    finally:
        db.dispose()
    print(f"seeded demo campuses {', '.join(c[0] for c in CAMPUSES)} (term {TERM_ID})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
