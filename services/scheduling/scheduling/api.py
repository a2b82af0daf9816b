# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The scheduling gRPC api process: `python -m scheduling.api` (plain grpcio, never patched).

The servicer only translates: protobuf in → the domain modules → protobuf out. Authorization
is checked here (staff roles; teachers read their own timetable), errors are kit.errors
raised by the domain modules and mapped by kit.grpc_server's interceptor.
"""
from __future__ import annotations

import logging

from contracts.scheduling import scheduling_pb2 as pb
from contracts.scheduling import scheduling_pb2_grpc as pb_grpc
from kit import grpc_server, idempotency
from kit.db import Database
from kit.errors import InvalidArgument
from kit.grpc_context import idempotency_key
from sqlalchemy import func, select

from . import (
    access,
    attendance,
    conflicts,
    convert,
    placing,
    reference_data,
    repository,
    timetable_export,
    timetables,
    views,
)
from . import models as m
from .settings import SchedulingSettings, load
from .solve_jobs import SolveJobRunner

log = logging.getLogger(__name__)
SERVICE_NAME = pb.DESCRIPTOR.services_by_name["SchedulingService"].full_name


class _Rollback(Exception):
    """Raised to roll a dry run's savepoint back while keeping its result."""

    def __init__(self, result):
        super().__init__("dry run")
        self.result = result


class SchedulingServicer(pb_grpc.SchedulingServiceServicer):
    def __init__(self, db: Database, settings: SchedulingSettings, runner: SolveJobRunner):
        self.db, self.settings, self.runner = db, settings, runner
        self.staff = settings.staff_roles

    # ---- helpers ---------------------------------------------------------------------
    def _staff(self):
        return access.require_staff(self.staff)

    def _idempotent(self, method: str, request, response_type, apply):
        """Run `apply(session)` once per idempotency key (kit.idempotency.run_once): the same
        key + the same request → the stored response; a different request → error. The
        effect and the stored response commit in one transaction."""
        key = idempotency_key() or getattr(request, "idempotency_key", "")
        return idempotency.run_once(self.db, key, method, idempotency.protobuf_fingerprint(request),
                                    apply, idempotency.protobuf_codec(response_type))

    # ---- reference data --------------------------------------------------------------
    def UpsertCampus(self, request, context):
        self._staff()
        with self.db.session() as s:
            c = reference_data.upsert_campus(s, request.campus.id, request.campus.name,
                                             request.campus.time_zone or self.settings.time_zone)
            return pb.UpsertCampusResponse(campus=convert.campus(c))

    def SetTimeslots(self, request, context):
        self._staff()
        with self.db.session() as s:
            rows = reference_data.set_timeslots(s, request.campus_id, [
                (t.day, t.period, t.start_time, t.end_time) for t in request.timeslots])
            return pb.SetTimeslotsResponse(timeslots=[convert.timeslot(t) for t in rows])

    def ListTimeslots(self, request, context):
        with self.db.session() as s:
            rows = s.scalars(select(m.Timeslot).where(m.Timeslot.campus_id == request.campus_id)
                             .order_by(m.Timeslot.day, m.Timeslot.period))
            return pb.ListTimeslotsResponse(timeslots=[convert.timeslot(t) for t in rows])

    def _save_room(self, room_msg, row):
        with self.db.session() as s:
            row = row or s.get(m.Room, room_msg.id) or m.Room()
            if room_msg.id and not row.id:
                row.id = room_msg.id
            r = reference_data.save_room(
                s, row, campus_id=room_msg.campus_id, name=room_msg.name,
                capacity=room_msg.capacity, features=room_msg.features,
                unavailable=convert.slots_in(room_msg.unavailable), active=room_msg.active)
            return convert.room(r)

    def CreateRoom(self, request, context):
        self._staff()
        with self.db.session() as s:
            if request.room.id and s.get(m.Room, request.room.id) is not None:
                raise InvalidArgument("room id exists; use UpdateRoom", message_zh="教室已存在")
        msg = pb.Room()
        msg.CopyFrom(request.room)
        if not request.HasField("room") or not msg.active:
            msg.active = True  # a new room is in use unless said otherwise later
        return pb.CreateRoomResponse(room=self._save_room(msg, None))

    def UpdateRoom(self, request, context):
        self._staff()
        with self.db.session() as s:
            repository.get_or_404(s, m.Room, request.room.id, "room", "教室")
        return pb.UpdateRoomResponse(room=self._save_room(request.room, None))

    def ListRooms(self, request, context):
        self._staff()
        with self.db.session() as s:
            rows = s.scalars(select(m.Room).where(m.Room.campus_id == request.campus_id)
                             .order_by(m.Room.name))
            return pb.ListRoomsResponse(rooms=[convert.room(r) for r in rows])

    def _save_teacher(self, msg, create: bool):
        with self.db.session() as s:
            row = s.get(m.Teacher, msg.id)
            if create and row is not None:
                raise InvalidArgument("teacher exists; use UpdateTeacher", message_zh="教师已存在")
            if not create and row is None:
                repository.get_or_404(s, m.Teacher, msg.id, "teacher", "教师")
            row = row or m.Teacher(id=msg.id)
            t = reference_data.save_teacher(
                s, row, campus_id=msg.campus_id, name=msg.name, course_ids=msg.course_ids,
                unavailable=convert.slots_in(msg.unavailable), active=msg.active or create)
            return convert.teacher(t)

    def CreateTeacher(self, request, context):
        self._staff()
        return pb.CreateTeacherResponse(teacher=self._save_teacher(request.teacher, True))

    def UpdateTeacher(self, request, context):
        self._staff()
        return pb.UpdateTeacherResponse(teacher=self._save_teacher(request.teacher, False))

    def ListTeachers(self, request, context):
        self._staff()
        with self.db.session() as s:
            rows = s.scalars(select(m.Teacher).where(m.Teacher.campus_id == request.campus_id)
                             .order_by(m.Teacher.name))
            return pb.ListTeachersResponse(teachers=[convert.teacher(t) for t in rows])

    def CreateTerm(self, request, context):
        self._staff()
        t = request.term
        with self.db.session() as s:
            row = reference_data.create_term(s, term_id=t.id, campus_id=t.campus_id, name=t.name,
                                             start=t.start_date, end=t.end_date)
            return pb.CreateTermResponse(term=convert.term(row))

    def ListTerms(self, request, context):
        with self.db.session() as s:
            rows = s.scalars(select(m.Term).where(m.Term.campus_id == request.campus_id)
                             .order_by(m.Term.start_date))
            return pb.ListTermsResponse(terms=[convert.term(t) for t in rows])

    def UpsertCourse(self, request, context):
        self._staff()
        with self.db.session() as s:
            c = reference_data.upsert_course(s, request.course.id, request.course.name)
            return pb.UpsertCourseResponse(course=pb.Course(id=c.id, name=c.name))

    def _save_section(self, msg, create: bool):
        with self.db.session() as s:
            row = s.get(m.ClassSection, msg.id) if msg.id else None
            if create and row is not None:
                raise InvalidArgument("section exists; use UpdateClassSection",
                                      message_zh="班级已存在")
            if not create and row is None:
                repository.get_or_404(s, m.ClassSection, msg.id, "section", "班级")
            if row is None:
                row = m.ClassSection(id=msg.id) if msg.id else m.ClassSection()
            sec = reference_data.save_section(
                s, row, campus_id=msg.campus_id, term_id=msg.term_id, course_id=msg.course_id,
                name=msg.name, teacher_id=msg.teacher_id,
                teacher_candidate_ids=list(msg.teacher_candidate_ids),
                lessons_per_week=msg.lessons_per_week, min_working_days=msg.min_working_days,
                capacity=msg.capacity, student_groups=msg.student_groups,
                required_room_features=msg.required_room_features)
            return convert.section(sec, self._placed(s, sec.id))

    @staticmethod
    def _placed(s, section_id: str) -> int:
        return s.scalar(select(func.count()).select_from(m.Placement)
                        .where(m.Placement.section_id == section_id))

    def CreateClassSection(self, request, context):
        self._staff()
        return pb.CreateClassSectionResponse(section=self._save_section(request.section, True))

    def UpdateClassSection(self, request, context):
        self._staff()
        return pb.UpdateClassSectionResponse(section=self._save_section(request.section, False))

    def ListClassSections(self, request, context):
        self._staff()
        with self.db.session() as s:
            query = select(m.ClassSection).where(m.ClassSection.campus_id == request.campus_id)
            if request.term_id:
                query = query.where(m.ClassSection.term_id == request.term_id)
            if request.course_id:
                query = query.where(m.ClassSection.course_id == request.course_id)
            rows = list(s.scalars(query.order_by(m.ClassSection.name)))
            return pb.ListClassSectionsResponse(
                sections=[convert.section(r, self._placed(s, r.id)) for r in rows])

    # ---- solving and publishing ------------------------------------------------------
    def SolveTimetable(self, request, context):
        caller = self._staff()
        limit = request.time_limit_seconds or self.settings.solve_time_limit_seconds
        if limit < 0 or limit > 3600:
            raise InvalidArgument("time limit must be within 1..3600 s",
                                  message_zh="时限应在 1..3600 秒")
        job = self.runner.submit(campus_id=request.campus_id, term_id=request.term_id,
                                 time_limit=limit, seed=request.seed,
                                 requested_by=caller.user_id if caller else None)
        return pb.SolveTimetableResponse(job=convert.job(job))

    def GetSolveJob(self, request, context):
        self._staff()
        with self.db.session() as s:
            job = repository.get_or_404(s, m.SolveJob, request.job_id, "solve job", "排课任务")
            return pb.GetSolveJobResponse(job=convert.job(job))

    def PublishTimetable(self, request, context):
        self._staff()
        with self.db.session() as s:
            published = timetables.publish(s, request.timetable_id)
            result = published.sessions
            lectures = [convert.lecture(x)
                        for x in repository.lectures_of(s, published.timetable.id)]
            return pb.PublishTimetableResponse(
                timetable=convert.timetable(published.timetable, lectures),
                sessions_scheduled=result.scheduled)

    def MarkUnavailable(self, request, context):
        self._staff()
        limit = request.time_limit_seconds or self.settings.repair_time_limit_seconds
        args = dict(campus_id=request.campus_id, term_id=request.term_id,
                    teacher_id=request.teacher_id, room_id=request.room_id,
                    slots=reference_data_slots(request.slots), reason=request.reason,
                    dry_run=request.dry_run, time_limit=limit)

        def repair(s) -> pb.MarkUnavailableResponse:
            repair = timetables.mark_unavailable(s, **args)
            response = pb.MarkUnavailableResponse(
                moves=[pb.LectureMove(before=convert.lecture(mv.before),
                                      after=convert.lecture(mv.after))
                       for mv in repair.moves])
            if repair.published is not None:
                t = repair.published.timetable
                response.timetable.CopyFrom(convert.timetable(
                    t, [convert.lecture(x) for x in repository.lectures_of(s, t.id)]))
                response.sessions_changed = (repair.published.sessions.changed
                                             + repair.published.sessions.cancelled)
            return response

        def apply(s) -> pb.MarkUnavailableResponse:
            if not request.dry_run:
                return repair(s)
            # A dry run changes nothing: its work is rolled back to a savepoint, while the
            # answer (and, under a key, its record) commits.
            try:
                with s.begin_nested():
                    raise _Rollback(repair(s))
            except _Rollback as done:
                return done.result

        return self._idempotent("MarkUnavailable", request, pb.MarkUnavailableResponse, apply)

    # ---- placement and conflicts -----------------------------------------------------
    def PlaceStudent(self, request, context):
        self._staff()
        req = placing.PlacementRequest(student_id=request.student_id, course_id=request.course_id,
                                       campus_id=request.campus_id, term_id=request.term_id,
                                       enrollment_id=request.enrollment_id)
        if not req.student_id or not req.course_id:
            raise InvalidArgument("student_id and course_id are required",
                                  message_zh="学员和课程必填")
        with self.db.session() as s:
            decision = placing.place(s, req, dry_run=request.dry_run)
        return pb.PlaceStudentResponse(
            placed=decision.placed, section_id=decision.section_id or "",
            rejections=[pb.PlacementRejection(section_id=r.section_id, reason=r.reason,
                                              message=r.message, message_zh=r.message_zh)
                        for r in decision.rejections])

    def CheckConflicts(self, request, context):
        self._staff()
        with self.db.session() as s:
            timetable = repository.get_or_404(s, m.Timetable, request.timetable_id,
                                              "timetable", "课表")
            ct = repository.load_campus_term(s, timetable.campus_id, timetable.term_id)
            lectures = repository.lectures_of(s, timetable.id)
        change = conflicts.ProposedChange(
            section_id=request.section_id, lecture_number=request.lecture_number,
            slot=(request.slot.day, request.slot.period) if request.HasField("slot") else None,
            room_id=request.room_id or None, teacher_id=request.teacher_id or None)
        found = conflicts.check_change(ct, lectures, change)
        return pb.CheckConflictsResponse(conflicts=[
            pb.Conflict(kind=c.kind, message=c.message, message_zh=c.message_zh,
                        other_section_id=c.other_section_id) for c in found])

    # ---- views and exports -----------------------------------------------------------
    def _view(self, q) -> views.TimetableViewData:
        view = convert.VIEW_NAMES[q.view]
        if view == "teacher":
            access.require_staff_or_self_teacher(self.staff, q.subject_id)
        else:
            self._staff()
        with self.db.session() as s:
            return views.load_view(s, campus_id=q.campus_id, term_id=q.term_id, view=view,
                                   subject_id=q.subject_id, timetable_id=q.timetable_id,
                                   include_sessions=q.include_sessions)

    def GetTimetable(self, request, context):
        data = self._view(request)
        lectures = [convert.lecture(n.lecture, section_name=n.section_name,
                                    course_name=n.course_name, room_name=n.room_name,
                                    teacher_name=n.teacher_name, start_time=n.start_time,
                                    end_time=n.end_time) for n in data.lectures]
        return pb.GetTimetableResponse(
            timetable=convert.timetable(data.timetable, lectures),
            timeslots=[convert.timeslot(t) for t in data.timeslots],
            sessions=[convert.session(x) for x in data.sessions])

    def ExportTimetable(self, request, context):
        query = pb.GetTimetableRequest()
        query.CopyFrom(request.query)
        if request.format == pb.EXPORT_FORMAT_ICS:
            query.include_sessions = True
            data = self._view(query)
            content, kind, ext = views.export_ics(data), timetable_export.ICS_CONTENT_TYPE, "ics"
        elif request.format == pb.EXPORT_FORMAT_XLSX:
            data = self._view(query)
            content, kind, ext = views.export_xlsx(data), timetable_export.XLSX_CONTENT_TYPE, "xlsx"
        else:
            raise InvalidArgument("format must be XLSX or ICS",
                                  message_zh="导出格式应为 XLSX 或 ICS")
        subject = data.subject_id or data.campus.id
        name = f"timetable-{data.view}-{subject}-v{data.timetable.version}.{ext}"
        return pb.ExportTimetableResponse(content=content, content_type=kind, file_name=name)

    # ---- attendance ------------------------------------------------------------------
    def RecordTeacherAttendance(self, request, context):
        status = convert.ATTENDANCE.get(request.status)
        if status is None:
            raise InvalidArgument("attendance status required", message_zh="请指定考勤状态")
        with self.db.session() as s:
            session = repository.get_or_404(s, m.ScheduledSession, request.session_id,
                                            "session", "课次")
            if status == "signed_in":  # a teacher may sign themselves in
                caller = access.require_staff_or_self_teacher(self.staff, session.teacher_id)
            else:
                caller = self._staff()
            row = attendance.record(s, session_id=request.session_id, status=status,
                                    substitute_teacher_id=request.substitute_teacher_id,
                                    note=request.note,
                                    recorded_by=caller.user_id if caller else None)
            return pb.RecordTeacherAttendanceResponse(session=convert.session(row))


def reference_data_slots(refs) -> list[tuple[int, int]]:
    return [tuple(x) for x in reference_data.check_slots(convert.slots_in(refs))]


def build_server(settings: SchedulingSettings, db: Database, *, address: str | None = None,
                 **server_kwargs) -> tuple[grpc_server.GrpcServer, SolveJobRunner]:
    runner = SolveJobRunner(db, max_workers=settings.solve_workers)
    runner.recover()
    servicer = SchedulingServicer(db, settings, runner)
    server = grpc_server.create_server(
        [(pb_grpc.add_SchedulingServiceServicer_to_server, servicer)], [SERVICE_NAME],
        address or f"{settings.grpc_host}:{settings.grpc_port}", part="scheduling",
        **server_kwargs)
    return server, runner


def main() -> None:
    from kit.grpc_client import identity_key_set
    from kit.internal_auth import load_internal_token
    from kit.logs import configure_logging

    configure_logging("scheduling")
    settings = load()
    db = Database(settings.database_url)
    runner = SolveJobRunner(db, max_workers=settings.solve_workers)
    interrupted = runner.recover()
    if interrupted:
        log.warning("marked %d interrupted solve jobs failed", interrupted)
    servicer = SchedulingServicer(db, settings, runner)
    try:
        grpc_server.serve(
            [(pb_grpc.add_SchedulingServiceServicer_to_server, servicer)], [SERVICE_NAME],
            f"{settings.grpc_host}:{settings.grpc_port}", part="scheduling",
            metrics_port=settings.metrics_port, key_set=identity_key_set(settings.identity_address),
            internal_token=load_internal_token())
    finally:
        runner.shutdown()
        db.dispose()


if __name__ == "__main__":
    main()
