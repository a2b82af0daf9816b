"""`python -m enrollment.demo_seed`: the demo catalogue at the two demo campuses (the same
ids as scheduling's, placed in identity's demo org tree): courses of every category (a
three-stage programme, a tool course, a trial), commission ratios, a term and classes per
campus. Idempotent (fixed ids); refuses in production. Run after identity's demo seed."""
from __future__ import annotations

import datetime as dt
import sys

from kit.db import Database

from . import catalogue, rules
from . import models as m
from .settings import load

CAMPUS_IDS = ("demo-campus-bj", "demo-campus-gz")
# (campus id, name, identity region code, identity department codes)
CAMPUSES = [
    ("demo-campus-bj", "北京演示校区 Beijing demo campus", "north",
     ["north-bj-sales", "north-bj-service", "north-bj-finance", "north-bj-teaching"]),
    ("demo-campus-gz", "广州演示校区 Guangzhou demo campus", "south", ["south-gz-sales"]),
]
# (id, name, category, stage, prerequisite, tool, hours, price fen, campus)
COURSES = [
    ("demo-course-coach-1", "教练技术 一阶段 Coaching stage 1", "new_training", 1, None, False,
     24, 1_280_000, None),
    ("demo-course-coach-2", "教练技术 二阶段 Coaching stage 2", "new_training", 2,
     "demo-course-coach-1", False, 32, 1_980_000, None),
    ("demo-course-coach-3", "教练技术 三阶段 Coaching stage 3", "new_training", 3,
     "demo-course-coach-2", False, 40, 2_980_000, None),
    ("demo-course-coach-1-re", "教练技术 一阶段复训 Coaching stage 1 retraining", "retraining", 0,
     None, False, 24, 300_000, None),
    ("demo-course-pm", "项目管理 Project management", "new_training", 0, None, True, 40,
     680_000, "demo-campus-bj"),
    ("demo-course-trial", "公开课试听 Open class trial", "trial", 0, None, False, 2, 0, None),
]
RATIOS = [rules.Ratio("seller", "", 800), rules.Ratio("customer_service_manager", "", 100),
          rules.Ratio("market_manager", "", 100), rules.Ratio("channel", "city_partner", 1500),
          rules.Ratio("channel", "provincial_partner", 2000)]
# (term id, campus, name); classes: (id, term, course, name, capacity)
TERMS = [("demo-term", "demo-campus-bj", "北京 演示期 Beijing demo term"),
         ("demo-term-gz", "demo-campus-gz", "广州 演示期 Guangzhou demo term")]
CLASSES = [("demo-class-coach-1", "demo-term", "demo-course-coach-1", "一阶段 1 班", 60),
           ("demo-class-coach-2", "demo-term", "demo-course-coach-2", "二阶段 1 班", 40),
           ("demo-class-pm", "demo-term", "demo-course-pm", "项目管理 A 班", 35),
           ("demo-gz-class-coach-1", "demo-term-gz", "demo-course-coach-1", "广州 一阶段班", 50)]


def _term_dates() -> tuple[str, str]:
    start = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    return start.isoformat(), (start + dt.timedelta(weeks=12, days=-1)).isoformat()


def seed(db: Database, org_units: dict[str, str] | None = None) -> None:
    org_units = org_units or {}
    with db.session() as s:
        for campus_id, name, region, departments in CAMPUSES:
            catalogue.upsert_campus(
                s, campus_id, name, region_id=org_units.get(region),
                department_ids=[org_units[d] for d in departments if d in org_units])
        for cid, name, category, stage, prereq, tool, hours, price, campus in COURSES:
            row = s.get(m.Course, cid) or m.Course(id=cid, commission_version=0)
            catalogue.save_course(s, row, name=name, category=category, stage=stage,
                                  prerequisite_course_id=prereq, tool=tool, lesson_hours=hours,
                                  price_fen=price, campus_id=campus,
                                  absence_counts_as_consumed=False, active=True)
            if row.commission_version == 0 and category != "trial":
                catalogue.set_ratios(s, row, RATIOS, "demo-seed")
        start, end = _term_dates()
        for tid, campus, name in TERMS:
            if s.get(m.Term, tid) is None:
                catalogue.create_term(s, term_id=tid, campus_id=campus, name=name, start=start,
                                      end=end)
        for kid, tid, course, name, capacity in CLASSES:
            catalogue.save_class(s, s.get(m.Klass, kid) or m.Klass(id=kid),
                                 term=s.get(m.Term, tid), course=s.get(m.Course, course),
                                 name=name, capacity=capacity, start="", end="")


def identity_org_units() -> dict[str, str]:
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
    print(f"seeded the demo catalogue at {', '.join(CAMPUS_IDS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
