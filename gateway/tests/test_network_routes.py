"""The network routes (channels, referrals, activities, service requests, surveys) through
the gateway in front of the REAL leads api (in-process, SQLite) with the fake identity's
tokens: JSON <-> protobuf, problem documents, idempotency, and the data scope (another
region's channel, activity or service request is 404, never its data)."""
from __future__ import annotations

import json
import uuid

import pytest
from fakes import assert_problem
from kit import migrate, testing
from kit.access_token import KeySet
from kit.db import Database
from leads import api
from leads.settings import LeadsSettings

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def leads_target(identity_server):
    """The real leads api, trusting the fake identity's signing key."""
    fake, _ = identity_server
    with testing.sqlite_database() as url:
        migrate.upgrade("leads", url)
        db = Database(url)
        server = api.build_server(LeadsSettings(database_url=url), db, address="127.0.0.1:0",
                                  key_set=KeySet(lambda: json.loads(fake.minter.jwks())))
        try:
            yield f"127.0.0.1:{server.port}"
        finally:
            server.stop(0)
            db.dispose()


@pytest.fixture
async def gwn(harness, leads_target):
    async with harness(leads_target=leads_target) as h:
        yield h


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def _post(h, path: str, user: str, body: dict | None = None, **headers):
    return await h.client.post(path, json=body, headers={**h.auth(f"u-{user}"), **_key(),
                                                         **headers})


async def _get(h, path: str, user: str, **params):
    return await h.client.get(path, params=params, headers=h.auth(f"u-{user}"))


_PHONES = iter(range(10_000, 99_999))


async def _customer(h, user: str, **fields) -> str:
    response = await _post(h, "/v1/customers", user, {
        "name": "客户", "phone": f"137{next(_PHONES):08d}", **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_channels_crud_tree_and_region_scope(gwn):
    tiers = await _get(gwn, "/v1/channels/tiers", "alice")
    assert [t["code"] for t in tiers.json()][:2] == ["hq", "provincial_partner"]
    key = _key()
    body = {"name": "北京省级合伙人", "tier": "provincial_partner", "contact_name": "钱总",
            "contact_phone": "139 2000 0001"}
    first = await gwn.client.post("/v1/channels", json=body,
                                  headers={**gwn.auth("u-director1"), **key})
    assert first.status_code == 201, first.text
    channel = first.json()
    assert first.headers["location"] == f"/v1/channels/{channel['id']}"
    assert (channel["region_id"], channel["owner_id"], channel["contact_phone"]) == (
        "ou-north", "u-director1", "+8613920000001")
    again = await gwn.client.post("/v1/channels", json=body,
                                  headers={**gwn.auth("u-director1"), **key})
    assert (again.status_code, again.json()["id"]) == (201, channel["id"])
    child = await _post(gwn, "/v1/channels", "director1",
                        {"name": "朝阳城市合伙人", "tier": "city_partner",
                         "parent_id": channel["id"]})
    assert child.status_code == 201
    # no cycles: the province under its own child
    looped = await gwn.client.patch(f"/v1/channels/{channel['id']}",
                                    json={"parent_id": child.json()["id"]},
                                    headers={**gwn.auth("u-director1"), **_key()})
    assert_problem(looped, 422, "invalid-parent-id")
    tree = await _get(gwn, "/v1/channels/tree", "alice", root_id=channel["id"])
    assert [(n["channel"]["id"], n["depth"]) for n in tree.json()["nodes"]] == [
        (channel["id"], 0), (child.json()["id"], 1)]
    # alice (a seller of North) reads it with the contact masked; the South never sees it
    seen = await _get(gwn, f"/v1/channels/{channel['id']}", "alice")
    assert (seen.json()["contact_phone"], seen.json()["personal_data_masked"]) == (
        "139****0001", True)
    for user in ("director2", "sales3"):
        assert_problem(await _get(gwn, f"/v1/channels/{channel['id']}", user), 404,
                       "channel-not-found")
        listed = await _get(gwn, "/v1/channels", user, limit=200)
        assert channel["id"] not in [c["id"] for c in listed.json()["items"]]
        visit = await _post(gwn, f"/v1/channels/{channel['id']}/visits", user,
                            {"notes": "路过"})
        assert_problem(visit, 404, "channel-not-found")
    visit = await _post(gwn, f"/v1/channels/{channel['id']}/visits", "alice",
                        {"notes": "拜访\n续约"})
    assert (visit.status_code, visit.json()["visitor_id"]) == (201, "u-alice")
    visits = await _get(gwn, f"/v1/channels/{channel['id']}/visits", "director1")
    assert [v["id"] for v in visits.json()["items"]] == [visit.json()["id"]]
    # a seller does not manage channels; unknown body members are refused
    assert_problem(await _post(gwn, "/v1/channels", "alice", {"name": "x", "tier": "hq"}),
                   403, "network-write-denied")
    assert_problem(await _post(gwn, "/v1/channels", "director1",
                               {"name": "x", "tier": "hq", "level": 1}),
                   422, "validation-failed")


async def test_activities_registrations_statistics_and_scope(gwn):
    created = await _post(gwn, "/v1/activities", "manager1", {
        "kind": "open_class", "name": "公开课", "starts_at": "2026-12-05T06:00:00Z",
        "ends_at": "2026-12-05T09:00:00Z", "budget_fen": 200_000})
    assert created.status_code == 201, created.text
    activity = created.json()
    assert (activity["budget_fen"], activity["region_id"]) == (200_000, "ou-north")
    path = f"/v1/activities/{activity['id']}"
    for user in ("director2", "sales3"):
        assert_problem(await _get(gwn, path, user), 404, "activity-not-found")
        assert_problem(await _get(gwn, f"{path}/statistics", user), 404, "activity-not-found")
    people = [await _customer(gwn, "alice") for _ in range(2)]
    for cid in people:
        reg = await _post(gwn, f"{path}/registrations", "alice", {"customer_id": cid})
        assert (reg.status_code, reg.json()["customer_id"]) == (201, cid)
    again = await _post(gwn, f"{path}/registrations", "alice", {"customer_id": people[0]})
    assert_problem(again, 409, "registration-exists")
    marked = await _post(gwn, f"{path}/registrations/{people[0]}/attendance", "alice",
                         {"attended": True})
    assert (marked.status_code, marked.json()["attended"]) == (200, True)
    stats = (await _get(gwn, f"{path}/statistics", "manager1")).json()
    assert (stats["registered"], stats["attended"], stats["attendance_rate"],
            stats["cost_per_attendee_fen"]) == (2, 1, 0.5, 200_000)
    listed = await _get(gwn, f"{path}/registrations", "bob")
    assert listed.json()["items"] == []   # bob sees none of alice's customers
    # the customer's campaign history: their own list and the 360° view's section
    history = (await _get(gwn, f"/v1/customers/{people[0]}/activities", "alice")).json()
    assert [(h["activity_id"], h["activity_name"], h["attended"]) for h in history["items"]] \
        == [(activity["id"], "公开课", True)]
    view = (await _get(gwn, f"/v1/customers/{people[0]}", "alice")).json()
    assert [h["activity_id"] for h in view["campaign_history"]["registrations"]] == [
        activity["id"]]
    assert_problem(await _get(gwn, f"/v1/customers/{people[0]}/activities", "bob"), 404,
                   "customer-not-found")
    bad = await _post(gwn, "/v1/activities", "manager1", {
        "kind": "open_class", "name": "x", "starts_at": "2026-12-05T06:00:00Z",
        "ends_at": "2026-12-05T09:00:00Z", "budget_fen": -1})
    assert_problem(bad, 422, "validation-failed")
    patched = await gwn.client.patch(path, json={"cancelled": True},
                                     headers={**gwn.auth("u-manager1"), **_key()})
    assert (patched.status_code, patched.json()["cancelled"]) == (200, True)
    # used: refused; another region's: 404; a mistake: gone
    in_use = await gwn.client.delete(path, headers={**gwn.auth("u-manager1"), **_key()})
    assert_problem(in_use, 409, "activity-in-use")
    mistake = await _post(gwn, "/v1/activities", "manager1", {
        "kind": "sms_campaign", "name": "误建", "starts_at": "2026-12-05T06:00:00Z",
        "ends_at": "2026-12-05T06:00:00Z"})
    gone_path = f"/v1/activities/{mistake.json()['id']}"
    assert_problem(await gwn.client.delete(gone_path, headers={
        **gwn.auth("u-director2"), **_key()}), 404, "activity-not-found")
    gone = await gwn.client.delete(gone_path, headers={**gwn.auth("u-manager1"), **_key()})
    assert gone.status_code == 204
    assert_problem(await _get(gwn, gone_path, "manager1"), 404, "activity-not-found")


async def test_service_requests_ownership_actions_and_scope(gwn):
    cid = await _customer(gwn, "alice")
    created = await _post(gwn, "/v1/service-requests", "alice", {
        "customer_id": cid, "kind": "complaint", "priority": "urgent", "subject": "退费慢"})
    assert created.status_code == 201, created.text
    sr = created.json()
    assert (sr["owner"]["user_id"], sr["status"], sr["overdue"]) == ("u-alice", "open", False)
    path = f"/v1/service-requests/{sr['id']}"
    for user in ("sales3", "director2", "bob"):
        assert_problem(await _get(gwn, path, user), 404, "service-request-not-found")
        assert_problem(await _post(gwn, f"{path}/start", user), 404,
                       "service-request-not-found")
    # the manager sees it but does not work it in alice's place
    assert (await _get(gwn, path, "manager1")).status_code == 200
    assert_problem(await _post(gwn, f"{path}/resolve", "manager1", {"note": "x"}), 403,
                   "service-request-not-owner")
    assert (await _post(gwn, f"{path}/start", "alice")).json()["status"] == "in_progress"
    assert_problem(await _post(gwn, f"{path}/resolve", "alice"), 422, "invalid-note")
    resolved = await _post(gwn, f"{path}/resolve", "alice", {"note": "已退费"})
    assert (resolved.json()["status"], resolved.json()["resolution"]) == ("resolved", "已退费")
    assert_problem(await _post(gwn, f"{path}/start", "alice"), 409,
                   "service-request-bad-status")
    assert (await _post(gwn, f"{path}/close", "manager1")).json()["status"] == "closed"
    assert (await gwn.client.post(f"{path}/archive", headers={
        **gwn.auth("u-alice"), **_key()})).status_code == 422
    mine = await _get(gwn, "/v1/service-requests", "alice", customer_id=cid)
    assert [x["id"] for x in mine.json()["items"]] == [sr["id"]]


async def test_referrals_and_surveys(gwn):
    referrer, referred = await _customer(gwn, "bob"), await _customer(gwn, "bob")
    made = await _post(gwn, "/v1/referrals", "bob", {"referrer_id": referrer,
                                                     "referred_id": referred})
    assert (made.status_code, made.json()["referred_stage"]) == (201, "lead")
    assert_problem(await _post(gwn, "/v1/referrals", "bob", {
        "referrer_id": referred, "referred_id": referrer}), 409, "referral-cycle")
    assert_problem(await _post(gwn, "/v1/referrals", "alice", {
        "referrer_id": referrer, "referred_id": await _customer(gwn, "alice")}), 404,
        "customer-not-found")
    view = (await _get(gwn, f"/v1/customers/{referred}", "bob")).json()
    assert view["referrals"]["referred_by"]["referrer_id"] == referrer
    view = (await _get(gwn, f"/v1/customers/{referrer}", "bob")).json()
    assert ([r["referred_id"] for r in view["referrals"]["referred"]],
            view["referrals"]["referred_by"]) == ([referred], None)
    ranking = await _get(gwn, "/v1/referrals/rankings", "bob", period="all")
    assert [(r["referrer_id"], r["actual"]) for r in ranking.json()["referrers"]] == [
        (referrer, 1)]
    assert_problem(await _get(gwn, "/v1/referrals/rankings", "bob", period="2026-13"), 422,
                   "validation-failed")
    survey = await _post(gwn, "/v1/surveys", "manager1", {
        "title": "满意度", "questions": [{"kind": "rating", "text": "满意吗", "required": True},
                                      {"kind": "single_choice", "text": "来源",
                                       "options": ["朋友", "广告"]}]})
    assert survey.status_code == 201, survey.text
    sid = survey.json()["id"]
    answered = await _post(gwn, f"/v1/surveys/{sid}/answers", "bob", {
        "customer_id": referrer, "answers": [{"question_id": "q1", "rating": 4},
                                             {"question_id": "q2", "choices": ["朋友"]}]})
    assert answered.status_code == 201, answered.text
    stats = (await _get(gwn, f"/v1/surveys/{sid}/statistics", "manager1")).json()
    assert (stats["responses"], stats["average_rating"], stats["rating_distribution"]["4"]) \
        == (1, 4.0, 1)
    assert_problem(await _get(gwn, f"/v1/surveys/{sid}", "director2"), 404,
                   "survey-not-found")
    closed = await _post(gwn, f"/v1/surveys/{sid}/close", "manager1")
    assert (closed.status_code, closed.json()["active"]) == (200, False)
    late = await _post(gwn, f"/v1/surveys/{sid}/answers", "bob", {
        "customer_id": referred, "answers": [{"question_id": "q1", "rating": 5}]})
    assert_problem(late, 409, "survey-closed")


async def test_registrations_count_as_customer_records_read(harness, leads_target):
    limits = ("staff:*=1000", "customer:*=1000", "customer:sales=4")
    async with harness(leads_target=leads_target, freeze_read_limits=limits) as h:
        created = await _post(h, "/v1/activities", "manager1", {
            "kind": "demo_class", "name": "演示课", "starts_at": "2026-12-07T06:00:00Z",
            "ends_at": "2026-12-07T08:00:00Z"})
        path = f"/v1/activities/{created.json()['id']}/registrations"
        for _ in range(3):   # the manager registers three of alice's customers
            cid = await _customer(h, "alice")
            assert (await _post(h, path, "manager1", {"customer_id": cid})).status_code == 201
        first = await _get(h, path, "alice")
        assert (first.status_code, len(first.json()["items"])) == (200, 3)
        # three more records take alice past her 4: refused, and she is frozen
        assert_problem(await _get(h, path, "alice"), 403, "account-frozen")
        assert [c.request.user_id for c in h.fake.calls_to("FreezeUser")] == ["u-alice"]
