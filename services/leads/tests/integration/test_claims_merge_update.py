"""Ownership claims (报备), arbitration, updates and merges through the api (SQLite and
PostgreSQL), with the events and history they leave."""
from __future__ import annotations

import datetime as dt
import json

import grpc
import pytest
from contracts.leads import customers_pb2 as pb
from kit import grpc_errors
from leads import models as m
from sqlalchemy import select, update

from ..support import TOKENS, as_, error_of, id_number, new_customer, phone, running_api


@pytest.fixture(scope="module")
def api(database_url):
    with running_api(database_url) as running:
        yield running


def create(stub, user: str, n: int, name: str = "客户", **fields) -> pb.Customer:
    return stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        name, phones=[phone(n)], **fields)), metadata=as_(user)).customer


def expire_protection(db, customer_id: str) -> None:
    with db.session() as s:
        s.execute(update(m.Customer).where(m.Customer.id == customer_id).values(
            protected_until=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)))


def events(db, event_type: str, subject: str) -> list[dict]:
    with db.session() as s:
        return [json.loads(p)["data"] for p in s.scalars(
            select(m.OUTBOX.c.payload).where(m.OUTBOX.c.event_type == event_type,
                                             m.OUTBOX.c.subject == subject)
            .order_by(m.OUTBOX.c.id))]


def owner_of(stub, customer_id: str) -> str:
    return stub.GetCustomer(pb.GetCustomerRequest(customer_id=customer_id),
                            metadata=as_("admin")).customer.owner.user_id


def claim(stub, user: str, customer_id: str, **kw) -> pb.Claim:
    return stub.ClaimCustomer(pb.ClaimCustomerRequest(customer_id=customer_id, **kw),
                              metadata=as_(user)).claim


def test_an_unprotected_customer_goes_to_the_claimant_at_once(api):
    stub, db = api
    c = create(stub, "sales1", 2001)
    expire_protection(db, c.id)
    got = claim(stub, "sales2", c.id, note="我跟进过")
    assert (got.status, got.decided_by, got.claimant.user_id) == ("approved", "system", "sales2")
    assert owner_of(stub, c.id) == "sales2"
    [changed] = events(db, "crm.leads.customer.owner_changed.v1", c.id)
    assert (changed["previous_owner_id"], changed["owner_id"], changed["reason"]) == (
        "sales1", "sales2", "claim")
    assert [e["claim_id"] for e in events(db, "crm.leads.claim.approved.v1", c.id)] == [got.id]


def test_a_protected_customer_queues_the_claim_for_a_manager(api):
    stub, db = api
    c = create(stub, "sales1", 2002)
    waiting = claim(stub, "sales3", c.id)
    assert waiting.status == "requested" and owner_of(stub, c.id) == "sales1"
    again = error_of(lambda: claim(stub, "sales3", c.id))
    assert grpc_errors.error_info(again).reason == "claim.pending"
    view = stub.GetCustomer(pb.GetCustomerRequest(customer_id=c.id), metadata=as_("manager1"))
    assert view.pending_claim.id == waiting.id
    [requested] = events(db, "crm.leads.claim.requested.v1", c.id)
    assert (requested["claimant_id"], requested["current_owner_id"]) == ("sales3", "sales1")
    # a salesperson cannot decide; a manager outside both scopes sees no such claim
    denied = error_of(lambda: stub.DecideClaim(pb.DecideClaimRequest(
        customer_id=c.id, claim_id=waiting.id, approve=True), metadata=as_("sales1")))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    hidden = error_of(lambda: stub.DecideClaim(pb.DecideClaimRequest(
        customer_id=c.id, claim_id=waiting.id, approve=True),
        metadata=TOKENS_OTHER_MANAGER))
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    rejected = stub.DecideClaim(pb.DecideClaimRequest(
        customer_id=c.id, claim_id=waiting.id, approve=False, note="已有跟进"),
        metadata=as_("manager1")).claim
    assert (rejected.status, rejected.decided_by, rejected.decision_note) == (
        "rejected", "manager1", "已有跟进")
    assert owner_of(stub, c.id) == "sales1"
    twice = error_of(lambda: stub.DecideClaim(pb.DecideClaimRequest(
        customer_id=c.id, claim_id=waiting.id, approve=True), metadata=as_("manager1")))
    assert grpc_errors.error_info(twice).reason == "claim.decided"


def test_approving_gives_the_customer_and_rejects_the_other_claims(api):
    stub, db = api
    c = create(stub, "sales1", 2003)
    first = claim(stub, "sales2", c.id)
    second = claim(stub, "sales3", c.id)
    approved = stub.DecideClaim(pb.DecideClaimRequest(
        customer_id=c.id, claim_id=second.id, approve=True), metadata=as_("director2")).claim
    assert approved.status == "approved" and approved.HasField("protected_until")
    got = stub.GetCustomer(pb.GetCustomerRequest(customer_id=c.id), metadata=as_("sales3"))
    assert (got.customer.owner.user_id, got.customer.owner.region_id) == ("sales3", "reg-south")
    statuses = {cl.id: cl.status for cl in stub.ListClaims(
        pb.ListClaimsRequest(customer_id=c.id), metadata=as_("sales3")).claims}
    assert statuses[first.id] == "rejected" and statuses[second.id] == "approved"
    # sales1 lost it: out of scope now
    gone = error_of(lambda: stub.GetCustomer(pb.GetCustomerRequest(customer_id=c.id),
                                             metadata=as_("sales1")))
    assert gone.code() == grpc.StatusCode.NOT_FOUND
    [changed] = events(db, "crm.leads.customer.owner_changed.v1", c.id)
    assert (changed["reason"], changed["changed_by"]) == ("arbitration", "director2")


def test_refuse_policy_and_channel_rule(database_url):
    with running_api(database_url, collision_policy="refuse",
                     channel_rule="channel_wins") as (stub, _db):
        c = create(stub, "sales1", 2004)
        refused = error_of(lambda: claim(stub, "sales2", c.id))
        info = grpc_errors.error_info(refused)
        assert (info.code, info.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                            "claim.protected")
        through_channel = claim(stub, "sales2", c.id, channel_id="ch-partner")
        assert (through_channel.status, through_channel.claimant.channel_id) == (
            "approved", "ch-partner")
        held = stub.GetCustomer(pb.GetCustomerRequest(customer_id=c.id),
                                metadata=as_("sales2")).customer.owner
        assert (held.user_id, held.channel_id) == ("sales2", "ch-partner")
        # a channel holder keeps it against another channel's claim
        refused = error_of(lambda: claim(stub, "sales1", c.id, channel_id="ch-other"))
        assert grpc_errors.error_info(refused).reason == "claim.protected"


def test_duplicate_create_can_become_a_claim(api):
    stub, db = api
    c = create(stub, "sales1", 2005)
    answer = stub.CreateCustomer(pb.CreateCustomerRequest(
        customer=new_customer("同一人", phones=[phone(2005)]), on_duplicate="claim"),
        metadata=as_("sales3"))
    assert not answer.HasField("customer")
    assert answer.existing_customer_id == c.id
    assert (answer.claim.status, answer.claim.claimant.user_id) == ("requested", "sales3")


def test_update_checks_and_records_changes(api):
    stub, db = api
    c = create(stub, "sales1", 2006, company="旧公司")
    other = create(stub, "sales2", 2007)
    updated = stub.UpdateCustomer(pb.UpdateCustomerRequest(
        customer_id=c.id, customer=pb.CustomerFields(
            stage="prospect", company="新公司", phones=[phone(2008), phone(2006)]),
        update_fields=["stage", "company", "phones"]), metadata=as_("sales1")).customer
    assert (updated.stage, updated.company, updated.version) == ("prospect", "新公司", 2)
    assert [p.number for p in updated.phones] == [f"+86{phone(2008)}", f"+86{phone(2006)}"]
    [event] = events(db, "crm.leads.customer.updated.v1", c.id)
    assert event["changed_fields"] == ["phones", "stage", "company"]
    assert stub.ListCustomers(pb.ListCustomersRequest(q="新公司"),
                              metadata=as_("sales1")).customers[0].id == c.id
    taken = error_of(lambda: stub.UpdateCustomer(pb.UpdateCustomerRequest(
        customer_id=c.id, customer=pb.CustomerFields(phones=[phone(2007)]),
        update_fields=["phones"]), metadata=as_("sales1")))
    info = grpc_errors.error_info(taken)
    assert (info.reason, info.details["existing_customer_id"]) == ("customer.duplicate",
                                                                   other.id)
    out = error_of(lambda: stub.UpdateCustomer(pb.UpdateCustomerRequest(
        customer_id=other.id, customer=pb.CustomerFields(stage="alumni"),
        update_fields=["stage"]), metadata=as_("sales1")))
    assert out.code() == grpc.StatusCode.NOT_FOUND
    teacher = error_of(lambda: stub.UpdateCustomer(pb.UpdateCustomerRequest(
        customer_id=c.id, customer=pb.CustomerFields(stage="alumni"),
        update_fields=["stage"]), metadata=as_("teacher1")))
    assert teacher.code() == grpc.StatusCode.PERMISSION_DENIED


def test_merge_takes_chosen_fields_unites_phones_and_keeps_history(api):
    stub, db = api
    card = id_number("11010519491231002")
    survivor = create(stub, "sales1", 2010, name="孙七", company="甲公司", tags=["vip"])
    merged = stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        "孙 七", phones=[phone(2011)], id_card=card, company="乙公司", tags=["trial"],
        roles=["payer"])), metadata=as_("sales2")).customer
    waiting = claim(stub, "sales3", merged.id)
    result = stub.MergeCustomers(pb.MergeCustomersRequest(
        survivor_id=survivor.id, merged_id=merged.id,
        field_sources={"company": "merged", "id_card": "merged"}),
        metadata=as_("manager1")).customer
    assert (result.company, result.name, result.id_card[:3]) == ("乙公司", "孙七", "110")
    assert sorted(p.number for p in result.phones) == ["139****2010", "139****2011"]
    assert (list(result.tags), list(result.roles)) == (["vip", "trial"], ["payer"])
    loser = stub.GetCustomer(pb.GetCustomerRequest(customer_id=merged.id),
                             metadata=as_("cs1")).customer
    assert (loser.merged_into_id, len(loser.phones), loser.id_card) == (survivor.id, 0, "")
    # lookups by the merged record's keys find the survivor; lists leave the merged one out
    assert [c.id for c in stub.ListCustomers(pb.ListCustomersRequest(phone=phone(2011)),
                                             metadata=as_("cs1")).customers] == [survivor.id]
    assert [c.id for c in stub.ListCustomers(pb.ListCustomersRequest(id_card=card),
                                             metadata=as_("cs1")).customers] == [survivor.id]
    claims = stub.ListClaims(pb.ListClaimsRequest(customer_id=survivor.id),
                             metadata=as_("cs1")).claims
    assert waiting.id in [cl.id for cl in claims]
    [event] = events(db, "crm.leads.customer.merged.v1", survivor.id)
    assert (event["merged_id"], event["field_sources"]) == (
        merged.id, {"company": "merged", "id_card": "merged"})
    with db.session() as s:
        actions = list(s.scalars(select(m.CustomerHistory.action).where(
            m.CustomerHistory.customer_id == survivor.id).order_by(m.CustomerHistory.id)))
    assert actions.count("created") == 2 and actions[-1] == "merged"
    again = error_of(lambda: stub.MergeCustomers(pb.MergeCustomersRequest(
        survivor_id=survivor.id, merged_id=merged.id), metadata=as_("manager1")))
    assert grpc_errors.error_info(again).reason == "customer.already_merged"


# a department manager of another department and region
TOKENS_OTHER_MANAGER = TOKENS.metadata("manager9", "department_manager", scope="department",
                                       dept="dep-gz-service", region="reg-south")
