"""Enrollment end to end through the real processes: the gateway, identity (api + worker) and
enrollment (api + worker), RabbitMQ, Redis and PostgreSQL, with the demo data. A demo seller
places an order for a demo class; finance's order.paid_in_full (published on the bus, twice)
makes exactly one enrollment, which the seller then reads and suspends through the gateway,
and which the seller of the other region never sees."""
from __future__ import annotations

import uuid

import httpx
import pytest
from kit import testing
from kit.events import make_envelope
from system_under_test import running_system

PASSWORD = "educrm-demo"  # noqa: S105 - the demo seed's documented password


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("e2e_enrollment"), scheduling=False,
                        enrollment=True) as running:
        yield running


@pytest.fixture(scope="module")
def http(system):
    with httpx.Client(base_url=system.gateway_url, timeout=30) as client:
        yield client


def login(http, username: str) -> dict[str, str]:
    response = http.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"authorization": f"Bearer {response.json()['access_token']}"}


def test_order_paid_in_full_becomes_one_enrollment(system, http):
    sales1, sales3 = login(http, "sales1"), login(http, "sales3")
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    placed = http.post("/v1/orders", headers={**sales1, "Idempotency-Key": f"o-{customer}"},
                       json={"kind": "class", "customer_id": customer,
                             "class_id": "demo-class-coach-1", "campus_id": "demo-campus-bj",
                             "deposit_fen": 200_000})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["status"], order["price_fen"], order["lesson_hours"]) == \
        ("placed", 1_280_000, 24)
    event = make_envelope("crm.finance.order.paid_in_full.v1", order["id"], {
        "order_id": order["id"], "customer_id": customer, "paid_total_fen": 1_280_000,
        "paid_at": "2027-02-20T08:00:00Z"})
    for _ in range(2):  # a redelivery changes nothing
        testing.publish_event(system.env["EDUCRM_AMQP_URI"], "finance.events", event.type,
                              event.to_json())

    def enrolled():
        items = http.get("/v1/enrollments", headers=sales1,
                         params={"customer_id": customer}).json()["items"]
        return items or None

    [enrollment] = testing.wait_for(enrolled, timeout=60, interval=0.2,
                                    message="the enrollment was not made")
    assert (enrollment["order_id"], enrollment["class_id"], enrollment["purchased_hours"],
            enrollment["status"]) == (order["id"], "demo-class-coach-1", 24, "active")
    testing.wait_for(lambda: testing.queue_depth(system.env["EDUCRM_AMQP_URI"],
                                                 "enrollment.confirm_paid_order").messages == 0,
                     timeout=60, interval=0.2)
    again = http.get("/v1/enrollments", headers=sales1, params={"customer_id": customer})
    assert len(again.json()["items"]) == 1
    assert http.get(f"/v1/orders/{order['id']}", headers=sales1).json()["status"] == "enrolled"
    suspended = http.post(f"/v1/enrollments/{enrollment['id']}/suspend", headers=sales1,
                          json={"reason": "出差"})
    assert (suspended.status_code, suspended.json()["change"]) == (200, "suspended")
    hidden = http.get(f"/v1/enrollments/{enrollment['id']}", headers=sales3)
    assert hidden.status_code == 404, hidden.text
