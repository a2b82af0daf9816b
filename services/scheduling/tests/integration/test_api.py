"""The api process end to end: an in-process grpcio server on a free port, real stubs, a real
database (SQLite and PostgreSQL), the outbox inspected for the events written."""
from __future__ import annotations

import datetime as dt
import io
import json
import time
import uuid

import grpc
import icalendar
import jwt
import openpyxl
import pytest
from contracts.scheduling import scheduling_pb2 as pb
from contracts.scheduling import scheduling_pb2_grpc as pb_grpc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from kit import migrate, testing
from kit.access_token import ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER, KeySet
from kit.db import Database
from scheduling import api
from scheduling import models as m
from scheduling.settings import SchedulingSettings
from sqlalchemy import func, select

INTERNAL = "test-internal-token"
PERIODS = [("08:30", "10:00"), ("10:15", "11:45"), ("14:00", "15:30"), ("15:45", "17:15")]


class Tokens:
    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid="k1", alg="EdDSA", use="sig")
        self.key_set = KeySet(lambda: {"keys": [jwk]})

    def token(self, user_id: str, *roles: str, ttl: int = 600) -> str:
        now = int(time.time())
        claims = {"sub": user_id, "name": user_id, "roles": list(roles), "scope": "all",
                  "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + ttl,
                  "jti": uuid.uuid4().hex}
        return jwt.encode(claims, self.key, algorithm="EdDSA",
                          headers={"kid": "k1", "typ": ACCESS_TOKEN_TYPE})


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(request):
    manager = testing.sqlite_database() if request.param == "sqlite" \
        else testing.postgres_database("sched_test")
    with manager as url:
        migrate.upgrade("scheduling", url)
        yield url


@pytest.fixture(scope="module")
def server(database_url):
    tokens = TOKENS
    db = Database(database_url)
    settings = SchedulingSettings(database_url=database_url, solve_time_limit_seconds=5)
    running, runner = api.build_server(settings, db, address="127.0.0.1:0",
                                       key_set=tokens.key_set, internal_token=INTERNAL)
    channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
    yield pb_grpc.SchedulingServiceStub(channel), db, tokens
    channel.close()
    running.stop(0)
    runner.shutdown()
    db.dispose()


TOKENS = Tokens()
# The gateway's internal token opens no scheduling method: it is refused (test below).
INTERNAL_ONLY = (("x-educrm-internal-token", INTERNAL),)
# A planner (staff role) for the set-up calls of the tests below.
STAFF = (("authorization", f"Bearer {TOKENS.token('u-planner', 'admin', ttl=3600)}"),)


def as_user(tokens, user_id, *roles):
    return (("authorization", f"Bearer {tokens.token(user_id, *roles)}"),)


def test_internal_token_changes_nothing(server):
    stub, db, tokens = server
    for metadata in (INTERNAL_ONLY, INTERNAL_ONLY + as_user(tokens, "u-s", "sales"),
                     INTERNAL_ONLY + STAFF):
        with pytest.raises(grpc.RpcError) as refused:
            stub.UpsertCampus(pb.UpsertCampusRequest(campus=pb.Campus(
                id="campus-internal", name="by the internal token", time_zone="Asia/Shanghai")),
                metadata=metadata, timeout=10)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert dict(refused.value.trailing_metadata())["x-error-reason"] == \
            "auth.internal_not_allowed"
    with pytest.raises(grpc.RpcError) as read:
        stub.ListRooms(pb.ListRoomsRequest(campus_id="campus-sh"), metadata=INTERNAL_ONLY,
                       timeout=10)
    assert read.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with db.session() as s:
        assert s.get(m.Campus, "campus-internal") is None


@pytest.fixture(scope="module")
def campus(server):
    stub, _db, tokens = server
    admin = as_user(tokens, "u-admin", "admin")
    call = dict(metadata=admin, timeout=10)
    stub.UpsertCampus(pb.UpsertCampusRequest(campus=pb.Campus(id="campus-sh", name="上海校区")),
                      **call)
    stub.SetTimeslots(pb.SetTimeslotsRequest(campus_id="campus-sh", timeslots=[
        pb.Timeslot(day=d, period=p + 1, start_time=s, end_time=e)
        for d in range(1, 6) for p, (s, e) in enumerate(PERIODS)]), **call)
    rooms = {}
    for name, cap, features in (("101", 30, ["projector"]), ("102", 20, []),
                                ("Lab", 25, ["computers", "projector"])):
        rooms[name] = stub.CreateRoom(pb.CreateRoomRequest(room=pb.Room(
            campus_id="campus-sh", name=name, capacity=cap, features=features)), **call).room.id
    for cid, name in (("math", "数学"), ("english", "英语"), ("python", "Python"),
                      ("physics", "物理")):
        stub.UpsertCourse(pb.UpsertCourseRequest(course=pb.Course(id=cid, name=name)), **call)
    for tid, name, courses in (("t-wang", "王老师", ["math", "physics"]),
                               ("t-li", "李老师", ["english"]),
                               ("t-zhao", "赵老师", ["python", "math"]),
                               ("t-sun", "孙老师", ["math"])):
        stub.CreateTeacher(pb.CreateTeacherRequest(teacher=pb.Teacher(
            id=tid, campus_id="campus-sh", name=name, course_ids=courses)), **call)
    start = dt.date.today() + dt.timedelta(days=1)
    term = stub.CreateTerm(pb.CreateTermRequest(term=pb.Term(
        campus_id="campus-sh", name="2026 春季", start_date=start.isoformat(),
        end_date=(start + dt.timedelta(days=27)).isoformat())), **call).term
    sections = {}
    for name, course, teacher, lessons, cap, groups, feats in (
            ("Math A", "math", "t-wang", 3, 25, ["g1"], []),
            ("English A", "english", "t-li", 2, 20, ["g1"], []),
            ("Python A", "python", "", 2, 24, [], ["computers"]),
            ("Physics A", "physics", "t-wang", 2, 18, ["g2"], [])):
        section = pb.ClassSection(
            campus_id="campus-sh", term_id=term.id, course_id=course, name=name,
            teacher_id=teacher, teacher_candidate_ids=[] if teacher else ["t-zhao"],
            lessons_per_week=lessons, min_working_days=2, capacity=cap, student_groups=groups,
            required_room_features=feats)
        sections[name] = stub.CreateClassSection(
            pb.CreateClassSectionRequest(section=section), **call).section.id
    return dict(term_id=term.id, rooms=rooms, sections=sections, admin=admin)


def test_control_characters_in_text_are_invalid_argument(server, campus):
    # The gateway's fuzzer found `PUT /campuses/x {"name": "…\u0000…"}` answered 502: PostgreSQL
    # refused the NUL deep in the service. Services are called directly too (branches, other
    # services): they refuse it themselves, and every other control character in a name.
    stub, db, _tokens = server
    call = dict(metadata=campus["admin"], timeout=10)
    start = dt.date.today().isoformat()

    def requests(bad: str):
        yield stub.UpsertCampus, pb.UpsertCampusRequest(campus=pb.Campus(
            id="campus-sh", name=bad)), "invalid.campus.name" if "\x00" in bad else "invalid.name"
        yield stub.UpsertCourse, pb.UpsertCourseRequest(course=pb.Course(
            id="math", name=bad)), "invalid.course.name" if "\x00" in bad else "invalid.name"
        yield stub.CreateRoom, pb.CreateRoomRequest(room=pb.Room(
            campus_id="campus-sh", name="ok", capacity=5, features=[bad])), \
            "invalid.room.features" if "\x00" in bad else "invalid.features"
        yield stub.CreateTeacher, pb.CreateTeacherRequest(teacher=pb.Teacher(
            id="t-ctl", campus_id="campus-sh", name=bad)), \
            "invalid.teacher.name" if "\x00" in bad else "invalid.name"
        yield stub.CreateTerm, pb.CreateTermRequest(term=pb.Term(
            campus_id="campus-sh", name=bad, start_date=start, end_date=start)), \
            "invalid.term.name" if "\x00" in bad else "invalid.name"

    for bad in ("\u00da;\u0095\U00019d18\u0000\u00ca\u009d`", "a\x00", "bell\x07", "c1\x85",
                "two\nlines"):
        for method, request, reason in requests(bad):
            with pytest.raises(grpc.RpcError) as refused:
                method(request, **call)
            assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (bad, request)
            assert dict(refused.value.trailing_metadata())["x-error-reason"] == reason
    # An id with NUL is refused before any lookup (it was an INTERNAL error from the database).
    for method, request in (
            (stub.GetCampus, pb.GetCampusRequest(campus_id="campus-sh\x00")),
            (stub.UpsertCampus, pb.UpsertCampusRequest(campus=pb.Campus(id="c\x00", name="x"))),
            (stub.ListRooms, pb.ListRoomsRequest(campus_id="\x00"))):
        with pytest.raises(grpc.RpcError) as refused:
            method(request, **call)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with db.session() as s:
        assert s.get(m.Campus, "campus-sh").name == "上海校区"
        assert s.get(m.Course, "math").name == "数学"
        assert s.get(m.Teacher, "t-ctl") is None
        assert s.scalar(select(func.count()).select_from(m.Room)
                        .where(m.Room.campus_id == "campus-sh")) == 3
    # Names may hold any printable character, the fuzzer's astral letters included.
    odd = "\u00da;\U00019d18\u00ca`"
    assert stub.UpsertCourse(pb.UpsertCourseRequest(course=pb.Course(id="odd", name=odd)),
                             **call).course.name == odd


def outbox(db, event_type):
    with db.session() as s:
        rows = s.execute(select(m.OUTBOX.c.payload).where(m.OUTBOX.c.event_type == event_type)
                         .order_by(m.OUTBOX.c.id)).scalars().all()
    return [json.loads(r) for r in rows]


@pytest.fixture(scope="module")
def published(server, campus):
    stub, _db, _tokens = server
    call = dict(metadata=campus["admin"], timeout=10)
    job = stub.SolveTimetable(pb.SolveTimetableRequest(
        campus_id="campus-sh", term_id=campus["term_id"], time_limit_seconds=5, seed=1),
        **call).job
    assert job.status == pb.SOLVE_JOB_STATUS_QUEUED

    def finished():
        j = stub.GetSolveJob(pb.GetSolveJobRequest(job_id=job.id), **call).job
        return j if j.status in (pb.SOLVE_JOB_STATUS_DONE, pb.SOLVE_JOB_STATUS_FAILED) else None

    done = testing.wait_for(finished, timeout=60)
    assert done.status == pb.SOLVE_JOB_STATUS_DONE, done.error
    assert done.feasible and done.progress_percent == 100 and done.timetable_id
    response = stub.PublishTimetable(pb.PublishTimetableRequest(timetable_id=done.timetable_id),
                                     **call)
    assert response.timetable.status == pb.TIMETABLE_STATUS_PUBLISHED
    assert len(response.timetable.lectures) == 9
    assert response.sessions_scheduled >= 9 * 3  # four weeks, some days before the start
    return response.timetable


def test_publish_writes_events(server, published):
    _stub, db, _tokens = server
    (event,) = outbox(db, "crm.scheduling.timetable.published.v1")
    assert event["data"]["timetable_id"] == published.id
    scheduled = outbox(db, "crm.scheduling.session.scheduled.v1")
    assert len(scheduled) == event["data"]["session_count"]


def test_views_by_teacher_room_and_permissions(server, campus, published):
    stub, _db, tokens = server
    q = pb.GetTimetableRequest(campus_id="campus-sh", term_id=campus["term_id"],
                               view=pb.TIMETABLE_VIEW_TEACHER, subject_id="t-wang")
    own = stub.GetTimetable(q, metadata=as_user(tokens, "t-wang", "teacher"), timeout=10)
    assert len(own.timetable.lectures) == 5  # Math A 3 + Physics A 2
    assert all(lec.teacher_name == "王老师" for lec in own.timetable.lectures)
    with pytest.raises(grpc.RpcError) as denied:
        stub.GetTimetable(q, metadata=as_user(tokens, "t-li", "teacher"), timeout=10)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as sales:
        stub.ListRooms(pb.ListRoomsRequest(campus_id="campus-sh"),
                       metadata=as_user(tokens, "u-s", "sales"), timeout=10)
    assert sales.value.code() == grpc.StatusCode.PERMISSION_DENIED
    lab = campus["rooms"]["Lab"]
    room_view = stub.GetTimetable(pb.GetTimetableRequest(
        campus_id="campus-sh", term_id=campus["term_id"], view=pb.TIMETABLE_VIEW_ROOM,
        subject_id=lab), metadata=STAFF, timeout=10)
    python_lectures = [lec for lec in published.lectures
                       if lec.section_id == campus["sections"]["Python A"]]
    assert all(lec.room_id == lab for lec in python_lectures)
    room_sections = {lec.section_id for lec in room_view.timetable.lectures}
    assert room_sections >= {campus["sections"]["Python A"]}


def test_conflict_check_reasons(server, campus, published):
    stub, _db, _tokens = server
    math = [lec for lec in published.lectures if lec.section_id == campus["sections"]["Math A"]]
    physics = next(lec for lec in published.lectures
                   if lec.section_id == campus["sections"]["Physics A"])
    found = stub.CheckConflicts(pb.CheckConflictsRequest(
        timetable_id=published.id, section_id=math[0].section_id,
        lecture_number=math[0].lecture_number,
        slot=pb.SlotRef(day=physics.day, period=physics.period), room_id=campus["rooms"]["102"]),
        metadata=STAFF, timeout=10).conflicts
    kinds = {c.kind for c in found}
    assert {"teacher_busy", "room_too_small"} <= kinds
    assert all(c.message_zh for c in found)


def test_mark_teacher_unavailable_moves_only_affected_lectures(server, campus, published):
    stub, db, _tokens = server
    target = next(lec for lec in published.lectures if lec.teacher_id == "t-wang")
    response = stub.MarkUnavailable(pb.MarkUnavailableRequest(
        campus_id="campus-sh", term_id=campus["term_id"], teacher_id="t-wang",
        slots=[pb.SlotRef(day=target.day, period=target.period)], reason="培训 training"),
        metadata=STAFF + (("idempotency-key", "mu-1"),), timeout=30)
    assert len(response.moves) == 1
    move = response.moves[0]
    assert (move.before.section_id, move.before.day, move.before.period) == \
        (target.section_id, target.day, target.period)
    assert (move.after.day, move.after.period) != (target.day, target.period)
    assert response.timetable.status == pb.TIMETABLE_STATUS_PUBLISHED
    assert response.timetable.version == published.version + 1
    before = {(x.section_id, x.lecture_number): (x.day, x.period, x.room_id)
              for x in published.lectures}
    after = {(x.section_id, x.lecture_number): (x.day, x.period, x.room_id)
             for x in response.timetable.lectures}
    assert sum(before[k] != after[k] for k in before) == 1
    changed = outbox(db, "crm.scheduling.session.changed.v1")
    assert changed and len(changed) == response.sessions_changed
    assert all(e["data"]["before"]["day"] == target.day for e in changed)
    # the same idempotency key answers the same, without a second repair
    again = stub.MarkUnavailable(pb.MarkUnavailableRequest(
        campus_id="campus-sh", term_id=campus["term_id"], teacher_id="t-wang",
        slots=[pb.SlotRef(day=target.day, period=target.period)], reason="培训 training"),
        metadata=STAFF + (("idempotency-key", "mu-1"),), timeout=30)
    assert again == response


def test_place_student_and_report_failures(server, campus, published):
    stub, db, _tokens = server
    placed = stub.PlaceStudent(pb.PlaceStudentRequest(
        student_id="c-1", course_id="math", term_id=campus["term_id"], enrollment_id="e-1"),
        metadata=STAFF, timeout=10)
    assert placed.placed and placed.section_id == campus["sections"]["Math A"]
    missing = stub.PlaceStudent(pb.PlaceStudentRequest(
        student_id="c-1", course_id="chemistry", enrollment_id="e-2"), metadata=STAFF, timeout=10)
    assert not missing.placed and missing.rejections[0].reason == "no_section"
    assert outbox(db, "crm.scheduling.placement.made.v1")[0]["data"]["customer_id"] == "c-1"
    assert outbox(db, "crm.scheduling.placement.failed.v1")[0]["data"]["reason"] == "no_section"


def test_exports(server, campus, published):
    stub, db, _tokens = server
    query = pb.GetTimetableRequest(campus_id="campus-sh", term_id=campus["term_id"],
                                   view=pb.TIMETABLE_VIEW_SECTION,
                                   subject_id=campus["sections"]["Math A"])
    xlsx = stub.ExportTimetable(
        pb.ExportTimetableRequest(query=query, format=pb.EXPORT_FORMAT_XLSX),
        metadata=STAFF, timeout=10)
    assert xlsx.file_name.endswith(".xlsx") and "spreadsheetml" in xlsx.content_type
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "周一 Mon" in values and sum(str(v).startswith("Math A 数学") for v in values) == 3
    ics = stub.ExportTimetable(pb.ExportTimetableRequest(query=query, format=pb.EXPORT_FORMAT_ICS),
                               metadata=STAFF, timeout=10)
    cal = icalendar.Calendar.from_ical(ics.content)
    events = list(cal.walk("VEVENT"))
    with db.session() as s:  # one event per dated session of the section
        sessions = s.scalar(select(func.count()).select_from(m.ScheduledSession).where(
            m.ScheduledSession.section_id == campus["sections"]["Math A"]))
    assert len(events) == sessions >= 3 * 3
    assert all(str(e["SUMMARY"]).startswith("Math A") for e in events)
    assert {e["DTSTART"].params["TZID"] for e in events} == {"Asia/Shanghai"}
    assert any(tz["TZID"] == "Asia/Shanghai" for tz in cal.walk("VTIMEZONE"))


def test_teacher_attendance_and_substitute(server, campus, published):
    stub, db, tokens = server
    with db.session() as s:
        session = s.scalars(select(m.ScheduledSession).where(
            m.ScheduledSession.section_id == campus["sections"]["Math A"],
            m.ScheduledSession.status == "scheduled")
            .order_by(m.ScheduledSession.starts_at)).first()
        sid, teacher = session.id, session.teacher_id
    signed = stub.RecordTeacherAttendance(pb.RecordTeacherAttendanceRequest(
        session_id=sid, status=pb.TEACHER_ATTENDANCE_STATUS_SIGNED_IN),
        metadata=as_user(tokens, teacher, "teacher"), timeout=10).session
    assert signed.attendance == "signed_in"
    with pytest.raises(grpc.RpcError) as unqualified:
        stub.RecordTeacherAttendance(pb.RecordTeacherAttendanceRequest(
            session_id=sid, status=pb.TEACHER_ATTENDANCE_STATUS_SUBSTITUTE,
            substitute_teacher_id="t-li"), metadata=STAFF, timeout=10)
    assert unqualified.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    sub = stub.RecordTeacherAttendance(pb.RecordTeacherAttendanceRequest(
        session_id=sid, status=pb.TEACHER_ATTENDANCE_STATUS_SUBSTITUTE,
        substitute_teacher_id="t-sun"), metadata=STAFF, timeout=10).session
    assert sub.substitute_teacher_id == "t-sun"
    changed = [e for e in outbox(db, "crm.scheduling.session.changed.v1") if e["subject"] == sid]
    assert changed[-1]["data"]["changed_fields"] == ["substitute_teacher_id"]


def _current_lectures(stub, campus, teacher_id):
    return stub.GetTimetable(pb.GetTimetableRequest(
        campus_id="campus-sh", term_id=campus["term_id"], view=pb.TIMETABLE_VIEW_TEACHER,
        subject_id=teacher_id), metadata=STAFF, timeout=10).timetable


def test_dry_run_under_a_key_changes_nothing_and_replays(server, campus, published):
    stub, db, _tokens = server
    timetable = _current_lectures(stub, campus, "t-zhao")
    target = timetable.lectures[0]
    request = pb.MarkUnavailableRequest(
        campus_id="campus-sh", term_id=campus["term_id"], teacher_id="t-zhao",
        slots=[pb.SlotRef(day=target.day, period=target.period)], dry_run=True,
        time_limit_seconds=5)
    call = dict(metadata=STAFF + (("idempotency-key", "mu-dry"),), timeout=30)
    first = stub.MarkUnavailable(request, **call)
    assert first.moves and not first.HasField("timetable")
    assert stub.MarkUnavailable(request, **call) == first
    with db.session() as s:
        assert [target.day, target.period] not in s.get(m.Teacher, "t-zhao").unavailable
    assert _current_lectures(stub, campus, "t-zhao").version == timetable.version
    request.dry_run = False  # the key names the dry run: another request is an error
    with pytest.raises(grpc.RpcError) as err:
        stub.MarkUnavailable(request, **call)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_concurrent_mark_unavailable_with_one_key_applies_once(server, campus, published,
                                                               monkeypatch):
    """Both calls are held at a barrier just before they claim the key (both looked it up and
    found nothing, neither wrote): one repair commits, the other waits for its key and answers
    with the winner's stored response."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from kit import idempotency

    stub, db, _tokens = server
    before = _current_lectures(stub, campus, "t-li")
    target = before.lectures[0]
    request = pb.MarkUnavailableRequest(
        campus_id="campus-sh", term_id=campus["term_id"], teacher_id="t-li",
        slots=[pb.SlotRef(day=target.day, period=target.period)], reason="race",
        time_limit_seconds=5)
    published_events = len(outbox(db, "crm.scheduling.timetable.published.v1"))
    barrier = threading.Barrier(2, timeout=20)
    original = idempotency._claim
    held = []

    def claim(*args, **kwargs):
        held.append(1)
        barrier.wait()  # a broken barrier fails the call, and the test
        return original(*args, **kwargs)

    monkeypatch.setattr(idempotency, "_claim", claim)
    call = lambda: stub.MarkUnavailable(  # noqa: E731 - a tiny closure
        request, metadata=STAFF + (("idempotency-key", "mu-race"),), timeout=60)
    with ThreadPoolExecutor(2) as pool:
        first, second = [f.result() for f in [pool.submit(call), pool.submit(call)]]
    monkeypatch.undo()
    assert len(held) == 2 and not barrier.broken  # both got to the key together
    assert first == second and first.moves
    assert first.timetable.version == before.version + 1
    assert _current_lectures(stub, campus, "t-li").version == before.version + 1
    assert len(outbox(db, "crm.scheduling.timetable.published.v1")) == published_events + 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.IDEMPOTENCY)
                        .where(m.IDEMPOTENCY.c.key == "mu-race")) == 1
