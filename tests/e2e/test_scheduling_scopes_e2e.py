"""Data scope over HTTP, end to end: the real gateway, identity and scheduling processes with
both services' demo data (the Beijing campus in region North with the Beijing branch's
departments, the Guangzhou campus in region South). A role × scope matrix over the
scheduling routes: every cell is one demo user calling one route on one campus, answered as
allowed (2xx), 404 (the campus is outside the user's data scope: as if it did not exist) or
403 (not scheduling staff). Then the campus list per user and keyset cursors over HTTP."""
from __future__ import annotations

import uuid

import httpx
import pytest
from system_under_test import running_system

PASSWORD = "educrm-demo"  # noqa: S105 - the demo seed's documented password
BJ, GZ = "demo-campus-bj", "demo-campus-gz"  # scheduling.demo_seed
TERMS = {BJ: "demo-term", GZ: "demo-term-gz"}
ROOMS = {BJ: ("demo-room-101", {"name": "101 教室", "capacity": 40, "features": ["projector"]}),
         GZ: ("demo-gz-room-1", {"name": "广州 1 教室", "capacity": 30})}
TEACHERS = {BJ: "demo-t-wang", GZ: "demo-gz-t-lin"}
BASE = "/v1/scheduling"

# demo user -> the campuses their data scope holds (None: not scheduling staff)
SEES = {
    "admin": {BJ, GZ},              # all
    "director1": {BJ},              # region North
    "director2": {GZ},              # region South
    "manager1": {BJ},               # department: Beijing sales
    "teacher1": None,               # teacher (own): not staff
    "sales1": None,                 # sales (own): not staff
}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("e2e_scopes")) as running:
        yield running


@pytest.fixture(scope="module")
def http(system):
    with httpx.Client(base_url=system.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def auth(http) -> dict[str, dict[str, str]]:
    headers = {}
    for username in SEES:
        response = http.post("/v1/auth/login", json={"username": username,
                                                     "password": PASSWORD})
        assert response.status_code == 200, response.text
        headers[username] = {"authorization": f"Bearer {response.json()['access_token']}"}
    return headers


@pytest.fixture(scope="module")
def placements(http, auth) -> dict[str, dict]:
    """Each campus's region and departments as seeded (from identity's demo tree)."""
    found = {}
    for campus in (BJ, GZ):
        response = http.get(f"{BASE}/campuses/{campus}", headers=auth["admin"])
        assert response.status_code == 200, response.text
        found[campus] = response.json()
    assert found[BJ]["region_id"] and found[GZ]["region_id"]
    assert found[BJ]["region_id"] != found[GZ]["region_id"]
    assert len(found[BJ]["department_ids"]) == 4 and len(found[GZ]["department_ids"]) == 1
    return found


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def _section(campus: str) -> dict:
    return {"id": f"sec-{uuid.uuid4().hex[:8]}", "term_id": TERMS[campus],
            "course_id": "demo-course-en", "name": f"英语 {uuid.uuid4().hex[:6]}",
            "teacher_id": TEACHERS[campus], "lessons_per_week": 1, "capacity": 10}


def _campus_body(placement: dict) -> dict:
    return {"name": placement["name"], "time_zone": placement["time_zone"],
            "region_id": placement["region_id"], "department_ids": placement["department_ids"]}


# route name -> (method, path, body) for a campus; bodies keep the demo data as it is
ROUTES = {
    "get campus": lambda c, p: ("GET", f"/campuses/{c}", None),
    "list rooms": lambda c, p: ("GET", f"/campuses/{c}/rooms", None),
    "list teachers": lambda c, p: ("GET", f"/campuses/{c}/teachers", None),
    "list sections": lambda c, p: ("GET", f"/campuses/{c}/sections", None),
    "list terms": lambda c, p: ("GET", f"/campuses/{c}/terms", None),
    "get term": lambda c, p: ("GET", f"/campuses/{c}/terms/{TERMS[c]}", None),
    "list timeslots": lambda c, p: ("GET", f"/campuses/{c}/timeslots", None),
    "put campus": lambda c, p: ("PUT", f"/campuses/{c}", _campus_body(p[c])),
    "create room": lambda c, p: ("POST", f"/campuses/{c}/rooms",
                                 {"name": f"R {uuid.uuid4().hex[:8]}", "capacity": 12}),
    "update room": lambda c, p: ("PUT", f"/campuses/{c}/rooms/{ROOMS[c][0]}", ROOMS[c][1]),
    "create term": lambda c, p: ("POST", f"/campuses/{c}/terms", {
        "name": f"T {uuid.uuid4().hex[:8]}", "start_date": "2027-03-01",
        "end_date": "2027-06-30"}),
    "create section": lambda c, p: ("POST", f"/campuses/{c}/sections", _section(c)),
    "update teacher": lambda c, p: ("PUT", f"/campuses/{c}/teachers/{TEACHERS[c]}", {
        "name": "王老师" if c == BJ else "林老师",
        "course_ids": (["demo-course-lead", "demo-course-pm"] if c == BJ
                       else ["demo-course-en"]),
        "unavailable": [{"day": 6, "period": 5}] if c == BJ else []}),
}


def expected(user: str, campus: str) -> str:
    if SEES[user] is None:
        return "403"
    return "2xx" if campus in SEES[user] else "404"


def test_role_by_scope_matrix_over_http(http, auth, placements):
    wrong = []
    cells = 0
    for user in SEES:
        for route, build in ROUTES.items():
            for campus in (BJ, GZ):
                method, path, body = build(campus, placements)
                headers = {**auth[user], **(_key() if method != "GET" else {})}
                response = http.request(method, BASE + path, json=body, headers=headers)
                got = "2xx" if 200 <= response.status_code < 300 else str(response.status_code)
                want = expected(user, campus)
                cells += 1
                if got != want:
                    wrong.append(f"{user} {route} {campus}: {response.status_code} "
                                 f"(expected {want}) {response.text[:200]}")
                elif got != "2xx":  # refusals are problem documents and carry no row data
                    assert response.headers["content-type"].startswith(
                        "application/problem+json")
                    assert ROOMS[campus][1]["name"] not in response.text
    assert not wrong, "\n".join(wrong)
    assert cells == len(SEES) * len(ROUTES) * 2


def test_campus_list_follows_the_scope(http, auth):
    for user, campuses in SEES.items():
        response = http.get(f"{BASE}/campuses", headers=auth[user])
        if campuses is None:
            assert response.status_code == 403
            continue
        assert response.status_code == 200, response.text
        assert {c["id"] for c in response.json()["items"]} == campuses, user


def test_keyset_cursors_over_http(http, auth):
    admin = auth["admin"]
    first = http.get(f"{BASE}/campuses/{BJ}/rooms", headers=admin, params={"limit": 2})
    assert first.status_code == 200, first.text
    cursor = first.json()["next_cursor"]
    assert cursor and len(first.json()["items"]) == 2
    # a room that sorts before the page already read does not shift the next page
    created = http.post(f"{BASE}/campuses/{BJ}/rooms", headers={**admin, **_key()},
                        json={"name": "000 新教室", "capacity": 5})
    assert created.status_code == 201, created.text
    seen = [r["id"] for r in first.json()["items"]]
    while cursor:
        page = http.get(f"{BASE}/campuses/{BJ}/rooms", headers=admin,
                        params={"limit": 2, "cursor": cursor}).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) and created.json()["id"] not in seen
    assert {"demo-room-101", "demo-lab"} <= set(seen)
    body, check = first.json()["next_cursor"].split(".")
    tampered = f"{'A' if body[0] != 'A' else 'B'}{body[1:]}.{check}"  # an edited key
    refused = http.get(f"{BASE}/campuses/{BJ}/rooms", headers=admin,
                       params={"limit": 2, "cursor": tampered})
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail_zh"]
    # a cursor of one campus's rooms is not one of the other campus's
    other = http.get(f"{BASE}/campuses/{GZ}/rooms", headers=admin,
                     params={"cursor": first.json()["next_cursor"]})
    assert other.status_code == 422


def test_courses_are_company_wide(http, auth):
    for user in ("admin", "director1", "manager1"):
        listed = http.get(f"{BASE}/courses", headers=auth[user])
        assert listed.status_code == 200 and len(listed.json()["items"]) == 4
    rename = {"name": "商务英语 Business English"}
    assert http.put(f"{BASE}/courses/demo-course-en", headers={**auth["director1"], **_key()},
                    json=rename).status_code == 403
    assert http.put(f"{BASE}/courses/demo-course-en", headers={**auth["admin"], **_key()},
                    json=rename).status_code == 200
