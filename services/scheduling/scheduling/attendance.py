"""Teacher attendance of a dated session: signed in, absent, or replaced by a substitute who
must be qualified for the course and free at that time."""
from __future__ import annotations

from kit.errors import FailedPrecondition, InvalidArgument
from kit.text import check_text
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import events, repository
from . import models as m

STATUSES = ("signed_in", "absent", "substitute")


def record(db: Session, *, session_id: str, status: str, substitute_teacher_id: str = "",
           note: str = "", recorded_by: str | None = None) -> m.ScheduledSession:
    if status not in STATUSES:
        raise InvalidArgument(f"unknown attendance status {status!r}",
                              reason="scheduling.attendance_status", message_zh="考勤状态无效")
    check_text(note, "note", multiline=True)
    s = repository.get_or_404(db, m.ScheduledSession, session_id, "session", "课次")
    if s.status != "scheduled":
        raise FailedPrecondition("the session is cancelled", reason="scheduling.session_cancelled",
                                 message_zh="该课次已取消")
    section = db.get(m.ClassSection, s.section_id)
    if status == "substitute":
        sub = repository.get_or_404(db, m.Teacher, substitute_teacher_id, "teacher", "教师")
        _check_substitute(db, s, section, sub)
        before = events.session_state(s, section.course_id)
        s.substitute_teacher_id = sub.id
        db.flush()
        events.session_changed(db, s, section.course_id, before,
                               reason=note or "substitute teacher")
    s.attendance = status
    db.add(m.TeacherAttendance(session_id=s.id, teacher_id=s.teacher_id, status=status,
                               substitute_teacher_id=substitute_teacher_id or None,
                               note=note or None, recorded_by=recorded_by))
    db.flush()
    return s


def _check_substitute(db: Session, s: m.ScheduledSession, section: m.ClassSection,
                      sub: m.Teacher) -> None:
    if sub.id == s.teacher_id:
        raise InvalidArgument("the substitute is the scheduled teacher",
                              reason="scheduling.substitute_same",
                              message_zh="代课教师与原教师相同")
    if not sub.active or section.course_id not in (sub.course_ids or ()):
        raise FailedPrecondition(f"{sub.name} is not qualified for this course",
                                 reason="scheduling.substitute_not_qualified",
                                 message_zh=f"{sub.name} 没有该课程的授课资格")
    if [s.day, s.period] in [list(x) for x in sub.unavailable or ()]:
        raise FailedPrecondition(f"{sub.name} is unavailable at that time",
                                 reason="scheduling.substitute_unavailable",
                                 message_zh=f"{sub.name} 该时段不可用")
    overlapping = db.scalars(select(m.ScheduledSession).where(
        m.ScheduledSession.id != s.id, m.ScheduledSession.status == "scheduled",
        m.ScheduledSession.starts_at < s.ends_at, m.ScheduledSession.ends_at > s.starts_at,
        or_(m.ScheduledSession.substitute_teacher_id == sub.id,
            (m.ScheduledSession.teacher_id == sub.id)
            & m.ScheduledSession.substitute_teacher_id.is_(None)))).first()
    if overlapping is not None:
        raise FailedPrecondition(f"{sub.name} teaches another class at that time",
                                 reason="scheduling.substitute_busy",
                                 message_zh=f"{sub.name} 该时段有其他课程")
