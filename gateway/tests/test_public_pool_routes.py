"""The /v1/public-pool and /v1/assignment-rules routes in front of the REAL leads api (an
in-process grpcio server on SQLite that trusts the fake identity's signing key): JSON ↔
protobuf, masking and the personal-data count of pool listings, idempotent claims, the claim
conflict and scope as problem documents, admin-only settings and rules."""
from __future__ import annotations

import datetime as dt

import grpc
import pytest
from contracts.leads import customers_pb2 as cpb
from contracts.leads import customers_pb2_grpc as cpb_grpc
from fakes import assert_problem
from kit import migrate, testing
from kit.access_token import KeySet
from kit.db import Database
from leads import api as leads_api
from leads import models as m
from leads.public_pool.pool import return_to_pool
from leads.settings import LeadsSettings

pytestmark = pytest.mark.anyio

POOL = "/v1/public-pool"
RULES = "/v1/assignment-rules"


@pytest.fixture(scope="module")
def leads_database():
    with testing.sqlite_database() as url:
        migrate.upgrade("leads", url)
        yield url


@pytest.fixture
def real_leads(fake_identity, leads_database):
    """The leads api, verifying tokens with the fake identity's key."""
    db = Database(leads_database)
    keys = KeySet(lambda: {"keys": [fake_identity.minter.jwk]})
    server = leads_api.build_server(LeadsSettings(database_url=leads_database), db,
                                    address="127.0.0.1:0", key_set=keys)
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield f"127.0.0.1:{server.port}", cpb_grpc.CustomerServiceStub(channel), db
    finally:
        channel.close()
        server.stop(0)
        db.dispose()


_PHONE = iter(range(int(dt.datetime.now().timestamp()) % 100_000 * 100, 10**9))


def _pool_customer(fake_identity, stub, db, owner: str, name: str) -> str:
    token = fake_identity.access_token(owner)
    c = stub.CreateCustomer(cpb.CreateCustomerRequest(customer=cpb.CustomerFields(
        name=name, phones=[f"139{next(_PHONE):08d}"], tags=["python"])),
        metadata=(("authorization", f"Bearer {token}"),)).customer
    with db.session() as s:
        return_to_pool(s, s.get(m.Customer, c.id), "no_deal", dt.datetime.now(dt.UTC))
    return c.id


async def test_pool_listing_claim_and_conflicts(harness, fake_identity, real_leads):
    target, stub, db = real_leads
    first = _pool_customer(fake_identity, stub, db, "u-alice", "诸葛亮")
    second = _pool_customer(fake_identity, stub, db, "u-alice", "司马懿")
    async with harness(leads_target=target) as gw:
        bob = gw.auth("u-bob")
        listed = await gw.client.get(POOL, headers=bob, params={"tag": "python", "limit": 200})
        assert listed.status_code == 200, listed.text
        items = {c["id"]: c for c in listed.json()["items"]}
        assert {first, second} <= set(items)
        entry = items[first]
        assert (entry["masked_name"], entry["pool_reason"], entry["tags"]) == (
            "诸**", "no_deal", ["python"])
        assert entry["masked_phone"][:3] == "139" and entry["masked_phone"][3:7] == "****"
        assert_problem(await gw.client.get(POOL, headers=gw.auth("u-sales3"),
                                           params={"reason": "bad"}), 422)
        south = await gw.client.get(POOL, headers=gw.auth("u-sales3"), params={"limit": 200})
        assert not {first, second} & {c["id"] for c in south.json()["items"]}

        # another region: 404, exactly like a missing customer
        assert_problem(await gw.client.post(f"{POOL}/{first}/claim",
                                            headers=gw.auth("u-sales3")),
                       404, "customer-not-found")
        key = {**bob, "Idempotency-Key": "pool-claim-1"}
        claimed = await gw.client.post(f"{POOL}/{first}/claim", headers=key)
        assert claimed.status_code == 200, claimed.text
        assert (claimed.json()["owner_id"], claimed.json()["held"]) == ("u-bob", 1)
        replay = await gw.client.post(f"{POOL}/{first}/claim", headers=key)
        assert replay.json() == claimed.json()
        late = await gw.client.post(f"{POOL}/{first}/claim", headers=gw.auth("u-alice"))
        body = assert_problem(late, 409, "pool-already-claimed")
        assert body["detail_zh"] == "该客户已被他人领取"
        assert body["customer_id"] == first

        # the claimed customer is bob's in full through /v1/customers now
        view = await gw.client.get(f"/v1/customers/{first}", headers=bob)
        assert view.json()["profile"]["name"] == "诸葛亮"


async def test_pool_entries_count_as_customer_reads(harness, fake_identity, real_leads):
    target, stub, db = real_leads
    for name in ("甲乙", "丙丁", "戊己"):
        _pool_customer(fake_identity, stub, db, "u-alice", name)
    async with harness(leads_target=target, freeze_max_reads=2) as gw:
        response = await gw.client.get(POOL, headers=gw.auth("u-bob"), params={"limit": 3})
        assert_problem(response, 403, "account-frozen")


async def test_settings_and_rules_are_for_admins(harness, fake_identity, real_leads):
    target, _stub, _db = real_leads
    async with harness(leads_target=target) as gw:
        admin, alice = gw.auth("u-admin"), gw.auth("u-alice")
        current = await gw.client.get(f"{POOL}/settings", headers=alice)
        assert current.status_code == 200, current.text
        body = {k: current.json()[k] for k in ("enabled", "follow_up_days", "deal_days",
                                                "warning_days", "caps", "version")}
        assert_problem(await gw.client.put(f"{POOL}/settings", headers=alice, json=body),
                       403, "pool-admin-only")
        saved = await gw.client.put(f"{POOL}/settings", headers=admin,
                                    json={**body, "follow_up_days": 20})
        assert saved.status_code == 200, saved.text
        assert (saved.json()["follow_up_days"], saved.json()["version"],
                saved.json()["updated_by"]) == (20, body["version"] + 1, "u-admin")
        stale = await gw.client.put(f"{POOL}/settings", headers=admin, json=body)
        assert_problem(stale, 409, "pool-settings-stale")
        no_default = await gw.client.put(f"{POOL}/settings", headers=admin,
                                         json={**body, "version": body["version"] + 1,
                                               "caps": {"sales": 3}})
        assert_problem(no_default, 422, "invalid-caps")

        rule = {"name": "北京轮流", "strategy": "round_robin", "user_ids": ["u-bob"],
                "match_tags": ["python"]}
        created = await gw.client.post(RULES, headers={**admin, "Idempotency-Key": "r-1"},
                                       json=rule)
        assert created.status_code == 201, created.text
        rule_id = created.json()["id"]
        assert created.headers["location"] == f"{RULES}/{rule_id}"
        assert_problem(await gw.client.post(RULES, headers=admin,
                                            json={**rule, "strategy": "random"}), 422)
        assert_problem(await gw.client.get(RULES, headers=alice), 403, "pool-admin-only")
        dry = await gw.client.post(f"{RULES}/dry-run", headers=admin, json={"leads": [
            {"region": "北京", "tags": ["python"]}, {"tags": ["java"]}]})
        assert dry.status_code == 200, dry.text
        hit, miss = dry.json()["items"]
        # u-bob is not in leads' staff read model here: named, never picked
        assert (hit["outcome"], hit["rule_id"], hit["candidates"]) == (
            "no_candidate", rule_id, [{"user_id": "u-bob", "load": hit["candidates"][0]["load"],
                                       "cap": 0, "eligible": False, "note": "unknown"}])
        assert (miss["outcome"], miss["rules"][0]["why"]) == (
            "no_rule", "none of tags ['java'] in ['python']")
        applied = await gw.client.post(f"{RULES}/apply", headers=admin,
                                       json={"customer_ids": ["no-such-customer"]})
        assert [(d["outcome"], d["customer_id"]) for d in applied.json()["items"]] == [
            ("not_found", "no-such-customer")]
        assert_problem(await gw.client.post(f"{RULES}/apply", headers=admin,
                                            json={"customer_ids": []}), 422)
        changed = await gw.client.put(f"{RULES}/{rule_id}", headers=admin,
                                      json={**rule, "name": "改名", "version": 1})
        assert (changed.json()["name"], changed.json()["version"]) == ("改名", 2)
        deleted = await gw.client.delete(f"{RULES}/{rule_id}", headers=admin)
        assert deleted.json() == {"id": rule_id, "deleted": True}
        assert_problem(await gw.client.delete(f"{RULES}/{rule_id}", headers=admin), 404,
                       "assignment-rule-not-found")
