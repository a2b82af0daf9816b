"""Freeze by what was read: personal-data records (not requests) are counted, per kind of
data, against a limit set per role; the request that passes the limit is refused."""
from __future__ import annotations

import asyncio

import pytest
from fakes import assert_problem, wait_until
from fastapi import FastAPI
from gateway.personal_reads import DataKind, ReadLimitsError, parse_read_limits
from gateway.routes.deps import Auth, count_personal_records

pytestmark = pytest.mark.anyio


# Readers who really see several people (fakes/directory.py; the fake answers like identity):
# the department manager sees their department, north-bj-sales, of exactly four people
# (manager1, alice, bob, frosty); the administrator sees all nine accounts.
MANAGER = "u-manager1"


async def list_users(gw, user: str, limit: int):
    return await gw.client.get("/v1/users", params={"limit": limit}, headers=gw.auth(user))


async def test_records_are_counted_not_requests(harness):
    async with harness(freeze_max_reads=10) as gw:
        # The manager's department has 4 people: pages of 4, 4 and 2 records reach the limit
        # exactly.
        for limit, count in ((4, 4), (4, 4), (2, 2)):
            page = await list_users(gw, MANAGER, limit)
            assert page.status_code == 200, page.text
            assert len(page.json()["items"]) == count
        assert gw.fake.calls_to("FreezeUser") == []
        # The 11th record (a single get of a colleague the manager sees) passes the limit:
        # refused, and the manager is frozen.
        assert_problem(await gw.client.get("/v1/users/u-bob", headers=gw.auth(MANAGER)), 403,
                       "account-frozen")
        (call,) = gw.fake.calls_to("FreezeUser")
        assert call.request.user_id == MANAGER and call.request.automatic
        assert "more than 10 staff records in 60 s" in call.request.reason
        assert_problem(await gw.client.get("/v1/me", headers=gw.auth(MANAGER)), 403,
                       "account-frozen")


async def test_concurrent_pages_freeze_exactly_once(harness):
    async with harness(freeze_max_reads=10, user_rate_limit=10_000) as gw:
        tokens = [gw.auth(MANAGER) for _ in range(3)]
        responses = await asyncio.gather(*(
            gw.client.get("/v1/users", params={"limit": 4}, headers=tokens[i % 3])
            for i in range(30)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 200] + [403] * 28, statuses  # 4 + 4 records, then over
        assert len(gw.fake.calls_to("FreezeUser")) == 1
        await wait_until(lambda: len(gw.audit.records) >= 31)
        assert len([r for r in gw.audit.records if r["action"] == "security.auto_freeze"]) == 1


async def test_the_page_that_passes_the_limit_is_not_sent(harness):
    async with harness(freeze_max_reads=6) as gw:
        first = await list_users(gw, MANAGER, 200)
        assert first.status_code == 200 and len(first.json()["items"]) == 4  # 4 records
        assert "alice" in first.text                # what a page of the department shows
        refused = await list_users(gw, MANAGER, 200)                          # 8 > 6
        body = assert_problem(refused, 403, "account-frozen")
        assert "items" not in body and "alice" not in refused.text
        assert len(gw.fake.calls_to("ListUsers")) == 2  # identity was asked; nothing was sent
        assert len(gw.fake.calls_to("FreezeUser")) == 1
        # One freeze decision in the audit log, on the request that was refused.
        await _wait_for_decision(gw)
        (decision,) = [r for r in gw.audit.records if r["action"] == "security.auto_freeze"]
        assert decision["detail"]["kind"] == "staff" and decision["detail"]["limit"] == 6
        assert decision["correlation_id"] == body["correlation_id"]


async def _wait_for_decision(gw):
    await wait_until(lambda: any(r["action"] == "security.auto_freeze"
                                 for r in gw.audit.records))


LIMITS = ("staff:*=10", "staff:admin=100", "customer:*=5", "customer:admin=50")


async def test_an_administrator_pages_the_directory_at_their_own_limit(harness):
    async with harness(freeze_read_limits=LIMITS) as gw:
        # The case: the administrator pages /v1/users sixteen times (64 records:
        # far past the staff default of 10, within the administrator's 100).
        for _ in range(16):
            page = await list_users(gw, "u-admin", 4)
            assert page.status_code == 200 and len(page.json()["items"]) == 4, page.text
        # A manager (no staff limit of their own) reading their part of the directory meets
        # the staff default (10) on page 3 (4 + 4 + 4 records).
        for _ in range(2):
            page = await list_users(gw, MANAGER, 200)
            assert page.status_code == 200 and len(page.json()["items"]) == 4, page.text
        assert_problem(await list_users(gw, MANAGER, 200), 403, "account-frozen")
        assert [c.request.user_id for c in gw.fake.calls_to("FreezeUser")] == [MANAGER]


async def test_default_limits_let_an_administrator_page_the_directory(harness):
    async with harness() as gw:
        for _ in range(16):
            assert (await list_users(gw, "u-admin", 200)).status_code == 200
        assert gw.fake.calls_to("FreezeUser") == []


def add_customer_list(app: FastAPI) -> None:
    """A customer list as the leads service's routes will write it: fetch, count, return."""
    async def customers(auth: Auth, n: int = 1) -> dict:
        rows = [{"id": f"c-{i}", "phone": "138****0000"} for i in range(n)]
        await count_personal_records(auth, DataKind.CUSTOMER, len(rows))
        return {"items": rows}

    app.add_api_route("/test/customers", customers, methods=["GET"], name="test.customers")


async def test_a_sales_user_reading_customers_fast_is_frozen(harness):
    async with harness(freeze_read_limits=LIMITS) as gw:
        add_customer_list(gw.app)
        # Kinds are counted apart: alice's staff reads leave her customer budget alone.
        assert (await list_users(gw, "u-alice", 200)).status_code == 200
        assert (await gw.client.get("/test/customers", params={"n": 5},
                                    headers=gw.auth("u-alice"))).status_code == 200
        assert_problem(await gw.client.get("/test/customers", params={"n": 1},
                                           headers=gw.auth("u-alice")), 403, "account-frozen")
        (call,) = gw.fake.calls_to("FreezeUser")
        assert call.request.user_id == "u-alice"
        assert "more than 5 customer records" in call.request.reason
        # The administrator's customer limit is their own (50).
        response = await gw.client.get("/test/customers", params={"n": 50},
                                       headers=gw.auth("u-admin"))
        assert response.status_code == 200 and len(gw.fake.calls_to("FreezeUser")) == 1


async def test_unfreeze_forgets_the_records_read(harness):
    async with harness(freeze_max_reads=4) as gw:
        page = await list_users(gw, MANAGER, 4)
        assert page.status_code == 200 and len(page.json()["items"]) == 4, page.text
        assert_problem(await list_users(gw, MANAGER, 1), 403, "account-frozen")
        # The gateway records the automatic freeze at identity in the background; the
        # administrator unfreezes a user identity knows frozen.
        await wait_until(lambda: len(gw.fake.calls_to("FreezeUser")) == 1)
        unfreeze = await gw.client.post(f"/v1/users/{MANAGER}/unfreeze",
                                        headers=gw.auth("u-admin"))
        assert unfreeze.status_code == 200, unfreeze.text
        # Had the 5 records read before the freeze been kept, 4 more would pass the limit.
        page = await list_users(gw, MANAGER, 4)
        assert page.status_code == 200 and len(page.json()["items"]) == 4, page.text
        assert len(gw.fake.calls_to("FreezeUser")) == 1


def test_read_limit_settings():
    limits = parse_read_limits(("staff:*=10", "staff:admin=100", "customer:*=5",
                                "customer:sales=7"), window_seconds=60)
    assert limits.for_roles(("sales",), DataKind.STAFF) == 10
    assert limits.for_roles(("admin", "sales"), DataKind.STAFF) == 100  # the highest role
    assert limits.for_roles(("sales",), DataKind.CUSTOMER) == 7
    assert limits.for_roles((), DataKind.CUSTOMER) == 5
    every = parse_read_limits(("staff:*=10", "customer:*=5"), window_seconds=60, every_limit=3)
    assert every.for_roles(("admin",), DataKind.STAFF) == 3
    for bad in (("staff:*=10",), ("staff:*=10", "customer:*=x"), ("staff:*=1", "pets:*=2",
                                                                  "customer:*=1"),
                ("staff:=1", "customer:*=1"), ("staff:*=0", "customer:*=1")):
        with pytest.raises(ReadLimitsError):
            parse_read_limits(bad, window_seconds=60)
