"""`python -m scheduling.demo_seed`: one demo campus with rooms, teachers, a weekly grid, a
term and class sections. Idempotent (rows are keyed by fixed ids); refuses in production."""
from __future__ import annotations

import datetime as dt
import sys

from kit.db import Database

from . import models as m
from . import reference_data
from .settings import load

CAMPUS_ID = "demo-campus-sh"
TERM_ID = "demo-term"
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


def seed(db: Database) -> None:
    with db.session() as s:
        reference_data.upsert_campus(s, CAMPUS_ID, "上海演示校区 Shanghai demo campus",
                                     "Asia/Shanghai")
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
            start = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
            reference_data.create_term(s, term_id=TERM_ID, campus_id=CAMPUS_ID,
                                       name="演示学期 Demo term", start=start.isoformat(),
                                       end=(start + dt.timedelta(weeks=12, days=-1)).isoformat())
        for sid, name, course, teacher, candidates, lessons, cap, groups, feats in SECTIONS:
            reference_data.save_section(
                s, s.get(m.ClassSection, sid) or m.ClassSection(id=sid), campus_id=CAMPUS_ID,
                term_id=TERM_ID, course_id=course, name=name, teacher_id=teacher,
                teacher_candidate_ids=candidates, lessons_per_week=lessons, min_working_days=2,
                capacity=cap, student_groups=groups, required_room_features=feats)


def main() -> int:
    settings = load()
    if settings.production:
        print("refusing to seed demo data in production (EDUCRM_ENV=production)", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        seed(db)
    finally:
        db.dispose()
    print(f"seeded demo campus {CAMPUS_ID} (term {TERM_ID})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
