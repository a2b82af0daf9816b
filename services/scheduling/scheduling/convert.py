"""Rows and domain values → protobuf messages (and the few reverse conversions)."""
from __future__ import annotations

import datetime as dt

from contracts.scheduling import scheduling_pb2 as pb
from google.protobuf.timestamp_pb2 import Timestamp

from . import models as m
from .snapshot import LectureInfo

JOB_STATUS = {"queued": pb.SOLVE_JOB_STATUS_QUEUED, "running": pb.SOLVE_JOB_STATUS_RUNNING,
              "done": pb.SOLVE_JOB_STATUS_DONE, "failed": pb.SOLVE_JOB_STATUS_FAILED}
TIMETABLE_STATUS = {"draft": pb.TIMETABLE_STATUS_DRAFT, "published": pb.TIMETABLE_STATUS_PUBLISHED,
                    "superseded": pb.TIMETABLE_STATUS_SUPERSEDED}
VIEW_NAMES = {pb.TIMETABLE_VIEW_CAMPUS: "campus", pb.TIMETABLE_VIEW_SECTION: "section",
              pb.TIMETABLE_VIEW_TEACHER: "teacher", pb.TIMETABLE_VIEW_ROOM: "room",
              pb.TIMETABLE_VIEW_STUDENT: "student", pb.TIMETABLE_VIEW_UNSPECIFIED: "campus"}
ATTENDANCE = {pb.TEACHER_ATTENDANCE_STATUS_SIGNED_IN: "signed_in",
              pb.TEACHER_ATTENDANCE_STATUS_ABSENT: "absent",
              pb.TEACHER_ATTENDANCE_STATUS_SUBSTITUTE: "substitute"}


def ts(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    out = Timestamp()
    out.FromDatetime(value.astimezone(dt.UTC))
    return out


def slots_in(refs) -> list[tuple[int, int]]:
    return [(r.day, r.period) for r in refs]


def slots_out(value) -> list[pb.SlotRef]:
    return [pb.SlotRef(day=d, period=p) for d, p in value or ()]


def campus(c: m.Campus) -> pb.Campus:
    return pb.Campus(id=c.id, name=c.name, time_zone=c.time_zone)


def timeslot(t: m.Timeslot) -> pb.Timeslot:
    return pb.Timeslot(day=t.day, period=t.period, start_time=t.start_time, end_time=t.end_time)


def room(r: m.Room) -> pb.Room:
    return pb.Room(id=r.id, campus_id=r.campus_id, name=r.name, capacity=r.capacity,
                   features=r.features or [], unavailable=slots_out(r.unavailable),
                   active=r.active)


def teacher(t: m.Teacher) -> pb.Teacher:
    return pb.Teacher(id=t.id, campus_id=t.campus_id, name=t.name, course_ids=t.course_ids or [],
                      unavailable=slots_out(t.unavailable), active=t.active)


def term(t: m.Term) -> pb.Term:
    return pb.Term(id=t.id, campus_id=t.campus_id, name=t.name,
                   start_date=t.start_date.isoformat(), end_date=t.end_date.isoformat())


def section(s: m.ClassSection, placed: int = 0) -> pb.ClassSection:
    return pb.ClassSection(
        id=s.id, campus_id=s.campus_id, term_id=s.term_id, course_id=s.course_id, name=s.name,
        teacher_id=s.teacher_id or "", teacher_candidate_ids=s.teacher_candidate_ids or [],
        lessons_per_week=s.lessons_per_week, min_working_days=s.min_working_days,
        capacity=s.capacity, student_groups=s.student_groups or [],
        required_room_features=s.required_room_features or [], placed_students=placed)


def job(j: m.SolveJob) -> pb.SolveJob:
    return pb.SolveJob(
        id=j.id, campus_id=j.campus_id, term_id=j.term_id, status=JOB_STATUS[j.status],
        progress_percent=j.progress_percent,
        best_hard_violations=-1 if j.best_hard is None else j.best_hard,
        best_soft_cost=-1 if j.best_soft is None else j.best_soft,
        timetable_id=j.timetable_id or "", error=j.error or "", created_at=ts(j.created_at),
        finished_at=ts(j.finished_at), feasible=j.status == "done" and j.best_hard == 0)


def lecture(lec: LectureInfo, **names) -> pb.Lecture:
    return pb.Lecture(section_id=lec.section_id, lecture_number=lec.lecture_number, day=lec.day,
                      period=lec.period, room_id=lec.room_id, teacher_id=lec.teacher_id, **names)


def timetable(t: m.Timetable, lectures: list[pb.Lecture]) -> pb.Timetable:
    return pb.Timetable(id=t.id, campus_id=t.campus_id, term_id=t.term_id, version=t.version,
                        status=TIMETABLE_STATUS[t.status], lectures=lectures,
                        hard_violations=t.hard_violations, soft_cost=t.soft_cost,
                        published_at=ts(t.published_at))


def session(s: m.ScheduledSession) -> pb.Session:
    return pb.Session(id=s.id, section_id=s.section_id, lecture_number=s.lecture_number,
                      date=s.date.isoformat(), day=s.day, period=s.period,
                      starts_at=ts(s.starts_at), ends_at=ts(s.ends_at), room_id=s.room_id,
                      teacher_id=s.teacher_id, substitute_teacher_id=s.substitute_teacher_id or "",
                      status=s.status, attendance=s.attendance or "")
