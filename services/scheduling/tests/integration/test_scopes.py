"""Data scope inside the scheduling api (role × scope matrix over gRPC), keyset pages and
PublishTimetable's idempotency key: an in-process grpcio server on a free port, real stubs,
SQLite and PostgreSQL, tokens signed like identity's (roles, scope, region, department).

Three campuses: North (region r-north, department d-north), South (r-south, d-south) and an
unplaced one (no region: `all` scope only). Every cell of the matrix calls one RPC on one
campus as one caller and asserts OK, NOT_FOUND (out of scope: as if missing) or
PERMISSION_DENIED (not scheduling staff)."""
from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid

import grpc
import jwt
import pytest
from contracts.scheduling import scheduling_pb2 as pb
from contracts.scheduling import scheduling_pb2_grpc as pb_grpc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from kit import migrate, testing
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER, KeySet
from kit.db import Database
from scheduling import api, reference_data, repository
from scheduling import models as m
from scheduling.settings import SchedulingSettings
from scheduling.snapshot import LectureInfo
from sqlalchemy import select

OK, NF, PD = grpc.StatusCode.OK, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED
CAMPUSES = {"c-north": ("r-north", ["d-north"]), "c-south": ("r-south", ["d-south"]),
            "c-unplaced": (None, [])}


class Tokens:
    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid="k1", alg="EdDSA", use="sig")
        self.key_set = KeySet(lambda: {"keys": [jwk]})

    def metadata(self, user_id: str, role: str, scope: str, *, region: str | None = None,
                 department: str | None = None) -> tuple:
        now = int(time.time())
        claims = {"sub": user_id, "name": user_id, "roles": [role], "scope": scope,
                  "region": region, "dept": department, "org": department or region,
                  "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600,
                  "jti": uuid.uuid4().hex}
        token = jwt.encode(claims, self.key, algorithm="EdDSA",
                           headers={"kid": "k1", "typ": ACCESS_TOKEN_TYPE})
        return (("authorization", f"Bearer {token}"),)


# caller name -> (user id, role, scope, region, department)
CALLERS = {
    "admin/all": ("u-admin", "admin", "all", None, None),
    "director/north": ("u-dir-n", "director", "region", "r-north", None),
    "director/south": ("u-dir-s", "director", "region", "r-south", None),
    "manager/north-dept": ("u-mgr-n", "department_manager", "department", "r-north",
                           "d-north"),
    "director/no-region": ("u-dir-x", "director", "region", None, None),
    "teacher/north": ("t-c-north", "teacher", "own", "r-north", "d-north"),
    "sales/north": ("u-sales", "sales", "own", "r-north", "d-north"),
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request):
    manager = testing.sqlite_database() if request.param == "sqlite" \
        else testing.postgres_database("sched_scope")
    with manager as url:
        migrate.upgrade("scheduling", url)
        tokens = Tokens()
        db = Database(url)
        settings = SchedulingSettings(database_url=url, solve_time_limit_seconds=5)
        running, runner = api.build_server(settings, db, address="127.0.0.1:0",
                                           key_set=tokens.key_set,
                                           internal_token="unused")  # noqa: S106
        channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
        seed(db)
        try:
            yield pb_grpc.SchedulingServiceStub(channel), db, tokens
        finally:
            channel.close()
            running.stop(0)
            runner.shutdown()
            db.dispose()


def seed(db) -> None:
    """Per campus: a grid, room R1, teacher t-<campus>, term term-<campus>, section
    sec-<campus>, a draft timetable tt-<campus> and a solve job job-<campus>."""
    start = dt.date.today() + dt.timedelta(days=1)
    with db.session() as s:
        reference_data.upsert_course(s, "math", "数学")
        for campus, (region, departments) in CAMPUSES.items():
            reference_data.upsert_campus(s, campus, f"校区 {campus}", "Asia/Shanghai",
                                         region_id=region, department_ids=departments)
            reference_data.set_timeslots(s, campus, [(d, p, f"0{7 + p}:00", f"0{7 + p}:45")
                                                     for d in range(1, 6) for p in (1, 2)])
            reference_data.save_room(s, m.Room(id=f"r1-{campus}"), campus_id=campus, name="R1",
                                     capacity=30, features=[], unavailable=[], active=True)
            reference_data.save_teacher(s, m.Teacher(id=f"t-{campus}"), campus_id=campus,
                                        name="王老师", course_ids=["math"], unavailable=[],
                                        active=True)
            reference_data.create_term(s, term_id=f"term-{campus}", campus_id=campus,
                                       name="春季", start=start.isoformat(),
                                       end=(start + dt.timedelta(days=13)).isoformat())
            reference_data.save_section(
                s, m.ClassSection(id=f"sec-{campus}"), campus_id=campus,
                term_id=f"term-{campus}", course_id="math", name="Math A",
                teacher_id=f"t-{campus}", teacher_candidate_ids=[], lessons_per_week=2,
                min_working_days=2, capacity=10, student_groups=[], required_room_features=[])
            s.add(m.Timetable(id=f"tt-{campus}", campus_id=campus, term_id=f"term-{campus}",
                              version=1, status="draft"))
            s.flush()
            s.add_all(m.TimetableLecture(
                timetable_id=f"tt-{campus}", section_id=f"sec-{campus}", lecture_number=n,
                day=day, period=1, room_id=f"r1-{campus}", teacher_id=f"t-{campus}")
                for n, day in ((1, 1), (2, 3)))
            s.add(m.SolveJob(id=f"job-{campus}", campus_id=campus, term_id=f"term-{campus}",
                             status="done", time_limit_seconds=5, timetable_id=f"tt-{campus}"))


def _grid() -> list[pb.Timeslot]:
    return [pb.Timeslot(day=d, period=p, start_time=f"0{7 + p}:00", end_time=f"0{7 + p}:45")
            for d in range(1, 6) for p in (1, 2)]


def _section(c: str, section_id: str) -> pb.ClassSection:
    return pb.ClassSection(id=section_id, campus_id=c, term_id=f"term-{c}", course_id="math",
                           name="Math A", teacher_id=f"t-{c}", lessons_per_week=2,
                           min_working_days=2, capacity=10)


def _unique() -> str:
    return uuid.uuid4().hex[:10]


# RPC name -> how to call it on campus c. "teacher-readable": a teacher of the campus may.
OPERATIONS = {
    # reads
    "GetCampus": lambda st, c, md: st.GetCampus(pb.GetCampusRequest(campus_id=c), metadata=md),
    "ListRooms": lambda st, c, md: st.ListRooms(pb.ListRoomsRequest(campus_id=c), metadata=md),
    "ListTeachers": lambda st, c, md: st.ListTeachers(pb.ListTeachersRequest(campus_id=c),
                                                      metadata=md),
    "ListClassSections": lambda st, c, md: st.ListClassSections(
        pb.ListClassSectionsRequest(campus_id=c), metadata=md),
    "GetSolveJob": lambda st, c, md: st.GetSolveJob(pb.GetSolveJobRequest(job_id=f"job-{c}"),
                                                    metadata=md),
    "GetTimetable(campus)": lambda st, c, md: st.GetTimetable(pb.GetTimetableRequest(
        campus_id=c, term_id=f"term-{c}", view=pb.TIMETABLE_VIEW_CAMPUS,
        timetable_id=f"tt-{c}"), metadata=md),
    "GetTimetable(other campus's version)": lambda st, c, md: st.GetTimetable(
        pb.GetTimetableRequest(campus_id="c-north", term_id="term-c-north",
                               view=pb.TIMETABLE_VIEW_CAMPUS, timetable_id=f"tt-{c}"),
        metadata=md),
    "ExportTimetable": lambda st, c, md: st.ExportTimetable(pb.ExportTimetableRequest(
        query=pb.GetTimetableRequest(campus_id=c, term_id=f"term-{c}",
                                     view=pb.TIMETABLE_VIEW_ROOM, subject_id=f"r1-{c}",
                                     timetable_id=f"tt-{c}"),
        format=pb.EXPORT_FORMAT_XLSX), metadata=md),
    "CheckConflicts": lambda st, c, md: st.CheckConflicts(pb.CheckConflictsRequest(
        timetable_id=f"tt-{c}", section_id=f"sec-{c}", lecture_number=1), metadata=md),
    # writes
    "UpsertCampus": lambda st, c, md: st.UpsertCampus(pb.UpsertCampusRequest(campus=pb.Campus(
        id=c, name=f"校区 {c}", time_zone="Asia/Shanghai", region_id=CAMPUSES[c][0] or "",
        department_ids=CAMPUSES[c][1])), metadata=md),
    "SetTimeslots": lambda st, c, md: st.SetTimeslots(pb.SetTimeslotsRequest(
        campus_id=c, timeslots=_grid()), metadata=md),
    "CreateRoom": lambda st, c, md: st.CreateRoom(pb.CreateRoomRequest(room=pb.Room(
        campus_id=c, name=f"R-{_unique()}", capacity=20)), metadata=md),
    "UpdateRoom": lambda st, c, md: st.UpdateRoom(pb.UpdateRoomRequest(room=pb.Room(
        id=f"r1-{c}", campus_id=c, name="R1", capacity=30, active=True)), metadata=md),
    "CreateTeacher": lambda st, c, md: st.CreateTeacher(pb.CreateTeacherRequest(
        teacher=pb.Teacher(id=f"t-{_unique()}", campus_id=c, name="李老师")), metadata=md),
    "UpdateTeacher": lambda st, c, md: st.UpdateTeacher(pb.UpdateTeacherRequest(
        teacher=pb.Teacher(id=f"t-{c}", campus_id=c, name="王老师", course_ids=["math"],
                           active=True)), metadata=md),
    "CreateTerm": lambda st, c, md: st.CreateTerm(pb.CreateTermRequest(term=pb.Term(
        campus_id=c, name=f"T-{_unique()}", start_date="2027-03-01", end_date="2027-06-30")),
        metadata=md),
    "CreateClassSection": lambda st, c, md: st.CreateClassSection(
        pb.CreateClassSectionRequest(section=_section(c, f"sec-{_unique()}")), metadata=md),
    "UpdateClassSection": lambda st, c, md: st.UpdateClassSection(
        pb.UpdateClassSectionRequest(section=_section(c, f"sec-{c}")), metadata=md),
    "PlaceStudent(dry run)": lambda st, c, md: st.PlaceStudent(pb.PlaceStudentRequest(
        student_id="stu-1", course_id="math", campus_id=c, dry_run=True), metadata=md),
    "PublishTimetable": lambda st, c, md: st.PublishTimetable(
        pb.PublishTimetableRequest(timetable_id=f"tt-{c}"), metadata=md),
}
TEACHER_READABLE = {
    "ListTimeslots": lambda st, c, md: st.ListTimeslots(pb.ListTimeslotsRequest(campus_id=c),
                                                        metadata=md),
    "ListTerms": lambda st, c, md: st.ListTerms(pb.ListTermsRequest(campus_id=c), metadata=md),
    "GetTerm": lambda st, c, md: st.GetTerm(pb.GetTermRequest(term_id=f"term-{c}"),
                                            metadata=md),
    "GetTimetable(teacher's own)": lambda st, c, md: st.GetTimetable(pb.GetTimetableRequest(
        campus_id=c, term_id=f"term-{c}", view=pb.TIMETABLE_VIEW_TEACHER,
        subject_id=f"t-{c}", timetable_id=f"tt-{c}"), metadata=md),
}

# What each caller may reach on each campus (staff operations).
SEES = {
    "admin/all": {"c-north", "c-south", "c-unplaced"},
    "director/north": {"c-north"},
    "director/south": {"c-south"},
    "manager/north-dept": {"c-north"},
    "director/no-region": set(),
}
NOT_STAFF = {"teacher/north": {"c-north"}, "sales/north": set()}  # campuses they teach at


def expected(caller: str, operation: str, campus: str) -> grpc.StatusCode:
    if caller in SEES:
        if operation == "GetTimetable(other campus's version)":
            # asked under North's path for campus's version: only if both are in scope
            return OK if {"c-north", campus} <= SEES[caller] else NF
        return OK if campus in SEES[caller] else NF
    teaches = NOT_STAFF[caller]
    if operation in TEACHER_READABLE and campus in teaches:
        return OK
    return PD


def _code(call, *args, **kwargs) -> grpc.StatusCode:
    try:
        call(*args, **kwargs)
    except grpc.RpcError as error:
        return error.code()
    return OK


CELLS = [(caller, operation, campus) for caller in CALLERS
         for operation in (*OPERATIONS, *TEACHER_READABLE) for campus in CAMPUSES]


def test_role_by_scope_matrix(server):
    """Every (caller, RPC, campus) cell; all differences are reported together."""
    stub, _db, tokens = server
    wrong = []
    for caller, operation, campus in CELLS:
        user_id, role, scope, region, department = CALLERS[caller]
        metadata = tokens.metadata(user_id, role, scope, region=region, department=department)
        call = {**OPERATIONS, **TEACHER_READABLE}[operation]
        got = _code(call, stub, campus, metadata)
        want = expected(caller, operation, campus)
        if got != want:
            wrong.append(f"{caller} {operation} {campus}: {got.name}, expected {want.name}")
    assert not wrong, "\n".join(wrong)
    assert len(CELLS) == len(CALLERS) * (len(OPERATIONS) + len(TEACHER_READABLE)) * 3


def test_out_of_scope_answers_like_a_missing_row(server):
    """NOT_FOUND for another region's room says exactly what a missing room's says."""
    stub, _db, tokens = server
    north = tokens.metadata("u-dir-n", "director", "region", region="r-north")

    def details(room_id: str) -> tuple:
        with pytest.raises(grpc.RpcError) as error:
            stub.UpdateRoom(pb.UpdateRoomRequest(room=pb.Room(
                id=room_id, campus_id="c-north", name="X", capacity=1)), metadata=north)
        return error.value.code(), error.value.details().replace(room_id, "ID")

    assert details("r1-c-south") == details("no-such-room")


def test_list_campuses_by_scope(server):
    stub, _db, tokens = server
    for caller, campuses in SEES.items():
        user_id, role, scope, region, department = CALLERS[caller]
        listed = stub.ListCampuses(pb.ListCampusesRequest(), metadata=tokens.metadata(
            user_id, role, scope, region=region, department=department)).campuses
        assert {c.id for c in listed} == campuses, caller
    admin = tokens.metadata("u-admin", "admin", "all")
    north = stub.GetCampus(pb.GetCampusRequest(campus_id="c-north"), metadata=admin).campus
    assert (north.region_id, list(north.department_ids)) == ("r-north", ["d-north"])


def test_a_write_cannot_leave_a_campus_outside_the_writers_scope(server):
    stub, _db, tokens = server
    north = tokens.metadata("u-dir-n", "director", "region", region="r-north")
    new_id = f"c-{_unique()}"

    def upsert(campus_id: str, region: str) -> grpc.StatusCode:
        return _code(lambda: stub.UpsertCampus(pb.UpsertCampusRequest(campus=pb.Campus(
            id=campus_id, name="新校区", region_id=region)), metadata=north))

    assert upsert(new_id, "r-south") == PD       # creating one in another region
    assert upsert(new_id, "") == PD              # or unplaced
    assert upsert(new_id, "r-north") == OK       # in their own region
    assert upsert(new_id, "r-south") == PD       # and never moving it out
    assert upsert("c-south", "r-north") == NF    # nor taking another region's campus
    manager = tokens.metadata("u-mgr-n", "department_manager", "department",
                              department="d-north")
    # the catalogue is company-wide: only `all` scope changes it
    assert _code(lambda: stub.UpsertCourse(pb.UpsertCourseRequest(
        course=pb.Course(id="math", name="Maths")), metadata=manager)) == PD
    assert _code(lambda: stub.UpsertCourse(pb.UpsertCourseRequest(
        course=pb.Course(id="math", name="数学")),
        metadata=tokens.metadata("u-admin", "admin", "all"))) == OK
    assert {c.id for c in stub.ListCourses(pb.ListCoursesRequest(), metadata=manager)
            .courses} >= {"math"}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_keyset_pages_are_stable_and_tokens_checked(server):
    stub, db, tokens = server
    admin = tokens.metadata("u-admin", "admin", "all")
    campus = f"c-{_unique()}"
    stub.UpsertCampus(pb.UpsertCampusRequest(campus=pb.Campus(id=campus, name="分页")),
                      metadata=admin)
    for name in ("B", "D", "F", "H", "J"):
        stub.CreateRoom(pb.CreateRoomRequest(room=pb.Room(campus_id=campus, name=name,
                                                          capacity=10)), metadata=admin)
    first = stub.ListRooms(pb.ListRoomsRequest(campus_id=campus, page_size=2), metadata=admin)
    assert [r.name for r in first.rooms] == ["B", "D"] and first.next_page_token
    for name in ("A", "E"):  # one room before the page already read, one after
        stub.CreateRoom(pb.CreateRoomRequest(room=pb.Room(campus_id=campus, name=name,
                                                          capacity=10)), metadata=admin)
    names, token = [], first.next_page_token
    while token:
        page = stub.ListRooms(pb.ListRoomsRequest(campus_id=campus, page_size=2,
                                                  page_token=token), metadata=admin)
        names += [r.name for r in page.rooms]
        token = page.next_page_token
    assert names == ["E", "F", "H", "J"]  # nothing repeated, nothing skipped

    body, check = first.next_page_token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged[1][0] = "A"  # an edited key with the old checksum
    for bad in (f"{_b64(json.dumps(forged).encode())}.{check}", first.next_page_token[:-3],
                "garbage"):
        assert _code(stub.ListRooms, pb.ListRoomsRequest(
            campus_id=campus, page_size=2, page_token=bad), metadata=admin) == \
            grpc.StatusCode.INVALID_ARGUMENT
    # a rooms token of one campus is not one of another campus, nor of another list
    assert _code(lambda: stub.ListRooms(pb.ListRoomsRequest(
        campus_id="c-north", page_token=first.next_page_token), metadata=admin)) == \
        grpc.StatusCode.INVALID_ARGUMENT
    assert _code(lambda: stub.ListTeachers(pb.ListTeachersRequest(
        campus_id=campus, page_token=first.next_page_token), metadata=admin)) == \
        grpc.StatusCode.INVALID_ARGUMENT
    # every list pages: campuses, courses, terms, timeslots, sections too
    seen, token = [], ""
    while True:
        page = stub.ListTimeslots(pb.ListTimeslotsRequest(campus_id="c-north", page_size=3,
                                                          page_token=token), metadata=admin)
        seen += [(t.day, t.period) for t in page.timeslots]
        token = page.next_page_token
        if not token:
            break
    assert seen == sorted((d, p) for d in range(1, 6) for p in (1, 2))
    campuses = stub.ListCampuses(pb.ListCampusesRequest(page_size=1), metadata=admin)
    assert len(campuses.campuses) == 1 and campuses.next_page_token


def test_publish_timetable_honours_its_idempotency_key(server):
    """Key K publishes draft 1; draft 2 is published after it; a retry of K answers with the
    first result and does not publish draft 1 again (which would supersede draft 2)."""
    stub, db, tokens = server
    admin = tokens.metadata("u-admin", "admin", "all")
    with db.session() as s:
        drafts = []
        for _ in range(2):
            draft = repository.save_timetable(s, "c-unplaced", "term-c-unplaced", [
                LectureInfo("sec-c-unplaced", 1, 2, 1, "r1-c-unplaced", "t-c-unplaced"),
                LectureInfo("sec-c-unplaced", 2, 4, 2, "r1-c-unplaced", "t-c-unplaced")],
                status="draft", hard=0, soft=0)
            drafts.append(draft.id)
    key = (("idempotency-key", f"publish-{_unique()}"),)
    first = stub.PublishTimetable(pb.PublishTimetableRequest(timetable_id=drafts[0]),
                                  metadata=admin + key)
    assert first.timetable.status == pb.TIMETABLE_STATUS_PUBLISHED
    stub.PublishTimetable(pb.PublishTimetableRequest(timetable_id=drafts[1]), metadata=admin)
    again = stub.PublishTimetable(pb.PublishTimetableRequest(timetable_id=drafts[0]),
                                  metadata=admin + key)
    assert again == first
    with db.session() as s:
        status = dict(s.execute(select(m.Timetable.id, m.Timetable.status)
                                .where(m.Timetable.id.in_(drafts))).all())
    assert status == {drafts[0]: "superseded", drafts[1]: "published"}
    # the key names that request: another timetable, or another caller, is refused
    other = tokens.metadata("u-gm", "general_manager", "all")
    for request, metadata in ((pb.PublishTimetableRequest(timetable_id=drafts[1]), admin),
                              (pb.PublishTimetableRequest(timetable_id=drafts[0]), other)):
        assert _code(stub.PublishTimetable, request, metadata=metadata + key) == \
            grpc.StatusCode.FAILED_PRECONDITION
