"""The /v1/customers routes in front of the REAL leads api (in-process grpcio server on a
throw-away SQLite database, verifying the fake identity's tokens): JSON <-> protobuf, the
duplicate 409 with the existing id, 422 for bad numbers, the 360° view, claims, merges,
personal-data read counting, audit targets, and the scope matrix (role × route × owner:
nothing out of scope leaks, it is 404)."""
from __future__ import annotations

import dataclasses
import itertools

import pytest
from fakes import assert_problem, wait_until
from kit import migrate, testing
from kit.db import Database
from kit.grpc_client import identity_key_set
from leads import api as leads_api
from leads.settings import LeadsSettings

pytestmark = pytest.mark.anyio

BASE = "/v1/customers"
_numbers = itertools.count(1)


def new_phone() -> str:
    return f"137{next(_numbers):08d}"


@pytest.fixture(scope="module")
def leads_server(identity_server):
    _fake, identity_target = identity_server
    with testing.sqlite_database("leads-gw.db") as url:
        migrate.upgrade("leads", url)
        db = Database(url)
        server = leads_api.build_server(LeadsSettings(database_url=url), db,
                                        address="127.0.0.1:0",
                                        key_set=identity_key_set(identity_target))
        yield f"127.0.0.1:{server.port}"
        server.stop(0)
        db.dispose()


@pytest.fixture
async def gw(harness, leads_server, fake_identity):
    # a customer-service user (the directory has none): all customers, phones in full
    alice = fake_identity.users["u-alice"]
    fake_identity.users["u-cs1"] = dataclasses.replace(
        alice, id="u-cs1", username="cs1", roles=("customer_service",))
    async with harness(leads_target=leads_server) as gateway:
        yield gateway


async def create(gw, user: str, name: str = "张三", **body) -> dict:
    body.setdefault("phone", new_phone())
    response = await gw.client.post(BASE, json={"name": name, **body}, headers=gw.auth(user))
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_answers_201_with_the_customer_and_audits_its_id(gw):
    phone = new_phone()
    response = await gw.client.post(BASE, headers={**gw.auth("u-alice"),
                                                   "X-Correlation-Id": "corr-create-1"},
                                    json={"name": "张三", "phone": f"+86 {phone}",
                                          "id_card": "11010519491231002x", "gender": "male",
                                          "company": "星辰科技", "tags": ["vip"],
                                          "roles": ["student", "payer"], "region": "北京"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{BASE}/{body['id']}"
    assert body["phones"] == [{"number": f"+86{phone}", "primary": True}]
    assert (body["id_card"], body["birth_date"], body["stage"], body["valid"]) == (
        "11010519491231002X", "1949-12-31", "lead", True)
    assert (body["owner"]["user_id"], body["roles"], body["personal_data_masked"]) == (
        "u-alice", ["student", "payer"], False)
    # the intent is confirmed before the call, the outcome published after it: wait for both
    await wait_until(lambda: len(gw.audit.by_correlation("corr-create-1")) == 2)
    [outcome] = [r for r in gw.audit.by_correlation("corr-create-1")
                 if r.get("phase") == "outcome"]
    assert (outcome["action"], outcome["target_type"], outcome["target_id"]) == (
        "customers.create", "customer", body["id"])


async def test_a_duplicate_is_409_naming_the_existing_customer(gw):
    first = await create(gw, "u-alice", "李四")
    phone = first["phones"][0]["number"]
    same = await gw.client.post(BASE, json={"name": "李四", "phone": phone[3:]},
                                headers=gw.auth("u-bob"))
    problem = assert_problem(same, 409, "customer-duplicate")
    assert problem["existing_customer_id"] == first["id"]
    # bob's department manager... bob himself does not see alice's customers: owner masked
    assert problem["owner"] == {"user_id": None, "name": "al***", "masked": True}
    seen = await gw.client.post(BASE, json={"name": "李四", "phone": phone},
                                headers=gw.auth("u-manager1"))
    assert assert_problem(seen, 409)["owner"] == {"user_id": "u-alice", "name": "alice",
                                                   "masked": False}
    as_claim = await gw.client.post(BASE, json={"name": "李四", "phone": phone,
                                                "on_duplicate": "claim"},
                                    headers=gw.auth("u-sales3"))
    assert as_claim.status_code == 202, as_claim.text
    assert as_claim.json()["existing_customer_id"] == first["id"]
    assert as_claim.json()["claim"]["status"] == "requested"


@pytest.mark.parametrize("body, reason", [
    ({"name": "x", "phone": "10012345678"}, "invalid-phone"),
    ({"name": "x", "phone": "13812345678", "id_card": "110105194912310021"}, "invalid-id-card"),
    ({"name": "x", "phone": "abc"}, "validation-failed"),
    ({"name": "x", "phone": "13812345678", "roles": ["teacher"]}, "validation-failed"),
    ({"name": "x", "phone": "13812345678", "owner_id": "u-bob"}, "validation-failed"),
    ({"name": "x"}, "invalid-phone"),
])
async def test_bad_numbers_and_fields_are_422(gw, body, reason):
    response = await gw.client.post(BASE, json=body, headers=gw.auth("u-alice"))
    problem = assert_problem(response, 422, reason)
    assert "10012345678" not in problem["detail"] and "1101051949" not in problem["detail"]


async def test_the_360_view_and_out_of_scope_is_404_like_missing(gw):
    c = await create(gw, "u-alice", "王五")
    view = await gw.client.get(f"{BASE}/{c['id']}", headers=gw.auth("u-alice"))
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["profile"]["id"] == c["id"] and body["ownership"]["owner"]["user_id"] == "u-alice"
    assert body["ownership"]["pending_claim"] is None
    # A new customer: the leads areas' sections are there and empty; enrollment's and
    # finance's are null until those services feed the view.
    assert {k: body[k] for k in ("follow_ups", "plans", "referrals", "campaign_history",
                                  "enrollments", "payments")} == {
        "follow_ups": {"items": [], "more": False}, "plans": {"items": [], "more": False},
        "referrals": {"referred_by": None, "referred": [], "more_referred": False},
        "campaign_history": {"registrations": [], "more": False},
        "enrollments": None, "payments": None}
    hidden = assert_problem(await gw.client.get(f"{BASE}/{c['id']}",
                                                headers=gw.auth("u-sales3")), 404,
                            "customer-not-found")
    missing = assert_problem(await gw.client.get(f"{BASE}/no-such-id",
                                                 headers=gw.auth("u-sales3")), 404,
                             "customer-not-found")
    assert hidden["detail"].replace(c["id"], "X") == missing["detail"].replace("no-such-id", "X")
    assert "王五" not in str(hidden)


async def test_update_merge_and_claims(gw):
    a = await create(gw, "u-alice", "赵六", company="甲")
    b = await create(gw, "u-bob", "赵 六", company="乙")
    patched = await gw.client.patch(f"{BASE}/{a['id']}", headers=gw.auth("u-alice"),
                                    json={"stage": "prospect", "company": None,
                                          "tags": ["hot"]})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["stage"], patched.json()["company"], patched.json()["tags"]) == (
        "prospect", "", ["hot"])
    merged = await gw.client.post(f"{BASE}/merge", headers=gw.auth("u-manager1"), json={
        "survivor_id": a["id"], "merged_id": b["id"], "field_sources": {"company": "merged"}})
    assert merged.status_code == 200, merged.text
    assert merged.json()["company"] == "乙" and len(merged.json()["phones"]) == 2
    bad = await gw.client.post(f"{BASE}/merge", headers=gw.auth("u-manager1"), json={
        "survivor_id": a["id"], "merged_id": b["id"], "field_sources": {"owner_id": "merged"}})
    assert_problem(bad, 422, "validation-failed")
    # claims: sales3 claims alice's protected customer; manager1 approves
    claim = await gw.client.post(f"{BASE}/{a['id']}/claims", headers=gw.auth("u-sales3"),
                                 json={"note": "客户主动联系"})
    assert claim.status_code == 201, claim.text
    assert claim.json()["status"] == "requested" and "phones" not in claim.json()
    listed = await gw.client.get(f"{BASE}/{a['id']}/claims", headers=gw.auth("u-manager1"),
                                 params={"status": "requested"})
    assert [c["id"] for c in listed.json()["items"]] == [claim.json()["id"]]
    denied = await gw.client.post(f"{BASE}/{a['id']}/claims/{claim.json()['id']}/approve",
                                  headers=gw.auth("u-bob"))
    assert_problem(denied, 403, "claim-not-arbiter")
    approved = await gw.client.post(f"{BASE}/{a['id']}/claims/{claim.json()['id']}/approve",
                                    headers=gw.auth("u-manager1"), json={"note": "同意"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    now = await gw.client.get(f"{BASE}/{a['id']}", headers=gw.auth("u-sales3"))
    assert now.json()["ownership"]["owner"]["user_id"] == "u-sales3"
    assert_problem(await gw.client.get(f"{BASE}/{a['id']}", headers=gw.auth("u-alice")), 404)


async def test_lists_count_every_record_toward_the_read_limit(harness, leads_server):
    async with harness(leads_target=leads_server, freeze_max_reads=3) as gw:
        for _ in range(2):
            await create(gw, "u-bob", "孙七")
        one = await gw.client.get(f"{BASE}", params={"q": "孙七", "limit": 2},
                                  headers=gw.auth("u-bob"))
        assert one.status_code == 200 and len(one.json()["items"]) == 2   # 2 records
        got = await gw.client.get(f"{BASE}/{one.json()['items'][0]['id']}",
                                  headers=gw.auth("u-bob"))
        assert got.status_code == 200                                      # 3 records
        over = await gw.client.get(f"{BASE}", params={"q": "孙七", "limit": 1},
                                   headers=gw.auth("u-bob"))
        assert_problem(over, 403, "account-frozen")                        # the 4th


# --- the scope matrix -----------------------------------------------------------------------

OWNERS = ("u-alice", "u-bob", "u-sales3")
# who sees whose customers (the demo org: alice and bob in Beijing sales, region North;
# sales3 in Guangzhou sales, region South)
SEES = {
    "u-alice": {"u-alice"}, "u-bob": {"u-bob"}, "u-sales3": {"u-sales3"},
    "u-manager1": {"u-alice", "u-bob"}, "u-director1": {"u-alice", "u-bob"},
    "u-director2": {"u-sales3"}, "u-admin": set(OWNERS), "u-gm1": set(OWNERS),
    "u-cs1": set(OWNERS),
}


async def test_scope_matrix_nothing_out_of_scope_leaks(gw):
    marker = f"矩阵{next(_numbers)}"
    made = {owner: await create(gw, owner, marker, company=f"{marker}公司")
            for owner in OWNERS}
    for reader, visible in SEES.items():
        headers = gw.auth(reader)
        listed = await gw.client.get(BASE, params={"q": marker, "limit": 200}, headers=headers)
        assert listed.status_code == 200, listed.text
        assert {c["owner"]["user_id"] for c in listed.json()["items"]} == visible, reader
        for owner, c in made.items():
            phone = c["phones"][0]["number"]
            by_id = await gw.client.get(f"{BASE}/{c['id']}", headers=headers)
            by_phone = await gw.client.get(BASE, params={"phone": phone}, headers=headers)
            by_tail = await gw.client.get(BASE, params={"q": phone[-8:]}, headers=headers)
            claims = await gw.client.get(f"{BASE}/{c['id']}/claims", headers=headers)
            patch = await gw.client.patch(f"{BASE}/{c['id']}", headers=headers,
                                          json={"tags": ["matrix"]})
            if owner in visible:
                assert by_id.status_code == 200 and claims.status_code == 200, reader
                assert patch.status_code == 200, (reader, patch.text)
                assert [x["id"] for x in by_phone.json()["items"]] == [c["id"]]
                assert [x["id"] for x in by_tail.json()["items"]] == [c["id"]]
                shown = by_id.json()["profile"]["phones"][0]["number"]
                full = reader in (owner, "u-admin", "u-gm1", "u-cs1")
                assert shown == (phone if full else f"{phone[3:6]}****{phone[-4:]}"), reader
            else:
                for response in (by_id, claims, patch):
                    body = assert_problem(response, 404, "customer-not-found")
                    # the correlation id is random hex: it may hold any four digits
                    said = str({k: v for k, v in body.items() if k != "correlation_id"})
                    assert marker not in said and phone[-4:] not in said
                assert by_phone.json()["items"] == [] and by_tail.json()["items"] == []
