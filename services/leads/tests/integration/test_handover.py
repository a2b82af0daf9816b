"""Handover from identity's events, below the worker (leads.handover with a Database): the
staff read model, the successor named or the department manager, history and events per
customer, the leaver's waiting claims rejected, and a redelivered event changing nothing."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from contracts.leads import customers_pb2 as pb
from kit.events import make_envelope
from leads import handover
from leads import models as m
from leads.customers import handover as customers_handover  # noqa: F401  (its step)
from sqlalchemy import func, select

from ..support import as_, new_customer, phone, running_api


@pytest.fixture(scope="module")
def api(database_url):
    with running_api(database_url) as running:
        yield running


def user_created(user_id: str, roles: list[str], dept: str, region: str):
    return make_envelope("crm.identity.user.created.v1", user_id, {
        "user_id": user_id, "username": user_id, "roles": roles, "department_id": dept,
        "region_id": region, "created_at": "2026-01-01T00:00:00Z"})


def user_left(user_id: str, successor: str | None):
    return make_envelope("crm.identity.user.left.v1", user_id, {
        "user_id": user_id, "successor_user_id": successor,
        "left_at": dt.datetime.now(dt.UTC).isoformat()})


def owned_by(db, user_id: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Customer)
                        .where(m.Customer.owner_id == user_id))


def test_named_successor_then_department_manager(api):
    stub, db = api
    for user, roles, dept, region in (("sales1", ["sales"], "dep-bj-sales", "reg-north"),
                                      ("sales2", ["sales"], "dep-bj-sales", "reg-north"),
                                      ("manager1", ["department_manager"], "dep-bj-sales",
                                       "reg-north"),
                                      ("sales3", ["sales"], "dep-gz-sales", "reg-south")):
        handover.record_staff_member(db, user_created(user, roles, dept, region))
    made = [stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        f"交接{i}", phones=[phone(8000 + i)])), metadata=as_("sales1")).customer
        for i in range(3)]
    waiting = stub.ClaimCustomer(pb.ClaimCustomerRequest(customer_id=stub.CreateCustomer(
        pb.CreateCustomerRequest(customer=new_customer("别人的", phones=[phone(8010)])),
        metadata=as_("sales3")).customer.id), metadata=as_("sales1")).claim
    assert waiting.status == "requested"

    left = user_left("sales1", "sales2")
    assert handover.hand_over(db, left) == {"customers": 3, "follow_up_plans": 0,
                                            "sales_target_splits": 0}
    assert handover.hand_over(db, left) == {}  # redelivered: the inbox drops it
    assert (owned_by(db, "sales1"), owned_by(db, "sales2")) == (0, 3)
    with db.session() as s:
        c = s.get(m.Customer, made[0].id)
        assert (c.owner_department_id, c.owner_region_id) == ("dep-bj-sales", "reg-north")
        assert s.get(m.Claim, waiting.id).status == "rejected"
        assert s.get(m.StaffMember, "sales1").left is True
        history = s.scalars(select(m.CustomerHistory).where(
            m.CustomerHistory.customer_id == made[0].id,
            m.CustomerHistory.action == "owner_changed")).one()
        assert (history.actor_id, history.detail["reason"], history.detail["owner_id"]) == (
            "system:handover", "handover", "sales2")
        payloads = [json.loads(p)["data"] for p in s.scalars(select(m.OUTBOX.c.payload).where(
            m.OUTBOX.c.event_type == "crm.leads.customer.owner_changed.v1",
            m.OUTBOX.c.subject == made[0].id))]
    assert [(p["previous_owner_id"], p["owner_id"], p["reason"]) for p in payloads] == [
        ("sales1", "sales2", "handover")]

    # sales2 leaves naming nobody: the manager of their department takes over
    assert handover.hand_over(db, user_left("sales2", None))["customers"] == 3
    assert owned_by(db, "manager1") == 3


def test_nobody_to_take_over_keeps_the_customers_in_their_department(api):
    stub, db = api
    c = stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        "无人接手", phones=[phone(8020)])), metadata=as_("sales3")).customer
    # sales3's department (dep-gz-sales) has no manager in the read model
    handover.record_staff_member(db, user_created("sales3", ["sales"], "dep-gz-sales",
                                                  "reg-south"))
    assert handover.hand_over(db, user_left("sales3", None))["customers"] >= 1
    with db.session() as s:
        row = s.get(m.Customer, c.id)
        assert (row.owner_id, row.owner_department_id, row.owner_region_id,
                row.protected_until) == (None, "dep-gz-sales", "reg-south", None)
    # the region's director still sees it; an unknown successor keeps the placement too
    got = stub.GetCustomer(pb.GetCustomerRequest(customer_id=c.id), metadata=as_("director2"))
    assert got.customer.owner.user_id == ""
