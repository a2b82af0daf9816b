"""The finance routes in front of the real finance api (in-process, SQLite), with the fake
identity's tokens: JSON ↔ protobuf, money as JSON integers, Idempotency-Key on writes
(replayed, reused with another body refused), roles and data scope as problem documents,
vouchers uploaded and downloaded, the refund chain's first levels."""
from __future__ import annotations

import base64

import pytest
from fakes import assert_problem
from finance import api, orders
from finance.settings import FinanceSettings
from kit import migrate, testing
from kit.access_token import KeySet
from kit.db import Database

pytestmark = pytest.mark.anyio

DEPARTMENT, REGION = "ou-north-bj-sales", "ou-north"


@pytest.fixture(scope="module")
def finance_db():
    with testing.sqlite_database() as url:
        migrate.upgrade("finance", url)
        db = Database(url)
        yield db
        db.dispose()


@pytest.fixture(scope="module")
def finance_server(identity_server, finance_db):
    fake, _target = identity_server
    running = api.build_server(FinanceSettings(database_url=finance_db.url), finance_db,
                               address="127.0.0.1:0", key_set=KeySet(fake.minter.jwks))
    yield f"127.0.0.1:{running.port}"
    running.stop(0)


@pytest.fixture
async def fin(harness, finance_server):
    async with harness(finance_target=finance_server) as gw:
        yield gw


def place(db, order_id: str, customer_id: str, seller: str = "u-alice") -> None:
    with db.session() as s:
        orders.record_placed(s, {
            "order_id": order_id, "customer_id": customer_id, "course_id": "course-pm",
            "campus_id": "campus-bj", "seller_id": seller,
            "seller_department_id": DEPARTMENT, "seller_region_id": REGION,
            "channel_tier": None, "list_price_fen": 300_000, "discount_fen": 0,
            "price_fen": 300_000, "deposit_fen": 30_000, "lesson_hours": 10,
            "commission_ratios": [{"role": "seller", "channel_tier": None, "ratio_bp": 500}],
            "placed_at": "2026-09-01T09:00:00Z"})


async def test_payments_are_idempotent_and_money_is_integer_fen(fin, finance_db):
    place(finance_db, "o-gw-1", "c-gw-1")
    headers = {**fin.auth("u-admin"), "Idempotency-Key": "pay-gw-1"}
    body = {"order_id": "o-gw-1", "kind": "deposit", "amount_fen": 30_000, "method": "wechat"}
    first = await fin.client.post("/v1/payments", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["paid_total_fen"] == 30_000
    again = await fin.client.post("/v1/payments", json=body, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert_problem(await fin.client.post("/v1/payments", json={**body, "amount_fen": 1},
                                         headers=headers), 422, "idempotency-key-reused")
    for bad in ({**body, "amount_fen": 300.5}, {**body, "amount_fen": "300"},
                {**body, "amount_fen": 0}, {**body, "kind": "bonus"}):
        assert_problem(await fin.client.post("/v1/payments", json=bad,
                                             headers={**fin.auth("u-admin"),
                                                      "Idempotency-Key": "pay-gw-bad"}),
                       422, "validation-failed")
    # the service's rules as problems: past the price, and a seller recording money
    over = await fin.client.post("/v1/payments", json={**body, "kind": "instalment",
                                                       "amount_fen": 270_001},
                                 headers={**fin.auth("u-admin"), "Idempotency-Key": "pay-2"})
    assert assert_problem(over, 409, "payment-exceeds-price")["detail_zh"]
    assert_problem(await fin.client.post("/v1/payments", json=body,
                                         headers={**fin.auth("u-alice"),
                                                  "Idempotency-Key": "pay-3"}),
                   403, "finance-forbidden")
    listed = await fin.client.get("/v1/payments", params={"order_id": "o-gw-1"},
                                  headers=fin.auth("u-admin"))
    assert [p["amount_fen"] for p in listed.json()["items"]] == [30_000]


async def test_accounts_keep_to_the_data_scope(fin, finance_db):
    place(finance_db, "o-gw-2", "c-gw-2")
    await fin.client.post("/v1/payments", json={"order_id": "o-gw-2", "kind": "deposit",
                                                "amount_fen": 10_000},
                          headers={**fin.auth("u-admin"), "Idempotency-Key": "pay-gw-2"})
    for user in ("u-alice", "u-manager1", "u-director1", "u-admin"):
        seen = await fin.client.get("/v1/accounts/c-gw-2", headers=fin.auth(user))
        assert seen.status_code == 200, (user, seen.text)
        assert seen.json()["paid_fen"] == 10_000 and seen.json()["prepaid_fen"] == 10_000
    for user in ("u-bob", "u-sales3", "u-director2"):
        assert_problem(await fin.client.get("/v1/accounts/c-gw-2", headers=fin.auth(user)),
                       404, "account-not-found")


async def test_refund_request_and_the_first_levels(fin, finance_db):
    place(finance_db, "o-gw-3", "c-gw-3")
    await fin.client.post("/v1/payments", json={"order_id": "o-gw-3", "kind": "full",
                                                "amount_fen": 300_000},
                          headers={**fin.auth("u-admin"), "Idempotency-Key": "pay-gw-3"})
    quote = await fin.client.get("/v1/refunds/quote", params={"order_id": "o-gw-3"},
                                 headers=fin.auth("u-alice"))
    assert quote.json()["refundable_fen"] == 300_000 and quote.json()["stage"] == "paid"
    # the department manager files it; the order's seller confirms first
    created = await fin.client.post("/v1/refunds", json={"order_id": "o-gw-3",
                                                         "reason": "changed plans"},
                                    headers={**fin.auth("u-manager1"),
                                             "Idempotency-Key": "refund-gw-3"})
    assert created.status_code == 201, created.text
    refund = created.json()
    assert (refund["status"], refund["next_level"], refund["amount_fen"],
            refund["full_refund"]) == ("pending", "seller", 300_000, True)
    approve = f"/v1/refunds/{refund['id']}/approve"
    own = await fin.client.post(approve, json={"note": "mine"},
                                headers={**fin.auth("u-manager1"), "Idempotency-Key": "ap-1"})
    assert_problem(own, 403, "approval-own-request")
    # another seller does not even see the order
    assert_problem(await fin.client.post(approve, json={},
                                         headers={**fin.auth("u-bob"),
                                                  "Idempotency-Key": "ap-2"}),
                   404, "refund-not-found")
    seller = await fin.client.post(approve, json={"note": "ok"},
                                   headers={**fin.auth("u-alice"), "Idempotency-Key": "ap-3"})
    assert seller.status_code == 200 and seller.json()["next_level"] == "department_head"
    head = await fin.client.post(approve, json={},
                                 headers={**fin.auth("u-director1"), "Idempotency-Key": "ap-4"})
    assert head.json()["next_level"] == "finance"
    assert [d["decided_by"] for d in head.json()["decisions"]] == ["u-alice", "u-director1"]
    # the cashier pays only an approved refund; a sales person never pays
    assert_problem(await fin.client.post(f"/v1/refunds/{refund['id']}/pay",
                                         headers={**fin.auth("u-bob"),
                                                  "Idempotency-Key": "pay-r"}),
                   403, "finance-forbidden")
    got = await fin.client.get(f"/v1/refunds/{refund['id']}", headers=fin.auth("u-alice"))
    assert got.json()["status"] == "pending"
    assert_problem(await fin.client.get(f"/v1/refunds/{refund['id']}",
                                        headers=fin.auth("u-sales3")), 404, "refund-not-found")
    # the full payment accrued the seller's commission, seen by the seller herself
    mine = await fin.client.get("/v1/commissions", headers=fin.auth("u-alice"))
    assert [(c["order_id"], c["amount_fen"]) for c in mine.json()["items"]
            if c["order_id"] == "o-gw-3"] == [("o-gw-3", 15_000)]


async def test_vouchers_upload_and_download(fin, finance_db):
    place(finance_db, "o-gw-4", "c-gw-4")
    paid = await fin.client.post("/v1/payments", json={"order_id": "o-gw-4", "kind": "deposit",
                                                       "amount_fen": 5_000},
                                 headers={**fin.auth("u-admin"),
                                          "Idempotency-Key": "pay-gw-4"})
    payment_id = paid.json()["id"]
    pdf = b"%PDF-1.4 receipt"
    body = {"document_type": "payment", "document_id": payment_id,
            "content_type": "application/pdf", "file_name": "收据.pdf",
            "content_base64": base64.b64encode(pdf).decode()}
    uploaded = await fin.client.post("/v1/vouchers", json=body,
                                     headers={**fin.auth("u-admin"),
                                              "Idempotency-Key": "voucher-gw-4"})
    assert uploaded.status_code == 201, uploaded.text
    voucher = uploaded.json()
    assert voucher["size_bytes"] == len(pdf)
    download = await fin.client.get(f"/v1/vouchers/{voucher['id']}",
                                    headers=fin.auth("u-alice"))
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%E6%94%B6%E6%8D%AE.pdf" in download.headers["content-disposition"]
    listed = await fin.client.get("/v1/vouchers", params={"document_type": "payment",
                                                          "document_id": payment_id},
                                  headers=fin.auth("u-admin"))
    assert [v["id"] for v in listed.json()] == [voucher["id"]]
    assert_problem(await fin.client.post("/v1/vouchers", json={**body, "content_base64": "%%"},
                                         headers={**fin.auth("u-admin"),
                                                  "Idempotency-Key": "voucher-bad"}),
                   422, "validation-failed")
    mismatch = {**body, "content_type": "image/png"}
    assert_problem(await fin.client.post("/v1/vouchers", json=mismatch,
                                         headers={**fin.auth("u-admin"),
                                                  "Idempotency-Key": "voucher-png"}),
                   422, "voucher-type-mismatch")
    assert_problem(await fin.client.get(f"/v1/vouchers/{voucher['id']}",
                                        headers=fin.auth("u-sales3")), 404, "voucher-not-found")


async def test_no_token_is_401(fin):
    assert_problem(await fin.client.get("/v1/accounts/c-1"), 401)
    assert_problem(await fin.client.post("/v1/payments", json={}), 401)
