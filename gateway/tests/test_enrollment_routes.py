"""The enrollment routes (/v1/courses, /v1/terms, /v1/classes, /v1/orders, /v1/enrollments)
in front of the REAL enrollment api (in-process grpcio server on a SQLite database, verifying
the fake identity's tokens with its published keys): JSON <-> protobuf, problems, data scope
(sales own, managers department, directors region; catalogue by campus region), the discount
approval, enrollment changes and Idempotency-Key replays."""
from __future__ import annotations

import uuid

import pytest
from enrollment import api as enrollment_api
from enrollment import catalogue, events, payment_handlers
from enrollment.settings import EnrollmentSettings
from fakes import assert_problem
from kit import grpc_client, migrate, testing
from kit.db import Database
from kit.events import make_envelope

pytestmark = pytest.mark.anyio

NORTH, SOUTH = "ou-north", "ou-south"  # the fake directory's regions
NORTH_SALES = "ou-north-bj-sales"


@pytest.fixture(scope="module")
def enrollment_server(identity_server):
    _, identity_target = identity_server
    with testing.sqlite_database("enrollment-routes.db") as url:
        migrate.upgrade("enrollment", url)
        db = Database(url)
        with db.session() as s:
            catalogue.upsert_campus(s, "c-bj", "北京校区", region_id=NORTH,
                                    department_ids=[NORTH_SALES])
            catalogue.upsert_campus(s, "c-gz", "广州校区", region_id=SOUTH, department_ids=[])
        identity = grpc_client.channel(identity_target)
        server = enrollment_api.build_server(
            EnrollmentSettings(database_url=url), db, address="127.0.0.1:0",
            key_set=grpc_client.identity_key_set(identity))
        yield db, f"127.0.0.1:{server.port}"
        server.stop(0)
        identity.close()
        db.dispose()


@pytest.fixture
async def enr(harness, enrollment_server):
    db, target = enrollment_server
    async with harness(enrollment_target=target) as gw:
        gw.db = db
        yield gw


async def _course(enr, **fields) -> dict:
    body = {"name": "教练技术", "category": "new_training", "lesson_hours": 24,
            "price_fen": 1_280_000, **fields}
    created = await enr.client.post("/v1/courses", json=body, headers=enr.auth("u-admin"))
    assert created.status_code == 201, created.text
    return created.json()


async def _class(enr, course_id: str, capacity: int = 10) -> dict:
    term = await enr.client.post("/v1/terms", headers=enr.auth("u-director1"), json={
        "campus_id": "c-bj", "name": "春季期", "start_date": "2027-03-01",
        "end_date": "2027-05-31"})
    assert term.status_code == 201, term.text
    klass = await enr.client.post("/v1/classes", headers=enr.auth("u-director1"), json={
        "term_id": term.json()["id"], "course_id": course_id, "name": "一班",
        "capacity": capacity})
    assert klass.status_code == 201, klass.text
    return klass.json()


def _customer() -> str:
    return f"cust-{uuid.uuid4().hex[:8]}"


async def test_catalogue_routes(enr):
    course = await _course(enr, stage=1, commission_ratios=[
        {"role": "seller", "ratio_bp": 800},
        {"role": "channel", "channel_tier": "city_partner", "ratio_bp": 1500}])
    assert (course["category"], course["stage"], course["price_fen"],
            course["commission_version"], course["campus_id"]) == \
        ("new_training", 1, 1_280_000, 1, None)
    got = await enr.client.get(f"/v1/courses/{course['id']}", headers=enr.auth("u-alice"))
    assert got.json() == course
    ratios = await enr.client.put(f"/v1/courses/{course['id']}/commission-ratios",
                                  headers=enr.auth("u-admin"),
                                  json={"ratios": [{"role": "seller", "ratio_bp": 900}]})
    assert (ratios.json()["commission_version"], ratios.json()["commission_ratios"]) == \
        (2, [{"role": "seller", "channel_tier": "", "ratio_bp": 900}])
    assert_problem(await enr.client.put(
        f"/v1/courses/{course['id']}/commission-ratios", headers=enr.auth("u-alice"),
        json={"ratios": []}), 403, "enrollment-catalogue-managers-only")
    klass = await _class(enr, course["id"], capacity=3)
    assert (klass["campus_id"], klass["capacity"], klass["taken"], klass["start_date"]) == \
        ("c-bj", 3, 0, "2027-03-01")
    listed = await enr.client.get("/v1/classes", params={"term_id": klass["term_id"]},
                                  headers=enr.auth("u-bob"))
    assert [k["id"] for k in listed.json()["items"]] == [klass["id"]]
    # the south region does not see the north campus's classes and terms
    assert_problem(await enr.client.get(f"/v1/classes/{klass['id']}",
                                        headers=enr.auth("u-sales3")),
                   404, "enrollment-class-not-found")
    assert_problem(await enr.client.get(f"/v1/terms/{klass['term_id']}",
                                        headers=enr.auth("u-director2")),
                   404, "enrollment-term-not-found")
    south = await enr.client.get("/v1/classes", params={"term_id": klass["term_id"]},
                                 headers=enr.auth("u-sales3"))
    assert south.json() == {"items": [], "next_cursor": None}


async def test_order_idempotency_and_scope(enr):
    course = await _course(enr)
    klass = await _class(enr, course["id"])
    body = {"kind": "class", "customer_id": _customer(), "class_id": klass["id"],
            "campus_id": "c-bj", "discount_fen": 80_000, "deposit_fen": 200_000}
    key = {"Idempotency-Key": f"order-{uuid.uuid4().hex}"}
    first = await enr.client.post("/v1/orders", json=body,
                                  headers={**enr.auth("u-alice"), **key})
    assert first.status_code == 201, first.text
    order = first.json()
    assert first.headers["location"] == f"/v1/orders/{order['id']}"
    assert (order["status"], order["price_fen"], order["seller_id"], order["lesson_hours"],
            order["seller_region_id"]) == ("placed", 1_200_000, "u-alice", 24, NORTH)
    again = await enr.client.post("/v1/orders", json=body,
                                  headers={**enr.auth("u-alice"), **key})
    assert (again.status_code, again.json()) == (201, order)
    assert_problem(await enr.client.post("/v1/orders", json={**body, "deposit_fen": 1},
                                         headers={**enr.auth("u-alice"), **key}),
                   422, "idempotency-key-reused")
    everyone = await enr.client.get("/v1/orders", params={"customer_id": body["customer_id"]},
                                    headers=enr.auth("u-admin"))
    assert [o["id"] for o in everyone.json()["items"]] == [order["id"]]
    with enr.db.session() as s:  # one order.placed for the one order
        from enrollment import models as m
        from sqlalchemy import func, select
        assert s.scalar(select(func.count()).select_from(m.OUTBOX).where(
            m.OUTBOX.c.subject == order["id"],
            m.OUTBOX.c.event_type == events.ORDER_PLACED)) == 1
    for user, status in (("u-alice", 200), ("u-manager1", 200), ("u-director1", 200),
                         ("u-bob", 404), ("u-sales3", 404), ("u-director2", 404)):
        response = await enr.client.get(f"/v1/orders/{order['id']}", headers=enr.auth(user))
        assert response.status_code == status, (user, response.text)
    assert_problem(await enr.client.post(f"/v1/orders/{order['id']}/cancel",
                                         json={"reason": "x"}, headers=enr.auth("u-bob")),
                   404, "enrollment-order-not-found")


async def test_discount_approval_routes(enr):
    course = await _course(enr, price_fen=100_000, lesson_hours=10)
    body = {"kind": "lesson_hours", "customer_id": _customer(), "course_id": course["id"],
            "lesson_hours": 10, "campus_id": "c-bj", "discount_fen": 30_000}
    order = (await enr.client.post("/v1/orders", json=body, headers=enr.auth("u-alice"))).json()
    assert (order["status"], order["price_fen"]) == ("pending_approval", 70_000)
    assert_problem(await enr.client.post(f"/v1/orders/{order['id']}/approve", json={},
                                         headers=enr.auth("u-director2")),
                   404, "enrollment-order-not-found")
    approved = await enr.client.post(f"/v1/orders/{order['id']}/approve",
                                     json={"note": "老客户"}, headers=enr.auth("u-manager1"))
    assert (approved.status_code, approved.json()["status"]) == (200, "placed")
    body["customer_id"] = _customer()
    other = (await enr.client.post("/v1/orders", json=body, headers=enr.auth("u-alice"))).json()
    rejected = await enr.client.post(f"/v1/orders/{other['id']}/reject", json={},
                                     headers=enr.auth("u-director1"))
    assert rejected.json()["status"] == "rejected"


def _pay(db, order: dict) -> None:
    event = make_envelope(events.ORDER_PAID_IN_FULL, order["id"], {
        "order_id": order["id"], "customer_id": order["customer_id"],
        "paid_total_fen": order["price_fen"], "paid_at": "2027-02-20T08:00:00Z"})
    assert payment_handlers.on_order_paid_in_full(db, event, "test.routes") >= 1


async def test_enrollment_routes(enr):
    course = await _course(enr, lesson_hours=20, price_fen=200_000)
    klass = await _class(enr, course["id"])
    other = await _class(enr, course["id"])
    order = (await enr.client.post("/v1/orders", headers=enr.auth("u-alice"), json={
        "kind": "class", "customer_id": _customer(), "class_id": klass["id"],
        "campus_id": "c-bj"})).json()
    _pay(enr.db, order)
    listed = await enr.client.get("/v1/enrollments",
                                  params={"customer_id": order["customer_id"]},
                                  headers=enr.auth("u-alice"))
    [e] = listed.json()["items"]
    assert (e["order_id"], e["class_id"], e["status"], e["purchased_hours"],
            e["remaining_hours"], e["price_fen"]) == \
        (order["id"], klass["id"], "active", 20, 20, 200_000)
    bob = await enr.client.get("/v1/enrollments", params={"customer_id": order["customer_id"]},
                               headers=enr.auth("u-bob"))
    assert bob.json()["items"] == []
    assert_problem(await enr.client.get(f"/v1/enrollments/{e['id']}",
                                        headers=enr.auth("u-director2")),
                   404, "enrollment-enrollment-not-found")
    base = f"/v1/enrollments/{e['id']}"
    suspended = await enr.client.post(f"{base}/suspend", json={"reason": "出差"},
                                      headers=enr.auth("u-alice"))
    assert (suspended.json()["change"], suspended.json()["enrollment"]["status"]) == \
        ("suspended", "suspended")
    assert_problem(await enr.client.post(f"{base}/suspend", json={},
                                         headers=enr.auth("u-alice")),
                   409, "enrollment-change-not-allowed")
    await enr.client.post(f"{base}/resume", json={}, headers=enr.auth("u-alice"))
    moved = await enr.client.post(f"{base}/transfer", json={"class_id": other["id"]},
                                  headers=enr.auth("u-manager1"))
    assert (moved.json()["change"], moved.json()["hours_delta"],
            moved.json()["enrollment"]["class_id"]) == ("transferred", 0, other["id"])
    renewal = await enr.client.post(f"{base}/renew", json={"lesson_hours": 5},
                                    headers=enr.auth("u-alice"))
    assert renewal.status_code == 201, renewal.text
    assert (renewal.json()["renews_enrollment_id"], renewal.json()["price_fen"]) == \
        (e["id"], 50_000)
    _pay(enr.db, renewal.json())
    left = await enr.client.post(f"{base}/withdraw", json={"reason": "个人原因"},
                                 headers=enr.auth("u-alice"))
    assert (left.json()["change"], left.json()["hours_delta"],
            left.json()["enrollment"]["remaining_hours"]) == ("withdrawn", -25, 0)


async def test_bad_input_is_422_and_no_token_is_401(enr):
    for body in ({"kind": "class", "customer_id": "c-1", "campus_id": "c-bj"},
                 {"kind": "bundle", "customer_id": "c-1", "campus_id": "c-bj",
                  "course_ids": ["one"]},
                 {"kind": "lesson_hours", "customer_id": "c-1", "campus_id": "c-bj",
                  "course_id": "x", "lesson_hours": 1, "discount_fen": -1},
                 {"kind": "lesson_hours", "customer_id": "c-1", "campus_id": "c-bj",
                  "course_id": "x", "lesson_hours": 1, "price": 1.5}):
        assert_problem(await enr.client.post("/v1/orders", json=body,
                                             headers=enr.auth("u-alice")),
                       422, "validation-failed")
    assert_problem(await enr.client.post("/v1/courses", headers=enr.auth("u-admin"), json={
        "name": "x", "category": "vip", "lesson_hours": 1, "price_fen": 1}),
        422, "validation-failed")
    assert_problem(await enr.client.get("/v1/enrollments"), 401)


async def test_attendance_registration_routes(enr):
    course = await _course(enr)
    klass = await _class(enr, course["id"])
    created = await enr.client.post("/v1/attendance-registrations", headers=enr.auth("u-alice"),
                                    json={"term_id": klass["term_id"], "customer_id": _customer(),
                                          "card": "new"})
    assert created.status_code == 201, created.text
    r = created.json()
    assert created.headers["location"] == f"/v1/attendance-registrations/{r['id']}"
    assert (r["card"], r["requested_card"], r["status"], r["next_level"],
            r["warning_zh"]) == ("retrain", "new", "pending", "department_review",
                                 "该客户课时余额为 0，不能登记新训，已改为登记复训。")
    todo = await enr.client.get("/v1/attendance-registrations",
                                params={"term_id": klass["term_id"], "waiting_for_me": "true"},
                                headers=enr.auth("u-manager1"))
    assert [x["id"] for x in todo.json()["items"]] == [r["id"]]
    assert_problem(await enr.client.post(f"/v1/attendance-registrations/{r['id']}/approve",
                                         json={}, headers=enr.auth("u-director1")),
                   403, "approval-not-your-level")
    first = await enr.client.post(f"/v1/attendance-registrations/{r['id']}/approve",
                                  json={"note": "部门同意"}, headers=enr.auth("u-manager1"))
    assert (first.json()["next_level"], first.json()["decisions"][0]["decided_by"]) == \
        ("senior_check", "u-manager1")
    rejected = await enr.client.post(f"/v1/attendance-registrations/{r['id']}/reject",
                                     json={"note": "名额已满"}, headers=enr.auth("u-director1"))
    assert (rejected.json()["status"], rejected.json()["next_level"]) == ("rejected", None)
    roster = await enr.client.get(f"/v1/terms/{klass['term_id']}/roster",
                                  headers=enr.auth("u-director1"))
    assert roster.json() == {"items": [], "next_cursor": None}
    assert_problem(await enr.client.get(f"/v1/terms/{klass['term_id']}/roster",
                                        headers=enr.auth("u-alice")),
                   403, "enrollment-roster-denied")


async def test_sign_in_and_invitation_routes(enr):
    from enrollment import registrations
    from kit.caller import Caller, DataScope

    course = await _course(enr, lesson_hours=10)
    klass = await _class(enr, course["id"])
    order = (await enr.client.post("/v1/orders", headers=enr.auth("u-alice"), json={
        "kind": "class", "customer_id": _customer(), "class_id": klass["id"],
        "campus_id": "c-bj"})).json()
    _pay(enr.db, order)
    id_card = "110105198001010016"
    created = (await enr.client.post("/v1/attendance-registrations", headers=enr.auth("u-alice"),
                                     json={"term_id": klass["term_id"], "card": "new",
                                           "customer_id": order["customer_id"]})).json()
    assert (created["card"], created["remaining_hours"]) == ("new", 10)
    # the fake directory has no customer-service or finance user: their levels in-process
    with enr.db.session() as s:
        from enrollment import models as m
        row = s.get(m.AttendanceRegistration, created["id"])
        from enrollment import personal_ids
        row.id_card_digest = personal_ids.digest(id_card, EnrollmentSettings().id_card_digest_key)
        for user, role in (("u-mgr", "department_manager"), ("u-dir", "director"),
                           ("u-cs", "customer_service"), ("u-fin", "finance")):
            registrations.decide(s, Caller(user, user, (role,), None, None, None,
                                           DataScope.ALL), row, approve=True, note="")
    bad = await enr.client.post("/v1/sign-ins", headers=enr.auth("u-admin"), json={
        "term_id": klass["term_id"], "session_id": "s-1", "lesson_hours": 2,
        "id_card_number": "110105198001010017"})
    assert_problem(bad, 422, "invalid-id-card-number")
    assert "110105198001010017" not in bad.text
    body = {"term_id": klass["term_id"], "session_id": "s-1", "lesson_hours": 2,
            "id_card_number": id_card}
    key = {"Idempotency-Key": f"sign-{uuid.uuid4().hex}"}
    signed = await enr.client.post("/v1/sign-ins", json=body,
                                   headers={**enr.auth("u-admin"), **key})
    assert signed.status_code == 200, signed.text
    assert (signed.json()["already_signed_in"], signed.json()["remaining_hours"],
            signed.json()["registration"]["invitation_stage"]) == (False, 8, "signed_in")
    assert id_card not in signed.text
    replay = await enr.client.post("/v1/sign-ins", json=body,
                                   headers={**enr.auth("u-admin"), **key})
    assert replay.json() == signed.json()
    again = await enr.client.post("/v1/sign-ins", json=body, headers=enr.auth("u-admin"))
    assert (again.json()["attendance_id"], again.json()["already_signed_in"]) == \
        (signed.json()["attendance_id"], True)
    assert_problem(await enr.client.post("/v1/sign-ins", json=body, headers=enr.auth("u-alice")),
                   403, "enrollment-desk-only")
    # the invitation sits in u-cs's queue only
    mine = await enr.client.get("/v1/invitations", headers=enr.auth("u-admin"))
    assert mine.json() == {"items": [], "next_cursor": None}
    assert_problem(await enr.client.post(f"/v1/invitations/{created['id']}/advance",
                                         json={"stage": "attended"}, headers=enr.auth("u-admin")),
                   404, "enrollment-invitation-not-found")
    for bad_number in ("1101051980010100", "11010519800101001A"):
        refused = await enr.client.post("/v1/sign-ins", headers=enr.auth("u-admin"),
                                        json={**body, "id_card_number": bad_number})
        assert_problem(refused, 422, "validation-failed")
        assert bad_number not in refused.text
