"""Lists and search of the customers api (SQLite and PostgreSQL): filters, full-text on
name / company / phone tail, keyset pages, scope filtering, masking."""
from __future__ import annotations

import grpc
import pytest
from contracts.leads import customers_pb2 as pb

from ..support import as_, error_of, id_number, new_customer, phone, running_api


@pytest.fixture(scope="module")
def api(database_url):
    with running_api(database_url) as (stub, db):
        made = {}
        for key, owner, name, n, company, extra in [
            ("a", "sales1", "张三丰", 1001, "武当科技", {"tags": ["vip"], "region": "北京"}),
            ("b", "sales1", "张无忌", 1002, "明教咨询", {"source_channel_id": "ch-1"}),
            ("c", "sales2", "赵敏", 1003, "蒙古贸易", {"tags": ["vip"]}),
            ("d", "sales3", "周芷若", 1004, "峨眉教育", {"region": "广州"}),
            ("e", "sales3", "张三丰", 1005, "Star Tech", {}),
        ]:
            made[key] = stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
                name, phones=[phone(n)], company=company, **extra)),
                metadata=as_(owner)).customer
        made["card"] = stub.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
            "钱六", id_card=id_number("11010119900307123"))), metadata=as_("sales2")).customer
        yield stub, db, made


def ids(stub, user, **query) -> list[str]:
    found, token = [], ""
    while True:
        page = stub.ListCustomers(pb.ListCustomersRequest(page_token=token, **query),
                                  metadata=as_(user))
        found += [c.id for c in page.customers]
        token = page.next_page_token
        if not token:
            return found


def test_each_scope_lists_its_customers_newest_first(api):
    stub, _db, m = api
    assert ids(stub, "sales1") == [m["b"].id, m["a"].id]
    assert ids(stub, "manager1") == [m["card"].id, m["c"].id, m["b"].id, m["a"].id]
    assert ids(stub, "director1") == [m["card"].id, m["c"].id, m["b"].id, m["a"].id]
    assert ids(stub, "director2") == [m["e"].id, m["d"].id]
    assert ids(stub, "cs1") == [m[k].id for k in ("card", "e", "d", "c", "b", "a")]
    assert ids(stub, "teacher1") == []


def test_pages_are_keyset_and_tokens_cannot_be_edited(api):
    stub, _db, m = api
    first = stub.ListCustomers(pb.ListCustomersRequest(page_size=2), metadata=as_("cs1"))
    assert [c.id for c in first.customers] == [m["card"].id, m["e"].id]
    assert ids(stub, "cs1", page_size=2) == ids(stub, "cs1")
    by_name = ids(stub, "cs1", sort="name", page_size=1)
    assert len(by_name) == 6
    error = error_of(lambda: stub.ListCustomers(pb.ListCustomersRequest(
        page_token=first.next_page_token[:-2] + "xx"), metadata=as_("cs1")))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    foreign = error_of(lambda: stub.ListCustomers(pb.ListCustomersRequest(
        page_token=first.next_page_token, stage="lead"), metadata=as_("cs1")))
    assert foreign.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_exact_lookups_by_phone_and_id_card(api):
    stub, _db, m = api
    assert ids(stub, "cs1", phone=f"+86 {phone(1003)}") == [m["c"].id]
    assert ids(stub, "cs1", id_card=id_number("11010119900307123").lower()) == [m["card"].id]
    # out of scope: the lookup finds nothing rather than the customer
    assert ids(stub, "sales1", phone=phone(1003)) == []
    assert ids(stub, "director2", id_card=id_number("11010119900307123")) == []


def test_filters(api):
    stub, _db, m = api
    assert ids(stub, "cs1", tag="vip") == [m["c"].id, m["a"].id]
    assert ids(stub, "cs1", channel_id="ch-1") == [m["b"].id]
    assert ids(stub, "cs1", region="广州") == [m["d"].id]
    assert ids(stub, "cs1", owner_id="sales3") == [m["e"].id, m["d"].id]
    assert ids(stub, "cs1", stage="lead", tag="vip", owner_id="sales2") == [m["c"].id]


def test_full_text_on_name_company_and_phone_tail(api):
    stub, _db, m = api
    assert ids(stub, "cs1", q="张三") == [m["e"].id, m["a"].id]
    assert ids(stub, "cs1", q="三丰") == [m["e"].id, m["a"].id]
    assert ids(stub, "cs1", q="张") == [m["e"].id, m["b"].id, m["a"].id]
    assert ids(stub, "cs1", q="武当") == [m["a"].id]
    assert ids(stub, "cs1", q="star") == [m["e"].id]
    assert ids(stub, "cs1", q="张忌") == []          # both pairs absent: not a substring
    assert ids(stub, "cs1", q=phone(1004)[-4:]) == [m["d"].id]
    assert ids(stub, "cs1", q=phone(1004)[-6:]) == [m["d"].id]
    assert ids(stub, "sales1", q="张三") == [m["a"].id]
    assert ids(stub, "director2", q="张", region="广州") == []
    assert ids(stub, "cs1", q="100%") == []


def test_masking_by_role_and_ownership(api):
    stub, _db, m = api
    own = stub.GetCustomer(pb.GetCustomerRequest(customer_id=m["card"].id),
                           metadata=as_("sales2")).customer
    managed = stub.GetCustomer(pb.GetCustomerRequest(customer_id=m["card"].id),
                               metadata=as_("manager1")).customer
    service = stub.GetCustomer(pb.GetCustomerRequest(customer_id=m["c"].id),
                               metadata=as_("cs1")).customer
    assert (own.id_card, own.personal_data_masked) == (id_number("11010119900307123"), False)
    assert managed.id_card == "110*************" + id_number("11010119900307123")[-2:]
    assert managed.personal_data_masked is True
    listed = stub.ListCustomers(pb.ListCustomersRequest(phone=phone(1003)),
                                metadata=as_("director1")).customers[0]
    assert listed.phones[0].number == "139****1003"
    assert service.phones[0].number == f"+86{phone(1003)}"


def test_possible_duplicates_are_flagged_not_blocked(api):
    stub, _db, m = api
    view = stub.GetCustomer(pb.GetCustomerRequest(customer_id=m["a"].id), metadata=as_("cs1"))
    assert list(view.customer.possible_duplicate_ids) == [m["e"].id]
    # within the reader's scope only: sales1 does not learn of sales3's customer
    own = stub.GetCustomer(pb.GetCustomerRequest(customer_id=m["a"].id), metadata=as_("sales1"))
    assert list(own.customer.possible_duplicate_ids) == []
