"""Placing a student (RPC and the enrollment.confirmed consumer): load the options, let
`placement.choose_section` decide, write the placement and its event in one transaction."""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit.events import add_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import events, repository
from . import models as m
from .placement import PlacementDecision, SectionOption, choose_section
from .snapshot import Slot


@dataclasses.dataclass(frozen=True)
class PlacementRequest:
    student_id: str
    course_id: str
    campus_id: str = ""
    term_id: str = ""
    enrollment_id: str = ""


def _weekly_slots(db: Session, section: m.ClassSection) -> tuple[bool, tuple[Slot, ...]]:
    timetable = repository.published_timetable(db, section.campus_id, section.term_id)
    if timetable is None:
        return False, ()
    rows = db.execute(select(m.TimetableLecture.day, m.TimetableLecture.period).where(
        m.TimetableLecture.timetable_id == timetable.id,
        m.TimetableLecture.section_id == section.id))
    return True, tuple(sorted((d, p) for d, p in rows))


def _placed(db: Session, section_id: str) -> int:
    return db.scalar(select(func.count()).select_from(m.Placement)
                     .where(m.Placement.section_id == section_id))


def place(db: Session, req: PlacementRequest, *, dry_run: bool = False) -> PlacementDecision:
    query = select(m.ClassSection).where(m.ClassSection.course_id == req.course_id)
    if req.campus_id:
        query = query.where(m.ClassSection.campus_id == req.campus_id)
    if req.term_id:
        query = query.where(m.ClassSection.term_id == req.term_id)
    if not dry_run:
        # Lock the course's sections (in id order, so two placements never deadlock) so that
        # concurrent placements count seats one after the other and never over-fill on
        # PostgreSQL; SQLite serialises writers anyway.
        query = query.order_by(m.ClassSection.id).with_for_update()
    candidates = list(db.scalars(query))
    mine = {p.section_id for p in db.scalars(
        select(m.Placement).where(m.Placement.student_id == req.student_id))}
    already = [s for s in candidates if s.id in mine]
    if already:  # a redelivered or repeated request: same answer, no second seat
        return PlacementDecision(already[0].id)

    busy: dict[Slot, str] = {}
    for section in db.scalars(select(m.ClassSection).where(m.ClassSection.id.in_(mine))):
        for slot in _weekly_slots(db, section)[1]:
            busy[slot] = section.name
    course_names = dict(db.execute(select(m.Course.id, m.Course.name)).all())
    options = []
    for s in candidates:
        published, slots = _weekly_slots(db, s)
        info = repository.section_info(s, course_names.get(s.course_id, ""), frozenset())
        options.append(SectionOption(info, slots, _placed(db, s.id), published))
    decision = choose_section(req.course_id, options, busy)
    if dry_run:
        return decision
    now = events.iso(dt.datetime.now(dt.UTC))
    if decision.placed:
        db.add(m.Placement(section_id=decision.section_id, student_id=req.student_id,
                           enrollment_id=req.enrollment_id or None))
        db.flush()
        if req.enrollment_id:
            section = db.get(m.ClassSection, decision.section_id)
            add_event(db, events.PLACEMENT_MADE, req.enrollment_id, {
                "enrollment_id": req.enrollment_id, "customer_id": req.student_id,
                "section_id": decision.section_id, "course_id": req.course_id,
                "campus_id": section.campus_id, "term_id": section.term_id, "placed_at": now})
    elif req.enrollment_id:
        add_event(db, events.PLACEMENT_FAILED, req.enrollment_id, {
            "enrollment_id": req.enrollment_id, "customer_id": req.student_id,
            "course_id": req.course_id, "campus_id": req.campus_id or None,
            "term_id": req.term_id or None, "reason": overall_reason(decision),
            "rejections": [dataclasses.asdict(r) for r in decision.rejections],
            "failed_at": now})
    return decision


def overall_reason(decision: PlacementDecision) -> str:
    reasons = {r.reason for r in decision.rejections}
    for reason in ("no_section", "clash", "full", "not_published"):
        if reason in reasons:
            return reason
    return "no_section"
