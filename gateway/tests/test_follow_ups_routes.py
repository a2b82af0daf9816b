"""The follow-ups routes (/v1/customers/{id}/follow-ups, /v1/follow-up-types,
/v1/follow-up-plans, /v1/to-do) through the gateway in front of the REAL leads api
(in-process grpcio server on a throw-away SQLite database, tokens of the fake identity):
JSON <-> protobuf, idempotency, problem documents, and the data scope (another salesperson's
customer is 404, never data)."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from fakes import assert_problem
from kit import migrate, testing
from kit.access_token import KeySet
from kit.db import Database
from leads import api as leads_api
from leads import models as m
from leads.settings import LeadsSettings
from sqlalchemy import select

pytestmark = pytest.mark.anyio

PLANS = "/v1/follow-up-plans"


@pytest.fixture(scope="module")
def leads_db():
    with testing.sqlite_database() as url:
        migrate.upgrade("leads", url)
        yield url


@pytest.fixture
def leads(identity_server, leads_db):
    """The real leads api, verifying the fake identity's tokens; staff in its read model."""
    fake, _ = identity_server
    db = Database(leads_db)
    with db.session() as s:
        for user in fake.users.values():
            row = s.get(m.StaffMember, user.id) or m.StaffMember(user_id=user.id)
            row.username, row.roles = user.username, list(user.roles)
            row.department_id, row.region_id = user.department_id, user.region_id
            s.add(row)
    key_set = KeySet(lambda: json.loads(fake.minter.jwks()))
    server = leads_api.build_server(LeadsSettings(database_url=leads_db), db,
                                    address="127.0.0.1:0", key_set=key_set)
    try:
        yield server.port, db
    finally:
        server.stop(0)
        db.dispose()


@pytest.fixture
async def gw(harness, leads):
    port, db = leads
    async with harness(leads_target=f"127.0.0.1:{port}") as h:
        h.leads_db = db
        yield h


_numbers = iter(range(10_000_000, 20_000_000, 7))


async def new_customer(gw, user: str) -> str:
    response = await gw.client.post("/v1/customers", headers=gw.auth(user), json={
        "name": "赵六", "phone": f"139{next(_numbers):08d}"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def soon(**delta) -> str:
    return iso(dt.datetime.now(dt.UTC) + dt.timedelta(**delta))


def outbox(db, event_type: str, subject: str) -> list[dict]:
    with db.session() as s:
        return [json.loads(p)["data"] for p in s.scalars(
            select(m.OUTBOX.c.payload).where(m.OUTBOX.c.event_type == event_type,
                                             m.OUTBOX.c.subject == subject))]


async def test_record_and_list_follow_ups(gw):
    c = await new_customer(gw, "u-alice")
    body = {"type": "call", "content": "第一次电话\n聊了课程", "outcome": "有兴趣",
            "occurred_at": soon(hours=-2)}
    created = await gw.client.post(f"/v1/customers/{c}/follow-ups", headers=gw.auth("u-alice"),
                                   json=body)
    assert created.status_code == 201, created.text
    f = created.json()
    assert (f["customer_id"], f["type"], f["content"], f["outcome"], f["plan_id"]) == (
        c, "call", "第一次电话\n聊了课程", "有兴趣", None)
    assert f["recorded_by"]["user_id"] == "u-alice"
    second = (await gw.client.post(f"/v1/customers/{c}/follow-ups", headers=gw.auth("u-alice"),
                                   json={"type": "visit", "content": "到校"})).json()
    listed = await gw.client.get(f"/v1/customers/{c}/follow-ups?limit=1",
                                 headers=gw.auth("u-manager1"))
    assert listed.status_code == 200
    page1 = listed.json()
    assert [i["id"] for i in page1["items"]] == [second["id"]]
    page2 = (await gw.client.get(f"/v1/customers/{c}/follow-ups",
                                 params={"limit": 1, "cursor": page1["next_cursor"]},
                                 headers=gw.auth("u-manager1"))).json()
    assert ([i["id"] for i in page2["items"]], page2["next_cursor"]) == ([f["id"]], None)


async def test_another_salesperson_s_customer_is_404(gw):
    c = await new_customer(gw, "u-alice")
    plan = (await gw.client.post(PLANS, headers=gw.auth("u-alice"), json={
        "customer_id": c, "due_at": soon(hours=3), "type": "call"})).json()["plan"]
    for method, path, body in (
        ("GET", f"/v1/customers/{c}/follow-ups", None),
        ("POST", f"/v1/customers/{c}/follow-ups", {"type": "call", "content": "x"}),
        ("POST", PLANS, {"customer_id": c, "due_at": soon(hours=3), "type": "call"}),
        ("GET", f"{PLANS}?customer_id={c}", None),
    ):
        response = await gw.client.request(method, path, headers=gw.auth("u-bob"), json=body)
        assert_problem(response, 404, "customer-not-found")
    for method, path, body in (
        ("GET", f"{PLANS}/{plan['id']}", None),
        ("POST", f"{PLANS}/{plan['id']}/cancel", None),
        ("POST", f"{PLANS}/{plan['id']}/complete", {"content": "x"}),
    ):
        response = await gw.client.request(method, path, headers=gw.auth("u-sales3"),
                                           json=body)
        assert_problem(response, 404, "plan-not-found")
    listed = (await gw.client.get(PLANS, headers=gw.auth("u-bob"))).json()
    assert plan["id"] not in [p["id"] for p in listed["items"]]


async def test_plans_walk(gw):
    """Alice plans, the manager plans too (and sees Alice's), they merge, Alice delegates to
    Bob, Bob completes it by recording the call; the statistics count it."""
    c = await new_customer(gw, "u-alice")
    first = await gw.client.post(PLANS, headers=gw.auth("u-alice"), json={
        "customer_id": c, "due_at": soon(hours=4), "type": "call", "note": "问报名"})
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"{PLANS}/{first.json()['plan']['id']}"
    alices = first.json()["plan"]
    assert first.json()["other_open_plans"] == []
    second = (await gw.client.post(PLANS, headers=gw.auth("u-manager1"), json={
        "customer_id": c, "due_at": soon(hours=2), "type": "visit", "note": "问续费"})).json()
    assert [p["id"] for p in second["other_open_plans"]] == [alices["id"]]
    merged = await gw.client.post(f"{PLANS}/merge", headers=gw.auth("u-alice"), json={
        "plan_ids": [alices["id"], second["plan"]["id"]], "into_plan_id": alices["id"]})
    assert merged.status_code == 200, merged.text
    assert merged.json()["merged_plan_ids"] == [second["plan"]["id"]]
    assert [r["user_id"] for r in merged.json()["plan"]["requesters"]] == [
        "u-alice", "u-manager1"]
    delegated = await gw.client.post(f"{PLANS}/{alices['id']}/delegate",
                                     headers=gw.auth("u-alice"), json={"to_user_id": "u-bob"})
    assert delegated.status_code == 200, delegated.text
    assert delegated.json()["owner"]["user_id"] == "u-bob"
    foreign = await gw.client.post(f"{PLANS}/{alices['id']}/delegate",
                                   headers=gw.auth("u-bob"), json={"to_user_id": "u-sales3"})
    assert_problem(foreign, 404, "staff-not-found")
    done = await gw.client.post(f"{PLANS}/{alices['id']}/complete", headers=gw.auth("u-bob"),
                                json={"content": "打过了", "outcome": "约了试听"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["plan"]["status"], body["follow_up"]["plan_id"], body["follow_up"]["type"]) == (
        "completed", alices["id"], "call")  # the survivor's type, the merged one's due time
    stats = await gw.client.get(f"{PLANS}/statistics", headers=gw.auth("u-manager1"),
                                params={"user_id": "u-bob"})
    assert stats.status_code == 200, stats.text
    today = [r for r in stats.json()["items"] if r["follow_ups"]]
    assert [(r["user_id"], r["follow_ups"]) for r in today] == [("u-bob", 1)]
    assert stats.json()["time_zone"] == "Asia/Shanghai"
    cancelled = await gw.client.post(f"{PLANS}/{alices['id']}/cancel",
                                     headers=gw.auth("u-bob"))
    assert_problem(cancelled, 409, "plan-not-open")


async def test_to_do_and_idempotent_writes(gw):
    c = await new_customer(gw, "u-bob")
    key = {"Idempotency-Key": f"plan-{uuid.uuid4()}"}
    body = {"customer_id": c, "due_at": soon(hours=1), "type": "call"}
    first = await gw.client.post(PLANS, headers={**gw.auth("u-bob"), **key}, json=body)
    again = await gw.client.post(PLANS, headers={**gw.auth("u-bob"), **key}, json=body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["plan"]["id"] == again.json()["plan"]["id"]
    plan_id = first.json()["plan"]["id"]
    assert len(outbox(gw.leads_db, "crm.leads.follow_up_plan.created.v1", c)) == 1
    with gw.leads_db.session() as s:  # overdue now (the api refuses a past due time)
        s.get(m.FollowUpPlan, plan_id).due_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    todo = await gw.client.get("/v1/to-do", headers=gw.auth("u-bob"))
    assert todo.status_code == 200
    [item] = [i for i in todo.json()["items"] if i["id"] == plan_id]
    assert (item["kind"], item["customer_id"], item["overdue"], item["plan"]["status"]) == (
        "follow_up_plan", c, True, "open")
    assert plan_id not in [i["id"] for i in (await gw.client.get(
        "/v1/to-do", headers=gw.auth("u-alice"))).json()["items"]]


async def test_types_and_bad_input(gw):
    c = await new_customer(gw, "u-alice")
    refused = await gw.client.put("/v1/follow-up-types/wechat_voice",
                                  headers=gw.auth("u-alice"), json={"name": "微信语音"})
    assert_problem(refused, 403, "follow-up-type-admin-only")
    defined = await gw.client.put("/v1/follow-up-types/wechat_voice",
                                  headers=gw.auth("u-admin"), json={"name": "微信语音"})
    assert defined.status_code == 200, defined.text
    assert defined.json() == {"code": "wechat_voice", "name": "微信语音", "built_in": False,
                              "active": True}
    types = (await gw.client.get("/v1/follow-up-types", headers=gw.auth("u-alice"))).json()
    assert [t["code"] for t in types["items"]][-1] == "wechat_voice"
    recorded = await gw.client.post(f"/v1/customers/{c}/follow-ups", headers=gw.auth("u-alice"),
                                    json={"type": "wechat_voice", "content": "语音"})
    assert recorded.status_code == 201
    # refused here, before anything is forwarded
    for body in ({"type": "Call", "content": "x"}, {"type": "call", "content": ""},
                 {"type": "call", "content": "a\x00b"},
                 {"type": "call", "content": "x", "surprise": 1},
                 {"type": "call", "content": "x", "occurred_at": "2026-01-01T00:00:00"}):
        response = await gw.client.post(f"/v1/customers/{c}/follow-ups",
                                        headers=gw.auth("u-alice"), json=body)
        assert_problem(response, 422, "validation-failed")
    # refused by the service
    unknown = await gw.client.post(f"/v1/customers/{c}/follow-ups", headers=gw.auth("u-alice"),
                                   json={"type": "fax", "content": "x"})
    assert_problem(unknown, 422, "invalid-type")
    future = await gw.client.post(f"/v1/customers/{c}/follow-ups", headers=gw.auth("u-alice"),
                                  json={"type": "call", "content": "x",
                                        "occurred_at": soon(hours=1)})
    assert_problem(future, 422, "invalid-occurred-at")
    past_plan = await gw.client.post(PLANS, headers=gw.auth("u-alice"), json={
        "customer_id": c, "due_at": soon(days=-1), "type": "call"})
    assert_problem(past_plan, 422, "invalid-due-at")
    stats = await gw.client.get(f"{PLANS}/statistics?from=2026-01-01&to=2026-12-31",
                                headers=gw.auth("u-alice"))
    assert_problem(stats, 422, "invalid-to")


async def test_customer_view_sections_for_the_360_view():
    """What customers' GET /v1/customers/{id} adds once GetCustomer carries the message."""
    from contracts.leads import follow_ups_pb2 as pb
    from gateway.routes.follow_ups import customer_view_sections

    view = pb.CustomerFollowUps(
        follow_ups=[pb.FollowUp(id="f-1", customer_id="c-1", type="call", content="x",
                                recorded_by=pb.Person(user_id="u-1", name="alice"))],
        open_plans=[pb.FollowUpPlan(id="p-1", customer_id="c-1", type="visit", status="open",
                                    owner=pb.Person(user_id="u-2"))])
    sections = customer_view_sections(view)
    assert list(sections) == ["follow_ups", "plans"]
    assert [(f["id"], f["recorded_by"]["user_id"], f["plan_id"]) for f in
            sections["follow_ups"]] == [("f-1", "u-1", None)]
    assert [(p["id"], p["owner"]["user_id"], p["due_at"]) for p in sections["plans"]] == [
        ("p-1", "u-2", None)]
