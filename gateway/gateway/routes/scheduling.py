"""Scheduling: campuses, terms, the course catalogue, rooms, teachers, timeslots, class
sections, solving and publishing timetables, repairs (mark unavailable), conflict checks,
timetable views and exports, teacher attendance.

The scheduling service decides who may do what (its staff roles and their data scope; a
teacher reads their own timetable and signs themselves in): its PERMISSION_DENIED comes back
as a 403 problem, a campus (or anything in it) outside the caller's data scope as 404. The
gateway authenticates, audits (`ctx.target`), validates bodies strictly, keeps
`Idempotency-Key` on writes and forwards it, and forwards `limit`/`cursor` to the service's
keyset pages (`{items, next_cursor}`; a cursor that was altered is a 422).

The grpc.aio client lives on the app (`app.state.scheduling`), opened and closed by this
router's lifespan, which the app's lifespan enters (gateway/app.py).

(No `from __future__ import annotations` here: the view routes are built in a loop and their
parameters' annotations must be real objects, not names FastAPI would look up globally.)
"""
import contextlib
import datetime as dt
import re
import urllib.parse
import zoneinfo
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from contracts.scheduling import scheduling_pb2 as pb
from contracts.scheduling import scheduling_pb2_grpc as pb_grpc
from fastapi import APIRouter, FastAPI, Path, Query, Request, Response
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field, field_validator, model_validator

from ..auth import Authenticated
from ..context import RequestContext
from ..idempotency import fingerprint, idempotency_key
from ..problems import Problem
from ..runtime import GatewayRuntime, forward_metadata
from ..schemas import ID_PATTERN, MultilineText, Page, StrictBody, Text
from ..service_client import ServiceClient
from .deps import Auth, Ctx, CustomerRecordRead, Runtime

PREFIX = "/v1/scheduling"
_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_LABEL = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[\w\-. ]+$")]
_ID = Annotated[str, Field(pattern=ID_PATTERN)]


# --- the gRPC client -------------------------------------------------------------------------

class SchedulingClient(ServiceClient[pb_grpc.SchedulingServiceStub]):
    def __init__(self, target: str, *, timeout: float = 5.0) -> None:
        super().__init__(target, pb_grpc.SchedulingServiceStub, timeout=timeout)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    owned = getattr(app.state, "scheduling", None) is None  # tests may inject one
    if owned:
        settings = app.state.runtime.settings
        app.state.scheduling = SchedulingClient(settings.scheduling_target,
                                                timeout=settings.grpc_timeout)
    client: SchedulingClient = app.state.scheduling
    await client.start()
    try:
        yield
    finally:
        await client.close()
        if owned:
            app.state.scheduling = None


router = APIRouter(prefix=PREFIX, tags=["scheduling"], lifespan=lifespan)


def client_of(request: Request) -> SchedulingClient:
    return request.app.state.scheduling


# --- bodies ----------------------------------------------------------------------------------

class CampusBody(StrictBody):
    name: Text = Field(min_length=1, max_length=200)
    time_zone: Text = Field(default="Asia/Shanghai", min_length=1, max_length=64,
                           description="An IANA time zone name")
    region_id: _ID | None = Field(default=None, description=(
        "Identity's region org unit; without one only `all`-scope staff see the campus"))
    department_ids: list[_ID] = Field(default_factory=list, max_length=100, description=(
        "Identity's departments working at the campus (their department-scoped staff see it)"))

    @field_validator("time_zone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            raise ValueError("unknown time zone") from None
        return value


class TermBody(StrictBody):
    id: _ID | None = Field(default=None, description="Assigned when absent")
    name: Text = Field(min_length=1, max_length=200)
    start_date: dt.date
    end_date: dt.date = Field(description="On or after start_date")

    @model_validator(mode="after")
    def ordered(self) -> "TermBody":
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class CourseBody(StrictBody):
    name: Text = Field(min_length=1, max_length=200)


class SlotIn(StrictBody):
    day: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday")
    period: int = Field(ge=1, le=24, description="1-based period of the day")


class RoomBody(StrictBody):
    name: Text = Field(min_length=1, max_length=100)
    capacity: int = Field(ge=1, le=10_000)
    features: list[_LABEL] = Field(default_factory=list, max_length=20)
    unavailable: list[SlotIn] = Field(default_factory=list, max_length=200)
    active: bool = True


class NewRoomBody(RoomBody):
    id: _ID | None = Field(default=None, description="Assigned when absent")


class TeacherBody(StrictBody):
    name: Text = Field(min_length=1, max_length=100)
    course_ids: list[_ID] = Field(default_factory=list, max_length=100)
    unavailable: list[SlotIn] = Field(default_factory=list, max_length=200)
    active: bool = True


class NewTeacherBody(TeacherBody):
    id: _ID = Field(description="Identity's user id of the teacher")


class TimeslotIn(StrictBody):
    day: int = Field(ge=1, le=7)
    period: int = Field(ge=1, le=24)
    start_time: str = Field(pattern=_TIME)
    end_time: str = Field(pattern=_TIME)


class TimeslotsBody(StrictBody):
    timeslots: list[TimeslotIn] = Field(min_length=1, max_length=7 * 24)


class SectionBody(StrictBody):
    term_id: _ID
    course_id: _ID
    name: Text = Field(min_length=1, max_length=100)
    teacher_id: _ID | None = None
    teacher_candidate_ids: list[_ID] = Field(default_factory=list, max_length=50)
    lessons_per_week: int = Field(ge=1, le=50)
    min_working_days: int = Field(default=1, ge=0, le=7)
    capacity: int = Field(ge=1, le=10_000)
    student_groups: list[_LABEL] = Field(default_factory=list, max_length=50)
    required_room_features: list[_LABEL] = Field(default_factory=list, max_length=20)


class NewSectionBody(SectionBody):
    id: _ID | None = Field(default=None, description="Assigned when absent")


class SolveBody(StrictBody):
    campus_id: _ID
    term_id: _ID
    time_limit_seconds: int = Field(default=0, ge=0, le=3600, description="0 = service default")
    seed: int = Field(default=0, ge=0, le=2**62)


class MarkUnavailableBody(StrictBody):
    teacher_id: _ID | None = None
    room_id: _ID | None = None
    slots: list[SlotIn] = Field(min_length=1, max_length=200)
    reason: MultilineText = Field(default="", max_length=500)
    dry_run: bool = False
    time_limit_seconds: int = Field(default=0, ge=0, le=600, description="0 = service default")

    @model_validator(mode="after")
    def one_subject(self) -> "MarkUnavailableBody":
        if (self.teacher_id is None) == (self.room_id is None):
            raise ValueError("give exactly one of teacher_id and room_id")
        return self


class ConflictCheckBody(StrictBody):
    section_id: _ID
    lecture_number: int = Field(ge=1, le=50)
    slot: SlotIn | None = None
    room_id: _ID | None = None
    teacher_id: _ID | None = None


class AttendanceBody(StrictBody):
    status: Literal["signed_in", "absent", "substitute"]
    substitute_teacher_id: _ID | None = None
    note: MultilineText = Field(default="", max_length=500)

    @model_validator(mode="after")
    def substitute_named(self) -> "AttendanceBody":
        if (self.status == "substitute") != (self.substitute_teacher_id is not None):
            raise ValueError("substitute_teacher_id goes with status substitute (only)")
        return self


# --- responses (OpenAPI) ---------------------------------------------------------------------

class CampusOut(BaseModel):
    id: str
    name: str
    time_zone: str
    region_id: str | None
    department_ids: list[str]


class CourseOut(BaseModel):
    id: str
    name: str


class Slot(BaseModel):
    day: int
    period: int


class RoomOut(BaseModel):
    id: str
    campus_id: str
    name: str
    capacity: int
    features: list[str]
    unavailable: list[Slot]
    active: bool


class TeacherOut(BaseModel):
    id: str
    campus_id: str
    name: str
    course_ids: list[str]
    unavailable: list[Slot]
    active: bool


class TimeslotOut(BaseModel):
    day: int
    period: int
    start_time: str
    end_time: str


class TermOut(BaseModel):
    id: str
    campus_id: str
    name: str
    start_date: str
    end_date: str


class SectionOut(BaseModel):
    id: str
    campus_id: str
    term_id: str
    course_id: str
    name: str
    teacher_id: str | None
    teacher_candidate_ids: list[str]
    lessons_per_week: int
    min_working_days: int
    capacity: int
    student_groups: list[str]
    required_room_features: list[str]
    placed_students: int


class SolveJobOut(BaseModel):
    id: str
    campus_id: str
    term_id: str
    status: Literal["queued", "running", "done", "failed", "unspecified"]
    progress_percent: int
    best_hard_violations: int | None
    best_soft_cost: int | None
    feasible: bool
    timetable_id: str | None
    error: str | None
    created_at: dt.datetime | None
    finished_at: dt.datetime | None


class LectureOut(BaseModel):
    section_id: str
    lecture_number: int
    day: int
    period: int
    room_id: str
    teacher_id: str
    section_name: str = ""
    course_name: str = ""
    room_name: str = ""
    teacher_name: str = ""
    start_time: str = ""
    end_time: str = ""


class TimetableOut(BaseModel):
    id: str
    campus_id: str
    term_id: str
    version: int
    status: Literal["draft", "published", "superseded", "unspecified"]
    hard_violations: int
    soft_cost: int
    published_at: dt.datetime | None
    lectures: list[LectureOut]


class SessionOut(BaseModel):
    id: str
    section_id: str
    lecture_number: int
    date: str
    day: int
    period: int
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    room_id: str
    teacher_id: str
    substitute_teacher_id: str | None
    status: str
    attendance: str | None


class PublishOut(BaseModel):
    timetable: TimetableOut
    sessions_scheduled: int


class MoveOut(BaseModel):
    before: LectureOut
    after: LectureOut


class MarkUnavailableOut(BaseModel):
    moves: list[MoveOut]
    timetable: TimetableOut | None
    sessions_changed: int


class ConflictOut(BaseModel):
    kind: str
    message: str
    message_zh: str
    other_section_id: str | None


class ConflictCheckOut(BaseModel):
    ok: bool
    conflicts: list[ConflictOut]


class TimetableViewOut(BaseModel):
    view: str
    subject_id: str | None
    timetable: TimetableOut
    timeslots: list[TimeslotOut]
    sessions: list[SessionOut]


# --- protobuf -> JSON ------------------------------------------------------------------------

_JOB_STATUS = {pb.SOLVE_JOB_STATUS_QUEUED: "queued", pb.SOLVE_JOB_STATUS_RUNNING: "running",
               pb.SOLVE_JOB_STATUS_DONE: "done", pb.SOLVE_JOB_STATUS_FAILED: "failed"}
_TIMETABLE_STATUS = {pb.TIMETABLE_STATUS_DRAFT: "draft",
                     pb.TIMETABLE_STATUS_PUBLISHED: "published",
                     pb.TIMETABLE_STATUS_SUPERSEDED: "superseded"}
_ATTENDANCE = {"signed_in": pb.TEACHER_ATTENDANCE_STATUS_SIGNED_IN,
               "absent": pb.TEACHER_ATTENDANCE_STATUS_ABSENT,
               "substitute": pb.TEACHER_ATTENDANCE_STATUS_SUBSTITUTE}
_VIEWS = {"campus": pb.TIMETABLE_VIEW_CAMPUS, "section": pb.TIMETABLE_VIEW_SECTION,
          "teacher": pb.TIMETABLE_VIEW_TEACHER, "room": pb.TIMETABLE_VIEW_ROOM,
          "student": pb.TIMETABLE_VIEW_STUDENT}
_FORMATS = {"xlsx": pb.EXPORT_FORMAT_XLSX, "ics": pb.EXPORT_FORMAT_ICS}


def _ts(message: Any, name: str) -> str | None:
    if not message.HasField(name):
        return None
    value: Timestamp = getattr(message, name)
    return value.ToDatetime(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def _slots(values) -> list[dict]:
    return [{"day": s.day, "period": s.period} for s in values]


def room_json(r: pb.Room) -> dict:
    return {"id": r.id, "campus_id": r.campus_id, "name": r.name, "capacity": r.capacity,
            "features": list(r.features), "unavailable": _slots(r.unavailable),
            "active": r.active}


def teacher_json(t: pb.Teacher) -> dict:
    return {"id": t.id, "campus_id": t.campus_id, "name": t.name,
            "course_ids": list(t.course_ids), "unavailable": _slots(t.unavailable),
            "active": t.active}


def campus_json(c: pb.Campus) -> dict:
    return {"id": c.id, "name": c.name, "time_zone": c.time_zone, "region_id": c.region_id or None,
            "department_ids": list(c.department_ids)}


def course_json(c: pb.Course) -> dict:
    return {"id": c.id, "name": c.name}


def timeslot_json(t: pb.Timeslot) -> dict:
    return {"day": t.day, "period": t.period, "start_time": t.start_time,
            "end_time": t.end_time}


def term_json(t: pb.Term) -> dict:
    return {"id": t.id, "campus_id": t.campus_id, "name": t.name, "start_date": t.start_date,
            "end_date": t.end_date}


def section_json(s: pb.ClassSection) -> dict:
    return {"id": s.id, "campus_id": s.campus_id, "term_id": s.term_id,
            "course_id": s.course_id, "name": s.name, "teacher_id": s.teacher_id or None,
            "teacher_candidate_ids": list(s.teacher_candidate_ids),
            "lessons_per_week": s.lessons_per_week, "min_working_days": s.min_working_days,
            "capacity": s.capacity, "student_groups": list(s.student_groups),
            "required_room_features": list(s.required_room_features),
            "placed_students": s.placed_students}


def job_json(j: pb.SolveJob) -> dict:
    return {"id": j.id, "campus_id": j.campus_id, "term_id": j.term_id,
            "status": _JOB_STATUS.get(j.status, "unspecified"),
            "progress_percent": j.progress_percent,
            "best_hard_violations": j.best_hard_violations if j.best_hard_violations >= 0 else None,
            "best_soft_cost": j.best_soft_cost if j.best_soft_cost >= 0 else None,
            "feasible": j.feasible, "timetable_id": j.timetable_id or None,
            "error": j.error or None, "created_at": _ts(j, "created_at"),
            "finished_at": _ts(j, "finished_at")}


def lecture_json(lec: pb.Lecture) -> dict:
    return {"section_id": lec.section_id, "lecture_number": lec.lecture_number, "day": lec.day,
            "period": lec.period, "room_id": lec.room_id, "teacher_id": lec.teacher_id,
            "section_name": lec.section_name, "course_name": lec.course_name,
            "room_name": lec.room_name, "teacher_name": lec.teacher_name,
            "start_time": lec.start_time, "end_time": lec.end_time}


def timetable_json(t: pb.Timetable) -> dict:
    return {"id": t.id, "campus_id": t.campus_id, "term_id": t.term_id, "version": t.version,
            "status": _TIMETABLE_STATUS.get(t.status, "unspecified"),
            "hard_violations": t.hard_violations, "soft_cost": t.soft_cost,
            "published_at": _ts(t, "published_at"),
            "lectures": [lecture_json(x) for x in t.lectures]}


def session_json(s: pb.Session) -> dict:
    return {"id": s.id, "section_id": s.section_id, "lecture_number": s.lecture_number,
            "date": s.date, "day": s.day, "period": s.period,
            "starts_at": _ts(s, "starts_at"), "ends_at": _ts(s, "ends_at"),
            "room_id": s.room_id, "teacher_id": s.teacher_id,
            "substitute_teacher_id": s.substitute_teacher_id or None, "status": s.status,
            "attendance": s.attendance or None}


# --- helpers ---------------------------------------------------------------------------------

CampusId = Annotated[str, Path(pattern=ID_PATTERN, description="Campus id")]
TermId = Annotated[str, Path(pattern=ID_PATTERN, description="Term id")]
SubjectId = Annotated[str, Path(pattern=ID_PATTERN)]
CourseId = Annotated[str, Path(pattern=ID_PATTERN, description="Course id")]
Limit = Annotated[int, Query(ge=1, le=500)]  # the service's page size: 1..500
Cursor = Annotated[str | None, Query(
    max_length=1024, pattern=r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+$",
    description="`next_cursor` of the previous page (opaque)")]
_WRITE_ERRORS = {403: {"description": "Not scheduling staff"},
                 404: {"description": "Not found"},
                 409: {"description": "Conflict, or Idempotency-Key in use"},
                 422: {"description": "Invalid, or Idempotency-Key reused"}}


def page(items: list[dict], response: Any) -> dict:
    """A service page as the public API's: the service's keyset token is the cursor."""
    return {"items": items, "next_cursor": response.next_page_token or None}


def _slot_refs(slots: list[SlotIn]) -> list[pb.SlotRef]:
    return [pb.SlotRef(day=s.day, period=s.period) for s in slots]


async def _write(request: Request, auth: Authenticated, ctx: RequestContext,
                 rt: GatewayRuntime, body: BaseModel | None, method: str, message_of,
                 to_json, *, status: int = 200, timeout: float | None = None,
                 target=None) -> Response:
    """One idempotent write: the same key + request replays the first answer."""
    key = idempotency_key(request)

    async def run() -> tuple[int, dict]:
        response = await client_of(request).call(method, message_of(key or ""),
                                                 forward_metadata(ctx, auth, key),
                                                 timeout=timeout)
        if target is not None:
            ctx.target(*target(response))
        return status, to_json(response)

    payload = body.model_dump(mode="json") if body is not None else None
    print_ = fingerprint(request.method, request.url.path, payload)
    return await rt.idempotency.run(auth.caller.user_id, key, print_, run)


async def _read(request: Request, auth: Authenticated, ctx: RequestContext, method: str,
                message: Any) -> Any:
    return await client_of(request).call(method, message, forward_metadata(ctx, auth))


# --- campuses, terms, courses ----------------------------------------------------------------

@router.get("/campuses", name="scheduling.campuses.list", response_model=Page[CampusOut])
async def list_campuses(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                        cursor: Cursor = None) -> dict:
    """The campuses in the caller's data scope."""
    ctx.target("campus")
    response = await _read(request, auth, ctx, "ListCampuses",
                           pb.ListCampusesRequest(page_size=limit, page_token=cursor or ""))
    return page([campus_json(c) for c in response.campuses], response)


@router.get("/campuses/{campus_id}", name="scheduling.campuses.get", response_model=CampusOut)
async def get_campus(campus_id: CampusId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("campus", campus_id)
    response = await _read(request, auth, ctx, "GetCampus",
                           pb.GetCampusRequest(campus_id=campus_id))
    return campus_json(response.campus)


@router.put("/campuses/{campus_id}", name="scheduling.campuses.put", response_model=CampusOut)
async def put_campus(campus_id: CampusId, body: CampusBody, request: Request, auth: Auth,
                     ctx: Ctx, rt: Runtime):
    """Create or replace a campus (its id is identity's org unit id of the branch). It must
    stay within the caller's data scope (a director places it in their region)."""
    ctx.target("campus", campus_id)
    return await _write(
        request, auth, ctx, rt, body, "UpsertCampus",
        lambda _key: pb.UpsertCampusRequest(campus=pb.Campus(
            id=campus_id, name=body.name, time_zone=body.time_zone,
            region_id=body.region_id or "", department_ids=body.department_ids)),
        lambda r: campus_json(r.campus))


@router.post("/campuses/{campus_id}/terms", name="scheduling.terms.create", status_code=201,
             response_model=TermOut)
async def create_term(campus_id: CampusId, body: TermBody, request: Request, auth: Auth,
                      ctx: Ctx, rt: Runtime):
    ctx.target("term", body.id or "")

    def created(response) -> tuple[str, str]:
        ctx.response_headers["Location"] = \
            f"{PREFIX}/campuses/{campus_id}/terms/{response.term.id}"
        return "term", response.term.id

    return await _write(
        request, auth, ctx, rt, body, "CreateTerm",
        lambda _key: pb.CreateTermRequest(term=pb.Term(
            id=body.id or "", campus_id=campus_id, name=body.name,
            start_date=body.start_date.isoformat(), end_date=body.end_date.isoformat())),
        lambda r: term_json(r.term), status=201, target=created)


@router.get("/campuses/{campus_id}/terms/{term_id}", name="scheduling.terms.get",
            response_model=TermOut)
async def get_term(campus_id: CampusId, term_id: TermId, request: Request, auth: Auth,
                   ctx: Ctx) -> dict:
    ctx.target("term", term_id)
    response = await _read(request, auth, ctx, "GetTerm", pb.GetTermRequest(term_id=term_id))
    if response.term.campus_id != campus_id:  # another campus's term is not under this path
        raise Problem(404, "not-found", "Not found", detail="term not found",
                      detail_zh="学期不存在")
    return term_json(response.term)


@router.get("/courses", name="scheduling.courses.list", response_model=Page[CourseOut])
async def list_courses(request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
                       cursor: Cursor = None) -> dict:
    """The course catalogue (company-wide, read by every campus)."""
    ctx.target("course")
    response = await _read(request, auth, ctx, "ListCourses",
                           pb.ListCoursesRequest(page_size=limit, page_token=cursor or ""))
    return page([course_json(c) for c in response.courses], response)


@router.get("/courses/{course_id}", name="scheduling.courses.get", response_model=CourseOut)
async def get_course(course_id: CourseId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("course", course_id)
    response = await _read(request, auth, ctx, "GetCourse",
                           pb.GetCourseRequest(course_id=course_id))
    return course_json(response.course)


@router.put("/courses/{course_id}", name="scheduling.courses.put", response_model=CourseOut)
async def put_course(course_id: CourseId, body: CourseBody, request: Request, auth: Auth,
                     ctx: Ctx, rt: Runtime):
    """Create or rename a course of the scheduling catalogue (normally fed by enrollment);
    `all`-scope staff only, as the catalogue is shared by every campus."""
    ctx.target("course", course_id)
    return await _write(
        request, auth, ctx, rt, body, "UpsertCourse",
        lambda _key: pb.UpsertCourseRequest(course=pb.Course(id=course_id, name=body.name)),
        lambda r: course_json(r.course))


# --- reference data --------------------------------------------------------------------------

@router.get("/campuses/{campus_id}/rooms", name="scheduling.rooms.list",
            response_model=Page[RoomOut])
async def list_rooms(campus_id: CampusId, request: Request, auth: Auth, ctx: Ctx,
                     limit: Limit = 100, cursor: Cursor = None) -> dict:
    ctx.target("campus", campus_id)
    response = await _read(request, auth, ctx, "ListRooms", pb.ListRoomsRequest(
        campus_id=campus_id, page_size=limit, page_token=cursor or ""))
    return page([room_json(r) for r in response.rooms], response)


def _room(campus_id: str, room_id: str, body: RoomBody) -> pb.Room:
    return pb.Room(id=room_id, campus_id=campus_id, name=body.name, capacity=body.capacity,
                   features=body.features, unavailable=_slot_refs(body.unavailable),
                   active=body.active)


@router.post("/campuses/{campus_id}/rooms", name="scheduling.rooms.create", status_code=201,
             response_model=RoomOut, responses=_WRITE_ERRORS)
async def create_room(campus_id: CampusId, body: NewRoomBody, request: Request, auth: Auth,
                      ctx: Ctx, rt: Runtime):
    ctx.target("room", body.id or "")
    return await _write(
        request, auth, ctx, rt, body, "CreateRoom",
        lambda _key: pb.CreateRoomRequest(room=_room(campus_id, body.id or "", body)),
        lambda r: room_json(r.room), status=201, target=lambda r: ("room", r.room.id))


@router.put("/campuses/{campus_id}/rooms/{room_id}", name="scheduling.rooms.update",
            response_model=RoomOut, responses=_WRITE_ERRORS)
async def update_room(campus_id: CampusId, room_id: SubjectId, body: RoomBody,
                      request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("room", room_id)
    return await _write(
        request, auth, ctx, rt, body, "UpdateRoom",
        lambda _key: pb.UpdateRoomRequest(room=_room(campus_id, room_id, body)),
        lambda r: room_json(r.room))


@router.get("/campuses/{campus_id}/teachers", name="scheduling.teachers.list",
            response_model=Page[TeacherOut])
async def list_teachers(campus_id: CampusId, request: Request, auth: Auth, ctx: Ctx,
                        limit: Limit = 100, cursor: Cursor = None) -> dict:
    ctx.target("campus", campus_id)
    response = await _read(request, auth, ctx, "ListTeachers", pb.ListTeachersRequest(
        campus_id=campus_id, page_size=limit, page_token=cursor or ""))
    return page([teacher_json(t) for t in response.teachers], response)


def _teacher(campus_id: str, teacher_id: str, body: TeacherBody) -> pb.Teacher:
    return pb.Teacher(id=teacher_id, campus_id=campus_id, name=body.name,
                      course_ids=body.course_ids, unavailable=_slot_refs(body.unavailable),
                      active=body.active)


@router.post("/campuses/{campus_id}/teachers", name="scheduling.teachers.create",
             status_code=201, response_model=TeacherOut, responses=_WRITE_ERRORS)
async def create_teacher(campus_id: CampusId, body: NewTeacherBody, request: Request,
                         auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("teacher", body.id)
    return await _write(
        request, auth, ctx, rt, body, "CreateTeacher",
        lambda _key: pb.CreateTeacherRequest(teacher=_teacher(campus_id, body.id, body)),
        lambda r: teacher_json(r.teacher), status=201)


@router.put("/campuses/{campus_id}/teachers/{teacher_id}", name="scheduling.teachers.update",
            response_model=TeacherOut, responses=_WRITE_ERRORS)
async def update_teacher(campus_id: CampusId, teacher_id: SubjectId, body: TeacherBody,
                         request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("teacher", teacher_id)
    return await _write(
        request, auth, ctx, rt, body, "UpdateTeacher",
        lambda _key: pb.UpdateTeacherRequest(teacher=_teacher(campus_id, teacher_id, body)),
        lambda r: teacher_json(r.teacher))


@router.get("/campuses/{campus_id}/timeslots", name="scheduling.timeslots.list",
            response_model=Page[TimeslotOut])
async def list_timeslots(campus_id: CampusId, request: Request, auth: Auth, ctx: Ctx,
                         limit: Limit = 200, cursor: Cursor = None) -> dict:
    ctx.target("campus", campus_id)
    response = await _read(request, auth, ctx, "ListTimeslots", pb.ListTimeslotsRequest(
        campus_id=campus_id, page_size=limit, page_token=cursor or ""))
    return page([timeslot_json(t) for t in response.timeslots], response)


@router.put("/campuses/{campus_id}/timeslots", name="scheduling.timeslots.set",
            response_model=Page[TimeslotOut], responses=_WRITE_ERRORS)
async def set_timeslots(campus_id: CampusId, body: TimeslotsBody, request: Request,
                        auth: Auth, ctx: Ctx, rt: Runtime):
    """Replace the campus's weekly grid."""
    ctx.target("campus", campus_id)
    return await _write(
        request, auth, ctx, rt, body, "SetTimeslots",
        lambda _key: pb.SetTimeslotsRequest(campus_id=campus_id, timeslots=[
            pb.Timeslot(day=t.day, period=t.period, start_time=t.start_time,
                        end_time=t.end_time) for t in body.timeslots]),
        lambda r: {"items": [timeslot_json(t) for t in r.timeslots], "next_cursor": None})


@router.get("/campuses/{campus_id}/terms", name="scheduling.terms.list",
            response_model=Page[TermOut])
async def list_terms(campus_id: CampusId, request: Request, auth: Auth, ctx: Ctx,
                     limit: Limit = 100, cursor: Cursor = None) -> dict:
    ctx.target("campus", campus_id)
    response = await _read(request, auth, ctx, "ListTerms", pb.ListTermsRequest(
        campus_id=campus_id, page_size=limit, page_token=cursor or ""))
    return page([term_json(t) for t in response.terms], response)


@router.get("/campuses/{campus_id}/sections", name="scheduling.sections.list",
            response_model=Page[SectionOut])
async def list_sections(
    campus_id: CampusId, request: Request, auth: Auth, ctx: Ctx, limit: Limit = 100,
    cursor: Cursor = None,
    term_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    course_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> dict:
    ctx.target("campus", campus_id)
    response = await _read(request, auth, ctx, "ListClassSections", pb.ListClassSectionsRequest(
        campus_id=campus_id, term_id=term_id or "", course_id=course_id or "", page_size=limit,
        page_token=cursor or ""))
    return page([section_json(s) for s in response.sections], response)


def _section(campus_id: str, section_id: str, body: SectionBody) -> pb.ClassSection:
    return pb.ClassSection(
        id=section_id, campus_id=campus_id, term_id=body.term_id, course_id=body.course_id,
        name=body.name, teacher_id=body.teacher_id or "",
        teacher_candidate_ids=body.teacher_candidate_ids,
        lessons_per_week=body.lessons_per_week, min_working_days=body.min_working_days,
        capacity=body.capacity, student_groups=body.student_groups,
        required_room_features=body.required_room_features)


@router.post("/campuses/{campus_id}/sections", name="scheduling.sections.create",
             status_code=201, response_model=SectionOut, responses=_WRITE_ERRORS)
async def create_section(campus_id: CampusId, body: NewSectionBody, request: Request,
                         auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("class_section", body.id or "")
    return await _write(
        request, auth, ctx, rt, body, "CreateClassSection",
        lambda _key: pb.CreateClassSectionRequest(
            section=_section(campus_id, body.id or "", body)),
        lambda r: section_json(r.section), status=201,
        target=lambda r: ("class_section", r.section.id))


@router.put("/campuses/{campus_id}/sections/{section_id}", name="scheduling.sections.update",
            response_model=SectionOut, responses=_WRITE_ERRORS)
async def update_section(campus_id: CampusId, section_id: SubjectId, body: SectionBody,
                         request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    ctx.target("class_section", section_id)
    return await _write(
        request, auth, ctx, rt, body, "UpdateClassSection",
        lambda _key: pb.UpdateClassSectionRequest(section=_section(campus_id, section_id, body)),
        lambda r: section_json(r.section))


# --- solving, publishing, repairs ------------------------------------------------------------

@router.post("/solve-jobs", name="scheduling.solve_jobs.start", status_code=202,
             response_model=SolveJobOut, responses=_WRITE_ERRORS)
async def start_solve_job(body: SolveBody, request: Request, auth: Auth, ctx: Ctx,
                          rt: Runtime):
    """Start solving a campus term's timetable in the background; poll the job."""
    ctx.target("solve_job")

    def started(response) -> tuple[str, str]:
        ctx.response_headers["Location"] = f"{PREFIX}/solve-jobs/{response.job.id}"
        return "solve_job", response.job.id

    return await _write(
        request, auth, ctx, rt, body, "SolveTimetable",
        lambda _key: pb.SolveTimetableRequest(
            campus_id=body.campus_id, term_id=body.term_id,
            time_limit_seconds=body.time_limit_seconds, seed=body.seed),
        lambda r: job_json(r.job), status=202, target=started)


@router.get("/solve-jobs/{job_id}", name="scheduling.solve_jobs.get", response_model=SolveJobOut)
async def get_solve_job(job_id: SubjectId, request: Request, auth: Auth, ctx: Ctx) -> dict:
    ctx.target("solve_job", job_id)
    response = await _read(request, auth, ctx, "GetSolveJob", pb.GetSolveJobRequest(job_id=job_id))
    return job_json(response.job)


@router.post("/timetables/{timetable_id}/publish", name="scheduling.timetables.publish",
             response_model=PublishOut, responses=_WRITE_ERRORS)
async def publish_timetable(timetable_id: SubjectId, request: Request, auth: Auth, ctx: Ctx,
                            rt: Runtime):
    """Publish a draft: it becomes the term's timetable and its dated sessions are scheduled."""
    ctx.target("timetable", timetable_id)
    return await _write(
        request, auth, ctx, rt, None, "PublishTimetable",
        lambda key: pb.PublishTimetableRequest(timetable_id=timetable_id, idempotency_key=key),
        lambda r: {"timetable": timetable_json(r.timetable),
                   "sessions_scheduled": r.sessions_scheduled},
        timeout=max(rt.settings.grpc_timeout, 30.0))


@router.post("/campuses/{campus_id}/terms/{term_id}/mark-unavailable",
             name="scheduling.timetables.mark_unavailable", response_model=MarkUnavailableOut,
             responses=_WRITE_ERRORS)
async def mark_unavailable(campus_id: CampusId, term_id: TermId, body: MarkUnavailableBody,
                           request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    """A teacher or room became unavailable: repair the published timetable, moving as few
    lectures as possible; the answer lists what moved (`dry_run` changes nothing)."""
    if body.teacher_id:
        ctx.target("teacher", body.teacher_id)
    else:
        ctx.target("room", body.room_id or "")
    repair_limit = body.time_limit_seconds or 10  # the service's default repair limit
    return await _write(
        request, auth, ctx, rt, body, "MarkUnavailable",
        lambda key: pb.MarkUnavailableRequest(
            campus_id=campus_id, term_id=term_id, teacher_id=body.teacher_id or "",
            room_id=body.room_id or "", slots=_slot_refs(body.slots), reason=body.reason,
            dry_run=body.dry_run, time_limit_seconds=body.time_limit_seconds,
            idempotency_key=key),
        lambda r: {"moves": [{"before": lecture_json(m.before), "after": lecture_json(m.after)}
                             for m in r.moves],
                   "timetable": timetable_json(r.timetable) if r.HasField("timetable") else None,
                   "sessions_changed": r.sessions_changed},
        timeout=max(rt.settings.grpc_timeout, repair_limit + 20.0))


@router.post("/timetables/{timetable_id}/conflict-check", name="scheduling.conflicts.check",
             response_model=ConflictCheckOut)
async def check_conflicts(timetable_id: SubjectId, body: ConflictCheckBody, request: Request,
                          auth: Auth, ctx: Ctx) -> dict:
    """What a proposed manual change of one lecture would break (changes nothing)."""
    ctx.target("timetable", timetable_id)
    message = pb.CheckConflictsRequest(
        timetable_id=timetable_id, section_id=body.section_id,
        lecture_number=body.lecture_number, room_id=body.room_id or "",
        teacher_id=body.teacher_id or "")
    if body.slot is not None:
        message.slot.CopyFrom(pb.SlotRef(day=body.slot.day, period=body.slot.period))
    response = await _read(request, auth, ctx, "CheckConflicts", message)
    found = [{"kind": c.kind, "message": c.message, "message_zh": c.message_zh,
              "other_section_id": c.other_section_id or None} for c in response.conflicts]
    return {"ok": not found, "conflicts": found}


# --- views and exports -----------------------------------------------------------------------

TimetableIdQuery = Annotated[str | None, Query(pattern=ID_PATTERN,
                                               description="A version; default: published")]
_SAFE_FILE_NAME = re.compile(r"[^A-Za-z0-9._\-]")


def _query(campus_id: str, term_id: str, view: str, subject_id: str,
           timetable_id: str | None, include_sessions: bool) -> pb.GetTimetableRequest:
    return pb.GetTimetableRequest(campus_id=campus_id, term_id=term_id, view=_VIEWS[view],
                                  subject_id=subject_id, timetable_id=timetable_id or "",
                                  include_sessions=include_sessions)


async def _view(request: Request, auth: Authenticated, ctx: RequestContext, view: str,
                campus_id: str, term_id: str, subject_id: str, timetable_id: str | None,
                include_sessions: bool) -> dict:
    ctx.target(view if view != "section" else "class_section", subject_id or campus_id)
    response = await _read(request, auth, ctx, "GetTimetable", _query(
        campus_id, term_id, view, subject_id, timetable_id, include_sessions))
    return {"view": view, "subject_id": subject_id or None,
            "timetable": timetable_json(response.timetable),
            "timeslots": [timeslot_json(t) for t in response.timeslots],
            "sessions": [session_json(s) for s in response.sessions]}


async def _export(request: Request, auth: Authenticated, ctx: RequestContext, view: str,
                  file_format: str, campus_id: str, term_id: str, subject_id: str,
                  timetable_id: str | None) -> Response:
    ctx.target(view if view != "section" else "class_section", subject_id or campus_id)
    ctx.detail["format"] = file_format
    response = await _read(request, auth, ctx, "ExportTimetable", pb.ExportTimetableRequest(
        query=_query(campus_id, term_id, view, subject_id, timetable_id, False),
        format=_FORMATS[file_format]))
    name = response.file_name or f"timetable.{file_format}"
    ascii_name = _SAFE_FILE_NAME.sub("_", name)
    disposition = (f'attachment; filename="{ascii_name}"; '
                   f"filename*=UTF-8''{urllib.parse.quote(name, safe='')}")
    return Response(response.content, media_type=response.content_type,
                    headers={"Content-Disposition": disposition,
                             "Cache-Control": "no-store"})


_EXPORT_RESPONSES = {
    "xlsx": {200: {"content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
        "description": "The timetable as an Excel workbook"}},
    "ics": {200: {"content": {"text/calendar": {}},
                  "description": "The dated sessions as an iCalendar file"}},
}


@router.get("/campuses/{campus_id}/terms/{term_id}/timetable",
            name="scheduling.timetable.campus", response_model=TimetableViewOut)
async def campus_timetable(campus_id: CampusId, term_id: TermId, request: Request, auth: Auth,
                           ctx: Ctx, timetable_id: TimetableIdQuery = None,
                           include_sessions: bool = False) -> dict:
    return await _view(request, auth, ctx, "campus", campus_id, term_id, "", timetable_id,
                       include_sessions)


def _register_campus_export(file_format: str) -> None:
    async def export(campus_id: CampusId, term_id: TermId, request: Request, auth: Auth,
                     ctx: Ctx, timetable_id: TimetableIdQuery = None) -> Response:
        return await _export(request, auth, ctx, "campus", file_format, campus_id, term_id, "",
                             timetable_id)

    router.add_api_route(
        f"/campuses/{{campus_id}}/terms/{{term_id}}/timetable.{file_format}", export,
        methods=["GET"], name=f"scheduling.timetable.campus.{file_format}",
        response_class=Response, responses=_EXPORT_RESPONSES[file_format],
        summary=f"Campus timetable as .{file_format}")


def _register_subject_view(view: str, plural: str) -> None:
    """GET .../{plural}/{id}/timetable (JSON), .xlsx and .ics. A student's timetable is
    personal data: reading it counts one customer-kind record toward the caller's freeze
    limit."""
    Caller = CustomerRecordRead if view == "student" else Auth  # noqa: N806 - a type alias

    async def timetable(campus_id: CampusId, term_id: TermId, subject_id: SubjectId,
                        request: Request, auth: Caller, ctx: Ctx,
                        timetable_id: TimetableIdQuery = None,
                        include_sessions: bool = False) -> dict:
        return await _view(request, auth, ctx, view, campus_id, term_id, subject_id,
                           timetable_id, include_sessions)

    base = f"/campuses/{{campus_id}}/terms/{{term_id}}/{plural}/{{subject_id}}/timetable"
    router.add_api_route(base, timetable, methods=["GET"], name=f"scheduling.timetable.{view}",
                         response_model=TimetableViewOut, summary=f"A {view}'s timetable")
    for file_format in ("xlsx", "ics"):
        def make(fmt: str = file_format):
            async def export(campus_id: CampusId, term_id: TermId, subject_id: SubjectId,
                             request: Request, auth: Caller, ctx: Ctx,
                             timetable_id: TimetableIdQuery = None) -> Response:
                return await _export(request, auth, ctx, view, fmt, campus_id, term_id,
                                     subject_id, timetable_id)
            return export

        router.add_api_route(f"{base}.{file_format}", make(), methods=["GET"],
                             name=f"scheduling.timetable.{view}.{file_format}",
                             response_class=Response,
                             responses=_EXPORT_RESPONSES[file_format],
                             summary=f"A {view}'s timetable as .{file_format}")


for _format in ("xlsx", "ics"):
    _register_campus_export(_format)
for _view_name, _plural in (("section", "sections"), ("teacher", "teachers"), ("room", "rooms"),
                            ("student", "students")):
    _register_subject_view(_view_name, _plural)


# --- teacher attendance ----------------------------------------------------------------------

@router.post("/sessions/{session_id}/teacher-attendance",
             name="scheduling.sessions.teacher_attendance", response_model=SessionOut,
             responses=_WRITE_ERRORS)
async def record_teacher_attendance(session_id: SubjectId, body: AttendanceBody,
                                    request: Request, auth: Auth, ctx: Ctx, rt: Runtime):
    """Sign-in (a teacher for themselves, or staff), absence or a substitute for a session."""
    ctx.target("session", session_id)
    return await _write(
        request, auth, ctx, rt, body, "RecordTeacherAttendance",
        lambda _key: pb.RecordTeacherAttendanceRequest(
            session_id=session_id, status=_ATTENDANCE[body.status],
            substitute_teacher_id=body.substitute_teacher_id or "", note=body.note),
        lambda r: session_json(r.session))
