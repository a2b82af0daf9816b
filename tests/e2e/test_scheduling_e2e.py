"""Scheduling end to end through the HTTP API: the real gateway, identity (api + worker) and
scheduling (api + worker) processes, RabbitMQ, Redis and PostgreSQL, with both services'
demo data. A scheduling manager solves, publishes and reads the demo term's timetable, and an
enrollment.confirmed event on the bus places a student."""
from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import httpx
import icalendar
import openpyxl
import pytest
from kit import testing
from kit.events import make_envelope
from system_under_test import running_system

PASSWORD = "educrm-demo"  # noqa: S105 - the demo seed's documented password
CAMPUS = "demo-campus-bj"  # scheduling.demo_seed
TERM = "demo-term"
BASE = f"/v1/scheduling/campuses/{CAMPUS}"


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    # reading a student's timetable counts toward the personal-data freeze limit; this test
    # polls it, so the limit is out of the way here (test_foundation_e2e covers it)
    with running_system(tmp_path_factory.mktemp("e2e_scheduling"),
                        EDUCRM_GATEWAY_FREEZE_MAX_READS="10000") as running:
        yield running


@pytest.fixture(scope="module")
def http(system):
    with httpx.Client(base_url=system.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def manager(http) -> dict[str, str]:
    response = http.post("/v1/auth/login", json={"username": "manager1", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def published(http, manager) -> dict:
    """Solve the demo term (a background job), wait for it, publish the result."""
    started = http.post("/v1/scheduling/solve-jobs", headers={
        **manager, "Idempotency-Key": f"solve-{uuid.uuid4().hex}"},
        json={"campus_id": CAMPUS, "term_id": TERM, "time_limit_seconds": 5, "seed": 1})
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == f"/v1/scheduling/solve-jobs/{job['id']}"

    def finished():
        current = http.get(f"/v1/scheduling/solve-jobs/{job['id']}", headers=manager).json()
        return current if current["status"] in ("done", "failed") else None

    job = testing.wait_for(finished, timeout=180, interval=0.5,
                           message="the solve job did not finish")
    assert job["status"] == "done" and job["feasible"], job
    assert job["best_hard_violations"] == 0 and job["timetable_id"]
    publish = http.post(f"/v1/scheduling/timetables/{job['timetable_id']}/publish",
                        headers={**manager, "Idempotency-Key": f"pub-{job['timetable_id']}"})
    assert publish.status_code == 200, publish.text
    body = publish.json()
    assert body["timetable"]["status"] == "published" and body["sessions_scheduled"] > 0
    return body["timetable"]


def test_reference_data_through_the_gateway(http, manager):
    rooms = http.get(f"{BASE}/rooms", headers=manager, params={"limit": 3})
    assert rooms.status_code == 200, rooms.text
    page = rooms.json()
    assert len(page["items"]) == 3 and page["next_cursor"]
    rest = http.get(f"{BASE}/rooms", headers=manager,
                    params={"limit": 3, "cursor": page["next_cursor"]}).json()
    names = {r["id"] for r in page["items"] + rest["items"]}
    assert {"demo-room-101", "demo-lab"} <= names and rest["next_cursor"] is None
    sections = http.get(f"{BASE}/sections", headers=manager, params={"term_id": TERM}).json()
    assert {s["id"] for s in sections["items"]} >= {"demo-sec-pm-a", "demo-sec-py-a"}
    # not scheduling staff: the service says no, the gateway answers with a problem
    response = http.post("/v1/auth/login", json={"username": "sales1", "password": PASSWORD})
    sales = {"authorization": f"Bearer {response.json()['access_token']}"}
    denied = http.get(f"{BASE}/rooms", headers=sales)
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"
    assert denied.json()["type"] == "https://educrm.dev/problems/scheduling-staff-only"


def test_solve_publish_views_exports_and_conflicts(http, manager, published):
    teacher = "demo-t-wang"
    view = http.get(f"{BASE}/terms/{TERM}/teachers/{teacher}/timetable", headers=manager,
                    params={"include_sessions": "true"})
    assert view.status_code == 200, view.text
    data = view.json()
    lectures = data["timetable"]["lectures"]
    assert lectures and all(lec["teacher_id"] == teacher for lec in lectures)
    assert data["timetable"]["id"] == published["id"] and data["sessions"]

    xlsx = http.get(f"{BASE}/terms/{TERM}/teachers/{teacher}/timetable.xlsx", headers=manager)
    assert xlsx.status_code == 200, xlsx.text
    assert xlsx.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert re.fullmatch(r"""attachment; filename="[\w.-]+\.xlsx"; filename\*=UTF-8''\S+\.xlsx""",
                        xlsx.headers["content-disposition"]), xlsx.headers["content-disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if c]
    assert any(lectures[0]["section_name"] in c for c in cells)

    ics = http.get(f"{BASE}/terms/{TERM}/teachers/{teacher}/timetable.ics", headers=manager)
    assert ics.status_code == 200, ics.text
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r"""attachment; filename="[\w.-]+\.ics"; filename\*=UTF-8''\S+\.ics""",
                        ics.headers["content-disposition"]), ics.headers["content-disposition"]
    calendar = icalendar.Calendar.from_ical(ics.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == len(data["sessions"]) > 0

    # moving one of the teacher's lectures onto another of theirs: the teacher is busy
    first, other = next((a, b) for a in lectures for b in lectures
                        if (a["day"], a["period"]) != (b["day"], b["period"]))
    check = http.post(f"/v1/scheduling/timetables/{published['id']}/conflict-check",
                      headers=manager, json={
                          "section_id": first["section_id"],
                          "lecture_number": first["lecture_number"],
                          "slot": {"day": other["day"], "period": other["period"]}})
    assert check.status_code == 200, check.text
    assert check.json()["ok"] is False
    assert "teacher_busy" in {c["kind"] for c in check.json()["conflicts"]}
    unchanged = http.post(f"/v1/scheduling/timetables/{published['id']}/conflict-check",
                          headers=manager, json={"section_id": first["section_id"],
                                                 "lecture_number": first["lecture_number"]})
    assert unchanged.json() == {"ok": True, "conflicts": []}


def test_enrollment_confirmed_event_places_the_student(http, manager, published, system):
    def placed_students() -> int:
        sections = http.get(f"{BASE}/sections", headers=manager, params={
            "term_id": TERM, "course_id": "demo-course-py"}).json()["items"]
        assert [s["id"] for s in sections] == ["demo-sec-py-a"]
        return sections[0]["placed_students"]

    before = placed_students()
    student = f"stu-{uuid.uuid4().hex[:8]}"
    event = make_envelope("crm.enrollment.enrollment.confirmed.v1", f"enr-{student}", {
        "enrollment_id": f"enr-{student}", "customer_id": student,
        "course_id": "demo-course-py", "campus_id": CAMPUS, "term_id": TERM,
        "registration_kind": "new", "confirmed_at": dt.datetime.now(dt.UTC).isoformat()})
    testing.publish_event(system.env["EDUCRM_AMQP_URI"], "enrollment.events", event.type,
                          event.to_json(), mandatory=True)

    def placed():
        response = http.get(f"{BASE}/terms/{TERM}/students/{student}/timetable",
                            headers=manager)
        assert response.status_code == 200, response.text
        return response.json()["timetable"]["lectures"]

    lectures = testing.wait_for(placed, timeout=60, interval=0.5,
                                message="the student was never placed")
    assert {lec["section_id"] for lec in lectures} == {"demo-sec-py-a"}
    assert placed_students() == before + 1
