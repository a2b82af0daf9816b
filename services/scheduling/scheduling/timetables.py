"""Publishing a timetable version and repairing the published one when a teacher or room
becomes unavailable. Each function runs inside the caller's transaction (events go to the
outbox with the change)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit.errors import FailedPrecondition, InvalidArgument
from kit.events import add_event
from kit.text import check_text
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import events, repository, sessions, solver_adapter
from . import models as m
from .instance_mapping import build_instance, lectures_to_solution, solution_to_lectures
from .snapshot import LectureInfo, Slot
from .timetabling.checker import check


@dataclasses.dataclass(frozen=True)
class Published:
    timetable: m.Timetable
    sessions: sessions.ReconcileResult


def _make_published(db: Session, timetable: m.Timetable, lectures: list[LectureInfo],
                    reason: str) -> Published:
    old = repository.published_timetable(db, timetable.campus_id, timetable.term_id)
    if old is not None and old.id != timetable.id:
        old.status = "superseded"
        db.flush()  # one published version per campus term at any time
    timetable.status = "published"
    timetable.published_at = dt.datetime.now(dt.UTC)
    db.flush()
    result = sessions.reconcile(db, timetable, lectures, reason=reason)
    count = db.scalar(select(func.count()).select_from(m.ScheduledSession).where(
        m.ScheduledSession.timetable_id == timetable.id,
        m.ScheduledSession.status == "scheduled"))
    add_event(db, events.TIMETABLE_PUBLISHED, timetable.id, {
        "timetable_id": timetable.id, "campus_id": timetable.campus_id,
        "term_id": timetable.term_id, "version": timetable.version,
        "superseded_timetable_id": old.id if old is not None and old.id != timetable.id else None,
        "lecture_count": len(lectures), "session_count": count,
        "published_at": events.iso(timetable.published_at)})
    return Published(timetable, result)


def publish(db: Session, timetable_id: str) -> Published:
    timetable = repository.get_or_404(db, m.Timetable, timetable_id, "timetable", "课表")
    if timetable.status == "published":
        return Published(timetable, sessions.ReconcileResult())  # idempotent
    if timetable.status != "draft":
        raise FailedPrecondition("only a draft can be published", reason="scheduling.not_draft",
                                 message_zh="只能发布草稿课表")
    if timetable.hard_violations:
        raise FailedPrecondition(
            f"the draft violates {timetable.hard_violations} hard constraints",
            reason="scheduling.infeasible", message_zh="该课表草稿违反硬约束, 不能发布")
    return _make_published(db, timetable, repository.lectures_of(db, timetable.id),
                           reason="timetable published")


@dataclasses.dataclass(frozen=True)
class Move:
    before: LectureInfo
    after: LectureInfo


@dataclasses.dataclass(frozen=True)
class Repair:
    moves: tuple[Move, ...]
    published: Published | None


def mark_unavailable(db: Session, *, campus_id: str, term_id: str, teacher_id: str = "",
                     room_id: str = "", slots: list[Slot], reason: str = "",
                     dry_run: bool = False, time_limit: float = 10.0) -> Repair:
    """Record the unavailability, then move the fewest lectures of the published timetable
    so that it holds again. On dry_run the caller rolls the transaction back."""
    if bool(teacher_id) == bool(room_id):
        raise InvalidArgument("give exactly one of teacher_id and room_id",
                              reason="scheduling.teacher_or_room",
                              message_zh="请指定教师或教室之一")
    if not slots:
        raise InvalidArgument("no slots given", reason="scheduling.no_slots",
                              message_zh="未指定时段")
    check_text(reason, "reason", multiline=True)
    owner = (repository.get_or_404(db, m.Teacher, teacher_id, "teacher", "教师") if teacher_id
             else repository.get_or_404(db, m.Room, room_id, "room", "教室"))
    if owner.campus_id != campus_id:
        raise InvalidArgument("the teacher/room belongs to another campus",
                              reason="scheduling.wrong_campus", message_zh="教师/教室不属于该校区")
    owner.unavailable = sorted({tuple(s) for s in owner.unavailable or ()} | set(slots))
    db.flush()

    current = repository.published_timetable(db, campus_id, term_id)
    if current is None:
        return Repair((), None)
    lectures = repository.lectures_of(db, current.id)
    ct = repository.load_campus_term(db, campus_id, term_id)
    mapped = build_instance(ct, fixed_teachers={lec.section_id: lec.teacher_id
                                                for lec in lectures})
    previous = lectures_to_solution(mapped, lectures)
    if check(mapped.instance, previous).feasible:
        return Repair((), None)  # nothing taught there: nothing moves
    outcome = solver_adapter.repair(mapped.instance, previous, time_limit=time_limit)
    if outcome.solution is None or not outcome.report.feasible:
        raise FailedPrecondition(
            "no timetable respects the new unavailability; change it by hand",
            reason="scheduling.repair_failed",
            message_zh="无法在新的不可用时段下重排课表, 请手动调整")
    new_lectures = solution_to_lectures(mapped, outcome.solution, previous=lectures)
    before = {lec.key: lec for lec in lectures}
    moves = tuple(Move(before[lec.key], lec) for lec in new_lectures
                  if lec.key in before and before[lec.key] != lec)
    if dry_run or not moves:
        return Repair(moves, None)
    timetable = repository.save_timetable(db, campus_id, term_id, new_lectures, status="draft",
                                          hard=outcome.report.hard_violations,
                                          soft=outcome.report.soft_cost)
    who = f"teacher {teacher_id}" if teacher_id else f"room {room_id}"
    text = reason or f"{who} unavailable"
    return Repair(moves, _make_published(db, timetable, new_lectures, reason=text))
