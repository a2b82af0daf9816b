# ruff: noqa: N802 - the fake servicer's methods carry the gRPC method names
"""The /v1/scheduling routes against a fake scheduling gRPC server: JSON <-> protobuf mapping,
forwarded metadata, idempotency, paging, exports, and errors as problem documents (gRPC status
mapped; bad input refused before anything is forwarded)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import threading
import urllib.parse
from concurrent import futures
from typing import Any

import grpc
import jwt
import pytest
from contracts.scheduling import scheduling_pb2 as pb
from contracts.scheduling import scheduling_pb2_grpc as pb_grpc
from fakes import assert_problem
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health, health_pb2_grpc
from scheduling.settings import SchedulingSettings

pytestmark = pytest.mark.anyio

BASE = "/v1/scheduling"
# The real service's default staff roles (scheduling.settings), not a copy that can drift.
STAFF_ROLES = set(SchedulingSettings().staff_roles)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclasses.dataclass
class Call:
    method: str
    request: Any
    metadata: dict[str, str]


def _ts(value: dt.datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


LECTURE = pb.Lecture(section_id="sec-1", lecture_number=1, day=1, period=2, room_id="r-1",
                     teacher_id="u-alice", section_name="Math A", course_name="数学",
                     room_name="101", teacher_name="Alice", start_time="10:15",
                     end_time="11:45")
TIMETABLE = pb.Timetable(id="tt-1", campus_id="c-1", term_id="term-1", version=2,
                         status=pb.TIMETABLE_STATUS_PUBLISHED, lectures=[LECTURE],
                         published_at=_ts(dt.datetime(2026, 3, 1, 8, 0)))
CAMPUS = pb.Campus(id="c-1", name="北京校区", time_zone="Asia/Shanghai", region_id="r-north",
                   department_ids=["d-1", "d-2"])
SESSION = pb.Session(id="s-1", section_id="sec-1", lecture_number=1, date="2026-03-02", day=1,
                     period=2, starts_at=_ts(dt.datetime(2026, 3, 2, 2, 15)),
                     ends_at=_ts(dt.datetime(2026, 3, 2, 3, 45)), room_id="r-1",
                     teacher_id="u-alice", status="scheduled")


class FakeScheduling(pb_grpc.SchedulingServiceServicer):
    """Canned answers; staff = the token's roles include one of scheduling's staff roles; a
    teacher may read their own timetable (like the real service)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def _enter(self, method: str, request, context, *, staff: bool = True,
               self_teacher: str | None = None) -> None:
        metadata = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
        with self.lock:
            self.calls.append(Call(method, request, metadata))
        token = metadata.get("authorization", "")[7:]
        claims = jwt.decode(token, options={"verify_signature": False}) if token else {}
        roles = set(claims.get("roles", []))
        if staff and not roles & STAFF_ROLES and not (
                self_teacher is not None and claims.get("sub") == self_teacher):
            self._abort(context, grpc.StatusCode.PERMISSION_DENIED, "scheduling.staff_only",
                        "scheduling staff only", "仅排课管理人员可执行此操作")

    @staticmethod
    def _abort(context, code, reason: str, message: str, message_zh: str):
        context.set_trailing_metadata((("x-error-reason", reason), (
            "x-error-message-zh", urllib.parse.quote(message_zh, safe=""))))
        context.abort(code, message)

    def ListRooms(self, request, context):
        """Three rooms, paged like the service: an opaque token, INVALID_ARGUMENT for a bad
        one (the real keyset tokens are tested against the real service)."""
        self._enter("ListRooms", request, context)
        if request.page_token and not request.page_token.startswith("fake."):
            self._abort(context, grpc.StatusCode.INVALID_ARGUMENT, "invalid.page_token",
                        "invalid page token", "分页令牌无效")
        start = int(request.page_token[5:]) if request.page_token else 0
        end = start + (request.page_size or 100)
        rooms = [pb.Room(id=f"r-{i}", campus_id=request.campus_id, name=f"10{i}", capacity=30,
                         features=["projector"], unavailable=[pb.SlotRef(day=1, period=1)],
                         active=True) for i in range(1, 4)]
        following = f"fake.{end}" if end < len(rooms) else ""
        return pb.ListRoomsResponse(rooms=rooms[start:end], next_page_token=following)

    def UpsertCampus(self, request, context):
        self._enter("UpsertCampus", request, context)
        return pb.UpsertCampusResponse(campus=request.campus)

    def GetCampus(self, request, context):
        self._enter("GetCampus", request, context)
        if request.campus_id != "c-1":  # missing or out of the caller's scope
            self._abort(context, grpc.StatusCode.NOT_FOUND, "scheduling.campus_not_found",
                        "campus not found", "校区不存在")
        return pb.GetCampusResponse(campus=CAMPUS)

    def ListCampuses(self, request, context):
        self._enter("ListCampuses", request, context)
        return pb.ListCampusesResponse(campuses=[CAMPUS], next_page_token="fake.1")  # noqa: S106

    def CreateTerm(self, request, context):
        self._enter("CreateTerm", request, context)
        term = pb.Term()
        term.CopyFrom(request.term)
        term.id = term.id or "term-new"
        return pb.CreateTermResponse(term=term)

    def GetTerm(self, request, context):
        self._enter("GetTerm", request, context, staff=False)
        return pb.GetTermResponse(term=pb.Term(id=request.term_id, campus_id="c-1", name="春季",
                                               start_date="2026-03-02", end_date="2026-06-30"))

    def UpsertCourse(self, request, context):
        self._enter("UpsertCourse", request, context)
        return pb.UpsertCourseResponse(course=request.course)

    def GetCourse(self, request, context):
        self._enter("GetCourse", request, context)
        return pb.GetCourseResponse(course=pb.Course(id=request.course_id, name="数学"))

    def ListCourses(self, request, context):
        self._enter("ListCourses", request, context)
        return pb.ListCoursesResponse(courses=[pb.Course(id="math", name="数学")])

    def CreateRoom(self, request, context):
        self._enter("CreateRoom", request, context)
        room = pb.Room()
        room.CopyFrom(request.room)
        room.id = room.id or f"r-new-{len(self.calls_to('CreateRoom'))}"
        return pb.CreateRoomResponse(room=room)

    def UpdateRoom(self, request, context):
        self._enter("UpdateRoom", request, context)
        if request.room.id == "missing":
            self._abort(context, grpc.StatusCode.NOT_FOUND, "not_found", "room not found",
                        "教室不存在")
        return pb.UpdateRoomResponse(room=request.room)

    def ListTeachers(self, request, context):
        self._enter("ListTeachers", request, context)
        return pb.ListTeachersResponse(teachers=[pb.Teacher(
            id="u-alice", campus_id=request.campus_id, name="Alice", course_ids=["math"],
            active=True)])

    def CreateTeacher(self, request, context):
        self._enter("CreateTeacher", request, context)
        return pb.CreateTeacherResponse(teacher=request.teacher)

    def UpdateTeacher(self, request, context):
        self._enter("UpdateTeacher", request, context)
        return pb.UpdateTeacherResponse(teacher=request.teacher)

    def ListTimeslots(self, request, context):
        self._enter("ListTimeslots", request, context, staff=False)
        return pb.ListTimeslotsResponse(timeslots=[
            pb.Timeslot(day=1, period=1, start_time="08:30", end_time="10:00")])

    def SetTimeslots(self, request, context):
        self._enter("SetTimeslots", request, context)
        return pb.SetTimeslotsResponse(timeslots=request.timeslots)

    def ListTerms(self, request, context):
        self._enter("ListTerms", request, context, staff=False)
        return pb.ListTermsResponse(terms=[pb.Term(
            id="term-1", campus_id=request.campus_id, name="春季", start_date="2026-03-02",
            end_date="2026-06-30")])

    def ListClassSections(self, request, context):
        self._enter("ListClassSections", request, context)
        return pb.ListClassSectionsResponse(sections=[pb.ClassSection(
            id="sec-1", campus_id=request.campus_id, term_id="term-1", course_id="math",
            name="Math A", teacher_id="u-alice", lessons_per_week=2, min_working_days=2,
            capacity=30, placed_students=3)])

    def CreateClassSection(self, request, context):
        self._enter("CreateClassSection", request, context)
        section = pb.ClassSection()
        section.CopyFrom(request.section)
        section.id = section.id or "sec-new"
        return pb.CreateClassSectionResponse(section=section)

    def UpdateClassSection(self, request, context):
        self._enter("UpdateClassSection", request, context)
        return pb.UpdateClassSectionResponse(section=request.section)

    def SolveTimetable(self, request, context):
        self._enter("SolveTimetable", request, context)
        return pb.SolveTimetableResponse(job=pb.SolveJob(
            id="job-1", campus_id=request.campus_id, term_id=request.term_id,
            status=pb.SOLVE_JOB_STATUS_QUEUED, best_hard_violations=-1, best_soft_cost=-1,
            created_at=_ts(dt.datetime(2026, 3, 1))))

    def GetSolveJob(self, request, context):
        self._enter("GetSolveJob", request, context)
        if request.job_id != "job-1":
            self._abort(context, grpc.StatusCode.NOT_FOUND, "not_found",
                        "solve job not found", "排课任务不存在")
        return pb.GetSolveJobResponse(job=pb.SolveJob(
            id="job-1", campus_id="c-1", term_id="term-1", status=pb.SOLVE_JOB_STATUS_DONE,
            progress_percent=100, best_hard_violations=0, best_soft_cost=7, feasible=True,
            timetable_id="tt-1", created_at=_ts(dt.datetime(2026, 3, 1)),
            finished_at=_ts(dt.datetime(2026, 3, 1, 0, 0, 30))))

    def PublishTimetable(self, request, context):
        self._enter("PublishTimetable", request, context)
        if request.timetable_id == "tt-infeasible":
            self._abort(context, grpc.StatusCode.FAILED_PRECONDITION,
                        "timetable.infeasible", "timetable has hard violations",
                        "课表存在硬冲突，不能发布")
        return pb.PublishTimetableResponse(timetable=TIMETABLE, sessions_scheduled=28)

    def MarkUnavailable(self, request, context):
        self._enter("MarkUnavailable", request, context)
        after = pb.Lecture()
        after.CopyFrom(LECTURE)
        after.day, after.period = 2, 3
        response = pb.MarkUnavailableResponse(moves=[pb.LectureMove(before=LECTURE, after=after)])
        if not request.dry_run:
            response.timetable.CopyFrom(TIMETABLE)
            response.sessions_changed = 14
        return response

    def CheckConflicts(self, request, context):
        self._enter("CheckConflicts", request, context)
        if request.HasField("slot") and (request.slot.day, request.slot.period) == (1, 1):
            return pb.CheckConflictsResponse(conflicts=[pb.Conflict(
                kind="teacher_busy", message="teacher busy", message_zh="教师已有课",
                other_section_id="sec-2")])
        return pb.CheckConflictsResponse()

    def GetTimetable(self, request, context):
        self._enter("GetTimetable", request, context,
                    self_teacher=request.subject_id
                    if request.view == pb.TIMETABLE_VIEW_TEACHER else None)
        return pb.GetTimetableResponse(
            timetable=TIMETABLE, timeslots=[pb.Timeslot(day=1, period=2, start_time="10:15",
                                                        end_time="11:45")],
            sessions=[SESSION] if request.include_sessions else [])

    def ExportTimetable(self, request, context):
        self._enter("ExportTimetable", request, context)
        if request.format == pb.EXPORT_FORMAT_ICS:
            return pb.ExportTimetableResponse(
                content=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", content_type="text/calendar",
                file_name=f"timetable-{request.query.subject_id or 'campus'}-v2.ics")
        return pb.ExportTimetableResponse(content=b"PK\x03\x04fake-xlsx", content_type=XLSX,
                                          file_name="课表-v2.xlsx")

    def RecordTeacherAttendance(self, request, context):
        self._enter("RecordTeacherAttendance", request, context, staff=False)
        session = pb.Session()
        session.CopyFrom(SESSION)
        session.id = request.session_id
        session.attendance = {1: "signed_in", 2: "absent", 3: "substitute"}[request.status]
        session.substitute_teacher_id = request.substitute_teacher_id
        return pb.RecordTeacherAttendanceResponse(session=session)


@pytest.fixture(scope="module")
def scheduling_server():
    fake = FakeScheduling()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_SchedulingServiceServicer_to_server(fake, server)
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)  # SERVING
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield fake, f"127.0.0.1:{port}"
    server.stop(grace=None)


@pytest.fixture
async def sched(harness, scheduling_server):
    fake, target = scheduling_server
    fake.reset()
    async with harness(scheduling_target=target) as gw:
        gw.scheduling = fake
        yield gw


async def test_list_rooms_forwards_the_caller_and_pages(sched):
    headers = {**sched.auth("u-admin"), "X-Correlation-Id": "corr-rooms-1"}
    first = await sched.client.get(f"{BASE}/campuses/c-1/rooms", params={"limit": 2},
                                   headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [r["id"] for r in body["items"]] == ["r-1", "r-2"]
    assert body["next_cursor"] == "fake.2"  # the service's token, passed through
    assert body["items"][0] == {"id": "r-1", "campus_id": "c-1", "name": "101", "capacity": 30,
                                "features": ["projector"],
                                "unavailable": [{"day": 1, "period": 1}], "active": True}
    second = await sched.client.get(f"{BASE}/campuses/c-1/rooms",
                                    params={"limit": 2, "cursor": body["next_cursor"]},
                                    headers=headers)
    assert [r["id"] for r in second.json()["items"]] == ["r-3"]
    assert second.json()["next_cursor"] is None
    first_call, second_call = sched.scheduling.calls_to("ListRooms")
    assert (first_call.request.page_size, first_call.request.page_token) == (2, "")
    assert (second_call.request.page_size, second_call.request.page_token) == (2, "fake.2")
    call = first_call
    assert call.request.campus_id == "c-1"
    assert call.metadata["authorization"] == headers["Authorization"]
    assert call.metadata["x-correlation-id"] == "corr-rooms-1"
    assert call.metadata["x-client-address"] == "203.0.113.7"
    records = sched.audit.by_correlation("corr-rooms-1")
    assert records[0]["action"] == "scheduling.rooms.list"
    assert (records[0]["target_type"], records[0]["target_id"]) == ("campus", "c-1")


async def test_a_cursor_the_service_refuses_is_422(sched):
    refused = await sched.client.get(f"{BASE}/campuses/c-1/rooms", headers=sched.auth("u-admin"),
                                     params={"cursor": "edited.token"})
    assert assert_problem(refused, 422, "invalid-page-token")["detail_zh"] == "分页令牌无效"


async def test_campus_term_and_course_setup(sched):
    admin = sched.auth("u-admin")
    body = {"name": "北京校区", "region_id": "r-north", "department_ids": ["d-1", "d-2"]}
    key = {**admin, "Idempotency-Key": "campus-put-1"}
    put = await sched.client.put(f"{BASE}/campuses/c-1", json=body, headers=key)
    assert put.status_code == 200, put.text
    assert put.json() == {"id": "c-1", "name": "北京校区", "time_zone": "Asia/Shanghai",
                          "region_id": "r-north", "department_ids": ["d-1", "d-2"]}
    again = await sched.client.put(f"{BASE}/campuses/c-1", json=body, headers=key)
    assert again.json() == put.json()
    (call,) = sched.scheduling.calls_to("UpsertCampus")  # replayed, not forwarded twice
    assert call.metadata["idempotency-key"] == "campus-put-1"
    assert (call.request.campus.region_id, list(call.request.campus.department_ids)) == \
        ("r-north", ["d-1", "d-2"])
    reused = await sched.client.put(f"{BASE}/campuses/c-1", json={**body, "name": "x"},
                                    headers=key)
    assert reused.status_code == 422
    got = await sched.client.get(f"{BASE}/campuses/c-1", headers=admin)
    assert got.json()["region_id"] == "r-north"
    assert_problem(await sched.client.get(f"{BASE}/campuses/c-9", headers=admin), 404)
    listed = await sched.client.get(f"{BASE}/campuses", headers=admin, params={"limit": 1})
    assert listed.json()["next_cursor"] == "fake.1" and listed.json()["items"][0]["id"] == "c-1"
    assert sched.scheduling.calls_to("ListCampuses")[0].request.page_size == 1

    term = await sched.client.post(f"{BASE}/campuses/c-1/terms", headers=admin, json={
        "name": "2026 秋季", "start_date": "2026-09-01", "end_date": "2027-01-15"})
    assert term.status_code == 201, term.text
    assert term.headers["location"] == f"{BASE}/campuses/c-1/terms/term-new"
    forwarded = sched.scheduling.calls_to("CreateTerm")[0].request.term
    assert (forwarded.campus_id, forwarded.start_date, forwarded.end_date) == \
        ("c-1", "2026-09-01", "2027-01-15")
    one = await sched.client.get(f"{BASE}/campuses/c-1/terms/term-1", headers=admin)
    assert one.status_code == 200 and one.json()["name"] == "春季"
    # a term of another campus is not under this campus's path
    assert_problem(await sched.client.get(f"{BASE}/campuses/c-2/terms/term-1", headers=admin),
                   404, "not-found")

    course = await sched.client.put(f"{BASE}/courses/math", headers=admin,
                                    json={"name": "数学 Math"})
    assert course.json() == {"id": "math", "name": "数学 Math"}
    assert (await sched.client.get(f"{BASE}/courses/math", headers=admin)).json()["name"] == "数学"
    courses = await sched.client.get(f"{BASE}/courses", headers=admin)
    assert courses.json() == {"items": [{"id": "math", "name": "数学"}], "next_cursor": None}
    denied = await sched.client.put(f"{BASE}/courses/math", headers=sched.auth("u-alice"),
                                    json={"name": "x"})
    assert_problem(denied, 403, "scheduling-staff-only")


async def test_no_token_is_401_and_nothing_is_forwarded(sched):
    for path in (f"{BASE}/campuses/c-1/rooms", f"{BASE}/solve-jobs/job-1",
                 f"{BASE}/campuses/c-1/terms/term-1/teachers/u-alice/timetable.ics"):
        assert_problem(await sched.client.get(path), 401, "unauthenticated")
    response = await sched.client.post(f"{BASE}/solve-jobs",
                                       json={"campus_id": "c-1", "term_id": "term-1"})
    assert_problem(response, 401, "unauthenticated")
    assert sched.scheduling.calls == []


async def test_service_errors_become_problems(sched):
    denied = await sched.client.get(f"{BASE}/campuses/c-1/rooms", headers=sched.auth("u-alice"))
    body = assert_problem(denied, 403, "scheduling-staff-only")
    assert body["detail_zh"] == "仅排课管理人员可执行此操作"
    missing = await sched.client.get(f"{BASE}/solve-jobs/job-404", headers=sched.auth("u-admin"))
    assert assert_problem(missing, 404, "not-found")["detail_zh"] == "排课任务不存在"
    infeasible = await sched.client.post(f"{BASE}/timetables/tt-infeasible/publish",
                                         headers=sched.auth("u-admin"))
    assert_problem(infeasible, 409, "timetable-infeasible")


async def test_scheduling_down_is_503(harness, fake_identity):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"
    async with harness(scheduling_target=closed, grpc_timeout=2.0) as gw:
        response = await gw.client.get(f"{BASE}/campuses/c-1/rooms", headers=gw.auth("u-admin"))
        body = assert_problem(response, 503, "service-unavailable")
        assert "closed" not in body["detail"]  # no backend detail leaks


async def test_readyz_lists_scheduling(sched, harness):
    ready = await sched.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["scheduling"] is True
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"
    # optional by default: degraded (leads too, which nothing answers for here either)
    async with harness(scheduling_target=closed, leads_target=closed) as gw:
        ready = await gw.client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["degraded"] == ["scheduling", "leads"]
    async with harness(scheduling_target=closed, readiness_optional=()) as gw:
        ready = await gw.client.get("/readyz")
        body = assert_problem(ready, 503, "not-ready")
        assert body["checks"]["scheduling"] is False and body["required"]["scheduling"]


async def test_create_room_is_idempotent_and_forwards_the_key(sched):
    headers = {**sched.auth("u-admin"), "Idempotency-Key": "room-key-1"}
    body = {"name": "301", "capacity": 24, "features": ["projector"],
            "unavailable": [{"day": 5, "period": 4}]}
    first = await sched.client.post(f"{BASE}/campuses/c-1/rooms", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await sched.client.post(f"{BASE}/campuses/c-1/rooms", json=body, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    calls = sched.scheduling.calls_to("CreateRoom")
    assert len(calls) == 1
    assert calls[0].metadata["idempotency-key"] == "room-key-1"
    room = calls[0].request.room
    assert (room.campus_id, room.name, room.capacity, room.active) == ("c-1", "301", 24, True)
    assert [(s.day, s.period) for s in room.unavailable] == [(5, 4)]
    reused = await sched.client.post(f"{BASE}/campuses/c-1/rooms",
                                     json={**body, "capacity": 25}, headers=headers)
    assert_problem(reused, 422, "idempotency-key-reused")
    assert len(sched.scheduling.calls_to("CreateRoom")) == 1


async def test_updates_and_reference_lists(sched):
    admin = sched.auth("u-admin")
    room = await sched.client.put(f"{BASE}/campuses/c-1/rooms/r-9", headers=admin,
                                  json={"name": "9", "capacity": 9, "active": False})
    assert room.status_code == 200 and room.json()["active"] is False
    assert_problem(await sched.client.put(f"{BASE}/campuses/c-1/rooms/missing", headers=admin,
                                          json={"name": "x", "capacity": 1}), 404, "not-found")
    teacher = await sched.client.post(f"{BASE}/campuses/c-1/teachers", headers=admin, json={
        "id": "u-bob", "name": "Bob", "course_ids": ["math"]})
    assert teacher.status_code == 201 and teacher.json()["course_ids"] == ["math"]
    teachers = await sched.client.get(f"{BASE}/campuses/c-1/teachers", headers=admin)
    assert teachers.json()["items"][0]["id"] == "u-alice"
    grid = await sched.client.put(f"{BASE}/campuses/c-1/timeslots", headers=admin, json={
        "timeslots": [{"day": 1, "period": 1, "start_time": "08:30", "end_time": "10:00"}]})
    assert grid.json() == {"items": [{"day": 1, "period": 1, "start_time": "08:30",
                                      "end_time": "10:00"}], "next_cursor": None}
    terms = await sched.client.get(f"{BASE}/campuses/c-1/terms", headers=admin)
    assert terms.json()["items"][0]["id"] == "term-1"
    sections = await sched.client.get(f"{BASE}/campuses/c-1/sections", headers=admin,
                                      params={"term_id": "term-1", "course_id": "math"})
    assert sections.json()["items"][0]["placed_students"] == 3
    request = sched.scheduling.calls_to("ListClassSections")[0].request
    assert (request.term_id, request.course_id) == ("term-1", "math")
    created = await sched.client.post(f"{BASE}/campuses/c-1/sections", headers=admin, json={
        "term_id": "term-1", "course_id": "math", "name": "Math B",
        "teacher_candidate_ids": ["u-alice", "u-bob"], "lessons_per_week": 2, "capacity": 20})
    assert created.status_code == 201
    assert created.json()["id"] == "sec-new" and created.json()["teacher_id"] is None
    updated = await sched.client.put(f"{BASE}/campuses/c-1/sections/sec-1", headers=admin, json={
        "term_id": "term-1", "course_id": "math", "name": "Math A+", "teacher_id": "u-alice",
        "lessons_per_week": 3, "capacity": 30})
    assert updated.json()["lessons_per_week"] == 3


async def test_solve_job_is_202_with_location_then_polled(sched):
    admin = sched.auth("u-admin")
    started = await sched.client.post(f"{BASE}/solve-jobs", headers=admin, json={
        "campus_id": "c-1", "term_id": "term-1", "time_limit_seconds": 20, "seed": 7})
    assert started.status_code == 202, started.text
    assert started.headers["location"] == f"{BASE}/solve-jobs/job-1"
    job = started.json()
    assert job["status"] == "queued" and job["best_soft_cost"] is None
    request = sched.scheduling.calls_to("SolveTimetable")[0].request
    assert (request.time_limit_seconds, request.seed) == (20, 7)
    done = (await sched.client.get(f"{BASE}/solve-jobs/job-1", headers=admin)).json()
    assert done["status"] == "done" and done["timetable_id"] == "tt-1"
    assert done["best_hard_violations"] == 0 and done["finished_at"] == "2026-03-01T00:00:30Z"


async def test_publish_forwards_the_idempotency_key(sched):
    headers = {**sched.auth("u-admin"), "Idempotency-Key": "pub-1"}
    response = await sched.client.post(f"{BASE}/timetables/tt-1/publish", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sessions_scheduled"] == 28 and body["timetable"]["status"] == "published"
    assert body["timetable"]["lectures"][0]["start_time"] == "10:15"
    call = sched.scheduling.calls_to("PublishTimetable")[0]
    assert call.request.idempotency_key == "pub-1" and call.metadata["idempotency-key"] == "pub-1"


async def test_mark_unavailable_returns_what_moved(sched):
    admin = sched.auth("u-admin")
    response = await sched.client.post(
        f"{BASE}/campuses/c-1/terms/term-1/mark-unavailable", headers=admin,
        json={"teacher_id": "u-alice", "slots": [{"day": 1, "period": 2}], "reason": "sick"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(m["before"]["day"], m["after"]["day"]) for m in body["moves"]] == [(1, 2)]
    assert body["sessions_changed"] == 14 and body["timetable"]["id"] == "tt-1"
    request = sched.scheduling.calls_to("MarkUnavailable")[0].request
    assert request.teacher_id == "u-alice" and not request.room_id
    dry = await sched.client.post(
        f"{BASE}/campuses/c-1/terms/term-1/mark-unavailable", headers=admin,
        json={"room_id": "r-1", "slots": [{"day": 1, "period": 2}], "dry_run": True})
    assert dry.json()["timetable"] is None and len(dry.json()["moves"]) == 1


async def test_conflict_check(sched):
    admin = sched.auth("u-admin")
    clash = await sched.client.post(f"{BASE}/timetables/tt-1/conflict-check", headers=admin,
                                    json={"section_id": "sec-1", "lecture_number": 1,
                                          "slot": {"day": 1, "period": 1}})
    assert clash.json() == {"ok": False, "conflicts": [{
        "kind": "teacher_busy", "message": "teacher busy", "message_zh": "教师已有课",
        "other_section_id": "sec-2"}]}
    fine = await sched.client.post(f"{BASE}/timetables/tt-1/conflict-check", headers=admin,
                                   json={"section_id": "sec-1", "lecture_number": 1,
                                         "room_id": "r-2"})
    assert fine.json() == {"ok": True, "conflicts": []}
    second = sched.scheduling.calls_to("CheckConflicts")[1].request
    assert not second.HasField("slot") and second.room_id == "r-2"


@pytest.mark.parametrize("plural,view", [("sections", pb.TIMETABLE_VIEW_SECTION),
                                         ("teachers", pb.TIMETABLE_VIEW_TEACHER),
                                         ("rooms", pb.TIMETABLE_VIEW_ROOM),
                                         ("students", pb.TIMETABLE_VIEW_STUDENT)])
async def test_timetable_views(sched, plural, view):
    response = await sched.client.get(
        f"{BASE}/campuses/c-1/terms/term-1/{plural}/x-1/timetable",
        params={"include_sessions": "true", "timetable_id": "tt-1"}, headers=sched.auth("u-admin"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["view"] == plural[:-1] and body["subject_id"] == "x-1"
    assert body["sessions"][0]["starts_at"] == "2026-03-02T02:15:00Z"
    assert body["timetable"]["published_at"] == "2026-03-01T08:00:00Z"
    request = sched.scheduling.calls_to("GetTimetable")[0].request
    assert (request.view, request.subject_id, request.timetable_id) == (view, "x-1", "tt-1")
    assert request.include_sessions and request.campus_id == "c-1"


async def test_campus_view_and_a_teacher_reading_their_own(sched):
    campus = await sched.client.get(f"{BASE}/campuses/c-1/terms/term-1/timetable",
                                    headers=sched.auth("u-admin"))
    assert campus.json()["view"] == "campus" and campus.json()["subject_id"] is None
    own = await sched.client.get(f"{BASE}/campuses/c-1/terms/term-1/teachers/u-alice/timetable",
                                 headers=sched.auth("u-alice"))
    assert own.status_code == 200
    other = await sched.client.get(f"{BASE}/campuses/c-1/terms/term-1/teachers/u-bob/timetable",
                                   headers=sched.auth("u-alice"))
    assert_problem(other, 403, "scheduling-staff-only")


async def test_exports_are_downloads(sched):
    admin = sched.auth("u-admin")
    ics = await sched.client.get(
        f"{BASE}/campuses/c-1/terms/term-1/teachers/u-alice/timetable.ics", headers=admin)
    assert ics.status_code == 200, ics.text
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert ics.headers["content-disposition"] == (
        'attachment; filename="timetable-u-alice-v2.ics"; '
        "filename*=UTF-8''timetable-u-alice-v2.ics")
    assert ics.content == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    xlsx = await sched.client.get(f"{BASE}/campuses/c-1/terms/term-1/timetable.xlsx",
                                  headers=admin)
    assert xlsx.headers["content-type"] == XLSX and xlsx.content == b"PK\x03\x04fake-xlsx"
    # An ASCII fallback name, then the real one (RFC 6266).
    assert xlsx.headers["content-disposition"] == (
        'attachment; filename="__-v2.xlsx"; filename*=UTF-8\'\'%E8%AF%BE%E8%A1%A8-v2.xlsx')
    formats = [c.request.format for c in sched.scheduling.calls_to("ExportTimetable")]
    assert formats == [pb.EXPORT_FORMAT_ICS, pb.EXPORT_FORMAT_XLSX]
    student = await sched.client.get(
        f"{BASE}/campuses/c-1/terms/term-1/students/stu-1/timetable.xlsx", headers=admin)
    assert student.status_code == 200
    assert sched.scheduling.calls_to("ExportTimetable")[-1].request.query.view == \
        pb.TIMETABLE_VIEW_STUDENT


async def test_teacher_attendance(sched):
    signed = await sched.client.post(f"{BASE}/sessions/s-9/teacher-attendance",
                                     headers=sched.auth("u-alice"), json={"status": "signed_in"})
    assert signed.status_code == 200, signed.text
    assert signed.json()["attendance"] == "signed_in" and signed.json()["id"] == "s-9"
    sub = await sched.client.post(f"{BASE}/sessions/s-9/teacher-attendance",
                                  headers=sched.auth("u-admin"),
                                  json={"status": "substitute", "substitute_teacher_id": "u-bob",
                                        "note": "病假"})
    assert sub.json()["substitute_teacher_id"] == "u-bob"
    request = sched.scheduling.calls_to("RecordTeacherAttendance")[1].request
    assert request.status == pb.TEACHER_ATTENDANCE_STATUS_SUBSTITUTE and request.note == "病假"


BAD_REQUESTS = [
    ("GET", f"{BASE}/campuses/bad%20id/rooms", None),
    ("GET", f"{BASE}/campuses/c-1/rooms?limit=0", None),
    ("GET", f"{BASE}/campuses/c-1/rooms?cursor=abc", None),
    ("GET", f"{BASE}/campuses?cursor=a.b%20c", None),
    ("GET", f"{BASE}/courses?limit=501", None),
    ("PUT", f"{BASE}/campuses/c-1", {"name": ""}),
    ("PUT", f"{BASE}/campuses/c-1", {"name": "x", "time_zone": "Mars/Olympus"}),
    ("PUT", f"{BASE}/campuses/c-1", {"name": "x", "region_id": "bad id"}),
    ("PUT", f"{BASE}/campuses/c-1", {"name": "x", "department_ids": ["ok", "../no"]}),
    ("POST", f"{BASE}/campuses/c-1/terms",
     {"name": "t", "start_date": "2026-09-01", "end_date": "2026-08-31"}),
    ("POST", f"{BASE}/campuses/c-1/terms",
     {"name": "t", "start_date": "2026/09/01", "end_date": "2026-12-31"}),
    ("POST", f"{BASE}/campuses/c-1/terms", {"start_date": "2026-09-01",
                                             "end_date": "2026-12-31"}),
    ("PUT", f"{BASE}/courses/math", {"name": ""}),
    ("PUT", f"{BASE}/courses/bad%20id", {"name": "x"}),
    ("GET", f"{BASE}/campuses/c-1/sections?term_id=../x", None),
    ("GET", f"{BASE}/solve-jobs/{'x' * 80}", None),
    ("GET", f"{BASE}/campuses/c-1/terms/term-1/teachers/t.1/timetable", None),
    ("GET", f"{BASE}/campuses/c-1/terms/term-1/teachers/t-1/timetable.pdf", None),
    ("GET", f"{BASE}/campuses/c-1/terms/term-1/timetable?include_sessions=maybe", None),
    ("POST", f"{BASE}/campuses/c-1/rooms", {"name": "", "capacity": 10}),
    ("POST", f"{BASE}/campuses/c-1/rooms", {"name": "x", "capacity": 0}),
    ("POST", f"{BASE}/campuses/c-1/rooms", {"name": "x", "capacity": 10, "colour": "red"}),
    ("POST", f"{BASE}/campuses/c-1/rooms",
     {"name": "x", "capacity": 10, "unavailable": [{"day": 8, "period": 1}]}),
    ("POST", f"{BASE}/campuses/c-1/teachers", {"name": "no id"}),
    ("PUT", f"{BASE}/campuses/c-1/timeslots",
     {"timeslots": [{"day": 1, "period": 1, "start_time": "8:30", "end_time": "10:00"}]}),
    ("PUT", f"{BASE}/campuses/c-1/timeslots", {"timeslots": []}),
    ("POST", f"{BASE}/campuses/c-1/sections",
     {"term_id": "t", "course_id": "c", "name": "n", "lessons_per_week": 0, "capacity": 1}),
    ("POST", f"{BASE}/solve-jobs", {"campus_id": "c-1"}),
    ("POST", f"{BASE}/solve-jobs", {"campus_id": "c-1", "term_id": "t", "time_limit_seconds": -1}),
    ("POST", f"{BASE}/solve-jobs", {"campus_id": "c-1", "term_id": "t", "seed": "x"}),
    ("POST", f"{BASE}/campuses/c-1/terms/t/mark-unavailable",
     {"teacher_id": "a", "room_id": "b", "slots": [{"day": 1, "period": 1}]}),
    ("POST", f"{BASE}/campuses/c-1/terms/t/mark-unavailable",
     {"slots": [{"day": 1, "period": 1}]}),
    ("POST", f"{BASE}/campuses/c-1/terms/t/mark-unavailable", {"teacher_id": "a", "slots": []}),
    ("POST", f"{BASE}/timetables/tt-1/conflict-check", {"section_id": "s", "lecture_number": 0}),
    ("POST", f"{BASE}/sessions/s-1/teacher-attendance", {"status": "late"}),
    ("POST", f"{BASE}/sessions/s-1/teacher-attendance", {"status": "substitute"}),
    ("POST", f"{BASE}/sessions/s-1/teacher-attendance",
     {"status": "absent", "substitute_teacher_id": "u-bob"}),
]


@pytest.mark.parametrize("method,path,body", BAD_REQUESTS)
async def test_bad_input_is_a_problem_and_nothing_is_forwarded(sched, method, path, body):
    response = await sched.client.request(method, path, json=body, headers=sched.auth("u-admin"))
    assert 400 <= response.status_code < 500, response.text
    assert_problem(response, response.status_code)
    assert sched.scheduling.calls == []


# The fuzzer's find (a 502: the service's database refused the NUL) and its relatives, on
# every kind of scheduling body: refused here as 422 naming the field, nothing forwarded.
NUL_NAME = "\u00da;\u0095\U00019d18\u0000\u00ca\u009d`"
CONTROL_CHARACTERS = [
    ("PUT", f"{BASE}/campuses/XxQytfq", {"name": NUL_NAME}, ["name"]),
    ("PUT", f"{BASE}/campuses/c-1", {"name": "ok", "time_zone": "Asia/Shanghai\x00"},
     ["time_zone"]),
    ("PUT", f"{BASE}/courses/math", {"name": "数学\x1b[0m"}, ["name"]),
    ("POST", f"{BASE}/campuses/c-1/rooms", {"name": "101\x00", "capacity": 10}, ["name"]),
    ("POST", f"{BASE}/campuses/c-1/rooms", {"name": "101", "capacity": 10,
                                            "features": ["ok", "pro\x00jector"]},
     ["features", "1"]),  # a label's own pattern (word characters) refuses it
    ("POST", f"{BASE}/campuses/c-1/teachers", {"id": "t-1", "name": "王\x07"}, ["name"]),
    ("POST", f"{BASE}/campuses/c-1/terms", {"name": "秋\x85", "start_date": "2026-09-01",
                                            "end_date": "2026-12-31"}, ["name"]),
    ("POST", f"{BASE}/campuses/c-1/sections",
     {"term_id": "t", "course_id": "c", "name": "A\nB", "teacher_id": "t-1",
      "lessons_per_week": 2, "capacity": 10}, ["name"]),
    ("POST", f"{BASE}/campuses/c-1/terms/t/mark-unavailable",
     {"teacher_id": "t-1", "slots": [{"day": 1, "period": 1}], "reason": "sick\x00"},
     ["reason"]),
    ("POST", f"{BASE}/sessions/s-1/teacher-attendance", {"status": "absent", "note": "\x1b"},
     ["note"]),
]


@pytest.mark.parametrize("method,path,body,field", CONTROL_CHARACTERS)
async def test_control_characters_in_text_are_422(sched, method, path, body, field):
    response = await sched.client.request(method, path, json=body, headers=sched.auth("u-admin"))
    problem = assert_problem(response, 422, "validation-failed")
    assert [e["location"] for e in problem["errors"]] == [["body", *field]], problem
    message = problem["errors"][0]["message"]
    assert "control character U+" in message or "match pattern" in message, message
    assert sched.scheduling.calls == []


async def test_malformed_and_wrong_media_type_bodies(sched):
    headers = sched.auth("u-admin")
    malformed = await sched.client.post(f"{BASE}/solve-jobs", content=b'{"campus_id": ',
                                        headers={**headers, "Content-Type": "application/json"})
    assert_problem(malformed, 400, "malformed-json")
    form = await sched.client.post(f"{BASE}/solve-jobs", content=b"campus_id=c-1",
                                   headers={**headers,
                                            "Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(form, 415, "unsupported-media-type")
    bad_key = await sched.client.post(f"{BASE}/timetables/tt-1/publish",
                                      headers={**headers, "Idempotency-Key": "bad key"})
    assert_problem(bad_key, 400, "invalid-idempotency-key")
    assert sched.scheduling.calls == []
